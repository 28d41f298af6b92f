"""Parse stage: a PDF file → a `Document` with pages, text blocks, TOC, section tree and
(untyped) tables. Bad input raises `DocumentError` with a message meant for the user."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pymupdf

from extract import __version__
from extract.model import Document, Page
from extract.parse.layout import make_blocks, read_toc, running_furniture, to_text_line
from extract.parse.meta import read_meta
from extract.parse.pdf import RawLine, group_lines, read_page
from extract.sections import build_sections
from extract.tables.build import PageTable, assemble, describe, join_pages
from extract.tables.grid import Grid, fill_grid, find_grids

MAX_FILE_BYTES = 300 * 1024 * 1024
MAX_PAGES = 3000

pymupdf.TOOLS.mupdf_display_errors(False)


class DocumentError(Exception):
    """The file cannot be processed as a budget disclosure; the message says why."""


def file_id(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def open_pdf(path: Path) -> tuple[bytes, pymupdf.Document]:
    size = path.stat().st_size
    if size == 0:
        raise DocumentError("empty file (0 bytes)")
    if size > MAX_FILE_BYTES:
        raise DocumentError(f"file too large: {size / 2**20:.0f} MiB (limit {MAX_FILE_BYTES // 2**20} MiB)")
    data = path.read_bytes()
    if not data.lstrip()[:5].startswith(b"%PDF"):
        raise DocumentError("not a PDF file (no %PDF header)")
    try:
        pdf = pymupdf.open(stream=data, filetype="pdf")
    except Exception as exc:  # pymupdf raises several types for broken files
        raise DocumentError(f"corrupt PDF: {exc}") from exc
    if pdf.needs_pass and not pdf.authenticate(""):
        raise DocumentError("encrypted PDF: a password is needed to open it")
    if pdf.page_count == 0:
        raise DocumentError("PDF has no pages")
    if pdf.page_count > MAX_PAGES:
        raise DocumentError(f"PDF has {pdf.page_count} pages (limit {MAX_PAGES})")
    return data, pdf


def parse_pdf(path: str | Path) -> Document:
    path = Path(path)
    data, pdf = open_pdf(path)
    pages: list[Page] = []
    page_raw_lines: list[list[RawLine]] = []
    page_grids: list[list[Grid]] = []
    try:
        for pdf_page in pdf:
            content = read_page(pdf_page)
            grids = find_grids(content.segments)
            outside = content.chars
            for grid in grids:
                outside = fill_grid(grid, outside)
            page_grids.append(grids)
            page_raw_lines.append(group_lines(outside))
            visible = sum(1 for c in content.chars if not c.text.isspace())
            pages.append(
                Page(
                    number=content.number,
                    width=content.width,
                    height=content.height,
                    rotation=content.rotation,
                    has_text_layer=visible >= 20 or content.image_coverage < 0.5,
                )
            )
    except RuntimeError as exc:  # damaged content streams surface while reading pages
        raise DocumentError(f"corrupt PDF page: {exc}") from exc
    finally:
        pdf.close()

    page_lines = [[to_text_line(ln, page.number) for ln in raw] for page, raw in zip(pages, page_raw_lines, strict=True)]
    furniture = running_furniture(page_lines, [p.height for p in pages])
    page_tables: list[PageTable] = []
    for p, page in enumerate(pages):
        keep = [i for i in range(len(page_lines[p])) if (p, i) not in furniture]
        page.furniture = [ln for i, ln in enumerate(page_lines[p]) if (p, i) in furniture]
        page.blocks = make_blocks([page_lines[p][i] for i in keep])
        body = [page_raw_lines[p][i] for i in keep]
        page_tables.extend(describe(page.number, page_grids[p], body, page.height))

    doc = Document(doc_id=file_id(data), path=str(path), pages=pages, parser_version=__version__)
    for page in pages:
        entries = read_toc(page)
        if entries:
            page.is_toc = True
            doc.toc.extend(entries)
    doc.tables = [assemble(group, f"t{k + 1:02d}") for k, group in enumerate(join_pages(page_tables))]
    doc.sections = build_sections(pages)
    doc.meta = read_meta(pages, doc.tables)
    return doc
