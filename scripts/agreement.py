"""Inter-annotator agreement: how closely a second annotator, working from GUIDELINES.md alone, reproduces the gold.

    python scripts/agreement.py sample --out /tmp/agreement     # the sentences to annotate, in four parts
    python scripts/agreement.py score                           # annotations/agreement/train/ against the gold
    python scripts/agreement.py sample --split test --out /tmp/agreement-test --parts 5
    python scripts/agreement.py score --split test

`sample` draws 20 sentences with at least one span from every train document (seeded), or with `--split test` every
test sentence, and writes them without any annotation, for annotators who follow
`annotations/agreement/INSTRUCTIONS.md`. On the test split this is a measurement, like scoring a tagger there: its
disagreements are reported as numbers and never read to change the guidelines, the rules or the models.

`score` reads the second annotation (correction syntax of `scripts/bootstrap_annotations.py`, `+` commands applied to
the bare sentence) and prints exact-match precision / recall / F1 per label with the gold as reference, SUBJECT F1 per
document, and the (subject, metric, value) triples the record builder makes from either annotation's spans
(`scripts/eval_records.py`). The agreement is the ceiling a tagger trained on this gold can be expected to reach: it
measures how well the guidelines pin a span down, not the annotators.
"""

from __future__ import annotations

import argparse
import random
from collections import defaultdict
from pathlib import Path

from bootstrap_annotations import apply_corrections, read_corrections
from eval_records import score_records

from extract.tag.metrics import Score, score_spans, score_table
from extract.tag.spans import REPO_ROOT, VALUE_LABELS, Example, Span, load_split

AGREEMENT_DIR = REPO_ROOT / "annotations" / "agreement"


def sample(split: str = "train", per_document: int | None = 20, parts: int = 4, seed: int = 14) -> list[list[Example]]:
    """`per_document` sentences with spans from every document of `split` (None: every sentence of it), shuffled and
    dealt into `parts`."""
    by_document: dict[str, list[Example]] = defaultdict(list)
    for ex in load_split(split):
        if ex.spans or per_document is None:
            by_document[ex.doc_id].append(ex)
    rng = random.Random(seed)
    chosen = [
        ex
        for _, examples in sorted(by_document.items())
        for ex in (examples if per_document is None else rng.sample(examples, min(per_document, len(examples))))
    ]
    rng.shuffle(chosen)
    return [chosen[k::parts] for k in range(parts)]


def write_parts(folder: Path, parts: list[list[Example]]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for k, part in enumerate(parts):
        lines = [f"## {ex.sentence_id}  ({ex.kind}; {ex.origin}; {ex.section_path})\nTEXT: {ex.text}\n\n" for ex in part]
        (folder / f"chunk{k}.txt").write_text("".join(lines), encoding="utf-8")


def second_annotation(split: str = "train") -> tuple[list[Example], list[list[Span]]]:
    """The gold sentences of `split` the second annotator covered, and that annotator's spans for each; a command for a
    sentence that is not in the split is an error."""
    commands = read_corrections(AGREEMENT_DIR / split)
    examples, spans = [], []
    for ex in load_split(split):  # in document order, as the record builder reads them
        if ex.sentence_id not in commands:
            continue
        row = apply_corrections({"text": ex.text, "spans": [], "relations": []}, commands[ex.sentence_id])
        examples.append(ex)
        spans.append([Span(s["start"], s["end"], s["label"], s["text"], attrs=s["attrs"]) for s in row["spans"]])
    if missing := set(commands) - {ex.sentence_id for ex in examples}:
        raise ValueError(f"{len(missing)} annotated sentences are not in the {split} split: {sorted(missing)[:3]}")
    return examples, spans


def subject_by_document(examples: list[Example], spans: list[list[Span]]) -> dict[str, Score]:
    out: dict[str, Score] = defaultdict(Score)
    for ex, theirs in zip(examples, spans, strict=True):
        score = score_spans([ex.spans], [theirs])["SUBJECT"]
        total = out[ex.source]
        total.tp, total.fp, total.fn = total.tp + score.tp, total.fp + score.fp, total.fn + score.fn
    return out


def attribute_agreement(examples: list[Example], spans: list[list[Span]], key: str) -> tuple[int, int]:
    """Of the value spans both annotations have (same offsets and label), how many carry the same `key` attribute."""
    same = total = 0
    for ex, theirs in zip(examples, spans, strict=True):
        by_key = {s.key: s for s in theirs}
        for s in ex.spans:
            if s.label in VALUE_LABELS and s.key in by_key:
                total += 1
                same += s.attrs.get(key) == by_key[s.key].attrs.get(key)
    return same, total


def score(split: str = "train") -> None:
    examples, spans = second_annotation(split)
    print(f"{len(examples)} {split} sentences, second annotator against the gold:")
    print(score_table({"annotator 2": score_spans([ex.spans for ex in examples], spans)}))
    for key in ("metric", "unit", "direction"):
        same, total = attribute_agreement(examples, spans, key)
        print(f"{key}: the same on {same} of {total} value spans both annotated ({same / total:.3f})")
    print("\nSUBJECT per document:")
    for source, s in sorted(subject_by_document(examples, spans).items()):
        print(f"  {source[:40]:40}  gold {s.support:3}  F1 {s.f1:.3f}")
    print("\nrecords built from the spans (relations left to the record builder):")
    for name, used in (("gold spans", [ex.spans for ex in examples]), ("annotator 2 spans", spans)):
        records, _ = score_records(examples, used)
        print(
            f"  {name:18} {records.tp} of {records.support} gold triples ({records.recall:.3f}), "
            f"precision {records.precision:.3f}"
        )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="command", required=True)
    sample_cmd = sub.add_parser("sample", help="write the sentences to annotate")
    sample_cmd.add_argument("--out", type=Path, required=True)
    sample_cmd.add_argument("--split", choices=("train", "test"), default="train")
    sample_cmd.add_argument("--parts", type=int, default=4)
    sample_cmd.add_argument("--seed", type=int, default=14)
    score_cmd = sub.add_parser("score", help="score the second annotation against the gold")
    score_cmd.add_argument("--split", choices=("train", "test"), default="train")
    args = ap.parse_args(argv)
    if args.command == "sample":
        per_document = 20 if args.split == "train" else None
        write_parts(args.out, sample(args.split, per_document, args.parts, args.seed))
    else:
        score(args.split)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
