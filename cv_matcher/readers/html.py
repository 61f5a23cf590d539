"""HTML reader (.html, .htm, and HTML saved under a text suffix): the text a browser shows.

BeautifulSoup with Python's own html.parser builds the tree (entities decoded, broken markup
repaired as browsers do); we walk it without recursion, so nesting depth costs nothing. Left out:
script, style, template, head and the like; elements with the `hidden` attribute, an inline
`display:none` / `visibility:hidden`, or a `<style>` rule saying so (its selectors are matched by
soupsieve, BeautifulSoup's CSS engine). Block elements (headings, paragraphs, list items, rows)
end a line, so headings stand alone and sections split; a table row whose cells are one line
each reads as 'a | b', like the DOCX reader's rows; list items get '• '.
"""
from __future__ import annotations

import codecs
import re
import warnings
from typing import Any

from ..errors import DocumentReadError
from .base import Extracted, ReadLimits, check_limit

BULLET = "• "
HIDDEN = "hidden in the page (display:none, visibility:hidden or the hidden attribute)"
# Real CV pages (exports of CV builders, saved job boards) have a few thousand tags; a saved
# social-network profile about 50,000. html.parser and the tree cost about 20 µs a tag.
MAX_TAGS = 300_000
MAX_TABLE_DEPTH = 20  # tables nested deeper read as plain blocks (rows are joined recursively)
_SKIP = frozenset({"script", "style", "template", "noscript", "head", "title", "meta", "link", "svg", "math",
                   "iframe", "object", "embed", "canvas", "audio", "video", "select", "datalist", "input",
                   "textarea", "button"})
_BLOCK = frozenset({"address", "article", "aside", "blockquote", "body", "br", "caption", "dd", "details", "dialog",
                    "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4",
                    "h5", "h6", "header", "hr", "html", "legend", "li", "main", "nav", "ol", "p", "pre", "section",
                    "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul"})
_HIDDEN_STYLE = re.compile(r"(?:^|;)\s*(?:display\s*:\s*none|visibility\s*:\s*(?:hidden|collapse))\s*(?:!important)?\s*(?:;|$)",
                           re.IGNORECASE)
_CSS_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
_DECLARED = re.compile(rb"^(\xef\xbb\xbf|\xff\xfe|\xfe\xff)|charset\s*=", re.IGNORECASE)
_SPACES = re.compile(r"[ \t\r\n\f]+")


def looks_like_html(data: bytes) -> bool:
    """Whether a file's start is HTML markup (a web page saved as .txt or .doc)."""
    head = _head_text(data)
    if head.startswith("<?xml"):
        head = head[head.find("?>") + 2:].lstrip()
    if head.startswith(("<!doctype html", "<html")):
        return True
    return head.startswith("<") and any(tag in head for tag in ("<body", "<head", "<html"))


def _head_text(data: bytes, size: int = 4096) -> str:
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                          (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            return data[len(bom):size].decode(encoding, "ignore").lstrip().lower()
    return data[:size].decode("latin-1").lstrip().lower()


def read(data: bytes, source: str, limits: ReadLimits, *, engine: str | None = None) -> Extracted:
    """The visible text of an HTML page, one line per block."""
    tags = data.count(b"<")
    if tags > MAX_TAGS:
        raise DocumentReadError(source, f"HTML has {tags:,} tags (real pages have thousands; the limit is {MAX_TAGS:,})")
    from bs4 import BeautifulSoup

    markup: bytes | str = data
    encoding = None
    if not _DECLARED.search(data[:4096]):  # no BOM, no <meta charset>: decode as the text reader does
        from .text import decode

        markup, encoding = decode(data, source)
    with warnings.catch_warnings():  # bs4 warns (on stderr) about undecodable bytes and the like
        warnings.simplefilter("ignore")
        soup = BeautifulSoup(markup, "html.parser")
    hidden_by_css = _css_hidden(soup)
    walker = _Walker(hidden_by_css)
    lines = walker.lines(soup, 0)
    text = "\n".join(lines)
    check_limit(source, limits, "max_chars", len(text), "extracted text length")
    meta = {"blocks": str(len(lines))}
    found = encoding or soup.original_encoding
    if found:
        meta["encoding"] = found
    return Extracted(text, "html", meta, tuple(walker.hidden))


def _css_hidden(soup: Any) -> set[int]:
    """ids of the elements a <style> rule hides (display:none or visibility:hidden)."""
    selectors: list[str] = []
    for style in soup.find_all("style"):
        css = _CSS_COMMENT.sub("", style.get_text())
        for selector, declarations in _CSS_RULE.findall(css):
            if _HIDDEN_STYLE.search(declarations.strip()) and not selector.lstrip().startswith("@"):
                selectors.extend(s.strip() for s in selector.split(",") if s.strip())
    hidden: set[int] = set()
    for selector in selectors:
        try:
            hidden.update(id(element) for element in soup.select(selector))
        except Exception:  # a selector soupsieve does not know (pseudo-elements, vendor syntax): not ours to judge
            continue
    return hidden


class _Walker:
    def __init__(self, hidden_by_css: set[int]) -> None:
        self.hidden_by_css = hidden_by_css
        self.hidden: list[tuple[str, str]] = []  # (reason, text), as Extracted.hidden

    def _hide(self, tag: Any) -> None:
        text = _SPACES.sub(" ", tag.get_text(" ")).strip()
        if text:
            self.hidden.append((HIDDEN, text))

    def _hidden(self, tag: Any) -> bool:
        if id(tag) in self.hidden_by_css or tag.has_attr("hidden"):
            return True
        style = tag.get("style")
        return isinstance(style, str) and bool(_HIDDEN_STYLE.search(style.strip()))

    def lines(self, root: Any, table_depth: int) -> list[str]:
        """The lines of `root`'s content, walked with an explicit stack (no recursion except
        into table rows, at most MAX_TABLE_DEPTH deep)."""
        from bs4.element import NavigableString, Tag

        out: list[str] = []
        buffer: list[str] = []
        pre = 0  # inside <pre>: keep line breaks

        def flush() -> None:
            line = "".join(buffer)
            buffer.clear()
            for part in line.split("\n"):
                part = _SPACES.sub(" ", part).strip()
                if part:
                    out.append(part)

        # The stack holds nodes to visit, and "close" markers (a tag name) for blocks to end.
        stack: list[Any] = list(reversed(root.contents))
        while stack:
            node = stack.pop()
            if isinstance(node, tuple):  # ("close", name)
                if node[1] == "pre":
                    pre -= 1
                flush()
                continue
            if isinstance(node, Tag):
                name = node.name.lower()
                if name in _SKIP:
                    continue
                if self._hidden(node):
                    self._hide(node)
                    continue
                if name == "tr" and table_depth < MAX_TABLE_DEPTH:
                    flush()
                    out.extend(self._row(node, table_depth + 1))
                    continue
                if name in _BLOCK:
                    flush()
                    if name == "li":
                        buffer.append(BULLET)
                    if name == "pre":
                        pre += 1
                    stack.append(("close", name))
                elif name in ("td", "th"):
                    buffer.append(" ")
                stack.extend(reversed(node.contents))
            elif type(node) is NavigableString or type(node).__name__ == "CData":
                text = str(node)
                buffer.append(text if pre else text.replace("\n", " "))
        flush()
        return out

    def _row(self, row: Any, table_depth: int) -> list[str]:
        """'a | b' when every cell is one line (a data table), else each cell's lines in turn."""
        from bs4 import Tag

        cells = []
        for cell in row.find_all(["td", "th"], recursive=False):
            if not isinstance(cell, Tag):
                continue
            if self._hidden(cell):
                self._hide(cell)
                continue
            lines = self.lines(cell, table_depth)
            if lines:
                cells.append(lines)
        if cells and all(len(lines) == 1 for lines in cells) and row.find("table") is None:
            return [" | ".join(lines[0] for lines in cells)]
        return [line for lines in cells for line in lines]
