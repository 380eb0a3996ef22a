"""Reliability rates and the published comparisons."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from foedus.reliability.opportunities import opportunities
from foedus.reliability.rates import published_comparisons, region, reliability_rates


def _toy() -> pd.DataFrame:
    rows = []
    for i, (year, hon, cf, kind) in enumerate([
            (1900, True, True, "defense"), (1900, False, True, "defense"),
            (1900, True, None, "defense"), (1950, False, True, "defense"),
            (1950, None, True, "consultation"), (1950, True, False, "defense"),
            (1920, True, True, "neutrality")]):
        rows.append({"war": f"cow:{i}", "year": year, "date": dt.date(year, 1, 1),
                     "role": "target", "target": 220, "ally": 200, "kind": kind,
                     "casus_foederis": cf, "honoured": hon, "ally_already_at_war": False})
    return pd.DataFrame(rows).astype({"casus_foederis": object, "honoured": object})


def test_toy_counts():
    rates = reliability_rates(_toy(), by=("era",)).set_index("era")
    assert rates.loc["pre-1945", "n"] == 3 and rates.loc["pre-1945", "honoured"] == 2
    assert rates.loc["post-1945", "n"] == 1 and rates.loc["post-1945", "honoured"] == 0
    loose = reliability_rates(_toy(), by=(), casus_foederis_only=False).iloc[0]
    assert loose["n"] == 6 and loose["honoured"] == 4
    assert loose["rate"] == pytest.approx(4 / 6)
    # Wilson 95% for 4/6 (statsmodels)
    assert loose["low"] == pytest.approx(0.2998, abs=1e-3)
    assert loose["high"] == pytest.approx(0.9032, abs=1e-3)


def test_region():
    assert region(2) == "Americas" and region(200) == "Europe" and region(475) == "Africa"
    assert region(651) == "Middle East" and region(740) == "Asia" and region(1000) is None


@pytest.fixture(scope="module")
def cow(built_home):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("FOEDUS_HOME", str(built_home))
        yield opportunities(source="cow")


@pytest.mark.parametrize("by", [("era",), ("llm_window",), ("kind",), ("region",),
                                ("role", "kind")])
def test_rates_bounded(cow, by):
    rates = reliability_rates(cow, by=by)
    assert len(rates) and (rates["n"] > 0).all()
    assert rates["rate"].between(0, 1).all()
    assert (rates["low"] <= rates["rate"] + 1e-12).all()
    assert (rates["rate"] <= rates["high"] + 1e-12).all()
    assert rates["n"].sum() == reliability_rates(cow, by=()).iloc[0]["n"]


def test_published_comparisons(cow):
    comps = published_comparisons(cow)
    assert [c["published"] for c in comps] == [0.75, 0.50, 0.66, 0.22]
    for c in comps:
        assert c["n"] > 0 and c["differences"]
        assert 0 <= c["low"] <= c["rate"] <= c["high"] <= 1
    # Pre-1945 pledges are honoured far more often than post-1945 ones, as published.
    assert comps[2]["rate"] > comps[3]["rate"]
