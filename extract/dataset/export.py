"""Export stage: Documents → Parquet tables and one JSON file per document.

The output folder is a small dataset: `documents.parquet` has one row per input file
(including the ones that failed, with their error), the other tables are keyed by doc_id.
Columns may be added in later versions, never renamed.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from extract.model import Document, Finding

_STR, _INT, _F64 = pa.string(), pa.int32(), pa.float64()


def column(name: str, type_: pa.DataType, description: str) -> pa.Field:
    """A column with its meaning, stored in the field's metadata: the one source the Parquet files, the
    dataset card and datapackage.json all read a column's description from."""
    return pa.field(name, type_, metadata={"description": description})


def description(field: pa.Field) -> str:
    return (field.metadata or {}).get(b"description", b"").decode()


DOC_ID = column("doc_id", _STR, "sha256 of the input file's bytes (hex): the same file has the same id whatever its name")
TABLE_ID = column("table_id", _STR, "the table within its document: t01, t02, … in page order")
PAGE = column("page", _INT, "1-based page number, as in a PDF viewer")
BOX = [
    column("x0", _F64, "left edge of the box, PDF points from the page's left"),
    column("y0", _F64, "top edge of the box, PDF points from the page's top"),
    column("x1", _F64, "right edge of the box, PDF points"),
    column("y1", _F64, "bottom edge of the box, PDF points"),
]
PAGE_START = column("page_start", _INT, "first page")
PAGE_END = column("page_end", _INT, "last page")
SENTENCE_ID = column("sentence_id", _STR, "the sentence: first 16 hex digits of doc_id, '-', its 4-digit number in reading order")
LOCATOR = column(
    "locator",
    _STR,
    "where it is in a DOCX/XLSX/XLS/HTML source (no printed page there): 'Sheet'!C7, p12, t3.r5.c2 or a DOM path; null for PDFs",
)

SCHEMAS: dict[str, pa.Schema] = {
    "documents": pa.schema(
        [
            DOC_ID,
            column("path", _STR, "the input path given to `run` (in no key: renaming a file changes nothing else)"),
            column("pages", _INT, "number of pages"),
            column("kind", _STR, "部门决算, 部门预算, 单位预算, 绩效自评 or other"),
            column("issuer", _STR, "issuing body as printed (see document_issuers for the normalised issuer_id)"),
            column("year", _INT, "the budget or accounts year the document is about"),
            column("unit", _STR, "the most common unit of its tables (元, 万元)"),
            column("status", _STR, "ok; failed (unreadable: corrupt, encrypted, empty); rejected (not a budget disclosure)"),
            column("error", _STR, "why it failed or was rejected"),
            column("n_tables", _INT, "tables found"),
            column("n_line_items", _INT, "line items found"),
            column("n_ocr_pages", _INT, "pages read by OCR"),
            column("parser_version", _STR, "version of the budgetlens pipeline that read it"),
            column(
                "source_format", _STR, "pdf, image, docx, xlsx, xlsm, xls, html, htm; doc, wps, et (read through LibreOffice)"
            ),
        ]
    ),
    "sections": pa.schema(
        [
            DOC_ID,
            column("section_id", _STR, "position in the section tree: 1, 1.2, 1.2.3 (n-th child at each level)"),
            column("parent_id", _STR, "section_id of the enclosing section; null at the top level"),
            column("level", _INT, "depth in the tree, 1 at the top"),
            column("numbering", _STR, "as printed: 第一部分, 一、, （一）, 1., （1）, or '' for an unnumbered heading"),
            column("title", _STR, "heading text without its numbering"),
            PAGE_START,
            PAGE_END,
            column("text", _STR, "body text directly under the heading (not its sub-sections)"),
        ]
    ),
    "tables": pa.schema(
        [
            DOC_ID,
            TABLE_ID,
            column("table_type", _STR, "family.kind, e.g. final.three_public (docs/schema.md); other when untyped"),
            column("title", _STR, "title as printed"),
            column("number_label", _STR, "table number as printed, e.g. 公开01表, 表3"),
            PAGE_START,
            PAGE_END,
            column("unit", _STR, "unit of its amounts as printed (元, 万元)"),
            column("n_rows", _INT, "grid rows"),
            column("n_cols", _INT, "grid columns"),
            column("panels", pa.list_(_STR), "side-by-side sub-tables (收入 | 支出), left to right"),
            column("notes", pa.list_(_STR), "lines printed right under the table (注：…, 本表无数据)"),
        ]
    ),
    "cells": pa.schema(
        [
            DOC_ID,
            TABLE_ID,
            column("row", _INT, "0-based grid row of the cell's top-left corner"),
            column("col", _INT, "0-based grid column of the cell's top-left corner"),
            column("row_span", _INT, "rows the cell covers"),
            column("col_span", _INT, "columns the cell covers"),
            column("text", _STR, "text as printed (or as read by OCR)"),
            column("is_header", pa.bool_(), "part of the header rows"),
            PAGE,
            *BOX,
            column("value", _F64, "the number a spreadsheet cell holds (text is it as printed); null elsewhere"),
            LOCATOR,
        ]
    ),
    "line_items": pa.schema(
        [
            DOC_ID,
            TABLE_ID,
            column("table_type", _STR, "the table's type, repeated for convenience"),
            column("panel", _STR, "side-by-side sub-table or band the row sits under; '' when the table has one"),
            column("code", _STR, "功能分类/经济分类 code as digits (3 类, 5 款, 7 项); null for rows without one (合计 …)"),
            column("name", _STR, "row label, enumerators (一、, （二）) removed"),
            column("column", _STR, "header path top-down joined with '/', e.g. 本年支出/基本支出"),
            column("value", _F64, "in 元 (printed value × unit); counts (辆, 台套) in their own unit"),
            column("raw", _STR, "the value as printed"),
            column("unit", _STR, "the unit as printed"),
            column("row", _INT, "grid row of the amount's cell (joins cells)"),
            column("col", _INT, "grid column of the amount's cell (joins cells)"),
            PAGE,
            *BOX,
            column("confidence", _F64, "OCR confidence of the printed value; null when read from a text layer"),
            column("corrected_from", _STR, "text as read when table arithmetic corrected a digit (raw holds the correction)"),
            LOCATOR,
        ]
    ),
    "sentences": pa.schema(
        [
            DOC_ID,
            SENTENCE_ID,
            column("section_path", _STR, "headings above the sentence, outermost first"),
            column("text", _STR, "the sentence"),
            PAGE,
            *BOX,
            LOCATOR,
        ]
    ),
    "mentions": pa.schema(
        [
            DOC_ID,
            column("mention_id", _STR, "sentence_id ':' start '-' end of the span"),
            SENTENCE_ID,
            column("label", _STR, "AMOUNT, PERCENT, QUANTITY, REASON, TARGET or SUBJECT"),
            column("start", _INT, "character offset of the span in its sentence"),
            column("end", _INT, "end offset (exclusive)"),
            column("text", _STR, "the span's text"),
            column("confidence", _F64, "mean per-character probability of the span's tags"),
            column("tagger", _STR, "tagger backend and version, e.g. crf 1.0"),
            PAGE,
            *BOX,
            LOCATOR,
        ]
    ),
    "records": pa.schema(
        [
            DOC_ID,
            column("record_id", _STR, "mention_id of the value's span"),
            SENTENCE_ID,
            column("section_path", _STR, "headings above the sentence"),
            column("sentence", _STR, "the sentence, for reading the record in context"),
            column("subject", _STR, "what the value is about (the linked SUBJECT span)"),
            column(
                "metric",
                _STR,
                "决算数, 预算数, 执行数, 增减额, 增减率, 占比, 完成率, …; a plain level of the report year takes the "
                "document's own (决算数 in a 决算, 预算数 in a 预算); null without a cue otherwise",
            ),
            column("relation", _STR, "value-of, change-of, share-of, rate-of, target-of"),
            column("label", _STR, "the value span's label: AMOUNT, PERCENT, QUANTITY or TARGET"),
            column("raw", _STR, "the value as printed, e.g. 559.63万元"),
            column("value", _F64, "the number as printed, unsigned"),
            column("unit", _STR, "its unit as printed"),
            column("decimals", _INT, "printed decimals (the precision a check allows)"),
            column("value_yuan", _F64, "an amount in 元"),
            column("ratio", _F64, "a percent as a fraction (10.53% → 0.1053)"),
            column("period", _STR, "上年 or a year other than the report's"),
            column("direction", _STR, "增加, 减少 or 持平"),
            column("base", _STR, "the whole a share is taken of"),
            column("reason", _STR, "the stated cause"),
            column("target", _STR, "the indicator's target"),
            column("subject_from_context", pa.bool_(), "subject carried over from an earlier sentence"),
            column("confidence", _F64, "lowest span confidence (× 0.8 for a carried subject)"),
            PAGE,
            *BOX,
            column("mention_ids", pa.list_(_STR), "the mentions the record was built from"),
            LOCATOR,
            column("link_doc_id", _STR, "doc_id of the line item the amount restates (its own, or a companion file's)"),
            column("link_table_id", _STR, "table_id of that line item; null when the amount restates no cell"),
            column("link_row", _INT, "row of that line item"),
            column("link_col", _INT, "col of that line item"),
            column("link_score", _F64, "how well value, words, section and scope agree (links are made from 0.55)"),
            column("subject_code", _STR, "功能分类 / 经济分类 code of the linked row, when it has one"),
        ]
    ),
    "findings": pa.schema(
        [
            DOC_ID,
            column(
                "finding_id",
                _STR,
                "check_id '@' 12 hex digits of sha1 over the check's evidence (role, page, table, box, text) and expected "
                "value, '/n' for the n-th repeat: stable when other checks are added or reordered",
            ),
            column("check_id", _STR, "the check, e.g. T002.class_equals_sum_of_kuan"),
            column("severity", _STR, "error, warning or info"),
            column("status", _STR, "inconsistent, consistent or not_checkable"),
            column("expected", _STR, "the value the check expected, as text"),
            column("found", _STR, "the value found, as text"),
            column("delta", _F64, "found − expected, unrounded, in the values' unit (元 for amounts)"),
            column("message_zh", _STR, "what was checked and found, in Chinese"),
            column("message_en", _STR, "the same in English"),
            column("evidence_json", _STR, "JSON list of the values used: role, text as printed, value, page, bbox, table_id"),
            column("pages", pa.list_(_INT), "pages of the evidence"),
        ]
    ),
}

TABLE_DESCRIPTIONS: dict[str, str] = {
    "documents": "one row per input file, including the ones that failed or were rejected",
    "sections": "one row per heading of the narrative, with the text under it",
    "tables": "one row per table (a table continued over pages is one table)",
    "cells": "one row per grid cell of a table",
    "line_items": "one row per amount cell of a table, with its code, row name and column header path",
    "sentences": "one row per sentence of the narrative sections",
    "mentions": "one row per span the narrative tagger found",
    "records": "one row per number stated in the narrative, with what it is about",
    "findings": "one row per reconciliation check outcome within a document",
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


ForeignKey = tuple[tuple[str, ...], str, tuple[str, ...]]
"""(columns, referenced table, referenced columns)."""

FOREIGN_KEYS: dict[str, list[ForeignKey]] = {
    "sections": [(("doc_id",), "documents", ("doc_id",))],
    "tables": [(("doc_id",), "documents", ("doc_id",))],
    "cells": [(("doc_id", "table_id"), "tables", ("doc_id", "table_id"))],
    "line_items": [(("doc_id", "table_id", "row", "col"), "cells", ("doc_id", "table_id", "row", "col"))],
    "sentences": [(("doc_id",), "documents", ("doc_id",))],
    "mentions": [(("doc_id", "sentence_id"), "sentences", ("doc_id", "sentence_id"))],
    "records": [
        (("doc_id", "sentence_id"), "sentences", ("doc_id", "sentence_id")),
        (("link_doc_id", "link_table_id", "link_row", "link_col"), "line_items", ("doc_id", "table_id", "row", "col")),
    ],
    "findings": [(("doc_id",), "documents", ("doc_id",))],
}
"""The joins that hold by construction; tests check each on a run's output."""


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
        "source_format": doc.source_format,
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
            "value": c.value,
            "locator": c.locator,
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


def finding_ids(findings: list[Finding]) -> list[str]:
    """Content ids: the check and a digest of what it looked at, so that an id survives adding, removing or
    reordering other checks; a repeat of the same check over the same evidence gets '/2', '/3' in list order."""
    seen: Counter[str] = Counter()
    ids = []
    for f in findings:
        evidence = [(e.role, e.page, e.table_id, e.bbox and [round(x, 1) for x in e.bbox], e.text) for e in f.evidence]
        what = json.dumps([evidence, f.expected, [] if f.evidence else f.message_en], ensure_ascii=False)
        base = f"{f.check_id}@{hashlib.sha1(what.encode()).hexdigest()[:12]}"
        seen[base] += 1
        ids.append(base if seen[base] == 1 else f"{base}/{seen[base]}")
    return ids


def finding_rows(doc: Document) -> list[dict]:
    def text(value: float | str | None) -> str | None:
        return None if value is None else str(value)

    return [
        {
            "doc_id": doc.doc_id,
            "finding_id": finding_id,
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
        for finding_id, f in zip(finding_ids(doc.findings), doc.findings, strict=True)
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
