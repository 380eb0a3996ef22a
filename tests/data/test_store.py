"""The DuckDB store: contents against the files (reproduction c), provenance, status."""

from __future__ import annotations

import pandas as pd
import pytest

from foedus.data import dataset, datasets, store
from foedus.data.readers import read_raw
from foedus.errors import StoreError

from helpers import REPO


def _q(sql: str, *params):
    with store.connect() as con:
        return con.execute(sql, list(params)).fetchall()


@pytest.mark.usefixtures("store_home")
class TestCountsEqualTheFiles:
    """Reproduction (c): counts of alliances, members and state-years equal the files'."""

    def test_alliances(self) -> None:
        raw = read_raw("atop_alliances")
        assert _q("SELECT count(*), count(DISTINCT atopid) FROM atop_alliances")[0] == (
            len(raw), raw["atopid"].nunique())
        assert raw["atopid"].nunique() == 789
        assert _q("SELECT count(*) FROM atop_phases")[0][0] == dataset("atop_phases").rows

    def test_members(self) -> None:
        raw = read_raw("atop_members")
        got = _q("SELECT count(*), count(DISTINCT atopid), count(DISTINCT member) "
                 "FROM atop_members")[0]
        assert got == (2510, raw["atopid"].nunique(), raw["member"].nunique())
        assert raw["atopid"].nunique() == 789  # every alliance has members

    def test_state_years(self) -> None:
        raw = read_raw("cow_system")
        assert _q("SELECT count(*), count(DISTINCT ccode), min(year), max(year) "
                  "FROM system_membership")[0] == (
            15951, raw["ccode"].nunique(), 1816, 2016)
        assert _q("SELECT count(*) FROM atop_state_years")[0][0] == 11923

    def test_every_table_has_its_source_rows(self) -> None:
        for table, name in (("atop_directed_dyad_years", "atop_directed"),
                            ("capitals", "capitals"), ("capital_distances_gw", "capdist"),
                            ("contiguity", "contiguity"), ("wars", "cow_wars"),
                            ("war_dyad_years", "cow_war_dyads"), ("dyadic_wars", "dyadic_war"),
                            ("mid_participants", "midb"), ("gml_mid_participants", "gml_mid"),
                            ("ideal_points", "unga_idealpoints"),
                            ("state_spells", "cow_states"), ("major_powers", "cow_majors")):
            assert _q(f'SELECT count(*) FROM "{table}"')[0][0] == dataset(name).rows, table
        assert _q("SELECT nmc_version, count(*) FROM capabilities GROUP BY 1 ORDER BY 1") == [
            ("6.0", 15951), ("7.0", 17121)]


@pytest.mark.usefixtures("store_home")
class TestTraps:
    def test_no_sentinel_reaches_a_value(self) -> None:
        assert _q("SELECT count(*) FROM capabilities WHERE least(milex, milper, irst, pec, "
                  "tpop, upop) < 0")[0][0] == 0
        assert _q("SELECT count(*) FROM wars WHERE bat_death < 0 OR trans_to < 0 "
                  "OR trans_from IN ('-8', '-9')")[0][0] == 0
        assert _q("SELECT trans_from FROM wars WHERE trans_from LIKE '%,%' LIMIT 1"
                  ) == [("404, 410",)]  # several wars transformed into this one
        assert _q("SELECT count(*) FROM mid_participants WHERE stday < 0 OR fatality < 0 "
                  "OR dispnum4 < 0")[0][0] == 0
        assert _q("SELECT count(*) FROM gml_mid_participants WHERE stday < 0")[0][0] == 0
        # -9 in NMC 6.0 became null: USA 1816 has every component, others have gaps
        assert _q("SELECT count(*) FROM capabilities WHERE nmc_version='6.0' "
                  "AND milex IS NULL")[0][0] == (read_raw("nmc_6")["milex"] == -9).sum()

    def test_atop_dates_and_open_exits(self) -> None:
        rows = _q("SELECT phase, entry_date, exit_date FROM atop_members "
                  "WHERE atopid = 3180 AND member = 2 ORDER BY phase")  # NATO, United States
        assert [(p, str(a), str(b)) for p, a, b in rows] == [
            (1, "1949-04-04", "1951-06-19"), (2, "1951-06-19", "None")]
        assert _q("SELECT count(*) FROM atop_members WHERE yrexit = 0 AND exit_date IS NOT NULL"
                  )[0][0] == 0

    def test_institutions_version_is_text(self) -> None:
        assert _q("SELECT DISTINCT version FROM atop_institutions") == [("5.1",)]

    def test_brasilia_corrected_and_flagged(self) -> None:
        (lat, lon, corrected, source), = _q(
            "SELECT lat, lon, corrected, correction_source FROM capitals "
            "WHERE ccode = 140 AND capital = 'Brasilia'")
        assert (round(lat, 2), round(lon, 2), corrected) == (-15.79, -47.88, True)
        assert "IBGE" in source
        corrections = pd.read_csv(REPO / "src/foedus/data/tables/capital_corrections.csv")
        assert _q("SELECT count(*) FROM capitals WHERE corrected")[0][0] == len(
            corrections.drop_duplicates(["ccode", "stdate"])) == 9

    def test_capdist_keeps_gleditsch_ward_codes(self) -> None:
        assert _q("SELECT DISTINCT abb1 FROM capital_distances_gw WHERE gw1 = 260") == [("GFR",)]
        assert _q("SELECT count(*) FROM capital_distances_gw WHERE gw1 = 260 AND gw2 = 2"
                  )[0][0] == 1

    def test_name_matched_tables_key_on_cow(self) -> None:
        assert _q("SELECT sipri_name FROM spending_sipri WHERE ccode = 365 AND year IN (1988, 2000)"
                  " ORDER BY year") == [("USSR",), ("Russia",)]
        assert _q("SELECT count(*) FROM gdp_wdi WHERE iso3 IN ('WLD', 'EUU', 'HIC')")[0][0] == 0
        assert _q("SELECT count(*) FROM gdp_wdi WHERE ccode = 260 AND year = 1985")[0][0] == 1
        unmatched = pd.DataFrame(_q("SELECT dataset, source_name, reason FROM unmatched_names"),
                                 columns=["dataset", "source_name", "reason"])
        assert {"WLD", "EUU"} <= set(unmatched.loc[unmatched.dataset == "wdi_gdp",
                                                   "source_name"])


@pytest.mark.usefixtures("store_home")
def test_provenance_records_every_source() -> None:
    rows = dict(_q("SELECT dataset, sha256 FROM provenance"))
    expected = {d.name: d.sha256 for d in datasets() if d.name != "sr1999_table6"}
    assert rows == expected
    info = dict(_q("SELECT key, value FROM store_info"))
    assert info["built_at"] and info["foedus_version"]


def test_status_before_and_after(store_home, monkeypatch, tmp_path) -> None:
    report = store.status()
    assert report["store"]["present"] and report["store"]["tables"]["atop_members"] == 2510
    by_name = {r["name"]: r for r in report["datasets"]}
    assert by_name["atop_members"] == {**by_name["atop_members"], "found_in": "mirror",
                                       "verified": True, "in_store": True}
    monkeypatch.setenv("FOEDUS_HOME", str(tmp_path / "nothing"))
    empty = store.status()
    assert not empty["store"]["present"]
    assert not any(r["in_store"] for r in empty["datasets"])


def test_connect_without_store_says_what_to_do(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("FOEDUS_HOME", str(tmp_path))
    with pytest.raises(StoreError, match="run `foedus data build`"), store.connect():
        pass


@pytest.mark.usefixtures("store_home")
def test_a_session_shares_one_connection_and_closes_it() -> None:
    """Inside ``session()``, every ``connect()`` on the store is one read-only connection,
    left open between them and closed when the session ends; another thread, or another
    store file, opens its own; outside a session each ``connect()`` is a new one."""
    import threading

    import duckdb

    query = "SELECT count(*) FROM atop_members"
    with store.connect() as first, store.connect() as second:
        assert first is not second
    with store.session():
        with store.connect() as a:
            answer = a.execute(query).fetchone()
        with store.connect() as b, store.session(), store.connect() as c:
            assert a is b is c
            assert b.execute(query).fetchone() == answer  # still open
        seen = []

        def other_thread() -> None:
            with store.connect() as own:
                seen.append(own is not a)

        thread = threading.Thread(target=other_thread)
        thread.start()
        thread.join()
        assert seen == [True]
    with pytest.raises(duckdb.ConnectionException):
        a.execute(query)  # closed with the session
    assert answer == (2510,)


def test_a_session_without_store_says_what_to_do(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("FOEDUS_HOME", str(tmp_path))
    with pytest.raises(StoreError, match="run `foedus data build`"), store.session():
        pass
