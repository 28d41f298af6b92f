"""Every table of a dataset folder: the run's tables and the ones `budgetlens dataset` derives from them,
with schema (column types and meanings), primary key, foreign keys and a one-line description.
The card, dataset.duckdb and datapackage.json are all generated from this catalogue."""

from __future__ import annotations

from dataclasses import dataclass, field

import pyarrow as pa

from extract.dataset import companions, completeness, cross, issuers, panel
from extract.dataset.export import FOREIGN_KEYS, PRIMARY_KEYS, SCHEMAS, TABLE_DESCRIPTIONS, ForeignKey


@dataclass(frozen=True)
class TableSpec:
    name: str
    schema: pa.Schema
    key: tuple[str, ...]
    description: str
    foreign_keys: list[ForeignKey] = field(default_factory=list)
    derived: bool = False
    """Written by `budgetlens dataset` from the run's tables, not by `run` itself."""


_LINE_ITEM = ("doc_id", "table_id", "row", "col")

RUN_TABLES = [TableSpec(n, SCHEMAS[n], PRIMARY_KEYS[n], TABLE_DESCRIPTIONS[n], FOREIGN_KEYS.get(n, [])) for n in SCHEMAS]
DERIVED_TABLES = [
    TableSpec(
        "document_issuers",
        issuers.SCHEMA,
        issuers.KEY,
        issuers.DESCRIPTION,
        [(("doc_id",), "documents", ("doc_id",))],
        derived=True,
    ),
    TableSpec("panel", panel.SCHEMA, panel.KEY, panel.DESCRIPTION, [(_LINE_ITEM, "line_items", _LINE_ITEM)], derived=True),
    TableSpec(
        "cross_findings",
        cross.SCHEMA,
        cross.KEY,
        cross.DESCRIPTION,
        [(tuple(f"{k}_{s}" for k in _LINE_ITEM), "line_items", _LINE_ITEM) for s in ("a", "b")],
        derived=True,
    ),
    TableSpec(
        "completeness",
        completeness.SCHEMA,
        completeness.KEY,
        completeness.DESCRIPTION,
        [
            (("doc_id",), "documents", ("doc_id",)),
            (("companion_doc_id",), "documents", ("doc_id",)),
        ],
        derived=True,
    ),
]
DERIVED_TABLES.append(
    TableSpec(
        "companion_links",
        companions.SCHEMA,
        companions.KEY,
        companions.DESCRIPTION,
        [
            (("doc_id", "record_id"), "records", ("doc_id", "record_id")),
            (tuple(f"link_{k}" for k in _LINE_ITEM), "line_items", _LINE_ITEM),
        ],
        derived=True,
    )
)
TABLES: dict[str, TableSpec] = {t.name: t for t in (*RUN_TABLES, *DERIVED_TABLES)}

JOIN_VIEWS: dict[str, tuple[str, str]] = {
    "records_linked": (
        "records with the links made through a companion file of tables (companion_links) filled in",
        "SELECT r.* REPLACE ("
        + ", ".join(f"coalesce(r.{c}, c.{c}) AS {c}" for c in companions.LINK_COLUMNS)
        + ") FROM records r LEFT JOIN companion_links c USING (doc_id, record_id)",
    ),
    "line_items_by_issuer": (
        "line items with their document's issuer_id, scope, kind and year",
        "SELECT i.issuer_id, i.scope, i.kind, i.year, l.* FROM line_items l JOIN document_issuers i USING (doc_id)",
    ),
    "findings_by_issuer": (
        "reconciliation findings with their document's issuer_id, kind and year",
        "SELECT i.issuer_id, i.kind, i.year, f.* FROM findings f JOIN document_issuers i USING (doc_id)",
    ),
    "completeness_scores": (
        "one row per document: its completeness score (see Completeness) and item counts by status",
        "SELECT c.doc_id, i.issuer_id, i.kind, i.year, count(*) AS items, round(avg(c.points), 4) AS score, "
        "count(*) FILTER (WHERE c.status = 'missing') AS missing, "
        "count(*) FILTER (WHERE c.status = 'empty_without_note') AS empty_without_note "
        "FROM completeness c JOIN document_issuers i USING (doc_id) GROUP BY ALL",
    ),
    "panel_year_on_year": (
        "panel values next to the same issuer's value one year earlier (same kind, scope and coordinate)",
        "SELECT p.issuer_id, p.kind, p.scope, p.table_kind, p.line, p.name, p.measure, p.column_std, p.year, p.value, "
        "q.value AS previous_value, p.value - q.value AS change, "
        "CASE WHEN q.value <> 0 THEN (p.value - q.value) / q.value END AS change_rate, "
        "p.doc_id, q.doc_id AS previous_doc_id "
        "FROM panel p JOIN panel q ON q.issuer_id = p.issuer_id AND q.year = p.year - 1 AND q.kind = p.kind "
        "AND q.scope = p.scope AND q.table_kind = p.table_kind AND q.line = p.line AND q.measure = p.measure "
        "AND q.column_std = p.column_std AND q.occurrence = p.occurrence",
    ),
}
"""DuckDB views over the tables: the documented joins, ready to query."""
