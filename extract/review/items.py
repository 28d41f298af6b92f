"""What a reviewer works on: sentences (spans), records, table cells (line items) and findings.

Every item has a stable id (its kind and a hash of the document and the dataset's own key), the model's suggestion,
the boxes to highlight on the page, and a score — the model's confidence in [0, 1] — that orders the queue, least
confident first:
* sentence: the lowest confidence of its spans (the tagger's marginals); a sentence without spans scores 1;
* record: the record's confidence;
* cell: the OCR confidence of the printed value (1 for a text layer), halved when table arithmetic repaired a digit;
* finding (inconsistent ones only): lower for a higher severity and a larger amount at stake.
"""

from __future__ import annotations

import hashlib
import json
import math
import threading
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field

from extract.model import BBox

KINDS = ("sentence", "record", "cell", "finding")
SEVERITY_WEIGHT = {"error": 3.0, "warning": 2.0, "info": 1.0}
RECORD_FIELDS = ("subject", "metric", "value", "unit", "period", "direction", "reason", "target")
CELL_FIELDS = ("value", "code", "name", "column")


@dataclass(frozen=True)
class Box:
    page: int
    bbox: BBox
    role: str
    """What the box shows: "sentence", a span label, "value", or a finding evidence's role."""


@dataclass
class ReviewItem:
    item_id: str
    kind: str
    doc_id: str
    ref: str
    """The dataset's own key: sentence_id, record_id, "table_id:row:col", or the finding's check and evidence."""
    page: int | None
    text: str
    suggestion: dict
    score: float
    model_version: str
    boxes: list[Box] = field(default_factory=list)
    context: dict = field(default_factory=dict)
    group: str | None = None
    """Sentences with the same text share a group (boilerplate), reviewed at once with "apply to all"."""

    def public(self) -> dict:
        """The item as the JSON API returns it."""
        data = asdict(self)
        data["boxes"] = [asdict(b) for b in self.boxes]
        return data


def item_id(kind: str, doc_id: str, ref: str) -> str:
    return f"{kind}-{hashlib.sha1(f'{doc_id}|{ref}'.encode()).hexdigest()[:16]}"


def _bbox(row: dict) -> BBox | None:
    values = (row.get("x0"), row.get("y0"), row.get("x1"), row.get("y1"))
    return None if any(v is None for v in values) else values  # type: ignore[return-value]


def _box(row: dict, role: str) -> list[Box]:
    bbox = _bbox(row)
    return [Box(row["page"], bbox, role)] if bbox and row.get("page") else []


def sentence_score(confidences: Iterable[float]) -> float:
    """A sentence's score: its least confident span; 1 when the tagger found none."""
    return min(confidences, default=1.0)


def sentence_items(sentences: list[dict], mentions: list[dict]) -> list[ReviewItem]:
    spans_of: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for m in mentions:
        spans_of[(m["doc_id"], m["sentence_id"])].append(m)
    counts = Counter(s["text"] for s in sentences)
    items = []
    for s in sentences:
        spans = sorted(spans_of[(s["doc_id"], s["sentence_id"])], key=lambda m: (m["start"], m["end"]))
        suggestion = {"spans": [{k: m[k] for k in ("start", "end", "label", "text", "confidence")} for m in spans]}
        key = s["text"]
        items.append(
            ReviewItem(
                item_id=item_id("sentence", s["doc_id"], s["sentence_id"]),
                kind="sentence",
                doc_id=s["doc_id"],
                ref=s["sentence_id"],
                page=s["page"],
                text=s["text"],
                suggestion=suggestion,
                score=sentence_score(m["confidence"] for m in spans),
                model_version=spans[0]["tagger"] if spans else "",
                boxes=_box(s, "sentence") + [b for m in spans for b in _box(m, m["label"])],
                context={"section_path": s["section_path"], "locator": s.get("locator")},
                group=key if counts[key] > 1 else None,
            )
        )
    return items


def record_link(record: dict) -> dict | None:
    """The line item a record restates ({doc_id, table_id, row, col, score}), None when it restates none."""
    if record.get("link_table_id") is None:
        return None
    return {
        "doc_id": record["link_doc_id"],
        "table_id": record["link_table_id"],
        "row": record["link_row"],
        "col": record["link_col"],
        "score": record["link_score"],
    }


def record_items(records: list[dict], mentions: list[dict], line_items: list[dict]) -> list[ReviewItem]:
    """Records, each with the SUBJECT spans of its sentence to re-link to, the tagger that made its spans, and the
    box of the table cell it is linked to next to its own."""
    cell_at = {(li["doc_id"], li["table_id"], li["row"], li["col"]): li for li in line_items}
    subjects: dict[tuple[str, str], list[str]] = defaultdict(list)
    tagger: dict[str, str] = {}
    offsets: dict[str, tuple[int, int]] = {}
    for m in mentions:
        tagger[m["mention_id"]] = m["tagger"]
        offsets[m["mention_id"]] = (m["start"], m["end"])
        if m["label"] == "SUBJECT":
            subjects[(m["doc_id"], m["sentence_id"])].append(m["text"])
    return [
        ReviewItem(
            item_id=item_id("record", r["doc_id"], r["record_id"]),
            kind="record",
            doc_id=r["doc_id"],
            ref=r["record_id"],
            page=r["page"],
            text=r["sentence"],
            suggestion={"raw": r["raw"], "label": r["label"], **{k: r[k] for k in RECORD_FIELDS}, "link": record_link(r)},
            score=r["confidence"],
            model_version=next((tagger[m] for m in r["mention_ids"] or [] if m in tagger), ""),
            boxes=_box(r, "value")
            + _box(cell_at.get((r["link_doc_id"], r["link_table_id"], r["link_row"], r["link_col"]), {}), "link"),
            context={
                "section_path": r["section_path"],
                "locator": r.get("locator"),
                "sentence_id": r["sentence_id"],
                "value_span": offsets.get((r["mention_ids"] or [""])[0]),
                "subject_options": subjects[(r["doc_id"], r["sentence_id"])],
                "subject_from_context": bool(r["subject_from_context"]),
            },
        )
        for r in records
    ]


def row_labels(cells: list[dict]) -> dict[tuple[str, str, int, int], dict]:
    """The first cell of every table row on every page: where the row's name is printed."""
    first: dict[tuple[str, str, int, int], dict] = {}
    for c in cells:
        key = (c["doc_id"], c["table_id"], c["row"], c["page"])
        if not c["is_header"] and c["text"] and (key not in first or c["col"] < first[key]["col"]):
            first[key] = c
    return first


def cell_items(line_items: list[dict], cells: list[dict], parser_version: dict[str, str]) -> list[ReviewItem]:
    """Line items, each boxed with the first cell of its row (its name) so that the focus view shows the row."""
    labels = row_labels(cells)
    items = []
    for li in line_items:
        label = labels.get((li["doc_id"], li["table_id"], li["row"], li["page"]))
        ref = f"{li['table_id']}:{li['row']}:{li['col']}"
        score = (li["confidence"] if li["confidence"] is not None else 1.0) * (0.5 if li["corrected_from"] else 1.0)
        items.append(
            ReviewItem(
                item_id=item_id("cell", li["doc_id"], ref),
                kind="cell",
                doc_id=li["doc_id"],
                ref=ref,
                page=li["page"],
                text=f"{li['name']} · {li['column']}",
                suggestion={
                    **{k: li[k] for k in CELL_FIELDS},
                    "raw": li["raw"],
                    "unit": li["unit"],
                    "table_type": li["table_type"],
                    "corrected_from": li["corrected_from"],
                    "confidence": li["confidence"],
                },
                score=score,
                model_version=f"parser {parser_version.get(li['doc_id'], '')}".strip(),
                boxes=_box(li, "value") + (_box(label, "name") if label and label["col"] != li["col"] else []),
                context={"locator": li.get("locator")},
            )
        )
    return items


def finding_score(severity: str, delta: float | None) -> float:
    """In (0, 1): an error beats a warning, and a bigger amount at stake beats a smaller one."""
    stake = 1 + math.log10(1 + abs(delta)) if delta is not None else 1.0
    return 1 / (1 + SEVERITY_WEIGHT.get(severity, 1.0) * stake)


def finding_items(findings: list[dict], parser_version: dict[str, str]) -> list[ReviewItem]:
    items = []
    for f in findings:
        if f["status"] != "inconsistent":
            continue
        evidence = json.loads(f["evidence_json"] or "[]")
        ref = json.dumps(
            [f["check_id"], f["expected"], [(e["role"], e["text"], e["page"]) for e in evidence]], ensure_ascii=False
        )
        boxes = [Box(e["page"], tuple(e["bbox"]), e["role"]) for e in evidence if e.get("page") and e.get("bbox")]
        items.append(
            ReviewItem(
                item_id=item_id("finding", f["doc_id"], ref),
                kind="finding",
                doc_id=f["doc_id"],
                ref=ref,
                page=boxes[0].page if boxes else (f["pages"][0] if f["pages"] else None),
                text=f["message_zh"],
                suggestion={k: f[k] for k in ("check_id", "severity", "expected", "found", "delta", "message_en")}
                | {"evidence": evidence},
                score=finding_score(f["severity"], f["delta"]),
                model_version=f"parser {parser_version.get(f['doc_id'], '')}".strip(),
                boxes=boxes,
                context={"finding_id": f["finding_id"]},
            )
        )
    return items


def dataset_items(table: Callable[[str], list[dict]]) -> list[ReviewItem]:
    """Every item of a dataset; `table(name)` gives the rows of one of its tables (`OutputFolder.table`)."""
    parser = {row["doc_id"]: row["parser_version"] for row in table("documents")}
    mentions = table("mentions")
    return (
        sentence_items(table("sentences"), mentions)
        + record_items(table("records"), mentions, table("line_items"))
        + cell_items(table("line_items"), table("cells"), parser)
        + finding_items(table("findings"), parser)
    )


def balanced(items: Iterable[ReviewItem]) -> list[ReviewItem]:
    """Least confident first, taking turns between documents: every document's least confident item, then every
    document's second, …, each round in ascending score."""
    by_doc: dict[str, list[ReviewItem]] = defaultdict(list)
    for item in sorted(items, key=lambda i: (i.score, i.item_id)):
        by_doc[item.doc_id].append(item)
    ranked = [(rank, item.score, item.item_id, item) for group in by_doc.values() for rank, item in enumerate(group)]
    return [entry[-1] for entry in sorted(ranked, key=lambda e: e[:3])]


class ItemIndex:
    """Every item of a dataset by id. A document's records and findings are replaced when its corrections are
    re-derived (`extract.review.revise`); sentences and cells are what reviewers correct, so they never change."""

    def __init__(self, items: Iterable[ReviewItem]) -> None:
        self._lock = threading.Lock()
        self._items: dict[str, ReviewItem] = {}
        for item in items:
            self._items[item.item_id] = item

    def get(self, item_id: str) -> ReviewItem | None:
        return self._items.get(item_id)

    def of_kind(self, kind: str) -> list[ReviewItem]:
        with self._lock:
            return [item for item in self._items.values() if item.kind == kind]

    def of_group(self, group: str) -> list[ReviewItem]:
        with self._lock:
            return [item for item in self._items.values() if item.group == group]

    def replace(self, doc_id: str, kinds: set[str], items: Iterable[ReviewItem]) -> None:
        """Swap the document's items of `kinds` for new ones. An item that disappeared stays reachable by id (its
        history remains), but leaves the queue: it is marked `stale`."""
        with self._lock:
            for item in self._items.values():
                if item.doc_id == doc_id and item.kind in kinds:
                    item.context["stale"] = True
            for item in items:
                self._items[item.item_id] = item
