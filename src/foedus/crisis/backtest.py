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

**The view the engine plays.** The opportunities judge each pledge's casus foederis in
the ATOP view *with the historical book's condition content*
(:meth:`CommitmentSystem.as_of` with ``history=True``: the Franco-Russian convention names
Germany) and decide a specific-conflict condition by ATOP's ``cowwar`` (the Pact of London
of 1915 was made for the First World War). The engine's obligations query reads the plain
ATOP view, where those conditions have no content and leave the pledge
``condition_not_recorded``, so it never triggers: France's pledge to Russia on 1 August 1914
got a drawn-in probability of 0, though the case it is scored on has its casus foederis
true. Each group is therefore played on :func:`engine_system`: the same treaties, members,
dates and obligations, with the historical book's content in the ATOP view and, for the
war being played, the specific-conflict condition of the alliances made for it filled with
that war — the opportunities' verdicts, nothing more.

One disagreement is left, and it is the engine's, not the view's: a neutrality pledge
owed to an attacker bars its holder whatever the pledge's conditions
(:mod:`foedus.crisis.compile`, step 2). Italy's Triple Alliance neutrality pledges to
Germany and Austria-Hungary (ATOP 1350, its adversary coded as France) still bar Italy
from joining Russia under the Pact of London on 26 April 1915, a war against Russia
that the pledge's casus foederis does not cover; the pair's ``why`` says so.

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

__all__ = ["ERAS", "BacktestResult", "backtest", "engine_system", "skill"]

#: Eras, by the year of the partner's entry into the war.
ERAS = (("≤1945", 1816, 1945), (">1945", 1946, 9999))


@dataclass
class BacktestResult:
    """The backtest's pairs and skill (see the module docstring).

    ``pairs`` has one row per (group, ally): ``war``, ``war_name``, ``date``, ``year``,
    ``era``, ``role``, ``target`` (the partner), ``attackers``, ``ally``, ``kinds`` (its
    pledges to the partner), ``pledge`` (``defense`` or ``offense`` if it holds one that
    would bring it in, else ``neutrality only``), ``in_engine`` (reachable by the engine),
    ``probability``, ``se`` (its Monte Carlo standard error), ``why`` (what limits the
    engine's probability: no joining pledge, none triggered, or a neutrality pledge to an
    attacker that bars the ally unless broken; empty otherwise), ``credibility`` and
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


def engine_system(system, war: str | None = None,
                  conflicts: dict[int, frozenset[str]] | None = None):
    """The commitment system the backtest plays ``war`` on (module docstring, "The view
    the engine plays"): ``system``'s treaties with the ATOP view carrying the historical
    book's condition content (``system.treaties("atop", history=True)``), and the
    specific-conflict condition of every ATOP alliance whose members were fighting
    ``war`` when they joined it (``conflicts``: ATOP ``cowwar`` by alliance,
    :func:`foedus.reliability.opportunities.alliance_conflicts`) filled with ``war``, as
    :func:`foedus.reliability.casus_foederis_reasons` decides it. Members, dates and
    obligations are unchanged. Cached per (system, the alliances filled).

    Parameters
    ----------
    system
        The commitment system (:func:`foedus.data.loaders.load_system`).
    war
        The COW war played (``cow:<warnum>``); None fills no specific conflict.
    conflicts
        ATOP alliance → the wars its members fought when they joined it.

    Returns
    -------
    CommitmentSystem
        A system whose plain ATOP view is ``system``'s ATOP view with history.

    References
    ----------
    .. [1] Leeds, Brett Ashley, Andrew G. Long, and Sara McLaughlin Mitchell. 2000.
       "Reevaluating Alliance Reliability: Specific Threats, Specific Promises." *Journal
       of Conflict Resolution* 44(5): 686-699. doi:10.1177/0022002700044005006
    """
    made_for = frozenset(a for a, wars in (conflicts or {}).items() if war in wars)
    key = (id(system), made_for)
    hit = _ENGINE_SYSTEMS.get(key)
    if hit is not None and hit[0] is system:
        return hit[1]
    from foedus.model.system import CommitmentSystem

    atop = []
    for t in system.treaties("atop", history=True):
        if t.atopids and t.atopids[0] in made_for:
            obligations = tuple(
                o.model_copy(update={"condition": o.condition.model_copy(
                    update={"specific_conflict": war})})
                if o.condition.conflict_coded and not o.condition.specific_conflict else o
                for o in t.obligations)
            t = t.model_copy(update={"obligations": obligations})
        atop.append(t)
    out = CommitmentSystem(atop, list(system.book), crosswalk=system.crosswalk, history=())
    if len(_ENGINE_SYSTEMS) > 32:
        _ENGINE_SYSTEMS.clear()
    _ENGINE_SYSTEMS[key] = (system, out)
    return out


_ENGINE_SYSTEMS: dict = {}


def _era(year: int) -> str:
    return next(name for name, lo, hi in ERAS if lo <= year <= hi)


def _reason(exc: Exception) -> str:
    from foedus.model.places import UnknownPlaceError

    if isinstance(exc, UnknownPlaceError):
        return "a state has no homeland in the gazetteer"
    return f"{type(exc).__name__}: {str(exc).splitlines()[0][:120] if str(exc) else ''}"


def _why(compiled, ally: int, reached: bool, joining_pledge: bool) -> str:
    """What limits the engine's probability for ``ally`` ('' when nothing structural does):
    no pledge that brings it in, no pledge the engine's query triggers, or a neutrality
    pledge to an attacker that bars it unless broken."""
    if not joining_pledge:
        return "neutrality pledge only: it keeps the ally out, it does not bring it in"
    if not reached:
        return "the engine's obligations query triggers none of its pledges"
    states = list(compiled.states)
    held = int((np.asarray(compiled.neutral_holder) == states.index(ally)).sum()) if (
        ally in states) else 0
    if held:
        return (f"barred unless it breaks its {held} neutrality pledge"
                f"{'s' if held > 1 else ''} to the attacker")
    return ""


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
             conflicts: dict[int, frozenset[str]] | None = None,
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
    conflicts
        ATOP alliance → the COW wars its members fought when they joined it
        (:func:`foedus.reliability.opportunities.alliance_conflicts`; default: read from the
        store), for :func:`engine_system`.
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
    if conflicts is None:
        from foedus.data.store import connect
        from foedus.reliability.opportunities import alliance_conflicts

        with connect() as con:
            conflicts = alliance_conflicts(con)
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
            compiled = compile_scenario(scenario, attacks, fitted=fitted,
                                        system=engine_system(system, war, conflicts))
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
                    "why": _why(compiled, ally, ally in probability, len(joins) > 0),
                    "capability_ratio": ratio,
                    "credibility": float(joins["credibility"].max()) if len(joins) else 0.0,
                    "joined": bool((mine["outcome"] == "joined_partner").any())})
        if progress:
            progress(i + 1, len(groups), label)
    columns = ["war", "war_name", "date", "year", "era", "role", "target", "attackers",
               "ally", "kinds", "pledge", "in_engine", "probability", "se", "why",
               "capability_ratio", "credibility", "joined"]
    return BacktestResult(pd.DataFrame(pairs, columns=columns), source, draws, seed,
                          groups=total, groups_run=ran, skipped=skipped,
                          seconds=time.perf_counter() - start)
