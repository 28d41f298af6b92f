"""The one typed document representation that every stage reads and extends.

parse → tables → (tag → records → reconcile) → export all pass a `Document` along.
Everything is a pydantic model so a Document round-trips through JSON without loss
(`Document.model_dump_json()` / `Document.model_validate_json()`).

Coordinates are PDF points of the page as displayed (a /Rotate'd page is made upright),
origin top-left. A page read by OCR uses its upright, deskewed image scaled to points, and
`Page.rotation` is the turn that was detected. Page numbers are 1-based, as in a viewer, except
after a scanned two-page spread, whose halves are two pages: `Page.source_page` and `source_clip`
say which PDF page, and which part of it, a page shows.

Documents without printed pages (DOCX, XLSX/XLS, HTML: `Document.source_format`) are laid out on
virtual pages by `extract.parse.flow`: a page per sheet, per page break of a DOCX, one for an HTML
page; a paragraph is one line and a table row a fixed height, so a `bbox` there keeps reading order
but is no printed position. What to cite for them is `locator` (sheet + cell address, paragraph
index or DOM path), carried next to `page`/`bbox` on every model that has them.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, Field

BBox = tuple[float, float, float, float]
"""(x0, y0, x1, y1) in PDF points, origin top-left."""


class DocumentKind(StrEnum):
    FINAL_ACCOUNTS = "部门决算"
    BUDGET = "部门预算"
    UNIT_BUDGET = "单位预算"
    PERFORMANCE = "绩效自评"
    OTHER = "other"


class DocumentStatus(StrEnum):
    OK = "ok"
    FAILED = "failed"  # could not be read at all (corrupt, encrypted, empty, not a PDF)
    REJECTED = "rejected"  # readable, but not a budget disclosure


def join_wrapped(parts) -> str:
    text = ""
    for part in parts:
        if text and text[-1].isascii() and text[-1].isalnum() and part[:1].isascii() and part[:1].isalnum():
            text += " "
        text += part
    return text


class TextLine(BaseModel):
    """One visual line of text: spans on the same baseline merged, whatever their font."""

    text: str
    page: int
    bbox: BBox
    font_size: float
    bold: bool = False
    confidence: float | None = None
    """OCR confidence (0–1) when the line was read from an image; None for a text layer."""
    locator: str | None = None
    """Where the text is in a document without printed pages: "p12" (DOCX paragraph index),
    "'Sheet1'!A3" (a sheet cell) or a DOM path ("/html/body/div[2]/p[3]"); None for a PDF."""


class TextBlock(BaseModel):
    page: int
    bbox: BBox
    lines: list[TextLine]
    heading_level: int | None = None
    """The heading level a DOCX style (Heading N) or HTML tag (h1–h6) gives the paragraph; None when
    the source says nothing (a PDF) or it is body text."""

    @property
    def text(self) -> str:
        """The paragraph as one string: wrapped lines joined without a break (Chinese text
        wraps anywhere), with a space only between two Latin letters or digits."""
        return join_wrapped(line.text for line in self.lines)


class Page(BaseModel):
    number: int
    width: float
    height: float
    rotation: int = 0
    has_text_layer: bool = True
    """False when the page has no usable text (image-only, or garbage text layer)."""
    ocr: str | None = None
    """Why the page was read by OCR ("no_text_layer", "image_page", "too_few_cjk", …, or
    "forced"); "unavailable: …" when it needed OCR that could not run; None for a text layer."""
    is_toc: bool = False
    blocks: list[TextBlock] = Field(default_factory=list)
    """Body text outside tables, in reading order. Running headers and footers are not here."""
    furniture: list[TextLine] = Field(default_factory=list)
    """Running headers, footers and page numbers that were stripped from the body."""
    source_page: int | None = None
    """The page of the source PDF this page was read from, when it is not `number`: the two halves of a scanned
    two-page spread are read as two pages (`extract.ocr.spread`), which shifts every later page."""
    source_clip: BBox | None = None
    """The part of the source page this page shows, in points of that page as displayed (a half of a spread);
    None for all of it. The page's own coordinates (`width`, every `bbox`) are those of the part."""

    @property
    def lines(self) -> list[TextLine]:
        return [line for block in self.blocks for line in block.lines]

    @property
    def source_number(self) -> int:
        """The 1-based page of the source PDF to show for this page (see `source_clip`)."""
        return self.source_page or self.number


class TocEntry(BaseModel):
    title: str
    page_label: str | None = None
    level: int = 1
    page: int  # the page the TOC line itself is on


class Section(BaseModel):
    """A heading and everything under it until the next heading of the same or higher level."""

    level: int
    numbering: str
    """As printed: "第一部分", "一、", "（一）", "1.", "（1）", or "" for an unnumbered heading."""
    title: str
    page_start: int
    page_end: int
    bbox: BBox
    text: str = ""
    """Body text directly under this heading (not including sub-sections)."""
    children: list[Section] = Field(default_factory=list)

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()


class Cell(BaseModel):
    row: int
    col: int
    row_span: int = 1
    col_span: int = 1
    text: str
    page: int
    bbox: BBox
    is_header: bool = False
    confidence: float | None = None
    """Lowest OCR confidence of the text in the cell; None for a text layer."""
    value: float | None = None
    """The number a spreadsheet cell holds (`text` is it in the cell's printed number format);
    None for cells of PDFs, DOCX and HTML, whose numbers are read from `text`."""
    locator: str | None = None
    """Sheet + cell address ("'公开01表'!C7"), or the DOCX / HTML table cell ("t3.r5.c2",
    "/html/body/table[1]/tr[5]/td[2]"); None for a PDF."""


class Panel(BaseModel):
    """A side-by-side sub-table (收入 | 支出) sharing rows with its neighbours."""

    name: str
    col_start: int
    col_end: int  # exclusive


class Table(BaseModel):
    table_id: str
    table_type: str = "other"
    title: str = ""
    number_label: str = ""
    """The printed table number, e.g. "公开01表", "表3"."""
    pages: list[int]
    bbox: BBox
    """Bounding box on the first page."""
    unit: str = "元"
    n_rows: int
    n_cols: int
    header_rows: int = 0
    column_paths: list[str] = Field(default_factory=list)
    """Per column, the header path top-down joined with "/", e.g. "本年支出/基本支出"."""
    column_roles: list[str] = Field(default_factory=list)
    """Per column: "label", "code", "value" or "index" (行次/栏次, never an amount)."""
    panels: list[Panel] = Field(default_factory=list)
    cells: list[Cell] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    """Lines printed right under the table ("注：…", "本表无数据")."""

    @property
    def page_start(self) -> int:
        return self.pages[0]

    @property
    def page_end(self) -> int:
        return self.pages[-1]

    def grid(self) -> list[list[str]]:
        """Rows × columns of text, merged cells repeated over their span."""
        return self.text_grid(self.cells, self.n_rows, self.n_cols)

    @staticmethod
    def text_grid(cells: list[Cell], n_rows: int, n_cols: int) -> list[list[str]]:
        rows = [["" for _ in range(n_cols)] for _ in range(n_rows)]
        for cell in cells:
            for r in range(cell.row, cell.row + cell.row_span):
                for c in range(cell.col, cell.col + cell.col_span):
                    rows[r][c] = cell.text
        return rows


class LineItem(BaseModel):
    """One amount cell of a typed table, with everything needed to cite it."""

    table_id: str
    table_type: str
    panel: str = ""
    code: str | None = None
    """功能分类 / 经济分类 code as digits ("2080501"), or None for rows without one."""
    name: str
    column: str
    value: float
    """In 元."""
    raw: str
    unit: str
    row: int
    col: int
    page: int
    bbox: BBox
    confidence: float | None = None
    """OCR confidence of the printed value; None when read from a text layer."""
    corrected_from: str | None = None
    """When table arithmetic corrected a misread digit: the text as read (`raw` holds the correction)."""
    locator: str | None = None
    """The cell's `Cell.locator` (documents without printed pages)."""


class Evidence(BaseModel):
    """One value a finding relies on, with where it was printed."""

    role: str
    """What the value is in the check, e.g. "total", "item", "narrative"."""
    text: str
    value: float | None = None
    page: int | None = None
    bbox: BBox | None = None
    table_id: str | None = None
    locator: str | None = None
    """Cell address, paragraph index or DOM path where there is no printed page (see `TextLine.locator`)."""


class FindingStatus(StrEnum):
    INCONSISTENT = "inconsistent"
    CONSISTENT = "consistent"
    NOT_CHECKABLE = "not_checkable"


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class Finding(BaseModel):
    check_id: str
    severity: Severity
    status: FindingStatus
    expected: float | str | None = None
    found: float | str | None = None
    delta: float | None = None
    """Unrounded found − expected, in the unit of the values (元 for amounts)."""
    message_zh: str
    message_en: str
    evidence: list[Evidence] = Field(default_factory=list)


class NarrativeSentence(BaseModel):
    """One sentence of a narrative section (情况说明, 绩效自评 report), as the taggers see it."""

    sentence_id: str
    section_path: str
    text: str
    page: int | None = None
    bbox: BBox | None = None
    """The union of the page lines the sentence was read from (its first page only)."""
    locator: str | None = None
    """The locator of the first line the sentence was read from (documents without printed pages)."""


class Mention(BaseModel):
    """A tagged span of a sentence: AMOUNT, PERCENT, QUANTITY, REASON, TARGET or SUBJECT."""

    mention_id: str
    sentence_id: str
    label: str
    start: int
    end: int
    """Character offsets into the sentence text (end exclusive)."""
    text: str
    confidence: float
    tagger: str
    """Backend and version of the tagger that produced it, e.g. "sklearn 1.0"."""
    page: int | None = None
    bbox: BBox | None = None
    """The page line the span is printed on (the sentence's box when it cannot be placed)."""
    locator: str | None = None
    """The locator of that line (documents without printed pages)."""


class NarrativeRecord(BaseModel):
    """One number stated in prose, with what it is about: the unit the reconciliation checks.

    `value` is the number as printed (unsigned, in `unit`); `value_yuan` is the same amount in 元 for
    AMOUNT records and `ratio` the fraction for PERCENT ("10.53%" → 0.1053); `decimals` is the printed
    precision, which fixes the tolerance a check may allow."""

    record_id: str
    sentence_id: str
    section_path: str
    sentence: str
    subject: str | None = None
    metric: str | None = None
    relation: str = "value-of"
    label: str
    raw: str
    value: float | None = None
    unit: str | None = None
    decimals: int = 0
    value_yuan: float | None = None
    ratio: float | None = None
    period: str | None = None
    direction: str | None = None
    base: str | None = None
    """The whole a share is taken of, when printed (占本年支出合计的…)."""
    part_of: str | None = None
    """record_id of the whole this amount is listed under ("支出…万元，其中：教育支出…"); see extract.records.parts."""
    reason: str | None = None
    target: str | None = None
    subject_from_context: bool = False
    """The subject was carried over from an earlier sentence ("与上年相比增加…")."""
    confidence: float = 1.0
    page: int | None = None
    bbox: BBox | None = None
    locator: str | None = None
    """The locator of the value's line (documents without printed pages)."""
    mention_ids: list[str] = Field(default_factory=list)
    link_doc_id: str | None = None
    """The table cell this amount restates (extract.records.ground): the line item's doc_id (the record's own, or
    that of a companion file of tables), table_id, row and col; None when it restates no cell."""
    link_table_id: str | None = None
    link_row: int | None = None
    link_col: int | None = None
    link_score: float | None = None
    subject_code: str | None = None
    """The 功能分类 / 经济分类 code of the linked row, when it has one."""


class DocumentMeta(BaseModel):
    issuer: str | None = None
    year: int | None = None
    kind: DocumentKind = DocumentKind.OTHER
    unit: str = "元"
    title: str | None = None


class Document(BaseModel):
    doc_id: str
    """sha256 of the file bytes."""
    path: str
    status: DocumentStatus = DocumentStatus.OK
    error: str | None = None
    source_format: str = "pdf"
    """"pdf", "image", "docx", "xlsx", "xls" or "html" (DOC/WPS/ET are converted to docx/xlsx first and
    keep their own suffix here: "doc", "wps", "et")."""
    meta: DocumentMeta = Field(default_factory=DocumentMeta)
    pages: list[Page] = Field(default_factory=list)
    toc: list[TocEntry] = Field(default_factory=list)
    sections: list[Section] = Field(default_factory=list)
    tables: list[Table] = Field(default_factory=list)
    line_items: list[LineItem] = Field(default_factory=list)
    sentences: list[NarrativeSentence] = Field(default_factory=list)
    mentions: list[Mention] = Field(default_factory=list)
    records: list[NarrativeRecord] = Field(default_factory=list)
    findings: list[Finding] = Field(default_factory=list)
    parser_version: str = ""

    def iter_sections(self):
        for section in self.sections:
            yield from section.walk()

    def table(self, table_id: str) -> Table:
        return next(t for t in self.tables if t.table_id == table_id)
