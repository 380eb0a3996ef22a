"""Olson & Zeckhauser (1966) as a study: the 1964 NATO exploitation test and its years."""

from __future__ import annotations

import json
import os

import numpy as np
import pytest
from scipy import stats

from foedus.replications import replicate

from helpers import REPO, run_cli


@pytest.fixture(scope="module")
def oz(built_home, mirror):
    os.environ.update(FOEDUS_HOME=str(built_home), FOEDUS_DATA_MIRROR=str(mirror))
    return replicate("olson-zeckhauser-1966", n_boot=300)


def test_the_1964_members_are_natos_fifteen_with_iceland_left_out(oz) -> None:
    members = oz.tables["members"]
    assert len(members) == 15
    iceland = next(m for m in members if m["ccode"] == 395)
    assert iceland["milex_share_gdp"] is None and iceland["gdp_rank"] is None
    usa = next(m for m in members if m["ccode"] == 2)
    assert usa["gdp_rank"] == 1 and usa["burden_rank"] == 1  # largest and heaviest in 1964


def test_rho_is_spearmans_on_the_members_table(oz) -> None:
    """Recomputed independently from the study's own member table with scipy."""
    rows = [m for m in oz.tables["members"] if m["milex_share_gdp"] is not None]
    rho = stats.spearmanr([m["gdp_usd"] for m in rows],
                          [m["milex_share_gdp"] for m in rows]).statistic
    value = next(f for f in oz.figures if f.unit == "correlation")
    assert value.reproduced == pytest.approx(rho) and value.n == 14
    # by hand from the ranks: 1 - 6 Σd² / (n(n² - 1)) when there are no ties
    d = np.array([m["gdp_rank"] - m["burden_rank"] for m in rows])
    assert value.reproduced == pytest.approx(1 - 6 * (d ** 2).sum() / (14 * (14 ** 2 - 1)))
    assert value.low <= value.reproduced <= value.high


def test_pass_is_decided_on_the_sign_only(oz) -> None:
    sign, value = oz.figures
    assert sign.unit == "sign" and sign.published == 1.0
    assert sign.passed is (sign.reproduced == 1.0)
    # the coefficient of their Table 1 was not retrieved: undecided, tolerance stated
    assert value.published is None and value.passed is None and value.tolerance == 0.15
    assert "could not be read" in value.note


def test_the_statistic_through_the_years(oz) -> None:
    years = oz.tables["by_year"]
    assert [r["year"] for r in years] == list(range(1949, 2019))
    by = {r["year"]: r for r in years}
    assert by[1964]["spearman"] == pytest.approx(oz.figures[1].reproduced, abs=1e-4)
    assert by[1949]["spearman"] is None  # two members with SIPRI data: no statistic
    assert by[2004]["n_members"] + by[2004]["n_missing"] == 26  # after the 2004 accessions
    assert by[1955]["gdp_derived_from_sipri"] > 0 and by[1964]["gdp_derived_from_sipri"] == 0
    series = {r["series"].split()[0]: r for r in oz.tables["series_1964"]}
    assert series["NMC"]["n_members"] == 15  # NMC codes Iceland's spending as zero


@pytest.mark.slow
def test_cli_json_is_one_object_with_provenance(cli_env) -> None:
    result = run_cli("replicate", "olson-zeckhauser-1966", "--json", env=cli_env)
    assert result.returncode == 0, result.stderr
    body = json.loads(result.stdout)
    assert body["study"] == "olson-zeckhauser-1966" and body["doi"] == "10.2307/1927082"
    assert {d["name"] for d in body["provenance"]["datasets"]} >= {"sipri_milex", "wdi_gdp"}
    assert [f["pass"] for f in body["figures"]] == [True, None]
    assert body["seconds"] > 0 and body["peak_memory_mb"] > 0
    schema = REPO / "docs" / "schemas" / "replicate.schema.json"
    if schema.is_file():  # written by the suite's schema work, validated where present
        from helpers import schema_validator

        schema_validator("replicate").validate(body)
