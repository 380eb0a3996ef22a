"""``foedus report``: self-contained HTML reports (optionally PDF) of a scenario, a
counterfactual, the case library, burden sharing and the replication suite.

Parse → call the builders of :mod:`foedus.report` → write atomically → print where the
report went (``--json``: ``{"out", "bytes", "provenance"}``).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from foedus._validation import typer_option
from foedus.cli.output import err, out, print_json, step_progress
from foedus.cli.simulate import Draws, Seed
from foedus.params import BURDEN

app = typer.Typer(help="Write a self-contained HTML report (optionally PDF).",
                  no_args_is_help=True, rich_markup_mode=None)

Out = Annotated[Path, typer.Option("--out", help="The HTML file to write.")]
Pdf = Annotated[bool, typer.Option("--pdf", help="Also print it to PDF (beside the HTML) "
                                   "with headless chromium.")]
Json = Annotated[bool, typer.Option("--json", help="Print {out, bytes, provenance} as one "
                                    "JSON object.")]


def _command() -> list[str]:
    """The arguments this command was run with (for the report's Reproduce section)."""
    return ["report", *sys.argv[sys.argv.index("report") + 1:]] if "report" in sys.argv \
        else ["report"]


def _done(html: str, provenance: dict, out_path: Path, pdf: bool, json: bool) -> None:
    from foedus.report.answer import publish

    answer = publish(html, provenance, out_path, pdf=pdf)
    if json:
        print_json(answer.to_json())
        return
    out.print(f"wrote {answer.out} ({answer.bytes:,} bytes)", highlight=False)
    if answer.pdf:
        out.print(f"wrote {answer.pdf}", highlight=False)


def _cmd() -> str:
    from foedus.report.footer import command_line

    return command_line(_command())


@app.command("scenario")
def scenario(
    file: Annotated[Path, typer.Argument(help="A scenario file (TOML; docs/crisis.md).")],
    out_path: Out,
    draws: Draws = None,
    seed: Seed = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Date, YYYY-MM-DD (default: "
                                              "the scenario's own).")] = None,
    sweeps: Annotated[bool, typer.Option("--sweeps/--no-sweeps", help="Run the "
                                         "sensitivity sweeps (stakes, credibility shift, "
                                         "speed of reinforcement).")
                      ] = True,
    pdf: Pdf = False,
    json: Json = False,
) -> None:
    """One scenario: who is bound and why, P(deterred), who is drawn in, the map."""
    from foedus.report.scenario import scenario_report
    from foedus.units import as_day

    day = None if as_of is None else as_day(as_of, name="--as-of")
    with step_progress("draws") as bar:
        task = bar.add_task("", total=None)
        html, prov = scenario_report(file, draws=draws, seed=seed, as_of=day, sweeps=sweeps,
                                     command=_cmd(), progress=lambda n: bar.advance(task, n))
    _done(html, prov, out_path, pdf, json)


@app.command("compare")
def compare(
    base: Annotated[Path, typer.Argument(help="The base scenario (TOML).")],
    alt: Annotated[Path, typer.Argument(help="The alternative (base = … plus [[modify]]).")],
    out_path: Out,
    draws: Draws = None,
    seed: Seed = None,
    alliance: Annotated[str | None, typer.Option("--alliance", help="The alliance whose "
                                                 "system metrics are compared.")] = None,
    threshold: Annotated[float, typer.Option("--threshold", min=0.0, max=1.0,
                                             help="Coverage counts pledges at least this "
                                                  "credible.")] = 0.5,
    pdf: Pdf = False,
    json: Json = False,
) -> None:
    """A counterfactual: before, after and the difference, with errors; system metrics."""
    from foedus.report.compare import compare_report

    with step_progress("draws") as bar:
        task = bar.add_task("", total=None)
        html, prov = compare_report(base, alt, draws=draws, seed=seed, alliance=alliance,
                                    threshold=threshold, command=_cmd(),
                                    progress=lambda n: bar.advance(task, n))
    _done(html, prov, out_path, pdf, json)


@app.command("library")
def library(
    folder: Annotated[Path, typer.Argument(help="Folder of scenario files.")] = Path(
        "scenarios"),
    out_path: Out = Path("library.html"),
    draws: Draws = None,
    seed: Seed = None,
    workers: Annotated[int, typer.Option("--workers", min=1, help="Processes that simulate "
                                         "the cases at once (the page does not depend on "
                                         "it).")] = 1,
    pdf: Pdf = False,
    json: Json = False,
) -> None:
    """Every case of the library in one sortable page, each with its map."""
    from foedus.report.library import library_report

    files = sorted(folder.glob("*.toml"))
    with step_progress("cases") as bar:
        task = bar.add_task("", total=len(files))
        html, prov = library_report(files, draws=draws, seed=seed, command=_cmd(),
                                    workers=workers, progress=lambda: bar.advance(task, 1))
    _done(html, prov, out_path, pdf, json)


@app.command("burden")
def burden(
    out_path: Out,
    alliance: Annotated[str, typer.Option("--alliance", help="NATO, book:nato, atop:3180, "
                                          "a bare ATOP id…")] = "NATO",
    years: Annotated[str, typer.Option("--years", help="START-END.")] = "2014-2024",
    series: typer_option(BURDEN, "series", "--series", help="sipri, nato or nmc.") = "sipri",
    seed: typer_option(BURDEN, "seed", "--seed", help="Bootstrap seed.") = 0,
    pdf: Pdf = False,
    json: Json = False,
) -> None:
    """Burden sharing: spending against the guidelines, shares, the exploitation test."""
    from foedus.cli.panel import _years
    from foedus.report.burden import burden_report_html

    start, end = _years(years)
    html, prov = burden_report_html(alliance, start, end, series=series, seed=seed,
                                    command=_cmd())
    _done(html, prov, out_path, pdf, json)


@app.command("replications")
def replications(
    names: Annotated[list[str] | None, typer.Argument(
        help="Studies to run (default: the whole suite; foedus replicate --list).")] = None,
    out_path: Out = Path("replications.html"),
    pdf: Pdf = False,
    json: Json = False,
) -> None:
    """The replication suite: every study's tables, published beside reproduced."""
    from foedus.report.replications import replications_report

    html, prov = replications_report(
        names, command=_cmd(),
        progress=lambda name: err.print(f"replicating {name}…", highlight=False))
    _done(html, prov, out_path, pdf, json)
