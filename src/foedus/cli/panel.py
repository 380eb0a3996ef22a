"""``foedus panel dyad-years|state-years``: build a research panel and write it to a file."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

import typer

from foedus.cli.output import err, print_json, step_progress
from foedus.errors import PanelError, ParameterError

app = typer.Typer(help="Build state-year and dyad-year research panels.",
                  no_args_is_help=True)

STEPS = ("alliances", "cinc", "majors", "distance", "contiguity", "spending", "gdp",
         "idealpoints", "similarity")
DYAD_ONLY = {"alliances", "distance", "contiguity", "similarity"}

Years = Annotated[str, typer.Option("--years", help="START-END, e.g. 1816-2018.")]
Add = Annotated[str, typer.Option("--add", help=f"Comma-separated steps: {', '.join(STEPS)}.")]
Out = Annotated[Path, typer.Option("--out", help="Output file: .parquet, .csv or .dta.")]
Nmc = Annotated[str, typer.Option("--nmc", help="NMC version for cinc: 7.0 or 6.0.")]
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


def _build(unit: str, years: str, add: str, out: Path, json: bool, *, directed: bool = True,
           collapse: str = "either", nmc: str = "7.0", coding: str = "chiba,sr",
           convention: str = "out", idealpoint: str = "idealpointfp") -> None:
    from foedus.panels import create_dyad_years, create_state_years
    from foedus.panels.similarity import CODINGS, CONVENTIONS
    from foedus.panels.writers import panel_metadata, write_panel

    steps = _list(add, STEPS, "--add") if add else []
    codings = _list(coding, CODINGS, "--coding")
    conventions = _list(convention, CONVENTIONS, "--convention")
    if unit == "state_year" and DYAD_ONLY & set(steps):
        raise PanelError(f"{', '.join(sorted(DYAD_ONLY & set(steps)))} need a dyad-year "
                          "panel (foedus panel dyad-years).")
    start, end = _years(years)
    with step_progress("panel") as bar:
        task = bar.add_task("create", total=len(steps) + 2)
        panel = (create_dyad_years(start, end, directed=directed) if unit == "dyad_year"
                 else create_state_years(start, end))
        for step in steps:
            bar.update(task, advance=1, description=step)
            if step == "alliances":
                panel = panel.add_alliances(collapse=collapse)
            elif step == "cinc":
                panel = panel.add_cinc(version=nmc)
            elif step == "idealpoints":
                panel = panel.add_idealpoints(measure=idealpoint)
            elif step == "similarity":
                panel = panel.add_similarity(coding=codings, convention=conventions)
            else:
                panel = getattr(panel, f"add_{step}")()
        bar.update(task, advance=1, description=f"write {out.name}")
        write_panel(panel, out)
    meta = panel_metadata(panel)
    if json:
        print_json({"path": str(out), **meta})
        return
    err.print(f"Wrote {out}: {len(panel):,} rows, {len(panel.frame.columns)} columns.",
              highlight=False)
    for note in panel.notes:
        err.print(f"note: {note}", style="yellow", highlight=False)


@app.command("dyad-years")
def dyad_years(
    out: Out, years: Years = "1816-2018", add: Add = "",
    directed: Annotated[bool, typer.Option("--directed/--undirected",
                                           help="Ordered pairs (default) or one row a pair.")
                        ] = True,
    collapse: Annotated[str, typer.Option("--collapse", help="Undirected alliances: either "
                                          "(a pledge either way) or both.")] = "either",
    nmc: Nmc = "7.0",
    coding: Annotated[str, typer.Option("--coding", help="Similarity codings: chiba,sr.")
                      ] = "chiba,sr",
    convention: Annotated[str, typer.Option("--convention", help="Portfolio conventions: "
                                            "out,in,either.")] = "out",
    idealpoint: Annotated[str, typer.Option("--idealpoint", help="idealpointfp, "
                                            "idealpointall or idealpointlegacy.")
                          ] = "idealpointfp",
    json: Json = False,
) -> None:
    """Dyad-years over COW system membership, with the columns asked for."""
    if collapse not in ("either", "both"):
        raise typer.BadParameter("must be either or both", param_hint="--collapse")
    if nmc not in ("7.0", "6.0"):
        raise typer.BadParameter("must be 7.0 or 6.0", param_hint="--nmc")
    _build("dyad_year", years, add, out, json, directed=directed, collapse=collapse, nmc=nmc,
           coding=coding, convention=convention, idealpoint=idealpoint)


@app.command("state-years")
def state_years(out: Out, years: Years = "1816-2018", add: Add = "", nmc: Nmc = "7.0",
                idealpoint: Annotated[str, typer.Option("--idealpoint")] = "idealpointfp",
                json: Json = False) -> None:
    """State-years over COW system membership, with the columns asked for."""
    if nmc not in ("7.0", "6.0"):
        raise typer.BadParameter("must be 7.0 or 6.0", param_hint="--nmc")
    _build("state_year", years, add, out, json, nmc=nmc, idealpoint=idealpoint)
