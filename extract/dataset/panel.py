"""The panel: issuer × year × standard line → value, across documents.

A line is addressed by what it is, not where it is printed: the table kind without its family
(`expenditure` for both 支出决算表 and 支出预算表), the row's 功能分类/经济分类 code (its bare name when it has
none), the *measure* of the column (预算, 决算, 年初预算, 调整预算, 上年…, read from the header path, else the
document's family) and the column with its measure words and wrappers removed (`column_std`: 本年支出/预算数/合计,
支出预算/合计 and 一般公共预算支出/合计 are all 合计). Every row keeps the printed header path and the cell key
(doc_id, table_id, row, col) it came from.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict

import pyarrow as pa

from extract.dataset.export import SCHEMAS, column
from extract.reconcile.views import bare_name, norm, split_table_type

_STR, _INT = pa.string(), pa.int32()
FAMILIES = ("final", "budget")
_FAMILY_MEASURE = {"final": "决算", "budget": "预算"}
_ONLY_MEASURE = re.compile(r"^(?:上年|本年|年初|调整|全年)?(?:预算|决算|执行)?数?$")
_TRAILING_MEASURE = re.compile(r"(?<!公共)(?:预算|决算|执行)数?$")
_YEAR_PREFIX = re.compile(r"^20\d{2}年度?")
_WRAPPERS = {"本年支出", "本年收入", "支出", "收入", "一般公共预算支出", "一般公共预算基本支出", "财政拨款支出"}
"""Header groups over a whole table's columns: a column under one alone is the total (合计)."""
_GROUPS = {"三公经费"}
"""Header groups over a few columns: dropped above a sub-column, kept as the column for their own total."""
THREE_PUBLIC_TOTAL = "三公经费"
_PARENT_WORDS = {"小计", "金额", "合计"}
"""A last segment that means its parent column's total."""
_SYNONYMS = {
    "本年支出合计": "合计",
    "本年收入合计": "合计",
    "支出合计": "合计",
    "收入合计": "合计",
    "一般公共预算财政拨款": "一般公共预算",
    "政府性基金预算财政拨款": "政府性基金预算",
    "国有资本经营预算财政拨款": "国有资本经营预算",
}
_CARRIED_OVER = re.compile(r"上年结转|上年结余|年初结转|年初结余")
"""Fund sources (carried over from last year), not last year's values."""

LINE_ITEM = SCHEMAS["line_items"]
_FROM_LINE_ITEMS = ("code", "name", "panel", "column", "value", "raw", "unit", "doc_id", "table_type", "table_id", "row", "col")
"""The line item's own columns, repeated with the same meanings; (doc_id, table_id, row, col) joins line_items."""

SCHEMA = pa.schema(
    [
        column("issuer_id", _STR, "the issuer (document_issuers.issuer_id)"),
        column("year", _INT, "the document's year"),
        column("kind", _STR, "部门决算, 部门预算 or 单位预算"),
        column("scope", _STR, "部门 or 单位"),
        column("table_kind", _STR, "table type without its family: expenditure, three_public, …"),
        column("line", _STR, "the row: its code, or its bare name (numbering and (类) removed) when it has none"),
        column("measure", _STR, "预算, 决算, 年初预算, 调整预算, 上年预算, 上年决算, 上年执行 or 上年: what the column counts"),
        column("column_std", _STR, "the column with measure words and wrappers removed, e.g. 合计, 基本支出, 人员经费"),
        column("occurrence", _INT, "1 for the first line item at this coordinate in its document, 2 … for repeats"),
        *(LINE_ITEM.field(name) for name in _FROM_LINE_ITEMS),
    ]
)
KEY = ("doc_id", "table_id", "row", "col")
COORDINATE = ("issuer_id", "year", "kind", "scope", "table_kind", "line", "measure", "column_std", "occurrence")
DESCRIPTION = "one row per line item of a standard table, addressed by issuer × year × standard line (table kind, code, column)"


def measure(path: str, family: str, year: int | None) -> str:
    text = _CARRIED_OVER.sub("", norm(path))
    if "年初预算" in text:
        return "年初预算"
    if re.search(r"调整预算|全年预算", text):
        return "调整预算"
    if "上年" in text or (year and f"{year - 1}年" in text):
        found = re.search(r"(?:上年|\d{4}年)[^/]*?(预算|决算|执行)", text)
        return f"上年{found.group(1)}" if found else "上年"
    if "决算" in text:
        return "决算"
    if re.search(r"(?<!公共)预算", text):
        return "预算"
    return _FAMILY_MEASURE.get(family, "")


def column_std(path: str) -> str:
    segments = []
    for raw in path.split("/"):
        seg = _YEAR_PREFIX.sub("", norm(raw))
        if _ONLY_MEASURE.match(seg):
            continue
        seg = _TRAILING_MEASURE.sub("", seg)
        segments.append(_SYNONYMS.get(seg, seg))
    if len(segments) > 1 and segments[-1] in _PARENT_WORDS:
        segments.pop()
    kept = [s for k, s in enumerate(segments) if s not in _WRAPPERS and (s not in _GROUPS or k == len(segments) - 1)]
    return "/".join(s for s in kept if s not in _PARENT_WORDS) or "合计"


def line_of(code: str | None, name: str) -> str:
    return code or bare_name(name)


def _standard_column(item: dict, kind: str, table_columns: set[str]) -> str:
    """A 三公 table's 合计 is the 三公 total unless the table also prints one beside 会议费/培训费 (江苏)."""
    std = column_std(item["column"])
    if kind == "three_public" and std == "合计" and THREE_PUBLIC_TOTAL not in table_columns:
        return THREE_PUBLIC_TOTAL
    return std


def panel_rows(line_items: list[dict], issuers: dict[str, dict]) -> list[dict]:
    """Panel rows for the line items of standard tables of documents with an issuer and a year."""
    rows = []
    seen: Counter[tuple] = Counter()
    columns: dict[tuple[str, str], set[str]] = defaultdict(set)
    for item in line_items:
        columns[(item["doc_id"], item["table_id"])].add(column_std(item["column"]))
    for item in sorted(line_items, key=lambda i: (i["doc_id"], i["table_id"], i["row"], i["col"])):
        family, kind = split_table_type(item["table_type"])
        who = issuers.get(item["doc_id"])
        if family not in FAMILIES or kind == "other_info" or not who or not who["issuer_id"] or not who["year"]:
            continue
        row = {
            "issuer_id": who["issuer_id"],
            "year": who["year"],
            "kind": who["kind"],
            "scope": who["scope"],
            "table_kind": kind,
            "line": line_of(item["code"], item["name"]),
            "measure": measure(item["column"], family, who["year"]),
            "column_std": _standard_column(item, kind, columns[(item["doc_id"], item["table_id"])]),
            **{k: item[k] for k in _FROM_LINE_ITEMS},
        }
        coordinate = (item["doc_id"], *(row[k] for k in COORDINATE[:-1]))
        seen[coordinate] += 1
        row["occurrence"] = seen[coordinate]
        rows.append(row)
    return rows
