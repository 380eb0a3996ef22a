"""CShapes borders simplified once, at the arc level, for maps of any date.

A TopoJSON topology stores each border once, as an *arc* shared by the polygons on either
side. Simplifying arcs (not polygons) keeps shared borders shared: both neighbours read the
same simplified line, so no gaps or slivers open between them.

The build (:func:`arc_table`, :func:`geometry_table`, run by ``foedus data build``):

1. **Quantise** every position onto a fixed world grid of :data:`QUANTIZATION` steps per
   axis, the TopoJSON ``transform`` (Bostock 2013, TopoJSON format specification, §2.1.2
   "Transforms" [3]_): ``x = round((lon + 180) / kx)``, ``kx = 360 / (Q - 1)``, and the same for
   latitude over 180 degrees. Consecutive positions that fall on the same grid point are
   merged; the ends of every arc keep their exact (quantised) position, so arcs that met
   still meet.
2. **Rank** every position by the Douglas–Peucker algorithm (Douglas & Peucker 1973 [1]_;
   Ramer 1972 [2]_), run on all arcs at once (:func:`douglas_peucker_weights`): a position's
   weight is the tolerance (in degrees) below which Douglas–Peucker keeps it. Keeping the positions
   whose weight exceeds ``t`` gives exactly the Douglas–Peucker simplification at tolerance
   ``t``, so one build serves every tolerance. Arc ends weigh ``inf`` (always kept).
3. **Protect** each geometry's largest ring: the one or two strongest interior positions of
   its arcs weigh ``inf`` too, so no state vanishes from a map at any tolerance (its smallest
   rings may: an island smaller than the tolerance is dropped when the map is cut,
   :func:`foedus.data.borders.borders_on`).

Distances are planar, in degrees of longitude and latitude (a degree of longitude is shorter
towards the poles, so the poles are simplified a little less in kilometres).

References
----------
.. [1] Douglas, David H., and Thomas K. Peucker. 1973. "Algorithms for the Reduction of the
   Number of Points Required to Represent a Digitized Line or Its Caricature." Cartographica
   10(2): 112-122. doi:10.3138/FM57-6770-U75U-7727
.. [2] Ramer, Urs. 1972. "An Iterative Procedure for the Polygonal Approximation of Plane
   Curves." Computer Graphics and Image Processing 1(3): 244-256.
   doi:10.1016/S0146-664X(72)80017-0
.. [3] Bostock, Mike, and Calvin Metcalf. 2013-. "The TopoJSON Format Specification",
   version 1.0 (github.com/topojson/topojson-specification).
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

__all__ = ["DEFAULT_TOLERANCE", "QUANTIZATION", "SCALE", "TRANSLATE", "arc_table",
           "douglas_peucker_weights", "geometry_table", "quantize", "ring_area"]

#: Grid steps per axis of the world frame (TopoJSON quantisation). One step is 0.0036° of
#: longitude and 0.0018° of latitude (about 400 m and 200 m at the equator): decoding is
#: exact to half a step, well inside any tolerance a map uses.
QUANTIZATION = 100_000
#: The TopoJSON ``transform`` of the stored arcs and of every map cut from them.
TRANSLATE = (-180.0, -90.0)
SCALE = (360.0 / (QUANTIZATION - 1), 180.0 / (QUANTIZATION - 1))
#: The tolerance (degrees) of a map unless one is asked for: about 5.5 km at the equator,
#: a world map of one date in about 200-260 kB of JSON (measured in tests/data/test_borders.py).
DEFAULT_TOLERANCE = 0.05

TOPOLOGY = "cshapes_cow"


def quantize(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Longitudes and latitudes onto the :data:`QUANTIZATION` grid (int64)."""
    x = np.rint((np.asarray(lon, dtype=float) - TRANSLATE[0]) / SCALE[0]).astype(np.int64)
    y = np.rint((np.asarray(lat, dtype=float) - TRANSLATE[1]) / SCALE[1]).astype(np.int64)
    return x, y


def _segment_distance(px: np.ndarray, py: np.ndarray, ax: np.ndarray, ay: np.ndarray,
                      bx: np.ndarray, by: np.ndarray) -> np.ndarray:
    """Distance from each point P to the segment AB (to A itself where A == B)."""
    dx, dy = bx - ax, by - ay
    length2 = dx * dx + dy * dy
    with np.errstate(invalid="ignore", divide="ignore"):
        u = np.where(length2 > 0, ((px - ax) * dx + (py - ay) * dy) / length2, 0.0)
    u = np.clip(u, 0.0, 1.0)
    return np.hypot(px - (ax + u * dx), py - (ay + u * dy))


def douglas_peucker_weights(x: np.ndarray, y: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """Douglas–Peucker weights of every position of every line, all lines at once.

    The lines are concatenated: line ``i`` is ``x[offsets[i]:offsets[i + 1]]``. For a line
    AB, the interior position farthest from the segment AB (distance ``d``) is kept while the
    tolerance is below ``d``, and the two halves are treated alike (Douglas & Peucker 1973
    [1]_).
    A position's weight is the smallest ``d`` on its path from the root, so that
    ``weight > t`` is exactly "kept by Douglas–Peucker at tolerance t". Each round of the
    loop splits every open segment of every line at once (numpy), so the number of rounds is
    the depth of the deepest split, not the number of positions.

    Parameters
    ----------
    x, y : numpy.ndarray
        Coordinates of all lines, concatenated (floats, same length).
    offsets : numpy.ndarray
        Start of each line in ``x`` and ``y``, then ``len(x)`` (length: lines + 1). Every
        line has at least two positions.

    Returns
    -------
    numpy.ndarray
        One weight per position, in the units of ``x`` and ``y``; ``inf`` at both ends of
        every line. The farthest-point ties go to the first position, as in a recursive
        implementation.

    References
    ----------
    .. [1] Douglas, D. H., and T. K. Peucker. 1973. Cartographica 10(2): 112-122.
       doi:10.3138/FM57-6770-U75U-7727

    Examples
    --------
    >>> import numpy as np
    >>> x = np.array([0.0, 1.0, 2.0, 3.0]); y = np.array([0.0, 2.0, 0.0, 0.0])
    >>> douglas_peucker_weights(x, y, np.array([0, 4])).round(4).tolist()
    [inf, 2.0, 0.7071, inf]

    (1, 2) lies 2 from the base (0, 0)-(3, 0); then (2, 0) lies 1/√2 from (1, 2)-(3, 0).
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    offsets = np.asarray(offsets, dtype=np.int64)
    weights = np.zeros(len(x))
    lo, hi = offsets[:-1], offsets[1:] - 1
    weights[lo] = np.inf
    weights[hi] = np.inf
    parent = np.full(len(lo), np.inf)
    while True:
        open_ = hi - lo >= 2
        lo, hi, parent = lo[open_], hi[open_], parent[open_]
        if not len(lo):
            return weights
        counts = hi - lo - 1
        segment = np.repeat(np.arange(len(lo)), counts)
        starts = np.cumsum(counts) - counts
        point = np.arange(counts.sum()) - np.repeat(starts, counts) + np.repeat(lo + 1, counts)
        a, b = lo[segment], hi[segment]
        d = _segment_distance(x[point], y[point], x[a], y[a], x[b], y[b])
        dmax = np.maximum.reduceat(d, starts)
        at_max = np.flatnonzero(d == dmax[segment])
        first = np.unique(segment[at_max], return_index=True)[1]
        chosen = point[at_max[first]]
        kept = np.minimum(dmax, parent)
        weights[chosen] = kept
        lo, hi = np.concatenate([lo, chosen]), np.concatenate([chosen, hi])
        parent = np.concatenate([kept, kept])


def ring_area(x: np.ndarray, y: np.ndarray) -> float:
    """Signed shoelace area of a closed ring (positive when counter-clockwise, y up)."""
    return float(np.dot(x[:-1], y[1:]) - np.dot(x[1:], y[:-1])) / 2.0


def _geometries(topology: dict) -> list[dict]:
    return next(iter(topology["objects"].values()))["geometries"]


def _polygons(geometry: dict) -> list[list[list[int]]]:
    """A Polygon's or MultiPolygon's polygons, each a list of rings of arc references."""
    return [geometry["arcs"]] if geometry["type"] == "Polygon" else geometry["arcs"]


def _quantised_arcs(topology: dict) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All arcs quantised and concatenated, consecutive duplicates merged (ends kept)."""
    arcs = topology["arcs"]
    lengths = np.fromiter((len(a) for a in arcs), dtype=np.int64, count=len(arcs))
    flat = np.array([p[:2] for a in arcs for p in a], dtype=float)
    x, y = quantize(flat[:, 0], flat[:, 1])
    starts = np.cumsum(lengths) - lengths
    arc_of = np.repeat(np.arange(len(arcs)), lengths)
    first = np.zeros(len(x), dtype=bool)
    first[starts] = True
    moved = np.ones(len(x), dtype=bool)
    moved[1:] = (x[1:] != x[:-1]) | (y[1:] != y[:-1])
    keep = first | moved
    last = starts + lengths - 1
    # an arc that shrank to one position keeps its last one too (two positions, one place)
    single = np.bincount(arc_of[keep], minlength=len(arcs)) < 2
    keep[last[single]] = True
    arc_of = arc_of[keep]
    offsets = np.concatenate([[0], np.cumsum(np.bincount(arc_of, minlength=len(arcs)))])
    return x[keep], y[keep], offsets


def _protect_largest_rings(topology: dict, x: np.ndarray, y: np.ndarray,
                           offsets: np.ndarray, weights: np.ndarray) -> None:
    """Give each geometry's largest ring at least four positions at every tolerance."""
    for geometry in _geometries(topology):
        rings = [ring for polygon in _polygons(geometry) for ring in polygon[:1]]
        if not rings:
            continue
        areas = []
        for ring in rings:
            rx, ry = _ring_positions(ring, x, y, offsets)
            areas.append(abs(ring_area(rx, ry)))
        ring = rings[int(np.argmax(areas))]
        needed = 2 if len(ring) == 1 else 1 if len(ring) == 2 else 0
        for ref in ring:
            arc = ref if ref >= 0 else ~ref
            lo, hi = offsets[arc] + 1, offsets[arc + 1] - 1
            if needed and hi > lo:
                strongest = lo + np.argsort(-weights[lo:hi], kind="stable")[:needed]
                weights[strongest] = np.inf


def _ring_positions(ring: list[int], x: np.ndarray, y: np.ndarray,
                    offsets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The positions of a ring of arc references (``~i`` is arc ``i`` reversed)."""
    xs, ys = [], []
    for k, ref in enumerate(ring):
        arc = ref if ref >= 0 else ~ref
        ax, ay = x[offsets[arc]:offsets[arc + 1]], y[offsets[arc]:offsets[arc + 1]]
        if ref < 0:
            ax, ay = ax[::-1], ay[::-1]
        xs.append(ax if k == 0 else ax[1:])
        ys.append(ay if k == 0 else ay[1:])
    return np.concatenate(xs).astype(float), np.concatenate(ys).astype(float)


def arc_table(topology: dict) -> pd.DataFrame:
    """One row per position of every arc: ``arc, seq, x, y, weight``.

    ``x`` and ``y`` are quantised (:data:`TRANSLATE`, :data:`SCALE`), ``weight`` is the
    Douglas–Peucker weight in degrees (``inf`` for arc ends and protected positions).
    """
    x, y, offsets = _quantised_arcs(topology)
    weights = douglas_peucker_weights(x * SCALE[0], y * SCALE[1], offsets)
    _protect_largest_rings(topology, x, y, offsets, weights)
    lengths = np.diff(offsets)
    return pd.DataFrame({
        "arc": np.repeat(np.arange(len(lengths), dtype=np.int32), lengths),
        "seq": (np.arange(len(x)) - np.repeat(offsets[:-1], lengths)).astype(np.int32),
        "x": x.astype(np.int32), "y": y.astype(np.int32), "weight": weights,
    })


def geometry_table(topology: dict) -> pd.DataFrame:
    """One row per geometry: ``geometry_index``, its ``type`` and its ``arcs`` (JSON).

    The rows follow the topology's order, the ``geometry_index`` of the ``cshapes`` table.
    """
    geometries = _geometries(topology)
    return pd.DataFrame({
        "geometry_index": np.arange(len(geometries), dtype=np.int32),
        "type": [g["type"] for g in geometries],
        "arcs": [json.dumps(g["arcs"], separators=(",", ":")) for g in geometries],
    })
