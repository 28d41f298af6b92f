"""Scanned pages and page images through the whole pipeline, against their digital originals.

The scan is made at test time: a ruled table drawn as a PDF is rendered at 200 dpi, turned
by 0.4°, given noise, and saved as a PNG. One page is OCR'd in the whole module (≈ 5–10 s
on two cores); the other tests use a stub engine or no OCR at all.
"""

from __future__ import annotations

import hashlib
import importlib.util
from pathlib import Path
from typing import TYPE_CHECKING

import pymupdf
import pytest

from conftest import PdfDrawer
from extract.model import Document, LineItem
from extract.ocr.engine import OcrLine, OcrUnavailableError
from extract.ocr.images import ImageGroup, group_images, images_to_pdf, page_size
from extract.parse.document import PageReader
from extract.parse.pdf import group_lines, read_page
from extract.pipeline import collect_inputs, process

if TYPE_CHECKING:
    import numpy as np

HAS_OCR = all(importlib.util.find_spec(m) is not None for m in ("rapidocr", "onnxruntime", "cv2", "PIL"))
needs_ocr_extra = pytest.mark.skipif(not HAS_OCR, reason="the ocr extra is not installed")

ROWS = [
    ["项目", None, None, None, "支出预算", None, None],
    ["类", "款", "项", "科目名称", "合计", "基本支出", "项目支出"],
    ["201", "", "", "一般公共服务支出", "1,300.50", "1,100.50", "200.00"],
    ["201", "03", "", "政府办公厅（室）及相关机构事务", "1,300.50", "1,100.50", "200.00"],
    ["201", "03", "01", "行政运行", "1,100.50", "1,100.50", "0.00"],
    ["201", "03", "02", "一般行政管理事务", "200.00", "0.00", "200.00"],
    ["合计", None, None, None, "1,300.50", "1,100.50", "200.00"],
]


def _digital_table(path: Path) -> Path:
    d = PdfDrawer()
    d.text(190, 60, "2024年部门支出预算总表", 14)
    d.text(50, 88, "编制部门：测试区测试局")
    d.text(480, 88, "单位：元")
    d.grid(50, 100, [40, 30, 30, 170, 80, 80, 80], ROWS, row_height=22, size=9)
    d.text(50, 300, "注：本表反映部门年度支出预算情况。")
    return d.save(path)


def _scan_png(pdf: Path, target: Path, dpi: int = 200, skew: float = 0.4, seed: int = 0) -> Path:
    """A scanned-looking PNG of the first page: grey, slightly turned, noisy."""
    import numpy as np
    from PIL import Image

    with pymupdf.open(pdf) as doc:
        pix = doc[0].get_pixmap(dpi=dpi, colorspace=pymupdf.csGRAY)
    image = Image.frombytes("L", (pix.width, pix.height), pix.samples)
    image = image.rotate(skew, resample=Image.Resampling.BICUBIC, fillcolor=255)
    pixels = np.asarray(image, dtype=np.float32) + np.random.default_rng(seed).normal(0, 5, (pix.height, pix.width))
    Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8)).save(target, dpi=(dpi, dpi))
    return target


def _items(doc: Document) -> set[tuple[str, str | None, str, float]]:
    return {(i.table_type, i.code, i.column, i.value) for i in doc.line_items}


class StubEngine:
    """Reads one fixed line of text wherever it is asked to; counts its calls."""

    def __init__(self, text: str = "2024年部门预算编制说明") -> None:
        self.text = text
        self.calls = 0

    def read(self, image: np.ndarray) -> list[OcrLine]:
        self.calls += 1
        return [OcrLine(self.text, (100.0, 100.0, 100.0 + 30 * len(self.text), 140.0), 0.93)]


class BrokenEngine:
    def read(self, image: np.ndarray) -> list[OcrLine]:
        raise OcrUnavailableError("rapidocr is not installed")


# --- the one real OCR run ---------------------------------------------------------------


@pytest.fixture(scope="module")
def scanned_pair(tmp_path_factory: pytest.TempPathFactory) -> tuple[Document, Document, PageReader]:
    folder = tmp_path_factory.mktemp("scan")
    digital = _digital_table(folder / "table.pdf")
    png = _scan_png(digital, folder / "table.png")
    reader = PageReader()
    return process(digital), process(png, reader=reader), reader


@needs_ocr_extra
def test_scanned_table_gives_the_digital_tables_and_line_items(scanned_pair) -> None:
    digital, scanned, reader = scanned_pair
    assert [t.table_type for t in scanned.tables] == [t.table_type for t in digital.tables] == ["budget.expenditure"]
    assert scanned.tables[0].title == digital.tables[0].title
    assert scanned.tables[0].unit == "元"
    assert len(digital.line_items) == 15
    assert _items(scanned) == _items(digital)
    assert ("budget.expenditure", "2010302", "支出预算/项目支出", 200.0) in _items(scanned)
    assert [r.reason for r in reader.reports] == ["no_text_layer"] and reader.reports[0].done
    assert reader.reports[0].result is not None and reader.reports[0].result.rotation == 0


@needs_ocr_extra
def test_scanned_page_carries_confidences_and_no_text_layer(scanned_pair) -> None:
    digital, scanned, _ = scanned_pair
    page = scanned.pages[0]
    assert not page.has_text_layer and digital.pages[0].has_text_layer
    assert (page.width, page.height) == pytest.approx((595, 842), abs=1)
    cells = [c for c in scanned.tables[0].cells if c.text]
    assert cells and all(c.confidence is not None and 0.5 <= c.confidence <= 1 for c in cells)
    assert all(line.confidence is not None for line in page.lines)
    assert all(c.confidence is None for c in digital.tables[0].cells)
    if "confidence" in LineItem.model_fields:  # not in the model yet; items.py already passes it
        assert all(getattr(i, "confidence", None) is not None for i in scanned.line_items)
    for item in scanned.line_items:  # provenance lands where the digital one is
        twin = next(d for d in digital.line_items if (d.code, d.column, d.row) == (item.code, item.column, item.row))
        assert item.bbox == pytest.approx(twin.bbox, abs=3)


# --- without real OCR ---------------------------------------------------------------------


@needs_ocr_extra
def test_ocr_off_leaves_an_image_page_untouched(tmp_path) -> None:
    png = _scan_png(_digital_table(tmp_path / "table.pdf"), tmp_path / "table.png")
    reader = PageReader("off", BrokenEngine())
    doc = process(png, reader=reader)
    assert reader.reports == []
    assert doc.pages[0].lines == [] and doc.tables == []
    assert not doc.pages[0].has_text_layer
    assert not any(f.check_id == "ocr_unavailable" for f in doc.findings)


def test_ocr_force_reads_digital_pages_too(tmp_path) -> None:
    engine = StubEngine()
    reader = PageReader("force", engine)
    doc = process(_digital_table(tmp_path / "table.pdf"), reader=reader)
    assert engine.calls >= 1 and [r.reason for r in reader.reports] == ["forced"]
    assert doc.pages[0].has_text_layer  # the layer was fine; OCR was asked for
    assert [line.text for line in doc.pages[0].lines] == ["2024年部门预算编制说明"]
    assert doc.pages[0].lines[0].confidence == pytest.approx(0.93)


def _mixed_pdf(path: Path) -> Path:
    """Page 1 digital text, page 2 an image of text only."""
    d = PdfDrawer()
    d.text(60, 80, "2024年部门预算编制说明", 14)
    d.text(60, 110, "一、部门职责。本部门负责预算编制与执行，收入预算1,300.50元。")
    source = d.new_page()
    d.text(60, 80, "二、收入支出预算总体情况说明", 14)
    pix = source.get_pixmap(dpi=100, colorspace=pymupdf.csGRAY)
    d.doc.delete_page(1)
    d.doc.new_page(width=595, height=842).insert_image(pymupdf.Rect(0, 0, 595, 842), pixmap=pix)
    return d.save(path)


def _blank_png(path: Path, shade: int, dpi: int = 100) -> Path:
    """An A4-shaped grey PNG drawn with pymupdf (no Pillow needed)."""
    pix = pymupdf.Pixmap(pymupdf.csGRAY, pymupdf.IRect(0, 0, 827, 1170), False)
    pix.clear_with(shade)
    pix.set_dpi(dpi, dpi)
    pix.save(path)
    return path


def test_image_without_ocr_is_rejected_with_the_reason(tmp_path) -> None:
    _blank_png(tmp_path / "black.png", 0)
    doc = process(tmp_path / "black.png", engine=BrokenEngine())
    assert doc.status.value == "rejected"
    assert "OCR is unavailable" in (doc.error or "")


def test_ocr_unavailable_still_parses_and_says_so(tmp_path) -> None:
    doc = process(_mixed_pdf(tmp_path / "mixed.pdf"), engine=BrokenEngine())
    assert doc.pages[0].has_text_layer and not doc.pages[1].has_text_layer
    assert "编制说明" in doc.pages[0].lines[0].text
    (note,) = [f for f in doc.findings if f.check_id == "ocr_unavailable"]
    assert [e.page for e in note.evidence] == [2] and note.evidence[0].text == "no_text_layer"
    assert "rapidocr is not installed" in note.message_en


def test_digital_pages_are_not_ocrd(tmp_path) -> None:
    engine = StubEngine("二、收入支出预算总体情况说明")
    reader = PageReader(engine=engine)
    doc = process(_mixed_pdf(tmp_path / "mixed.pdf"), reader=reader)
    assert [r.page for r in reader.reports] == [2]
    assert [line.text for line in doc.pages[1].lines] == ["二、收入支出预算总体情况说明"]
    assert any("部门职责" in line.text for line in doc.pages[0].lines)


# --- image inputs -------------------------------------------------------------------------


def test_image_files_grouped_by_trailing_page_number(tmp_path) -> None:
    names = ["rpt_p10.png", "rpt_p2.png", "rpt_p1.png", "cover.png", "scan-3.jpg", "1.png", "2.png", "rpt_p4.jpg"]
    groups = group_images([tmp_path / n for n in names])
    assert [[p.name for p in g.paths] for g in groups] == [
        ["rpt_p1.png", "rpt_p2.png", "rpt_p10.png"],
        ["cover.png"],
        ["scan-3.jpg"],
        ["1.png"],
        ["2.png"],
        ["rpt_p4.jpg"],
    ]
    assert groups[0].name == "rpt_p{1,2,10}.png"


def test_page_size_from_dpi_else_a4_else_200dpi() -> None:
    assert page_size(1654, 2339, 200) == pytest.approx((595.4, 842.0), abs=0.5)
    assert page_size(1684, 1191, 96) == (842.0, 595.0)  # 96 dpi is a screen default: A4 by shape
    assert page_size(1000, 500, None) == (360.0, 180.0)


def test_image_group_is_one_document(tmp_path) -> None:
    for n, shade in ((7, 255), (12, 250), (6, 245)):
        _blank_png(tmp_path / f"unit_p{n}.png", shade)
    (tmp_path / "notes.txt").write_text("not an input")
    sources = collect_inputs([tmp_path])
    assert len(sources) == 1 and isinstance(sources[0], ImageGroup)
    group = sources[0]
    assert [p.name for p in group.paths] == ["unit_p6.png", "unit_p7.png", "unit_p12.png"]
    with images_to_pdf(group) as pdf:
        assert pdf.page_count == 3 and read_page(pdf[0]).image_coverage > 0.99
    doc = process(group, engine=StubEngine())
    assert len(doc.pages) == 3
    assert doc.doc_id == hashlib.sha256(b"".join(p.read_bytes() for p in group.paths)).hexdigest()
    assert doc.path.endswith("unit_p{6,7,12}.png")


def test_unreadable_image_fails_cleanly(tmp_path) -> None:
    bad = tmp_path / "broken.png"
    bad.write_bytes(b"not a png at all")
    doc = process(bad)
    assert doc.status.value == "failed" and doc.error


# --- rulings and pseudo-chars ---------------------------------------------------------------


@needs_ocr_extra
def test_rulings_found_on_a_render_match_the_drawn_ones(tmp_path) -> None:
    from extract.ocr.content import detect_rulings
    from extract.ocr.page import render_page
    from extract.tables.grid import find_grids

    with pymupdf.open(_digital_table(tmp_path / "t.pdf")) as doc:
        content = read_page(doc[0])
        drawn, chars = find_grids(content.segments), content.chars
        image = render_page(doc[0], 150)
    px = image.shape[1] / 595
    # OCR's text boxes, simulated from the text layer: strokes inside them are not rulings.
    boxes = [((ln.x0 - 2) * px, (ln.y0 - 3) * px, (ln.x1 + 2) * px, (ln.y1 + 3) * px) for ln in group_lines(chars)]
    found = find_grids(detect_rulings(image, boxes, 1 / px))
    assert len(found) == len(drawn) == 1
    assert found[0].xs == pytest.approx(drawn[0].xs, abs=1.0)
    assert found[0].ys == pytest.approx(drawn[0].ys, abs=1.0)
    assert [(c.row, c.col, c.row_span, c.col_span) for c in found[0].cells] == [
        (c.row, c.col, c.row_span, c.col_span) for c in drawn[0].cells
    ]


@needs_ocr_extra
def test_faint_broken_rulings_still_make_a_grid() -> None:
    import numpy as np

    from extract.ocr.content import detect_rulings
    from extract.tables.grid import find_grids

    rng = np.random.default_rng(1)
    image = np.clip(rng.normal(250, 5, (700, 900)), 0, 255).astype(np.uint8)
    for y in (100, 160, 220, 280):  # 1-px light-grey rulings with a 3-px break every 60 px
        image[y, 100:801] = 195
        image[y, 130:801:60] = 250
    for x in (100, 400, 800):
        image[100:281, x] = 195
        image[150:281:60, x] = 250
    (grid,) = find_grids(detect_rulings(image, [], 0.5))
    assert grid.xs == pytest.approx([50, 200, 400], abs=1.5)
    assert grid.ys == pytest.approx([50, 80, 110, 140], abs=1.5)


@needs_ocr_extra
def test_box_text_and_pseudo_chars() -> None:
    from extract.ocr.cells import split_at_rulings
    from extract.ocr.content import box_text, piece_chars

    assert box_text("1，234。56") == "1,234.56"
    assert box_text("2O80501") == "2080501"  # a code: repaired, not grouped
    assert box_text("行政运行") == "行政运行"
    (piece,) = split_at_rulings(OcrLine("合计 12.5", (0.0, 0.0, 110.0, 20.0), 0.9), [])
    chars = piece_chars(piece, 0.5)
    assert "".join(c.text for c in chars) == "合计 12.5"
    assert chars[0].x1 - chars[0].x0 == pytest.approx(2 * (chars[3].x1 - chars[3].x0))  # CJK twice as wide
    assert chars[-1].x1 == pytest.approx(55.0)
    assert all(c.confidence == 0.9 and c.size == pytest.approx(7.5) for c in chars)


def test_a_coarse_scan_is_rendered_at_200_dpi_and_a_fine_one_no_finer_than_asked() -> None:
    from extract.ocr.content import raster_dpi

    doc = pymupdf.open()
    for dpi in (150, 300):
        page = doc.new_page(width=595, height=842)
        pix = pymupdf.Pixmap(pymupdf.csGRAY, pymupdf.IRect(0, 0, round(595 * dpi / 72), round(842 * dpi / 72)), False)
        pix.clear_with(240)
        page.insert_image(page.rect, pixmap=pix)
    assert [raster_dpi(page, 200) for page in doc] == [200, 200]
    assert [raster_dpi(page, 400) for page in doc] == [200, 300]  # rendering finer than the scan only interpolates
