"""What every reader shares: the safety limits, the reader contract and the limit checks."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from ..errors import LimitExceededError

MB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class ReadLimits:
    """Safety limits for one document; exceeding one raises LimitExceededError.

    The defaults are far above any real CV or advert (a long CV is 3 pages, 30 KB of text) and
    low enough that a hostile or accidental input cannot stall a batch run.
    """

    max_file_bytes: int = 20 * MB  # size on disk, checked with stat() before reading (CLI: --max-file-mb)
    max_pages: int = 50  # PDF pages: the page tree's /Count, then each page before layout (CLI: --max-pages)
    max_chars: int = 500_000  # extracted characters; for PDFs also glyphs and shapes drawn (CLI: --max-chars)
    max_docx_uncompressed_bytes: int = 100 * MB  # sum of the DOCX zip members, from the zip's
    # central directory before anything is inflated (zip bombs) (CLI: --max-docx-mb)
    max_docx_xml_bytes: int = 16 * MB  # the DOCX members that are parsed as XML (their tree takes up to
    # 25 times the bytes in memory); real CVs have under 2 MB. Python API only.
    max_pdf_decoded_bytes: int = 64 * MB  # all PDF streams once decoded (deflate, LZW, run-length bombs);
    # real CVs decode to under 1 MB. Python API only.
    max_pdf_content_bytes: int = 8 * MB  # PDF drawing instructions interpreted, each Form XObject counted
    # every time it is drawn, at least 1 KB a time (pdfminer takes about 3 s per MB); real CV pages
    # have under 200 KB. Python API only.
    ocr: bool = True  # read scans and photos with Tesseract when it is installed (CLI: --no-ocr turns it off)
    max_ocr_pages: int = 10  # pages OCR'd in one document (a few seconds each). Python API only.
    max_image_pixels: int = 40_000_000  # an image file, or a PDF page as rendered for OCR (A4 at 600 dpi is
    # 35 million); checked from the image header before decoding (decompression bombs). Python API only.
    ocr_page_seconds: int = 60  # time limit for one page through Tesseract (and for antiword on a .doc).
    # Python API only.


# The CLI option that raises each limit, named in the error message so the user knows the fix.
LIMIT_OPTIONS = {
    "max_file_bytes": "--max-file-mb",
    "max_pages": "--max-pages",
    "max_chars": "--max-chars",
    "max_docx_uncompressed_bytes": "--max-docx-mb",
    "max_docx_xml_bytes": "ReadLimits(max_docx_xml_bytes=...)",
    "max_pdf_decoded_bytes": "ReadLimits(max_pdf_decoded_bytes=...)",
    "max_pdf_content_bytes": "ReadLimits(max_pdf_content_bytes=...)",
    "max_ocr_pages": "ReadLimits(max_ocr_pages=...)",
    "max_image_pixels": "ReadLimits(max_image_pixels=...)",
    "ocr_page_seconds": "ReadLimits(ocr_page_seconds=...)",
}


def check_limit(source: str, limits: ReadLimits, name: str, value: int | None, what: str) -> None:
    """Raise LimitExceededError when `value` exceeds the limit called `name`; value None means
    "known to be over, by how much unknown" (a decoder stopped as soon as it passed the limit)."""
    limit = getattr(limits, name)
    if value is not None and value <= limit:
        return
    unit = "bytes" if name.endswith("_bytes") else ""
    if value is None:
        shown = f"over the {_amount(limit, unit)} limit"
    else:
        shown = f"{_amount(value, unit)}, over the {_amount(limit, unit)} limit"
    raise LimitExceededError(source, f"{what} is {shown} ({name}; raise it with {LIMIT_OPTIONS[name]})")


def _amount(value: int, unit: str) -> str:
    if unit == "bytes" and value >= MB:
        return f"{value / MB:.1f} MB"
    return f"{value:,} {unit}".rstrip()


@dataclass(frozen=True, slots=True)
class Extracted:
    """A reader's raw result, before the shared cleaning and section detection."""

    text: str
    format: str  # pdf | docx | txt | doc | rtf | odt | html | image
    meta: dict[str, str] = field(default_factory=dict)
    hidden: tuple[tuple[str, str], ...] = ()  # (reason, text) a person would not see, left out of text (hidden.py)


class Reader(Protocol):
    """Turns a file's bytes into text. `source` names the file in error messages; `engine` picks
    a backend for formats that have several (PDF) and is ignored by the others."""

    def __call__(self, data: bytes, source: str, limits: ReadLimits, *, engine: str | None = None) -> Extracted:
        ...
