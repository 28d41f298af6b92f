"""The local backend: a pebble process pool on this machine.

pebble, not `concurrent.futures`: there one dead worker breaks every pending future (`BrokenProcessPool`); in a
pebble pool a timeout kills only that document's worker and a dead worker fails only its own document, and the
pool starts a replacement (docs/batch.md). Workers come from a forkserver that has imported the pipeline and run it
once (`extract.batch.warm`), so a new worker (at the start, after ``recycle`` documents, or after a death) is a
clean fork that starts warm.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.forkserver
import signal
import time
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, wait
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass

from pebble import ProcessExpired, ProcessPool

from extract.batch.inputs import Job
from extract.batch.work import MEMORY_LIMIT_EXIT, Options, Outcome, Result, failed_outcome, prepare_worker, work


@dataclass(frozen=True)
class Limits:
    """How long a document may take, how often a crashed one is tried again, when a worker is replaced."""

    seconds_per_page: float = 30.0
    retries: int = 1
    """Further tries for a document whose worker crashed (a timeout or the memory cap is not retried)."""
    recycle: int = 25
    """A worker is replaced after this many documents (memory that a long-lived process accumulates goes with it)."""

    def seconds(self, job: Job) -> float:
        return self.seconds_per_page * max(job.pages, 1)

    def timeout_detail(self, job: Job) -> str:
        return f"no result after {self.seconds(job):.0f} s ({self.seconds_per_page:g} s/page × {max(job.pages, 1)} pages)"


def exit_detail(code: int | None) -> str:
    if code is not None and code < 0:
        return f"killed by {signal.Signals(-code).name}"
    return f"exit status {code}"


class LocalBackend:
    def __init__(self, workers: int, options: Options, limits: Limits) -> None:
        self.workers = workers
        self.options = options
        self.limits = limits
        self.context = multiprocessing.get_context("forkserver")
        self.context.set_forkserver_preload(["extract.batch.work", "extract.batch.warm"])

    def start(self) -> None:
        """Start the forkserver now: its imports (~1.5 s) then overlap with the driver hashing the inputs."""
        multiprocessing.forkserver.ensure_running()

    def run(self, jobs: Iterable[Job]) -> Iterator[Outcome]:
        """Outcomes in the order they finish."""
        pool = ProcessPool(
            max_workers=self.workers,
            max_tasks=self.limits.recycle,
            initializer=prepare_worker,
            initargs=(self.options,),
            context=self.context,
        )
        queue = deque(jobs)
        running: dict[Future, tuple[Job, int, float]] = {}
        try:
            while queue or running:
                while queue and len(running) < 2 * self.workers:  # a short queue per worker, not the whole batch
                    self._schedule(pool, running, queue.popleft(), attempt=1)
                done, _ = wait(running, timeout=1.0, return_when=FIRST_COMPLETED)
                for future in done:
                    job, attempt, started = running.pop(future)
                    outcome = self._outcome(future, job, time.perf_counter() - started)
                    if outcome.result is Result.CRASHED and attempt <= self.limits.retries:
                        self._schedule(pool, running, job, attempt + 1)
                        continue
                    yield outcome
        finally:
            pool.stop()
            pool.join()

    def _schedule(self, pool: ProcessPool, running: dict, job: Job, attempt: int) -> None:
        future = pool.schedule(work, args=(job, self.options), timeout=self.limits.seconds(job))
        running[future] = (job, attempt, time.perf_counter())

    def _outcome(self, future: Future, job: Job, seconds: float) -> Outcome:
        try:
            return future.result()
        except FutureTimeout:
            return failed_outcome(job, Result.TIMEOUT, self.limits.timeout_detail(job), seconds)
        except ProcessExpired as exc:
            if exc.exitcode == MEMORY_LIMIT_EXIT:
                detail = f"the worker passed the {self.options.memory_limit_mb} MiB cap on resident memory"
                return failed_outcome(job, Result.MEMORY, detail, seconds)
            return failed_outcome(job, Result.CRASHED, exit_detail(exc.exitcode), seconds)
        except Exception as exc:  # the result could not be sent back (e.g. not picklable): a bug, kept per document
            return failed_outcome(job, Result.ERROR, f"internal error: {type(exc).__name__}: {exc}", seconds)
