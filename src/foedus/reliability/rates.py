r"""Reliability rates on two units, with intervals clustered by war (DESIGN §4).

**Units.** The *ally–partner–war* (one row per war, partner, ally and obligation kind: the
``counted`` rows of :func:`foedus.reliability.opportunities`) and the *alliance–war* of
Leeds, Long & Mitchell (2000) [1]_ and Berkemeier & Fuhrmann (2018) [2]_
(:func:`foedus.reliability.alliance_war.alliance_wars`, with LLM's all-members rule and
Sabrosky's lenient rule beside it). Only rows whose casus foederis is True are evidence;
rows whose casus foederis is None are never used, and :func:`excluded` counts them by
reason.

**Intervals.** A rate is :math:`\hat p = \sum_w h_w / \sum_w n_w` over wars *w*. Rows of
one war are not independent draws (nineteen Arab League members in one war are one
decision, not nineteen), so the interval is a cluster (war) bootstrap [3]_: resample the
wars with replacement :math:`B` times (seeded), recompute :math:`\hat p^{(b)}`, and take
the central ``level`` percentile interval. With one war the interval is that war's rate
(no spread can be estimated); the number of wars is reported beside every rate.

References
----------
.. [1] Leeds, Brett Ashley, Andrew G. Long, and Sara McLaughlin Mitchell. 2000.
   "Reevaluating Alliance Reliability: Specific Threats, Specific Promises." *Journal of
   Conflict Resolution* 44(5): 686-699. doi:10.1177/0022002700044005006
.. [2] Berkemeier, Molly, and Matthew Fuhrmann. 2018. "Reassessing the Fulfillment of
   Alliance Commitments in War." *Research & Politics* 5(2). doi:10.1177/2053168018776125
.. [3] Field, Christopher A., and Alan H. Welsh. 2007. "Bootstrapping Clustered Data."
   *Journal of the Royal Statistical Society B* 69(3): 369-390.
   doi:10.1111/j.1467-9868.2007.00593.x
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from foedus._lazy import pandas as pd
from foedus.params import RELIABILITY_GROUPS

__all__ = [
    "ALLIANCE_GROUPS",
    "ALLY_GROUPS",
    "N_BOOT",
    "REGIONS",
    "WINDOWS",
    "add_groups",
    "alliance_rates",
    "cluster_interval",
    "cohen_kappa",
    "evidence",
    "excluded",
    "region",
    "reliability_rates",
    "rewindow",
    "window_sensitivity",
]

#: COW regions by code range (of the partner).
REGIONS = (("Americas", 2, 165), ("Europe", 200, 399), ("Africa", 400, 626),
           ("Middle East", 630, 698), ("Asia", 700, 990))
#: Bootstrap resamples of wars for every interval.
N_BOOT = 2000
#: Honour windows (days) of the sensitivity table; ``inf`` is the whole war.
WINDOWS = (7, 30, 90, 180, 365, math.inf)
#: The groups of the ally–partner–war rates (declared with the verb's parameters).
ALLY_GROUPS = RELIABILITY_GROUPS
ALLIANCE_GROUPS = ("era", "llm_window", "kind")


def region(cow: int) -> str | None:
    """The COW region of a state code (None outside the ranges).

    >>> region(2), region(365), region(1000)
    ('Americas', 'Europe', None)
    """
    for name, lo, hi in REGIONS:
        if lo <= cow <= hi:
            return name
    return None


def add_groups(frame: pd.DataFrame) -> pd.DataFrame:
    """``era`` (pre-1945 / post-1945, by the casus foederis year), ``llm_window``
    (1816-1944, Leeds, Long & Mitchell's period) and ``region`` (of the partner)."""
    out = frame.copy()
    out["era"] = np.where(out["year"] < 1945, "pre-1945", "post-1945")
    out["llm_window"] = out["year"].between(1816, 1944)
    if "target" in out:
        out["region"] = out["target"].map(region)
    return out


def cluster_interval(honoured: np.ndarray, n: np.ndarray, *, level: float = 0.95,
                     n_boot: int = N_BOOT, seed: int = 0) -> tuple[float, float]:
    """Percentile interval of :math:`\\sum h / \\sum n` resampling clusters with replacement.

    Parameters
    ----------
    honoured, n
        Per cluster (war): rows honoured and rows.
    level
        Central coverage of the interval.
    n_boot
        Resamples.
    seed
        Seeds ``numpy.random.default_rng``.

    Returns
    -------
    tuple
        ``(low, high)``; ``(nan, nan)`` without rows.

    >>> cluster_interval(np.array([1, 0]), np.array([1, 1]), n_boot=4000)
    (0.0, 1.0)
    >>> cluster_interval(np.array([3]), np.array([4]))
    (0.75, 0.75)
    """
    h, m = np.asarray(honoured, dtype=float), np.asarray(n, dtype=float)
    if m.sum() == 0:
        return math.nan, math.nan
    rng = np.random.default_rng(seed)
    pick = rng.integers(0, len(m), size=(n_boot, len(m)))
    num, den = h[pick].sum(axis=1), m[pick].sum(axis=1)
    rates = num[den > 0] / den[den > 0]
    lo, hi = np.percentile(rates, [50 * (1 - level), 50 * (1 + level)])
    return float(lo), float(hi)


def evidence(frame: pd.DataFrame) -> pd.DataFrame:
    """The ally–partner–war rows that are evidence: counted (one per war, partner, ally and
    kind), casus foederis True, ``honoured`` decided (defence, offence, neutrality; not an
    ally already at war)."""
    keep = frame["honoured"].notna() & frame["casus_foederis"].map(lambda v: v is True)
    if "counted" in frame:
        keep &= frame["counted"].astype(bool)
    return frame[keep]


def _rates(data: pd.DataFrame, keys: list[str], value: str, level: float, n_boot: int,
           seed: int) -> pd.DataFrame:
    rows = []
    groups = data.groupby(keys, dropna=False) if keys else [((), data)]
    for key, g in groups:
        key = key if isinstance(key, tuple) else (key,)
        per_war = g.groupby("war")[value].agg(["sum", "size"])
        lo, hi = cluster_interval(per_war["sum"].to_numpy(), per_war["size"].to_numpy(),
                                  level=level, n_boot=n_boot, seed=seed)
        n, h = int(per_war["size"].sum()), int(per_war["sum"].sum())
        rows.append({**dict(zip(keys, key, strict=True)), "n": n, "honoured": h,
                     "rate": h / n if n else math.nan, "low": lo, "high": hi,
                     "wars": len(per_war)})
    return pd.DataFrame(rows, columns=[*keys, "n", "honoured", "rate", "low", "high", "wars"])


def reliability_rates(frame: pd.DataFrame, *, by: Sequence[str] = ("era",),
                      level: float = 0.95, n_boot: int = N_BOOT, seed: int = 0
                      ) -> pd.DataFrame:
    """Share of ally–partner–war pledges honoured, by group, with war-clustered intervals.

    Parameters
    ----------
    frame
        :func:`foedus.reliability.opportunities` rows (only :func:`evidence` is used).
    by
        Group columns: any column, or ``era``, ``llm_window``, ``region``, ``kind``,
        ``role``; empty for one overall row.
    level, n_boot, seed
        The bootstrap (:func:`cluster_interval`).

    Returns
    -------
    pandas.DataFrame
        ``*by, n, honoured, rate, low, high, wars``.
    """
    data = add_groups(evidence(frame))
    data = data.assign(_h=data["honoured"].astype(bool).astype(int))
    return _rates(data, list(by), "_h", level, n_boot, seed)


def alliance_rates(alliances: pd.DataFrame, *, by: Sequence[str] = ("era",),
                   rule: str = "llm", level: float = 0.95, n_boot: int = N_BOOT,
                   seed: int = 0) -> pd.DataFrame:
    """Share of alliance–war rows honoured (``rule`` ``"llm"`` or ``"sabrosky"``).

    ``by`` may hold ``era``, ``llm_window`` and ``kind``; by ``kind`` a row counts under
    every obligation its alliance carries (as Berkemeier & Fuhrmann's do-file tabulates).
    Rows ``undecided`` or ``no_opportunity`` under the rule are not counted.
    """
    data = add_groups(alliances[alliances[rule].isin(["honoured", "violated"])])
    data = data.assign(_h=(data[rule] == "honoured").astype(int))
    keys = list(by)
    if "kind" in keys:
        kinds = ["defense", "offense", "neutrality", "nonaggression", "consultation"]
        data = pd.concat([data[data[k]].assign(kind=k) for k in kinds], ignore_index=True)
    return _rates(data, keys, "_h", level, n_boot, seed)


def excluded(frame: pd.DataFrame) -> dict:
    """What the rates leave out of the ally–partner–war rows, and why (counts).

    Returns ``rows``, ``evidence``, ``casus_foederis_none`` (with ``by_reason``),
    ``casus_foederis_false``, ``not_observable`` (consultation, non-aggression),
    ``already_at_war``, ``not_recorded`` (allies the war file cannot record: outside the
    state system, or at war below its participation threshold — outcomes
    ``not_in_system`` and ``declared_belligerent``), ``nested`` (legs carried by another
    treaty or lost with it) and ``duplicates`` (the same pledge under another treaty).
    """
    scored = frame["kind"].isin(["defense", "offense", "neutrality"])
    none = frame[scored & frame["casus_foederis"].isna()]
    return {
        "rows": len(frame),
        "evidence": len(evidence(frame)),
        "casus_foederis_none": len(none),
        "casus_foederis_none_counted": int(none["counted"].sum()),
        "by_reason": {str(k): int(v) for k, v in none["cf_reason"].value_counts().items()},
        "casus_foederis_false": int((scored & frame["casus_foederis"].map(
            lambda v: v is False)).sum()),
        "not_observable": int((~scored).sum()),
        "already_at_war": int((frame["outcome"] == "already_at_war").sum()),
        "not_recorded": int(frame["outcome"].isin(["not_in_system", "declared_belligerent"])
                            .sum()),
        "nested": int(frame["nested_in"].notna().sum()),
        "duplicates": int((frame["nested_in"].isna() & ~frame["counted"].astype(bool)).sum()),
    }


def rewindow(frame: pd.DataFrame, window: float) -> pd.DataFrame:
    """The same rows judged with another honour window (days; ``inf``: the whole war).

    Entry on the partner's side within the window is ``joined_partner``; after it,
    ``late_entry`` (``joined_after_attacked`` keeps its code when the ally was attacked).
    """
    out = frame.copy()
    joined = out["outcome"].isin(["joined_partner", "late_entry", "joined_after_attacked"])
    inside = joined & (out["lag_days"].astype(float) <= window)
    attacked = out["outcome"] == "joined_after_attacked"
    if "ally_attacked" in out:
        attacked = out["ally_attacked"].astype(bool)
    out.loc[inside, "outcome"] = "joined_partner"
    out.loc[joined & ~inside, "outcome"] = np.where(attacked[joined & ~inside],
                                                    "joined_after_attacked", "late_entry")
    active = out["kind"].isin(["defense", "offense"]) & joined
    out.loc[active, "honoured"] = inside[active]
    return out.astype({"honoured": object})


def window_sensitivity(frame: pd.DataFrame, *, windows: Sequence[float] = WINDOWS,
                       level: float = 0.95, n_boot: int = N_BOOT, seed: int = 0
                       ) -> pd.DataFrame:
    """Defence and offence rates (ally–partner–war, by era) for each honour window."""
    rows = []
    for w in windows:
        data = rewindow(frame, w)
        data = data[data["kind"].isin(["defense", "offense"])]
        for r in reliability_rates(data, by=("era",), level=level, n_boot=n_boot,
                                   seed=seed).to_dict("records"):
            rows.append({"window_days": None if math.isinf(w) else int(w), **r})
    frame = pd.DataFrame(rows)
    frame["window_days"] = pd.Series([r["window_days"] for r in rows], dtype=object)
    return frame


def cohen_kappa(a: Sequence, b: Sequence) -> float:
    r"""Cohen's (1960) κ of two codings of the same items.

    .. math:: \kappa = \frac{p_o - p_e}{1 - p_e}, \qquad
        p_e = \sum_c p_a(c)\, p_b(c),

    with :math:`p_o` the share of items coded alike and :math:`p_a(c)`, :math:`p_b(c)` each
    coder's share of category *c*. 1 is perfect agreement, 0 what chance would give.
    Cohen, Jacob. 1960. "A Coefficient of Agreement for Nominal Scales." *Educational and
    Psychological Measurement* 20(1): 37-46. doi:10.1177/001316446002000104

    >>> round(cohen_kappa([1, 1, 0, 0], [1, 0, 0, 0]), 3)
    0.5
    """
    x, y = np.asarray(a), np.asarray(b)
    if len(x) != len(y) or len(x) == 0:
        raise ValueError("two codings of the same, non-empty list of items are needed")
    cats = np.union1d(x, y)
    po = float(np.mean(x == y))
    pe = float(sum(np.mean(x == c) * np.mean(y == c) for c in cats))
    return 1.0 if pe == 1 else (po - pe) / (1 - pe)
