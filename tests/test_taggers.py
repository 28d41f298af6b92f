"""What every trained tagger must do (`extract/tag/base.py` contract), on realistic sentences, for each
committed backend whose optional dependencies are installed; and the shared BIO decoding."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

from extract.tag import crf_tagger, sklearn_tagger
from extract.tag.base import BACKENDS, Tagger, load_tagger, model_dir, read_meta
from extract.tag.bio import char_tags, spans_from_tags, tag_names, viterbi
from extract.tag.features import char_features
from extract.tag.spans import FLAT_LABELS, Span, load_split
from span_helpers import by_label, exact, spans_of

NEEDS = {"sklearn": "sklearn", "crf": "pycrfsuite", "spacy": "spacy", "transformer": "torch"}


def _tagger(backend: str) -> Tagger:
    if importlib.util.find_spec(NEEDS[backend]) is None:
        pytest.skip(f"{NEEDS[backend]} is not installed (budgetlens[{backend}])")
    if not (model_dir(backend) / "meta.json").is_file():
        pytest.skip(f"models/tagger-{backend} is not trained")
    return load_tagger(backend)


@pytest.fixture(params=sorted(BACKENDS), scope="module")
def tagger(request: pytest.FixtureRequest) -> Tagger:
    return _tagger(request.param)


def test_committed_model_meta_and_size(tagger: Tagger) -> None:
    folder = model_dir(tagger.backend)
    meta = read_meta(folder)
    assert meta["backend"] == tagger.backend and meta["version"] == tagger.version
    assert set(meta["labels"]) == {*FLAT_LABELS, "REASON"}
    assert sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) < 50 * 1024 * 1024


def test_amounts_and_percent_with_exact_offsets(tagger: Tagger) -> None:
    text = "社会保障和就业支出年初预算559.63万元，决算数914.04万元，完成年初预算的163.3%。"
    (spans,) = tagger.predict([text])
    assert by_label(spans, "AMOUNT") == [exact(text, "559.63万元"), exact(text, "914.04万元")]
    assert by_label(spans, "PERCENT") == [exact(text, "163.3%")]
    assert exact(text, "社会保障和就业支出") in by_label(spans, "SUBJECT")
    assert spans == sorted(spans, key=lambda s: s.start)
    assert all(text[s.start : s.end] == s.text and 0.0 < s.confidence <= 1.0 for s in spans)


def test_reason_and_change(tagger: Tagger) -> None:
    text = "一般公共预算财政拨款支出较上年增加36.5万元，增长12.3%，主要原因是新增人员工资及社保缴费基数调整。"
    (spans,) = tagger.predict([text])
    reasons = [s for s in spans if s.label == "REASON"]
    assert [(s.start, s.end) for s in reasons] == [(text.index("主要原因是"), text.index("。"))]
    assert 0.5 <= reasons[0].confidence <= 1.0
    assert exact(text, "36.5万元") in by_label(spans, "AMOUNT")
    assert exact(text, "12.3%") in by_label(spans, "PERCENT")


def test_sentence_without_values_and_empty_input(tagger: Tagger) -> None:
    spans = tagger.predict(["负责安全生产综合监督管理和工矿商贸行业安全生产监督管理工作。", ""])
    assert [[s for s in sentence if s.label != "SUBJECT"] for sentence in spans] == [[], []]
    assert spans[1] == [] and tagger.predict([]) == []


def test_viterbi_never_opens_a_span_with_i() -> None:
    tags = tag_names(FLAT_LABELS)
    logp = np.log(np.full((3, len(tags)), 0.01))
    logp[:, tags.index("I-AMOUNT")] = np.log(0.9)  # per-character argmax would be I I I
    logp[0, tags.index("B-AMOUNT")] = np.log(0.05)
    assert [tags[i] for i in viterbi(logp, tags)] == ["B-AMOUNT", "I-AMOUNT", "I-AMOUNT"]
    assert viterbi(np.zeros((0, len(tags))), tags) == []


def test_bio_round_trip_drops_overlaps_and_edge_spaces() -> None:
    text = "基本支出 1797.04万元 "
    spans = [Span(0, 4, "SUBJECT", "基本支出"), Span(4, 14, "AMOUNT", text[4:14]), Span(2, 6, "AMOUNT", text[2:6])]
    decoded = spans_from_tags(text, char_tags(text, spans))
    assert [(s.start, s.end, s.label) for s in decoded] == [(0, 4, "SUBJECT"), (5, 14, "AMOUNT")]


@pytest.mark.parametrize("module", [sklearn_tagger, crf_tagger], ids=["sklearn", "crf"])
def test_tiny_model_save_load_round_trip(module: ModuleType, tmp_path: Path) -> None:
    train = [e for e in load_split("train") if e.spans][:40]
    tagger = module.train(train, [], {"max_iter": 50, "max_iterations": 50})
    texts = [e.text for e in train[:6]] + ["主要原因是人员增资。"]
    before = tagger.predict(texts)
    tagger.save(tmp_path / "tiny")
    loaded = load_tagger(tmp_path / "tiny")
    assert (loaded.backend, loaded.version) == (tagger.backend, module.VERSION)
    assert loaded.predict(texts) == before
    assert tagger.predict(texts) == before  # still usable after saving
    assert any(s.label == "AMOUNT" for spans in before for s in spans)
    trained_in = getattr(tagger, "folder", None)
    assert trained_in is None or trained_in == tmp_path / "tiny"  # the CRF's temporary training folder is gone


def test_window_features_see_parts_of_speech_and_the_count_before() -> None:
    text = "市县两级抽调149名监管专员，实行常态化监管"
    feats = char_features(text)
    noun = feats[text.index("专员")]
    assert "num_behind=0" in noun and "num_ahead=none" in noun
    assert any(f.startswith("p=n") for f in noun)
    assert "p=v" in feats[text.index("实行")]
    assert "num_behind=none" in feats[0]


def test_a_value_left_without_subject_gets_the_likeliest_one_before_it() -> None:
    text = "调拨帐篷810顶，年度会议费预算支出12万元，比上年增加2万元。"
    spans = spans_of(text, ("SUBJECT", "帐篷"), ("QUANTITY", "810顶"), ("AMOUNT", "12万元"), ("AMOUNT", "2万元"))
    stretches = crf_tagger.subjectless_stretches(text, spans)
    assert [text[a:b] for a, b in stretches] == ["年度会议费预算支出", "比上年增加"]
    begin, inside = [0.01] * len(text), [0.01] * len(text)
    begin[text.index("会议费")] = 0.6
    inside[text.index("会议费") + 1] = inside[text.index("会议费") + 2] = 0.8
    bounds = frozenset(range(len(text) + 1))
    score, i, j = crf_tagger.best_subject(begin, inside, bounds, *stretches[0])
    assert text[i:j] == "会议费" and score == pytest.approx((0.6 * 0.8 * 0.8) ** (1 / 3))
    assert crf_tagger.best_subject(begin, inside, frozenset({0, len(text)}), *stretches[0]) is None


def test_crf_adds_likely_subjects_only_where_a_value_has_none() -> None:
    tagger = _tagger("crf")
    texts = [e.text for e in load_split("dev")]
    tagger.subject_floor = 1.01
    viterbi_only = tagger.predict(texts)
    tagger.subject_floor = crf_tagger.DEFAULT_CONFIG["subject_floor"]
    recovered = tagger.predict(texts)
    added = [
        (text, s, before)
        for text, spans, before in zip(texts, recovered, viterbi_only, strict=True)
        for s in spans
        if s not in before
    ]
    assert added and all(set(before) <= set(spans) for spans, before in zip(recovered, viterbi_only, strict=True))
    for text, span, before in added:
        assert span.label == "SUBJECT" and tagger.subject_floor <= span.confidence < 1
        ((start, end),) = [(a, b) for a, b in crf_tagger.subjectless_stretches(text, before) if a <= span.start and span.end <= b]
        assert not any(s.label == "SUBJECT" and start <= s.start < end for s in before)
