"""Ruling segments → table grids → cells with text.

The approach of pdfplumber's "lines" strategy, written for speed: merge collinear
segments, group those that touch into one table region, take the distinct x and y
positions as the base grid, and merge neighbouring base cells where no ruling is drawn
between them (that is how merged header cells look on the page).
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from functools import cached_property

from extract.model import join_wrapped
from extract.parse.pdf import Char, Segment, group_lines, join_chars

SNAP = 2.0  # positions closer than this are the same ruling
JOIN = 3.0  # collinear pieces with a gap smaller than this are one ruling
COVER = 0.6  # a ruling separates two cells if it covers this share of their common edge


@dataclass
class GridCell:
    row: int
    col: int
    row_span: int
    col_span: int
    bbox: tuple[float, float, float, float]
    chars: list[Char] = field(default_factory=list)
    source_text: str | None = None
    """The text as a structured source (DOCX, sheet, HTML) holds it: such a cell has no chars."""
    value: float | None = None
    """The number a spreadsheet cell holds (`extract.model.Cell.value`)."""
    locator: str | None = None
    """Where a structured source holds the cell (`extract.model.Cell.locator`)."""

    @cached_property
    def text(self) -> str:
        """Read once the grid is filled (`fill_grid`); later stages ask for it many times."""
        return self.source_text if self.source_text is not None else cell_text(self.chars)


@dataclass(slots=True)
class Grid:
    xs: list[float]
    ys: list[float]
    cells: list[GridCell]

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        return (self.xs[0], self.ys[0], self.xs[-1], self.ys[-1])

    @property
    def n_rows(self) -> int:
        return len(self.ys) - 1

    @property
    def n_cols(self) -> int:
        return len(self.xs) - 1


def cell_text(chars: list[Char]) -> str:
    """Text of a cell: its lines top to bottom, joined without a break (CJK wraps mid-word)."""
    return join_wrapped(line.text for line in group_lines(chars))


def _merge_collinear(segments: list[Segment]) -> list[Segment]:
    """Pieces of one ruling (same orientation, positions within SNAP) that touch or nearly do, joined.

    Positions are clustered before the pieces are ordered along the line: rounding them
    (103.1 and 102.8 to different buckets) would put a lower piece after a higher one and
    swallow it into a piece it does not touch.
    """
    merged: list[Segment] = []
    for horizontal in (False, True):
        line: list[Segment] = []
        for seg in sorted((s for s in segments if s.horizontal == horizontal), key=lambda s: s.pos):
            if line and seg.pos - line[-1].pos > SNAP:
                merged.extend(_join_along(line))
                line = []
            line.append(seg)
        merged.extend(_join_along(line))
    return [s for s in merged if s.end - s.start > 2 * SNAP]


def _join_along(line: list[Segment]) -> list[Segment]:
    joined: list[Segment] = []
    for seg in sorted(line, key=lambda s: s.start):
        last = joined[-1] if joined else None
        if last is not None and seg.start <= last.end + JOIN:
            last.end = max(last.end, seg.end)
        else:
            joined.append(Segment(seg.horizontal, seg.pos, seg.start, seg.end))
    return joined


def _touches(h: Segment, v: Segment) -> bool:
    return h.start - SNAP <= v.pos <= h.end + SNAP and v.start - SNAP <= h.pos <= v.end + SNAP


def _regions(segments: list[Segment]) -> list[list[Segment]]:
    """Connected groups of segments: each is one candidate table."""
    hs = [s for s in segments if s.horizontal]
    vs = [s for s in segments if not s.horizontal]
    parent = list(range(len(hs) + len(vs)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    vs_sorted = sorted(range(len(vs)), key=lambda j: vs[j].pos)
    positions = [vs[j].pos for j in vs_sorted]
    for i, h in enumerate(hs):
        lo = bisect_right(positions, h.start - SNAP - 1e-9)
        for k in range(lo, len(positions)):
            if positions[k] > h.end + SNAP:
                break
            j = vs_sorted[k]
            if _touches(h, vs[j]):
                a, b = find(i), find(len(hs) + j)
                if a != b:
                    parent[a] = b
    groups: dict[int, list[Segment]] = {}
    for idx, seg in enumerate(hs + vs):
        groups.setdefault(find(idx), []).append(seg)
    return list(groups.values())


def _cluster(values: list[float]) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if out and v - out[-1] <= SNAP:
            continue
        out.append(v)
    return out


def _covered(segs: list[Segment], pos: float, lo: float, hi: float) -> bool:
    need = (hi - lo) * COVER
    total = 0.0
    for s in segs:
        if abs(s.pos - pos) <= SNAP:
            total += max(0.0, min(hi, s.end) - max(lo, s.start))
            if total >= need:
                return True
    return False


def build_grid(region: list[Segment]) -> Grid | None:
    hs = [s for s in region if s.horizontal]
    vs = [s for s in region if not s.horizontal]
    ys = _cluster([s.pos for s in hs])
    xs = _cluster([s.pos for s in vs])
    if len(ys) < 2 or len(xs) < 2:
        return None
    # Open-sided tables: rulings that run past the outermost vertical still bound a column.
    left, right = min(s.start for s in hs), max(s.end for s in hs)
    if xs[0] - left > 3 * SNAP:
        xs.insert(0, left)
    if right - xs[-1] > 3 * SNAP:
        xs.append(right)
    if xs[-1] - xs[0] < 20 or ys[-1] - ys[0] < 8:
        return None
    n_rows, n_cols = len(ys) - 1, len(xs) - 1
    parent = list(range(n_rows * n_cols))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    outer_v = {0, n_cols}
    for r in range(n_rows):
        for c in range(n_cols):
            i = r * n_cols + c
            if c + 1 < n_cols and (c + 1) not in outer_v and not _covered(vs, xs[c + 1], ys[r], ys[r + 1]):
                parent[find(i)] = find(i + 1)
            if r + 1 < n_rows and not _covered(hs, ys[r + 1], xs[c], xs[c + 1]):
                parent[find(i)] = find(i + n_cols)
    spans: dict[int, list[int]] = {}
    for r in range(n_rows):
        for c in range(n_cols):
            root = find(r * n_cols + c)
            box = spans.setdefault(root, [r, c, r, c])
            box[0], box[1] = min(box[0], r), min(box[1], c)
            box[2], box[3] = max(box[2], r), max(box[3], c)
    cells = [
        GridCell(r0, c0, r1 - r0 + 1, c1 - c0 + 1, (xs[c0], ys[r0], xs[c1 + 1], ys[r1 + 1])) for r0, c0, r1, c1 in spans.values()
    ]
    cells.sort(key=lambda cell: (cell.row, cell.col))
    return Grid(xs, ys, cells)


def find_grids(segments: list[Segment]) -> list[Grid]:
    grids = []
    for region in _regions(_merge_collinear(segments)):
        grid = build_grid(region)
        if grid is not None and (grid.n_rows >= 2 or grid.n_cols >= 2):
            grids.append(grid)
    grids.sort(key=lambda g: (g.ys[0], g.xs[0]))
    return grids


def fill_grid(grid: Grid, chars: list[Char]) -> list[Char]:
    """Put each char whose centre lies inside the grid into its cell; return the chars outside."""
    index: dict[tuple[int, int], GridCell] = {}
    for cell in grid.cells:
        for r in range(cell.row, cell.row + cell.row_span):
            for c in range(cell.col, cell.col + cell.col_span):
                index[(r, c)] = cell
    x0, y0, x1, y1 = grid.bbox
    outside: list[Char] = []
    for ch in chars:
        cx, cy = ch.cx, ch.cy
        if not (x0 <= cx <= x1 and y0 <= cy <= y1):
            outside.append(ch)
            continue
        c = min(max(bisect_right(grid.xs, cx) - 1, 0), grid.n_cols - 1)
        r = min(max(bisect_right(grid.ys, cy) - 1, 0), grid.n_rows - 1)
        index[(r, c)].chars.append(ch)
    return outside


__all__ = ["Grid", "GridCell", "build_grid", "cell_text", "fill_grid", "find_grids", "join_chars"]
