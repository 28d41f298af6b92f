"""Narrative layout: running headers/footers, table of contents, section tree, metadata."""

from extract.model import DocumentKind, Page, TextLine
from extract.parse.layout import make_blocks, read_toc, running_furniture
from extract.parse.meta import read_meta
from extract.pipeline import process
from extract.sections import build_sections


def _line(text, page=1, y=100.0, x=72.0, size=10.5, bold=False):
    return TextLine(text=text, page=page, bbox=(x, y, x + size * len(text), y + size), font_size=size, bold=bold)


def test_running_headers_and_page_numbers_are_furniture():
    pages = [
        [_line("某局2023年度部门决算", p, 20), _line(f"正文第{p}页的内容", p, 300), _line(f"- {p} -", p, 810)]
        for p in range(1, 7)
    ]
    furniture = running_furniture(pages, [842.0] * 6)
    assert {(p, 0) for p in range(6)} <= furniture
    assert {(p, 2) for p in range(6)} <= furniture
    assert not any((p, 1) in furniture for p in range(6))


def test_toc_page_is_recognised():
    lines = [_line("目  录", y=60), _line("第一部分 部门概况……………………1", y=100), _line("一、部门职责..........2", y=120)]
    page = Page(number=2, width=595, height=842, blocks=make_blocks(lines))
    entries = read_toc(page)
    assert [(e.title, e.page_label) for e in entries] == [("第一部分 部门概况", "1"), ("一、部门职责", "2")]


def _page(number, lines):
    return Page(number=number, width=595, height=842, blocks=make_blocks(lines))


def test_section_tree_levels_follow_numbering():
    p1 = _page(
        1,
        [
            _line("第一部分 部门概况", 1, 60, size=16),
            _line("一、部门职责", 1, 100),
            _line("（一）负责市场监管工作。", 1, 130),
            _line("二、机构设置", 1, 170),
        ],
    )
    p2 = _page(
        2,
        [
            _line("第二部分 情况说明", 2, 60, size=16),
            _line("一、收入支出决算总体情况说明", 2, 100),
            _line("2023年度收入总计1,234.56万元。", 2, 130),
            _line("名词解释", 2, 200, size=16, bold=True),
        ],
    )
    sections = build_sections([p1, p2])
    assert [(s.numbering, s.title, s.level) for s in sections] == [("第一部分", "部门概况", 1), ("第二部分", "情况说明", 1)]
    # An unnumbered heading nests inside the open 第X部分.
    assert [(c.numbering, c.title, c.level) for c in sections[1].children] == [
        ("一、", "收入支出决算总体情况说明", 2),
        ("", "名词解释", 2),
    ]
    first = sections[0]
    assert [(c.numbering, c.title, c.level) for c in first.children] == [("一、", "部门职责", 2), ("二、", "机构设置", 2)]
    assert "负责市场监管工作" in first.children[0].text  # a sentence, not a heading
    assert sections[1].page_start == 2 and "1,234.56万元" in sections[1].children[0].text


def test_metadata_from_cover():
    cover = _page(1, [_line("云溪市市场监督管理局", 1, 200, size=26), _line("2023年度部门决算", 1, 260, size=22)])
    meta = read_meta([cover], [])
    assert (meta.issuer, meta.year, meta.kind) == ("云溪市市场监督管理局", 2023, DocumentKind.FINAL_ACCOUNTS)
    budget = _page(
        1, [_line("上海市普陀区2024年区级部门预算", 1, 200, size=22), _line("预算主管部门：上海市普陀区司法局", 1, 260)]
    )
    meta = read_meta([budget], [])
    assert (meta.issuer, meta.year, meta.kind) == ("上海市普陀区司法局", 2024, DocumentKind.BUDGET)


def test_digits_in_another_font_stay_on_their_line(drawer, tmp_path):
    d = drawer()
    d.page.insert_font(fontname="helv")
    d.text(72, 100, "收入总计")
    d.page.insert_text((72 + 4 * 10.5, 100), "79,025,301.26", fontname="helv", fontsize=10.5)
    d.text(72 + 4 * 10.5 + 70, 100, "元，增长10.53%。")
    doc = process(d.save(tmp_path / "fonts.pdf"))
    lines = [ln.text for ln in doc.pages[0].lines]
    assert "收入总计79,025,301.26元，增长10.53%。" in [t.replace(" ", "") for t in lines]


def test_toc_continued_on_the_next_page():
    lines = [_line("六、一般公共预算财政拨款基本支出决算情况说明……………12", y=60), _line("第四部分 名词解释…………………20", y=90)]
    page = Page(number=3, width=595, height=842, blocks=make_blocks(lines))
    assert read_toc(page) == []
    assert [e.page_label for e in read_toc(page, continues_toc=True)] == ["12", "20"]
