"""Exact-match span precision / recall / F1, per label (the CoNLL convention)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from extract.tag.spans import LABELS, Span


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def support(self) -> int:
        return self.tp + self.fn


def score_spans(gold: Sequence[Sequence[Span]], predicted: Sequence[Sequence[Span]]) -> dict[str, Score]:
    """Scores per label and "ALL" (micro-averaged) over parallel lists of sentences."""
    if len(gold) != len(predicted):
        raise ValueError(f"{len(gold)} gold sentences but {len(predicted)} predicted")
    scores = {label: Score() for label in (*LABELS, "ALL")}
    for g_spans, p_spans in zip(gold, predicted, strict=True):
        g = Counter(s.key for s in g_spans)
        p = Counter(s.key for s in p_spans)
        for key in g | p:
            tp = min(g[key], p[key])
            for label in (key[2], "ALL"):
                scores[label].tp += tp
                scores[label].fp += p[key] - tp
                scores[label].fn += g[key] - tp
    return scores


def score_table(results: dict[str, dict[str, Score]]) -> str:
    """A markdown table: one row per label, precision / recall / F1 for every tagger."""
    names = list(results)
    head = "| label | support | " + " | ".join(f"{n} P | {n} R | {n} F1" for n in names) + " |"
    rule = "|---|---:|" + "---:|---:|---:|" * len(names)
    rows = [head, rule]
    for label in (*LABELS, "ALL"):
        first = results[names[0]][label]
        cells = [f"{r.precision:.3f} | {r.recall:.3f} | {r.f1:.3f}" for r in (results[n][label] for n in names)]
        rows.append(f"| {label} | {first.support} | " + " | ".join(cells) + " |")
    return "\n".join(rows)
