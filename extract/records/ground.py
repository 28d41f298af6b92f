"""Grounding: each narrative amount linked to the table cell it restates.

"教育支出425,287.27万元，占总支出的92.92%" in a 支出决算表说明 restates the 教育支出 row of that table; the link
carries the line item's key (document, table, row, column), the row's classification code and a score. A link
needs three things to agree, and prefers no link to a wrong one:

* the value: the cell's printed number and the narrative's meet within their printed precision (a single cell:
  a sum of two cells is not a link);
* the metric: a change (增减额) restates only a 增减 column, an amount of another period only a 上年 column, a
  预算数 no 决算 column and a 决算数 no 预算 column;
* the words: the narrative's subject (or, without one, its clause) names the cell's row or column — the same name,
  the last 类/款/项 segment of a chain, the classification code printed in the sentence, or enough shared
  characters. A value that matches only by number is a coincidence, however many digits it has.

Among the candidates that pass, the score (name 0.6, digits 0.2, the section's table 0.1, 财政拨款 scope 0.1) picks
one; where several tables print the same line with the same value, the table the section explains wins, then the
first table. LINK_FLOOR was chosen on the dev document (scripts/eval_links.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from extract.model import Document, LineItem, NarrativeRecord
from extract.reconcile.intervals import Interval, half_width_of, is_blank
from extract.reconcile.views import bare_name, is_total_segment, norm, split_path, split_table_type
from extract.records.parts import start
from extract.records.values import YUAN_PER_UNIT

LINK_FLOOR = 0.55
"""The least score a link is made with."""
NAME_FLOOR = 0.35
"""The least name similarity a candidate needs at all: below it the match is by number only."""

MONEY_TABLE_FAMILIES = frozenset({"final", "budget"})
"""Tables whose line items are money (a 绩效目标表's numbers are scores and indicator values)."""
FISCAL_KINDS = frozenset({"fiscal_grant_summary", "general_budget_expenditure", "general_budget_basic_expenditure",
                          "three_public", "gov_fund", "state_capital"})
_FISCAL_WORDS = re.compile(r"财政拨款|一般公共预算")
_LEVEL_MARK = re.compile(r"[（(](?:类|款|项)[)）]")
_CODE_IN_TEXT = re.compile(r"[（(]\s*(\d{3,7})\s*[)）]")
_METRIC_WORDS = re.compile(r"(?:年初|全年|本年度?|当年)?(?:预算|决算)(?:数|安排)?|执行数|支出数|金额|资金|为|是|达到|共计|合计为")
_CLAUSE_BREAK = re.compile(r"[。；;，,：:]")
_NUMBERING = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[)）]|\d+[.．、])")
_HEADING_NOISE = re.compile(r"情况说明|说明|情况|[（(][一二三四五六七八九十\d]+[)）]|^[一二三四五六七八九十]+、")
_SIDE = (("收入", "收入"), ("支出", "支出"))
_AMOUNT_COLUMN = re.compile(r"^(?:金额|合计|小计|总计|决算数|预算数|本年预算数?|本年决算数?|.*(?:预算|决算)数)$")


@dataclass(frozen=True)
class TableCell:
    """One amount cell a narrative amount may restate, with the names it answers to."""

    doc_id: str
    table_id: str
    table_type: str
    title: str
    order: int
    row: int
    col: int
    code: str | None
    names: tuple[str, ...]
    column: str
    interval: Interval
    zero: bool


@dataclass(frozen=True)
class CellLink:
    doc_id: str
    table_id: str
    row: int
    col: int
    score: float
    code: str | None


def _side_of(item: LineItem) -> str | None:
    where = f"{item.panel}/{item.column}/{item.table_type}"
    return next((side for word, side in _SIDE if word in where), "支出" if "expenditure" in item.table_type else None)


def cell_names(item: LineItem) -> tuple[str, ...]:
    """The names a cell answers to: its row's name (a bare 合计 also as 收入合计/支出合计), and the last segment of its
    column when that names a line rather than an amount ("“三公”经费/因公出国（境）费", "基本支出")."""
    names: list[str] = []
    row = bare_name(item.name)
    if row.startswith("其中"):
        row = row.removeprefix("其中").lstrip(":：")
    column = [seg for seg in split_path(item.column) if not _AMOUNT_COLUMN.match(seg) and not seg.startswith("其中")]
    leaf = bare_name(column[-1]) if column else ""
    total_row = not row or is_total_segment(row)
    if row and not total_row:
        names.append(row)
    elif row:
        side = _side_of(item)
        names += [row, f"{side}{row}"] if side and not row.startswith(side) else [row]
    if leaf and leaf not in ("收入", "支出"):
        names.append(leaf if total_row else f"{row}{leaf}")
        if not total_row:
            names.append(leaf)
    return tuple(dict.fromkeys(n for n in names if n))


def table_cells(docs: Iterable[Document]) -> list[TableCell]:
    """The money cells of these documents' tables (the document itself, and a companion file of its tables)."""
    cells: list[TableCell] = []
    for doc in docs:
        titles = {t.table_id: t.title or "" for t in doc.tables}
        order = {t.table_id: k for k, t in enumerate(doc.tables)}
        for item in doc.line_items:
            if split_table_type(item.table_type)[0] not in MONEY_TABLE_FAMILIES:
                continue
            blank = is_blank(item.raw)
            half = half_width_of(item.raw, item.unit, item.value) if not blank else 0.0
            if half is None:
                continue
            cells.append(TableCell(doc.doc_id, item.table_id, item.table_type, titles.get(item.table_id, ""),
                                   order.get(item.table_id, 0), item.row, item.col, item.code, cell_names(item),
                                   item.column, Interval.around(0.0 if blank else item.value, half), blank or item.value == 0))
    return cells


def stated(record: NarrativeRecord) -> Interval | None:
    """The interval in 元 an amount's printed number stands for."""
    if record.label != "AMOUNT" or record.value_yuan is None or record.unit not in YUAN_PER_UNIT:
        return None
    return Interval.around(record.value_yuan, 0.5 * 10 ** -record.decimals * YUAN_PER_UNIT[record.unit])


def _meets(a: Interval, b: Interval) -> bool:
    return a.lo <= b.hi + 1e-6 and b.lo <= a.hi + 1e-6


def key_of(phrase: str) -> str:
    """A subject as a row would print it: normalised, the last segment of a 类/款/项 chain, no code, no numbering."""
    text = _CODE_IN_TEXT.sub("", norm(phrase))
    parts = [p for p in _LEVEL_MARK.split(text) if p.strip()]
    return bare_name(_NUMBERING.sub("", parts[-1] if parts else text))


def _bigrams(text: str) -> set[str]:
    return {text[i:i + 2] for i in range(len(text) - 1)} or ({text} if text else set())


def similarity(phrase: str, name: str) -> float:
    """How well a narrative phrase names a line: 1 for the same name, else the Dice overlap of character bigrams
    after family words (预算/决算) are dropped from both."""
    a, b = key_of(phrase), key_of(name)
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    a2, b2 = re.sub(r"预算|决算", "", a), re.sub(r"预算|决算", "", b)
    if a2 and a2 == b2:
        return 0.95
    x, y = _bigrams(a2 or a), _bigrams(b2 or b)
    return 2 * len(x & y) / (len(x) + len(y))


def clause_before(record: NarrativeRecord) -> str:
    """The words of the record's clause before its value, metric words and years dropped ("社会保障和就业支出年初预算"
    → "社会保障和就业支出"); the previous clause when this one names nothing ("高中教育（2050204），2023年度决算数为…")."""
    text = record.sentence[: start(record)]
    clauses = _CLAUSE_BREAK.split(text)
    for clause in reversed(clauses[-2:]):
        words = _METRIC_WORDS.sub("", re.sub(r"(?:19|20)\d\d\s*年度?|与上年相比|比上年|较上年", "", clause))
        words = re.sub(r"[\d\s.,，]+", "", words)
        if len(words) >= 2:
            return clause
    return ""


def _column_fits(record: NarrativeRecord, cell: TableCell) -> bool:
    column = norm(cell.column)
    if record.metric in ("增减额",) or record.period:
        return False  # the corpus's tables print no 上年 / 增减 columns that the rule could be tested on
    family = split_table_type(cell.table_type)[0]
    if record.metric in ("预算数", "全年预算数"):
        return "决算" not in column and (family == "budget" or "预算" in column)
    if record.metric in ("决算数", "执行数"):
        return "预算" not in column or "决算" in column
    return True


def _section_fit(record: NarrativeRecord, cell: TableCell) -> float:
    """How well the record's section heading names the cell's table (bigram overlap of heading and title)."""
    heading = _HEADING_NOISE.sub("", norm(record.section_path.split(" > ")[-1]))
    title = norm(cell.title)
    if not heading or not title:
        return 0.0
    if "三公" in heading:
        return 1.0 if cell.table_type.endswith("three_public") else 0.0
    return similarity(heading, title)


def _digits(record: NarrativeRecord) -> int:
    return len(re.sub(r"\D", "", record.raw).lstrip("0"))


def _name_score(record: NarrativeRecord, cell: TableCell) -> float:
    codes = set(_CODE_IN_TEXT.findall(record.sentence[: start(record)]))
    if cell.code and cell.code in codes:
        return 1.0
    phrases = [p for p in (record.subject, clause_before(record)) if p]
    best = 0.0
    for phrase in phrases:
        for name in cell.names:
            best = max(best, similarity(phrase, name))
            if len(name) >= 3 and name in norm(phrase):
                best = max(best, 0.9)
    return best


def score(record: NarrativeRecord, cell: TableCell) -> float:
    """The link score of one candidate cell (0 when it cannot be the cell the record restates)."""
    name = _name_score(record, cell)
    if name < NAME_FLOOR or not _column_fits(record, cell):
        return 0.0
    scope = (split_table_type(cell.table_type)[1] in FISCAL_KINDS) == bool(
        _FISCAL_WORDS.search(record.section_path.split(" > ")[-1] + record.sentence[: start(record)]))
    return round(0.6 * name + 0.2 * min(_digits(record), 6) / 6 + 0.1 * _section_fit(record, cell) + 0.1 * scope, 4)


def candidates(record: NarrativeRecord, cells: Sequence[TableCell]) -> list[TableCell]:
    """The cells whose printed value meets the record's at printed precision."""
    value = stated(record)
    if value is None:
        return []
    return [c for c in cells if _meets(value, c.interval)]


def link_record(record: NarrativeRecord, cells: Sequence[TableCell]) -> CellLink | None:
    scored = [(score(record, c), c) for c in candidates(record, cells)]
    scored = [(s, c) for s, c in scored if s >= LINK_FLOOR]
    if not scored:
        return None
    best, cell = max(scored, key=lambda sc: (sc[0], -sc[1].order))
    return CellLink(cell.doc_id, cell.table_id, cell.row, cell.col, best, cell.code)


def ground_records(records: Iterable[NarrativeRecord], cells: Sequence[TableCell]) -> None:
    """Set the link fields (and the subject's classification code) of every amount that restates a cell."""
    for record in records:
        found = link_record(record, cells) if cells else None
        if found is None:
            continue
        record.link_doc_id, record.link_table_id = found.doc_id, found.table_id
        record.link_row, record.link_col, record.link_score = found.row, found.col, found.score
        record.subject_code = found.code
