"""CINC: hand-computed cases, properties, and the published NMC column (reproduction b)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.pandas import column, data_frames

from foedus.data.readers import null_sentinels, read_raw
from foedus.measures import NMC_COMPONENTS, cinc


def test_missing_component_is_left_out_of_share_and_mean() -> None:
    df = pd.DataFrame({"year": [1, 1, 1], "milex": [2.0, 2.0, None], "tpop": [1.0, 1.0, 2.0]})
    out = cinc(df, components=("milex", "tpop"))
    assert np.allclose(out, [(0.5 + 0.25) / 2, (0.5 + 0.25) / 2, 0.5])


@given(data_frames([column("year", elements=st.integers(1, 3)),
                    *[column(c, elements=st.floats(0.5, 1e6)) for c in NMC_COMPONENTS]]))
def test_complete_years_sum_to_one(df: pd.DataFrame) -> None:
    if df.empty:
        return
    out = cinc(df)
    assert ((out >= 0) & (out <= 1)).all()
    assert np.allclose(out.groupby(df["year"]).sum(), 1.0)


def _recomputed(name: str, *, nulls: bool) -> tuple[pd.Series, pd.Series]:
    frame = read_raw(name)
    if nulls:
        frame = null_sentinels(frame, list(NMC_COMPONENTS), (-9,))
    return cinc(frame), frame["cinc"]


def test_reproduces_published_cinc_nmc_6() -> None:
    mine, published = _recomputed("nmc_6", nulls=True)
    assert np.allclose(mine, published, rtol=1e-6, atol=0)


def test_reproduces_published_cinc_nmc_7() -> None:
    mine, published = _recomputed("nmc_7", nulls=False)
    assert np.allclose(mine, published, rtol=1e-6, atol=0)


def test_nmc_6_sentinel_would_break_it() -> None:
    mine, published = _recomputed("nmc_6", nulls=False)  # -9 read as a value
    assert not np.allclose(mine, published, rtol=1e-6, atol=0)
