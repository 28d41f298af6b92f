"""End to end over every real PDF in ../shared/corpus/pdf: every standard table found with the
right type and pages (hand-read list in fixtures/corpus_tables.json), metadata, JSON round trip,
and the Wanli budget against independently entered values."""

import json
import sys

import pytest

from conftest import CORPUS, FIXTURES, ROOT, parsed, requires_corpus
from extract.model import Document, DocumentStatus

EXPECTED = json.loads((FIXTURES / "corpus_tables.json").read_text(encoding="utf-8"))

pytestmark = requires_corpus


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_table_found_with_type_and_pages(name):
    doc = parsed(CORPUS / "pdf" / name)
    assert doc.status == DocumentStatus.OK
    want = sorted((t["table_type"], t["page_start"], t["page_end"]) for t in EXPECTED[name]["tables"])
    got = sorted((t.table_type, t.page_start, t.page_end) for t in doc.tables)
    assert got == want


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_metadata(name):
    doc = parsed(CORPUS / "pdf" / name)
    expected = EXPECTED[name]
    assert doc.meta.year == expected["year"]
    assert len(doc.pages) == expected["pages"]
    assert doc.meta.kind.value == expected["kind"].split("(")[0].replace("部门决算模板", "部门决算")


def test_issuers_where_printed():
    issuers = {name: parsed(CORPUS / "pdf" / name).meta.issuer for name in EXPECTED}
    found = [name for name, issuer in issuers.items() if issuer and issuer in EXPECTED[name]["issuer"]]
    assert len(found) >= 11, issuers


def test_units_of_tables():
    doc = parsed(CORPUS / "pdf" / "gbc_上海市普陀区人民政府万里街道办事处24年预算.pdf")
    units = {t.table_type: t.unit for t in doc.tables}
    assert units["budget.three_public"] == "万元"
    assert units["budget.income"] == "元"


def test_wanli_line_items_match_independent_entry():
    sys.path.insert(0, str(ROOT / "scripts"))
    from eval_wanli import evaluate

    total, misses = evaluate(CORPUS)
    assert total > 400
    assert (total - len(misses)) / total >= 0.995, misses[:10]


def test_table_of_contents_and_sections():
    doc = parsed(CORPUS / "pdf" / "gbc_上海市普陀区人民政府万里街道办事处24年预算.pdf")
    assert doc.pages[1].is_toc
    assert any(entry.title.startswith("四、部门预算编制说明") for entry in doc.toc)
    titles = [s.title for s in doc.iter_sections()]
    assert "三公”经费预算情况说明" in "".join(titles)
    assert all(s.page_start <= s.page_end for s in doc.iter_sections())


def test_running_footers_are_not_body_text():
    doc = parsed(CORPUS / "pdf" / "ae86_江苏省人民检察院__2018年省检察院部门预算公开.pdf")
    body = [ln.text for page in doc.pages for ln in page.lines]
    furniture = [ln.text for page in doc.pages for ln in page.furniture]
    assert furniture, "page numbers should be recognised as furniture"
    assert not any(text.strip().isdigit() and len(text.strip()) <= 2 for text in body[-5:])


def test_rotated_landscape_pages_are_read_upright():
    doc = parsed(CORPUS / "pdf" / "ae86_江苏省委办公厅__江苏省委办公厅2018年度部门预算公开表.pdf")
    assert doc.pages[2].rotation == 90
    summary = next(t for t in doc.tables if t.table_type == "budget.income_expenditure_summary")
    assert any(item.value > 0 for item in doc.line_items if item.table_id == summary.table_id)


def test_document_round_trips_through_json():
    doc = parsed(CORPUS / "pdf" / "gbc_中共上海市普陀区委社会工作部 2024 年度部门决算.pdf")
    again = Document.model_validate_json(doc.model_dump_json())
    assert again == doc
    assert again.tables[0].grid() == doc.tables[0].grid()


def test_a_targets_form_keeps_the_rows_at_the_top_of_its_continuation_page():
    """西南大学 2023 预算 p30–31: the 绩效目标表 goes on on p31 with its 年度总体目标 and indicator rows (分值 20, 20, 10,
    30, 5, 5), none of which repeats the p30 header; they were once dropped as if they did."""
    doc = parsed(CORPUS / "pdf" / "swu_20_swu_2023_department_budget__download.jsp.pdf")
    table = next(t for t in doc.tables if t.title == "236教育政策和法制工作专项绩效目标表")
    assert table.pages == [30, 31]
    grid = table.grid()
    assert [row[0] for row in grid if row[0] == "年度总体目标"] == ["年度总体目标"]
    assert [row[3] for row in grid if row[5].isdigit()] == [
        "调查研究报告数量",
        "举办会议数量",
        "项目完成率",
        "引领学术发展水平",
        "教职工满意度",
        "学生满意度",
    ]
