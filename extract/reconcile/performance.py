"""绩效 tables (perf.*): the total score, the execution rate and the grade.

    总分 = Σ indicator 得分            (only when the 分值/权重 column adds up to its own 总分,
                                        i.e. the grid was read as printed)
    执行率 = 全年执行数 / 全年预算数    (per row, in %, within the printed precision of all three)
    等级 ↔ 总分: 优 ≥ 90, 良 80–90, 中 60–80, 差 < 60

The seeds (`../shared/seeds`) print grades next to scores but no band table; the bands are
the national ones for 项目支出绩效自评 (财预〔2020〕10号).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from extract.model import Cell, Table
from extract.reconcile.completeness import EXACT
from extract.reconcile.engine import PRINTED_PRECISION, Outcome, SumCheck, Unavailable, Verdict, check
from extract.reconcile.intervals import Interval, interval_sum, parse_printed
from extract.reconcile.text import cell_evidence
from extract.reconcile.views import DocIndex, Operand, norm, split_path, table_label

PERF_KINDS = ("project_self_eval", "dept_self_eval", "targets", "indicators")

_WEIGHT = re.compile(r"^(?:分值|权重)$")
_SCORE = re.compile(r"^得分$")
_BUDGET = re.compile(r"^(?:全年)?预算数")
_SPENT = re.compile(r"^(?:全年)?执行数|^实际支出")
_RATE = re.compile(r"^执行率")
_BALANCE = re.compile(r"结[(（]?转?[)）]?余")
_TOTAL_ROW = re.compile(r"^(?:总分|总得分|综合得分|合计|总计)$")
GRADE_FLOORS = {"优": 90.0, "良": 80.0, "中": 60.0, "差": float("-inf")}
"""Lowest score of each grade; a grade runs up to the next one's floor (exclusive)."""
FULL_MARKS = 100.0
_GRADE_WORDS = {"优": "优", "优秀": "优", "良": "良", "良好": "良", "中": "中", "差": "差"}


def perf_tables(index: DocIndex) -> list[Table]:
    return [t for t in index.doc.tables if t.table_type.startswith("perf.")]


def column(table: Table, pattern: re.Pattern[str]) -> int | None:
    """The first column whose header path has a segment matching `pattern`."""
    for c, path in enumerate(table.column_paths):
        if any(pattern.search(seg) for seg in split_path(path)):
            return c
    return None


def _cells(table: Table) -> dict[tuple[int, int], Cell]:
    return {(c.row, c.col): c for c in table.cells}


def _number(cell: Cell | None, percent: bool = False) -> tuple[float, float] | None:
    """(value, half-width) of a printed number; a trailing "%" only where `percent`."""
    text = norm(cell.text) if cell is not None else ""
    if not text or (not percent and "%" in text):
        return None
    number = parse_printed(text.removesuffix("%"))
    return (float(number.value), float(number.half_unit)) if number else None


def _operand(table: Table, cell: Cell, label: str) -> Operand | None:
    number = _number(cell)
    if number is None:
        return None
    value, half = number
    return Operand(label, value, Interval.around(value, half), cell_evidence(cell, table, "", value))


def _row_label(table: Table, cells: dict[tuple[int, int], Cell], row: int, before: int) -> str:
    return next((norm(cells[(row, c)].text) for c in range(before) if (row, c) in cells and norm(cells[(row, c)].text)), "")


@check(
    "P001.performance_total_score",
    description="绩效表 总分 (得分 column) = Σ indicator 得分, evaluated when the 分值/权重 column adds up to its 总分.",
    inputs=PERF_KINDS,
)
def performance_total_score(index: DocIndex) -> Iterator[Outcome]:
    for table in perf_tables(index):
        weight_col, score_col = column(table, _WEIGHT), column(table, _SCORE)
        if weight_col is None or score_col is None:
            continue
        cells = _cells(table)
        zh, en = table_label(table.table_type, table.title)
        label_end = min(weight_col, score_col)
        total = next(
            (r for r in range(table.header_rows, table.n_rows) if _TOTAL_ROW.match(_row_label(table, cells, r, label_end))),
            None,
        )
        if total is None:
            continue
        rows = [r for r in range(table.header_rows, total) if _number(cells.get((r, score_col)))]
        weights = [w for r in rows if (w := _number(cells.get((r, weight_col)))) is not None]
        total_weight = _number(cells.get((total, weight_col)))
        if not rows or len(weights) != len(rows) or total_weight is None or not _adds_up(weights, total_weight):
            yield Unavailable(
                f"{zh}（第 {table.page_start} 页）总分",
                f"{en} (p{table.page_start}) total score",
                "分值列之和与总分分值不符，表格未按印刷读出",
                "the 分值 column does not add up to its total: the grid was not read as printed",
            )
            continue
        found = _operand(table, cells[(total, score_col)], "总分 · 得分") if (total, score_col) in cells else None
        parts = [_operand(table, cells[(r, score_col)], f"{_row_label(table, cells, r, label_end)} · 得分") for r in rows]
        if found is None or any(p is None for p in parts):
            continue
        yield SumCheck(
            f"{zh}（第 {table.page_start} 页）总分",
            f"{en} (p{table.page_start}) total score",
            f"{len(parts)} 项指标得分之和",
            f"the sum of its {len(parts)} indicator scores",
            found,
            tuple(p for p in parts if p is not None),
        )


def _adds_up(parts: list[tuple[float, float]], total: tuple[float, float]) -> bool:
    return Interval.around(*total).meets(interval_sum(Interval.around(*p) for p in parts))


def _ratio(spent: tuple[float, float], budget: tuple[float, float]) -> Interval:
    (s, hs), (b, hb) = spent, budget
    return Interval(100 * (s - hs) / (b + hb), 100 * (s + hs) / max(b - hb, 1e-9))


@check(
    "P002.performance_execution_rate",
    description=(
        "绩效表 执行率 = 全年执行数 / 全年预算数 (in %), per row with all three printed and a non-zero budget; "
        "where a 结余(结转) column is printed, only rows where 预算数 − 执行数 = 结余 (columns read as printed)."
    ),
    inputs=PERF_KINDS,
    tolerance=PRINTED_PRECISION + "; the ratio's interval from the intervals of both amounts",
)
def performance_execution_rate(index: DocIndex) -> Iterator[Outcome]:
    for table in perf_tables(index):
        budget_col, spent_col, rate_col = (column(table, p) for p in (_BUDGET, _SPENT, _RATE))
        if budget_col is None or spent_col is None or rate_col is None:
            continue
        balance_col = column(table, _BALANCE)
        cells = _cells(table)
        zh, en = table_label(table.table_type, table.title)
        for row in range(table.header_rows, table.n_rows):
            budget, spent = (_number(cells.get((row, c))) for c in (budget_col, spent_col))
            rate = _number(cells.get((row, rate_col)), percent=True)
            if budget is None or spent is None or rate is None or budget[0] <= 0:
                continue
            balance = _number(cells.get((row, balance_col))) if balance_col is not None else None
            if balance_col is not None and (balance is None or not _adds_up([spent, balance], budget)):
                continue  # the row's amounts are not where its header says: not this row's rate
            ratio = _ratio(spent, budget)
            printed = Interval.around(*rate)
            roles = {budget_col: "budget", spent_col: "spent", rate_col: "rate"}
            evidence = tuple(cell_evidence(cells[(row, c)], table, role) for c, role in roles.items())
            yield Verdict(
                f"{zh}（第 {table.page_start} 页）第 {row + 1} 行执行率",
                f"{en} (p{table.page_start}) row {row + 1} execution rate",
                ratio.meets(printed),
                f"{ratio.mid:.2f}%（{spent[0]:,.2f} / {budget[0]:,.2f}）",
                f"{rate[0]:.2f}%",
                evidence,
                "执行率与执行数/预算数不符，超出印刷精度。",
                "the rate differs from spent / budget beyond printed precision.",
            )


def band(score: float) -> str:
    return next(g for g, floor in GRADE_FLOORS.items() if score >= floor)


@check(
    "P003.performance_grade_band",
    description=("A grade printed in a 总分 row (分值 100, 得分 s) fits the band of s: 优 ≥ 90, 良 80–90, 中 60–80, 差 < 60."),
    inputs=PERF_KINDS,
    tolerance=EXACT,
)
def performance_grade_band(index: DocIndex) -> Iterator[Outcome]:
    for table in perf_tables(index):
        cells = _cells(table)
        weight_col, score_col = column(table, _WEIGHT), column(table, _SCORE)
        zh, en = table_label(table.table_type, table.title)
        for (row, col), cell in sorted(cells.items()):
            grade = _GRADE_WORDS.get(norm(cell.text))
            if grade is None or not _TOTAL_ROW.match(_row_label(table, cells, row, col)):
                continue
            full, scored = (_number(cells.get((row, c))) if c is not None else None for c in (weight_col, score_col))
            if full is None or full[0] != FULL_MARKS or scored is None or score_col is None:
                continue  # a total row that does not print 100 beside its score was not read as printed
            score_cell, score = cells[(row, score_col)], scored[0]
            yield Verdict(
                f"{zh}（第 {table.page_start} 页）等级",
                f"{en} (p{table.page_start}) grade",
                band(score) == grade,
                f"{band(score)}（{score:g} 分）",
                grade,
                (cell_evidence(score_cell, table, "score", score), cell_evidence(cell, table, "grade")),
                "等级与总分所在分档不符（优≥90，良80–90，中60–80，差<60）。",
                "the grade does not fit the score band (优 ≥ 90, 良 80–90, 中 60–80, 差 < 60).",
            )
