"""Decide, per page, whether a PDF page needs OCR.

A page needs OCR when its text layer cannot be trusted to hold what is printed:

* ``no_text_layer``: (almost) no extractable text, yet there is ink on the page
  (a blank page, even one made of white-filled rectangles, is ``blank``);
* ``image_page``: an image covers most of the page and the text layer is thin
  (a scan with a running header stamped on it, for instance);
* ``private_use_glyphs``: many characters in U+E000–U+F8FF (fonts without ToUnicode);
* ``replacement_chars``: many U+FFFD;
* ``too_few_cjk``: plenty of text or ink but hardly any CJK characters, which in a
  Chinese disclosure means a mojibake text layer.

Thresholds are fractions of the non-whitespace characters, so they do not depend on
page size; they are the fields of `OcrThresholds`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pymupdf

from extract.parse.pdf import PageContent, image_coverage

PUA_RANGE = (0xE000, 0xF8FF)
REPLACEMENT = "\ufffd"


@dataclass(frozen=True)
class PageTextStats:
    """What `needs_ocr` measured on the page."""

    n_chars: int
    n_cjk: int
    n_pua: int
    n_replacement: int
    image_coverage: float
    """Fraction of the page area covered by images (clipped to the page, overlaps capped at 1)."""
    text_coverage: float
    """Fraction of the page area covered by text line boxes."""
    ink_fraction: float
    """Fraction of non-white pixels in a coarse greyscale render (blank-page check)."""
    n_letters: int = 0
    """Alphabetic characters (CJK included), i.e. not digits, punctuation or symbols."""


@dataclass(frozen=True)
class OcrDecision:
    needs_ocr: bool
    reason: str
    """One of ``ok``, ``blank``, ``no_text_layer``, ``image_page``, ``private_use_glyphs``,
    ``replacement_chars``, ``too_few_cjk``."""
    stats: PageTextStats = field(repr=False)

    def __bool__(self) -> bool:
        return self.needs_ocr


def is_cjk(ch: str) -> bool:
    code = ord(ch)
    return 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0xF900 <= code <= 0xFAFF or 0x20000 <= code <= 0x2FA1F


def is_pua(ch: str) -> bool:
    return PUA_RANGE[0] <= ord(ch) <= PUA_RANGE[1]


def page_stats(page: pymupdf.Page) -> PageTextStats:
    text = page.get_text("text")
    chars = [ch for ch in text if not ch.isspace()]
    return PageTextStats(
        n_chars=len(chars),
        n_cjk=sum(is_cjk(ch) for ch in chars),
        n_pua=sum(is_pua(ch) for ch in chars),
        n_replacement=chars.count(REPLACEMENT),
        image_coverage=image_coverage(page),
        text_coverage=_text_coverage(page),
        ink_fraction=ink_fraction(page),
        n_letters=sum(ch.isalpha() for ch in chars),
    )


@dataclass(frozen=True)
class OcrThresholds:
    """Tuning knobs of the decision; fractions are of the non-whitespace characters."""

    min_chars: int = 10
    image_coverage: float = 0.5
    max_text_coverage_on_image: float = 0.03
    max_pua_fraction: float = 0.05
    max_replacement_fraction: float = 0.05
    min_cjk_fraction: float = 0.1
    min_letters_for_cjk_check: int = 30
    min_ink: float = 0.002


def needs_ocr(page: pymupdf.Page, limits: OcrThresholds = OcrThresholds()) -> OcrDecision:
    """Return whether ``page`` needs OCR and why (see the module docstring)."""
    return decide(page_stats(page), limits)


def decide(stats: PageTextStats, limits: OcrThresholds = OcrThresholds()) -> OcrDecision:
    """The decision rules of `needs_ocr`, on measured stats (pure, for tests and tuning)."""
    n = max(stats.n_chars, 1)
    if stats.n_chars >= 3 and stats.n_pua / n > limits.max_pua_fraction:
        return OcrDecision(True, "private_use_glyphs", stats)
    if stats.n_chars >= 3 and stats.n_replacement / n > limits.max_replacement_fraction:
        return OcrDecision(True, "replacement_chars", stats)
    if stats.n_chars < limits.min_chars:
        drawn = stats.ink_fraction > limits.min_ink
        return OcrDecision(drawn, "no_text_layer" if drawn else "blank", stats)
    if stats.image_coverage >= limits.image_coverage and stats.text_coverage <= limits.max_text_coverage_on_image:
        return OcrDecision(True, "image_page", stats)
    # Against letters, not all characters: a continuation page of a table holds
    # mostly digits and is fine; a mojibake layer holds Latin-1 "letters".
    letters = stats.n_letters
    if letters >= limits.min_letters_for_cjk_check and stats.n_cjk / letters < limits.min_cjk_fraction:
        return OcrDecision(True, "too_few_cjk", stats)
    return OcrDecision(False, "ok", stats)


def ink_fraction(page: pymupdf.Page, dpi: int = 24) -> float:
    """Share of pixels darker than light grey when the page is rendered small."""
    pix = page.get_pixmap(dpi=dpi, colorspace=pymupdf.csGRAY, alpha=False)
    samples = bytes(pix.samples)
    if not samples:
        return 0.0
    # Count grey levels below 200 with C-speed byte counting (no numpy in the base install).
    dark = len(samples) - len(samples.translate(None, bytes(range(200))))
    return dark / len(samples)


def needs_ocr_content(page: pymupdf.Page, content: PageContent, limits: OcrThresholds = OcrThresholds()) -> OcrDecision:
    """`needs_ocr` for a page already read by `extract.parse.pdf.read_page`.

    Counts the chars the parser kept instead of extracting the text again, and only
    renders (ink) or measures text boxes when the decision depends on it, so a digital
    page costs next to nothing. ``ink_fraction`` is 0.0 unless the text layer is thin and
    ``text_coverage`` 0.0 unless images cover the page: the rules do not look at them then.
    """
    chars = [c.text for c in content.chars if not c.text.isspace()]
    thin = len(chars) < limits.min_chars
    imaged = content.image_coverage >= limits.image_coverage
    stats = PageTextStats(
        n_chars=len(chars),
        n_cjk=sum(is_cjk(ch) for ch in chars),
        n_pua=sum(is_pua(ch) for ch in chars),
        n_replacement=chars.count(REPLACEMENT),
        image_coverage=content.image_coverage,
        text_coverage=_text_coverage(page) if imaged and not thin else 0.0,
        ink_fraction=ink_fraction(page) if thin else 0.0,
        n_letters=sum(ch.isalpha() for ch in chars),
    )
    return decide(stats, limits)


def _text_coverage(page: pymupdf.Page) -> float:
    page_rect = page.rect
    area = page_rect.width * page_rect.height
    if area <= 0:
        return 0.0
    covered = 0.0
    for block in page.get_text("dict")["blocks"]:
        for line in block.get("lines", []):
            if "".join(span["text"] for span in line["spans"]).strip():
                rect = pymupdf.Rect(line["bbox"]) & page_rect
                if not rect.is_empty:
                    covered += rect.width * rect.height
    return min(covered / area, 1.0)
