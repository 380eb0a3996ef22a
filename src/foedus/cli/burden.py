"""``foedus burden``: who pays for an alliance, who free-rides, who meets which target."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from foedus.cli.output import err, out, print_json
from foedus.cli.panel import _years
from foedus.model.vocab import View


def _f(value, digits: int = 2) -> str:
    return "-" if value is None or (isinstance(value, float) and math.isnan(value)) \
        else f"{value:.{digits}f}"


def report_json(report) -> dict:
    """The JSON form (DESIGN §7; flat iso3/cow keys in members[], as the issue asks)."""
    import pandas as pd

    years = report.exploitation.merge(report.compliance_years[["year", "n_at_target"]],
                                      on="year", how="left")
    members = report.panel.merge(report.shares[["ccode", "year", "gdp_share", "pop_share",
                                                "spending_share", "free_riding"]],
                                 on=["ccode", "year"], how="left")
    return {
        "alliance": {"id": report.alliance_id, "name": report.alliance_name},
        "series": report.series,
        "years": [{"year": int(r.year), "n_members": int(r.n_members),
                   "n_missing": int(r.n_missing), "spearman": r.spearman,
                   "spearman_p": r.spearman_p, "spearman_ci": [r.spearman_lo, r.spearman_hi],
                   "kendall": r.kendall, "kendall_p": r.kendall_p,
                   "n_at_2pct": None if pd.isna(r.n_at_target) else int(r.n_at_target)}
                  for r in years.itertuples(index=False)],
        "members": [{"iso3": r.iso3 if isinstance(r.iso3, str) else None, "cow": int(r.ccode),
                     "year": int(r.year), "milex_share_gdp": r.milex_share_gdp,
                     "gdp_share": r.gdp_share, "spending_share": r.spending_share,
                     "free_riding": r.free_riding, "milex_usd": r.milex_usd,
                     "gdp_usd": r.gdp_usd, "source": {
                         "series": report.series, "gdp": r.gdp_source,
                         "population": r.population_source}}
                    for r in members.itertuples(index=False)],
        "regression": report.regression,
        "notes": list(report.notes),
    }


def command(
    alliance: Annotated[str, typer.Option("--alliance", help="NATO, book:nato, atop:3180, "
                                          "a bare ATOP id, 'Warsaw Pact'…")] = "NATO",
    years: Annotated[str, typer.Option("--years", help="START-END.")] = "2014-2024",
    series: Annotated[str, typer.Option("--series", help="sipri, nato or nmc.")] = "sipri",
    view: Annotated[View, typer.Option("--view", help="Membership from the legal view "
                                       "(default) or ATOP's.")] = View.LEGAL,
    seed: Annotated[int, typer.Option("--seed", help="Bootstrap seed.")] = 0,
    plot: Annotated[Path | None, typer.Option("--plot", help="Write plots into this folder.")
                    ] = None,
    json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Burden sharing: exploitation test, shares, compliance and the joint-product view."""
    from foedus.burden import SERIES, burden_report
    from foedus.provenance import provenance

    if series not in SERIES:
        raise typer.BadParameter(f"must be one of {', '.join(SERIES)}", param_hint="--series")
    start, end = _years(years)
    report = burden_report(alliance, start, end, series=series, view=view, seed=seed)
    paths = []
    if plot is not None:
        from foedus.report.burden_plots import plot_burden

        paths = plot_burden(report, plot)
    if json:
        print_json({**report_json(report), "plots": [str(p) for p in paths],
                    "provenance": provenance(report.datasets, view=view.value)})
        return
    _print(report)
    for path in paths:
        err.print(f"wrote {path}", highlight=False)


def _print(report) -> None:
    import pandas as pd

    out.print(f"[bold]{report.alliance_name}[/] ({report.alliance_id}), {report.start}-"
              f"{report.end}, series {report.series}, {report.view.value} view",
              highlight=False)
    table = Table("year", "members", "missing", "Spearman ρ (size, burden)", "p",
                  "95% interval", "Kendall τ", "at ≥2%",
                  title="Olson & Zeckhauser exploitation test and 2% guideline")
    years = report.exploitation.merge(report.compliance_years[["year", "n_at_target"]],
                                      on="year", how="left")
    for r in years.itertuples(index=False):
        table.add_row(str(r.year), str(r.n_members), str(r.n_missing), _f(r.spearman),
                      _f(r.spearman_p, 3), f"[{_f(r.spearman_lo)}, {_f(r.spearman_hi)}]",
                      _f(r.kendall), "-" if pd.isna(r.n_at_target) else str(r.n_at_target))
    out.print(table)
    last = report.shares.merge(report.panel[["ccode", "year", "name"]], on=["ccode", "year"])
    last = last[last["year"] == last["year"].max()].dropna(subset=["free_riding"])
    if len(last):
        top = last.sort_values("free_riding", ascending=False).head(5)
        names = ", ".join(f"{r.name} ({r.free_riding:+.1f} pp)" for r in top.itertuples())
        out.print(f"Largest benefit-minus-cost gaps in {int(last['year'].max())}: {names}",
                  highlight=False)
    out.print(f"Joint-product view: {report.regression['interpretation']}", highlight=False)
    for note in report.notes:
        out.print(f"note: {note}", style="yellow", highlight=False)
