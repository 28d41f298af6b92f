"""Page grids → `Table`s: title, number label, unit and notes from the text around each grid;
grids continued on the next page joined into one table; header rows → header paths; panels.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from extract.model import Cell, Panel, Table
from extract.parse.pdf import RawLine, min_confidence
from extract.tables.grid import Grid
from extract.tables.text import CODE, CODE_PART, find_unit, normalize, parse_amount

_NUMBER_LABEL = re.compile(r"(公开\s*\d+\s*表|附\s*表\s*[\d一二三四五六七八九十]+|表\s*[\d一二三四五六七八九十]+(?:-\d+)?)")
_TITLE_HINT = re.compile(r"(表|总表|明细|情况|预算|决算|经费|统计)")
_NOT_TITLE = re.compile(
    r"^(第[一二三四五六七八九十]+部分|编制(部门|单位)|单位[:：]|金额单位|部门名称|填报单位|预算单位|注[:：]|说明[:：]|填表人|填报日期|联系电话)"
)
_NOTE = re.compile(r"^(注[:：]|说明[:：]|备注|本表无数据|本表为空|无数据)")
_INDEX_ROW_LABEL = re.compile(r"^栏\s*次$")
_NEW_ITEM = re.compile(r"^(附件|附表|\d+[.．、](?!\d)|[（(][一二三四五六七八九十\d]+[)）]|[一二三四五六七八九十]+、)")
"""A line that starts an item of its own ("附件：", "2.", "（三）", "四、"): not the wrapped rest of a title."""
ABOVE_BAND = 110.0  # how far above a grid its title and unit line may be (points)
BELOW_BAND = 40.0


@dataclass
class PageTable:
    """One grid on one page, with the text printed around it."""

    page: int
    grid: Grid
    page_height: float
    title: str = ""
    number_label: str = ""
    unit: str | None = None
    notes: list[str] = field(default_factory=list)
    has_title_area: bool = False
    """True when title-like text sits above the grid (a new table, not a continuation)."""
    trailing_title: str = ""
    """A table title printed below the page's last grid: the next page's grid belongs to it."""
    prose_above: bool = False
    """Text other than a title, unit or 编制单位 line printed between the previous grid (or the top of the
    page) and this one: narrative, so this grid does not continue a table from the page before."""


def describe(page: int, grids: list[Grid], lines: list[RawLine], page_height: float) -> list[PageTable]:
    """Attach to each grid the title, number label, unit and notes printed around it."""
    tables: list[PageTable] = []
    prev_bottom = 0.0
    for i, grid in enumerate(grids):
        _x0, y0, _x1, y1 = grid.bbox
        next_top = grids[i + 1].ys[0] if i + 1 < len(grids) else page_height
        above = [ln for ln in lines if prev_bottom - 1 <= ln.y0 and ln.y1 <= y0 + 1 and y0 - ln.y1 <= ABOVE_BAND]
        below = [ln for ln in lines if ln.y0 >= y1 - 1 and ln.y1 <= next_top + 1 and ln.y0 - y1 <= BELOW_BAND]
        pt = PageTable(page=page, grid=grid, page_height=page_height)
        titles = []
        for ln in _join_wrapped_titles(above):
            text = normalize(ln.text)
            if (unit := find_unit(text)) and pt.unit is None:
                pt.unit = unit
            label = _NUMBER_LABEL.search(text)
            if label and not pt.number_label:
                pt.number_label = normalize(label.group(1))
            rest = _NUMBER_LABEL.sub("", text, count=1).lstrip("：:、. ") if label else text
            if rest and not _NOT_TITLE.match(rest) and _TITLE_HINT.search(rest) and not find_unit(rest):
                titles.append((bool(label) or rest.endswith("表"), ln.size, -abs(y0 - ln.y1), rest))
        if titles:
            pt.title = max(titles)[3]
        else:
            _title_inside(pt)
        pt.has_title_area = bool(pt.title or pt.number_label)
        pt.prose_above = any(_is_prose(normalize(ln.text)) for ln in lines if prev_bottom - 1 <= ln.y0 and ln.y1 <= y0 + 1)
        pt.notes = [normalize(ln.text) for ln in below if _NOTE.match(normalize(ln.text))]
        if i + 1 == len(grids):
            trailing = [normalize(ln.text) for ln in lines if ln.y0 >= y1 - 1 and _is_table_title(normalize(ln.text))]
            pt.trailing_title = trailing[-1] if trailing else ""
        if pt.unit is None:
            pt.unit = _unit_inside(grid)
        tables.append(pt)
        prev_bottom = y1
    return tables


def _is_prose(text: str) -> bool:
    return bool(text) and not (find_unit(text) or _NOT_TITLE.match(text) or "续" in text)


def _is_table_title(text: str) -> bool:
    return text.endswith("表") and not _NOT_TITLE.match(text) and not _NOTE.match(text) and len(text) <= 80


def _join_wrapped_titles(lines: list[RawLine]) -> list[RawLine]:
    """A long title wraps onto a second centred line of the same size: join the two."""
    out: list[RawLine] = []
    for ln in lines:
        prev = out[-1] if out else None
        if (
            prev is not None
            and abs(prev.size - ln.size) < 0.6
            and 0 <= ln.y0 - prev.y1 < 1.6 * ln.size
            and (abs((prev.x0 + prev.x1) - (ln.x0 + ln.x1)) < 4 * ln.size or abs(prev.x0 - ln.x0) < ln.size)
            and not _NOT_TITLE.match(normalize(prev.text))
            and not _NOT_TITLE.match(normalize(ln.text))
            and not _NEW_ITEM.match(normalize(ln.text))
            and not find_unit(ln.text)
        ):
            out[-1] = RawLine(prev.chars + ln.chars, min(prev.x0, ln.x0), prev.y0, max(prev.x1, ln.x1), ln.y1)
        else:
            out.append(ln)
    return out


def _title_inside(pt: PageTable) -> None:
    """Some producers put the title in the grid's first full-width rows."""
    for cell in pt.grid.cells:
        if cell.row > 2:
            break
        if cell.col_span != pt.grid.n_cols:
            continue
        text = normalize(cell.text)
        if not pt.title and _TITLE_HINT.search(text) and not _NOT_TITLE.match(text) and not find_unit(text):
            pt.title = text
        if (unit := find_unit(text)) and pt.unit is None:
            pt.unit = unit


def _unit_inside(grid: Grid) -> str | None:
    for cell in grid.cells[:6]:
        if cell.row <= 1 and (unit := find_unit(normalize(cell.text))):
            return unit
    return None


# ---------------------------------------------------------------- joining across pages


def _continues(prev: PageTable, nxt: PageTable, first_on_page: bool) -> bool:
    """A grid continues the previous page's last grid when it starts its page with no title of
    its own (or the same title, or "续") and no narrative above it, and has the same columns."""
    if nxt.page != prev.page + 1 or not first_on_page or (nxt.prose_above and not nxt.has_title_area):
        return False
    reaches_bottom = prev.grid.ys[-1] > 0.7 * prev.page_height
    if nxt.has_title_area and not ((nxt.title == prev.title and reaches_bottom) or "续" in nxt.title):
        return False
    if _column_map(prev.grid.xs, nxt.grid.xs) is None:
        # Different columns: only an untitled grid right after one that filled its page
        # (a form-like 绩效目标表 whose second half has its own column layout).
        return reaches_bottom and not nxt.has_title_area and prev.grid.ys[-1] > 0.85 * prev.page_height
    width_prev = prev.grid.xs[-1] - prev.grid.xs[0]
    width_next = nxt.grid.xs[-1] - nxt.grid.xs[0]
    return abs(width_prev - width_next) <= 0.05 * max(width_prev, width_next) + 4


def _column_map(xs: list[float], sub: list[float], tol: float = 3.0) -> list[int] | None:
    """Index in `xs` of each ruling in `sub`, if `sub`'s rulings are a subset of `xs`'s (a
    continuation whose rows merge some columns, e.g. a final 合计 row spanning code and name)."""
    out = []
    for x in sub:
        k = min(range(len(xs)), key=lambda i: abs(xs[i] - x))
        if abs(xs[k] - x) > tol:
            return None
        out.append(k)
    return out if out[0] == 0 and out[-1] == len(xs) - 1 else None


def join_pages(page_tables: list[PageTable]) -> list[list[PageTable]]:
    groups: list[list[PageTable]] = []
    seen_pages: set[int] = set()
    for pt in page_tables:
        first_on_page = pt.page not in seen_pages
        seen_pages.add(pt.page)
        prev = groups[-1][-1] if groups else None
        if prev is not None and prev.trailing_title and first_on_page and not pt.has_title_area:
            pt.title, pt.has_title_area = prev.trailing_title, True
        if prev is not None and _continues(prev, pt, first_on_page):
            groups[-1].append(pt)
        else:
            groups.append([pt])
    return groups


# ---------------------------------------------------------------- header rows and paths


def _is_index_row(texts: list[str]) -> bool:
    """The 栏次 row: "栏次 1 2 3 …" or just consecutive small integers."""
    if any(_INDEX_ROW_LABEL.match(t) for t in texts):
        return True
    nums = [t for t in texts if t]
    if len(nums) >= 3 and all(re.fullmatch(r"\d{1,2}", t) for t in nums):
        return [int(t) for t in nums] == list(range(int(nums[0]), int(nums[0]) + len(nums)))
    return False


def is_band_row(texts: list[str]) -> bool:
    """One text across the whole row: a section band ("一、政府采购情况") or a title line."""
    return len(texts) > 1 and bool(texts[0]) and all(t == texts[0] for t in texts)


def is_data_strip(table: Table) -> bool:
    """One row and no header: a chart's data pasted as a table ("列1 基本支出 项目支出 1797.04 1222.5 2019年 …",
    labels and values side by side), not a table of line items — its values have no column to be read under
    and its only label is the whole row. None of the 14 corpus PDFs' tables is one."""
    return table.n_rows == 1 and table.header_rows == 0


def _is_body_row(texts: list[str]) -> bool:
    if _is_index_row(texts) or is_band_row(texts):
        return False
    first = next((t for t in texts if t), "")
    rest = [t for t in texts[1:] if t and t != first]
    if CODE.match(first) or re.match(r"^[一二三四五六七八九十]+、", first):
        return True
    if re.match(r"^(合计|总计)$", first) and not rest:
        return True
    return any(parse_amount(t) is not None and not CODE_PART.fullmatch(t) for t in texts[1:] if t)


def count_header_rows(rows: list[list[str]]) -> int:
    for i, texts in enumerate(rows):
        if _is_body_row(texts):
            return i
    return len(rows)


def repeated_header_rows(rows: list[list[str]], header_texts: set[str]) -> int:
    """How many of a continuation grid's first rows are the table's header printed again.

    Only rows made of the first page's header texts (or a 栏次 row) count: a form-like table (绩效自评表)
    often continues with rows that are not body rows by `count_header_rows`'s measure — a goal's text, an
    indicator row whose only numbers are 分值 like "20" — and those are content, not a repeated header."""
    keys = {_header_key(text) for text in header_texts}
    count = 0
    for texts in rows[: count_header_rows(rows)]:
        printed = {key for text in texts if (key := _header_key(text))}
        if not printed or not (all(_is_header_text(key, keys) for key in printed) or _is_index_row(texts)):
            break
        count += 1
    return count if count < len(rows) else 0


def _header_key(text: str) -> str:
    """A header text without spaces and punctuation: a scan reads "经营收入." where the first page printed 经营收入."""
    return re.sub(r"[\W_]+", "", text)


def _is_header_text(key: str, header_keys: set[str]) -> bool:
    """The first page's header has this text, or one a scan read a little off: a character in four wrong (二级指杯
    for 二级指标) or at most half of it lost (行 for 行次)."""
    return key in header_keys or any(
        SequenceMatcher(None, key, h).ratio() >= 0.75 or (key in h and len(h) <= 2 * len(key)) for h in header_keys
    )


def column_paths(rows: list[list[str]], header_rows: int, n_cols: int) -> list[str]:
    paths = []
    for c in range(n_cols):
        parts: list[str] = []
        for r in range(header_rows):
            text = rows[r][c]
            full_width = all(rows[r][k] == text for k in range(n_cols))
            if not text or full_width or _is_index_row(rows[r]) or find_unit(text):
                continue
            if not parts or parts[-1] != text:
                parts.append(text)
        paths.append("/".join(parts))
    return paths


# ---------------------------------------------------------------- column roles and panels

_CODE_HEADER = re.compile(r"(编码|代码|编号|^类$|^款$|^项$)")
_INDEX_COLUMN = re.compile(r"(行次|栏次|序号)$")


def _consecutive(texts: list[str]) -> bool:
    """1, 2, 3, … (or 1.00, 2.00, …): a 行次 column printed without its header."""
    try:
        numbers = [float(t) for t in texts]
    except ValueError:
        return False
    steps = [b - a for a, b in itertools.pairwise(numbers)]
    return len(numbers) >= 4 and numbers[0] in (0, 1) and sum(step == 1 for step in steps) >= 0.8 * len(steps)


def column_roles(rows: list[list[str]], header_rows: int, paths: list[str], spanned: set[tuple[int, int]]) -> list[str]:
    """Each column is "index" (行次), "code", "label" or "value". ``spanned``: the (row, column) places a
    merged cell covers below its first row; a cell's text counts once, however many rows it spans (a form's
    "执行率分值（10）" beside four funding rows is one label, not four)."""
    roles = []
    body = [(r, row) for r, row in enumerate(rows) if r >= header_rows and not is_band_row(row)]
    for c, path in enumerate(paths):
        last = path.rsplit("/", 1)[-1]
        texts = [row[c] for r, row in body if row[c] and (r, c) not in spanned]
        numeric = [t for t in texts if parse_amount(t) is not None]
        if _INDEX_COLUMN.search(last) or _consecutive(texts):
            roles.append("index")
        elif _CODE_HEADER.search(last) or (
            texts
            and all(CODE.match(t) or not t[0].isdigit() for t in texts)
            and any(CODE.match(t) for t in texts)
            and "value" not in roles
            and "label" not in roles  # unlabelled codes come before the names
        ):
            roles.append("code")
        elif (texts and len(numeric) * 2 < len(texts)) or (not texts and re.search(r"(项目|名称|科目)$", last)):
            roles.append("label")
        else:
            roles.append("value")
    return roles


def find_panels(rows: list[list[str]], header_rows: int, roles: list[str]) -> list[Panel]:
    starts = [0]
    for c in range(1, len(roles)):
        if roles[c] in ("label", "code") and roles[c - 1] in ("value", "index"):
            starts.append(c)
    bounds = list(zip(starts, [*starts[1:], len(roles)], strict=True))
    if len(bounds) == 1:
        return [Panel(name="", col_start=0, col_end=len(roles))]
    panels = []
    for k, (start, end) in enumerate(bounds):
        # The group header over the panel ("收入", "人员经费"), if the header has one; a group
        # header may also run on over the next panels (the 公用经费 columns of 基本支出明细表).
        top = rows[0][start] if header_rows >= 2 else ""
        own = rows[header_rows - 1][start] if header_rows else ""
        name = top if top and top != own else f"panel{k + 1}"
        panels.append(Panel(name=name, col_start=start, col_end=end))
    return panels


# ---------------------------------------------------------------- assembly


def assemble(group: list[PageTable], table_id: str) -> Table:
    """Join the grids of one table (one or more pages) into a `Table`."""
    first = group[0]
    cells: list[Cell] = []
    row_offset = 0
    header_texts: set[str] = set()
    for k, pt in enumerate(group):
        grid = pt.grid
        rows = _grid_rows(grid)
        skip = 0
        if k == 0:
            header_texts = {text for row in rows[: count_header_rows(rows)] for text in row if text}
        else:
            skip = repeated_header_rows(rows, header_texts)
        cols = _column_map(first.grid.xs, grid.xs) or list(range(grid.n_cols + 1))
        for gc in grid.cells:
            if gc.row < skip:
                continue
            col = cols[gc.col]
            cells.append(
                Cell(
                    row=gc.row - skip + row_offset,
                    col=col,
                    row_span=gc.row_span,
                    col_span=cols[gc.col + gc.col_span] - col,
                    text=gc.text,
                    page=pt.page,
                    bbox=gc.bbox,
                    confidence=min_confidence(gc.chars),
                    value=gc.value,
                    locator=gc.locator,
                )
            )
        row_offset += grid.n_rows - skip
    n_cols = max(c.col + c.col_span for c in cells)
    rows = [[normalize(t) for t in row] for row in Table.text_grid(cells, row_offset, n_cols)]
    # Counted on the joined table: a form whose first page holds only its header-like rows (funding, goals)
    # has its header end on the next page, as it does in the same form read from a DOCX or a workbook.
    header_rows = count_header_rows(rows)
    for cell in cells:
        cell.is_header = cell.row < header_rows
    table = Table(
        table_id=table_id,
        title=first.title,
        number_label=first.number_label,
        pages=sorted({pt.page for pt in group}),
        bbox=first.grid.bbox,
        unit=first.unit or "",
        n_rows=row_offset,
        n_cols=n_cols,
        header_rows=header_rows,
        cells=cells,
        notes=[n for pt in group for n in pt.notes],
    )
    table.column_paths = column_paths(rows, header_rows, n_cols)
    spanned = {
        (r, c)
        for cell in cells
        for r in range(cell.row + 1, cell.row + cell.row_span)
        for c in range(cell.col, cell.col + cell.col_span)
    }
    table.column_roles = column_roles(rows, header_rows, table.column_paths, spanned)
    table.panels = find_panels(rows, header_rows, table.column_roles)
    return table


def _grid_rows(grid: Grid) -> list[list[str]]:
    rows = [["" for _ in range(grid.n_cols)] for _ in range(grid.n_rows)]
    for cell in grid.cells:
        text = normalize(cell.text)
        for r in range(cell.row, cell.row + cell.row_span):
            for c in range(cell.col, cell.col + cell.col_span):
                rows[r][c] = text
    return rows
