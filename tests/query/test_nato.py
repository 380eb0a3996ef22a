"""Who is bound under the North Atlantic Treaty: cases written from its articles (book:nato).

Art. 5 (defence, "such action as it deems necessary"), Art. 6 (the area: 1949 and 1951
texts), Art. 10 (accession on deposit of the instrument), domains from Wales 2014 (cyber),
Warsaw 2016 (hybrid) and Brussels 2021 (space).
"""

from __future__ import annotations

import pytest

from helpers import bound, reasons

NATO = "book:nato"
USA, EST, FIN, SWE, TUR = 2, 366, 375, 380, 640


def test_estonia_before_accession_is_not_yet_member(ask) -> None:
    answer = ask("2003-06-01", "RUS", "EST")
    assert bound(answer, NATO) == set()
    assert "not_yet_member" in reasons(answer, NATO)
    sentence = next(n.sentence for n in answer.not_triggered if n.treaty.id == NATO)
    assert "2004-03-29" in sentence


def test_estonia_accession_day_is_the_deposit_day(ask) -> None:
    assert bound(ask("2004-03-28", "RUS", "EST"), NATO) == set()
    after = bound(ask("2004-03-29", "RUS", "EST"), NATO)
    assert USA in after and EST not in after and len(after) == 25


def test_response_and_decision_follow_article_5(ask) -> None:
    answer = ask("2010-01-01", "RUS", "EST")
    art5 = [b for b in answer.obligations if b.treaty.id == NATO
            and b.obligation.kind.value == "defense"]
    assert {(b.obligation.article.article, b.obligation.response.value,
             b.obligation.decision.value) for b in art5} == {
        ("Art. 5", "discretionary", "individual")}
    assert bound(answer, NATO, "consultation") == bound(answer, NATO)  # Art. 4


@pytest.mark.parametrize(("day", "member"), [("2023-04-03", False), ("2023-04-04", True)])
def test_finland_accession(ask, day, member) -> None:
    answer = ask(day, "RUS", "FIN")
    assert (USA in bound(answer, NATO)) is member
    if not member:
        assert "not_yet_member" in reasons(answer, NATO)


def test_sweden_accession(ask) -> None:
    assert bound(ask("2024-03-06", "RUS", "SWE"), NATO) == set()
    assert FIN in bound(ask("2024-03-07", "RUS", "SWE"), NATO)


@pytest.mark.parametrize(("day", "covered", "caveat"), [
    ("2010-06-01", False, False), ("2014-09-04", False, False), ("2014-09-05", True, True)])
def test_cyber_from_wales_2014_case_by_case(ask, day, covered, caveat) -> None:
    answer = ask(day, "RUS", "EST", domain="cyber")
    assert (USA in bound(answer, NATO)) is covered
    if not covered:
        assert "domain_not_covered" in reasons(answer, NATO)
        assert USA in bound(answer, NATO, "consultation")  # Art. 4 knows no domain
    else:
        b = next(b for b in answer.obligations if b.treaty.id == NATO and b.state == USA
                 and b.obligation.kind.value == "defense")
        assert any("case by case" in c for c in b.caveats) is caveat


@pytest.mark.parametrize(("domain", "before", "after"), [
    ("hybrid", "2016-07-08", "2016-07-09"), ("space", "2021-06-13", "2021-06-14")])
def test_hybrid_and_space(ask, domain, before, after) -> None:
    assert "domain_not_covered" in reasons(ask(before, "RUS", "LTU", domain=domain), NATO)
    assert USA in bound(ask(after, "RUS", "LTU", domain=domain), NATO)


def test_turkey_asian_territory_is_covered(ask) -> None:
    answer = ask("2012-06-22", "SYR", "TUR")
    assert USA in bound(answer, NATO) and TUR not in bound(answer, NATO)


def test_hawaii_is_outside_the_area(ask) -> None:
    answer = ask("1990-01-01", "JPN", "USA", place="Hawaii")
    assert bound(answer, NATO) == set() and "out_of_area" in reasons(answer, NATO)


@pytest.mark.parametrize(("place", "covered"), [
    ("Alaska", True), ("Greenland", True), ("the Azores", True), ("Canary Islands", True),
    ("Svalbard", True), ("Puerto Rico", False), ("Guam", False), ("French Guiana", False),
    ("Reunion", False), ("New Caledonia", False), ("Ceuta", False), ("Melilla", False),
    ("Falklands", False), ("Gibraltar", True)])
def test_article_6_territories(ask, place, covered) -> None:
    owner = {"Alaska": "USA", "Greenland": "DNK", "the Azores": "PRT",
             "Canary Islands": "ESP", "Svalbard": "NOR", "Puerto Rico": "USA",
             "Guam": "USA", "French Guiana": "FRA", "Reunion": "FRA",
             "New Caledonia": "FRA", "Ceuta": "ESP", "Melilla": "ESP",
             "Falklands": "GBR", "Gibraltar": "GBR"}[place]
    attacker = "ARG" if place == "Falklands" else "cow:RUS"
    answer = ask("2015-01-01", attacker, owner, place=place)
    assert answer.event.hit.value == "territory"  # the default on the target's own soil
    assert bool(bound(answer, NATO)) is covered
    if not covered:
        assert reasons(answer, NATO) >= {"out_of_area"}


def test_algerian_departments_until_independence(ask) -> None:
    before = ask("1955-06-01", "nonstate:FLN", "FRA", place="Algerian departments")
    assert USA in bound(before, NATO)
    after = ask("1963-06-01", "nonstate:FLN", "FRA", place="Algerian departments")
    assert after.event.hit.value == "forces"  # no longer French territory
    assert bound(after, NATO) == set() and "out_of_area" in reasons(after, NATO)


def test_1949_text_before_the_greek_turkish_protocol(ask) -> None:
    # 1951: vessels in the Mediterranean were outside the 1949 text's area
    answer = ask("1951-06-01", "cow:RUS", "FRA", place="Mediterranean", hit="vessels")
    assert "out_of_area" in reasons(answer, NATO)
    assert USA in bound(ask("1953-06-01", "cow:RUS", "FRA", place="Mediterranean",
                            hit="vessels"), NATO)


@pytest.mark.parametrize(("place", "covered"), [
    ("North Atlantic", True), ("Mediterranean", True), ("Baltic Sea", True),
    ("South China Sea", False), ("Black Sea", False)])
def test_forces_at_sea(ask, place, covered) -> None:
    answer = ask("2020-06-01", "cow:RUS", "USA", place=place, hit="vessels")
    assert answer.event.domain.value == "sea"
    assert bool(bound(answer, NATO)) is covered


def test_nonstate_attack_of_2001(ask) -> None:
    answer = ask("2001-09-11", "nonstate:al-Qaeda", "USA", domain="air")
    states = bound(answer, NATO)
    assert len(states) == 18 and USA not in states  # 19 members in 2001


def test_an_ally_attacking_an_ally(ask) -> None:
    answer = ask("1974-07-20", "TUR", "GRC")
    assert TUR not in bound(answer, NATO) and USA in bound(answer, NATO)
    assert "holder_is_attacker" in reasons(answer, NATO)


def test_west_germany_and_unified_germany(ask) -> None:
    assert USA in bound(ask("1960-01-01", "cow:RUS", 260), NATO)
    assert bound(ask("1960-01-01", "cow:RUS", 265), NATO) == set()  # the GDR
    assert USA in bound(ask("1995-01-01", "cow:RUS", 255), NATO)
