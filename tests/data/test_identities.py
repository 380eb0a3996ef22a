"""State identities: COW <-> ISO-3 table, resolution by date, and source matching.

Real data from the mirror (FOEDUS_DATA_MIRROR); known answers from DESIGN §3 and the brief.
"""

from __future__ import annotations

import datetime as dt
from functools import cache

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from foedus.data import identities_tables as tables
from foedus.data.identities import (
    State,
    cow_iso3_table,
    match_iso3,
    match_names,
    resolve_state,
)
from foedus.data.readers import read_raw
from foedus.errors import UnknownStateError

WDI_AGGREGATES = {
    "AFE", "AFW", "ARB", "CEB", "CSS", "EAP", "EAR", "EAS", "ECA", "ECS", "EMU", "EUU", "FCS",
    "HIC", "HPC", "IBD", "IBT", "IDA", "IDB", "IDX", "LAC", "LCN", "LDC", "LIC", "LMC", "LMY",
    "LTE", "MEA", "MIC", "MNA", "NAC", "OED", "OSS", "PRE", "PSS", "PST", "SAS", "SSA", "SSF",
    "SST", "TEA", "TEC", "TLA", "TMN", "TSA", "TSS", "UMC", "WLD",
}
WDI_NOT_STATES = {
    "ABW", "ASM", "BMU", "CHI", "CUW", "CYM", "FRO", "GRL", "GUM", "HKG", "IMN", "MAC", "MAF",
    "MNP", "NCL", "PRI", "PSE", "PYF", "SXM", "TCA", "VIR",
}
WDI_UNMATCHED = (
    {(c, "aggregate") for c in WDI_AGGREGATES}
    | {(c, "not a COW state") for c in WDI_NOT_STATES}
    | {("RUS", "part of a COW state")}  # Russian SFSR 1988-1991, not the USSR
)
MADDISON_UNMATCHED = {
    ("CSK", "state dissolved"),         # 'Czechoslovakia' aggregate 1993-2018
    ("SUN", "state dissolved"),         # 'Former USSR' aggregate 1992-2018
    ("YUG", "superseded"),              # 'Former Yugoslavia' 1992-2018: SRB wins
    ("RUS", "part of a COW state"),     # 1950-1991: SUN wins
    ("SRB", "part of a COW state"),     # 1950-1991: YUG wins
    ("DEU", "no state at date"),        # 1945-1948, occupied Germany
    ("DEU", "territory differs"),       # before 1871: not Prussia
    ("ITA", "territory differs"),       # before 1861: not Sardinia-Piedmont
    ("HKG", "not a COW state"),
    ("PRI", "not a COW state"),
    ("PSE", "not a COW state"),
}
SIPRI_UNMATCHED = {("European Union", "aggregate")}
NO_ISO = {240, 245, 265, 267, 269, 271, 273, 275, 280, 300, 315, 327, 329, 332, 335, 337, 347,
          511, 680, 730, 817}


@cache
def _spells() -> dict[int, list[tuple[dt.date, dt.date]]]:
    """Membership spells straight from states2016 (an independent reading)."""
    out: dict[int, list[tuple[dt.date, dt.date]]] = {}
    for r in read_raw("cow_states").itertuples(index=False):
        end = dt.date(r.endyear, r.endmonth, r.endday)
        out.setdefault(r.ccode, []).append((
            dt.date(r.styear, r.stmonth, r.stday),
            dt.date.max if end == dt.date(2016, 12, 31) else end))
    return out


def _member(ccode: int, day: dt.date) -> bool:
    return any(a <= day <= b for a, b in _spells()[ccode])


def _pairs(report: pd.DataFrame) -> set[tuple[str, str]]:
    return set(zip(report["source_name"], report["reason"], strict=True))


# --- the COW -> ISO-3 table -------------------------------------------------------------

def test_table_has_one_row_per_cow_state():
    table = cow_iso3_table()
    assert list(table.columns) == ["ccode", "abb", "name", "iso3"]
    assert table["ccode"].dtype == "int64"
    assert table["ccode"].is_unique
    assert set(table["ccode"]) == set(read_raw("cow_states")["ccode"])
    assert len(table) == 217


@pytest.mark.parametrize(("ccode", "iso3"), [
    (2, "USA"), (365, "RUS"), (255, "DEU"), (260, "DEU"), (345, "SRB"), (316, "CZE"),
    (640, "TUR"), (678, "YEM"), (679, "YEM"), (732, "KOR"), (816, "VNM"), (900, "AUS"),
    (305, "AUT"), (713, "TWN"), (572, "SWZ"), (860, "TLS"),
])
def test_known_iso3(ccode: int, iso3: str):
    table = cow_iso3_table().set_index("ccode")
    assert table.loc[ccode, "iso3"] == iso3


def test_states_without_iso_code():
    table = cow_iso3_table()
    assert set(table.loc[table["iso3"].isna(), "ccode"]) == NO_ISO


def test_iso3_values_are_real_and_shared_only_by_germany_and_yemen():
    iso = cow_iso3_table()["iso3"].dropna()
    assert set(iso) <= tables.coco_iso3_codes()
    shared = iso.value_counts()
    assert set(shared[shared > 1].index) == {"DEU", "YEM"}


def test_every_coco_miss_is_an_authored_exception():
    states = read_raw("cow_states").drop_duplicates("ccode")
    found = tables.coco_iso3(states["statenme"])
    missed = {c for c, n in zip(states["ccode"], states["statenme"], strict=True)
              if found[n] is None}
    assert missed <= set(tables.cow_iso3_exceptions())


@pytest.mark.parametrize("name", [
    "identity_cow_iso3_exceptions", "identity_iso3_spells", "identity_name_exceptions",
    "identity_nonstate_codes", "identity_series_rules",
])
def test_authored_tables_say_why(name: str):
    frame = tables.table(name)
    assert len(frame) > 0
    assert (frame["source"] != "").all() and (frame["note"] != "").all()


# --- resolve_state ----------------------------------------------------------------------

@pytest.mark.parametrize(("identifier", "on", "ccode"), [
    (365, None, 365), ("365", None, 365), (300, None, 300),
    ("AUS", None, 900), ("cow:AUS", None, 305), ("cow:aus", 1930, 305),
    ("DEU", dt.date(1980, 1, 1), 260), ("DEU", 1995, 255), ("DEU", 1900, 255),
    ("DEU", dt.date(1990, 10, 2), 260), ("DEU", dt.date(1990, 10, 3), 255), ("DEU", None, 255),
    ("YEM", 1985, 678), ("YEM", 1995, 679), ("YEM", dt.date(1990, 5, 22), 679),
    ("YEM", None, 679), ("VNM", 1970, 816), ("RUS", 1900, 365), ("RUS", 2024, 365),
    ("Germany", 1980, 260), ("Germany", 1930, 255), ("Germany", 2000, 255),
    ("Russia", 1985, 365), ("Russia", 2020, 365), ("USSR", 1980, 365),
    ("Soviet Union", None, 365), ("XKX", 2010, 347), ("Kosovo", 2010, 347),
    ("Korea", 1890, 730), ("Korea", 2000, 732), ("East Germany", 1970, 265),
    ("Czechoslovakia", 1970, 315), ("Czechia", 2000, 316), ("Yugoslavia", 1970, 345),
    ("Serbia", 2010, 345), ("Türkiye", 2020, 640), ("UAE", 2000, 696),
    ("SUN", 1985, 365), ("CSK", 1985, 315), ("YUG", 1999, 345),
])
def test_resolve_state(identifier, on, ccode):
    assert resolve_state(identifier, on).cow == ccode


@pytest.mark.parametrize(("identifier", "on"), [
    ("Narnia", None), ("DEU", 1950), ("Estonia", 1960), (9999, None), ("WLD", None),
    ("ABW", 2000), ("SUN", 2000), ("cow:XXX", None), ("European Union", 2020),
])
def test_resolve_state_refuses_with_one_line(identifier, on):
    with pytest.raises(UnknownStateError) as err:
        resolve_state(identifier, on)
    message = str(err.value)
    assert "\n" not in message
    assert str(identifier) in message


def test_refusal_names_date_and_candidates():
    with pytest.raises(UnknownStateError, match=r"1950-07-01.*260 GFR"):
        resolve_state("DEU", 1950)
    with pytest.raises(UnknownStateError, match=r"1960-07-01.*366 EST"):
        resolve_state("Estonia", 1960)


def test_state_json_and_key():
    germany = resolve_state(260)
    assert germany.to_json() == {"cow": 260, "iso3": "DEU", "abb": "GFR",
                                 "name": "German Federal Republic"}
    assert germany.key == "DEU"
    assert resolve_state(300).key == "cow:AUH"
    assert isinstance(resolve_state(2), State)


def _mid_spells():
    for ccode, spells in _spells().items():
        for a, b in spells:
            b = min(b, dt.date(2016, 12, 31))
            yield ccode, a + (b - a) / 2


def test_every_cow_name_and_key_resolves_inside_its_spells():
    table = cow_iso3_table().set_index("ccode")
    for ccode, mid in _mid_spells():
        state = resolve_state(ccode)
        assert resolve_state(state.key, mid).cow == ccode, (state.key, mid)
        assert resolve_state(table.loc[ccode, "name"], mid).cow == ccode, (ccode, mid)


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=dt.date(1816, 1, 1), max_value=dt.date(2016, 12, 31)))
def test_an_iso3_code_is_one_state_at_any_date(day: dt.date):
    table = cow_iso3_table().dropna(subset=["iso3"])
    for iso3, part in table.groupby("iso3"):
        live = [c for c in part["ccode"] if _member(c, day)]
        assert len(live) <= 1, (iso3, day, live)
        if live:
            assert resolve_state(str(iso3), day).cow == live[0]
    for code, windows in tables.window_spells().items():
        assert len({w.ccode for w in windows if w.covers(day)}) <= 1, (code, day)


# --- matching sources -------------------------------------------------------------------

def test_sipri():
    sipri = read_raw("sipri_milex")
    ccode, report = match_names("sipri_milex", sipri["country"], sipri["year"])
    assert _pairs(report) == SIPRI_UNMATCHED
    assert ccode.index.equals(sipri.index) and str(ccode.dtype) == "Int64"
    assert ccode.notna().sum() + report["rows"].sum() == len(sipri)
    got = pd.DataFrame({"country": sipri["country"], "year": sipri["year"], "cow": ccode})
    expect = {("USSR", 1987): 365, ("Russia", 2000): 365, ("Serbia", 2010): 345,
              ("Serbia", 1996): 345, ("German Democratic Republic", 1980): 265,
              ("Germany", 1985): 260, ("Germany", 2000): 255, ("Yemen, North", 1988): 678,
              ("Yemen", 1995): 679, ("Czechoslovakia", 1980): 315, ("Czechia", 2000): 316,
              ("Türkiye", 2000): 640, ("Kosovo", 2010): 347, ("Viet Nam", 2010): 816,
              ("South Sudan", 2008): 626}
    for (name, year), cow in expect.items():
        row = got[(got["country"] == name) & (got["year"] == year)]
        assert row["cow"].tolist() == [cow], (name, year)


def test_names_by_year():
    names = pd.Series(["USSR", "Russia", "Germany", "Germany", "Ukraine", "Montenegro"])
    years = pd.Series([1985, 2000, 1980, 1880, 1990, 2010])
    ccode, report = match_names("sipri_milex", names, years)
    assert ccode.tolist() == [365, 365, 260, 255, 369, 341]
    assert report.empty


def test_wdi():
    wdi = read_raw("wdi_gdp")
    ccode, report = match_iso3("wdi_gdp", wdi["iso3c"], wdi["year"], wdi["country_name"])
    assert _pairs(report) == WDI_UNMATCHED
    assert ccode[wdi["iso3c"].isin(WDI_AGGREGATES)].isna().all()
    assert ccode[wdi["iso3c"].isin(WDI_NOT_STATES)].isna().all()
    got = pd.DataFrame({"code": wdi["iso3c"], "year": wdi["year"], "cow": ccode})
    for (code, year), cow in {("DEU", 1985): 260, ("DEU", 1995): 255, ("XKX", 2010): 347,
                              ("RUS", 2000): 365, ("YEM", 1995): 679, ("SRB", 2010): 345,
                              ("KOR", 2000): 732}.items():
        row = got[(got["code"] == code) & (got["year"] == year)]
        assert row["cow"].tolist() == [cow], (code, year)
    rus = report.set_index("source_name").loc["RUS"]
    assert (rus["first_year"], rus["last_year"], rus["rows"]) == (1988, 1991, 4)


def test_maddison_one_series_per_state_year():
    mpd = read_raw("maddison")
    ccode, report = match_iso3("maddison", mpd["countrycode"], mpd["year"], mpd["country"])
    assert _pairs(report) == MADDISON_UNMATCHED
    got = pd.DataFrame({"code": mpd["countrycode"], "year": mpd["year"], "cow": ccode})
    per = got.dropna().groupby(["cow", "year"])["code"].nunique()
    assert (per == 1).all()
    for (code, year), cow in {("SUN", 1985): 365, ("SUN", 1991): 365, ("RUS", 1992): 365,
                              ("CSK", 1992): 315, ("CZE", 1995): 316, ("YUG", 1991): 345,
                              ("SRB", 1992): 345, ("DEU", 1980): 260, ("DEU", 1900): 255,
                              ("YEM", 1985): 678}.items():
        row = got[(got["code"] == code) & (got["year"] == year)]
        assert row["cow"].tolist() == [cow], (code, year)
    for code, year in [("RUS", 1991), ("SUN", 1992), ("CSK", 1993), ("YUG", 1992)]:
        row = got[(got["code"] == code) & (got["year"] == year)]
        assert row["cow"].isna().all(), (code, year)


def test_nato_all_matched():
    nato = read_raw("nato_milex")
    ccode, report = match_iso3("nato_milex", nato["country_stanag"], nato["year"])
    assert report.empty
    assert ccode.notna().all()
    assert ccode[nato["country_stanag"] == "DEU"].eq(255).all()


def test_unknown_code_falls_back_to_the_rows_name():
    # UNGA codes both Yemens 'YAR'; each row's name decides.
    codes = pd.Series(["YAR", "YAR", "QQQ"])
    names = pd.Series(["Yemen Arab Republic", "Yemen People's Republic", "Nowhere"])
    ccode, report = match_iso3("test", codes, pd.Series([1980, 1980, 1980]), names)
    assert ccode.tolist()[:2] == [678, 680]
    assert _pairs(report) == {("QQQ", "unknown code")}


def test_two_sources_for_one_state_year_are_refused():
    codes = pd.Series(["YUG", "SRB", "SRB"], index=[10, 11, 12])
    ccode, report = match_iso3("test", codes, pd.Series([2000, 2000, 2010]))
    assert ccode.index.tolist() == [10, 11, 12]
    assert ccode.isna().tolist() == [True, True, False]
    assert set(report["reason"]) == {"conflict"}


def test_missing_values_are_reported():
    ccode, report = match_names("test", pd.Series(["France", None, "France"]),
                                pd.Series([2000, 2000, None]))
    assert ccode.tolist()[0] == 220 and ccode.iloc[1:].isna().all()
    assert set(report["reason"]) == {"missing identifier", "missing year"}
