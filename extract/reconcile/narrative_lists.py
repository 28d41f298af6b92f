"""Narrative checks that need no table: lists against their whole, comparisons against their numbers,
and a figure against its own restatement.

N005  the amounts listed under a whole ("收入预算总计13,377.11万元。包括：1.…2.…") cannot add up to more
      than it (a list may leave parts out, so falling short is not a finding).
N006  the changes listed under a change ("减少23,616.80万元。其中：财政拨款收入增加…，其他收入减少…") add up
      to it with their signs. A list that does not add up is flagged only when reversing exactly one
      direction word makes it add up — then that word is the error; otherwise the list may be partial.
N007  a comparison stated in words ("决算数小于预算数") holds for the 决算数 and 预算数 just stated.
N008  an amount stated twice for the same line (same scope, same family) is stated the same way.
N009  a reason that ends by restating the direction of the spending ("…基数调整，支出增加") agrees with the
      change it explains.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator

from extract.model import DocumentKind, NarrativeRecord
from extract.reconcile.engine import Outcome, Verdict, check
from extract.reconcile.intervals import Interval, interval_sum
from extract.reconcile.narrative import (
    RESTATEMENT_SPAN,
    record_evidence,
    scope_of,
    sentence_evidence,
    sentence_of,
    stated_interval,
    subject_key,
)
from extract.reconcile.views import DocIndex
from extract.records.parts import kind_of, start

_DIRECTION_SIGN = {"增加": 1.0, "减少": -1.0}
_TOTAL = re.compile(r"(?:其中)?[：:]?(?:合计|总计|小计)")
"""A 合计 at the end of a list restates the whole."""
_TOTAL_BEFORE = re.compile(r"(?:^|[，,；;、：:\s])(?:合计|总计|小计|共计)[为是：:]?\s*$")
"""合计 standing alone before a value ("…，合计1170.00万"), not the end of a name ("财政拨款收入预算总计")."""


def _restates_total(record: NarrativeRecord, texts: dict[str, str]) -> bool:
    """A listed member that is the list's own 合计: by its subject, or by the word printed just before its
    value (the tagger may have given "合计1170.00万" no subject of its own)."""
    if _TOTAL.fullmatch(record.subject or ""):
        return True
    return bool(_TOTAL_BEFORE.search(texts.get(record.sentence_id, "")[: start(record)]))


def _parts(index: DocIndex, kind: str) -> dict[str, list[NarrativeRecord]]:
    texts = {s.sentence_id: s.text for s in index.doc.sentences}
    groups: dict[str, list[NarrativeRecord]] = defaultdict(list)
    for r in index.doc.records:
        if r.part_of and kind_of(r) == kind and not _restates_total(r, texts):
            groups[r.part_of].append(r)
    return groups


def _yuan(interval: Interval) -> str:
    return f"{interval.mid:,.2f} 元"


@check(
    "N005.listed_parts_within_whole",
    description="The amounts listed under a whole (其中 / 包括 …) add up to no more than the whole",
    inputs=("narrative",),
)
def listed_parts_within_whole(index: DocIndex) -> Iterator[Outcome]:
    by_id = {r.record_id: r for r in index.doc.records}
    groups = [(by_id[whole_id], parts) for whole_id, parts in _parts(index, "level").items()]
    for whole, all_parts in groups:
        if "收支" not in (whole.subject or ""):
            yield from _within_whole(index, whole, all_parts)
            continue
        by_side: dict[str, list[NarrativeRecord]] = defaultdict(list)
        for part in all_parts:  # a 收支 total is listed once per side, one clause each ("…；…。")
            by_side[part.sentence_id].append(part)
        for parts in by_side.values():
            yield from _within_whole(index, whole, parts)


def _within_whole(index: DocIndex, whole: NarrativeRecord, parts: list[NarrativeRecord]) -> Iterator[Outcome]:
    intervals = [stated_interval(p) for p in parts]
    whole_i = stated_interval(whole)
    if whole_i is None or any(i is None for i in intervals):
        return
    total = interval_sum(i for i in intervals if i is not None)
    complete = _shares_make_whole(index.doc.records, parts)
    ok = total.meets(whole_i) if complete else total.lo <= whole_i.hi
    names = "、".join(p.subject or p.raw for p in parts)
    yield Verdict(
        f"“{whole.subject}”下所列各项（{names}）",
        f"the parts listed under “{whole.subject}” ({names})",
        ok,
        expected=f"合计不超过 {whole.raw}",
        found=f"合计 {_yuan(total)}",
        evidence=(record_evidence(whole, "whole"), *(record_evidence(p, "part") for p in parts)),
        why_zh="所列各项之和超过了总数。" if total.lo > whole_i.hi else "各项占比合计100%，金额之和却与总数不符。",
        why_en="The listed parts add up to more than the whole."
        if total.lo > whole_i.hi
        else "The parts' shares add up to 100% but their amounts do not add up to the whole.",
    )


def _shares_make_whole(records: list[NarrativeRecord], parts: list[NarrativeRecord]) -> bool:
    """Whether a list is complete: every part states its share and the shares add up to 100 % (each ± one unit
    of its last digit, as a derived percent is rounded or cut)."""
    shares = []
    for part in parts:
        share = next(
            (
                r
                for r in records
                if r.sentence_id == part.sentence_id and r.subject == part.subject and r.metric == "占比" and r.ratio is not None
            ),
            None,
        )
        if share is None:
            return False
        shares.append(Interval.around(share.ratio or 0.0, 10**-share.decimals / 100))
    return interval_sum(shares).contains(1.0)


def _signed(record: NarrativeRecord) -> Interval | None:
    interval = stated_interval(record)
    sign = _DIRECTION_SIGN.get(record.direction or "")
    return None if interval is None or sign is None else interval * sign


def _whole_is_one_part(records: list[NarrativeRecord], whole: NarrativeRecord, part: NarrativeRecord) -> bool:
    """A one-item change list is complete when that item's level is listed under the whole's level and equals it
    ("财政拨款支出预算9,628.22万元 … 其中一般公共预算拨款支出预算9,628.22万元")."""

    def level_of(r: NarrativeRecord) -> NarrativeRecord | None:
        return next(
            (x for x in records if x.sentence_id == r.sentence_id and x.subject == r.subject and kind_of(x) == "level"), None
        )

    whole_level, part_level = level_of(whole), level_of(part)
    if whole_level is None or part_level is None or part_level.part_of != whole_level.record_id:
        return False
    a, b = stated_interval(whole_level), stated_interval(part_level)
    return a is not None and b is not None and a.meets(b)


@check(
    "N006.listed_changes_add_up",
    description="The changes listed under a change add up to it, each with the sign of its direction word",
    inputs=("narrative",),
)
def listed_changes_add_up(index: DocIndex) -> Iterator[Outcome]:
    records = index.doc.records
    by_id = {r.record_id: r for r in records}
    for whole_id, parts in _parts(index, "change").items():
        whole = by_id[whole_id]
        whole_i, signed = _signed(whole), [_signed(p) for p in parts]
        if whole_i is None or any(s is None for s in signed):
            continue
        total = interval_sum(s for s in signed if s is not None)
        evidence = (record_evidence(whole, "whole"), *(record_evidence(p, "part") for p in parts))
        subject_zh, subject_en = f"“{whole.subject}”的变动与所列各项变动", f"the change of “{whole.subject}” and its listed parts"
        if total.meets(whole_i):
            yield Verdict(subject_zh, subject_en, True, expected="", found=f"{_yuan(total)}", evidence=evidence)
            continue
        if len(parts) < 2 and not _whole_is_one_part(records, whole, parts[0]):
            continue  # a short list that does not add up may simply leave items out
        wrong = [p for p, s in zip(parts, signed, strict=True) if s is not None and (total - s * 2.0).meets(whole_i)]
        if (-total).meets(whole_i):
            wrong.append(whole)
        if not wrong:
            continue
        words = "、".join(f"“{w.subject}”{w.direction}{w.raw}" for w in wrong)
        yield Verdict(
            subject_zh,
            subject_en,
            False,
            expected=f"各项带符号之和 = {whole.direction}{whole.raw}",
            found=f"{_yuan(total)}",
            evidence=tuple(e for w in wrong for e in (record_evidence(w, "suspect"), *sentence_of(index, w))) + evidence,
            why_zh=f"把{words}的增减方向反过来，各项才与总变动相符。",
            why_en=f"Only with the direction of {words} reversed do the parts add up to the whole change.",
        )


_STATEMENT = re.compile(r"决算数?(?:为|是)?\s*(大于|小于|高于|低于|超过|超出|等于)\s*(年初|全年|调整)?预算数?")
_ABOVE = frozenset({"大于", "高于", "超过", "超出"})
_LOOKBACK = 8
_BUDGET_METRICS = {"年初": ("预算数",), "全年": ("全年预算数",), "调整": ("全年预算数",), None: ("预算数", "全年预算数")}
"""Which stated budget a statement compares with: a bare 预算数 may mean the initial or the adjusted one."""


def _budget_and_actual(
    records: list[NarrativeRecord], sentence_ids: list[str], metrics: tuple[str, ...]
) -> tuple[list[NarrativeRecord], NarrativeRecord] | None:
    """The nearest sentence (latest first) stating a 决算数 and a budget of one subject."""
    for sid in reversed(sentence_ids):
        own = [r for r in records if r.sentence_id == sid and r.label == "AMOUNT" and r.subject]
        for actual in own:
            if actual.metric != "决算数":
                continue
            budgets = [r for r in own if r.subject == actual.subject and r.metric in metrics]
            if budgets:
                return budgets, actual
    return None


def _holds(word: str, actual: Interval, budget: Interval) -> bool:
    if word in _ABOVE:
        return actual.hi > budget.lo
    return actual.meets(budget) if word == "等于" else actual.lo < budget.hi


@check(
    "N007.stated_comparison_holds",
    description="A comparison stated in words (决算数大于/小于/等于预算数) holds for the numbers just stated",
    inputs=("narrative",),
)
def stated_comparison_holds(index: DocIndex) -> Iterator[Outcome]:
    sentences, records = index.doc.sentences, index.doc.records
    for k, sentence in enumerate(sentences):
        m = _STATEMENT.search(sentence.text)
        if m is None:
            continue
        window = [s.sentence_id for s in sentences[max(0, k - _LOOKBACK) : k + 1] if s.section_path == sentence.section_path]
        found = _budget_and_actual(records, window, _BUDGET_METRICS[m.group(2)])
        actual_i = stated_interval(found[1]) if found else None
        if found is None or actual_i is None:
            continue
        budgets, actual = found
        word = m.group(1)
        ok = any(_holds(word, actual_i, b) for b in (stated_interval(r) for r in budgets) if b is not None)
        stated = "、".join(b.raw for b in budgets)
        yield Verdict(
            f"“{actual.subject}”决算数{word}预算数",
            f"“{actual.subject}”: 决算数 {word} 预算数",
            ok,
            expected=f"决算数 {actual.raw} {word} 预算数 {stated}",
            found=m.group(0),
            evidence=(
                sentence_evidence(sentence),
                record_evidence(actual, "actual"),
                *(record_evidence(b, "budget") for b in budgets),
            ),
            why_zh=f"决算数 {actual.raw}、预算数 {stated} 与“{m.group(0)}”的说法不符。",
            why_en=f"With 决算数 {actual.raw} and 预算数 {stated} the statement “{m.group(0)}” does not hold.",
        )


_MIN_KEY = 3
"""Shorter subjects ("支出", "收入") name no single line."""


@check(
    "N008.restated_amount_matches",
    description="An amount stated twice for the same line, in the same scope, is the same both times",
    inputs=("narrative",),
)
def restated_amount_matches(index: DocIndex) -> Iterator[Outcome]:
    first: dict[tuple, NarrativeRecord] = {}
    budget = index.doc.meta.kind in (DocumentKind.BUDGET, DocumentKind.UNIT_BUDGET)
    default_metric = "预算数" if budget else "决算数"  # an amount stated as such, in this kind of document
    for record in index.doc.records:
        interval = stated_interval(record)
        if kind_of(record) != "level" or interval is None or record.subject_from_context or not record.subject:
            continue
        key = subject_key(record.subject)
        if len(key) < _MIN_KEY:
            continue
        slot = (key, scope_of(record), record.metric or default_metric)
        earlier = first.setdefault(slot, record)
        if earlier is record or earlier.sentence_id == record.sentence_id:
            continue
        earlier_i = stated_interval(earlier)
        if earlier_i is None:
            continue
        if earlier_i.meets(interval):
            yield Verdict(
                f"“{record.subject}”的金额（重复说明）",
                f"the amount of “{record.subject}”, stated again",
                True,
                expected=earlier.raw,
                found=record.raw,
                evidence=(record_evidence(record, "restated"), record_evidence(earlier, "first stated")),
            )
        elif abs(earlier_i.mid - interval.mid) <= RESTATEMENT_SPAN * max(abs(earlier_i.mid), 1.0):
            yield Verdict(
                f"“{record.subject}”的金额（重复说明）",
                f"the amount of “{record.subject}”, stated again",
                False,
                expected=earlier.raw,
                found=record.raw,
                evidence=(record_evidence(record, "restated"), record_evidence(earlier, "first stated")),
                why_zh="同一项目在说明中前后两处金额不一致。",
                why_en="The narrative states two different amounts for the same line.",
            )


_REASON_SAYS = re.compile(r"(?:支出|经费|费用)(?:相应)?(增加|减少)等?$")
"""A reason that ends by restating the direction of the spending it explains ("…基数调整，支出增加。")."""


@check(
    "N009.reason_direction_matches",
    description="A reason that restates the direction of the change it explains (…，支出增加) agrees with that change",
    inputs=("narrative",),
)
def reason_direction_matches(index: DocIndex) -> Iterator[Outcome]:
    seen: set[tuple[str, str]] = set()
    for record in index.doc.records:
        if record.metric != "增减额" or record.direction not in _DIRECTION_SIGN or not record.reason:
            continue
        said = _REASON_SAYS.search(record.reason.rstrip("。；;. "))
        if said is None or (record.sentence_id, record.reason) in seen:
            continue
        seen.add((record.sentence_id, record.reason))
        where = [sentence_evidence(s) for s in index.doc.sentences if record.reason in s.text][:1]
        yield Verdict(
            f"“{record.subject}”变动的原因说明",
            f"the reason given for the change of “{record.subject}”",
            said.group(1) == record.direction,
            expected=f"原因中的方向与{record.direction}{record.raw}一致",
            found=said.group(0),
            evidence=(record_evidence(record, "change"), *sentence_of(index, record), *where),
            why_zh=f"变动为{record.direction}，原因却说“{said.group(0)}”。",
            why_en=f"The change is a {record.direction} but its reason says “{said.group(0)}”.",
        )
