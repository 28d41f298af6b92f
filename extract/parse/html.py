"""HTML (lxml) → one flow page: text blocks and ``<table>`` elements in document order.

Portals publish 情况说明 as web pages in UTF-8, GBK or GB2312 (read as GB18030, their superset); the
encoding is taken from a byte-order mark, the bytes themselves (valid UTF-8) or the page's ``<meta charset>``
/ ``http-equiv`` declaration (`detect_encoding`). A table that holds other tables, or is one column wide,
is page layout, not data: its cells are read as text. Locators are DOM paths (``/html/body/div[2]/p[3]``).
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

import lxml.html
from lxml import etree

from extract.model import join_wrapped
from extract.parse.containers import read_bounded
from extract.parse.document import DocumentError
from extract.parse.flow import MAX_TABLE_CELLS, FlowCell, FlowPage, FlowParagraph, FlowTable, table_from_cells

MAX_HTML_BYTES = 20 * 1024 * 1024
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w-]+)""", re.IGNORECASE)
_ENCODING_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "gb_2312-80": "gb18030"}
_SKIP = {"script", "style", "head", "noscript", "template", "select", "option", "button", "textarea", "iframe", "svg"}
_BLOCK = {
    "p", "div", "section", "article", "main", "header", "footer", "aside", "nav", "li", "ul", "ol", "dl", "dt", "dd",
    "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "center", "form", "fieldset", "address", "caption", "body",
    "table", "tr", "td", "th", "thead", "tbody", "tfoot",
}  # fmt: skip
_HEADING = re.compile(r"^h([1-6])$")
_SPACES = re.compile(r"[ \t\r\n\u3000\xa0]+")
MAX_SPAN = 1000


def detect_encoding(data: bytes) -> str:
    """The encoding of a page's bytes: a BOM; else UTF-8 when the bytes are valid UTF-8 with non-ASCII text
    in them (GBK text almost never is, and pages re-saved as UTF-8 often keep a gb2312 declaration); else
    the declared charset if it decodes the bytes; else GB18030 (the superset of GBK and GB2312)."""
    for bom, name in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return name
    try:
        data.decode("utf-8")
        valid_utf8 = True
    except UnicodeDecodeError:
        valid_utf8 = False
    if valid_utf8 and not data.isascii():
        return "utf-8"
    if m := _META_CHARSET.search(data[:8192]):
        declared = m.group(1).decode("ascii", "replace").lower()
        declared = _ENCODING_ALIASES.get(declared, declared)
        try:
            data.decode(declared)
            return declared
        except (LookupError, UnicodeDecodeError):
            pass  # an unknown or wrong declaration: the bytes decide
    if valid_utf8:
        return "utf-8"
    try:
        data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise DocumentError("cannot tell the page's encoding: it is neither UTF-8 nor GBK/GB2312/GB18030") from exc
    return "gb18030"


def _text(parts: list[str]) -> str:
    return _SPACES.sub(" ", "".join(parts)).strip()


def _span(element: etree._Element, name: str) -> int:
    try:
        return max(1, min(int(element.get(name, "1")), MAX_SPAN))
    except ValueError:
        return 1


def _rows(table: etree._Element) -> list[etree._Element]:
    """The table's own rows (directly or in thead/tbody/tfoot), not those of tables inside it."""
    return [tr for tr in table.iter("tr") if tr.getparent() is table or tr.getparent().getparent() is table]


def _is_layout(table: etree._Element) -> bool:
    """A table used for page layout, read as text: it holds other tables, or it is one column wide (a
    frame around an article)."""
    if table.find(".//table") is not None:
        return True
    return all(sum(1 for td in tr if td.tag in ("td", "th")) <= 1 for tr in _rows(table))


class _Walker:
    """Walks the DOM in document order, collecting paragraphs and data tables."""

    def __init__(self, tree: etree._ElementTree) -> None:
        self.tree = tree
        self.items: list[FlowParagraph | FlowTable] = []
        self.parts: list[str] = []
        self.owner: etree._Element | None = None
        """The block element the pending text belongs to (its DOM path is the locator)."""

    def flush(self) -> None:
        text = _text(self.parts)
        if text and self.owner is not None:
            tag = self.owner.tag if isinstance(self.owner.tag, str) else ""
            level = int(m.group(1)) if (m := _HEADING.match(tag)) else None
            bold = level is not None or tag in ("b", "strong")
            self.items.append(FlowParagraph(text, self.tree.getpath(self.owner), heading_level=level, bold=bold))
        self.parts = []

    def walk(self, element: etree._Element) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag in _SKIP or not tag:
            return
        if tag == "table" and not _is_layout(element):
            self.flush()
            if (table := self.table(element)) is not None:
                self.items.append(table)
            return
        if tag == "br":
            self.flush()
            return
        block = tag in _BLOCK
        if block:
            self.flush()
            self.owner = element
        if element.text:
            self.parts.append(element.text)
        for child in element:
            self.walk(child)
            if child.tail:
                if block and self.owner is not element and not self.parts:
                    self.owner = element
                self.parts.append(child.tail)
        if block:
            self.flush()

    def table(self, element: etree._Element) -> FlowTable | None:
        cells: list[FlowCell] = []
        occupied: set[tuple[int, int]] = set()
        rows = _rows(element)
        for r, tr in enumerate(rows):
            c = 0
            for td in tr:
                if td.tag not in ("td", "th"):
                    continue
                while (r, c) in occupied:
                    c += 1
                row_span, col_span = _span(td, "rowspan"), _span(td, "colspan")
                row_span = min(row_span, len(rows) - r)
                text = join_wrapped(_text([t]) for t in td.itertext() if _text([t]))
                cells.append(FlowCell(r, c, text, self.tree.getpath(td), row_span, col_span))
                occupied.update((r + dr, c + dc) for dr in range(row_span) for dc in range(col_span))
                if len(occupied) > MAX_TABLE_CELLS:
                    raise DocumentError(f"a table spanning more than {MAX_TABLE_CELLS:,} cells: not a disclosure table")
                c += col_span
        path = self.tree.getpath(element)
        return table_from_cells(cells, lambda r, c: f"{path}#r{r + 1}c{c + 1}") if cells else None


def read_html(path: Path) -> list[FlowPage]:
    data = read_bounded(path, MAX_HTML_BYTES)
    text = data.decode(detect_encoding(data))
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)  # lxml refuses a str that declares its own encoding
    try:
        root = lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError) as exc:
        raise DocumentError(f"cannot parse HTML: {exc}") from exc
    walker = _Walker(root.getroottree())
    body = root.find("body")
    walker.walk(body if body is not None else root)
    walker.flush()
    return [FlowPage(walker.items)]
