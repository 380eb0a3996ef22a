"""The map of a crisis: the borders of its date, the coalition highlighted.

:func:`crisis_roles` reads who plays which part from ``foedus simulate --json`` (the
attacker, the target, the states bound to defend it, the attacker's allies);
:func:`coalition_map` draws a TopoJSON topology (from :func:`foedus.data.borders.borders_on`,
CShapes 2.0 de facto borders simplified to a stated tolerance) as a Vega-Lite ``geoshape``
spec with each state coloured by its role, the projection fitted to the states involved.
:func:`crisis_map` does both for a simulation answer.

The topology travels inside the spec (``data.values``), so the spec is self-contained; at
0.25° a world map is about 150 kB of TopoJSON and its SVG a little more.
"""

from __future__ import annotations

from typing import Any

from foedus.charts._spec import ROLE_COLORS, top_level

__all__ = ["DEFENDER_THRESHOLD", "MAP_TOLERANCE", "ROLES", "coalition_map", "crisis_map",
           "crisis_roles"]

#: The Douglas–Peucker tolerance of report maps (degrees): a 19-case library report with
#: one map per case stays under 5 MB.
MAP_TOLERANCE = 0.25
#: The world without Antarctica: the box a map fits when its states span the globe.
WORLD = ((-180.0, -56.0), (180.0, 84.0))
#: The roles in the order of precedence (a state that is both keeps the first).
ROLES = ("attacker", "target", "defender", "attacker's ally", "pledge holder")
#: A pledge holder is drawn as a defender when its P(drawn in) reaches this.
DEFENDER_THRESHOLD = 0.05


def crisis_roles(answer: dict[str, Any], *,
                 threshold: float = DEFENDER_THRESHOLD) -> dict[int, str]:
    """COW code → role for the states of a simulation.

    Parameters
    ----------
    answer : dict
        ``foedus simulate --json`` (``attacks``, ``pledges``, ``attacker_pledges`` when
        present, ``drawn_in``).
    threshold : float
        A state counts as a defender when its P(drawn in) reaches this (default
        :data:`DEFENDER_THRESHOLD`); other holders of a pledge in the cascade are
        ``pledge holder``.

    Returns
    -------
    dict
        ``{cow: role}`` with roles from :data:`ROLES`.

    References
    ----------
    .. [1] Snyder, Glenn H. 1984. "The Security Dilemma in Alliance Politics." World
       Politics 36(4): 461-495. doi:10.2307/2010183
    """
    roles: dict[int, str] = {}

    def put(state: dict[str, Any] | None, role: str) -> None:
        if not state or "cow" not in state:
            return
        cow = int(state["cow"])
        if cow not in roles or ROLES.index(role) < ROLES.index(roles[cow]):
            roles[cow] = role

    for a in answer.get("attacks", []):
        put(a.get("attacker"), "attacker")
        put(a.get("target"), "target")
    drawn = answer.get("drawn_in", {})
    for p in answer.get("pledges", []):
        holder = p["holder"]
        key = holder.get("iso3") or f"cow:{holder.get('abb')}"
        put(holder, "defender" if drawn.get(key, 0.0) >= threshold else "pledge holder")
    for p in answer.get("attacker_pledges", []):
        put(p["holder"], "attacker's ally")
    return roles


def _rings(geometry: dict[str, Any]):
    if geometry["type"] == "Polygon":
        yield from geometry["arcs"]
    elif geometry["type"] == "MultiPolygon":
        for polygon in geometry["arcs"]:
            yield from polygon


def _arc_boxes(topology: dict[str, Any]) -> list[tuple[float, float, float, float]]:
    """(west, south, east, north) of every arc, decoded from the quantised deltas."""
    tr = topology.get("transform")
    boxes = []
    for arc in topology["arcs"]:
        if tr:
            x = y = 0
            xs, ys = [], []
            for dx, dy in arc:
                x, y = x + dx, y + dy
                xs.append(x)
                ys.append(y)
            (sx, sy), (tx, ty) = tr["scale"], tr["translate"]
            boxes.append((min(xs) * sx + tx, min(ys) * sy + ty,
                          max(xs) * sx + tx, max(ys) * sy + ty))
        else:
            boxes.append((min(p[0] for p in arc), min(p[1] for p in arc),
                          max(p[0] for p in arc), max(p[1] for p in arc)))
    return boxes


def _geometry_box(geometry: dict[str, Any], arcs: list[tuple]) -> tuple | None:
    used = [arcs[i if i >= 0 else ~i] for ring in _rings(geometry) for i in ring]
    if not used:
        return None
    return (min(b[0] for b in used), min(b[1] for b in used),
            max(b[2] for b in used), max(b[3] for b in used))


def _bounds(topology: dict[str, Any], cows: set[int]) -> list[list[float]] | None:
    """The [[west, south], [east, north]] box of the states ``cows``, padded;
    :data:`WORLD` when they span more than 270° of longitude."""
    arcs = _arc_boxes(topology)
    boxes = [_geometry_box(g, arcs) for g in topology["objects"]["states"]["geometries"]
             if int(g.get("properties", {}).get("cow", -1)) in cows]
    boxes = [b for b in boxes if b is not None]
    if not boxes:
        return None
    w, s = min(b[0] for b in boxes), min(b[1] for b in boxes)
    e, n = max(b[2] for b in boxes), max(b[3] for b in boxes)
    if e - w > 270.0:  # across the antimeridian or round the world
        return [list(WORLD[0]), list(WORLD[1])]
    pad_x, pad_y = max(5.0, 0.1 * (e - w)), max(4.0, 0.1 * (n - s))
    return [[max(-180.0, w - pad_x), max(-85.0, s - pad_y)],
            [min(180.0, e + pad_x), min(85.0, n + pad_y)]]


def _within(topology: dict[str, Any], box: list[list[float]]) -> dict[str, Any]:
    """The topology with only the states whose extent meets ``box`` widened by half its
    size each way (the rest lie outside the frame and would only add bytes)."""
    (w, s), (e, n) = box
    dw, dh = (e - w) / 2, (n - s) / 2
    w, s, e, n = w - dw, s - dh, e + dw, n + dh
    arcs = _arc_boxes(topology)
    objects = topology["objects"]["states"]
    kept = []
    for g in objects["geometries"]:
        b = _geometry_box(g, arcs)
        if b is not None and b[0] <= e and b[2] >= w and b[1] <= n and b[3] >= s:
            kept.append(g)
    return {**topology, "objects": {**topology["objects"],
                                    "states": {**objects, "geometries": kept}}}


def coalition_map(topology: dict[str, Any], roles: dict[int, str], *, title: str,
                  subtitle: str | list[str] | None = None, fit: bool = True,
                  width: int = 640, height: int = 400) -> dict[str, Any]:
    """The borders of a date with each state coloured by its role.

    Parameters
    ----------
    topology : dict
        TopoJSON with an object ``states`` whose geometries carry ``properties.cow`` and
        ``properties.name`` (:attr:`foedus.data.borders.BorderMap.topology`). Not modified.
    roles : dict
        COW code → role (:func:`crisis_roles`); other states are drawn as ``other``.
    title : str
        The map's title.
    subtitle : str or list of str, optional
        Lines under the title (the date, the source, a banner).
    fit : bool
        Fit the projection to the attacker, the target and the defenders (padded);
        otherwise the whole world.
    width, height : int
        The map's size in pixels.

    Returns
    -------
    dict
        A Vega-Lite ``geoshape`` spec (Equal Earth projection) carrying the topology.

    References
    ----------
    .. [1] Schvitz, Guy, et al. 2022. "Mapping the International System, 1886-2019: The
       CShapes 2.0 Dataset." Journal of Conflict Resolution 66(1): 144-161.
       doi:10.1177/00220027211013563
    .. [2] Šavrič, Bojan, Tom Patterson, and Bernhard Jenny. 2019. "The Equal Earth Map
       Projection." International Journal of Geographical Information Science 33(3):
       454-465. doi:10.1080/13658816.2018.1504949
    """
    projection: dict[str, Any] = {"type": "equalEarth"}
    focus = {c for c, r in roles.items() if r in ROLES[:3]}
    box = _bounds(topology, focus) if fit and focus else None
    if box is not None and box != [list(WORLD[0]), list(WORLD[1])]:
        topology = _within(topology, box)
    # a new geometry list with new properties; the arcs (the bulk) are shared, not copied
    objects = topology["objects"]["states"]
    geometries = []
    for g in objects["geometries"]:
        props = dict(g.get("properties", {}))
        props["role"] = roles.get(int(props.get("cow", -1)), "other")
        geometries.append({**g, "properties": props})
    topo = {**topology, "objects": {**topology["objects"],
                                    "states": {**objects, "geometries": geometries}}}
    if box is not None:
        (w, s), (e, n) = box
        projection["fit"] = {"type": "Feature", "properties": {}, "geometry": {
            "type": "Polygon",
            "coordinates": [[[w, s], [w, n], [e, n], [e, s], [w, s]]]}}
    present = [r for r in (*ROLES, "other") if r in set(roles.values()) | {"other"}]
    return top_level({
        "width": width, "height": height, "projection": projection,
        "data": {"values": topo, "format": {"type": "topojson", "feature": "states"}},
        "mark": {"type": "geoshape", "stroke": "#ffffff", "strokeWidth": 0.4,
                 "clip": True},
        "encoding": {
            "color": {"field": "properties.role", "type": "nominal", "title": None,
                      "scale": {"domain": present,
                                "range": [ROLE_COLORS[r] for r in present]}},
            "tooltip": [{"field": "properties.name", "title": "state"},
                        {"field": "properties.role", "title": "role"}]}},
        title=title, subtitle=subtitle,
        description="A map of the borders of the day with the attacker, the target, the "
                    "states bound to defend it and the attacker's allies coloured.")


def crisis_map(answer: dict[str, Any], topology: dict[str, Any], *,
               source: str | None = None) -> dict[str, Any]:
    """:func:`coalition_map` for a simulation answer (roles by :func:`crisis_roles`).

    Parameters
    ----------
    answer : dict
        ``foedus simulate --json``.
    topology : dict
        The borders of ``answer["as_of"]`` (:func:`foedus.data.borders.borders_on`).
    source : str, optional
        A line naming the borders' source, date and tolerance.

    Returns
    -------
    dict
        The map spec.

    References
    ----------
    .. [1] Schvitz, G., et al. 2022. Journal of Conflict Resolution 66(1): 144-161.
       doi:10.1177/00220027211013563
    """
    name = answer["scenario"].get("name") or answer["scenario"].get("file") or "scenario"
    lines = [f"{name}, {answer['as_of']}; defender: P(drawn in) ≥ {DEFENDER_THRESHOLD:g}"
             ] + ([source] if source else [])
    return coalition_map(topology, crisis_roles(answer), title="The coalition on the map",
                         subtitle=lines)
