"""The treaties added by issue 14: for each, an attack that triggers it and one that does not,
by date and place, from the treaty's text as its book entry quotes it."""

from __future__ import annotations

import datetime as dt

import pytest

from foedus.data.books import load_books

from helpers import bound, reasons

D = dt.date.fromisoformat
USA, GBR, FRA, DEU, GRC, TUR, AZE, AUL, JPN, SAU = 2, 200, 220, 255, 350, 640, 373, 900, 740, 670
FSM, RMI, PLW, TUV, PNG, MYS, SGP, UKR, AUT = 987, 983, 986, 947, 910, 820, 830, 369, 305

NEW = {"aachen", "france_greece", "compact_fsm", "compact_rmi", "compact_palau",
       "korea_joint_policy_declaration", "fpda", "ukraine_security_agreements_2024",
       "eu_ukraine_2024", "saudi_pakistan", "australia_png", "australia_tuvalu",
       "turkey_azerbaijan"}


def informal(answer, treaty: str) -> set[int]:
    return {i.state for i in answer.informal if i.treaty.id == treaty}


def test_every_new_treaty_records_signature_and_entry_into_force_apart() -> None:
    books = {t.id.removeprefix("book:"): t for t in load_books()}
    assert set(books) >= NEW
    for slug in NEW:
        t = books[slug]
        assert t.signed is not None, slug
        assert (t.in_force is None) is t.pending, slug   # only the pending treaty lacks it
        assert all(m.basis is not None and m.basis.source for m in t.members), slug


# --- Treaty of Aachen: Art. 4(1), in force 2020-01-22, territory as TEU Art. 42(7)


def test_aachen_triggered_and_counted_once_with_42_7(ask) -> None:
    answer = ask("2020-06-01", "cow:RUS", 255)
    # France is bound by Art. 4(1); the same automatic leg is TEU Art. 42(7)'s, counted once
    assert "concurrent" in reasons(answer, "book:aachen")
    assert FRA in bound(answer, "book:eu_teu_42_7")
    moved = next(n for n in answer.not_triggered if n.treaty.id == "book:aachen")
    assert moved.state == FRA and "Art. 4(1)" in moved.sentence


def test_aachen_not_before_entry_into_force_nor_at_sea(ask) -> None:
    assert "not_yet_member" in reasons(ask("2019-06-01", "cow:RUS", 255), "book:aachen")
    at_sea = ask("2020-06-01", "cow:RUS", "FRA", place="Mediterranean", hit="vessels")
    assert "out_of_area" in reasons(at_sea, "book:aachen")


# --- France-Greece 2021: Art. 2, jointly ascertained, territory only


def test_france_greece_art2(ask) -> None:
    answer = ask("2023-01-01", "TUR", "GRC")
    assert "concurrent" in reasons(answer, "book:france_greece")   # TEU Art. 42(7) stands in
    assert FRA in bound(answer, "book:eu_teu_42_7")
    legs = [n for n in answer.not_triggered if n.treaty.id == "book:france_greece"]
    assert legs[0].obligation.decision.value == "consensus"


def test_france_greece_not_before_force_nor_for_vessels(ask) -> None:
    assert "not_yet_member" in reasons(ask("2021-12-01", "TUR", "GRC"), "book:france_greece")
    vessels = ask("2023-01-01", "TUR", "GRC", place="Mediterranean", hit="vessels")
    assert "out_of_area" in reasons(vessels, "book:france_greece")


# --- Compacts of Free Association: the United States defends the freely associated states


@pytest.mark.parametrize(("target", "treaty"), [(FSM, "book:compact_fsm"),
                                                 (RMI, "book:compact_rmi"),
                                                 (PLW, "book:compact_palau")])
def test_compacts_bind_the_united_states(ask, target, treaty) -> None:
    answer = ask("2020-06-01", "CHN", target)
    assert bound(answer, treaty) == {USA}
    assert next(b for b in answer.obligations if b.treaty.id == treaty).obligation \
        .response.value == "automatic"


def test_compacts_are_one_way_and_dated(ask) -> None:
    to_us = ask("2020-06-01", "CHN", "USA")
    assert bound(to_us, "book:compact_fsm") == set()          # no defence owed to the US
    assert bound(to_us, "book:compact_fsm", "consultation") == {FSM}   # MSA Art. II
    assert "not_yet_member" in reasons(ask("1994-06-01", "CHN", PLW), "book:compact_palau")
    assert USA in bound(ask("1994-10-01", "CHN", PLW), "book:compact_palau")


# --- The Joint Policy Declaration of the sixteen (1953): informal, against a renewed attack


def test_joint_policy_declaration_renewed_attack(ask) -> None:
    answer = ask("2020-06-01", "PRK", "KOR")
    sixteen = informal(answer, "book:korea_joint_policy_declaration")
    assert {USA, GBR, AUL, 530, 100} <= sixteen and len(sixteen) == 16


def test_joint_policy_declaration_not_triggered(ask) -> None:
    treaty = "book:korea_joint_policy_declaration"
    assert "adversary_not_named" in reasons(ask("2020-06-01", "JPN", "KOR"), treaty)
    assert "not_yet_member" in reasons(ask("1953-07-26", "PRK", "KOR"), treaty)
    abroad = ask("2020-06-01", "PRK", "KOR", place="South China Sea", hit="vessels")
    assert "out_of_area" in reasons(abroad, treaty)


# --- Five Power Defence Arrangements (1971): consult on an attack on Malaysia or Singapore


def test_fpda_consultation(ask) -> None:
    answer = ask("1980-06-01", "IDN", "MYS")
    assert informal(answer, "book:fpda") == {AUL, 920, GBR, SGP}
    assert "not_yet_member" in reasons(ask("1971-10-01", "IDN", "MYS"), "book:fpda")
    assert "no_such_obligation" in reasons(ask("1980-06-01", "IDN", "AUS"), "book:fpda")


# --- The 2024 security agreements with Ukraine and the EU's commitments


def test_ukraine_agreements_on_a_russian_attack(ask) -> None:
    answer = ask("2024-07-01", "RUS", "UKR")
    bilateral = informal(answer, "book:ukraine_security_agreements_2024")
    assert {GBR, USA, JPN, DEU, FRA} <= bilateral
    assert AUT in informal(answer, "book:eu_ukraine_2024")
    assert not [b for b in answer.obligations
                if b.treaty.id == "book:ukraine_security_agreements_2024"]


def test_ukraine_agreements_not_triggered(ask) -> None:
    before = ask("2023-12-01", "RUS", "UKR")
    assert "not_yet_member" in reasons(before, "book:ukraine_security_agreements_2024")
    belarus = ask("2024-07-01", "BLR", "UKR")
    # the US agreement names no adversary; the others answer a Russian attack
    assert informal(belarus, "book:ukraine_security_agreements_2024") == {USA}
    assert "adversary_not_named" in reasons(belarus, "book:ukraine_security_agreements_2024")


# --- Saudi Arabia-Pakistan (2025)


def test_saudi_pakistan(ask) -> None:
    assert bound(ask("2025-10-01", "IND", "PAK"), "book:saudi_pakistan") == {SAU}
    assert "not_yet_member" in reasons(ask("2025-09-16", "IND", "PAK"), "book:saudi_pakistan")


# --- Australia-PNG (Pukpuk, signed 2025-10-06, not in force here)


def test_pukpuk_is_not_in_force(ask) -> None:
    answer = ask("2026-01-01", "CHN", "PNG")
    assert reasons(answer, "book:australia_png") == {"not_in_force"}
    assert bound(answer, "book:australia_png") == set()


def test_pukpuk_clause_once_in_force(system) -> None:
    from foedus.data.loaders import commitment_system
    from foedus.query import obligations

    book = [t.model_copy(update={"pending": False}) if t.id == "book:australia_png" else t
            for t in system.book]
    live = commitment_system(list(system.atop), book)
    home = obligations(live, as_of=D("2026-01-01"), attackers=[710], target=PNG)
    assert bound(home, "book:australia_png") == {AUL}
    away = obligations(live, as_of=D("2026-01-01"), attackers=[710], target=PNG,
                       place="Mediterranean", hit="vessels")
    assert "out_of_area" in reasons(away, "book:australia_png")


# --- Australia-Tuvalu (Falepili Union, in force 2024-08-28)


def test_falepili_union(ask) -> None:
    assert bound(ask("2025-01-01", "CHN", "TUV"), "book:australia_tuvalu") == {AUL}
    assert "not_yet_member" in reasons(ask("2024-08-27", "CHN", "TUV"),
                                       "book:australia_tuvalu")
    assert "no_such_obligation" in reasons(ask("2025-01-01", "CHN", "AUS"),
                                           "book:australia_tuvalu")


# --- Turkey-Azerbaijan: the 2010 agreement (ATOP 6035) and the Shusha Declaration


def test_turkey_azerbaijan(ask) -> None:
    shusha = ask("2023-01-01", "ARM", "AZE")
    # one defence leg from Turkey, counted once among the 1994 treaty and the Declaration
    legs = [b for b in shusha.obligations if b.state == TUR
            and b.obligation.kind.value == "defense"]
    assert len(legs) == 1
    assert "concurrent" in reasons(shusha, "book:turkey_azerbaijan") or \
        legs[0].treaty.id == "book:turkey_azerbaijan"
    assert "agreement_2010.defense" in {b.obligation.id for b in
                                        ask("2015-01-01", "ARM", "AZE").obligations}


def test_shusha_excludes_non_state_attackers(ask) -> None:
    answer = ask("2023-01-01", "nonstate:PKK", "AZE")
    assert bound(answer, "book:turkey_azerbaijan") == set()
    assert bound(answer, "book:turkey_azerbaijan", "consultation") == {TUR}
    assert "adversary_not_named" in reasons(answer, "book:turkey_azerbaijan")
