"""The Monte Carlo draws on toy crises whose answers are known by hand.

Every expected value below comes from the semantics in ``foedus.crisis.draws``'s docstring,
worked out on paper for two to four states; frequencies are checked within four binomial
standard errors (the seeds are fixed, so a run is reproducible).
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from foedus.crisis.draws import Tally, run_chunk
from foedus.crisis.run import CHUNK, run, seeds
from foedus.errors import FoedusError

N = 20_000


def draw(c, n: int = N, seed: int = 1) -> Tally:
    return run_chunk(c, np.random.SeedSequence(seed), n)


class TestOnePledge:
    """(a) Target 0, ally 1 with one pledge of probability p: the ally joins with p."""

    @settings(derandomize=True, max_examples=25)
    @given(p=st.floats(0.01, 0.99), seed=st.integers(0, 2**32 - 1))
    def test_drawn_in_frequency_is_p(self, toy, within, p, seed):
        t = draw(toy(2, [(1, 0, p)]), seed=seed)
        assert t.drawn_in[0] == N  # the target is always at war
        assert within(t.drawn_in[1], N, p)
        # the only way the war widens is the ally joining; it is directly pledged
        assert t.widens == t.drawn_in[1]
        assert t.entrapped.tolist() == [0, 0]
        assert t.size_counts.tolist() == [0, N - t.drawn_in[1], t.drawn_in[1]]

    @pytest.mark.parametrize("p", [0.0, 1.0])
    def test_certain_pledges(self, toy, p):
        t = draw(toy(2, [(1, 0, p)]))
        assert t.drawn_in[1] == N * p

    @pytest.mark.parametrize(("p", "shift"), [(0.5, 1.0), (0.2, -1.5), (0.9, 2.0)])
    def test_credibility_shift_adds_to_the_log_odds(self, toy, within, p, shift):
        t = draw(toy(2, [(1, 0, p)], credibility_shift=shift))
        expected = 1 / (1 + math.exp(-(math.log(p / (1 - p)) + shift)))
        assert within(t.drawn_in[1], N, expected)

    def test_bootstrap_rows_are_drawn_uniformly(self, toy, within):
        """Each draw picks one row of coefficients: the marginal is the mean over rows."""
        c = toy(2, [(1, 0, 0.5)])
        rows = np.array([0.1, 0.3, 0.5, 0.7, 0.95])
        c = dataclasses.replace(c, edge_logit=np.log(rows / (1 - rows))[:, None])
        assert within(draw(c).drawn_in[1], N, rows.mean())

    def test_result_probabilities_and_coalition(self, toy, within):
        c = toy(2, [(1, 0, 0.5)], capability=[0.25, 0.5])
        r = run(c, draws=N, seed=3)
        p, se = r.by_state(r.tally.drawn_in)[1001]
        assert 1000 not in r.by_state(r.tally.drawn_in)  # targets are not listed
        assert abs(p - 0.5) <= 4 * se and se == pytest.approx(math.sqrt(p * (1 - p) / N))
        assert r.p_widens[0] == p
        co = r.coalition()
        assert co["size_mean"] == pytest.approx(1 + p)
        # the defending capability is 0.25 alone and 0.75 with the ally
        assert co["capability_mean"] == pytest.approx(0.25 + 0.5 * p, rel=1e-6)
        q = co["size_quantiles"]
        assert (q["0.05"], q["0.25"], q["0.75"], q["0.95"]) == (1, 1, 2, 2)
        assert co["capability_quantiles"]["0.05"] == pytest.approx(0.25)
        assert co["capability_quantiles"]["0.95"] == pytest.approx(0.75)


class TestAttackerSide:
    """(b) Neutrality pledges owed to the attacker bar the holder; offence pledges owed to
    it bring the partner in on its side."""

    def test_kept_neutrality_keeps_a_pledged_state_out(self, toy):
        t = draw(toy(2, [(1, 0, 1.0)], neutral=[(1, 1.0)]))
        assert t.drawn_in[1] == 0 and t.widens == 0

    def test_broken_neutrality_does_not(self, toy):
        assert draw(toy(2, [(1, 0, 1.0)], neutral=[(1, 0.0)])).drawn_in[1] == N

    def test_neutrality_kept_with_its_own_probability(self, toy, within):
        """Joins when its defence pledge is honoured (0.6) and its neutrality is not
        kept (1 - 0.3), independently: 0.42."""
        t = draw(toy(2, [(1, 0, 0.6)], neutral=[(1, 0.3)]))
        assert within(t.drawn_in[1], N, 0.6 * 0.7)

    def test_offence_partner_joins_the_attacker(self, toy, within):
        t = draw(toy(1, offense=[(2000, 0.4, 0.1)]))
        assert within(t.attacker_side[0], N, 0.4)
        assert t.widens == t.attacker_side[0]  # no defender, the war widens only that way

    def test_offence_partner_is_not_also_a_defender(self, toy):
        """State 1 (COW 1001) owes the target a sure defence pledge and the attacker a sure
        offence pledge: it fights on the attacker's side only."""
        t = draw(toy(2, [(1, 0, 1.0)], offense=[(1001, 1.0, 0.1)]))
        assert t.attacker_side[0] == N and t.drawn_in[1] == 0


class TestChainGanging:
    """(c) A attacked, B pledged to A, C pledged only to B."""

    @pytest.mark.parametrize(("pb", "pc", "strike"), [(0.6, 0.5, 1.0), (0.9, 0.3, 1.0),
                                                      (0.8, 0.7, 0.5)])
    def test_entrapment_through_a_struck_ally(self, toy, within, pb, pc, strike):
        t = draw(toy(3, [(1, 0, pb), (2, 1, pc)], strike_allies=strike))
        assert within(t.drawn_in[1], N, pb)
        assert within(t.drawn_in[2], N, pb * strike * pc)
        assert t.drawn_in[2] > 0
        assert t.entrapped[2] == t.drawn_in[2]  # C is pulled in only through B
        assert t.entrapped[1] == 0  # B is directly pledged to the target
        assert t.entrapped[0] == 0

    def test_unstruck_allies_trigger_nothing(self, toy):
        t = draw(toy(3, [(1, 0, 1.0), (2, 1, 1.0)], strike_allies=0.0))
        assert t.drawn_in[1] == N and t.drawn_in[2] == 0

    def test_a_state_also_pledged_to_the_target_is_not_entrapped(self, toy):
        t = draw(toy(3, [(1, 0, 1.0), (2, 0, 0.2), (2, 1, 0.9)]))
        assert t.drawn_in[2] > 0 and t.entrapped.tolist() == [0, 0, 0]

    def test_one_resolve_per_state(self, toy, within):
        """C owes A 0.3 and B 0.6; with one resolve u_C it joins when u_C < 0.3, or when B
        joined and u_C < 0.6: P = 0.3 + 0.3 * p_B. (Two independent decisions would
        give 1 - 0.7 * (1 - 0.6 p_B).)"""
        pb = 0.5
        t = draw(toy(3, [(1, 0, pb), (2, 0, 0.3), (2, 1, 0.6)]))
        assert within(t.drawn_in[2], N, 0.3 + 0.3 * pb)
        # the same pledge twice adds nothing
        t = draw(toy(3, [(1, 0, pb), (2, 0, 0.3), (2, 1, 0.3)]))
        assert within(t.drawn_in[2], N, 0.3)

    def test_cascade_reaches_a_fixed_point(self, toy):
        """A line of sure pledges 4 → 3 → 2 → 1 → 0, everyone struck: all are drawn in,
        and all but the first are entrapped."""
        t = draw(toy(5, [(1, 0, 1.0), (2, 1, 1.0), (3, 2, 1.0), (4, 3, 1.0)]), n=1000)
        assert t.drawn_in.tolist() == [1000] * 5
        assert t.entrapped.tolist() == [0, 0, 1000, 1000, 1000]
        assert t.size_counts[5] == 1000


class TestDeterrence:
    def test_expected_utility_by_hand(self, toy):
        """C_A = 3, C_D = 1: P = 0.75, so EU = 0.5 V - c. With c = 0.5 and V ~ U(0.5, 1.5)
        the challenger is deterred when V ≤ 1: half the time. The defender's share of the
        capability is 0.25 in every draw."""
        c = toy(1, capability=[1.0], attacker_capability=3.0, value=(0.5, 1.5),
                war_cost=0.5)
        r = run(c, draws=N, seed=5)
        p, se = r.p_deterred
        assert abs(p - 0.5) <= 4 * se
        assert r.coalition()["balance_mean"] == pytest.approx(0.25)

    def test_cost_tolerance_divides_the_cost(self, toy, within):
        """Same balance, V = 1, c = 0.5, τ ~ U(0.5, 1.5): deterred when 0.5 ≤ 0.5/τ, that
        is τ ≤ 1: half the time; with τ fixed at 2 never."""
        base = {"capability": [1.0], "attacker_capability": 3.0, "war_cost": 0.5}
        assert within(draw(toy(1, cost_tolerance=(0.5, 1.5), **base)).deterred, N, 0.5)
        assert draw(toy(1, cost_tolerance=(2.0, 2.0), **base)).deterred == 0

    def test_nuclear_guarantor_raises_deterrence(self, toy):
        """(d) C_A = 1, target 0.1, ally 0.1 joining with 0.5. Without a guarantor the
        attack pays whoever joins (EU = 2/1.2 - 1 > 0 at most); with the ally a nuclear
        guarantor (q = 0.5, N = 10) its entry costs 5: deterred exactly when it joins."""
        common = {"capability": [0.1, 0.1], "nuclear_escalation": 0.5, "nuclear_cost": 10.0}
        plain = draw(toy(2, [(1, 0, 0.5)], **common))
        nuclear = draw(toy(2, [(1, 0, 0.5)], guarantor=[1], **common))
        assert plain.deterred == 0
        assert nuclear.deterred == nuclear.drawn_in[1] > plain.deterred
        # the same seed gives the same worlds: the ally joins in the same draws
        assert nuclear.drawn_in[1] == plain.drawn_in[1]

    def test_escalation_compounds_over_guarantors(self, toy, within):
        """Two sure guarantors, q = 0.5: π = 1 - 0.5² = 0.75, cost 0.75 N / τ. With C_A = 1,
        C_D = 0 (P = 1, EU = V - 0.75 N / τ), V = 1, N = 2 and τ ~ U(1, 2): deterred when
        τ ≤ 1.5, that is half the time. One guarantor (π = 0.5): when τ ≤ 1, never."""
        params = {"nuclear_escalation": 0.5, "nuclear_cost": 2.0, "cost_tolerance": (1.0, 2.0)}
        two = draw(toy(3, [(1, 0, 1.0), (2, 0, 1.0)], guarantor=[1, 2], **params))
        one = draw(toy(3, [(1, 0, 1.0), (2, 0, 1.0)], guarantor=[1], **params))
        assert within(two.deterred, N, 0.5)
        assert one.deterred <= 1  # τ = 1 exactly has probability 0

    def test_no_attacker_capability_no_verdict(self, toy):
        r = run(toy(2, [(1, 0, 0.5)], attacker_capability=None), draws=1000, seed=0)
        assert r.p_deterred == (None, None)
        assert r.coalition()["balance_mean"] is None
        assert r.tally.drawn_in[1] > 0  # the cascade still runs


class TestConsensus:
    """(e) Two holders in a consensus group act together or not at all."""

    @pytest.mark.parametrize(("rho", "expected"), [(0.0, 0.6 * 0.7), (1.0, 0.6)])
    def test_together_or_not_at_all(self, toy, within, rho, expected):
        t = draw(toy(3, consensus=[(1, 0, 0.6), (2, 0, 0.7)], solidarity=rho))
        assert t.size_counts[2] == 0  # never one without the other
        assert t.drawn_in[1] == t.drawn_in[2] == t.size_counts[3]
        # with independent resolve both must agree (0.6 × 0.7); with a shared one the
        # weaker pledge decides (0.6)
        assert within(t.drawn_in[1], N, expected)

    def test_a_barred_member_vetoes(self, toy):
        """Member 2 keeps a neutrality pledge to the attacker: no consensus, nobody acts."""
        t = draw(toy(3, consensus=[(1, 0, 1.0), (2, 0, 1.0)], neutral=[(2, 1.0)]))
        assert t.drawn_in.tolist() == [N, 0, 0]

    def test_individual_pledges_are_not_tied(self, toy):
        t = draw(toy(3, [(1, 0, 0.6), (2, 0, 0.7)]))
        assert t.size_counts[2] > 0


class TestAttribution:
    """(f) Pledges trigger only when the attack is attributed."""

    def test_unattributed_attack_draws_no_one_in(self, toy):
        t = draw(toy(3, [(1, 0, 1.0), (2, 1, 1.0)], attribution=[0.0]))
        assert t.drawn_in.tolist() == [N, 0, 0]
        assert t.widens == 0 and t.entrapped.sum() == 0

    def test_attribution_scales_the_trigger(self, toy, within):
        assert within(draw(toy(2, [(1, 0, 0.8)], attribution=[0.4])).drawn_in[1], N, 0.32)

    def test_several_targets_alone_do_not_widen(self, toy):
        """Two targets, no ally ever joins: the war stays as the scenario made it."""
        t = draw(toy(3, [(2, 0, 0.0)], n_targets=2))
        assert t.widens == 0 and t.drawn_in.tolist() == [N, N, 0]
        assert draw(toy(3, [(2, 0, 1.0)], n_targets=2)).widens == N

    def test_each_target_has_its_own_attribution(self, toy):
        """Targets 0 (attributed) and 1 (not): a sure ally of 1 stays out, of 0 joins."""
        t = draw(toy(4, [(2, 0, 1.0), (3, 1, 1.0)], n_targets=2, attribution=[1.0, 0.0]))
        assert t.drawn_in.tolist() == [N, N, N, 0]


class TestSolidarity:
    """(g) The shared shock: allies' decisions have rank correlation ρ, marginals kept."""

    @pytest.mark.parametrize("rho", [0.0, 0.5, 1.0])
    def test_joint_frequency(self, toy, within, rho):
        p = 0.4
        t = draw(toy(3, [(1, 0, p), (2, 0, p)], solidarity=rho))
        both = t.size_counts[3]
        # P(both) = ρ p + (1 - ρ) p²  (Fréchet mixture of M and Π)
        assert within(both, N, rho * p + (1 - rho) * p * p)
        assert within(t.drawn_in[1], N, p) and within(t.drawn_in[2], N, p)
        if rho == 1.0:
            assert t.drawn_in[1] == t.drawn_in[2] == both and t.size_counts[2] == 0


class TestDeterminism:
    """(h) A chunk depends only on (compiled, seed sequence, size)."""

    def test_same_seed_same_tally(self, toy, assert_same):
        c = toy(4, [(1, 0, 0.5), (2, 1, 0.4)], consensus=[(3, 0, 0.5)],
                neutral=[(2, 0.2)], offense=[(5000, 0.3, 0.2)], capability=[0.1] * 4,
                cost_tolerance=(0.5, 2.0), value=(0.5, 1.5), war_cost=0.2,
                solidarity=0.3, strike_allies=0.5)
        a = draw(c, n=5000, seed=11)
        b = run_chunk(c, np.random.SeedSequence(11), 5000)
        other = draw(c, n=5000, seed=12)
        assert_same(a, b)
        assert 0 < a.deterred < 5000
        assert not np.array_equal(a.capability[0], other.capability[0])

    def test_chunks(self):
        chunks = seeds(7, 2 * CHUNK + 5)
        assert [n for _, n in chunks] == [CHUNK, CHUNK, 5]
        assert len({s.entropy for s, _ in chunks}) == 1
        assert [s.spawn_key for s, _ in chunks] == [(0,), (1,), (2,)]
        with pytest.raises(FoedusError, match="draws must be at least 1"):
            seeds(7, 0)

