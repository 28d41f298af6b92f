import pytest

from extract.tables.text import decimals, find_unit, parse_amount


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("1,234,567.89", 1234567.89),
        ("78896364.83", 78896364.83),
        ("0", 0.0),
        ("0.00", 0.0),
        ("-12.5", -12.5),
        ("（1,200.00）", -1200.0),
        ("１２３．４", 123.4),
        (" 2,932,700 ", 2932700.0),
    ],
)
def test_amounts_are_parsed(raw, value):
    assert parse_amount(raw) == value


@pytest.mark.parametrize("raw", ["", "-", "—", "合计", "12.5%", "1,23,4", "2080501 行政单位离退休", "≥95%"])
def test_non_amounts_are_rejected(raw):
    assert parse_amount(raw) is None


@pytest.mark.parametrize(
    ("text", "unit"),
    [("金额单位：元", "元"), ("单位:万元", "万元"), ("编制单位：某局   单位：万元", "万元"), ("单 位：元", "元"), ("项目", None)],
)
def test_units(text, unit):
    assert find_unit(text) == unit


def test_decimals_are_the_printed_precision():
    assert decimals("1,234.50") == 2
    assert decimals("1,234") == 0
