r"""The challenger's ex-ante choice: attack or keep the status quo (random utility).

The draws (:mod:`foedus.crisis.draws`) play out the war the attack would start, once per
world *w*: who joins on each side, the attacker's probability of victory :math:`P_w`, the
number :math:`k_w` of nuclear-armed states at war on the defending side, and whether a
nuclear-armed state fights on the attacker's side (:math:`a_w`, the attacker itself
included). The challenger does not know which world it is in. It decides *before*, on its
expected utility over the worlds, with private information about its own type
:math:`\theta = (V, \tau, \varepsilon)`: the value of the objective, its tolerance of costs,
and a random-utility shock (Signorino & Tarar 2006 [1]_: a quantal-response choice in which
the analyst does not see the actor's exact utilities). Given its type, the utility of
attacking is linear in the world's outcome,

.. math::

    U(V, \tau) = V\,\bar X - \frac{c + N_{own}\,\Pi_{own}(q)
                 + N_{ext}\,\bigl(\bar\Pi(q) - \Pi_{own}(q)\bigr)}{\tau}
                 + \lambda\,\bar A,
    \qquad \bar X = \mathbb E_w[2P_w - 1],\;
    \bar\Pi(q) = \mathbb E_w\bigl[1 - (1-q)^{k_w}\bigr],\;
    \bar A = \mathbb E_w[a_w],

with *c* the cost of the war and :math:`N_{own}`, :math:`N_{ext}` the costs of nuclear use
(all in units of the objective's value, whose mean is 1), *q* the probability that a
nuclear-armed belligerent escalates, and λ the value the challenger puts on having nuclear
weapons on its side (a nuclear attacker cannot be routed: the term Bueno de Mesquita's
expected utility [2]_ leaves out).

**The target's own weapons and its protectors'** (engine 2.1). The targets are at war in
every draw, so with *m* nuclear-armed targets (one or none in every scenario of the
library and every historical case) every world has :math:`k_w = m + j_w`, and

.. math::

    1 - (1-q)^{m + j} = \underbrace{1 - (1-q)^m}_{\Pi_{own}(q)}
                      + (1-q)^m\bigl(1 - (1-q)^j\bigr),

the first part the risk the target's own weapons carry in every world (*q* for one
nuclear-armed target), the second the risk its nuclear-armed protectors add
(:math:`\bar\Pi - \Pi_{own}`, never negative;
:func:`foedus.crisis.general.nuclear_risk_parts`). Engine
2.0 priced both with one *N*; the ICB crises and the war record both say a protector's
weapons deter more per unit of Π̄ than the target's own (``docs/crisis.md``, "General
deterrence": the diagnosis of the nuclear-protector war cell), so each part has its own
cost: ``nuclear_cost`` is :math:`N_{ext}` (the protectors'), ``nuclear_cost_own`` is
:math:`N_{own}` (the target's own). Without ``nuclear_cost_own`` (parameters of engine 2.0,
a scenario that states ``nuclear_cost`` alone) the two are equal: the one-cost model.

The status quo is worth 0 and the shock is logistic with scale σ, so a challenger of
type (V, τ) attacks with probability :math:`\Lambda(U/\sigma)` (Λ the logistic
distribution function), and over the types (V uniform on the ``value`` range, τ on the
``cost_tolerance`` range)

.. math::

    \Pr(\text{attack}) = \int\!\!\int \Lambda\bigl(U(V,\tau)/\sigma\bigr)\,
    \mathrm dF(V)\,\mathrm dF(\tau),
    \qquad \Pr(\text{deterred}) = 1 - \Pr(\text{attack}),

the share of challenger types that do not attack. The integral is Gauss–Legendre
quadrature (:data:`NODES` nodes per dimension; exact for a point range). Because Λ lies
strictly between 0 and 1, no verdict is 0 or 1 by construction. Everything the draws leave
to the challenger is in the world means, so the integral over types runs after the draws:
value, cost tolerance, costs, escalation, λ and σ can change without drawing again.

Monte Carlo error: the world means are sample means of the draws; the delta method gives
:math:`\mathrm{se}^2 = g^\top \Sigma g / n` with *g* the gradient of Pr(attack) in
:math:`(\bar X, \bar\Pi, \bar A)` and Σ the covariance of :math:`(x_w, \pi_w, a_w)` over
the draws (from the moments of :class:`WorldMoments`). :math:`\Pi_{own}` is a constant of the
scenario (not a sample mean), so the gradient in :math:`\bar\Pi` is the protectors' part's
alone, :math:`-N_{ext}/\tau` inside the integral.

References
----------
.. [1] Signorino, Curtis S., and Ahmer Tarar. 2006. "A Unified Theory and Test of Extended
   Immediate Deterrence." *American Journal of Political Science* 50(3): 586-605.
   doi:10.1111/j.1540-5907.2006.00217.x
.. [2] Bueno de Mesquita, Bruce. 1981. *The War Trap*. Yale University Press, ch. 3.
.. [3] McKelvey, Richard D., and Thomas R. Palfrey. 1995. "Quantal Response Equilibria for
   Normal Form Games." *Games and Economic Behavior* 10(1): 6-38.
   doi:10.1006/game.1995.1023
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np

__all__ = ["DECISION_PARAMETERS", "NODES", "Decision", "WorldMoments", "decide", "integral",
           "nuclear_costs", "own_risk"]

#: Quadrature nodes per dimension (value, cost tolerance).
NODES = 24

#: The parameters the choice reads (none of them is read by the draws).
DECISION_PARAMETERS = ("value", "cost_tolerance", "war_cost", "nuclear_cost",
                       "nuclear_cost_own", "nuclear_escalation", "scale", "nuclear_value")


@dataclass(frozen=True)
class WorldMoments:
    """Sums over the draws of the world quantities the choice reads.

    ``n`` draws; ``x`` is :math:`2P_w - 1`; ``k`` the nuclear-armed states at war on the
    defending side (``count_k[j]`` draws had *j*, ``x_k[j]`` and ``a_k[j]`` sum *x* and *a*
    over them); ``a`` is 1 when a nuclear-armed state fights on the attacker's side.
    """

    n: int
    sum_x: float
    sum_xx: float
    sum_ax: float
    count_k: np.ndarray
    x_k: np.ndarray
    a_k: np.ndarray

    def __add__(self, other: WorldMoments) -> WorldMoments:
        size = max(len(self.count_k), len(other.count_k))

        def pad(v, dtype):
            out = np.zeros(size, dtype=dtype)
            out[:len(v)] = v
            return out

        return WorldMoments(
            self.n + other.n, self.sum_x + other.sum_x, self.sum_xx + other.sum_xx,
            self.sum_ax + other.sum_ax,
            pad(self.count_k, np.int64) + pad(other.count_k, np.int64),
            pad(self.x_k, float) + pad(other.x_k, float),
            pad(self.a_k, np.int64) + pad(other.a_k, np.int64))

    @classmethod
    def from_draws(cls, x: np.ndarray, k: np.ndarray, a: np.ndarray,
                   size: int) -> WorldMoments:
        """The moments of per-draw arrays (``k`` < ``size``)."""
        x = np.asarray(x, dtype=float)
        af = np.asarray(a, dtype=float)
        return cls(len(x), float(x.sum()), float((x * x).sum()), float((af * x).sum()),
                   np.bincount(k, minlength=size).astype(np.int64),
                   np.bincount(k, weights=x, minlength=size),
                   np.bincount(k, weights=af, minlength=size).astype(np.int64))

    def moments(self, h: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Means and covariance over the draws of (x, h(k), a), for any function ``h`` of
        the nuclear count given as its values at k = 0, 1, …"""
        n = max(self.n, 1)
        h = np.asarray(h, dtype=float)[:len(self.count_k)]
        mx, mh, ma = self.sum_x / n, float(self.count_k @ h) / n, float(self.a_k.sum()) / n
        second = np.array([
            [self.sum_xx / n, float(self.x_k @ h) / n, self.sum_ax / n],
            [float(self.x_k @ h) / n, float(self.count_k @ (h * h)) / n,
             float(self.a_k @ h) / n],
            [self.sum_ax / n, float(self.a_k @ h) / n, ma]])  # a is 0 or 1
        mean = np.array([mx, mh, ma])
        return mean, second - np.outer(mean, mean)

    def escalation(self, q: float) -> np.ndarray:
        """π(k) = 1 − (1 − q)^k at k = 0, 1, … (the probability of nuclear use with k
        nuclear-armed states at war on the defending side)."""
        return 1.0 - (1.0 - q) ** np.arange(len(self.count_k))


@dataclass(frozen=True)
class Decision:
    """Pr(attack): its mean over the parameter draws, Monte Carlo standard error, 90%
    interval over the draws (the parameters' uncertainty), the world means, and the part
    of Π̄ the targets' own weapons carry (``own``, Π_own at the point *q*)."""

    p_attack: float
    se: float
    interval: tuple[float, float]
    x: float
    pi: float
    a: float
    own: float = 0.0


def _nodes(lo: float, hi: float, n: int = NODES) -> tuple[np.ndarray, np.ndarray]:
    """Gauss–Legendre nodes and weights for the uniform distribution on [lo, hi] (a point
    mass when lo == hi); the weights sum to 1."""
    if hi <= lo:
        return np.array([float(lo)]), np.array([1.0])
    t, w = _legendre(n)
    return lo + (hi - lo) * (t + 1) / 2, w / 2


@cache
def _legendre(n: int) -> tuple[np.ndarray, np.ndarray]:
    """``numpy.polynomial.legendre.leggauss(n)``, computed once per ``n`` (read-only)."""
    t, w = np.polynomial.legendre.leggauss(n)
    t.flags.writeable = w.flags.writeable = False
    return t, w


def _logistic(z: np.ndarray) -> np.ndarray:
    from scipy.special import expit

    return expit(z)


def nuclear_costs(params: dict) -> tuple[float, float]:
    """(N_own, N_ext): ``nuclear_cost_own`` and ``nuclear_cost`` (module docstring); without
    ``nuclear_cost_own`` both are ``nuclear_cost`` (the one-cost model of engine 2.0)."""
    ext = float(params["nuclear_cost"])
    return float(params.get("nuclear_cost_own", ext)), ext


def own_risk(q: float, target_nuclear: int | bool | np.ndarray) -> float | np.ndarray:
    """Π_own(q) = 1 − (1 − q)^m with *m* = ``target_nuclear`` nuclear-armed targets (a bool
    counts as 0 or 1): *q* for one, 0 for none (module docstring). An array of *m* (one a
    case) gives an array; the one place the engine, the ICB fit and the war record price
    the struck side's own weapons."""
    m = np.asarray(target_nuclear).astype(int)
    risk = 1.0 - (1.0 - q) ** m
    return float(risk) if risk.ndim == 0 else risk


def integral(x: float, pi: float, a: float, params: dict, own: float = 0.0
             ) -> tuple[float, np.ndarray]:
    """Pr(attack) at world means (X̄, Π̄, Ā) with the target's own part Π_own = ``own`` of
    Π̄ (module docstring), and its gradient in (X̄, Π̄, Ā) (Π_own held fixed)."""
    v, wv = _nodes(*params["value"])
    t, wt = _nodes(*params["cost_tolerance"])
    sigma = float(params["scale"])
    c, lam = float(params["war_cost"]), float(params["nuclear_value"])
    n_own, n_ext = nuclear_costs(params)
    vv, tt = np.meshgrid(v, t, indexing="ij")
    weight = np.outer(wv, wt)
    u = vv * x - (c + n_own * own + n_ext * (pi - own)) / tt + lam * a
    lam_u = _logistic(u / sigma)
    density = weight * lam_u * (1 - lam_u) / sigma  # dΛ(u/σ)/du, weighted
    grad = np.array([(density * vv).sum(), (density * (-n_ext / tt)).sum(),
                     density.sum() * lam])
    return float((weight * lam_u).sum()), grad


def decide(moments: WorldMoments, params: dict, draws: list[dict] | None = None,
           level: float = 0.9, *, target_nuclear: int | bool = 0) -> Decision:
    r"""Pr(attack) over the challenger's types (module docstring), averaged over ``draws``
    of the parameters (dictionaries of the parameters that vary; the others come from
    ``params``; none: ``params`` alone).

    ``params`` holds ``value`` and ``cost_tolerance`` (``(low, high)``), ``war_cost``,
    ``nuclear_cost`` (N_ext), optionally ``nuclear_cost_own`` (N_own; :func:`nuclear_costs`),
    ``nuclear_escalation``, ``scale`` (σ > 0) and ``nuclear_value`` (λ).
    ``target_nuclear`` is the number of nuclear-armed targets (a bool: whether the target
    is one), which every world counts in *k*: their part of Π̄ is priced with N_own.
    The standard error is the delta method's for the average (its influence function
    :math:`\psi_w = G_x x_w + h(k_w) + G_a a_w`, with *G* the mean gradients and
    :math:`h(k) = \bar{g_\pi \pi_q(k)}` over the draws; Π_own is a constant of the
    scenario, so it adds nothing).
    """
    draws = draws or [{}]
    n = max(moments.n, 1)
    p = np.empty(len(draws))
    g_x = g_a = 0.0
    h = np.zeros(len(moments.count_k))
    for i, d in enumerate(draws):
        full = {**params, **d}
        q = float(full["nuclear_escalation"])
        pi_k = moments.escalation(q)
        x = moments.sum_x / n
        pi = float(moments.count_k @ pi_k) / n
        a = float(moments.a_k.sum()) / n
        p[i], grad = integral(x, pi, a, full, own_risk(q, target_nuclear))
        g_x += grad[0] / len(draws)
        g_a += grad[2] / len(draws)
        h += grad[1] * pi_k / len(draws)
    mean, cov = moments.moments(h)
    var = float(np.array([g_x, 1.0, g_a]) @ cov @ np.array([g_x, 1.0, g_a])) / n
    lo, hi = np.percentile(p, [50 * (1 - level), 50 * (1 + level)])
    pi_point = float(moments.count_k @ moments.escalation(
        float(params["nuclear_escalation"]))) / n
    return Decision(float(p.mean()), float(np.sqrt(max(var, 0.0))), (float(lo), float(hi)),
                    float(mean[0]), pi_point, float(mean[2]),
                    own_risk(float(params["nuclear_escalation"]), target_nuclear))
