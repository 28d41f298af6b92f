"""Curled, photographed and flat pages through `extract.ocr.flatten` on drawn fixtures.

A ruled table (four columns, twenty rows of amounts, one black marker in a known cell) is
drawn at 150 dpi, then bent by a known page curl, seen in a known perspective, or photographed
on a dark table. After rectification every long ruling must be straight and all of them
parallel within a pixel or two, and the marker must sit in its cell where it was drawn.
A flat page that is only turned must come back untouched (deskewing is a later step).
"""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest

pytestmark = pytest.mark.skipif(importlib.util.find_spec("cv2") is None, reason="the ocr extra is not installed")

DPI = 150
PX = DPI / 72
WIDTH, HEIGHT = 1240, 1754
COLUMNS = [120, 420, 640, 860, 1120]
ROWS = list(range(300, 1360, 53))
MARKER_CELL = (12, 2)
"""(row, column) of the cell holding the marker."""
MARKER_SIZE = 16


def _page() -> np.ndarray:
    import cv2

    page = np.full((HEIGHT, WIDTH), 255, np.uint8)
    cv2.putText(page, "2022 BUDGET TABLE 01", (300, 220), cv2.FONT_HERSHEY_SIMPLEX, 1.4, 0, 3)
    for y in ROWS:
        cv2.line(page, (COLUMNS[0], y), (COLUMNS[-1], y), 0, 2)
    for x in COLUMNS:
        cv2.line(page, (x, ROWS[0]), (x, ROWS[-1]), 0, 2)
    for r, bottom in enumerate(ROWS[1:]):
        for c, left in enumerate(COLUMNS[:-1]):
            if (r, c) != MARKER_CELL:
                amount = f"{r * 7919 + c * 104729:,}.{r:02d}"
                cv2.putText(page, amount, (left + 12, bottom - 16), cv2.FONT_HERSHEY_SIMPLEX, 0.8, 0, 2)
    x, y = _marker_centre()
    half = MARKER_SIZE // 2
    page[round(y) - half : round(y) + half, round(x) - half : round(x) + half] = 0
    return page


def _marker_centre() -> tuple[float, float]:
    r, c = MARKER_CELL
    return (COLUMNS[c] + COLUMNS[c + 1]) / 2, (ROWS[r] + ROWS[r + 1]) / 2


def _curl(page: np.ndarray, amplitude: float = 0.008, phase: float = 0.4) -> np.ndarray:
    """Rows bend by a half sine across the width (as scripts/make_scans.py's page warp)."""
    import cv2

    h, w = page.shape
    xs, ys = np.meshgrid(np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32))
    dy = amplitude * h * np.sin(np.pi * xs / w + phase) * (0.6 + 0.4 * ys / h)
    dx = 0.3 * amplitude * w * np.sin(np.pi * ys / h)
    return cv2.remap(page, xs + dx, ys + dy, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=255)


def _perspective(page: np.ndarray, corners: list[tuple[float, float]], size: tuple[int, int], fill: int = 255) -> np.ndarray:
    import cv2

    h, w = page.shape
    source = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    matrix = cv2.getPerspectiveTransform(source, np.float32(corners))
    return cv2.warpPerspective(page, matrix, size, flags=cv2.INTER_LINEAR, borderValue=fill)


def _rulings(image: np.ndarray, horizontal: bool) -> list:
    from extract.ocr.content import binarize
    from extract.ocr.flatten import ruling_family

    return ruling_family(binarize(image), horizontal, PX)


def _worst_offset(lines: list) -> float:
    """Largest distance (px) of any ruling from a straight line of the family's median slope."""
    slope = float(np.median([line.slope for line in lines]))
    worst = 0.0
    for line in lines:
        along = np.linspace(line.start, line.end, 60)
        offsets = line.fit(along) - slope * along
        worst = max(worst, float(np.ptp(offsets)))
    return worst


def _marker(image: np.ndarray) -> tuple[float, float]:
    """Centre of the one filled square of ink."""
    import cv2

    ink = (image < 128).astype(np.uint8)
    solid = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((MARKER_SIZE - 4, MARKER_SIZE - 4), np.uint8))
    ys, xs = np.nonzero(solid)
    assert len(xs), "the marker is gone"
    return float(xs.mean()), float(ys.mean())


def _cell_position(image: np.ndarray) -> tuple[int, int, float, float]:
    """The marker's cell (row, column) and where it sits in it: shares of the cell's height above and width left of it."""
    x, y = _marker(image)
    rows = sorted(line.fit(x) for line in _rulings(image, True) if line.start <= x <= line.end)
    columns = sorted(line.fit(y) for line in _rulings(image, False) if line.start <= y <= line.end)
    above, below = max(v for v in rows if v < y), min(v for v in rows if v > y)
    left, right = max(v for v in columns if v < x), min(v for v in columns if v > x)
    row, column = sum(v < y for v in rows) - 1, sum(v < x for v in columns) - 1
    return row, column, (y - above) / (below - above), (x - left) / (right - left)


def _assert_flat(image: np.ndarray) -> None:
    rows, columns = _rulings(image, True), _rulings(image, False)
    assert len(rows) == len(ROWS) and len(columns) == len(COLUMNS)
    assert _worst_offset(rows) <= 2.0
    assert _worst_offset(columns) <= 2.0
    # The two families are perpendicular: what tilt is left is plain skew, for the deskewer.
    assert abs(np.median([line.slope for line in rows]) + np.median([line.slope for line in columns])) < 0.002
    drawn = _cell_position(_page())
    found = _cell_position(image)
    assert found[:2] == drawn[:2] == MARKER_CELL
    assert np.allclose(found[2:], drawn[2:], atol=0.03)


def test_a_curled_page_comes_back_with_straight_rulings():
    from extract.ocr.flatten import flatten_rulings

    curled = _curl(_page())
    assert _worst_offset(_rulings(curled, True)) > 6  # the fixture is bent
    _assert_flat(flatten_rulings(curled, PX))


def test_a_page_seen_in_perspective_comes_back_with_parallel_rulings():
    from extract.ocr.flatten import flatten_rulings

    seen = _perspective(_page(), [(30, 10), (WIDTH - 5, 45), (WIDTH - 40, HEIGHT - 20), (0, HEIGHT - 5)], (WIDTH, HEIGHT))
    assert _worst_offset(_rulings(seen, True)) > 8
    _assert_flat(flatten_rulings(seen, PX))


def test_a_photo_is_cut_to_its_page_outline():
    from extract.ocr.flatten import crop_to_page

    # The page at 80 % of the photo, its corners moved as an off-axis camera moves them.
    left, top, right, bottom = 124, 175, 124 + 992, 175 + 1403
    corners = [(left + 25, top - 10), (right - 5, top + 20), (right + 15, bottom - 5), (left - 10, bottom + 15)]
    photo = _perspective(_page(), corners, (WIDTH, HEIGHT), fill=70)
    page = crop_to_page(photo)
    assert page.shape[1] == WIDTH and abs(page.shape[0] - HEIGHT) < 0.05 * HEIGHT
    assert np.median(np.concatenate([page[:5].ravel(), page[-5:].ravel()])) > 200  # no table left around it
    _assert_flat(page)


def test_a_flat_turned_scan_is_left_to_the_deskewer():
    import cv2

    from extract.ocr.flatten import crop_to_page, flatten_rulings

    page = _page()
    turned = cv2.warpAffine(page, cv2.getRotationMatrix2D((WIDTH / 2, HEIGHT / 2), 1.0, 1.0), (WIDTH, HEIGHT), borderValue=255)
    noisy = np.clip(turned + np.random.default_rng(0).normal(0, 6, turned.shape), 0, 255).astype(np.uint8)
    assert flatten_rulings(noisy, PX) is noisy
    assert flatten_rulings(page, PX) is page
    assert crop_to_page(noisy) is noisy  # no background around it


def test_a_page_without_rulings_is_left_alone():
    import cv2

    from extract.ocr.flatten import flatten_rulings

    page = np.full((HEIGHT, WIDTH), 255, np.uint8)
    for y in range(200, 1500, 60):
        cv2.putText(page, "narrative text of the budget explanation", (100, y), cv2.FONT_HERSHEY_SIMPLEX, 1.0, 0, 2)
    curled = _curl(page)
    assert flatten_rulings(curled, PX) is curled
