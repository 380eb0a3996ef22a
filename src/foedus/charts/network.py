"""The cascade of a crisis as a network: states as nodes, pledges and attacks as edges.

:func:`cascade_graph` reads ``foedus simulate --json`` into a :class:`networkx.DiGraph`:
an ``attack`` edge from each attacker to its target, a ``defense`` edge (``informal`` for a
commitment without a treaty obligation) from each holder of a pledge to its beneficiary, an
``offense`` edge for each pledge owed to the attacker; nodes carry their P(drawn in) and
role. :func:`network` lays the graph out in Python (Fruchterman–Reingold, seeded: the same
graph and seed give the same picture) and returns a Vega-Lite spec (edges as rules coloured
by kind, nodes sized by P(drawn in), labels), which renders to SVG like every chart.
"""

from __future__ import annotations

from typing import Any

import networkx as nx

from foedus.charts._spec import KIND_COLORS, ROLE_COLORS, top_level
from foedus.charts.maps import DEFENDER_THRESHOLD, crisis_roles

__all__ = ["cascade_graph", "layout", "network"]


def _key(state: dict[str, Any]) -> str:
    return state.get("iso3") or f"cow:{state.get('abb') or state.get('cow')}"


def cascade_graph(answer: dict[str, Any], *, threshold: float = DEFENDER_THRESHOLD,
                  top: int = 30) -> nx.DiGraph:
    """The states most involved in a simulation and the links that bring them in.

    A full cascade can hold thousands of pledges (every member of a multilateral pact to
    every other); the picture keeps the attackers, the targets, the ``top`` states most
    likely to be drawn in (P(drawn in) at least ``threshold``) and the attacker's allies,
    and gives each holder one defence link: its most credible pledge to a target where it
    has one, else its most credible pledge to another state kept (how a chain-gang brings
    it in).

    Parameters
    ----------
    answer : dict
        ``foedus simulate --json``.
    threshold : float
        The least P(drawn in) of a defender shown.
    top : int
        At most this many defenders.

    Returns
    -------
    networkx.DiGraph
        Nodes keyed as the answer keys states (ISO-3, else ``cow:ABB``) with ``name``,
        ``role`` and ``p`` (P(drawn in)); edges with ``kind`` (``attack``, ``defense``,
        ``informal`` for a commitment without a treaty obligation, ``offense`` for a
        pledge owed to the attacker), ``treaty`` and ``probability`` (the pledge's mean
        credibility where the answer gives it).

    References
    ----------
    .. [1] Christensen, Thomas J., and Jack Snyder. 1990. "Chain Gangs and Passed Bucks:
       Predicting Alliance Patterns in Multipolarity." International Organization 44(2):
       137-168. doi:10.1017/S0020818300035232
    """
    roles = crisis_roles(answer, threshold=threshold)
    drawn = answer.get("drawn_in", {})
    g = nx.DiGraph()

    def node(state: dict[str, Any]) -> str:
        key = _key(state)
        if key not in g:
            g.add_node(key, name=state.get("name", key),
                       role=roles.get(int(state.get("cow", -1)), "other"),
                       p=float(drawn.get(key, 0.0)))
        return key

    targets = set()
    for a in answer.get("attacks", []):
        targets.add(_key(a["target"]))
        if "cow" in (a.get("attacker") or {}):
            g.add_edge(node(a["attacker"]), node(a["target"]), kind="attack", treaty=None,
                       probability=None)
        else:
            node(a["target"])
    ranked = sorted(((k, v) for k, v in drawn.items() if v >= threshold and k not in g),
                    key=lambda kv: (-kv[1], kv[0]))[:top]
    kept = set(g) | {k for k, _ in ranked}
    best: dict[str, tuple] = {}
    for p in answer.get("pledges", []):
        a, b = _key(p["holder"]), _key(p["beneficiary"])
        if a not in kept or b not in kept or a == b or (a in targets and b in targets):
            continue
        rank = (b in targets, p.get("probability") or 0.0, b)
        if a not in best or rank > best[a][0]:
            best[a] = (rank, p)
    for a in sorted(best):
        p = best[a][1]
        g.add_edge(node(p["holder"]), node(p["beneficiary"]),
                   kind="informal" if p.get("informal") else "defense",
                   treaty=(p.get("treaty") or {}).get("name"),
                   probability=p.get("probability"))
    for k, _ in ranked:
        if k not in g:  # drawn in, but by no pledge among the states shown
            g.add_node(k, name=k, role="defender", p=float(drawn[k]))
    for p in answer.get("attacker_pledges", []):
        a, b = node(p["holder"]), node(p["beneficiary"])
        if not g.has_edge(a, b):
            g.add_edge(a, b, kind="offense", treaty=(p.get("treaty") or {}).get("name"),
                       probability=p.get("probability"))
    return g


def layout(graph: nx.Graph, *, seed: int = 0) -> dict[str, tuple[float, float]]:
    """Node positions in [-1, 1]², Fruchterman–Reingold from a fixed seed.

    Nodes are laid out in sorted order, so the positions depend on the graph and the seed
    only (not on the order the answer listed them).

    Parameters
    ----------
    graph : networkx.Graph
        The graph.
    seed : int
        The layout's seed.

    Returns
    -------
    dict
        Node → (x, y).

    References
    ----------
    .. [1] Fruchterman, Thomas M. J., and Edward M. Reingold. 1991. "Graph Drawing by
       Force-Directed Placement." Software: Practice and Experience 21(11): 1129-1164.
       doi:10.1002/spe.4380211102
    """
    ordered = nx.Graph()
    ordered.add_nodes_from(sorted(graph.nodes))
    ordered.add_edges_from(sorted((min(a, b), max(a, b)) for a, b in graph.edges))
    if len(ordered) == 0:
        return {}
    k = 1.5 / max(1.0, len(ordered) ** 0.5)
    pos = nx.spring_layout(ordered, seed=seed, k=k, iterations=200)
    return {n: (round(float(x), 6), round(float(y), 6)) for n, (x, y) in pos.items()}


def network(answer: dict[str, Any], *, seed: int = 0, title: str | None = None,
            top: int = 30) -> dict[str, Any]:
    """The cascade of a simulation as a Vega-Lite network picture.

    Parameters
    ----------
    answer : dict
        ``foedus simulate --json``.
    seed : int
        The layout's seed (:func:`layout`).
    title : str, optional
        The picture's title.
    top : int
        At most this many defenders (:func:`cascade_graph`).

    Returns
    -------
    dict
        A layered spec: edges (rules, coloured by kind: attack, defence, informal,
        offence), nodes (circles sized by P(drawn in), coloured by role) and labels.

    References
    ----------
    .. [1] Christensen, T. J., and J. Snyder. 1990. International Organization 44(2):
       137-168. doi:10.1017/S0020818300035232
    """
    g = cascade_graph(answer, top=top)
    pos = layout(g, seed=seed)
    edges = [{"from": a, "to": b, "kind": d["kind"], "treaty": d["treaty"] or "",
              "x": pos[a][0], "y": pos[a][1], "x2": pos[b][0], "y2": pos[b][1],
              "probability": d["probability"]}
             for a, b, d in sorted(g.edges(data=True))]
    nodes = [{"state": n, "name": d["name"], "role": d["role"], "p": d["p"],
              "x": pos[n][0], "y": pos[n][1]} for n, d in sorted(g.nodes(data=True))]
    kinds = [k for k in KIND_COLORS if any(e["kind"] == k for e in edges)]
    roles = [r for r in ROLE_COLORS if any(n["role"] == r for n in nodes)]
    axis = {"type": "quantitative", "axis": None, "scale": {"domain": [-1.15, 1.15]}}
    x, y = {**axis, "field": "x"}, {**axis, "field": "y"}
    return top_level({
        "width": 560, "height": 460,
        "layer": [
            {"data": {"values": edges}, "mark": {"type": "rule", "strokeWidth": 1.4,
                                                 "opacity": 0.75},
             "encoding": {"x": x, "y": y, "x2": {"field": "x2"}, "y2": {"field": "y2"},
                          "color": {"field": "kind", "type": "nominal",
                                    "title": "link",
                                    "scale": {"domain": kinds,
                                              "range": [KIND_COLORS[k] for k in kinds]}},
                          "tooltip": [{"field": "from"}, {"field": "to"},
                                      {"field": "kind"}, {"field": "treaty"},
                                      {"field": "probability", "format": ".3f"}]}},
            {"data": {"values": nodes},
             "mark": {"type": "circle", "opacity": 1, "stroke": "#333333",
                      "strokeWidth": 0.6},
             "encoding": {"x": x, "y": y,
                          "size": {"field": "p", "type": "quantitative",
                                   "title": "P(drawn in)",
                                   "scale": {"domain": [0, 1], "range": [40, 600]}},
                          "fill": {"field": "role", "type": "nominal", "title": "role",
                                   "scale": {"domain": roles,
                                             "range": [ROLE_COLORS[r] for r in roles]}},
                          "tooltip": [{"field": "name"}, {"field": "role"},
                                      {"field": "p", "format": ".3f",
                                       "title": "P(drawn in)"}]}},
            {"data": {"values": nodes},
             "mark": {"type": "text", "dy": -11, "fontSize": 9, "color": "#222222"},
             "encoding": {"x": x, "y": y, "text": {"field": "state"}}},
        ],
        "resolve": {"scale": {"color": "independent"}}},
        title=title or "The cascade: who is bound to whom",
        subtitle=[f"{len(nodes)} states, {len(edges)} links: the states most likely to be "
                  f"drawn in (P ≥ {DEFENDER_THRESHOLD:g}, at most {top}), each by its most "
                  "credible pledge", f"layout seed {seed}"],
        description="A network of the states in the crisis: attacks and pledges as links "
                    "coloured by kind, states sized by their probability of being drawn in.")
