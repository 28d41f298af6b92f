"""README.md of a dataset folder: a dataset card in the Hugging Face style (YAML front matter) with the
sections of Datasheets for Datasets, generated from the catalogue and the data itself."""

from __future__ import annotations

from collections import Counter
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import duckdb

from extract import __version__
from extract.dataset import completeness, cross, panel
from extract.dataset.catalog import JOIN_VIEWS, TABLES
from extract.dataset.databases import DATAPACKAGE_FILE, DUCKDB_FILE, key_violations
from extract.dataset.export import description

CARD_FILE = "README.md"

ACCURACY = [
    ("tables found with the right type and page span, 14 corpus PDFs", "138 / 138", "Tables"),
    (
        "line items equal to independently entered values (万里 2024 预算)",
        "474 / 474",
        "Tables",
    ),
    ("line items found on scanned pages (OCR; 20 pages of 5 corpus PDFs)", "638 / 638", "Scanned documents"),
    ("narrative records (subject, metric, value) recalled end to end, crf tagger", "0.686 (precision 0.718)", "Records"),
]
"""Headline figures and the docs/benchmarks.md section that measured each (re-measured there, not here)."""

EXAMPLES = {
    "Top “三公” spenders (the 三公经费 total of each document)": (
        "SELECT issuer_id, year, kind, measure, round(value / 1e4, 2) AS wan_yuan\n"
        "FROM panel\n"
        "WHERE table_kind = 'three_public' AND column_std = '三公经费' AND occurrence = 1 AND measure IN ('预算', '决算')\n"
        "ORDER BY value DESC LIMIT 10"
    ),
    "Year-on-year change of total expenditure by issuer": (
        "SELECT issuer_id, kind, year, round(previous_value / 1e4, 2) AS previous_wan, round(value / 1e4, 2) AS wan,\n"
        "       round(change_rate, 4) AS change_rate\n"
        "FROM panel_year_on_year\n"
        "WHERE table_kind = 'expenditure' AND line = '合计' AND column_std = '合计'\n"
        "ORDER BY issuer_id, year"
    ),
}

KNOWN_LIMITS = [
    "Values are as printed: a published table that does not add up is kept as published and flagged in `findings`; "
    "a digit misread by OCR is corrected only where table arithmetic leaves exactly one reading (`corrected_from`).",
    "Narrative records come from a statistical tagger (see accuracy): about a third of stated numbers lack the right "
    "subject or metric; use `confidence` and check `sentence`.",
    "Issuer ids come from printed names with a few rewrite rules (see Keys): two names of one body that the rules do not "
    "relate get two ids, and a document whose issuer cannot be read has none (it is then left out of the panel).",
    "The panel's `measure` and `column_std` are read from header wording; an unusual header can land in the wrong column; "
    "the printed `column` is kept beside them.",
    "Completeness looks for headings and standard tables; a topic covered in running text without a heading counts as missing.",
    "Cross-document checks only compare lines both documents print under the same table kind, code (or name) and column.",
]


def _version(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:
        return "not installed"


def _markdown(columns: list[str], rows: list[tuple]) -> list[str]:
    def cell(v) -> str:
        if isinstance(v, float):
            return f"{v:.4f}" if abs(v) < 1 else f"{v:,.2f}"
        text = "" if v is None else str(v)
        return text.replace("|", "\\|").replace("\n", " ")

    return [
        "| " + " | ".join(columns) + " |",
        "|" + "---|" * len(columns),
        *("| " + " | ".join(cell(v) for v in r) + " |" for r in rows),
    ]


def _front_matter(row_counts: dict[str, int]) -> list[str]:
    docs = row_counts["documents"]
    size = "n<1K" if docs < 1_000 else "1K<n<10K" if docs < 10_000 else "10K<n<100K" if docs < 100_000 else "n>100K"
    lines = [
        "---",
        "pretty_name: BudgetLens — structured data from Chinese public budget disclosures",
        "language:",
        "- zh",
        "license: other",
        "license_name: source-documents-copyright-issuers",
        "annotations_creators:",
        "- machine-generated",
        "language_creators:",
        "- found",
        "multilinguality:",
        "- monolingual",
        "size_categories:",
        f"- {size}",
        "source_datasets:",
        "- original",
        "task_categories:",
        "- table-question-answering",
        "tags:",
        "- public-finance",
        "- budget",
        "- government-transparency",
        "- china",
        "configs:",
    ]
    for name in TABLES:
        lines += [f"- config_name: {name}", f"  data_files: {name}.parquet"]
    return [*lines, "---", ""]


def _composition(con: duckdb.DuckDBPyConnection, row_counts: dict[str, int]) -> list[str]:
    kinds = con.execute(
        "SELECT kind, status, count(*), min(year), max(year), sum(pages) FROM documents GROUP BY ALL ORDER BY 1, 2"
    ).fetchall()
    issuers = con.execute("SELECT count(DISTINCT issuer_id) FROM document_issuers WHERE issuer_id IS NOT NULL").fetchall()[0][0]
    out = [
        "## Composition",
        "",
        f"{row_counts['documents']} documents from {issuers} issuers:",
        "",
        *_markdown(["kind", "status", "documents", "first year", "last year", "pages"], kinds),
        "",
        "### Tables",
        "",
        "Each table is one Parquet file (`<table>.parquet`), also a table of the same name in "
        f"`{DUCKDB_FILE}` and a resource of `{DATAPACKAGE_FILE}`. Row counts are exact for this folder.",
        "",
        *_markdown(
            ["table", "rows", "one row per", "primary key", "made by"],
            [
                (
                    f"`{n}`",
                    f"{row_counts[n]:,}",
                    t.description,
                    ", ".join(t.key),
                    "budgetlens dataset" if t.derived else "budgetlens run",
                )
                for n, t in TABLES.items()
            ],
        ),
        "",
        "### Columns",
        "",
        "Types are Arrow types; meanings are also stored in each Parquet field's metadata (`description`), "
        f"in DuckDB column comments and in `{DATAPACKAGE_FILE}`.",
    ]
    for name, spec in TABLES.items():
        out += [
            "",
            f"#### `{name}`",
            "",
            *_markdown(["column", "type", "meaning"], [(f"`{f.name}`", str(f.type), description(f)) for f in spec.schema]),
        ]
    return [*out, ""]


def _keys_and_joins(con: duckdb.DuckDBPyConnection) -> list[str]:
    coordinate = ", ".join(panel.COORDINATE)
    repeats = con.execute(f"SELECT count(*) - count(DISTINCT ({coordinate})) FROM panel").fetchall()[0][0]
    violations = key_violations(con)
    out = [
        "## Keys and joins",
        "",
        "Every key is derived from the bytes and the content of a document, never from the order or the machine "
        "that processed it: rerunning, renaming the inputs or changing the number of workers gives the same keys.",
        "",
        "- `doc_id` = sha256 of the input file's bytes; two byte-identical files are one document.",
        "- `section_id` = position in the section tree (1, 1.2, 1.2.3); `table_id` = t01, t02 … in page order; a cell and a "
        "line item are (`table_id`, `row`, `col`) of the grid.",
        "- `sentence_id` = first 16 hex digits of doc_id + sentence number in reading order; `mention_id` and `record_id` = "
        "sentence_id + the span's character offsets.",
        "- `finding_id` = check id + a digest of the check's evidence (and expected value): it does not move when checks are "
        "added; a cross-document `finding_id` digests both doc_ids and the panel coordinate.",
        "- `issuer_id` = the printed issuer with 中共/中国共产党 prefixes, 人民政府 before a 街道/镇/乡, 办事处 after 街道, "
        "（本级）/机关 suffixes, brackets, quotes and spaces removed (NFKC); a document without a readable issuer takes the "
        "longest known issuer_id named in its title or file name (`issuer_source`).",
        f"- panel coordinate = ({coordinate}): "
        + (
            "unique in this folder."
            if not repeats
            else f"{repeats} repeats in this folder (two documents of one kind, year and issuer)."
        ),
        "",
        "Foreign keys: "
        + (
            "all hold in this folder, and every primary key is unique (checked with DuckDB when this card was written)."
            if not violations
            else "NOT all hold in this folder: " + "; ".join(violations) + "."
        ),
        "",
    ]
    for name, spec in TABLES.items():
        for cols, ref, ref_cols in spec.foreign_keys:
            out.append(f"- `{name}`({', '.join(cols)}) → `{ref}`({', '.join(ref_cols)})")
    out += ["", f"Views in `{DUCKDB_FILE}` (the joins, ready to query):", ""]
    out += [f"- `{name}`: {text}" for name, (text, _) in JOIN_VIEWS.items()]
    return [*out, ""]


def _checks(con: duckdb.DuckDBPyConnection) -> list[str]:
    statuses = con.execute("SELECT check_id, status, count(*) FROM cross_findings GROUP BY ALL ORDER BY 1, 2").fetchall()
    scores = con.execute(
        "SELECT kind, count(*), round(avg(score), 3), min(score), max(score) FROM completeness_scores GROUP BY 1 ORDER BY 1"
    ).fetchall()
    by_status = Counter(r[0] for r in con.execute("SELECT status FROM completeness").fetchall())
    return [
        "## Cross-document checks",
        "",
        (cross.__doc__ or "").split("\n\n")[1].strip(),
        "",
        *_markdown(["check", "status", "findings"], statuses or [("—", "—", 0)]),
        "",
        "## Completeness",
        "",
        (completeness.__doc__ or "").split("\n\n")[1].strip(),
        "",
        f"Sections looked for: {', '.join(completeness.SECTION_TOPICS)}. {completeness.SCORE_FORMULA}.",
        "",
        *_markdown(["kind", "documents", "mean score", "lowest", "highest"], scores or [("—", 0, None, None, None)]),
        "",
        "Items by status: " + ", ".join(f"{k} {v}" for k, v in sorted(by_status.items())) + ".",
        "",
    ]


def _how_made(con: duckdb.DuckDBPyConnection) -> list[str]:
    parsers = [r[0] for r in con.execute("SELECT DISTINCT parser_version FROM documents ORDER BY 1").fetchall()]
    taggers = [r[0] for r in con.execute("SELECT DISTINCT tagger FROM mentions ORDER BY 1").fetchall()]
    packages = ", ".join(f"{p} {_version(p)}" for p in ("pymupdf", "rapidocr", "onnxruntime", "pyarrow", "duckdb"))
    return [
        "## How it was made",
        "",
        "`budgetlens run` read each file: the text layer with its positions (pymupdf), or offline OCR (RapidOCR) for "
        "pages without one; the table grids from the page's rulings; table types from titles and content; line items "
        "with their 功能分类/经济分类 codes; the section tree; the narrative's sentences, tagged by a trained sequence tagger "
        "and turned into records; and reconciliation checks within each document. `budgetlens dataset` then derived "
        "the issuer ids, the panel, the cross-document checks, completeness, this card, "
        f"`{DUCKDB_FILE}` and `{DATAPACKAGE_FILE}`. No value is edited by hand.",
        "",
        f"- pipeline versions (documents.parser_version): {', '.join(p or '—' for p in parsers) or '—'}",
        f"- narrative tagger (mentions.tagger): {', '.join(taggers) or '—'} (model cards: `extract/models/` in the package)",
        f"- card generated by budgetlens {__version__} with {packages}",
        "",
    ]


def write_card(out_dir: Path, row_counts: dict[str, int]) -> Path:
    con = duckdb.connect(str(out_dir / DUCKDB_FILE), read_only=True)
    try:
        lines = [
            *_front_matter(row_counts),
            "# BudgetLens dataset",
            "",
            "## What it is",
            "",
            "Structured data read from Chinese public budget disclosures — 部门决算, 部门预算, 单位预算, 绩效自评 — by "
            "BudgetLens: the standard 公开表 as typed line items with their "
            "功能分类/经济分类 codes and page/box provenance, the narrative as sections, sentences, tagged spans and "
            "(subject, metric, value) records, reconciliation findings within and across documents, a panel of "
            "issuer × year × standard line, and a disclosure-completeness table. It was made to let researchers compare "
            "budgets across bodies and years without re-typing PDFs, and to check them.",
            "",
            *_composition(con, row_counts),
            *_keys_and_joins(con),
            *_checks(con),
            *_how_made(con),
            "## Measured accuracy",
            "",
            "Measured in the BudgetLens repository on its development corpus (`docs/benchmarks.md` there, one section per "
            "figure; rerun its command to refresh a figure), not on this folder:",
            "",
            *_markdown(["what", "result", "section of docs/benchmarks.md"], ACCURACY),
            "",
            "## Uses and examples",
            "",
            f"Open `{DUCKDB_FILE}` with DuckDB (`duckdb {DUCKDB_FILE}`), or read the Parquet files with any Arrow tool. "
            "Column meanings: above, and `docs/schema.md` in the BudgetLens repository. Results below are from this folder.",
            "",
        ]
        for title, sql in EXAMPLES.items():
            result = con.execute(sql)
            lines += [
                f"### {title}",
                "",
                "```sql",
                sql,
                "```",
                "",
                *_markdown([d[0] for d in result.description], result.fetchall()),
                "",
            ]
        lines += [
            "## Known limits",
            "",
            *(f"- {limit}" for limit in KNOWN_LIMITS),
            "",
            "## Distribution and copyright",
            "",
            "The source documents are public disclosures of government bodies; their copyright stays with the issuing "
            "bodies. This folder holds values and short texts read from them, each with its document (`documents.path`, "
            "`doc_id`) and page, so that every value can be checked against its source.",
            "",
            "## Maintenance",
            "",
            "Regenerate this card, the database and the data package with `budgetlens dataset DIR`; rerun "
            "`budgetlens run` to re-read the documents. Columns may be added in later versions, never renamed.",
            "",
        ]
    finally:
        con.close()
    target = out_dir / CARD_FILE
    target.write_text("\n".join(lines), encoding="utf-8")
    return target
