r"""Binary-response fits for dyad-years and their variances: clustered by dyad and dyadic.

Logit and probit by maximum likelihood (statsmodels, Newton's method), then sandwich
variances :math:`V = B\\,M\\,B` with :math:`B` the inverse of the negative Hessian at the
estimate and :math:`M` a sum of outer products of the per-observation scores
:math:`u_i = \\partial \\ell_i / \\partial \\beta`:

- **clustered by dyad** (the published error type): :math:`M = \\sum_g U_g U_g^\\top` over
  dyads :math:`g`, :math:`U_g = \\sum_{i \\in g} u_i`, times Stata's :math:`G/(G-1)` for
  maximum-likelihood estimators;
- **dyadic-robust** (Aronow, Samii & Assenova 2015): every pair of observations whose dyads
  share a member is correlated, :math:`M = \\sum_{i,j} \\mathbb{1}[\\{a_i,b_i\\} \\cap
  \\{a_j,b_j\\} \\neq \\emptyset]\\, u_i u_j^\\top`. Computed without the
  :math:`n \\times n` indicator: :math:`M = \\sum_s S_s S_s^\\top - \\sum_d D_d D_d^\\top`,
  :math:`S_s` the summed scores of the observations involving state :math:`s`, :math:`D_d`
  those of undirected dyad :math:`d` (a pair sharing one member is counted once in the
  first sum; a pair sharing both, and each observation with itself, twice, so once more is
  taken away). This is the multiway decomposition of Aronow et al. (their eq. 5) without its
  :math:`(N-2)` heteroskedastic-only term, which cancels here; no small-sample factor.

References
----------
Aronow, Peter M., Cyrus Samii, and Valentina A. Assenova. 2015. "Cluster-Robust Variance
Estimation for Dyadic Data." *Political Analysis* 23(4): 564-577. doi:10.1093/pan/mpv018

Beck, Nathaniel, Jonathan N. Katz, and Richard Tucker. 1998. "Taking Time Seriously:
Time-Series-Cross-Section Analysis with a Binary Dependent Variable." *American Journal of
Political Science* 42(4): 1260-1288. doi:10.2307/2991857

Carter, David B., and Curtis S. Signorino. 2010. "Back to the Future: Modeling Time
Dependence in Binary Data." *Political Analysis* 18(3): 271-292. doi:10.1093/pan/mpq013

Hastie, Trevor, Robert Tibshirani, and Jerome Friedman. 2009. *The Elements of Statistical
Learning*, 2nd ed. New York: Springer, eqs. 5.4-5.5. doi:10.1007/978-0-387-84858-7
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import statsmodels.api as sm
from numpy.typing import ArrayLike
from scipy import stats

from foedus.errors import FitError

__all__ = ["BinaryFit", "cluster_meat", "cubic_terms", "dyadic_meat", "fit_binary",
           "natural_spline", "sandwich"]


def natural_spline(t: ArrayLike, knots: tuple[float, ...] = (1.0, 4.0, 7.0)) -> np.ndarray:
    r"""Natural cubic spline terms of ``t`` beyond the linear one (Hastie et al., eq. 5.4).

    .. math::

        N_{k}(t) = d_k(t) - d_{K-1}(t), \quad
        d_k(t) = \frac{(t - \xi_k)_+^3 - (t - \xi_K)_+^3}{\xi_K - \xi_k},
        \quad k = 1, \dots, K-2

    The function is cubic between the knots and linear beyond the last, so peace years far
    from any dispute do not pull the fit. With the knots at 1, 4 and 7 years there is one
    term; the model carries ``t`` beside it.

    >>> natural_spline([0, 4, 10]).round(3).ravel().tolist()
    [0.0, 4.5, 54.0]
    """
    t = np.asarray(t, dtype=float)
    xi = np.asarray(knots, dtype=float)
    if xi.size < 3 or np.any(np.diff(xi) <= 0):
        raise FitError(f"a natural spline needs at least 3 increasing knots; got {knots}.")

    def d(k: int) -> np.ndarray:
        return (np.clip(t - xi[k], 0, None) ** 3 - np.clip(t - xi[-1], 0, None) ** 3) \
            / (xi[-1] - xi[k])

    return np.column_stack([d(k) - d(len(xi) - 2) for k in range(len(xi) - 2)])


def cubic_terms(t: ArrayLike) -> np.ndarray:
    """``t``, ``t²/100`` and ``t³/1000`` (Carter & Signorino 2010), scaled for the solver."""
    t = np.asarray(t, dtype=float)
    return np.column_stack([t, t ** 2 / 100.0, t ** 3 / 1000.0])


@dataclass(frozen=True)
class BinaryFit:
    """A fitted logit or probit: estimates, bread and scores for the sandwich variances."""

    names: tuple[str, ...]
    params: np.ndarray
    bread: np.ndarray
    scores: np.ndarray
    link: str
    n: int
    events: int
    loglik: float

    def se(self, vcov: np.ndarray) -> np.ndarray:
        """Standard errors from a variance matrix."""
        return np.sqrt(np.clip(np.diag(vcov), 0, None))

    def z(self, vcov: np.ndarray) -> np.ndarray:
        """Wald z statistics under ``vcov``."""
        return self.params / self.se(vcov)

    def p(self, vcov: np.ndarray) -> np.ndarray:
        """Two-sided normal p-values under ``vcov``."""
        return 2 * stats.norm.sf(np.abs(self.z(vcov)))


def fit_binary(y: ArrayLike, x: np.ndarray, names: tuple[str, ...],
               link: Literal["logit", "probit"]) -> BinaryFit:
    """Fit ``y`` on ``x`` (an intercept added first, named ``constant``) by ML.

    Raises
    ------
    FitError
        If ``y`` has no events or no non-events, or Newton's method does not converge.
    """
    y = np.asarray(y, dtype=float)
    if y.min(initial=1) == y.max(initial=0):
        raise FitError(f"the {link} needs both outcomes; every one of the {len(y)} rows is "
                       f"{y[0] if len(y) else 'missing'}.")
    design = np.column_stack([np.ones(len(y)), x])
    family = sm.Logit if link == "logit" else sm.Probit
    # Newton's method on columns scaled to unit spread (peace years cubed reach 10^4),
    # then the estimate, its Hessian and scores on the original scale
    scale = np.where(design.std(axis=0) > 0, design.std(axis=0), 1.0)
    scale[0] = 1.0
    result = family(y, design / scale).fit(method="newton", maxiter=100, disp=False)
    if not result.mle_retvals.get("converged", False):
        raise FitError(f"the {link} did not converge in 100 Newton steps.")
    params = np.asarray(result.params) / scale
    model = family(y, design)
    bread = np.linalg.inv(-model.hessian(params))
    return BinaryFit(("constant", *names), params, bread, model.score_obs(params), link,
                     len(y), int(y.sum()), float(result.llf))


def _group_sums(scores: np.ndarray, groups: np.ndarray) -> np.ndarray:
    _, index = np.unique(groups, return_inverse=True)
    return np.column_stack([np.bincount(index, weights=scores[:, c])
                            for c in range(scores.shape[1])])


def cluster_meat(scores: np.ndarray, groups: ArrayLike) -> np.ndarray:
    r""":math:`\\sum_g U_g U_g^\\top`, the scores summed within each group."""
    sums = _group_sums(scores, np.asarray(groups))
    return sums.T @ sums


def dyadic_meat(scores: np.ndarray, a: ArrayLike, b: ArrayLike) -> np.ndarray:
    """Aronow, Samii & Assenova's meat: every pair of observations sharing a member.

    Parameters
    ----------
    scores
        Per-observation scores, ``n × k``.
    a, b
        The two members of each observation's dyad (``a != b``).
    """
    a, b = np.asarray(a), np.asarray(b)
    states = np.concatenate([a, b])
    both = np.concatenate([scores, scores])
    per_state = _group_sums(both, states)
    per_dyad = _group_sums(scores, np.minimum(a, b) * 10_000 + np.maximum(a, b))
    return per_state.T @ per_state - per_dyad.T @ per_dyad


def sandwich(bread: np.ndarray, meat: np.ndarray, factor: float = 1.0) -> np.ndarray:
    """``factor · B M B``."""
    return factor * bread @ meat @ bread
