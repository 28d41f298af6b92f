"""The committed gold annotations validate, the sentence splitter keeps offsets, and the scripts that make or measure
annotations do what they say."""

from __future__ import annotations

import importlib.util
import json
import math
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest

from extract.tag import crf_tagger
from extract.tag.sentences import split_sentences
from extract.tag.spans import load_split

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "annotations" / "gold"


def _load_script(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


stats_mod = _load_script("annotation_stats")


def _rows(split: str) -> list[dict]:
    return [json.loads(line) for line in (GOLD / f"{split}.jsonl").read_text(encoding="utf-8").splitlines() if line]


def test_validator_passes_on_committed_files() -> None:
    _, errors = stats_mod.collect(GOLD)
    assert errors == []


def test_splits_are_disjoint_by_document() -> None:
    docs = {split: {r["doc_id"] for r in _rows(split)} for split in stats_mod.SPLITS}
    assert not docs["train"] & docs["dev"]
    assert not docs["train"] & docs["test"]
    assert not docs["dev"] & docs["test"]


def test_at_least_800_reviewed_sentences() -> None:
    rows = [r for split in stats_mod.SPLITS for r in _rows(split)]
    assert len(rows) >= 800
    assert all(r.get("reviewed") is True for r in rows)


MISSING_BY_DESIGN = {"dev": {"TARGET"}}
"""The dev documents (晋中 自评表, 江苏省委办公厅 预算) state no performance targets; TARGET is scored on test."""


@pytest.mark.parametrize("split", ["train", "dev", "test"])
def test_every_label_in_every_split(split: str) -> None:
    labels = {s["label"] for r in _rows(split) for s in r["spans"]}
    assert labels == set(stats_mod.LABELS) - MISSING_BY_DESIGN.get(split, set())


def test_validator_catches_bad_offsets() -> None:
    row = {
        "doc_id": "d",
        "source": "s",
        "section_path": "",
        "page": None,
        "sentence_id": "d-1",
        "reviewed": True,
        "text": "基本支出100万元",
        "spans": [{"start": 0, "end": 3, "label": "SUBJECT", "text": "基本支出", "attrs": {}}],
        "relations": [{"head": 0, "tail": 5, "type": "value-of"}],
    }
    errors = stats_mod.validate_row(row)
    assert any("offsets" in e for e in errors)
    assert any("points at no span" in e for e in errors)


def test_split_sentences_keeps_offsets_and_joins_wrapped_lines() -> None:
    text = (
        "2022年度收入合计78,897,760.75元，其中：\n财政拨款收入78,896,364.83元，占比100.00%；\n"
        "主要原因是新增人员（含“三支一扶”；人员）增资。财政部下拨中央自\n然灾害救灾资金310万。"
    )
    sentences = split_sentences(text)
    assert sentences[0].text == "2022年度收入合计78,897,760.75元，其中："
    assert sentences[1].text == "财政拨款收入78,896,364.83元，占比100.00%；"
    assert sentences[2].text == "主要原因是新增人员（含“三支一扶”；人员）增资。"
    assert sentences[3].text == "财政部下拨中央自\n然灾害救灾资金310万。"
    assert all(text[s.start : s.end] == s.text for s in sentences)


def _regenerated(script: str, name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[dict]:
    """Run a made-up-sentence script into `tmp_path`, check that it rebuilds the committed file byte for byte and that
    every line validates and belongs to no gold document; return the committed rows."""
    monkeypatch.syspath_prepend(str(ROOT / "scripts"))
    synth = _load_script(script)
    assert synth.main(["--out", str(tmp_path / name)]) == 0
    committed = ROOT / "annotations" / "synthetic" / name
    assert (tmp_path / name).read_text(encoding="utf-8") == committed.read_text(encoding="utf-8")
    rows = [json.loads(line) for line in committed.read_text(encoding="utf-8").splitlines()]
    assert [e for row in rows for e in stats_mod.validate_row(row)] == []
    gold_docs = {r["doc_id"] for split in stats_mod.SPLITS for r in _rows(split)}
    assert synth.DOC_ID not in gold_docs
    return rows


def test_synthetic_plans_are_reproducible_valid_and_train_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = _regenerated("make_synthetic_sentences", "plans.jsonl", tmp_path, monkeypatch)
    labels = {(row["kind"], s["label"]) for row in rows for s in row["spans"]}
    assert ("部门预算", "TARGET") in labels and ("部门决算", "QUANTITY") in labels
    assert ("部门决算", "TARGET") not in labels  # reports of completed work never state targets


def test_synthetic_accounts_follow_the_subject_guidelines(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = _regenerated("make_synthetic_accounts", "accounts.jsonl", tmp_path, monkeypatch)
    subjects = [s["text"] for row in rows for s in row["spans"] if s["label"] == "SUBJECT"]
    # GUIDELINES §2: no issuer, year, numbering or metric word inside a SUBJECT; level markers kept
    assert not [s for s in subjects if any(w in s for w in ("我局", "本部门", "年度", "年初预算", "决算", "（一）"))]
    assert any(s.endswith("（项）") or s.endswith("(项)") for s in subjects)
    assert {"此项目", "该项目", "本项目"} <= set(subjects)  # GUIDELINES §6: anaphoric subjects
    # every value is tied to a SUBJECT of its own sentence, and 分别 lists pair in order
    for row in rows:
        values = {i for i, s in enumerate(row["spans"]) if s["label"] in ("AMOUNT", "PERCENT", "QUANTITY", "TARGET")}
        linked = {r["head"] for r in row["relations"] if row["spans"][r["tail"]]["label"] == "SUBJECT"}
        assert values == linked, row["text"]
    paired = next(row for row in rows if "分别为" in row["text"])
    names = [s["text"] for s in paired["spans"] if s["label"] == "SUBJECT"]
    assert [paired["spans"][r["tail"]]["text"] for r in paired["relations"]] == names  # the k-th value → the k-th name


@pytest.mark.parametrize(("split", "size"), [("train", 200), ("test", 380)])
def test_agreement_annotation_covers_the_documented_sample(monkeypatch: pytest.MonkeyPatch, split: str, size: int) -> None:
    """The committed second annotation (annotations/agreement/) is of exactly the sentences `agreement.py sample` draws
    (20 per train document; the whole test split), and every one of its commands still applies to the gold text."""
    monkeypatch.syspath_prepend(str(ROOT / "scripts"))
    agreement = _load_script("agreement")
    examples, spans = agreement.second_annotation(split)
    drawn = [ex.sentence_id for part in agreement.sample(split, 20 if split == "train" else None) for ex in part]
    assert len(drawn) == size
    assert sorted(ex.sentence_id for ex in examples) == sorted(drawn)
    for ex, theirs in zip(examples, spans, strict=True):
        assert all(ex.text[s.start : s.end] == s.text and s.label in stats_mod.LABELS for s in theirs)


def test_learning_curve_scores_a_document_subset_and_fits_a_log_curve(monkeypatch: pytest.MonkeyPatch) -> None:
    """`learning_curve.py` trains on exactly the documents drawn and scores on test; its fit skips the run without real
    sentences and recovers a curve it is given."""
    monkeypatch.syspath_prepend(str(ROOT / "scripts"))
    curve = _load_script("learning_curve")
    train, test = load_split("train"), load_split("test")
    sizes = Counter(ex.doc_id for ex in train)
    smallest = min(sizes, key=sizes.__getitem__)
    config = {**crf_tagger.DEFAULT_CONFIG, "max_iterations": 5}
    point = curve.score_subset(crf_tagger, config, [smallest], train, [], [], test[:80])
    assert (point.documents, point.sentences) == ((smallest,), sizes[smallest])
    assert 0 < point.all_f1 <= 1 and 0 <= point.subject_f1 <= 1 and 0 <= point.record_recall <= 1

    made_up = [curve.Point(("x",), n, 0.40 + 0.05 * math.log(n), 0.0, 0.0) for n in (100, 400, 1600)]
    a, b = curve.log_fit([*made_up, curve.Point((), 0, 0.9, 0.0, 0.0)], "subject_f1")
    assert a == pytest.approx(0.40) and b == pytest.approx(0.05)
