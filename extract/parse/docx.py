"""DOCX (python-docx) → flow pages: body paragraphs with their heading level and automatic numbering,
tables with merged cells (``gridSpan`` across, ``vMerge`` down), a new page at each hard page break.

Locators: ``p12`` is the 12th body paragraph (1-based, in document order, empty ones counted);
``t3.r5.c2`` the cell of the 3rd body table at grid row 5, column 2 (1-based).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import docx
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

from extract.model import join_wrapped
from extract.parse.containers import open_zip, read_bounded
from extract.parse.flow import BODY_SIZE, FlowCell, FlowPage, FlowParagraph, table_from_cells

_HEADING_STYLE = re.compile(r"^(?:heading|标题)\s*(\d)$", re.IGNORECASE)
_CHINESE_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 105 → 一百零五 (numbering runs no higher)."""
    if n < 10:
        return _CHINESE_DIGITS[n]
    if n < 20:
        return "十" + (_CHINESE_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return _CHINESE_DIGITS[n // 10] + "十" + (_CHINESE_DIGITS[n % 10] if n % 10 else "")
    rest = n % 100
    return _CHINESE_DIGITS[n // 100] + "百" + ("" if not rest else ("零" if rest < 10 else "") + chinese_number(rest))


def _roman(n: int) -> str:
    out = ""
    for value, numeral in (
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ):
        while n >= value:
            out, n = out + numeral, n - value
    return out


def _format_counter(n: int, fmt: str) -> str:
    if fmt in ("chineseCounting", "chineseCountingThousand", "japaneseCounting", "ideographTraditional", "taiwaneseCounting"):
        return chinese_number(n)
    if fmt in ("upperLetter", "lowerLetter"):
        letter = chr(ord("A") + (n - 1) % 26)
        return letter if fmt == "upperLetter" else letter.lower()
    if fmt in ("upperRoman", "lowerRoman"):
        return _roman(n) if fmt == "upperRoman" else _roman(n).lower()
    if fmt == "decimalZero":
        return f"{n:02d}"
    return str(n)


class Numbering:
    """Word's automatic list numbering, rendered as printed ("一、", "（二）", "3.")."""

    def __init__(self, document: docx.document.Document) -> None:
        self.levels: dict[str, dict[int, tuple[int, str, str]]] = {}
        """numId → ilvl → (start, numFmt, lvlText)."""
        self.abstract_of: dict[str, str] = {}
        self.counters: dict[str, dict[int, int]] = {}
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError):  # no numbering part
            return
        abstract: dict[str, dict[int, tuple[int, str, str]]] = {}
        for node in root.findall(qn("w:abstractNum")):
            levels = {}
            for lvl in node.findall(qn("w:lvl")):
                start = lvl.find(qn("w:start"))
                fmt = lvl.find(qn("w:numFmt"))
                text = lvl.find(qn("w:lvlText"))
                levels[int(lvl.get(qn("w:ilvl"), "0"))] = (
                    int(start.get(qn("w:val"), "1")) if start is not None else 1,
                    fmt.get(qn("w:val"), "decimal") if fmt is not None else "decimal",
                    text.get(qn("w:val"), "") if text is not None else "",
                )
            abstract[node.get(qn("w:abstractNumId"), "")] = levels
        for num in root.findall(qn("w:num")):
            ref = num.find(qn("w:abstractNumId"))
            if ref is not None:
                abstract_id = ref.get(qn("w:val"), "")
                self.abstract_of[num.get(qn("w:numId"), "")] = abstract_id
                self.levels[num.get(qn("w:numId"), "")] = abstract.get(abstract_id, {})

    def label(self, num_id: str, ilvl: int) -> str:
        """The next label of list ``num_id`` at level ``ilvl``; deeper levels restart."""
        levels = self.levels.get(num_id, {})
        if ilvl not in levels or num_id == "0":
            return ""
        counters = self.counters.setdefault(self.abstract_of.get(num_id, num_id), {})
        counters[ilvl] = counters.get(ilvl, levels[ilvl][0] - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        _start, fmt, text = levels[ilvl]
        if fmt in ("bullet", "none"):
            return ""

        def level_text(m: re.Match[str]) -> str:
            k = int(m.group(1)) - 1
            count = counters.get(k, levels.get(k, (1, "", ""))[0])
            return _format_counter(count, levels.get(k, (1, "decimal", ""))[1])

        return re.sub(r"%(\d)", level_text, text)


def _num_pr(paragraph: Paragraph) -> tuple[str, int] | None:
    """(numId, ilvl) from the paragraph, else from its style."""
    for owner in (paragraph._p, paragraph.style.element if paragraph.style is not None else None):
        if owner is None:
            continue
        found = owner.xpath("./w:pPr/w:numPr")
        if found:
            num_id = found[0].find(qn("w:numId"))
            ilvl = found[0].find(qn("w:ilvl"))
            if num_id is not None:
                return num_id.get(qn("w:val"), "0"), int(ilvl.get(qn("w:val"), "0")) if ilvl is not None else 0
    return None


def _heading_level(paragraph: Paragraph) -> int | None:
    outline = paragraph._p.xpath("./w:pPr/w:outlineLvl/@w:val")
    if outline and outline[0].isdigit() and int(outline[0]) < 9:
        return int(outline[0]) + 1
    style = paragraph.style
    while style is not None:
        if m := _HEADING_STYLE.match(style.name or ""):
            return int(m.group(1))
        if (style.name or "").lower() == "title":
            return 1
        style = style.base_style
    return None


def _size_and_bold(paragraph: Paragraph) -> tuple[float, bool]:
    runs = [r for r in paragraph.runs if r.text.strip()]
    style_font = paragraph.style.font if paragraph.style is not None else None
    size = next((r.font.size.pt for r in runs if r.font.size is not None), None)
    if size is None and style_font is not None and style_font.size is not None:
        size = style_font.size.pt
    style_bold = bool(style_font is not None and style_font.bold)
    bold = bool(runs) and all(r.bold if r.bold is not None else style_bold for r in runs)
    return size or BODY_SIZE, bold


def _breaks_page(paragraph: Paragraph) -> bool:
    p = paragraph._p
    return bool(p.xpath(".//w:br[@w:type='page']") or p.xpath("./w:pPr/w:sectPr"))


def _starts_page(paragraph: Paragraph) -> bool:
    return bool(paragraph._p.xpath("./w:pPr/w:pageBreakBefore[not(@w:val='0') and not(@w:val='false')]"))


def _table(tbl, number: int) -> list[FlowCell]:
    """Cells of a ``w:tbl`` on its grid: ``gridBefore`` shifts a row, ``gridSpan`` merges across and a
    ``vMerge`` continuation extends the cell above it down."""
    cells: list[FlowCell] = []
    open_at: dict[int, FlowCell] = {}  # grid column → the cell a vMerge continuation below extends
    for r, tr in enumerate(tbl.findall(qn("w:tr"))):
        before = tr.xpath("./w:trPr/w:gridBefore/@w:val")
        col = int(before[0]) if before else 0
        for tc in tr.findall(qn("w:tc")):
            span = tc.grid_span
            if tc.vMerge == "continue" and col in open_at:
                open_at[col].row_span = r - open_at[col].row + 1
            else:
                text = join_wrapped(p.text.strip() for p in (Paragraph(p, None) for p in tc.findall(qn("w:p"))) if p.text.strip())
                cell = FlowCell(r, col, text, f"t{number}.r{r + 1}.c{col + 1}", col_span=span)
                cells.append(cell)
                open_at[col] = cell
            col += span
    return cells


def _body_blocks(parent) -> Iterator:
    """The body's paragraphs and tables in order, including those inside content controls (``w:sdt``:
    cover pages, a generated 目录) and custom XML wrappers."""
    for element in parent.iterchildren():
        if element.tag in (qn("w:p"), qn("w:tbl")):
            yield element
        elif element.tag == qn("w:sdt"):
            content = element.find(qn("w:sdtContent"))
            if content is not None:
                yield from _body_blocks(content)
        elif element.tag == qn("w:customXml"):
            yield from _body_blocks(element)


def read_docx(path: Path) -> list[FlowPage]:
    data = read_bounded(path)
    open_zip(path, data, "DOCX").close()
    document = docx.Document(str(path))
    numbering = Numbering(document)
    pages = [FlowPage()]
    n_paragraphs = n_tables = 0
    for element in _body_blocks(document.element.body):
        if element.tag == qn("w:tbl"):
            n_tables += 1
            table = table_from_cells(_table(element, n_tables), lambda r, c, t=n_tables: f"t{t}.r{r + 1}.c{c + 1}")
            if table is not None:
                pages[-1].items.append(table)
            continue
        if element.tag != qn("w:p"):
            continue
        n_paragraphs += 1
        paragraph = Paragraph(element, document._body)
        if _starts_page(paragraph) and pages[-1].items:
            pages.append(FlowPage())
        text = paragraph.text.replace("\t", "  ").strip()
        if text:
            num = _num_pr(paragraph)
            label = numbering.label(*num) if num else ""
            size, bold = _size_and_bold(paragraph)
            pages[-1].items.append(FlowParagraph(label + text, f"p{n_paragraphs}", _heading_level(paragraph), bold, size))
        if _breaks_page(paragraph):
            pages.append(FlowPage())
    return pages
