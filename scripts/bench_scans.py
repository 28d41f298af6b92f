"""Acceptance benchmark for scanned disclosures: digital vs scanned, through `process()`.

For each corpus PDF (the five of `DOCS`, or all 14 with --all-corpus) and the seed render
(tests/fixtures/seed000_final_2022.pdf, its ten 公开表 on pages 5–18): parse the digital file,
choose its table pages (pages where a table with line items starts, up to --table-pages,
most line items first) and one narrative page (most body text, no table, not a TOC), make a
scanned copy of those pages at each --defects level of scripts/make_scans.py (`DEFECTS`: the
default level — 200 dpi, skew ≤ 1.2°, blur 0.6, noise, specks, JPEG 55 — and one harder
level per defect on top of it) and parse it with OCR. Then print, per document and level,

(a) line items: the share of the digital items on the scanned pages (of the tables that
    start on a chosen page) found on the scan with the same table_type, code, column and
    value (multiset match);
(b) CER of the narrative page's text (body and running lines and any table cells, in
    reading order, whitespace removed) vs the same text of the digital parse, as is and with
    full- and half-width forms folded (NFKC: "（1）" and "(1)" look alike on paper); per level,
    the corpus CER (edits over reference characters of every narrative page) and the worst page;
(c) seconds per page: wall time of `process()` on the scan divided by its pages, CPU
    seconds per page (= s/page/core), and the OCR stages (render / prep / det / rec / grid);
    at the end, the resident memory of the process after all the pages it OCR'd.

and a summary of recall per defect level. The `spread` level scans two consecutive portrait pages
side by side on one sheet with a shadow over the fold: each must come back as its own page. Then
the page images /work/shared/corpus/pages/*.png (one document by the grouping rule) against
gbc_shiquan_unit26_pages.json: CER per page and the tables found.

    .venv/bin/python scripts/bench_scans.py --defects default     # ≈ 5 min on 2 cores
    .venv/bin/python scripts/bench_scans.py --defects seals,dpi150,skew3 --skip-png
    .venv/bin/python scripts/bench_scans.py --docs 0 --defects warp,lighting,jpeg40,perspective --skip-png
    .venv/bin/python scripts/bench_scans.py --det-limit 0 --threads 1  # full-size detection, one core
    .venv/bin/python scripts/bench_scans.py --worker-pages 100 --threads 1  # RSS of one worker
    .venv/bin/python scripts/bench_scans.py --densest 27 --threads 1  # CPU s per dense page, one core
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import unicodedata
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import pymupdf  # noqa: E402

from extract.model import Document, LineItem  # noqa: E402
from extract.ocr.engine import RapidOcrEngine  # noqa: E402
from extract.ocr.images import group_images, page_numbers  # noqa: E402
from extract.parse.document import PageReader  # noqa: E402
from extract.pipeline import process  # noqa: E402
from scripts.bench_ocr import cer, levenshtein, sort_boxes  # noqa: E402
from scripts.make_scans import DEFECTS, ScanOptions, make_scan  # noqa: E402

CORPUS = Path("/work/shared/corpus")
DOCS = [
    "gbc_上海市普陀区人民政府万里街道办事处24年预算.pdf",
    "gbc_中共上海市普陀区委社会工作部 2024 年度部门决算.pdf",
    "swu_21_swu_2023_final_accounts__download.jsp.pdf",
    "gbc_shpt_sfj_2026_budget.pdf",
    "ae86_江苏省人民检察院__2018年省检察院部门预算公开.pdf",
]
SEED_RENDER = ROOT / "tests" / "fixtures" / "seed000_final_2022.pdf"
SEED_TABLE_PAGES = list(range(5, 19))
"""The seed render's ten 公开表 (some run over two pages): every page of them is scanned."""
PNG_DIR = CORPUS / "pages"
PNG_TRUTH = PNG_DIR / "gbc_shiquan_unit26_pages.json"
STAGES = ("render", "preprocess", "det", "rec", "grid")


@dataclass
class Timing:
    pages: int = 0
    wall: float = 0.0
    cpu: float = 0.0
    stages: Counter[str] = field(default_factory=Counter)

    def add(self, other: Timing) -> None:
        self.pages += other.pages
        self.wall += other.wall
        self.cpu += other.cpu
        self.stages.update(other.stages)

    def line(self) -> str:
        n = max(self.pages, 1)
        parts = "  ".join(f"{k} {self.stages[k] / n:.2f}" for k in STAGES)
        return f"{self.wall / n:.2f} s/page wall, {self.cpu / n:.2f} CPU s/page  ({parts})"


def timed_process(source: object, engine: RapidOcrEngine) -> tuple[Document, Timing]:
    reader = PageReader("auto", engine)
    wall, cpu = time.perf_counter(), time.process_time()
    doc = process(source, reader=reader)  # type: ignore[arg-type]
    timing = Timing(pages=len(doc.pages), wall=time.perf_counter() - wall, cpu=time.process_time() - cpu)
    for report in reader.reports:
        if report.result is not None:
            t = report.result.timings
            timing.stages.update({k: getattr(t, k) for k in STAGES})
    return doc, timing


def page_text(doc: Document, number: int) -> str:
    """Everything read on the page: body and running lines and table cells, in reading order."""
    page = doc.pages[number - 1]
    boxes = [(line.bbox, line.text) for line in [*page.lines, *page.furniture]]
    boxes += [(c.bbox, c.text) for t in doc.tables for c in t.cells if c.page == number and c.text]
    return "\n".join(text for _, text in sort_boxes(boxes))


def item_key(item: LineItem) -> tuple[str, str | None, str, float]:
    return (item.table_type, item.code, item.column, round(item.value, 2))


def choose_pages(doc: Document, max_tables: int | None) -> tuple[list[int], list[int]]:
    """Table pages (a table with line items starts there, most items first, up to `max_tables`)
    and the narrative pages: the densest one, or every one when `max_tables` is None (whole document)."""
    per_page = Counter(item.page for item in doc.line_items)
    starts = {t.page_start for t in doc.tables if t.table_type != "other"}
    table_pages = sorted((p for p in starts if per_page[p]), key=lambda p: -per_page[p])[:max_tables]
    table_on = {p for t in doc.tables for p in t.pages}
    prose = [p for p in doc.pages if p.number not in table_on and not p.is_toc and p.lines]
    if max_tables is None:
        return sorted(table_pages), [p.number for p in prose]
    densest = max(prose, key=lambda p: sum(len(line.text) for line in p.lines), default=None)
    return sorted(table_pages), [densest.number] if densest else []


@dataclass
class Cer:
    """Character error rate over any number of texts: edits over reference characters (whitespace removed)."""

    edits: int = 0
    chars: int = 0
    worst: float = 0.0
    """The highest CER of one text."""

    @classmethod
    def of(cls, reference: str, read: str) -> Cer:
        ref, hyp = ("".join(text.split()) for text in (reference, read))
        edits = levenshtein(ref, hyp)
        return cls(edits, len(ref), edits / max(len(ref), 1))

    def add(self, other: Cer) -> None:
        self.edits += other.edits
        self.chars += other.chars
        self.worst = max(self.worst, other.worst)

    @property
    def rate(self) -> float:
        return self.edits / max(self.chars, 1)


@dataclass
class Score:
    matched: int = 0
    expected: int = 0
    narrative: Cer = field(default_factory=Cer)
    folded: Cer = field(default_factory=Cer)
    """Full- and half-width forms (（ and (, ． and .) folded: an image does not tell them apart."""
    timing: Timing = field(default_factory=Timing)

    def add(self, other: Score) -> None:
        self.matched += other.matched
        self.expected += other.expected
        self.narrative.add(other.narrative)
        self.folded.add(other.folded)
        self.timing.add(other.timing)

    def recall(self) -> str:
        return f"{self.matched}/{self.expected} = {self.matched / max(self.expected, 1):.1%}"


def bench_pdf(
    pdf: Path,
    engine: RapidOcrEngine,
    options: ScanOptions,
    max_tables: int | None,
    tmp: Path,
    table_pages: list[int] | None = None,
) -> Score:
    """Scan the chosen pages of ``pdf`` (``table_pages`` when given, else `choose_pages`) and compare."""
    digital = process(pdf)
    chosen, narrative = choose_pages(digital, max_tables)
    if table_pages is not None:
        chosen, narrative = table_pages, []
    pages = [p.number for p in digital.pages] if max_tables is None else sorted({*chosen, *narrative})
    scan_path = make_scan(pdf, tmp / f"{pdf.stem}_scan.pdf", options, [p - 1 for p in pages])
    scanned, timing = timed_process(scan_path, engine)
    sheets = pymupdf.open(scan_path).page_count
    to_digital = dict(enumerate(pages, start=1))

    # Items of tables that start on a chosen page, on the pages scanned: a continuation whose
    # title and header are on a page left out of the scan cannot be typed there.
    starts = {t.table_id for t in digital.tables if t.page_start in chosen}
    expected = Counter(item_key(i) for i in digital.line_items if i.table_id in starts and i.page in pages)
    found = Counter(item_key(i) for i in scanned.line_items)
    score = Score(matched=sum((expected & found).values()), expected=sum(expected.values()), timing=timing)
    label = "all pages" if max_tables is None else f"pages {pages}"
    print(f"## {pdf.name}: {label} (tables start on {chosen}, narrative {narrative})")
    print(f"   line items: {score.recall()} matched; scan has {sum(found.values())}")
    if sheets != len(pages) or len(scanned.pages) != len(pages):
        print(f"   {len(pages)} pages scanned on {sheets} sheets, read as {len(scanned.pages)} pages")
    missing = list((expected - found).elements())[:5]
    if missing:
        print(f"   first missing: {missing}")
    if narrative:
        from_digital = {d: k for k, d in to_digital.items()}
        reference = "\n".join(page_text(digital, n) for n in narrative)
        read = "\n".join(page_text(scanned, from_digital[n]) for n in narrative)
        score.narrative = Cer.of(reference, read)
        score.folded = Cer.of(unicodedata.normalize("NFKC", reference), unicodedata.normalize("NFKC", read))
        print(
            f"   narrative ({len(narrative)} pages): CER {score.narrative.rate:.4f}, {score.folded.rate:.4f} with full- and "
            f"half-width forms folded ({score.narrative.chars} chars)"
        )
    print(f"   time: {timing.line()}")
    return score


def bench_png(engine: RapidOcrEngine) -> Timing:
    truth = {item["page"]: item["text"] for item in json.loads(PNG_TRUTH.read_text("utf-8"))}
    (group,) = group_images(sorted(PNG_DIR.glob("*.png")))
    doc, timing = timed_process(group, engine)
    print(f"## {group}: one document of {len(doc.pages)} pages, status {doc.status.value}, kind {doc.meta.kind.value}")
    for index, number in enumerate(page_numbers(group), start=1):
        tables = [f"{t.table_type} ({t.n_rows}×{t.n_cols})" for t in doc.tables if index in t.pages]
        items = sum(1 for i in doc.line_items if i.page == index)
        score = cer(truth.get(number, ""), page_text(doc, index))
        print(f"   p{number:<3} CER {score:.4f}  tables: {', '.join(tables) or '-'}  line items: {items}")
    print(f"   time: {timing.line()}")
    return timing


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=len(DOCS), help="how many of the five corpus PDFs of DOCS")
    parser.add_argument("--all-corpus", action="store_true", help="every corpus PDF instead of DOCS")
    parser.add_argument("--skip-seed", action="store_true", help="leave out the seed render's ten 公开表")
    parser.add_argument("--defects", default="default", help=f"comma-separated levels of {sorted(DEFECTS)}")
    parser.add_argument("--table-pages", type=int, default=3, help="table pages per document")
    parser.add_argument("--whole", action="store_true", help="scan every page of each document")
    parser.add_argument("--det-limit", type=int, default=RapidOcrEngine.det_limit, help="detector input cap (px; 0 = none)")
    parser.add_argument("--threads", type=int, default=None, help="onnxruntime intra-op threads")
    parser.add_argument("--skip-png", action="store_true")
    parser.add_argument("--skip-pdf", action="store_true")
    parser.add_argument("--worker-pages", type=int, default=0, help="only: RSS of one process after OCR'ing this many pages")
    parser.add_argument("--densest", type=int, default=0, help="only: the N pages with most line items, default level")
    args = parser.parse_args(argv)
    if args.worker_pages:
        return worker_rss(RapidOcrEngine(det_limit=args.det_limit or None, threads=args.threads), args.worker_pages)
    if args.densest:
        return densest_pages(RapidOcrEngine(det_limit=args.det_limit or None, threads=args.threads), args.densest)

    engine = RapidOcrEngine(det_limit=args.det_limit or None, threads=args.threads)
    print(f"engine: {engine}")
    pdfs = sorted((CORPUS / "pdf").glob("*.pdf")) if args.all_corpus else [CORPUS / "pdf" / name for name in DOCS[: args.docs]]
    total = Timing()
    summary: dict[str, Score] = {}
    if not args.skip_pdf:
        with tempfile.TemporaryDirectory() as tmp:
            for defect in args.defects.split(","):
                score = summary.setdefault(defect, Score())
                print(f"# level {defect}: {DEFECTS[defect]}")
                for k, pdf in enumerate(pdfs):
                    options = replace(DEFECTS[defect], seed=k)
                    score.add(bench_pdf(pdf, engine, options, None if args.whole else args.table_pages, Path(tmp)))
                if not args.skip_seed:
                    options = replace(DEFECTS[defect], seed=len(pdfs))
                    score.add(bench_pdf(SEED_RENDER, engine, options, args.table_pages, Path(tmp), SEED_TABLE_PAGES))
                total.add(score.timing)
        print("# line items found on the scans, per level")
        for defect, score in summary.items():
            cers = (
                f"narrative CER {score.narrative.rate:.4f} over {score.narrative.chars} chars ({score.folded.rate:.4f} folded), "
                f"worst page {score.narrative.worst:.4f} ({score.folded.worst:.4f})"
            )
            print(f"   {defect:<12} {score.recall():>22}   {cers}   {score.timing.line()}")
    if not args.skip_png:
        total.add(bench_png(engine))
    print(f"# all OCR'd pages ({total.pages}): {total.line()}")
    print(f"# this process after {total.pages} OCR'd pages: RSS {rss_mib('VmRSS')} MiB, peak {rss_mib('VmHWM')} MiB")
    return 0


def densest_pages(engine: RapidOcrEngine, n: int) -> int:
    """Speed where it matters most: the ``n`` pages with the most line items over every corpus PDF and
    the seed render, scanned at the default level, each document's pages as one scan."""
    sources = [*sorted((CORPUS / "pdf").glob("*.pdf")), SEED_RENDER]
    per_page = [Counter(item.page for item in process(pdf).line_items) for pdf in sources]
    counts = [(count, k, page) for k, pages in enumerate(per_page) for page, count in pages.items()]
    chosen = sorted(counts, reverse=True)[:n]
    print(f"engine: {engine}\n# the {len(chosen)} densest pages: {sum(c for c, _, _ in chosen)} line items")
    total = Score()
    with tempfile.TemporaryDirectory() as tmp:
        for k, pdf in enumerate(sources):
            pages = sorted(page for _, source, page in chosen if source == k)
            if pages:
                options = replace(DEFECTS["default"], seed=k)
                total.add(bench_pdf(pdf, engine, options, len(pages), Path(tmp), pages))
    print(f"# the {total.timing.pages} densest pages: line items {total.recall()}; {total.timing.line()}")
    return 0


def worker_rss(engine: RapidOcrEngine, pages: int) -> int:
    """A worker's memory: the seed render's table pages scanned once (default level), then
    processed again and again in this process, RSS printed after each pass, until ``pages``."""
    with tempfile.TemporaryDirectory() as tmp:
        scan = make_scan(SEED_RENDER, Path(tmp) / "seed_scan.pdf", DEFECTS["default"], [p - 1 for p in SEED_TABLE_PAGES])
        done = 0
        print(f"before: RSS {rss_mib('VmRSS')} MiB")
        while done < pages:
            _, timing = timed_process(scan, engine)
            done += timing.pages
            print(f"after {done} pages: RSS {rss_mib('VmRSS')} MiB, peak {rss_mib('VmHWM')} MiB; {timing.line()}")
    return 0


def rss_mib(field: str) -> int:
    """Resident memory of this process from /proc (VmRSS now, VmHWM peak), in MiB; 0 elsewhere."""
    status = Path("/proc/self/status")
    for line in status.read_text().splitlines() if status.exists() else []:
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) // 1024
    return 0


if __name__ == "__main__":
    sys.exit(main())
