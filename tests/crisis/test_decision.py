"""The challenger's ex-ante choice (``foedus.crisis.decision``) on worlds known by hand.

Pr(attack) is checked against an independent computation (scipy's adaptive ``dblquad`` of
the logistic over the uniform types), against the limit of a vanishing random-utility
scale (the share of the type box where the expected utility is positive, by a fine grid),
and its Monte Carlo standard error against the spread of independent runs.
"""

from __future__ import annotations

import math
from typing import ClassVar

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate
from scipy.special import expit

from foedus.crisis.decision import WorldMoments, decide, integral, nuclear_costs, own_risk
from foedus.crisis.run import run

PARAMS = {"value": (0.5, 1.5), "cost_tolerance": (0.5, 2.0), "war_cost": 0.2,
          "nuclear_cost": 3.0, "nuclear_escalation": 0.1, "scale": 0.4, "nuclear_value": 0.3}


def by_dblquad(x: float, pi: float, a: float, p: dict) -> float:
    """Pr(attack) by adaptive quadrature: ∫∫ Λ(U(V, τ)/σ) dV dτ / area."""
    (v0, v1), (t0, t1) = p["value"], p["cost_tolerance"]

    def f(t, v):
        u = v * x - (p["war_cost"] + p["nuclear_cost"] * pi) / t + p["nuclear_value"] * a
        return expit(u / p["scale"])

    value, _ = integrate.dblquad(f, v0, v1, t0, t1, epsabs=1e-11, epsrel=1e-11)
    return value / ((v1 - v0) * (t1 - t0))


class TestIntegral:
    @pytest.mark.parametrize(("x", "pi", "a"), [(0.5, 0.0, 0.0), (-0.3, 0.2, 1.0),
                                                 (0.9, 0.6, 0.0), (0.0, 0.0, 1.0)])
    def test_quadrature_against_dblquad(self, x, pi, a):
        p, _ = integral(x, pi, a, PARAMS)
        assert p == pytest.approx(by_dblquad(x, pi, a, PARAMS), abs=1e-9)

    def test_point_types_are_one_logistic(self):
        p = {**PARAMS, "value": (1.2, 1.2), "cost_tolerance": (0.8, 0.8)}
        u = 1.2 * 0.4 - (0.2 + 3.0 * 0.1) / 0.8 + 0.3 * 1.0
        assert integral(0.4, 0.1, 1.0, p)[0] == pytest.approx(expit(u / 0.4), abs=1e-15)

    def test_gradient_by_finite_differences(self):
        base = np.array([0.2, 0.15, 0.5])
        _, grad = integral(*base, PARAMS)
        for i in range(3):
            step = np.zeros(3)
            step[i] = 1e-6
            up, down = integral(*(base + step), PARAMS)[0], integral(*(base - step), PARAMS)[0]
            assert grad[i] == pytest.approx((up - down) / 2e-6, rel=1e-5, abs=1e-9)

    @settings(derandomize=True, max_examples=60)
    @given(x=st.floats(-1, 1), pi=st.floats(0, 1), a=st.floats(0, 1),
           cost=st.floats(0, 3), scale=st.floats(0.05, 5), lam=st.floats(-2, 2))
    def test_never_zero_or_one(self, x, pi, a, cost, scale, lam):
        """No verdict is 0 or 1 by construction: every type attacks with probability
        strictly between 0 and 1 (a logistic of a bounded utility)."""
        p, _ = integral(x, pi, a, {**PARAMS, "war_cost": cost, "scale": scale,
                                   "nuclear_value": lam})
        assert 0.0 < p < 1.0


class TestToyCrises:
    def test_equal_ally_deters_some_types_and_not_others(self, toy):
        """Attacker 2.2 against a target of 1 with a certain ally of 1: P = 2.2/4.2, a win
        margin of 1/21. With war cost 0.05 the expected utility V/21 − 0.05/τ is positive
        only for valuable objectives and tolerant types; as σ → 0 Pr(attack) is the share
        of the (V, τ) box where it is, computed here on a fine grid."""
        c = toy(2, [(1, 0, 1.0)], capability=[1.0, 1.0], attacker_capability=2.2,
                value=(0.5, 1.5), cost_tolerance=(0.5, 2.0), war_cost=0.05, scale=1e-4)
        r = run(c, draws=2000, seed=1)
        x = 2 * 2.2 / 4.2 - 1
        assert r.tally.world.sum_x / 2000 == pytest.approx(x)
        v, t = np.meshgrid(np.linspace(0.5, 1.5, 4001), np.linspace(0.5, 2.0, 4001))
        share = float(np.mean(v * x - 0.05 / t > 0))
        p_attack, se = r.p_attack
        assert 0.05 < share < 0.95
        assert p_attack == pytest.approx(share, abs=2e-3)
        assert se == pytest.approx(0.0, abs=1e-12)  # a world without uncertainty
        assert 0 < r.p_deterred[0] < 1

    def test_without_the_ally_every_type_attacks_more(self, toy):
        common = {"capability": [1.0, 1.0], "attacker_capability": 2.2,
                  "value": (0.5, 1.5), "cost_tolerance": (0.5, 2.0), "war_cost": 0.05,
                  "scale": 0.2}
        alone = run(toy(2, [(1, 0, 0.0)], **common), draws=4000, seed=1).p_attack[0]
        allied = run(toy(2, [(1, 0, 1.0)], **common), draws=4000, seed=1).p_attack[0]
        assert alone > allied

    def test_nuclear_weapons_on_both_sides(self, toy):
        """A sure nuclear-armed ally: Π̄ = q; N raises the cost of attacking. The
        attacker's own weapons add λ: with λ > 0 it attacks more, with λ = 0 no more."""
        base = {"capability": [1.0, 1.0], "attacker_capability": 3.0, "scale": 0.3,
                "war_cost": 0.1, "nuclear_cost": 2.0, "nuclear_escalation": 0.25}
        plain = run(toy(2, [(1, 0, 1.0)], **base), draws=2000, seed=1)
        nuclear = run(toy(2, [(1, 0, 1.0)], guarantor=[1], **base), draws=2000, seed=1)
        assert nuclear.decision.pi == pytest.approx(0.25)
        assert nuclear.p_attack[0] < plain.p_attack[0]
        both = run(toy(2, [(1, 0, 1.0)], guarantor=[1], attacker_nuclear=True,
                       nuclear_value=0.5, **base), draws=2000, seed=1)
        inert = run(toy(2, [(1, 0, 1.0)], guarantor=[1], attacker_nuclear=True,
                        nuclear_value=0.0, **base), draws=2000, seed=1)
        assert both.decision.a == 1.0
        assert both.p_attack[0] > nuclear.p_attack[0] == pytest.approx(inert.p_attack[0])

    def test_informal_pledge_joins_with_its_own_probability(self, toy, within):
        """An informal commitment enters as one draw of p ~ Beta(α, β) per coefficient row
        (:func:`foedus.crisis.informal.log_odds`), not as zero: Beta(2, 6) has mean 1/4.
        The ally joins in that share of the draws; the challenger's win margin is the
        mixture of the two worlds (alone: 2·2.2/3.2 − 1; with the ally: 2·2.2/4.2 − 1),
        and Pr(attack) is the integral at that mean — between no pledge and a sure one."""
        import dataclasses

        from foedus.crisis.informal import log_odds

        common = {"capability": [1.0, 1.0], "attacker_capability": 2.2,
                  "value": (0.5, 1.5), "cost_tolerance": (0.5, 2.0), "war_cost": 0.05,
                  "scale": 0.2}
        c = dataclasses.replace(toy(2, [(1, 0, 0.5)], **common),
                                edge_logit=log_odds(2.0, 6.0, 4000, 1, seed=3))
        n = 40_000
        r = run(c, draws=n, seed=1)
        rows_mean = float(expit(c.edge_logit).mean())
        assert rows_mean == pytest.approx(0.25, abs=0.01)
        joined = int(r.tally.drawn_in[1])
        assert within(joined, n, rows_mean)
        share = joined / n
        x = share * (2 * 2.2 / 4.2 - 1) + (1 - share) * (2 * 2.2 / 3.2 - 1)
        assert r.tally.world.sum_x / n == pytest.approx(x)
        assert r.p_attack[0] == pytest.approx(integral(x, 0.0, 0.0, c.params)[0], abs=1e-12)
        alone = run(toy(2, [(1, 0, 0.0)], **common), draws=n, seed=1).p_attack[0]
        sure = run(toy(2, [(1, 0, 1.0)], **common), draws=n, seed=1).p_attack[0]
        assert sure < r.p_attack[0] < alone

    def test_escalation_compounds_over_guarantors(self, toy):
        """Two sure nuclear allies, q = 0.5: π = 1 − 0.5² = 0.75."""
        c = toy(3, [(1, 0, 1.0), (2, 0, 1.0)], guarantor=[1, 2], nuclear_escalation=0.5,
                attacker_capability=1.0)
        assert run(c, draws=500, seed=0).decision.pi == pytest.approx(0.75)

    def test_standard_error_matches_the_spread_of_runs(self, toy):
        """The delta-method error against the standard deviation of 40 independent runs
        (its own relative error is about 11%)."""
        c = toy(3, [(1, 0, 0.5), (2, 0, 0.3)], guarantor=[2], capability=[0.5, 1.0, 1.0],
                attacker_capability=2.0, value=(0.5, 1.5), cost_tolerance=(0.5, 2.0),
                war_cost=0.1, nuclear_cost=1.0, nuclear_escalation=0.3, scale=0.3)
        runs = [run(c, draws=4000, seed=s) for s in range(40)]
        spread = float(np.std([r.p_attack[0] for r in runs], ddof=1))
        reported = float(np.mean([r.p_attack[1] for r in runs]))
        assert 0.65 < reported / spread < 1.5

    def test_parameter_draws_average(self, toy):
        c = toy(1, capability=[1.0], attacker_capability=2.0, scale=0.5)
        r = run(c, draws=500, seed=0)
        low = decide(r.tally.world, {**c.params, "war_cost": 0.1})
        high = decide(r.tally.world, {**c.params, "war_cost": 0.9})
        both = decide(r.tally.world, c.params, [{"war_cost": 0.1}, {"war_cost": 0.9}])
        assert both.p_attack == pytest.approx((low.p_attack + high.p_attack) / 2)
        assert both.interval[0] == pytest.approx(high.p_attack + 0.05 * (
            low.p_attack - high.p_attack))


class TestOwnAndProtectors:
    """Engine 2.1: the target's own weapons (N_own) and its protectors' (N_ext) priced
    apart (``foedus.crisis.decision``, module docstring)."""

    COMMON: ClassVar[dict] = {
        "capability": [1.0, 0.0], "attacker_capability": 1.5, "value": (0.5, 1.5),
        "cost_tolerance": (0.5, 2.0), "war_cost": 0.1, "scale": 0.3,
        "nuclear_escalation": 0.2, "nuclear_value": 0.0}

    def pair(self, toy, **costs):
        """The same war twice, Π̄ = q in every draw: a nuclear-armed target with a sure
        unarmed protector of no capability, and an unarmed target with a sure
        nuclear-armed one (X̄ identical: the protector adds no capability)."""
        own = run(toy(2, [(1, 0, 1.0)], guarantor=[0], **self.COMMON, **costs), draws=300,
                  seed=0)
        ext = run(toy(2, [(1, 0, 1.0)], guarantor=[1], **self.COMMON, **costs), draws=300,
                  seed=0)
        return own, ext

    def test_equal_risk_different_costs(self, toy):
        """N_own ≠ N_ext: equal Π̄ but different Pr(attack), each the independent
        double integral (``dblquad``) at its own cost N·q."""
        own, ext = self.pair(toy, nuclear_cost=40.0, nuclear_cost_own=4.0)
        x = (1.5 - 1.0) / (1.5 + 1.0)
        for r in (own, ext):
            assert r.decision.pi == pytest.approx(0.2)
            assert r.decision.x == pytest.approx(x)
        assert own.decision.own == pytest.approx(0.2) and ext.decision.own == 0.0
        p = {**PARAMS, **{k: v for k, v in self.COMMON.items() if k in PARAMS}}
        assert own.p_attack[0] == pytest.approx(
            by_dblquad(x, 0.2, 0.0, {**p, "nuclear_cost": 4.0}), abs=1e-9)
        assert ext.p_attack[0] == pytest.approx(
            by_dblquad(x, 0.2, 0.0, {**p, "nuclear_cost": 40.0}), abs=1e-9)
        assert own.p_attack[0] > ext.p_attack[0] + 0.05

    def test_equal_costs_equal_verdicts(self, toy):
        """N_own = N_ext (and ``nuclear_cost`` alone, the one-cost model): the same."""
        own, ext = self.pair(toy, nuclear_cost=12.0, nuclear_cost_own=12.0)
        assert own.p_attack[0] == pytest.approx(ext.p_attack[0], abs=1e-15)
        alone_own, alone_ext = self.pair(toy, nuclear_cost=12.0)
        assert alone_own.p_attack[0] == pytest.approx(own.p_attack[0], abs=1e-15)
        assert alone_ext.p_attack[0] == pytest.approx(ext.p_attack[0], abs=1e-15)

    def test_target_and_uncertain_protector(self, toy):
        """A nuclear-armed target and a nuclear-armed protector joining half the time:
        Π̄ = q + (1 − q)·q·share; the cost is N_own·q + N_ext·(Π̄ − q), by ``dblquad``."""
        c = toy(2, [(1, 0, 0.5)], guarantor=[0, 1], **self.COMMON, nuclear_cost=30.0,
                nuclear_cost_own=3.0)
        r = run(c, draws=4000, seed=2)
        share = r.tally.drawn_in[1] / 4000
        q = 0.2
        pi = q + (1 - q) * q * share
        assert r.decision.pi == pytest.approx(pi)
        x = r.tally.world.sum_x / 4000
        p = {**PARAMS, **{k: v for k, v in self.COMMON.items() if k in PARAMS}}
        # the cost N_own·q + N_ext·(Π̄ − q) as one N·Π̄ for the independent integral
        n_eff = (3.0 * q + 30.0 * (pi - q)) / pi
        assert r.p_attack[0] == pytest.approx(by_dblquad(x, pi, 0.0, {**p, "nuclear_cost":
                                                                     n_eff}), abs=1e-9)

    def test_gradient_holds_the_own_part_fixed(self):
        """The delta method's gradient in Π̄ with Π_own fixed: finite differences."""
        p = {**PARAMS, "nuclear_cost_own": 0.5}
        base = np.array([0.2, 0.25, 0.5])
        _, grad = integral(*base, p, 0.1)
        for i in range(3):
            step = np.zeros(3)
            step[i] = 1e-6
            up = integral(*(base + step), p, 0.1)[0]
            down = integral(*(base - step), p, 0.1)[0]
            assert grad[i] == pytest.approx((up - down) / 2e-6, rel=1e-5, abs=1e-9)

    def test_own_risk_by_hand(self):
        assert own_risk(0.2, False) == 0.0
        assert own_risk(0.2, True) == pytest.approx(0.2)
        assert own_risk(0.2, 2) == pytest.approx(1 - 0.8 ** 2)
        # one case a row (the ICB fit, the war record): the same numbers, element-wise
        cases = own_risk(0.2, np.array([True, False, True]))
        assert isinstance(cases, np.ndarray)
        assert cases.tolist() == [own_risk(0.2, True), 0.0, own_risk(0.2, True)]
        assert own_risk(0.2, np.array([0, 1, 2])) == pytest.approx([0.0, 0.2, 0.36])
        assert nuclear_costs({"nuclear_cost": 7.0}) == (7.0, 7.0)
        assert nuclear_costs({"nuclear_cost": 7.0, "nuclear_cost_own": 2.0}) == (2.0, 7.0)


class TestMoments:
    def test_moments_add_and_pad(self):
        a = WorldMoments.from_draws(np.array([0.5, -0.5]), np.array([0, 1]),
                                    np.array([True, False]), 2)
        b = WorldMoments.from_draws(np.array([0.25]), np.array([2]), np.array([True]), 3)
        total = a + b
        assert total.n == 3 and total.count_k.tolist() == [1, 1, 1]
        assert total.sum_x == pytest.approx(0.25)
        assert total.a_k.tolist() == [1, 0, 1]
        mean, cov = total.moments(np.array([0.0, 1.0, 2.0]))
        x, h, av = np.array([0.5, -0.5, 0.25]), np.array([0.0, 1.0, 2.0]), np.array([1, 0, 1])
        data = np.vstack([x, h, av])
        assert mean == pytest.approx(data.mean(axis=1))
        assert cov == pytest.approx(np.cov(data, bias=True))
        assert math.isclose(total.escalation(0.5)[2], 0.75)
