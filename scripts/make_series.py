"""Render the made-up department of ``samples/sample_final_2023.pdf`` (云溪市市场监督管理局) in two more years,
so that cross-document checks have documents that pair with it:

* its 2023年部门预算: the “三公”经费预算表 whose amounts the 2023 决算 restates in its 预算数 columns — except
  公务接待费 (and so 合计), printed 0.50 万元 higher here than in the 决算: one disagreement, as real series have;
* its 2024年部门预算: a “三公”经费预算表 with 2023年预算数 and 2024年预算数 columns, the 2023 ones as printed in
  the 2023 预算.

Run with an output folder; ``write_series(folder)`` does the same from Python (tests).
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from make_sample import DEPT, YEAR, make_data, three_public
from pdfgen import Cell, PdfWriter, Row, TableSpec

RECEPTION_SHIFT = 0.50
"""万元 added to the 2023 预算's 公务接待费 (and 合计) against the 决算's 预算数."""


def _row(values: list[float]) -> list[str]:
    return [f"{v:.2f}" for v in values]


def budget_2023_row() -> list[float]:
    """合计, 出国, 车 小计, 购置费, 运行费, 接待费 of the 2023 预算, in 万元."""
    budget, _ = three_public(make_data(random.Random(YEAR)))
    values = [float(v) for v in budget]
    values[0] += RECEPTION_SHIFT
    values[5] += RECEPTION_SHIFT
    return values


def _three_public_table(year: int, bands: list[tuple[str, list[float]]]) -> TableSpec:
    half: list[Cell | str] = [
        Cell("合计", rowspan=2),
        Cell("因公出国（境）费", rowspan=2),
        Cell("公务用车购置及运行费", colspan=3),
        Cell("公务接待费", rowspan=2),
    ]
    header: list[Row] = [
        [Cell(name, colspan=6) for name, _ in bands],
        half * len(bands),
        ["小计", "购置费", "运行费"] * len(bands),
    ]
    if len(bands) == 1:
        header = header[1:]
    return TableSpec(
        title=f"{year}年“三公”经费预算表",
        label="公开07表",
        info=(f"编制单位：{DEPT}", f"{year}年", "单位：万元"),
        header=header,
        body=[[v for _, values in bands for v in _row(values)]],
        col_widths=[1] * 6 * len(bands),
        col_align=["right"] * 6 * len(bands),
    )


def budget_document(year: int, table: TableSpec) -> PdfWriter:
    w = PdfWriter(running_header=f"{DEPT}{year}年部门预算")
    w.new_page(running_header=False)
    w.spacer(200)
    w.centered(DEPT, 26, bold=True, space_after=30)
    w.centered(f"{year}年部门预算", 24, bold=True)
    w.new_page()
    w.heading(f"第一部分 {year}年部门预算情况说明", 0)
    w.heading("一、“三公”经费预算情况说明")
    w.paragraph(f"{year}年“三公”经费预算详见{table.title}。本部门预算按照厉行节约的要求编制。")
    w.table(table)
    return w


def write_series(out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    first = budget_2023_row()
    abroad, buy, run, reception = (round(first[k] * 0.9, 2) for k in (1, 3, 4, 5))
    second = [abroad + buy + run + reception, abroad, buy + run, buy, run, reception]
    documents = {
        out_dir / f"{DEPT}{YEAR}年部门预算.pdf": budget_document(YEAR, _three_public_table(YEAR, [("", first)])),
        out_dir / f"{DEPT}{YEAR + 1}年部门预算.pdf": budget_document(
            YEAR + 1, _three_public_table(YEAR + 1, [(f"{YEAR}年预算数", first), (f"{YEAR + 1}年预算数", second)])
        ),
    }
    for path, writer in documents.items():
        writer.save(path)
    return list(documents)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path, help="output folder")
    for path in write_series(ap.parse_args().out):
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
