"""The atlas's network (``views._network``, made fast for issue 18) is the network the
web app drew before: edges aggregated, pledge by pledge, from the reference pledges
(``tests/model/reference_system.py``) and the seeded layout of those edges, node for node
and coordinate for coordinate, in both views."""

from __future__ import annotations

import datetime as dt

import pytest

from foedus.data.loaders import load_system, store_stamp
from foedus.model.vocab import View
from foedus.web import views
from model.reference_system import reference_pledges

DAYS = ["1816-07-01", "1892-08-17", "1914-07-01", "1939-09-01", "1955-06-01", "1962-10-16",
        "1986-08-11", "2004-03-29", "2018-12-31", "2024-07-01"]


def _reference_edges(day: dt.date, view: str) -> tuple[dict, list[tuple[int, int]]]:
    """The edges as ``_network`` built them before: pledge by pledge, in pledge order."""
    snap = load_system().as_of(day, view)
    rank = {k: i for i, k in enumerate(views.KIND_ORDER)}
    pairs: dict[tuple[int, int], dict] = {}
    for p in reference_pledges(snap):
        if p.holder == p.beneficiary:
            continue
        a, b = sorted((p.holder, p.beneficiary))
        edge = pairs.setdefault((a, b), {"kind": p.obligation.kind, "treaties": set(),
                                         "directions": set()})
        if rank[p.obligation.kind] < rank[edge["kind"]]:
            edge["kind"] = p.obligation.kind
        edge["treaties"].add(p.treaty.id)
        edge["directions"].add((p.holder, p.beneficiary))
    return pairs, list(pairs)


@pytest.mark.parametrize("view", ["legal", "atop"])
def test_network_equals_the_reference(store_home, view: str) -> None:
    for text in DAYS:
        day = dt.date.fromisoformat(text)
        if view == "atop" and day.year > 2018:
            continue
        fast = views._network(day, view, store_stamp())
        pairs, order = _reference_edges(day, view)
        assert [(e["source"], e["target"], e["kind"], e["mutual"], e["treaties"])
                for e in fast["edges"]] == [
            (str(a), str(b), str(e["kind"]), len(e["directions"]) == 2, sorted(e["treaties"]))
            for (a, b), e in sorted(pairs.items())], (text, view)
        nodes = sorted({c for pair in pairs for c in pair})
        states = {s["cow"]: s for s in views.states_on(day)["states"]}
        start = {c: (states[c]["lat"], states[c]["lon"]) if c in states else (None, None)
                 for c in nodes}
        pos = views._layout(nodes, order, start)  # the edges in the old (pledge) order
        assert [(n["cow"], n["x"], n["y"]) for n in fast["nodes"]] == [
            (c, pos[c][0], pos[c][1]) for c in nodes], (text, view)
        assert len(fast["edges"]) > 0 or text == "1816-07-01"


def test_network_in_both_views_has_edges(store_home) -> None:
    day = dt.date(1962, 10, 16)
    for view in View:
        assert len(views._network(day, view.value, store_stamp())["edges"]) > 50


def test_borders_text_is_borders_on_byte_for_byte(store_home) -> None:
    """The atlas's borders of a day inside CShapes, joined from arcs encoded once
    (``views._cut_text``), are ``borders_on(day).to_json()`` exactly, at two tolerances,
    on a seeded spread of days and the map's first and last."""
    import json
    import random

    from foedus.data.borders import borders_on
    from foedus.data.queries import border_dates

    first, last = border_dates()[0], border_dates()[-1]
    rng = random.Random(1886)
    days = [first, last, dt.date(1914, 7, 1), dt.date(1991, 12, 26), dt.date(2014, 3, 18)]
    days += [first + dt.timedelta(days=rng.randrange((last - first).days)) for _ in range(8)]
    for tolerance in (0.05, 0.2):
        for day in days:
            views._BORDERS.items.clear()
            text = views.borders_bytes(day, tolerance)
            answer = borders_on(day, tolerance=tolerance).to_json()
            assert json.loads(text) == answer, day
            fields = {k: answer.pop(k) for k in ("as_of", "map_date", "banner",
                                                 "provenance")}
            assert text == views._splice(fields, views._dumps(answer)), day  # the old text
            assert views._cut_text(day, tolerance) is not None  # the fast path was taken
    assert views._cut_text(first, 2.0) is None  # out of range: borders_on refuses it
    # outside CShapes: the nearest map, cut once for every day before (or after) it
    views._BORDERS.items.clear()
    for day in (dt.date(1850, 1, 1), dt.date(1816, 7, 1), dt.date(2024, 7, 1),
                dt.date(2025, 1, 1)):
        assert views.borders_json(day, 0.05) == borders_on(day).to_json(), day
    assert len(views._BORDERS.items) == 2
