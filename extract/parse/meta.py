"""Document metadata from the cover, the first pages, the table titles and the file name."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import PurePath

from extract.model import DocumentKind, DocumentMeta, Page, Table

_YEAR_NEAR_KIND = re.compile(r"(20\d{2})\s*年\s*度?[^。\n]{0,14}?(决算|预算|绩效)")
_YEAR = re.compile(r"(20\d{2})\s*年")
_NAME_YEAR = re.compile(r"(?<!\d)(20\d{2})(?!\d)")
_NAME_SHORT_YEAR = re.compile(r"(?<!\d)(\d{2})\s*年度?(?:区级|市级|省级)?(?:部门|单位)?(?:预算|决算)")
_ISSUER_FIELD = re.compile(
    r"(?:预算主管部门|部门名称|编制部门|编制单位|单位名称|填报单位|主管部门|^部门)\s*[:：]\s*([^\s:：]{2,40}?)(?:\s|$|单位|金额|\d{4})"
)
_ISSUER_BEFORE_YEAR = re.compile(r"^([^\d\s]{3,40}?)\s*(20\d{2})\s*年")
_BUDGET_WORDS = re.compile(r"预算|决算|绩效|财政拨款|三公")


def _kind(text: str) -> DocumentKind:
    if re.search(r"绩效自评|绩效评价报告|整体支出绩效", text[:400]) and "决算" not in text[:400]:
        return DocumentKind.PERFORMANCE
    finals, budgets = text.count("决算"), text.count("预算")
    if finals and finals >= budgets / 3:
        return DocumentKind.FINAL_ACCOUNTS
    if "单位预算" in text:
        return DocumentKind.UNIT_BUDGET
    if budgets:
        return DocumentKind.BUDGET
    return DocumentKind.OTHER


def _issuer(lines: list[str]) -> str | None:
    lines = [re.sub(r"\s+|\[部门\]|（部门）", "", text) for text in lines]
    for text in lines:
        m = _ISSUER_FIELD.search(text)
        name = m.group(1) if m else ""
        if name[:1] in "（(" and name[-1:] in "）)":  # "（盖章）"-style wrappers, not "某局（本级）"
            name = name[1:-1]
        name = re.sub(r"^\d+[-－—]", "", name)  # "主管部门：114-大同市应急管理局": the budget code goes
        if len(name) >= 3 and not re.search(r"[X×*]{2}|盖章", name):
            return name
    for text in lines[:12]:
        m = _ISSUER_BEFORE_YEAR.match(text)
        name = re.sub(r"^第.部分", "", m.group(1)) if m else ""
        if len(name) >= 3 and re.search(r"(决算|预算|绩效)", text) and not re.search(r"(目录|市级|区级|省级|县级)$", name):
            return name
    for text in lines[:4]:  # a cover line naming the department alone, e.g. "大同市应急管理局[部门]"
        t = text.replace(" ", "")
        if re.search(r"(局|厅|委员会|办公室|办公厅|院|部|街道办事处|大学|中心|政府)$", t):
            return t
    return None


def file_name_year(source: str | None) -> int | None:
    """The year a file name states ("…2019年预算公开表.pdf", "shpt_2026_budget.pdf", "…24年预算.pdf"),
    if it states exactly one."""
    if not source:
        return None
    name = PurePath(source).name
    years = {int(y) for y in _NAME_YEAR.findall(name)} or {2000 + int(y) for y in _NAME_SHORT_YEAR.findall(name)}
    return years.pop() if len(years) == 1 else None


def _document_year(pages: list[Page], titles: list[str], front: list[str], source: str | None) -> int | None:
    """The year the document is about, by vote.

    Table titles name the budget year ("2026年单位“三公”经费…预算表"), one vote per title; the
    cover ("2019年度部门预算") and the file name add one vote each, so that one title printed
    with a wrong year is outvoted even where it is the only year in the tables, and a tie goes
    to the file name. The narrative also cites the previous year, so the text of the first pages
    only decides when no title carries a year.
    """
    years = Counter(y for title in titles for y in {int(m.group(1)) for m in _YEAR.finditer(title)})
    if years:
        printed = {re.sub(r"\s+", "", t) for t in titles}  # a table title on page 1 is no cover
        cover = "\n".join(ln.text for ln in pages[0].lines if re.sub(r"\s+", "", ln.text) not in printed) if pages else ""
        years.update({int(m.group(1)) for m in _YEAR_NEAR_KIND.finditer(cover)})
    else:
        text = "\n".join(front)
        years = Counter(int(m.group(1)) for m in _YEAR_NEAR_KIND.finditer(text))
        if not years:
            years = Counter(int(m.group(1)) for m in _YEAR.finditer(text))
    named = file_name_year(source)
    if named is not None:
        years[named] += 1
    if not years:
        return None
    order = list(years)  # first seen wins a tie the file name does not settle
    return min(years, key=lambda y: (-years[y], y != named, order.index(y)))


def read_meta(pages: list[Page], tables: list[Table], source: str | None = None) -> DocumentMeta:
    """`source`: the file's path or name, whose year (if it states one) votes for the document year."""
    front = [ln.text for page in pages[:3] for ln in page.lines + page.furniture]
    titles = [t.title for t in tables if t.title]
    units = Counter(t.unit for t in tables if t.unit)
    cover = [ln for ln in pages[0].lines] if pages else []
    title = max(cover, key=lambda ln: ln.font_size).text if cover else None
    kind_text = "\n".join([title or "", *front[:12], *titles])
    return DocumentMeta(
        issuer=_issuer(front + [ln.text for page in pages[3:] for ln in page.lines[:3]]),
        year=_document_year(pages, titles, front, source),
        kind=_kind(kind_text),
        unit=units.most_common(1)[0][0] if units else "元",
        title=title,
    )


def looks_like_budget(pages: list[Page], tables: list[Table]) -> bool:
    """A budget disclosure mentions 预算/决算/绩效 somewhere, or has typed tables."""
    if any(t.table_type != "other" for t in tables):
        return True
    return any(_BUDGET_WORDS.search(ln.text) for page in pages[:10] for ln in page.lines)
