"""A photographed or curled page's perspective and shear undone, by the frame of its table.

A page photographed off-axis is a plane seen in perspective: its straight rulings stay straight
but are no longer parallel, so the rows of a tall table drift apart from one side to the other
and no single deskew angle fits them. A curled page tilts its rows but not its columns (a shear):
deskewing by the rows' angle would turn the columns by as much, and a column ruling tilted across
a tall table is too wide to pass for a ruling. The table's frame — its top and bottom rulings and
its outermost column rulings — shows both: `find_frame` fits a line to each side, and when
opposite sides are not parallel or rows and columns not at right angles (`MIN_SPREAD_DEG`),
`rectify` maps the four corners where they meet onto a rectangle of the same size, which maps the
whole page plane with it. A page whose frame is a rectangle (flat, maybe turned: deskewing handles
that) is left alone, as is a page without a framed table.

Not handled: the bend of a curled page's rows (≈ 2 px across a table at 200 dpi) stays.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

FRAME_SCALE = 0.33
"""The frame is looked for on a copy this much smaller (speed; the fits use every pixel of a line)."""
RUN_PX = 25
"""Straight ink runs at least this long (px of the small copy) make up a ruling; short enough that a
ruling tilted by a few degrees still has such runs."""
MIN_SIDE_SHARE = 0.3
"""A frame side spans at least this share of the page (top, bottom) or of the frame's height (sides)."""
MIN_SPREAD_DEG = 0.2
"""Opposite sides further from parallel, or rows and columns further from a right angle, than this
(degrees) are worth undoing; the sides of a flat scan, only turned, agree to 0.05°."""


@dataclass(frozen=True)
class FittedLine:
    """``across = slope × along + offset``: y of x for a horizontal ruling, x of y for a vertical one."""

    slope: float
    offset: float

    def at(self, along: float) -> float:
        return self.slope * along + self.offset


def rectify(grey: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
    """``grey`` with its perspective undone, and the 3×3 homography applied (None: left alone)."""
    import cv2
    import numpy as np

    frame = find_frame(grey)
    if frame is None:
        return grey, None
    top, bottom, left, right = frame
    rows, columns = (math.atan(top.slope), math.atan(bottom.slope)), (math.atan(left.slope), math.atan(right.slope))
    spread = max(abs(rows[0] - rows[1]), abs(columns[0] - columns[1]))
    # Turned rows and columns keep their right angle (a column's slope is minus the rows'); a shear does not.
    shear = abs(sum(rows) + sum(columns)) / 2
    if math.degrees(max(spread, shear)) < MIN_SPREAD_DEG:
        return grey, None
    corners = np.float32([meet(top, left), meet(top, right), meet(bottom, right), meet(bottom, left)])
    width = (np.linalg.norm(corners[1] - corners[0]) + np.linalg.norm(corners[2] - corners[3])) / 2
    height = (np.linalg.norm(corners[3] - corners[0]) + np.linalg.norm(corners[2] - corners[1])) / 2
    cx, cy = corners.mean(axis=0)
    target = np.float32(
        [
            [cx - width / 2, cy - height / 2],
            [cx + width / 2, cy - height / 2],
            [cx + width / 2, cy + height / 2],
            [cx - width / 2, cy + height / 2],
        ]
    )
    matrix = cv2.getPerspectiveTransform(corners, target)
    return warp(grey, matrix), matrix


def warp(grey: np.ndarray, matrix: np.ndarray) -> np.ndarray:
    """``grey`` mapped by the homography ``matrix``, same size, white where nothing maps."""
    import cv2

    h, w = grey.shape[:2]
    return cv2.warpPerspective(grey, matrix, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=255)


def find_frame(grey: np.ndarray) -> tuple[FittedLine, FittedLine, FittedLine, FittedLine] | None:
    """Top, bottom, left and right ruling of the page's table frame (full-size pixels), when there is one."""
    horizontal = rulings(grey, horizontal=True)
    if len(horizontal) < 2:
        return None
    (top, _), (bottom, _) = horizontal[0], horizontal[-1]
    height = bottom.offset - top.offset
    vertical = [(line, length) for line, length in rulings(grey, horizontal=False) if length >= MIN_SIDE_SHARE * height]
    if height <= 0 or len(vertical) < 2:
        return None
    return top, bottom, vertical[0][0], vertical[-1][0]


def rulings(grey: np.ndarray, horizontal: bool) -> list[tuple[FittedLine, float]]:
    """Long straight rulings in one direction, each fitted with a line, with their length (px), in
    order across the page (top to bottom, left to right). Horizontal ones span `MIN_SIDE_SHARE`
    of the page width; vertical ones are all returned (`find_frame` judges them by the frame)."""
    import cv2
    import numpy as np

    from extract.ocr.content import binarize

    small = cv2.resize(grey, None, fx=FRAME_SCALE, fy=FRAME_SCALE, interpolation=cv2.INTER_AREA)
    ink = binarize(small)
    run = cv2.getStructuringElement(cv2.MORPH_RECT, (RUN_PX, 1) if horizontal else (1, RUN_PX))
    # Join the steps of a tilted ruling (a run, a one-pixel shift, the next run) into one component.
    join = cv2.getStructuringElement(cv2.MORPH_RECT, (RUN_PX // 2, 3) if horizontal else (3, RUN_PX // 2))
    mask = cv2.morphologyEx(cv2.morphologyEx(ink, cv2.MORPH_OPEN, run), cv2.MORPH_CLOSE, join)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    found: list[tuple[FittedLine, float]] = []
    for i in range(1, count):
        x, y, w, h = (int(v) for v in stats[i, :4])
        length = w if horizontal else h
        if horizontal and length < MIN_SIDE_SHARE * small.shape[1]:
            continue
        ys, xs = np.nonzero(labels[y : y + h, x : x + w] == i)
        along, across = (xs + x, ys + y) if horizontal else (ys + y, xs + x)
        if np.ptp(along) < RUN_PX:
            continue
        slope, offset = np.polyfit(along, across, 1)
        found.append((FittedLine(float(slope), float(offset) / FRAME_SCALE), length / FRAME_SCALE))
    return sorted(found, key=lambda item: item[0].offset)


def meet(horizontal: FittedLine, vertical: FittedLine) -> tuple[float, float]:
    """Where a horizontal ruling (y = a·x + b) crosses a vertical one (x = c·y + d)."""
    y = (horizontal.slope * vertical.offset + horizontal.offset) / (1 - horizontal.slope * vertical.slope)
    return vertical.at(y), y
