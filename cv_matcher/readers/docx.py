"""DOCX reader: python-docx for the package, our own walk over the WordprocessingML for the text.

python-docx's `paragraphs` skip tables, text boxes and content controls and its `cell.text`
repeats merged cells, so we walk the XML ourselves: block elements in document order, tables
row by row (a vertically merged cell once), text boxes once (Word stores each twice: a DrawingML
copy in mc:Choice and a VML copy in mc:Fallback; we skip the fallback), headers first and
footers last, each distinct text once.
"""
from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from typing import Any

from ..errors import DocumentReadError
from .base import Extracted, ReadLimits, check_limit

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
TEXTBOX = f"{W}txbxContent"
BULLET = "• "
# Block containers whose children are paragraphs/tables again (content controls, custom XML).
_TRANSPARENT = {f"{W}sdt", f"{W}sdtContent", f"{W}customXml", f"{W}smartTag"}
_RUN_TEXT = {f"{W}t": None, f"{W}tab": "\t", f"{W}br": "\n", f"{W}cr": "\n", f"{W}noBreakHyphen": "-"}
# A DOCTYPE never appears in Word's own XML; it only serves entity tricks (XXE, billion laughs).
DOCTYPE_REFUSED = "DOCX XML declares a DOCTYPE (entities refused)"
# Word writes 10-50 members, a few hundred with many images. 100,000 tiny members (a 10 MB file)
# cost zipfile and the checks below 12 s; 10,000 cost about one.
MAX_ZIP_MEMBERS = 10_000


def read(data: bytes, source: str, limits: ReadLimits, *, engine: str | None = None) -> Extracted:
    """Read body, tables, text boxes, headers and footers of a DOCX in reading order."""
    _check_package(data, source, limits)
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except ValueError as exc:  # "file '<BytesIO>' is not a Word file, content type is '...'"
        raise DocumentReadError(source, f"not a DOCX: {str(exc).rpartition(', ')[2]}") from exc
    except KeyError as exc:  # a package part the content types or relationships promise is absent
        raise DocumentReadError(source, f"not a DOCX: missing part {exc}") from exc
    headers, footers = _header_footer_texts(document)
    body = list(_blocks(document.element.body))
    parts = _unique(headers) + body + _unique(footers)
    return Extracted("\n".join(parts), "docx", {"blocks": str(len(body))})


def _check_package(data: bytes, source: str, limits: ReadLimits) -> None:
    """Reject what python-docx would choke on or should never parse, before it parses anything."""
    members = data.count(b"PK\x01\x02")  # central directory entries, counted before zipfile parses them all
    if members > MAX_ZIP_MEMBERS:
        raise DocumentReadError(source, f"not a DOCX: {members:,} zip members (Word writes tens; the limit is "
                                        f"{MAX_ZIP_MEMBERS:,})")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise DocumentReadError(source, "not a DOCX: not a zip archive") from exc
    with archive:
        names = set(archive.namelist())
        if "word/document.xml" not in names:
            raise DocumentReadError(source, "not a DOCX: the zip has no word/document.xml")
        infos = archive.infolist()
        total = sum(info.file_size for info in infos)  # as the central directory declares: nothing inflated yet
        check_limit(source, limits, "max_docx_uncompressed_bytes", total, "uncompressed size")
        by_name = [info for info in infos if info.filename.endswith((".xml", ".rels"))]
        check_limit(source, limits, "max_docx_xml_bytes", sum(info.file_size for info in by_name), "XML size")
        xml_parts = _xml_parts(archive, infos)  # also parts whose content type, not name, says XML
        check_limit(source, limits, "max_docx_xml_bytes", sum(info.file_size for info in xml_parts), "XML size")
        for name in sorted({info.filename for info in xml_parts}):
            if _declares_doctype(archive, name):
                raise DocumentReadError(source, f"{DOCTYPE_REFUSED}: {name}")


def _xml_parts(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> list[zipfile.ZipInfo]:
    """The members python-docx may parse as XML: named .xml/.rels, or given an XML content type
    in [Content_Types].xml (by extension or by part name). Its tree costs memory many times the
    bytes (20 MB of empty paragraphs took 490 MB and 7 s), hence max_docx_xml_bytes."""
    from lxml import etree

    defaults: dict[str, str] = {}
    overrides: dict[str, str] = {}
    if "[Content_Types].xml" in archive.namelist():
        parser = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True, huge_tree=False)
        try:
            with archive.open("[Content_Types].xml") as part:
                root = etree.parse(part, parser).getroot()
        except etree.XMLSyntaxError:
            root = None  # python-docx refuses the package: its error is the clearer one
        for element in () if root is None else root:
            tag = element.tag if isinstance(element.tag, str) else ""
            if tag.endswith("}Default"):
                defaults[element.get("Extension", "").lower()] = element.get("ContentType", "")
            elif tag.endswith("}Override"):
                overrides[element.get("PartName", "").lstrip("/")] = element.get("ContentType", "")

    def is_xml(name: str) -> bool:
        if name.endswith((".xml", ".rels")):
            return True
        content_type = overrides.get(name, defaults.get(name.rpartition(".")[2].lower(), ""))
        return "xml" in content_type.lower()

    return [info for info in infos if is_xml(info.filename)]


def _declares_doctype(archive: zipfile.ZipFile, name: str) -> bool:
    """Whether a part's prolog has a DOCTYPE, however long the prolog and in whatever encoding
    (a byte search of the first few KB misses one after 64 KB of comments, or in UTF-16). libxml2
    parses only up to the root element's start tag, with entities, DTDs and the network off."""
    from lxml import etree

    with archive.open(name) as part:
        events = etree.iterparse(part, events=("start",), resolve_entities=False, load_dtd=False, no_network=True,
                                 huge_tree=False)
        try:
            for _event, element in events:
                info = element.getroottree().docinfo
                return bool(info.doctype) or info.internalDTD is not None or info.externalDTD is not None
        except etree.XMLSyntaxError:
            return False  # not well-formed before the root: python-docx refuses it too, or never reads it
    return False


def _header_footer_texts(document: Any) -> tuple[list[str], list[str]]:
    headers: list[str] = []
    footers: list[str] = []
    for section in document.sections:
        for attr, out in (("first_page_header", headers), ("header", headers), ("even_page_header", headers),
                          ("first_page_footer", footers), ("footer", footers), ("even_page_footer", footers)):
            part = getattr(section, attr)
            if not part.is_linked_to_previous:  # linked = no definition of its own
                out.extend(_blocks(part._element))
    return headers, footers


def _unique(texts: list[str]) -> list[str]:
    # The same header is often defined for first/odd/even pages and for every section.
    return list(dict.fromkeys(texts))


def _blocks(container: Any) -> Iterator[str]:
    """Paragraph and table texts of a body, cell, header or text box, in document order."""
    for child in container:
        if child.tag == f"{W}p":
            boxes: list[Any] = []
            text = "".join(_run_texts(child, boxes))
            if text.strip():
                yield _bullet(child) + text
            for box in boxes:  # a text box reads after the paragraph that anchors it
                yield from _blocks(box)
        elif child.tag == f"{W}tbl":
            yield from _table(child)
        elif child.tag in _TRANSPARENT:
            yield from _blocks(child)


def _run_texts(element: Any, boxes: list[Any]) -> Iterator[str]:
    """The visible text of a paragraph; text boxes met on the way are collected, not inlined."""
    for child in element:
        tag = child.tag
        if tag in _RUN_TEXT:
            fixed = _RUN_TEXT[tag]
            yield (child.text or "") if fixed is None else fixed
        elif tag == TEXTBOX:
            boxes.append(child)
        elif tag != MC_FALLBACK:  # the fallback repeats the mc:Choice content
            yield from _run_texts(child, boxes)


def _bullet(paragraph: Any) -> str:
    """'• ' for list paragraphs: direct numbering (w:numPr, numId 0 = none) or a List style."""
    ppr = paragraph.find(f"{W}pPr")
    if ppr is None:
        return ""
    style = ppr.find(f"{W}pStyle")
    style_id = "" if style is None else style.get(f"{W}val", "")
    if style_id.lower().startswith(("heading", "title")):
        return ""  # numbered headings ("1. Experience") are headings, not list items
    num_id = ppr.find(f"{W}numPr/{W}numId")
    if num_id is not None:
        return "" if num_id.get(f"{W}val") == "0" else BULLET
    return BULLET if "list" in style_id.lower() else ""


def _table(table: Any) -> Iterator[str]:
    """One line per row with cells joined by ' | ' when every cell is one line; otherwise each
    cell's lines in turn (layout tables: a date column beside a description; nested tables)."""
    for row in table.iterchildren(f"{W}tr"):
        cells: list[list[str]] = []
        for cell in row.iterchildren(f"{W}tc"):
            merge = cell.find(f"{W}tcPr/{W}vMerge")
            if merge is not None and merge.get(f"{W}val", "continue") == "continue":
                continue  # continuation of a vertically merged cell: its text is above
            lines = [line for block in _blocks(cell) for line in block.split("\n") if line.strip()]
            if lines:
                cells.append(lines)
        if cells and all(len(lines) == 1 for lines in cells) and row.find(f".//{W}tbl") is None:
            yield " | ".join(lines[0] for lines in cells)
        else:
            yield from (line for lines in cells for line in lines)
