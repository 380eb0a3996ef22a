"""``foedus book check FILE``: validate a book and print every problem with file:line."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from foedus.cli.output import err, out
from foedus.errors import FoedusError

app = typer.Typer(help="Validate books of commitments (TOML).", no_args_is_help=True)


@app.command()
def check(files: Annotated[list[Path], typer.Argument(help="Book files to check.")]) -> None:
    """Validate each FILE; print every error as FILE:LINE: FIELD: MESSAGE (exit 1 if any)."""
    from foedus.model.book import check_book

    failed = 0
    for path in files:
        try:
            text = path.read_text("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise FoedusError(f"cannot read {path}: {exc}") from None
        treaty, problems = check_book(text, str(path))
        for problem in problems:
            err.print(str(problem), highlight=False, soft_wrap=True)
        if problems:
            failed += 1
        else:
            out.print(f"{path}: ok — {treaty.name}: {len(treaty.members)} memberships, "
                      f"{len(treaty.obligations)} obligations", highlight=False)
    if failed:
        raise typer.Exit(1)
