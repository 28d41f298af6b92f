"""Table titles as printed: a title broken by other content ("收入支出决算总" … "表"), and a table number
label (公开05表) printed on a page where no table is.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from extract.model import Document, Table, TextLine
from extract.reconcile.completeness import EXACT
from extract.reconcile.engine import Outcome, Verdict, check
from extract.reconcile.text import body_lines, line_evidence, title_area
from extract.reconcile.views import DocIndex, norm

_TITLE_STEM = re.compile(r"(?:决算|预算|情况|经费|支出|收入)(?:总|明细)?$")
"""A table name cut before its final 表 ("收入支出决算总", "一般公共预算财政拨款基本支出决算明细")."""
_LONE_TABLE_WORD = re.compile(r"^表[）)]?$")
_LABEL_LINE = re.compile(r"^(?:公开|附)?(?:表)?\d{1,2}(?:表)?$|^公开\d{1,2}表")


@check(
    "V020.table_title_unbroken",
    description="A table's title is printed in one piece right above its grid: not cut before its final 表 with the "
    "rest printed elsewhere on the page.",
    inputs=("*",),
    tolerance=EXACT,
)
def table_title_unbroken(index: DocIndex) -> Iterator[Outcome]:
    doc = index.doc
    for table in doc.tables:
        if not 0 < table.page_start <= len(doc.pages):
            continue  # a title cut short may leave the table untyped ("other"): every table is read
        page_lines = doc.pages[table.page_start - 1].lines
        cut = [ln for ln in title_area(doc, table) if _TITLE_STEM.search(norm(ln.text)) and len(norm(ln.text)) >= 4]
        stray = [ln for ln in page_lines if _LONE_TABLE_WORD.match(norm(ln.text))]
        if not cut:
            continue
        yield Verdict(
            f"第 {table.page_start} 页的表标题",
            f"table title on p{table.page_start}",
            not stray,
            f"{norm(cut[0].text)}表",
            norm(cut[0].text) + (f" … {norm(stray[0].text)}" if stray else ""),
            tuple(line_evidence(ln, "title piece") for ln in (cut[0], *stray[:1])),
            "表标题被其他内容隔断，“表”字与标题分离。",
            "The title is broken: its final 表 is printed apart from it.",
        )


@check(
    "V021.table_label_has_table",
    description="A table number label (公开05表) printed as a line of its own stands above a table on its page.",
    inputs=("*",),
    tolerance=EXACT,
)
def table_label_has_table(index: DocIndex) -> Iterator[Outcome]:
    doc = index.doc
    areas = {(ln.page, ln.bbox) for t in doc.tables for ln in title_area(doc, t)}
    table_pages = {p for t in doc.tables for p in t.pages}
    for line in body_lines(doc):
        text = norm(line.text)
        if not _LABEL_LINE.match(text) or len(text) > 8 or (line.page, line.bbox) in areas or line.page in table_pages:
            continue
        yield Verdict(
            f"第 {line.page} 页的表号「{text}」",
            f"table label '{text}' on p{line.page}",
            False,
            "表号下方有表格",
            "本页无表格",
            (line_evidence(line, "label"),),
            "印有表号，但本页没有表格。",
            "A table number is printed but no table follows on the page.",
        )


_HEADING_START = r"第.{1,3}部分|[一二三四五六七八九十]+、|\([一二三四五六七八九十\d]+\)|\d+[、.]|注"
_TITLE_LINE = re.compile(rf"^(?!{_HEADING_START})[^,。;]{{4,60}}表$")
"""A table title printed as a line of its own: ends with 表, no sentence marks, not a numbered heading."""
_SENTENCE = re.compile(r"[，。；,;]")
_MIN_SENTENCE = 12


def _is_sentence(line: TextLine) -> bool:
    text = norm(line.text)
    return len(text) >= _MIN_SENTENCE and bool(_SENTENCE.search(line.text))


def _above_grid(doc: Document, table: Table) -> list[TextLine]:
    """The lines of the table's first page between the grid above it (or the page top) and its grid."""
    page = table.page_start
    top = table.bbox[1]
    floor = max((t.bbox[3] for t in doc.tables if t.page_end == page and t.bbox[3] <= top + 1 and t is not table), default=0.0)
    return [ln for ln in doc.pages[page - 1].lines if floor - 1 <= ln.bbox[1] and ln.bbox[3] <= top + 2]


def _displaced_title(doc: Document, table: Table) -> tuple[TextLine, TextLine] | None:
    """The table's title line and the first sentence printed between it and the grid: above the grid on its page,
    or, when nothing titles the grid on its page, at the foot of the page before."""
    above = _above_grid(doc, table)
    titles = [ln for ln in above if _TITLE_LINE.match(norm(ln.text))]
    if titles:
        title = max(titles, key=lambda ln: ln.bbox[1])
        after = [ln for ln in above if ln.bbox[1] >= title.bbox[3] - 1 and _is_sentence(ln)]
        return (title, after[0]) if after else None
    if table.page_start < 2 or any(_is_sentence(ln) for ln in above) or doc.pages[table.page_start - 2].is_toc:
        return None
    previous = doc.pages[table.page_start - 2]
    last_grid = max((t.bbox[3] for t in doc.tables if t.page_end == previous.number), default=0.0)
    titles = [ln for ln in previous.lines if ln.bbox[1] >= last_grid and _TITLE_LINE.match(norm(ln.text))]
    if not titles:
        return None
    title = max(titles, key=lambda ln: ln.bbox[1])
    after = [ln for ln in previous.lines if ln.bbox[1] >= title.bbox[3] - 1 and _is_sentence(ln)]
    return (title, after[0]) if after else None


@check(
    "V022.table_title_next_to_its_grid",
    description="A table's title stands right above its grid: no sentence printed between the title line and the grid, "
    "on the same page or with the title at the foot of the page before.",
    inputs=("*",),
    tolerance=EXACT,
)
def table_title_next_to_its_grid(index: DocIndex) -> Iterator[Outcome]:
    doc = index.doc
    for table in doc.tables:
        if not 0 < table.page_start <= len(doc.pages) or doc.pages[table.page_start - 1].is_toc:
            continue
        displaced = _displaced_title(doc, table)
        if displaced is None:
            continue
        title, between = displaced
        yield Verdict(
            f"第 {table.page_start} 页表格的标题",
            f"title of the table on p{table.page_start}",
            False,
            "标题紧接表格",
            f"{norm(title.text)} … {norm(between.text)[:20]}",
            (line_evidence(title, "title"), line_evidence(between, "text between")),
            "表标题与表格之间隔有正文。",
            "Body text is printed between the table's title and its grid.",
        )
