"""Split section text into sentences, keeping character offsets into the section text.

Chinese budget narrative ends sentences with 。；！？ (and their ASCII forms ; ! ?), and
also uses line structure: a list item ("其中：" followed by one item per line), a heading-like
line or a table-ish line ends where its line ends. Lines that were merely wrapped by the PDF
layout (a line that does not end in punctuation, followed by a line that continues the
sentence) are joined, so that "…财政部下拨中央自" + "然灾害救灾资金310万" stays one sentence.

Every `Sentence` carries `start`/`end` into the text it was split from, so
`text[start:end] == sentence.text` always holds; `sentence.text` is stripped of surrounding
whitespace, and internal line breaks are kept as they are (callers that want a display form can
replace them).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SENTENCE_END = frozenset("。；！？;!?")
"""Characters that end a sentence wherever they occur (outside brackets)."""

CLOSERS = frozenset("”’」』）)】")
"""Closing quotes/brackets that stay attached to the sentence they end ("…。”")."""

OPENERS = {"（": "）", "(": ")", "“": "”", "【": "】", "「": "」", "《": "》"}

_LINE_END_OK = re.compile(r"[。；！？;!?：:，,、]$")
_LIST_START = re.compile(
    r"^\s*(?:第[一二三四五六七八九十百]+[部分章节条]|[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[)）]"
    r"|\d{1,2}[、.．](?!\d)|[①-⑳]|[-•·●]\s)"
)

MIN_CHARS = 2
"""Fragments shorter than this (after stripping) are dropped: stray page numbers, bullets."""


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str


def _hard_line_break(prev_line: str, next_line: str) -> bool:
    """True when the newline between two lines ends a sentence.

    A line ending in a colon ("其中：") or starting a list item or heading on the next line breaks;
    a line ending mid-clause (no punctuation, or a comma) followed by ordinary text is a layout
    wrap, however short it is: PDF text is wrapped at a fixed width ("算数为570.14" + "万元，…").
    """
    prev = prev_line.rstrip()
    nxt = next_line.lstrip()
    if not prev or not nxt:
        return True
    if prev[-1] in "：:":
        return True
    if _LIST_START.match(nxt):
        return True
    if _LINE_END_OK.search(prev):
        # ends in a comma etc.: the sentence continues on the next line
        return prev[-1] not in "，,、"
    # no punctuation at the end: a layout wrap ("…年度决" + "算数为570.14万元")
    return False


def split_sentences(text: str) -> list[Sentence]:
    """Split `text` into sentences with offsets; see the module docstring for the rules."""
    cuts: list[int] = []  # exclusive end offsets of sentences
    depth: list[str] = []
    n = len(text)
    i = 0
    while i < n:
        ch = text[i]
        if ch in OPENERS:
            depth.append(OPENERS[ch])
        elif depth and ch == depth[-1]:
            depth.pop()
        if ch in SENTENCE_END and not (depth and ch in "；;"):
            j = i + 1
            while j < n and text[j] in CLOSERS:
                if depth and text[j] == depth[-1]:
                    depth.pop()
                j += 1
            cuts.append(j)
            depth.clear()
            i = j
            continue
        if ch == "\n":
            line_start = text.rfind("\n", 0, i) + 1
            next_end = text.find("\n", i + 1)
            next_line = text[i + 1 : next_end if next_end >= 0 else n]
            if _hard_line_break(text[line_start:i], next_line):
                cuts.append(i)
                depth.clear()
        i += 1
    cuts.append(n)
    sentences: list[Sentence] = []
    start = 0
    for end in cuts:
        if end <= start:
            continue
        piece = text[start:end]
        stripped = piece.strip()
        if len(stripped) >= MIN_CHARS:
            lead = len(piece) - len(piece.lstrip())
            s = start + lead
            sentences.append(Sentence(start=s, end=s + len(stripped), text=stripped))
        start = end
    return sentences
