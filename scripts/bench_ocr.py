"""Measure OCR quality (CER) and speed on this machine.

1. Scanned PDF: render N pages of a digital PDF into a mildly degraded image-only PDF
   (scripts/make_scans.py: 200 dpi, skew ≤ 1°, blur, noise, JPEG), OCR each page with
   `extract.ocr.page.ocr_page_detailed`, and compare with the digital text layer.
2. Page images: OCR /work/shared/corpus/pages/*.png and compare with the page texts
   in gbc_shiquan_unit26_pages.json ([{"page": n, "text": ...}]).

CER = Levenshtein distance / reference length, after removing all whitespace; both
sides are in reading order (lines sorted top-to-bottom, then left-to-right).

    .venv/bin/python scripts/bench_ocr.py            # defaults below, ~1 min on 2 cores
    .venv/bin/python scripts/bench_ocr.py --skip-png --pages 6
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pymupdf

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from extract.ocr.engine import RapidOcrEngine  # noqa: E402
from extract.ocr.page import ocr_image, ocr_page_detailed  # noqa: E402
from scripts.make_scans import ScanOptions, make_scan  # noqa: E402

CORPUS = Path("/work/shared/corpus")
DEFAULT_PDF = CORPUS / "pdf" / "gbc_上海市普陀区人民政府万里街道办事处24年预算.pdf"
DEFAULT_PAGES = "6,10,22"  # 编制说明 narrative, 财务收支预算总表, 一般公共预算支出功能分类表
PNG_DIR = CORPUS / "pages"
PNG_TRUTH = PNG_DIR / "gbc_shiquan_unit26_pages.json"


def levenshtein(a: str, b: str) -> int:
    """Edit distance, one numpy row per character of ``a`` (O(len(a)·len(b)))."""
    if not a:
        return len(b)
    if not b:
        return len(a)
    codes_b = np.frombuffer(b.encode("utf-32-le"), dtype=np.uint32)
    index = np.arange(len(b) + 1)
    row = index.copy()
    for i, ch in enumerate(a, start=1):
        cost = (codes_b != ord(ch)).astype(np.int64)
        new = np.empty_like(row)
        new[0] = i
        new[1:] = np.minimum(row[1:] + 1, row[:-1] + cost)
        # Insertions: new[j] = min(new[j], new[j-1] + 1), as a running minimum.
        row = np.minimum.accumulate(new - index) + index
    return int(row[-1])


def cer(reference: str, hypothesis: str) -> float:
    ref = re.sub(r"\s+", "", reference)
    hyp = re.sub(r"\s+", "", hypothesis)
    return levenshtein(ref, hyp) / max(len(ref), 1)


def _n_chars(text: str) -> int:
    return len(re.sub(r"\s+", "", text))


def digital_text(page: pymupdf.Page) -> str:
    """The text layer, lines sorted top-to-bottom then left-to-right (same rule as OCR)."""
    boxes: list[tuple[tuple[float, float, float, float], str]] = []
    for block in page.get_text("dict")["blocks"]:
        for line in block.get("lines", []):
            text = "".join(span["text"] for span in line["spans"])
            if text.strip():
                boxes.append((tuple(line["bbox"]), text))
    return "\n".join(text for _, text in sort_boxes(boxes))


def sort_boxes(
    boxes: list[tuple[tuple[float, float, float, float], str]],
) -> list[tuple[tuple[float, float, float, float], str]]:
    ordered = sorted(boxes, key=lambda item: (item[0][1] + item[0][3]) / 2)
    rows: list[list[tuple[tuple[float, float, float, float], str]]] = []
    for item in ordered:
        (_, y0, _, y1), _ = item
        if rows:
            ref = rows[-1][0][0]
            if abs((y0 + y1) / 2 - (ref[1] + ref[3]) / 2) <= max(y1 - y0, ref[3] - ref[1]) / 2:
                rows[-1].append(item)
                continue
        rows.append([item])
    return [item for row in rows for item in sorted(row, key=lambda it: it[0][0])]


def bench_pdf(engine: RapidOcrEngine, pdf: Path, pages: list[int], options: ScanOptions) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        scan = make_scan(pdf, Path(tmp) / "scan.pdf", options, pages)
        with pymupdf.open(pdf) as original, pymupdf.open(scan) as scanned:
            print(f"# scanned PDF: {pdf.name}, pages {[p + 1 for p in pages]}, {options}")
            header = "page  chars   CER    rot  skew   render  prep   det    rec    ocr    total"
            print(header)
            totals = np.zeros(6)
            for index, number in enumerate(pages):
                reference = digital_text(original[number])
                start = time.perf_counter()
                result = ocr_page_detailed(scanned[index], engine, dpi=options.dpi)
                total = time.perf_counter() - start
                hypothesis = "\n".join(line.text for line in result.lines)
                t = result.timings
                row = np.array([t.render, t.preprocess, t.det, t.rec, t.ocr, total])
                totals += row
                print(
                    f"{number + 1:>4}  {_n_chars(reference):>5}  "
                    f"{cer(reference, hypothesis):.4f}  {result.rotation:>3}  {result.skew:+.2f}  "
                    + "  ".join(f"{v:5.2f}" for v in row)
                )
            mean = totals / max(len(pages), 1)
            labels = ("render", "prep", "det", "rec", "ocr", "total")
            print("mean s/page: " + "  ".join(f"{k} {v:.2f}" for k, v in zip(labels, mean, strict=True)))


def bench_png(engine: RapidOcrEngine) -> None:
    truth = {item["page"]: item["text"] for item in json.loads(PNG_TRUTH.read_text("utf-8"))}
    print(f"# page images: {PNG_DIR}")
    print("page  chars   CER    seconds")
    for png in sorted(PNG_DIR.glob("*.png"), key=lambda p: int(re.findall(r"p(\d+)", p.stem)[-1])):
        number = int(re.findall(r"p(\d+)", png.stem)[-1])
        pix = pymupdf.Pixmap(str(png))
        if pix.alpha or pix.n != 3:
            pix = pymupdf.Pixmap(pymupdf.csRGB, pix, 0)
        image = np.frombuffer(pix.samples, dtype=np.uint8).reshape(pix.height, pix.width, 3)
        start = time.perf_counter()
        result = ocr_image(image, engine)
        seconds = time.perf_counter() - start
        hypothesis = "\n".join(line.text for line in result.image_lines)
        reference = truth.get(number, "")
        print(f"{number:>4}  {_n_chars(reference):>5}  {cer(reference, hypothesis):.4f}  {seconds:6.2f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pdf", type=Path, default=DEFAULT_PDF)
    parser.add_argument("--pages", default=DEFAULT_PAGES, help="1-based, comma separated")
    parser.add_argument("--dpi", type=int, default=200)
    parser.add_argument("--skew", type=float, default=1.0)
    parser.add_argument("--noise", type=float, default=6.0)
    parser.add_argument("--blur", type=float, default=0.6)
    parser.add_argument("--rotate-page", type=int, help="output page to turn 180°")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--skip-png", action="store_true")
    parser.add_argument("--skip-pdf", action="store_true")
    args = parser.parse_args(argv)

    engine = RapidOcrEngine()
    start = time.perf_counter()
    engine.read(np.full((64, 256, 3), 255, dtype=np.uint8))  # load + warm up
    print(f"engine load+warm-up: {time.perf_counter() - start:.2f} s")
    if not args.skip_pdf:
        pages = [int(p) - 1 for p in args.pages.split(",")]
        options = ScanOptions(
            dpi=args.dpi,
            skew=args.skew,
            noise=args.noise,
            blur=args.blur,
            rotate_page=args.rotate_page,
            seed=args.seed,
        )
        bench_pdf(engine, args.pdf, pages, options)
    if not args.skip_png:
        bench_png(engine)
    return 0


if __name__ == "__main__":
    sys.exit(main())
