"""Narrative records grounded in the document's tables: links to the cells they restate, subjects of 类/款/项 chains
from the rows, metric defaults and reasons across sentences (issue 25). Real documents of ../shared/corpus."""

from __future__ import annotations

import pytest

from conftest import CORPUS, parsed, requires_corpus
from extract.pipeline import process
from extract.records.build import TaggedSentence, document_records, sentence_records
from extract.records.ground import ground_records, table_cells
from extract.records.subjects import ground_subjects
from extract.tag.spans import Span

SWU_FINAL = CORPUS / "pdf" / "swu_21_swu_2023_final_accounts__download.jsp.pdf"
JSZX_TABLES = CORPUS / "pdf" / "ae86_江苏省政协办公厅__江苏省政协办公厅2019年预算公开表.pdf"


def spans_of(text: str, *items: tuple[str, str]) -> list[Span]:
    spans, at = [], 0
    for label, piece in items:
        start = text.index(piece, at)
        spans.append(Span(start, start + len(piece), label, piece))
        at = start + len(piece)
    return spans


@requires_corpus
def test_amounts_link_to_the_cell_they_restate_and_changes_to_none() -> None:
    doc = parsed(SWU_FINAL)
    by_raw = {r.raw: r for r in doc.records if r.label == "AMOUNT"}
    items = {(i.table_id, i.row, i.col): i for i in doc.line_items}
    education = by_raw["425,287.27万元"]  # 教育支出425,287.27万元，占总支出的92.92%
    item = items[(education.link_table_id, education.link_row, education.link_col)]
    assert education.link_doc_id == doc.doc_id
    assert item.name == "教育支出" and item.raw == "425,287.27"
    assert by_raw["54,492.83万元"].link_table_id is None  # a change: no table of this 决算 prints one
    coded = by_raw["16,769.73万元"]  # 2.高中教育（2050204），2023年度决算数为16,769.73万元
    assert coded.subject_code == "2050204" and items[(coded.link_table_id, coded.link_row, coded.link_col)].code == "2050204"
    linked = [r for r in doc.records if r.link_table_id]
    assert all(items[(r.link_table_id, r.link_row, r.link_col)].value == pytest.approx(r.value_yuan, abs=51) for r in linked)


@requires_corpus
def test_a_number_that_names_another_line_is_not_a_link() -> None:
    """会议费 1,282.56 in the 三公 table equals 政协会议（项） 1,282.56: the chain's words pick the 功能分类 row."""
    tables = process(JSZX_TABLES, tagger=None)
    text = "3.政协事务（款）政协会议（项）1,282.56 万元，与上年相比增加468.4万元，增长57.53%。"
    sentence = TaggedSentence(
        "s1",
        text,
        spans_of(
            text,
            ("SUBJECT", "政协事务（款）政协会议（项）"),
            ("AMOUNT", "1,282.56 万元"),
            ("AMOUNT", "468.4万元"),
            ("PERCENT", "57.53%"),
        ),
        "（一） 一般公共服务支出（类）",
    )
    records = document_records([sentence], kind="部门预算")
    ground_records(records, table_cells([tables]))
    level, change = records[0], records[1]
    item = next(
        i for i in tables.line_items if (i.table_id, i.row, i.col) == (level.link_table_id, level.link_row, level.link_col)
    )
    assert item.name == "政协会议" and item.code == "2010204"
    assert change.link_table_id is None


@requires_corpus
def test_a_chain_that_names_a_table_row_becomes_the_whole_subject() -> None:
    cells = table_cells([process(JSZX_TABLES, tagger=None)])
    text = "2.行政事业单位离退休（款）机关事业单位基本养老保险缴费支出（项）415.33万元，与上年相比增加7.52万元，增长1.84%。"
    cut = spans_of(text, ("SUBJECT", "机关事业单位基本养老保险缴费支出"), ("AMOUNT", "415.33万元"), ("AMOUNT", "7.52万元"))
    repaired = ground_subjects(text, cut, cells)
    assert [s.text for s in repaired if s.label == "SUBJECT"] == [
        "行政事业单位离退休（款）机关事业单位基本养老保险缴费支出（项）"
    ]
    unknown = "2.某某事务（款）某某项目（项）15.33万元。"  # no row of these tables: left as the tagger read it
    spans = spans_of(unknown, ("SUBJECT", "某某项目"), ("AMOUNT", "15.33万元"))
    assert ground_subjects(unknown, spans, cells) == spans


@pytest.mark.parametrize(
    ("kind", "section", "metric"),
    [
        ("部门决算", "二、 收入支出决算总体情况说明", "决算数"),
        ("部门预算", "一、 收支预算总体情况说明", "预算数"),
        ("单位预算", "一、 收支预算总体情况说明", "预算数"),
        ("部门决算", "第四部分 附件 > 项目支出绩效自评报告", None),
        ("绩效自评", "一、 部门基本情况", None),
    ],
)
def test_a_plain_level_takes_the_metric_of_the_document(kind: str, section: str, metric: str | None) -> None:
    text = "收入总计430,725.03万元，与上年相比减少23,616.80万元，主要原因是新增专项资金310万元到位较晚。"
    spans = spans_of(
        text,
        ("SUBJECT", "收入总计"),
        ("AMOUNT", "430,725.03万元"),
        ("AMOUNT", "23,616.80万元"),
        ("REASON", "主要原因是新增专项资金310万元到位较晚"),
    )
    spans.append(Span(text.index("310万元"), text.index("310万元") + 5, "AMOUNT", "310万元"))
    level, change, inside_reason = sentence_records(TaggedSentence("s1", text, spans, section), kind=kind)
    assert level.metric == metric
    assert change.metric == "增减额"
    assert inside_reason.metric is None  # an amount that explains a change is not a line of the accounts


def test_a_reason_sentence_explains_the_change_of_the_subject_it_names() -> None:
    first = "其中：财政拨款收入增加14,458.07万元，事业收入增加974.61万元，其他收入减少39,049.48万元。"
    second = "学校其他收入与上年比较发生较大差异的原因是债务收入减少。"
    sentences = [
        TaggedSentence(
            "s1",
            first,
            spans_of(
                first,
                ("SUBJECT", "财政拨款收入"),
                ("AMOUNT", "14,458.07万元"),
                ("SUBJECT", "事业收入"),
                ("AMOUNT", "974.61万元"),
                ("SUBJECT", "其他收入"),
                ("AMOUNT", "39,049.48万元"),
            ),
        ),
        TaggedSentence("s2", second, spans_of(second, ("REASON", "原因是债务收入减少"))),
    ]
    records = document_records(sentences, kind="部门决算")
    assert {r.subject: r.reason for r in records} == {"财政拨款收入": None, "事业收入": None, "其他收入": "原因是债务收入减少"}


@requires_corpus
def test_the_tables_row_names_name_amounts_and_widen_cut_subjects() -> None:
    """The row names of the document's tables, and the lines its tables are named after, as a gazetteer: an amount
    left without a SUBJECT after a row's name takes it; a SUBJECT cut inside a printed row name is widened to it."""
    cells = table_cells([process(JSZX_TABLES, tagger=None)])
    text = "2019年本部门一般公共预算机关运行经费预算支出3,167.56万元，政府采购合计2,000万元，其他支出5万元。"
    cut = spans_of(
        text,
        ("SUBJECT", "机关运行经费"),
        ("AMOUNT", "3,167.56万元"),
        ("AMOUNT", "2,000万元"),
        ("SUBJECT", "其他支出"),
        ("AMOUNT", "5万元"),
    )
    subjects = [s.text for s in ground_subjects(text, cut, cells) if s.label == "SUBJECT"]
    assert subjects == ["一般公共预算机关运行经费", "政府采购合计", "其他支出"]
    named = "住房改革支出（款）：2019年预算支出合计3,660.38万元。"  # a colon does not leave the chain's amount unnamed
    chain = spans_of(named, ("SUBJECT", "住房改革支出（款）"), ("AMOUNT", "3,660.38万元"))
    assert ground_subjects(named, chain, cells) == chain
