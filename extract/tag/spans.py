"""Spans, relations and annotated sentences: what the taggers produce and the record builder reads.

The labels and relations are those of `annotations/GUIDELINES.md`. Spans of the *flat* labels never
overlap each other; a REASON (the one *nested* label) may contain flat spans, so every tagger predicts
two layers: the flat labels as one sequence, REASON as another.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

LABELS = ("AMOUNT", "PERCENT", "QUANTITY", "REASON", "TARGET", "SUBJECT")
NESTED_LABELS = ("REASON",)
FLAT_LABELS = tuple(label for label in LABELS if label not in NESTED_LABELS)
VALUE_LABELS = frozenset({"AMOUNT", "PERCENT", "QUANTITY", "TARGET"})
"""Labels of spans that carry a value (a record each); SUBJECT and REASON describe them."""
RELATIONS = ("value-of", "change-of", "share-of", "share-base", "rate-of", "reason-for", "target-of")

REPO_ROOT = Path(__file__).resolve().parents[2]
GOLD_DIR = REPO_ROOT / "annotations" / "gold"
SYNTHETIC_DIR = REPO_ROOT / "annotations" / "synthetic"


@dataclass(frozen=True)
class Span:
    """A labelled stretch `text[start:end]` of one sentence."""

    start: int
    end: int
    label: str
    text: str
    confidence: float = 1.0
    attrs: Mapping[str, str] = field(default_factory=dict, compare=False, hash=False)

    @property
    def key(self) -> tuple[int, int, str]:
        """What exact-match scoring compares."""
        return (self.start, self.end, self.label)


@dataclass(frozen=True)
class Relation:
    head: int
    tail: int
    type: str


@dataclass
class Example:
    """One sentence with its spans and relations, and where it comes from."""

    text: str
    spans: list[Span] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    sentence_id: str = ""
    doc_id: str = ""
    source: str = ""
    kind: str = ""
    section_path: str = ""
    page: int | None = None
    origin: str = "narrative"

    @classmethod
    def from_json(cls, row: Mapping[str, Any]) -> Example:
        spans = [Span(s["start"], s["end"], s["label"], s["text"], attrs=dict(s.get("attrs", {}))) for s in row["spans"]]
        relations = [Relation(r["head"], r["tail"], r["type"]) for r in row.get("relations", [])]
        keys = ("sentence_id", "doc_id", "source", "kind", "section_path", "page", "origin")
        return cls(row["text"], spans, relations, **{k: row[k] for k in keys if k in row})


def load_examples(path: Path) -> list[Example]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [Example.from_json(json.loads(line)) for line in lines if line.strip()]


def load_split(name: str, gold_dir: Path = GOLD_DIR) -> list[Example]:
    """The gold sentences of one split: "train", "dev" or "test"."""
    return load_examples(gold_dir / f"{name}.jsonl")


def layer(spans: Iterable[Span], labels: Iterable[str]) -> list[Span]:
    """The spans with one of `labels`, in text order."""
    wanted = set(labels)
    return sorted((s for s in spans if s.label in wanted), key=lambda s: (s.start, s.end))


def load_synthetic(synthetic_dir: Path | None = SYNTHETIC_DIR) -> list[Example]:
    """Every made-up sentence file in `synthetic_dir` (`scripts/make_synthetic_*.py`), in file-name order."""
    if synthetic_dir is None or not synthetic_dir.is_dir():
        return []
    return [ex for path in sorted(synthetic_dir.glob("*.jsonl")) for ex in load_examples(path)]


def load_training(gold_dir: Path = GOLD_DIR, synthetic_dir: Path | None = SYNTHETIC_DIR) -> list[Example]:
    """What the taggers are trained on: the gold train split, then the made-up sentences (`load_synthetic`). Dev and
    test stay gold only."""
    return load_split("train", gold_dir) + load_synthetic(synthetic_dir)
