r"""Turn a scenario into the arrays the Monte Carlo draws read (DESIGN §4, §5).

Compilation does everything that does not change from draw to draw, once:

1. **Who could be drawn in.** From each attacked target, the obligations query
   (:func:`foedus.query.obligations`) lists the defence obligations the attack triggers
   (scope, domains, membership, suspensions, named adversaries and provocation all decided
   there). Each obligated state could join; if it does, the attacker may strike it at home,
   which triggers *its* defence pledges: the query is asked again for an attack by the
   same attackers on that state's homeland, and so on until no new state appears
   (chain-ganging). An obligation decided by consensus (``decision = "consensus"``) forms a
   group whose members act only together. With ``allies.unrecorded_conditions`` the
   obligations whose ATOP condition is coded without its content count as triggered.
2. **The attacker's side.** Offence pledges owed to a state attacker bring its partners in
   when it goes to war; neutrality pledges owed to it keep the holders out of the fight
   against it (both as ATOP and the books code them), except those ATOP conditions on the
   partner being attacked (``neucoatt``): the attacker here is no victim.
3. **Probabilities.** Every written pledge is scored by the credibility model
   (:func:`foedus.credibility.log_odds_draws`): one log-odds per draw of the model, so each
   Monte Carlo draw can use its own coefficients. An informal or ambiguous commitment (the
   book's ``informal`` and ``assurance`` kinds: the Taiwan Relations Act, the Budapest
   Memorandum, the 2024 agreements with Ukraine) joins with its own estimated probability
   (:mod:`foedus.crisis.informal`), or the scenario's ``allies.informal``. Several pledges
   of one state to the same partner (NATO Art. 5 and TEU Art. 42(7)) count as the
   strongest.
4. **Capabilities.** CINC (NMC 7.0) or military expenditure (SIPRI) shares
   (:mod:`foedus.crisis.means`), discounted to the first target's capital by the
   loss-of-strength gradient (:func:`foedus.measures.burden.loss_of_strength`, Bueno de
   Mesquita 1981), and, for allies on either side, by arrival time:

   .. math:: t_i = f_i + (1 - f_i)\min\bigl(1, T / a_i\bigr)

   with *T* the attacker's days to its objective, :math:`f_i` the share of the ally's
   military personnel (NMC ``milper``) stationed forward in the target (present at once;
   the book's forward forces, shared equally by the lead and contributors), and
   :math:`a_i` its arrival in days: mobilisation days plus capital-to-capital kilometres
   over km per day, or the reinforcement timeline the treaty records for that host where
   that is sooner (a plan is a ceiling, not a delay).
5. **Nuclear weapons on both sides.** On the defending side, every nuclear-armed state
   (``data/tables/nuclear_states.csv``) and every state extending a nuclear guarantee
   (book provisions) under a treaty a target belongs to; on the attacker's side, the
   attacker itself and its nuclear-armed partners.
6. **Strikes** (:mod:`foedus.crisis.history`): the probability that the attacker strikes
   a joining state at home, and that a defending belligerent strikes the attacker's
   homeland, from the reach models (distance between capitals, the striker's capability),
   unless the scenario states a flat ``strike_allies`` or ``allies.strike_back``.
7. **The attacker's allies.** The obligations query is asked for an attack by the targets
   on each state attacker's homeland: the holders of the defence pledges it triggers join
   the attacker when the defending side strikes back (with their pledges' probabilities).
8. **The challenger's parameters**: the scenario's, else the fitted ones
   (:mod:`foedus.crisis.fitted`), with the draws that carry their uncertainty.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from foedus.crisis.scenario import ResolvedAttack, Scenario
from foedus.model.vocab import Decision, Domain, Hit, ObligationKind, View

__all__ = ["Compiled", "compile_scenario"]

_KM_PER_MILE = 1.609344
#: Obligation kinds of an informal commitment that can bring its holder into the war (the
#: Taiwan Relations Act and the 2024 agreements promise consultation, the Joint Policy
#: Declaration defence).
_INFORMAL_KINDS = (ObligationKind.DEFENSE, ObligationKind.CONSULTATION)


@dataclass
class Compiled:
    """A scenario ready for the draws: plain arrays, picklable, no data access needed.

    States are indexed ``0 … n-1``; the original targets come first (``n_targets``).
    Edges are defence pledges ``holder → beneficiary`` with their log-odds per draw of the
    credibility model (``edge_logit``, shape (B, E)); consensus edges are listed apart
    (``consensus_groups``: beneficiary index and edge indices). ``guarantor`` marks the
    nuclear-armed states (and nuclear guarantors) of the defending side; ``strike`` and
    ``strike_back`` are per-state strike probabilities (None: the flat ``strike_allies``,
    resp. 0); ``ally_*`` are the attacker's allies (one row per holder) that join when the
    defending side strikes back.
    """

    name: str
    date: dt.date
    view: str
    capability_measure: str
    states: np.ndarray
    n_targets: int
    attribution: np.ndarray
    attackers: tuple[int | str, ...]
    edge_holder: np.ndarray
    edge_beneficiary: np.ndarray
    edge_logit: np.ndarray
    edge_consensus: np.ndarray
    consensus_groups: list[tuple[int, np.ndarray]]
    direct: np.ndarray
    capability: np.ndarray
    guarantor: np.ndarray
    neutral_holder: np.ndarray
    neutral_logit: np.ndarray
    offense_holder: np.ndarray
    offense_logit: np.ndarray
    offense_capability: np.ndarray
    attacker_capability: float | None
    params: dict
    deterrence_reason: str | None = None
    flags: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    pledges: list[dict] = field(default_factory=list)
    modifications: list[dict] = field(default_factory=list)
    strike: np.ndarray | None = None
    strike_back: np.ndarray | None = None
    offense_nuclear: np.ndarray | None = None
    attacker_nuclear: bool = False
    ally_holder: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    ally_logit: np.ndarray = field(default_factory=lambda: np.zeros((1, 0)))
    ally_capability: np.ndarray = field(default_factory=lambda: np.zeros(0))
    ally_nuclear: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))
    ally_pledges: list[dict] = field(default_factory=list)
    decision_draws: list[dict] = field(default_factory=list)

    @property
    def n_states(self) -> int:
        return len(self.states)


def _event_args(a: ResolvedAttack) -> dict:
    return {"place": a.place, "hit": a.hit, "domain": a.domain, "provoked": a.provoked}


def _closure(system, scenario: Scenario, attacks: list[ResolvedAttack], view: View):
    """Defence edges from the targets outward, and the states they reach."""
    from foedus.data.places import default_gazetteer
    from foedus.model.places import UnknownPlaceError
    from foedus.query.obligations import obligations

    day = scenario.date
    attackers = list(dict.fromkeys(a.attacker for a in attacks))
    state_attackers = {a for a in attackers if isinstance(a, int)}
    order: list[int] = []
    for a in attacks:
        if a.target not in order:
            order.append(a.target)
    targets = list(order)
    edges: list[dict] = []
    notes: list[str] = []
    queue = [(t, next(a for a in attacks if a.target == t)) for t in targets]
    seen = set(targets)
    gazetteer = default_gazetteer()
    while queue:
        state, attack = queue.pop(0)
        if attack is None:
            try:
                gazetteer.homeland(state)
            except UnknownPlaceError:
                notes.append(f"cow:{state} has no homeland in the gazetteer: an attack on it "
                             "triggers no pledge here")
                continue
            kwargs = {"place": None, "hit": Hit.TERRITORY, "domain": Domain.LAND,
                      "provoked": False}
        else:
            kwargs = _event_args(attack)
        answer = obligations(system, as_of=day, attackers=attackers, target=state, view=view,
                             **kwargs)
        for b in answer.obligations:
            if b.obligation.kind is not ObligationKind.DEFENSE or b.state in state_attackers:
                continue
            edges.append({"holder": b.state, "beneficiary": state, "treaty": b.treaty.id,
                          "treaty_name": b.treaty.name, "obligation": b.obligation.id,
                          "article": str(b.obligation.article),
                          "consensus": b.obligation.decision is Decision.CONSENSUS,
                          "informal": False})
            if b.state not in seen:
                seen.add(b.state)
                order.append(b.state)
                queue.append((b.state, None))
        for f in answer.informal:
            o = f.obligation
            if o is None or o.kind not in _INFORMAL_KINDS or f.state in state_attackers:
                continue
            edges.append({"holder": f.state, "beneficiary": state, "treaty": f.treaty.id,
                          "treaty_name": f.treaty.name, "obligation": o.id,
                          "article": str(o.article), "consensus": False, "informal": True})
            if f.state not in seen:
                seen.add(f.state)
                order.append(f.state)
                queue.append((f.state, None))
        if scenario.allies.unrecorded_conditions:
            for h, treaty, o in _unrecorded(answer, state, day, state_attackers):
                edges.append({"holder": h, "beneficiary": state, "treaty": treaty.id,
                              "treaty_name": treaty.name, "obligation": o.id,
                              "article": str(o.article),
                              "consensus": o.decision is Decision.CONSENSUS,
                              "informal": False})
                if h not in seen:
                    seen.add(h)
                    order.append(h)
                    queue.append((h, None))
    return order, edges, notes


def _unrecorded(answer, target: int, day: dt.date, state_attackers):
    """The holders of defence obligations the query left as ``condition_not_recorded``
    (membership, partner exceptions and suspended legs still checked)."""
    for n in answer.not_triggered:
        o = n.obligation
        if n.reason != "condition_not_recorded" or o is None or \
                o.kind is not ObligationKind.DEFENSE:
            continue
        for h in n.treaty.members_on(day):
            if h == target or h in state_attackers or (o.holders is not None
                                                       and h not in o.holders):
                continue
            if o.binds(h, target, day) and n.treaty.suspended(h, target, day) is None:
                yield h, n.treaty, o


def _attacker_side(system, day: dt.date, attackers, view: View):
    """Offence and neutrality pledges owed to the state attackers."""
    snap = system.as_of(day, view)
    offense, neutral = [], []
    for a in attackers:
        if not isinstance(a, int):
            continue
        for p in snap.pledges(beneficiary=a):
            if p.holder in attackers:
                continue
            row = {"holder": p.holder, "beneficiary": a, "treaty": p.treaty.id,
                   "obligation": p.obligation.id}
            if p.obligation.kind is ObligationKind.OFFENSE:
                offense.append(row)
            elif p.obligation.kind is ObligationKind.NEUTRALITY and \
                    "atop:neucoatt" not in p.obligation.flags:
                neutral.append(row)  # neucoatt: neutral only if the partner is attacked
    return snap, offense, neutral


def _logits(fitted, system, rows: list[dict], kind: str, day: dt.date, state_attackers,
            shape_b: int, shifts=(), informal: tuple[float, float] | None = None
            ) -> np.ndarray:
    """Log-odds of each pledge per draw of the credibility model, with the counterfactual
    shifts added; informal commitments (``row["informal"]``) get theirs from the informal
    model's Beta(α, β) (``informal``) instead."""
    from foedus.counterfactual.shifts import pledge_shifts
    from foedus.credibility import log_odds_draws, pledge_features
    from foedus.crisis.informal import log_odds

    if not rows:
        return np.zeros((shape_b, 0))
    frame = pd.DataFrame([{"ally": r["holder"], "target": r["beneficiary"], "kind": kind,
                           "treaty": r["treaty"], "obligation": r["obligation"], "date": day,
                           "attackers": tuple(a for a in state_attackers
                                              if a != r["beneficiary"])} for r in rows])
    loose = np.array([bool(r.get("informal")) for r in rows])
    out = np.empty((shape_b, len(rows)))
    if (~loose).any():
        out[:, ~loose] = log_odds_draws(fitted, pledge_features(frame[~loose], system))
    if loose.any():
        alpha, beta = informal
        out[:, loose] = log_odds(alpha, beta, shape_b, int(loose.sum()), seed=0)
    return out + pledge_shifts(shifts, frame["ally"], frame["target"], frame["treaty"])


def _attacker_allies(system, scenario: Scenario, attacks: list[ResolvedAttack], view: View,
                     targets: list[int]) -> list[dict]:
    """The defence pledges an attack by the targets on each state attacker's homeland
    triggers (formal and informal; holders neither attackers nor targets)."""
    from foedus.data.places import default_gazetteer
    from foedus.model.places import UnknownPlaceError
    from foedus.query.obligations import obligations

    attackers = list(dict.fromkeys(a.attacker for a in attacks))
    states = {a for a in attackers if isinstance(a, int)}
    gazetteer = default_gazetteer()
    rows = []
    for a in sorted(states):
        try:
            gazetteer.homeland(a)
        except UnknownPlaceError:
            continue
        answer = obligations(system, as_of=scenario.date, attackers=list(targets), target=a,
                             view=view, hit=Hit.TERRITORY, domain=Domain.LAND)
        bound = [(b.state, b.treaty, b.obligation, False) for b in answer.obligations
                 if b.obligation.kind is ObligationKind.DEFENSE]
        loose = [(f.state, f.treaty, f.obligation, True) for f in answer.informal
                 if f.obligation is not None and f.obligation.kind in _INFORMAL_KINDS]
        for h, treaty, o, informal in bound + loose:
            if h in states or h in targets:
                continue
            rows.append({"holder": h, "beneficiary": a, "treaty": treaty.id,
                         "treaty_name": treaty.name, "obligation": o.id,
                         "article": str(o.article), "consensus": False,
                         "informal": informal})
    return rows


def _strongest(rows: list[dict], logit: np.ndarray, keys: list[str]) -> list[int]:
    """Indices of the rows kept per ``keys`` (in row order): a legal obligation before an
    informal commitment (``row["informal"]``) of the same holder — the treaty binds, the
    declaration only adds its own chance where there is no treaty — then the largest mean
    log-odds."""
    if not rows:
        return []
    frame = pd.DataFrame(rows)
    frame["mean_logit"] = logit.mean(axis=0)
    frame["_legal"] = ~frame["informal"].fillna(False).astype(bool) if (
        "informal" in frame) else True
    frame["_i"] = np.arange(len(frame))
    best = frame.sort_values(["_legal", "mean_logit"], ascending=False, kind="stable"
                             ).drop_duplicates(keys)
    return sorted(best["_i"].tolist())


def _parameters(scenario: Scenario, crisis_fit: dict) -> tuple[dict, list[dict]]:
    """The parameters the draws and the choice read: the scenario's where it states them,
    else the fitted ones; and the draws of the fitted ones that vary (their uncertainty)."""
    from foedus.crisis import fitted as fitted_params
    from foedus.crisis.informal import posterior

    ch, al = scenario.challenger, scenario.allies
    fitted_values = fitted_params.decision_defaults(crisis_fit)
    stated = {k: v for k, v in (
        ("value", ch.value), ("cost_tolerance", ch.cost_tolerance),
        ("war_cost", ch.war_cost), ("nuclear_cost", ch.nuclear_cost), ("scale", ch.scale),
        ("nuclear_value", ch.nuclear_value), ("nuclear_escalation", al.nuclear_escalation))
        if v is not None}
    informal = crisis_fit.get("informal") or posterior()
    sources = {k: "scenario" if k in stated else crisis_fit["decision"]["estimates"].get(
        k, {}).get("source", "fitted") for k in fitted_values}
    sources["nuclear_escalation"] = "scenario" if "nuclear_escalation" in stated else \
        "war record"
    for k in ("value", "cost_tolerance"):
        sources[k] = "scenario" if k in stated else "prior"
    sources["strike_allies"] = "scenario" if ch.strike_allies is not None else "reach model"
    sources["strike_back"] = "scenario" if al.strike_back is not None else "reach model"
    sources["informal"] = "scenario" if al.informal is not None else "informal record"
    params = {**fitted_values, **stated,
              "days_to_objective": ch.days_to_objective, "strike_allies": ch.strike_allies,
              "strike_back": al.strike_back, "solidarity": al.solidarity,
              "credibility_shift": al.credibility_shift,
              "informal": al.informal if al.informal is not None else informal["mean"],
              "stated": sorted(stated), "sources": sources}
    draws = [{k: v for k, v in d.items() if k not in stated}
             for d in fitted_params.decision_draws(crisis_fit)]
    return params, [d for d in draws if d]


def modified_system(scenario: Scenario, system):
    """The commitment system with the scenario's ``[[modify]]`` tables applied, and the
    modifications resolved (the system itself when there are none)."""
    from foedus.counterfactual.modifications import apply_modifications, resolve_modifications
    from foedus.errors import FoedusError

    if not scenario.modify:
        return system, []
    resolved, problems = resolve_modifications(scenario.modify, scenario.date, system)
    if problems:
        path, message = problems[0]
        raise FoedusError(f"{'.'.join(map(str, path))}: {message}")
    return apply_modifications(system, resolved), resolved


def compile_scenario(scenario: Scenario, attacks: list[ResolvedAttack], *, system=None,
                     fitted=None, crisis_fit: dict | None = None) -> Compiled:
    """Compile a validated scenario (see the module docstring). ``fitted`` is the
    credibility model (default: the shipped one), ``crisis_fit`` the engine's parameters
    (default: :func:`foedus.crisis.fitted.load`)."""
    from foedus.counterfactual.modifications import credibility_shifts, describe
    from foedus.credibility import load
    from foedus.crisis import fitted as fitted_params
    from foedus.crisis.history import reach_probability
    from foedus.crisis.means import capabilities, capitals, is_nuclear, spending_plan
    from foedus.measures.distance import haversine_km
    from foedus.measures.power import loss_of_strength
    from foedus.model.system import CommitmentSystem

    system = system or CommitmentSystem.load()
    fitted = fitted or load()
    crisis_fit = crisis_fit or fitted_params.load()
    day, view = scenario.date, View(scenario.view)
    system, resolved = modified_system(scenario, system)
    shifts = credibility_shifts(resolved)
    ch, al = scenario.challenger, scenario.allies
    params, decision_draws = _parameters(scenario, crisis_fit)
    informal = (None, None)
    if al.informal is None:
        post = crisis_fit.get("informal") or {}
        informal = (post.get("alpha"), post.get("beta"))
    else:
        informal = (al.informal * 1e6 + 1e-9, (1 - al.informal) * 1e6 + 1e-9)
    attackers = tuple(dict.fromkeys(a.attacker for a in attacks))
    state_attackers = tuple(a for a in attackers if isinstance(a, int))
    states, edges, notes = _closure(system, scenario, attacks, view)
    snap, offense, neutral = _attacker_side(system, day, attackers, view)
    n_targets = len(dict.fromkeys(a.target for a in attacks))
    targets_list = list(states[:n_targets])
    index = {s: i for i, s in enumerate(states)}
    b = len(fitted.draws)

    # one probability per (holder, beneficiary): the strongest of its pledges (module doc)
    logit = _logits(fitted, system, edges, "defense", day, state_attackers, b, shifts,
                    informal)
    keep = _strongest(edges, logit, ["holder", "beneficiary", "consensus"])
    frame = pd.DataFrame(edges).iloc[keep] if edges else pd.DataFrame(edges)
    logit = logit[:, keep]
    holder = np.array([index[h] for h in frame.get("holder", [])], dtype=np.int64)
    beneficiary = np.array([index[x] for x in frame.get("beneficiary", [])], dtype=np.int64)
    consensus = frame["consensus"].to_numpy(dtype=bool) if edges else np.zeros(0, bool)
    groups = []
    if consensus.any():
        for (_, x), idx in frame.reset_index(drop=True)[consensus].groupby(
                ["treaty", "beneficiary"]).groups.items():
            groups.append((index[x], np.asarray(idx, dtype=np.int64)))
    targets = set(targets_list)
    direct = np.zeros(len(states), dtype=bool)
    for h, x in zip(holder, beneficiary, strict=True):
        if states[x] in targets:
            direct[h] = True

    # the attacker's side: offence and neutrality pledges, and allies that join if struck
    neutral = [r for r in neutral if r["holder"] in index]
    neutral_logit = _logits(fitted, system, neutral, "neutrality", day, (), b, shifts)
    neutral_holder = np.array([index[r["holder"]] for r in neutral], dtype=np.int64)
    off_logit = _logits(fitted, system, offense, "offense", day, (), b, shifts)
    off_codes = [r["holder"] for r in offense]
    allies = _attacker_allies(system, scenario, attacks, view, targets_list)
    ally_logit = _logits(fitted, system, allies, "defense", day, tuple(targets_list), b,
                         shifts, informal)
    keep = _strongest(allies, ally_logit, ["holder"])
    allies = [allies[i] for i in keep]
    ally_logit = ally_logit[:, keep]
    ally_codes = [r["holder"] for r in allies]

    # capabilities, distances, arrival
    codes = list(dict.fromkeys([*states, *state_attackers, *off_codes, *ally_codes]))
    scale, _, unset = spending_plan(resolved, system, day)
    share, milper, flags = capabilities(codes, day.year, scenario.capability, scale)
    if unset:
        flags.append("spending_unset: no SIPRI burden on record for "
                     f"{', '.join(f'cow:{c}' for c in unset)}: spending left as observed")
    caps = capitals(codes, day.year)
    theatre = states[0]

    def km(a: int, t: int = theatre) -> float:
        x, y = caps.get(a), caps.get(t)
        if x is None or y is None:
            return 0.0
        return float(haversine_km(x[0], x[1], y[0], y[1]))

    def discounted(code: int) -> float:
        return float(loss_of_strength(share.get(code, 0.0), km(code) / _KM_PER_MILE))

    forward: dict[int, float] = {}
    reinforcement: dict[str, float] = {}
    for t in snap.treaties:
        for f in t.provisions.forward_forces:
            if f.host != theatre or not f.active(day):
                continue
            if f.reinforcement_days is not None:
                reinforcement[t.id] = float(f.reinforcement_days)
            nations = list(dict.fromkeys([*([f.lead] if f.lead else []), *f.contributors]))
            for s in nations:
                troops = (f.size or 0) / max(len(nations), 1)
                forward[s] = forward.get(s, 0.0) + troops
    treaty_of: dict[int, set] = {}
    for r in edges:
        treaty_of.setdefault(r["holder"], set()).add(r["treaty"])

    def timely(s: int) -> float:
        """The share of an ally's capability that arrives before the objective falls."""
        days = [reinforcement[t] for t in treaty_of.get(s, ()) if t in reinforcement]
        arrival = min([*days, al.mobilisation_days + km(s) / al.km_per_day])
        per = milper.get(s)
        f = min(1.0, forward.get(s, 0.0) / (per * 1000)) if per else 0.0
        return f + (1 - f) * min(1.0, ch.days_to_objective / arrival) if arrival > 0 else 1.0

    capability = np.array([discounted(s) * (1.0 if s in targets else timely(s))
                           for s in states])

    guarantor = np.array([is_nuclear(s, day) for s in states], dtype=bool)
    for t in snap.treaties:
        for g in t.provisions.nuclear:
            if g.active(day) and g.guarantor in index and any(
                    t.member_on(x, day) for x in targets):
                guarantor[index[g.guarantor]] = True

    # strikes: the reach models, unless the scenario states flat probabilities
    reach = crisis_fit["reach"]
    strike = strike_back = None
    if ch.strike_allies is None:
        if state_attackers:
            spared = np.ones(len(states))
            for a in state_attackers:
                spared *= 1 - reach_probability(reach["strike"], [km(a, s) for s in states],
                                                share.get(a, 0.0))
            strike = 1 - spared
        else:
            base = reach["strike"]["positives"] / max(reach["strike"]["n"], 1)
            strike = np.full(len(states), base)
            notes.append(f"a non-state attacker has no capital: it strikes a joining state "
                         f"with the record's base rate, {base:.2f}")
    if al.strike_back is None and allies:
        spared = np.ones(len(states))
        for a in state_attackers:
            spared *= 1 - reach_probability(reach["strike_back"],
                                            [km(s, a) for s in states],
                                            [share.get(s, 0.0) for s in states])
        strike_back = 1 - spared
    elif al.strike_back is not None:
        strike_back = np.full(len(states), al.strike_back)

    reason = None
    if state_attackers and len(state_attackers) == len(attackers):
        attacker_cap = sum(discounted(a) for a in state_attackers)
    elif ch.capability is not None and ch.value is not None:
        attacker_cap = ch.capability + sum(discounted(a) for a in state_attackers)
    else:
        attacker_cap = None
        missing = [f"challenger.{f}" for f in ("capability", "value")
                   if getattr(ch, f) is None]
        reason = (f"a non-state attacker's capability and stakes are not in the data: give "
                  f"{' and '.join(missing)} in the scenario")

    def listed(rows, lg):
        return [{**{k: r[k] for k in ("holder", "beneficiary", "treaty", "treaty_name",
                                      "obligation", "article", "consensus", "informal")},
                 "probability": float(np.mean(1 / (1 + np.exp(-(lg[:, j]
                                                                + al.credibility_shift)))))}
                for j, r in enumerate(rows)]

    pledges = listed(frame.to_dict("records"), logit) if edges else []
    if not edges:
        notes.append("no defence obligation is triggered by this attack")
    return Compiled(
        name=scenario.name, date=day, view=view.value,
        capability_measure=scenario.capability, states=np.asarray(states, dtype=np.int64),
        n_targets=n_targets,
        attribution=np.array([next(a.attribution for a in attacks if a.target == t)
                              for t in states[:n_targets]]),
        attackers=tuple(a if isinstance(a, int) else str(a) for a in attackers),
        edge_holder=holder, edge_beneficiary=beneficiary,
        edge_logit=logit.astype(np.float64), edge_consensus=consensus,
        consensus_groups=groups, direct=direct, capability=capability,
        guarantor=guarantor, neutral_holder=neutral_holder,
        neutral_logit=neutral_logit.astype(np.float64),
        offense_holder=np.array(off_codes, dtype=np.int64), offense_logit=off_logit,
        offense_capability=np.array([discounted(c) for c in off_codes]),
        attacker_capability=attacker_cap, params=params,
        deterrence_reason=reason, flags=flags, notes=notes, pledges=pledges,
        modifications=[describe(m) for m in resolved],
        strike=strike, strike_back=strike_back,
        offense_nuclear=np.array([is_nuclear(c, day) for c in off_codes], dtype=bool),
        attacker_nuclear=any(is_nuclear(a, day) for a in state_attackers),
        ally_holder=np.array(ally_codes, dtype=np.int64),
        ally_logit=ally_logit.astype(np.float64).reshape(b, len(ally_codes)),
        ally_capability=np.array([discounted(c) * timely(c) for c in ally_codes]),
        ally_nuclear=np.array([is_nuclear(c, day) for c in ally_codes], dtype=bool),
        ally_pledges=listed(allies, ally_logit),
        decision_draws=decision_draws)
