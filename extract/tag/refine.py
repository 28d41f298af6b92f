"""Rules applied to any tagger's spans, for what a model trained on sentences cannot know or was never
shown: the section a sentence sits in, computations printed in 绩效 tables, and subject edges.

**Plans.** A count is a QUANTITY when the text reports it ("全年共开展检查23次") and a TARGET when it is planned
(GUIDELINES.md §2). Inside one sentence the taggers see the plan cues (计划/预计/拟/力争…), but a
budget's work plan mostly states its targets bare — under "三、2019年部门主要工作任务及目标" the
sentence "举办讲座7期" is a plan only because of the heading above it. So a count that the tagger calls a
QUANTITY becomes a TARGET when the sentence sits in a plan section of a budget. Reports of past work in
a 决算 or 绩效自评 ("2020年重点工作完成情况") are never plans. Outside a plan a TARGET always carries its
comparator ("不少于4次", "95%以上", "达到100%"), so a bare count or percent the tagger calls a TARGET outside an
indicator row ("聘请专家10余名", "重点工作支出100%") is read as the QUANTITY or PERCENT it is.

**Printed computations.** 绩效自评表 rows show how a rate was computed: "在职人员216/编制数236*100%=91.53%".
Only the result after "=" is a stated value (a PERCENT); the operands and the "*100%" factor are
arithmetic, and a tagger that never saw a formula reads them as amounts or targets.

**Comparators.** A value with a comparator printed against it ("≥98%", "不少于6次", "95%以上") is a TARGET, the
comparator included (GUIDELINES.md §2; no train or dev value has one outside its span), while taggers often stop at
the number or leave "以上" as a span of its own.

**Indicator rows.** In a 绩效 table row ("在职人员控制率 | 3 | 3.00 | …=91.53% | 3.00") the indicator is the
last cell with words (and no category header) before the cell of the first value; a tagger trained mostly on prose
often leaves it out, so when no SUBJECT stands in a cell before that one the indicator's cell becomes the SUBJECT
(without an "指标 1:" number). Where the row gives a bare value right after the name and another value after it
("重点工作办结率 | 100% | 100% | 5 | 5"), the first is the 年度指标值, a TARGET.

**Counts.** GUIDELINES.md §2 makes every count with a measure word a QUANTITY ("94座", "约8380亩", "700余人"),
except ordinals (第15个), indicator weights in headers ("产出指标 (50分)") and the deductions of scoring rules
("每少1人扣0.5分"). That is a surface rule; the CRF, which weighs its transitions against every such number it
saw left unannotated, misses about a third of them on new documents, so a count no span covers is added, and one of
the exceptions it calls a QUANTITY is dropped. A count printed before its noun takes the noun as its SUBJECT (§6), so
where the tagger named nothing in the count's clause and the noun is the rest of the clause ("组织2-3次委员集中视察，"),
the noun becomes one.

**Verbs, issuers, rates (GUIDELINES §6, round eleven).** In prose the verb that reports what was done to the item,
the issuer or place before it and a 各类/各项 qualifier are no part of the SUBJECT ("申请自然灾害救灾资金" → 自然灾害救灾资金,
"市本级投资" → 投资), unless the rest is a generic word (投入资金, 各项指标); a table row keeps its printed name. The noun a
count counts ends at the verb that governs what follows it ("对94座生产建设煤矿|实行…"), so a SUBJECT the tagger ran on
from a count over that verb is cut there, and one run on over a comma into a clause opened by a verb is two names. A
rate that opens a percent's clause is its SUBJECT ("预算调整率为104%"), a lone 率 after a SUBJECT is the end of its name
("结转结余|率为"), and items listed each before its value name it ("事业编制170名,实有160人") when the tagger named nothing.
A rate word after a sum of money is the percent's metric ("基本支出完成率 100%" → 基本支出); a rate of anything else is an
indicator's name and stays ("清单编制完成率100%"). A SUBJECT that is only a generic word takes in the verb before it
("涉及|资金" → 涉及资金).

**What a clause names on its own (§6, from train's out-of-fold misses).** Where the tagger named nothing: 支出 / 共计支出
alone in a clause after a comma is the amount's SUBJECT ("公务接待11次，支出1.37万元"); what a score is given for, before 得分
("指标完成情况得分 77 分"; not 绩效自评 / 总, the act of scoring); a rate opening a target's clause ("预算执行率小于 80%");
a project's name alone in a sentence's first clause ("森林防火工作经费，绩效自评得分94.47分"); 该项目 / 此项目 / 本项目
where the sentence names the project only so; the 各项指标 a sentence says were completed, for its 完成率 / 执行率; a
total score's project ("…经费项目绩效自评价结果为：总得分 94.47 分"); and the words alone before a target in its clause
("续航1小时以上").

**Classification chains.** A 功能分类 line is named by its whole chain, level markers and codes included
("住房保障支出（221类）住房改革支出（02款）购房补贴（03项）", GUIDELINES.md §2); taggers often break it at a marker or
stop before the last one, so SUBJECT pieces of one chain are joined and a SUBJECT runs on over the markers after it.
Levels may be joined by dashes ("卫生健康支出(类）-公共卫生（款）-…"); a chain cut inside a level's name is widened back
to its first level, without the quote opened before it.

**Listed names.** Names listed before one value are one SUBJECT ("伙食补助费、绩效工资130.26万元",
"开展危险化学品、煤矿、非煤矿山、地震等专项演练至少1次", GUIDELINES.md §5); taggers tend to keep only the last item, so
a SUBJECT preceded by "A、B、" (or "A、B等") in its clause takes the list in — not where the clause splits the values
over the items (分别/各), and not over a list numbering ("（一）、"); SUBJECTs the tagger gave each item of such a list
("人才安家补助、住房补助2人") are joined the same way. The other way round, names listed before as many values
listed the same way are paired in order (§5: "全市生产安全事故起数、死亡人数、受伤人数较上年下降 5.1%、 9.8%、36.4%" → three
SUBJECTs), so a SUBJECT over such a list is split at its 、, and names listed before 分别 and as many values are taken in
to be paired — but not before 各, where the names are fused in print ("收、支总计各增加…"); single characters listed
before a name are that fused name even before 各.

**Forms of disclosures published elsewhere (§6, round thirteen, read from the web blind set's dev part).** Numbers
listed before one unit are one value each ("各是4125.49，4143.91万元"); a percent no span covers is added; the purpose of an
amount that opens its clause names it ("30万元用于…；"), and so do 收、支 before 与…相比, "X为N" alone in a clause and a
change named in a cause; a fee's 支出, 因公出国's （境）费, a measure noun, 采购 and the fund before 三公经费 belong to the name;
run-in headings, the unit before 现有/内设, 本单位, an issuer named with its place, 共计, 具体是, a trailing 为 and a comparison
(较上年) do not, and a sum word, a spending verb or a bracketed change word alone names nothing. All of it is read on the
sentence without a text layer's spacing (`extract.tag.spacing`).

**Header cells.** The first cells of a 绩效 table row are category headers ("满意度指标 (10分)", "社会效益指标"), never
the indicator a value belongs to: a SUBJECT in a row that ends in 指标 is dropped.

**Subject edges.** A SUBJECT never ends in the change word, the metric word (预算支出, 预算金额, 决算数…) or the 得
of a score ("工作自标明确得3分") that follows it, nor starts with punctuation, "主要包括" or the verb of having in front of
it (GUIDELINES.md §2: "事业收入增加974.61万元" → 事业收入; "公务接待费预算支出116.5万元" → 公务接待费; "另有国家级教学团队6个"
→ 国家级教学团队), nor ends in 安排资金 or an adverb before the value (共, 已, 约: "出国团组共0个"), nor starts with 相比 / 同比
or 的 ("与上年相比收、支预算总计", "170人的疫情应急分队"), nor holds a colon (the label before it is a heading:
"成本指标：安全生产经费"), nor starts with the tail of a heading run into the sentence ("…完成情况分析群众满意度98%")
or of a year ("2020年本年收入合计"); character taggers sometimes run over either edge. A budget table's total line is one name
(§2: 收支总预算, 本年支出预算合计), so a SUBJECT that stops before its 预算… runs on over it. It ends where a purpose
begins ("该项目用于化学品应急救援演练的费用" → 该项目, GUIDELINES.md §6: a purpose clause never names the item), and it
closes a bracket it opens ("部门（单位" → 部门（单位）).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from itertools import pairwise

from extract.tag.patterns import NUMBER, PATTERNS
from extract.tag.spacing import compact, onto_compact, restore
from extract.tag.spans import VALUE_LABELS, Span

BUDGET_KINDS = frozenset({"部门预算", "单位预算"})
FORMULA = re.compile(r"\d[\d.,]*\s*[*×]\s*100\s*%\s*=\s*(?P<result>-?\d[\d.,]*\s*%)")
CELL_MARKS = ("|", "：", ":", "；", "，", ",")
SUBJECT_TAIL = re.compile(
    r"(?:增加|减少|增长|下降|达到|[、，,；;]|(?<=[）)])[:：]\s*支出"
    r"|(?<=[\u4e00-\u9fff]{2})(?:(?<![获取])得|(?<![总饱缓调平温共柔])和|(?<![涉普以遍危])及)"
    r"|(?<=[\u4e00-\u9fff）)]{2})(?<!基金)(?<!经营)(?<!一般公共)(?<!财政拨款)(?:预算支出|预算金额|预算数|决算数|决算总额|执行数|年初预算|全年预算)"
    r"|(?<=[\u4e00-\u9fff]{2})安排(?:资金)?|(?<=[\u4e00-\u9fff]{2})(?<!公)(?:总)?共|(?<=[\u4e00-\u9fff]{2})[已约]|(?<=[\u4e00-\u9fff）)]{2})(?<!行)为"
    r"|(?<=[\u4e00-\u9fff]{2})(?:较|比|与|同)(?:上年|去年|上一?年度|同期|\d{4}\s*年度?)(?:决算|预算)?数?(?:相比)?)$"
)
"""A change word, a list or clause mark, ":支出" after a 类/款/项 marker, the 得 of a score ("工作自标明确得3分"), a
conjunction ("聘请119名煤炭专家和50名…": the tagger ran on into 和), or a metric word printed after the item (安排资金 too:
"基本支出安排资金1804.16万元" → 基本支出), or an adverb before the value ("出国团组共0个", "38个一般台已完成", "办公用品约 15
万元": 约 is the value's, §2), or the comparison the change after it is made against ("收支较上年决算数增加", §2), or the 为
before its value ("因公出国（境）费为0万元") — but
预算支出 of a fund's name (一般公共预算支出, 政府性基金预算支出) and a metric word that is all the subject there is
("涉及预算金额175.52万元") stay."""
TOTAL_LINE = re.compile(r"(?:(?<=总)预算|预算(?:合计|总计))(?=\s*[\d:：为是])")
"""The rest of a budget table's total line printed after a SUBJECT the tagger cut short ("收支总|预算557,259.13万元",
"支出|预算合计 13,377.11 万元"): GUIDELINES §2 keeps 收支总预算 / 支出预算合计 whole, with the 本年 before them."""
CLAUSE_NAME = re.compile(r"\s*(?P<name>[\u4e00-\u9fff\d]{2,10}?)\s*(?:约|近)?\s*")
ITEM_MARKS = "，,；;。：:|、"
CLAUSE_CLOSE = re.compile(r"\s*(?:[，,；;。、]|$)")
CLAUSE_GAP = re.compile(r"\s*[，,；;、]\s*")
NOT_A_NAME = re.compile(
    rf"{PATTERNS['change_word'].pattern}|{PATTERNS['metric_word'].pattern.replace('|占|', '|占(?!地)|')}"
    rf"|{PATTERNS['comparison'].pattern}|预算|决算|支出|支付|实际|其中|合计|共计|累计|总计|差值|差额|约|达|已|[为是]$"
)
"""Words that open a clause as its metric ("支出决算为", "实际支付", "完成率", 占 — but 占地 is land), a change, a comparison
or a sum, not an item."""
RATE_NAME = re.compile(r"\s*(?P<name>[\u4e00-\u9fff]{3,10}率)\s*(?:为|是|达到|达)?\s*")
SPENT_NAME = re.compile(r"\s*(?P<name>(?:共计)?支出)\s*(?:为)?\s*")
"""An amount word that is all a clause names ("…公务接待11次，支出1.37万元"): the SUBJECT (§6, as 采购金额)."""
STATED_NAME = re.compile(r"\s*(?P<name>[\u4e00-\u9fff“”（）()]{2,12}?)\s*(?:为|是)\s*")
"""A clause that only names an item and states its value ("…，国内公务接待批次为520个"): the name is the SUBJECT."""
CHANGED_IN_CAUSE = re.compile(
    rf"\s*(?:主要(?:原因)?(?:是|为)?[:：]?|由于|因)\s*(?P<name>[\u4e00-\u9fff“”（）()]{{2,14}}?)\s*"
    rf"(?:{PATTERNS['change_word'].pattern})了?\s*"
)
"""A change named inside a cause ("收入增加124.29万元，主要是一般公共预算拨款减少0.98万元"): what changed is its SUBJECT, named in
the cause (GUIDELINES §2: spans inside a REASON)."""
SCORED_ITEM = re.compile(r"\s*(?:(?:综合)?考虑)?\s*(?P<name>[\u4e00-\u9fff]{2,12}?)\s*得分\s*(?:为)?\s*")
"""What a score is given for, printed before 得分 in the score's clause ("指标完成情况得分 85 分")."""
OPENING_NAME = re.compile(
    r"(?:[\dA-Z]+\s*[.．、]\s*|[（(][一二三四五六七八九十\d]+[)）]\s*)?(?P<name>[^，,；;。：:、\d\s|（()）]{2,30}?(?:经费|费|项目|资金))\s*[，,]"
)
"""A sentence that opens with a project's name on its own ("森林防火工作经费，绩效自评得分94.47分，…")."""
ANAPHOR = re.compile(r"[该此本]项目")
"""The project a sentence is about, named only by reference (§6: "该项目年初预算资金为 20 万元" → 该项目)."""
RATE_CLAUSE = re.compile(r"\s*(?:完成|执行)率\s*(?:为|是|达到|达)?\s*")
COMPLETED_ITEMS = re.compile(r"(?P<name>各[项类][\u4e00-\u9fff]{2,4}?)(?:都|均)?(?:全部|基本)?完成")
"""What a sentence says was completed, with a quantifier that makes it every item ("各项指标全部完成…，完成率100%")."""
EVALUATED_PROJECT = re.compile(
    r"\s*(?P<name>[^，,；;。：:|]{2,40}?)\s*项目绩效(?:自我|自)?评价?结果为?\s*[：:]\s*总?得分\s*(?:为)?\s*"
)
"""A project's total score printed after its name ("Z 森林防火工作经费项目绩效自评价结果为：总得分 94.47 分")."""
SCORING_ACT = re.compile(r"自评|评价|[总平]")
"""An evaluation named before 得分 ("绩效自评得分", "总得分", "平均得分") is the act of scoring, not the item scored."""
LONE_RATE = re.compile(r"[率度](?![\u4e00-\u9fff])|[率度](?=[为是达])")
"""A 率 (or 度: "政策知晓|度为100%") printed right after a SUBJECT on its own is the end of the name, not a metric word
("结转结余率为14.19%"; the metric words 控制率, 执行率 … have two characters or more: "公用经费|控制率85.37%")."""
FUND_BEFORE = re.compile(r"(?:一般公共预算|政府性基金预算|国有资本经营预算)(?:财政拨款)?$")
THREE_PUBLIC = re.compile(r"“?三公")
RUN_IN_HEAD = re.compile(
    r"(?:.*(?:情况(?:说明|分析)?|构成[）)]?|机构设置)(?=[\u4e00-\u9fff“]{2}))?"
    r"(?:(?:[\u4e00-\u9fff（）()]{2,20}?(?:现有|内设|下设|设有)|[我本](?:单位|校|院|局|镇|部门|中心)(?![（(])"
    r"|[\u4e00-\u9fff]{2,8}?[省市县区州旗镇乡][\u4e00-\u9fff（）()]{0,16}?"
    r"(?:委员会|联合会|人民政府|办事处|管委会|局|委|医院|卫生院|中心|学校|中学|小学|幼儿园|学院|大学))(?=[\u4e00-\u9fff“]{2}))?"
)
"""A heading run into the sentence (…机构设置情况（部门决算单位构成）), the unit that has what follows
("马关镇中心卫生院现有|职工", "我单位|在编人数") and the issuer, named with its place ("六安市工商业联合会|国内公务接待",
"红河州第二人民医院|国家基本公共卫生服务项目州级补助资金"; GUIDELINES §2): no part of a SUBJECT (`trim_subjects`)."""
NOT_AN_ITEM = re.compile(r"累计|共计|合计|总计|(?:拨付)?(?:使用|支付|发放)|[（(]?(?:增加|减少|增长|下降)[）)]?")
"""A sum word or a verb of spending alone names no item ("…团组0个，累计|0人次", "拨付使用|16.20万元")."""
MEASURE_NOUN = re.compile(r"(?:保有量|数量|人数|次数|批次|人次|采购)(?=\s*(?:为|是|共|达)?\s*\d)")
ABROAD = re.compile(r"[（(]境[）)](?:费用|经费|费)?(?:支出)?")
"""The rest of 因公出国（境）费 after a SUBJECT cut at its bracket ("因公出国|（境）经费2022年预算安排0万元")."""
SPENDING_OF_FEE = re.compile(r"支出(?=\s*(?:共计|合计|总计|[决预]算数?)?\s*(?:为|比|较)?\s*\d)")
PURPOSE = re.compile(r"(?:主要)?用于")
"""What an amount is spent on ("用于行政事业单位医疗支出") describes it; the subject was named before it, if at all
("该项目用于化学品应急救援演练的费用" → 该项目: GUIDELINES §6)."""
PURPOSE_CLAUSE = re.compile(r"\s*(?:主要)?用于(?P<name>[^，,；;。：:\d|]{2,25})(?=[；;。]|$)")
"""An amount's purpose that ends its clause ("30万元用于基建工程项目审计；")."""
UNCLOSED = re.compile(r"[（(][^）)]*$")
UNOPENED_QUOTE = re.compile(r"[^“]*”")
UNCLOSED_QUOTE = re.compile(r"“[^”]*$")
BRACKET_CLOSE = re.compile(r"[^（(）)，,；;。：:|]{0,15}[）)]")
SUBJECT_HEAD = re.compile(
    r"^(?:.*[：:])?(?:[；;，,、。\s]+|另有|建有|现有|共有|获|主要包括|(?:完成)?情况(?:分析)?|年(?![初末度底中内])|相比|同比|的"
    r"|(?:部门|单位)[预决]算(?=总?(?:收入|支出))|共计(?!支出$)|具体(?:是|为))?"
)
"""What a SUBJECT never starts with: a label before a colon ("成本指标：安全生产经费"), punctuation, the verb of having, the
end of a run-in heading ("…指标完成情况分析群众满意度") or of a year ("2020年本年收入合计"), the end of a comparison (§2:
"与上年相比收、支预算总计" → 收、支预算总计), the 的 that ties it to what comes before ("9支170人的疫情应急分队"), the kind of
document before its income or spending, a metric word ("单位预算收入5212.91万元" → 收入, 预算数), or 共计 / 具体是
("共计接待217人次"; 共计支出 alone is a name, §6)."""
MEASURES = "立方米|㎡|m²|m³|公里|千米|张|册|间|篇|栋|吨"
COUNT = re.compile(rf"(?:约|近)?(?:\d+\s*[-~～至]\s*)?(?:{PATTERNS['count'].pattern}|{NUMBER}\s*(?:门|{MEASURES}))(?:余|多)?")
"""A count with its measure word (and 门 of courses: "国家级一流本科课程23门", and the `MEASURES` of works and
facilities: "占地面积61076㎡", "编制床位72张"), an approximation ("约8380亩", "700余人") or a
range ("2-3次")."""
PERCENT_VALUE = re.compile(rf"(?<![\d*×/])(?<![*×/]\s){NUMBER}\s*[%％](?!\s*=)")
APPROXIMATELY = re.compile(r"(?:约|近)\s*$")
NOT_A_COUNT_BEFORE = re.compile(r"(?:第|[（(]|扣|每(?:少|下降|增加|减少)?)\s*$")
"""An ordinal, a weight in a header "(50分)", a scoring rule's deduction "扣0.5分" / "每少1人"."""
ROW_CELL = re.compile(r"[^|]+")
CELL_WORDS = re.compile(r"[\u4e00-\u9fff]{2}")
COMPARATOR_BEFORE = re.compile(r"(?:[≥≤＞＜]|\\[gl]eq|大于等于|小于等于|不低于|不少于|不超过|不高于|至少|大于|小于)\s*$")
COMPARATOR_AFTER = re.compile(r"\s*(?:及以上|以上|以下|以内)")
"""Comparators printed against a value. 达到 is not one: it reports a result as often as it states a target."""
REACH_BEFORE = re.compile(r"达到\s*$")
SCORE_AFTER = re.compile(r"\s*(?:以上)?的?\s*得(?:满分|\s*\d)")
"""达到 before a value that a score follows: a scoring rule's threshold ("达到 100%得满分"), not a result."""
INDICATOR_NUMBER = re.compile(r"^指标\s*\d+\s*[:：]\s*")
CELL_NUMBER = re.compile(r"[:：]\s*[\d.,]+\s*$")
TARGET_QUALIFIER = re.compile(rf"{PATTERNS['comparator'].pattern}|\\[gl]eq|各|每")
REPORTED_ACTION = (
    r"(?:举办|举行|开展|组织|接待|采购|申请|编辑出版|出版|编印|编写|征编|办好|推动创建|推动|创建|抽调|录入|配备|聘请|投入|"
    r"拨付|发放|落实|组建|整合|治理|销号|召开|印发|新增|争取|完成|收到|下达)"
)
"""Verbs that report what was done to an item; in prose they are not part of its name (GUIDELINES §2, round eleven:
"举办委员学习研讨班2-3期" → 委员学习研讨班). 购置 and 支付 are not among them: they open printed line names (购置车辆)."""
ADVERB = r"(?:共|累计|及时|规范)*"
ISSUER = rf"(?:[\u4e00-\u9fff]{{1,3}}[省市县区](?={ADVERB}{REPORTED_ACTION})|[省市县区]本级|市县两级|我[校局院市县区镇])"
ACTION_HEAD = re.compile(rf"(?:{ISSUER}|{ADVERB}{REPORTED_ACTION}(?:并|和)?|各[类项种])+")
"""What opens a SUBJECT in prose without naming the item: the issuer, a place or a level before a reported action
(和顺县|投入资金, 市本级|投资), the action itself, and the quantifier 各类 / 各项 / 各种."""
MONEY_RATE = re.compile(r"(?<=支出|经费|资金)(?:完成|执行|控制)率$")
"""A rate word after a sum of money: the metric of the percent that follows (§6: "公用经费控制率85.37%" → 公用经费)."""
RATE_VALUE_GAP = re.compile(r"\s*(?:为|是|达到|达)?\s*")
ISSUER_HEAD = re.compile(rf"{ISSUER}?")
GENERIC_NAME = re.compile(r"(?:资金|金额|经费|费用|投资|指标|任务|工作|项目|人次|批次|人数|次数)")
"""What is left of a name that is only a generic word: the action or quantifier stays before it (投入资金, 各项指标,
接待人次)."""
ACTION_BEFORE = re.compile(rf"(?:{REPORTED_ACTION}|涉及)$")
COUNTED_NOUN_START = re.compile(r"[\u4e00-\u9fff“《]")
GOVERNING_VERB = rf"(?:{REPORTED_ACTION}|实行|进行|建立|编制|用于|实现|签订|纳入|提供)"
"""Verbs that follow the noun a count counts and govern what comes after it ("对94座生产建设煤矿|实行…")."""
GOVERNED = re.compile(rf"(?:{GOVERNING_VERB}(?:并|和)?)+")
COUNT_BEFORE = re.compile(rf"{COUNT.pattern}$")
RUN_ON_CLAUSE = re.compile(rf"[，,；;]\s*{GOVERNED.pattern}")
COUNTED_NOUN = re.compile(
    rf"(?:[^\d\s，,；;。：:、（(|了和及并与]|[（(][^（()）\d]{{1,8}}[）)]|、(?!\s*\d)){{2,14}}?"
    rf"(?={GOVERNING_VERB}|正在|已|就|将|均|[和及并与了]|、\s*\d|[，,；;。：:（(|]|$)"
)
"""The noun a count counts: from the count to the end of its clause ("组织2-3次委员集中视察，"), or to the verb, adverb,
conjunction or next count after it ("为8个产煤县|配备了", "900余个行政事业单位|和", "对12个县(区、市)|进行"); a bracket or a
list inside it stays ("地、市、县")."""
LEVEL_MARK = r"[（(]\d*[类款项][）)]"
LEVEL_MARK_RE = re.compile(LEVEL_MARK)
CHAIN_JOIN = r"\s*[-－—–]?\s*"
"""What may follow a level's marker before the next level: nothing, or a dash ("统计信息事务（款）-统计管理（项）")."""
CHAIN_GAP = re.compile(rf"{LEVEL_MARK}{CHAIN_JOIN}(?:[^，。；;：:、\d\s|]{{1,25}}?{LEVEL_MARK}{CHAIN_JOIN})?")
"""What may stand between two pieces of one classification chain: a marker, or a marker, a level's name and a marker."""
CHAIN_METRIC = re.compile(r"[)）]?\s*[:：]\s*(?:\d{4}\s*年度?)?\s*(?:预算)?")
"""Between a chain and the metric word that follows it ("儿童福利（项）: 支出决算为0.55万元",
"离退休（款）：2018 年预算支出合计")."""
CHAIN_METRIC_WORD = re.compile(r"(?:预算)?支出(?:合计|总计)?")
CHAIN_LEVEL = rf"[\u4e00-\u9fff][\u4e00-\u9fff“”]*{LEVEL_MARK}{CHAIN_JOIN}"
"""A named level of a chain; it starts with a character, so a quote opened before the chain stays out of it."""
CHAIN_BEFORE = re.compile(rf"(?:{CHAIN_LEVEL})+$")
CHAIN_BEFORE_CUT = re.compile(rf"(?:{CHAIN_LEVEL})+[\u4e00-\u9fff]+$")
"""The named levels before a chain that the tagger cut inside a level's name ("…(类）-统计|信息事务（款）…")."""
LIST_NUMBERING = r"[（(]?[一二三四五六七八九十]+[)）]?、"
LISTED_BEFORE = re.compile(rf"(?:(?!{LIST_NUMBERING})[\u4e00-\u9fff“][\u4e00-\u9fff“”（）()]*、)+[\u4e00-\u9fff“”（）()]*$")
"""Names joined by 、 (the last one may run on: "A、B等") up to where a SUBJECT starts."""
SPLIT_OVER_ITEMS = re.compile(r"分别|各")
FUSED_LIST = re.compile(r"(?:[\u4e00-\u9fff]、)+")
"""Single characters listed before a name: one name fused in print ("收、支总计" is 收入总计 and 支出总计)."""
COMPARED_LIST = re.compile(rf"(?:^|(?<=[，,；;。]))(?P<name>{FUSED_LIST.pattern}[\u4e00-\u9fff](?:总计|合计)?)(?=与|较|比)")
PAIRED_GAP = re.compile(r"[^，,；;。：:|\d各]{0,12}")
"""What may stand between a list of names and the list of their values ("较上年下降", "分别为"), 各 excepted."""
LIST_JOINT = re.compile(r"\s*、\s*")
LISTED_NUMBER_MARK = re.compile(r"(?<=\d)\s*[，、]\s*(?=\d)")
NUMBER_TAIL = re.compile(r"\d[\d.,]*$")
CLAUSE_MARKS = "，,；;。：:|"
HEADER_CELL = re.compile(r"指标\s*(?:[（(]\s*\d+\s*分\s*[）)])?$")
PLAN_HEADING = re.compile(r"工作任务|工作计划|工作安排|工作目标|任务及目标|工作要点|工作思路|重点工作(?!完成|开展情况)")


def in_plan_section(kind: str, section_path: str) -> bool:
    """Whether a sentence of a document of this kind, under this section path, states planned work."""
    return kind in BUDGET_KINDS and bool(PLAN_HEADING.search(section_path))


def refine(spans: Sequence[Span], text: str, kind: str, section_path: str) -> list[Span]:
    """`refine_compact` on the text without a text layer's spacing ("基 本 支出 预 算", `extract.tag.spacing`), the spans
    put back on the printed text."""
    compacted, index = compact(text)
    if len(compacted) == len(text):
        return refine_compact(spans, text, kind, section_path)
    return restore(refine_compact(onto_compact(spans, compacted, index), compacted, kind, section_path), text, index)


def refine_compact(spans: Sequence[Span], text: str, kind: str, section_path: str) -> list[Span]:
    """The spans with computations resolved (`resolve_formulas`), counts no span covers added (`fill_counts`), values with a
    comparator read as targets (`attach_comparators`), SUBJECTs run on over a clause or a verb cut (`split_clauses`,
    `split_counted`), reported actions, issuers, quantifiers and rate words after money taken off prose SUBJECTs
    (`strip_actions`, `strip_rate_metrics`), the noun a count counts, a project named alone or by reference, a rate,
    amount word or scored item opening a value's clause, completed items and items listed before their values named
    (`opening_names`, `counted_nouns`, `named_rates`, `anaphoric_subjects`, `completed_items`, `parallel_clauses`),
    indicator rows' targets and subjects read from their cells (`row_targets`, `row_subjects`), subject edges trimmed,
    brackets and quotes closed, and a lone 率, a measure, a fee's 支出 or the fund before 三公经费 taken in (`trim_subjects`,
    `close_brackets`, `whole_names`, `fund_names`), budget total lines, classification chains and listed names made
    whole (`total_lines`, `join_chains`, `join_adjacent`, `join_listed`) unless paired with as many values
    (`split_paired`), header cells' subjects dropped (`drop_header_subjects`), the edges of the SUBJECTs so made trimmed
    again, and, where the section makes the sentence a plan, QUANTITY read as TARGET — elsewhere a TARGET without
    comparator read as the value it states (`bare_targets`)."""
    spans = attach_comparators(fill_counts(resolve_formulas(split_listed_values(spans, text), text), text), text)
    # numbers listed before one unit split first (`split_listed_values`); the purpose of an amount that opens its clause
    # (`purposes_named`) and 收、支 before a comparison (`compared_lists`) are named with the other clause names
    spans = strip_rate_metrics(strip_actions(split_counted(split_clauses(spans, text), text), text), text)
    spans = named_rates(counted_nouns(opening_names(compared_lists(spans, text), text), text), text)
    spans = parallel_clauses(completed_items(anaphoric_subjects(purposes_named(spans, text), text), text), text)
    spans = close_brackets(trim_subjects(row_subjects(row_targets(spans, text), text)), text)
    spans = join_listed(
        join_adjacent(join_chains(total_lines(whole_names(fund_names(spans, text), text), text), text), text), text
    )
    spans = trim_subjects(drop_header_subjects(split_paired(spans, text), text))  # a joined SUBJECT has new edges
    if not in_plan_section(kind, section_path):
        return bare_targets(spans, text)
    return [replace(s, label="TARGET") if s.label == "QUANTITY" else s for s in spans]


def bare_targets(spans: Sequence[Span], text: str) -> list[Span]:
    """Spans of a sentence outside a plan (and not an indicator row) with every TARGET that has no comparator or
    qualifier read as the PERCENT or QUANTITY it states."""
    if " | " in text:
        return list(spans)
    out = []
    for s in spans:
        if s.label == "TARGET" and not TARGET_QUALIFIER.search(s.text):
            if PATTERNS["percent"].fullmatch(s.text.strip()):
                s = replace(s, label="PERCENT")
            elif COUNT.fullmatch(s.text.strip()):
                s = replace(s, label="QUANTITY")
        out.append(s)
    return out


def attach_comparators(spans: Sequence[Span], text: str) -> list[Span]:
    """The spans with every value that has a comparator printed against it ("≥98%", "不少于6次", "95%以上", and 达到 in
    a scoring rule: "达到 100%得满分") read as one TARGET over both; a span over the comparator alone ("以上") goes."""
    out = list(spans)
    for s in spans:
        if s.label not in ("AMOUNT", "PERCENT", "QUANTITY"):
            continue
        before, after = COMPARATOR_BEFORE.search(text, 0, s.start), COMPARATOR_AFTER.match(text, s.end)
        if not before and SCORE_AFTER.match(text, s.end):
            before = REACH_BEFORE.search(text, 0, s.start)
        if not (before or after):
            continue
        start, end = (before.start() if before else s.start), (after.end() if after else s.end)
        out = [o for o in out if o is not s and not (o.label != "REASON" and start <= o.start and o.end <= end)]
        out.append(Span(start, end, "TARGET", text[start:end], confidence=s.confidence))
    return sorted(out, key=lambda s: (s.start, -s.end))


def strip_actions(spans: Sequence[Span], text: str) -> list[Span]:
    """The SUBJECTs of prose (not of a table row) without the issuer, place or level, the reported action and the
    quantifier that open them (`ACTION_HEAD`: "申请自然灾害救灾资金" → 自然灾害救灾资金, "采购各类应急装备" → 应急装备,
    "和顺县投入资金" → 投入资金); the action stays where the rest is only a generic word (`GENERIC_NAME`) or nothing, and a
    SUBJECT that is only a generic word takes in the action (or 涉及) printed right before it ("涉及|资金25185988元" →
    涉及资金, §6). An action left on its own right before a count ("市县两级抽调|149名|监管专员") is the count's verb,
    not its item (§6): it goes."""
    if " | " in text:
        return list(spans)
    out = []
    for s in spans:
        head = ACTION_HEAD.match(s.text) if s.label == "SUBJECT" else None
        if head:
            cut = head.end()
            if s.end - s.start - cut < 2 or GENERIC_NAME.fullmatch(s.text, cut):
                cut = ISSUER_HEAD.match(s.text).end()
            if (
                ACTION_HEAD.fullmatch(s.text, cut)
                and COUNT.match(text, s.end)
                and COUNTED_NOUN_START.match(text, COUNT.match(text, s.end).end())
            ):
                continue
            s = _widen(s, s.start + cut, s.end, text)
        elif s.label == "SUBJECT" and GENERIC_NAME.fullmatch(s.text) and (action := ACTION_BEFORE.search(text, 0, s.start)):
            s = _widen(s, action.start(), s.end, text)
        out.append(s)
    return out


def strip_rate_metrics(spans: Sequence[Span], text: str) -> list[Span]:
    """The SUBJECTs of prose without the rate word that is the metric of the percent right after them (`MONEY_RATE`:
    "基本支出完成率 100%" → 基本支出, "“三公”经费控制率为 100%" → “三公”经费); a rate of anything else is an indicator's name
    and stays ("清单编制完成率100%", §6), and so does a table row's printed name."""
    if " | " in text:
        return list(spans)
    out = []
    for s in spans:
        rate = MONEY_RATE.search(s.text) if s.label == "SUBJECT" else None
        if rate and any(v.label == "PERCENT" and RATE_VALUE_GAP.fullmatch(text, s.end, v.start) for v in spans):
            s = _widen(s, s.start, s.start + rate.start(), text)
        out.append(s)
    return out


def split_clauses(spans: Sequence[Span], text: str) -> list[Span]:
    """The spans with every SUBJECT that runs on over a clause mark into a clause opened by a verb cut there, into the
    name before the mark and the one after the verb ("专兼职应急救援队伍,编制完成总体预案及专项预案" → 专兼职应急救援队伍,
    总体预案及专项预案); a piece under two characters goes."""
    out = []
    for s in spans:
        run_on = RUN_ON_CLAUSE.search(s.text) if s.label == "SUBJECT" else None
        if run_on is None:
            out.append(s)
            continue
        pieces = ((s.start, s.start + run_on.start()), (s.start + run_on.end(), s.end))
        out += [_widen(s, start, end, text) for start, end in pieces if end - start >= 2]
    return out


def split_counted(spans: Sequence[Span], text: str) -> list[Span]:
    """The spans with every SUBJECT that opens right after a count and runs on over a verb cut before the verb: the
    noun the count counts ("76家|大中型企业建立了紧密的…" → 大中型企业). What follows the verb is the SUBJECT of the value
    printed right after it ("3支|市属森林草原扑火专业队申请并落实补助经费|200万元" → 市属森林草原扑火专业队, 补助经费)."""
    out = []
    for s in spans:
        verb = GOVERNED.search(s.text, 2) if s.label == "SUBJECT" and COUNT_BEFORE.search(text, 0, s.start) else None
        if verb is None:
            out.append(s)
            continue
        out.append(_widen(s, s.start, s.start + verb.start(), text))
        if s.end - s.start - verb.end() >= 2 and any(v.start == s.end and v.label in VALUE_LABELS for v in spans):
            out.append(_widen(s, s.start + verb.end(), s.end, text))
    return out


def named_rates(spans: Sequence[Span], text: str) -> list[Span]:
    """The spans with the rate that opens a percent's (or a target's) clause as its SUBJECT where the tagger named nothing
    in that clause ("预算调整率为104%", "预算执行率小于 80%…的得 5 分": §6, a rate named on its own is the SUBJECT), and so the
    amount word 支出 / 共计支出 that is all a clause after a comma names ("公务接待11次，支出1.37万元"; not after a colon,
    where a line's name stands before it) and what a score is given for, named before its 得分 ("综合考虑预算执行情况得分 6.13 分"
    → 预算执行情况; not an act of scoring: "绩效自评得分95分", but the project a total score is printed after:
    `EVALUATED_PROJECT`)."""
    out = list(spans)
    for s in spans:
        clause_start = max(text.rfind(mark, 0, s.start) for mark in CLAUSE_MARKS) + 1
        named = RATE_NAME.fullmatch(text, clause_start, s.start) if s.label in ("PERCENT", "TARGET") else None
        if s.label == "AMOUNT" and clause_start > 0 and text[clause_start - 1] in "，,；;":
            named = SPENT_NAME.fullmatch(text, clause_start, s.start)
        if named is None and s.label in ("AMOUNT", "QUANTITY") and clause_start > 0 and text[clause_start - 1] in "，,；;":
            named = STATED_NAME.fullmatch(text, clause_start, s.start)
            named = named if named and not NOT_A_NAME.search(named.group("name")) else None
        if named is None and s.label in ("AMOUNT", "QUANTITY"):
            named = CHANGED_IN_CAUSE.fullmatch(text, clause_start, s.start)
            named = named if named and not PATTERNS["change_word"].search(named.group("name")) else None
        if s.label == "QUANTITY" and s.text.rstrip().endswith("分"):
            named = SCORED_ITEM.fullmatch(text, clause_start, s.start)
            named = named if named and not SCORING_ACT.search(named.group("name")) else None
            if named is None:
                clause_start = max(text.rfind(mark, 0, clause_start - 1) for mark in CLAUSE_MARKS) + 1
                named = EVALUATED_PROJECT.fullmatch(text, clause_start, s.start)
        if named and not _touches([o for o in out if o.label != "REASON"], clause_start, s.start):
            out.append(Span(named.start("name"), named.end("name"), "SUBJECT", named.group("name"), confidence=0.5))
    return sorted(out, key=lambda s: (s.start, -s.end))


def compared_lists(spans: Sequence[Span], text: str) -> list[Span]:
    """The spans with single characters listed before a comparison as the SUBJECT of the changes after it ("收、支与2023年度
    相比，减少304.01万元" → 收、支: 收入 and 支出, fused in print), where the tagger named nothing there."""
    out = list(spans)
    for m in COMPARED_LIST.finditer(text):
        if not _touches(out, m.start("name"), m.end("name")):
            out.append(Span(m.start("name"), m.end("name"), "SUBJECT", m.group("name"), confidence=0.5))
    return sorted(out, key=lambda s: (s.start, -s.end))


def opening_names(spans: Sequence[Span], text: str) -> list[Span]:
    """The spans with the project named on its own in a sentence's first clause (`OPENING_NAME`: "核灾救灾工作经费，绩效自评
    得分94.47分") as a SUBJECT, where the tagger named nothing there and the next clause states a value without naming
    anything: the sentence is about that project."""
    opening = OPENING_NAME.match(text)
    if opening is None or _touches(spans, 0, opening.end()):
        return list(spans)
    clause_end = _clause_end(text, opening.end())
    stated = any(s.label in VALUE_LABELS and s.end <= clause_end for s in spans)
    named = any(s.label == "SUBJECT" and s.start < clause_end for s in spans)
    if not stated or named:
        return list(spans)
    name = Span(opening.start("name"), opening.end("name"), "SUBJECT", opening.group("name"), confidence=0.5)
    return sorted([*spans, name], key=lambda s: (s.start, -s.end))


def purposes_named(spans: Sequence[Span], text: str) -> list[Span]:
    """The spans with what an amount is for as its SUBJECT where the amount opens its clause and the purpose ends it
    ("其中：30万元用于基建工程项目审计；" → 基建工程项目审计, §6): nothing else names the money. Where a name stands
    before the amount, the purpose describes it and names nothing ("该项目用于…的费用" → 该项目)."""
    out = list(spans)
    for s in spans:
        clause_start = max(text.rfind(mark, 0, s.start) for mark in CLAUSE_MARKS) + 1
        purpose = PURPOSE_CLAUSE.match(text, s.end) if s.label == "AMOUNT" else None
        if purpose is None or text[clause_start : s.start].strip() or _touches(out, s.end, purpose.end()):
            continue
        out.append(Span(purpose.start("name"), purpose.end("name"), "SUBJECT", purpose.group("name"), confidence=0.5))
    return sorted(out, key=lambda s: (s.start, -s.end))


def anaphoric_subjects(spans: Sequence[Span], text: str) -> list[Span]:
    """The spans with the first 该项目 / 此项目 / 本项目 of a sentence as a SUBJECT (`ANAPHOR`, GUIDELINES §6) where no span
    covers it and the tagger named nothing before it (the sentence names the project only so) nor between it and the
    next value ("此项目是我局与系统维护公司签订的维保合同，…，
    年初预算控制数为170万元")."""
    anaphor = ANAPHOR.search(text)
    if anaphor is None or _touches(spans, anaphor.start(), anaphor.end()):
        return list(spans)
    if any(s.label == "SUBJECT" and s.end <= anaphor.start() for s in spans):
        return list(spans)  # the project is named before: that name is the SUBJECT
    values = _values_after(spans, anaphor.end())
    if not values or any(s.label == "SUBJECT" and anaphor.end() <= s.start < values[0].start for s in spans):
        return list(spans)
    name = Span(anaphor.start(), anaphor.end(), "SUBJECT", anaphor.group(), confidence=0.5)
    return sorted([*spans, name], key=lambda s: (s.start, -s.end))


def completed_items(spans: Sequence[Span], text: str) -> list[Span]:
    """The spans with the items a sentence says were completed (`COMPLETED_ITEMS`: "各项指标全部完成并基本达到预期效果，
    完成率100%" → 各项指标, kept whole as §6 keeps 各项指标) as the SUBJECT of a completion or execution rate that opens
    its own clause, where the tagger named nothing before the rate."""
    out = list(spans)
    for s in spans:
        clause_start = max(text.rfind(mark, 0, s.start) for mark in CLAUSE_MARKS) + 1
        if s.label != "PERCENT" or not RATE_CLAUSE.fullmatch(text, clause_start, s.start):
            continue
        items = COMPLETED_ITEMS.search(text, 0, clause_start)
        if items and not any(o.label == "SUBJECT" and o.start < s.start for o in out):
            out.append(Span(items.start("name"), items.end("name"), "SUBJECT", items.group("name"), confidence=0.5))
    return sorted(out, key=lambda s: (s.start, -s.end))


def parallel_clauses(spans: Sequence[Span], text: str) -> list[Span]:
    """The spans with the words that open a clause (or a 、 item) as the SUBJECT of the value that closes it, where it is
    only those words and the value, the tagger named nothing in it, and one next to it has the same shape and a value of
    the same kind: a list of items, each named before its value ("事业编制170名,实有160人", "一季度10.36%，二季度21.51%",
    "国家级一流本科课程23门、重庆市一流本科课程221门") — or the value is a target: an indicator named before its target
    ("可持续影响：可持续使用3年以上，", "续航1小时以上"); metric, change and sum words name no item (`NOT_A_NAME`)."""
    shaped: dict[int, re.Match[str]] = {}
    values = sorted((s for s in spans if s.label in VALUE_LABELS), key=lambda s: s.start)
    for k, v in enumerate(values):
        clause_start = max(text.rfind(mark, 0, v.start) for mark in ITEM_MARKS) + 1
        words = CLAUSE_NAME.fullmatch(text, clause_start, v.start)
        if words and CLAUSE_CLOSE.match(text, v.end):
            shaped[k] = words
    out = list(spans)
    for k, words in shaped.items():
        parallel = [
            j
            for j in (k - 1, k + 1)
            if j in shaped
            and _unit(values[j]) == _unit(values[k])
            and CLAUSE_GAP.fullmatch(text, values[min(j, k)].end, shaped[max(j, k)].start("name"))
        ]
        name = words.group("name")
        if (
            (parallel or values[k].label == "TARGET")
            and not NOT_A_NAME.search(name)
            and not _touches([o for o in out if o.label != "REASON"], words.start("name"), words.end("name"))
        ):
            out.append(Span(words.start("name"), words.end("name"), "SUBJECT", name, confidence=0.5))
    return sorted(out, key=lambda s: (s.start, -s.end))


def _unit(value: Span) -> str:
    """What kind of value a span states (money, a percent, a count): values listed alike are of one kind."""
    return next((name for name in ("money", "percent") if PATTERNS[name].fullmatch(value.text.strip())), "count")


def counted_nouns(spans: Sequence[Span], text: str) -> list[Span]:
    """The spans with the noun a count counts as a SUBJECT (GUIDELINES §6: "抽调149名监管专员" → 监管专员) where the tagger
    named nothing right after the count (`COUNTED_NOUN`: "组织2-3次委员集中视察，", "对94座生产建设煤矿|实行…") and the count
    does not follow its own name ("正高级职称795人"); a score (分) counts nothing."""
    out = list(spans)
    for s in spans:
        if s.label not in ("QUANTITY", "TARGET") or not COUNT.fullmatch(s.text.strip()) or re.match(r"\d{7}", s.text):
            continue
        if s.text.rstrip().endswith("分"):
            continue
        noun = COUNTED_NOUN.match(text, s.end)
        if (
            noun
            and not _touches([o for o in out if o.label != "REASON"], noun.start(), noun.end())
            and not any(o.label == "SUBJECT" and o.end == s.start for o in out)
        ):
            out.append(Span(noun.start(), noun.end(), "SUBJECT", noun.group(), confidence=0.5))
    return sorted(out, key=lambda s: (s.start, -s.end))


def row_targets(spans: Sequence[Span], text: str) -> list[Span]:
    """The spans of an indicator row ("重点工作办结率 | 100% | 100% | 5 | 5") with its first value read as the TARGET
    (年度指标值) when it fills the cell right after the indicator's name and the next cell holds a number too (实际完成值).
    Other text, and a row whose first value runs over a cell's edge (a tagger's error), is returned as it is."""
    first = min((s for s in spans if s.label in VALUE_LABELS), key=lambda s: s.start, default=None)
    if " | " not in text or first is None or first.label not in ("PERCENT", "QUANTITY"):
        return list(spans)
    cells = list(ROW_CELL.finditer(text))
    i = next((k for k, m in enumerate(cells) if m.start() <= first.start and first.end <= m.end()), None)
    if (
        i is not None
        and 0 < i < len(cells) - 1
        and cells[i].group().strip() == first.text.strip()
        and CELL_WORDS.search(cells[i - 1].group())
        and re.match(r"\s*[\d.]", cells[i + 1].group())
    ):
        return [replace(s, label="TARGET") if s is first else s for s in spans]
    return list(spans)


def resolve_formulas(spans: Sequence[Span], text: str) -> list[Span]:
    """Spans of a text with every "operands*100%=result%" computation read as one PERCENT, its result:
    spans over the operands (from the cell's start: the last "|" or clause mark before it) are dropped."""
    out = list(spans)
    for m in FORMULA.finditer(text):
        cell_start = max(text.rfind(mark, 0, m.start()) for mark in CELL_MARKS) + 1
        result_start, result_end = m.span("result")
        out = [s for s in out if s.label == "REASON" or s.end <= cell_start or s.start >= result_end]
        out.append(Span(result_start, result_end, "PERCENT", text[result_start:result_end]))
    return sorted(out, key=lambda s: (s.start, -s.end))


def split_listed_values(spans: Sequence[Span], text: str) -> list[Span]:
    """Spans of a text with a value the tagger ran over a list of numbers that share one unit ("收、支总计各是4125.49，
    4143.91万元") cut into one value per number (GUIDELINES §2: the unit printed once belongs to each)."""
    out = []
    for s in spans:
        mark = LISTED_NUMBER_MARK.search(s.text) if s.label in ("AMOUNT", "PERCENT") else None
        if mark is None:
            out.append(s)
            continue
        cut, after = s.start + mark.start(), s.start + mark.end()
        first = NUMBER_TAIL.search(text, 0, cut).start()
        out = [o for o in out if o.label == "REASON" or o.end <= first]
        out += [
            Span(first, cut, s.label, text[first:cut], s.confidence),
            Span(after, s.end, s.label, text[after : s.end], s.confidence),
        ]
    return sorted(out, key=lambda s: (s.start, -s.end))


def fill_counts(spans: Sequence[Span], text: str) -> list[Span]:
    """The spans with two counts run together split ("10批200多人次" → "10批", "200多人次") and an approximation printed
    before a count taken in ("约|8,347亩" → 约8,347亩, GUIDELINES §2: the qualifier is the value's), plus a QUANTITY for
    every count with a measure word that no span (other than a REASON) touches; ordinals, header weights,
    scoring-rule deductions and phone-number-like digit runs are left out, and dropped where the tagger called
    them a QUANTITY. So is a PERCENT added for every percent no span touches (every percent of the gold is a value,
    but the factor of a printed computation, "…*100%=")."""
    out = [
        piece
        for s in spans
        if not (s.label == "QUANTITY" and NOT_A_COUNT_BEFORE.search(text, 0, s.start))
        for piece in _split_counts(s)
    ]
    out = [
        _widen(s, about.start(), s.end, text)
        if s.label in ("QUANTITY", "TARGET") and (about := APPROXIMATELY.search(text, 0, s.start))
        else s
        for s in out
    ]
    for m in COUNT.finditer(text):
        start, end = m.span()
        if NOT_A_COUNT_BEFORE.search(text, 0, start) or re.match(r"\d{7}", m.group()):
            continue
        if start > 0 and (text[start - 1].isdigit() or text[start - 1] in ".,"):
            continue
        if _touches([s for s in out if s.label != "REASON"], start, end):
            continue
        out.append(Span(start, end, "QUANTITY", m.group(), confidence=0.5))
    for m in PERCENT_VALUE.finditer(text):
        start, end = m.span()
        if not (start > 0 and text[start - 1] in ".,") and not _touches([s for s in out if s.label != "REASON"], start, end):
            out.append(Span(start, end, "PERCENT", m.group(), confidence=0.5))
    return sorted(out, key=lambda s: (s.start, -s.end))


def _split_counts(span: Span) -> list[Span]:
    """A count span that is exactly two or more counts back to back, as one span per count."""
    if span.label not in ("QUANTITY", "TARGET"):
        return [span]
    parts = list(COUNT.finditer(span.text))
    if (
        len(parts) < 2
        or parts[0].start() != 0
        or parts[-1].end() != len(span.text)
        or any(a.end() != b.start() for a, b in pairwise(parts))
    ):
        return [span]
    return [replace(span, start=span.start + m.start(), end=span.start + m.end(), text=m.group()) for m in parts]


def row_subjects(spans: Sequence[Span], text: str) -> list[Span]:
    """The spans of a table row ("a | b | …") with its indicator named by a whole cell: a SUBJECT inside a cell
    before the row's first value is widened to the cell, and when no SUBJECT precedes that value the last
    cell with words before it becomes one. Other text is returned as it is."""
    values = [s for s in spans if s.label in VALUE_LABELS]
    if " | " not in text or not values:
        return list(spans)
    first = text.rfind("|", 0, min(s.start for s in values)) + 1  # the start of the first value's cell
    names = [
        _cell_name(m)
        for m in ROW_CELL.finditer(text)
        if m.end() <= first and CELL_WORDS.search(m.group()) and not HEADER_CELL.search(m.group().strip())
    ]
    out: list[Span] = []
    for s in spans:
        cell = next((n for n in names if n.start <= s.start and s.end <= n.end), None) if s.label == "SUBJECT" else None
        if cell is None or cell not in out:
            out.append(cell or s)
    if names and not any(s.label == "SUBJECT" and s.start < first and not HEADER_CELL.search(s.text) for s in out):
        out.append(names[-1])
    return sorted(out, key=lambda s: (s.start, -s.end))


def _cell_name(cell: re.Match[str]) -> Span:
    """A row cell as a SUBJECT span, without its "指标 1:" number, a number after a colon ("资金总额：2079.39")
    and closing punctuation."""
    name = CELL_NUMBER.sub("", INDICATOR_NUMBER.sub("", cell.group().strip())).rstrip("，,;；:：")
    start = cell.start() + cell.group().index(name)
    return Span(start, start + len(name), "SUBJECT", name)


def trim_subjects(spans: Sequence[Span]) -> list[Span]:
    """SUBJECT spans without a trailing change or metric word or leading punctuation or verb of having
    (`SUBJECT_HEAD/TAIL`, and a run-in heading or the unit before 现有/内设: `RUN_IN_HEAD`) and without a purpose
    ("用于…", `PURPOSE`): a SUBJECT that is all purpose goes — unless its value follows at once, a part named by its use
    ("（其中用于|工资福利支出为613.35万元"), and so does one that is only a sum word or a verb of spending (`NOT_AN_ITEM`:
    the value is of the item named before)."""
    out = []
    for s in spans:
        if s.label == "SUBJECT":
            use = PURPOSE.match(s.text)
            if use and any(v.label in VALUE_LABELS and 0 <= v.start - s.end <= 1 for v in spans):
                s = replace(s, start=s.start + use.end(), text=s.text[use.end() :])
            name = PURPOSE.split(s.text, maxsplit=1)[0]
            tail = SUBJECT_TAIL.search(name)
            end = s.start + (tail.start() if tail else len(name))
            head = RUN_IN_HEAD.match(name, 0, end - s.start).end()
            start = s.start + head + SUBJECT_HEAD.match(name[head : end - s.start]).end()
            if end - start < 2 or NOT_AN_ITEM.fullmatch(s.text, start - s.start, end - s.start):
                continue
            s = replace(s, start=start, end=end, text=s.text[start - s.start : end - s.start])
        out.append(s)
    return out


def close_brackets(spans: Sequence[Span], text: str) -> list[Span]:
    """SUBJECT spans that end inside a bracket they open ("部门（单位", "在职职工子女（") run on to its close when it follows
    in the same clause and no other span is in the way (`BRACKET_CLOSE`); otherwise they end before the bracket. One that
    closes a quote opened right before it takes the opening mark in ("三项培训”人员" → “三项培训”人员), and one that opens a
    quote closed right after it the closing mark ("“三公经费|”决算为" → “三公经费”)."""
    out = []
    for s in spans:
        opened = UNCLOSED.search(s.text) if s.label == "SUBJECT" else None
        if opened:
            close = BRACKET_CLOSE.match(text, s.end)
            if close and not _touches([o for o in spans if o is not s], s.end, close.end()):
                s = _widen(s, s.start, close.end(), text)
            elif opened.start() >= 2:
                s = _widen(s, s.start, s.start + opened.start(), text)
            else:
                continue
        if s.label == "SUBJECT" and UNOPENED_QUOTE.match(s.text) and text.endswith("“", 0, s.start):
            s = _widen(s, s.start - 1, s.end, text)
        if s.label == "SUBJECT" and UNCLOSED_QUOTE.search(s.text) and text.startswith("”", s.end):
            s = _widen(s, s.start, s.end + 1, text)
        out.append(s)
    return out


def fund_names(spans: Sequence[Span], text: str) -> list[Span]:
    """The spans with a 三公经费 SUBJECT run on over the fund printed right before it, as the name of the line is printed
    ("一般公共预算“三公”经费预算支出9.80万元" → 一般公共预算“三公”经费, the 一般公共预算财政拨款“三公”经费支出 table's line)."""
    out = []
    for s in spans:
        fund = FUND_BEFORE.search(text, 0, s.start) if s.label == "SUBJECT" and THREE_PUBLIC.match(s.text) else None
        out.append(_widen(s, fund.start(), s.end, text) if fund else s)
    return out


def whole_names(spans: Sequence[Span], text: str) -> list[Span]:
    """The spans with every SUBJECT that stops right before a 率 of its own name (`LONE_RATE`), before the measure its
    count is of or the 采购 of a kind of purchase (`MEASURE_NOUN`: "公务用车|保有量为2辆", "分散|采购 0 元"), or a fee's
    name before the 支出 of its line (`SPENDING_OF_FEE`: "“三公”经费|支出共计9.07万元", as the gold keeps 公务接待费支出),
    or 因公出国 before its （境）费 (`ABROAD`), run on over it."""
    out = []
    for s in spans:
        end = None
        if s.label == "SUBJECT":
            end = LONE_RATE.match(text, s.end) or MEASURE_NOUN.match(text, s.end)
            end = end or (SPENDING_OF_FEE.match(text, s.end) if s.text.endswith("费") else None)
            if end is None and s.text.endswith("出国"):
                end = ABROAD.match(text, s.end)
        out.append(_widen(s, s.start, end.end(), text) if end else s)
    return out


def total_lines(spans: Sequence[Span], text: str) -> list[Span]:
    """The spans with every SUBJECT that stops short of a budget table's total line (`TOTAL_LINE`) run on over it, and
    over the 本年 printed right before it ("本年支出预算合计")."""
    out = []
    for s in spans:
        rest = TOTAL_LINE.match(text, s.end) if s.label == "SUBJECT" else None
        if rest and not _touches([o for o in spans if o is not s], s.end, rest.end()):
            start = s.start - 2 if text.startswith("本年", s.start - 2) else s.start
            s = _widen(s, start, rest.end(), text)
        out.append(s)
    return out


def join_chains(spans: Sequence[Span], text: str) -> list[Span]:
    """The spans with the SUBJECT pieces of one 类/款/项 chain joined into one SUBJECT, which then takes in the level
    markers printed right after it and the chain of named levels right before it (`CHAIN_GAP`, `CHAIN_BEFORE`); a
    "支出" / "支出合计" after the chain's colon (and a year) is its metric word, not a second SUBJECT."""
    joined: list[Span] = []
    for s in sorted(spans, key=lambda s: (s.start, -s.end)):
        last = joined[-1] if joined else None
        if s.label == "SUBJECT" and last and last.label == "SUBJECT":
            if (
                CHAIN_METRIC_WORD.fullmatch(s.text)
                and LEVEL_MARK_RE.search(last.text)
                and CHAIN_METRIC.fullmatch(text, last.end, s.start)
            ):
                continue
            if CHAIN_GAP.fullmatch(text, last.end, s.start):
                s = _widen(joined.pop(), last.start, s.end, text)
        joined.append(s)
    out: list[Span] = []
    for s in joined:
        if s.label == "SUBJECT":
            others = [o for o in joined if o is not s and o.label != "REASON"]
            while (mark := LEVEL_MARK_RE.match(text, s.end)) and not _touches(others, s.end, mark.end()):
                s = _widen(s, s.start, mark.end(), text)
            before = CHAIN_BEFORE.search(text, 0, s.start)
            if before is None and LEVEL_MARK_RE.search(s.text):
                before = CHAIN_BEFORE_CUT.search(text, 0, s.start)
            if before and not _touches(others, before.start(), s.start):
                s = _widen(s, before.start(), s.end, text)
        out.append(s)
    return out


def join_listed(spans: Sequence[Span], text: str) -> list[Span]:
    """The spans with every SUBJECT widened over the names listed before it in its clause (`LISTED_BEFORE`), unless
    the clause splits its values over the items (分别/各) — where it lists as many values as names, the names are taken in
    for `split_paired` to pair ("生产安全事故起数、死亡人数、受伤|人数同比分别下降 5.1%、9.8%、36.4%"), and single characters
    listed before a name are that name fused in print, one SUBJECT even before 各 (`FUSED_LIST`: "收、支总计各增加…"). In
    prose the reported action before the list stays out, as `strip_actions` keeps it out of one name ("开展|危险化学品、煤矿、
    非煤矿山、地震等专项演练")."""
    out = []
    for s in spans:
        if s.label == "SUBJECT":
            before = [o.end for o in spans if o.end <= s.start and o.label != "REASON"]
            bound = max([text.rfind(mark, 0, s.start) + 1 for mark in CLAUSE_MARKS] + before)
            listed = LISTED_BEFORE.search(text, bound, s.start)
            split = SPLIT_OVER_ITEMS.search(text, s.end, _clause_end(text, s.end))
            values = _values_after(spans, s.end)
            paired = bool(listed and values and _list_length(values, text) == listed.group().count("、") + 1)
            if listed and (not split or paired or FUSED_LIST.fullmatch(listed.group())):
                action = ACTION_HEAD.match(text, listed.start()) if " | " not in text else None
                s = _widen(s, action.end() if action else listed.start(), s.end, text)
        out.append(s)
    return out


def join_adjacent(spans: Sequence[Span], text: str) -> list[Span]:
    """The spans with SUBJECTs printed one after the other with only 、 between them joined into one, where one value
    follows them and the clause does not split its values over the items ("人才安家补助、住房补助2人": the tagger named
    each item, but the text does not split the value)."""
    out: list[Span] = []
    for s in sorted(spans, key=lambda o: (o.start, o.end)):
        last = out[-1] if out else None
        if last and last.label == s.label == "SUBJECT" and text[last.end : s.start] == "、":
            values = _values_after(spans, s.end)
            single = values and _list_length(values, text) == 1
            if single and not SPLIT_OVER_ITEMS.search(text, s.end, _clause_end(text, s.end)):
                out[-1] = _widen(last, last.start, s.end, text)
                continue
        out.append(s)
    return out


def split_paired(spans: Sequence[Span], text: str) -> list[Span]:
    """The spans with every SUBJECT that lists names ("A、B、C", each of two characters or more) split into one SUBJECT
    per name where a list of exactly as many values of one label, joined by 、 too, follows it."""
    out = []
    for s in spans:
        names = s.text.split("、")
        values = _values_after(spans, s.end)
        if (
            s.label != "SUBJECT"
            or len(names) < 2
            or min(map(len, names)) < 2
            or len(values) < len(names)
            or not PAIRED_GAP.fullmatch(text, s.end, values[0].start)
            or _list_length(values, text) != len(names)
        ):
            out.append(s)
            continue
        start = s.start
        for name in names:
            out.append(_widen(s, start, start + len(name), text))
            start += len(name) + 1
    return out


def _values_after(spans: Sequence[Span], position: int) -> list[Span]:
    return sorted((o for o in spans if o.start >= position and o.label in VALUE_LABELS), key=lambda o: o.start)


def _clause_end(text: str, position: int) -> int:
    return min([i for i in (text.find(mark, position) for mark in CLAUSE_MARKS) if i >= 0] + [len(text)])


def _list_length(values: Sequence[Span], text: str) -> int:
    """How many of `values`, from the first, are of one label and joined by 、 ("5.1%、 9.8%、36.4%" → 3)."""
    length = 1
    for a, b in pairwise(values):
        if b.label != a.label or not LIST_JOINT.fullmatch(text, a.end, b.start):
            break
        length += 1
    return length


def _widen(span: Span, start: int, end: int, text: str) -> Span:
    return replace(span, start=start, end=end, text=text[start:end])


def _touches(spans: Sequence[Span], start: int, end: int) -> bool:
    return any(o.start < end and start < o.end for o in spans)


def drop_header_subjects(spans: Sequence[Span], text: str) -> list[Span]:
    """The spans of a table row without SUBJECTs that are category headers (`HEADER_CELL`); other text as it is."""
    if " | " not in text:
        return list(spans)
    return [s for s in spans if not (s.label == "SUBJECT" and HEADER_CELL.search(s.text))]
