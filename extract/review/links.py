"""What a record's link points at, the cells a reviewer may re-link it to, and the text view of a page without an image.

A record's link is the key of a line item (doc_id, table_id, row, col) that `extract.records.ground` found. The
candidates to re-link to are the cells of the same document whose printed value meets the record's at printed
precision (`ground.candidates`), best `ground.score` first — a cell that scores 0 (another metric, another side) is
listed all the same, since the reviewer is the judge. Documents without printed pages (DOCX, XLSX, HTML) have no image
to box: `text_view` shows the locator and the text or table row around it instead.
"""

from __future__ import annotations

from extract.model import Document, LineItem
from extract.records.ground import candidates, score, table_cells
from extract.review.dataset import IMAGE_FORMATS

MAX_CANDIDATES = 12
LINK_KEYS = ("doc_id", "table_id", "row", "col")


def has_page_images(doc: Document) -> bool:
    return doc.source_format in IMAGE_FORMATS


def cell_key(link: dict) -> str:
    """A link as annotations/grounding/*.jsonl writes a cell: "<doc_id[:16]>/<table_id>/r<row>/c<col>"."""
    return f"{link['doc_id'][:16]}/{link['table_id']}/r{link['row']}/c{link['col']}"


def line_item(doc: Document, table_id: str, row: int, col: int) -> LineItem | None:
    return next((i for i in doc.line_items if (i.table_id, i.row, i.col) == (table_id, row, col)), None)


def cell_view(doc: Document, item: LineItem) -> dict:
    """A line item as the record screen shows it: where it is and what it prints."""
    title = next((t.title for t in doc.tables if t.table_id == item.table_id), "")
    return {
        "doc_id": doc.doc_id,
        "table_id": item.table_id,
        "row": item.row,
        "col": item.col,
        "title": title,
        "name": item.name,
        "column": item.column,
        "raw": item.raw,
        "unit": item.unit,
        "page": item.page,
        "locator": item.locator,
    }


def link_candidates(doc: Document, record_id: str) -> list[dict]:
    """The cells of the document whose printed value is the record's, best score first (at most MAX_CANDIDATES)."""
    record = next((r for r in doc.records if r.record_id == record_id), None)
    if record is None:
        return []
    scored = sorted(((score(record, c), c) for c in candidates(record, table_cells([doc]))), key=lambda sc: (-sc[0], sc[1].order))
    out = []
    for value, cell in scored[:MAX_CANDIDATES]:
        item = line_item(doc, cell.table_id, cell.row, cell.col)
        if item is not None:
            out.append(cell_view(doc, item) | {"score": value})
    return out


def checked_link(doc: Document, link: object) -> dict | None:
    """A re-link of a decision payload: null (no link) or a cell of this document ({doc_id?, table_id, row, col})."""
    if link is None:
        return None
    if not isinstance(link, dict):
        raise ValueError("a link is null or {table_id, row, col}")
    try:
        table_id, row, col = str(link["table_id"]), int(link["row"]), int(link["col"])
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"bad link {link!r}: it needs table_id, row and col") from exc
    if link.get("doc_id", doc.doc_id) != doc.doc_id or line_item(doc, table_id, row, col) is None:
        raise ValueError(f"{table_id} r{row} c{col} is no table value of this document")
    return {"doc_id": doc.doc_id, "table_id": table_id, "row": row, "col": col}


def text_view(doc: Document, item_kind: str, ref: str, locator: str | None) -> dict:
    """What the page pane shows for a document without page images: the locator and its surroundings — the sentence
    with the one before and after it, or the table's title, header and the cell's row."""
    if item_kind in ("cell", "link"):
        table_id, row, col = ref.rsplit(":", 2)
        table = next((t for t in doc.tables if t.table_id == table_id), None)
        if table is not None:
            header = sorted((c for c in table.cells if c.is_header), key=lambda c: (c.row, c.col))
            line = sorted((c for c in table.cells if c.row == int(row) and not c.is_header), key=lambda c: c.col)
            return {
                "locator": locator,
                "title": table.title,
                "header": [c.text for c in header],
                "row": [{"text": c.text, "locator": c.locator, "here": c.col == int(col)} for c in line],
            }
    sentence_id = ref if item_kind == "sentence" else next((r.sentence_id for r in doc.records if r.record_id == ref), ref)
    ids = [s.sentence_id for s in doc.sentences]
    at = ids.index(sentence_id) if sentence_id in ids else -1
    around = doc.sentences[max(at - 1, 0) : at + 2] if at >= 0 else []
    return {
        "locator": locator,
        "section_path": doc.sentences[at].section_path if at >= 0 else "",
        "sentences": [{"text": s.text, "locator": s.locator, "here": s.sentence_id == sentence_id} for s in around],
    }
