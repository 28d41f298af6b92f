"""Body blocks → the section tree (第一部分 / 一、/（一）/ 1. /（1）, and unnumbered headings).

Levels are relative, as a reader sees them: a numbering style nests under every style that
was opened before it and is still open, so a document without 第X部分 starts at 一、.
"""

from __future__ import annotations

import re

from extract.model import Page, Section, TextBlock

# (rank, pattern): a lower rank is an outer level. Unnumbered headings (名词解释, a table title)
# rank between 第X部分 and 一、: inside an open part, at the top otherwise.
_NUMBERINGS: list[tuple[int, re.Pattern[str]]] = [
    (0, re.compile(r"^(第[一二三四五六七八九十]+部分)\s*")),
    (2, re.compile(r"^([一二三四五六七八九十]+、)\s*")),
    (3, re.compile(r"^([（(][一二三四五六七八九十]+[)）])\s*")),
    (4, re.compile(r"^(\d{1,2}[.．、](?!\d))\s*")),
    (5, re.compile(r"^([（(]\d{1,2}[)）])\s*")),
]
_UNNUMBERED_RANK = 1
_SENTENCE_END = re.compile(r"[。；;，,：:！？!?]$")
MAX_HEADING_CHARS = 40


def heading_of(block: TextBlock, body_size: float) -> tuple[int, str, str] | None:
    """(rank, numbering, title) if the block is a heading, else None."""
    first = block.lines[0]
    text = first.text.strip()
    if len(block.lines) > 2 or len(text) > MAX_HEADING_CHARS + 8 or _SENTENCE_END.search(text):
        return None
    if len(block.lines) == 2 and first.bbox[2] > block.bbox[2] - 2 * first.font_size:
        return None  # a wrapped paragraph that happens to start with a number
    for rank, pattern in _NUMBERINGS:
        m = pattern.match(text)
        if m:
            title = text[m.end() :].strip()
            # A heading names a topic; a list item that states something has a clause break
            # ("，") or a definition ("名词：解释") in it.
            if title and len(title) <= MAX_HEADING_CHARS and not re.search(r"[。，,]|[:：].", title):
                return rank, m.group(1), title
            return None
    if block.heading_level is not None:  # a heading by the source's own markup (DOCX style, HTML h1–h6)
        return _UNNUMBERED_RANK, "", text
    emphasised = first.bold or first.font_size > body_size * 1.15
    if block.page > 1 and len(block.lines) == 1 and len(text) <= 32 and not re.search(r"[:：]", text) and emphasised:
        return _UNNUMBERED_RANK, "", text
    return None


def build_sections(pages: list[Page]) -> list[Section]:
    blocks = [b for page in pages if not page.is_toc for b in page.blocks]
    sizes = sorted(ln.font_size for b in blocks for ln in b.lines)
    body_size = sizes[len(sizes) // 2] if sizes else 10.5
    roots: list[Section] = []
    stack: list[tuple[int, Section]] = []
    for block in blocks:
        heading = heading_of(block, body_size)
        if heading is None:
            if stack:
                section = stack[-1][1]
                section.text = f"{section.text}\n{block.text}" if section.text else block.text
                for _, open_section in stack:
                    open_section.page_end = max(open_section.page_end, block.page)
            continue
        rank, numbering, title = heading
        while stack and stack[-1][0] >= rank:
            stack.pop()
        section = Section(
            level=len(stack) + 1,
            numbering=numbering,
            title=title,
            page_start=block.page,
            page_end=block.page,
            bbox=block.bbox,
        )
        (stack[-1][1].children if stack else roots).append(section)
        for _, open_section in stack:
            open_section.page_end = max(open_section.page_end, block.page)
        stack.append((rank, section))
    return roots
