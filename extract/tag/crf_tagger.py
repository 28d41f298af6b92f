"""The CRF tagger: a linear-chain conditional random field (CRFsuite, via python-crfsuite) over the
same character features as the scikit-learn tagger (`extract.tag.features`).

Where the scikit-learn tagger scores every character on its own and only forbids impossible BIO
moves, the CRF learns transition weights and normalises over whole tag sequences, so a span's two
ends are decided together. That is what SUBJECT needs: its start is a long-range decision ("小学教育（2050202）"
ends at the closing bracket, not at the code), and per-character models leave one-character fragments
("上", "预") where the evidence is weak. One model per layer (flat labels; REASON), as for scikit-learn.

A saved model is one CRFsuite binary per layer (`flat.crfsuite`, `reason.crfsuite`) plus `meta.json`;
python-crfsuite is a small compiled wheel with no dependencies, so this backend needs no extra.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

import pycrfsuite

from extract.tag.base import read_meta, write_meta
from extract.tag.bio import char_tags, spans_from_tags
from extract.tag.features import char_features
from extract.tag.spans import FLAT_LABELS, NESTED_LABELS, Example, Span, layer

VERSION = "1.1"  # 1.1: part-of-speech and number-behind features (extract/tag/features.py)
# c2 (L2) was chosen on the dev split among 0.01–1.0 with c1 in {0, 0.02, 0.05, 0.1, 0.2}, and confirmed by
# leave-one-document-out cross-validation over train with the 1.1 features (c2 0.1 / 0.3 / 1.0; docs/benchmarks.md).
DEFAULT_CONFIG: dict = {"c1": 0.0, "c2": 0.3, "max_iterations": 200, "window": 3}
LAYERS = {"flat": FLAT_LABELS, "reason": NESTED_LABELS}


class CrfTagger:
    backend = "crf"
    version = VERSION

    def __init__(self, folder: Path, window: int, *, temporary: bool = False) -> None:
        """`temporary`: `folder` was made by `train()` and goes once the models are saved elsewhere."""
        self.window = window
        self.temporary = temporary
        self._open(folder)

    def _open(self, folder: Path) -> None:
        self.folder = folder
        self.layers: dict[str, pycrfsuite.Tagger] = {}
        for name in LAYERS:
            tagger = pycrfsuite.Tagger()
            tagger.open(str(folder / f"{name}.crfsuite"))
            self.layers[name] = tagger

    def predict(self, texts: Sequence[str]) -> list[list[Span]]:
        out = []
        for text in texts:
            if not text:
                out.append([])
                continue
            feats = char_features(text, self.window)
            spans: list[Span] = []
            for model in self.layers.values():
                tags = model.tag(feats)
                marginals = [model.marginal(tag, i) for i, tag in enumerate(tags)]
                spans.extend(spans_from_tags(text, tags, marginals))
            out.append(sorted(spans, key=lambda s: (s.start, -s.end)))
        return out

    def save(self, path: Path) -> None:
        path.mkdir(parents=True, exist_ok=True)
        if path.resolve() != self.folder.resolve():
            for name in LAYERS:
                shutil.copyfile(self.folder / f"{name}.crfsuite", path / f"{name}.crfsuite")
            if self.temporary:
                shutil.rmtree(self.folder)
                self.temporary = False
                self._open(path)
        write_meta(path, {"backend": self.backend, "version": self.version, "window": self.window,
                          "labels": [*FLAT_LABELS, *NESTED_LABELS],
                          "layers": {name: list(labels) for name, labels in LAYERS.items()}})


def load(path: Path) -> CrfTagger:
    return CrfTagger(path, read_meta(path)["window"])


def train(train: list[Example], dev: list[Example], config: dict) -> CrfTagger:
    """Fit one CRF per layer on `train` with L-BFGS (`dev` is not needed: a fixed number of iterations).
    The models are written to a temporary folder; `save()` moves them where they belong."""
    del dev
    config = {**DEFAULT_CONFIG, **config}
    folder = Path(tempfile.mkdtemp(prefix="budgetlens-crf-"))
    for name, labels in LAYERS.items():
        trainer = pycrfsuite.Trainer(verbose=False)
        for ex in train:
            trainer.append(char_features(ex.text, config["window"]), char_tags(ex.text, layer(ex.spans, labels)))
        trainer.set_params({"c1": config["c1"], "c2": config["c2"], "max_iterations": config["max_iterations"],
                            "feature.possible_transitions": True})
        trainer.train(str(folder / f"{name}.crfsuite"))
    return CrfTagger(folder, config["window"], temporary=True)
