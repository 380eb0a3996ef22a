"""``foedus panel dyad-years|state-years``: build a research panel and write it to a file.

Parse → call → render: :func:`foedus.make_panel` builds, writes and describes the panel
(a typed :class:`~foedus.panels.answer.PanelAnswer`); the steps, their units and every
choice come from :mod:`foedus.params`.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

import typer

from foedus._validation import typer_option
from foedus.atomic import atomic_path, check_output_file
from foedus.cli.output import err, print_json, step_progress
from foedus.errors import ParameterError
from foedus.params import (
    PANEL,
    PANEL_STEPS,
    SIMILARITY_CODINGS,
    SIMILARITY_CONVENTIONS,
)

app = typer.Typer(help="Build state-year and dyad-year research panels.",
                  no_args_is_help=True,
                  rich_markup_mode=None)

STEPS = tuple(PANEL_STEPS)

Years = Annotated[str, typer.Option("--years", help="START-END, e.g. 1816-2018.")]
Add = Annotated[str, typer.Option("--add", help=f"Comma-separated steps: {', '.join(STEPS)}.")]
Out = Annotated[Path, typer.Option("--out", help="Output file: .parquet, .csv or .dta.")]
Nmc = typer_option(PANEL, "nmc", "--nmc", help="NMC version for cinc: 7.0 or 6.0.")
Idealpoint = typer_option(PANEL, "idealpoint", "--idealpoint",
                          help="idealpointfp, idealpointall or idealpointlegacy.")
Json = Annotated[bool, typer.Option("--json", help="Print one JSON object describing the file.")]


def _years(text: str) -> tuple[int, int]:
    match = re.fullmatch(r"\s*(\d{4})\s*(?:-\s*(\d{4}))?\s*", text)
    if not match:
        raise ParameterError(f"--years {text!r} is not a span of years such as 1816-2018.")
    start = int(match.group(1))
    return start, int(match.group(2) or start)


def _list(text: str, allowed: tuple[str, ...], flag: str) -> list[str]:
    items = [t.strip() for t in text.split(",") if t.strip()]
    bad = [t for t in items if t not in allowed]
    if bad:
        raise typer.BadParameter(f"{', '.join(bad)} not among {', '.join(allowed)}",
                                 param_hint=flag)
    return items


def _build(unit: str, years: str, add: str, out: Path, json: bool, **options: object) -> None:
    from foedus.panels.answer import make_panel
    from foedus.panels.writers import FORMATS

    steps = _list(add, STEPS, "--add") if add else []
    if "coding" in options:
        options["coding"] = _list(str(options["coding"]), SIMILARITY_CODINGS, "--coding")
        options["convention"] = _list(str(options["convention"]), SIMILARITY_CONVENTIONS,
                                      "--convention")
    start, end = _years(years)
    check_output_file(out, suffixes=FORMATS)  # before the work: a bad --out fails at once
    with step_progress("panel") as bar, atomic_path(out) as tmp:
        task = bar.add_task("create", total=len(steps) + 2)
        answer = make_panel(unit, start, end, add=steps, out=tmp,
                            progress=lambda step: bar.update(
                                task, advance=1, description=step.replace(tmp.name, out.name)),
                            **options)  # type: ignore[arg-type]
    answer.path = str(out)
    if json:
        print_json(answer.to_json())
        return
    err.print(f"Wrote {out}: {answer.rows:,} rows, {len(answer.panel.frame.columns)} columns.",
              highlight=False)
    for note in answer.notes:
        err.print(f"note: {note}", style="yellow", highlight=False)


@app.command("dyad-years")
def dyad_years(
    out: Out, years: Years = "1816-2018", add: Add = "",
    directed: Annotated[bool, typer.Option("--directed/--undirected",
                                           help="Ordered pairs (default) or one row a pair.")
                        ] = True,
    collapse: typer_option(PANEL, "collapse", "--collapse", help="Undirected alliances: "
                           "either (a pledge either way) or both.") = "either",
    nmc: Nmc = "7.0",
    coding: Annotated[str, typer.Option("--coding", help="Similarity codings: chiba,sr.")
                      ] = "chiba,sr",
    convention: Annotated[str, typer.Option("--convention", help="Portfolio conventions: "
                                            "out,in,either.")] = "out",
    idealpoint: Idealpoint = "idealpointfp",
    json: Json = False,
) -> None:
    """Dyad-years over COW system membership, with the columns asked for."""
    _build("dyad_year", years, add, out, json, directed=directed, collapse=collapse, nmc=nmc,
           coding=coding, convention=convention, idealpoint=idealpoint)


@app.command("state-years")
def state_years(out: Out, years: Years = "1816-2018", add: Add = "", nmc: Nmc = "7.0",
                idealpoint: Idealpoint = "idealpointfp", json: Json = False) -> None:
    """State-years over COW system membership, with the columns asked for."""
    _build("state_year", years, add, out, json, nmc=nmc, idealpoint=idealpoint)
