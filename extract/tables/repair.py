"""Misread digits, found and (only when the arithmetic leaves no doubt) corrected.

A scanned table is read by OCR, and OCR confuses digits that look alike (3/8, 5/6, 1/7, 0/8),
drops or doubles a digit, or misplaces the decimal point. The tables themselves say when that
happened: 合计 = Σ类, 类 = Σ款, 款 = Σ项 down a column and 合计 = Σ parts across a row. Those
identities are not re-implemented here: they are the reconcile checks' own `SumCheck`s, with
their printed-precision intervals, so a repair holds exactly when the reconcile stage agrees.

Every cell of a broken identity is tried with every OCR-plausible alternative reading. A
reading *fits* when every identity its cell takes part in holds with it (row and column, and
the cross-table ones). Fits that mend a common broken identity are rivals: a fit without
rivals is the correction; rivals are only flagged, all of them recorded. Nothing changes
silently: each correction is a `Repair`, and a repaired `LineItem` keeps what was read in
`corrected_from`. Corrections can unblock each other, so the search runs in rounds.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from pydantic import BaseModel, Field

from extract.model import BBox, Document, Evidence, Finding, FindingStatus, LineItem, Severity
from extract.reconcile import registered_checks
from extract.reconcile.engine import SumCheck
from extract.reconcile.intervals import (
    Interval,
    PrintedNumber,
    compare,
    half_width_of,
    interval_sum,
    parse_printed,
    unit_factor,
)
from extract.reconcile.views import DocIndex, Operand

CONFUSIONS: dict[str, str] = {
    "0": "689",
    "1": "7",
    "2": "7",
    "3": "8",
    "4": "9",
    "5": "6",
    "6": "05",
    "7": "12",
    "8": "03",
    "9": "04",
}
"""Digits OCR mistakes for one another (symmetric): 3↔8, 5↔6, 1↔7, 0↔8/6/9, 2↔7, 4↔9."""

MAX_ROUNDS = 10
"""A repair can unblock another (two misreads in one family); stop after this many passes."""

_NUMBER = re.compile(r"^(?P<sign>[-−(（]?)(?P<int>\d[\d,]*)(?:\.(?P<frac>\d+))?(?P<tail>[)）]?)$")

Key = tuple[str, int, int]
"""A cell: (table_id, row, col)."""
_Where = tuple[str | None, int | None, BBox]


class Reading(BaseModel):
    """One alternative reading of a cell that makes all of its identities hold."""

    table_id: str
    row: int
    col: int
    raw: str
    value: float
    """In 元, like `LineItem.value`."""
    kind: str
    """The misreading it undoes: "8→3" (read as 8, printed 3), "dropped digit", "doubled digit", "decimal point"."""
    confidence: float | None = None
    """OCR confidence of the cell as read; None for a text layer."""


class Repair(BaseModel):
    """A cell whose printed value breaks the table arithmetic and what it probably says."""

    table_id: str
    row: int
    col: int
    code: str | None
    name: str
    column: str
    original_raw: str
    original_value: float
    corrected_raw: str | None
    """The one reading that fits; None when several do (see `candidates`)."""
    corrected_value: float | None
    identities: list[str]
    """The identities the corrected reading satisfies ("check_id: subject"); for a flag, those broken."""
    page: int
    bbox: BBox
    applied: bool
    """Whether the `LineItem` was changed (only with `apply=True` and a unique reading)."""
    candidates: list[Reading] = Field(default_factory=list)
    """Every fitting reading in this group of broken identities, lowest OCR confidence first."""
    confidence: float | None = None


@dataclass(frozen=True)
class _Term:
    key: Key | None
    """The line item behind the operand; None for a blank cell or a value outside the tables."""
    interval: Interval


@dataclass(frozen=True)
class _Identity:
    name: str
    total: _Term
    parts: tuple[_Term, ...]

    @property
    def keys(self) -> set[Key]:
        return {t.key for t in (self.total, *self.parts) if t.key is not None}

    def holds(self, override: dict[Key, Interval]) -> bool:
        found = _interval(self.total, override)
        expected = interval_sum(_interval(t, override) for t in self.parts)
        return compare(found, expected).consistent


def _interval(term: _Term, override: dict[Key, Interval]) -> Interval:
    return override.get(term.key, term.interval) if term.key is not None else term.interval


def repair_digits(doc: Document, *, apply: bool, only_ocr: bool = False) -> list[Repair]:
    """Find cells that break table arithmetic and the readings that would mend it.

    With `apply=False` the document is not touched: unique readings come back with
    `corrected_raw` set and `applied=False`. With `apply=True` each unique reading is also
    written into its `LineItem` (`raw`, `value`, and `corrected_from` = what was read).
    Rival readings are never applied. The caller says which it wants: nothing is changed by default.
    With `only_ocr=True` a value from a text layer (no OCR confidence) is never changed: it is
    what the document prints, and a wrong printed value is a finding, not a misreading.
    """
    items = {_key(i): i for i in doc.line_items}
    identities = list(_identities(doc, items))
    by_key: dict[Key, list[_Identity]] = defaultdict(list)
    for identity in identities:
        for key in identity.keys:
            by_key[key].append(identity)
    search = _Search(items, by_key, _Style.of(doc))
    repairs = search.run(identities)
    if apply:
        for repair in repairs:
            item = items[(repair.table_id, repair.row, repair.col)]
            if repair.corrected_raw is None or repair.corrected_value is None:
                continue
            if only_ocr and item.confidence is None:
                continue
            _write(item, repair.corrected_raw, repair.corrected_value)
            repair.applied = True
    return repairs


def _key(item: LineItem) -> Key:
    return (item.table_id, item.row, item.col)


def _write(item: LineItem, raw: str, value: float) -> None:
    """Correct an item, keeping what was read beside it."""
    item.corrected_from = item.raw
    item.raw, item.value = raw, value


# -- identities ----------------------------------------------------------------------------


def _identities(doc: Document, items: dict[Key, LineItem]) -> Iterator[_Identity]:
    """Every sum identity the reconcile checks evaluate, with operands tied to line items."""
    index = DocIndex(doc)
    locate = _locator(items.values())
    for spec in registered_checks():
        if spec.severity != Severity.ERROR:
            continue
        try:
            outcomes = list(spec.fn(index))
        except Exception:  # a crashing check is reported by the engine, not here
            continue
        for outcome in outcomes:
            if not isinstance(outcome, SumCheck) or (outcome.found.blank and all(p.blank for p in outcome.parts)):
                continue
            yield _Identity(
                f"{spec.check_id}: {outcome.subject_en}",
                _term(outcome.found, locate),
                tuple(_term(p, locate) for p in outcome.parts),
            )


def _locator(items: Iterable[LineItem]) -> dict[_Where, Key | None]:
    """Operands carry their evidence (table, page, bbox), not the item: map back, if unique."""
    found: dict[_Where, Key | None] = {}
    for item in items:
        where = (item.table_id, item.page, item.bbox)
        found[where] = None if where in found else _key(item)
    return found


def _term(operand: Operand, locate: dict[_Where, Key | None]) -> _Term:
    ev = operand.evidence
    key = None if operand.blank or ev.bbox is None else locate.get((ev.table_id, ev.page, ev.bbox))
    return _Term(key, operand.interval)


@dataclass(frozen=True)
class _Style:
    """How each table prints its amounts, which a reading must follow."""

    commas: set[str]
    """Tables that print thousands separators: a reading with more digits gets them too."""
    decimals: dict[str, int]
    """Each table's usual number of decimals: a reading may not invent precision ("1.234")."""

    @classmethod
    def of(cls, doc: Document) -> _Style:
        counts: dict[str, Counter[int]] = defaultdict(Counter)
        for item in doc.line_items:
            if (number := parse_printed(item.raw)) is not None:
                counts[item.table_id][number.decimals] += 1
        decimals = {table_id: c.most_common(1)[0][0] for table_id, c in counts.items()}
        return cls({i.table_id for i in doc.line_items if "," in i.raw}, decimals)

    def allows(self, item: LineItem, number: PrintedNumber) -> bool:
        """The reading keeps the cell's own precision or the table's usual one."""
        own = parse_printed(item.raw)
        return number.decimals in {self.decimals.get(item.table_id), own.decimals if own else None}


# -- readings ------------------------------------------------------------------------------


def alternative_readings(raw: str) -> Iterator[tuple[str, str]]:
    """(reading, kind) for every OCR-plausible misreading that could have produced `raw`.

    Only the digits change; sign, brackets and the thousands-separator style are kept.
    Readings with a leading zero ("012") are not numbers anyone prints and are skipped.
    """
    m = _NUMBER.match(raw.strip())
    if not m:
        return
    int_part = m["int"].replace(",", "")
    frac = m["frac"] or ""
    digits, point = int_part + frac, len(int_part) if m["frac"] is not None else None
    seen = {(digits, point)}
    for new_digits, new_point, kind in _variants(digits, point):
        if (new_digits, new_point) in seen or not _well_formed(new_digits, new_point):
            continue
        seen.add((new_digits, new_point))
        yield _render(m, new_digits, new_point, grouped="," in m["int"]), kind


def _variants(digits: str, point: int | None) -> Iterator[tuple[str, int | None, str]]:
    n = len(digits)
    for i, d in enumerate(digits):  # one digit misread as a look-alike
        for alt in CONFUSIONS.get(d, ""):
            yield digits[:i] + alt + digits[i + 1 :], point, f"{d}→{alt}"
    for i in range(n + 1):  # a digit dropped by OCR
        for alt in "0123456789":
            yield digits[:i] + alt + digits[i:], _shift(point, i), "dropped digit"
    for i in range(1, n):  # a digit read twice
        if digits[i] == digits[i - 1]:
            yield digits[:i] + digits[i + 1 :], _unshift(point, i), "doubled digit"
    for p in range(1, n):  # the decimal point in the wrong place, lost, or invented
        if p != point:
            yield digits, p, "decimal point"
    if point is not None:
        yield digits, None, "decimal point"


def _shift(point: int | None, inserted_at: int) -> int | None:
    return point + 1 if point is not None and inserted_at < point else point


def _unshift(point: int | None, removed_at: int) -> int | None:
    return point - 1 if point is not None and removed_at < point else point


def _well_formed(digits: str, point: int | None) -> bool:
    int_len = len(digits) if point is None else point
    if int_len == 0 or (point is not None and point >= len(digits)):
        return False
    return int_len == 1 or digits[0] != "0"


def _render(m: re.Match[str], digits: str, point: int | None, *, grouped: bool) -> str:
    int_part = digits if point is None else digits[:point]
    if grouped:
        int_part = f"{int(int_part):,}"
    frac = "" if point is None else "." + digits[point:]
    return f"{m['sign']}{int_part}{frac}{m['tail']}"


# -- the search ----------------------------------------------------------------------------


@dataclass
class _Fit:
    key: Key
    raw: str
    value: float
    kind: str


class _Search:
    """Rounds of: try every reading of the cells in broken identities, keep the ones without rivals."""

    def __init__(self, items: dict[Key, LineItem], by_key: dict[Key, list[_Identity]], style: _Style) -> None:
        self.items = items
        self.by_key = by_key
        self.style = style
        self.override: dict[Key, Interval] = {}

    def run(self, identities: list[_Identity]) -> list[Repair]:
        repairs: list[Repair] = []
        for _ in range(MAX_ROUNDS):
            broken = {i for i in identities if not i.holds(self.override)}
            rivals = self._rivals(self._fits(broken), broken)
            unique = [fits[0] for fits in rivals if len(fits) == 1]
            if not unique:
                return repairs + [r for fits in rivals if len(fits) > 1 for r in self._flags(fits)]
            for fit in unique:
                if self._holds_all(fit):  # still, after this round's earlier corrections
                    repairs.append(self._repair(fit))
                    self.override[fit.key] = self._reading_interval(fit)
        return repairs

    def _fits(self, broken: set[_Identity]) -> list[_Fit]:
        keys = sorted({k for identity in broken for k in identity.keys if k not in self.override})
        fits = [fit for key in keys for fit in self._readings(key) if self._holds_all(fit)]
        return sorted(fits, key=lambda f: (_confidence(self.items[f.key]), f.key))

    def _rivals(self, fits: list[_Fit], broken: set[_Identity]) -> list[list[_Fit]]:
        """Fits grouped by the broken identities they mend: two fits mending one identity are rivals.

        Misreads far apart (two rows, two columns) are judged apart even when an unbroken
        cell links their identities; two readings of one cell are always rivals.
        """
        parent = list(range(len(fits)))

        def find(i: int) -> int:
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        mender: dict[_Identity, int] = {}
        for i, fit in enumerate(fits):
            for identity in self.by_key[fit.key]:
                if identity not in broken:
                    continue
                if identity in mender:
                    parent[find(i)] = find(mender[identity])
                else:
                    mender[identity] = i
        groups: dict[int, list[_Fit]] = defaultdict(list)
        for i, fit in enumerate(fits):
            groups[find(i)].append(fit)
        return list(groups.values())

    def _readings(self, key: Key) -> Iterator[_Fit]:
        item = self.items[key]
        factor = _factor(item)
        if factor is None:
            return
        regroup = item.table_id in self.style.commas and _short(item.raw)
        for raw, kind in alternative_readings(item.raw):
            if regroup:
                raw = _regroup(raw)
            number = parse_printed(raw)
            if number is None or not self.style.allows(item, number):
                continue
            if float(number.value) * factor != item.value:
                yield _Fit(key, raw, round(float(number.value) * factor, 6), kind)

    def _reading_interval(self, fit: _Fit) -> Interval:
        item = self.items[fit.key]
        half = half_width_of(fit.raw, item.unit, fit.value) or 0.0
        return Interval.around(fit.value, half)

    def _holds_all(self, fit: _Fit) -> bool:
        override = {**self.override, fit.key: self._reading_interval(fit)}
        return all(identity.holds(override) for identity in self.by_key[fit.key])

    def _repair(self, fit: _Fit) -> Repair:
        satisfied = [i.name for i in self.by_key[fit.key]]
        return _make_repair(self.items[fit.key], fit.raw, fit.value, satisfied, [self._reading(fit)])

    def _flags(self, fits: list[_Fit]) -> Iterator[Repair]:
        readings = [self._reading(f) for f in fits]
        for key in dict.fromkeys(f.key for f in fits):
            broken = [i.name for i in self.by_key[key] if not i.holds(self.override)]
            yield _make_repair(self.items[key], None, None, broken, readings)

    def _reading(self, fit: _Fit) -> Reading:
        item = self.items[fit.key]
        return Reading(
            table_id=item.table_id,
            row=item.row,
            col=item.col,
            raw=fit.raw,
            value=fit.value,
            kind=fit.kind,
            confidence=item.confidence,
        )


def _make_repair(item: LineItem, raw: str | None, value: float | None, identities: list[str], readings: list[Reading]) -> Repair:
    return Repair(
        table_id=item.table_id,
        row=item.row,
        col=item.col,
        code=item.code,
        name=item.name,
        column=item.column,
        original_raw=item.raw,
        original_value=item.value,
        corrected_raw=raw,
        corrected_value=value,
        identities=identities,
        page=item.page,
        bbox=item.bbox,
        applied=False,
        candidates=readings,
        confidence=item.confidence,
    )


def _factor(item: LineItem) -> float | None:
    """元 per printed unit: from the unit, else from the value and what was printed."""
    factor = unit_factor(item.unit)
    if factor is not None:
        return factor
    number = parse_printed(item.raw)
    if number is None or number.value == 0:
        return None
    return item.value / float(number.value)


def _short(raw: str) -> bool:
    """At most three integer digits: too short to show whether the cell groups thousands."""
    m = _NUMBER.match(raw.strip())
    return m is not None and len(m["int"]) <= 3


def _regroup(raw: str) -> str:
    """Thousands separators for a reading of an ungrouped cell in a table that uses them."""
    m = _NUMBER.match(raw)
    if not m or len(m["int"]) <= 3:
        return raw
    frac = f".{m['frac']}" if m["frac"] is not None else ""
    return f"{m['sign']}{int(m['int']):,}{frac}{m['tail']}"


def _confidence(item: LineItem) -> float:
    """Sort key: low OCR confidence first, text-layer cells (None) last."""
    confidence = item.confidence
    return confidence if confidence is not None else 2.0


def repair_findings(repairs: list[Repair]) -> list[Finding]:
    """Each repair as a finding: a correction (both readings kept) or a flag with its candidates."""
    findings = []
    for r in repairs:
        where = f"{r.code or r.name} · {r.column}"
        evidence = [
            Evidence(role="cell", text=r.original_raw, value=r.original_value, page=r.page, bbox=r.bbox, table_id=r.table_id)
        ]
        if r.applied:
            findings.append(
                Finding(
                    check_id="R001.ocr_digit_corrected",
                    severity=Severity.WARNING,
                    status=FindingStatus.CONSISTENT,
                    expected=r.corrected_raw,
                    found=r.original_raw,
                    delta=(r.original_value - (r.corrected_value or 0.0)),
                    message_zh=f"{where}：OCR 读作 {r.original_raw}，按表内勾稽关系唯一可能为 {r.corrected_raw}，"
                    "已更正（原读数保留）。",
                    message_en=f"{where}: OCR read {r.original_raw}; the table arithmetic admits only {r.corrected_raw}, "
                    f"which was used (the reading is kept in corrected_from).",
                    evidence=evidence,
                )
            )
        else:
            readings = ", ".join(c.raw for c in r.candidates) or "none"
            findings.append(
                Finding(
                    check_id="R002.ocr_digit_suspect",
                    severity=Severity.WARNING,
                    status=FindingStatus.INCONSISTENT,
                    found=r.original_raw,
                    message_zh=f"{where}：读数 {r.original_raw} 与表内勾稽关系不符，可能的读数：{readings}；未更改。",
                    message_en=f"{where}: {r.original_raw} breaks the table arithmetic; possible readings: {readings}; "
                    "left unchanged.",
                    evidence=evidence,
                )
            )
    return findings
