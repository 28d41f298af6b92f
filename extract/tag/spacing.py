"""Spaces a text layer puts between characters, taken out before a sentence is read.

PDF text layers and web copies of them space out Chinese text ("基 本 支出 预 算488180.64 元 ， 同 比 增 加…"): the rules
that read a SUBJECT's edges or a value's cue ("同比增加") see no word there. So `refine` reads every sentence without the
spaces that touch a Chinese character or full-width mark, and the crf tagger reads so a sentence whose words are spaced
out (a space between two Chinese characters); the spans are put back on the printed text, spaces included, as
GUIDELINES §2 keeps them ("2885.58 万元"). Spaces between two ASCII characters (words, a table row's " | ") stay.

The tagger keeps the spacing of other sentences ("实际支付 20 万元", "得分 6.13 分"): it was trained on text printed so, and
reading the seeds without it cost 8 of train's 1,692 out-of-fold records (training on both forms cost 40).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import replace

from extract.tag.spans import Span

SPACED_WORDS = re.compile(r"[\u4e00-\u9fff]\s+[\u4e00-\u9fff]")
WHITESPACE = re.compile(r"\s")


def spaced_out(text: str) -> bool:
    """Whether a text layer spaced out the words of this text (a space between two Chinese characters)."""
    return bool(SPACED_WORDS.search(text))


def _spacing(text: str, i: int) -> bool:
    """Whether the whitespace at `i` only spaces out the characters around it."""
    if not text[i].isspace():
        return False
    j, k = i, i
    while j > 0 and text[j - 1].isspace():
        j -= 1
    while k < len(text) - 1 and text[k + 1].isspace():
        k += 1
    if j == 0 or k == len(text) - 1:
        return False
    before, after = text[j - 1], text[k + 1]
    return "|" not in (before, after) and not (before.isascii() and after.isascii())


def compact(text: str) -> tuple[str, list[int]]:
    """The text without its spacing, and for each of its characters the index it has in `text`."""
    if not WHITESPACE.search(text):
        return text, list(range(len(text)))  # most sentences: nothing to take out
    index = [i for i in range(len(text)) if not _spacing(text, i)]
    return "".join(text[i] for i in index), index


def onto_compact(spans: Sequence[Span], compacted: str, index: Sequence[int]) -> list[Span]:
    """Spans of the printed text placed on `compacted` (= `compact(text)`, with its `index`); an edge on a space moves
    inwards."""
    out = []
    for s in spans:
        start, end = bisect_left(index, s.start), bisect_left(index, s.end)
        if start < end:
            out.append(replace(s, start=start, end=end, text=compacted[start:end]))
    return out


def restore(spans: Sequence[Span], text: str, index: Sequence[int]) -> list[Span]:
    """Spans found on `compact(text)` placed on `text`."""
    return [
        replace(s, start=index[s.start], end=index[s.end - 1] + 1, text=text[index[s.start] : index[s.end - 1] + 1])
        for s in spans
    ]
