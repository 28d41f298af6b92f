"""Tiny PDF layout library for rendering realistic Chinese budget-disclosure fixtures.

Only pymupdf is used.  Text is drawn with the CJK font that ships inside pymupdf
(Droid Sans Fallback, ``pymupdf.Font("cjk")``); it is embedded and subset on save,
so ``page.get_text()`` returns the exact characters and the pages rasterise.

The pieces:

* :class:`Cell` / :class:`TableSpec` describe a ruled table: header rows with
  row/column spans (merged header cells get no interior border), body rows,
  title, ``公开NN表`` label, the ``编制单位 / 年度 / 金额单位`` line and notes.
* :class:`PdfWriter` is a flowing page writer: headings, wrapped paragraphs,
  a table of contents with dot leaders, tables that continue onto following
  pages with their header rows repeated, running page header and ``- N -``
  footer page numbers.
* :func:`column_paths`, :func:`parse_amount` and :func:`truth_item` help the
  fixture scripts describe what they rendered in the ``*.truth.json`` format.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pymupdf

FONT_NAME = "cjk"
FONT = pymupdf.Font(FONT_NAME)

A4 = (595.0, 842.0)
DEFAULT_MARGIN = (64.0, 62.0, 64.0, 60.0)  # left, top, right, bottom


def content_width(landscape: bool = False) -> float:
    """Width of the text area of an A4 page with the default margins."""
    return (A4[1] if landscape else A4[0]) - DEFAULT_MARGIN[0] - DEFAULT_MARGIN[2]


# table_type of 公开01表 … 公开10表 in a 部门决算 (index 0 = 公开01表).
FINAL_TABLE_TYPES = [
    "final.income_expenditure_summary",
    "final.income",
    "final.expenditure",
    "final.fiscal_grant_summary",
    "final.general_budget_expenditure",
    "final.general_budget_basic_expenditure",
    "final.three_public",
    "final.gov_fund",
    "final.state_capital",
    "final.other_info",
]

# Characters that must not start a line (避头) / end a line (避尾) in Chinese typesetting.
_NO_LINE_START = set("，。、；：？！）》」』”’%．.,;:)")
_NO_LINE_END = set("（《「『“‘(")
# Runs kept together when wrapping: numbers such as 1,234,567.89 and latin words.
_TOKEN_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9.,%\-]*|.", re.DOTALL)


_ADVANCE: dict[str, float] = {}


def text_width(text: str, size: float) -> float:
    """Width of ``text`` in points at font size ``size`` (per-character advances, cached)."""
    total = 0.0
    for ch in text:
        adv = _ADVANCE.get(ch)
        if adv is None:
            adv = _ADVANCE[ch] = FONT.text_length(ch, fontsize=1)
        total += adv
    return total * size


def wrap_text(text: str, width: float, size: float) -> list[str]:
    """Greedy line breaking for mixed Chinese/latin text.

    Numbers and latin words are kept whole when they fit on a line, and simple
    kinsoku rules keep closing punctuation off the start of a line (the last
    token of the line moves down with it) and opening brackets off its end.
    """
    lines: list[str] = []
    for para in text.split("\n"):
        tokens: list[str] = []  # tokens of the current line
        for token in _TOKEN_RE.findall(para):
            line = "".join(tokens)
            if not tokens and text_width(token, size) > width:
                # Token longer than a whole line: break it character-wise.
                for ch in token:
                    if tokens and text_width("".join(tokens) + ch, size) > width:
                        lines.append("".join(tokens))
                        tokens = []
                    tokens.append(ch)
                continue
            if not tokens or text_width(line + token, size) <= width:
                tokens.append(token)
                continue
            if len(tokens) > 1 and (token[0] in _NO_LINE_START or tokens[-1][-1] in _NO_LINE_END):
                lines.append("".join(tokens[:-1]))
                tokens = [tokens[-1], token]
            else:
                lines.append(line)
                tokens = [token]
        lines.append("".join(tokens))
    return lines


@dataclass
class Cell:
    """One table cell; ``colspan``/``rowspan`` > 1 makes a merged cell."""

    text: str = ""
    colspan: int = 1
    rowspan: int = 1
    align: str | None = None  # "left" | "center" | "right"; None: column default
    bold: bool = False


Row = list["Cell | str"]


@dataclass
class TableSpec:
    """A ruled table as printed in a disclosure document."""

    title: str
    header: list[Row]
    body: list[Row]
    col_widths: list[float]  # relative widths, scaled to the text area
    col_align: list[str]  # body alignment per column
    label: str | None = None  # e.g. "公开01表", printed right-aligned above the table
    info: tuple[str, str, str] | None = None  # left / centre / right line above the table
    notes: list[str] = field(default_factory=list)  # printed under the table
    font_size: float = 8.5
    landscape: bool = False
    min_row_height: float = 15.0


@dataclass
class _Placed:
    row: int
    col: int
    cell: Cell


def place_rows(rows: list[Row], ncols: int) -> list[_Placed]:
    """Lay cells of ``rows`` onto an ``ncols`` grid the way HTML tables do.

    Cells are placed left to right, skipping grid slots already covered by a
    row-spanning cell from a row above.
    """
    occupied: set[tuple[int, int]] = set()
    placed: list[_Placed] = []
    for r, row in enumerate(rows):
        c = 0
        for item in row:
            cell = Cell(item) if isinstance(item, str) else item
            while (r, c) in occupied:
                c += 1
            if c + cell.colspan > ncols:
                raise ValueError(f"row {r} overflows {ncols} columns: {row!r}")
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    occupied.add((r + dr, c + dc))
            placed.append(_Placed(r, c, cell))
            c += cell.colspan
    return placed


def column_paths(header: list[Row], ncols: int, skip_rows: int = 0, ignore: tuple[str, ...] = ("栏次",)) -> list[str]:
    """Header path (top-down texts joined by "/") of every column.

    ``skip_rows`` top rows are left out (they name panels such as 收入/支出, which
    the truth files record separately); cells whose text is in ``ignore`` (the
    栏次 row) or purely numeric are left out too.
    """
    parts: list[list[str]] = [[] for _ in range(ncols)]
    for p in sorted(place_rows(header, ncols), key=lambda p: (p.row, p.col)):
        text = p.cell.text
        if p.row < skip_rows or not text or text in ignore or parse_amount(text) is not None:
            continue
        for c in range(p.col, p.col + p.cell.colspan):
            parts[c].append(text)
    return ["/".join(x) for x in parts]


_AMOUNT_RE = re.compile(r"^-?[0-9][0-9,]*(\.[0-9]+)?$")


def parse_amount(raw: str) -> float | None:
    """``"1,234.50"`` -> 1234.5; None when ``raw`` is not a plain number."""
    raw = raw.strip()
    if not _AMOUNT_RE.match(raw):
        return None
    return float(raw.replace(",", ""))


def truth_item(panel: str | None, code: str | None, name: str, column: str, raw: str, unit_factor: float = 1.0) -> dict[str, Any]:
    """One truth-file item; ``unit_factor`` converts the printed unit to 元 (万元: 10000)."""
    value = parse_amount(raw)
    if value is None:
        raise ValueError(f"not an amount: {raw!r}")
    return {
        "panel": panel,
        "code": code,
        "name": name,
        "column": column,
        "value_yuan": round(value * unit_factor, 2),
        "raw": raw,
    }


class PdfWriter:
    """Flowing writer: keeps a cursor on the current page and adds pages as needed.

    Page numbers handed back by :meth:`table` and :meth:`page_number` are
    1-based physical page numbers; the printed footer number is the physical
    number minus ``footer_offset`` (the cover carries no number).
    """

    def __init__(
        self,
        running_header: str = "",
        margin: tuple[float, float, float, float] = DEFAULT_MARGIN,
        body_size: float = 11.0,
        footer_offset: int = 1,
    ) -> None:
        self.doc = pymupdf.open()
        self.running_header = running_header
        self.margin_left, self.margin_top, self.margin_right, self.margin_bottom = margin
        self.body_size = body_size
        self.footer_offset = footer_offset
        self.page: pymupdf.Page | None = None
        self.shape: Any = None  # line art and (fake) bold text of the current page
        self.writer: pymupdf.TextWriter | None = None  # regular text of the current page
        self.y = 0.0
        self.no_header_pages: set[int] = set()

    # ---------------------------------------------------------------- pages
    @property
    def width(self) -> float:
        assert self.page is not None
        return self.page.rect.width

    @property
    def bottom(self) -> float:
        assert self.page is not None
        return self.page.rect.height - self.margin_bottom

    @property
    def left(self) -> float:
        return self.margin_left

    @property
    def right(self) -> float:
        return self.width - self.margin_right

    def page_number(self) -> int:
        """Physical 1-based number of the current page."""
        return self.doc.page_count

    def printed_number(self, physical: int) -> int:
        return physical - self.footer_offset

    def _flush(self) -> None:
        if self.shape is not None:
            self.shape.commit()
            self.shape = None
        if self.writer is not None:
            assert self.page is not None
            self.writer.write_text(self.page)
            self.writer = None

    def _start(self, page: pymupdf.Page) -> None:
        self.page = page
        self.shape = page.new_shape()
        self.writer = pymupdf.TextWriter(page.rect)

    def new_page(self, landscape: bool = False, running_header: bool = True) -> pymupdf.Page:
        self._flush()
        w, h = A4
        if landscape:
            w, h = h, w
        page = self.doc.new_page(width=w, height=h)
        page.insert_font(fontname=FONT_NAME, fontbuffer=FONT.buffer)
        self._start(page)
        self.y = self.margin_top
        if not running_header:
            self.no_header_pages.add(self.page.number)
        return self.page

    def ensure_space(self, height: float) -> None:
        if self.page is None or self.y + height > self.bottom:
            self.new_page(landscape=self.page is not None and self.page.rect.width > self.page.rect.height)

    # ----------------------------------------------------------- primitives
    def text_at(self, x: float, baseline: float, text: str, size: float, bold: bool = False) -> None:
        """Draw one line of text with its baseline at ``baseline``.

        Regular text goes through a TextWriter (fast); the font has no bold face,
        so bold is faked with fill+stroke via ``Shape.insert_text`` (slow, rare).
        Pending text is flushed first so the content stream, and hence
        ``get_text()``, keeps the drawing order.
        """
        if bold:
            assert self.page is not None
            page = self.page
            self._flush()
            self._start(page)
            self.shape.insert_text(
                (x, baseline),
                text,
                fontname=FONT_NAME,
                fontsize=size,
                color=(0, 0, 0),
                fill=(0, 0, 0),
                render_mode=2,
                border_width=0.04,
            )
            self._flush()
            self._start(page)
        else:
            assert self.writer is not None
            self.writer.append((x, baseline), text, font=FONT, fontsize=size)

    def aligned_line(self, x0: float, x1: float, baseline: float, text: str, size: float, align: str, bold: bool = False) -> None:
        w = text_width(text, size)
        if align == "center":
            x = (x0 + x1 - w) / 2
        elif align == "right":
            x = x1 - w
        else:
            x = x0
        self.text_at(x, baseline, text, size, bold)

    def hline(self, x0: float, x1: float, y: float, width: float = 0.6) -> None:
        self.shape.draw_line((x0, y), (x1, y))
        self.shape.finish(color=(0, 0, 0), width=width)

    # ----------------------------------------------------------- flow text
    def spacer(self, height: float) -> None:
        self.y += height

    def centered(self, text: str, size: float, bold: bool = False, space_after: float = 6.0) -> None:
        lines = wrap_text(text, self.right - self.left, size)
        self.ensure_space(size * 1.4 * len(lines))
        for line in lines:
            self.y += size * 1.4
            self.aligned_line(self.left, self.right, self.y - size * 0.3, line, size, "center", bold)
        self.y += space_after

    def heading(self, text: str, level: int = 1) -> None:
        """Level 0: centred part title; 1: ``一、…``; 2: ``（一）…``."""
        if level == 0:
            self.ensure_space(60)
            self.spacer(8)
            self.centered(text, 16, bold=True, space_after=10)
            return
        size = {1: 12.5, 2: 11.5}.get(level, self.body_size)
        self.ensure_space(size * 3)
        self.spacer(size * 0.5)
        indent = size * 2
        for line in wrap_text(text, self.right - self.left - indent, size):
            self.y += size * 1.6
            self.text_at(self.left + indent, self.y - size * 0.35, line, size, bold=level == 1)
        self.y += size * 0.3

    def paragraph(self, text: str, size: float | None = None, indent_chars: int = 2, leading: float = 1.75) -> None:
        """Justified-looking paragraph with a two-character first-line indent."""
        size = size or self.body_size
        indent = size * indent_chars
        width = self.right - self.left
        # Wrap the first line with the indent, the rest at full width.
        first = wrap_text(text, width - indent, size)
        lines = [first[0]]
        rest = text[len(first[0]) :]
        if rest:
            lines += wrap_text(rest, width, size)
        for i, line in enumerate(lines):
            self.ensure_space(size * leading)
            self.y += size * leading
            self.text_at(self.left + (indent if i == 0 else 0), self.y - size * 0.45, line, size)
        self.y += size * 0.3

    def toc(self, entries: list[tuple[str, str, int]], size: float = 11.5) -> None:
        """Table of contents lines ``(text, page_label, level)`` joined by dot leaders."""
        dot_w = text_width(".", size)
        for text, page_label, level in entries:
            self.ensure_space(size * 2)
            self.y += size * 2
            x = self.left + (size * 2 if level else 0)
            base = self.y - size * 0.4
            self.text_at(x, base, text, size, bold=level == 0)
            if not page_label:
                continue
            pw = text_width(page_label, size)
            start = x + text_width(text, size) + 3
            n = int((self.right - pw - 3 - start) / dot_w)
            if n > 0:
                self.text_at(self.right - pw - 3 - n * dot_w, base, "." * n, size)
            self.text_at(self.right - pw, base, page_label, size)

    # --------------------------------------------------------------- tables
    def table(self, spec: TableSpec, new_page: bool = True) -> tuple[int, int]:
        """Draw ``spec``; returns the first and last physical page numbers it occupies."""
        ncols = len(spec.col_widths)
        if new_page or self.page is None:
            landscape_now = self.page is not None and self.page.rect.width > self.page.rect.height
            # Reuse a page that only carries a part heading so far (e.g. "第二部分 …").
            if self.page is None or self.y > self.margin_top + 70 or landscape_now != spec.landscape:
                self.new_page(landscape=spec.landscape)
        size = spec.font_size
        # Title block: title, then label (right), then the info line.
        self.ensure_space(120)
        self.spacer(4)
        if spec.title:
            self.centered(spec.title, 15, bold=True, space_after=2)
        if spec.label:
            self.y += 13
            self.aligned_line(self.left, self.right, self.y - 2, spec.label, 9.5, "right")
        if spec.info:
            self.y += 14
            left, mid, right = spec.info
            for text, align in ((left, "left"), (mid, "center"), (right, "right")):
                if text:
                    self.aligned_line(self.left, self.right, self.y - 3, text, 9.5, align)
        self.y += 3
        first_page = self.page_number()

        total = sum(spec.col_widths)
        avail = self.right - self.left
        xs = [self.left]
        for w in spec.col_widths:
            xs.append(xs[-1] + avail * w / total)

        header = place_rows(spec.header, ncols)
        body = place_rows(spec.body, ncols)
        for p in body:
            if p.cell.rowspan != 1:
                raise ValueError("row spans are only supported in header rows")
        header_h = self._row_heights(header, len(spec.header), xs, size, spec.min_row_height)
        body_h = self._row_heights(body, len(spec.body), xs, size, spec.min_row_height)
        body_by_row: dict[int, list[_Placed]] = {}
        for p in body:
            body_by_row.setdefault(p.row, []).append(p)

        def draw_header() -> None:
            top = self.y
            self._draw_cells(header, header_h, top, xs, size, ["center"] * ncols, header=True)
            self.y = top + sum(header_h)

        min_first = sum(header_h) + (body_h[0] if body_h else 0)
        self.ensure_space(min_first)
        draw_header()
        for r, h in enumerate(body_h):
            if self.y + h > self.bottom:
                self.new_page(landscape=spec.landscape)
                draw_header()
            row_cells = [_Placed(0, p.col, p.cell) for p in body_by_row.get(r, [])]
            self._draw_cells(row_cells, [h], self.y, xs, size, spec.col_align, header=False)
            self.y += h
        self.y += 4
        for note in spec.notes:
            lines = wrap_text(note, self.right - self.left, 9)
            for line in lines:
                self.ensure_space(14)
                self.y += 14
                self.text_at(self.left, self.y - 3, line, 9)
        self.y += 6
        return first_page, self.page_number()

    @staticmethod
    def _cell_lines(p: _Placed, xs: list[float], size: float) -> list[str]:
        width = xs[p.col + p.cell.colspan] - xs[p.col] - 5
        return wrap_text(p.cell.text, max(width, size), size) if p.cell.text else []

    def _row_heights(self, placed: list[_Placed], nrows: int, xs: list[float], size: float, min_h: float) -> list[float]:
        leading = size * 1.3
        heights = [min_h] * nrows
        spanning = []
        for p in placed:
            need = len(self._cell_lines(p, xs, size)) * leading + 5
            if p.cell.rowspan == 1:
                heights[p.row] = max(heights[p.row], need)
            else:
                spanning.append((p, need))
        for p, need in spanning:
            rows = range(p.row, p.row + p.cell.rowspan)
            have = sum(heights[r] for r in rows)
            if need > have:
                heights[rows[-1]] += need - have
        return heights

    def _draw_cells(
        self,
        placed: list[_Placed],
        heights: list[float],
        top: float,
        xs: list[float],
        size: float,
        aligns: list[str],
        header: bool,
    ) -> None:
        ys = [top]
        for h in heights:
            ys.append(ys[-1] + h)
        leading = size * 1.3
        segments: set[tuple[float, float, float, float]] = set()
        for p in placed:
            x0, x1 = xs[p.col], xs[p.col + p.cell.colspan]
            y0, y1 = ys[p.row], ys[p.row + p.cell.rowspan]
            segments.update({(x0, y0, x1, y0), (x0, y1, x1, y1), (x0, y0, x0, y1), (x1, y0, x1, y1)})
            lines = self._cell_lines(p, xs, size)
            align = p.cell.align or aligns[p.col]
            base = (y0 + y1) / 2 - len(lines) * leading / 2 + leading * 0.78
            for i, line in enumerate(lines):
                self.aligned_line(x0 + 2.5, x1 - 2.5, base + i * leading, line, size, align, p.cell.bold)
        # Also close the grid where a row has no cell in some column (ragged rows).
        covered = {c for p in placed for c in range(p.col, p.col + p.cell.colspan)}
        for c in range(len(xs) - 1):
            if c not in covered and not header:
                segments.update(
                    {
                        (xs[c], ys[0], xs[c + 1], ys[0]),
                        (xs[c], ys[-1], xs[c + 1], ys[-1]),
                        (xs[c], ys[0], xs[c], ys[-1]),
                        (xs[c + 1], ys[0], xs[c + 1], ys[-1]),
                    }
                )
        for x0, y0, x1, y1 in sorted(segments):
            self.shape.draw_line((x0, y0), (x1, y1))
        self.shape.finish(color=(0, 0, 0), width=0.5)

    # --------------------------------------------------------------- finish
    def save(self, path: str | Path) -> None:
        """Add running headers and footers, subset the font and write ``path``."""
        self._flush()
        for page in self.doc:
            if page.number < self.footer_offset:
                continue
            self._start(page)
            w, h = page.rect.width, page.rect.height
            if self.running_header and page.number not in self.no_header_pages:
                self.aligned_line(self.margin_left, w - self.margin_right, 40, self.running_header, 8.5, "center")
                self.hline(self.margin_left, w - self.margin_right, 45, 0.5)
            label = f"- {self.printed_number(page.number + 1)} -"
            self.aligned_line(0, w, h - 30, label, 9.5, "center")
            self._flush()
        self.doc.subset_fonts()
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.doc.save(str(path), garbage=4, deflate=True, no_new_id=True)


def _grid(rows: list[Row], ncols: int) -> list[list[str]]:
    """Text of every grid slot; slots covered by a merged cell repeat its text."""
    grid = [[""] * ncols for _ in rows]
    for p in place_rows(rows, ncols):
        for dr in range(p.cell.rowspan):
            for dc in range(p.cell.colspan):
                grid[p.row + dr][p.col + dc] = p.cell.text
    return grid


def table_truth(
    spec: TableSpec,
    roles: list[str],
    panels: list[tuple[str | None, int, int]] | None = None,
    panel_header_rows: int = 0,
    unit_factor: float = 1.0,
    default_name: str = "",
    skip_sections: tuple[str, ...] = (),
) -> list[dict[str, Any]]:
    """Truth items for every non-empty amount cell of ``spec``'s body.

    ``roles`` gives each column's role: ``code`` (several code columns, e.g.
    类/款/项, are concatenated), ``name``, ``line`` (行次, not an amount) or
    ``amount``.  ``panels`` are ``(name, first_col, end_col)`` column groups
    (side-by-side panels such as 收入 | 支出); code and name are looked up in
    the amount's own group.  The top ``panel_header_rows`` header rows name
    the panels and are left out of the column paths.

    A body row whose single cell spans the full width starts a section (its
    text becomes the panel of the following rows unless the column group has a
    name); a body row with text but no amounts in the amount columns is a
    sub-header that renames those columns.  Sections in ``skip_sections``
    (e.g. vehicle counts, which are not money) produce no items.
    """
    ncols = len(spec.col_widths)
    panels = panels or [(None, 0, ncols)]
    paths = column_paths(spec.header, ncols, skip_rows=panel_header_rows)
    placed = place_rows(spec.body, ncols)
    grid = _grid(spec.body, ncols)
    origin = {(p.row, p.col) for p in placed}
    section: str | None = None
    items: list[dict[str, Any]] = []
    for r, row in enumerate(grid):
        cells = [p for p in placed if p.row == r]
        if len(cells) == 1 and cells[0].cell.colspan == ncols:
            section = cells[0].cell.text
            continue
        amount_cols = [c for c in range(ncols) if roles[c] == "amount" and (r, c) in origin and row[c]]
        if amount_cols and all(parse_amount(row[c]) is None for c in amount_cols):
            for c in amount_cols:  # sub-header row such as "项目 行次 采购金额"
                paths[c] = row[c]
            continue
        if section in skip_sections:
            continue
        for c in amount_cols:
            pname, start, end = next(p for p in panels if p[1] <= c < p[2])
            group = range(start, end)
            codes = [row[g] for g in group if roles[g] == "code" and (r, g) in origin and row[g].isdigit()]
            names = [row[g] for g in group if roles[g] in ("code", "name") and row[g] and not row[g].isdigit()]
            items.append(
                truth_item(
                    pname if pname is not None else section,
                    "".join(codes) or None,
                    names[0] if names else default_name,
                    paths[c],
                    row[c],
                    unit_factor,
                )
            )
    return items
