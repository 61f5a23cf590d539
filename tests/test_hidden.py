"""Issue 11, the reader side: hidden text (CV gaming), binary junk, DOCX structure, text that is not
language, rotated pages, misleading messages, bidi and zero-width characters.

The inputs are tests/bad_inputs.py's READER_INPUTS; tests/test_hostile.py also runs each through
both PDF engines and `cv-matcher score` in a bounded child process. Here: what is read, what is
left out and why, and what the report says.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from bad_inputs import (
    FOOTNOTE_CERT,
    HIDDEN_MARK,
    PA_LINES,
    READ_FRAGMENT,
    SENIOR_LINES,
    VISIBLE_FRAGMENT,
    _text_block,
    altchunk_docx,
    cid_font_pdf,
    encrypted_docx,
    footnote_docx,
    garbled_pdf,
    hidden_docx,
    hidden_pdf,
    page_pdf,
    random_bytes,
    rotated_pdf,
    strict_docx,
    two_documents_docx,
)
from click.testing import CliRunner

from cv_matcher.cli import cli
from cv_matcher.errors import (
    DocumentReadError,
    EncryptedDocumentError,
    UnsupportedFormatError,
)
from cv_matcher.readers import hidden as hidden_mod
from cv_matcher.readers import read_bytes, read_document

ROOT = Path(__file__).resolve().parents[1]
ENGINES = ["pdfminer", "pdfium"]
PDF_WAYS = {"render_mode": hidden_mod.INVISIBLE, "white": hidden_mod.SAME_COLOUR, "tiny": hidden_mod.TINY,
            "off_page": hidden_mod.OFF_PAGE, "crop_box": hidden_mod.OFF_PAGE, "clipped": hidden_mod.CLIPPED}
DOCX_WAYS = {"vanish": hidden_mod.VANISH, "white": hidden_mod.SAME_COLOUR, "tiny": hidden_mod.TINY,
             "move_from": hidden_mod.MOVED_FROM}


def _check_hidden(doc, reason: str) -> None:
    assert VISIBLE_FRAGMENT in doc.text
    assert HIDDEN_MARK not in doc.text
    assert all(line not in doc.text for line in SENIOR_LINES)
    assert [r for r, _ in doc.hidden] == [reason] * len(SENIOR_LINES)
    assert [" ".join(t.split()) for _, t in doc.hidden] == SENIOR_LINES


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("how", sorted(PDF_WAYS))
def test_hidden_pdf_text_is_left_out(how: str, engine: str) -> None:
    doc = read_bytes(hidden_pdf(how), "cv.pdf", pdf_engine=engine)
    _check_hidden(doc, PDF_WAYS[how])
    if how == "white":  # white text on a dark banner is seen, and read
        assert "Available immediately" in doc.text


@pytest.mark.parametrize("how", sorted(DOCX_WAYS))
def test_hidden_docx_runs_are_left_out(how: str) -> None:
    doc = read_bytes(hidden_docx(how), "cv.docx")
    _check_hidden(doc, DOCX_WAYS[how])
    if how == "white":  # white text on a dark shaded paragraph is seen, and read
        assert "Available immediately" in doc.text


def test_hidden_lines_would_have_gamed_the_level_and_now_do_not() -> None:
    """The same ten lines, visible, make the CV senior; hidden, it stays level 1 and says why."""
    from cv_matcher.api import analyse, report

    visible = read_bytes(page_pdf(_text_block(PA_LINES, 72, 780) + b"\n" + _text_block(SENIOR_LINES, 72, 500)), "cv.pdf")
    assert report(analyse(visible))["level"]["rank"] >= 3
    for data, name in ((hidden_pdf("white"), "cv.pdf"), (hidden_docx("vanish"), "cv.docx")):
        rep = report(analyse(read_bytes(data, name)))
        assert rep["level"]["rank"] == 1, rep["level"]
        warning = [w for w in rep["warnings"] if "hidden" in w]
        assert warning and warning[0].startswith(f"{sum(len(line.replace(' ', '')) for line in SENIOR_LINES):,} characters of hidden text ignored")


def test_samples_have_no_hidden_text() -> None:
    """No false alarms on the shipped samples (coloured sidebars and banners included)."""
    for path in sorted(p for folder in ("sample_cvs", "sample_ads") for p in (ROOT / folder).iterdir()
                       if p.suffix in (".pdf", ".docx")):
        for engine in ENGINES if path.suffix == ".pdf" else ENGINES[:1]:
            assert read_document(path, pdf_engine=engine).hidden == (), (path.name, engine)


def test_text_command_show_hidden(tmp_path: Path) -> None:
    path = tmp_path / "cv.pdf"
    path.write_bytes(hidden_pdf("render_mode"))
    plain = CliRunner().invoke(cli, ["text", str(path)])
    assert plain.exit_code == 0 and HIDDEN_MARK not in plain.stdout
    assert "characters of hidden text ignored" in plain.stderr and "--show-hidden" in plain.stderr
    shown = CliRunner().invoke(cli, ["text", str(path), "--show-hidden"])
    assert shown.exit_code == 0
    head, _, hidden_part = shown.stdout.partition("[[hidden text:")
    assert HIDDEN_MARK not in head and HIDDEN_MARK in hidden_part
    assert f"[{hidden_mod.INVISIBLE}] {SENIOR_LINES[0]}" in hidden_part
    as_json = CliRunner().invoke(cli, ["text", str(path), "--show-hidden", "--format", "json"])
    import json

    assert json.loads(as_json.stdout)["hidden"][0] == {"reason": hidden_mod.INVISIBLE, "text": SENIOR_LINES[0]}


@pytest.mark.parametrize("engine", ENGINES)
def test_rotated_page_reads_upright(engine: str) -> None:
    doc = read_bytes(rotated_pdf(), "cv.pdf", pdf_engine=engine)
    assert READ_FRAGMENT in doc.text
    assert max(len(line) for line in doc.text.splitlines()) > 40  # not one letter a line


def test_turned_text_on_an_upright_page_stays_readable() -> None:
    """Text drawn turned a quarter (a landscape page without /Rotate) is turned upright too."""
    turned = b"q 0 1 -1 0 595 0 cm\n" + _text_block(PA_LINES, 72, 500) + b"\nQ"
    doc = read_bytes(page_pdf(turned), "cv.pdf", pdf_engine="pdfminer")
    assert VISIBLE_FRAGMENT in doc.text


@pytest.mark.parametrize("data", [random_bytes(), random_bytes(high_bit=True), b"D" * 20_000],
                         ids=["random", "high_bit", "repeated_letter"])
def test_junk_bytes_are_binary(data: bytes) -> None:
    with pytest.raises(DocumentReadError, match="binary data, not text"):
        read_bytes(data, "cv.txt")


def test_text_in_other_languages_is_still_text() -> None:
    french = ("Gestionnaire de projet avec cinq ans d'expérience dans la coordination des équipes et la gestion "
              "des risques. Responsable du suivi budgétaire et des rapports hebdomadaires pour la direction.\n") * 4
    assert "budgétaire" in read_bytes(french.encode("cp1252"), "cv.txt").text
    assert "budgétaire" in read_bytes(french.encode(), "cv.txt").text


@pytest.mark.parametrize("engine", ENGINES)
def test_gibberish_and_undecodable_fonts_are_named(engine: str) -> None:
    for data in (garbled_pdf(), cid_font_pdf()):
        with pytest.raises(DocumentReadError, match="text cannot be decoded"):
            read_bytes(data, "cv.pdf", pdf_engine=engine)


def test_cid_font_without_tounicode_says_so() -> None:
    with pytest.raises(DocumentReadError, match=r"glyphs are in fonts without a Unicode map \(ToUnicode\)"):
        read_bytes(cid_font_pdf(), "cv.pdf", pdf_engine="pdfminer")


def test_docx_structure() -> None:
    with pytest.raises(DocumentReadError, match="ambiguous, 2 zip members are named word/document.xml"):
        read_bytes(two_documents_docx(), "cv.docx")
    assert READ_FRAGMENT in read_bytes(altchunk_docx("html"), "cv.docx").text
    with pytest.raises(UnsupportedFormatError, match="altChunk"):
        read_bytes(altchunk_docx("rtf"), "cv.docx")
    doc = read_bytes(footnote_docx(), "cv.docx")
    assert FOOTNOTE_CERT in doc.text and "APM Project Fundamentals" in doc.text
    with pytest.raises(EncryptedDocumentError, match="DOCX is password-protected"):
        read_bytes(encrypted_docx(), "cv.docx")
    strict = read_bytes(strict_docx(), "cv.docx")
    assert READ_FRAGMENT in strict.text and dict(strict.meta)["format"] == "Strict Open XML"


def test_footnote_certification_is_found() -> None:
    from cv_matcher.api import analyse, report

    rep = report(analyse(read_bytes(footnote_docx(), "cv.docx")))
    assert any(c["id"].startswith("prince2") for c in rep["certifications"]), rep["certifications"]


def test_symlink_loop_and_dangling_link(tmp_path: Path) -> None:
    loop = tmp_path / "loop.txt"
    loop.symlink_to("loop.txt")
    with pytest.raises(DocumentReadError, match="symbolic link loop"):
        read_document(loop)
    dangling = tmp_path / "gone.txt"
    dangling.symlink_to(tmp_path / "nothing-here.txt")
    with pytest.raises(DocumentReadError, match="broken symbolic link"):
        read_document(dangling)


BIDI = "\u202e"
INVISIBLES = "\u202e\u202d\u2066\u2069\u200b\u200f\ufeff"


def test_bidi_and_zero_width_never_reach_text_output(tmp_path: Path) -> None:
    path = tmp_path / "cv.txt"
    path.write_text(f"Jane{BIDI} Smith\nPMO analyst with consolidated report\u200bing\u2066 across projects.\u2069\n")
    doc = read_document(path)
    assert not any(ch in doc.text for ch in INVISIBLES)
    assert "consolidated reporting across projects." in doc.text
    out = CliRunner().invoke(cli, ["text", str(path)])
    assert out.exit_code == 0 and not any(ch in out.stdout for ch in INVISIBLES)
    assert hidden_mod.shown_safely(f"cv{BIDI}fdp.exe") == "cv<U+202E>fdp.exe"


def test_bidi_in_html_report_is_shown_not_applied() -> None:
    from cv_matcher.reporting.html import render
    from cv_matcher.batch.store import Record

    name = f"cv-{BIDI}txt.exe\u200b.txt"
    record = Record(path=name, source=name, sha256=None, lexicon_version="x", kind_requested="cv", fingerprint="f",
                    options={}, report=None, error=f"{name}: no usable text", error_kind="EmptyDocumentError")
    page = render([record], generated="now")
    assert not any(ch in page for ch in INVISIBLES)
    assert "&lt;U+202E&gt;" in page and "&lt;U+200B&gt;" in page


def test_fuzz_hidden_text_mutator() -> None:
    """The fuzzer's structure-aware mutator hides text the way a gaming CV does; each result is
    read (or refused) with a CvMatcherError only, and what it hid is not in the text."""
    import random
    import sys

    sys.path.insert(0, str(ROOT / "scripts"))
    import fuzz

    from cv_matcher.errors import CvMatcherError

    seeds = fuzz.load_seeds()
    rng = random.Random(3)
    hid = 0
    for fmt in ("pdf", "docx"):
        for _ in range(6):
            data, note = fuzz.hide_text(rng, rng.choice(seeds[fmt]), fmt)
            assert note.startswith("hide-")
            try:
                doc = read_bytes(data, f"x.{fmt}", pdf_engine=rng.choice(ENGINES))
            except CvMatcherError:
                continue
            assert fuzz.HIDDEN_PROBE not in doc.text
            hid += bool(doc.hidden)
    assert hid >= 6
