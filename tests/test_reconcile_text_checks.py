"""Completeness, dates, placeholders and 绩效 checks: a passing and a failing example each."""

from extract.model import Document, DocumentKind, DocumentMeta, FindingStatus, Table, TocEntry
from extract.parse.meta import read_meta
from extract.reconcile import run_checks
from reconcile_builders import (
    INCOME_ROWS,
    PanelSpec,
    TableSpec,
    build_document,
    datong_2022,
    grid_table,
    heading,
    line,
    page_with,
)

OK, BAD = FindingStatus.CONSISTENT, FindingStatus.INCONSISTENT


def _statuses(doc: Document, prefix: str) -> list[FindingStatus]:
    return [f.status for f in run_checks(doc, only=[prefix])]


def _final(*tables: Table, year: int = 2022, pages: list | None = None, **fields) -> Document:
    doc = build_document(*datong_2022())
    doc.meta = DocumentMeta(kind=DocumentKind.FINAL_ACCOUNTS, year=year, issuer="大同市应急管理局")
    doc.tables += list(tables)
    doc.pages = pages or [page_with(n) for n in range(1, 8)]
    return doc.model_copy(update=fields)


def _empty(table_type: str, table_id: str, page: int, notes: list[str] | None = None, label: str = "") -> Table:
    return grid_table(table_id, table_type, ["项目", "金额"], [["合计", ""]], page=page, notes=notes or [], number_label=label)


EMPTY_FINAL = [
    _empty("final.general_budget_basic_expenditure", "t06", 4, ["说明：本表无数据"]),
    _empty("final.gov_fund", "t08", 5, ["说明：本表无数据"]),
    _empty("final.state_capital", "t09", 6, ["注：本部门无国有资本经营预算财政拨款，故本表为空表。"]),
]


# -- completeness ------------------------------------------------------------------------------


def test_expected_tables_present_passes_and_fails_on_a_missing_table() -> None:
    assert set(_statuses(_final(*EMPTY_FINAL), "C001")) == {OK}
    doc = _final(*EMPTY_FINAL[:2])
    (bad,) = [f for f in run_checks(doc, only=["C001"]) if f.status == BAD]
    assert bad.expected == "final.state_capital" and bad.evidence and bad.message_en


def test_expected_tables_not_asked_of_a_narrative_only_file() -> None:
    doc = Document(doc_id="n", path="/tmp/n.pdf", meta=DocumentMeta(kind=DocumentKind.BUDGET, year=2019))
    doc.pages = [page_with(1, line("一、部门预算情况说明"))]
    assert _statuses(doc, "C001") == [FindingStatus.NOT_CHECKABLE]


def test_university_set_is_four_tables() -> None:
    specs = [s for s in datong_2022() if s.table_id in ("t01", "t02", "t03", "t05")]
    doc = build_document(*specs)
    doc.meta = DocumentMeta(kind=DocumentKind.FINAL_ACCOUNTS, year=2023, issuer="西南大学")
    assert _statuses(doc, "C001") == [OK] * 4


def test_empty_table_needs_a_note() -> None:
    assert set(_statuses(_final(*EMPTY_FINAL), "C002")) == {OK}
    silent = [*EMPTY_FINAL[:2], EMPTY_FINAL[2].model_copy(update={"notes": []})]
    assert _statuses(_final(*silent), "C002") == [OK, OK, BAD]
    beside = page_with(6, line("本部门本年度没有国有资本经营预算财政拨款支出，故本表无数据。", page=6, y=400))
    pages = [page_with(n) for n in range(1, 6)] + [beside]
    assert _statuses(_final(*silent, pages=pages), "C002") == [OK, OK, OK]


def test_table_numbers_without_gap_or_duplicate() -> None:
    labelled = [_empty("final.gov_fund", f"x{n}", n, ["本表无数据"], label=f"公开0{n}表") for n in (1, 2, 3)]
    assert _statuses(_final(*labelled), "C003") == [OK]
    gap = [labelled[0], labelled[2]]
    (bad,) = run_checks(_final(*gap), only=["C003"])
    assert bad.status == BAD and "公开02表" in str(bad.expected) and "公开02表" in bad.message_zh
    twice = [*labelled, labelled[2].model_copy(update={"table_id": "x4", "pages": [4]})]
    assert _statuses(_final(*twice), "C003") == [BAD]


def test_section_numbering_in_order() -> None:
    parts = [heading("一、", "收入", 1), heading("二、", "支出", 1), heading("三、", "三公", 2)]
    assert _statuses(_final(sections=parts), "C004") == [OK]
    swapped = [parts[0], parts[2], parts[1]]
    (bad,) = run_checks(_final(sections=swapped), only=["C004"])
    assert bad.status == BAD and {e.text for e in bad.evidence} == {"三、三公", "二、支出"}


def test_section_gap_is_forgiven_when_the_number_is_printed() -> None:
    parts = [heading("第一部分", "概况", 1), heading("第三部分", "说明", 3)]
    assert _statuses(_final(sections=parts), "C004") == [BAD]
    toc = [TocEntry(title="第二部分 部门决算表", page=1)]
    assert _statuses(_final(sections=parts, toc=toc), "C004") == [OK]
    nested = [heading("一、", "职能", 1, children=[heading("（一）", "甲", 1), heading("（三）", "丙", 1)])]
    assert _statuses(_final(sections=nested), "C004") == [BAD]


def test_placeholders_flagged_per_page() -> None:
    clean = [page_with(1, line("大同市应急管理局2022年度部门决算")), page_with(2, line("根据普发改投【2017】89号文批复"))]
    assert _statuses(_final(pages=clean), "C005") == [OK]
    filled = [page_with(1, line("上海市XX局2024年度部门决算")), page_with(2, line("收入合计XXX万元，增长XX%", page=2))]
    bad = run_checks(_final(pages=filled), only=["C005"])
    assert [f.status for f in bad] == [BAD, BAD] and bad[1].evidence[0].page == 2
    assert _statuses(_final(pages=[page_with(1, line("【单位名称】部门决算"))]), "C005") == [BAD]


# -- dates -------------------------------------------------------------------------------------


def test_table_title_year() -> None:
    titled = grid_table("y1", "final.gov_fund", ["项目", "金额"], [["合计", "1.00"]], page=2, title="2022年度政府性基金表")
    assert _statuses(_final(titled), "D001") == [OK]
    assert _statuses(_final(titled, year=2023), "D001") == [BAD]
    area = page_with(2, line("2021年度", page=2, y=80))
    untitled = titled.model_copy(update={"title": "政府性基金表"})
    assert _statuses(_final(untitled, pages=[page_with(1), area]), "D001") == [BAD]


def _tables_only(*titles: str) -> tuple[list, list[Table]]:
    """A file of 公开表 only (江苏政协 2019 预算公开表): the titles are all the text there is."""
    tables = [
        grid_table(f"t{k:02d}", "budget.other_info", ["项目", "金额"], [["合计", "1.00"]], page=k, title=title)
        for k, title in enumerate(titles, 1)
    ]
    pages = [page_with(k, line(title, page=k, y=60)) for k, title in enumerate(titles, 1)]
    return pages, tables


def test_document_year_is_not_taken_from_one_wrong_title() -> None:
    # the only year printed is in the last title, and it is wrong: the file name outvotes it
    pages, tables = _tables_only("收支预算总表", "财政拨款收支预算总表", "2020年政府采购预算表")
    meta = read_meta(pages, tables, source="/data/江苏省政协办公厅2019年预算公开表.pdf")
    assert meta.year == 2019
    doc = Document(doc_id="js", path="js.pdf", pages=pages, tables=tables, meta=meta)
    (bad,) = run_checks(doc, only=["D001"])
    assert bad.status == BAD and bad.found == "2020年" and bad.expected == "2019年"
    # a file name that states no year (or two) has no say; the printed title is all there is
    assert read_meta(pages, tables, source="/tmp/case04.pdf").year == 2020
    assert read_meta(pages, tables, source="/tmp/2019-2020.pdf").year == 2020


def test_document_year_majority_of_titles_outweighs_file_name_and_cover() -> None:
    titles = ("2023年收支预算总表", "2023年收入预算总表", "2023年财政拨款收支预算总表", "2024年政府采购预算表")
    pages, tables = _tables_only(*titles)
    assert read_meta(pages, tables, source="x_2024_budget.pdf").year == 2023  # 3 titles against 1 + the name
    assert read_meta(pages, tables, source="上海市某局24年预算.pdf").year == 2023
    # a tie goes to the file name; a cover adds a vote, the first table's title on page 1 does not
    pages[0] = page_with(1, line("2024年度部门预算", y=40), line("2023年收支预算总表", y=60))
    assert read_meta(pages, tables, source="x_2024_budget.pdf").year == 2024  # cover + name + 1 title
    assert read_meta(pages, tables, source="x_2023_budget.pdf").year == 2023


def test_heading_year_allows_previous_year() -> None:
    parts = [heading("一、", "2022年度收入情况", 1), heading("二、", "2021年预算执行情况", 1)]
    assert _statuses(_final(sections=parts), "D002") == [OK, OK]
    assert _statuses(_final(sections=[heading("一、", "2024年度收入情况", 1)]), "D002") == [BAD]


def test_as_of_dates_by_family() -> None:
    final = [page_with(1, line("截至2022年12月31日，本部门共有车辆3辆。"))]
    assert _statuses(_final(pages=final), "D003") == [OK]
    assert _statuses(_final(pages=final, year=2024), "D003") == [BAD]
    budget = _final(pages=[page_with(1, line("截至2023年底，共有车辆3辆。"))], year=2024)
    budget.meta.kind = DocumentKind.BUDGET
    assert _statuses(budget, "D003") == [OK]


# -- 绩效 -----------------------------------------------------------------------------------------

PERF_HEADER = ["指标", "分值", "得分", "等级"]
PERF_ROWS = [["产出指标", "50", "45", ""], ["效益指标", "30", "28", ""], ["满意度", "20", "19", ""], ["总分", "100", "92", "优"]]


def _perf(rows: list[list[str]], header: list[str] = PERF_HEADER) -> Document:
    return _final(grid_table("p1", "perf.project_self_eval", header, rows, page=7, title="项目支出绩效自评表"))


def test_total_score_is_sum_of_indicators() -> None:
    assert _statuses(_perf(PERF_ROWS), "P001") == [OK]
    bad_total = [*PERF_ROWS[:3], ["总分", "100", "95", "优"]]
    assert _statuses(_perf(bad_total), "P001") == [BAD]
    misread = [*PERF_ROWS[:3], ["总分", "90", "92", "优"]]
    assert _statuses(_perf(misread), "P001") == [FindingStatus.NOT_CHECKABLE]


def test_execution_rate() -> None:
    header = ["资金", "全年预算数", "全年执行数", "结余", "执行率"]
    ok = [["合计", "904,000", "554,362", "349,638", "61.32%"]]
    assert _statuses(_perf(ok, header), "P002") == [OK]
    assert _statuses(_perf([["合计", "904,000", "554,362", "349,638", "63.32"]], header), "P002") == [BAD]
    shifted = [["合计", "904,000", "554,362", "9.81", "63.32"]]  # columns not where the header says
    assert _statuses(_perf(shifted, header), "P002") == []


def test_grade_band() -> None:
    assert _statuses(_perf(PERF_ROWS), "P003") == [OK]
    bad = [*PERF_ROWS[:3], ["总分", "100", "88", "优"]]
    (finding,) = run_checks(_perf(bad), only=["P003"])
    assert finding.status == BAD and finding.expected.startswith("良") and len(finding.evidence) == 2


# -- T040 with a 收入表 that includes carry-overs ------------------------------------------------


def test_income_table_with_carry_over_column_is_compared_with_grand_total() -> None:
    columns = ["收入合计", "上年结转", "财政拨款收入", "其他收入"]
    rows = [(c, n, [v[0], "127540.51" if c is None else "", v[1], v[6]]) for c, n, v in INCOME_ROWS[:1]]
    rows[0][2][0] = "79025301.26"  # 合计 = 本年收入合计 + 年初结转和结余 = 收入总计
    specs = [s for s in datong_2022() if s.table_id != "t02"]
    doc = build_document(*specs, TableSpec("t02", "final.income", [PanelSpec(columns, rows)]))
    assert _statuses(doc, "T040") == [OK]
    rows[0][2][0] = "78897760.75"
    doc = build_document(*specs, TableSpec("t02", "final.income", [PanelSpec(columns, rows)]))
    assert _statuses(doc, "T040") == [BAD]
