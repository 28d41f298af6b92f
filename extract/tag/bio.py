"""Character-level BIO tags ↔ spans, for the taggers that label one character at a time.

Chinese has no spaces, and the gold offsets are character offsets, so a character is the natural
token for the scikit-learn and transformer taggers (spaCy works on its own tokens)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache

import numpy as np

from extract.tag.spans import Span

OUTSIDE = "O"


def tag_names(labels: Iterable[str]) -> list[str]:
    """The tag inventory of one layer: O, then B-/I- for every label."""
    return [OUTSIDE] + [f"{p}-{label}" for label in labels for p in ("B", "I")]


def char_tags(text: str, spans: Iterable[Span]) -> list[str]:
    """One tag per character; a span overlapping an earlier one is left out (layers are flat)."""
    tags = [OUTSIDE] * len(text)
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        if any(t != OUTSIDE for t in tags[span.start : span.end]):
            continue
        tags[span.start] = f"B-{span.label}"
        for i in range(span.start + 1, span.end):
            tags[i] = f"I-{span.label}"
    return tags


def spans_from_tags(text: str, tags: Sequence[str], scores: Sequence[float] | None = None) -> list[Span]:
    """Decode a tag sequence. An I- tag after O or after another label opens a span, as most decoders do;
    a span's confidence is the mean score of its characters; whitespace at span edges is dropped."""
    spans: list[Span] = []
    start, label = -1, ""

    def close(end: int) -> None:
        s, e = start, end
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            conf = sum(scores[s:e]) / (e - s) if scores is not None else 1.0
            spans.append(Span(s, e, label, text[s:e], confidence=round(float(conf), 4)))

    for i, tag in enumerate(tags):
        prefix, _, name = tag.partition("-")
        if label and (tag == OUTSIDE or prefix == "B" or name != label):
            close(i)
            label = ""
        if tag != OUTSIDE and not label:
            start, label = i, name
    if label:
        close(len(tags))
    return spans


@lru_cache(maxsize=8)
def _constraints(tags: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Transition penalties [prev, next] (an I-X only after B-X or I-X) and start penalties (no I- first)."""
    allowed = np.array([[not cur.startswith("I-") or (prev != OUTSIDE and prev[2:] == cur[2:]) for cur in tags] for prev in tags])
    start = np.array([not t.startswith("I-") for t in tags])
    return np.where(allowed, 0.0, -1e9), np.where(start, 0.0, -1e9)


def viterbi(log_probs: np.ndarray, tags: Sequence[str]) -> list[int]:
    """The best tag path (indexes into `tags`) for per-character log-probabilities of shape (n, len(tags))
    under the BIO constraints, so that no span opens with an I- tag. Used by the taggers that score each
    character independently (scikit-learn, transformer)."""
    n = log_probs.shape[0]
    if n == 0:
        return []
    transition, start = _constraints(tuple(tags))
    score = log_probs[0] + start
    back = np.zeros((n, len(tags)), dtype=np.int64)
    for i in range(1, n):
        total = score[:, None] + transition
        back[i] = total.argmax(axis=0)
        score = total.max(axis=0) + log_probs[i]
    path = [int(score.argmax())]
    for i in range(n - 1, 0, -1):
        path.append(int(back[i, path[-1]]))
    return path[::-1]
