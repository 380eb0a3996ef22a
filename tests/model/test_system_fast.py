"""``Snapshot.pledges`` (made fast for the atlas, issue 18) gives exactly the pledges, in
exactly the order, of the reference implementation kept in ``reference_system.py``, on
dates spread over 1816-2024, in both views, for the whole network and toward one
beneficiary."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from foedus.model.system import ATOP_END
from foedus.model.vocab import View
from model.reference_system import reference_pledges

#: Fixed dates at which much changes (wars, blocs, enlargements, the end of ATOP), and a
#: seeded spread over the whole range.
FIXED = ["1816-01-01", "1871-01-18", "1882-05-20", "1892-08-17", "1914-07-01", "1914-08-04",
         "1939-09-01", "1945-05-08", "1949-08-24", "1955-05-14", "1955-06-01", "1962-10-16",
         "1986-08-11", "1991-12-26", "1999-03-12", "2004-03-29", "2009-12-01",
         "2018-12-31", "2019-01-01", "2020-02-01", "2023-04-04", "2024-03-07", "2024-07-01"]
_RNG = random.Random(1816)
SPREAD = sorted(dt.date(1816, 1, 1) + dt.timedelta(days=_RNG.randrange(209 * 365))
                for _ in range(24))
DAYS = [dt.date.fromisoformat(d) for d in FIXED] + SPREAD


def _key(p) -> tuple:
    return (p.treaty.id, p.obligation.id, p.holder, p.beneficiary)


@pytest.fixture
def system(store_home):
    from foedus.data.loaders import load_system

    return load_system()


@pytest.mark.parametrize("view", list(View))
def test_pledges_equal_the_reference(system, view: View) -> None:
    compared = 0
    for day in DAYS:
        if view is View.ATOP and day > ATOP_END:
            continue
        snap = system.as_of(day, view)
        fast = [_key(p) for p in snap.pledges()]
        assert fast == [_key(p) for p in reference_pledges(snap)], (day, view)
        compared += len(fast)
    assert compared > 100_000  # the dates hold many pledges: the comparison is not empty


@pytest.mark.parametrize("view", list(View))
def test_pledges_toward_one_beneficiary_equal_the_reference(system, view: View) -> None:
    for day in DAYS[::4]:
        if view is View.ATOP and day > ATOP_END:
            continue
        snap = system.as_of(day, view)
        for beneficiary in (2, 200, 220, 255, 365, 366, 740, 999):
            fast = [_key(p) for p in snap.pledges(beneficiary=beneficiary)]
            assert fast == [_key(p) for p in reference_pledges(snap, beneficiary)], (
                day, view, beneficiary)


def test_pledges_are_the_same_objects(system) -> None:
    """Not only the keys: every field of every pledge (treaty, obligation, states)."""
    snap = system.as_of(dt.date(1962, 10, 16), View.LEGAL)
    assert list(snap.pledges()) == reference_pledges(snap)
