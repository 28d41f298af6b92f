from extract.model import FindingStatus, Severity
from extract.reconcile import run_checks
from extract.reconcile.table_checks import subtotal_identities
from reconcile_builders import PanelSpec, TableSpec, build_document

COLUMNS = ["本年支出/小计", "本年支出/基本支出", "本年支出/项目支出"]

ROWS = [
    (None, "合计", ["1,234.57", "1,000.00", "234.57"]),
    ("208", "社会保障和就业支出", ["1,034.57", "1,000.00", "34.57"]),
    ("20805", "行政事业单位养老支出", ["1,034.57", "1,000.00", "34.57"]),
    ("2080501", "行政单位离退休", ["634.57", "600.00", "34.57"]),
    ("2080505", "机关事业单位基本养老保险缴费支出", ["400.00", "400.00", ""]),
    ("221", "住房保障支出", ["200.00", "", "200.00"]),
]


def _doc(rows=ROWS, unit="万元", **kw):
    spec = TableSpec("t05", "final.general_budget_expenditure", [PanelSpec(COLUMNS, rows)], unit=unit, **kw)
    return build_document(spec)


def _by_status(doc, prefix):
    out: dict[FindingStatus, list] = {s: [] for s in FindingStatus}
    for f in run_checks(doc, only=[prefix]):
        out[f.status].append(f)
    return out


def _replace(rows, code, col, raw):
    return [(c, n, [raw if c == code and i == col else v for i, v in enumerate(vals)]) for c, n, vals in rows]


def test_total_equals_sum_of_classes_passes() -> None:
    res = _by_status(_doc(), "T001")
    assert len(res[FindingStatus.CONSISTENT]) == 3 and not res[FindingStatus.INCONSISTENT]


def test_total_equals_sum_of_classes_fails_with_evidence() -> None:
    res = _by_status(_doc(_replace(ROWS, None, 0, "1,234.60")), "T001")
    (bad,) = res[FindingStatus.INCONSISTENT]
    assert bad.severity == Severity.ERROR
    assert bad.found == 12_346_000.0 and bad.expected == 12_345_700.0
    assert bad.delta == 300.0  # 0.03 万元, beyond ±0.015 万元 for three 2-decimal values
    assert [e.text for e in bad.evidence] == ["1,234.60", "1,034.57", "200.00"]
    assert all(e.page == 3 and e.bbox and e.table_id == "t05" for e in bad.evidence)
    assert "合计" in bad.message_zh and "印刷精度" in bad.message_zh and "tolerance" in bad.message_en


def test_class_equals_sum_of_kuan_and_kuan_equals_sum_of_xiang_pass() -> None:
    assert len(_by_status(_doc(), "T002")[FindingStatus.CONSISTENT]) == 3
    # 基本支出 of 20805: 600.00 + 400.00; 项目支出: 34.57 + blank (= 0)
    assert len(_by_status(_doc(), "T003")[FindingStatus.CONSISTENT]) == 3


def test_kuan_equals_sum_of_xiang_fails() -> None:
    res = _by_status(_doc(_replace(ROWS, "2080505", 0, "400.10")), "T003")
    (bad,) = res[FindingStatus.INCONSISTENT]
    assert bad.found == 10_345_700.0 and bad.expected == 10_346_700.0


def test_class_without_kuan_rows_is_not_flagged() -> None:
    res = _by_status(_doc(), "T002")
    assert all("221" not in f.message_zh for fs in res.values() for f in fs)


def test_unreadable_child_cell_is_not_checkable() -> None:
    # the 'parser' lost the 基本支出 cell of 2080505 (row 5, col 3): no cell, no line item
    res = _by_status(_doc(drop_cells={(5, 3)}), "T003")
    (nc,) = res[FindingStatus.NOT_CHECKABLE]
    assert "2080505" in nc.message_zh and not res[FindingStatus.INCONSISTENT]


def test_blank_items_emitted_by_parser_count_as_zero() -> None:
    res = _by_status(_doc(blank_items=True), "T00")
    assert not res[FindingStatus.INCONSISTENT] and not res[FindingStatus.NOT_CHECKABLE]


def test_code_echoed_into_an_amount_cell_is_not_an_amount() -> None:
    rows = _replace(ROWS, "221", 1, "221")  # the code leaked into 基本支出
    res = _by_status(_doc(rows), "T001")
    assert not res[FindingStatus.INCONSISTENT]
    assert len(res[FindingStatus.NOT_CHECKABLE]) == 1  # the cell is neither blank nor an amount


def test_hierarchy_tolerance_in_yuan() -> None:
    rows = [
        (None, "合计", ["1,234,567.89", "1,234,567.89", ""]),
        ("208", "社会保障和就业支出", ["1,000,000.00", "1,000,000.00", ""]),
        ("221", "住房保障支出", ["234,567.88", "234,567.88", ""]),
    ]
    res = _by_status(_doc(rows, unit="元"), "T001")
    assert len(res[FindingStatus.CONSISTENT]) == 2  # 0.01 元 is within ±0.015 元
    rows = _replace(rows, None, 0, "1,234,567.90")
    (bad,) = _by_status(_doc(rows, unit="元"), "T001")[FindingStatus.INCONSISTENT]
    assert bad.delta == 0.02


def test_two_values_printed_differently_cannot_be_equal() -> None:
    rows = [(None, "合计", ["1,234,567.89", "", ""]), ("208", "社会保障和就业支出", ["1,234,567.88", "", ""])]
    assert len(_by_status(_doc(rows, unit="元"), "T001")[FindingStatus.INCONSISTENT]) == 1


def test_subtotal_identities_nested_and_flat() -> None:
    assert subtotal_identities(COLUMNS) == [("本年支出/小计", ["本年支出/基本支出", "本年支出/项目支出"])]
    flat = ["本年支出合计", "基本支出", "项目支出", "上缴上级支出"]
    assert subtotal_identities(flat) == [("本年支出合计", ["基本支出", "项目支出", "上缴上级支出"])]
    grouped = ["合计", "基本支出/人员经费", "基本支出/公用经费", "项目支出", "财政拨款收入/其中：政府性基金"]
    (root,) = subtotal_identities(grouped)
    assert root == ("合计", ["基本支出/人员经费", "基本支出/公用经费", "项目支出"])


def test_subtotal_column_passes_and_fails() -> None:
    res = _by_status(_doc(), "T010")
    assert len(res[FindingStatus.CONSISTENT]) == len(ROWS) and not res[FindingStatus.INCONSISTENT]
    res = _by_status(_doc(_replace(ROWS, "208", 2, "34.67")), "T010")
    (bad,) = res[FindingStatus.INCONSISTENT]
    assert bad.delta == -1000.0 and "208" in bad.message_zh


def test_subtotal_column_not_checkable_when_sibling_unreadable() -> None:
    res = _by_status(_doc(drop_cells={(6, 3)}), "T010")  # 221 基本支出 cell lost
    (nc,) = res[FindingStatus.NOT_CHECKABLE]
    assert "221" in nc.message_zh


# -- a list printed on across same-named panels ------------------------------------------------
# The 公用经费 list of a 基本支出表 printed in three side-by-side panels of one name (seed 000,
# p13–14): 310 资本性支出 starts in the second panel and its 款 run on into the third. Rows of
# different panels that share a printed line are different rows.

PERSONNEL_ROWS = [("301", "工资福利支出", ["700.00"]), ("30101", "基本工资", ["700.00"]), ("303", "对个人和家庭的补助", [""])]
PUBLIC_PANELS = [
    [
        ("302", "商品和服务支出", ["1,000.00"]),
        ("30201", "办公费", ["600.00"]),
        ("30211", "差旅费", [""]),
        ("30299", "其他商品和服务支出", ["400.00"]),
    ],
    [
        ("307", "债务利息及费用支出", [""]),
        ("30701", "国内债务付息", [""]),
        ("310", "资本性支出", ["300.00"]),
        ("31002", "办公设备购置", ["100.00"]),
    ],
    [
        ("31003", "专用设备购置", ["150.00"]),
        ("31019", "其他交通工具购置", ["50.00"]),
        ("399", "其他支出", [""]),
        ("39999", "其他支出", [""]),
    ],
]


def _run_on_doc(public=PUBLIC_PANELS):
    panels = [PanelSpec(["人员经费/金额"], PERSONNEL_ROWS, name="人员经费")]
    panels += [PanelSpec(["公用经费/金额"], rows, name="公用经费") for rows in public]
    return build_document(TableSpec("t06", "final.general_budget_basic_expenditure", panels))


def test_list_printed_on_across_same_named_panels_keeps_its_rows_apart() -> None:
    res = _by_status(_run_on_doc(), "T002")
    assert not res[FindingStatus.INCONSISTENT] and not res[FindingStatus.NOT_CHECKABLE]
    by_class = {f.message_en.split(" row ")[1][:3]: f for f in res[FindingStatus.CONSISTENT]}
    assert set(by_class) == {"301", "302", "310"}
    # 310 in the second panel = its 款 in the second (31002) and third (31003, 31019) panels
    assert [e.text for e in by_class["310"].evidence] == ["300.00", "100.00", "150.00", "50.00"]
    assert [e.text for e in by_class["302"].evidence] == ["1,000.00", "600.00", "", "400.00"]


def test_list_printed_on_across_panels_still_catches_a_wrong_kuan() -> None:
    public = [PUBLIC_PANELS[0], PUBLIC_PANELS[1], _replace(PUBLIC_PANELS[2], "31019", 0, "60.00")]
    (bad,) = _by_status(_run_on_doc(public), "T002")[FindingStatus.INCONSISTENT]
    assert "310" in bad.message_zh and bad.found == 300.0 and bad.expected == 310.0
