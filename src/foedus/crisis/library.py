"""The case library: every scenario of a folder run alike, one row per case, and the
sensitivity of each case to the parameters users argue about.

A case that names a ``base`` (a counterfactual of another case) also gets its difference
from the base run with the same seed (common random numbers), when both have the same
attack event.

**Sensitivity** (:data:`SENSITIVITY`): three one-dimensional sweeps per case, each around
the file's own values — the challenger's stakes (the value range scaled by 0.5, 1, 2 and
4), a credibility shift of every pledge (−2 … +2 log-odds), and the speed of reinforcement
(kilometres a day, 100 … 1,600) — on one Dask cluster (:func:`foedus.crisis.sweep.sweep`),
with a plot of P(deterred) across each grid.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from foedus.crisis.run import close_client, dask_client
from foedus.crisis.simulate import simulate
from foedus.errors import FoedusError

__all__ = ["SENSITIVITY", "failure_reason", "library", "sensitivity"]

#: the contested parameters and their grids; stakes are multiples of the file's range
SENSITIVITY: dict[str, list] = {
    "challenger.value": [0.5, 1.0, 2.0, 4.0],
    "allies.credibility_shift": [-2.0, -1.0, 0.0, 1.0, 2.0],
    "allies.km_per_day": [100.0, 200.0, 400.0, 800.0, 1600.0],
}


def _top(values: dict, errors: dict, skip: set[str] = frozenset()) -> dict | None:
    ranked = sorted(((v, k) for k, v in values.items() if k not in skip and v > 0),
                    key=lambda vk: (-vk[0], vk[1]))
    if not ranked:
        return None
    v, k = ranked[0]
    return {"state": k, "p": v, "se": errors[k]}


def _event(answer: dict) -> tuple:
    return tuple((str(a["attacker"]), a["target"]["cow"]) for a in answer["attacks"])


def library(files: list[Path], *, draws: int | None = None, seed: int | None = None,
            workers: int = 1, scheduler: str | None = None,
            sweeps: bool = False,
            progress: Callable[[], None] | None = None) -> dict:
    """Run every scenario file; the ``foedus library --json`` object. With ``workers`` > 1,
    a ``scheduler`` or ``sweeps``, one Dask client serves every case; ``sweeps``
    adds each case's sweeps (:func:`sensitivity`) under ``"sensitivity"``, keyed by case
    (``foedus library --sensitivity DIR`` draws and writes them:
    :func:`foedus.report.scenario_plots.write_sensitivity`). A file that cannot be
    loaded or run (any :class:`~foedus.errors.FoedusError`: its scenario, compilation or
    draws) costs only itself: it has no row and is named with its one-line reason under
    ``"failed"`` (file → reason), a key left out when every file ran."""
    if not files:
        raise FoedusError("no scenario files (*.toml) in the folder")
    client = dask_client(max(workers, 1), scheduler) if (
        workers > 1 or scheduler or sweeps) else None
    try:
        result = _run_cases(files, draws=draws, seed=seed, client=client,
                            progress=progress)
        if sweeps:  # the cases that ran; a sweep that fails costs its case alone
            result["sensitivity"] = {}
            for path in files:
                if str(path) in result.get("failed", {}):
                    continue
                try:
                    result["sensitivity"][Path(path).stem] = sensitivity(
                        path, client=client, draws=draws, seed=seed)
                except FoedusError as exc:
                    result.setdefault("failed", {})[str(path)] = failure_reason(path, exc)
    finally:
        if client is not None:
            close_client(client)
    return result


def _run_cases(files: list[Path], *, draws, seed, client, progress) -> dict:
    from foedus.crisis.report import DATASETS, shipped_evidence
    from foedus.crisis.scenario import load_scenario
    from foedus.provenance import provenance

    answers: dict[Path, dict] = {}

    def run_one(path: Path) -> dict:
        key = path.resolve()
        if key not in answers:
            answers[key] = simulate(path, draws=draws, seed=seed, client=client)
        return answers[key]

    rows = []
    failed: dict[str, str] = {}
    for path in files:
        try:
            rows.append(_case(path, run_one, load_scenario))
        except FoedusError as exc:  # this file alone: the others' results are kept
            failed[str(path)] = failure_reason(path, exc)
        if progress:
            progress()
    found, why = shipped_evidence()
    result = {"cases": rows,
              "evidence": None if found is None else found.to_json(),
              "notes": found.notes if found is not None else [why],
              "provenance": provenance(list(DATASETS), view="legal")}
    if failed:
        result["failed"] = failed
    return result


def failure_reason(path: Path, exc: FoedusError) -> str:
    """Why the scenario file ``path`` could not be loaded or run, in one line.

    Parameters
    ----------
    path
        The scenario file.
    exc
        The error its loading, compilation or draws raised.

    Returns
    -------
    str
        ``exc``'s message on one line, starting with the file's path (the ``failed``
        entries of :func:`library`; ``foedus library`` names the files it cannot load the
        same way).
    """
    why = " ".join(str(exc).split())
    return why if why.startswith(str(path)) else f"{path}: {why}"


def _case(path: Path, run_one: Callable[[Path], dict], load_scenario) -> dict:
    """One case's row: the file's answer and its difference from its base."""
    scenario, _ = load_scenario(path)
    r = run_one(path)
    vs_base = None
    if scenario.base:
        base = run_one(Path(path).parent / scenario.base)
        if _event(base) == _event(r) and None not in (r["p_deterred"],
                                                      base["p_deterred"]):
            vs_base = {"case": Path(scenario.base).stem,
                       "p_deterred": r["p_deterred"] - base["p_deterred"],
                       "p_deterred_se": (r["p_deterred_se"] ** 2
                                         + base["p_deterred_se"] ** 2) ** 0.5}
    targets = {a["target"]["iso3"] or f"cow:{a['target']['abb']}" for a in r["attacks"]}
    co = r["coalition"]
    return {
        "case": Path(path).stem, "file": str(path), "name": r["scenario"]["name"],
        "date": r["scenario"]["date"], "draws": r["draws"], "seed": r["seed"],
        "p_deterred": r["p_deterred"], "p_deterred_se": r["p_deterred_se"],
        "p_deterred_reason": r["p_deterred_reason"],
        "p_widens": r["p_widens"], "p_widens_se": r["p_widens_se"],
        "coalition_size_mean": co["size_mean"],
        "coalition_size_mean_se": co["size_mean_se"],
        "top_drawn_in": _top(r["drawn_in"], r["drawn_in_se"], targets),
        "top_entrapment": _top(r["entrapment"], r["entrapment_se"]),
        "vs_base": vs_base, "modifications": r["modifications"]}


def sensitivity(path: Path, *, client, draws: int | None = None, seed: int | None = None,
                grids: dict[str, list] | None = None) -> dict:
    """One case's sweeps (``grids``, default :data:`SENSITIVITY`): P(deterred) and its
    standard error at every grid point, keyed by parameter. The stakes are scaled from the
    file's ``[challenger] value``, or from the range its run uses when it states none."""
    from foedus.crisis.scenario import load_scenario
    from foedus.crisis.sweep import sweep

    scenario, attacks = load_scenario(path)
    n = draws or scenario.draws
    s = scenario.seed if seed is None else seed
    out = {}
    for name, values in (grids or SENSITIVITY).items():
        if name == "challenger.value":  # the file's range, else the one its run uses
            lo, hi = scenario.challenger.value or _default_value()
            grid = [[lo * f, hi * f] for f in values]
        else:
            grid = list(values)
        points = sweep(scenario, attacks, {name: grid}, draws=n, seed=s, client=client)
        out[name] = [{"value": values[i], "setting": point[name],
                      "p_deterred": res.p_deterred[0], "p_deterred_se": res.p_deterred[1]}
                     for i, (point, res) in enumerate(points)]
    return out


def _default_value() -> tuple[float, float]:
    """The stakes range a scenario that states none is run with (the shipped fit's,
    :func:`foedus.crisis.fitted.decision_defaults`)."""
    from foedus.crisis import fitted

    return fitted.decision_defaults(fitted.load())["value"]
