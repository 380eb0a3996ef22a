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
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache

import numpy as np

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
    from foedus.data.loaders import gazetteer as default_gazetteer
    from foedus.model.places import UnknownPlaceError
    from foedus.query.obligations import Asker

    day = scenario.date
    asker = Asker(system, day, view)  # one snapshot for every state asked about
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
        answer = asker.ask(attackers=attackers, target=state, not_in_force=False, **kwargs)
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


def _names_a_target(condition, targets) -> bool:
    """Whether a neutrality pledge's casus foederis can hold in a war against ``targets``:
    its named adversaries (the states its beneficiary fights), where recorded, include one
    of them. The rule the obligations query applies to a defence pledge's attackers
    (:mod:`foedus.query.obligations`, reason ``adversary_not_named``) and the opportunities
    to neutrality (Leeds, Long & Mitchell 2000, doi:10.1177/0022002700044005006); a condition
    without recorded adversaries still bars."""
    if condition.clauses:
        return any(cl.adversaries is None or set(cl.adversaries) & set(targets)
                   for cl in condition.clauses)
    if condition.adversary_coded and condition.adversary_recorded:
        return bool(set(condition.adversaries or ()) & set(targets))
    return True


def _attacker_side(system, day: dt.date, attackers, view: View, targets=()):
    """Offence and neutrality pledges owed to the state attackers; a neutrality pledge whose
    named adversaries include none of ``targets`` is left out (:func:`_names_a_target`)."""
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
                    "atop:neucoatt" not in p.obligation.flags and \
                    _names_a_target(p.obligation.condition, targets):
                neutral.append(row)  # neucoatt: neutral only if the partner is attacked
    return snap, offense, neutral


@dataclass
class _Ask:
    """One group of pledges to score (:func:`_score`): its rows, their obligation kind, the
    state attackers their features see (less each row's beneficiary), and the informal
    model's Beta(α, β) for its informal rows (None: no informal row is expected)."""

    rows: list[dict]
    kind: str
    attackers: tuple = ()
    informal: tuple[float, float] | None = None


def _score(fitted, system, asks: list[_Ask], day: dt.date, shape_b: int, shifts=()
           ) -> list[np.ndarray]:
    """Log-odds of every pledge of every ``asks`` group per draw of the credibility model
    (shape (B, rows) each), with the counterfactual shifts added; informal commitments
    (``row["informal"]``) get theirs from the informal model's Beta(α, β) instead.

    The formal pledges of all the groups are scored in one
    :func:`foedus.credibility.pledge_features` call (its lookups are loaded once, not once
    per group); a pledge's features and log-odds depend on its own row only, so this gives
    the numbers of one call per group.
    """
    from types import SimpleNamespace

    from foedus.counterfactual.shifts import pledge_shifts
    from foedus.credibility.features import pledge_feature_columns
    from foedus.credibility.model import log_odds_draws
    from foedus.crisis.informal import log_odds

    asked, formal = [], []
    for ask in asks:
        seen: dict = {}  # the attackers a pledge's features see, per beneficiary
        for r in ask.rows:
            x = r["beneficiary"]
            if x not in seen:
                seen[x] = tuple(a for a in ask.attackers if a != x)
        loose = np.array([bool(r.get("informal")) for r in ask.rows], dtype=bool)
        asked.append(loose)
        formal += [SimpleNamespace(ally=r["holder"], target=r["beneficiary"], kind=ask.kind,
                                   treaty=r["treaty"], obligation=r["obligation"], date=day,
                                   attackers=seen[r["beneficiary"]])
                   for r, informal in zip(ask.rows, loose, strict=True) if not informal]
    scored = log_odds_draws(fitted, pledge_feature_columns(formal, system)) if formal else \
        np.zeros((shape_b, 0))
    out, at = [], 0
    for ask, loose in zip(asks, asked, strict=True):
        if not ask.rows:
            out.append(np.zeros((shape_b, 0)))
            continue
        logit = np.empty((shape_b, len(ask.rows)))
        n_formal = int((~loose).sum())
        if n_formal:
            logit[:, ~loose] = scored[:, at:at + n_formal]
            at += n_formal
        if loose.any():
            alpha, beta = ask.informal
            logit[:, loose] = log_odds(alpha, beta, shape_b, int(loose.sum()), seed=0)
        out.append(logit + pledge_shifts(shifts, [r["holder"] for r in ask.rows],
                                         [r["beneficiary"] for r in ask.rows],
                                         [r["treaty"] for r in ask.rows]))
    return out


def _attacker_allies(system, scenario: Scenario, attacks: list[ResolvedAttack], view: View,
                     targets: list[int]) -> list[dict]:
    """The defence pledges an attack by the targets on each state attacker's homeland
    triggers (formal and informal; holders neither attackers nor targets)."""
    from foedus.data.loaders import gazetteer as default_gazetteer
    from foedus.model.places import UnknownPlaceError
    from foedus.query.obligations import Asker

    attackers = list(dict.fromkeys(a.attacker for a in attacks))
    states = {a for a in attackers if isinstance(a, int)}
    gazetteer = default_gazetteer()
    asker = Asker(system, scenario.date, view)
    rows = []
    for a in sorted(states):
        try:
            gazetteer.homeland(a)
        except UnknownPlaceError:
            continue
        answer = asker.ask(attackers=list(targets), target=a, hit=Hit.TERRITORY,
                           domain=Domain.LAND, not_in_force=False)
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
    mean = logit.mean(axis=0)
    legal = [not bool(r.get("informal") or False) for r in rows]

    def order(i: int) -> tuple:  # descending; a NaN mean after every number (pandas' order)
        m = float(mean[i])
        return (legal[i], m == m, m if m == m else 0.0)

    kept: dict[tuple, int] = {}
    for i in sorted(range(len(rows)), key=order, reverse=True):  # stable: ties in row order
        kept.setdefault(tuple(rows[i].get(k) for k in keys), i)
    return sorted(kept.values())


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
        ("nuclear_value", ch.nuclear_value), ("nuclear_escalation", al.nuclear_escalation),
        ("nuclear_cost_own", ch.nuclear_cost_own if ch.nuclear_cost_own is not None
         else ch.nuclear_cost))  # nuclear_cost alone: one cost for both (engine 2.0)
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


@dataclass
class _Setting:
    """What every step of the compilation reads: the scenario, the (modified) commitment
    system, the two fitted models and the parameters drawn from them."""

    scenario: Scenario
    attacks: list[ResolvedAttack]
    system: object
    fitted: object
    crisis_fit: dict
    resolved: list
    shifts: object
    params: dict
    decision_draws: list[dict]
    informal: tuple
    attackers: tuple
    state_attackers: tuple

    @property
    def day(self) -> dt.date:
        return self.scenario.date

    @property
    def view(self) -> View:
        return View(self.scenario.view)

    @property
    def n_boot(self) -> int:
        return len(self.fitted.draws)


def _setting(scenario: Scenario, attacks: list[ResolvedAttack], system, fitted,
             crisis_fit: dict | None) -> _Setting:
    """Step 0: the defaults loaded, the scenario's ``[[modify]]`` tables applied, the
    challenger's parameters (step 8) and the informal model's Beta(α, β) chosen."""
    from foedus.counterfactual.modifications import credibility_shifts
    from foedus.credibility import load
    from foedus.crisis import fitted as fitted_params
    from foedus.data.loaders import load_system

    system = system or load_system()
    fitted = fitted or load()
    crisis_fit = crisis_fit or fitted_params.load()
    system, resolved = modified_system(scenario, system)
    al = scenario.allies
    params, decision_draws = _parameters(scenario, crisis_fit)
    if al.informal is None:
        post = crisis_fit.get("informal") or {}
        informal = (post.get("alpha"), post.get("beta"))
    else:
        informal = (al.informal * 1e6 + 1e-9, (1 - al.informal) * 1e6 + 1e-9)
    attackers = tuple(dict.fromkeys(a.attacker for a in attacks))
    return _Setting(scenario=scenario, attacks=attacks, system=system, fitted=fitted,
                    crisis_fit=crisis_fit, resolved=resolved,
                    shifts=credibility_shifts(resolved), params=params,
                    decision_draws=decision_draws, informal=informal, attackers=attackers,
                    state_attackers=tuple(a for a in attackers if isinstance(a, int)))


@dataclass
class _Sides:
    """Steps 1, 2 and 7: the states that could be drawn in (targets first), the defence
    pledges between them, and the pledges on the attacker's side (rows of dicts)."""

    states: list[int]
    n_targets: int
    edges: list[dict]
    notes: list[str]
    snap: object
    offense: list[dict]
    neutral: list[dict]
    allies: list[dict]

    @property
    def targets(self) -> list[int]:
        return list(self.states[:self.n_targets])

    @property
    def index(self) -> dict[int, int]:
        return {s: i for i, s in enumerate(self.states)}


def _sides(st: _Setting) -> _Sides:
    """Steps 1, 2 and 7 of the module docstring (the obligations queries)."""
    states, edges, notes = _closure(st.system, st.scenario, st.attacks, st.view)
    n_targets = len(dict.fromkeys(a.target for a in st.attacks))
    snap, offense, neutral = _attacker_side(st.system, st.day, st.attackers, st.view,
                                            tuple(states[:n_targets]))
    known = set(states)
    allies = _attacker_allies(st.system, st.scenario, st.attacks, st.view,
                              list(states[:n_targets]))
    return _Sides(states=states, n_targets=n_targets, edges=edges, notes=notes, snap=snap,
                  offense=offense, neutral=[r for r in neutral if r["holder"] in known],
                  allies=allies)


@dataclass
class _Scores:
    """Step 3: the log-odds per draw of the credibility model (B, rows) of each kept
    pledge: the defence edges (one per holder, beneficiary and decision rule), the
    neutrality and offence pledges to the attacker, and its allies (one per holder)."""

    edge_rows: list[dict]
    edge_logit: np.ndarray
    neutral_logit: np.ndarray
    offense_logit: np.ndarray
    allies: list[dict]
    ally_logit: np.ndarray


def _probabilities(st: _Setting, sides: _Sides) -> _Scores:
    """Step 3 of the module docstring: every pledge scored in one batch (:func:`_score`),
    then the strongest pledge kept per (holder, beneficiary)."""
    b = st.n_boot
    edge_logit, neutral_logit, off_logit, ally_logit = _score(
        st.fitted, st.system,
        [_Ask(sides.edges, "defense", st.state_attackers, st.informal),
         _Ask(sides.neutral, "neutrality"), _Ask(sides.offense, "offense"),
         _Ask(sides.allies, "defense", tuple(sides.targets), st.informal)],
        st.day, b, st.shifts)
    # one probability per (holder, beneficiary): the strongest of its pledges (module doc)
    keep = _strongest(sides.edges, edge_logit, ["holder", "beneficiary", "consensus"])
    keep_allies = _strongest(sides.allies, ally_logit, ["holder"])
    return _Scores(edge_rows=[sides.edges[i] for i in keep],
                   edge_logit=edge_logit[:, keep], neutral_logit=neutral_logit,
                   offense_logit=off_logit, allies=[sides.allies[i] for i in keep_allies],
                   ally_logit=ally_logit[:, keep_allies])


class _Forces:
    """Step 4: capability shares, capitals, forward forces and reinforcement plans, and
    the discounts they give (loss of strength with distance, arrival time)."""

    def __init__(self, st: _Setting, sides: _Sides, codes: list[int]):
        from foedus.crisis.means import capabilities, capitals, spending_plan

        day = st.day
        self.st = st
        scale, _, unset = spending_plan(st.resolved, st.system, day)
        self.share, self.milper, self.flags = capabilities(codes, day.year,
                                                           st.scenario.capability, scale)
        if unset:
            self.flags.append("spending_unset: no SIPRI burden on record for "
                              f"{', '.join(f'cow:{c}' for c in unset)}: spending left as "
                              "observed")
        self.caps = capitals(codes, day.year)
        self.theatre = sides.states[0]
        self._km: dict[tuple, float] = {}
        self._discounted: dict[int, float] = {}
        self.forward: dict[int, float] = {}
        self.reinforcement: dict[str, float] = {}
        for t in sides.snap.treaties:
            for f in t.provisions.forward_forces:
                if f.host != self.theatre or not f.active(day):
                    continue
                if f.reinforcement_days is not None:
                    self.reinforcement[t.id] = float(f.reinforcement_days)
                nations = list(dict.fromkeys([*([f.lead] if f.lead else []),
                                              *f.contributors]))
                for s in nations:
                    troops = (f.size or 0) / max(len(nations), 1)
                    self.forward[s] = self.forward.get(s, 0.0) + troops
        self.treaty_of: dict[int, set] = {}
        for r in sides.edges:
            self.treaty_of.setdefault(r["holder"], set()).add(r["treaty"])

    def km(self, a: int, t: int | None = None) -> float:
        """Capital-to-capital kilometres (0 when a capital is unknown; each pair once)."""
        from foedus.measures.distance import haversine_km

        key = (a, self.theatre if t is None else t)
        if key not in self._km:
            x, y = self.caps.get(key[0]), self.caps.get(key[1])
            self._km[key] = 0.0 if x is None or y is None else float(
                haversine_km(x[0], x[1], y[0], y[1]))
        return self._km[key]

    def discounted(self, code: int) -> float:
        """The capability share discounted by the loss-of-strength gradient (each state
        once)."""
        from foedus.measures.power import loss_of_strength

        if code not in self._discounted:
            self._discounted[code] = float(loss_of_strength(self.share.get(code, 0.0),
                                                            self.km(code) / _KM_PER_MILE))
        return self._discounted[code]

    def timely(self, s: int) -> float:
        """The share of an ally's capability that arrives before the objective falls."""
        ch, al = self.st.scenario.challenger, self.st.scenario.allies
        days = [self.reinforcement[t] for t in self.treaty_of.get(s, ())
                if t in self.reinforcement]
        arrival = min([*days, al.mobilisation_days + self.km(s) / al.km_per_day])
        per = self.milper.get(s)
        f = min(1.0, self.forward.get(s, 0.0) / (per * 1000)) if per else 0.0
        return f + (1 - f) * min(1.0, ch.days_to_objective / arrival) if arrival > 0 else 1.0


def _armed(day: dt.date) -> set[int]:
    """The states with nuclear weapons on ``day``: :func:`foedus.crisis.means.is_nuclear`
    for every state at once (one pass over the table, not two masks a state; the same
    test: armed from its start, up to its end when there is one)."""
    from foedus.crisis.means import nuclear_spells

    return {c for c, s, e in nuclear_spells() if s <= day and (e is None or day < e)}


def _guarantors(st: _Setting, sides: _Sides) -> np.ndarray:
    """Step 5: the nuclear-armed states and nuclear guarantors of the defending side."""
    day, index, targets = st.day, sides.index, sides.targets
    armed = _armed(day)
    guarantor = np.array([s in armed for s in sides.states], dtype=bool)
    for t in sides.snap.treaties:
        for g in t.provisions.nuclear:
            if g.active(day) and g.guarantor in index and any(
                    t.member_on(x, day) for x in targets):
                guarantor[index[g.guarantor]] = True
    return guarantor


def _strikes(st: _Setting, sides: _Sides, forces: _Forces, has_allies: bool, notes: list[str]
             ) -> tuple[np.ndarray | None, np.ndarray | None]:
    """Step 6: per-state strike and strike-back probabilities (the reach models, unless
    the scenario states flat ones); a note when a non-state attacker strikes."""
    from foedus.crisis.history import reach_probability

    ch, al, states = st.scenario.challenger, st.scenario.allies, sides.states
    reach = st.crisis_fit["reach"]
    strike = strike_back = None
    if ch.strike_allies is None:
        if st.state_attackers:
            spared = np.ones(len(states))
            for a in st.state_attackers:
                spared *= 1 - reach_probability(reach["strike"],
                                                [forces.km(a, s) for s in states],
                                                forces.share.get(a, 0.0))
            strike = 1 - spared
        else:
            base = reach["strike"]["positives"] / max(reach["strike"]["n"], 1)
            strike = np.full(len(states), base)
            notes.append(f"a non-state attacker has no capital: it strikes a joining state "
                         f"with the record's base rate, {base:.2f}")
    if al.strike_back is None and has_allies:
        spared = np.ones(len(states))
        for a in st.state_attackers:
            spared *= 1 - reach_probability(reach["strike_back"],
                                            [forces.km(s, a) for s in states],
                                            [forces.share.get(s, 0.0) for s in states])
        strike_back = 1 - spared
    elif al.strike_back is not None:
        strike_back = np.full(len(states), al.strike_back)
    return strike, strike_back


def _attacker_capability(st: _Setting, forces: _Forces) -> tuple[float | None, str | None]:
    """The attacker's discounted capability, or None and the reason there is none."""
    ch = st.scenario.challenger
    if st.state_attackers and len(st.state_attackers) == len(st.attackers):
        return sum(forces.discounted(a) for a in st.state_attackers), None
    if ch.capability is not None and ch.value is not None:
        return ch.capability + sum(forces.discounted(a) for a in st.state_attackers), None
    missing = [f"challenger.{f}" for f in ("capability", "value") if getattr(ch, f) is None]
    return None, (f"a non-state attacker's capability and stakes are not in the data: give "
                  f"{' and '.join(missing)} in the scenario")


def _listed(rows: list[dict], logit: np.ndarray, shift: float) -> list[dict]:
    """The pledges as reported, with their mean probability over the model's draws.

    One pledge per row of ``logit.T``: each row is contiguous, so its elementwise
    logistic and its (pairwise) mean are computed as for the pledge's own column alone,
    bit for bit.
    """
    if not rows:
        return []
    z = np.ascontiguousarray(logit.T) + shift
    p = (1 / (1 + np.exp(-z))).mean(axis=1)
    keys = ("holder", "beneficiary", "treaty", "treaty_name", "obligation", "article",
            "consensus", "informal")
    return [{**{k: r[k] for k in keys}, "probability": float(p[j])}
            for j, r in enumerate(rows)]


def _assemble(st: _Setting, sides: _Sides, scores: _Scores) -> Compiled:
    """Steps 4–6 and the arrays of :class:`Compiled`."""
    from foedus.counterfactual.modifications import describe

    day, states, index = st.day, sides.states, sides.index
    armed = _armed(day)
    targets = set(sides.targets)
    rows = scores.edge_rows
    holder = np.array([index[r["holder"]] for r in rows], dtype=np.int64)
    beneficiary = np.array([index[r["beneficiary"]] for r in rows], dtype=np.int64)
    consensus = np.array([bool(r["consensus"]) for r in rows], dtype=bool)
    by_group: dict[tuple, list[int]] = {}  # (treaty, beneficiary) → the kept edges, in order
    for i, r in enumerate(rows):
        if consensus[i]:
            by_group.setdefault((r["treaty"], r["beneficiary"]), []).append(i)
    groups = [(index[x], np.asarray(by_group[t, x], dtype=np.int64))
              for t, x in sorted(by_group)]
    direct = np.zeros(len(states), dtype=bool)
    for h, x in zip(holder, beneficiary, strict=True):
        if states[x] in targets:
            direct[h] = True

    off_codes = [r["holder"] for r in sides.offense]
    ally_codes = [r["holder"] for r in scores.allies]
    codes = list(dict.fromkeys([*states, *st.state_attackers, *off_codes, *ally_codes]))
    forces = _Forces(st, sides, codes)
    capability = np.array([forces.discounted(s) * (1.0 if s in targets else forces.timely(s))
                           for s in states])
    notes = sides.notes
    strike, strike_back = _strikes(st, sides, forces, bool(scores.allies), notes)
    attacker_cap, reason = _attacker_capability(st, forces)
    shift = st.scenario.allies.credibility_shift
    pledges = _listed(scores.edge_rows, scores.edge_logit, shift)
    if not sides.edges:
        notes.append("no defence obligation is triggered by this attack")
    b = st.n_boot
    return Compiled(
        name=st.scenario.name, date=day, view=st.view.value,
        capability_measure=st.scenario.capability,
        states=np.asarray(states, dtype=np.int64), n_targets=sides.n_targets,
        attribution=np.array([next(a.attribution for a in st.attacks if a.target == t)
                              for t in sides.targets]),
        attackers=tuple(a if isinstance(a, int) else str(a) for a in st.attackers),
        edge_holder=holder, edge_beneficiary=beneficiary,
        edge_logit=scores.edge_logit.astype(np.float64), edge_consensus=consensus,
        consensus_groups=groups, direct=direct, capability=capability,
        guarantor=_guarantors(st, sides),
        neutral_holder=np.array([index[r["holder"]] for r in sides.neutral], dtype=np.int64),
        neutral_logit=scores.neutral_logit.astype(np.float64),
        offense_holder=np.array(off_codes, dtype=np.int64),
        offense_logit=scores.offense_logit,
        offense_capability=np.array([forces.discounted(c) for c in off_codes]),
        attacker_capability=attacker_cap, params=st.params,
        deterrence_reason=reason, flags=forces.flags, notes=notes, pledges=pledges,
        modifications=[describe(m) for m in st.resolved],
        strike=strike, strike_back=strike_back,
        offense_nuclear=np.array([c in armed for c in off_codes], dtype=bool),
        attacker_nuclear=any(a in armed for a in st.state_attackers),
        ally_holder=np.array(ally_codes, dtype=np.int64),
        ally_logit=scores.ally_logit.astype(np.float64).reshape(b, len(ally_codes)),
        ally_capability=np.array([forces.discounted(c) * forces.timely(c)
                                  for c in ally_codes]),
        ally_nuclear=np.array([c in armed for c in ally_codes], dtype=bool),
        ally_pledges=_listed(scores.allies, scores.ally_logit, shift),
        decision_draws=st.decision_draws)


def _defaults(system, fitted, crisis_fit: dict | None) -> bool:
    """Whether ``system``, ``fitted`` and ``crisis_fit`` are the defaults (None, the
    store's system itself, a credibility model that pickles to the shipped one's bytes,
    parameters equal to the shipped ones): only then may the compile cache be used."""
    import pickle

    from foedus.crisis import fitted as fitted_params
    from foedus.data.loaders import load_system

    if system is not None and system is not load_system():
        return False
    if crisis_fit is not None and crisis_fit != fitted_params.load():
        return False
    return fitted is None or pickle.dumps(fitted) == _shipped_model()


@cache
def _shipped_model() -> bytes:
    """The shipped credibility model, pickled (once per process)."""
    import pickle

    from foedus.credibility import load

    return pickle.dumps(load())


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off for the duration (restored as it was).

    A cold compile allocates some 10^5 objects that live on (the treaties it unpickles,
    the pledge rows, their facts) and leaves few cycles: the collector, triggered every
    700 allocations, traversed the growing heap about 300 times for nothing, 0.05-0.1 s
    CPU of a 0.6 s compile (issue 17, measured on Estonia 2024). Reference counting still
    frees everything that is not in a cycle; the next collection after the compile finds
    any cycle it left.
    """
    import gc

    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def compile_scenario(scenario: Scenario, attacks: list[ResolvedAttack], *, system=None,
                     fitted=None, crisis_fit: dict | None = None, cache: bool = True
                     ) -> Compiled:
    """Compile a validated scenario (see the module docstring).

    The steps: :func:`_setting` (defaults, modifications, parameters), :func:`_sides`
    (who could be drawn in: the obligations queries), :func:`_probabilities` (every pledge
    scored in one batch), :func:`_assemble` (capabilities, nuclear weapons, strikes, the
    arrays).

    Parameters
    ----------
    scenario, attacks
        A validated scenario and its resolved attacks
        (:func:`foedus.crisis.scenario.load_scenario`).
    system
        The commitment system (default: the store's, :func:`foedus.data.loaders.load_system`).
    fitted
        The credibility model (default: the shipped one).
    crisis_fit
        The engine's parameters (default: :func:`foedus.crisis.fitted.load`).
    cache
        With the default system, models and parameters (given as None, or equal to the
        defaults: :func:`_defaults`), read and write the compiled scenario in the compile
        cache (:mod:`foedus.crisis.compile_cache`), keyed by the scenario, foedus's code
        and shipped data, and the store's build: a new process answers a scenario it has
        compiled before without the obligations queries.

    Returns
    -------
    Compiled
    """
    key = None
    if cache and _defaults(system, fitted, crisis_fit):
        from foedus.crisis import compile_cache

        key = compile_cache.key(scenario, attacks)
        hit = compile_cache.read(key)
        if hit is not None:
            return hit
    from foedus.data.store import session

    with session(), _collector_paused():  # one store connection for every step's reads
        st = _setting(scenario, attacks, system, fitted, crisis_fit)
        sides = _sides(st)
        compiled = _assemble(st, sides, _probabilities(st, sides))
    if key is not None:
        compile_cache.write(key, compiled)
    return compiled
