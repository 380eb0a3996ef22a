"""Pieces shared by the report builders: merged provenance, the crisis answer's headline,
tables of state probabilities, the map of a simulation."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from foedus import __version__, charts
from foedus.data.borders import borders_on
from foedus.data.simplify import TOPOLOGY
from foedus.report.html import Page, fmt_p

__all__ = ["crisis_headline", "merge_provenance", "put_map", "state_table"]


def merge_provenance(*provs: dict[str, Any] | None, **extra: Any) -> dict[str, Any]:
    """One provenance from several answers' (datasets in first-seen order, each once)."""
    datasets: dict[str, dict[str, Any]] = {}
    view = None
    for p in provs:
        if not p:
            continue
        for d in p.get("datasets", []):
            datasets.setdefault(d["name"], {k: d[k] for k in ("name", "version", "sha256")})
        view = view or p.get("view")
    out: dict[str, Any] = {"datasets": list(datasets.values()), "view": view,
                           "foedus_version": __version__}
    out.update({k: v for k, v in extra.items() if v is not None})
    return out


def crisis_headline(page: Page, answer: dict[str, Any], prefix: str = "") -> None:
    """P(deterred), P(widens), the coalition and the balance of a simulation answer, each
    with its standard error (keys read by name; absent keys are skipped)."""
    cells = []
    for label, key in (("P(deterred)", "p_deterred"), ("P(attack)", "p_attack"),
                       ("P(the war widens)", "p_widens")):
        if key in answer:
            p, se = answer[key], answer.get(f"{key}_se")
            cells.append((label, fmt_p(p, se), prefix + key, p))
    co = answer.get("coalition") or {}
    if "size_mean" in co:
        cells.append(("defending coalition, mean size",
                      fmt_p(co["size_mean"], co.get("size_mean_se"), digits=2),
                      prefix + "coalition.size_mean", co["size_mean"]))
    if answer.get("capability_balance") is not None:
        cells.append(("coalition's share of capability", fmt_p(
            answer["capability_balance"], answer.get("capability_balance_se")),
            prefix + "capability_balance", answer["capability_balance"]))
    page.headline(cells)
    if answer.get("p_deterred") is None and answer.get("p_deterred_reason"):
        page.para(f"P(deterred) is not estimated: {answer['p_deterred_reason']}", "note")


def state_table(page: Page, answer: dict[str, Any], *, top: int = 15, prefix: str = ""
                ) -> None:
    """The states most likely to be drawn in, with P(drawn in) and P(entrapped)."""
    drawn, trap = answer.get("drawn_in", {}), answer.get("entrapment", {})
    keys = sorted((k for k, v in drawn.items() if v > 0), key=lambda k: (-drawn[k], k))[:top]
    se_d, se_t = answer.get("drawn_in_se", {}), answer.get("entrapment_se", {})
    page.table(["state", "P(drawn in)", "P(entrapped)"], [
        (k, (fmt_p(drawn[k], se_d.get(k)), drawn[k], f"{prefix}drawn_in.{k}"),
         (fmt_p(trap.get(k, 0.0), se_t.get(k)), trap.get(k, 0.0),
          f"{prefix}entrapment.{k}")) for k in keys],
        numeric=(1, 2), sortable=True, key=f"{prefix}states",
        caption="each ± its Monte Carlo standard error")


def put_map(page: Page, name: str, answer: dict[str, Any], *, tolerance: float,
            maps: dict | None = None) -> str:
    """The coalition map of a simulation on its date; returns the borders' dataset name.
    ``maps`` keeps the borders of each date drawn (a report of many cases on one date
    cuts them once; :func:`foedus.charts.coalition_map` does not change them)."""
    key = (answer["as_of"], tolerance)
    borders = None if maps is None else maps.get(key)
    if borders is None:
        borders = borders_on(answer["as_of"], tolerance=tolerance)
        if maps is not None:
            maps[key] = borders
    source = (f"borders: CShapes 2.0 on {borders.map_date.isoformat()} (de facto), "
              f"simplified to {tolerance:g}°")
    spec = charts.crisis_map(answer, borders.topology, source=source)
    page.chart(name, spec, caption=borders.banner)
    return TOPOLOGY


def notes(page: Page, texts: Iterable[str]) -> None:
    """Flags and notes of an answer, as a list (nothing when empty)."""
    texts = [t for t in texts if t]
    if texts:
        page.items(texts)
