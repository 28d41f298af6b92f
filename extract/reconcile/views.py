"""Read-only views over a Document's line items, addressed by code, row name and header path.

Checks never look at positions: a value is found by (table, panel, row identity, column
header path). A `TableView` is one panel of one table. It also knows which cells are
printed blank, so that a blank sibling counts as 0 (within its printed precision) while a
cell the parser could not read makes the identity not checkable rather than wrong.

Panels of one name are never merged row by row: a list printed on across same-named panels
with the same columns (公用经费 in three panels) is one view whose rows are read panel after
panel; same-named panels with other columns (支出 by 功能分类 | by 支出用途) are views of their
own, each reading a total printed once across both where that total's amount stands.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from extract.model import Cell, Document, Evidence, LineItem, Table
from extract.reconcile.intervals import Interval, half_width_of, is_blank, parse_printed

_SPACES = re.compile(r"\s+")
_NUMBERING = re.compile(
    r"^(?:[一二三四五六七八九十百]+[、.．]|[（(][一二三四五六七八九十百\d]+[)）]|\d+[.、．](?!\d)|其中[:：]?)+"
)
_LEVEL_SUFFIX = re.compile(r"[（(](?:类|款|项)[)）]$")
_CODE = re.compile(r"^[1-9]\d{2}(?:\d{2}){0,2}$")
_NON_AMOUNT_SEGMENT = re.compile(r"行次|栏次|编码|科目名称|备注|单位名称|%|率|比重|占比")
_TOTAL_SEGMENT = re.compile(r"^(?:合计|小计|总计)$|合计$")

TABLE_NAMES: dict[str, tuple[str, str]] = {
    "income_expenditure_summary": ("收入支出{k}总表", "income & expenditure summary"),
    "income": ("收入{k}表", "income table"),
    "expenditure": ("支出{k}表", "expenditure table"),
    "fiscal_grant_summary": ("财政拨款收入支出{k}总表", "fiscal-grant summary"),
    "general_budget_expenditure": (
        "一般公共预算财政拨款支出{k}表",
        "general-budget expenditure table",
    ),
    "general_budget_basic_expenditure": (
        "一般公共预算财政拨款基本支出{k}表",
        "basic expenditure table",
    ),
    "three_public": ("“三公”经费支出{k}表", "three-public-expenses table"),
    "gov_fund": ("政府性基金预算财政拨款{k}表", "government-fund table"),
    "state_capital": ("国有资本经营预算财政拨款{k}表", "state-capital table"),
    "other_info": ("相关信息统计表", "other information table"),
}
_FAMILY = {"final": ("决算", "final-accounts"), "budget": ("预算", "budget")}
FISCAL_TABLES = frozenset(
    {
        "fiscal_grant_summary",
        "general_budget_expenditure",
        "general_budget_basic_expenditure",
        "three_public",
        "gov_fund",
        "state_capital",
    }
)
"""Tables that cover 财政拨款 only; the others cover all funds."""


def norm(text: str) -> str:
    """NFKC (full-width → ASCII), no whitespace, curly quotes dropped."""
    s = unicodedata.normalize("NFKC", text)
    return _SPACES.sub("", s).replace("“", "").replace("”", "").replace('"', "")


def bare_name(name: str) -> str:
    """A row label without numbering ("八、", "（一）", "其中：") or a "(类)" suffix."""
    return _LEVEL_SUFFIX.sub("", _NUMBERING.sub("", norm(name)))


def split_path(path: str) -> tuple[str, ...]:
    return tuple(seg for seg in (norm(s) for s in path.split("/")) if seg)


def is_total_segment(segment: str) -> bool:
    seg = norm(segment)
    return not seg.startswith("其中") and _TOTAL_SEGMENT.search(seg) is not None


def is_amount_path(path: str) -> bool:
    segments = split_path(path)
    if not segments or segments[-1] == "项目":
        return False
    return not any(_NON_AMOUNT_SEGMENT.search(seg) for seg in segments)


def is_code(text: str) -> bool:
    return _CODE.match(text) is not None


def split_table_type(table_type: str) -> tuple[str, str]:
    """ "final.expenditure" → ("final", "expenditure")."""
    family, _, kind = table_type.partition(".")
    return (family, kind) if kind else ("", family)


def table_label(table_type: str, title: str = "") -> tuple[str, str]:
    """(zh, en) display names of a table type; the printed title wins for Chinese."""
    family, kind = split_table_type(table_type)
    zh_family, en_family = _FAMILY.get(family, ("", ""))
    zh, en = TABLE_NAMES.get(kind, (kind, kind))
    zh = norm(title) or zh.format(k=zh_family)
    return zh, f"{en_family} {en}".strip()


@dataclass(frozen=True)
class Operand:
    """One printed value taking part in a check."""

    label: str
    """Where it is, for people: "208 社会保障和就业支出 · 本年支出合计"."""
    value: float
    """In 元, as printed (0 for a blank cell)."""
    interval: Interval
    evidence: Evidence
    blank: bool = False


@dataclass
class RowInfo:
    row: int
    code: str | None
    name: str

    @property
    def label(self) -> str:
        return f"{self.code} {self.name}" if self.code else self.name


Span = tuple[int, int]
"""A column range [start, end) of a table."""


@dataclass
class TableView:
    """One panel of one table: rows (with code and name) × amount columns (header paths)."""

    table_id: str
    table_type: str
    panel: str
    table: Table | None
    items: list[LineItem]
    segments: tuple[Span, ...] = ()
    """The column ranges read as this view, in reading order. Empty: the panel named `panel`
    (else the whole table). Several: one list printed on in same-named side-by-side panels
    with the same columns (the 公用经费 list of a 基本支出表 in three panels); each panel's
    rows stay rows of their own, in reading order, never merged with their neighbours'."""
    siblings: tuple[Span, ...] = ()
    """Same-named panels beside this one with other columns (支出: 功能分类 | 支出用途)."""
    spill: list[LineItem] = field(default_factory=list)
    """The siblings' line items. A row whose label is printed across this panel's amount cell
    (a 小计/合计 shared by both breakdowns) has its amount in the sibling's column of that name."""
    rows: dict[int, RowInfo] = field(default_factory=dict)
    columns: list[str] = field(default_factory=list)
    _at: dict[tuple[int, str], LineItem] = field(default_factory=dict)
    _ambiguous: set[tuple[int, str]] = field(default_factory=set)
    _col_of: dict[tuple[int, str], int | None] = field(default_factory=dict)
    _cells: dict[tuple[int, int], Cell] = field(default_factory=dict)
    _blank_half: float = 0.0
    _segs: list[range] = field(default_factory=list)
    _stride: int = 0
    _shared: dict[int, int] = field(default_factory=dict)
    """Rows printed across several segments (a 合计 under the whole list) → their segment."""
    _redirect: dict[tuple[int, str], int] = field(default_factory=dict)
    _spill_at: dict[tuple[int, int], LineItem] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.items = [i for i in self.items if is_amount_path(i.column) and not _is_code_echo(i)]
        self.spill = [i for i in self.spill if is_amount_path(i.column) and not _is_code_echo(i)]
        self._segs = self._segment_ranges()
        rows_seen = [i.row for i in self.items]
        self._stride = max(self.table.n_rows, 1) if self.table is not None else max(rows_seen, default=0) + 1
        if self.table is not None:
            self._index_table(self.table)
            if len(self._segs) > 1:
                self._find_shared_rows(self.table)
        self._index_items()
        if self.table is not None:
            self._rows_from_grid(self.table)
            if self.siblings:
                self._index_redirects(self.table)
        self._blank_half = _modal_half_width(self.items)

    # -- construction -------------------------------------------------------------------

    def _segment_ranges(self) -> list[range]:
        if self.segments:
            return [range(a, b) for a, b in self.segments]
        table = self.table
        if table is None:
            return [range(0)]
        panel = next((p for p in table.panels if p.name == self.panel), None)
        return [range(panel.col_start, panel.col_end) if panel else range(table.n_cols)]

    def _seg_of(self, col: int) -> int:
        return next((k for k, seg in enumerate(self._segs) if col in seg), 0)

    def _key(self, row: int, col: int) -> int:
        """The view's row key of a table cell: the table row, or its place in the printed-on list."""
        if len(self._segs) < 2:
            return row
        k = self._shared.get(row, self._seg_of(col))
        return k * self._stride + row

    def _origin(self, key: int) -> tuple[int, int]:
        """(table row, segment) of a row key."""
        if len(self._segs) < 2:
            return key, 0
        return key % self._stride, key // self._stride

    def _roles(self, table: Table) -> list[str]:
        return table.column_roles if len(table.column_roles) == table.n_cols else []

    def _index_items(self) -> None:
        for item in sorted(self.items, key=lambda i: (i.row, i.col)):
            row = self._key(item.row, item.col)
            key = (row, "/".join(split_path(item.column)))
            if key in self._at and self._at[key].col != item.col:
                self._ambiguous.add(key)
            self._at.setdefault(key, item)
            if key[1] not in self.columns:
                self.columns.append(key[1])
            info = self.rows.get(row)
            if info is None or (info.code is None and item.code):
                self.rows[row] = RowInfo(row, item.code, item.name)

    def _index_table(self, table: Table) -> None:
        for cell in table.cells:
            for r in range(cell.row, cell.row + cell.row_span):
                for c in range(cell.col, cell.col + cell.col_span):
                    self._cells.setdefault((r, c), cell)
        roles = self._roles(table)
        for k, seg in enumerate(self._segs):
            for c in seg:
                if c >= len(table.column_paths):
                    continue
                path = "/".join(split_path(table.column_paths[c]))
                if (roles and roles[c] != "value") or not is_amount_path(path):
                    continue
                # A path printed twice in one panel cannot be told apart: no blank lookups.
                self._col_of[(k, path)] = None if (k, path) in self._col_of else c
                if path not in self.columns:
                    self.columns.append(path)

    def _find_shared_rows(self, table: Table) -> None:
        """Rows whose label runs over several segments (the list's 合计) belong to one of them:
        the segment where their amounts are printed."""
        for cell in table.cells:
            k = self._seg_of(cell.col)
            if cell.col not in self._segs[k] or cell.col + cell.col_span <= self._segs[k].stop:
                continue
            for r in range(cell.row, cell.row + cell.row_span):
                if r < table.header_rows:
                    continue
                amounts = [i.col for i in self.items if i.row == r]
                self._shared[r] = self._seg_of(max(amounts)) if amounts else self._seg_of(cell.col + cell.col_span - 1)

    def _rows_from_grid(self, table: Table) -> None:
        """Rows with no line item (all blank) still have a code or name worth knowing."""
        roles = self._roles(table)
        known_codes = {info.code for info in self.rows.values() if info.code}
        for k, seg in enumerate(self._segs):
            label_cols = [c for c in seg if not roles or roles[c] in ("code", "label")]
            for r in range(table.header_rows, table.n_rows):
                if self._shared.get(r, k) != k:
                    continue
                key = self._key(r, seg.start) if seg else r
                if key in self.rows:
                    continue
                texts = [norm(self._cells[(r, c)].text) for c in label_cols if (r, c) in self._cells]
                texts = [t for t in texts if t and (parse_printed(t) is None or is_code(t))]
                if not texts or texts[0] == "栏次":
                    continue
                code = texts[0] if is_code(texts[0]) and texts[0] not in known_codes else None
                name = next((t for t in texts if not is_code(t)), "")
                if code or name:
                    self.rows[key] = RowInfo(key, code, bare_name(name))

    def _index_redirects(self, table: Table) -> None:
        """Amount cells covered by a label printed across into a sibling panel: read the sibling's
        amount column of the same name on that row instead."""
        roles = self._roles(table)
        own = self._segs[0]
        sibling_cols = [
            c for a, b in self.siblings for c in range(a, b) if c < len(table.column_paths) and (not roles or roles[c] == "value")
        ]
        for item in self.spill:
            self._spill_at.setdefault((item.row, item.col), item)
        for (_, path), col in self._col_of.items():
            if col is None:
                continue
            for r in range(table.header_rows, table.n_rows):
                cell = self._cells.get((r, col))
                if cell is None or cell.col == col or cell.col not in own:
                    continue
                end = cell.col + cell.col_span
                if end <= own.stop or (roles and roles[cell.col] not in ("code", "label")):
                    continue
                last = split_path(path)[-1]
                target = next((c for c in sibling_cols if c >= end and split_path(table.column_paths[c])[-1:] == (last,)), None)
                if target is not None:
                    self._redirect[(r, path)] = target

    # -- queries ------------------------------------------------------------------------

    @property
    def label(self) -> tuple[str, str]:
        return table_label(self.table_type, self.table.title if self.table else "")

    def code_rows(self, length: int) -> list[RowInfo]:
        return [info for info in self.sorted_rows() if info.code and len(info.code) == length]

    def sorted_rows(self) -> list[RowInfo]:
        return [self.rows[r] for r in sorted(self.rows)]

    def find_rows(self, pattern: re.Pattern[str]) -> list[RowInfo]:
        """Rows whose bare name matches `pattern` (searched, not anchored)."""
        return [info for info in self.sorted_rows() if pattern.search(bare_name(info.name))]

    def borrowed(self, row: int) -> bool:
        """Whether the row's amounts are printed in a sibling panel (a label run across)."""
        return any(r == row for r, _ in self._redirect)

    def printed_label(self, row: int) -> str:
        """The row's code/label cells as printed (numbering kept), or "" without cells."""
        table = self.table
        if table is None:
            return ""
        roles = self._roles(table)
        r, k = self._origin(row)
        texts = []
        for c in self._segs[k] if k < len(self._segs) else ():
            cell = self._cells.get((r, c))
            if cell is None or (roles and roles[c] not in ("code", "label")):
                continue
            text = norm(cell.text)
            if not roles and (not text or (parse_printed(text) is not None and not is_code(text))):
                continue
            if text and text not in texts:
                texts.append(text)
        return "".join(texts)

    def main_column(self) -> str | None:
        """The panel's amount column, or its shallowest 合计/小计 column when it has several."""
        if len(self.columns) == 1:
            return self.columns[0]
        totals = [c for c in self.columns if is_total_segment(split_path(c)[-1])]
        return min(totals, key=lambda c: len(split_path(c))) if totals else None

    def operand(self, row: int, column: str) -> Operand | None:
        """The value at (row, column): printed, blank (= 0), or None when unreadable."""
        column = "/".join(split_path(column))
        info = self.rows.get(row)
        label = f"{info.label if info else f'row {row}'} · {column}"
        key = (row, column)
        if key in self._ambiguous:
            return None
        item = self._at.get(key)
        if item is not None:
            return self._item_operand(item, label)
        r, k = self._origin(row)
        col = self._redirect.get(key)
        if col is not None:
            item = self._spill_at.get((r, col))
            if item is not None:
                return self._item_operand(item, label)
        else:
            col = self._col_of.get((k, column))
        cell = self._cells.get((r, col)) if col is not None else None
        if cell is None or not is_blank(cell.text) or cell.row != r:
            return None
        evidence = Evidence(
            role="",
            text=cell.text,
            value=0.0,
            page=cell.page,
            bbox=cell.bbox,
            table_id=self.table_id,
            locator=cell.locator,
        )
        return Operand(label, 0.0, Interval.around(0.0, self._blank_half), evidence, blank=True)

    def operand_of(self, item: LineItem) -> Operand | None:
        """The operand of one of this view's own line items (a narrative record's link names the item itself)."""
        if item not in self.items:
            return None
        info = self.rows.get(self._key(item.row, item.col))
        return self._item_operand(item, f"{info.label if info else f'row {item.row}'} · {'/'.join(split_path(item.column))}")

    def _item_operand(self, item: LineItem, label: str) -> Operand | None:
        evidence = Evidence(
            role="",
            text=item.raw,
            value=item.value,
            page=item.page,
            bbox=item.bbox,
            table_id=item.table_id,
            locator=item.locator,
        )
        if is_blank(item.raw):
            return Operand(label, 0.0, Interval.around(0.0, self._blank_half), evidence, blank=True)
        half = half_width_of(item.raw, item.unit, item.value)
        if half is None:
            return None
        return Operand(label, item.value, Interval.around(item.value, half), evidence)


def _is_code_echo(item: LineItem) -> bool:
    """A classification code or row label that leaked into an amount cell is not an amount."""
    raw = norm(item.raw)
    return (bool(item.code) and raw == item.code) or norm(item.name) == "栏次"


def _modal_half_width(items: Iterable[LineItem]) -> float:
    """The precision a blank cell is printed at: the table's most common one."""
    widths = Counter(w for w in (half_width_of(i.raw, i.unit, i.value) for i in items if not is_blank(i.raw)) if w is not None)
    return widths.most_common(1)[0][0] if widths else 0.0


class DocIndex:
    """The views of a document, grouped by table type; built once per `run_checks`."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        tables = {t.table_id: t for t in doc.tables}
        grouped: dict[tuple[str, str], list[LineItem]] = defaultdict(list)
        types: dict[str, str] = {t.table_id: t.table_type for t in doc.tables}
        for item in doc.line_items:
            grouped[(item.table_id, item.panel)].append(item)
            types.setdefault(item.table_id, item.table_type)
        for table in doc.tables:  # panels with no line item at all are still views
            for panel in table.panels or []:
                grouped.setdefault((table.table_id, panel.name), [])
        self.views = [
            view
            for (table_id, panel), items in grouped.items()
            for view in panel_views(table_id, types[table_id], panel, tables.get(table_id), items)
        ]
        self.table_types = set(types.values())

    def views_of(self, *kinds: str, family: str | None = None) -> list[TableView]:
        """Views whose table type is one of `kinds` ("expenditure" matches both families)."""
        out = []
        for view in self.views:
            fam, kind = split_table_type(view.table_type)
            if kind in kinds and (family is None or fam == family):
                out.append(view)
        return out

    def families(self) -> list[str]:
        return sorted({split_table_type(t)[0] for t in self.table_types if "." in t})

    def has_table(self, family: str, kind: str) -> bool:
        return f"{family}.{kind}" in self.table_types


def _panel_columns(table: Table, span: Span) -> list[tuple[str, str]]:
    paths, roles = table.column_paths, table.column_roles
    return [(paths[c] if c < len(paths) else "", roles[c] if c < len(roles) else "") for c in range(*span)]


def panel_views(table_id: str, table_type: str, panel: str, table: Table | None, items: list[LineItem]) -> list[TableView]:
    """The view(s) of the panel(s) named `panel`.

    Several panels of one name are never merged row by row: with the same columns they are one
    list printed on from panel to panel (read in order); with other columns (支出 by 功能分类 |
    by 支出用途) each is a view of its own.
    """
    same = [(p.col_start, p.col_end) for p in (table.panels if table else []) if p.name == panel]
    if table is None or len(same) < 2:
        return [TableView(table_id, table_type, panel, table, items)]
    first = _panel_columns(table, same[0])
    if all(_panel_columns(table, span) == first for span in same[1:]):
        return [TableView(table_id, table_type, panel, table, items, segments=tuple(same))]
    views = []
    for span in same:
        inside = [i for i in items if span[0] <= i.col < span[1]]
        others = [i for i in items if not span[0] <= i.col < span[1]]
        siblings = tuple(s for s in same if s != span)
        views.append(TableView(table_id, table_type, panel, table, inside, segments=(span,), siblings=siblings, spill=others))
    return views
