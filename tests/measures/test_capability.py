"""CINC: hand-computed cases, properties, and the published NMC column (reproduction b)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
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


class TestScaledSpending:
    """``milex_scale``: a state's military expenditure multiplied before the shares."""

    def test_scaling_equals_cinc_of_the_scaled_components(self) -> None:
        frame = pd.DataFrame({"ccode": [2, 200, 365], "year": [1990] * 3,
                              "milex": [300.0, 30.0, 200.0], "tpop": [250.0, 57.0, 290.0]})
        scaled = frame.assign(milex=frame["milex"] * [1.0, 2.0, 1.0])
        got = cinc(frame, components=("milex", "tpop"), milex_scale={200: 2.0})
        assert np.allclose(got, cinc(scaled, components=("milex", "tpop")))
        # by hand: milex shares 300/560, 60/560, 200/560; tpop 250/597, 57/597, 290/597
        assert got.iloc[1] == pytest.approx((60 / 560 + 57 / 597) / 2)

    def test_no_scale_leaves_the_published_index(self) -> None:
        frame = pd.DataFrame({"ccode": [2, 200], "year": [1900, 1900], "milex": [3.0, 1.0],
                              "tpop": [1.0, 1.0]})
        assert cinc(frame, components=("milex", "tpop"), milex_scale={}).tolist() == \
            cinc(frame, components=("milex", "tpop")).tolist()

    @pytest.mark.usefixtures("store_home")
    def test_reproduces_the_published_column(self) -> None:
        from foedus.data import queries
        from foedus.measures.capability import NMC_COMPONENTS

        nmc = queries.capabilities(queries.NMC, (*NMC_COMPONENTS, "cinc"))
        year = nmc[nmc["year"] == 2010]
        assert np.allclose(cinc(year, milex_scale={2: 1.0}), year["cinc"], atol=1e-6,
                           equal_nan=True)
