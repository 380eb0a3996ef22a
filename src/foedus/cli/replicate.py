"""``foedus replicate``: the replication suite's tables, published beside reproduced."""

from __future__ import annotations

from typing import Annotated

import typer

from foedus.cli.output import err, out, print_json
from foedus.errors import ParameterError


def _fmt(v: float | None, unit: str) -> str:
    if v is None:
        return "-"
    if unit == "count":
        return f"{v:,.0f}"
    return f"{v:.3f}"


def command(
    name: Annotated[str | None, typer.Argument(help="The study (see --list).")] = None,
    list_: Annotated[bool, typer.Option("--list", help="List the studies.")] = False,
    summary: Annotated[bool, typer.Option(
        "--summary", help="Run every study and print one line each.")] = False,
    json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Reproduce a published study's tables from foedus's data."""
    from rich.table import Table

    from foedus.replications import replicate, study_list, suite

    if list_:
        listed = study_list()
        if json:
            print_json(listed.to_json())
            return
        for s in listed.studies:
            out.print(f"[bold]{s.name}[/]  {s.title} (doi:{s.doi})", highlight=False)
        return
    if summary:
        ran = suite(progress=(lambda name: err.print(f"replicating {name}…", highlight=False))
                    if err.is_terminal else None)  # a failure is one line off a terminal
        if json:
            print_json(ran.to_json())
            return
        for r in ran.studies:
            out.print(r.summary(), highlight=False)
        return
    if name is None:
        raise ParameterError("Name a study (foedus replicate --list shows them).")
    result = replicate(name)
    if json:
        print_json(result.to_json())
        return
    out.print(f"[bold]{result.title}[/]\n{result.citation} doi:{result.doi}", highlight=False)
    table = Table("figure", "published", "reproduced", "difference", "tolerance", "pass",
                  title=result.study)
    for f in result.figures:
        mark = {True: "[green]yes[/]", False: "[red]no[/]", None: "-"}[f.passed]
        if f.required:
            mark += " (required)"
        interval = "" if f.low is None else f" [{_fmt(f.low, f.unit)}, {_fmt(f.high, f.unit)}]"
        table.add_row(f.label, _fmt(f.published, f.unit),
                      _fmt(f.reproduced, f.unit) + interval,
                      _fmt(f.difference, f.unit), _fmt(f.tolerance, f.unit), mark)
    out.print(table)
    for f in result.figures:
        if f.note and f.passed is not True:
            out.print(f"- {f.label}: {f.note}", highlight=False)
    for note in result.notes:
        out.print(f"- {note}", highlight=False)
    out.print(result.summary(), highlight=False)
