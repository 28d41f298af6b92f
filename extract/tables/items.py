"""Typed tables → line items: one per amount cell, with its classification code and name.

Codes are printed in several ways: one column ("2080501"), split over 类/款/项 columns
(Shanghai: "208" "05" "01", sometimes only the part that changes), inside the name cell
("2080501 行政单位离退休"), only on parent rows, or not at all. `resolve_codes` fills the
missing ones from the document's own name → code pairs and the national 类 names.
"""

from __future__ import annotations

import re

from extract.model import LineItem, Table
from extract.tables.build import is_band_row, is_data_strip
from extract.tables.text import CODE, CODE_AND_NAME, UNIT_MULTIPLIER, normalize, parse_amount

_LEADING_NUMBERING = re.compile(r"^([一二三四五六七八九十]+[、.．]|\d+[.．、](?!\d)|[（(][一二三四五六七八九十\d]+[)）])")

# 政府收支分类科目 类 names (支出功能分类 and 部门/政府预算支出经济分类), for rows printed without codes.
CLASS_CODES: dict[str, str] = {
    "一般公共服务支出": "201",
    "外交支出": "202",
    "国防支出": "203",
    "公共安全支出": "204",
    "教育支出": "205",
    "科学技术支出": "206",
    "文化旅游体育与传媒支出": "207",
    "文化体育与传媒支出": "207",
    "社会保障和就业支出": "208",
    "社会保险基金支出": "209",
    "卫生健康支出": "210",
    "医疗卫生与计划生育支出": "210",
    "节能环保支出": "211",
    "城乡社区支出": "212",
    "农林水支出": "213",
    "交通运输支出": "214",
    "资源勘探工业信息等支出": "215",
    "资源勘探信息等支出": "215",
    "商业服务业等支出": "216",
    "金融支出": "217",
    "援助其他地区支出": "219",
    "自然资源海洋气象等支出": "220",
    "国土海洋气象等支出": "220",
    "住房保障支出": "221",
    "粮油物资储备支出": "222",
    "国有资本经营预算支出": "223",
    "灾害防治及应急管理支出": "224",
    "其他支出": "229",
    "债务付息支出": "232",
    "债务发行费用支出": "233",
    "抗疫特别国债安排的支出": "234",
    "工资福利支出": "301",
    "商品和服务支出": "302",
    "对个人和家庭的补助": "303",
    "债务利息及费用支出": "307",
    "资本性支出（基本建设）": "309",
    "资本性支出": "310",
    "对企业补助": "312",
    "对社会保障基金补助": "313",
    "机关工资福利支出": "501",
    "机关商品和服务支出": "502",
    "机关资本性支出（一）": "503",
    "机关资本性支出（二）": "504",
    "对事业单位经常性补助": "505",
    "对事业单位资本性补助": "506",
}


_COUNT_UNIT = re.compile(r"[（(](辆|台|套|台\(套\)|台（套）|个|人|次|批次|架|艘|处|平方米)[)）]")


def _count_unit(name: str, band: str) -> str | None:
    """Rows that count things (车辆数(辆), 设备(台套)) are not money: keep their own unit."""
    m = _COUNT_UNIT.search(name)
    if m:
        return m.group(1)
    if "国有资产" in band and not re.search(r"金额|价值|元", name):
        return "个"
    return None


_RATE_COLUMN = re.compile(r"率")
_POINTS_COLUMN = re.compile(r"分值|得分|权重|满分|^分$|/分$|^分/")


def _column_unit(path: str) -> str | None:
    """Columns of a 绩效 table that hold rates (执行率, 完成率, 得分率) or points (分值, 得分, 权重) are not money,
    whatever the table's 单位 says: their values keep their printed size, with unit ``%`` or ``分``."""
    if _RATE_COLUMN.search(path):
        return "%"
    if _POINTS_COLUMN.search(path):
        return "分"
    return None


def clean_name(text: str) -> str:
    return _LEADING_NUMBERING.sub("", normalize(text)).strip()


def _row_code(texts: list[str], code_cols: list[int], inherited: list[str]) -> tuple[str | None, str]:
    """Code of one row from its code columns; returns (code, non-code text found there)."""
    parts = [texts[c] for c in code_cols]
    joined = "".join(parts)
    distinct = list(dict.fromkeys(p for p in parts if p))
    if len(code_cols) == 1 or not joined or (len(distinct) == 1 and parts.count(distinct[0]) > 1):
        # One code column, or one code cell merged across the 类|款|项 columns.
        text = distinct[0] if distinct else ""
        return (text, "") if CODE.match(text) else (None, text)
    if not all(p.isdigit() or not p for p in parts):
        return None, next((p for p in parts if p), "")
    # Split 类|款|项 columns: blank leading parts inherit from the rows above; a 款/项 part
    # printed without its leading zero (spreadsheet export: "2" for "02") is padded.
    parts = [p if k == 0 or len(p) != 1 else p.zfill(2) for k, p in enumerate(parts)]
    levels = []
    for k, part in enumerate(parts):
        if part:
            inherited[k] = part
            del inherited[k + 1 :]
            inherited.extend("" for _ in range(len(parts) - len(inherited)))
        levels.append(part or (inherited[k] if any(parts[k + 1 :]) else ""))
    code = "".join(p for p in levels if p)
    return (code, "") if CODE.match(code) else (None, joined)


def table_line_items(table: Table) -> list[LineItem]:
    if is_data_strip(table):
        return []
    rows = [[normalize(t) for t in row] for row in table.grid()]
    cells = {(cell.row, cell.col): cell for cell in table.cells}
    multiplier = UNIT_MULTIPLIER.get(table.unit or "元", 1.0)
    items: list[LineItem] = []
    for panel in table.panels:
        cols = range(panel.col_start, panel.col_end)
        code_cols = [c for c in cols if table.column_roles[c] == "code"]
        label_cols = [c for c in cols if table.column_roles[c] == "label"]
        value_cols = [c for c in cols if table.column_roles[c] == "value"]
        inherited: list[str] = ["" for _ in code_cols]
        band = ""
        columns = {c: table.column_paths[c] for c in value_cols}
        for r in range(table.header_rows, table.n_rows):
            texts = rows[r]
            if is_band_row(texts):  # "二、机关运行经费": the rows below belong to this band
                band = clean_name(texts[0])
                continue
            amounts = [parse_amount(texts[c]) for c in value_cols]
            if all(a is None for a in amounts) and any(texts[c] for c in value_cols):
                columns.update({c: texts[c] for c in value_cols if texts[c]})  # a sub-header inside the body
                continue
            code, stray = _row_code(texts, code_cols, inherited) if code_cols else (None, "")
            names = []
            for c in label_cols:
                if texts[c] and texts[c] not in names:
                    names.append(texts[c])
            name = "".join(names) or stray
            if code is None and (m := CODE_AND_NAME.match(name)):
                code, name = m.group(1), m.group(2)
            name = clean_name(name)
            row_unit = _count_unit(name, band) or table.unit or "元"
            for c in value_cols:
                cell = cells.get((r, c))
                if cell is None:  # covered by a merged cell that starts elsewhere
                    continue
                value = cell.value if cell.value is not None else parse_amount(cell.text)
                if value is None:
                    continue
                unit = _column_unit(columns[c]) or row_unit
                scale = multiplier if unit in UNIT_MULTIPLIER else 1.0
                items.append(
                    LineItem(
                        table_id=table.table_id,
                        table_type=table.table_type,
                        panel=panel.name or band,
                        code=code,
                        name=name,
                        column=columns[c],
                        value=round(value * scale, 6),
                        raw=normalize(cell.text),
                        unit=unit,
                        row=r,
                        col=c,
                        page=cell.page,
                        bbox=cell.bbox,
                        confidence=cell.confidence,
                        locator=cell.locator,
                    )
                )
    return items


def resolve_codes(items: list[LineItem]) -> None:
    """Give code-less rows the code their name has elsewhere in the document.

    A name like "一般行政管理事务" is a 项 under many 款, so among several candidates the
    one under the nearest coded parent row above it in the same table wins.
    """
    by_name: dict[str, set[str]] = {}
    for item in items:
        if item.code:
            by_name.setdefault(item.name, set()).add(item.code)
    parent_by_row: dict[tuple[str, int], str] = {}
    last_parent: dict[str, str] = {}
    for item in sorted(items, key=lambda i: (i.table_id, i.row)):
        if item.code:
            last_parent[item.table_id] = item.code
        parent_by_row[(item.table_id, item.row)] = last_parent.get(item.table_id, "")
    for item in items:
        if item.code or not item.name:
            continue
        candidates = by_name.get(item.name, set())
        if item.name in CLASS_CODES:
            candidates = candidates | {CLASS_CODES[item.name]}
        if len(candidates) > 1:
            parent = parent_by_row.get((item.table_id, item.row), "")
            for prefix in (parent, parent[:5], parent[:3]):
                narrowed = {c for c in candidates if prefix and c.startswith(prefix)}
                if len(narrowed) == 1:
                    candidates = narrowed
                    break
        if len(candidates) == 1:
            item.code = next(iter(candidates))
