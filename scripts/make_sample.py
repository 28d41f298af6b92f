"""Generate ``samples/sample_final_2023.pdf``: a made-up 2023年度部门决算 and its truth file.

The department (云溪市市场监督管理局) and every number are invented, but the
numbers are internally consistent the way real 部门决算 tables are:

* 合计 = Σ类, 类 = Σ款, 款 = Σ项 in 公开02/03/05;
* 收入总计 = 支出总计 in 公开01 and 公开04;
* cross-table totals agree (公开01 本年收入合计 = 公开02 合计, 公开03 合计 =
  公开01 本年支出合计, 公开05 = 公开04 财政拨款支出, 公开06 人员经费 + 公用经费
  = 公开05 基本支出, 公开07 运行费/接待费 = 公开06 30231/30217 in 万元, 公开10
  机关运行经费 = 公开06 公用经费);
* the narrative in 第三部分 restates the table numbers.

Amounts are handled as integer 分 to keep sums exact.  Some tables print
thousands separators (01, 04, 05, 06, 10), others do not (02, 03); 公开07 is
in 万元.  公开05 prints the 功能分类 code in three columns 类|款|项 (Shanghai
style), all other tables in one column.  Run with no arguments; the output is
deterministic (fixed random seed).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pdfgen import FINAL_TABLE_TYPES, Cell, PdfWriter, Row, TableSpec, table_truth

DEPT = "云溪市市场监督管理局"
YEAR = 2023
ROOT = Path(__file__).resolve().parent.parent
INFO = (f"编制单位：{DEPT}", f"{YEAR}年度", "金额单位：元")

# 功能分类 tree: 类 -> 款 -> 项 (code, name, kind) with kind B basic / P project / M mixed.
FUNC_TREE: list[tuple[str, str, list[tuple[str, str, list[tuple[str, str, str]]]]]] = [
    (
        "201",
        "一般公共服务支出",
        [
            (
                "20138",
                "市场监督管理事务",
                [
                    ("2013801", "行政运行", "B"),
                    ("2013802", "一般行政管理事务", "P"),
                    ("2013803", "机关服务", "M"),
                    ("2013804", "市场主体管理", "P"),
                    ("2013805", "市场秩序执法", "P"),
                    ("2013808", "信息化建设", "P"),
                    ("2013810", "质量基础", "P"),
                    ("2013812", "药品事务", "P"),
                    ("2013813", "医疗器械事务", "P"),
                    ("2013815", "质量安全监管", "P"),
                    ("2013816", "食品安全监管", "P"),
                    ("2013850", "事业运行", "M"),
                    ("2013899", "其他市场监督管理事务", "P"),
                ],
            ),
        ],
    ),
    (
        "206",
        "科学技术支出",
        [
            ("20604", "技术研究与开发", [("2060499", "其他技术研究与开发支出", "P")]),
        ],
    ),
    (
        "208",
        "社会保障和就业支出",
        [
            (
                "20805",
                "行政事业单位养老支出",
                [
                    ("2080501", "行政单位离退休", "B"),
                    ("2080502", "事业单位离退休", "B"),
                    ("2080505", "机关事业单位基本养老保险缴费支出", "B"),
                    ("2080506", "机关事业单位职业年金缴费支出", "B"),
                ],
            ),
            ("20808", "抚恤", [("2080801", "死亡抚恤", "B")]),
        ],
    ),
    (
        "210",
        "卫生健康支出",
        [
            (
                "21011",
                "行政事业单位医疗",
                [
                    ("2101101", "行政单位医疗", "B"),
                    ("2101102", "事业单位医疗", "B"),
                    ("2101103", "公务员医疗补助", "B"),
                ],
            ),
        ],
    ),
    (
        "221",
        "住房保障支出",
        [
            ("22102", "住房改革支出", [("2210201", "住房公积金", "B"), ("2210203", "购房补贴", "B")]),
        ],
    ),
]

# The standard 26 expenditure 类 lines of 公开01/04, and which of ours sits on which line.
EXP_CLASSES = [
    "一般公共服务支出",
    "外交支出",
    "国防支出",
    "公共安全支出",
    "教育支出",
    "科学技术支出",
    "文化旅游体育与传媒支出",
    "社会保障和就业支出",
    "卫生健康支出",
    "节能环保支出",
    "城乡社区支出",
    "农林水支出",
    "交通运输支出",
    "资源勘探工业信息等支出",
    "商业服务业等支出",
    "金融支出",
    "援助其他地区支出",
    "自然资源海洋气象等支出",
    "住房保障支出",
    "粮油物资储备支出",
    "国有资本经营预算支出",
    "灾害防治及应急管理支出",
    "其他支出",
    "债务还本支出",
    "债务付息支出",
    "抗疫特别国债安排的支出",
]
CN_NUM = "一二三四五六七八九十"


def cn_ordinal(n: int) -> str:
    """1 -> 一, 12 -> 十二, 20 -> 二十, 26 -> 二十六."""
    if n <= 10:
        return CN_NUM[n - 1]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else CN_NUM[tens - 1]) + "十" + (CN_NUM[ones - 1] if ones else "")


def yuan(cents: int, sep: bool = True) -> str:
    """Integer 分 -> "1,234.56" (or "1234.56"); 0 -> "" (empty cell)."""
    if cents == 0:
        return ""
    whole, frac = divmod(cents, 100)
    return f"{whole:,}.{frac:02d}" if sep else f"{whole}.{frac:02d}"


def yuan_text(cents: int) -> str:
    """Amount as written in the narrative ("0元" rather than empty)."""
    return yuan(cents) if cents else "0"


def split(total: int, weights: list[float]) -> list[int]:
    """Split ``total`` 分 proportionally to ``weights``; the parts sum exactly to ``total``."""
    s = sum(weights)
    parts = [int(total * w / s) for w in weights]
    parts[0] += total - sum(parts)
    return parts


@dataclass
class Leaf:
    code: str
    name: str
    basic: int  # 基本支出 (all sources)
    project: int  # 项目支出 (all sources)
    fiscal_basic: int  # of which 一般公共预算财政拨款
    fiscal_project: int
    fiscal_income: int  # 财政拨款收入
    service_income: int = 0  # 事业收入
    other_income: int = 0  # 其他收入


@dataclass
class Data:
    leaves: list[Leaf]
    fiscal_carry_begin: int  # 年初财政拨款结转和结余
    other_carry_begin: int  # 年初 非财政拨款 结转和结余
    personnel: list[tuple[str, str, int]] = field(default_factory=list)  # 人员经费 items (code, name, 分)
    public: list[tuple[str, str, int]] = field(default_factory=list)  # 公用经费 items


def make_data(rng: random.Random) -> Data:
    """Invent leaf amounts, then derive the economic-classification detail from them."""
    magnitude = {
        "2013801": 18_600_000,
        "2013802": 1_350_000,
        "2013803": 2_100_000,
        "2013804": 640_000,
        "2013805": 3_280_000,
        "2013808": 1_870_000,
        "2013810": 920_000,
        "2013812": 760_000,
        "2013813": 410_000,
        "2013815": 1_150_000,
        "2013816": 4_560_000,
        "2013850": 9_800_000,
        "2013899": 530_000,
        "2060499": 380_000,
        "2080501": 2_950_000,
        "2080502": 1_240_000,
        "2080505": 2_470_000,
        "2080506": 980_000,
        "2080801": 186_000,
        "2101101": 1_050_000,
        "2101102": 620_000,
        "2101103": 230_000,
        "2210201": 2_680_000,
        "2210203": 450_000,
    }
    leaves: list[Leaf] = []
    for _, _, kuans in FUNC_TREE:
        for _, _, xiangs in kuans:
            for code, name, kind in xiangs:
                total = int(magnitude[code] * rng.uniform(0.9, 1.1)) * 100 + rng.randrange(100)
                if kind == "B":
                    basic, project = total, 0
                elif kind == "P":
                    basic, project = 0, total
                else:
                    basic = int(total * rng.uniform(0.6, 0.8))
                    project = total - basic
                leaves.append(Leaf(code, name, basic, project, basic, project, basic + project))
    # 事业运行 is partly funded by 事业收入 and 其他收入 (non-fiscal money).
    unit = next(leaf for leaf in leaves if leaf.code == "2013850")
    nonfiscal_basic, nonfiscal_project = 86_432_150, 41_208_000
    unit.fiscal_basic -= nonfiscal_basic
    unit.fiscal_project -= nonfiscal_project
    unit.fiscal_income = unit.fiscal_basic + unit.fiscal_project
    unit.service_income = 118_640_000
    unit.other_income = 2_351_736
    # One project was not fully spent: its 财政拨款收入 exceeds the 财政拨款支出.
    other = next(leaf for leaf in leaves if leaf.code == "2013899")
    other.fiscal_income += 3_500_000
    data = Data(leaves, fiscal_carry_begin=12_845_000, other_carry_begin=5_630_412)

    fiscal_basic = sum(leaf.fiscal_basic for leaf in leaves)
    public_total = int(fiscal_basic * 0.13)
    personnel_total = fiscal_basic - public_total
    personnel_items = [
        ("30101", "基本工资", 20),
        ("30102", "津贴补贴", 14),
        ("30103", "奖金", 3),
        ("30107", "绩效工资", 12),
        ("30108", "机关事业单位基本养老保险缴费", 9),
        ("30109", "职业年金缴费", 3.5),
        ("30110", "职工基本医疗保险缴费", 4.2),
        ("30111", "公务员医疗补助缴费", 0.8),
        ("30112", "其他社会保障缴费", 0.6),
        ("30113", "住房公积金", 8.5),
        ("30199", "其他工资福利支出", 1.1),
        ("30302", "退休费", 7.5),
        ("30305", "生活补助", 0.4),
        ("30309", "奖励金", 0.2),
    ]
    public_items = [
        ("30201", "办公费", 9),
        ("30202", "印刷费", 2),
        ("30205", "水费", 1.2),
        ("30206", "电费", 6),
        ("30207", "邮电费", 3),
        ("30209", "物业管理费", 11),
        ("30211", "差旅费", 6.5),
        ("30213", "维修（护）费", 4),
        ("30216", "培训费", 2.4),
        ("30217", "公务接待费", 0.6),
        ("30226", "劳务费", 8),
        ("30228", "工会经费", 7),
        ("30229", "福利费", 5),
        ("30231", "公务用车运行维护费", 5.5),
        ("30239", "其他交通费用", 12),
        ("30299", "其他商品和服务支出", 4.3),
        ("31002", "办公设备购置", 3.5),
    ]
    p_amounts = split(personnel_total, [w * rng.uniform(0.95, 1.05) for _, _, w in personnel_items])
    c_amounts = split(public_total, [w * rng.uniform(0.95, 1.05) for _, _, w in public_items])
    data.personnel = [(c, n, a) for (c, n, _), a in zip(personnel_items, p_amounts, strict=True)]
    data.public = [(c, n, a) for (c, n, _), a in zip(public_items, c_amounts, strict=True)]
    return data


# --------------------------------------------------------------------- totals
def sums_by(leaves: list[Leaf], prefix_len: int, attr: str) -> dict[str, int]:
    out: dict[str, int] = {}
    for leaf in leaves:
        key = leaf.code[:prefix_len]
        out[key] = out.get(key, 0) + getattr(leaf, attr)
    return out


@dataclass
class Totals:
    fiscal_income: int
    service_income: int
    other_income: int
    income: int
    expenditure: int
    basic: int
    project: int
    fiscal_exp: int
    fiscal_basic: int
    fiscal_project: int
    carry_begin: int
    carry_end: int
    fiscal_carry_begin: int
    fiscal_carry_end: int
    grand_total: int
    fiscal_grand_total: int


def totals(d: Data) -> Totals:
    lv = d.leaves
    fi = sum(x.fiscal_income for x in lv)
    si = sum(x.service_income for x in lv)
    oi = sum(x.other_income for x in lv)
    basic = sum(x.basic for x in lv)
    project = sum(x.project for x in lv)
    fb = sum(x.fiscal_basic for x in lv)
    fp = sum(x.fiscal_project for x in lv)
    carry_begin = d.fiscal_carry_begin + d.other_carry_begin
    income = fi + si + oi
    grand = income + carry_begin
    return Totals(
        fi,
        si,
        oi,
        income,
        basic + project,
        basic,
        project,
        fb + fp,
        fb,
        fp,
        carry_begin,
        grand - basic - project,
        d.fiscal_carry_begin,
        d.fiscal_carry_begin + fi - fb - fp,
        grand,
        fi + d.fiscal_carry_begin,
    )


# --------------------------------------------------------------------- tables
def func_rows(d: Data, columns: list[tuple[str, ...]], sep: bool, three_cols: bool = False) -> list[Row]:
    """合计 + 类/款/项 rows of a 功能分类 table; ``columns`` are tuples of Leaf attributes summed per cell."""

    def cells(leaves: list[Leaf]) -> list[str]:
        return [yuan(sum(sum(getattr(x, a) for a in attrs) for x in leaves), sep) for attrs in columns]

    label_span = 4 if three_cols else 2
    rows: list[Row] = [[Cell("合计", colspan=label_span, align="center"), *cells(d.leaves)]]
    for lcode, lname, kuans in FUNC_TREE:
        in_lei = [x for x in d.leaves if x.code.startswith(lcode)]
        rows.append(([lcode, "", ""] if three_cols else [lcode]) + [lname, *cells(in_lei)])
        for kcode, kname, xiangs in kuans:
            in_kuan = [x for x in d.leaves if x.code.startswith(kcode)]
            rows.append(([lcode, kcode[3:], ""] if three_cols else [kcode]) + [kname, *cells(in_kuan)])
            for xcode, xname, _ in xiangs:
                leaf = [x for x in d.leaves if x.code == xcode]
                rows.append(([lcode, kcode[3:], xcode[5:]] if three_cols else [xcode]) + [xname, *cells(leaf)])
    return rows


def class_amounts(d: Data, attrs: tuple[str, ...]) -> dict[str, int]:
    """Expenditure per 类 name (for the 26-line panels of 公开01/04)."""
    out: dict[str, int] = {}
    for lcode, lname, _ in FUNC_TREE:
        out[lname] = sum(getattr(x, a) for x in d.leaves if x.code.startswith(lcode) for a in attrs)
    return out


def table01(d: Data, t: Totals) -> TableSpec:
    income_lines = [
        ("一、一般公共预算财政拨款收入", t.fiscal_income),
        ("二、政府性基金预算财政拨款收入", 0),
        ("三、国有资本经营预算财政拨款收入", 0),
        ("四、上级补助收入", 0),
        ("五、事业收入", t.service_income),
        ("六、经营收入", 0),
        ("七、附属单位上缴收入", 0),
        ("八、其他收入", t.other_income),
    ]
    per_class = class_amounts(d, ("basic", "project"))
    body: list[Row] = []
    n_exp = len(EXP_CLASSES)
    for i in range(n_exp):
        left = [income_lines[i][0], str(i + 1), yuan(income_lines[i][1])] if i < len(income_lines) else ["", str(i + 1), ""]
        name = EXP_CLASSES[i]
        body.append([*left, f"{cn_ordinal(i + 1)}、{name}", str(n_exp + 6 + i), yuan(per_class.get(name, 0))])
    tails = [
        ("本年收入合计", t.income, "本年支出合计", t.expenditure),
        ("使用非财政拨款结余", 0, "结余分配", 0),
        ("年初结转和结余", t.carry_begin, "年末结转和结余", t.carry_end),
        ("总计", t.grand_total, "总计", t.grand_total),
    ]
    for j, (ln, lv, rn, rv) in enumerate(tails):
        body.append(
            [
                Cell(ln, align="center"),
                str(n_exp + 1 + j),
                yuan(lv),
                Cell(rn, align="center"),
                str(2 * n_exp + 6 + j),
                yuan(rv),
            ]
        )
    return TableSpec(
        title="收入支出决算总表",
        label="公开01表",
        info=INFO,
        header=[
            [Cell("收入", colspan=3), Cell("支出", colspan=3)],
            ["项目", "行次", "决算数", "项目", "行次", "决算数"],
            ["栏次", "", "1", "栏次", "", "2"],
        ],
        body=body,
        col_widths=[30, 7, 16, 30, 7, 16],
        col_align=["left", "center", "right"] * 2,
        notes=["注：本表反映部门本年度的总收支和年末结转结余情况。"],
        font_size=8.5,
        min_row_height=14.5,
    )


def table02(d: Data) -> TableSpec:
    cols = [
        ("fiscal_income", "service_income", "other_income"),
        ("fiscal_income",),
        (),
        ("service_income",),
        (),
        (),
        ("other_income",),
    ]
    names = ["本年收入合计", "财政拨款收入", "上级补助收入", "事业收入", "经营收入", "附属单位上缴收入", "其他收入"]
    return TableSpec(
        title="收入决算表",
        label="公开02表",
        info=INFO,
        landscape=True,
        header=[
            [Cell("项目", colspan=2), *[Cell(n, rowspan=2) for n in names]],
            ["功能分类科目编码", "科目名称"],
            [Cell("栏次", colspan=2), *[str(i) for i in range(1, 8)]],
        ],
        body=func_rows(d, cols, sep=False),
        col_widths=[14, 26] + [12] * 7,
        col_align=["left", "left"] + ["right"] * 7,
        notes=["注：本表反映部门本年度取得的各项收入情况。"],
    )


def table03(d: Data) -> TableSpec:
    cols = [("basic", "project"), ("basic",), ("project",), (), (), ()]
    names = ["本年支出合计", "基本支出", "项目支出", "上缴上级支出", "经营支出", "对附属单位补助支出"]
    return TableSpec(
        title="支出决算表",
        label="公开03表",
        info=INFO,
        landscape=True,
        header=[
            [Cell("项目", colspan=2), *[Cell(n, rowspan=2) for n in names]],
            ["功能分类科目编码", "科目名称"],
            [Cell("栏次", colspan=2), *[str(i) for i in range(1, 7)]],
        ],
        body=func_rows(d, cols, sep=False),
        col_widths=[14, 28] + [13] * 6,
        col_align=["left", "left"] + ["right"] * 6,
        notes=["注：本表反映部门本年度各项支出情况。"],
    )


def table04(d: Data, t: Totals) -> TableSpec:
    per_class = class_amounts(d, ("fiscal_basic", "fiscal_project"))
    income_lines = [
        ("一、一般公共预算财政拨款", t.fiscal_income),
        ("二、政府性基金预算财政拨款", 0),
        ("三、国有资本经营预算财政拨款", 0),
    ]
    n_exp = len(EXP_CLASSES)
    body: list[Row] = []
    for i, name in enumerate(EXP_CLASSES):
        left = [income_lines[i][0], str(i + 1), yuan(income_lines[i][1])] if i < 3 else ["", str(i + 1), ""]
        v = yuan(per_class.get(name, 0))
        body.append([*left, f"{cn_ordinal(i + 1)}、{name}", str(n_exp + 7 + i), v, v, "", ""])
    fe, g1 = yuan(t.fiscal_exp), yuan(t.fiscal_carry_end)
    tails = [
        ("本年收入合计", t.fiscal_income, "本年支出合计", [fe, fe, "", ""]),
        ("年初财政拨款结转和结余", t.fiscal_carry_begin, "年末财政拨款结转和结余", [g1, g1, "", ""]),
        ("一般公共预算财政拨款", t.fiscal_carry_begin, "", ["", "", "", ""]),
        ("政府性基金预算财政拨款", 0, "", ["", "", "", ""]),
        ("国有资本经营预算财政拨款", 0, "", ["", "", "", ""]),
        ("收入总计", t.fiscal_grand_total, "总计", [yuan(t.fiscal_grand_total)] * 2 + ["", ""]),
    ]
    for j, (ln, lv, rn, rvals) in enumerate(tails):
        body.append([ln, str(n_exp + 1 + j), yuan(lv), rn, str(2 * n_exp + 7 + j), *rvals])
    return TableSpec(
        title="财政拨款收入支出决算总表",
        label="公开04表",
        info=INFO,
        landscape=True,
        header=[
            [Cell("收入", colspan=3), Cell("支出", colspan=6)],
            [
                "项目",
                "行次",
                "金额",
                "项目",
                "行次",
                "合计",
                "一般公共预算财政拨款",
                "政府性基金预算财政拨款",
                "国有资本经营预算财政拨款",
            ],
            ["栏次", "", "1", "栏次", "", "2", "3", "4", "5"],
        ],
        body=body,
        col_widths=[26, 6, 14, 27, 6, 14, 14, 14, 14],
        col_align=["left", "center", "right", "left", "center"] + ["right"] * 4,
        notes=[
            "注：本表反映部门本年度一般公共预算财政拨款、政府性基金预算财政拨款和国有资本经营预算财政拨款的总收支和年末结转结余情况。"
        ],
        font_size=8,
        min_row_height=13,
    )


def table05(d: Data) -> TableSpec:
    cols = [("fiscal_basic", "fiscal_project"), ("fiscal_basic",), ("fiscal_project",)]
    return TableSpec(
        title="一般公共预算财政拨款支出决算表",
        label="公开05表",
        info=INFO,
        header=[
            [Cell("科目编码", colspan=3), Cell("科目名称", rowspan=2), Cell("本年支出", colspan=3)],
            ["类", "款", "项", "合计", "基本支出", "项目支出"],
            [Cell("栏次", colspan=4), "1", "2", "3"],
        ],
        body=func_rows(d, cols, sep=True, three_cols=True),
        col_widths=[6, 5, 5, 30, 16, 16, 16],
        col_align=["center", "center", "center", "left", "right", "right", "right"],
        notes=["注：本表反映部门本年度一般公共预算财政拨款支出情况。"],
    )


def table06(d: Data) -> TableSpec:
    def panel(items: list[tuple[str, str, int]], groups: dict[str, str]) -> list[list[str]]:
        rows: list[list[str]] = []
        for gcode, gname in groups.items():
            members = [x for x in items if x[0].startswith(gcode)]
            rows.append([gcode, gname, yuan(sum(a for _, _, a in members))])
            rows += [[c, n, yuan(a)] for c, n, a in members]
        return rows

    left = panel(d.personnel, {"301": "工资福利支出", "303": "对个人和家庭的补助"})
    right = panel(d.public, {"302": "商品和服务支出", "310": "资本性支出"})
    n = max(len(left), len(right))
    left += [["", "", ""]] * (n - len(left))
    right += [["", "", ""]] * (n - len(right))
    body: list[Row] = [[*a, *b] for a, b in zip(left, right, strict=True)]
    body.append(
        [
            Cell("人员经费合计", colspan=2, align="center"),
            yuan(sum(a for *_, a in d.personnel)),
            Cell("公用经费合计", colspan=2, align="center"),
            yuan(sum(a for *_, a in d.public)),
        ]
    )
    return TableSpec(
        title="一般公共预算财政拨款基本支出决算明细表",
        label="公开06表",
        info=INFO,
        header=[[Cell("人员经费", colspan=3), Cell("公用经费", colspan=3)], ["科目编码", "科目名称", "决算数"] * 2],
        body=body,
        col_widths=[9, 27, 15, 9, 27, 15],
        col_align=["center", "left", "right"] * 2,
        notes=["注：本表反映部门本年度一般公共预算财政拨款基本支出明细情况。"],
    )


def three_public(d: Data) -> tuple[list[str], list[str]]:
    """(预算数, 决算数) of the 三公 table as printed in 万元: 合计, 出国, 小计, 购置费, 运行费, 接待费.

    决算 运行费/接待费 are 公开06's 30231/30217.  Each component is rounded to
    万元 first, so the printed 小计 and 合计 add up exactly.
    """
    items = {c: a for c, _, a in d.public}

    def row(abroad: int, buy: int, run: int, rec: int) -> list[str]:
        a, b, r, c = (round(x / 1_000_000, 2) for x in (abroad, buy, run, rec))
        return [f"{x:.2f}" for x in (a + b + r + c, a, b + r, b, r, c)]

    run, rec = items["30231"], items["30217"]
    return row(0, 0, round(run * 1.08, -4), round(rec * 1.2, -4)), row(0, 0, run, rec)


def table07(d: Data) -> TableSpec:
    budget, final = three_public(d)
    sub = ["小计", "购置费", "运行费"]
    half: list[Cell | str] = [
        Cell("合计", rowspan=2),
        Cell("因公出国（境）费", rowspan=2),
        Cell("公务用车购置及运行费", colspan=3),
        Cell("公务接待费", rowspan=2),
    ]
    return TableSpec(
        title="财政拨款“三公”经费支出决算表",
        label="公开07表",
        info=(f"编制单位：{DEPT}", f"{YEAR}年度", "单位：万元"),
        header=[
            [Cell("预算数", colspan=6), Cell("决算数", colspan=6)],
            half + half,
            sub + sub,
            [str(i) for i in range(1, 13)],
        ],
        body=[budget + final],
        col_widths=[1] * 12,
        col_align=["right"] * 12,
        font_size=8.5,
        notes=[
            (
                "注：本表反映部门本年度“三公”经费支出预决算情况。其中，预算数为“三公”经费全年预算数，反映按规定程序调整后的预算数；"
                "决算数是包括当年财政拨款和以前年度结转资金安排的实际支出。"
            )
        ],
    )


def empty_fund_table(title: str, label: str, state_capital: bool) -> TableSpec:
    """公开08/09: printed with headers and an empty 合计 row plus "说明：本表无数据"."""
    if state_capital:
        header: list[Row] = [
            [Cell("项目", colspan=2), Cell("本年支出", colspan=3)],
            ["功能分类科目编码", "科目名称", "合计", "基本支出", "项目支出"],
            [Cell("栏次", colspan=2), "1", "2", "3"],
        ]
        widths, n = [14, 30, 16, 16, 16], 3
        note = "注：本表反映部门本年度国有资本经营预算财政拨款支出情况。"
    else:
        header = [
            [
                Cell("项目", colspan=2),
                Cell("年初结转和结余", rowspan=2),
                Cell("本年收入", rowspan=2),
                Cell("本年支出", colspan=3),
                Cell("年末结转和结余", rowspan=2),
            ],
            ["功能分类科目编码", "科目名称", "小计", "基本支出", "项目支出"],
            [Cell("栏次", colspan=2), *[str(i) for i in range(1, 7)]],
        ]
        widths, n = [12, 24, 12, 12, 12, 12, 12, 12], 6
        note = "注：本表反映部门本年度政府性基金预算财政拨款收入、支出及结转和结余情况。"
    return TableSpec(
        title=title,
        label=label,
        info=INFO,
        header=header,
        body=[[Cell("合计", colspan=2, align="center"), *[""] * n]],
        col_widths=widths,
        col_align=["left", "left"] + ["right"] * n,
        notes=[note, "说明：本表无数据"],
    )


@dataclass
class OtherInfo:
    goods: int = 3_862_415_00
    works: int = 0
    services: int = 2_146_980_50
    vehicles: dict[str, int] = field(default_factory=lambda: {"执法执勤用车": 14, "特种专业技术用车": 3, "其他用车": 1})
    big_equipment: int = 4


def table10(d: Data, o: OtherInfo) -> TableSpec:
    public_total = sum(a for *_, a in d.public)
    rows: list[Row] = [[Cell("一、政府采购情况", colspan=3, align="left", bold=True)]]
    purchases = [("合计", o.goods + o.works + o.services), ("货物", o.goods), ("工程", o.works), ("服务", o.services)]
    line = 1
    for name, v in purchases:
        rows.append([name, str(line), yuan(v)])
        line += 1
    rows.append([Cell("二、机关运行经费", colspan=3, align="left", bold=True)])
    for name, v in (("（一）行政单位", public_total), ("（二）参照公务员法管理事业单位", 0)):
        rows.append([name, str(line), yuan(v)])
        line += 1
    rows.append([Cell("三、国有资产占用情况", colspan=3, align="left", bold=True)])
    kinds = [
        "副部（省）级及以上领导用车",
        "主要领导干部用车",
        "机要通信用车",
        "应急保障用车",
        "执法执勤用车",
        "特种专业技术用车",
        "离退休干部用车",
        "其他用车",
    ]
    rows.append(["（一）车辆数合计（辆）", str(line), str(sum(o.vehicles.values()))])
    line += 1
    for i, k in enumerate(kinds, 1):
        v = o.vehicles.get(k, 0)
        rows.append([f"{i}.{k}", str(line), str(v) if v else ""])
        line += 1
    rows.append(["（二）单价100万元（含）以上设备（不含车辆）（台、套）", str(line), str(o.big_equipment)])
    return TableSpec(
        title="部门决算公开相关信息统计表",
        label="公开10表",
        info=INFO,
        header=[["项目", "行次", "统计数"]],
        body=rows,
        col_widths=[50, 10, 22],
        col_align=["left", "center", "right"],
        notes=["注：本表反映部门本年度政府采购及机关运行经费和国有资产占用情况。"],
    )


# ------------------------------------------------------------------ narrative
def pct(a: int, b: int) -> str:
    return f"{a / b * 100:.2f}%" if b else "0%"


def change(now: int, before: int) -> str:
    diff = now - before
    word, rate = ("增加", "增长") if diff >= 0 else ("减少", "下降")
    return f"{word}{yuan_text(abs(diff))}元，{rate}{abs(diff) / before * 100:.1f}%"


def narrative(w: PdfWriter, d: Data, t: Totals, o: OtherInfo) -> dict[str, int]:
    """第三部分 情况说明; returns the page (physical) of each numbered section for the TOC."""
    pages: dict[str, int] = {}
    prev_total, prev_fiscal = int(t.grand_total * 0.962), int(t.fiscal_exp * 0.951)
    rng_reason = "主要原因是食品安全抽检、特种设备监督检验等监管任务增加，以及人员经费正常增长。"

    def section(title: str) -> None:
        w.heading(title, 1)
        pages[title] = w.page_number()

    section("一、收入支出决算总体情况说明")
    w.paragraph(
        f"{YEAR}年度收入总计{yuan_text(t.grand_total)}元，支出总计{yuan_text(t.grand_total)}元。与{YEAR - 1}年度相比，"
        f"收入总计{change(t.grand_total, prev_total)}，支出总计{change(t.grand_total, prev_total)}。{rng_reason}"
    )
    section("二、收入决算情况说明")
    w.paragraph(
        f"{YEAR}年度本年收入合计{yuan_text(t.income)}元，其中：财政拨款收入{yuan_text(t.fiscal_income)}元，"
        f"占{pct(t.fiscal_income, t.income)}；事业收入{yuan_text(t.service_income)}元，"
        f"占{pct(t.service_income, t.income)}；其他收入{yuan_text(t.other_income)}元，"
        f"占{pct(t.other_income, t.income)}。"
    )
    section("三、支出决算情况说明")
    w.paragraph(
        f"{YEAR}年度本年支出合计{yuan_text(t.expenditure)}元，其中：基本支出{yuan_text(t.basic)}元，"
        f"占{pct(t.basic, t.expenditure)}；项目支出{yuan_text(t.project)}元，占{pct(t.project, t.expenditure)}。"
    )
    section("四、财政拨款收入支出决算总体情况说明")
    w.paragraph(
        f"{YEAR}年度财政拨款收入总计{yuan_text(t.fiscal_grand_total)}元，支出总计{yuan_text(t.fiscal_grand_total)}元。"
        f"本年财政拨款支出{yuan_text(t.fiscal_exp)}元，年末财政拨款结转和结余{yuan_text(t.fiscal_carry_end)}元。"
    )
    section("五、一般公共预算财政拨款支出决算情况说明")
    w.heading("（一）财政拨款支出决算总体情况", 2)
    w.paragraph(
        f"{YEAR}年度一般公共预算财政拨款支出{yuan_text(t.fiscal_exp)}元，"
        f"占本年支出合计的{pct(t.fiscal_exp, t.expenditure)}。"
        f"与{YEAR - 1}年度相比，财政拨款支出{change(t.fiscal_exp, prev_fiscal)}。{rng_reason}"
    )
    w.heading("（二）财政拨款支出决算结构情况", 2)
    per_class = class_amounts(d, ("fiscal_basic", "fiscal_project"))
    parts = [f"{name}（类）{yuan_text(v)}元，占{pct(v, t.fiscal_exp)}" for name, v in per_class.items()]
    w.paragraph(f"{YEAR}年度一般公共预算财政拨款支出{yuan_text(t.fiscal_exp)}元，主要用于以下方面：" + "；".join(parts) + "。")
    section("六、一般公共预算财政拨款基本支出决算情况说明")
    personnel = sum(a for *_, a in d.personnel)
    public = sum(a for *_, a in d.public)
    w.paragraph(
        f"{YEAR}年度一般公共预算财政拨款基本支出{yuan_text(t.fiscal_basic)}元，其中：人员经费{yuan_text(personnel)}元，"
        "主要包括基本工资、津贴补贴、奖金、绩效工资、机关事业单位基本养老保险缴费、职业年金缴费、住房公积金、退休费等；"
        f"公用经费{yuan_text(public)}元，主要包括办公费、印刷费、水电费、邮电费、物业管理费、差旅费、维修（护）费、"
        "培训费、公务接待费、工会经费、福利费、公务用车运行维护费、办公设备购置等。"
    )
    section("七、财政拨款“三公”经费支出决算情况说明")
    budget, final = three_public(d)
    w.paragraph(
        f"{YEAR}年度“三公”经费财政拨款支出预算为{budget[0]}万元，支出决算为{final[0]}万元，"
        f"完成预算的{float(final[0]) / float(budget[0]) * 100:.2f}%。其中：因公出国（境）费支出决算为{final[1]}万元；"
        f"公务用车购置费支出决算为{final[3]}万元；公务用车运行费支出决算为{final[4]}万元；公务接待费支出决算为{final[5]}万元。"
        "决算数小于预算数的主要原因是厉行节约，严格控制公务用车使用和公务接待活动。"
    )
    section("八、政府性基金预算财政拨款收入支出决算情况说明")
    w.paragraph(f"{DEPT}{YEAR}年度无政府性基金预算财政拨款收入支出。")
    section("九、国有资本经营预算财政拨款支出决算情况说明")
    w.paragraph(f"{DEPT}{YEAR}年度无国有资本经营预算财政拨款支出。")
    section("十、其他重要事项的情况说明")
    w.heading("（一）机关运行经费支出情况", 2)
    w.paragraph(f"{YEAR}年度本部门机关运行经费支出{yuan_text(public)}元，主要用于保障机关日常运转。")
    w.heading("（二）政府采购支出情况", 2)
    total_purchase = o.goods + o.works + o.services
    w.paragraph(
        f"{YEAR}年度政府采购支出总额{yuan_text(total_purchase)}元，其中：政府采购货物支出{yuan_text(o.goods)}元、"
        f"政府采购工程支出{yuan_text(o.works)}元、政府采购服务支出{yuan_text(o.services)}元。"
    )
    w.heading("（三）国有资产占用情况", 2)
    v = o.vehicles
    w.paragraph(
        f"截至{YEAR}年12月31日，本部门共有车辆{sum(v.values())}辆，其中：执法执勤用车{v['执法执勤用车']}辆、"
        f"特种专业技术用车{v['特种专业技术用车']}辆、其他用车{v['其他用车']}辆；单价100万元（含）以上设备（不含车辆）{o.big_equipment}台（套）。"
    )
    return pages


GLOSSARY = [
    "一、财政拨款收入：指单位从同级财政部门取得的财政预算资金。",
    "二、事业收入：指事业单位开展专业业务活动及辅助活动取得的收入。",
    "三、其他收入：指单位取得的除上述收入以外的各项收入，主要是存款利息收入等。",
    "四、年初结转和结余：指单位以前年度尚未完成、结转到本年仍按原规定用途继续使用的资金，或项目已完成等产生的结余资金。",
    "五、年末结转和结余：指单位按有关规定结转到下年或以后年度继续使用的资金，或项目已完成等产生的结余资金。",
    "六、基本支出：指为保障机构正常运转、完成日常工作任务而发生的人员支出和公用支出。",
    "七、项目支出：指在基本支出之外为完成特定行政任务和事业发展目标所发生的支出。",
    "八、“三公”经费：指部门用财政拨款安排的因公出国（境）费、公务用车购置及运行费和公务接待费。",
    "九、机关运行经费：指为保障行政单位（含参照公务员法管理的事业单位）运行用于购买货物和服务的各项资金。",
]


def build(toc_pages: dict[str, int]) -> tuple[PdfWriter, dict[str, int], list[dict[str, object]]]:
    """Render the whole document; ``toc_pages`` maps TOC entries to physical pages (from a first pass)."""
    d = make_data(random.Random(YEAR))
    t = totals(d)
    o = OtherInfo()
    w = PdfWriter(running_header=f"{DEPT}{YEAR}年度部门决算")
    pages: dict[str, int] = {}

    w.new_page(running_header=False)
    w.spacer(200)
    w.centered(DEPT, 26, bold=True, space_after=30)
    w.centered(f"{YEAR}年度部门决算", 24, bold=True, space_after=280)
    w.centered(f"{YEAR + 1}年8月", 14)

    w.new_page()
    w.centered("目  录", 18, bold=True, space_after=10)
    toc_entries: list[tuple[str, int]] = [
        ("第一部分 部门概况", 0),
        ("一、部门职责", 1),
        ("二、机构设置", 1),
        (f"第二部分 {YEAR}年度部门决算表", 0),
    ]
    specs = [
        table01(d, t),
        table02(d),
        table03(d),
        table04(d, t),
        table05(d),
        table06(d),
        table07(d),
        empty_fund_table("政府性基金预算财政拨款收入支出决算表", "公开08表", False),
        empty_fund_table("国有资本经营预算财政拨款支出决算表", "公开09表", True),
        table10(d, o),
    ]
    toc_entries += [(f"{cn_ordinal(i + 1)}、{s.title}", 1) for i, s in enumerate(specs)]
    section_titles = [
        "一、收入支出决算总体情况说明",
        "二、收入决算情况说明",
        "三、支出决算情况说明",
        "四、财政拨款收入支出决算总体情况说明",
        "五、一般公共预算财政拨款支出决算情况说明",
        "六、一般公共预算财政拨款基本支出决算情况说明",
        "七、财政拨款“三公”经费支出决算情况说明",
        "八、政府性基金预算财政拨款收入支出决算情况说明",
        "九、国有资本经营预算财政拨款支出决算情况说明",
        "十、其他重要事项的情况说明",
    ]
    toc_entries += [
        ("第三部分 情况说明", 0),
        *[(s, 1) for s in section_titles],
        ("第四部分 名词解释", 0),
        ("第五部分 附件", 0),
    ]
    w.toc([(text, str(w.printed_number(toc_pages.get(text, 1))), level) for text, level in toc_entries], size=10.5)

    w.new_page()
    pages["第一部分 部门概况"] = w.page_number()
    w.heading("第一部分 部门概况", 0)
    w.heading("一、部门职责", 1)
    pages["一、部门职责"] = w.page_number()
    w.paragraph(f"{DEPT}是市人民政府工作部门，为正处级，负责全市市场综合监督管理工作。主要职责是：")
    for duty in [
        "（一）负责市场综合监督管理。贯彻执行国家、省关于市场监督管理的法律法规和方针政策，起草相关地方性法规、规章草案，组织实施质量强市战略、食品安全战略和标准化战略。",
        "（二）负责市场主体统一登记注册。指导各类企业、农民专业合作社和从事经营活动的单位、个体工商户以及外国（地区）企业常驻代表机构等市场主体的登记注册工作。",
        "（三）负责组织和指导市场监管综合执法工作。规范市场监管行政执法行为，组织查处重大违法案件，维护公平竞争的市场秩序。",
        "（四）负责宏观质量管理、产品质量安全监督管理和特种设备安全监督管理，组织实施质量发展规划和重要工业产品生产许可。",
        "（五）负责食品安全监督管理综合协调，建立覆盖食品生产、流通、消费全过程的监督检查制度和隐患排查治理机制，组织实施食品安全抽样检验。",
        "（六）负责统一管理计量、标准化、检验检测和认证认可工作，承担药品、医疗器械和化妆品经营、使用环节的质量安全监督管理。",
        "（七）完成市委、市人民政府交办的其他任务。",
    ]:
        w.paragraph(duty)
    w.heading("二、机构设置", 1)
    pages["二、机构设置"] = w.page_number()
    w.paragraph(
        f"{DEPT}内设办公室、政策法规科、登记注册科、信用监督管理科、价格监督检查和反不正当竞争科、网络交易监督管理科、"
        "质量发展科、产品质量安全监督管理科、食品生产安全监督管理科、食品经营安全监督管理科、特种设备安全监察科、"
        "计量科、标准化科、认证认可与检验检测科、药品医疗器械化妆品监督管理科、人事科、财务科共17个内设机构；"
        "下属市场监管综合行政执法支队、食品药品检验检测中心、计量检定测试所3个二级预算单位。纳入本部门"
        f"{YEAR}年度部门决算编制范围的单位共4个。"
    )

    truth: list[dict[str, object]] = []
    part2 = f"第二部分 {YEAR}年度部门决算表"
    for i, spec in enumerate(specs):
        first, last = w.table(spec, new_page=True)
        if i == 0:
            pages[part2] = first
        pages[f"{cn_ordinal(i + 1)}、{spec.title}"] = first
        truth.append(
            {
                "number_label": spec.label,
                "title": spec.title,
                "table_type": FINAL_TABLE_TYPES[i],
                "pages": list(range(first, last + 1)),
                "unit": "万元" if i == 6 else "元",
                "items": truth_items(i, spec),
            }
        )

    w.new_page()
    pages["第三部分 情况说明"] = w.page_number()
    w.heading("第三部分 情况说明", 0)
    pages.update(narrative(w, d, t, o))
    w.new_page()
    pages["第四部分 名词解释"] = w.page_number()
    w.heading("第四部分 名词解释", 0)
    for g in GLOSSARY:
        w.paragraph(g)
    w.spacer(10)
    pages["第五部分 附件"] = w.page_number()
    w.heading("第五部分 附件", 0)
    w.paragraph("无。")
    return w, pages, truth


def truth_items(index: int, spec: TableSpec) -> list[dict[str, object]]:
    """Truth items of the ``index``-th 公开表 (0-based), using each table's column roles."""
    if index == 0:
        return table_truth(spec, ["name", "line", "amount"] * 2, [("收入", 0, 3), ("支出", 3, 6)], panel_header_rows=1)
    if index == 3:
        return table_truth(
            spec,
            ["name", "line", "amount"] + ["name", "line"] + ["amount"] * 4,
            [("收入", 0, 3), ("支出", 3, 9)],
            panel_header_rows=1,
        )
    if index in (1, 2, 7, 8):
        return table_truth(spec, ["code", "name"] + ["amount"] * (len(spec.col_widths) - 2))
    if index == 4:
        return table_truth(spec, ["code"] * 3 + ["name"] + ["amount"] * 3)
    if index == 5:
        return table_truth(spec, ["code", "name", "amount"] * 2, [("人员经费", 0, 3), ("公用经费", 3, 6)], panel_header_rows=1)
    if index == 6:
        return table_truth(spec, ["amount"] * 12, unit_factor=10000, default_name="财政拨款“三公”经费")
    return table_truth(spec, ["name", "line", "amount"], skip_sections=("三、国有资产占用情况",))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=ROOT / "samples" / "sample_final_2023.pdf")
    args = ap.parse_args()
    _, pages, _ = build({})  # first pass: learn where the sections land
    writer, pages2, truth = build(pages)
    assert pages == pages2, "TOC pass changed the layout"
    writer.save(args.out)
    truth_path = args.out.with_suffix(".truth.json")
    truth_path.write_text(json.dumps(truth, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out} ({args.out.stat().st_size // 1024} KB, {writer.doc.page_count} pages) and {truth_path}")


if __name__ == "__main__":
    main()
