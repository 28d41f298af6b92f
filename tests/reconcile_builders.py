"""Build realistic Documents (tables with cells *and* line items) for reconciliation tests.

The parser is not needed: a table is given as panels of rows, each row a code (or None),
a name and the amounts as printed ("1,234.56", "" for blank). Cells, column paths, roles
and line items come out as the table stage would produce them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from extract.model import Cell, Document, LineItem, Page, Panel, Section, Table, TextBlock, TextLine
from extract.reconcile.intervals import is_blank, parse_printed, unit_factor
from extract.reconcile.views import bare_name

Row = tuple[str | None, str, list[str]]


@dataclass
class PanelSpec:
    columns: list[str]
    """Amount column header paths, e.g. ["本年支出/小计", "本年支出/基本支出"]."""
    rows: list[Row]
    name: str = ""
    with_code: bool = True


@dataclass
class TableSpec:
    table_id: str
    table_type: str
    panels: list[PanelSpec]
    unit: str = "元"
    page: int = 3
    title: str = ""
    blank_items: bool = False
    """Also emit line items for blank cells (raw ""), as some parsers may."""
    drop_cells: set[tuple[int, int]] = field(default_factory=set)
    """(row, col) of cells the 'parser' failed to read: no cell, no line item."""
    merged: dict[tuple[int, int], int] = field(default_factory=dict)
    """(row, col) → col_span of a cell printed across the next cells of its row (a label run
    over a neighbouring panel); the cells it covers are not printed (no cell, no line item)."""


def _bbox(row: int, col: int) -> tuple[float, float, float, float]:
    return (40.0 + 60 * col, 100.0 + 14 * row, 98.0 + 60 * col, 112.0 + 14 * row)


def build_table(spec: TableSpec) -> tuple[Table, list[LineItem]]:
    cells: list[Cell] = []
    items: list[LineItem] = []
    paths: list[str] = []
    roles: list[str] = []
    panels: list[Panel] = []
    factor = unit_factor(spec.unit) or 1.0
    n_rows = 1 + max(len(p.rows) for p in spec.panels)
    covered = {(r, c + k) for (r, c), span in spec.merged.items() for k in range(1, span)}
    missing = spec.drop_cells | covered

    def add_cell(row: int, col: int, text: str, header: bool = False) -> None:
        if (row, col) not in missing:
            span = spec.merged.get((row, col), 1)
            x0, y0, _, _ = _bbox(row, col)
            cells.append(
                Cell(
                    row=row,
                    col=col,
                    col_span=span,
                    text=text,
                    page=spec.page,
                    bbox=(x0, y0, _bbox(row, col + span - 1)[2], _bbox(row, col)[3]),
                    is_header=header,
                )
            )

    for panel in spec.panels:
        start = len(paths)
        labels = [("项目/科目编码", "code"), ("项目/科目名称", "label")] if panel.with_code else [("项目", "label")]
        for path, role in [*labels, *((c, "value") for c in panel.columns)]:
            add_cell(0, len(paths), path.split("/")[-1], header=True)
            paths.append(path)
            roles.append(role)
        for i, (code, name, raws) in enumerate(panel.rows, start=1):
            col = start
            if panel.with_code:
                add_cell(i, col, code or "")
                col += 1
            add_cell(i, col, name)
            col += 1
            for column, raw in zip(panel.columns, raws, strict=True):
                add_cell(i, col, raw)
                number = parse_printed(raw)
                keep = (number is not None or (spec.blank_items and is_blank(raw))) and (i, col) not in missing
                if keep:
                    value = float(number.value) * factor if number else 0.0
                    items.append(
                        LineItem(
                            table_id=spec.table_id,
                            table_type=spec.table_type,
                            panel=panel.name,
                            code=code,
                            name=bare_name(name),
                            column=column,
                            value=round(value, 6),
                            raw=raw,
                            unit=spec.unit,
                            row=i,
                            col=col,
                            page=spec.page,
                            bbox=_bbox(i, col),
                        )
                    )
                col += 1
        panels.append(Panel(name=panel.name, col_start=start, col_end=len(paths)))
    table = Table(
        table_id=spec.table_id,
        table_type=spec.table_type,
        title=spec.title,
        pages=[spec.page],
        bbox=(30.0, 90.0, 560.0, 800.0),
        unit=spec.unit,
        n_rows=n_rows,
        n_cols=len(paths),
        header_rows=1,
        column_paths=paths,
        column_roles=roles,
        panels=panels,
        cells=cells,
    )
    return table, items


def build_document(*specs: TableSpec, doc_id: str = "test") -> Document:
    doc = Document(doc_id=doc_id, path=f"/tmp/{doc_id}.pdf")
    for spec in specs:
        table, items = build_table(spec)
        doc.tables.append(table)
        doc.line_items.extend(items)
    return doc


# -- a real disclosure, transcribed ----------------------------------------------------------
# 大同市应急管理局 2022年度部门决算 (seed 000_59f9a64325e311ff), 元; 类 rows complete, 款/项
# rows kept for 208 and 224 only. Every identity the checks know holds in it.

INCOME_ROWS: list[Row] = [
    (None, "合计", ["78897760.75", "78896364.83", "", "", "", "", "1395.92"]),
    ("208", "社会保障和就业支出", ["9140412.94", "9140412.94", "", "", "", "", ""]),
    ("20802", "民政管理事务", ["196051.00", "196051.00", "", "", "", "", ""]),
    ("2080299", "其他民政管理事务支出", ["196051.00", "196051.00", "", "", "", "", ""]),
    ("20805", "行政事业单位养老支出", ["8868221.94", "8868221.94", "", "", "", "", ""]),
    ("2080501", "行政单位离退休", ["3656497.96", "3656497.96", "", "", "", "", ""]),
    ("2080502", "事业单位离退休", ["1868640.45", "1868640.45", "", "", "", "", ""]),
    ("2080505", "机关事业单位基本养老保险缴费支出", ["3145301.86", "3145301.86", "", "", "", "", ""]),
    ("2080506", "机关事业单位职业年金缴费支出", ["197781.67", "197781.67", "", "", "", "", ""]),
    ("20809", "退役安置", ["76140.00", "76140.00", "", "", "", "", ""]),
    ("2080905", "军队转业干部安置", ["76140.00", "76140.00", "", "", "", "", ""]),
    ("210", "卫生健康支出", ["1339305.49", "1339305.49", "", "", "", "", ""]),
    ("213", "农林水支出", ["2740833.21", "2740833.21", "", "", "", "", ""]),
    ("221", "住房保障支出", ["3616476.59", "3616476.59", "", "", "", "", ""]),
    ("222", "粮油物资储备支出", ["7669800.00", "7669800.00", "", "", "", "", ""]),
    ("224", "灾害防治及应急管理支出", ["54390932.52", "54389536.60", "", "", "", "", "1395.92"]),
    ("22401", "应急管理事务", ["47452067.23", "47450745.31", "", "", "", "", "1321.92"]),
    ("2240101", "行政运行", ["14733013.04", "14733013.04", "", "", "", "", ""]),
    ("2240104", "灾害风险防治", ["1225800.00", "1225800.00", "", "", "", "", ""]),
    ("2240106", "安全监管", ["1473458.00", "1473458.00", "", "", "", "", ""]),
    ("2240150", "事业运行", ["22583275.34", "22581953.42", "", "", "", "", "1321.92"]),
    ("2240199", "其他应急管理支出", ["7436520.85", "7436520.85", "", "", "", "", ""]),
    ("22405", "地震事务", ["3764125.29", "3764051.29", "", "", "", "", "74.00"]),
    ("2240501", "行政运行", ["2221915.29", "2221841.29", "", "", "", "", "74.00"]),
    ("2240550", "地震事业机构", ["891591.69", "891591.69", "", "", "", "", ""]),
    ("2240599", "其他地震事务支出", ["650618.31", "650618.31", "", "", "", "", ""]),
    ("22407", "自然灾害救灾及恢复重建支出", ["3174740.00", "3174740.00", "", "", "", "", ""]),
    ("2240703", "自然灾害救灾补助", ["3174740.00", "3174740.00", "", "", "", "", ""]),
]

EXPENDITURE_ROWS: list[Row] = [
    (None, "合计", ["78896591.33", "47100972.89", "31795618.44", "", "", ""]),
    ("208", "社会保障和就业支出", ["9140412.94", "8748221.94", "392191.00", "", "", ""]),
    ("20802", "民政管理事务", ["196051.00", "", "196051.00", "", "", ""]),
    ("2080299", "其他民政管理事务支出", ["196051.00", "", "196051.00", "", "", ""]),
    ("20805", "行政事业单位养老支出", ["8868221.94", "8748221.94", "120000.00", "", "", ""]),
    ("2080501", "行政单位离退休", ["3656497.96", "3656497.96", "", "", "", ""]),
    ("2080502", "事业单位离退休", ["1868640.45", "1748640.45", "120000.00", "", "", ""]),
    ("2080505", "机关事业单位基本养老保险缴费支出", ["3145301.86", "3145301.86", "", "", "", ""]),
    ("2080506", "机关事业单位职业年金缴费支出", ["197781.67", "197781.67", "", "", "", ""]),
    ("20809", "退役安置", ["76140.00", "", "76140.00", "", "", ""]),
    ("2080905", "军队转业干部安置", ["76140.00", "", "76140.00", "", "", ""]),
    ("210", "卫生健康支出", ["1339305.49", "1339305.49", "", "", "", ""]),
    ("213", "农林水支出", ["2740833.21", "", "2740833.21", "", "", ""]),
    ("221", "住房保障支出", ["3616476.59", "3616476.59", "", "", "", ""]),
    ("222", "粮油物资储备支出", ["7669800.00", "", "7669800.00", "", "", ""]),
    ("224", "灾害防治及应急管理支出", ["54389763.10", "33396968.87", "20992794.23", "", "", ""]),
    ("22401", "应急管理事务", ["47450971.81", "30283535.89", "17167435.92", "", "", ""]),
    ("2240101", "行政运行", ["14733013.04", "14733013.04", "", "", "", ""]),
    ("2240104", "灾害风险防治", ["1225800.00", "", "1225800.00", "", "", ""]),
    ("2240106", "安全监管", ["1473458.00", "", "1473458.00", "", "", ""]),
    ("2240150", "事业运行", ["22582179.92", "15550522.85", "7031657.07", "", "", ""]),
    ("2240199", "其他应急管理支出", ["7436520.85", "", "7436520.85", "", "", ""]),
    ("22405", "地震事务", ["3764051.29", "3113432.98", "650618.31", "", "", ""]),
    ("2240501", "行政运行", ["2221841.29", "2221841.29", "", "", "", ""]),
    ("2240550", "地震事业机构", ["891591.69", "891591.69", "", "", "", ""]),
    ("2240599", "其他地震事务支出", ["650618.31", "", "650618.31", "", "", ""]),
    ("22407", "自然灾害救灾及恢复重建支出", ["3174740.00", "", "3174740.00", "", "", ""]),
    ("2240703", "自然灾害救灾补助", ["3174740.00", "", "3174740.00", "", "", ""]),
]

GENERAL_BUDGET_ROWS: list[Row] = [
    (None, "合计", ["78896328.83", "47100710.39", "31795618.44"]),
    ("208", "社会保障和就业支出", ["9140412.94", "8748221.94", "392191.00"]),
    ("20802", "民政管理事务", ["196051.00", "", "196051.00"]),
    ("2080299", "其他民政管理事务支出", ["196051.00", "", "196051.00"]),
    ("20805", "行政事业单位养老支出", ["8868221.94", "8748221.94", "120000.00"]),
    ("2080501", "行政单位离退休", ["3656497.96", "3656497.96", ""]),
    ("2080502", "事业单位离退休", ["1868640.45", "1748640.45", "120000.00"]),
    ("2080505", "机关事业单位基本养老保险缴费支出", ["3145301.86", "3145301.86", ""]),
    ("2080506", "机关事业单位职业年金缴费支出", ["197781.67", "197781.67", ""]),
    ("20809", "退役安置", ["76140.00", "", "76140.00"]),
    ("2080905", "军队转业干部安置", ["76140.00", "", "76140.00"]),
    ("210", "卫生健康支出", ["1339305.49", "1339305.49", ""]),
    ("213", "农林水支出", ["2740833.21", "", "2740833.21"]),
    ("221", "住房保障支出", ["3616476.59", "3616476.59", ""]),
    ("222", "粮油物资储备支出", ["7669800.00", "", "7669800.00"]),
    ("224", "灾害防治及应急管理支出", ["54389500.60", "33396706.37", "20992794.23"]),
    ("22401", "应急管理事务", ["47450709.31", "30283273.39", "17167435.92"]),
    ("2240101", "行政运行", ["14733013.04", "14733013.04", ""]),
    ("2240104", "灾害风险防治", ["1225800.00", "", "1225800.00"]),
    ("2240106", "安全监管", ["1473458.00", "", "1473458.00"]),
    ("2240150", "事业运行", ["22581917.42", "15550260.35", "7031657.07"]),
    ("2240199", "其他应急管理支出", ["7436520.85", "", "7436520.85"]),
    ("22405", "地震事务", ["3764051.29", "3113432.98", "650618.31"]),
    ("2240501", "行政运行", ["2221841.29", "2221841.29", ""]),
    ("2240550", "地震事业机构", ["891591.69", "891591.69", ""]),
    ("2240599", "其他地震事务支出", ["650618.31", "", "650618.31"]),
    ("22407", "自然灾害救灾及恢复重建支出", ["3174740.00", "", "3174740.00"]),
    ("2240703", "自然灾害救灾补助", ["3174740.00", "", "3174740.00"]),
]

SUMMARY_INCOME_ROWS: list[Row] = [
    (None, "一、一般公共预算财政拨款收入", ["78896364.83"]),
    (None, "二、政府性基金预算财政拨款收入", [""]),
    (None, "三、国有资本经营预算财政拨款收入", [""]),
    (None, "四、上级补助收入", [""]),
    (None, "五、事业收入", [""]),
    (None, "六、经营收入", [""]),
    (None, "七、附属单位上缴收入", [""]),
    (None, "八、其他收入", ["1395.92"]),
    (None, "本年收入合计", ["78897760.75"]),
    (None, "使用非财政拨款结余", [""]),
    (None, "年初结转和结余", ["127540.51"]),
    (None, "总计", ["79025301.26"]),
]

SUMMARY_EXPENDITURE_ROWS: list[Row] = [
    ("201", "一、一般公共服务支出", [""]),
    ("208", "八、社会保障和就业支出", ["9140412.94"]),
    ("210", "九、卫生健康支出", ["1339305.49"]),
    ("213", "十二、农林水支出", ["2740833.21"]),
    ("221", "十九、住房保障支出", ["3616476.59"]),
    ("222", "二十、粮油物资储备支出", ["7669800.00"]),
    ("224", "二十二、灾害防治及应急管理支出", ["54389763.10"]),
    ("229", "二十三、其他支出", [""]),
    (None, "本年支出合计", ["78896591.33"]),
    (None, "结余分配", ["148.48"]),
    (None, "年末结转和结余", ["128561.45"]),
    (None, "总计", ["79025301.26"]),
]

GRANT_INCOME_ROWS: list[Row] = [
    (None, "一、一般公共预算财政拨款", ["78896364.83"]),
    (None, "二、政府性基金预算财政拨款", [""]),
    (None, "三、国有资本经营预算财政拨款", [""]),
    (None, "本年收入合计", ["78896364.83"]),
    (None, "年初财政拨款结转和结余", ["92243.05"]),
    (None, "一般公共预算财政拨款", ["92243.05"]),
    (None, "政府性基金预算财政拨款", [""]),
    (None, "国有资本经营预算财政拨款", [""]),
    (None, "收入总计", ["78988607.88"]),
]

GRANT_EXPENDITURE_ROWS: list[Row] = [
    ("201", "一、一般公共服务支出", ["", "", "", ""]),
    ("208", "八、社会保障和就业支出", ["9140412.94", "9140412.94", "", ""]),
    ("210", "九、卫生健康支出", ["1339305.49", "1339305.49", "", ""]),
    ("213", "十二、农林水支出", ["2740833.21", "2740833.21", "", ""]),
    ("221", "十九、住房保障支出", ["3616476.59", "3616476.59", "", ""]),
    ("222", "二十、粮油物资储备支出", ["7669800.00", "7669800.00", "", ""]),
    ("224", "二十二、灾害防治及应急管理支出", ["54389500.60", "54389500.60", "", ""]),
    (None, "本年支出合计", ["78896328.83", "78896328.83", "", ""]),
    (None, "年末财政拨款结转和结余", ["92279.05", "92279.05", "", ""]),
    (None, "", ["", "", "", ""]),
    (None, "", ["", "", "", ""]),
    (None, "", ["", "", "", ""]),
    (None, "总计", ["78988607.88", "78988607.88", "", ""]),
]

THREE_PUBLIC_COLUMNS = [
    f"{measure}/{part}"
    for measure in ("预算数", "决算数")
    for part in (
        "合计",
        "因公出国（境）费",
        "公务用车购置及运行维护费/小计",
        "公务用车购置及运行维护费/公务用车购置费",
        "公务用车购置及运行维护费/公务用车运行维护费",
        "公务接待费",
    )
]
THREE_PUBLIC_ROWS: list[Row] = [
    (None, "", ["508000.00", "", "508000.00", "", "508000.00", "", "492464.12", "", "492464.12", "", "492464.12", ""]),
]


def datong_2022() -> list[TableSpec]:
    """The 决算 tables of the seed document, as TableSpecs (ids t01…t07 as in its 公开NN表)."""
    return [
        TableSpec(
            "t01",
            "final.income_expenditure_summary",
            [
                PanelSpec(["决算数"], SUMMARY_INCOME_ROWS, name="收入", with_code=False),
                PanelSpec(["决算数"], SUMMARY_EXPENDITURE_ROWS, name="支出", with_code=False),
            ],
        ),
        TableSpec(
            "t02",
            "final.income",
            [PanelSpec(INCOME_COLUMNS, INCOME_ROWS)],
        ),
        TableSpec("t03", "final.expenditure", [PanelSpec(EXPENDITURE_COLUMNS, EXPENDITURE_ROWS)]),
        TableSpec(
            "t04",
            "final.fiscal_grant_summary",
            [
                PanelSpec(["金额"], GRANT_INCOME_ROWS, name="收入", with_code=False),
                PanelSpec(GRANT_EXPENDITURE_COLUMNS, GRANT_EXPENDITURE_ROWS, name="支出", with_code=False),
            ],
        ),
        TableSpec(
            "t05",
            "final.general_budget_expenditure",
            [PanelSpec(["本年支出/小计", "本年支出/基本支出", "本年支出/项目支出"], GENERAL_BUDGET_ROWS)],
        ),
        TableSpec("t07", "final.three_public", [PanelSpec(THREE_PUBLIC_COLUMNS, THREE_PUBLIC_ROWS, with_code=False)]),
    ]


INCOME_COLUMNS = [
    "本年收入合计",
    "财政拨款收入",
    "上级补助收入",
    "事业收入",
    "经营收入",
    "附属单位上缴收入",
    "其他收入",
]
EXPENDITURE_COLUMNS = ["本年支出合计", "基本支出", "项目支出", "上缴上级支出", "经营支出", "对附属单位补助支出"]
GRANT_EXPENDITURE_COLUMNS = ["合计", "一般公共预算财政拨款", "政府性基金预算财政拨款", "国有资本经营预算财政拨款"]


# -- printed text around the tables ------------------------------------------------------------


def line(text: str, page: int = 1, y: float = 100.0) -> TextLine:
    return TextLine(text=text, page=page, bbox=(60.0, y, 60.0 + 12 * len(text), y + 12), font_size=12)


def page_with(number: int, *lines: TextLine) -> Page:
    return Page(number=number, width=595, height=842, blocks=[TextBlock(page=number, bbox=(60, 60, 540, 800), lines=list(lines))])


def heading(numbering: str, title: str, page: int = 1, children: list[Section] | None = None) -> Section:
    bbox = (60.0, 80.0, 300.0, 92.0)
    return Section(level=1, numbering=numbering, title=title, page_start=page, page_end=page, bbox=bbox, children=children or [])


def grid_table(table_id: str, table_type: str, header: list[str], rows: list[list[str]], page: int = 3, **extra) -> Table:
    """A plain grid (no line items): one header row, then `rows`; columns named by `header`."""
    cells = [Cell(row=0, col=c, text=h, page=page, bbox=_bbox(0, c), is_header=True) for c, h in enumerate(header)]
    for r, row in enumerate(rows, 1):
        cells += [Cell(row=r, col=c, text=t, page=page, bbox=_bbox(r, c)) for c, t in enumerate(row) if t]
    return Table(
        table_id=table_id,
        table_type=table_type,
        pages=[page],
        bbox=(40.0, 100.0, 560.0, 100.0 + 14 * (len(rows) + 1)),
        n_rows=len(rows) + 1,
        n_cols=len(header),
        header_rows=1,
        column_paths=header,
        cells=cells,
        **extra,
    )
