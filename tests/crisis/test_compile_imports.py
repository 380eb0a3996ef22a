"""The crisis compile's path without pandas (issue 17): a cold compile in a new process
imports no pandas, and the readers it uses instead give pandas' numbers."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[2]

_COMPILE = """
import sys
from foedus.crisis.compile import compile_scenario
from foedus.crisis.scenario import load_scenario

scenario, attacks = load_scenario(sys.argv[1])
compiled = compile_scenario(scenario, attacks)
print(len(compiled.edge_holder), len(compiled.pledges))
print(sorted(m for m in sys.modules if m == "pandas" or m.startswith("pandas.")))
"""


def test_a_cold_compile_imports_no_pandas(cli_env: dict[str, str]) -> None:
    """Russia attacks Estonia, 2024, compiled in a new process with the compile cache off:
    every pledge scored, and pandas never imported."""
    env = {**os.environ, **cli_env, "FOEDUS_COMPILE_CACHE": "0",
           "PYTHONDONTWRITEBYTECODE": "1"}
    done = subprocess.run([sys.executable, "-c", _COMPILE,
                           str(ROOT / "scenarios" / "baltic-estonia-2024.toml")],
                          env=env, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr
    counts, modules = done.stdout.strip().splitlines()[-2:]
    assert int(counts.split()[0]) > 0 and int(counts.split()[1]) > 0
    assert modules == "[]", modules


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 6), st.integers(1990, 2000)), min_size=0,
                max_size=30, unique=True),
       st.lists(st.tuples(st.integers(0, 7), st.integers(1985, 2010)), min_size=1,
                max_size=20))
def test_latest_on_record_is_merge_asof_backward(table, asked) -> None:
    """``latest_on_record`` finds the row ``pandas.merge_asof(by="ccode",
    direction="backward")`` finds (the last year on record at or before each)."""
    from foedus.reliability.performance import latest_on_record

    right = pd.DataFrame(table, columns=["ccode", "vyear"], dtype="int64")
    right["row"] = np.arange(len(right))
    left = pd.DataFrame(asked, columns=["ccode", "year"], dtype="int64")
    left["_i"] = np.arange(len(left))
    want = pd.merge_asof(left.sort_values("year"), right.sort_values("vyear"),
                         left_on="year", right_on="vyear", by="ccode",
                         direction="backward").sort_values("_i")["row"]
    got = latest_on_record(right["ccode"], right["vyear"], left["ccode"], left["year"])
    assert got.tolist() == want.fillna(-1).astype(int).tolist()


def test_capitals_on_is_capitals_by_year(store_home: Path) -> None:
    """The pandas-free capitals are :func:`capitals_by_year`'s, for years inside the
    prebuilt table, past its end and before its start."""
    from foedus.data.queries import capitals_by_year, capitals_on

    rng = np.random.default_rng(3)
    codes = rng.choice([2, 20, 200, 220, 255, 300, 365, 366, 640, 710, 740, 999], 300)
    for years in (rng.integers(1816, 2030, 300), rng.integers(1700, 1900, 300)):
        frame = capitals_by_year(pd.DataFrame({"ccode": codes, "year": years}))
        want = {(int(c), int(y)): (la, lo) for c, y, la, lo in zip(
            frame["ccode"], frame["year"], frame["lat"], frame["lon"], strict=True)}
        assert capitals_on(codes, years) == want
        assert want


def _capabilities_by_pandas(codes, year, scale):
    """The capability shares and personnel as ``crisis.means`` computed them with pandas
    before issue 17 (the CINC measure)."""
    from foedus.crisis.means import _cinc_scaled
    from foedus.data.store import connect

    with connect() as con:
        table = con.execute("SELECT ccode, year, cinc, milper FROM capabilities "
                            "WHERE nmc_version = '7.0'").df()
        nmc = table[(table["year"] <= year) & table["ccode"].isin(codes)]
        last = nmc.dropna(subset=["cinc"]).sort_values("year").groupby("ccode").last()
        for y in last["year"].unique() if scale else ():
            frame = _cinc_scaled(con, int(y), scale).set_index("ccode")["cinc"]
            at = last.index[last["year"] == y]
            last.loc[at, "cinc"] = frame.reindex(at).to_numpy()
    milper = nmc.dropna(subset=["milper"]).sort_values("year").groupby("ccode").last()
    return last["cinc"].to_dict(), milper["milper"].to_dict()


@pytest.mark.parametrize(("year", "scale"), [(2024, {}), (1914, {}), (1939, {}),
                                             (2024, {365: 1.5, 2: 0.5})])
def test_capabilities_are_the_pandas_rule(store_home: Path, year, scale) -> None:
    """:func:`foedus.crisis.means.capabilities` (CINC) gives the shares and personnel of
    the pandas computation: the latest year on record, carried forward, scaled."""
    from foedus.crisis.means import capabilities

    codes = [2, 200, 220, 255, 365, 366, 367, 368, 640, 710, 999]
    share, milper, flags = capabilities(codes, year, "cinc", scale)
    want_share, want_milper = _capabilities_by_pandas(codes, year, scale)
    assert share == want_share and milper == want_milper
    assert list(share) == sorted(share)
    assert any(f.startswith("capability_missing") for f in flags)  # 999 is no state


def test_fetch_arrays_gives_plain_arrays_and_refuses_a_null(store_home: Path) -> None:
    """``fetch_arrays``: a query's columns as numpy arrays equal to DuckDB's own; a null
    (which DuckDB returns masked) is an error, NaN given in the query is a value."""
    from foedus.data.store import connect, fetch_arrays
    from foedus.errors import StoreError

    sql = ("select ccode, year, coalesce(milper, 'NaN'::DOUBLE) as milper from capabilities "
           "where nmc_version = '7.0' order by ccode, year")
    with connect() as con:
        got = fetch_arrays(con, sql)
        want = con.execute(sql).df()
        with pytest.raises(StoreError, match="null"):
            fetch_arrays(con, "select milper from capabilities")
    assert list(got) == ["ccode", "year", "milper"]
    assert all(type(v) is np.ndarray for v in got.values())
    for name in got:
        assert np.array_equal(got[name], want[name].to_numpy(), equal_nan=True)
    assert np.isnan(got["milper"]).any()
