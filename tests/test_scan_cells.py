"""Dense scanned tables read cell by cell, and seals removed, on drawn fixtures.

A four-column-group table is drawn the way 公开06 prints it: amounts that nearly fill their
cells, each followed by a left-aligned code a few points to the right of the ruling. On a
scan with the rulings erased the detector reads "5217640.0830202" as one line; the cells must
still come back as printed. One page is OCR'd for the module (a few seconds); the seal test
needs no OCR.
"""

from __future__ import annotations

import importlib.util
import math
from pathlib import Path

import numpy as np
import pymupdf
import pytest

from conftest import PdfDrawer
from extract.ocr.cells import (
    CellReread,
    Piece,
    Wall,
    breaks_grammar,
    column_ends,
    read_empty_cells,
    reread_broken,
    spaced_point,
    split_at_rulings,
    split_column,
)
from extract.ocr.engine import CharBox, OcrLine
from extract.parse.pdf import read_page
from extract.tables.grid import cell_text, fill_grid, find_grids

HAS_OCR = all(importlib.util.find_spec(m) is not None for m in ("rapidocr", "onnxruntime", "cv2"))
needs_ocr_extra = pytest.mark.skipif(not HAS_OCR, reason="the ocr extra is not installed")

WIDTHS = [34, 56, 56, 34, 56, 56]
ROWS = [
    ["科目", "金额", "其中", "科目", "金额", "其中"],
    ["1", "2", "3", "4", "5", "6"],
    ["301", "40465125.11", "38161624.99", "302", "18154588.61", "3306911.55"],
    ["30101", "17693815.12", "16491299.24", "30201", "1588830.72", "607865.66"],
    ["30102", "5366096.08", "5217640.08", "30202", "139282.00", "29946.00"],
    ["30103", "1307075.54", "1307075.54", "30203", "", "7"],
]
DPI = 200


def _dense_table(path: Path) -> Path:
    d = PdfDrawer()
    d.text(150, 60, "一般公共预算财政拨款基本支出决算明细表", 13)
    d.grid(60, 90, WIDTHS, ROWS, row_height=20, size=9)
    return d.save(path)


def _scan(pdf: Path, skew: float = 0.3, seed: int = 3) -> pymupdf.Document:
    """An image-only copy of the first page: grey, slightly turned, noisy, JPEG."""
    import cv2

    with pymupdf.open(pdf) as doc:
        pix = doc[0].get_pixmap(dpi=DPI, colorspace=pymupdf.csGRAY)
    grey = np.frombuffer(pix.samples, np.uint8).reshape(pix.height, pix.width)
    turn = cv2.getRotationMatrix2D((pix.width / 2, pix.height / 2), skew, 1.0)
    grey = cv2.warpAffine(grey, turn, (pix.width, pix.height), borderValue=255).astype(np.float32)
    grey += np.random.default_rng(seed).normal(0, 5, grey.shape)
    ok, jpeg = cv2.imencode(".jpg", np.clip(grey, 0, 255).astype(np.uint8), [cv2.IMWRITE_JPEG_QUALITY, 60])
    assert ok
    out = pymupdf.open()
    out.new_page(width=595, height=842).insert_image(pymupdf.Rect(0, 0, 595, 842), stream=jpeg.tobytes())
    return out


@pytest.fixture(scope="module")
def engine():
    from extract.ocr.engine import RapidOcrEngine

    return RapidOcrEngine()


@pytest.fixture(scope="module")
def dense(tmp_path_factory: pytest.TempPathFactory, engine):
    """(digital cell texts, scanned cell texts, the OCR content) of the drawn dense table."""
    from extract.ocr.content import ocr_page_content_detailed

    pdf = _dense_table(tmp_path_factory.mktemp("dense") / "dense.pdf")
    with pymupdf.open(pdf) as doc:
        digital = _cell_texts(read_page(doc[0]))
    with _scan(pdf) as scan:
        result = ocr_page_content_detailed(scan[0], engine, DPI)
    return digital, _cell_texts(result.content), result


def _cell_texts(content) -> dict[tuple[int, int], str]:
    (grid,) = find_grids(content.segments)
    fill_grid(grid, content.chars)
    return {(c.row, c.col): cell_text(c.chars) for c in grid.cells}


# --- splitting at rulings ---------------------------------------------------------------


def test_a_line_across_a_ruling_is_cut_there() -> None:
    text = "5217640.0830202"
    chars = tuple(
        CharBox(ch, 100 + 9 * i + (6 if i >= 10 else 0), 108 + 9 * i + (6 if i >= 10 else 0)) for i, ch in enumerate(text)
    )
    line = OcrLine(text, (98.0, 10.0, 243.0, 40.0), 0.97, chars=chars)
    walls = [Wall(60.0, 0.0, 100.0), Wall(194.0, 0.0, 100.0), Wall(300.0, 0.0, 100.0), Wall(150.0, 50.0, 90.0)]
    amount, code = split_at_rulings(line, walls)
    assert (amount.text, code.text) == ("5217640.08", "30202")
    assert amount.cell == (60.0, 194.0) and code.cell == (194.0, 300.0)
    assert amount.bbox[2] <= 194.0 <= code.bbox[0]
    # A ruling that only touches the end of the box (its padding) does not cut it.
    (whole,) = split_at_rulings(OcrLine("30202", (194.5, 10.0, 240.0, 40.0), 0.99), walls)
    assert whole.text == "30202" and whole.cell == (194.0, 300.0)


@needs_ocr_extra
def test_dense_scanned_cells_read_as_printed(dense) -> None:
    digital, scanned, _ = dense
    assert digital[(3, 2)] == "16491299.24" and digital[(3, 3)] == "30201"
    amounts = {k: v for k, v in digital.items() if k[0] >= 2}
    assert {k: scanned.get(k) for k in amounts} == amounts


@needs_ocr_extra
def test_lone_digits_of_an_index_row_are_read(dense) -> None:
    digital, scanned, _ = dense
    assert [scanned[(1, c)] for c in range(6)] == [digital[(1, c)] for c in range(6)] == ["1", "2", "3", "4", "5", "6"]


# --- re-recognition ---------------------------------------------------------------------


def test_amount_grammar() -> None:
    assert breaks_grammar("607865.6", 2) and breaks_grammar("216,491,299.244", 2) and breaks_grammar("1,2345.00", None)
    assert breaks_grammar("158883072", 2) and breaks_grammar("1588830 72", 2)
    assert not breaks_grammar("607865.66", 2) and not breaks_grammar("2080501", 2) and not breaks_grammar("行政运行", 2)
    assert not breaks_grammar("607865.6", None)  # too few amounts on the page to know its decimals
    assert spaced_point("1588830 72", 2) == "1588830.72" and spaced_point("1588830 7", 2) == ""
    assert breaks_grammar("1456397:13", 2) and spaced_point("1456397:13", 2) == "1456397.13"
    assert spaced_point("10:30", 2) == ""  # a time of day, not an amount


@needs_ocr_extra
def test_a_broken_amount_is_reread_from_its_cell_and_the_reading_kept(engine, tmp_path) -> None:
    from extract.ocr.clean import clean_scan
    from extract.ocr.page import render_page

    with pymupdf.open(_dense_table(tmp_path / "dense.pdf")) as doc:
        (grid,) = find_grids(read_page(doc[0]).segments)
        image = clean_scan(render_page(doc[0], DPI))
    px = DPI / 72.0
    cell = next(c for c in grid.cells if (c.row, c.col) == (3, 5))  # prints 607865.66
    x0, y0, x1, y1 = (v * px for v in cell.bbox)
    misread = Piece("607865.6", (), (x0 + 4, y0 + 4, x1 - 8, y1 - 4), 0.93, (x0, x1))
    intact = Piece("30201", (), (0.0, 0.0, 10.0, 10.0), 0.99, (0.0, 10.0))
    pieces, rereads = reread_broken([misread, intact], image, engine, decimals=2)
    assert [p.text for p in pieces] == ["607865.66", "30201"]
    assert rereads == [CellReread("607865.6", "607865.66", misread.bbox, rereads[0].confidence)]
    assert pieces[0].confidence <= 0.93


@needs_ocr_extra
def test_a_cell_the_detector_left_empty_is_read(engine) -> None:
    import cv2

    image = np.full((120, 400), 255, np.uint8)
    cv2.putText(image, "7", (190, 75), cv2.FONT_HERSHEY_SIMPLEX, 1.0, 0, 2)
    cv2.putText(image, ".", (60, 75), cv2.FONT_HERSHEY_SIMPLEX, 0.4, 0, 1)  # a speck-sized mark: no glyph
    cells = [(150.0, 30.0, 250.0, 90.0), (20.0, 30.0, 120.0, 90.0), (260.0, 30.0, 380.0, 90.0)]
    taken = Piece("12.00", (), (270.0, 40.0, 370.0, 80.0), 0.99, (260.0, 380.0))
    (found,) = read_empty_cells(cells, [taken], image, engine)
    assert found.text == "7" and 150 <= found.bbox[0] < found.bbox[2] <= 250


# --- seals ------------------------------------------------------------------------------


def test_red_seal_removed_and_the_print_under_it_kept() -> None:
    import cv2

    from extract.ocr.clean import clean_scan
    from extract.ocr.content import detect_rulings

    page = np.full((600, 800, 3), 250, np.uint8)
    cv2.putText(page, "5217640.08", (260, 310), cv2.FONT_HERSHEY_SIMPLEX, 1.2, (0, 0, 0), 3)
    seal = np.zeros((600, 800), np.uint8)
    cv2.circle(seal, (400, 300), 110, 255, 6)
    cv2.line(seal, (300, 250), (500, 250), 255, 4)  # a straight stroke of the seal, ruling-like
    red = np.array([215, 35, 40], np.float32) / 255
    alpha = (seal[..., None] / 255.0) * 0.75
    stamped = (page * (1 - alpha) + page * red * alpha).astype(np.uint8)

    clean = clean_scan(stamped)
    assert clean.ndim == 2
    ring = seal > 0
    print_under = (page.min(axis=2) < 60) & ring
    assert print_under.any()
    assert np.percentile(clean[ring & ~print_under], 5) > 200  # the seal is paper now
    assert np.percentile(clean[print_under], 95) < 90  # the digits it covered are not

    def seal_stroke(image: np.ndarray) -> list:  # the straight stroke at y = 250 px = 125 pt
        return [s for s in detect_rulings(image, [], 0.5) if s.horizontal and abs(s.pos - 125) < 3]

    assert seal_stroke(cv2.cvtColor(stamped, cv2.COLOR_RGB2GRAY)) and not seal_stroke(clean)


def test_a_stroke_run_across_a_row_ruling_is_no_column_ruling() -> None:
    """At 150 dpi a glyph's vertical stroke touching a row ruling and a speck below it make one
    straight run across the ruling, as tall as a low row: it must not split the column."""
    from extract.ocr.content import detect_rulings

    image = np.full((400, 600), 250, np.uint8)
    for y in (100, 140, 180):  # row rulings
        image[y : y + 2, 50:550] = 0
    for x in (50, 300, 548):  # column rulings
        image[100:182, x : x + 2] = 0
    image[160:181, 420:422] = 0  # a one-row divider: from one row ruling to the next
    image[130:140, 150:152] = 0  # the stroke, down to the ruling at 140 …
    image[142:151, 150:152] = 0  # … and specks under it
    verticals = sorted(round(s.pos) for s in detect_rulings(image, [], 0.5) if not s.horizontal)
    assert verticals == [26, 150, 210, 274]  # points: the three columns and the divider, not the stroke at 75


def test_uneven_light_is_evened_out() -> None:
    from extract.ocr.clean import even_background

    ramp = np.linspace(150, 250, 800, dtype=np.float32)[None, :].repeat(400, axis=0)
    page = ramp.copy()
    page[200:205, 100:700] = ramp[200:205, 100:700] * 0.2  # a printed stroke on the dark and the light side
    even = even_background(page.astype(np.uint8))
    paper = np.delete(even, range(195, 211), axis=0)
    assert paper.min() > 235
    assert even[202, 120] < 80 and even[202, 680] < 80


@needs_ocr_extra
def test_a_cell_the_arithmetic_flags_is_settled_by_reading_it_again(engine, tmp_path) -> None:
    from extract.model import Document, LineItem, Page
    from extract.ocr.content import OcrContent
    from extract.ocr.page import PageTimings
    from extract.ocr.reread import reread_findings, reread_flagged
    from extract.tables.repair import Reading, Repair

    with pymupdf.open(_dense_table(tmp_path / "dense.pdf")) as pdf:
        content = read_page(pdf[0])  # the drawn page stands in for its scan: rendered at 200 dpi, upright
        (grid,) = find_grids(content.segments)
        bbox = next(c.bbox for c in grid.cells if (c.row, c.col) == (3, 5))  # prints 607865.66
        item = LineItem(
            table_id="t01", table_type="final.general_budget_basic_expenditure", code="30201", name="办公费", column="其中",
            value=607865.56, raw="607865.56", unit="元", row=3, col=5, page=1, bbox=bbox, confidence=0.9,
        )  # fmt: skip
        rivals = [
            Reading(table_id="t01", row=3, col=5, raw=raw, value=float(raw), kind="5→6") for raw in ("607865.66", "607866.56")
        ]
        flag = Repair(
            table_id="t01", row=3, col=5, code="30201", name="办公费", column="其中", original_raw="607865.56",
            original_value=607865.56, corrected_raw=None, corrected_value=None, identities=["C: 公用经费"], page=1,
            bbox=bbox, applied=False, candidates=rivals,
        )  # fmt: skip
        page = Page(number=1, width=content.width, height=content.height)
        doc = Document(doc_id="x", path="dense.pdf", pages=[page], line_items=[item])
        read = OcrContent(content=content, rotation=0, skew=0.0, timings=PageTimings(), dpi=DPI)
        resolved = reread_flagged(doc, pdf, {1: read}, [flag], engine)
    assert resolved == [flag] and flag.applied and flag.corrected_raw == "607865.66"
    assert (item.raw, item.value, item.corrected_from) == ("607865.66", 607865.66, "607865.56")
    (finding,) = reread_findings(resolved)
    assert finding.found == "607865.56" and finding.expected == "607865.66" and "607866.56" in finding.message_en


# --- two-page spreads ---------------------------------------------------------------------


def _page_pixels(pdf: Path, dpi: int = 100) -> np.ndarray:
    with pymupdf.open(pdf) as doc:
        pix = doc[0].get_pixmap(dpi=dpi, colorspace=pymupdf.csGRAY)
    return np.frombuffer(pix.samples, np.uint8).reshape(pix.height, pix.width)


def _png(pixels: np.ndarray, path: Path) -> Path:
    pymupdf.Pixmap(pymupdf.csGRAY, pixels.shape[1], pixels.shape[0], np.ascontiguousarray(pixels).tobytes(), False).save(path)
    return path


def test_a_two_page_spread_becomes_two_pages(tmp_path) -> None:
    from extract.ocr.images import ImageGroup, images_to_pdf

    page = _page_pixels(_dense_table(tmp_path / "dense.pdf"))
    spread = _png(np.hstack([page, np.full((page.shape[0], 30), 255, np.uint8), page]), tmp_path / "spread.png")
    with images_to_pdf(ImageGroup((spread,))) as pdf:
        assert pdf.page_count == 2
        assert [(round(p.rect.width), round(p.rect.height)) for p in pdf] == [(595, 842), (595, 842)]
        halves = [p.get_image_info()[0]["width"] for p in pdf]
    assert halves == [page.shape[1] + 15] * 2  # cut in the middle of the gutter


def test_a_landscape_table_is_not_a_spread(tmp_path) -> None:
    from extract.ocr.images import ImageGroup, images_to_pdf

    d = PdfDrawer(842, 595)
    d.text(300, 50, "支出决算表", 13)
    d.grid(40, 80, [60, 200, 120, 120, 120, 120], [["科目编码", "科目名称", "合计", "基本支出", "项目支出", "其他"]] * 12, 22)
    landscape = _png(_page_pixels(d.save(tmp_path / "wide.pdf")), tmp_path / "wide.png")
    with images_to_pdf(ImageGroup((landscape,))) as pdf:
        assert pdf.page_count == 1


@needs_ocr_extra
def test_a_column_read_as_one_vertical_line_is_cut_into_its_rows(engine, tmp_path) -> None:
    from extract.ocr.clean import clean_scan
    from extract.ocr.page import render_page

    d = PdfDrawer()
    d.grid(
        60,
        90,
        [24, 120],
        [["一、", "收支预算总表"], ["二、", "收入预算总表"], ["三、", "支出预算总表"], ["十、", "政府采购支出预算表"]],
        20,
        9,
    )
    with pymupdf.open(d.save(tmp_path / "toc.pdf")) as doc:
        segments = read_page(doc[0]).segments
        image = clean_scan(render_page(doc[0], DPI))
    px = DPI / 72.0
    floors = [(s.pos * px, s.start * px, s.end * px) for s in segments if s.horizontal]
    column = Piece("一二三十", (), (61 * px, 91 * px, 83 * px, 169 * px), 0.9, (60 * px, 84 * px))  # as the detector read it
    rows = split_column(column, floors, image, engine)
    assert [p.text for p in rows] == ["一、", "二、", "三、", "十、"]
    assert [round(p.bbox[1] / px) for p in rows] == [91, 110, 130, 150]
    name = Piece("收支预算总表", (), (86 * px, 92 * px, 170 * px, 108 * px), 0.99, (84 * px, 204 * px))
    assert split_column(name, floors, image, engine) == [name]  # wide pieces are left alone


@needs_ocr_extra
def test_a_list_column_gets_back_the_first_item_the_detector_lost(engine, tmp_path) -> None:
    from extract.ocr.clean import clean_scan
    from extract.ocr.page import render_page

    d = PdfDrawer()
    names = ["收支预算总表", "收入预算总表", "支出预算总表", "财政拨款收支预算总表"]
    for k, (number, name) in enumerate(zip(["一、", "二、", "三、", "四、"], names, strict=True)):
        d.text(60, 100 + 26 * k, number, 12)
        d.text(110, 100 + 26 * k, name, 12)
    with pymupdf.open(d.save(tmp_path / "list.pdf")) as doc:
        image = clean_scan(render_page(doc[0], DPI))
    px = DPI / 72.0
    lines = [
        Piece(name, (), (108 * px, (89 + 26 * k) * px, 240 * px, (103 + 26 * k) * px), 0.99, (0, 0))
        for k, name in enumerate(names)
    ]
    column = Piece("二三四", (), (58 * px, 111 * px, 86 * px, 189 * px), 0.9, (58 * px, 86 * px))  # "一、" missed
    rows = split_column(column, [], image, engine)
    assert [p.text for p in rows] == ["二、", "三、", "四、"]
    heads = column_ends(rows, lines + rows)
    assert len(heads) == 1  # above the column, beside 收支预算总表; nothing beside a fifth row
    (first,) = read_empty_cells(heads, lines + rows, image, engine)
    assert first.text == "一、" and first.bbox[3] <= rows[0].bbox[1] + 5 * px
    assert (
        column_ends([column], lines) == []
        and read_empty_cells(column_ends(rows, lines + rows + [first]), lines + rows + [first], image, engine) == []
    )


# --- perspective ------------------------------------------------------------------------


def _framed_table(turn: float = 0.0) -> np.ndarray:
    """A grey page with a ruled 6×12 table and some print in its cells, turned by ``turn`` degrees."""
    import cv2

    page = np.full((1400, 1000), 250, np.uint8)
    for y in range(300, 1101, 400 // 6):
        page[y : y + 2, 100:900] = 0
    for x in range(100, 901, 800 // 6):
        page[300:1102, x : x + 2] = 0
    for row in range(12):
        cv2.putText(page, "1307075.54", (130, 340 + row * 66), cv2.FONT_HERSHEY_SIMPLEX, 0.5, 0, 1)
    matrix = cv2.getRotationMatrix2D((500, 700), turn, 1.0)
    return cv2.warpAffine(page, matrix, (1000, 1400), borderValue=250)


def test_a_photographed_tables_perspective_is_undone() -> None:
    import cv2

    from extract.ocr.rectify import find_frame, rectify

    flat = _framed_table()
    corners = np.float32([[0, 0], [1000, 0], [1000, 1400], [0, 1400]])
    seen = cv2.getPerspectiveTransform(corners, corners + np.float32([[15, 21], [-1, 2], [-14, -19], [2, -20]]))
    photo = cv2.warpPerspective(flat, seen, (1000, 1400), borderValue=250)

    def tilts(image: np.ndarray) -> list[float]:  # degrees, of the frame's top, bottom, left and right ruling
        return [math.degrees(math.atan(line.slope)) for line in find_frame(image)]

    assert max(tilts(photo)) - min(tilts(photo)) > 0.5  # rows fan out: no one deskew angle fits them
    straightened, homography = rectify(photo)
    assert homography is not None
    assert max(abs(tilt) for tilt in tilts(straightened)) < 0.15  # rows and columns straight again


def test_a_curled_pages_shear_is_undone_rather_than_deskewed() -> None:
    """A curl tilts the rows and not the columns; turning the page by the rows' angle would tilt the columns."""
    import cv2

    from extract.ocr.rectify import find_frame, rectify

    shear = np.float32([[1, 0, 0], [0.02, 1, -10]])  # rows fall 1.15° to the right, columns stay upright
    curled = cv2.warpAffine(_framed_table(), shear, (1000, 1400), borderValue=250)
    straightened, homography = rectify(curled)
    assert homography is not None
    assert max(abs(math.degrees(math.atan(line.slope))) for line in find_frame(straightened)) < 0.15


def test_a_flat_page_only_turned_is_left_to_deskewing() -> None:
    from extract.ocr.rectify import rectify

    turned = _framed_table(turn=1.5)
    assert rectify(turned)[1] is None
    assert rectify(np.full((400, 300), 250, np.uint8))[1] is None  # no table: nothing to go by
