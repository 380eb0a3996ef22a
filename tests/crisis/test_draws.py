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


class TestWorld:
    """What the draws record for the challenger's choice: the win margin 2P − 1, the
    nuclear-armed states at war on the defending side, a nuclear attacker's side."""

    def test_win_margin_by_hand(self, toy):
        """C_A = 3, C_D = 1: P = 0.75 in every draw, 2P − 1 = 0.5; the defender's share of
        the capability is 0.25."""
        r = run(toy(1, capability=[1.0], attacker_capability=3.0), draws=N, seed=5)
        w = r.tally.world
        assert w.sum_x / w.n == pytest.approx(0.5)
        assert w.sum_xx / w.n == pytest.approx(0.25)
        assert r.coalition()["balance_mean"] == pytest.approx(0.25)

    def test_an_ally_of_equal_strength_evens_the_odds(self, toy, within):
        """Target 1 + a sure ally 1 against 2: P = 0.5 (margin 0); the ally joining with
        0.5: margin 1/3 (P = 2/3) or 0 — mean 1/6."""
        sure = run(toy(2, [(1, 0, 1.0)], capability=[1.0, 1.0], attacker_capability=2.0),
                   draws=N, seed=2).tally.world
        assert sure.sum_x == pytest.approx(0.0, abs=1e-9)
        half = run(toy(2, [(1, 0, 0.5)], capability=[1.0, 1.0], attacker_capability=2.0),
                   draws=N, seed=2).tally
        joined = half.drawn_in[1]
        assert half.world.sum_x == pytest.approx((N - joined) / 3)
        assert within(joined, N, 0.5)

    def test_nuclear_count_on_the_defending_side(self, toy, within):
        """Two nuclear-armed allies joining with 1 and 0.4: k = 1 or 2."""
        w = draw(toy(3, [(1, 0, 1.0), (2, 0, 0.4)], guarantor=[1, 2])).world
        assert w.count_k[0] == 0 and w.count_k[1] + w.count_k[2] == N
        assert within(w.count_k[2], N, 0.4)

    def test_attacker_nuclear_and_nuclear_partners(self, toy, within):
        assert draw(toy(1, attacker_nuclear=True)).world.a_k.sum() == N
        assert draw(toy(1)).world.a_k.sum() == 0
        w = draw(toy(1, offense=[(2000, 0.3, 0.1)], offense_nuclear=[True])).world
        assert within(int(w.a_k.sum()), N, 0.3)

    def test_no_attacker_capability_no_world(self, toy):
        r = run(toy(2, [(1, 0, 0.5)], attacker_capability=None), draws=1000, seed=0)
        assert r.tally.world is None and r.p_deterred == (None, None)
        assert r.coalition()["balance_mean"] is None
        assert r.tally.drawn_in[1] > 0  # the cascade still runs


class TestStrikes:
    """Per-state strike probabilities, and the attacker's allies when struck back."""

    def test_per_state_strike(self, toy, within):
        """A attacked; B (struck with 0.25) and C (struck never) sure joiners; D pledged
        to B, E to C: D joins with 0.25, E never."""
        t = draw(toy(5, [(1, 0, 1.0), (2, 0, 1.0), (3, 1, 1.0), (4, 2, 1.0)],
                     strike=[0.0, 0.25, 0.0, 0.0, 0.0]))
        assert within(t.drawn_in[3], N, 0.25) and t.drawn_in[4] == 0

    def test_allies_join_when_struck_back(self, toy, within):
        """Target (capability 1) struck back with 0.6; the attacker's ally joins with
        0.5 when it is: on the attacker's side in 0.3 of the draws, adding its capability
        1 to the attacker's 1 (P 2/3, margin 1/3) or not (P 1/2, margin 0)."""
        t = draw(toy(1, capability=[1.0], attacker_capability=1.0,
                     allies=[(3000, 0.5, 1.0, False)], strike_back=[0.6]))
        assert within(t.struck_back, N, 0.6)
        assert within(t.allies_side[0], N, 0.3)
        assert t.world.sum_x == pytest.approx(t.allies_side[0] / 3)
        assert t.widens == t.allies_side[0]
        assert draw(toy(1, allies=[(3000, 1.0, 1.0, True)], strike_back=[0.0])
                    ).allies_side[0] == 0

    def test_an_ally_at_war_on_the_defending_side_stays_there(self, toy):
        """State 1 is a sure defender and the attacker's ally: it never changes sides."""
        t = draw(toy(2, [(1, 0, 1.0)], allies=[(1001, 1.0, 1.0, False)],
                     strike_back=[1.0, 1.0]))
        assert t.drawn_in[1] == N and t.allies_side[0] == 0

    def test_a_nuclear_ally_arms_the_attacker_side(self, toy):
        t = draw(toy(1, allies=[(3000, 1.0, 0.0, True)], strike_back=[1.0]))
        assert t.world.a_k.sum() == N


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
        assert 0 < a.widens < 5000
        assert not np.array_equal(a.capabilities.values, other.capabilities.values)

    @pytest.mark.parametrize("rho", [0.0, 0.3, 1.0])
    def test_compiled_loop_gives_its_python_source_s_tally(self, toy, assert_same,
                                                           monkeypatch, rho):
        # the loop indexes with unsigned integers (no negative-index wraparound in the
        # machine code): Python running the same source (Numba's py_func, the stream's
        # too) gives the bits the compiled loop gives, with every kind of pledge, strikes
        # and the strike back in use
        from foedus.crisis import draws

        c = toy(5, [(1, 0, 0.6), (2, 1, 0.5), (4, 2, 0.4), (1, 2, 0.7)],
                consensus=[(3, 0, 0.6), (4, 0, 0.8)], neutral=[(2, 0.2)],
                offense=[(5000, 0.3, 0.2)], capability=[0.1] * 5,
                cost_tolerance=(0.5, 2.0), value=(0.5, 1.5), war_cost=0.2,
                solidarity=rho, strike_allies=0.5)
        compiled = run_chunk(c, np.random.SeedSequence(3), 1500)
        for name in ("_draws", "_next", "_uniform", "_below"):
            monkeypatch.setattr(draws, name, getattr(draws, name).py_func)
        with np.errstate(over="ignore"):  # xoshiro's additions wrap around, as compiled
            python = run_chunk(c, np.random.SeedSequence(3), 1500)
        assert_same(compiled, python)
        assert 0 < compiled.widens < 1500 and compiled.drawn_in[1:].all()

    def test_chunks(self):
        chunks = seeds(7, 2 * CHUNK + 5)
        assert [n for _, n in chunks] == [CHUNK, CHUNK, 5]
        assert len({s.entropy for s, _ in chunks}) == 1
        assert [s.spawn_key for s, _ in chunks] == [(0,), (1,), (2,)]
        with pytest.raises(FoedusError, match="draws must be at least 1"):
            seeds(7, 0)

