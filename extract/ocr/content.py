"""OCR a page into the same `PageContent` the digital reader makes, so that everything
downstream (grids, cell text, line grouping, titles, tables, line items) is shared.

Coordinate convention. All boxes and rulings are in PDF points of the *upright, deskewed*
page: the page is rendered as displayed (``/Rotate`` applied), turned by the detected
orientation and rotated by the detected skew (`extract.ocr.page.read_upright`); pixels of
that image are scaled to points by ``page width in points / render width in pixels``. So
``PageContent.width``/``height`` are those of the upright page (swapped for a page found
turned by 90°/270°) and ``PageContent.rotation`` is the detected orientation (clockwise
degrees the content was turned by on the displayed page), not the PDF's ``/Rotate``.

Text. Each OCR text box becomes one pseudo-`Char` per character, the box split over its
width in proportion to the character widths (full-width CJK 1, ASCII ½), vertically
centred on the box with a size of ≈ 0.75 × box height (PP-OCR pads its boxes), each with
the box's confidence. Cell assignment and line grouping then work unchanged, including a
box that straddles a ruling. A box that reads as an amount is normalised first
(`extract.ocr.numbers`): "1，234。56" → "1,234.56".

Rulings. Found on the same upright raster with OpenCV morphology (as img2table does):
adaptive threshold (faint grey lines survive it), opening with a long horizontal (resp.
vertical) kernel keeps only long straight runs of ink, a closing joins the pieces of a
broken line, and each connected component becomes a `Segment`. Pieces running inside an OCR
text box are strokes of characters (一, 丨, underlines of a label), not rulings.
"""

from __future__ import annotations

import itertools
import re
import time
import unicodedata
from dataclasses import dataclass, field, replace

import numpy as np
import pymupdf

from extract.ocr.cells import (
    CellReread,
    Piece,
    Wall,
    column_ends,
    read_empty_cells,
    reread_broken,
    split_at_rulings,
    split_column,
    usual_decimals,
)
from extract.ocr.clean import clean_scan
from extract.ocr.engine import CropRecognizer, OcrEngine, PixelBBox
from extract.ocr.flatten import crop_to_page, flatten_rulings
from extract.ocr.numbers import normalize_amount
from extract.ocr.page import FONT_SIZE_PER_BOX_HEIGHT, PageTimings, read_upright, render_page
from extract.ocr.rectify import rectify
from extract.ocr.whitespace import whitespace_rulings
from extract.parse.pdf import Char, PageContent, Segment, image_coverage
from extract.tables.grid import find_grids

MIN_DPI = 200
"""Image pages finer than this are rendered at their own resolution; coarser ones are upsampled to it.
At 150 dpi a "1" is a stroke 1–2 px wide that the 3×3 median of the empty-cell test erases, a
point read beside a speck becomes a colon, and the thresholds in pixels (glyph ink, crop insets)
were set at 200 dpi. Upsampling costs little: the detector's input is capped
(`extract.ocr.engine.RapidOcrEngine.det_limit`) and the recogniser scales each line to its own
height (scripts/bench_scans.py --defects dpi150: 99.1% → 99.6% of the line items)."""
H_MIN_PT = 12.0
"""Shortest horizontal ruling piece kept (points); narrower cells are rare and 类/款/项 columns are ≥ 20 pt."""
V_MIN_PT = 7.0
"""Shortest vertical ruling piece kept (points): one low table row; taller text strokes are filtered by box."""
GAP_PT = 3.0
"""Pieces of a ruling closer than this (points) are joined (faint, dashed or broken lines)."""
ERASE_MIN_PT = 48.0
"""Rulings at least this long (points) are erased before the text detector runs: longer than any
stroke of a title glyph (the long stroke of 本 in a 30-pt title is ≈ 25 pt, and erasing it made
本 read as "2"); a table's rulings run on through several rows or columns."""
MAX_THICK_PT = 3.0
"""Components thicker than this are bars or filled areas, not rulings."""
_SEPARATOR = re.compile(r"[.,，。、·﹒‚]")


@dataclass
class OcrContent:
    content: PageContent
    rotation: int
    skew: float
    timings: PageTimings
    dpi: int
    rereads: list[CellReread] = field(default_factory=list)
    """Cells read again from their crop (`extract.ocr.cells`), boxes in points."""
    homography: np.ndarray | None = None
    """The perspective undone on the cleaned render before it was read (`extract.ocr.rectify`)."""


def ocr_page_content(page: pymupdf.Page, engine: OcrEngine, dpi: int = 200) -> PageContent:
    """OCR ``page`` into chars and ruling segments (see the module docstring for the frame)."""
    return ocr_page_content_detailed(page, engine, dpi).content


def ocr_page_content_detailed(page: pymupdf.Page, engine: OcrEngine, dpi: int = 200, *, erase: bool = True) -> OcrContent:
    """`ocr_page_content` with the orientation, skew, render dpi and time per stage."""
    start = time.perf_counter()
    render_dpi = raster_dpi(page, dpi)
    image, homography = rectify(clean_scan(crop_to_page(render_page(page, render_dpi))))
    image = flatten_rulings(image, render_dpi / 72.0)
    render_seconds = time.perf_counter() - start

    px = image.shape[1] / page.rect.width
    read = read_upright(image, engine, clean=(lambda upright: erase_rulings(upright, px)) if erase else None)
    timings = read.timings
    timings.render = render_seconds
    start = time.perf_counter()
    scale = page.rect.width / image.shape[1]
    upright = read.prepared.image
    segments = detect_rulings(upright, [line.bbox for line in read.lines], scale)
    walls = [Wall(s.pos / scale, s.start / scale, s.end / scale) for s in segments if not s.horizontal]
    pieces = [piece for line in read.lines for piece in split_at_rulings(line, walls)]
    rereads: list[CellReread] = []
    if isinstance(engine, CropRecognizer):
        print_only = read.cleaned if read.cleaned is not None else upright
        floors = [(s.pos / scale, s.start / scale, s.end / scale) for s in segments if s.horizontal]
        columns = [(piece, split_column(piece, floors, print_only, engine)) for piece in pieces]
        pieces = [row for _, rows in columns for row in rows]
        heads = [box for piece, rows in columns if rows[0] is not piece for box in column_ends(rows, pieces)]
        pieces, rereads = reread_broken(pieces, print_only, engine, usual_decimals([piece.text for piece in pieces]))
        cells = [
            (x0 / scale, y0 / scale, x1 / scale, y1 / scale)
            for grid in find_grids(segments)
            for x0, y0, x1, y1 in (c.bbox for c in grid.cells)
        ]
        pieces += read_empty_cells(cells + heads, pieces, print_only, engine)
    chars = [ch for piece in pieces for ch in piece_chars(piece, scale)]
    segments += whitespace_rulings(chars, segments)
    timings.grid = time.perf_counter() - start
    content = PageContent(
        number=page.number + 1,
        width=upright.shape[1] * scale,
        height=upright.shape[0] * scale,
        rotation=read.rotation,
        chars=chars,
        segments=segments,
        image_coverage=image_coverage(page),
    )
    return OcrContent(
        content=content,
        rotation=read.rotation,
        skew=read.prepared.skew,
        timings=timings,
        dpi=render_dpi,
        rereads=[to_points(r, scale) for r in rereads],
        homography=homography,
    )


def raster_dpi(page: pymupdf.Page, dpi: int) -> int:
    """``dpi``, or less for a page whose largest image is coarser than ``dpi`` (rendering finer than
    the scan only interpolates), but never below `MIN_DPI`."""
    native = 0.0
    for info in page.get_image_info():
        x0, y0, x1, y1 = info["bbox"]
        side = max(x1 - x0, y1 - y0)  # the long sides match whether or not the image is turned
        if side > 0 and info.get("width"):
            native = max(native, max(info["width"], info["height"]) / (side / 72.0))
    if native <= 0:
        return dpi
    return min(dpi, max(round(native), MIN_DPI))


# --- text --------------------------------------------------------------------------


def char_weight(ch: str) -> float:
    """Relative advance width: full-width (CJK, full-width punctuation) 1, others ½."""
    return 1.0 if unicodedata.east_asian_width(ch) in ("W", "F") else 0.5


def box_text(text: str) -> str:
    """The box text, with an OCR'd amount put into the printed form ("1，234。56" → "1,234.56").

    Digits-only reads (codes such as "2O80501") are repaired without adding separators.
    """
    stripped = text.strip()
    amount = normalize_amount(stripped)
    if amount.value is None or not amount.changed:
        return stripped
    integer, _, decimals = amount.text.lstrip("-").partition(".")
    had_groups = len(_SEPARATOR.findall(stripped)) > (1 if decimals else 0)
    body = f"{int(integer):,}" if had_groups else integer
    return ("-" if amount.text.startswith("-") else "") + body + (f".{decimals}" if decimals else "")


def piece_chars(piece: Piece, scale: float) -> list[Char]:
    """One piece of an OCR line → pseudo-chars in points (see the module docstring).

    When the piece's normalised text has as many non-space characters as the recogniser gave
    positions, each char takes its own position; otherwise the text is spread over the piece.
    """
    text = box_text(piece.text)
    if not text:
        return []
    x0, y0, x1, y1 = (v * scale for v in piece.bbox)
    size = (y1 - y0) * FONT_SIZE_PER_BOX_HEIGHT
    top, bottom = (y0 + y1) / 2 - size / 2, (y0 + y1) / 2 + size / 2
    confidence = piece.confidence
    if piece.chars and len(text.replace(" ", "")) == len(piece.chars):
        boxes = iter(piece.chars)
        chars: list[Char] = []
        for ch in text:
            if ch == " ":
                continue
            box = next(boxes)
            chars.append(Char(ch, box.x0 * scale, top, box.x1 * scale, bottom, size, False, confidence))
        return with_spaces(chars, text)
    weights = [char_weight(ch) for ch in text]
    unit = (x1 - x0) / sum(weights)
    chars = []
    x = x0
    for ch, weight in zip(text, weights, strict=True):
        width = weight * unit
        chars.append(Char(ch, x, top, x + width, bottom, size, False, confidence))
        x += width
    return chars


def with_spaces(chars: list[Char], text: str) -> list[Char]:
    """Put back the spaces of ``text`` between positioned chars, each filling the gap."""
    out: list[Char] = []
    index = 0
    for i, ch in enumerate(text):
        if ch != " ":
            out.append(chars[index])
            index += 1
        elif out and index < len(chars) and (i == 0 or text[i - 1] != " "):
            before, after = out[-1], chars[index]
            gap_end = max(before.x1, after.x0)
            out.append(Char(" ", before.x1, before.y0, gap_end, before.y1, before.size, False, before.confidence))
    return out


def to_points(reread: CellReread, scale: float) -> CellReread:
    return replace(reread, bbox=tuple(v * scale for v in reread.bbox))  # type: ignore[arg-type]


# --- rulings -------------------------------------------------------------------------


def detect_rulings(image: np.ndarray, text_boxes: list[PixelBBox], scale: float) -> list[Segment]:
    """Horizontal and vertical rulings of an upright raster, in points (pixels × ``scale``)."""
    ink = binarize(image)
    px = 1.0 / scale  # pixels per point
    segments: list[Segment] = []
    for horizontal, min_pt in ((True, H_MIN_PT), (False, V_MIN_PT)):
        mask = line_mask(ink, horizontal, max(3, round(min_pt * px)), max(1, round(GAP_PT * px)))
        for box in line_boxes(mask, max(2, round(MAX_THICK_PT * px))):
            if not any(is_text_stroke(box, text, max(2.0, px)) for text in text_boxes):
                segments.append(to_segment(box, horizontal, scale))
    return [s for s in segments if longest_run(s, segments) >= (H_MIN_PT if s.horizontal else V_MIN_PT)]


def longest_run(segment: Segment, segments: list[Segment]) -> float:
    """The longest part of ``segment`` between the rulings that cross it (points).

    A glyph's stroke that touches a row's ruling and a few specks on the far side make one straight
    run across it — long enough to pass for a short ruling, which would split a column. A real
    ruling is long enough between the rulings it crosses.
    """
    cuts = sorted(
        other.pos
        for other in segments
        if other.horizontal != segment.horizontal
        and other.start - GAP_PT <= segment.pos <= other.end + GAP_PT
        and segment.start < other.pos < segment.end
    )
    bounds = [segment.start, *cuts, segment.end]
    return max(hi - lo for lo, hi in itertools.pairwise(bounds))


def erase_rulings(image: np.ndarray, px: float) -> np.ndarray:
    """The image with long rulings painted white, for the text detector: a digit printed
    against a cell border ("7|") is otherwise missed or read with the border as "1".
    Lengths are well above any character stroke, so no text is erased."""
    ink = binarize(image)
    mask = line_mask(ink, True, round(ERASE_MIN_PT * px), 1) | line_mask(ink, False, round(ERASE_MIN_PT * px), 1)
    cleaned = image.copy()
    cleaned[mask > 0] = 255
    return cleaned


def binarize(image: np.ndarray) -> np.ndarray:
    """Ink = 255, paper = 0; adaptive so faint grey rulings on a noisy scan survive."""
    import cv2

    grey = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
    return cv2.adaptiveThreshold(grey, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 25, 12)


def line_mask(ink: np.ndarray, horizontal: bool, length: int, gap: int) -> np.ndarray:
    """Ink in straight runs at least ``length`` px long; pieces up to ``gap`` px apart joined.

    Only 1-px dropouts (JPEG, noise) are closed *before* the length test: closing wider
    gaps first would glue a character stroke to a ruling it nearly touches.
    """
    import cv2

    def kernel(n: int) -> np.ndarray:
        return cv2.getStructuringElement(cv2.MORPH_RECT, (n, 1) if horizontal else (1, n))

    mended = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, kernel(3))
    opened = cv2.morphologyEx(mended, cv2.MORPH_OPEN, kernel(length))
    joined = cv2.morphologyEx(opened, cv2.MORPH_CLOSE, kernel(gap))
    # A 3-px band across the line keeps a slightly tilted or jagged line in one piece.
    across = cv2.getStructuringElement(cv2.MORPH_RECT, (1, 3) if horizontal else (3, 1))
    return cv2.dilate(joined, across)


def line_boxes(mask: np.ndarray, max_thickness: int) -> list[PixelBBox]:
    """Bounding boxes of the connected line pieces that are thin enough to be rulings."""
    import cv2

    n, _labels, stats, _centroids = cv2.connectedComponentsWithStats(mask, connectivity=8)
    boxes: list[PixelBBox] = []
    for i in range(1, n):
        x, y, w, h = (int(v) for v in stats[i, :4])
        if min(w, h) <= max_thickness + 2:  # + the 3-px band added by `line_mask`
            boxes.append((float(x), float(y), float(x + w), float(y + h)))
    return boxes


def is_text_stroke(box: PixelBBox, text: PixelBBox, slack: float) -> bool:
    """Whether a line piece lies inside an OCR text box (give or take ``slack`` px): then it
    is a stroke of the text (一, 丨, an underline), since a ruling runs on past the text it
    separates — along a row or column, well beyond the box's padding."""
    return box[0] >= text[0] - slack and box[1] >= text[1] - slack and box[2] <= text[2] + slack and box[3] <= text[3] + slack


def to_segment(box: PixelBBox, horizontal: bool, scale: float) -> Segment:
    x0, y0, x1, y1 = (v * scale for v in box)
    if horizontal:
        return Segment(True, (y0 + y1) / 2, x0, x1)
    return Segment(False, (x0 + x1) / 2, y0, y1)
