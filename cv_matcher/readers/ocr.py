"""OCR for scans and photos: images (.png, .jpg, .jpeg, .tif, .tiff) and image-only PDF pages.

Tesseract (Debian `tesseract-ocr` and `tesseract-ocr-eng`) runs as a subprocess on each page,
one thread, with a time limit per page (ReadLimits.ocr_page_seconds); the image goes in on
standard input and the words, with their boxes and confidences, come back as TSV on standard
output, so nothing is written to disk. Pillow decodes images only after their size, read from the
header, is checked against ReadLimits.max_image_pixels (decompression bombs), and at most
max_ocr_pages pages (TIFF frames) are read. Each page is made grey, cleaned of speckle (a 3x3
median), and scaled up when it is small (a phone photo, a 200 dpi scan) so that letters reach the
size Tesseract reads best; Tesseract itself corrects small skews; a page read upside down or
sideways is turned by Tesseract's orientation detection and read again. PDF pages are rendered
by pypdfium2 at 300 dpi (less if the page would pass the pixel limit).

The Document's meta says where the text came from: ocr_engine, ocr_pages and ocr_confidence
(the mean word confidence, 0-100); below LOW_CONFIDENCE the report warns.
"""
from __future__ import annotations

import functools
import io
import os
import re
import shutil
import subprocess
import warnings
from typing import Any

from ..errors import DocumentReadError, LimitExceededError, NoTextLayerError
from .base import Extracted, ReadLimits, check_limit

INSTALL = "install Tesseract to read it (Debian/Ubuntu: apt-get install tesseract-ocr tesseract-ocr-eng)"
TURNED_OFF = "OCR is turned off (--no-ocr)"
PDF_DPI = 300
TARGET_WIDTH = 2480  # pixels across an A4 page at 300 dpi: smaller images are scaled up to about this
MAX_UPSCALE = 3.0
LOW_CONFIDENCE = 70.0  # mean word confidence under this: the report warns
RETRY_CONFIDENCE = 50.0  # under this, ask Tesseract for the page's orientation and read again if turned
LANGUAGE = "eng"
# Tesseract's usual confusions where they change a term we look for: the PMO standard P3O read
# with a zero. Only OCR'd text is touched.
_CONFUSIONS = [(re.compile(r"\bP3[0o]\b"), "P3O")]


def tesseract() -> str | None:
    """The tesseract executable, or None when it (or its English data) is not installed."""
    return shutil.which("tesseract")


@functools.lru_cache(maxsize=1)
def engine_name() -> str:
    exe = tesseract()
    try:
        out = subprocess.run([exe or "tesseract", "--version"], capture_output=True, timeout=10, env=_env())
        first = (out.stdout or out.stderr).decode("utf-8", "replace").split("\n")[0].strip()
    except (OSError, subprocess.SubprocessError):
        first = ""
    return first or "tesseract"


def unavailable_reason(limits: ReadLimits) -> str | None:
    """Why OCR cannot run (turned off, or Tesseract missing), or None when it can."""
    if not limits.ocr:
        return TURNED_OFF
    if tesseract() is None:
        return INSTALL
    return None


def read_image(data: bytes, source: str, limits: ReadLimits, *, engine: str | None = None) -> Extracted:
    """OCR an image file, every frame of a multi-page TIFF (up to max_ocr_pages)."""
    images = _decode(data, source, limits)  # broken files and bombs are refused even without OCR
    reason = unavailable_reason(limits)
    if reason is not None:
        raise NoTextLayerError(source, f"an image has no text layer; {reason}")
    pages = [_ocr_image(image, source, limits) for image in images]
    return _extracted(pages, source, "image")


def ocr_pdf_pages(data: bytes, source: str, limits: ReadLimits, indexes: list[int]) -> dict[int, tuple[str, float, int]]:
    """{page index: (text, mean confidence, words)} for the given pages of a PDF that hold an
    image, rendered by pypdfium2 and read by Tesseract. Run it contained (contain.py)."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    pdf = pdfium.PdfDocument(data)
    out: dict[int, tuple[str, float, int]] = {}
    try:
        # a blank page, or one of vector shapes only, has nothing to read
        scanned = [i for i in indexes
                   if any(True for _ in pdf[i].get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=2))]
        check_limit(source, limits, "max_ocr_pages", len(scanned), "pages to OCR")
        for index in scanned:
            page = pdf[index]
            width, height = page.get_size()
            scale = PDF_DPI / 72
            pixels = width * scale * height * scale
            if pixels > limits.max_image_pixels:
                scale *= (limits.max_image_pixels / pixels) ** 0.5
            image = page.render(scale=scale, grayscale=True).to_pil()
            out[index] = _ocr_image(image, source, limits, upscale=False)
    finally:
        pdf.close()
    return out


def pdf_meta(results: dict[int, tuple[str, float, int]]) -> dict[str, str]:
    return _meta(list(results.values()))


def _decode(data: bytes, source: str, limits: ReadLimits) -> list[Any]:
    from PIL import Image, UnidentifiedImageError

    Image.MAX_IMAGE_PIXELS = limits.max_image_pixels  # Pillow's own bomb check, as a second line
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            width, height = image.size
            check_limit(source, limits, "max_image_pixels", width * height, "image size in pixels")
            frames = getattr(image, "n_frames", 1)
            if frames > limits.max_ocr_pages:
                check_limit(source, limits, "max_ocr_pages", frames, "pages to OCR")
            out = []
            for frame in range(frames):
                image.seek(frame)
                check_limit(source, limits, "max_image_pixels", image.size[0] * image.size[1], "image size in pixels")
                out.append(image.convert("L"))
            return out
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:  # Pillow saw it first
        size = re.search(r"\((\d+) pixels\)", str(exc))
        check_limit(source, limits, "max_image_pixels", int(size.group(1)) if size else None, "image size in pixels")
        raise  # pragma: no cover - Pillow's limit is ours: check_limit raised
    except UnidentifiedImageError as exc:
        raise DocumentReadError(source, "not an image Pillow can read (truncated or corrupt)") from exc
    except (OSError, SyntaxError, ValueError, EOFError) as exc:  # Pillow's errors for broken data
        detail = " ".join(str(exc).split())[:120]
        raise DocumentReadError(source, f"cannot read image: {detail or type(exc).__name__}") from exc


def _prepare(image: Any, upscale: bool) -> Any:
    from PIL import Image, ImageFilter

    if upscale and image.size[0] < TARGET_WIDTH * 0.8:
        factor = min(MAX_UPSCALE, TARGET_WIDTH / max(image.size[0], 1))
        image = image.resize((round(image.size[0] * factor), round(image.size[1] * factor)), Image.Resampling.LANCZOS)
    return image.filter(ImageFilter.MedianFilter(3))


def _ocr_image(image: Any, source: str, limits: ReadLimits, *, upscale: bool = True) -> tuple[str, float, int]:
    """(text, mean word confidence, word count) of one page."""
    prepared = _prepare(image, upscale)
    text, confidence, words = _tesseract(_pgm(prepared), source, limits)
    if confidence < RETRY_CONFIDENCE:
        angle = _orientation(_pgm(prepared), source, limits)
        if angle:
            turned = _tesseract(_pgm(prepared.rotate(-angle, expand=True)), source, limits)
            if turned[1] > confidence:
                return turned
    return text, confidence, words


def _pgm(image: Any) -> bytes:
    buf = io.BytesIO()
    image.save(buf, format="PPM")  # a grey image saves as PGM: no compression to pay for
    return buf.getvalue()


def _env() -> dict[str, str]:
    # One thread: OpenMP's threads only compete with the other batch workers for the CPUs.
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "OMP_THREAD_LIMIT": "1", "LC_ALL": "C.UTF-8",
            "HOME": "/nonexistent"}


def _call(args: list[str], image: bytes, source: str, limits: ReadLimits) -> str:
    exe = tesseract()
    if exe is None:
        raise NoTextLayerError(source, f"no text layer; {INSTALL}")
    try:
        done = subprocess.run([exe, "stdin", "stdout", *args], input=image, capture_output=True, env=_env(),
                              timeout=limits.ocr_page_seconds)
    except subprocess.TimeoutExpired as exc:
        raise LimitExceededError(source, f"OCR of a page took over {limits.ocr_page_seconds} s (ocr_page_seconds; "
                                         "raise it with ReadLimits(ocr_page_seconds=...))") from exc
    if done.returncode != 0:
        said = " ".join(done.stderr.decode("utf-8", "replace").split())[:160]
        raise DocumentReadError(source, f"cannot OCR: tesseract: {said or f'exit status {done.returncode}'}")
    return done.stdout.decode("utf-8", "replace")


def _tesseract(image: bytes, source: str, limits: ReadLimits) -> tuple[str, float, int]:
    """Tesseract's TSV: words grouped into lines (block, paragraph, line), paragraphs apart."""
    tsv = _call(["-l", LANGUAGE, "--psm", "3", "tsv"], image, source, limits)
    lines: list[str] = []
    current: tuple[str, ...] | None = None
    paragraph: tuple[str, ...] | None = None
    words: list[str] = []
    confidences: list[float] = []
    for row in tsv.split("\n")[1:]:
        cols = row.split("\t")
        if len(cols) < 12 or cols[0] != "5":
            continue
        word = cols[11].strip()
        if not word:
            continue
        try:
            conf = float(cols[10])
        except ValueError:
            conf = -1.0
        key = (cols[1], cols[2], cols[3], cols[4])
        if key != current:
            if words:
                lines.append(" ".join(words))
            words = []
            if paragraph is not None and key[:3] != paragraph and lines:
                lines.append("")
            current, paragraph = key, key[:3]
        words.append(word)
        if conf >= 0:
            confidences.append(conf)
    if words:
        lines.append(" ".join(words))
    text = "\n".join(lines)
    for pattern, fixed in _CONFUSIONS:
        text = pattern.sub(fixed, text)
    mean = sum(confidences) / len(confidences) if confidences else 0.0
    return text, mean, len(confidences)


def _orientation(image: bytes, source: str, limits: ReadLimits) -> int:
    """The page's rotation in degrees (0, 90, 180, 270) as Tesseract's OSD sees it; 0 if unsure."""
    try:
        out = _call(["--psm", "0"], image, source, limits)
    except DocumentReadError:
        return 0  # no orientation data installed, or too little text to tell
    for line in out.split("\n"):
        if line.startswith("Rotate:"):
            try:
                return int(line.split(":")[1]) % 360
            except ValueError:
                return 0
    return 0


def _meta(pages: list[tuple[str, float, int]]) -> dict[str, str]:
    words = sum(n for _, _, n in pages)
    mean = sum(conf * n for _, conf, n in pages) / words if words else 0.0
    return {"ocr_engine": engine_name(), "ocr_pages": str(len(pages)), "ocr_confidence": f"{mean:.1f}"}


def _extracted(pages: list[tuple[str, float, int]], source: str, fmt: str) -> Extracted:
    text = "\n\n".join(page for page, _, _ in pages)
    if not any(ch.isalnum() for ch in text):
        raise NoTextLayerError(source, "no text found by OCR: the image holds no readable text")
    return Extracted(text, fmt, _meta(pages))


# --- PDF pages without a text layer --------------------------------------------------------------


def ocr_scanned_pages(data: bytes, source: str, limits: ReadLimits, pages: list[list[str]], margins: list[set[int]],
                      min_alnum: int) -> dict[str, str]:
    """OCR the pages of a PDF that have no text layer, in place (`pages` and `margins`): every
    page when the document as a whole has too little text (a scan), else the pages without any
    letter that hold an image (a scanned page in a typed CV). Returns the OCR meta, or {} when
    nothing was read (no such page, OCR off or not installed)."""
    from .contain import run_contained

    alnum = [sum(ch.isalnum() for line in page for ch in line) for page in pages]
    if sum(alnum) < min_alnum * len(pages):
        indexes = list(range(len(pages)))
    else:
        indexes = [i for i, n in enumerate(alnum) if n == 0]
    if not indexes or unavailable_reason(limits) is not None:
        return {}
    # pdfium renders the pages: C code again, so in a child process (contain.py)
    results = run_contained(ocr_pdf_pages, source, "PDF", data, source, limits, indexes)
    results = {i: r for i, r in results.items() if any(ch.isalnum() for ch in r[0])}
    for index, (text, _conf, _words) in results.items():
        pages[index] = text.split("\n")
        margins[index] = set()
    return pdf_meta(results) if results else {}


def no_text_layer(source: str, limits: ReadLimits, base: str) -> NoTextLayerError:
    """The error for a PDF without a text layer: what to do when OCR cannot run, or that it ran."""
    reason = unavailable_reason(limits)
    if reason is not None:
        return NoTextLayerError(source, f"{base}; {reason}")
    return NoTextLayerError(source, f"{base}; OCR found no text on it")
