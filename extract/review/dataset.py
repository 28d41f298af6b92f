"""A run's output folder, read only through its documented files.

The tables are read with `pyarrow.dataset`, so `<table>.parquet` may be one file or a folder of parts (bulk runs
write parts). `docs/<doc_id>.json` is the whole `Document`, with the path of its source file, which is where page
images are rendered from. Nothing here takes a path from a client: documents and pages are addressed by the
dataset's own ids, and every file name is built from an id that was found in `documents.parquet`.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import pyarrow.dataset as pads
import pymupdf

from extract.model import Document
from extract.ocr.images import ImageGroup, images_to_pdf, is_image
from extract.ocr.spread import page_view
from extract.parse.document import file_id
from extract.pipeline import collect_inputs

IMAGE_FORMATS = ("pdf", "image")
"""Source formats with printed pages, which the page pane shows as images."""
TABLES = ("documents", "sentences", "mentions", "records", "cells", "line_items", "findings")
PAGE_ZOOM = 2.0
"""Page images are rendered at 144 dpi: sharp enough to read a digit, small enough to load fast."""


class NotInDataset(LookupError):
    """A document or page id that the dataset does not have."""


@dataclass(frozen=True)
class DocumentInfo:
    doc_id: str
    path: str
    pages: int
    kind: str
    issuer: str | None
    year: int | None
    source_format: str = "pdf"


class OutputFolder:
    """One `budgetlens run` output folder. `source_roots` are the folders a relative source path is looked up in
    (the folder the run was started from is not recorded, so the current one and the output folder's parents)."""

    def __init__(self, root: Path, source_roots: list[Path] | None = None, cache_size: int = 6) -> None:
        self.root = root.resolve()
        if not (self.root / "documents.parquet").exists():
            raise FileNotFoundError(f"{root} is not a budgetlens run output folder (no documents.parquet)")
        self.review_dir = self.root / "review"
        self.page_cache = self.review_dir / "pages"
        self.source_roots = [*(source_roots or []), Path.cwd(), *self.root.parents]
        self.documents = {
            row["doc_id"]: DocumentInfo(
                row["doc_id"],
                row["path"],
                row["pages"] or 0,
                row["kind"],
                row["issuer"],
                row["year"],
                row.get("source_format") or "pdf",
            )
            for row in self.table("documents")
            if row["status"] == "ok" and row["doc_id"]
        }
        self._docs: OrderedDict[str, Document] = OrderedDict()
        self._cache_size = cache_size
        self._lock = threading.Lock()

    def table(self, name: str) -> list[dict]:
        """Every row of one of the documented tables, as dicts (an absent table has no rows)."""
        path = self.root / f"{name}.parquet"
        if not path.exists():
            return []
        return pads.dataset(path, format="parquet").to_table().to_pylist()

    def info(self, doc_id: str) -> DocumentInfo:
        if doc_id not in self.documents:
            raise NotInDataset(doc_id)
        return self.documents[doc_id]

    def document(self, doc_id: str) -> Document:
        """The Document as the run wrote it (a few kept in memory)."""
        self.info(doc_id)
        with self._lock:
            if doc_id in self._docs:
                self._docs.move_to_end(doc_id)
                return self._docs[doc_id]
        path = self.root / "docs" / f"{doc_id}.json"
        if path.is_symlink() or not path.is_file():
            raise NotInDataset(doc_id)
        doc = Document.model_validate_json(path.read_bytes())
        with self._lock:
            self._docs[doc_id] = doc
            while len(self._docs) > self._cache_size:
                self._docs.popitem(last=False)
        return doc

    def source(self, doc_id: str) -> Path | ImageGroup:
        """The document's source file (or page-image group), checked to be the very bytes the run read."""
        path = Path(self.info(doc_id).path)
        candidates = [path] if path.is_absolute() else [root / path for root in self.source_roots]
        for candidate in candidates:
            source = self._as_source(candidate)
            if source is not None and file_id(source.read_bytes()) == doc_id:
                return source
        raise NotInDataset(f"the source of {doc_id[:12]} ({path}) is not readable from here; pass --source-root")

    @staticmethod
    def _as_source(candidate: Path) -> Path | ImageGroup | None:
        if candidate.is_file():
            return candidate
        if candidate.parent.is_dir() and is_image(candidate):  # a page-image group is listed as "stem_p{6,7}.png"
            groups = [s for s in collect_inputs([candidate.parent]) if isinstance(s, ImageGroup) and str(s) == str(candidate)]
            return groups[0] if groups else None
        return None

    def page_image(self, doc_id: str, page: int) -> Path:
        """A PNG of one page, rendered on first use and kept in `review/pages/`. Documents without printed pages
        (DOCX, XLSX, HTML: their pages are virtual) have none."""
        info = self.info(doc_id)
        if info.source_format not in IMAGE_FORMATS:
            raise NotInDataset(f"{doc_id[:12]} is a {info.source_format} document: it has no page images")
        if not 1 <= page <= info.pages:
            raise NotInDataset(f"{doc_id[:12]} has no page {page}")
        target = self.page_cache / f"{doc_id}-{page}.png"
        if target.is_symlink():  # never follow a link planted in the output folder
            target.unlink()
        if target.is_file():
            return target
        source = self.source(doc_id)
        pdf = images_to_pdf(source) if isinstance(source, ImageGroup) else pymupdf.open(source)
        with pdf:
            read = self.document(doc_id).pages[page - 1]
            pdf_page = page_view(pdf, read)  # a half of a scanned two-page spread is shown alone
            turn = read.rotation if read.ocr else 0  # OCR coordinates are those of the page turned upright
            matrix = pymupdf.Matrix(PAGE_ZOOM, PAGE_ZOOM).prerotate(-turn)
            pixmap = pdf_page.get_pixmap(matrix=matrix)
        self.page_cache.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f"{target.name}.{os.getpid()}.{threading.get_ident()}.part")
        pixmap.save(partial, output="png")
        partial.replace(target)
        return target
