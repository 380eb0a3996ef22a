"""The eager reference of the full dyad-year panel: the code as it was before issue 17.

``reference_dyad_years(start, end)`` builds what ``create_dyad_years(start, end)
.add_alliances().add_cinc().add_distance().add_contiguity().add_similarity()`` gives, the
way foedus did before the store kept its prebuilt tables and the panel became a plan:

- ATOP's directed dyad-years computed from the commitment model on every call
  (:func:`foedus.model.dyads.directed_dyad_years` over the store's ATOP treaties), not read
  from ``prebuilt_atop_dyad_years``;
- capitals by year computed from the capital spells (``capitals_by_year_of``), not read
  from ``prebuilt_capitals_by_year``;
- the similarity measures from :func:`foedus.measures.similarity.similarity_matrices`,
  one matrix product per level pair, BLAS threads as the library sets them;
- every step applied at once, each on the frame of the one before.

The joins (``gather``, ``attach_state_values``, ``add_columns``) and the CINC and contiguity
steps are kept here as they were (the panel's own now use dense lookups and share column
data). tests/panels/test_panel_plan.py compares the two column by column; benchmarks/panel.py
times both in the same run.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from foedus.data import queries
from foedus.data.loaders import atop_treaties_from_store
from foedus.measures.capability import NMC_COMPONENTS
from foedus.measures.distance import haversine_km
from foedus.measures.similarity import similarity_matrices, valued_ties
from foedus.model.dyads import directed_dyad_years
from foedus.panels._join import dyad_key, state_key
from foedus.panels.panel import ColumnInfo, Panel
from foedus.registry import dataset

DUMMIES = queries.ATOP_DUMMIES
MEASURES = ("s_abs", "s_sq", "s_wabs", "kappa", "pi", "taub")
CODINGS = ("chiba", "sr")


# The joins as they were before issue 17 ------------------------------------------------


def add_columns(frame: pd.DataFrame, new: dict) -> pd.DataFrame:
    """A new frame with ``new`` columns added (a shallow copy; each new column copied)."""
    out = frame.copy(deep=False)
    for name, values in new.items():
        out[name] = values
    return out


def gather(keys: np.ndarray, table_keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions of ``keys`` in ``table_keys`` (unique) and a mask of the keys found."""
    order = np.argsort(table_keys, kind="stable")
    sorted_keys = table_keys[order]
    pos = np.searchsorted(sorted_keys, keys)
    pos = np.minimum(pos, max(len(sorted_keys) - 1, 0))
    found = (sorted_keys[pos] == keys) if len(sorted_keys) else np.zeros(len(keys), bool)
    return order[pos] if len(order) else pos, found


def _column(values: pd.Series, rows: np.ndarray, found: np.ndarray) -> pd.Series | np.ndarray:
    data = values.to_numpy()
    if pd.api.types.is_integer_dtype(values.dtype) or pd.api.types.is_bool_dtype(values.dtype):
        out = data[rows] if len(data) else np.zeros(len(rows), dtype=np.int64)
        return pd.arrays.IntegerArray(out.astype(np.int64), ~found)
    out = data[rows].astype(float) if len(data) else np.full(len(rows), np.nan)
    out[~found] = np.nan
    return out


def attach_state_values(panel: Panel, values: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Add ``values`` (``ccode``, ``year``, columns) to a dyad-year frame, suffixed 1/2."""
    table = state_key(values["ccode"].to_numpy(), values["year"].to_numpy())
    frame = panel.frame
    year = frame["year"].to_numpy()
    new = {}
    for code, suffix in [("ccode1", "1"), ("ccode2", "2")]:
        rows, found = gather(state_key(frame[code].to_numpy(), year), table)
        for c in columns:
            new[f"{c}{suffix}"] = _column(values[c], rows, found)
    return add_columns(frame, new)


def _cinc(panel: Panel) -> Panel:
    columns = [*NMC_COMPONENTS, "cinc"]
    values = queries.capabilities("7.0", columns)
    frame = attach_state_values(panel, values, columns)
    return panel.with_columns(frame, {f"{c}{s}": ColumnInfo(c) for c in columns
                                      for s in "12"})


def _contiguity(panel: Panel) -> Panel:
    spells = queries.contiguity_spells()
    last: int = dataset("contiguity").last_year  # type: ignore[assignment]
    years = np.arange(panel.start, min(panel.end, last) + 1)
    lo = np.maximum(spells["first"].to_numpy(), panel.start)
    hi = np.minimum(spells["last"].to_numpy(), years[-1] if len(years) else panel.start - 1)
    counts = np.clip(hi - lo + 1, 0, None)
    expanded = pd.DataFrame({
        "ccode1": np.repeat(spells["ccode1"].to_numpy(), counts),
        "ccode2": np.repeat(spells["ccode2"].to_numpy(), counts),
        "conttype": np.repeat(spells["conttype"].to_numpy(), counts),
        "year": np.concatenate([np.arange(a, b + 1) for a, b in zip(lo, hi, strict=True)
                                if b >= a] or [np.array([], dtype=int)])})
    closest = expanded.groupby(["ccode1", "ccode2", "year"], as_index=False)["conttype"].min()
    rows, found = gather(
        dyad_key(panel.frame["ccode1"].to_numpy(), panel.frame["ccode2"].to_numpy(),
                 panel.frame["year"].to_numpy()),
        dyad_key(closest["ccode1"].to_numpy(), closest["ccode2"].to_numpy(),
                 closest["year"].to_numpy()))
    values = np.where(found, closest["conttype"].to_numpy()[rows] if len(closest) else 0, 0)
    beyond = panel.frame["year"].to_numpy() > last
    frame = add_columns(panel.frame, {"conttype": pd.arrays.IntegerArray(
        values.astype(np.int8), beyond)})
    return panel.with_columns(frame, {"conttype": ColumnInfo("conttype")})


def _dyads() -> pd.DataFrame:
    frame = directed_dyad_years(atop_treaties_from_store())
    return frame.astype({c: "int8" for c in DUMMIES} | {
        "ccode1": "int32", "ccode2": "int32", "year": "int32"})


def _create(start: int, end: int) -> Panel:
    states, notes = queries.system_years(start, end)
    parts = []
    for year, group in states.groupby("year", sort=True):
        codes = group["ccode"].to_numpy()
        a, b = np.meshgrid(codes, codes, indexing="ij")
        keep = a != b
        parts.append(pd.DataFrame({"ccode1": a[keep], "ccode2": b[keep],
                                   "year": np.int32(year)}))
    frame = pd.concat(parts, ignore_index=True)
    frame = frame.astype({"ccode1": "int32", "ccode2": "int32", "year": "int32"})
    columns = {c: ColumnInfo(c, ("cow_system",)) for c in ("ccode1", "ccode2", "year")}
    return Panel(frame, "dyad_year", True, start, end, columns, notes)


def _alliances(panel: Panel, dyads: pd.DataFrame) -> Panel:
    frame = panel.frame
    rows, found = gather(dyad_key(frame["ccode1"].to_numpy(), frame["ccode2"].to_numpy(),
                                  frame["year"].to_numpy()),
                         dyad_key(dyads["ccode1"].to_numpy(), dyads["ccode2"].to_numpy(),
                                  dyads["year"].to_numpy()))
    covered = frame["year"].to_numpy() <= queries.ATOP_LAST_YEAR
    values = {c: np.where(found, dyads[c].to_numpy()[rows], 0).astype(np.int8) for c in DUMMIES}
    new = {c: pd.arrays.IntegerArray(v, ~covered) for c, v in values.items()}
    for coding in CODINGS:
        ties = valued_ties(*(values[c] for c in DUMMIES), coding=coding).astype(np.int8)
        new[f"atop_tie_{coding}"] = pd.arrays.IntegerArray(ties, ~covered)
    return panel.with_columns(add_columns(frame, new), {c: ColumnInfo(c) for c in new})


def _distance(panel: Panel) -> Panel:
    year = panel.frame["year"].to_numpy()
    keys = np.unique(np.concatenate([state_key(panel.frame["ccode1"].to_numpy(), year),
                                     state_key(panel.frame["ccode2"].to_numpy(), year)]))
    capitals = queries.capitals_by_year_of(
        queries.capitals(), pd.DataFrame({"ccode": keys % 1000, "year": keys // 1000}))
    frame = attach_state_values(panel, capitals, ["lat", "lon"])
    distance = haversine_km(frame["lat1"], frame["lon1"], frame["lat2"], frame["lon2"])
    return panel.with_columns(add_columns(panel.frame, {"capdist": distance}),
                              {"capdist": ColumnInfo("capdist")})


def _similarity(panel: Panel, dyads: pd.DataFrame) -> Panel:
    frame = panel.frame
    members, _ = queries.system_years(panel.start, min(panel.end, queries.ATOP_LAST_YEAR))
    cinc = queries.capabilities(queries.NMC, ("cinc",), non_null="cinc")
    nmc_last = dataset("nmc_7").last_year
    names = [f"{m}_{c}" for c in CODINGS for m in MEASURES]
    out = {n: np.full(len(frame), np.nan) for n in names}
    year_index = frame.groupby("year").indices
    dyads_by_year = dyads.groupby("year").indices
    cinc_by_year = cinc.groupby("year").indices
    for year, states in members.groupby("year").indices.items():
        rows = year_index.get(year)
        if rows is None:
            continue
        codes = np.sort(members["ccode"].to_numpy()[states])
        n = len(codes)
        weights = None
        if year <= nmc_last:
            weights = np.zeros(n)
            if year in cinc_by_year:
                c = cinc.iloc[cinc_by_year[year]]
                pos = np.searchsorted(codes, c["ccode"].to_numpy())
                ok = (pos < n) & (codes[np.minimum(pos, n - 1)] == c["ccode"].to_numpy())
                weights[pos[ok]] = c["cinc"].to_numpy()[ok]
        d = dyads.iloc[dyads_by_year.get(year, np.array([], dtype=int))]
        i = np.searchsorted(codes, d["ccode1"].to_numpy())
        k = np.searchsorted(codes, d["ccode2"].to_numpy())
        inside = (i < n) & (k < n)
        inside &= (codes[np.minimum(i, n - 1)] == d["ccode1"].to_numpy())
        inside &= (codes[np.minimum(k, n - 1)] == d["ccode2"].to_numpy())
        p1 = np.searchsorted(codes, frame["ccode1"].to_numpy()[rows])
        p2 = np.searchsorted(codes, frame["ccode2"].to_numpy()[rows])
        for c_name in CODINGS:
            tie = np.zeros((n, n), dtype=np.int8)
            tie[i[inside], k[inside]] = valued_ties(
                *(d[col].to_numpy()[inside] for col in DUMMIES), coding=c_name)
            portfolio = tie.copy()
            np.fill_diagonal(portfolio, 3)
            asked = [m for m in MEASURES if m != "s_wabs" or weights is not None]
            result = similarity_matrices(portfolio, weights, measures=asked)
            for m in asked:
                out[f"{m}_{c_name}"][rows] = result[m][p1, p2]
    return panel.with_columns(add_columns(frame, out), {n: ColumnInfo(n) for n in out})


def reference_dyad_years(start: int = 1816, end: int = 2018, *,
                         similarity: bool = True) -> pd.DataFrame:
    """The full directed dyad-year panel, built eagerly as before issue 17.

    Parameters
    ----------
    start, end
        The years.
    similarity
        Add the twelve similarity columns (the last step).

    Returns
    -------
    pandas.DataFrame
        The frame, columns in the order of the default ``foedus panel dyad-years``.
    """
    dyads = _dyads()
    panel = _create(start, end)
    panel = _alliances(panel, dyads)
    panel = _cinc(panel)
    panel = _distance(panel)
    panel = _contiguity(panel)
    if similarity:
        panel = _similarity(panel, dyads)
    return panel.frame


def write_reference(path: str, *, similarity: bool = True) -> None:
    """Build the reference panel and write it as the Parquet writer did before issue 17."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    frame = reference_dyad_years(similarity=similarity)
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), path,
                   compression="zstd")
