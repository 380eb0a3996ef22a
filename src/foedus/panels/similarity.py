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

from collections.abc import Iterator, Sequence

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from foedus._validation import Options, SubsetOf, TypeOf, validate_params
from foedus.data import queries
from foedus.errors import PanelError
from foedus.measures.similarity import valued_ties
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
    columns, info, fill = _similarity_filler(panel, measures=measures, coding=coding,
                                            convention=convention)
    for _ in fill:  # a year at a time, into the preallocated columns
        pass
    return panel.with_columns(add_columns(panel.frame, columns), info)


def _similarity_filler(panel: Panel, *, measures: Sequence[str] = MEASURES,
                      coding: Sequence[str] = CODINGS, convention: Sequence[str] = ("out",),
                      ) -> tuple[dict[str, np.ndarray], dict[str, ColumnInfo], Iterator[int]]:
    """:func:`add_similarity` in two parts: its columns allocated, then the iterator filling them.

    The columns (every value NaN) are for ``panel``'s rows; any panel with the same rows
    (the ``add_*`` steps keep the rows) can take them, so the measures can be computed
    while other steps run and written while later years are computed
    (:meth:`foedus.panels.panel.Panel.collect_streaming`). Exhausting the iterator fills
    them in place, a year at a time, and after each year yields how many of the frame's
    first rows are final (0 while none is known to be: rows not sorted by year), last the
    number of rows. :func:`add_similarity` is this with the iterator exhausted at once.

    Parameters
    ----------
    panel, measures, coding, convention
        As in :func:`add_similarity` (checked there; this is the plan's internal form).

    Returns
    -------
    tuple
        The columns (name to a float64 array, one value per row), their descriptions, and
        the filler.

    Raises
    ------
    PanelError
        For a state-year panel.

    References
    ----------
    .. [1] Häge, Frank M. 2011. "Choice or Circumstance? Adjusting Measures of Foreign
       Policy Similarity for Chance Agreement." Political Analysis 19(3): 287-305.
       doi:10.1093/pan/mpr023

    Examples
    --------
    >>> from foedus.panels import create_dyad_years
    >>> panel = create_dyad_years(2000, 2000)
    >>> columns, info, fill = _similarity_filler(panel, measures=["pi"], coding=["chiba"])
    >>> list(columns), bool(np.isnan(columns["pi_chiba"]).all())
    (['pi_chiba'], True)
    >>> list(fill)[-1] == len(panel.frame), float(np.nanmax(columns["pi_chiba"]))
    (True, 1.0)
    """
    panel.require("dyad_year", "add_similarity")
    measures = _unique(measures)
    codings = _unique(coding)
    conventions = _unique(convention)
    frame = panel.frame
    dyads = queries.atop_dyad_years()
    members, _ = queries.system_years(panel.start, min(panel.end, queries.ATOP_LAST_YEAR))
    cinc = queries.capabilities(queries.NMC, ("cinc",), non_null="cinc")
    names = [column_name(m, c, v) for v in conventions for c in codings for m in measures]
    out = {n: np.full(len(frame), np.nan) for n in names}
    info = {column_name(m, c, v): ColumnInfo(
        f"{_LABELS[m]}, {c} coding, {v} convention", ("atop_members", "atop_directed",
                                                       "cow_system", "nmc_7"))
        for v in conventions for c in codings for m in measures}
    year = frame["year"].to_numpy()
    in_order = bool(np.all(year[1:] >= year[:-1]))

    def fill() -> Iterator[int]:
        # small matrices (n <= 200 a year): BLAS threads cost more than they give, and on a
        # shared machine their spinning multiplies the wall time (benchmarks/panel.py)
        with threadpool_limits(limits=1, user_api="blas"):
            for done in _fill(out, frame, members, dyads, cinc, measures, codings,
                              conventions):
                yield int(np.searchsorted(year, done, side="right")) if in_order else 0
        yield len(frame)

    return out, info, fill()


def _fill(out: dict[str, np.ndarray], frame: pd.DataFrame, members: pd.DataFrame,
          dyads: pd.DataFrame, cinc: pd.DataFrame, measures: tuple[str, ...],
          codings: tuple[str, ...], conventions: tuple[str, ...]) -> Iterator[int]:
    """Fill the preallocated columns ``out`` a year at a time, yielding each year done."""
    nmc_last = dataset("nmc_7").last_year
    year_index = frame.groupby("year").indices
    dyads_by_year = dyads.groupby("year").indices
    cinc_by_year = cinc.groupby("year").indices
    flags = [dyads[col].to_numpy() for col in DUMMIES]
    ties = {c: valued_ties(*flags, coding=c) for c in codings}  # every dyad-year at once
    ccode1, ccode2 = dyads["ccode1"].to_numpy(), dyads["ccode2"].to_numpy()
    frame1, frame2 = frame["ccode1"].to_numpy(), frame["ccode2"].to_numpy()
    member_codes = members["ccode"].to_numpy()
    names = {(m, c, v): column_name(m, c, v) for v in conventions for c in codings
             for m in measures}
    for year, states in members.groupby("year").indices.items():
        rows = year_index.get(year)
        if rows is None:
            continue
        codes = np.sort(member_codes[states])
        n = len(codes)
        weights = None
        if "s_wabs" in measures and year <= nmc_last:
            weights = np.zeros(n)
            if year in cinc_by_year:
                c = cinc.iloc[cinc_by_year[year]]
                pos = np.searchsorted(codes, c["ccode"].to_numpy())
                ok = (pos < n) & (codes[np.minimum(pos, n - 1)] == c["ccode"].to_numpy())
                weights[pos[ok]] = c["cinc"].to_numpy()[ok]
        d = dyads_by_year.get(year, np.array([], dtype=int))
        i = np.searchsorted(codes, ccode1[d])
        k = np.searchsorted(codes, ccode2[d])
        inside = (i < n) & (k < n)
        inside &= (codes[np.minimum(i, n - 1)] == ccode1[d])
        inside &= (codes[np.minimum(k, n - 1)] == ccode2[d])
        cells, target = _cells(codes, rows, frame1, frame2)
        asked = [m for m in measures if m != "s_wabs" or weights is not None]
        for c_name in codings:
            tie = np.zeros((n, n), dtype=np.int8)
            tie[i[inside], k[inside]] = ties[c_name][d][inside]
            for v in conventions:
                portfolio = {"out": tie, "in": tie.T,
                             "either": np.maximum(tie, tie.T)}[v].copy()
                np.fill_diagonal(portfolio, 3)
                result = _portfolio_similarity(portfolio, weights, asked)
                for m in asked:
                    out[names[m, c_name, v]][target] = result[m].ravel().take(cells)
        yield year


def _cells(codes: np.ndarray, rows: np.ndarray, frame1: np.ndarray,
           frame2: np.ndarray) -> tuple[np.ndarray, slice | np.ndarray]:
    """Where one year's dyads sit: flat cells of the year's n x n matrices, and their rows.

    ``rows`` (ascending) are the frame's rows of the year, ``codes`` the year's members,
    sorted. The rows are usually one run holding every ordered pair in row-major order
    (as :func:`~foedus.panels.create.create_dyad_years` makes them): checked, then the run
    is a slice and the cells are the off-diagonal ones; otherwise each row's codes are
    looked up.
    """
    n = len(codes)
    first, count = int(rows[0]), len(rows)
    if count == n * (n - 1) and int(rows[-1]) - first + 1 == count:
        grid = np.arange(n * n).reshape(n, n)
        cells = grid[~np.eye(n, dtype=bool)]
        run = slice(first, first + count)
        if (np.array_equal(frame1[run], codes[cells // n])
                and np.array_equal(frame2[run], codes[cells % n])):
            return cells, run
    p1 = np.searchsorted(codes, frame1[rows])
    p2 = np.searchsorted(codes, frame2[rows])
    return np.ravel_multi_index((p1, p2), (n, n)), rows


def _portfolio_similarity(ties: np.ndarray, weights: np.ndarray | None,
                         measures: Sequence[str]) -> dict[str, np.ndarray]:
    r"""One year's similarity matrices from fewer matrix products, equal bit for bit.

    The measures of :func:`foedus.measures.similarity.similarity_matrices` for one year's
    square portfolio matrix.

    With :math:`X_a` the indicator of level *a* (0…3) and :math:`N_{ab} = X_a X_b^\top`
    the joint counts, only the products of the non-zero levels are computed (one float32
    product of the stacked :math:`X_1, X_2, X_3`, exact for counts below :math:`2^{24}`);
    the level-0 counts follow by inclusion and exclusion from the row counts
    :math:`r_a`: :math:`N_{a0} = r_a 1^\top - \sum_{b>0} N_{ab}`,
    :math:`N_{00} = m - r - r^\top + \sum_{a,b>0} N_{ab}`. Kendall's :math:`C - D` is
    :math:`\sum_{a<a'} \sum_{b,b'} \operatorname{sgn}(b' - b) N_{ab} N_{a'b'}`, from
    suffix sums over :math:`a'` and running sums over :math:`b'`. Every count, sum and
    :math:`C - D` is an integer below :math:`2^{24}` for fewer than 4,096 states, exact in
    float32 (half the memory traffic of float64), so the measures, computed from them by
    the same expressions as :func:`~foedus.measures.similarity.similarity_matrices`, are
    the same numbers (tests/panels/test_similarity_kernel.py); the weighted S is that
    function's own product.

    Parameters
    ----------
    ties
        n × n integer ties in 0…3, the diagonal at 3.
    weights
        n capability weights, or None (no ``s_wabs``).
    measures
        The measures to compute (names of :data:`MEASURES`).

    Returns
    -------
    dict of str to numpy.ndarray
        n × n float64 matrices, as :func:`~foedus.measures.similarity.similarity_matrices`.

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
    >>> ties = np.array([[3, 3, 0], [3, 3, 1], [0, 1, 3]])
    >>> round(float(_portfolio_similarity(ties, None, ["s_abs"])["s_abs"][0, 1]), 6)
    0.777778
    """
    delta, levels = 3, 4
    t = np.asarray(ties)
    n, m = t.shape
    wanted = set(measures)
    exact = np.float32 if m < 4096 else np.float64  # integers below 2**24 are exact in float32
    stacked = np.empty((levels - 1, n, m), dtype=exact)
    for a in range(1, levels):
        np.equal(t, a, out=stacked[a - 1])
    flat = stacked.reshape((levels - 1) * n, m)
    product = (flat @ flat.T).reshape(levels - 1, n, levels - 1, n)
    rows = stacked.sum(axis=2, dtype=np.float64)  # r_a(i), a = 1..3
    joint = np.empty((levels, levels, n, n), dtype=exact)  # N[a, b, i, j] = N_ab[i, j]
    joint[1:, 1:] = product.transpose(0, 2, 1, 3)
    joint[1:, 0] = rows[:, :, None] - joint[1:, 1:].sum(axis=1)
    joint[0, 1:] = rows[:, None, :] - joint[1:, 1:].sum(axis=0)
    total = rows.sum(axis=0)
    joint[0, 0] = m - total[:, None] - total[None, :] + joint[1:, 1:].sum(
        axis=(0, 1), dtype=np.float64)
    counts = np.concatenate([(m - total)[None, :], rows])  # r_a(i), a = 0..3
    planes = joint.reshape(levels * levels, n * n)
    a_ = np.arange(levels, dtype=np.float64)
    gap = a_[:, None] - a_[None, :]
    out: dict[str, np.ndarray] = {}
    if "s_abs" in wanted:
        sad = np.einsum("x,xk->k", np.abs(gap).ravel().astype(exact), planes
                        ).reshape(n, n).astype(np.float64)
        out["s_abs"] = 1.0 - 2.0 * sad / (m * delta)
    if "s_sq" in wanted or "kappa" in wanted or "pi" in wanted:
        ssd = np.einsum("x,xk->k", (gap**2).ravel().astype(exact), planes
                        ).reshape(n, n).astype(np.float64)
        out["s_sq"] = 1.0 - 2.0 * ssd / (m * delta**2)
        s = a_ @ counts
        ss = (a_**2) @ counts
        ss_pair = ss[:, None] + ss[None, :]
        with np.errstate(divide="ignore", invalid="ignore"):
            den = m * ss_pair - 2.0 * np.outer(s, s)
            out["kappa"] = np.where(den != 0, 1.0 - (m * ssd) / den, np.nan)
            den = 2.0 * m * ss_pair - (s[:, None] + s[None, :]) ** 2
            out["pi"] = np.where(den != 0, 1.0 - (2.0 * m * ssd) / den, np.nan)
    if "s_wabs" in wanted and weights is not None:
        w = np.asarray(weights, dtype=np.float64)
        x = (t[None, :, :] == a_[:, None, None]).astype(np.float64)
        weighted = (x * w).transpose(1, 0, 2).reshape(n, levels * m)
        far = np.abs(t[None, :, :] - a_[:, None, None]).transpose(1, 0, 2).reshape(
            n, levels * m)
        tw = w.sum()
        out["s_wabs"] = (1.0 - 2.0 * (weighted @ far.T) / (tw * delta) if tw > 0
                         else np.full((n, n), np.nan))
    if "taub" in wanted:
        # C - D = sum over a < a' and b of N[a, b] (sum_{b' > b} - sum_{b' < b}) N[a', b']
        later = joint[levels - 1].copy()  # sum over a' > a of N[a', .], for a = levels - 2
        cd = np.zeros((n, n), dtype=exact)
        for a in range(levels - 2, -1, -1):
            above = np.zeros((n, n), dtype=exact)
            below = later.sum(axis=0)
            for b in range(levels):
                below -= later[b]
                cd += joint[a, b] * (below - above)
                above += later[b]
            later += joint[a]
        n0 = m * (m - 1) / 2.0
        untied = n0 - (counts * (counts - 1) / 2.0).sum(axis=0)
        den = np.outer(untied, untied)
        with np.errstate(divide="ignore", invalid="ignore"):
            tau = cd.astype(np.float64) / np.sqrt(den)
        out["taub"] = np.where(den > 0, tau, np.nan)
    return {name: out[name] for name in MEASURES if name in out}
