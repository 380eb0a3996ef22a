r"""System-wide metrics of one alliance on one date, for comparing commitment systems.

:func:`system_metrics` answers, for a (possibly modified) :class:`CommitmentSystem`, a day
and a focus alliance, the questions a counterfactual is judged by (DESIGN §4, *Cohesion and
enlargement*, *Burden sharing*):

- **coverage** — how much of the members' population and GDP lies under a credible
  defence pledge;
- **consensus** — the probability that every other member honours its pledge to a member
  (for decisions that need unanimity);
- **burden** — benefit and cost shares, defence burden and guideline compliance;
- **cohesion** and **network** — portfolio similarity, ideal-point spread, centrality and
  blocs (:mod:`foedus.counterfactual.network`).

Pledge probabilities come from the credibility model, one log-odds per bootstrap draw of its
coefficients (:func:`foedus.credibility.log_odds_draws`), so every probability here is
averaged over the coefficient draws and carries a Monte Carlo standard error
:math:`\mathrm{sd}/\sqrt{B}` over the *B* draws. Allies' decisions depend on each other as
in the crisis engine (:mod:`foedus.crisis.draws`): one resolve per state, shared by all
states with probability ρ (``solidarity``) and drawn independently otherwise — the Fréchet
copula mixture :math:`C = \rho M + (1 - \rho)\Pi` (Nelsen 2006, *An Introduction to
Copulas*, 2nd ed., §2.5, doi:10.1007/0-387-28678-0). A state holding several defence pledges
to the same partner honours it when its resolve clears the strongest of them (the per-draw
maximum of their probabilities).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from numbers import Real

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy.special import expit

from foedus.counterfactual.burden import _num, burden_section, member_values
from foedus.counterfactual.network import cohesion, defence_network, state_keys
from foedus.counterfactual.shifts import PledgeShift, pledge_shifts
from foedus.credibility.model import FittedModel
from foedus.errors import FoedusError
from foedus.model.system import CommitmentSystem, Pledge
from foedus.model.vocab import ObligationKind, View

__all__ = ["DATASETS", "all_honour_probability", "any_honours_probability", "system_metrics"]

#: Registry datasets the metrics read (for provenance).
DATASETS = ("atop_alliances", "atop_members", "atop_directed", "cow_states", "cow_system",
            "nmc_7", "capitals", "unga_idealpoints", "sipri_milex", "wdi_gdp", "maddison")


def all_honour_probability(p: ArrayLike, solidarity: float, axis: int = -1) -> np.ndarray:
    r"""P(every state honours its pledge) under the Fréchet mixture of the crisis engine.

    With probability ρ all states share one uniform resolve *u* (comonotone: all honour iff
    :math:`u < \min_i p_i`), otherwise each draws its own (independent):

    .. math:: P(\text{all}) = \rho \min_i p_i + (1 - \rho) \prod_i p_i

    (Fréchet family :math:`C = \rho M + (1-\rho)\Pi`; Nelsen 2006, §2.5,
    doi:10.1007/0-387-28678-0). It lies between :math:`\prod_i p_i` and
    :math:`\min_i p_i` (the upper Fréchet-Hoeffding bound) and is 1 over no states.

    Examples
    --------
    >>> round(float(all_honour_probability([0.5, 0.8], 0.25)), 12)  # 0.25·0.5 + 0.75·0.4
    0.425
    """
    p = np.asarray(p, dtype=float)
    return solidarity * np.min(p, axis=axis, initial=1.0) + \
        (1.0 - solidarity) * np.prod(p, axis=axis)


def any_honours_probability(p: ArrayLike, solidarity: float, axis: int = -1) -> np.ndarray:
    r"""P(at least one state honours its pledge) under the same mixture.

    .. math:: P(\text{any}) = \rho \max_i p_i + (1 - \rho)\Bigl(1 - \prod_i (1 - p_i)\Bigr)

    (comonotone: someone honours iff :math:`u < \max_i p_i`; Nelsen 2006, §2.5). 0 over
    no states.

    Examples
    --------
    >>> round(float(any_honours_probability([0.5, 0.8], 0.25)), 12)  # 0.25·0.8 + 0.75·0.9
    0.875
    """
    p = np.asarray(p, dtype=float)
    return solidarity * np.max(p, axis=axis, initial=0.0) + \
        (1.0 - solidarity) * (1.0 - np.prod(1.0 - p, axis=axis))


def _mean_se(per_draw: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean over bootstrap draws (axis 0) and its Monte Carlo standard error sd/√B."""
    b = per_draw.shape[0]
    se = per_draw.std(axis=0, ddof=1) / np.sqrt(b) if b > 1 else np.zeros(per_draw.shape[1:])
    return per_draw.mean(axis=0), se


def _check(name: str, value: float, low: float, high: float | None) -> float:
    ok = isinstance(value, Real) and not isinstance(value, bool) and np.isfinite(value)
    if not ok or value < low or (high is not None and value > high):
        span = f"[{low:g}, {'inf)' if high is None else f'{high:g}]'}"
        raise FoedusError(f"The {name!r} parameter of system_metrics must be a float in the "
                          f"range {span}. Got {value!r} instead.")
    return float(value)


def _pledge_matrix(system: CommitmentSystem, pledges: list[Pledge], members: list[int],
                   day: dt.date, fitted: FittedModel, shift: float,
                   shifts: Sequence[PledgeShift]) -> tuple[np.ndarray, np.ndarray, list, list]:
    """Per-draw probability that each holder honours its strongest defence pledge to each
    member, shape (B, holders, members) (0 where it owes none), and the pledge mask."""
    from foedus.credibility import log_odds_draws, pledge_features

    b = len(fitted.draws)
    holders = list(dict.fromkeys(p.holder for p in pledges))
    if not pledges:
        return np.zeros((b, 0, len(members))), np.zeros((0, len(members)), bool), holders, []
    # the feature frame of foedus.crisis.compile._logits, with no named adversary
    frame = pd.DataFrame([{"ally": p.holder, "target": p.beneficiary, "kind": "defense",
                           "treaty": p.treaty.id, "obligation": p.obligation.id, "date": day,
                           "attackers": ()} for p in pledges])
    features = pledge_features(frame, system)
    eta = log_odds_draws(fitted, features) + shift + pledge_shifts(
        shifts, frame["ally"], frame["target"], frame["treaty"])
    hpos = {h: i for i, h in enumerate(holders)}
    mpos = {m: i for i, m in enumerate(members)}
    cell = np.array([hpos[p.holder] * len(members) + mpos[p.beneficiary] for p in pledges])
    order = np.argsort(cell, kind="stable")
    starts = np.r_[0, np.flatnonzero(np.diff(cell[order])) + 1]
    strongest = np.maximum.reduceat(eta[:, order], starts, axis=1)
    logit = np.full((b, len(holders) * len(members)), -np.inf)
    logit[:, cell[order][starts]] = strongest
    mask = np.zeros(len(holders) * len(members), bool)
    mask[cell] = True
    flags = []
    if features["cinc_carried"].any():
        flags.append("capabilities_carried_forward: the credibility features read NMC 7.0 "
                     "CINC, which ends in 2022; the latest year on record is used")
    if (features["similarity_year"] < day.year).any():
        flags.append("similarity_carried_forward: the credibility features' portfolio "
                     "similarity reads ATOP 5.1, which ends in 2018")
    shape = (b, len(holders), len(members))
    return expit(logit).reshape(shape), mask.reshape(shape[1:]), holders, flags


def _coverage(p: np.ndarray, mask: np.ndarray, members: list[int], values: pd.DataFrame,
              keys: dict, threshold: float, solidarity: float) -> dict:
    r"""Population and GDP under at least one defence pledge with P(honoured) ≥ threshold.

    Per bootstrap draw *b*, member *m* is covered when
    :math:`\max_h p^{(b)}_{hm} \ge` ``threshold`` over the states *h* owing it a defence
    pledge; covered population is :math:`\sum_m \mathrm{pop}_m [m\ \text{covered}]` (GDP
    alike), in absolute terms and in percent of the members' totals, averaged over the
    draws with its Monte Carlo standard error (DESIGN §4, coverage). The *expected* share
    weighs each member by the probability that at least one holder honours its pledge,
    :func:`any_honours_probability` (the crisis engine's mixture). Members without a
    population (GDP) value are left out of both sums.
    """
    has = mask.any(axis=0)
    best = p.max(axis=1) if p.shape[1] else np.zeros((p.shape[0], len(members)))
    covered = (best >= threshold) & has
    defended = any_honours_probability(np.moveaxis(p, 1, -1), solidarity)
    out: dict = {"threshold": threshold, "solidarity": solidarity}
    for name, column in (("population", "population"), ("gdp", "gdp_usd")):
        v = values.set_index("ccode")[column].reindex(members).to_numpy(dtype=float)
        known = np.isfinite(v)
        v = np.where(known, v, 0.0)
        total = v.sum()
        mean, se = _mean_se(covered @ v)
        pct, pct_se = _mean_se(100.0 * (covered @ v) / total) if total > 0 else (np.nan,) * 2
        exp, exp_se = _mean_se(100.0 * (defended @ v) / total) if total > 0 else (np.nan,) * 2
        out |= {name: float(mean), f"{name}_se": float(se), f"{name}_pct": _num(pct),
                f"{name}_pct_se": _num(pct_se), f"expected_{name}_pct": _num(exp),
                f"expected_{name}_pct_se": _num(exp_se), f"{name}_total": float(total)}
    covered_share, covered_se = _mean_se(covered.astype(float))
    p_def, p_def_se = _mean_se(defended)
    out |= {
        "gdp_unit": str(values.attrs.get("gdp_unit", "")),
        "by_state": {keys[m]: float(covered_share[i]) for i, m in enumerate(members)},
        "by_state_se": {keys[m]: float(covered_se[i]) for i, m in enumerate(members)},
        "p_defended": {keys[m]: float(p_def[i]) for i, m in enumerate(members)},
        "p_defended_se": {keys[m]: float(p_def_se[i]) for i, m in enumerate(members)},
        "without_pledge": [keys[m] for i, m in enumerate(members) if not has[i]],
    }
    return out


def _consensus(p: np.ndarray, mask: np.ndarray, holders: list, members: list[int],
               keys: dict, solidarity: float) -> dict:
    r"""P(every other member honours its defence pledge to member *x*), per member.

    With :math:`q^{(b)}_{jx}` the probability that member *j* honours its strongest defence
    pledge to *x* under draw *b*,

    .. math:: P^{(b)}_x = \rho \min_{j \ne x} q^{(b)}_{jx} + (1-\rho) \prod_{j \ne x}
              q^{(b)}_{jx}

    (:func:`all_honour_probability`), averaged over the draws. ``by_state`` counts a member
    that owes *x* no defence pledge as not honouring (q = 0: a unanimous decision fails
    without it, so x's value is 0); ``by_state_pledged`` takes the product over the members
    that owe *x* a pledge only (null where none does), and ``without_pledge`` counts the
    others. ``mean`` is the mean over members (per draw, then averaged over the draws);
    ``mean_pledged`` the same over the members owed at least one pledge. An alliance of one
    member has nobody else to agree: its value is 1.
    """
    n, b = len(members), p.shape[0]
    q = np.zeros((b, n, n))
    owes = np.zeros((n, n), bool)
    hpos = {h: i for i, h in enumerate(holders)}
    for j, m in enumerate(members):
        if m in hpos:
            q[:, j, :] = p[:, hpos[m], :]
            owes[j] = mask[hpos[m]]
    others = ~np.eye(n, dtype=bool)
    # a neutral 1 outside the other members leaves min and product unchanged
    strict = all_honour_probability(np.where(others, q, 1.0), solidarity, axis=1)
    pledged = all_honour_probability(np.where(others & owes, q, 1.0), solidarity, axis=1)
    any_owed = (others & owes).any(axis=0)
    value, se = _mean_se(strict)
    value_p, se_p = _mean_se(pledged)
    mean, mean_se = _mean_se(strict.mean(axis=1))
    mean_p, mean_p_se = _mean_se(pledged[:, any_owed].mean(axis=1)) \
        if any_owed.any() else (np.nan, np.nan)
    return {
        "solidarity": solidarity,
        "mean": _num(mean), "mean_se": _num(mean_se),
        "mean_pledged": _num(mean_p), "mean_pledged_se": _num(mean_p_se),
        "by_state": {keys[m]: float(value[i]) for i, m in enumerate(members)},
        "by_state_se": {keys[m]: float(se[i]) for i, m in enumerate(members)},
        "by_state_pledged": {keys[m]: (float(value_p[i]) if any_owed[i] else None)
                             for i, m in enumerate(members)},
        "by_state_pledged_se": {keys[m]: (float(se_p[i]) if any_owed[i] else None)
                                for i, m in enumerate(members)},
        "without_pledge": {keys[m]: int((others & ~owes)[:, i].sum())
                           for i, m in enumerate(members)},
    }


def system_metrics(system: CommitmentSystem, day: dt.date, alliance: str, *,
                   view: str = "legal", fitted: FittedModel | None = None,
                   threshold: float = 0.5, solidarity: float = 0.3,
                   credibility_shift: float = 0.0, shifts: Sequence[PledgeShift] = (),
                   spending: Mapping[int, float] | None = None, seed: int = 0) -> dict:
    """Coverage, consensus, burden, cohesion and network metrics of an alliance on a day.

    Parameters
    ----------
    system
        The commitment system, as loaded or modified (a counterfactual).
    day
        The date; data past a source's last year are carried forward and flagged.
    alliance
        A treaty id (``book:nato``, ``atop:3180``) or a name that
        :func:`foedus.data.resolve.resolve_alliance` knows (``NATO``); its members are
        those on ``day``.
    view
        ``legal`` or ``atop`` (DESIGN §2).
    fitted
        The credibility model (default the shipped coefficients).
    threshold
        A pledge counts toward coverage when its probability is at least this, in [0, 1].
    solidarity
        ρ of the allies' shared resolve, in [0, 1] (see the module docstring).
    credibility_shift, shifts
        Log-odds added to every pledge, and to the pledges each
        :class:`~foedus.counterfactual.shifts.PledgeShift` matches.
    spending
        COW code → military expenditure in percent of GDP, replacing the member's observed
        burden (spending = percent × GDP).
    seed
        Seeds the Louvain method and the exploitation bootstrap.

    Returns
    -------
    dict
        JSON-ready (plain numbers, null for unknown values); maps keyed by state use ISO-3
        where it exists, else ``cow:`` + the COW abbreviation; shares are percent.

        - ``alliance``: ``id``, ``name``, ``members`` (keys, the members on the day);
        - ``coverage`` (:func:`_coverage`): ``threshold``, ``solidarity``; for ``population``
          and ``gdp``: the covered amount and ``*_se``, ``*_pct`` and ``*_pct_se`` (of the
          members' ``*_total``), ``expected_*_pct`` and ``expected_*_pct_se``; ``gdp_unit``;
          ``by_state`` (share of draws in which the member is covered) and ``by_state_se``,
          ``p_defended`` (P(at least one holder honours)) and ``p_defended_se``,
          ``without_pledge`` (members owed no defence pledge);
        - ``consensus`` (:func:`_consensus`): ``solidarity``, ``mean``, ``mean_se``,
          ``mean_pledged``, ``mean_pledged_se``, ``by_state``, ``by_state_se``,
          ``by_state_pledged``, ``by_state_pledged_se``, ``without_pledge`` (counts);
        - ``burden`` (:func:`foedus.counterfactual.burden.burden_section`): ``year``,
          ``series``, ``gdp_unit``, ``by_state`` (``gdp_share``, ``pop_share``,
          ``spending_share``, ``benefit_share``, ``free_riding``, ``milex_gdp_pct``,
          ``milex_usd``, ``gdp_usd``, ``overridden``), ``compliance`` (``n_members``,
          ``missing``, ``at_2pct``, ``share_at_2pct``, ``at_3_5pct``, ``share_at_3_5pct``),
          ``exploitation`` (``spearman``, ``spearman_p``, ``spearman_lo``, ``spearman_hi``,
          ``kendall``, ``kendall_p``), ``overridden``;
        - ``cohesion`` (:func:`foedus.counterfactual.network.cohesion`): ``similarity``
          (``measure``, ``coding``, ``convention``, ``mean``, ``min``, ``pairs``,
          ``states``) and ``ideal_points`` (``measure``, ``sd``, ``range``, ``mean``, ``n``,
          ``by_state``, ``year``, ``missing``);
        - ``network`` (:func:`foedus.counterfactual.network.defence_network`): ``nodes``,
          ``edges``, ``degree``, ``degree_measure``, ``pledges_out``, ``pledges_in``,
          ``eigenvector``, ``eigenvector_measure``, ``eigenvector_component``, ``blocs``,
          ``bloc_method``, ``seed``, ``modularity``, ``member_blocs``, ``n_blocs``;
        - ``flags`` (carried-forward and missing data, the view's notes), ``as_of``,
          ``view``, ``draws`` (bootstrap draws of the credibility model) and ``datasets``
          (registry names, for provenance).

    Raises
    ------
    FoedusError
        For an unknown alliance or view, an alliance without members on the day, a date
        outside the view, or a parameter out of range.
    """
    from foedus.credibility import load
    from foedus.data.resolve import resolve_alliance

    try:
        view = View(view)
    except ValueError:
        raise FoedusError(f"The 'view' parameter of system_metrics must be one of legal, "
                          f"atop. Got {view!r} instead.") from None
    threshold = _check("threshold", threshold, 0.0, 1.0)
    solidarity = _check("solidarity", solidarity, 0.0, 1.0)
    shift = _check("credibility_shift", credibility_shift, -np.inf, None)
    spending = {int(c): _check(f"spending[{c}]", v, 0.0, 100.0)
                for c, v in (spending or {}).items()}
    fitted = fitted or load()
    treaty = resolve_alliance(alliance, system, view)
    members = [int(m) for m in treaty.members_on(day)]
    if not members:
        raise FoedusError(f"{treaty.name} ({treaty.id}) has no members on {day}.")
    snap = system.as_of(day, view)
    everything = list(snap.pledges())
    member_set = set(members)
    to_members = [p for p in everything if p.beneficiary in member_set
                  and p.obligation.kind is ObligationKind.DEFENSE]
    keys = state_keys(members, day)
    flags = list(snap.notes)

    p, mask, holders, more = _pledge_matrix(system, to_members, members, day, fitted, shift,
                                            shifts)
    flags += more
    values, more = member_values(members, day.year, keys)
    flags += more
    burden, more = burden_section(values, members, keys, spending, seed)
    flags += more
    cohesive, more = cohesion(everything, members, day, keys)
    flags += more
    return {
        "alliance": {"id": treaty.id, "name": treaty.name,
                     "members": [keys[m] for m in members]},
        "coverage": _coverage(p, mask, members, values, keys, threshold, solidarity),
        "consensus": _consensus(p, mask, holders, members, keys, solidarity),
        "burden": burden,
        "cohesion": cohesive,
        "network": defence_network(everything, members, day, keys, seed=seed),
        "flags": flags,
        "as_of": day.isoformat(),
        "view": view.value,
        "draws": int(p.shape[0]),
        "datasets": list(DATASETS),
    }
