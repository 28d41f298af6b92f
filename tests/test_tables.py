"""Table assembly and line items on drawn PDFs: titles, units, continued tables, header paths,
panels, split code columns, 行次 columns, 万元."""

from extract.model import LineItem
from extract.pipeline import process
from extract.tables.items import resolve_codes

HEADER = [["项目", None, None, None, "支出预算", None, None], ["类", "款", "项", "科目名称", "合计", "基本支出", "项目支出"]]


def _continued_table(drawer, path):
    d = drawer()
    d.text(200, 60, "2024年部门支出预算总表", 14)
    d.text(50, 88, "编制部门：测试区测试局")
    d.text(480, 88, "单位：元")
    d.grid(
        50,
        100,
        [40, 30, 30, 140, 80, 80, 80],
        [
            *HEADER,
            ["201", "", "", "一般公共服务支出", "300", "100", "200"],
            ["201", "03", "", "政府办公厅（室）及相关机构事务", "300", "100", "200"],
            ["201", "03", "01", "行政运行", "100", "100", "0"],
        ],
    )
    d.new_page()
    d.grid(
        50,
        60,
        [40, 30, 30, 140, 80, 80, 80],
        [
            *HEADER,
            ["", "", "02", "一般行政管理事务", "200", "0", "200"],
            ["合计", None, None, None, "300", "100", "200"],
        ],
    )
    return process(d.save(path))


def test_table_continued_on_next_page_is_one_table(drawer, tmp_path):
    doc = _continued_table(drawer, tmp_path / "cont.pdf")
    assert len(doc.tables) == 1
    table = doc.tables[0]
    assert table.pages == [1, 2]
    assert table.title == "2024年部门支出预算总表"
    assert table.unit == "元"
    assert table.table_type == "budget.expenditure"
    assert table.header_rows == 2
    assert table.n_rows == 7  # the repeated header on page 2 is dropped
    assert table.column_paths[:5] == ["项目/类", "项目/款", "项目/项", "项目/科目名称", "支出预算/合计"]
    assert table.column_roles == ["code", "code", "code", "label", "value", "value", "value"]


def test_split_codes_inherit_their_parents(drawer, tmp_path):
    doc = _continued_table(drawer, tmp_path / "cont.pdf")
    by_name = {(i.name, i.column): i for i in doc.line_items}
    assert by_name[("一般公共服务支出", "支出预算/合计")].code == "201"
    assert by_name[("行政运行", "支出预算/合计")].code == "2010301"
    item = by_name[("一般行政管理事务", "支出预算/项目支出")]
    assert item.code == "2010302"  # printed "02" only; 类 and 款 come from the rows above
    assert item.page == 2 and item.value == 200.0
    total = by_name[("合计", "支出预算/合计")]
    assert total.code is None and total.raw == "300"


def test_panels_index_columns_and_wan_yuan(drawer, tmp_path):
    d = drawer(842, 595)
    d.text(300, 50, "收入支出决算总表", 14)
    d.text(40, 78, "公开01表")
    d.text(700, 78, "金额单位：万元")
    d.grid(
        40,
        90,
        [160, 40, 90, 160, 40, 90],
        [
            ["收入", None, None, "支出", None, None],
            ["项目", "行次", "决算数", "项目", "行次", "决算数"],
            ["栏次", "", "1", "栏次", "", "2"],
            ["一、一般公共预算财政拨款收入", "1", "123.45", "一、一般公共服务支出", "32", "100.00"],
            ["", "2", "", "二、教育支出", "33", "23.45"],
            ["本年收入合计", "3", "123.45", "本年支出合计", "34", "123.45"],
        ],
    )
    doc = process(d.save(tmp_path / "summary.pdf"))
    table = doc.tables[0]
    assert table.table_type == "final.income_expenditure_summary"
    assert table.number_label == "公开01表"
    assert [p.name for p in table.panels] == ["收入", "支出"]
    assert table.column_roles == ["label", "index", "value", "label", "index", "value"]
    items = {(i.panel, i.name): i for i in doc.line_items}
    assert len(doc.line_items) == 5  # 行次 and 栏次 numbers are not amounts
    assert items[("收入", "一般公共预算财政拨款收入")].value == 1234500.0
    assert items[("收入", "一般公共预算财政拨款收入")].unit == "万元"
    assert items[("支出", "教育支出")].code == "205"  # 类 named without a code
    assert items[("支出", "本年支出合计")].column == "支出/决算数"


def test_title_with_no_table_under_it_is_not_a_table(drawer, tmp_path):
    d = drawer()
    d.text(200, 60, "政府性基金预算财政拨款收入支出决算表", 14)
    d.text(50, 100, "说明：本单位无政府性基金预算财政拨款收入支出，故本表无数据。")
    doc = process(d.save(tmp_path / "notable.pdf"))
    assert doc.tables == []


def test_codes_printed_with_names_and_resolved_from_names():
    def item(name, code=None, table="t1", row=0):
        return LineItem(
            table_id=table,
            table_type="x",
            name=name,
            code=code,
            column="合计",
            value=1,
            raw="1",
            unit="元",
            row=row,
            col=1,
            page=1,
            bbox=(0, 0, 1, 1),
        )

    items = [
        item("行政运行", "2010101", "t1", 1),
        item("行政运行", "2013101", "t1", 5),
        item("一般公共服务支出", None, "t2", 0),
        item("人大事务", None, "t2", 1),
        item("行政运行", None, "t2", 2),
    ]
    items[3].code = "20101"
    resolve_codes(items)
    assert items[2].code == "201"  # national 类 name
    assert items[4].code == "2010101"  # ambiguous name, resolved under its coded parent row


FORM_WIDTHS = [90, 90, 90, 150, 60]
FORM_TOP = [
    ["项目名称", "应急管理专项", None, None, None],
    ["项目资金(万元)", "年度资金总额", "45.00", "执行率分值", "10"],
    ["", "其中：财政拨款", "45.00", "", ""],
]
INDICATORS = [
    ["绩效指标", "一级指标", "二级指标", "三级指标", "分值"],
    ["", "产出指标", "数量指标", "组织召开年度安全生产会议", "20"],
    ["", "", "质量指标", "重点工作办结率", "10"],
    ["", "效益指标", "社会效益指标", "确保安全可靠", "30"],
]


def _form_over_two_pages(drawer, path, page_two_top: list[str], indicators_from: int):
    """A 绩效目标表 whose funding block fills page 1 and whose indicator rows go on on page 2."""
    d = drawer()
    d.text(200, 60, "应急管理专项绩效目标表", 14)
    rows = FORM_TOP + [["", "", "", "", ""]] * 32 + INDICATORS[:indicators_from]
    d.grid(50, 80, FORM_WIDTHS, rows)
    d.new_page()
    y = 60
    for line in page_two_top:
        d.text(50, y, line)
        y += 20
    d.grid(50, y, FORM_WIDTHS, INDICATORS[indicators_from:])
    return process(d.save(path), tagger=None)


def test_a_continuation_keeps_its_first_rows_when_they_do_not_repeat_the_header(drawer, tmp_path):
    """Indicator rows whose only numbers are two-digit 分值 are not body rows by the header count's measure;
    at the top of a continuation page they are still content, not a repeated header."""
    doc = _form_over_two_pages(drawer, tmp_path / "form.pdf", [], 1)
    (table,) = doc.tables
    assert table.pages == [1, 2]
    grid = table.grid()
    assert [row[3] for row in grid[-3:]] == ["组织召开年度安全生产会议", "重点工作办结率", "确保安全可靠"]
    scores = sorted(i.value for i in doc.line_items if i.page == 2)
    assert scores == [10.0, 20.0, 30.0]


def test_a_continuation_drops_only_the_repeated_header(drawer, tmp_path):
    d = drawer()
    d.text(200, 60, "应急管理专项绩效目标表", 14)
    d.grid(50, 80, FORM_WIDTHS, INDICATORS[:2] + [["", "", "", "", ""]] * 34)
    d.new_page()
    d.grid(50, 60, FORM_WIDTHS, [INDICATORS[0], *INDICATORS[2:]])
    doc = process(d.save(tmp_path / "repeat.pdf"), tagger=None)
    (table,) = doc.tables
    assert [row[0] for row in table.grid()].count("绩效指标") == 1
    assert table.n_rows == 2 + 34 + 2


def test_a_repeated_header_read_a_little_off_is_still_dropped(drawer, tmp_path):
    """A scan's reading of the repeated header is not always the first page's text ("分值." with a speck read as a
    point, 二级指杯 for 二级指标, half a text lost): still the header, not two rows of content."""
    d = drawer()
    d.text(200, 60, "应急管理专项绩效目标表", 14)
    d.grid(50, 80, FORM_WIDTHS, INDICATORS[:2] + [["", "", "", "", ""]] * 34)
    d.new_page()
    d.grid(50, 60, FORM_WIDTHS, [["绩效指标", "一级指标", "二级指杯", "三级", "分值."], *INDICATORS[2:]])
    doc = process(d.save(tmp_path / "misread.pdf"), tagger=None)
    (table,) = doc.tables
    assert table.n_rows == 2 + 34 + 2
    assert [row[3] for row in table.grid()[-2:]] == ["重点工作办结率", "确保安全可靠"]


def test_a_grid_under_narrative_does_not_continue_the_previous_page(drawer, tmp_path):
    """Page 2 prints paragraphs, then an untitled grid with other columns: a table of its own, even though the
    page-1 table reached the bottom of its page."""
    narrative = ["整体绩效目标：立足防大汛、抗大旱。", "部门整体支出年度绩效指标"]
    doc = _form_over_two_pages(drawer, tmp_path / "two.pdf", narrative, 0)
    assert [t.pages for t in doc.tables] == [[1], [2]]
    first, second = doc.tables
    assert second.grid()[0] == INDICATORS[0]
    assert first.n_rows == len(FORM_TOP) + 32


def test_a_one_row_strip_of_chart_data_is_not_a_table_of_line_items(drawer, tmp_path):
    """A chart's data pasted as a table under the 三公 headings: labels and numbers side by side, no header."""
    d = drawer()
    d.text(50, 60, "十、一般公共预算财政拨款“三公”经费支出决算表", 12)
    strip = ["列1", "基本支出", "项目支出", "1797.04", "1222.5", "2019年", "收入", "支出", "1867.1", "1950.41"]
    d.grid(50, 80, [40] * 10, [strip])
    doc = process(d.save(tmp_path / "strip.pdf"), tagger=None)
    (table,) = doc.tables
    assert (table.n_rows, table.header_rows) == (1, 0)
    assert table.table_type == "other"
    assert doc.line_items == []


def test_list_lines_above_a_grid_are_not_joined_into_its_title(drawer, tmp_path):
    """A report's closing lines ("附件：1.…表", "2.…自评表") printed just above an appendix table, at its size and
    left edge: each starts an item of its own, so the title is the appendix's, not a 项目支出绩效自评表's."""
    d = drawer()
    for k, line in enumerate(
        ["无", "附件：1.绩效评价基础数据表", "2.项目支出绩效自评表", "附件：", "2022年安全生产专项资金安排建议表"]
    ):
        d.text(60, 400 + 22 * k, line, 11)
    d.grid(
        60,
        500,
        [40, 200, 150, 80],
        [["序号", "项目名称", "项目单位", "支持资金(万元)"], ["1", "酃湖汽车站安全隐患治理", "天安客运公司", "15"]],
    )
    doc = process(d.save(tmp_path / "appendix.pdf"), tagger=None)
    (table,) = doc.tables
    assert table.title.endswith("2022年安全生产专项资金安排建议表")
    assert "自评表" not in table.title
    assert table.table_type == "other"


def test_form_info_lines_are_not_joined_into_the_title_below_them(drawer, tmp_path):
    d = drawer()
    d.text(60, 80, "填表人：周源 填报日期：2023年4月6日 联系电话：8869656", 11)
    d.text(60, 100, "项目支出绩效自评表", 11)
    d.grid(60, 120, [100, 200, 100], [["项目名称", "安委会工作经费", ""], ["年度资金总额", "45", "45"]])
    doc = process(d.save(tmp_path / "form.pdf"), tagger=None)
    (table,) = doc.tables
    assert table.title == "项目支出绩效自评表"


def test_points_and_rates_keep_their_size_in_a_wan_yuan_table(drawer, tmp_path):
    """A 万元 自评表's money columns are scaled to 元; its 分值/得分 columns are points and its 执行率 a rate,
    printed as they are (a 分值 of 10 is not 100,000 元)."""
    d = drawer()
    d.text(200, 60, "项目支出绩效自评表", 14)
    d.text(420, 80, "金额单位：万元")
    d.grid(
        50,
        95,
        [110, 70, 70, 50, 60, 50],
        [
            ["项目", "年初预算数", "全年执行数", "分值", "执行率", "得分"],
            ["年度资金总额", "50.00", "48.00", "10", "96.00", "9.6"],
        ],
    )
    doc = process(d.save(tmp_path / "self_eval.pdf"), tagger=None)
    items = {i.column: (i.value, i.unit) for i in doc.line_items}
    assert items == {
        "年初预算数": (500000.0, "万元"),
        "全年执行数": (480000.0, "万元"),
        "分值": (10.0, "分"),
        "执行率": (96.0, "%"),
        "得分": (9.6, "分"),
    }
