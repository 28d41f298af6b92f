"""Document metadata from the cover, the first pages and the table titles."""

from __future__ import annotations

import re
from collections import Counter

from extract.model import DocumentKind, DocumentMeta, Page, Table

_YEAR_NEAR_KIND = re.compile(r"(20\d{2})\s*年\s*度?[^。\n]{0,14}?(决算|预算|绩效)")
_YEAR = re.compile(r"(20\d{2})\s*年")
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


def read_meta(pages: list[Page], tables: list[Table]) -> DocumentMeta:
    front = [ln.text for page in pages[:3] for ln in page.lines + page.furniture]
    titles = [t.title for t in tables if t.title]
    text = "\n".join(front + titles)
    # Table titles name the budget year ("2026年单位“三公”经费…预算表"); the narrative also
    # cites the previous year, so it only decides when the titles carry no year.
    years = Counter(int(m.group(1)) for title in titles for m in _YEAR.finditer(title))
    if not years:
        years = Counter(int(m.group(1)) for m in _YEAR_NEAR_KIND.finditer(text))
    if not years:
        years = Counter(int(m.group(1)) for m in _YEAR.finditer(text))
    units = Counter(t.unit for t in tables if t.unit)
    cover = [ln for ln in pages[0].lines] if pages else []
    title = max(cover, key=lambda ln: ln.font_size).text if cover else None
    kind_text = "\n".join([title or "", *front[:12], *titles])
    return DocumentMeta(
        issuer=_issuer(front + [ln.text for page in pages[3:] for ln in page.lines[:3]]),
        year=years.most_common(1)[0][0] if years else None,
        kind=_kind(kind_text),
        unit=units.most_common(1)[0][0] if units else "元",
        title=title,
    )


def looks_like_budget(pages: list[Page], tables: list[Table]) -> bool:
    """A budget disclosure mentions 预算/决算/绩效 somewhere, or has typed tables."""
    if any(t.table_type != "other" for t in tables):
        return True
    return any(_BUDGET_WORDS.search(ln.text) for page in pages[:10] for ln in page.lines)
