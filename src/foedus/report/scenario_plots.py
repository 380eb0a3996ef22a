"""Figures for ``foedus compare --plot DIR``, ``foedus sweep --plot DIR`` and the library's
sensitivity sweeps, drawn by the shared builders of :mod:`foedus.charts` (the same charts
as the reports and the web app). Every estimate is drawn with its 95 % interval
(± 1.96 standard errors). The suffix of a path chooses PNG or SVG."""

from __future__ import annotations

import json
from pathlib import Path

from foedus import charts
from foedus.report.answer import write_atomic

__all__ = ["plot_comparison", "plot_sensitivity", "plot_sweep", "write_sensitivity"]


def plot_comparison(result: dict, folder: str | Path, top: int = 15) -> list[Path]:
    """Per event of ``foedus compare --json``: P(deterred) and P(widens), base against
    alternative, and the states whose P(drawn in) and entrapment moved most.

    Parameters
    ----------
    result : dict
        ``foedus compare --json``.
    folder : str or Path
        Where to write (created).
    top : int
        How many states per chart.

    Returns
    -------
    list of Path
        ``compare_event{k}.png`` per event: the probabilities, then the states that moved
        (drawn in, entrapment) where any did, one above the other.
    """
    out = Path(folder)
    paths = []
    for k, label in enumerate(result["diff"]["events"], start=1):
        specs = [charts.compare_probabilities(result, label)]
        for what in ("drawn_in", "entrapment"):
            moved = result["diff"]["events"][label].get(what) or {}
            if any(abs(v) > 0 for v in moved.values()):
                specs.append(charts.compare_states(result, label, what, top=top))
        paths.append(charts.save(charts.stack(specs), out / f"compare_event{k}.png"))
    return paths


def plot_sweep(points: list[dict], grid: dict[str, list], path: str | Path,
               title: str = "") -> Path:
    """P(deterred) across a sweep (``foedus sweep --json`` ``points``): one line for one
    parameter, one line per value of the second for two; beyond two, the first parameter
    with one line per combination of the others.

    Parameters
    ----------
    points : list of dict
        The sweep's points.
    grid : dict
        Parameter → values.
    path : str or Path
        The image to write.
    title : str
        The chart's title.

    Returns
    -------
    Path
        ``path``.
    """
    names = list(grid)
    rows = points
    by = None
    if len(names) == 2:
        by = names[1]
    elif len(names) > 2:
        by = "others"
        rows = [{**p, "parameters": {**p["parameters"], "others": ", ".join(
            f"{n}={p['parameters'][n]}" for n in names[1:])}} for p in points]
    return charts.save(charts.deterrence_sweep(rows, names[0], by=by, title=title or None),
                       path)


def plot_sensitivity(result: dict, path: str | Path, title: str = "") -> Path:
    """A case's sensitivity sweeps side by side (:func:`foedus.crisis.library.sensitivity`).

    Parameters
    ----------
    result : dict
        Parameter → rows with ``value``, ``p_deterred``, ``p_deterred_se``.
    path : str or Path
        The image to write.
    title : str
        The chart's title.

    Returns
    -------
    Path
        ``path``.
    """
    return charts.save(charts.sensitivity(result, title=title or None), path)


def write_sensitivity(found: dict[str, dict], folder: str | Path) -> list[Path]:
    """Write the case library's sweeps (``foedus library --json``'s ``sensitivity``: case →
    :func:`foedus.crisis.library.sensitivity`) to ``folder``: one PNG per case and
    ``sensitivity.json``, each written whole or not at all; the paths written.

    Raises
    ------
    foedus.errors.ReportError
        If the folder cannot be created or written.
    """
    folder = Path(folder)
    paths = [plot_sensitivity(result, folder / f"{case}.png", title=case)
             for case, result in found.items()]
    out = folder / "sensitivity.json"
    write_atomic(out, json.dumps(found, indent=2).encode("utf-8"))
    return [*paths, out]
