"""Figures for ``foedus burden --plot DIR``, drawn by the shared builders of
:mod:`foedus.charts` (the same charts as ``foedus report burden`` and the web app)."""

from __future__ import annotations

from pathlib import Path

from foedus.burden.answer import answer_of
from foedus.charts import compliance, exploitation_test, save, shares

__all__ = ["plot_burden"]


def plot_burden(report, folder: str | Path) -> list[Path]:
    """Write the burden figures of a report into ``folder`` as PNG; return their paths.

    ``burden_vs_size.png`` (the exploitation test: the rank correlation of size and burden
    by year, when any year has one), ``compliance.png`` (members at 2 %) and ``shares.png``
    (benefit and cost shares in the last year). The spending of each member against the
    guidelines is in ``foedus report burden``.

    Parameters
    ----------
    report : foedus.burden.report.BurdenReport
        The computed report.
    folder : str or Path
        Where to write (created).

    Returns
    -------
    list of Path
        The files written.
    """
    out = Path(folder)
    answer = answer_of(report).to_json()
    paths = []
    if any(y["spearman"] is not None for y in answer["years"]):
        paths.append(save(exploitation_test(answer), out / "burden_vs_size.png"))
    paths.append(save(compliance(answer), out / "compliance.png"))
    paths.append(save(shares(answer), out / "shares.png"))
    return paths
