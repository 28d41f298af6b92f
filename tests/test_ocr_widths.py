"""Full- or half-width punctuation on OCR'd lines, from the character positions.

The positions are what the recogniser gave on a 200-dpi scan of 江苏省委办公厅's 2018 预算说明
(scripts/make_scans.py, default level), whose text layer prints "1．财政拨款收入" and "（1）一般".
"""

from __future__ import annotations

from extract.ocr.engine import CharBox, OcrLine
from extract.ocr.widths import set_width_forms


def line(text: str, starts: list[int], pitch: int = 36) -> OcrLine:
    """A line whose non-space characters start at ``starts`` (px), each ``pitch`` wide at most."""
    marks = "".join(text.split())
    ends = [*starts[1:], starts[-1] + pitch]
    chars = tuple(CharBox(ch, x0, min(x1, x0 + pitch)) for ch, x0, x1 in zip(marks, starts, ends, strict=True))
    return OcrLine(text, (starts[0], 0.0, ends[-1], 50.0), 0.98, chars=chars)


def test_a_point_spaced_like_a_cjk_character_is_full_width() -> None:
    read = line("1. 财政拨款收入预算", [308, 334, 384, 428, 472, 516, 560, 604, 648, 692])
    fixed = set_width_forms(read)
    assert fixed.text == "1．财政拨款收入预算"
    assert [c.text for c in fixed.chars] == list("1．财政拨款收入预算")
    assert [c.x0 for c in fixed.chars] == [c.x0 for c in read.chars]


def test_parentheses_take_the_form_their_closing_mark_shows() -> None:
    read = line("(1)一般公共预算收入", [320, 351, 383, 429, 474, 518, 564, 601, 646, 692, 738])
    assert set_width_forms(read).text == "（1）一般公共预算收入"


def test_a_decimal_point_and_tight_marks_stay_half_width() -> None:
    amount = line("长18.60%。主要原因", [226, 263, 288, 307, 325, 344, 366, 401, 456, 502, 548, 594])
    assert set_width_forms(amount) is amount
    starts = [100, 144, 188, 202, 246, 262, 306, 350]  # ")" advances 0.36 em
    tight = line("收入(类)合计数", starts, pitch=44)
    assert set_width_forms(tight) is tight
    read_full = line("收入（类）合计数", starts, pitch=44)
    assert set_width_forms(read_full).text == "收入(类)合计数"


def test_a_line_without_an_em_or_positions_stays_as_read() -> None:
    digits = line("(1) 2,345.00", [10, 20, 30, 50, 60, 70, 80, 90, 100, 110, 120])
    assert set_width_forms(digits) is digits
    unpositioned = OcrLine("1. 财政拨款收入", (0.0, 0.0, 300.0, 40.0), 0.9)
    assert set_width_forms(unpositioned) is unpositioned
