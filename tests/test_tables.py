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
