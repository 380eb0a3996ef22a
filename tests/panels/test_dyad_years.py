"""Dyad-year panels: units, alliance columns against ATOP's published extract, capabilities,
distance, contiguity, coverage rules, and similarity against an independent computation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from foedus.data.readers import null_sentinels, read_raw
from foedus.measures import pair_similarity, valued_ties
from foedus.panels.alliances import DUMMIES

from helpers import REPO

pytestmark = pytest.mark.usefixtures("store_home")


def test_units_and_counts(full_panel) -> None:
    frame = full_panel.frame
    system = read_raw("cow_system")
    n = system.groupby("year").size()
    assert len(frame[frame.year <= 2016]) == int((n * (n - 1)).sum())  # every ordered pair
    assert not frame.duplicated(["ccode1", "ccode2", "year"]).any()
    assert (frame.ccode1 != frame.ccode2).all()
    assert any("carried forward" in note for note in full_panel.notes)
    assert len(frame[frame.year == 2018]) == len(frame[frame.year == 2016])


def test_alliance_dummies_equal_the_published_extract(full_panel) -> None:
    published = read_raw("atop_directed")
    merged = published.merge(full_panel.frame, on=["ccode1", "ccode2", "year"], how="inner",
                             suffixes=("_pub", ""))
    assert len(merged) > 200_000  # the dyad-years both contain
    for col in DUMMIES:
        assert (merged[col].astype(int) == merged[f"{col}_pub"]).all(), col
    # every other dyad-year inside ATOP's years has no pledge
    rest = full_panel.frame[full_panel.frame.year <= 2018].merge(
        published[["ccode1", "ccode2", "year"]], how="left", indicator=True)
    rest = rest[rest["_merge"] == "left_only"]
    assert (rest[list(DUMMIES)].sum(axis=1) == 0).all()


def test_alliance_columns_null_after_2018() -> None:
    from foedus.panels import create_dyad_years

    panel = create_dyad_years(2017, 2019).add_alliances()
    after = panel.frame[panel.frame.year == 2019]
    assert after["atop_defense"].isna().all() and after["atop_tie_chiba"].isna().all()
    assert panel.frame[panel.frame.year == 2018]["atop_defense"].notna().all()


def test_undirected_collapse() -> None:
    from foedus.panels import create_dyad_years

    either = create_dyad_years(1965, 1965, directed=False).add_alliances(collapse="either")
    both = create_dyad_years(1965, 1965, directed=False).add_alliances(collapse="both")
    frame = either.frame
    assert (frame.ccode1 < frame.ccode2).all()
    usa_jpn = (frame.ccode1 == 2) & (frame.ccode2 == 740)  # the US pledges; Japan does not
    assert frame.loc[usa_jpn, "atop_defense"].item() == 1
    assert both.frame.loc[usa_jpn.to_numpy(), "atop_defense"].item() == 0


def test_cinc_equals_the_published_column(full_panel) -> None:
    nmc = read_raw("nmc_7")
    merged = full_panel.frame.merge(nmc.rename(columns={"ccode": "ccode1"}),
                                    on=["ccode1", "year"])
    assert len(merged) > 1_900_000
    assert np.array_equal(merged["cinc1"].to_numpy(), merged["cinc"].to_numpy())


def test_nmc_6_on_request() -> None:
    from foedus.panels import create_state_years

    panel = create_state_years(1900, 2018).add_cinc(version="6.0")
    nmc = null_sentinels(read_raw("nmc_6"), ["milex"], (-9,))
    merged = panel.frame.merge(nmc, on=["ccode", "year"], suffixes=("", "_nmc"))
    assert np.allclose(merged["cinc"], merged["cinc_nmc"])
    assert panel.frame[panel.frame.year > 2016]["cinc"].isna().all()  # NMC 6.0 ends 2016
    assert merged["milex"].isna().sum() == merged["milex_nmc"].isna().sum()


def test_distance_known_pairs_and_capdist(full_panel) -> None:
    frame = full_panel.frame.set_index(["ccode1", "ccode2", "year"])
    assert frame.loc[(2, 20, 2000), "capdist"] == pytest.approx(734, abs=10)  # Washington-Ottawa
    assert frame.loc[(200, 220, 2000), "capdist"] == pytest.approx(344, abs=5)  # London-Paris
    # Rio de Janeiro, then Brasilia (1960)
    assert frame.loc[(140, 2, 1950), "capdist"] != frame.loc[(140, 2, 1970), "capdist"]
    capdist = read_raw("capdist").rename(columns={"numa": "ccode1", "numb": "ccode2"})
    year2000 = full_panel.frame[full_panel.frame.year == 2000].merge(capdist,
                                                                      on=["ccode1", "ccode2"])
    year2000["error"] = (year2000["capdist"] - year2000["kmdist"]).abs()
    by_state = year2000.groupby("ccode1")["error"].median()
    # explained outliers: capdist's own errors and other capitals (tests/fixtures), and two
    # capitals that moved before 2000 while capdist keeps the old one
    listed = set(pd.read_csv(REPO / "tests/fixtures/capdist_discrepancies.csv")["ccode"])
    moved = {705: "Astana since 1997; capdist: Almaty", 475: "Abuja since 1991; capdist: Lagos"}
    outliers = set(by_state[by_state > 110].index)
    assert outliers == (listed | set(moved)) & set(by_state.index)
    assert by_state.drop(list(outliers)).median() < 40


def test_contiguity(full_panel) -> None:
    frame = full_panel.frame.set_index(["ccode1", "ccode2", "year"])["conttype"]
    assert frame[(2, 20, 2000)] == 1 and frame[(2, 70, 2000)] == 1  # Canada, Mexico
    assert frame[(2, 40, 2000)] == 4  # Cuba: 90 miles of water
    assert frame[(2, 220, 2000)] == 0
    assert pd.isna(frame[(2, 20, 2017)])  # COW contiguity ends in 2016


def test_similarity_against_an_independent_computation(full_panel) -> None:
    # rebuild 1914 portfolios from the published extract and COW membership, per pair
    year = 1914
    published = read_raw("atop_directed")
    published = published[published.year == year]
    members = np.sort(read_raw("cow_system").query("year == @year")["ccode"].to_numpy())
    index = {c: i for i, c in enumerate(members)}
    ties = np.zeros((len(members), len(members)), dtype=int)
    for row in published.itertuples(index=False):
        if row.ccode1 in index and row.ccode2 in index:
            ties[index[row.ccode1], index[row.ccode2]] = valued_ties(
                row.atop_defense, row.atop_offense, row.atop_neutral, row.atop_nonagg,
                row.atop_consul, coding="sr")
    np.fill_diagonal(ties, 3)
    cinc = read_raw("nmc_7").query("year == @year").set_index("ccode")["cinc"]
    weights = np.array([cinc.get(c, 0.0) for c in members])
    frame = full_panel.frame[full_panel.frame.year == year].set_index(["ccode1", "ccode2"])
    for a, b in [(255, 365), (200, 220), (2, 255), (300, 255), (640, 365), (210, 211)]:
        expected = pair_similarity(ties[index[a]], ties[index[b]], weights)
        got = frame.loc[(a, b)]
        for measure in ("s_abs", "s_sq", "s_wabs", "kappa", "pi", "taub"):
            assert got[f"{measure}_sr"] == pytest.approx(expected[measure], abs=1e-12,
                                                         nan_ok=True), (a, b, measure)


def test_similarity_conventions_and_bounds() -> None:
    from foedus.panels import create_dyad_years

    panel = create_dyad_years(1965, 1966).add_similarity(
        measures=["s_abs", "taub"], coding=["chiba"], convention=["out", "in", "either"])
    frame = panel.frame
    assert {"s_abs_chiba", "s_abs_chiba_in", "s_abs_chiba_either", "taub_chiba_in"} <= set(
        frame.columns)
    assert frame["s_abs_chiba"].between(-1, 1).all()
    flipped = frame.set_index(["ccode2", "ccode1", "year"])["s_abs_chiba"]
    assert np.allclose(frame.set_index(["ccode1", "ccode2", "year"])["s_abs_chiba"]
                       .sort_index(), flipped.rename_axis(["ccode1", "ccode2", "year"])
                       .sort_index())  # S is symmetric
