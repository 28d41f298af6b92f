"""Tables stage: type every table and turn its amount cells into line items."""

from __future__ import annotations

from extract.model import Document
from extract.tables.classify import classify
from extract.tables.items import resolve_codes, table_line_items


def type_tables(doc: Document) -> Document:
    doc.line_items = []
    for table in doc.tables:
        table.table_type = classify(table, doc.meta.kind)
        if not table.unit:
            table.unit = doc.meta.unit
        doc.line_items.extend(table_line_items(table))
    resolve_codes(doc.line_items)
    return doc
