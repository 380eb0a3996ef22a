"""``foedus report library``: every case of a folder on one page — a sortable table,
P(deterred) across the cases, and for each case its headline, the states most drawn in and
its map.

Each case is simulated once with :func:`foedus.crisis.simulate.simulate` (as ``foedus
library`` does: the same draws and seed give the same numbers as ``foedus library --json``);
a case naming a ``base`` is compared with its base run with the same seed when both have
the same attack event.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from foedus import charts
from foedus.crisis.scenario import load_scenario
from foedus.crisis.simulate import simulate
from foedus.errors import ReportError
from foedus.registry import dataset
from foedus.report.common import crisis_headline, merge_provenance, put_map, state_table
from foedus.report.footer import footer
from foedus.report.html import Page, esc, fmt_p

__all__ = ["library_report"]


def _event(answer: dict[str, Any]) -> tuple:
    return tuple((str(a["attacker"]), a["target"]["cow"]) for a in answer["attacks"])


def _top(values: dict[str, float], skip: set[str] = frozenset()) -> str | None:
    ranked = sorted(((v, k) for k, v in values.items() if k not in skip and v > 0),
                    key=lambda vk: (-vk[0], vk[1]))
    return ranked[0][1] if ranked else None


def _row(case: str, r: dict[str, Any], base: dict[str, Any] | None) -> dict[str, Any]:
    vs = None
    if base is not None and _event(base) == _event(r) and None not in (
            r["p_deterred"], base["p_deterred"]):
        vs = (r["p_deterred"] - base["p_deterred"],
              (r["p_deterred_se"] ** 2 + base["p_deterred_se"] ** 2) ** 0.5)
    targets = {a["target"]["iso3"] or f"cow:{a['target']['abb']}" for a in r["attacks"]}
    return {"case": case, "answer": r, "vs_base": vs,
            "top_drawn_in": _top(r["drawn_in"], targets), "top_entrapment": _top(
                r["entrapment"])}


def _table(page: Page, rows: list[dict[str, Any]]) -> None:
    body = []
    for row in rows:
        r, case = row["answer"], row["case"]
        co = r.get("coalition") or {}
        top, trap = row["top_drawn_in"], row["top_entrapment"]
        vs = row["vs_base"]
        body.append((
            (case, case), (r["scenario"]["date"], r["scenario"]["date"]),
            (fmt_p(r["p_deterred"], r["p_deterred_se"]), r["p_deterred"],
             f"{case}.p_deterred"),
            ("" if vs is None else f"{vs[0]:+.3f} ± {vs[1]:.3f}",
             None if vs is None else vs[0], f"{case}.vs_base" if vs else None),
            (fmt_p(r["p_widens"], r["p_widens_se"]), r["p_widens"], f"{case}.p_widens"),
            (fmt_p(co.get("size_mean"), co.get("size_mean_se"), digits=2),
             co.get("size_mean"), f"{case}.coalition.size_mean"),
            ("none" if top is None else f"{top} {fmt_p(r['drawn_in'][top], r['drawn_in_se'][top])}",
             None if top is None else r["drawn_in"][top]),
            ("none" if trap is None else
             f"{trap} {fmt_p(r['entrapment'][trap], r['entrapment_se'][trap])}",
             None if trap is None else r["entrapment"][trap])))
    page.table(["case", "date", "P(deterred)", "Δ vs base", "P(widens)", "coalition size",
                "most drawn in", "top entrapment"], body, sortable=True,
               numeric=(2, 3, 4, 5), key="cases",
               caption="click a header to sort; each ± its Monte Carlo standard error")


def library_report(files: list[Path], *, draws: int | None = None, seed: int | None = None,
                   map_tolerance: float | None = None, command: str = "",
                   progress: Callable[[], None] | None = None) -> tuple[str, dict[str, Any]]:
    """The HTML of the case library report and its provenance.

    Parameters
    ----------
    files : list of Path
        The scenario files, in the order shown.
    draws, seed : int, optional
        Monte Carlo draws and seed for every case (default: each file's own).
    map_tolerance : float, optional
        The maps' simplification in degrees (default
        :data:`foedus.charts.maps.MAP_TOLERANCE`: a 19-case page stays under 5 MB).
    command : str
        The command line shown under "Reproduce".
    progress : callable, optional
        Called after each case.

    Returns
    -------
    tuple
        ``(html, provenance)``.

    Raises
    ------
    foedus.errors.ReportError
        Without scenario files, or for a file with problems.
    """
    if not files:
        raise ReportError("no scenario files (*.toml) in the folder")
    answers: dict[Path, dict[str, Any]] = {}

    def run_one(path: Path) -> dict[str, Any]:
        key = path.resolve()
        if key not in answers:
            answers[key] = simulate(path, draws=draws, seed=seed)
        return answers[key]

    rows = []
    for path in files:
        scenario, _ = load_scenario(path)
        r = run_one(path)
        base = run_one(Path(path).parent / scenario.base) if scenario.base else None
        rows.append(_row(Path(path).stem, r, base))
        if progress:
            progress()
    page = Page("The case library", f"{len(rows)} cases, each simulated with "
                + ("its own draws" if draws is None else f"{draws:,} draws")
                + (" and its own seed" if seed is None else f" and seed {seed}") + ".")
    _table(page, rows)
    page.chart("deterrence", charts.deterrence_by_case(
        {"cases": [{"case": r["case"], "p_deterred": r["answer"]["p_deterred"],
                    "p_deterred_se": r["answer"]["p_deterred_se"]} for r in rows]}))
    tolerance = charts.MAP_TOLERANCE if map_tolerance is None else map_tolerance
    topo, maps = None, {}
    page.heading("The cases", anchor="cases")
    for row in rows:
        r, case = row["answer"], row["case"]
        page.heading(r["scenario"]["name"] or case, 3, anchor=f"case-{case}")
        page.para(f"{case}: {r['scenario']['date']}, {r['draws']:,} draws, seed {r['seed']}"
                  f" (file {r['scenario'].get('file')}).", "note")
        crisis_headline(page, r, prefix=f"{case}.")
        state_table(page, r, top=5, prefix=f"{case}.")
        topo = put_map(page, f"map-{case}", r, tolerance=tolerance, maps=maps)
    names = [esc(r["case"]) for r in rows]
    page.add(f"<p class=\"note\">Cases: {', '.join(names)}.</p>")
    prov = merge_provenance(*(r["answer"].get("provenance") for r in rows),
                            {"datasets": [_ref(topo)]}, command=command or None)
    return page.render(footer(prov, command)), prov


def _ref(name: str) -> dict[str, str]:
    d = dataset(name)
    return {"name": d.name, "version": d.version, "sha256": d.sha256}
