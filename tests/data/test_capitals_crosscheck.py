"""The capitals file against Gleditsch & Ward's capdist, and the haversine distance.

After the authored corrections (``tables/capital_corrections.csv``), every COW state in
capdist has a capital spell that agrees with capdist within ``TOLERANCE_KM``, or is listed
with its reason in ``tests/fixtures/capdist_discrepancies.csv`` (cause ``b``: capdist uses
another capital or predates the move; ``c``: an error in capdist; ``d``: a code-system
mismatch). Coordinate errors in the capitals file (cause ``a``) are not listed: they are
corrected.
"""

from __future__ import annotations

import math
import re
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from foedus.data import dataset, tidy
from foedus.data.readers import read_csv_checked

from capitals_check import (
    CAPDIST_ONLY,
    CAPDIST_RADIUS_KM,
    COW_TO_CAPDIST,
    EARTH_MEAN_RADIUS_KM,
    TOLERANCE_KM,
    apply_corrections,
    capdist_code,
    capdist_matrix,
    crosscheck,
    haversine_km,
    spell_errors,
)

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "capdist_discrepancies.csv"
CAUSES = {"b", "c", "d"}


def _read(mirror: Path, name: str) -> pd.DataFrame:
    entry = dataset(name)
    return read_csv_checked(entry, mirror / entry.file)


@pytest.fixture(scope="module")
def capitals(mirror: Path) -> pd.DataFrame:
    return _read(mirror, "capitals")


@pytest.fixture(scope="module")
def capdist(mirror: Path) -> pd.DataFrame:
    return _read(mirror, "capdist")


@pytest.fixture(scope="module")
def corrections() -> pd.DataFrame:
    path = resources.files("foedus.data").joinpath("tables", "capital_corrections.csv")
    with path.open("r", encoding="utf-8") as handle:
        return pd.read_csv(handle)


@pytest.fixture(scope="module")
def checked(capitals, capdist, corrections) -> pd.DataFrame:
    return crosscheck(capitals, capdist, corrections)


@pytest.fixture(scope="module")
def listed() -> pd.DataFrame:
    return pd.read_csv(FIXTURE)


# --- the haversine distance ---------------------------------------------------------------

def test_quarter_meridian_and_quarter_equator() -> None:
    quarter = math.pi * EARTH_MEAN_RADIUS_KM / 2  # 10 007.557 km
    assert haversine_km(0.0, 0.0, 90.0, 0.0) == pytest.approx(quarter, abs=1e-9)
    assert haversine_km(0.0, 0.0, 0.0, 90.0) == pytest.approx(quarter, abs=1e-9)
    assert haversine_km(0.0, 0.0, -90.0, 123.0) == pytest.approx(quarter, abs=1e-9)
    assert haversine_km(0.0, 10.0, 0.0, -170.0) == pytest.approx(2 * quarter, abs=1e-6)
    assert haversine_km(45.0, 0.0, 45.0, 0.0) == 0.0


def test_published_city_pair_lax_jfk() -> None:
    # Williams, E. "Aviation Formulary" (V1.47), worked example: LAX 33°57'N 118°24'W to
    # JFK 40°38'N 73°47'W is d = 0.623585 radians = 2144 nm.
    lax = (33 + 57 / 60, -(118 + 24 / 60))
    jfk = (40 + 38 / 60, -(73 + 47 / 60))
    radians = haversine_km(*lax, *jfk, radius_km=1.0)
    assert radians == pytest.approx(0.623585, abs=5e-7)
    nautical_miles = haversine_km(*lax, *jfk, radius_km=180 * 60 / math.pi)
    assert round(float(nautical_miles)) == 2144
    assert haversine_km(*lax, *jfk) == pytest.approx(0.623585 * EARTH_MEAN_RADIUS_KM, abs=0.01)


def test_haversine_broadcasts() -> None:
    lat = np.array([0.0, 10.0, -20.0])
    lon = np.array([0.0, 20.0, 30.0])
    matrix = haversine_km(lat[:, None], lon[:, None], lat[None, :], lon[None, :])
    assert matrix.shape == (3, 3)
    assert np.allclose(matrix, matrix.T) and np.all(np.diag(matrix) == 0.0)
    assert matrix[0, 1] == pytest.approx(haversine_km(0.0, 0.0, 10.0, 20.0))


latitudes = st.floats(-90.0, 90.0, allow_nan=False, allow_infinity=False)
longitudes = st.floats(-180.0, 180.0, allow_nan=False, allow_infinity=False)
points = st.tuples(latitudes, longitudes)


@settings(max_examples=300, deadline=None)
@given(points, points)
def test_haversine_is_symmetric_and_bounded(p, q) -> None:
    d_pq = float(haversine_km(*p, *q))
    d_qp = float(haversine_km(*q, *p))
    assert d_pq == pytest.approx(d_qp, abs=1e-6)
    assert 0.0 <= d_pq <= math.pi * EARTH_MEAN_RADIUS_KM + 1e-9


@settings(max_examples=300, deadline=None)
@given(points)
def test_haversine_is_zero_on_the_diagonal(p) -> None:
    assert float(haversine_km(*p, *p)) == pytest.approx(0.0, abs=1e-9)


@settings(max_examples=300, deadline=None)
@given(points, points, points)
def test_haversine_triangle_inequality(p, q, r) -> None:
    d_pr = float(haversine_km(*p, *r))
    assert d_pr <= float(haversine_km(*p, *q)) + float(haversine_km(*q, *r)) + 1e-3


# --- capdist itself -----------------------------------------------------------------------

def test_capdist_radius_and_miles(capdist) -> None:
    # kmdist/midist is 6367/3970 throughout (sphere of 6367 km, i.e. 3970 mi), not the
    # statute mile's 1.609344; one midist cell is the letter "s".
    miles = pd.to_numeric(capdist["midist"], errors="coerce")
    assert capdist.loc[miles.isna(), ["ida", "idb", "midist"]].values.tolist() == [
        ["NOR", "RUS", "s"]]
    long = miles.notna() & (capdist["kmdist"] > 1000)
    ratio = float((capdist.loc[long, "kmdist"] / miles[long]).median())
    assert ratio == pytest.approx(CAPDIST_RADIUS_KM / 3970.0, abs=2e-4)


def test_capdist_matrix_is_square_symmetric_and_deduplicated(capdist) -> None:
    km = capdist_matrix(capdist)
    assert km.shape == (202, 202)
    assert np.array_equal(km.to_numpy(), km.to_numpy().T, equal_nan=True)
    assert 340 not in km.index  # Serbia is filed under 345 (SER) beside 345 YUG


# --- code systems -------------------------------------------------------------------------

def test_every_code_difference_is_documented(capitals, capdist) -> None:
    gw = set(capdist["numa"]) | set(capdist["numb"])
    targets = {capdist_code(int(c), frozenset(gw)) for c in capitals["ccode"].unique()}
    assert gw - targets == set(CAPDIST_ONLY)  # capdist codes with no COW state
    absent = {c for c, g in COW_TO_CAPDIST.items() if g is None}
    assert absent == set(capitals["ccode"]) - gw  # COW codes with no capdist row
    with pytest.raises(ValueError, match="not in capdist"):
        capdist_code(999, frozenset(gw))


def test_code_notes_match_capdist(capdist) -> None:
    pair = capdist.set_index(["ida", "idb"])["kmdist"]
    assert pair[("GMY", "GDR")] == 0 and pair[("GMY", "GFR")] == 494  # 255 Berlin, 260 Bonn
    assert pair[("SER", "YUG")] == 0 and pair[("YAR", "YEM")] == 0
    assert pair[("TRA", "SAF")] == 0 and pair[("VNM", "RVN")] == 13
    numbers = capdist.groupby("ida")["numa"].unique()
    assert list(numbers["SER"]) == [345] and list(numbers["YEM"]) == [679]
    assert not {946, 947, 955, 970} & set(capdist["numa"])


# --- corrections --------------------------------------------------------------------------

def test_corrections_are_applied_as_tidy_applies_them(capitals, capdist, corrections) -> None:
    mine = apply_corrections(capitals, corrections)
    theirs = tidy._capitals({"capitals": capitals})
    assert np.allclose(mine["lat"], theirs["lat"]) and np.allclose(mine["lng"], theirs["lon"])
    assert int(theirs["corrected"].sum()) == corrections.groupby(["ccode", "stdate"]).ngroups
    from_tidy = crosscheck(theirs, capdist, None)
    from_raw = crosscheck(capitals, capdist, corrections)
    # the tidy table has no state names; everything else must be identical
    pd.testing.assert_frame_equal(from_tidy.drop(columns="state"),
                                  from_raw.drop(columns="state"))


def test_correction_table_is_well_formed(corrections) -> None:
    assert list(corrections.columns) == ["ccode", "capital", "stdate", "field", "published",
                                         "corrected", "source"]
    assert set(corrections["field"]) <= {"lat", "lng"}
    assert not corrections.duplicated(["ccode", "stdate", "field"]).any()
    assert corrections["source"].str.len().min() > 80
    assert corrections.groupby(["ccode", "stdate"])["source"].nunique().eq(1).all()


def test_each_correction_improves_agreement_with_capdist(capitals, capdist,
                                                         corrections) -> None:
    """Judged per spell (its lat and lng rows together), every other correction applied."""
    after = spell_errors(capitals, capdist, corrections).set_index(["ccode", "stdate"])
    for (ccode, stdate), rows in corrections.groupby(["ccode", "stdate"]):
        source = rows["source"].iloc[0]
        if (ccode, stdate) not in after.index:
            assert "not checked against capdist" in source.lower(), (
                f"{ccode} {stdate}: not in capdist, and the source does not say so")
            continue
        others = corrections.drop(index=rows.index)
        before = spell_errors(capitals, capdist, others).set_index(["ccode", "stdate"])
        was = before.at[(ccode, stdate), "median_abs_error_km"]
        now = after.at[(ccode, stdate), "median_abs_error_km"]
        if now >= was:
            assert "worsens agreement with capdist" in source.lower(), (
                f"{ccode} {stdate}: the correction moves the capital away from capdist "
                f"({was:.1f} -> {now:.1f} km) and its source does not justify it")
        quoted = re.search(r"median dyad error (\d+) → (\d+) km", source)
        if quoted:  # the figures quoted in the source must stay true
            assert abs(int(quoted[1]) - was) <= 1 and abs(int(quoted[2]) - now) <= 1, (
                f"{ccode} {stdate}: source quotes {quoted[0]}, now {was:.1f} -> {now:.1f}")


# --- the cross-check ----------------------------------------------------------------------

def test_no_unlisted_discrepancy(checked, listed) -> None:
    off = checked[checked["classification"] == "discrepant"]
    unlisted = off[~off["ccode"].isin(listed["ccode"])]
    assert unlisted.empty, (
        "capitals disagreeing with capdist beyond the tolerance, neither corrected in "
        "tables/capital_corrections.csv nor listed in tests/fixtures/capdist_discrepancies.csv:\n"
        + unlisted[["ccode", "state", "capital", "median_abs_error_km"]].to_string())


def test_no_stale_fixture_row(checked, listed) -> None:
    assert not listed["ccode"].duplicated().any()
    assert set(listed["cause"]) <= CAUSES
    assert listed["reason"].str.len().min() > 60
    by_code = checked.set_index("ccode")
    for row in listed.itertuples(index=False):
        assert row.ccode in by_code.index, f"{row.ccode} is not a state in the capitals file"
        now = by_code.loc[row.ccode]
        assert now["classification"] == "discrepant", (
            f"stale fixture row: {row.ccode} {row.capital} now {now['classification']} "
            f"({now['median_abs_error_km']:.1f} km)")
        assert now["capital"] == row.capital
        assert now["median_abs_error_km"] == pytest.approx(row.median_abs_error_km, abs=0.5), (
            f"stale fixture row: {row.ccode} {row.capital} listed at "
            f"{row.median_abs_error_km} km, now {now['median_abs_error_km']:.1f} km")


def test_tolerance_sits_in_a_gap(checked) -> None:
    """No state within 10 km of the tolerance: the classification is not knife-edge."""
    medians = checked["median_abs_error_km"].dropna()
    assert not medians.between(TOLERANCE_KM - 10, TOLERANCE_KM + 10).any()


def test_every_state_in_capdist_is_checked(checked, capitals) -> None:
    assert set(checked["ccode"]) == set(capitals["ccode"])
    absent = checked[checked["classification"] == "not in capdist"]
    assert set(absent["ccode"]) == {c for c, g in COW_TO_CAPDIST.items() if g is None}
    present = checked[checked["classification"] != "not in capdist"]
    assert present["n_dyads"].min() >= 190
    assert (present["max_abs_error_km"] >= present["median_abs_error_km"]).all()


@pytest.mark.parametrize(("ccode", "capital", "label"), [
    (705, "Almaty", "agrees, earlier capital"),     # Astana from 1998
    (475, "Lagos", "agrees, earlier capital"),      # Abuja from 1991
    (775, "Rangoon", "agrees, earlier capital"),    # Naypyidaw from 2005
    (516, "Bujumbura", "agrees, earlier capital"),  # Gitega from 2018
    (140, "Brasilia", "agrees"),                    # once corrected
    (900, "Canberra", "agrees"),
    (770, "Rawalpindi", "agrees"),                  # 11 km from Islamabad: same place
    (255, "Berlin", "agrees"),
    (260, "Bonn", "agrees"),
])
def test_capdist_spell_of_states_whose_capital_moved(checked, ccode, capital, label) -> None:
    row = checked.set_index("ccode").loc[ccode]
    assert (row["capital"], row["classification"]) == (capital, label)
