r"""One chunk of Monte Carlo draws of a compiled crisis: the worlds an attack would open.

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
each new belligerent at home with that state's own probability (:attr:`Compiled.strike`:
the reach model of :mod:`foedus.crisis.history`, or a flat ``strike_allies``), which
triggers that state's own pledges. Repeat until no state joins. Neutrality pledges owed
to the attacker, when kept (their own probability), bar the holder from joining against
it; offence pledges owed to the attacker bring its partners in on its side. The war
*widens* when any state beyond the scenario's attackers and targets enters it (on either
side).

**The attacker's side.** When a defending belligerent strikes back at the attacker's
homeland (each with its own probability, :attr:`Compiled.strike_back`; one uniform per
draw decides whether any does), the attacker's allies' defence pledges trigger: each
holder not already at war on the defending side (nor barred) joins the attacker with its
pledge's probability, against its one resolve. Their capability is added to the attacker's
(one level: the defending side's strikes on them are not followed further).

**The world's outcome.** With :math:`C_A` and :math:`C_D` the discounted capabilities of
the attacking side (the attacker, offence partners and allies that joined it) and of the
defending belligerents, :math:`P = C_A/(C_A + C_D)` is the attacker's probability of victory
(Bueno de Mesquita 1981, *The War Trap*, ch. 3). Each draw records *P*, the number *k* of
nuclear-armed states at war on the defending side (:attr:`Compiled.guarantor`) and whether
a nuclear-armed state fights on the attacker's side (*a*). The challenger's choice is made
after the draws, over their means (:mod:`foedus.crisis.decision`): the draws know nothing
of its value, costs or tolerance.

**Implementation.** The draws of a chunk run one after another in a loop compiled by
Numba (``nogil``; the machine code is cached on disk, so only the first call on a machine
compiles, a few seconds, and each new process loads it in well under a second). A draw
does only what its cascade reaches: a state's own resolve is drawn the first time the draw
asks for it (a pledge it holds to a triggered belligerent, a consensus group it belongs
to, or its pledge to the attacker when the attacker is struck), a strike uniform when a
state joins, and the loop visits the pledges of the triggered beneficiaries only — about
90 per draw for Estonia 2024, which draws some 25 resolves of its 122 states, instead of
(draws × states) arrays; a big cascade (the United States struck triggers its 49
pledgers) costs only in the draws that have one. Drawing lazily from one stream does not
change the model: every uniform is used once, for one purpose, so the resolves, strikes
and coin flips are independent U(0, 1) as in the dense formulation. Per-draw state lives
in arrays of length *n_states*: the resolves (set to "not drawn", or to the shared
resolve, by one fill at the start of a draw) and stamps holding the draw's number (barred,
counted), which need no clearing; the probability tables (per pledge and bootstrap row,
grouped by beneficiary so that a draw reads one short run) are built once per process and
``Compiled`` object. The loop indexes its arrays with unsigned integers (``np.uint64``
casts): Numba then emits no negative-index wraparound for them, which took a fifth of a
draw's time (issue 17: 1.25–1.30× the signed loop's draws per CPU second on Estonia 2024,
the same tallies bit for bit; ``tests/crisis/test_draws.py`` checks the compiled loop
against its own source run by Python).

**The stream changed in issue 17.** Until then every state's resolve was drawn at the start
of each draw (two 32-bit resolves per 64-bit word), so one seed gives other tallies than
before (the kernel before is kept in ``benchmarks/crisis_kernel_before.py``). The model is
the same: ``tests/crisis/test_draws_equivalence.py`` runs both kernels, 200,000 draws each,
on every case of the library and finds P(widens), every state's drawn-in frequency and
P(deterred) within 4 Monte Carlo standard errors (computed from the draws: the pooled
two-proportion SE, and the decision's own SE), and the same comparison catches a shift of
0.1 in every pledge's log-odds. Determinism per seed is unchanged (one core, processes and
Dask give the same bits).

**Where the compiled loop is kept.** Numba writes it (``cache=True``) next to this module,
in ``foedus/crisis/__pycache__``; where that folder is not writable (a wheel installed
system-wide, a read-only container image) it falls back to a per-user folder; when that
cannot be written either, :func:`foedus.crisis._numba_cache.ensure_cache_dir` points it at
a private temporary folder (``foedus-numba-{uid}``, mode 0700); ``NUMBA_CACHE_DIR`` puts it
anywhere (set it to a writable, persistent folder in containers
and on cluster workers, so that each new process loads the loop instead of compiling it,
a few seconds). The cache records the CPU model and features it was compiled for, so a
folder shared between machines serves only the machines that match (Numba, "Notes on
Caching", https://numba.readthedocs.io/en/0.62.0/developer/caching.html).

The stream is xoshiro256++ (Blackman & Vigna 2021, *ACM Trans. Math. Softw.* 47(4):36,
doi:10.1145/3460772), its 256-bit state taken from the chunk's ``SeedSequence``. A chunk's
tally depends only on the compiled scenario, the seed and the chunk size: the loop's order
is fixed, and it is compiled without fast-math (no reassociated or fused arithmetic), so
any process — serial, a process pool, a Dask worker — gives the same bits.
"""

from __future__ import annotations

import math
import threading
import weakref
from dataclasses import dataclass, field

import numpy as np
from numba import njit

from foedus.crisis._numba_cache import ensure_cache_dir
from foedus.crisis.compile import Compiled
from foedus.crisis.decision import WorldMoments

# Before the loop below is decorated (cache=True): a temporary cache folder when neither
# NUMBA_CACHE_DIR, the package folder nor the user's cache folder can be written. Here,
# not in the package's __init__, so that only the code that compiles the loop pays for it.
ensure_cache_dir(__file__)

__all__ = ["EXACT", "REL_ERROR", "TINY", "Capabilities", "Tally", "count_quantile", "run_chunk"]


#: Draws up to which the coalition's capabilities are kept one by one (4 MB of float32), so
#: that their quantiles are exact (``numpy.quantile`` on them, as before issue 20); beyond,
#: they are counted in the histogram of :class:`Capabilities`.
EXACT = 1 << 20
#: Low bits of a float32 dropped by the histogram: 10 of its 23 mantissa bits are kept, so
#: every bin spans at most 2⁻¹⁰ of its lower edge and its midpoint is within 2⁻¹¹ of every
#: value in it.
_SHIFT = 13
#: The histogram's relative error (see :meth:`Capabilities.quantiles`).
REL_ERROR = 2.0 ** -(23 - _SHIFT + 1)
#: Its absolute error next to zero (the subnormal floats of the bins touching 0).
TINY = 2.0 ** (_SHIFT - 149)


def _keys(x: np.ndarray) -> np.ndarray:
    """The histogram bin of each float32 of ``x`` (no NaN): its bits mapped to an unsigned
    integer in the order of the values (negatives' bits flipped, positives' sign bit set),
    the low :data:`_SHIFT` bits dropped."""
    u = np.ascontiguousarray(x, dtype=np.float32).view(np.uint32)
    return (np.where(u >> np.uint32(31), ~u, u | np.uint32(0x80000000))
            >> np.uint32(_SHIFT)).astype(np.int64)


def _values(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The smallest and largest float32 (as float64) in each bin of ``keys``."""
    def value(m):
        m = m.astype(np.uint32)
        u = np.where(m >> np.uint32(31), m & np.uint32(0x7FFFFFFF), ~m)
        return u.view(np.float32).astype(np.float64)

    keys = np.asarray(keys, dtype=np.int64)
    a = value(keys << _SHIFT)
    b = value(((keys + 1) << _SHIFT) - 1)
    return np.fmin(a, b), np.fmax(a, b)  # fmin/fmax: a NaN end (next to ±inf) is ignored


def _lerp(a: float, b: float, t: float) -> float:
    """``numpy.quantile``'s linear interpolation, the same arithmetic
    (``numpy.lib._function_base_impl._lerp``, NumPy 2.x)."""
    d = b - a
    return b - d * (1 - t) if t >= 0.5 else a + d * t


def count_quantile(values: np.ndarray, counts: np.ndarray, q: float) -> float:
    """``numpy.quantile(np.repeat(values, counts), q)`` (method "linear", the default:
    Hyndman & Fan 1996, definition 7, doi:10.2307/2684934) from the counts of sorted
    ``values``, without the repeated array: the two order statistics around
    :math:`h = (n-1)q`, interpolated with NumPy's arithmetic, so the result is the same
    float."""
    counts = np.asarray(counts, dtype=np.int64)
    n = int(counts.sum())
    h = (n - 1) * np.float64(q)
    lo = int(np.floor(h))
    ends = np.cumsum(counts)
    if lo >= n - 1:
        return float(values[np.searchsorted(ends, n - 1, side="right")])
    i, j = np.searchsorted(ends, [lo, lo + 1], side="right")
    return float(_lerp(np.float64(values[i]), np.float64(values[j]), h - lo))


@dataclass
class Capabilities:
    """The defending coalition's capability over draws, in memory independent of their
    number: its mean and sum of squared deviations (merged by Chan, Golub & LeVeque 1983,
    *Am. Stat.* 37(3):242, doi:10.1080/00031305.1983.10483115), and either every value
    (``values``, float32, while there are at most :data:`EXACT`) or a histogram over
    float32 bins of relative width 2⁻¹⁰ (``counts`` of the bins numbered ``start`` on, in
    the order of the values; NaN counted apart in ``nan``)."""

    n: int
    mean: float
    m2: float
    values: np.ndarray | None = None
    start: int = 0
    counts: np.ndarray | None = None
    nan: int = 0

    @classmethod
    def of(cls, x: np.ndarray) -> Capabilities:
        """The capabilities ``x`` (float32) of one chunk's draws."""
        xf = x.astype(np.float64)
        mean = float(xf.mean()) if len(x) else 0.0
        return cls(len(x), mean, float(((xf - mean) ** 2).sum()), values=x)

    @property
    def exact(self) -> bool:
        return self.values is not None

    def _binned(self) -> tuple[int, np.ndarray, int]:
        """(first bin, counts of the bins from it on, NaN count)."""
        if self.values is None:
            return self.start, self.counts, self.nan
        x = self.values
        nan = np.isnan(x)
        keys = _keys(x[~nan]) if nan.any() else _keys(x)
        if not len(keys):
            return 0, np.zeros(0, np.int64), int(nan.sum())
        start = int(keys.min())
        return start, np.bincount(keys - start), int(nan.sum())

    def binned(self) -> Capabilities:
        """The same capabilities as a histogram (``self`` if already one). A sum that
        reaches past :data:`EXACT` draws bins its terms anyway, so a chunk known to lie
        past that point can be binned where it is drawn (a Dask worker sends back some
        50 kB of counts instead of 4 bytes a draw) with the same total."""
        if self.values is None:
            return self
        start, counts, nan = self._binned()
        return Capabilities(self.n, self.mean, self.m2, start=start, counts=counts, nan=nan)

    def __add__(self, other: Capabilities) -> Capabilities:
        n = self.n + other.n
        if not n:
            return self
        delta = other.mean - self.mean
        mean = self.mean + delta * other.n / n
        m2 = self.m2 + other.m2 + delta * delta * self.n * other.n / n
        if self.exact and other.exact and n <= EXACT:
            return Capabilities(n, mean, m2, values=np.concatenate([self.values,
                                                                     other.values]))
        # the histogram: counts of the bins start … start + len − 1, a window as wide as
        # the values' range (some 6,500 bins for Estonia; at most 2¹⁹)
        sa, ca, na = self._binned()
        sb, cb, nb = other._binned()
        if not len(ca) or not len(cb):
            start, counts = (sb, cb.copy()) if not len(ca) else (sa, ca.copy())
        else:
            start = min(sa, sb)
            counts = np.zeros(max(sa + len(ca), sb + len(cb)) - start, np.int64)
            counts[sa - start:sa - start + len(ca)] += ca
            counts[sb - start:sb - start + len(cb)] += cb
        return Capabilities(n, mean, m2, start=start, counts=counts, nan=na + nb)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Capabilities):
            return NotImplemented

        def same(a, b):
            return (a is None) == (b is None) and (a is None or (
                a.dtype == b.dtype and np.array_equal(a, b, equal_nan=True)))
        return (self.n == other.n and self.mean == other.mean and self.m2 == other.m2
                and self.nan == other.nan and same(self.values, other.values)
                and self.start == other.start and same(self.counts, other.counts))

    def quantiles(self, qs) -> list[float]:
        """The quantiles ``qs`` of the capabilities (NumPy's linear method): exactly
        ``numpy.quantile`` of all values while they are kept, else from the histogram,
        each order statistic replaced by its bin's midpoint, so within :data:`REL_ERROR`
        of the larger in magnitude of the two draws it interpolates between, or within
        :data:`TINY` (2⁻¹³⁶) of 0 (NaN if any value is NaN, as ``numpy.quantile``
        gives)."""
        if self.values is not None:
            return [float(np.quantile(self.values, q)) for q in qs]
        if self.nan:
            return [math.nan for _ in qs]
        used = np.flatnonzero(self.counts)
        lo, hi = _values(self.start + used)
        # a bin's midpoint; 0 for the bins next to zero (0 itself and subnormals, within
        # TINY of it), so that a zero capability stays exactly 0
        mid = np.where((lo == hi) | (lo == 0) | (hi == 0), np.where(hi == 0, hi, lo),
                       lo / 2 + hi / 2)
        return [count_quantile(mid, self.counts[used], q) for q in qs]


@dataclass
class Tally:
    """Sums over the draws of one or more chunks (add them in chunk order).

    Every count is over draws of the war the attack would start (conditional on war);
    ``world`` holds the moments the challenger's choice reads
    (:class:`foedus.crisis.decision.WorldMoments`, None without an attacker capability).
    """

    draws: int
    widens: int
    drawn_in: np.ndarray
    entrapped: np.ndarray
    attacker_side: np.ndarray
    size_counts: np.ndarray
    capabilities: Capabilities = field(
        default_factory=lambda: Capabilities.of(np.zeros(0, np.float32)))
    balance_sum: float = 0.0
    balance_sumsq: float = 0.0
    allies_side: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    struck_back: int = 0
    world: WorldMoments | None = None

    def __add__(self, other: Tally) -> Tally:
        world = self.world if other.world is None else (
            other.world if self.world is None else self.world + other.world)
        return Tally(
            self.draws + other.draws, self.widens + other.widens,
            self.drawn_in + other.drawn_in, self.entrapped + other.entrapped,
            self.attacker_side + other.attacker_side, self.size_counts + other.size_counts,
            self.capabilities + other.capabilities, self.balance_sum + other.balance_sum,
            self.balance_sumsq + other.balance_sumsq, self.allies_side + other.allies_side,
            self.struck_back + other.struck_back, world)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


@dataclass
class _Tables:
    """What the compiled loop reads of a scenario (see :func:`_tables`)."""

    n_boot: int
    pledge_start: np.ndarray  # individual pledges to beneficiary x: start[x] … start[x+1]
    pledge_holder: np.ndarray
    pledge_p: np.ndarray  # (bootstrap rows, pledges): a row's pledges to x contiguous
    group_start: np.ndarray  # consensus groups benefiting x: start[x] … start[x+1]
    member_start: np.ndarray  # members of group g: start[g] … start[g+1]
    member: np.ndarray
    member_p: np.ndarray  # (bootstrap rows, members)
    neutral_holder: np.ndarray
    neutral_p: np.ndarray
    offense_state: np.ndarray  # the offence partner's state index, -1 if not a state here
    offense_p: np.ndarray
    attribution: np.ndarray
    capability: np.ndarray
    finite: bool  # every capability finite
    guarantor: np.ndarray  # 1 for a nuclear-armed state
    offense_capability: np.ndarray
    offense_nuclear: np.ndarray
    strike: np.ndarray  # per state: P(the attacker strikes it at home when it joins)
    strike_back: np.ndarray  # per state: P(it strikes the attacker's homeland)
    ally_state: np.ndarray  # the attacker's ally's state index, -1 if not a state here
    ally_p: np.ndarray  # (bootstrap rows, allies)
    ally_capability: np.ndarray
    ally_nuclear: np.ndarray


def _rows(p: np.ndarray, n_boot: int, what: str) -> np.ndarray:
    """A probability table with one row per bootstrap draw (read-only, C order)."""
    if p.shape[1] and p.shape[0] != n_boot:
        raise ValueError(f"{what}: {p.shape[0]} coefficient draws, expected {n_boot}")
    out = np.ascontiguousarray(p, dtype=np.float64) if p.shape[1] else np.zeros((n_boot, 0))
    out.flags.writeable = False
    return out


def _per_state(value, k: int, default: float) -> np.ndarray:
    if value is None:
        return np.full(k, float(default))
    return np.asarray(value, dtype=np.float64)


def _build(c: Compiled, shift: float) -> _Tables:
    k = c.n_states
    n_boot = max(c.edge_logit.shape[0], c.neutral_logit.shape[0], c.offense_logit.shape[0],
                 c.ally_logit.shape[0], 1)
    # one individual pledge per (holder, beneficiary), the last listed (the first of the
    # reversed list), ordered by beneficiary, then holder
    individual = np.nonzero(~np.asarray(c.edge_consensus, dtype=bool))[0][::-1]
    keys, first = np.unique(c.edge_beneficiary[individual] * k + c.edge_holder[individual],
                            return_index=True)
    pledges = individual[first]
    beneficiary = keys // k
    start = np.searchsorted(beneficiary, np.arange(k + 1)).astype(np.int64)
    # their probabilities, one row per draw of the model (a draw reads one row; the draws
    # of a chunk are grouped by row, so that the row stays in cache)
    if len(pledges) and c.edge_logit.shape[0] != n_boot:
        raise ValueError(f"edge_logit: {c.edge_logit.shape[0]} coefficient draws, "
                         f"expected {n_boot}")
    pledge_p = np.ascontiguousarray(c.edge_logit[:, pledges], dtype=np.float64) if len(
        pledges) else np.zeros((n_boot, 0))
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
        attribution=np.array(c.attribution, dtype=np.float64),
        capability=np.array(c.capability, dtype=np.float64),
        finite=bool(np.isfinite(c.capability).all()),
        guarantor=np.array(c.guarantor, dtype=np.int64),
        offense_capability=np.array(c.offense_capability, dtype=np.float64),
        offense_nuclear=_per_state(c.offense_nuclear, len(c.offense_holder), 0.0).astype(
            np.int64),
        strike=_per_state(c.strike, k, c.params.get("strike_allies") or 0.0),
        strike_back=_per_state(c.strike_back, k, 0.0),
        ally_state=np.array([index.get(int(s), -1) for s in c.ally_holder], dtype=np.int64),
        ally_p=_rows(_sigmoid(c.ally_logit + shift), n_boot, "ally_logit"),
        ally_capability=np.array(c.ally_capability, dtype=np.float64),
        ally_nuclear=np.array(c.ally_nuclear, dtype=np.int64))


#: Tables per live ``Compiled`` (by id, checked against a weak reference) and the
#: parameters they were built with.
_TABLES: dict[int, tuple[weakref.ref, tuple, _Tables]] = {}


def _tables(c: Compiled) -> _Tables:
    """The tables of ``c``, built once per process (a Dask worker keeps the scattered
    scenario, a process pool worker receives it once) and rebuilt if the parameters they
    depend on change; a ``Compiled`` is otherwise not changed in place after its first run
    (``dataclasses.replace`` makes a new one, as a sweep does)."""
    key = (float(c.params["credibility_shift"]), c.params.get("strike_allies"))
    hit = _TABLES.get(id(c))
    if hit is not None and hit[0]() is c and hit[1] == key:
        return hit[2]
    tables = _build(c, key[0])
    ident = id(c)
    _TABLES[ident] = (weakref.ref(c, lambda _: _TABLES.pop(ident, None)), key, tables)
    return tables


@njit(cache=True, nogil=True, inline='always')
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


@njit(cache=True, nogil=True, inline='always')
def _uniform(rng):
    """U[0, 1) with 53 random bits, and the next state."""
    x, rng = _next(rng)
    return float(x >> np.uint64(11)) * (1.0 / 9007199254740992.0), rng


@njit(cache=True, nogil=True, inline='always')
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


#: A resolve no probability exceeds: a state closed to joining (belligerent or barred).
_CLOSED = 2.0
#: A resolve not drawn yet in this draw (below every uniform).
_FRESH = -1.0


@njit(cache=True, nogil=True)
def _draws(rng, n, n_targets, n_boot, rho, attribution,
           pledge_start, pledge_holder, pledge_p, group_start, member_start, member,
           member_p, neutral_holder, neutral_p, offense_state, offense_p, offense_capability,
           offense_nuclear, capability, finite, guarantor, strike, strike_back, ally_state,
           ally_p, ally_capability, ally_nuclear, verdict, attacker_capability,
           attacker_nuclear, drawn_in, attacker_side, allies_side, size_counts,
           capability_out, balance_out, nuclear_out, side_nuclear_out, rows, order):
    """``n`` draws (module docstring) from the stream in state ``rng``: adds to the count
    arrays, fills the per-draw capability, balance (1 − P), nuclear count and attacker-side
    nuclear flag, returns (widens, struck back). ``rows`` and ``order`` (``n`` integers
    each) are work space.

    A draw first decides whether its resolves are the shared one (drawn then) or each
    state's own; ``resolve`` and ``live`` are filled with the shared resolve or with
    :data:`_FRESH` (not drawn yet, below every uniform), and a state's own resolve is
    drawn the first time the draw asks for it. ``live`` also holds :data:`_CLOSED` for a
    state closed to joining (belligerent, or barred by a kept neutrality pledge or by
    fighting on the attacker's side), so a pledge's test is one comparison once the
    resolve is drawn. The cascade runs in rounds. A round visits the pledges to the states
    it triggers (the attributed targets, then the belligerents struck in the round
    before); an open state joins at the first triggered pledge whose probability exceeds
    its resolve, which is the same as comparing the resolve with the largest of them. A NaN
    probability never exceeds a resolve (such a pledge is never honoured). A consensus
    group benefiting a triggered state acts when every member's resolve is below its
    pledge (belligerent members' too) and no member is barred; its members not yet
    belligerent join. Each new belligerent then gets one strike uniform. Then one uniform
    decides whether the defending side strikes back at the attacker's homeland (any
    belligerent, each with its own probability), and the attacker's allies decide.
    """
    k = len(capability)
    barred = np.zeros(k, np.int64)  # the draw (+1) in which a state was last barred
    counted = np.zeros(k, np.int64)  # … counted (non-finite capabilities)
    resolve = np.zeros(k + 1)  # each state's resolve (_FRESH until drawn)
    live = np.zeros(k + 1)  # the same, _CLOSED for a state closed to joining
    joined = np.zeros(k + 1, np.int64)  # the belligerents, in the order they joined
    trigger = np.zeros(k, np.int64)
    side = np.zeros(len(offense_state), np.bool_)
    n_allies = len(ally_state)
    widens = 0
    struck_back = 0
    # the model's row of every draw, drawn first; the draws then run grouped by row (a
    # counting sort: the same draws in another order, every row's table kept in cache)
    per_row = np.zeros(n_boot + 1, np.int64)
    for d in range(n):
        b, rng = _below(rng, n_boot)
        rows[d] = b
        per_row[b + 1] += 1
    for b in range(n_boot):
        per_row[b + 1] += per_row[b]
    for d in range(n):
        order[per_row[rows[d]]] = d
        per_row[rows[d]] += 1
    for d in range(n):
        tag = d + 1
        b = np.uint64(rows[order[d]])
        r, rng = _uniform(rng)
        shared = r < rho
        common = _FRESH
        if shared:
            common, rng = _uniform(rng)
        for i in range(np.uint64(k)):  # a fill, not draws: the resolves are drawn when asked
            resolve[i] = live[i] = common
        for j in range(len(neutral_holder)):
            r, rng = _uniform(rng)
            if r < neutral_p[b, j]:
                h = np.uint64(neutral_holder[j])
                barred[h] = tag
                live[h] = _CLOSED
        any_side = False
        side_nuclear = attacker_nuclear
        for j in range(len(offense_state)):
            r, rng = _uniform(rng)
            side[j] = r < offense_p[b, j]
            if side[j]:
                attacker_side[j] += 1
                any_side = True
                if offense_nuclear[j]:
                    side_nuclear = True
                if offense_state[j] >= 0:
                    barred[offense_state[j]] = tag
                    live[offense_state[j]] = _CLOSED
        size = 0
        n_trigger = 0
        for t in range(n_targets):
            live[t] = _CLOSED
            joined[size] = t
            size += 1
            r, rng = _uniform(rng)
            if r < attribution[t]:
                trigger[n_trigger] = t
                n_trigger += 1
        # the cascade, one round per batch of newly struck belligerents
        while n_trigger:
            first = size
            for i in range(n_trigger):
                x = np.uint64(trigger[i])
                for j in range(np.uint64(pledge_start[x]), np.uint64(pledge_start[x + 1])):
                    h = np.uint64(pledge_holder[j])
                    u = live[h]
                    if u < 0.0:  # open, its resolve not drawn yet
                        u, rng = _uniform(rng)
                        resolve[h] = live[h] = u
                    if u < pledge_p[b, j]:  # never for a closed state (u = _CLOSED)
                        live[h] = _CLOSED
                        joined[size] = h
                        size += 1
                for g in range(group_start[x], group_start[x + 1]):
                    agree = True
                    for m in range(member_start[g], member_start[g + 1]):
                        h = member[m]
                        if barred[h] == tag:
                            agree = False  # a barred member vetoes
                            break
                        u = resolve[h]
                        if u < 0.0:  # not drawn yet (the state may be belligerent)
                            u, rng = _uniform(rng)
                            resolve[h] = u
                            if live[h] < 0.0:
                                live[h] = u
                        if not u < member_p[b, m]:
                            agree = False
                            break
                    if agree:
                        for m in range(member_start[g], member_start[g + 1]):
                            h = member[m]
                            if live[h] < _CLOSED:  # not yet belligerent (none is barred)
                                live[h] = _CLOSED
                                joined[size] = h
                                size += 1
            n_trigger = 0
            for i in range(first, size):  # one strike uniform per new belligerent
                r, rng = _uniform(rng)
                h = np.uint64(joined[i])
                if r < strike[h]:
                    trigger[n_trigger] = h
                    n_trigger += 1
        # the balance on the defending side
        size_counts[size] += 1
        guarantors = 0
        cap_d = 0.0
        spared = 1.0  # P(no belligerent strikes the attacker's homeland)
        for i in range(size):
            h = np.uint64(joined[i])
            drawn_in[h] += 1
            guarantors += guarantor[h]
            spared *= 1.0 - strike_back[h]
            if finite:
                cap_d += capability[h]
        if not finite:  # NaN or infinite capabilities: 0·capability counts for the others
            for i in range(size):
                counted[joined[i]] = tag
            for i in range(k):
                cap_d += (1.0 if counted[i] == tag else 0.0) * capability[i]
        capability_out[d] = cap_d
        # the defending side strikes back: the attacker's allies decide
        cap_allies = 0.0
        any_ally = False
        if n_allies:
            r, rng = _uniform(rng)
            if r >= spared:
                struck_back += 1
                for j in range(n_allies):
                    h = ally_state[j]
                    if h >= 0:
                        u = live[h]
                        if u == _CLOSED:  # at war on the defending side, or barred
                            continue
                        if u < 0.0:
                            u, rng = _uniform(rng)
                            resolve[h] = live[h] = u
                    elif shared:
                        u = common
                    else:
                        u, rng = _uniform(rng)
                    if u < ally_p[b, j]:
                        allies_side[j] += 1
                        any_ally = True
                        cap_allies += ally_capability[j]
                        if ally_nuclear[j]:
                            side_nuclear = True
        if size > n_targets or any_side or any_ally:
            widens += 1
        nuclear_out[d] = guarantors
        side_nuclear_out[d] = side_nuclear
        if verdict:
            cap_a = attacker_capability + cap_allies
            for j in range(len(offense_state)):
                cap_a += (1.0 if side[j] else 0.0) * offense_capability[j]
            total = cap_a + cap_d
            win = cap_a / total if total > 0 else 0.5
            balance_out[d] = 1.0 - win
    return widens, struck_back


class _Work:
    """One thread's work space for :func:`run_chunk`: the per-draw arrays of a chunk and
    the temporaries of its sums, allocated once per thread and reused by every chunk.

    Fresh arrays for every chunk (some 8 MB per 65,536 draws) cost a page fault per 4 kB
    where the allocator hands freed memory back to the system at once, as in a Dask worker
    (distributed sets ``MALLOC_TRIM_THRESHOLD_=65536`` in the workers' environment): 2,000
    faults per chunk, a tenth of its time. Per thread, because a worker may run chunks in
    several threads at once (the compiled loop releases the GIL).
    """

    def __init__(self, n: int) -> None:
        self.size = n
        self.balance = np.empty(n)
        self.nuclear = np.empty(n, np.int64)
        self.side_nuclear = np.empty(n, np.bool_)
        self.rows = np.empty(n, np.int64)
        self.order = np.empty(n, np.int64)
        self.x = np.empty(n)
        self.y = np.empty(n)


_WORK = threading.local()


#: The largest work space a thread keeps (draws): 5 MB. A larger chunk (none that
#: :mod:`foedus.crisis.run` cuts) gets a work space of its own, freed after it.
_KEEP = 1 << 17


def _work(n: int) -> _Work:
    """This thread's :class:`_Work`, grown to ``n`` draws if needed (kept up to
    :data:`_KEEP` draws)."""
    work = getattr(_WORK, "work", None)
    if work is None or work.size < n:
        if n > _KEEP:
            return _Work(n)
        work = _WORK.work = _Work(n)
    return work


def _capabilities(x: np.ndarray, work: _Work) -> Capabilities:
    """``Capabilities.of(x)``, the same floats, its temporaries in ``work``."""
    xf = work.x[:len(x)]
    np.copyto(xf, x)  # float32 → float64, exact
    mean = float(xf.mean()) if len(x) else 0.0
    np.subtract(xf, mean, out=xf)
    return Capabilities(len(x), mean, float(np.square(xf, out=xf).sum()), values=x)


def _world(balance: np.ndarray, nuclear: np.ndarray, side_nuclear: np.ndarray, size: int,
           work: _Work) -> WorldMoments:
    """``WorldMoments.from_draws(1 − 2·balance, nuclear, side_nuclear, size)``, the same
    floats (the same operations on the same values), its temporaries in ``work``."""
    n = len(balance)
    x = np.multiply(balance, 2.0, out=work.x[:n])
    np.subtract(1.0, x, out=x)
    a = work.y[:n]
    np.copyto(a, side_nuclear)
    sum_ax = float(np.multiply(a, x, out=a).sum())  # a is 0 or 1: a·x
    np.copyto(a, side_nuclear)
    a_k = np.bincount(nuclear, weights=a, minlength=size).astype(np.int64)
    sum_x = float(x.sum())
    x_k = np.bincount(nuclear, weights=x, minlength=size)
    sum_xx = float(np.square(x, out=x).sum())
    return WorldMoments(n, sum_x, sum_xx, sum_ax,
                        np.bincount(nuclear, minlength=size).astype(np.int64), x_k, a_k)


def run_chunk(c: Compiled, seed: np.random.SeedSequence, n: int) -> Tally:
    """Run ``n`` draws of the compiled scenario with the stream seeded by ``seed``.

    The result depends only on (``c``, ``seed``, ``n``): chunks run anywhere (a process, a
    Dask worker) give the same tally.
    """
    t = _tables(c)
    k = c.n_states
    state = seed.generate_state(4, np.uint64)
    if not state.any():  # the one state xoshiro cannot leave
        state[0] = 1
    rng = tuple(np.uint64(w) for w in state)
    verdict = c.attacker_capability is not None
    drawn_in = np.zeros(k, np.int64)
    attacker_side = np.zeros(len(t.offense_state), np.int64)
    allies_side = np.zeros(len(t.ally_state), np.int64)
    size_counts = np.zeros(k + 1, np.int64)
    capability = np.empty(n, np.float32)  # kept by the tally (every value, up to EXACT)
    work = _work(n)
    balance = work.balance[:n]
    balance.fill(0.0)  # left so without a verdict
    nuclear = work.nuclear[:n]
    side_nuclear = work.side_nuclear[:n]
    widens, struck_back = _draws(
        rng, n, c.n_targets, t.n_boot, float(c.params["solidarity"]), t.attribution,
        t.pledge_start, t.pledge_holder, t.pledge_p, t.group_start, t.member_start, t.member,
        t.member_p, t.neutral_holder, t.neutral_p, t.offense_state, t.offense_p,
        t.offense_capability, t.offense_nuclear, t.capability, t.finite, t.guarantor,
        t.strike, t.strike_back, t.ally_state, t.ally_p, t.ally_capability, t.ally_nuclear,
        verdict, float(c.attacker_capability) if verdict else 0.0, bool(c.attacker_nuclear),
        drawn_in, attacker_side, allies_side, size_counts, capability, balance,
        nuclear, side_nuclear, work.rows[:n], work.order[:n])
    entrap = ~np.asarray(c.direct, dtype=bool)
    entrap[:c.n_targets] = False
    world = _world(balance, nuclear, side_nuclear, k + 1, work) if verdict else None
    balance_sum = float(balance.sum())
    balance_sumsq = float(np.square(balance, out=work.y[:n]).sum())
    return Tally(
        draws=n, widens=int(widens), drawn_in=drawn_in,
        entrapped=np.where(entrap, drawn_in, 0).astype(np.int64),
        attacker_side=attacker_side, size_counts=size_counts,
        capabilities=_capabilities(capability, work),
        balance_sum=balance_sum, balance_sumsq=balance_sumsq,
        allies_side=allies_side, struck_back=int(struck_back), world=world)
