"""Crisis charts from the engine's JSON: P(deterred) across cases and sweeps, who is drawn
in and who is entrapped, and a counterfactual's before and after.

Inputs are the objects the commands print with ``--json``, read by key (new keys may
appear; the ones read here stay): ``foedus simulate`` (``p_deterred``, ``drawn_in``,
``entrapment`` and their ``*_se``), ``foedus library`` (``cases``), ``foedus sweep``
(``points``), the library's sensitivity sweeps, and ``foedus compare`` (``base``, ``alt``,
``diff``). Every estimate is drawn with its 95 % interval, ± 1.96 Monte Carlo standard
errors, clipped to [0, 1].
"""

from __future__ import annotations

from typing import Any

from foedus.charts._spec import COLORS, interval, top_level

__all__ = ["compare_probabilities", "compare_states", "deterrence_by_case",
           "deterrence_sweep", "sensitivity", "state_probabilities"]

_P_AXIS = {"type": "quantitative", "scale": {"domain": [0, 1]}}


def _estimates(values: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows with ``p`` and ``se`` get their interval ``lo``/``hi`` (rows without ``p``
    are dropped: nothing to draw)."""
    out = []
    for v in values:
        if v.get("p") is None:
            continue
        lo, hi = interval(v["p"], v.get("se"))
        out.append({**v, "lo": lo, "hi": hi})
    return out


#: the upper ends a probability axis may take when it is cut to the data (always from 0)
P_AXIS_ENDS = (0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0)


def p_axis_end(values: list[dict[str, Any]]) -> float:
    """The smallest of :data:`P_AXIS_ENDS` at or above every row's interval end (``hi``,
    else ``p``): small probabilities get an axis they can be read on, still from zero."""
    top = max((v.get("hi") if v.get("hi") is not None else v.get("p") or 0.0
               for v in values), default=1.0)
    return next((end for end in P_AXIS_ENDS if top <= end), 1.0)


def _dot_interval(values: list[dict[str, Any]], *, y: dict[str, Any], x_title: str,
                  color: dict[str, Any] | None = None, y_offset: dict | None = None,
                  fit: bool = False) -> list[dict[str, Any]]:
    """A point with its interval per row, horizontal (the layers of a spec); ``fit`` cuts
    the probability axis at :func:`p_axis_end` instead of 1."""
    x = {**_P_AXIS, "field": "p", "title": x_title}
    if fit:
        x["scale"] = {"domain": [0, p_axis_end(values)]}
    bar_enc: dict[str, Any] = {"y": y, "x": {**x, "field": "lo"}, "x2": {"field": "hi"}}
    dot_enc: dict[str, Any] = {"y": y, "x": x, "tooltip": [
        {"field": y["field"]}, {"field": "p", "format": ".3f"},
        {"field": "se", "format": ".4f", "title": "standard error"}]}
    if color is not None:
        bar_enc["color"] = dot_enc["color"] = color
        dot_enc["tooltip"].insert(1, {"field": color["field"]})
    if y_offset is not None:
        bar_enc["yOffset"] = dot_enc["yOffset"] = y_offset
    return [
        {"data": {"values": values}, "mark": {"type": "rule", "strokeWidth": 1.5},
         "encoding": bar_enc},
        {"data": {"values": values}, "mark": {"type": "point", "filled": True, "size": 60,
                                              **({} if color else {"color": COLORS[0]})},
         "encoding": dot_enc},
    ]


def deterrence_by_case(library: dict[str, Any]) -> dict[str, Any]:
    """P(deterred) with its interval for every case of ``foedus library --json``.

    Parameters
    ----------
    library : dict
        ``foedus library --json`` (its ``cases``: ``case``, ``p_deterred``,
        ``p_deterred_se``).

    Returns
    -------
    dict
        One row per case in the library's order; cases without an estimate (no attacker
        to deter) are left out and named in the subtitle.

    References
    ----------
    .. [1] Bueno de Mesquita, Bruce. 1981. The War Trap. New Haven: Yale University Press.
       ISBN 978-0-300-03091-3
    """
    rows = [{"case": c["case"], "p": c["p_deterred"], "se": c["p_deterred_se"]}
            for c in library["cases"]]
    values = _estimates(rows)
    missing = [r["case"] for r in rows if r["p"] is None]
    order = [r["case"] for r in values]
    y = {"field": "case", "type": "nominal", "title": None, "sort": order}
    subtitle = ["each point ± 1.96 Monte Carlo standard errors"]
    if missing:
        subtitle.append("no estimate: " + ", ".join(missing))
    return top_level({"width": 420, "height": {"step": 18},
                      "layer": _dot_interval(values, y=y, x_title="P(deterred)")},
                     title="P(deterred) by case", subtitle=subtitle,
                     description="The probability that the attacker is deterred in each "
                                 "case, with 95% Monte Carlo intervals.")


def deterrence_sweep(points: list[dict[str, Any]], parameter: str, *,
                     by: str | None = None, title: str | None = None) -> dict[str, Any]:
    """P(deterred) across a sweep of one parameter (one line per value of a second).

    Parameters
    ----------
    points : list of dict
        ``foedus sweep --json`` ``points`` (``parameters``, ``p_deterred``,
        ``p_deterred_se``).
    parameter : str
        The swept parameter on the horizontal axis (a key of ``parameters``).
    by : str, optional
        A second swept parameter: one coloured line per value.
    title : str, optional
        The chart's title.

    Returns
    -------
    dict
        Lines with points and 95 % interval bars; the horizontal axis is ordinal (grid
        values in the sweep's order).

    References
    ----------
    .. [1] Bueno de Mesquita, Bruce. 1981. The War Trap. New Haven: Yale University Press.
       ISBN 978-0-300-03091-3
    """
    values = _estimates([{"x": str(pt["parameters"][parameter]),
                          "line": "" if by is None else f"{by} = {pt['parameters'][by]}",
                          "p": pt["p_deterred"], "se": pt["p_deterred_se"]}
                         for pt in points])
    order = list(dict.fromkeys(v["x"] for v in values))
    x = {"field": "x", "type": "ordinal", "title": parameter, "sort": order,
         "axis": {"labelAngle": 0}}
    y = {**_P_AXIS, "field": "p", "title": "P(deterred)"}
    color = ({"field": "line", "type": "nominal", "title": None} if by is not None
             else {"value": COLORS[0]})
    return top_level({
        "width": 420, "height": 240,
        "layer": [
            {"data": {"values": values}, "mark": {"type": "line", "point": True},
             "encoding": {"x": x, "y": y, "color": color, "detail": {"field": "line"},
                          "tooltip": [{"field": "x", "title": parameter},
                                      {"field": "p", "format": ".3f"},
                                      {"field": "se", "format": ".4f"}]}},
            {"data": {"values": values}, "mark": {"type": "rule"},
             "encoding": {"x": x, "y": {**y, "field": "lo"}, "y2": {"field": "hi"},
                          "color": color}},
        ]},
        title=title or f"P(deterred) across {parameter}",
        subtitle="each point ± 1.96 Monte Carlo standard errors",
        description=f"The probability that the attacker is deterred as {parameter} varies.")


def sensitivity(result: dict[str, list[dict[str, Any]]], *,
                title: str | None = None) -> dict[str, Any]:
    """A case's sensitivity sweeps side by side (``foedus.crisis.library.sensitivity``).

    Parameters
    ----------
    result : dict
        Parameter → rows with ``value``, ``p_deterred``, ``p_deterred_se``.
    title : str, optional
        The chart's title.

    Returns
    -------
    dict
        A horizontal concatenation: one panel per parameter, P(deterred) with its interval
        at every grid value (stakes as multiples of the file's own range).

    References
    ----------
    .. [1] Bueno de Mesquita, Bruce. 1981. The War Trap. New Haven: Yale University Press.
       ISBN 978-0-300-03091-3
    """
    panels = []
    for name, rows in result.items():
        label = name + (" (× the file's range)" if name == "challenger.value" else "")
        spec = deterrence_sweep([{"parameters": {name: r["value"]},
                                  "p_deterred": r["p_deterred"],
                                  "p_deterred_se": r["p_deterred_se"]} for r in rows], name)
        panel = {"width": 220, "height": 200, "layer": spec["layer"],
                 "title": label}
        panels.append(panel)
    return top_level({"hconcat": panels, "resolve": {"scale": {"y": "shared"}}},
                     title=title or "Sensitivity of P(deterred)",
                     subtitle="each point ± 1.96 Monte Carlo standard errors; common random "
                              "numbers across a sweep",
                     description="P(deterred) across each contested parameter.")


def state_probabilities(answer: dict[str, Any], what: str = "drawn_in", *,
                        top: int = 15) -> dict[str, Any]:
    """The states most likely to be drawn in (or entrapped), with their intervals.

    Parameters
    ----------
    answer : dict
        ``foedus simulate --json``.
    what : str
        ``drawn_in`` or ``entrapment`` (or another state-keyed probability of the answer
        with a parallel ``*_se`` map, such as ``drawn_in_if_war``).
    top : int
        How many states, largest first (ties by key); states at zero are left out.

    Returns
    -------
    dict
        Horizontal points with 95 % intervals, on an axis from 0 to the smallest of
        :data:`P_AXIS_ENDS` that holds every interval (so that 0.02 and 0.05 can be told
        apart); the subtitle states the axis's end.

    References
    ----------
    .. [1] Snyder, Glenn H. 1984. "The Security Dilemma in Alliance Politics." World
       Politics 36(4): 461-495. doi:10.2307/2010183
    """
    probs, errors = answer[what], answer.get(f"{what}_se", {})
    ranked = sorted(((k, v) for k, v in probs.items() if v and v > 0),
                    key=lambda kv: (-kv[1], kv[0]))[:top]
    values = _estimates([{"state": k, "p": v, "se": errors.get(k)} for k, v in ranked])
    label = {"drawn_in": "P(drawn in)", "entrapment": "P(entrapped)"}.get(
        what, f"P({what.replace('_', ' ')})")
    y = {"field": "state", "type": "nominal", "title": None,
         "sort": [v["state"] for v in values]}
    subtitle = (f"the {len(values)} most likely states, each ± 1.96 Monte Carlo standard "
                f"errors; the axis runs from 0 to {p_axis_end(values):g}"
                if values else "no state above zero")
    return top_level({"width": 420, "height": {"step": 18},
                      "layer": _dot_interval(values, y=y, x_title=label, fit=True)},
                     title={"drawn_in": "Who is drawn in",
                            "entrapment": "Who is entrapped"}.get(what, label),
                     subtitle=subtitle,
                     description=f"{label} for the most exposed states, with 95% intervals.")


def _names(result: dict[str, Any]) -> tuple[str, str]:
    return ("base: " + (result["base"]["scenario"]["name"] or "base"))[:70], \
        ("alternative: " + (result["alt"]["scenario"]["name"] or "alternative"))[:70]


def compare_probabilities(result: dict[str, Any], event: str) -> dict[str, Any]:
    """One event of ``foedus compare --json``: P(deterred) and P(widens), base beside
    alternative.

    Parameters
    ----------
    result : dict
        ``foedus compare --json``.
    event : str
        An event label (a key of ``result["diff"]["events"]``).

    Returns
    -------
    dict
        Grouped points with 95 % intervals.

    References
    ----------
    .. [1] Bueno de Mesquita, Bruce. 1981. The War Trap. New Haven: Yale University Press.
       ISBN 978-0-300-03091-3
    """
    names = _names(result)
    rows = []
    for side, name in zip(("base", "alt"), names, strict=True):
        ev = result[side]["events"][event]
        for key in ("p_deterred", "p_widens"):
            if ev.get(key) is not None:
                rows.append({"what": key.replace("p_", "P(") + ")", "run": name,
                             "p": ev[key], "se": ev.get(f"{key}_se")})
    values = _estimates(rows)
    color = {"field": "run", "type": "nominal", "title": None,
             "scale": {"domain": list(names), "range": ["#888888", COLORS[0]]}}
    y = {"field": "what", "type": "nominal", "title": None}
    return top_level({"width": 420, "height": {"step": 36},
                      "layer": _dot_interval(values, y=y, x_title="probability",
                                             color=color,
                                             y_offset={"field": "run"})},
                     title=f"{event}: before and after", subtitle="each ± 1.96 standard errors",
                     description="P(deterred) and P(widens) in the base and the alternative.")


def compare_states(result: dict[str, Any], event: str, what: str = "drawn_in", *,
                   top: int = 12) -> dict[str, Any]:
    """The states whose P(drawn in) (or entrapment) moved most between base and
    alternative.

    Parameters
    ----------
    result : dict
        ``foedus compare --json``.
    event : str
        An event label.
    what : str
        ``drawn_in`` or ``entrapment``.
    top : int
        How many states, by the size of the change.

    Returns
    -------
    dict
        Grouped points with 95 % intervals, states ordered by the change.

    References
    ----------
    .. [1] Snyder, Glenn H. 1984. "The Security Dilemma in Alliance Politics." World
       Politics 36(4): 461-495. doi:10.2307/2010183
    """
    names = _names(result)
    moved = result["diff"]["events"][event][what]
    states = [s for s, _ in sorted(moved.items(), key=lambda kv: (-abs(kv[1]), kv[0]))
              if abs(moved[s]) > 0][:top]
    rows = []
    for side, name in zip(("base", "alt"), names, strict=True):
        ev = result[side]["events"][event]
        for s in states:
            rows.append({"state": s, "run": name, "p": ev[what].get(s, 0.0),
                         "se": ev[f"{what}_se"].get(s, 0.0)})
    values = _estimates(rows)
    color = {"field": "run", "type": "nominal", "title": None,
             "scale": {"domain": list(names), "range": ["#888888", COLORS[0]]}}
    label = "P(drawn in)" if what == "drawn_in" else "P(entrapped)"
    y = {"field": "state", "type": "nominal", "title": None, "sort": states}
    return top_level({"width": 420, "height": {"step": 26},
                      "layer": _dot_interval(values, y=y, x_title=label, color=color,
                                             y_offset={"field": "run"})},
                     title=f"{event}: {label}, the {len(states)} states that moved most",
                     subtitle="each ± 1.96 standard errors",
                     description=f"{label} in the base and the alternative for the states "
                                 "whose probability changed most.")
