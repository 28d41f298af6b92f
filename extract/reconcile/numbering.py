"""Numbered items in reading order, at every level (第一部分; 一、; （一）; 1、 / 1.; （1）).

The paragraphs are read in order with a stack of the numbering styles met so far: a style seen
before closes every deeper level and continues its own list; a new style opens a list under the
current one. Within a list each number is the last one plus one; a list may start again at 1
(a new list under an unnumbered heading). Anything else is reported where it is printed:

- a gap (1、 2、 4、) — unless the missing number is printed in the table of contents (a part
  heading printed only there, such as the tables' 第二部分);
- a repeat (2、 2、), a number going back (2、 1、 — a swap) or a list that starts past 1 under a fresh
  parent (items moved under the wrong heading).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from extract.model import Evidence
from extract.reconcile.completeness import EXACT
from extract.reconcile.engine import Outcome, Verdict, capped, check
from extract.reconcile.reading import LEVEL_NAMES, Marker, Paragraph, paragraphs, read_marker
from extract.reconcile.text import int_to_cn
from extract.reconcile.views import DocIndex, norm

_MIN_TITLE = 4
_SAME_ITEM = 12
"""A repeated number whose item opens with the same words is one item read twice (text clipped at a page foot)."""
_NUMBER = re.compile(r"[一二三四五六七八九十]+|\d+")


@dataclass
class _Open:
    style: str
    last: int
    paragraph: Paragraph
    printed: set[int] = field(default_factory=set)
    """Numbers printed in the current list (a number printed out of place is not missing later)."""
    late: bool = False
    """The list started past 1 without a reason (its first items are missing or swapped)."""
    suspended: list[int] = field(default_factory=list)
    """Last numbers of outer lists of the same style that a list restarting at 1 interrupted."""


@dataclass(frozen=True)
class Break:
    paragraph: Paragraph
    marker: Marker
    expected: str
    why_zh: str
    why_en: str
    before: Paragraph | None = None
    """The item printed before, when the two are out of order (a swap shows in both)."""


def numbering_breaks(paragraph_list: list[Paragraph], toc: set[tuple[str, int]]) -> Iterator[Break]:
    """Every place where a numbered item does not follow from the one before it.

    Forgiven: numbers printed inline in the paragraph before ("…。2、…。3、…" then "4、" on a new line) or only
    in the table of contents; a list that goes on from the same style's list under the previous heading
    (items numbered through a whole part: 1–4 under （一）, 5–9 under （二）); an outer list resumed after an
    inner one of the same style ((1) … 4、 (1) (2) … (2))."""
    stack: list[_Open] = []
    closed: dict[str, int] = {}
    previous: Paragraph | None = None
    for paragraph in paragraph_list:
        marker = paragraph.marker
        before, previous = previous, paragraph
        if marker is None:
            continue
        style, n = marker.style, marker.number

        def forgiven(numbers: range, _style: str = style, _before: Paragraph | None = before) -> bool:
            inline = _before.text if _before is not None else ""
            return all((_style, m) in toc or _printed_inline(inline, _style, m) for m in numbers)

        if style == "part":  # a part heading is the outermost level, whatever was read before the first one
            for gone in stack:
                if gone.style != "part":
                    closed[gone.style] = gone.last
            stack = [o for o in stack if o.style == "part"]
        level = next((k for k, o in enumerate(stack) if o.style == style), None)
        if level is None:
            carried = closed.get(style, 0)
            before_it = range(carried + 1 if n > carried else 1, n)
            late = n not in (1, carried + 1) and not forgiven(before_it)
            stack.append(_Open(style, n, paragraph, {n}, late))
            if late:
                yield Break(
                    paragraph,
                    marker,
                    _printed(marker, 1),
                    f"新一级编号从 {marker.printed} 开始，缺少前面的编号",
                    f"a new list starts at {marker.printed}, the numbers before it are missing",
                )
            continue
        for gone in stack[level + 1 :]:
            closed[gone.style] = gone.last
        del stack[level + 1 :]
        opened = stack[level]
        last, item_before = opened.last, opened.paragraph
        opened.last, opened.paragraph = n, paragraph
        if n == 1 and opened.late and len(opened.printed) == 1:  # 二、 一、: the swap shows at its second item too
            opened.late = False
            yield _goes_back(paragraph, marker, last, item_before)
            opened.printed.add(n)
            continue
        if n == 1:
            opened.suspended.append(last)
            opened.printed = set()
        opened.printed.add(n)
        if n == last + 1 or n == 1:
            continue
        if opened.suspended and n == opened.suspended[-1] + 1:
            opened.suspended.pop()
            continue
        if n > last + 1:
            gaps = [m for m in range(last + 1, n) if m not in opened.printed]
            if not gaps or forgiven(range(last + 1, n)):
                continue
            missing = "、".join(_printed(marker, m) for m in gaps)
            yield Break(paragraph, marker, _printed(marker, last + 1), f"缺少编号 {missing}", f"missing {missing}", item_before)
        elif n == last:
            if norm(paragraph.text)[:_SAME_ITEM] != norm(item_before.text)[:_SAME_ITEM]:
                yield Break(paragraph, marker, _printed(marker, last + 1), "编号重复", "number repeated", item_before)
        else:
            yield _goes_back(paragraph, marker, last, item_before)


def _pages_spanned(b: Break) -> set[int]:
    """The pages from the item before a break to the break: a break next to text read by OCR is not judged (page
    images may be a selection of pages, and OCR may misread a number)."""
    first = b.before.page if b.before else b.paragraph.page
    return set(range(min(first, b.paragraph.page), b.paragraph.page + 1))


def _goes_back(paragraph: Paragraph, marker: Marker, last: int, item_before: Paragraph) -> Break:
    before = _printed(marker, last)
    why = (f"编号倒退（前一项为 {before}）", f"number goes back (the item before is {before})")
    return Break(paragraph, marker, _printed(marker, last + 1), *why, item_before)


def _printed_inline(text: str, style: str, n: int) -> bool:
    """Whether item n of `style` is printed inside `text` (after the start of a sentence or clause)."""
    probe = {"num": (f"{n}、", f"{n}.", f"{n}．"), "pnum": (f"（{n}）", f"({n})")}.get(style)
    if probe is None:
        chinese = int_to_cn(n)
        probe = {"cn": (f"{chinese}、",), "pcn": (f"（{chinese}）", f"({chinese})"), "part": (f"第{chinese}部分",)}[style]
    return any(p in text[1:] for p in probe)


def _printed(marker: Marker, n: int) -> str:
    """Number n printed the way `marker` prints its number."""
    chinese = not marker.printed.strip("（）()、.．").isdigit()
    return _NUMBER.sub(int_to_cn(n) if chinese else str(n), marker.printed, count=1)


def toc_markers(index: DocIndex) -> set[tuple[str, int]]:
    found = set()
    for entry in index.doc.toc:
        marker = read_marker(entry.title)
        if marker:
            found.add((marker.style, marker.number))
    return found


@check(
    "V001.numbering_in_reading_order",
    description="Numbered headings and items of every level (第一部分, 一、, （一）, 1、, （1）) follow on in reading order: "
    "no gap, repeat, swap or item under the wrong heading, across page breaks.",
    inputs=("text",),
    tolerance=EXACT,
)
def numbering_in_reading_order(index: DocIndex) -> Iterator[Outcome]:
    paras = paragraphs(index.doc)
    ocr_pages = {p.page for p in paras if p.read_by_ocr}
    breaks = [b for b in numbering_breaks(paras, toc_markers(index)) if not ocr_pages & _pages_spanned(b)]
    verdicts = (
        Verdict(
            f"第 {b.paragraph.page} 页的「{LEVEL_NAMES[b.marker.style]}」编号",
            f"'{LEVEL_NAMES[b.marker.style]}' numbering on p{b.paragraph.page}",
            False,
            b.expected,
            b.marker.printed,
            (b.paragraph.evidence("numbered item"), *((b.before.evidence("item before"),) if b.before else ())),
            b.why_zh + "。",
            b.why_en + ".",
        )
        for b in breaks
    )
    yield from capped(verdicts, ("编号", "numbering"))
    numbered = [p for p in paras if p.marker]
    if not breaks and numbered:
        yield Verdict(
            "编号顺序",
            "numbering order",
            True,
            "编号连续",
            f"{len(numbered)} 个编号项",
            (numbered[0].evidence("first numbered item"),),
        )


def _title_after(text: str, marker: Marker) -> str:
    return norm(text).removeprefix(norm(marker.printed)).rstrip(".．·…0123456789")


@check(
    "V002.toc_matches_headings",
    description="A heading listed in the table of contents is numbered in the body as in the contents (matched by its "
    "title, printed exactly the same; a title printed twice or not found is not judged).",
    inputs=("text",),
    tolerance=EXACT,
)
def toc_matches_headings(index: DocIndex) -> Iterator[Outcome]:
    doc = index.doc
    body = _headings_with_neighbours(
        (p.marker, p.text, p) for p in paragraphs(doc) if p.marker and not p.is_prose() and not p.read_by_ocr
    )
    contents = _headings_with_neighbours((read_marker(e.title), e.title, e) for e in doc.toc if read_marker(e.title))
    by_title: dict[tuple[str, str], list[tuple[Marker, Paragraph]]] = {}
    for marker, title, before, paragraph in body:
        by_title.setdefault((title, before), []).append((marker, paragraph))
    for marker, title, before, entry in contents:
        found = by_title.get((title, before), [])
        if len(title) < _MIN_TITLE or len(found) != 1:
            continue
        printed, paragraph = found[0]
        lines = doc.pages[entry.page - 1].lines if 0 < entry.page <= len(doc.pages) else []
        line = next((ln for ln in lines if norm(ln.text).startswith(norm(entry.title)[:_MIN_TITLE])), None)
        toc_evidence = Evidence(role="contents", text=entry.title, page=entry.page, bbox=line.bbox if line else None)
        yield Verdict(
            f"目录与正文标题「{title}」的编号",
            f"numbering of '{title}' in the contents and the body",
            (printed.style, printed.number) == (marker.style, marker.number),
            marker.printed,
            printed.printed,
            (paragraph.evidence("heading"), toc_evidence),
            "目录与正文的编号不一致。",
            "The contents and the body number this heading differently.",
        )


def _headings_with_neighbours(items: Iterable[tuple[Marker | None, str, object]]) -> list[tuple[Marker, str, str, Any]]:
    """(marker, title, title of the heading of the same style before it, source): a title is matched with its
    neighbour, so a heading of another list that happens to share its words ("绩效目标") is not taken for it."""
    last: dict[str, str] = {}
    found = []
    for marker, text, source in items:
        if marker is None:
            continue
        title = _title_after(text, marker)
        found.append((marker, title, last.get(marker.style, ""), source))
        last[marker.style] = title
    return found
