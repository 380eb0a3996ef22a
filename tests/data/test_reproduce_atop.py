"""Reproduction test (a): ATOP directed dyad-year obligations from the member file.

:func:`foedus.data.atop_dyads.derive_directed_obligations` rebuilds the directed dyad-years
of ATOP 5.1 (atop5_1ddyr) from the member-level file; they are compared with the published
extract (``atop_directed``, peacesciencer's ``atop_alliance``). Every dyad-year and dummy that
differs (a "residual") must be listed, with its reason, in
``tests/fixtures/atop_directed_residuals.csv``: one row per alliance, directed dyad, variable
and run of consecutive years. The test fails on a residual the fixture does not list and on a
fixture row that no residual matches any more (a stale fixture).
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from foedus.data.atop_dyads import OBLIGATIONS, PUBLISHED_NAMES, derive_directed_obligations
from foedus.data.readers import read_raw

REPO = Path(__file__).resolve().parents[2]
FIXTURE = REPO / "tests" / "fixtures" / "atop_directed_residuals.csv"
DYAD = ["ccode1", "ccode2", "year"]
KEY = ["atopid", "ccode1", "ccode2", "variable", "year_from", "year_to", "derived", "published"]
PRESENCE = "dyad_year"  # ``variable`` of a dyad-year found in only one of the two files


# ---------------------------------------------------------------- comparison helpers


def residuals(derived: pd.DataFrame, published: pd.DataFrame) -> tuple[int, pd.DataFrame]:
    """Number of dyad-years in both files, and every difference, one row per dyad-year and
    variable (``variable = "dyad_year"`` for a dyad-year in only one file)."""
    merged = derived.merge(published, on=DYAD, how="outer", suffixes=("_d", "_p"),
                           indicator=True)
    both = merged[merged["_merge"] == "both"]
    parts = []
    for name, col in PUBLISHED_NAMES.items():
        d, p = both[f"{col}_d"].astype(int), both[f"{col}_p"].astype(int)
        diff = both.loc[d != p, DYAD].assign(variable=name, derived=d[d != p],
                                             published=p[d != p])
        parts.append(diff)
    for side, flags in (("left_only", (1, 0)), ("right_only", (0, 1))):
        only = merged.loc[merged["_merge"] == side, DYAD]
        parts.append(only.assign(variable=PRESENCE, derived=flags[0], published=flags[1]))
    out = pd.concat(parts, ignore_index=True)
    out[["derived", "published"]] = out[["derived", "published"]].astype(int)
    return len(both), out


def attribute(res: pd.DataFrame, per_alliance: pd.DataFrame) -> pd.DataFrame:
    """Add ``atopid``: the alliance(s) behind each residual, ``+``-joined (empty if none).

    A derived 1 is attributed to the alliances in which ``ccode1`` holds that obligation toward
    ``ccode2`` in that year; anything else to every alliance the two share in that year.
    """
    long = per_alliance.melt(id_vars=["atopid", *DYAD], value_vars=list(PUBLISHED_NAMES.values()),
                             var_name="variable", value_name="holds")
    long["variable"] = long["variable"].str.removeprefix("atop_")
    holders = long[long["holds"] == 1][["atopid", *DYAD, "variable"]]
    shared = per_alliance[["atopid", *DYAD]].drop_duplicates()
    held = res[(res["variable"] != PRESENCE) & (res["derived"] == 1)]
    other = res.drop(held.index)
    links = pd.concat([held.merge(holders, on=[*DYAD, "variable"], how="left"),
                       other.merge(shared, on=DYAD, how="left")], ignore_index=True)
    links["atopid"] = links["atopid"].astype("Int64").astype(str).replace("<NA>", "")
    ids = (links.groupby([*DYAD, "variable"])["atopid"]
           .agg(lambda s: "+".join(sorted({v for v in s if v}, key=int))).reset_index())
    return res.merge(ids, on=[*DYAD, "variable"], how="left")


def compact(res: pd.DataFrame) -> pd.DataFrame:
    """One row per alliance(s), directed dyad, variable, values and run of consecutive years."""
    group = ["atopid", "ccode1", "ccode2", "variable", "derived", "published"]
    if res.empty:
        return pd.DataFrame(columns=KEY)
    r = res.sort_values([*group, "year"]).reset_index(drop=True)
    same = (r[group].eq(r[group].shift()).all(axis=1)) & (r["year"].diff() == 1)
    r["run"] = (~same).cumsum()
    out = (r.groupby([*group, "run"], sort=False)["year"].agg(["min", "max"])
           .rename(columns={"min": "year_from", "max": "year_to"}).reset_index())
    return out[KEY].sort_values(KEY).reset_index(drop=True)


def load_fixture() -> pd.DataFrame:
    fixture = pd.read_csv(FIXTURE, dtype={"atopid": str}, keep_default_na=False)
    for col in ("ccode1", "ccode2", "year_from", "year_to", "derived", "published"):
        fixture[col] = fixture[col].astype(int)
    return fixture


def _keys(frame: pd.DataFrame) -> set[tuple]:
    return set(frame[KEY].itertuples(index=False, name=None))


# ---------------------------------------------------------------- the hand-made cases


def _member(atopid: int, member: int, enter: tuple[int, int, int], leave: tuple[int, int, int],
            phase: int = 0, **obligations: int) -> dict:
    row = {"atopid": atopid, "member": member, "phase": phase,
           "yrent": enter[0], "moent": enter[1], "dayent": enter[2],
           "yrexit": leave[0], "moexit": leave[1], "dayexit": leave[2]}
    row.update({name: obligations.get(name, 0) for name in OBLIGATIONS})
    return row


def test_asymmetric_bilateral_alliance_has_known_answer():
    # The US promises to defend Japan; both promise to consult. Signed 8 Sep 1951, ended
    # 19 Jan 1960: entry and exit years are both included.
    members = pd.DataFrame([
        _member(3220, 2, (1951, 9, 8), (1960, 1, 19), defense=1, consul=1),
        _member(3220, 740, (1951, 9, 8), (1960, 1, 19), consul=1),
    ])
    got = derive_directed_obligations(members)
    years = list(range(1951, 1961))
    expected = pd.DataFrame({
        "ccode1": [2] * 10 + [740] * 10, "ccode2": [740] * 10 + [2] * 10, "year": years * 2,
        "atop_defense": [1] * 10 + [0] * 10, "atop_offense": 0, "atop_neutral": 0,
        "atop_nonagg": 0, "atop_consul": 1,
    })
    pd.testing.assert_frame_equal(got, expected)


def test_open_exit_runs_to_2018_and_disjoint_members_are_not_paired():
    members = pd.DataFrame([
        _member(9000, 2, (2015, 1, 1), (0, 0, 0), nonagg=1),
        _member(9000, 20, (2015, 1, 1), (2016, 5, 3), nonagg=1),
        # Signs the day the Canadian membership ends: never a member at the same time.
        _member(9000, 70, (2016, 5, 3), (0, 0, 0), nonagg=1),
    ])
    got = derive_directed_obligations(members)
    pairs = set(zip(got["ccode1"], got["ccode2"], strict=True))
    assert pairs == {(2, 20), (20, 2), (2, 70), (70, 2)}
    assert got.loc[got["ccode2"] == 70, "year"].tolist() == [2016, 2017, 2018]
    assert got.loc[got["ccode2"] == 20, "year"].tolist() == [2015, 2016]


def test_year_of_phase_change_takes_the_later_phase():
    # Phase 1 gives 740 an offense obligation, phase 2 (from 12 Aug 1905) does not.
    members = pd.DataFrame([
        _member(1415, 200, (1902, 1, 30), (1905, 8, 12), phase=1, defense=1, offense=1),
        _member(1415, 740, (1902, 1, 30), (1905, 8, 12), phase=1, defense=1, offense=1),
        _member(1415, 200, (1905, 8, 12), (1907, 1, 1), phase=2, defense=1, offense=1),
        _member(1415, 740, (1905, 8, 12), (1907, 1, 1), phase=2, defense=1),
    ])
    got = derive_directed_obligations(members).set_index(DYAD)
    assert got.loc[(740, 200, 1904), "atop_offense"] == 1
    assert got.loc[(740, 200, 1905), "atop_offense"] == 0
    assert got.loc[(200, 740, 1905), "atop_offense"] == 1
    assert len(got) == 2 * len(range(1902, 1908))


def test_simultaneous_successor_phases_are_separate_alliances():
    # ATOPID 3610 (codebook 1.53): Czechoslovakia-Romania becomes Czech Republic-Romania
    # (phase 3) and Slovakia-Romania (phase 2) on 1 Jan 1993; 316 and 317 are never allies
    # through it. The real files cannot show this (316 and 317 are allied elsewhere).
    members = pd.DataFrame([
        _member(3610, 315, (1968, 8, 16), (1992, 12, 31), phase=1, defense=1),
        _member(3610, 360, (1968, 8, 16), (1992, 12, 31), phase=1, defense=1),
        _member(3610, 316, (1993, 1, 1), (1994, 6, 22), phase=3, defense=1),
        _member(3610, 360, (1993, 1, 1), (1994, 6, 22), phase=3, defense=1),
        _member(3610, 317, (1993, 1, 1), (1993, 9, 24), phase=2, defense=1),
        _member(3610, 360, (1993, 1, 1), (1993, 9, 24), phase=2, defense=1),
    ])
    got = derive_directed_obligations(members)
    pairs = set(zip(got["ccode1"], got["ccode2"], strict=True))
    assert pairs == {(315, 360), (360, 315), (316, 360), (360, 316), (317, 360), (360, 317)}
    assert got.loc[got["ccode1"] == 316, "year"].tolist() == [1993, 1994]


# ---------------------------------------------------------------- the real files


@pytest.fixture(scope="module")
def atop(tmp_path_factory: pytest.TempPathFactory):
    """Both files read from the real mirror, the derivation, and the compacted residuals."""
    mirror = Path(os.environ.get("FOEDUS_DATA_MIRROR") or REPO.parent / "shared" / "data")
    assert (mirror / "PROVENANCE.md").is_file(), f"no data mirror at {mirror}"
    home = tmp_path_factory.mktemp("atop-home")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("FOEDUS_DATA_MIRROR", str(mirror.resolve()))
        mp.setenv("FOEDUS_OFFLINE", "1")
        mp.setenv("FOEDUS_HOME", str(home))
        mp.setenv("FOEDUS_CACHE", str(home / "cache"))
        members = read_raw("atop_members")
        published = read_raw("atop_directed")
    per_alliance = derive_directed_obligations(members, keep_alliance=True)
    derived = derive_directed_obligations(members)
    compared, res = residuals(derived, published)
    return {"members": members, "published": published, "derived": derived,
            "compared": compared, "residuals": compact(attribute(res, per_alliance))}


def test_direction_convention_matches_published(atop):
    # US-Japan security treaty (ATOPID 3375): only the US promises defense.
    pub = atop["published"].set_index(DYAD)
    der = atop["derived"].set_index(DYAD)
    for frame in (pub, der):
        assert frame.loc[(2, 740, 1965), "atop_defense"] == 1
        assert frame.loc[(740, 2, 1965), "atop_defense"] == 0


def test_same_dyad_years_in_both_files(atop):
    res = atop["residuals"]
    assert atop["compared"] == len(atop["published"]) == len(atop["derived"])
    assert (res["variable"] != PRESENCE).all()


def test_every_residual_is_listed_in_the_fixture(atop):
    found, listed = _keys(atop["residuals"]), _keys(load_fixture())
    unlisted = sorted(found - listed)
    assert not unlisted, (
        f"{len(unlisted)} residual(s) not in {FIXTURE.name} (fix the derivation, or list them "
        f"with a reason): {unlisted[:20]}"
    )


def test_fixture_is_not_stale(atop):
    stale = sorted(_keys(load_fixture()) - _keys(atop["residuals"]))
    assert not stale, f"{len(stale)} row(s) of {FIXTURE.name} match no residual: {stale[:20]}"


def test_fixture_rows_carry_reasons_and_are_obvary_members(atop):
    fixture = load_fixture()
    assert not fixture.duplicated(KEY).any()
    assert fixture["reason"].str.len().gt(40).all()
    # Each listed residual comes from one alliance in which ccode1 has obvary = 1.
    m = atop["members"]
    obvary = set(zip(m.loc[m["obvary"] == 1, "atopid"].astype(str),
                     m.loc[m["obvary"] == 1, "member"], strict=True))
    rows = zip(fixture["atopid"], fixture["ccode1"], strict=True)
    assert all((a, c) in obvary for a, c in rows)
    assert np.all(fixture["derived"] == 1) and np.all(fixture["published"] == 0)
