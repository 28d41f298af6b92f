"""Bulk runs (`budgetlens run`, extract/batch/) measured: kills and resume, speed, throughput, Ray, a soak.

Every run is `python -m extract.cli run … --out DIR` in a child process of its own process group, like a user's.
Pages/s is the pages of the documents processed divided by the time from the run's start line in run.jsonl to its
last document line (the workers' start included; the driver's imports and compaction excluded); "wall" is the
whole command.
Variants of a PDF get a comment appended after its end (``%bench <n>``), so their bytes, and so doc_ids, differ.

    python scripts/bench_bulk.py [--parts kill,speed,throughput,ray,soak] [--kill-trials 5] [--soak-documents 1000]
                                 [--soak-workers 2,1]

Parts:
  kill        the corpus PDFs: an uninterrupted run, then per trial 1–3 SIGKILLs of the whole process group at random
              moments and a rerun of the same command: the dataset must equal the uninterrupted one, row for row
  speed       the corpus PDFs with --workers 1 and --workers 2: pages/s and the ratio
  throughput  the corpus PDFs × 3 (byte variants) with --workers 2, then --workers 1, default options
  ray         the corpus PDFs with --backend ray --workers 2 (a local 2-CPU cluster): pages/s, same dataset as local
  soak        N documents (corpus, sample and the rendered seed, cycled as byte variants), once per --soak-workers
              count: driver and worker RSS around documents 100 and N − 40 (medians), the workers' peak RSS, pages/s,
              and the ratio of pages/s between the counts (the workers' start weighs nothing over N documents)
Print the load average with each figure: the machine is shared.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extract.batch.compact import read_dataset  # noqa: E402
from extract.dataset.export import PRIMARY_KEYS  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus" / "pdf"
EXTRA = [ROOT / "samples" / "sample_final_2023.pdf", ROOT / "tests" / "fixtures" / "seed000_final_2022.pdf"]


def load() -> str:
    return "load average " + " ".join(f"{x:.1f}" for x in os.getloadavg())


def variants(sources: list[Path], count: int, folder: Path) -> list[Path]:
    """``count`` PDFs cycling over ``sources``, each with distinct bytes (a PDF comment appended after %%EOF)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n, source in zip(range(count), itertools.cycle(sources), strict=False):
        path = folder / f"{n:05d}_{source.name}"
        path.write_bytes(source.read_bytes() + f"\n%bench {n}\n".encode())
        paths.append(path)
    return paths


def command(inputs: list[Path], out: Path, *options: str) -> list[str]:
    return [sys.executable, "-m", "extract.cli", "run", *map(str, inputs), "--out", str(out), *options]


def start(inputs: list[Path], out: Path, *options: str) -> subprocess.Popen:
    return subprocess.Popen(
        command(inputs, out, *options), cwd=ROOT, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def log_lines(out: Path) -> list[dict]:
    path = out / "run.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []


def run(inputs: list[Path], out: Path, *options: str) -> dict:
    """One complete run: its exit code, wall time, pages and pages/s (from run.jsonl's last start line)."""
    began = time.perf_counter()
    code = subprocess.run(command(inputs, out, *options), cwd=ROOT, capture_output=True).returncode
    wall = time.perf_counter() - began
    lines = log_lines(out)
    last_start = max(k for k, line in enumerate(lines) if line["event"] == "start")
    documents = [line for line in lines[last_start + 1 :] if line["event"] == "document"]
    pages = sum(line["pages"] for line in documents)
    span = _seconds(lines[last_start]["time"], documents[-1]["time"]) if documents else 0.0
    return {
        "code": code,
        "wall_s": round(wall, 1),
        "documents": len(documents),
        "pages": pages,
        "pages_per_s": round(pages / span, 1) if span else 0.0,
        "pages_per_cpu_s": pages_per_cpu_second(documents),
    }


def _seconds(a: str, b: str) -> float:
    from datetime import datetime

    return (datetime.fromisoformat(b) - datetime.fromisoformat(a)).total_seconds()


def pages_per_cpu_second(documents: list[dict]) -> float:
    """Pages per second of worker CPU time (all threads): what one idle core would do, whatever the machine's load."""
    cpu = sum(line.get("cpu_seconds", 0.0) for line in documents)
    return round(sum(line["pages"] for line in documents) / cpu, 1) if cpu else 0.0


def duplicate_keys(out: Path) -> int:
    rows = read_dataset(out)
    return sum(len(rows[name]) - len({tuple(r[k] for k in keys) for r in rows[name]}) for name, keys in PRIMARY_KEYS.items())


def bench_kill(pdfs: list[Path], work: Path, trials: int, rng: random.Random) -> None:
    reference = work / "kill_reference"
    print("kill: uninterrupted run", run(pdfs, reference, "--workers", "2"), load(), flush=True)
    expected = read_dataset(reference)
    for trial in range(trials):
        out = work / f"kill_{trial}"
        kills = rng.randint(1, 3)
        for _ in range(kills):
            process = start(pdfs, out, "--workers", "2", "--chunk", "2")
            target = len(log_lines(out)) + 1 + rng.randint(0, 6)
            while len(log_lines(out)) < target and process.poll() is None:
                time.sleep(0.05)
            time.sleep(rng.uniform(0.0, 3.0))
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        committed = sum(1 for line in log_lines(out) if line["event"] == "document")
        result = run(pdfs, out, "--workers", "2", "--chunk", "2")
        same = read_dataset(out) == expected
        print(
            f"kill trial {trial + 1}: {kills} SIGKILLs, {committed} documents finished before them; "
            f"rerun {result}; dataset equal: {same}; duplicate keys: {duplicate_keys(out)}",
            load(),
            flush=True,
        )


def bench_speed(pdfs: list[Path], work: Path) -> None:
    one = run(pdfs, work / "speed_1", "--workers", "1")
    print("speed --workers 1:", one, load(), flush=True)
    two = run(pdfs, work / "speed_2", "--workers", "2")
    print("speed --workers 2:", two, load(), flush=True)
    print(f"speed ratio 2 workers / 1 worker: {two['pages_per_s'] / one['pages_per_s']:.2f}", flush=True)


def bench_throughput(pdfs: list[Path], work: Path) -> None:
    """The corpus × 3 with 2 workers, then with 1: on 42 documents one long document weighs less on the ratio
    than on the 14 of `speed`."""
    inputs = variants(pdfs, 3 * len(pdfs), work / "throughput_in")
    two = run(inputs, work / "throughput", "--workers", "2")
    print("throughput corpus × 3 --workers 2:", two, load(), flush=True)
    one = run(inputs, work / "throughput_1", "--workers", "1")
    print("throughput corpus × 3 --workers 1:", one, load(), flush=True)
    print(f"throughput ratio 2 workers / 1 worker: {two['pages_per_s'] / one['pages_per_s']:.2f}", flush=True)


def bench_ray(pdfs: list[Path], work: Path) -> None:
    result = run(pdfs, work / "ray", "--backend", "ray", "--workers", "2")
    local = work / "speed_2" if (work / "speed_2" / "documents.parquet").exists() else None
    same = read_dataset(work / "ray") == read_dataset(local) if local else "not compared (run --parts speed first)"
    print("ray --workers 2:", result, f"same dataset as local: {same}", load(), flush=True)


def _rss_mib(process: psutil.Process) -> float:
    try:
        return process.memory_info().rss / 2**20
    except psutil.NoSuchProcess:
        return 0.0


def bench_soak(pdfs: list[Path], work: Path, documents: int, workers: int) -> float:
    """One soak run with ``workers`` workers; returns its pages/s. RSS is sampled every 0.5 s; a worker's RSS at one
    instant depends on the document in hand, so RSS "at document 100" is the median of the samples taken while
    documents 80–120 finished (and 40 documents before the last), for the driver and over the workers."""
    inputs = variants([*pdfs, *EXTRA], documents, work / "soak_in")
    out = work / f"soak_{workers}"
    began = time.perf_counter()
    process = start(inputs, out, "--workers", str(workers))
    driver = psutil.Process(process.pid)
    samples: list[tuple[int, float, list[float]]] = []  # (documents done, driver RSS, worker RSS)
    while process.poll() is None:
        processes = [grandchild for child in driver.children() for grandchild in child.children()]  # forkserver → workers
        done = sum(1 for line in log_lines(out) if line["event"] == "document")
        samples.append((done, _rss_mib(driver), [rss for rss in map(_rss_mib, processes) if rss]))
        time.sleep(0.5)
    lines = log_lines(out)
    documents_done = [line for line in lines if line["event"] == "document"]
    pages = sum(line["pages"] for line in documents_done)
    span = _seconds(lines[0]["time"], lines[-1]["time"])
    last = documents - 10  # at the very last document the pool is already being stopped

    def at(mark: int) -> str:
        window = [(d, w) for done, d, w in samples if mark - 20 <= done <= mark + 20]
        driver_mib = statistics.median(d for d, _ in window) if window else 0.0
        worker_mib = statistics.median(r for _, w in window for r in w) if any(w for _, w in window) else 0.0
        return f"driver {driver_mib:.0f} MiB, workers {worker_mib:.0f} MiB (median of {len(window)} samples)"

    peak_worker = max((r for _, _, w in samples for r in w), default=0.0)
    print(
        f"soak {documents} documents --workers {workers}: exit {process.returncode}, wall {time.perf_counter() - began:.0f} s, "
        f"{pages} pages, {pages / span:.1f} pages/s, {pages_per_cpu_second(documents_done)} pages/CPU-s; "
        f"RSS at document 100: {at(100)}; at document {last - 30}: {at(last - 30)}; workers' peak RSS {peak_worker:.0f} MiB",
        load(),
        flush=True,
    )
    return pages / span


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parts", default="kill,speed,throughput,ray,soak")
    parser.add_argument("--kill-trials", type=int, default=5)
    parser.add_argument("--soak-documents", type=int, default=1000)
    parser.add_argument("--soak-workers", default="2,1", help="worker counts, one soak run each")
    parser.add_argument("--work", type=Path, default=Path("/tmp/bench_bulk"))
    args = parser.parse_args()
    shutil.rmtree(args.work, ignore_errors=True)
    args.work.mkdir(parents=True)
    pdfs = sorted(CORPUS.glob("*.pdf"))
    rng = random.Random(23)
    parts = args.parts.split(",")
    print(f"{len(pdfs)} corpus PDFs, {os.cpu_count()} cores, {load()}", flush=True)
    if "kill" in parts:
        bench_kill(pdfs, args.work, args.kill_trials, rng)
    if "speed" in parts:
        bench_speed(pdfs, args.work)
    if "throughput" in parts:
        bench_throughput(pdfs, args.work)
    if "ray" in parts:
        bench_ray(pdfs, args.work)
    if "soak" in parts:
        rates = {n: bench_soak(pdfs, args.work, args.soak_documents, n) for n in map(int, args.soak_workers.split(","))}
        for n in sorted(rates)[1:]:
            print(f"soak ratio {n} workers / {min(rates)} worker(s): {rates[n] / rates[min(rates)]:.2f}", flush=True)


if __name__ == "__main__":
    main()
