"""Writers with `pdfgen.PdfWriter`'s flow interface that produce DOCX, XLSX, XLS and HTML instead of a PDF.

`render_seed.render(seed, out, writer)` walks a seed once and drives any of them, so the DOCX, workbook
and HTML renders of a seed carry exactly the text, tables (same `TableSpec`s, same merged cells) and
numbers of its PDF render — which is what `scripts/eval_formats.py` and `tests/test_formats.py`
compare. How each format lays a document out is the way portals publish it:

* DOCX: headings in Heading 1–3 styles, the cover and table titles as centred bold runs, a hard page
  break where the PDF starts a page, tables with real merged cells;
* XLSX / XLS: a sheet per PDF page that starts a part or a 公开表 (sheet named after the table's number
  label); text as a row with one cell in column A, the title as a merged row, the 公开表 number at the
  right, the 部门名称 / 年度 / 单位 line as three cells, numbers as numeric cells in a number format
  that prints them as the seed does (codes with a leading zero stay text), thin borders on table cells
  (the XLS copy, written by xlwt, carries the same formats and borders);
* HTML: one page, ``h2``/``h3``/``h4`` headings, ``<table border=1>`` with rowspan/colspan, saved in the
  encoding given (GB2312 and GBK pages are still common) with a ``<meta charset>`` declaring it.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import docx
import openpyxl
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Pt
from openpyxl.styles import Alignment, Border, Font, Side

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pdfgen import TableSpec, parse_amount, place_rows

from extract.parse.sheets import printed_number

TEXT_WIDTH_TWIPS = 9000
"""Width of an A4 page's text area in twentieths of a point: the columns share it equally."""
FORM_LABEL_CHARS = 16
FORM_TEXT_CHARS = 60
FORM_COLUMNS = 6
RULED = Border(*(Side(style="thin") for _ in range(4)))
_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")


def number_format(text: str) -> str | None:
    """The Excel number format that prints ``text`` as written ("1,234.50" → "#,##0.00"), or None when
    the text is not a number a cell would print that way (a code with a leading zero, "1.00%")."""
    value = parse_amount(text)
    if value is None:
        return None
    decimals = len(text.split(".")[1]) if "." in text else 0
    fmt = ("#,##0" if "," in text else "0") + ("." + "0" * decimals if decimals else "")
    return fmt if printed_number(value, fmt) == text.strip() else None


def _cells(spec: TableSpec) -> tuple[list[tuple[int, int, int, int, str, bool]], int, int]:
    """(row, col, row_span, col_span, text, is_header) of every placed cell, the row and column counts."""
    ncols = len(spec.col_widths)
    rows = [*spec.header, *spec.body]
    placed = place_rows(rows, ncols)
    return (
        [(p.row, p.col, p.cell.rowspan, p.cell.colspan, p.cell.text, p.row < len(spec.header)) for p in placed],
        len(rows),
        ncols,
    )


def table_xml(cells: list[tuple[int, int, int, int, str, bool]], n_rows: int, n_cols: int) -> str:
    """A ``w:tbl`` with Word's merges: ``gridSpan`` across, ``vMerge`` restart/continue down (built as XML:
    python-docx's cell merging is quadratic and takes most of a minute on a seed's tables)."""
    column = TEXT_WIDTH_TWIPS // n_cols
    anchors = {(r, c): (row_span, col_span, text) for r, c, row_span, col_span, text, _ in cells}
    below = {(r + k, c): (row_span, col_span) for r, c, row_span, col_span, _, _ in cells for k in range(1, row_span)}
    rows = []
    for r in range(n_rows):
        tcs, c = [], 0
        while c < n_cols:
            if (r, c) in anchors:
                row_span, col_span, text = anchors[(r, c)]
                merge = '<w:vMerge w:val="restart"/>' if row_span > 1 else ""
                body = f'<w:p><w:r><w:t xml:space="preserve">{html.escape(text, quote=False)}</w:t></w:r></w:p>'
            elif (r, c) in below:
                _, col_span = below[(r, c)]
                merge, body = "<w:vMerge/>", "<w:p/>"
            else:
                col_span, merge, body = 1, "", "<w:p/>"
            width = f'<w:tcW w:w="{col_span * column}" w:type="dxa"/>'
            span = f'<w:gridSpan w:val="{col_span}"/>' if col_span > 1 else ""
            tcs.append(f"<w:tc><w:tcPr>{width}{span}{merge}</w:tcPr>{body}</w:tc>")
            c += col_span
        rows.append(f"<w:tr>{''.join(tcs)}</w:tr>")
    grid = f'<w:gridCol w:w="{column}"/>' * n_cols
    properties = '<w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="0" w:type="auto"/></w:tblPr>'
    return f"<w:tbl {nsdecls('w')}>{properties}<w:tblGrid>{grid}</w:tblGrid>{''.join(rows)}</w:tbl>"


class DocxWriter:
    def __init__(self) -> None:
        self.doc = docx.Document()
        self.page = 1
        self.empty_page = True

    def new_page(self, landscape: bool = False, running_header: bool = True) -> None:
        if not self.empty_page:
            self.doc.add_page_break()
            self.page += 1
            self.empty_page = True

    def _paragraph(self, text: str, size: float | None = None, bold: bool = False, align: str | None = None) -> None:
        p = self.doc.add_paragraph()
        run = p.add_run(text)
        run.bold = bold or None
        if size:
            run.font.size = Pt(size)
        if align:
            p.alignment = {"center": WD_ALIGN_PARAGRAPH.CENTER, "right": WD_ALIGN_PARAGRAPH.RIGHT}[align]
        self.empty_page = False

    def spacer(self, height: float) -> None:
        pass

    def centered(self, text: str, size: float, bold: bool = False, space_after: float = 6.0) -> None:
        self._paragraph(text, size, bold, "center")

    def heading(self, text: str, level: int = 1) -> None:
        self.doc.add_heading(text, level + 1)
        self.empty_page = False

    def paragraph(self, text: str, size: float | None = None, indent_chars: int = 2, leading: float = 1.75) -> None:
        self._paragraph(text, size)

    def toc(self, entries: list[tuple[str, str, int]], size: float = 11.5) -> None:
        for text, page_label, _level in entries:
            self._paragraph(f"{text}{'.' * 8}{page_label}" if page_label else text, size)

    def table(self, spec: TableSpec, new_page: bool = True) -> tuple[int, int]:
        if new_page:
            self.new_page()
        if spec.title:
            self._paragraph(spec.title, 15, True, "center")
        if spec.label:
            self._paragraph(spec.label, 10, align="right")
        if spec.info:
            self._paragraph("\t".join(x for x in spec.info if x), 10)
        self.doc.element.body._insert_tbl(parse_xml(table_xml(*_cells(spec))))
        for note in spec.notes:
            self._paragraph(note, 9)
        self.empty_page = False
        return self.page, self.page

    def save(self, path: str | Path) -> None:
        blocks = [e for e in self.doc.element.body if e.tag in (qn("w:p"), qn("w:tbl"))]
        if blocks and blocks[-1].tag == qn("w:tbl"):  # Word always ends a body with a paragraph
            self.doc.add_paragraph()
        self.doc.save(str(path))


class SheetWriter:
    """XLSX through openpyxl; `save` to a ``.xls`` path writes the same cells with xlwt instead.

    ``form``: lay the document out as a 自评表 form, where a short label paragraph followed by a long
    text (单位职能概况 …) is one row, the label in column A and the text in a merged cell beside it."""

    def __init__(self, form: bool = False) -> None:
        self.form = form
        self.pending_label = ""
        self.book = openpyxl.Workbook()
        self.ws = self.book.active
        self.ws.title = "封面"
        self.row = 1
        self.page = 1
        self.names: set[str] = {"封面"}

    def _sheet(self, name: str) -> None:
        name = _SHEET_NAME_BAD.sub("", name)[:28] or f"页{self.page}"
        base, k = name, 2
        while name in self.names:
            name, k = f"{base}_{k}", k + 1
        self.names.add(name)
        self.ws = self.book.create_sheet(name)
        self.row = 1
        self.page += 1

    def new_page(self, landscape: bool = False, running_header: bool = True, name: str = "") -> None:
        if self.row > 1:
            self._sheet(name or f"页{self.page + 1}")

    def _flush_label(self) -> None:
        if self.pending_label:
            self.ws.cell(self.row, 1, self.pending_label)
            self.pending_label, self.row = "", self.row + 1

    def _text_row(self, text: str, bold: bool = False) -> None:
        self._flush_label()
        cell = self.ws.cell(self.row, 1, text)
        if bold:
            cell.font = Font(bold=True)
        self.row += 1

    def spacer(self, height: float) -> None:
        pass

    def centered(self, text: str, size: float, bold: bool = False, space_after: float = 6.0) -> None:
        self._text_row(text, bold)

    def heading(self, text: str, level: int = 1) -> None:
        self._text_row(text, bold=True)

    def paragraph(self, text: str, size: float | None = None, indent_chars: int = 2, leading: float = 1.75) -> None:
        if self.form and self.pending_label and len(text) >= FORM_TEXT_CHARS:
            self.ws.cell(self.row, 1, self.pending_label)
            self.ws.cell(self.row, 2, text)
            self.ws.merge_cells(start_row=self.row, start_column=2, end_row=self.row, end_column=FORM_COLUMNS)
            self.pending_label, self.row = "", self.row + 1
        elif self.form and len(text) <= FORM_LABEL_CHARS and not re.search(r"[。，,:：;；]", text):
            self._flush_label()
            self.pending_label = text
        else:
            self._text_row(text)

    def toc(self, entries: list[tuple[str, str, int]], size: float = 11.5) -> None:
        for text, page_label, _level in entries:
            self._text_row(f"{text}{'.' * 8}{page_label}" if page_label else text)

    def table(self, spec: TableSpec, new_page: bool = True) -> tuple[int, int]:
        self._flush_label()
        if new_page and self.row > 1:
            self._sheet(spec.label or spec.title or "")
        cells, n_rows, n_cols = _cells(spec)
        if spec.title:
            self.ws.cell(self.row, 1, spec.title).font = Font(bold=True, size=15)
            self.ws.cell(self.row, 1).alignment = Alignment(horizontal="center")
            if n_cols > 1:
                self.ws.merge_cells(start_row=self.row, start_column=1, end_row=self.row, end_column=n_cols)
            self.row += 1
        if spec.label:
            self.ws.cell(self.row, n_cols, spec.label)
            self.row += 1
        if spec.info:
            for col, text in zip((1, max(n_cols // 2, 1), n_cols), spec.info, strict=True):
                if text:
                    self.ws.cell(self.row, col, text)
            self.row += 1
        for r in range(n_rows):  # thin rulings on every cell, as printed
            for c in range(n_cols):
                self.ws.cell(self.row + r, c + 1).border = RULED
        for r, c, row_span, col_span, text, is_header in cells:
            fmt = None if is_header else number_format(text)
            cell = self.ws.cell(self.row + r, c + 1, parse_amount(text) if fmt else (text or None))
            if fmt:
                cell.number_format = fmt
            elif text.startswith("="):  # printed text, not a formula
                cell.data_type = "s"
            if row_span > 1 or col_span > 1:
                self.ws.merge_cells(
                    start_row=self.row + r, start_column=c + 1, end_row=self.row + r + row_span - 1, end_column=c + col_span
                )
        self.row += n_rows
        for note in spec.notes:
            self._text_row(note)
        self.row += 1
        return self.page, self.page

    def save(self, path: str | Path) -> None:
        path = Path(path)
        if path.suffix.lower() == ".xls":
            self._save_xls(path)
        else:
            self.book.save(path)

    def _save_xls(self, path: Path) -> None:
        import xlwt

        book = xlwt.Workbook(encoding="utf-8")
        styles: dict[tuple[str, bool], xlwt.XFStyle] = {}
        ruling = "borders: left thin, right thin, top thin, bottom thin"
        for ws in self.book.worksheets:
            sheet = book.add_sheet(ws.title)
            merged = {(m.min_row, m.min_col): m for m in ws.merged_cells.ranges}
            covered = {(r, c) for m in ws.merged_cells.ranges for r, c in m.cells} - set(merged)
            for row in ws.iter_rows():
                for cell in row:
                    ruled = cell.border == RULED
                    if (cell.value is None and not ruled) or (cell.row, cell.column) in covered:
                        continue
                    key = (cell.number_format, ruled)
                    if key not in styles:
                        styles[key] = xlwt.easyxf(ruling if ruled else "", num_format_str=cell.number_format)
                    if (m := merged.get((cell.row, cell.column))) is not None:
                        sheet.write_merge(m.min_row - 1, m.max_row - 1, m.min_col - 1, m.max_col - 1, cell.value, styles[key])
                    else:
                        sheet.write(cell.row - 1, cell.column - 1, cell.value, styles[key])
            for m in ws.merged_cells.ranges:  # merged areas whose anchor is empty
                if ws.cell(m.min_row, m.min_col).value is None and ws.cell(m.min_row, m.min_col).border != RULED:
                    sheet.merge(m.min_row - 1, m.max_row - 1, m.min_col - 1, m.max_col - 1)
        book.save(str(path))


class HtmlWriter:
    def __init__(self, encoding: str = "gb2312") -> None:
        self.encoding = encoding
        self.parts: list[str] = []

    def new_page(self, landscape: bool = False, running_header: bool = True) -> None:
        pass

    def spacer(self, height: float) -> None:
        pass

    def centered(self, text: str, size: float, bold: bool = False, space_after: float = 6.0) -> None:
        inner = f"<b>{html.escape(text)}</b>" if bold else html.escape(text)
        self.parts.append(f'<p style="text-align:center">{inner}</p>')

    def heading(self, text: str, level: int = 1) -> None:
        self.parts.append(f"<h{level + 2}>{html.escape(text)}</h{level + 2}>")

    def paragraph(self, text: str, size: float | None = None, indent_chars: int = 2, leading: float = 1.75) -> None:
        self.parts.append(f'<p style="text-indent:2em">{html.escape(text)}</p>')

    def toc(self, entries: list[tuple[str, str, int]], size: float = 11.5) -> None:
        for text, page_label, _level in entries:
            self.parts.append(f"<p>{html.escape(text)}{'.' * 8}{html.escape(page_label)}</p>")

    def table(self, spec: TableSpec, new_page: bool = True) -> tuple[int, int]:
        if spec.title:
            self.centered(spec.title, 15, bold=True)
        if spec.label:
            self.parts.append(f'<p style="text-align:right">{html.escape(spec.label)}</p>')
        if spec.info:
            self.parts.append("<p>" + "&nbsp;&nbsp;&nbsp;&nbsp;".join(html.escape(x) for x in spec.info if x) + "</p>")
        cells, n_rows, _ = _cells(spec)
        rows: list[list[str]] = [[] for _ in range(n_rows)]
        for r, _c, row_span, col_span, text, is_header in cells:
            tag = "th" if is_header else "td"
            spans = (f' rowspan="{row_span}"' if row_span > 1 else "") + (f' colspan="{col_span}"' if col_span > 1 else "")
            rows[r].append(f"<{tag}{spans}>{html.escape(text)}</{tag}>")
        body = "\n".join(f"<tr>{''.join(row)}</tr>" for row in rows)
        self.parts.append(f'<table border="1" cellspacing="0">\n<tbody>\n{body}\n</tbody>\n</table>')
        for note in spec.notes:
            self.parts.append(f"<p>{html.escape(note)}</p>")
        return 1, 1

    def save(self, path: str | Path) -> None:
        meta = f'<meta http-equiv="Content-Type" content="text/html; charset={self.encoding}">'
        script = "<script>var x = '预算';</script>"  # script text is no content
        body = "\n".join(self.parts)
        head = f"<head>\n{meta}\n<title>情况说明</title>\n{script}\n</head>"
        page = f'<html>\n{head}\n<body>\n<div class="content">\n{body}\n</div>\n</body>\n</html>\n'
        Path(path).write_bytes(page.encode(self.encoding, errors="xmlcharrefreplace"))


# ---------------------------------------------------------------- bad files


def write_huge_sheet(path: Path, rows: int) -> None:
    """An XLSX whose one sheet has ``rows`` rows of (name, amount, count): the sheet part is written as
    XML directly (openpyxl takes seconds per 100,000 rows). For a ``.xls`` path, the XLS xlwt writes (at most
    65,536 rows)."""
    if path.suffix.lower() == ".xls":
        import xlwt

        legacy = xlwt.Workbook(encoding="utf-8")
        sheet = legacy.add_sheet("数据")
        for r in range(rows):
            for c, value in enumerate((f"项目{r + 1}", (r + 1) * 1.5, r + 1)):
                sheet.write(r, c, value)
        legacy.save(str(path))
        return
    book = openpyxl.Workbook()
    book.active.title = "数据"
    book.active["A1"] = "placeholder"
    book.save(path)
    body = "".join(
        f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>项目{r}</t></is></c>'
        f'<c r="B{r}"><v>{r * 1.5}</v></c><c r="C{r}"><v>{r}</v></c></row>'
        for r in range(1, rows + 1)
    )
    sheet = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<dimension ref="A1:C{rows}"/><sheetData>{body}</sheetData></worksheet>'
    )
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    parts["xl/worksheets/sheet1.xml"] = sheet.encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)


def write_locked(source: Path, path: Path, password: str = "budgetlens") -> None:
    """``source`` (a DOCX/XLSX) encrypted with ``password`` the way Office does it (msoffcrypto-tool)."""
    from msoffcrypto.format.ooxml import OOXMLFile

    with source.open("rb") as plain, path.open("wb") as locked:
        OOXMLFile(plain).encrypt(password, locked)


def write_truncated(source: Path, path: Path) -> None:
    """The first half of ``source`` (an interrupted download): a zip package whose central directory is gone, an
    XLS whose OLE container points past its end."""
    data = source.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def write_unrelated_page(path: Path) -> None:
    """A portal page with no budget content: navigation, a news item, a table of opening hours."""
    writer = HtmlWriter()
    writer.heading("便民服务指南", 1)
    writer.paragraph("本中心位于市政务服务大厅二楼，提供户籍、社保、公积金等事项的咨询与办理服务。")
    writer.paragraph("节假日期间请关注网站通知，如有疑问请拨打服务热线。")
    hours = TableSpec(
        title="",
        header=[["窗口", "工作时间"]],
        body=[["户籍", "周一至周五"], ["社保", "周一至周六"]],
        col_widths=[1, 1],
        col_align=["left", "left"],
    )
    writer.table(hours)
    writer.save(path)


def write_broken_part(source: Path, path: Path, member: str) -> None:
    """``source`` with one part replaced by malformed XML: a readable zip whose content is not."""
    with zipfile.ZipFile(source) as package:
        parts = {name: package.read(name) for name in package.namelist()}
    parts[member] = b"<w:document><w:body"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)


def write_legacy(source: Path, path: Path) -> None:
    """``source`` (DOCX/XLSX) saved by LibreOffice as Word 97 / Excel 97 (``path``'s suffix: .doc, .wps →
    Word 97; .xls, .et → Excel 97), as WPS Office and old portals publish them. Needs LibreOffice."""
    from extract.parse.containers import libreoffice

    target = "doc" if path.suffix.lower() in (".doc", ".wps") else "xls"
    with tempfile.TemporaryDirectory() as workdir:
        profile = (Path(workdir) / "profile").as_uri()
        command = [libreoffice(), f"-env:UserInstallation={profile}", "--headless", "--convert-to", target, "--outdir", workdir]
        subprocess.run([*command, str(source)], capture_output=True, timeout=180, check=True)
        shutil.move(Path(workdir) / f"{source.stem}.{target}", path)
