"""Identities between tables that hold by definition of the disclosure set.

Only pairs that must be equal whatever the department's funding mix are compared:

* 收入支出总表 本年收入合计 = 收入表 合计 row, total column;
* 收入支出总表 本年支出合计 = 支出表 合计 row, total column;
  (when the detailed table has a column for an adjustment of the summary — 上年结转,
  使用非财政拨款结余, 结转下年 … — its 合计 includes them and is compared with 总计 instead);
* 收入支出总表 支出 per 类 = 支出表 per 类 (total column);
* 财政拨款收支总表 一般公共预算 column per 类 and 本年支出合计 = 一般公共预算财政拨款支出表 per 类 and 合计.

支出表 vs 一般公共预算财政拨款支出表 per code is *not* compared: the first includes every
fund source, so they differ legitimately. Rows are paired by code (the summary's 类 rows
carry codes once resolved), else by bare name; columns by header path.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from extract.reconcile.engine import Outcome, SumCheck, Unavailable, check
from extract.reconcile.summary_checks import (
    EXPENDITURE,
    INCOME,
    SideRules,
    side_rows,
    side_views,
)
from extract.reconcile.views import DocIndex, Operand, RowInfo, TableView, bare_name, split_path

_TOTAL_ROW = re.compile(r"^(?:合计|总计)$")
_GENERAL_BUDGET_COLUMN = re.compile(r"一般公共预算")


def _views(index: DocIndex, family: str, kind: str) -> list[TableView]:
    return index.views_of(kind, family=family)


def _summary_side(index: DocIndex, family: str, kind: str, side: SideRules) -> TableView | None:
    return next(
        (v for v, r in side_views(index, (kind,)) if r is side and v.table_type == f"{family}.{kind}"),
        None,
    )


def _equal(left: tuple[TableView, RowInfo, str], right: tuple[TableView, RowInfo, str]) -> Outcome:
    """left value (found) must equal right value (expected)."""
    (lv, lrow, lcol), (rv, rrow, rcol) = left, right
    lzh, len_ = lv.label
    rzh, ren = rv.label
    subject = (f"{lzh}「{lrow.label}」（{lcol}）", f"{len_}, {lrow.label} ({lcol})")
    relation = (f"{rzh}「{rrow.label}」（{rcol}）", f"{ren}, {rrow.label} ({rcol})")
    found, expected = lv.operand(lrow.row, lcol), rv.operand(rrow.row, rcol)
    if found is None or expected is None:
        return Unavailable(
            *subject,
            f"无法读取{'前者' if found is None else '后者'}",
            "a cell is unreadable",
        )
    return SumCheck(
        *subject,
        *relation,
        found,
        (expected,),
        found_role="found",
        part_role="expected",
    )


def _total_row(view: TableView) -> RowInfo | None:
    return next(
        (r for r in view.sorted_rows() if r.code is None and _TOTAL_ROW.match(bare_name(r.name))),
        None,
    )


def _families_present(index: DocIndex, kinds: tuple[str, str]) -> Iterator[str]:
    """Families (final/budget) that have at least one of the two tables."""
    for family in index.families():
        if any(index.has_table(family, k) for k in kinds):
            yield family


def _absent(kinds: tuple[str, str], family: str) -> Unavailable:
    names = " / ".join(f"{family}.{k}" for k in kinds)
    return Unavailable(
        f"表间核对 {names}",
        f"cross-table check {names}",
        "缺少其中一张表或其金额列",
        "one table or its amount column is missing",
    )


def _year_total_vs_table(index: DocIndex, side: SideRules, kind: str) -> Iterator[Outcome]:
    kinds = ("income_expenditure_summary", kind)
    for family in _families_present(index, kinds):
        summary = _summary_side(index, family, kinds[0], side)
        details = _views(index, family, kind)
        s_col = summary.main_column() if summary else None
        d_col = details[0].main_column() if details else None
        if summary is None or not details or s_col is None or d_col is None:
            yield _absent(kinds, family)
            continue
        s_rows = side_rows(summary, side)
        s_row = s_rows.grand if _includes_adjustments(details[0], side) else s_rows.year
        d_row = _total_row(details[0])
        if s_row is None or d_row is None:
            yield Unavailable(*_labels(summary, details[0]), "未找到合计行", "no 合计 row found")
            continue
        yield _equal((summary, s_row, s_col), (details[0], d_row, d_col))


def _includes_adjustments(detail: TableView, side: SideRules) -> bool:
    """A detailed table with a 上年结转 / 使用非财政拨款结余 column totals more than the year's."""
    return any(p.search(seg) for c in detail.columns for seg in split_path(c) for p in side.adjustments)


def _labels(a: TableView, b: TableView) -> tuple[str, str]:
    return f"{a.label[0]} / {b.label[0]}", f"{a.label[1]} / {b.label[1]}"


@check(
    "T040.summary_income_total_vs_income_table",
    description=(
        "收入支出总表 本年收入合计 = 收入表 合计 row in its total column "
        "(收入总计 when the 收入表 has 上年结转 / 使用非财政拨款结余 columns)."
    ),
    inputs=("income_expenditure_summary", "income"),
)
def summary_income_total_vs_income_table(index: DocIndex) -> Iterator[Outcome]:
    return _year_total_vs_table(index, INCOME, "income")


@check(
    "T041.summary_expenditure_total_vs_expenditure_table",
    description="收入支出总表 本年支出合计 = 支出表 合计 row in its total column.",
    inputs=("income_expenditure_summary", "expenditure"),
)
def summary_expenditure_total_vs_expenditure_table(
    index: DocIndex,
) -> Iterator[Outcome]:
    return _year_total_vs_table(index, EXPENDITURE, "expenditure")


def _match_class(row: RowInfo, classes: list[RowInfo]) -> RowInfo | None:
    if row.code:
        return next((c for c in classes if c.code == row.code), None)
    name = bare_name(row.name)
    return next((c for c in classes if bare_name(c.name) == name), None)


def _summary_classes(summary: TableView, classes: list[RowInfo]) -> list[RowInfo]:
    """The 类 rows of the summary's 支出 side: 3-digit coded rows, or rows named like a 类."""
    names = {bare_name(c.name) for c in classes}
    return [r for r in summary.sorted_rows() if (r.code and len(r.code) == 3) or (r.code is None and bare_name(r.name) in names)]


def _per_class(summary: TableView, s_col: str, detail: TableView, d_col: str, with_total: bool) -> Iterator[Outcome]:
    classes = detail.code_rows(3)
    pairs: list[tuple[RowInfo, RowInfo | None]] = [(r, _match_class(r, classes)) for r in _summary_classes(summary, classes)]
    if with_total:
        pairs.append(
            (
                side_rows(summary, EXPENDITURE).year or RowInfo(-1, None, "本年支出合计"),
                _total_row(detail),
            )
        )
    for s_row, d_row in pairs:
        if d_row is None:
            op: Operand | None = summary.operand(s_row.row, s_col) if s_row.row >= 0 else None
            if op is not None and op.blank:
                continue  # a 类 with nothing spent need not appear in the detailed table
            yield Unavailable(
                *_labels(summary, detail),
                f"{detail.label[0]}中没有与「{s_row.label}」对应的行",
                f"no row matching {s_row.label} in the {detail.label[1]}",
                (op,) if op else (),
            )
            continue
        yield _equal((summary, s_row, s_col), (detail, d_row, d_col))


@check(
    "T042.summary_classes_vs_expenditure_table",
    description="收入支出总表 支出 per 类 = 支出表 per 类 (total column), paired by code or name.",
    inputs=("income_expenditure_summary", "expenditure"),
)
def summary_classes_vs_expenditure_table(index: DocIndex) -> Iterator[Outcome]:
    kinds = ("income_expenditure_summary", "expenditure")
    for family in _families_present(index, kinds):
        summary = _summary_side(index, family, kinds[0], EXPENDITURE)
        details = _views(index, family, kinds[1])
        s_col = summary.main_column() if summary else None
        d_col = details[0].main_column() if details else None
        if summary is None or not details or s_col is None or d_col is None:
            yield _absent(kinds, family)
            continue
        yield from _per_class(summary, s_col, details[0], d_col, with_total=False)


@check(
    "T043.fiscal_grant_general_budget_vs_general_budget_table",
    description=("财政拨款收支总表 一般公共预算 column per 类 and 本年支出合计 = 一般公共预算财政拨款支出表 per 类 and 合计."),
    inputs=("fiscal_grant_summary", "general_budget_expenditure"),
)
def fiscal_grant_general_budget_vs_general_budget_table(
    index: DocIndex,
) -> Iterator[Outcome]:
    kinds = ("fiscal_grant_summary", "general_budget_expenditure")
    for family in _families_present(index, kinds):
        summary = _summary_side(index, family, kinds[0], EXPENDITURE)
        details = _views(index, family, kinds[1])
        s_col = next((c for c in summary.columns if _GENERAL_BUDGET_COLUMN.search(c)), None) if summary else None
        d_col = details[0].main_column() if details else None
        if summary is None or not details or s_col is None or d_col is None:
            yield _absent(kinds, family)
            continue
        yield from _per_class(summary, s_col, details[0], d_col, with_total=True)
