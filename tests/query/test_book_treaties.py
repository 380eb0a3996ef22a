"""Who is bound under the treaties of our book other than NATO: cases from their articles."""

from __future__ import annotations

import pytest

from helpers import bound, reasons

USA, AUL, NEW, PHI, JPN, ROK, PRK, CHN, RUS = 2, 900, 920, 840, 740, 732, 731, 710, 365


def test_us_destroyer_in_the_south_china_sea(ask) -> None:
    # US-Philippines Art. V and ANZUS Art. V: public vessels in the Pacific; NATO: out of area
    answer = ask("2020-06-01", "CHN", "USA", place="South China Sea", hit="vessels")
    assert bound(answer, "book:us_philippines") == {PHI}
    assert bound(answer, "book:anzus") == {AUL}
    assert "out_of_area" in reasons(answer, "book:nato")
    # US-Japan Art. V covers only the territories under the administration of Japan
    assert "out_of_area" in reasons(answer, "book:us_japan")


@pytest.mark.parametrize(("day", "covered"), [("1970-06-01", False), ("1975-06-01", True),
                                              ("2020-06-01", True)])
def test_senkakus_under_japanese_administration(ask, day, covered) -> None:
    answer = ask(day, "CHN", "JPN", place="Senkaku Islands")
    assert (USA in bound(answer, "book:us_japan")) is covered
    if not covered:  # administered by the United States with Okinawa until 1972-05-15
        assert "out_of_area" in reasons(answer, "book:us_japan")


def test_okinawa_reversion(ask) -> None:
    assert "out_of_area" in reasons(ask("1971-06-01", "cow:RUS", "JPN", place="Okinawa"),
                                    "book:us_japan")
    assert USA in bound(ask("1973-06-01", "cow:RUS", "JPN", place="Okinawa"), "book:us_japan")


def test_japan_owes_the_us_only_in_japanese_territory(ask) -> None:
    at_home = ask("2020-06-01", "CHN", "USA", place="Okinawa", hit="forces")
    assert bound(at_home, "book:us_japan") == {JPN}
    hawaii = ask("2020-06-01", "CHN", "USA", place="Hawaii")
    assert bound(hawaii, "book:us_japan") == set()


def test_korea_and_jeju(ask) -> None:
    assert USA in bound(ask("2020-06-01", "PRK", "KOR"), "book:us_rok")
    assert USA in bound(ask("2020-06-01", "PRK", "KOR", place="Jeju"), "book:us_rok")
    assert bound(ask("1953-06-01", "PRK", "KOR"), "book:us_rok") == set()  # in force 1954


def test_second_thomas_shoal(ask) -> None:
    vessel = ask("2024-06-17", "CHN", "PHL", place="Second Thomas Shoal", hit="vessels")
    assert USA in bound(vessel, "book:us_philippines")
    # a low-tide elevation is not metropolitan or island territory
    shoal = ask("2024-06-17", "CHN", "PHL", place="Ayungin Shoal", hit="territory")
    assert "out_of_area" in reasons(shoal, "book:us_philippines")


def test_taiwan_is_informal_and_ambiguous(ask) -> None:
    answer = ask("2024-06-01", "CHN", 713)
    assert not [b for b in answer.obligations if b.obligation.kind.value == "defense"
                and b.state == USA]
    informal = [i for i in answer.informal if i.treaty.id == "book:taiwan_relations_act"]
    assert [i.state for i in informal] == [USA]


def test_anzus_new_zealand_leg_suspended(ask) -> None:
    answer = ask("1990-06-01", "cow:RUS", "NZL")
    assert bound(answer, "book:anzus") == {AUL}
    assert "leg_suspended" in reasons(answer, "book:anzus")
    assert USA in bound(ask("1985-06-01", "cow:RUS", "NZL"), "book:anzus")


def test_aukus_has_no_defence_obligation(ask) -> None:
    answer = ask("2023-06-01", "CHN", "AUS")
    assert reasons(answer, "book:aukus") == {"no_such_obligation"}
    assert USA in bound(answer, "book:anzus")


def test_budapest_memorandum_is_an_assurance(ask) -> None:
    answer = ask("2014-03-01", "RUS", "UKR")
    assert not [b for b in answer.obligations if b.treaty.id == "book:budapest_memorandum"]
    states = {i.state for i in answer.informal if i.treaty.id == "book:budapest_memorandum"}
    assert USA in states and 200 in states


@pytest.mark.parametrize(("day", "bound_"), [("2024-12-03", False), ("2024-12-04", True)])
def test_russia_dprk_in_force_4_december_2024(ask, day, bound_) -> None:
    assert (PRK in bound(ask(day, "UKR", "RUS"), "book:russia_dprk")) is bound_


def test_china_dprk_automatic(ask) -> None:
    answer = ask("2020-06-01", "USA", "PRK")
    china = [b for b in answer.obligations if b.treaty.id == "book:china_dprk"]
    assert [(b.state, b.obligation.response.value) for b in china] == [(CHN, "automatic")]


def test_csto_armenia_2022(ask) -> None:
    answer = ask("2022-09-13", "AZE", "ARM")
    assert {RUS, 370} <= bound(answer, "book:csto")  # Russia, Belarus


def test_rio_treaty_withdrawals(ask) -> None:
    assert USA in bound(ask("2000-06-01", "cow:RUS", "MEX"), "book:rio_treaty")
    assert "no_longer_member" in reasons(ask("2005-06-01", "cow:RUS", "MEX"),
                                         "book:rio_treaty")


def test_eu_42_7_binds_neutrals_with_a_flag(ask) -> None:
    answer = ask("2016-06-01", "nonstate:Islamic State", "FRA")
    eu = [b for b in answer.obligations if b.treaty.id == "book:eu_teu_42_7"
          and b.obligation.kind.value == "defense"]
    flagged = {b.state for b in eu if "specific_character" in b.obligation.flags}
    assert {305, 205} <= flagged  # Austria, Ireland: bound, with the flag
    assert 255 in {b.state for b in eu} - flagged
    assert "no_longer_member" in reasons(ask("2020-02-01", "cow:RUS", "GBR"),
                                         "book:eu_teu_42_7")


def test_eu_42_7_ceuta_is_eu_territory_but_outside_nato(ask) -> None:
    answer = ask("2020-06-01", "MAR", "ESP", place="Ceuta")
    assert 220 in bound(answer, "book:eu_teu_42_7")
    assert "out_of_area" in reasons(answer, "book:nato")


def test_metropolitan_territory_is_the_homeland_not_overseas(ask) -> None:
    assert PHI in bound(ask("2020-06-01", "cow:RUS", "USA"), "book:us_philippines")
    puerto_rico = ask("2020-06-01", "cow:RUS", "USA", place="Puerto Rico")
    assert "out_of_area" in reasons(puerto_rico, "book:us_philippines")
    assert "out_of_area" in reasons(puerto_rico, "book:anzus")
    assert AUL in bound(ask("2020-06-01", "cow:RUS", "USA", place="Alaska"), "book:anzus")
