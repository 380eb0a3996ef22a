"""``foedus book check FILE``: validate a book and print every problem with file:line.

Parse → call → render: :func:`foedus.check_books` checks the files (a typed
:class:`~foedus.data.book_check.BookCheckAnswer`); this module prints the problems on
stderr, an ``ok`` line per good file on stdout, and exits 1 if any file has a problem.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from foedus.cli.output import err, out, print_json

app = typer.Typer(help="Validate books of commitments (TOML).", no_args_is_help=True,
                  rich_markup_mode=None)


@app.command()
def check(files: Annotated[list[Path], typer.Argument(help="Book files to check.")],
          crosswalk: Annotated[Path | None, typer.Option(
              "--crosswalk", help="Crosswalk file to judge overlaps by (default: the "
              "shipped books/crosswalk.toml).")] = None,
          json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")
                          ] = False) -> None:
    """Validate each FILE; print every error as FILE:LINE: FIELD: MESSAGE (exit 1 if any)."""
    from foedus.data.book_check import check_files

    answer = check_files(files, crosswalk=crosswalk)
    if json:
        print_json(answer.to_json())
    else:
        for f in answer.files:
            for problem in f.problems:
                err.print(str(problem), highlight=False, soft_wrap=True)
            if not f.problems:
                out.print(f"{f.file}: ok — {f.summary}", highlight=False)
        for note in answer.notes:
            err.print(f"note: {note}", highlight=False, soft_wrap=True)
        for f in answer.files:
            for problem in f.overlaps:
                err.print(str(problem), highlight=False, soft_wrap=True)
    if answer.failed:
        raise typer.Exit(1)
