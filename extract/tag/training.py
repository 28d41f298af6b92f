"""Training a tagger: what `scripts/train_taggers.py` and `budgetlens train --reviewed` share.

Training reads the gold train split plus the made-up sentences (`load_training`), and optionally reviewed sentences
exported by `budgetlens review export --format gold`; the dev split is for early stopping / model selection only and
the test split is only ever scored. Each model folder gets a meta.json with the backend, version, config, training
data (file names and sha256 prefixes) and dev scores.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from extract.tag.base import Tagger, backend_module, read_meta, write_meta
from extract.tag.metrics import Score, score_spans
from extract.tag.refine import refine
from extract.tag.spans import GOLD_DIR, SYNTHETIC_DIR, Example, load_split, load_training


def training_files(synthetic: bool, extra: Sequence[Path] = ()) -> list[Path]:
    files = [GOLD_DIR / "train.jsonl", GOLD_DIR / "dev.jsonl"]
    return files + (sorted(SYNTHETIC_DIR.glob("*.jsonl")) if synthetic else []) + list(extra)


def _file_key(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(GOLD_DIR.parents[1]))
    except ValueError:
        return str(path)


@dataclass
class ReviewedSet:
    examples: list[Example]
    incomplete: int
    """Reviewed sentences left out because the reviewer did not mark every span (their unmarked text is unknown)."""
    held_out: int
    """Reviewed sentences left out because the same text is in the dev or test split."""


def load_reviewed(paths: Sequence[Path]) -> ReviewedSet:
    """Complete reviewed sentences of `budgetlens review export --format gold` files, minus any whose text is in the dev
    or test split (training on them would score the model on what it was taught)."""
    held = {e.text for split in ("dev", "test") for e in load_split(split)}
    examples, incomplete, held_out = [], 0, 0
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            row = json.loads(line)
            if not row.get("complete", True):
                incomplete += 1
            elif row["text"] in held:
                held_out += 1
            else:
                examples.append(Example.from_json(row))
    return ReviewedSet(examples, incomplete, held_out)


def split_scores(tagger: Tagger, examples: Sequence[Example] | None = None) -> dict[str, Score]:
    """Exact-match span scores on the test split (or `examples`), after the rules the pipeline applies (refine)."""
    examples = load_split("test") if examples is None else examples
    predicted = tagger.predict([e.text for e in examples])
    refined = [refine(p, e.text, e.kind, e.section_path) for p, e in zip(predicted, examples, strict=True)]
    return score_spans([e.spans for e in examples], refined)


def train_tagger(
    backend: str,
    overrides: dict[str, object],
    out: Path,
    *,
    synthetic: bool = True,
    extra: Sequence[Example] = (),
    extra_files: Sequence[Path] = (),
    version: str | None = None,
) -> Tagger:
    """Train one backend and save it with its meta.json into `out`; `extra` sentences are added to training."""
    module = backend_module(backend)
    config = {**module.DEFAULT_CONFIG, **overrides}
    train = (load_training() if synthetic else load_split("train")) + list(extra)
    dev = load_split("dev")
    t0 = time.perf_counter()
    tagger = module.train(train, dev, config)
    seconds = time.perf_counter() - t0
    if version:
        tagger.version = version
    tagger.save(out)
    dev_scores = score_spans([e.spans for e in dev], tagger.predict([e.text for e in dev]))
    meta = read_meta(out)
    meta.update(
        {
            "config": config,
            "training_data": {
                _file_key(path): hashlib.sha256(path.read_bytes()).hexdigest()[:16]
                for path in training_files(synthetic, extra_files)
            },
            "train_sentences": len(train),
            "train_seconds": round(seconds, 1),
            "dev_f1": {label: round(s.f1, 4) for label, s in dev_scores.items()},
        }
    )
    write_meta(out, meta)
    print(
        f"{backend}: trained in {seconds:.0f} s → {out}; dev F1 "
        + " ".join(f"{label}={s.f1:.3f}" for label, s in dev_scores.items())
    )
    return tagger
