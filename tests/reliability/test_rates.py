"""Rates on both units, war-clustered intervals, κ, the honour window and the published
comparisons."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.stats import binom

from foedus.reliability.alliance_war import alliance_wars
from foedus.reliability.rates import (
    alliance_rates,
    cluster_interval,
    cohen_kappa,
    excluded,
    region,
    reliability_rates,
    rewindow,
)


def _row(war, year, honoured, cf=True, kind="defense", counted=True, outcome=None,
         lag=None, atopid=1, ally=200, target=220):
    outcome = outcome or {True: "joined_partner", False: "stayed_out", None: "already_at_war"
                          }[honoured]
    return {"war": war, "year": year, "date": dt.date(year, 1, 1), "role": "target",
            "target": target, "target_side": 1, "ally": ally, "atopid": atopid,
            "kind": kind, "casus_foederis": cf, "cf_reason": "x" if cf is None else "",
            "honoured": honoured, "outcome": outcome, "lag_days": lag, "counted": counted,
            "nested_in": None, "ally_already_at_war": outcome == "already_at_war",
            "war_name": war}


def _frame(rows) -> pd.DataFrame:
    return pd.DataFrame(rows).astype({"casus_foederis": object, "honoured": object})


class TestClusterInterval:
    def test_one_cluster_is_its_rate(self):
        assert cluster_interval(np.array([3]), np.array([4])) == (0.75, 0.75)

    def test_seeded_and_reproducible(self):
        h, n = np.array([1, 0, 2, 5]), np.array([1, 3, 2, 9])
        assert cluster_interval(h, n, seed=4) == cluster_interval(h, n, seed=4)

    def test_equal_clusters_of_one_match_the_binomial(self):
        """Twenty wars of one row each, half honoured: resampling wars is drawing twenty
        Bernoulli(1/2), so the percentile interval is the Binomial(20, 1/2) quantiles / 20."""
        h = np.array([1] * 10 + [0] * 10)
        lo, hi = cluster_interval(h, np.ones(20), n_boot=40_000, seed=1)
        assert lo == pytest.approx(binom.ppf(0.025, 20, 0.5) / 20, abs=0.051)
        assert hi == pytest.approx(binom.ppf(0.975, 20, 0.5) / 20, abs=0.051)

    def test_empty(self):
        assert all(math.isnan(v) for v in cluster_interval(np.array([]), np.array([])))


def test_region():
    assert region(2) == "Americas" and region(200) == "Europe" and region(475) == "Africa"
    assert region(651) == "Middle East" and region(740) == "Asia" and region(1000) is None


def test_ally_rates_use_only_evidence():
    frame = _frame([_row("cow:1", 1900, True), _row("cow:1", 1900, False),
                    _row("cow:2", 1900, True, cf=None),      # undecidable: never evidence
                    _row("cow:3", 1950, False),
                    _row("cow:3", 1950, True, counted=False),  # a duplicate pledge
                    _row("cow:4", 1950, None),                 # already at war
                    _row("cow:5", 1920, True, cf=False)])
    rates = reliability_rates(frame, by=("era",), n_boot=200).set_index("era")
    assert rates.loc["pre-1945", ["n", "honoured", "wars"]].tolist() == [2, 1, 1]
    assert rates.loc["post-1945", ["n", "honoured"]].tolist() == [1, 0]
    assert rates.loc["pre-1945", "low"] == rates.loc["pre-1945", "high"] == 0.5  # one war
    dropped = excluded(frame)
    assert dropped["casus_foederis_none"] == 1 and dropped["by_reason"] == {"x": 1}
    assert dropped["evidence"] == 3 and dropped["duplicates"] == 1
    assert dropped["already_at_war"] == 1 and dropped["casus_foederis_false"] == 1


def test_alliance_war_rules():
    frame = _frame([
        _row("cow:1", 1900, True, atopid=10, ally=1), _row("cow:1", 1900, False, atopid=10,
                                                            ally=2),
        _row("cow:2", 1900, True, atopid=11), _row("cow:2", 1900, None, atopid=11, ally=3),
        _row("cow:3", 1900, True, cf=None, atopid=12),
        _row("cow:4", 1960, True, atopid=13),
        _row("cow:5", 1960, True, atopid=14, kind="consultation")])
    fights = pd.DataFrame({"war": ["cow:4"], "atopid": [13], "a": [1], "b": [2],
                           "day": [dt.date(1960, 2, 1)]})
    kinds = pd.DataFrame({"atopid": [10, 11, 12, 13, 14], "defense": [True] * 4 + [False],
                          "offense": False, "neutrality": [False, True, False, False, False],
                          "nonaggression": False, "consultation": [False] * 4 + [True]})
    aw = alliance_wars(frame, fights, kinds=kinds).set_index("atopid")
    assert aw.loc[10, ["llm", "sabrosky"]].tolist() == ["violated", "honoured"]
    assert aw.loc[11, "llm"] == "honoured"  # fighting together counts as honouring
    assert aw.loc[12, "llm"] == "undecided"
    assert aw.loc[13, ["llm", "sabrosky"]].tolist() == ["violated", "violated"]  # a fight
    assert 14 not in aw.index  # consultation is never evidence
    by_kind = alliance_rates(aw.reset_index(), by=("kind",), n_boot=100).set_index("kind")
    assert by_kind.loc["defense", "n"] == 3 and by_kind.loc["neutrality", "n"] == 1
    overall = alliance_rates(aw.reset_index(), by=(), n_boot=100).iloc[0]
    assert (overall["n"], overall["honoured"]) == (3, 1)


def test_rewindow():
    frame = _frame([_row("cow:1", 1900, False, outcome="late_entry", lag=100),
                    _row("cow:1", 1900, True, outcome="joined_partner", lag=10, ally=3),
                    _row("cow:2", 1900, False, kind="neutrality", outcome="late_entry",
                         lag=100)])
    wide = rewindow(frame, 365)
    assert wide["outcome"].tolist()[:2] == ["joined_partner", "joined_partner"]
    assert wide["honoured"].tolist()[:2] == [True, True]
    narrow = rewindow(frame, 7)
    assert narrow["honoured"].tolist()[:2] == [False, False]
    assert narrow["outcome"].tolist()[1] == "late_entry"
    assert wide["honoured"].iloc[2] is False  # neutrality is not judged by timing


@given(st.lists(st.tuples(st.integers(0, 2), st.integers(0, 2)), min_size=2, max_size=60))
def test_kappa_matches_sklearn(pairs):
    from sklearn.metrics import cohen_kappa_score

    a, b = zip(*pairs, strict=True)
    ours = cohen_kappa(a, b)
    theirs = cohen_kappa_score(a, b)
    if np.isnan(theirs):  # both coders constant and equal: sklearn gives nan
        assert ours == 1.0
    else:
        assert ours == pytest.approx(theirs)


def test_kappa_rejects_mismatched_codings():
    with pytest.raises(ValueError):
        cohen_kappa([1, 0], [1])


@pytest.fixture(scope="module")
def real(built_home):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("FOEDUS_HOME", str(built_home))
        from foedus.reliability import allied_fights, opportunities

        frame = opportunities(source="cow")
        yield frame, alliance_wars(frame, allied_fights())


@pytest.mark.parametrize("by", [("era",), ("llm_window",), ("kind",), ("region",),
                                ("role", "kind")])
def test_real_rates_bounded(real, by):
    frame, _ = real
    rates = reliability_rates(frame, by=by, n_boot=200)
    assert len(rates) and (rates["n"] > 0).all()
    assert rates["rate"].between(0, 1).all()
    assert (rates["low"] <= rates["rate"] + 1e-12).all()
    assert (rates["rate"] <= rates["high"] + 1e-12).all()
    assert rates["n"].sum() == reliability_rates(frame, by=(), n_boot=50).iloc[0]["n"]


def test_published_comparisons_name_their_definitions(real):
    from foedus.reliability import published_comparisons

    _, aw = real
    comps = published_comparisons(aw, n_boot=200)
    published = [c["published"] for c in comps]
    assert published == [0.745, 0.5, 0.663, 0.222, 0.412, 0.61, 0.14, 0.738, 0.778, 0.367]
    assert [c["published_n"] for c in comps][1:] == [146, 92, 54, 102, 59, 43, 42, 45, 49]
    for c in comps:
        assert c["unit"] == "alliance_war" and c["rule"] == "llm" and c["definition"]
        assert c["n"] > 0 and 0 <= c["low"] <= c["rate"] <= c["high"] <= 1
    defence = [c for c in comps if "defence obligation" in c["definition"]]
    assert [c["published"] for c in defence] == [0.412, 0.61, 0.14]


def test_named_alliance_war_verdicts(real):
    """The issue's cases on the alliance–war unit: Greece–Serbia (1490) in 1914, the
    Soviet–Polish pact (2295) in 1939 and the Triple Alliance (1350) in 1914 violated; the
    British and French guarantees to Poland (2440, 2060) honoured."""
    _, aw = real
    verdict = aw.set_index(["war", "atopid"])["llm"]
    for key in (("cow:106", 1490), ("cow:139", 2295), ("cow:106", 1350)):
        assert verdict[key] == "violated", key
    for key in (("cow:139", 2440), ("cow:139", 2060)):
        assert verdict[key] == "honoured", key
    fights = aw.set_index(["war", "atopid"])["fights"]
    assert fights[("cow:106", 1350)] >= 1 and fights[("cow:139", 2295)] >= 1


def test_allied_fights_keep_the_years_asked_for(real, built_home, monkeypatch):
    """``foedus reliability --from 1914 --to 1918`` read post-1945 fights into its
    alliance–war table: the fights are limited to the years of the opportunities."""
    from foedus.reliability import allied_fights

    monkeypatch.setenv("FOEDUS_HOME", str(built_home))
    every = allied_fights()
    years = every["day"].map(lambda d: d.year)
    assert (years > 1918).any() and years.between(1914, 1918).any()
    some = allied_fights(start=1914, end=1918)
    assert some["day"].map(lambda d: 1914 <= d.year <= 1918).all()
    assert len(some) == int(years.between(1914, 1918).sum())
    frame, _ = real
    war1 = frame[frame["year"].between(1914, 1918)]
    assert set(alliance_wars(war1, some)["year"]) <= set(range(1914, 1919))
