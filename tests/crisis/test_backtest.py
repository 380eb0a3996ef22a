"""Tests of the crisis engine's backtest over historical opportunities (structure, the Poland
1939 case, skill figures); no timing."""

from __future__ import annotations

import math

import numpy as np
import pytest

from foedus.crisis.backtest import backtest, skill

from helpers import session_store


@pytest.fixture(scope="module")
def result_1939(built_home, mirror):
    """The backtest restricted to wars whose partners entered in 1939 (a module-wide
    store_home: the fixture itself is function-scoped)."""
    with session_store(built_home, mirror):
        yield backtest(years=(1939, 1939), draws=4000, seed=3)


def test_structure(result_1939, store_home):
    r = result_1939
    pairs = r.pairs
    assert r.n == len(pairs) > 0
    assert r.groups_run + len(r.skipped) == r.groups
    assert set(pairs["year"]) == {1939}
    assert pairs["probability"].between(0, 1).all()
    assert pairs["credibility"].between(0, 1).all()
    assert (pairs["se"] >= 0).all()
    # an ally the engine cannot reach has probability 0
    assert (pairs.loc[~pairs["in_engine"], "probability"] == 0).all()
    # one row per (group, ally)
    assert not pairs.duplicated(["war", "target", "date", "role", "ally"]).any()
    assert set(pairs["role"]) <= {"target", "initiator"}
    assert set(pairs["era"]) == {"≤1945"}


def test_poland_1939(result_1939, store_home):
    pairs = result_1939.pairs
    poland = pairs[(pairs["war"] == "cow:139") & (pairs["target"] == 290)
                   & (pairs["role"] == "target")]
    by_ally = poland.set_index("ally")
    for ally in (200, 220):  # the United Kingdom and France
        assert by_ally.loc[ally, "in_engine"]
        assert by_ally.loc[ally, "probability"] > 0
        assert by_ally.loc[ally, "joined"]
    assert set(poland["attackers"]) == {(255,)}


def test_skill_figures(result_1939, store_home):
    r = result_1939
    for column in ("probability", "credibility"):
        figures = r.skill(column)
        overall = figures["all"]
        assert overall["n"] == r.n
        assert sum(b["n"] for b in overall["calibration"]) == r.n
        assert 0 <= overall["brier"] <= 1
        assert overall["auc"] is None or 0 <= overall["auc"] <= 1
        for b in overall["calibration"]:
            assert b["bin_low"] <= b["mean_predicted"] <= b["bin_high"]
            assert 0 <= b["observed"] <= 1
        assert figures["≤1945"]["n"] == r.n
        assert figures[">1945"]["n"] == 0


def test_skill_known_values():
    s = skill([0.0, 0.2, 0.9, 1.0], [False, False, True, True])
    assert s["brier"] == pytest.approx((0 + 0.04 + 0.01 + 0) / 4)
    assert s["auc"] == 1.0
    assert [b["n"] for b in s["calibration"]] == [1, 1, 2]
    assert s["calibration"][-1]["mean_predicted"] == pytest.approx(0.95)
    one = skill([0.3, 0.6], [True, True])
    assert one["auc"] is None and math.isclose(one["observed"], 1.0)
    assert skill(np.zeros(0), np.zeros(0))["n"] == 0


def test_limit_and_roles(store_home):
    r = backtest(years=(1939, 1939), draws=500, seed=0, limit=1, roles=("target",))
    assert r.groups_run + len(r.skipped) == 1
    assert set(r.pairs["role"]) <= {"target"}


def test_cases_and_features_computed_once_give_the_same_pairs(store_home):
    """The folds of the who-joins validation pass the cases and their features in (computed
    once for all wars): the pairs equal those the backtest computes itself."""
    import pandas.testing as pdt

    from foedus.credibility import cases, pledge_features
    from foedus.data.loaders import load_system
    from foedus.reliability import opportunities

    system = load_system()
    rows = cases(opportunities(system, source="cow"))
    x = pledge_features(rows, system)
    own = backtest(years=(1939, 1939), draws=500, seed=1, limit=3, system=system)
    given = backtest(years=(1939, 1939), draws=500, seed=1, limit=3, system=system,
                     cases=rows, features=x)
    assert len(own.pairs) > 0 and own.groups == given.groups
    pdt.assert_frame_equal(own.pairs, given.pairs)
    wars = sorted(set(own.pairs["war"]))[:1]
    some = backtest(years=(1939, 1939), draws=500, seed=1, system=system, cases=rows,
                    features=x, wars=wars)
    assert set(some.pairs["war"]) == set(wars)


def test_the_engine_plays_the_view_the_cases_were_judged_in(store_home):
    """France's pledge to Russia (ATOP 1385, the Franco-Russian military convention) names
    Germany only in the historical book's content, and the Pact of London (ATOP 2025) is
    conditional on a specific conflict that only ATOP's ``cowwar`` decides: the plain ATOP
    view leaves both ``condition_not_recorded`` (never triggered), the backtest's
    :func:`engine_system` triggers them for their war, and only for it."""
    import datetime as dt

    from foedus.crisis.backtest import engine_system
    from foedus.data.loaders import load_system
    from foedus.data.store import connect
    from foedus.query.obligations import obligations
    from foedus.reliability.opportunities import alliance_conflicts

    system = load_system()
    with connect() as con:
        conflicts = alliance_conflicts(con)

    def bound(s, day, attackers, target, holder, treaty):
        a = obligations(s, as_of=day, attackers=attackers, target=target, view="atop")
        return any(b.state == holder and b.treaty.id == treaty
                   and b.obligation.kind.value == "defense" for b in a.obligations)

    august = dt.date(1914, 8, 1)
    assert not bound(system, august, [255], 365, 220, "atop:1385")
    assert bound(engine_system(system, "cow:106", conflicts), august, [255], 365, 220,
                 "atop:1385")
    april = dt.date(1915, 4, 26)
    assert not bound(system, april, [255, 300, 640], 365, 325, "atop:2025")
    assert bound(engine_system(system, "cow:106", conflicts), april, [255, 300, 640], 365,
                 325, "atop:2025")
    # another war (the same day) does not fill the Pact of London's conflict
    assert not bound(engine_system(system, "cow:107", conflicts), april, [255, 300, 640],
                     365, 325, "atop:2025")
    # members, dates and obligations are the plain ATOP view's
    plain = {t.id: (t.members, len(t.obligations)) for t in system.treaties("atop")}
    played = {t.id: (t.members, len(t.obligations))
              for t in engine_system(system, "cow:106", conflicts).treaties("atop")}
    assert plain == played


def test_france_1914_is_reachable(store_home):
    """The case that showed the bug: France's defence pledge to Russia, 1 August 1914
    (its casus foederis true in the cases), had a drawn-in probability of 0."""
    r = backtest(years=(1914, 1914), draws=500, seed=0, roles=("target",))
    pairs = r.pairs
    france = pairs[(pairs["war"] == "cow:106") & (pairs["target"] == 365)
                   & (pairs["ally"] == 220)]
    assert len(france) == 1
    assert france["in_engine"].iloc[0] and france["probability"].iloc[0] > 0.1
    assert "triggers none" not in france["why"].iloc[0]


def test_why_says_what_limits_the_forecast(result_1939, store_home):
    pairs = result_1939.pairs
    only = pairs[pairs["pledge"] == "neutrality only"]
    assert len(only) and only["why"].str.startswith("neutrality pledge only").all()
    assert (only["probability"] == 0).all()
    lost = pairs[(pairs["pledge"] != "neutrality only") & ~pairs["in_engine"]]
    assert (lost["why"] == "the engine's obligations query triggers none of its "
            "pledges").all()
    barred = pairs["why"].str.startswith("barred")
    assert pairs.loc[barred, "in_engine"].all()
    poland = pairs[(pairs["target"] == 290) & pairs["ally"].isin([200, 220])]
    assert (poland["why"] == "").all()


def test_a_neutrality_pledge_bars_only_against_its_named_adversaries(store_home):
    """Italy's Triple Alliance neutrality pledges to Germany and Austria-Hungary (ATOP 1350,
    renewed 1912) name France as the adversary: in a war of the Central Powers against
    Russia alone they do not bar Italy (it joined Russia, Pact of London, 26 April 1915);
    against France they do."""
    import datetime as dt

    from foedus.crisis.backtest import engine_system
    from foedus.crisis.compile import _attacker_side
    from foedus.data.loaders import load_system
    from foedus.data.store import connect
    from foedus.reliability.opportunities import alliance_conflicts

    system = load_system()
    with connect() as con:
        s = engine_system(system, "cow:106", alliance_conflicts(con))
    day, central = dt.date(1915, 4, 26), (255, 300, 640)
    _, _, everyone = _attacker_side(s, day, central, "atop", targets=(365, 220))
    italy = {r["beneficiary"] for r in everyone if r["holder"] == 325}
    assert italy == {255, 300}
    _, _, russia_only = _attacker_side(s, day, central, "atop", targets=(365,))
    assert not any(r["holder"] == 325 for r in russia_only)
    # a neutrality pledge without named adversaries bars whatever the target
    unnamed = [r for r in everyone if r["holder"] != 325]
    assert all(r in russia_only for r in unnamed
               if not next(o for t in s.treaties("atop") if t.id == r["treaty"]
                           for o in t.obligations if o.id == r["obligation"]
                           ).condition.adversary_coded)


def test_six_day_war_pairs_as_the_sources_record(store_home):
    """The six post-1945 pairs that joined (Egypt, Jordan and Syria for one another, 5 June
    1967) are coded as the sources have them: COW war 169 with Israel the initiator and the
    three Arab states entering on 5 June (Sarkees & Wayman 2010); the Egypt-Syria defence
    pact in force from 4 November 1966 (ATOP 3538), the Egypt-Jordan pact from 30 May 1967
    and Iraq's accession from 4 June 1967 (ATOP 3570; Mutawi, *Jordan in the 1967 War*,
    Cambridge UP 1987, ch. 6; Gibler, *International Military Alliances, 1648-2008*, CQ
    Press 2009); every pair found, triggered and unbarred (``why`` empty). Iraq is not a
    COW participant in war 169: it stayed out."""
    import datetime as dt

    from foedus.data.loaders import load_system
    from foedus.reliability import opportunities

    arab = {651, 652, 663}
    rows = opportunities(load_system(), source="cow", start=1967, end=1967)
    six = rows[(rows["war"] == "cow:169") & (rows["kind"] == "defense")]
    entry = {(t, a): o.split(":")[4] for t, a, o in zip(
        six["treaty"], six["ally"], six["obligation"], strict=True)}
    # the pairs' counted case is the Arab League treaty (ATOP 3205), the pacts nest in it
    counted = six[six["counted"] & six["ally"].isin(arab) & six["target"].isin(arab)]
    assert len(counted) == 6 and set(counted["treaty"]) == {"atop:3205"}
    assert entry[("atop:3538", 652)] == "1966-11-04"
    assert entry[("atop:3570", 663)] == "1967-05-30"
    assert entry[("atop:3570", 645)] == "1967-06-04"
    r = backtest(years=(1967, 1967), draws=500, seed=0, roles=("target",))
    war = r.pairs[r.pairs["war"] == "cow:169"]
    assert set(war["target"]) == arab
    assert set(war["date"]) == {dt.date(1967, 6, 5)}
    assert set(war["attackers"]) == {(666,)}
    among = war[war["ally"].isin(arab)]
    assert len(among) == 6 and among["joined"].all() and among["in_engine"].all()
    assert (among["why"] == "").all() and (among["probability"] > 0).all()
    assert not war.loc[war["ally"] == 645, "joined"].any()
