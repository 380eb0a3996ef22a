"""The panel as a plan (issue 17): the same panel as the eager reference, column by column.

``benchmarks/panel_reference.py`` keeps the code as it was before the issue (ATOP dyad-years
and capitals computed on every call, the measures module's similarity matrices, every step
run at once); the plan reads the store's prebuilt tables and the panel's own similarity
kernel. Both build the full directed panel 1816-2018 here, in the same run.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from foedus.errors import PanelError
from foedus.panels import create_dyad_years, create_state_years

# loaded from its file, not by putting benchmarks/ on sys.path: its web.py would hide
# the tests' own web package from every test collected after this one
_spec = importlib.util.spec_from_file_location(
    "panel_reference", Path(__file__).resolve().parents[2] / "benchmarks" / "panel_reference.py")
_reference = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_reference)
reference_dyad_years = _reference.reference_dyad_years

#: The weighted S is a sum of floats in the order the BLAS library picks (it changes with
#: the number of threads, which the plan sets to one); every other column is compared
#: bit for bit.
BLAS_SUMS = ("s_wabs_chiba", "s_wabs_sr")


def test_the_full_panel_equals_the_eager_reference(store_home: Path, tmp_path: Path) -> None:
    plan = (create_dyad_years(1816, 2018).add_alliances().add_cinc().add_distance()
            .add_contiguity().add_similarity())
    # written first: the plan runs as the write streams it (the measures on their own
    # thread, row groups written as the years are done), then is read as it was kept
    plan.write(tmp_path / "panel.parquet")
    new = plan.frame
    old = reference_dyad_years(1816, 2018)
    assert list(new.columns) == list(old.columns)
    assert len(new) == len(old) == 1_988_010
    for column in new.columns:
        assert new[column].dtype == old[column].dtype, column
        if column in BLAS_SUMS:
            np.testing.assert_array_equal(new[column].isna(), old[column].isna())
            np.testing.assert_allclose(new[column], old[column], rtol=0, atol=1e-12)
        else:
            pd.testing.assert_series_equal(new[column], old[column], check_exact=True)
    # the file holds the frame: every column, value and null as Arrow converts it
    table = pq.read_table(tmp_path / "panel.parquet")
    assert table.column_names == list(old.columns)
    for column in old.columns:
        expected = pa.array(old[column], from_pandas=True)
        if column in BLAS_SUMS:
            np.testing.assert_allclose(table[column].to_numpy(), expected.to_numpy(
                zero_copy_only=False), rtol=0, atol=1e-12)
        else:
            assert table[column].combine_chunks().equals(expected), column


def test_the_plan_runs_when_read_and_only_once(store_home: Path) -> None:
    panel = create_state_years(2000, 2001).add_cinc().add_majors()
    assert [step for step, _ in panel.plan] == ["cinc", "majors"]
    assert len(panel) == len(panel.frame) > 300
    assert panel.frame is panel.frame
    assert "majpow" in panel.columns and "cinc" in panel.frame.columns
    assert panel.collect().plan == ()


def test_a_wrong_step_fails_where_it_is_written(store_home: Path) -> None:
    with pytest.raises(PanelError, match="needs a dyad-year panel"):
        create_state_years(2000, 2000).add_similarity()
    with pytest.raises(PanelError, match="collapse"):
        create_dyad_years(2000, 2000).add_alliances(collapse="neither")
