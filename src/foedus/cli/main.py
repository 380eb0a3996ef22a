"""The ``foedus`` command line. Every sub-command is a thin face over the library.

Help is plain click help (``rich_markup_mode=None``): typer's rich help formatter costs a
quarter of a second to import, and ``foedus --help`` must start in under 0.5 s
(``benchmarks/startup.py``); results and progress are still drawn by rich.

Errors the user can cause (:class:`foedus.errors.FoedusError`) print one line on stderr and
exit with code 1; a malformed command line exits with code 2 (typer's own).
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import sys
from typing import Annotated

import typer

from foedus._validation import typer_option
from foedus.cli import (
    book,
    burden,
    compare,
    credibility,
    crisis,
    data,
    obligations,
    panel,
    reliability,
    replicate,
    report,
    serve,
    simulate,
)
from foedus.cli.output import err, out, print_json
from foedus.errors import FoedusError
from foedus.params import SUMMARY

app = typer.Typer(help="foedus: military alliances and security commitments as data.",
                  no_args_is_help=True, pretty_exceptions_enable=False,
                  rich_markup_mode=None)
app.add_typer(data.app, name="data")
app.add_typer(book.app, name="book")
app.add_typer(panel.app, name="panel")
app.command("obligations")(obligations.command)
app.command("burden")(burden.command)
app.command("reliability")(reliability.command)
app.command("replicate")(replicate.command)
app.add_typer(credibility.app, name="credibility")
app.add_typer(crisis.app, name="crisis")
app.command("simulate")(simulate.simulate)
app.command("sweep")(simulate.sweep)
app.command("compare")(compare.compare)
app.command("library")(compare.library)
app.command("serve")(serve.serve)
app.add_typer(report.app, name="report")


def _print_version(value: bool) -> None:
    if value:
        from foedus import __version__

        out.print(f"foedus {__version__}")
        raise typer.Exit()


@app.callback()
def main(version: Annotated[bool, typer.Option(
        "--version", help="Print the version.", is_eager=True,
        callback=_print_version)] = False,
         allow_outside: Annotated[bool, typer.Option(
        "--allow-outside", help="Let a scenario's `base =` name a file outside the "
        "scenario's folder tree (refused by default).")] = False) -> None:
    """foedus: military alliances and security commitments as data."""
    if allow_outside:  # read by foedus.crisis.scenario.outside_allowed
        os.environ["FOEDUS_ALLOW_OUTSIDE"] = "1"


@app.command()
def summary(year: typer_option(SUMMARY, "year", help="Year of the pledge ranking.") = 2018,
            json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """Summarise the store: datasets, alliances in force by era, top defence pledgers."""
    from rich.table import Table

    from foedus.data.answers import summarize

    answer = summarize(year=year)
    if json:
        print_json(answer.to_json())
        return
    out.print(f"[bold]foedus {answer.provenance.foedus_version}[/] store built "
              f"{answer.built_at}")
    datasets = Table("dataset", "version", "coverage", "rows", "read from", title="Datasets")
    for d in answer.datasets:
        datasets.add_row(d.name, d.version, d.coverage, f"{d.rows:,}", d.origin)
    out.print(datasets)
    eras = Table("era", "alliances in force", "with a defence pledge",
                 title="ATOP 5.1 alliances in force, by era")
    for e in answer.eras:
        eras.add_row(e.era, str(e.alliances), str(e.defense_pacts))
    out.print(eras)
    top = Table("state", "COW", "partners it must defend", "defence pacts",
                title=f"The {len(answer.top_defense_pledgers)} states with the most "
                      f"defence pledges in {answer.year} (ATOP 5.1)")
    for row in answer.top_defense_pledgers:
        s = row.state
        top.add_row(s.name, f"{s.cow} {s.abb}", str(row.partners_pledged_to_defend),
                    str(row.defense_pacts))
    out.print(top)


def run() -> None:
    """Console entry point: run the app, turning user errors into one line and exit 1."""
    # log notices (a stale prebuilt system, a fallback cache) are held until the command
    # ends: said after an answer, dropped before an error, which is one line on stderr
    held = logging.handlers.MemoryHandler(capacity=10_000, flushLevel=logging.CRITICAL + 1,
                                          target=logging.StreamHandler(sys.stderr),
                                          flushOnClose=False)
    held.setFormatter(logging.Formatter("%(message)s"))
    held.target.setFormatter(logging.Formatter("%(message)s"))  # type: ignore[union-attr]
    logging.basicConfig(level=logging.WARNING, handlers=[held])
    logging.getLogger("pooch").setLevel(logging.WARNING)
    from foedus.cli.dates import drop_notes, say_notes

    try:
        app()
    except SystemExit as exc:
        held.flush()  # an answer (or a usage error, exit 2): the notices stand
        if exc.code in (0, None):
            say_notes()  # "as of today": said once the answer stands
        raise
    except FoedusError as exc:
        drop_notes()  # an error is one line on stderr, nothing before it
        held.buffer.clear()
        line = "; ".join(part.strip() for part in str(exc).splitlines() if part.strip())
        err.print(f"[red]error:[/] {line}", highlight=False, soft_wrap=True)
        sys.exit(1)
    except KeyboardInterrupt:
        held.flush()
        err.print("interrupted; nothing was changed.", highlight=False)
        sys.exit(130)
