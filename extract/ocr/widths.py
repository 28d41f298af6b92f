"""Full- or half-width punctuation, decided from where the recogniser put the characters.

PP-OCR's recogniser writes "1." and "(1)" whether the page prints the full-width "1．" and
"（1）" of Chinese typesetting or the half-width forms: the glyphs look alike, but the reader
sees the difference in the spacing — a full-width mark takes a whole em, like a CJK character,
a half-width one half of that or less. `set_width_forms` measures each mark's advance against
the line's em (the pitch of its CJK characters, from `extract.ocr.engine.CharBox`) and writes
the form the spacing shows. Only a clear advance changes a mark; a mark between digits (the
point of "24458.43") is never touched, and a line without enough CJK characters to give an em
stays as read.
"""

from __future__ import annotations

import statistics
import unicodedata
from dataclasses import replace
from itertools import pairwise

from extract.ocr.engine import CharBox, OcrLine

FULL_WIDTH = {".": "．", ",": "，", ":": "：", ";": "；", "?": "？", "!": "！", "(": "（", ")": "）"}
HALF_WIDTH = {full: half for half, full in FULL_WIDTH.items()}
OPENING = {"(", "（"}
MIN_FULL_ADVANCE = 0.8
"""A mark whose advance (its start to the next character's start) is at least this share of
the em is full-width; measured: full-width 0.9–1.2 em, half-width "." and "," 0.4–0.6 em."""
MAX_HALF_ADVANCE = 0.5
"""A full-width reading whose advance is at most this share of the em is half-width."""
MIN_EM_PAIRS = 3
"""Neighbouring CJK characters a line needs before its em counts."""


def set_width_forms(line: OcrLine) -> OcrLine:
    """The line with each punctuation mark in the width form its spacing shows (see the module
    docstring); the line itself when nothing changes or its characters have no positions."""
    chars = list(line.chars)
    if len(chars) < 2 or len(chars) != len("".join(line.text.split())):
        return line
    em = line_em(chars)
    if em is None:
        return line
    forms = [width_form(chars, i, em) for i in range(len(chars))]
    # An opening mark's glyph sits at the far side of its em box, so its own advance says little:
    # it takes the form of the closing mark that ends its group.
    for i, form in enumerate(forms):
        if form in OPENING:
            closing = next((forms[j] for j in range(i + 1, len(forms)) if forms[j] in (")", "）")), None)
            forms[i] = form if closing is None else ("（" if closing == "）" else "(")
    if forms == [c.text for c in chars]:
        return line
    new_chars = tuple(replace(c, text=form) for c, form in zip(chars, forms, strict=True))
    return replace(line, text=respaced(line.text, forms), chars=new_chars)


def line_em(chars: list[CharBox]) -> float | None:
    """The median pitch of neighbouring CJK characters (start to start), when there are enough."""
    pitches = [b.x0 - a.x0 for a, b in pairwise(chars) if is_cjk(a.text) and is_cjk(b.text) and b.x0 > a.x0]
    return statistics.median(pitches) if len(pitches) >= MIN_EM_PAIRS else None


def width_form(chars: list[CharBox], i: int, em: float) -> str:
    """The form of ``chars[i]`` its advance shows; the character as read when it is no mark, is
    the last of the line, sits between digits, or its advance is in between."""
    ch = chars[i].text
    half = HALF_WIDTH.get(ch, ch)
    if half not in FULL_WIDTH or i + 1 >= len(chars):
        return ch
    before = chars[i - 1].text if i > 0 else ""
    if before.isdigit() and chars[i + 1].text.isdigit():
        return ch
    if half in OPENING:
        return ch  # decided with its closing mark
    advance = (chars[i + 1].x0 - chars[i].x0) / em
    if advance >= MIN_FULL_ADVANCE:
        return FULL_WIDTH[half]
    if advance <= MAX_HALF_ADVANCE:
        return half
    return ch


def respaced(text: str, forms: list[str]) -> str:
    """``text`` with its non-space characters replaced by ``forms``, and no space beside a
    full-width mark: that blank is the mark's own em box, not a space."""
    marks = iter(forms)
    out = [ch if ch.isspace() else next(marks) for ch in text]
    full = set(HALF_WIDTH)
    return "".join(
        ch
        for k, ch in enumerate(out)
        if not (ch.isspace() and ((k > 0 and out[k - 1] in full) or (k + 1 < len(out) and out[k + 1] in full)))
    )


def is_cjk(ch: str) -> bool:
    """A CJK ideograph (not a full-width mark, which has its own advance)."""
    return unicodedata.east_asian_width(ch) == "W" and unicodedata.category(ch) == "Lo"
