"""Tests for extract.ocr: page triage, amount normalisation, and end-to-end OCR."""

from __future__ import annotations

import importlib.util

import numpy as np
import pymupdf
import pytest

from extract.ocr.detect import PageTextStats, decide, needs_ocr
from extract.ocr.engine import OcrLine
from extract.ocr.numbers import normalize_amount
from extract.ocr.page import PreparedImage, estimate_skew, sort_reading_order, unrotate_point

CJK = pymupdf.Font("cjk")
NARRATIVE = [
    "2024年部门预算编制说明",
    "收入预算15,621.11万元，其中财政拨款收入9,970.60万元。",
    "支出预算15,621.11万元，比2023年预算增加1,234.56万元。",
    "一般公共服务支出（类）人大事务（款）行政运行（项）",
]


def _text_page(
    doc: pymupdf.Document, lines: list[str], *, width: float = 595, height: float = 842, fontsize: float = 12
) -> pymupdf.Page:
    page = doc.new_page(width=width, height=height)
    page.insert_font(fontname="cjk", fontbuffer=CJK.buffer)
    for i, line in enumerate(lines):
        page.insert_text((40, 60 + i * fontsize * 2), line, fontname="cjk", fontsize=fontsize)
    return page


def _image_only_copy(doc: pymupdf.Document, source: pymupdf.Page, dpi: int = 150, rotate: int = 0) -> pymupdf.Page:
    """A new page holding nothing but a render of ``source`` (turned ``rotate``° clockwise)."""
    pix = source.get_pixmap(dpi=dpi, colorspace=pymupdf.csGRAY)
    page = doc.new_page(width=source.rect.width, height=source.rect.height)
    page.insert_image(page.rect, pixmap=pix, rotate=rotate)
    return page


# --- detect -------------------------------------------------------------------------


def test_text_page_does_not_need_ocr() -> None:
    doc = pymupdf.open()
    decision = needs_ocr(_text_page(doc, NARRATIVE * 3))
    assert not decision.needs_ocr
    assert decision.reason == "ok"


def test_rendered_image_only_page_needs_ocr() -> None:
    doc = pymupdf.open()
    scan = _image_only_copy(doc, _text_page(doc, NARRATIVE))
    decision = needs_ocr(scan)
    assert decision.needs_ocr
    assert decision.reason == "no_text_layer"


def test_image_page_with_stamped_header_needs_ocr() -> None:
    doc = pymupdf.open()
    scan = _image_only_copy(doc, _text_page(doc, NARRATIVE * 5))
    scan.insert_font(fontname="cjk", fontbuffer=CJK.buffer)
    scan.insert_text((150, 820), "上海市普陀区2024年部门预算  第 3 页 共 20 页", fontname="cjk", fontsize=9)
    decision = needs_ocr(scan)
    assert decision.needs_ocr
    assert decision.reason == "image_page"


def _remap_tounicode(doc: pymupdf.Document, lines: list[str], target) -> pymupdf.Document:
    """Rewrite the ToUnicode CMap so each glyph of ``lines`` maps to ``target(index, ch)``,
    as in PDFs whose fonts carry private-use or missing code points.

    Returns the document reopened from bytes (pymupdf caches decoded fonts per document).
    """
    chars = sorted({ch for line in lines for ch in line if not ch.isspace()})
    entries = "\n".join(f"<{CJK.has_glyph(ord(ch)):04X}> <{target(i, ch):04X}>" for i, ch in enumerate(chars))
    cmap = (
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
        "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
        "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
        f"{len(chars)} beginbfchar\n{entries}\nendbfchar\n"
        "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"
    )
    for xref in range(1, doc.xref_length()):
        key = doc.xref_get_key(xref, "ToUnicode")
        if key[0] == "xref":
            doc.update_stream(int(key[1].split()[0]), cmap.encode())
    return pymupdf.open("pdf", doc.tobytes())


def test_private_use_glyphs_need_ocr() -> None:
    doc = pymupdf.open()
    _text_page(doc, NARRATIVE)
    page = _remap_tounicode(doc, NARRATIVE, lambda i, _ch: 0xE000 + i)[0]
    assert any(0xE000 <= ord(ch) <= 0xF8FF for ch in page.get_text())
    decision = needs_ocr(page)
    assert decision.needs_ocr
    assert decision.reason == "private_use_glyphs"


def test_replacement_chars_need_ocr() -> None:
    # MuPDF never yields U+FFFD from a ToUnicode map (it falls back to glyph ids), so
    # build the stats a text layer full of U+FFFD would give.
    stats = PageTextStats(
        n_chars=200,
        n_cjk=150,
        n_pua=0,
        n_replacement=40,
        image_coverage=0.0,
        text_coverage=0.2,
        ink_fraction=0.05,
        n_letters=190,
    )
    decision = decide(stats)
    assert decision.needs_ocr
    assert decision.reason == "replacement_chars"


def test_unmapped_glyph_ids_are_not_caught_yet() -> None:
    """Glyph ids decoded as code points give CJK-looking junk; documented limitation."""
    doc = pymupdf.open()
    _text_page(doc, NARRATIVE)
    page = _remap_tounicode(doc, NARRATIVE, lambda _i, ch: 0xFFFD if ord(ch) > 0x7F else ord(ch))[0]
    assert "编制" not in page.get_text()
    assert needs_ocr(page).reason == "ok"


# --- numbers ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "value", "changed"),
    [
        ("1,234.56", 1234.56, False),
        ("7,630.61", 7630.61, False),
        ("1234", 1234.0, False),
        ("0", 0.0, False),
        ("0.00", 0.0, False),
        ("-1,234.00", -1234.0, False),
        ("1.234", 1.234, False),
        ("1，234.56", 1234.56, True),
        ("１，０００．００", 1000.0, True),
        ("12，345，678.90", 12345678.9, True),
        ("12.345.67", 12345.67, True),
        ("1.234.567", 1234567.0, True),
        ("1,234,56", 1234.56, True),
        ("1234,56", 1234.56, True),
        ("1234。56", 1234.56, True),
        ("1 234.56", 1234.56, True),
        ("15 621.11", 15621.11, True),
        ("1O2.5", 102.5, True),
        ("1o0", 100.0, True),
        ("l,234", 1234.0, True),
        ("2I0", 210.0, True),
        ("－12.5", -12.5, True),
        ("1,234.", 1234.0, True),
        ("1,.073.77", 1073.77, True),  # a separator read twice (150 dpi): the last of the run counts
        ("163..58", 163.58, True),
    ],
)
def test_normalize_amount(raw: str, value: float, changed: bool) -> None:
    result = normalize_amount(raw)
    assert result.value == pytest.approx(value)
    assert result.changed is changed


@pytest.mark.parametrize("raw", ["合计", "-", "—", "", "Total", "100%", "12.-3", "(12)", "Ol"])
def test_normalize_amount_rejects_non_amounts(raw: str) -> None:
    assert normalize_amount(raw).value is None


# --- geometry -----------------------------------------------------------------------


@pytest.mark.parametrize("k", [0, 1, 2, 3])
def test_unrotate_point_inverts_rot90(k: int) -> None:
    image = np.zeros((30, 50), dtype=np.uint8)
    image[7, 11] = 255  # row 7, col 11 → pixel centre (11.5, 7.5)
    turned = np.rot90(image, k)
    row, col = np.argwhere(turned == 255)[0]
    x, y = unrotate_point((col + 0.5, row + 0.5), k, image.shape)
    assert (x, y) == pytest.approx((11.5, 7.5))


def test_deskew_estimate_and_mapping() -> None:
    import cv2

    image = np.full((600, 800, 3), 255, dtype=np.uint8)
    for y in range(60, 560, 40):
        cv2.rectangle(image, (60, y), (740, y + 12), (0, 0, 0), -1)
    matrix = cv2.getRotationMatrix2D((400, 300), -1.2, 1.0)
    skewed = cv2.warpAffine(image, matrix, (800, 600), borderValue=(255, 255, 255))
    angle = estimate_skew(skewed)
    assert angle == pytest.approx(1.2, abs=0.1)
    prepared = PreparedImage.identity(skewed).deskewed(angle, 2.0)
    # A point mapped forward by the deskew rotation comes back where it was.
    m = cv2.getRotationMatrix2D((400, 300), angle, 1.0)
    fx, fy = m @ np.array([100.0, 200.0, 1.0])
    assert prepared.to_original((fx, fy)) == pytest.approx((100.0, 200.0), abs=1e-6)


def test_reading_order_groups_rows() -> None:
    lines = [
        OcrLine("B", (200, 102, 260, 120), 1.0),
        OcrLine("C", (10, 150, 90, 168), 1.0),
        OcrLine("A", (10, 100, 90, 118), 1.0),
    ]
    assert [line.text for line in sort_reading_order(lines)] == ["A", "B", "C"]


# --- end to end ---------------------------------------------------------------------

HAS_RAPIDOCR = importlib.util.find_spec("rapidocr") is not None and (importlib.util.find_spec("onnxruntime") is not None)
needs_rapidocr = pytest.mark.skipif(not HAS_RAPIDOCR, reason="rapidocr/onnxruntime not installed (pip install 'budgetlens[ocr]')")


@pytest.fixture(scope="module")
def engine():
    from extract.ocr.engine import RapidOcrEngine

    return RapidOcrEngine()


def _squash(text: str) -> str:
    return "".join(text.split())


@needs_rapidocr
@pytest.mark.parametrize("rotate", [0, 180])
def test_ocr_synthetic_scanned_page(engine, rotate: int) -> None:
    from extract.ocr.page import ocr_page_detailed

    doc = pymupdf.open()
    source = _text_page(doc, NARRATIVE, width=420, height=160, fontsize=11)
    scan = _image_only_copy(doc, source, dpi=200, rotate=rotate)
    assert needs_ocr(scan).needs_ocr

    result = ocr_page_detailed(scan, engine, dpi=200)
    assert result.rotation == rotate
    assert len(result.confidences) == len(result.lines)
    assert all(0.5 <= c <= 1.0 for c in result.confidences)
    text = _squash("".join(line.text for line in result.lines))
    expected = _squash("".join(NARRATIVE))
    # Allow a couple of OCR slips, not more.
    from difflib import SequenceMatcher

    assert SequenceMatcher(None, text, expected).ratio() > 0.97, text
    assert normalize_amount("9,970.60").value == 9970.60

    # The first line's box lands where the text was drawn (in unrotated page points).
    title = next(line for line in result.lines if "编制说明" in line.text)
    x0, y0, x1, y1 = title.bbox
    if rotate == 180:
        x0, y0, x1, y1 = 420 - x1, 160 - y1, 420 - x0, 160 - y0
    assert x0 == pytest.approx(40, abs=6)
    assert y1 == pytest.approx(60, abs=6)
    assert 8 <= title.font_size <= 15
    assert title.page == scan.number + 1
