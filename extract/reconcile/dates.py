"""Years printed in table titles, headings and "截至…" dates against the document year.

A 决算 for year Y and a 预算 for year Y both title their tables Y. Headings may name the
previous year (上年 comparisons: "2022年预算执行情况" in a 2023 budget), so Y−1 is allowed
there. "截至YYYY年…" states a balance date: Y or Y+1 (published the next year) in a 决算,
Y−1 or Y in a 预算 (the 国有资产 balance at the end of the year before).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from extract.model import DocumentKind, Evidence
from extract.reconcile.completeness import EXACT, FAMILY_OF_KIND
from extract.reconcile.engine import Outcome, Verdict, check
from extract.reconcile.text import body_lines, line_evidence, table_evidence, title_area
from extract.reconcile.views import DocIndex, norm, table_label

YEAR = re.compile(r"(20\d{2})年(?!\d{1,2}月)")
"""A year as a period ("2023年", "2023年度"), not a calendar date ("2024年3月")."""
AS_OF = re.compile(r"截[至止]到?(20\d{2})年")

AS_OF_OFFSETS = {"final": (0, 1), "budget": (-1, 0)}
HEADING_OFFSETS = (-1, 0)


def _allowed(year: int, offsets: tuple[int, ...]) -> str:
    return " 或 ".join(f"{year + k}年" for k in offsets)


def _year_verdict(subject: tuple[str, str], year: int, printed: int, offsets: tuple[int, ...], evidence: Evidence) -> Verdict:
    return Verdict(
        *subject,
        printed - year in offsets,
        _allowed(year, offsets),
        f"{printed}年",
        (evidence,),
        f"与文件年度 {year} 年不符。",
        f"does not fit the document year {year}.",
    )


@check(
    "D001.table_title_year",
    description="A year printed in a table's title or title area (2023年度) is the document year.",
    inputs=("*",),
    tolerance=EXACT,
)
def table_title_year(index: DocIndex) -> Iterator[Outcome]:
    doc, year = index.doc, index.doc.meta.year
    if year is None:
        return
    for table in doc.tables:
        zh, en = table_label(table.table_type, table.title)
        subject = (f"{zh}（第 {table.page_start} 页）标题中的年度", f"year in the title of the {en} (p{table.page_start})")
        lines = [ln for ln in title_area(doc, table) if YEAR.search(norm(ln.text))]
        found = [(int(m.group(1)), line_evidence(ln, "title year")) for ln in lines for m in YEAR.finditer(norm(ln.text))]
        if not lines:
            found = [(int(m.group(1)), table_evidence(table, "title year")) for m in YEAR.finditer(norm(table.title))]
        for printed, evidence in found:
            yield _year_verdict(subject, year, printed, (0,), evidence)


@check(
    "D002.heading_year",
    description="A year in a section heading is the document year or the one before (上年 comparisons).",
    inputs=("sections",),
    tolerance=EXACT,
)
def heading_year(index: DocIndex) -> Iterator[Outcome]:
    doc, year = index.doc, index.doc.meta.year
    if year is None:
        return
    for section in doc.iter_sections():
        heading = f"{section.numbering}{section.title}"
        for m in YEAR.finditer(norm(heading)):
            evidence = Evidence(role="heading year", text=heading, page=section.page_start, bbox=section.bbox)
            subject = (
                f"第 {section.page_start} 页标题「{heading}」中的年度",
                f"year in the heading '{heading}' (p{section.page_start})",
            )
            yield _year_verdict(subject, year, int(m.group(1)), HEADING_OFFSETS, evidence)


@check(
    "D003.as_of_date_year",
    description="“截至YYYY年…” in the text: Y or Y+1 in a 决算 for Y, Y−1 or Y in a 预算 for Y.",
    inputs=("text",),
    tolerance=EXACT,
)
def as_of_date_year(index: DocIndex) -> Iterator[Outcome]:
    doc, year = index.doc, index.doc.meta.year
    family = FAMILY_OF_KIND.get(doc.meta.kind) if doc.meta.kind != DocumentKind.OTHER else None
    if year is None or family is None:
        return
    for line in body_lines(doc):
        for m in AS_OF.finditer(norm(line.text)):
            subject = (f"第 {line.page} 页“{m.group(0)}…”的年度", f"year of the as-of date '{m.group(0)}…' (p{line.page})")
            yield _year_verdict(subject, year, int(m.group(1)), AS_OF_OFFSETS[family], line_evidence(line, "as-of date"))
