"""System metrics of an alliance on a day, against the real store: NATO on 2024-07-01."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from foedus.counterfactual.metrics import (
    all_honour_probability,
    any_honours_probability,
    system_metrics,
)
from foedus.errors import FoedusError

DAY = dt.date(2024, 7, 1)
TUR = 640


@pytest.fixture(scope="module")
def env(built_home: Path, mirror: Path):
    """Run a block against the session's store (module-wide fixtures are outside the
    per-test isolation)."""
    values = {"FOEDUS_HOME": str(built_home), "FOEDUS_CACHE": str(built_home / "cache"),
              "FOEDUS_DATA_MIRROR": str(mirror), "FOEDUS_OFFLINE": "1"}
    with pytest.MonkeyPatch.context() as mp:
        for k, v in values.items():
            mp.setenv(k, v)
        yield


@pytest.fixture(scope="module")
def system(env):
    from foedus.data.loaders import load_system

    return load_system()


@pytest.fixture(scope="module")
def fitted():
    from foedus.credibility import load

    return load()


@pytest.fixture(scope="module")
def nato(env, system, fitted):
    return system_metrics(system, DAY, "NATO", fitted=fitted)


@pytest.fixture(scope="module")
def without_turkey(env, system):
    """The system with Turkey's NATO membership ended on 2024-01-01."""
    from foedus.model.system import CommitmentSystem

    nato = system.treaty("book:nato")
    members = tuple(m.model_copy(update={"end": dt.date(2024, 1, 1)})
                    if m.state == TUR and m.end is None else m for m in nato.members)
    changed = nato.model_copy(update={"members": members})
    return CommitmentSystem(list(system.atop),
                            [changed if t.id == nato.id else t for t in system.book],
                            crosswalk=system.crosswalk, history=system.history)


class TestShape:
    def test_json_ready_with_state_keys(self, nato):
        text = json.dumps(nato, allow_nan=False)
        assert json.loads(text) == nato
        assert nato["alliance"]["id"] == "book:nato" and nato["as_of"] == "2024-07-01"
        members = nato["alliance"]["members"]
        assert len(members) == 32 and {"USA", "TUR", "SWE", "FIN", "EST"} <= set(members)
        for section in ("coverage", "consensus"):
            assert set(nato[section]["by_state"]) == set(members)
        assert set(nato["burden"]["by_state"]) == set(members)
        assert set(nato["network"]["degree"]) == set(members)

    def test_carried_forward_data_are_flagged(self, nato):
        flags = " ".join(nato["flags"])
        assert "population_carried_forward" in flags  # NMC 7.0 ends in 2022
        assert "gdp_carried_forward" in flags and "ISL" in flags  # no SIPRI, WDI to 2023
        assert "milex_missing" in flags  # Iceland has no armed forces
        assert nato["burden"]["compliance"]["missing"] == ["ISL"]

    def test_bad_parameters_raise(self, store_home, system, fitted):
        with pytest.raises(FoedusError, match="'threshold' parameter of system_metrics"):
            system_metrics(system, DAY, "NATO", fitted=fitted, threshold=1.5)
        with pytest.raises(FoedusError, match="Unknown alliance"):
            system_metrics(system, DAY, "no such pact", fitted=fitted)


class TestCoverage:
    def test_monotone_in_the_threshold(self, store_home, system, fitted, nato):
        thresholds = (0.0, 0.1, 0.5, 1.0)
        runs = {t: system_metrics(system, DAY, "NATO", fitted=fitted, threshold=t)["coverage"]
                for t in thresholds if t != 0.5}
        runs[0.5] = nato["coverage"]
        for key in ("population", "gdp", "population_pct", "gdp_pct"):
            values = [runs[t][key] for t in thresholds]
            assert values == sorted(values, reverse=True), key
        # every member is owed a pledge: at 0 all is covered, at 1 nothing
        assert runs[0.0]["population_pct"] == pytest.approx(100.0)
        assert runs[0.0]["population"] == pytest.approx(runs[0.0]["population_total"])
        assert runs[1.0]["gdp"] == 0.0
        # the expected share does not depend on the threshold
        assert runs[0.1]["expected_gdp_pct"] == runs[1.0]["expected_gdp_pct"]

    def test_percent_is_absolute_over_total(self, nato):
        c = nato["coverage"]
        assert c["gdp_pct"] == pytest.approx(100 * c["gdp"] / c["gdp_total"])
        assert 0 <= c["expected_population_pct"] <= 100


class TestConsensus:
    def test_against_brute_force_monte_carlo(self, store_home, system, fitted):
        """The closed form against simulated worlds of the same mixture: one resolve per
        state, shared with probability ρ, a member honouring x when its resolve clears its
        strongest pledge to x (probabilities rebuilt here from the pledges)."""
        from foedus.credibility import log_odds_draws, pledge_features

        rho, shift = 0.5, 4.0
        got = system_metrics(system, DAY, "NATO", fitted=fitted, solidarity=rho,
                             credibility_shift=shift)["consensus"]
        members = system.treaty("book:nato").members_on(DAY)
        pledges = [p for p in system.as_of(DAY).pledges()
                   if p.holder in members and p.beneficiary in members
                   and p.obligation.kind == "defense"]
        rows = pd.DataFrame([{"ally": p.holder, "target": p.beneficiary, "kind": "defense",
                              "treaty": p.treaty.id, "obligation": p.obligation.id,
                              "date": DAY, "attackers": ()} for p in pledges])
        eta = log_odds_draws(fitted, pledge_features(rows, system)) + shift
        n, b = len(members), eta.shape[0]
        index = {m: i for i, m in enumerate(members)}
        q = np.zeros((b, n, n))
        for j, (h, x) in enumerate(zip(rows["ally"], rows["target"], strict=True)):
            cell = q[:, index[h], index[x]]
            q[:, index[h], index[x]] = np.maximum(cell, 1 / (1 + np.exp(-eta[:, j])))
        rng = np.random.default_rng(7)
        worlds = 500
        shared = rng.random((b, worlds, 1)) < rho
        u = np.where(shared, rng.random((b, worlds, 1)), rng.random((b, worlds, n)))
        honours = u[:, :, :, None] < q[:, None, :, :]  # (b, world, holder j, beneficiary x)
        honours |= np.eye(n, dtype=bool)  # x need not defend itself
        p_all = honours.all(axis=2).mean(axis=(0, 1))
        se = np.sqrt(p_all * (1 - p_all) / (b * worlds))
        for x, key in ((2, "USA"), (366, "EST"), (TUR, "TUR")):
            i = index[x]
            assert abs(got["by_state"][key] - p_all[i]) < 4 * se[i] + 1e-3, key
        assert got["mean"] == pytest.approx(p_all.mean(), abs=4 * se.max() + 1e-3)
        assert got["mean"] > 0.05  # a test with something to detect

    def test_nato_members_all_owe_each_other(self, nato):
        c = nato["consensus"]
        assert set(c["without_pledge"].values()) == {0}
        assert c["by_state_pledged"] == c["by_state"]
        assert 0 <= c["mean"] <= 1


@given(p=st.lists(st.floats(0, 1), min_size=1, max_size=12), rho=st.floats(0, 1))
def test_consensus_formula_properties(p, rho):
    """Bounds (product ≤ P ≤ min), the two ends of ρ, permutation, a sure extra state, and
    the complement identity P_any(p) = 1 - P_all(1 - p) of the mixture."""
    arr = np.array(p)
    value = float(all_honour_probability(arr, rho))
    assert np.prod(arr) - 1e-12 <= value <= arr.min() + 1e-12
    assert float(all_honour_probability(arr, 0.0)) == pytest.approx(np.prod(arr))
    assert float(all_honour_probability(arr, 1.0)) == pytest.approx(arr.min())
    assert float(all_honour_probability(arr[::-1], rho)) == pytest.approx(value)
    assert float(all_honour_probability(np.append(arr, 1.0), rho)) == pytest.approx(value)
    assert float(any_honours_probability(arr, rho)) == pytest.approx(
        1 - float(all_honour_probability(1 - arr, rho)), abs=1e-12)


class TestBurden:
    def test_shares_sum_to_100(self, nato):
        by_state = nato["burden"]["by_state"].values()
        for share in ("gdp_share", "pop_share", "spending_share"):
            assert sum(s[share] for s in by_state if s[share] is not None) == \
                pytest.approx(100.0)

    def test_everyone_at_3_5_pct_complies(self, store_home, system, fitted, nato):
        codes = system.treaty("book:nato").members_on(DAY)
        out = system_metrics(system, DAY, "NATO", fitted=fitted,
                             spending=dict.fromkeys(codes, 3.5))["burden"]
        c = out["compliance"]
        assert c["n_members"] == 32 and c["missing"] == []  # Iceland too, at 3.5% of GDP
        assert c["share_at_2pct"] == 100.0 and c["share_at_3_5pct"] == 100.0
        for s in out["by_state"].values():  # equal burdens: cost share = GDP share
            assert s["spending_share"] == pytest.approx(s["gdp_share"])
            assert s["overridden"] and s["milex_gdp_pct"] == 3.5
        assert out["exploitation"]["spearman"] is None  # no variation in burden
        assert nato["burden"]["compliance"]["share_at_2pct"] < 100.0


class TestRemovingAMember:
    def test_turkey_leaves(self, store_home, without_turkey, fitted, nato):
        out = system_metrics(without_turkey, DAY, "NATO", fitted=fitted)
        assert "TUR" not in out["alliance"]["members"]
        assert len(out["alliance"]["members"]) == 31
        for section in ("coverage", "consensus", "burden", "network"):
            by = out[section].get("by_state") or out[section]["degree"]
            assert "TUR" not in by, section
        assert out["cohesion"]["similarity"]["mean"] != \
            nato["cohesion"]["similarity"]["mean"]
        before, after = nato["network"]["pledges_in"], out["network"]["pledges_in"]
        assert all(after[k] <= before[k] for k in after)
        assert sum(after.values()) < sum(before[k] for k in after)
        assert out["network"]["edges"] < nato["network"]["edges"]


class TestNetwork:
    def test_blocs_hold_every_member_once(self, nato):
        net = nato["network"]
        held = [k for bloc in net["blocs"] for k in bloc]
        assert len(held) == len(set(held))
        assert set(nato["alliance"]["members"]) <= set(held)
        assert net["member_blocs"] == len(net["blocs"]) <= net["n_blocs"]
        sizes = [len(b) for b in net["blocs"]]
        assert sizes == sorted(sizes, reverse=True)
        assert -0.5 <= net["modularity"] < 1

    def test_same_seed_same_blocs(self, store_home, system, nato):
        from foedus.counterfactual.network import defence_network, state_keys

        members = system.treaty("book:nato").members_on(DAY)
        pledges = list(system.as_of(DAY).pledges())
        again = defence_network(pledges, members, DAY, state_keys(members, DAY), seed=0)
        assert again == nato["network"]
