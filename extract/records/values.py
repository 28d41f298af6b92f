"""Numbers as printed in narrative spans: "79,025,301.26元", "559.63 万元", "10.53%", "16倍", "38辆"."""

from __future__ import annotations

import re
from dataclasses import dataclass

YUAN_PER_UNIT = {"元": 1.0, "千元": 1e3, "万元": 1e4, "万": 1e4, "亿元": 1e8, "亿": 1e8}
_NUMBER = re.compile(r"[-−－]?\d[\d,，]*(?:\.\d+)?")


@dataclass(frozen=True)
class ParsedValue:
    value: float
    decimals: int
    unit: str | None
    value_yuan: float | None = None
    ratio: float | None = None


def parse_value(text: str, label: str) -> ParsedValue | None:
    """The number of a value span and what it means; None when the span holds no number."""
    m = _NUMBER.search(text)
    if not m:
        return None
    digits = m.group().replace(",", "").replace("，", "").replace("−", "-").replace("－", "-")
    value = float(digits)
    decimals = len(digits.split(".", 1)[1]) if "." in digits else 0
    rest = text[m.end() :].strip()
    if label == "AMOUNT":
        unit = next((u for u in ("亿元", "万元", "千元", "元", "亿", "万") if rest.startswith(u)), None)
        unit = {"万": "万元", "亿": "亿元"}.get(unit, unit) if unit else None
        return ParsedValue(value, decimals, unit, value * YUAN_PER_UNIT[unit] if unit else None)
    if label == "PERCENT" or (label == "TARGET" and rest[:1] in "%％"):
        if rest.startswith("倍"):
            return ParsedValue(value, decimals, "倍", ratio=value)
        scale = 1000 if rest.startswith("‰") else 100
        ratio = round(value / scale, decimals + (3 if scale == 1000 else 2))
        return ParsedValue(value, decimals, "%" if scale == 100 else "‰", ratio=ratio)
    unit = re.match(r"(?:多|余)?\s*([^\d\s，,。；;、]{1,4})", rest)
    return ParsedValue(value, decimals, unit.group(1) if unit else None)
