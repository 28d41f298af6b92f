"""Read one PDF page into small layered objects: chars → visual lines, and ruling segments.

Like pdfplumber, tables are rebuilt from the page's own drawings and chars rather than
from a text dump; unlike a plain text dump, chars keep their boxes, so a number drawn
in a Latin font stays next to the Chinese label it belongs to (the two are merged by
position into one visual line, not kept apart by font).
"""

from __future__ import annotations

from dataclasses import dataclass

import pymupdf

# Fill/stroke colours this close to white are invisible and are not rulings.
_WHITE = 0.95
# A filled rectangle thinner than this (points) is drawn as a line.
_THIN = 2.5


@dataclass(slots=True)
class Char:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    size: float
    bold: bool
    confidence: float | None = None
    """OCR confidence when the char was read from an image."""

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2


@dataclass(slots=True)
class Segment:
    """A horizontal (`pos` = y, from `start` to `end` in x) or vertical ruling."""

    horizontal: bool
    pos: float
    start: float
    end: float


@dataclass(slots=True)
class RawLine:
    chars: list[Char]
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def text(self) -> str:
        return join_chars(self.chars)

    @property
    def size(self) -> float:
        sizes = sorted(c.size for c in self.chars if not c.text.isspace())
        return sizes[len(sizes) // 2] if sizes else (self.y1 - self.y0)

    @property
    def bold(self) -> bool:
        visible = [c for c in self.chars if not c.text.isspace()]
        return bool(visible) and sum(c.bold for c in visible) > len(visible) / 2

    @property
    def confidence(self) -> float | None:
        return min_confidence(self.chars)


@dataclass(slots=True)
class PageContent:
    number: int
    width: float
    height: float
    rotation: int
    chars: list[Char]
    segments: list[Segment]
    image_coverage: float
    """Share of the page area covered by images (1.0 for a full-page scan)."""


def min_confidence(chars: list[Char]) -> float | None:
    """The weakest OCR confidence among the chars, or None when none was OCR'd."""
    scores = [c.confidence for c in chars if c.confidence is not None]
    return min(scores) if scores else None


def join_chars(chars: list[Char]) -> str:
    """Chars of one line (in reading order) → text, with a space where the gap is wide."""
    out: list[str] = []
    prev: Char | None = None
    for ch in chars:
        wide_gap = prev is not None and ch.x0 - prev.x1 > 0.5 * max(ch.size, prev.size)
        if wide_gap and not ch.text.isspace() and out and not out[-1].isspace():
            out.append(" ")
        out.append(ch.text)
        prev = ch
    return "".join(out).strip()


def read_page(page: pymupdf.Page) -> PageContent:
    """Read a page as it is displayed: on a /Rotate'd page (a landscape table on portrait
    paper) text and drawings are mapped into the upright, displayed coordinate space."""
    matrix = page.rotation_matrix if page.rotation else None
    return PageContent(
        number=page.number + 1,
        width=page.rect.width,
        height=page.rect.height,
        rotation=page.rotation,
        chars=_chars(page, matrix),
        segments=_segments(page, matrix),
        image_coverage=image_coverage(page),
    )


def _upright(direction: tuple[float, float], matrix: pymupdf.Matrix | None) -> bool:
    if matrix is None:
        return abs(direction[1]) < 1e-3 and direction[0] > 0
    dx = direction[0] * matrix.a + direction[1] * matrix.c
    dy = direction[0] * matrix.b + direction[1] * matrix.d
    return abs(dy) < 1e-3 and dx > 0


def _chars(page: pymupdf.Page, matrix: pymupdf.Matrix | None) -> list[Char]:
    flags = pymupdf.TEXT_PRESERVE_WHITESPACE | pymupdf.TEXT_MEDIABOX_CLIP
    raw = page.get_text("rawdict", flags=flags)
    chars: list[Char] = []
    for block in raw["blocks"]:
        for line in block.get("lines", ()):
            if not _upright(line["dir"], matrix):  # rotated stamps and captions are not body text
                continue
            for span in line["spans"]:
                size = span["size"]
                bold = bool(span["flags"] & 16) or "bold" in span["font"].lower() or "hei" in span["font"].lower()
                for ch in span["chars"]:
                    c = ch["c"]
                    if not c or c == "\x00":
                        continue
                    x0, y0, x1, y1 = ch["bbox"] if matrix is None else pymupdf.Rect(ch["bbox"]) * matrix
                    # pymupdf boxes include ascender/descender space; shrink to the glyph body so
                    # chars sitting close to a ruling are assigned to the right cell.
                    pad = (y1 - y0 - size) / 2 if (y1 - y0) > size else 0.0
                    chars.append(Char(c, x0, y0 + pad, x1, y1 - pad, size, bold))
    return chars


def _is_visible(color) -> bool:
    return color is not None and not all(v >= _WHITE for v in color)


def _segments(page: pymupdf.Page, matrix: pymupdf.Matrix | None) -> list[Segment]:
    segments: list[Segment] = []
    for path in page.get_drawings():
        stroked = _is_visible(path.get("color"))
        filled = _is_visible(path.get("fill"))
        if not (stroked or filled):
            continue
        for item in path["items"]:
            kind = item[0]
            if kind == "l" and stroked:
                p, q = (item[1], item[2]) if matrix is None else (item[1] * matrix, item[2] * matrix)
                if abs(p.y - q.y) < 1.0:
                    segments.append(Segment(True, (p.y + q.y) / 2, min(p.x, q.x), max(p.x, q.x)))
                elif abs(p.x - q.x) < 1.0:
                    segments.append(Segment(False, (p.x + q.x) / 2, min(p.y, q.y), max(p.y, q.y)))
            elif kind in ("re", "qu"):
                rect = item[1] if kind == "re" else item[1].rect
                if matrix is not None:
                    rect = rect * matrix
                segments.extend(_rect_segments(rect, stroked))
    return segments


def _rect_segments(rect: pymupdf.Rect, stroked: bool) -> list[Segment]:
    x0, y0, x1, y1 = rect.x0, rect.y0, rect.x1, rect.y1
    if rect.height <= _THIN and rect.width > rect.height:
        return [Segment(True, (y0 + y1) / 2, x0, x1)]
    if rect.width <= _THIN and rect.height > rect.width:
        return [Segment(False, (x0 + x1) / 2, y0, y1)]
    if not stroked:  # a shaded cell background: its edges are not necessarily rulings
        return []
    return [
        Segment(True, y0, x0, x1),
        Segment(True, y1, x0, x1),
        Segment(False, x0, y0, y1),
        Segment(False, x1, y0, y1),
    ]


def image_coverage(page: pymupdf.Page) -> float:
    area = page.rect.width * page.rect.height or 1.0
    covered = 0.0
    for info in page.get_image_info():
        r = pymupdf.Rect(info["bbox"]) & page.rect
        if not r.is_empty:
            covered += r.width * r.height
    return min(1.0, covered / area)


def group_lines(chars: list[Char]) -> list[RawLine]:
    """Group chars into visual lines: same baseline band, close together horizontally.

    Chars are first banded by vertical overlap (so digits drawn in a Latin font a point
    higher or lower than the Chinese around them stay on their line), then each band is
    cut where the horizontal gap exceeds three char widths, so that the columns of a
    borderless layout stay apart.
    """
    lines: list[RawLine] = []
    for band in _bands([c for c in chars if not c.text.isspace()]):
        band.sort(key=lambda c: c.x0)
        current: list[Char] = [band[0]]
        for ch in band[1:]:
            if ch.x0 - max(c.x1 for c in current) > 3 * ch.size:
                lines.append(_raw_line(current))
                current = []
            current.append(ch)
        lines.append(_raw_line(current))
    lines.sort(key=lambda ln: (round((ln.y0 + ln.y1) / 2 / 3), ln.x0))
    return lines


def _bands(chars: list[Char]) -> list[list[Char]]:
    bands: list[list[Char]] = []
    top = bottom = 0.0
    for ch in sorted(chars, key=lambda c: c.cy):
        height = min(bottom - top, ch.y1 - ch.y0) or 1.0
        if bands and min(bottom, ch.y1) - max(top, ch.y0) >= 0.5 * height:
            bands[-1].append(ch)
        else:
            bands.append([ch])
            top, bottom = ch.y0, ch.y1
    return bands


def _raw_line(chars: list[Char]) -> RawLine:
    return RawLine(chars, min(c.x0 for c in chars), min(c.y0 for c in chars), max(c.x1 for c in chars), max(c.y1 for c in chars))
