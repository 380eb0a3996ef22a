"""Recorded events: the 2001 invocation of NATO Art. 5 by a non-state attack."""

from __future__ import annotations

from foedus.data.books import load_events
from foedus.model.events import NonState
from foedus.query import obligations


def test_events_load_with_nonstate_attackers(system) -> None:
    events = load_events()
    sept11 = events["september_11"]
    assert sept11.attackers == (NonState(name="al-Qaeda"),) and sept11.target == 2
    treaties = {t.id for t in system.book}
    assert {i.treaty for e in events.values() for i in e.invocations} <= treaties


def test_every_invocation_was_owed_under_the_book(system) -> None:
    for event in load_events().values():
        answer = obligations(system, as_of=event.date, attackers=list(event.attackers),
                             target=event.target, place=event.place, hit=event.hit,
                             domain=event.domain)
        owed = {b.treaty.id for b in answer.obligations
                if b.obligation.kind.value == "defense"}
        for invocation in event.invocations:
            assert invocation.treaty in owed, (event.name, invocation.treaty)
