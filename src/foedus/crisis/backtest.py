"""Backtest: the crisis engine's join probabilities against what allies did (DESIGN §4, §5).

The historical opportunities are those the credibility model learns from
(:func:`foedus.credibility.model.cases` of :func:`foedus.reliability.opportunities`):
defence, offence and neutrality pledges with an observable outcome, the casus foederis not
known to fail, the ally not already at war, no attacker a member of the same treaty. They are
grouped by the attack that opened them — (war, partner, date, role) — and each group becomes
a crisis scenario in the ATOP view on that date:

- **partner attacked** (``role = "target"``): one attack on the partner by each of the row's
  ``attackers`` (its early opponents); an ally's probability is its **drawn-in probability**
  (:meth:`Result.by_state` of ``tally.drawn_in``): the share of draws in which it ends the
  cascade a belligerent on the partner's side, by any route;
- **partner the initiator** (``role = "initiator"``, offence and neutrality pledges owed to
  it): one attack by the partner on each of its early opponents; an ally's probability is
  the share of draws in which it joins the attacker's side (``tally.attacker_side``; with
  several offence pledges to the partner, the largest, a lower bound on joining by any).

An ally the engine cannot reach (no pledge route to a belligerent, e.g. a neutrality pledge
only) has probability 0. The outcome is whether the ally joined the partner's side
(``outcome == "joined_partner"``); one row per (group, ally), however many pledges it held.

Read the figures with three caveats. (1) The drawn-in probability includes cascade routes
(the ally joins because a state it is pledged to was struck after joining), so it can
exceed the credibility model's probability for the single pledge to the partner
(``credibility``, reported beside it as a baseline: the largest probability of the ally's
defence pledges to an attacked partner, or offence pledges to an initiating one, by
:func:`foedus.credibility.predict`; 0 for an ally holding only a neutrality pledge, whose
"honoured" means staying out, not joining). (2) The draws include the worlds in which the
challenger would have been deterred, while every historical case is an attack that
happened. (3) The shipped credibility coefficients were fitted on these same cases, so the
backtest is in sample for them (the model's out-of-sample skill, by a time split, is in
``foedus credibility`` and :attr:`FittedModel.metrics`).

Skill: the Brier score :math:`\\frac1n\\sum(p_i - y_i)^2`, the AUC (rank), and a calibration
table of 10 equal-width bins (mean predicted against observed rate), overall and by era
(≤ 1945, > 1945, by the year of the partner's entry). A group whose scenario cannot be
compiled or run (a state without a homeland in the gazetteer, say) is skipped and counted
with its reason; the backtest never stops on one.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

__all__ = ["ERAS", "BacktestResult", "backtest", "skill"]

#: Eras, by the year of the partner's entry into the war.
ERAS = (("≤1945", 1816, 1945), (">1945", 1946, 9999))


@dataclass
class BacktestResult:
    """The backtest's pairs and skill (see the module docstring).

    ``pairs`` has one row per (group, ally): ``war``, ``war_name``, ``date``, ``year``,
    ``era``, ``role``, ``target`` (the partner), ``attackers``, ``ally``, ``kinds`` (its
    pledges to the partner), ``pledge`` (``defense`` or ``offense`` if it holds one that
    would bring it in, else ``neutrality only``), ``in_engine`` (reachable by the engine),
    ``probability``, ``se`` (its Monte Carlo standard error), ``credibility`` and
    ``joined``.
    """

    pairs: pd.DataFrame
    source: str
    draws: int
    seed: int
    groups: int
    groups_run: int
    skipped: list[dict] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def n(self) -> int:
        return len(self.pairs)

    @property
    def skipped_reasons(self) -> dict[str, int]:
        """Groups skipped, by reason."""
        return dict(Counter(s["reason"] for s in self.skipped))

    def skill(self, column: str = "probability") -> dict:
        """Skill of ``column`` (the engine's probability, or ``credibility``): overall and by
        era."""
        out = {"all": skill(self.pairs[column], self.pairs["joined"])}
        for era, _, _ in ERAS:
            sub = self.pairs[self.pairs["era"] == era]
            out[era] = skill(sub[column], sub["joined"])
        return out


def skill(probability, joined, bins: int = 10) -> dict:
    """n, observed rate, mean prediction, Brier score, AUC (None without both outcomes) and
    the calibration table (non-empty bins of ``bins`` equal-width bins on [0, 1])."""
    p = np.asarray(probability, dtype=float)
    y = np.asarray(joined, dtype=float)
    if len(p) == 0:
        return {"n": 0, "observed": None, "mean_predicted": None, "brier": None,
                "auc": None, "calibration": []}
    auc = None
    if len(np.unique(y)) == 2:
        from sklearn.metrics import roc_auc_score

        auc = float(roc_auc_score(y, p))
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(p, edges[1:-1]), 0, bins - 1)
    table = [{"bin_low": float(edges[b]), "bin_high": float(edges[b + 1]),
              "n": int((which == b).sum()), "mean_predicted": float(p[which == b].mean()),
              "observed": float(y[which == b].mean())}
             for b in range(bins) if (which == b).any()]
    return {"n": len(p), "observed": float(y.mean()), "mean_predicted": float(p.mean()),
            "brier": float(np.mean((p - y) ** 2)), "auc": auc, "calibration": table}


def _era(year: int) -> str:
    return next(name for name, lo, hi in ERAS if lo <= year <= hi)


def _reason(exc: Exception) -> str:
    from foedus.model.places import UnknownPlaceError

    if isinstance(exc, UnknownPlaceError):
        return "a state has no homeland in the gazetteer"
    return f"{type(exc).__name__}: {str(exc).splitlines()[0][:120] if str(exc) else ''}"


def _group_probabilities(result, role: str) -> dict[int, tuple[float, float]]:
    """Per state: (probability of joining the partner's side, its standard error)."""
    if role == "target":
        return result.by_state(result.tally.drawn_in)
    c, t = result.compiled, result.tally
    out: dict[int, tuple[float, float]] = {}
    for holder, count in zip(c.offense_holder.tolist(), t.attacker_side.tolist(),
                             strict=True):
        p = count / t.draws
        if p >= out.get(holder, (-1.0, 0.0))[0]:
            out[holder] = (p, float(np.sqrt(p * (1 - p) / t.draws)))
    return out


def backtest(source: str = "cow", draws: int = 20_000, seed: int = 0, *,
             years: tuple[int, int] | None = None, limit: int | None = None,
             roles: tuple[str, ...] = ("target", "initiator"),
             unrecorded_conditions: bool = False, system=None, fitted=None,
             wars: list[str] | None = None, cases: pd.DataFrame | None = None,
             features: pd.DataFrame | None = None,
             progress: Callable[[int, int, str], None] | None = None) -> BacktestResult:
    """Run the engine over the historical opportunities and pair its probabilities with
    what the allies did (see the module docstring).

    Parameters
    ----------
    source
        ``"cow"`` (COW inter-state wars) or ``"mid"`` (MIDB disputes with use of force), as
        :func:`foedus.reliability.opportunities`.
    draws, seed
        Monte Carlo draws per group and their seed (the same for every group).
    years
        Keep opportunities whose partner entered in these years (inclusive).
    limit
        Run only the first ``limit`` groups (by date), e.g. for a quick look.
    roles
        Which partner roles to run: ``"target"`` (drawn-in probability), ``"initiator"``.
    unrecorded_conditions
        Count ATOP obligations whose condition is coded without content as triggered
        (``allies.unrecorded_conditions`` of the scenarios; the opportunities keep them as
        undecidable, the query by default does not trigger them).
    system, fitted
        The commitment system and credibility model (default: the shipped ones).
    wars
        Run only these wars (``cow:<number>``): the held-out fold of an out-of-sample
        backtest (:func:`foedus.crisis.validate.joins`).
    cases, features
        The credibility cases of the opportunities (:func:`foedus.credibility.cases` of
        :func:`foedus.reliability.opportunities` with this ``source``) and their
        :func:`foedus.credibility.pledge_features` (same index), computed once by a caller
        that runs several backtests (the folds of :func:`foedus.crisis.validate.joins`);
        by default both are computed here. ``years``, ``roles`` and ``wars`` still apply.
    progress
        Called with (groups done, groups in all, the group's label) after each group.
    """
    import time

    from foedus.credibility import load, pledge_features, predict
    from foedus.credibility.model import cases as credibility_cases
    from foedus.crisis.compile import compile_scenario
    from foedus.crisis.run import run
    from foedus.crisis.scenario import Allies, Attack, ResolvedAttack, Scenario
    from foedus.data.loaders import load_system
    from foedus.reliability import opportunities

    start = time.perf_counter()
    system = system or load_system()
    fitted = fitted or load()
    lo, hi = years if years is not None else (1816, 2100)
    if cases is None:
        rows = credibility_cases(opportunities(system, source=source, start=lo, end=hi))
    else:
        rows = cases[(cases["year"] >= lo) & (cases["year"] <= hi)]
    rows = rows[rows["role"].isin(roles)]
    if wars is not None:
        rows = rows[rows["war"].isin(list(wars))]
    if len(rows):
        x = pledge_features(rows, system) if features is None else features.loc[rows.index]
        rows = rows.reset_index(drop=True).assign(
            credibility=predict(fitted, x.reset_index(drop=True))["probability"].to_numpy())
    else:
        rows = rows.assign(credibility=pd.Series(dtype=float))
    keys = ["war", "target", "date", "role"]
    groups = sorted(rows.groupby(keys, sort=False), key=lambda kv: (kv[0][2], kv[0][0]))
    total = len(groups)
    if limit is not None:
        groups = groups[:limit]
    pairs: list[dict] = []
    skipped: list[dict] = []
    ran = 0
    for i, ((war, target, day, role), g) in enumerate(groups):
        target = int(target)
        day = day if isinstance(day, dt.date) else pd.Timestamp(day).date()
        opponents = tuple(int(a) for a in g["attackers"].iloc[0])
        label = f"{war} {g['war_name'].iloc[0] or ''}, {role} cow:{target} on {day}"
        allies = list(dict.fromkeys(int(a) for a in g["ally"]))
        try:
            if not opponents:
                raise ValueError("no opponent on record")
            pairs_of = ([(a, target) for a in opponents] if role == "target"
                        else [(target, a) for a in opponents])
            scenario = Scenario(name=label, date=day, view="atop", draws=draws, seed=seed,
                                attack=tuple(Attack(attacker=a, target=t)
                                             for a, t in pairs_of),
                                allies=Allies(unrecorded_conditions=unrecorded_conditions))
            attacks = [ResolvedAttack(a, t, None, None, None, 1.0, False)
                       for a, t in pairs_of]
            compiled = compile_scenario(scenario, attacks, system=system, fitted=fitted)
            result = run(compiled, draws=draws, seed=seed, executor="serial")
            probability = _group_probabilities(result, role)
            cap_a, cap_t = compiled.attacker_capability or 0.0, float(compiled.capability[0])
            ratio = cap_a / (cap_a + cap_t) if cap_a + cap_t > 0 else 0.5
        except Exception as exc:  # one bad group never stops the backtest
            skipped.append({"war": war, "target": target, "date": day, "role": role,
                            "allies": len(allies), "reason": _reason(exc)})
        else:
            ran += 1
            join_kind = "defense" if role == "target" else "offense"
            for ally in allies:
                mine = g[g["ally"] == ally]
                joins = mine[mine["kind"] == join_kind]
                p, se = probability.get(ally, (0.0, 0.0))
                pairs.append({
                    "war": war, "war_name": mine["war_name"].iloc[0], "date": day,
                    "year": day.year, "era": _era(day.year), "role": role,
                    "target": target, "attackers": opponents, "ally": ally,
                    "kinds": ",".join(sorted(set(mine["kind"]))),
                    "pledge": join_kind if len(joins) else "neutrality only",
                    "in_engine": ally in probability, "probability": p, "se": se,
                    "capability_ratio": ratio,
                    "credibility": float(joins["credibility"].max()) if len(joins) else 0.0,
                    "joined": bool((mine["outcome"] == "joined_partner").any())})
        if progress:
            progress(i + 1, len(groups), label)
    columns = ["war", "war_name", "date", "year", "era", "role", "target", "attackers",
               "ally", "kinds", "pledge", "in_engine", "probability", "se",
               "capability_ratio", "credibility", "joined"]
    return BacktestResult(pd.DataFrame(pairs, columns=columns), source, draws, seed,
                          groups=total, groups_run=ran, skipped=skipped,
                          seconds=time.perf_counter() - start)
