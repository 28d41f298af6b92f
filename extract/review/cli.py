"""`budgetlens review …`: serve the review app, add users, export and import reviewed items."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table as RichTable

from extract.review.store import ROLES, Store
from extract.tag.base import BACKENDS, DEFAULT_BACKEND, TaggerUnavailable, load_tagger

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Check and correct a run's extractions on the page image.")
console = Console()
err_console = Console(stderr=True)

OUT_DIR = typer.Argument(..., help="A `budgetlens run` output folder.", exists=True, file_okay=False)


class Format(StrEnum):
    GOLD = "gold"
    PRODIGY = "prodigy"
    LABELSTUDIO = "labelstudio"
    FINDINGS = "findings"


def _store(out_dir: Path) -> Store:
    if not (out_dir / "documents.parquet").exists():
        err_console.print(f"[red]{out_dir} is not a budgetlens run output folder (no documents.parquet)[/red]")
        raise typer.Exit(2)
    return Store(out_dir / "review.sqlite")


@app.command()
def serve(
    out_dir: Path = OUT_DIR,
    host: str = typer.Option("127.0.0.1", "--host", help="Interface to bind; the default keeps it on this machine."),
    port: int = typer.Option(8765, "--port"),
    source_root: list[Path] = typer.Option([], "--source-root", help="Folder that relative source paths are read from."),
) -> None:
    """Serve the review app over OUT_DIR (state in OUT_DIR/review.sqlite)."""
    import uvicorn

    from extract.review.app import create_app

    _store(out_dir)
    console.print(f"review app on http://{host}:{port}/ — log in with a token from `budgetlens review add-user`")
    uvicorn.run(create_app(out_dir, source_root), host=host, port=port, log_level="warning")


@app.command("add-user")
def add_user(
    out_dir: Path = OUT_DIR,
    name: str = typer.Argument(..., help="User name (an existing user gets a new token)."),
    role: str = typer.Option("reviewer", "--role", help=f"One of {', '.join(ROLES)}."),
) -> None:
    """Create a user; the last line printed is the user's new token (only its hash is stored)."""
    if role not in ROLES:
        err_console.print(f"[red]--role must be one of {', '.join(ROLES)}[/red]")
        raise typer.Exit(2)
    token = _store(out_dir).add_user(name, role)
    console.print(f"user {name} ({role}) — keep this token, it is not shown again:")
    print(token)


@app.command()
def export(
    out_dir: Path = OUT_DIR,
    fmt: Format = typer.Option(
        Format.GOLD,
        "--format",
        help="gold (annotations/gold JSONL), prodigy (JSONL), labelstudio (JSON), or findings (the verdicts on findings, JSONL).",
    ),
    out: Path = typer.Option(..., "-o", "--out", help="File to write."),
) -> None:
    """Write the reviewed sentences (accepted, corrected or rejected) in one of the exchange formats, or the
    verdicts on findings."""
    from extract.review.exchange import export_reviewed

    n = export_reviewed(out_dir, fmt.value, out)
    console.print(f"{n} {'decided findings' if fmt == Format.FINDINGS else 'reviewed sentences'} → {out}")


@app.command("import")
def import_(
    out_dir: Path = OUT_DIR,
    file: Path = typer.Argument(..., help="A gold, Prodigy or Label Studio file.", exists=True, dir_okay=False),
    fmt: Format = typer.Option(Format.GOLD, "--format"),
    user: str = typer.Option(..., "--user", help="The reviewer the imported decisions are logged under."),
) -> None:
    """Log the sentences of an exchange file as decisions (each on the item's current version)."""
    from extract.review.exchange import import_reviewed

    if fmt == Format.FINDINGS:
        err_console.print("[red]verdicts on findings are exported, not imported: --format gold, prodigy or labelstudio[/red]")
        raise typer.Exit(2)
    report = import_reviewed(out_dir, fmt.value, file, user)
    console.print(
        f"{report.applied} decisions logged, {report.unchanged} already so, {report.unmatched} sentences not in this dataset"
    )


def train(
    reviewed: list[Path] = typer.Option(..., "--reviewed", help="`budgetlens review export --format gold` files.", exists=True),
    backend: str = typer.Option(DEFAULT_BACKEND, "--backend", help=f"One of {', '.join(BACKENDS)}."),
    out: Path | None = typer.Option(None, "--out", help="Model folder to write; default ./tagger-<backend>-reviewed."),
) -> None:
    """Retrain a tagger with reviewed sentences added to its training data; print test scores before and after."""
    from extract.tag.training import load_reviewed, split_scores, train_tagger

    try:
        before_tagger = load_tagger(backend)
    except TaggerUnavailable as exc:
        err_console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc
    data = load_reviewed(reviewed)
    console.print(
        f"{len(data.examples)} reviewed sentences added ({data.incomplete} not complete and "
        f"{data.held_out} in the dev/test split left out)"
    )
    out = out or Path(f"tagger-{backend}-reviewed")  # not beside the shipped models: those live inside the package
    version = f"{before_tagger.version}+reviewed.{len(data.examples)}"
    before = split_scores(before_tagger)
    after = split_scores(train_tagger(backend, {}, out, extra=data.examples, extra_files=reviewed, version=version))
    scores = RichTable(title=f"test split, exact span F1 ({before_tagger.version} → {version})")
    for column in ("label", "before", "after", "support"):
        scores.add_column(column)
    for label, score in before.items():
        scores.add_row(label, f"{score.f1:.3f}", f"{after[label].f1:.3f}", str(score.support))
    console.print(scores)
    write_card(out, backend, version, before_tagger.version, reviewed, data.examples, before, after)


def write_card(
    out: Path, backend: str, version: str, base_version: str, files: list[Path], examples: list, before: dict, after: dict
) -> None:
    rows = "\n".join(f"| {label} | {b.f1:.3f} | {after[label].f1:.3f} | {b.support} |" for label, b in before.items())
    sources = ", ".join(sorted({f.name for f in files}))
    (out / "README.md").write_text(
        f"""# tagger-{backend} {version} — model card

- **What**: the {backend} tagger {base_version} retrained with {len(examples)} reviewed sentences added to its training
  data (the gold train split and the made-up sentences, as `scripts/train_taggers.py`), by `budgetlens train --reviewed`.
- **Reviewed data**: {sources}; only sentences marked complete, and none whose text is in the dev or test split.
  Per-file sha256 prefixes are in meta.json.
- **Scores** on the gold test split, exact span match, after refine (as `scripts/eval_taggers.py`):

| label | before ({base_version}) | after ({version}) | support |
|---|---|---|---|
{rows}

Try it with `budgetlens tag --tagger {out} "…"`; from Python, `extract.tag.base.load_tagger("{out}")`.
""",
        encoding="utf-8",
    )
