"""Score the record builder against the gold annotations.

    python scripts/eval_records.py                    # test split, spans from the default tagger
    python scripts/eval_records.py --spans gold       # gold spans: measures linking + attributes alone
    python scripts/eval_records.py --split dev --backend spacy --errors

A gold triple is (subject text, metric, value text) for every value-of / change-of / share-of /
rate-of / target-of relation of the gold file; the builder's triples are (subject, metric, raw) of
its records with a subject. Records are built document by document in sentence order, as the
pipeline does, so subjects carried across sentences count when they are right.
"""

from __future__ import annotations

import argparse
from collections import Counter, defaultdict

from extract.records.attributes import VALUE_LABELS, default_metric, value_attributes, with_default_metric
from extract.records.build import TaggedSentence, document_records
from extract.tag.base import BACKENDS, DEFAULT_BACKEND, load_tagger
from extract.tag.metrics import Score
from extract.tag.refine import BUDGET_KINDS, refine
from extract.tag.spans import Example, Span, load_split

TRIPLE_RELATIONS = ("value-of", "change-of", "share-of", "rate-of", "target-of")


def gold_triples(ex: Example) -> Counter:
    return Counter(
        (ex.spans[r.tail].text, ex.spans[r.head].attrs.get("metric"), ex.spans[r.head].text)
        for r in ex.relations
        if r.type in TRIPLE_RELATIONS
    )


def attribute_accuracy(examples: list[Example]) -> dict[str, tuple[int, int]]:
    """metric / direction of gold value spans read by the rules: (right, total)."""
    out = {"metric": [0, 0], "direction": [0, 0]}
    for ex in examples:
        table_row = ex.origin == "table_row" or " | " in ex.text
        default = None if table_row else default_metric(ex.kind, ex.section_path)
        for s in ex.spans:
            if s.label not in VALUE_LABELS:
                continue
            got = with_default_metric(
                value_attributes(ex.text, ex.spans, s, table_row=table_row, budget=ex.kind in BUDGET_KINDS), s, ex.spans, default
            )
            for key in out:
                out[key][0] += getattr(got, key) == s.attrs.get(key)
                out[key][1] += 1
    return {k: (v[0], v[1]) for k, v in out.items()}


def score_records(examples: list[Example], spans: list[list[Span]], errors: bool = False) -> tuple[Score, Score]:
    """Build records from these spans document by document, in sentence order as the pipeline does, and score their
    (subject, metric, value) triples against the gold relations; also (subject, value) pairs, metric ignored.
    `errors` prints each sentence's missed and extra triples."""
    by_doc: dict[str, list[int]] = defaultdict(list)
    for i, e in enumerate(examples):
        by_doc[e.doc_id].append(i)
    predicted: dict[str, Counter] = defaultdict(Counter)
    for indexes in by_doc.values():
        sentences = [
            TaggedSentence(
                examples[i].sentence_id, examples[i].text, list(spans[i]), examples[i].section_path, origin=examples[i].origin
            )
            for i in indexes
        ]
        for rec in document_records(sentences, kind=examples[indexes[0]].kind):
            if rec.subject:
                predicted[rec.sentence_id][(rec.subject, rec.metric, rec.raw)] += 1
    score, unlabelled = Score(), Score()
    for e in examples:
        g2 = Counter((s, v) for (s, _, v), n in gold_triples(e).items() for _ in range(n))
        p2 = Counter((s, v) for (s, _, v), n in predicted[e.sentence_id].items() for _ in range(n))
        unlabelled.tp += sum((g2 & p2).values())
        unlabelled.fn += sum(g2.values()) - sum((g2 & p2).values())
        unlabelled.fp += sum(p2.values()) - sum((g2 & p2).values())
        gold, got = gold_triples(e), predicted[e.sentence_id]
        tp = sum((gold & got).values())
        score.tp += tp
        score.fn += sum(gold.values()) - tp
        score.fp += sum(got.values()) - tp
        if errors and gold != got:
            print(f"\n{e.sentence_id}: {e.text}")
            for t in (gold - got).elements():
                print(f"  missed {t}")
            for t in (got - gold).elements():
                print(f"  extra  {t}")
    return score, unlabelled


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--split", default="test", choices=("train", "dev", "test"))
    ap.add_argument("--spans", default="tagger", choices=("tagger", "gold"))
    ap.add_argument("--backend", default=DEFAULT_BACKEND, choices=sorted(BACKENDS))
    ap.add_argument("--errors", action="store_true", help="print the missed and extra triples")
    args = ap.parse_args(argv)
    examples = load_split(args.split)
    texts = [e.text for e in examples]
    if args.spans == "gold":
        spans = [e.spans for e in examples]
    else:
        tagged = load_tagger(args.backend).predict(texts)
        spans = [refine(p, e.text, e.kind, e.section_path) for p, e in zip(tagged, examples, strict=True)]
    score, unlabelled = score_records(examples, spans, errors=args.errors)
    source = "gold spans" if args.spans == "gold" else f"{args.backend} tagger spans"
    print(f"\n{args.split} split, {source}: {len(examples)} sentences")
    print(
        f"(subject, metric, value) triples: gold {score.support}, produced exactly {score.tp} "
        f"(recall {score.recall:.3f}), precision {score.precision:.3f}, F1 {score.f1:.3f}"
    )
    print(f"(subject, value) pairs, metric ignored: recall {unlabelled.recall:.3f}, precision {unlabelled.precision:.3f}")
    for key, (right, total) in attribute_accuracy(examples).items():
        print(f"{key} of gold value spans read by rule: {right}/{total} = {right / max(total, 1):.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
