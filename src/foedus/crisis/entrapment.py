r"""Entrapment, measured: how often the engine expects the United States to be drawn in.

Beckley (2015) [1]_ went through every US militarised dispute since 1948 and found five
arguable cases in which an alliance drew the United States into a conflict it would
otherwise have stayed out of (the Taiwan Strait in 1954–55 and 1995–96, Vietnam, Bosnia,
Kosovo). The engine's counterpart: for each MIDB 4.3 dispute [2]_ that began 1948–2010
and in which the United States was **not an originator** (on either side), the ex-ante
probability that the United States is drawn in through a pledge,

.. math:: \Pr(\text{US}_d) = 1 - \prod_{(i, j)} \bigl(1 - \Pr(\text{attack}_{ij})\,
          \Pr(\text{US joins} \mid \text{war on } j)\bigr)

over the dispute's originating pairs (*i* on side A, *j* on side B): Pr(attack) from the
general-deterrence engine (:func:`foedus.crisis.general.attack_probability`: the dispute
is the opportunity), and Pr(US joins) the share of the target's coalition draws in which
the United States joined under a pledge that applies against *i*
(:func:`foedus.crisis.general.applicable`; one level: the reduced compilation does not
follow chains). The expected count is the sum over disputes; its interval comes from
the Poisson-binomial of independent disputes (simulated).

References
----------
.. [1] Beckley, Michael. 2015. "The Myth of Entangling Alliances: Reassessing the Security
   Risks of U.S. Defense Pacts." *International Security* 39(4): 7-48.
   doi:10.1162/ISEC_a_00197
.. [2] Palmer, Glenn, Vito D'Orazio, Michael Kenwick, and Matthew Lane. 2015. "The MID4
   Dataset, 2002-2010." *Conflict Management and Peace Science* 32(2): 222-242.
   doi:10.1177/0738894214559680
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["BECKLEY", "USA", "disputes", "expected"]

USA = 2
#: Beckley's (2015) cases of US entanglement through an alliance since 1948.
BECKLEY = ("Taiwan Strait 1954-55", "Vietnam 1964-73", "Taiwan Strait 1995-96",
           "Bosnia 1994-95", "Kosovo 1999")


def disputes(first: int = 1948, last: int = 2010) -> pd.DataFrame:
    """MIDB 4.3 disputes begun in ``first``–``last`` with no US originator: one row per
    originating pair (``dispute``, ``challenger`` on side A, ``target`` on side B,
    ``year``, ``us_participant``: the United States took part as a joiner)."""
    from foedus.data.store import connect

    with connect() as con:
        mid = con.execute("SELECT dispnum3, ccode, sidea, orig, styear FROM "
                          "mid_participants").df()
    start = mid.groupby("dispnum3")["styear"].min()
    rows = []
    for d, g in mid.groupby("dispnum3"):
        year = int(start[d])
        orig = g[g["orig"] == 1]
        if not first <= year <= last or USA in set(orig["ccode"]):
            continue
        for i in orig.loc[orig["sidea"] == 1, "ccode"]:
            for j in orig.loc[orig["sidea"] == 0, "ccode"]:
                rows.append({"dispute": int(d), "challenger": int(i), "target": int(j),
                             "year": year, "us_participant": USA in set(g["ccode"])})
    return pd.DataFrame(rows)


def expected(pairs: pd.DataFrame, prof: dict, decision: dict, *, q: float,
             seed: int = 0, simulations: int = 20_000,
             attack: np.ndarray | None = None) -> dict:
    """The expected number of disputes that draw the United States in (module
    docstring), with a 95% interval, the disputes that contribute most, and the count
    of disputes it joined in MIDB. ``attack`` gives Pr(attack) of each row of ``pairs``
    (default: :func:`foedus.crisis.general.attack_probability` with ``decision``)."""
    from foedus.crisis.general import _km, _unpacked, applicable, attack_probability
    from foedus.crisis.means import capitals

    km = np.empty(len(pairs))
    for year, g in pairs.groupby("year"):
        caps = capitals(sorted(set(g["challenger"]) | set(g["target"])), int(year))
        for ix, i, j in zip(g.index, g["challenger"], g["target"], strict=True):
            km[pairs.index.get_loc(ix)] = _km(caps, int(i), int(j))
    frame = pairs.assign(km=km)

    if attack is None:
        attack, _, _ = attack_probability(frame.reset_index(drop=True), prof, decision,
                                          q=q)
    joins = np.zeros(len(frame))
    for pos, (i, j, year) in enumerate(zip(frame["challenger"], frame["target"],
                                           frame["year"], strict=True)):
        profile = prof["targets"].get((int(j), int(year)))
        if profile is None or USA not in set(profile["holders"].tolist()):
            continue
        keep = applicable(profile, int(i), prof["treaties"].get(int(year), {}).get(
            int(i), set()))
        col = int(np.nonzero(profile["holders"] == USA)[0][0])
        if keep[col]:
            joins[pos] = float(_unpacked(profile)[:, col].mean())
    frame = frame.assign(p_attack=attack, p_us_joins=joins, p_pair=attack * joins)
    per = frame.groupby("dispute").agg(
        year=("year", "first"), us_participant=("us_participant", "first"),
        p=("p_pair", lambda v: 1 - float(np.prod(1 - v.to_numpy()))))
    rng = np.random.default_rng(seed)
    counts = (rng.random((simulations, len(per))) < per["p"].to_numpy()).sum(axis=1) \
        if len(per) <= 5000 else rng.poisson(per["p"].sum(), simulations)
    top = per.sort_values("p", ascending=False).head(10)
    names = frame.drop_duplicates("dispute").set_index("dispute")
    return {"disputes": len(per), "pairs": len(frame),
            "expected": float(per["p"].sum()),
            "interval": [float(v) for v in np.percentile(counts, [2.5, 97.5])],
            "beckley": len(BECKLEY), "beckley_cases": list(BECKLEY),
            "us_joined_in_midb": int(per["us_participant"].sum()),
            "expected_where_us_joined": float(per.loc[per["us_participant"], "p"].sum()),
            "top": [{"dispute": int(d), "year": int(r.year),
                     "challenger": int(names.loc[d, "challenger"]),
                     "target": int(names.loc[d, "target"]), "p": float(r.p)}
                    for d, r in top.iterrows()]}
