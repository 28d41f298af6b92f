"""Generate made-up, exactly annotated work-plan sentences: training data for TARGET in prose.

    python scripts/make_synthetic_sentences.py            # → annotations/synthetic/plans.jsonl

Why: the gold TARGETs of the train documents are almost all indicator cells ("≥95%", "20 次以上") of
绩效 tables, while 部门预算 state their targets as planned counts in prose ("计划开展3次…",
"编印简报12期左右", "约200件"). No train document has such a work plan, so no tagger could learn that
a count in a plan is a TARGET while the same count in a report of what was done is a QUANTITY. These
sentences teach both sides: plans with a plan cue ("计划/预计/拟/力争…", TARGET + SUBJECT, target-of) and
reports of completed work ("共/累计/已…", QUANTITY + SUBJECT, value-of; rounded counts such as "10余名"
included, so that rounding alone does not read as a plan), from a small grammar of our own words. A plan
stated bare, with no cue, is a plan only because of its section heading: that is read from the section
(`extract/tag/context.py`), not taught here. The vocabulary is generic
government work (training, inspection, publicity, meetings, reports), not taken from any gold document.

The file uses the gold line format (`annotations/README.md`) with `origin: "synthetic"` and its own
document id, so the split checks treat it as one extra training document. It is read only for
training (`extract.tag.spans.load_training`), never for dev or test scores.
"""

from __future__ import annotations

import argparse
import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "annotations" / "synthetic" / "plans.jsonl"
DOC_ID = "synthetic-plans"

GROUPS: list[tuple[tuple[str, ...], str, tuple[str, ...]]] = [
    # (verbs that fit, unit, activities counted in that unit)
    (
        ("开展", "组织", "组织开展"),
        "次",
        (
            "安全生产专项检查",
            "应急演练",
            "消防安全检查",
            "执法监督检查",
            "法治宣传活动",
            "联合督导",
            "专题调研",
            "志愿服务活动",
            "防汛防台演练",
            "质量抽查",
            "廉政教育",
        ),
    ),
    (
        ("召开", "举办", "组织召开"),
        "次",
        ("现场观摩会", "专家论证会", "工作推进会", "联席会议", "专题座谈会", "党组理论学习中心组学习"),
    ),
    (("举办", "开设", "组织"), "期", ("业务骨干培训班", "新任职干部培训班", "基层干部轮训班", "专题讲座", "财务人员继续教育班")),
    (("编印", "编发", "刊发"), "期", ("《工作动态》简报", "《信息专报》", "《调研与参考》", "工作通讯", "内部刊物")),
    (("举办", "组织", "承办"), "场", ("政策宣讲会", "招聘会", "招商推介会", "文艺演出", "公益讲座", "新闻发布会", "技能竞赛")),
    (("确定", "开展", "完成"), "个", ("重点课题", "调研课题", "试点项目")),
    (("建设", "打造", "新建"), "个", ("示范点", "服务站点", "标准化站所")),
    (("办理", "受理", "督办"), "件", ("建议提案", "行政复议案件", "群众来信", "法律援助案件", "信访事项")),
    (("撰写", "编报", "形成"), "篇", ("调研报告", "理论文章", "信息稿件", "宣传报道")),
    (("培训", "轮训"), "人次", ("专业技术人员", "社区工作者", "网格员", "安全管理人员")),
    (("检查", "走访", "帮扶"), "家", ("重点企业", "小微企业", "危化品经营单位", "养老机构")),
    (("印发", "发放"), "份", ("宣传资料", "调查问卷", "明白纸")),
    (("完成", "推进", "落实"), "项", ("实事项目", "制度修订", "信息化建设任务", "改革任务")),
]
PLAN_CUES = ["计划", "拟", "预计", "力争", "全年计划", "年内计划", "预计全年", "计划全年"]
LEADS = [
    "",
    "",
    "全年",
    "2025年，",
    "2026年，",
    "按照年度工作安排，",
    "围绕中心工作，",
    "为提高干部队伍素质，",
    "结合重要节点，",
    "根据年度工作要点，",
    "本年度",
    "下一年度",
]
DONE_LEADS = ["全年", "2024年，", "2023年，", "年内", "上半年", "本年度", "截至年底，"]
DONE_CUES = ["共", "累计", "已", "全年共", "实际", "共计"]
ENDINGS = ["。", "。", "，推动各项工作落实。", "，提升工作实效。", "；", "，切实发挥作用。"]


FORMS: dict[str, Callable[[random.Random, int, str], str]] = {
    # how a count n of unit u is printed
    "exact": lambda rng, n, u: f"{n}{u}",
    "range": lambda rng, n, u: f"{n}-{n + rng.choice([1, 1, 2, 5])}{u}" if n < 10 else f"{n}-{2 * n}{u}",
    "about": lambda rng, n, u: f"{n}{u}左右",
    "about_pre": lambda rng, n, u: f"约{n}{u}",
    "more": lambda rng, n, u: f"{n}多{u}" if n >= 10 else f"{n}{u}以上",
    "floor": lambda rng, n, u: f"不少于{n}{u}",
    "floor_pre": lambda rng, n, u: f"至少{n}{u}",
    "each": lambda rng, n, u: f"每月{rng.choice([1, 2])}{u}" if u in ("期", "次") else f"{n}{u}",
    "rounded": lambda rng, n, u: f"{n}余{u}" if n >= 10 else f"{n}{u}",
    "near": lambda rng, n, u: f"近{n}{u}",
}
PLAN_NUMBERS = [1, 2, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 24, 30, 50, 60, 100, 120, 200, 300, 500, 1000]
PLAN_FORMS = ["exact", "exact", "range", "about", "about_pre", "more", "floor", "floor_pre", "each"]
"""A planned count as budgets print them: exact, a range, approximate, or a floor."""
DONE_NUMBERS = [2, 3, 5, 7, 9, 12, 16, 23, 35, 48, 126, 312, 1500, 2000]
DONE_FORMS = ["exact", "exact", "exact", "rounded", "near", "about_pre"]
"""A reported count: mostly exact, sometimes rounded the way reports round ("10余名", "近2000人")."""


def count_text(rng: random.Random, unit: str, planned: bool) -> str:
    n = rng.choice(PLAN_NUMBERS if planned else DONE_NUMBERS)
    return FORMS[rng.choice(PLAN_FORMS if planned else DONE_FORMS)](rng, n, unit)


@dataclass
class Builder:
    """Concatenates text pieces and records the labelled ones as spans (with target-of / value-of)."""

    text: str = ""
    spans: list[dict] = field(default_factory=list)
    relations: list[dict] = field(default_factory=list)

    def add(self, piece: str, label: str | None = None, metric: str | None = None, **more: str) -> int:
        """Append `piece`; when it has a `label`, record it as a span with `metric` and `more` attributes (unit,
        direction, period) and return its index."""
        start = len(self.text)
        self.text += piece
        if label is None:
            return -1
        attrs = ({"metric": metric} if metric else {}) | more
        self.spans.append({"start": start, "end": len(self.text), "label": label, "text": piece, "attrs": attrs})
        return len(self.spans) - 1

    def relate(self, head: int, tail: int, kind: str) -> None:
        self.relations.append({"head": head, "tail": tail, "type": kind})

    def row(self, doc_id: str, index: int, kind: str, source: str) -> dict:
        """The sentence as a line in the gold format (annotations/README.md), of its own made-up document."""
        return {
            "doc_id": doc_id,
            "source": source,
            "kind": kind,
            "section_path": "synthetic",
            "page": None,
            "sentence_id": f"{doc_id}-{index:04d}",
            "origin": "synthetic",
            "text": self.text,
            "spans": self.spans,
            "relations": self.relations,
            "reviewed": True,
        }


def item(rng: random.Random, b: Builder, planned: bool, verb_first: bool) -> None:
    """One counted activity: "开展3次应急演练" (count before) or "举办培训班2期" (count after)."""
    verbs, unit, activities = rng.choice(GROUPS)
    activity = rng.choice(activities)
    verb = rng.choice(verbs)
    count = count_text(rng, unit, planned)
    label, metric, relation = ("TARGET", None, "target-of") if planned else ("QUANTITY", None, "value-of")
    b.add(verb)
    if verb_first and unit in ("次", "期", "场", "篇", "份", "个"):
        value = b.add(count, label, metric)
        subject = b.add(activity, "SUBJECT")
    else:
        subject = b.add(activity, "SUBJECT")
        value = b.add(count, label, metric)
    b.relate(value, subject, relation)


def sentence(rng: random.Random, planned: bool) -> Builder:
    b = Builder()
    b.add(rng.choice(LEADS) if planned else rng.choice(DONE_LEADS))
    b.add(rng.choice(PLAN_CUES) if planned else rng.choice(DONE_CUES))
    for k in range(rng.choice([1, 1, 1, 2, 3])):
        if k:
            b.add(rng.choice(["，", "、", "，"]))
        item(rng, b, planned, verb_first=rng.random() < 0.5)
    b.add(rng.choice(ENDINGS))
    return b


def generate(n_plans: int, n_reports: int, seed: int) -> list[dict]:
    rng = random.Random(seed)
    rows, seen = [], set()
    kinds = [True] * n_plans + [False] * n_reports
    rng.shuffle(kinds)
    for planned in kinds:
        b = sentence(rng, planned)
        while b.text in seen:
            b = sentence(rng, planned)
        seen.add(b.text)
        rows.append(b.row(DOC_ID, len(rows), "部门预算" if planned else "部门决算", "scripts/make_synthetic_sentences.py"))
    return rows


def write_rows(rows: list[dict], out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--plans", type=int, default=240)
    ap.add_argument("--reports", type=int, default=120)
    ap.add_argument("--seed", type=int, default=20261121)
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)
    rows = generate(args.plans, args.reports, args.seed)
    write_rows(rows, args.out)
    print(f"{len(rows)} sentences ({args.plans} plans, {args.reports} reports) → {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
