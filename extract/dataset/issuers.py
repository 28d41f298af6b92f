"""One id per issuing body, whatever the document calls it.

The same body prints its name differently from file to file and year to year: "中共江苏省委办公厅" and
"江苏省委办公厅", "上海市普陀区人民政府万里街道办事处" and "上海市普陀区万里街道", "某街道办事处（本级）"
for the unit's own budget. `issuer_id` is the name with those variants removed. A document whose issuer
could not be read gets the id of a known issuer named in its title or file name (the longest one named).

`scope` separates a 部门 (the department with all its units) from a 单位 (one unit, usually 本级):
a 单位预算, or a name ending in （本级）/机关, is a 单位 document.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path, PurePath

import pyarrow as pa

from extract.dataset.export import DOC_ID, column
from extract.model import DocumentKind

_WRAPPERS = re.compile(r"\[部门\]|\(部门\)|\(盖章\)|\(单位\)|\s+|[“”\"]")
_UNIT_SUFFIX = re.compile(r"(?:\(本级\)|本级|机关本级|机关)$")
_PARTY_PREFIX = re.compile(r"^(?:中国共产党|中共)")
_TOWNSHIP_GOVERNMENT = re.compile(r"人民政府(?=.+(?:街道|镇|乡)(?:办事处)?$)")
_SUBDISTRICT_OFFICE = re.compile(r"(街道)办事处$")

SCHEMA = pa.schema(
    [
        DOC_ID,
        column("issuer_id", pa.string(), "the issuing body, normalised across documents and years (see the card)"),
        column("issuer_printed", pa.string(), "the issuer as read from the document (documents.issuer)"),
        column("issuer_source", pa.string(), "printed; title (a known issuer named in the title); file_name; null if unknown"),
        column("scope", pa.string(), "部门 (department with its units) or 单位 (one unit, e.g. 本级)"),
        column("kind", pa.string(), "documents.kind, repeated for joins"),
        column("year", pa.int32(), "documents.year, repeated for joins"),
    ]
)
KEY = ("doc_id",)
DESCRIPTION = "one row per document: its normalised issuer and scope (部门/单位)"


def normalise(name: str | None) -> str | None:
    """The issuer id of a printed name, or None when there is no usable name."""
    if not name:
        return None
    text = _WRAPPERS.sub("", unicodedata.normalize("NFKC", name))
    text = _UNIT_SUFFIX.sub("", text)
    text = _PARTY_PREFIX.sub("", text)
    text = _TOWNSHIP_GOVERNMENT.sub("", text)
    text = _SUBDISTRICT_OFFICE.sub(r"\1", text)
    return text if len(text) >= 3 else None


def is_unit_name(name: str | None) -> bool:
    return bool(name and _UNIT_SUFFIX.search(_WRAPPERS.sub("", unicodedata.normalize("NFKC", name))))


def _title(out_dir: Path, doc_id: str) -> str:
    path = out_dir / "docs" / f"{doc_id}.json"
    if not doc_id or not path.exists():
        return ""
    return json.loads(path.read_text(encoding="utf-8")).get("meta", {}).get("title") or ""


def _named_in(text: str, known: list[str]) -> str | None:
    flat = _WRAPPERS.sub("", unicodedata.normalize("NFKC", text))
    return next((k for k in known if k in flat), None)


def issuer_rows(out_dir: Path, documents: list[dict]) -> list[dict]:
    """document_issuers rows for the `documents` table's rows."""
    printed = {d["doc_id"]: normalise(d["issuer"]) for d in documents}
    known = sorted({i for i in printed.values() if i}, key=len, reverse=True)
    rows = []
    for d in documents:
        issuer_id, source = printed[d["doc_id"]], "printed"
        if issuer_id is None:
            issuer_id, source = _named_in(_title(out_dir, d["doc_id"]), known), "title"
        if issuer_id is None:
            issuer_id, source = _named_in(PurePath(d["path"] or "").stem, known), "file_name"
        unit = d["kind"] == DocumentKind.UNIT_BUDGET.value or is_unit_name(d["issuer"])
        rows.append(
            {
                "doc_id": d["doc_id"],
                "issuer_id": issuer_id,
                "issuer_printed": d["issuer"],
                "issuer_source": source if issuer_id else None,
                "scope": ("单位" if unit else "部门") if issuer_id else None,
                "kind": d["kind"],
                "year": d["year"],
            }
        )
    return rows
