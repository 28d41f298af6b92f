"""The pipeline: parse → tables → reconcile (tag → records come next). One `Document` flows through.

`process` never raises for a bad document: the error is recorded on the Document (status
"failed" or "rejected") so that a batch goes on.
"""

from __future__ import annotations

from pathlib import Path

from extract.model import Document, DocumentStatus
from extract.parse.document import DocumentError, file_id, parse_pdf
from extract.parse.meta import looks_like_budget
from extract.reconcile import run_checks
from extract.tables import type_tables

SUPPORTED_SUFFIXES = {".pdf"}


def _failed(path: Path, error: str, status: DocumentStatus = DocumentStatus.FAILED) -> Document:
    try:
        doc_id = file_id(path.read_bytes())
    except OSError:
        doc_id = ""
    return Document(doc_id=doc_id, path=str(path), status=status, error=error)


def process(path: str | Path) -> Document:
    path = Path(path)
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        return _failed(path, f"unsupported file type {path.suffix or '(none)'}: BudgetLens reads PDF files")
    try:
        doc = parse_pdf(path)
    except DocumentError as exc:
        return _failed(path, str(exc))
    except OSError as exc:
        return _failed(path, f"cannot read file: {exc}")
    type_tables(doc)
    if not looks_like_budget(doc.pages, doc.tables):
        doc.status = DocumentStatus.REJECTED
        doc.error = "not a budget disclosure: no 预算/决算/绩效 wording and no budget tables found"
        return doc
    doc.findings = run_checks(doc)
    return doc


def collect_inputs(inputs: list[Path]) -> list[Path]:
    """Files given directly are taken as they are (so a bad one is reported); folders are
    searched recursively for supported files."""
    files: list[Path] = []
    for item in inputs:
        if item.is_dir():
            files.extend(sorted(p for p in item.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES))
        else:
            files.append(item)
    return files
