"""The spaCy narrative tagger: the committed model on realistic sentences, tokens, and a save/load round trip."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("spacy")
pytest.importorskip("jieba")

from extract.tag import spacy_tagger
from extract.tag.base import model_dir, read_meta
from extract.tag.spans import FLAT_LABELS, Span, load_split

MODEL = model_dir("spacy")
requires_model = pytest.mark.skipif(not (MODEL / "meta.json").is_file(), reason="models/tagger-spacy is not trained")


def by_label(spans: list[Span], label: str) -> list[tuple[int, int, str]]:
    return [(s.start, s.end, s.text) for s in spans if s.label == label]


def exact(text: str, part: str) -> tuple[int, int, str]:
    start = text.index(part)
    return (start, start + len(part), part)


@pytest.fixture(scope="module")
def tagger() -> spacy_tagger.SpacyTagger:
    return spacy_tagger.load(MODEL)


def test_segment_splits_jieba_words_at_span_boundaries() -> None:
    text = "公务用车保有量共38辆车，占本年支出合计的83%。"
    words = spacy_tagger.segment(text, "fine")
    assert "".join(words) == text
    assert "38" in words and "辆" in words  # jieba glues "辆车"
    assert "占" in words  # jieba glues "占本"
    assert spacy_tagger.segment(text, "char") == list(text)


def test_reason_suggester_proposes_cue_to_clause_end() -> None:
    nlp = spacy_tagger.build_nlp(spacy_tagger.DEFAULT_CONFIG)
    text = "较上年增加5万元，主要原因是新增人员，工资标准提高。"
    doc = nlp.make_doc(text)
    candidates = {doc[s:e].text for s, e in spacy_tagger.reason_candidates(doc, 100)}
    assert candidates == {"主要原因是新增人员", "主要原因是新增人员，工资标准提高"}


@requires_model
def test_committed_model_meta() -> None:
    meta = read_meta(MODEL)
    assert meta["backend"] == "spacy"
    assert set(meta["labels"]) == {*FLAT_LABELS, "REASON"}
    size = sum(p.stat().st_size for p in MODEL.rglob("*") if p.is_file())
    assert size < 50 * 1024 * 1024


@requires_model
def test_amounts_and_percent_with_exact_offsets(tagger: spacy_tagger.SpacyTagger) -> None:
    text = "社会保障和就业支出年初预算559.63万元，决算数914.04万元，完成年初预算的163.3%。"
    (spans,) = tagger.predict([text])
    assert by_label(spans, "AMOUNT") == [exact(text, "559.63万元"), exact(text, "914.04万元")]
    assert by_label(spans, "PERCENT") == [exact(text, "163.3%")]
    assert exact(text, "社会保障和就业支出") in by_label(spans, "SUBJECT")
    assert spans == sorted(spans, key=lambda s: s.start)
    assert all(text[s.start : s.end] == s.text for s in spans)


@requires_model
def test_reason_sentence(tagger: spacy_tagger.SpacyTagger) -> None:
    text = "一般公共预算财政拨款支出较上年增加36.5万元，增长12.3%，主要原因是新增人员工资及社保缴费基数调整。"
    (spans,) = tagger.predict([text])
    reasons = [s for s in spans if s.label == "REASON"]
    assert [(s.start, s.end) for s in reasons] == [(text.index("主要原因是"), text.index("。"))]
    assert 0.5 <= reasons[0].confidence <= 1.0
    assert exact(text, "36.5万元") in by_label(spans, "AMOUNT")
    assert exact(text, "12.3%") in by_label(spans, "PERCENT")


@requires_model
def test_negative_sentence_and_empty_input(tagger: spacy_tagger.SpacyTagger) -> None:
    spans = tagger.predict(["负责安全生产综合监督管理和工矿商贸行业安全生产监督管理工作。", ""])
    assert spans == [[], []]


def test_tiny_model_save_load_round_trip(tmp_path: Path) -> None:
    train = [e for e in load_split("train") if e.spans][:20]
    config = {"epochs": 2, "width": 32, "depth": 2, "embed_rows": 500, "hidden_width": 32, "patience": 5}
    tagger = spacy_tagger.train(train, train[:5], config)
    texts = [e.text for e in train[:5]] + ["主要原因是：单位2024年新成立，人员变动。"]
    before = tagger.predict(texts)
    tagger.save(tmp_path / "tagger")
    meta = read_meta(tmp_path / "tagger")
    assert meta["backend"] == "spacy" and meta["version"] == spacy_tagger.VERSION
    loaded = spacy_tagger.load(tmp_path / "tagger")
    assert (loaded.backend, loaded.version) == ("spacy", spacy_tagger.VERSION)
    after = loaded.predict(texts)
    def keys(predicted: list[list[Span]]) -> list[list[tuple]]:
        return [[(s.key, s.confidence) for s in spans] for spans in predicted]

    assert keys(after) == keys(before)
    for text, spans in zip(texts, after, strict=True):
        assert all(text[s.start : s.end] == s.text for s in spans)
