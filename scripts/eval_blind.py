"""Score records on a held-out document that no rule or model was written or tuned on (issue 25's blind check).

    python scripts/eval_blind.py                       # annotations/blind/: 石泉路街道 2026 单位预算, narrative pages
    python scripts/eval_blind.py --errors              # and each sentence's missed and extra triples

The sentences are the narrative of the corpus page images' document (`../shared/corpus/pages/…_pages.json`, pages 6–11
and 34: the text as printed, lines joined, cut after 。), annotated by a helper from GUIDELINES.md alone, without sight of
the system's output: one line per sentence with its (SUBJECT, metric, value) triples (`annotations/blind/README.md`).
The default tagger tags the sentences, `refine` and the record builder run as in the pipeline, and the records' triples
are scored exactly as `scripts/eval_records.py` scores the test split. The document's tables are not parsed here (there
is no PDF of it in the corpus), so subjects are not grounded in them: compare with eval_links' "records without the
subject repair".
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from extract.records.build import TaggedSentence, document_records
from extract.tag.base import DEFAULT_BACKEND, load_tagger
from extract.tag.metrics import Score
from extract.tag.refine import refine

BLIND = Path(__file__).resolve().parents[1] / "annotations" / "blind"


def _read(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--folder", type=Path, default=BLIND, help="sentences.jsonl and gold.jsonl")
    ap.add_argument("--kind", default="单位预算")
    ap.add_argument("--year", type=int, default=2026)
    ap.add_argument("--errors", action="store_true")
    args = ap.parse_args(argv)
    sentences = _read(args.folder / "sentences.jsonl")
    gold = {row["id"]: Counter(tuple(t) for t in row["triples"]) for row in _read(args.folder / "gold.jsonl")}
    texts = [s["text"] for s in sentences]
    tagged = load_tagger(DEFAULT_BACKEND).predict(texts)
    spans = [refine(p, text, args.kind, "") for p, text in zip(tagged, texts, strict=True)]
    records = document_records(
        [TaggedSentence(s["id"], s["text"], sp, "") for s, sp in zip(sentences, spans, strict=True)], args.year, args.kind
    )
    predicted: dict[str, Counter] = {s["id"]: Counter() for s in sentences}
    for r in records:
        if r.subject:
            predicted[r.sentence_id][(r.subject, r.metric, r.raw)] += 1
    score = Score()
    for s in sentences:
        want, got = gold.get(s["id"], Counter()), predicted[s["id"]]
        hit = sum((want & got).values())
        score.tp += hit
        score.fn += sum(want.values()) - hit
        score.fp += sum(got.values()) - hit
        if args.errors and want != got:
            print(f"\n{s['id']}: {s['text']}")
            for t in (want - got).elements():
                print(f"  missed {t}")
            for t in (got - want).elements():
                print(f"  extra  {t}")
    print(
        f"{len(sentences)} sentences, {score.support} gold triples: produced exactly {score.tp} "
        f"(recall {score.recall:.3f}), precision {score.precision:.3f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
