"""What the narrative states about the tables, read from its text: summary totals, tables that the
narrative gives amounts for but that are printed blank, and "决算数与预算数持平".

V050 takes every summary total the narrative names (收入支出总计, 财政拨款收入支出总计, 一般公共预算财政
拨款支出, …) with the amount printed right after it and compares it with the table line, however far
off it is ("财政拨款收入支出总计0.3万元" against 2,961.68万元 is a slip a ±10% restatement rule never sees).
A total of another year ("上年…", "2022年…" in a 2023 document) or one whose scope is not printed with it
is left alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from extract.model import Cell, Document, Evidence, LineItem, NarrativeRecord, Severity, Table
from extract.reconcile.completeness import EXACT
from extract.reconcile.engine import Outcome, SumCheck, Verdict, check
from extract.reconcile.intervals import UNIT_FACTORS, Interval, is_blank, parse_printed
from extract.reconcile.reading import Paragraph, paragraphs
from extract.reconcile.summary_checks import EXPENDITURE, INCOME, SideRules, grand_total, primary_sides, side_rows
from extract.reconcile.text import cell_evidence, line_evidence, table_evidence
from extract.reconcile.views import DocIndex, Operand, TableView, norm, split_table_type
from extract.records import ground  # a module: ground imports extract.reconcile in turn
from extract.records.link import CHANGE_METRICS

_NUMBER = r"(?P<value>\d[\d,]*(?:\.\d+)?)\s*(?P<unit>亿元|万元|元)"
_AMOUNT = r"(?:为|是|共|达)?\s*" + _NUMBER


@dataclass(frozen=True)
class StatedTotal:
    """A summary total the narrative may name, and the table line that prints it."""

    pattern: re.Pattern[str]
    kind: str
    sides: tuple[SideRules, ...]
    """The summary sides whose 总计 it is (both: 收入支出总计); empty: the table's 合计 row."""


def _total(words: str, kind: str, *sides: SideRules) -> StatedTotal:
    return StatedTotal(re.compile(rf"(?P<term>{words}){_AMOUNT}"), kind, sides)


STATED_TOTALS = (
    _total(r"财政拨款收入(?:和|与|、)?支出(?:预算|决算)?总计", "fiscal_grant_summary", INCOME, EXPENDITURE),
    _total(r"财政拨款收入(?:预算|决算)?总计", "fiscal_grant_summary", INCOME),
    _total(r"财政拨款支出(?:预算|决算)?总计", "fiscal_grant_summary", EXPENDITURE),
    _total(
        r"(?<!拨款)(?<!资金)(?<!其他)收入(?:和|与|、)?支出(?:预算|决算)?总计", "income_expenditure_summary", INCOME, EXPENDITURE
    ),
    _total(r"(?<!拨款)(?<!资金)(?<!其他)(?<!支出)收入(?:预算|决算)?总计", "income_expenditure_summary", INCOME),
    _total(r"(?<!拨款)(?<!资金)(?<!其他)(?<!收入)支出(?:预算|决算)?总计", "income_expenditure_summary", EXPENDITURE),
    _total(r"一般公共预算财政拨款支出(?!决算|预算|年初|全年)", "general_budget_expenditure"),
)
_OTHER_YEAR = re.compile(r"(?:上年|上一年|去年|(?P<year>20\d\d)年度?)(?:度)?$")
_FISCAL_SCOPE = re.compile(r"财政拨款|一般公共预算|政府性基金|国有资本")
_SENTENCE_START = re.compile(r"[。；;]")
_TABLE_TOTAL = re.compile(r"^(?:支出)?(?:合计|总计)$")


def _stated_operand(paragraph: Paragraph, m: re.Match[str], label: str) -> Operand:
    raw, unit = m.group("value"), m.group("unit")
    decimals = len(raw.partition(".")[2])
    value = float(raw.replace(",", "")) * UNIT_FACTORS[unit]
    interval = Interval.around(value, 0.5 * 10**-decimals * UNIT_FACTORS[unit])
    line = paragraph.line_at(m.start("value"))
    evidence = line_evidence(line, "narrative", value).model_copy(update={"text": f"{m.group(0)} ← {line.text}"})
    return Operand(label, value, interval, evidence)


def _table_totals(index: DocIndex, total: StatedTotal, family: str) -> list[Operand]:
    """The table lines a stated total may be: each side's 总计, or its 本年合计 (a university's narrative calls
    本年收入合计 its 收入总计); the 合计 row of a single-sided table."""
    views = index.views_of(total.kind, family=family)
    if not total.sides:
        return [op for view in views if (op := _total_row(view)) is not None and not op.blank]
    found = []
    for view, rules in primary_sides(index, (total.kind,)):
        if view in views and rules in total.sides:
            year, column = side_rows(view, rules).year, view.main_column()
            found += [grand_total(view, rules), view.operand(year.row, column) if year and column else None]
    return [op for op in found if op is not None and not op.blank]


def _total_row(view: TableView) -> Operand | None:
    rows, column = view.find_rows(_TABLE_TOTAL), view.main_column()
    return view.operand(rows[0].row, column) if rows and column else None


def _other_year_or_scope(text: str, start: int, year: int | None, fiscal_term: bool) -> bool:
    """Whether the total at `start` is another year's, or a bare total in a sentence about 财政拨款 money."""
    before = text[:start]
    m = _OTHER_YEAR.search(before)
    if m and (m.group("year") is None or year is None or int(m.group("year")) != year):
        return True
    sentence = _SENTENCE_START.split(before)[-1]
    return not fiscal_term and bool(_FISCAL_SCOPE.search(sentence))


@check(
    "V050.stated_summary_total_matches_table",
    description="Every summary total the narrative states (收入支出总计, 财政拨款收入支出总计, 一般公共预算财政拨款支出, …) "
    "equals the table line it names, however far off; other years' totals and totals of unclear scope are left alone.",
    inputs=("narrative", "income_expenditure_summary", "fiscal_grant_summary", "general_budget_expenditure"),
)
def stated_summary_total_matches_table(index: DocIndex) -> Iterator[Outcome]:
    doc = index.doc
    family = {"部门决算": "final", "部门预算": "budget", "单位预算": "budget"}.get(doc.meta.kind.value)
    if family is None:
        return
    heading = ""
    for paragraph in paragraphs(doc):
        text = paragraph.text
        if not paragraph.is_prose() and not _NONZERO.search(text):
            heading = norm(text)
            continue
        fiscal_section = bool(_FISCAL_SCOPE.search(heading))
        taken: list[tuple[int, int]] = []
        for total in STATED_TOTALS:
            fiscal_term = total.kind != "income_expenditure_summary"
            for m in total.pattern.finditer(text):
                if any(a <= m.start("term") < b for a, b in taken):
                    continue
                taken.append(m.span("term"))
                if (not fiscal_term and fiscal_section) or _other_year_or_scope(text, m.start(), doc.meta.year, fiscal_term):
                    continue
                tables = _table_totals(index, total, family)
                if not tables:
                    continue
                term = m.group("term")
                found = _stated_operand(paragraph, m, term)
                nearest = next((op for op in tables if op.interval.meets(found.interval)), None)
                nearest = nearest or min(tables, key=lambda op: abs(op.value - found.value))
                yield SumCheck(
                    f"说明中的“{term}”",
                    f"the narrative's “{term}”",
                    f"表中“{nearest.label}”",
                    f"the table's “{nearest.label}”",
                    found,
                    (nearest,),
                    found_role="narrative",
                    part_role="table",
                )


_COMPARISON = re.compile(
    r"决算数?(?:为|是)?\s*(?P<word>大于|小于|高于|低于|超过|超出|等于)\s*(?P<which>年初|全年|调整后?)?预算数?"
    r"|决算数?(?:与|和|同)(?P<which2>年初|全年|调整后?)?预算数?(?P<nearly>基本)?持平"
)
_BUDGET = re.compile(r"(?P<which>年初|全年|调整后?)?预算(?:数)?(?:为|是)?\s*" + _NUMBER)
_ACTUAL = re.compile(r"决算(?:数)?(?:为|是)?\s*" + _NUMBER)
_ABOVE = frozenset({"大于", "高于", "超过", "超出"})
_BELOW = frozenset({"小于", "低于"})
NEARLY_EQUAL = 0.10
""""基本持平" allows the two to differ by this share of the budget; "持平" and "等于" only by printed precision."""


def _holds(word: str, actual: Interval, budget: Interval) -> bool:
    if word in _ABOVE:
        return actual.hi > budget.lo
    if word in _BELOW:
        return actual.lo < budget.hi
    slack = NEARLY_EQUAL * abs(budget.mid) if word == "基本持平" else 0.0
    return actual.meets(Interval.around(budget.mid, budget.half_width + slack))


@check(
    "V040.stated_comparison_against_its_numbers",
    description="“决算数大于/小于/等于预算数”, “决算数与预算数(基本)持平” hold for the 决算数 and 预算数 stated before them in "
    f"the same paragraph (printed precision; 基本持平 within {NEARLY_EQUAL:.0%} of the budget); read from the text itself.",
    inputs=("narrative",),
)
def stated_comparison_against_its_numbers(index: DocIndex) -> Iterator[Outcome]:
    for paragraph in paragraphs(index.doc):
        text, since = paragraph.text, 0
        for m in _COMPARISON.finditer(text):
            window, since = text[since : m.start()], m.end()
            word = m.group("word") or ("基本持平" if m.group("nearly") else "持平")
            which = (m.group("which") or m.group("which2") or "").removesuffix("后")
            budgets = [b for b in _BUDGET.finditer(window) if not which or (b.group("which") or "").removesuffix("后") == which]
            actuals = list(_ACTUAL.finditer(window))
            if not actuals or not budgets:
                continue
            # the 决算数 printed right after the budget ("预算为36.55万元，支出决算为33.48万元，…其中：…决算为3.29万元")
            paired = next((a for a in actuals if a.start() > budgets[-1].end()), actuals[-1])
            actual = _stated_operand(paragraph, paired, "决算数")
            stated = [_stated_operand(paragraph, b, "预算数") for b in budgets]
            ok = any(_holds(word, actual.interval, b.interval) for b in stated)
            numbers = "、".join(b.group("value") + b.group("unit") for b in budgets)
            yield Verdict(
                f"第 {paragraph.line_at(m.start()).page} 页“{m.group(0)}”",
                f"“{m.group(0)}” on p{paragraph.line_at(m.start()).page}",
                ok,
                f"决算数 {paired.group('value')}{paired.group('unit')} {word} 预算数 {numbers}",
                m.group(0),
                (paragraph.evidence("statement", m.start()), actual.evidence, *(b.evidence for b in stated)),
                f"按所述数字，“{m.group(0)}”不成立。",
                f"With the numbers stated before it, “{m.group(0)}” does not hold.",
            )


_SUBJECTS = {
    "three_public": re.compile(r"三公|因公出国|公务接待|公务用车"),
    "gov_fund": re.compile(r"政府性基金预算财政拨款"),
    "state_capital": re.compile(r"国有资本经营预算财政拨款"),
}
_NONZERO = re.compile(r"(?P<value>\d[\d,]*(?:\.\d+)?)\s*(?P<unit>亿元|万元|元)")
_MAX_TITLE = 40
_NEAR = 24
"""How many characters after its subject a stated amount may stand."""


@check(
    "V030.blank_table_against_narrative",
    description="A 三公 / 政府性基金 / 国有资本经营 table printed without any non-zero amount while the narrative states a "
    "non-zero amount for it.",
    inputs=("narrative", *_SUBJECTS),
    tolerance=EXACT,
    severity=Severity.ERROR,
)
def blank_table_against_narrative(index: DocIndex) -> Iterator[Outcome]:
    doc = index.doc
    for table in doc.tables:
        kind = split_table_type(table.table_type)[1]
        subject = _SUBJECTS.get(kind)
        title = norm(table.title)
        if subject is None or not subject.search(title) or len(title) > _MAX_TITLE or table.n_rows < 2:
            continue  # a table typed by its content alone, or a run of titles read as one, is not judged
        if any(i.value for v in index.views if v.table_id == table.table_id for i in v.items):
            continue
        stated = _first_nonzero(paragraphs(doc), subject)
        if stated is None:
            continue
        paragraph, m = stated
        table_zh = title
        yield Verdict(
            f"空表{table_zh}（第 {table.page_start} 页）与说明",
            f"blank {kind} table (p{table.page_start}) against the narrative",
            False,
            f"表中列示 {m.group(0)}",
            "表中无金额",
            (
                table_evidence(table, "blank table"),
                paragraph.evidence("narrative", m.start()),
            ),
            f"说明中写明{m.group(0)}，但表中没有任何金额。",
            f"The narrative states {m.group(0)} but the table prints no amount.",
        )


def _first_nonzero(paragraph_list: list[Paragraph], subject: re.Pattern[str]) -> tuple[Paragraph, re.Match[str]] | None:
    for paragraph in paragraph_list:
        for s in subject.finditer(paragraph.text):
            window = paragraph.text[s.end() : s.end() + _NEAR]
            for m in _NONZERO.finditer(window):
                if float(m.group("value").replace(",", "")) > 0:
                    shifted = re.compile(re.escape(m.group(0))).search(paragraph.text, s.end())
                    return (paragraph, shifted) if shifted else None
    return None


_THREE_PUBLIC_LINES = (
    r"因公出国[（(]?境[)）]?费",
    r"公务接待费",
    r"公务用车购置费",
    r"公务用车运行(?:维护)?费",
    r"公务用车购置及运行(?:维护)?费",
)
LINE_LABELS = tuple(re.compile(rf"^(?:其中[:：])?{name}(?:用?支出)?$") for name in _THREE_PUBLIC_LINES)
LINE_STATED = tuple(re.compile(name) for name in _THREE_PUBLIC_LINES)
_CLAUSE_END = re.compile(r"[。；;]|" + "|".join(_THREE_PUBLIC_LINES))
_NOT_ITS_OWN = re.compile(r"上年|同比|比|较|增加|减少|下降|增长|和|及|与|、|占")
"""Words between a line's name and an amount that make the amount not the line's own (a change, a sum, a share)."""


def _in_line(cell: Cell, label: Cell) -> bool:
    if label.is_header:
        return label.col <= cell.col < label.col + label.col_span
    return label.row <= cell.row < label.row + label.row_span


def line_cells(table: Table, label_pattern: re.Pattern[str]) -> tuple[Cell, list[Cell]] | None:
    """The first cell labelling the line (a row label, or a column header: a 三公 table prints each line under
    预算数 and again under 决算数) and the body cells of all its labels' rows and columns."""
    labels = [c for c in table.cells if label_pattern.match(norm(c.text))]
    if not labels:
        return None
    body = [c for c in table.cells if not c.is_header and not any(c is a for a in labels)]
    return labels[0], [c for c in body if any(_in_line(c, a) for a in labels)]


def prints_nothing(cells: list[Cell]) -> bool:
    return all(is_blank(c.text) or ((n := parse_printed(c.text)) is not None and n.value == 0) for c in cells)


def stated_for_line(paragraph_list: list[Paragraph], name: re.Pattern[str]) -> tuple[Paragraph, re.Match[str]] | None:
    """The first paragraph that states the line's own amounts, all of them non-zero: a line stated as 0 anywhere
    in its clause ("预算为2万元，决算为0万元") is not judged, nor an amount after a change or a sum's words."""
    for paragraph in paragraph_list:
        text = paragraph.text
        for s in name.finditer(text):
            end = _CLAUSE_END.search(text, s.end())
            clause = text[s.end() : end.start() if end else len(text)]
            amounts = [m for m in _NONZERO.finditer(clause) if not _NOT_ITS_OWN.search(clause[: m.start()])]
            if amounts and all(float(m.group("value").replace(",", "")) > 0 for m in amounts):
                return paragraph, re.compile(re.escape(amounts[0].group(0))).search(text, s.end())
    return None


@check(
    "V031.blank_line_against_narrative",
    description="A line of a 三公 table (因公出国（境）费, 公务接待费, 公务用车购置费 / 运行费) printed without any amount, in a "
    "table that prints other amounts, while the narrative states a non-zero amount for that line.",
    inputs=("narrative", "three_public"),
    tolerance=EXACT,
    severity=Severity.ERROR,
)
def blank_line_against_narrative(index: DocIndex) -> Iterator[Outcome]:
    doc = index.doc
    for table in doc.tables:
        title = norm(table.title)
        if split_table_type(table.table_type)[1] != "three_public" or not _SUBJECTS["three_public"].search(title):
            continue
        if len(title) > _MAX_TITLE or not any(i.value for v in index.views if v.table_id == table.table_id for i in v.items):
            continue  # a table printed blank as a whole is V030's
        for label_pattern, stated_pattern in zip(LINE_LABELS, LINE_STATED, strict=True):
            line = line_cells(table, label_pattern)
            if line is None or not prints_nothing(line[1]):
                continue
            stated = stated_for_line(paragraphs(doc), stated_pattern)
            if stated is None or stated[1] is None:
                continue
            (label, _), (paragraph, m) = line, stated
            name = norm(label.text)
            yield Verdict(
                f"{title}的“{name}”（第 {label.page} 页）与说明",
                f"blank line “{name}” of the 三公 table (p{label.page}) against the narrative",
                False,
                f"表中列示 {m.group(0)}",
                "该行无金额",
                (cell_evidence(label, table, "blank line"), paragraph.evidence("narrative", m.start())),
                f"说明中写明“{name}”{m.group(0)}，但表中该项没有金额。",
                f"The narrative states {m.group(0)} for “{name}” but the table prints no amount on that line.",
            )


CLASSIFIED_TABLES = frozenset({"expenditure", "income", "general_budget_expenditure", "general_budget_basic_expenditure"})
"""Tables whose rows are 功能分类 / 经济分类 lines, each printed with its code."""


def _own_amount(record: NarrativeRecord) -> bool:
    """A non-zero amount of the report period that is the line's own (not a change, a share or a rate)."""
    return (
        record.label == "AMOUNT"
        and bool(record.value_yuan)
        and record.period is None
        and record.metric not in CHANGE_METRICS
        and record.relation == "value-of"
        and bool(record.subject)
    )


def with_blank_cells(doc: Document) -> Document:
    """The document with a blank line item (raw "") for each cell a coded row of a classification table leaves empty
    in a column that its table prints elsewhere: the table stage reads no item from an empty cell. A table printed in
    bands side by side (a 基本支出明细表: three lines on one row, under the same headers) gets none."""
    items = [i for i in doc.line_items if split_table_type(i.table_type)[1] in CLASSIFIED_TABLES]
    columns: dict[tuple[str, str], dict[int, str]] = {}
    rows: dict[tuple[str, str, int], list[LineItem]] = {}
    for i in items:
        columns.setdefault((i.table_id, i.panel), {})[i.col] = i.column
        rows.setdefault((i.table_id, i.panel, i.row), []).append(i)
    printed = {(i.table_id, i.panel, i.row, i.col) for i in items}
    banded = {key for key, named in columns.items() if len(named) != len(set(named.values()))}
    blanks = [
        row[0].model_copy(update={"col": col, "column": column, "raw": "", "value": 0.0})
        for (table_id, panel, number), row in rows.items()
        if row[0].code and len({i.code for i in row}) == 1 and (table_id, panel) not in banded
        for col, column in columns[(table_id, panel)].items()
        if (table_id, panel, number, col) not in printed
    ]
    return doc.model_copy(update={"line_items": [*doc.line_items, *blanks]})


def named_row_cells(record: NarrativeRecord, cells: list[ground.TableCell]) -> list[ground.TableCell]:
    """The cells of coded classification rows that the record's subject names exactly (the same name, in the column
    the name alone stands for; a code printed with it must be the row's) and whose column and side the linker accepts."""
    key = ground.key_of(record.subject or "")
    return [
        c
        for c in cells
        if key
        and c.code
        and split_table_type(c.table_type)[1] in CLASSIFIED_TABLES
        and any(ground.key_of(name) == key for name in c.names)  # ground.similarity's "same name"
        and ground.score(record, c) > 0
    ]


@check(
    "V032.blank_row_against_narrative",
    description="A coded row of a 功能分类 / 经济分类 table (支出决算表, 一般公共预算财政拨款支出表, 收入决算表) that prints no "
    "amount (blank, - or 0) in the column the narrative speaks of, while the narrative states a non-zero amount of the "
    "report period for that very line (named in full, one row per table; changes, shares and rates are not judged).",
    inputs=("narrative", *CLASSIFIED_TABLES),
    tolerance=EXACT,
    severity=Severity.ERROR,
)
def blank_row_against_narrative(index: DocIndex) -> Iterator[Outcome]:
    doc = index.doc
    cells = ground.table_cells([with_blank_cells(doc)])
    printing = {c.table_id for c in cells if c.interval.mid}
    for record in doc.records:
        if not _own_amount(record):
            continue
        found = named_row_cells(record, cells)
        rows = {(c.table_id, c.row) for c in found}
        if not found or len(rows) != len(found) or len(rows) != len({t for t, _ in rows}):
            continue  # no row, a row in two columns, or two rows of one table: the line is not pinned
        if any(c.table_id not in printing for c in found):
            continue  # a table printed blank as a whole is not read row by row
        blank = [c for c in found if not c.interval.mid]
        table = doc.table(blank[0].table_id) if blank else None
        cell = next((x for x in table.cells if (x.row, x.col) == (blank[0].row, blank[0].col)), None) if table else None
        if blank and (table is None or cell is None):
            continue
        stated_evidence = Evidence(
            role="narrative", text=record.sentence, value=record.value_yuan, page=record.page, bbox=record.bbox
        )
        yield Verdict(
            f"{record.subject}（{found[0].code}）与说明",
            f"row “{record.subject}” ({found[0].code}) against the narrative",
            len(blank) < len(found),
            f"表中列示 {record.raw}",
            "该行无金额" if blank else "；".join(f"{c.title or c.table_id} {c.interval.mid:,.2f}" for c in found),
            (cell_evidence(cell, table, "blank row"), stated_evidence) if cell and table else (stated_evidence,),
            f"说明中写明“{record.subject}”{record.raw}，但表中该行没有金额。",
            f"The narrative states {record.raw} for “{record.subject}” but the table prints no amount on that row.",
        )
