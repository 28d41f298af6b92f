"""Load benchmark of the review server: concurrent reviewers posting decisions through the JSON API.

    python scripts/bench_review.py OUT_DIR [--clients 20] [--decisions 2000] [--items 300]

OUT_DIR is a `budgetlens run` output folder; it is copied to a temporary folder, a server is started on 127.0.0.1 in
its own process (`budgetlens review serve`), and each client thread loops: pick one of `--items` items at random (so
clients collide), read its version, post a decision (accept or correct, with a fresh request_id), and on 409 read the
version again and retry. Afterwards the event log is compared with what the clients were told: every 200 must be
exactly one event (0 lost, 0 duplicated), and every item's versions must run 1, 2, … without a gap. Prints decision
latency p50/p95 (of the POSTs that were answered 200 or 409) and the rate of 409s.
"""

from __future__ import annotations

import argparse
import random
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

import httpx

from extract.review.dataset import OutputFolder
from extract.review.items import dataset_items
from extract.review.store import Store


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_up(url: str, token: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + "/api/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError("the review server did not start")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out_dir", type=Path)
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--decisions", type=int, default=2000)
    ap.add_argument("--items", type=int, default=300, help="how many items the clients share (fewer → more collisions)")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="bench-review-"))
    out = Path(shutil.copytree(args.out_dir, work / "out", ignore=shutil.ignore_patterns("review", "review.sqlite*")))
    store = Store(out / "review.sqlite")
    tokens = [store.add_user(f"r{k}") for k in range(args.clients)]
    rng = random.Random(args.seed)
    items = [i for i in dataset_items(OutputFolder(out).table) if i.kind in ("cell", "record", "sentence")]
    items = rng.sample(items, min(args.items, len(items)))
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "extract.cli", "review", "serve", str(out), "--port", str(port)], stdout=subprocess.DEVNULL
    )
    try:
        wait_up(url, tokens[0])
        told: list[tuple[str, int, str]] = []
        latencies: list[float] = []
        conflicts = Counter()
        lock = threading.Lock()
        remaining = [args.decisions]

        def reviewer(k: int) -> None:
            local = random.Random(args.seed + k)
            with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {tokens[k]}"}, timeout=60) as client:
                while True:
                    with lock:
                        if remaining[0] <= 0:
                            return
                        remaining[0] -= 1
                    item = local.choice(items)
                    while True:
                        version = client.get(f"/api/items/{item.item_id}").json()["version"]
                        body = {"action": "accept", "base_version": version, "request_id": uuid.uuid4().hex, "seconds": 1.0}
                        if item.kind == "cell" and local.random() < 0.3:
                            body |= {"action": "correct", "payload": {"name": f"{item.suggestion['name']}·{k}"}}
                        t0 = time.perf_counter()
                        response = client.post(f"/api/items/{item.item_id}/decision", json=body)
                        elapsed = time.perf_counter() - t0
                        with lock:
                            latencies.append(elapsed)
                        if response.status_code == 409:
                            with lock:
                                conflicts[k] += 1
                            continue
                        response.raise_for_status()
                        with lock:
                            told.append((item.item_id, response.json()["version"], body["request_id"]))
                        break

        t0 = time.perf_counter()
        threads = [threading.Thread(target=reviewer, args=(k,)) for k in range(args.clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - t0
    finally:
        server.terminate()
        server.wait(30)

    with sqlite3.connect(out / "review.sqlite") as db:
        events = db.execute("SELECT item_id, version, request_id FROM events WHERE action != 'skip'").fetchall()
    logged = Counter(events)
    promised = Counter(told)
    lost = sum((promised - logged).values())
    duplicated = sum(n - 1 for n in logged.values() if n > 1) + sum((logged - promised).values())
    gaps = 0
    by_item: dict[str, list[int]] = {}
    for item_id, version, _ in events:
        by_item.setdefault(item_id, []).append(version)
    for versions in by_item.values():
        gaps += sorted(versions) != list(range(1, len(versions) + 1))
    ms = sorted(1000 * x for x in latencies)
    p50, p95 = statistics.median(ms), ms[int(0.95 * (len(ms) - 1))]
    print(
        f"{args.clients} clients, {len(told)} decisions on {len(by_item)} items in {wall:.1f} s "
        f"({len(told) / wall:.0f} decisions/s); {sum(conflicts.values())} answered 409 and retried"
    )
    print(f"events logged {len(events)}; lost {lost}; duplicated {duplicated}; items with a version gap {gaps}")
    print(f"decision POST latency: p50 {p50:.1f} ms, p95 {p95:.1f} ms (n = {len(ms)})")
    shutil.rmtree(work)
    return 0 if lost == duplicated == gaps == 0 and len(told) == args.decisions else 1


if __name__ == "__main__":
    raise SystemExit(main())
