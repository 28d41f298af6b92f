"""Is the disclosure complete and clean: tables present, empty tables explained, numbering
unbroken, no template placeholders left.

What a file must hold is decided from what it holds. A 部门决算/部门预算 is often split into a
narrative file (说明) and a tables file; the expected-tables rule applies only to a file that
prints at least `MIN_TABLES` standard 公开表 of its family, so a narrative-only file is not
asked for tables (and a tables-only file is not asked for a narrative: no narrative rule
exists here). The expected set is the national one for the family, or the four tables that
universities (高等学校, published through 教育部) print.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from itertools import pairwise

from extract.model import Document, DocumentKind, Evidence, Section, Table, TextLine
from extract.reconcile.engine import Outcome, Unavailable, Verdict, check
from extract.reconcile.text import (
    NumberStyle,
    body_lines,
    cell_evidence,
    line_evidence,
    nearby_text,
    parse_numbering,
    starts_with_number,
    table_evidence,
)
from extract.reconcile.views import TABLE_NAMES, DocIndex, norm, split_table_type, table_label

EXACT = "exact: a rule on printed text, no numeric tolerance"
MIN_TABLES = 3

FAMILY_OF_KIND = {
    DocumentKind.FINAL_ACCOUNTS: "final",
    DocumentKind.BUDGET: "budget",
    DocumentKind.UNIT_BUDGET: "budget",
}
_CORE = ("income_expenditure_summary", "income", "expenditure")
EXPECTED_TABLES: dict[str, tuple[str, ...]] = {
    "final": (
        *_CORE,
        "fiscal_grant_summary",
        "general_budget_expenditure",
        "general_budget_basic_expenditure",
        "three_public",
        "gov_fund",
        "state_capital",
    ),
    # 国有资本经营预算支出表 is not printed by every province's budget set (江苏 2018/2019).
    "budget": (
        *_CORE,
        "fiscal_grant_summary",
        "general_budget_expenditure",
        "general_budget_basic_expenditure",
        "three_public",
        "gov_fund",
    ),
    "university": (*_CORE, "general_budget_expenditure"),
}
STANDARD_KINDS = tuple(k for k in TABLE_NAMES if k != "other_info")
_UNIVERSITY = re.compile(r"高等学校|大学|学院")

_EMPTY_NOTE = re.compile(
    r"无数据|本表为空|为空表|空表|无相关收支|无该项|无此项|不涉及|没有.{0,40}(?:收入|支出|经费|预算|安排)|本表无"
)
_LABEL = re.compile(r"^(.*?)(\d{1,2})(表?)$")

PLACEHOLDER = re.compile(r"[XＸ]{2,}|[×✕]{2,}|某某|待填写|待补充|待定|【[^】\d]{1,20}】")
"""Template leftovers: "XX局", "××", "XXX万元", "待填写", "【单位名称】" (a bracket with
digits is a document number such as 普发改投【2017】89号, not a placeholder)."""
MAX_PLACEHOLDER_EVIDENCE = 8


def standard_tables(doc: Document, family: str) -> list[Table]:
    return [t for t in doc.tables if split_table_type(t.table_type) in ((family, k) for k in STANDARD_KINDS)]


def expected_profile(family: str, issuer: str | None, titles: list[str]) -> str:
    """The key of EXPECTED_TABLES for a document of `family` with this issuer and these table titles."""
    return "university" if any(_UNIVERSITY.search(x) for x in [issuer or "", *titles]) else family


def expected_set(doc: Document, family: str) -> str:
    return expected_profile(family, doc.meta.issuer, [t.title for t in doc.tables])


@check(
    "C001.expected_tables_present",
    description=(
        "A 决算/预算 file that prints standard 公开表 prints all of its family's set (决算: 9 tables incl. "
        "三公, 政府性基金, 国有资本经营; 预算: 8; universities: 4). Narrative-only files are not asked."
    ),
    inputs=STANDARD_KINDS,
    tolerance=EXACT,
)
def expected_tables_present(index: DocIndex) -> Iterator[Outcome]:
    doc = index.doc
    family = FAMILY_OF_KIND.get(doc.meta.kind)
    if family is None:
        return
    present = standard_tables(doc, family)
    if len({t.table_type for t in present}) < MIN_TABLES:
        if doc.pages:
            yield Unavailable(
                "标准公开表完整性",
                "completeness of the standard tables",
                f"本文件只含说明或不足 {MIN_TABLES} 张标准表，不要求表格",
                f"the file holds the narrative only or fewer than {MIN_TABLES} standard tables",
            )
        return
    profile = expected_set(doc, family)
    types = {split_table_type(t.table_type)[1]: t for t in present}
    previous: Table | None = None
    for kind in EXPECTED_TABLES[profile]:
        key = f"{family}.{kind}"
        zh, en = table_label(key)
        table = types.get(kind)
        around = [table_evidence(table, "table")] if table else []
        if table is None:
            around = [table_evidence(previous, "expected after") if previous else table_evidence(present[0], "expected before")]
        yield Verdict(
            f"应公开的{zh}",
            f"expected {en}",
            table is not None,
            key,
            f"{key} p{table.page_start}" if table else "missing",
            tuple(around),
            f"本文件含 {len(present)} 张标准表，但缺少此表。",
            f"The file prints {len(present)} standard tables but not this one.",
        )
        previous = table or previous


def _has_amount(index: DocIndex, table: Table) -> bool:
    return any(i.value for v in index.views if v.table_id == table.table_id for i in v.items)


@check(
    "C002.empty_table_has_note",
    description="A standard table with no non-zero amount says why (本表无数据 / 无…故本表为空) in its notes or beside it.",
    inputs=STANDARD_KINDS,
    tolerance=EXACT,
)
def empty_table_has_note(index: DocIndex) -> Iterator[Outcome]:
    doc = index.doc
    for table in doc.tables:
        if split_table_type(table.table_type)[1] not in STANDARD_KINDS or _has_amount(index, table):
            continue
        notes = [n for n in table.notes if _EMPTY_NOTE.search(norm(n))]
        lines = [ln for ln in nearby_text(doc, table) if _EMPTY_NOTE.search(norm(ln.text))]
        zh, en = table_label(table.table_type, table.title)
        evidence = [table_evidence(table, "empty table"), *(line_evidence(ln, "note") for ln in lines[:1])]
        yield Verdict(
            f"空表{zh}（第 {table.page_start} 页）",
            f"empty {en} (p{table.page_start})",
            bool(notes or lines),
            "“本表无数据”类说明",
            (notes or [ln.text for ln in lines] or ["无说明"])[0],
            tuple(evidence),
            "表中没有任何非零金额，也没有说明为何为空。",
            "The table has no non-zero amount and no note saying why it is empty.",
        )


@check(
    "C003.table_numbers_sequential",
    description="Printed table numbers (公开01表…, 表1…) of each series run 1, 2, 3 … in page order: no gap, no duplicate.",
    inputs=("*",),
    tolerance=EXACT,
)
def table_numbers_sequential(index: DocIndex) -> Iterator[Outcome]:
    series: dict[tuple[str, str], list[tuple[int, Table]]] = defaultdict(list)
    for table in sorted(index.doc.tables, key=lambda t: (t.page_start, t.bbox[1])):
        m = _LABEL.match(norm(table.number_label))
        if m:
            series[(m.group(1), m.group(3))].append((int(m.group(2)), table))
    for (prefix, suffix), numbered in series.items():
        numbers = [n for n, _ in numbered]
        width = len(re.sub(r"\D", "", numbered[0][1].number_label))

        def printed(n: int, _p: str = prefix, _s: str = suffix, _w: int = width) -> str:
            return f"{_p}{n:0{_w}d}{_s}"

        expected = list(range(1, max(numbers) + 1))
        missing = [printed(n) for n in expected if n not in numbers]
        twice = sorted({printed(n) for n in numbers if numbers.count(n) > 1})
        breaks = [t for (n, t), prev in zip(numbered, [0, *numbers], strict=False) if n != prev + 1]
        name = printed(0).replace("0", "N")
        yield Verdict(
            f"表号序列「{name}」",
            f"table number series {name}",
            not missing and not twice and not breaks,
            "、".join(printed(n) for n in expected),
            "、".join(printed(n) for n in numbers),
            tuple(table_evidence(t, "table after the break") for t in breaks) or (table_evidence(numbered[0][1], "table"),),
            f"缺号：{'、'.join(missing) or '无'}；重号：{'、'.join(twice) or '无'}。",
            f"missing: {', '.join(missing) or 'none'}; duplicated: {', '.join(twice) or 'none'}.",
        )


def _printed_between(doc: Document, style: NumberStyle, n: int, first: Section, last: Section) -> bool:
    """Whether heading number n is printed as the start of a line between two headings, or in the TOC."""
    if any(starts_with_number(e.title, style, n) for e in doc.toc):
        return True
    pages = range(first.page_start, last.page_start + 1)
    return any(starts_with_number(ln.text, style, n) for p in pages if 0 < p <= len(doc.pages) for ln in doc.pages[p - 1].lines)


def _heading_evidence(section: Section, role: str) -> Evidence:
    return Evidence(
        role=role,
        text=f"{section.numbering}{section.title}",
        page=section.page_start,
        bbox=section.bbox,
    )


def _sibling_runs(sections: list[Section]) -> Iterator[tuple[NumberStyle, list[tuple[int, Section]]]]:
    """Every run of same-style numbered siblings, depth first."""
    runs: dict[str, tuple[NumberStyle, list[tuple[int, Section]]]] = {}
    for section in sections:
        parsed = parse_numbering(section.numbering)
        if parsed:
            style, n = parsed
            runs.setdefault(style.key, (style, []))[1].append((n, section))
        yield from _sibling_runs(section.children)
    yield from runs.values()


@check(
    "C004.section_numbering_unbroken",
    description=(
        "Headings numbered in one style under one parent (第一部分…, 一、二、…, （一）（二）…, 1. 2. …) are in order "
        "and skip no number that is not printed elsewhere between them (a heading the parser did not take, a TOC line)."
    ),
    inputs=("sections",),
    tolerance=EXACT,
)
def section_numbering_unbroken(index: DocIndex) -> Iterator[Outcome]:
    doc = index.doc
    for style, run in _sibling_runs(doc.sections):
        if len(run) < 2:
            continue
        numbers = [n for n, _ in run]
        lo = min(numbers)
        shuffled = sorted(numbers) != numbers and sorted(numbers) == list(range(lo, lo + len(numbers)))
        skipped = [
            (b, sb, m)
            for (a, sa), (b, sb) in pairwise(run)
            if b > a + 1
            for m in range(a + 1, b)
            if not _printed_between(doc, style, m, sa, sb)
        ]
        moved = [s for (n, s), want in zip(run, sorted(numbers), strict=True) if n != want]
        where = moved if shuffled else [s for _, s, _ in skipped]
        evidence = [_heading_evidence(s, "heading out of sequence") for s in where]
        evidence = evidence or [_heading_evidence(run[0][1], "first heading")]
        yield Verdict(
            f"第 {run[0][1].page_start} 页起的「{style.key}」标题编号",
            f"'{style.key}' heading numbers from p{run[0][1].page_start}",
            not shuffled and not skipped,
            " ".join(style.printed(n) for n in sorted(set(numbers))),
            " ".join(s.numbering for _, s in run),
            tuple(evidence),
            "编号顺序颠倒。" if shuffled else f"缺少编号 {'、'.join(style.printed(m) for _, _, m in skipped)}。",
            "numbers out of order." if shuffled else f"missing {', '.join(style.printed(m) for _, _, m in skipped)}.",
        )


def _placeholder_hits(doc: Document) -> dict[int, list[Evidence]]:
    hits: dict[int, list[Evidence]] = defaultdict(list)
    lines: list[TextLine] = [*body_lines(doc), *(ln for p in doc.pages for ln in p.furniture)]
    for line in lines:
        if PLACEHOLDER.search(line.text):
            hits[line.page].append(line_evidence(line, "placeholder"))
    for table in doc.tables:
        for cell in table.cells:
            if PLACEHOLDER.search(cell.text):
                hits[cell.page].append(cell_evidence(cell, table, "placeholder"))
    return hits


@check(
    "C005.no_placeholders",
    description="No template placeholder is left in the text or the tables (XX局, ××, XXX万元, 待填写, 【单位名称】), per page.",
    inputs=("text", "*"),
    tolerance=EXACT,
)
def no_placeholders(index: DocIndex) -> Iterator[Outcome]:
    doc = index.doc
    first = next(body_lines(doc), None)
    if first is None:
        return
    hits = _placeholder_hits(doc)
    for page, evidence in sorted(hits.items()):
        found = sorted({m.group(0) for e in evidence for m in PLACEHOLDER.finditer(e.text)})
        yield Verdict(
            f"第 {page} 页的模板占位符",
            f"template placeholders on p{page}",
            False,
            "实际名称与数字",
            "、".join(found),
            tuple(evidence[:MAX_PLACEHOLDER_EVIDENCE]),
            f"共 {len(evidence)} 处，疑为未填写的模板内容。",
            f"{len(evidence)} occurrence(s); looks like template text never filled in.",
        )
    if not hits:
        yield Verdict("模板占位符", "template placeholders", True, "无", "无占位符", (line_evidence(first, "first line read"),))
