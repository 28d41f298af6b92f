"""The metric, direction and period of a value span, read from the words just before it.

"社会保障和就业支出年初预算559.63万元" → 预算数; "比上年增加7,527,902.32元" → 增减额 + 增加;
"完成年初预算的163.3%" → 完成率; "占本年支出合计的54.2%" → 占比. An amount without a cue of its own takes the
metric of the total its "其中" list breaks down, or is the budget when the next clause says what was paid of it
("专项整治50万元，已支付45万元" → 预算数). The rules follow
annotations/GUIDELINES.md §3 (no metric is guessed when the text gives no cue) and are measured
against the gold attributes by scripts/eval_records.py.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from extract.tag.spacing import compact
from extract.tag.spans import VALUE_LABELS, Span

INCREASE = "增加|增长|上升|提高|增幅|增支|多支出|增长了|增加了|增(?![\u4e00-\u9fff])"
DECREASE = "减少|下降|降低|降幅|减幅|节约|节省|压减|减支|少支出|缩减|减(?![\u4e00-\u9fff])"
_CHANGE = re.compile(rf"(?P<up>{INCREASE})|(?P<down>{DECREASE})|(?P<flat>持平|变动率|变化率)|(?P<gap>差值|差额)")
"""Change words; a gap (差值, 差额: "年初预算为2.95万元，差值为0.9万元") is a change against the year's budget, no direction."""

_CUES: dict[str, list[tuple[str, re.Pattern[str]]]] = {
    "AMOUNT": [
        ("全年预算数", re.compile(r"全年预算(?:支出)?(?:数|为|是)?")),
        (
            "预算数",
            re.compile(
                r"年初预算(?:数)?|预算数|预算安排|安排预算|(?<=[\u4e00-\u9fff])安排(?:资金)?(?=为|是|\s*$)|(?<!公共|基金|经营)预算支出|预算总额|预算(?:总计|合计)"
                r"|(?<!完成)预算(?:金额|资金|经费)|预算为|(?<!收回)(?<!一般公共)(?<!政府性基金)(?<!国有资本经营)预算(?=为|是|[:：]|\s*$)"
            ),
        ),
        ("决算数", re.compile(r"决算数|决算为|支出决算|决算(?=为|是|[:：]|\s*$)")),
        (
            "执行数",
            re.compile(
                r"执行数|(?<![预决])执行(?=\s*$)|实际支[出付]|已支付|(?:实际|已)使用|已拨付|(?:全年|已)发放|实际完成(?:支出)?|支出执行|完成(?:预算资金|数)?"
            ),
        ),
    ],
    "PERCENT": [
        ("占比", re.compile(r"占比|所占比重|比重|占[^，。；,]{0,20}(?:的)?\s*$")),
        ("完成率", re.compile(r"完成(?:了)?(?:年初|全年)?(?:预算|计划)?(?:的)?|完成率")),
        ("执行率", re.compile(r"执行率|执行进度|(?<![预决])执行(?=\s*$)")),
        ("控制率", re.compile(r"控制率")),
        ("调整率", re.compile(r"调整率")),
    ],
}

_INDICATOR_RATE = re.compile(r"(执行|完成|控制|调整|变动|变化)率")
_INDICATOR_NAME = re.compile(r"(?:满意度|满意率|[^\d\s，,、；;]率)\s*(?:超过|高于)?\s*$")
"""A percent printed right after an indicator's name ("服务对象满意度99%", "正常运行率100%") is the indicator's value."""
_FUNDS_ROW = re.compile(r"^(?:[^|]*\|)?[^|]*(?:资金总额|当年财政拨款|上年结转资金|其他资金)")
"""The funds rows of a 项目支出绩效自评表 (年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分), named in the
first or second cell: their percent is 执行率."""
_RATE_METRIC = {"执行": "执行率", "完成": "完成率", "控制": "控制率", "调整": "调整率", "变动": "增减率", "变化": "增减率"}
_ZERO_PERCENT = re.compile(r"0+(?:\.0+)?\s*[%％]")
_PAID_AFTER = re.compile(
    r"\s*[，,]\s*(?:截[至止][^，,；;。]{0,14}[，,]\s*)?(?:资金)?(?:(?:已支付|实际支[出付]|已执行|已使用|已(?:完成)?拨付|(?:全年|已)发放)(?:为|了)?\s*\d|已(?:全部)?执行完毕)"
)
"""What follows a budgeted amount when the next clause says how much of it was paid ("…专项整治50万元，已支付45万元",
"…经费20万元，已执行完毕")."""
_PAID_CLAUSE = re.compile(
    r"(?:^|[，,；;。])\s*(?:[（(]\d+[）)]|\d+[.．、])?\s*(?:\d{4}\s*年度?)?\s*(?:已|实际)?支付[^，,；;。：:]*$"
)
"""A clause that opens with what was paid ("（3）支付安全生产宣传及培训经费40万元"): its amount is spent."""
_PART_OF = "其中"
_INHERITED = frozenset({"预算数", "全年预算数", "决算数", "执行数"})
"""Metrics that the items of a "其中" list share with the total they break down."""

LEVEL_METRIC_OF_KIND = {"部门决算": "决算数", "部门预算": "预算数", "单位预算": "预算数"}
"""The metric a plain level of the report year has in the accounts of each kind of document (GUIDELINES §3)."""
_NOT_THE_ACCOUNTS = re.compile(r"绩效|附件")
"""Sections of a 决算 / 预算 that are not its accounts: performance reports, appendices."""

WINDOW = 14
"""How many characters before a value are searched for its cue."""


@dataclass(frozen=True)
class ValueAttributes:
    metric: str | None = None
    direction: str | None = None
    period: str | None = None


def _window(text: str, spans: Sequence[Span], span: Span) -> str:
    """The text before `span`, back to the previous value span or sentence stop, at most WINDOW chars."""
    start = max(0, span.start - WINDOW)
    for other in spans:
        if other.label in VALUE_LABELS and other.end <= span.start:
            start = max(start, other.end)
    before = text[start : span.start]
    stop = max(before.rfind(c) for c in "。；;")
    return compact(before[stop + 1 :])[0]  # a text layer's spacing hides no cue ("同 比 增 加")


def _change(window: str, allow_gap: int) -> tuple[str | None, str] | None:
    """(metric-free) direction of the change word closest to the value, if within `allow_gap` chars."""
    best = None
    for m in _CHANGE.finditer(window):
        if len(window) - m.end() <= allow_gap:
            best = m
    if best is None:
        return None
    kind = best.lastgroup
    return {"up": "增加", "down": "减少", "flat": "持平", "gap": None}[kind], best.group()


def value_attributes(
    text: str, spans: Sequence[Span], span: Span, *, table_row: bool = False, report_year: int | None = None, budget: bool = False
) -> ValueAttributes:
    """Metric, direction and period of one AMOUNT / PERCENT / QUANTITY / TARGET span; `budget` is set
    for sentences of a 部门预算 (where a classification line's amount is its budget)."""
    if span.label == "TARGET":
        return ValueAttributes(metric="指标值")
    window = _window(text, spans, span)
    previous = [s for s in spans if s.label == span.label and s.end <= span.start]
    shares_unit = bool(previous) and previous[-1].text[-1:].isdigit()
    if previous and re.fullmatch(r"\s*[、，,和及与]\s*" if shares_unit else r"\s*[、和及与]\s*", window):
        # the second item of a list of values ("分别下降24.07%、97.64%") is read like the first, and so is a number
        # after one that shares its unit ("各减少1267.86，2570.97万元")
        return value_attributes(text, spans, previous[-1], table_row=table_row, report_year=report_year, budget=budget)
    amount = [s for s in spans if s.label == "AMOUNT" and s.end <= span.start]
    if span.label == "PERCENT" and amount and re.fullmatch(r"\s*[（(]\s*", text[amount[-1].end : span.start]):
        # a rate in brackets after a change ("较上年减少1.5万元（42.86%）") is that change's rate
        change = value_attributes(text, spans, amount[-1], table_row=table_row, report_year=report_year, budget=budget)
        if change.metric == "增减额":
            return ValueAttributes(metric="增减率", direction=change.direction)
    tail = window.rstrip(" 　:：为是达到了约")
    change = _change(tail, allow_gap=3)
    period = _period(window, report_year) if span.label == "AMOUNT" else None
    if span.label == "QUANTITY":
        if change and change[1] != "持平" and not span.text.rstrip().endswith("分"):
            return ValueAttributes(metric="增减额", direction=change[0])  # "实有职工50人，比上年同期减少4人"
        if not span.text.rstrip().endswith("分"):
            return ValueAttributes()
        if re.search(r"分值|权重|满分", window):
            return ValueAttributes(metric="分值")
        return ValueAttributes(metric="得分" if re.search(r"得(?:分)?\s*$", tail) else None)
    if change and span.label in ("AMOUNT", "PERCENT"):
        direction, word = change
        metric = "增减额" if span.label == "AMOUNT" else "增减率"
        if direction == "持平" and word != "持平" and not _ZERO_PERCENT.fullmatch(span.text.strip()):
            direction = None
        return ValueAttributes(metric=metric, direction=direction, period=None)
    best: tuple[int, str] | None = None
    for metric, pattern in _CUES.get(span.label, []):
        for m in pattern.finditer(tail):
            if len(tail) - m.end() <= 6 and (best is None or m.end() > best[0]):
                best = (m.end(), metric)
    if best:
        return ValueAttributes(metric=best[1], period=period)
    if span.label == "AMOUNT" and _PAID_CLAUSE.search(text, 0, span.start):
        return ValueAttributes(metric="执行数", period=period)
    if span.label == "AMOUNT" and (total := _total_of(text, spans, span)) is not None:
        metric = value_attributes(text, spans, total, table_row=table_row, report_year=report_year, budget=budget).metric
        if metric in _INHERITED:
            return ValueAttributes(metric=metric, period=period)
    if span.label == "AMOUNT" and _PAID_AFTER.match(text, span.end) and not re.search(r"结转|结余", tail):
        return ValueAttributes(metric="预算数", period=period)  # the amount that the next clause says was paid of it
    if span.label == "PERCENT" and table_row:
        return _indicator_value(text[: span.start], span)
    if span.label == "PERCENT" and _INDICATOR_NAME.search(tail):
        return _indicator_value(tail, span)
    if budget and span.label == "AMOUNT" and re.search(r"[（(]\d*项[）)]”?\s*[:：]?\s*(?:支出)?\s*$", tail):
        return ValueAttributes(metric="预算数", period=period)  # a 项 line of a 部门预算 states its budget
    return ValueAttributes(period=period)


def default_metric(kind: str | None, section_path: str) -> str | None:
    """决算数 in a 决算's accounts, 预算数 in a 预算's: the metric of an amount stated as a plain level of the report
    year ("收入总计430,725.03万元"); None in performance reports and appendices, where a plain amount may be a budget,
    a cost or a total invested."""
    if kind is None or _NOT_THE_ACCOUNTS.search(section_path):
        return None
    return LEVEL_METRIC_OF_KIND.get(kind)


def with_default_metric(attrs: ValueAttributes, span: Span, spans: Sequence[Span], default: str | None) -> ValueAttributes:
    """The attributes with the document's default metric filled in for a plain level: an AMOUNT with no metric, of
    the report year, not inside a REASON (an amount that explains a change is not a line of the accounts)."""
    if default is None or span.label != "AMOUNT" or attrs.metric or attrs.period:
        return attrs
    if any(s.label == "REASON" and s.start <= span.start and span.end <= s.end for s in spans):
        return attrs
    return ValueAttributes(metric=default, direction=attrs.direction, period=attrs.period)


def _total_of(text: str, spans: Sequence[Span], span: Span) -> Span | None:
    """The amount that a "其中" list containing `span` breaks down ("收入预算16497.86万元，其中：财政拨款收入16497.86万元"):
    the last AMOUNT before the last 其中 before `span`, if any."""
    part_of = text.rfind(_PART_OF, 0, span.start)
    totals = [s for s in spans if s.label == "AMOUNT" and s.end <= part_of]
    return totals[-1] if part_of >= 0 and totals else None


def _indicator_value(row_before: str, span: Span) -> ValueAttributes:
    """The actual value of an indicator row: the indicator's own rate metric when its name is one
    (预算执行率, 在职人员控制率, 三公经费变动率 → 增减率), the 执行率 column of a funds row of the 自评表
    ("年度资金总额 | 72 | 72 | 72 | 10 | 100% | 10"), else 实际完成值."""
    if _FUNDS_ROW.search(row_before):
        return ValueAttributes(metric="执行率")
    named = _INDICATOR_RATE.search(row_before)
    if named is None:
        return ValueAttributes(metric="实际完成值")
    metric = _RATE_METRIC[named.group(1)]
    flat = metric == "增减率" and _ZERO_PERCENT.fullmatch(span.text.strip())
    return ValueAttributes(metric=metric, direction="持平" if flat else None)


def _period(window: str, report_year: int | None) -> str | None:
    if re.search(r"上年(?!结转|结余)", window) and not re.search(r"(?:比|较|与|同)上年", window):
        return "上年"
    m = re.search(r"((?:19|20)\d\d)\s*年(?!度?(?:部门|单位))", window)
    if m and report_year and int(m.group(1)) != report_year:
        return m.group(1)
    return None
