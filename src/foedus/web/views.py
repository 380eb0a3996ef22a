"""What the web face shows of the library's objects: states and the alliance network of a
date, the gazetteer's legal status beside the de facto map, treaties for the browser.

These functions select and arrange what the library computes (the commitment system's
pledges, the store's state spells and capitals, the gazetteer); they add no measure. The
network's layout is computed here, in Python, seeded, so that a date always draws the same
picture (issue 18: "states as nodes placed by a seeded layout computed in Python").
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import zlib
from collections import OrderedDict, defaultdict
from collections.abc import Hashable
from functools import lru_cache
from typing import Any

import numpy as np

from foedus.data import queries
from foedus.data.borders import (
    MAX_TOLERANCE,
    BorderMap,
    _arcs,
    _encode,
    _kept,
    borders_on,
    geometries_of,
    nearest_map,
)
from foedus.data.loaders import load_system, store_stamp
from foedus.data.places import default_gazetteer
from foedus.data.simplify import SCALE, TOPOLOGY, TRANSLATE
from foedus.model.system import check_date
from foedus.model.vocab import ObligationKind, View
from foedus.provenance import provenance
from foedus.web.epochs import border_epochs, network_epochs

__all__ = ["KIND_ORDER", "borders_bytes", "borders_json", "legal_status", "network_bytes",
           "network_on", "state_pledges", "states_on", "treaty_detail", "treaty_list"]

#: Obligation kinds from the strongest to the weakest: an edge takes its strongest kind.
KIND_ORDER = (ObligationKind.DEFENSE, ObligationKind.OFFENSE, ObligationKind.NEUTRALITY,
              ObligationKind.NONAGGRESSION, ObligationKind.CONSULTATION)
#: Seed of the network layout.
LAYOUT_SEED = 1816
_STATE_DATASETS = ["cow_states", "capitals"]


def states_on(day: dt.date) -> dict:
    """The states of the COW system on ``day`` with their capitals (``GET /api/states``):
    :func:`foedus.data.queries.states_on` with the keys the pages use.

    After COW's last day (2016-12-31) the states whose spell runs to it continue, and the
    answer says so.
    """
    rows, notes = queries.states_on(day)
    states = [{"cow": r["ccode"], "abb": r["abb"], "name": r["name"], "iso3": r["iso3"],
               "key": r["iso3"] or f"cow:{r['abb']}", "capital": r["capital"],
               "lat": r["lat"], "lon": r["lon"]} for r in rows]
    return {"as_of": day.isoformat(), "states": states, "notes": notes,
            "provenance": provenance(_STATE_DATASETS, as_of=day.isoformat())}


def _start_positions(nodes: list[int], start: dict[int, tuple]) -> np.ndarray:
    """Where the layout starts: each state at its capital (longitude / 180, latitude / 90),
    a state without one at a seeded uniform draw in [-1, 1)², drawn in node order."""
    rng = np.random.default_rng(LAYOUT_SEED)
    return np.array([[start[n][1] / 180.0, start[n][0] / 90.0]
                     if start.get(n, (None, None))[0] is not None else rng.uniform(-1, 1, 2)
                     for n in nodes], dtype=np.float64).reshape(len(nodes), 2)


def _spring(nodes: list[int], edges: list[tuple[int, int]], start: dict[int, tuple]
            ) -> np.ndarray:
    """The Fruchterman-Reingold force layout (40 iterations, ``k = 1.5 / sqrt(n)``, no
    rescaling) from :func:`_start_positions`, as :func:`networkx.spring_layout` computes
    it for fewer than 500 nodes (``networkx.drawing.layout._fruchterman_reingold``),
    operation for operation, so that every coordinate is the same float: the differences
    and distances are written into buffers reused across iterations instead of new arrays,
    the adjacency matrix is filled directly instead of through a graph, and the force is
    summed by the same ``einsum``. The forces are chaotic (a difference in the last bit of
    one sum moves nodes by up to 5 % of the picture after 40 iterations), so nothing is
    regrouped: ``tests/web/test_layout_fast.py`` compares the floats with networkx's.

    Returns
    -------
    numpy.ndarray
        The positions, one row per node of ``nodes``, before :func:`_layout` scales them.

    References
    ----------
    Fruchterman, T. M. J. and Reingold, E. M. (1991). Graph drawing by force-directed
    placement. *Software: Practice and Experience* 21(11), 1129–1164.
    https://doi.org/10.1002/spe.4380211102
    """
    n, iterations, threshold = len(nodes), 40, 1e-4
    pos = _start_positions(nodes, start)
    if n < 2:  # networkx places a lone node at the centre
        return np.zeros((n, 2))
    index = {c: i for i, c in enumerate(nodes)}
    adjacency = np.zeros((n, n))
    if edges:
        ij = np.array([(index[a], index[b]) for a, b in edges], dtype=np.intp)
        adjacency[ij[:, 0], ij[:, 1]] = 1.0
        adjacency[ij[:, 1], ij[:, 0]] = 1.0
    k = 1.5 / np.sqrt(n)
    kk = k * k
    t = max(pos[:, 0].max() - pos[:, 0].min(), pos[:, 1].max() - pos[:, 1].min()) * 0.1
    step = t / (iterations + 1)
    delta = np.empty((n, n, 2))
    dx, dy = delta[..., 0], delta[..., 1]
    distance, force, pull = np.empty((n, n)), np.empty((n, n)), np.empty((n, n))
    for _ in range(iterations):
        np.subtract(pos[:, 0, None], pos[None, :, 0], out=dx)
        np.subtract(pos[:, 1, None], pos[None, :, 1], out=dy)
        np.multiply(dx, dx, out=distance)  # norm(delta, axis=-1): sqrt(dx² + dy²)
        np.multiply(dy, dy, out=force)
        distance += force
        np.sqrt(distance, out=distance)
        np.clip(distance, 0.01, None, out=distance)
        np.square(distance, out=force)  # k² / distance² - A · distance / k
        np.divide(kk, force, out=force)
        np.multiply(adjacency, distance, out=pull)
        pull /= k
        force -= pull
        displacement = np.einsum("ijk,ij->ik", delta, force)
        length = np.sqrt(displacement[:, 0] * displacement[:, 0]
                         + displacement[:, 1] * displacement[:, 1])
        np.clip(length, 0.01, None, out=length)
        delta_pos = displacement * (t / length)[:, None]
        pos += delta_pos
        t -= step
        if (np.linalg.norm(delta_pos) / n) < threshold:
            break
    return pos


#: Layouts by their whole input (nodes, edges, start positions): neighbouring stretches of
#: days often hold the same graph (a treaty's text changes, not its members), and the two
#: views the same one before ATOP's first differences.
_LAYOUTS: OrderedDict = OrderedDict()
_LAYOUTS_SIZE = 512
_LAYOUTS_LOCK = threading.Lock()


def _layout(nodes: list[int], edges: list[tuple[int, int]], start: dict[int, tuple]
            ) -> dict[int, tuple[float, float]]:
    """A seeded force-directed layout starting from the capitals' positions (so that the
    picture keeps its geography from one date to the next), scaled into 0–1000 on both
    axes (y pointing down) and rounded to 0.1; computed once per distinct input."""
    if not nodes:
        return {}
    key = (tuple(nodes), tuple(sorted(edges)), tuple(start.get(n) for n in nodes))
    with _LAYOUTS_LOCK:
        found = _LAYOUTS.get(key)
        if found is not None:
            _LAYOUTS.move_to_end(key)
            return dict(found)
    laid = _spring(nodes, edges, start)
    xs, ys = laid[:, 0], laid[:, 1]
    span = max(float(np.ptp(xs)), float(np.ptp(ys)), 1e-9)
    out = {n: (round(float((laid[i, 0] - xs.min()) / span * 1000), 1),
               round(float((ys.max() - laid[i, 1]) / span * 1000), 1))
           for i, n in enumerate(nodes)}
    with _LAYOUTS_LOCK:
        _LAYOUTS[key] = out
        while len(_LAYOUTS) > _LAYOUTS_SIZE:
            _LAYOUTS.popitem(last=False)
    return dict(out)


class _Cache:
    """A bounded least-recently-used map of JSON objects, kept encoded and compressed (a
    2024 network is about 0.5 MB of JSON, a tenth of that compressed; the warm-up fills
    hundreds). An answer is served by splicing the fields of the day asked for in front
    of the stored ones (:func:`_splice`): nothing is decoded or encoded again."""

    def __init__(self, size: int) -> None:
        self.size, self.items = size, OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: Hashable) -> bytes | None:
        """The JSON text stored under ``key``, or None."""
        with self.lock:
            packed = self.items.get(key)
            if packed is not None:
                self.items.move_to_end(key)
        return None if packed is None else zlib.decompress(packed)

    def put(self, key: Hashable, value: dict) -> bytes:
        """Store ``value`` (a non-empty JSON object); returns its JSON text."""
        return self.put_text(key, _dumps(value))

    def put_text(self, key: Hashable, text: bytes) -> bytes:
        """Store the JSON text of an object; returns it."""
        with self.lock:
            self.items[key] = zlib.compress(text, 1)
            self.items.move_to_end(key)
            while len(self.items) > self.size:
                self.items.popitem(last=False)
        return text

    def __contains__(self, key: Hashable) -> bool:
        return key in self.items


def _dumps(value: dict) -> bytes:
    return json.dumps(value, ensure_ascii=False, allow_nan=False,
                      separators=(",", ":")).encode("utf-8")


def _splice(fields: dict, stored: bytes) -> bytes:
    """The JSON object ``fields`` joined with the stored object (no key in both)."""
    return _dumps(fields)[:-1] + b"," + stored[1:]


#: Networks by (store, view, stretch of days): :mod:`foedus.web.epochs`.
_NETWORKS = _Cache(1024)


def network_bytes(day: dt.date, view: View | str = View.LEGAL) -> bytes:
    """:func:`network_on` as JSON text; the network is computed once per stretch of days in
    which it cannot change (:func:`foedus.web.epochs.network_epochs`)."""
    view = View(view).value
    stamp = store_stamp()
    check_date(day, view)
    key = (stamp, view, network_epochs(stamp).index(day))
    stored = _NETWORKS.get(key)
    if stored is None:
        body = _network(day, view, stamp)
        body.pop("as_of")
        stored = _NETWORKS.put(key, body)
    return _splice({"as_of": day.isoformat(),
                    "provenance": provenance(["atop_alliances", "atop_members", "cow_states"],
                                             view=view, as_of=day.isoformat())}, stored)


def _edges_and_start(day: dt.date, view: str) -> tuple[dict, list[int], dict, Any]:
    """The network's edges of ``day`` (pair → strongest kind, treaties, directions), its
    nodes, the nodes' start positions (their capitals' latitude and longitude, or None)
    and the commitment system's snapshot: what :func:`_layout` is given."""
    snap = load_system().as_of(day, view)
    states = {s["cow"]: s for s in states_on(day)["states"]}
    rank = {k: i for i, k in enumerate(KIND_ORDER)}
    pairs: dict[tuple[int, int], dict] = {}
    # Each (holder, beneficiary, kind, treaty) once: many pledges differ only in the
    # obligation (article) behind them, which the network does not show.
    legs = {(p.holder, p.beneficiary, p.obligation.kind, p.treaty.id)
            for p in snap.pledges() if p.holder != p.beneficiary}
    for holder, beneficiary, kind, treaty in legs:
        a, b = (holder, beneficiary) if holder < beneficiary else (beneficiary, holder)
        edge = pairs.get((a, b))
        if edge is None:
            edge = pairs[(a, b)] = {"kind": kind, "treaties": set(), "directions": set()}
        elif rank[kind] < rank[edge["kind"]]:
            edge["kind"] = kind
        edge["treaties"].add(treaty)
        edge["directions"].add((holder, beneficiary))
    nodes = sorted({c for pair in pairs for c in pair})
    start = {c: (states[c]["lat"], states[c]["lon"]) if c in states else (None, None)
             for c in nodes}
    return pairs, nodes, start, (snap, states)


def _network(day: dt.date, view: str, stamp: tuple) -> dict:
    pairs, nodes, start, (snap, states) = _edges_and_start(day, view)
    pos = _layout(nodes, sorted(pairs), start)
    names = queries.state_names()
    node_rows = []
    for c in nodes:
        s = states.get(c) or names.get(c) or {"abb": str(c), "name": str(c), "iso3": None}
        node_rows.append({"id": str(c), "cow": c, "abb": s["abb"], "name": s["name"],
                          "key": s.get("iso3") or f"cow:{s['abb']}",
                          "x": pos[c][0], "y": pos[c][1]})
    edge_rows = [{"id": f"{a}-{b}", "source": str(a), "target": str(b),
                  "kind": str(e["kind"]), "mutual": len(e["directions"]) == 2,
                  "treaties": sorted(e["treaties"])} for (a, b), e in sorted(pairs.items())]
    return {"as_of": day.isoformat(), "view": view, "nodes": node_rows, "edges": edge_rows,
            "kinds": [str(k) for k in KIND_ORDER], "layout": {"seed": LAYOUT_SEED,
                                                              "method": "spring from capitals"},
            "notes": list(snap.notes)}


def network_on(day: dt.date, view: View | str = View.LEGAL) -> dict:
    """The alliance network of ``day`` (``GET /api/network``): every pair of states tied by
    a pledge in force, coloured by the strongest obligation kind, with the treaties behind
    it and whether the tie runs both ways; nodes with their seeded layout position.

    Raises
    ------
    DateOutOfRangeError
        For a date the view does not cover (the ATOP view ends in 2018).
    """
    return json.loads(network_bytes(day, view))


#: Borders by (store, tolerance, stretch of days) inside CShapes, by day outside it.
_BORDERS = _Cache(512)


def borders_bytes(day: dt.date, tolerance: float) -> bytes:
    """:func:`borders_json` as JSON text. Inside CShapes the map is cut once per stretch of
    days with the same polygons; outside it, once for all the days before (or after), which
    share the nearest map and differ only in the date asked for and the banner."""
    stamp = store_stamp()
    dates = queries.border_dates()
    inside = bool(dates) and dates[0] <= day <= dates[-1]
    side = "before" if dates and day < dates[0] else "after"
    key = (stamp, tolerance, border_epochs(stamp).index(day) if inside else side)
    stored = _BORDERS.get(key)
    if stored is None:
        fast = _cut_text(day, tolerance)
        if fast is not None:
            stored = _BORDERS.put_text(key, fast)
        else:
            answer = borders_on(day, tolerance=tolerance).to_json()
            if not inside:  # a day the fast cut does not serve: not cached
                return _dumps(answer)
            for field in ("as_of", "map_date", "banner", "provenance"):
                answer.pop(field)
            stored = _BORDERS.put(key, answer)
    fields: dict = {"as_of": day.isoformat(), "map_date": day.isoformat(), "banner": None}
    if not inside:
        _path, arcs = _arcs()
        map_date, banner = nearest_map(day, arcs.first_day, arcs.last_day)
        fields = {**fields, "map_date": map_date.isoformat(), "banner": banner}
    fields["provenance"] = provenance([TOPOLOGY], as_of=day.isoformat())
    return _splice(fields, stored)


@lru_cache(maxsize=4)
def _arc_texts(arcs, tolerance: float) -> tuple[list[bytes], Any]:
    """The JSON text of every arc at ``tolerance`` (its kept positions, delta-encoded, as
    :func:`foedus.data.borders.borders_on` writes it: each arc is encoded on its own, so
    the text of a map is that of its arcs joined), and the rings that survive."""
    kept, ring_ok = _kept(arcs, tolerance)
    every = np.arange(len(arcs.offsets) - 1, dtype=np.int64)
    return [_dumps(a) for a in _encode(arcs, kept, every)], ring_ok


def _cut_text(day: dt.date, tolerance: float) -> bytes | None:
    """The JSON text of ``borders_on(day, tolerance=tolerance).to_json()`` less its
    ``as_of``, ``map_date``, ``banner`` and ``provenance`` (the nearest map's for a day
    outside CShapes), byte for byte, without cutting the arcs again: the polygons of the
    day are picked from rows read once, and the arcs' text joined from
    :func:`_arc_texts`. None for a tolerance out of range (the caller then asks
    :func:`borders_on`, which refuses it)."""
    if not 0.0 <= tolerance <= MAX_TOLERANCE:
        return None
    _path, arcs = _arcs()
    day, _banner = nearest_map(day, arcs.first_day, arcs.last_day)
    texts, ring_ok = _arc_texts(arcs, float(tolerance))
    geometries, used = geometries_of(
        arcs, [r for r in queries.cshapes_rows() if r[5] <= day <= r[6]], ring_ok)
    shell = BorderMap(day, day, None, float(tolerance), {
        "type": "Topology",
        "transform": {"scale": list(SCALE), "translate": list(TRANSLATE)},
        "objects": {"states": {"type": "GeometryCollection", "geometries": geometries}},
        "arcs": [],
    }).to_json()
    for field in ("as_of", "map_date", "banner", "provenance"):
        shell.pop(field)
    head = _dumps(shell)
    tail = b'"arcs":[]}}'
    if list(shell)[-1] != "topology" or not head.endswith(tail):
        return None
    return head[:-len(b"[]}}")] + b"[" + b",".join(texts[i] for i in used.tolist()) + b"]}}"


def borders_json(day: dt.date, tolerance: float) -> dict:
    """``borders_on(day, tolerance=tolerance).to_json()`` (``GET /api/borders``), cut once
    per stretch of days with the same CShapes polygons
    (:func:`foedus.web.epochs.border_epochs`)."""
    return json.loads(borders_bytes(day, tolerance))


def legal_status(day: dt.date) -> dict:
    """The gazetteer's places where sovereignty and control differ on ``day`` (Crimea from
    2014-03-18), or that are claimed by another state: the legal overlay on the de facto
    map."""
    places = []
    names = queries.state_names()
    for place in default_gazetteer():
        if place.lat is None or place.lon is None:
            continue
        sovereign, admin = place.sovereign_on(day), place.administrator_on(day)
        claims = place.claimants_on(day)
        if sovereign == admin and not claims:
            continue

        def label(c: int | None) -> str | None:
            return None if c is None else names.get(c, {}).get("name", str(c))

        places.append({"id": place.id, "name": place.name, "lat": place.lat,
                       "lon": place.lon, "sovereign": label(sovereign),
                       "administered_by": label(admin),
                       "claimed_by": [label(c) for c in claims]})
    return {"as_of": day.isoformat(), "places": places,
            "note": "Where the gazetteer's legal status differs from the de facto borders."}


def state_pledges(cow: int, day: dt.date, view: View | str = View.LEGAL) -> dict:
    """The pledges ``cow`` gives and receives on ``day``, by treaty and kind."""
    snap = load_system().as_of(day, View(view))
    names = queries.state_names()
    given: dict[tuple, set] = defaultdict(set)
    received: dict[tuple, set] = defaultdict(set)
    for p in snap.pledges():
        key = (p.treaty.id, p.treaty.name, str(p.obligation.kind), str(p.obligation.article))
        if p.holder == cow and p.beneficiary != cow:
            given[key].add(p.beneficiary)
        if p.beneficiary == cow and p.holder != cow:
            received[key].add(p.holder)

    def rows(table: dict[tuple, set]) -> list[dict]:
        return [{"treaty": {"id": t, "name": n}, "kind": k, "article": a,
                 "states": [{"cow": c, "name": names.get(c, {}).get("name", str(c)),
                             "abb": names.get(c, {}).get("abb", str(c))}
                            for c in sorted(states)]}
                for (t, n, k, a), states in sorted(table.items(), key=lambda kv: (
                    KIND_ORDER.index(ObligationKind(kv[0][2])), kv[0][1]))]

    me = names.get(cow, {"name": str(cow), "abb": str(cow)})
    return {"as_of": day.isoformat(), "view": View(view).value,
            "state": {"cow": cow, **me}, "given": rows(given), "received": rows(received),
            "notes": list(snap.notes)}


def treaty_list(*, q: str | None = None, member: int | None = None, year: int | None = None,
                view: View | str = View.LEGAL, limit: int = 200) -> dict:
    """Treaties matching a name, a member and a year in force (``GET /api/treaties``)."""
    system = load_system()
    needle = (q or "").strip().lower()
    rows = []
    for t in system.treaties(View(view)):
        if needle and needle not in t.name.lower() and needle not in t.id.lower():
            continue
        if member is not None and not any(m.state == member for m in t.members):
            continue
        if year is not None and not _in_year(t, year):
            continue
        rows.append({"id": t.id, "name": t.name, "kind": str(t.kind),
                     "signed": _iso(t.signed), "ended": _iso(t.ended),
                     "members": len({m.state for m in t.members}),
                     "obligations": sorted({str(o.kind) for o in t.obligations},
                                           key=lambda k: KIND_ORDER.index(ObligationKind(k))),
                     "assumed_in_force": t.assumed_in_force})
    rows.sort(key=lambda r: (r["signed"] or "", r["id"]))
    return {"query": {"q": q, "member": member, "year": year, "view": View(view).value},
            "count": len(rows), "treaties": rows[:limit], "truncated": len(rows) > limit}


def _iso(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()


def _in_year(treaty, year: int) -> bool:
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    for m in treaty.members:
        start = m.start or treaty.in_force or treaty.signed or first
        end = m.end or treaty.ended or dt.date.max
        if start <= last and end >= first:
            return True
    return False


def treaty_detail(treaty_id: str) -> dict:
    """One treaty: the model's record (members with dates, obligations with conditions,
    provisions, sources) and its place in the crosswalk (``GET /api/treaties/{id}``).

    Raises
    ------
    UnknownTreatyError
        For an id that names no treaty.
    """
    system = load_system()
    treaty = system.treaty(treaty_id)
    names = queries.state_names()
    record = treaty.model_dump(mode="json")
    for m in record["members"]:
        m["name"] = names.get(m["state"], {}).get("name", str(m["state"]))
        m["abb"] = names.get(m["state"], {}).get("abb", str(m["state"]))
    crosswalk = [_decision(d) for d in system.crosswalk.about(treaty.id, treaty.aliases)]
    book_of = system.find(treaty_id) if treaty_id.startswith("atop:") else None
    return {"treaty": record, "aliases": list(treaty.aliases),
            "legal_view_id": None if book_of is None else book_of.id,
            "crosswalk": crosswalk,
            "provenance": provenance(["atop_alliances", "atop_members"],
                                     view="legal")}


def _decision(d) -> dict:
    return d.model_dump(mode="json")
