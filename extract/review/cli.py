"""`budgetlens review …`: serve the review app, add users, export and import reviewed items."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import typer
from rich.console import Console

from extract.review.store import ROLES, Store

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Check and correct a run's extractions on the page image.")
console = Console()
err_console = Console(stderr=True)

OUT_DIR = typer.Argument(..., help="A `budgetlens run` output folder.", exists=True, file_okay=False)


class Format(StrEnum):
    GOLD = "gold"
    PRODIGY = "prodigy"
    LABELSTUDIO = "labelstudio"


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
        Format.GOLD, "--format", help="gold (annotations/gold JSONL), prodigy (JSONL) or labelstudio (JSON)."
    ),
    out: Path = typer.Option(..., "-o", "--out", help="File to write."),
) -> None:
    """Write the reviewed sentences (accepted, corrected or rejected) in one of the exchange formats."""
    from extract.review.exchange import export_reviewed

    n = export_reviewed(out_dir, fmt.value, out)
    console.print(f"{n} reviewed sentences → {out}")


@app.command("import")
def import_(
    out_dir: Path = OUT_DIR,
    file: Path = typer.Argument(..., help="A gold, Prodigy or Label Studio file.", exists=True, dir_okay=False),
    fmt: Format = typer.Option(Format.GOLD, "--format"),
    user: str = typer.Option(..., "--user", help="The reviewer the imported decisions are logged under."),
) -> None:
    """Log the sentences of an exchange file as decisions (each on the item's current version)."""
    from extract.review.exchange import import_reviewed

    report = import_reviewed(out_dir, fmt.value, file, user)
    console.print(
        f"{report.applied} decisions logged, {report.unchanged} already so, {report.unmatched} sentences not in this dataset"
    )
