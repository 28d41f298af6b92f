"""Compaction: the committed part files become one canonical `DIR/<table>.parquet` per table.

The result does not depend on input order, worker count, retries, kills or backend: each document's rows come
from the last chunk that committed it (so a retried document replaces its earlier rows instead of adding to
them), every table is sorted by its primary key (`extract.dataset.export.PRIMARY_KEYS`), and a key seen twice
is an error, never a silent duplicate. Compaction is idempotent: killed half-way, it is simply run again
(`budgetlens compact DIR`). Killed before every table is written, the parts are all still there and win over the
tables already rewritten; once every table is written, the ledger marks the chunks compacted in one transaction,
and only then are the parts deleted (what a kill leaves of them is swept, never read). It holds each table in memory
while sorting it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from extract.batch.ledger import DOCS_DIR, PARTS_DIR, Ledger, fsync_dir, write_atomically
from extract.dataset.describe import describe_dataset
from extract.dataset.export import PRIMARY_KEYS, SCHEMAS

_RANK = "__chunk"


class DuplicateKeys(RuntimeError):
    """Two rows of one table share a primary key: a bug upstream, reported instead of written."""


def _ranked_sources(ledger: Ledger, out_dir: Path, name: str) -> pa.Table:
    """The table's compacted file (rank 0) and its committed parts (rank = chunk id), with the rank as a column."""
    pieces = []
    base = out_dir / f"{name}.parquet"
    sources = ([(0, base)] if base.exists() else []) + [(int(p.stem), p) for p in ledger.part_files(name)]
    for rank, path in sources:
        table = pq.read_table(path).select(SCHEMAS[name].names).cast(SCHEMAS[name])
        pieces.append(table.append_column(_RANK, pa.array([rank] * table.num_rows, pa.int64())))
    if not pieces:
        return SCHEMAS[name].empty_table().append_column(_RANK, pa.array([], pa.int64()))
    return pa.concat_tables(pieces)


def _row_keys(table: pa.Table) -> pa.Array:
    return pc.binary_join_element_wise(table["doc_id"], pc.cast(table[_RANK], pa.string()), "\x1f")


def _check_unique(table: pa.Table, name: str) -> None:
    keys = list(PRIMARY_KEYS[name])
    counts = table.group_by(keys).aggregate([([], "count_all")])
    repeated = counts.filter(pc.greater(counts["count_all"], 1))
    if repeated.num_rows:
        raise DuplicateKeys(
            f"{name}: {repeated.num_rows} primary keys ({', '.join(keys)}) repeat, e.g. {repeated.slice(0, 1).to_pylist()}"
        )


def compact(out_dir: Path) -> dict[str, int]:
    """Fold every committed part into `DIR/<table>.parquet` (sorted, one row per key) and delete the parts.
    Returns the rows per table."""
    with Ledger(out_dir) as ledger:
        ledger.sweep()
        documents = _ranked_sources(ledger, out_dir, "documents")
        latest = documents.group_by("doc_id").aggregate([(_RANK, "max")]).rename_columns(["doc_id", _RANK])
        winners = _row_keys(latest)
        counts = {}
        for name in SCHEMAS:
            table = documents if name == "documents" else _ranked_sources(ledger, out_dir, name)
            table = table.filter(pc.is_in(_row_keys(table), value_set=winners)).drop_columns([_RANK])
            table = table.sort_by([(key, "ascending") for key in PRIMARY_KEYS[name]])
            _check_unique(table, name)
            write_atomically(out_dir / f"{name}.parquet", lambda tmp, t=table: pq.write_table(t, tmp))
            counts[name] = table.num_rows
        fsync_dir(out_dir)
        ledger.mark_compacted()  # before deleting: a kill half-way through leaves parts that must not be read again
        shutil.rmtree(out_dir / PARTS_DIR, ignore_errors=True)
    return counts


def finish(out_dir: Path) -> None:
    """The steps that run on a finished, compacted dataset: drop `docs/<doc_id>.json` files that no row of
    documents.parquet names (left by a document that was committed and then replaced, or by a killed chunk), then
    derive the dataset's own tables and documentation (card, DuckDB, datapackage; `extract.dataset.describe`)."""
    kept = set(pq.read_table(out_dir / "documents.parquet", columns=["doc_id"])["doc_id"].to_pylist())
    for path in (out_dir / DOCS_DIR).glob("*.json"):
        if path.stem not in kept:
            path.unlink()
    describe_dataset(out_dir)


def read_dataset(out_dir: Path) -> dict[str, list[dict]]:
    """A compacted dataset as rows per table, plus the names of its document files under ``"docs"``: two runs made
    the same dataset when these are equal."""
    tables: dict[str, list] = {name: pq.read_table(out_dir / f"{name}.parquet").to_pylist() for name in SCHEMAS}
    tables["docs"] = sorted(path.name for path in (out_dir / DOCS_DIR).glob("*.json"))
    return tables
