"""Narrative records (from the tag → records stages) checked against the tables and against themselves
(the checks that need no table, N005–N009, are in `narrative_lists`).

N001  a stated amount whose subject names a table row must equal that row's main amount. An amount linked to
      the cell it restates (`extract.records.ground`) is compared with that cell, with no second lookup; any
      other is looked up by name: a value that matches no such row but lies within RESTATEMENT_SPAN of the
      nearest one is a restatement gone wrong; one farther off is taken to describe another scope (no finding).
N002  a change rate recomputed from the stated level and change amount: rate = change / (level ∓ change),
      the sign from the stated direction (增加/减少), so a flipped comparison word is caught too; or, with
      no change amount, from two stated levels (current − base) / base, the base being the one the
      comparison names ("比2022年预算执行数…"). A change called 增加 in its amount and 下降 in its rate is
      inconsistent on its face.
N003  a share recomputed: part / whole, the whole being the printed base (占本年支出合计的…), the whole the
      part is listed under (`part_of`), or the nearest earlier 合计/总计 of the same section.
N004  a completion or execution rate recomputed: 决算数 (执行数) / 预算数 of the same subject.

Every comparison is between intervals: each printed number stands for ± half a unit of its last digit,
and a ratio's interval is the quotient of its inputs' intervals.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace

from extract.model import Evidence, NarrativeRecord, NarrativeSentence, Severity
from extract.reconcile.engine import Outcome, SumCheck, Verdict, check
from extract.reconcile.intervals import Interval
from extract.reconcile.views import FISCAL_TABLES, DocIndex, Operand, RowInfo, TableView, bare_name, norm, split_table_type
from extract.records.parts import LEVEL_METRICS, start

_FISCAL_WORDS = re.compile(r"财政拨款|一般公共预算")

RESTATEMENT_SPAN = 0.10
"""N001 flags a stated amount within ±10% of the row it names (but outside rounding): a typo or a stale number."""

_YUAN = {"元": 1.0, "千元": 1e3, "万元": 1e4, "亿元": 1e8}
_LEVEL_MARK = re.compile(r"[(（](?:类|款|项|\d{3,7})[)）]")


def stated_interval(record: NarrativeRecord) -> Interval | None:
    """The interval a stated value stands for: in 元 for amounts, as a fraction for percents."""
    half = 0.5 * 10**-record.decimals
    if record.value_yuan is not None and record.unit in _YUAN:
        return Interval.around(record.value_yuan, half * _YUAN[record.unit])
    if record.ratio is not None and record.unit == "%":
        return Interval.around(record.ratio, half / 100)
    return None


def record_evidence(record: NarrativeRecord, role: str) -> Evidence:
    value = record.value_yuan if record.value_yuan is not None else record.ratio
    return Evidence(
        role=role,
        text=f"{record.raw} ← {record.sentence}",
        value=value,
        page=record.page,
        bbox=record.bbox,
        locator=record.locator,
    )


def sentence_evidence(sentence: NarrativeSentence) -> Evidence:
    """A whole sentence as evidence: for a finding about its wording rather than one of its numbers."""
    return Evidence(role="statement", text=sentence.text, page=sentence.page, bbox=sentence.bbox, locator=sentence.locator)


def sentence_of(index: DocIndex, record: NarrativeRecord) -> tuple[Evidence, ...]:
    """The evidence of the sentence a record was stated in (none when the document has no such sentence)."""
    return tuple(sentence_evidence(s) for s in index.doc.sentences if s.sentence_id == record.sentence_id)


def _operand(record: NarrativeRecord) -> Operand | None:
    interval = stated_interval(record)
    if interval is None:
        return None
    label = f"{record.subject} · {record.metric or '说明'}"
    return Operand(label, interval.mid, interval, record_evidence(record, ""))


def subject_key(subject: str) -> str:
    """The row name a subject would have in a table: the last 类/款/项 segment, bare."""
    parts = [p for p in _LEVEL_MARK.split(norm(subject)) if p.strip('”“"')]
    return bare_name(parts[-1] if parts else subject)


_SCOPE_OR_FAMILY = re.compile(r"^(?:一般公共预算)?财政拨款|预算|决算")
_MIN_STRIPPED = 4


def lookup_keys(subject: str) -> list[str]:
    """Row names to look a subject up by: its key, and the key without scope and family words
    ("财政拨款支出总计" → "支出总计", "收入预算总计" → "收入总计"; the scope is matched separately)."""
    key = subject_key(subject)
    stripped = _SCOPE_OR_FAMILY.sub("", key)
    return [key, stripped] if stripped != key and len(stripped) >= _MIN_STRIPPED else [key]


def _row_names(view: TableView, info: RowInfo, column: str) -> list[str]:
    """A row's bare name; a single-sided table's 合计 row also answers to "支出合计" (or "收入合计")."""
    name = bare_name(info.name)
    kind = split_table_type(view.table_type)[1]
    if name not in ("合计", "总计") or kind.endswith("summary"):
        return [name]
    side = "收入" if "收入" in column or kind == "income" else "支出" if "支出" in column or "expenditure" in kind else None
    return [name, f"{side}{name}"] if side else [name]


def scope_of(record: NarrativeRecord) -> bool:
    """Whether an amount is about 财政拨款 / 一般公共预算 money: said so in its section title or before it in its sentence."""
    context = record.section_path.split(" > ")[-1] + record.sentence[: max(record.sentence.find(record.raw), 0)]
    return bool(_FISCAL_WORDS.search(context))


def _level_records(index: DocIndex) -> list[NarrativeRecord]:
    return [r for r in index.doc.records if r.label == "AMOUNT" and r.subject and r.metric in LEVEL_METRICS]


def _comparable(record: NarrativeRecord, table_type: str) -> bool:
    """Same family (决算数 vs 决算 tables, 预算数 vs 预算 tables) and same scope: an amount about
    财政拨款 / 一般公共预算 money (said so in its section title or before it in its sentence) is compared
    with the 财政拨款 tables only, any other with the all-funds tables."""
    family, kind = split_table_type(table_type)
    if record.metric not in ((None, "决算数") if family == "final" else (None, "预算数")):
        return False
    return (kind in FISCAL_TABLES) == scope_of(record)


def linked_operand(index: DocIndex, record: NarrativeRecord) -> Operand | None:
    """The operand of the line item a record is linked to, when it is one of this document's own."""
    if record.link_table_id is None or record.link_doc_id != index.doc.doc_id:
        return None
    key = (record.link_table_id, record.link_row, record.link_col)
    item = next((i for i in index.doc.line_items if (i.table_id, i.row, i.col) == key), None)
    if item is None:
        return None
    return next(
        (op for view in index.views if view.table_id == item.table_id and (op := view.operand_of(item)) is not None), None
    )


@check(
    "N001.narrative_amount_matches_table",
    description="An amount stated in the narrative for a named line equals that line's amount in the tables",
    inputs=("narrative", "income_expenditure_summary", "income", "expenditure", "fiscal_grant_summary", "general_budget"),
)
def narrative_amount_matches_table(index: DocIndex) -> Iterator[Outcome]:
    rows_by_name: dict[str, list[tuple]] = {}
    for view in index.views:
        column = view.main_column()
        if column is None:
            continue
        for info in view.sorted_rows():
            for name in _row_names(view, info, column):
                rows_by_name.setdefault(name, []).append((view, info, column))
    for record in _level_records(index):
        found = _operand(record)
        if found is None or record.period:
            continue
        linked = linked_operand(index, record)
        if linked is not None:
            yield _restated(record, found, linked)
            continue
        candidates = []
        rows = [row for key in lookup_keys(record.subject or "") for row in rows_by_name.get(key, [])]
        for view, info, column in rows:
            if not _comparable(record, view.table_type):
                continue
            op = view.operand(info.row, column)
            if op is not None and not op.blank:
                candidates.append(op)
        if not candidates:
            continue
        match = next((op for op in candidates if op.interval.meets(found.interval)), None)
        nearest = match or min(candidates, key=lambda op: abs(op.value - found.value))
        if match is None and abs(nearest.value - found.value) > RESTATEMENT_SPAN * max(abs(nearest.value), 1.0):
            continue
        yield _restated(record, found, nearest)


def _restated(record: NarrativeRecord, found: Operand, cell: Operand) -> SumCheck:
    return SumCheck(
        f"说明中“{record.subject}”的金额",
        f"the narrative amount of “{record.subject}”",
        f"表中“{cell.label}”",
        f"the table's “{cell.label}”",
        found,
        (cell,),
        found_role="narrative",
        part_role="table",
    )


def _ratio_verdict(
    subject_zh: str,
    subject_en: str,
    stated: NarrativeRecord,
    expected: Interval,
    inputs: list[NarrativeRecord],
    how_zh: str,
    how_en: str,
) -> Verdict:
    """Compare a stated percent with the ratio recomputed from stated numbers. A derived percent is printed
    from unrounded inputs, rounded or cut off, so it is allowed one unit of its last digit either way."""
    unit = 10**-stated.decimals / 100
    interval = Interval.around(stated.ratio or 0.0, unit)
    ok = interval.meets(expected)
    return Verdict(
        subject_zh,
        subject_en,
        ok,
        expected=f"{expected.mid:.2%}（{how_zh}）",
        found=stated.raw,
        evidence=tuple([record_evidence(stated, "stated"), *(record_evidence(r, "input") for r in inputs)]),
        why_zh="" if ok else f"按说明中的数字计算应为 {expected.lo:.2%}–{expected.hi:.2%}。",
        why_en="" if ok else f"From the stated numbers ({how_en}) it should lie in {expected.lo:.2%}–{expected.hi:.2%}.",
    )


def _same_sentence(records: list[NarrativeRecord], record: NarrativeRecord, metrics: tuple) -> NarrativeRecord | None:
    return next(
        (
            r
            for r in records
            if r.sentence_id == record.sentence_id
            and r.subject == record.subject
            and r.metric in metrics
            and r.label == "AMOUNT"
            and r is not record
        ),
        None,
    )


def _level_before(records: list[NarrativeRecord], k: int) -> NarrativeRecord | None:
    """The level amount of record k's subject: in its sentence, or (for a carried subject) before it."""
    record = records[k]
    for r in reversed(records[:k]):
        if r.section_path != record.section_path:
            break
        if r.subject == record.subject and r.label == "AMOUNT" and r.metric in LEVEL_METRICS and not r.period:
            return r
    return None


@check(
    "N002.change_rate_recomputed",
    description="A stated change rate equals the stated change over the previous level (level ∓ change), or the "
    "difference of the two levels it compares over the earlier one; its direction word agrees with them",
    inputs=("narrative",),
)
def change_rate_recomputed(index: DocIndex) -> Iterator[Outcome]:
    records = index.doc.records
    for k, rate in enumerate(records):
        if rate.metric != "增减率" or rate.direction not in ("增加", "减少") or rate.unit != "%":
            continue
        change = next(
            (
                r
                for r in reversed(records[:k])
                if r.sentence_id == rate.sentence_id and r.subject == rate.subject and r.metric == "增减额"
            ),
            None,
        )
        if change is None:
            yield from _rate_of_two_levels(index, rate)
            continue
        if change.direction in ("增加", "减少") and change.direction != rate.direction:
            yield Verdict(
                f"“{rate.subject}”的增减方向",
                f"direction of the change of “{rate.subject}”",
                False,
                expected="增减额与增减率同向",
                found=f"{change.direction}{change.raw}，{rate.direction}{rate.raw}",
                evidence=(record_evidence(change, "stated"), record_evidence(rate, "stated"), *sentence_of(index, rate)),
                why_zh="同一变动既说增加又说减少。",
                why_en="The same change is called both an increase and a decrease.",
            )
            continue
        level = _level_before(records, records.index(change))
        level_i, change_i = (stated_interval(level), stated_interval(change)) if level else (None, None)
        if level is None or level_i is None or change_i is None:
            continue
        previous = level_i - change_i if change.direction == "增加" else level_i + change_i
        if previous.lo <= 0:
            continue
        yield _ratio_verdict(
            f"“{rate.subject}”的{rate.direction}幅度",
            f"change rate of “{rate.subject}”",
            rate,
            change_i / previous,
            [level, change],
            f"{change.raw}÷上年数",
            "change ÷ previous level",
        )


_COMPARED_WITH = re.compile(r"(?:比|较|与|同)(.*)$")
_YEAR = re.compile(r"(20\d\d)年")


def _rate_of_two_levels(index: DocIndex, rate: NarrativeRecord) -> Iterator[Outcome]:
    """ "2022年执行数为6.75万元，2023年预算安排9.00万元，比2022年预算执行数增加33.33%": the rate is
    (current − base) / base, the base being the level the comparison clause names (by metric, period or year)."""
    levels = [
        r
        for r in index.doc.records
        if r.sentence_id == rate.sentence_id and r.label == "AMOUNT" and start(r) < start(rate) and r.metric in LEVEL_METRICS
    ]
    if len(levels) != 2:
        return
    text = rate.sentence
    clause = _COMPARED_WITH.search(text[start(levels[1]) + len(levels[1].raw) : start(rate)])
    if clause is None:
        return
    named = clause.group(1)
    years = [_YEAR.findall(text[(start(levels[0]) + len(levels[0].raw)) if i else 0 : start(r)]) for i, r in enumerate(levels)]
    base_of = [
        bool(r.metric and r.metric in named) or bool(r.period and r.period in named) or bool(y and y[-1] in named)
        for r, y in zip(levels, years, strict=True)
    ]
    if base_of.count(True) != 1:
        return
    base, current = (levels[0], levels[1]) if base_of[0] else (levels[1], levels[0])
    base_i, current_i = stated_interval(base), stated_interval(current)
    if base_i is None or current_i is None or base_i.lo <= 0:
        return
    moved = current_i - base_i if rate.direction == "增加" else base_i - current_i
    verdict = _ratio_verdict(
        f"“{rate.subject or current.subject or '说明'}”的{rate.direction}幅度",
        f"change rate of “{rate.subject or current.subject or 'the statement'}”",
        rate,
        moved / base_i,
        [current, base],
        f"({current.raw}−{base.raw})÷{base.raw}",
        "(current − base) ÷ base",
    )
    yield replace(verdict, evidence=verdict.evidence + sentence_of(index, rate))  # the direction word may be the error


@check(
    "N003.share_recomputed",
    description="A stated share equals the part over the whole it is taken of",
    inputs=("narrative",),
    severity=Severity.WARNING,
)
def share_recomputed(index: DocIndex) -> Iterator[Outcome]:
    records = index.doc.records
    for k, share in enumerate(records):
        if share.metric != "占比" or share.unit != "%" or not share.subject:
            continue
        part = _same_sentence(records, share, LEVEL_METRICS)
        if part is None:
            continue
        earlier = [
            r
            for r in records[:k]
            if r.section_path == share.section_path
            and r.label == "AMOUNT"
            and r.metric in LEVEL_METRICS
            and r.subject
            and r is not part
        ]
        listed_under = next((r for r in earlier if r.record_id == part.part_of), None)
        if share.base:
            whole = next((r for r in reversed(earlier) if r.subject == share.base), None)
        elif listed_under is not None:
            whole = listed_under
        else:
            whole = next((r for r in reversed(earlier) if re.search(r"合计|总计|总额", r.subject or "")), None)
        part_i, whole_i = stated_interval(part), stated_interval(whole) if whole else None
        if whole is None or part_i is None or whole_i is None or whole_i.lo <= 0 or part_i.hi > whole_i.hi * 1.000001:
            continue
        yield _ratio_verdict(
            f"“{share.subject}”占“{whole.subject}”的比重",
            f"share of “{share.subject}” in “{whole.subject}”",
            share,
            part_i / whole_i,
            [part, whole],
            f"{part.raw}÷{whole.raw}",
            "part ÷ whole",
        )


@check(
    "N004.completion_rate_recomputed",
    description="A stated completion / execution rate equals the actual (决算数/执行数) over the budget (预算数)",
    inputs=("narrative",),
)
def completion_rate_recomputed(index: DocIndex) -> Iterator[Outcome]:
    records = index.doc.records
    for rate in records:
        if rate.metric not in ("完成率", "执行率") or rate.unit != "%" or not rate.subject:
            continue
        budget = _same_sentence(records, rate, ("预算数", "全年预算数"))
        actual = _same_sentence(records, rate, ("决算数", "执行数"))
        if budget is None or actual is None:
            continue
        b, a = stated_interval(budget), stated_interval(actual)
        if b is None or a is None or b.lo <= 0:
            continue
        yield _ratio_verdict(
            f"“{rate.subject}”的{rate.metric}",
            f"{rate.metric} of “{rate.subject}”",
            rate,
            a / b,
            [actual, budget],
            f"{actual.raw}÷{budget.raw}",
            "actual ÷ budget",
        )
