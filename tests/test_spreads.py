"""Two-page spreads inside a scanned PDF: found by their gutter, blank or in shadow, and read as two pages;
landscape single pages with print across the middle left whole. Scans are made by scripts/make_scans.py
from drawn PDFs; one three-page scan is OCR'd for the module (a few seconds), the rest needs no OCR.
"""

from __future__ import annotations

import importlib.util
from dataclasses import replace
from pathlib import Path

import numpy as np
import pymupdf
import pytest

from conftest import PdfDrawer
from extract.model import Document
from extract.ocr.spread import page_view, spread_halves
from extract.pipeline import process
from scripts.make_scans import DEFECTS, ScanOptions, make_scan

HAS_OCR = all(importlib.util.find_spec(m) is not None for m in ("rapidocr", "onnxruntime", "cv2"))
needs_ocr_extra = pytest.mark.skipif(not HAS_OCR, reason="the ocr extra is not installed")

LEFT_TITLE = "一、收入预算情况说明"
RIGHT_TITLE = "二、支出预算情况说明"
BODY = "本部门年度收入预算合计一千二百三十四万元，比上年增加五十六万元，主要原因是人员经费增加。"


def _book(drawer: PdfDrawer) -> None:
    """Two facing portrait pages of prose: a title and a paragraph each."""
    for k, title in enumerate((LEFT_TITLE, RIGHT_TITLE)):
        if k:
            drawer.new_page()
        drawer.text(80, 90, title, 14)
        for row in range(14):
            drawer.text(80, 130 + 26 * row, BODY[row % 7 :][:30], 11)


def _wide_table(drawer: PdfDrawer) -> None:
    drawer.text(330, 50, "支出决算表", 13)
    header = ["科目编码", "科目名称", "合计", "基本支出", "项目支出", "其他"]
    drawer.grid(40, 80, [60, 200, 120, 120, 120, 120], [header] + [["2080501", "行政单位离退休", "1,234.56"] * 2] * 20, 22)


def _pages(path: Path, draw, size: tuple[float, float] = (842, 595)) -> Path:
    drawer = PdfDrawer(*size)
    draw(drawer)
    return drawer.save(path)


def _scan(pdf: Path, options: ScanOptions) -> pymupdf.Document:
    return pymupdf.open(make_scan(pdf, pdf.with_name(f"{pdf.stem}_scan.pdf"), options))


@pytest.mark.parametrize("shadow", [0.45, 0.0])
def test_two_facing_pages_on_one_scan_are_cut_at_their_fold(tmp_path, shadow) -> None:
    book = _pages(tmp_path / "book.pdf", _book, (595, 842))
    with _scan(book, replace(DEFECTS["spread"], gutter_shadow=shadow)) as scan:
        assert scan.page_count == 1 and scan[0].rect.width == 1190
        halves = spread_halves(scan[0])
    assert halves is not None
    assert abs(halves[0].x1 - 595) < 6 and halves[1].x0 == halves[0].x1 and halves[1].x1 == 1190  # within 1 mm of the fold


def _chart(drawer: PdfDrawer) -> None:
    """A bar chart centred on the page, its widest bar on the middle."""
    page = drawer.page
    drawer.text(320, 60, "2023年部门支出结构图", 14)
    drawer.line(120, 500, 720, 500)
    drawer.line(120, 120, 120, 500)
    for k, (x, top) in enumerate([(180, 300), (290, 220), (400, 140), (520, 260), (630, 330)]):
        page.draw_rect(pymupdf.Rect(x, top, x + (44 if k != 2 else 42), 500), color=None, fill=(0.25, 0.25, 0.25))
        drawer.text(x, 520, f"类{k + 1}", 10)
    drawer.text(120, 560, "注：单位为万元，数据来源于部门决算。", 10)


def _shaded_column(drawer: PdfDrawer) -> None:
    """A table over nearly the whole height whose middle column is shaded grey, with amounts printed in it."""
    drawer.page.draw_rect(pymupdf.Rect(381, 30, 461, 570), color=None, fill=(0.7, 0.7, 0.7))
    drawer.grid(
        60, 30, [120, 100, 100, 80, 100, 100, 120], [["2080501", "离退休", "12.00", "3,456.78", "9.00", "1.00", "合计"]] * 27, 20
    )


def _prose(drawer: PdfDrawer) -> None:
    for row in range(18):
        drawer.text(60, 70 + 26 * row, (BODY * 2)[row % 9 :][:60], 12)


@pytest.mark.parametrize("draw", [_wide_table, _chart, _shaded_column, _prose], ids=["table", "chart", "shaded", "prose"])
@pytest.mark.parametrize("level", ["default", "lighting"])
def test_a_landscape_page_with_print_across_the_middle_is_not_a_spread(tmp_path, draw, level) -> None:
    single = _pages(tmp_path / "single.pdf", draw)
    with _scan(single, DEFECTS[level]) as scan:
        assert spread_halves(scan[0]) is None


def test_a_half_is_shown_as_its_part_of_the_source_page_even_when_the_page_is_turned() -> None:
    pdf = pymupdf.open()
    page = pdf.new_page(width=400, height=800)
    page.insert_text((50, 100), "TOP")  # displayed on the right once turned by 90°
    page.insert_text((50, 700), "BOTTOM")
    page.set_rotation(90)
    left, right = (page_view(pdf, _half(clip)) for clip in ((0, 0, 400, 400), (400, 0, 800, 400)))
    assert (left.get_text().split(), right.get_text().split()) == (["BOTTOM"], ["TOP"])
    assert left.rect == pymupdf.Rect(0, 0, 400, 400)


def _half(clip: tuple[float, float, float, float]):
    from extract.model import Page

    return Page(number=1, width=400, height=400, source_page=1, source_clip=clip)


@pytest.fixture(scope="module")
def read_spread(tmp_path_factory) -> tuple[Document, Path]:
    folder = tmp_path_factory.mktemp("spread")
    drawer = PdfDrawer(595, 842)
    _book(drawer)
    drawer.size = (842, 595)
    drawer.new_page()
    _wide_table(drawer)
    scan = make_scan(drawer.save(folder / "book.pdf"), folder / "scan.pdf", replace(DEFECTS["spread"], seed=2))
    return process(scan), scan


@needs_ocr_extra
def test_a_scanned_spread_is_read_as_two_pages_that_say_where_they_come_from(read_spread) -> None:
    doc, _ = read_spread
    assert [(p.number, p.source_number, p.ocr is not None) for p in doc.pages] == [(1, 1, True), (2, 1, True), (3, 2, True)]
    (l0, _, lx, ly), (r0, _, rx, _) = doc.pages[0].source_clip, doc.pages[1].source_clip
    assert l0 == 0 and abs(lx - 595) < 6 and rx == 1190 and r0 == lx and ly == 842
    assert doc.pages[2].source_clip is None and doc.pages[2].width > doc.pages[2].height  # the landscape table, whole
    texts = ["".join(line.text for line in page.lines + page.furniture) for page in doc.pages[:2]]
    assert LEFT_TITLE[2:] in texts[0] and RIGHT_TITLE[2:] not in texts[0]
    assert RIGHT_TITLE[2:] in texts[1] and LEFT_TITLE[2:] not in texts[1]
    assert all(line.bbox[0] >= 0 and line.bbox[2] <= doc.pages[1].width + 1 for line in doc.pages[1].lines)


@needs_ocr_extra
def test_a_half_renders_as_the_same_pixels_as_its_part_of_the_scan(read_spread) -> None:
    doc, scan = read_spread
    with pymupdf.open(scan) as pdf:
        half = page_view(pdf, doc.pages[1]).get_pixmap(dpi=50, colorspace=pymupdf.csGRAY)
        whole = pdf[0].get_pixmap(dpi=50, colorspace=pymupdf.csGRAY)
    pixels = np.frombuffer(half.samples, np.uint8).reshape(half.height, half.width)
    scan_pixels = np.frombuffer(whole.samples, np.uint8).reshape(whole.height, whole.width)
    right = scan_pixels[:, whole.width - half.width :]
    assert abs(half.width - whole.width / 2) < 3
    assert np.abs(pixels.astype(int) - right.astype(int)).mean() < 4


@needs_ocr_extra
def test_the_review_app_shows_a_half_as_its_page(read_spread, tmp_path) -> None:
    from extract.dataset.export import write_dataset
    from extract.review.dataset import PAGE_ZOOM, OutputFolder

    doc, _ = read_spread
    write_dataset([doc], tmp_path / "out")
    folder = OutputFolder(tmp_path / "out")
    sizes = [(pix.width, pix.height) for pix in (pymupdf.Pixmap(folder.page_image(doc.doc_id, n)) for n in (1, 2, 3))]
    expected = [(round(p.width * PAGE_ZOOM), round(p.height * PAGE_ZOOM)) for p in doc.pages]
    assert all(abs(w - ew) <= 2 and abs(h - eh) <= 2 for (w, h), (ew, eh) in zip(sizes, expected, strict=True))
