"""Does the correction loop pay, and does least-confident-first beat random order?

    python scripts/simulate_review.py [--kind 绩效自评] [--ks 25 50 100 200] [--backend crf] [--plot docs/review_simulation.png]
    python scripts/simulate_review.py --orders random --seed 8 --plot ''     # the random order with another seed

A simulated reviewer answers with the gold annotations. Every gold train sentence of `--kind` is held out of training
and forms the review pool; the test split's sentences of that kind are "the rest of that kind", on which each tagger
is scored (SUBJECT F1 and record recall, spans after refine, as scripts/learning_curve.py). The base tagger is trained
on the other train sentences plus the made-up ones. Then the reviewer reviews k = 25, 50, 100, 200 sentences (capped
at the pool's size), taken least-confident-first — the review queue's score (`extract.review.items.sentence_score`)
under the current tagger, which is retrained after each step — or in a random order (seeded), and the tagger is
retrained on base + reviewed. The test split is only scored, never used to choose.
"""

from __future__ import annotations

import argparse
import random
import time
from dataclasses import dataclass

from eval_records import score_records

from extract.review.items import sentence_score
from extract.tag.base import BACKENDS, DEFAULT_BACKEND, backend_module
from extract.tag.metrics import score_spans
from extract.tag.refine import refine
from extract.tag.spans import Example, load_split, load_synthetic

ORDERS = ("least-confident", "random")


@dataclass(frozen=True)
class Step:
    order: str
    k: int
    subject_f1: float
    all_f1: float
    record_recall: float
    seconds: float


def evaluate(tagger, examples: list[Example]) -> tuple[float, float, float]:
    predicted = [
        refine(spans, ex.text, ex.kind, ex.section_path)
        for spans, ex in zip(tagger.predict([ex.text for ex in examples]), examples, strict=True)
    ]
    spans = score_spans([ex.spans for ex in examples], predicted)
    records, _ = score_records(examples, predicted)
    return spans["SUBJECT"].f1, spans["ALL"].f1, records.recall


def least_confident(tagger, remaining: list[Example], n: int) -> list[Example]:
    scores = [sentence_score(s.confidence for s in spans) for spans in tagger.predict([ex.text for ex in remaining])]
    ranked = sorted(range(len(remaining)), key=lambda i: (scores[i], i))
    return [remaining[i] for i in ranked[:n]]


def plot(steps: list[Step], path, kind: str, pool: int, evaluated: int) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(10, 4))
    for ax, metric, title in ((axes[0], "subject_f1", "SUBJECT F1"), (axes[1], "record_recall", "record recall")):
        for order, style in zip(ORDERS, ("o-", "s--"), strict=True):
            points = sorted((min(s.k, pool), getattr(s, metric)) for s in steps if s.order in (order, "base"))
            ax.plot([k for k, _ in points], [v for _, v in points], style, label=order)
        ax.set_xlabel("reviewed sentences (k, capped at the pool)")
        ax.set_title(title)
        ax.grid(alpha=0.3)
        ax.legend()
    plt.rcParams["font.sans-serif"] = ["WenQuanYi Micro Hei", "DejaVu Sans"]  # CJK glyphs where the font is installed
    fig.suptitle(
        f"Simulated review of held-out {kind} sentences (pool {pool}); scored on {evaluated} test sentences of that kind",
        fontsize=10,
    )
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--kind", default="绩效自评")
    ap.add_argument("--ks", type=int, nargs="+", default=[25, 50, 100, 200])
    ap.add_argument("--backend", choices=sorted(BACKENDS), default=DEFAULT_BACKEND)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--orders", nargs="+", choices=ORDERS, default=list(ORDERS), help="e.g. random alone, with other seeds")
    ap.add_argument("--plot", default="docs/review_simulation.png", help="'' for no plot")
    args = ap.parse_args(argv)

    module = backend_module(args.backend)
    config = dict(module.DEFAULT_CONFIG)
    train, dev, test = load_split("train"), load_split("dev"), load_split("test")
    pool = [ex for ex in train if ex.kind == args.kind]
    base = [ex for ex in train if ex.kind != args.kind] + load_synthetic()
    evaluation = [ex for ex in test if ex.kind == args.kind]
    print(
        f"{args.kind}: pool {len(pool)} train sentences held out, scored on {len(evaluation)} test sentences; "
        f"base training {len(base)} sentences ({args.backend})"
    )

    def fit(reviewed: list[Example]) -> tuple[object, float]:
        t0 = time.perf_counter()
        tagger = module.train(base + reviewed, dev, config)
        return tagger, time.perf_counter() - t0

    base_tagger, seconds = fit([])
    steps = [Step("base", 0, *evaluate(base_tagger, evaluation), seconds)]
    print(f"k=0: SUBJECT F1 {steps[0].subject_f1:.3f}, record recall {steps[0].record_recall:.3f}", flush=True)
    shuffled = random.Random(args.seed).sample(pool, len(pool))
    for order in args.orders:
        tagger, reviewed = base_tagger, []
        for k in args.ks:
            n = min(k, len(pool)) - len(reviewed)
            remaining = [ex for ex in (pool if order == ORDERS[0] else shuffled) if ex not in reviewed]
            reviewed += least_confident(tagger, remaining, n) if order == ORDERS[0] else remaining[:n]
            tagger, seconds = fit(reviewed)
            steps.append(Step(order, k, *evaluate(tagger, evaluation), seconds))
            s = steps[-1]
            print(
                f"{order} k={k} ({len(reviewed)} reviewed): SUBJECT F1 {s.subject_f1:.3f}, ALL F1 {s.all_f1:.3f}, "
                f"record recall {s.record_recall:.3f} (trained in {seconds:.0f} s)",
                flush=True,
            )
    print("\n| order | k (reviewed) | SUBJECT F1 | ALL F1 | record recall |\n|---|---|---|---|---|")
    for s in steps:
        print(f"| {s.order} | {s.k} ({min(s.k, len(pool))}) | {s.subject_f1:.3f} | {s.all_f1:.3f} | {s.record_recall:.3f} |")
    if args.plot:
        plot(steps, args.plot, args.kind, len(pool), len(evaluation))
        print(f"plot → {args.plot}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
