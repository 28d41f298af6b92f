"""A self-contained, offline HTML review report: findings grouped by severity, each with bilingual messages
and a thumbnail of every page its evidence is on, the evidence boxes drawn over it.

Nothing is fetched: the thumbnails are PNGs inlined as data URIs and the style sheet is inline. A box is
positioned in percent of its page, so it stays on its page at any zoom.
"""

from __future__ import annotations

import base64
import html
import json
from collections import defaultdict
from pathlib import Path

import pymupdf

from extract.model import Document, Evidence, Finding, FindingStatus, Severity
from extract.ocr.spread import page_view

THUMB_DPI = 50
SEVERITY_NAMES = {Severity.ERROR: ("错误", "errors"), Severity.WARNING: ("警告", "warnings"), Severity.INFO: ("提示", "notes")}
_STYLE = """
body{font-family:sans-serif;margin:24px;color:#222}h1{font-size:20px}h2{font-size:17px;border-bottom:1px solid #ccc}
.finding{border:1px solid #ddd;border-radius:4px;padding:8px 12px;margin:10px 0}.finding .id{font-family:monospace;color:#555}
.en{color:#666}.pages{display:flex;flex-wrap:wrap;gap:8px;margin-top:6px}
figure{margin:0}figcaption{font-size:12px;color:#666}.thumb{position:relative;display:inline-block;border:1px solid #bbb}
.thumb img{display:block;width:300px}.box{position:absolute;border:2px solid #d00;background:rgba(255,0,0,.12)}
.error h2{color:#b00}.warning h2{color:#b70}
"""


def reported(doc: Document) -> list[Finding]:
    """The findings a reviewer acts on: inconsistent ones, and checks that could not run."""
    return [f for f in doc.findings if f.status == FindingStatus.INCONSISTENT or f.severity != Severity.INFO]


def _thumbnails(doc: Document, pages: set[int]) -> dict[int, tuple[str, float, float]]:
    """Page → (PNG data URI, page width, page height in points)."""
    found: dict[int, tuple[str, float, float]] = {}
    if not pages or Path(doc.path).suffix.lower() != ".pdf":
        return found
    with pymupdf.open(doc.path) as pdf:
        for number in sorted(pages):
            if 0 < number <= len(doc.pages) and doc.pages[number - 1].source_number <= pdf.page_count:
                page = page_view(pdf, doc.pages[number - 1])
                png = page.get_pixmap(dpi=THUMB_DPI).tobytes("png")
                found[number] = ("data:image/png;base64," + base64.b64encode(png).decode(), page.rect.width, page.rect.height)
    return found


def _box(evidence: Evidence, width: float, height: float) -> str:
    x0, y0, x1, y1 = evidence.bbox or (0, 0, 0, 0)
    style = (
        f"left:{100 * x0 / width:.2f}%;top:{100 * y0 / height:.2f}%;"
        f"width:{100 * max(x1 - x0, 1) / width:.2f}%;height:{100 * max(y1 - y0, 1) / height:.2f}%"
    )
    tip = html.escape(f"{evidence.role}: {evidence.text}")
    return f'<div class="box" data-page="{evidence.page}" style="{style}" title="{tip}"></div>'


def _finding(finding: Finding, thumbs: dict[int, tuple[str, float, float]]) -> str:
    by_page: dict[int, list[Evidence]] = defaultdict(list)
    for e in finding.evidence:
        if e.page and e.bbox:
            by_page[e.page].append(e)
    figures = []
    for page, evidence in sorted(by_page.items()):
        if page not in thumbs:
            continue
        uri, width, height = thumbs[page]
        boxes = "".join(_box(e, width, height) for e in evidence)
        figures.append(
            f'<figure><div class="thumb" data-page="{page}"><img src="{uri}" alt="p{page}">{boxes}</div>'
            f"<figcaption>第 {page} 页 · page {page}</figcaption></figure>"
        )
    check_id = html.escape(finding.check_id)
    return (
        f'<div class="finding" data-check="{check_id}"><div class="id">{check_id} · {finding.status.value}</div>'
        f'<div>{html.escape(finding.message_zh)}</div><div class="en">{html.escape(finding.message_en)}</div>'
        f'<div class="pages">{"".join(figures)}</div></div>'
    )


def render_html(doc: Document) -> str:
    findings = reported(doc)
    thumbs = _thumbnails(doc, {e.page for f in findings for e in f.evidence if e.page and e.bbox})
    title = html.escape(f"{doc.meta.issuer or Path(doc.path).name} {doc.meta.year or ''} {doc.meta.kind.value}")
    sections = []
    for severity in Severity:
        shown = [f for f in findings if f.severity == severity]
        if shown:
            zh, en = SEVERITY_NAMES[severity]
            body = "".join(_finding(f, thumbs) for f in shown)
            sections.append(f'<section class="{severity.value}"><h2>{zh} · {en} ({len(shown)})</h2>{body}</section>')
    consistent = sum(f.status == FindingStatus.CONSISTENT for f in doc.findings)
    summary = f"<p>{len(findings)} 项需复核 · {len(findings)} to review; {consistent} 项核对一致 · {consistent} checks passed</p>"
    empty = "" if sections else "<p>未发现问题 · No problems found.</p>"
    return (
        f'<!DOCTYPE html><html lang="zh"><head><meta charset="utf-8"><title>BudgetLens · {title}</title>'
        f"<style>{_STYLE}</style></head><body><h1>审核报告 · Review report: {title}</h1>{summary}{''.join(sections)}{empty}"
        "</body></html>"
    )


def write_html(doc: Document, out: Path) -> None:
    out.write_text(render_html(doc), encoding="utf-8")


def findings_json(doc: Document, everything: bool = False) -> str:
    """The findings (reported ones, or all) as a JSON document with the file's identity."""
    findings = doc.findings if everything else reported(doc)
    return json.dumps(
        {
            "path": doc.path,
            "doc_id": doc.doc_id,
            "issuer": doc.meta.issuer,
            "year": doc.meta.year,
            "kind": doc.meta.kind.value,
            "findings": [f.model_dump(mode="json") for f in findings],
        },
        ensure_ascii=False,
        indent=1,
    )
