"""``foedus.data.queries.states_on``: the COW system on a date with its capitals, checked
against COW's own list (State System Membership v2016) and against the store's spells read
by SQL."""

from __future__ import annotations

import datetime as dt

import pytest

from foedus.data import queries
from foedus.data.store import connect

pytestmark = pytest.mark.usefixtures("store_home")


def _on(day: str) -> tuple[dict[int, dict], list[str]]:
    rows, notes = queries.states_on(dt.date.fromisoformat(day))
    return {r["ccode"]: r for r in rows}, notes


def test_the_system_at_the_end_of_cow_has_195_states() -> None:
    # COW v2016 lists 195 members on its last day: the 193 UN members, Taiwan and Kosovo
    states, notes = _on("2016-12-31")
    assert len(states) == 195 and notes == []
    assert {713, 347} <= set(states)  # Taiwan, Kosovo
    assert states[626]["capital"] == "Juba"  # South Sudan, a member since 2011


def test_germany_through_its_spells() -> None:
    occupied, _ = _on("1945-06-01")  # no German state between 8 May 1945 and 1949
    assert not {255, 260, 265} & set(occupied)
    divided, _ = _on("1955-06-01")
    assert divided[260]["capital"] == "Bonn" and divided[265]["capital"] == "East Berlin"
    assert 255 not in divided
    united, _ = _on("1991-01-01")
    assert 255 in united and not {260, 265} & set(united)


def test_estonia_between_the_wars_and_after() -> None:
    assert _on("1939-01-01")[0][366]["capital"] == "Tallinn"
    assert 366 not in _on("1945-06-01")[0]
    assert 366 in _on("1991-12-01")[0]


def test_after_cow_the_last_day_is_carried_forward_and_said() -> None:
    last, _ = _on("2016-12-31")
    later, notes = _on("2024-07-01")
    assert set(later) == set(last)
    assert len(notes) == 1 and "2016-12-31" in notes[0] and "carried forward" in notes[0]


@pytest.mark.parametrize("day", ["1816-01-01", "1914-07-01", "1962-10-16", "2001-09-11"])
def test_the_members_are_the_spells_covering_the_day(day: str) -> None:
    with connect() as con:
        expected = {int(c) for (c,) in con.execute(
            "SELECT DISTINCT ccode FROM state_spells WHERE start_date <= ? AND ? <= end_date",
            [day, day]).fetchall()}
    states, _ = _on(day)
    assert set(states) == expected
    assert list(states) == sorted(states)
    assert all(r["lat"] is None or -90 <= r["lat"] <= 90 for r in states.values())
