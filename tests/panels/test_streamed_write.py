"""The Parquet write of a plan with similarity: row groups written as the years are done.

The measures are computed on a thread of their own while the other steps run, and each row
group is written once its rows are final (:meth:`foedus.panels.panel.Panel.collect_streaming`,
:func:`foedus.panels.writers.write_panel`). The file must hold what the panel computed at
once holds, and a failure on either thread must leave no file behind.
"""

from __future__ import annotations

import math
import threading
import time

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from foedus.errors import PanelError
from foedus.panels import create_dyad_years, similarity, writers

pytestmark = pytest.mark.usefixtures("store_home")


def _plan():
    # similarity between two joins: its columns must land in the plan's order
    return (create_dyad_years(1990, 1993).add_alliances().add_similarity(coding=["sr"])
            .add_cinc())


def test_the_streamed_file_holds_the_panel_computed_at_once(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(writers, "ROW_GROUP", 5000)  # several groups for four years
    eager = _plan().frame  # read first: the plan run at once, no streaming
    plan = _plan()
    plan.write(tmp_path / "p.parquet")
    assert "_collected" in plan.__dict__  # the write ran the plan; reading runs nothing
    assert plan.frame is plan.frame and list(plan.frame.columns) == list(eager.columns)
    for column in eager.columns:
        pd.testing.assert_series_equal(plan.frame[column], eager[column], check_exact=True)
    file = pq.ParquetFile(tmp_path / "p.parquet")
    assert file.metadata.num_row_groups == math.ceil(len(eager) / 5000) > 4
    table = file.read()
    expected = pa.Table.from_pandas(eager, preserve_index=False)
    assert table.schema.remove_metadata().equals(expected.schema.remove_metadata())
    assert table.equals(expected.cast(table.schema))
    assert b"Signorino" in table.schema.field("s_abs_sr").metadata[b"description"]


def test_a_failure_while_computing_leaves_no_file(tmp_path, monkeypatch) -> None:
    real = similarity._fill

    def failing(*args, **kwargs):
        years = real(*args, **kwargs)
        yield next(years)
        raise PanelError("the measures failed in 1991")

    monkeypatch.setattr(similarity, "_fill", failing)
    monkeypatch.setattr(writers, "ROW_GROUP", 5000)
    with pytest.raises(PanelError, match="failed in 1991"):
        _plan().write(tmp_path / "p.parquet")
    assert list(tmp_path.iterdir()) == []


def test_a_failing_step_stops_the_measures_thread(tmp_path, monkeypatch) -> None:
    from foedus.panels import capabilities

    def broken(panel, **options):
        raise PanelError("no capabilities today")

    monkeypatch.setattr(capabilities, "add_cinc", broken)
    with pytest.raises(PanelError, match="no capabilities today"):
        _plan().write(tmp_path / "p.parquet")
    assert list(tmp_path.iterdir()) == []


def test_a_write_failing_before_its_first_group_stops_the_measures(tmp_path,
                                                                    monkeypatch) -> None:
    def no_metadata(panel):
        raise PanelError("no metadata today")

    real, years = similarity._fill, []

    def slow(*args, **kwargs):  # 0.02 s a year: 4 s for the 203 years, unless stopped
        for year in real(*args, **kwargs):
            years.append(year)
            time.sleep(0.02)
            yield year

    monkeypatch.setattr(similarity, "_fill", slow)
    monkeypatch.setattr(writers, "panel_metadata", no_metadata)
    plan = create_dyad_years(1816, 2018).add_similarity(coding=["sr"])
    with pytest.raises(PanelError, match="no metadata today"):
        plan.write(tmp_path / "p.parquet")
    assert list(tmp_path.iterdir()) == []
    threads = [t for t in threading.enumerate() if t.name == "foedus-similarity"]
    for thread in threads:
        thread.join(timeout=30)  # told to stop: it ends after its current year
    assert not any(t.is_alive() for t in threads)
    assert 0 < len(years) < 100  # stopped soon after the write failed, not run to 2018
    assert "_collected" not in plan.__dict__  # nothing half-run is kept as the panel
