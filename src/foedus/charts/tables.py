"""A treaty's members through time, and the replication suite published beside reproduced.

- :func:`membership_records` turns a :class:`~foedus.model.commitments.Treaty` into plain
  records (state, first day, last day of each spell in which it takes part);
  :func:`treaty_members` draws them as a timeline, one row per member;
- :func:`replication_rows` gives a replication's figures as table rows (the same cells
  ``foedus replicate NAME`` prints); :func:`replication_figures` draws published against
  reproduced, one panel per unit (rates, coefficients, counts never share an axis).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from foedus.charts._spec import COLORS, finite, top_level

__all__ = ["membership_records", "replication_figures", "replication_rows",
           "treaty_members"]


def membership_records(treaty: Any, *, name: Callable[[int], str] = str,
                       until: dt.date | None = None) -> list[dict[str, Any]]:
    """The spells in which each member of a treaty takes part, as plain records.

    Parameters
    ----------
    treaty : foedus.model.commitments.Treaty
        The treaty (its ``members`` and their exclusions).
    name : callable
        COW code → the label shown (default: the code).
    until : datetime.date, optional
        The end drawn for open spells (default: the treaty's end, else today's date is
        never used: the latest start or end recorded).

    Returns
    -------
    list of dict
        ``{"state", "cow", "start", "end", "open"}`` with ISO dates, in order of first
        entry; ``open`` marks a spell that has not ended.

    References
    ----------
    .. [1] Leeds, Brett Ashley, Jeffrey M. Ritter, Sara McLaughlin Mitchell, and Andrew G.
       Long. 2002. "Alliance Treaty Obligations and Provisions, 1815-1944." International
       Interactions 28(3): 237-260. doi:10.1080/03050620213653
    """
    spells = []
    for m in treaty.members:
        for start, end in m.participation_spells():
            start = start or treaty.in_force or treaty.signed
            if start is None:
                continue
            spells.append((int(m.state), start, end))
    known = [d for _, s, e in spells for d in (s, e) if d is not None]
    horizon = until or treaty.ended or (max(known) if known else None)
    records = []
    for cow, start, end in sorted(spells, key=lambda s: (s[1], s[0])):
        records.append({"state": name(cow), "cow": cow, "start": start.isoformat(),
                        "end": (end or horizon or start).isoformat(), "open": end is None})
    return records


def treaty_members(records: list[dict[str, Any]], *, title: str) -> dict[str, Any]:
    """A timeline of a treaty's members: one bar per spell, one row per member.

    Parameters
    ----------
    records : list of dict
        :func:`membership_records`.
    title : str
        The treaty's name.

    Returns
    -------
    dict
        Bars from entry to exit on a time axis, members in order of entry; spells still
        running are drawn in a lighter colour to the horizon.

    References
    ----------
    .. [1] Leeds, B. A., et al. 2002. International Interactions 28(3): 237-260.
       doi:10.1080/03050620213653
    """
    order = list(dict.fromkeys(r["state"] for r in records))
    values = [{**r, "status": "in force at the horizon" if r["open"] else "ended"}
              for r in records]
    return top_level({
        "width": 560, "height": {"step": 12}, "data": {"values": values},
        "mark": {"type": "bar", "cornerRadius": 1},
        "encoding": {
            "y": {"field": "state", "type": "nominal", "sort": order, "title": None,
                  "axis": {"labelFontSize": 9}},
            "x": {"field": "start", "type": "temporal", "title": None},
            "x2": {"field": "end"},
            "color": {"field": "status", "type": "nominal", "title": None,
                      "scale": {"domain": ["ended", "in force at the horizon"],
                                "range": ["#999999", COLORS[0]]}},
            "tooltip": [{"field": "state"}, {"field": "start"}, {"field": "end"}]}},
        title=f"{title}: members through time", subtitle=f"{len(order)} states",
        description=f"When each member of {title} took part.")


def _fmt(v: float | None, unit: str) -> str:
    if v is None:
        return "–"
    return f"{v:,.0f}" if unit == "count" else f"{v:.3f}"


def replication_rows(replication: dict[str, Any]) -> list[dict[str, str]]:
    """A replication's figures as table rows of text (``foedus replicate NAME --json``).

    Parameters
    ----------
    replication : dict
        One study's answer.

    Returns
    -------
    list of dict
        ``figure``, ``published``, ``reproduced`` (with its interval), ``difference``,
        ``tolerance``, ``pass`` (``yes``, ``no`` or ``–`` when it cannot be decided, with
        "(required)"), ``note``.

    References
    ----------
    .. [1] King, Gary. 1995. "Replication, Replication." PS: Political Science and Politics
       28(3): 444-452. doi:10.2307/420301
    """
    rows = []
    for f in replication["figures"]:
        unit = f.get("unit", "rate")
        interval = ""
        if f.get("low") is not None and f.get("high") is not None:
            interval = f" [{_fmt(f['low'], unit)}, {_fmt(f['high'], unit)}]"
        mark = {True: "yes", False: "no", None: "–"}[f.get("pass")]
        if f.get("required"):
            mark += " (required)"
        rows.append({"figure": f["label"], "published": _fmt(f["published"], unit),
                     "reproduced": _fmt(f["reproduced"], unit) + interval,
                     "difference": _fmt(f.get("difference"), unit),
                     "tolerance": _fmt(f.get("tolerance"), unit), "pass": mark,
                     "note": f.get("note") or ""})
    return rows


def replication_figures(replication: dict[str, Any]) -> dict[str, Any]:
    """Published against reproduced for one study, one panel per unit.

    Parameters
    ----------
    replication : dict
        One study's answer (``foedus replicate NAME --json``).

    Returns
    -------
    dict
        A vertical concatenation of dot plots: the published value (hollow), the reproduced
        value (filled) with its interval where the study gives one; figures that could not
        be reproduced show the published value alone.

    References
    ----------
    .. [1] King, Gary. 1995. "Replication, Replication." PS: Political Science and Politics
       28(3): 444-452. doi:10.2307/420301
    """
    by_unit: dict[str, list[dict[str, Any]]] = {}
    for f in replication["figures"]:
        unit = f.get("unit", "rate")
        for which in ("published", "reproduced"):
            value = finite(f.get(which))
            if value is None:
                continue
            row = {"figure": f["label"], "which": which, "value": value,
                   "pass": {True: "yes", False: "no", None: "undecided"}[f.get("pass")]}
            if which == "reproduced":
                row["lo"], row["hi"] = finite(f.get("low")), finite(f.get("high"))
            by_unit.setdefault(unit, []).append(row)
    panels = []
    for unit, values in by_unit.items():
        order = list(dict.fromkeys(v["figure"] for v in values))
        y = {"field": "figure", "type": "nominal", "title": None, "sort": order,
             "axis": {"labelLimit": 360}}
        x = {"field": "value", "type": "quantitative", "title": unit,
             "scale": {"zero": False}}
        color = {"field": "which", "type": "nominal", "title": None,
                 "scale": {"domain": ["published", "reproduced"],
                           "range": ["#444444", COLORS[0]]}}
        panels.append({"width": 360, "height": {"step": 20}, "layer": [
            {"data": {"values": [v for v in values if v.get("lo") is not None]},
             "mark": {"type": "rule", "color": COLORS[0]},
             "encoding": {"y": y, "x": {**x, "field": "lo"}, "x2": {"field": "hi"}}},
            {"data": {"values": values},
             "mark": {"type": "point", "size": 60, "strokeWidth": 2},
             "encoding": {"y": y, "x": x, "color": color,
                          "fill": {"condition": {"test": "datum.which === 'reproduced'",
                                                 "value": COLORS[0]},
                                   "value": "transparent"},
                          "tooltip": [{"field": "figure"}, {"field": "which"},
                                      {"field": "value", "format": ".3f"},
                                      {"field": "pass"}]}},
        ]})
    return top_level({"vconcat": panels, "resolve": {"scale": {"x": "independent"}}},
                     title=replication.get("title", replication.get("study", "")),
                     subtitle="hollow: published; filled: reproduced (with its interval)",
                     description="Published and reproduced values of each figure.")
