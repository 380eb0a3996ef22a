"""``foedus burden``: who pays for an alliance, who free-rides, who meets which target.

Parse → call → render: the answer is :func:`foedus.burden_sharing` (a typed
:class:`~foedus.burden.answer.BurdenAnswer`); plots come from :mod:`foedus.report`.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated

import typer

from foedus._validation import typer_option
from foedus.atomic import check_output_folder
from foedus.cli.output import err, out, plots_or_error, print_json
from foedus.cli.panel import _years
from foedus.model.vocab import View
from foedus.params import BURDEN


def _f(value, digits: int = 2) -> str:
    return "-" if value is None or (isinstance(value, float) and math.isnan(value)) \
        else f"{value:.{digits}f}"


def command(
    alliance: Annotated[str, typer.Option("--alliance", help="NATO, book:nato, atop:3180, "
                                          "a bare ATOP id, 'Warsaw Pact'…")] = "NATO",
    years: Annotated[str | None, typer.Option("--years", help="START-END, inside the "
                                              "series' coverage (default: 2014 to the "
                                              "series' last year).")] = None,
    series: typer_option(BURDEN, "series", "--series", help="sipri, nato or nmc.") = "sipri",
    view: Annotated[View, typer.Option("--view", help="Membership from the legal view "
                                       "(default) or ATOP's.")] = View.LEGAL,
    seed: typer_option(BURDEN, "seed", "--seed", help="Bootstrap seed.") = 0,
    plot: Annotated[Path | None, typer.Option("--plot", help="Write plots into this folder.")
                    ] = None,
    json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Burden sharing: exploitation test, shares, compliance and the joint-product view."""
    from foedus.burden.answer import burden_answer
    from foedus.burden.spending import default_years

    start, end = _years(years) if years is not None else default_years(series)
    if plot is not None:
        check_output_folder(plot)  # before the work: a bad --plot fails at once
    answer = burden_answer(alliance, start, end, series=series, view=view, seed=seed)
    failed = None
    if plot is not None:
        from foedus.report.burden_plots import plot_burden

        failed = plots_or_error(lambda: plot_burden(answer.report, plot), plot)
        if isinstance(failed, list):
            answer.plots, failed = [str(p) for p in failed], None
    if json:
        print_json(answer.to_json())
    else:
        _print(answer)
        for path in answer.plots:
            err.print(f"wrote {path}", highlight=False)
    if failed is not None:  # the results are printed; the plots alone failed
        raise failed


def _print(answer) -> None:
    from rich.table import Table

    report = answer.report
    out.print(f"[bold]{report.alliance_name}[/] ({report.alliance_id}), {report.start}-"
              f"{report.end}, series {report.series}, {report.view.value} view",
              highlight=False)
    table = Table("year", "members", "missing", "Spearman ρ (size, burden)", "p",
                  "95% interval", "Kendall τ", "at ≥2%",
                  title="Olson & Zeckhauser exploitation test and 2% guideline")
    for r in answer.years:
        lo, hi = r.spearman_ci
        table.add_row(str(r.year), str(r.n_members), str(r.n_missing), _f(r.spearman),
                      _f(r.spearman_p, 3), f"[{_f(lo)}, {_f(hi)}]", _f(r.kendall),
                      "-" if r.n_at_2pct is None else str(r.n_at_2pct))
    out.print(table)
    year, gaps = answer.largest_gaps(5)
    if gaps:
        names = ", ".join(f"{name} ({gap:+.1f} pp)" for name, gap in gaps)
        out.print(f"Largest benefit-minus-cost gaps in {year}: {names}", highlight=False)
    out.print(f"Joint-product view: {answer.regression['interpretation']}", highlight=False)
    for note in answer.notes:
        out.print(f"note: {note}", style="yellow", highlight=False)
