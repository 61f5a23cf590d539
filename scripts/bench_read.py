"""Time the document readers: median milliseconds per file, by format.

    python scripts/bench_read.py [FOLDER ...] [--repeat N] [--per-file]

Default folders: sample_cvs, sample_ads and ../shared/corpus/files (those that exist). For PDFs it
also times pdfminer's bare `extract_text` on the same files (the floor our column-aware layout
builds on) and our reader with the pypdfium2 engine (for comparison).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cv_matcher.errors import CvMatcherError  # noqa: E402
from cv_matcher.readers import READERS, read_document  # noqa: E402

DEFAULT_FOLDERS = [ROOT / "sample_cvs", ROOT / "sample_ads", ROOT.parent / "shared" / "corpus" / "files"]


def median_ms(run: Callable[[], object], repeat: int) -> float:
    """Median wall time of `repeat` runs, after one warm-up run (imports, caches)."""
    run()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def pdfminer_floor(path: Path) -> None:
    from pdfminer.high_level import extract_text

    extract_text(path)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folders", nargs="*", type=Path)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--per-file", action="store_true", help="print every file's figures")
    args = parser.parse_args()
    folders = [f for f in (args.folders or DEFAULT_FOLDERS) if f.is_dir()]
    files = sorted(p for f in folders for p in f.rglob("*") if p.suffix.lower() in READERS and p.is_file())
    if not files:
        print("no documents found in: " + ", ".join(str(f) for f in args.folders or DEFAULT_FOLDERS))
        return 1
    print(f"{len(files)} files from {', '.join(str(f) for f in folders)}; median of {args.repeat} runs each\n")

    rows: dict[str, list[float]] = defaultdict(list)
    for path in files:
        fmt = path.suffix.lower().lstrip(".")
        timings = {}
        try:
            timings[fmt] = median_ms(lambda p=path: read_document(p), args.repeat)
            if fmt == "pdf":
                timings["pdf: pdfminer extract_text (floor)"] = median_ms(lambda p=path: pdfminer_floor(p), args.repeat)
                timings["pdf: pdfium engine"] = median_ms(
                    lambda p=path: read_document(p, pdf_engine="pdfium"), args.repeat)
        except CvMatcherError as exc:
            print(f"  skipped {exc}")
            continue
        for name, ms in timings.items():
            rows[name].append(ms)
        if args.per_file:
            print(f"  {path.name:60} " + "  ".join(f"{ms:7.1f}" for ms in timings.values()))

    print(f"{'reader':40} {'files':>5} {'median ms':>10} {'max ms':>8} {'total ms':>9}")
    for name, values in sorted(rows.items()):
        print(f"{name:40} {len(values):5} {statistics.median(values):10.1f} {max(values):8.1f} {sum(values):9.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
