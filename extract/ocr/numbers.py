"""Normalise amounts as OCR reads them from Chinese budget tables.

OCR confuses the separators in amounts: full-width "，" for ",", "," for "." and back,
stray spaces inside digit groups, and letters that look like digits (O/o → 0,
l/I/| → 1). `normalize_amount` undoes those and says whether it had to.

Separator rule (Chinese disclosures use "." for decimals and "," for thousands):
the *last* separator is the decimal point when 1 or 2 digits follow it, or when it is
the only separator and is a "."; every other separator is a thousands separator. A run of
separators ("1,.073.77", "163..58") counts as its last one.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_EXTRA_MAP = str.maketrans(
    {
        "。": ".",  # ideographic full stop read for a decimal point
        "、": ",",
        "﹒": ".",
        "·": ".",
        "‚": ",",
        "−": "-",
        "–": "-",
        "—": "-",
        "O": "0",
        "o": "0",
        "〇": "0",
        "l": "1",
        "I": "1",
        "|": "1",
    }
)
_LOOKALIKES = set("Oo〇lI|")
_SEPARATORS = ".,"
_STANDARD = re.compile(r"-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?")
_CANDIDATE = re.compile(r"-?[\d.,]+")


@dataclass(frozen=True)
class NormalizedAmount:
    """``value`` is None when ``raw`` is not an amount at all (e.g. "-" or "合计")."""

    raw: str
    value: float | None
    text: str
    """The canonical form: ASCII, no thousands separators, "." decimal point."""
    changed: bool
    """True when anything beyond a standard "1,234.56" reading had to be repaired."""


def normalize_amount(raw: str) -> NormalizedAmount:
    """Parse an OCR'd amount such as "1，234.56", "12.345.67" or "1 2O4" into a float."""
    cleaned = _clean(raw)
    if cleaned is None:
        return NormalizedAmount(raw=raw, value=None, text="", changed=False)
    negative = cleaned.startswith("-")
    body = cleaned.lstrip("-")
    canonical = _resolve_separators(body)
    if canonical is None:
        return NormalizedAmount(raw=raw, value=None, text="", changed=False)
    text = ("-" if negative else "") + canonical
    changed = _STANDARD.fullmatch(raw) is None or text != raw.replace(",", "")
    return NormalizedAmount(raw=raw, value=float(text), text=text, changed=changed)


def _clean(raw: str) -> str | None:
    """NFKC (full-width → ASCII), drop whitespace, map look-alike letters to digits.

    Returns None unless the result is digits and separators with at least one digit,
    so words ("合计", "Total") are not turned into numbers.
    """
    text = unicodedata.normalize("NFKC", raw)
    text = "".join(ch for ch in text if not ch.isspace())
    if not any(ch.isdigit() for ch in text):
        return None
    # Look-alike letters only count inside something that is otherwise numeric.
    if sum(ch in _LOOKALIKES for ch in text) > sum(ch.isdigit() for ch in text):
        return None
    text = text.translate(_EXTRA_MAP)
    sign = "-" if text.startswith("-") else ""
    text = sign + text.removeprefix("-").strip(_SEPARATORS)
    if not _CANDIDATE.fullmatch(text) or "-" in text[1:]:
        return None
    return text


def _resolve_separators(body: str) -> str | None:
    """Decide which separators are thousands separators and which (if any) is decimal."""
    if not body or not body[0].isdigit():
        return None
    # A doubled separator is one separator read twice (at 150 dpi a point and its comma blur
    # together): "1,.073.77" → "1.073.77", "163..58" → "163.58"; the last of the run counts.
    body = re.sub(r"[.,]{2,}", lambda run: run[0][-1], body)
    groups = re.split(r"[.,]", body)
    if len(groups) == 1:
        return body
    seps = re.findall(r"[.,]", body)
    last = groups[-1]
    # A lone "." is a decimal point whatever follows: "1.234" here is 1.234, not 1234.
    decimal = len(last) in (1, 2) or seps == ["."]
    if decimal:
        return "".join(groups[:-1]) + "." + last
    return "".join(groups)
