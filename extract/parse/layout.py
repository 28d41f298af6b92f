"""Narrative layout: visual lines → blocks, with running headers, footers and page numbers
moved aside, and table-of-contents pages recognised."""

from __future__ import annotations

import itertools
import re
from collections import Counter

from extract.model import Page, TextBlock, TextLine, TocEntry
from extract.parse.pdf import RawLine

EDGE_BAND = 0.085  # top/bottom share of the page where running headers and footers live
_PAGE_NUMBER = re.compile(r"^([-—–\s]*\d{1,4}[-—–\s]*|第\s*\d+\s*页(\s*[,，/]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+|[ivxlcIVXLC]+)$")
_TOC_TITLE = re.compile(r"^目\s*录$")
_TOC_ENTRY = re.compile(r"^(?P<title>.+?)\s*(?:[.…·．。\-_ ]{2,}|\t)\s*(?P<page>\d{1,3})?\s*$")
_DIGITS = re.compile(r"\d+")
_TOC_LEADER = re.compile(r"[.…·．]{3,}\s*\d{0,3}\s*$")
_ITEM_START = re.compile(
    r"^(第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[)）]|\d{1,2}[.．、](?!\d))"
)
_SENTENCE_END = re.compile(r"[。；;：:！？!?]$")


def to_text_line(line: RawLine, page: int) -> TextLine:
    return TextLine(
        text=line.text,
        page=page,
        bbox=(line.x0, line.y0, line.x1, line.y1),
        font_size=round(line.size, 2),
        bold=line.bold,
        confidence=line.confidence,
    )


def running_furniture(pages_lines: list[list[TextLine]], heights: list[float]) -> set[tuple[int, int]]:
    """(page index, line index) of lines that are running headers, footers or page numbers.

    A line in the top or bottom band is furniture when it is a page number, or when the same
    text (digits ignored) recurs in that band on at least a third of the pages.
    """

    def key(text: str) -> str:
        return _DIGITS.sub("#", text.replace(" ", ""))

    in_band: list[list[int]] = []
    counts: Counter[str] = Counter()
    for lines, height in zip(pages_lines, heights, strict=True):
        idx = [i for i, ln in enumerate(lines) if ln.bbox[3] <= height * EDGE_BAND or ln.bbox[1] >= height * (1 - EDGE_BAND)]
        in_band.append(idx)
        counts.update({key(lines[i].text) for i in idx})
    threshold = max(2, len(pages_lines) // 3)
    out: set[tuple[int, int]] = set()
    for p, idx in enumerate(in_band):
        for i in idx:
            text = pages_lines[p][i].text.strip()
            if _PAGE_NUMBER.match(text) or counts[key(text)] >= threshold:
                out.add((p, i))
    return out


def make_blocks(lines: list[TextLine]) -> list[TextBlock]:
    """Group lines into paragraphs: a new block after a vertical gap, at a first-line indent,
    or after a line that stops well short of the right margin."""
    blocks: list[TextBlock] = []
    if not lines:
        return blocks
    right = max(ln.bbox[2] for ln in lines)
    spacing = _line_spacing(lines)
    current: list[TextLine] = [lines[0]]
    for prev, line in itertools.pairwise(lines):
        size = max(prev.font_size, 1.0)
        gap = line.bbox[1] - prev.bbox[3]
        indented = line.bbox[0] - current[0].bbox[0] > 1.2 * size if len(current) > 1 else False
        short_prev = prev.bbox[2] < right - 3 * size
        new_style = abs(line.font_size - prev.font_size) > 1.0
        # A numbered item after a finished sentence starts a new block even without extra space.
        new_item = bool(_ITEM_START.match(line.text) and _SENTENCE_END.search(prev.text))
        if gap > max(0.9 * size, 1.5 * spacing) or gap < -0.5 * size or indented or short_prev or new_style or new_item:
            blocks.append(_block(current))
            current = [line]
        else:
            current.append(line)
    blocks.append(_block(current))
    return blocks


def _line_spacing(lines: list[TextLine]) -> float:
    """The usual gap between consecutive lines of the page (documents are often 1.5- or
    double-spaced, so a fixed threshold would make every line a paragraph)."""
    gaps = sorted(b.bbox[1] - a.bbox[3] for a, b in itertools.pairwise(lines) if 0 < b.bbox[1] - a.bbox[3] < 3 * a.font_size)
    return gaps[len(gaps) // 2] if gaps else 0.0


def _block(lines: list[TextLine]) -> TextBlock:
    return TextBlock(
        page=lines[0].page,
        bbox=(
            min(ln.bbox[0] for ln in lines),
            min(ln.bbox[1] for ln in lines),
            max(ln.bbox[2] for ln in lines),
            max(ln.bbox[3] for ln in lines),
        ),
        lines=lines,
    )


def is_toc_title(text: str) -> bool:
    return bool(_TOC_TITLE.match(text.replace(" ", "")))


def is_toc_entry(text: str) -> bool:
    """A line with a dot leader (and maybe a page number): an entry of a table of contents."""
    return bool(_TOC_LEADER.search(text))


def read_toc(page: Page, continues_toc: bool = False) -> list[TocEntry]:
    """TOC entries if this page is a table of contents: a 目录 title, or — on the page right
    after a TOC page — most lines being entries with dot leaders and page numbers."""
    lines = page.lines
    titled = any(is_toc_title(ln.text) for ln in lines[:5])
    if not titled:
        led = sum(1 for ln in lines if is_toc_entry(ln.text))
        if not (continues_toc and lines and led >= 0.6 * len(lines)):
            return []
    entries = []
    for ln in lines:
        text = ln.text.strip()
        if is_toc_title(text):
            continue
        m = _TOC_ENTRY.match(text)
        title = (m.group("title") if m else text).strip(" .…·")
        if title:
            entries.append(TocEntry(title=title, page_label=m.group("page") if m else None, page=page.number))
    return entries
