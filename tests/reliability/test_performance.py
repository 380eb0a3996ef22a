"""Institutionalisation and the alliance–member–war cases of Leeds & Anac (2005)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from foedus.reliability.performance import institutionalisation, member_war_cases


def _phase(**codes) -> dict:
    base = {"atopid": 1, "atopidphase": 1.0, "milcon": 0, "intcom": 0, "base": 0,
            "milaid": 0, "subord": 0, "contrib": 0, "orgpurp1": 0, "orgpurp2": 0,
            "organ1": 0, "organ2": 0, "estmode": 0, "pubsecr": 0}
    return {**base, **codes}


def test_institutionalisation_rules_by_hand():
    phases = pd.DataFrame([
        _phase(milcon=3), _phase(base=2), _phase(milcon=2), _phase(milaid=3),
        _phase(orgpurp2=4), _phase(),
        _phase(estmode=1, organ1=2), _phase(estmode=1, pubsecr=2, organ1=3),
        _phase(estmode=1, organ1=np.nan),
        {k: (np.nan if k not in ("atopid", "atopidphase") else 1) for k in _phase()}])
    got = institutionalisation(phases)
    assert got["milinst"].tolist()[:6] == [2, 2, 1, 1, 1, 0]
    assert got["formal"].tolist()[6:9] == [2, 1, 0]
    assert got[["milinst", "formal"]].iloc[-1].isna().all()


def test_institutionalisation_equals_the_registered_file(store_home):
    from foedus.data.store import connect

    with connect() as con:
        phases = con.execute("select * from atop_phases").df()
        registered = con.execute("select * from atop_institutions").df()
    ours = institutionalisation(phases)
    both = ours.assign(k=ours["atopidphase"].round(2)).merge(
        registered.assign(k=registered["atopidphase"].round(2)), on="k", suffixes=("", "_r"))
    assert len(both) == len(registered) == 849
    for col in ("milinst", "formal"):
        pd.testing.assert_series_equal(both[col], both[f"{col}_r"], check_names=False)


@pytest.fixture(scope="module")
def cases(built_home):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("FOEDUS_HOME", str(built_home))
        from foedus.reliability import opportunities

        yield member_war_cases(opportunities(end=1944))


def test_cases(cases):
    assert len(cases) > 50 and cases["year"].max() <= 1944
    assert not cases.duplicated(["war", "atopid", "ally"]).any()
    for col in ("honoured", "chcap2d", "dinstch2", "origtar1"):
        assert set(cases[col].dropna()) <= {0, 1}, col
    assert set(cases["milinst"].dropna()) <= {0, 1, 2}
    poland = cases[(cases["war"] == "cow:139") & cases["partners"].map(lambda p: 290 in p)]
    assert len(poland) >= 3 and (poland["origtar1"] == 1).all()
    uk = poland[(poland["ally"] == 200) & (poland["atopid"] == 2440)].iloc[0]
    assert uk["honoured"] == 1 and uk["entry_year"] == 1939
    greece = cases[(cases["war"] == "cow:106") & (cases["ally"] == 350)].iloc[0]
    assert greece["honoured"] == 0 and greece["origtar1"] == 1
