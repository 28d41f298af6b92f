"""Disclosure completeness per document: which standard tables and sections it holds.

The standard tables expected of a document are those of `extract.reconcile.completeness.EXPECTED_TABLES`
for its family (决算 / 预算; universities print four); whether a present table is empty, and whether it says why,
is the outcome of that module's C002 check in `findings`. A table or section the file lacks but another document
of the same issuer, year and kind holds (a 说明 file and its 公开表 file) is `in_companion`.

Sections are found by their headings — a parsed section's title, or a numbered line (九、…, （三）…) inside a
section's text that the section parser did not take as a heading; the three topics that are also printed as
tables (政府采购, 国有资产, 机关运行经费) count as present when such a table is there.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict

import pyarrow as pa

from extract.dataset.export import DOC_ID, column
from extract.reconcile.completeness import EXPECTED_TABLES, FAMILY_OF_KIND, expected_profile
from extract.reconcile.views import norm

SECTION_TOPICS: dict[str, tuple[str, str | None]] = {
    "职能/机构": (r"主要职能|主要职责|部门职责|单位职责|职能职责|机构设置|机构情况|部门构成|单位构成|基本情况", None),
    "名词解释": (r"名词解释|术语解释", None),
    "三公经费说明": (r"三公", None),
    "绩效信息": (r"绩效", None),
    "政府采购": (r"政府采购", r"政府采购"),
    "国有资产": (r"国有资产|资产占(?:有|用)", r"国有资产|资产"),
    "机关运行经费": (r"机关运行经费", r"机关运行经费"),
}
"""topic → (heading pattern, pattern of an other_info table's title that also discloses it)."""

_NUMBERED_LINE = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|\d{1,2}[.、．])")

POINTS = {"present": 1.0, "empty_with_note": 1.0, "in_companion": 1.0, "empty_without_note": 0.5, "missing": 0.0}
SCORE_FORMULA = (
    "score = Σ points / number of items, per document, over its family's expected standard tables and the "
    f"{len(SECTION_TOPICS)} sections; points: present 1, empty with a 本表无数据-style note 1, held by a companion "
    "document of the same issuer, year and kind 1, empty without a note 0.5, missing 0"
)

SCHEMA = pa.schema(
    [
        DOC_ID,
        column("item", pa.string(), "table:<family.kind> or section:<topic>"),
        column("item_type", pa.string(), "table or section"),
        column("status", pa.string(), "present, empty_with_note, empty_without_note, in_companion or missing"),
        column("points", pa.float64(), "the item's points in the score (see the card)"),
        column("table_id", pa.string(), "the table that is present (tables.table_id)"),
        column("section_id", pa.string(), "the section whose heading is present (sections.section_id)"),
        column("page", pa.int32(), "where the table or heading starts"),
        column("companion_doc_id", pa.string(), "for in_companion: the document that holds it"),
    ]
)
KEY = ("doc_id", "item")
DESCRIPTION = "one row per document × expected standard table or section, with its disclosure status"


def _empty_tables(findings: list[dict]) -> dict[tuple[str, str], str]:
    """(doc_id, table_id) → empty_with_note / empty_without_note, from the C002 check's findings."""
    empty = {}
    for f in findings:
        if f["check_id"].startswith("C002.") and f["status"] in ("consistent", "inconsistent"):
            table_id = next((e["table_id"] for e in json.loads(f["evidence_json"]) if e.get("table_id")), None)
            if table_id:
                empty[(f["doc_id"], table_id)] = "empty_with_note" if f["status"] == "consistent" else "empty_without_note"
    return empty


def _own_items(doc: dict, tables: list[dict], sections: list[dict], empty: dict) -> dict[str, dict]:
    """What the document itself holds: item → {status, table_id | section_id, page}."""
    held: dict[str, dict] = {}
    for t in tables:
        key = f"table:{t['table_type']}"
        if key not in held:
            status = empty.get((doc["doc_id"], t["table_id"]), "present")
            held[key] = {"status": status, "table_id": t["table_id"], "page": t["page_start"]}
    for topic, (heading, table_title) in SECTION_TOPICS.items():
        section = next((s for s in sections if re.search(heading, norm(s["title"] or ""))), None) or next(
            (
                s
                for s in sections
                for line in (s["text"] or "").splitlines()
                if _NUMBERED_LINE.match(line) and re.search(heading, norm(line))
            ),
            None,
        )
        table = next((t for t in tables if table_title and re.search(table_title, norm(t["title"] or ""))), None)
        if section:
            held[f"section:{topic}"] = {"status": "present", "section_id": section["section_id"], "page": section["page_start"]}
        elif table:
            held[f"section:{topic}"] = {"status": "present", "table_id": table["table_id"], "page": table["page_start"]}
    return held


def expected_items(doc: dict, tables: list[dict]) -> list[str]:
    family = FAMILY_OF_KIND.get(doc["kind"])  # DocumentKind is a StrEnum: its members hash as their values
    if family is None or doc["status"] != "ok":
        return []
    profile = expected_profile(family, doc["issuer"], [t["title"] or "" for t in tables])
    return [f"table:{family}.{k}" for k in EXPECTED_TABLES[profile]] + [f"section:{t}" for t in SECTION_TOPICS]


def completeness_rows(
    documents: list[dict], issuers: list[dict], tables: list[dict], sections: list[dict], findings: list[dict]
) -> list[dict]:
    by_doc: dict[str, dict[str, list[dict]]] = defaultdict(lambda: {"tables": [], "sections": []})
    for t in tables:
        by_doc[t["doc_id"]]["tables"].append(t)
    for s in sections:
        by_doc[s["doc_id"]]["sections"].append(s)
    empty = _empty_tables(findings)
    held = {d["doc_id"]: _own_items(d, by_doc[d["doc_id"]]["tables"], by_doc[d["doc_id"]]["sections"], empty) for d in documents}
    disclosure = {i["doc_id"]: (i["issuer_id"], i["year"], i["kind"]) for i in issuers if i["issuer_id"]}
    members: dict[tuple, list[str]] = defaultdict(list)
    for doc_id, key in sorted(disclosure.items()):
        members[key].append(doc_id)

    def companion(doc_id: str, item: str) -> str | None:
        """Another document of the same issuer, year and kind that holds the item."""
        others = members.get(disclosure.get(doc_id), [])
        return next((other for other in others if other != doc_id and item in held.get(other, {})), None)

    rows = []
    for doc in documents:
        for item in expected_items(doc, by_doc[doc["doc_id"]]["tables"]):
            found = held[doc["doc_id"]].get(item, {})
            status = found.get("status", "missing")
            partner = companion(doc["doc_id"], item) if status == "missing" else None
            status = "in_companion" if partner else status
            rows.append(
                {
                    "doc_id": doc["doc_id"],
                    "item": item,
                    "item_type": item.split(":", 1)[0],
                    "status": status,
                    "points": POINTS[status],
                    "table_id": found.get("table_id"),
                    "section_id": found.get("section_id"),
                    "page": found.get("page"),
                    "companion_doc_id": partner,
                }
            )
    return rows
