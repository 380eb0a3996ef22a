"""Naive reference for the crisis engine: one Monte Carlo draw at a time, in plain Python.

The same model as :mod:`foedus.crisis.draws` (bootstrap coefficients, the Fréchet resolve
mixture, neutrality and offence pledges owed to the attacker, the cascade to a fixed point
with strikes on new belligerents, consensus groups, the defending side's strike back and
the attacker's allies, the world's outcome), written as the textbook loop over draws,
states and pledges with Python floats and ``random.Random``; the challenger's choice is
then :func:`foedus.crisis.decision.decide` over the loop's own world moments. It draws its
own random numbers, so it agrees with the engine in distribution, not draw for draw:
compare frequencies within their sampling error. Used by
``benchmarks/crisis.py`` as an independent check of the engine and to time it against.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass


@dataclass
class NaiveTally:
    draws: int
    widens: int
    drawn_in: list[int]
    world: object  # foedus.crisis.decision.WorldMoments, or None without a verdict


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def naive_draws(c, n: int, seed: int) -> NaiveTally:
    """``n`` draws of the compiled scenario ``c``, one at a time."""
    rnd = random.Random(seed)
    p = c.params
    k, n_targets = c.n_states, c.n_targets
    shift, rho = p["credibility_shift"], p["solidarity"]
    edge_logit = c.edge_logit.tolist()
    neutral_logit = c.neutral_logit.tolist()
    offense_logit = c.offense_logit.tolist()
    n_boot = max(len(edge_logit), len(neutral_logit), len(offense_logit), 1)
    holder = c.edge_holder.tolist()
    pledges: dict[int, list[int]] = {}
    for e, (x, consensus) in enumerate(zip(c.edge_beneficiary.tolist(),
                                           c.edge_consensus.tolist(), strict=True)):
        if not consensus:
            pledges.setdefault(x, []).append(e)
    groups: dict[int, list[list[int]]] = {}
    for x, edges in c.consensus_groups:
        groups.setdefault(int(x), []).append(edges.tolist())
    neutral = c.neutral_holder.tolist()
    index = {s: i for i, s in enumerate(c.states.tolist())}
    offense = [index.get(s) for s in c.offense_holder.tolist()]
    capability = c.capability.tolist()
    offense_capability = c.offense_capability.tolist()
    guarantor = c.guarantor.tolist()
    attribution = c.attribution.tolist()
    strike = c.strike.tolist() if c.strike is not None else [p["strike_allies"]] * k
    strike_back = c.strike_back.tolist() if c.strike_back is not None else [0.0] * k
    offense_nuclear = (c.offense_nuclear.tolist() if c.offense_nuclear is not None
                       else [False] * len(offense))
    allies = [index.get(s) for s in c.ally_holder.tolist()]
    ally_logit = c.ally_logit.tolist()
    drawn_in = [0] * k
    widens = 0
    xs, ks, avec = [], [], []
    for _ in range(n):
        b = rnd.randrange(n_boot)
        shared = rnd.random() < rho
        common = rnd.random()
        u = [common] * k if shared else [rnd.random() for _ in range(k)]
        bar = [False] * k
        for j, h in enumerate(neutral):
            if rnd.random() < _sigmoid(neutral_logit[b][j] + shift):
                bar[h] = True
        side = [rnd.random() < _sigmoid(offense_logit[b][j] + shift)
                for j in range(len(offense))]
        for j, i in enumerate(offense):
            if i is not None and side[j]:
                bar[i] = True
        belligerent = [i < n_targets for i in range(k)]
        threshold = [0.0] * k
        together = [False] * k
        trigger = [t for t in range(n_targets) if rnd.random() < attribution[t]]
        while trigger:
            for x in trigger:
                for e in pledges.get(x, ()):
                    q = _sigmoid(edge_logit[b][e] + shift)
                    if q > threshold[holder[e]]:
                        threshold[holder[e]] = q
                for edges in groups.get(x, ()):  # all members agree, none is barred
                    if all(u[holder[e]] < _sigmoid(edge_logit[b][e] + shift)
                           and not bar[holder[e]] for e in edges):
                        for e in edges:
                            together[holder[e]] = True
            new = [h for h in range(k) if not belligerent[h] and not bar[h]
                   and (u[h] < threshold[h] or together[h])]
            for h in new:
                belligerent[h] = True
            trigger = [h for h in new if rnd.random() < strike[h]]
        size = 0
        cap_d = 0.0
        guarantors = 0
        spared = 1.0
        for i in range(k):
            if belligerent[i]:
                drawn_in[i] += 1
                size += 1
                cap_d += capability[i]
                guarantors += guarantor[i]
                spared *= 1.0 - strike_back[i]
        # the attacker's allies join if the defending side strikes its homeland
        joined_allies = []
        if allies and rnd.random() >= spared:
            for j, i in enumerate(allies):
                if i is not None and (belligerent[i] or bar[i]):
                    continue
                resolve = u[i] if i is not None else (common if shared else rnd.random())
                if resolve < _sigmoid(ally_logit[b][j] + shift):
                    joined_allies.append(j)
        if size > n_targets or any(side) or joined_allies:  # beyond the targets
            widens += 1
        nuclear_side = bool(c.attacker_nuclear) or any(
            offense_nuclear[j] for j in range(len(offense)) if side[j]) or any(
            c.ally_nuclear[j] for j in joined_allies)
        ks.append(guarantors)
        avec.append(nuclear_side)
        if c.attacker_capability is not None:
            cap_a = c.attacker_capability + sum(
                cap for cap, joined in zip(offense_capability, side, strict=True) if joined)
            cap_a += sum(c.ally_capability[j] for j in joined_allies)
            win = cap_a / (cap_a + cap_d) if cap_a + cap_d > 0 else 0.5
            xs.append(2 * win - 1)
    world = None
    if c.attacker_capability is not None:
        import numpy as np

        from foedus.crisis.decision import WorldMoments

        world = WorldMoments.from_draws(np.array(xs), np.array(ks, dtype=np.int64),
                                        np.array(avec, dtype=bool), k + 1)
    return NaiveTally(n, widens, drawn_in, world)
