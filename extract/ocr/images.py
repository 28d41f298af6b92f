"""Page images (PNG, JPEG, TIFF) as input: which files form one document, and that
document as an in-memory, image-only PDF that the parser reads like any scanned PDF.

Grouping rule. An image file is a one-page document (a multi-frame TIFF: one page per
frame), EXCEPT files in the same folder, with the same suffix, whose names differ only by
a trailing page number — ``name_p6.png``, ``name_p7.png``, ``name-3.jpg``, ``name 12.tif``,
``name_page2.png`` — which form one document, in page-number order (6, 7, 10 — not
10, 6, 7). The part before the number must contain a letter or CJK character, so a
folder of ``1.png``, ``2.png`` is not glued together by accident; a group needs at least
two files. The document id is the sha256 of the files' bytes concatenated in page order.

Two-page spreads. An image of two pages side by side (a book or a stapled report scanned
open) becomes two pages, cut at its gutter, blank or in shadow (`extract.ocr.spread`), each
sized by the rule below on its own.

Page size. Each image becomes one page showing the whole image at its resolution: from
the file's dpi when it records one of at least 100 (72 and 96 are screen defaults written
by tools that know nothing of the paper), else A4 when the image has A4 proportions (the
paper of nearly every disclosure), else 200 dpi. Points then mean what they mean on
paper, which the layout thresholds downstream (title bands, font sizes) assume.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pymupdf

from extract.ocr.spread import SPREAD_MIN_RATIO, find_gutter

IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".tif", ".tiff"})
A4 = (595.0, 842.0)
DEFAULT_DPI = 200
MIN_TRUSTED_DPI = 100
_A4_RATIO_TOLERANCE = 0.03
_TRAILING_NUMBER = re.compile(r"^(?P<stem>.*?)(?P<sep>[\s_\-.]*(?:p|page|P|Page|PAGE)?)(?P<number>\d+)$")
_NAMED = re.compile(r"[^\W\d_]")  # a letter or CJK character


@dataclass(frozen=True)
class ImageGroup:
    """Page images that make one document, in page order."""

    paths: tuple[Path, ...]

    @property
    def name(self) -> str:
        """A readable name for listings: ``stem_p{6,7,8}.png`` for a group."""
        if len(self.paths) == 1:
            return self.paths[0].name
        first = _split_name(self.paths[0])
        assert first is not None
        numbers = ",".join(str(n) for n in page_numbers(self))
        return f"{first[0]}{first[1]}{{{numbers}}}{self.paths[0].suffix}"

    def __str__(self) -> str:
        return str(self.paths[0].parent / self.name)

    def read_bytes(self) -> bytes:
        return b"".join(path.read_bytes() for path in self.paths)


def is_image(path: Path) -> bool:
    return path.suffix.lower() in IMAGE_SUFFIXES


def _split_name(path: Path) -> tuple[str, str, int] | None:
    """(stem, separator, page number) when the file name ends in a page number."""
    match = _TRAILING_NUMBER.match(path.stem)
    if match is None or not _NAMED.search(match["stem"]):
        return None
    return match["stem"], match["sep"], int(match["number"])


def page_numbers(group: ImageGroup) -> list[int]:
    """The page numbers in the file names (1, 2, … for a single file without one)."""
    numbers = [_split_name(p) for p in group.paths]
    if any(n is None for n in numbers):
        return list(range(1, len(group.paths) + 1))
    return [n[2] for n in numbers if n is not None]


def group_images(paths: list[Path]) -> list[ImageGroup]:
    """Apply the grouping rule (module docstring) to image files; order of first appearance."""
    keyed: dict[tuple[Path, str, str], list[tuple[int, Path]]] = defaultdict(list)
    order: list[tuple[Path, str, str] | Path] = []
    for path in dict.fromkeys(paths):  # a file named twice is one file
        split = _split_name(path)
        if split is None:
            order.append(path)
            continue
        key = (path.parent.resolve(), split[0] + split[1].lower(), path.suffix.lower())
        if key not in keyed:
            order.append(key)
        keyed[key].append((split[2], path))
    groups: list[ImageGroup] = []
    for item in order:
        if isinstance(item, Path):
            groups.append(ImageGroup((item,)))
        elif len(keyed[item]) == 1:
            groups.append(ImageGroup((keyed[item][0][1],)))
        else:
            groups.append(ImageGroup(tuple(path for _, path in sorted(keyed[item], key=lambda np_: np_[0]))))
    return groups


def group_id(group: ImageGroup) -> str:
    return hashlib.sha256(group.read_bytes()).hexdigest()


def page_size(width_px: int, height_px: int, dpi: float | None) -> tuple[float, float]:
    """Points for an image of this many pixels (see "Page size" in the module docstring)."""
    if dpi is not None and dpi >= MIN_TRUSTED_DPI:
        return width_px * 72.0 / dpi, height_px * 72.0 / dpi
    ratio = max(width_px, height_px) / max(min(width_px, height_px), 1)
    if abs(ratio / (A4[1] / A4[0]) - 1) <= _A4_RATIO_TOLERANCE:
        return A4 if height_px >= width_px else (A4[1], A4[0])
    return width_px * 72.0 / DEFAULT_DPI, height_px * 72.0 / DEFAULT_DPI


def images_to_pdf(group: ImageGroup) -> pymupdf.Document:
    """An in-memory PDF with one full-page image per image (per frame of a TIFF; two for a spread)."""
    out = pymupdf.open()
    for path in group.paths:
        with pymupdf.open(path) as images:
            converted = pymupdf.open("pdf", images.convert_to_pdf())
            for frame, page in zip(images, converted, strict=True):
                info = frame.get_image_info()[0]
                for pix in split_spread(pymupdf.Pixmap(converted, page.get_images()[0][0])):
                    width, height = page_size(pix.width, pix.height, info.get("xres"))
                    out.new_page(width=width, height=height).insert_image(pymupdf.Rect(0, 0, width, height), pixmap=pix)
            converted.close()
    return out


def split_spread(pix: pymupdf.Pixmap) -> list[pymupdf.Pixmap]:
    """The two pages of a spread (see the module docstring), else ``[pix]``."""
    import numpy as np

    if pix.alpha or pix.width < SPREAD_MIN_RATIO * pix.height:
        return [pix]
    pixels = np.frombuffer(pix.samples, np.uint8).reshape(pix.height, pix.width, pix.n)
    cut = find_gutter(pixels.min(axis=2))
    if cut is None:
        return [pix]
    gutter = round(cut * pix.width)
    return [_columns(pix, 0, gutter), _columns(pix, gutter, pix.width)]


def _columns(pix: pymupdf.Pixmap, x0: int, x1: int) -> pymupdf.Pixmap:
    import numpy as np

    pixels = np.frombuffer(pix.samples, np.uint8).reshape(pix.height, pix.width, pix.n)[:, x0:x1]
    part = pymupdf.Pixmap(pix.colorspace, x1 - x0, pix.height, np.ascontiguousarray(pixels).tobytes(), False)
    part.set_dpi(pix.xres, pix.yres)
    return part
