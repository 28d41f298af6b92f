"""Which subject each value, target and reason of a sentence belongs to.

Rules (measured against the gold relations by scripts/eval_records.py):
* a value links to the nearest SUBJECT on its left in the same sentence; a count written before its
  noun ("抽调149名监管专员", and a planned one: "计划开展2次专题民主监督活动") links to the SUBJECT right after it
  (GUIDELINES §6: the noun a count counts), and so does an amount printed right before what it buys
  ("采购683.1万元救灾物资");
* "A、B…分别 x、y…" and "A、B较上年下降 x、y" pair subjects and values in order;
* the sum closing a "其中" list ("项目总预算1170.00万，其中…，合计1170.00万") restates the total before 其中: it
  links to the total's subject;
* a value inside a REASON links only to a SUBJECT inside it ("…，主要是一般公共预算拨款减少0.98万元"), and a value outside
  every REASON only to a SUBJECT outside them: the gold never relates across a cause's edge;
* a share (占比) links to its part on the left of 占, and to its whole (share-base) when a SUBJECT
  lies between 占 and the percent;
* the relation type follows the value's metric (增减额/增减率 → change-of, 占比 → share-of,
  完成率/执行率 → rate-of, a TARGET → target-of, else value-of);
* a REASON explains the change values of its sentence that lie outside it (reason-for).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from extract.records.attributes import VALUE_LABELS, ValueAttributes
from extract.tag.patterns import PATTERNS
from extract.tag.spans import Relation, Span

RELATION_OF_METRIC = {
    "增减额": "change-of",
    "增减率": "change-of",
    "占比": "share-of",
    "完成率": "rate-of",
    "执行率": "rate-of",
    "指标值": "target-of",
}
CHANGE_METRICS = frozenset({"增减额", "增减率"})
_PLANNED_COUNT = re.compile(rf"(?:约|近)?(?:\d+\s*[-~～至]\s*)?{PATTERNS['count'].pattern}(?:左右)?")
"""A TARGET that is a count, maybe approximate or a range ("2次", "2-3次", "约900件", "30个左右")."""


def relation_type(span: Span, attrs: ValueAttributes) -> str:
    if span.label == "TARGET":
        return "target-of"
    return RELATION_OF_METRIC.get(attrs.metric or "", "value-of")


def _inside(inner: Span, outer: Span) -> bool:
    return outer.start <= inner.start and inner.end <= outer.end and inner is not outer


def _subject_run(text: str, spans: Sequence[Span], subjects: list[int], anchor: int) -> list[int]:
    """The subjects listed right before `anchor`: the last run separated only by 、，和及与 (and each subject's own value:
    "生产安全亡人事故42起,死亡66人,同比下降25%和14.33%"), its last one at most 12 characters before `anchor`."""
    run: list[int] = []
    for i in reversed([i for i in subjects if spans[i].end <= anchor]):
        end = spans[run[-1]].start if run else anchor
        own_value = next((v for v in spans if v.start == spans[i].end and v.end <= end and v.label in VALUE_LABELS), None)
        gap = text[own_value.end if run and own_value else spans[i].end : end]
        if run and not re.fullmatch(r"\s*[、，,和及与]\s*", gap):
            break
        if not run and len(gap) > 12:
            break
        run.append(i)
    return run[::-1]


def _value_lists(text: str, spans: Sequence[Span], values: list[int]) -> list[list[int]]:
    """Runs of two or more values of one label separated only by 、和及与 ("下降 5.1%、 9.8%、36.4%")."""
    runs: list[list[int]] = []
    for v in values:
        last = runs[-1][-1] if runs else None
        if (
            last is not None
            and spans[last].label == spans[v].label
            and re.fullmatch(r"\s*[、和及与]\s*", text[spans[last].end : spans[v].start])
        ):
            runs[-1].append(v)
        else:
            runs.append([v])
    return [run for run in runs if len(run) >= 2]


def _respectively(text: str, spans: Sequence[Span], values: list[int], subjects: list[int]) -> dict[int, int]:
    """value index → subject index where as many subjects are listed as values: "A、B分别为x、y" (the values of
    a label after 分别), and "A、B较上年下降x、y" (a list of values right after a list of subjects)."""
    pairs: dict[int, int] = {}
    for m in re.finditer(r"分别|各(?=为|是|增|减|下|上|占)", text):
        run = _subject_run(text, spans, subjects, m.start())
        if len(run) >= 2:
            by_label: dict[str, list[int]] = {}
            for v in values:
                if spans[v].start >= m.end():
                    by_label.setdefault(spans[v].label, []).append(v)
            for group in by_label.values():
                if len(group) == len(run):
                    pairs.update(zip(group, run, strict=True))
    for group in _value_lists(text, spans, values):
        run = _subject_run(text, spans, subjects, spans[group[0]].start)
        if len(run) == len(group) and not any(v in pairs for v in group):
            pairs.update(zip(group, run, strict=True))
    return pairs


def _counts_noun_after(text: str, spans: Sequence[Span], value: Span, left: list[int], after: int) -> bool:
    """A count (a QUANTITY, or a TARGET that is a bare count: a plan's "2次") written right before its noun
    ("抽调149名监管专员", "170人的疫情应急分队"), not after its subject ("正高级职称795人、副高级职称1,336人"): the noun follows
    at once (or after 的) and, if a subject comes before, it is not the 为/是 of a value (为 opening a clause is a verb:
    "…，为8个产煤县配备了"). A count between two names counts the one after it ("省、市900余个行政事业单位",
    "开发区100户达标企业")."""
    if value.label not in ("QUANTITY", "TARGET") or text[value.end : spans[after].start] not in ("", "的"):
        return False
    if value.label == "TARGET" and not _PLANNED_COUNT.fullmatch(value.text.strip()):
        return False
    if not left:
        return True
    gap = text[spans[left[-1]].end : value.start]
    return not re.search(r"(?<![，,；;])[为是:：]\s*$", gap)


_SUM_CLAUSE = re.compile(r"\s*(?:合计|总计|共计)\s*(?:为)?\s*")
_CLAUSE_MARKS = "，,；;。：:"


def _sum_of(text: str, spans: Sequence[Span], values: list[int], value: Span) -> int | None:
    """The total (the last amount before "其中") that an amount closing the list under it restates: "…，合计1170.00万"
    opening its own clause."""
    clause_start = max(text.rfind(mark, 0, value.start) for mark in _CLAUSE_MARKS) + 1
    if value.label != "AMOUNT" or not _SUM_CLAUSE.fullmatch(text, clause_start, value.start):
        return None
    part_of = text.rfind("其中", 0, clause_start)
    totals = [i for i in values if spans[i].label == "AMOUNT" and spans[i].end <= part_of]
    return totals[-1] if part_of >= 0 and totals else None


_SPENT_ON = re.compile(r"的?|采购|购置|购买|(?:主要)?用于")


def _buys_noun_after(text: str, spans: Sequence[Span], value: Span, left: list[int], after: int) -> bool:
    """An amount printed right before the item it buys ("采购683.1万元救灾物资", "投入268.1万元采购防汛装备",
    "增加了40万元的检察办案费预算", "30万元用于基建工程项目审计"),
    where no subject precedes it in its clause ("市本级投资340万建设…工程": what it builds)."""
    return (
        value.label == "AMOUNT"
        and bool(_SPENT_ON.fullmatch(text, value.end, spans[after].start))
        and not (left and not re.search(r"[，,；;。]", text[spans[left[-1]].end : value.start]))
    )


def _share_bases(
    text: str, spans: Sequence[Span], values: list[int], subjects: list[int], attrs: dict[int, ValueAttributes]
) -> set[int]:
    """The subjects named as the whole of a share, between 占 and its percent ("基本支出预算2476260.58元，占|一般公共预算支出|的
    84.06%，同比减少4966.66元"): the values after the share are still the part's ("同比减少" is 基本支出's change)."""
    bases = set()
    for v in values:
        zhan = text.rfind("占", 0, spans[v].start)
        if attrs[v].metric == "占比" and zhan >= 0 and not re.search(r"[，,；;。]", text[zhan : spans[v].start]):
            bases.update(i for i in subjects if zhan < spans[i].start and spans[i].end <= spans[v].start)
    return bases


_CLOSING = re.compile(r"[）)]")


def _aside_before(text: str, subject: Span, position: int) -> bool:
    """Whether `subject` stands in brackets closed before `position`: an aside ("国内公务接待共312批次（其中外事接待0批次），
    4228人次" — the 人次 are of 国内公务接待, not of the aside's 外事接待)."""
    opened = max(text.rfind("（", 0, subject.start), text.rfind("(", 0, subject.start))
    if opened < 0 or _CLOSING.search(text, opened, subject.start):
        return False
    closed = _CLOSING.search(text, subject.end)
    return closed is not None and closed.end() <= position


def link(text: str, spans: Sequence[Span], attrs: dict[int, ValueAttributes]) -> list[Relation]:
    """Relations of one sentence; `attrs` gives the attributes of every value span (by index)."""
    subjects = [i for i, s in enumerate(spans) if s.label == "SUBJECT"]
    values = [i for i, s in enumerate(spans) if s.label in VALUE_LABELS]
    paired = _respectively(text, spans, values, subjects)
    bases = _share_bases(text, spans, values, subjects, attrs)
    reasons = [s for s in spans if s.label == "REASON"]
    relations: list[Relation] = []
    for v in values:
        span = spans[v]
        kind = relation_type(span, attrs[v])
        if v in paired:
            relations.append(Relation(v, paired[v], kind))
            continue
        total = _sum_of(text, spans, values, span)
        of_total = next((r.tail for r in relations if r.head == total and r.type != "share-base"), None)
        if of_total is not None:
            relations.append(Relation(v, of_total, kind))
            continue
        cause = next((r for r in reasons if _inside(span, r)), None)
        causes = reasons if cause is None else [cause]
        candidates = [i for i in subjects if any(_inside(spans[i], r) for r in causes) == (cause is not None)]
        left = [
            i
            for i in candidates
            if spans[i].end <= span.start
            and (kind == "share-of" or i not in bases)
            and not _aside_before(text, spans[i], span.start)
        ]
        right = [i for i in candidates if spans[i].start >= span.end]
        if kind == "share-of":
            zhan = text.rfind("占", 0, span.start)
            base = [i for i in left if zhan >= 0 and spans[i].start > zhan]
            part = [i for i in left if zhan < 0 or spans[i].end <= zhan]
            if base:
                relations.append(Relation(v, base[-1], "share-base"))
            if part:
                relations.append(Relation(v, part[-1], kind))
            continue
        noun_after = right and (
            _counts_noun_after(text, spans, span, left, right[0]) or _buys_noun_after(text, spans, span, left, right[0])
        )
        if noun_after:
            relations.append(Relation(v, right[0], kind))
        elif left:
            relations.append(Relation(v, left[-1], kind))
        elif right and span.label != "TARGET" and not re.search(r"[，,；;。]", text[span.end : spans[right[0]].start]):
            relations.append(Relation(v, right[0], kind))
    for r, reason in enumerate(spans):
        if reason.label != "REASON":
            continue
        for v in values:
            if attrs[v].metric in CHANGE_METRICS and not _inside(spans[v], reason) and spans[v].end <= reason.start:
                relations.append(Relation(r, v, "reason-for"))
    return relations
