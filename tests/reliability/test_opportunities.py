"""Opportunities and outcomes against cases whose history is certain (1914, 1939)."""

from __future__ import annotations

import datetime as dt
import os

import pytest

from foedus.reliability.opportunities import casus_foederis, export_cases, opportunities


@pytest.fixture(scope="module")
def cow(built_home):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("FOEDUS_HOME", str(built_home))
        from foedus.model.system import CommitmentSystem

        system = CommitmentSystem.load()
        frame = opportunities(system, source="cow")
        yield system, frame, os.environ["FOEDUS_HOME"]


def _rows(frame, war, target, ally, **eq):
    sel = frame[(frame["war"] == war) & (frame["target"] == target) & (frame["ally"] == ally)]
    for col, val in eq.items():
        sel = sel[sel[col] == val]
    return sel


def test_columns_and_codes(cow):
    _, frame, _ = cow
    for col in ("war", "war_name", "year", "date", "target", "ally", "attackers", "atopid",
                "kind", "casus_foederis", "outcome", "honoured", "ally_joined_date"):
        assert col in frame.columns
    assert set(frame["outcome"]) <= {"joined_partner", "joined_against", "stayed_out"}
    assert set(frame["kind"]) <= {"defense", "offense", "neutrality", "nonaggression",
                                  "consultation"}
    assert set(frame["casus_foederis"].map(repr)) <= {"True", "False", "None"}
    assert frame.loc[frame["kind"].isin(["consultation", "nonaggression"]),
                     "honoured"].isna().all()
    joined = frame["outcome"] != "stayed_out"
    assert frame.loc[joined, "ally_joined_date"].notna().all()
    assert frame.loc[~joined, "ally_joined_date"].isna().all()
    assert not (frame["target"] == frame["ally"]).any()


def test_initiators_never_targets(cow, store_home):
    from foedus.data.store import connect

    _, frame, _ = cow
    with connect() as con:
        init = con.execute("select 'cow:' || warnum as war, ccode from wars "
                           "where initiator").df()
    pairs = set(zip(init["war"], init["ccode"], strict=True))
    targets = frame[frame["role"] == "target"]
    assert not any((w, t) in pairs for w, t in zip(targets["war"], targets["target"],
                                                     strict=True))
    assert not ((frame["war"] == "cow:106") & (frame["target"] == 300)
                & (frame["role"] == "target")).any()
    assert ((frame["war"] == "cow:106") & (frame["target"] == 300)
            & (frame["role"] == "initiator")).any()


def test_1914_serbia(cow):
    _, frame, _ = cow
    serbia = frame[(frame["war"] == "cow:106") & (frame["target"] == 345)]
    assert (serbia["date"] == dt.date(1914, 7, 29)).all()
    assert serbia["war_name"].iloc[0] == "World War I"
    assert 365 not in set(serbia["ally"])  # ATOP 5.1 records no Russian pledge to Serbia
    greece = _rows(frame, "cow:106", 345, 350, atopid=1490, kind="defense")
    assert len(greece) == 1
    assert greece["outcome"].iloc[0] == "joined_partner" and greece["honoured"].iloc[0]
    assert greece["lag_days"].iloc[0] > 1000  # Greece entered in 1917


def test_1914_france_and_russia(cow):
    _, frame, _ = cow
    france = _rows(frame, "cow:106", 220, 365, atopid=1385, kind="defense")
    assert len(france) == 1
    row = france.iloc[0]
    assert row["date"] == dt.date(1914, 8, 3) and row["role"] == "target"
    assert {255, 300} <= set(row["attackers"])
    assert row["outcome"] == "joined_partner" and row["honoured"] is True
    assert row["ally_already_at_war"]  # Russia was at war from 1 August
    russia = _rows(frame, "cow:106", 365, 220, atopid=1385, kind="defense").iloc[0]
    assert russia["honoured"] is True and russia["lag_days"] == 2
    assert not russia["ally_already_at_war"]


def test_1914_italy_triple_alliance(cow):
    _, frame, _ = cow
    italy = _rows(frame, "cow:106", 300, 325, atopid=1350, kind="neutrality")
    assert len(italy) == 1
    row = italy.iloc[0]
    assert row["role"] == "initiator"
    assert row["casus_foederis"] is True  # France, the named adversary, was at war
    assert row["outcome"] == "joined_against" and row["honoured"] is False
    # No Triple Alliance defence pledge toward Austria-Hungary: it initiated.
    assert _rows(frame, "cow:106", 300, 325, kind="defense").empty


def test_1939_poland(cow):
    _, frame, _ = cow
    poland = frame[(frame["war"] == "cow:139") & (frame["target"] == 290)
                   & (frame["kind"] == "defense")]
    assert (poland["date"] == dt.date(1939, 9, 1)).all()
    uk = poland[(poland["ally"] == 200) & (poland["atopid"] == 2440)]
    fr = poland[(poland["ally"] == 220) & poland["atopid"].isin([2060, 2135])]
    assert len(uk) == 1 and len(fr) == 2
    for rows in (uk, fr):
        assert (rows["outcome"] == "joined_partner").all()
        assert rows["honoured"].map(lambda v: v is True).all()
        assert rows["casus_foederis"].map(lambda v: v is True).all()
        assert (rows["ally_joined_date"] == dt.date(1939, 9, 3)).all()
        assert not rows["ally_already_at_war"].any()
    assert set(poland["attackers"].iloc[0]) == {255}


def test_every_ally_held_a_pledge(cow):
    system, frame, home = cow
    sample = frame[frame["war"].isin(["cow:106", "cow:139"])]
    sample = sample._append(frame.sample(80, random_state=1))
    snaps = {}
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("FOEDUS_HOME", home)
        for r in sample.itertuples():
            snap = snaps.setdefault(r.date, system.as_of(r.date, view="atop"))
            held = {(p.holder, p.treaty.id, p.obligation.kind.value)
                    for p in snap.pledges(beneficiary=r.target)}
            assert (r.ally, r.treaty, r.kind) in held, r


def test_casus_foederis_named_adversary(cow):
    system, _, _ = cow
    triple = system.treaty("atop:1350")
    neutral = next(o for o in triple.obligations
                   if o.kind.value == "neutrality" and "atop:neucoatt" not in o.flags)
    assert neutral.condition.adversaries == (220,)
    assert casus_foederis(neutral, (220, 365)) is True
    assert casus_foederis(neutral, (345,)) is False
    dual = next(o for o in system.treaty("atop:1335").obligations
                if o.kind.value == "neutrality")
    assert casus_foederis(dual, (365,), role="initiator") is False  # neucoatt


def test_export_cases(cow):
    _, frame, home = cow
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("FOEDUS_HOME", home)
        cases = export_cases(frame[(frame["war"] == "cow:139") & (frame["target"] == 290)])
    assert cases
    case = next(c for c in cases if c["ally"]["cow"] == 200 and c["kind"] == "defense")
    assert case["target"]["abb"] == "POL" and case["ally"]["abb"] == "UKG"
    assert set(case["target"]) == {"cow", "iso3", "abb", "name"}
    assert case["year"] == 1939 and case["war"] == "cow:139"
    assert case["honoured"] is True and case["outcome"] == "joined_partner"
    assert case["casus_foederis"] is True and case["atopid"] == 2440


def test_bad_source(store_home):
    with pytest.raises(ValueError):
        opportunities(source="acled")


def test_intra_alliance_football_war(cow):
    """1969: El Salvador attacks Honduras; both are Rio Treaty members, so the other Rio
    members' pledges to Honduras are intra-alliance rows; the 1939 guarantees are not."""
    from foedus.credibility.model import cases

    system, frame, _ = cow
    football = frame[(frame["war_name"] == "Football War") & (frame["target"] == 91)]
    rio = football[football["atopid"].isin([3075, 3150])]
    assert len(rio) > 10 and rio["intra_alliance"].all()
    for r in rio.itertuples():
        assert 92 in r.attackers and system.treaty(r.treaty).member_on(92, r.date)
    poland = frame[(frame["war"] == "cow:139") & (frame["target"] == 290)]
    assert not poland["intra_alliance"].any()
    kept = cases(frame)
    assert not kept["intra_alliance"].any()
    assert set(kept.index) >= set(cases(frame[~frame["intra_alliance"]]).index)
