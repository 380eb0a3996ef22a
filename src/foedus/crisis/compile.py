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
3. **Probabilities.** Every pledge is scored by the credibility model
   (:func:`foedus.credibility.log_odds_draws`): one log-odds per bootstrap draw of the
   coefficients, so each Monte Carlo draw can use its own coefficients. Several pledges of
   one state to the same partner (NATO Art. 5 and TEU Art. 42(7)) count as the strongest.
4. **Capabilities.** CINC (NMC 7.0) or military expenditure (SIPRI, constant US$, as a share
   of the year's world total), the latest year on or before the scenario's (years past the
   data are carried forward and flagged), discounted to the first target's capital by the
   loss-of-strength gradient (:func:`foedus.measures.burden.loss_of_strength`, Bueno de
   Mesquita 1981), and, for allies, by arrival time:

   .. math:: t_i = f_i + (1 - f_i)\min\bigl(1, T / a_i\bigr)

   with *T* the attacker's days to its objective, :math:`f_i` the share of the ally's
   military personnel (NMC ``milper``) stationed forward in the target (present at once;
   the book's forward forces, shared equally by the lead and contributors), and
   :math:`a_i` its arrival in days: mobilisation days plus capital-to-capital kilometres
   over km per day, or the reinforcement timeline the treaty records for that host where
   that is sooner (a plan is a ceiling, not a delay).
5. **Nuclear guarantors.** A state that extends a nuclear guarantee (book provisions) under
   a treaty the target belongs to, or a nuclear-armed target itself
   (``data/tables/nuclear_states.csv``).
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


@dataclass
class Compiled:
    """A scenario ready for the draws: plain arrays, picklable, no data access needed.

    States are indexed ``0 … n-1``; the original targets come first (``n_targets``).
    Edges are defence pledges ``holder → beneficiary`` with their log-odds per bootstrap
    draw (``edge_logit``, shape (B, E)); consensus edges are listed apart
    (``consensus_groups``: beneficiary index and edge indices).
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

    @property
    def n_states(self) -> int:
        return len(self.states)


def _event_args(a: ResolvedAttack) -> dict:
    return {"place": a.place, "hit": a.hit, "domain": a.domain, "provoked": a.provoked}


def _closure(system, scenario: Scenario, attacks: list[ResolvedAttack], view: View):
    """Defence edges from the targets outward, and the states they reach."""
    from foedus.model.places import Gazetteer, UnknownPlaceError
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
    gazetteer = Gazetteer.default()
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
                          "consensus": b.obligation.decision is Decision.CONSENSUS})
            if b.state not in seen:
                seen.add(b.state)
                order.append(b.state)
                queue.append((b.state, None))
        if scenario.allies.unrecorded_conditions:
            for h, treaty, o in _unrecorded(answer, state, day, state_attackers):
                edges.append({"holder": h, "beneficiary": state, "treaty": treaty.id,
                              "treaty_name": treaty.name, "obligation": o.id,
                              "article": str(o.article),
                              "consensus": o.decision is Decision.CONSENSUS})
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
            shape_b: int, shifts=()) -> np.ndarray:
    """Log-odds of each pledge per bootstrap draw, with the counterfactual shifts added."""
    from foedus.counterfactual.shifts import pledge_shifts
    from foedus.credibility import log_odds_draws, pledge_features

    if not rows:
        return np.zeros((shape_b, 0))
    frame = pd.DataFrame([{"ally": r["holder"], "target": r["beneficiary"], "kind": kind,
                           "treaty": r["treaty"], "obligation": r["obligation"], "date": day,
                           "attackers": tuple(a for a in state_attackers
                                              if a != r["beneficiary"])} for r in rows])
    return log_odds_draws(fitted, pledge_features(frame, system)) + pledge_shifts(
        shifts, frame["ally"], frame["target"], frame["treaty"])


_NMC_COMPONENTS = ("milex", "milper", "irst", "pec", "tpop", "upop")


def _cinc_scaled(con, year: int, scale: dict[int, float]) -> pd.DataFrame:
    """CINC of every state in ``year`` with the military expenditure of some multiplied.

    CINC is the mean of a state's shares of the system totals of the six NMC components
    that are available for it (Singer, Bremer & Stuckey 1972; NMC 7.0 codebook); scaling
    one state's expenditure moves every state's expenditure share, so all are recomputed
    (with no scaling this reproduces the published column to 1e-8).
    """
    frame = con.execute("SELECT * FROM capabilities WHERE nmc_version = '7.0' AND year = ?",
                        [year]).df()
    factor = frame["ccode"].map(scale).fillna(1.0)
    frame["milex"] = frame["milex"] * factor
    parts = frame[list(_NMC_COMPONENTS)]
    return frame.assign(cinc=(parts / parts.sum()).mean(axis=1, skipna=True))


def _capabilities(codes: list[int], year: int, measure: str,
                  scale: dict[int, float] | None = None) -> tuple[dict, dict, list[str]]:
    """Capability share and military personnel (thousands) per state, carried forward.

    ``scale`` multiplies states' military expenditure (a counterfactual ``spending``
    modification): SIPRI expenditure before the shares of the world total are taken, or
    NMC's ``milex`` component before CINC is recomputed (:func:`_cinc_scaled`).
    """
    from foedus.data.store import connect

    scale = scale or {}
    with connect() as con:
        nmc = con.execute(
            "SELECT ccode, year, cinc, milper FROM capabilities WHERE nmc_version = '7.0' "
            "AND year <= ? AND ccode IN (SELECT unnest(?))", [year, codes]).df()
        last = nmc.dropna(subset=["cinc"]).sort_values("year").groupby("ccode").last()
        if measure == "spending":
            sipri = con.execute(
                "SELECT ccode, year, milex_constant2023_usd_m AS milex FROM spending_sipri "
                "WHERE milex_constant2023_usd_m IS NOT NULL AND year <= ?", [year]).df()
            sipri["milex"] = sipri["milex"] * sipri["ccode"].map(scale).fillna(1.0)
        elif scale:
            for y in last["year"].unique():
                frame = _cinc_scaled(con, int(y), scale).set_index("ccode")["cinc"]
                at = last.index[last["year"] == y]
                last.loc[at, "cinc"] = frame.reindex(at).to_numpy()
    flags: list[str] = []
    if measure == "cinc":
        share = last["cinc"].to_dict()
        used = last["year"]
        source = "NMC 7.0 CINC"
    else:
        world = sipri.groupby("year")["milex"].sum()
        sipri = sipri.assign(share=sipri["milex"] / sipri["year"].map(world))
        last = sipri[sipri["ccode"].isin(codes)].sort_values("year").groupby("ccode").last()
        share = last["share"].to_dict()
        used = last["year"]
        source = "SIPRI military expenditure share"
    carried = sorted({int(y) for y in used if y < year})
    if carried:
        flags.append(f"capabilities_carried_forward: {source} ends before {year}; the latest "
                     f"year on record is used ({', '.join(map(str, carried))})")
    missing = [c for c in codes if c not in share]
    if missing:
        flags.append(f"capability_missing: no {source} for "
                     f"{', '.join(f'cow:{c}' for c in missing)} (counted as 0)")
    milper = nmc.dropna(subset=["milper"]).sort_values("year").groupby("ccode").last()
    return share, milper["milper"].to_dict(), flags


def _capitals(codes: list[int], year: int) -> dict[int, tuple[float, float]]:
    from foedus.panels.geography import capitals_by_year

    caps = capitals_by_year(pd.DataFrame({"ccode": codes, "year": year}))
    return {int(r.ccode): (r.lat, r.lon) for r in caps.itertuples()}


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


def latest_burden(codes: list[int], year: int) -> dict[int, tuple[int, float]]:
    """Each state's last SIPRI military burden (percent of GDP) on or before ``year``."""
    from foedus.data.store import connect

    if not codes:
        return {}
    with connect() as con:
        rows = con.execute(
            "SELECT ccode, arg_max(year, year), arg_max(milex_share_gdp_pct, year) "
            "FROM spending_sipri WHERE milex_share_gdp_pct IS NOT NULL AND year <= ? "
            "AND ccode IN (SELECT unnest(?)) GROUP BY ccode", [year, codes]).fetchall()
    return {int(c): (int(y), float(p)) for c, y, p in rows}


def spending_plan(resolved, system, day: dt.date
                  ) -> tuple[dict[int, float], dict[int, tuple[int, float]], list[int]]:
    """What the ``spending`` modifications do on ``day``: each state's expenditure factor
    (:func:`foedus.counterfactual.modifications.spending_scale`), the SIPRI burdens it
    rests on (:func:`latest_burden`), and the states named that have none (left as
    observed)."""
    from foedus.counterfactual.modifications import spending_scale, spending_states

    named = spending_states(resolved, system, day)
    burden = latest_burden(named, day.year)
    scale = spending_scale(resolved, system, day, burden)
    return scale, burden, [c for c in named if c not in scale]


def compile_scenario(scenario: Scenario, attacks: list[ResolvedAttack], *, system=None,
                     fitted=None) -> Compiled:
    """Compile a validated scenario (see the module docstring)."""
    from foedus.counterfactual.modifications import (
        credibility_shifts,
        describe,
    )
    from foedus.credibility import load
    from foedus.credibility.features import _nuclear
    from foedus.measures.burden import loss_of_strength
    from foedus.measures.distance import haversine_km
    from foedus.model.system import CommitmentSystem

    system = system or CommitmentSystem.load()
    fitted = fitted or load()
    day, view = scenario.date, View(scenario.view)
    system, resolved = modified_system(scenario, system)
    shifts = credibility_shifts(resolved)
    ch, al = scenario.challenger, scenario.allies
    attackers = tuple(dict.fromkeys(a.attacker for a in attacks))
    state_attackers = tuple(a for a in attackers if isinstance(a, int))
    states, edges, notes = _closure(system, scenario, attacks, view)
    snap, offense, neutral = _attacker_side(system, day, attackers, view)
    n_targets = len(dict.fromkeys(a.target for a in attacks))
    index = {s: i for i, s in enumerate(states)}
    b = len(fitted.draws)

    # one probability per (holder, beneficiary): the strongest of its pledges (see module doc)
    logit = _logits(fitted, system, edges, "defense", day, state_attackers, b, shifts)
    frame = pd.DataFrame(edges)
    keep: list[int] = []
    if edges:
        frame["mean_logit"] = logit.mean(axis=0)
        frame["_i"] = np.arange(len(frame))
        best = frame.sort_values("mean_logit", ascending=False).drop_duplicates(
            ["holder", "beneficiary", "consensus"])
        keep = sorted(best["_i"].tolist())
    frame = frame.iloc[keep] if edges else frame
    logit = logit[:, keep]
    holder = np.array([index[h] for h in frame.get("holder", [])], dtype=np.int64)
    beneficiary = np.array([index[x] for x in frame.get("beneficiary", [])], dtype=np.int64)
    consensus = frame["consensus"].to_numpy(dtype=bool) if edges else np.zeros(0, bool)
    groups = []
    if consensus.any():
        for (_, x), idx in frame.reset_index(drop=True)[consensus].groupby(
                ["treaty", "beneficiary"]).groups.items():
            groups.append((index[x], np.asarray(idx, dtype=np.int64)))
    targets = set(states[:n_targets])
    direct = np.zeros(len(states), dtype=bool)
    for h, x in zip(holder, beneficiary, strict=True):
        if states[x] in targets:
            direct[h] = True

    # the attacker's side
    neutral = [r for r in neutral if r["holder"] in index]
    neutral_logit = _logits(fitted, system, neutral, "neutrality", day, (), b, shifts)
    neutral_holder = np.array([index[r["holder"]] for r in neutral], dtype=np.int64)
    off_logit = _logits(fitted, system, offense, "offense", day, (), b, shifts)
    off_codes = [r["holder"] for r in offense]

    # capabilities, distances, arrival
    codes = list(dict.fromkeys([*states, *state_attackers, *off_codes]))
    scale, _, unset = spending_plan(resolved, system, day)
    share, milper, flags = _capabilities(codes, day.year, scenario.capability, scale)
    if unset:
        flags.append("spending_unset: no SIPRI burden on record for "
                     f"{', '.join(f'cow:{c}' for c in unset)}: spending left as observed")
    capitals = _capitals(codes, day.year)
    theatre = states[0]

    def km(code: int) -> float:
        a, t = capitals.get(code), capitals.get(theatre)
        if a is None or t is None:
            return 0.0
        return float(haversine_km(a[0], a[1], t[0], t[1]))

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
    treaty_of = {}
    for r in edges:
        treaty_of.setdefault(r["holder"], set()).add(r["treaty"])
    capability = np.zeros(len(states))
    for i, s in enumerate(states):
        if s in targets:
            capability[i] = discounted(s)
            continue
        days = [reinforcement[t] for t in treaty_of.get(s, ()) if t in reinforcement]
        arrival = min([*days, al.mobilisation_days + km(s) / al.km_per_day])
        per = milper.get(s)
        f = min(1.0, forward.get(s, 0.0) / (per * 1000)) if per else 0.0
        timely = f + (1 - f) * min(1.0, ch.days_to_objective / arrival) if arrival > 0 else 1.0
        capability[i] = discounted(s) * timely

    guarantor = np.zeros(len(states), dtype=bool)
    for t in snap.treaties:
        for g in t.provisions.nuclear:
            if g.active(day) and g.guarantor in index and any(
                    t.member_on(x, day) for x in targets):
                guarantor[index[g.guarantor]] = True
    for x in targets:
        if _nuclear(x, day):
            guarantor[index[x]] = True

    reason = None
    missing = [f"challenger.{f}" for f in ("capability", "value")
               if f not in ch.model_fields_set]
    if state_attackers and len(state_attackers) == len(attackers):
        attacker_cap = sum(discounted(a) for a in state_attackers)
    elif not missing:
        attacker_cap = ch.capability + sum(discounted(a) for a in state_attackers)
    else:
        attacker_cap = None
        reason = (f"a non-state attacker's capability and stakes are not in the data: give "
                  f"{' and '.join(missing)} in the scenario")

    pledges = [{**{k: r[k] for k in ("holder", "beneficiary", "treaty", "treaty_name",
                                     "obligation", "article", "consensus")},
                "probability": float(np.mean(1 / (1 + np.exp(-(logit[:, j]
                                                               + al.credibility_shift)))))}
               for j, r in enumerate(frame.to_dict("records"))] if edges else []
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
        attacker_capability=attacker_cap,
        params={"value": ch.value, "cost_tolerance": ch.cost_tolerance,
                "war_cost": ch.war_cost, "nuclear_cost": ch.nuclear_cost,
                "days_to_objective": ch.days_to_objective,
                "strike_allies": ch.strike_allies, "solidarity": al.solidarity,
                "credibility_shift": al.credibility_shift,
                "nuclear_escalation": al.nuclear_escalation},
        deterrence_reason=reason, flags=flags, notes=notes, pledges=pledges,
        modifications=[describe(m) for m in resolved])

