"""Joining values onto a panel (private helpers of the add steps).

Joins are gathers on integer keys (``year * 1000 + ccode``; COW codes are below 1000)
instead of hash merges: a dense lookup array over the table's key range where that range is
small (state-years: about 200,000 slots), else a sorted key array and
``numpy.searchsorted``, which keeps a full dyad-year panel (two million rows) joining in
tens of milliseconds.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from foedus.panels.panel import Panel

__all__ = ["add_columns", "attach_state_values", "dyad_key", "gather", "state_key", "suffixed",
           "unique_keys"]


#: The largest key range :func:`gather` indexes with a dense lookup array (int64 slots).
DENSE_SPAN = 1 << 22


def add_columns(frame: pd.DataFrame, new: dict) -> pd.DataFrame:
    """A new frame with ``new`` columns added, sharing every column's data (no copy).

    ``DataFrame.assign`` copies every existing column first, and setting a column copies the
    array set; on a two-million-row panel those copies, repeated at every step, cost more
    than the steps themselves. A column of ``new`` named as an existing one replaces it in
    its place.
    """
    columns = {name: _values(frame[name]) for name in frame.columns}
    for name, values in new.items():
        columns[name] = _values(values) if isinstance(values, pd.Series) else values
    return pd.DataFrame(columns, index=frame.index, copy=False)


def _values(column: pd.Series) -> object:
    """A column's data as it is held: its extension array, or its numpy array."""
    if isinstance(column.dtype, pd.api.extensions.ExtensionDtype):
        return column.array
    return column.to_numpy()


def state_key(ccode: np.ndarray, year: np.ndarray) -> np.ndarray:
    """The integer key of a state-year."""
    return year.astype(np.int64) * 1000 + ccode.astype(np.int64)


def unique_keys(*keys: np.ndarray) -> np.ndarray:
    """The sorted distinct values of integer key arrays (``numpy.unique`` of them all).

    Marks a boolean array over the keys' range where that range is small (state-years),
    which is much cheaper than sorting millions of keys.
    """
    keys = tuple(np.asarray(k, dtype=np.int64) for k in keys)
    if not any(len(k) for k in keys):
        return np.unique(np.concatenate(keys))
    low = min(int(k.min()) for k in keys if len(k))
    span = max(int(k.max()) for k in keys if len(k)) - low + 1
    if span > DENSE_SPAN:
        return np.unique(np.concatenate(keys))
    seen = np.zeros(span, dtype=bool)
    for k in keys:
        seen[k - low] = True
    return np.flatnonzero(seen) + low


def dyad_key(ccode1: np.ndarray, ccode2: np.ndarray, year: np.ndarray) -> np.ndarray:
    """The integer key of a directed dyad-year."""
    return state_key(ccode1, year) * 1000 + ccode2.astype(np.int64)


def gather(keys: np.ndarray, table_keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions of ``keys`` in ``table_keys`` and a mask of the keys found.

    A key present more than once in ``table_keys`` maps to its first occurrence. The
    position given for a key not found is a valid index of no meaning (mask it).
    """
    n = len(table_keys)
    if n and len(keys):
        low = int(table_keys.min())
        span = int(table_keys.max()) - low + 1
        if span <= DENSE_SPAN:
            found_rows = _dense(np.asarray(keys), np.asarray(table_keys), low, span)
            if found_rows is not None:
                return found_rows
    order = np.argsort(table_keys, kind="stable")
    sorted_keys = table_keys[order]
    pos = np.searchsorted(sorted_keys, keys)
    pos = np.minimum(pos, max(len(sorted_keys) - 1, 0))
    found = (sorted_keys[pos] == keys) if len(sorted_keys) else np.zeros(len(keys), bool)
    return order[pos] if len(order) else pos, found


def _dense(keys: np.ndarray, table_keys: np.ndarray, low: int,
           span: int) -> tuple[np.ndarray, np.ndarray] | None:
    """:func:`gather` through a lookup array over the key range; None for repeated keys."""
    index = np.arange(len(table_keys), dtype=np.int64)
    lookup = np.full(span, -1, dtype=np.int64)
    slots = table_keys.astype(np.int64) - low
    lookup[slots] = index
    if not np.array_equal(lookup[slots], index):  # a repeated key: the sorted path decides
        return None
    shifted = keys.astype(np.int64) - low
    inside = (shifted >= 0) & (shifted < span)
    rows = lookup[np.where(inside, shifted, 0)]
    found = inside & (rows >= 0)
    np.maximum(rows, 0, out=rows)
    return rows, found


def _column(values: pd.Series, rows: np.ndarray, found: np.ndarray) -> pd.Series | np.ndarray:
    data = values.to_numpy()
    if pd.api.types.is_integer_dtype(values.dtype) or pd.api.types.is_bool_dtype(values.dtype):
        out = data[rows] if len(data) else np.zeros(len(rows), dtype=np.int64)
        return pd.arrays.IntegerArray(out.astype(np.int64, copy=False), ~found)
    if not len(data):
        return np.full(len(rows), np.nan)
    out = data.astype(float, copy=False).take(rows)
    if not found.all():
        out[~found] = np.nan
    return out


def attach_state_values(panel: Panel, values: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Add ``values`` (``ccode``, ``year``, columns; one row per state-year) to the frame.

    State-years get the columns as they are; dyad-years get ``<col>1`` for ``ccode1`` and
    ``<col>2`` for ``ccode2``. Rows without a value stay null (never zero).
    """
    table = state_key(values["ccode"].to_numpy(), values["year"].to_numpy())
    if len(np.unique(table)) != len(table):
        raise ValueError("attach_state_values needs one row per state-year")
    frame = panel.frame
    year = frame["year"].to_numpy()
    sides = [("ccode", "")] if panel.unit == "state_year" else [("ccode1", "1"), ("ccode2", "2")]
    new = {}
    for code, suffix in sides:
        rows, found = gather(state_key(frame[code].to_numpy(), year), table)
        for c in columns:
            new[f"{c}{suffix}"] = _column(values[c], rows, found)
    return add_columns(frame, new)


def suffixed(panel: Panel, column: str) -> list[str]:
    """The names ``column`` takes in this panel (one for state-years, two for dyad-years)."""
    return [column] if panel.unit == "state_year" else [f"{column}1", f"{column}2"]
