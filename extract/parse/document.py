"""Parse stage: a PDF file (or a group of page images) → a `Document` with pages, text
blocks, TOC, section tree and (untyped) tables. Bad input raises `DocumentError` with a
message meant for the user.

Scanned pages. Each page is read from its text layer first; `needs_ocr_content` then
decides from that reading (no second extraction, a render only for near-empty pages)
whether the text layer can be trusted. When it cannot, and ``ocr`` is ``"auto"`` (the
default) or ``"force"`` (every page), the page is OCR'd into the same `PageContent`
(`extract.ocr.content`) and everything after that is shared with digital pages. Such a
page gets ``has_text_layer=False``. A scanned page showing two facing pages is read as two
pages (`extract.ocr.spread`). When OCR is needed but rapidocr is not installed, the
document still parses from whatever text layer there is, and a warning finding
``ocr_unavailable`` lists the pages that needed OCR and why.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import pymupdf

from extract import __version__
from extract.model import BBox, Document, Evidence, Finding, FindingStatus, Page, Severity
from extract.ocr.detect import needs_ocr_content
from extract.ocr.images import ImageGroup, images_to_pdf
from extract.ocr.spread import clipped_page, spread_halves
from extract.parse.layout import make_blocks, read_toc, running_furniture, to_text_line
from extract.parse.meta import read_meta
from extract.parse.pdf import PageContent, RawLine, group_lines, read_page
from extract.sections import build_sections
from extract.tables.build import PageTable, assemble, describe, join_pages
from extract.tables.grid import Grid, fill_grid, find_grids

if TYPE_CHECKING:
    from extract.ocr.content import OcrContent
    from extract.ocr.engine import OcrEngine

OcrMode = Literal["auto", "force", "off"]
"""``auto``: OCR the pages whose text layer cannot be trusted; ``force``: every page; ``off``: none."""

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
        if pdf.needs_pass and not pdf.authenticate(""):
            raise DocumentError("encrypted PDF: a password is needed to open it")
        page_count = pdf.page_count  # a truncated file can open and then fail here ("Invalid number of pages")
    except DocumentError:
        raise
    except Exception as exc:  # pymupdf raises several types for broken files
        raise DocumentError(f"corrupt PDF: {exc}") from exc
    if page_count == 0:
        raise DocumentError("PDF has no pages")
    if page_count > MAX_PAGES:
        raise DocumentError(f"PDF has {page_count} pages (limit {MAX_PAGES})")
    return data, pdf


@dataclass
class OcrPageReport:
    """What happened on one page that needed (or was forced into) OCR."""

    page: int
    reason: str
    """The `needs_ocr` reason (``no_text_layer``, ``image_page``, …) or ``forced``."""
    done: bool
    """False when OCR was needed but could not run (see ``error``)."""
    error: str = ""
    result: OcrContent | None = None
    """Orientation, skew, render dpi and seconds per stage of the OCR read."""


@dataclass
class PageRead:
    """One page as read: a PDF page, or one half of a scanned two-page spread (``clip``)."""

    content: PageContent
    has_text_layer: bool
    """`Page.has_text_layer`."""
    clip: BBox | None = None
    """`Page.source_clip`."""


@dataclass
class PageReader:
    """Reads each page from its text layer or, when needed and possible, by OCR."""

    mode: OcrMode = "auto"
    engine: OcrEngine | None = None
    dpi: int = 200
    reports: list[OcrPageReport] = field(default_factory=list)
    unavailable: str = ""
    """Why OCR cannot run in this process, once a page found out."""

    def read(self, pdf_page: pymupdf.Page, number: int | None = None) -> list[PageRead]:
        """The page as Document page ``number`` (default: its own number), or a scanned two-page spread as two
        pages, ``number`` and the next (`extract.ocr.spread`)."""
        number = number or pdf_page.number + 1
        content = read_page(pdf_page)
        content.number = number
        if self.mode == "off":
            visible = sum(1 for c in content.chars if not c.text.isspace())
            return [PageRead(content, visible >= 20 or content.image_coverage < 0.5)]
        decision = needs_ocr_content(pdf_page, content)
        if not (decision.needs_ocr or self.mode == "force"):
            return [PageRead(content, True)]
        reason = decision.reason if decision.needs_ocr else "forced"
        halves = None if self.unavailable else spread_halves(pdf_page)
        reads: list[PageRead] = []
        for k, clip in enumerate(halves or [None]):
            report = OcrPageReport(number + k, reason, done=False)
            self.reports.append(report)
            report.result = self._ocr(pdf_page if clip is None else clipped_page(pdf_page, clip), report)
            if report.result is None:  # OCR cannot run here (found on the first read): the page whole, from its text layer
                return [PageRead(content, not decision.needs_ocr)]
            report.result.content.number = number + k
            reads.append(PageRead(report.result.content, not decision.needs_ocr, tuple(clip) if clip else None))
        return reads

    def _ocr(self, pdf_page: pymupdf.Page, report: OcrPageReport) -> OcrContent | None:
        if not self.unavailable:
            try:
                from extract.ocr.content import ocr_page_content_detailed
                from extract.ocr.engine import OcrUnavailableError, default_engine
            except ImportError as exc:  # numpy / OpenCV missing: a broken install
                from extract.ocr.engine import REINSTALL_OCR

                self.unavailable = f"OCR is not installed ({exc.name}); {REINSTALL_OCR}"
            else:
                try:
                    result = ocr_page_content_detailed(pdf_page, self.engine or default_engine(), self.dpi)
                except OcrUnavailableError as exc:
                    self.unavailable = str(exc)
                else:
                    report.done = True
                    return result
        report.error = self.unavailable
        return None


def ocr_unavailable_findings(reports: Iterable[OcrPageReport]) -> list[Finding]:
    """One warning listing the pages that needed OCR but were read without it."""
    missed = [r for r in reports if not r.done]
    if not missed:
        return []
    pages = ", ".join(str(r.page) for r in missed)
    return [
        Finding(
            check_id="ocr_unavailable",
            severity=Severity.WARNING,
            status=FindingStatus.NOT_CHECKABLE,
            message_zh=f"第 {pages} 页为扫描页或文字层不可用，需要 OCR，但 OCR 不可用：{missed[0].error}",
            message_en=f"pages {pages} need OCR (no usable text layer) but OCR is unavailable: {missed[0].error}",
            evidence=[Evidence(role="page", text=r.reason, page=r.page) for r in missed],
        )
    ]


def ocr_reread_findings(reports: Iterable[OcrPageReport]) -> list[Finding]:
    """One note per cell whose amount was re-read from its crop (`extract.ocr.cells`): both readings kept."""
    findings = []
    for report in reports:
        for reread in report.result.rereads if report.result else []:
            findings.append(
                Finding(
                    check_id="ocr_cell_reread",
                    severity=Severity.INFO,
                    status=FindingStatus.CONSISTENT,
                    expected=reread.reread,
                    found=reread.original,
                    message_zh=f"第 {report.page} 页：OCR 读作 {reread.original}，不符合金额格式；"
                    f"按单元格重新识别为 {reread.reread}。",
                    message_en=f"page {report.page}: OCR read {reread.original}, which is not a well-formed amount; "
                    f"the cell re-read as {reread.reread}.",
                    evidence=[Evidence(role="cell", text=reread.original, page=report.page, bbox=reread.bbox)],
                )
            )
    return findings


def parse_pdf(
    path: str | Path, ocr: OcrMode = "auto", *, engine: OcrEngine | None = None, reader: PageReader | None = None
) -> Document:
    """Parse a PDF file; ``reader`` (optional) collects per-page OCR reports."""
    path = Path(path)
    data, pdf = open_pdf(path)
    return parse_opened(pdf, file_id(data), str(path), reader or PageReader(ocr, engine))


def parse_images(
    group: ImageGroup, ocr: OcrMode = "auto", *, engine: OcrEngine | None = None, reader: PageReader | None = None
) -> Document:
    """Parse page images (one document by the rule of `extract.ocr.images`) as a scanned PDF."""
    try:
        data = group.read_bytes()
        pdf = images_to_pdf(group)
    except (RuntimeError, ValueError, pymupdf.mupdf.FzErrorBase) as exc:  # pymupdf's errors for unreadable images
        raise DocumentError(f"cannot read image: {exc}") from exc
    return parse_opened(pdf, file_id(data), str(group), reader or PageReader(ocr, engine))


def parse_opened(pdf: pymupdf.Document, doc_id: str, label: str, reader: PageReader) -> Document:
    """Parse an open PDF (closed here); ``label`` becomes `Document.path`."""
    pages: list[Page] = []
    page_raw_lines: list[list[RawLine]] = []
    page_grids: list[list[Grid]] = []
    try:
        for pdf_page in pdf:
            for read in reader.read(pdf_page, len(pages) + 1):
                content = read.content
                grids = find_grids(content.segments)
                outside = content.chars
                for grid in grids:
                    outside = fill_grid(grid, outside)
                page_grids.append(grids)
                page_raw_lines.append(group_lines(outside))
                elsewhere = content.number != pdf_page.number + 1 or read.clip is not None  # after or in a spread
                pages.append(
                    Page(
                        number=content.number,
                        width=content.width,
                        height=content.height,
                        rotation=content.rotation,
                        has_text_layer=read.has_text_layer,
                        source_page=pdf_page.number + 1 if elsewhere else None,
                        source_clip=read.clip,
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

    for report in reader.reports:
        pages[report.page - 1].ocr = report.reason if report.done else f"unavailable: {report.error}"
    doc = Document(doc_id=doc_id, path=label, pages=pages, parser_version=__version__)
    previous_is_toc = False
    for page in pages:
        entries = read_toc(page, continues_toc=previous_is_toc)
        page.is_toc = previous_is_toc = bool(entries)
        doc.toc.extend(entries)
    doc.tables = [assemble(group, f"t{k + 1:02d}") for k, group in enumerate(join_pages(page_tables))]
    doc.sections = build_sections(pages)
    doc.meta = read_meta(pages, doc.tables, source=label)
    doc.findings = ocr_unavailable_findings(reader.reports) + ocr_reread_findings(reader.reports)
    return doc
