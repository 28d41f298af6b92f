"""Imported once, by the local backend's forkserver: the pipeline runs on a one-page document drawn here, so every
worker forked from the server starts warm.

A fresh process spends ~0.6 s more on its first document than on the next ones: the tagger's model, compiled
patterns, modules imported on first use, caches (measured on the 35-page tbx 部门预算: 1.37 s, then 0.72 s). Paid
once in the forkserver, the workers inherit that state instead of paying it at the start and after every recycle.
The page has a text layer and OCR is off: the OCR engine starts threads, which a fork must not inherit, so each
worker loads it itself at its first scanned page.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pymupdf

from extract.pipeline import process

_LINES = (
    "2023年度部门决算情况说明",
    "一、收入支出决算总体情况说明",
    "2023年度收入、支出决算总计1,200.00万元。与上年相比，收、支总计各增加100.00万元，增长9.09%。",
    "主要原因是人员增加。",
    "二、一般公共预算财政拨款“三公”经费支出决算情况说明",
)
_TABLE = (("项目", "决算数"), ("一般公共预算财政拨款收入", "1,200.00"), ("本年收入合计", "1,200.00"))


def warm_up_document(path: Path) -> Path:
    """A one-page 决算 with a few sentences and a ruled table, written to ``path``."""
    with pymupdf.open() as pdf:
        page = pdf.new_page()
        y = 72.0
        for line in _LINES:
            page.insert_text((56, y), line, fontname="china-s", fontsize=10.5)
            y += 22
        y += 10
        page.insert_text((200, y), "收入支出决算总表", fontname="china-s", fontsize=12)
        top = y + 12
        for r, row in enumerate(_TABLE):
            for x, text in zip((60, 300), row, strict=True):
                page.insert_text((x + 4, top + 18 * r + 13), text, fontname="china-s", fontsize=10)
        for r in range(len(_TABLE) + 1):
            page.draw_line((56, top + 18 * r), (456, top + 18 * r))
        for x in (56, 296, 456):
            page.draw_line((x, top), (x, top + 18 * len(_TABLE)))
        pdf.save(path)
    return path


def warm_up() -> None:
    with tempfile.TemporaryDirectory(prefix="budgetlens-warm-") as folder:
        process(warm_up_document(Path(folder) / "warm.pdf"), ocr="off")


warm_up()
