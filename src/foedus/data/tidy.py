"""The store's tables, each built from one or more registered files.

Every builder takes the raw frames (as published, verified) of the datasets it declares and
returns one tidy table: snake_case columns, sentinels as nulls, dates as dates, COW codes as
the state key. ATOP's own tables are kept as published, with parsed dates added. The
registry name of each source is recorded beside the table in :data:`TABLES`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources

import pandas as pd

from foedus.data import identities, polity, simplify
from foedus.data.readers import (
    as_nullable_int,
    dates_from_parts,
    finite,
    null_sentinels,
    read_topology,
)
from foedus.errors import DataFormatError

__all__ = ["TABLES", "Table", "build_table"]

Raw = dict[str, pd.DataFrame]


@dataclass(frozen=True)
class Table:
    """A store table: its name, the datasets it reads, what it holds and how it is built."""

    name: str
    sources: tuple[str, ...]
    description: str
    build: Callable[[Raw], pd.DataFrame | tuple[pd.DataFrame, pd.DataFrame]]


def _authored(name: str) -> pd.DataFrame:
    path = resources.files("foedus.data").joinpath("tables", name)
    with path.open("r", encoding="utf-8") as handle:
        return pd.read_csv(handle)


def _iso_date(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values, errors="coerce").dt.date


# --- states -------------------------------------------------------------------------------

def _states(raw: Raw) -> pd.DataFrame:
    spells = raw["cow_states"]
    iso = identities.cow_iso3_table()[["ccode", "iso3"]]
    first = spells.groupby("ccode", as_index=False).agg(
        abb=("stateabb", "first"), name=("statenme", "first"),
        first_year=("styear", "min"), last_year=("endyear", "max"))
    return first.merge(iso, on="ccode", how="left")[
        ["ccode", "abb", "name", "iso3", "first_year", "last_year"]]


def _state_spells(raw: Raw) -> pd.DataFrame:
    s = raw["cow_states"]
    return pd.DataFrame({
        "ccode": s["ccode"], "abb": s["stateabb"], "name": s["statenme"],
        "start_date": dates_from_parts(s["styear"], s["stmonth"], s["stday"]),
        "end_date": dates_from_parts(s["endyear"], s["endmonth"], s["endday"]),
    })


def _system(raw: Raw) -> pd.DataFrame:
    s = raw["cow_system"]
    return pd.DataFrame({"ccode": s["ccode"], "abb": s["stateabb"], "year": s["year"]})


def _majors(raw: Raw) -> pd.DataFrame:
    m = raw["cow_majors"]
    return pd.DataFrame({
        "ccode": m["ccode"], "abb": m["stateabb"],
        "start_date": dates_from_parts(m["styear"], m["stmonth"], m["stday"]),
        "end_date": dates_from_parts(m["endyear"], m["endmonth"], m["endday"]),
    })


# --- ATOP, as published plus parsed dates ---------------------------------------------------

def _with_dates(frame: pd.DataFrame, prefix_in: tuple[str, str, str],
                prefix_out: str, zero_means_open: bool) -> pd.DataFrame:
    y, m, d = (frame[c] for c in prefix_in)
    out = frame.copy()
    year = y.where(~(zero_means_open & (y == 0)))
    out[f"{prefix_out}_date"] = dates_from_parts(year, m, d)
    out[f"{prefix_out}_day_known"] = d.notna() & (d > 0)
    return out


def _atop_members(raw: Raw) -> pd.DataFrame:
    out = _with_dates(raw["atop_members"], ("yrent", "moent", "dayent"), "entry", False)
    return _with_dates(out, ("yrexit", "moexit", "dayexit"), "exit", True)


def _atop_alliances(raw: Raw) -> pd.DataFrame:
    out = _with_dates(raw["atop_alliances"], ("begyr", "begmo", "begday"), "start", False)
    return _with_dates(out, ("endyr", "endmo", "endday"), "end", True)


def _atop_phases(raw: Raw) -> pd.DataFrame:
    out = _with_dates(raw["atop_phases"], ("begyr", "begmo", "begday"), "start", False)
    return _with_dates(out, ("endyr", "endmo", "endday"), "end", True)


def _atop_institutions(raw: Raw) -> pd.DataFrame:
    out = raw["atop_institutions"].copy()
    out["version"] = out["version"].map(lambda v: f"{float(v):.1f}")  # 5.0999999 -> "5.1"
    return out


# --- capabilities -------------------------------------------------------------------------

_NMC = ["milex", "milper", "irst", "pec", "tpop", "upop"]


def _capabilities(raw: Raw) -> pd.DataFrame:
    v6 = null_sentinels(raw["nmc_6"], _NMC, (-9,))
    v7 = raw["nmc_7"]
    frames = []
    for version, frame in (("6.0", v6), ("7.0", v7)):
        part = pd.DataFrame({"nmc_version": version, "ccode": frame["ccode"],
                             "year": frame["year"]})
        for col in _NMC:
            part[col] = finite(frame[col])
        part["cinc"] = finite(frame["cinc"])
        frames.append(part)
    return pd.concat(frames, ignore_index=True)


# --- geography ----------------------------------------------------------------------------

def _capitals(raw: Raw) -> pd.DataFrame:
    c = raw["capitals"]
    out = pd.DataFrame({
        "ccode": c["ccode"], "capital": c["capital"],
        "start_date": _iso_date(c["stdate"]), "end_date": _iso_date(c["enddate"]),
        "lat": c["lat"].astype(float), "lon": c["lng"].astype(float),
        "corrected": False, "correction_source": pd.Series([None] * len(c), dtype=object),
    })
    fixes = _authored("capital_corrections.csv")
    for fix in fixes.itertuples(index=False):
        hit = (out["ccode"] == fix.ccode) & (c["stdate"] == fix.stdate)
        column = "lon" if fix.field == "lng" else fix.field
        if hit.sum() != 1 or abs(out.loc[hit, column].iloc[0] - fix.published) > 1e-6:
            raise DataFormatError(f"capitals: the correction of {fix.capital} ({fix.field}) "
                                  "no longer matches the published value; review "
                                  "data/tables/capital_corrections.csv.")
        out.loc[hit, column] = fix.corrected
        out.loc[hit, "corrected"] = True
        out.loc[hit, "correction_source"] = fix.source
    return out


def _capdist(raw: Raw) -> pd.DataFrame:
    c = raw["capdist"]
    return pd.DataFrame({"gw1": c["numa"], "abb1": c["ida"], "gw2": c["numb"],
                         "abb2": c["idb"], "km": c["kmdist"], "miles": c["midist"]})


def _contiguity(raw: Raw) -> pd.DataFrame:
    c = raw["contiguity"]
    return pd.DataFrame({"ccode1": c["ccode1"], "ccode2": c["ccode2"],
                         "conttype": c["conttype"], "start_date": _iso_date(c["stdate"]),
                         "end_date": _iso_date(c["enddate"])})


# --- conflict -----------------------------------------------------------------------------

def _wars(raw: Raw) -> pd.DataFrame:
    w = null_sentinels(raw["cow_wars"], None, (-8, -9))
    out = pd.DataFrame({
        "warnum": w["WarNum"], "war_name": w["WarName"], "war_type": w["WarType"],
        "ccode": w["ccode"], "state_name": w["StateName"], "side": w["Side"],
        "start_date1": dates_from_parts(w["StartYear1"], w["StartMonth1"], w["StartDay1"]),
        "end_date1": dates_from_parts(w["EndYear1"], w["EndMonth1"], w["EndDay1"]),
        "start_date2": dates_from_parts(w["StartYear2"], w["StartMonth2"], w["StartDay2"]),
        "end_date2": dates_from_parts(w["EndYear2"], w["EndMonth2"], w["EndDay2"]),
        "trans_from": w["TransFrom"].astype(str).where(  # text: may list several wars
            ~w["TransFrom"].astype(str).isin(["-8", "-9"]), None),
        "where_fought": w["WhereFought"],
        "initiator": w["Initiator"] == 1, "outcome": w["Outcome"], "trans_to": w["TransTo"],
        "bat_death": as_nullable_int(w["BatDeath"]),
    })
    return out


def _war_dyad_years(raw: Raw) -> pd.DataFrame:
    return raw["cow_war_dyads"].copy()


def _dyadic_war(raw: Raw) -> pd.DataFrame:
    d = raw["dyadic_war"]
    out = d.copy()
    out["start_date"] = dates_from_parts(d["warstrtyr"], d["warstrtmnth"], d["warstrtday"])
    out["end_date"] = dates_from_parts(d["warendyr"].where(d["warendyr"] < 2100),
                                       d["warendmnth"], d["warenday"])
    return out


def _mids_cow(raw: Raw) -> pd.DataFrame:
    m = null_sentinels(raw["midb"], None, (-9,))
    out = m.copy()
    out["start_date"] = dates_from_parts(m["styear"], m["stmon"], m["stday"])
    out["end_date"] = dates_from_parts(m["endyear"], m["endmon"], m["endday"])
    out["version"] = raw["midb"]["version"].map(lambda v: f"{float(v):.1f}")
    return out


def _mids_gml(raw: Raw) -> pd.DataFrame:
    m = null_sentinels(raw["gml_mid"], ["stday", "endday", "stmon", "endmon"], (-9,))
    out = m.copy()
    out["start_date"] = dates_from_parts(m["styear"], m["stmon"], m["stday"])
    out["end_date"] = dates_from_parts(m["endyear"], m["endmon"], m["endday"])
    return out


# --- money, people, preferences -----------------------------------------------------------

def _with_report(frame: pd.DataFrame, ccode: pd.Series, report: pd.DataFrame,
                 ) -> tuple[pd.DataFrame, pd.DataFrame]:
    out = frame.copy()
    out.insert(0, "ccode", ccode.astype("Int64").to_numpy())
    return out[out["ccode"].notna()].reset_index(drop=True), report


def _spending_sipri(raw: Raw) -> tuple[pd.DataFrame, pd.DataFrame]:
    s = raw["sipri_milex"]
    ccode, report = identities.match_names("sipri_milex", s["country"], s["year"])
    frame = pd.DataFrame({
        "sipri_name": s["country"], "year": s["year"],
        "milex_constant2023_usd_m": finite(s["milex_constant2023_usd_m"]),
        "milex_current_usd_m": finite(s["milex_current_usd_m"]),
        "milex_share_gdp_pct": finite(s["milex_share_gdp_pct"]),
    })
    return _with_report(frame, ccode, report)


_NATO_COLUMNS = {
    "Defense expenditure (USD, current prices)": "milex_current_usd",
    "Defense expenditure (USD, 2015 prices)": "milex_constant2015_usd",
    "Defense expenditure (% real GDP)": "milex_share_gdp_pct",
    "Defense expenditure annual real change (% GDP)": "milex_real_change_pct",
    "Real GDP (2015 prices)": "gdp_constant2015_usd",
    "GDP per capita (USD)": "gdp_per_capita_usd",
    "Defence expenditure per capita (USD)": "milex_per_capita_usd",
    "Military personnel": "military_personnel",
    "Equipment expenditure (%)": "equipment_share_pct",
    "Personnel expenditure (%)": "personnel_share_pct",
    "Infrastructure expenditure (%)": "infrastructure_share_pct",
    "Other expenditure (%)": "other_share_pct",
}


def _spending_nato(raw: Raw) -> tuple[pd.DataFrame, pd.DataFrame]:
    n = raw["nato_milex"]
    ccode, report = identities.match_iso3("nato_milex", n["country_stanag"], n["year"])
    frame = pd.DataFrame({"iso3": n["country_stanag"], "year": n["year"]})
    for source, column in _NATO_COLUMNS.items():
        frame[column] = finite(n[source])
    frame["estimate"] = n["year"] >= 2018  # NATO marks 2018 and 2019 as estimates
    return _with_report(frame, ccode, report)


def _gdp_wdi(raw: Raw) -> tuple[pd.DataFrame, pd.DataFrame]:
    w = raw["wdi_gdp"]
    ccode, report = identities.match_iso3("wdi_gdp", w["iso3c"], w["year"], w["country_name"])
    frame = pd.DataFrame({"iso3": w["iso3c"], "wdi_name": w["country_name"],
                          "year": w["year"], "gdp_current_usd": finite(w["value"])})
    return _with_report(frame, ccode, report)


def _gdp_maddison(raw: Raw) -> tuple[pd.DataFrame, pd.DataFrame]:
    m = raw["maddison"]
    ccode, report = identities.match_iso3("maddison", m["countrycode"], m["year"],
                                          m["country"])
    frame = pd.DataFrame({"maddison_code": m["countrycode"], "maddison_name": m["country"],
                          "year": m["year"], "gdppc_2011ppp": finite(m["gdppc"]),
                          "pop_thousands": finite(m["pop"])})
    return _with_report(frame, ccode, report)


def _ideal_points(raw: Raw) -> pd.DataFrame:
    u = raw["unga_idealpoints"].copy()
    u = u.rename(columns={"iso3c": "source_iso3", "countryname": "source_name",
                          "nvotesLegacy": "nvoteslegacy"})
    return u


# --- regimes, crises, reference codings ---------------------------------------------------

def _polity(raw: Raw) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Polity5 as published, Polity's own code kept as ``polity_ccode`` and the COW code
    added as ``ccode`` through the explicit crosswalk (:mod:`foedus.data.polity`)."""
    frame = raw["polity5"].rename(columns={"ccode": "polity_ccode"})
    cow = set(int(c) for c in raw["cow_states"]["ccode"])
    mapped, report = polity.crosswalk(frame, cow)
    ccode = mapped.pop("ccode")
    mapped.insert(0, "ccode", ccode)
    return mapped, report


def _icb_dates(frame: pd.DataFrame, parts: tuple[str, str, str], out: str) -> pd.DataFrame:
    y, m, d = (frame[c] for c in parts)
    frame[f"{out}_date"] = dates_from_parts(y, m, d)
    frame[f"{out}_day_known"] = pd.to_numeric(d, errors="coerce").between(1, 31)
    return frame


def _icb_actors(raw: Raw) -> pd.DataFrame:
    out = raw["icb_actors"].copy()
    out = _icb_dates(out, ("yrtrig", "motrig", "datrig"), "trigger")
    return _icb_dates(out, ("yerres", "monres", "dayres"), "response")


def _icb_crises(raw: Raw) -> pd.DataFrame:
    out = raw["icb_crises"].copy()
    return _icb_dates(out, ("yrtrig", "motrig", "datrig"), "trigger")


def _cshapes(raw: Raw) -> pd.DataFrame:
    """One row per CShapes 2.0 polygon: the state, its dates and status (the shapes
    themselves stay in the topology, read with :func:`foedus.data.readers.read_topology`)."""
    c = raw["cshapes_cow"]
    return pd.DataFrame({
        "geometry_index": range(len(c)), "ccode": as_nullable_int(c["cowcode"]),
        "name": c["country_name"], "start_date": _iso_date(c["start"]),
        "end_date": _iso_date(c["end"]), "status": c["status"],
        "owner": as_nullable_int(c["owner"]), "capital": c["capname"],
        "cap_lon": finite(c["caplong"]), "cap_lat": finite(c["caplat"]),
        "border_definition": as_nullable_int(c["b_def"]), "fid": as_nullable_int(c["fid"]),
    })


TABLES: tuple[Table, ...] = (
    Table("states", ("cow_states",), "COW states: code, abbreviation, name, ISO-3", _states),
    Table("state_spells", ("cow_states",), "COW system membership spells with dates",
          _state_spells),
    Table("system_membership", ("cow_system",), "COW system membership, state-years", _system),
    Table("major_powers", ("cow_majors",), "COW major-power spells", _majors),
    Table("atop_alliances", ("atop_alliances",), "ATOP 5.1 alliances as published",
          _atop_alliances),
    Table("atop_phases", ("atop_phases",), "ATOP 5.1 alliance phases as published",
          _atop_phases),
    Table("atop_members", ("atop_members",), "ATOP 5.1 members as published, with dates",
          _atop_members),
    Table("atop_state_years", ("atop_state_years",), "ATOP 5.1 state-years as published",
          lambda raw: raw["atop_state_years"]),
    Table("atop_institutions", ("atop_institutions",),
          "ATOP 5.1 military institutionalisation", _atop_institutions),
    Table("atop_directed_dyad_years", ("atop_directed",),
          "ATOP 5.1 directed dyad-year obligations (published extract)",
          lambda raw: raw["atop_directed"]),
    Table("capabilities", ("nmc_6", "nmc_7"), "NMC 6.0 and 7.0 state-years (nmc_version)",
          _capabilities),
    Table("capitals", ("capitals",), "Capitals with dates and coordinates, corrected",
          _capitals),
    Table("capital_distances_gw", ("capdist",), "Capital distances, Gleditsch-Ward codes",
          _capdist),
    Table("contiguity", ("contiguity",), "COW direct contiguity spells (directed)",
          _contiguity),
    Table("wars", ("cow_wars",), "COW inter-state war participants v4.0", _wars),
    Table("war_dyad_years", ("cow_war_dyads",), "COW inter-state war directed dyad-years",
          _war_dyad_years),
    Table("dyadic_wars", ("dyadic_war",), "Maoz directed dyadic war data", _dyadic_war),
    Table("mid_participants", ("midb",), "COW MID 4.3 participants", _mids_cow),
    Table("gml_mid_participants", ("gml_mid",), "GML MID 2.2.1 participants", _mids_gml),
    Table("spending_sipri", ("sipri_milex",), "SIPRI military expenditure by COW state-year",
          _spending_sipri),
    Table("spending_nato", ("nato_milex",), "NATO defence expenditure 2012-2019",
          _spending_nato),
    Table("gdp_wdi", ("wdi_gdp",), "WDI GDP, current US$, by COW state-year", _gdp_wdi),
    Table("gdp_maddison", ("maddison",), "Maddison GDP per capita and population",
          _gdp_maddison),
    Table("ideal_points", ("unga_idealpoints",), "UNGA ideal points (COW codes)",
          _ideal_points),
    Table("polity", ("polity5", "cow_states"),
          "Polity5 p5v2018 with COW codes (ccode) beside Polity's own (polity_ccode)",
          _polity),
    Table("icb_crises", ("icb_crises",), "ICB v15 crises (system level), trigger dates",
          _icb_crises),
    Table("icb_actors", ("icb_actors",), "ICB v15 crisis actors, trigger and response dates",
          _icb_actors),
    Table("icb_dyads", ("icb_dyads",), "ICB v15 dyadic crisis-years (Hewitt)",
          lambda raw: raw["icb_dyads"]),
    Table("cshapes", ("cshapes_cow",), "CShapes 2.0 polygons: state, dates, status (COW)",
          _cshapes),
    # the topology itself (not the properties in ``raw``), simplified once for maps
    Table("border_arcs", ("cshapes_cow",),
          "CShapes 2.0 arcs, quantised, with Douglas-Peucker weights (foedus.data.simplify)",
          lambda raw: simplify.arc_table(read_topology(simplify.TOPOLOGY))),
    Table("border_geometries", ("cshapes_cow",),
          "CShapes 2.0 polygons as arc references (geometry_index as in cshapes)",
          lambda raw: simplify.geometry_table(read_topology(simplify.TOPOLOGY))),
    Table("bf2018", ("bf2018",), "Berkemeier & Fuhrmann 2018 alliance-war coding as published",
          lambda raw: raw["bf2018"]),
)


def build_table(table: Table, raw: Raw) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """Build one table; returns it and, for name-matched sources, the unmatched report."""
    result = table.build(raw)
    if isinstance(result, tuple):
        return result
    return result, None
