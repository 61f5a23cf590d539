"""Pay parsing: real-looking strings to exact values, and pay as level evidence."""
from __future__ import annotations

import pytest

from cv_matcher.lexicon import cached_lexicon
from cv_matcher.pay import find_pay, level_fit

GRADES = cached_lexicon().pay.grades

# (text, min, max, currency, period, employment, ir35)
PAY_TABLE = [
    ("Rate: £325–£375 per day, Outside IR35, contract", 325, 375, "GBP", "day", "contract", "outside"),
    ("Salary: £29,970 - £36,483 per annum, permanent", 29970, 36483, "GBP", "year", "permanent", None),
    ("Salary: $78k-$92k plus benefits", 78000, 92000, "USD", "year", None, None),
    ("Temporary role at £12.80/hr", 12.80, 12.80, "GBP", "hour", "temporary", None),
    ("Interim, up to £750 p/d, Inside IR35", 750, 750, "GBP", "day", "contract", "inside"),
    ("Salary: From 25,000 to 30,000 per year + Plus benefits", 25000, 30000, "GBP", "year", None, None),
    ("Salary: 10/hour", 10, 10, "GBP", "hour", None, None),
    ("Day rate 450", 450, 450, "GBP", "day", None, None),
    ("Paying £45k-£55k", 45000, 55000, "GBP", "year", None, None),
    ("€500 a day", 500, 500, "EUR", "day", None, None),
    ("NHS Agenda for Change Band 5", 29970, 36483, "GBP", "year", None, None),
    ("Civil Service Grade 7, London", 52000, 65000, "GBP", "year", None, None),
    ("SEO grade, hybrid working", 40000, 49000, "GBP", "year", None, None),
]


@pytest.mark.parametrize("text, lo, hi, currency, period, employment, ir35", PAY_TABLE, ids=[p[0][:30] for p in PAY_TABLE])
def test_pay_strings(text: str, lo: float, hi: float, currency: str, period: str, employment: str | None, ir35: str | None) -> None:
    pay = find_pay(text, GRADES)
    assert pay is not None
    assert (pay.min, pay.max, pay.currency, pay.period, pay.employment, pay.ir35) == (lo, hi, currency, period, employment, ir35)
    assert text[pay.start:pay.end] == pay.text


@pytest.mark.parametrize("text", [
    "Salary: ****k plus benefits",          # masked figures
    "Title changed in 2023",                 # a year
    "19. Receive final payment and close out",  # a list number near 'pay'
    "Managed a team of 12 across 3 sites",
])
def test_not_pay(text: str) -> None:
    assert find_pay(text, GRADES) is None


def test_a_year_in_the_line_does_not_hide_the_salary() -> None:
    pay = find_pay("(title changed from Office Assistant in 2023; salary £24,000)", GRADES)
    assert pay is not None and (pay.min, pay.period) == (24000, "year")


@pytest.mark.parametrize("text, best", [
    ("£12.80/hr", 1),
    ("£180 per day", 2),
    ("£29,000 per annum", 2),
    ("£350 per day", 3),
    ("£45,000 per annum", 3),
    ("£650 per day", 4),
    ("£85,000 per annum", 4),
    ("Salary $140k", 4),
])
def test_pay_points_at_the_right_level(text: str, best: int) -> None:
    lex = cached_lexicon()
    fits = level_fit(find_pay(text, GRADES), lex.pay)
    top = max(fits.values())
    assert fits[best] == top
