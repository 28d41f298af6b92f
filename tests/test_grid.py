"""Ruled grids drawn in a test PDF come back with their merged cells and text."""

import pymupdf

from extract.parse.pdf import read_page
from extract.tables.grid import fill_grid, find_grids


def _grids(drawer, path):
    doc = pymupdf.open(drawer.save(path))
    content = read_page(doc[0])
    grids = find_grids(content.segments)
    rest = content.chars
    for grid in grids:
        rest = fill_grid(grid, rest)
    return grids, rest


def test_merged_header_cells_and_text(drawer, tmp_path):
    d = drawer()
    d.text(60, 80, "标题在表外")
    d.grid(
        50,
        100,
        [120, 80, 80, 80],
        [
            ["项目", "本年支出", None, None],
            ["", "合计", "基本支出", "项目支出"],
            ["一般公共服务支出", "1,000.00", "600.00", "400.00"],
        ],
    )
    grids, outside = _grids(d, tmp_path / "g.pdf")
    assert len(grids) == 1
    grid = grids[0]
    assert (grid.n_rows, grid.n_cols) == (3, 4)
    spans = {(c.row, c.col): (c.row_span, c.col_span, c.text) for c in grid.cells}
    assert spans[(0, 1)] == (1, 3, "本年支出")
    assert spans[(2, 1)][2] == "1,000.00"
    assert spans[(2, 0)][2] == "一般公共服务支出"
    assert "".join(c.text for c in outside) == "标题在表外"


def test_two_tables_on_one_page_are_separate(drawer, tmp_path):
    d = drawer()
    d.grid(50, 100, [100, 100], [["a", "1"], ["b", "2"]])
    d.grid(50, 300, [100, 100, 100], [["c", "3", "4"], ["d", "5", "6"]])
    grids, _ = _grids(d, tmp_path / "two.pdf")
    assert [(g.n_rows, g.n_cols) for g in grids] == [(2, 2), (2, 3)]


def test_drawings_that_are_not_tables_give_no_grid(drawer, tmp_path):
    d = drawer()
    d.line(50, 100, 500, 100)  # a rule under a heading
    d.text(50, 95, "第一部分 概况")
    grids, _ = _grids(d, tmp_path / "rule.pdf")
    assert grids == []
