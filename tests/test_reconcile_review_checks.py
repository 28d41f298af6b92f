"""Review-grade checks on the printed text (V001–V050): a passing and a failing example each, on pages laid
out as a disclosure prints them (paragraphs wrapped at the text width, a last line that stops short)."""

from __future__ import annotations

from extract.model import Document, DocumentKind, DocumentMeta, FindingStatus, Page, TextBlock, TextLine, TocEntry
from extract.reconcile import run_checks
from extract.reconcile.engine import MAX_REPORTS_PER_KIND
from extract.records.build import TaggedSentence, document_records
from extract.records.ground import ground_records, table_cells
from extract.tag.spans import Span
from reconcile_builders import build_document, datong_2022, grid_table

OK, BAD = FindingStatus.CONSISTENT, FindingStatus.INCONSISTENT
WIDTH = 30
"""Characters per full line; a full line ends at the right edge of the text."""


def page_of(number: int, *paragraphs: str, start_y: float = 80.0) -> Page:
    """A page printing `paragraphs`, each wrapped at WIDTH characters of 12 pt."""
    lines, y = [], start_y
    for text in paragraphs:
        for k in range(0, len(text), WIDTH):
            chunk = text[k : k + WIDTH]
            lines.append(TextLine(text=chunk, page=number, bbox=(60.0, y, 60.0 + 12 * len(chunk), y + 12), font_size=12))
            y += 16
        y += 6
    return Page(number=number, width=595, height=842, blocks=[TextBlock(page=number, bbox=(60, 60, 540, 800), lines=lines)])


def narrative(*pages: list[str], kind: DocumentKind = DocumentKind.FINAL_ACCOUNTS) -> Document:
    doc = Document(doc_id="r", path="r.pdf", meta=DocumentMeta(kind=kind, year=2022, issuer="大同市应急管理局"))
    doc.pages = [page_of(n, *texts) for n, texts in enumerate(pages, 1)]
    return doc


def inconsistent(doc: Document, prefix: str) -> list:
    return [f for f in run_checks(doc, only=[prefix]) if f.status == BAD]


PROSE = "本部门主要职责是贯彻执行国家有关方针政策和法律法规，组织实施全市应急管理工作，承担安全生产综合监督管理职责。"
SECOND = "负责统一协调指挥各类应急专业队伍，建立应急协调联动机制，推进指挥平台对接工作。"


# -- numbering --------------------------------------------------------------------------------


def headings(*numbers: str) -> list[str]:
    return [text for n in numbers for text in (f"{n}部门职责", PROSE)]


def test_numbering_in_order_passes_at_every_level() -> None:
    doc = narrative(
        [
            "第一部分 部门概况",
            *headings("一、"),
            "（一）主要职能",
            PROSE,
            "1、行政运行",
            PROSE,
            "2、机关服务",
            PROSE,
            "（二）机构设置",
            PROSE,
            *headings("二、"),
            "第二部分 情况说明",
            *headings("一、", "二、"),
        ]
    )
    assert [f.status for f in run_checks(doc, only=["V001"])] == [OK]


def test_numbering_swap_is_reported_at_both_items() -> None:
    doc = narrative([*headings("二、", "一、", "三、")])
    bad = inconsistent(doc, "V001")
    assert bad and {e.text[:2] for f in bad for e in f.evidence} >= {"二、", "一、"}


def test_a_part_heading_is_the_outer_level_even_when_the_first_is_not_printed() -> None:
    doc = narrative([*headings("一、", "二、"), "第二部分 情况说明", *headings("一、", "二、", "四、", "三、")])
    doc.toc = [TocEntry(title=t, page=1) for t in ("第一部分 部门概况", "三、部门职责", "四、部门职责")]
    (bad,) = inconsistent(doc, "V001")  # 四、 is forgiven by the contents, 三、 after it is not
    assert bad.found == "三、" and [e.text[:2] for e in bad.evidence] == ["三、", "四、"]


def test_numbering_gap_across_a_page_break_is_reported() -> None:
    doc = narrative(headings("1、", "2、"), headings("4、"))
    (bad,) = inconsistent(doc, "V001")
    assert bad.found == "4、" and "3、" in bad.message_zh and bad.evidence[0].page == 2


def test_items_moved_under_the_next_heading_are_reported() -> None:
    doc = narrative(["（一）基本支出", *headings("1、", "2、", "3、"), "（二）项目支出", *headings("5、", "4、", "3、")])
    bad = inconsistent(doc, "V001")
    assert bad and bad[0].found == "5、"


def test_numbering_forgives_lists_numbered_through_a_part_and_items_printed_inline() -> None:
    through = narrative(["（一）基本支出", *headings("1、", "2、"), "（二）项目支出", *headings("3、", "4、")])
    inline = narrative([f"主要做法：1、加强管理。2、压减开支。3、{SECOND}", *headings("4、")])
    assert not inconsistent(through, "V001") and not inconsistent(inline, "V001")


def test_contents_and_body_number_a_heading_alike() -> None:
    body = ["一、部门职责", PROSE, "二、机构设置", PROSE, "三、收入支出预算总体情况", PROSE]
    doc = narrative(body)
    doc.toc = [TocEntry(title=t, page=1) for t in ("一、部门职责", "二、机构设置", "三、收入支出预算总体情况")]
    assert {f.status for f in run_checks(doc, only=["V002"])} == {OK}
    swapped = narrative(["一、部门职责", PROSE, "三、机构设置", PROSE, "二、收入支出预算总体情况", PROSE])
    swapped.toc = doc.toc
    bad = inconsistent(swapped, "V002")
    assert [f.found for f in bad] == ["三、", "二、"] and bad[0].evidence[1].text == "二、机构设置"


# -- punctuation ------------------------------------------------------------------------------


def test_doubled_sentence_end_ignores_whitespace() -> None:
    assert not inconsistent(narrative([PROSE, SECOND]), "V010")
    (bad,) = inconsistent(narrative([PROSE[:-1] + "。 。" + SECOND]), "V010")
    assert "。。" in bad.found and bad.evidence[0].page == 1


def test_paragraph_without_its_final_mark() -> None:
    assert not inconsistent(narrative([PROSE + SECOND, "二、机构设置"]), "V011")
    (bad,) = inconsistent(narrative([PROSE + SECOND[:-1], "二、机构设置"]), "V011")
    assert bad.found.endswith("对接工作")


def test_unbalanced_bracket_is_reported() -> None:
    assert not inconsistent(
        narrative(["一般公共服务支出（类）人大事务（款)行政运行（项）支出30.5万元，主要用于机关运转。"]), "V012"
    )
    (bad,) = inconsistent(narrative(["一般公共服务支出（类）人大事务行政运行）支出30.5万元，主要用于机关运转。"]), "V012")
    assert bad.found.startswith("）")


def test_number_with_mixed_widths() -> None:
    assert not inconsistent(narrative(["本年支出合计1,234.56万元，比上年增加１２．５万元，主要是人员经费增加。"]), "V013")
    (bad,) = inconsistent(narrative(["本年支出合计1,234．56万元，比上年增加12.5万元，主要是人员经费增加。"]), "V013")
    assert bad.found == "1,234．56"


def test_repeated_reports_of_one_kind_are_capped() -> None:
    doc = narrative([PROSE[:-1] + "。。" + SECOND for _ in range(MAX_REPORTS_PER_KIND + 4)])
    bad = inconsistent(doc, "V010")
    assert len(bad) == MAX_REPORTS_PER_KIND + 1 and "4" in bad[-1].found


# -- table titles -----------------------------------------------------------------------------


def titled(title_lines: list[tuple[str, float]], **table_fields) -> Document:
    table = grid_table("t01", "final.income_expenditure_summary", ["项目", "金额"], [["总计", "100.00"]], page=1, **table_fields)
    lines = [TextLine(text=t, page=1, bbox=(x, 80.0, x + 12 * len(t), 92.0), font_size=14) for t, x in title_lines]
    doc = narrative([])
    doc.pages = [Page(number=1, width=595, height=842, blocks=[TextBlock(page=1, bbox=(60, 80, 540, 92), lines=lines)])]
    doc.tables = [table]
    return doc


def test_table_title_broken_before_its_final_character() -> None:
    assert not inconsistent(titled([("收入支出决算总表", 200.0)]), "V020")
    (bad,) = inconsistent(titled([("收入支出决算总", 200.0), ("表", 520.0)]), "V020")
    assert bad.expected == "收入支出决算总表" and len(bad.evidence) == 2


def test_table_label_without_its_table() -> None:
    assert not inconsistent(narrative([PROSE]), "V021")
    (bad,) = inconsistent(narrative([PROSE], ["公开08表"]), "V021")
    assert bad.evidence[0].page == 2


def laid_out(pages: list[list[tuple[str, float]]]) -> Document:
    """Pages printing each (text, top) line; the table's grid starts at y 100 on the last page."""
    doc = narrative([])
    doc.pages = [
        Page(
            number=n,
            width=595,
            height=842,
            blocks=[
                TextBlock(
                    page=n,
                    bbox=(60, 20, 540, 800),
                    lines=[TextLine(text=t, page=n, bbox=(60.0, y, 60.0 + 12 * len(t), y + 12), font_size=12) for t, y in lines],
                )
            ],
        )
        for n, lines in enumerate(pages, 1)
    ]
    grid = grid_table("t01", "final.income_expenditure_summary", ["项目", "金额"], [["总计", "100.00"]], page=len(pages))
    doc.tables = [grid]
    return doc


def test_table_title_next_to_its_grid() -> None:
    title, sentence = "收入支出决算总表", "本表反映部门本年度的总收支和年末结转结余情况，单位为元。"
    assert not inconsistent(laid_out([[(title, 80.0)]]), "V022")
    assert not inconsistent(laid_out([[(sentence, 40.0), (title, 80.0)]]), "V022")
    (bad,) = inconsistent(laid_out([[(title, 40.0), (sentence, 70.0)]]), "V022")
    assert [e.text for e in bad.evidence] == [title, sentence]
    (bad,) = inconsistent(laid_out([[(title, 700.0), (sentence, 740.0)], []]), "V022")
    assert bad.evidence[0].page == 1 and bad.evidence[1].text == sentence
    assert not inconsistent(laid_out([[(sentence, 700.0), (title, 740.0)], []]), "V022")


# -- what the narrative states ----------------------------------------------------------------


def with_tables(*paragraphs: str) -> Document:
    doc = build_document(*datong_2022())
    doc.meta = DocumentMeta(kind=DocumentKind.FINAL_ACCOUNTS, year=2022, issuer="大同市应急管理局")
    doc.pages = [page_of(1), page_of(2), page_of(3), page_of(4, *paragraphs)]
    return doc


def test_stated_summary_total_against_its_table_line_however_far_off() -> None:
    # the seed's 财政拨款收入支出决算总表 prints 收入总计 78,988,607.88 元
    good = with_tables("一、财政拨款收入支出决算总体情况说明", "2022年度财政拨款收入支出总计7,898.86万元，与上年相比有所增加。")
    bad = with_tables("一、财政拨款收入支出决算总体情况说明", "2022年度财政拨款收入支出总计0.3万元，与上年相比有所增加。")
    assert [f.status for f in run_checks(good, only=["V050"])] == [OK]
    (found,) = inconsistent(bad, "V050")
    assert found.evidence[0].page == 4 and found.evidence[1].table_id == "t04"


def test_another_years_total_is_left_alone() -> None:
    doc = with_tables("一、收入支出决算总体情况说明", "与上年相比，2021年度收入支出总计0.3万元。")
    assert run_checks(doc, only=["V050"]) == []


def test_blank_three_public_table_while_the_narrative_states_an_amount() -> None:
    doc = with_tables("七、“三公”经费支出决算情况说明", "2022年度“三公”经费财政拨款支出决算为49.25万元，完成预算的96.94%。")
    t07 = doc.table("t07")
    t07.title = "财政拨款“三公”经费支出决算表"
    assert not inconsistent(doc, "V030")
    doc.line_items = [i for i in doc.line_items if i.table_id != "t07"]
    t07.cells = [c for c in t07.cells if c.is_header]
    (bad,) = inconsistent(doc, "V030")
    assert bad.evidence[0].table_id == "t07" and bad.evidence[1].page == 4


def test_blank_three_public_line_while_the_narrative_states_its_amount() -> None:
    # the seed's 三公 table prints 公务用车运行维护费 (49.25万元) and leaves 公务接待费 blank
    stated = "其中：公务用车运行维护费支出决算为49.25万元，公务接待费支出决算为{}万元，主要用于公务活动。"
    doc = with_tables("七、“三公”经费支出决算情况说明", stated.format("0"))
    doc.table("t07").title = "财政拨款“三公”经费支出决算表"
    assert not inconsistent(doc, "V031")
    doc.pages[3] = page_of(4, "七、“三公”经费支出决算情况说明", stated.format("3.50"))
    (bad,) = inconsistent(doc, "V031")
    assert "公务接待费" in bad.message_zh and "3.50万元" in bad.expected
    assert bad.evidence[0].table_id == "t07" and bad.evidence[1].page == 4
    doc.pages[3] = page_of(4, "七、“三公”经费支出决算情况说明", "公务接待费支出决算比上年减少3.50万元，主要是压减开支。")
    assert not inconsistent(doc, "V031")  # a change is not the line's own amount


def with_stated_row(sentence: str, subject: str, amount: str) -> Document:
    """The seed's tables under a narrative sentence, its amount read as a record of `subject` and grounded."""
    doc = with_tables("二、支出决算情况说明", sentence)
    at = sentence.index(amount)
    spans = [
        Span(sentence.index(subject), sentence.index(subject) + len(subject), "SUBJECT", subject),
        Span(at, at + len(amount), "AMOUNT", amount),
    ]
    doc.records = document_records([TaggedSentence("s1", sentence, spans, "二、支出决算情况说明", page=4)], 2022, "部门决算")
    ground_records(doc.records, table_cells([doc]))
    return doc


def test_blank_classification_row_while_the_narrative_states_its_amount() -> None:
    # the seed's 支出决算表 (t03) and 一般公共预算财政拨款支出决算表 (t05) print 卫生健康支出 (210) 1,339,305.49 元
    sentence = "2022年度卫生健康支出133.93万元，主要用于行政事业单位医疗。"
    doc = with_stated_row(sentence, "卫生健康支出", "133.93万元")
    assert [f.status for f in run_checks(doc, only=["V032"])] == [OK]
    for table_id in ("t03", "t05"):
        first = min((i for i in doc.line_items if i.table_id == table_id and i.code == "210"), key=lambda i: i.col)
        doc.line_items.remove(first)
        cell = next(c for c in doc.table(table_id).cells if (c.row, c.col) == (first.row, first.col))
        cell.text, cell.value = "", None
    (bad,) = inconsistent(doc, "V032")
    assert "卫生健康支出" in bad.message_zh and "133.93万元" in bad.expected
    assert bad.evidence[0].table_id == "t03" and bad.evidence[1].text == sentence
    doc = with_stated_row("卫生健康支出比上年增加133.93万元，主要是人员增加。", "卫生健康支出", "133.93万元")
    assert not inconsistent(doc, "V032")  # a change is not the row's own amount


def item(actual: str, statement: str) -> Document:
    text = f"1、机关运行经费。全年预算为36.55万元，支出决算为{actual}万元，完成预算的91.60%。{statement}的原因是厉行节约。"
    return narrative([text])


def test_stated_comparison_against_its_numbers() -> None:
    assert [f.status for f in run_checks(item("36.55", "决算数与全年预算数持平"), only=["V040"])] == [OK]
    assert [f.status for f in run_checks(item("33.48", "决算数小于全年预算数"), only=["V040"])] == [OK]
    assert [f.status for f in run_checks(item("35.10", "决算数与预算数基本持平"), only=["V040"])] == [OK]  # within 10%
    (bad,) = inconsistent(item("33.48", "决算数等于全年预算数"), "V040")
    assert "33.48万元" in bad.expected and bad.evidence[0].page == 1
    assert inconsistent(item("33.48", "决算数与全年预算数持平"), "V040")


def test_text_read_by_ocr_is_not_judged_for_punctuation_or_numbering() -> None:
    doc = narrative([PROSE[:-1] + "。。" + SECOND, *headings("1、", "3、")])
    assert inconsistent(doc, "V010") and inconsistent(doc, "V001")
    for page in doc.pages:
        page.ocr = "no_text_layer"
        for line in page.lines:
            line.confidence = 0.93
    assert not inconsistent(doc, "V010") and not inconsistent(doc, "V001")
