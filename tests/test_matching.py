"""Evidence extraction: exact offsets for every certification id (current names, old names,
typos), context statuses, and the false friends that must not be findings."""
from __future__ import annotations

import pytest

from pathlib import Path

from cv_matcher.lexicon import cached_lexicon
from cv_matcher.matching import find_evidence
from helpers import assert_offsets, doc_of, find

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def lexicon():
    return cached_lexicon()


def certs(text: str, lexicon, kind: str = "cv", name: str = "cv.txt"):
    doc = doc_of(text, name)
    ev = find_evidence(doc, lexicon, doc_kind=kind)
    assert_offsets(doc, ev)
    return doc, [e for e in ev if e.kind == "certification"]


# (sentence, expected certification id, the exact text that must be matched)
CERTIFICATIONS = [
    ("Certifications: APM Project Fundamentals Qualification (2022)", "apm-pfq", "APM Project Fundamentals Qualification"),
    ("Passed the APM Introductory Certificate in 2014", "apm-pfq", "APM Introductory Certificate"),
    ("Qualifications: PFQ", "apm-pfq", "PFQ"),
    ("Holds the APM PMQ", "apm-pmq", "APM PMQ"),
    ("Qualified: APMP (2012)", "apm-pmq", "APMP"),
    ("Achieved the APM Project Professional Qualification", "apm-ppq", "APM Project Professional Qualification"),
    ("Chartered Project Professional (ChPP) since 2021", "apm-chpp", "Chartered Project Professional"),
    ("Certified: PRINCE2 7 Foundation", "prince2-foundation", "PRINCE2 7 Foundation"),
    ("Certified: Prince 2 Foundation", "prince2-foundation", "Prince 2 Foundation"),
    ("Certified: PRINCE II Foundation", "prince2-foundation", "PRINCE II Foundation"),
    ("Certified: PRINCE2 Practitioner", "prince2-practitioner", "PRINCE2 Practitioner"),
    ("Certified: Prince 2 Practioner", "prince2-practitioner", "Prince 2 Practioner"),
    ("Certified: PRINCE2 Agile Practitioner", "prince2-agile", "PRINCE2 Agile Practitioner"),
    ("Certified: MSP Foundation", "msp-foundation", "MSP Foundation"),
    ("Certified: Managing Successful Programmes Practitioner", "msp-practitioner", "Managing Successful Programmes Practitioner"),
    ("Certified: P3O Foundation", "p3o-foundation", "P3O Foundation"),
    ("Certified: P3O Practitioner", "p3o-practitioner", "P3O Practitioner"),
    ("Passed the ISEB Certificate in Programme and Project Support Office Essentials", "bcs-ppso",
     "ISEB Certificate in Programme and Project Support Office Essentials"),
    ("Passed Essentials for PMO Administrators in 2022", "bcs-ppso", "Essentials for PMO Administrators"),
    ("Holds the BCS PPSO Advanced certificate", "ppso-advanced", "BCS PPSO Advanced"),
    ("Passed Essentials for PMO Managers", "ppso-advanced", "Essentials for PMO Managers"),
    ("PMP certified since 2019", "pmp", "PMP"),
    ("Certified Associate in Project Management (CAPM)", "capm", "Certified Associate in Project Management"),
    ("PgMP certified programme lead", "pgmp", "PgMP"),
    ("PfMP holder", "pfmp", "PfMP"),
    ("Passed the PMI-PMOCP in 2025", "pmi-pmocp", "PMI-PMOCP"),
    ("Certified: PMI-ACP", "pmi-acp", "PMI-ACP"),
    ("Certified: Management of Portfolios (MoP)", "mop", "Management of Portfolios"),
    ("Certified: M_o_R Foundation", "mor", "M_o_R Foundation"),
    ("Certified: AgilePM Practitioner", "agilepm", "AgilePM Practitioner"),
    ("Certified ScrumMaster (CSM)", "scrum-master", "Certified ScrumMaster"),
    ("Certified: ITIL 4 Foundation", "itil", "ITIL 4 Foundation"),
    ("Certified: Lean Six Sigma Green Belt", "lean-six-sigma", "Lean Six Sigma Green Belt"),
    ("Certified: IPMA Level D", "ipma-d", "IPMA Level D"),
    ("Certified: IPMA-C", "ipma-c", "IPMA-C"),
    ("Certified: IPMA Level B", "ipma-b", "IPMA Level B"),
    ("Certified: IPMA Level A", "ipma-a", "IPMA Level A"),
    ("ISEB Foundation Certificate in Project Management (2009)", "bcs-pm-foundation", "ISEB Foundation Certificate in Project Management"),
    ("Certified: CompTIA Project+", "comptia-project-plus", "CompTIA Project+"),
]


@pytest.mark.parametrize("sentence, term_id, matched", CERTIFICATIONS, ids=[c[1] + ":" + c[2] for c in CERTIFICATIONS])
def test_every_certification_is_found_with_exact_offsets(sentence: str, term_id: str, matched: str, lexicon) -> None:
    text = f"Jane Doe\n{sentence}\n"
    doc, found = certs(text, lexicon)
    hits = [e for e in found if e.term_id == term_id]
    assert hits, f"{term_id} not found in {sentence!r}: {[(e.term_id, e.text) for e in found]}"
    start = text.index(matched)
    assert (hits[0].start, hits[0].end, hits[0].text) == (start, start + len(matched), matched)


def test_certification_table_covers_every_documented_id(lexicon) -> None:
    documented = {"apm-pfq", "apm-pmq", "apm-ppq", "apm-chpp", "prince2-foundation", "prince2-practitioner", "prince2-agile",
                  "msp-foundation", "msp-practitioner", "msp", "p3o-foundation", "p3o-practitioner", "bcs-ppso", "ppso-advanced", "pmp",
                  "capm", "pgmp", "pfmp", "pmi-pmocp", "pmi-acp", "mop", "mor", "agilepm", "scrum-master", "itil", "lean-six-sigma",
                  "ipma-d", "ipma-c", "ipma-b", "ipma-a", "bcs-pm-foundation", "comptia-project-plus"}
    assert documented <= set(lexicon.terms)
    tested = {c[1] for c in CERTIFICATIONS} | {"msp"}
    assert documented <= tested


@pytest.mark.parametrize("line, status", [
    ("PRINCE2 Practitioner (2021)", "held"),
    ("Currently studying for PRINCE2 Practitioner", "studying"),
    ("Working towards APM PMQ", "studying"),
    ("PRINCE2 Foundation - booked for June", "planned"),
    ("Due to sit P3O Foundation in March", "planned"),
])
def test_cv_certification_status(line: str, status: str, lexicon) -> None:
    _, found = certs(f"Jane Doe\nCertifications\n{line}\n", lexicon)
    assert [e.status for e in found] == [status]


def test_studying_cue_stays_with_its_own_certification(lexicon) -> None:
    _, found = certs("Certifications\nPRINCE2 Foundation (2019); currently studying for PRINCE2 Practitioner\n", lexicon)
    assert {e.term_id: e.status for e in found} == {"prince2-foundation": "held", "prince2-practitioner": "studying"}


@pytest.mark.parametrize("line, status", [
    ("PRINCE2 Practitioner is essential.", "essential"),
    ("MSP Foundation would be an advantage.", "desirable"),
    ("PRINCE2 not required - we will train you.", "not-required"),
    ("Ideally you will hold P3O Foundation.", "desirable"),
])
def test_advert_certification_status(line: str, status: str, lexicon) -> None:
    _, found = certs(f"PMO Analyst\nThe role\n{line}\n", lexicon, kind="advert", name="ad.txt")
    assert [e.status for e in found] == [status]


def test_essential_and_desirable_sections_set_the_requirement(lexicon) -> None:
    text = "PMO Analyst\nEssential criteria:\n- PRINCE2 Foundation\nDesirable criteria:\n- P3O Foundation\n"
    _, found = certs(text, lexicon, kind="advert", name="ad.txt")
    assert {e.term_id: e.status for e in found} == {"prince2-foundation": "essential", "p3o-foundation": "desirable"}


# False friends: the mention is not the PMO term it looks like.
@pytest.mark.parametrize("text, term_id", [
    ("You will maintain the project management plan (PMP) and schedule.", "pmp"),
    ("Configured RAID 5 and RAID 10 disk arrays on the SAN.", "raid-log-upkeep"),
    ("Managed a £40m investment portfolio of equities and bonds.", "portfolio-management"),
    ("Team leader at an MSP (managed service provider) supporting 40 clients.", "msp"),
    ("Engineered an ITIL-compliant lifecycle framework.", "itil"),
    # A discipline is not a person's title; a verb with its object is not the noun of the alias.
    ("BSc Civil Engineering, University of Leeds, 2015.", "title-other-profession"),
    ("Led the project engineering workstream for the new plant.", "title-other-profession"),
    ("Training in Project Management associated with the new delivery framework.", "title-project-coordinator"),
    ("An employability programme supporting individuals back into work.", "project-support-work"),
])
def test_false_friends_are_not_findings(text: str, term_id: str, lexicon) -> None:
    doc = doc_of(f"Alex Smith\nExperience\n{text}\n")
    assert not find(find_evidence(doc, lexicon), term_id)


def test_care_coordination_is_care_work_not_a_coordinator_duty(lexicon) -> None:
    doc = doc_of("Care Coordinator\nYou will co-ordinate patient care for service users.\n", "ad.txt")
    ids = {e.term_id for e in find_evidence(doc, lexicon, doc_kind="advert")}
    assert "care-and-health" in ids and "multi-project-coordination" not in ids


def test_a_skill_listed_under_interests_is_not_a_finding(lexicon) -> None:
    doc = doc_of("Sam Lee\nExperience\nStore manager.\nInterests\nPower BI dashboards for my running club, PRINCE2 Foundation\n")
    found = find_evidence(doc, lexicon)
    assert not find(found, "power-bi") and not find(found, "prince2-foundation")


@pytest.mark.parametrize("text, term_id, matched", [
    ("Planned work in MS-Project and Sharepoint.", "ms-project", "MS-Project"),
    ("Planned work in MS-Project and Sharepoint.", "sharepoint", "Sharepoint"),
    ("Co-ordinated several projects in parallel.", "multi-project-coordination", "Co-ordinated several projects in parallel"),
    ("Managed the programe RAID log.", "raid-log-upkeep", "RAID log"),
    ("Set up the PMO from scratch for a new programme.", "establish-pmo", "Set up the PMO from scratch"),
    ("Organising meetings & taking minutes.", "meeting-organisation", "Organising meetings"),
    # ... while the noun in -ing still matches where a preposition or conjunction follows it.
    ("Led programme supporting and reporting for the PMO.", "project-support-work", "programme supporting"),
])
def test_variants_and_typos(text: str, term_id: str, matched: str, lexicon) -> None:
    doc = doc_of(f"Pat Jones\nExperience\n{text}\n")
    hits = find(find_evidence(doc, lexicon), term_id)
    start = doc.text.index(matched)
    assert [(h.start, h.end) for h in hits][:1] == [(start, start + len(matched))]


def test_longest_exact_span_wins(lexicon) -> None:
    doc = doc_of("Assistant Project Manager at Acme\n")
    titles = [e for e in find_evidence(doc, lexicon) if e.kind == "title"]
    assert [(t.term_id, t.text) for t in titles] == [("title-project-coordinator", "Assistant Project Manager")]


def test_evidence_carries_method_section_and_reason(lexicon) -> None:
    doc = doc_of("Jo Bloggs\nCertifications\nPrince 2 Practioner\nPRINCE2 Foundation\n")
    ev = {e.term_id: e for e in find_evidence(doc, lexicon)}
    fuzzy, alias = ev["prince2-practitioner"], ev["prince2-foundation"]
    assert (fuzzy.method, fuzzy.section) == ("fuzzy", "certifications") and 0 < fuzzy.confidence < 1
    assert fuzzy.reason.startswith("fuzzy ") and "PRINCE2 7 Practitioner" in fuzzy.reason
    assert alias.method in ("exact", "alias") and alias.confidence >= 0.95


# --- phrases that wrap onto the next line ---------------------------------------------------------

LONG = "We are looking for an experienced Head of PMO to lead the ongoing evolution of the"


@pytest.mark.parametrize("text, joined", [
    # a full line that goes on with a word: the break only wraps the paragraph
    (f"{LONG} Programme\nManagement Office to meet the needs of the programme.", [len(LONG) + 10]),
    (f"{LONG} Programme\nmanagement office.", [len(LONG) + 10]),
    # a full line that ends a sentence, a field or a list item, or is followed by a bullet or a blank line
    (f"{LONG} programme.\nManagement Office", []),
    (f"{LONG} programme:\nManagement Office", []),
    (f"{LONG} programme\n• Management Office", []),
    (f"{LONG} programme\n\nManagement Office", []),
    # short lines (titles, headings, list items, an address) never wrap
    ("PMO Analyst\nAcme Ltd\nProgramme\nManagement Office", []),
    (f"{LONG} long line to set the width\nProgramme\nManagement Office", [len(LONG) + 27]),
    ("no line break at all", []),
])
def test_a_break_that_only_wraps_a_paragraph_reads_as_a_space(text: str, joined: list[int]) -> None:
    from cv_matcher.matching.wrap import unwrapped

    out = unwrapped(text)
    assert len(out) == len(text)  # offsets are the same in both
    assert [i for i, (a, b) in enumerate(zip(text, out)) if a != b] == joined
    assert all(text[i] == "\n" and out[i] == " " for i in joined)


def test_a_phrase_wrapped_onto_the_next_line_of_a_page_is_found_at_its_offsets(lexicon) -> None:
    from dataclasses import replace

    text = f"{LONG} Programme\nManagement Office to meet the needs of the programme.\n"
    page = replace(doc_of(text), format="pdf")  # as a PDF reader gives it: the page's lines
    hits = find(find_evidence(page, lexicon), "programme-support")
    start = text.index("Programme\nManagement")
    assert [(h.start, h.end, h.text) for h in hits] == [(start, start + 27, "Programme\nManagement Office")]
    # a text file's breaks are its writer's; a one-word line and the next are never one phrase
    assert find(find_evidence(doc_of(text), lexicon), "programme-support") == []
    assert find(find_evidence(replace(doc_of("Programme\nManagement Office\n"), format="pdf"), lexicon), "programme-support") == []


def _wrapped(text: str, width: int = 70) -> str:
    """The text as a page lays it out: every longer line broken at spaces to `width` columns."""
    import textwrap

    return "\n".join("\n".join(textwrap.wrap(line, width)) if len(line) > width else line for line in text.split("\n"))


SAMPLE_TEXTS = sorted(p for folder in ("sample_cvs", "sample_ads") for p in (ROOT / folder).glob("*.txt"))


@pytest.mark.parametrize("path", SAMPLE_TEXTS, ids=[p.name for p in SAMPLE_TEXTS])
def test_a_text_laid_out_on_a_page_scores_as_the_text_itself(path) -> None:
    """Wrapped at 70 columns and read as a PDF's text, a sample gets the verdict of its own text:
    the same level, family and look-alike points (phrases and clauses read across the wraps)."""
    from dataclasses import replace

    from cv_matcher import api

    kind = "advert" if path.parent.name == "sample_ads" else "cv"
    text = api.load(path).text
    page = replace(doc_of(_wrapped(text)), format="pdf")
    assert page.text != text
    want, got = api.analyse(doc_of(text), kind=kind).verdict, api.analyse(page, kind=kind).verdict
    assert (got.rank, got.family_points, got.against_points) == (want.rank, want.family_points, want.against_points)
