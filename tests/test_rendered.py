"""PDFs we render ourselves with known content: seed 000 (the 大同 2022 部门决算, its ten 公开表
drawn from the seed's own numbers) and the bundled made-up sample. Every amount must come back
as a line item with the right table type, code (or name), column and value."""

import json
from pathlib import Path

import pytest

from conftest import FIXTURES, SAMPLE, parsed
from extract.tables.items import clean_name

CASES = [
    (FIXTURES / "seed000_final_2022.pdf", FIXTURES / "seed000_final_2022.truth.json"),
    (SAMPLE, SAMPLE.with_suffix(".truth.json")),
]


def _matches(item, table_type: str, expected: dict, labelled: bool) -> bool:
    if item.table_type != table_type or abs(item.value - expected["value_yuan"]) > 0.005:
        return False
    if item.column.split("/")[-1] != expected["column"].split("/")[-1]:
        return False
    if expected["code"]:
        return item.code == expected["code"]
    # A row printed without a label (the single data row of a 三公 table) has no name to compare.
    return item.name == clean_name(expected["name"]) if labelled else item.name == ""


@pytest.mark.parametrize(("pdf", "truth"), CASES, ids=lambda p: Path(p).stem)
def test_every_amount_is_a_line_item(pdf, truth):
    doc = parsed(pdf)
    tables = json.loads(truth.read_text(encoding="utf-8"))
    missing = []
    for table in tables:
        doc_table = next(t for t in doc.tables if t.table_type == table["table_type"] and t.page_start == table["pages"][0])
        labelled = "label" in doc_table.column_roles
        items = [i for i in doc.line_items if i.table_id == doc_table.table_id]
        for expected in table["items"]:
            if not any(_matches(i, table["table_type"], expected, labelled) for i in items):
                missing.append((table["table_type"], expected))
    assert not missing, missing[:5]


@pytest.mark.parametrize(("pdf", "truth"), CASES, ids=lambda p: Path(p).stem)
def test_tables_typed_with_pages(pdf, truth):
    doc = parsed(pdf)
    want = [(t["table_type"], t["pages"][0], t["pages"][-1]) for t in json.loads(truth.read_text(encoding="utf-8"))]
    got = [(t.table_type, t.page_start, t.page_end) for t in doc.tables if t.table_type.startswith("final.")]
    assert got == want


def test_seed_sections():
    doc = parsed(FIXTURES / "seed000_final_2022.pdf")
    top = [s.numbering + s.title for s in doc.sections]
    assert any(t.startswith("第一部分") for t in top)
    assert any(t.startswith("第三部分") and "情况说明" in t for t in top)
    third = next(s for s in doc.sections if s.numbering == "第三部分")
    assert [c.numbering for c in third.children][:3] == ["一、", "二、", "三、"]
    assert "收入" in third.children[0].text
