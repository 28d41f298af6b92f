"""The rules applied after every tagger (`extract/tag/refine.py`): counts in a budget's work plan are
targets; a printed computation is read as its result; a value with a comparator is a target; an indicator row names
its subject by a cell and its target by the cell after it; uncovered counts are added; classification chains and
listed names are one subject; header cells name none."""

from __future__ import annotations

import random

from extract.records.build import TaggedSentence, sentence_records
from extract.tag.base import load_tagger
from extract.tag.refine import (
    attach_comparators,
    close_brackets,
    counted_nouns,
    drop_header_subjects,
    in_plan_section,
    join_adjacent,
    join_chains,
    join_listed,
    refine,
    resolve_formulas,
    split_clauses,
    split_counted,
    split_paired,
    strip_actions,
    total_lines,
    trim_subjects,
)
from extract.tag.spacing import compact, spaced_out
from extract.tag.spans import LABELS, Span, load_split
from span_helpers import by_label, exact, spans_of

PLAN = "第一部分 部门概况 > 三、 2025年部门主要工作任务及目标"


def test_counts_in_a_budget_work_plan_are_targets() -> None:
    text = "举办业务骨干培训班2期，编印《工作动态》12期左右。"
    spans = spans_of(text, ("SUBJECT", "业务骨干培训班"), ("QUANTITY", "2期"), ("QUANTITY", "12期左右"))
    refined = refine(spans, text, "部门预算", PLAN)
    assert by_label(refined, "TARGET") == [exact(text, "2期"), exact(text, "12期左右")]
    assert by_label(refined, "SUBJECT") == [exact(text, "业务骨干培训班")]
    assert by_label(refined, "QUANTITY") == []


def test_reports_and_other_sections_keep_their_counts() -> None:
    text = "全年共开展安全检查23次。"
    spans = spans_of(text, ("SUBJECT", "安全检查"), ("QUANTITY", "23次"))
    assert refine(spans, text, "部门决算", "第一部分 > （二） 2024年重点工作完成情况") == spans
    assert refine(spans, text, "部门预算", "二、 部门机构设置及预算单位构成情况") == spans
    assert not in_plan_section("部门预算", "一、 部门主要职能 > 重点工作完成情况")
    assert in_plan_section("单位预算", "三、 2026年重点工作安排")


def test_a_printed_computation_is_one_percent() -> None:
    text = "三公经费控制率 | 2 | 2.00 | 三公经费实际支出19.41/三公经费预算数21.2*100%=91.56% | 2.00"
    tagged = [
        Span(*exact(text, part)[:2], label, part)
        for label, part in (
            ("SUBJECT", "三公经费控制率"),
            ("SUBJECT", "三公经费实际支出"),
            ("TARGET", "21.2*100%="),
            ("PERCENT", "91.56%"),
        )
    ]
    refined = resolve_formulas(tagged, text)
    assert [(s.label, s.text) for s in refined] == [("SUBJECT", "三公经费控制率"), ("PERCENT", "91.56%")]
    assert refined[1] == Span(*exact(text, "91.56%")[:2], "PERCENT", "91.56%")
    plain = "三公经费控制率91.56%，得2分。"
    untouched = spans_of(plain, ("SUBJECT", "三公经费控制率"), ("PERCENT", "91.56%"), ("QUANTITY", "2分"))
    assert resolve_formulas(untouched, plain) == untouched


def test_subjects_lose_change_words_and_verbs_of_having() -> None:
    text = "其中：事业收入增加974.61万元，另有国家级教学团队6个。"
    tagged = spans_of(
        text, ("SUBJECT", "事业收入增加"), ("AMOUNT", "974.61万元"), ("SUBJECT", "另有国家级教学团队"), ("QUANTITY", "6个")
    )
    trimmed = trim_subjects(tagged)
    assert by_label(trimmed, "SUBJECT") == [exact(text, "事业收入"), exact(text, "国家级教学团队")]
    assert by_label(trimmed, "AMOUNT") == by_label(tagged, "AMOUNT")
    assert trim_subjects(spans_of("增加", ("SUBJECT", "增加"))) == []


def test_subjects_lose_a_heading_before_them() -> None:
    text = "成本指标：安全生产经费10万元，满意度指标完成情况分析群众满意度98%，2020年本年收入合计4383.8万元，年末结转19万元。"
    tagged = spans_of(
        text,
        ("SUBJECT", "成本指标：安全生产经费"),
        ("AMOUNT", "10万元"),
        ("SUBJECT", "情况分析群众满意度"),
        ("PERCENT", "98%"),
        ("SUBJECT", "年本年收入合计"),
        ("AMOUNT", "4383.8万元"),
        ("SUBJECT", "年末结转"),
    )
    trimmed = by_label(trim_subjects(tagged), "SUBJECT")
    assert trimmed == [exact(text, name) for name in ("安全生产经费", "群众满意度", "本年收入合计", "年末结转")]


def test_subjects_lose_metric_words_but_not_fund_names() -> None:
    text = "公务接待费预算支出116.5万元，政府性基金预算支出0万元，涉及预算金额175.52万元。"
    tagged = spans_of(
        text,
        ("SUBJECT", "公务接待费预算支出"),
        ("AMOUNT", "116.5万元"),
        ("SUBJECT", "政府性基金预算支出"),
        ("AMOUNT", "0万元"),
        ("SUBJECT", "预算金额"),
        ("AMOUNT", "175.52万元"),
    )
    assert [t for *_, t in by_label(trim_subjects(tagged), "SUBJECT")] == ["公务接待费", "政府性基金预算支出", "预算金额"]


def test_a_purpose_is_no_subject() -> None:
    text = "卫生健康支出决算数133.93万元，用于行政事业单位医疗支出，较上年决算减少3.48万元。"
    tagged = spans_of(
        text,
        ("SUBJECT", "卫生健康支出"),
        ("AMOUNT", "133.93万元"),
        ("SUBJECT", "用于行政事业单位医疗支出"),
        ("AMOUNT", "3.48万元"),
    )
    assert by_label(trim_subjects(tagged), "SUBJECT") == [exact(text, "卫生健康支出")]


def test_a_subject_ends_where_its_purpose_begins() -> None:
    text = "本项目主要用于森林防火巡查的费用，年初预算为12万元。"
    tagged = spans_of(text, ("SUBJECT", "本项目主要用于森林防火巡查的费用"), ("AMOUNT", "12万元"))
    assert by_label(trim_subjects(tagged), "SUBJECT") == [exact(text, "本项目")]
    all_purpose = spans_of(text, ("SUBJECT", "主要用于森林防火巡查的费用"), ("AMOUNT", "12万元"))
    assert by_label(trim_subjects(all_purpose), "SUBJECT") == []


def test_a_joined_subject_is_trimmed_too() -> None:
    """The listed names taken in before a SUBJECT may start with a year's tail; the joined SUBJECT loses it as any
    SUBJECT would."""
    text = "2020年市局机关本级及东区、西区分局预留机动经费30万元。"
    tagged = spans_of(text, ("SUBJECT", "西区分局预留机动经费"), ("AMOUNT", "30万元"))
    assert by_label(refine(tagged, text, "部门预算", ""), "SUBJECT") == [exact(text, "市局机关本级及东区、西区分局预留机动经费")]


def test_a_subject_closes_the_bracket_it_opens() -> None:
    text = "单位（部门）全年预算数为30万元；退休人员子女（18周岁以下）12人；离休干部（含遗属12人。"
    tagged = spans_of(
        text,
        ("SUBJECT", "单位（部门"),
        ("AMOUNT", "30万元"),
        ("SUBJECT", "退休人员子女（"),
        ("QUANTITY", "12人"),
        ("SUBJECT", "离休干部（含遗属"),
        ("QUANTITY", "12人"),
    )
    assert by_label(close_brackets(tagged, text), "SUBJECT") == [
        exact(text, "单位（部门）"),
        exact(text, "退休人员子女（18周岁以下）"),
        exact(text, "离休干部"),
    ]


def test_a_chain_printed_with_dashes_is_one_subject_without_the_quote_before_it() -> None:
    text = "3. “卫生健康支出(类）-公共卫生（款）-基本公共卫生服务（项）”2026年度预算12.5万元，2025年度预算11万元。"
    chain = exact(text, "卫生健康支出(类）-公共卫生（款）-基本公共卫生服务（项）")
    cut_in_a_name = spans_of(text, ("SUBJECT", "卫生（款）-基本公共卫生服务（项）"), ("AMOUNT", "12.5万元"), ("AMOUNT", "11万元"))
    assert by_label(join_chains(cut_in_a_name, text), "SUBJECT") == [chain]
    pieces = spans_of(text, ("SUBJECT", "卫生健康支出"), ("SUBJECT", "基本公共卫生服务"), ("AMOUNT", "12.5万元"))
    assert by_label(join_chains(pieces, text), "SUBJECT") == [chain]
    plain = "支出合计（类）12万元，其中基本支出8万元。"  # a name without a level marker is not widened over one
    assert by_label(join_chains(spans_of(plain, ("SUBJECT", "基本支出"), ("AMOUNT", "8万元")), plain), "SUBJECT") == [
        exact(plain, "基本支出")
    ]


def test_a_classification_chain_is_one_subject() -> None:
    text = "13、住房保障支出（221类）住房改革支出（02款）购房补贴（03项）243.36万元。"
    chain = exact(text, "住房保障支出（221类）住房改革支出（02款）购房补贴（03项）")
    broken = spans_of(text, ("SUBJECT", "住房保障支出"), ("SUBJECT", "住房改革支出（02款）购房补贴"), ("AMOUNT", "243.36万元"))
    assert by_label(join_chains(broken, text), "SUBJECT") == [chain]
    tail_only = spans_of(text, ("SUBJECT", "购房补贴"), ("AMOUNT", "243.36万元"))
    assert by_label(join_chains(tail_only, text), "SUBJECT") == [chain]
    colon = "6.社会保障和就业（类）社会福利（款）儿童福利（项）: 支出决算为0.55万元。"
    whole = "社会保障和就业（类）社会福利（款）儿童福利（项）"
    tagged = spans_of(colon, ("SUBJECT", whole), ("SUBJECT", "支出"), ("AMOUNT", "0.55万元"))
    assert by_label(join_chains(tagged, colon), "SUBJECT") == [exact(colon, whole)]
    dated = "行政事业单位离退休（款）：2018 年预算支出合计1,836.22万元。"
    tagged = spans_of(dated, ("SUBJECT", "行政事业单位离退休（款）"), ("SUBJECT", "支出合计"), ("AMOUNT", "1,836.22万元"))
    assert by_label(join_chains(tagged, dated), "SUBJECT") == [exact(dated, "行政事业单位离退休（款）")]
    level = "2.住房保障（类）支出2,247.04万元。"
    assert by_label(join_chains(spans_of(level, ("SUBJECT", "住房保障"), ("AMOUNT", "2,247.04万元")), level), "SUBJECT") == [
        exact(level, "住房保障（类）")
    ]


def test_names_listed_before_one_value_are_one_subject() -> None:
    text = "人员经费1612.88万元，主要包括：奖金20.6万元、伙食补助费、绩效工资130.26万元。"
    tagged = spans_of(
        text,
        ("SUBJECT", "人员经费"),
        ("AMOUNT", "1612.88万元"),
        ("SUBJECT", "奖金"),
        ("AMOUNT", "20.6万元"),
        ("SUBJECT", "绩效工资"),
        ("AMOUNT", "130.26万元"),
    )
    assert [t for *_, t in by_label(join_listed(tagged, text), "SUBJECT")] == ["人员经费", "奖金", "伙食补助费、绩效工资"]
    plan = "开展危险化学品、煤矿、非煤矿山、地震等专项演练至少1次。"
    tagged = spans_of(plan, ("SUBJECT", "地震等专项演练"), ("TARGET", "至少1次"))
    assert by_label(join_listed(tagged, plan), "SUBJECT") == [exact(plan, "危险化学品、煤矿、非煤矿山、地震等专项演练")]
    split = "火灾起数、直接财产损失数同比分别下降24.07%、97.64%。"
    tagged = spans_of(split, ("SUBJECT", "直接财产损失数"), ("PERCENT", "24.07%"))
    assert join_listed(tagged, split) == tagged
    numbered = "（一）、因公出国（境）费0万元。"
    tagged = spans_of(numbered, ("SUBJECT", "因公出国（境）费"), ("AMOUNT", "0万元"))
    assert join_listed(tagged, numbered) == tagged


def test_subjects_listed_before_one_value_are_joined() -> None:
    text = "数量指标：困难学生生活补助、交通补助36人，低保户、特困供养人员慰问金2万元。"
    tagged = spans_of(
        text,
        ("SUBJECT", "困难学生生活补助"),
        ("SUBJECT", "交通补助"),
        ("QUANTITY", "36人"),
        ("SUBJECT", "低保户"),
        ("SUBJECT", "特困供养人员慰问金"),
        ("AMOUNT", "2万元"),
    )
    assert [t for *_, t in by_label(join_adjacent(tagged, text), "SUBJECT")] == [
        "困难学生生活补助、交通补助",
        "低保户、特困供养人员慰问金",
    ]
    each = "电费、水费各支出1.09万元。"  # the clause gives the value to each item (各/分别)
    tagged = spans_of(each, ("SUBJECT", "电费"), ("SUBJECT", "水费"), ("AMOUNT", "1.09万元"))
    assert join_adjacent(tagged, each) == tagged
    listed = "电费、水费较上年增加2.76万元、1.09万元。"
    tagged = spans_of(listed, ("SUBJECT", "电费"), ("SUBJECT", "水费"), ("AMOUNT", "2.76万元"), ("AMOUNT", "1.09万元"))
    assert join_adjacent(tagged, listed) == tagged


def test_names_listed_before_as_many_listed_values_are_paired() -> None:
    text = "全区交通事故起数、受伤人数、直接经济损失较上年下降 6.2%、 11.5%、3.0%，群众满意度98%。"
    values = [("PERCENT", "6.2%"), ("PERCENT", "11.5%"), ("PERCENT", "3.0%"), ("SUBJECT", "群众满意度"), ("PERCENT", "98%")]
    merged = spans_of(text, ("SUBJECT", "全区交通事故起数、受伤人数、直接经济损失"), *values)
    assert [t for *_, t in by_label(split_paired(merged, text), "SUBJECT")] == [
        "全区交通事故起数",
        "受伤人数",
        "直接经济损失",
        "群众满意度",
    ]
    last_only = spans_of(text, ("SUBJECT", "直接经济损失"), *values)  # join_listed takes the list in, then it is split
    assert refine(last_only, text, "部门决算", "") == split_paired(merged, text)
    one_value = "伙食补助费、绩效工资130.26万元、奖金20.6万元。"
    tagged = spans_of(
        one_value, ("SUBJECT", "伙食补助费、绩效工资"), ("AMOUNT", "130.26万元"), ("SUBJECT", "奖金"), ("AMOUNT", "20.6万元")
    )
    assert split_paired(tagged, one_value) == tagged  # the values are not one list after the names: one SUBJECT
    fused = "财政拨款收、支总计各增加2517.1万元、1068.31万元。"
    tagged = spans_of(fused, ("SUBJECT", "财政拨款收、支总计"), ("AMOUNT", "2517.1万元"), ("AMOUNT", "1068.31万元"))
    assert split_paired(tagged, fused) == tagged  # GUIDELINES §5: names fused in print stay one SUBJECT


def test_header_cells_of_an_indicator_row_are_no_subjects() -> None:
    row = "满意度指标 (10分) | 服务对象满意度指标 | 服务对象满意率 | 95%以上 | 93% | 10 | 8"
    tagged = spans_of(
        row,
        ("SUBJECT", "满意度指标 (10分)"),
        ("SUBJECT", "服务对象满意度指标"),
        ("SUBJECT", "服务对象满意率"),
        ("TARGET", "95%以上"),
        ("PERCENT", "93%"),
    )
    assert by_label(drop_header_subjects(tagged, row), "SUBJECT") == [exact(row, "服务对象满意率")]
    prose = "从评价结果来看，1、数量指标 100%按项目年初预算执行。"
    tagged = spans_of(prose, ("SUBJECT", "数量指标"), ("PERCENT", "100%"))
    assert drop_header_subjects(tagged, prose) == tagged


def test_indicator_row_names_its_subject_by_a_whole_cell() -> None:
    row = "预算管理 | 公用经费控制率 | 2 | 2.00 | 实际支出公用经费总额282.61/预算安排公用经费总额331.05*100%=85.37% | 2.00"
    partial = spans_of(row, ("SUBJECT", "公用经费"), ("PERCENT", "85.37%"))
    assert by_label(refine(partial, row, "绩效自评", ""), "SUBJECT") == [exact(row, "公用经费控制率")]
    bare = spans_of(row, ("PERCENT", "85.37%"))
    assert by_label(refine(bare, row, "绩效自评", ""), "SUBJECT") == [exact(row, "公用经费控制率")]
    numbered = "质量指标 | 指标 1: 计划执法完成率 | 100% | 100% | 2 | 2"
    spans = spans_of(numbered, ("TARGET", "100%"), ("PERCENT", "100%"))
    assert by_label(refine(spans, numbered, "绩效自评", ""), "SUBJECT") == [exact(numbered, "计划执法完成率")]


def test_a_header_weight_does_not_hide_the_indicator_cell() -> None:
    """The tagger's "50分" in the category header is no value, and its "产出指标" no subject: the indicator is still
    found; a subject inside the value's own cell ("检查企业 80 家以上") does not stand for the indicator either."""
    row = "产出 指标 (50分) | 数量 指标 | 指标 1: 组织召开年度安全生产工作会 议 | 10 次以上 | 18 | 10 | 10"
    tagged = spans_of(row, ("SUBJECT", "产出 指标"), ("QUANTITY", "50分"), ("TARGET", "10 次以上"))
    refined = refine(tagged, row, "绩效自评", "")
    assert by_label(refined, "SUBJECT") == [exact(row, "组织召开年度安全生产工作会 议")]
    assert by_label(refined, "QUANTITY") == []
    inner = "指标 2: 开展打非治违行动 | 出动人员 120 人次以上 | 189 | 4 | 4"
    tagged = spans_of(inner, ("SUBJECT", "出动人员"), ("TARGET", "120 人次以上"))
    refined = refine(tagged, inner, "绩效自评", "")
    assert by_label(refined, "SUBJECT") == [exact(inner, "开展打非治违行动"), exact(inner, "出动人员")]


def test_the_value_after_an_indicator_name_is_its_target() -> None:
    row = "质量指标 | 重点工作办结率 | 100% | 95% | 5 | 5"
    refined = refine(spans_of(row, ("PERCENT", "100%"), ("PERCENT", "95%")), row, "绩效自评", "")
    assert by_label(refined, "TARGET") == [exact(row, "100%")]
    assert by_label(refined, "PERCENT") == [exact(row, "95%")]
    budget = "年度资金总额 | 72 | 72 | 72 | 10 | 100% | 10"
    assert by_label(refine(spans_of(budget, ("PERCENT", "100%")), budget, "绩效自评", ""), "PERCENT") == [exact(budget, "100%")]
    across = "质量指标 | 重点工作办结率 | 100% | 95% | 5 | 5"  # a tagger's value over a cell's edge: left as it is
    assert by_label(refine(spans_of(across, ("PERCENT", "100% | 95%")), across, "绩效自评", ""), "PERCENT") == [
        exact(across, "100% | 95%")
    ]


def test_a_value_with_a_comparator_is_one_target() -> None:
    text = "社会群众满意度≥98%，开展专项整治不少于 6次，服务对象满意率95%以上，达到100%。"
    tagged = spans_of(text, ("PERCENT", "98%"), ("QUANTITY", "6次"), ("PERCENT", "95%"), ("TARGET", "以上"), ("PERCENT", "100%"))
    attached = attach_comparators(tagged, text)
    assert by_label(attached, "TARGET") == [exact(text, "≥98%"), exact(text, "不少于 6次"), exact(text, "95%以上")]
    assert by_label(attached, "PERCENT") == [exact(text, "100%")]
    assert by_label(attached, "QUANTITY") == []


def test_reaching_a_value_is_a_target_only_in_a_scoring_rule() -> None:
    rule = "隐患治理工程验收合格率达到 100%得满分，共计 3 分；救援人员到岗及时率达到95%以上的得 2 分。"
    tagged = spans_of(rule, ("PERCENT", "100%"), ("QUANTITY", "3 分"), ("PERCENT", "95%"))
    attached = attach_comparators(tagged, rule)
    assert by_label(attached, "TARGET") == [exact(rule, "达到 100%"), exact(rule, "达到95%以上")]
    assert by_label(attached, "QUANTITY") == [exact(rule, "3 分")]
    result = "设备正常运行率达到100%得到群众好评。"
    assert attach_comparators(spans_of(result, ("PERCENT", "100%")), result) == spans_of(result, ("PERCENT", "100%"))


def test_prose_keeps_the_tagger_subjects() -> None:
    text = "公用经费控制率为85.37%。"
    spans = spans_of(text, ("SUBJECT", "公用经费"), ("PERCENT", "85.37%"))
    assert refine(spans, text, "绩效自评", "") == spans


def test_counts_no_span_covers_are_added_but_not_ordinals_weights_or_deductions() -> None:
    text = "整合组建12支700余人的救援队伍，占地约8380亩，第15个防灾减灾周。"
    spans = spans_of(text, ("QUANTITY", "12支"))
    refined = refine(spans, text, "部门决算", "")
    assert by_label(refined, "QUANTITY") == [exact(text, "12支"), exact(text, "700余人"), exact(text, "约8380亩")]
    assert [s.confidence for s in refined if s.label == "QUANTITY"] == [1.0, 0.5, 0.5]
    rules = "产出指标 (50分) | 数量指标 | 到岗 XX 人得满分，共计 3 分，每少 1 人扣 0.5 分"
    assert by_label(refine(spans_of(rules, ("QUANTITY", "3 分")), rules, "绩效自评", ""), "QUANTITY") == [exact(rules, "3 分")]


def test_two_counts_run_together_are_split() -> None:
    text = "组织委员培训10批200多人次。"
    refined = refine(spans_of(text, ("TARGET", "10批200多人次")), text, "部门预算", PLAN)
    assert by_label(refined, "TARGET") == [exact(text, "10批"), exact(text, "200多人次")]


def test_outside_a_plan_a_target_without_comparator_is_a_plain_value() -> None:
    text = "聘请专家10余名，重点工作支出100%，每季度会议不少于4次，满意度95%以上。"
    tagged = spans_of(text, ("TARGET", "10余名"), ("TARGET", "100%"), ("TARGET", "不少于4次"), ("TARGET", "95%以上"))
    refined = refine(tagged, text, "部门决算", "第一部分 > （二） 2020年重点工作完成情况")
    assert by_label(refined, "QUANTITY") == [exact(text, "10余名")]
    assert by_label(refined, "PERCENT") == [exact(text, "100%")]
    assert by_label(refined, "TARGET") == [exact(text, "不少于4次"), exact(text, "95%以上")]
    row = "数量指标 | 指标 1: 宣传活动 | 4次 | 4次 | 5 | 5"
    in_row = spans_of(row, ("SUBJECT", "宣传活动"), ("TARGET", "4次"))
    assert by_label(refine(in_row, row, "绩效自评", ""), "TARGET") == [exact(row, "4次")]


def test_a_range_of_counts_is_one_span() -> None:
    text = "组织2-3次委员集中视察，编辑出版6期杂志。"
    refined = refine(spans_of(text, ("SUBJECT", "委员集中视察")), text, "部门预算", PLAN)
    assert by_label(refined, "TARGET") == [exact(text, "2-3次"), exact(text, "6期")]


def test_any_spans_a_tagger_may_give_are_refined_without_error() -> None:
    """Taggers err in every way (a value over a row's cell edge, spans crossing each other): refine must still return
    spans whose offsets hold their text, so that one odd sentence never stops a document. Random spans over the gold
    train and dev sentences, table rows included; a fixed seed keeps it repeatable."""
    rng = random.Random(0)
    sentences = load_split("train") + load_split("dev")
    for _ in range(3000):
        ex = rng.choice(sentences)
        if len(ex.text) < 2:
            continue
        spans = []
        for _ in range(rng.randint(1, 6)):
            start = rng.randrange(len(ex.text))
            end = rng.randint(start + 1, min(len(ex.text), start + 30))
            spans.append(Span(start, end, rng.choice(LABELS), ex.text[start:end]))
        section = PLAN if rng.random() < 0.5 else ex.section_path
        for s in refine(sorted(spans, key=lambda s: (s.start, -s.end)), ex.text, ex.kind, section):
            assert 0 <= s.start < s.end <= len(ex.text) and ex.text[s.start : s.end] == s.text


def test_a_score_s_verb_or_a_conjunction_is_no_part_of_a_subject() -> None:
    text = "工作自标明确得3分，考评中取得3分，聘请119名煤炭专家和50名安全专家，收支总和1万元。"
    tagged = spans_of(
        text,
        ("SUBJECT", "工作自标明确得"),
        ("QUANTITY", "3分"),
        ("SUBJECT", "考评中取得"),
        ("QUANTITY", "3分"),
        ("QUANTITY", "119名"),
        ("SUBJECT", "煤炭专家和"),
        ("SUBJECT", "收支总和"),
        ("AMOUNT", "1万元"),
    )
    trimmed = [t for *_, t in by_label(trim_subjects(tagged), "SUBJECT")]
    assert trimmed == ["工作自标明确", "考评中取得", "煤炭专家", "收支总和"]


def test_a_budget_total_line_is_one_subject() -> None:
    """GUIDELINES §2 keeps a budget table's total line whole (收支总预算, 本年支出预算合计); taggers stop before 预算."""
    text = "我校2023年收支总预算557,259.13万元，江苏省政协办公厅本年支出预算合计 13,377.11 万元，公务接待费预算支出5万元。"
    tagged = spans_of(
        text,
        ("SUBJECT", "收支总"),
        ("AMOUNT", "557,259.13万元"),
        ("SUBJECT", "支出"),
        ("AMOUNT", "13,377.11 万元"),
        ("SUBJECT", "公务接待费"),
        ("AMOUNT", "5万元"),
    )
    assert [t for *_, t in by_label(total_lines(tagged, text), "SUBJECT")] == ["收支总预算", "本年支出预算合计", "公务接待费"]


def test_a_count_names_the_noun_it_counts() -> None:
    """GUIDELINES §6: a count printed before its noun takes the noun as its SUBJECT (a planned one too); the noun ends at
    the verb, conjunction or adverb after it, and a bracket or a list inside it stays."""
    text = "围绕重要问题，组织2-3次委员集中视察，深入基层，对8个项目编制了绩效目标，对12个县(区、市)进行专项巡查。"
    tagged = spans_of(text, ("TARGET", "2-3次"), ("QUANTITY", "8个"), ("QUANTITY", "12个"))
    named = counted_nouns(tagged, text)
    assert [t for *_, t in by_label(named, "SUBJECT")] == ["委员集中视察", "项目", "县(区、市)"]
    planned = sentence_records(TaggedSentence("s1", text, named, PLAN), kind="部门预算")[0]
    assert (planned.raw, planned.subject, planned.metric) == ("2-3次", "委员集中视察", "指标值")
    own_name = "其中正高级职称795人、副高级职称1,336人，与21个省、市900余个行政事业单位和1,000多家企业开展了合作。"
    tagged = spans_of(
        own_name,
        ("SUBJECT", "正高级职称"),
        ("QUANTITY", "795人"),
        ("SUBJECT", "副高级职称"),
        ("QUANTITY", "1,336人"),
        ("QUANTITY", "21个"),
        ("SUBJECT", "省、市"),
        ("QUANTITY", "900余个"),
        ("SUBJECT", "行政事业单位"),
        ("QUANTITY", "1,000多家"),
    )
    named = counted_nouns(tagged, own_name)  # no noun after a count printed right after its own name
    assert [t for *_, t in by_label(named, "SUBJECT")] == ["正高级职称", "副高级职称", "省、市", "行政事业单位", "企业"]
    records = {r.raw: r.subject for r in sentence_records(TaggedSentence("s1", own_name, named), kind="部门决算")}
    assert records == {
        "795人": "正高级职称",
        "1,336人": "副高级职称",
        "21个": "省、市",
        "900余个": "行政事业单位",
        "1,000多家": "企业",
    }


def test_an_action_an_issuer_and_a_quantifier_are_no_part_of_a_subject_in_prose() -> None:
    """GUIDELINES §6 (round eleven): in prose the verb that reports what was done to the item, the issuer or place before
    it and 各类/各项 are out of the SUBJECT, unless the rest is a generic word; a table row keeps its printed name."""
    text = (
        "举办委员学习研讨班2-3期，采购各类应急装备207种，和顺县投入资金100万元，市本级投资340万，申请资金1300万元，"
        "各项指标20个，市县两级抽调149名监管专员。"
    )
    tagged = spans_of(
        text,
        ("SUBJECT", "举办委员学习研讨班"),
        ("QUANTITY", "2-3期"),
        ("SUBJECT", "采购各类应急装备"),
        ("QUANTITY", "207种"),
        ("SUBJECT", "和顺县投入资金"),
        ("AMOUNT", "100万元"),
        ("SUBJECT", "市本级投资"),
        ("AMOUNT", "340万"),
        ("SUBJECT", "申请资金"),
        ("AMOUNT", "1300万元"),
        ("SUBJECT", "各项指标"),
        ("QUANTITY", "20个"),
        ("SUBJECT", "市县两级抽调"),
        ("QUANTITY", "149名"),
        ("SUBJECT", "监管专员"),
    )
    subjects = [t for *_, t in by_label(strip_actions(tagged, text), "SUBJECT")]
    assert subjects == ["委员学习研讨班", "应急装备", "投入资金", "投资", "申请资金", "各项指标", "监管专员"]
    row = "开展计划执法检查 | 次 | 60 | 62 | 10 | 10"
    in_row = spans_of(row, ("SUBJECT", "开展计划执法检查"), ("QUANTITY", "60"))
    assert strip_actions(in_row, row) == in_row


def test_a_subject_run_on_over_a_verb_is_cut_there() -> None:
    """A SUBJECT that opens after a count and runs over a verb is the count's noun; what follows the verb names the value
    after it. A SUBJECT run on over a clause mark into a clause opened by a verb is two names."""
    text = "为3支市属森林草原扑火专业队申请并落实补助经费200万元，与国内76家大中型企业建立了合作关系。"
    tagged = spans_of(
        text,
        ("QUANTITY", "3支"),
        ("SUBJECT", "市属森林草原扑火专业队申请并落实补助经费"),
        ("AMOUNT", "200万元"),
        ("QUANTITY", "76家"),
        ("SUBJECT", "大中型企业建立了合作关系"),
    )
    subjects = [t for *_, t in by_label(split_counted(tagged, text), "SUBJECT")]
    assert subjects == ["市属森林草原扑火专业队", "补助经费", "大中型企业"]
    run_on = "整合组建12支700余人的专兼职应急救援队伍,编制完成总体预案及专项预案32部。"
    tagged = spans_of(
        run_on,
        ("QUANTITY", "12支"),
        ("QUANTITY", "700余人"),
        ("SUBJECT", "专兼职应急救援队伍,编制完成总体预案及专项预案"),
        ("QUANTITY", "32部"),
    )
    assert [t for *_, t in by_label(split_clauses(tagged, run_on), "SUBJECT")] == ["专兼职应急救援队伍", "总体预案及专项预案"]
    whole = "基础数据真实有效,完整准确得3分;"
    kept = spans_of(whole, ("SUBJECT", "基础数据真实有效,完整准确"), ("QUANTITY", "3分"))
    assert split_clauses(kept, whole) == kept


def test_rates_and_parallel_items_are_named() -> None:
    """A rate that opens a percent's clause names it (§6); a 率 left after a SUBJECT is the end of its name; items
    listed each before its value are named by their words; 约 belongs to the count; a quote opened before a SUBJECT is
    its own."""
    text = (
        "预算调整率为104%,结转结余率为14.19%,离休1人,退休60人,占地约8380亩，校舍面积199万平方米，组织“三项培训”人员达15.5万人次。"
    )
    tagged = spans_of(
        text,
        ("PERCENT", "104%"),
        ("SUBJECT", "结转结余"),
        ("PERCENT", "14.19%"),
        ("SUBJECT", "离休"),
        ("QUANTITY", "1人"),
        ("TARGET", "60人"),
        ("QUANTITY", "8380亩"),
        ("SUBJECT", "校舍面积"),
        ("QUANTITY", "199万平方米"),
        ("SUBJECT", "三项培训”人员"),
        ("QUANTITY", "15.5万人次"),
    )
    refined = refine(tagged, text, "部门决算", "")
    assert [t for *_, t in by_label(refined, "SUBJECT")] == [
        "预算调整率",
        "结转结余率",
        "离休",
        "退休",
        "占地",
        "校舍面积",
        "“三项培训”人员",
    ]
    assert exact(text, "约8380亩") in by_label(refined, "QUANTITY")
    metric_only = "群众满意度95%以上，完成率100%，实际支出 7.8 万元，年初预算 8.65 万元。"
    tagged = spans_of(
        metric_only,
        ("SUBJECT", "群众满意度"),
        ("TARGET", "95%以上"),
        ("PERCENT", "100%"),
        ("AMOUNT", "7.8 万元"),
        ("AMOUNT", "8.65 万元"),
    )
    assert by_label(refine(tagged, metric_only, "部门决算", ""), "SUBJECT") == [exact(metric_only, "群众满意度")]


def _subjects(text: str, *items: tuple[str, str], kind: str = "部门决算") -> list[str]:
    return [t for *_, t in by_label(refine(spans_of(text, *items), text, kind, ""), "SUBJECT")]


def test_an_amount_word_or_a_scored_item_that_is_all_a_clause_names_is_its_subject() -> None:
    """支出 / 共计支出 alone in a clause after a comma is the amount's SUBJECT (§6, as 采购金额), not after a chain's colon;
    what a score is given for, printed before 得分, is the score's, but an act of scoring (绩效自评, 总) is not: a total
    score is the project's whose evaluation it closes."""
    text = "国内公务接待28批次，共计支出3.6万元，具体内容包括：煤矿督查检查公务接待11次，支出1.37万元；"
    tagged = (("SUBJECT", "国内公务接待"), ("QUANTITY", "28批次"), ("AMOUNT", "3.6万元"))
    assert _subjects(text, *tagged, ("SUBJECT", "煤矿督查检查公务接待"), ("QUANTITY", "11次"), ("AMOUNT", "1.37万元")) == [
        "国内公务接待",
        "共计支出",
        "煤矿督查检查公务接待",
        "支出",
    ]
    chain = "住房公积金（项）：支出1,073.77万元。"
    assert _subjects(chain, ("SUBJECT", "住房公积金（项）"), ("AMOUNT", "1,073.77万元")) == ["住房公积金（项）"]
    scores = "综合考虑预算执行情况得分 6.13 分、产出、效益各方面因素，指标完成情况得分 77 分，最终评分结果：总得分 83.13 分。"
    tagged = (("QUANTITY", "6.13 分"), ("QUANTITY", "77 分"), ("QUANTITY", "83.13 分"))
    assert _subjects(scores, *tagged) == ["预算执行情况", "指标完成情况"]
    total = "最终评分结果：Z 安全生产和宣传经费项目绩效自我评价结果为：总得分 80.98 分，属于“良”。"
    assert _subjects(total, ("QUANTITY", "80.98 分")) == ["Z 安全生产和宣传经费"]
    target = "可持续影响：可持续使用3年以上，确保应急部门工作正常运转。"
    assert _subjects(target, ("TARGET", "3年以上")) == ["可持续使用"]


def test_a_project_named_alone_or_by_reference_and_completed_items_name_the_values() -> None:
    """A project named on its own in the first clause, 此项目 where the sentence names it only so (§6), and 各项指标 that a
    sentence says were completed name the values after them; 此项目 after the project's name does not."""
    text = "森林防火工作经费，绩效自评得分94.47分，保证市森林防火指挥部办公室正常运转。"
    assert _subjects(text, ("QUANTITY", "94.47分")) == ["森林防火工作经费"]
    verb_first = "加强火源管理，全年检查12次。"
    assert "加强火源管理" not in _subjects(verb_first, ("QUANTITY", "12次"))
    anaphor = (
        "此项目是我局与系统维护公司签订的维保合同，维保期为一年，年初预算控制数为170万元，截止2022年底，实际支出数为170万元。"
    )
    assert _subjects(anaphor, ("AMOUNT", "170万元"), ("AMOUNT", "170万元")) == ["此项目"]
    named = "核灾救灾工作经费，绩效自评得分94.93分，此项目年初预算为20万元。"
    assert _subjects(named, ("QUANTITY", "94.93分"), ("AMOUNT", "20万元")) == ["核灾救灾工作经费"]
    completed = "各项指标全部完成并基本达到预期效果，完成率100%。"
    assert _subjects(completed, ("PERCENT", "100%")) == ["各项指标"]
    refined = refine(spans_of(completed, ("PERCENT", "100%")), completed, "部门决算", "")
    records = sentence_records(TaggedSentence("s", completed, refined))
    assert [(r.subject, r.metric) for r in records] == [("各项指标", "完成率")]


def test_rate_and_metric_words_adverbs_and_comparisons_are_off_a_subject() -> None:
    """安排资金 and a rate word after a sum of money are metrics (a rate of anything else is an indicator's name and
    stays); 共 / 已 before the value, 相比 and 的 before the name are no part of it; a rate opening a target's clause
    names it; a SUBJECT that is only a generic word takes in the verb before it."""
    text = "基本支出安排资金1804.16万元，基本支出完成率 100%，清单编制完成率100%，出国团组共0个，38个一般台已完成选址。"
    tagged = spans_of(
        text,
        ("SUBJECT", "基本支出安排资金"),
        ("AMOUNT", "1804.16万元"),
        ("SUBJECT", "基本支出完成率"),
        ("PERCENT", "100%"),
        ("SUBJECT", "清单编制完成率"),
        ("PERCENT", "100%"),
        ("SUBJECT", "出国团组共"),
        ("QUANTITY", "0个"),
        ("QUANTITY", "38个"),
        ("SUBJECT", "一般台已"),
    )
    assert [t for *_, t in by_label(refine(tagged, text, "部门决算", ""), "SUBJECT")] == [
        "基本支出",
        "基本支出",
        "清单编制完成率",
        "出国团组",
        "一般台",
    ]
    about = "年需采购的办公用品约 15 万元。"
    assert _subjects(about, ("SUBJECT", "办公用品约"), ("AMOUNT", "15 万元")) == ["办公用品"]
    row = "公用经费控制率 | 2 | 2.00 | 85.37% | 2.00"
    assert _subjects(row, ("SUBJECT", "公用经费控制率"), ("PERCENT", "85.37%")) == ["公用经费控制率"]
    compared = "与上年相比收、支预算总计各增加3,958.67 万元，成立9支170人的疫情应急分队。"
    assert _subjects(compared, ("SUBJECT", "相比收、支预算总计"), ("AMOUNT", "3,958.67 万元"), ("SUBJECT", "的疫情应急分队")) == [
        "收、支预算总计",
        "疫情应急分队",
    ]
    scoring = "项目尚未完成，预算执行率小于 100%且大于等于 80%的得 7 分；涉及资金25185988元。"
    tagged = (("TARGET", "小于 100%"), ("TARGET", "大于等于 80%"), ("SUBJECT", "资金"), ("AMOUNT", "25185988元"))
    assert _subjects(scoring, *tagged) == ["预算执行率", "涉及资金"]


def test_fused_and_paired_lists_before_split_values() -> None:
    """收、支总计 is one name fused in print even before 各; names listed before 分别 and as many values are taken in and
    paired."""
    fused = "与2019年相比，收、支总计各增加2516.77万元、1069.13万元。"
    assert _subjects(fused, ("SUBJECT", "支总计"), ("AMOUNT", "2516.77万元"), ("AMOUNT", "1069.13万元")) == ["收、支总计"]
    paired = "2020年生产安全事故起数、死亡人数、受伤人数同比分别下降 5.1%、9.8%、36.4%。"
    cut = paired.index("受伤人数") + 2  # the tagger named only the end of the last item
    tagged = [
        Span(cut, cut + 2, "SUBJECT", "人数"),
        *spans_of(paired, ("PERCENT", "5.1%"), ("PERCENT", "9.8%"), ("PERCENT", "36.4%")),
    ]
    records = sentence_records(TaggedSentence("s", paired, refine(tagged, paired, "部门决算", "")))
    assert [(r.subject, r.raw) for r in records] == [("生产安全事故起数", "5.1%"), ("死亡人数", "9.8%"), ("受伤人数", "36.4%")]


def _records(text: str, kind: str, *items: tuple[str, str]) -> list[tuple[str | None, str | None, str]]:
    """(subject, metric, value) of the records built from these tagger spans after refine."""
    spans = refine(spans_of(text, *items), text, kind, "")
    return [(r.subject, r.metric, r.raw) for r in sentence_records(TaggedSentence("s", text, spans), kind=kind)]


def test_forms_of_disclosures_published_elsewhere() -> None:
    """GUIDELINES §6, round thirteen: numbers listed before one unit, a comparison run into the name, a measure noun at
    the end of one, a sum word alone, a quote left open, the fund before 三公经费 and a clause that only names its item."""
    listed = "与2021年相比，收、支总计各减少1267.86，2570.97万元。"
    assert _records(listed, "部门决算", ("SUBJECT", "收、支总计"), ("AMOUNT", "86，2570.97万元")) == [
        ("收、支总计", "增减额", "1267.86"),
        ("收、支总计", "增减额", "2570.97万元"),
    ]
    compared = "收支较上年决算数增加205.8万元。"
    assert _records(compared, "部门决算", ("SUBJECT", "收支较上年"), ("AMOUNT", "205.8万元")) == [("收支", "增减额", "205.8万元")]
    counts = "公务用车保有量为2辆，国内公务接待批次为520个，共安排因公出国（境）团组0个，累计0人次。"
    tagged = (("SUBJECT", "公务用车"), ("QUANTITY", "2辆"), ("QUANTITY", "520个"), ("SUBJECT", "因公出国（境）团组"))
    assert _records(counts, "部门决算", *tagged, ("QUANTITY", "0个"), ("SUBJECT", "累计"), ("QUANTITY", "0人次")) == [
        ("公务用车保有量", None, "2辆"),
        ("国内公务接待批次", None, "520个"),
        ("因公出国（境）团组", None, "0个"),
        ("因公出国（境）团组", None, "0人次"),
    ]
    quoted = "2019年实际支出“三公经费”决算为22.62万元。"
    tagged = (("SUBJECT", "“三公经费"), ("AMOUNT", "22.62万元"))
    assert _records(quoted, "部门决算", *tagged) == [("“三公经费”", "决算数", "22.62万元")]
    fund = "2019年本部门一般公共预算“三公”经费预算支出9.80万元，较上年减少18.50万元（65.37%）。"
    assert _records(fund, "部门预算", ("SUBJECT", "“三公”经费"), ("AMOUNT", "9.80万元"), ("AMOUNT", "18.50万元")) == [
        ("一般公共预算“三公”经费", "预算数", "9.80万元"),
        ("一般公共预算“三公”经费", "增减额", "18.50万元"),
        ("一般公共预算“三公”经费", "增减率", "65.37%"),  # a percent no span covered, added
    ]


def test_an_amount_opening_its_clause_is_of_its_purpose() -> None:
    text = "其中：30万元用于基建工程项目审计；29.99万元用于基建工程项目设计、规划、测绘。"
    assert _records(text, "绩效自评", ("AMOUNT", "30万元"), ("AMOUNT", "29.99万元")) == [
        ("基建工程项目审计", None, "30万元"),
        ("基建工程项目设计、规划、测绘", None, "29.99万元"),
    ]
    named = "该项目年初预算20万元，用于安全生产宣传；"
    assert _records(named, "绩效自评", ("SUBJECT", "该项目"), ("AMOUNT", "20万元")) == [("该项目", "预算数", "20万元")]


def test_spaced_out_text_is_refined_as_if_unspaced() -> None:
    """A text layer's spacing ("同 比 增 加") hides neither a change word nor a subject's edge; spans stay on the printed
    text."""
    text = "2025 年 政 府 采 购 预 算 6429768.84 元 ， 同 比 增 加2433505.07 元，增长 60.89%。"
    tagged = (("SUBJECT", "政 府 采 购"), ("AMOUNT", "6429768.84 元"), ("SUBJECT", "同 比 增 加"), ("AMOUNT", "2433505.07 元"))
    assert _records(text, "部门预算", *tagged, ("PERCENT", "60.89%")) == [
        ("政 府 采 购", "预算数", "6429768.84 元"),
        ("政 府 采 购", "增减额", "2433505.07 元"),
        ("政 府 采 购", "增减率", "60.89%"),
    ]


def test_spacing_is_taken_out_for_reading_and_spans_return_to_the_print() -> None:
    """`extract.tag.spacing`: spaces that touch a Chinese character go, a table row's " | " and spaces between ASCII stay;
    the crf reads a spaced-out sentence unspaced and gives spans on the printed text."""
    row = "满意度 | 99%以上 | 97 %"
    assert compact(row)[0] == row
    assert compact("Z 安全生产 PVC pipe")[0] == "Z安全生产PVC pipe"
    assert not spaced_out("实际支付 20 万元") and spaced_out("基 本 支出")
    text = "2025 年 政 府 采 购 预 算 6429768.84 元 ， 同 比 增 加2433505.07 元，增长 60.89%。"
    tagged = load_tagger("crf").predict([text])[0]
    assert all(s.text == text[s.start : s.end] and s.text == s.text.strip() for s in tagged)
    records = sentence_records(TaggedSentence("s", text, refine(tagged, text, "部门预算", "")), kind="部门预算")
    assert [(r.subject, r.metric, r.raw) for r in records] == [
        ("政 府 采 购", "预算数", "6429768.84 元"),
        ("政 府 采 购", "增减额", "2433505.07 元"),
        ("政 府 采 购", "增减率", "60.89%"),
    ]


def test_run_in_headings_issuers_and_fused_lists_before_a_comparison() -> None:
    """A heading run into a sentence, the unit before 现有 and an issuer named with its place are no part of a SUBJECT;
    收、支 before 与…相比 names the changes after it; a part named by its use keeps its name; a verb of spending names
    nothing."""
    heading = "（二）机构设置情况（部门决算单位构成）马关镇中心卫生院现有职工19人。"
    assert _subjects(heading, ("SUBJECT", "机构设置情况（部门决算单位构成）马关镇中心卫生院现有职工"), ("QUANTITY", "19人")) == [
        "职工"
    ]
    issuer = "2021年六安市工商业联合会国内公务接待共8批次，160人次。"
    tagged = (("SUBJECT", "六安市工商业联合会国内公务接待"), ("QUANTITY", "8批次"), ("QUANTITY", "160人次"))
    assert _subjects(issuer, *tagged) == ["国内公务接待"]
    kind = "单位预算收入5212.91万元。"
    assert _records(kind, "单位预算", ("SUBJECT", "单位预算收入"), ("AMOUNT", "5212.91万元")) == [
        ("收入", "预算数", "5212.91万元")
    ]
    compared = "收、支与2023年度相比，减少304.01万元，下降4.1%。"
    assert _records(compared, "部门决算", ("AMOUNT", "304.01万元"), ("PERCENT", "4.1%")) == [
        ("收、支", "增减额", "304.01万元"),
        ("收、支", "增减率", "4.1%"),
    ]
    used = "支出655.55万元（其中用于工资福利支出为613.35万元，商品和服务支出14.03万元）。"
    tagged = (("SUBJECT", "支出"), ("AMOUNT", "655.55万元"), ("SUBJECT", "用于工资福利支出"), ("AMOUNT", "613.35万元"))
    assert _subjects(used, *tagged, ("SUBJECT", "商品和服务支出"), ("AMOUNT", "14.03万元")) == [
        "支出",
        "工资福利支出",
        "商品和服务支出",
    ]
    spent = "项目财政资金总额16.20万元，拨付使用16.20万元。"
    tagged = (("SUBJECT", "项目财政资金总额"), ("AMOUNT", "16.20万元"), ("SUBJECT", "拨付使用"), ("AMOUNT", "16.20万元"))
    assert _subjects(spent, *tagged) == ["项目财政资金总额"]


def test_names_that_end_in_a_fee_s_spending_a_purchase_or_a_change_in_a_cause() -> None:
    fee = "2021年“三公”经费支出共计9.07万元，较上年减少0.71万元。"
    assert _records(fee, "部门决算", ("SUBJECT", "“三公”经费"), ("AMOUNT", "9.07万元"), ("AMOUNT", "0.71万元")) == [
        ("“三公”经费支出", "决算数", "9.07万元"),
        ("“三公”经费支出", "增减额", "0.71万元"),
    ]
    purchase = "分散采购 3050778.84 元，占政府采购预算的 47.45%。"
    tagged = (("SUBJECT", "分散"), ("AMOUNT", "3050778.84 元"), ("SUBJECT", "政府采购"), ("PERCENT", "47.45%"))
    assert _subjects(purchase, *tagged, kind="部门预算") == ["分散采购", "政府采购"]
    cause = "收入较2024年增加124.29万元，主要是一般公共预算拨款减少0.98万元，事业收入增加125.27万元。"
    tagged = (
        ("SUBJECT", "收入"),
        ("AMOUNT", "124.29万元"),
        ("AMOUNT", "0.98万元"),
        ("SUBJECT", "事业收入"),
        ("AMOUNT", "125.27万元"),
    )
    assert [subject for subject, *_ in _records(cause, "部门预算", *tagged)] == ["收入", "一般公共预算拨款", "事业收入"]
