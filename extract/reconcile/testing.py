"""Build realistic Documents (tables with cells *and* line items) for reconciliation tests.

The parser is not needed: a table is given as panels of rows, each row a code (or None),
a name and the amounts as printed ("1,234.56", "" for blank). Cells, column paths, roles
and line items come out as the table stage would produce them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from extract.model import Cell, Document, LineItem, Panel, Table
from extract.reconcile.intervals import is_blank, parse_printed, unit_factor

Row = tuple[str | None, str, list[str]]


@dataclass
class PanelSpec:
    columns: list[str]
    """Amount column header paths, e.g. ["本年支出/小计", "本年支出/基本支出"]."""
    rows: list[Row]
    name: str = ""
    with_code: bool = True


@dataclass
class TableSpec:
    table_id: str
    table_type: str
    panels: list[PanelSpec]
    unit: str = "元"
    page: int = 3
    title: str = ""
    blank_items: bool = False
    """Also emit line items for blank cells (raw ""), as some parsers may."""
    drop_cells: set[tuple[int, int]] = field(default_factory=set)
    """(row, col) of cells the 'parser' failed to read: no cell, no line item."""


def _bbox(row: int, col: int) -> tuple[float, float, float, float]:
    return (40.0 + 60 * col, 100.0 + 14 * row, 98.0 + 60 * col, 112.0 + 14 * row)


def build_table(spec: TableSpec) -> tuple[Table, list[LineItem]]:
    cells: list[Cell] = []
    items: list[LineItem] = []
    paths: list[str] = []
    roles: list[str] = []
    panels: list[Panel] = []
    factor = unit_factor(spec.unit) or 1.0
    n_rows = 1 + max(len(p.rows) for p in spec.panels)

    def add_cell(row: int, col: int, text: str, header: bool = False) -> None:
        if (row, col) not in spec.drop_cells:
            cells.append(
                Cell(
                    row=row,
                    col=col,
                    text=text,
                    page=spec.page,
                    bbox=_bbox(row, col),
                    is_header=header,
                )
            )

    for panel in spec.panels:
        start = len(paths)
        labels = (
            [("项目/科目编码", "code"), ("项目/科目名称", "label")]
            if panel.with_code
            else [("项目", "label")]
        )
        for path, role in [*labels, *((c, "value") for c in panel.columns)]:
            add_cell(0, len(paths), path.split("/")[-1], header=True)
            paths.append(path)
            roles.append(role)
        for i, (code, name, raws) in enumerate(panel.rows, start=1):
            col = start
            if panel.with_code:
                add_cell(i, col, code or "")
                col += 1
            add_cell(i, col, name)
            col += 1
            for column, raw in zip(panel.columns, raws, strict=True):
                add_cell(i, col, raw)
                number = parse_printed(raw)
                keep = (number is not None or spec.blank_items and is_blank(raw)) and (
                    i,
                    col,
                ) not in spec.drop_cells
                if keep:
                    value = float(number.value) * factor if number else 0.0
                    items.append(
                        LineItem(
                            table_id=spec.table_id,
                            table_type=spec.table_type,
                            panel=panel.name,
                            code=code,
                            name=name,
                            column=column,
                            value=round(value, 6),
                            raw=raw,
                            unit=spec.unit,
                            row=i,
                            col=col,
                            page=spec.page,
                            bbox=_bbox(i, col),
                        )
                    )
                col += 1
        panels.append(Panel(name=panel.name, col_start=start, col_end=len(paths)))
    table = Table(
        table_id=spec.table_id,
        table_type=spec.table_type,
        title=spec.title,
        pages=[spec.page],
        bbox=(30.0, 90.0, 560.0, 800.0),
        unit=spec.unit,
        n_rows=n_rows,
        n_cols=len(paths),
        header_rows=1,
        column_paths=paths,
        column_roles=roles,
        panels=panels,
        cells=cells,
    )
    return table, items


def build_document(*specs: TableSpec, doc_id: str = "test") -> Document:
    doc = Document(doc_id=doc_id, path=f"/tmp/{doc_id}.pdf")
    for spec in specs:
        table, items = build_table(spec)
        doc.tables.append(table)
        doc.line_items.extend(items)
    return doc
