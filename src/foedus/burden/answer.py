"""The burden-sharing answer, typed: ``foedus burden --json`` with its provenance.

:func:`burden_answer` (``foedus.burden_sharing``) computes the whole report
(:func:`foedus.burden.report.burden_report`) and shapes it: per year the Olson & Zeckhauser
test and the number of members at 2 %; per member-year the shares and the free-riding
index, each value with its series and sources; the joint-product regression; the notes.
Plots are drawn by the report face (:mod:`foedus.report.burden_plots`), never here.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from pydantic import PrivateAttr

from foedus._validation import validate_params
from foedus.answer import TypedAnswer, jsonable
from foedus.burden.report import BurdenReport, burden_report
from foedus.model.vocab import View
from foedus.params import BURDEN
from foedus.provenance import CarriedForward, Provenance
from foedus.registry import dataset

__all__ = ["AllianceRef", "BurdenAnswer", "MemberYear", "YearTest", "burden_answer"]


class AllianceRef(TypedAnswer):
    """The alliance: its treaty id and name."""

    id: str
    name: str


class YearTest(TypedAnswer):
    """One year: members, the exploitation test, and members at the 2 % guideline."""

    year: int
    n_members: int
    n_missing: int
    spearman: float | None
    spearman_p: float | None
    spearman_ci: list[float | None]
    kendall: float | None
    kendall_p: float | None
    n_at_2pct: int | None


class Sources(TypedAnswer):
    """Where a member-year's values come from."""

    series: str
    gdp: str | None
    population: str | None


class MemberYear(TypedAnswer):
    """One member-year: its burden (percent of GDP), shares (percent) and free riding."""

    iso3: str | None
    cow: int
    year: int
    milex_share_gdp: float | None
    gdp_share: float | None
    spending_share: float | None
    free_riding: float | None
    milex_usd: float | None
    gdp_usd: float | None
    source: Sources


class BurdenAnswer(TypedAnswer):
    """``foedus burden --json``.

    The exploitation test by year, member shares and free riding, the joint-product
    regression, notes, plots written and provenance.
    """

    alliance: AllianceRef
    series: str
    years: list[YearTest]
    members: list[MemberYear]
    regression: dict[str, Any]
    notes: list[str]
    plots: list[str]
    provenance: Provenance
    _report: BurdenReport | None = PrivateAttr(default=None)

    @property
    def report(self) -> BurdenReport | None:
        """The report's frames (panel, tests, shares), when computed here."""
        return self._report

    def largest_gaps(self, n: int = 5) -> tuple[int | None, list[tuple[str, float]]]:
        """The last year and its ``n`` members with the largest benefit-minus-cost gap.

        The gap is the free-riding index, in percentage points, largest first (none if that
        year has no index).
        """
        report = self._report
        if report is None:
            return None, []
        last = report.shares.merge(report.panel[["ccode", "year", "name"]],
                                   on=["ccode", "year"])
        last = last[last["year"] == last["year"].max()].dropna(subset=["free_riding"])
        if not len(last):
            return None, []
        top = last.sort_values("free_riding", ascending=False).head(n)
        return int(last["year"].max()), [(str(r.name), float(r.free_riding))
                                         for r in top.itertuples()]


def _num(value: Any) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _int(value: Any) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


def _carried(report: BurdenReport) -> list[CarriedForward]:
    """Population carried past its sources' last year (NMC, then Maddison)."""
    if not (report.panel["population_source"] == "carried_forward").any():
        return []
    return [CarriedForward(dataset=name, last_day=dataset(name).last_day,
                           what="population (the last known value carried forward)")
            for name in ("nmc_7", "maddison")]


def answer_of(report: BurdenReport) -> BurdenAnswer:
    """The typed answer of a :class:`~foedus.burden.report.BurdenReport`."""
    years = report.exploitation.merge(report.compliance_years[["year", "n_at_target"]],
                                      on="year", how="left")
    members = report.panel.merge(report.shares[["ccode", "year", "gdp_share", "pop_share",
                                                "spending_share", "free_riding"]],
                                 on=["ccode", "year"], how="left")
    answer = BurdenAnswer(
        alliance=AllianceRef(id=report.alliance_id, name=report.alliance_name),
        series=report.series,
        years=[YearTest(year=int(r.year), n_members=int(r.n_members),
                        n_missing=int(r.n_missing), spearman=_num(r.spearman),
                        spearman_p=_num(r.spearman_p),
                        spearman_ci=[_num(r.spearman_lo), _num(r.spearman_hi)],
                        kendall=_num(r.kendall), kendall_p=_num(r.kendall_p),
                        n_at_2pct=_int(r.n_at_target))
               for r in years.itertuples(index=False)],
        members=[MemberYear(iso3=r.iso3 if isinstance(r.iso3, str) else None,
                            cow=int(r.ccode), year=int(r.year),
                            milex_share_gdp=_num(r.milex_share_gdp),
                            gdp_share=_num(r.gdp_share), spending_share=_num(r.spending_share),
                            free_riding=_num(r.free_riding), milex_usd=_num(r.milex_usd),
                            gdp_usd=_num(r.gdp_usd),
                            source=Sources(series=report.series, gdp=_str(r.gdp_source),
                                           population=_str(r.population_source)))
                 for r in members.itertuples(index=False)],
        regression=jsonable(report.regression), notes=list(report.notes), plots=[],
        provenance=Provenance.of(report.datasets, view=report.view.value,
                                 carried_forward=_carried(report)))
    answer._report = report
    return answer


@validate_params(BURDEN, caller="burden_sharing")
def burden_answer(alliance: str = "NATO", start: int = 2014, end: int = 2024, *,
                  series: str = "sipri", view: View | str = View.LEGAL, seed: int = 0,
                  n_boot: int = 2000) -> BurdenAnswer:
    """Burden sharing in an alliance over a span of years, in one spending series.

    Parameters
    ----------
    alliance
        ``NATO``, ``book:nato``, ``atop:3180``, a bare ATOP id or another common name
        (:data:`foedus.data.resolve.ALLIANCE_ALIASES`).
    start, end
        The span of years (inclusive).
    series
        ``sipri`` (1949-2024), ``nato`` (2012-2019) or ``nmc`` (1816-2022); never mixed.
    view
        Membership from the ``legal`` view (our book first) or ``atop`` (to 2018).
    seed
        Seed of the bootstrap intervals.
    n_boot
        Bootstrap replicates.

    Returns
    -------
    BurdenAnswer
        ``years`` (Spearman's ρ and Kendall's τ_b in [-1, 1] of size and burden, with p and
        a bootstrap interval; members at 2 %), ``members`` (burden in percent of GDP, shares
        in percent, the free-riding index in percentage points), ``regression`` and
        ``provenance``; ``to_json()`` is ``foedus burden --json``.

    Raises
    ------
    ParameterError
        For a parameter outside its declared range or choices, or a span ending before it
        starts.
    UnknownTreatyError
        For an alliance name that names no treaty.
    DateOutOfRangeError
        For a span outside the series or the view.

    References
    ----------
    .. [1] Olson, Mancur, and Richard Zeckhauser. 1966. "An Economic Theory of Alliances."
       Review of Economics and Statistics 48(3): 266-279. doi:10.2307/1927082

    Examples
    --------
    >>> answer = burden_answer("NATO", 2014, 2015, n_boot=50)
    >>> [y.year for y in answer.years]
    [2014, 2015]
    """
    return answer_of(burden_report(alliance, start, end, series=series, view=view, seed=seed,
                                   n_boot=n_boot))
