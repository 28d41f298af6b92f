"""Type a table with the fixed vocabulary of docs/schema.md, from its title *and* its content.

Titles vary by region and year ("收入支出决算总表", "财务收支预算总表", "高等学校收支决算总表",
"公开01表"), and are sometimes missing, so the header paths and row labels vote too. The
family (final./budget./perf.) comes from the title's 决算/预算 wording, else the document kind.
"""

from __future__ import annotations

import re

from extract.model import DocumentKind, Table
from extract.tables.build import is_data_strip
from extract.tables.text import normalize

# (subtype, title pattern) — order matters: the more specific first.
_TITLE_RULES: list[tuple[str, str]] = [
    ("perf.project_self_eval", r"项目.*绩效自评|项目支出绩效.*(评价|自评)"),
    ("perf.dept_self_eval", r"(整体|部门).*绩效自评|整体支出绩效"),
    ("perf.targets", r"绩效目标"),
    ("perf.indicators", r"绩效.*指标"),
    ("three_public", r"三\W*公"),
    ("gov_fund", r"政府性基金"),
    ("state_capital", r"国有资本经营"),
    ("other_info", r"机关运行|政府采购|国有资产|相关信息|信息统计"),
    ("general_budget_basic_expenditure", r"基本支出"),
    ("fiscal_grant_summary", r"财政拨款.*(收支|收入支出)"),
    ("general_budget_expenditure", r"一般公共预算.*支出|一般公共预算.*拨款|财政拨款支出"),
    ("income_expenditure_summary", r"收支.*总表|收入支出.*总表|收支.*预算表$|财务收支"),
    ("income", r"收入"),
    ("expenditure", r"支出"),
]


def _by_title(title: str) -> str | None:
    for key, pattern in _TITLE_RULES:
        if re.search(pattern, title):
            return key
    return None


def _by_content(header: str, labels: str) -> str | None:
    """Infer the subtype from header text and row labels when the title is missing or unclear."""
    if re.search(r"因公出国|公务接待|公务用车", header):
        return "three_public"
    if re.search(r"全年执行数|执行率|得分|自评", header):
        return "perf.project_self_eval" if re.search(r"项目名称", header) else "perf.dept_self_eval"
    if re.search(r"(绩效指标|指标值|实际完成值|目标值)", header):
        return "perf.indicators"
    if (re.search(r"人员经费", header) and re.search(r"公用经费", header)) or re.search(r"经济分类", header):
        return "general_budget_basic_expenditure"
    has_income = re.search(r"收入", header) is not None
    has_spending = re.search(r"支出", header) is not None
    if (has_income and has_spending) or (re.search(r"收入总计|收入合计", labels) and re.search(r"支出总计|支出合计", labels)):
        if re.search(r"政府性基金|国有资本经营", header):
            return "fiscal_grant_summary"
        return "income_expenditure_summary"
    if re.search(r"财政拨款收入|事业收入|经营收入", header):
        return "income"
    if re.search(r"基本支出", header) and re.search(r"项目支出", header):
        if re.search(r"上缴上级|经营支出|对附属单位", header):
            return "expenditure"
        return "general_budget_expenditure"
    return None


def classify(table: Table, doc_kind: DocumentKind) -> str:
    if is_data_strip(table):
        return "other"  # whatever heading it sits under
    title = normalize(table.title)
    rows = table.grid()
    header = "|".join(normalize(t) for row in rows[: table.header_rows] for t in row)
    labels = "|".join(normalize(row[0]) for row in rows[table.header_rows :] if row)
    subtype = _by_title(title) or _by_content(header, labels)
    if subtype is None:
        return "other"
    if subtype.startswith("perf."):
        return subtype
    if "决算" in title:
        family = "final"
    elif "预算" in title:
        family = "budget"
    elif doc_kind == DocumentKind.FINAL_ACCOUNTS or re.search(r"决算", header):
        family = "final"
    elif doc_kind in (DocumentKind.BUDGET, DocumentKind.UNIT_BUDGET) or re.search(r"预算", header):
        family = "budget"
    else:
        return "other"
    return f"{family}.{subtype}"
