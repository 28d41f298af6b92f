"""Read-only views over a Document's line items, addressed by code, row name and header path.

Checks never look at positions: a value is found by (table, panel, row identity, column
header path). A `TableView` is one panel of one table. It also knows which cells are
printed blank, so that a blank sibling counts as 0 (within its printed precision) while a
cell the parser could not read makes the identity not checkable rather than wrong.
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


@dataclass
class TableView:
    """One panel of one table: rows (with code and name) × amount columns (header paths)."""

    table_id: str
    table_type: str
    panel: str
    table: Table | None
    items: list[LineItem]
    rows: dict[int, RowInfo] = field(default_factory=dict)
    columns: list[str] = field(default_factory=list)
    _at: dict[tuple[int, str], LineItem] = field(default_factory=dict)
    _ambiguous: set[tuple[int, str]] = field(default_factory=set)
    _col_of: dict[str, int | None] = field(default_factory=dict)
    _cells: dict[tuple[int, int], Cell] = field(default_factory=dict)
    _blank_half: float = 0.0

    def __post_init__(self) -> None:
        self.items = [i for i in self.items if is_amount_path(i.column) and not _is_code_echo(i)]
        if self.table is not None:
            self._index_table(self.table)
        self._index_items()
        if self.table is not None:
            self._rows_from_grid(self.table)
        self._blank_half = _modal_half_width(self.items)

    # -- construction -------------------------------------------------------------------

    def _index_items(self) -> None:
        for item in sorted(self.items, key=lambda i: (i.row, i.col)):
            key = (item.row, "/".join(split_path(item.column)))
            if key in self._at and self._at[key].col != item.col:
                self._ambiguous.add(key)
            self._at.setdefault(key, item)
            if key[1] not in self.columns:
                self.columns.append(key[1])
            info = self.rows.get(item.row)
            if info is None or (info.code is None and item.code):
                self.rows[item.row] = RowInfo(item.row, item.code, item.name)

    def _panel_cols(self, table: Table) -> range:
        panel = next((p for p in table.panels if p.name == self.panel), None)
        return range(panel.col_start, panel.col_end) if panel else range(table.n_cols)

    def _index_table(self, table: Table) -> None:
        for cell in table.cells:
            for r in range(cell.row, cell.row + cell.row_span):
                for c in range(cell.col, cell.col + cell.col_span):
                    self._cells.setdefault((r, c), cell)
        cols = self._panel_cols(table)
        roles = table.column_roles if len(table.column_roles) == table.n_cols else []
        for c in cols:
            if c >= len(table.column_paths):
                continue
            path = "/".join(split_path(table.column_paths[c]))
            if (roles and roles[c] != "value") or not is_amount_path(path):
                continue
            # A path printed twice in one panel cannot be told apart: no blank lookups.
            self._col_of[path] = None if path in self._col_of else c
            if path not in self.columns:
                self.columns.append(path)

    def _rows_from_grid(self, table: Table) -> None:
        """Rows with no line item (all blank) still have a code or name worth knowing."""
        roles = table.column_roles if len(table.column_roles) == table.n_cols else []
        label_cols = [c for c in self._panel_cols(table) if not roles or roles[c] in ("code", "label")]
        known_codes = {info.code for info in self.rows.values() if info.code}
        for r in range(table.header_rows, table.n_rows):
            if r in self.rows:
                continue
            texts = [norm(self._cells[(r, c)].text) for c in label_cols if (r, c) in self._cells]
            texts = [t for t in texts if t and (parse_printed(t) is None or is_code(t))]
            if not texts or texts[0] == "栏次":
                continue
            code = texts[0] if is_code(texts[0]) and texts[0] not in known_codes else None
            name = next((t for t in texts if not is_code(t)), "")
            if code or name:
                self.rows[r] = RowInfo(r, code, bare_name(name))

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

    def printed_label(self, row: int) -> str:
        """The row's code/label cells as printed (numbering kept), or "" without cells."""
        table = self.table
        if table is None:
            return ""
        roles = table.column_roles if len(table.column_roles) == table.n_cols else []
        texts = []
        for c in self._panel_cols(table):
            cell = self._cells.get((row, c))
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
        col = self._col_of.get(column)
        cell = self._cells.get((row, col)) if col is not None else None
        if cell is None or not is_blank(cell.text) or cell.row != row:
            return None
        evidence = Evidence(
            role="",
            text=cell.text,
            value=0.0,
            page=cell.page,
            bbox=cell.bbox,
            table_id=self.table_id,
        )
        return Operand(label, 0.0, Interval.around(0.0, self._blank_half), evidence, blank=True)

    def _item_operand(self, item: LineItem, label: str) -> Operand | None:
        evidence = Evidence(
            role="",
            text=item.raw,
            value=item.value,
            page=item.page,
            bbox=item.bbox,
            table_id=item.table_id,
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
            TableView(table_id, types[table_id], panel, tables.get(table_id), items)
            for (table_id, panel), items in grouped.items()
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
