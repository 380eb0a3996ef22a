"""Writing a panel: Parquet, CSV or Stata ``.dta``, chosen by the file's extension.

Parquet keeps the column descriptions and the provenance in its metadata, Stata the variable
labels.

The file is written through :func:`foedus.atomic.atomic_path`: a temporary name beside the
target, flushed and renamed into place only when complete, with the umask's ordinary mode,
so a failed or interrupted write never leaves a half-written panel or a temporary file.
"""

from __future__ import annotations

import json
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from foedus._validation import TypeOf, validate_params
from foedus.atomic import atomic_path
from foedus.errors import PanelError, ParameterError, WriteError
from foedus.panels.panel import Panel

__all__ = ["FORMATS", "panel_metadata", "write_panel"]

FORMATS = (".parquet", ".csv", ".dta")


@validate_params({"panel": [TypeOf(Panel, "a Panel")]}, error=PanelError)
def panel_metadata(panel: Panel) -> dict:
    """What a panel is and where each column comes from, as JSON-ready data.

    Parameters
    ----------
    panel
        The panel.

    Returns
    -------
    dict
        :func:`foedus.panels.answer.describe_panel` as JSON, without the path.

    Raises
    ------
    PanelError
        For an object that is not a panel.

    References
    ----------
    .. [1] Apache Parquet file format, key-value metadata.
       https://parquet.apache.org/docs/file-format/metadata/

    Examples
    --------
    >>> from foedus.panels import create_state_years
    >>> panel_metadata(create_state_years(1816, 1816))["rows"]
    23
    """
    from foedus.panels.answer import describe_panel  # the answer module imports this one

    return describe_panel(panel).to_json()


#: Rows per Parquet row group (2**17; DuckDB's default is 122,880, pyarrow's 2**20): small
#: enough that a full dyad-year panel's groups are written while the similarity measures
#: of later years are still being computed, large enough to cost no more than one
#: large group (benchmarks/panel_steps.py).
ROW_GROUP = 1 << 17

#: Row groups converted to Arrow ahead of the encoder, at most (each ~35 MB for a full
#: dyad-year panel; unbounded, the conversions of a whole panel waited in memory).
_AHEAD = 2

#: zstd at level 1 without dictionary pages: a third less time than pyarrow's defaults
#: for a file a fifth larger (benchmarks/panel.py)
_PARQUET_OPTIONS = {"compression": "zstd", "compression_level": 1, "use_dictionary": False}


def _parquet(panel: Panel, path: Path) -> None:
    """Write Parquet, each row group as soon as its rows are final.

    A plan with a similarity step is run with that step's columns allocated but not yet
    filled (:meth:`~foedus.panels.panel.Panel.collect_streaming`: the measures are
    computed on a thread of their own while the other steps run); as the years are done,
    each row group whose rows are final is converted to Arrow on one thread and encoded
    on another (pyarrow releases the GIL), so on a machine with two cores the writing
    overlaps the computing. The file is the same either way: the same columns, values,
    types, metadata and row groups.
    """
    done, fill = panel.collect_streaming()
    try:
        frame = done.data
        meta = panel_metadata(done)
        fields = []
        for f in pa.Schema.from_pandas(frame, preserve_index=False):
            info = meta["columns"].get(f.name)
            fields.append(f.with_metadata({"description": info["description"]}) if info else f)
        schema = pa.schema(fields, metadata={b"foedus": json.dumps(meta).encode("utf-8")})
        rows = len(frame)
        with pq.ParquetWriter(path, schema, **_PARQUET_OPTIONS) as writer, \
                ThreadPoolExecutor(1, thread_name_prefix="foedus-arrow") as convert, \
                ThreadPoolExecutor(1, thread_name_prefix="foedus-parquet") as encode:
            written, start = [], 0
            ahead = threading.BoundedSemaphore(_AHEAD)  # converted groups waiting, at most
            for ready in fill:
                while start < rows and (ready - start >= ROW_GROUP or ready == rows):
                    stop = min(start + ROW_GROUP, rows)
                    ahead.acquire()
                    part = convert.submit(_arrow_rows, frame, schema, start, stop)
                    written.append(encode.submit(_write_group, writer, part, ahead))
                    start = stop
            if rows == 0:
                writer.write_table(_arrow_rows(frame, schema, 0, 0))
            for task in written:
                task.result()  # a failed group raises here (atomic_path then removes the file)
    finally:
        close = getattr(fill, "close", None)
        if close is not None:  # a write that failed early stops the measures' thread
            close()


def _arrow_rows(frame: pd.DataFrame, schema: pa.Schema, start: int, stop: int) -> pa.Table:
    """Rows ``start:stop`` of ``frame`` as an Arrow table of ``schema``."""
    part = pa.Table.from_pandas(frame.iloc[start:stop], preserve_index=False)
    return part.cast(schema)


def _write_group(writer: pq.ParquetWriter, part: Future,
                 ahead: threading.BoundedSemaphore) -> None:
    """Write one converted part (a future of :func:`_arrow_rows`) as one row group."""
    try:
        writer.write_table(part.result(), row_group_size=ROW_GROUP)
    finally:
        ahead.release()


def _stata(panel: Panel, path: Path) -> None:
    frame = panel.frame.copy()
    for col in frame.columns:  # Stata has no nullable integers: missing becomes '.'
        if isinstance(frame[col].dtype, pd.core.arrays.integer.IntegerDtype):
            frame[col] = frame[col].astype("float64" if frame[col].isna().any() else "int32")
    labels = {c: info.description[:80] for c, info in panel.columns.items()
              if c in frame.columns}
    note = f"foedus {panel.unit.replace('_', '-')} panel {panel.start}-{panel.end}"
    frame.to_stata(path, write_index=False, version=118, variable_labels=labels,
                   data_label=note[:80])


@validate_params({"panel": [TypeOf(Panel, "a Panel")],
                  "path": [TypeOf((str, Path), "a file path")]}, error=PanelError)
def write_panel(panel: Panel, path: str | Path) -> Path:
    """Write ``panel`` to ``path`` (format by extension), atomically.

    Parquet keeps each column's description and the provenance in its metadata, Stata its
    variable labels; CSV is the frame alone. The file is written to a temporary name beside
    the target (:func:`foedus.atomic.atomic_path`) and renamed into place only when
    complete; it gets the permissions of an ordinary ``open()`` (``0666`` less the umask).

    Parameters
    ----------
    panel
        The panel.
    path
        The file: ``.parquet``, ``.csv`` or ``.dta``.

    Returns
    -------
    pathlib.Path
        The path written.

    References
    ----------
    .. [1] StataCorp. Stata 14 ``.dta`` file format (format 118).
       https://www.stata.com/help.cgi?dta

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from foedus.panels import create_state_years
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = write_panel(create_state_years(1816, 1816), Path(folder) / "s.csv")
    ...     len(path.read_text().splitlines())
    24

    Raises
    ------
    ParameterError
        For an unknown extension.
    WriteError
        For a missing folder or a failed write (the target is left as it was);
        :class:`~foedus.errors.DiskFullError` when the disk is full.
    """
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in FORMATS:
        raise ParameterError(f"cannot write {target}: the extension must be one of "
                          f"{', '.join(FORMATS)}.")
    if not target.parent.is_dir():
        raise WriteError(f"cannot write {target}: the folder {target.parent} does not exist.")
    with atomic_path(target) as tmp:
        if suffix == ".parquet":
            _parquet(panel, tmp)
        elif suffix == ".csv":
            panel.frame.to_csv(tmp, index=False)
        else:
            _stata(panel, tmp)
    return target
