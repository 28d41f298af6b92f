"""Reading a run's tables and writing the derived ones.

A table is `DIR/<name>.parquet`, either one file (a compacted run) or a folder of part files; pyarrow.dataset
reads both. Derived tables are written as one file sorted by their primary key, like a compacted run.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.dataset as pads
import pyarrow.parquet as pq


def table_path(out_dir: Path, name: str) -> Path:
    return out_dir / f"{name}.parquet"


def read_table(out_dir: Path, name: str, schema: pa.Schema | None = None) -> pa.Table:
    """The whole table; an empty one with `schema` when the run wrote none."""
    path = table_path(out_dir, name)
    if not path.exists():
        if schema is None:
            raise FileNotFoundError(f"{path} not found: is {out_dir} the output folder of `budgetlens run`?")
        return schema.empty_table()
    return pads.dataset(path, format="parquet").to_table()


def read_rows(out_dir: Path, name: str, schema: pa.Schema | None = None) -> list[dict]:
    return read_table(out_dir, name, schema).to_pylist()


def write_rows(out_dir: Path, name: str, rows: list[dict], schema: pa.Schema, key: tuple[str, ...]) -> int:
    """Write rows sorted by `key` (nulls first, so that the order does not depend on the input order)."""
    table = pa.Table.from_pylist(rows, schema=schema)
    if table.num_rows:
        table = table.sort_by([(k, "ascending", "at_start") for k in key])
    pq.write_table(table, table_path(out_dir, name))
    return table.num_rows
