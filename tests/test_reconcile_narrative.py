"""Narrative checks N001–N004: each with a passing and a failing example built from printed sentences."""

from __future__ import annotations

from conftest import SAMPLE, parsed
from extract.model import Document, FindingStatus
from extract.reconcile import run_checks
from extract.records.build import TaggedSentence, document_records
from span_helpers import spans_of


def tagged(sentence_id: str, text: str, *items: tuple[str, str], section: str = "一、收入支出决算总体情况说明") -> TaggedSentence:
    return TaggedSentence(sentence_id, text, spans_of(text, *items), section)


def statuses(doc: Document, prefix: str) -> list[FindingStatus]:
    return [f.status for f in run_checks(doc, only=[prefix])]


def doc_with(*sentences: TaggedSentence) -> Document:
    return Document(doc_id="t", path="t.pdf", records=document_records(sentences))


def change_sentence(rate: str, word: str = "增加") -> TaggedSentence:
    text = f"社会保障和就业支出决算数914.04万元，较上年决算{word}136.59万元，增长{rate}。"
    return tagged("s1", text, ("SUBJECT", "社会保障和就业支出"), ("AMOUNT", "914.04万元"), ("AMOUNT", "136.59万元"),
                  ("PERCENT", rate))


def test_n002_change_rate_recomputed() -> None:
    # 136.59 / (914.04 − 136.59) = 17.57 %
    assert statuses(doc_with(change_sentence("17.6%")), "N002") == [FindingStatus.CONSISTENT]
    assert statuses(doc_with(change_sentence("19.6%")), "N002") == [FindingStatus.INCONSISTENT]


def test_n002_catches_a_flipped_comparison_word() -> None:
    text = "卫生健康支出决算数133.93万元，较上年决算增加3.48万元，下降2.5%。"
    flipped = tagged("s1", text.replace("下降", "增长"), ("SUBJECT", "卫生健康支出"), ("AMOUNT", "133.93万元"),
                     ("AMOUNT", "3.48万元"), ("PERCENT", "2.5%"))
    # as printed in the 大同 决算 the change is a 减少: 3.48 / (133.93 + 3.48) = 2.53 %
    right = tagged("s1", text.replace("增加", "减少"), ("SUBJECT", "卫生健康支出"), ("AMOUNT", "133.93万元"),
                   ("AMOUNT", "3.48万元"), ("PERCENT", "2.5%"))
    assert statuses(doc_with(right), "N002") == [FindingStatus.CONSISTENT]
    assert statuses(doc_with(flipped), "N002") == [FindingStatus.INCONSISTENT]


def share_sentences(share: str) -> list[TaggedSentence]:
    first = "本年收入合计58,092,159.16元。"
    second = f"财政拨款收入56,882,241.80元，占{share}。"
    return [tagged("s1", first, ("SUBJECT", "本年收入合计"), ("AMOUNT", "58,092,159.16元")),
            tagged("s2", second, ("SUBJECT", "财政拨款收入"), ("AMOUNT", "56,882,241.80元"), ("PERCENT", share))]


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
