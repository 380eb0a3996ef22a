"""The borders of any date, cut from the CShapes 2.0 arcs simplified at build time.

``foedus data build`` stores the CShapes 2.0 topology once, quantised and ranked by
Douglas–Peucker weight (:mod:`foedus.data.simplify`; tables ``border_arcs`` and
``border_geometries`` beside ``cshapes``). :func:`borders_on` cuts the map of one date from
them: the polygons in force that day, each arc kept to the positions whose weight exceeds the
tolerance, delta-encoded as TopoJSON (``transform`` + integer steps) for d3-geo and
topojson-client.

CShapes 2.0 [1]_ draws **de facto** borders (Crimea within Russia from 2014-03-18): every map
says so (``de_facto``), and a legal view must overlay the gazetteer where the two differ. CShapes
covers 1886-01-01 to 2019-12-31; for a date outside it the nearest map is returned with a
``banner`` saying so.

References
----------
.. [1] Schvitz, Guy, Luc Girardin, Seraina Rüegger, Nils B. Weidmann, Lars-Erik Cederman,
   and Kristian Skrede Gleditsch. 2022. "Mapping the International System, 1886-2019: The
   CShapes 2.0 Dataset." Journal of Conflict Resolution 66(1): 144-161.
   doi:10.1177/00220027211013563
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from foedus import config
from foedus.data.simplify import (
    DEFAULT_TOLERANCE,
    QUANTIZATION,
    SCALE,
    TOPOLOGY,
    TRANSLATE,
)
from foedus.data.store import connect
from foedus.errors import BordersError, StoreError
from foedus.provenance import provenance

__all__ = ["BorderMap", "BordersError", "borders_on", "geometries_of", "nearest_map"]

#: No map is cut coarser than this (degrees): past it most states are triangles.
MAX_TOLERANCE = 1.0


@dataclass(frozen=True)
class BorderMap:
    """The map of one date: a TopoJSON topology and what it is.

    Attributes
    ----------
    as_of : datetime.date
        The date asked for.
    map_date : datetime.date
        The date whose borders are drawn (``as_of`` unless it lies outside CShapes).
    banner : str or None
        A sentence to show above the map when ``map_date`` differs from ``as_of``.
    tolerance : float
        Douglas–Peucker tolerance in degrees.
    topology : dict
        TopoJSON: one object ``states`` (a GeometryCollection of Polygons and MultiPolygons,
        exterior rings clockwise as d3-geo expects; ``id`` is the CShapes geometry index;
        properties ``cow``, ``name``, ``status``, ``owner``, ``start``, ``end``), quantised
        arcs with their ``transform``.
    de_facto : bool
        Always true: CShapes draws the borders as held, not as recognised.
    """

    as_of: dt.date
    map_date: dt.date
    banner: str | None
    tolerance: float
    topology: dict = field(repr=False)
    de_facto: bool = True

    def to_json(self) -> dict:
        """The JSON answer (``GET /api/borders``): the map, what it shows, and provenance."""
        return {
            "as_of": self.as_of.isoformat(), "map_date": self.map_date.isoformat(),
            "banner": self.banner, "de_facto": self.de_facto,
            "note": "Borders as held (de facto, CShapes 2.0), not as recognised.",
            "tolerance": self.tolerance, "quantization": QUANTIZATION,
            "topology": self.topology,
            "provenance": provenance([TOPOLOGY], as_of=self.as_of.isoformat()),
        }

    @property
    def nbytes(self) -> int:
        """Size of the compact JSON answer in bytes (what a page or report embeds)."""
        return len(json.dumps(self.to_json(), separators=(",", ":")).encode())


@dataclass(frozen=True, eq=False)  # hashed by identity: one per loaded store
class _Arcs:
    """The stored arcs and geometries in memory, flattened for vectorised cuts.

    Arc ``i`` holds positions ``offsets[i]:offsets[i + 1]``. Every ring of every geometry is
    numbered; ring ``r`` references arcs ``ring_arc[ring_offsets[r]:ring_offsets[r + 1]]``
    (``ring_sign`` is -1 where the arc is read backwards). ``shapes`` maps a geometry index to
    its type and polygons, each a list of ``(ring number, arc references)``.
    """

    x: np.ndarray
    y: np.ndarray
    weight: np.ndarray
    offsets: np.ndarray
    ring_arc: np.ndarray
    ring_sign: np.ndarray
    ring_offsets: np.ndarray
    shapes: dict[int, tuple[str, list[list[tuple[int, list[int]]]]]]
    first_day: dt.date
    last_day: dt.date


@lru_cache(maxsize=2)
def _load(path: Path, mtime_ns: int) -> _Arcs:
    with connect(path) as con:
        tables = {r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables").fetchall()}
        if not {"border_arcs", "border_geometries", "cshapes"} <= tables:
            raise StoreError(f"The store at {path} has no border tables (built by an older "
                             "foedus); rebuild it with `foedus data build`.")
        arcs = con.execute("SELECT arc, x, y, weight FROM border_arcs ORDER BY arc, seq"
                           ).fetchnumpy()
        geometries = con.execute("SELECT geometry_index, type, arcs FROM border_geometries "
                                 "ORDER BY geometry_index").fetchall()
        first, last = con.execute("SELECT min(start_date), max(end_date) FROM cshapes"
                                  ).fetchone()
    counts = np.bincount(arcs["arc"].astype(np.int64))
    refs: list[int] = []
    ring_lengths: list[int] = []
    shapes = {}
    for index, kind, arc_json in geometries:
        polygons = json.loads(arc_json)
        numbered = []
        for polygon in [polygons] if kind == "Polygon" else polygons:
            rings = []
            for ring in polygon:
                rings.append((len(ring_lengths), ring))
                refs.extend(ring)
                ring_lengths.append(len(ring))
            numbered.append(rings)
        shapes[int(index)] = (kind, numbered)
    ref = np.array(refs, dtype=np.int64)
    return _Arcs(arcs["x"].astype(np.int64), arcs["y"].astype(np.int64),
                 arcs["weight"].astype(float), np.concatenate([[0], np.cumsum(counts)]),
                 np.where(ref >= 0, ref, ~ref), np.where(ref >= 0, 1.0, -1.0),
                 np.concatenate([[0], np.cumsum(ring_lengths)]), shapes, first, last)


def _arcs() -> tuple[Path, _Arcs]:
    path = config.store_path()
    if not path.is_file():
        with connect(path):  # raises the store's own "no store" error
            pass
    return path, _load(path, path.stat().st_mtime_ns)


def _as_day(day: dt.date | str) -> dt.date:
    if isinstance(day, dt.datetime):
        return day.date()
    if isinstance(day, dt.date):
        return day
    try:
        return dt.date.fromisoformat(str(day))
    except ValueError:
        raise BordersError(f"The date {day!r} is not an ISO date (YYYY-MM-DD).") from None


def borders_on(day: dt.date | str, *, tolerance: float = DEFAULT_TOLERANCE) -> BorderMap:
    """The de facto borders on a date, as TopoJSON simplified to ``tolerance`` degrees.

    Parameters
    ----------
    day : datetime.date or str
        The date (ISO string accepted). Before 1886-01-01 the map of 1886-01-01 is drawn,
        after 2019-12-31 that of 2019-12-31, and ``banner`` says so.
    tolerance : float
        Douglas–Peucker tolerance in degrees of longitude/latitude, in
        ``[0, MAX_TOLERANCE]`` (default :data:`foedus.data.simplify.DEFAULT_TOLERANCE`,
        0.05°: about 5.5 km at the equator). ``0`` keeps every position (quantised),
        collinear ones included.

    Returns
    -------
    BorderMap
        The topology and its metadata; ``.to_json()`` is the web API's answer and
        ``.nbytes`` its size.

    Raises
    ------
    BordersError
        For a date that is not a date, or a tolerance outside the range.
    StoreError
        If the store is missing or was built without border tables.

    Notes
    -----
    The map is CShapes 2.0 [1]_ simplified by Douglas–Peucker [2]_. Shared borders stay
    shared: arcs are simplified once, so two neighbours reference the
    same simplified arc. Rings with fewer than four positions or no area after
    simplification (islands smaller than the tolerance) are dropped; each state's largest
    ring is protected at build time, so no state vanishes.

    References
    ----------
    .. [1] Schvitz, G., et al. 2022. Journal of Conflict Resolution 66(1): 144-161.
       doi:10.1177/00220027211013563
    .. [2] Douglas, D. H., and T. K. Peucker. 1973. Cartographica 10(2): 112-122.
       doi:10.3138/FM57-6770-U75U-7727
    """
    as_of = _as_day(day)
    try:
        tolerance = float(tolerance)
    except (TypeError, ValueError):
        raise BordersError(f"The tolerance {tolerance!r} is not a number.") from None
    if not 0.0 <= tolerance <= MAX_TOLERANCE:
        raise BordersError(f"The tolerance must lie in [0, {MAX_TOLERANCE}] degrees; got "
                           f"{tolerance}.")
    path, arcs = _arcs()
    map_date, banner = nearest_map(as_of, arcs.first_day, arcs.last_day)
    with connect(path) as con:
        rows = con.execute(
            "SELECT geometry_index, ccode, name, status, owner, start_date, end_date "
            "FROM cshapes WHERE start_date <= ? AND end_date >= ? ORDER BY geometry_index",
            [map_date, map_date]).fetchall()
    topology = _cut(arcs, rows, tolerance)
    return BorderMap(as_of, map_date, banner, tolerance, topology)


def nearest_map(as_of: dt.date, first: dt.date, last: dt.date) -> tuple[dt.date, str | None]:
    """The date whose map is drawn for ``as_of`` when CShapes covers ``first`` to ``last``,
    and the banner that says so when it is not ``as_of`` (None otherwise)."""
    if as_of < first:
        return first, (f"CShapes 2.0 begins on {first.isoformat()}: the borders shown are "
                       f"those of that day, not of {as_of.isoformat()}.")
    if as_of > last:
        return last, (f"CShapes 2.0 ends on {last.isoformat()}: the borders shown are those "
                      f"of that day, not of {as_of.isoformat()}.")
    return as_of, None


def _ring_stats(arcs: _Arcs, kept: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each ring's number of positions and signed area, reading only the kept positions.

    A ring's area is the sum of its arcs' shoelace terms, each arc's along its kept
    positions (the terms between arcs cancel, as consecutive arcs share their end).
    """
    arc_of = np.repeat(np.arange(len(arcs.offsets) - 1), np.diff(arcs.offsets))[kept]
    counts = np.bincount(arc_of, minlength=len(arcs.offsets) - 1)
    x, y = arcs.x[kept].astype(float), arcs.y[kept].astype(float)
    cross = (x[:-1] * y[1:] - x[1:] * y[:-1]) * (arc_of[1:] == arc_of[:-1])
    shoelace = np.bincount(arc_of[:-1], weights=cross, minlength=len(counts))
    starts = arcs.ring_offsets[:-1]
    positions = np.add.reduceat(counts[arcs.ring_arc] - 1, starts) + 1
    return positions, np.add.reduceat(arcs.ring_sign * shoelace[arcs.ring_arc], starts)


@lru_cache(maxsize=8)
def _kept(arcs: _Arcs, tolerance: float) -> tuple[np.ndarray, np.ndarray]:
    """Positions kept at a tolerance, and which rings survive it.

    A ring survives with at least four positions (a triangle, closed) and an area of the
    same sign as at full resolution: a ring that simplification flattened or turned inside
    out (a small island, a thin spit) is dropped rather than drawn wrong.
    """
    everything = np.ones(len(arcs.weight), dtype=bool)
    kept = arcs.weight > tolerance if tolerance > 0 else everything
    positions, area = _ring_stats(arcs, kept)
    _, full_area = _ring_stats(arcs, everything) if tolerance > 0 else (positions, area)
    return kept, (positions >= 4) & (np.sign(area) == np.sign(full_area)) & (area != 0.0)


def _cut(arcs: _Arcs, rows: list[tuple], tolerance: float) -> dict:
    kept, ring_ok = _kept(arcs, tolerance)
    geometries, used = geometries_of(arcs, rows, ring_ok)
    return {
        "type": "Topology",
        "transform": {"scale": list(SCALE), "translate": list(TRANSLATE)},
        "objects": {"states": {"type": "GeometryCollection", "geometries": geometries}},
        "arcs": _encode(arcs, kept, used),
    }


def geometries_of(arcs: _Arcs, rows: list[tuple], ring_ok: np.ndarray
                  ) -> tuple[list[dict], np.ndarray]:
    """The TopoJSON geometries of the CShapes ``rows`` (those of one day) with the rings
    that survive, their arcs renumbered in order of first use; and the stored arcs used,
    in that order."""
    renumber: dict[int, int] = {}

    def ref(r: int) -> int:
        new = renumber.setdefault(r if r >= 0 else ~r, len(renumber))
        return new if r >= 0 else ~new

    geometries = []
    for index, ccode, name, status, owner, start, end in rows:
        out = [[[ref(r) for r in refs] for number, refs in polygon if ring_ok[number]]
               for polygon in arcs.shapes[index][1] if ring_ok[polygon[0][0]]]
        if not out:
            continue
        geometries.append({
            "type": "Polygon" if len(out) == 1 else "MultiPolygon", "id": int(index),
            "arcs": out[0] if len(out) == 1 else out,
            "properties": {"cow": None if ccode is None else int(ccode), "name": name,
                           "status": status, "owner": None if owner is None else int(owner),
                           "start": start.isoformat(), "end": end.isoformat()},
        })
    return geometries, np.fromiter(renumber, dtype=np.int64, count=len(renumber))


def _encode(arcs: _Arcs, kept: np.ndarray, used: np.ndarray) -> list[list[list[int]]]:
    """The kept positions of the ``used`` arcs, in that order, delta-encoded (TopoJSON)."""
    lo, hi = arcs.offsets[used], arcs.offsets[used + 1]
    lengths = hi - lo
    index = np.arange(lengths.sum()) + np.repeat(lo - (np.cumsum(lengths) - lengths), lengths)
    which = np.repeat(np.arange(len(used)), lengths)
    on = kept[index]
    index, which = index[on], which[on]
    px, py = arcs.x[index], arcs.y[index]
    first = np.ones(len(index), dtype=bool)
    first[1:] = which[1:] != which[:-1]
    dx = np.where(first, px, px - np.roll(px, 1))
    dy = np.where(first, py, py - np.roll(py, 1))
    pairs = np.column_stack([dx, dy]).tolist()
    bounds = np.concatenate([[0], np.cumsum(np.bincount(which, minlength=len(used)))])
    return [pairs[a:b] for a, b in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True)]
