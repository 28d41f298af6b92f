"""SUBJECT spans repaired from the document's own tables.

Budget prose names a classification line by its 类/款/项 chain or its code: "政协事务（款）行政运行（项）5,223.22
万元", "住房改革支出（款）住房公积金（项）支出715.28万元", "高中教育（2050204），2023年度决算数为…". A tagger sees a long
run of characters and often cuts it (or leaves the value without a subject); the document's tables print the same
line as a row with its name and code. A chain whose last segment is a row of the tables (by name or by code) is that
row's subject, whole (GUIDELINES §2/§5: one SUBJECT covering the whole 类/款/项 path, markers and code kept): the
predicted SUBJECTs inside or across it are replaced by the chain. A chain that names no row of the tables is left as
the tagger read it.

The row names (and the lines tables are named after: "一般公共预算机关运行经费支出预算表") are also a gazetteer. An amount
the tagger left without any SUBJECT in its clause, right after a row's printed name (metric words and 为 aside), takes
that name as its SUBJECT ("结转下年88,480.06万元"); a SUBJECT the tagger cut inside a longer name printed around it
is widened to that name ("一般公共预算|机关运行经费|预算支出2094.58万元" → 一般公共预算机关运行经费).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from extract.reconcile.views import norm
from extract.records.ground import TITLE_NOISE, TableCell, key_of
from extract.tag.spans import VALUE_LABELS, Span

_SEGMENT = re.compile(
    r"((?:[^\s，,。；;：:、（）()“”\"]|[（(](?!类|款|项|\d)[^（）()]{1,6}[）)]){2,40}?)[（(](\d*(?:类|款|项)|\d{3,7})[）)]"
)
"""One segment of a chain: a name (which may hold a bracket of its own, "党委办公厅（室）") and its level marker or code."""
_NUMBERING = re.compile(r"^\s*(?:\d+\s*[.．、]|[（(][一二三四五六七八九十\d]+[)）]|[一二三四五六七八九十]+、)\s*")
_TRAILING = re.compile(r"支出(?=\s*(?:[（(]|决算|预算|为|是|[:：]|\d))")
"""The 支出 printed after a chain's last marker is part of the name ("住房保障（类）支出2,247.04万元")."""
_BETWEEN = re.compile(
    r"^[\s:：”\"]*(?:(?:19|20)\d\d\s*年度?)?[\s,，]*(?:(?:年初|全年)?(?:预算|决算)(?:数|支出)?|支出|为|是|[:：\s])*$"
)
"""What may stand between a chain and its value: spaces, a year, metric words ("，2023年度决算数为")."""


_CLAUSE_MARKS = "。；;，,：:"
_METRIC_AFTER = re.compile(r"(?:(?:年初|全年)?(?:预算|决算)数?|为|是|\s)*$")
"""Metric words and 为 between a row's name and its amount ("结转下年为…")."""
_LONGEST_NAME = 20
_SHORTEST_NAME = 3
"""A two-character row name (合计, 小计, 其他) names nothing on its own."""


def _row_keys(cells: Sequence[TableCell]) -> tuple[set[str], set[str]]:
    names = {key_of(name) for cell in cells for name in cell.names if cell.code}
    codes = {cell.code for cell in cells if cell.code}
    return names, codes


def chain_before(text: str, value: Span) -> tuple[int, int, str, str] | None:
    """The 类/款/项 (or coded) chain that names `value`: (start, end, last segment's name, its marker), if the chain
    ends right before the value, within its clause."""
    clause_start = max(text.rfind(c, 0, value.start) for c in "。；;") + 1
    segments = list(_SEGMENT.finditer(text, clause_start, value.start))
    if not segments:
        return None
    # the contiguous run of segments that ends last
    run = [segments[-1]]
    for seg in reversed(segments[:-1]):
        if seg.end() != run[0].start():
            break
        run.insert(0, seg)
    end = run[-1].end()
    trailing = _TRAILING.match(text, end)
    if trailing:
        end = trailing.end()
    gap = text[end : value.start]
    if not _BETWEEN.match(gap.replace("，", "").replace(",", "")) or len(gap) > 16:
        return None
    start = run[0].start()
    numbering = _NUMBERING.match(text, start, end)
    if numbering:
        start = numbering.end()
    last = run[-1]
    return start, end, key_of(last.group(1)), last.group(2)


def row_name_before(text: str, spans: Sequence[Span], value: Span, names: set[str]) -> Span | None:
    """The row name that opens `value`'s clause right before it, as a SUBJECT, when no SUBJECT stands in that clause (a
    colon does not end it: "住房改革支出(款): 2018年预算支出合计…" is the chain's, not a 支出合计)."""
    clause_start = max(text.rfind(c, 0, value.start) for c in _CLAUSE_MARKS.strip("：:")) + 1
    if any(s.label == "SUBJECT" and s.end > clause_start and s.start < value.start for s in spans):
        return None
    end = clause_start + _METRIC_AFTER.search(text[clause_start : value.start]).start()
    for start in range(max(clause_start, end - _LONGEST_NAME), end - _SHORTEST_NAME + 1):
        if norm(text[start:end]) in names and not any(s.start < end and start < s.end for s in spans):
            return Span(start, end, "SUBJECT", text[start:end], 1.0)
    return None


def _gazetteer(cells: Sequence[TableCell]) -> set[str]:
    """The names of the tables' rows, and the lines their titles name, as printed (normalised)."""
    titles = {TITLE_NOISE.sub("", norm(cell.title)) for cell in cells}
    return {norm(name) for name in [*titles, *(n for cell in cells for n in cell.names)] if len(name) >= _SHORTEST_NAME}


def widened_to_row(text: str, spans: Sequence[Span], subject: Span, names: set[str]) -> Span:
    """`subject` widened to the longest name of `names` printed around it within its clause, if any."""
    clause_start = max(text.rfind(c, 0, subject.start) for c in _CLAUSE_MARKS) + 1
    clause_end = min([i for i in (text.find(c, subject.end) for c in _CLAUSE_MARKS) if i >= 0] + [len(text)])
    others = [s for s in spans if s is not subject]
    best = subject
    for start in range(max(clause_start, subject.start - _LONGEST_NAME), subject.start + 1):
        for end in range(subject.end, min(clause_end, subject.end + _LONGEST_NAME) + 1):
            wider = end - start > best.end - best.start and not any(s.start < end and start < s.end for s in others)
            name = text[start:end]
            if wider and name == name.strip() and "、" not in name and norm(name) in names:
                best = Span(start, end, "SUBJECT", name, subject.confidence)
    return best


def ground_subjects(text: str, spans: Sequence[Span], cells: Sequence[TableCell]) -> list[Span]:
    """The spans with every value's grounded chain as its SUBJECT, and a row's name before an amount without one as
    its SUBJECT (see the module docstring)."""
    if not cells:
        return list(spans)
    names, codes = _row_keys(cells)
    gazetteer = _gazetteer(cells)
    spans = [widened_to_row(text, spans, s, gazetteer) if s.label == "SUBJECT" else s for s in spans]
    named = [row_name_before(text, spans, value, gazetteer) for value in spans if value.label == "AMOUNT"]
    spans = sorted([*spans, *(s for s in named if s is not None)], key=lambda s: (s.start, s.end))
    out = list(spans)
    for value in [s for s in spans if s.label in VALUE_LABELS]:
        found = chain_before(text, value)
        if found is None:
            continue
        start, end, name, marker = found
        if not (name in names or marker in codes):
            continue
        if any(s.label == "SUBJECT" and s.start == start and s.end == end for s in out):
            continue
        out = [s for s in out if not (s.label == "SUBJECT" and s.start < end and start < s.end)]
        out.append(Span(start, end, "SUBJECT", text[start:end], 1.0))
    return sorted(out, key=lambda s: (s.start, s.end))
