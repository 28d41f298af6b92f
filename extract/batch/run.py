"""A bulk run: inputs → jobs not yet committed → a backend → chunks committed to the ledger → compaction.

Rerunning the same command on the same folder resumes: what the ledger holds under the same pipeline
fingerprint is skipped. A different fingerprint (another budgetlens version, tagger, OCR models or ``--ocr``)
stops the run with the difference named: ``--force`` starts the folder over, or use a new one.
"""

from __future__ import annotations

import json
import os
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Literal, Protocol

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table as RichTable

from extract.batch.compact import compact, finish
from extract.batch.inputs import Job, gather, make_jobs
from extract.batch.ledger import Ledger
from extract.batch.local import Limits, LocalBackend
from extract.batch.work import Options, Outcome, Result, fingerprint
from extract.dataset.export import SCHEMAS
from extract.parse.document import OcrMode

RUN_LOG = "run.jsonl"


class RunRefused(RuntimeError):
    """The run cannot start: no inputs, or the folder holds results of another pipeline fingerprint."""


@dataclass(frozen=True)
class BatchSettings:
    out_dir: Path
    workers: int = field(default_factory=lambda: os.cpu_count() or 1)
    ocr: OcrMode = "auto"
    limits: Limits = field(default_factory=Limits)
    memory_limit_mb: int = 2048
    backend: Literal["local", "ray"] = "local"
    ray_address: str | None = None
    force: bool = False
    retry_failed: bool = False
    chunk_documents: int = 8
    chunk_seconds: float = 10.0
    """A chunk is committed when it holds this many documents or its first one waited this long."""


@dataclass
class Summary:
    out_dir: Path
    documents: int
    """Distinct documents among the inputs."""
    results: Counter[Result] = field(default_factory=Counter)
    """This run's documents, by result."""
    skipped: int = 0
    """Committed by an earlier run."""
    duplicates: int = 0
    """Inputs byte-identical to another input."""
    pages: int = 0
    seconds: float = 0.0
    not_ok: int = 0
    """Documents of the whole input set, this run's or earlier, that are not ``ok``."""
    rows: dict[str, int] = field(default_factory=dict)

    def table(self) -> RichTable:
        table = RichTable(title=f"budgetlens run → {self.out_dir}")
        table.add_column("")
        table.add_column("documents", justify="right")
        for result in Result:
            table.add_row(result.value, str(self.results[result]))
        table.add_row("already committed (skipped)", str(self.skipped))
        table.add_row("byte-identical inputs (done once)", str(self.duplicates))
        rate = self.pages / self.seconds if self.seconds else 0.0
        table.add_section()
        table.add_row("pages processed", str(self.pages))
        table.add_row("wall time", f"{self.seconds:.1f} s ({rate:.1f} pages/s)")
        return table


def largest_first(jobs: list[Job]) -> list[Job]:
    """The jobs by page count, largest first (input order among equals): a batch whose long documents come last
    ends with one worker busy and the others idle; scheduled first, they overlap with the many short ones."""
    return sorted(jobs, key=lambda job: job.pages, reverse=True)


class Backend(Protocol):
    """Runs `extract.batch.work.work` on jobs: `LocalBackend` (a process pool) or `RayBackend`."""

    def start(self) -> None: ...

    def run(self, jobs: Iterable[Job]) -> Iterator[Outcome]: ...


def _backend(settings: BatchSettings, options: Options) -> Backend:
    if settings.backend == "ray":
        from extract.batch.ray_backend import RayBackend

        return RayBackend(settings.workers, options, settings.limits, settings.ray_address or os.environ.get("RAY_ADDRESS"))
    return LocalBackend(settings.workers, options, settings.limits)


def _refuse_changed_fingerprint(ledger: Ledger, current: dict[str, str], out_dir: Path) -> None:
    stored = ledger.stored_fingerprint()
    if stored is None and any((out_dir / f"{name}.parquet").exists() for name in SCHEMAS):
        raise RunRefused(f"{out_dir} holds a dataset written without a ledger: rerun with --force to redo it, or use a new --out")
    if stored is not None and stored != current:
        changes = "; ".join(
            f"{key}: {stored.get(key)} → {current.get(key)}"
            for key in sorted({*stored, *current})
            if stored.get(key) != current.get(key)
        )
        raise RunRefused(f"{out_dir} was made by another pipeline ({changes}): rerun with --force to redo it, or use a new --out")


class RunLog:
    """``DIR/run.jsonl``: a line when a run starts and one per document as it finishes (for ``tail -f``)."""

    def __init__(self, path: Path) -> None:
        self._file: IO = open(path, "a", encoding="utf-8")  # noqa: SIM115 -- closed by close()

    def write(self, event: str, **fields) -> None:
        line = {"time": datetime.now(UTC).isoformat(timespec="milliseconds"), "event": event, **fields}
        self._file.write(json.dumps(line, ensure_ascii=False) + "\n")
        self._file.flush()

    def document(self, outcome: Outcome) -> None:
        self.write(
            "document",
            doc_id=outcome.doc_id,
            path=outcome.path,
            result=outcome.result.value,
            pages=outcome.pages,
            seconds=round(outcome.seconds, 3),
            cpu_seconds=round(outcome.cpu_seconds, 3),
            error=outcome.error,
        )

    def close(self) -> None:
        self._file.close()


def _progress(console: Console) -> Progress:
    return Progress(
        TextColumn("{task.fields[documents]}/{task.fields[total_documents]} documents"),
        BarColumn(),
        TextColumn("{task.completed:.0f}/{task.total:.0f} pages"),
        TextColumn("{task.fields[rate]:.1f} pages/s"),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        TextColumn("[red]{task.fields[failures]} failed"),
        console=console,
        transient=True,
    )


class _Chunk:
    """Outcomes waiting to be committed."""

    def __init__(self, settings: BatchSettings) -> None:
        self.settings = settings
        self.outcomes: list[Outcome] = []
        self.since = 0.0

    def add(self, outcome: Outcome) -> None:
        if not self.outcomes:
            self.since = time.monotonic()
        self.outcomes.append(outcome)

    def full(self) -> bool:
        return len(self.outcomes) >= self.settings.chunk_documents or time.monotonic() - self.since >= self.settings.chunk_seconds

    def take(self) -> list[Outcome]:
        outcomes, self.outcomes = self.outcomes, []
        return outcomes


def run_batch(inputs: list[Path], settings: BatchSettings, *, list_files: list[Path] = (), console: Console) -> Summary:
    """Process every input not yet committed in ``settings.out_dir``, then compact the dataset and `finish` it."""
    sources = gather(inputs, list_files)
    if not sources:
        raise RunRefused("no input files found")
    options = Options(
        ocr=settings.ocr, memory_limit_mb=settings.memory_limit_mb, ocr_threads=max(1, (os.cpu_count() or 1) // settings.workers)
    )
    backend = _backend(settings, options)
    backend.start()
    current = fingerprint(options)
    start = time.perf_counter()
    with Ledger(settings.out_dir) as ledger:
        if settings.force:
            ledger.reset()
        _refuse_changed_fingerprint(ledger, current, settings.out_dir)
        ledger.sweep()
        ledger.set_fingerprint(current)
        jobs, duplicates = make_jobs(sources)
        committed = ledger.committed(current, retry_failed=settings.retry_failed)
        todo = largest_first([job for job in jobs if job.doc_id not in committed])
        summary = Summary(
            settings.out_dir, len(jobs), skipped=len(jobs) - len(todo), duplicates=sum(map(len, duplicates.values()))
        )
        log = RunLog(settings.out_dir / RUN_LOG)
        log.write(
            "start", backend=settings.backend, workers=settings.workers, documents=len(jobs), to_do=len(todo), fingerprint=current
        )
        try:
            for outcome in _committed_outcomes(todo, settings, backend, ledger, current, console):
                log.document(outcome)
                summary.results[outcome.result] += 1
                summary.pages += outcome.pages
        finally:
            log.close()
        results = ledger.results(current)
        summary.not_ok = sum(1 for job in jobs if results.get(job.doc_id) != Result.OK)
    summary.rows = compact(settings.out_dir)
    finish(settings.out_dir)
    summary.seconds = time.perf_counter() - start
    return summary


def _committed_outcomes(
    todo: list[Job], settings: BatchSettings, backend: Backend, ledger: Ledger, current: dict[str, str], console: Console
) -> Iterator[Outcome]:
    """Run the jobs, commit their outcomes chunk by chunk, and yield each one; on an interruption the outcomes
    received so far are committed before it goes on up."""
    if not todo:
        return
    chunk = _Chunk(settings)
    pages_total = sum(max(job.pages, 1) for job in todo)
    with _progress(console) as progress:
        task = progress.add_task("run", total=pages_total, documents=0, total_documents=len(todo), rate=0.0, failures=0)
        start = time.perf_counter()
        pages_of = {job.doc_id: max(job.pages, 1) for job in todo}
        done = failures = 0
        try:
            for outcome in backend.run(todo):
                chunk.add(outcome)
                if chunk.full():
                    ledger.commit(chunk.take(), current)
                done += 1
                failures += outcome.result not in (Result.OK, Result.REJECTED)
                rate = progress.tasks[0].completed / max(time.perf_counter() - start, 1e-9)
                progress.update(task, advance=pages_of[outcome.doc_id], documents=done, failures=failures, rate=rate)
                if outcome.result not in (Result.OK, Result.REJECTED):
                    console.print(f"[red]✗[/red] {outcome.path}: {outcome.error}")
                yield outcome
        finally:
            if chunk.outcomes:
                ledger.commit(chunk.take(), current)
