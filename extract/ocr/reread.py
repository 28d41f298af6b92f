"""Cells the table arithmetic flags, read again from the page image.

`extract.tables.repair` flags a cell whose value breaks a sum identity when several readings
would mend it (rivals: "3,656,427.96" could be 3,656,497.96 or 3,656,487.96 …). The arithmetic
cannot choose; the page can. Each flagged cell of an OCR'd page is cut out of the same upright,
cleaned page the first read saw (rendered again from the source: nothing is kept in memory
between parsing and this step) and recognised on its own. When the new reading is one of the
rival readings, it is applied: the line item takes it and keeps what was first read in
`corrected_from`; the finding says both. Otherwise the flag stands.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

import pymupdf

from extract.model import Document, Evidence, Finding, FindingStatus, Severity
from extract.ocr.cells import CROP_INSET_PX
from extract.ocr.engine import CropRecognizer
from extract.ocr.numbers import normalize_amount
from extract.ocr.spread import page_view
from extract.tables.repair import Repair

if TYPE_CHECKING:
    import numpy as np

    from extract.ocr.content import OcrContent


def reread_flagged(
    doc: Document, pdf: pymupdf.Document, results: dict[int, OcrContent], repairs: list[Repair], engine: CropRecognizer
) -> list[Repair]:
    """Resolve the flags of ``repairs`` (no unique reading) by re-reading their cells; apply and
    return the resolved ones (``results``: the OCR read of each page number)."""
    flagged: dict[int, list[Repair]] = defaultdict(list)
    for repair in repairs:
        if repair.corrected_raw is None and repair.candidates and repair.page in results:
            flagged[repair.page].append(repair)
    items = {(i.table_id, i.row, i.col): i for i in doc.line_items}
    resolved: list[Repair] = []
    for number, page_repairs in flagged.items():
        result = results[number]
        image = upright_page(page_view(pdf, doc.pages[number - 1]), result)
        readings = engine.recognize([cell_image(image, r.bbox, result) for r in page_repairs])
        for repair, (text, _confidence) in zip(page_repairs, readings, strict=True):
            read = normalize_amount(text).text
            mine = [c for c in repair.candidates if (c.row, c.col) == (repair.row, repair.col)]
            match = next((c for c in mine if read and normalize_amount(c.raw).text == read), None)
            if match is None:
                continue
            item = items[(repair.table_id, repair.row, repair.col)]
            item.corrected_from = item.raw
            item.raw, item.value = match.raw, match.value
            repair.corrected_raw, repair.corrected_value, repair.applied = match.raw, match.value, True
            resolved.append(repair)
    return resolved


def upright_page(pdf_page: pymupdf.Page, result: OcrContent) -> np.ndarray:
    """The page as the first read saw it: rendered, cleaned, rectified, turned, deskewed, rulings erased."""
    from extract.ocr.clean import clean_scan
    from extract.ocr.content import erase_rulings
    from extract.ocr.flatten import crop_to_page, flatten_rulings
    from extract.ocr.page import MAX_SKEW, PreparedImage, render_page
    from extract.ocr.rectify import warp

    image = clean_scan(crop_to_page(render_page(pdf_page, result.dpi)))
    if result.homography is not None:
        image = warp(image, result.homography)
    image = flatten_rulings(image, result.dpi / 72.0)
    prepared = PreparedImage.rotated(image, result.rotation // 90) if result.rotation else PreparedImage.identity(image)
    prepared = prepared.deskewed(result.skew, MAX_SKEW)
    return erase_rulings(prepared.image, image.shape[1] / pdf_page.rect.width)


def cell_image(image: np.ndarray, bbox: tuple[float, float, float, float], result: OcrContent) -> np.ndarray:
    """The inside of a cell (points of the upright page) cut out of the upright image."""
    px = image.shape[1] / result.content.width
    height, width = image.shape[:2]
    x0, y0, x1, y1 = (round(v * px) for v in bbox)
    return image[
        max(0, y0 + CROP_INSET_PX) : min(height, y1 - CROP_INSET_PX), max(0, x0 + CROP_INSET_PX) : min(width, x1 - CROP_INSET_PX)
    ]


def reread_findings(resolved: list[Repair]) -> list[Finding]:
    """One warning per flagged cell settled by reading it again; both readings kept."""
    findings = []
    for r in resolved:
        where = f"{r.code or r.name} · {r.column}"
        rivals = ", ".join(c.raw for c in r.candidates)
        findings.append(
            Finding(
                check_id="R003.ocr_cell_reread",
                severity=Severity.WARNING,
                status=FindingStatus.CONSISTENT,
                expected=r.corrected_raw,
                found=r.original_raw,
                delta=r.original_value - (r.corrected_value or 0.0),
                message_zh=f"{where}：OCR 读作 {r.original_raw}，与表内勾稽关系不符（可能的读数：{rivals}）；"
                f"单元格重新识别为 {r.corrected_raw}，已更正（原读数保留）。",
                message_en=f"{where}: OCR read {r.original_raw}, which breaks the table arithmetic (possible readings: "
                f"{rivals}); the cell re-read as {r.corrected_raw}, which was used (the reading is kept in corrected_from).",
                evidence=[
                    Evidence(
                        role="cell", text=r.original_raw, value=r.original_value, page=r.page, bbox=r.bbox, table_id=r.table_id
                    )
                ],
            )
        )
    return findings
