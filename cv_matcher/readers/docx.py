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

from ..errors import DocumentReadError, EncryptedDocumentError, UnsupportedFormatError
from .base import Extracted, ReadLimits, check_limit
from .hidden import MOVED_FROM, SAME_COLOUR, TINY, VANISH

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
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
MOVE_FROM = f"{W}moveFrom"
ALT_CHUNK = f"{W}altChunk"
RUN = f"{W}r"
MIN_VISIBLE_HALF_POINTS = 4  # w:sz is in half-points: a run of 2 pt or less is not meant to be read
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Compound File (CFB): encrypted OOXML, or a Word 97 .doc
# Strict Open XML (ISO 29500 strict) uses these namespaces where Word's usual (transitional) files
# use schemas.openxmlformats.org; the text model is the same, so the names are mapped back.
STRICT_NAMESPACES = (
    (b"http://purl.oclc.org/ooxml/wordprocessingml/main", b"http://schemas.openxmlformats.org/wordprocessingml/2006/main"),
    (b"http://purl.oclc.org/ooxml/officeDocument/relationships", b"http://schemas.openxmlformats.org/officeDocument/2006/relationships"),
    (b"http://purl.oclc.org/ooxml/drawingml/main", b"http://schemas.openxmlformats.org/drawingml/2006/main"),
    (b"http://purl.oclc.org/ooxml/drawingml/wordprocessingDrawing", b"http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"),
    (b"http://purl.oclc.org/ooxml/officeDocument/math", b"http://schemas.openxmlformats.org/officeDocument/2006/math"),
)


def read(data: bytes, source: str, limits: ReadLimits, *, engine: str | None = None) -> Extracted:
    """Read body, tables, text boxes, headers, footers, footnotes and endnotes of a DOCX in
    reading order; text a reader would not see (hidden.py) is left out and listed."""
    strict = _check_package(data, source, limits)
    if strict:
        data = _from_strict(data)
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except ValueError as exc:  # "file '<BytesIO>' is not a Word file, content type is '...'"
        raise DocumentReadError(source, f"not a DOCX: {str(exc).rpartition(', ')[2]}") from exc
    except KeyError as exc:  # a package part the content types or relationships promise is absent
        raise DocumentReadError(source, f"not a DOCX: missing part {exc}") from exc
    seen = _Seen(document, source)
    headers, footers = _header_footer_texts(document, seen)
    body = list(_blocks(document.element.body, seen))
    notes = _notes(document, seen)
    parts = _unique(headers) + body + notes + _unique(footers)
    meta = {"blocks": str(len(body))}
    if strict:
        meta["format"] = "Strict Open XML"
    if notes:
        meta["notes"] = str(len(notes))
    return Extracted("\n".join(parts), "docx", meta, tuple(seen.hidden))


def _check_package(data: bytes, source: str, limits: ReadLimits) -> bool:
    """Reject what python-docx would choke on or should never parse, before it parses anything.
    True when the package is Strict Open XML (read after its namespaces are mapped)."""
    if data.startswith(OLE_MAGIC):
        # Word saves a password-protected .docx as a Compound File holding EncryptionInfo and
        # EncryptedPackage streams (their directory names are UTF-16); otherwise it is a Word 97 .doc.
        if "EncryptedPackage".encode("utf-16-le") in data or "EncryptionInfo".encode("utf-16-le") in data:
            raise EncryptedDocumentError(source, "DOCX is password-protected (an encrypted package); remove the password first")
        raise DocumentReadError(source, "not a DOCX: an old Word 97-2003 (.doc) file, named .docx; save it as .docx")
    members = data.count(b"PK\x01\x02")  # central directory entries, counted before zipfile parses them all
    if members > MAX_ZIP_MEMBERS:
        raise DocumentReadError(source, f"not a DOCX: {members:,} zip members (Word writes tens; the limit is "
                                        f"{MAX_ZIP_MEMBERS:,})")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise DocumentReadError(source, "not a DOCX: not a zip archive") from exc
    with archive:
        listed = archive.namelist()
        names = set(listed)
        if len(names) != len(listed):  # zipfile reads the last of them, a zip tool maybe the first
            twice = sorted({name for name in listed if listed.count(name) > 1})
            raise DocumentReadError(source, f"not a DOCX: ambiguous, {listed.count(twice[0])} zip members are named "
                                            f"{twice[0]}" + (f" (and {len(twice) - 1} more names twice)" if len(twice) > 1 else ""))
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
        with archive.open("word/document.xml") as part:
            head = part.read(4096)
        return STRICT_NAMESPACES[0][0] in head


def _from_strict(data: bytes) -> bytes:
    """The package with Strict Open XML's namespaces (and relationship types) mapped to the
    transitional ones python-docx knows. Its members' sizes were checked before."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as archive, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as rebuilt:
        for info in archive.infolist():
            member = archive.read(info)
            if info.filename.endswith((".xml", ".rels")):
                for strict, transitional in STRICT_NAMESPACES:
                    member = member.replace(strict, transitional)
            rebuilt.writestr(info.filename, member)
    return out.getvalue()


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
    parses only up to the root element's start tag, with entities, DTDs and the network off.

    Fed as iterparse feeds it (32 KB at a time), but the parser's queued events are dropped and
    it is closed before returning: a pull parser left mid-document is a reference cycle holding
    the partial tree (libxml2's memory, outside Python's), freed only by a full garbage
    collection, which a long batch worker may not run for hundreds of files (its peak memory grew
    with the run)."""
    from lxml import etree

    parser = etree.XMLPullParser(events=("start",), resolve_entities=False, load_dtd=False, no_network=True, huge_tree=False)
    chunk = b""
    with archive.open(name) as part:
        try:
            while True:
                chunk = part.read(32768)
                try:
                    if chunk:
                        parser.feed(chunk)
                    else:
                        parser.close()
                    failed = False
                except etree.XMLSyntaxError:
                    failed = True  # as iterparse: the events parsed before the error still count
                for _event, element in parser.read_events():
                    info = element.getroottree().docinfo
                    return bool(info.doctype) or info.internalDTD is not None or info.externalDTD is not None
                if failed or not chunk:
                    return False  # not well-formed before the root: python-docx refuses it too, or never reads it
        finally:
            if chunk:  # not closed yet
                try:
                    parser.close()
                except etree.XMLSyntaxError:
                    pass  # the document was left unfinished on purpose
            for _ in parser.read_events():  # closing may queue one more (a start tag cut in two)
                pass


def _header_footer_texts(document: Any, seen: _Seen) -> tuple[list[str], list[str]]:
    headers: list[str] = []
    footers: list[str] = []
    for section in document.sections:
        for attr, out in (("first_page_header", headers), ("header", headers), ("even_page_header", headers),
                          ("first_page_footer", footers), ("footer", footers), ("even_page_footer", footers)):
            part = getattr(section, attr)
            if not part.is_linked_to_previous:  # linked = no definition of its own
                out.extend(_blocks(part._element, seen))
    return headers, footers


def _unique(texts: list[str]) -> list[str]:
    # The same header is often defined for first/odd/even pages and for every section.
    return list(dict.fromkeys(texts))


def _blocks(container: Any, seen: _Seen, background: str | None = None) -> Iterator[str]:
    """Paragraph and table texts of a body, cell, header or text box, in document order.
    `background` is the shading the text sits on (a cell's), for white-on-white runs."""
    for child in container:
        if child.tag == f"{W}p":
            boxes: list[Any] = []
            shading = _fill(child.find(f"{W}pPr/{W}shd")) or background
            seen.paragraph = child
            text = "".join(_run_texts(child, boxes, seen, _style_id(child.find(f"{W}pPr/{W}pStyle")), shading))
            if text.strip():
                yield _bullet(child) + text
            for box in boxes:  # a text box reads after the paragraph that anchors it
                yield from _blocks(box, seen, _box_fill(box))
        elif child.tag == f"{W}tbl":
            yield from _table(child, seen, background)
        elif child.tag in _TRANSPARENT:
            yield from _blocks(child, seen, background)
        elif child.tag == ALT_CHUNK:
            yield from seen.alt_chunk(child)
        elif child.tag == MOVE_FROM:  # moved-away paragraphs (the text is also where it moved to)
            seen.hide(MOVED_FROM, "\n".join(_blocks(child, _Seen.quiet(seen), background)))


def _run_texts(element: Any, boxes: list[Any], seen: _Seen, paragraph_style: str | None = None,
               background: str | None = None) -> Iterator[str]:
    """The visible text of a paragraph; text boxes met on the way are collected, not inlined.
    Runs a reader would not see (w:vanish, white on the background, 2 pt or less) and the source
    of a tracked move (w:moveFrom) go to `seen.hide` instead."""
    for child in element:
        tag = child.tag
        if tag in _RUN_TEXT:
            fixed = _RUN_TEXT[tag]
            yield (child.text or "") if fixed is None else fixed
        elif tag == TEXTBOX:
            boxes.append(child)
        elif tag == RUN:
            reason = seen.run_hidden(child, paragraph_style, background)
            if reason is None:
                yield from _run_texts(child, boxes, seen, paragraph_style, background)
            else:
                seen.hide(reason, "".join(_run_texts(child, [], seen, paragraph_style, background)))
        elif tag == MOVE_FROM:
            seen.hide(MOVED_FROM, "".join(_run_texts(child, [], _Seen.quiet(seen), paragraph_style, background)))
        elif tag != MC_FALLBACK:  # the fallback repeats the mc:Choice content
            yield from _run_texts(child, boxes, seen, paragraph_style, background)


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


def _table(table: Any, seen: _Seen, background: str | None = None) -> Iterator[str]:
    """One line per row with cells joined by ' | ' when every cell is one line; otherwise each
    cell's lines in turn (layout tables: a date column beside a description; nested tables)."""
    for row in table.iterchildren(f"{W}tr"):
        cells: list[list[str]] = []
        for cell in row.iterchildren(f"{W}tc"):
            merge = cell.find(f"{W}tcPr/{W}vMerge")
            if merge is not None and merge.get(f"{W}val", "continue") == "continue":
                continue  # continuation of a vertically merged cell: its text is above
            shading = _fill(cell.find(f"{W}tcPr/{W}shd")) or background
            lines = [line for block in _blocks(cell, seen, shading) for line in block.split("\n") if line.strip()]
            if lines:
                cells.append(lines)
        if cells and all(len(lines) == 1 for lines in cells) and row.find(f".//{W}tbl") is None:
            yield " | ".join(lines[0] for lines in cells)
        else:
            yield from (line for lines in cells for line in lines)


# --- hidden runs, notes, imported chunks ---------------------------------------------------------

# w:highlight names (ECMA-376 17.18.40) as RGB hex.
_HIGHLIGHTS = {
    "black": "000000", "blue": "0000FF", "cyan": "00FFFF", "green": "00FF00", "magenta": "FF00FF", "red": "FF0000",
    "yellow": "FFFF00", "white": "FFFFFF", "darkBlue": "000080", "darkCyan": "008080", "darkGreen": "008000",
    "darkMagenta": "800080", "darkRed": "800000", "darkYellow": "808000", "darkGray": "808080", "lightGray": "C0C0C0",
}
_NOTE_SEPARATORS = {"separator", "continuationSeparator", "continuationNotice"}
MAX_CHUNK_DEPTH = 3  # a DOCX imported into a DOCX (altChunk) into a DOCX...


def _on(element: Any) -> bool | None:
    """A WordprocessingML on/off property: None when absent."""
    if element is None:
        return None
    return element.get(f"{W}val", "true").lower() not in ("0", "false", "off")


def _style_id(element: Any) -> str | None:
    return None if element is None else element.get(f"{W}val")


UNKNOWN = "?"  # a background that cannot be told (a theme colour, a pattern, a picture): never judged


def _hex(value: str | None) -> str | None:
    value = (value or "").strip()
    return value.upper() if len(value) == 6 and all(c in "0123456789abcdefABCDEF" for c in value) else None


def _fill(shd: Any) -> str | None:
    """What a w:shd paints as RGB hex: its fill ("clear"), its colour ("solid"); None for none or
    auto, UNKNOWN for patterns and theme colours."""
    if shd is None:
        return None
    pattern = shd.get(f"{W}val") or "clear"
    if pattern == "nil":
        return None
    if shd.get(f"{W}themeFill") is not None:
        return UNKNOWN
    if pattern == "solid":
        return _hex(shd.get(f"{W}color")) or UNKNOWN
    fill = shd.get(f"{W}fill") or "auto"
    if pattern != "clear":
        return UNKNOWN
    return None if fill.lower() == "auto" else (_hex(fill) or UNKNOWN)


def _box_fill(box: Any) -> str | None:
    """A text box's (DrawingML shape's) fill: an RGB hex, None when it has none, else UNKNOWN."""
    shape = box.getparent().getparent() if box.getparent() is not None else None
    if shape is None:
        return UNKNOWN
    for properties in shape:
        if isinstance(properties.tag, str) and properties.tag.endswith("}spPr"):
            for fill in properties:
                tag = fill.tag if isinstance(fill.tag, str) else ""
                if tag.endswith("}noFill"):
                    return None
                if tag.endswith("}solidFill"):
                    colour = fill[0] if len(fill) else None
                    if colour is not None and isinstance(colour.tag, str) and colour.tag.endswith("}srgbClr"):
                        return _hex(colour.get("val")) or UNKNOWN
                    return UNKNOWN
                if tag.endswith(("}gradFill", "}blipFill", "}pattFill", "}grpFill")):
                    return UNKNOWN
            return None
    return UNKNOWN


def _rgb(value: str | None) -> tuple[float, float, float] | None:
    if value is None or len(value) != 6:
        return None
    try:
        return int(value[0:2], 16) / 255, int(value[2:4], 16) / 255, int(value[4:6], 16) / 255
    except ValueError:
        return None


def _props(rpr: Any) -> dict[str, Any]:
    """The run properties that decide visibility, those given in one w:rPr."""
    out: dict[str, Any] = {}
    if rpr is None:
        return out
    vanish = _on(rpr.find(f"{W}vanish"))
    if vanish is not None:
        out["vanish"] = vanish
    color = rpr.find(f"{W}color")
    if color is not None:
        out["color"] = (color.get(f"{W}val") or "auto").upper()
    size = rpr.find(f"{W}sz")
    if size is not None:
        try:
            out["sz"] = float(size.get(f"{W}val") or "")
        except ValueError:
            pass
    highlight = rpr.find(f"{W}highlight")
    if highlight is not None:
        out["highlight"] = _HIGHLIGHTS.get(highlight.get(f"{W}val") or "")
    shading = _fill(rpr.find(f"{W}shd"))
    if shading is not None:
        out["shd"] = shading
    return out


class _Seen:
    """What a reader of the document sees: run properties through the style chain, the page
    colour; collects what is not seen (reason, text) and reads imported altChunk parts."""

    def __init__(self, document: Any, source: str, depth: int = 0) -> None:
        self.source = source
        self.depth = depth
        self.part = document.part
        self.hidden: list[tuple[str, str]] = []
        self.paragraph: Any = None
        self._last: Any = None
        self._cache: dict[tuple[str | None, str | None], dict[str, Any]] = {}
        self._styles: dict[str, tuple[str | None, dict[str, Any]]] = {}
        self._defaults: dict[str, Any] = {}
        self.silent = False
        try:
            styles = document.part._styles_part.element if document.part._styles_part is not None else None
        except Exception:  # noqa: BLE001 - no or broken styles part: direct formatting only
            styles = None
        if styles is not None:
            self._defaults = _props(styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr"))
            for style in styles.iterchildren(f"{W}style"):
                style_id = style.get(f"{W}styleId")
                if style_id:
                    self._styles[style_id] = (_style_id(style.find(f"{W}basedOn")), _props(style.find(f"{W}rPr")))
        page = document.element.find(f"{W}background")
        colour = None if page is None else (page.get(f"{W}color") or "").upper()
        self.page = colour if _rgb(colour) is not None else "FFFFFF"

    @classmethod
    def quiet(cls, seen: _Seen) -> _Seen:
        """The same judgement, collecting nothing (text inside text already hidden)."""
        other = cls.__new__(cls)
        other.__dict__.update(seen.__dict__)
        other.hidden = []
        other.silent = True
        return other

    def _chain(self, style_id: str | None) -> dict[str, Any]:
        out: dict[str, Any] = {}
        chain: list[dict[str, Any]] = []
        visited: set[str] = set()
        while style_id is not None and style_id in self._styles and style_id not in visited and len(visited) < 50:
            visited.add(style_id)
            based_on, props = self._styles[style_id]
            chain.append(props)
            style_id = based_on
        for props in reversed(chain):
            out.update(props)
        return out

    def _effective(self, run_style: str | None, paragraph_style: str | None) -> dict[str, Any]:
        key = (run_style, paragraph_style)
        if key not in self._cache:
            self._cache[key] = {**self._defaults, **self._chain(paragraph_style or "Normal"), **self._chain(run_style)}
        return self._cache[key]

    def run_hidden(self, run: Any, paragraph_style: str | None, background: str | None) -> str | None:
        rpr = run.find(f"{W}rPr")
        props = {**self._effective(_style_id(None if rpr is None else rpr.find(f"{W}rStyle")), paragraph_style),
                 **_props(rpr)}
        if props.get("vanish"):
            return VANISH
        if "sz" in props and props["sz"] <= MIN_VISIBLE_HALF_POINTS:
            return TINY
        colour = _rgb(props.get("color"))
        if colour is not None:
            from .hidden import close_colours

            under = props.get("highlight") or props.get("shd") or background or self.page
            if close_colours(colour, _rgb(under)):
                return SAME_COLOUR
        return None

    def hide(self, reason: str, text: str) -> None:
        if self.silent or not text.strip():
            return
        if self.hidden and self._last is self.paragraph and self.hidden[-1][0] == reason:
            self.hidden[-1] = (reason, self.hidden[-1][1] + text)  # the next run of the same paragraph
        else:
            self.hidden.append((reason, text))
        self._last = self.paragraph

    def alt_chunk(self, element: Any) -> Iterator[str]:
        """The text of an imported chunk (w:altChunk): HTML, plain text or a DOCX; other kinds (RTF,
        MHT) cannot be read, and saying so beats losing that part of the document silently."""
        rel = self.part.rels.get(element.get(f"{R}id") or "")
        if rel is None or rel.is_external:
            raise DocumentReadError(self.source, "DOCX imports a part (altChunk) that is not in the package")
        part = rel.target_part
        content_type, blob = (part.content_type or "").lower(), part.blob
        if blob.startswith(b"PK") and self.depth < MAX_CHUNK_DEPTH:
            yield from _chunk_docx(blob, self.source, self.depth + 1, self)
        elif "html" in content_type or blob.lstrip()[:200].lower().startswith((b"<!doctype html", b"<html")):
            yield from _html_lines(blob)
        elif content_type.startswith("text/plain"):
            try:
                text = blob.decode("utf-8-sig")
            except UnicodeDecodeError:
                text = blob.decode("cp1252", errors="replace")
            yield from (line for line in text.splitlines() if line.strip())
        else:
            raise UnsupportedFormatError(self.source, f"DOCX imports a part (altChunk) of type {content_type or 'unknown'}, "
                                                      "which cannot be read; open it in Word and save it again")


def _chunk_docx(blob: bytes, source: str, depth: int, outer: _Seen) -> Iterator[str]:
    import docx

    try:
        document = docx.Document(io.BytesIO(blob))
    except Exception as exc:
        raise DocumentReadError(source, f"DOCX imports a DOCX part (altChunk) that cannot be read: {type(exc).__name__}") from exc
    seen = _Seen(document, source, depth)
    yield from _blocks(document.element.body, seen)
    outer.hidden += seen.hidden


def _html_lines(blob: bytes) -> Iterator[str]:
    """Text of an HTML chunk: scripts and styles dropped, a line per block element."""
    from lxml import html as lxml_html

    parser = lxml_html.HTMLParser(no_network=True, remove_comments=True, remove_pis=True)
    try:
        root = lxml_html.document_fromstring(blob, parser=parser)
    except Exception:  # noqa: BLE001 - empty or unparsable: nothing to read
        return
    for bad in root.xpath("//script|//style|//head"):
        bad.drop_tree()
    for block in root.iter("p", "div", "li", "br", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol"):
        block.tail = "\n" + (block.tail or "")
    yield from (" ".join(line.split()) for line in root.text_content().splitlines() if line.strip())


def _notes(document: Any, seen: _Seen) -> list[str]:
    """Footnote and endnote texts, in note order (certifications often sit there)."""
    from lxml import etree

    out: list[str] = []
    for kind in ("footnotes", "endnotes"):
        for rel in document.part.rels.values():
            if rel.is_external or not rel.reltype.endswith(f"/{kind}"):
                continue
            parser = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True, huge_tree=False)
            try:
                root = etree.fromstring(rel.target_part.blob, parser)
            except etree.XMLSyntaxError:
                continue  # a broken notes part: the body is still worth reading
            for note in root:
                if note.get(f"{W}type") not in _NOTE_SEPARATORS:
                    out.extend(_blocks(note, seen))
    return out
