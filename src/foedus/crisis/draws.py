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

**Implementation.** The draws of a chunk run one after another in a loop compiled by
Numba (``nogil``; the machine code is cached on disk, so only the first call on a machine
compiles, a few seconds, and each new process loads it in well under a second). A draw
does only what its cascade reaches: a state's resolve is drawn the first time it is asked
(a pledge it holds is triggered, or a consensus group it belongs to), a strike uniform when
a state joins, and the loop visits the pledges of the triggered beneficiaries only — about
90 per draw for Estonia 2024 instead of (draws × states) arrays, and a big cascade (the
United States struck triggers its 49 pledgers) costs only in the draws that have one.
Drawing lazily from one stream does not change the model: every uniform is used once, for
one purpose, so the resolves, strikes and coin flips are independent U(0, 1) as in the
dense formulation. Per-draw state lives in arrays of length *n_states* stamped with the
draw's number, so nothing is cleared between draws; the probability tables (per pledge and
bootstrap row, grouped by beneficiary so that a draw reads one short run) are built once
per process and ``Compiled`` object.

The stream is xoshiro256++ (Blackman & Vigna 2021, *ACM Trans. Math. Softw.* 47(4):36,
doi:10.1145/3460772), its 256-bit state taken from the chunk's ``SeedSequence``. A chunk's
tally depends only on the compiled scenario, the seed and the chunk size: the loop's order
is fixed, and it is compiled without fast-math (no reassociated or fused arithmetic), so
any process — serial, a process pool, a Dask worker — gives the same bits.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field

import numpy as np
from numba import njit

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


@dataclass
class _Tables:
    """What the compiled loop reads of a scenario (see :func:`_tables`)."""

    n_boot: int
    pledge_start: np.ndarray  # individual pledges to beneficiary x: start[x] … start[x+1]
    pledge_holder: np.ndarray
    pledge_p: np.ndarray  # per beneficiary x, a (bootstrap rows × its pledges) block
    group_start: np.ndarray  # consensus groups benefiting x: start[x] … start[x+1]
    member_start: np.ndarray  # members of group g: start[g] … start[g+1]
    member: np.ndarray
    member_p: np.ndarray  # (bootstrap rows, members)
    neutral_holder: np.ndarray
    neutral_p: np.ndarray
    offense_state: np.ndarray  # the offence partner's state index, -1 if not a state here
    offense_p: np.ndarray
    escalation: np.ndarray  # π by number of guarantors at war
    has_nan: bool
    attribution: np.ndarray
    capability: np.ndarray
    finite: bool  # every capability finite
    guarantor: np.ndarray  # 1 for a nuclear guarantor
    offense_capability: np.ndarray


def _rows(p: np.ndarray, n_boot: int, what: str) -> np.ndarray:
    """A probability table with one row per bootstrap draw (read-only, C order)."""
    if p.shape[1] and p.shape[0] != n_boot:
        raise ValueError(f"{what}: {p.shape[0]} coefficient draws, expected {n_boot}")
    out = np.ascontiguousarray(p, dtype=np.float64) if p.shape[1] else np.zeros((n_boot, 0))
    out.flags.writeable = False
    return out


def _build(c: Compiled, shift: float) -> _Tables:
    k = c.n_states
    n_boot = max(c.edge_logit.shape[0], c.neutral_logit.shape[0], c.offense_logit.shape[0], 1)
    # one individual pledge per (holder, beneficiary), the last listed (the first of the
    # reversed list), ordered by beneficiary, then holder
    individual = np.nonzero(~np.asarray(c.edge_consensus, dtype=bool))[0][::-1]
    keys, first = np.unique(c.edge_beneficiary[individual] * k + c.edge_holder[individual],
                            return_index=True)
    pledges = individual[first]
    beneficiary = keys // k
    start = np.searchsorted(beneficiary, np.arange(k + 1)).astype(np.int64)
    # their probabilities as one (bootstrap rows × pledges to x) block per beneficiary x,
    # flat: a draw reads one short run of a block, and the targets' blocks stay in cache
    if len(pledges) and c.edge_logit.shape[0] != n_boot:
        raise ValueError(f"edge_logit: {c.edge_logit.shape[0]} coefficient draws, "
                         f"expected {n_boot}")
    pledge_p = np.empty(n_boot * len(pledges))
    for x in np.unique(beneficiary).tolist():
        first, last = start[x], start[x + 1]
        pledge_p[first * n_boot:last * n_boot].reshape(n_boot, last - first)[...] = \
            c.edge_logit[:, pledges[first:last]]
    # σ(logit + δ) in place: fresh megabyte temporaries cost page faults, more than the
    # arithmetic (a Dask worker hands freed memory back to the system at once)
    pledge_p += shift
    np.negative(pledge_p, out=pledge_p)
    np.exp(pledge_p, out=pledge_p)
    pledge_p += 1.0
    np.reciprocal(pledge_p, out=pledge_p)
    pledge_p.flags.writeable = False
    groups = sorted((int(x), i) for i, (x, _) in enumerate(c.consensus_groups))
    members = [np.asarray(c.consensus_groups[i][1], dtype=np.int64) for _, i in groups]
    member_edges = np.concatenate([*members, np.zeros(0, np.int64)])
    index = {int(s): i for i, s in enumerate(c.states)}
    q = c.params["nuclear_escalation"]
    return _Tables(
        n_boot=n_boot,
        pledge_start=start,
        pledge_holder=(keys % k).astype(np.int64),
        pledge_p=pledge_p,
        group_start=np.searchsorted([x for x, _ in groups], np.arange(k + 1)).astype(
            np.int64),
        member_start=np.concatenate([[0], np.cumsum([len(m) for m in members])]).astype(
            np.int64),
        member=c.edge_holder[member_edges].astype(np.int64),
        member_p=_rows(_sigmoid(c.edge_logit[:, member_edges] + shift), n_boot,
                       "edge_logit"),
        neutral_holder=c.neutral_holder.astype(np.int64),
        neutral_p=_rows(_sigmoid(c.neutral_logit + shift), n_boot, "neutral_logit"),
        offense_state=np.array([index.get(int(s), -1) for s in c.offense_holder],
                               dtype=np.int64),
        offense_p=_rows(_sigmoid(c.offense_logit + shift), n_boot, "offense_logit"),
        escalation=1.0 - (1.0 - q) ** np.arange(k + 1),
        has_nan=bool(np.isnan(pledge_p).any()),
        attribution=np.array(c.attribution, dtype=np.float64),
        capability=np.array(c.capability, dtype=np.float64),
        finite=bool(np.isfinite(c.capability).all()),
        guarantor=np.array(c.guarantor, dtype=np.int64),
        offense_capability=np.array(c.offense_capability, dtype=np.float64))


#: Tables per live ``Compiled`` (by id, checked against a weak reference) and the
#: parameters they were built with.
_TABLES: dict[int, tuple[weakref.ref, tuple, _Tables]] = {}


def _tables(c: Compiled) -> _Tables:
    """The tables of ``c``, built once per process (a Dask worker keeps the scattered
    scenario, a process pool worker receives it once) and rebuilt if the parameters they
    depend on change; a ``Compiled`` is otherwise not changed in place after its first run
    (``dataclasses.replace`` makes a new one, as a sweep does)."""
    key = (float(c.params["credibility_shift"]), float(c.params["nuclear_escalation"]))
    hit = _TABLES.get(id(c))
    if hit is not None and hit[0]() is c and hit[1] == key:
        return hit[2]
    tables = _build(c, key[0])
    ident = id(c)
    _TABLES[ident] = (weakref.ref(c, lambda _: _TABLES.pop(ident, None)), key, tables)
    return tables


@njit(cache=True, nogil=True)
def _next(rng):
    """The next 64 bits of the xoshiro256++ stream in state ``rng`` (a tuple of four
    words, kept in registers by the compiled loop), and the next state."""
    s0, s1, s2, s3 = rng
    t = s0 + s3
    out = ((t << np.uint64(23)) | (t >> np.uint64(41))) + s0
    t = s1 << np.uint64(17)
    s2 ^= s0
    s3 ^= s1
    s1 ^= s2
    s0 ^= s3
    s2 ^= t
    s3 = (s3 << np.uint64(45)) | (s3 >> np.uint64(19))
    return out, (s0, s1, s2, s3)


@njit(cache=True, nogil=True)
def _uniform(rng):
    """U[0, 1) with 53 random bits, and the next state."""
    x, rng = _next(rng)
    return float(x >> np.uint64(11)) * (1.0 / 9007199254740992.0), rng


@njit(cache=True, nogil=True)
def _below(rng, m: int):
    """A uniform integer in [0, m), m < 2³², unbiased (Lemire 2019,
    doi:10.1145/3230636), and the next state."""
    mm = np.uint64(m)
    low = np.uint64(0xFFFFFFFF)
    x, rng = _next(rng)
    x = (x >> np.uint64(32)) * mm
    if (x & low) < mm:
        floor = (np.uint64(0x100000000) - mm) % mm
        while (x & low) < floor:
            x, rng = _next(rng)
            x = (x >> np.uint64(32)) * mm
    return int(x >> np.uint64(32)), rng


@njit(cache=True, nogil=True)
def _draws(rng, n, n_targets, n_boot, rho, strike, attribution,
           pledge_start, pledge_holder, pledge_p, group_start, member_start, member,
           member_p, neutral_holder, neutral_p, offense_state, offense_p, offense_capability,
           capability, finite, guarantor, escalation, verdict, attacker_capability,
           value_lo, value_span, tolerance_lo, tolerance_span, war_cost, nuclear_cost,
           has_nan, drawn_in, attacker_side, size_counts, capability_out, balance_out):
    """``n`` draws (module docstring) from the stream in state ``rng``: adds to the count
    arrays, fills the per-draw capability and balance, returns (deterred, widens).

    The cascade runs in rounds. A round visits the pledges to the states it triggers (the
    attributed targets, then the belligerents struck in the round before); a state neither
    belligerent nor barred joins at the first triggered pledge whose probability exceeds
    its resolve, which is the same as comparing the resolve with the largest of them. A
    consensus group benefiting a triggered state acts when every member's resolve is below
    its pledge (belligerent members' too) and no member is barred; its members not yet
    belligerent join. Each new belligerent then gets one strike uniform. A NaN probability
    (only defective coefficients give one) shuts its holder out of joining through pledges
    in that draw from that round on, as a NaN maximum would: when the scenario has one,
    the round's joiners through pledges are decided at its end.
    """
    k = len(capability)
    # per state, the draw (+1) in which it was last: belligerent or barred (closed to
    # joining), barred, shut, a candidate, given its resolve, counted (non-finite
    # capabilities)
    closed = np.zeros(k, np.int64)
    barred = np.zeros(k, np.int64)
    shut = np.zeros(k, np.int64)  # out of joining through pledges (a NaN probability)
    candidate = np.zeros(k, np.int64)
    drawn = np.zeros(k, np.int64)
    counted = np.zeros(k, np.int64)
    resolve = np.zeros(k)
    joined = np.zeros(k, np.int64)  # the belligerents, in the order they joined
    trigger = np.zeros(k, np.int64)
    waiting = np.zeros(k, np.int64)
    side = np.zeros(len(offense_state), np.bool_)
    deterred = 0
    widens = 0
    for d in range(n):
        tag = d + 1
        b, rng = _below(rng, n_boot)
        r, rng = _uniform(rng)
        shared = r < rho
        common = 0.0
        if shared:
            common, rng = _uniform(rng)
        for j in range(len(neutral_holder)):
            r, rng = _uniform(rng)
            if r < neutral_p[b, j]:
                barred[neutral_holder[j]] = tag
                closed[neutral_holder[j]] = tag
        any_side = False
        for j in range(len(offense_state)):
            r, rng = _uniform(rng)
            side[j] = r < offense_p[b, j]
            if side[j]:
                attacker_side[j] += 1
                any_side = True
                if offense_state[j] >= 0:
                    barred[offense_state[j]] = tag
                    closed[offense_state[j]] = tag
        size = 0
        n_trigger = 0
        for t in range(n_targets):
            closed[t] = tag
            joined[size] = t
            size += 1
            r, rng = _uniform(rng)
            if r < attribution[t]:
                trigger[n_trigger] = t
                n_trigger += 1
        # the cascade, one round per batch of newly struck belligerents
        while n_trigger:
            first = size
            n_waiting = 0
            for i in range(n_trigger):
                x = trigger[i]
                first_j, last_j = pledge_start[x], pledge_start[x + 1]
                row = first_j * n_boot + b * (last_j - first_j) - first_j  # + j: p of pledge j
                for j in range(first_j, last_j):
                    h = pledge_holder[j]
                    if closed[h] == tag or shut[h] == tag:
                        continue
                    if shared:
                        u = common
                    else:
                        if drawn[h] != tag:
                            drawn[h] = tag
                            r, rng = _uniform(rng)
                            resolve[h] = r
                        u = resolve[h]
                    p = pledge_p[row + j]
                    if u < p:
                        if has_nan:  # joins at the end of the round, unless shut by then
                            if candidate[h] != tag:
                                candidate[h] = tag
                                waiting[n_waiting] = h
                                n_waiting += 1
                        else:
                            closed[h] = tag
                            joined[size] = h
                            size += 1
                    elif p != p:
                        shut[h] = tag
                # the lazy resolve below repeats the one above on purpose: the same lines
                # as an inlined helper returning (u, rng) ran at half the speed (measured)
                for g in range(group_start[x], group_start[x + 1]):
                    agree = True
                    for m in range(member_start[g], member_start[g + 1]):
                        h = member[m]
                        if barred[h] == tag:  # a barred member vetoes
                            agree = False
                            break
                        if shared:
                            u = common
                        else:
                            if drawn[h] != tag:
                                drawn[h] = tag
                                r, rng = _uniform(rng)
                                resolve[h] = r
                            u = resolve[h]
                        if not u < member_p[b, m]:
                            agree = False
                            break
                    if agree:
                        for m in range(member_start[g], member_start[g + 1]):
                            h = member[m]
                            if closed[h] != tag:  # no member is barred
                                closed[h] = tag
                                joined[size] = h
                                size += 1
            for i in range(n_waiting):
                h = waiting[i]
                if shut[h] != tag and closed[h] != tag:
                    closed[h] = tag
                    joined[size] = h
                    size += 1
            n_trigger = 0
            for i in range(first, size):  # one strike uniform per new belligerent
                r, rng = _uniform(rng)
                if r < strike:
                    trigger[n_trigger] = joined[i]
                    n_trigger += 1
        # the balance and the choice
        size_counts[size] += 1
        guarantors = 0
        cap_d = 0.0
        for i in range(size):
            h = joined[i]
            drawn_in[h] += 1
            guarantors += guarantor[h]
            if finite:
                cap_d += capability[h]
        if not finite:  # NaN or infinite capabilities: 0·capability counts for the others
            for i in range(size):
                counted[joined[i]] = tag
            for i in range(k):
                cap_d += (1.0 if counted[i] == tag else 0.0) * capability[i]
        capability_out[d] = cap_d
        if size > n_targets or any_side:
            widens += 1
        if verdict:
            cap_a = attacker_capability
            for j in range(len(offense_state)):
                cap_a += (1.0 if side[j] else 0.0) * offense_capability[j]
            total = cap_a + cap_d
            win = cap_a / total if total > 0 else 0.5
            r, rng = _uniform(rng)
            value = value_lo + value_span * r
            r, rng = _uniform(rng)
            tolerance = tolerance_lo + tolerance_span * r
            eu = (2 * win - 1) * value - (war_cost + escalation[guarantors] * nuclear_cost) \
                / tolerance
            if eu <= 0:
                deterred += 1
            balance_out[d] = 1.0 - win
    return deterred, widens


def run_chunk(c: Compiled, seed: np.random.SeedSequence, n: int) -> Tally:
    """Run ``n`` draws of the compiled scenario with the stream seeded by ``seed``.

    The result depends only on (``c``, ``seed``, ``n``): chunks run anywhere (a process, a
    Dask worker) give the same tally.
    """
    t = _tables(c)
    p = c.params
    k = c.n_states
    state = seed.generate_state(4, np.uint64)
    if not state.any():  # the one state xoshiro cannot leave
        state[0] = 1
    rng = tuple(np.uint64(w) for w in state)
    verdict = c.attacker_capability is not None
    drawn_in = np.zeros(k, np.int64)
    attacker_side = np.zeros(len(t.offense_state), np.int64)
    size_counts = np.zeros(k + 1, np.int64)
    capability = np.zeros(n, np.float32)
    balance = np.zeros(n)
    value, tolerance = p["value"], p["cost_tolerance"]
    deterred, widens = _draws(
        rng, n, c.n_targets, t.n_boot, float(p["solidarity"]), float(p["strike_allies"]),
        t.attribution, t.pledge_start, t.pledge_holder, t.pledge_p, t.group_start,
        t.member_start, t.member, t.member_p, t.neutral_holder, t.neutral_p, t.offense_state,
        t.offense_p, t.offense_capability, t.capability, t.finite, t.guarantor, t.escalation,
        verdict, float(c.attacker_capability) if verdict else 0.0, float(value[0]),
        float(value[1] - value[0]), float(tolerance[0]), float(tolerance[1] - tolerance[0]),
        float(p["war_cost"]), float(p["nuclear_cost"]), t.has_nan, drawn_in, attacker_side,
        size_counts, capability, balance)
    entrap = ~np.asarray(c.direct, dtype=bool)
    entrap[:c.n_targets] = False
    return Tally(
        draws=n, deterred=int(deterred), widens=int(widens), drawn_in=drawn_in,
        entrapped=np.where(entrap, drawn_in, 0).astype(np.int64),
        attacker_side=attacker_side, size_counts=size_counts, capability=[capability],
        balance_sum=float(balance.sum()), balance_sumsq=float((balance ** 2).sum()))
