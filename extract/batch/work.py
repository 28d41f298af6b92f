"""The per-document work of a bulk run, as the worker processes (pebble or Ray) run it.

`work` wraps `extract.pipeline.process`: it turns the Document into its rows (`extract.dataset.export.ROWS`, as Arrow
tables) and its JSON, so the driver only writes. Every way a document can fail ends as an `Outcome` with one
of the `Result` classes; the backends build the outcomes for deaths the worker cannot report itself
(`failed_outcome`).

A worker loads the tagger once (`prepare_worker`, the pool's initializer), the OCR engine once at its first
scanned page, and runs a memory guard: a thread that reads the process's resident memory every 0.1 s and, past
the cap, ends the process with exit status `MEMORY_LIMIT_EXIT`, which the local backend reports as ``memory
limit``. The guard runs between Python bytecodes, so one allocation made inside a C call is seen when that call
returns.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import json
import os
import signal
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from importlib import metadata

import psutil
import pyarrow as pa

from extract import __version__
from extract.batch.inputs import Job
from extract.dataset.export import ROWS, SCHEMAS
from extract.model import Document, DocumentStatus
from extract.ocr.engine import DET_MODEL, REC_MODEL, default_engine
from extract.parse.document import OcrMode
from extract.pipeline import process, source_format
from extract.tag.base import load_tagger

MEMORY_LIMIT_EXIT = 86
"""Exit status of a worker that the memory guard stopped."""

TEST_FAULTS_ENV = "BUDGETLENS_TEST_FAULTS"
"""Test-only hook, read only here in the worker: a JSON object mapping an input's file name to ``hang`` (sleep
forever), ``abort`` (`os.abort`, a crashing worker) or ``allocate`` (grow resident memory by 64 MiB steps up to
4 GiB). It exists so the isolation test can make real documents misbehave; never set it in production."""


class Result(StrEnum):
    """How a document ended. ``ok``/``rejected``/``error`` come from the pipeline (``error``: it failed on the
    document, e.g. a corrupt file, or raised); the others from the worker's isolation."""

    OK = "ok"
    REJECTED = "rejected"
    ERROR = "error"
    TIMEOUT = "timeout"
    CRASHED = "worker crashed"
    MEMORY = "memory limit"


@dataclass(frozen=True)
class Options:
    """What the workers need to know. Only ``ocr`` changes the output, so only it enters the fingerprint."""

    ocr: OcrMode = "auto"
    memory_limit_mb: int = 2048
    """Per-worker cap on resident memory; 0: no cap."""
    ocr_threads: int = 1
    """onnxruntime threads per worker: the cores divided among the workers."""


def fingerprint(options: Options) -> dict[str, str]:
    """What the output depends on besides the input bytes: our version, the tagger's and the OCR models', the options."""
    tagger = load_tagger("default")
    return {
        "budgetlens": __version__,
        "tagger": f"{tagger.backend} {tagger.version}",
        "ocr_models": f"{DET_MODEL} {REC_MODEL} rapidocr {metadata.version('rapidocr')}",
        "ocr": options.ocr,
    }


@dataclass
class Outcome:
    """One finished document: its rows per table, its JSON (None when it has no pages) and how it ended."""

    doc_id: str
    path: str
    result: Result
    pages: int
    seconds: float
    error: str | None
    tables: dict[str, pa.Table] = field(repr=False)
    document_json: str | None = field(default=None, repr=False)
    cpu_seconds: float = 0.0
    """CPU time of the worker process (all its threads) on this document: its cost on an idle machine."""

    @property
    def status(self) -> DocumentStatus:
        return {Result.OK: DocumentStatus.OK, Result.REJECTED: DocumentStatus.REJECTED}.get(self.result, DocumentStatus.FAILED)


def outcome_of(doc: Document, result: Result, seconds: float) -> Outcome:
    return Outcome(
        doc_id=doc.doc_id,
        path=doc.path,
        result=result,
        pages=len(doc.pages),
        seconds=seconds,
        error=doc.error,
        tables={name: pa.Table.from_pylist(rows(doc), schema=SCHEMAS[name]) for name, rows in ROWS.items()},
        document_json=doc.model_dump_json() if doc.pages else None,
    )


def failed_outcome(job: Job, result: Result, detail: str, seconds: float = 0.0) -> Outcome:
    """A failed document without a Document from the pipeline (its worker died, timed out or raised): one failed row,
    its error the reason followed by the detail (``timeout: …``, ``worker crashed: …``, ``memory limit: …``)."""
    error = detail if result is Result.ERROR else f"{result.value}: {detail}"
    status, kind = DocumentStatus.FAILED, source_format(job.source)
    doc = Document(doc_id=job.doc_id, path=str(job.source), status=status, error=error, source_format=kind)
    return outcome_of(doc, result, seconds)


_PREPARED: list[Options] = []
"""The options this process was prepared with (empty until `prepare_worker` has run)."""


def _libc_malloc_trim() -> Callable[[int], int] | None:
    name = ctypes.util.find_library("c")
    try:
        return ctypes.CDLL(name).malloc_trim if name else None
    except (OSError, AttributeError):  # not glibc
        return None


_MALLOC_TRIM = _libc_malloc_trim()
"""glibc's malloc_trim: an OCR'd page leaves ~300 MiB of freed heap that glibc keeps unless asked (measured: a
worker at 689 MiB after the 江苏政协 2019 file goes back to 382 MiB), so a worker's resident memory between
documents would otherwise depend on which documents it has seen."""


def _guard_memory(limit_bytes: int) -> None:
    process_info = psutil.Process()
    while True:
        if process_info.memory_info().rss > limit_bytes:
            os._exit(MEMORY_LIMIT_EXIT)
        time.sleep(0.1)


def prepare_worker(options: Options) -> None:
    """Once per worker process: start the memory guard, load the tagger and set the OCR engine's threads. The OCR
    models load at the first page that needs them, once per worker: a worker that only meets digital pages (most
    of a batch, and every worker replaced after ``recycle`` documents) does not pay ~0.6 s and ~100 MiB for them.
    Ctrl-C is the driver's to handle (it commits what has finished): a worker ignores it rather than fail its
    document."""
    if _PREPARED:
        return
    _PREPARED.append(options)
    if threading.current_thread() is threading.main_thread():  # a Ray worker may run tasks on another thread
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    if options.memory_limit_mb:
        limit = options.memory_limit_mb * 2**20
        threading.Thread(target=_guard_memory, args=(limit,), daemon=True, name="memory-guard").start()
    load_tagger("default")
    default_engine().threads = options.ocr_threads


def _inject_test_fault(job: Job) -> None:
    fault = json.loads(os.environ.get(TEST_FAULTS_ENV, "{}")).get(job.name)
    if fault == "hang":
        while True:
            time.sleep(1)
    elif fault == "abort":
        os.abort()
    elif fault == "allocate":
        blocks = []
        for _ in range(64):  # a leak, as a document that renders ever larger images would cause
            blocks.append(b"x" * 2**26)
            time.sleep(0.02)


def work(job: Job, options: Options) -> Outcome:
    """Process one document in this worker; never raises for a bad document."""
    prepare_worker(options)
    if TEST_FAULTS_ENV in os.environ:
        _inject_test_fault(job)
    start, cpu_start = time.perf_counter(), time.process_time()
    try:
        doc = process(job.source, ocr=options.ocr)
    except MemoryError:
        return failed_outcome(job, Result.MEMORY, "out of memory in the pipeline", time.perf_counter() - start)
    except Exception as exc:
        detail = traceback.format_exception_only(exc)[-1].strip()
        return failed_outcome(job, Result.ERROR, f"internal error: {detail}", time.perf_counter() - start)
    result = {DocumentStatus.OK: Result.OK, DocumentStatus.REJECTED: Result.REJECTED}.get(doc.status, Result.ERROR)
    outcome = outcome_of(doc, result, time.perf_counter() - start)
    read_by_ocr = any(page.ocr for page in doc.pages)
    del doc
    if read_by_ocr and _MALLOC_TRIM is not None:  # only OCR leaves that much behind; trimming costs the next document
        _MALLOC_TRIM(0)
    outcome.cpu_seconds = time.process_time() - cpu_start
    return outcome
