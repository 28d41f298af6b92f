"""Score records on a held-out document that no rule or model was written or tuned on (issue 25's blind check).

    python scripts/eval_blind.py                       # annotations/blind/: 石泉路街道 2026 单位预算, narrative pages
    python scripts/eval_blind.py --errors              # and each sentence's missed and extra triples
    python scripts/eval_blind.py --folder DIR --part test   # another blind set: DIR/sentences*.jsonl, gold*.jsonl

The sentences are the narrative of the corpus page images' document (`../shared/corpus/pages/…_pages.json`, pages 6–11
and 34: the text as printed, lines joined, cut after 。), annotated by a helper from GUIDELINES.md alone, without sight of
the system's output: one line per sentence with its (SUBJECT, metric, value) triples (`annotations/blind/README.md`).
The default tagger tags the sentences, `refine` and the record builder run as in the pipeline, and the records' triples
are scored exactly as `scripts/eval_records.py` scores the test split. The document's tables are not parsed here (there
is no PDF of it in the corpus), so subjects are not grounded in them: compare with eval_links' "records without the
subject repair".

Another folder may hold several documents: each sentence line then carries its `doc`, `kind` and `year`, and records
are built document by document. `DIR/split.json` ({"dev": [doc, …], "test": [doc, …], "final": […]}) with `--part`
scores one part: the part whose errors may be read, or one kept blind.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter, defaultdict
from pathlib import Path

from extract.records.build import TaggedSentence, document_records
from extract.tag.base import DEFAULT_BACKEND, load_tagger
from extract.tag.metrics import Score
from extract.tag.refine import refine

BLIND = Path(__file__).resolve().parents[1] / "annotations" / "blind"


def _read(paths: list[Path]) -> list[dict]:
    return [json.loads(line) for path in paths for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--folder", type=Path, default=BLIND, help="sentences.jsonl and gold.jsonl")
    ap.add_argument("--kind", default="单位预算", help="of sentences that do not name theirs")
    ap.add_argument("--year", type=int, default=2026, help="of sentences that do not name theirs")
    ap.add_argument("--part", choices=("dev", "test", "final"), help="score only this part of the folder's split.json")
    ap.add_argument("--errors", action="store_true")
    args = ap.parse_args(argv)
    sentences = _read(sorted(args.folder.glob("sentences*.jsonl")))
    if args.part:
        docs = set(json.loads((args.folder / "split.json").read_text(encoding="utf-8"))[args.part])
        sentences = [s for s in sentences if s.get("doc") in docs]
    gold = {row["id"]: Counter(tuple(t) for t in row["triples"]) for row in _read(sorted(args.folder.glob("gold*.jsonl")))}
    texts = [s["text"] for s in sentences]
    tagged = load_tagger(DEFAULT_BACKEND).predict(texts)
    by_doc: dict[str, list[int]] = defaultdict(list)
    for i, s in enumerate(sentences):
        by_doc[s.get("doc", "")].append(i)
    predicted: dict[str, Counter] = {s["id"]: Counter() for s in sentences}
    for indexes in by_doc.values():
        kind, year = sentences[indexes[0]].get("kind", args.kind), sentences[indexes[0]].get("year", args.year)
        tagged_doc = [TaggedSentence(sentences[i]["id"], texts[i], refine(tagged[i], texts[i], kind, ""), "") for i in indexes]
        for r in document_records(tagged_doc, year, kind):
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
