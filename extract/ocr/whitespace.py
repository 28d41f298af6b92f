"""Tables printed without rulings, read into the same grid model as ruled ones.

Some disclosures print a table as aligned text: no ruling, only whitespace between the columns.
The grid model (`extract.tables.grid`) is built from rulings, so such a table would be read as
lines of text. `whitespace_rulings` draws the rulings the printer left out, on text that no
ruled grid covers:

* Rows are bands of text lines (`extract.parse.pdf.group_lines` already cuts a band at a gap of
  three characters). A band of two lines or more with an amount after its first line is a body
  row; a run of at least `MIN_BODY_ROWS` such rows, no further apart than `MAX_ROW_GAP_EM`
  line heights, with the bands right above it that have a line for every other column (its
  header), is a table.
* Columns are the gaps of at least `MIN_GAP_EM` characters that no character of any body row
  covers: a vertical ruling runs down the middle of each, one on each side of the table.
* A horizontal ruling runs between consecutive rows, one above the first and one below the last.
"""

from __future__ import annotations

from extract.parse.pdf import Char, RawLine, Segment, group_lines
from extract.tables.grid import find_grids
from extract.tables.text import parse_amount

MIN_BODY_ROWS = 3
"""Rows with amounts needed before aligned text is a table."""
MAX_ROW_GAP_EM = 2.5
"""Rows further apart than this many line heights belong to different blocks."""
MIN_GAP_EM = 1.0
"""A column gap is at least this many characters wide (a code and its name are set further apart than a word space)."""
MAX_HEADER_ROWS = 2
"""Rows without amounts kept above the body as its header (a 部门名称 / 金额单位 line above them is not)."""
PAD_EM = 0.3
"""The drawn frame stays this far outside the table's text."""


def whitespace_rulings(chars: list[Char], segments: list[Segment]) -> list[Segment]:
    """Rulings for the unruled tables among ``chars`` (points), outside every grid of ``segments``."""
    grids = [(g.xs[0], g.ys[0], g.xs[-1], g.ys[-1]) for g in find_grids(segments)]
    free = [c for c in chars if not c.text.isspace() and not any(_inside(c, grid) for grid in grids)]
    if not free:
        return []
    return [ruling for block in table_blocks(bands(group_lines(free))) for ruling in block_rulings(block)]


def bands(lines: list[RawLine]) -> list[list[RawLine]]:
    """Lines grouped into rows (a line whose centre lies within a row's height joins it), top to bottom."""
    rows: list[list[RawLine]] = []
    for line in sorted(lines, key=lambda ln: (ln.y0 + ln.y1) / 2):
        centre = (line.y0 + line.y1) / 2
        if rows and min(ln.y0 for ln in rows[-1]) <= centre <= max(ln.y1 for ln in rows[-1]):
            rows[-1].append(line)
        else:
            rows.append([line])
    return [sorted(row, key=lambda ln: ln.x0) for row in rows]


def is_body_row(row: list[RawLine]) -> bool:
    return len(row) >= 2 and any(parse_amount(line.text) is not None for line in row[1:])


def table_blocks(rows: list[list[RawLine]]) -> list[list[list[RawLine]]]:
    """Runs of body rows (with the header rows right above them) that make a table."""
    blocks: list[list[list[RawLine]]] = []
    current: list[list[RawLine]] = []
    for row in [*rows, []]:
        if current and row and len(row) >= 2 and _gap(current[-1], row) <= MAX_ROW_GAP_EM * _height(row):
            current.append(row)
            continue
        while current and not is_body_row(current[-1]):  # notes under the table
            current.pop()
        if sum(is_body_row(r) for r in current) >= MIN_BODY_ROWS:
            first = next(i for i, r in enumerate(current) if is_body_row(r))
            blocks.append(current[max(0, first - MAX_HEADER_ROWS) :])
        current = [row] if len(row) >= 2 else []
    return blocks


def block_rulings(block: list[list[RawLine]]) -> list[Segment]:
    """The frame, the column rulings down the body's gaps and the row rulings of one table."""
    body_chars = [c for row in block if is_body_row(row) for line in row for c in line.chars]
    size = sorted(c.size for c in body_chars)[len(body_chars) // 2]
    gaps = column_gaps(body_chars, MIN_GAP_EM * size)
    while not is_body_row(block[0]) and 2 * len(block[0]) <= len(gaps) + 1:  # a 公开表 number and unit line, no header
        block = block[1:]
    pad = PAD_EM * size
    left = min(line.x0 for row in block for line in row) - pad
    right = max(line.x1 for row in block for line in row) + pad
    tops = [min(line.y0 for line in row) for row in block]
    bottoms = [max(line.y1 for line in row) for row in block]
    ys = [tops[0] - pad, *((b + t) / 2 for b, t in zip(bottoms, tops[1:], strict=False)), bottoms[-1] + pad]
    xs = [left, *gaps, right]
    return [Segment(True, y, left, right) for y in ys] + [Segment(False, x, ys[0], ys[-1]) for x in xs]


def column_gaps(chars: list[Char], min_gap: float) -> list[float]:
    """Middles of the x-gaps at least ``min_gap`` wide that no char covers."""
    middles: list[float] = []
    covered_to = None
    for c in sorted(chars, key=lambda ch: ch.x0):
        if covered_to is not None and c.x0 - covered_to >= min_gap:
            middles.append((covered_to + c.x0) / 2)
        covered_to = c.x1 if covered_to is None else max(covered_to, c.x1)
    return middles


def _inside(char: Char, box: tuple[float, float, float, float]) -> bool:
    x, y = (char.x0 + char.x1) / 2, (char.y0 + char.y1) / 2
    return box[0] <= x <= box[2] and box[1] <= y <= box[3]


def _gap(upper: list[RawLine], lower: list[RawLine]) -> float:
    return min(line.y0 for line in lower) - max(line.y1 for line in upper)


def _height(row: list[RawLine]) -> float:
    return max(line.y1 for line in row) - min(line.y0 for line in row)
