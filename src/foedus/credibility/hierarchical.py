r"""The hierarchical logit behind the credibility model, fitted with NumPyro.

For case *i* (an ally–partner–war) with standardised covariates :math:`x_i` and grouping
factors *g* (treaty, war, ally; the era × kind cell of the pooled rate),

.. math::

    \Pr(y_i = 1) = \sigma\Bigl(\alpha + x_i^\top\beta + \sum_g \sigma_g\, z_{g,\,l_g(i)}\Bigr),
    \qquad z_{g,l} \sim \mathcal N(0, 1),

with weakly informative priors: :math:`\alpha \sim t_3(0, 2.5)`, each slope
:math:`\beta_j \sim t_3(0, 1)` on a covariate standardised to mean 0 and SD 1 (Gelman,
Jakulin, Pittau & Su 2008 [1]_), :math:`\sigma_g \sim \text{Half-Normal}(1)` for treaty,
war and ally (Gelman 2006 [2]_) and :math:`\text{Half-Normal}(2.5)` for the era × kind
cells, whose rates differ by construction. The random intercepts are written non-centred
(:math:`\sigma_g z_g`), the form NUTS samples well with few cases per level.

The shipped fit samples the posterior with NUTS [3]_ (NumPyro [4]_; fixed seed, chains run
one after another so that one core gives the same draws). Inside cross-validation folds
the posterior is approximated by mean-field ADVI (``AutoNormal``, Kucukelbir et al. 2017
[5]_), all folds of a scheme in one compiled, vectorised run: a fold is a 0/1 weight on
the likelihood of each case, so a held-out level (a war never seen) keeps its prior.

A new pledge meets a level it has never seen (a future war, always; a treaty or ally with
no case in the record) with :math:`z \sim \mathcal N(0, 1)`: its interval carries the
between-war (and between-treaty) spread the record shows, not only the slopes'
uncertainty.

References
----------
.. [1] Gelman, Jakulin, Pittau & Su. 2008. "A Weakly Informative Default Prior Distribution
   for Logistic and Other Regression Models." *Annals of Applied Statistics* 2(4):
   1360-1383. doi:10.1214/08-AOAS191
.. [2] Gelman, Andrew. 2006. "Prior Distributions for Variance Parameters in Hierarchical
   Models." *Bayesian Analysis* 1(3): 515-534. doi:10.1214/06-BA117A
.. [3] Hoffman & Gelman. 2014. "The No-U-Turn Sampler." *Journal of Machine Learning
   Research* 15: 1593-1623. https://jmlr.org/papers/v15/hoffman14a.html
.. [4] Phan, Pradhan & Jankowiak. 2019. "Composable Effects for Flexible and Accelerated
   Probabilistic Programming in NumPyro." arXiv:1912.11554. doi:10.48550/arXiv.1912.11554
.. [5] Kucukelbir, Tran, Ranganath, Gelman & Blei. 2017. "Automatic Differentiation
   Variational Inference." *Journal of Machine Learning Research* 18(14): 1-45.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import numpy as np

__all__ = ["SD_PRIOR", "Design", "Posterior", "fit_folds", "fit_nuts"]

#: Half-Normal scale of each factor's standard deviation.
SD_PRIOR = {"treaty": 1.0, "war": 1.0, "ally": 1.0, "cell": 2.5}


@dataclass
class Design:
    """What the model sees: standardised covariates, factor indices and the outcome."""

    x: np.ndarray                       # (n, p), p may be 0
    factors: dict[str, np.ndarray]      # name → (n,) level index
    levels: dict[str, list[str]]        # name → level labels
    y: np.ndarray                       # (n,) 0/1

    @property
    def n(self) -> int:
        return len(self.y)


@dataclass
class Posterior:
    """Draws of the parameters: ``alpha`` (S,), ``beta`` (S, p), ``sd[g]`` (S,),
    ``z[g]`` (S, levels); ``diagnostics`` of the sampler."""

    alpha: np.ndarray
    beta: np.ndarray
    sd: dict[str, np.ndarray]
    z: dict[str, np.ndarray]
    diagnostics: dict = field(default_factory=dict)

    def eta(self, x: np.ndarray, factors: dict[str, np.ndarray]) -> np.ndarray:
        """Log-odds (S, n) of rows whose levels are all known to the fit."""
        out = self.alpha[:, None] + self.beta @ x.T if x.shape[1] else \
            np.repeat(self.alpha[:, None], len(x), axis=1)
        for g, idx in factors.items():
            out = out + self.sd[g][:, None] * self.z[g][:, idx]
        return out


def _jax():
    """Import jax on CPU. The models are small: compiling dominates their cost, so XLA's
    backend optimisation is turned off (it halves the compile time) unless the user's
    ``XLA_FLAGS`` say otherwise."""
    os.environ.setdefault("JAX_PLATFORMS", "cpu")
    os.environ.setdefault("XLA_FLAGS", "--xla_backend_optimization_level=0")
    import jax

    jax.config.update("jax_enable_x64", False)
    return jax


def _model(x, factors: dict, sizes: dict, y=None, weight=None):
    import jax.numpy as jnp
    import numpyro
    import numpyro.distributions as dist

    alpha = numpyro.sample("alpha", dist.StudentT(3.0, 0.0, 2.5))
    eta = alpha
    if x.shape[1]:
        beta = numpyro.sample("beta", dist.StudentT(3.0, 0.0, 1.0).expand([x.shape[1]])
                              .to_event(1))
        eta = eta + x @ beta
    for g, idx in factors.items():
        sd = numpyro.sample(f"sd_{g}", dist.HalfNormal(SD_PRIOR.get(g, 1.0)))
        z = numpyro.sample(f"z_{g}", dist.Normal(0.0, 1.0).expand([sizes[g]]).to_event(1))
        eta = eta + sd * z[idx]
    with numpyro.plate("cases", x.shape[0]):
        mask = None if weight is None else weight > 0
        with numpyro.handlers.mask(mask=True if mask is None else mask):
            numpyro.sample("y", dist.Bernoulli(logits=eta * jnp.ones(x.shape[0])), obs=y)


def _args(design: Design):
    import jax.numpy as jnp

    return (jnp.asarray(design.x, dtype=jnp.float32),
            {g: jnp.asarray(i, dtype=jnp.int32) for g, i in design.factors.items()},
            {g: len(v) for g, v in design.levels.items()})


def _posterior(samples: dict, design: Design, diagnostics: dict) -> Posterior:
    s = {k: np.asarray(v, dtype=float) for k, v in samples.items()}
    n = len(s["alpha"])
    return Posterior(alpha=s["alpha"], beta=s.get("beta", np.zeros((n, 0))),
                     sd={g: s[f"sd_{g}"] for g in design.factors},
                     z={g: s[f"z_{g}"] for g in design.factors}, diagnostics=diagnostics)


def fit_nuts(design: Design, *, seed: int = 0, warmup: int = 1000, samples: int = 1000,
             chains: int = 2, target_accept: float = 0.95) -> Posterior:
    """Sample the posterior with NUTS (chains in sequence, fixed seed).

    Returns
    -------
    Posterior
        ``chains × samples`` draws; ``diagnostics`` holds the largest split R-hat, the
        smallest effective sample size (Gelman et al., *Bayesian Data Analysis*, 3rd ed.,
        §11.4-11.5) and the number of divergent transitions.
    """
    jax = _jax()
    from numpyro.diagnostics import summary
    from numpyro.infer import MCMC, NUTS

    x, factors, sizes = _args(design)
    mcmc = MCMC(NUTS(_model, target_accept_prob=target_accept), num_warmup=warmup,
                num_samples=samples, num_chains=chains, chain_method="sequential",
                progress_bar=False)
    mcmc.run(jax.random.PRNGKey(seed), x, factors, sizes, y=np.asarray(design.y, float))
    stats = summary(mcmc.get_samples(group_by_chain=True))
    diagnostics = {
        "sampler": "NUTS", "chains": chains, "warmup": warmup, "samples": samples,
        "target_accept": target_accept, "seed": seed,
        "r_hat_max": float(max(np.nanmax(v["r_hat"]) for v in stats.values())),
        "ess_min": float(min(np.nanmin(v["n_eff"]) for v in stats.values())),
        "divergences": int(np.asarray(mcmc.get_extra_fields()["diverging"]).sum()),
    }
    return _posterior(mcmc.get_samples(), design, diagnostics)


_COMPILED: dict[tuple, tuple] = {}


def _fold_runner(sizes: dict, shape: tuple, steps: int, learning_rate: float):
    """The compiled, vectorised ADVI run for designs of this shape (cached: every scheme
    and refit of the same shape reuses one compilation)."""
    key = (tuple(sorted(sizes.items())), shape, steps, learning_rate)
    if key not in _COMPILED:
        jax = _jax()
        from numpyro.infer import SVI, Trace_ELBO
        from numpyro.infer.autoguide import AutoNormal
        from numpyro.optim import Adam

        guide = AutoNormal(_model)
        svi = SVI(_model, guide, Adam(learning_rate), Trace_ELBO())

        def run(key, weight, x, factors, y):
            state = svi.init(key, x, factors, sizes, y=y, weight=weight)

            def step(s, _):
                s, loss = svi.update(s, x, factors, sizes, y=y, weight=weight)
                return s, loss

            state, losses = jax.lax.scan(step, state, None, length=steps)
            return svi.get_params(state), losses[-100:].mean()

        _COMPILED[key] = (guide, jax.jit(jax.vmap(run, in_axes=(0, 0, None, None, None))))
    return _COMPILED[key]


def fit_folds(design: Design, weights: np.ndarray, *, seed: int = 0, steps: int = 3000,
              learning_rate: float = 0.02, draws: int = 400) -> list[Posterior]:
    """Approximate the posterior of every fold at once (ADVI, see the module docstring).

    Parameters
    ----------
    design
        All cases; each fold sees only those its weight row keeps.
    weights
        (folds, n) 0/1: 1 for a training case of the fold.
    seed, steps, learning_rate
        The optimiser (Adam) and its seed.
    draws
        Draws taken from each fold's approximate posterior.

    Returns
    -------
    list of Posterior
        One per fold; ``diagnostics`` holds the final ELBO loss.
    """
    jax = _jax()
    import jax.numpy as jnp

    x, factors, sizes = _args(design)
    y = jnp.asarray(design.y, dtype=jnp.float32)
    guide, run = _fold_runner(sizes, (tuple(x.shape), len(weights)), steps, learning_rate)
    keys = jax.random.split(jax.random.PRNGKey(seed), len(weights))
    params, loss = run(keys, jnp.asarray(weights, dtype=jnp.float32), x, factors, y)
    out = []
    for f in range(len(weights)):
        p = {k: v[f] for k, v in params.items()}
        sample = guide.sample_posterior(jax.random.PRNGKey(seed + 1 + f), p,
                                        sample_shape=(draws,))
        out.append(_posterior(sample, design, {"sampler": "ADVI", "steps": steps,
                                                "elbo_loss": float(loss[f])}))
    return out
