"""Section detection: table-driven, with exact offsets (text[start:end] == heading)."""
from __future__ import annotations

from pathlib import Path

import pytest
from conftest import corpus_files

from cv_matcher.errors import LexiconError
from cv_matcher.models import Document
from cv_matcher.sections import load_headings, split_sections

CV_KINDS = ["summary", "experience", "education", "skills", "certifications", "contact", "interests",
            "references", "projects", "achievements", "languages"]
ADVERT_KINDS = ["responsibilities", "requirements", "essential", "desirable", "about_role", "about_company",
                "benefits", "pay"]


def found(text: str) -> list[tuple[str, str]]:
    """(kind, heading) of each section, after checking every offset against the text."""
    sections = split_sections(text)
    for i, sec in enumerate(sections):
        assert text[sec.start:sec.end] == sec.heading
        assert sec.heading == sec.heading.strip() and not sec.heading.endswith(":")
        following = sections[i + 1].start if i + 1 < len(sections) else len(text)
        assert sec.end <= sec.body_end <= following
    if sections:  # the last body runs to the end, unless it is a header field of one line
        last = sections[-1]
        assert last.body_end == len(text) or text[last.body_end] == "\n"
    return [(s.kind, s.heading) for s in sections]


@pytest.mark.parametrize(("text", "expected"), [
    # Plain, capitalised, ALL CAPS, trailing colon.
    ("Jane Smith\nExperience\nPMO Analyst", [("experience", "Experience")]),
    ("WORK EXPERIENCE\nx", [("experience", "WORK EXPERIENCE")]),
    ("Employment History:\nx", [("experience", "Employment History")]),
    ("Career history\nx", [("experience", "Career history")]),
    # Numbered and decorated.
    ("2. SKILLS\nx", [("skills", "SKILLS")]),
    ("iv) Education\nx", [("education", "Education")]),
    ("## Key Responsibilities\nx", [("responsibilities", "Key Responsibilities")]),
    ("**Education**\nx", [("education", "Education")]),
    ("■ PROFESSIONAL SUMMARY\nx", [("summary", "PROFESSIONAL SUMMARY")]),
    ("— Certifications —\nx", [("certifications", "Certifications")]),
    ("Skills & Competencies\nx", [("skills", "Skills & Competencies")]),
    ("E X P E R I E N C E\nx", [("experience", "E X P E R I E N C E")]),
    # Inline headings at a line start.
    ("Skills: Excel, Word, MS Project", [("skills", "Skills")]),
    ("Salary: £30,000 - £35,000 per annum", [("pay", "Salary")]),
    ("Key skills - stakeholder management\nLanguages : French, German", [("languages", "Languages")]),
    # Loose: ALL CAPS or Title Case with a colon, ending with an alias.
    ("OTHER TECHNICAL SKILLS\nx", [("skills", "OTHER TECHNICAL SKILLS")]),
    ("Relevant IT Skills:\nx", [("skills", "Relevant IT Skills")]),
    # Not headings.
    ("• Training\n• Budgeting", []),
    ("- Projects\n* Interests", []),
    ("I have broad experience\nin project support.", []),
    ("utilizes my strong communication\nskills.", []),
    ("Managed multiple projects:\n• A", []),
    ("Delivered staff training: twice a year", []),
    ("Job Title: Exhibition Project Manager\nLocation: London", []),
    ("Experience of running a PMO in a large organisation is a must", []),
    ("", []),
    # Adverts.
    ("About the Role\nx\nEssential Criteria\nx\nDesirable:\nx\nWhat we offer\nx\nAbout Us\nx\nPerson Specification\nx",
     [("about_role", "About the Role"), ("essential", "Essential Criteria"), ("desirable", "Desirable"),
      ("benefits", "What we offer"), ("about_company", "About Us"), ("requirements", "Person Specification")]),
    ("What you’ll do\nx\nWhat we're looking for\nx",
     [("responsibilities", "What you’ll do"), ("requirements", "What we're looking for")]),
])
def test_headings(text: str, expected: list[tuple[str, str]]) -> None:
    assert found(text) == expected


def test_offsets_and_bodies() -> None:
    text = "Jane Smith\n\n1. Profile:\nPMO analyst.\n\nSkills: Excel\n  EDUCATION  \nBSc"
    profile, skills, education = split_sections(text)
    assert (profile.start, profile.end) == (text.index("Profile"), text.index("Profile") + len("Profile"))
    assert profile.body_end == text.index("Skills")  # the next heading's line start
    assert text[skills.end:skills.body_end] == ": Excel\n"
    assert education.body_end == len(text)
    assert text[education.end:] == "  \nBSc"
    doc = Document("cv.txt", text, (profile, skills, education))
    assert doc.section_at(text.index("PMO")) == profile
    assert doc.section_at(text.index("BSc")) == education
    assert doc.section_at(0) is None


@pytest.mark.parametrize(("text", "heading", "body"), [
    # A header block of fields: the salary field is its own line, not the whole advert after it.
    ("PMO Officer\nEmployer: NHS Trust\nSalary: £30,000 a year\nDate posted: 2020\n\nYou will run the RAID log.",
     "Salary", ": £30,000 a year"),
    # A field line inside a job is part of the job, not a new section.
    ("Experience\nProgram Manager\nSalary: $54,000.\nHours per week: 40.\nMaintain budgets.",
     "Experience", "\nProgram Manager\nSalary: $54,000.\nHours per week: 40.\nMaintain budgets."),
    # A lone inline heading still opens a section that runs on.
    ("Jane\nSkills: Excel\nMS Project", "Skills", ": Excel\nMS Project"),
])
def test_field_blocks(text: str, heading: str, body: str) -> None:
    (sec,) = [s for s in split_sections(text) if s.heading == heading]
    assert text[sec.end:sec.body_end] == body
    assert [s.heading for s in split_sections(text)] == [heading]


def test_numbered_heading_body_excludes_next_decoration() -> None:
    text = "1. Experience\nPMO\n2. Education\nBSc"
    first, second = split_sections(text)
    assert text[first.end:first.body_end] == "\nPMO\n"
    assert second.heading == "Education"


@pytest.mark.parametrize(("text", "expected"), [
    # A whole CV on one line (the resume dataset): ALL CAPS aliases and "Alias:" after a sentence.
    ("TECHNICAL EXPERTISE • DB Languages: SQL • Oracle 11g " * 3 + "EDUCATION BSc Computing, 2012. "
     "KEY SKILLS: • Tally • Dbms " + "filler words " * 10,
     [("skills", "TECHNICAL EXPERTISE"), ("skills", "TECHNICAL EXPERTISE"), ("skills", "TECHNICAL EXPERTISE"),
      ("education", "EDUCATION"), ("skills", "KEY SKILLS")]),
    # An advert flattened onto one line.
    ("Our client is an award winning agency. The role: To work on high profile projects worldwide. "
     "The candidate: Will have project management experience. " + "More text here. " * 8,
     [("about_role", "The role"), ("requirements", "The candidate")]),
    # ALL CAPS job titles are not headings; neither is "training:" mid-sentence.
    ("PROJECT WORKER JOB IN ST LEONARDS. We offer training: lots of it. " + "filler " * 40, []),
])
def test_long_lines(text: str, expected: list[tuple[str, str]]) -> None:
    assert len(text) > 200
    assert found(text) == expected


def test_custom_headings_mapping() -> None:
    headings = {"experience": ["berufserfahrung"], "skills": ["kenntnisse"]}
    sections = split_sections("Berufserfahrung\nx\nKENNTNISSE:\ny\nExperience\nz", headings)
    assert [(s.kind, s.heading) for s in sections] == [("experience", "Berufserfahrung"), ("skills", "KENNTNISSE")]


def test_lexicon_covers_every_kind() -> None:
    headings = load_headings()
    assert sorted(headings) == sorted(CV_KINDS + ADVERT_KINDS)
    assert all(aliases for aliases in headings.values())


def test_load_headings_reports_every_problem(tmp_path: Path) -> None:
    path = tmp_path / "sections.toml"
    path.write_text('[kinds.skills]\nheadings = ["Skills", "Key skills"]\n'
                    '[kinds.summary]\nheadings = ["key  SKILLS", "profile"]\n'
                    '[kinds.empty]\nheadings = []\n')
    with pytest.raises(LexiconError) as info:
        load_headings(str(path))
    assert info.value.problems == [
        "heading 'key  SKILLS' is listed under both 'skills' and 'summary'",
        "kinds.empty.headings must be a non-empty list of strings",
    ]
    assert str(path) in str(info.value)


def test_load_headings_bad_toml(tmp_path: Path) -> None:
    path = tmp_path / "sections.toml"
    path.write_text("[kinds.skills\nheadings = [")
    with pytest.raises(LexiconError, match="cannot load section headings"):
        load_headings(str(path))


@pytest.mark.parametrize("path", corpus_files("resume-dataset") + corpus_files("adverts"), ids=lambda p: p.name)
def test_corpus_texts_do_not_crash(path: Path) -> None:
    text = path.read_text(encoding="utf-8", errors="replace")
    found(text)
