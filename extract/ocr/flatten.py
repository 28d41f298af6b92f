"""Photographed and curled pages flattened before they are read.

A phone photo of a page, or a scan of a bound page, is not a rotated rectangle: the page is a
quadrilateral (perspective) and its rows bend (curl). Deskewing turns it as a whole; the rulings
at the top and bottom stay tilted or bent, their boxes grow too thick to be rulings
(`extract.ocr.content.line_boxes`) and the values fall out of their rows. Two steps undo that:

* `crop_to_page`, on the render (before `extract.ocr.clean` evens a dark background out): a photo
  shows the page on a darker background; when the border of the image is dark and the largest
  bright region is a big quadrilateral, its corners are mapped onto a rectangle of the page's
  proportions (a homography).
* `flatten_rulings`, on the cleaned page: the long rulings are found as the ruling detector finds
  them (`extract.ocr.content.line_mask`), each one's centreline is fitted with a low-order
  polynomial (a curled ruling is a smooth curve, a ruling seen in perspective a tilted line), and
  every ruling is moved onto a straight line of the tilt they share. Between rulings the
  displacement is interpolated per column (per row for the vertical rulings), beyond them it is
  held, and the page is resampled once (`cv2.remap`). The shared tilt is plain skew, left to
  `extract.ocr.page.estimate_skew`; it is taken from the straighter of the two families, since a
  curl bends one family and leaves the other straight.

Only strong evidence moves pixels: at least `MIN_RULINGS` long rulings of a direction whose fits
are tight and do not cross, and a correction of at least `MIN_BEND_PT`; a flat scan (straight,
parallel rulings) comes back untouched, as does a page without rulings.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

MIN_RULINGS = 3
"""Long rulings of one direction needed before their bending is trusted."""
MIN_LENGTH_SHARE = 0.3
"""A ruling counts when it runs over at least this share of the page's width (height for vertical ones)."""
MIN_BEND_PT = 0.4
"""Smallest correction applied (points): below it the page is flat as far as OCR cares."""
MAX_FIT_RMS_PT = 0.5
"""A ruling's centreline must lie this close (RMS, points) to its polynomial, else it is not a ruling."""
FIELD_STEP_PX = 8
"""The displacement field is computed every this many pixels and resized to the page."""
MIN_PAGE_SHARE = 0.3
"""A page outline must cover at least this share of the photo."""
DARK_BORDER = 0.7
"""A photo's border is background when its median grey is below this share of the paper's."""


@dataclass(frozen=True)
class Centreline:
    """A long ruling as ``across = fit(along)`` in pixels ("along" is x for a horizontal ruling)."""

    start: float
    end: float
    fit: np.polynomial.Polynomial
    slope: float
    """Slope of the straight line through it (its tilt)."""
    bend: float
    """Largest distance (pixels) between the fit and that straight line: how curved the ruling is."""


# --- the page's outline ---------------------------------------------------------------


def crop_to_page(image: np.ndarray) -> np.ndarray:
    """The page of a photo mapped onto an upright rectangle as wide as the photo; ``image`` itself
    when it shows no darker background around a quadrilateral page."""
    import cv2
    import numpy as np

    grey = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
    h, w = grey.shape
    band = max(2, min(h, w) // 50)
    border = np.concatenate([grey[:band].ravel(), grey[-band:].ravel(), grey[:, :band].ravel(), grey[:, -band:].ravel()])
    paper = float(np.percentile(grey[h // 4 : 3 * h // 4, w // 4 : 3 * w // 4], 90))
    if float(np.median(border)) >= DARK_BORDER * paper:
        return image
    scale = max(1, max(h, w) // 1000)
    small = cv2.GaussianBlur(cv2.resize(grey, (w // scale, h // scale), interpolation=cv2.INTER_AREA), (5, 5), 0)
    _, bright = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    bright = cv2.morphologyEx(bright, cv2.MORPH_CLOSE, np.ones((15, 15), np.uint8))  # print inside the page
    contours, _ = cv2.findContours(bright, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return image
    outline = max(contours, key=cv2.contourArea)
    quad = cv2.approxPolyDP(outline, 0.02 * cv2.arcLength(outline, True), True)
    if len(quad) != 4 or not cv2.isContourConvex(quad) or cv2.contourArea(quad) < MIN_PAGE_SHARE * small.size:
        return image
    corners = order_corners(quad.reshape(4, 2).astype(np.float32) * scale)
    top, bottom = np.linalg.norm(corners[1] - corners[0]), np.linalg.norm(corners[2] - corners[3])
    left, right = np.linalg.norm(corners[3] - corners[0]), np.linalg.norm(corners[2] - corners[1])
    out_w = w
    out_h = max(1, round(w * (left + right) / max(top + bottom, 1.0)))
    target = np.float32([[0, 0], [out_w - 1, 0], [out_w - 1, out_h - 1], [0, out_h - 1]])
    matrix = cv2.getPerspectiveTransform(corners, target)
    return cv2.warpPerspective(image, matrix, (out_w, out_h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


def order_corners(points: np.ndarray) -> np.ndarray:
    """Four points as top-left, top-right, bottom-right, bottom-left."""
    import numpy as np

    sums, diffs = points.sum(axis=1), points[:, 1] - points[:, 0]
    return np.float32([points[sums.argmin()], points[diffs.argmin()], points[sums.argmax()], points[diffs.argmax()]])


# --- the table's rulings --------------------------------------------------------------


def flatten_rulings(image: np.ndarray, px_per_pt: float) -> np.ndarray:
    """``image`` resampled so that its long rulings are straight and parallel (module docstring)."""
    import cv2
    import numpy as np

    from extract.ocr.content import binarize

    ink = binarize(image)
    h, w = ink.shape
    rows, columns = ruling_family(ink, True, px_per_pt), ruling_family(ink, False, px_per_pt)
    slope = shared_slope(rows, columns)
    if slope is None:
        return image
    # A turn by angle a tilts horizontal rulings by tan(a) (dy/dx) and vertical ones by -tan(a) (dx/dy).
    dy = bend_field(rows, w, h, slope) if len(rows) >= MIN_RULINGS else None
    dx = bend_field(columns, h, w, -slope) if len(columns) >= MIN_RULINGS else None
    fields = [f for f in (dy, dx) if f is not None]
    if not fields or max(float(np.abs(f).max()) for f in fields) < MIN_BEND_PT * px_per_pt:
        return image
    xs, ys = np.meshgrid(np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32))
    map_x = xs + (np.ascontiguousarray(cv2.resize(dx, (h, w), interpolation=cv2.INTER_LINEAR).T) if dx is not None else 0.0)
    map_y = ys + (cv2.resize(dy, (w, h), interpolation=cv2.INTER_LINEAR) if dy is not None else 0.0)
    border = 255 if image.ndim == 2 else (255, 255, 255)
    return cv2.remap(image, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=border)


def ruling_family(ink: np.ndarray, horizontal: bool, px_per_pt: float) -> list[Centreline]:
    """The long rulings of one direction; vertical ones as horizontal rulings of the transposed page."""
    import numpy as np

    from extract.ocr.content import GAP_PT, H_MIN_PT, MAX_THICK_PT, line_mask

    # Pieces as short as the ruling detector keeps: a tilted or bent ruling is a staircase of short runs.
    mask = line_mask(ink, horizontal, max(3, round(H_MIN_PT * px_per_pt)), max(1, round(GAP_PT * px_per_pt)))
    if not horizontal:
        mask = np.ascontiguousarray(mask.T)
    return centrelines(mask, MIN_LENGTH_SHARE * mask.shape[1], MAX_THICK_PT * px_per_pt + 3, MAX_FIT_RMS_PT * px_per_pt)


def shared_slope(rows: list[Centreline], columns: list[Centreline]) -> float | None:
    """The tilt of the horizontal rulings that is plain skew, or None with too few rulings.

    A curled page bends one family of rulings and leaves the other straight: the straighter
    family says how the page is turned (a vertical ruling's dx/dy is minus a horizontal one's dy/dx)."""
    import numpy as np

    candidates = [
        (float(np.mean([line.bend for line in family])), sign * float(np.median([line.slope for line in family])))
        for family, sign in ((rows, 1.0), (columns, -1.0))
        if len(family) >= MIN_RULINGS
    ]
    return min(candidates)[1] if candidates else None


def centrelines(mask: np.ndarray, min_length: float, max_thickness: float, max_rms: float) -> list[Centreline]:
    """The long, thin components of a horizontal line mask, each fitted as ``y = fit(x)``."""
    import cv2
    import numpy as np

    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    lines: list[Centreline] = []
    for i in range(1, n):
        x, y, width, height = (int(v) for v in stats[i, :4])
        if width < min_length:
            continue
        ys, xs = np.nonzero(labels[y : y + height, x : x + width] == i)
        counts = np.bincount(xs, minlength=width)
        sums = np.bincount(xs, weights=ys, minlength=width)
        columns = np.nonzero((counts > 0) & (counts <= max_thickness))[0]
        if len(columns) < min_length / 2:
            continue
        along = columns.astype(np.float64) + x
        centre = sums[columns] / counts[columns] + y
        degree = 3 if width >= 2 * min_length else 2
        fit = np.polynomial.Polynomial.fit(along, centre, degree)
        residual = centre - fit(along)
        keep = np.abs(residual) <= max(2.0, 3 * float(np.std(residual)))  # a glyph stroke touching the ruling
        fit = np.polynomial.Polynomial.fit(along[keep], centre[keep], degree)
        if float(np.sqrt(np.mean((centre[keep] - fit(along[keep])) ** 2))) > max_rms:
            continue
        slope, intercept = np.polyfit(along[keep], centre[keep], 1)
        bend = float(np.max(np.abs(fit(along) - (slope * along + intercept))))
        lines.append(Centreline(float(along[0]), float(along[-1]), fit, float(slope), bend))
    return lines


def bend_field(lines: list[Centreline], along: int, across: int, slope: float) -> np.ndarray | None:
    """Source-minus-target offsets across the rulings on a coarse grid (rows: across / `FIELD_STEP_PX`,
    columns: along / step) that move every ruling onto a straight line of ``slope``; None when the
    rulings cross each other (no consistent fit)."""
    import numpy as np

    columns = np.arange(0, along + FIELD_STEP_PX, FIELD_STEP_PX, dtype=np.float64)[: along // FIELD_STEP_PX + 1]
    rows = np.arange(0, across + FIELD_STEP_PX, FIELD_STEP_PX, dtype=np.float64)[: across // FIELD_STEP_PX + 1]
    source = np.full((len(lines), len(columns)), np.nan)
    target = np.full((len(lines), len(columns)), np.nan)
    for index, line in enumerate(lines):
        middle = (line.start + line.end) / 2
        inside = (columns >= line.start) & (columns <= line.end)
        source[index, inside] = line.fit(columns[inside])
        target[index, inside] = line.fit(middle) + slope * (columns[inside] - middle)
    offsets = source - target
    field = np.full((len(rows), len(columns)), np.nan, dtype=np.float32)
    for c in range(len(columns)):
        present = ~np.isnan(source[:, c])
        if np.count_nonzero(present) < 2:
            continue
        order = np.argsort(target[present, c])
        if np.any(np.diff(source[present, c][order]) <= 0):
            return None
        field[:, c] = np.interp(rows, target[present, c][order], offsets[present, c][order])
    valid = np.nonzero(~np.isnan(field[0]))[0]
    if len(valid) == 0:
        return None
    nearest = valid[np.abs(np.arange(len(columns))[:, None] - valid[None, :]).argmin(axis=1)]
    return field[:, nearest]
