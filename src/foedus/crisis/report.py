"""A simulation's answer as one JSON-ready object (DESIGN §7; schema ``docs/schemas/``)."""

from __future__ import annotations

import datetime as dt

from foedus.crisis.run import Result

__all__ = ["DATASETS", "answer", "state_key"]

#: Registry datasets a simulation reads (commitments, capabilities, capitals, the
#: credibility model's features).
DATASETS = ("atop_alliances", "atop_members", "atop_directed", "cow_system", "nmc_7",
            "capitals", "unga_idealpoints")


def _state(cow: int, day: dt.date):
    from foedus.data.identities import resolve_state

    return resolve_state(int(cow), on=day)


def state_key(cow: int, day: dt.date) -> str:
    """The map key of a state: ISO-3 where it exists, else ``cow:`` + the abbreviation."""
    return _state(cow, day).key


def _map(result: Result, counts, day: dt.date) -> tuple[dict, dict]:
    p, se = {}, {}
    for cow, (value, error) in result.by_state(counts).items():
        key = state_key(cow, day)
        p[key], se[key] = value, error
    return p, se


def answer(result: Result, *, as_of: dt.date, as_of_source: str, attacks,
           file: str | None = None) -> dict:
    """The ``foedus simulate --json`` object for a finished simulation."""
    from foedus.provenance import provenance

    c = result.compiled
    day = as_of
    p_det, p_det_se = result.p_deterred
    p_wid, p_wid_se = result.p_widens
    drawn, drawn_se = _map(result, result.tally.drawn_in, day)
    entrap, entrap_se = _map(result, result.tally.entrapped, day)
    side = {}
    for j, cow in enumerate(c.offense_holder):
        side[state_key(int(cow), day)] = result.tally.attacker_side[j] / result.tally.draws
    coalition = result.coalition()
    balance, balance_se = coalition.pop("balance_mean"), coalition.pop("balance_mean_se")
    carried = [f for f in c.flags if f.startswith("capabilities_carried_forward")]
    return {
        "scenario": {"name": c.name, "file": file, "date": c.date.isoformat()},
        "as_of": day.isoformat(), "as_of_source": as_of_source, "view": c.view,
        "draws": result.tally.draws, "seed": result.seed,
        "p_deterred": p_det, "p_deterred_se": p_det_se,
        "p_deterred_reason": c.deterrence_reason,
        "p_widens": p_wid, "p_widens_se": p_wid_se,
        "drawn_in": drawn, "drawn_in_se": drawn_se,
        "entrapment": entrap, "entrapment_se": entrap_se,
        "attacker_side": side,
        "coalition": coalition,
        "capability_balance": balance, "capability_balance_se": balance_se,
        "capability_measure": c.capability_measure,
        "attacks": [{"attacker": (_state(a.attacker, day).to_json()
                                  if isinstance(a.attacker, int)
                                  else {"nonstate": a.attacker.name}),
                     "target": _state(a.target, day).to_json(),
                     "attribution": a.attribution} for a in attacks],
        "pledges": [{"holder": _state(p["holder"], day).to_json(),
                     "beneficiary": _state(p["beneficiary"], day).to_json(),
                     "treaty": {"id": p["treaty"], "name": p["treaty_name"]},
                     "article": p["article"], "consensus": p["consensus"],
                     "probability": p["probability"]} for p in c.pledges],
        "parameters": c.params,
        "modifications": c.modifications,
        "flags": c.flags, "notes": c.notes,
        "provenance": provenance(list(DATASETS), view=c.view, as_of=day.isoformat(),
                                 carried_forward=bool(carried)),
    }
