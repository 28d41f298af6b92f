"""Shared test fixtures: the real corpus beside the checkout, and PDFs drawn in the test."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pymupdf
import pytest

from extract.model import Document
from extract.pipeline import process

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
SEEDS = ROOT.parent / "shared" / "seeds"
SAMPLE = ROOT / "samples" / "sample_final_2023.pdf"
FIXTURES = ROOT / "tests" / "fixtures"

requires_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not beside this checkout")

_CACHE: dict[Path, Document] = {}


def parsed(path: Path) -> Document:
    """Parse once per test session; documents are read-only in tests."""
    if path not in _CACHE:
        _CACHE[path] = process(path)
    return _CACHE[path]


CJK = pymupdf.Font("cjk")


class PdfDrawer:
    """Draw small PDFs for unit tests: CJK text, lines and ruled grids at given positions."""

    def __init__(self, width: float = 595, height: float = 842) -> None:
        self.doc = pymupdf.open()
        self.size = (width, height)
        self.page = self.new_page()

    def new_page(self) -> pymupdf.Page:
        self.page = self.doc.new_page(width=self.size[0], height=self.size[1])
        self.page.insert_font(fontname="cjk", fontbuffer=CJK.buffer)
        return self.page

    def text(self, x: float, y: float, text: str, size: float = 10.5) -> None:
        self.page.insert_text((x, y), text, fontname="cjk", fontsize=size)

    def line(self, x0: float, y0: float, x1: float, y1: float) -> None:
        self.page.draw_line((x0, y0), (x1, y1), color=(0, 0, 0), width=0.6)

    def grid(
        self, x0: float, y0: float, widths: list[float], rows: list[list[str | None]], row_height: float = 20, size: float = 9
    ) -> None:
        """A ruled table. A cell given as None is merged into the cell on its left (no ruling between)."""
        xs = [x0]
        for w in widths:
            xs.append(xs[-1] + w)
        for r in range(len(rows) + 1):
            self.line(xs[0], y0 + r * row_height, xs[-1], y0 + r * row_height)
        for r, row in enumerate(rows):
            top, bottom = y0 + r * row_height, y0 + (r + 1) * row_height
            for c, text in enumerate(row):
                if text is None:
                    continue
                self.line(xs[c], top, xs[c], bottom)
                if text:
                    self.text(xs[c] + 2, bottom - 6, text, size)
            self.line(xs[-1], top, xs[-1], bottom)

    def save(self, path: Path) -> Path:
        self.doc.save(path)
        return path


@pytest.fixture
def drawer() -> Callable[..., PdfDrawer]:
    return PdfDrawer


REVIEW_PDF = CORPUS / "pdf" / "tbx_1770007475548-818404804.pdf"
"""A real 35-page 部门预算 whose narrative contradicts its tables twice: sentences, records, cells and findings to review."""


@pytest.fixture(scope="session")
def review_dataset(tmp_path_factory) -> Path:
    """A `budgetlens run` output folder of REVIEW_PDF, built once per session; copy it (`review_out`) before use."""
    from extract.dataset.export import write_dataset

    if not REVIEW_PDF.is_file():
        pytest.skip("../shared/corpus is not beside this checkout")
    out = tmp_path_factory.mktemp("review-dataset")
    write_dataset([parsed(REVIEW_PDF)], out)
    return out


@pytest.fixture
def review_out(review_dataset, tmp_path) -> Path:
    """A fresh copy of the review dataset (its own review.sqlite and page cache)."""
    import shutil

    return Path(shutil.copytree(review_dataset, tmp_path / "out"))
