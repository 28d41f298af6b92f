"""Record builder: values, attributes, links and cross-sentence carrying, on sentences as printed."""

from __future__ import annotations

import re

import pytest

from conftest import SAMPLE, parsed
from extract.records.attributes import ValueAttributes, value_attributes
from extract.records.build import TaggedSentence, document_records, sentence_records
from extract.records.values import parse_value
from extract.tag.spans import Span
from span_helpers import spans_of


@pytest.mark.parametrize(
    ("text", "label", "value", "unit", "decimals", "yuan", "ratio"),
    [
        ("79,025,301.26元", "AMOUNT", 79025301.26, "元", 2, 79025301.26, None),
        ("559.63 万元", "AMOUNT", 559.63, "万元", 2, 5596300.0, None),
        ("310万", "AMOUNT", 310.0, "万元", 0, 3100000.0, None),
        ("36.9亿元", "AMOUNT", 36.9, "亿元", 1, 3690000000.0, None),
        ("10.53%", "PERCENT", 10.53, "%", 2, None, 0.1053),
        ("16倍", "PERCENT", 16.0, "倍", 0, None, 16.0),
        ("38辆", "QUANTITY", 38.0, "辆", 0, None, None),
        ("≥95%", "TARGET", 95.0, "%", 0, None, 0.95),
    ],
)
def test_parse_value(text, label, value, unit, decimals, yuan, ratio) -> None:
    parsed_value = parse_value(text, label)
    assert parsed_value is not None
    assert (parsed_value.value, parsed_value.unit, parsed_value.decimals) == (value, unit, decimals)
    assert parsed_value.value_yuan == pytest.approx(yuan) if yuan else parsed_value.value_yuan is None
    assert parsed_value.ratio == pytest.approx(ratio) if ratio else parsed_value.ratio is None


@pytest.mark.parametrize(
    ("text", "needle", "metric", "direction"),
    [
        ("社会保障和就业支出年初预算559.63万元，决算数914.04万元", "559.63万元", "预算数", None),
        ("社会保障和就业支出年初预算559.63万元，决算数914.04万元", "914.04万元", "决算数", None),
        ("比上年增加7,527,902.32元，增长10.53%", "7,527,902.32元", "增减额", "增加"),
        ("比上年增加7,527,902.32元，增长10.53%", "10.53%", "增减率", "增加"),
        ("较上年减少1,985.18万元", "1,985.18万元", "增减额", "减少"),
        ("完成年初预算的163.3%", "163.3%", "完成率", None),
        ("占本年支出合计的68.84%", "68.84%", "占比", None),
        ("基本支出1797.04万元", "1797.04万元", None, None),
        ("三公经费变动率0%", "0%", "增减率", "持平"),
        ("年初预算为20万元，因疫情影响，实际支付为15万元", "15万元", "执行数", None),
        ("此项目全年预算支出为 20 万元", "20 万元", "全年预算数", None),
        ("其中工资福利支出1535.71万元，收回预算7.11万元", "7.11万元", None, None),
        ("服务对象满意度99%，非常满意", "99%", "实际完成值", None),
        ("保障地震仪器正常运转率100%", "100%", "实际完成值", None),
        ("预算执行率92%", "92%", "执行率", None),
        ("被检查单位及人员满意度超过 95%", "95%", "实际完成值", None),
        ("（3）支付安全生产、防震减灾宣传及培训经费40万元", "40万元", "执行数", None),
        ("4.支付监测设备维护费12万元", "12万元", "执行数", None),
        ("支付方式改革后，公用经费12万元", "12万元", None, None),
    ],
)
def test_value_attributes(text: str, needle: str, metric: str | None, direction: str | None) -> None:
    label = "PERCENT" if needle.endswith("%") else "AMOUNT"
    span = spans_of(text, (label, needle))[0]
    got = value_attributes(text, [span], span)
    assert (got.metric, got.direction) == (metric, direction)


def last_span(text: str, label: str, needle: str) -> Span:
    """The span of the last occurrence of `needle` (the actual value of an indicator row, the amount
    after a fund name)."""
    start = text.rindex(needle)
    return Span(start, start + len(needle), label, needle)


@pytest.mark.parametrize(
    ("row", "needle", "metric", "direction"),
    [
        ("在职人员控制率 | 3 | 3.00 | 在职人员216/编制数236*100%=91.53% | 3.00", "91.53%", "控制率", None),
        (
            "预算配置 | 三公经费变动率 | 3 | 3.00 | (本年三公经费21.2-上年三公经费21.2)/上年三公经费21.2*100%=0% | 3.00",
            "=0%",
            "增减率",
            "持平",
        ),
        ("质量指标 | 指标 1: 计划执法完成率 | 100% | 100% | 2 | 2", "100%", "完成率", None),
        ("效益指标 | 服务对象满意度 | ≥95% | 98% | 10 | 10", "98%", "实际完成值", None),
        ("年度资金总额 | 72 | 72 | 72 | 10 | 100% | 10", "100%", "执行率", None),
        ("年度预算 申请 (万元) | 资金总额：2079.39 | 2079.39 | 100% | 10 | 10", "100%", "执行率", None),
        ("产出指标 | 数量指标 | 其他资金使用方向说明 | 100% | 98% | 10 | 9", "98%", "实际完成值", None),
    ],
)
def test_indicator_row_value_takes_the_rate_its_name_gives(row: str, needle: str, metric: str, direction: str | None) -> None:
    value = last_span(row, "PERCENT", needle.lstrip("="))
    assert value_attributes(row, [value], value, table_row=True) == ValueAttributes(metric, direction)


@pytest.mark.parametrize(
    ("text", "needle", "metric"),
    [
        ("江苏省政协办公厅本年收入预算合计 13,377.11 万元", "13,377.11 万元", "预算数"),
        ("1.政协事务（款）行政运行（项）5,223.22 万元，与上年相比增加790.44万元", "5,223.22 万元", "预算数"),
        ("司法（06款）行政运行（01项）1672.67万元", "1672.67万元", "预算数"),
        ("1．行政运行（项）支出 10,883.36 万元，与上年相比增加 2,915.22 万元", "10,883.36 万元", "预算数"),
        ("2.提租补贴(项):支出2,586.61万元。", "2,586.61万元", "预算数"),
        ("编报绩效目标的项目20个，涉及项目预算资金7054.05万元。", "7054.05万元", "预算数"),
        ("涉及资金25185988元，其中一般公共预算支出25185988元", "25185988元", None),
    ],
)
def test_budget_amounts_named_as_budget(text: str, needle: str, metric: str | None) -> None:
    value = last_span(text, "AMOUNT", needle)
    assert value_attributes(text, [value], value, budget=True).metric == metric


@pytest.mark.parametrize(
    ("text", "which", "metric"),
    [
        ("2023年收入预算16497.86万元，其中：财政拨款收入16497.86万元", 1, "预算数"),
        ("政府采购支出预算总额1449.50万元，其中：拟采购货物支出90万元、拟购买服务支出1359.50万元", 2, "预算数"),
        ("支出总计3,000万元，其中：基本支出2,000万元", 1, None),
        ("重点行业领域安全专项整治50万元，已支付45万元", 0, "预算数"),
        ("重点行业领域安全专项整治50万元，已支付45万元", 1, "执行数"),
        ("其他资金年初结转121.71万元，已支付0.91万元", 0, None),
        ("多功能会议室设置经费20万元，已执行完毕，执行率100%", 0, "预算数"),
    ],
)
def test_parts_of_a_total_and_amounts_paid_of_take_the_budget_metric(text: str, which: int, metric: str | None) -> None:
    """`which`: the index of the amount looked at among the sentence's amounts."""
    amounts = [Span(m.start(), m.end(), "AMOUNT", m.group()) for m in re.finditer(r"[\d.,]+万元", text)]
    assert value_attributes(text, amounts, amounts[which]).metric == metric


def records_of(text: str, *items: tuple[str, str]) -> list:
    return sentence_records(TaggedSentence("s1", text, spans_of(text, *items)))


def test_values_link_to_the_subject_on_their_left() -> None:
    text = "2022年度收入总计79,025,301.26元，比上年增加7,527,902.32元，增长10.53%。"
    records = records_of(
        text, ("SUBJECT", "收入总计"), ("AMOUNT", "79,025,301.26元"), ("AMOUNT", "7,527,902.32元"), ("PERCENT", "10.53%")
    )
    assert [(r.subject, r.metric, r.relation, r.direction) for r in records] == [
        ("收入总计", None, "value-of", None),
        ("收入总计", "增减额", "change-of", "增加"),
        ("收入总计", "增减率", "change-of", "增加"),
    ]
    assert records[1].value_yuan == pytest.approx(7527902.32)


def test_counts_link_to_the_subject_before_them_unless_a_verb_puts_the_noun_after() -> None:
    listed = "现有专任教师3,233人，其中正高级职称795人、副高级职称1,336人，博士生导师561人。"
    records = records_of(
        listed,
        ("SUBJECT", "专任教师"),
        ("QUANTITY", "3,233人"),
        ("SUBJECT", "正高级职称"),
        ("QUANTITY", "795人"),
        ("SUBJECT", "副高级职称"),
        ("QUANTITY", "1,336人"),
        ("SUBJECT", "博士生导师"),
        ("QUANTITY", "561人"),
    )
    assert [(r.subject, r.raw) for r in records] == [
        ("专任教师", "3,233人"),
        ("正高级职称", "795人"),
        ("副高级职称", "1,336人"),
        ("博士生导师", "561人"),
    ]
    verb = "全年共查处重大隐患23条，抽调149名监管专员。"
    records = records_of(verb, ("SUBJECT", "重大隐患"), ("QUANTITY", "23条"), ("QUANTITY", "149名"), ("SUBJECT", "监管专员"))
    assert [(r.subject, r.raw) for r in records] == [("重大隐患", "23条"), ("监管专员", "149名")]


def test_a_count_or_an_amount_before_its_item_links_to_it() -> None:
    """A count between two names counts the one after it; 为 opening a clause is a verb, not the 为 of a value; an amount
    printed right before what it buys (采购 between them or not) links to it, unless its clause named its subject first."""
    text = (
        "全力推动措施落地,为8个产煤县配备了副县长,开发区100户达标企业拨付扶持资金306万元,"
        "采购683.1万元救灾物资,投入268.1万元采购防汛装备,市本级投资340万建设二期工程。"
    )
    records = records_of(
        text,
        ("SUBJECT", "全力推动措施落地"),
        ("QUANTITY", "8个"),
        ("SUBJECT", "产煤县"),
        ("SUBJECT", "开发区"),
        ("QUANTITY", "100户"),
        ("SUBJECT", "达标企业"),
        ("SUBJECT", "扶持资金"),
        ("AMOUNT", "306万元"),
        ("AMOUNT", "683.1万元"),
        ("SUBJECT", "救灾物资"),
        ("AMOUNT", "268.1万元"),
        ("SUBJECT", "防汛装备"),
        ("SUBJECT", "投资"),
        ("AMOUNT", "340万"),
        ("SUBJECT", "建设二期工程"),
    )
    assert [(r.raw, r.subject) for r in records] == [
        ("8个", "产煤县"),
        ("100户", "达标企业"),
        ("306万元", "扶持资金"),
        ("683.1万元", "救灾物资"),
        ("268.1万元", "防汛装备"),
        ("340万", "投资"),
    ]


def test_a_list_of_changes_pairs_with_subjects_each_stated_with_its_value() -> None:
    text = "共发生生产安全亡人事故42起,死亡66人,同比下降25%和14.33%。"
    records = records_of(
        text,
        ("SUBJECT", "生产安全亡人事故"),
        ("QUANTITY", "42起"),
        ("SUBJECT", "死亡"),
        ("QUANTITY", "66人"),
        ("PERCENT", "25%"),
        ("PERCENT", "14.33%"),
    )
    assert [(r.raw, r.subject) for r in records] == [
        ("42起", "生产安全亡人事故"),
        ("66人", "死亡"),
        ("25%", "生产安全亡人事故"),
        ("14.33%", "死亡"),
    ]


def test_a_value_does_not_take_a_subject_from_the_next_clause() -> None:
    text = "与上年相比增加34.75万元，主要是办公费增加。"
    records = records_of(text, ("AMOUNT", "34.75万元"), ("SUBJECT", "办公费"))
    assert records[0].subject is None


def test_share_has_its_part_and_its_base() -> None:
    text = "基本支出40,013,500.91元，占本年支出合计的68.84%"
    records = records_of(
        text, ("SUBJECT", "基本支出"), ("AMOUNT", "40,013,500.91元"), ("SUBJECT", "本年支出合计"), ("PERCENT", "68.84%")
    )
    share = records[1]
    assert (share.subject, share.base, share.metric, share.ratio) == ("基本支出", "本年支出合计", "占比", 0.6884)


def test_respectively_pairs_subjects_and_values_in_order() -> None:
    text = "火灾起数、直接财产损失数同比分别下降24.07%、97.64%。"
    records = records_of(
        text, ("SUBJECT", "火灾起数"), ("SUBJECT", "直接财产损失数"), ("PERCENT", "24.07%"), ("PERCENT", "97.64%")
    )
    assert [(r.subject, r.raw, r.direction) for r in records] == [
        ("火灾起数", "24.07%", "减少"),
        ("直接财产损失数", "97.64%", "减少"),
    ]


def test_a_list_of_values_right_after_as_many_subjects_pairs_them_in_order() -> None:
    text = "全市生产安全事故起数、死亡人数、受伤人数较上年下降 5.1%、 9.8%、36.4%，企业满意度95%以上。"
    records = records_of(
        text,
        ("SUBJECT", "全市生产安全事故起数"),
        ("SUBJECT", "死亡人数"),
        ("SUBJECT", "受伤人数"),
        ("PERCENT", "5.1%"),
        ("PERCENT", "9.8%"),
        ("PERCENT", "36.4%"),
    )
    assert [(r.subject, r.raw, r.metric) for r in records] == [
        ("全市生产安全事故起数", "5.1%", "增减率"),
        ("死亡人数", "9.8%", "增减率"),
        ("受伤人数", "36.4%", "增减率"),
    ]
    uneven = "办公费、印刷费合计增加 5.1%、9.8%、36.4%。"  # three values, two subjects: no pairing, all go left
    records = records_of(
        uneven, ("SUBJECT", "办公费"), ("SUBJECT", "印刷费"), ("PERCENT", "5.1%"), ("PERCENT", "9.8%"), ("PERCENT", "36.4%")
    )
    assert {r.subject for r in records} == {"印刷费"}


def test_reason_in_the_sentence_explains_its_changes() -> None:
    text = "公务接待费预算支出397.5万元，比上年预算减少15万元，主要原因是厉行节约、压缩支出。"
    records = records_of(
        text, ("SUBJECT", "公务接待费"), ("AMOUNT", "397.5万元"), ("AMOUNT", "15万元"), ("REASON", "主要原因是厉行节约、压缩支出")
    )
    assert records[0].reason is None and records[0].metric == "预算数"
    assert records[1].reason == "主要原因是厉行节约、压缩支出" and records[1].direction == "减少"


def test_subject_and_reason_carried_across_sentences() -> None:
    texts = ["一般公共预算财政拨款支出13,990.49万元。", "与上年相比增加1,670.85万元，增长13.56%。", "主要原因是人员增资。"]
    sentences = [
        TaggedSentence("s1", texts[0], spans_of(texts[0], ("SUBJECT", "一般公共预算财政拨款支出"), ("AMOUNT", "13,990.49万元"))),
        TaggedSentence("s2", texts[1], spans_of(texts[1], ("AMOUNT", "1,670.85万元"), ("PERCENT", "13.56%"))),
        TaggedSentence("s3", texts[2], spans_of(texts[2], ("REASON", "主要原因是人员增资"))),
    ]
    records = document_records(sentences)
    change = [r for r in records if r.sentence_id == "s2"]
    assert all(r.subject == "一般公共预算财政拨款支出" and r.subject_from_context for r in change)
    assert all(r.reason == "主要原因是人员增资" for r in change)
    assert all(r.confidence < 1 for r in change)


def test_pipeline_records_restate_the_sample_tables() -> None:
    """The bundled sample's 情况说明 restates its 收入支出决算总表: the tagged records must carry the same
    totals, in 元, as the 决算数 of the report year (a plain level in a 决算), on the page they are printed on, and
    linked to the cell they restate."""
    doc = parsed(SAMPLE)
    assert doc.records and doc.mentions and doc.sentences
    totals = {r.subject: r for r in doc.records if r.metric == "决算数" and r.label == "AMOUNT"}
    table_total = next(
        i
        for i in doc.line_items
        if i.table_type.endswith("income_expenditure_summary") and i.name == "总计" and i.column.startswith("收入")
    )
    assert totals["收入总计"].value_yuan == pytest.approx(table_total.value)
    assert totals["收入总计"].page and totals["收入总计"].bbox
    linked = totals["收入总计"]
    assert (linked.link_doc_id, linked.link_table_id, linked.link_row, linked.link_col) == (
        doc.doc_id,
        table_total.table_id,
        table_total.row,
        table_total.col,
    )
    assert {m.label for m in doc.mentions} >= {"AMOUNT", "PERCENT", "SUBJECT", "REASON"}


def _sentences(*rows: tuple[str, tuple]) -> list[TaggedSentence]:
    return [TaggedSentence(f"s{k}", text, spans_of(text, *items)) for k, (text, items) in enumerate(rows, 1)]


def _part_of(records, raw: str) -> str | None:
    whole = next(r for r in records if r.raw == raw).part_of
    return next(r.raw for r in records if r.record_id == whole) if whole else None


def test_parts_inline_list_runs_over_semicolon_clauses() -> None:
    """ "支出…，其中：A…；B…。" — the list runs on after "；" and ends with "。"; the next sentence is not in it."""
    records = document_records(
        _sentences(
            (
                "支出预算557,259.13万元，其中：教育支出434,334.99万元，占77.94%；",
                (
                    ("SUBJECT", "支出"),
                    ("AMOUNT", "557,259.13万元"),
                    ("SUBJECT", "教育支出"),
                    ("AMOUNT", "434,334.99万元"),
                    ("PERCENT", "77.94%"),
                ),
            ),
            ("结转下年88,480.06万元，占15.88%。", (("SUBJECT", "结转下年"), ("AMOUNT", "88,480.06万元"), ("PERCENT", "15.88%"))),
            ("机关运行经费171.01万元。", (("SUBJECT", "机关运行经费"), ("AMOUNT", "171.01万元"))),
        )
    )
    assert _part_of(records, "434,334.99万元") == "557,259.13万元"
    assert _part_of(records, "88,480.06万元") == "557,259.13万元"
    assert _part_of(records, "171.01万元") is None
    assert _part_of(records, "557,259.13万元") is None


def test_parts_list_ends_where_a_clause_turns_from_income_to_expenditure() -> None:
    """ "收支总预算…，其中本年收入预算…，上年结转…；本年支出预算…" — two breakdowns of one total, the second
    not part of the first list (its subject is read from the clause when the tagger gave none)."""
    records = document_records(
        _sentences(
            (
                "我校2023年收支总预算557,259.13万元，其中本年收入预算403,484.64万元，上年结转93,801.70万元；",
                (
                    ("AMOUNT", "557,259.13万元"),
                    ("SUBJECT", "本年收入预算"),
                    ("AMOUNT", "403,484.64万元"),
                    ("AMOUNT", "93,801.70万元"),
                ),
            ),
            ("本年支出预算468,779.07万元，结转下年88,480.06万元。", (("AMOUNT", "468,779.07万元"), ("AMOUNT", "88,480.06万元"))),
        )
    )
    assert _part_of(records, "403,484.64万元") == "557,259.13万元"
    assert _part_of(records, "93,801.70万元") == "557,259.13万元"
    assert _part_of(records, "468,779.07万元") is None


def test_parts_numbered_items_skip_nested_levels_and_stop_at_a_sibling() -> None:
    """ "（一）收入…。包括：" then 1. 2. items; a nested （1） item is a part of item 1, not of the whole; （二) ends it."""
    records = document_records(
        _sentences(
            ("（一）收入预算总计13,377.11万元。", (("SUBJECT", "收入预算总计"), ("AMOUNT", "13,377.11万元"))),
            ("包括：", ()),
            ("1.财政拨款收入预算总计13,297.11万元。", (("SUBJECT", "财政拨款收入预算总计"), ("AMOUNT", "13,297.11万元"))),
            ("（1）一般公共预算收入预算13,297.11万元。", (("SUBJECT", "一般公共预算收入"), ("AMOUNT", "13,297.11万元"))),
            ("2.其他资金收入预算总计80万元。", (("SUBJECT", "其他资金收入预算总计"), ("AMOUNT", "80万元"))),
            ("（二）支出预算总计13,377.11万元。", (("SUBJECT", "支出预算总计"), ("AMOUNT", "13,377.11万元"))),
        )
    )
    by_sentence = {r.sentence_id: r for r in records}
    whole = by_sentence["s1"].record_id
    assert by_sentence["s3"].part_of == whole and by_sentence["s5"].part_of == whole
    assert by_sentence["s4"].part_of != whole and by_sentence["s6"].part_of is None


def test_parts_whole_named_before_zhong_and_changes_listed_under_changes() -> None:
    """ "X预算中，A…增加…；" — levels are parts of X's level, changes parts of X's change."""
    records = document_records(
        _sentences(
            (
                "财政拨款支出预算9628.22万元，比上年预算增加793.14万元。",
                (("SUBJECT", "财政拨款支出"), ("AMOUNT", "9628.22万元"), ("AMOUNT", "793.14万元")),
            ),
            (
                "财政拨款支出预算中，一般公共预算拨款支出预算9628.22万元，比上年预算增加793.14万元；",
                (("SUBJECT", "一般公共预算拨款支出"), ("AMOUNT", "9628.22万元"), ("AMOUNT", "793.14万元")),
            ),
        )
    )
    level, change = [r for r in records if r.sentence_id == "s1"]
    part_level, part_change = [r for r in records if r.sentence_id == "s2"]
    assert (part_level.part_of, part_change.part_of) == (level.record_id, change.record_id)


def test_the_sum_closing_a_list_restates_the_total_and_a_count_before_de_counts_the_noun() -> None:
    """ "…其中A x，B y，合计 z" restates the total before 其中: z is the total's, not B's; "170人的疫情应急分队" counts the
    noun after 的."""
    text = "2025年度项目总预算1170.00万，其中支持企业规模化发展870.00万，支持企业国际化发展300.00万，合计1170.00万。"
    records = records_of(
        text,
        ("SUBJECT", "项目"),
        ("AMOUNT", "1170.00万"),
        ("SUBJECT", "支持企业规模化发展"),
        ("AMOUNT", "870.00万"),
        ("SUBJECT", "支持企业国际化发展"),
        ("AMOUNT", "300.00万"),
        ("AMOUNT", "1170.00万"),
    )
    assert [r.subject for r in records] == ["项目", "支持企业规模化发展", "支持企业国际化发展", "项目"]
    counted = "成立9支170人的疫情应急分队，做好应急救援准备。"
    records = records_of(counted, ("QUANTITY", "170人"), ("SUBJECT", "疫情应急分队"))
    assert [(r.raw, r.subject) for r in records] == [("170人", "疫情应急分队")]


def test_the_whole_of_a_share_and_a_bracketed_aside_name_no_later_value() -> None:
    shared = "基本支出预算2476260.58元，占一般公共预算支出的84.06%，同比减少4966.66元，下降0.2%。"
    records = records_of(
        shared,
        ("SUBJECT", "基本支出"),
        ("AMOUNT", "2476260.58元"),
        ("SUBJECT", "一般公共预算支出"),
        ("PERCENT", "84.06%"),
        ("AMOUNT", "4966.66元"),
        ("PERCENT", "0.2%"),
    )
    assert [(r.subject, r.metric) for r in records] == [
        ("基本支出", "预算数"),
        ("基本支出", "占比"),
        ("基本支出", "增减额"),
        ("基本支出", "增减率"),
    ]
    aside = "国内公务接待共312批次（其中外事接待0批次），4228人次（其中外事接待0人次）。"
    tagged = (("SUBJECT", "国内公务接待"), ("QUANTITY", "312批次"), ("SUBJECT", "外事接待"), ("QUANTITY", "0批次"))
    records = records_of(aside, *tagged, ("QUANTITY", "4228人次"), ("SUBJECT", "外事接待"), ("QUANTITY", "0人次"))
    assert [r.subject for r in records] == ["国内公务接待", "外事接待", "国内公务接待", "外事接待"]


def test_gaps_bracketed_rates_listed_numbers_and_money_used() -> None:
    gap = "公务接待费支出2.05万元，年初预算为2万元，差值为0.05万元。"
    records = records_of(gap, ("SUBJECT", "公务接待费支出"), ("AMOUNT", "2.05万元"), ("AMOUNT", "2万元"), ("AMOUNT", "0.05万元"))
    assert [(r.metric, r.direction) for r in records] == [(None, None), ("预算数", None), ("增减额", None)]
    bracketed = "公务接待费2.30万元，较上年减少1.5万元（42.86%）。"
    tagged = (("SUBJECT", "公务接待费"), ("AMOUNT", "2.30万元"), ("AMOUNT", "1.5万元"), ("PERCENT", "42.86%"))
    records = records_of(bracketed, *tagged)
    assert [(r.metric, r.direction) for r in records[1:]] == [("增减额", "减少"), ("增减率", "减少")]
    listed = "2022年度收、支总计各是4125.49，4143.91万元。"
    records = records_of(listed, ("SUBJECT", "收、支总计"), ("AMOUNT", "4125.49"), ("AMOUNT", "4143.91万元"))
    assert [(r.unit, r.value_yuan) for r in records] == [("万元", 41254900.0), ("万元", 41439100.0)]
    used = "补助资金2.00万元，截至2023年12月31日，资金已使用2.00万元，全年发放1.50万元。"
    records = records_of(used, ("SUBJECT", "补助资金"), ("AMOUNT", "2.00万元"), ("AMOUNT", "2.00万元"), ("AMOUNT", "1.50万元"))
    assert [r.metric for r in records] == ["预算数", "执行数", "执行数"]


def test_a_change_of_a_count_is_its_increase_or_decrease() -> None:
    text = "实有职工50人，比上年同期减少4人。"
    records = records_of(text, ("SUBJECT", "实有职工"), ("QUANTITY", "50人"), ("QUANTITY", "4人"))
    assert [(r.metric, r.direction) for r in records] == [(None, None), ("增减额", "减少")]


def test_a_value_inside_a_reason_takes_no_subject_from_outside_it() -> None:
    text = "支出较上年增加50万元，主要原因是新增人员120人。"
    records = records_of(
        text, ("SUBJECT", "支出"), ("AMOUNT", "50万元"), ("REASON", "主要原因是新增人员120人"), ("QUANTITY", "120人")
    )
    assert [(r.subject, r.raw) for r in records] == [("支出", "50万元"), (None, "120人")]
