"""Measure table extraction against independently entered values (the Wanli 2024 budget).

`../shared/corpus/truth/wanli_2024_budget_line_items.tsv` was entered by another budget-data
system, one row per table row (table_key, 类/款/项 codes, name, values in 元 as JSON). For
every non-zero value we look for a line item of the same table type with the same code and
a matching column and value. Prints the recall and every miss.

    python scripts/eval_wanli.py [--corpus ../shared/corpus]
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

from extract.pipeline import process

TABLE_TYPES = {
    "income_summary": "budget.income",
    "expenditure_summary": "budget.expenditure",
    "general_budget": "budget.general_budget_expenditure",
    "basic_expenditure": "budget.general_budget_basic_expenditure",
}
COLUMNS = {
    "total": "合计",
    "fiscal": "财政拨款收入",
    "business": "事业收入",
    "operation": "事业单位经营收入",
    "other": "其他收入",
    "basic": "基本支出",
    "project": "项目支出",
    "personnel": "人员经费",
    "public": "公用经费",
}
PDF = "pdf/gbc_上海市普陀区人民政府万里街道办事处24年预算.pdf"
TRUTH = "truth/wanli_2024_budget_line_items.tsv"


def truth_values(path: Path) -> list[tuple[str, str, str, str, float]]:
    """(table_type, code, name, column, value) for every non-zero value."""
    out = []
    with path.open(encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            # The other system stored some 款 codes without their leading zero ("2" for "02").
            parts = [row["class_code"]] + [row[k].zfill(2) for k in ("type_code", "item_code") if row[k] != "\\N"]
            code = "".join(parts)
            for key, value in json.loads(row["values_json"]).items():
                if value:
                    out.append((TABLE_TYPES[row["table_key"]], code, row["item_name"], COLUMNS[key], float(value)))
    return out


def evaluate(corpus: Path) -> tuple[int, list[tuple]]:
    doc = process(corpus / PDF)
    found = {(i.table_type, i.code or "", i.column.rsplit("/", 1)[-1], round(i.value, 2)) for i in doc.line_items}
    truth = truth_values(corpus / TRUTH)
    misses = [t for t in truth if (t[0], t[1], t[3], round(t[4], 2)) not in found]
    return len(truth), misses


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=Path(__file__).resolve().parents[1] / ".." / "shared" / "corpus")
    args = parser.parse_args()
    total, misses = evaluate(args.corpus)
    for table_type, code, name, column, value in misses:
        print(f"MISS {table_type} {code} {name} {column} {value:,.2f}")
    print(
        f"non-zero truth values: {total}; found with same code, column and value: {total - len(misses)} "
        f"({(total - len(misses)) / total:.2%})"
    )
    return 0 if total and len(misses) / total <= 0.005 else 1


if __name__ == "__main__":
    sys.exit(main())
