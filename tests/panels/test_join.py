"""The panel's joins: the dense lookup finds what a sorted search finds (issue 17).

:func:`foedus.panels._join.gather` answers through a lookup array over the table's key range
where that range is small, else through a sorted search; both must give the same mask and,
for every key found, the same row (the first occurrence of a repeated key).
:func:`~foedus.panels._join.unique_keys` must equal ``numpy.unique`` of the keys together.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from foedus.panels import _join

_keys = st.lists(st.integers(0, 3000), max_size=60)


def _sorted_search(keys: np.ndarray, table: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The sorted-search path, as gather takes it for a wide key range."""
    order = np.argsort(table, kind="stable")
    ordered = table[order]
    pos = np.minimum(np.searchsorted(ordered, keys), max(len(ordered) - 1, 0))
    found = ordered[pos] == keys if len(ordered) else np.zeros(len(keys), bool)
    return (order[pos] if len(order) else pos), found


@settings(max_examples=200, deadline=None, derandomize=True)
@given(keys=_keys, table=_keys, shift=st.sampled_from([0, 1_816_000, 10**9]))
def test_gather_finds_what_a_sorted_search_finds(keys, table, shift) -> None:
    keys = np.asarray(keys, dtype=np.int64) + shift
    table = np.asarray(table, dtype=np.int64) + shift
    rows, found = _join.gather(keys, table)
    want_rows, want_found = _sorted_search(keys, table)
    np.testing.assert_array_equal(found, want_found)
    np.testing.assert_array_equal(rows[found], want_rows[want_found])
    if len(table):
        assert ((rows >= 0) & (rows < len(table))).all()  # every position a valid index


def test_gather_takes_the_dense_path_for_state_years_and_not_for_dyads() -> None:
    table = np.array([1816002, 1816200, 2018002], dtype=np.int64)
    keys = np.array([2018002, 1816200, 1900000, 1816002, 5], dtype=np.int64)
    rows, found = _join.gather(keys, table)
    assert found.tolist() == [True, True, False, True, False]
    assert rows[found].tolist() == [2, 1, 0]
    wide = table * 1000  # dyad-like keys: a range wider than DENSE_SPAN
    rows, found = _join.gather(keys * 1000, wide)
    assert found.tolist() == [True, True, False, True, False]
    assert rows[found].tolist() == [2, 1, 0]


@settings(max_examples=200, deadline=None, derandomize=True)
@given(a=_keys, b=_keys, shift=st.sampled_from([0, 1_816_000, 10**9]))
def test_unique_keys_is_numpy_unique(a, b, shift) -> None:
    a = np.asarray(a, dtype=np.int64) + shift
    b = np.asarray(b, dtype=np.int64) + shift
    got = _join.unique_keys(a, b)
    np.testing.assert_array_equal(got, np.unique(np.concatenate([a, b])))


def test_add_columns_shares_data_and_keeps_dtypes_and_places() -> None:
    frame = pd.DataFrame({"a": np.arange(4, dtype=np.int32),
                          "b": pd.array([1, None, 3, 4], dtype="Int8")})
    new = np.linspace(0.0, 1.0, 4)
    out = _join.add_columns(frame, {"c": new, "a": np.arange(4, 8, dtype=np.int32)})
    assert list(out.columns) == ["a", "b", "c"]
    assert out.dtypes.tolist() == [np.dtype("int32"), pd.Int8Dtype(), np.dtype("float64")]
    assert np.shares_memory(out["c"].to_numpy(), new)
    assert out["a"].tolist() == [4, 5, 6, 7] and frame["a"].tolist() == [0, 1, 2, 3]
    assert out["b"].isna().tolist() == [False, True, False, False]
