"""How each registered file is read: parsing, row checks and the traps of each source.

:func:`read_raw` returns a file's rows as published (verified, parsed, row count checked).
The ``tidy_*`` functions turn them into the store's tables: sentinels become nulls, dates
are built, code systems are named. Traps handled here (PROVENANCE, "Known traps"):

- line endings: CRLF (ATOP, NMC 6.0, capdist, system2016…), CR only (COW wars v4.0), and
  files without a final newline; pandas' C parser reads all three, and every read is checked
  against the registered row count so that a reader that silently drops rows fails loudly;
- sentinels: NMC 6.0 ``-9``; COW wars ``-8`` and ``-9``; MIDB ``-9``; GML ``-9`` days;
  NMC 7.0 and ATOP leave cells blank; ATOP's exit date is ``0`` while in effect;
- ``atopinst5_1.csv`` stores its version as the float ``5.0999999``;
- capdist uses Gleditsch & Ward codes, not COW codes (kept, and named ``gw``);
- Polity5 and ICB v15 begin with a UTF-8 byte-order mark (read as ``utf-8-sig``);
- CShapes 2.0 is a TopoJSON topology compressed with xz, not a CSV: its "rows" are the
  geometries of its one object (:func:`read_topology` returns the topology itself, arcs
  decoded through the ``transform`` where the file carries one).
"""

from __future__ import annotations

import json
import lzma
from pathlib import Path

import numpy as np
import pandas as pd

from foedus.data.fetch import Located, locate
from foedus.data.registry import Dataset
from foedus.errors import DataFormatError

__all__ = ["dates_from_parts", "null_sentinels", "read_csv_checked", "read_raw",
           "read_topology"]

#: Parser options by registry name (files whose bytes need more than the defaults).
READ_OPTIONS: dict[str, dict[str, object]] = {
    "polity5": {"encoding": "utf-8-sig"},
    "icb_crises": {"encoding": "utf-8-sig"},
    "icb_actors": {"encoding": "utf-8-sig"},
    "icb_dyads": {"encoding": "utf-8-sig"},
}
#: Registered files that are TopoJSON topologies (xz-compressed), read by :func:`read_topology`.
TOPOLOGIES = frozenset({"cshapes_cow"})


def read_csv_checked(entry: Dataset, path: Path, **kwargs: object) -> pd.DataFrame:
    """Parse a registered CSV and check its row count against the registry.

    Raises
    ------
    DataFormatError
        If the file cannot be parsed or its row count differs from the registered one
        (a truncated or altered file, or a reader that drops rows).
    """
    try:
        frame = pd.read_csv(path, low_memory=False, **kwargs)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError,
            ValueError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DataFormatError(f"{entry.name}: cannot parse {path}: {first}.") from None
    if len(frame) != entry.rows:
        raise DataFormatError(
            f"{entry.name}: {path} has {len(frame)} data rows, the registry expects "
            f"{entry.rows}; the file is truncated or altered, and nothing was loaded."
        )
    return frame


def read_raw(name: str, located: Located | None = None) -> pd.DataFrame:
    """A registered file's rows exactly as published, verified and parsed.

    For a topology (CShapes) the rows are its geometries' properties, one per geometry.
    """
    found = located or locate(name)
    if found.dataset.name in TOPOLOGIES:
        topology = _load_topology(found)
        return pd.DataFrame([g.get("properties", {}) for g in _geometries(topology)])
    return read_csv_checked(found.dataset, found.path, **READ_OPTIONS.get(found.dataset.name, {}))


def _geometries(topology: dict) -> list[dict]:
    objects = topology.get("objects", {})
    if len(objects) != 1:
        raise DataFormatError(f"expected one TopoJSON object, found {len(objects)}.")
    return next(iter(objects.values())).get("geometries", [])


def _load_topology(found: Located) -> dict:
    entry = found.dataset
    try:
        with lzma.open(found.path, "rt", encoding="utf-8") as handle:
            topology = json.load(handle)
    except (lzma.LZMAError, json.JSONDecodeError, UnicodeDecodeError, EOFError) as exc:
        raise DataFormatError(f"{entry.name}: cannot read {found.path} as xz-compressed "
                              f"TopoJSON: {exc}.") from None
    if not isinstance(topology, dict) or topology.get("type") != "Topology":
        raise DataFormatError(f"{entry.name}: {found.path} is not a TopoJSON topology.")
    count = len(_geometries(topology))
    if count != entry.rows:
        raise DataFormatError(
            f"{entry.name}: {found.path} has {count} geometries, the registry expects "
            f"{entry.rows}; the file is truncated or altered, and nothing was loaded.")
    return topology


def read_topology(name: str = "cshapes_cow", located: Located | None = None) -> dict:
    """A registered TopoJSON topology, verified, with its arcs in absolute coordinates.

    TopoJSON may quantise arcs (a ``transform`` with ``scale`` and ``translate``, positions
    delta-encoded); when the file carries one, the arcs are decoded here and the transform
    removed, so callers always see longitude/latitude pairs.
    """
    found = located or locate(name)
    if found.dataset.name not in TOPOLOGIES:
        raise DataFormatError(f"{found.dataset.name} is not a registered topology.")
    topology = _load_topology(found)
    transform = topology.pop("transform", None)
    if transform:
        (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
        decoded = []
        for arc in topology["arcs"]:
            x = y = 0
            points = []
            for dx, dy, *_ in arc:
                x, y = x + dx, y + dy
                points.append([x * sx + tx, y * sy + ty])
            decoded.append(points)
        topology["arcs"] = decoded
    return topology


def null_sentinels(frame: pd.DataFrame, columns: list[str] | None,
                   sentinels: tuple[int, ...]) -> pd.DataFrame:
    """Replace sentinel codes with nulls (nullable integers or NaN) in ``columns``.

    ``columns=None`` means every numeric column.
    """
    out = frame.copy()
    cols = columns if columns is not None else list(out.select_dtypes("number").columns)
    for col in cols:
        values = out[col]
        mask = values.isin(sentinels)
        if mask.any():
            if pd.api.types.is_integer_dtype(values):
                values = values.astype("Int64")
            out[col] = values.mask(mask)
    return out


def dates_from_parts(year: pd.Series, month: pd.Series, day: pd.Series) -> pd.Series:
    """Dates from year/month/day columns; null where the year or month is unknown.

    An unknown day (null) gives the first of the month; callers keep a flag saying so.
    """
    y = pd.to_numeric(year, errors="coerce")
    m = pd.to_numeric(month, errors="coerce")
    d = pd.to_numeric(day, errors="coerce")
    ok = y.notna() & m.notna() & (y > 0) & (m >= 1) & (m <= 12)
    parts = pd.DataFrame({
        "year": y.where(ok, 2000).astype(int),
        "month": m.where(ok, 1).astype(int),
        "day": d.where(d.notna() & (d >= 1) & (d <= 31), 1).astype(int),
    })
    out = pd.to_datetime(parts, errors="coerce")
    return out.where(ok).dt.date.astype(object).where(ok, None)


def _as_float(values: pd.Series) -> pd.Series:
    return pd.to_numeric(values, errors="coerce").astype(float)


def as_nullable_int(values: pd.Series) -> pd.Series:
    """Integers with nulls (pandas ``Int64``)."""
    return pd.to_numeric(values, errors="coerce").round().astype("Int64")


def finite(values: pd.Series) -> pd.Series:
    """Floats with non-finite values made null."""
    out = _as_float(values)
    return out.where(np.isfinite(out))
