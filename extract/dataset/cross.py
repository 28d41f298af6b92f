"""Checks across documents of one issuer, each finding citing both documents' cells.

* X001 a 决算's 年初预算/预算 column against the same year's 预算 document;
* X002 a 上年… column against the issuer's previous-year document (上年预算 → 预算, 上年决算/执行 → 决算);
* X003 预算 → 决算 completion: the 决算 spending total and per-类 amounts over the same year's 预算 (a measure, not a test);
* X004 a 单位 document's totals and 类 amounts do not exceed its 部门 document's of the same year and family.

Values are compared on panel coordinates (table kind, line, measure, column_std), first occurrence only. A
printed value stands for ± half a unit of its last digit; two values are equal when their intervals meet.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

import pyarrow as pa

from extract.dataset.export import column

_STR, _INT, _F64 = pa.string(), pa.int32(), pa.float64()
_UNIT_FACTOR = {"元": 1.0, "千元": 1e3, "万元": 1e4, "亿元": 1e8}
_FINAL, _BUDGETS = "部门决算", ("部门预算", "单位预算")


def _side(s: str, what: str) -> list[pa.Field]:
    return [
        column(f"doc_id_{s}", _STR, f"{what}: document"),
        column(f"year_{s}", _INT, f"{what}: the document's year"),
        column(f"kind_{s}", _STR, f"{what}: the document's kind"),
        column(f"measure_{s}", _STR, f"{what}: the column's measure (panel.measure)"),
        column(f"value_{s}", _F64, f"{what}: value in 元"),
        column(f"raw_{s}", _STR, f"{what}: value as printed"),
        column(f"table_id_{s}", _STR, f"{what}: cell key, table"),
        column(f"row_{s}", _INT, f"{what}: cell key, row"),
        column(f"col_{s}", _INT, f"{what}: cell key, column"),
    ]


SCHEMA = pa.schema(
    [
        column("finding_id", _STR, "check_id '@' 12 hex digits of sha1 over both documents and the coordinate"),
        column("check_id", _STR, "X001 … X004 (see the card)"),
        column("severity", _STR, "error, warning or info"),
        column("status", _STR, "consistent, inconsistent, or measured (X003)"),
        column("issuer_id", _STR, "the issuer both documents belong to"),
        column("table_kind", _STR, "table type without family"),
        column("line", _STR, "code, or bare name"),
        column("name", _STR, "the row's name as printed in document a"),
        column("column_std", _STR, "the standard column"),
        *_side("a", "the stating side (the later document, the 决算, or the 单位)"),
        *_side("b", "the reference side (the earlier document, the 预算, or the 部门)"),
        column("delta", _F64, "value_a − value_b in 元"),
        column("tolerance", _F64, "the sum of both values' printed half-units, in 元"),
        column("ratio", _F64, "value_a / value_b (completion for X003); null when value_b is 0"),
        column("message_zh", _STR, "the finding in Chinese"),
        column("message_en", _STR, "the finding in English"),
    ]
)
KEY = ("finding_id",)
DESCRIPTION = "one row per comparison of a value in one document with the same line in another document of its issuer"


def half_unit(raw: str, unit: str) -> float:
    digits = raw.replace(",", "").strip()
    decimals = len(digits.split(".", 1)[1]) if "." in digits else 0
    return 0.5 * 10.0**-decimals * _UNIT_FACTOR.get(unit, 1.0)


@dataclass(frozen=True)
class Check:
    check_id: str
    severity: str
    zh: str
    en: str


X001 = Check(
    "X001.final_budget_vs_budget", "warning", "决算中的年初预算数与当年预算文件", "initial budget in the 决算 vs the year's 预算"
)
X002 = Check(
    "X002.previous_year_vs_previous_document", "warning", "上年数与上年文件", "previous-year column vs last year's document"
)
X003 = Check("X003.budget_to_final_completion", "info", "预算完成率（决算/预算）", "budget completion (决算 / 预算)")
X004 = Check("X004.unit_within_department", "warning", "单位数不超过部门数", "unit amount within its department's")

Coordinate = tuple[str, str, str, str]
"""(table_kind, line, measure, column_std)."""


class PanelIndex:
    """Panel rows by document and coordinate (first occurrence), and documents by issuer (only documents of
    one issuer are ever paired, so the work grows with the largest issuer, not the corpus)."""

    def __init__(self, panel: list[dict], issuers: list[dict]) -> None:
        self.cells: dict[str, dict[Coordinate, dict]] = defaultdict(dict)
        for r in panel:
            if r["occurrence"] == 1:
                self.cells[r["doc_id"]][(r["table_kind"], r["line"], r["measure"], r["column_std"])] = r
        self.by_issuer: dict[str, list[dict]] = defaultdict(list)
        for d in sorted(issuers, key=lambda d: (d["year"] or 0, d["kind"], d["doc_id"])):
            if d["issuer_id"] and d["year"] and d["doc_id"] in self.cells:
                self.by_issuer[d["issuer_id"]].append(d)

    def pairs(self, a_kinds, b_kinds, year_offset: int, same_scope: bool) -> Iterator[tuple[dict, dict]]:
        """Ordered pairs of documents of one issuer: a of a_kinds, b of b_kinds, `year_offset` years before a."""
        for _, docs in sorted(self.by_issuer.items()):
            for a in docs:
                for b in docs:
                    if (
                        a["doc_id"] != b["doc_id"]
                        and a["kind"] in a_kinds
                        and b["kind"] in b_kinds
                        and b["year"] == a["year"] - year_offset
                        and (a["scope"] == b["scope"]) == same_scope
                    ):
                        yield a, b


def _is_total_or_class(row: dict) -> bool:
    """A row of the 合计 column that is a 类 (3-digit code) or carries no code (合计, 总计, 财政拨款收入 …)."""
    return row["column_std"] == "合计" and (row["code"] is None or len(row["code"]) == 3)


def _is_spending_total_or_class(row: dict) -> bool:
    """Income totals are left out of X003: a 预算's 收入合计 often includes 上年结转, a 决算's 本年收入合计 never."""
    return _is_total_or_class(row) and row["table_kind"] != "income" and "收入" not in (row["panel"] or "")


def _finding(check: Check, a: dict, b: dict, status: str) -> dict:
    delta = a["value"] - b["value"]
    what = "|".join(str(x) for x in (a["doc_id"], b["doc_id"], a["table_kind"], a["line"], a["measure"], a["column_std"]))
    ratio = a["value"] / b["value"] if b["value"] else None
    where_a = f"{a['name'] or a['line']}（{a['column']}）"
    verdict_zh = {"consistent": "一致", "inconsistent": "不一致", "measured": f"比率 {ratio:.4f}" if ratio else "比率无"}[status]
    verdict_en = {
        "consistent": "consistent",
        "inconsistent": "inconsistent",
        "measured": f"ratio {ratio:.4f}" if ratio else "no ratio",
    }[status]
    return {
        "finding_id": f"{check.check_id}@{hashlib.sha1(what.encode()).hexdigest()[:12]}",
        "check_id": check.check_id,
        "severity": check.severity,
        "status": status,
        "issuer_id": a["issuer_id"],
        "table_kind": a["table_kind"],
        "line": a["line"],
        "name": a["name"],
        "column_std": a["column_std"],
        **{f"{k}_{s}": r[k] for s, r in (("a", a), ("b", b)) for k in ("doc_id", "year", "kind", "measure", "value", "raw")},
        **{f"{k}_{s}": r[k] for s, r in (("a", a), ("b", b)) for k in ("table_id", "row", "col")},
        "delta": delta,
        "tolerance": half_unit(a["raw"], a["unit"]) + half_unit(b["raw"], b["unit"]),
        "ratio": ratio,
        "message_zh": (
            f"{check.zh}：{a['year']}年{a['kind']}「{where_a}」{a['raw']}{a['unit']}，"
            f"{b['year']}年{b['kind']}同一行 {b['raw']}{b['unit']}：{verdict_zh}。"
        ),
        "message_en": (
            f"{check.en}: {a['year']} {a['kind']} {a['line']} ({a['column_std']}) {a['value']:,.2f} 元 vs "
            f"{b['year']} {b['kind']} {b['value']:,.2f} 元: {verdict_en}."
        ),
    }


def _equal(check: Check, a: dict, b: dict) -> dict:
    tolerance = half_unit(a["raw"], a["unit"]) + half_unit(b["raw"], b["unit"])
    return _finding(check, a, b, "consistent" if abs(a["value"] - b["value"]) <= tolerance else "inconsistent")


def cross_findings(panel: list[dict], issuers: list[dict]) -> list[dict]:
    index = PanelIndex(panel, issuers)
    out: list[dict] = []
    for final, budget in index.pairs((_FINAL,), _BUDGETS, 0, same_scope=True):
        budget_cells = index.cells[budget["doc_id"]]
        for (kind, line, m, col), a in index.cells[final["doc_id"]].items():
            if m in ("年初预算", "预算") and (b := budget_cells.get((kind, line, "预算", col))):
                out.append(_equal(X001, a, b))
            if m == "决算" and _is_spending_total_or_class(a) and (b := budget_cells.get((kind, line, "预算", col))):
                out.append(_finding(X003, a, b, "measured"))
    for this, last in index.pairs((_FINAL, *_BUDGETS), (_FINAL, *_BUDGETS), 1, same_scope=True):
        last_measure = "决算" if last["kind"] == _FINAL else "预算"
        for (kind, line, m, col), a in index.cells[this["doc_id"]].items():
            wanted = {
                "上年预算": "预算",
                "上年决算": "决算",
                "上年执行": "决算",
                "上年": "预算" if this["kind"] != _FINAL else "决算",
            }
            if wanted.get(m) == last_measure and (b := index.cells[last["doc_id"]].get((kind, line, last_measure, col))):
                out.append(_equal(X002, a, b))
    for unit, dept in index.pairs((_FINAL, *_BUDGETS), (_FINAL, *_BUDGETS), 0, same_scope=False):
        if unit["scope"] != "单位" or (unit["kind"] == _FINAL) != (dept["kind"] == _FINAL):
            continue
        for coordinate, a in index.cells[unit["doc_id"]].items():
            if _is_total_or_class(a) and (b := index.cells[dept["doc_id"]].get(coordinate)):
                within = a["value"] <= b["value"] + half_unit(a["raw"], a["unit"]) + half_unit(b["raw"], b["unit"])
                out.append(_finding(X004, a, b, "consistent" if within else "inconsistent"))
    return out
