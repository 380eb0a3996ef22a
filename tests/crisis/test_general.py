"""The general-deterrence layer (``foedus.crisis.general``) on data whose answers are known:
dyad-years drawn from a known opportunity model (the static fit must recover it and its
intervals must cover), series with a known time trend (the leave-a-decade-out intervals
of the time-varying model cover the left-out decades at about the nominal rate; the same
model with its random walk frozen, a static intercept, does not), the random walk's
conditional for a decade without data, the dispersion measures worked by hand or against
simulation, the cell bookkeeping on hand-made examples, and the record's shape (schema).
"""

from __future__ import annotations

import json
from importlib import resources

import numpy as np
import pandas as pd
import pytest
from scipy.special import expit

from foedus.crisis import general

from helpers import schema_validator

#: A short σ grid for the tests (the shipped grid has ten points).
SIGMAS = (0.05, 0.15, 0.4, 1.0, 2.5)


class TestOpportunity:
    def test_fit_recovers_gamma_and_the_interval_covers(self):
        """Dyad-years drawn from Pr = Λ(zγ)·e with a known γ: the maximum likelihood is
        within 3 standard errors of γ, and a fresh sample's count lies in the 95%
        predictive interval of every cell."""
        from foedus.crisis.general import _design, cells, fit_opportunity

        rng = np.random.default_rng(5)
        n = 30_000
        frame = pd.DataFrame({"conttype": rng.choice([0, 1, 3], n, p=[0.3, 0.5, 0.2]),
                              "km": rng.uniform(50, 8000, n),
                              "major_challenger": rng.random(n) < 0.2,
                              "major_target": rng.random(n) < 0.2})
        engine = rng.uniform(0.05, 0.9, n)
        gamma = np.array([-1.0, 1.2, 0.6, -0.35, 0.8, 0.3])
        p = expit(_design(frame) @ gamma) * engine
        y = rng.random(n) < p
        model = fit_opportunity(frame, engine, y, seed=0)
        assert model["converged"]
        assert np.all(np.abs(np.array(model["coef"]) - gamma) <= 3 * np.array(model["se"]))
        fresh = rng.random(n) < p
        masks = {"all": np.ones(n, bool), "contiguous": frame["conttype"].to_numpy() == 1,
                 "major": frame["major_challenger"].to_numpy()}
        out = cells(frame, engine, fresh, model, masks, seed=1)
        for name, c in out.items():
            assert c["inside"], (name, c)
            assert c["observed"] == int(fresh[masks[name]].sum())

    def test_world_means_by_hand(self):
        """A target of capability 1 with one holder of 1 (nuclear) joining in half the
        draws, against a challenger of 2: X̄ = (1/3 + 0)/2 over the draws; Π̄ = q/2."""
        from foedus.crisis.general import world_means

        joined = np.zeros((4, 1), bool)
        joined[:2, 0] = True
        profile = {"joined": np.packbits(joined, axis=1), "n": 1, "c": np.array([1.0]),
                   "nk": np.array([1], np.int8), "own": 1.0, "nuclear": False}
        esc = 1 - (1 - 0.2) ** np.arange(4)
        x, pi = world_means(profile, None, 2.0, esc)
        assert x == pytest.approx((0.0 + 1 / 3) / 2)
        assert pi == pytest.approx(0.2 / 2)
        x0, pi0 = world_means(profile, np.array([False]), 2.0, esc)
        assert x0 == pytest.approx(1 / 3) and pi0 == 0.0


def trended(seed: int, per_decade: int = 1500, first: int = 1810, last: int = 2000
            ) -> dict:
    """Dyad-years with a known decade trend in both channels: the war channel's log odds
    rise then fall (a peak in the 1910s-1940s), the low-level channel's rise steadily,
    with fixed structural and protection effects; every event its own cluster."""
    rng = np.random.default_rng(seed)
    decades = np.arange(first, last + 1, 10)
    year = np.concatenate([rng.integers(d, d + 10, per_decade) for d in decades])
    n = len(year)
    frame = pd.DataFrame({"challenger": rng.integers(2, 900, n),
                          "target": rng.integers(2, 900, n), "year": year,
                          "conttype": rng.choice([0, 1, 3], n, p=[0.4, 0.4, 0.2]),
                          "km": rng.uniform(50, 8000, n),
                          "major_challenger": rng.random(n) < 0.2,
                          "major_target": rng.random(n) < 0.2})
    engine = rng.uniform(0.05, 0.6, n)
    pact = rng.random(n) < 0.5
    guarantor = pact & (rng.random(n) < 0.5)
    nato = pact & (year >= 1950)
    t = (general.decade_of(year) - 1930) / 100
    xs = general._design(frame)[:, 1:]
    beta_war = np.array([1.0, 0.5, -0.2, 0.3, 0.2])
    beta_low = np.array([0.8, 0.4, -0.1, 0.2, 0.1, 0.3, -0.2])
    p_war = expit(-2.6 - 4.0 * t ** 2 + xs @ beta_war) * engine
    xl = np.column_stack([xs, pact, guarantor])
    p_low = expit(-5.0 + 1.5 * t + xl @ beta_low)
    war = rng.random(n) < p_war
    low = (rng.random(n) < p_low) & ~war
    force = low | (war & (rng.random(n) < 0.4))
    y = pd.DataFrame({"force": force, "war": war,
                      "force_dispute": np.where(force, np.arange(n), -1),
                      "war_number": np.where(war, np.arange(n), -1)})
    return {"frame": frame, "engine": engine, "has_pact": pact, "guarantor": guarantor,
            "y": y, "nato": nato}


@pytest.fixture(scope="module")
def synthetic():
    return trended(11)


@pytest.fixture(scope="module")
def decades_out(synthetic):
    d = synthetic
    return general.leave_decade_out(d["frame"], d["engine"], d["has_pact"],
                                    d["guarantor"], d["y"], d["nato"], seed=0, draws=200,
                                    sigmas=SIGMAS)


class TestTimeVarying:
    def test_left_out_decades_are_covered_at_about_the_nominal_rate(self, decades_out):
        """A known trend in both channels: each left-out decade's count lies in its 95%
        interval in at least 17 of the 20 decades (at 95% coverage, 17 or more happen
        with probability 0.98) for the war and the low-level channel. (Over six such
        series the coverage was 357 of 360: conservative for a smooth trend.)"""
        for outcome in ("war", "force_short_of_war", "force"):
            block = decades_out[outcome]
            assert len(block["by_decade"]) == 20
            assert block["decades_inside"] >= 17, (outcome, block["by_decade"])

    def test_a_static_intercept_fails_the_same_check(self, synthetic):
        """The same model with its random walk frozen (σ = 0.001: one intercept for every
        decade, a static opportunity model) misses most left-out decades of a trended
        series."""
        d = synthetic
        static = general.leave_decade_out(d["frame"], d["engine"], d["has_pact"],
                                          d["guarantor"], d["y"], d["nato"], seed=0,
                                          draws=100, sigmas=(0.001,))
        for outcome in ("war", "force_short_of_war"):
            assert static[outcome]["decades_inside"] <= 12, static[outcome]["by_decade"]

    def test_cells_count_what_happened(self, synthetic, decades_out):
        """The observed count of every cell is the events in its dyad-years: uses of
        force to 2010 (here all years), wars to 2003; the after-1945 cells are the same
        over the later years; the low-level channel's events are the uses of force that
        are not a war initiation of the same dyad-year (after 2003, without COW war data,
        every use of force); the decades' expectations add up to the cell's."""
        d = synthetic
        year = d["frame"]["year"].to_numpy()
        pact, guarantor = d["has_pact"], d["guarantor"]
        force = d["y"]["force"].to_numpy()
        war = d["y"]["war"].to_numpy() & (year <= 2003)    # no COW war data after 2003
        low = force & ~war
        expect = {"all": np.ones(len(year), bool), "defence_pact": pact,
                  "no_defence_pact": ~pact, "nuclear_protector": guarantor,
                  "no_nuclear_protector": ~guarantor,
                  "nato_member_1949_2003": d["nato"] & (year <= 2003)}
        for outcome, events in (("force", force), ("war", war),
                                ("force_short_of_war", low)):
            block = decades_out[outcome]
            for name, mask in expect.items():
                c = block["cells"][name]
                assert c["observed"] == int((events & mask).sum()), (outcome, name)
                a = block["after_1945"][name]
                assert a["observed"] == int((events & mask & (year > 1945)).sum())
                assert c["interval"][0] <= c["expected"] <= c["interval"][1]
            assert sum(b["observed"] for b in block["by_decade"]) == block["cells"][
                "all"]["observed"]
            assert sum(b["expected"] for b in block["by_decade"]) == pytest.approx(
                block["cells"]["all"]["expected"])


class TestDecadeModel:
    def test_a_decade_without_data_is_the_random_walk_s_conditional(self):
        """Five decades, the middle one without rows, the others with so many that their
        α is practically known: the left-out α's draws centre on the mean of its
        neighbours, with variance the σ-mixture's E[σ²]/2 (the RW1 conditional)."""
        rng = np.random.default_rng(2)
        alpha = np.array([-3.0, -2.8, 0.0, -2.0, -1.8])
        decades = [1900, 1910, 1920, 1930, 1940]
        dec = np.repeat([0, 1, 3, 4], 60_000)
        x = rng.normal(size=(len(dec), 1))
        y = rng.random(len(dec)) < expit(0.5 * x[:, 0] + alpha[dec])
        model = general.fit_decades(x, np.array(decades)[dec], decades, y, terms=("x",),
                                    sigmas=(0.2, 0.4, 0.8), draws=4000, seed=1)
        draws = np.asarray(model["draws"])
        left = draws[:, 1 + 2]
        w = np.asarray(model["sigma"]["weights"])
        assert left.mean() == pytest.approx((-2.8 - 2.0) / 2, abs=0.05)
        assert left.var() == pytest.approx(w @ np.array([0.2, 0.4, 0.8]) ** 2 / 2,
                                           rel=0.15)
        assert model["coef"][0] == pytest.approx(0.5, abs=0.03)

    def test_the_product_model_recovers_a_known_engine_effect(self):
        """Pr = Λ(xβ + α_d)·e with a known e per row: β and the α within 3 standard
        errors."""
        rng = np.random.default_rng(4)
        decades = [1900, 1910, 1920]
        dec = rng.integers(0, 3, 80_000)
        x = rng.normal(size=(len(dec), 2))
        e = rng.uniform(0.1, 0.9, len(dec))
        beta, alpha = np.array([0.7, -0.4]), np.array([-1.5, -1.2, -0.9])
        y = rng.random(len(dec)) < expit(x @ beta + alpha[dec]) * e
        model = general.fit_decades(x, np.array(decades)[dec], decades, y, e,
                                    terms=("a", "b"), sigmas=(0.3, 1.0), seed=0)
        truth = np.concatenate([beta, alpha])
        assert np.all(np.abs(np.array(model["coef"]) - truth) <= 3 * np.array(model["se"]))

    def test_rw1_precision(self):
        """Q = DᵀD of three decades: the path graph's Laplacian, rank 2."""
        q = general.rw1_precision(3)
        assert q.tolist() == [[1, -1, 0], [-1, 2, -1], [0, -1, 1]]
        assert np.linalg.matrix_rank(q) == 2


class TestDispersion:
    def test_cluster_ratio_by_hand(self):
        """Events of clusters a, a, b: sizes 2 and 1, φ = (4 + 1)/3; single events 1."""
        assert general.cluster_dispersion(np.array([7, 7, 9])) == pytest.approx(5 / 3)
        assert general.cluster_dispersion(np.array([1, 2, 3])) == 1.0
        assert general.cluster_dispersion(np.array([], int)) == 1.0

    def test_nb1_mean_and_variance(self):
        """The gamma-Poisson counts have mean λ and variance φλ; φ = 1 is Poisson."""
        rng = np.random.default_rng(0)
        for phi in (1.0, 2.5):
            c = general.nb1_counts(np.full(200_000, 12.0), phi, rng)
            assert c.mean() == pytest.approx(12.0, rel=0.01)
            assert c.var() == pytest.approx(12.0 * phi, rel=0.03)
        assert general.nb1_counts(np.zeros(3), 2.0, rng).tolist() == [0, 0, 0]

    def test_compound_poisson_variance_is_the_cluster_ratio(self):
        """Clusters of sizes 1 or 4 (equally likely), Poisson(5) of them: the count's
        variance-to-mean ratio is E[K²]/E[K] = 8.5/2.5 = 3.4, and the ratio of a large
        sample's events estimates it."""
        rng = np.random.default_rng(1)
        n = rng.poisson(5, 100_000)
        sizes = [rng.choice([1, 4], k) for k in n]
        totals = np.array([s.sum() for s in sizes])
        assert totals.var() / totals.mean() == pytest.approx(3.4, rel=0.03)
        ids = np.concatenate([np.repeat(np.arange(len(s)) + 10 * i, s)
                              for i, s in enumerate(sizes[:2000])])
        assert general.cluster_dispersion(ids) == pytest.approx(3.4, rel=0.1)

    def test_pearson_by_hand_and_its_power(self):
        """X² of counts (3, 5) against (4, 4) is 1/4 + 1/4 on 2 − 1 df; Poisson counts
        pass, NB1 counts with φ = 3 fail."""
        out = general.dispersion_test(np.array([3, 5]), np.array([4.0, 4.0]), 1)
        assert out["pearson_chi2"] == pytest.approx(0.5) and out["df"] == 1
        rng = np.random.default_rng(3)
        lam = np.full(200, 20.0)
        assert general.dispersion_test(rng.poisson(lam), lam, 0)["p_value"] > 0.001
        over = general.dispersion_test(general.nb1_counts(lam, 3.0, rng), lam, 0)
        assert over["p_value"] < 1e-6 and over["phi"] > 2


class TestBookkeeping:
    def test_pooled_cells_by_hand(self):
        """Two left-out decades whose simulations are all 2 and all 3: the pooled count
        is 5 in every simulation, its interval [5, 5]; 5 observed is inside, 6 is not;
        the expectation is the sum of the decades' means."""
        sims = {"a": [np.full(10, 2), np.full(10, 3)], "b": [np.full(10, 2),
                                                           np.full(10, 3)]}
        out = general.pooled_cells({"a": 5, "b": 6}, {"a": 1000, "b": 10},
                                   sims, {"a": [2.0, 3.0], "b": [1.5, 2.5]})
        assert out["a"]["interval"] == [5.0, 5.0] and out["a"]["inside"]
        assert not out["b"]["inside"] and out["b"]["expected"] == 4.0
        assert out["a"]["rate_per_1000"] == 5.0 and out["b"]["rate_per_1000"] == 600.0
        assert out["a"]["p_zero"] == 0.0

    def test_cell_masks_by_hand(self):
        """Four dyad-years: the NATO cell keeps members 1949–2003 only."""
        pact = np.array([True, True, False, True])
        guarantor = np.array([True, False, False, True])
        nato = np.array([True, True, False, True])
        year = np.array([1948, 1960, 1960, 2004])
        m = general._cell_masks(pact, guarantor, nato, year)
        assert m["nato_member_1949_2003"].tolist() == [False, True, False, False]
        assert m["no_defence_pact"].tolist() == [False, False, True, False]
        assert m["nuclear_protector"].tolist() == [True, False, False, True]
        assert m["all"].all()

    def test_nato_statements(self):
        """A war against a member placed outside Art. 6 counts none on Art. 6 territory;
        an unplaced one makes the count unknown (null), never zero."""
        frame = pd.DataFrame({"challenger": [160, 2], "target": [200, 200],
                              "year": [1982, 1990]})
        y = pd.DataFrame({"war": [True, False]})
        cells = {"nato_member_1949_2003": {"p_zero": 0.01}}
        out = general.nato_statements(frame, y, np.array([True, True]), cells)
        assert out["wars_on_art6_territory"] == 0
        assert out["wars_against_members"][0]["art6"] is False
        y2 = pd.DataFrame({"war": [True, True]})
        assert general.nato_statements(frame, y2, np.array([True, True]), cells)[
            "wars_on_art6_territory"] is None


class TestRecordShape:
    def test_the_general_block_is_a_validate_answer(self, synthetic, decades_out):
        """The shipped validation record with its general block replaced by one of the
        time-varying model (leave-one-decade-out blocks, a static block, the channels,
        dispersion and NATO statements) is a ``crisis validate`` answer; a block without
        its static comparison is not."""
        d = synthetic
        record = json.loads(resources.files("foedus.crisis").joinpath(
            "validation.json").read_text("utf-8"))
        fits = general.full_fits(d["frame"], d["engine"], d["has_pact"], d["guarantor"],
                                 d["y"], seed=0, draws=20, sigmas=SIGMAS)
        block = {k: dict(v) for k, v in decades_out.items()}
        for outcome, channel in (("war", "war"), ("force", "force_short_of_war"),
                                 ("force_short_of_war", "force_short_of_war")):
            block[outcome]["opportunity"] = {k: fits[channel][k] for k in (
                "terms", "coef", "se", "n", "events", "years")}
        shipped = record["general"]
        static = shipped.get("static", shipped)  # the static model's blocks, either record
        block.update(design="leave_one_decade_out", static=static,
                     channels=general.CHANNELS,
                     dispersion={k: fits[k]["dispersion"] for k in ("war",
                                                                    "force_short_of_war")},
                     nato=general.nato_statements(d["frame"], d["y"], d["nato"],
                                                  block["war"]["cells"]),
                     dyad_years=len(d["frame"]), profiles=0)
        block["static"] = {k: static[k] for k in ("force", "war")}
        record["general"] = json.loads(json.dumps(block))
        validator = schema_validator("crisis-validate")
        errors = sorted(validator.iter_errors(record), key=str)
        assert not errors, [e.message for e in errors[:5]]
        del record["general"]["static"]
        assert list(validator.iter_errors(record))

    def test_the_shipped_opportunity_block(self):
        """``fitted.json``'s opportunity block is the time-varying model: both channels,
        a name per coefficient, draws over every coefficient, σ weights summing to 1."""
        fitted = json.loads(resources.files("foedus.crisis").joinpath(
            "fitted.json").read_text("utf-8"))
        block = fitted["opportunity"]
        assert set(block) == {"war", "force_short_of_war"}
        for m in block.values():
            assert len(m["terms"]) == len(m["coef"]) == len(m["se"])
            assert np.asarray(m["draws"]).shape[1] == len(m["coef"])
            assert sum(m["sigma"]["weights"]) == pytest.approx(1.0)
        assert block["war"]["engine_factor"] and not block[
            "force_short_of_war"]["engine_factor"]

    def test_the_evidence_note_names_the_design(self):
        """The answers' evidence note says how the cells were tested: each decade left out
        for a record of the time-varying model (test years from 1816), the 1945 split for
        the static one's; the verdict counts the 12 cells either way."""
        from foedus.crisis.evidence import evidence

        record = json.loads(resources.files("foedus.crisis").joinpath(
            "validation.json").read_text("utf-8"))
        shipped = record["general"]
        if "static" in shipped:  # a time-varying record: its static model's blocks alone
            record["general"] = {**shipped["static"], "dyad_years": shipped["dyad_years"],
                                 "profiles": shipped["profiles"]}
        static = evidence(record)
        line = next(n for n in static.notes if "general-deterrence check" in n)
        assert "fitted to 1945 and tested after" in line
        for outcome in ("force", "war"):
            record["general"][outcome]["test_years"] = [1816, 2010]
            for c in record["general"][outcome]["cells"].values():
                c["inside"] = True
        record["general"]["war"]["cells"]["nuclear_protector"]["inside"] = False
        found = evidence(record)
        line = next(n for n in found.notes if "general-deterrence check" in n)
        assert "each decade forecast from a fit on the others" in line
        assert "FAILS: 11 of 12 cells" in line
        assert [(c.outcome, c.cell) for c in found.general.outside] == [
            ("war", "nuclear_protector")]


class TestEngineMoments:
    def test_draw_moments_by_hand(self):
        """The profile of test_world_means_by_hand, nuclear target: X̄ = (1/3 + 0)/2; k is
        1 (the target's own weapons) in the draws without the holder and 2 with it, so the
        shares are (0, ½, ½) and Π̄(q) = ½q + ½(1 − (1 − q)²); world_means agrees."""
        from foedus.crisis.general import (
            _draw_moments,
            nuclear_risk,
            nuclear_risk_parts,
            world_means,
        )

        joined = np.zeros((4, 1), bool)
        joined[:2, 0] = True
        profile = {"joined": np.packbits(joined, axis=1), "n": 1, "c": np.array([1.0]),
                   "nk": np.array([1], np.int8), "own": 1.0, "nuclear": True}
        x, k = _draw_moments(profile, None, 2.0)
        assert x == pytest.approx((0.0 + 1 / 3) / 2)
        np.testing.assert_allclose(k, [0.0, 0.5, 0.5])
        q = 0.2
        assert nuclear_risk(k, q)[0] == pytest.approx(0.5 * q + 0.5 * (1 - (1 - q) ** 2))
        esc = 1 - (1 - q) ** np.arange(256)
        assert world_means(profile, None, 2.0, esc) == pytest.approx((x, nuclear_risk(k, q)[0]))
        own, rest = nuclear_risk_parts(k, np.array([True]), q)
        assert own[0] == pytest.approx(q) and rest[0] == pytest.approx(0.5 * (1 - q) * q)
        # no profile: the challenger wins outright if it has any capability, k = 0
        x0, k0 = _draw_moments(None, None, 0.5)
        assert x0 == 1.0 and nuclear_risk(k0, q)[0] == 0.0

    def test_decide_prices_the_target_own_weapons_apart(self):
        """``_decide`` (the general check's Pr(attack | opportunity), vectorised) equals
        the scenario engine's :func:`foedus.crisis.decision.integral` at the same world
        means, with the target's own part q priced with N_own and the rest with N_ext:
        two dyad-years with the same Π̄, one from the target's own weapons, one from a
        protector's."""
        from foedus.crisis.decision import integral, own_risk
        from foedus.crisis.general import _decide

        q = 0.1
        m = {"x": np.array([0.3, 0.3]), "a": np.array([0.0, 1.0]),
             "k": np.array([[0.0, 1.0], [0.0, 1.0]]), "target_nuclear": np.array([True,
                                                                                  False])}
        est = {"war_cost": 0.5, "nuclear_cost": 60.0, "nuclear_cost_own": 6.0, "scale": 0.4,
               "nuclear_value": 0.2}
        decision = {"value": [0.5, 1.5], "cost_tolerance": [0.5, 2.0],
                    "estimates": {k: {"mean": v} for k, v in est.items()}}
        got = _decide(m, decision, q=q)
        params = {"value": (0.5, 1.5), "cost_tolerance": (0.5, 2.0), **est}
        for i in range(2):
            want, _ = integral(0.3, q, float(m["a"][i]), params,
                               own_risk(q, bool(m["target_nuclear"][i])))
            assert got[i] == pytest.approx(want, abs=1e-12)
        one_cost = _decide(m, {**decision, "estimates": {
            **decision["estimates"], "nuclear_cost_own": {"mean": 60.0}}}, q=q)
        assert got[0] > one_cost[0] and got[1] == pytest.approx(one_cost[1], abs=1e-15)

    def test_war_log_likelihood_recovers_the_nuclear_cost(self):
        """Dyad-years whose war probability is Λ(xβ + α_d) × Pr(attack | N) from the decision
        with a known nuclear cost N = 40 (a third of them facing nuclear risk): the profile
        likelihood over a grid of N, the decade effects and structure refitted each time, is
        highest at the grid point nearest 40, and far lower at N = 0 or 400."""
        from foedus.crisis.fit import p_attack_cases
        from foedus.crisis.general import _design, decade_of, war_log_likelihood

        rng = np.random.default_rng(3)
        n = 60_000
        year = rng.integers(1900, 2000, n)
        frame = pd.DataFrame({"year": year, "conttype": rng.choice([0, 1, 3], n),
                              "km": rng.uniform(50, 8000, n),
                              "major_challenger": rng.random(n) < 0.2,
                              "major_target": rng.random(n) < 0.2})
        x = rng.uniform(-0.8, 0.8, n)
        pi = np.where(rng.random(n) < 1 / 3, rng.uniform(0.01, 0.06, n), 0.0)
        a = (rng.random(n) < 0.1).astype(float)
        params = {"value": (0.5, 1.5), "cost_tolerance": (0.5, 2.0), "war_cost": 1.5,
                  "scale": 0.5, "nuclear_value": 0.0}
        beta = np.array([1.0, 0.5, -0.2, 0.3, 0.2])
        alpha = -1.5 - 0.5 * np.sin((decade_of(year) - 1900) / 30)
        opp = expit(_design(frame)[:, 1:] @ beta + alpha)
        war = rng.random(n) < opp * p_attack_cases(x, pi, a, {**params, "nuclear_cost": 40.0})
        grid = (0.0, 10.0, 40.0, 160.0, 400.0)
        ll = [war_log_likelihood(frame, p_attack_cases(x, pi, a, {**params,
                                                                  "nuclear_cost": g}), war)
              for g in grid]
        assert int(np.argmax(ll)) == 2, ll
        assert max(ll) - ll[0] > 2 and max(ll) - ll[-1] > 2
