"""The transformer narrative tagger: the committed model on realistic sentences, windows over long
sentences, decoding, and a save/load round trip of a tiny model."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")

from extract.tag import transformer_tagger as tt
from extract.tag.base import load_tagger, model_dir, read_meta
from extract.tag.spans import FLAT_LABELS, load_split
from span_helpers import by_label, exact

MODEL = model_dir("transformer")
requires_model = pytest.mark.skipif(not (MODEL / "meta.json").is_file(), reason="models/tagger-transformer is not trained")


@pytest.fixture(scope="module")
def tagger() -> tt.TransformerTagger:
    return tt.load(MODEL)


def test_normalisation_is_one_to_one() -> None:
    text = "２０２２年支出１，２３４.５万元（ＡＢ）\u3000增长９.１％"
    vocab = tt.Vocab.build([text], normalize_digits=True)
    assert len(vocab.encode(text)) == len(text)
    assert tt.normalize_char("９", True) == "0" and tt.normalize_char("９", False) == "9"
    assert tt.normalize_char("％", True) == "%" and tt.normalize_char("\u3000", True) == " "
    assert vocab.encode("鑫")[0] == vocab.index[tt.UNK]


def test_windows_cover_long_text_with_overlap() -> None:
    assert tt.windows(10, 254) == [(0, 10)]
    spans = tt.windows(600, 254)
    assert spans[0] == (0, 254) and spans[-1][1] == 600
    assert all(e - s == 254 for s, e in spans)
    assert all(b[0] < a[1] for a, b in pairwise(spans))  # consecutive windows overlap


@requires_model
def test_quantities_and_an_indicator_row(tagger: tt.TransformerTagger) -> None:
    text, row = "公务用车保有量38辆，其中一般公务用车12辆。", "指标 2: 开展应急救援演练 | 6 次以上 | 8 | 5 | 5"
    spans, row_spans = tagger.predict([text, row])
    assert by_label(spans, "QUANTITY") == [exact(text, "38辆"), exact(text, "12辆")]
    assert exact(text, "一般公务用车") in by_label(spans, "SUBJECT")
    assert by_label(row_spans, "TARGET") == [exact(row, "6 次以上")]


@requires_model
def test_long_sentence_offsets_survive_windows(tagger: tt.TransformerTagger) -> None:
    item = "办公费12.5万元、印刷费3.2万元、"
    text = "公用经费支出3,315,011.55元，主要包括" + item * 40 + "差旅费8.8万元。"
    assert len(text) > 2 * tagger.max_chars
    (spans,) = tagger.predict([text])
    amounts = by_label(spans, "AMOUNT")
    assert exact(text, "3,315,011.55元") in amounts
    assert exact(text, "差旅费8.8万元".replace("差旅费", ""), len(text) - 10) in amounts
    middle = len(text) // 2
    assert exact(text, "12.5万元", middle) in amounts  # an amount only the middle windows see whole
    starts = {m for m in range(len(text)) if text.startswith(("12.5万元", "3.2万元"), m)}
    assert len(starts) == 80
    assert len([a for a in amounts if a[0] in starts]) >= 76  # a synthetic 40-fold list; allow a slip or two
    assert all(text[s.start : s.end] == s.text for s in spans)


@requires_model
def test_batches_and_empty_texts(tagger: tt.TransformerTagger) -> None:
    texts = ["", "本年支出6702万元。", "无"]
    one_by_one = [tagger.predict([t])[0] for t in texts]
    assert tagger.predict(texts) == one_by_one
    assert one_by_one[0] == [] and tagger.predict([]) == []


def test_save_load_round_trip(tmp_path: Path) -> None:
    train = [e for e in load_split("train") if e.spans][:20]
    config = {
        **tt.DEFAULT_CONFIG,
        "init_from": "",
        "hidden_size": 32,
        "num_layers": 1,
        "num_heads": 2,
        "intermediate_size": 64,
        "epochs": 2,
        "batch_size": 8,
        "verbose": False,
    }
    tagger = tt.train(train, train[:4], config)
    texts = [e.text for e in train[:6]] + ["收入预算总计24458.43万元。"]
    before = tagger.predict(texts)
    tagger.save(tmp_path / "tiny")
    meta = read_meta(tmp_path / "tiny")
    assert meta["backend"] == "transformer" and meta["version"] == tagger.version
    assert set(meta["labels"]) == {*FLAT_LABELS, "REASON"}
    assert (tmp_path / "tiny" / "model.safetensors").is_file()
    loaded = load_tagger(tmp_path / "tiny")
    assert loaded.backend == "transformer" and loaded.version == tagger.version
    assert loaded.predict(texts) == before
    assert all(s.text == t[s.start : s.end] for t, spans in zip(texts, before, strict=True) for s in spans)
