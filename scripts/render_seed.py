"""Render a seed text dump (``shared/seeds/*.txt``) into a digital PDF plus a truth file.

A seed is the text of a real 部门决算 with tables as tab-separated lines.  The
renderer walks it line by line:

* the first two lines become the cover, a ``目 录`` line plus its tab lines a
  table of contents with dot leaders (page numbers as printed in the seed);
* ``第X部分`` lines start a new page with a part heading; ``一、…`` and
  ``（一）…`` short lines become headings; other lines paragraphs.  A long line
  without closing punctuation is joined with the next text line (the dump
  breaks paragraphs at the original page breaks);
* runs of tab-separated lines (blank lines inside a run are page breaks of the
  original and are dropped) become ruled tables.  A run preceded by a title and
  a ``公开NN表`` line is a 公开表: its 部门名称 / 年度 / 单位 lines form the info
  line and the ``注：`` / ``说明：`` lines after it the notes.

Header reconstruction (the dump loses merged cells; choices made here):

* the header rows of a 公开表 are the rows up to the 栏次 row (a row starting
  with 栏次, or a row of consecutive numbers 1, 2, …); without one, the leading
  rows that hold no number (公开06).  公开10 starts with a section row
  (``一、政府采购情况``) and gets no header at all: its section rows span the
  table and its ``项目 行次 采购金额`` rows stay in the body as sub-headers;
* a header cell extends right over the empty cells that follow it in its row
  ("收入\t\t\t支出\t\t" -> 收入 and 支出 each span 3 columns), then down over
  the empty cells below it (本年收入合计 spans the 功能分类科目编码 row); in the
  栏次 row only ``栏次`` extends right;
* in the body, a label containing 合计/总计 extends right over empty cells up to
  the next filled cell of its panel, or else over the following code/name
  columns (so 公开06's ``公用经费合计`` spans to the last sub-panel's amounts);
  a row holding a single non-numeric first cell (not 合计) is a section row;
* a top header row whose cells all span several columns and each cover a name
  column names side-by-side panels (收入|支出, 人员经费|公用经费); inside a
  panel every 科目编码 column starts a new group (公用经费 has three);
  公开07's 预算数/决算数 cover no name column, so they stay in the column path;
* spaces between Chinese characters inside table cells are dump artefacts of
  wrapped cells ("社会保障和 就业支出") and are removed; numbers are never
  changed.

The truth file lists every non-empty amount of the ten 公开表 (行次/栏次
numbers, and the vehicle/equipment counts of 公开10, are not amounts).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pdfgen import (
    FINAL_TABLE_TYPES,
    Cell,
    PdfWriter,
    Row,
    TableSpec,
    column_paths,
    content_width,
    parse_amount,
    table_truth,
    text_width,
)

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SEED = ROOT.parent / "shared" / "seeds" / "000_59f9a64325e311ff.txt"
DEFAULT_OUT = ROOT / "tests" / "fixtures" / "seed000_final_2022.pdf"

_LABEL_RE = re.compile(r"^公开(\d{2})表$")
_BOOKMARK_RE = re.compile(r"\[bookmark: [^\]]*\]\s*")
_H1_RE = re.compile(r"^[一二三四五六七八九十]+、")
_H2_RE = re.compile(r"^[（(][一二三四五六七八九十]+[）)]")
_PART_RE = re.compile(r"^第[一二三四五六七八九十]+部分")
_INNER_SPACE_RE = re.compile(r"(?<=[^\x00-\x7f])\s+|\s+(?=[^\x00-\x7f])")
_CLOSING = "。；：！？”）)"
_ITEM_RE = re.compile(r"^([（(]?\d+[)）.、]|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)])")


def clean_cell(text: str) -> str:
    """Drop the spaces a wrapped PDF cell leaves next to Chinese characters."""
    return _INNER_SPACE_RE.sub("", text.strip())


def is_number(text: str) -> bool:
    return parse_amount(text) is not None


def is_index_row(row: list[str]) -> bool:
    """The 栏次 row: starts with 栏次, or its filled cells are 1, 2, 3, …"""
    filled = [c for c in row if c]
    if row and row[0] == "栏次":
        return True
    return len(filled) >= 3 and all(c.isdigit() for c in filled) and [int(c) for c in filled[:3]] == [1, 2, 3]


@dataclass
class Block:
    """A run of tab-separated lines, as rows of cleaned cells padded to equal length."""

    rows: list[list[str]]

    @property
    def ncols(self) -> int:
        return len(self.rows[0])


def header_rows(rows: list[list[str]], ncols: int) -> list[Row]:
    """Rebuild merged header cells from a dump's empty cells (see module docstring)."""
    nh = len(rows)
    covered: set[tuple[int, int]] = set()
    out: list[Row] = []
    for r, row in enumerate(rows):
        cells: Row = []
        index_row = is_index_row(row)
        for c in range(ncols):
            if (r, c) in covered:
                continue
            text = row[c]
            colspan = rowspan = 1
            if text and (not index_row or text == "栏次"):
                while c + colspan < ncols and not row[c + colspan] and (r, c + colspan) not in covered:
                    colspan += 1
                if not index_row:
                    while (
                        r + rowspan < nh
                        and not is_index_row(rows[r + rowspan])
                        and all(not rows[r + rowspan][k] for k in range(c, c + colspan))
                    ):
                        rowspan += 1
            for dr in range(rowspan):
                for dc in range(colspan):
                    covered.add((r + dr, c + dc))
            cells.append(Cell(text, colspan=colspan, rowspan=rowspan))
        out.append(cells)
    return out


def column_roles(paths: list[str]) -> list[str]:
    """code / name / line / amount from each column's header text."""
    roles = []
    for path in paths:
        leaf = path.split("/")[-1] if path else ""
        if "编码" in leaf:
            roles.append("code")
        elif leaf in ("项目", "科目名称") or leaf.endswith("名称"):
            roles.append("name")
        elif leaf == "行次":
            roles.append("line")
        else:
            roles.append("amount")
    return roles


def detect_panels(header: list[Row], roles: list[str], ncols: int) -> tuple[list[tuple[str | None, int, int]], int]:
    """Side-by-side panels (and how many header rows name them) from the top header row."""
    if len(header) < 2:
        return [(None, 0, ncols)], 0
    top = [Cell(x) if isinstance(x, str) else x for x in header[0]]
    spans, c = [], 0
    for cell in top:
        spans.append((cell.text, c, c + cell.colspan))
        c += cell.colspan
    is_panels = len(spans) >= 2 and all(
        t and e - s > 1 and any(roles[k] in ("name", "code") for k in range(s, e)) for t, s, e in spans
    )
    if not is_panels:
        return [(None, 0, ncols)], 0
    panels: list[tuple[str | None, int, int]] = []
    for name, start, end in spans:
        cuts = [k for k in range(start, end) if k == start or roles[k] == "code"]
        for i, k in enumerate(cuts):
            panels.append((name, k, cuts[i + 1] if i + 1 < len(cuts) else end))
    return panels, 1


def body_rows(rows: list[list[str]], roles: list[str], panels: list[tuple[str | None, int, int]]) -> list[Row]:
    """Body rows with 合计-label spans and full-width section rows."""
    ncols = len(roles)
    out: list[Row] = []
    for row in rows:
        filled = [c for c in range(ncols) if row[c]]
        if filled == [0] and not is_number(row[0]) and row[0] != "合计":
            out.append([Cell(row[0], colspan=ncols, align="left", bold=True)])
            continue
        cells: Row = []
        c = 0
        while c < ncols:
            text = row[c]
            span = 1
            if ("合计" in text or "总计" in text) and roles[c] in ("code", "name"):
                panel = next(p[0] for p in panels if p[1] <= c < p[2])
                end = max(e for name, _, e in panels if name == panel and e > c)
                later = [k for k in range(c + 1, end) if row[k]]
                if later:
                    span = later[0] - c
                else:
                    while c + span < ncols and not row[c + span] and roles[c + span] in ("code", "name"):
                        span += 1
            cells.append(Cell(text, colspan=span, align="center" if span > 1 else None))
            c += span
        out.append(cells)
    return out


def auto_widths(rows: list[list[str]], roles: list[str], size: float, avail: float) -> list[float]:
    """Column widths fitted into ``avail`` points.

    Amount, code and 行次 columns get the width of their longest number (their
    header text wraps instead), so numbers never wrap; text columns share the
    rest in proportion to their longest text (long names wrap).
    """
    ncols = len(rows[0])
    minimum = {"amount": 34.0, "code": 26.0, "line": 18.0, "name": 30.0}
    widths = [minimum[r] for r in roles]
    for row in rows:
        for c, text in enumerate(row):
            if roles[c] == "name":
                widths[c] = max(widths[c], min(text_width(text, size) + 8, 150.0))
            elif is_number(text):
                widths[c] = max(widths[c], text_width(text, size) + 8)
    fixed = [c for c in range(ncols) if roles[c] != "name"]
    fixed_total = sum(widths[c] for c in fixed)
    flexible_total = sum(widths) - fixed_total
    if fixed_total < avail and flexible_total > 0:
        scale = (avail - fixed_total) / flexible_total
        widths = [w if c in fixed else w * scale for c, w in enumerate(widths)]
    return widths


@dataclass
class SeedTable:
    """A 公开表 with what is needed for the truth file."""

    number: int
    spec: TableSpec
    roles: list[str]
    panels: list[tuple[str | None, int, int]]
    panel_header_rows: int
    unit: str
    pages: list[int] = field(default_factory=list)


def build_table(
    block: Block, title: str, label: str | None, info: list[str], notes: list[str]
) -> tuple[TableSpec, SeedTable | None]:
    """TableSpec for a tab block; a SeedTable too when it is a 公开表."""
    rows = [list(r) for r in block.rows]
    ncols = block.ncols
    # Note rows inside the block ("注：…\t\t\t") belong under the table.
    while rows and rows[-1][0].startswith(("注：", "说明：")) and not any(rows[-1][1:]):
        notes.insert(0, rows.pop()[0])
    for i in range(len(rows) - 1, -1, -1):
        if rows[i][0].startswith(("注：", "说明：")) and not any(rows[i][1:]):
            notes.insert(0, rows.pop(i)[0])
    nh = 0
    if label:
        idx = next((i for i, r in enumerate(rows[:6]) if is_index_row(r)), None)
        if idx is not None:
            nh = idx + 1
        elif not _H1_RE.match(rows[0][0]):
            while nh < len(rows) and not any(is_number(c) for c in rows[nh]):
                nh += 1
    header = header_rows(rows[:nh], ncols)
    paths = column_paths(header, ncols)
    if nh == 0:  # roles from the first sub-header row in the body (公开10)
        sub = next((r for r in rows if sum(1 for c in r if c) > 1 and not any(is_number(c) for c in r)), None)
        paths = sub or [""] * ncols
    roles = column_roles(paths)
    panels, panel_rows = detect_panels(header, roles, ncols)
    size = 7.0 if ncols > 10 else 8.0
    landscape = ncols >= 8
    left = next((x for x in info if x.startswith(("部门名称", "单位名称", "编制单位"))), "")
    mid = next((x for x in info if x.endswith("年度")), "")
    right = next((x for x in info if "单位：" in x and x not in (left,)), "")
    spec = TableSpec(
        title=title,
        label=label,
        info=(left, mid, right) if info else None,
        header=header,
        body=body_rows(rows[nh:], roles, panels),
        col_widths=auto_widths(rows, roles if label else ["name"] * ncols, size, content_width(landscape)),
        col_align=[{"amount": "right", "line": "center"}.get(r, "left") for r in roles],
        notes=notes,
        font_size=size,
        landscape=landscape,
        min_row_height=13.0,
    )
    if not label:
        return spec, None
    unit = "万元" if "万元" in right else "元"
    m = _LABEL_RE.match(label)
    assert m
    return spec, SeedTable(int(m.group(1)), spec, roles, panels, panel_rows, unit)


def render(seed: Path, out: Path, writer: Any = None) -> tuple[Any, list[SeedTable]]:
    """Render ``seed`` with ``writer`` (a `PdfWriter` by default; `docgen` has DOCX, workbook and HTML
    writers with the same interface) and save it to ``out``."""
    raw = seed.read_text(encoding="utf-8").splitlines()
    # keep trailing tabs: they carry empty cells; the DOCX conversion's [bookmark: _Toc…] tags are not printed text
    lines = [_BOOKMARK_RE.sub("", x).rstrip(" \r") for x in raw]
    title_lines = [x.strip() for x in lines if x.strip()][:2]
    w = writer if writer is not None else PdfWriter(running_header="".join(title_lines))
    w.new_page(running_header=False)
    w.spacer(220)
    for i, text in enumerate(title_lines):
        w.centered(text, 24 if i == 0 else 22, bold=True, space_after=24)

    tables: list[SeedTable] = []
    i = 0
    n = len(lines)
    seen_titles = 0

    def next_nonblank(k: int) -> int:
        while k < n and not lines[k].strip():
            k += 1
        return k

    def take_block(k: int, clean: bool = True) -> tuple[Block, int]:
        """Tab lines from k on, skipping blank lines between them; ``clean``: table cells (see clean_cell)."""
        rows: list[list[str]] = []
        while k < n and "\t" in lines[k]:
            rows.append([clean_cell(c) if clean else c.strip() for c in lines[k].split("\t")])
            nxt = next_nonblank(k + 1)
            k = nxt if nxt < n and "\t" in lines[nxt] else k + 1
        width = max(len(r) for r in rows)
        return Block([r + [""] * (width - len(r)) for r in rows]), k

    while i < n:
        text = lines[i].strip()
        if not text:
            i += 1
            continue
        if seen_titles < 2 and text in title_lines:
            seen_titles += 1
            i += 1
            continue
        if "\t" in lines[i]:
            block, i = take_block(i)
            spec, _ = build_table(block, "", None, [], [])
            w.table(spec, new_page=False)
            continue
        if text.replace(" ", "") == "目录":
            block, i = take_block(next_nonblank(i + 1), clean=False)
            w.new_page()
            w.centered("目  录", 18, bold=True, space_after=10)
            entries = []
            for row in block.rows:
                filled = [c for c in row if c]
                label_text = row[0].rstrip(".").rstrip("…")
                entries.append((label_text, filled[-1] if len(filled) > 1 else "", 0 if _PART_RE.match(label_text) else 1))
            w.toc(entries, size=10.5)
            continue
        k = next_nonblank(i + 1)
        if k < n and _LABEL_RE.match(lines[k].strip()):
            # 公开表: title, label, info lines, tab block, notes.
            label = lines[k].strip()
            info: list[str] = []
            k = next_nonblank(k + 1)
            while k < n and "\t" not in lines[k]:
                line = lines[k].strip()
                if line.endswith("："):
                    k = next_nonblank(k + 1)
                    line += lines[k].strip()
                info.append(line)
                k = next_nonblank(k + 1)
            block, k = take_block(k)
            notes = []
            k2 = next_nonblank(k)
            while k2 < n and lines[k2].strip().startswith(("注：", "说明：")):
                notes.append(lines[k2].strip())
                k2 = next_nonblank(k2 + 1)
            spec, table = build_table(block, text, label, info, notes)
            first, last = w.table(spec, new_page=True)
            if table:
                table.pages = list(range(first, last + 1))
                tables.append(table)
            i = k2
            continue
        if _PART_RE.match(text):
            w.new_page()
            w.heading(text, 0)
            i += 1
            continue
        if len(text) < 40 and (_H1_RE.match(text) or _H2_RE.match(text)) and not text.endswith("。"):
            w.heading(text, 1 if _H1_RE.match(text) else 2)
            i += 1
            continue
        # Paragraph; join lines the dump split at a page break.
        para = text.removeprefix("- ")
        i += 1
        while len(para) >= 38 and para[-1] not in _CLOSING:
            k = next_nonblank(i)
            nxt = lines[k].strip() if k < n else ""
            if k >= n or "\t" in lines[k] or _PART_RE.match(nxt) or _ITEM_RE.match(nxt):
                break
            para += lines[k].strip()
            i = k + 1
        w.paragraph(para)
    w.save(out)
    return w, tables


def truth(tables: list[SeedTable]) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for t in tables:
        items = table_truth(
            t.spec,
            t.roles,
            t.panels,
            panel_header_rows=t.panel_header_rows,
            unit_factor=10000.0 if t.unit == "万元" else 1.0,
            default_name=t.spec.title.removesuffix("支出决算表") if t.number == 7 else "",
            skip_sections=("三、国有资产占用情况",),
        )
        out.append(
            {
                "number_label": t.spec.label,
                "title": t.spec.title,
                "table_type": FINAL_TABLE_TYPES[t.number - 1],
                "pages": t.pages,
                "unit": t.unit,
                "items": items,
            }
        )
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=Path, default=DEFAULT_SEED)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args()
    writer, tables = render(args.seed, args.out)
    truth_path = args.out.with_suffix(".truth.json")
    truth_path.write_text(json.dumps(truth(tables), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    size_kb = args.out.stat().st_size // 1024
    print(f"wrote {args.out} ({size_kb} KB, {writer.doc.page_count} pages, {len(tables)} 公开表) and {truth_path}")


if __name__ == "__main__":
    main()
