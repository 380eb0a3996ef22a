"""The burden-sharing lens on real data: membership, series, exclusions, independent checks."""

from __future__ import annotations

import json

import numpy as np
import pytest
from scipy import stats

from foedus.burden import burden_report, spending_panel
from foedus.data.resolve import resolve_alliance
from foedus.errors import FoedusError

from helpers import assert_one_line_error, run_cli, schema_validator

pytestmark = pytest.mark.usefixtures("store_home")


@pytest.fixture(scope="module")
def nato(built_home, mirror):
    import os

    os.environ.update(FOEDUS_HOME=str(built_home), FOEDUS_DATA_MIRROR=str(mirror))
    return burden_report("NATO", 2014, 2024)


def test_membership_follows_the_legal_view(nato) -> None:
    per_year = nato.panel.groupby("year")["ccode"].apply(set)
    assert 343 not in per_year[2019] and 343 in per_year[2020]  # North Macedonia, 2020-03-27
    assert 375 in per_year[2023] and 380 not in per_year[2023] and 380 in per_year[2024]
    assert len(per_year[2024]) == 32


@pytest.mark.parametrize(("iso3", "year", "share"), [
    ("USA", 2024, 3.42), ("POL", 2024, 4.15), ("EST", 2024, 3.37), ("DEU", 2024, 1.89),
    ("GBR", 2024, 2.28), ("FRA", 2024, 2.05), ("USA", 2016, None)])
def test_published_sipri_shares_after_name_matching(nato, iso3, year, share) -> None:
    row = nato.panel[(nato.panel.iso3 == iso3) & (nato.panel.year == year)]
    assert len(row) == 1
    if share is not None:
        assert row["milex_share_gdp"].item() == pytest.approx(share)


def test_cold_war_values_via_historical_names(built_home, mirror) -> None:
    import os

    os.environ.update(FOEDUS_HOME=str(built_home), FOEDUS_DATA_MIRROR=str(mirror))
    from foedus.data.loaders import load_system

    treaty = resolve_alliance("NATO", load_system())
    panel = spending_panel(treaty, 1960, 1985)
    cell = panel.set_index(["ccode", "year"])["milex_share_gdp"]
    assert cell[(2, 1960)] == pytest.approx(8.99) and cell[(200, 1985)] == pytest.approx(5.32)
    assert cell[(260, 1985)] == pytest.approx(2.85)  # SIPRI "Germany" before 1990 is West Germany
    derived = panel[(panel.year == 1960) & (panel.gdp_source == "wdi")]
    assert len(derived) > 5


def test_missing_member_is_excluded_not_zero(nato) -> None:
    iceland = nato.panel[nato.panel.ccode == 395]
    assert iceland["milex_share_gdp"].isna().all()
    assert (nato.exploitation["n_missing"] >= 1).all()
    shares = nato.shares.merge(nato.panel[["ccode", "year", "milex_usd"]], on=["ccode", "year"])
    with_data = shares[shares["milex_usd"].notna()]
    assert np.allclose(with_data.groupby("year")["spending_share"].sum(), 100)
    assert shares.loc[shares.ccode == 395, "spending_share"].isna().all()


def test_rank_correlations_equal_scipy(nato) -> None:
    for year, group in nato.panel.groupby("year"):
        usable = group.dropna(subset=["gdp_usd", "milex_share_gdp"])
        rho, p = stats.spearmanr(usable["gdp_usd"], usable["milex_share_gdp"])
        tau, _ = stats.kendalltau(usable["gdp_usd"], usable["milex_share_gdp"])
        row = nato.exploitation.set_index("year").loc[year]
        assert row["spearman"] == pytest.approx(rho, abs=1e-12)
        assert row["spearman_p"] == pytest.approx(p, abs=1e-12)
        assert row["kendall"] == pytest.approx(tau, abs=1e-12)
        assert row["n_members"] == len(usable)


def test_compliance_hand_count(nato) -> None:
    counts = nato.panel[nato.panel.milex_share_gdp >= 2].groupby("year").size()
    got = nato.compliance_years.set_index("year")["n_at_target"]
    assert (got == counts.reindex(got.index, fill_value=0)).all()


def test_series_are_never_mixed(built_home, mirror) -> None:
    import os

    os.environ.update(FOEDUS_HOME=str(built_home), FOEDUS_DATA_MIRROR=str(mirror))
    nato_series = burden_report("NATO", 2014, 2019, series="nato")
    assert set(nato_series.panel["series"]) == {"nato"}
    assert nato_series.panel["equipment_share"].notna().any()
    assert nato_series.compliance_years["n_at_equipment"].sum() > 0
    assert any("NATO's own figures" in n for n in nato_series.notes)
    with pytest.raises(FoedusError, match="covers 2012-2019"):
        burden_report("NATO", 2020, 2024, series="nato")


def test_long_run_warsaw_pact_and_any_atop_id(built_home, mirror) -> None:
    import os

    os.environ.update(FOEDUS_HOME=str(built_home), FOEDUS_DATA_MIRROR=str(mirror))
    warsaw = burden_report("Warsaw Pact", 1955, 1990, series="nmc")
    assert warsaw.alliance_id == "atop:3285"
    assert set(warsaw.panel["ccode"]) == {265, 290, 310, 315, 339, 355, 360, 365}
    assert any("approximation across units" in n for n in warsaw.notes)
    japan = burden_report("3375", 1990, 2010)
    assert japan.alliance_id == "atop:3375" and set(japan.panel["ccode"]) == {2, 740}
    with pytest.raises(FoedusError, match="ATOP view ends in 2018"):
        burden_report("NATO", 2014, 2024, view="atop")
    with pytest.raises(FoedusError, match="Unknown alliance"):
        burden_report("SEATO-2", 2000, 2001)


def test_cli_json_validates_and_plots(tmp_path) -> None:
    proc = run_cli("burden", "--alliance", "NATO", "--years", "2014-2024", "--json",
                   "--plot", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    payload = json.loads(proc.stdout)
    assert not list(schema_validator("burden").iter_errors(payload))
    assert [y["year"] for y in payload["years"]] == list(range(2014, 2025))
    usa = next(m for m in payload["members"] if m["iso3"] == "USA" and m["year"] == 2024)
    assert usa["cow"] == 2 and usa["milex_share_gdp"] == pytest.approx(3.42)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "burden_vs_size.png", "compliance.png", "shares.png"]
    assert_one_line_error(run_cli("burden", "--alliance", "Nowhere Pact"), "Unknown alliance")
    assert run_cli("burden", "--series", "imf").returncode == 2
