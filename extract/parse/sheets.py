"""Workbooks → flow pages, one per visible sheet: XLSX through openpyxl, XLS through xlrd.

A sheet's used range holds a 公开表 or a 自评表 laid out the way the printed form is: title, number
label and 编制单位/单位 line in rows above the table, notes in rows under it, and in a 自评表 the
说明 blocks (单位职能概况, 预算执行情况 …) as a label cell next to a long text in a merged cell. The rows are read
in order and cut into paragraphs and tables (`split_rows`). Where the sheet draws cell borders (forms do,
as the printed tables have rulings) the bordered rows are the tables. Otherwise a row with two or more cells
that are not captions is a table row, a text row inside a table (a band, a wrapped label) stays in it and an
empty row ends a table. The other rows — and every label + long merged text pair, which becomes a heading and
its paragraph — are narrative.

Values are exact: a numeric cell keeps the number it holds (`Cell.value`), its text is the number in the
cell's printed number format (XLSX styles, XLS XF records). Locators are sheet + cell address: ``'公开01表'!C7``.

Limits are checked before a sheet's cells are read: an XLSX sheet's rows are counted from its XML stream, an
XLS (at most 65,536 rows a sheet) is bounded by its file size.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import struct
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from extract.parse.containers import MAX_OFFICE_BYTES, open_zip, read_bounded
from extract.parse.document import DocumentError
from extract.parse.flow import FlowCell, FlowPage, FlowParagraph, FlowTable, table_from_cells
from extract.tables.text import find_unit

MAX_SHEET_ROWS = 20_000
"""Rows a sheet may have (a 公开表 has a few hundred); a larger one is no disclosure table."""
MAX_SHEET_COLUMNS = 200
NARRATIVE_CHARS = 60
"""A text cell this long, next to a short label, is a 说明 block's paragraph."""
LABEL_CHARS = 16

_ROW_TAG = re.compile(rb"<(?:\w+:)?row[\s>/]")
_CAPTION = re.compile(
    r"^(公开\s*\d+\s*表|附\s*表\s*\S+|表\s*[\d一二三四五六七八九十]+(?:-\d+)?|\d{4}\s*年度?|"
    r"(编制|填报|预算|主管)?(部门|单位)(名称)?[(（]?(公章|盖章)?[)）]?\s*[:：].*|金额单位.*|单位\s*[:：].*)$"
)
_NOTE = re.compile(r"^(注[:：]|说明[:：]|备注)")
_BAND = re.compile(r"^[一二三四五六七八九十]+、")


@dataclass
class SheetCell:
    """A cell (or merged area) of a sheet, 0-based on the sheet."""

    row: int
    col: int
    text: str
    address: str
    value: float | None = None
    row_span: int = 1
    col_span: int = 1
    ruled: bool = False
    """The cell has a border drawn: the sheet's version of a table's rulings."""


def column_letter(col: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    col += 1
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def cell_address(sheet: str, row: int, col: int) -> str:
    return f"'{sheet}'!{column_letter(col)}{row + 1}"


def printed_number(value: float, number_format: str | None) -> str:
    """The number as a cell with this number format shows it: decimals, thousands separators, percent
    and a (parenthesised) negative section are honoured; literal text and colours are not printed."""
    sections = (number_format or "General").split(";")
    section = sections[0]
    if section in ("General", "@", ""):
        text = f"{value:.11g}"  # Excel's General shows up to 11 significant digits
        return text if "e" not in text else f"{value:f}".rstrip("0").rstrip(".")
    negative_section = sections[1] if len(sections) > 1 else ""
    body = re.sub(r'"[^"]*"|\[[^\]]*\]|\\.|_.|\*.', "", section)
    percent = "%" in body
    digits = re.search(r"[#0,]+(?:\.([#0]+))?", body)
    decimals = len(digits.group(1) or "") if digits else 0
    thousands = bool(digits) and "," in digits.group(0).split(".")[0]
    number = abs(value) * (100 if percent else 1)
    text = f"{number:{',' if thousands else ''}.{decimals}f}" + ("%" if percent else "")
    if value < 0:
        return f"({text})" if "(" in negative_section else f"-{text}"
    return text


CellContent = tuple[str, float | None, bool]
"""(text as printed, number held, has a border)."""


def _value_text(value: object, number_format: str | None) -> tuple[str, float | None]:
    if value is None:
        return "", None
    if isinstance(value, bool):
        return str(value), None
    if isinstance(value, int | float):
        return printed_number(float(value), number_format), float(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat(), None
    return str(value).strip(), None


# ---------------------------------------------------------------- rows → paragraphs and tables


def _is_caption(text: str) -> bool:
    return bool(_CAPTION.match(text.replace(" ", "")) or find_unit(text))


def _row_kind(cells: list[SheetCell], under_merge: bool, ruled_sheet: bool) -> str:
    """ "empty", "table", "pair" (a label and a long text merged across the rest of the row: a 说明 block) or
    "text". ``under_merge``: a merged cell of an earlier row reaches into this one (so the row is part of a
    form's table, even when it reads like a pair). On a ``ruled_sheet`` (one that draws cell borders) the
    rows with a bordered cell are the table rows, as the rulings are on a printed page."""
    filled = [c for c in cells if c.text]
    if ruled_sheet and any(c.ruled for c in cells):
        return "table"
    if not filled:
        return "empty"
    if (
        not under_merge
        and len(filled) == 2
        and len(filled[0].text) <= LABEL_CHARS
        and filled[0].value is None
        and len(filled[1].text) >= NARRATIVE_CHARS
        and filled[1].col_span >= 2
        and filled[1].value is None
    ):
        return "pair"
    if len(filled) >= 2 and not ruled_sheet and not all(_is_caption(c.text) for c in filled):
        return "table"
    return "text"


def _in_table(cells: list[SheetCell], block_open: bool, next_is_table: bool) -> bool:
    """Whether a text row belongs to a table: inside one, a row the table goes on after (a label
    wrapped onto a row of its own) or a merged band / 合计 row; before one, a merged section band
    ("一、政府采购情况") it starts with. Notes, captions and long text never do."""
    filled = [c for c in cells if c.text]
    if len(filled) != 1:
        return False
    cell = filled[0]
    if _NOTE.match(cell.text) or _is_caption(cell.text) or len(cell.text) >= NARRATIVE_CHARS:
        return False
    if block_open:
        return next_is_table or cell.col_span >= 2
    return next_is_table and cell.col_span >= 2 and bool(_BAND.match(cell.text))


def split_rows(rows: list[list[SheetCell]], sheet: str) -> Iterator[FlowParagraph | FlowTable]:
    """Cut a sheet's rows (the cells anchored in each non-empty row, top to bottom) into paragraphs and
    tables. An empty row ends a table."""
    reached = {r for cells in rows for c in cells for r in range(c.row + 1, c.row + c.row_span)}
    ruled_sheet = any(c.ruled for cells in rows for c in cells)
    kinds = [_row_kind(cells, cells[0].row in reached, ruled_sheet) for cells in rows]
    block: list[list[SheetCell]] = []
    for i, (cells, kind) in enumerate(zip(rows, kinds, strict=True)):
        if block and cells[0].row > block[-1][0].row + 1:  # an empty row (or more) in between
            if (table := _table(block, sheet)) is not None:
                yield table
            block = []
        if kind == "empty":
            continue
        next_is_table = i + 1 < len(rows) and rows[i + 1][0].row == cells[0].row + 1 and kinds[i + 1] == "table"
        if kind == "table" or (kind == "text" and not ruled_sheet and _in_table(cells, bool(block), next_is_table)):
            block.append(cells)
            continue
        if block:
            if (table := _table(block, sheet)) is not None:
                yield table
            block = []
        filled = [c for c in cells if c.text]
        if kind == "pair":
            label, text = filled
            yield FlowParagraph(label.text, label.address, heading_level=2, bold=True)
            yield FlowParagraph(text.text, text.address)
        else:
            yield FlowParagraph("  ".join(c.text for c in filled), filled[0].address)
    if block and (table := _table(block, sheet)) is not None:
        yield table


def _table(block: list[list[SheetCell]], sheet: str) -> FlowTable | None:
    """The block's rows as one grid: rows renumbered (empty rows between them dropped), columns from
    the leftmost cell; a merged area keeps the block rows it covers."""
    row_of = {cells[0].row: k for k, cells in enumerate(block)}
    first_col = min(c.col for cells in block for c in cells)
    last_row = max(row_of)
    flow_cells = []
    for cells in block:
        for c in cells:
            covered = [row_of[r] for r in range(c.row, min(c.row + c.row_span, last_row + 1)) if r in row_of]
            flow_cells.append(FlowCell(row_of[c.row], c.col - first_col, c.text, c.address, len(covered), c.col_span, c.value))
    origin_rows = sorted(row_of)
    return table_from_cells(flow_cells, lambda r, col: cell_address(sheet, origin_rows[r], col + first_col))


def sheet_page(cells: list[SheetCell], sheet: str) -> FlowPage:
    """One sheet's anchored cells (merged areas once, empty slots left out) → its flow page."""
    by_row: dict[int, list[SheetCell]] = {}
    for cell in cells:
        by_row.setdefault(cell.row, []).append(cell)
    rows = [sorted(by_row[r], key=lambda c: c.col) for r in sorted(by_row)]
    return FlowPage(list(split_rows(rows, sheet)))


def _check_size(sheet: str, n_rows: int, n_cols: int) -> None:
    """``sheet``: how the error names the sheet."""
    if n_rows > MAX_SHEET_ROWS:
        raise DocumentError(f"{sheet} has more than {MAX_SHEET_ROWS:,} rows: too large for a disclosure table, not read")
    if n_cols > MAX_SHEET_COLUMNS:
        raise DocumentError(f"{sheet} has {n_cols:,} columns (limit {MAX_SHEET_COLUMNS})")


def _merged_anchors(
    merges: list[tuple[int, int, int, int]],
) -> tuple[dict[tuple[int, int], tuple[int, int]], set[tuple[int, int]]]:
    """From inclusive 0-based (r0, c0, r1, c1) areas: anchor → (row_span, col_span), and the covered slots."""
    anchors, covered = {}, set()
    for r0, c0, r1, c1 in merges:
        anchors[(r0, c0)] = (r1 - r0 + 1, c1 - c0 + 1)
        covered.update((r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1) if (r, c) != (r0, c0))
    return anchors, covered


def _sheet_cells(sheet: str, values: list[list[CellContent]], merges: list[tuple[int, int, int, int]]) -> list[SheetCell]:
    anchors, covered = _merged_anchors(merges)
    cells = []
    for r, row in enumerate(values):
        for c, (text, value, ruled) in enumerate(row):
            if (r, c) in covered:
                continue
            row_span, col_span = anchors.get((r, c), (1, 1))
            if text or ruled or (r, c) in anchors:
                cells.append(SheetCell(r, c, text, cell_address(sheet, r, c), value, row_span, col_span, ruled))
    return cells


# ---------------------------------------------------------------- XLSX


def count_xml_rows(package: zipfile.ZipFile, member: str, limit: int) -> int:
    """Rows of a worksheet part, counted on its inflated stream (stops once past ``limit``)."""
    count, tail = 0, b""
    with package.open(member) as stream:
        while chunk := stream.read(1 << 20):
            buf = tail + chunk
            cut = max(len(buf) - 16, 0)
            last_end = 0
            for m in _ROW_TAG.finditer(buf, 0, cut):
                count, last_end = count + 1, m.end()
            if count > limit:
                return count
            tail = buf[max(cut, last_end) :]
    return count + len(_ROW_TAG.findall(tail))


def _has_border(cell) -> bool:
    border = cell.border
    return any(side is not None and side.style for side in (border.left, border.right, border.top, border.bottom))


def read_xlsx(path: Path) -> list[FlowPage]:
    import openpyxl

    data = read_bounded(path)
    with open_zip(path, data, "XLSX") as package:
        for member in package.namelist():
            if re.fullmatch(r"xl/worksheets/[^/]+\.xml", member):
                _check_size(f"worksheet part {member}", count_xml_rows(package, member, MAX_SHEET_ROWS), 0)
    book = openpyxl.load_workbook(path, data_only=True)
    pages = []
    for ws in book.worksheets:
        if ws.sheet_state != "visible":
            continue
        _check_size(f"sheet {ws.title!r}", ws.max_row, ws.max_column)
        values = [[(*_value_text(c.value, c.number_format), _has_border(c)) for c in row] for row in ws.iter_rows()]
        merges = [(m.min_row - 1, m.min_col - 1, m.max_row - 1, m.max_col - 1) for m in ws.merged_cells.ranges]
        pages.append(sheet_page(_sheet_cells(ws.title, values, merges), ws.title))
    book.close()
    return pages


# ---------------------------------------------------------------- XLS


XLS_BROKEN = (struct.error, AssertionError, ArithmeticError, LookupError, ValueError, EOFError)
"""Besides its own XLRDError and CompDocError, what xlrd raises on broken records and streams (some checks are asserts)."""


_XLS_DIMENSIONS, _XLS_ROW, _XLS_EOF = (0x0000, 0x0200), 0x0208, 0x000A


def xls_declared_size(book, index: int) -> tuple[int, int] | None:
    """(rows, columns) of sheet ``index`` from its DIMENSIONS record, read off the workbook stream before xlrd
    parses the sheet (xlrd keeps the stream and the sheets' offsets: ``mem``, ``_sh_abs_posn``); None where the
    record is missing — it comes before the first ROW record, and writers put it there."""
    mem, pos = book.mem, book._sh_abs_posn[index]
    while pos + 4 <= len(mem):
        code, size = struct.unpack_from("<HH", mem, pos)
        if code in _XLS_DIMENSIONS and size >= 8:
            if book.biff_version >= 80 and size >= 12:
                return struct.unpack_from("<I2xH", mem, pos + 8)
            return struct.unpack_from("<H2xH", mem, pos + 6)
        if code in (_XLS_ROW, _XLS_EOF):
            return None
        pos += 4 + size
    return None


def _xls_cell(book, sheet, row: int, col: int) -> CellContent:
    """A cell as printed: xlrd's XF record gives its number format string and its borders."""
    import xlrd

    cell = sheet.cell(row, col)
    xf = book.xf_list[cell.xf_index]
    border = xf.border
    ruled = any((border.left_line_style, border.right_line_style, border.top_line_style, border.bottom_line_style))
    value: object = cell.value
    if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
        value = None
    elif cell.ctype == xlrd.XL_CELL_BOOLEAN:
        value = bool(cell.value)
    elif cell.ctype == xlrd.XL_CELL_DATE:
        value = xlrd.xldate_as_datetime(cell.value, book.datemode)
    return (*_value_text(value, book.format_map[xf.format_key].format_str), ruled)


def read_xls(path: Path) -> list[FlowPage]:
    """Through xlrd with its formatting records, so that an XLS sheet has the XLSX's printed numbers and
    rulings. The file's size is bounded before xlrd parses it (and BIFF8 caps a sheet at 65,536 rows);
    sheets are loaded one at a time (``on_demand``), each checked against the row/column limits by the size
    its DIMENSIONS record declares before it is parsed and by its real size after, rows unpadded
    (``ragged_rows``: memory follows the cells the file stores)."""
    import xlrd
    from xlrd.compdoc import CompDocError

    data = read_bounded(path, MAX_OFFICE_BYTES)
    if data.startswith(b"PK"):
        raise DocumentError("not an XLS file but a zip package (XLSX): rename it to .xlsx")
    pages = []
    try:
        warnings = io.StringIO()  # xlrd's, which would go to stdout
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=True, ragged_rows=True, logfile=warnings)
        for index, name in enumerate(book.sheet_names()):
            if (declared := xls_declared_size(book, index)) is not None:
                _check_size(f"sheet {name!r}", *declared)
            sheet = book.sheet_by_index(index)
            if sheet.visibility == 0:
                _check_size(f"sheet {name!r}", sheet.nrows, sheet.ncols)
                values = [[_xls_cell(book, sheet, r, c) for c in range(sheet.row_len(r))] for r in range(sheet.nrows)]
                merges = [(r0, c0, r1 - 1, c1 - 1) for r0, r1, c0, c1 in sheet.merged_cells]
                pages.append(sheet_page(_sheet_cells(name, values, merges), name))
            book.unload_sheet(index)
    except (xlrd.XLRDError, CompDocError, *XLS_BROKEN) as exc:
        problem = "password-protected" if "encrypted" in str(exc).lower() else "corrupt"
        raise DocumentError(f"{problem} XLS: {type(exc).__name__}: {exc}") from exc
    return pages
