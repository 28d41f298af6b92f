"""Table titles as printed: a title broken by other content ("收入支出决算总" … "表"), and a table number
label (公开05表) printed on a page where no table is.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

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
