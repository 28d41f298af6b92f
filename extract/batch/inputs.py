"""What a run reads: files, folders (recursive), glob patterns and list files, turned into jobs.

A job carries the document's id (sha256 of its bytes, the key of the dataset and of the ledger) and its page
count (for the timeout and the progress bar). Byte-identical inputs are one job: the first one listed.
"""

from __future__ import annotations

import glob
from dataclasses import dataclass
from pathlib import Path

import pymupdf

from extract.ocr.images import ImageGroup
from extract.pipeline import Source, collect_inputs, source_id

_GLOB_CHARS = frozenset("*?[")


@dataclass(frozen=True)
class Job:
    """One document to process."""

    source: Source
    doc_id: str
    pages: int
    """Pages of a PDF (0 when it cannot be opened), images of a group."""

    @property
    def name(self) -> str:
        return self.source.name


def read_list(list_file: Path) -> list[Path]:
    """A list file: one path per line; blank lines and lines starting with # are skipped. Relative paths are
    taken relative to the list file's folder, so a list travels with the files it names."""
    paths = []
    for line in list_file.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            path = Path(line).expanduser()
            paths.append(path if path.is_absolute() else list_file.parent / path)
    return paths


def expand(inputs: list[Path]) -> list[Path]:
    """Glob patterns (``corpus/**/*.pdf``, quoted so the shell leaves them alone) become the files they match,
    sorted; a path that exists is kept as it is, even if its name holds glob characters."""
    expanded: list[Path] = []
    for item in inputs:
        if not item.exists() and _GLOB_CHARS & set(str(item)):
            expanded.extend(Path(p) for p in sorted(glob.glob(str(item), recursive=True)))
        else:
            expanded.append(item)
    return expanded


def page_count(source: Source) -> int:
    if isinstance(source, ImageGroup):
        return len(source.paths)
    if source.suffix.lower() != ".pdf":
        return 1
    try:
        with pymupdf.open(source) as pdf:
            return pdf.page_count
    except Exception:  # unreadable or corrupt: the worker reports why
        return 0


def make_jobs(sources: list[Source]) -> tuple[list[Job], dict[str, list[Source]]]:
    """Jobs in input order, one per distinct content, and the byte-identical inputs that were dropped (by doc_id)."""
    jobs: dict[str, Job] = {}
    duplicates: dict[str, list[Source]] = {}
    for source in sources:
        doc_id = source_id(source)
        if doc_id in jobs:
            duplicates.setdefault(doc_id, []).append(source)
        else:
            jobs[doc_id] = Job(source, doc_id, page_count(source))
    return list(jobs.values()), duplicates


def gather(inputs: list[Path], list_files: list[Path] = ()) -> list[Source]:
    """Everything named on the command line and in list files, as `extract.pipeline.collect_inputs` groups it."""
    paths = expand([*inputs, *(p for f in list_files for p in read_list(f))])
    return collect_inputs(paths)
