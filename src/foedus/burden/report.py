"""The whole burden-sharing answer for one alliance, span and series."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from foedus._validation import validate_params
from foedus.burden.spending import SERIES_DATASETS, spending_panel
from foedus.burden.threat import threat
from foedus.data.loaders import load_system
from foedus.data.resolve import resolve_alliance
from foedus.errors import DateOutOfRangeError
from foedus.measures.burden import (
    burden_shares,
    compliance,
    exploitation_test,
    free_riding_trend,
    joint_product,
)
from foedus.model.system import ATOP_END, CommitmentSystem
from foedus.model.vocab import View
from foedus.params import BURDEN

__all__ = ["BurdenReport", "burden_report"]


@dataclass(frozen=True)
class BurdenReport:
    """Spending panel and every burden-sharing measure for one alliance and span."""

    alliance_id: str
    alliance_name: str
    series: str
    view: View
    start: int
    end: int
    panel: pd.DataFrame
    exploitation: pd.DataFrame
    shares: pd.DataFrame
    trend: pd.DataFrame
    compliance_years: pd.DataFrame
    compliance_members: pd.DataFrame
    regression: dict
    notes: tuple[str, ...] = field(default=())

    @property
    def datasets(self) -> list[str]:
        """The registered datasets the report rests on."""
        return [*SERIES_DATASETS[self.series], "cow_states", "capitals", "cow_majors"]


def _notes(panel: pd.DataFrame, series: str) -> tuple[str, ...]:
    notes = []
    if (panel["gdp_source"] == "derived_sipri").any():
        notes.append("where WDI has no GDP (2024, the 1950s), GDP is derived from SIPRI "
                     "spending and share (milex / share)")
    if (panel["population_source"] == "carried_forward").any():
        notes.append("population is carried forward after its last source year (NMC 2022, "
                     "Maddison 2018)")
    if series == "nmc":
        notes.append("NMC military expenditure over Maddison PPP GDP: an approximation across "
                     "units, not a published share")
    if series == "nato":
        notes.append("NATO's own figures (2012-2019; 2018-2019 NATO estimates); definitions "
                     "differ from SIPRI's")
    missing = panel[panel["milex_share_gdp"].isna()]
    if len(missing):
        names = ", ".join(sorted(set(missing["name"].dropna())))
        notes.append(f"members without data in some years are excluded from those years' "
                     f"statistics: {names}")
    return tuple(notes)


@validate_params(BURDEN, caller="burden_report")
def burden_report(alliance: str, start: int, end: int, *, series: str = "sipri",
                  view: View | str = View.LEGAL, seed: int = 0, n_boot: int = 2000,
                  system: CommitmentSystem | None = None) -> BurdenReport:
    """Burden sharing for ``alliance`` over ``start..end`` in one ``series``, as frames.

    Parameters
    ----------
    alliance
        A common name (``NATO``), ``book:<id>``, ``atop:<atopid>`` or a bare ATOP id.
    start, end
        The span of years, inclusive.
    series
        ``sipri``, ``nato`` or ``nmc`` (never mixed).
    view
        Membership from the ``legal`` view or ``atop`` (to ATOP's last year).
    seed, n_boot
        The bootstrap's seed and replicates.
    system
        The commitment system (default :func:`foedus.data.loaders.load_system`).

    Returns
    -------
    BurdenReport
        The spending panel and every measure (exploitation test, shares, free-riding
        trend, compliance, joint product) as frames; :func:`foedus.burden_sharing` gives
        the typed answer.

    Raises
    ------
    ParameterError
        For a parameter outside its declared range or choices.
    DateOutOfRangeError
        For a span past the ATOP view's end or outside the series.
    UnknownTreatyError
        For an alliance that names no treaty.

    References
    ----------
    .. [1] Olson, Mancur, and Richard Zeckhauser. 1966. "An Economic Theory of Alliances."
       Review of Economics and Statistics 48(3): 266-279. doi:10.2307/1927082

    Examples
    --------
    >>> report = burden_report("NATO", 2014, 2016, n_boot=20)
    >>> report.alliance_id
    'book:nato'
    """
    if View(view) is View.ATOP and end > ATOP_END.year:
        raise DateOutOfRangeError(f"the ATOP view ends in {ATOP_END.year} (ATOP 5.1); use "
                                  f"--view legal for {end}.")
    system = system or load_system()
    treaty = resolve_alliance(alliance, system, view)
    panel = spending_panel(treaty, start, end, series=series)
    exploitation = exploitation_test(panel, seed=seed, n_boot=n_boot)
    shares = burden_shares(panel)
    years, members = compliance(panel)
    regression = joint_product(panel, threat(treaty, panel[["ccode", "year"]]))
    return BurdenReport(treaty.id, treaty.name, series, View(view), start, end, panel,
                        exploitation, shares, free_riding_trend(shares), years, members,
                        regression, _notes(panel, series))
