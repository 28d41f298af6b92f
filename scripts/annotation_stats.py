"""Validate the gold annotation files and print per-split counts per label and relation.

    python scripts/annotation_stats.py [--gold annotations/gold] [--markdown]

Checks: every line parses; offsets lie inside `text` and `text[start:end] == span.text`; labels
and relation types are known; relations point at existing spans; spans do not overlap except
inside a REASON; every line is marked reviewed; sentence ids are unique; no document is in two
splits. Exit code 1 when anything is wrong.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SPLITS = ("train", "dev", "test")
LABELS = ("AMOUNT", "PERCENT", "QUANTITY", "REASON", "TARGET", "SUBJECT")
RELATIONS = ("value-of", "change-of", "share-of", "share-base", "rate-of", "reason-for", "target-of")
REQUIRED_KEYS = ("doc_id", "source", "section_path", "page", "sentence_id", "text", "spans", "relations")
UNITS = ("元", "千元", "万元", "亿元")


@dataclass
class SplitStats:
    sentences: int = 0
    negatives: int = 0
    documents: set[str] = field(default_factory=set)
    labels: Counter[str] = field(default_factory=Counter)
    relations: Counter[str] = field(default_factory=Counter)


def read_split(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def validate_row(row: dict[str, Any]) -> list[str]:
    """Problems with one gold line (empty when it is valid)."""
    sid = row.get("sentence_id", "?")
    errors = [f"{sid}: missing key {k}" for k in REQUIRED_KEYS if k not in row]
    if errors:
        return errors
    text: str = row["text"]
    spans: list[dict[str, Any]] = row["spans"]
    if row.get("reviewed") is not True:
        errors.append(f"{sid}: not reviewed")
    for i, s in enumerate(spans):
        if s["label"] not in LABELS:
            errors.append(f"{sid}: span {i} has unknown label {s['label']!r}")
        if not (0 <= s["start"] < s["end"] <= len(text)) or text[s["start"] : s["end"]] != s["text"]:
            errors.append(f"{sid}: span {i} offsets {s['start']}-{s['end']} do not give {s['text']!r}")
        if s["label"] == "AMOUNT" and s.get("attrs", {}).get("unit") not in UNITS:
            errors.append(f"{sid}: AMOUNT span {i} without a unit attribute")
    for i, a in enumerate(spans):
        for b in spans[i + 1 :]:
            if a["start"] < b["end"] and b["start"] < a["end"]:
                inside = (a["label"] == "REASON" and a["start"] <= b["start"] and b["end"] <= a["end"]) or (
                    b["label"] == "REASON" and b["start"] <= a["start"] and a["end"] <= b["end"]
                )
                if not inside:
                    errors.append(f"{sid}: spans {a['text']!r} and {b['text']!r} overlap")
    for r in row["relations"]:
        if r["type"] not in RELATIONS:
            errors.append(f"{sid}: unknown relation type {r['type']!r}")
        if not (0 <= r["head"] < len(spans) and 0 <= r["tail"] < len(spans)) or r["head"] == r["tail"]:
            errors.append(f"{sid}: relation {r} points at no span")
    return errors


def collect(gold: Path) -> tuple[dict[str, SplitStats], list[str]]:
    stats: dict[str, SplitStats] = {}
    errors: list[str] = []
    seen_ids: set[str] = set()
    doc_split: dict[str, str] = {}
    for split in SPLITS:
        path = gold / f"{split}.jsonl"
        st = stats[split] = SplitStats()
        if not path.exists():
            errors.append(f"{path} missing")
            continue
        for row in read_split(path):
            errors.extend(validate_row(row))
            sid = row.get("sentence_id", "")
            if sid in seen_ids:
                errors.append(f"{sid}: duplicate sentence id")
            seen_ids.add(sid)
            doc = row.get("doc_id", "")
            if doc_split.setdefault(doc, split) != split:
                errors.append(f"document {doc} ({row.get('source')}) is in {doc_split[doc]} and {split}")
            st.sentences += 1
            st.documents.add(row.get("source", doc))
            st.negatives += not row.get("spans")
            st.labels.update(s["label"] for s in row.get("spans", []))
            st.relations.update(r["type"] for r in row.get("relations", []))
    return stats, errors


def render(stats: dict[str, SplitStats]) -> str:
    cols = list(SPLITS)
    lines = ["| | " + " | ".join(cols) + " | total |", "|---|" + "---:|" * (len(cols) + 1)]

    def row(name: str, values: list[int]) -> None:
        lines.append(f"| {name} | " + " | ".join(str(v) for v in values) + f" | {sum(values)} |")

    row("documents", [len(stats[c].documents) for c in cols])
    row("sentences", [stats[c].sentences for c in cols])
    row("sentences without spans", [stats[c].negatives for c in cols])
    for label in LABELS:
        row(label, [stats[c].labels[label] for c in cols])
    for rel in RELATIONS:
        row(rel, [stats[c].relations[rel] for c in cols])
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--gold", type=Path, default=ROOT / "annotations" / "gold")
    ap.add_argument("--markdown", action="store_true", help="also list the documents of each split")
    args = ap.parse_args(argv)
    stats, errors = collect(args.gold)
    print(render(stats))
    if args.markdown:
        for split in SPLITS:
            print(f"\n{split}: " + ", ".join(sorted(stats[split].documents)))
    for e in errors[:50]:
        print(f"error: {e}", file=sys.stderr)
    if errors:
        print(f"{len(errors)} problem(s)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
