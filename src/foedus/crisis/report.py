"""A simulation's answer as one JSON-ready object (DESIGN §7; schema ``docs/schemas/``)."""

from __future__ import annotations

import datetime as dt

from foedus.crisis.run import Result

__all__ = ["DATASETS", "answer", "shipped_evidence", "state_key", "sweep_answer"]

#: Registry datasets a simulation reads (commitments, capabilities, capitals, the
#: credibility model's features).
DATASETS = ("atop_alliances", "atop_members", "atop_directed", "cow_system", "nmc_7",
            "capitals", "unga_idealpoints", "cow_wars", "dyadic_war")



def carried_records(flags: list[str]) -> list[dict] | None:
    """The provenance's ``carried_forward`` records (:class:`foedus.provenance.
    CarriedForward`) of the ``capabilities_carried_forward`` flags: the dataset whose
    last year was carried past its end, its last day and the flag; None when there is
    none."""
    from foedus.registry import dataset

    out = []
    for flag in flags:
        if not flag.startswith("capabilities_carried_forward"):
            continue
        name = "sipri_milex" if "SIPRI" in flag else "nmc_7"
        last = dataset(name).last_day
        if last is None:
            continue
        out.append({"dataset": name, "last_day": last.isoformat(),
                    "what": flag.split(": ", 1)[-1]})
    return out or None

def shipped_evidence():
    """The engine's out-of-sample evidence (:func:`foedus.crisis.evidence.evidence`) from
    the shipped validation record, and None with the reason when it cannot be read."""
    from foedus.crisis.evidence import evidence
    from foedus.errors import FoedusError

    try:
        return evidence(), None
    except FoedusError as exc:
        return None, f"evidence: none ({exc})"


def _state(cow: int, day: dt.date):
    from foedus.data.identities import resolve_state

    return resolve_state(int(cow), on=day)


def state_key(cow: int, day: dt.date) -> str:
    """The map key of a state: ISO-3 where it exists, else ``cow:`` + the abbreviation."""
    return _state(cow, day).key


def _map(result: Result, counts, day: dt.date, *, given_war: bool = False
         ) -> tuple[dict, dict]:
    p, se = {}, {}
    for cow, (value, error) in result.by_state(counts).items():
        key = state_key(cow, day)
        p[key], se[key] = (value, error) if given_war else result.unconditional(value, error)
    return p, se


def _side(result: Result, codes, counts, day: dt.date, *, given_war: bool) -> dict:
    """P(each holder fights on the attacker's side), the largest of its pledges'."""
    out: dict[str, float] = {}
    n = result.tally.draws
    for cow, count in zip(codes, counts, strict=True):
        p = count / n
        if not given_war:
            p = result.unconditional(p, 0.0)[0]
        key = state_key(int(cow), day)
        out[key] = max(out.get(key, 0.0), float(p))
    return out


def _state_json(cow: int, day: dt.date, memo: dict[int, dict]) -> dict:
    """``_state(cow, day).to_json()``, each state resolved once per answer (``memo``); a
    new dict each time, as before (a caller may change one pledge's without the others')."""
    held = memo.get(cow)
    if held is None:
        held = memo[cow] = _state(cow, day).to_json()
    return dict(held)


def _pledge(p: dict, day: dt.date, memo: dict[int, dict]) -> dict:
    return {"holder": _state_json(p["holder"], day, memo),
            "beneficiary": _state_json(p["beneficiary"], day, memo),
            "treaty": {"id": p["treaty"], "name": p["treaty_name"]},
            "article": p["article"], "consensus": p["consensus"],
            "informal": bool(p.get("informal", False)), "probability": p["probability"]}


def answer(result: Result, *, as_of: dt.date, as_of_source: str, attacks,
           file: str | None = None) -> dict:
    """The ``foedus simulate --json`` object for a finished simulation.

    Probabilities of what happens in the war (``drawn_in``, ``entrapment``, ``p_widens``,
    ``attacker_side``) are ex ante: Pr(attack) × Pr(… | war); their ``*_if_war``
    companions are given the war. Without a verdict (a non-state attacker without a
    capability) they are given the attack.
    """
    from foedus.crisis.fitted import ENGINE_VERSION
    from foedus.provenance import provenance

    c = result.compiled
    day = as_of
    d = result.decision
    p_det, p_det_se = result.p_deterred
    p_att, p_att_se = result.p_attack
    wid, wid_se = result.p_widens
    p_wid, p_wid_se = result.unconditional(wid, wid_se)
    drawn, drawn_se = _map(result, result.tally.drawn_in, day)
    drawn_w, drawn_w_se = _map(result, result.tally.drawn_in, day, given_war=True)
    entrap, entrap_se = _map(result, result.tally.entrapped, day)
    entrap_w, entrap_w_se = _map(result, result.tally.entrapped, day, given_war=True)
    coalition = result.coalition()
    balance, balance_se = coalition.pop("balance_mean"), coalition.pop("balance_mean_se")
    carried = [f for f in c.flags if f.startswith("capabilities_carried_forward")]
    notes = list(c.notes)
    if d is None:
        notes.append("no verdict: the probabilities of who is drawn in are given the attack")
    found, why = shipped_evidence()
    notes += found.notes if found is not None else [why]
    params = {k: v for k, v in c.params.items() if k != "stated"}
    params["engine_version"] = ENGINE_VERSION
    states: dict[int, dict] = {}  # the pledges' states, each resolved once
    return {
        "scenario": {"name": c.name, "file": file, "date": c.date.isoformat()},
        "as_of": day.isoformat(), "as_of_source": as_of_source, "view": c.view,
        "draws": result.tally.draws, "seed": result.seed,
        "p_deterred": p_det, "p_deterred_se": p_det_se,
        "p_deterred_interval": None if d is None else [1 - d.interval[1], 1 - d.interval[0]],
        "p_deterred_reason": c.deterrence_reason,
        "p_attack": p_att, "p_attack_se": p_att_se,
        "world": None if d is None else {"win_margin": d.x, "nuclear_risk": d.pi,
                                         "attacker_nuclear": d.a, "nuclear_risk_own": d.own},
        "p_widens": p_wid, "p_widens_se": p_wid_se,
        "p_widens_if_war": wid, "p_widens_if_war_se": wid_se,
        "drawn_in": drawn, "drawn_in_se": drawn_se,
        "drawn_in_if_war": drawn_w, "drawn_in_if_war_se": drawn_w_se,
        "entrapment": entrap, "entrapment_se": entrap_se,
        "entrapment_if_war": entrap_w, "entrapment_if_war_se": entrap_w_se,
        "attacker_side": _side(result, c.offense_holder, result.tally.attacker_side, day,
                               given_war=False),
        "attacker_allies_if_war": _side(result, c.ally_holder, result.tally.allies_side,
                                        day, given_war=True),
        "p_struck_back_if_war": result.tally.struck_back / result.tally.draws,
        "coalition": coalition,
        "capability_balance": balance, "capability_balance_se": balance_se,
        "capability_measure": c.capability_measure,
        "attacks": [{"attacker": (_state(a.attacker, day).to_json()
                                  if isinstance(a.attacker, int)
                                  else {"nonstate": a.attacker.name}),
                     "target": _state(a.target, day).to_json(),
                     "attribution": a.attribution} for a in attacks],
        "pledges": [_pledge(p, day, states) for p in c.pledges],
        "attacker_pledges": [_pledge(p, day, states) for p in c.ally_pledges],
        "parameters": params,
        "modifications": c.modifications,
        "flags": c.flags, "notes": notes,
        "evidence": None if found is None else found.to_json(),
        "provenance": provenance(list(DATASETS), view=c.view, as_of=day.isoformat(),
                                 carried_forward=carried_records(carried),
                                 engine_version=ENGINE_VERSION),
    }


def sweep_answer(scenario, path, grid: dict, results: list, *, draws: int,
                 seed: int) -> dict:
    """The ``foedus sweep --json`` object (the web app's sweep runs return the same): per
    grid point P(deterred), P(widens) and the coalition's mean size, each with its Monte
    Carlo standard error, from :func:`foedus.crisis.sweep.sweep`'s ``(point, Result)``
    pairs."""
    from foedus.provenance import provenance

    rows = []
    for point, res in results:
        p, se = res.p_deterred
        w, wse = res.p_widens
        co = res.coalition()
        rows.append({"parameters": point, "p_deterred": p, "p_deterred_se": se,
                     "p_deterred_reason": res.compiled.deterrence_reason,
                     "p_widens": w, "p_widens_se": wse,
                     "coalition_size_mean": co["size_mean"],
                     "coalition_size_mean_se": co["size_mean_se"]})
    day = scenario.date.isoformat()
    return {"scenario": {"name": scenario.name, "file": str(path), "date": day},
            "as_of": day, "grid": grid, "draws": draws, "seed": seed, "points": rows,
            "provenance": provenance(list(DATASETS), view=scenario.view.value, as_of=day)}
