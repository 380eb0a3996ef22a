"""The corrections of issue 14 (the book review of December 2026): each test is written from
the treaty text or the public record cited in the book entry's source, and asks the query
on the days the old entry answered wrongly."""

from __future__ import annotations

import datetime as dt

import pytest

from foedus.data.books import load_books
from foedus.model.vocab import Decision, ObligationKind, Response

from helpers import bound, reasons

D = dt.date.fromisoformat
USA, GBR, FRA, RUS, BLR, GRC, TUR, NZ, AUL = 2, 200, 220, 365, 370, 350, 640, 920, 900
UZB, KAZ, VEN, COL, CUB, PRK, ROK, PHL = 704, 705, 101, 100, 40, 731, 732, 840


def _book(slug: str):
    return next(t for t in load_books() if t.id == f"book:{slug}")


# --- Rio Treaty: Venezuela's denunciation took effect on 2015-05-14 (notice 2013-05-14, Art. 25)


@pytest.mark.parametrize(("day", "party"), [("2015-05-13", True), ("2015-05-14", False),
                                            ("2015-06-01", False)])
def test_venezuela_leaves_the_rio_treaty_two_years_after_its_notice(ask, day, party) -> None:
    answer = ask(day, "COL", "VEN")
    assert (USA in bound(answer, "book:rio_treaty")) is party
    if not party:
        assert "no_longer_member" in reasons(answer, "book:rio_treaty")
        sentence = next(n.sentence for n in answer.not_triggered
                        if n.treaty.id == "book:rio_treaty")
        assert "2015-05-14" in sentence


def test_cuba_is_a_party_excluded_from_taking_part(ask) -> None:
    rio = _book("rio_treaty")
    assert rio.party_on(CUB, D("1990-01-01")) and not rio.member_on(CUB, D("1990-01-01"))
    assert rio.member_on(CUB, D("1962-01-30"))
    answer = ask("1990-01-01", "USA", "CUB")
    assert reasons(answer, "book:rio_treaty") == {"participation_excluded"}
    assert bound(answer, "book:rio_treaty") == set()
    # and Cuba owes nothing to the others
    assert CUB not in bound(ask("1990-01-01", "cow:RUS", "MEX"), "book:rio_treaty")


# --- ANZUS: the US-New Zealand leg suspended from the San Francisco statement of 1986-08-11


def test_anzus_leg_suspended_from_1986_08_11(ask) -> None:
    before = ask("1986-08-10", "cow:RUS", "NZL")
    assert bound(before, "book:anzus") == {AUL, USA}
    after = ask("1986-09-01", "cow:RUS", "NZL")   # the day the review checked
    assert bound(after, "book:anzus") == {AUL}
    assert "leg_suspended" in reasons(after, "book:anzus")
    # the New Zealand -> United States leg: the documented decision, the same day
    to_us = ask("1986-09-01", "cow:RUS", "USA", place="Hawaii")
    assert NZ not in bound(to_us, "book:anzus") and AUL in bound(to_us, "book:anzus")
    decision = next(s for s in _book("anzus").suspensions if s.holder == NZ)
    assert decision.start == D("1986-08-11") and "decision" in decision.basis.source


# --- CSTO: Uzbekistan's membership suspended by the Collective Security Council, 2012-12-19


@pytest.mark.parametrize(("day", "member"), [("2012-09-01", True), ("2012-12-18", True),
                                             ("2012-12-19", False)])
def test_uzbekistan_csto_until_the_council_decision(ask, day, member) -> None:
    assert (RUS in bound(ask(day, "AFG", "UZB"), "book:csto")) is member


# --- Russia-Belarus 2024: Art. 4(2)(b), assistance on request by agreement of both presidents


def test_russia_belarus_article_4_joint_decision(ask) -> None:
    answer = ask("2025-06-01", "POL", "BLR")
    (b,) = [b for b in answer.obligations if b.treaty.id == "book:russia_belarus"
            and b.obligation.kind is ObligationKind.DEFENSE]
    assert b.state == RUS
    assert b.obligation.article.article.endswith("Art. 4")
    assert "by agreement of the heads of state" in b.obligation.article.source
    assert b.obligation.decision is Decision.CONSENSUS
    assert b.obligation.response is Response.AUTOMATIC
    assert "on_request" in b.obligation.flags


# --- NATO Art. 6: the 1951 text from Turkey's deposit (1952-02-18); Trieste Zone A in 6(ii)


@pytest.mark.parametrize(("day", "covered"), [("1952-02-16", False), ("1952-02-17", False),
                                              ("1952-02-18", True)])
def test_mediterranean_clause_from_turkeys_deposit(ask, day, covered) -> None:
    # Protocol Art. II: Art. 6 modified "as from the date of the deposit by the Government of
    # the Republic of Turkey of its instruments of accession" (1952-02-18)
    answer = ask(day, "cow:RUS", "USA", place="Mediterranean", hit="vessels")
    assert bool(bound(answer, "book:nato")) is covered


@pytest.mark.parametrize(("day", "covered"), [("1953-06-01", True), ("1949-12-01", True)])
def test_trieste_zone_a_occupation_forces(ask, day, covered) -> None:
    # US and British forces in Zone A on 1949-08-24: Art. 6(ii) (1951 text), and the 1949
    # text's "occupation forces of any Party in Europe"
    answer = ask(day, "YUG", "GBR", place="Trieste", hit="forces")
    assert (USA in bound(answer, "book:nato")) is covered
    rule = next(r for o in _book("nato").obligations if o.id == "art5"
                for r in o.condition.scope or () if "trieste" in r.places)
    assert rule.start == D("1952-02-18")


# --- Russia-DPRK 2024: the consultation clause is Art. 3


def test_russia_dprk_consultation_is_article_3(ask) -> None:
    answer = ask("2025-01-15", "ROK", "PRK")
    consult = [b for b in answer.obligations if b.treaty.id == "book:russia_dprk"
               and b.obligation.kind is ObligationKind.CONSULTATION]
    assert [(b.state, b.obligation.article.article) for b in consult] == [(RUS, "Art. 3")]
    assert "Art. 5" in _book("russia_dprk").note   # the non-alignment clause


# --- NATO nuclear sharing: Greece hosted US weapons until its unit stood down on 2001-06-20


@pytest.mark.parametrize(("day", "hosts_greece"), [("2000-06-01", True), ("2001-06-19", True),
                                                   ("2001-06-20", False), ("2010-01-01", False)])
def test_nuclear_sharing_hosts_by_date(day, hosts_greece) -> None:
    nato = _book("nato")
    hosts = {h for n in nato.provisions.nuclear if n.guarantor == USA and n.active(D(day))
             for h in n.sharing_hosts}
    assert (GRC in hosts) is hosts_greece
    assert {211, 255, 325, 210, TUR} <= hosts and GBR not in hosts


# --- eFP sizes by date: NATO's figures of 2022-06-28; the brigades in Latvia and Lithuania


@pytest.mark.parametrize(("host", "day", "sizes"), [
    ("EST", "2020-01-01", [900]), ("EST", "2023-01-01", [1430]),
    ("LVA", "2023-01-01", [1887]), ("LVA", "2025-01-01", [3500]),
    ("LTU", "2023-01-01", [1632]), ("LTU", "2025-06-01", [500, 1632]),
    ("POL", "2023-01-01", [1033]), ("SVK", "2023-01-01", [643]),
    ("HUN", "2023-01-01", [900]), ("ROU", "2023-01-01", [1148]),
    ("BGR", "2023-01-01", [968])])
def test_forward_force_sizes_by_date(host, day, sizes) -> None:
    from foedus.data.identities import resolve_state

    cow = resolve_state(host, on=D(day)).cow
    found = sorted(f.size for f in _book("nato").provisions.forward_forces
                   if f.host == cow and f.active(D(day)))
    assert found == sorted(sizes)


def test_june_2022_battlegroups_total_9641() -> None:
    # NATO press office, 2022-06-28: "9641 troops in 8 battlegroups"
    day = D("2022-06-28")
    total = sum(f.size or 0 for f in _book("nato").provisions.forward_forces if f.active(day))
    assert total == 9641


# --- US-ROK and US-Philippines notes


def test_us_rok_senate_understanding_and_ndaa_floors() -> None:
    rok = _book("us_rok")
    understanding = next(s for s in rok.sources if "Senate understanding" in s)
    assert "recognized by the United States as lawfully brought under the administrative " \
        "control of the Republic of Korea" in understanding
    assert "now under the administrative control" not in understanding
    floor = next(f for f in rok.provisions.forward_forces if f.size == 28500).basis.source
    assert "22,000 in FY2019" in floor and "28,500 in FY2020" in floor and "FY2026" in floor


def test_us_philippines_coast_guard_language_from_2023_02_13() -> None:
    phl = _book("us_philippines")
    assert "2023-02-13" in phl.note and "Coast Guard" in phl.note
    assert "2023-05-01 Joint Statement added" not in phl.note


def test_nato_article_4_requests_through_september_2025() -> None:
    art4 = next(o for o in _book("nato").obligations if o.id == "art4")
    assert "nine times" in art4.note
    for day in ("2020-02-28", "2022-02-24", "2025-09-10", "2025-09-19"):
        assert day in art4.note
