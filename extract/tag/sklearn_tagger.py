"""The scikit-learn tagger: a per-character logistic regression over window features, decoded with
BIO constraints (Viterbi over the per-character log-probabilities, no learned transitions).

Features of character i: the characters and bigrams in a ±3 window, coarse character classes, the
surface patterns covering i-1..i+1 (`extract.tag.patterns`), and sentence context (a reason cue
earlier in the sentence, the clause index). One model per layer: the flat labels, and REASON.

Training uses scikit-learn; the saved model is plain arrays (`weights.npz` + `features.json`), so
loading and predicting need only numpy — no pickle, no dependence on the scikit-learn version.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from extract.tag.base import write_meta
from extract.tag.bio import char_tags, spans_from_tags, tag_names, viterbi
from extract.tag.features import char_features
from extract.tag.spans import FLAT_LABELS, NESTED_LABELS, Example, Span, layer

VERSION = "1.1"  # 1.1: part-of-speech and number-behind features (extract/tag/features.py)
DEFAULT_CONFIG: dict = {"C": 4.0, "min_count": 2, "max_iter": 300, "window": 3}
LAYERS = {"flat": FLAT_LABELS, "reason": NESTED_LABELS}


@dataclass
class LinearLayer:
    """One layer's model: a feature index, weights (features × tags) and biases."""

    tags: list[str]
    features: dict[str, int]
    weights: np.ndarray
    bias: np.ndarray

    def log_probs(self, feats: list[list[str]]) -> np.ndarray:
        scores = np.tile(self.bias, (len(feats), 1))
        for i, names in enumerate(feats):
            rows = [self.features[name] for name in names if name in self.features]
            if rows:
                scores[i] += self.weights[rows].sum(axis=0)
        scores -= scores.max(axis=1, keepdims=True)
        return scores - np.log(np.exp(scores).sum(axis=1, keepdims=True))

    def predict(self, text: str, feats: list[list[str]]) -> list[Span]:
        if not text:
            return []
        lp = self.log_probs(feats)
        path = viterbi(lp, self.tags)
        probs = np.exp(lp[np.arange(len(path)), path])
        return spans_from_tags(text, [self.tags[t] for t in path], probs.tolist())


class SklearnTagger:
    backend = "sklearn"
    version = VERSION

    def __init__(self, layers: dict[str, LinearLayer], window: int) -> None:
        self.layers = layers
        self.window = window

    def predict(self, texts: Sequence[str]) -> list[list[Span]]:
        out = []
        for text in texts:
            feats = char_features(text, self.window)
            spans = [s for model in self.layers.values() for s in model.predict(text, feats)]
            out.append(sorted(spans, key=lambda s: (s.start, -s.end)))
        return out

    def save(self, path: Path) -> None:
        path.mkdir(parents=True, exist_ok=True)
        arrays = {}
        for name, model in self.layers.items():
            arrays[f"{name}_weights"] = model.weights.astype(np.float32)
            arrays[f"{name}_bias"] = model.bias.astype(np.float32)
            (path / f"{name}_features.json").write_text(
                json.dumps(sorted(model.features, key=model.features.__getitem__), ensure_ascii=False), encoding="utf-8"
            )
        np.savez_compressed(path / "weights.npz", **arrays)
        write_meta(
            path,
            {
                "backend": self.backend,
                "version": self.version,
                "window": self.window,
                "labels": [*FLAT_LABELS, *NESTED_LABELS],
                "layers": {name: model.tags for name, model in self.layers.items()},
            },
        )


def load(path: Path) -> SklearnTagger:
    meta = json.loads((path / "meta.json").read_text(encoding="utf-8"))
    arrays = np.load(path / "weights.npz")
    layers = {}
    for name, tags in meta["layers"].items():
        names = json.loads((path / f"{name}_features.json").read_text(encoding="utf-8"))
        layers[name] = LinearLayer(tags, {n: i for i, n in enumerate(names)}, arrays[f"{name}_weights"], arrays[f"{name}_bias"])
    return SklearnTagger(layers, meta["window"])


def _fit_layer(examples: list[Example], labels: Sequence[str], config: dict) -> LinearLayer:
    from scipy.sparse import csr_matrix
    from sklearn.linear_model import LogisticRegression

    tags = tag_names(labels)
    tag_index = {t: i for i, t in enumerate(tags)}
    all_feats: list[list[str]] = []
    y: list[int] = []
    for ex in examples:
        feats = char_features(ex.text, config["window"])
        all_feats.extend(feats)
        y.extend(tag_index[t] for t in char_tags(ex.text, layer(ex.spans, labels)))
    counts = Counter(name for names in all_feats for name in names)
    index = {name: i for i, name in enumerate(sorted(n for n, c in counts.items() if c >= config["min_count"]))}
    rows, cols = [], []
    for r, names in enumerate(all_feats):
        for name in names:
            if name in index:
                rows.append(r)
                cols.append(index[name])
    x = csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(len(all_feats), len(index)))
    clf = LogisticRegression(C=config["C"], max_iter=config["max_iter"])
    clf.fit(x, y)
    weights = np.zeros((len(index), len(tags)), dtype=np.float32)
    bias = np.full(len(tags), -1e4, dtype=np.float32)  # tags never seen in training are never predicted
    for col, cls in enumerate(clf.classes_):
        weights[:, cls] = clf.coef_[col] if len(clf.classes_) > 2 else (clf.coef_[0] if col else -clf.coef_[0]) / 2
        bias[cls] = clf.intercept_[col] if len(clf.classes_) > 2 else (clf.intercept_[0] if col else -clf.intercept_[0]) / 2
    return LinearLayer(tags, index, weights, bias)


def train(train: list[Example], dev: list[Example], config: dict) -> SklearnTagger:
    """Fit one logistic regression per layer on `train` (`dev` is not needed: no early stopping)."""
    del dev
    config = {**DEFAULT_CONFIG, **config}
    layers = {name: _fit_layer(train, labels, config) for name, labels in LAYERS.items()}
    return SklearnTagger(layers, config["window"])
