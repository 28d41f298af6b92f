"""Parsing speed over the corpus: pages per second, on one core and on all cores.

Runs the whole pipeline (parse → tables → line items → reconciliation) on every PDF in the
corpus folder with OCR off (`--ocr auto` also OCRs the corpus's image-only cover page, which
is measured by scripts/bench_scans.py instead),
`--repeat` times, first in this process (one core), then with a process pool of `--workers`.
Prints pages/s and pages/s/core; record the figures in docs/benchmarks.md.

    python scripts/bench_parse.py [--corpus ../shared/corpus/pdf] [--workers 2] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import time
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from pathlib import Path

from extract.pipeline import process


def _pages(path: Path, ocr: str = "off") -> int:
    return len(process(path, ocr=ocr).pages)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "pdf"
    parser.add_argument("--corpus", type=Path, default=default)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--ocr", choices=["off", "auto"], default="off")
    args = parser.parse_args()
    count = partial(_pages, ocr=args.ocr)
    files = sorted(args.corpus.glob("*.pdf")) * args.repeat
    count(files[0])  # warm-up: imports and pymupdf initialisation

    start = time.perf_counter()
    pages = sum(count(f) for f in files)
    serial = time.perf_counter() - start
    print(f"1 process : {pages} pages in {serial:.2f} s = {pages / serial:.1f} pages/s/core")

    with ProcessPoolExecutor(args.workers) as pool:
        list(pool.map(count, files[: args.workers]))  # start the workers
        start = time.perf_counter()
        pages = sum(pool.map(count, files))
        parallel = time.perf_counter() - start
    print(
        f"{args.workers} processes: {pages} pages in {parallel:.2f} s = {pages / parallel:.1f} pages/s "
        f"({pages / parallel / args.workers:.1f} pages/s/core)"
    )


if __name__ == "__main__":
    main()
