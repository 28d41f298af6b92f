"""Narrative amounts linked to the tables of a companion file.

Some issuers publish a disclosure as two files: the 说明 (narrative, no tables) and the 公开表 (tables, no
narrative) — 江苏省委办公厅 2018, 江苏省政协办公厅 2019. A worker processes one file at a time, so the narrative
file's amounts are linked to nothing in the run. Once the whole run is in, the files of one disclosure are known
(same issuer_id, year, kind and scope, `document_issuers`): each amount of a file without money line items is
linked, by the pipeline's own linker (`extract.records.ground`), against the line items of the other files of its
disclosure. The run's own `records` are not rewritten (a rerun of `budgetlens run` resumes from them); the links go
to this derived table, and the `records_linked` view of dataset.duckdb fills them in.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pyarrow as pa

from extract.dataset.export import DOC_ID, SCHEMAS, column
from extract.model import Document
from extract.records.ground import ground_records, table_cells

LINK_COLUMNS = ("link_doc_id", "link_table_id", "link_row", "link_col", "link_score", "subject_code")
"""The columns of `records` that a companion link fills (their types and meanings are the records table's)."""

SCHEMA = pa.schema(
    [
        DOC_ID,
        column("record_id", pa.string(), "the narrative record (records.record_id)"),
        *(SCHEMAS["records"].field(name) for name in LINK_COLUMNS),
    ]
)
KEY = ("doc_id", "record_id")
DESCRIPTION = "narrative amounts of a file without tables, linked to a line item of its companion file of tables"


def _document(out_dir: Path, doc_id: str) -> Document | None:
    path = out_dir / "docs" / f"{doc_id}.json"
    return Document.model_validate_json(path.read_text(encoding="utf-8")) if path.exists() else None


def companion_link_rows(out_dir: Path, issuers: list[dict], line_items: list[dict], records: list[dict]) -> list[dict]:
    """One row per amount of a narrative-only file that restates a cell of its disclosure's other files."""
    with_items = {i["doc_id"] for i in line_items}
    with_amounts = {r["doc_id"] for r in records if r["label"] == "AMOUNT"}
    disclosures: dict[tuple, list[str]] = defaultdict(list)
    for row in issuers:
        if row["issuer_id"]:
            disclosures[(row["issuer_id"], row["year"], row["kind"], row["scope"])].append(row["doc_id"])
    rows: list[dict] = []
    for members in disclosures.values():
        partners = sorted(d for d in members if d in with_items)
        for doc_id in sorted(d for d in members if d in with_amounts and d not in with_items):
            doc = _document(out_dir, doc_id)
            tables = [t for t in (_document(out_dir, p) for p in partners) if t is not None]
            if doc is None or not tables:
                continue
            amounts = [r for r in doc.records if r.label == "AMOUNT"]
            ground_records(amounts, table_cells(tables))
            rows += [
                {"doc_id": doc_id, "record_id": r.record_id, **{name: getattr(r, name) for name in LINK_COLUMNS}}
                for r in amounts
                if r.link_table_id is not None
            ]
    return rows
