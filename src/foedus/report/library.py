"""``foedus report library``: every case of a folder on one page — a sortable table,
P(deterred) across the cases, and for each case its headline, the states most drawn in and
its map.

Each case is simulated once with :func:`foedus.crisis.simulate.simulate` (as ``foedus
library`` does: the same draws and seed give the same numbers as ``foedus library --json``);
a case naming a ``base`` is compared with its base run with the same seed when both have
the same attack event.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import signal
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from foedus import charts
from foedus.crisis.scenario import load_scenario
from foedus.crisis.simulate import simulate
from foedus.data.store import session
from foedus.errors import FoedusError, ReportError
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


def _quiet_worker() -> None:
    """A case process ignores Ctrl-C: it reaches the whole process group, and the report's
    process stops the run (the cases not begun are dropped) without a traceback from each
    worker."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _answers(files: list[Path], *, draws: int | None, seed: int | None, workers: int
             ) -> Iterator[tuple[str, dict, dict | None]]:
    """Each file's case name, answer and its base's answer, in the order of ``files``, as
    each is ready (the caller draws a case while the processes run the next ones).

    Every scenario is simulated once (a base shared by several cases too), in ``workers``
    processes at once when more than one. A case's answer depends only on its file, draws
    and seed (:func:`foedus.crisis.simulate.simulate`), so the processes give the numbers
    of one; the first file that cannot be loaded or run, in the order of ``files``, raises
    its error, as in one process. Close the iterator (:func:`contextlib.closing`) to stop
    the processes early.
    """
    plan: list[tuple[Path, Path | None, FoedusError | None]] = []
    for path in files:
        try:
            scenario, _ = load_scenario(path)
        except FoedusError as exc:  # raised in its turn, after the files before it
            plan.append((path, None, exc))
            continue
        plan.append((path, Path(path).parent / scenario.base if scenario.base else None,
                     None))
    answers: dict[Path, Any] = {}  # resolved path → answer (with processes: its future)
    with contextlib.ExitStack() as stack:
        pool = None
        if workers > 1 and len(files) > 1:
            # spawn, as foedus's other process pools (no fork of a process with threads)
            pool = ProcessPoolExecutor(workers, initializer=_quiet_worker,
                                       mp_context=multiprocessing.get_context("spawn"))
            # on an error or Ctrl-C: the cases not begun are dropped
            stack.callback(pool.shutdown, wait=True, cancel_futures=True)
            for p in (p for path, base, error in plan if error is None
                      for p in (path, base) if p is not None):
                if p.resolve() not in answers:  # every scenario sent at once, in order
                    answers[p.resolve()] = pool.submit(simulate, p, draws=draws, seed=seed)
        else:
            stack.enter_context(session())  # one store connection for every case's reads

        def answer(path: Path) -> dict[str, Any]:
            key = path.resolve()
            if key not in answers:
                answers[key] = simulate(path, draws=draws, seed=seed)
            return answers[key] if pool is None else answers[key].result()

        for path, base, error in plan:
            if error is not None:
                raise error
            yield (Path(path).stem, answer(path),
                   answer(base) if base is not None else None)


def library_report(files: list[Path], *, draws: int | None = None, seed: int | None = None,
                   map_tolerance: float | None = None, command: str = "",
                   workers: int = 1,
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
    workers : int
        Processes that simulate the cases at once (the page does not depend on it).
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
    tolerance = charts.MAP_TOLERANCE if map_tolerance is None else map_tolerance
    rows, topo, maps = [], None, {}
    cases = Page("")  # each case's section, drawn as its answer comes
    with contextlib.closing(_answers(files, draws=draws, seed=seed, workers=workers)) as got:
        for case, r, base in got:
            rows.append(_row(case, r, base))
            cases.heading(r["scenario"]["name"] or case, 3, anchor=f"case-{case}")
            cases.para(f"{case}: {r['scenario']['date']}, {r['draws']:,} draws, seed "
                       f"{r['seed']} (file {r['scenario'].get('file')}).", "note")
            crisis_headline(cases, r, prefix=f"{case}.")
            state_table(cases, r, top=5, prefix=f"{case}.")
            topo = put_map(cases, f"map-{case}", r, tolerance=tolerance, maps=maps)
            if progress:
                progress()
    page = Page("The case library", f"{len(rows)} cases, each simulated with "
                + ("its own draws" if draws is None else f"{draws:,} draws")
                + (" and its own seed" if seed is None else f" and seed {seed}") + ".")
    _table(page, rows)
    page.chart("deterrence", charts.deterrence_by_case(
        {"cases": [{"case": r["case"], "p_deterred": r["answer"]["p_deterred"],
                    "p_deterred_se": r["answer"]["p_deterred_se"]} for r in rows]}))
    page.heading("The cases", anchor="cases")
    page.extend(cases)
    names = [esc(r["case"]) for r in rows]
    page.add(f"<p class=\"note\">Cases: {', '.join(names)}.</p>")
    prov = merge_provenance(*(r["answer"].get("provenance") for r in rows),
                            {"datasets": [_ref(topo)]}, command=command or None)
    return page.render(footer(prov, command)), prov


def _ref(name: str) -> dict[str, str]:
    d = dataset(name)
    return {"name": d.name, "version": d.version, "sha256": d.sha256}
