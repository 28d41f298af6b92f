"""Cross-validate a tagger by document on the train split: each train document is held out in turn, the model is
trained on the other train documents (plus the made-up sentences of annotations/synthetic/), and the held-out
document's predictions (with the refine rules) are pooled into one score, for the spans and for the records built from
them (`scripts/eval_records.py`).

    python scripts/cv_taggers.py                          # crf, default config
    python scripts/cv_taggers.py --backend sklearn --set c=0.5
    python scripts/cv_taggers.py --save /tmp/cv_spans.jsonl  # also keep the out-of-fold spans (scripts/eval_links.py)
    python scripts/cv_taggers.py --save /tmp/cv_raw.jsonl --raw  # ... as the tagger gave them, before refine

Dev has one document and no TARGET, so feature and config choices that touch SUBJECT or TARGET are made on this
pooled score (about 1,200 sentences from ten documents) instead; the test split is never read.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from eval_records import score_records
from train_taggers import parse_overrides

from extract.tag.base import BACKENDS, backend_module
from extract.tag.metrics import score_spans, score_table
from extract.tag.refine import refine
from extract.tag.spans import load_split, load_synthetic


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--backend", default="crf", choices=sorted(BACKENDS))
    ap.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE")
    ap.add_argument("--save", type=Path, help="write the out-of-fold spans here, one JSON line per sentence")
    ap.add_argument(
        "--raw",
        action="store_true",
        help="with --save: write the tagger's spans before refine (eval_links.py --refine applies the current rules)",
    )
    args = ap.parse_args(argv)
    module = backend_module(args.backend)
    config = {**module.DEFAULT_CONFIG, **parse_overrides(args.overrides)}
    train = load_split("train")
    synthetic = load_synthetic()
    dev = load_split("dev")
    held_out_examples, gold, raw, predicted = [], [], [], []
    for doc in sorted({ex.doc_id for ex in train}):
        held_out = [ex for ex in train if ex.doc_id == doc]
        rest = [ex for ex in train if ex.doc_id != doc] + synthetic
        tagger = module.train(rest, dev, config)
        with tempfile.TemporaryDirectory() as folder:
            tagger.save(Path(folder))
            spans = tagger.predict([ex.text for ex in held_out])
        held_out_examples += held_out
        raw += spans
        gold += [ex.spans for ex in held_out]
        predicted += [refine(p, ex.text, ex.kind, ex.section_path) for p, ex in zip(spans, held_out, strict=True)]
        print(f"{held_out[0].source[:40]}: {len(held_out)} sentences held out")
    print(f"\n{args.backend} {config}: leave-one-document-out over {len(gold)} train sentences")
    print(score_table({args.backend: score_spans(gold, predicted)}))
    if args.save:
        rows = [
            {
                "sentence_id": ex.sentence_id,
                "spans": [
                    {"start": s.start, "end": s.end, "label": s.label, "text": s.text, "confidence": s.confidence} for s in spans
                ],
            }
            for ex, spans in zip(held_out_examples, raw if args.raw else predicted, strict=True)
        ]
        args.save.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
    records, _ = score_records(held_out_examples, predicted)
    print(
        f"records: {records.tp} of {records.support} gold (subject, metric, value) triples produced exactly "
        f"(recall {records.recall:.3f}), precision {records.precision:.3f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
