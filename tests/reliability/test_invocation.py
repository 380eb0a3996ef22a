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
        from foedus.data.loaders import load_system

        system = load_system()
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


def test_a_pledge_made_during_a_war_is_judged_against_the_enemies_of_that_day(frames) -> None:
    _, llm = frames
    # Anglo-Portuguese agreement of 28 November 1944 (ATOP 2570) names Japan (STATTHR1 740):
    # the United Kingdom entered the war against Germany alone (3 September 1939), but was
    # at war with Japan from 7 December 1941, so the named adversary is among its enemies
    (leg,) = _legs(llm, "cow:139", UKG, 2570, "offense").itertuples()
    assert leg.wartime and leg.date == dt.date(1944, 11, 28)
    assert 740 in leg.attackers and 255 in leg.attackers
    assert "named adversary not among" not in leg.cf_reason


@pytest.mark.parametrize(("atopid", "target", "ally", "outcome"), [
    # US-Philippine treaty (30 August 1951): both already fighting in Korea
    (3210, USA, 840, "already_at_war"),
    # ANZUS (1 September 1951): Australia fighting; New Zealand below COW's threshold
    (3215, USA, 900, "already_at_war"),
    (3215, USA, 920, "stayed_out"),
])
def test_korean_war_pledges_decided_by_the_pacific_clause(frames, atopid, target, ally,
                                                           outcome) -> None:
    _, llm = frames
    # Art. V of both treaties: an attack on a Party's armed forces, public vessels or
    # aircraft in the Pacific; the Korean war was fought in the Korean seas too
    (leg,) = _legs(llm, "cow:151", target, atopid, "defense").query(
        f"ally == {ally}").itertuples()
    assert leg.wartime and leg.casus_foederis is True
    assert leg.cf_reason == "location inside the treaty area" and leg.outcome == outcome


def test_fighting_a_partner_after_the_treaty_ended_is_no_breach(frames) -> None:
    atop, llm = frames
    # German-Italian-Japanese alliance of 11 December 1941 (ATOP 2540): Italy fought beside
    # Germany until its armistice, when its membership ended (3 September 1943); its war
    # against Germany from September 1943 does not breach the ended pledge
    for frame in (atop, llm):
        (leg,) = _legs(frame, "cow:139", 255, 2540, "offense").query(
            "ally == 325").itertuples()
        assert leg.outcome == "already_at_war"
