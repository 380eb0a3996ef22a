"""The historical book in the answers: the alliances of 1914 and their named adversaries."""

from __future__ import annotations

import json

import pytest

from helpers import bound, reasons, run_cli, schema_validator

FRN, RUS, GMY, AUH, ITA, UKG, JPN = 220, 365, 255, 300, 325, 200, 740


def test_france_bound_to_defend_russia_in_1914(ask) -> None:
    legal = ask("1914-08-01", "cow:GMY", "cow:RUS")
    assert bound(legal, "atop:1385") == {FRN}
    b = next(b for b in legal.obligations if b.treaty.id == "atop:1385")
    assert "history:franco_russian_1892" in b.obligation.flags
    atop = ask("1914-08-01", "cow:GMY", "cow:RUS", view="atop")
    assert bound(atop, "atop:1385") == set()
    assert reasons(atop, "atop:1385") == {"condition_not_recorded"}


def test_austria_alone_does_not_bind_france(ask) -> None:
    # "or by Austria supported by Germany": Austria-Hungary alone is not the casus foederis
    alone = ask("1914-07-29", "cow:AUH", "cow:RUS")
    assert reasons(alone, "atop:1385") == {"adversary_not_named"}
    together = ask("1914-08-06", ["cow:AUH", "cow:GMY"], "cow:RUS")
    assert bound(together, "atop:1385") == {FRN}


@pytest.mark.usefixtures("store_home")
def test_the_1914_question_on_the_command_line() -> None:
    args = ("obligations", "--attacker", "cow:GMY", "--target", "cow:RUS", "--as-of",
            "1914-08-01", "--json")
    legal = json.loads(run_cli(*args).stdout)
    assert not list(schema_validator("obligations").iter_errors(legal))
    assert [(o["state"]["abb"], o["kind"]) for o in legal["obligations"]
            if o["treaty"]["id"] == "atop:1385"] == [("FRN", "defense")]
    atop = json.loads(run_cli(*args, "--view", "atop").stdout)
    assert [n["reason"] for n in atop["not_triggered"] if n["treaty"]["id"] == "atop:1385"] \
        == ["condition_not_recorded"]


def test_triple_alliance_article_ii_and_iii(ask) -> None:
    # Art. II: France alone attacking Germany binds Italy, not Austria-Hungary
    france = ask("1900-06-01", "cow:FRN", "cow:GMY")
    assert ITA in bound(france, "atop:1350") and AUH not in bound(france, "atop:1350")
    # Art. III: two Great Powers bind all
    two = ask("1900-06-01", ["cow:FRN", "cow:RUS"], "cow:GMY")
    assert {ITA, AUH} <= bound(two, "atop:1350")
    # Russia alone against Austria-Hungary: neither alternative holds for Italy
    russia = ask("1900-06-01", "cow:RUS", "cow:AUH")
    assert ITA not in bound(russia, "atop:1350")
    assert "too_few_attackers" in reasons(russia, "atop:1350")
    # ATOP records France alone as the adversary: its own answer is "not named"
    assert "too_few_attackers" not in reasons(
        ask("1900-06-01", "cow:RUS", "cow:AUH", view="atop"), "atop:1350")


def test_anglo_japanese_regions(ask) -> None:
    # 1914: Germany against Britain at home is outside Eastern Asia and India
    home = ask("1914-08-04", "cow:GMY", "cow:UKG")
    assert JPN not in bound(home, "atop:1415") and "out_of_area" in reasons(home, "atop:1415")
    # British ships in the East China Sea are inside
    east = ask("1914-08-04", "cow:GMY", "cow:UKG", place="East China Sea", hit="vessels")
    assert JPN in bound(east, "atop:1415")
    # 1904: Russia alone at war with Japan: British neutrality, no assistance (Arts. II-III)
    war = ask("1904-02-10", "cow:RUS", "cow:JPN", place="Sea of Japan", hit="vessels")
    assert UKG in bound(war, "atop:1415", "neutrality")
    assert UKG not in bound(war, "atop:1415")
