"""DOCX, XLSX/XLS and HTML disclosures read into the same Document as a PDF.

Seed 000 (大同 2022 部门决算) is rendered by `scripts/render_seed.py` with the `scripts/docgen.py` writers
into each format in a temporary folder; its PDF render (tests/fixtures) is the reference. Bad files are
made from those renders by the same script.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
from collections import Counter
from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from conftest import FIXTURES, ROOT, SEEDS, parsed
from extract.model import DocumentStatus
from extract.parse.containers import libreoffice
from extract.parse.html import detect_encoding
from extract.parse.sheets import MAX_SHEET_ROWS, printed_number
from extract.pipeline import collect_inputs, process
from extract.tables.items import clean_name

sys.path.insert(0, str(ROOT / "scripts"))

from docgen import (
    DocxWriter,
    HtmlWriter,
    SheetWriter,
    write_broken_part,
    write_huge_sheet,
    write_legacy,
    write_locked,
    write_truncated,
    write_unrelated_page,
)
from render_seed import render

FORMATS = ("docx", "xlsx", "xls", "html")
PDF = FIXTURES / "seed000_final_2022.pdf"
TRUTH = FIXTURES / "seed000_final_2022.truth.json"

pytestmark = pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds is not beside this checkout")


def _writer(fmt: str, form: bool = False):
    return {"docx": DocxWriter, "html": HtmlWriter}.get(fmt, lambda: SheetWriter(form=form))()


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("formats")
    seed = next(SEEDS.glob("000_*.txt"))
    paths = {}
    for fmt in FORMATS:
        paths[fmt] = folder / f"seed000.{fmt}"
        render(seed, paths[fmt], _writer(fmt))
    return paths


@pytest.fixture(scope="module")
def documents(rendered):
    return {fmt: process(path) for fmt, path in rendered.items()}


def _item_keys(doc, prefix: str = "") -> Counter:
    return Counter((i.table_type, i.code, i.column, round(i.value, 2)) for i in doc.line_items if i.table_type.startswith(prefix))


def _record_keys(doc) -> Counter:
    squeeze = lambda text: "".join(text.split()) if text else text  # noqa: E731 — the seed prints "94.93 分"
    return Counter((squeeze(r.subject), r.metric, squeeze(r.raw), r.unit) for r in doc.records)


def _recall(reference: Counter, found: Counter) -> float:
    return sum((reference & found).values()) / sum(reference.values())


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_amount_of_the_public_tables_is_a_line_item(documents, fmt):
    """The truth file of the PDF render, checked against each format: type, code (or name), column, value."""
    doc = documents[fmt]
    assert doc.status == DocumentStatus.OK, doc.error
    missing = []
    for table in json.loads(TRUTH.read_text(encoding="utf-8")):
        doc_table = next(t for t in doc.tables if t.table_type == table["table_type"])
        items = [i for i in doc.line_items if i.table_id == doc_table.table_id]
        labelled = "label" in doc_table.column_roles
        for expected in table["items"]:
            if not any(
                abs(i.value - expected["value_yuan"]) <= 0.005
                and i.column.split("/")[-1] == expected["column"].split("/")[-1]
                and (
                    i.code == expected["code"]
                    if expected["code"]
                    else i.name == (clean_name(expected["name"]) if labelled else "")
                )
                for i in items
            ):
                missing.append((table["table_type"], expected))
    assert not missing, missing[:5]


@pytest.mark.parametrize("fmt", FORMATS)
def test_same_line_items_and_records_as_the_pdf(documents, fmt):
    pdf, doc = parsed(PDF), documents[fmt]
    assert _recall(_item_keys(pdf, "final."), _item_keys(doc, "final.")) >= 0.995
    assert _recall(_item_keys(pdf), _item_keys(doc)) >= 0.995  # the 绩效自评表 too, cut at page breaks in the PDF
    assert _recall(_record_keys(pdf), _record_keys(doc)) >= 0.995
    assert doc.meta.model_dump() | {"title": None} == pdf.meta.model_dump() | {"title": None}
    public = lambda d: [(t.table_type, t.number_label, t.title, t.unit) for t in d.tables if t.table_type.startswith("final.")]  # noqa: E731
    assert public(doc) == public(pdf)


def test_a_report_of_forms_gives_the_line_items_of_its_pdf(tmp_path):
    """Seed 001 (衡阳 绩效自评报告): 自评表 forms cut at page breaks, one whose first page holds only its funding and
    goal rows, and an indicator table printed under a paragraph on the page after a form that filled its page."""
    seed = next(SEEDS.glob("001_*.txt"))
    render(seed, tmp_path / "seed001.pdf")
    render(seed, tmp_path / "seed001.docx", DocxWriter())
    pdf, doc = process(tmp_path / "seed001.pdf", tagger=None), process(tmp_path / "seed001.docx", tagger=None)
    assert [(t.table_type, t.n_rows) for t in pdf.tables] == [(t.table_type, t.n_rows) for t in doc.tables]
    pairs = zip(pdf.tables, doc.tables, strict=True)
    forms = [(a.header_rows, b.header_rows) for a, b in pairs if b.table_type.startswith("perf.")]
    assert len(forms) >= 8 and all(a == b for a, b in forms)
    assert pdf.meta.year == doc.meta.year == 2022  # the report's year, not its 填报日期's
    assert pdf.meta.kind == doc.meta.kind
    assert _recall(_item_keys(pdf), _item_keys(doc)) >= 0.995


def test_spreadsheet_values_come_from_the_cells(documents):
    doc = documents["xlsx"]
    summary = next(t for t in doc.tables if t.table_type == "final.income_expenditure_summary")
    cells = {c.locator: c for c in summary.cells}
    items = [i for i in doc.line_items if i.table_id == summary.table_id]
    assert items and all(re.fullmatch(r"'公开01表'![A-Z]+\d+", i.locator) for i in items)
    for item in items:
        cell = cells[item.locator]
        assert cell.value is not None and item.raw == cell.text
        assert item.value == pytest.approx(cell.value * (10000 if summary.unit == "万元" else 1))


def test_provenance_without_boxes(documents):
    docx_doc, html_doc = documents["docx"], documents["html"]
    assert docx_doc.source_format == "docx" and html_doc.source_format == "html"
    assert all(re.fullmatch(r"t\d+\.r\d+\.c\d+", i.locator) for i in docx_doc.line_items)
    assert all(i.locator.startswith("/html/body/") for i in html_doc.line_items)
    placed = [s for s in docx_doc.sentences if s.bbox]  # a sentence of under 4 characters is not placed
    assert len(placed) > 100 and all(re.fullmatch(r"p\d+", s.locator) for s in placed)
    assert all(r.locator for r in docx_doc.records)
    paragraphs = docx.Document(str(docx_doc.path)).paragraphs
    sentence = placed[0]
    assert sentence.text[:10] in paragraphs[int(sentence.locator[1:]) - 1].text


def test_self_evaluation_form_explanations_are_narrative(tmp_path):
    """002's 自评表 as a workbook: each 说明 block (label + merged text) is a section whose text is tagged."""
    path = tmp_path / "jinzhong_2020.xlsx"
    render(next(SEEDS.glob("002_*.txt")), path, SheetWriter(form=True))
    doc = process(path)
    titles = {s.title: s for s in doc.iter_sections()}
    assert "单位职能概况" in titles and titles["单位职能概况"].text.startswith("晋中市应急管理局")
    assert any(s.section_path == "预算执行情况" and re.fullmatch(r"'封面'!B\d+", s.locator) for s in doc.sentences)
    assert any(r.metric and r.value_yuan for r in doc.records)
    assert {t.table_type for t in doc.tables} == {"perf.dept_self_eval"}


def test_xls_reads_like_the_xlsx_it_was_written_from(tmp_path):
    """002's 自评表 written as XLSX and (xlwt) as XLS: the XLS's number formats ("16.00", not "16", which would
    make a body row a header row) and cell borders (which delimit the tables) give the XLSX's line items."""
    documents = {}
    for suffix in ("xlsx", "xls"):
        path = tmp_path / f"jinzhong_2020.{suffix}"
        render(next(SEEDS.glob("002_*.txt")), path, SheetWriter(form=True))
        documents[suffix] = process(path)
    xlsx, xls = documents["xlsx"], documents["xls"]
    assert xls.status == DocumentStatus.OK and sum(_item_keys(xlsx).values()) >= 80
    assert _item_keys(xls) == _item_keys(xlsx)
    assert [(i.locator, i.raw) for i in xls.line_items] == [(i.locator, i.raw) for i in xlsx.line_items]


def test_docx_headings_and_word_numbering(tmp_path):
    """Heading styles and automatic Chinese numbering ("一、" from numbering.xml) build the section tree;
    a paragraph inside a content control (w:sdt) is read where it stands."""
    document = docx.Document()
    numbering = document.part.numbering_part.element
    numbering.insert(
        0,
        parse_xml(
            f'<w:abstractNum {nsdecls("w")} w:abstractNumId="90"><w:lvl w:ilvl="0"><w:start w:val="1"/>'
            '<w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl></w:abstractNum>'
        ),
    )
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    part = document.add_heading("第三部分 2022年度部门决算情况说明", 1)._p
    control = parse_xml(f"<w:sdt {nsdecls('w')}><w:sdtContent/></w:sdt>")  # a content control around the heading
    part.addprevious(control)
    control[0].append(part)
    for title, body in (("收入决算情况", "2022年度收入合计1234.56万元。"), ("支出决算情况", "2022年度支出合计1200.00万元。")):
        heading = document.add_heading(title, 2)
        heading._p.get_or_add_pPr().append(
            parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="0"/><w:numId w:val="90"/></w:numPr>')
        )
        document.add_paragraph(body)
    path = tmp_path / "说明.docx"
    document.save(path)
    doc = process(path)
    (part,) = doc.sections
    assert (part.numbering, part.title) == ("第三部分", "2022年度部门决算情况说明")
    assert [(c.numbering, c.title) for c in part.children] == [("一、", "收入决算情况"), ("二、", "支出决算情况")]
    assert part.children[1].text == "2022年度支出合计1200.00万元。"


def test_paragraph_spacing_reads_as_from_a_printed_page(tmp_path):
    """Word users type a space around numbers ("2022 年 … 6033.97 万元"); a PDF's text layer does not read a gap
    that narrow, and the taggers learnt from PDFs: the paragraph reads, and tags, as its printed page does."""
    typed = "2022 年我局调整后预算收入 6033.97 万元，实际发生支出 6033.97 万元，预算执行率 100%。"
    documents = {}
    for name, text in (("spaced", typed), ("printed", "".join(typed.split()))):
        document = docx.Document()
        document.add_heading("三、一般公共预算支出情况", 1)
        document.add_paragraph(text)
        document.add_paragraph("单位名称  衡阳市应急管理局")  # two spaces: a gap that prints wide
        document.save(tmp_path / f"{name}.docx")
        documents[name] = process(tmp_path / f"{name}.docx")
    doc = documents["spaced"]
    texts = [line.text for page in doc.pages for block in page.blocks for line in block.lines]
    assert texts[1:] == ["".join(typed.split()), "单位名称 衡阳市应急管理局"]
    assert len(doc.records) >= 3
    assert _record_keys(doc) == _record_keys(documents["printed"])


def test_html_encodings():
    page = '<html><head><meta charset="gb2312"></head><body><p>部门预算</p></body></html>'
    assert detect_encoding(page.encode("gbk")) == "gb18030"
    assert detect_encoding(page.encode("utf-8")) == "utf-8"  # the declaration is wrong: the bytes decide
    assert detect_encoding(b"\xef\xbb\xbf" + "<p>决算</p>".encode()) == "utf-8-sig"
    assert detect_encoding("<p>决算说明</p>".encode("gb18030")) == "gb18030"
    assert detect_encoding(b"<p>budget</p>") == "utf-8"


def test_html_article_in_a_layout_table(tmp_path):
    """A portal page: navigation, the article framed by a one-column table, a data table inside it."""
    page = """<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head><body>
    <div class="nav"><a href="/">首页</a> &gt; <a href="/zwgk">政务公开</a></div>
    <table width="100%"><tr><td class="article">
      <h1>某区民政局2023年度部门预算情况说明</h1>
      <p>一、收支预算总体情况</p>
      <p>2023年收入预算1,234.56万元，支出预算1,234.56万元，比上年增加10.5万元，主要原因是人员增加。</p>
      <p>二、“三公”经费预算情况</p>
      <p>2023年“三公”经费预算12.3万元，其中公务接待费2.3万元。</p>
      <table border="1"><tr><th>项目</th><th>预算数</th></tr><tr><td>公务接待费</td><td>2.30</td></tr></table>
    </td></tr></table></body></html>"""
    path = tmp_path / "说明.html"
    path.write_bytes(page.encode("gbk"))
    doc = process(path)
    assert doc.status == DocumentStatus.OK and doc.source_format == "html"
    assert [(s.numbering, s.title) for s in doc.iter_sections()][-2:] == [
        ("一、", "收支预算总体情况"),
        ("二、", "“三公”经费预算情况"),
    ]
    (table,) = doc.tables
    assert table.grid() == [["项目", "预算数"], ["公务接待费", "2.30"]]
    record = next(r for r in doc.records if r.raw == "1,234.56万元")
    assert record.locator == "/html/body/table/tr/td/p[2]"


@pytest.mark.parametrize("suffix", [".xls", ".xlsx"])
def test_sheet_addresses_where_the_used_range_starts_late(tmp_path, suffix):
    """A table whose used range starts at C2, its title merged over C2:D2: addresses are the sheet's own."""
    writer = SheetWriter()
    sheet = writer.ws
    sheet["C2"] = "某单位2023年部门预算表"
    sheet.merge_cells("C2:D2")
    sheet["C3"], sheet["D3"] = "项目", "预算数"
    sheet["C4"], sheet["D4"] = "合计", 1234.5
    sheet["D4"].number_format = "#,##0.00"
    path = tmp_path / f"late{suffix}"
    writer.save(path)
    doc = process(path)
    (item,) = doc.line_items
    assert (item.locator, item.value, item.raw) == ("'封面'!D4", 1234.5, "1,234.50")  # the cell's number format
    assert doc.tables[0].title == "某单位2023年部门预算表"


def test_printed_number_formats():
    assert printed_number(1234.5, "#,##0.00") == "1,234.50"
    assert printed_number(-5, "#,##0.00;(#,##0.00)") == "(5.00)"
    assert printed_number(0.1053, "0.00%") == "10.53%"
    assert printed_number(2080501, "General") == "2080501"
    assert printed_number(12345678.9, "General") == "12345678.9"


@pytest.fixture(scope="module")
def bad_files(rendered, tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("bad")
    paths = {
        "truncated": folder / "truncated.docx",
        "truncated_xls": folder / "truncated.xls",
        "malformed": folder / "malformed.docx",
        "locked": folder / "locked.xlsx",
        "huge": folder / "huge.xlsx",
        "huge_xls": folder / "huge.xls",
        "unrelated": folder / "guide.html",
        "legacy": folder / "report.doc",
    }
    write_truncated(rendered["docx"], paths["truncated"])
    write_truncated(rendered["xls"], paths["truncated_xls"])
    write_broken_part(rendered["docx"], paths["malformed"], "word/document.xml")
    write_locked(rendered["xlsx"], paths["locked"])
    write_huge_sheet(paths["huge"], 100_000)
    write_huge_sheet(paths["huge_xls"], MAX_SHEET_ROWS + 1)
    write_unrelated_page(paths["unrelated"])
    shutil.copy(rendered["xls"], paths["legacy"])  # any bytes: without LibreOffice nothing reads them
    return paths


@pytest.mark.parametrize(
    ("name", "status", "error"),
    [
        ("truncated", DocumentStatus.FAILED, "corrupt DOCX"),
        ("truncated_xls", DocumentStatus.FAILED, "corrupt XLS"),
        ("malformed", DocumentStatus.FAILED, "corrupt DOCX: XMLSyntaxError"),
        ("locked", DocumentStatus.FAILED, "password-protected XLSX"),
        ("huge", DocumentStatus.FAILED, f"more than {MAX_SHEET_ROWS:,} rows"),
        ("huge_xls", DocumentStatus.FAILED, f"more than {MAX_SHEET_ROWS:,} rows"),
        ("unrelated", DocumentStatus.REJECTED, "not a budget disclosure"),
    ],
)
def test_bad_files_get_a_clear_error(bad_files, name, status, error):
    doc = process(bad_files[name])
    assert doc.status == status and error in doc.error
    assert doc.doc_id and doc.source_format == bad_files[name].suffix[1:]  # the batch still has a row to report it in


@pytest.mark.skipif(libreoffice() is not None, reason="LibreOffice is installed: .doc files are converted")
def test_legacy_formats_name_the_fix_without_libreoffice(bad_files):
    doc = process(bad_files["legacy"])
    assert doc.status == DocumentStatus.FAILED and "apt-get install libreoffice" in doc.error


@pytest.mark.skipif(libreoffice() is None, reason="LibreOffice is not installed")
@pytest.mark.parametrize(("suffix", "source"), [(".doc", "docx"), (".wps", "docx"), (".et", "xlsx")])
def test_legacy_formats_through_libreoffice(rendered, documents, tmp_path, suffix, source):
    """Word 97 and Excel 97 files saved by LibreOffice (a .wps / .et is read the same way) come back with the
    line items of the DOCX / XLSX they were saved from."""
    path = tmp_path / f"seed000{suffix}"
    write_legacy(rendered[source], path)
    doc = process(path)
    assert doc.status == DocumentStatus.OK and doc.source_format == suffix[1:]
    assert _item_keys(doc) == _item_keys(documents[source])


def test_folders_collect_the_new_formats(rendered):
    assert set(collect_inputs([rendered["docx"].parent])) == set(rendered.values())
