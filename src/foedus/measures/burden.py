"""Burden sharing in alliances: exploitation, benefit and cost shares, guidelines, spill-ins.

Every function reads a member-year frame (one row per ``ccode`` and ``year``) with
``milex_usd``, ``milex_share_gdp`` (percent), ``gdp_usd`` and ``population``, and, for the
equipment guideline, NATO's ``equipment_share`` (percent of defence spending). A null value
is *unknown*: the member is left out of that year's statistic for that value and counted as
missing, never read as zero. (Discounting capability over distance, the loss-of-strength
gradient, is a power measure: :mod:`foedus.measures.power`.)

The module is longer than the house's ~400 lines because the burden-sharing lens is one
concept with five closely related views, kept together on purpose.
"""

from __future__ import annotations

import math
from numbers import Integral, Real

import numpy as np
import pandas as pd
import statsmodels.formula.api as smf
from scipy import stats

from foedus._deprecation import moved
from foedus._validation import Interval, TypeOf, validate_params
from foedus.errors import BurdenError

__all__ = [
    "BurdenError",
    "burden_shares",
    "compliance",
    "exploitation_test",
    "free_riding_trend",
    "joint_product",
]

#: ``loss_of_strength`` is a capability/distance measure: :mod:`foedus.measures.power`.
__getattr__ = moved(__name__, {"loss_of_strength": "foedus.measures.power"})

_KEYS = ("ccode", "year")
_PAIRS_PER_CHUNK = 4_000_000  # bootstrap τ_b: replicates × member pairs held in memory at once


_FRAME = TypeOf(pd.DataFrame, "a member-year pandas DataFrame")
_PCT = Interval(Real, 0, 100, closed="right")


@validate_params({"frame": [_FRAME], "size": [str], "burden": [str],
                  "n_boot": [Interval(Integral, 1, None)], "seed": [Interval(Integral, 0, None)],
                  "level": [Interval(Real, 0, 1, closed="neither")]}, error=BurdenError)
def exploitation_test(frame: pd.DataFrame, *, size: str = "gdp_usd",
                      burden: str = "milex_share_gdp", n_boot: int = 2000, seed: int = 0,
                      level: float = 0.95) -> pd.DataFrame:
    r"""Olson & Zeckhauser's exploitation hypothesis: rank correlation of size and burden.

    For each year *t*, over the :math:`n_t` members that have both values,

    .. math::

        \rho_t = \operatorname{corr}\bigl(R(\mathrm{size}), R(\mathrm{burden})\bigr),
        \qquad
        \tau_{b,t} = \frac{C - D}{\sqrt{(n_0 - n_1)(n_0 - n_2)}}

    with :math:`R` average ranks (Spearman [2]_), :math:`C, D` the concordant and discordant
    pairs of members, :math:`n_0 = \binom{n_t}{2}` and :math:`n_1, n_2` the pairs tied in
    size and in burden (Kendall's τ_b [3]_). Olson & Zeckhauser [1]_ predict that the large
    members of an alliance bear a disproportionate share of its cost because the small ones
    free-ride on a public good: size and burden correlate positively.

    Parameters
    ----------
    frame
        Member-year frame with ``ccode``, ``year`` and the two columns named below.
    size
        Column measuring economic size (default GDP, as Olson & Zeckhauser used GNP).
    burden
        Column measuring the defence burden (default military expenditure as % of GDP).
    n_boot
        Number of bootstrap replicates per year, an int ≥ 1.
    seed
        Non-negative int seeding the bootstrap (see Notes); the same seed gives the same
        intervals.
    level
        Coverage of the percentile interval, in (0, 1).

    Returns
    -------
    pandas.DataFrame
        One row per year, sorted, with ``year``, ``n_members`` (members with both values),
        ``n_missing`` (members of that year's frame lacking one), and for ``spearman`` and
        ``kendall`` the coefficient, its scipy p-value (``*_p``, two-sided, H0 no
        association) and the bootstrap interval (``*_lo``, ``*_hi``). Coefficients lie in
        [-1, 1]; positive supports the hypothesis (larger members carry heavier burdens),
        near zero or negative contradicts it. Statistics are NaN in years with fewer than 3
        usable members or where either column does not vary.

    Raises
    ------
    BurdenError
        If a column is missing, a value is negative or not a number, a member-year repeats,
        or ``n_boot``, ``seed`` or ``level`` is out of range.

    Notes
    -----
    The bootstrap resamples members with replacement (the percentile interval of Efron &
    Tibshirani [4]_). Year *t* draws from its own generator,
    ``numpy.random.default_rng([seed, t])``, the indices
    ``rng.integers(0, n_t, size=(n_boot, n_t))`` into that year's usable members in frame
    order; so a year's interval does not depend on which other years the frame holds, and
    years can be computed in any order or in parallel. Resamples repeat members, which are
    then ties; both statistics treat ties as scipy does (average ranks; τ_b's tie
    correction). Replicates in which a column does not vary (e.g. one member drawn
    n times) are undefined and left out of the interval. All replicates are computed at
    once: ranks row by row, and τ_b from the signs of all member pairs, in chunks of about
    four million replicate-pairs.

    References
    ----------
    .. [1] Olson, Mancur, and Richard Zeckhauser. 1966. "An Economic Theory of Alliances."
       *Review of Economics and Statistics* 48(3): 266-279. doi:10.2307/1927082
    .. [2] Spearman, C. 1904. "The Proof and Measurement of Association between Two
       Things." *American Journal of Psychology* 15(1): 72-101. doi:10.2307/1412159
    .. [3] Kendall, M. G. 1945. "The Treatment of Ties in Ranking Problems." *Biometrika*
       33(3): 239-251. doi:10.1093/biomet/33.3.239
    .. [4] Efron, Bradley, and Robert J. Tibshirani. 1993. *An Introduction to the
       Bootstrap*. New York: Chapman & Hall, ch. 13.

    Examples
    --------
    Burden rises with size among the four members that report both; the fifth lacks a
    burden. Every resample of a perfectly monotone sample is monotone too, so the
    interval collapses to [1, 1]:

    >>> df = pd.DataFrame({"ccode": [2, 20, 200, 210, 220], "year": 1970,
    ...                    "gdp_usd": [40.0, 3.0, 5.0, 1.0, 2.0],
    ...                    "milex_share_gdp": [8.0, 2.0, 5.0, 1.5, None]})
    >>> out = exploitation_test(df, n_boot=200)
    >>> out[["n_members", "n_missing", "spearman", "kendall"]].to_dict("records")
    [{'n_members': 4, 'n_missing': 1, 'spearman': 1.0, 'kendall': 1.0}]
    >>> round(out["spearman_lo"].item(), 12), round(out["kendall_hi"].item(), 12)
    (1.0, 1.0)
    """
    func = "exploitation_test"
    values = _numeric(frame, (size, burden), func, nonnegative=(size, burden))
    alpha = (1.0 - float(level)) / 2.0
    rows = []
    for year, part in values.groupby(frame["year"].to_numpy(), sort=True):
        usable = part.notna().all(axis=1).to_numpy()
        x = part[size].to_numpy()[usable]
        y = part[burden].to_numpy()[usable]
        n = x.size
        row: dict[str, float] = {"year": year, "n_members": n,
                                 "n_missing": int((~usable).sum())}
        if n >= 3 and np.ptp(x) > 0 and np.ptp(y) > 0:
            rho = stats.spearmanr(x, y)
            tau = stats.kendalltau(x, y)
            rng = np.random.default_rng([seed, int(year) % (1 << 64)])
            draws = rng.integers(0, n, size=(n_boot, n))
            boot = {"spearman": _spearman_rows(x[draws], y[draws]),
                    "kendall": _kendall_rows(x[draws], y[draws])}
            row.update(spearman=float(rho.statistic), spearman_p=float(rho.pvalue),
                       kendall=float(tau.statistic), kendall_p=float(tau.pvalue))
            for name, reps in boot.items():
                reps = reps[np.isfinite(reps)]
                lo, hi = (np.quantile(reps, [alpha, 1.0 - alpha]) if reps.size
                          else (np.nan, np.nan))
                row.update({f"{name}_lo": float(lo), f"{name}_hi": float(hi)})
        rows.append(row)
    columns = ["year", "n_members", "n_missing"] + [
        f"{name}{part}" for name in ("spearman", "kendall") for part in ("", "_p", "_lo", "_hi")]
    return pd.DataFrame(rows, columns=columns).astype(
        {"n_members": "int64", "n_missing": "int64"})


@validate_params({"frame": [_FRAME]}, error=BurdenError)
def burden_shares(frame: pd.DataFrame) -> pd.DataFrame:
    r"""Each member's shares of the alliance's GDP, population and defence spending.

    With :math:`A_t^v` the members that have value *v* in year *t*:

    .. math::

        s^v_{it} = 100 \, \frac{v_{it}}{\sum_{j \in A_t^v} v_{jt}}, \qquad
        b_{it} = \tfrac12 \bigl(s^{\mathrm{gdp}}_{it} + s^{\mathrm{pop}}_{it}\bigr), \qquad
        f_{it} = b_{it} - s^{\mathrm{milex}}_{it}

    The benefit share *b* is the mean of the GDP and population shares: Sandler & Forbes
    [1]_ proxy the benefits a member draws from the alliance's deterrence and protection by
    what is protected — its output and its people (they also use exposed borders); equal
    weights are foedus's choice. The free-riding index *f* compares what a member gets with
    the share of the cost it carries, after Olson & Zeckhauser's [2]_ comparison of shares
    of GNP with shares of defence budgets.

    Parameters
    ----------
    frame
        Member-year frame with ``ccode``, ``year``, ``gdp_usd``, ``population`` and
        ``milex_usd``.

    Returns
    -------
    pandas.DataFrame
        Aligned with ``frame``: ``ccode``, ``year``, ``gdp_share``, ``pop_share``,
        ``spending_share`` (each in percent, in [0, 100]; within a year they sum to 100 over
        the members that have the value), ``benefit_share`` (percent; NaN unless both GDP
        and population are known) and ``free_riding`` (percentage points, in [-100, 100]):
        positive where a member's benefit share exceeds its share of the spending, negative
        where it pays more than its share.

    Raises
    ------
    BurdenError
        If a column is missing, a value is negative or not a number, or a member-year
        repeats.

    Notes
    -----
    Each share is taken over the members that have that value, so in a year with gaps the
    three shares rest on different sets of members and ``free_riding`` need not sum to 0
    across members; it does when every member reports all three values. A year whose
    total is 0 has NaN shares.

    References
    ----------
    .. [1] Sandler, Todd, and John F. Forbes. 1980. "Burden Sharing, Strategy, and the
       Design of NATO." *Economic Inquiry* 18(3): 425-444.
       doi:10.1111/j.1465-7295.1980.tb00588.x
    .. [2] Olson, Mancur, and Richard Zeckhauser. 1966. "An Economic Theory of Alliances."
       *Review of Economics and Statistics* 48(3): 266-279. doi:10.2307/1927082

    Examples
    --------
    Member 2 has three quarters of the GDP, half the people and half the spending:
    benefit (75 + 50)/2 = 62.5, free riding 62.5 - 50 = 12.5 points.

    >>> df = pd.DataFrame({"ccode": [2, 20], "year": 1990, "gdp_usd": [3.0, 1.0],
    ...                    "population": [5.0, 5.0], "milex_usd": [2.0, 2.0]})
    >>> burden_shares(df)[["benefit_share", "free_riding"]].to_numpy().tolist()
    [[62.5, 12.5], [37.5, -12.5]]
    """
    columns = ("gdp_usd", "population", "milex_usd")
    values = _numeric(frame, columns, "burden_shares", nonnegative=columns)
    totals = values.groupby(frame["year"]).transform("sum")  # nulls left out
    shares = 100.0 * values / totals.where(totals > 0)
    out = frame[list(_KEYS)].copy()
    out["gdp_share"] = shares["gdp_usd"]
    out["pop_share"] = shares["population"]
    out["spending_share"] = shares["milex_usd"]
    out["benefit_share"] = (out["gdp_share"] + out["pop_share"]) / 2.0
    out["free_riding"] = out["benefit_share"] - out["spending_share"]
    return out


@validate_params({"shares": [TypeOf(pd.DataFrame, "a pandas DataFrame of shares")]},
                 error=BurdenError)
def free_riding_trend(shares: pd.DataFrame) -> pd.DataFrame:
    r"""Trend of each member's free-riding index: the OLS slope of ``free_riding`` on year.

    .. math::

        \hat\beta_i = \frac{\sum_t (t - \bar t_i)(f_{it} - \bar f_i)}
                           {\sum_t (t - \bar t_i)^2}

    over the years in which member *i* has a free-riding value, with the two-sided p-value
    of :func:`scipy.stats.linregress` (a *t* test of zero slope on :math:`n_i - 2` degrees
    of freedom), computed for all members at once.

    Parameters
    ----------
    shares
        The output of :func:`burden_shares` (any frame with ``ccode``, ``year`` and
        ``free_riding``, one row per member-year).

    Returns
    -------
    pandas.DataFrame
        One row per member, sorted by ``ccode``: ``slope`` (percentage points per year;
        positive = the member free-rides more over time), ``p_value`` and ``n_years`` (years
        with a value). Slope and p-value are NaN for members with fewer than 3 years; a
        member whose index never changes has slope 0 and, as in ``linregress``, a NaN
        p-value (no residual variance to test against).

    Raises
    ------
    BurdenError
        If a column is missing, a value is not a number or a member-year repeats.

    References
    ----------
    .. [1] Sandler, Todd, and John F. Forbes. 1980. *Economic Inquiry* 18(3): 425-444.
       doi:10.1111/j.1465-7295.1980.tb00588.x

    Examples
    --------
    >>> shares = pd.DataFrame({"ccode": 2, "year": [2000, 2001, 2002],
    ...                        "free_riding": [0.0, 1.0, 3.0]})
    >>> free_riding_trend(shares)[["ccode", "slope", "n_years"]].to_dict("records")
    [{'ccode': 2, 'slope': 1.5, 'n_years': 3}]
    """
    values = _numeric(shares, ("free_riding",), "free_riding_trend")
    known = values["free_riding"].notna()
    code = shares["ccode"][known]
    t = shares["year"][known].astype(float)
    f = values["free_riding"][known]
    dt = t - t.groupby(code).transform("mean")
    df = f - f.groupby(code).transform("mean")
    sums = pd.DataFrame({"sxx": dt * dt, "sxy": dt * df, "syy": df * df}).groupby(code).sum()
    n = code.groupby(code).size()
    with np.errstate(divide="ignore", invalid="ignore"):
        slope = sums["sxy"] / sums["sxx"]
        r = (sums["sxy"] / np.sqrt(sums["sxx"] * sums["syy"])).clip(-1.0, 1.0)
        dof = n - 2
        tstat = r * np.sqrt(dof / ((1.0 - r) * (1.0 + r)))
    p = pd.Series(2.0 * stats.t.sf(np.abs(tstat), dof), index=n.index)
    enough = n >= 3
    out = pd.DataFrame({"slope": slope.where(enough), "p_value": p.where(enough),
                        "n_years": n})
    members = pd.Index(pd.unique(shares["ccode"]), name="ccode").sort_values()
    out = out.reindex(members)
    out["n_years"] = out["n_years"].fillna(0).astype("int64")
    return out.rename_axis("ccode").reset_index()


@validate_params({"frame": [_FRAME], "target_pct": [_PCT], "equipment_pct": [_PCT],
                  "core_target_pct": [_PCT], "core_year": [Interval(Integral, None, None)]},
                 error=BurdenError)
def compliance(frame: pd.DataFrame, *, target_pct: float = 2.0, equipment_pct: float = 20.0,
               core_target_pct: float = 3.5,
               core_year: int = 2035) -> tuple[pd.DataFrame, pd.DataFrame]:
    r"""Compliance with NATO's spending guidelines and the growth needed to meet the new one.

    With :math:`s_{it}` a member's military expenditure as % of GDP, *T* =
    ``core_target_pct`` and *Y* = ``core_year``:

    .. math::

        \mathrm{gap}_{it} = \max(T - s_{it}, 0), \qquad
        g_{it} = \Bigl(\frac{T}{s_{it}}\Bigr)^{1/(Y - t)} - 1

    *g* is the constant annual growth rate of the share that turns :math:`s_{it}` into *T*
    in year *Y*: :math:`s_{it}(1 + g)^{Y - t} = T`. The Wales Summit [1]_ set the aims of
    spending at least 2% of GDP on defence and at least 20% of defence spending on major
    equipment; The Hague Summit [2]_ committed Allies to at least 3.5% of GDP on core
    defence requirements by 2035.

    Parameters
    ----------
    frame
        Member-year frame with ``ccode``, ``year``, ``milex_share_gdp`` and optionally
        ``equipment_share`` (percent of defence spending on major equipment).
    target_pct
        The share-of-GDP guideline, percent (Wales: 2).
    equipment_pct
        The major-equipment guideline, percent of defence spending (Wales: 20).
    core_target_pct, core_year
        The core-defence target and its deadline (The Hague: 3.5% by 2035).

    Returns
    -------
    years : pandas.DataFrame
        One row per year: ``n_members`` (with a share), ``n_missing`` (without),
        ``n_at_target`` (share ≥ ``target_pct``), ``share_at_target`` (percent of
        ``n_members``, in [0, 100]), ``n_equipment_known`` and ``n_at_equipment``
        (``equipment_share`` ≥ ``equipment_pct``, counted only where it is known).
    members : pandas.DataFrame
        Aligned with ``frame``: ``ccode``, ``year``, ``at_target`` and ``at_equipment``
        (nullable booleans, <NA> where the value is unknown), ``gap_to_core`` (percentage
        points, ≥ 0; 0 once at the core target) and ``required_growth`` (a fraction per
        year: 0.05 is 5% a year; 0 when already at the target; ``inf`` for a share of 0;
        NaN when the share is unknown or the year is ``core_year`` or later).

    Raises
    ------
    BurdenError
        If a column is missing, a value is negative or not a number, a member-year
        repeats, or a target is not a positive percentage.

    Notes
    -----
    Shares are compared as given, with no rounding. NATO measures both guidelines with its
    own definition of defence expenditure; SIPRI's shares differ from NATO's for some
    members, so counts from SIPRI data will not always match NATO's reports.

    References
    ----------
    .. [1] NATO. 2014. *Wales Summit Declaration*, issued by the Heads of State and
       Government, 5 September 2014, para. 14.
    .. [2] NATO. 2025. *The Hague Summit Declaration*, issued by the Heads of State and
       Government, 25 June 2025, para. 3.

    Examples
    --------
    In 2033 a share of 0.875% must double twice (0.875 → 1.75 → 3.5), growth 100% a year:

    >>> df = pd.DataFrame({"ccode": [2, 20, 200], "year": 2033,
    ...                    "milex_share_gdp": [0.875, 2.0, None]})
    >>> years, members = compliance(df)
    >>> years[["n_members", "n_missing", "n_at_target", "share_at_target"]].to_dict("records")
    [{'n_members': 2, 'n_missing': 1, 'n_at_target': 1, 'share_at_target': 50.0}]
    >>> members["required_growth"].round(6).tolist()  # 4^(1/2) - 1, 1.75^(1/2) - 1
    [1.0, 0.322876, nan]
    """
    func = "compliance"
    present = ("milex_share_gdp",) + (("equipment_share",) if "equipment_share" in frame
                                      else ())
    values = _numeric(frame, present, func, nonnegative=present)
    share = values["milex_share_gdp"].to_numpy()
    equip = (values["equipment_share"].to_numpy() if "equipment_share" in values
             else np.full(len(frame), np.nan))
    year = frame["year"].to_numpy()
    known, equip_known = ~np.isnan(share), ~np.isnan(equip)
    at_target, at_equipment = share >= target_pct, equip >= equipment_pct

    horizon = (core_year - year).astype(float)
    growth = np.full(len(frame), np.nan)
    live = known & (horizon > 0)
    below = live & (share < core_target_pct)
    growth[live & ~below] = 0.0
    with np.errstate(divide="ignore"):
        growth[below] = (core_target_pct / share[below]) ** (1.0 / horizon[below]) - 1.0

    members = frame[list(_KEYS)].copy()
    members["at_target"] = pd.Series(at_target, index=frame.index,
                                     dtype="boolean").mask(~known)
    members["at_equipment"] = pd.Series(at_equipment, index=frame.index,
                                        dtype="boolean").mask(~equip_known)
    members["gap_to_core"] = np.maximum(core_target_pct - share, 0.0)
    members["required_growth"] = growth

    counts = pd.DataFrame({
        "n_members": known, "n_missing": ~known, "n_at_target": known & at_target,
        "n_equipment_known": equip_known, "n_at_equipment": equip_known & at_equipment,
    }, index=frame.index).astype("int64").groupby(year).sum()
    counts.insert(3, "share_at_target",
                  100.0 * counts["n_at_target"] / counts["n_members"].where(
                      counts["n_members"] > 0))
    years = counts.rename_axis("year").reset_index()
    return years, members


@validate_params({"frame": [_FRAME], "cluster": [bool]}, error=BurdenError)
def joint_product(frame: pd.DataFrame, threat: pd.Series | None = None, *,
                  cluster: bool = True) -> dict:
    r"""Joint-product view of alliance spending: own spending against allies' (spill-ins).

    A panel regression with member fixed effects :math:`a_i`:

    .. math::

        \ln m_{it} = a_i + \beta \ln S_{it} + \gamma \ln Y_{it} + \delta\, z_{it}
            + \varepsilon_{it}, \qquad S_{it} = \sum_{j \ne i} m_{jt}

    with *m* military expenditure (``milex_usd``), *S* the spill-ins (the other members'
    spending that year, summed over those with data), *Y* GDP and *z* the optional threat
    (in logs if every value used is positive, else as given). β is the elasticity of own
    spending with respect to allies': in the pure-public-good model it is negative — allies'
    spending substitutes for one's own (free riding, Olson & Zeckhauser); under joint
    products, where defence also yields private, ally-specific benefits, substitution
    weakens and β may be zero or positive (complementarity) [1]_ [2]_.

    Parameters
    ----------
    frame
        Member-year frame with ``ccode``, ``year``, ``milex_usd`` and ``gdp_usd``.
    threat
        Optional threat measure, a Series whose index holds every label of ``frame``'s
        index (values are taken by label).
    cluster
        Standard errors clustered by member (CR1, with *t* tests on G − 1 degrees of
        freedom, G the number of members); else classical OLS standard errors.

    Returns
    -------
    dict
        ``n_obs``, ``n_members``, ``n_dropped`` (rows left out for a missing or
        non-positive value), ``coefficients``, ``std_errors`` and ``p_values`` (each a dict
        by term: ``spill_ins`` = β, ``gdp`` = γ and, if given, ``threat`` = δ; the first two
        are elasticities), ``threat_scale`` (``"log"``, ``"level"`` or None),
        ``r2_within`` (share of the within-member variance of log spending explained, in
        [0, 1]), ``cov_type`` and ``interpretation`` (one line).

    Raises
    ------
    BurdenError
        If a column is missing, a spending or GDP value is negative or not a number, a
        member-year repeats, ``threat`` does not cover ``frame``'s index, or too few rows
        remain to estimate the model.

    Notes
    -----
    Estimated by OLS with member dummies (``C(ccode)`` in a statsmodels formula). A row is
    dropped when its spending, GDP, spill-ins or threat is missing or not positive; its
    spending still counts in the other members' spill-ins when it is known. There are no
    year effects on purpose: within a year :math:`\ln S_{it} = \ln(M_t - m_{it})`, so with
    year dummies the spill-in would be a mechanical, decreasing function of own spending.
    Spill-ins are treated as exogenous; Murdoch & Sandler and later work instrument them
    or estimate reaction functions, which this simple view does not. The clustered
    small-sample correction counts the member dummies as parameters (as Stata's
    ``regress`` with dummies does), slightly more conservative than ``xtreg, fe``.

    References
    ----------
    .. [1] Sandler, Todd, and Keith Hartley. 2001. "Economics of Alliances: The Lessons for
       Collective Action." *Journal of Economic Literature* 39(3): 869-896.
       doi:10.1257/jel.39.3.869
    .. [2] Murdoch, James C., and Todd Sandler. 1984. "Complementarity, Free Riding, and the
       Military Expenditures of NATO Allies." *Journal of Public Economics* 25(1-2): 83-101.
       doi:10.1016/0047-2727(84)90045-2

    Examples
    --------
    A panel built to satisfy :math:`\ln m = a_i + 0.5 \ln Y - 0.3 \ln S` exactly (GDP is
    solved from the spending) gives back the two elasticities and a within R² of 1:

    >>> m = np.array([[1.0, 2.0, 4.0], [2.0, 2.0, 5.0], [3.0, 1.0, 4.0], [2.0, 3.0, 3.0]])
    >>> spill = m.sum(axis=1, keepdims=True) - m
    >>> a = np.array([0.0, 0.2, -0.1])
    >>> gdp = np.exp((np.log(m) - a + 0.3 * np.log(spill)) / 0.5)
    >>> df = pd.DataFrame({"ccode": np.tile([2, 20, 200], 4),
    ...                    "year": np.repeat([2000, 2001, 2002, 2003], 3),
    ...                    "milex_usd": m.ravel(), "gdp_usd": gdp.ravel()})
    >>> out = joint_product(df, cluster=False)
    >>> {k: round(v, 6) for k, v in out["coefficients"].items()}
    {'spill_ins': -0.3, 'gdp': 0.5}
    >>> out["n_obs"], out["n_dropped"], round(out["r2_within"], 6)
    (12, 0, 1.0)
    """
    func = "joint_product"
    columns = ("milex_usd", "gdp_usd")
    values = _numeric(frame, columns, func, nonnegative=columns)
    milex, gdp = values["milex_usd"], values["gdp_usd"]
    spill = milex.groupby(frame["year"]).transform("sum") - milex.fillna(0.0)

    data = pd.DataFrame({"ccode": frame["ccode"], "milex": milex, "spill_ins": spill,
                         "gdp": gdp}, index=frame.index)
    keep = (milex > 0) & (spill > 0) & (gdp > 0)
    terms = ["spill_ins", "gdp"]
    threat_scale = None
    if threat is not None:
        if not isinstance(threat, pd.Series):
            raise BurdenError(f"The 'threat' parameter of {func} must be a pandas Series "
                              f"aligned with the frame's index. Got {type(threat).__name__} "
                              f"instead.")
        absent = ~frame.index.isin(threat.index)
        if absent.any():
            raise BurdenError(f"The 'threat' Series given to {func} lacks {int(absent.sum())} "
                              f"of the frame's index labels, such as "
                              f"{list(frame.index[absent][:3])}; build it on the frame's "
                              f"index (e.g. frame['threat']).")
        z = pd.to_numeric(threat.reindex(frame.index), errors="coerce").astype(float)
        keep &= np.isfinite(z)
        used = z[keep]
        threat_scale = "log" if len(used) and (used > 0).all() else "level"
        data["threat"] = np.log(z.where(z > 0)) if threat_scale == "log" else z
        terms.append("threat")

    data = data[keep]
    n_obs, n_members = len(data), data["ccode"].nunique()
    n_dropped = int(len(frame) - n_obs)
    if n_members < 2 or n_obs - n_members - len(terms) < 1:
        raise BurdenError(f"{func} needs at least 2 members and more rows than parameters "
                          f"({n_members} member dummies + {len(terms)} slopes). Got "
                          f"{n_obs} usable rows from {n_members} members ({n_dropped} "
                          f"dropped for missing or non-positive values) instead.")
    data["y"] = np.log(data["milex"])
    data["spill_ins"] = np.log(data["spill_ins"])
    data["gdp"] = np.log(data["gdp"])
    model = smf.ols(f"y ~ {' + '.join(terms)} + C(ccode)", data=data)
    if cluster:
        fit = model.fit(cov_type="cluster", cov_kwds={"groups": pd.factorize(data["ccode"])[0]},
                        use_t=True)
    else:
        fit = model.fit()
    demeaned = data["y"] - data["y"].groupby(data["ccode"]).transform("mean")
    tss_within = float((demeaned**2).sum())
    r2_within = 1.0 - float(fit.ssr) / tss_within if tss_within > 0 else math.nan

    beta, p = float(fit.params["spill_ins"]), float(fit.pvalues["spill_ins"])
    if p < 0.05 and beta < 0:
        reading = "negative: allies' spending substitutes for own spending (free riding)"
    elif p < 0.05 and beta > 0:
        reading = "positive: own spending rises with allies' (complementarity, joint products)"
    else:
        reading = "not distinguishable from zero at the 5% level"
    interpretation = (f"Spill-in elasticity {beta:.3f} (p = {p:.3g}, {n_obs} obs, "
                      f"{n_members} members, {n_dropped} rows dropped) is {reading}.")
    return {
        "n_obs": n_obs,
        "n_members": n_members,
        "n_dropped": n_dropped,
        "coefficients": {t: float(fit.params[t]) for t in terms},
        "std_errors": {t: float(fit.bse[t]) for t in terms},
        "p_values": {t: float(fit.pvalues[t]) for t in terms},
        "threat_scale": threat_scale,
        "r2_within": r2_within,
        "cov_type": "cluster" if cluster else "nonrobust",
        "interpretation": interpretation,
    }


def _numeric(frame: pd.DataFrame, columns: tuple[str, ...], func: str, *,
             nonnegative: tuple[str, ...] = ()) -> pd.DataFrame:
    """The value columns of a checked member-year frame as float64 (nulls as NaN)."""
    if not isinstance(frame, pd.DataFrame):
        raise BurdenError(f"{func} needs a member-year pandas DataFrame. Got "
                          f"{type(frame).__name__} instead.")
    missing = [c for c in (*_KEYS, *columns) if c not in frame.columns]
    if missing:
        raise BurdenError(f"{func} needs the columns {missing}, which the frame lacks. Got "
                          f"columns {list(frame.columns)} instead.")
    if frame[list(_KEYS)].isna().any(axis=None):
        raise BurdenError(f"{func} needs a ccode and a year on every row. Got "
                          f"{int(frame[list(_KEYS)].isna().any(axis=1).sum())} rows "
                          f"without one instead.")
    repeated = frame.duplicated(list(_KEYS))
    if repeated.any():
        first = frame.loc[repeated, list(_KEYS)].iloc[0].tolist()
        raise BurdenError(f"{func} needs one row per member-year. Got {int(repeated.sum())} "
                          f"repeated (ccode, year) pairs, such as {tuple(first)}, instead.")
    out = pd.DataFrame(index=frame.index)
    for col in columns:
        try:
            out[col] = frame[col].astype("float64")
        except (TypeError, ValueError) as exc:
            raise BurdenError(f"The {col!r} column given to {func} must be numeric (nulls "
                              f"for unknown values): {exc}.") from exc
        values = out[col].to_numpy()
        bad = values[np.isinf(values) | ((values < 0) if col in nonnegative else False)]
        if bad.size:
            raise BurdenError(f"The {col!r} column given to {func} must hold finite "
                              f"{'non-negative ' if col in nonnegative else ''}numbers or "
                              f"nulls (sentinels such as -9 must be nulls first). Got "
                              f"{bad.size} other values, such as {bad[:3].tolist()}, "
                              f"instead.")
    return out


def _spearman_rows(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Spearman's ρ of each row pair: Pearson's r of average ranks (NaN without variation)."""
    ra = stats.rankdata(a, axis=1)
    rb = stats.rankdata(b, axis=1)
    ra -= ra.mean(axis=1, keepdims=True)
    rb -= rb.mean(axis=1, keepdims=True)
    den = np.sqrt((ra * ra).sum(axis=1) * (rb * rb).sum(axis=1))
    num = (ra * rb).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, num / den, np.nan)


def _kendall_rows(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Kendall's τ_b of each row pair from the signs of all pairs of columns."""
    reps, n = a.shape
    i, j = np.triu_indices(n, 1)
    n0 = i.size
    out = np.empty(reps)
    step = max(1, _PAIRS_PER_CHUNK // max(n0, 1))
    for start in range(0, reps, step):
        rows = slice(start, start + step)
        sa = np.sign(a[rows][:, i] - a[rows][:, j]).astype(np.int8)
        sb = np.sign(b[rows][:, i] - b[rows][:, j]).astype(np.int8)
        s = (sa.astype(np.int64) * sb).sum(axis=1)
        den = np.sqrt((n0 - (sa == 0).sum(axis=1)) * (n0 - (sb == 0).sum(axis=1)).astype(float))
        with np.errstate(divide="ignore", invalid="ignore"):
            out[rows] = np.where(den > 0, s / den, np.nan)
    return out
