"""`describe_dataset(DIR)`: everything a finished run folder says about itself, derived from its tables.

Writes document_issuers, companion_links, panel, cross_findings and completeness (Parquet), dataset.duckdb, datapackage.json
and the README.md card. Safe to rerun: each file is regenerated from the run's own tables.
"""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console

from extract.dataset import companions, completeness, cross, issuers, panel
from extract.dataset.card import write_card
from extract.dataset.catalog import TABLES
from extract.dataset.databases import write_datapackage, write_duckdb
from extract.dataset.export import SCHEMAS
from extract.dataset.read import read_rows, read_table, write_rows


def describe_dataset(out_dir: Path) -> dict[str, int]:
    """Derive the dataset's extra tables and its documentation; returns every table's row count."""
    documents = read_rows(out_dir, "documents")
    who = issuers.issuer_rows(out_dir, documents)
    write_rows(out_dir, "document_issuers", who, issuers.SCHEMA, issuers.KEY)
    links = companions.companion_link_rows(
        out_dir, who, read_rows(out_dir, "line_items", SCHEMAS["line_items"]), read_rows(out_dir, "records", SCHEMAS["records"])
    )
    write_rows(out_dir, "companion_links", links, companions.SCHEMA, companions.KEY)
    panel_rows = panel.panel_rows(read_rows(out_dir, "line_items", SCHEMAS["line_items"]), {w["doc_id"]: w for w in who})
    write_rows(out_dir, "panel", panel_rows, panel.SCHEMA, panel.KEY)
    write_rows(out_dir, "cross_findings", cross.cross_findings(panel_rows, who), cross.SCHEMA, cross.KEY)
    rows = completeness.completeness_rows(
        documents,
        who,
        read_rows(out_dir, "tables", SCHEMAS["tables"]),
        read_rows(out_dir, "sections", SCHEMAS["sections"]),
        read_rows(out_dir, "findings", SCHEMAS["findings"]),
    )
    write_rows(out_dir, "completeness", rows, completeness.SCHEMA, completeness.KEY)
    counts = {name: read_table(out_dir, name, spec.schema).num_rows for name, spec in TABLES.items()}
    write_duckdb(out_dir)
    write_datapackage(out_dir, counts)
    write_card(out_dir, counts)
    return counts


def dataset(out_dir: Path = typer.Argument(..., help="The output folder of `budgetlens run`.")) -> None:
    """Regenerate a run folder's card (README.md), dataset.duckdb, datapackage.json, panel, cross-document
    findings and completeness from its tables."""
    console = Console()
    if not (out_dir / "documents.parquet").exists():
        Console(stderr=True).print(f"[red]{out_dir} has no documents.parquet: give the output folder of `budgetlens run`[/red]")
        raise typer.Exit(2)
    counts = describe_dataset(out_dir)
    console.print(", ".join(f"{name} {n:,}" for name, n in counts.items()))
    console.print(f"→ {out_dir}/README.md, dataset.duckdb, datapackage.json")
