"""Narrative checks N001–N008: each with a passing and a failing example built from printed sentences."""

from __future__ import annotations

from conftest import SAMPLE, parsed
from extract.model import Document, DocumentKind, DocumentMeta, FindingStatus, NarrativeSentence
from extract.reconcile import run_checks
from extract.records.build import TaggedSentence, document_records
from span_helpers import spans_of


def tagged(sentence_id: str, text: str, *items: tuple[str, str], section: str = "一、收入支出决算总体情况说明") -> TaggedSentence:
    return TaggedSentence(sentence_id, text, spans_of(text, *items), section)


def statuses(doc: Document, prefix: str) -> list[FindingStatus]:
    return [f.status for f in run_checks(doc, only=[prefix])]


def doc_with(*sentences: TaggedSentence, kind: DocumentKind = DocumentKind.FINAL_ACCOUNTS) -> Document:
    return Document(
        doc_id="t",
        path="t.pdf",
        meta=DocumentMeta(kind=kind),
        records=document_records(sentences),
        sentences=[NarrativeSentence(sentence_id=s.sentence_id, section_path=s.section_path, text=s.text) for s in sentences],
    )


def change_sentence(rate: str, word: str = "增加") -> TaggedSentence:
    text = f"社会保障和就业支出决算数914.04万元，较上年决算{word}136.59万元，增长{rate}。"
    return tagged(
        "s1", text, ("SUBJECT", "社会保障和就业支出"), ("AMOUNT", "914.04万元"), ("AMOUNT", "136.59万元"), ("PERCENT", rate)
    )


def test_n002_change_rate_recomputed() -> None:
    # 136.59 / (914.04 − 136.59) = 17.57 %
    assert statuses(doc_with(change_sentence("17.6%")), "N002") == [FindingStatus.CONSISTENT]
    assert statuses(doc_with(change_sentence("19.6%")), "N002") == [FindingStatus.INCONSISTENT]


def test_n002_catches_a_flipped_comparison_word() -> None:
    text = "卫生健康支出决算数133.93万元，较上年决算增加3.48万元，下降2.5%。"
    flipped = tagged(
        "s1",
        text.replace("下降", "增长"),
        ("SUBJECT", "卫生健康支出"),
        ("AMOUNT", "133.93万元"),
        ("AMOUNT", "3.48万元"),
        ("PERCENT", "2.5%"),
    )
    # as printed in the 大同 决算 the change is a 减少: 3.48 / (133.93 + 3.48) = 2.53 %
    right = tagged(
        "s1",
        text.replace("增加", "减少"),
        ("SUBJECT", "卫生健康支出"),
        ("AMOUNT", "133.93万元"),
        ("AMOUNT", "3.48万元"),
        ("PERCENT", "2.5%"),
    )
    assert statuses(doc_with(right), "N002") == [FindingStatus.CONSISTENT]
    assert statuses(doc_with(flipped), "N002") == [FindingStatus.INCONSISTENT]


def share_sentences(share: str) -> list[TaggedSentence]:
    first = "本年收入合计58,092,159.16元。"
    second = f"财政拨款收入56,882,241.80元，占{share}。"
    return [
        tagged("s1", first, ("SUBJECT", "本年收入合计"), ("AMOUNT", "58,092,159.16元")),
        tagged("s2", second, ("SUBJECT", "财政拨款收入"), ("AMOUNT", "56,882,241.80元"), ("PERCENT", share)),
    ]


def test_n003_share_recomputed() -> None:
    assert statuses(doc_with(*share_sentences("97.92%")), "N003") == [FindingStatus.CONSISTENT]
    assert statuses(doc_with(*share_sentences("79.92%")), "N003") == [FindingStatus.INCONSISTENT]


def completion_sentence(rate: str) -> TaggedSentence:
    text = f"农林水支出年初预算300万元，决算数274.08万元，完成年初预算的{rate}。"
    return tagged("s1", text, ("SUBJECT", "农林水支出"), ("AMOUNT", "300万元"), ("AMOUNT", "274.08万元"), ("PERCENT", rate))


def test_n004_completion_rate_recomputed() -> None:
    assert statuses(doc_with(completion_sentence("91.36%")), "N004") == [FindingStatus.CONSISTENT]
    assert statuses(doc_with(completion_sentence("93.36%")), "N004") == [FindingStatus.INCONSISTENT]


def test_n001_narrative_amount_against_the_tables() -> None:
    """The sample's narrative restates its tables; a restated amount changed by one digit is caught."""
    doc = parsed(SAMPLE).model_copy(deep=True)
    n001 = run_checks(doc, only=["N001"])
    assert n001 and all(f.status == FindingStatus.CONSISTENT for f in n001)
    record = next(r for r in doc.records if r.subject == "本年收入合计" and r.label == "AMOUNT")
    record.value_yuan += 900.0
    changed = [f for f in run_checks(doc, only=["N001"]) if f.status == FindingStatus.INCONSISTENT]
    assert len(changed) == 1
    assert changed[0].evidence[0].page == record.page and changed[0].evidence[1].table_id
    assert "本年收入合计" in changed[0].message_zh


def test_n002_direction_words_that_contradict_each_other() -> None:
    text = "单位预留机动经费预算为1,886.02万元，与上年相比{0}728.39万元，增长62.92%。"
    items = (("SUBJECT", "单位预留机动经费"), ("AMOUNT", "1,886.02万元"), ("AMOUNT", "728.39万元"), ("PERCENT", "62.92%"))
    # 728.39 / (1,886.02 − 728.39) = 62.92 %
    assert statuses(doc_with(tagged("s1", text.format("增加"), *items)), "N002") == [FindingStatus.CONSISTENT]
    findings = run_checks(doc_with(tagged("s1", text.format("减少"), *items)), only=["N002"])
    assert [f.status for f in findings] == [FindingStatus.INCONSISTENT]
    assert "减少728.39万元" in str(findings[0].found)


def two_levels(rate: str, word: str) -> TaggedSentence:
    text = f"2022年当年预算执行数为6.75万元，2023年预算安排9.00万元，比2022年预算执行数{word}{rate}。"
    return tagged("s1", text, ("AMOUNT", "6.75万元"), ("AMOUNT", "9.00万元"), ("PERCENT", rate))


def test_n002_rate_between_two_stated_levels() -> None:
    """The base is the level the comparison names (执行数), whichever order the two are printed in."""
    assert statuses(doc_with(two_levels("33.33%", "增加")), "N002") == [FindingStatus.CONSISTENT]
    assert statuses(doc_with(two_levels("33.33%", "减少")), "N002") == [FindingStatus.INCONSISTENT]
    assert statuses(doc_with(two_levels("25.00%", "增加")), "N002") == [FindingStatus.INCONSISTENT]


def listed(total: str) -> list[TaggedSentence]:
    return [
        tagged("s1", f"收入预算总计{total}万元。", ("SUBJECT", "收入预算总计"), ("AMOUNT", f"{total}万元")),
        tagged("s2", "包括："),
        tagged("s3", "1.一般公共预算收入13,297.11万元。", ("SUBJECT", "一般公共预算收入"), ("AMOUNT", "13,297.11万元")),
        tagged("s4", "2.其他资金收入80万元。", ("SUBJECT", "其他资金收入"), ("AMOUNT", "80万元")),
    ]


def test_n005_listed_parts_cannot_exceed_their_whole() -> None:
    assert statuses(doc_with(*listed("13,377.11")), "N005") == [FindingStatus.CONSISTENT]
    assert statuses(doc_with(*listed("13,371.11")), "N005") == [FindingStatus.INCONSISTENT]
    # a list may leave parts out: falling short is no finding of inconsistency
    assert statuses(doc_with(*listed("13,477.11")), "N005") == [FindingStatus.CONSISTENT]


def test_n005_parts_whose_shares_make_100_percent_must_add_up() -> None:
    text = "财政拨款支出总计为{0}万元，其中基本支出199,015.13万元，占总支出的83.94%；项目支出38,084.87万元，占总支出的16.06%。"

    def doc(total: str) -> Document:
        t = text.format(total)
        return doc_with(
            tagged(
                "s1",
                t,
                ("SUBJECT", "财政拨款支出总计"),
                ("AMOUNT", f"{total}万元"),
                ("SUBJECT", "基本支出"),
                ("AMOUNT", "199,015.13万元"),
                ("PERCENT", "83.94%"),
                ("SUBJECT", "项目支出"),
                ("AMOUNT", "38,084.87万元"),
                ("PERCENT", "16.06%"),
            )
        )

    assert statuses(doc("237,100.00"), "N005") == [FindingStatus.CONSISTENT]
    assert statuses(doc("237,105.00"), "N005") == [FindingStatus.INCONSISTENT]


def changes(word: str) -> list[TaggedSentence]:
    first = "支出总计457,676.75万元，与上年相比，增加54,492.83万元。"
    second = f"其中：教育支出增加52,499.75万元，社会保障和就业支出减少196.69万元，住房保障支出{word}2,189.77万元。"
    return [
        tagged("s1", first, ("SUBJECT", "支出总计"), ("AMOUNT", "457,676.75万元"), ("AMOUNT", "54,492.83万元")),
        tagged(
            "s2",
            second,
            ("SUBJECT", "教育支出"),
            ("AMOUNT", "52,499.75万元"),
            ("SUBJECT", "社会保障和就业支出"),
            ("AMOUNT", "196.69万元"),
            ("SUBJECT", "住房保障支出"),
            ("AMOUNT", "2,189.77万元"),
        ),
    ]


def test_n006_listed_changes_add_up_with_their_signs() -> None:
    # 52,499.75 − 196.69 + 2,189.77 = 54,492.83
    assert statuses(doc_with(*changes("增加")), "N006") == [FindingStatus.CONSISTENT]
    flipped = run_checks(doc_with(*changes("减少")), only=["N006"])
    assert [f.status for f in flipped] == [FindingStatus.INCONSISTENT]
    assert "住房保障支出" in flipped[0].message_zh


def comparison(word: str) -> list[TaggedSentence]:
    first = "“三公”经费财政拨款支出预算为36.55万元，支出决算为33.48万元，完成预算的91.60%。"
    return [
        tagged(
            "s1",
            first,
            ("SUBJECT", "“三公”经费财政拨款支出"),
            ("AMOUNT", "36.55万元"),
            ("AMOUNT", "33.48万元"),
            ("PERCENT", "91.60%"),
        ),
        tagged("s2", f"决算数{word}预算数的主要原因是厉行节约。", ("REASON", "主要原因是厉行节约")),
    ]


def test_n007_stated_comparison_holds() -> None:
    assert statuses(doc_with(*comparison("小于")), "N007") == [FindingStatus.CONSISTENT]
    assert statuses(doc_with(*comparison("大于")), "N007") == [FindingStatus.INCONSISTENT]


def restated(amount: str, total: str = "本年支出预算合计") -> list[TaggedSentence]:
    return [
        tagged("s1", f"此外，基本支出预算数为{amount}万元。", ("SUBJECT", "基本支出"), ("AMOUNT", f"{amount}万元")),
        tagged(
            "s2",
            f"{total}13,377.11万元，其中：基本支出6,522.75万元，占48.76%。",
            ("SUBJECT", total),
            ("AMOUNT", "13,377.11万元"),
            ("SUBJECT", "基本支出"),
            ("AMOUNT", "6,522.75万元"),
            ("PERCENT", "48.76%"),
        ),
    ]


def test_n008_an_amount_restated_the_same_way() -> None:
    budget = DocumentKind.BUDGET  # an amount stated as such is a 预算数 there, as "基本支出预算数" says
    assert statuses(doc_with(*restated("6,522.75"), kind=budget), "N008") == [FindingStatus.CONSISTENT]
    assert statuses(doc_with(*restated("6,525.75"), kind=budget), "N008") == [FindingStatus.INCONSISTENT]
    # a part of a budget total is a 预算数 in any document (GUIDELINES §3: 其中 items take the total's metric)
    assert statuses(doc_with(*restated("6,525.75")), "N008") == [FindingStatus.INCONSISTENT]
    # in 决算 a bare part of a plain total is a 决算数: not the same figure as a 预算数
    assert statuses(doc_with(*restated("6,525.75", total="本年支出合计")), "N008") == []


def reasoned(word: str) -> list[TaggedSentence]:
    return [
        tagged(
            "s1",
            "住房保障（类）支出2,247.04万元，与上年相比增加747.78万元，增长49.88%。",
            ("SUBJECT", "住房保障（类）支出"),
            ("AMOUNT", "2,247.04万元"),
            ("AMOUNT", "747.78万元"),
            ("PERCENT", "49.88%"),
        ),
        tagged(
            "s2",
            f"主要原因是住房公积金和提租补贴基数调整，支出{word}。",
            ("REASON", f"主要原因是住房公积金和提租补贴基数调整，支出{word}"),
        ),
    ]


def test_n009_reason_restating_the_direction_agrees() -> None:
    assert statuses(doc_with(*reasoned("增加")), "N009") == [FindingStatus.CONSISTENT]
    assert statuses(doc_with(*reasoned("减少")), "N009") == [FindingStatus.INCONSISTENT]


def test_n005_numbered_list_opened_by_its_first_item() -> None:
    """ "其中：（一）…。（二）…。（三）…。" — the items after the first one belong to the list too."""

    def doc(abroad: str) -> Document:
        return doc_with(
            tagged("s1", "“三公”经费预算数为10.81万元，比2025年预算持平。", ("SUBJECT", "“三公”经费"), ("AMOUNT", "10.81万元")),
            tagged(
                "s2", f"其中：（一）因公出国（境）费{abroad}万元。", ("SUBJECT", "因公出国（境）费"), ("AMOUNT", f"{abroad}万元")
            ),
            tagged("s3", "（二）公务用车购置及运行费9.98万元。", ("SUBJECT", "公务用车购置及运行费"), ("AMOUNT", "9.98万元")),
            tagged("s4", "（三）公务接待费0.83万元。", ("SUBJECT", "公务接待费"), ("AMOUNT", "0.83万元")),
            kind=DocumentKind.BUDGET,
        )

    assert statuses(doc("0"), "N005") == [FindingStatus.CONSISTENT]
    assert statuses(doc("6"), "N005") == [FindingStatus.INCONSISTENT]


def test_n005_a_closing_total_without_its_own_subject_is_not_a_part() -> None:
    """ "…，合计1170.00万。" restates the whole; a tagger may give that 合计 no subject, so the record would
    carry the last item's name — the word before the value still marks it."""
    text = "项目总预算{0}万，其中支持企业规模化发展870.00万，支持企业国际化发展300.00万，合计1170.00万。"

    def doc(total: str) -> Document:
        t = text.format(total)
        return doc_with(
            tagged(
                "s1",
                t,
                ("SUBJECT", "项目总预算"),
                ("AMOUNT", f"{total}万"),
                ("SUBJECT", "支持企业规模化发展"),
                ("AMOUNT", "870.00万"),
                ("SUBJECT", "支持企业国际化发展"),
                ("AMOUNT", "300.00万"),
                ("AMOUNT", "1170.00万"),
            )
        )

    assert statuses(doc("1170.00"), "N005") == [FindingStatus.CONSISTENT]
    assert statuses(doc("1100.00"), "N005") == [FindingStatus.INCONSISTENT]
