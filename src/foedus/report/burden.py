"""``foedus report burden``: burden sharing in an alliance as a page — spending against the
2 % and 3.5 % guidelines, benefit and cost shares, the exploitation test by year,
compliance, the members through time and the joint-product regression.

The numbers are :func:`foedus.burden.answer.burden_answer` (``foedus burden --json``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from foedus import charts
from foedus.burden.answer import burden_answer
from foedus.data.identities import resolve_state
from foedus.data.loaders import load_system
from foedus.report.footer import footer
from foedus.report.html import Page

__all__ = ["burden_report_html"]


def _f(v: float | None, digits: int = 2) -> str:
    return "–" if v is None else f"{v:.{digits}f}"


def _members_chart(page: Page, alliance_id: str, end: int) -> None:
    """The alliance's members through time (the legal view's treaty), named as on
    1 January of ``end`` (states gone by then keep their COW code)."""
    treaty = load_system().treaty(alliance_id)

    def name(cow: int) -> str:
        try:
            return resolve_state(cow, on=dt.date(end, 1, 1)).key
        except Exception:  # a state without a record on that day keeps its code
            return f"cow:{cow}"

    records = charts.membership_records(treaty, name=name)
    page.chart("members", charts.treaty_members(records, title=treaty.name))


def burden_report_html(alliance: str, start: int, end: int, *, series: str = "sipri",
                       seed: int = 0, command: str = "") -> tuple[str, dict[str, Any]]:
    """The HTML of a burden-sharing report and its provenance.

    Parameters
    ----------
    alliance : str
        NATO, ``book:nato``, ``atop:3180``, a bare ATOP id, a name.
    start, end : int
        The years.
    series : str
        ``sipri``, ``nato`` or ``nmc``.
    seed : int
        The bootstrap seed.
    command : str
        The command line shown under "Reproduce".

    Returns
    -------
    tuple
        ``(html, provenance)``.

    Raises
    ------
    foedus.errors.FoedusError
        For an unknown alliance or years outside the series.
    """
    typed = burden_answer(alliance, start, end, series=series, seed=seed)
    answer = typed.to_json()
    al = answer["alliance"]
    page = Page(f"Burden sharing: {al['name']}, {start}–{end}",
                f"{al['id']}, series {answer['series']}, bootstrap seed {seed}.")
    last = max((y for y in answer["years"] if y["n_at_2pct"] is not None),
               key=lambda y: y["year"], default=None)
    cells = []
    if last is not None:
        cells.append((f"members at or above 2% in {last['year']}",
                      f"{last['n_at_2pct']} of {last['n_members']}",
                      f"years.{last['year']}.n_at_2pct", last["n_at_2pct"]))
        if last["spearman"] is not None:
            cells.append((f"Spearman ρ (size, burden) in {last['year']}",
                          f"{last['spearman']:.2f}", f"years.{last['year']}.spearman",
                          last["spearman"]))
    page.headline(cells)
    page.heading("Spending against the guidelines", anchor="spending")
    page.chart("spending", charts.spending_over_time(answer))
    page.heading("Who pays, who benefits", anchor="shares")
    page.chart("shares", charts.shares(answer))
    page.heading("The exploitation test", anchor="exploitation")
    page.para("Olson and Zeckhauser (1966): if the large carry a disproportionate burden, "
              "size and burden are positively rank-correlated. Spearman's ρ with its "
              "bootstrap interval, each year.", "note")
    page.chart("exploitation", charts.exploitation_test(answer))
    page.table(["year", "members", "missing", "Spearman ρ", "p", "95% interval",
                "Kendall τ", "at ≥ 2%"], [
        (str(y["year"]), str(y["n_members"]), str(y["n_missing"]),
         (_f(y["spearman"]), y["spearman"], f"years.{y['year']}.spearman"),
         _f(y["spearman_p"], 3),
         f"[{_f(y['spearman_ci'][0])}, {_f(y['spearman_ci'][1])}]", _f(y["kendall"]),
         ("–" if y["n_at_2pct"] is None else str(y["n_at_2pct"]), y["n_at_2pct"],
          f"years.{y['year']}.n_at_2pct"))
        for y in answer["years"]], numeric=(1, 2, 3, 4, 6, 7), key="years", sortable=True)
    page.heading("Compliance", anchor="compliance")
    page.chart("compliance", charts.compliance(answer))
    page.heading("Members through time", anchor="members")
    _members_chart(page, al["id"], end)
    year, gaps = typed.largest_gaps(5)
    if gaps:
        page.para(f"Largest benefit-minus-cost gaps in {year} (free-riding index, percentage "
                  "points): " + ", ".join(f"{n} ({g:+.1f})" for n, g in gaps) + ".")
    page.heading("The joint-product view", anchor="regression")
    page.para(str(answer["regression"].get("interpretation", "")))
    if answer["notes"]:
        page.heading("Notes", anchor="notes")
        page.items(answer["notes"])
    prov = dict(answer["provenance"])
    if command:
        prov["command"] = command
    return page.render(footer(prov, command)), prov
