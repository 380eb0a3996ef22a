"""Burden-sharing charts from ``foedus burden --json`` (:class:`foedus.burden.answer.BurdenAnswer`).

- :func:`spending_over_time`: each member's defence spending as a percentage of GDP by year,
  the alliance median and the alliance as a whole (its spending over its GDP), with the 2 %
  (Wales, 2014) and 3.5 % (The Hague, 2025) guidelines drawn as lines;
- :func:`shares`: benefit (GDP) against cost (spending) shares in one year, largest first;
- :func:`exploitation_test`: the Olson & Zeckhauser rank correlation between size and
  burden by year, with its bootstrap interval;
- :func:`compliance`: members at or above 2 % by year, beside the members with data.

Each takes the answer's JSON (``answer.to_json()``) and returns a Vega-Lite spec.
"""

from __future__ import annotations

import statistics
from typing import Any

from foedus.charts._spec import COLORS, finite, top_level

__all__ = ["GUIDELINES", "compliance", "exploitation_test", "shares", "spending_over_time"]

#: NATO's spending guidelines, percent of GDP: the Wales Summit Declaration (2014, §14) and
#: The Hague Summit Declaration (2025, core defence requirements).
GUIDELINES = {"2% (Wales 2014)": 2.0, "3.5% (The Hague 2025)": 3.5}


def _label(m: dict[str, Any]) -> str:
    return m.get("iso3") or f"cow:{m['cow']}"


def _subtitle(answer: dict[str, Any]) -> str:
    return (f"{answer['alliance']['name']} ({answer['alliance']['id']}), series "
            f"{answer['series']}")


def spending_over_time(answer: dict[str, Any], *,
                       guidelines: dict[str, float] | None = None) -> dict[str, Any]:
    """Defence spending as a percentage of GDP by member and year, with the guidelines.

    Parameters
    ----------
    answer : dict
        ``foedus burden --json``.
    guidelines : dict, optional
        Label → percent of GDP drawn as horizontal lines (default :data:`GUIDELINES`).

    Returns
    -------
    dict
        A layered Vega-Lite spec: one thin grey line per member, the members' median and
        the alliance's aggregate burden (sum of spending over sum of GDP, members with both)
        in colour, dashed guideline rules.

    References
    ----------
    .. [1] Olson, Mancur, and Richard Zeckhauser. 1966. "An Economic Theory of Alliances."
       Review of Economics and Statistics 48(3): 266-279. doi:10.2307/1927082
    """
    guidelines = GUIDELINES if guidelines is None else guidelines
    members, summary = [], []
    by_year: dict[int, list[dict[str, Any]]] = {}
    for m in answer["members"]:
        burden = finite(m["milex_share_gdp"])
        if burden is None:
            continue
        members.append({"state": _label(m), "year": m["year"], "burden": burden})
        by_year.setdefault(m["year"], []).append(m)
    for year in sorted(by_year):
        rows = by_year[year]
        summary.append({"year": year, "series": "median member",
                        "burden": statistics.median(finite(r["milex_share_gdp"])
                                                    for r in rows)})
        both = [r for r in rows if finite(r["milex_usd"]) and finite(r["gdp_usd"])]
        if both:
            total = sum(r["milex_usd"] for r in both) / sum(r["gdp_usd"] for r in both)
            summary.append({"year": year, "series": "alliance as a whole",
                            "burden": 100.0 * total})
    rules = [{"guideline": k, "burden": v} for k, v in guidelines.items()]
    x = {"field": "year", "type": "quantitative", "axis": {"format": "d", "tickMinStep": 1},
         "title": "year"}
    y = {"field": "burden", "type": "quantitative", "title": "defence spending, % of GDP"}
    layers = [
        {"data": {"values": members}, "mark": {"type": "line", "strokeWidth": 1,
                                               "color": "#bbbbbb"},
         "encoding": {"x": x, "y": y, "detail": {"field": "state"},
                      "tooltip": [{"field": "state"}, {"field": "year"},
                                  {"field": "burden", "format": ".2f"}]}},
        {"data": {"values": summary}, "mark": {"type": "line", "point": True,
                                               "strokeWidth": 2.5},
         "encoding": {"x": x, "y": y,
                      "color": {"field": "series", "type": "nominal", "title": None,
                                "scale": {"domain": ["median member",
                                                     "alliance as a whole"],
                                          "range": [COLORS[0], COLORS[3]]}},
                      "tooltip": [{"field": "series"}, {"field": "year"},
                                  {"field": "burden", "format": ".2f"}]}},
        {"data": {"values": rules}, "mark": {"type": "rule", "strokeDash": [6, 4],
                                             "color": "#444444"},
         "encoding": {"y": {"field": "burden", "type": "quantitative"}}},
        {"data": {"values": rules}, "mark": {"type": "text", "align": "left", "dx": 4,
                                             "dy": -6, "color": "#444444"},
         "encoding": {"y": {"field": "burden", "type": "quantitative"},
                      "x": {"value": 0}, "text": {"field": "guideline"}}},
    ]
    return top_level({"width": 640, "height": 320, "layer": layers},
                     title="Defence spending against the guidelines",
                     subtitle=[_subtitle(answer), "grey: each member"],
                     description="Members' defence spending as a percentage of GDP by year, "
                                 "with the alliance median, the alliance as a whole and the "
                                 "2% and 3.5% guidelines.")


def shares(answer: dict[str, Any], *, year: int | None = None) -> dict[str, Any]:
    """Benefit (share of the alliance's GDP) against cost (share of its spending), by member.

    Parameters
    ----------
    answer : dict
        ``foedus burden --json``.
    year : int, optional
        The year (default: the last year with shares).

    Returns
    -------
    dict
        Grouped bars, members ordered by GDP share; a member above its GDP share in
        spending carries more than its benefit share (Sandler & Hartley 2001).

    References
    ----------
    .. [1] Sandler, Todd, and Keith Hartley. 2001. "Economics of Alliances: The Lessons for
       Collective Action." Journal of Economic Literature 39(3): 869-896.
       doi:10.1257/jel.39.3.869
    """
    rows = [m for m in answer["members"] if finite(m["gdp_share"]) is not None
            and finite(m["spending_share"]) is not None]
    if year is None and rows:
        year = max(m["year"] for m in rows)
    values = []
    for m in rows:
        if m["year"] != year:
            continue
        for what, key in (("share of GDP (benefit)", "gdp_share"),
                          ("share of spending (cost)", "spending_share")):
            values.append({"state": _label(m), "share": m[key], "what": what,
                           "gdp_share": m["gdp_share"]})
    return top_level({
        "width": {"step": 9}, "height": 260, "data": {"values": values},
        "mark": {"type": "bar"},
        "encoding": {
            "x": {"field": "state", "type": "nominal", "title": None,
                  "sort": {"field": "gdp_share", "order": "descending"},
                  "axis": {"labelAngle": -90}},
            "xOffset": {"field": "what"},
            "y": {"field": "share", "type": "quantitative", "title": "percent of alliance"},
            "color": {"field": "what", "type": "nominal", "title": None,
                      "scale": {"range": [COLORS[0], COLORS[1]]}},
            "tooltip": [{"field": "state"}, {"field": "what"},
                        {"field": "share", "format": ".2f"}]}},
        title=f"Benefit and cost shares in {year}", subtitle=_subtitle(answer),
        description=f"Each member's share of the alliance's GDP and of its defence spending "
                    f"in {year}.")


def exploitation_test(answer: dict[str, Any]) -> dict[str, Any]:
    """Spearman's ρ between members' size (GDP) and burden (spending over GDP) by year.

    Parameters
    ----------
    answer : dict
        ``foedus burden --json``.

    Returns
    -------
    dict
        Points with their bootstrap 95 % interval and a rule at zero; ρ > 0 means the large
        carry a larger burden, the exploitation of the great by the small (Olson &
        Zeckhauser 1966).

    References
    ----------
    .. [1] Olson, Mancur, and Richard Zeckhauser. 1966. "An Economic Theory of Alliances."
       Review of Economics and Statistics 48(3): 266-279. doi:10.2307/1927082
    """
    values = []
    for y in answer["years"]:
        rho = finite(y["spearman"])
        if rho is None:
            continue
        lo, hi = (finite(v) for v in y["spearman_ci"])
        values.append({"year": y["year"], "rho": rho, "lo": lo, "hi": hi,
                       "p": finite(y["spearman_p"]), "n": y["n_members"]})
    x = {"field": "year", "type": "quantitative", "axis": {"format": "d", "tickMinStep": 1},
         "scale": {"zero": False}}
    y_axis = {"field": "rho", "type": "quantitative", "title": "Spearman ρ (size, burden)",
              "scale": {"domain": [-1, 1]}}
    return top_level({
        "width": 560, "height": 240,
        "layer": [
            {"data": {"values": [{"zero": 0}]}, "mark": {"type": "rule", "color": "#888888"},
             "encoding": {"y": {"field": "zero", "type": "quantitative"}}},
            {"data": {"values": values}, "mark": {"type": "errorbar", "ticks": True},
             "encoding": {"x": x, "y": {**y_axis, "field": "lo"},
                          "y2": {"field": "hi"}}},
            {"data": {"values": values}, "mark": {"type": "point", "filled": True,
                                                  "size": 50, "color": COLORS[0]},
             "encoding": {"x": x, "y": y_axis,
                          "tooltip": [{"field": "year"}, {"field": "rho", "format": ".3f"},
                                      {"field": "p", "format": ".3f"}, {"field": "n"}]}},
        ]},
        title="The exploitation test by year", subtitle=_subtitle(answer),
        description="Spearman rank correlation between members' GDP and defence burden by "
                    "year, with bootstrap 95% intervals.")


def compliance(answer: dict[str, Any]) -> dict[str, Any]:
    """Members at or above 2 % of GDP by year, beside the members with data.

    Parameters
    ----------
    answer : dict
        ``foedus burden --json``.

    Returns
    -------
    dict
        Two lines over the years.

    References
    ----------
    .. [1] NATO. 2014. "Wales Summit Declaration", paragraph 14.
       https://www.nato.int/cps/en/natohq/official_texts_112964.htm
    """
    values = []
    for y in answer["years"]:
        values.append({"year": y["year"], "count": y["n_members"],
                       "what": "members with data"})
        if y["n_at_2pct"] is not None:
            values.append({"year": y["year"], "count": y["n_at_2pct"],
                           "what": "at or above 2% of GDP"})
    return top_level({
        "width": 560, "height": 220, "data": {"values": values},
        "mark": {"type": "line", "point": True},
        "encoding": {
            "x": {"field": "year", "type": "quantitative",
                  "axis": {"format": "d", "tickMinStep": 1}, "scale": {"zero": False}},
            "y": {"field": "count", "type": "quantitative", "title": "members"},
            "color": {"field": "what", "type": "nominal", "title": None,
                      "scale": {"domain": ["at or above 2% of GDP", "members with data"],
                                "range": [COLORS[0], "#999999"]}},
            "tooltip": [{"field": "year"}, {"field": "what"}, {"field": "count"}]}},
        title="Guideline compliance", subtitle=_subtitle(answer),
        description="Members at or above 2% of GDP and members with data, by year.")
