"""Records from tagged sentences: one record per value (AMOUNT / PERCENT / QUANTITY / TARGET) with its
subject, metric, direction, period, reason and target.

Within a sentence the links come from `extract.records.link`. Across sentences two things are carried,
because budget prose splits one statement over several sentences:
* a change with no subject in its sentence ("与上年相比增加1,670.85万元，增长13.56%。") takes the
  subject of the previous sentence's last record (flagged `subject_from_context`);
* a sentence that only gives a reason ("主要原因是…") explains the change records of the sentence
  before it (only those of the subject it names, if it names one: "学校其他收入与上年比较发生较大差异的原因是…").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from extract.model import BBox, Document, Mention, NarrativeRecord, NarrativeSentence
from extract.records.attributes import (
    LEVEL_METRIC_OF_KIND,
    VALUE_LABELS,
    ValueAttributes,
    default_metric,
    value_attributes,
    with_default_metric,
)
from extract.records.ground import ground_records, table_cells
from extract.records.link import CHANGE_METRICS, link
from extract.records.parts import link_parts
from extract.records.subjects import ground_subjects
from extract.records.values import parse_value
from extract.tag.spans import Relation, Span

CARRIED_CONFIDENCE = 0.8
"""Confidence factor of a record whose subject comes from an earlier sentence."""


@dataclass
class TaggedSentence:
    sentence_id: str
    text: str
    spans: list[Span]
    section_path: str = ""
    page: int | None = None
    bbox: BBox | None = None
    origin: str = "narrative"
    relations: list[Relation] | None = None
    """Given relations (gold); None → linked by rules."""
    attrs: dict[int, ValueAttributes] = field(default_factory=dict)
    """Given value attributes (gold); missing → read by rules."""


def mention_id(sentence_id: str, span: Span) -> str:
    return f"{sentence_id}:{span.start}-{span.end}"


def sentence_records(sent: TaggedSentence, report_year: int | None = None, kind: str | None = None) -> list[NarrativeRecord]:
    """The records of one sentence; `kind` (部门决算, 部门预算, …) gives a plain level its default metric."""
    spans = sent.spans
    table_row = sent.origin == "table_row" or " | " in sent.text
    budget = LEVEL_METRIC_OF_KIND.get(kind or "") == "预算数"
    default = None if table_row else default_metric(kind, sent.section_path)
    attrs = {
        i: sent.attrs.get(i)
        or with_default_metric(
            value_attributes(sent.text, spans, s, table_row=table_row, report_year=report_year, budget=budget), s, spans, default
        )
        for i, s in enumerate(spans)
        if s.label in VALUE_LABELS
    }
    relations = sent.relations if sent.relations is not None else link(sent.text, spans, attrs)
    subject_of: dict[int, tuple[int, str]] = {}
    base_of: dict[int, int] = {}
    reasons: dict[int, int] = {}
    for r in relations:
        if r.type == "share-base":
            base_of[r.head] = r.tail
        elif r.type == "reason-for":
            reasons.setdefault(r.tail, r.head)
        else:
            subject_of.setdefault(r.head, (r.tail, r.type))
    target_of_subject = {t: spans[v].text for v, (t, kind) in subject_of.items() if kind == "target-of"}
    records = []
    for i, span in enumerate(spans):
        if span.label not in VALUE_LABELS:
            continue
        a = attrs[i]
        parsed = parse_value(span.text + _shared_unit(sent.text, spans, i), span.label)
        subject = subject_of.get(i)
        involved = [span] + ([spans[subject[0]]] if subject else [])
        records.append(
            NarrativeRecord(
                record_id=mention_id(sent.sentence_id, span),
                sentence_id=sent.sentence_id,
                section_path=sent.section_path,
                sentence=sent.text,
                subject=spans[subject[0]].text if subject else None,
                metric=a.metric,
                relation=subject[1] if subject else "value-of",
                label=span.label,
                raw=span.text,
                value=parsed.value if parsed else None,
                unit=parsed.unit if parsed else None,
                decimals=parsed.decimals if parsed else 0,
                value_yuan=parsed.value_yuan if parsed else None,
                ratio=parsed.ratio if parsed else None,
                period=a.period,
                direction=a.direction,
                base=spans[base_of[i]].text if i in base_of else None,
                reason=spans[reasons[i]].text if i in reasons else None,
                target=target_of_subject.get(subject[0]) if subject and span.label != "TARGET" else None,
                confidence=round(min(s.confidence for s in involved), 4),
                page=sent.page,
                bbox=sent.bbox,
                mention_ids=[mention_id(sent.sentence_id, s) for s in involved],
            )
        )
    return records


def _shared_unit(text: str, spans: Sequence[Span], i: int) -> str:
    """The unit of the amount that a bare number listed before it shares ("各是4125.49，4143.91万元": 万元), else ""."""
    if spans[i].label != "AMOUNT" or not spans[i].text[-1:].isdigit():
        return ""
    end = spans[i].end
    for s in spans[i + 1 :]:
        if s.label != "AMOUNT" or not re.fullmatch(r"\s*[、，,]\s*", text[end : s.start]):
            return ""
        parsed = parse_value(s.text, "AMOUNT")
        if parsed and parsed.unit:
            return parsed.unit
        end = s.end
    return ""


def document_records(
    sentences: Sequence[TaggedSentence], report_year: int | None = None, kind: str | None = None
) -> list[NarrativeRecord]:
    """Records of a document's sentences in reading order, with subjects and reasons carried across."""
    out: list[NarrativeRecord] = []
    previous: list[NarrativeRecord] = []
    previous_section = None
    for sent in sentences:
        records = sentence_records(sent, report_year, kind)
        if sent.section_path != previous_section:
            previous = []
        for record in records:
            if record.subject is None and record.metric in CHANGE_METRICS and previous:
                donor = next((p for p in reversed(previous) if p.subject), None)
                if donor:
                    record.subject = donor.subject
                    record.relation = "change-of"
                    record.subject_from_context = True
                    record.confidence = round(record.confidence * CARRIED_CONFIDENCE, 4)
        reasons = [s for s in sent.spans if s.label == "REASON"]
        if reasons and not records and previous:
            for record in _explained(previous, sent.text[: reasons[0].start]):
                record.reason = record.reason or reasons[0].text
        out.extend(records)
        if records:
            previous = records
        previous_section = sent.section_path
    link_parts(sentences, out)
    return out


def _explained(records: Sequence[NarrativeRecord], named: str = "") -> list[NarrativeRecord]:
    """The records a stand-alone reason sentence explains: the changes (of the subject the sentence names before its
    reason, "学校其他收入与上年比较发生较大差异的原因是…", when it names one of them), else the last record."""
    changes = [r for r in records if r.metric in CHANGE_METRICS]
    of_named = [r for r in changes if r.subject and r.subject in named]
    return of_named or changes or list(records[-1:])


def build_records(doc: Document) -> None:
    """Fill `doc.records` from `doc.sentences` and `doc.mentions` (the tag stage's output): classification chains
    that name a row of the document's tables made whole SUBJECTs (in `doc.mentions` too, tagger "tables"), and each
    amount linked to the cell it restates."""
    by_sentence: dict[str, list[Span]] = {}
    for m in doc.mentions:
        by_sentence.setdefault(m.sentence_id, []).append(Span(m.start, m.end, m.label, m.text, m.confidence))
    cells = table_cells([doc])
    sentences = []
    for s in doc.sentences:
        tagged = by_sentence.get(s.sentence_id, [])
        grounded = ground_subjects(s.text, tagged, cells)
        if grounded != tagged:
            _replace_mentions(doc, s, tagged, grounded)
        sentences.append(TaggedSentence(s.sentence_id, s.text, grounded, s.section_path, s.page, s.bbox))
    doc.records = document_records(sentences, doc.meta.year, doc.meta.kind.value)
    ground_records(doc.records, cells)
    placed = {m.mention_id: m for m in doc.mentions if m.bbox}
    sentence_locators = {s.sentence_id: s.locator for s in doc.sentences}
    for record in doc.records:  # point at the value's own line rather than the whole sentence
        value = placed.get(record.mention_ids[0])
        record.locator = sentence_locators.get(record.sentence_id)
        if value is not None:
            record.page, record.bbox, record.locator = value.page, value.bbox, value.locator


def _replace_mentions(doc: Document, sentence: NarrativeSentence, tagged: list[Span], grounded: list[Span]) -> None:
    """Keep `doc.mentions` the spans the records were built from: the SUBJECTs a grounded chain replaced out, the chain in."""
    dropped = {mention_id(sentence.sentence_id, span) for span in tagged if span not in grounded}
    doc.mentions = [m for m in doc.mentions if m.mention_id not in dropped]
    doc.mentions += [
        Mention(
            mention_id=mention_id(sentence.sentence_id, span),
            sentence_id=sentence.sentence_id,
            label=span.label,
            start=span.start,
            end=span.end,
            text=span.text,
            confidence=span.confidence,
            tagger="tables",
            page=sentence.page,
            bbox=sentence.bbox,
            locator=sentence.locator,
        )
        for span in grounded
        if span not in tagged
    ]
