"""State-year panels, coverage rules, wrong units, and the three file formats."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from foedus.errors import FoedusError
from foedus.panels import create_dyad_years, create_state_years
from foedus.panels.panel import PanelError

from helpers import assert_one_line_error, run_cli, schema_validator

pytestmark = pytest.mark.usefixtures("store_home")


def test_state_years_with_economy_and_preferences() -> None:
    panel = (create_state_years(1940, 2024).add_cinc().add_majors().add_spending().add_gdp()
             .add_idealpoints())
    frame = panel.frame.set_index(["ccode", "year"])
    assert frame.loc[(2, 2000), "majpow"] == 1 and frame.loc[(20, 2000), "majpow"] == 0
    assert pd.isna(frame.loc[(2, 2017), "majpow"])  # COW major powers end in 2016
    assert pd.isna(frame.loc[(2, 1948), "milex_sipri"])  # SIPRI starts in 1949
    assert frame.loc[(2, 2024), "milex_sipri"] > 0
    assert pd.isna(frame.loc[(2, 2024), "gdp_wdi"])  # WDI ends in 2023
    assert pd.isna(frame.loc[(2, 2023), "cinc"]) and frame.loc[(2, 2022), "cinc"] > 0
    assert pd.isna(frame.loc[(2, 1940), "idealpointfp"])  # the UN votes from 1946
    assert frame.loc[(365, 2000), "idealpointfp"] != frame.loc[(2, 2000), "idealpointfp"]
    assert {"carried forward" in n for n in panel.notes} == {True}


def test_idealpoint_distance_is_the_absolute_difference() -> None:
    panel = create_dyad_years(2000, 2000).add_idealpoints(measure="idealpointall")
    f = panel.frame
    assert np.allclose(f["idealpointall_dist"], (f["idealpointall1"] - f["idealpointall2"]).abs(),
                       equal_nan=True)


@pytest.mark.parametrize("step", ["add_alliances", "add_distance", "add_contiguity",
                                  "add_similarity"])
def test_dyad_steps_refuse_state_years(step) -> None:
    with pytest.raises(PanelError, match=r"needs a dyad-year panel.*create_dyad_years"):
        getattr(create_state_years(2000, 2000), step)()


def test_bad_years_and_options() -> None:
    with pytest.raises(PanelError, match="start in 1816"):
        create_dyad_years(1700, 1800)
    with pytest.raises(PanelError, match="before it starts"):
        create_state_years(2000, 1990)
    with pytest.raises(PanelError, match="coding"):
        create_dyad_years(2000, 2000).add_similarity(coding=["cow"])
    with pytest.raises(PanelError, match="NMC version"):
        create_state_years(2000, 2000).add_cinc(version="5.0")


@pytest.fixture
def small():
    return create_dyad_years(2010, 2011).add_alliances().add_cinc().add_contiguity()


def test_parquet_keeps_descriptions_and_provenance(small, tmp_path) -> None:
    path = tmp_path / "p.parquet"
    small.write(path)
    table = pq.read_table(path)
    meta = json.loads(table.schema.metadata[b"foedus"])
    assert meta["unit"] == "dyad_year" and meta["rows"] == len(small)
    names = {d["name"] for d in meta["provenance"]["datasets"]}
    assert {"atop_members", "nmc_7", "contiguity", "cow_system"} <= names
    field = table.schema.field("atop_defense")
    assert b"defense obligation" in field.metadata[b"description"]
    back = table.to_pandas()
    assert back["atop_defense"].sum() == small.frame["atop_defense"].sum()


def test_csv_and_stata_round_trip(small, tmp_path) -> None:
    small.write(tmp_path / "p.csv")
    csv = pd.read_csv(tmp_path / "p.csv")
    assert len(csv) == len(small) and list(csv.columns) == list(small.frame.columns)
    small.write(tmp_path / "p.dta")
    with pd.io.stata.StataReader(tmp_path / "p.dta") as reader:
        labels = reader.variable_labels()
        back = reader.read()
    assert "defense obligation" in labels["atop_defense"]
    assert np.allclose(back["cinc1"], small.frame["cinc1"], equal_nan=True)


def test_writing_is_atomic_and_checks_the_target(small, tmp_path) -> None:
    with pytest.raises(FoedusError, match="extension"):
        small.write(tmp_path / "p.xlsx")
    with pytest.raises(FoedusError, match="does not exist"):
        small.write(tmp_path / "missing" / "p.csv")
    target = tmp_path / "keep.csv"
    target.write_text("old")
    bad = small.with_columns(small.frame.assign(obj=[object()] * len(small)), {})
    with pytest.raises(Exception):  # noqa: B017 - an unwritable column aborts the write
        bad.write(tmp_path / "keep.parquet")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["keep.csv"]


def test_cli_panel_json_and_errors(tmp_path) -> None:
    out = tmp_path / "dy.parquet"
    proc = run_cli("panel", "dyad-years", "--years", "2000-2001", "--add",
                   "alliances,cinc,similarity", "--coding", "sr", "--out", str(out), "--json")
    assert proc.returncode == 0, proc.stderr
    payload = json.loads(proc.stdout)
    assert not list(schema_validator("panel").iter_errors(payload))
    assert payload["rows"] == len(pd.read_parquet(out))
    assert "s_abs_sr" in payload["columns"] and "s_abs_chiba" not in payload["columns"]
    assert payload["provenance"]["view"] == "atop"
    bad_step = run_cli("panel", "dyad-years", "--add", "alliances,karma", "--out", str(out))
    assert bad_step.returncode == 2 and "karma" in bad_step.stderr
    assert_one_line_error(run_cli("panel", "dyad-years", "--years", "17-18", "--out",
                                  str(out)), "not a span of years")
    assert_one_line_error(run_cli("panel", "state-years", "--add", "distance", "--out",
                                  str(tmp_path / "s.csv")), "need a dyad-year panel")
