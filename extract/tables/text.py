"""Small text rules shared by the table stages: amounts, codes, units, normalisation."""

from __future__ import annotations

import re

_SPACES = re.compile(r"[\s\u3000]+")
_AMOUNT = re.compile(r"^[-−]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$")
_PAREN_NEG = re.compile(r"^[(（](.+)[)）]$")
CODE = re.compile(r"^[1-9]\d{2}(\d{2}){0,2}$")
"""A 功能分类 / 经济分类 code: 3 digits (类), 5 (款) or 7 (项)."""
CODE_PART = re.compile(r"^\d{2,3}$")
CODE_AND_NAME = re.compile(r"^([1-9]\d{2}(?:\d{2}){0,2})\s*([^\d\s].*)$")

UNIT_MULTIPLIER = {"元": 1.0, "千元": 1e3, "万元": 1e4, "百万元": 1e6, "亿元": 1e8}
_UNIT = re.compile(r"单\s*位\s*[:：]?\s*(人民币)?\s*(亿元|百万元|万元|千元|元)")

_FULLWIDTH = str.maketrans("０１２３４５６７８９，．－（）", "0123456789,.-()")


def normalize(text: str) -> str:
    """Collapse whitespace (labels are often letter-spaced: "项  目")."""
    return _SPACES.sub("", text)


def parse_amount(text: str) -> float | None:
    """A printed amount → float, or None when the text is not an amount.

    Accepts thousands separators, a leading minus, accounting parentheses and
    full-width digits. "-" or "—" alone (used for "nil") is not an amount.
    """
    s = normalize(text.translate(_FULLWIDTH))
    if not s:
        return None
    negative = False
    m = _PAREN_NEG.match(s)
    if m:
        s, negative = m.group(1), True
    if not _AMOUNT.match(s):
        return None
    value = float(s.replace(",", "").replace("−", "-"))
    return -value if negative else value


def find_unit(text: str) -> str | None:
    m = _UNIT.search(text)
    return m.group(2) if m else None


def decimals(raw: str) -> int:
    """Digits printed after the decimal point: the precision the value was rounded to."""
    s = normalize(raw)
    return len(s.split(".", 1)[1].rstrip(")）")) if "." in s else 0
