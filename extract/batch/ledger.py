"""What a run has committed, so a killed run resumes and never counts a half-written result as done.

Layout in the output folder ``DIR``:

    DIR/ledger.sqlite                  committed chunks and documents, keyed by (doc_id, fingerprint)
    DIR/parts/<table>/<chunk>.parquet  the rows of one committed chunk (until compaction folds them in)
    DIR/docs/<doc_id>.json             one Document each
    DIR/run.lock                       held by the run writing DIR

A chunk is committed in three steps: every part file and document JSON is written under a temporary name,
fsynced and renamed; then one SQLite transaction records the chunk and its documents. A kill before the
transaction leaves files that no committed chunk names: `sweep` deletes them at the next start, and their
documents are done again. A kill after it loses nothing.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

import pyarrow as pa
import pyarrow.parquet as pq

from extract.batch.work import Outcome, Result
from extract.dataset.export import SCHEMAS

LEDGER_FILE = "ledger.sqlite"
PARTS_DIR = "parts"
DOCS_DIR = "docs"
LOCK_FILE = "run.lock"
TMP_SUFFIX = ".tmp"

ISOLATION_FAILURES = (Result.TIMEOUT, Result.CRASHED, Result.MEMORY)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS chunks (
    chunk_id INTEGER PRIMARY KEY,
    committed_at TEXT NOT NULL,
    n_documents INTEGER NOT NULL,
    compacted INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    chunk_id INTEGER NOT NULL REFERENCES chunks(chunk_id),
    path TEXT NOT NULL,
    result TEXT NOT NULL,
    pages INTEGER NOT NULL,
    seconds REAL NOT NULL,
    PRIMARY KEY (doc_id, fingerprint)
);
"""


class LedgerBusy(RuntimeError):
    """Another run holds the output folder."""


def fingerprint_key(fingerprint: dict[str, str]) -> str:
    return json.dumps(fingerprint, sort_keys=True, ensure_ascii=False)


def write_atomically(path: Path, write: Callable[[Path], object]) -> None:
    """``write(tmp_path)``, fsync, rename over ``path``: readers see the old file or the whole new one."""
    tmp = path.with_name(path.name + TMP_SUFFIX)
    write(tmp)
    with open(tmp, "rb") as handle:
        os.fsync(handle.fileno())
    tmp.replace(path)


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class Ledger:
    """The ledger of one output folder; holds the folder's lock while open."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        out_dir.mkdir(parents=True, exist_ok=True)
        self._lock: IO = open(out_dir / LOCK_FILE, "w")  # noqa: SIM115 -- held until close()
        try:
            fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            self._lock.close()
            raise LedgerBusy(f"another budgetlens run is writing {out_dir}") from exc
        self.db = sqlite3.connect(out_dir / LEDGER_FILE, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.executescript(_SCHEMA)
        self._next_chunk = self._max_chunk() + 1

    def close(self) -> None:
        self.db.close()
        self._lock.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def _max_chunk(self) -> int:
        return self.db.execute("SELECT coalesce(max(chunk_id), 0) FROM chunks").fetchone()[0]

    # fingerprint

    def stored_fingerprint(self) -> dict[str, str] | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = 'fingerprint'").fetchone()
        return json.loads(row[0]) if row else None

    def set_fingerprint(self, fingerprint: dict[str, str]) -> None:
        with self._transaction():
            self.db.execute("INSERT OR REPLACE INTO meta VALUES ('fingerprint', ?)", (fingerprint_key(fingerprint),))

    # start of a run

    def reset(self) -> None:
        """``--force``: forget everything this folder holds from earlier runs (ledger, tables, parts, documents)."""
        with self._transaction():
            self.db.execute("DELETE FROM documents")
            self.db.execute("DELETE FROM chunks")
            self.db.execute("DELETE FROM meta")
        shutil.rmtree(self.out_dir / PARTS_DIR, ignore_errors=True)
        shutil.rmtree(self.out_dir / DOCS_DIR, ignore_errors=True)
        for name in SCHEMAS:
            (self.out_dir / f"{name}.parquet").unlink(missing_ok=True)

    def sweep(self) -> int:
        """Delete the part files that no committed, not yet compacted chunk names (a chunk killed before its
        transaction, or a compaction killed while it deleted the parts it had folded in) and temporary files."""
        committed = {row[0] for row in self.db.execute("SELECT chunk_id FROM chunks WHERE compacted = 0")}
        removed = 0
        for path in self.part_files():
            chunk = path.name.removesuffix(".parquet")
            if not chunk.isdigit() or int(chunk) not in committed:
                path.unlink()
                removed += 1
        for folder in (self.out_dir, self.out_dir / DOCS_DIR):
            for path in folder.glob(f"*{TMP_SUFFIX}"):
                path.unlink()
                removed += 1
        return removed

    def part_files(self, table: str = "*") -> list[Path]:
        return sorted((self.out_dir / PARTS_DIR).glob(f"{table}/*"))

    def results(self, fingerprint: dict[str, str]) -> dict[str, Result]:
        """How each document committed under this fingerprint ended, by doc_id."""
        rows = self.db.execute("SELECT doc_id, result FROM documents WHERE fingerprint = ?", (fingerprint_key(fingerprint),))
        return {doc_id: Result(result) for doc_id, result in rows}

    def committed(self, fingerprint: dict[str, str], *, retry_failed: bool = False) -> set[str]:
        """doc_ids committed under this fingerprint; with ``retry_failed``, less those that timed out, crashed
        or hit the memory cap."""
        return {
            doc_id for doc_id, result in self.results(fingerprint).items() if not (retry_failed and result in ISOLATION_FAILURES)
        }

    def mark_compacted(self) -> None:
        """Every committed chunk is now in the compacted tables: its part files are leftovers from here on."""
        with self._transaction():
            self.db.execute("UPDATE chunks SET compacted = 1")

    # commit

    def commit(self, outcomes: list[Outcome], fingerprint: dict[str, str]) -> int:
        """Write the outcomes' rows and documents, then record them in one transaction. Returns the chunk id."""
        chunk_id = self._next_chunk
        self._next_chunk += 1
        touched = {self.out_dir / DOCS_DIR}
        for name, schema in SCHEMAS.items():
            tables = [o.tables[name] for o in outcomes if o.tables[name].num_rows]
            if not tables:
                continue
            folder = self.out_dir / PARTS_DIR / name
            folder.mkdir(parents=True, exist_ok=True)
            table = pa.concat_tables(tables).cast(schema)
            write_atomically(folder / f"{chunk_id:08d}.parquet", lambda tmp, t=table: pq.write_table(t, tmp))
            touched.add(folder)
        (self.out_dir / DOCS_DIR).mkdir(exist_ok=True)
        for o in outcomes:
            if o.document_json is not None:
                write_atomically(
                    self.out_dir / DOCS_DIR / f"{o.doc_id}.json",
                    lambda tmp, o=o: tmp.write_text(o.document_json, encoding="utf-8"),
                )
        for folder in touched:
            fsync_dir(folder)
        key = fingerprint_key(fingerprint)
        with self._transaction():
            now = datetime.now(UTC).isoformat(timespec="seconds")
            self.db.execute("INSERT INTO chunks VALUES (?, ?, ?, 0)", (chunk_id, now, len(outcomes)))
            self.db.executemany(
                "INSERT OR REPLACE INTO documents VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(o.doc_id, key, chunk_id, o.path, o.result.value, o.pages, o.seconds) for o in outcomes],
            )
        return chunk_id
