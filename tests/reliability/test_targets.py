"""Who was attacked: the precedence rule against cases whose history is certain."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from foedus.reliability.targets import overrides, war_roles


@pytest.fixture(scope="module")
def roles(built_home):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("FOEDUS_HOME", str(built_home))
        yield war_roles()


def role(roles, war: str, ccode: int, side: int | None = None):
    sel = roles[(roles["war"] == war) & (roles["ccode"] == ccode)]
    if side is not None:
        sel = sel[sel["side"] == side]
    assert len(sel) == 1, sel
    return sel.iloc[0]


def test_united_states_is_no_target_in_korea_or_laos(roles):
    korea = role(roles, "cow:151", 2)
    assert korea["role"] == "joiner" and korea["start"] == dt.date(1950, 6, 27)
    assert role(roles, "cow:151", 732)["role"] == "target"  # South Korea
    laos = role(roles, "cow:170", 2)
    assert laos["role"] == "joiner" and laos["rule"] == "override"
    assert role(roles, "cow:170", 812)["role"] == "target"  # Laos itself


def test_1939_poland_attacked_britain_and_france_join(roles):
    poland = role(roles, "cow:139", 290)
    assert poland["role"] == "target" and poland["attacked_on"] == dt.date(1939, 9, 1)
    assert poland["attackers"] == (255,)
    for ccode in (200, 220):
        joiner = role(roles, "cow:139", ccode, side=1)
        assert joiner["role"] == "joiner", ccode
        assert joiner["start"] == dt.date(1939, 9, 3)


def test_later_attacks_of_the_second_world_war(roles):
    for ccode, day, attacker in ((385, dt.date(1940, 4, 9), 255),
                                 (350, dt.date(1940, 10, 25), 325),
                                 (365, dt.date(1941, 6, 22), 255),
                                 (2, dt.date(1941, 12, 7), 740)):
        r = role(roles, "cow:139", ccode, side=1)
        assert r["role"] == "target" and r["rule"] == "dyad_opened_against", ccode
        assert r["attacked_on"] == day and attacker in r["attackers"]


def test_1914_serbia_russia_france_attacked_britain_joins(roles):
    serbia = role(roles, "cow:106", 345)
    assert serbia["role"] == "target" and serbia["rule"] == "first_day"
    assert serbia["attackers"] == (300,)
    assert role(roles, "cow:106", 300)["role"] == "initiator"
    for ccode, day in ((365, dt.date(1914, 8, 1)), (220, dt.date(1914, 8, 3))):
        r = role(roles, "cow:106", ccode)
        assert r["role"] == "target" and r["rule"] == "override"
        assert r["attacked_on"] == day and r["attackers"] == (255,)
    assert role(roles, "cow:106", 200)["role"] == "joiner"
    assert role(roles, "cow:106", 255)["rule"] == "initiator_side"
    # Romania declared war on Austria-Hungary before Bulgaria and Turkey struck it.
    assert role(roles, "cow:106", 360)["role"] == "joiner"


def test_every_participation_has_one_role(roles):
    assert set(roles["role"]) == {"initiator", "target", "joiner"}
    assert not roles.duplicated(["war", "ccode", "side"]).any()
    targets = roles[roles["role"] == "target"]
    assert targets["attacked_on"].notna().all()
    assert (targets["attacked_on"] >= targets["war_start"]).all()
    assert roles.loc[roles["role"] != "target", "attacked_on"].isna().all()


def test_overrides_are_sourced_and_match_a_participation(roles):
    table = overrides()
    assert len(table) >= 3
    assert table["reason"].str.len().gt(20).all() and table["source"].str.len().gt(20).all()
    for r in table.itertuples(index=False):
        hit = roles[(roles["war"] == r.war) & (roles["ccode"] == r.ccode)
                    & (roles["side"] == r.side)]
        assert len(hit) == 1 and hit["rule"].iloc[0] == "override", r


def test_mid_roles(built_home):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("FOEDUS_HOME", str(built_home))
        mids = war_roles(source="mid")
    assert set(mids["rule"]) <= {"mid_originator_side_a", "mid_originator_side_b",
                                 "mid_joiner", "override"}
    assert (mids.loc[mids["role"] == "initiator", "side"] == 1).all()
    assert (mids.loc[mids["role"] == "target", "side"] == 2).all()


def test_bad_source():
    with pytest.raises(ValueError, match="source must be"):
        war_roles(con=object(), source="acled")


@given(st.lists(st.tuples(st.sampled_from(["cow:1", "mid:2", "mid:10", None]),
                          st.integers(0, 3)), max_size=30))
def test_tuples_by_groups_as_pandas_does(rows) -> None:
    """One pass gives the groups, their order and their rows that ``groupby(sort=False)``
    with one ``itertuples`` per group gives."""
    from foedus.reliability.targets import tuples_by

    frame = pd.DataFrame(rows, columns=["war", "ccode"])
    expected = {k: list(g.itertuples(index=False))
                for k, g in frame.groupby("war", sort=False)}
    got = tuples_by(frame, "war")
    assert list(got) == list(expected) and got == expected
