"""The Ray backend: the same `extract.batch.work.work` as Ray tasks; outcomes go through the same ledger and writer.

``ray.init()`` with no address starts a local cluster with ``workers`` CPUs; ``--ray-address`` (or the RAY_ADDRESS
environment variable) joins an existing cluster, whose nodes need budgetlens installed. Ray retries a task whose
worker died (``retries`` times) and replaces a worker after ``recycle`` tasks (``max_calls``). No more tasks are
in flight than the cluster has CPUs, so a task starts when it is submitted and its time limit counts from then; a
task past its limit is cancelled (its worker killed) and reported as ``timeout``. Ray does not pass a dead
worker's exit status on, so a worker stopped by our memory guard reads as ``worker crashed``; Ray's own memory
monitor reports ``memory limit``.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Iterable, Iterator

from extract.batch.inputs import Job
from extract.batch.local import Limits
from extract.batch.work import Options, Outcome, Result, failed_outcome, work


class RayUnavailable(RuntimeError):
    """Ray is not installed."""


def _import_ray():
    try:
        import ray
    except ImportError as exc:
        raise RayUnavailable(f"--backend ray needs Ray ({exc}): pip install 'budgetlens[ray]'") from exc
    return ray


class RayBackend:
    def __init__(self, workers: int, options: Options, limits: Limits, address: str | None = None) -> None:
        self.workers = workers
        self.options = options
        self.limits = limits
        self.address = address
        self.ray = _import_ray()

    def start(self) -> None:
        """Nothing to start ahead: `run` joins or starts the cluster (a run with nothing to do starts none)."""

    def run(self, jobs: Iterable[Job]) -> Iterator[Outcome]:
        ray = self.ray
        started_here = not ray.is_initialized()
        if started_here:
            local = {"num_cpus": self.workers} if not self.address else {}
            ray.init(address=self.address, include_dashboard=False, log_to_driver=False, **local)
        remote = ray.remote(num_cpus=1, max_calls=self.limits.recycle, max_retries=self.limits.retries)(work)
        slots = max(1, int(ray.cluster_resources().get("CPU", self.workers)))
        queue = deque(jobs)
        running: dict = {}
        try:
            while queue or running:
                while queue and len(running) < slots:
                    job = queue.popleft()
                    running[remote.remote(job, self.options)] = (job, time.perf_counter())
                done, _ = ray.wait(list(running), num_returns=1, timeout=1.0)
                for ref in done:
                    job, started = running.pop(ref)
                    yield self._outcome(ref, job, time.perf_counter() - started)
                now = time.perf_counter()
                for ref, (job, started) in list(running.items()):
                    if now - started > self.limits.seconds(job):
                        ray.cancel(ref, force=True)
                        del running[ref]
                        yield failed_outcome(job, Result.TIMEOUT, self.limits.timeout_detail(job), now - started)
        finally:
            for ref in running:
                ray.cancel(ref, force=True)
            if started_here:
                ray.shutdown()

    def _outcome(self, ref, job: Job, seconds: float) -> Outcome:
        exceptions = self.ray.exceptions
        try:
            return self.ray.get(ref)
        except exceptions.OutOfMemoryError as exc:
            return failed_outcome(job, Result.MEMORY, f"Ray's memory monitor killed the worker ({type(exc).__name__})", seconds)
        except exceptions.WorkerCrashedError:
            return failed_outcome(job, Result.CRASHED, f"the Ray worker died ({self.limits.retries + 1} tries)", seconds)
        except exceptions.RayError as exc:
            return failed_outcome(job, Result.ERROR, f"internal error: {type(exc).__name__}: {exc}", seconds)
