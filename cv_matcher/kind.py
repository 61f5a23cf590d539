"""Decide whether a document is a CV or a job advert (for `batch --kind auto`)."""
from __future__ import annotations

import re

from .models import Document

ADVERT_CUES = re.compile(
    r"\b(?:we are (?:looking|seeking|recruiting)|we're looking|you will (?:be|have|need)|you'll (?:be|have)|the successful (?:candidate|applicant)|"
    r"job description|job title|about the role|the role|about us|our client|how to apply|apply now|apply today|closing date|salary:|"
    r"company:|contract:|location:|benefits|per annum|day rate|ir35|essential criteria|desirable criteria|person specification|"
    r"candidates? (?:will|must|should)|applicants? (?:will|must|should)|you must|reporting to the|join our|join the team|"
    r"employer:|date posted:|employment type:|job type:|vacanc(?:y|ies)|post ?holder|the post|this post)\b",
    re.IGNORECASE,
)
CV_CUES = re.compile(
    r"\b(?:curriculum vitae|résumé|resume|profile|personal statement|employment history|work history|career history|"
    r"professional experience|work experience|education|references available|interests|hobbies|linkedin\.com/in|"
    r"i am|i have|my role|achievements|education details|skill details|company details|experience - \d+ months|"
    r"bachelor of|master of|b\.?sc|m\.?sc|mba|university|college|gpa)\b",
    re.IGNORECASE,
)
FIRST_PERSON = re.compile(r"\b(?:I|my)\b")
# A CV lists what its writer did ("Managed ...", "Led ..."); an advert says what "you will" do.
PAST_TENSE_START = re.compile(r"(?m)^[\W\d]*(?:[A-Z][a-z]+ed|Led|Built|Ran|Drove|Oversaw|Wrote|Took|Kept|Made)\b")


def detect_kind(doc: Document) -> str:
    """'advert' or 'cv', by weighing recruiting phrases against CV structure and first person."""
    text = doc.text[:20000]
    advert = len(ADVERT_CUES.findall(text))
    from .experience import date_ranges

    # Distinct CV words: an employer named "Health Education England" says "education" ten times.
    cv = len({c.lower() for c in CV_CUES.findall(text)}) + min(5, len(FIRST_PERSON.findall(text)) // 2)
    cv += min(6, len(date_ranges(text))) + min(6, len(PAST_TENSE_START.findall(text)))
    # Distinct section kinds, not repeats: CVs often repeat "Responsibilities:" under every job.
    kinds = {s.kind for s in doc.sections}
    cv += 2 * len(kinds & {"experience", "education", "interests", "contact", "references", "achievements"})
    advert += 2 * len(kinds & {"requirements", "essential", "desirable", "about_role", "about_company", "benefits", "pay"})
    return "advert" if advert > cv else "cv"
