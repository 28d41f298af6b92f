"""Documents without printed pages (DOCX, XLSX/XLS, HTML) → the same `Document` as a PDF.

A format reader (`extract.parse.docx`, `.sheets`, `.html`) turns its file into `FlowPage`s: paragraphs
and tables in reading order, each with a locator (paragraph index, cell address, DOM path). Here they
are laid out on virtual A4 pages (`paginate`) — a paragraph is one line as tall as its text would wrap
to at `CHARS_PER_LINE`, a table row `ROW_HEIGHT` — so that the stages written for PDFs run unchanged: the
title, number label, unit and notes of a table are found by `extract.tables.build.describe` in the
paragraphs around it, header paths and panels by `assemble`, the section tree by `build_sections`
(which also honours the source's own heading markup), the metadata by `read_meta`.

A structured table is whole where its source has it, so tables are never joined across pages.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from extract import __version__
from extract.model import Document, Page, TextBlock, TextLine
from extract.parse.document import DocumentError
from extract.parse.layout import is_toc_entry, is_toc_title, read_toc
from extract.parse.meta import read_meta
from extract.parse.pdf import Char, RawLine
from extract.sections import build_sections
from extract.tables.build import assemble, describe
from extract.tables.grid import Grid, GridCell

BODY_SIZE = 10.5
"""Font size (points) of a paragraph whose source sets none."""
CHARS_PER_LINE = 40
"""Chinese characters per line of an A4 body: how tall a paragraph is laid out."""
LEADING = 1.6
PARAGRAPH_GAP = 2.0
"""Space before a paragraph, in its font size: more than the 1.6 lines within which `describe` joins
two lines into one wrapped title."""
MARGIN = 60.0
PAGE_WIDTH = 595.0
PAGE_HEIGHT = 842.0
COLUMN_WIDTH = 60.0
ROW_HEIGHT = 16.0
TABLE_GAP = 8.0
MAX_TABLE_CELLS = 250_000
"""Grid slots a table may have: a 公开表 has a few thousand."""
CAPTION_CHARS = 60
MAX_CAPTIONS = 4
"""The short lines above a table that a page break does not separate from it."""


_NARROW_SPACE = re.compile(r"(?<=\S) (?=\S)")


def as_read_from_print(text: str) -> str:
    """The text as `extract.parse.pdf.join_chars` reads it off a printed page: one space is narrower than
    half a character and is not read ("2022 年 6033.97 万元" → "2022年6033.97万元", as the taggers were
    trained on it); a wider gap (two spaces, a tab, a full-width space) reads as one space."""
    return re.sub(r"\s+", " ", _NARROW_SPACE.sub("", text)).strip()


@dataclass
class FlowParagraph:
    text: str
    locator: str
    heading_level: int | None = None
    bold: bool = False
    size: float = BODY_SIZE

    def __post_init__(self) -> None:
        self.text = as_read_from_print(self.text)


@dataclass
class FlowCell:
    row: int
    col: int
    text: str
    locator: str
    row_span: int = 1
    col_span: int = 1
    value: float | None = None
    """The number a spreadsheet cell holds; `text` is it as printed."""


@dataclass
class FlowTable:
    n_rows: int
    n_cols: int
    cells: list[FlowCell]
    """One per merged area or single cell, covering the grid (empty cells included)."""


FlowItem = FlowParagraph | FlowTable


@dataclass
class FlowPage:
    items: list[FlowItem] = field(default_factory=list)


def table_from_cells(cells: list[FlowCell], locate: Callable[[int, int], str]) -> FlowTable | None:
    """A grid from the cells a source holds, every slot a merged area does not cover filled with an
    empty cell (``locate(row, col)`` gives its locator); None for a table without text. A grid larger
    than `MAX_TABLE_CELLS` (spans of thousands of columns in a hostile page) is refused."""
    if not any(cell.text for cell in cells):
        return None
    n_rows = max(c.row + c.row_span for c in cells)
    n_cols = max(c.col + c.col_span for c in cells)
    if n_rows * n_cols > MAX_TABLE_CELLS:
        raise DocumentError(f"a table of {n_rows:,} × {n_cols:,} cells (limit {MAX_TABLE_CELLS:,}): not a disclosure table")
    covered = {
        (r, c)
        for cell in cells
        for r in range(cell.row, cell.row + cell.row_span)
        for c in range(cell.col, cell.col + cell.col_span)
    }
    blanks = [FlowCell(r, c, "", locate(r, c)) for r in range(n_rows) for c in range(n_cols) if (r, c) not in covered]
    return FlowTable(n_rows, n_cols, sorted([*cells, *blanks], key=lambda cell: (cell.row, cell.col)))


def _paragraph_gap(paragraph: FlowParagraph) -> float:
    """Space before a paragraph (`PARAGRAPH_GAP`)."""
    return paragraph.size * PARAGRAPH_GAP


def _paragraph_height(paragraph: FlowParagraph) -> float:
    return max(1, math.ceil(len(paragraph.text) / CHARS_PER_LINE)) * paragraph.size * LEADING


def _paragraph_line(paragraph: FlowParagraph, page: int, y: float) -> tuple[RawLine, TextLine]:
    """The paragraph as one line of the virtual page, its chars spread over the line's width."""
    text = paragraph.text
    height = _paragraph_height(paragraph)
    width = min(len(text), CHARS_PER_LINE) * paragraph.size
    step = width / max(len(text), 1)
    chars = [
        Char(ch, MARGIN + i * step, y, MARGIN + (i + 1) * step, y + height, paragraph.size, paragraph.bold)
        for i, ch in enumerate(text)
    ]
    raw = RawLine(chars, MARGIN, y, MARGIN + width, y + height)
    line = TextLine(
        text=text,
        page=page,
        bbox=(MARGIN, y, MARGIN + width, y + height),
        font_size=paragraph.size,
        bold=paragraph.bold,
        locator=paragraph.locator,
    )
    return raw, line


def _grid(table: FlowTable, y: float) -> Grid:
    xs = [MARGIN + c * COLUMN_WIDTH for c in range(table.n_cols + 1)]
    ys = [y + r * ROW_HEIGHT for r in range(table.n_rows + 1)]
    cells = [
        GridCell(
            cell.row,
            cell.col,
            cell.row_span,
            cell.col_span,
            (xs[cell.col], ys[cell.row], xs[cell.col + cell.col_span], ys[cell.row + cell.row_span]),
            source_text=cell.text,
            value=cell.value,
            locator=cell.locator,
        )
        for cell in table.cells
    ]
    return Grid(xs, ys, cells)


def _advance(item: FlowItem) -> float:
    """How far an item moves the layout down."""
    if isinstance(item, FlowTable):
        return item.n_rows * ROW_HEIGHT + 2 * TABLE_GAP
    return _paragraph_height(item) + _paragraph_gap(item)


def _caption_run(items: list[FlowItem]) -> int:
    """How many short paragraphs (title, number label, 单位 line) the items end with."""
    n = 0
    while n < MAX_CAPTIONS and n < len(items):
        item = items[-1 - n]
        if not isinstance(item, FlowParagraph) or len(item.text) > CAPTION_CHARS:
            break
        n += 1
    return n


def paginate(flow_page: FlowPage) -> list[list[FlowItem]]:
    """A source page cut into virtual A4 pages: a new one before a paragraph that would run past
    `PAGE_HEIGHT`, never before a table (it may run long); the short lines printed above a table (title,
    number label, 单位) go with it to its page; a table of contents (a 目录 line and the leader lines
    after it) gets a page of its own, as printed."""
    pages: list[list[FlowItem]] = [[]]
    y = MARGIN
    in_toc = False
    for item in flow_page.items:
        if isinstance(item, FlowTable):
            in_toc = False
            on_page = _caption_run(pages[-1])
            if len(pages) > 1 and on_page == len(pages[-1]) and on_page < MAX_CAPTIONS:
                carried = _caption_run(pages[-2])
                carried = min(carried, MAX_CAPTIONS - on_page, len(pages[-2]) - 1)
                if carried > 0:
                    moved = pages[-2][-carried:]
                    del pages[-2][-carried:]
                    pages[-1][:0] = moved
                    y += sum(_advance(m) for m in moved)
        else:
            starts_toc = is_toc_title(item.text)
            ends_toc = in_toc and not is_toc_entry(item.text)
            in_toc = starts_toc or (in_toc and not ends_toc)
            if pages[-1] and (y + _advance(item) > PAGE_HEIGHT - MARGIN or starts_toc or ends_toc):
                pages.append([])
                y = MARGIN
        pages[-1].append(item)
        y += _advance(item)
    return [items for items in pages if items]


def build_document(flow: list[FlowPage], doc_id: str, label: str, source_format: str) -> Document:
    """Lay the pages out and run the layout-level stages of `extract.parse.document` on them."""
    pages: list[Page] = []
    tables = []
    virtual = [items for flow_page in flow for items in paginate(flow_page)]
    for number, items in enumerate(virtual, start=1):
        y = MARGIN
        raw_lines: list[RawLine] = []
        blocks: list[TextBlock] = []
        grids: list[Grid] = []
        for k, item in enumerate(items):
            if isinstance(item, FlowParagraph):
                raw, line = _paragraph_line(item, number, y + (_paragraph_gap(item) if k else 0.0))
                raw_lines.append(raw)
                blocks.append(TextBlock(page=number, bbox=line.bbox, lines=[line], heading_level=item.heading_level))
                y = raw.y1
            else:
                grid = _grid(item, y + TABLE_GAP)
                grids.append(grid)
                y = grid.ys[-1] + TABLE_GAP
        height = max(PAGE_HEIGHT, y + MARGIN)
        width = max([PAGE_WIDTH, *(g.xs[-1] + MARGIN for g in grids)])
        pages.append(Page(number=number, width=width, height=height, blocks=blocks))
        tables.extend(describe(number, grids, raw_lines, height))
    doc = Document(doc_id=doc_id, path=label, source_format=source_format, pages=pages, parser_version=__version__)
    previous_is_toc = False
    for page in pages:
        entries = read_toc(page, continues_toc=previous_is_toc)
        page.is_toc = previous_is_toc = bool(entries)
        doc.toc.extend(entries)
    doc.tables = [assemble([table], f"t{k + 1:02d}") for k, table in enumerate(tables)]
    doc.sections = build_sections(pages)
    doc.meta = read_meta(pages, doc.tables, source=label)
    return doc
