from decimal import Decimal

import pytest

from extract.reconcile.intervals import (
    Interval,
    compare,
    half_width_of,
    interval_sum,
    is_blank,
    parse_printed,
    printed_interval,
)


@pytest.mark.parametrize(
    ("raw", "value", "decimals"),
    [
        ("1,234.56", Decimal("1234.56"), 2),
        ("1234", Decimal("1234"), 0),
        ("-12.3", Decimal("-12.3"), 1),
        ("(12.30)", Decimal("-12.30"), 2),
        ("７８.９", Decimal("78.9"), 1),
        ("68.94%", Decimal("68.94"), 2),
        ("0", Decimal("0"), 0),
        ("0.00", Decimal("0.00"), 2),
    ],
)
def test_parse_printed_keeps_value_and_precision(raw: str, value: Decimal, decimals: int) -> None:
    number = parse_printed(raw)
    assert number is not None
    assert number.value == value and number.decimals == decimals


@pytest.mark.parametrize("raw", ["", "-", "—", "abc", "1,23,4", "208 社会保障"])
def test_parse_printed_rejects_non_numbers(raw: str) -> None:
    assert parse_printed(raw) is None


def test_blank_and_dash_are_blank() -> None:
    assert is_blank("") and is_blank(" — ") and is_blank("-")
    assert not is_blank("0")


@pytest.mark.parametrize(
    ("raw", "unit", "half"),
    [
        ("123.45", "万元", 50.0),  # [123.445, 123.455] 万元
        ("1,234", "元", 0.5),
        ("0", "元", 0.5),
        ("0.00", "元", 0.005),
        ("1.2", "亿元", 5e6),
    ],
)
def test_half_width_comes_from_printed_precision(raw: str, unit: str, half: float) -> None:
    assert half_width_of(raw, unit) == pytest.approx(half)


def test_half_width_recovers_unknown_unit_from_value() -> None:
    assert half_width_of("123.45", "?", value=1_234_500.0) == pytest.approx(50.0)


def test_printed_interval_in_wan_yuan() -> None:
    interval = printed_interval("123.45", 1e4)
    assert interval is not None
    assert interval.lo == pytest.approx(1_234_450.0) and interval.hi == pytest.approx(1_234_550.0)


def test_sum_propagates_widths() -> None:
    total = interval_sum([Interval.around(1.0, 0.005), Interval.around(2.0, 0.005), Interval.around(3.0, 0.005)])
    assert total.mid == pytest.approx(6.0) and total.half_width == pytest.approx(0.015)


def _wan(raw: str) -> Interval:
    interval = printed_interval(raw, 1e4)
    assert interval is not None
    return interval


def test_three_wan_yuan_values_within_rounding_pass() -> None:
    # 10.004 + 20.004 + 30.004 = 60.012 → printed 10.00, 20.00, 30.00 and 60.01
    parts = interval_sum(_wan(r) for r in ("10.00", "20.00", "30.00"))
    result = compare(_wan("60.01"), parts)
    assert result.consistent
    assert result.delta == pytest.approx(100.0)  # 0.01 万元, unrounded, in 元
    assert result.tolerance == pytest.approx(200.0)


def test_three_wan_yuan_values_off_by_two_cents_of_wan_fail() -> None:
    parts = interval_sum(_wan(r) for r in ("10.00", "20.00", "30.00"))
    result = compare(_wan("60.02"), parts)
    assert not result.consistent
    assert result.delta == pytest.approx(200.0)


def test_exact_zero_points_are_consistent() -> None:
    assert compare(Interval.point(0.0), Interval.point(0.0)).consistent


def test_ratio_of_printed_values_meets_printed_percentage() -> None:
    # 社会保障和就业支出 914.04万元 of 7,889.63万元 printed as 11.59%
    ratio = _wan("914.04") / _wan("7889.63") * 100
    printed = printed_interval("11.59%")
    assert printed is not None and ratio.meets(printed)
    wrong = printed_interval("11.62%")
    assert wrong is not None and not ratio.meets(wrong)


def test_division_by_interval_containing_zero_is_refused() -> None:
    with pytest.raises(ZeroDivisionError):
        _ = Interval(1, 2) / Interval(-0.5, 0.5)


def test_interval_arithmetic() -> None:
    a, b = Interval(1, 2), Interval(-3, 4)
    assert a - b == Interval(-3, 5)
    assert a * b == Interval(-6, 8)
    assert (a + 1).lo == 2 and a.gap(Interval(5, 6)) == 3
    with pytest.raises(ValueError):
        Interval(2, 1)
