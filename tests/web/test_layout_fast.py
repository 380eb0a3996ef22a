"""The atlas's layout (``views._spring``, made fast for issue 18) is networkx's spring
layout float for float, and the scaled positions the app serves are those of the old
``_layout`` (``reference_layout.py``), on seeded random dates 1816–2024 in both views,
the dates the browser tests look at, and small graphs of every shape: one node, a node
without a capital, isolated pairs."""

from __future__ import annotations

import datetime as dt
import random

import numpy as np
import pytest

from foedus.web import views
from web.reference_layout import LAYOUT_SEED, reference_layout, reference_raw

FIXED = ["1816-07-01", "1914-07-01", "1955-06-01", "1962-10-16", "2018-12-31", "2024-07-01"]


def _days(view: str) -> list[dt.date]:
    rng = random.Random(20261206)
    first, last = dt.date(1816, 1, 1), dt.date(2018 if view == "atop" else 2024, 12, 31)
    days = [first + dt.timedelta(days=rng.randrange((last - first).days + 1))
            for _ in range(25)]
    return days + [dt.date.fromisoformat(d) for d in FIXED if d[:4] <= str(last.year)]


def test_the_seed_is_the_apps() -> None:
    assert LAYOUT_SEED == views.LAYOUT_SEED


@pytest.mark.parametrize("view", ["legal", "atop"])
def test_layout_equals_networkx_float_for_float(store_home, view: str) -> None:
    sizes = []
    for day in _days(view):
        pairs, nodes, start, _ = views._edges_and_start(day, view)
        edges = sorted(pairs)
        fast, old = views._spring(nodes, edges, start), reference_raw(nodes, edges, start)
        assert fast.shape == old.shape and np.array_equal(fast, old), (day, view)
        views._LAYOUTS.clear()
        assert views._layout(nodes, edges, start) == reference_layout(nodes, edges, start)
        sizes.append(len(nodes))
    assert max(sizes) > 150 and min(sizes) < 30  # large and small networks were compared


def test_small_and_odd_graphs() -> None:
    cases = [
        ([2], [], {2: (38.9, -77.0)}),
        ([2, 20], [(2, 20)], {2: (38.9, -77.0), 20: (45.4, -75.7)}),
        ([2, 20, 99], [(2, 20), (20, 99)], {2: (38.9, -77.0), 20: (45.4, -75.7),
                                              99: (None, None)}),
        ([1, 2, 3, 4], [(1, 2), (3, 4)], {n: (None, None) for n in (1, 2, 3, 4)}),
        ([5, 6, 7], [(5, 6), (5, 7), (6, 7)], {5: (0.0, 0.0), 6: (0.0, 0.0),
                                                 7: (10.0, 10.0)}),
    ]
    for nodes, edges, start in cases:
        assert np.array_equal(views._spring(nodes, edges, start),
                              reference_raw(nodes, edges, start)), nodes
        views._LAYOUTS.clear()
        assert views._layout(nodes, edges, start) == reference_layout(nodes, edges, start)
    assert views._layout([], [], {}) == {}


def test_a_layout_is_computed_once_per_input() -> None:
    nodes, edges = [2, 20, 200], [(2, 20), (2, 200)]
    start = {2: (38.9, -77.0), 20: (45.4, -75.7), 200: (51.5, -0.1)}
    views._LAYOUTS.clear()
    first = views._layout(nodes, edges, start)
    assert len(views._LAYOUTS) == 1
    first[2] = (0.0, 0.0)  # the caller's copy: the cached layout is untouched
    assert views._layout(nodes, list(reversed(edges)), start) == reference_layout(
        nodes, edges, start)
    assert len(views._LAYOUTS) == 1  # the same graph, whatever the edges' order
    views._layout(nodes, edges, {**start, 200: (48.9, 2.4)})
    assert len(views._LAYOUTS) == 2  # another start is another layout
