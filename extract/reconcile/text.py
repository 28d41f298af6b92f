"""Printed text as check inputs: body lines, the lines around a table, section numbers.

The arithmetic checks read line items; the checks on completeness, dates and placeholders
read what is printed around them. Every value becomes an `Evidence` with page and bbox.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from extract.model import Cell, Document, Evidence, Table, TextLine
from extract.reconcile.views import norm

_DIGITS = "零一二三四五六七八九"
_TITLE_AREA = 90.0
"""How far above a table (points) its title, number label and 编制单位/年度 line are printed."""


def line_evidence(line: TextLine, role: str, value: float | None = None) -> Evidence:
    return Evidence(role=role, text=line.text, value=value, page=line.page, bbox=line.bbox, locator=line.locator)


def cell_evidence(cell: Cell, table: Table, role: str, value: float | None = None) -> Evidence:
    return Evidence(
        role=role, text=cell.text, value=value, page=cell.page, bbox=cell.bbox, table_id=table.table_id, locator=cell.locator
    )


def table_evidence(table: Table, role: str) -> Evidence:
    text = " ".join(x for x in (table.number_label, table.title) if x) or table.table_type
    return Evidence(role=role, text=text, page=table.page_start, bbox=table.bbox, table_id=table.table_id)


def body_lines(doc: Document) -> Iterator[TextLine]:
    """Body lines of every page that is not a table of contents."""
    for page in doc.pages:
        if not page.is_toc:
            yield from page.lines


def title_area(doc: Document, table: Table) -> list[TextLine]:
    """Short lines printed just above a table on its first page (title, 公开NN表, 2023年度)."""
    if not 0 < table.page_start <= len(doc.pages):
        return []
    top = table.bbox[1]
    return [
        line
        for line in doc.pages[table.page_start - 1].lines
        if top - _TITLE_AREA <= line.bbox[1] and line.bbox[3] <= top + 2 and not re.search(r"[，。；]", line.text)
    ]


def nearby_text(doc: Document, table: Table) -> list[TextLine]:
    """Lines on the table's pages that are not inside another table: its notes, its title area."""
    pages = set(table.pages)
    others = [t for t in doc.tables if t.table_id != table.table_id and t.page_start in pages]
    return [
        line
        for p in table.pages
        if 0 < p <= len(doc.pages)
        for line in doc.pages[p - 1].lines
        if not any(o.page_start == p and _inside(line, o) for o in others)
    ]


def _inside(line: TextLine, table: Table) -> bool:
    x0, y0, x1, y1 = table.bbox
    return x0 - 1 <= line.bbox[0] and line.bbox[2] <= x1 + 1 and y0 - 1 <= line.bbox[1] and line.bbox[3] <= y1 + 1


# -- section numbers -----------------------------------------------------------------------


def cn_to_int(text: str) -> int | None:
    """一 → 1, 十二 → 12, 二十三 → 23 (up to 99)."""
    if not text or any(c not in _DIGITS + "十" for c in text):
        return None
    if "十" not in text:
        return _DIGITS.index(text) if len(text) == 1 else None
    tens, _, ones = text.partition("十")
    if len(tens) > 1 or len(ones) > 1:
        return None
    return (_DIGITS.index(tens) if tens else 1) * 10 + (_DIGITS.index(ones) if ones else 0)


def int_to_cn(n: int) -> str:
    if n < 10:
        return _DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")


@dataclass(frozen=True)
class NumberStyle:
    """One way of numbering headings, e.g. "（一）"."""

    key: str
    pattern: re.Pattern[str]
    chinese: bool
    template: str

    def printed(self, n: int) -> str:
        return self.template.format(int_to_cn(n) if self.chinese else n)


STYLES = (
    NumberStyle("第X部分", re.compile(r"^第([一二三四五六七八九十]+)部分$"), True, "第{}部分"),
    NumberStyle("X、", re.compile(r"^([一二三四五六七八九十]+)、$"), True, "{}、"),
    NumberStyle("（X）", re.compile(r"^\(([一二三四五六七八九十]+)\)$"), True, "({})"),
    NumberStyle("N.", re.compile(r"^(\d{1,2})[.、]$"), False, "{}."),
    NumberStyle("（N）", re.compile(r"^\((\d{1,2})\)$"), False, "({})"),
)


def parse_numbering(numbering: str) -> tuple[NumberStyle, int] | None:
    text = norm(numbering).replace("．", ".")
    for style in STYLES:
        m = style.pattern.match(text)
        if m:
            raw = m.group(1)
            n = int(raw) if raw.isdigit() else cn_to_int(raw)
            return (style, n) if n else None
    return None


def starts_with_number(text: str, style: NumberStyle, n: int) -> bool:
    """Whether a printed line begins with heading number `n` of `style` ("四、", "4．", "（四）")."""
    head = norm(text).replace("．", ".")
    printed = style.printed(n)
    return head.startswith((printed, printed.replace(".", "、")))
