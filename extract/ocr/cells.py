"""Recognised lines cut at the table's rulings, and cells re-read when their amount is broken.

The detector runs on a page whose rulings were erased (`extract.ocr.content.erase_rulings`),
so a right-aligned amount and the left-aligned code of the next cell, a few pixels apart, come
back as one line: "5217640.0830202". The recogniser says where each character is
(`extract.ocr.engine.CharBox`); `split_at_rulings` cuts the line at every vertical ruling that
crosses it, so a cell never takes characters beyond its borders, and each piece is normalised
as an amount on its own. A line without character positions is cut at the same rulings with
positions spread over its box (CJK full width, ASCII half).

`reread_broken` then re-reads, from a crop bounded by the cell's rulings, every piece whose text
looks like an amount but breaks the amount grammar ("607865.6" on a page of two-decimal
amounts, "1,2345.00", "485522 32"); the re-read replaces the piece only when it fits the
grammar, and the original reading is kept in a `CellReread`.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from extract.ocr.engine import CharBox, CropRecognizer, OcrLine, PixelBBox

if TYPE_CHECKING:
    import numpy as np

WALL_MARGIN_PX = 2.0
"""A ruling this close to a line's end does not cut it (the box's padding reaches the ruling)."""
CROP_INSET_PX = 3
"""Crops stay this far inside the cell's rulings, so no ruling ink is read as a "1"."""
INK_LEVEL = 128
"""Grey level below which a pixel of a cleaned page is print."""
MIN_GLYPH_PIXELS = 25
"""Print pixels a cell needs before it is read: a "1" at 9 pt, 200 dpi has ≈ 50."""
MIN_EMPTY_CELL_CONFIDENCE = 0.8
"""A reading of a cell the detector found empty is kept only when the recogniser is this sure."""
COLUMN_MIN_ASPECT = 2.5
"""A piece this many times taller than wide is a column of short cells read as one line."""
COLUMN_GAP_ROWS = 4
"""The text of a list item starts within this many row heights of its number's column."""
MAX_CODE_DIGITS = 7
"""功能分类 codes have 7 digits, 经济分类 codes 5: a longer bare digit string is an amount."""
MIN_DECIMAL_SAMPLES = 5
"""Amounts on a page needed before its usual number of decimals counts as the grammar."""

_WELL_FORMED = re.compile(r"-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<decimals>\d+))?")
_NUMERIC_CHARS = set("0123456789.,，。、·﹒:：- Oo〇lI|")


@dataclass(frozen=True)
class Wall:
    """A vertical ruling in pixels of the upright page."""

    x: float
    y0: float
    y1: float


@dataclass(frozen=True)
class Piece:
    """The part of a recognised line between two rulings (or the whole line)."""

    text: str
    chars: tuple[CharBox, ...]
    """Positions of the non-space characters of ``text``; () when spread over ``bbox``."""
    bbox: PixelBBox
    confidence: float
    cell: tuple[float, float]
    """Left and right x of the space the piece may fill: the rulings around it, else its own box."""


@dataclass(frozen=True)
class CellReread:
    """A piece read again from its cell crop: what was read first is kept here."""

    original: str
    reread: str
    bbox: PixelBBox
    confidence: float


def positioned_chars(line: OcrLine) -> tuple[CharBox, ...]:
    """The line's non-space characters with x-extents: the engine's, else spread over the box."""
    if line.chars:
        return line.chars
    x0, _, x1, _ = line.bbox
    weights = [(ch, 1.0 if unicodedata.east_asian_width(ch) in ("W", "F") else 0.5) for ch in line.text]
    unit = (x1 - x0) / max(sum(w for _, w in weights), 1e-6)
    boxes: list[CharBox] = []
    x = x0
    for ch, weight in weights:
        if not ch.isspace():
            boxes.append(CharBox(ch, x, x + weight * unit))
        x += weight * unit
    return tuple(boxes)


def split_at_rulings(line: OcrLine, walls: list[Wall]) -> list[Piece]:
    """The line cut at each vertical ruling crossing it; the whole line when none does."""
    x0, y0, x1, y1 = line.bbox
    middle = (y0 + y1) / 2
    crossing = [w for w in walls if w.y0 <= middle <= w.y1]
    inside = sorted(w.x for w in crossing if x0 + WALL_MARGIN_PX < w.x < x1 - WALL_MARGIN_PX)
    left = max((w.x for w in crossing if w.x <= x0 + WALL_MARGIN_PX), default=None)
    right = min((w.x for w in crossing if w.x >= x1 - WALL_MARGIN_PX), default=None)
    if not inside:
        cell = (x0 if left is None else left, x1 if right is None else right)
        return [Piece(line.text.strip(), line.chars, line.bbox, line.confidence, cell)]
    bounds = [left, *inside, right]
    chars = positioned_chars(line)
    pieces: list[Piece] = []
    for lo, hi in itertools.pairwise(bounds):
        mine = tuple(c for c in chars if (lo is None or (c.x0 + c.x1) / 2 > lo) and (hi is None or (c.x0 + c.x1) / 2 <= hi))
        if not mine:
            continue
        box = (min(c.x0 for c in mine), y0, max(c.x1 for c in mine), y1)
        cell = (lo if lo is not None else box[0], hi if hi is not None else box[2])
        pieces.append(Piece("".join(c.text for c in mine), mine, box, line.confidence, cell))
    return pieces


def split_column(
    piece: Piece, floors: list[tuple[float, float, float]], image: np.ndarray, engine: CropRecognizer
) -> list[Piece]:
    """A tall, narrow piece — the detector reading a column of short cells ("一、", "二、" … or
    行次 1, 2, 3 with the rulings between them erased) as one vertical line — cut into rows
    and each row read on its own. Rows are cut at the horizontal rulings crossing the piece
    (``floors``: (y, x0, x1) of each), else into one row per character. Other pieces come back as they are."""
    x0, y0, x1, y1 = piece.bbox
    n = len("".join(piece.text.split()))
    if n < 2 or (y1 - y0) < COLUMN_MIN_ASPECT * (x1 - x0):
        return [piece]
    middle = (x0 + x1) / 2
    cuts = sorted(y for y, start, end in floors if y0 + CROP_INSET_PX < y < y1 - CROP_INSET_PX and start <= middle <= end)
    bounds = [y0, *cuts, y1] if cuts else [y0 + (y1 - y0) * k / n for k in range(n + 1)]
    rows = [(x0, top, x1, bottom) for top, bottom in itertools.pairwise(bounds) if bottom - top >= 4]
    height, width = image.shape[:2]
    crops = [
        image[max(0, round(top)) : min(height, round(bottom)), max(0, round(x0)) : min(width, round(x1))]
        for _, top, _, bottom in rows
    ]
    read = [
        Piece(text.strip(), (), box, min(confidence, piece.confidence), piece.cell)
        for box, (text, confidence) in zip(rows, engine.recognize(crops), strict=True)
        if text.strip()
    ]
    return read or [piece]


def column_ends(rows: list[Piece], pieces: list[Piece]) -> list[PixelBBox]:
    """Where a list column cut into one row per character (`split_column`) may have lost an item at
    either end: the detector takes a lone "一、" for a rule and starts the column at "二". Each box
    spans the column's width and the height of the line beside it one row above the first row or
    one row below the last; `read_empty_cells` reads the ones with print and nothing read in them."""
    heights = [row.bbox[3] - row.bbox[1] for row in rows]
    if len(rows) < 2 or max(heights) - min(heights) > 1:  # rows cut at rulings: the grid's empty cells cover those
        return []
    pitch = heights[0]
    x0, x1 = rows[0].bbox[0], rows[0].bbox[2]
    ends = [(rows[0].bbox[1] + rows[0].bbox[3]) / 2 - pitch, (rows[-1].bbox[1] + rows[-1].bbox[3]) / 2 + pitch]
    boxes: list[PixelBBox] = []
    for target in ends:
        beside = [
            p
            for p in pieces
            if x1 - pitch / 2 <= p.bbox[0] <= x1 + COLUMN_GAP_ROWS * pitch
            and abs((p.bbox[1] + p.bbox[3]) / 2 - target) <= pitch / 2
            and p.bbox[3] - p.bbox[1] < 1.5 * pitch
        ]
        if beside:
            line = min(beside, key=lambda p: p.bbox[0])
            boxes.append((x0, line.bbox[1], x1, line.bbox[3]))
    return boxes


# --- the amount grammar ------------------------------------------------------------------


def looks_numeric(text: str) -> bool:
    """Digits and what OCR makes of separators and digits, nothing else (an amount or a code)."""
    stripped = text.strip()
    return any(ch.isdigit() for ch in stripped) and all(ch in _NUMERIC_CHARS for ch in stripped)


def usual_decimals(texts: list[str]) -> int | None:
    """The number of decimals most well-formed amounts on the page print, when enough do."""
    counts: Counter[int] = Counter()
    for text in texts:
        m = _WELL_FORMED.fullmatch(text.strip())
        if m and m["decimals"] is not None:
            counts[len(m["decimals"])] += 1
    if sum(counts.values()) < MIN_DECIMAL_SAMPLES:
        return None
    return counts.most_common(1)[0][0]


def breaks_grammar(text: str, decimals: int | None) -> bool:
    """A numeric-looking text that no printed amount or code would be: stray characters, bad
    digit groups, a decimal part of another length than the page's (when known), or, on a page
    of amounts with decimals, more digits than a code has and no decimal point (a lost point)."""
    stripped = text.strip()
    if not looks_numeric(stripped):
        return False
    m = _WELL_FORMED.fullmatch(stripped)
    if m is None:
        return True
    if decimals is None or decimals == 0:
        return False
    if m["decimals"] is None:
        return stripped.isdigit() and len(stripped) > MAX_CODE_DIGITS
    return len(m["decimals"]) != decimals


def fits(text: str, decimals: int | None) -> bool:
    return bool(text) and looks_numeric(text) and not breaks_grammar(text, decimals)


def spaced_point(text: str, decimals: int | None) -> str:
    """ "1588830 72" → "1588830.72", "1456397:13" → "1456397.13" on a page of two-decimal amounts:
    at 150 dpi the point is a few pixels, and the recogniser reads a gap, or a colon when a speck
    sits above it. Only one gap or colon, after at least three digits (not a time of day) and
    before exactly as many digits as the page's amounts have decimals; otherwise ""."""
    if not decimals:
        return ""
    m = re.fullmatch(rf"(\d[\d,]{{2,}})(?: |\s*[:：]\s*)(\d{{{decimals}}})", text.strip())
    return f"{m[1]}.{m[2]}" if m else ""


def reread_broken(
    pieces: list[Piece], image: np.ndarray, engine: CropRecognizer, decimals: int | None
) -> tuple[list[Piece], list[CellReread]]:
    """Re-read each piece that `breaks_grammar` from its cell crop of ``image``; keep the new
    reading only when it fits the grammar (a gap read for the decimal point mended by
    `spaced_point`, in the new reading or else the first). Returns the pieces (some replaced)
    and what was re-read."""
    broken = [i for i, piece in enumerate(pieces) if breaks_grammar(piece.text, decimals)]
    if not broken:
        return pieces, []
    crops = [cell_crop(image, pieces[i]) for i in broken]
    readings = engine.recognize(crops)
    out = list(pieces)
    rereads: list[CellReread] = []
    for i, (reading, confidence) in zip(broken, readings, strict=True):
        piece = pieces[i]
        text = next(
            (
                t
                for t in (reading.strip(), spaced_point(reading, decimals), spaced_point(piece.text, decimals))
                if fits(t, decimals)
            ),
            "",
        )
        if not text:
            continue
        rereads.append(CellReread(piece.text, text, piece.bbox, confidence))
        out[i] = replace(piece, text=text, chars=(), confidence=min(confidence, piece.confidence))
    return out, rereads


def cell_crop(image: np.ndarray, piece: Piece) -> np.ndarray:
    """The piece's row of its cell, inside the rulings, with a little room above and below."""
    height, width = image.shape[:2]
    x0, y0, x1, y1 = piece.bbox
    left = max(0, round(piece.cell[0]) + CROP_INSET_PX)
    right = min(width, round(piece.cell[1]) - CROP_INSET_PX + 1)
    if right - left < x1 - x0:  # rulings missing or misplaced: fall back on the piece's own box
        left, right = max(0, round(x0) - CROP_INSET_PX), min(width, round(x1) + CROP_INSET_PX)
    return image[max(0, round(y0)) : min(height, round(y1) + 1), left:right]


# --- cells the detector left empty --------------------------------------------------------


def print_box(crop: np.ndarray) -> PixelBBox | None:
    """The box around the print in a cell crop, when there is enough of it to be a glyph: dark
    pixels left after a 3×3 median, which removes specks."""
    import cv2
    import numpy as np

    if crop.size == 0:
        return None
    dark = cv2.medianBlur(crop, 3) < INK_LEVEL
    if int(np.count_nonzero(dark)) < MIN_GLYPH_PIXELS:
        return None
    ys, xs = np.nonzero(dark)
    box = float(xs.min()), float(ys.min()), float(xs.max() + 1), float(ys.max() + 1)
    h, w = crop.shape[:2]
    if (box[0] <= 1 and box[2] >= w - 1) or (box[1] <= 1 and box[3] >= h - 1):
        return None  # runs from border to border: what is left of a ruling, not a glyph
    return box


def read_empty_cells(cells: list[PixelBBox], pieces: list[Piece], image: np.ndarray, engine: CropRecognizer) -> list[Piece]:
    """Pieces for grid cells that hold print but no recognised text: the detector misses a lone
    short glyph (the "1" of a 栏次 row, a count of "2"), which the recogniser reads from a crop
    around the print. ``image`` is grey."""
    height, width = image.shape[:2]
    centres = [((p.bbox[0] + p.bbox[2]) / 2, (p.bbox[1] + p.bbox[3]) / 2) for p in pieces]
    boxes: list[PixelBBox] = []
    for x0, y0, x1, y1 in cells:
        if any(x0 <= x <= x1 and y0 <= y <= y1 for x, y in centres):
            continue
        left, top = max(0, round(x0) + CROP_INSET_PX), max(0, round(y0) + CROP_INSET_PX)
        right, bottom = min(width, round(x1) - CROP_INSET_PX), min(height, round(y1) - CROP_INSET_PX)
        found = print_box(image[top:bottom, left:right]) if right - left >= 4 and bottom - top >= 4 else None
        if found is not None:
            pad = (found[3] - found[1]) / 3
            boxes.append(
                (
                    max(left, left + found[0] - pad),
                    max(top, top + found[1] - pad),
                    min(right, left + found[2] + pad),
                    min(bottom, top + found[3] + pad),
                )
            )
    crops = [image[round(y0) : round(y1), round(x0) : round(x1)] for x0, y0, x1, y1 in boxes]
    read: list[Piece] = []
    for box, (text, confidence) in zip(boxes, engine.recognize(crops), strict=True):
        if text.strip() and confidence >= MIN_EMPTY_CELL_CONFIDENCE:
            read.append(Piece(text.strip(), (), box, confidence, (box[0], box[2])))
    return read
