"""Reliability rates: the share of pledges honoured, with Wilson intervals (DESIGN §4).

Published comparisons:

- Leeds, Long & Mitchell (2000), "Reevaluating Alliance Reliability: Specific Threats,
  Specific Promises", Journal of Conflict Resolution 44(5): 686-699,
  doi:10.1177/0022002700044005006 — about 75% of commitments honoured, 1816-1944, ATOP,
  judged obligation by obligation against the war that invoked them.
- Berkemeier & Fuhrmann (2018), "Reassessing the fulfillment of alliance commitments in
  war", Research & Politics 5(2), doi:10.1177/2053168018776125 — about 50% overall, 66%
  before 1945, 22% after, over ATOP defence pacts and COW wars to 2003.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from statsmodels.stats.proportion import proportion_confint

__all__ = ["REGIONS", "add_groups", "published_comparisons", "region", "reliability_rates"]

#: COW regions by code range (of the partner).
REGIONS = (("Americas", 2, 165), ("Europe", 200, 399), ("Africa", 400, 626),
           ("Middle East", 630, 698), ("Asia", 700, 990))


def region(cow: int) -> str | None:
    """The COW region of a state code (None outside the ranges)."""
    for name, lo, hi in REGIONS:
        if lo <= cow <= hi:
            return name
    return None


def add_groups(frame: pd.DataFrame) -> pd.DataFrame:
    """``era`` (pre-1945 / post-1945), ``llm_window`` (1816-1944 or not) and ``region``."""
    out = frame.copy()
    out["era"] = out["year"].map(lambda y: "pre-1945" if y < 1945 else "post-1945")
    out["llm_window"] = out["year"].between(1816, 1944)
    out["region"] = out["target"].map(region)
    return out


def reliability_rates(frame: pd.DataFrame, *, by: Sequence[str] = ("era",),
                      casus_foederis_only: bool = True, level: float = 0.95,
                      include_already_at_war: bool = False) -> pd.DataFrame:
    """Share honoured by group, with Wilson intervals.

    Rows with ``honoured`` None (consultation, non-aggression) are not counted; with
    ``casus_foederis_only`` only rows whose casus foederis is True; rows where the ally was
    already a belligerent on the partner's side (``ally_already_at_war``) are dropped unless
    ``include_already_at_war``. ``by`` may name any column or ``era``, ``llm_window``,
    ``region``, ``kind``, ``role``; an empty ``by`` gives one overall row.

    Returns columns ``*by, n, honoured, rate, low, high``.
    """
    data = add_groups(frame)
    data = data[data["honoured"].notna()]
    if casus_foederis_only:
        data = data[data["casus_foederis"].map(lambda v: v is True)]
    if not include_already_at_war and "ally_already_at_war" in data:
        data = data[~data["ally_already_at_war"].astype(bool)]
    keys = list(by)
    data = data.assign(_h=data["honoured"].astype(bool).astype(int))
    if keys:
        grouped = data.groupby(keys, dropna=False)["_h"].agg(["size", "sum"]).reset_index()
    else:
        grouped = pd.DataFrame({"size": [len(data)], "sum": [int(data["_h"].sum())]})
    grouped = grouped.rename(columns={"size": "n", "sum": "honoured"})
    n = grouped["n"].astype(int)
    k = grouped["honoured"].astype(int)
    grouped["rate"] = (k / n).where(n > 0)
    lo, hi = proportion_confint(k, n.where(n > 0), alpha=1 - level, method="wilson")
    grouped["low"], grouped["high"] = lo, hi
    return grouped[[*keys, "n", "honoured", "rate", "low", "high"]]


def _one(frame: pd.DataFrame, level: float, **filters) -> dict:
    data = frame
    for col, val in filters.items():
        data = data[data[col].isin(val) if isinstance(val, tuple) else data[col] == val]
    r = reliability_rates(data, by=(), level=level).iloc[0]
    return {"n": int(r["n"]), "rate": None if pd.isna(r["rate"]) else float(r["rate"]),
            "low": None if pd.isna(r["low"]) else float(r["low"]),
            "high": None if pd.isna(r["high"]) else float(r["high"])}


def published_comparisons(frame: pd.DataFrame, *, level: float = 0.95) -> list[dict]:
    """Each published reliability figure beside our rate on the closest definition."""
    data = add_groups(frame)
    llm = data[data["llm_window"]]
    active = ("defense", "offense", "neutrality")
    bf = data[(data["kind"] == "defense") & (data["role"] == "target")]
    llm_diff = (
        "LLM code each obligation by hand against the war that invoked it (location, named "
        "adversary, provocation read from the texts); we decide the casus foederis from ATOP's "
        "coded conditions only, count only rows where it is True, take original targets as "
        "side-B entrants within 7 days of a COW war's start (and initiators for offence), and "
        "count an ally who joined at any time during the war as honouring.")
    bf_diff = (
        "B&F use ATOP defence pacts and COW wars with their own fulfilment coding; we use "
        "defence obligations toward original targets of COW wars (to 2003, the end of COW "
        "v4.0) with the casus foederis decided from ATOP's coded conditions, and any entry "
        "on the partner's side during the war as fulfilment.")
    out = [
        {"source": "Leeds, Long & Mitchell 2000", "doi": "10.1177/0022002700044005006",
         "definition": "1816-1944, ATOP defence/offence/neutrality obligations",
         "published": 0.75, **_one(llm, level, kind=active), "differences": llm_diff},
    ]
    for label, sub, pub in (("overall", bf, 0.50),
                            ("before 1945", bf[bf["era"] == "pre-1945"], 0.66),
                            ("after 1945", bf[bf["era"] == "post-1945"], 0.22)):
        out.append({"source": "Berkemeier & Fuhrmann 2018", "doi": "10.1177/2053168018776125",
                    "definition": f"defence pledges to attacked states, {label}",
                    "published": pub, **_one(sub, level), "differences": bf_diff})
    return out
