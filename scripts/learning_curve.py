"""How a tagger's test scores grow with the annotated documents it is trained on.

    python scripts/learning_curve.py                       # crf, 2/4/6/8 of the 10 train documents, 4 draws each
    python scripts/learning_curve.py --sizes 0 --draws 1  # the made-up sentences alone, against all ten
    python scripts/learning_curve.py --sizes 3 6 --draws 2 --backend sklearn

For each size k, `--draws` random sets of k train documents are drawn (seeded); a tagger is trained on them plus the
made-up sentences of annotations/synthetic/ (as `train_taggers.py` does) and scored on the test split, spans after the
refine rules and the records built from them. All ten documents are the last row. The test split is only scored,
never used to choose anything here: the curve answers "would more annotated documents of this kind close the gap to the
targets, and about how many", which the rules and features cannot.

A log-linear fit of SUBJECT F1 and record recall against the number of real train sentences is printed with the
number of sentences at which it would reach the issue's targets; an extrapolation, to be read as an order of magnitude.
"""

from __future__ import annotations

import argparse
import math
import random
import statistics
import time
from dataclasses import dataclass
from types import ModuleType

from eval_records import score_records
from train_taggers import parse_overrides

from extract.tag.base import BACKENDS, backend_module
from extract.tag.metrics import score_spans
from extract.tag.refine import refine
from extract.tag.spans import Example, load_split, load_synthetic

TARGETS = (("SUBJECT F1", "subject_f1", 0.90), ("record recall", "record_recall", 0.95))  # the acceptance


@dataclass(frozen=True)
class Point:
    documents: tuple[str, ...]  # doc_ids
    sentences: int
    subject_f1: float
    all_f1: float
    record_recall: float


def score_subset(
    module: ModuleType,
    config: dict,
    documents: list[str],
    train: list[Example],
    synthetic: list[Example],
    dev: list[Example],
    test: list[Example],
) -> Point:
    chosen = [ex for ex in train if ex.doc_id in documents]
    tagger = module.train(chosen + synthetic, dev, config)
    predicted = [
        refine(spans, ex.text, ex.kind, ex.section_path)
        for spans, ex in zip(tagger.predict([ex.text for ex in test]), test, strict=True)
    ]
    spans = score_spans([ex.spans for ex in test], predicted)
    records, _ = score_records(test, predicted)
    return Point(tuple(documents), len(chosen), spans["SUBJECT"].f1, spans["ALL"].f1, records.recall)


def log_fit(points: list[Point], metric: str) -> tuple[float, float]:
    """Least squares of `metric` = a + b·ln(sentences), over the runs with real sentences."""
    points = [p for p in points if p.sentences]
    fit = statistics.linear_regression([math.log(p.sentences) for p in points], [getattr(p, metric) for p in points])
    return fit.intercept, fit.slope


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--backend", default="crf", choices=sorted(BACKENDS))
    ap.add_argument("--sizes", type=int, nargs="+", default=[2, 4, 6, 8])
    ap.add_argument("--draws", type=int, default=4)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE")
    args = ap.parse_args(argv)
    module = backend_module(args.backend)
    config = {**module.DEFAULT_CONFIG, **parse_overrides(args.overrides)}
    train, dev, test = load_split("train"), load_split("dev"), load_split("test")
    synthetic = load_synthetic()
    all_documents = sorted({ex.doc_id for ex in train})
    rng = random.Random(args.seed)
    subsets = [sorted(rng.sample(all_documents, k)) for k in args.sizes if k < len(all_documents) for _ in range(args.draws)] + [
        all_documents
    ]
    letters = {doc: chr(ord("A") + i) for i, doc in enumerate(all_documents)}
    sources = {ex.doc_id: ex.source for ex in train}
    print(f"{args.backend} {config}; test: {len(test)} sentences; {len(synthetic)} made-up sentences in every run\n")
    print("train documents: " + "; ".join(f"{letters[doc]} = {sources[doc]}" for doc in all_documents) + "\n")
    print(
        "| documents | real sentences | SUBJECT F1 | ALL F1 | record recall | seconds | trained on |\n"
        "|---:|---:|---:|---:|---:|---:|---|"
    )
    points = []
    for documents in subsets:
        started = time.perf_counter()
        point = score_subset(module, config, documents, train, synthetic, dev, test)
        points.append(point)
        trained_on = "".join(letters[doc] for doc in point.documents)
        print(
            f"| {len(point.documents)} | {point.sentences} | {point.subject_f1:.3f} | {point.all_f1:.3f} "
            f"| {point.record_recall:.3f} | {time.perf_counter() - started:.0f} | {trained_on} |",
            flush=True,
        )
    print()
    for name, metric, target in TARGETS:
        a, b = log_fit(points, metric)
        reach = (
            f"reaches {target} at about {math.exp((target - a) / b):,.0f} real train sentences ({len(train):,} now)"
            if b > 0
            else "does not grow with the sentences"
        )
        print(f"{name}: {a:.3f} + {b:.3f}·ln(sentences); {reach}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
