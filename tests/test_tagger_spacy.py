"""The spaCy narrative tagger: tokens, the reason suggester, and a save/load round trip (the behaviour every
committed tagger shares is in test_taggers.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("spacy")
pytest.importorskip("jieba")

from extract.tag import spacy_tagger
from extract.tag.base import read_meta
from extract.tag.spans import Span, load_split


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
