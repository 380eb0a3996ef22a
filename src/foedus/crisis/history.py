r"""Engine parameters estimated from the war record: the reach of strikes, escalation.

**Reach** (who strikes whose homeland). In a war the engine plays out, the attacker strikes
a state that joined the defence at home (which triggers *that* state's own defence
pledges), and the defending side strikes the attacker's homeland (which triggers the
attacker's allies' pledges). Neither happens with a flat probability: it takes a reason
(the two are at war: the engine asks only about belligerents) and the reach (distance and
capability). Both are estimated from the Correlates of War inter-state wars 1816–2003 [1]_
with the roles of :func:`foedus.reliability.targets.war_roles`:

- ``strike``: one row per (initiator *i*, state *j* that joined the defending side later:
  role ``joiner`` on the side opposite the initiators); *y* = 1 when the directed dyadic war
  file has a dyad between *i* and *j* (they fought each other) **and** the war reached *j*'s
  home region (COW's ``WhereFought`` of *j* covers the region of *j*'s COW code);
- ``strike_back``: one row per (defending belligerent *j*, target or joiner, initiator *i*);
  *y* = 1 when *i* and *j* fought each other and the war reached *i*'s home region.

COW records no location finer than a region, so *y* is an upper bound on a homeland strike
(the war reached the region: Australia's New Guinea in 1942 counts; the United States in
Korea, Vietnam or the Gulf does not). Each is a logit on the log great-circle distance
between the two capitals (km, +1) and the log CINC share of the striker (NMC 7.0, the year
the row's state entered),

.. math:: \Pr(y = 1) = \Lambda(\beta_0 + \beta_1 \log(1 + d_{ij}) + \beta_2 \log C_s),

fitted with a weak ridge (scikit-learn, *C* = 100) on all rows and on :data:`BOOT` bootstrap
resamples of wars (the war is the cluster); the engine uses the mean probability over the
resamples.

**Escalation** *q*: the probability that a nuclear-armed state at war uses nuclear weapons.
Every COW inter-state war participation by a state that had the weapon on some day of it
(``data/tables/nuclear_states.csv``) is a trial; the one use is the United States in the
Second World War (6 and 9 August 1945, :data:`NUCLEAR_USES`). With Jeffreys' prior
Beta(½, ½) the posterior is Beta(½ + uses, ½ + trials − uses) (Gelman et al. 2013, *Bayesian
Data Analysis*, 3rd ed., §2.8).

References
----------
.. [1] Sarkees, Meredith Reid, and Frank Whelon Wayman. 2010. *Resort to War: A Data Guide
   to Inter-State, Extra-State, Intra-State, and Non-State Wars, 1816-2007*. CQ Press.
   doi:10.4135/9781608718276
"""

from __future__ import annotations

import math

import numpy as np

from foedus._lazy import pandas as pd

__all__ = ["BOOT", "NUCLEAR_USES", "REGIONS", "escalation_record", "fit_escalation",
           "fit_reach", "home_region", "reach_probability", "reach_rows"]

#: Bootstrap resamples (of wars) of the reach models.
BOOT = 200

#: COW ``WhereFought`` codes and the regions they cover (1 Western Hemisphere, 2 Europe,
#: 4 Africa, 6 Middle East, 7 Asia, 9 Oceania: the COW codebook's single regions; the
#: combinations as the v4.0 file uses them, e.g. 13 for the Spanish-American war in Cuba
#: and the Philippines, 18 for Chad and Libya in the Aouzou strip).
REGIONS = {1: {1}, 2: {2}, 4: {4}, 6: {6}, 7: {7}, 9: {9}, 11: {2, 6}, 12: {2, 7},
           13: {1, 7}, 14: {2, 4, 6}, 15: {2, 4, 6, 7}, 16: {4, 6, 7, 9}, 17: {7, 9},
           18: {4, 6}, 19: {2, 4, 6, 7, 9}}

#: Nuclear weapons used in a COW inter-state war: (war, state, date, source).
NUCLEAR_USES = (("cow:139", 2, "1945-08-06",
                 "Hiroshima (6 August) and Nagasaki (9 August 1945): US Strategic Bombing "
                 "Survey, The Effects of Atomic Bombs on Hiroshima and Nagasaki, 1946"),)


def home_region(ccode: int) -> int:
    """The COW region of a state's code (1 Americas, 2 Europe, 4 Africa, 6 Middle East,
    7 Asia, 9 Oceania)."""
    for top, region in ((199, 1), (399, 2), (599, 4), (699, 6), (899, 7)):
        if ccode <= top:
            return region
    return 9


def reach_rows() -> pd.DataFrame:
    """The rows of both reach models (module docstring): ``kind`` (``strike`` or
    ``strike_back``), ``war``, ``striker``, ``struck``, ``year``, ``km``, ``cinc`` (the
    striker's), ``y``."""
    from foedus.data.queries import capitals_by_year
    from foedus.data.store import connect
    from foedus.reliability.targets import war_roles

    with connect() as con:
        wars = con.execute("SELECT warnum, ccode, where_fought FROM wars").df()
        dyads = con.execute("SELECT DISTINCT warnum, statea, stateb FROM dyadic_wars").df()
        cinc = con.execute("SELECT ccode, year, cinc FROM capabilities "
                           "WHERE nmc_version = '7.0'").df()
        roles = war_roles(con, "cow")
    fought = {(int(w), int(c)): REGIONS.get(int(f), set())
              for w, c, f in wars.itertuples(index=False) if pd.notna(f)}
    met = set()
    for w, a, b in dyads.itertuples(index=False):
        met.add((int(w), int(a), int(b)))
        met.add((int(w), int(b), int(a)))
    rows = []
    for war, g in roles.groupby("war", sort=False):
        w = int(str(war).split(":")[1])
        initiators = g[g["role"] == "initiator"]
        if initiators.empty:
            continue
        sides = set(initiators["side"])
        defending = g[~g["side"].isin(sides)]
        for i in initiators.itertuples(index=False):
            for j in defending.itertuples(index=False):
                year = pd.Timestamp(j.start).year
                fight = (w, int(i.ccode), int(j.ccode)) in met
                if j.role == "joiner":
                    rows.append({"kind": "strike", "war": war, "striker": int(i.ccode),
                                 "struck": int(j.ccode), "year": year, "y": fight and (
                                     home_region(int(j.ccode)) in fought.get((w, int(j.ccode)),
                                                                             set()))})
                rows.append({"kind": "strike_back", "war": war, "striker": int(j.ccode),
                             "struck": int(i.ccode), "year": year, "y": fight and (
                                 home_region(int(i.ccode)) in fought.get((w, int(i.ccode)),
                                                                         set()))})
    frame = pd.DataFrame(rows)
    codes = pd.concat([frame[["striker", "year"]].set_axis(["ccode", "year"], axis=1),
                       frame[["struck", "year"]].set_axis(["ccode", "year"], axis=1)])
    caps = capitals_by_year(codes).set_index(["ccode", "year"])
    lat = {k: v for k, v in caps["lat"].items()}
    lon = {k: v for k, v in caps["lon"].items()}
    from foedus.measures.distance import haversine_km

    a = list(zip(frame["striker"], frame["year"], strict=True))
    b = list(zip(frame["struck"], frame["year"], strict=True))
    frame["km"] = haversine_km(np.array([lat.get(k, np.nan) for k in a]),
                               np.array([lon.get(k, np.nan) for k in a]),
                               np.array([lat.get(k, np.nan) for k in b]),
                               np.array([lon.get(k, np.nan) for k in b]))
    share = {(int(c), int(y)): v for c, y, v in cinc.itertuples(index=False) if pd.notna(v)}
    frame["cinc"] = [share.get((s, y), np.nan) for s, y in a]
    frame["y"] = frame["y"].astype(bool)
    return frame


def _design(km, cinc) -> np.ndarray:
    return np.column_stack([np.log1p(np.asarray(km, dtype=float)),
                            np.log(np.clip(np.asarray(cinc, dtype=float), 1e-6, None))])


def _logit(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    from sklearn.linear_model import LogisticRegression

    m = LogisticRegression(C=100.0, max_iter=10_000).fit(x, y)
    return np.concatenate([m.intercept_, m.coef_[0]])


def fit_reach(rows: pd.DataFrame, kind: str, *, seed: int = 0, boot: int = BOOT) -> dict:
    """One reach model (``kind`` ``strike`` or ``strike_back``): coefficients
    (intercept, log distance, log CINC), war-bootstrap draws, and the data's counts."""
    data = rows[(rows["kind"] == kind)].dropna(subset=["km", "cinc"])
    x, y = _design(data["km"], data["cinc"]), data["y"].to_numpy(dtype=int)
    coef = _logit(x, y)
    rng = np.random.default_rng(seed)
    wars = data["war"].to_numpy()
    ids = np.unique(wars)
    members = {w: np.nonzero(wars == w)[0] for w in ids}
    draws = []
    while len(draws) < boot:
        pick = np.concatenate([members[w] for w in rng.choice(ids, size=len(ids))])
        if len(np.unique(y[pick])) < 2:
            continue
        draws.append(_logit(x[pick], y[pick]).tolist())
    return {"terms": ["intercept", "log1p_km", "log_cinc_striker"],
            "coef": coef.tolist(), "draws": draws, "n": len(y),
            "positives": int(y.sum()), "wars": len(ids),
            "dropped_missing": int(((rows["kind"] == kind)).sum() - len(data))}


def reach_probability(model: dict, km, cinc) -> np.ndarray:
    """The mean over the model's bootstrap draws of the probability of a strike at
    distance ``km`` by a striker of CINC share ``cinc`` (arrays broadcast)."""
    km, cinc = np.broadcast_arrays(np.atleast_1d(np.asarray(km, dtype=float)),
                                   np.atleast_1d(np.asarray(cinc, dtype=float)))
    x = _design(km, cinc)
    draws = np.asarray(model["draws"] or [model["coef"]])
    return _expit(draws[:, :1] + draws[:, 1:] @ x.T).mean(axis=0)


def _expit(z: np.ndarray) -> np.ndarray:
    """``scipy.special.expit`` bit for bit (1 / (1 + exp(-z)) with the C library's exp, as
    scipy computes it), without importing scipy.special (a third of a second of a cold
    compile; the arrays here are small).

    ``math.exp`` over the whole array in one ``map`` (not numpy's ``exp``: its SIMD
    exp differs from the C library's in the last bit on about 2% of the reach models'
    inputs, measured on the 19 library cases); the sum and quotient are IEEE operations,
    the same in numpy as in Python. Where ``exp(-z)`` would overflow (or ``z`` is NaN) the
    value is computed one at a time: scipy's 1 / (1 + inf) = 0.
    """
    z = np.asarray(z, dtype=np.float64)
    neg = -z
    safe = neg <= 709.0  # exp(709) < DBL_MAX: math.exp cannot overflow here
    e = np.empty(neg.shape)
    e[safe] = np.fromiter(map(math.exp, neg[safe].tolist()), dtype=np.float64,
                          count=int(safe.sum()))

    def one(v: float) -> float:
        try:
            return math.exp(v)
        except OverflowError:  # exp(-z) beyond float64: scipy's 1 / (1 + inf)
            return math.inf

    rest = ~safe
    if rest.any():
        e[rest] = [one(v) for v in neg[rest].tolist()]
    return 1.0 / (1.0 + e)


def escalation_record() -> pd.DataFrame:
    """Every COW inter-state war participation by a nuclear-armed state (the weapon held on
    some day of it), with ``used`` (:data:`NUCLEAR_USES`)."""
    from foedus.credibility.features import nuclear_states
    from foedus.reliability.targets import war_roles

    roles = war_roles(source="cow")
    nuclear = nuclear_states()
    rows = []
    for r in roles.itertuples(index=False):
        for n in nuclear[nuclear["ccode"] == r.ccode].itertuples(index=False):
            if n.start <= r.end and (pd.isna(n.end) or r.start < n.end):
                rows.append({"war": r.war, "war_name": r.war_name, "ccode": int(r.ccode),
                             "start": r.start, "end": r.end})
                break
    frame = pd.DataFrame(rows, columns=["war", "war_name", "ccode", "start", "end"])
    used = {(w, c) for w, c, _, _ in NUCLEAR_USES}
    frame["used"] = [(w, c) in used for w, c in zip(frame["war"], frame["ccode"],
                                                    strict=True)]
    return frame


def fit_escalation(record: pd.DataFrame, *, seed: int = 0, boot: int = BOOT) -> dict:
    """The Jeffreys posterior of *q* from the record (module docstring), with draws."""
    trials, uses = len(record), int(record["used"].sum())
    alpha, beta = 0.5 + uses, 0.5 + trials - uses
    draws = np.random.default_rng(seed).beta(alpha, beta, size=boot)
    return {"trials": trials, "uses": uses, "alpha": alpha, "beta": beta,
            "mean": alpha / (alpha + beta), "draws": draws.tolist(),
            "prior": "Jeffreys Beta(0.5, 0.5)"}
