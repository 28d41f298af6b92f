"""Which reader opens a file without printed pages, by suffix, and the `Document` it becomes.

DOCX, XLSX/XLSM, XLS and HTML are read directly; DOC and WPS (Word, WPS Writer) and ET (WPS Spreadsheets)
are first converted to DOCX/XLSX by LibreOffice when it is installed (`extract.parse.containers`).
"""

from __future__ import annotations

import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path
from xml.etree import ElementTree

from docx.opc.exceptions import PackageNotFoundError
from lxml import etree
from openpyxl.utils.exceptions import InvalidFileException

from extract.model import Document
from extract.parse.containers import convert_legacy
from extract.parse.document import DocumentError, file_id
from extract.parse.docx import read_docx
from extract.parse.flow import FlowPage, build_document
from extract.parse.html import read_html
from extract.parse.sheets import read_xls, read_xlsx

Reader = Callable[[Path], list[FlowPage]]

READERS: dict[str, Reader] = {
    ".docx": read_docx,
    ".xlsx": read_xlsx,
    ".xlsm": read_xlsx,
    ".xls": read_xls,
    ".html": read_html,
    ".htm": read_html,
}
CONVERTED: dict[str, str] = {".doc": "docx", ".wps": "docx", ".et": "xlsx"}
"""Legacy suffix → the format LibreOffice converts it to."""
STRUCTURED_SUFFIXES = {*READERS, *CONVERTED}
CORRUPT = (
    KeyError,
    ValueError,
    EOFError,
    zipfile.BadZipFile,
    etree.XMLSyntaxError,
    ElementTree.ParseError,
    PackageNotFoundError,
    InvalidFileException,
)
"""What python-docx, openpyxl and lxml raise for a package whose parts are missing or malformed."""


def parse_structured(path: Path) -> Document:
    """Read a DOCX/XLSX/XLS/HTML (or, through LibreOffice, DOC/WPS/ET) file into a `Document`;
    raises `DocumentError` for a file that cannot be read."""
    suffix = path.suffix.lower()
    try:
        if suffix in CONVERTED:
            with tempfile.TemporaryDirectory(prefix="budgetlens-convert-") as workdir:
                converted = convert_legacy(path, CONVERTED[suffix], Path(workdir))
                flow = READERS[f".{CONVERTED[suffix]}"](converted)
        else:
            flow = READERS[suffix](path)
    except CORRUPT as exc:
        raise DocumentError(f"corrupt {suffix.lstrip('.').upper()}: {type(exc).__name__}: {exc}") from exc
    return build_document(flow, file_id(path.read_bytes()), str(path), suffix.lstrip("."))  # size checked by the reader
