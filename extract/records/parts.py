"""Which whole a listed amount is part of: "支出预算557,259.13万元，其中：教育支出434,334.99万元…".

Budget prose lists the parts of a total after 其中 / 包括, or after "X中，" naming the whole
("财政拨款支出预算中，一般公共预算拨款支出预算…"). A list runs
* inline, to the end of the Chinese sentence: clauses split at "；" continue it, "。" ends it, and so does a
  clause that turns from income to expenditure ("收支总预算…，其中本年收入预算…；本年支出预算…");
* or, when the marker closes its sentence ("其中：" / "包括：") or is followed by a numbered item
  ("其中：（一）…"), over the numbered items of that level ("（一）…（二）…" or "1.…2.…"): the first amount of
  each item is a part; unnumbered sentences and deeper items (a nested "其中：", "（1）" under "1.")
  are skipped, a higher-level item ("（二）" after "1.") ends the list.
Levels are parts of a level, changes (增减额) parts of a change: each record gets `part_of`, the
record_id of the last amount of its own kind before the marker. A nested marker inside a list starts a
list of its own, which ends with its clause.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from extract.model import NarrativeRecord

if TYPE_CHECKING:
    from extract.records.build import TaggedSentence

LEVEL_METRICS = (None, "决算数", "预算数", "执行数", "全年预算数")
_MARKER = re.compile(r"其中|包括")
_WHOLE_NAMED = re.compile(r"^\s*([^，,。；;：:]{2,24}?)中[，,：:]")
_ITEM = re.compile(r"^\s*(?:([一二三四五六七八九十]+、)|(（[一二三四五六七八九十]+）)|(\d+[.．、])|([（(]\d+[)）])|([①-⑳]))")
"""Item numbering, in the conventional order of levels: 一、 > （一） > 1. > （1） > ①."""
_CLAUSE_END = re.compile(r"[；;]")


def kind_of(record: NarrativeRecord) -> str | None:
    """ "level" (an amount as such), "change" (增减额) or None (anything else: percents, prior-year levels)."""
    if record.label != "AMOUNT":
        return None
    if record.metric == "增减额":
        return "change"
    if record.metric in LEVEL_METRICS and not record.period:
        return "level"
    return None


def start(record: NarrativeRecord) -> int:
    """The record's value offset in its sentence (from its mention id "sentence:start-end")."""
    return int(record.mention_ids[0].rsplit(":", 1)[1].split("-")[0]) if record.mention_ids else 0


def item_style(text: str) -> int | None:
    """Which numbering level a sentence starts with (0 = 一、 … 4 = ①), None when unnumbered."""
    m = _ITEM.match(text)
    return next(i for i, g in enumerate(m.groups()) if g) if m else None


def _wholes(candidates: Sequence[NarrativeRecord], named: str | None = None) -> dict[str, NarrativeRecord]:
    """The last level and the last change before a marker (of the subject the marker names, if it names one)."""
    out: dict[str, NarrativeRecord] = {}
    for r in candidates:
        kind = kind_of(r)
        if kind and (named is None or (r.subject and r.subject in named)):
            out[kind] = r
    return out


def _attach(wholes: dict[str, NarrativeRecord], members: Sequence[NarrativeRecord]) -> None:
    for r in members:
        whole = wholes.get(kind_of(r) or "")
        if whole is not None and r.part_of is None and r is not whole:
            r.part_of = whole.record_id


def link_parts(sentences: Sequence[TaggedSentence], records: Sequence[NarrativeRecord]) -> None:
    """Set `part_of` on every record listed under a whole (see the module docstring)."""
    by_sentence: dict[str, list[NarrativeRecord]] = {}
    for r in records:
        by_sentence.setdefault(r.sentence_id, []).append(r)
    for i, sent in enumerate(sentences):
        own = by_sentence.get(sent.sentence_id, [])
        previous = [s for s in sentences[max(i - 1, 0) : i] if s.section_path == sent.section_path]
        before = by_sentence.get(previous[0].sentence_id, []) if previous else []
        named = _WHOLE_NAMED.match(sent.text)
        if named and before and not _MARKER.match(sent.text.strip()):
            wholes = _wholes(before, named.group(1))
            if wholes:
                _attach(wholes, _clause_run(sentences, i, by_sentence, 0))
        for m in _MARKER.finditer(sent.text):
            ahead = [r for r in own if start(r) < m.start()]
            opens_sentence = not sent.text[: m.start()].strip("（(1234567890.．、 ")
            wholes = _wholes(ahead) if ahead else (_wholes(before) if opens_sentence else {})
            if not wholes:
                continue
            inline = [r for r in own if start(r) > m.end()]
            level = item_style(sent.text[m.end() :].lstrip("：:，, "))
            if inline and level is not None:  # "其中：（一）…。（二）…。": the first item opens the numbered list
                first = [r for r in inline if kind_of(r)][:1]
                _attach(wholes, [*first, *_item_run(sentences, i, by_sentence, level)])
            elif inline:
                _attach(wholes, _clause_run(sentences, i, by_sentence, m.end()))
            else:
                _attach(wholes, _item_run(sentences, i, by_sentence))


def _clause_run(
    sentences: Sequence[TaggedSentence], i: int, by_sentence: dict[str, list[NarrativeRecord]], offset: int
) -> list[NarrativeRecord]:
    """The records after `offset` in sentence i and in the sentences its "；" continues, up to a nested marker's clause."""
    out: list[NarrativeRecord] = []
    j = i
    while j < len(sentences) and sentences[j].section_path == sentences[i].section_path:
        text = sentences[j].text
        lo = offset if j == i else 0
        for r in by_sentence.get(sentences[j].sentence_id, []):
            at = start(r)
            if at < lo:
                continue
            nested = [m.end() for m in _MARKER.finditer(text, lo, at)]
            if nested and not _CLAUSE_END.search(text, nested[-1], at):
                continue  # inside a nested list: a part of a part
            out.append(r)
        if not text.rstrip().endswith(("；", ";")):
            break
        j += 1
        if j < len(sentences) and _turns_side(out, by_sentence.get(sentences[j].sentence_id, [])):
            break
    return out


def _side(record: NarrativeRecord) -> str | None:
    """收入 or 支出, by the record's subject or, without one, by the words of its clause before the value."""
    at = start(record)
    name = record.subject or re.split(r"[，,；;。：:]", record.sentence[:at])[-1]
    return "收入" if "收入" in name else "支出" if "支出" in name else None


def _turns_side(listed: Sequence[NarrativeRecord], clause: Sequence[NarrativeRecord]) -> bool:
    """Whether a "；" clause turns from income to expenditure (or back): "收支总预算…，其中本年收入预算…；本年
    支出预算…" gives two breakdowns of one total, not one list."""
    sides = {_side(r) for r in listed} - {None}
    first = next((_side(r) for r in clause if kind_of(r)), None)
    return first is not None and bool(sides) and first not in sides


def _item_run(
    sentences: Sequence[TaggedSentence],
    i: int,
    by_sentence: dict[str, list[NarrativeRecord]],
    level: int | None = None,
    limit: int = 20,
) -> list[NarrativeRecord]:
    """The first amount of each numbered item after sentence i at the level of the first one; deeper items
    (a nested list) are skipped, a higher one ends the list."""
    out: list[NarrativeRecord] = []
    for sent in sentences[i + 1 : i + 1 + limit]:
        if sent.section_path != sentences[i].section_path:
            break
        current = item_style(sent.text)
        if current is None:
            continue
        if level is None:
            level = current
        elif current < level:
            break
        elif current > level:
            continue
        first = next((r for r in by_sentence.get(sent.sentence_id, []) if kind_of(r)), None)
        if first is not None:
            out.append(first)
    return out
