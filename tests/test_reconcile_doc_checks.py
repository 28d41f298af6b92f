"""Summary-table, 三公, cross-table and engine tests on the transcribed seed disclosure."""

from dataclasses import replace

from extract.model import FindingStatus
from extract.reconcile import registered_checks, run_checks
from extract.reconcile.engine import _REGISTRY, check
from reconcile_builders import (
    GRANT_EXPENDITURE_ROWS,
    SUMMARY_EXPENDITURE_ROWS,
    SUMMARY_INCOME_ROWS,
    THREE_PUBLIC_ROWS,
    PanelSpec,
    TableSpec,
    build_document,
    datong_2022,
)


def _specs(**overrides: list) -> list[TableSpec]:
    """The seed tables with some panels' rows replaced: key "t01.收入" → rows."""
    out = []
    for spec in datong_2022():
        panels = [replace(p, rows=overrides.get(f"{spec.table_id}.{p.name}", p.rows)) for p in spec.panels]
        out.append(replace(spec, panels=panels))
    return out


def _run(prefix: str, specs: list[TableSpec] | None = None):
    doc = build_document(*(specs if specs is not None else datong_2022()))
    out: dict[FindingStatus, list] = {s: [] for s in FindingStatus}
    for f in run_checks(doc, only=[prefix]):
        out[f.status].append(f)
    return out


def _set(rows, name, raw, col=0):
    return [(c, n, [raw if n == name and i == col else v for i, v in enumerate(vals)]) for c, n, vals in rows]


def test_seed_document_is_fully_consistent() -> None:
    findings = run_checks(build_document(*datong_2022()))
    assert findings and all(f.status == FindingStatus.CONSISTENT for f in findings)
    arithmetic = {s.check_id for s in registered_checks() if s.check_id.startswith("T")}
    assert {f.check_id for f in findings} == arithmetic


# -- summary tables --------------------------------------------------------------------------


def test_income_total_equals_expenditure_total_fails() -> None:
    rows = _set(SUMMARY_EXPENDITURE_ROWS, "总计", "79025310.26")
    res = _run("T030", _specs(**{"t01.支出": rows}))
    (bad,) = res[FindingStatus.INCONSISTENT]
    assert bad.delta == -9.0 and {e.role.split(":")[0] for e in bad.evidence} == {"income", "expenditure"}


def test_grand_total_composition_with_name_variants() -> None:
    rows = [(c, {"本年收入合计": "收入合计", "年初结转和结余": "上年结转结余"}.get(n, n), v) for c, n, v in SUMMARY_INCOME_ROWS]
    res = _run("T031", _specs(**{"t01.收入": rows}))
    assert len(res[FindingStatus.CONSISTENT]) == 2 and not res[FindingStatus.INCONSISTENT]


def test_grand_total_composition_fails() -> None:
    rows = _set(SUMMARY_INCOME_ROWS, "年初结转和结余", "127450.51")
    (bad,) = _run("T031", _specs(**{"t01.收入": rows}))[FindingStatus.INCONSISTENT]
    assert bad.delta == 90.0 and "年初结转和结余" in bad.message_zh


def test_grand_total_composition_not_checkable_without_total_row() -> None:
    rows = [r for r in SUMMARY_INCOME_ROWS if r[1] != "本年收入合计"]
    res = _run("T031", _specs(**{"t01.收入": rows}))
    assert len(res[FindingStatus.NOT_CHECKABLE]) == 1


def test_expenditure_composition_per_column_fails_in_one_column() -> None:
    rows = _set(GRANT_EXPENDITURE_ROWS, "年末财政拨款结转和结余", "92279.50", col=1)
    res = _run("T032", _specs(**{"t04.支出": rows}))
    (bad,) = res[FindingStatus.INCONSISTENT]
    assert "一般公共预算财政拨款" in bad.message_zh


def test_year_income_equals_numbered_rows() -> None:
    assert len(_run("T033")[FindingStatus.CONSISTENT]) == 2
    rows = _set(SUMMARY_INCOME_ROWS, "八、其他收入", "1395.29")
    assert len(_run("T033", _specs(**{"t01.收入": rows}))[FindingStatus.INCONSISTENT]) == 1


def test_year_expenditure_equals_classes_fails() -> None:
    rows = _set(SUMMARY_EXPENDITURE_ROWS, "九、卫生健康支出", "1339350.49")
    (bad,) = _run("T034", _specs(**{"t01.支出": rows}))[FindingStatus.INCONSISTENT]
    assert bad.delta == -45.0


# -- 三公 ----------------------------------------------------------------------------------


def test_three_public_column_layout_passes_for_both_measures() -> None:
    res = _run("T02")
    assert len(res[FindingStatus.CONSISTENT]) == 4
    assert {("预算数" in f.message_zh, "决算数" in f.message_zh) for f in res[FindingStatus.CONSISTENT]} == {
        (True, False),
        (False, True),
    }


def test_three_public_total_fails_in_final_column() -> None:
    vals = list(THREE_PUBLIC_ROWS[0][2])
    vals[6] = "492646.12"  # 决算数/合计
    res = _run("T020", _specs(**{"t07.": [(None, "", vals)]}))
    (bad,) = res[FindingStatus.INCONSISTENT]
    assert "决算数" in bad.message_zh and bad.delta == 182.0


def _row_layout(rows):
    return TableSpec("t07", "final.three_public", [PanelSpec(["预算数", "决算数"], rows, with_code=False)], unit="万元")


ROW_LAYOUT = [
    (None, "合计", ["50.80", "49.25"]),
    (None, "1．因公出国（境）费", ["", ""]),
    (None, "2．公务接待费", ["5.00", "4.27"]),
    (None, "3．公务用车购置及运行费", ["45.80", "44.98"]),
    (None, "其中：（1）公务用车购置费", ["", ""]),
    (None, "（2）公务用车运行费", ["45.80", "44.98"]),
    (None, "公务用车保有量（辆）", ["12", "12"]),
]


def test_three_public_row_layout_passes_and_ignores_counts() -> None:
    res = _run("T02", [_row_layout(ROW_LAYOUT)])
    assert len(res[FindingStatus.CONSISTENT]) == 4 and not res[FindingStatus.INCONSISTENT]


def test_three_public_row_layout_car_fails() -> None:
    rows = _set(ROW_LAYOUT, "（2）公务用车运行费", "44.89", col=1)
    (bad,) = _run("T021", [_row_layout(rows)])[FindingStatus.INCONSISTENT]
    assert bad.delta == 900.0


def test_three_public_car_from_components_when_no_subtotal() -> None:
    rows = [r for r in ROW_LAYOUT if not r[1].startswith("3．")]
    res = _run("T020", [_row_layout(rows)])
    assert len(res[FindingStatus.CONSISTENT]) == 2


def test_three_public_not_checkable_without_reception() -> None:
    rows = [r for r in ROW_LAYOUT if "接待" not in r[1]]
    res = _run("T020", [_row_layout(rows)])
    assert len(res[FindingStatus.NOT_CHECKABLE]) == 2 and not res[FindingStatus.CONSISTENT]


# -- cross-table -----------------------------------------------------------------------------


def test_cross_table_totals_pass() -> None:
    assert len(_run("T040")[FindingStatus.CONSISTENT]) == 1
    assert len(_run("T041")[FindingStatus.CONSISTENT]) == 1


def test_summary_expenditure_total_vs_expenditure_table_fails() -> None:
    rows = _set(SUMMARY_EXPENDITURE_ROWS, "本年支出合计", "78896519.33")
    (bad,) = _run("T041", _specs(**{"t01.支出": rows}))[FindingStatus.INCONSISTENT]
    assert bad.delta == -72.0 and {e.table_id for e in bad.evidence} == {"t01", "t03"}


def test_cross_table_not_checkable_when_detail_table_missing() -> None:
    specs = [s for s in datong_2022() if s.table_id != "t02"]
    assert len(_run("T040", specs)[FindingStatus.NOT_CHECKABLE]) == 1


def test_summary_classes_vs_expenditure_table() -> None:
    assert len(_run("T042")[FindingStatus.CONSISTENT]) == 6  # blank 类 rows are not compared
    rows = _set(SUMMARY_EXPENDITURE_ROWS, "二十二、灾害防治及应急管理支出", "54389500.60")
    (bad,) = _run("T042", _specs(**{"t01.支出": rows}))[FindingStatus.INCONSISTENT]
    assert "224" in bad.message_zh and bad.delta == -262.5


def test_summary_class_with_no_matching_detail_row_is_not_checkable() -> None:
    rows = _set(SUMMARY_EXPENDITURE_ROWS, "二十三、其他支出", "10.00")
    res = _run("T042", _specs(**{"t01.支出": rows}))
    (nc,) = res[FindingStatus.NOT_CHECKABLE]
    assert "229" in nc.message_zh


def test_fiscal_grant_general_budget_vs_general_budget_table() -> None:
    assert len(_run("T043")[FindingStatus.CONSISTENT]) == 7  # 6 类 + 本年支出合计
    rows = _set(GRANT_EXPENDITURE_ROWS, "二十二、灾害防治及应急管理支出", "54389763.10", col=1)
    res = _run("T043", _specs(**{"t04.支出": rows}))
    assert len(res[FindingStatus.INCONSISTENT]) == 1


# -- engine ----------------------------------------------------------------------------------


def test_registry_describes_every_check() -> None:
    specs = registered_checks()
    assert len({s.check_id for s in specs}) == len(specs) >= 15
    assert all(s.description and s.inputs and s.tolerance for s in specs)


def test_a_crashing_check_becomes_not_checkable() -> None:
    @check("Z999.crash", description="always crashes", inputs=("*",))
    def crash(index):
        raise RuntimeError("boom")

    try:
        (f,) = run_checks(build_document(*datong_2022()), only=["Z999"])
        assert f.status == FindingStatus.NOT_CHECKABLE and "boom" in f.message_en
    finally:
        del _REGISTRY["Z999.crash"]


def test_empty_document_yields_nothing() -> None:
    assert run_checks(build_document()) == []


# -- 江苏: 当年收入小计 / 收入合计, and the 支出 side printed by 功能分类 and by 支出用途 ------------
# 江苏省政协办公厅 2019 部门预算, 公开01表 and 公开04表 (万元), some empty 类 rows left out. The
# 支出 totals are printed once, their label run across both 支出 panels.

JS_INCOME = [
    (None, "一、财政拨款", ["13,297.11"]),
    (None, "1.一般公共预算", ["13,297.11"]),
    (None, "2.政府性基金预算", [""]),
    (None, "二、财政专户管理资金", [""]),
    (None, "三、其他资金", ["80.00"]),
    (None, "当年收入小计", ["13,377.11"]),
    (None, "上年结转资金", [""]),
    (None, "收入合计", ["13,377.11"]),
]
JS_BY_FUNCTION = [
    (None, "一、一般公共服务支出", ["10,271.56"]),
    (None, "二、外交支出", [""]),
    (None, "八、社会保障和就业支出", ["858.51"]),
    (None, "十八、住房保障支出", ["2,247.04"]),
    (None, "二十、其他支出", [""]),
    (None, "当年支出小计", [""]),
    (None, "结转下年资金", [""]),
    (None, "支出合计", [""]),
]
JS_BY_USE = [
    (None, "一、基本支出", ["6,522.75"]),
    (None, "二、项目支出", ["4,968.34"]),
    (None, "三、单位预留机动经费", ["1,886.02"]),
    (None, "", [""]),
    (None, "", [""]),
    (None, "当年支出小计", ["13,377.11"]),
    (None, "结转下年资金", [""]),
    (None, "支出合计", ["13,377.11"]),
]
JS_GRANT_INCOME = [
    (None, "一、一般公共预算", ["13,297.11"]),
    (None, "二、政府性基金预算", [""]),
    (None, "", [""]),
    (None, "收入合计", ["13,297.11"]),
]
JS_GRANT_EXPENDITURE = [
    (None, "一、基本支出", ["6,442.75"]),
    (None, "二、项目支出", ["4,968.34"]),
    (None, "三、单位预留机动经费", ["1,886.02"]),
    (None, "支出合计", ["13,297.11"]),
]


def _jiangsu(by_function=JS_BY_FUNCTION) -> list[TableSpec]:
    summary = TableSpec(
        "t01",
        "budget.income_expenditure_summary",
        [
            PanelSpec(["收入/金额"], JS_INCOME, name="收入", with_code=False),
            PanelSpec(["支出/功能分类/金额"], by_function, name="支出", with_code=False),
            PanelSpec(["支出/支出用途/金额"], JS_BY_USE, name="支出", with_code=False),
        ],
        unit="万元",
        merged={(row, 2): 3 for row in (6, 7, 8)},  # 当年支出小计 … 支出合计 across both 支出 panels
    )
    grant = TableSpec(
        "t04",
        "budget.fiscal_grant_summary",
        [
            PanelSpec(["收入/金额"], JS_GRANT_INCOME, name="收入", with_code=False),
            PanelSpec(["支出/支出用途/金额"], JS_GRANT_EXPENDITURE, name="支出", with_code=False),
        ],
        unit="万元",
    )
    return [summary, grant]


def test_jiangsu_summary_identities_are_checkable() -> None:
    res = _run("T03", _jiangsu())
    assert not res[FindingStatus.NOT_CHECKABLE] and not res[FindingStatus.INCONSISTENT]
    ok = res[FindingStatus.CONSISTENT]
    counts = {c: sum(f.check_id.startswith(c) for f in ok) for c in ("T030", "T031", "T032", "T033", "T034")}
    # 公开04表 prints 收入合计 alone: it is the total, and there is no composition to check
    assert counts == {"T030": 2, "T031": 1, "T032": 1, "T033": 2, "T034": 3}
    (income,) = [f for f in ok if f.check_id.startswith("T031")]
    assert "当年收入小计 + 上年结转资金" in income.message_zh and income.found == 133_771_100.0
    # each 支出 breakdown adds up to the one 当年支出小计, read where it is printed
    year = [f for f in ok if f.check_id.startswith("T034") and f.evidence[0].table_id == "t01"]
    assert sorted(len(f.evidence) for f in year) == [4, 6]
    assert all(f.evidence[0].text == "13,377.11" and f.evidence[0].bbox == year[0].evidence[0].bbox for f in year)


def test_jiangsu_breakdown_by_function_fails_alone() -> None:
    rows = _set(JS_BY_FUNCTION, "八、社会保障和就业支出", "858.61")
    res = _run("T03", _jiangsu(rows))
    (bad,) = res[FindingStatus.INCONSISTENT]
    assert bad.check_id.startswith("T034") and "功能分类" in bad.message_zh and bad.delta == -1000.0
    assert not res[FindingStatus.NOT_CHECKABLE]
