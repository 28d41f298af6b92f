"""Surface patterns that every tagger may use as features: numbers with their units, comparators,
reason cues and metric words. They mark *candidates*; the trained models decide what is a span and
where it ends (a "95%" may be a PERCENT, part of a TARGET, or inside a REASON).
"""

from __future__ import annotations

import re

NUMBER = r"[-−－]?\d[\d,，]*(?:\.\d+)?"
PATTERNS: dict[str, re.Pattern[str]] = {
    "money": re.compile(rf"{NUMBER}\s*(?:亿元|万元|千元|元|万)(?!\d)"),
    "percent": re.compile(rf"{NUMBER}\s*[%％‰]|{NUMBER}\s*倍"),
    "count": re.compile(
        rf"{NUMBER}\s*(?:多|余)?\s*(?:人次|批次|家次|台/套|台（套）|平方米|万平方米|个|人|次|辆|台|套|家|份|天|项|场|起|名|批|所|户|件|分|处|条|支|部|座|亩|顶|种|期)"
    ),
    "comparator": re.compile(r"[≥≤><＞＜=＝]|不低于|不少于|不超过|不高于|至少|以上|以下|以内|左右|达到|大于|小于|等于|控制在"),
    "reason_cue": re.compile(r"主要原因|原因是|原因为|主要是|由于|受[^，。；]{1,15}影响|因[^此为而]"),
    "change_word": re.compile(r"增加|减少|增长|下降|降低|持平|上升|增幅|降幅|节约|相同|一致"),
    "metric_word": re.compile(
        r"预算数|决算数|执行数|年初预算|全年预算|预算为|支出为|占比|占|完成|执行率|得分|分值|指标值|实际完成"
    ),
    "comparison": re.compile(r"与上年相比|较上年|比上年|同比|与\d{4}年"),
    "year": re.compile(r"(?:19|20)\d\d\s*年"),
}
"""Pattern name → regex. Names double as feature names."""


def pattern_marks(text: str) -> list[tuple[str, ...]]:
    """For every character, the names of the patterns whose match covers it, with a B/I prefix
    ("B:money" at a match's first character, "I:money" inside it)."""
    marks: list[list[str]] = [[] for _ in text]
    for name, pattern in PATTERNS.items():
        for m in pattern.finditer(text):
            for i in range(m.start(), m.end()):
                marks[i].append(("B:" if i == m.start() else "I:") + name)
    return [tuple(m) for m in marks]


def char_class(ch: str) -> str:
    """A coarse class of one character: digit, CJK, Latin, punctuation kind, space."""
    if ch.isdigit():
        return "D"
    if "\u4e00" <= ch <= "\u9fff":
        return "C"
    if ch.isascii() and ch.isalpha():
        return "L"
    if ch.isspace():
        return "S"
    if ch in "，,、":
        return "comma"
    if ch in "。；;！？!?":
        return "stop"
    if ch in "（(【[“《":
        return "open"
    if ch in "）)】]”》":
        return "close"
    if ch in ":：":
        return "colon"
    return "P"
