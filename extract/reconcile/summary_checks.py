"""Identities of the two summary tables (收入支出总表, 财政拨款收入支出总表).

Each is printed as a 收入 panel beside a 支出 panel. Rows are found by name with tolerant
patterns, because the wording varies by region and year (本年收入合计 / 收入合计 / 当年收入小计,
年初结转和结余 / 上年结转结余 / 上年结转资金 / 年初财政拨款结转和结余 …). A side without a
总计 row closes with a 合计 below its year's subtotal (江苏: 当年收入小计 … 上年结转资金 …
收入合计; 高校决算: 本年收入合计 … 合计); a side printing one total and no carry-over rows
(收入合计 alone, or 收入总计 right under the numbered rows) has one row that is both. The 支出
side may be printed twice, by 功能分类 and by 支出用途, with the totals printed once across
both: each breakdown adds up to the same 当年支出小计.

    收入总计 = 支出总计
    收入总计 = 本年收入合计 + 使用非财政拨款结余 + 年初结转和结余 (+ 用事业基金弥补收支差额)
    支出总计 = 本年支出合计 + 结余分配 + 年末结转和结余
    本年收入合计 = Σ numbered income rows (一、二、…);  本年支出合计 = Σ 类 rows
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from extract.reconcile.engine import Outcome, SumCheck, Unavailable, check
from extract.reconcile.views import DocIndex, Operand, RowInfo, TableView, bare_name

SUMMARY_KINDS = ("income_expenditure_summary", "fiscal_grant_summary")

_NUMBERED = re.compile(r"^[一二三四五六七八九十]+[、.．]")


@dataclass(frozen=True)
class SideRules:
    """Row-name patterns of one side of a summary table."""

    key: str
    zh: str
    en: str
    grand_total: re.Pattern[str]
    year_total: re.Pattern[str]
    closing_total: re.Pattern[str]
    """The side's last 合计 when it prints no 总计 (only below the year total)."""
    adjustments: tuple[re.Pattern[str], ...]


INCOME = SideRules(
    key="收入",
    zh="收入",
    en="income",
    grand_total=re.compile(r"^(?:收入)?总计$"),
    year_total=re.compile(r"^(?:本年|当年)收入(?:合计|小计)?$|^收入(?:合计|小计)$"),
    closing_total=re.compile(r"^(?:收入)?合计$"),
    adjustments=(
        re.compile(r"^使用非财政拨款结余"),
        re.compile(r"^(?:年初|上年)(?:财政拨款)?结转(?:和|及)?结余$|^(?:上年|年初)结转(?:资金)?$"),
        re.compile(r"^用事业基金弥补收支差额$"),
    ),
)
EXPENDITURE = SideRules(
    key="支出",
    zh="支出",
    en="expenditure",
    grand_total=re.compile(r"^(?:支出)?总计$"),
    year_total=re.compile(r"^(?:本年|当年)支出(?:合计|小计)?$|^支出(?:合计|小计)$"),
    closing_total=re.compile(r"^(?:支出)?合计$"),
    adjustments=(
        re.compile(r"^结余分配$"),
        re.compile(r"^年末(?:财政拨款)?结转(?:和|及)?结余$|^结转下年(?:资金)?$"),
    ),
)


def side_views(index: DocIndex, kinds: tuple[str, ...] = SUMMARY_KINDS) -> Iterator[tuple[TableView, SideRules]]:
    """Every summary panel with the rules of its side (by panel name: 收入 / 支出)."""
    for view in index.views_of(*kinds):
        for rules in (INCOME, EXPENDITURE):
            if rules.key in view.panel:
                yield view, rules


def find_row(view: TableView, pattern: re.Pattern[str]) -> RowInfo | None:
    rows = view.find_rows(pattern)
    return rows[0] if rows else None


@dataclass(frozen=True)
class SideRows:
    """The total rows of one side: 总计 (grand), 本年合计 (year) and the carry-over rows."""

    grand: RowInfo | None
    year: RowInfo | None
    adjustments: tuple[RowInfo, ...]


def side_rows(view: TableView, rules: SideRules) -> SideRows:
    grand, year = find_row(view, rules.grand_total), find_row(view, rules.year_total)
    adjustments = tuple(r for p in rules.adjustments if (r := find_row(view, p)) is not None)
    if grand is None and year is not None:
        below = [r for r in view.find_rows(rules.closing_total) if r.row > year.row]
        grand = below[-1] if below else (None if adjustments else year)
    elif year is None and grand is not None and not adjustments:
        year = grand
    return SideRows(grand, year, adjustments)


def primary_sides(index: DocIndex, kinds: tuple[str, ...] = SUMMARY_KINDS) -> Iterator[tuple[TableView, SideRules]]:
    """One view per table and side: a side printed in two panels (功能分类 | 支出用途) prints its
    totals once; the panel where their amounts stand is the one to read them from."""
    groups: dict[tuple[str, str], list[TableView]] = {}
    rules_of = {INCOME.key: INCOME, EXPENDITURE.key: EXPENDITURE}
    for view, rules in side_views(index, kinds):
        groups.setdefault((view.table_id, rules.key), []).append(view)
    for (_, key), views in groups.items():
        rules = rules_of[key]

        def native(view: TableView, rules: SideRules = rules) -> bool:
            grand = side_rows(view, rules).grand
            return grand is not None and not view.borrowed(grand.row)

        yield next((v for v in views if native(v)), views[0]), rules


def _subject(view: TableView, rules: SideRules, row: RowInfo, column: str) -> tuple[str, str]:
    zh, en = view.label
    return (
        f"{zh}{rules.zh}方「{row.name}」（{column}）",
        f"{en}, {rules.en} side, {row.name} ({column})",
    )


def _sum_of_rows(
    view: TableView,
    rules: SideRules,
    total: RowInfo,
    rows: list[RowInfo],
    what: tuple[str, str],
):
    """One SumCheck per amount column: `total` row = Σ `rows`."""
    for column in view.columns:
        subject_zh, subject_en = _subject(view, rules, total, column)
        found = view.operand(total.row, column)
        parts = [view.operand(r.row, column) for r in rows]
        if found is None or any(p is None for p in parts):
            missing = [r.name for r, op in zip([total, *rows], [found, *parts], strict=True) if op is None]
            yield Unavailable(
                subject_zh,
                subject_en,
                f"无法读取：{'、'.join(missing)}",
                f"unreadable: {', '.join(missing)}",
            )
            continue
        yield SumCheck(
            subject_zh,
            subject_en,
            what[0],
            what[1],
            found,
            tuple(p for p in parts if p is not None),
        )


def _missing(view: TableView, rules: SideRules, names: str) -> Unavailable:
    zh, en = view.label
    return Unavailable(
        f"{zh}{rules.zh}方",
        f"{en}, {rules.en} side",
        f"未找到“{names}”行",
        f"no row named {names}",
    )


@check(
    "T030.summary_income_total_equals_expenditure_total",
    description="In a summary table, 收入总计 equals 支出总计.",
    inputs=SUMMARY_KINDS,
)
def summary_income_total_equals_expenditure_total(index: DocIndex) -> Iterator[Outcome]:
    sides: dict[str, dict[str, tuple[TableView, SideRules]]] = {}
    for view, rules in primary_sides(index):
        sides.setdefault(view.table_id, {})[rules.key] = (view, rules)
    for pair in sides.values():
        if len(pair) != 2:
            continue
        ends = [grand_total(*pair[k]) for k in (INCOME.key, EXPENDITURE.key)]
        income_view = pair[INCOME.key][0]
        zh, en = income_view.label
        if any(e is None for e in ends):
            yield Unavailable(
                f"{zh}总计",
                f"{en} grand totals",
                "未找到收入或支出总计",
                "no readable 总计 on one side",
            )
            continue
        income, spending = ends
        assert income is not None and spending is not None
        yield SumCheck(
            f"{zh}收入总计",
            f"{en}: total income",
            "支出总计",
            "total expenditure",
            income,
            (spending,),
            found_role="income",
            part_role="expenditure",
        )


def grand_total(view: TableView, rules: SideRules) -> Operand | None:
    row, column = side_rows(view, rules).grand, view.main_column()
    return view.operand(row.row, column) if row and column else None


def _composition(index: DocIndex, side: SideRules) -> Iterator[Outcome]:
    for view, rules in primary_sides(index):
        if rules is not side:
            continue
        found = side_rows(view, rules)
        grand, year = found.grand, found.year
        if grand is None or year is None:
            yield _missing(view, rules, "总计" if grand is None else f"本年{rules.zh}合计")
            continue
        if grand.row == year.row:
            continue  # one total and no carry-over rows: the identity is not printed
        rows = [year, *found.adjustments]
        names = " + ".join(r.name for r in rows)
        yield from _sum_of_rows(view, rules, grand, rows, (names, names))


@check(
    "T031.summary_income_grand_total_composition",
    description="总计 (收入方) = 本年收入合计 + 使用非财政拨款结余 + 年初结转和结余, rows matched by name.",
    inputs=SUMMARY_KINDS,
)
def summary_income_grand_total_composition(index: DocIndex) -> Iterator[Outcome]:
    return _composition(index, INCOME)


@check(
    "T032.summary_expenditure_grand_total_composition",
    description="总计 (支出方) = 本年支出合计 + 结余分配 + 年末结转和结余, per column, rows matched by name.",
    inputs=SUMMARY_KINDS,
)
def summary_expenditure_grand_total_composition(index: DocIndex) -> Iterator[Outcome]:
    return _composition(index, EXPENDITURE)


def _year_items(view: TableView, rules: SideRules, total: RowInfo) -> list[RowInfo]:
    """Rows above 本年…合计 that make it up: numbered "一、…" rows or 类 (3-digit) rows."""
    excluded = (rules.grand_total, rules.year_total, rules.closing_total, *rules.adjustments)
    out = []
    for row in view.sorted_rows():
        if row.row >= total.row or any(p.search(bare_name(row.name)) for p in excluded):
            continue
        if _NUMBERED.match(view.printed_label(row.row)) or (row.code and len(row.code) == 3):
            out.append(row)
    return out


def _year_total(index: DocIndex, side: SideRules) -> Iterator[Outcome]:
    for view, rules in side_views(index):
        if rules is not side:
            continue
        total = side_rows(view, rules).year
        if total is None:
            yield _missing(view, rules, f"本年{rules.zh}合计")
            continue
        items = _year_items(view, rules, total)
        if items:
            what = (
                f"上方 {len(items)} 个{rules.zh}项目之和",
                f"the sum of the {len(items)} {rules.en} rows above it",
            )
            yield from _sum_of_rows(view, rules, total, items, what)


@check(
    "T033.summary_year_income_equals_sum_of_sources",
    description="本年收入合计 = the numbered income rows above it (一般公共预算财政拨款收入 … 其他收入).",
    inputs=SUMMARY_KINDS,
)
def summary_year_income_equals_sum_of_sources(index: DocIndex) -> Iterator[Outcome]:
    return _year_total(index, INCOME)


@check(
    "T034.summary_year_expenditure_equals_sum_of_classes",
    description="本年支出合计 = the 类 / numbered expenditure rows above it, per column.",
    inputs=SUMMARY_KINDS,
)
def summary_year_expenditure_equals_sum_of_classes(
    index: DocIndex,
) -> Iterator[Outcome]:
    return _year_total(index, EXPENDITURE)
