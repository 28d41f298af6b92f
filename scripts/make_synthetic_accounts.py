"""Generate made-up, exactly annotated sentences of the accounts' prose: training data for SUBJECT.

    python scripts/make_synthetic_accounts.py            # → annotations/synthetic/accounts.jsonl

Why: on a document it has not seen, the CRF finds the amounts and percents but misses what they are of. Left-out
documents of the cross-validation lose most of their records that way (docs/benchmarks.md): a line name it never saw
("行政事业单位养老支出（款）"), a project named only as 此项目, a name in a list, a counted noun. The train split has ten
issuers, each repeating its own few names. These sentences put many more names into the same frames, so that the
frame, not the name, is what is learnt: 类/款/项 lines with their budget, 决算 and 完成率; changes against the year
before with their reason; shares; 其中 lists; lists paired by 分别; “三公” lines and their counts; 该项目/此项目 in a
project's self-evaluation; an indicator with its target and actual value.

Every span follows annotations/GUIDELINES.md §2–§4: a SUBJECT without issuer, year, numbering or metric words, with
its 类/款/项 markers and codes; amounts with their unit; the comparator inside a TARGET. The names are the national
classification's (功能分类 / 经济分类 科目, as any budget uses them) and project and indicator names made up from our
own word lists; no sentence or name is taken from a gold document.

Like `make_synthetic_sentences.py` (whose `Builder` this uses), the file has its own document id and is read only for
training (`extract.tag.spans.load_training`), never for dev or test scores.
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Callable
from functools import partial
from pathlib import Path

from make_synthetic_sentences import Builder, write_rows

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "annotations" / "synthetic" / "accounts.jsonl"
DOC_ID = "synthetic-accounts"

# 功能分类: 类 → its 款 → their 项 (with the 7-digit code of the 项 where budgets print one)
FUNCTIONS: dict[str, dict[str, list[tuple[str, str]]]] = {
    "一般公共服务支出": {
        "政府办公厅（室）及相关机构事务": [
            ("行政运行", "2010301"),
            ("一般行政管理事务", "2010302"),
            ("机关服务", "2010303"),
            ("信访事务", "2010308"),
        ],
        "财政事务": [("行政运行", "2010601"), ("财政监察", "2010604"), ("信息化建设", "2010607")],
        "统计信息事务": [("专项统计业务", "2010505"), ("统计抽样调查", "2010508")],
    },
    "公共安全支出": {
        "司法": [("行政运行", "2040601"), ("普法宣传", "2040605"), ("法律援助", "2040607"), ("社区矫正", "2040610")],
        "公安": [("执法办案", "2040220"), ("特别业务", "2040221")],
    },
    "教育支出": {
        "普通教育": [("学前教育", "2050201"), ("小学教育", "2050202"), ("初中教育", "2050203"), ("高中教育", "2050204")],
        "职业教育": [("中等职业教育", "2050302")],
        "进修及培训": [("干部教育", "2050803"), ("培训支出", "2050802")],
    },
    "科学技术支出": {"技术研究与开发": [("应用技术研究与开发", "2060302")], "科学技术普及": [("科普活动", "2060702")]},
    "文化旅游体育与传媒支出": {
        "文化和旅游": [("群众文化", "2070109"), ("文化活动", "2070108")],
        "文物": [("文物保护", "2070204")],
        "体育": [("群众体育", "2070308")],
    },
    "社会保障和就业支出": {
        "行政事业单位养老支出": [
            ("行政单位离退休", "2080501"),
            ("事业单位离退休", "2080502"),
            ("机关事业单位基本养老保险缴费支出", "2080505"),
            ("机关事业单位职业年金缴费支出", "2080506"),
        ],
        "抚恤": [("死亡抚恤", "2080801")],
        "就业补助": [("公益性岗位补贴", "2080705")],
    },
    "卫生健康支出": {
        "行政事业单位医疗": [("行政单位医疗", "2101101"), ("事业单位医疗", "2101102"), ("公务员医疗补助", "2101103")],
        "公共卫生": [("疾病预防控制机构", "2100401"), ("重大公共卫生服务", "2100409")],
    },
    "节能环保支出": {"环境保护管理事务": [("环境保护宣传", "2110104")], "污染防治": [("大气", "2110301"), ("水体", "2110302")]},
    "城乡社区支出": {
        "城乡社区管理事务": [("城管执法", "2120104"), ("市政公用行业市场监管", "2120106")],
        "城乡社区环境卫生": [("城乡社区环境卫生", "2120501")],
    },
    "农林水支出": {
        "农业农村": [("病虫害控制", "2130108"), ("农产品质量安全", "2130109")],
        "林业和草原": [("森林资源管理", "2130205"), ("森林生态效益补偿", "2130209")],
        "水利": [("水利工程运行与维护", "2130306"), ("防汛", "2130314")],
    },
    "交通运输支出": {"公路水路运输": [("公路养护", "2140106"), ("交通运输信息化建设", "2140110")]},
    "住房保障支出": {"住房改革支出": [("住房公积金", "2210201"), ("提租补贴", "2210202"), ("购房补贴", "2210203")]},
    "灾害防治及应急管理支出": {
        "应急管理事务": [("安全监管", "2240106"), ("应急救援", "2240108")],
        "消防救援事务": [("消防应急救援", "2240204")],
        "自然灾害救灾及恢复重建支出": [("自然灾害救灾补助", "2240703")],
    },
}
ECONOMIC = [
    "工资福利支出",
    "商品和服务支出",
    "对个人和家庭的补助",
    "资本性支出",
    "基本工资",
    "津贴补贴",
    "奖金",
    "绩效工资",
    "伙食补助费",
    "机关事业单位基本养老保险缴费",
    "职工基本医疗保险缴费",
    "办公费",
    "印刷费",
    "咨询费",
    "手续费",
    "水费",
    "电费",
    "邮电费",
    "物业管理费",
    "差旅费",
    "维修（护）费",
    "租赁费",
    "会议费",
    "培训费",
    "劳务费",
    "委托业务费",
    "工会经费",
    "福利费",
    "其他交通费用",
    "办公设备购置",
    "专用设备购置",
    "退休费",
    "生活补助",
    "医疗费补助",
    "奖励金",
]
TOTALS = [
    "收入总计",
    "支出总计",
    "本年收入合计",
    "本年支出合计",
    "财政拨款收入",
    "一般公共预算财政拨款收入",
    "政府性基金预算财政拨款收入",
    "事业收入",
    "经营收入",
    "其他收入",
    "上年结转",
    "年初结转和结余",
    "年末结转和结余",
    "基本支出",
    "项目支出",
    "人员经费",
    "公用经费",
    "财政拨款支出",
    "一般公共预算财政拨款支出",
    "机关运行经费",
    "政府采购支出总额",
    "政府采购货物支出",
    "政府采购工程支出",
    "政府采购服务支出",
    "授予中小企业合同金额",
]
THREE = ["“三公”经费", "因公出国（境）费", "公务用车购置及运行维护费", "公务用车购置费", "公务用车运行维护费", "公务接待费"]
PLACES = ["全市", "全区", "全县", "城区", "乡镇", "社区", "农村", "辖区", "重点区域", "中心城区"]
MATTERS = [
    "智慧城管",
    "垃圾分类",
    "老旧小区改造",
    "防汛物资储备",
    "食品安全抽检",
    "法律援助",
    "社区矫正",
    "文物保护",
    "全民健身",
    "农村公路养护",
    "河道保洁",
    "森林防火",
    "人才引进",
    "档案数字化",
    "信息系统运维",
    "网格化管理",
    "消防设施维护",
    "困难群众救助",
    "农产品质量检测",
    "水质监测",
    "普法宣传",
    "应急广播",
    "公共法律服务",
    "学生资助",
    "耕地保护",
    "退役军人服务",
    "养老服务",
    "环境监测",
    "平安建设",
    "基层党建",
]
KINDS = ["专项经费", "项目", "补助资金", "工作经费", "购买服务", "专项资金", "建设项目", "运行维护费"]
INDICATORS = ["完成率", "覆盖率", "合格率", "及时率", "满意度", "知晓率", "达标率", "办结率"]
ISSUERS = ["", "", "本部门", "我局", "我单位", "市司法局", "区城市管理局", "县农业农村局", "本单位", "我中心"]
YEARS = ["", "2021年", "2022年度", "2023年", "2024年度", "本年度"]
REASONS = [
    "人员调整导致工资福利支出减少",
    "新增专项工作任务",
    "落实过紧日子要求，压减一般性支出",
    "受疫情影响，部分项目延期实施",
    "退休人员增加",
    "调整工资标准和社会保险缴费基数",
    "部分项目资金结转下年使用",
    "上级追加专项资金",
    "严格控制公务活动",
    "机构改革职能划转",
    "政府采购节约资金",
    "项目按进度支付，尚有部分未结算",
]
LEVEL = "类", "款", "项"


def money(rng: random.Random) -> tuple[str, str]:
    """A printed amount and its unit: 万元 with two decimals mostly, sometimes 元 with thousands separators."""
    if rng.random() < 0.75:
        value = f"{rng.uniform(0.5, 9000):.2f}"
        return f"{value}{rng.choice(['万元', '万元', ' 万元'])}", "万元"
    value = f"{rng.randint(1000, 90_000_000):,}" + rng.choice([f".{rng.randint(0, 99):02d}", ""])
    return f"{value}元", "元"


def percent(rng: random.Random, low: float = 0.1, high: float = 100.0) -> str:
    return f"{rng.uniform(low, high):.{rng.choice([1, 2, 2])}f}%"


def function_line(rng: random.Random) -> str:
    """A 功能分类 line as printed: the 类 alone, 类/款/项 with their markers, or a 项 with its code."""
    top = rng.choice(list(FUNCTIONS))
    middle = rng.choice(list(FUNCTIONS[top]))
    name, code = rng.choice(FUNCTIONS[top][middle])
    bracket = rng.choice([("（", "）"), ("(", ")")])
    return rng.choice(
        [
            f"{top}{bracket[0]}类{bracket[1]}",
            f"{top}{bracket[0]}类{bracket[1]}{middle}{bracket[0]}款{bracket[1]}{name}{bracket[0]}项{bracket[1]}",
            f"{name}{bracket[0]}项{bracket[1]}",
            f"{name}（{code}）",
            f"{middle}{bracket[0]}款{bracket[1]}",
        ]
    )


def project(rng: random.Random) -> str:
    return rng.choice(["", rng.choice(PLACES)]) + rng.choice(MATTERS) + rng.choice(KINDS)


def line_name(rng: random.Random) -> str:
    return rng.choice([function_line, function_line, lambda r: r.choice(ECONOMIC), lambda r: r.choice(TOTALS), project])(rng)


def lead(rng: random.Random, b: Builder, numbered: bool = True) -> None:
    """What comes before a line's name and is not part of it: numbering, issuer, year."""
    if numbered and rng.random() < 0.4:
        b.add(rng.choice(["1.", "2．", "（一）", "（3）", "3、", "一是"]))
    b.add(rng.choice(ISSUERS) + rng.choice(YEARS))


def budget_vs_final(rng: random.Random, b: Builder) -> None:
    """ "X年初预算为A，支出决算为B，完成年初预算的P%。" (a 决算's line explanation)."""
    lead(rng, b)
    subject = b.add(line_name(rng), "SUBJECT")
    b.add(rng.choice(["年初预算为", "年初预算", "，年初预算为", "：年初预算为"]))
    text, unit = money(rng)
    budget = b.add(text, "AMOUNT", "预算数", unit=unit)
    b.add(rng.choice(["，支出决算为", "，支出决算", "，决算数为"]))
    text, unit = money(rng)
    final = b.add(text, "AMOUNT", "决算数", unit=unit)
    b.add(rng.choice(["，完成年初预算的", "，完成预算的"]))
    rate = b.add(percent(rng, 40, 180), "PERCENT", "完成率")
    for value, kind in ((budget, "value-of"), (final, "value-of"), (rate, "rate-of")):
        b.relate(value, subject, kind)
    if rng.random() < 0.5:
        b.add(rng.choice(["；决算数大于预算数的", "，决算数小于年初预算数的", "，"]))
        b.relate(b.add(rng.choice(["主要原因是", "主要原因为", "主要是"]) + rng.choice(REASONS), "REASON"), final, "reason-for")
    b.add("。")


def named(rng: random.Random, name: str) -> str:
    """A cost item is often printed with 支出 after it, which the gold keeps in the name ("公务接待费支出")."""
    return name + "支出" if name.endswith("费") and rng.random() < 0.5 else name


def change(rng: random.Random, b: Builder, budget: bool) -> None:
    """ "X A万元，比上年增加D万元，增长P%，主要原因是…"; in a budget, the amount is 预算数."""
    lead(rng, b)
    subject = b.add(named(rng, line_name(rng)), "SUBJECT")
    cue, metric = rng.choice(
        [("预算", "预算数"), ("预算为", "预算数")]
        if budget
        else [("", None), ("决算数为", "决算数"), ("为", None), ("决算", "决算数")]
    )
    b.add(cue)
    text, unit = money(rng)
    b.relate(b.add(text, "AMOUNT", metric or ("预算数" if budget else None), unit=unit), subject, "value-of")
    up = rng.random() < 0.5
    direction = "增加" if up else "减少"
    b.add(rng.choice(["，比上年", "，较上年", "，与上年相比", "，比上年决算数"]) + direction)
    text, unit = money(rng)
    delta = b.add(text, "AMOUNT", "增减额", unit=unit, direction=direction)
    b.relate(delta, subject, "change-of")
    changed = [delta]
    if rng.random() < 0.7:
        b.add("，" + (rng.choice(["增长", "上升"]) if up else rng.choice(["下降", "减少"])))
        rate = b.add(percent(rng, 0.1, 90), "PERCENT", "增减率", direction=direction)
        b.relate(rate, subject, "change-of")
        changed.append(rate)
    if rng.random() < 0.7:
        b.add(rng.choice(["；", "，", "；"]))
        reason = b.add(rng.choice(["主要原因是", "主要是", "主要原因：", "主要原因为"]) + rng.choice(REASONS), "REASON")
        for value in changed:
            b.relate(reason, value, "reason-for")
    b.add("。")


def shares(rng: random.Random, b: Builder) -> None:
    """ "其中：X A万元，占P%；Y B万元，占Q%。"."""
    b.add(rng.choice(["其中：", "其中，", "其中"]))
    names = rng.sample(ECONOMIC + TOTALS, rng.choice([2, 3, 4]))
    if rng.random() < 0.3:  # items printed as a list with one amount are one SUBJECT ("印刷费、咨询费、手续费1.09万元")
        names[-1] = "、".join(rng.sample(ECONOMIC, rng.choice([2, 3])))
    for k, name in enumerate(names):
        if k:
            b.add(rng.choice(["；", "，", "；"]))
        subject = b.add(name, "SUBJECT")
        text, unit = money(rng)
        b.relate(b.add(text, "AMOUNT", unit=unit), subject, "value-of")
        if rng.random() < 0.7:
            base = rng.choice(["", "", "支出合计", "本年支出合计", "总支出", "收入合计"])
            b.add(rng.choice(["，占", "，占比"]) if not base else "，占")
            base_span = b.add(base, "SUBJECT") if base else -1
            b.add("的" if base else "")
            share = b.add(percent(rng, 0.5, 95), "PERCENT", "占比")
            b.relate(share, subject, "share-of")
            if base:
                b.relate(share, base_span, "share-base")
    b.add("。")


def paired_list(rng: random.Random, b: Builder) -> None:
    """ "X、Y、Z分别为A、B、C" and "X、Y较上年分别下降P%、Q%": values paired with names in order."""
    lead(rng, b, numbered=False)
    rates = rng.random() < 0.4
    pool = (
        [m + i for m in rng.sample(MATTERS, 4) for i in rng.sample(INDICATORS, 1)]
        if rates
        else rng.sample(THREE[1:] + ECONOMIC, 4)
    )
    names = pool[: rng.choice([2, 3, 4])]
    subjects = []
    for k, name in enumerate(names):
        if k:
            b.add("、")
        subjects.append(b.add(name, "SUBJECT"))
    if rates:
        direction = rng.choice(["增加", "减少"])
        b.add(rng.choice(["较上年分别", "同比分别"]) + ("提高" if direction == "增加" else "下降"))
    else:
        b.add(rng.choice(["分别为", "支出分别为", "分别支出"]))
    for k, subject in enumerate(subjects):
        if k:
            b.add("、")
        if rates:
            b.relate(b.add(percent(rng, 0.5, 40), "PERCENT", "增减率", direction=direction), subject, "change-of")
        else:
            text, unit = money(rng)
            b.relate(b.add(text, "AMOUNT", unit=unit), subject, "value-of")
    b.add("。")


def three_costs(rng: random.Random, b: Builder) -> None:
    """A “三公” line with its counts: "公务接待费支出A万元，共接待N批次M人次"."""
    lead(rng, b, numbered=False)
    subject = b.add(named(rng, rng.choice(THREE)), "SUBJECT")
    cue, metric = rng.choice([("", None), ("决算", "决算数"), ("决算为", "决算数"), ("年初预算为", "预算数")])
    b.add(cue)
    text, unit = money(rng)
    b.relate(b.add(text, "AMOUNT", metric, unit=unit), subject, "value-of")
    b.add("，")
    # what is counted, as the gold names it (GUIDELINES §6): 接待 of 批次/人次, 购置公务用车 of 辆, 出国团组 of 个
    before, noun, unit_a, unit_b = rng.choice(
        [
            (rng.choice(["共", "全年共", "国内公务"]), "接待", "批次", "人次"),
            (rng.choice(["共", "", "使用财政拨款"]), "购置公务用车", "辆", None),
            (rng.choice(["共组织", "组织"]), "出国团组", "个", "人次"),
        ]
    )
    b.add(before)
    what = b.add(noun, "SUBJECT")
    b.relate(b.add(f"{rng.randint(0, 160)}{unit_a}", "QUANTITY", unit=unit_a), what, "value-of")
    if unit_b:
        b.add(rng.choice(["、", "，", ""]))
        b.relate(b.add(f"{rng.randint(0, 900)}{unit_b}", "QUANTITY", unit=unit_b), what, "value-of")
    b.add("。")


def anaphoric_project(rng: random.Random, b: Builder) -> None:
    """A project's self-evaluation naming it only as 此项目/该项目/本项目 (GUIDELINES §6)."""
    subject = b.add(rng.choice(["此项目", "该项目", "本项目"]), "SUBJECT")
    b.add(rng.choice(["年初预算为", "全年预算数为", "年初预算资金为", "全年经费投入为", "预算安排"]))
    text, unit = money(rng)
    budget = b.add(text, "AMOUNT", "预算数", unit=unit)
    b.relate(budget, subject, "value-of")
    b.add(rng.choice(["，实际支出", "，全年执行数为", "，实际执行", "，已支付"]))
    text, unit = money(rng)
    b.relate(b.add(text, "AMOUNT", "执行数", unit=unit), subject, "value-of")
    if rng.random() < 0.6:
        b.add(rng.choice(["，预算执行率", "，执行率为", "，资金执行率"]))
        b.relate(b.add(percent(rng, 30, 100), "PERCENT", "执行率"), subject, "rate-of")
    b.add("。")


def indicator(rng: random.Random, b: Builder) -> None:
    """An indicator with its target and actual value: "X目标值≥95%，实际完成值98.5%"."""
    b.add(rng.choice(["", "质量指标：", "时效指标：", "满意度指标：", "产出指标："]))
    subject = b.add(rng.choice(MATTERS) + rng.choice(INDICATORS), "SUBJECT")
    b.add(rng.choice(["目标值", "年度指标值", "指标值为", "计划"]))
    level = rng.choice([80, 85, 90, 95, 98, 100])
    target = rng.choice([f"≥{level}%", f"{level}%以上", f"不低于{level}%", f"{level}%"])
    b.relate(b.add(target, "TARGET", "指标值"), subject, "target-of")
    b.add(rng.choice(["，实际完成值", "，实际完成", "，全年实际达到"]))
    b.relate(b.add(percent(rng, 70, 100), "PERCENT", "实际完成值"), subject, "value-of")
    b.add(rng.choice(["。", "，指标完成。", "，未完成目标。"]))


FRAMES: list[tuple[Callable[[random.Random, Builder], None], str, int]] = [
    # (frame, document kind, weight)
    (budget_vs_final, "部门决算", 4),
    (partial(change, budget=False), "部门决算", 3),
    (partial(change, budget=True), "部门预算", 2),
    (shares, "部门决算", 2),
    (paired_list, "部门决算", 2),
    (three_costs, "部门决算", 2),
    (anaphoric_project, "部门决算", 2),
    (indicator, "部门决算", 2),
]


def generate(n: int, seed: int) -> list[dict]:
    rng = random.Random(seed)
    rows, seen = [], set()
    frames = [(frame, kind) for frame, kind, weight in FRAMES for _ in range(weight)]
    while len(rows) < n:
        frame, kind = rng.choice(frames)
        b = Builder()
        frame(rng, b)
        if b.text in seen:
            continue
        seen.add(b.text)
        rows.append(b.row(DOC_ID, len(rows), kind, "scripts/make_synthetic_accounts.py"))
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sentences", type=int, default=200)
    ap.add_argument("--seed", type=int, default=20261122)
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)
    rows = generate(args.sentences, args.seed)
    write_rows(rows, args.out)
    print(f"{len(rows)} sentences → {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
