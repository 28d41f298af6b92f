"""Tables printed without rulings (`extract.ocr.whitespace`), on a drawn 支出决算表.

The same table is drawn twice: ruled, as the digital reader knows it, and as aligned text only
(headers centred, codes and names left-aligned, amounts right-aligned). The unruled page gets
rulings down its whitespace columns and between its rows, so its grid has the ruled table's
shape; scanned and OCR'd (one page, a few seconds), it gives the ruled table's line items.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from conftest import PdfDrawer
from extract.parse.pdf import read_page
from extract.pipeline import process
from extract.tables.grid import find_grids

HAS_OCR = all(importlib.util.find_spec(m) is not None for m in ("rapidocr", "onnxruntime", "cv2"))

WIDTHS = [60, 150, 90, 90, 90]
ROWS = [
    ["科目编码", "科目名称", "合计", "基本支出", "项目支出"],
    ["201", "一般公共服务支出", "1,234,567.89", "1,034,567.89", "200,000.00"],
    ["20101", "人大事务", "1,234,567.89", "1,034,567.89", "200,000.00"],
    ["208", "社会保障和就业支出", "3,456,789.01", "3,356,789.01", "100,000.00"],
    ["20805", "行政事业单位养老支出", "3,456,789.01", "3,356,789.01", "100,000.00"],
    ["221", "住房保障支出", "567,890.12", "567,890.12", "0.00"],
    ["", "合计", "5,259,247.02", "4,959,247.02", "300,000.00"],
]
LEFT, TOP, ROW_HEIGHT, SIZE = 60.0, 95.0, 22.0, 9.0


def _draw(path: Path, ruled: bool) -> Path:
    d = PdfDrawer()
    d.text(170, 60, "一般公共预算财政拨款支出决算表", 13)
    d.text(LEFT, 85, "公开05表", SIZE)
    d.text(440, 85, "金额单位：元", SIZE)
    if ruled:
        d.grid(LEFT, TOP, WIDTHS, ROWS, row_height=ROW_HEIGHT, size=SIZE)
        return d.save(path)
    for r, row in enumerate(ROWS):
        baseline = TOP + (r + 1) * ROW_HEIGHT - 6
        x = LEFT
        for c, (width, text) in enumerate(zip(WIDTHS, row, strict=True)):
            if r == 0:
                d.text(x + (width - _width(text)) / 2, baseline, text, SIZE)
            elif c >= 2:
                d.text(x + width - 4 - _width(text), baseline, text, SIZE)
            elif text:
                d.text(x + 2, baseline, text, SIZE)
            x += width
    return d.save(path)


def _width(text: str) -> float:
    """Advance of ``text`` in the drawer's CJK font."""
    import pymupdf

    return pymupdf.Font("cjk").text_length(text, fontsize=SIZE)


def _key(item) -> tuple[str, str, float]:
    return (item.code or item.name, item.column, round(item.value, 2))


def test_aligned_text_gets_the_ruled_tables_grid(tmp_path):
    import pymupdf

    from extract.ocr.whitespace import whitespace_rulings

    with pymupdf.open(_draw(tmp_path / "plain.pdf", ruled=False)) as doc:
        content = read_page(doc[0])
    assert not find_grids(content.segments)
    (grid,) = find_grids(whitespace_rulings(content.chars, content.segments))
    assert (grid.n_rows, grid.n_cols) == (len(ROWS), len(WIDTHS))
    # Each column ruling lies in the whitespace between the drawn columns.
    for x, boundary in zip(grid.xs[1:-1], [LEFT + sum(WIDTHS[: k + 1]) for k in range(len(WIDTHS) - 1)], strict=True):
        assert boundary - 60 < x < boundary + 20


def test_prose_and_ruled_tables_get_no_rulings(tmp_path):
    import pymupdf

    from extract.ocr.whitespace import whitespace_rulings

    d = PdfDrawer()
    for k in range(8):
        d.text(60, 100 + 18 * k, f"本年度一般公共预算财政拨款支出{k + 1},234.56元，比上年增加{k}.5%，主要是人员经费增加。", 10.5)
    with pymupdf.open(d.save(tmp_path / "prose.pdf")) as doc:
        prose = read_page(doc[0])
    with pymupdf.open(_draw(tmp_path / "ruled.pdf", ruled=True)) as doc:
        ruled = read_page(doc[0])
    assert whitespace_rulings(prose.chars, prose.segments) == []
    assert whitespace_rulings(ruled.chars, ruled.segments) == []


@pytest.mark.skipif(not HAS_OCR, reason="the ocr extra is not installed")
def test_a_scanned_table_without_rulings_gives_the_ruled_tables_line_items(tmp_path):
    from extract.ocr.engine import RapidOcrEngine
    from extract.parse.document import PageReader
    from scripts.make_scans import ScanOptions, make_scan

    expected = sorted(_key(i) for i in process(_draw(tmp_path / "ruled.pdf", ruled=True)).line_items)
    assert len(expected) == 18
    plain = _draw(tmp_path / "plain.pdf", ruled=False)
    assert process(plain).line_items == []  # the digital reader needs rulings
    scan = make_scan(plain, tmp_path / "scan.pdf", ScanOptions(seed=1))
    found = sorted(_key(i) for i in process(scan, reader=PageReader("auto", RapidOcrEngine())).line_items)
    assert found == expected
