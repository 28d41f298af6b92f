"""`budgetlens run` over good and bad inputs: one row per document, errors recorded, batch goes on."""

import json

import pyarrow.parquet as pq
import pymupdf
import pytest
from typer.testing import CliRunner

from conftest import SAMPLE
from extract.cli import app

runner = CliRunner()


@pytest.fixture
def bad_inputs(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "empty.pdf").write_bytes(b"")
    (folder / "notpdf.pdf").write_text("just text", encoding="utf-8")
    (folder / "truncated.pdf").write_bytes(SAMPLE.read_bytes()[:2000])
    doc = pymupdf.open()
    doc.new_page().insert_text((72, 72), "secret")
    doc.save(folder / "encrypted.pdf", encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="u", owner_pw="o")
    doc = pymupdf.open()
    doc.new_page().insert_text((72, 72), "A recipe for noodles, not a budget.")
    doc.save(folder / "recipe.pdf")
    return folder


def test_run_writes_the_dataset_and_reports_bad_files(tmp_path, bad_inputs):
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", str(SAMPLE), str(bad_inputs), "--out", str(out)])
    assert result.exit_code == 1, result.output  # some documents failed
    docs = pq.read_table(out / "documents.parquet").to_pylist()
    assert len(docs) == 6
    by_name = {d["path"].rsplit("/", 1)[-1]: d for d in docs}
    assert by_name["sample_final_2023.pdf"]["status"] == "ok"
    assert by_name["sample_final_2023.pdf"]["year"] == 2023
    assert "empty" in by_name["empty.pdf"]["error"]
    assert "not a PDF" in by_name["notpdf.pdf"]["error"]
    assert "encrypted" in by_name["encrypted.pdf"]["error"]
    assert by_name["truncated.pdf"]["status"] == "failed" and by_name["truncated.pdf"]["error"].startswith("corrupt PDF")
    assert by_name["recipe.pdf"]["status"] == "rejected"

    sample_id = by_name["sample_final_2023.pdf"]["doc_id"]
    items = pq.read_table(out / "line_items.parquet").to_pylist()
    assert items and all(i["doc_id"] == sample_id for i in items)
    assert {"code", "name", "column", "value", "raw", "unit", "page", "x0", "y1"} <= set(items[0])
    tables = pq.read_table(out / "tables.parquet").to_pylist()
    assert {t["table_type"] for t in tables} >= {"final.income_expenditure_summary", "final.three_public"}
    assert pq.read_table(out / "sections.parquet").num_rows > 5
    assert pq.read_table(out / "cells.parquet").num_rows > len(items)
    records = pq.read_table(out / "records.parquet").to_pylist()
    mentions = pq.read_table(out / "mentions.parquet").to_pylist()
    assert {r["doc_id"] for r in records} == {m["doc_id"] for m in mentions} == {by_name["sample_final_2023.pdf"]["doc_id"]}
    assert any(r["subject"] == "收入总计" and r["value_yuan"] for r in records)
    assert all(r["page"] and r["x1"] > r["x0"] for r in records if r["x0"] is not None)
    cells = {(i["doc_id"], i["table_id"], i["row"], i["col"]) for i in items}
    linked = [r for r in records if r["link_table_id"]]  # a link is a key of line_items.parquet
    assert linked and all((r["link_doc_id"], r["link_table_id"], r["link_row"], r["link_col"]) in cells for r in linked)
    findings = pq.read_table(out / "findings.parquet").to_pylist()
    assert findings and all(json.loads(f["evidence_json"]) for f in findings)
    saved = json.loads((out / "docs" / f"{sample_id}.json").read_text(encoding="utf-8"))
    assert len(saved["tables"]) == len(tables)


def test_run_succeeds_on_good_input(tmp_path):
    result = runner.invoke(app, ["run", str(SAMPLE), "--out", str(tmp_path / "o")])
    assert result.exit_code == 0, result.output
    assert "1/1 documents parsed" in result.output


def test_show_prints_an_outline():
    result = runner.invoke(app, ["show", str(SAMPLE)])
    assert result.exit_code == 0, result.output
    assert "final.income_expenditure_summary" in result.output
    assert "第三部分" in result.output
    assert "2023" in result.output


def test_check_on_a_consistent_document():
    result = runner.invoke(app, ["check", str(SAMPLE)])
    assert result.exit_code == 0, result.output
    assert "0 inconsistent" in result.output


def test_tag_prints_spans_and_records() -> None:
    text = "社会保障和就业支出年初预算559.63万元，决算数914.04万元，完成年初预算的163.3%。"
    result = runner.invoke(app, ["tag", text], terminal_width=200)
    assert result.exit_code == 0, result.output
    for expected in ("559.63万元", "914.04万元", "163.3%", "预算数", "决算数", "完成率", "5,596,300.00"):
        assert expected in result.output


def test_tag_reads_counts_under_a_budget_work_plan_heading_as_targets() -> None:
    text = "全年共组织应急培训5次。"
    plain = runner.invoke(app, ["tag", text], terminal_width=200)
    planned = runner.invoke(app, ["tag", text, "--kind", "部门预算", "--section", "三、2026年主要工作任务"], terminal_width=200)
    assert plain.exit_code == 0 and planned.exit_code == 0, plain.output + planned.output
    assert "TARGET" not in plain.output
    assert "QUANTITY" in plain.output
    assert "TARGET" in planned.output and "QUANTITY" not in planned.output


def test_tag_with_an_unknown_model_folder_fails_clearly(tmp_path) -> None:
    result = runner.invoke(app, ["tag", "基本支出100万元。", "--tagger", str(tmp_path)])
    assert result.exit_code == 2
    assert "no trained tagger" in result.output
