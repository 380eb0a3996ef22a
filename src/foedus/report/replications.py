"""``foedus report replications``: the replication suite as a page — for every study its
figures published beside reproduced (a table and a chart), what could not be reproduced
and why, the data it read, its time and memory.

The numbers are :func:`foedus.replications.suite` (``foedus replicate --summary --json``;
each study as ``foedus replicate NAME --json``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from foedus import charts
from foedus.replications import replicate, suite
from foedus.report.common import merge_provenance
from foedus.report.footer import footer
from foedus.report.html import Page

__all__ = ["replications_report"]


def replications_report(names: list[str] | None = None, *, command: str = "",
                        progress: Callable[[str], None] | None = None
                        ) -> tuple[str, dict[str, Any]]:
    """The HTML of the replication suite's report and its provenance.

    Parameters
    ----------
    names : list of str, optional
        The studies to run (default: the whole suite, ``foedus replicate --list``).
    command : str
        The command line shown under "Reproduce".
    progress : callable, optional
        Called with each study's name before it runs.

    Returns
    -------
    tuple
        ``(html, provenance)``.

    Raises
    ------
    foedus.errors.StoreError
        Without a store (run ``foedus data build``).
    foedus.errors.FoedusError
        For a study that is not in the suite.
    """
    if names:
        ran = []
        for name in names:
            if progress is not None:
                progress(name)
            ran.append(replicate(name))
    else:
        ran = suite(progress=progress).studies
    studies = [r.to_json() for r in ran]
    page = Page("The replication suite", "Published tables reproduced from foedus's own "
                "data: published | reproduced | difference | tolerance | pass. A figure that "
                "cannot be reproduced says so with its cause; no number is made up.")
    summary = []
    for s in studies:
        figs = s["figures"]
        passed = sum(f.get("pass") is True for f in figs)
        decided = sum(f.get("pass") is not None for f in figs)
        summary.append(((s["study"], s["study"]), s["title"],
                        (f"{passed}/{decided}", passed, f"{s['study']}.passed"),
                        (str(len(figs) - decided), len(figs) - decided),
                        (f"{s['seconds']:.1f}", s["seconds"])))
    page.table(["study", "title", "within tolerance", "not decidable", "seconds"], summary,
               sortable=True, numeric=(2, 3, 4), key="studies")
    for s in studies:
        page.heading(s["title"], anchor=f"study-{s['study']}")
        page.para(f"{s['citation']} doi:{s['doi']}", "note")
        page.para(s["summary"])
        rows = charts.replication_rows(s)
        page.table(["figure", "published", "reproduced", "difference", "tolerance", "pass"],
                   [((r["figure"], r["figure"]),
                     (r["published"], f.get("published"), f"{s['study']}.{i}.published"),
                     (r["reproduced"], f.get("reproduced"), f"{s['study']}.{i}.reproduced"),
                     r["difference"], r["tolerance"], r["pass"])
                    for i, (r, f) in enumerate(zip(rows, s["figures"], strict=True))],
                   numeric=(1, 2, 3, 4), key=s["study"])
        page.chart(f"study-{s['study']}", charts.replication_figures(s))
        explained = [f"{r['figure']}: {r['note']}" for r in rows
                     if r["note"] and not r["pass"].startswith("yes")]
        if explained or s.get("notes"):
            page.items([*explained, *s.get("notes", [])])
    prov = merge_provenance(*(s["provenance"] for s in studies), command=command or None)
    return page.render(footer(prov, command)), prov
