"""“三公”经费 identities, for every measure (预算数, 决算数, …) separately.

    合计 = 因公出国（境）费 + 公务用车购置及运行（维护）费 + 公务接待费
    公务用车购置及运行费 = 公务用车购置费 + 公务用车运行（维护）费

The table is printed either with the components as columns (header "决算数/公务用车购置及
运行维护费/公务用车购置费") or as rows (row "其中：公务用车购置费", columns "预算数",
"决算数"); components are recognised by name in both layouts.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum

from extract.reconcile.engine import Outcome, SumCheck, Unavailable, check
from extract.reconcile.views import (
    DocIndex,
    Operand,
    RowInfo,
    TableView,
    bare_name,
    is_total_segment,
    split_path,
)

_COUNT = re.compile(r"辆|批次|人次|人数|团组|保有|个数|[(（]个[)）]")
"""Rows/columns that count cars, visits or people next to the amounts."""


class Part(StrEnum):
    TOTAL = "合计"
    ABROAD = "因公出国（境）费"
    CAR = "公务用车购置及运行费"
    CAR_PURCHASE = "公务用车购置费"
    CAR_OPERATION = "公务用车运行费"
    RECEPTION = "公务接待费"


_EN = {
    Part.TOTAL: "total",
    Part.ABROAD: "overseas trips",
    Part.CAR: "official cars (purchase and running)",
    Part.CAR_PURCHASE: "car purchase",
    Part.CAR_OPERATION: "car running",
    Part.RECEPTION: "official reception",
}


def part_of(label: str) -> Part | None:
    """The 三公 component a header segment or row name names, if any."""
    n = bare_name(label)
    if _COUNT.search(n):
        return None
    if "因公出国" in n:
        return Part.ABROAD
    if "公务接待" in n:
        return Part.RECEPTION
    if "公务用车" in n:
        if "购置" in n and "运行" in n:
            return Part.CAR
        if "购置" in n:
            return Part.CAR_PURCHASE
        if "运行" in n:
            return Part.CAR_OPERATION
        return Part.CAR
    if "三公" in n:
        return Part.TOTAL
    return None


def classify(segments: tuple[str, ...]) -> tuple[tuple[str, ...], Part | None]:
    """(measure segments, component) of a header path or row name, deepest name winning."""
    measure: list[str] = []
    part: Part | None = None
    for seg in segments:
        named = part_of(seg)
        if named is not None:
            part = named
        elif is_total_segment(seg):
            part = part or Part.TOTAL  # "公务用车…/小计" stays CAR
        else:
            measure.append(seg)
    return tuple(measure), part


@dataclass
class Measure:
    """The components of one measure, e.g. 决算数 in one row."""

    zh: str
    en: str
    values: dict[Part, Operand | None] = field(default_factory=dict)


def _measures(view: TableView) -> list[Measure]:
    by_column = {c: classify(split_path(c)) for c in view.columns}
    out: list[Measure] = []
    if any(part for _, part in by_column.values()):  # components are columns
        for row in view.sorted_rows():
            groups: dict[tuple[str, ...], Measure] = {}
            for column, (measure, part) in by_column.items():
                if part is None:
                    continue
                name = "/".join(measure) or "金额"
                suffix = f"（{row.label}）" if row.label and len(view.rows) > 1 else ""
                m = groups.setdefault(measure, Measure(name + suffix, name + suffix))
                m.values[part] = view.operand(row.row, column)
            out.extend(groups.values())
        return out
    rows: dict[Part, RowInfo] = {}
    for row in view.sorted_rows():
        part = classify((row.name,))[1]
        if part is not None:
            rows.setdefault(part, row)
    for column in view.columns:  # components are rows
        m = Measure(column, column)
        m.values = {part: view.operand(row.row, column) for part, row in rows.items()}
        out.append(m)
    return out


def _identity(view: TableView, m: Measure, total: Part, parts: tuple[Part, ...]) -> Outcome | None:
    parts = _expand_car(m, parts)
    if total not in m.values and not any(p in m.values for p in parts):
        return None  # this measure does not print this identity at all
    zh, en = view.label
    subject_zh, subject_en = (
        f"{zh}「{m.zh}」{total.value}",
        f"{en}, {m.en}: {_EN[total]}",
    )
    missing = [p for p in (total, *parts) if m.values.get(p) is None]
    if missing:
        names = "、".join(p.value for p in missing)
        return Unavailable(
            subject_zh,
            subject_en,
            f"缺少或无法读取：{names}",
            f"missing or unreadable: {', '.join(_EN[p] for p in missing)}",
            tuple(op for op in m.values.values() if op is not None),
        )
    found = m.values[total]
    assert found is not None
    return SumCheck(
        subject_zh=subject_zh,
        subject_en=subject_en,
        relation_zh="、".join(p.value for p in parts) + "之和",
        relation_en="the sum of " + ", ".join(_EN[p] for p in parts),
        found=found,
        parts=tuple(op for p in parts if (op := m.values[p]) is not None),
    )


def _expand_car(m: Measure, parts: tuple[Part, ...]) -> tuple[Part, ...]:
    """Use 购置费 + 运行费 for the car component when the table prints no car subtotal."""
    components = (Part.CAR_PURCHASE, Part.CAR_OPERATION)
    if Part.CAR in parts and Part.CAR not in m.values and all(c in m.values for c in components):
        i = parts.index(Part.CAR)
        return (*parts[:i], *components, *parts[i + 1 :])
    return parts


def _three_public(index: DocIndex, total: Part, parts: tuple[Part, ...]) -> Iterator[Outcome]:
    for view in index.views_of("three_public"):
        for m in _measures(view):
            outcome = _identity(view, m, total, parts)
            if outcome is not None:
                yield outcome


@check(
    "T020.three_public_total",
    description="“三公”经费合计 = 因公出国（境）费 + 公务用车购置及运行费 + 公务接待费, per measure.",
    inputs=("three_public",),
)
def three_public_total(index: DocIndex) -> Iterator[Outcome]:
    return _three_public(index, Part.TOTAL, (Part.ABROAD, Part.CAR, Part.RECEPTION))


@check(
    "T021.three_public_car",
    description="公务用车购置及运行费 = 公务用车购置费 + 公务用车运行费, per measure.",
    inputs=("three_public",),
)
def three_public_car(index: DocIndex) -> Iterator[Outcome]:
    return _three_public(index, Part.CAR, (Part.CAR_PURCHASE, Part.CAR_OPERATION))
