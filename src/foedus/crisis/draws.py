r"""One chunk of Monte Carlo draws of a compiled crisis, vectorised (draws × states).

Each draw is one possible world; within it:

**Coefficients.** A bootstrap draw *b* of the credibility model's coefficients is picked,
so pledge *e* is honoured with :math:`p_e = \sigma(\eta^{(b)}_e + \delta)` (δ the
scenario's ``credibility_shift``).

**Allies' resolve, with a shared shock.** Each state has one resolve :math:`u_i` per draw:
with probability ρ (``solidarity``) every state shares the same uniform (the shared
shock: the crisis moves all capitals alike), otherwise each draws its own. This is the
Fréchet family of copulas, :math:`C = \rho M + (1-\rho)\Pi` (Nelsen 2006, *An Introduction
to Copulas*, 2nd ed., §2.5; doi:10.1007/0-387-28678-0): every pledge keeps its marginal
probability exactly, and any two allies' decisions have rank correlation ρ. State *i*
honours its pledge to a belligerent *x* when :math:`u_i < p_{ix}`; one resolve per state
means a state that will not fight for Estonia fights for Germany only if that pledge is
stronger. A consensus group acts only if every member's resolve clears its pledge and
no member is barred (by a kept neutrality pledge to the attacker, or by fighting on its
side).

**Cascade to a fixed point.** The targets are belligerents; their pledges trigger when the
attack is attributed (probability = the attack's ``attribution``, for cyber and hybrid
attacks). Allies who honour a triggered pledge become belligerents; the attacker strikes
each new belligerent with probability ``strike_allies``, which triggers that state's own
pledges. Repeat until no state joins. Neutrality pledges owed to the attacker, when kept
(their own probability), bar the holder from joining against it; offence pledges owed to
the attacker bring its partners in on its side. The war *widens* when any state beyond the
scenario's attackers and targets enters it (on either side).

**The challenger's choice** (Bueno de Mesquita 1981, *The War Trap*, ch. 3; Huth 1988,
*Extended Deterrence and the Prevention of War*): with :math:`C_A` and :math:`C_D` the
discounted capabilities of the attacking and the defending side,
:math:`P = C_A/(C_A + C_D)`, and

.. math:: EU = P\,V - (1 - P)\,V - \frac{c + \pi N}{\tau}, \qquad
          \pi = 1 - (1 - q)^{k}

with *V* the value of the objective, τ the cost tolerance (both uniform over their ranges
per draw), *c* the war's cost, *N* the cost of nuclear use, *q* the escalation probability
per nuclear guarantor and *k* the guarantors at war on the defending side. The challenger
attacks when :math:`EU > 0` (the status quo is worth 0); deterrence holds otherwise. The
challenger is taken to know the allies' resolve in its world (the draw): P(deterred) is the
share of worlds in which attacking does not pay.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from foedus.crisis.compile import Compiled

__all__ = ["Tally", "run_chunk"]


@dataclass
class Tally:
    """Sums over the draws of one or more chunks (add them in chunk order)."""

    draws: int
    deterred: int
    widens: int
    drawn_in: np.ndarray
    entrapped: np.ndarray
    attacker_side: np.ndarray
    size_counts: np.ndarray
    capability: list[np.ndarray] = field(default_factory=list)
    balance_sum: float = 0.0
    balance_sumsq: float = 0.0

    def __add__(self, other: Tally) -> Tally:
        return Tally(
            self.draws + other.draws, self.deterred + other.deterred,
            self.widens + other.widens, self.drawn_in + other.drawn_in,
            self.entrapped + other.entrapped, self.attacker_side + other.attacker_side,
            self.size_counts + other.size_counts, self.capability + other.capability,
            self.balance_sum + other.balance_sum, self.balance_sumsq + other.balance_sumsq)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _resolve(rng: np.random.Generator, n: int, k: int, rho: float) -> np.ndarray:
    """Uniform resolve per (draw, state) from the Fréchet mixture (module docstring)."""
    common = rng.random(n, dtype=np.float32)
    shared = rng.random(n) < rho
    own = rng.random((n, k), dtype=np.float32)  # single precision: 2⁻²⁴ ≪ any MC error
    own[shared] = common[shared, None]
    return own


def _columns(c: Compiled, shift: float) -> dict[int, tuple[np.ndarray, np.ndarray]]:
    """Per beneficiary: its individual (non-consensus) pledges' holders and probabilities
    (bootstrap draws × holders); one pledge per (holder, beneficiary), the last listed."""
    individual = np.nonzero(~c.edge_consensus)[0]
    last: dict[tuple[int, int], int] = {}
    for e in individual.tolist():
        last[(int(c.edge_holder[e]), int(c.edge_beneficiary[e]))] = e
    by_x: dict[int, list[int]] = {}
    for (_, x), e in last.items():
        by_x.setdefault(x, []).append(e)
    pe = _sigmoid(c.edge_logit + shift)
    out = {}
    for x, edges in by_x.items():
        idx = np.array(sorted(edges, key=lambda e: int(c.edge_holder[e])), dtype=np.int64)
        out[x] = (c.edge_holder[idx], np.ascontiguousarray(pe[:, idx]))
    return out


def _cascade(c: Compiled, b: np.ndarray, u: np.ndarray, bar: np.ndarray,
             attributed: np.ndarray, shift: float, rng: np.random.Generator,
             strike: float) -> np.ndarray:
    """Belligerents per (draw, state) after the cascade reaches its fixed point.

    Works on the triggered (draw, state) pairs only. A state that is neither belligerent
    nor barred has resolve at or above every pledge triggered so far in its draw (else it
    would have joined), so it joins when a newly triggered pledge's probability exceeds
    its resolve: the running maximum over triggered pledges need not be kept, and the
    resolve of a state that can no longer join through a pledge is set to infinity in
    place (``u`` is overwritten). A NaN probability shuts its holder out of joining
    through pledges in that draw from that round on, as a NaN maximum would (only
    defective coefficients give one).
    """
    n, k = u.shape
    belligerent = np.zeros((n, k), dtype=bool)
    belligerent[:, :c.n_targets] = True
    closed = bar | belligerent  # cannot join (again)
    columns = _columns(c, shift)
    nan = any(np.isnan(v).any() for _, v in columns.values())
    groups: dict[int, list[tuple[np.ndarray, np.ndarray]]] = {}
    held = np.unique(np.concatenate([c.edge_holder[e] for _, e in c.consensus_groups]
                                    or [np.zeros(0, np.int64)]))
    u_held = u[:, held]  # the resolve consensus members decide with (a copy)
    for gx, edges in c.consensus_groups:
        holders = c.edge_holder[edges]
        groups.setdefault(int(gx), []).append((edges, np.searchsorted(held, holders)))
    u[closed] = np.inf
    tr, tx = np.nonzero(attributed)
    while len(tr):
        order = np.argsort(tx, kind="stable")
        tr, tx = tr[order], tx[order]
        xs, starts = np.unique(tx, return_index=True)
        ends = [*starts[1:].tolist(), len(tx)]
        new_r, new_h, maybe_r, maybe_h = [], [], [], []
        for x, s, e in zip(xs.tolist(), starts.tolist(), ends, strict=True):
            rows = tr[s:e]
            if x in columns:
                hs, probability = columns[x]
                p = probability.take(b[rows], axis=0)
                resolve = u[:, hs] if len(rows) == n else u[np.ix_(rows, hs)]
                rr, cc = np.nonzero(resolve < p)
                r, h = rows[rr], hs[cc]
                if nan:  # decided at the end of the round, when every NaN is known
                    pr, pc = np.nonzero(np.isnan(p))
                    u[rows[pr], hs[pc]] = np.inf
                    maybe_r.append(r)
                    maybe_h.append(h)
                else:
                    belligerent[r, h] = closed[r, h] = True
                    u[r, h] = np.inf
                    new_r.append(r)
                    new_h.append(h)
            for edges, at in groups.get(x, ()):
                holders = held[at]
                agree = (u_held[np.ix_(rows, at)] < _sigmoid(
                    c.edge_logit[b[rows]][:, edges] + shift)).all(axis=1)
                agree &= ~bar[np.ix_(rows, holders)].any(axis=1)  # a barred member vetoes
                ra = rows[agree]
                rr, cc = np.nonzero(~closed[np.ix_(ra, holders)])
                r, h = ra[rr], holders[cc]
                belligerent[r, h] = closed[r, h] = True
                u[r, h] = np.inf
                new_r.append(r)
                new_h.append(h)
        if maybe_r:
            flat = np.unique(np.concatenate(maybe_r) * k + np.concatenate(maybe_h))
            r, h = np.divmod(flat, k)
            keep = np.isfinite(u[r, h])
            r, h = r[keep], h[keep]
            belligerent[r, h] = closed[r, h] = True
            u[r, h] = np.inf
            new_r.append(r)
            new_h.append(h)
        if not new_r:
            break
        r, h = np.concatenate(new_r), np.concatenate(new_h)
        hit = rng.random(len(r)) < strike  # one uniform per new belligerent, in order
        tr, tx = r[hit], h[hit]
    return belligerent


def run_chunk(c: Compiled, seed: np.random.SeedSequence, n: int) -> Tally:
    """Run ``n`` draws of the compiled scenario with the generator seeded by ``seed``.

    The result depends only on (``c``, ``seed``, ``n``): chunks run anywhere (a process, a
    Dask worker) give the same tally.
    """
    rng = np.random.default_rng(seed)
    p = c.params
    k = c.n_states
    shift = p["credibility_shift"]
    n_boot = max(c.edge_logit.shape[0], c.neutral_logit.shape[0], c.offense_logit.shape[0], 1)
    b = rng.integers(n_boot, size=n)
    u = _resolve(rng, n, k, p["solidarity"])

    bar = np.zeros((n, k), dtype=bool)
    if len(c.neutral_holder):
        kept = rng.random((n, len(c.neutral_holder))) < _sigmoid(
            c.neutral_logit[b] + shift)
        for j, h in enumerate(c.neutral_holder):
            bar[:, h] |= kept[:, j]
    attacker_side = np.zeros((n, len(c.offense_holder)), dtype=bool)
    if len(c.offense_holder):
        attacker_side = rng.random((n, len(c.offense_holder))) < _sigmoid(
            c.offense_logit[b] + shift)
        index = {int(s): i for i, s in enumerate(c.states)}
        for j, s in enumerate(c.offense_holder):
            if int(s) in index:
                bar[:, index[int(s)]] |= attacker_side[:, j]
    attributed = rng.random((n, c.n_targets)) < c.attribution
    belligerent = _cascade(c, b, u, bar, attributed, shift, rng, p["strike_allies"])

    # the balance and the choice
    cap_d = np.zeros(n)
    if np.isfinite(c.capability).all():
        # each draw's belligerents added in state order (np.add.at is unbuffered and in
        # order), skipping the 0·capability terms, which change no sum
        rows, cols = np.nonzero(belligerent)
        np.add.at(cap_d, rows, c.capability[cols])
    else:
        for i in range(k):
            cap_d += belligerent[:, i] * c.capability[i]
    size = belligerent.sum(axis=1)
    widens = (size > c.n_targets) | attacker_side.any(axis=1)
    deterred = 0
    balance = np.zeros(n)
    if c.attacker_capability is not None:
        cap_a = np.full(n, c.attacker_capability)
        for j in range(len(c.offense_holder)):
            cap_a += attacker_side[:, j] * c.offense_capability[j]
        total = cap_a + cap_d
        win = np.divide(cap_a, total, out=np.full(n, 0.5), where=total > 0)
        guarantors = (belligerent & c.guarantor).sum(axis=1)
        escalation = 1.0 - (1.0 - p["nuclear_escalation"]) ** guarantors
        lo, hi = p["value"]
        value = lo + (hi - lo) * rng.random(n)
        lo, hi = p["cost_tolerance"]
        tolerance = lo + (hi - lo) * rng.random(n)
        eu = (2 * win - 1) * value - (p["war_cost"] + escalation * p["nuclear_cost"]) \
            / tolerance
        deterred = int((eu <= 0).sum())
        balance = 1.0 - win
    entrap = ~c.direct.copy()
    entrap[:c.n_targets] = False
    return Tally(
        draws=n, deterred=deterred, widens=int(widens.sum()),
        drawn_in=belligerent.sum(axis=0).astype(np.int64),
        entrapped=(belligerent & entrap).sum(axis=0).astype(np.int64),
        attacker_side=attacker_side.sum(axis=0).astype(np.int64),
        size_counts=np.bincount(size, minlength=k + 1).astype(np.int64),
        capability=[cap_d.astype(np.float32)],
        balance_sum=float(balance.sum()), balance_sumsq=float((balance ** 2).sum()))
