"""OCR one pymupdf page into `extract.model.TextLine`s.

Pipeline: render at ``dpi`` → estimate and undo small skew (≤ ``max_skew`` degrees,
projection-profile search) → read → if the read does not look upright, find the
page orientation (0/90/180/270) by reading a downscaled copy in each orientation
and keeping the one with the highest confidence-weighted character count → read
again → map every pixel box back to PDF points in the page's unrotated space.

Orientation is needed because rapidocr without its direction classifier cannot read
a 180°-rotated page (measured: 4 junk lines, mean confidence 0.64, instead of 8
lines at 0.998 on gbc_shiquan_unit26_p6.png).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pymupdf

from extract.model import TextLine
from extract.ocr.engine import OcrEngine, OcrLine

Point = tuple[float, float]
MAX_SKEW = 5.0
"""Degrees of skew corrected; a page turned further is a photo that needs more than deskewing."""


@dataclass
class PageTimings:
    render: float = 0.0
    preprocess: float = 0.0
    """Skew estimation and orientation search (the latter includes extra OCR reads)."""
    det: float = 0.0
    rec: float = 0.0
    ocr: float = 0.0
    """Wall time of all engine reads, det and rec included."""
    grid: float = 0.0
    """Ruling detection and char building (`extract.ocr.content`)."""


@dataclass
class OcrPageResult:
    """`lines[i]` was read with confidence `confidences[i]` (0..1)."""

    lines: list[TextLine]
    confidences: list[float]
    rotation: int = 0
    """Clockwise degrees the page content was found turned by (0/90/180/270);
    undone by `numpy.rot90(image, rotation // 90)`."""
    skew: float = 0.0
    """Degrees the page was rotated by to deskew it (counter-clockwise positive)."""
    timings: PageTimings = field(default_factory=PageTimings)


def ocr_page(page: pymupdf.Page, engine: OcrEngine, dpi: int = 200) -> list[TextLine]:
    """OCR ``page``; see `ocr_page_detailed` for confidences, orientation and timings."""
    return ocr_page_detailed(page, engine, dpi=dpi).lines


def ocr_page_detailed(
    page: pymupdf.Page,
    engine: OcrEngine,
    dpi: int = 200,
    *,
    fix_orientation: bool = True,
    max_skew: float = MAX_SKEW,
) -> OcrPageResult:
    timings = PageTimings()
    start = time.perf_counter()
    image = render_page(page, dpi)
    timings.render = time.perf_counter() - start
    result = ocr_image(image, engine, fix_orientation=fix_orientation, max_skew=max_skew)
    result.timings.render = timings.render
    scale = 72.0 / dpi
    lines = [_text_line(page, line.text, list(line.quad), scale) for line in result.image_lines]
    return OcrPageResult(
        lines=lines,
        confidences=[line.confidence for line in result.image_lines],
        rotation=result.rotation,
        skew=result.skew,
        timings=result.timings,
    )


@dataclass
class OcrImageResult:
    image_lines: list[OcrLine]
    """In reading order, with quads and boxes in pixels of the image given to `ocr_image`."""
    rotation: int
    skew: float
    timings: PageTimings


def ocr_image(
    image: np.ndarray, engine: OcrEngine, *, fix_orientation: bool = True, max_skew: float = MAX_SKEW
) -> OcrImageResult:
    """Deskew, orient and read an RGB image; boxes come back in its own pixel space."""
    read = read_upright(image, engine, fix_orientation=fix_orientation, max_skew=max_skew)
    return OcrImageResult(
        image_lines=[read.prepared.map_line(line) for line in read.lines],
        rotation=read.rotation,
        skew=read.prepared.skew,
        timings=read.timings,
    )


@dataclass
class UprightRead:
    """A read in the upright, deskewed frame: ``lines`` are in pixels of ``prepared.image``.

    Table rulings are detected on the same ``prepared.image``, so text and rulings share
    one frame in which rows are horizontal (`extract.ocr.content` works there).
    """

    prepared: PreparedImage
    lines: list[OcrLine]
    """In reading order."""
    timings: PageTimings
    cleaned: np.ndarray | None = None
    """What the engine last read when a ``clean`` step was given (``prepared.image`` cleaned)."""

    @property
    def rotation(self) -> int:
        """Clockwise degrees the content was turned by (undone by ``rot90(image, rotation // 90)``)."""
        return self.prepared.quarter_turns * 90


@dataclass
class CleanedEngine:
    """An engine that reads ``clean(image)`` instead of ``image``."""

    inner: OcrEngine
    clean: Callable[[np.ndarray], np.ndarray]
    last_cleaned: np.ndarray | None = None

    def read(self, image: np.ndarray) -> list[OcrLine]:
        self.last_cleaned = self.clean(image)
        return self.inner.read(self.last_cleaned)

    @property
    def last_timings(self) -> object:
        return getattr(self.inner, "last_timings", None)


def read_upright(
    image: np.ndarray,
    engine: OcrEngine,
    *,
    fix_orientation: bool = True,
    max_skew: float = MAX_SKEW,
    clean: Callable[[np.ndarray], np.ndarray] | None = None,
) -> UprightRead:
    """Deskew ``image``, read it, and when the read does not look upright find the page
    orientation, turn, deskew again and read again. ``clean`` (optional) maps the upright
    image to what the engine reads (e.g. with table rulings erased); boxes stay valid
    because it must not move pixels."""
    if clean is not None:
        engine = CleanedEngine(engine, clean)
    timings = PageTimings()
    prepared = PreparedImage.identity(image)
    start = time.perf_counter()
    if max_skew > 0:
        prepared = prepared.deskewed(estimate_skew(image, max_skew), max_skew)
    timings.preprocess += time.perf_counter() - start

    ocr_lines = _read(engine, prepared.image, timings)
    if fix_orientation and not looks_upright(ocr_lines):
        start = time.perf_counter()
        k = detect_orientation(image, engine)
        if k:
            prepared = PreparedImage.rotated(image, k)
            if max_skew > 0:
                prepared = prepared.deskewed(estimate_skew(prepared.image, max_skew), max_skew)
        timings.preprocess += time.perf_counter() - start
        if k:
            ocr_lines = _read(engine, prepared.image, timings)
    cleaned = engine.last_cleaned if isinstance(engine, CleanedEngine) else None
    if cleaned is not None and cleaned.shape != prepared.image.shape:  # the last read was an orientation probe
        cleaned = None
    return UprightRead(prepared=prepared, lines=sort_reading_order(ocr_lines), timings=timings, cleaned=cleaned)


def render_page(page: pymupdf.Page, dpi: int) -> np.ndarray:
    """RGB uint8 array of the page as displayed (``/Rotate`` applied).

    MuPDF's store is emptied afterwards. It keeps what it decodes, a scan's page image included (11 MiB and more
    each), up to 256 MiB per process, across documents; a scan's image is read by the OCR detection, the spread test
    and this render, then at most once more (`extract.ocr.reread`). Kept, it held ~270 MiB of a worker's memory
    after 100 OCR'd pages (docs/benchmarks.md)."""
    pix = page.get_pixmap(dpi=dpi, colorspace=pymupdf.csRGB, alpha=False)
    image = np.frombuffer(pix.samples, dtype=np.uint8).reshape(pix.height, pix.width, 3).copy()
    pymupdf.TOOLS.store_shrink(100)
    return image


def _read(engine: OcrEngine, image: np.ndarray, timings: PageTimings) -> list[OcrLine]:
    start = time.perf_counter()
    lines = engine.read(image)
    timings.ocr += time.perf_counter() - start
    engine_timings = getattr(engine, "last_timings", None)
    if engine_timings is not None:
        timings.det += float(getattr(engine_timings, "det", 0.0))
        timings.rec += float(getattr(engine_timings, "rec", 0.0))
    return lines


# --- orientation -----------------------------------------------------------------


def orientation_score(lines: list[OcrLine]) -> float:
    """Confidence-weighted count of characters read: high for a correctly oriented page."""
    return sum(line.confidence * len(line.text.strip()) for line in lines)


def looks_upright(lines: list[OcrLine], min_confidence: float = 0.85) -> bool:
    """Whether a read at 0° is good enough to skip the orientation search.

    Upright text gives mostly wide line boxes and a high character-weighted confidence;
    an upside-down or sideways page gives few, short, low-confidence lines or tall boxes.
    """
    chars = sum(len(line.text.strip()) for line in lines)
    if chars < 5:
        return False
    mean_conf = orientation_score(lines) / chars
    wide = sum(1 for line in lines if (line.bbox[2] - line.bbox[0]) >= (line.bbox[3] - line.bbox[1]))
    return mean_conf >= min_confidence and wide * 2 >= len(lines)


def detect_orientation(image: np.ndarray, engine: OcrEngine, max_side: int = 1280) -> int:
    """Quarter turns (0..3, counter-clockwise as `numpy.rot90`) that make ``image`` upright.

    Reads a downscaled copy turned 180°, 90°, 270° (scans are most often upside down)
    and stops at the first that `looks_upright`; otherwise keeps the best-scoring turn,
    0 included.
    """
    small = _downscale(image, max_side)
    scores: dict[int, float] = {}
    for k in (2, 1, 3):
        lines = engine.read(np.ascontiguousarray(np.rot90(small, k)))
        if looks_upright(lines):
            return k
        scores[k] = orientation_score(lines)
    scores[0] = orientation_score(engine.read(small))
    return max(scores, key=lambda k: scores[k])


def _downscale(image: np.ndarray, max_side: int) -> np.ndarray:
    h, w = image.shape[:2]
    factor = max(h, w) / max_side
    if factor <= 1:
        return image
    import cv2

    size = (max(1, round(w / factor)), max(1, round(h / factor)))
    return cv2.resize(image, size, interpolation=cv2.INTER_AREA)


# --- skew --------------------------------------------------------------------------


def estimate_skew(image: np.ndarray, max_angle: float = MAX_SKEW, width: int = 1000) -> float:
    """Angle in degrees (counter-clockwise positive) that makes text rows horizontal.

    Projection-profile search: rotate a binarised, downscaled copy by each candidate
    angle and keep the one whose row-sum profile has the sharpest transitions
    (sum of squared differences): 0.5° steps over the range, then 0.1° and 0.02° steps
    around the best (≈ 45 rotations for ±5°).
    """
    import cv2

    grey = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
    small = _downscale(grey, width)
    ink = (small < 160).astype(np.float32)
    if ink.sum() < 50:
        return 0.0

    def sharpness(angle: float) -> float:
        rotated = _rotate(ink, angle, border=0.0)
        profile = rotated.sum(axis=1)
        return float(np.sum(np.diff(profile) ** 2))

    best = max(np.arange(-max_angle, max_angle + 1e-9, 0.5), key=sharpness)
    for step in (0.1, 0.02):
        best = max(np.arange(best - 5 * step, best + 5 * step + 1e-9, step), key=sharpness)
    return float(np.clip(round(best, 2), -max_angle, max_angle))


def _rotation_matrix(shape: tuple[int, ...], angle: float) -> np.ndarray:
    import cv2

    h, w = shape[:2]
    return cv2.getRotationMatrix2D((w / 2.0, h / 2.0), angle, 1.0)


def _rotate(image: np.ndarray, angle: float, border: float = 255.0) -> np.ndarray:
    import cv2

    h, w = image.shape[:2]
    border_value: float | tuple[float, float, float] = border if image.ndim == 2 else (border, border, border)
    return cv2.warpAffine(
        image,
        _rotation_matrix(image.shape, angle),
        (w, h),
        flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=border_value,
    )


# --- coordinate bookkeeping --------------------------------------------------------


@dataclass
class PreparedImage:
    """The image given to the engine and how to map its pixels back to the render."""

    image: np.ndarray
    original_shape: tuple[int, int]
    quarter_turns: int = 0
    """`numpy.rot90` turns applied to the render (counter-clockwise)."""
    skew: float = 0.0
    inverse_affine: np.ndarray | None = None

    @classmethod
    def identity(cls, image: np.ndarray) -> PreparedImage:
        return cls(image=image, original_shape=(image.shape[0], image.shape[1]))

    @classmethod
    def rotated(cls, image: np.ndarray, k: int) -> PreparedImage:
        return cls(
            image=np.ascontiguousarray(np.rot90(image, k)),
            original_shape=(image.shape[0], image.shape[1]),
            quarter_turns=k % 4,
        )

    def deskewed(self, angle: float, max_skew: float, min_angle: float = 0.1) -> PreparedImage:
        if abs(angle) < min_angle or abs(angle) > max_skew:
            return self
        import cv2

        matrix = _rotation_matrix(self.image.shape, angle)
        return PreparedImage(
            image=_rotate(self.image, angle),
            original_shape=self.original_shape,
            quarter_turns=self.quarter_turns,
            skew=angle,
            inverse_affine=cv2.invertAffineTransform(matrix),
        )

    def map_line(self, line: OcrLine) -> OcrLine:
        """The same line with its quad and box in the coordinates of the original image."""
        points = [self.to_original(pt) for pt in _quad(line)]
        xs = [x for x, _ in points]
        ys = [y for _, y in points]
        return OcrLine(
            text=line.text,
            bbox=(min(xs), min(ys), max(xs), max(ys)),
            confidence=line.confidence,
            quad=tuple(points),
        )

    def to_original(self, point: Point) -> Point:
        x, y = point
        if self.inverse_affine is not None:
            m = self.inverse_affine
            x, y = m[0, 0] * x + m[0, 1] * y + m[0, 2], m[1, 0] * x + m[1, 1] * y + m[1, 2]
        return unrotate_point((x, y), self.quarter_turns, self.original_shape)


def unrotate_point(point: Point, k: int, shape: tuple[int, int]) -> Point:
    """Map a point of ``np.rot90(img, k)`` back to ``img`` (of shape ``shape`` = (h, w))."""
    x, y = point
    h, w = shape
    k %= 4
    if k == 1:
        return (w - y, x)
    if k == 2:
        return (w - x, h - y)
    if k == 3:
        return (y, h - x)
    return (x, y)


def _quad(line: OcrLine) -> list[Point]:
    if line.quad:
        return list(line.quad)
    x0, y0, x1, y1 = line.bbox
    return [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]


def _text_line(page: pymupdf.Page, text: str, points: list[Point], scale: float) -> TextLine:
    """Pixel points of the displayed render → a TextLine in unrotated PDF points."""
    derotate = page.derotation_matrix
    pdf_points = [pymupdf.Point(x * scale, y * scale) * derotate for x, y in points]
    xs = [p.x for p in pdf_points]
    ys = [p.y for p in pdf_points]
    bbox = (min(xs), min(ys), max(xs), max(ys))
    # Reading direction in display space: the line height is the short side there.
    disp_xs = [x * scale for x, _ in points]
    disp_ys = [y * scale for _, y in points]
    height = min(max(disp_xs) - min(disp_xs), max(disp_ys) - min(disp_ys))
    return TextLine(
        text=text,
        page=page.number + 1,
        bbox=bbox,
        font_size=round(height * FONT_SIZE_PER_BOX_HEIGHT, 1),
    )


FONT_SIZE_PER_BOX_HEIGHT = 0.75
"""PP-OCR's detector pads line boxes (unclip ratio 1.6); font size ≈ 0.75 × box height."""


def sort_reading_order(lines: list[OcrLine]) -> list[OcrLine]:
    """Top-to-bottom, then left-to-right; lines whose vertical centres lie within half a
    line height of each other count as one row."""
    ordered = sorted(lines, key=lambda line: (line.bbox[1] + line.bbox[3]) / 2)
    rows: list[list[OcrLine]] = []
    for line in ordered:
        centre = (line.bbox[1] + line.bbox[3]) / 2
        height = line.bbox[3] - line.bbox[1]
        if rows:
            last = rows[-1][0]
            last_centre = (last.bbox[1] + last.bbox[3]) / 2
            if abs(centre - last_centre) <= max(height, last.bbox[3] - last.bbox[1]) / 2:
                rows[-1].append(line)
                continue
        rows.append([line])
    return [line for row in rows for line in sorted(row, key=lambda item: item.bbox[0])]
