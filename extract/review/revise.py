"""A document's records and findings, re-derived from its reviewed spans and cells.

The run's `docs/<doc_id>.json` is never changed: the revised Document goes to `OUT_DIR/review/docs/<doc_id>.json`,
and its records and findings replace the document's record and finding items in the queue. Records are rebuilt by
`extract.records.build.build_records` and findings by `extract.reconcile.run_checks`, as in the pipeline; findings
that no reconciliation check makes (OCR repairs, OCR unavailable) are kept as they were.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path

from extract.dataset.export import finding_rows, line_item_rows, mention_rows, record_rows
from extract.model import Document, Mention
from extract.reconcile import registered_checks, run_checks
from extract.records.build import build_records
from extract.review.dataset import OutputFolder
from extract.review.items import ItemIndex, ReviewItem, finding_items, record_items
from extract.review.store import REVIEWED, Store

log = logging.getLogger(__name__)

RECENT_REVISIONS = 6
"""Revised documents kept in memory for the record screen (a revision on disk is read again after that)."""
SpanFix = list[dict] | None
"""A reviewed sentence's spans ({"start", "end", "label"}), or None when it was rejected (no narrative there)."""


def revise(
    doc: Document, spans: dict[str, SpanFix], cells: dict[tuple[str, int, int], dict], reviewer: str = "review"
) -> Document:
    """A copy of `doc` with the reviewed spans and cells in place, and its records and findings derived again."""
    doc = doc.model_copy(deep=True)
    texts = {s.sentence_id: s for s in doc.sentences}
    kept = [m for m in doc.mentions if m.sentence_id not in spans]
    for sentence_id, fixed in spans.items():
        sentence = texts.get(sentence_id)
        if sentence is None or fixed is None:
            continue
        for sp in fixed:
            kept.append(
                Mention(
                    mention_id=f"{sentence_id}:{sp['start']}-{sp['end']}",
                    sentence_id=sentence_id,
                    label=sp["label"],
                    start=sp["start"],
                    end=sp["end"],
                    text=sentence.text[sp["start"] : sp["end"]],
                    confidence=1.0,
                    tagger=reviewer,
                    page=sentence.page,
                    bbox=sentence.bbox,
                )
            )
    doc.mentions = sorted(kept, key=lambda m: (m.sentence_id, m.start, m.end))
    for item in doc.line_items:
        fix = cells.get((item.table_id, item.row, item.col))
        if fix:
            for name in ("value", "code", "name", "column"):
                if name in fix:
                    setattr(item, name, fix[name])
    build_records(doc)
    ours = {spec.check_id for spec in registered_checks()}
    doc.findings = [f for f in doc.findings if f.check_id not in ours] + run_checks(doc)
    return doc


def derived_items(doc: Document, parser_version: dict[str, str]) -> list[ReviewItem]:
    """The record and finding items of a (revised) Document."""
    records = record_items(record_rows(doc), mention_rows(doc), line_item_rows(doc))
    return records + finding_items(finding_rows(doc), parser_version)


def saved_revisions(folder: OutputFolder) -> dict[str, Document]:
    """The revised documents written by earlier sessions (`review/docs/<doc_id>.json`), by doc_id."""
    out = {}
    for doc_id in folder.documents:
        path = folder.review_dir / "docs" / f"{doc_id}.json"
        if path.is_file() and not path.is_symlink():
            out[doc_id] = Document.model_validate_json(path.read_bytes())
    return out


class Reviser:
    """Re-derives documents in one background thread, so a decision returns at once; a document corrected many
    times while it waits (`settle` seconds at least) is revised once, from the latest state."""

    def __init__(
        self,
        folder: OutputFolder,
        store: Store,
        index: ItemIndex,
        settle: float = 0.5,
        on_error: Callable[[str, Exception], None] | None = None,
    ):
        self.folder, self.store, self.index, self.settle = folder, store, index, settle
        self.out = folder.review_dir / "docs"
        self._pending: set[str] = set()
        self._recent: OrderedDict[str, Document] = OrderedDict()
        self._wake = threading.Condition()
        self._busy = False
        self._on_error = on_error or (lambda doc_id, exc: log.exception("revising %s failed", doc_id, exc_info=exc))
        self._thread = threading.Thread(target=self._work, name="review-reviser", daemon=True)
        self._thread.start()

    def load_saved(self) -> None:
        """Put the revised documents of earlier sessions back into the queue, and revise again the documents whose
        spans or cells were decided after their revision was written (e.g. by `budgetlens review import`)."""
        last_change: dict[str, float] = {}
        for state in self.store.states().values():
            item = self.index.get(state.item_id)
            if item is not None and item.kind in ("sentence", "cell"):
                last_change[item.doc_id] = max(last_change.get(item.doc_id, 0.0), state.ts or 0.0)
        revised = saved_revisions(self.folder)
        for doc_id, doc in revised.items():
            self.index.replace(doc_id, {"record", "finding"}, derived_items(doc, {doc_id: doc.parser_version}))
        for doc_id in self.folder.documents:
            path = self.out / f"{doc_id}.json"
            if doc_id in last_change and (doc_id not in revised or path.stat().st_mtime < last_change[doc_id]):
                self.request(doc_id)

    def current(self, doc_id: str) -> Document:
        """The document as reviewed so far: its revision when there is one (the last few kept in memory), else as the
        run wrote it."""
        with self._wake:
            if doc_id in self._recent:
                self._recent.move_to_end(doc_id)
                return self._recent[doc_id]
        path = self.out / f"{doc_id}.json"
        if not path.is_file() or path.is_symlink():
            return self.folder.document(doc_id)
        doc = Document.model_validate_json(path.read_bytes())
        self._remember(doc)
        return doc

    def _remember(self, doc: Document) -> None:
        with self._wake:
            self._recent[doc.doc_id] = doc
            self._recent.move_to_end(doc.doc_id)
            while len(self._recent) > RECENT_REVISIONS:
                self._recent.popitem(last=False)

    def request(self, doc_id: str) -> None:
        with self._wake:
            self._pending.add(doc_id)
            self._wake.notify()

    def wait_idle(self, timeout: float = 60) -> bool:
        with self._wake:
            return self._wake.wait_for(lambda: not self._pending and not self._busy, timeout)

    def _work(self) -> None:
        while True:
            with self._wake:
                self._wake.wait_for(lambda: self._pending)
                self._busy = True
            time.sleep(self.settle)
            with self._wake:
                doc_id = self._pending.pop()
            try:
                self.revise_now(doc_id)
            except Exception as exc:
                self._on_error(doc_id, exc)
            finally:
                with self._wake:
                    self._busy = False
                    self._wake.notify_all()

    def revise_now(self, doc_id: str) -> Document:
        spans: dict[str, SpanFix] = {}
        cells: dict[tuple[str, int, int], dict] = {}
        for item_id, state in self.store.states().items():
            item = self.index.get(item_id)
            if item is None or item.doc_id != doc_id or state.status not in REVIEWED or item.kind not in ("sentence", "cell"):
                continue
            payload = state.state["payload"] if state.state else {}
            if item.kind == "sentence":
                spans[item.ref] = None if state.status == "rejected" else payload.get("spans", item.suggestion["spans"])
            elif state.status == "corrected":
                table_id, row, col = item.ref.rsplit(":", 2)
                cells[(table_id, int(row), int(col))] = payload
        doc = revise(self.folder.document(doc_id), spans, cells)
        self.out.mkdir(parents=True, exist_ok=True)
        target: Path = self.out / f"{doc_id}.json"
        partial = target.with_suffix(".part")
        partial.write_text(doc.model_dump_json(), encoding="utf-8")
        partial.replace(target)
        self._remember(doc)
        self.index.replace(doc_id, {"record", "finding"}, derived_items(doc, {doc_id: doc.parser_version}))
        return doc
