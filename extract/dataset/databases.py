"""dataset.duckdb and datapackage.json: the same tables, keys and column meanings for SQL users and for
Frictionless tools. Both are generated from `extract.dataset.catalog`."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pyarrow as pa

from extract import __version__
from extract.dataset.catalog import JOIN_VIEWS, TABLES, TableSpec
from extract.dataset.export import description
from extract.dataset.read import table_path

DUCKDB_FILE = "dataset.duckdb"
DATAPACKAGE_FILE = "datapackage.json"


def parquet_files(out_dir: Path, name: str) -> list[Path]:
    """The table's Parquet file, or its part files when it is a folder."""
    path = table_path(out_dir, name)
    return sorted(path.rglob("*.parquet")) if path.is_dir() else [path]


def _sql_text(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def write_duckdb(out_dir: Path) -> Path:
    """A self-contained database: one table per Parquet table (a copy, so the file can travel alone), named as
    the table and commented with its columns' meanings, and the documented joins as views."""
    target = out_dir / DUCKDB_FILE
    partial = target.with_suffix(".duckdb.partial")
    partial.unlink(missing_ok=True)
    con = duckdb.connect(str(partial))
    try:
        for spec in TABLES.values():
            files = [str(p) for p in parquet_files(out_dir, spec.name)]
            con.execute(f"CREATE TABLE {spec.name} AS SELECT * FROM read_parquet({files!r})")
            con.execute(f"COMMENT ON TABLE {spec.name} IS {_sql_text(spec.description)}")
            for f in spec.schema:
                con.execute(f'COMMENT ON COLUMN {spec.name}."{f.name}" IS {_sql_text(description(f))}')
        for name, (text, sql) in JOIN_VIEWS.items():
            con.execute(f"CREATE VIEW {name} AS {sql}")
            con.execute(f"COMMENT ON VIEW {name} IS {_sql_text(text)}")
    finally:
        con.close()
    partial.replace(target)
    return target


def key_violations(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every primary key that repeats and every foreign key without its row, as sentences; [] when all hold.
    A foreign key whose columns are all null refers to nothing and is not counted."""
    problems = []
    for name, spec in TABLES.items():
        key = ", ".join(f'"{k}"' for k in spec.key)
        total, distinct = con.execute(f"SELECT count(*), count(DISTINCT ({key})) FROM {name}").fetchall()[0]
        if total != distinct:
            problems.append(f"{name}: {total - distinct} repeated primary keys ({', '.join(spec.key)})")
        for cols, ref, ref_cols in spec.foreign_keys:
            on = " AND ".join(f'c."{a}" = r."{b}"' for a, b in zip(cols, ref_cols, strict=True))
            present = " AND ".join(f'c."{a}" IS NOT NULL' for a in cols)
            orphans = con.execute(f"SELECT count(*) FROM {name} c ANTI JOIN {ref} r ON {on} WHERE {present}").fetchall()[0][0]
            if orphans:
                problems.append(f"{name}({', '.join(cols)}): {orphans} rows without their {ref} row")
    return problems


def _frictionless_type(t: pa.DataType) -> str:
    if pa.types.is_integer(t):
        return "integer"
    if pa.types.is_floating(t):
        return "number"
    if pa.types.is_boolean(t):
        return "boolean"
    if pa.types.is_list(t):
        return "any"  # a Parquet list: frictionless's "array" means a JSON text, which Parquet readers do not hand it
    return "string"


def _resource(out_dir: Path, spec: TableSpec, rows: int) -> dict:
    files = [p.relative_to(out_dir).as_posix() for p in parquet_files(out_dir, spec.name)]
    schema: dict = {
        "fields": [{"name": f.name, "type": _frictionless_type(f.type), "description": description(f)} for f in spec.schema],
        "primaryKey": list(spec.key),
        "missingValues": ["", "nan"],  # a null integer reaches frictionless's Parquet reader as NaN
    }
    if spec.foreign_keys:
        schema["foreignKeys"] = [
            {"fields": list(cols), "reference": {"resource": ref, "fields": list(ref_cols)}}
            for cols, ref, ref_cols in spec.foreign_keys
        ]
    return {
        "name": spec.name,
        "path": files[0] if len(files) == 1 else files,
        "format": "parquet",
        "mediatype": "application/vnd.apache.parquet",
        "profile": "tabular-data-resource",
        "description": f"{spec.description} ({rows} rows)",
        "schema": schema,
    }


def write_datapackage(out_dir: Path, row_counts: dict[str, int]) -> Path:
    package = {
        "profile": "tabular-data-package",
        "name": "budgetlens-dataset",
        "title": "BudgetLens: structured data from Chinese public budget disclosures",
        "description": "Tables, cells, line items, narrative records and checks read from 部门决算/部门预算 PDFs; see README.md.",
        "version": __version__,
        "keywords": ["public finance", "budget", "China", "部门预算", "部门决算"],
        "sources": [
            {"title": "Public budget disclosures of the issuing bodies (documents.path); their copyright stays with them"}
        ],
        "contributors": [{"title": f"budgetlens {__version__}", "role": "author"}],
        "resources": [_resource(out_dir, spec, row_counts[spec.name]) for spec in TABLES.values()],
    }
    target = out_dir / DATAPACKAGE_FILE
    target.write_text(json.dumps(package, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return target
