"""Borders for any date: arc-level Douglas–Peucker, quantised TopoJSON, the nearest-map rule.

Known answers: Douglas–Peucker against a plain recursive implementation written here;
decoding against the full-resolution CShapes topology; states present and absent on known
dates (CShapes 2.0, Schvitz et al. 2022); Simferopol inside Russia's de facto borders after
2014-03-18 and inside Ukraine's before, tested with a ray-casting point-in-polygon written
here.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import math
from pathlib import Path

import duckdb
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from foedus.data.borders import BordersError, borders_on
from foedus.data.readers import read_topology
from foedus.data.simplify import (
    DEFAULT_TOLERANCE,
    SCALE,
    TRANSLATE,
    douglas_peucker_weights,
)
from foedus.errors import StoreError

from helpers import schema_validator

AUSTRIA_HUNGARY, USSR, UKRAINE, ESTONIA, FRANCE, GERMANY = 300, 365, 369, 366, 220, 255
SIMFEROPOL = (34.10, 44.95)


# --- Douglas–Peucker against a recursive reference --------------------------------------

def _recursive_dp(points: list[tuple[float, float]], tolerance: float) -> set[int]:
    """Douglas & Peucker (1973), recursively, distance to the segment, first farthest wins."""
    keep = {0, len(points) - 1}

    def distance(p, a, b) -> float:
        (px, py), (ax, ay), (bx, by) = p, a, b
        dx, dy = bx - ax, by - ay
        length2 = dx * dx + dy * dy
        u = 0.0 if length2 == 0 else max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy)
                                                  / length2))
        return math.hypot(px - ax - u * dx, py - ay - u * dy)

    def split(i: int, j: int) -> None:
        if j - i < 2:
            return
        best, far = -1.0, -1
        for k in range(i + 1, j):
            d = distance(points[k], points[i], points[j])
            if d > best:
                best, far = d, k
        if best > tolerance:
            keep.add(far)
            split(i, far)
            split(far, j)

    split(0, len(points) - 1)
    return keep


coordinate = st.integers(-50, 50).map(float)
line = st.lists(st.tuples(coordinate, coordinate), min_size=2, max_size=30)


@given(lines=st.lists(line, min_size=1, max_size=5), tolerance=st.floats(0, 40))
def test_weights_give_douglas_peucker_at_every_tolerance(lines, tolerance) -> None:
    x = np.array([p[0] for ln in lines for p in ln])
    y = np.array([p[1] for ln in lines for p in ln])
    offsets = np.cumsum([0] + [len(ln) for ln in lines])
    weights = douglas_peucker_weights(x, y, offsets)
    for ln, lo in zip(lines, offsets[:-1], strict=False):
        kept = {i for i in range(len(ln)) if weights[lo + i] > tolerance}
        assert kept == _recursive_dp(ln, tolerance)


def test_closed_line_keeps_its_ends_and_farthest_point() -> None:
    # a square ring: from (0,0) the farthest corner is (1,1), at sqrt(2)
    x = np.array([0.0, 1.0, 1.0, 0.0, 0.0])
    y = np.array([0.0, 0.0, 1.0, 1.0, 0.0])
    weights = douglas_peucker_weights(x, y, np.array([0, 5]))
    assert weights[0] == weights[4] == math.inf
    assert weights[2] == pytest.approx(math.sqrt(2))
    assert weights[1] == pytest.approx(math.sqrt(0.5)) and weights[3] == pytest.approx(
        math.sqrt(0.5))


# --- decoding, written here independently -----------------------------------------------

def _decode_arcs(topology: dict) -> list[np.ndarray]:
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    out = []
    for arc in topology["arcs"]:
        steps = np.cumsum(np.array(arc, dtype=float), axis=0)
        out.append(np.column_stack([steps[:, 0] * sx + tx, steps[:, 1] * sy + ty]))
    return out


def _rings(geometry: dict, arcs: list[np.ndarray]) -> list[list[np.ndarray]]:
    polygons = [geometry["arcs"]] if geometry["type"] == "Polygon" else geometry["arcs"]
    out = []
    for polygon in polygons:
        rings = []
        for ring in polygon:
            parts = [arcs[r] if r >= 0 else arcs[~r][::-1] for r in ring]
            rings.append(np.concatenate([parts[0]] + [p[1:] for p in parts[1:]]))
        out.append(rings)
    return out


def _inside(point: tuple[float, float], rings: list[np.ndarray]) -> bool:
    """Even-odd ray casting over all rings of a geometry (holes included)."""
    px, py = point
    inside = False
    for ring in rings:
        for (ax, ay), (bx, by) in itertools.pairwise(ring):
            if (ay > py) != (by > py) and px < ax + (py - ay) * (bx - ax) / (by - ay):
                inside = not inside
    return inside


def _area(ring: np.ndarray) -> float:
    x, y = ring[:, 0], ring[:, 1]
    return float(np.dot(x[:-1], y[1:]) - np.dot(x[1:], y[:-1])) / 2


def _by_cow(topology: dict) -> dict[int, list[dict]]:
    out: dict[int, list[dict]] = {}
    for g in topology["objects"]["states"]["geometries"]:
        out.setdefault(g["properties"]["cow"], []).append(g)
    return out


# --- the store's maps ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def source() -> dict:
    """The full-resolution topology, read through the registry."""
    return read_topology("cshapes_cow")


@pytest.mark.usefixtures("store_home")
def test_known_states_on_known_dates() -> None:
    states_1914 = _by_cow(borders_on("1914-07-01").topology)
    states_1920 = _by_cow(borders_on(dt.date(1920, 1, 1)).topology)
    states_1970 = _by_cow(borders_on("1970-01-01").topology)
    states_1992 = _by_cow(borders_on("1992-01-01").topology)
    assert AUSTRIA_HUNGARY in states_1914 and AUSTRIA_HUNGARY not in states_1920
    assert states_1914[AUSTRIA_HUNGARY][0]["properties"]["name"] == "Austria-Hungary"
    assert USSR in states_1970 and ESTONIA not in states_1970
    assert ESTONIA in states_1992 and USSR in states_1992


@pytest.mark.usefixtures("store_home")
def test_crimea_is_drawn_within_russia_after_2014_03_18() -> None:
    for day, holder, other in (("2014-03-17", UKRAINE, USSR), ("2014-03-18", USSR, UKRAINE),
                               ("2015-01-01", USSR, UKRAINE)):
        topology = borders_on(day).topology
        arcs = _decode_arcs(topology)
        states = _by_cow(topology)
        inside = {cow: any(_inside(SIMFEROPOL, [r for p in _rings(g, arcs) for r in p])
                           for g in states[cow]) for cow in (holder, other)}
        assert inside == {holder: True, other: False}, day


@pytest.mark.usefixtures("store_home")
def test_nearest_map_outside_cshapes_with_a_banner() -> None:
    early, late, inside = borders_on("1815-06-18"), borders_on("2024-07-01"), borders_on(
        "1914-07-01")
    assert early.map_date == dt.date(1886, 1, 1) and "1886-01-01" in early.banner
    assert late.map_date == dt.date(2019, 12, 31) and "2019-12-31" in late.banner
    assert inside.banner is None and inside.map_date == inside.as_of
    assert early.topology == borders_on("1886-01-01").topology
    assert all(m.de_facto and m.to_json()["de_facto"] for m in (early, late, inside))


@pytest.mark.usefixtures("store_home")
def test_answer_validates_and_size_falls_with_tolerance() -> None:
    answer = borders_on("2015-01-01")
    errors = list(schema_validator("borders").iter_errors(answer.to_json()))
    assert not errors, errors[:3]
    assert answer.tolerance == DEFAULT_TOLERANCE
    sizes = [borders_on("2015-01-01", tolerance=t).nbytes for t in (0.01, 0.05, 0.2)]
    assert sizes[0] > sizes[1] > sizes[2]
    # the default keeps a world map to a few hundred kB (measured: about 425 kB)
    assert 100_000 < answer.nbytes < 1_000_000
    assert answer.nbytes == len(json.dumps(answer.to_json(), separators=(",", ":")))


def _on_grid(ring: np.ndarray) -> np.ndarray:
    """A source ring's positions, consecutive ones on the same grid point merged."""
    grid = np.rint((ring - TRANSLATE) / SCALE)
    moved = np.ones(len(grid), dtype=bool)
    moved[1:] = (np.diff(grid, axis=0) != 0).any(axis=1)
    return ring[moved]


def _degenerate(ring: np.ndarray) -> bool:
    grid = np.rint((_on_grid(ring) - TRANSLATE) / SCALE)
    return len(grid) < 4 or _area(grid) == 0


def _matches(ours: np.ndarray, source: np.ndarray) -> bool:
    """``ours`` is ``source`` on the grid (an arc that fell on one grid point is kept with
    two equal positions, as TopoJSON needs two: those repeats are merged here)."""
    repeat = np.zeros(len(ours), dtype=bool)
    repeat[1:] = (np.diff(ours, axis=0) == 0).all(axis=1)
    ours = ours[~repeat]
    expected = _on_grid(source)
    return len(ours) == len(expected) and bool(
        (np.abs(ours - expected) <= np.array(SCALE) / 2 + 1e-9).all())


@pytest.mark.usefixtures("store_home")
def test_round_trip_at_full_resolution_is_within_half_a_step(source: dict) -> None:
    """Tolerance 0 keeps every position: decoded, each ring equals its source ring to
    within half a quantisation step (positions that fell on one grid point merged); the
    only source rings missing are those that quantisation leaves without area."""
    answer = borders_on("1914-07-01", tolerance=0.0)
    arcs = _decode_arcs(answer.topology)
    src_geoms = next(iter(source["objects"].values()))["geometries"]
    src_arcs = [np.array(a, dtype=float) for a in source["arcs"]]
    matched = dropped = 0
    for g in answer.topology["objects"]["states"]["geometries"]:
        ours = iter(_rings(g, arcs))
        current = next(ours, None)
        for polygon in _rings(src_geoms[g["id"]], src_arcs):
            if current is not None and _matches(current[0], polygon[0]):
                holes = iter(current[1:])
                hole = next(holes, None)
                for source_hole in polygon[1:]:
                    if hole is not None and _matches(hole, source_hole):
                        hole, matched = next(holes, None), matched + 1
                    else:
                        assert _degenerate(source_hole)
                        dropped += 1
                assert hole is None
                current, matched = next(ours, None), matched + 1
            else:
                assert _degenerate(polygon[0]), g["properties"]["name"]
                dropped += 1
        assert current is None, g["properties"]["name"]
    assert matched > 1000 and dropped < 0.05 * matched


@pytest.mark.usefixtures("store_home")
def test_shared_borders_stay_shared(source: dict) -> None:
    """Neighbours that share an arc in CShapes share one arc in the simplified map, and
    no two states share an arc that did not in CShapes."""
    day = "2015-01-01"
    answer = borders_on(day).topology

    def neighbours(geometries: list[dict], key) -> set[frozenset]:
        users: dict[int, set] = {}
        for g in geometries:
            polygons = [g["arcs"]] if g["type"] == "Polygon" else g["arcs"]
            for ref in itertools.chain.from_iterable(itertools.chain.from_iterable(polygons)):
                users.setdefault(ref if ref >= 0 else ~ref, set()).add(key(g))
        return {frozenset(u) for u in users.values() if len(u) == 2}

    ours = neighbours(answer["objects"]["states"]["geometries"],
                      lambda g: g["properties"]["cow"])
    on_day = [g for g in next(iter(source["objects"].values()))["geometries"]
              if g["properties"]["start"] <= day <= g["properties"]["end"]]
    theirs = neighbours(on_day, lambda g: g["properties"]["cowcode"])
    assert ours <= theirs
    assert frozenset({FRANCE, GERMANY}) in ours and frozenset({USSR, UKRAINE}) in ours
    assert len(ours) >= 0.95 * len(theirs)  # only tiny shared islands may drop out


@pytest.mark.usefixtures("store_home")
def test_every_state_drawn_with_clockwise_exteriors() -> None:
    """No state vanishes at a coarse tolerance, and exteriors stay clockwise (d3-geo)."""
    fine, coarse = borders_on("1970-01-01", tolerance=0.0), borders_on("1970-01-01",
                                                                       tolerance=1.0)
    assert set(_by_cow(fine.topology)) == set(_by_cow(coarse.topology))
    for answer in (fine, coarse, borders_on("1970-01-01")):
        arcs = _decode_arcs(answer.topology)
        for g in answer.topology["objects"]["states"]["geometries"]:
            for polygon in _rings(g, arcs):
                assert len(polygon[0]) >= 4
                assert _area(polygon[0]) < 0, g["properties"]["name"]


@pytest.mark.usefixtures("store_home")
@pytest.mark.parametrize(("day", "tolerance", "needle"), [
    ("1914-13-01", DEFAULT_TOLERANCE, "not an ISO date"),
    ("1914-07-01", -0.1, "tolerance"), ("1914-07-01", 5, "tolerance"),
    ("1914-07-01", "fine", "not a number")])
def test_bad_input_is_a_clear_error(day, tolerance, needle) -> None:
    with pytest.raises(BordersError, match=needle):
        borders_on(day, tolerance=tolerance)


def test_no_store_or_an_old_store_is_a_store_error(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FOEDUS_HOME", str(tmp_path))
    with pytest.raises(StoreError, match="foedus data build"):
        borders_on("1914-07-01")
    con = duckdb.connect(str(tmp_path / "foedus.duckdb"))
    con.execute("CREATE TABLE cshapes AS SELECT 1 AS geometry_index")
    con.close()
    with pytest.raises(StoreError, match="not a foedus store"):
        borders_on("1914-07-01")
