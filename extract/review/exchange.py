"""Reviewed sentences in and out: the `annotations/gold` JSONL, Prodigy JSONL and Label Studio JSON.

* gold — one line per accepted or corrected sentence, as in annotations/gold (text, spans with offsets, relations,
  doc/section provenance) plus `reviewer`, `reviewed_at` and `complete`. Relations are not reviewed in the app: they
  are the record builder's rules applied to the reviewed spans (`relations_by: "rules"`). `links`: the table cells
  of the sentence's reviewed records, shaped like annotations/grounding (label, offsets, text, `cells`: the chosen
  cell as "<doc_id[:16]>/<table_id>/r<row>/c<col>", or none for "no link").
* prodigy — Prodigy's `ner.manual` task format: text, spans, `answer` (accept / reject), `meta` (with `links`), hashes.
* labelstudio — a task list for a `Labels` config over `text` (docs/review.md has the config): the reviewed spans as
  the annotation, the model's as the prediction (with `model_version` and `score`); `data.links` as in gold.

`findings` writes the verdicts on findings instead: one JSONL line per decided finding (check_id, the dataset's
doc_id and finding_id, verdict, note, reviewer, time); it is not imported.

Import reads any of the three sentence formats back and logs each sentence as a decision on the item's current version.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from extract.records.attributes import VALUE_LABELS, value_attributes
from extract.records.link import link
from extract.review.dataset import OutputFolder
from extract.review.decisions import InvalidDecision, decision_after
from extract.review.items import ItemIndex, ReviewItem, dataset_items
from extract.review.links import cell_key
from extract.review.revise import derived_items, saved_revisions
from extract.review.store import Conflict, Entry, ItemState, Store
from extract.tag.spans import Span

FORMATS = ("gold", "prodigy", "labelstudio", "findings")
ACCEPTED = ("accepted", "corrected")
"""The decisions that say what an item is (a rejection says only what it is not)."""


@dataclass
class Reviewed:
    item: ReviewItem
    state: ItemState
    kind: str
    source: str
    links: list[dict] = field(default_factory=list)

    @property
    def payload(self) -> dict:
        return self.state.state["payload"] if self.state.state else {}

    @property
    def spans(self) -> list[dict]:
        return self.payload.get("spans", []) if self.state.status != "rejected" else []


def all_items(folder: OutputFolder) -> ItemIndex:
    """The dataset's items, with the records and findings of the documents revised in review."""
    index = ItemIndex(dataset_items(folder.table))
    for doc_id, doc in saved_revisions(folder).items():
        index.replace(doc_id, {"record", "finding"}, derived_items(doc, {doc_id: doc.parser_version}))
    return index


def grounding_line(item: ReviewItem, payload: dict) -> dict:
    """A reviewed record's link as annotations/grounding writes an amount's cells."""
    start, end = item.context["value_span"]
    link = payload.get("link")
    return {"label": item.suggestion["label"], "start": start, "end": end, "text": item.suggestion["raw"]} | {
        "cells": [cell_key(link)] if link else []
    }


def reviewed_links(index: ItemIndex, store: Store) -> dict[str, list[dict]]:
    """The links of the accepted and corrected records, by sentence_id, in sentence order."""
    out: dict[str, list[dict]] = defaultdict(list)
    for item_id, state in store.states("record").items():
        item = index.get(item_id)
        if item is None or state.status not in ACCEPTED or item.context.get("value_span") is None:
            continue
        out[item.context["sentence_id"]].append(grounding_line(item, state.state["payload"]))
    return {sid: sorted(lines, key=lambda line: (line["start"], line["end"])) for sid, lines in out.items()}


def reviewed_sentences(out_dir: Path) -> list[Reviewed]:
    folder = OutputFolder(out_dir)
    store = Store(folder.root / "review.sqlite")
    states = store.states("sentence")
    index = all_items(folder)
    items = {i.item_id: i for i in index.of_kind("sentence")}
    links = reviewed_links(index, store)
    out = []
    for item_id, state in sorted(states.items(), key=lambda kv: kv[1].ts or 0):
        item = items.get(item_id)
        if item is None or state.status == "open":
            continue
        info = folder.documents.get(item.doc_id)
        source = Path(info.path).name if info else ""
        out.append(Reviewed(item, state, info.kind if info else "", source, links.get(item.ref, [])))
    return out


def relations(text: str, spans: list[dict]) -> list[dict]:
    """The record builder's links between the spans (head/tail are indices into `spans`)."""
    objs = [Span(s["start"], s["end"], s["label"], text[s["start"] : s["end"]]) for s in spans]
    attrs = {i: value_attributes(text, objs, s) for i, s in enumerate(objs) if s.label in VALUE_LABELS}
    return [{"head": r.head, "tail": r.tail, "type": r.type} for r in link(text, objs, attrs)]


def _when(ts: float | None) -> str:
    return datetime.fromtimestamp(ts or 0, UTC).isoformat(timespec="seconds")


def gold_line(r: Reviewed) -> dict:
    spans = [{"start": s["start"], "end": s["end"], "label": s["label"], "text": s["text"]} for s in r.spans]
    return {
        "doc_id": r.item.doc_id[:16],
        "source": r.source,
        "kind": r.kind,
        "section_path": r.item.context.get("section_path", ""),
        "page": r.item.page,
        "sentence_id": r.item.ref,
        "origin": "narrative",
        "text": r.item.text,
        "spans": spans,
        "relations": relations(r.item.text, spans),
        "relations_by": "rules",
        "reviewed": True,
        "complete": bool(r.payload.get("complete", True)),
        "links": r.links,
        "reviewer": r.state.user,
        "reviewed_at": _when(r.state.ts),
        "item_id": r.item.item_id,
    }


def _hash(*parts: str) -> int:
    return int.from_bytes(hashlib.sha1("|".join(parts).encode()).digest()[:4], "big", signed=True)


def prodigy_line(r: Reviewed) -> dict:
    return {
        "text": r.item.text,
        "spans": [{"start": s["start"], "end": s["end"], "label": s["label"]} for s in r.spans],
        "answer": "reject" if r.state.status == "rejected" else "accept",
        "meta": {
            "item_id": r.item.item_id,
            "doc_id": r.item.doc_id,
            "sentence_id": r.item.ref,
            "page": r.item.page,
            "complete": bool(r.payload.get("complete", True)),
            "links": r.links,
        },
        "_input_hash": _hash(r.item.text),
        "_task_hash": _hash(r.item.text, json.dumps(r.spans, sort_keys=True)),
        "_annotator_id": r.state.user,
        "_timestamp": int(r.state.ts or 0),
    }


def _ls_result(spans: list[dict], text: str) -> list[dict]:
    return [
        {
            "id": f"s{k}",
            "from_name": "label",
            "to_name": "text",
            "type": "labels",
            "value": {"start": s["start"], "end": s["end"], "text": text[s["start"] : s["end"]], "labels": [s["label"]]},
        }
        for k, s in enumerate(spans)
    ]


def labelstudio_task(r: Reviewed, n: int) -> dict:
    text = r.item.text
    return {
        "id": n,
        "data": {"text": text, "item_id": r.item.item_id, "doc_id": r.item.doc_id, "sentence_id": r.item.ref, "links": r.links},
        "annotations": [
            {
                "result": _ls_result(r.spans, text),
                "was_cancelled": r.state.status == "rejected",
                "completed_by": r.state.user,
                "created_at": _when(r.state.ts),
                "meta": {"complete": bool(r.payload.get("complete", True))},
            }
        ],
        "predictions": [
            {"model_version": r.item.model_version, "score": r.item.score, "result": _ls_result(r.item.suggestion["spans"], text)}
        ],
    }


def finding_verdicts(out_dir: Path) -> list[dict]:
    """One line per decided finding, in decision order: its verdict, note, reviewer and time."""
    folder = OutputFolder(out_dir)
    store = Store(folder.root / "review.sqlite")
    index = all_items(folder)
    lines = []
    for item_id, state in sorted(store.states("finding").items(), key=lambda kv: kv[1].ts or 0):
        item = index.get(item_id)
        if item is None or state.status not in ACCEPTED:
            continue
        payload = state.state["payload"]
        decided = next((e for e in reversed(store.events(item_id)) if e["version"] == state.version), {})
        lines.append(
            {
                "check_id": item.suggestion["check_id"],
                "doc_id": item.doc_id,
                "finding_id": item.context.get("finding_id"),
                "item_id": item_id,
                "verdict": payload.get("verdict"),
                "note": payload.get("note") or decided.get("note") or "",
                "reviewer": state.user,
                "reviewed_at": _when(state.ts),
            }
        )
    return lines


def export_reviewed(out_dir: Path, fmt: str, out: Path) -> int:
    if fmt == "findings":
        return _write_jsonl(out, finding_verdicts(out_dir))
    reviewed = reviewed_sentences(out_dir)
    if fmt == "gold":
        reviewed = [r for r in reviewed if r.state.status != "rejected"]
        lines = [gold_line(r) for r in reviewed]
    elif fmt == "prodigy":
        lines = [prodigy_line(r) for r in reviewed]
    elif fmt == "labelstudio":
        out.write_text(
            json.dumps([labelstudio_task(r, n + 1) for n, r in enumerate(reviewed)], ensure_ascii=False, indent=1),
            encoding="utf-8",
        )
        return len(reviewed)
    else:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}")
    return _write_jsonl(out, lines)


def _write_jsonl(out: Path, lines: list[dict]) -> int:
    out.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8")
    return len(lines)


@dataclass
class Imported:
    """One sentence of an exchange file: how to find its item, and the decision it carries."""

    item_id: str | None
    sentence_id: str | None
    text: str
    spans: list[dict]
    rejected: bool
    complete: bool


def read_exchange(fmt: str, path: Path) -> list[Imported]:
    text = path.read_text(encoding="utf-8")
    if fmt == "labelstudio":
        out = []
        for task in json.loads(text):
            data = task["data"]
            annotation = (task.get("annotations") or [{}])[-1]
            spans = [
                {"start": r["value"]["start"], "end": r["value"]["end"], "label": r["value"]["labels"][0]}
                for r in annotation.get("result", [])
                if r.get("type") == "labels"
            ]
            out.append(
                Imported(
                    data.get("item_id"),
                    data.get("sentence_id"),
                    data["text"],
                    spans,
                    bool(annotation.get("was_cancelled")),
                    bool(annotation.get("meta", {}).get("complete", True)),
                )
            )
        return out
    rows = [json.loads(line) for line in text.splitlines() if line.strip()]
    if fmt == "prodigy":
        return [
            Imported(
                r.get("meta", {}).get("item_id"),
                r.get("meta", {}).get("sentence_id"),
                r["text"],
                [{k: s[k] for k in ("start", "end", "label")} for s in r.get("spans", [])],
                r.get("answer") == "reject",
                bool(r.get("meta", {}).get("complete", True)),
            )
            for r in rows
            if r.get("answer") in ("accept", "reject")
        ]
    return [
        Imported(
            r.get("item_id"),
            r.get("sentence_id"),
            r["text"],
            [{k: s[k] for k in ("start", "end", "label")} for s in r["spans"]],
            False,
            bool(r.get("complete", True)),
        )
        for r in rows
    ]


@dataclass
class ImportReport:
    applied: int = 0
    unchanged: int = 0
    unmatched: int = 0


def import_reviewed(out_dir: Path, fmt: str, path: Path, user: str) -> ImportReport:
    folder = OutputFolder(out_dir)
    store = Store(folder.root / "review.sqlite")
    items = [i for i in dataset_items(folder.table) if i.kind == "sentence"]
    by_id = {i.item_id: i for i in items}
    by_sentence = {i.ref: i for i in items}
    report = ImportReport()
    for row in read_exchange(fmt, path):
        item = by_id.get(row.item_id or "") or by_sentence.get(row.sentence_id or "")
        if item is None or item.text != row.text:
            report.unmatched += 1
            continue
        action = "reject" if row.rejected else "correct"
        after = decision_after(item, action, {"spans": row.spans, "complete": row.complete})
        current = store.state(item.item_id)
        if current.state == after or (current.state and current.state["payload"] == after["payload"]):
            report.unchanged += 1
            continue
        try:
            store.decide(
                Entry(
                    item.item_id,
                    item.kind,
                    item.doc_id,
                    user,
                    action,
                    current.version,
                    after,
                    item.model_version,
                    note=f"imported from {fmt} {path.name}",
                )
            )
        except (Conflict, InvalidDecision):
            report.unmatched += 1
            continue
        report.applied += 1
    return report
