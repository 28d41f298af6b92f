"""Grounding: each narrative amount linked to the table cell it restates.

"教育支出425,287.27万元，占总支出的92.92%" in a 支出决算表说明 restates the 教育支出 row of that table; the link
carries the line item's key (document, table, row, column), the row's classification code and a score. A link
needs three things to agree, and prefers no link to a wrong one:

* the value: the cell's printed number and the narrative's meet within their printed precision (a single cell:
  a sum of two cells is not a link);
* the metric: a 预算数 restates no 决算 column and a 决算数 no 预算 column; a change (增减额) or an amount of another
  period restates no cell (no table of the corpus prints a 增减 or 上年 column to write a rule on);
* the words: the narrative's subject (or, without one, its clause; for a value whose words name nothing, the section
  heading) names the cell's row or column — the same name, the last 类/款/项 segment of a chain, the classification
  code printed in the sentence, or enough shared characters — on the same side (收入 / 支出: an income table's rows
  by 功能分类 are income) and, for a chain, at the same level (a 项 is not its 款 of the same name). A value that
  matches only by number is a coincidence, however many digits it has.

Among the candidates that pass, the score (name 0.6, digits 0.18, the section's table 0.18, 财政拨款 scope 0.04)
picks one; where several tables print the same line with the same value, the table the section explains (for a
“三公” item, the 三公 table) wins, then the first table. LINK_FLOOR and NAME_FLOOR sit in the middle of the range where
the dev document's links do not change (0.5–0.6 and 0.25–0.35: 37 right, 0 wrong of 40; scripts/eval_links.py
--split dev); the section and scope weights were set on dev's primary cells (31 → 34 of 40).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from extract.model import Document, LineItem, NarrativeRecord
from extract.reconcile.intervals import Interval, half_width_of, is_blank
from extract.reconcile.views import FISCAL_TABLES, bare_name, is_total_segment, norm, split_path, split_table_type
from extract.records.parts import start
from extract.records.values import YUAN_PER_UNIT

LINK_FLOOR = 0.55
"""The least score a link is made with."""
NAME_FLOOR = 0.35
"""The least name similarity a candidate needs at all: below it the match is by number only."""

MONEY_TABLE_FAMILIES = frozenset({"final", "budget"})
"""Tables whose line items are money (a 绩效目标表's numbers are scores and indicator values)."""
_FISCAL_WORDS = re.compile(r"财政拨款|一般公共预算")
_LEVEL_MARK = re.compile(r"[（(]\d*(类|款|项)[)）]")
_CODE_LENGTH = {"类": 3, "款": 5, "项": 7}
"""The length of a 功能分类 code at each level: a 项 line is not its 款 of the same name ("其他社会保障和就业支出")."""
_CODE_IN_TEXT = re.compile(r"[（(]\s*(\d{3,7})\s*[)）]")
_METRIC_WORDS = re.compile(r"(?:年初|全年|本年度?|当年)?(?:预算|决算)(?:数|安排)?|执行数|支出数|金额|资金|为|是|达到|共计|合计为")
_THREE_PUBLIC = re.compile(r"三公|因公出国|公务用车|公务接待")
_CLAUSE_BREAK = re.compile(r"[。；;，,：:]")
_NUMBERING = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[)）]|\d+[.．、])")
_HEADING_NOISE = re.compile(r"情况说明|说明|情况|[（(][一二三四五六七八九十\d]+[)）]|^[一二三四五六七八九十]+、")
_AMOUNT_COLUMN = re.compile(r"^(?:金额|小计|.*合计|.*总计|.*(?:预算|决算)数)$")
_NOT_THE_NAME = re.compile(r"预算|决算|本年度?|合计|总计|总额|[、,，]")
TITLE_NOISE = re.compile(r"(?:19|20)\d\d年度?|预算表|决算表|支出|表$")
_GROUPING = re.compile(r"分类|用途|科目|^本年支出$|^本年收入$")


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
    side: str | None
    fiscal: bool
    """A table of 财政拨款 / 一般公共预算 money only (by type, or by its title: 一般公共预算机关运行经费支出预算表)."""
    interval: Interval


@dataclass(frozen=True)
class CellLink:
    doc_id: str
    table_id: str
    row: int
    col: int
    score: float
    code: str | None


def _side_of(item: LineItem) -> str | None:
    """收入 or 支出: what the cell's amount is (an income table's rows by 功能分类 are income all the same)."""
    kind = split_table_type(item.table_type)[1]
    if kind == "income":
        return "收入"
    where = f"{item.panel}/{item.column}"
    if kind.endswith("summary"):
        return next((side for side in ("收入", "支出") if side in where), None)
    return "支出" if kind in FISCAL_TABLES or kind == "expenditure" else None


def _column_line(column: str) -> str:
    """The line a column names, if any: its last segment that is not an amount word, the parent of a 小计
    ("“三公”经费/公务用车购置及运行维护费/小计" → 公务用车购置及运行维护费); "" for 金额 / 合计 / 决算数 columns and groupings."""
    segments = [bare_name(seg).removeprefix("其中").lstrip(":：") for seg in split_path(column)]
    while segments and _AMOUNT_COLUMN.match(segments[-1]):
        segments.pop()
    leaf = segments[-1] if segments else ""
    return "" if _GROUPING.search(leaf) or leaf in ("收入", "支出") else leaf


def cell_names(item: LineItem, total_column: bool, title: str = "") -> tuple[str, ...]:
    """The names a cell answers to: its row's name when its column is the row's total (the table's first amount column,
    or an amount word: 金额, 合计, 决算数); the row and column together ("教育支出" + "基本支出") when the column names a
    part of it; the column alone in a table whose lines are columns (“三公”经费表, 支出总表) or on a total row (合计 ·
    基本支出 = 基本支出). A total row also answers to its side's and its table's total (支出合计, 政府采购合计)."""
    row = bare_name(item.name).removeprefix("其中").lstrip(":：")
    leaf = "" if total_column and row else _column_line(item.column)
    if not row and not leaf:
        row = bare_name(split_path(item.column)[-1]) if item.column else ""  # the 合计 column of a one-row table
    side = _side_of(item)
    total = bool(row) and is_total_segment(row)
    names: list[str] = []
    if leaf:
        names += [leaf] if not row or total else [f"{row}{leaf}"]
    elif total:
        stem = TITLE_NOISE.sub("", norm(title))
        names += [row, *([f"{side}{row}"] if side and not row.startswith(side) else []), *([f"{stem}{row}"] if stem else [])]
    elif row:
        names.append(row)
    return tuple(dict.fromkeys(n for n in names if n))


def table_cells(docs: Iterable[Document]) -> list[TableCell]:
    """The money cells of these documents' tables (the document itself, and a companion file of its tables)."""
    cells: list[TableCell] = []
    for doc in docs:
        titles = {t.table_id: t.title or "" for t in doc.tables}
        order = {t.table_id: k for k, t in enumerate(doc.tables)}
        items = [i for i in doc.line_items if split_table_type(i.table_type)[0] in MONEY_TABLE_FAMILIES]
        first: dict[tuple[str, str], int] = {}
        for item in items:
            first[(item.table_id, item.panel)] = min(first.get((item.table_id, item.panel), item.col), item.col)
        for item in items:
            blank = is_blank(item.raw)
            half = half_width_of(item.raw, item.unit, item.value) if not blank else 0.0
            if half is None:
                continue
            title = titles.get(item.table_id, "")
            names = cell_names(item, item.col == first[(item.table_id, item.panel)], title)
            fiscal = split_table_type(item.table_type)[1] in FISCAL_TABLES or bool(_FISCAL_WORDS.search(title))
            value = Interval.around(0.0 if blank else item.value, half)
            cells.append(
                TableCell(
                    doc.doc_id,
                    item.table_id,
                    item.table_type,
                    title,
                    order.get(item.table_id, 0),
                    item.row,
                    item.col,
                    item.code,
                    names,
                    item.column,
                    _side_of(item),
                    fiscal,
                    value,
                )
            )
    return cells


def stated(record: NarrativeRecord) -> Interval | None:
    """The interval in 元 an amount's printed number stands for."""
    if record.label != "AMOUNT" or record.value_yuan is None or record.unit not in YUAN_PER_UNIT:
        return None
    return Interval.around(record.value_yuan, 0.5 * 10**-record.decimals * YUAN_PER_UNIT[record.unit])


def _meets(a: Interval, b: Interval) -> bool:
    return a.lo <= b.hi + 1e-6 and b.lo <= a.hi + 1e-6


@functools.lru_cache(maxsize=2**16)  # the same row names are keyed again for every amount of a document
def key_of(phrase: str) -> str:
    """A subject as a row would print it: normalised, the last segment of a 类/款/项 chain (with a 支出 printed after
    its marker: "住房保障（类）支出" → 住房保障支出), no code, no numbering."""
    text = _CODE_IN_TEXT.sub("", norm(phrase))
    parts = [p for p in _LEVEL_MARK.sub("（类）", text).split("（类）") if p.strip()]
    if len(parts) >= 2 and _LEVEL_MARK.search(text) and parts[-1] == "支出":
        parts = [*parts[:-2], parts[-2] + parts[-1]]
    return bare_name(_NUMBERING.sub("", parts[-1] if parts else text))


def _core(key: str, fiscal: bool) -> str:
    """A name without the words that other evidence decides: family, period and total words ("本年收入预算合计" → 收入),
    and the scope words when the table is of that scope (a 财政拨款 table's 支出合计 is the 财政拨款支出总计)."""
    core = _NOT_THE_NAME.sub("", key)
    return _FISCAL_WORDS.sub("", core) if fiscal else core


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)} or ({text} if text else set())


def _dice(a: str, b: str) -> float:
    x, y = _bigrams(a), _bigrams(b)
    return 2 * len(x & y) / (len(x) + len(y)) if x and y else 0.0


def similarity(phrase: str, name: str, fiscal: bool = False) -> float:
    """How well a narrative phrase names a line: 1 for the same name; 0.95 for the same name but for the family words
    (预算/决算); 0.9 for the same core (`_core`: "收入总计" and "本年收入合计", "财政拨款支出总计" and a 财政拨款 table's
    "支出合计"); else the Dice overlap of character bigrams."""
    a, b = key_of(phrase), key_of(name)
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    a2, b2 = re.sub(r"预算|决算", "", a), re.sub(r"预算|决算", "", b)
    if a2 and a2 == b2:
        return 0.95
    core_a, core_b = _core(a, fiscal), _core(b, fiscal)
    if core_a and core_a == core_b:
        return 0.9
    return max(_dice(a2 or a, b2 or b), 0.9 * _dice(core_a, core_b))


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
    title = norm(cell.title)
    if _THREE_PUBLIC.search(record.sentence[: start(record)]):
        return float(cell.table_type.endswith("three_public"))  # a “三公” item's own table is the 三公 table
    best = 0.0
    for part in record.section_path.split(" > ")[1:]:
        heading = _HEADING_NOISE.sub("", norm(part))
        if "三公" in heading:
            best = max(best, float(cell.table_type.endswith("three_public")))
        elif heading and title:
            best = max(best, _dice(heading, title))
    return best


def _digits(record: NarrativeRecord) -> int:
    return len(re.sub(r"\D", "", record.raw).lstrip("0"))


def _side(record: NarrativeRecord) -> str | None:
    """收入 or 支出, as the record's subject (or clause) says; a 功能分类 code is an expenditure line."""
    words = norm(record.subject or clause_before(record))
    income, spending = "收入" in words, "支出" in words or bool(re.search(r"[（(]2\d{2,6}[)）]", words))
    return "收入" if income and not spending else "支出" if spending and not income else None


def _nameless(record: NarrativeRecord) -> bool:
    """Whether the record's own words name nothing: no subject and a clause of metric words only ("24458.43万元。"),
    or a fragment that a heading cut off ("类）支出1289.52万元")."""
    subject = record.subject or ""
    if re.match(r"^[类款项][)）]", subject):
        return True
    return not _core(key_of(subject), True) and not _core(key_of(clause_before(record)), True)


def _name_score(record: NarrativeRecord, cell: TableCell) -> float:
    codes = set(_CODE_IN_TEXT.findall(record.sentence[: start(record)]))
    if cell.code and codes:
        return 1.0 if cell.code in codes else 0.0  # a printed code pins the line: not its 款 of the same name
    phrases = [p for p in (record.subject, clause_before(record)) if p]
    levels = [m.group(1) for p in phrases[:1] for m in _LEVEL_MARK.finditer(p)]
    if cell.code and levels and len(cell.code) != _CODE_LENGTH[levels[-1]]:
        return 0.0  # the chain ends at a 项 (款, 类): a row of another level is another line
    best = 0.0
    for phrase in phrases:
        for name in cell.names:
            best = max(best, similarity(phrase, name, cell.fiscal))
            if len(name) >= 3 and name in norm(phrase):
                best = max(best, 0.9)
    if _nameless(record):  # the section's heading names the line ("（二）支出预算总计" over "24458.43万元。")
        heading = _NUMBERING.sub("", norm(record.section_path.split(" > ")[-1]))
        best = max([best, *(0.9 * similarity(heading, name, cell.fiscal) for name in cell.names)])
    return best


def score(record: NarrativeRecord, cell: TableCell) -> float:
    """The link score of one candidate cell (0 when it cannot be the cell the record restates)."""
    name = _name_score(record, cell)
    side = _side(record)
    if name < NAME_FLOOR or not _column_fits(record, cell) or (side and cell.side and side != cell.side):
        return 0.0
    scope = cell.fiscal == bool(_FISCAL_WORDS.search(record.section_path + record.sentence[: start(record)]))
    return round(0.6 * name + 0.18 * min(_digits(record), 6) / 6 + 0.18 * _section_fit(record, cell) + 0.04 * scope, 4)


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
            record.link_doc_id = record.link_table_id = record.link_row = record.link_col = None
            record.link_score = record.subject_code = None
            continue
        record.link_doc_id, record.link_table_id = found.doc_id, found.table_id
        record.link_row, record.link_col, record.link_score = found.row, found.col, found.score
        record.subject_code = found.code
