"""Identities inside one table: code hierarchy down a column, subtotal columns across a row.

Codes are only used to find rows (合计 / 类 3 digits / 款 5 / 项 7); amounts are only
read from amount columns. An identity is evaluated only when the table prints the rows
or columns it is made of: a 类 printed without 款 rows is simply not an identity here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from extract.reconcile.engine import Outcome, SumCheck, Unavailable, check
from extract.reconcile.views import (
    DocIndex,
    Operand,
    RowInfo,
    TableView,
    bare_name,
    is_total_segment,
    split_path,
)

CLASSIFIED_KINDS = (
    "income",
    "expenditure",
    "general_budget_expenditure",
    "general_budget_basic_expenditure",
    "gov_fund",
    "state_capital",
)
"""Tables whose rows are 功能分类 / 经济分类 codes."""

SUBTOTAL_SKIP_KINDS = ("three_public", "other_info")
"""三公 has its own named checks; the statistics table mixes counts with amounts."""

_TOTAL_ROW = re.compile(r"^(?:合计|总计)$")
_LEVEL_ZH = {3: "类", 5: "款", 7: "项"}


def _families(view: TableView, parent_len: int) -> Iterator[tuple[RowInfo, list[RowInfo]]]:
    """(parent row, child rows) pairs; parent_len 0 is the 合计 row over the 类 rows."""
    if parent_len == 0:
        classes = view.code_rows(3)
        for row in view.sorted_rows():
            if row.code is None and _TOTAL_ROW.match(bare_name(row.name)) and classes:
                yield row, classes
        return
    for parent in view.code_rows(parent_len):
        assert parent.code is not None
        children = [r for r in view.code_rows(parent_len + 2) if r.code and r.code.startswith(parent.code)]
        if not children and parent_len == 3:  # 类 printed with its 项 but no 款 rows
            children = [r for r in view.code_rows(7) if r.code and r.code.startswith(parent.code)]
        if children:
            yield parent, children


def _unreadable(view: TableView, row: RowInfo, columns: list[str]) -> Unavailable:
    zh, en = view.label
    cols = "、".join(columns)
    return Unavailable(
        f"{zh}「{row.label}」",
        f"{en}, row {row.label}",
        f"无法读取单元格：{cols}",
        f"unreadable cell(s): {cols}",
    )


def _hierarchy(index: DocIndex, parent_len: int) -> Iterator[Outcome]:
    for view in index.views_of(*CLASSIFIED_KINDS):
        if not view.items:  # nothing was read from this table: nothing to reconcile
            continue
        zh, en = view.label
        for parent, children in _families(view, parent_len):
            level = _LEVEL_ZH[len(children[0].code or "")]
            for column in view.columns:
                found = view.operand(parent.row, column)
                parts = [view.operand(c.row, column) for c in children]
                if found is None or any(p is None for p in parts):
                    missing = [r.label for r, op in zip([parent, *children], [found, *parts], strict=True) if op is None]
                    yield _unreadable(view, parent, [f"{m} · {column}" for m in missing])
                    continue
                yield SumCheck(
                    subject_zh=f"{zh}「{column}」列 {parent.label}",
                    subject_en=f"{en}, column {column}, row {parent.label}",
                    relation_zh=f"其下 {len(children)} 个{level}之和",
                    relation_en=f"the sum of its {len(children)} {level} rows",
                    found=found,
                    parts=tuple(p for p in parts if p is not None),
                )


@check(
    "T001.total_equals_sum_of_classes",
    description="In each amount column of a classified table, the 合计 row equals the sum of the 类 (3-digit) rows.",
    inputs=CLASSIFIED_KINDS,
)
def total_equals_sum_of_classes(index: DocIndex) -> Iterator[Outcome]:
    return _hierarchy(index, 0)


@check(
    "T002.class_equals_sum_of_kuan",
    description="Each 类 row equals the sum of its 款 (5-digit) rows, or of its 项 rows when no 款 is printed.",
    inputs=CLASSIFIED_KINDS,
)
def class_equals_sum_of_kuan(index: DocIndex) -> Iterator[Outcome]:
    return _hierarchy(index, 3)


@check(
    "T003.kuan_equals_sum_of_xiang",
    description="Each 款 row equals the sum of its 项 (7-digit) rows.",
    inputs=CLASSIFIED_KINDS,
)
def kuan_equals_sum_of_xiang(index: DocIndex) -> Iterator[Outcome]:
    return _hierarchy(index, 5)


# -- subtotal columns ---------------------------------------------------------------------


def _heads(prefix: tuple[str, ...], columns: list[tuple[str, ...]]) -> list[str]:
    """Distinct header segments directly under `prefix`, in column order."""
    heads: list[str] = []
    for col in columns:
        if len(col) > len(prefix) and col[: len(prefix)] == prefix and col[len(prefix)] not in heads:
            heads.append(col[len(prefix)])
    return heads


def _group_columns(prefix: tuple[str, ...], columns: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
    """The columns that add up to the header group `prefix`: itself, its subtotal, or its parts."""
    if prefix in columns:
        return [prefix]
    heads = [h for h in _heads(prefix, columns) if not h.startswith("其中")]
    subtotal = next((h for h in heads if is_total_segment(h)), None)
    if subtotal is not None:
        return [(*prefix, subtotal)]
    return [col for h in heads for col in _group_columns((*prefix, h), columns)]


def subtotal_identities(columns: list[str]) -> list[tuple[str, list[str]]]:
    """(subtotal column, summand columns) for every 合计/小计 column with siblings.

    E.g. "本年支出/小计" → ["本年支出/基本支出", "本年支出/项目支出"]; a root-level
    "本年支出合计" → every other root-level group; a group of several columns contributes
    its own 小计 when printed, else its leaf columns. "其中：…" columns are never summands.
    """
    paths = [split_path(c) for c in columns]
    out: list[tuple[str, list[str]]] = []
    for path in paths:
        if not is_total_segment(path[-1]):
            continue
        parent = path[:-1]
        heads = [h for h in _heads(parent, paths) if h != path[-1] and not h.startswith("其中")]
        if any(is_total_segment(h) for h in heads):
            continue  # two totals side by side: which is the sum of which is not defined
        parts = [col for h in heads for col in _group_columns((*parent, h), paths)]
        if parts:
            out.append(("/".join(path), ["/".join(p) for p in parts]))
    return out


def _row_identity(view: TableView, row: RowInfo, total: str, parts: list[str]) -> Outcome:
    found = view.operand(row.row, total)
    operands = [view.operand(row.row, p) for p in parts]
    if found is None or any(op is None for op in operands):
        missing = [c for c, op in zip([total, *parts], [found, *operands], strict=True) if op is None]
        return _unreadable(view, row, missing)
    zh, en = view.label
    present: tuple[Operand, ...] = tuple(op for op in operands if op is not None)
    return SumCheck(
        subject_zh=f"{zh}「{row.label}」行「{total}」",
        subject_en=f"{en}, row {row.label}, column {total}",
        relation_zh=f"{'、'.join(parts)}之和",
        relation_en=f"the sum of {', '.join(parts)}",
        found=found,
        parts=present,
    )


@check(
    "T010.subtotal_column_equals_sum_of_siblings",
    description="In every row, a 合计/小计 column equals the sum of its sibling columns under the same header.",
    inputs=("*",),
)
def subtotal_column_equals_sum_of_siblings(index: DocIndex) -> Iterator[Outcome]:
    for view in index.views:
        if not view.items or view.table_type.partition(".")[2] in SUBTOTAL_SKIP_KINDS:
            continue
        identities = subtotal_identities(view.columns)
        for row in view.sorted_rows() if identities else []:
            for total, parts in identities:
                yield _row_identity(view, row, total, parts)
