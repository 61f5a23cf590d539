"""Generate the benchmark corpus: variants of the sample CVs and adverts in all three formats.

    python benchmarks/make_corpus.py [--count 240] [--out benchmarks/.corpus/main]

Each document is one of the 39 samples (scripts/sample_content) with deterministic changes: another
name, years shifted back by up to three, the bullets of each list shuffled (and sometimes one
dropped), headings sometimes in capitals. Document i is written as txt, docx or pdf in turn
(i % 3), with scripts/make_samples.py's renderers (python-docx, reportlab), so the corpus is the
same on every machine: the same --count gives the same files, byte for byte. Two-column samples
stay two-column when written as PDF. The folder is a cache for the benchmarks (gitignored):
delete it to rebuild.
"""
from __future__ import annotations

import argparse
import dataclasses
import importlib.util
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = Path(__file__).resolve().parent / ".corpus"
FORMATS = ("txt", "docx", "pdf")

FIRST = ["Amelia", "Oliver", "Priya", "Daniel", "Grace", "Mohammed", "Chloe", "Thomas", "Aisha", "James", "Sofia",
         "Kwame", "Hannah", "Liam", "Zara", "Ethan", "Niamh", "Arjun", "Megan", "Tomasz", "Fatima", "Owen", "Leah", "Ravi"]
LAST = ["Turner", "Okafor", "Shah", "Evans", "Kowalski", "Hughes", "Patel", "Murphy", "Clarke", "Nowak", "Ahmed",
        "Bennett", "Reid", "Campbell", "Fraser", "Mensah", "Doyle", "Iqbal", "Walsh", "Price", "Lewis", "Singh"]
YEAR = re.compile(r"\b(19[89]\d|20[0-2]\d)\b")


def _samples_module():
    spec = importlib.util.spec_from_file_location("make_samples", ROOT / "scripts" / "make_samples.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


def _serialise(ms, blocks: list) -> list[str]:
    """Blocks back to make_samples' markup (the inverse of parse_markup)."""
    out = []
    prefix = {"title": "= ", "subtitle": "~ ", "h2": "## ", "h3": "### ", "bullet": "- ", "para": ""}
    for b in blocks:
        if b.kind == "table":
            for cells, nested in b.rows:
                out.append("| " + " | ".join(cells) + " |")
                out += ["|| " + " | ".join(n) + " |" for n in nested]
        else:
            out.append(prefix[b.kind] + b.text)
    return out


def _plain_text(blocks: list, rng: random.Random) -> str:
    """Blocks as a plain-text CV: headings on their own lines, bullets, tables as pipe rows."""
    bullet = rng.choice(["• ", "- ", "* "])
    lines: list[str] = []
    for b in blocks:
        if b.kind in ("h2", "h3"):
            lines += ["", b.text.upper() if b.kind == "h2" and rng.random() < 0.3 else b.text]
        elif b.kind == "bullet":
            lines.append(bullet + b.text)
        elif b.kind == "table":
            for cells, nested in b.rows:
                lines.append(" | ".join(c.replace("<br>", "; ") for c in cells))
                lines += [" | ".join(n) for n in nested]
        else:
            lines.append(b.text)
    return "\n".join(lines).strip() + "\n"


def _vary(ms, sections: dict, rng: random.Random) -> None:
    """Change a document in place: name, years, bullet order."""
    name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    shift = rng.randint(0, 3)
    old_name = None
    for blocks in sections.values():
        for b in blocks:
            if b.kind == "title" and old_name is None:
                old_name, b.text = b.text, name
    for blocks in sections.values():
        for b in blocks:
            if old_name and b.kind != "title" and old_name in b.text:
                b.text = b.text.replace(old_name, name)
            b.text = YEAR.sub(lambda m: str(int(m.group()) - shift), b.text)
            for cells, _nested in b.rows:
                cells[:] = [YEAR.sub(lambda m: str(int(m.group()) - shift), c) for c in cells]
        # shuffle each run of bullets; drop one now and then
        i = 0
        while i < len(blocks):
            j = i
            while j < len(blocks) and blocks[j].kind == "bullet":
                j += 1
            if j - i >= 2:
                run = blocks[i:j]
                rng.shuffle(run)
                if len(run) >= 4 and rng.random() < 0.3:
                    run.pop()
                blocks[i:j] = run
                j = i + len(run)
            i = max(j, i + 1)


def _source_sections(ms, sample) -> dict:
    path = ms.source_path(sample)
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".txt":  # plain-text sample: its first line is the name
        lines = text.splitlines()
        first = next(i for i, line in enumerate(lines) if line.strip())
        lines[first] = "= " + lines[first].strip()
        text = "\n".join(lines)
    return ms.parse_markup(text)


def render_document(ms, sample, index: int, seed: int = 0) -> tuple[str, bytes]:
    """(file name, bytes) of corpus document `index` made from `sample`."""
    rng = random.Random(f"{seed}:{index}:{sample.stem}")
    sections = _source_sections(ms, sample)
    _vary(ms, sections, rng)
    fmt = FORMATS[index % 3]
    stem = f"{index:05d}_{sample.stem}"
    two_column = "sidebar" in sections and "main" in sections
    if fmt == "txt":
        blocks = sections.get("header", []) + sections.get("body", []) + sections.get("main", []) + sections.get("sidebar", [])
        return f"{stem}.txt", _plain_text(blocks, rng).encode("utf-8")
    if fmt == "pdf" and two_column:
        markup = ["[[sidebar]]"] + _serialise(ms, sections["sidebar"]) + ["[[main]]"] + _serialise(ms, sections["main"])
        layout = "two_column"
    else:
        markup = []
        if "header" in sections and fmt == "docx":
            markup += ["[[header]]"] + _serialise(ms, sections["header"]) + ["[[body]]"]
            body = sections.get("body", [])
        else:
            body = sections.get("header", []) + sections.get("body", [])
        markup += _serialise(ms, body + sections.get("main", []) + sections.get("sidebar", []))
        layout = sample.layout if sample.layout == "two_page" and fmt == "pdf" else "plain"
    font = sample.font
    if fmt == "pdf" and font not in ("Vera", "Times-Roman"):  # the fonts the PDF renderer has
        font = rng.choice(["Vera", "Times-Roman"])
    variant = dataclasses.replace(sample, stem=stem, fmt=fmt, layout=layout, font=font, encoding="utf-8", newline="\n")
    data = ms.render_docx(variant, "\n".join(markup)) if fmt == "docx" else ms.render_pdf(variant, "\n".join(markup))
    return f"{stem}.{fmt}", data


def make_corpus(out: Path, count: int, seed: int = 0, *, quiet: bool = False) -> list[Path]:
    """Write `count` documents to `out` (skipping files already there); returns their paths."""
    ms = _samples_module()
    samples = list(ms.SAMPLES)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        sample = samples[i % len(samples)]
        fmt = FORMATS[i % 3]
        stem = f"{i:05d}_{sample.stem}"
        path = out / f"{stem}.{fmt}"
        if not path.exists():
            name, data = render_document(ms, sample, i, seed)
            assert name == path.name
            path.write_bytes(data)
        paths.append(path)
        if not quiet and (i + 1) % 200 == 0:
            print(f"  {i + 1}/{count} documents in {out}", file=sys.stderr)
    return paths


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=240)
    ap.add_argument("--out", type=Path, default=CORPUS / "main")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    paths = make_corpus(args.out, args.count, args.seed)
    by_fmt = {f: sum(1 for p in paths if p.suffix == "." + f) for f in FORMATS}
    print(f"{len(paths)} documents in {args.out}: " + ", ".join(f"{n} {f}" for f, n in by_fmt.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
