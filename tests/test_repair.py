"""Misread-digit repair: corrupt real parsed documents on purpose and check what comes back.

The sample's tables reconcile exactly, so every repair reported on a corrupted copy is caused
by the corruption: the tests can demand that each corrupted cell is flagged, that a cell its
row and column identities pin down is restored exactly, and that an ambiguous one is left alone.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from conftest import CORPUS, SAMPLE, parsed, requires_corpus
from extract.model import Document, LineItem
from extract.reconcile.intervals import parse_printed, unit_factor
from extract.tables.repair import CONFUSIONS, Repair, alternative_readings, repair_digits, repair_findings

WANLI = CORPUS / "pdf" / "gbc_上海市普陀区人民政府万里街道办事处24年预算.pdf"


def _copy(path: Path = SAMPLE) -> Document:
    return parsed(path).model_copy(deep=True)


def _item(doc: Document, kind: str, column: str, *, code: str | None = None, name: str | None = None) -> LineItem:
    """The one item of a table type (e.g. "expenditure") at a row code or name and a column."""
    found = [
        i
        for i in doc.line_items
        if i.table_type.endswith(f".{kind}")
        and i.column == column
        and (code is None or i.code == code)
        and (name is None or i.name == name)
    ]
    assert len(found) == 1, (kind, column, code, name, found)
    return found[0]


def _corrupt(item: LineItem, raw: str) -> str:
    """Overwrite what was read, as OCR would have; returns the true printed value."""
    original = item.raw
    number = parse_printed(raw)
    factor = unit_factor(item.unit)
    assert number is not None and factor is not None
    item.raw, item.value = raw, float(number.value) * factor
    return original


def _at(repairs: list[Repair], item: LineItem) -> Repair:
    found = [r for r in repairs if (r.table_id, r.row, r.col) == (item.table_id, item.row, item.col)]
    assert len(found) == 1, f"{item.name} · {item.column} not flagged: {repairs}"
    return found[0]


def _assert_corrected(repair: Repair, item: LineItem, original: str, misread: str) -> None:
    assert repair.original_raw == misread
    assert repair.corrected_raw == original
    assert repair.applied
    assert item.raw == original
    number, factor = parse_printed(original), unit_factor(item.unit)
    assert number is not None and factor is not None
    assert item.value == pytest.approx(float(number.value) * factor)
    if "corrected_from" in LineItem.model_fields:
        assert item.model_dump()["corrected_from"] == misread
    assert repair.identities


def test_readings_cover_ocr_confusions() -> None:
    readings = dict(alternative_readings("1,284.50"))
    assert readings["1,234.50"] == "8→3"  # a 3 read as 8
    assert readings["7,284.50"] == "1→7"
    assert readings["1,284.56"] == "0→6"
    assert readings["11,284.50"] == "dropped digit"
    assert readings["128,450"] == "decimal point"
    assert "1,284.50" not in readings
    assert dict(alternative_readings("1,334"))["134"] == "doubled digit"
    assert all(not r.startswith("0") for r in dict(alternative_readings("80")))  # no "00"/"08"
    assert list(alternative_readings("合计")) == []
    assert {d for pair in CONFUSIONS.items() for d in pair[1]} <= set("0123456789")


def test_uncorrupted_documents_yield_no_repairs() -> None:
    doc = _copy()
    before = doc.model_dump_json()
    assert repair_digits(doc, apply=True) == []
    assert doc.model_dump_json() == before


def test_corrupted_sample_is_flagged_and_pinned_values_corrected() -> None:
    doc = _copy()
    xiang = _item(doc, "expenditure", "本年支出合计", code="2013810")  # a 项: row and column identities
    total = _item(doc, "income", "本年收入合计", name="合计")  # the 合计 row's 合计 column
    wan = _item(doc, "three_public", "预算数/公务接待费")  # printed in 万元
    point = _item(doc, "expenditure", "项目支出", code="2013805")  # a misplaced decimal point
    dropped = _item(doc, "general_budget_expenditure", "本年支出/合计", code="2013803")  # a dropped digit
    lone = _item(doc, "general_budget_basic_expenditure", "人员经费/决算数", code="30305")  # one identity only
    assert wan.unit == "万元"
    corrupted = {
        "xiang": (xiang, _corrupt(xiang, "833413.29"), "833413.29"),
        "total": (total, _corrupt(total, "53092159.16"), "53092159.16"),
        "wan": (wan, _corrupt(wan, "8.94"), "8.94"),
        "point": (point, _corrupt(point, "31510128.9"), "31510128.9"),
        "dropped": (dropped, _corrupt(dropped, "214,710.43"), "214,710.43"),
        "lone": (lone, _corrupt(lone, "155,895.11"), "155,895.11"),
    }

    repairs = repair_digits(doc, apply=True)

    for key in ("xiang", "total", "wan", "point", "dropped"):
        item, original, misread = corrupted[key]
        _assert_corrected(_at(repairs, item), item, original, misread)
    assert corrupted["dropped"][1] == "2,146,710.43"  # the reading is regrouped like the table prints

    item, original, misread = corrupted["lone"]
    flag = _at(repairs, item)
    assert not flag.applied and flag.corrected_raw is None
    assert item.raw == misread and flag.original_raw == misread
    readings = {(c.row, c.col, c.raw) for c in flag.candidates}
    assert (item.row, item.col, original) in readings
    assert len(readings) >= 2  # the 类 row above could carry the misread just as well
    others = [r for r in repairs if r is not flag and not r.applied]
    assert all(r.candidates == flag.candidates for r in others)  # the rival is flagged with the same readings
    assert {(r.table_id, r.row, r.col) for r in repairs if r.applied} == {
        (i.table_id, i.row, i.col) for key, (i, _, _) in corrupted.items() if key != "lone"
    }


def test_without_apply_the_document_is_untouched() -> None:
    doc = _copy()
    item = _item(doc, "expenditure", "本年支出合计", code="2013810")
    original = _corrupt(item, "833413.29")
    before = doc.model_dump_json()

    [repair] = repair_digits(doc, apply=False)

    assert repair.corrected_raw == original and not repair.applied
    assert doc.model_dump_json() == before


def test_confidence_orders_candidates() -> None:
    doc = _copy()
    lone = _item(doc, "general_budget_basic_expenditure", "人员经费/决算数", code="30305")
    _corrupt(lone, "155,895.11")
    lone.confidence = 0.41
    flag = _at(repair_digits(doc, apply=False), lone)
    assert (flag.candidates[0].row, flag.candidates[0].confidence) == (lone.row, 0.41)


def _corruptible(doc: Document) -> list[LineItem]:
    """项 amounts of classified tables, large enough that a changed leading digit shows."""
    kinds = (".income", ".expenditure", ".general_budget_expenditure")
    return [
        i
        for i in doc.line_items
        if i.table_type.endswith(kinds) and i.code and len(i.code) == 7 and i.value >= 1000 and i.unit == "元"
    ]


def _pick_independent(items: list[LineItem], n: int, rng: random.Random) -> list[LineItem]:
    """`n` cells sharing no row and no 款 family: each breaks identities of its own."""
    picked: list[LineItem] = []
    for item in rng.sample(items, len(items)):
        assert item.code is not None
        if all(
            (p.table_id, p.row) != (item.table_id, item.row)
            and (p.table_id, (p.code or "")[:5], p.col) != (item.table_id, item.code[:5], item.col)
            for p in picked
        ):
            picked.append(item)
        if len(picked) == n:
            return picked
    raise AssertionError("not enough independent cells")


def _misread(raw: str, rng: random.Random) -> str:
    """A random OCR slip (look-alike digit, lost or doubled digit, moved point) that reads back to `raw`."""
    slips = [m for m, _ in alternative_readings(raw) if raw in dict(alternative_readings(m))]
    return rng.choice(slips)


@requires_corpus
@pytest.mark.parametrize("seed", [7, 2024])
def test_corpus_budget_with_five_misread_cells(seed: int) -> None:
    doc = _copy(WANLI)
    assert repair_digits(doc, apply=False) == []
    rng = random.Random(seed)
    truth: dict[tuple[str, int, int], str] = {}
    for item in _pick_independent(_corruptible(doc), 5, rng):
        truth[(item.table_id, item.row, item.col)] = _corrupt(item, _misread(item.raw, rng))

    repairs = repair_digits(doc, apply=True)

    flagged = {(r.table_id, r.row, r.col): r for r in repairs}
    assert truth.keys() <= flagged.keys()
    for key, original in truth.items():
        repair = flagged[key]
        if repair.applied:
            assert repair.corrected_raw == original
        else:
            assert original in {c.raw for c in repair.candidates if (c.table_id, c.row, c.col) == key}
    assert all(key in truth for key, r in flagged.items() if r.applied)
    assert sum(r.applied for r in repairs) >= 3


def test_only_ocr_values_are_ever_changed() -> None:
    """A wrong value printed in a text layer is the document's error, never 'repaired'."""
    doc = _copy()
    printed = _item(doc, "expenditure", "本年支出合计", code="2013810")
    original = _corrupt(printed, "833413.29")
    [repair] = [r for r in repair_digits(doc, apply=True, only_ocr=True) if r.row == printed.row]
    assert repair.corrected_raw == original and not repair.applied
    assert printed.raw == "833413.29" and printed.corrected_from is None

    printed.confidence = 0.62  # the same slip, but read by OCR
    [repair] = [r for r in repair_digits(doc, apply=True, only_ocr=True) if r.row == printed.row]
    assert repair.applied and printed.raw == original and printed.corrected_from == "833413.29"


def test_repairs_become_findings() -> None:
    doc = _copy()
    xiang = _item(doc, "expenditure", "本年支出合计", code="2013810")
    _corrupt(xiang, "833413.29")
    xiang.confidence = 0.5
    lone = _item(doc, "general_budget_basic_expenditure", "人员经费/决算数", code="30305")
    _corrupt(lone, "155,895.11")
    findings = {f.check_id: f for f in repair_findings(repair_digits(doc, apply=True, only_ocr=True))}
    corrected = findings["R001.ocr_digit_corrected"]
    assert corrected.found == "833413.29" and corrected.evidence[0].page == xiang.page
    suspect = findings["R002.ocr_digit_suspect"]
    assert suspect.status == "inconsistent" and "155,395.11" in suspect.message_en
