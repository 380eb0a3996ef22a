"""The places added to the gazetteer by issue 14, where they decide a treaty's scope."""

from __future__ import annotations

import json

import pytest

from helpers import bound, reasons, run_cli

USA, AUL, JPN, ROK, PHL = 2, 900, 740, 732, 840


@pytest.mark.parametrize(("place", "before", "after"), [
    ("Iwo Jima", "1967-06-01", "1968-06-26"), ("Chichi-jima", "1968-06-25", "1968-06-26")])
def test_bonin_and_volcano_islands_reverted_1968(ask, place, before, after) -> None:
    assert "out_of_area" in reasons(ask(before, "cow:RUS", "JPN", place=place), "book:us_japan")
    assert USA in bound(ask(after, "cow:RUS", "JPN", place=place), "book:us_japan")


def test_takeshima_under_korean_administration(ask) -> None:
    assert USA in bound(ask("2020-06-01", "PRK", "KOR", place="Dokdo"), "book:us_rok")
    japan = ask("2020-06-01", "cow:RUS", "JPN", place="Takeshima", hit="territory")
    assert "out_of_area" in reasons(japan, "book:us_japan")


def test_a_maritime_feature_defaults_to_vessels(ask) -> None:
    answer = ask("2024-06-17", "CHN", "PHL", place="Mischief Reef")
    assert answer.event.hit.value == "vessels" and answer.event.domain.value == "sea"
    assert any("maritime feature" in d for d in answer.defaults)
    assert USA in bound(answer, "book:us_philippines")
    # Second Thomas Shoal: the Philippines administers it, but it is not land territory
    shoal = ask("2024-06-17", "CHN", "PHL", place="Second Thomas Shoal")
    assert shoal.event.hit.value == "vessels" and USA in bound(shoal, "book:us_philippines")


@pytest.mark.usefixtures("store_home")
def test_the_feature_default_is_printed() -> None:
    args = ("obligations", "--attacker", "CHN", "--target", "PHL", "--as-of", "2024-06-17",
            "--place", "Second Thomas Shoal")
    text = run_cli(*args, env={"COLUMNS": "200"})
    assert "default hit: vessels (Second Thomas Shoal is a maritime feature" in text.stdout
    payload = json.loads(run_cli(*args, "--json").stdout)
    assert payload["event"]["hit"] == "vessels"
    assert any("maritime feature" in d for d in payload["event"]["defaults"])


def test_scarborough_and_paracels_are_not_philippine_territory(ask) -> None:
    answer = ask("2020-06-01", "CHN", "PHL", place="Scarborough Shoal")
    assert answer.event.hit.value == "forces"   # not held by the Philippines since 2012
    assert ask("2011-06-01", "CHN", "PHL", place="Pag-asa").event.hit.value == "territory"


@pytest.mark.parametrize(("place", "owner", "day", "covered"), [
    ("Aland", "FIN", "2023-04-03", False), ("Aland", "FIN", "2023-04-04", True),
    ("Gotland", "SWE", "2024-03-07", True), ("Saint-Pierre-et-Miquelon", "FRA", "2020-01-01", True),
    ("Curaçao", "NLD", "2020-01-01", False), ("Diego Garcia", "GBR", "2020-01-01", False),
    ("Guantánamo", "USA", "2020-01-01", False)])
def test_nato_article_6_places(ask, place, owner, day, covered) -> None:
    answer = ask(day, "cow:RUS", owner, place=place)
    assert bool(bound(answer, "book:nato")) is covered


@pytest.mark.parametrize("place", ["Northern Marianas", "American Samoa", "Wake"])
def test_us_pacific_islands_under_anzus(ask, place) -> None:
    answer = ask("2020-06-01", "CHN", "USA", place=place)
    assert answer.event.hit.value == "territory" and AUL in bound(answer, "book:anzus")


def test_occupied_ukraine_is_ukrainian_and_russian_held(system) -> None:
    from foedus.data.places import default_gazetteer

    g = default_gazetteer()
    for name in ("Donetsk", "Luhansk", "Melitopol", "Nova Kakhovka"):
        place = g.find(name)
        assert place.sovereign_on(2023) == 369 and place.administrator_on(2023) == 365
        assert 365 in place.claimants_on(2023) and 365 not in place.claimants_on(
            __import__("datetime").date(2022, 9, 29))
    assert g.find("Abkhazia").administrator_on(2000) is None
    assert g.find("Abkhazia").administrator_on(2010) == 365
    assert g.find("Nagorno-Karabakh").administrator_on(2024) == 373
    assert g.find("Nagorno-Karabakh").administrator_on(2000) is None
    assert g.find("Transnistria").sovereign_on(2020) == 359
    assert g.find("Trieste").administrator_on(1950) == 200
    assert g.find("Trieste").administrator_on(1960) == 325
    assert g.find("Kinmen").administrator_on(1958) == 713
    assert g.find("Amami").administrator_on(1953) == USA
    assert g.find("Amami").administrator_on(1954) == JPN
