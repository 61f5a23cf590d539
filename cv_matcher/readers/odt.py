"""ODT reader (OpenDocument text, LibreOffice's own format): our walk over content.xml and styles.xml.

The package gets the DOCX reader's guards before anything is parsed (member count, sizes from the
zip's central directory, the XML budget, DOCTYPE refused in every XML member: docx.py), and the
XML is parsed by lxml with entities, DTDs and the network off. Read as the DOCX reader reads:
headers first and footers last (styles.xml's master pages, each distinct text once), then the body
in order: headings and paragraphs, lists ('• '), tables row by row ('a | b' when every cell is one
line; covered cells skipped), text boxes and notes after the paragraph that anchors them. Hidden
text is left out and counted: text whose style (or a parent style) has text:display="none",
hidden paragraphs and hidden text fields, hidden sections, tracked deletions, comments.
"""
from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from typing import Any

from ..errors import DocumentReadError, EncryptedDocumentError
from .base import Extracted, ReadLimits, check_limit
from .docx import MAX_ZIP_MEMBERS, _declares_doctype

TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
DRAW = "{urn:oasis:names:tc:opendocument:xmlns:drawing:1.0}"
STYLE = "{urn:oasis:names:tc:opendocument:xmlns:style:1.0}"
OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
BULLET = "• "
HIDDEN = "marked hidden"  # as hidden.VANISH for DOCX
MIMETYPE = "application/vnd.oasis.opendocument.text"
ENCRYPTED = "ODT is password-protected; remove the password first"
# Never text a reader sees: tracked changes (deleted text lives here), comments, generated
# indexes (they repeat the headings), declarations, forms.
_SKIP = {f"{TEXT}tracked-changes", f"{OFFICE}annotation", f"{OFFICE}annotation-end", f"{TEXT}table-of-content",
         f"{TEXT}alphabetical-index", f"{TEXT}illustration-index", f"{TEXT}table-index", f"{TEXT}object-index",
         f"{TEXT}user-index", f"{TEXT}bibliography", f"{TEXT}sequence-decls", f"{TEXT}variable-decls",
         f"{TEXT}user-field-decls", f"{OFFICE}forms", f"{TEXT}note-citation", f"{TEXT}hidden-paragraph",
         f"{TEXT}hidden-text", f"{TEXT}deletion", "{urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0}title",
         "{urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0}desc"}
_HIDDEN_ELEMENTS = {f"{TEXT}hidden-paragraph", f"{TEXT}hidden-text"}
_PARAGRAPHS = {f"{TEXT}p", f"{TEXT}h"}
_TRANSPARENT = {f"{TEXT}section", f"{TEXT}list", f"{TEXT}list-header", f"{TEXT}soft-page-break", f"{TEXT}note-body",
                f"{DRAW}frame", f"{DRAW}text-box", f"{DRAW}g", f"{DRAW}custom-shape", f"{DRAW}rect", f"{DRAW}ellipse",
                f"{DRAW}polygon", f"{TEXT}index-body", f"{OFFICE}text"}
_ROW_CONTAINERS = {f"{TABLE}table-header-rows", f"{TABLE}table-rows", f"{TABLE}table-row-group"}
_HEADERS = ("header-first", "header", "header-left")
_FOOTERS = ("footer-first", "footer", "footer-left")


def read(data: bytes, source: str, limits: ReadLimits, *, engine: str | None = None) -> Extracted:
    """Read headers, body (paragraphs, lists, tables, text boxes) and footers of an ODT."""
    content, styles = _open_package(data, source, limits)
    hidden_styles = _hidden_styles([styles, content])
    reader = _Reader(hidden_styles)
    headers: list[str] = []
    footers: list[str] = []
    if styles is not None:
        for page in styles.iter(f"{STYLE}master-page"):
            for name, out in [(n, headers) for n in _HEADERS] + [(n, footers) for n in _FOOTERS]:
                for part in page.iterchildren(f"{STYLE}{name}"):
                    if part.get(f"{STYLE}display", "true") != "false":
                        out.extend(reader.blocks(part))
    body = content.find(f"{OFFICE}body/{OFFICE}text")
    blocks = list(reader.blocks(body)) if body is not None else []
    parts = list(dict.fromkeys(headers)) + blocks + list(dict.fromkeys(footers))
    text = "\n".join(parts)
    check_limit(source, limits, "max_chars", len(text), "extracted text length")
    return Extracted(text, "odt", {"blocks": str(len(blocks))}, tuple(reader.hidden))


def _open_package(data: bytes, source: str, limits: ReadLimits) -> tuple[Any, Any]:
    """content.xml and styles.xml (or None) as lxml trees, after the DOCX reader's checks."""
    from lxml import etree

    members = data.count(b"PK\x01\x02")
    if members > MAX_ZIP_MEMBERS:
        raise DocumentReadError(source, f"not an ODT: {members:,} zip members (the limit is {MAX_ZIP_MEMBERS:,})")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise DocumentReadError(source, "not an ODT: not a zip archive") from exc
    with archive:
        names = set(archive.namelist())
        if "content.xml" not in names:
            raise DocumentReadError(source, "not an ODT: the zip has no content.xml")
        infos = archive.infolist()
        check_limit(source, limits, "max_docx_uncompressed_bytes", sum(i.file_size for i in infos), "uncompressed size")
        xml = [i for i in infos if i.filename.endswith((".xml", ".rdf"))]
        check_limit(source, limits, "max_docx_xml_bytes", sum(i.file_size for i in xml), "XML size")
        if "mimetype" in names:
            mimetype = archive.read("mimetype")[:200].decode("ascii", "replace").strip()
            if mimetype.startswith("application/vnd.oasis.opendocument.") and mimetype != MIMETYPE \
                    and not mimetype.startswith(MIMETYPE + "-"):
                raise DocumentReadError(source, f"not an ODT text document: {mimetype}")
        if "META-INF/manifest.xml" in names and b"encryption-data" in archive.read("META-INF/manifest.xml"):
            raise EncryptedDocumentError(source, ENCRYPTED)
        parser = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True, huge_tree=False)
        trees: list[Any] = []
        for name in ("content.xml", "styles.xml"):
            if name not in names:
                trees.append(None)
                continue
            if _declares_doctype(archive, name):
                raise DocumentReadError(source, f"ODT XML declares a DOCTYPE (entities refused): {name}")
            try:
                with archive.open(name) as part:
                    trees.append(etree.parse(part, parser).getroot())
            except etree.XMLSyntaxError as exc:
                raise DocumentReadError(source, f"not an ODT: {name} is not well-formed XML") from exc
    return trees[0], trees[1]


def _hidden_styles(roots: list[Any]) -> set[str]:
    """Names of the text and paragraph styles that hide their text, through parent styles."""
    own: dict[str, bool] = {}
    parents: dict[str, str] = {}
    for root in roots:
        if root is None:
            continue
        for style in root.iter(f"{STYLE}style"):
            name = style.get(f"{STYLE}name")
            if not name:
                continue
            props = style.find(f"{STYLE}text-properties")
            own[name] = props is not None and props.get(f"{TEXT}display") == "none"
            parent = style.get(f"{STYLE}parent-style-name")
            if parent:
                parents[name] = parent
    hidden = set()
    for name in own:
        seen = set()
        current: str | None = name
        while current is not None and current not in seen:
            seen.add(current)
            if own.get(current):
                hidden.add(name)
                break
            current = parents.get(current)
    return hidden


class _Reader:
    def __init__(self, hidden_styles: set[str]) -> None:
        self.hidden_styles = hidden_styles
        self.hidden: list[tuple[str, str]] = []  # (reason, text), as Extracted.hidden

    def _hide(self, element: Any) -> None:
        text = " ".join("".join(element.itertext()).split())
        if text:
            self.hidden.append((HIDDEN, text))

    def _is_hidden(self, element: Any) -> bool:
        if element.get(f"{TEXT}style-name") in self.hidden_styles:
            return True
        return bool(element.tag == f"{TEXT}section" and element.get(f"{TEXT}display") == "none")

    def blocks(self, container: Any, bullet: str = "") -> Iterator[str]:
        """Paragraph and table texts of a body, cell, header, section or text box, in order."""
        for child in container:
            tag = child.tag
            if not isinstance(tag, str):  # comments, processing instructions
                continue
            if tag in _SKIP:
                if tag in _HIDDEN_ELEMENTS:
                    self._hide(child)
                continue
            if self._is_hidden(child):
                self._hide(child)
                continue
            if tag in _PARAGRAPHS:
                boxes: list[Any] = []
                text = "".join(self._inline(child, boxes))
                if text.strip():
                    yield bullet + text
                for box in boxes:
                    yield from self.blocks(box)
            elif tag == f"{TEXT}list-item":
                yield from self.blocks(child, BULLET)
            elif tag == f"{TABLE}table":
                yield from self._table(child)
            elif tag in _TRANSPARENT:
                yield from self.blocks(child, bullet)

    def _inline(self, element: Any, boxes: list[Any]) -> Iterator[str]:
        """The visible text of a paragraph; frames and notes met on the way are collected."""
        if element.text:
            yield element.text
        for child in element:
            tag = child.tag
            if isinstance(tag, str):
                if tag in _SKIP:
                    if tag in _HIDDEN_ELEMENTS:
                        self._hide(child)
                elif tag.startswith(DRAW) or tag == f"{TEXT}note":
                    boxes.append(child)
                elif self._is_hidden(child):
                    self._hide(child)
                elif tag == f"{TEXT}s":
                    count = child.get(f"{TEXT}c", "1")
                    yield " " * (min(int(count), 100) if count.isdigit() else 1)
                elif tag == f"{TEXT}tab":
                    yield "\t"
                elif tag == f"{TEXT}line-break":
                    yield "\n"
                else:
                    yield from self._inline(child, boxes)
            if child.tail:
                yield child.tail

    def _table(self, table: Any) -> Iterator[str]:
        for row in self._rows(table):
            cells: list[list[str]] = []
            for cell in row.iterchildren(f"{TABLE}table-cell"):
                lines = [line for block in self.blocks(cell) for line in block.split("\n") if line.strip()]
                if lines:
                    cells.append(lines)
            if cells and all(len(lines) == 1 for lines in cells) and row.find(f".//{TABLE}table") is None:
                yield " | ".join(lines[0] for lines in cells)
            else:
                yield from (line for lines in cells for line in lines)

    def _rows(self, container: Any) -> Iterator[Any]:
        for child in container:
            if child.tag == f"{TABLE}table-row":
                yield child
            elif child.tag in _ROW_CONTAINERS:
                yield from self._rows(child)
