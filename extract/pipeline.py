"""The pipeline: parse → tables → tag → records → reconcile. One `Document` flows through.

`process` never raises for a bad document: the error is recorded on the Document (status
"failed" or "rejected") so that a batch goes on.

Inputs are PDF files, page images (PNG, JPEG, TIFF) and the office and web formats portals publish
(DOCX, XLSX, XLS, HTML; DOC/WPS/ET through LibreOffice), which `extract.parse.formats` reads into the
same Document. An image file is a one-page
document, except that images in one folder whose names differ only by a trailing page
number (``name_p6.png``, ``name_p7.png``) are one document in page order; the rule is
spelled out in `extract.ocr.images`. `collect_inputs` returns such a group as one
`ImageGroup`, which `process` accepts like a path.
"""

from __future__ import annotations

from pathlib import Path

from extract.model import Document, DocumentStatus
from extract.ocr.engine import CropRecognizer, OcrEngine, default_engine
from extract.ocr.images import IMAGE_SUFFIXES, ImageGroup, group_images, images_to_pdf, is_image
from extract.ocr.reread import reread_findings, reread_flagged
from extract.parse.document import DocumentError, OcrMode, PageReader, file_id, open_pdf, parse_images, parse_pdf
from extract.parse.formats import STRUCTURED_SUFFIXES, parse_structured
from extract.parse.meta import looks_like_budget
from extract.reconcile import run_checks
from extract.records.build import build_records
from extract.tables import type_tables
from extract.tables.repair import Repair, repair_digits, repair_findings
from extract.tag.base import Tagger, TaggerUnavailable, load_tagger
from extract.tag.narrative import tag_document

SUPPORTED_SUFFIXES = {".pdf", *IMAGE_SUFFIXES, *STRUCTURED_SUFFIXES}

Source = Path | ImageGroup
"""One document to process: a PDF or single image file, or a group of page images."""


def source_format(source: Source) -> str:
    """`Document.source_format` of a source, from its suffix."""
    if isinstance(source, ImageGroup) or is_image(source):
        return "image"
    suffix = source.suffix.lower()
    return suffix.lstrip(".") if suffix in STRUCTURED_SUFFIXES else "pdf"


def source_id(source: Source) -> str:
    """A document's doc_id: the sha256 of its bytes (of its page images in order, for a group). A file that cannot
    be read has no bytes to hash: its id is the sha256 of its path as given (UTF-8), so that it still gets one stable
    row in documents.parquet and a rerun over the same path finds it again."""
    try:
        return file_id(source.read_bytes())
    except OSError:
        return file_id(str(source).encode("utf-8"))


def _failed(source: Source, error: str, status: DocumentStatus = DocumentStatus.FAILED) -> Document:
    return Document(doc_id=source_id(source), path=str(source), status=status, error=error, source_format=source_format(source))


def process(
    source: str | Source,
    *,
    ocr: OcrMode = "auto",
    engine: OcrEngine | None = None,
    reader: PageReader | None = None,
    tagger: Tagger | str | None = "default",
) -> Document:
    """Parse, type, tag and check one document. ``ocr``: see `extract.parse.document`; ``engine``
    replaces the shared RapidOCR engine. A ``reader`` (optional) collects per-page OCR
    reports (timings, orientation); when given, its own mode and engine are used. ``tagger``: a
    Tagger, a backend name or model folder, "default", or None to skip the narrative stages."""
    if isinstance(source, str):
        source = Path(source)
    if isinstance(source, Path) and source.suffix.lower() not in SUPPORTED_SUFFIXES:
        kinds = "PDF, page images (PNG, JPEG, TIFF), DOCX/DOC/WPS, XLSX/XLS/ET and HTML"
        return _failed(source, f"unsupported file type {source.suffix or '(none)'}: BudgetLens reads {kinds}")
    reader = reader or PageReader(ocr, engine)
    try:
        if isinstance(source, ImageGroup) or is_image(source):
            group = source if isinstance(source, ImageGroup) else ImageGroup((source,))
            doc = parse_images(group, reader=reader)
            doc.source_format = "image"
        elif source.suffix.lower() in STRUCTURED_SUFFIXES:
            doc = parse_structured(source)
        else:
            doc = parse_pdf(source, reader=reader)
    except DocumentError as exc:
        return _failed(source, str(exc))
    except OSError as exc:
        return _failed(source, f"cannot read file: {exc}")
    type_tables(doc)
    if not looks_like_budget(doc.pages, doc.tables):
        doc.status = DocumentStatus.REJECTED
        doc.error = "not a budget disclosure: no 预算/决算/绩效 wording and no budget tables found"
        if missed := [f for f in doc.findings if f.check_id == "ocr_unavailable"]:
            doc.error += f" ({missed[0].message_en})"
        return doc
    if any(page.ocr and not page.ocr.startswith("unavailable") for page in doc.pages):
        repairs = repair_digits(doc, apply=True, only_ocr=True)
        resolved = _reread_flags(source, doc, reader, repairs)
        settled = {id(r) for r in resolved}
        doc.findings.extend(repair_findings([r for r in repairs if id(r) not in settled]) + reread_findings(resolved))
    if tagger is not None:
        try:
            tag_document(doc, load_tagger(tagger) if isinstance(tagger, str) else tagger)
        except TaggerUnavailable as exc:
            doc.error = f"narrative not tagged: {exc}"
        else:
            build_records(doc)
    doc.findings = [*doc.findings, *run_checks(doc)]
    return doc


def _reread_flags(source: Source, doc: Document, reader: PageReader, repairs: list[Repair]) -> list[Repair]:
    """Flagged cells of OCR'd pages read again from the page (`extract.ocr.reread`); the settled ones."""
    results = {r.page: r.result for r in reader.reports if r.result is not None}
    if not any(r.corrected_raw is None and r.candidates and r.page in results for r in repairs):
        return []
    engine = reader.engine or default_engine()
    if not isinstance(engine, CropRecognizer):
        return []
    if isinstance(source, Path) and not is_image(source):
        pdf = open_pdf(source)[1]
    else:
        pdf = images_to_pdf(source if isinstance(source, ImageGroup) else ImageGroup((source,)))
    with pdf:
        return reread_flagged(doc, pdf, results, repairs, engine)


def collect_inputs(inputs: list[Path]) -> list[Source]:
    """Files given directly are taken as they are (so a bad one is reported); folders are
    searched recursively for supported files. Image files, given or found, are grouped
    into documents by the page-number rule (`extract.ocr.images`)."""
    files: list[Path] = []
    for item in inputs:
        if item.is_dir():
            files.extend(sorted(p for p in item.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES))
        else:
            files.append(item)
    images = [f for f in files if is_image(f)]
    group_of = {path: group for group in group_images(images) for path in group.paths}
    sources = [group_of.get(f, f) for f in files]
    return list(dict.fromkeys(sources))  # a group once, where its first file was listed
