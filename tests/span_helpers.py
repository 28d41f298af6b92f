"""Small helpers for asserting tagger output by span text and exact offsets."""

from __future__ import annotations

from extract.tag.spans import Span


def by_label(spans: list[Span], label: str) -> list[tuple[int, int, str]]:
    return [(s.start, s.end, s.text) for s in spans if s.label == label]


def exact(text: str, part: str, after: int = 0) -> tuple[int, int, str]:
    """(start, end, part) of the first `part` at or after `after`."""
    start = text.index(part, after)
    return (start, start + len(part), part)


def spans_of(text: str, *items: tuple[str, str]) -> list[Span]:
    """Spans located by their text, each after the previous one; a REASON is looked up from the start of the
    sentence because the other spans may lie inside it."""
    out, pos = [], 0
    for label, needle in items:
        start = text.index(needle, pos if label != "REASON" else 0)
        out.append(Span(start, start + len(needle), label, needle))
        pos = start + len(needle) if label != "REASON" else pos
    return sorted(out, key=lambda s: s.start)
