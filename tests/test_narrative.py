"""Which sections' text becomes narrative sentences (extract/tag/narrative.py)."""

from __future__ import annotations

from extract.model import Document, Section
from extract.tag.narrative import narrative_sentences


def _section(numbering: str, title: str, text: str = "", children: list[Section] | None = None) -> Section:
    return Section(
        level=1,
        numbering=numbering,
        title=title,
        page_start=1,
        page_end=1,
        bbox=(60.0, 80.0, 300.0, 92.0),
        text=text,
        children=children or [],
    )


def test_appendix_reports_are_narrative_but_glossary_and_table_dumps_are_not() -> None:
    doc = Document(
        doc_id="0123456789abcdef0123",
        path="/tmp/datong.pdf",
        sections=[
            _section("第三部分", "情况说明", "本年收入合计79,025,301.26元。"),
            _section("第四部分", "名词解释", "基本支出：指为保障机构正常运转而发生的支出。"),
            _section("附件1", "2022年度部门决算公开表", "收入支出决算总表 单位：元 79,025,301.26"),
            _section("第五部分", "附件", "此项目年初预算为 100 万元，实际支出为 94.73 万元，基本完成了专款专用。"),
        ],
    )
    sentences = narrative_sentences(doc)
    assert [s.text for s in sentences] == [
        "本年收入合计79,025,301.26元。",
        "此项目年初预算为 100 万元，实际支出为 94.73 万元，基本完成了专款专用。",
    ]
    assert sentences[1].section_path == "第五部分 附件"
    assert [s.sentence_id for s in sentences] == ["0123456789abcdef-0001", "0123456789abcdef-0002"]
