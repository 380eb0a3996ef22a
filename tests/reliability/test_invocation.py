"""The ``llm`` invocation rules of the alliance–war unit, on cases whose history is certain:
the United Kingdom, which joined the Second World War and was then attacked, and in Korea,
where it was not attacked at home; pledges made during a war; pledges made before it."""

from __future__ import annotations

import datetime as dt

import pytest

from foedus.reliability.opportunities import INVOCATIONS, opportunities

UKG, IRQ, USA = 200, 645, 2


@pytest.fixture(scope="module")
def frames(built_home):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("FOEDUS_HOME", str(built_home))
        from foedus.model.system import CommitmentSystem

        system = CommitmentSystem.load()
        yield (opportunities(system, start=1939, end=1951),
               opportunities(system, start=1939, end=1951, invocation="llm"))


def _legs(frame, war, target, atopid=None, kind=None):
    sel = frame[(frame["war"] == war) & (frame["target"] == target)]
    if atopid is not None:
        sel = sel[sel["atopid"] == atopid]
    if kind is not None:
        sel = sel[sel["kind"] == kind]
    return sel


def test_a_joiner_attacked_at_home_invokes_its_defence_pledges(frames) -> None:
    atop, llm = frames
    # Anglo-Iraqi treaty (ATOP 2270): the United Kingdom declared war on 3 September 1939
    # (a joiner); Germany opened its dyad against it on 9 April 1940 (Norway)
    assert _legs(atop, "cow:139", UKG, 2270, "defense").empty
    (leg,) = _legs(llm, "cow:139", UKG, 2270, "defense").itertuples()
    assert leg.ally == IRQ and leg.role == "joiner" and leg.date == dt.date(1940, 4, 9)
    assert 255 in leg.attackers and leg.outcome == "stayed_out" and leg.honoured is False


def test_not_invoked_when_attacked_away_from_home(frames) -> None:
    _, llm = frames
    # Korea, 1950: the United Kingdom and the United States fought in Asia (COW region 7)
    for state in (UKG, USA):
        legs = _legs(llm, "cow:151", state, kind="defense")
        assert legs.empty or legs["wartime"].all()


def test_pledges_made_during_a_war_whatever_their_kind(frames) -> None:
    atop, llm = frames
    made = llm[llm["wartime"]]
    # under ATOP's definitions a target invokes no offence pledge, even one made for the war
    assert not (atop["wartime"] & (atop["kind"] == "offense")
                & (atop["role"] == "target")).any()
    assert ((made["kind"] == "offense") & (made["role"] == "target")).any()


def test_pledges_in_force_before_the_war_are_not_made_during_it(frames) -> None:
    _, llm = frames
    # the Anglo-Iraqi treaty of 1930 was in force when the United Kingdom entered Korea
    assert _legs(llm, "cow:151", UKG, 2270).empty


def test_the_default_is_atop_and_unknown_rules_are_refused(store_home) -> None:
    assert INVOCATIONS == ("atop", "llm")
    with pytest.raises(ValueError, match="invocation must be one of atop, llm"):
        opportunities(invocation="sabrosky")
