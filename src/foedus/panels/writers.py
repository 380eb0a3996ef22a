"""Writing a panel: Parquet, CSV or Stata ``.dta``, chosen by the file's extension.

Parquet keeps the column descriptions and the provenance in its metadata, Stata the variable
labels.

The file is written through :func:`foedus.atomic.atomic_path`: a temporary name beside the
target, flushed and renamed into place only when complete, with the umask's ordinary mode,
so a failed or interrupted write never leaves a half-written panel or a temporary file.
"""

from __future__ import annotations

import json
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


def _parquet(panel: Panel, path: Path) -> None:
    meta = panel_metadata(panel)
    table = pa.Table.from_pandas(panel.frame, preserve_index=False)
    fields = []
    for f in table.schema:
        info = meta["columns"].get(f.name)
        fields.append(f.with_metadata({"description": info["description"]}) if info else f)
    schema = pa.schema(fields, metadata={b"foedus": json.dumps(meta).encode("utf-8")})
    # zstd at level 1 without dictionary pages: a third less time than pyarrow's defaults
    # for a file a fifth larger (benchmarks/panel.py)
    pq.write_table(table.cast(schema), path, compression="zstd", compression_level=1,
                   use_dictionary=False)


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
