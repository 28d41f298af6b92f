"""Masked-LM pre-training of the transformer tagger's character encoder on unlabeled budget text.

    python scripts/pretrain_mlm.py                       # → extract/models/mlm-char/ (the tagger's default init_from)
    python scripts/pretrain_mlm.py --epochs 30 --out /tmp/mlm

Text: the sentence snapshot (annotations/sentences.jsonl), the seed text dumps (../shared/seeds) and the
text layer of the corpus PDFs (../shared/corpus), **without the documents of the test split and without
those of the dev split** (their names are read from the `source` field of annotations/gold/{test,dev}.jsonl,
nothing else of those files), so that dev scores measure what pre-training brings to unseen documents.
Lines are split into sentences (extract.tag.sentences), cut to the position table and de-duplicated.

The model is `extract.tag.transformer_tagger.CharMLMModel`: the tagger's encoder (characters + pattern
marks + character class → BertModel) with a masked-LM head; the tagger copies the encoder weights and
uses the vocabulary saved here. Saved: config.json + model.safetensors, vocab.json, meta.json.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import time
from pathlib import Path

import torch
from torch import nn

from extract.tag.base import write_meta
from extract.tag.sentences import split_sentences
from extract.tag.spans import GOLD_DIR, REPO_ROOT, load_split
from extract.tag.transformer_tagger import (
    CHAR_CLASSES,
    DEFAULT_CONFIG,
    MASK,
    SPECIALS,
    CharMLMModel,
    Vocab,
    batch_tensors,
    bert_config,
    encode_text,
    length_batches,
    set_seed,
    windows,
)

SHARED = REPO_ROOT.parent / "shared"
OUT = REPO_ROOT / "extract" / "models" / "mlm-char"


def split_prefixes(split: str) -> list[str]:
    """Name prefixes of the documents of a gold split (only its `source` fields are read): a source
    "x__y.pdf" also covers its companion files "x__*" (a 说明 and its 公开表), a seed "002_….txt" itself."""
    prefixes = []
    for line in (GOLD_DIR / f"{split}.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            source = json.loads(line)["source"]
            prefixes.append(source.split("__")[0] + "__" if "__" in source else Path(source).stem)
    return prefixes


def excluded_prefixes(include_dev: bool) -> tuple[str, ...]:
    """The test documents, always; the dev documents unless `include_dev`."""
    return tuple(sorted({*split_prefixes("test"), *([] if include_dev else split_prefixes("dev"))}))


def corpus_texts(exclude: tuple[str, ...]) -> dict[str, list[str]]:
    """Unlabeled text by origin, as sentences, excluding the documents whose name starts with `exclude`."""
    out: dict[str, list[str]] = {"sentences.jsonl": [], "seeds": [], "corpus pdf": [], "corpus pages": []}
    for line in (REPO_ROOT / "annotations" / "sentences.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if not row["source"].startswith(exclude):
            out["sentences.jsonl"].append(row["text"])
    for path in sorted((SHARED / "seeds").glob("*.txt")):
        if not path.name.startswith(exclude):
            out["seeds"].extend(s.text for s in split_sentences(path.read_text(encoding="utf-8")))
    pdf_dir = SHARED / "corpus" / "pdf"
    if pdf_dir.is_dir():
        import pymupdf

        for path in sorted(pdf_dir.glob("*.pdf")):
            if path.name.startswith(exclude):
                continue
            with pymupdf.open(path) as doc:
                for page in doc:
                    out["corpus pdf"].extend(s.text for s in split_sentences(page.get_text()))
    for path in sorted((SHARED / "corpus" / "pages").glob("*.json")):
        if not path.name.startswith(exclude):
            for page in json.loads(path.read_text(encoding="utf-8")):
                out["corpus pages"].extend(s.text for s in split_sentences(page["text"]))
    return out


def mask_batch(batch: dict[str, torch.Tensor], vocab: Vocab, rng: torch.Generator, rate: float) -> torch.Tensor:
    """BERT masking in place (80 % [MASK], 10 % random, 10 % kept); returns the labels (-100 elsewhere)."""
    ids = batch["input_ids"]
    real = batch["classes"] > 2
    chosen = (torch.rand(ids.shape, generator=rng) < rate) & real
    labels = torch.where(chosen, ids, torch.full_like(ids, -100))
    roll = torch.rand(ids.shape, generator=rng)
    to_mask = chosen & (roll < 0.8)
    to_random = chosen & (roll >= 0.8) & (roll < 0.9)
    ids = ids.masked_fill(to_mask, vocab.index[MASK])
    random_ids = torch.randint(len(SPECIALS), len(vocab.chars), ids.shape, generator=rng)
    batch["input_ids"] = torch.where(to_random, random_ids, ids)
    # the pattern marks and class of a masked character would give it away
    batch["marks"] = batch["marks"].masked_fill(to_mask.unsqueeze(-1), 0.0)
    batch["classes"] = batch["classes"].masked_fill(to_mask, CHAR_CLASSES.index("[MASK]"))
    return labels


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--epochs", type=int, default=15)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--mask-rate", type=float, default=0.15)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--include-dev", action="store_true", help="also pre-train on the dev documents' text")
    ap.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override an encoder setting of the tagger's DEFAULT_CONFIG (hidden_size, num_layers, …)",
    )
    args = ap.parse_args(argv)
    config = dict(DEFAULT_CONFIG)
    for item in args.overrides:
        key, _, raw = item.partition("=")
        try:
            config[key] = json.loads(raw)
        except json.JSONDecodeError:
            config[key] = raw
    set_seed(args.seed)
    torch.set_num_threads(max(1, min(args.threads, 2)))

    exclude = excluded_prefixes(args.include_dev)
    by_origin = corpus_texts(exclude)
    train_texts = [e.text for e in load_split("train")]
    seen: set[str] = set()
    texts = []
    for text in [*train_texts, *(t for ts in by_origin.values() for t in ts)]:
        text = text.strip()
        if len(text) >= 4 and text not in seen:
            seen.add(text)
            texts.append(text)
    vocab = Vocab.build(texts, bool(config["normalize_digits"]))
    size = int(config["max_length"]) - 2
    encoded = [encode_text(t, vocab) for t in texts]
    items = [(enc, s, e) for enc in encoded for s, e in windows(len(enc.ids), size)]
    n_chars = sum(len(t) for t in texts)
    print(
        f"pre-training text: {len(texts)} sentences, {n_chars} characters, vocabulary {len(vocab.chars)}; "
        + ", ".join(f"{k} {len(v)}" for k, v in by_origin.items())
        + f"; excluded {', '.join(exclude)}",
        file=sys.stderr,
    )

    model = CharMLMModel(bert_config(config, len(vocab.chars)))
    model.train()
    steps = args.epochs * math.ceil(len(items) / args.batch_size)
    warmup = max(1, steps // 20)
    optim = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01)
    sched = torch.optim.lr_scheduler.LambdaLR(optim, lambda s: min((s + 1) / warmup, max(0.0, (steps - s) / (steps - warmup))))
    loss_fn = nn.CrossEntropyLoss(ignore_index=-100)
    rng = random.Random(args.seed)
    gen = torch.Generator().manual_seed(args.seed)
    t0 = time.perf_counter()
    history = []
    for epoch in range(args.epochs):
        total, count = 0.0, 0
        for chunk in length_batches(items, args.batch_size, rng):
            batch = batch_tensors(chunk, vocab, "cpu")
            labels = mask_batch(batch, vocab, gen, args.mask_rate)
            logits = model(**batch)
            loss = loss_fn(logits.reshape(-1, logits.shape[-1]), labels.reshape(-1))
            optim.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optim.step()
            sched.step()
            n = int((labels != -100).sum())
            total += float(loss.detach()) * n
            count += n
        history.append(round(total / max(1, count), 4))
        print(
            f"epoch {epoch + 1:3d}  mlm loss {history[-1]:.4f}  ({time.perf_counter() - t0:.0f} s)", file=sys.stderr, flush=True
        )

    args.out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(args.out, safe_serialization=True)
    (args.out / "vocab.json").write_text(json.dumps(vocab.to_json(), ensure_ascii=False) + "\n", encoding="utf-8")
    write_meta(
        args.out,
        {
            "what": "masked-LM pre-trained character encoder for the transformer tagger (init_from)",
            "command": "python scripts/pretrain_mlm.py " + " ".join(argv if argv is not None else sys.argv[1:]),
            "excluded_sources": list(exclude),
            "text": {"sentences": len(texts), "characters": n_chars, **{k: len(v) for k, v in by_origin.items()}},
            "vocab_size": len(vocab.chars),
            "encoder": {
                k: config[k]
                for k in (
                    "hidden_size",
                    "num_layers",
                    "num_heads",
                    "intermediate_size",
                    "max_length",
                    "dropout",
                    "normalize_digits",
                    "pattern_features",
                )
            },
            "epochs": args.epochs,
            "batch_size": args.batch_size,
            "lr": args.lr,
            "mask_rate": args.mask_rate,
            "seed": args.seed,
            "loss_by_epoch": history,
            "seconds": round(time.perf_counter() - t0, 1),
        },
    )
    print(f"saved → {args.out} in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
