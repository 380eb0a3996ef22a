"""The members' population, GDP and military expenditure on a day, and their burden sharing.

Values are read with the burden lens's readers (:mod:`foedus.burden.spending`) and measured
with its measures (:mod:`foedus.measures.burden`); each member's latest year on or before the
day's year is used, and what is carried forward or missing is flagged.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

__all__ = ["burden_section", "member_values"]

_SIPRI_FIRST = 1949


def _num(x) -> float | None:
    return None if x is None or not np.isfinite(x) else float(x)


def member_values(members: list[int], year: int, keys: dict) -> tuple[pd.DataFrame, list]:
    """Population, GDP and military expenditure of each member, the latest year ≤ ``year``.

    Read with the burden lens's own readers (:mod:`foedus.burden.spending`): SIPRI spending
    and share with WDI GDP (derived from SIPRI where WDI has none) from 1949, NMC spending
    over Maddison GDP before; population from NMC, then Maddison, carried forward.
    """
    from foedus.burden.spending import _population, _series_values
    from foedus.data.store import connect

    series = "sipri" if year >= _SIPRI_FIRST else "nmc"
    with connect() as con:
        raw = _series_values(con, series)
        pop = _population(con, pd.DataFrame({"ccode": members, "year": year}))
        # the SIPRI frame joins WDI onto SIPRI's rows: a state SIPRI lacks (Iceland) needs
        # WDI itself (the reading of foedus.panels.economy.add_gdp)
        wdi = con.execute("SELECT ccode, year, gdp_current_usd AS gdp_usd, 'wdi' AS gdp_source "
                          "FROM gdp_wdi").df() if series == "sipri" else raw.iloc[:0]
    raw, wdi = ((f[f["ccode"].isin(members) & (f["year"] <= year)].astype(
        {"ccode": "int64", "year": "int64"}).sort_values("year", kind="stable"))
        for f in (raw, wdi))
    gdp = pd.concat([wdi, raw[["ccode", "year", "gdp_usd", "gdp_source"]]]).dropna(
        subset=["gdp_usd"]).sort_values("year", kind="stable").groupby("ccode").last()
    mil = raw.dropna(subset=["milex_share_gdp"]).groupby("ccode").last()
    out = pd.DataFrame({"ccode": members, "year": year})
    out["population"] = pop["population"].to_numpy(dtype=float)
    out["gdp_usd"] = out["ccode"].map(gdp["gdp_usd"]).astype(float)
    out["gdp_year"] = out["ccode"].map(gdp["year"])
    out["milex_usd"] = out["ccode"].map(mil["milex_usd"]).astype(float)
    out["milex_share_gdp"] = out["ccode"].map(mil["milex_share_gdp"]).astype(float)
    out["milex_year"] = out["ccode"].map(mil["year"])
    out.attrs.update(series=series, gdp_unit="current US$" if series == "sipri"
                     else "2011 international $ (Maddison, PPP)")

    flags = []

    def listed(mask) -> str:
        return ", ".join(keys[c] for c in out.loc[mask, "ccode"])

    carried = pop["population_source"].to_numpy() == "carried_forward"
    if carried.any():
        flags.append(f"population_carried_forward: no population for {year} in NMC 7.0 "
                     f"(to 2022) or Maddison (to 2018); the last known value is used for "
                     f"{listed(carried)}")
    for what, col, label in (("gdp", "gdp_year", "GDP"), ("milex", "milex_year",
                                                         "military expenditure")):
        late = out[col].notna() & (out[col] < year)
        if late.any():
            years = sorted({int(y) for y in out.loc[late, col]})
            flags.append(f"{what}_carried_forward: {label} for {year} is not in the data "
                         f"({series} series) for {listed(late)}; the latest year is used "
                         f"({', '.join(map(str, years))})")
    if series == "sipri":
        derived = [keys[c] for c in out["ccode"]
                   if c in gdp.index and gdp.at[c, "gdp_source"] == "derived_sipri"]
        if derived:
            flags.append(f"gdp_derived: where WDI has no GDP, GDP is SIPRI spending over its "
                         f"share of GDP ({', '.join(derived)})")
    for what, col, label in (("population", "population", "population"),
                             ("gdp", "gdp_usd", "GDP"),
                             ("milex", "milex_share_gdp", "military expenditure")):
        gap = out[col].isna()
        if gap.any():
            flags.append(f"{what}_missing: no {label} on or before {year} for {listed(gap)} "
                         "(left out of the sums and shares that need it)")
    return out, flags


def burden_section(values: pd.DataFrame, members: list[int], keys: dict,
            spending: Mapping[int, float] | None, seed: int) -> tuple[dict, list]:
    r"""Benefit and cost shares, burden and guideline compliance of the members.

    Shares of the alliance's GDP, population and military expenditure, the benefit share
    (mean of the GDP and population shares) and the free-riding index (benefit minus
    spending share) are :func:`foedus.measures.burden.burden_shares` (Olson & Zeckhauser
    1966, doi:10.2307/1927082; Sandler & Forbes 1980,
    doi:10.1111/j.1465-7295.1980.tb00588.x); compliance with 2% (Wales 2014) and 3.5% of
    GDP (The Hague 2025) is :func:`foedus.measures.burden.compliance`; the exploitation
    hypothesis is :func:`foedus.measures.burden.exploitation_test` (Spearman's ρ of GDP and
    milex/GDP, bootstrap interval). ``spending`` (COW code → percent of GDP) replaces a
    member's observed burden, with spending = percent × GDP (values checked by the caller).
    """
    from foedus.measures.burden import burden_shares, compliance, exploitation_test

    frame = values[["ccode", "year", "gdp_usd", "population", "milex_usd",
                    "milex_share_gdp"]].copy()
    flags = []
    overridden = []
    for code, pct in (spending or {}).items():
        if int(code) not in members:
            flags.append(f"spending_ignored: cow:{code} is not a member on the day")
            continue
        row = frame["ccode"] == int(code)
        frame.loc[row, "milex_share_gdp"] = float(pct)
        frame.loc[row, "milex_usd"] = float(pct) / 100.0 * frame.loc[row, "gdp_usd"]
        overridden.append(int(code))
    shares = burden_shares(frame).set_index("ccode")
    at = {}
    for target in (2.0, 3.5):
        years, _ = compliance(frame, target_pct=target)
        at[target] = years.iloc[0]
    exploit = exploitation_test(frame, n_boot=1000, seed=seed).iloc[0]
    by_state = {}
    for r in frame.itertuples(index=False):
        s = shares.loc[r.ccode]
        by_state[keys[r.ccode]] = {
            "gdp_share": _num(s["gdp_share"]), "pop_share": _num(s["pop_share"]),
            "spending_share": _num(s["spending_share"]),
            "benefit_share": _num(s["benefit_share"]), "free_riding": _num(s["free_riding"]),
            "milex_gdp_pct": _num(r.milex_share_gdp), "milex_usd": _num(r.milex_usd),
            "gdp_usd": _num(r.gdp_usd), "overridden": r.ccode in overridden,
        }
    missing = [keys[c] for c, v in zip(frame["ccode"], frame["milex_share_gdp"], strict=True)
               if pd.isna(v)]
    section = {
        "year": int(values["year"].iloc[0]), "series": values.attrs["series"],
        "gdp_unit": values.attrs["gdp_unit"], "by_state": by_state,
        "compliance": {
            "n_members": int(at[2.0]["n_members"]), "missing": missing,
            "at_2pct": int(at[2.0]["n_at_target"]),
            "share_at_2pct": _num(at[2.0]["share_at_target"]),
            "at_3_5pct": int(at[3.5]["n_at_target"]),
            "share_at_3_5pct": _num(at[3.5]["share_at_target"]),
        },
        "exploitation": {k: _num(exploit[k]) for k in ("spearman", "spearman_p",
                                                       "spearman_lo", "spearman_hi",
                                                       "kendall", "kendall_p")},
        "overridden": [keys[c] for c in overridden],
    }
    return section, flags
