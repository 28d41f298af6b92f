"""Score the trained taggers on a gold split: per-label precision / recall / F1 (exact span match),
and tagging speed.

    python scripts/eval_taggers.py                   # test split, every trained tagger under extract/models/
    python scripts/eval_taggers.py --split dev --backend sklearn
    python scripts/eval_taggers.py --errors sklearn  # also list its wrong spans

Predictions get the rules that `budgetlens run` applies after the tagger (`extract/tag/refine.py`: a count
in the work-plan section of a budget is a TARGET; a printed computation "a/b*100%=c%" is one PERCENT);
--raw scores the bare tagger.
Speed is measured on this machine's CPU: all sentences of the split tagged in one call after a
warm-up call, best of --repeat runs, single process.
"""

from __future__ import annotations

import argparse
import sys
import time

from extract.tag.base import BACKENDS, TaggerUnavailable, load_tagger, model_dir
from extract.tag.metrics import Score, score_spans, score_table
from extract.tag.refine import refine
from extract.tag.spans import Example, load_split


def timed_predict(tagger, texts: list[str], repeat: int) -> tuple[list, float]:
    tagger.predict(texts[:8])
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        predicted = tagger.predict(texts)
        best = min(best, time.perf_counter() - t0)
    return predicted, len(texts) / best


def print_errors(examples: list[Example], predicted: list) -> None:
    for ex, pred in zip(examples, predicted, strict=True):
        gold = {s.key for s in ex.spans}
        got = {s.key for s in pred}
        if gold == got:
            continue
        print(f"\n{ex.sentence_id}: {ex.text}")
        for s in sorted(ex.spans, key=lambda s: s.start):
            if s.key not in got:
                print(f"  missed {s.label:8} {s.text}")
        for s in pred:
            if s.key not in gold:
                print(f"  extra  {s.label:8} {s.text}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--split", default="test", choices=("train", "dev", "test"))
    ap.add_argument("--backend", choices=sorted(BACKENDS), action="append")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--errors", choices=sorted(BACKENDS), help="list the wrong spans of this backend")
    ap.add_argument(
        "--raw",
        action="store_true",
        help="score the bare tagger, without the rules the pipeline applies after it (extract/tag/refine.py)",
    )
    args = ap.parse_args(argv)
    examples = load_split(args.split)
    texts = [e.text for e in examples]
    gold = [e.spans for e in examples]
    results: dict[str, dict[str, Score]] = {}
    speeds: dict[str, float] = {}
    for backend in args.backend or list(BACKENDS):
        if not (model_dir(backend) / "meta.json").is_file():
            print(f"{backend}: no trained model in {model_dir(backend)}", file=sys.stderr)
            continue
        try:
            tagger = load_tagger(backend)
        except TaggerUnavailable as exc:
            print(f"{backend}: {exc}", file=sys.stderr)
            continue
        predicted, speeds[backend] = timed_predict(tagger, texts, args.repeat)
        if not args.raw:
            predicted = [refine(p, e.text, e.kind, e.section_path) for p, e in zip(predicted, examples, strict=True)]
        results[backend] = score_spans(gold, predicted)
        if args.errors == backend:
            print_errors(examples, predicted)
    if not results:
        print("no trained tagger found; run scripts/train_taggers.py", file=sys.stderr)
        return 1
    print(f"\n{args.split} split: {len(examples)} sentences, {len({e.doc_id for e in examples})} documents\n")
    print(score_table(results))
    print("\n| tagger | sentences/s (1 process, this CPU) |\n|---|---:|")
    for backend, speed in speeds.items():
        print(f"| {backend} | {speed:.0f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
