"""Two-page spreads: one scanned image of two facing pages, read as two pages.

Detection (`find_gutter`). A spread is a landscape image (wider than ``SPREAD_MIN_RATIO`` × its
height) with a gutter within ``SPREAD_CENTRE_BAND`` of the width either side of the middle and
print on both sides. The gutter is either

- blank: a band of columns without print, at least ``SPREAD_MIN_GUTTER`` of the width (a report
  copied two-up), cut in its middle (at the very middle when that is blank: two equal pages); or
- a shadow: a band as wide whose paper is darker than the paper on both sides of it, by at
  least ``SHADOW_MIN_DEPTH`` grey levels, over nearly the whole height (``SHADOW_MIN_HEIGHT``),
  with no print in it (a book scanned open, its fold in shadow), cut at its darkest column.

A landscape page with a table, a chart or text across its middle has neither: its print crosses
the middle; a ruling is a dark column far narrower than a gutter; a filled bar or a shaded table
column is darker for only part of the height, or carries print. Uneven lighting is darker on one
side than the other, never in the middle of both.

Pages. An image input is split when it is converted (`extract.ocr.images`). A PDF page that
needs OCR and is a spread is read as two pages (`extract.parse.document.PageReader`): each half
becomes a `Page` of its own, numbered in reading order, that records the PDF page it was cut
from (`Page.source_page`) and the part of it (`Page.source_clip`); its coordinates are those of
the half. `page_view` gives the pymupdf page that shows a `Page`, for whatever renders it again.
"""

from __future__ import annotations

import numpy as np
import pymupdf

from extract.model import Page

SPREAD_MIN_RATIO = 1.2
"""Width over height above which an image may be two pages side by side (two A4: 1.41)."""
SPREAD_CENTRE_BAND = 0.08
"""The gutter is looked for within this fraction of the width either side of the middle."""
SPREAD_MIN_GUTTER = 0.01
"""A gutter (blank or shadow) is at least this share of the width; a ruling is far narrower."""
SPREAD_MAX_GUTTER_INK = 0.003
"""A blank gutter column has at most this share of dark pixels (specks, a stray mark)."""
SPREAD_MIN_SIDE_INK = 0.002
"""Each side must hold this share of dark pixels: a page of print, not a margin."""
SHADOW_MIN_DEPTH = 30
"""Grey levels by which a shadow's paper is darker than the paper on either side of the band."""
SHADOW_MIN_HEIGHT = 0.85
"""Share of the height over which a shadow column is that much darker."""
SHADOW_MAX_PRINT = 0.01
"""Share of a shadow's pixels that may be print (darker than the shadow by ``SHADOW_PRINT``)."""
SHADOW_PRINT = 60
INK = 160
"""A pixel darker than this is print."""
CROSSING_DEPTH = 40
"""A line crossing the gutter is this many grey levels darker than the band's paper…"""
CROSSING_SHARE = 0.8
"""…over this share of the band's width."""
DETECT_WIDTH = 1000
"""Images are looked at this many pixels wide: a gutter of 1% is 10 columns."""
_STRIPS = 20


def find_gutter(grey: np.ndarray) -> float | None:
    """Where a two-page spread is cut, as a fraction of the width of the grey image; None for a single page."""
    height, width = grey.shape
    if width < SPREAD_MIN_RATIO * height:
        return None
    if width > DETECT_WIDTH:
        import cv2

        grey = cv2.resize(grey, (DETECT_WIDTH, max(1, round(height * DETECT_WIDTH / width))), interpolation=cv2.INTER_AREA)
        height, width = grey.shape
    ink = (grey < INK).sum(axis=0)
    lo, hi = int(width * (0.5 - SPREAD_CENTRE_BAND)), int(width * (0.5 + SPREAD_CENTRE_BAND))
    band = _shadow_gutter(grey, lo, hi) or _blank_gutter(ink, height, lo, hi)  # a shadow has blank margins beside it
    if band is None or _crossed(grey[:, band[0] : band[1]]):
        return None
    cut = band[2]
    side = SPREAD_MIN_SIDE_INK * height * width / 2
    if ink[:cut].sum() < side or ink[cut:].sum() < side:
        return None
    return cut / width


def _crossed(band: np.ndarray) -> bool:
    """Whether a line runs across the band (a chart's axis, a ruling): print on both sides of it is one page."""
    dark = band < np.median(band, axis=0) - CROSSING_DEPTH
    dark = dark[:-2] | dark[1:-1] | dark[2:]  # a line turned by the skew drifts by a row
    return bool((dark.mean(axis=1) >= CROSSING_SHARE).any())


def _runs(flags: np.ndarray, offset: int) -> list[tuple[int, int]]:
    """(start, end) of each run of True, shifted by ``offset``."""
    edges = np.flatnonzero(np.diff(np.concatenate([[0], flags.astype(np.int8), [0]])))
    return [(offset + int(a), offset + int(b)) for a, b in zip(edges[::2], edges[1::2], strict=True)]


def _nearest_middle(runs: list[tuple[int, int]], middle: float) -> tuple[int, int]:
    return min(runs, key=lambda run: 0 if run[0] <= middle < run[1] else min(abs(run[0] - middle), abs(run[1] - middle)))


def _blank_gutter(ink: np.ndarray, height: int, lo: int, hi: int) -> tuple[int, int, int] | None:
    """(start, end, cut) of the blank band nearest the middle."""
    width = len(ink)
    blank = ink[lo:hi] <= SPREAD_MAX_GUTTER_INK * height
    runs = [run for run in _runs(blank, lo) if run[1] - run[0] >= SPREAD_MIN_GUTTER * width]
    if not runs:
        return None
    start, end = _nearest_middle(runs, width / 2)
    return start, end, width // 2 if start <= width // 2 < end else (start + end) // 2


def _shadow_gutter(grey: np.ndarray, lo: int, hi: int) -> tuple[int, int, int] | None:
    """(start, end, cut) of the shadow band nearest the middle, cut at its darkest column."""
    height, width = grey.shape
    rows = height // _STRIPS * _STRIPS
    if rows == 0:
        return None
    strips = grey[:rows].reshape(_STRIPS, rows // _STRIPS, width)
    paper = np.percentile(strips, 75, axis=1)  # per strip and column: print covers less than a quarter
    flank = max(1, int(width * SPREAD_CENTRE_BAND))
    left = np.median(paper[:, max(0, lo - flank) : lo], axis=1)
    right = np.median(paper[:, hi : hi + flank], axis=1)
    darker = paper[:, lo:hi] < np.minimum(left, right)[:, None] - SHADOW_MIN_DEPTH
    shaded = darker.mean(axis=0) >= SHADOW_MIN_HEIGHT
    runs = [run for run in _runs(shaded, lo) if run[1] - run[0] >= SPREAD_MIN_GUTTER * width]
    if not runs:
        return None
    start, end = _nearest_middle(runs, width / 2)
    band = grey[:rows, start:end].astype(np.int16)
    level = np.repeat(paper[:, start:end], rows // _STRIPS, axis=0)
    if (band < level - SHADOW_PRINT).mean() > SHADOW_MAX_PRINT:
        return None
    return start, end, start + int(np.argmin(np.median(paper[:, start:end], axis=0)))


def spread_halves(page: pymupdf.Page) -> list[pymupdf.Rect] | None:
    """The two halves of ``page`` (as displayed) when it shows a two-page spread, else None."""
    rect = page.rect
    if rect.width < SPREAD_MIN_RATIO * rect.height:
        return None
    pix = page.get_pixmap(matrix=pymupdf.Matrix(DETECT_WIDTH / rect.width), colorspace=pymupdf.csGRAY, alpha=False)
    cut = find_gutter(np.frombuffer(pix.samples, np.uint8).reshape(pix.height, pix.width))
    if cut is None:
        return None
    x = rect.x0 + cut * rect.width
    return [pymupdf.Rect(rect.x0, rect.y0, x, rect.y1), pymupdf.Rect(x, rect.y0, rect.x1, rect.y1)]


def clipped_page(page: pymupdf.Page, clip: pymupdf.Rect) -> pymupdf.Page:
    """A page of its own (in a new in-memory PDF) showing the part ``clip`` of ``page`` as displayed."""
    copy = pymupdf.open()
    copy.insert_pdf(page.parent, from_page=page.number, to_page=page.number)
    turn = page.rotation
    copy[0].set_rotation(0)  # show_pdf_page clips in unrotated space: the turn is applied by it instead
    out = pymupdf.open()
    part = out.new_page(width=clip.width, height=clip.height)
    part.show_pdf_page(part.rect, copy, 0, clip=clip * page.derotation_matrix, rotate=-turn)
    return part


def page_view(pdf: pymupdf.Document, page: Page) -> pymupdf.Page:
    """The pymupdf page that shows ``page`` of a Document read from ``pdf``: a page of ``pdf``, or part of one."""
    source = pdf[page.source_number - 1]
    return source if page.source_clip is None else clipped_page(source, pymupdf.Rect(page.source_clip))
