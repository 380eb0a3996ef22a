"""The run shared by the two deterrence studies: build, fit, compare with what was published.

A study module gives a :class:`DyadicSpec` (years, link, duration terms, alliance terms and
controls, and per term what the article reports); :func:`run_dyadic` builds the directed
dyad-years (:mod:`foedus.replications._dyadic`), fits the model
(:mod:`foedus.replications._dyadic_fit`) and returns the suite's figures and tables:

- per alliance term, the published sign against ours (``unit="sign"``: +1/-1, tolerance 0)
  and, where the article's significance is known, significance at the 5% level (two-sided)
  with the published error type (clustered by dyad; ``unit="significance"``: 1/0);
- where Alley's reanalysis says a term loses significance under dyadic clustering, whether
  it does here (dyadic-robust |z| > 1.645, his threshold);
- the coefficient table with both standard errors, a sensitivity table (undecidable ATOP
  conditions left out; the other duration terms), the sample and the build's timings.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import numpy as np
import pandas as pd

from foedus.replications._dyadic import build_dyad_years
from foedus.replications._dyadic_fit import (
    BinaryFit,
    cluster_meat,
    cubic_terms,
    dyadic_meat,
    fit_binary,
    natural_spline,
    sandwich,
)
from foedus.replications.base import Figure

__all__ = ["ALLEY", "DATASETS", "DyadicSpec", "Published", "run_dyadic"]

#: The registered datasets both deterrence studies read.
DATASETS = ("cow_system", "nmc_6", "capitals", "capdist", "atop_members", "atop_alliances",
            "atop_directed", "midb", "polity5")

#: Alley's reanalysis of Johnson & Leeds (2011) with Aronow et al.'s variance.
ALLEY = ("Alley, Joshua. alliances-conflict-dyads, 'Johnson and Leeds 2011/Johnson and Leeds "
         "reanalysis.R' (github.com/joshuaalley/alliances-conflict-dyads): 'Correcting the "
         "standard errors means that Target and challenger defensive pacts are no longer "
         "associated with MID initiation at conventional levels of statistical significance' "
         "(his test: |z| > 1.64)")
SIGNIFICANCE = 0.05
ALLEY_Z = 1.645


@dataclass(frozen=True)
class Published:
    """What the article reports for one term: sign, significance and where it says so."""

    label: str
    sign: int | None = None
    significant: bool | None = None
    source: str = ""
    dyadic_significant: bool | None = None  # Alley's reanalysis, where it covers the term
    note: str = ""


@dataclass(frozen=True)
class DyadicSpec:
    """A deterrence study's design: period, link, duration terms, regressors, findings."""

    start: int
    end: int
    link: Literal["logit", "probit"]
    duration: Literal["splines", "cubic"]
    alliance: tuple[str, ...]
    controls: tuple[str, ...] = ("ln_distance", "capprop", "jdem", "s_un_glo")
    published: dict[str, Published] = field(default_factory=dict)
    coefficients_note: str = ""


def _duration(peace: np.ndarray, kind: str) -> tuple[np.ndarray, tuple[str, ...]]:
    if kind == "cubic":
        return cubic_terms(peace), ("peaceyrs", "peaceyrs2/100", "peaceyrs3/1000")
    return np.column_stack([peace, natural_spline(peace)]), ("peaceyrs", "spline(1,4,7)")


@dataclass(frozen=True)
class _Estimate:
    fit: BinaryFit
    clustered: np.ndarray
    dyadic: np.ndarray
    left_out: dict[str, str] = field(default_factory=dict)  # regressor -> why

    def index(self, name: str) -> int | None:
        """Position of ``name`` among the estimates (None if it was left out)."""
        return self.fit.names.index(name) if name in self.fit.names else None


def _estimable(frame: pd.DataFrame, columns: list[str]) -> tuple[pd.DataFrame, dict[str, str]]:
    """Leave out what ML cannot estimate, as Stata's logit and probit do.

    A regressor that does not vary, and a 0/1 regressor one of whose values predicts the
    outcome perfectly (with the rows that have that value).
    """
    left_out: dict[str, str] = {}
    changed = True
    while changed:
        changed = False
        for c in columns:
            if c in left_out:
                continue
            values = frame[c].to_numpy(float)
            if len(values) == 0 or np.ptp(values) == 0:
                left_out[c] = "constant in the sample: not estimable"
                changed = True
                continue
            if not np.isin(values, (0.0, 1.0)).all():
                continue
            for v in (0.0, 1.0):
                at = values == v
                events = frame["dispute"].to_numpy()[at]
                if events.min() == events.max():
                    left_out[c] = (f"{c} = {v:g} predicts "
                                   f"{'no initiation' if events[0] == 0 else 'initiation'} "
                                   f"perfectly ({int(at.sum()):,} dyad-years, left out with "
                                   f"the term, as Stata does): not estimable")
                    frame = frame[~at]
                    changed = True
                    break
    return frame, left_out


def _estimate(frame: pd.DataFrame, columns: list[str], spec: DyadicSpec, duration: str,
              source: dict[str, str] | None = None) -> _Estimate:
    """Fit ``columns`` on the rows that have them all, with both variances.

    Each column is read from ``source[column]`` where given (the strict or lagged versions
    of a term); the scores are not kept.
    """
    source = source or {}
    data = pd.DataFrame({c: frame[source.get(c, c)] for c in
                         [*columns, "dispute", "peaceyrs", "ccode1", "ccode2"]})
    data, left_out = _estimable(data.dropna(subset=columns), columns)
    kept = [c for c in columns if c not in left_out]
    peace, names = _duration(data["peaceyrs"].to_numpy(float), duration)
    x = np.column_stack([data[kept].to_numpy(float), peace])
    fit = fit_binary(data["dispute"].to_numpy(), x, (*kept, *names), spec.link)
    a, b = data["ccode1"].to_numpy(), data["ccode2"].to_numpy()
    dyad = a * 1000 + b
    groups = len(np.unique(dyad))
    clustered = sandwich(fit.bread, cluster_meat(fit.scores, dyad), groups / (groups - 1))
    dyadic = sandwich(fit.bread, dyadic_meat(fit.scores, a, b))
    return _Estimate(replace(fit, scores=np.empty((0, len(fit.names)))), clustered, dyadic,
                     left_out)


def _p(value: float | None) -> str:
    if value is None:
        return "-"
    return "< 1e-6" if value < 1e-6 else f"{value:.2g}"


def _num(value: float) -> float | None:
    return None if value is None or not math.isfinite(value) else round(float(value), 6)


def _coefficients(est: _Estimate, spec: DyadicSpec) -> list[dict[str, Any]]:
    fit = est.fit
    se_c, z_c, p_c = fit.se(est.clustered), fit.z(est.clustered), fit.p(est.clustered)
    se_d, z_d, p_d = fit.se(est.dyadic), fit.z(est.dyadic), fit.p(est.dyadic)
    names = [fit.names[0], *spec.alliance, *spec.controls,
             *(n for n in fit.names if n not in (*spec.alliance, *spec.controls, "constant"))]
    rows = []
    for name in names:
        pub = spec.published.get(name, Published(label=name))
        k = est.index(name)
        row = {"term": name, "label": pub.label, "published_coefficient": None,
               "published_sign": pub.sign, "published_significant": pub.significant,
               "published_source": pub.source, "coefficient": None,
               "se_dyad_clustered": None, "z_dyad_clustered": None, "p_dyad_clustered": None,
               "se_dyadic": None, "z_dyadic": None, "p_dyadic": None,
               "sign_reproduced": None, "significance_reproduced": None,
               "note": est.left_out.get(name, "")}
        if k is not None:
            sign = int(np.sign(fit.params[k]))
            row.update({
                "coefficient": _num(fit.params[k]), "se_dyad_clustered": _num(se_c[k]),
                "z_dyad_clustered": _num(z_c[k]), "p_dyad_clustered": _num(p_c[k]),
                "se_dyadic": _num(se_d[k]), "z_dyadic": _num(z_d[k]),
                "p_dyadic": _num(p_d[k]),
                "sign_reproduced": None if pub.sign is None else sign == pub.sign,
                "significance_reproduced": None if pub.significant is None
                else bool(p_c[k] < SIGNIFICANCE) == pub.significant})
        rows.append(row)
    return rows


def _elsewhere(term: str, sensitivity: list[dict[str, Any]]) -> str:
    """The term under the other variants, for a miss's note."""
    parts = [f"{r['variant']} {r['coefficient']:+.3f} (z {r['z_dyad_clustered']:.2f})"
             for r in sensitivity if r["term"] == term and r["variant"] != "as specified"
             and r["coefficient"] is not None]
    return (" Not reproduced; the article's controls and ATOP/MID versions differ (see the "
            "notes). Under the sensitivity variants: " + "; ".join(parts) + ".") if parts \
        else ""


def _figures(rows: list[dict[str, Any]], spec: DyadicSpec, n: int,
             sensitivity: list[dict[str, Any]]) -> list[Figure]:
    figures = []
    for row in rows:
        pub = spec.published.get(row["term"])
        if pub is None or row["term"] not in spec.alliance:
            continue
        coef, z, zd = row["coefficient"], row["z_dyad_clustered"], row["z_dyadic"]
        if pub.sign is not None:
            missed = coef is not None and np.sign(coef) != pub.sign
            figures.append(Figure.compare(
                f"{row['term']}: sign ({pub.label})", pub.sign,
                None if coef is None else float(np.sign(coef)), tolerance=0, unit="sign",
                n=n, note=f"{pub.source}. {pub.note}".strip() + (
                    f" Ours: {coef:+.3f} (z = {z:.2f} clustered by dyad)."
                    if coef is not None else f" Ours: {row['note']}.")
                + (_elsewhere(row["term"], sensitivity) if missed else "")))
        if pub.significant is not None:
            same_way = pub.sign is None or (coef is not None and np.sign(coef) == pub.sign)
            figures.append(Figure.compare(
                f"{row['term']}: significant at 5% in the published direction, clustered by "
                "dyad", float(pub.significant),
                None if row["p_dyad_clustered"] is None
                else float(row["p_dyad_clustered"] < SIGNIFICANCE and same_way),
                tolerance=0, unit="significance", n=n,
                note=f"{pub.source}. Ours: p = {_p(row['p_dyad_clustered'])}"
                     f"{'' if same_way else ', with the opposite sign'}."))
        if pub.dyadic_significant is not None:
            figures.append(Figure.compare(
                f"{row['term']}: significant under dyadic-robust errors (|z| > 1.645)",
                float(pub.dyadic_significant),
                None if zd is None else float(abs(zd) > ALLEY_Z), tolerance=0,
                unit="significance", n=n,
                note=f"{ALLEY}. Ours: z = {'-' if zd is None else f'{zd:.2f}'}."))
    return figures


def _sensitivity(frame: pd.DataFrame, spec: DyadicSpec, main: _Estimate,
                 columns: list[str]) -> list[dict[str, Any]]:
    other = "cubic" if spec.duration == "splines" else "splines"
    variants = [("as specified", main),
                ("undecidable ATOP conditions not counted",
                 _estimate(frame, columns, spec, spec.duration,
                           {c: f"{c}_decided" for c in spec.alliance})),
                (f"{other} peace-year terms", _estimate(frame, columns, spec, other)),
                ("pledges held in the previous year",
                 _estimate(frame, columns, spec, spec.duration,
                           {c: f"{c}_lag" for c in spec.alliance})),
                ("with both states' major-power status",
                 _estimate(frame, [*columns, "majpow1", "majpow2"], spec, spec.duration))]
    rows = []
    for label, est in variants:
        fit = est.fit
        for name in spec.alliance:
            k = est.index(name)
            rows.append({"variant": label, "term": name,
                         "coefficient": None if k is None else _num(fit.params[k]),
                         "z_dyad_clustered": None if k is None
                         else _num(fit.z(est.clustered)[k]),
                         "z_dyadic": None if k is None else _num(fit.z(est.dyadic)[k])})
    return rows


def run_dyadic(spec: DyadicSpec, *, start: int | None = None, end: int | None = None,
               undecidable: Literal["apply", "ignore"] = "apply",
               intra_alliance: Literal["exclude", "count"] = "exclude",
               sensitivity: bool = True,
               ) -> tuple[list[Figure], dict[str, list[dict[str, Any]]], list[str]]:
    """Build, fit and compare one deterrence study (``start``/``end`` narrow its years)."""
    start = spec.start if start is None else start
    end = spec.end if end is None else end
    began = time.perf_counter()
    built = build_dyad_years(start, end, spec.alliance, undecidable=undecidable,
                             intra_alliance=intra_alliance)
    build_seconds = round(time.perf_counter() - began, 2)
    frame = built.frame
    columns = [*spec.alliance, *spec.controls]
    missing = {c: int(frame[c].isna().sum()) for c in columns if frame[c].isna().any()}
    used = frame.dropna(subset=columns).reset_index(drop=True)
    fit_started = time.perf_counter()
    main = _estimate(used, columns, spec, spec.duration)
    rows = _coefficients(main, spec)
    tables: dict[str, list[dict[str, Any]]] = {"coefficients": rows}
    if sensitivity:
        tables["sensitivity"] = _sensitivity(used, spec, main, columns)
    fit_seconds = round(time.perf_counter() - fit_started, 2)
    seconds = {**built.seconds, "build (all steps)": build_seconds,
               "fits and variances": fit_seconds,
               "total": round(time.perf_counter() - began, 2)}
    tables["build"] = [{"step": k, "seconds": v} for k, v in seconds.items()]
    tables["sample"] = [
        {"item": "years", "value": f"{start}-{end}"},
        *({"item": k, "value": v} for k, v in built.counts.items()),
        *({"item": f"dropped: {c} missing", "value": v} for c, v in missing.items()),
        {"item": "directed dyad-years in the model", "value": main.fit.n},
        {"item": "initiations in the model", "value": main.fit.events},
        {"item": "directed dyads (clusters)",
         "value": len(np.unique(used["ccode1"].to_numpy() * 1000
                                    + used["ccode2"].to_numpy()))},
        {"item": "states", "value": len(np.unique(used[["ccode1", "ccode2"]]))},
    ]
    notes = [
        f"Built {built.counts['directed dyad-years']:,} directed dyad-years ({start}-{end}) "
        f"from the store in {build_seconds:.1f} s; the model uses "
        f"{main.fit.n:,} with {main.fit.events:,} initiations (fits and variances "
        f"{fit_seconds:.1f} s).",
        f"{spec.link.title()} with {spec.duration} peace-year terms; standard errors "
        "clustered by directed dyad (Stata's G/(G-1)) as published, and dyadic-robust "
        "(Aronow, Samii & Assenova 2015) beside them.",
        f"ATOP conditions ATOP does not record are counted as applying "
        f"(undecidable={undecidable!r}); intra-alliance aggression is "
        f"{'not covered' if intra_alliance == 'exclude' else 'covered'} by pledges "
        "without named adversaries; the sensitivity table gives the strict count.",
        "Ours (se clustered by dyad; dyadic-robust): " + "; ".join(
            f"{r['term']} {r['coefficient']:+.3f} ({r['se_dyad_clustered']:.3f}; "
            f"{r['se_dyadic']:.3f})" if r["coefficient"] is not None
            else f"{r['term']} not estimated ({r['note']})"
            for r in rows if r["term"] in spec.alliance) + ".",
        "Published coefficients were not retrieved (see the coefficient table's "
        "published_source): each alliance term is judged on its published sign and "
        "significance only. " + spec.coefficients_note,
    ]
    return _figures(rows, spec, main.fit.n, tables.get("sensitivity", [])), tables, notes
