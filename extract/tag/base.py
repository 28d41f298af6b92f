"""The tagger interface, and where trained taggers live.

A tagger turns sentences into spans (both layers, see `extract.tag.spans`). Four backends implement
it, each in its own module with the same three functions:

    DEFAULT_CONFIG: dict                       # hyper-parameters; train_taggers.py --set overrides them
    train(train, dev, config) -> Tagger        # gold Examples in, a trained tagger out
    load(path) -> Tagger                       # a tagger saved by Tagger.save(path)

A saved tagger is a folder `extract/models/tagger-<backend>/` holding its weights and `meta.json` (backend,
version, config, training data, scores). Loading never touches the network.
"""

from __future__ import annotations

import importlib
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

from extract.tag.spans import Span

BACKENDS = {
    "sklearn": "extract.tag.sklearn_tagger",
    "crf": "extract.tag.crf_tagger",
    "spacy": "extract.tag.spacy_tagger",
    "transformer": "extract.tag.transformer_tagger",
}
EXTRAS = {"spacy": "spacy", "transformer": "transformers"}
"""The pip extra each optional backend needs (the others come with the plain install)."""
DEFAULT_BACKEND = "crf"
"""The backend `budgetlens run` uses: the linear-chain CRF, the best span tagger on dev and the one whose
spans give the most exact records on test (docs/benchmarks.md), and light (python-crfsuite, no torch)."""

MODELS_DIR = Path(os.environ.get("BUDGETLENS_MODELS", Path(__file__).resolve().parents[1] / "models"))
"""Trained models ship inside the package (and so inside the wheel); BUDGETLENS_MODELS points elsewhere."""


class Tagger(Protocol):
    backend: str
    version: str

    def predict(self, texts: Sequence[str]) -> list[list[Span]]:
        """Spans of every text, both layers, sorted by start."""
        ...

    def save(self, path: Path) -> None: ...


class TaggerUnavailable(RuntimeError):
    """The tagger's weights or its optional dependencies are missing."""


def backend_module(backend: str) -> Any:
    if backend not in BACKENDS:
        raise ValueError(f"unknown tagger backend {backend!r}; known: {', '.join(BACKENDS)}")
    try:
        return importlib.import_module(BACKENDS[backend])
    except ImportError as exc:
        fix = f"pip install 'budgetlens[{EXTRAS[backend]}]'" if backend in EXTRAS else "reinstall budgetlens"
        raise TaggerUnavailable(f"the {backend} tagger cannot be imported ({exc}); {fix}") from exc


def model_dir(backend: str) -> Path:
    return MODELS_DIR / f"tagger-{backend}"


def read_meta(path: Path) -> dict[str, Any]:
    return json.loads((path / "meta.json").read_text(encoding="utf-8"))


def write_meta(path: Path, meta: dict[str, Any]) -> None:
    path.mkdir(parents=True, exist_ok=True)
    (path / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


_LOADED: dict[Path, Tagger] = {}


def load_tagger(name_or_path: str | Path | None = None) -> Tagger:
    """A trained tagger by backend name ("sklearn"), by folder, or the default one (None or "default");
    cached per process."""
    if name_or_path in (None, "default"):
        name_or_path = DEFAULT_BACKEND
    path = model_dir(str(name_or_path)) if str(name_or_path) in BACKENDS else Path(name_or_path)
    path = path.resolve()
    if path not in _LOADED:
        if not (path / "meta.json").is_file():
            raise TaggerUnavailable(
                f"no trained tagger in {path}: the budgetlens wheel ships them in extract/models/ (reinstall it), "
                "or point BUDGETLENS_MODELS at a folder of tagger-<backend>/ (scripts/train_taggers.py builds one)"
            )
        _LOADED[path] = backend_module(read_meta(path)["backend"]).load(path)
    return _LOADED[path]
