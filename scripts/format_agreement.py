"""Does the format change the answer? Each labelled text of a corpus, made into other formats, is
read and scored again; a level should not depend on the file it came in.

    python scripts/format_agreement.py ../shared/corpus [--ocr N] [--show]

For every labelled .txt document: PDF (one column and two columns, laid out by reportlab as a
page wraps lines), DOCX, RTF, ODT and HTML, and with `--ocr N` a 200 dpi scan of the one-column
PDF for N of them (Tesseract; about 3 s a document). Prints, per format, how many levels equal the
reviewer's and how many equal the text file's own; `--show` lists each disagreement. Needs the
test extras (reportlab) and, for --ocr, Tesseract; the builders are the tests' (tests/format_builders.py).
"""
from __future__ import annotations

import argparse
import csv
import io
import random
import sys
from collections.abc import Callable
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from cv_matcher import api  # noqa: E402
from format_builders import html_of, image_pdf, odt_of, rtf_of, scan_images  # noqa: E402


def pdf_of(lines: list[str], columns: int = 1) -> bytes:
    """The lines as paragraphs on A4 pages of one or two columns (reportlab wraps them)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate, Paragraph, Spacer

    buf = io.BytesIO()
    style = getSampleStyleSheet()["Normal"]
    doc = BaseDocTemplate(buf, pagesize=A4)
    width, height = A4
    margin, gap = 40.0, 20.0
    column = (width - 2 * margin - gap * (columns - 1)) / columns
    frames = [Frame(margin + i * (column + gap), margin, column, height - 2 * margin, id=f"c{i}") for i in range(columns)]
    doc.addPageTemplates([PageTemplate(id="page", frames=frames)])
    doc.build([Paragraph(escape(line), style) if line.strip() else Spacer(1, 8) for line in lines])
    return buf.getvalue()


def docx_of(lines: list[str]) -> bytes:
    import docx

    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


FORMATS: dict[str, tuple[str, Callable[[list[str]], bytes]]] = {
    "pdf, one column": ("pdf", pdf_of),
    "pdf, two columns": ("pdf", lambda lines: pdf_of(lines, columns=2)),
    "docx": ("docx", docx_of),
    "rtf": ("rtf", rtf_of),
    "odt": ("odt", odt_of),
    "html": ("html", html_of),
}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", type=Path, help="a folder with labels.csv (file,kind,rank,...)")
    ap.add_argument("--ocr", type=int, default=0, metavar="N", help="also OCR a 200 dpi scan of N documents (a fixed sample)")
    ap.add_argument("--show", action="store_true", help="list each document whose level changes with the format")
    args = ap.parse_args(argv)
    labels = args.corpus / "labels.csv"
    if not labels.is_file():
        print(f"format_agreement: {labels}: not found", file=sys.stderr)
        return 2
    with labels.open(encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["file"].endswith(".txt")]
    engine = api.engine()

    def level(data: bytes | Path, name: str, kind: str) -> int:
        doc = engine.read(data, name=name)
        return engine.analysis(doc, kind=kind).verdict.rank

    scanned = set(r["file"] for r in random.Random(0).sample(rows, min(args.ocr, len(rows))))
    tally: dict[str, list[int]] = {name: [0, 0, 0] for name in ["text file", *FORMATS, *(["scan (OCR)"] if scanned else [])]}
    for row in rows:
        path, kind, gold = args.corpus / row["file"], row["kind"], int(row["rank"])
        own = level(path, path.name, kind)
        lines = engine.read(path).text.splitlines()
        got = {"text file": own}
        for name, (suffix, make) in FORMATS.items():
            got[name] = level(make(lines), f"{path.stem}.{suffix}", kind)
        if row["file"] in scanned:
            got["scan (OCR)"] = level(image_pdf(scan_images(pdf_of(lines), 200), 200), f"{path.stem}.pdf", kind)
        for name, rank in got.items():
            counts = tally[name]
            counts[0] += 1
            counts[1] += rank == gold
            counts[2] += rank == own
            if args.show and rank != own:
                print(f"  {row['file']}: gold {gold}, text file {own}, {name} {rank}")
    print(f"{len(rows)} labelled texts of {args.corpus}: levels equal to the gold / to the text file's own")
    for name, (n, right, same) in tally.items():
        print(f"  {name:<18} {right:>4} / {n}   {same:>4} / {n}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
