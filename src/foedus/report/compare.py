"""``foedus report compare``: a counterfactual as a page — base, alternative and their
difference with errors, event by event, and the system metrics of the alliance.

The comparison is :func:`foedus.counterfactual.compare.compare` (the answer of ``foedus
compare --json``, read by key); the rows of system metrics are those the command prints
(:data:`foedus.cli.compare.SYSTEM_ROWS`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from foedus import charts
from foedus.cli.compare import SYSTEM_ROWS, _at
from foedus.counterfactual.compare import compare
from foedus.report.common import merge_provenance, notes
from foedus.report.footer import footer
from foedus.report.html import Page, fmt_p

__all__ = ["compare_report"]


def _signed(d: float | None, se: float | None) -> str:
    return "n/a" if d is None else f"{d:+.3f}" + ("" if se is None else f" ± {se:.3f}")


def _event(page: Page, result: dict[str, Any], label: str, k: int) -> None:
    b, a = result["base"]["events"][label], result["alt"]["events"][label]
    d = result["diff"]["events"][label]
    page.heading(f"Event {label}", anchor=f"event-{k}")
    rows = []
    for name, key in (("P(deterred)", "p_deterred"), ("P(attack)", "p_attack"),
                      ("P(the war widens)", "p_widens")):
        if key not in b:
            continue
        rows.append((name, (fmt_p(b[key], b.get(f"{key}_se")), b[key], f"base.{label}.{key}"),
                     (fmt_p(a[key], a.get(f"{key}_se")), a[key], f"alt.{label}.{key}"),
                     (_signed(d.get(key), d.get(f"{key}_se")), d.get(key),
                      f"diff.{label}.{key}")))
    cb, ca = b.get("coalition") or {}, a.get("coalition") or {}
    if "size_mean" in cb and "size_mean" in ca:
        rows.append(("defending coalition, mean size", f"{cb['size_mean']:.2f}",
                     f"{ca['size_mean']:.2f}", f"{ca['size_mean'] - cb['size_mean']:+.2f}"))
    page.table(["", "base", "alternative", "difference"], rows, numeric=(1, 2, 3),
               key=f"event-{k}", caption="each ± its Monte Carlo standard error; the "
               "difference's error is that of two runs with common random numbers")
    page.chart(f"probabilities-{k}", charts.compare_probabilities(result, label))
    for what in ("drawn_in", "entrapment"):
        if d.get(what) and any(abs(v) > 0 for v in d[what].values()):
            page.chart(f"{what}-{k}", charts.compare_states(result, label, what))


def _system(page: Page, result: dict[str, Any]) -> None:
    b, a = result["base"], result["alt"]
    page.heading("The alliance as a whole", anchor="system")
    if not (b.get("system") and a.get("system")):
        page.para(f"System metrics: {a.get('system_reason') or b.get('system_reason')}",
                  "note")
        return
    page.para(f"{result.get('alliance')}: coverage counts pledges at least "
              f"{result.get('threshold'):g} credible (coverage, consensus, burden, cohesion "
              "and blocs: docs/counterfactuals.md).", "note")
    rows = []
    for label, path in SYSTEM_ROWS:
        (vb, se_b), (va, se_a) = _at(b["system"], path), _at(a["system"], path)
        if vb is None or va is None:
            continue
        se = None if se_b is None or se_a is None else (se_b ** 2 + se_a ** 2) ** 0.5
        key = ".".join(path)
        rows.append((label, (fmt_p(vb, se_b), vb, f"base.system.{key}"),
                     (fmt_p(va, se_a), va, f"alt.system.{key}"), _signed(va - vb, se)))
    page.table(["metric", "base", "alternative", "difference"], rows, numeric=(1, 2, 3),
               key="system")


def compare_report(base: str | Path, alt: str | Path, *, draws: int | None = None,
                   seed: int | None = None, alliance: str | None = None,
                   threshold: float = 0.5, command: str = "",
                   progress: Callable[[int], None] | None = None
                   ) -> tuple[str, dict[str, Any]]:
    """The HTML of a counterfactual report and its provenance.

    Parameters
    ----------
    base, alt : str or Path
        The base scenario and the alternative (``base = …`` plus ``[[modify]]``).
    draws, seed : int, optional
        Monte Carlo draws and seed (default: the files' own).
    alliance : str, optional
        The alliance whose system metrics are compared (default: the scenarios' own).
    threshold : float
        Coverage counts pledges at least this credible.
    command : str
        The command line shown under "Reproduce".
    progress : callable, optional
        Told the draws of each finished chunk.

    Returns
    -------
    tuple
        ``(html, provenance)``.

    Raises
    ------
    foedus.errors.FoedusError
        For scenario files with problems or no common event.
    """
    result = compare(base, alt, draws=draws, seed=seed, alliance=alliance,
                     threshold=threshold, progress=progress)
    b, a = result["base"], result["alt"]
    page = Page(f"{b['scenario']['name']} → {a['scenario']['name']}",
                f"A counterfactual: {b['draws']:,} and {a['draws']:,} draws, seed "
                f"{b['seed']}, common random numbers.")
    page.heading("What changes", anchor="changes")
    changed = [m for m in a.get("modifications", []) if m not in b.get("modifications", [])]
    if changed:
        page.items(f"{m.get('action')} {m.get('treaty') or ''} from {m.get('from')}: " + ", ".join(
            f"{k}={v}" for k, v in m.items()
            if k not in ("action", "from", "treaty") and v is not None) for m in changed)
    else:
        page.para("The alternative modifies nothing the base does not.", "note")
    for k, label in enumerate(result["diff"]["events"]):
        _event(page, result, label, k + 1)
    _system(page, result)
    events = [*b["events"].values(), *a["events"].values()]
    flags = list(dict.fromkeys(f for ev in events for f in [*ev.get("flags", []),
                                                           *ev.get("notes", [])]))
    if flags:
        page.heading("Flags and notes", anchor="notes")
        notes(page, flags)
    prov = merge_provenance(result.get("provenance"),
                            as_of=(result.get("provenance") or {}).get("as_of")
                            or b["scenario"].get("date"), command=command or None)
    return page.render(footer(prov, command)), prov
