"""Punctuation a reviewer marks in the narrative: a doubled or stray sentence end, a paragraph
without its final mark, brackets and quotes that do not pair up, half- and full-width characters
mixed inside one number.

Whitespace never counts: "减少支付。 。" is a doubled "。" and "264.87 万元" is fine. Each check
reports at most `MAX_REPORTS_PER_KIND` places per document (see `engine.capped`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from extract.model import Document
from extract.reconcile.completeness import EXACT
from extract.reconcile.engine import Outcome, Verdict, capped, check
from extract.reconcile.reading import Paragraph, paragraphs
from extract.reconcile.views import DocIndex

_SPACES = re.compile(r"\s+")
DOUBLED_END = re.compile(r"[。！？][。！？，、；：]|[，、；：][。！？]|^[。！？，、；]")
"""A sentence end doubled ("。。"), or next to another mark ("，。", "。，"), or opening a paragraph."""
PAIRS = (("（(", "）)"), ("【", "】"), ("《", "》"), ("“", "”"))
"""Opening and closing marks; a full-width bracket closed by a half-width one ("（款)") still pairs."""
MIXED_NUMBER = re.compile(r"[0-9０-９][0-9０-９,，.．]*[0-9０-９]")
_FULL = re.compile(r"[０-９．]")
_HALF = re.compile(r"[0-9.]")
_ITEM_NUMBER = re.compile(r"^\s*\d{1,2}[.．、]")
_OPEN_END = re.compile(r"[\u4e00-\u9fff0-9%％]$")
"""A paragraph that stops on a character or a number (not on a mark, a bracket or a quote)."""
_LABEL = re.compile(
    r"^(?:——|--|—)|^\S{0,6}指标[：:]|^(?:金额)?(?:说明|注|单位|编制单位|编制部门|填报单位|主管部门|项目名称|项目单位|制表人?|日期)[：:]"
)
"""A label, a field or a table note ("单位：万元", "时效指标：2020年完成", "说明：本表无数据", "——产出指标…"): printed
without a final mark."""
MIN_LAST_SENTENCE = 8
"""A last sentence shorter than this without a final mark is a label or a fragment, not a sentence left open."""


def typeset_paragraphs(doc: Document) -> list[Paragraph]:
    """The paragraphs printed in a text layer (OCR's punctuation is not judged)."""
    return [p for p in paragraphs(doc) if not p.read_by_ocr]


def _compact(paragraph: Paragraph) -> tuple[str, list[int]]:
    """The paragraph's text without whitespace, and for each kept character its offset in the text."""
    kept = [(k, c) for k, c in enumerate(paragraph.text) if not c.isspace()]
    return "".join(c for _, c in kept), [k for k, _ in kept]


def _statement(
    paragraph: Paragraph, subject: tuple[str, str], expected: str, found: str, offset: int, why: tuple[str, str]
) -> Verdict:
    zh, en = subject
    return Verdict(
        f"第 {paragraph.line_at(offset).page} 页的{zh}",
        f"{en} on p{paragraph.line_at(offset).page}",
        False,
        expected,
        found,
        (paragraph.evidence("text", offset),),
        *why,
    )


def _snippet(text: str, start: int, end: int) -> str:
    return text[max(start - 8, 0) : end + 4]


@check(
    "V010.doubled_sentence_end",
    description="No doubled or stray sentence-end mark (。。, 。 。, ，。, a paragraph opening with 。); whitespace ignored.",
    inputs=("text",),
    tolerance=EXACT,
)
def doubled_sentence_end(index: DocIndex) -> Iterator[Outcome]:
    def found() -> Iterator[Verdict]:
        for paragraph in typeset_paragraphs(index.doc):
            text, offsets = _compact(paragraph)
            for m in DOUBLED_END.finditer(text):
                yield _statement(
                    paragraph,
                    ("重复或多余的句末标点", "doubled or stray sentence end"),
                    "一个句末标点",
                    _snippet(text, m.start(), m.end()),
                    offsets[m.start()],
                    ("句末标点重复或位置不当。", "A sentence-end mark is doubled or misplaced."),
                )

    yield from capped(found(), ("句末标点", "sentence-end"))


@check(
    "V011.paragraph_final_mark",
    description="A paragraph whose sentences end with 。 ends with one too: its last sentence does not stop on a character "
    "or a number (a single-sentence paragraph is not judged: headings, labels and form fields read the same).",
    inputs=("text",),
    tolerance=EXACT,
)
def paragraph_final_mark(index: DocIndex) -> Iterator[Outcome]:
    def found() -> Iterator[Verdict]:
        for paragraph in typeset_paragraphs(index.doc):
            text = _SPACES.sub("", paragraph.text)
            head, _, last = text.rpartition("。")
            if not head or len(last) < MIN_LAST_SENTENCE or not _OPEN_END.search(last) or _LABEL.match(last):
                continue
            yield _statement(
                paragraph,
                ("段落结尾", "end of a paragraph"),
                "。",
                f"…{text[-12:]}",
                len(paragraph.text) - 1,
                ("段落末尾缺少句末标点。", "The paragraph ends without a sentence-end mark."),
            )

    yield from capped(found(), ("段落结尾", "paragraph-end"))


def _unbalanced(text: str) -> list[tuple[int, str, int]]:
    """Brackets and quotes that have no partner in the paragraph: (offset, mark, which pair)."""
    problems: list[tuple[int, str, int]] = []
    for pair, (left, right) in enumerate(PAIRS):
        opened: list[int] = []
        for k, c in enumerate(text):
            if c in left:
                opened.append(k)
            elif c in right:
                if opened:
                    opened.pop()
                else:
                    problems.append((k, c, pair))
        problems += [(k, text[k], pair) for k in opened]
    return sorted(problems)


def _unpaired(paragraph_list: list[Paragraph]) -> Iterator[tuple[Paragraph, int, str]]:
    """The first unpaired mark of each paragraph; a bracket left open at a paragraph's end and closed at the
    start of the next is one parenthesis broken by the layout ("…(其中：" | "…10万元)，…"), not an error."""
    found = [_unbalanced(p.text) for p in paragraph_list]
    for k, paragraph in enumerate(paragraph_list):
        after = found[k + 1] if k + 1 < len(paragraph_list) else []
        before = found[k - 1] if k else []
        closes_next = {pair for _, mark, pair in after if mark in PAIRS[pair][1]}
        opened_before = {pair for _, mark, pair in before if mark in PAIRS[pair][0]}
        for offset, mark, pair in found[k]:
            opening = mark in PAIRS[pair][0]
            if (opening and pair in closes_next) or (not opening and pair in opened_before):
                continue
            yield paragraph, offset, mark
            break


@check(
    "V012.balanced_brackets",
    description="Brackets and quotes pair up within a paragraph （） () 【】 《》 “”; an orphan “）” marks text cut or moved.",
    inputs=("text",),
    tolerance=EXACT,
)
def balanced_brackets(index: DocIndex) -> Iterator[Outcome]:
    def found() -> Iterator[Verdict]:
        for paragraph, offset, mark in _unpaired(typeset_paragraphs(index.doc)):
            yield _statement(
                paragraph,
                ("括号或引号", "bracket or quote"),
                "成对出现",
                f"{mark} ← {_snippet(paragraph.text, offset, offset + 1)}",
                offset,
                (f"「{mark}」没有与之配对的符号。", f"'{mark}' has no partner in its paragraph."),
            )

    yield from capped(found(), ("括号配对", "bracket"))


@check(
    "V013.number_width_mixed",
    description="A number is printed in half-width or in full-width characters, not a mix of both (1,234．56, ２3.5).",
    inputs=("text",),
    tolerance=EXACT,
)
def number_width_mixed(index: DocIndex) -> Iterator[Outcome]:
    def found() -> Iterator[Verdict]:
        for paragraph in typeset_paragraphs(index.doc):
            item = _ITEM_NUMBER.match(paragraph.text)  # "2．2019年，…": item 2, then a year
            for m in MIXED_NUMBER.finditer(paragraph.text, item.end() if item else 0):
                digits = m.group(0)
                if _FULL.search(digits) and _HALF.search(digits):
                    yield _statement(
                        paragraph,
                        ("数字的全角半角", "width of a number"),
                        "统一半角或全角",
                        digits,
                        m.start(),
                        ("同一数字中混用全角和半角字符。", "Full- and half-width characters mixed in one number."),
                    )

    yield from capped(found(), ("数字全半角", "number-width"))
