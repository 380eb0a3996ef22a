"""The crosswalk applied in the legal view (and never in the ATOP view): nested, concurrent and
superseded obligations counted once, with their reason codes."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from foedus.model.crosswalk import Crosswalk, CrosswalkDecision

from helpers import bound, reasons, run_cli, schema_validator

D = dt.date.fromisoformat
USA, GBR, FRA, MEX, VEN, COL = 2, 200, 220, 70, 101, 100


def _defence_legs(snapshot, holder: int, beneficiary: int) -> list:
    return [p for p in snapshot.pledges(beneficiary=beneficiary)
            if p.holder == holder and p.obligation.kind.value == "defense"]


def test_oas_defence_is_nested_in_rio(ask) -> None:
    answer = ask("2010-06-01", "cow:RUS", "COL")
    assert USA in bound(answer, "book:rio_treaty")
    assert "nested_in" in reasons(answer, "atop:3150")
    assert bound(answer, "atop:3150") == set()
    # the Charter's own duty to consult stays as ATOP codes it (a location it does not record)
    assert "condition_not_recorded" in reasons(answer, "atop:3150")


@pytest.mark.parametrize(("target", "day"), [("MEX", "2010-06-01"), ("VEN", "2016-01-01")])
def test_a_state_that_left_rio_keeps_no_oas_defence_leg(ask, target, day) -> None:
    answer = ask(day, "cow:RUS", target)
    assert "no_longer_member" in reasons(answer, "book:rio_treaty")
    assert "nested_in" in reasons(answer, "atop:3150")
    assert not [b for b in answer.obligations if b.obligation.kind.value == "defense"
                and b.treaty.id in {"book:rio_treaty", "atop:3150"}]


def test_the_oas_leg_is_one_pledge_in_the_legal_view_two_in_atop(system) -> None:
    legal = system.as_of(D("2010-06-01"))
    assert [p.treaty.id for p in _defence_legs(legal, USA, COL)] == ["book:rio_treaty"]
    atop = system.as_of(D("2010-06-01"), "atop")
    assert {p.treaty.id for p in _defence_legs(atop, USA, COL)} == {"atop:3075", "atop:3150"}


def test_arab_league_pact_consultation_nested_from_1952(ask) -> None:
    early = ask("1949-06-01", "ISR", "EGY")
    assert "nested_in" not in reasons(early, "atop:3015")
    late = ask("1956-10-29", "ISR", "EGY")
    assert "nested_in" in reasons(late, "atop:3015")
    sentence = next(n.sentence for n in late.not_triggered if n.reason == "nested_in")
    assert "atop:3205" in sentence


def test_brussels_and_nato_counted_once(system, ask) -> None:
    legal = system.as_of(D("1990-06-01"))
    assert len(_defence_legs(legal, GBR, FRA)) == 1
    assert len(_defence_legs(system.as_of(D("1990-06-01"), "atop"), GBR, FRA)) == 2
    answer = ask("1990-06-01", "cow:RUS", "FRA")
    weaker = [n for n in answer.not_triggered if n.reason == "concurrent" and n.state == GBR]
    assert weaker and weaker[0].treaty.id == "atop:3130"
    assert GBR in bound(answer, "book:nato")
    # after the WEU's end: NATO's leg, and TEU Art. 42(7)'s (not decided against NATO here)
    assert {p.treaty.id for p in _defence_legs(system.as_of(D("2012-01-01")), GBR, FRA)} == {
        "book:nato", "book:eu_teu_42_7"}


def test_superseded_legs_end_on_their_day(system) -> None:
    from foedus.model.system import CommitmentSystem
    from foedus.query import obligations

    swap = Crosswalk([CrosswalkDecision(
        treaty="book:russia_dprk", relation="superseded_by", other="book:csto",
        kinds=("defense",), start=D("2025-01-01"), reason="test", source="test")])
    test = CommitmentSystem(list(system.atop), list(system.book), crosswalk=swap)
    before = obligations(test, as_of=D("2024-12-20"), attackers=[732], target=731)
    assert 365 in bound(before, "book:russia_dprk")
    after = obligations(test, as_of=D("2025-06-01"), attackers=[732], target=731)
    assert bound(after, "book:russia_dprk") == set()
    assert "superseded" in reasons(after, "book:russia_dprk")


@pytest.mark.usefixtures("store_home")
def test_new_reason_codes_validate_against_the_schema() -> None:
    seen = set()
    for args in (("--attacker", "cow:RUS", "--target", "VEN", "--as-of", "2016-01-01"),
                 ("--attacker", "cow:RUS", "--target", "FRA", "--as-of", "1990-06-01"),
                 ("--attacker", "USA", "--target", "CUB", "--as-of", "1990-06-01"),
                 ("--attacker", "CHN", "--target", "PNG", "--as-of", "2026-01-01")):
        proc = run_cli("obligations", *args, "--json")
        assert proc.returncode == 0, proc.stderr
        payload = json.loads(proc.stdout)
        assert not list(schema_validator("obligations").iter_errors(payload))
        seen |= {n["reason"] for n in payload["not_triggered"]}
    assert {"nested_in", "concurrent", "participation_excluded", "not_in_force"} <= seen
