"""Each seed rendered as PDF, DOCX, XLSX, XLS and HTML: do the other formats give the PDF's line items
and records?

    python scripts/eval_formats.py [--seeds 000 001 002 004] [--formats docx xlsx xls html] [--out DIR]

Renders every seed with `render_seed.render` and the `docgen` writers (into a temporary folder unless
``--out``), runs `extract.pipeline.process` on each file and compares with the PDF render:

* line items as (table_type, code, column, value in 元): how many of the PDF's the format has too, as
  multisets, and how many the format has in all; also for the 公开表 alone (table types final.*);
* records as (subject, metric, raw value, unit), whitespace ignored, counted the same way.

The workbook renders hold the narrative as text rows too, so their records are compared as well;
002 is rendered as a 自评表 form (label + 说明 text in one row) in the workbooks.

"strips": tables set aside as a chart's data pasted as a table (one row, no header: `is_data_strip`), which
give no line items in any format — 004's 51-column "列1 基本支出 项目支出 1797.04 …" row, printed under the
三公 headings, is one.

Then the bad files of the issue (a truncated DOCX, a password-protected XLSX, a 100,000-row sheet, a truncated
XLS, a 65,536-row XLS sheet (the most BIFF8 holds), an HTML page without budget content): status, error, seconds
and peak Python memory (tracemalloc) of `process` on each.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import tracemalloc
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from docgen import (
    DocxWriter,
    HtmlWriter,
    SheetWriter,
    write_huge_sheet,
    write_locked,
    write_truncated,
    write_unrelated_page,
)
from render_seed import render

from extract.model import Document
from extract.pipeline import process
from extract.tables.build import is_data_strip

SEEDS = Path(__file__).resolve().parent.parent.parent / "shared" / "seeds"
FORMATS = ("docx", "xlsx", "xls", "html")


def item_keys(doc: Document, prefix: str = "") -> Counter:
    """Line items as (table_type, code, column, value); ``prefix``: only table types starting with it."""
    return Counter((i.table_type, i.code, i.column, round(i.value, 2)) for i in doc.line_items if i.table_type.startswith(prefix))


def _squeeze(text: str | None) -> str | None:
    """Without whitespace: the seeds print "94.93 分", which the PDF text layer reads as "94.93分"."""
    return "".join(text.split()) if text is not None else None


def record_keys(doc: Document) -> Counter:
    return Counter((_squeeze(r.subject), r.metric, _squeeze(r.raw), r.unit) for r in doc.records)


def strips(doc: Document) -> int:
    return sum(is_data_strip(t) for t in doc.tables)


@dataclass
class Agreement:
    reference: int
    found: int
    common: int

    @property
    def recall(self) -> float:
        return self.common / self.reference if self.reference else 1.0

    def __str__(self) -> str:
        if not self.reference and not self.found:
            return "–"
        return f"{self.common}/{self.reference} ({self.recall:.1%}) of {self.found}"


def agreement(reference: Counter, found: Counter) -> Agreement:
    return Agreement(sum(reference.values()), sum(found.values()), sum((reference & found).values()))


def seed_path(seed: str) -> Path:
    return next(SEEDS.glob(f"{seed}_*.txt"))


def render_formats(seed: str, folder: Path, formats: tuple[str, ...] = FORMATS) -> dict[str, Path]:
    """The seed rendered as a PDF and as each of ``formats``, in ``folder``."""
    paths = {"pdf": folder / f"seed{seed}.pdf"}
    render(seed_path(seed), paths["pdf"])
    for fmt in formats:
        writer = {"docx": DocxWriter, "html": HtmlWriter}.get(fmt) or (lambda: SheetWriter(form=seed == "002"))
        paths[fmt] = folder / f"seed{seed}.{fmt}"
        render(seed_path(seed), paths[fmt], writer())
    return paths


def bad_files(folder: Path, workbook: Path, legacy: Path, document: Path) -> dict[str, Path]:
    """The bad inputs of the issue, made from a good ``workbook`` (XLSX), ``legacy`` workbook (XLS) and ``document`` (DOCX)."""
    paths = {
        "corrupt zip (truncated DOCX)": folder / "truncated.docx",
        "password-protected XLSX": folder / "locked.xlsx",
        "100,000-row sheet": folder / "huge.xlsx",
        "truncated XLS": folder / "truncated.xls",
        "65,536-row XLS sheet": folder / "huge.xls",
        "HTML page without budget content": folder / "guide.html",
    }
    write_truncated(document, paths["corrupt zip (truncated DOCX)"])
    write_locked(workbook, paths["password-protected XLSX"])
    write_huge_sheet(paths["100,000-row sheet"], 100_000)
    write_truncated(legacy, paths["truncated XLS"])
    write_huge_sheet(paths["65,536-row XLS sheet"], 65_536)
    write_unrelated_page(paths["HTML page without budget content"])
    return paths


def report_bad_files(paths: dict[str, Path]) -> None:
    print("\n| bad file | size | status | error | seconds | peak Python memory |")
    print("|---|---|---|---|---|---|")
    for name, path in paths.items():
        tracemalloc.start()
        start = time.perf_counter()
        doc = process(path)
        seconds = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        size = path.stat().st_size / 2**10
        print(f"| {name} | {size:,.0f} KiB | {doc.status} | {doc.error} | {seconds:.2f} | {peak:.1f} MiB |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", nargs="+", default=["000", "001", "002", "004"])
    ap.add_argument("--formats", nargs="+", default=list(FORMATS))
    ap.add_argument("--out", type=Path)
    ap.add_argument("--no-bad-files", action="store_true", help="skip the bad-file table")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.out or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        columns = "line items: PDF's found / PDF's, of the format's | 公开表 (final.*) alone | records | strips"
        print(f"| seed | format | status | {columns} |")
        print("|---|---|---|---|---|---|---|")
        for seed in args.seeds:
            paths = render_formats(seed, folder, tuple(args.formats))
            pdf = process(paths["pdf"])
            finals = sum(item_keys(pdf, "final.").values())
            print(f"| {seed} | pdf | {pdf.status} | {len(pdf.line_items)} | {finals} | {len(pdf.records)} | {strips(pdf)} |")
            for fmt in args.formats:
                doc = process(paths[fmt])
                items = agreement(item_keys(pdf), item_keys(doc))
                public = agreement(item_keys(pdf, "final."), item_keys(doc, "final."))
                records = agreement(record_keys(pdf), record_keys(doc))
                print(f"| {seed} | {fmt} | {doc.status} | {items} | {public} | {records} | {strips(doc)} |")
        if not args.no_bad_files:
            made = render_formats(args.seeds[0], folder, ("xlsx", "xls", "docx"))
            process(made["pdf"])  # imports and the tagger loaded before memory is measured
            report_bad_files(bad_files(folder, made["xlsx"], made["xls"], made["docx"]))


if __name__ == "__main__":
    main()
