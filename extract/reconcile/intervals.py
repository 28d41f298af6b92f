"""Interval arithmetic for printed amounts: the tolerance comes from the printed precision.

A number printed with *d* decimals stands for every value that rounds to it, so
"123.45" in 万元 is the interval [123.445, 123.455] 万元 = ±50 元, "1,234" in 元 is ±0.5 元
and "0" / "0.00" are ±half a unit of their last printed digit like any other number.
Sums and ratios of such values are intervals too, and an identity is broken only when
the interval of one side cannot meet the interval of the other — the rounding-consistency
rule of XBRL Calculations 1.1. Nothing here rounds or alters a printed value.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

UNIT_FACTORS: dict[str, float] = {
    "元": 1.0,
    "千元": 1e3,
    "万元": 1e4,
    "百万元": 1e6,
    "亿元": 1e8,
}

EPSILON = 1e-6
"""Guard against binary floating-point noise; far below any printed precision (0.005 元)."""

_BLANKS = {"", "-", "--", "—", "——", "–", "－", "/", "／"}
_NUMBER = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?$")
_PAREN_NEGATIVE = re.compile(r"^\((.+)\)$")


@dataclass(frozen=True)
class Interval:
    """A closed interval [lo, hi] of real numbers."""

    lo: float
    hi: float

    def __post_init__(self) -> None:
        if self.lo > self.hi:
            raise ValueError(f"empty interval [{self.lo}, {self.hi}]")

    @classmethod
    def point(cls, x: float) -> Interval:
        return cls(x, x)

    @classmethod
    def around(cls, center: float, half_width: float) -> Interval:
        half = abs(half_width)
        return cls(center - half, center + half)

    @property
    def mid(self) -> float:
        return (self.lo + self.hi) / 2

    @property
    def half_width(self) -> float:
        return (self.hi - self.lo) / 2

    def __add__(self, other: Interval | float) -> Interval:
        o = _as_interval(other)
        return Interval(self.lo + o.lo, self.hi + o.hi)

    __radd__ = __add__

    def __neg__(self) -> Interval:
        return Interval(-self.hi, -self.lo)

    def __sub__(self, other: Interval | float) -> Interval:
        return self + (-_as_interval(other))

    def __rsub__(self, other: float) -> Interval:
        return _as_interval(other) - self

    def __mul__(self, other: Interval | float) -> Interval:
        o = _as_interval(other)
        products = (self.lo * o.lo, self.lo * o.hi, self.hi * o.lo, self.hi * o.hi)
        return Interval(min(products), max(products))

    __rmul__ = __mul__

    def __truediv__(self, other: Interval | float) -> Interval:
        o = _as_interval(other)
        if o.lo <= 0 <= o.hi:
            raise ZeroDivisionError(f"divisor interval [{o.lo}, {o.hi}] contains 0")
        return self * Interval(1 / o.hi, 1 / o.lo)

    def contains(self, x: float) -> bool:
        return self.lo - EPSILON <= x <= self.hi + EPSILON

    def meets(self, other: Interval) -> bool:
        """True when the two intervals share at least one value (up to float noise)."""
        return self.lo <= other.hi + EPSILON and other.lo <= self.hi + EPSILON

    def gap(self, other: Interval) -> float:
        """Distance between the intervals; 0 when they meet."""
        return max(0.0, self.lo - other.hi, other.lo - self.hi)


def _as_interval(x: Interval | float) -> Interval:
    return x if isinstance(x, Interval) else Interval.point(float(x))


def interval_sum(intervals: Iterable[Interval]) -> Interval:
    total = Interval.point(0.0)
    for interval in intervals:
        total = total + interval
    return total


@dataclass(frozen=True)
class PrintedNumber:
    """A number as printed: its value in the printed unit and its number of decimals."""

    value: Decimal
    decimals: int

    @property
    def half_unit(self) -> Decimal:
        """Half a unit of the last printed digit: "123.45" → 0.005, "1,234" → 0.5."""
        return Decimal(5).scaleb(-(self.decimals + 1))


def _normalize(raw: str) -> str:
    s = unicodedata.normalize("NFKC", raw)
    s = re.sub(r"\s+", "", s).replace("−", "-")
    return s


def is_blank(raw: str) -> bool:
    """An empty cell or a dash printed for "nil"."""
    return _normalize(raw) in _BLANKS


def parse_printed(raw: str) -> PrintedNumber | None:
    """Parse "1,234.56", "-12.3", "(12.30)", "７８.９" or "12.5%" (the % is dropped).

    Returns None for text that is not a number (including blanks and dashes).
    """
    s = _normalize(raw).removesuffix("%")
    negative = False
    if m := _PAREN_NEGATIVE.match(s):
        s, negative = m.group(1), True
    m = _NUMBER.match(s)
    if not m:
        return None
    try:
        value = Decimal(s.replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the regex already guards this
        return None
    decimals = len(m.group(1)) if m.group(1) else 0
    return PrintedNumber(-value if negative else value, decimals)


def unit_factor(unit: str) -> float | None:
    return UNIT_FACTORS.get(_normalize(unit))


def printed_interval(raw: str, factor: float = 1.0) -> Interval | None:
    """The interval a printed number stands for, scaled by `factor` (e.g. 1e4 for 万元)."""
    number = parse_printed(raw)
    if number is None:
        return None
    return Interval.around(float(number.value) * factor, float(number.half_unit) * factor)


def half_width_of(raw: str, unit: str, value: float | None = None) -> float | None:
    """Rounding half-width in base units (元) of `raw` printed in `unit`.

    When the unit is unknown the factor is recovered from `value` (already in 元).
    """
    number = parse_printed(raw)
    if number is None:
        return None
    factor = unit_factor(unit)
    if factor is None:
        if value is None or number.value == 0:
            return None
        factor = abs(value / float(number.value))
    return float(number.half_unit) * factor


@dataclass(frozen=True)
class Comparison:
    """Outcome of comparing a found value with an expected one, both printed values."""

    found: Interval
    expected: Interval
    delta: float
    """Unrounded found − expected of the printed values (midpoints)."""

    @property
    def consistent(self) -> bool:
        """Whether some true values behind the printed ones satisfy the identity.

        Printed values are rounded half-up, so each stands for the half-open [x − h, x + h):
        two intervals that only touch at an end do not meet (three 2-decimal parts and a
        2-decimal total off by exactly 0.02 are inconsistent). Exact values are closed points.
        """
        a, b = self.found, self.expected
        overlap = min(a.hi, b.hi) - max(a.lo, b.lo)
        eps = EPSILON + 1e-12 * max(abs(a.lo), abs(a.hi), abs(b.lo), abs(b.hi))
        if a.half_width == 0 or b.half_width == 0:
            return overlap >= -eps
        return overlap > eps

    @property
    def tolerance(self) -> float:
        """Largest |delta| that rounding alone can explain."""
        return self.found.half_width + self.expected.half_width


def compare(found: Interval, expected: Interval) -> Comparison:
    return Comparison(found, expected, round(found.mid - expected.mid, 6))
