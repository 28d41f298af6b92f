"""Tables are typed from their title, and from their header and rows when the title is missing."""

import pytest

from extract.model import Cell, DocumentKind, Table
from extract.tables.classify import classify


def _table(title: str, rows: list[list[str]], header_rows: int = 1) -> Table:
    cells = [Cell(row=r, col=c, text=text, page=1, bbox=(0, 0, 1, 1)) for r, row in enumerate(rows) for c, text in enumerate(row)]
    return Table(
        table_id="t",
        title=title,
        pages=[1],
        bbox=(0, 0, 1, 1),
        n_rows=len(rows),
        n_cols=len(rows[0]),
        header_rows=header_rows,
        cells=cells,
    )


@pytest.mark.parametrize(
    ("title", "kind", "expected"),
    [
        ("收入支出决算总表", DocumentKind.FINAL_ACCOUNTS, "final.income_expenditure_summary"),
        ("高等学校收支决算总表", DocumentKind.FINAL_ACCOUNTS, "final.income_expenditure_summary"),
        ("2025年部门财务收支预算总表", DocumentKind.BUDGET, "budget.income_expenditure_summary"),
        ("收入决算表", DocumentKind.FINAL_ACCOUNTS, "final.income"),
        ("2024年部门收入预算总表", DocumentKind.BUDGET, "budget.income"),
        ("支出决算表", DocumentKind.FINAL_ACCOUNTS, "final.expenditure"),
        ("财政拨款收入支出决算总表", DocumentKind.FINAL_ACCOUNTS, "final.fiscal_grant_summary"),
        ("财政拨款收支预算总表", DocumentKind.BUDGET, "budget.fiscal_grant_summary"),
        ("一般公共预算财政拨款支出决算表", DocumentKind.FINAL_ACCOUNTS, "final.general_budget_expenditure"),
        ("2024年部门一般公共预算支出功能分类预算表", DocumentKind.BUDGET, "budget.general_budget_expenditure"),
        ("一般公共预算财政拨款基本支出决算明细表", DocumentKind.FINAL_ACCOUNTS, "final.general_budget_basic_expenditure"),
        ("财政拨款“三公”经费支出决算表", DocumentKind.FINAL_ACCOUNTS, "final.three_public"),
        ("部门“三公”经费和机关运行经费预算表", DocumentKind.BUDGET, "budget.three_public"),
        ("政府性基金预算财政拨款收入支出决算表", DocumentKind.FINAL_ACCOUNTS, "final.gov_fund"),
        ("国有资本经营预算财政拨款支出决算表", DocumentKind.FINAL_ACCOUNTS, "final.state_capital"),
        ("部门决算公开相关信息统计表", DocumentKind.FINAL_ACCOUNTS, "final.other_info"),
        ("一般公共预算机关运行经费支出预算表", DocumentKind.BUDGET, "budget.other_info"),
        ("项目支出绩效自评表", DocumentKind.FINAL_ACCOUNTS, "perf.project_self_eval"),
        ("部门整体支出绩效自评表", DocumentKind.PERFORMANCE, "perf.dept_self_eval"),
        ("财政项目支出绩效目标填报表", DocumentKind.BUDGET, "perf.targets"),
        ("职工花名册", DocumentKind.BUDGET, "other"),
    ],
)
def test_titles(title, kind, expected):
    assert classify(_table(title, [["项目", "金额"], ["x", "1"]]), kind) == expected


def test_untitled_tables_are_typed_from_their_header():
    three_public = _table("", [["合计", "因公出国（境）费", "公务接待费"], ["1.00", "0.00", "1.00"]])
    assert classify(three_public, DocumentKind.FINAL_ACCOUNTS) == "final.three_public"
    summary = _table("", [["本年收入", "", "本年支出", ""], ["财政拨款收入", "10", "教育支出", "10"]])
    assert classify(summary, DocumentKind.BUDGET) == "budget.income_expenditure_summary"
    general = _table("", [["科目名称", "合计", "基本支出", "项目支出"], ["教育支出", "3", "1", "2"]])
    assert classify(general, DocumentKind.FINAL_ACCOUNTS) == "final.general_budget_expenditure"


def test_unknown_family_without_title_or_kind_is_other():
    table = _table("", [["合计", "因公出国（境）费"], ["1.00", "0.00"]])
    assert classify(table, DocumentKind.OTHER) == "other"
