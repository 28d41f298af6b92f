"""The dataset a run folder explains itself with: card, DuckDB, datapackage, stable keys, the panel across
documents, cross-document findings and completeness — on a small real corpus run."""

from __future__ import annotations

import importlib.util
import re
import shutil

import duckdb
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from conftest import CORPUS, ROOT, SAMPLE, requires_corpus
from extract.cli import app
from extract.dataset import panel
from extract.dataset.catalog import TABLES
from extract.dataset.databases import key_violations
from extract.dataset.export import PRIMARY_KEYS, description
from extract.dataset.issuers import normalise
from extract.dataset.read import read_table

pytestmark = requires_corpus
runner = CliRunner()
PDF = CORPUS / "pdf"
COMMERCE = PDF / "gbc_上海市普陀区商务委员会25年预算.pdf"
COMMERCE_UNIT = PDF / "gbc_上海市普陀区商务委员会单位25年预算.pdf"
SWU_BUDGET = PDF / "swu_20_swu_2023_department_budget__download.jsp.pdf"
SWU_FINAL = PDF / "swu_21_swu_2023_final_accounts__download.jsp.pdf"
TEMPLATE = PDF / "gbc_附件2：部门决算模板.pdf"


def _run(inputs, out, *extra: str) -> None:
    result = runner.invoke(app, ["run", *map(str, inputs), "--out", str(out), *extra])
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def dataset_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("dataset") / "out"
    _run([COMMERCE, COMMERCE_UNIT, SWU_BUDGET, SWU_FINAL, TEMPLATE], out, "--workers", "2")
    result = runner.invoke(app, ["dataset", str(out)])
    assert result.exit_code == 0, result.output
    return out


def _count(out, name: str) -> int:
    return read_table(out, name).num_rows


def test_card_lists_every_table_with_its_exact_row_count_and_every_column(dataset_dir):
    card = (dataset_dir / "README.md").read_text(encoding="utf-8")
    assert card.startswith("---\n") and "\nlanguage:\n- zh\n" in card.split("\n---\n", 1)[0]
    for name, spec in TABLES.items():
        row = re.search(rf"^\| `{name}` \| ([\d,]+) \|", card, re.M)
        assert row and int(row.group(1).replace(",", "")) == _count(dataset_dir, name), name
        section = card.split(f"#### `{name}`", 1)[1].split("####", 1)[0]
        for f in spec.schema:
            meaning = description(f).replace("|", "\\|")
            assert f"| `{f.name}` | {f.type} | {meaning} |" in section
            assert description(f)
    for heading in ("## Keys and joins", "## Measured accuracy", "## Known limits", "copyright stays with the issuing"):
        assert heading in card


def test_duckdb_has_each_table_with_the_parquet_row_count_and_the_join_views(dataset_dir):
    con = duckdb.connect(str(dataset_dir / "dataset.duckdb"), read_only=True)
    for name in TABLES:
        assert con.execute(f"SELECT count(*) FROM {name}").fetchall()[0][0] == _count(dataset_dir, name)
    yoy = con.execute("SELECT * FROM panel_year_on_year LIMIT 0")
    assert {"previous_value", "change_rate", "previous_doc_id"} <= {d[0] for d in yoy.description}
    scores = con.execute("SELECT min(score), max(score), count(*) FROM completeness_scores").fetchall()[0]
    assert 0 <= scores[0] <= scores[1] <= 1 and scores[2] == 5


def test_primary_keys_are_unique_and_foreign_keys_hold(dataset_dir):
    con = duckdb.connect(str(dataset_dir / "dataset.duckdb"), read_only=True)
    assert key_violations(con) == []
    nullable_joins = [  # documented joins that are not declared keys because they may be null
        "SELECT count(*) FROM (SELECT doc_id, unnest(mention_ids) AS m FROM records) r "
        "ANTI JOIN mentions x ON x.doc_id = r.doc_id AND x.mention_id = r.m",
        "SELECT count(*) FROM completeness c ANTI JOIN tables t USING (doc_id, table_id) WHERE c.table_id IS NOT NULL",
        "SELECT count(*) FROM completeness c ANTI JOIN sections s USING (doc_id, section_id) WHERE c.section_id IS NOT NULL",
    ]
    assert [con.execute(sql).fetchall()[0][0] for sql in nullable_joins] == [0, 0, 0]
    assert sum(len(t.foreign_keys) for t in TABLES.values()) >= 14
    card = (dataset_dir / "README.md").read_text(encoding="utf-8")
    assert "Foreign keys: all hold in this folder" in card


def test_datapackage_validates_with_frictionless(series_dir):
    frictionless = pytest.importorskip("frictionless")
    out, _ = series_dir  # the smallest run with rows in every table but companion_links (no 说明 without its tables)
    report = frictionless.validate(out / "datapackage.json")
    assert report.valid, report.flatten(["type", "note"])[:5]
    package = frictionless.Package(out / "datapackage.json")
    assert {r.name for r in package.resources} == set(TABLES)
    assert all(_count(out, n) for n in TABLES if n != "companion_links")
    assert package.get_resource("panel").schema.foreign_keys[0]["reference"]["resource"] == "line_items"


def test_keys_do_not_depend_on_file_names_input_order_or_workers(dataset_dir, tmp_path):
    renamed = tmp_path / "renamed"
    renamed.mkdir()
    for k, source in enumerate([TEMPLATE, COMMERCE_UNIT]):  # other names, other order
        shutil.copy(source, renamed / f"{k}_copy.pdf")
    out = tmp_path / "again"
    _run([renamed], out, "--workers", "1")
    again_ids = {d["doc_id"] for d in read_table(out, "documents").to_pylist()}
    assert len(again_ids) == 2
    for name, key in PRIMARY_KEYS.items():
        first = {tuple(r[k] for k in key) for r in read_table(dataset_dir, name).to_pylist() if r["doc_id"] in again_ids}
        second = {tuple(r[k] for k in key) for r in read_table(out, name).to_pylist()}
        assert first == second, name
        assert len(second) == read_table(out, name).num_rows, name


def test_issuer_ids_normalise_names_across_documents():
    assert normalise("中共江苏省委办公厅") == normalise("江苏省委办公厅") == "江苏省委办公厅"
    assert normalise("上海市普陀区人民政府万里街道办事处") == "上海市普陀区万里街道"
    assert normalise("上海市普陀区人民政府石泉路街道办事处（本级）") == "上海市普陀区石泉路街道"
    assert normalise("XX") is None


def test_the_department_and_its_unit_share_an_issuer_and_the_unit_stays_within_it(dataset_dir):
    issuers = {r["doc_id"]: r for r in read_table(dataset_dir, "document_issuers").to_pylist()}
    by_path = {d["path"]: issuers[d["doc_id"]] for d in read_table(dataset_dir, "documents").to_pylist()}
    dept, unit = by_path[str(COMMERCE)], by_path[str(COMMERCE_UNIT)]
    assert dept["issuer_id"] == unit["issuer_id"] == "上海市普陀区商务委员会"
    assert (dept["scope"], unit["scope"]) == ("部门", "单位")
    x004 = [f for f in read_table(dataset_dir, "cross_findings").to_pylist() if f["check_id"].startswith("X004")]
    assert x004 and {(f["doc_id_a"], f["doc_id_b"]) for f in x004} == {(unit["doc_id"], dept["doc_id"])}
    total = next(f for f in x004 if f["table_kind"] == "expenditure" and f["line"] == "合计")
    assert total["status"] == "consistent" and total["value_a"] == total["value_b"] > 0


def test_budget_to_final_completion_cites_both_cells(dataset_dir):
    items = {(r["doc_id"], r["table_id"], r["row"], r["col"]): r for r in read_table(dataset_dir, "line_items").to_pylist()}
    x003 = [f for f in read_table(dataset_dir, "cross_findings").to_pylist() if f["check_id"].startswith("X003")]
    total = next(f for f in x003 if f["table_kind"] == "expenditure" and f["line"] == "合计")
    final = items[(total["doc_id_a"], total["table_id_a"], total["row_a"], total["col_a"])]
    budget = items[(total["doc_id_b"], total["table_id_b"], total["row_b"], total["col_b"])]
    assert final["table_type"] == "final.expenditure" and budget["table_type"] == "budget.expenditure"
    assert (final["raw"], budget["raw"]) == ("457,676.75", "468,779.07")
    assert total["ratio"] == pytest.approx(457676.75 / 468779.07)
    assert all(f["table_kind"] != "income" for f in x003)


def test_panel_addresses_lines_by_issuer_year_and_standard_column(dataset_dir):
    rows = read_table(dataset_dir, "panel").to_pylist()
    coordinates = [
        (
            r["issuer_id"],
            r["year"],
            r["kind"],
            r["scope"],
            r["table_kind"],
            r["line"],
            r["measure"],
            r["column_std"],
            r["occurrence"],
        )
        for r in rows
    ]
    assert len(set(coordinates)) == len(rows)
    swu = {
        (r["kind"], r["table_kind"], r["line"], r["measure"], r["column_std"]): r["value"]
        for r in rows
        if r["issuer_id"] == "西南大学"
    }
    assert swu[("部门决算", "expenditure", "205", "决算", "合计")] == pytest.approx(4_252_872_700)
    assert swu[("部门预算", "expenditure", "205", "预算", "合计")] == pytest.approx(4_343_349_900)


def test_completeness_reads_empty_tables_from_the_checks_and_scores_each_document(dataset_dir):
    rows = read_table(dataset_dir, "completeness").to_pylist()
    paths = {d["doc_id"]: d["path"] for d in read_table(dataset_dir, "documents").to_pylist()}
    template = [r for r in rows if paths[r["doc_id"]] == str(TEMPLATE) and r["item_type"] == "table"]
    assert len(template) == 9 and sum(r["status"] == "empty_without_note" for r in template) == 7
    swu_final = {r["item"]: r["status"] for r in rows if paths[r["doc_id"]] == str(SWU_FINAL)}
    assert {k for k in swu_final if k.startswith("table:")} == {  # a university prints four
        "table:final.income_expenditure_summary",
        "table:final.income",
        "table:final.expenditure",
        "table:final.general_budget_expenditure",
    }
    assert swu_final["table:final.income"] == "present"
    commerce = {r["item"]: r for r in rows if paths[r["doc_id"]] == str(COMMERCE)}
    assert commerce["section:名词解释"]["status"] == "present" and commerce["section:名词解释"]["section_id"]
    assert all(r["points"] in (0, 0.5, 1) for r in rows)


def test_dataset_command_refuses_a_folder_that_is_not_a_run(tmp_path):
    result = runner.invoke(app, ["dataset", str(tmp_path)])
    assert result.exit_code == 2 and "documents.parquet" in result.output


@pytest.mark.parametrize(
    ("header", "family", "year", "measure", "column"),
    [  # header paths as printed in the corpus and the seeds
        ("本年支出/预算数/基本支出/人员经费", "budget", 2025, "预算", "基本支出/人员经费"),
        ("2023年“三公”经费预算数/公务用车购置及运行费/小计", "budget", 2023, "预算", "公务用车购置及运行费"),
        ("2024年“三公”经费预算数/合计", "budget", 2024, "预算", "三公经费"),
        ("“三公”经费/小计", "budget", 2018, "预算", "三公经费"),
        ("支出/一般公共预算财政拨款", "final", 2024, "决算", "一般公共预算"),
        ("本年支出合计", "final", 2024, "决算", "合计"),
        ("上年结转", "budget", 2023, "预算", "上年结转"),
        ("年初预算数/合计", "final", 2022, "年初预算", "合计"),
        ("2021年预算数/公务接待费", "budget", 2022, "上年预算", "公务接待费"),
        ("上年执行数", "budget", 2024, "上年执行", "合计"),
    ],
)
def test_panel_reads_the_measure_and_standard_column_from_the_printed_header(header, family, year, measure, column):
    assert panel.measure(header, family, year) == measure
    assert panel.column_std(header) == column


@pytest.fixture(scope="module")
def series_dir(tmp_path_factory):
    """The sample's department in three documents: its 2023 决算 (the bundled sample) and the 2023 and 2024 预算
    rendered by scripts/make_series.py (the 2023 预算 prints 公务接待费 0.50 万元 above the 决算's 预算数)."""
    root = tmp_path_factory.mktemp("series")
    spec = importlib.util.spec_from_file_location("make_series", ROOT / "scripts" / "make_series.py")
    make_series = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make_series)
    budgets = make_series.write_series(root / "in")
    _run([SAMPLE, *budgets], root / "out")
    assert runner.invoke(app, ["dataset", str(root / "out")]).exit_code == 0
    return root / "out", {p.name: p for p in budgets}


def test_final_accounts_budget_columns_are_checked_against_the_years_budget(series_dir):
    out, budgets = series_dir
    paths = {d["doc_id"]: d["path"] for d in read_table(out, "documents").to_pylist()}
    x001 = [f for f in read_table(out, "cross_findings").to_pylist() if f["check_id"].startswith("X001")]
    assert {(paths[f["doc_id_a"]], paths[f["doc_id_b"]]) for f in x001} == {
        (str(SAMPLE), str(budgets["云溪市市场监督管理局2023年部门预算.pdf"]))
    }
    wrong = {f["column_std"]: f for f in x001 if f["status"] == "inconsistent"}
    assert set(wrong) == {"三公经费", "公务接待费"} and len(x001) == 6
    assert wrong["公务接待费"]["delta"] == pytest.approx(-5000) and wrong["公务接待费"]["raw_b"] == "4.44"
    items = {(r["doc_id"], r["table_id"], r["row"], r["col"]): r for r in read_table(out, "line_items").to_pylist()}
    cited = items[
        (
            wrong["公务接待费"]["doc_id_a"],
            wrong["公务接待费"]["table_id_a"],
            wrong["公务接待费"]["row_a"],
            wrong["公务接待费"]["col_a"],
        )
    ]
    assert cited["table_type"] == "final.three_public" and cited["column"] == "预算数/公务接待费"


def test_previous_year_columns_are_checked_against_last_years_document(series_dir):
    out, budgets = series_dir
    paths = {d["doc_id"]: d["path"] for d in read_table(out, "documents").to_pylist()}
    x002 = [f for f in read_table(out, "cross_findings").to_pylist() if f["check_id"].startswith("X002")]
    assert len(x002) == 6 and all(f["status"] == "consistent" and f["measure_a"] == "上年预算" for f in x002)
    assert {(paths[f["doc_id_a"]], paths[f["doc_id_b"]]) for f in x002} == {
        (str(budgets["云溪市市场监督管理局2024年部门预算.pdf"]), str(budgets["云溪市市场监督管理局2023年部门预算.pdf"]))
    }
    con = duckdb.connect(str(out / "dataset.duckdb"), read_only=True)
    change = con.execute(
        "SELECT year, previous_value, value FROM panel_year_on_year WHERE table_kind = 'three_public' AND column_std = '三公经费'"
    ).fetchall()
    assert change == [(2024, pytest.approx(370_500), pytest.approx(333_500))]


def test_a_table_written_as_a_folder_of_parts_reads_the_same(dataset_dir, tmp_path):
    parted = tmp_path / "parted"
    shutil.copytree(dataset_dir, parted, ignore=shutil.ignore_patterns("docs"))
    items = pq.read_table(parted / "line_items.parquet")
    (parted / "line_items.parquet").unlink()
    (parted / "line_items.parquet").mkdir()
    half = items.num_rows // 2
    pq.write_table(items.slice(0, half), parted / "line_items.parquet" / "part-0.parquet")
    pq.write_table(items.slice(half), parted / "line_items.parquet" / "part-1.parquet")
    assert runner.invoke(app, ["dataset", str(parted)]).exit_code == 0
    for name in ("panel", "cross_findings", "line_items"):
        assert read_table(parted, name).to_pylist() == read_table(dataset_dir, name).to_pylist(), name
    con = duckdb.connect(str(parted / "dataset.duckdb"), read_only=True)
    assert con.execute("SELECT count(*) FROM line_items").fetchall()[0][0] == items.num_rows


def test_a_narrative_file_is_linked_to_the_tables_of_its_companion_file(tmp_path):
    """江苏省委办公厅 2018 publishes its 说明 and its 公开表 as two files: the 说明's amounts restate the 公开表's cells."""
    narrative = PDF / "ae86_江苏省委办公厅__江苏省委办公厅2018年度部门预算公开文件.pdf"
    tables = PDF / "ae86_江苏省委办公厅__江苏省委办公厅2018年度部门预算公开表.pdf"
    out = tmp_path / "out"
    _run([narrative, tables], out)
    assert runner.invoke(app, ["dataset", str(out)]).exit_code == 0
    con = duckdb.connect(str(out / "dataset.duckdb"), read_only=True)
    paths = dict(con.sql("SELECT path, doc_id FROM documents").fetchall())
    own = con.sql("SELECT count(*) FROM records WHERE link_table_id IS NOT NULL").fetchall()[0][0]
    linked = con.sql(
        "SELECT r.value * CASE r.unit WHEN '万元' THEN 1e4 WHEN '亿元' THEN 1e8 ELSE 1 END, l.value, c.doc_id, c.link_doc_id "
        "FROM companion_links c JOIN records r USING (doc_id, record_id) JOIN line_items l "
        "ON l.doc_id = c.link_doc_id AND l.table_id = c.link_table_id AND l.row = c.link_row AND l.col = c.link_col"
    ).fetchall()
    amounts = con.sql("SELECT count(*) FROM records WHERE label = 'AMOUNT'").fetchall()[0][0]
    in_view = con.sql("SELECT count(*) FROM records_linked WHERE link_table_id IS NOT NULL").fetchall()[0][0]
    assert own == 0  # one file at a time, the 说明 has nothing to link to
    assert len(linked) >= amounts / 3 and in_view == len(linked)
    assert {(d, t) for _, _, d, t in linked} == {(paths[str(narrative)], paths[str(tables)])}
    assert all(abs(said - cell) <= 0.005 * 1e4 for said, cell, _, _ in linked)  # the printed 万元 figure, to its last digit
