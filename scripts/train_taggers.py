"""Train the narrative taggers on annotations/gold and save them under extract/models/.

    python scripts/train_taggers.py                      # every backend whose dependencies are installed
    python scripts/train_taggers.py --backend sklearn    # one backend
    python scripts/train_taggers.py --backend transformer --set epochs=40 --set device=cuda

Training reads the train split plus the made-up sentences of annotations/synthetic/ (planned counts
as TARGET, `scripts/make_synthetic_sentences.py`; the accounts' prose with its subjects,
`scripts/make_synthetic_accounts.py`; --no-synthetic leaves them out), and the dev split
for early stopping / model selection only; the test split is never read here. Each model folder
gets a meta.json with the backend, version, config, training data (file names and sha256 of the gold
and synthetic files) and dev scores. Same data + same config + same seed → the same model (up to
floating-point nondeterminism of multi-threaded BLAS/torch).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from extract.tag.base import BACKENDS, TaggerUnavailable, model_dir
from extract.tag.training import train_tagger


def _parse_value(raw: str) -> object:
    try:
        return json.loads(raw)
    except json.JSONDecodeError:
        return raw


def parse_overrides(items: list[str]) -> dict[str, object]:
    """ "KEY=VALUE" command-line items as a config dict (values read as JSON where they parse)."""
    return {k: _parse_value(v) for k, _, v in (item.partition("=") for item in items)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--backend", choices=sorted(BACKENDS), action="append", help="default: all installed")
    ap.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a config value (JSON or a plain string)",
    )
    ap.add_argument(
        "--no-synthetic", action="store_true", help="train on the gold train split only, without annotations/synthetic/*.jsonl"
    )
    ap.add_argument("--out", type=Path, help="output folder (one backend only); default extract/models/tagger-<backend>")
    args = ap.parse_args(argv)
    overrides = parse_overrides(args.overrides)
    backends = args.backend or list(BACKENDS)
    if args.out and len(backends) != 1:
        ap.error("--out needs exactly one --backend")
    failed = 0
    for backend in backends:
        try:
            train_tagger(backend, overrides, args.out or model_dir(backend), synthetic=not args.no_synthetic)
        except TaggerUnavailable as exc:
            print(f"{backend}: skipped ({exc})", file=sys.stderr)
            failed += bool(args.backend)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
