"""``foedus report scenario``: one crisis scenario as a page.

The scenario, its note and sources; who is bound and why (the obligations query for each
attack, with each pledge's credibility, its interval and support); P(deterred) with its
error and how it moves under the sensitivity sweeps; who is drawn in and entrapped; the
cascade as a network; the coalition on the map of the date; the data and the command.
The simulation is :func:`foedus.crisis.simulate.simulate` (the answer of ``foedus simulate
--json``, read by key), the sweeps :func:`foedus.crisis.library.sensitivity`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from foedus import charts
from foedus.crisis.library import SENSITIVITY, sensitivity
from foedus.crisis.run import close_client, dask_client
from foedus.crisis.scenario import load_scenario
from foedus.crisis.simulate import simulate
from foedus.query.answer import obligations_answer
from foedus.registry import dataset
from foedus.report.common import crisis_headline, merge_provenance, notes, put_map, state_table
from foedus.report.footer import footer
from foedus.report.html import Page, esc, fmt_p

__all__ = ["scenario_report"]


def _scenario_section(page: Page, path: Path, answer: dict[str, Any]) -> Any:
    scenario, _ = load_scenario(path)
    page.heading("The scenario", anchor="scenario")
    for block in (scenario.note or "").strip().split("\n\n"):
        if block.strip():
            page.para(" ".join(block.split()))
    if scenario.sources:
        page.heading("Sources", 3)
        page.items(scenario.sources)
    page.heading("Attacks", 3)
    page.table(["attacker", "target", "attribution"], [
        (a["attacker"].get("name") or a["attacker"].get("nonstate"), a["target"]["name"],
         f"{a.get('attribution', 1.0):g}") for a in answer.get("attacks", [])])
    if answer.get("modifications"):
        page.heading("Modifications of the commitment system", 3)
        page.items(", ".join(f"{k}={v}" for k, v in m.items() if v is not None)
                   for m in answer["modifications"])
    params = answer.get("parameters") or {}
    if params:
        page.heading("Parameters", 3)
        page.table(["parameter", "value"], [(k, str(v)) for k, v in sorted(params.items())])
    return scenario


def _bound_section(page: Page, scenario: Any, day: dt.date) -> list[dict[str, Any]]:
    """Who is bound and why, attack by attack; returns the answers' provenance."""
    page.heading("Who is bound, and why", anchor="bound")
    if scenario.modify:
        page.para("The tables below are the commitment system as recorded; the scenario "
                  "modifies it (above), and the simulation uses the modified system.", "note")
    provs = []
    for attack in scenario.attack:
        ans = obligations_answer([attack.attacker], attack.target, as_of=day,
                                 place=attack.place, hit=attack.hit, domain=attack.domain,
                                 view=scenario.view, provoked=attack.provoked,
                                 credibility=True).to_json()
        provs.append(ans["provenance"])
        ev = ans["event"]
        who = ", ".join(a.get("name") or a.get("nonstate", "?") for a in ev["attackers"])
        page.heading(f"{who} → {ev['target']['name']} ({ev.get('place')}, {ev.get('domain')})",
                     3)
        groups: dict[tuple, list[dict[str, Any]]] = {}
        for b in ans["obligations"]:
            key = (b["treaty"]["name"], b["article"], b["kind"],
                   f"{b['response']}, {b['decision']}")
            groups.setdefault(key, []).append(b)
        rows = []
        for (treaty, article, kind, how), bound in groups.items():
            probs = [b["probability"] for b in bound if b.get("probability") is not None]
            los = [b["probability_interval"][0] for b in bound
                   if (b.get("probability_interval") or [None])[0] is not None]
            his = [b["probability_interval"][1] for b in bound
                   if (b.get("probability_interval") or [None, None])[1] is not None]
            cred = "–"
            if probs:
                cred = (f"{min(probs):.3f}" if max(probs) - min(probs) < 5e-4
                        else f"{min(probs):.3f}–{max(probs):.3f}")
                if los and his:
                    cred += f" (90%: {min(los):.3f} to {max(his):.3f})"
            why = list(dict.fromkeys(
                x for b in bound for x in [*b.get("caveats", []), *b.get("flags", []),
                                           (b.get("support") or {}).get("note", "")] if x))
            states = ", ".join(b["state"]["name"] for b in bound)
            rows.append((treaty, article, kind, how, (f"{len(bound)}: {states}", len(bound)),
                         (cred, max(probs) if probs else None), "; ".join(why)))
        page.table(["treaty", "article", "obligation", "response, decision", "bound states",
                    "P(honoured) (90% interval)", "support and caveats"], rows,
                   sortable=True, numeric=(5,), key="obligations",
                   caption="one row per treaty article; credibility: the shipped model's "
                           "posterior mean (range over the states) and 90% interval; "
                           "support: the cases of the record like this pledge")
        if ans["informal"]:
            page.para("Informal or ambiguous commitments:")
            page.items(f"{i['state']['name']}: {i['treaty']['name']} — {i['note']}"
                       for i in ans["informal"])
        if ans["not_triggered"]:
            page.para("Treaties involving the target that are not triggered:")
            page.items(n["sentence"] for n in ans["not_triggered"])
        notes(page, ans.get("notes", []))
    return provs


def _sensitivity_section(page: Page, path: Path, answer: dict[str, Any],
                         grids: dict[str, list], draws: int, seed: int) -> None:
    client = dask_client(1, None)
    try:
        result = sensitivity(path, client=client, draws=draws, seed=seed, grids=grids)
    finally:
        close_client(client)
    page.heading("How P(deterred) moves under the sensitivity sweeps", anchor="sensitivity")
    page.para(f"Each sweep varies one contested parameter around the file's own values, "
              f"{draws:,} draws per point with seed {seed} (common random numbers). The "
              "challenger's stakes are multiples of the file's value range; the credibility "
              "shift is added to every pledge's log-odds; the speed of reinforcement "
              "(kilometres a day) recompiles the scenario at each point, since it sets "
              "when each ally's forces arrive.", "note")
    page.chart("sensitivity", charts.sensitivity(result))
    rows = []
    for name, points in result.items():
        for r in points:
            rows.append((name, str(r["value"]),
                         (fmt_p(r["p_deterred"], r["p_deterred_se"]), r["p_deterred"],
                          f"sensitivity.{name}.{r['value']}")))
    page.table(["parameter", "value", "P(deterred)"], rows, numeric=(2,),
               key="sensitivity")


def scenario_report(path: str | Path, *, draws: int | None = None, seed: int | None = None,
                    as_of: dt.date | None = None, sweeps: bool = True,
                    grids: dict[str, list] | None = None, map_tolerance: float | None = None,
                    command: str = "", progress: Callable[[int], None] | None = None
                    ) -> tuple[str, dict[str, Any]]:
    """The HTML of a scenario report and its provenance.

    Parameters
    ----------
    path : str or Path
        A scenario file (TOML; ``docs/crisis.md``).
    draws, seed : int, optional
        Monte Carlo draws and seed (default: the file's own).
    as_of : datetime.date, optional
        Another date than the file's.
    sweeps : bool
        Run the sensitivity sweeps (the case library's
        :data:`foedus.crisis.library.SENSITIVITY` grids unless ``grids``: the stakes, the
        credibility shift and the speed of reinforcement).
    grids : dict, optional
        Parameter → values of the sweeps (stakes as multiples of the file's range).
    map_tolerance : float, optional
        The map's simplification in degrees (default
        :data:`foedus.charts.maps.MAP_TOLERANCE`).
    command : str
        The command line shown under "Reproduce".
    progress : callable, optional
        Told the draws of each finished chunk of the main simulation.

    Returns
    -------
    tuple
        ``(html, provenance)``.

    Raises
    ------
    foedus.errors.FoedusError
        For a scenario file with problems, or a store without the data.
    """
    path = Path(path)
    answer = simulate(path, as_of=as_of, draws=draws, seed=seed, progress=progress)
    name = answer["scenario"].get("name") or path.stem
    page = Page(name, f"A crisis simulation on {answer['as_of']} "
                      f"({answer.get('as_of_source', 'scenario')} date), "
                      f"{answer['draws']:,} draws, seed {answer['seed']}, "
                      f"{answer.get('view', 'legal')} view.")
    crisis_headline(page, answer)
    scenario = _scenario_section(page, path, answer)
    provs = _bound_section(page, scenario, dt.date.fromisoformat(answer["as_of"]))
    page.heading("Who is drawn in, who is entrapped", anchor="drawn-in")
    page.para("Drawn in: the state becomes a belligerent on the defending side, by any "
              "route. Entrapped (docs/crisis.md): it becomes a belligerent through the "
              "cascade although it is neither the attacker, nor a target, nor directly "
              "pledged to a target — pulled in by a pledge to a state pulled in before it "
              "(zero by definition for a state directly pledged to the target).", "note")
    page.chart("drawn_in", charts.state_probabilities(answer, "drawn_in"))
    page.chart("entrapment", charts.state_probabilities(answer, "entrapment"))
    state_table(page, answer)
    page.heading("The cascade", anchor="cascade")
    page.chart("network", charts.network(answer, seed=answer["seed"]))
    page.heading("The coalition on the map", anchor="map")
    tolerance = charts.MAP_TOLERANCE if map_tolerance is None else map_tolerance
    topo = put_map(page, "map", answer, tolerance=tolerance)
    if sweeps:
        _sensitivity_section(page, path, answer, grids or SENSITIVITY,
                             answer["draws"], answer["seed"])
    if answer.get("flags") or answer.get("notes"):
        page.heading("Flags and notes", anchor="notes")
        notes(page, [*answer.get("flags", []), *answer.get("notes", [])])
    prov = merge_provenance(answer.get("provenance"), *provs,
                            {"datasets": [_dataset_ref(topo)]},
                            as_of=answer["as_of"], command=command or None)
    page.add(f"<p class=\"note\">Scenario file: <code>{esc(path)}</code></p>")
    return page.render(footer(prov, command)), prov


def _dataset_ref(name: str) -> dict[str, str]:
    d = dataset(name)
    return {"name": d.name, "version": d.version, "sha256": d.sha256}
