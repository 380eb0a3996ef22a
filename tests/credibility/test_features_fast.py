"""The vectorised pledge features (issue 17) equal the code they replaced, column by column.

``benchmarks/features_reference.py`` keeps :func:`pledge_features` as it was before issue 17
(a pandas lookup per row for the military institutionalisation, a groupby ``apply`` per row
for the change since formation). Both run here, in the same process, on the whole record the
credibility model learns from and on every formal pledge a compiled scenario scores (Russia
attacks Estonia, 2024), and every column must be equal: floats bit for bit (NaN where NaN),
the bookkeeping columns value for value.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from foedus.credibility import features as features_module
from foedus.credibility import pledge_features

# loaded from its file, not by putting benchmarks/ on sys.path (its web.py would hide the
# tests' own web package)
_spec = importlib.util.spec_from_file_location(
    "features_reference",
    Path(__file__).resolve().parents[2] / "benchmarks" / "features_reference.py")
_reference = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_reference)

ROOT = Path(__file__).resolve().parents[2]


def _assert_same(new: pd.DataFrame, old: pd.DataFrame) -> None:
    assert list(new.columns) == list(old.columns)
    assert new.index.equals(old.index)
    for col in new.columns:
        a, b = new[col].to_numpy(), old[col].to_numpy()
        if a.dtype.kind == "f" or b.dtype.kind == "f":
            np.testing.assert_array_equal(a.astype(float), b.astype(float), err_msg=col)
        else:
            assert list(a) == list(b), col


def test_the_record_equals_the_reference(store_home: Path) -> None:
    """Every opportunity of the record (the model's cases and the rows it drops)."""
    from foedus.credibility import cases
    from foedus.credibility.cases import with_original_target
    from foedus.data.loaders import load_system
    from foedus.reliability import opportunities

    system = load_system()
    opp = opportunities(source="cow")
    rows = with_original_target(opp)
    assert len(rows) > 1000 and cases(opp).index.isin(rows.index).all()
    new = pledge_features(rows, system)
    _assert_same(new, _reference.pledge_features(rows, system))
    # the institutionalisation varies over the record (the lookup is exercised, not all 0)
    assert set(np.unique(new["institutionalisation"])) == {0.0, 1.0, 2.0}


def test_a_compiled_scenarios_pledges_equal_the_reference(store_home: Path,
                                                          monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    """Every formal pledge Russia–Estonia 2024 scores (book and ATOP treaties)."""
    import foedus.credibility.features as features
    from foedus.crisis.compile import compile_scenario
    from foedus.crisis.scenario import load_scenario
    from foedus.data.loaders import load_system

    seen: list[pd.DataFrame] = []
    core = features.pledge_feature_columns

    def recording(rows, system=None):  # the real function; the rows are kept
        seen.append(pd.DataFrame([r._asdict() if hasattr(r, "_asdict") else vars(r)
                                  for r in rows]))
        return core(rows, system)

    monkeypatch.setattr(features, "pledge_feature_columns", recording)
    system = load_system()
    scenario, attacks = load_scenario(ROOT / "scenarios" / "baltic-estonia-2024.toml")
    compile_scenario(scenario, attacks, system=system, cache=False)
    rows = pd.concat(seen, ignore_index=True)
    assert len(rows) > 1000 and rows["treaty"].str.startswith("book:").any()
    new = pledge_features(rows, system)
    _assert_same(new, _reference.pledge_features(rows, system))
    assert new["institutionalisation"].max() == 2.0


def test_institutionalisation_of_phases_by_hand(store_home: Path) -> None:
    """The phase in force, the first phase before an alliance began, the next alliance when
    the first has no value, and the treaty's own provisions last (worked by hand from the
    atop_phases table)."""
    from foedus.data.store import connect
    from foedus.reliability.performance import institutionalisation

    with connect() as con:
        phases = con.execute("select * from atop_phases").df()
        inst = institutionalisation(phases).merge(phases[["atopidphase", "start_date"]],
                                                  on="atopidphase")
        many = inst.groupby("atopid").filter(lambda g: g["milinst"].nunique() > 1)
        a = int(many["atopid"].iloc[0])
        g = many[many["atopid"] == a].sort_values("start_date")
        starts = [pd.Timestamp(s).date() for s in g["start_date"]]
        before = starts[0] - dt.timedelta(days=1)
        got = features_module._milinst(
            con, [(a,), (a,), (a,), (999_999, a), (999_999,), (999_999,), ()],
            [starts[1], starts[1] - dt.timedelta(days=1), before, starts[-1], before,
             before, before], [None, None, None, None, True, None, False])
    m = list(g["milinst"])
    expected = [m[1], m[0], m[0], m[-1], 2.0, 0.0, 0.0]
    expected = [0.0 if np.isnan(v) else v for v in expected]
    assert list(got) == expected
