"""Vega-Lite specs (written with Altair) for the pages' charts, from the library's answers.

Each builder takes an answer's JSON and returns a spec dict that ``vega-embed`` draws in
the page. (The shared chart builders of ``foedus.charts`` are to replace these once they
exist; these only lay out answers, they compute nothing.)
"""

from __future__ import annotations

import altair as alt
import pandas as pd

__all__ = ["burden_charts", "crisis_bars", "members_chart"]

_WIDTH = 640


def members_chart(treaty: dict) -> dict:
    """A treaty's members through time: one bar per membership spell."""
    rows = []
    ended = treaty.get("ended")
    for m in treaty["members"]:
        start = m.get("start") or treaty.get("in_force") or treaty.get("signed")
        end = m.get("end") or ended or pd.Timestamp.today().date().isoformat()
        if start:
            rows.append({"member": m.get("name", str(m["state"])), "start": start,
                         "end": end, "open": m.get("end") is None and ended is None})
    frame = pd.DataFrame(rows, columns=["member", "start", "end", "open"])
    chart = alt.Chart(frame, title=f"{treaty['name']}: members through time").mark_bar(
        height=8).encode(
        x=alt.X("start:T", title=None), x2="end:T",
        y=alt.Y("member:N", sort=alt.EncodingSortField("start", order="ascending"),
                title=None),
        color=alt.Color("open:N", title="still a member",
                        scale=alt.Scale(domain=[True, False], range=["#3b6ea5", "#b9b9b9"])),
        tooltip=["member:N", "start:T", "end:T"]).properties(
        width=_WIDTH, height=max(60, 14 * frame["member"].nunique()))
    return chart.to_dict()


def crisis_bars(result: dict, top: int = 12) -> dict:
    """Who is drawn in and who is entrapped: the top states, each with ± one standard
    error."""
    rows = []
    for what, label in (("drawn_in", "P(drawn in)"), ("entrapment", "P(entrapped)")):
        values, errors = result.get(what) or {}, result.get(f"{what}_se") or {}
        for state, p in sorted(values.items(), key=lambda kv: -kv[1])[:top]:
            if p is None:
                continue
            se = errors.get(state) or 0.0
            rows.append({"state": state, "measure": label, "p": p,
                         "low": max(0.0, p - se), "high": min(1.0, p + se)})
    frame = pd.DataFrame(rows, columns=["state", "measure", "p", "low", "high"])
    base = alt.Chart(frame).encode(y=alt.Y("state:N", sort="-x", title=None))
    bars = base.mark_bar().encode(x=alt.X("p:Q", title="probability",
                                          scale=alt.Scale(domain=[0, 1])),
                                  color=alt.Color("measure:N", legend=None),
                                  tooltip=["state:N", "measure:N",
                                           alt.Tooltip("p:Q", format=".3f")])
    whiskers = base.mark_rule().encode(x="low:Q", x2="high:Q")
    return alt.layer(bars, whiskers).properties(width=280, height=alt.Step(16)).facet(
        column=alt.Column("measure:N", title=None)).resolve_scale(y="independent").to_dict()


def burden_charts(answer: dict) -> dict[str, dict]:
    """Spending in percent of GDP by member with the 2 % and 3.5 % targets; the
    exploitation test (Spearman's ρ of size and burden, with its interval) by year."""
    members = pd.DataFrame([{"member": m["iso3"] or str(m["cow"]), "year": m["year"],
                             "burden": m["milex_share_gdp"]} for m in answer["members"]],
                           columns=["member", "year", "burden"]).dropna()
    targets = pd.DataFrame({"target": ["2% of GDP (Wales, 2014)",
                                       "3.5% of GDP (The Hague, 2025)"],
                            "level": [2.0, 3.5]})
    lines = alt.Chart(members).mark_line(point=True, strokeWidth=1).encode(
        x=alt.X("year:O", title=None), y=alt.Y("burden:Q", title="military spending, % of GDP"),
        color=alt.Color("member:N", legend=alt.Legend(columns=2, symbolLimit=60)),
        tooltip=["member:N", "year:O", alt.Tooltip("burden:Q", format=".2f")])
    rules = alt.Chart(targets).mark_rule(strokeDash=[6, 3], color="#b00").encode(
        y="level:Q", tooltip=["target:N"])
    spending = alt.layer(lines, rules).properties(
        width=_WIDTH, height=320,
        title=f"{answer['alliance']['name']}: burden by member ({answer['series']})")
    years = pd.DataFrame([{"year": y["year"], "rho": y["spearman"],
                           "low": (y["spearman_ci"] or [None, None])[0],
                           "high": (y["spearman_ci"] or [None, None])[1],
                           "p": y["spearman_p"], "members": y["n_members"],
                           "at_2pct": y["n_at_2pct"]} for y in answer["years"]],
                         columns=["year", "rho", "low", "high", "p", "members", "at_2pct"])
    band = alt.Chart(years).mark_area(opacity=0.25).encode(
        x=alt.X("year:O", title=None), y=alt.Y("low:Q", title="Spearman's ρ (size, burden)",
                                                scale=alt.Scale(domain=[-1, 1])), y2="high:Q")
    rho = alt.Chart(years).mark_line(point=True).encode(
        x="year:O", y="rho:Q", tooltip=["year:O", alt.Tooltip("rho:Q", format=".2f"),
                                        alt.Tooltip("p:Q", format=".3f"), "members:Q",
                                        "at_2pct:Q"])
    zero = alt.Chart(pd.DataFrame({"y": [0.0]})).mark_rule(color="#888").encode(y="y:Q")
    test = alt.layer(band, rho, zero).properties(
        width=_WIDTH, height=220, title="The exploitation test by year (Olson & Zeckhauser "
        "1966): ρ > 0, the large carry the burden")
    return {"spending": spending.to_dict(), "test": test.to_dict()}
