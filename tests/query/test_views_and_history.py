"""The two views (DESIGN §2), ATOP's conditions, carried-forward alliances and bad input."""

from __future__ import annotations

import pytest

from foedus.errors import FoedusError

from helpers import bound, reasons

NATO_ATOP = "atop:3180"


def test_atop_view_keeps_the_location_flag_without_a_location(ask) -> None:
    answer = ask("2005-06-01", "RUS", "EST", view="atop")
    assert bound(answer, NATO_ATOP) == set()
    assert reasons(answer, NATO_ATOP) == {"condition_not_recorded"}
    sentence = next(n.sentence for n in answer.not_triggered if n.treaty.id == NATO_ATOP)
    assert "location condition coded; location not recorded" in sentence
    assert not any(n.treaty.id.startswith("book:") for n in answer.not_triggered)


def test_atop_dates_membership_from_the_protocol_signature(ask) -> None:
    # ATOP: Estonia in NATO from 2003-03-26 (protocol); the legal view: 2004-03-29
    atop = ask("2003-06-01", "RUS", "EST", view="atop")
    assert "not_yet_member" not in reasons(atop, NATO_ATOP)
    legal = ask("2003-06-01", "RUS", "EST")
    assert "not_yet_member" in reasons(legal, "book:nato")
    assert NATO_ATOP not in {n.treaty.id for n in legal.not_triggered}  # superseded


def test_atop_view_ends_in_2018(ask) -> None:
    with pytest.raises(FoedusError, match="ends on 2018-12-31"):
        ask("2019-01-01", "RUS", "EST", view="atop")


def test_dates_before_1815_are_refused(ask) -> None:
    with pytest.raises(FoedusError, match="before 1815"):
        ask("1800-01-01", "cow:FRN", "cow:AUH")


def test_named_adversary_quadruple_alliance(ask) -> None:
    # ATOP 1035 (1815): the defence obligation is conditional on an attack by France (220)
    france = ask("1818-06-01", "cow:FRN", "cow:GMY", view="atop")
    assert bound(france, "atop:1035") == {200, 300, 365}
    spain = ask("1818-06-01", "cow:SPN", "cow:GMY", view="atop")
    assert bound(spain, "atop:1035") == set()
    assert reasons(spain, "atop:1035") == {"adversary_not_named"}


def test_carried_forward_alliances_are_flagged(ask) -> None:
    answer = ask("2024-06-01", "RUS", "EST")
    carried = [b for b in answer.obligations if b.treaty.assumed_in_force]
    assert carried and all(b.treaty.id.startswith("atop:") for b in carried)
    assert any("assumed" in note for note in answer.notes)
    assert not [b for b in ask("2017-06-01", "RUS", "EST").obligations
                if b.treaty.assumed_in_force and b.treaty.id == "book:nato"]


def test_unknown_place_and_state(ask) -> None:
    from foedus.errors import UnknownPlaceError, UnknownStateError

    with pytest.raises(UnknownPlaceError, match="Atlantis"):
        ask("2020-01-01", "RUS", "EST", place="Atlantis")
    with pytest.raises(UnknownStateError):
        ask("2020-01-01", "Narnia", "EST")


def test_asymmetric_pledge_in_atop_view(ask) -> None:
    # ATOP 3375 (US-Japan 1960): the US pledges to defend Japan; Japan has no defence pledge
    to_japan = ask("1965-06-01", "cow:RUS", "JPN", view="atop")
    assert bound(to_japan, "atop:3375") == {2}
    to_us = ask("1965-06-01", "cow:RUS", "USA", view="atop")
    assert bound(to_us, "atop:3375") == set()
    kinds = {n.obligation.kind.value for n in to_us.not_triggered
             if n.treaty.id == "atop:3375" and n.obligation is not None}
    assert "defense" not in kinds  # Japan's only pledge is to consult
