"""`budgetlens check FILE --report report.html --format json` on a real document with printed errors: the JSON
lists them, and the HTML report, opened in headless chromium, shows each finding's evidence boxes on its page."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import CORPUS, requires_corpus
from extract.cli import app

SFJ = CORPUS / "pdf" / "gbc_shpt_sfj_2026_budget.pdf"
"""上海普陀 司法局 2026 预算: a doubled "。。" (p8) and an unpaired ” (p23) among its findings."""
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="module")
def checked(tmp_path_factory) -> tuple[dict, Path]:
    out = tmp_path_factory.mktemp("report") / "report.html"
    result = CliRunner().invoke(app, ["check", str(SFJ), "--report", str(out), "--format", "json"])
    assert result.exit_code == 3, result.output  # inconsistent findings
    return json.loads(result.stdout), out


@requires_corpus
def test_json_lists_the_printed_errors(checked) -> None:
    data, _ = checked
    ids = [f["check_id"] for f in data["findings"]]
    assert data["issuer"] == "上海市普陀区司法局" and "V010.doubled_sentence_end" in ids and "V012.balanced_brackets" in ids
    doubled = next(f for f in data["findings"] if f["check_id"].startswith("V010"))
    assert doubled["evidence"][0]["page"] == 8 and "。。" in doubled["found"]


@requires_corpus
def test_html_report_renders_with_every_evidence_box_on_its_page(checked) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip("chromium is not installed (apt-get install -y chromium)")
    data, report = checked
    assert "http" not in report.read_text(encoding="utf-8").split("<body>")[0]  # nothing fetched: self-contained
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page()
        page.goto(report.as_uri())
        assert page.locator("h1").inner_text().startswith("审核报告 · Review report")
        findings = page.locator(".finding")
        assert findings.count() == len(data["findings"])
        images = page.eval_on_selector_all("img", "imgs => imgs.map(i => i.complete && i.naturalWidth > 0)")
        assert images and all(images)
        boxes = page.eval_on_selector_all(
            ".thumb .box",
            """boxes => boxes.map(b => {
                const t = b.closest('.thumb'), r = b.getBoundingClientRect(), p = t.getBoundingClientRect();
                return {box: b.dataset.page, thumb: t.dataset.page,
                        inside: r.left >= p.left - 1 && r.right <= p.right + 1 && r.top >= p.top - 1 && r.bottom <= p.bottom + 1};
            })""",
        )
        browser.close()
    with_boxes = sum(1 for f in data["findings"] for e in f["evidence"] if e["page"] and e["bbox"])
    assert len(boxes) == with_boxes
    assert all(b["box"] == b["thumb"] and b["inside"] for b in boxes)
