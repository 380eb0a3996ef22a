"""``add_similarity``: alliance-portfolio similarity for every dyad-year, a year at a time.

A state's portfolio in a year is its row of valued ties (DESIGN §4) to every state in the
COW system that year, its tie to itself at the maximum (3). Which direction of an
asymmetric pledge fills the row is the *convention*: ``out`` — i's pledges toward k, as in
ATOP's directed data (the default); ``in`` — k's pledges toward i; ``either`` — a pledge in
either direction (the higher value). Each year's measures are computed for all pairs at once
in matrix form (:func:`foedus.measures.similarity.similarity_matrices`); no loop runs over
dyads. Capability weights (``s_wabs``) are NMC 7.0 CINC scores; a state without one that
year weighs 0; years after 2022 (NMC's last) have no weighted S.

Columns: ``<measure>_<coding>`` for the default convention (``s_abs_chiba``, ``kappa_sr``…),
with ``_in`` or ``_either`` appended for the others. Years after 2018 (where ATOP ends) are
null.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from foedus._validation import Options, SubsetOf, TypeOf, validate_params
from foedus.data import queries
from foedus.errors import PanelError
from foedus.measures.similarity import similarity_matrices, valued_ties
from foedus.panels._join import add_columns
from foedus.panels.panel import ColumnInfo, Panel, states_data
from foedus.params import SIMILARITY_CODINGS, SIMILARITY_CONVENTIONS, SIMILARITY_MEASURES
from foedus.registry import dataset

__all__ = ["CODINGS", "CONVENTIONS", "MEASURES", "add_similarity", "column_name"]

MEASURES = SIMILARITY_MEASURES
CODINGS = SIMILARITY_CODINGS
CONVENTIONS = SIMILARITY_CONVENTIONS
DUMMIES = queries.ATOP_DUMMIES
_LABELS = {
    "s_abs": "Signorino & Ritter S, absolute distance",
    "s_sq": "Signorino & Ritter S, squared distance",
    "s_wabs": "Signorino & Ritter S, absolute, weighted by CINC",
    "kappa": "Cohen's kappa (Hage 2011)",
    "pi": "Scott's pi (Hage 2011)",
    "taub": "Kendall's tau-b (Bueno de Mesquita 1975)",
}


@validate_params({"measure": [Options(str, MEASURES, "a measure")],
                  "coding": [Options(str, CODINGS, "a coding")],
                  "convention": [Options(str, CONVENTIONS, "a convention")]},
                 error=PanelError)
def column_name(measure: str, coding: str, convention: str) -> str:
    """The panel column of one measure under one coding and convention.

    Parameters
    ----------
    measure, coding, convention
        As in :func:`add_similarity`.

    Returns
    -------
    str
        ``<measure>_<coding>``, with ``_in`` or ``_either`` for those conventions.

    Raises
    ------
    PanelError
        For a measure, coding or convention it does not know.

    References
    ----------
    .. [1] Signorino, Curtis S., and Jeffrey M. Ritter. 1999. "Tau-b or Not Tau-b:
       Measuring the Similarity of Foreign Policy Positions." International Studies
       Quarterly 43(1): 115-144. doi:10.1111/0020-8833.00113

    Examples
    --------
    >>> column_name("kappa", "sr", "either")
    'kappa_sr_either'
    """
    suffix = "" if convention == "out" else f"_{convention}"
    return f"{measure}_{coding}{suffix}"


def _unique(values: Sequence[str] | str) -> tuple[str, ...]:
    return tuple(dict.fromkeys([values] if isinstance(values, str) else values))


@states_data("atop_members", "atop_directed", "cow_system", "nmc_7")
@validate_params({"panel": [TypeOf(Panel, "a Panel (create_dyad_years)")],
                  "measures": [SubsetOf(MEASURES, "a list of measures")],
                  "coding": [SubsetOf(CODINGS, "a list of codings")],
                  "convention": [SubsetOf(CONVENTIONS, "a list of conventions")]},
                 error=PanelError)
def add_similarity(panel: Panel, *, measures: Sequence[str] = MEASURES,
                   coding: Sequence[str] = CODINGS, convention: Sequence[str] = ("out",),
                   ) -> Panel:
    """Alliance-portfolio similarity of each dyad-year.

    For each measure, coding and convention asked (defaults: all six measures, both codings,
    the ``out`` convention).

    Parameters
    ----------
    panel
        A dyad-year panel.
    measures
        Among ``s_abs``, ``s_sq``, ``s_wabs`` (weighted by CINC), ``kappa``, ``pi``,
        ``taub`` (:func:`foedus.measures.similarity.similarity_matrices`).
    coding
        Valued-tie codings: ``chiba``, ``sr``.
    convention
        Which direction of a pledge fills a portfolio: ``out``, ``in``, ``either``.

    Returns
    -------
    Panel
        With ``<measure>_<coding>`` (``_in``/``_either`` appended for those conventions):
        S in [-1, 1], κ and π in [-1, 1], τ_b in [-1, 1]; higher is more similar; null
        after ATOP's last year (and ``s_wabs`` after NMC's).

    Raises
    ------
    PanelError
        For a state-year panel, or a measure, coding or convention it does not know.

    Notes
    -----
    Data:

    {data}

    References
    ----------
    .. [1] Signorino, Curtis S., and Jeffrey M. Ritter. 1999. "Tau-b or Not Tau-b:
       Measuring the Similarity of Foreign Policy Positions." International Studies
       Quarterly 43(1): 115-144. doi:10.1111/0020-8833.00113
    .. [2] Häge, Frank M. 2011. "Choice or Circumstance? Adjusting Measures of Foreign
       Policy Similarity for Chance Agreement." Political Analysis 19(3): 287-305.
       doi:10.1093/pan/mpr023

    Examples
    --------
    >>> from foedus.panels import create_dyad_years
    >>> p = create_dyad_years(2000, 2000).add_similarity(measures=["s_abs"], coding=["sr"])
    >>> float(p.frame["s_abs_sr"].max())
    1.0
    """
    panel.require("dyad_year", "add_similarity")
    measures = _unique(measures)
    codings = _unique(coding)
    conventions = _unique(convention)
    frame = panel.frame
    dyads = queries.atop_dyad_years()
    members, _ = queries.system_years(panel.start, min(panel.end, queries.ATOP_LAST_YEAR))
    cinc = queries.capabilities(queries.NMC, ("cinc",), non_null="cinc")
    nmc_last = dataset("nmc_7").last_year
    names = [column_name(m, c, v) for v in conventions for c in codings for m in measures]
    out = {n: np.full(len(frame), np.nan) for n in names}
    year_index = frame.groupby("year").indices
    dyads_by_year = dyads.groupby("year").indices
    cinc_by_year = cinc.groupby("year").indices
    for year, states in members.groupby("year").indices.items():
        rows = year_index.get(year)
        if rows is None:
            continue
        codes = np.sort(members["ccode"].to_numpy()[states])
        n = len(codes)
        weights = None
        if "s_wabs" in measures and year <= nmc_last:
            weights = np.zeros(n)
            if year in cinc_by_year:
                c = cinc.iloc[cinc_by_year[year]]
                pos = np.searchsorted(codes, c["ccode"].to_numpy())
                ok = (pos < n) & (codes[np.minimum(pos, n - 1)] == c["ccode"].to_numpy())
                weights[pos[ok]] = c["cinc"].to_numpy()[ok]
        d = dyads.iloc[dyads_by_year.get(year, np.array([], dtype=int))]
        i = np.searchsorted(codes, d["ccode1"].to_numpy())
        k = np.searchsorted(codes, d["ccode2"].to_numpy())
        inside = (i < n) & (k < n)
        inside &= (codes[np.minimum(i, n - 1)] == d["ccode1"].to_numpy())
        inside &= (codes[np.minimum(k, n - 1)] == d["ccode2"].to_numpy())
        p1 = np.searchsorted(codes, frame["ccode1"].to_numpy()[rows])
        p2 = np.searchsorted(codes, frame["ccode2"].to_numpy()[rows])
        for c_name in codings:
            tie = np.zeros((n, n), dtype=np.int8)
            tie[i[inside], k[inside]] = valued_ties(
                *(d[col].to_numpy()[inside] for col in DUMMIES), coding=c_name)
            for v in conventions:
                portfolio = {"out": tie, "in": tie.T,
                             "either": np.maximum(tie, tie.T)}[v].copy()
                np.fill_diagonal(portfolio, 3)
                asked = [m for m in measures if m != "s_wabs" or weights is not None]
                result = similarity_matrices(portfolio, weights, measures=asked)
                for m in asked:
                    out[column_name(m, c_name, v)][rows] = result[m][p1, p2]
    frame = add_columns(frame, out)
    info = {column_name(m, c, v): ColumnInfo(
        f"{_LABELS[m]}, {c} coding, {v} convention", ("atop_members", "atop_directed",
                                                       "cow_system", "nmc_7"))
        for v in conventions for c in codings for m in measures}
    return panel.with_columns(frame, info)
