"""The narrative as a reviewer reads it: paragraphs in reading order, across line wraps, block
splits and page breaks, each able to point at the line that prints any of its characters.

The parser's blocks are visual: a paragraph may be cut into several blocks (a wrap the layout
took for a gap) and continue on the next page. A paragraph ends where its last line stops short
of the text's right edge, or where the next line starts a numbered item or heading. Pages of a
table of contents (flagged by the parser, or a page right after one that prints no sentence) are
not read.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field
from statistics import median

from extract.model import BBox, Document, Evidence, Page, TextLine, join_wrapped
from extract.reconcile.text import cn_to_int, line_evidence

MARKER = re.compile(
    r"^\s*(?:(?P<part>第[一二三四五六七八九十]+部分)|(?P<cn>[一二三四五六七八九十]+、)|(?P<pcn>[（(][一二三四五六七八九十]+[）)])"
    r"|(?P<num>\d{1,2}(?:、|[.．](?!\d)))|(?P<pnum>[（(]\d{1,2}[）)]))"
)
"""A numbered item at the start of a line: 第一部分, 一、, （一）, 1、 / 1. / 1．, （1）."""
LEVELS = ("part", "cn", "pcn", "num", "pnum")
"""Marker styles, outermost first (the usual nesting of a disclosure)."""
LEVEL_NAMES = {"part": "第X部分", "cn": "X、", "pcn": "（X）", "num": "N、/N.", "pnum": "（N）"}
SENTENCE_END = "。！？"
CLOSING = SENTENCE_END + "；：;:"
_COMMA = re.compile(r"[，；]|,(?!\d{3})")
_SHORT_OF_EDGE = 1.5
"""A line ending more than this many characters (font sizes) left of the right edge ends its paragraph."""
_GAP_LINES = 2.0
_UNBREAKABLE_EMS = 6.0
_CENTRED_EMS = 4.0
"""A line starting this far right of its paragraph's first line is a title or a label, not the next line."""
_LEADER = re.compile(r"\.{6,}|…{3,}|·{6,}|-{6,}")
_LATIN_START = re.compile(r"\s*[0-9A-Za-z%.,]")


@dataclass(frozen=True)
class Marker:
    style: str
    number: int
    printed: str


def read_marker(text: str) -> Marker | None:
    m = MARKER.match(text)
    if m is None:
        return None
    style = m.lastgroup or ""
    digits = re.sub(r"[^0-9一二三四五六七八九十]", "", m.group(style).removeprefix("第").removesuffix("部分"))
    number = int(digits) if digits.isdigit() else cn_to_int(digits)
    return Marker(style, number, m.group(style)) if number else None


@dataclass
class Paragraph:
    lines: list[TextLine] = field(default_factory=list)
    _starts: list[int] = field(default_factory=list)
    text: str = ""

    def add(self, line: TextLine) -> None:
        joined = join_wrapped([self.text, line.text]) if self.text else line.text
        self._starts.append(len(joined) - len(line.text))
        self.lines.append(line)
        self.text = joined

    @property
    def page(self) -> int:
        return self.lines[0].page

    @property
    def marker(self) -> Marker | None:
        return read_marker(self.text)

    def line_at(self, offset: int) -> TextLine:
        """The line printing character `offset` of the paragraph."""
        return self.lines[max(bisect_right(self._starts, offset) - 1, 0)]

    def evidence(self, role: str, offset: int | None = None) -> Evidence:
        return line_evidence(self.lines[0] if offset is None else self.line_at(offset), role)

    @property
    def read_by_ocr(self) -> bool:
        """Whether any of its lines was read from an image: OCR's line boxes and its 。，（） are not exact enough
        to judge punctuation or where a paragraph ends."""
        return any(line.confidence is not None for line in self.lines)

    def is_prose(self) -> bool:
        """A sentence, not a heading or a label: some length and a comma."""
        return len(self.text) >= 20 and bool(_COMMA.search(self.text))


def _toc_like(doc: Document) -> set[int]:
    """Pages of the table of contents, including a continuation page the parser did not flag."""
    pages: set[int] = set()
    for page in doc.pages:
        continues = page.number - 1 in pages and not any(re.search(r"[，。]", ln.text) for ln in page.lines)
        if page.is_toc or continues:
            pages.add(page.number)
    return pages


def right_edge(page: Page) -> float:
    """Where full lines of the page's text end (the median right end of its long lines)."""
    ends = [ln.bbox[2] for ln in page.lines if len(ln.text) >= 20]
    return median(ends) if ends else page.width


def _body_lines(doc: Document) -> Iterator[tuple[Page, TextLine]]:
    """Body lines in reading order. A contents page is skipped, except what it prints after its last
    dot-leader line (a page that holds the contents of an appendix and the start of its text)."""
    toc = _toc_like(doc)
    for page in doc.pages:
        lines = [ln for ln in page.lines if ln.text.strip()]
        if page.number in toc:
            leaders = [k for k, ln in enumerate(lines) if _LEADER.search(ln.text)]
            lines = lines[leaders[-1] + 1 :] if leaders else []
        for line in lines:
            yield page, line


def table_boxes(doc: Document) -> dict[int, list[BBox]]:
    """Per page, the box of each table printed on it (a table continued over pages has one on each)."""
    boxes: dict[int, list[BBox]] = {}
    for table in doc.tables:
        for page in table.pages:
            cells = [c.bbox for c in table.cells if c.page == page] or ([table.bbox] if page == table.page_start else [])
            if cells:
                box = (min(b[0] for b in cells), min(b[1] for b in cells), max(b[2] for b in cells), max(b[3] for b in cells))
                boxes.setdefault(page, []).append(box)
    return boxes


def paragraphs(doc: Document) -> list[Paragraph]:
    """The body's paragraphs in reading order (tables are not in the body's blocks)."""
    result: list[Paragraph] = []
    current: Paragraph | None = None
    tables = table_boxes(doc)
    edges: dict[int, float] = {}
    for page, line in _body_lines(doc):
        edge = edges.setdefault(page.number, right_edge(page))
        if current is None or _ends(current, line, edge, tables):
            current = Paragraph()
            result.append(current)
        current.add(line)
    return result


def _ends(paragraph: Paragraph, following: TextLine, edge: float, tables: dict[int, list[BBox]]) -> bool:
    """Whether `paragraph` ends before `following`: a numbered item follows; its last line stops short (unless
    a sentence goes on with a number or Latin word too wide to fit, "占" | "97.92%"); a gap wider than two lines
    (a table, a figure) or a table across a page break lies between."""
    last = paragraph.lines[-1]
    if last.locator is not None:
        return True  # a DOCX/HTML/sheet paragraph is one line laid out on a virtual page: it ends there
    if read_marker(following.text) or abs(following.font_size - last.font_size) > 0.5 or following.bold != last.bold:
        return True
    if following.bbox[0] - paragraph.lines[0].bbox[0] > _CENTRED_EMS * max(last.font_size, 1.0):
        return True
    shortfall = (edge - last.bbox[2]) / max(last.font_size, 1.0)
    unbreakable = paragraph.is_prose() and paragraph.text[-1:] not in CLOSING and _LATIN_START.match(following.text)
    if shortfall > _SHORT_OF_EDGE and not (unbreakable and shortfall < _UNBREAKABLE_EMS):
        return True
    if following.page != last.page:
        below = any(box[1] > last.bbox[3] for box in tables.get(last.page, []))
        above = any(box[3] < following.bbox[1] for box in tables.get(following.page, []))
        return below or above
    return following.bbox[1] - last.bbox[3] > _GAP_LINES * max(last.font_size, 1.0)
