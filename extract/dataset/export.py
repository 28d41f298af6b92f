"""Export stage: Documents → Parquet tables and one JSON file per document.

The output folder is a small dataset: `documents.parquet` has one row per input file
(including the ones that failed, with their error), the other tables are keyed by doc_id.
Columns may be added in later versions, never renamed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from extract.model import Document

_STR, _INT, _F64 = pa.string(), pa.int32(), pa.float64()

SCHEMAS: dict[str, pa.Schema] = {
    "documents": pa.schema(
        [
            ("doc_id", _STR),
            ("path", _STR),
            ("pages", _INT),
            ("kind", _STR),
            ("issuer", _STR),
            ("year", _INT),
            ("unit", _STR),
            ("status", _STR),
            ("error", _STR),
            ("n_tables", _INT),
            ("n_line_items", _INT),
            ("n_ocr_pages", _INT),
            ("parser_version", _STR),
        ]
    ),
    "sections": pa.schema(
        [
            ("doc_id", _STR),
            ("section_id", _STR),
            ("parent_id", _STR),
            ("level", _INT),
            ("numbering", _STR),
            ("title", _STR),
            ("page_start", _INT),
            ("page_end", _INT),
            ("text", _STR),
        ]
    ),
    "tables": pa.schema(
        [
            ("doc_id", _STR),
            ("table_id", _STR),
            ("table_type", _STR),
            ("title", _STR),
            ("number_label", _STR),
            ("page_start", _INT),
            ("page_end", _INT),
            ("unit", _STR),
            ("n_rows", _INT),
            ("n_cols", _INT),
            ("panels", pa.list_(_STR)),
            ("notes", pa.list_(_STR)),
        ]
    ),
    "cells": pa.schema(
        [
            ("doc_id", _STR),
            ("table_id", _STR),
            ("row", _INT),
            ("col", _INT),
            ("row_span", _INT),
            ("col_span", _INT),
            ("text", _STR),
            ("is_header", pa.bool_()),
            ("page", _INT),
            ("x0", _F64),
            ("y0", _F64),
            ("x1", _F64),
            ("y1", _F64),
        ]
    ),
    "line_items": pa.schema(
        [
            ("doc_id", _STR),
            ("table_id", _STR),
            ("table_type", _STR),
            ("panel", _STR),
            ("code", _STR),
            ("name", _STR),
            ("column", _STR),
            ("value", _F64),
            ("raw", _STR),
            ("unit", _STR),
            ("row", _INT),
            ("col", _INT),
            ("page", _INT),
            ("x0", _F64),
            ("y0", _F64),
            ("x1", _F64),
            ("y1", _F64),
            ("confidence", _F64),
            ("corrected_from", _STR),
        ]
    ),
    "sentences": pa.schema(
        [
            ("doc_id", _STR),
            ("sentence_id", _STR),
            ("section_path", _STR),
            ("text", _STR),
            ("page", _INT),
            ("x0", _F64),
            ("y0", _F64),
            ("x1", _F64),
            ("y1", _F64),
        ]
    ),
    "mentions": pa.schema(
        [
            ("doc_id", _STR),
            ("mention_id", _STR),
            ("sentence_id", _STR),
            ("label", _STR),
            ("start", _INT),
            ("end", _INT),
            ("text", _STR),
            ("confidence", _F64),
            ("tagger", _STR),
            ("page", _INT),
            ("x0", _F64),
            ("y0", _F64),
            ("x1", _F64),
            ("y1", _F64),
        ]
    ),
    "records": pa.schema(
        [
            ("doc_id", _STR),
            ("record_id", _STR),
            ("sentence_id", _STR),
            ("section_path", _STR),
            ("sentence", _STR),
            ("subject", _STR),
            ("metric", _STR),
            ("relation", _STR),
            ("label", _STR),
            ("raw", _STR),
            ("value", _F64),
            ("unit", _STR),
            ("decimals", _INT),
            ("value_yuan", _F64),
            ("ratio", _F64),
            ("period", _STR),
            ("direction", _STR),
            ("base", _STR),
            ("reason", _STR),
            ("target", _STR),
            ("subject_from_context", pa.bool_()),
            ("confidence", _F64),
            ("page", _INT),
            ("x0", _F64),
            ("y0", _F64),
            ("x1", _F64),
            ("y1", _F64),
            ("mention_ids", pa.list_(_STR)),
        ]
    ),
    "findings": pa.schema(
        [
            ("doc_id", _STR),
            ("finding_id", _INT),
            ("check_id", _STR),
            ("severity", _STR),
            ("status", _STR),
            ("expected", _STR),
            ("found", _STR),
            ("delta", _F64),
            ("message_zh", _STR),
            ("message_en", _STR),
            ("evidence_json", _STR),
            ("pages", pa.list_(_INT)),
        ]
    ),
}


PRIMARY_KEYS: dict[str, tuple[str, ...]] = {
    "documents": ("doc_id",),
    "sections": ("doc_id", "section_id"),
    "tables": ("doc_id", "table_id"),
    "cells": ("doc_id", "table_id", "row", "col"),
    "line_items": ("doc_id", "table_id", "row", "col"),
    "sentences": ("doc_id", "sentence_id"),
    "mentions": ("doc_id", "mention_id"),
    "records": ("doc_id", "record_id"),
    "findings": ("doc_id", "finding_id"),
}
"""Each table's primary key. doc_id is the sha256 of the input's bytes; the other parts are assigned by the
pipeline from the document's content and reading order, so they do not depend on file names, worker counts,
input order or retries. A compacted dataset is sorted by these keys."""


def _bbox(b: tuple[float, float, float, float]) -> dict[str, float]:
    return {"x0": round(b[0], 2), "y0": round(b[1], 2), "x1": round(b[2], 2), "y1": round(b[3], 2)}


def document_row(doc: Document) -> dict:
    return {
        "doc_id": doc.doc_id,
        "path": doc.path,
        "pages": len(doc.pages),
        "kind": doc.meta.kind.value,
        "issuer": doc.meta.issuer,
        "year": doc.meta.year,
        "unit": doc.meta.unit,
        "status": doc.status.value,
        "error": doc.error,
        "n_tables": len(doc.tables),
        "n_line_items": len(doc.line_items),
        "n_ocr_pages": sum(1 for p in doc.pages if p.ocr and not p.ocr.startswith("unavailable")),
        "parser_version": doc.parser_version,
    }


def section_rows(doc: Document) -> list[dict]:
    rows: list[dict] = []

    def visit(sections, parent_id):
        for k, section in enumerate(sections):
            section_id = f"{parent_id}.{k + 1}" if parent_id else str(k + 1)
            rows.append(
                {
                    "doc_id": doc.doc_id,
                    "section_id": section_id,
                    "parent_id": parent_id,
                    "level": section.level,
                    "numbering": section.numbering,
                    "title": section.title,
                    "page_start": section.page_start,
                    "page_end": section.page_end,
                    "text": section.text,
                }
            )
            visit(section.children, section_id)

    visit(doc.sections, None)
    return rows


def table_rows(doc: Document) -> list[dict]:
    return [
        {
            "doc_id": doc.doc_id,
            "table_id": t.table_id,
            "table_type": t.table_type,
            "title": t.title,
            "number_label": t.number_label,
            "page_start": t.page_start,
            "page_end": t.page_end,
            "unit": t.unit,
            "n_rows": t.n_rows,
            "n_cols": t.n_cols,
            "panels": [p.name for p in t.panels],
            "notes": t.notes,
        }
        for t in doc.tables
    ]


def cell_rows(doc: Document) -> list[dict]:
    return [
        {
            "doc_id": doc.doc_id,
            "table_id": t.table_id,
            "row": c.row,
            "col": c.col,
            "row_span": c.row_span,
            "col_span": c.col_span,
            "text": c.text,
            "is_header": c.is_header,
            "page": c.page,
            **_bbox(c.bbox),
        }
        for t in doc.tables
        for c in t.cells
    ]


def line_item_rows(doc: Document) -> list[dict]:
    return [{"doc_id": doc.doc_id, **item.model_dump(exclude={"bbox"}), **_bbox(item.bbox)} for item in doc.line_items]


def _optional_bbox(b: tuple[float, float, float, float] | None) -> dict[str, float | None]:
    return _bbox(b) if b else {"x0": None, "y0": None, "x1": None, "y1": None}


def sentence_rows(doc: Document) -> list[dict]:
    return [{"doc_id": doc.doc_id, **s.model_dump(exclude={"bbox"}), **_optional_bbox(s.bbox)} for s in doc.sentences]


def mention_rows(doc: Document) -> list[dict]:
    return [{"doc_id": doc.doc_id, **m.model_dump(exclude={"bbox"}), **_optional_bbox(m.bbox)} for m in doc.mentions]


def record_rows(doc: Document) -> list[dict]:
    return [{"doc_id": doc.doc_id, **r.model_dump(exclude={"bbox"}), **_optional_bbox(r.bbox)} for r in doc.records]


def finding_rows(doc: Document) -> list[dict]:
    def text(value: float | str | None) -> str | None:
        return None if value is None else str(value)

    return [
        {
            "doc_id": doc.doc_id,
            "finding_id": k,
            "check_id": f.check_id,
            "severity": f.severity.value,
            "status": f.status.value,
            "expected": text(f.expected),
            "found": text(f.found),
            "delta": f.delta,
            "message_zh": f.message_zh,
            "message_en": f.message_en,
            "evidence_json": json.dumps([e.model_dump() for e in f.evidence], ensure_ascii=False),
            "pages": sorted({e.page for e in f.evidence if e.page is not None}),
        }
        for k, f in enumerate(doc.findings)
    ]


ROWS = {
    "documents": lambda doc: [document_row(doc)],
    "sections": section_rows,
    "tables": table_rows,
    "cells": cell_rows,
    "line_items": line_item_rows,
    "sentences": sentence_rows,
    "mentions": mention_rows,
    "records": record_rows,
    "findings": finding_rows,
}


class DatasetWriter:
    """Writes documents as they come, so a long batch keeps what it has done.

    Each Parquet file is a sequence of row groups, one per flush; `docs/<doc_id>.json` is
    written as soon as a document is added. Call `close()` (or use as a context manager).
    """

    def __init__(self, out_dir: Path, flush_every: int = 50) -> None:
        self.out_dir = out_dir
        (out_dir / "docs").mkdir(parents=True, exist_ok=True)
        self.flush_every = flush_every
        self._pending: dict[str, list[dict]] = {name: [] for name in SCHEMAS}
        self._writers: dict[str, pq.ParquetWriter] = {}
        self._count = 0

    def add(self, doc: Document) -> None:
        if doc.doc_id and doc.pages:
            (self.out_dir / "docs" / f"{doc.doc_id}.json").write_text(doc.model_dump_json(), encoding="utf-8")
        for name, rows in ROWS.items():
            self._pending[name].extend(rows(doc))
        self._count += 1
        if self._count % self.flush_every == 0:
            self.flush()

    def flush(self) -> None:
        for name, rows in self._pending.items():
            writer = self._writers.get(name)
            if writer is None:
                writer = pq.ParquetWriter(self.out_dir / f"{name}.parquet", SCHEMAS[name])
                self._writers[name] = writer
            if rows:
                writer.write_table(pa.Table.from_pylist(rows, schema=SCHEMAS[name]))
            rows.clear()

    def close(self) -> None:
        self.flush()
        for writer in self._writers.values():
            writer.close()
        self._writers.clear()

    def __enter__(self) -> DatasetWriter:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def write_dataset(docs: Iterable[Document], out_dir: Path) -> None:
    with DatasetWriter(out_dir) as writer:
        for doc in docs:
            writer.add(doc)
