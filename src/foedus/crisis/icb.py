r"""Immediate deterrence: the International Crisis Behavior crises as deterrence cases.

ICB (version 15 [1]_) records every international crisis 1918–2019 for each crisis actor:
the trigger that began its crisis (``triggr``), who triggered it (``trigent``), the day it
perceived the trigger, and the violence it experienced (``viol``: 1 none, 2 minor clashes,
3 serious clashes, 4 full-scale war). It codes neither a protector nor whether the
challenger attacked; the cases are derived by this rule (:func:`cases`):

- **a case** is a crisis actor (the *target*) whose crisis a single state (the
  *challenger*, ``trigent``) triggered by a non-violent act (:data:`NONVIOLENT`: a verbal,
  political or economic act, an external change, another non-violent act, or a
  non-violent military act such as a show of force or a mobilisation), on the day the
  target perceived it;
- **the challenger attacked** when the target then experienced serious clashes or war
  (``viol`` ≥ :data:`ATTACK_VIOL`);
- **left out, and counted**: crises triggered internally (``triggr`` 6 or ``trigent``
  995), by a non-state actor (996) or by several states at once (997); crises that began
  with violence (``triggr`` 8 or 9: the deterrence question was already answered); and
  actors or challengers that are not members of the state system on the day (after the
  explicit crosswalk from ICB's Gleditsch & Ward codes to COW's, :func:`cow_code`).

A **protector** is a state holding a written defence pledge to the target that the attack
triggers on the day (the engine's direct pledges: :attr:`Compiled.pledges`).

Each case is played out by the engine — the attack of the challenger on the target on the
day, in the legal view — and its world (:class:`foedus.crisis.decision.WorldMoments`)
cached; the decision parameters are fitted to the attacks by maximum a posteriori with
the priors of :data:`foedus.crisis.fitted.PRIORS` (:mod:`foedus.crisis.fit`).

References
----------
.. [1] Brecher, Michael, Jonathan Wilkenfeld, Kyle Beardsley, Patrick James, and David
   Quinn. 2023. *International Crisis Behavior Data Codebook*, Version 15.
   http://sites.duke.edu/icbdata/data-collections/
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from foedus.crisis.decision import WorldMoments

__all__ = ["ATTACK_VIOL", "GRID", "NONVIOLENT", "cases", "cow_code", "moments_of", "worlds"]

#: ICB trigger types that are no violence against the crisis actor.
NONVIOLENT = {1: "verbal act", 2: "political act", 3: "economic act", 4: "external change",
              5: "other non-violent act", 7: "non-violent military act"}
#: The violence experienced by the target from which the challenger counts as attacking.
ATTACK_VIOL = 3
#: The join probabilities of informal commitments at which the cases that have one are
#: played again (the informal model's update, :func:`foedus.crisis.fit.update_informal`).
GRID = (0.01, 0.05, 0.1, 0.2, 0.3, 0.45, 0.6, 0.8, 0.95)

_UNIFIED_GERMANY = dt.date(1990, 10, 3)
_UNIFIED_YEMEN = dt.date(1990, 5, 22)


def cow_code(gw: int, day: dt.date) -> int:
    """The COW code of an ICB (Gleditsch & Ward) actor code on ``day``: GW 260 is unified
    Germany after 3 October 1990 (COW 255), GW 340 Serbia (COW 345), GW 678 unified Yemen
    after 22 May 1990 (COW 679); every other code is COW's."""
    if gw == 260 and day >= _UNIFIED_GERMANY:
        return 255
    if gw == 340:
        return 345
    if gw == 678 and day >= _UNIFIED_YEMEN:
        return 679
    return gw


def cases() -> tuple[pd.DataFrame, dict[str, int]]:
    """The immediate-deterrence cases of the module docstring, and the actor rows left out
    by reason.

    Returns
    -------
    (pandas.DataFrame, dict)
        One row per case: ``case`` (``icb:<crisno>:<cracno>``), ``crisis``, ``name``,
        ``challenger`` and ``target`` (COW codes), ``date``, ``year``, ``trigger`` (the
        ICB trigger type), ``viol``, ``attacked``; and the counts of the rows left out.
    """
    from foedus.data.identities import resolve_state
    from foedus.data.store import connect
    from foedus.errors import UnknownStateError

    with connect() as con:
        rows = con.execute(
            "SELECT crisno, cracno, crisname, cracid, trigent, triggr, trigger_date, viol "
            "FROM icb_actors ORDER BY crisno, cracno").df()
    left: Counter[str] = Counter()
    out = []
    for r in rows.itertuples(index=False):
        day = pd.Timestamp(r.trigger_date).date()
        if r.triggr == 6 or r.trigent == 995:
            left["internal trigger"] += 1
        elif r.trigent == 996:
            left["non-state trigger"] += 1
        elif r.trigent == 997:
            left["several states triggered it"] += 1
        elif r.triggr in (8, 9):
            left["violent trigger"] += 1
        elif r.triggr not in NONVIOLENT:
            left["trigger not coded"] += 1
        else:
            challenger, target = cow_code(int(r.trigent), day), cow_code(int(r.cracid), day)
            try:
                resolve_state(challenger, on=day)
                resolve_state(target, on=day)
            except UnknownStateError:
                left["not a system member on the day"] += 1
                continue
            if challenger == target:
                left["challenger is the actor"] += 1
                continue
            out.append({"case": f"icb:{r.crisno}:{r.cracno}", "crisis": int(r.crisno),
                        "name": str(r.crisname).strip(), "challenger": challenger,
                        "target": target, "date": day, "year": day.year,
                        "trigger": int(r.triggr), "viol": int(r.viol),
                        "attacked": int(r.viol) >= ATTACK_VIOL})
    return pd.DataFrame(out), dict(left)


def moments_of(row: dict) -> WorldMoments:
    """The world moments stored in a row of :func:`worlds` (or a grid point of it)."""
    return WorldMoments(int(row["n"]), float(row["sum_x"]), float(row["sum_xx"]),
                        float(row["sum_ax"]), np.asarray(row["count_k"], dtype=np.int64),
                        np.asarray(row["x_k"], dtype=float),
                        np.asarray(row["a_k"], dtype=np.int64))


def _moments_dict(w: WorldMoments) -> dict:
    return {"n": w.n, "sum_x": w.sum_x, "sum_xx": w.sum_xx, "sum_ax": w.sum_ax,
            "count_k": w.count_k.tolist(), "x_k": w.x_k.tolist(), "a_k": w.a_k.tolist()}


def _with_informal(compiled, p: float):
    """``compiled`` with every informal commitment's probability set to ``p``."""
    import dataclasses

    logit = float(np.log(p / (1 - p)))
    edges = compiled.edge_logit.copy()
    for j, pledge in enumerate(compiled.pledges):
        if pledge.get("informal"):
            edges[:, j] = logit
    allies = compiled.ally_logit.copy()
    for j, pledge in enumerate(compiled.ally_pledges):
        if pledge.get("informal"):
            allies[:, j] = logit
    return dataclasses.replace(compiled, edge_logit=edges, ally_logit=allies)


def world(case: dict, *, system, fitted, crisis_fit: dict, draws: int, seed: int) -> dict:
    """Play one case out (module docstring): its world moments, protectors and the
    capability ratio; the informal commitments' grid when it has any."""
    from foedus.crisis.compile import compile_scenario
    from foedus.crisis.run import run
    from foedus.crisis.scenario import Attack, ResolvedAttack, Scenario

    scenario = Scenario(name=case["name"], date=case["date"], draws=draws, seed=seed,
                        attack=(Attack(attacker=case["challenger"], target=case["target"]),))
    attacks = [ResolvedAttack(case["challenger"], case["target"], None, None, None, 1.0,
                              False)]
    compiled = compile_scenario(scenario, attacks, system=system, fitted=fitted,
                                crisis_fit=crisis_fit)
    result = run(compiled, draws=draws, seed=seed, executor="serial")
    target = case["target"]
    direct = [p for p in compiled.pledges if p["beneficiary"] == target]
    cap_a = compiled.attacker_capability or 0.0
    cap_t = float(compiled.capability[0])
    out = {**_moments_dict(result.tally.world),
           "protectors": sorted({int(p["holder"]) for p in direct if not p["informal"]}),
           "informal": sorted({int(p["holder"]) for p in direct if p["informal"]}),
           "pledges": len(compiled.pledges), "states": int(compiled.n_states),
           "attacker_allies": len(compiled.ally_holder),
           "attacker_nuclear": bool(compiled.attacker_nuclear),
           "target_nuclear": bool(compiled.guarantor[0]),
           "capability_ratio": cap_a / (cap_a + cap_t) if cap_a + cap_t > 0 else 0.5,
           "drawn_in_if_war": {str(int(s)): float(c) / draws for s, c in zip(
               compiled.states[1:], result.tally.drawn_in[1:], strict=True) if c},
           "grid": None}
    if any(p.get("informal") for p in [*compiled.pledges, *compiled.ally_pledges]):
        out["grid"] = [_moments_dict(run(_with_informal(compiled, p), draws=draws,
                                         seed=seed, executor="serial").tally.world)
                       for p in GRID]
    return out


def _key(frame: pd.DataFrame, draws: int, seed: int, crisis_fit: dict, fitted) -> str:
    """The cache key: the cases, the draws, the engine and everything its worlds read."""
    from dataclasses import asdict

    from foedus.crisis.fitted import WORLDS_VERSION
    from foedus.provenance import provenance

    inf = crisis_fit.get("informal") or {}
    world_parts = {"reach": crisis_fit.get("reach"),
                   "informal": [inf.get("alpha"), inf.get("beta")]}
    blob = json.dumps({"cases": frame["case"].tolist(), "draws": draws, "seed": seed,
                       "engine": WORLDS_VERSION, "world": world_parts,
                       "credibility": asdict(fitted) if hasattr(fitted, "__dataclass_fields__")
                       else str(fitted),
                       "data": provenance(["atop_alliances", "atop_members", "nmc_7",
                                           "capitals", "icb_actors", "cow_wars"])},
                      sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def _record_only(crisis_fit: dict) -> dict:
    """The parameters with the informal commitments' join probability of their join
    record alone: the fit updates it with these very cases (:func:`foedus.crisis.fit.
    update_informal`), so the cases are played before the update, by the fit and by the
    validation alike."""
    inf = crisis_fit.get("informal") or {}
    if "record_alpha" not in inf:
        return crisis_fit
    return {**crisis_fit, "informal": {"alpha": inf["record_alpha"],
                                       "beta": inf["record_beta"],
                                       "mean": inf["record_mean"]}}


_WORKER: dict = {}


def _init_worker(crisis_fit: dict, draws: int, seed: int) -> None:
    from foedus.credibility import load
    from foedus.data.loaders import load_system

    _WORKER.update(system=load_system(), fitted=load(), crisis_fit=crisis_fit,
                   draws=draws, seed=seed)


def _play(case: dict, *, system, fitted, crisis_fit: dict, draws: int, seed: int) -> dict:
    """One case's row (:func:`worlds`)."""
    start = time.perf_counter()
    try:
        found = world(case, system=system, fitted=fitted, crisis_fit=crisis_fit,
                      draws=draws, seed=seed + case["crisis"])
        error = None
    except Exception as exc:  # one bad case never stops the fit; it is reported
        found, error = {}, f"{type(exc).__name__}: {str(exc).splitlines()[0][:160]}"
    return {**case, "date": case["date"].isoformat(), **found, "error": error,
            "seconds": time.perf_counter() - start}


def _play_in_worker(case: dict) -> dict:
    return _play(case, **_WORKER)


def worlds(frame: pd.DataFrame, *, draws: int = 16_384, seed: int = 0,
           crisis_fit: dict | None = None, fitted=None, system=None,
           cache: Path | None = None, workers: int = 1,
           progress: Callable[[int, int, str], None] | None = None) -> pd.DataFrame:
    """Every case of ``frame`` played out (:func:`world`), one row per case with its
    columns and the world's; a case that cannot be compiled is kept with its ``error``.
    With ``cache`` (a folder), the rows are read from and written to a JSON file keyed by
    everything they depend on. ``workers`` > 1 plays the cases in that many processes
    (each case has its own seed, so the rows do not depend on how they are split; a
    ``fitted`` or ``system`` passed in is used only by the serial path: the processes
    load the shipped ones)."""
    from foedus.credibility import load
    from foedus.crisis import fitted as fitted_params
    from foedus.data.loaders import load_system

    crisis_fit = _record_only(crisis_fit or fitted_params.load())
    fitted = fitted or load()
    path = None
    if cache is not None:
        path = Path(cache) / f"icb-worlds-{_key(frame, draws, seed, crisis_fit, fitted)}.json"
        if path.exists():
            return pd.DataFrame(json.loads(path.read_text("utf-8")))
    records = frame.to_dict("records")
    rows = []
    if workers > 1 and len(records) > 1:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(min(workers, len(records)), mp_context=context,
                                 initializer=_init_worker,
                                 initargs=(crisis_fit, draws, seed)) as pool:
            for i, row in enumerate(pool.map(_play_in_worker, records)):
                rows.append(row)
                if progress:
                    progress(i + 1, len(records), row["name"])
    else:
        system = system or load_system()
        for i, case in enumerate(records):
            rows.append(_play(case, system=system, fitted=fitted, crisis_fit=crisis_fit,
                              draws=draws, seed=seed))
            if progress:
                progress(i + 1, len(records), case["name"])
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(rows, default=str), "utf-8")
        tmp.replace(path)
    return pd.DataFrame(rows)
