"""The authored identity tables and the country_converter wrapper behind
:mod:`foedus.data.identities`.

Every decision that country_converter (coco) cannot make, or makes wrongly, lives in a CSV
table under ``foedus/data/tables/`` with a ``source`` and a ``note`` column saying why, so
that a reader can audit it and a change shows in review:

- ``identity_cow_iso3_exceptions.csv``: the ISO-3 code of a COW state where coco, applied
  to the COW name, gets it wrong or finds none (blank = the state has no ISO code);
- ``identity_iso3_spells.csv``: input codes whose meaning depends on the date (DEU, YEM,
  KOR) or that are not current ISO codes (SUN, CSK, YUG, XKX...), with dated windows; a
  window without a ccode says that the code denotes no state then, and why;
- ``identity_name_exceptions.csv``: names coco does not know or maps wrongly, each with the
  key it stands for (an ISO-3 or input code, or ``cow:`` + COW abbreviation);
- ``identity_nonstate_codes.csv``: codes of aggregates (World Bank regions, income and
  lending groups) and of other non-states that are not ISO codes;
- ``identity_series_rules.csv``: when a source has two series for one COW state-year (a
  historical and a successor code), which one is not used, per dataset (blank = all).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import TYPE_CHECKING, Any

from foedus.errors import DataFormatError

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "Window",
    "coco_iso3",
    "coco_iso3_codes",
    "cow_iso3_exceptions",
    "name_exceptions",
    "name_keys",
    "nonstate_codes",
    "normalise_name",
    "series_rules",
    "table",
    "window_spells",
]

_COLUMNS = {
    "identity_cow_iso3_exceptions": ["ccode", "abb", "name", "iso3", "source", "note"],
    "identity_iso3_spells": ["code", "ccode", "start", "end", "reason", "source", "note"],
    "identity_name_exceptions": ["name", "key", "reason", "source", "note"],
    "identity_nonstate_codes": ["code", "name", "reason", "source", "note"],
    "identity_series_rules": ["dataset", "code", "start", "end", "reason", "source", "note"],
}


@dataclass(frozen=True)
class Window:
    """A dated meaning of an input code: ``ccode`` (None = no state, see ``reason``) from
    ``start`` to ``end``, both inclusive; open ends are ``date.min`` / ``date.max``."""

    ccode: int | None
    start: dt.date
    end: dt.date
    reason: str
    note: str

    def covers(self, day: dt.date) -> bool:
        """Whether ``day`` falls inside the window."""
        return self.start <= day <= self.end


@cache
def table(name: str) -> pd.DataFrame:
    """An authored table as strings (blank cells are empty strings, never NaN: the ISO-2
    code of Namibia, ``NA``, must not turn into a null)."""
    import pandas as pd  # only when a table is read: resolving a state from the store's index
    # needs none

    path = files("foedus.data") / "tables" / f"{name}.csv"
    with path.open(encoding="utf-8") as handle:
        frame = pd.read_csv(handle, dtype=str, keep_default_na=False)
    missing = [c for c in _COLUMNS[name] if c not in frame.columns]
    if missing:
        raise DataFormatError(f"{name}.csv lacks the columns {missing}; the package is damaged.")
    return frame.apply(lambda col: col.str.strip())


def _day(text: str, default: dt.date) -> dt.date:
    return dt.date.fromisoformat(text) if text else default


def _windows(frame: pd.DataFrame, key: str) -> dict[str, list[Window]]:
    out: dict[str, list[Window]] = {}
    for row in frame.itertuples(index=False):
        code = getattr(row, key).upper()
        ccode = int(row.ccode) if getattr(row, "ccode", "") else None
        out.setdefault(code, []).append(Window(
            ccode, _day(row.start, dt.date.min), _day(row.end, dt.date.max),
            row.reason, row.note))
    return out


@cache
def cow_iso3_exceptions() -> dict[int, tuple[str | None, str]]:
    """ccode -> (ISO-3 or None, note), overriding coco's answer for the COW name."""
    frame = table("identity_cow_iso3_exceptions")
    return {int(r.ccode): (r.iso3 or None, r.note) for r in frame.itertuples(index=False)}


@cache
def window_spells() -> dict[str, list[Window]]:
    """Input code -> its dated windows (identity_iso3_spells.csv)."""
    return _windows(table("identity_iso3_spells"), "code")


@cache
def series_rules() -> dict[tuple[str, str], list[Window]]:
    """(dataset or "", code) -> windows in which that code's series is not used."""
    frame = table("identity_series_rules").assign(ccode="")
    out: dict[tuple[str, str], list[Window]] = {}
    for dataset, part in frame.groupby("dataset", sort=False):
        for code, wins in _windows(part, "code").items():
            out[(str(dataset), code)] = wins
    return out


def normalise_name(name: str) -> str:
    """Case- and space-insensitive form of a name, used to look names up."""
    return " ".join(str(name).split()).casefold()


@cache
def name_exceptions() -> dict[str, tuple[str | None, str, str]]:
    """Normalised name -> (key or None, reason when None, note)."""
    frame = table("identity_name_exceptions")
    return {normalise_name(r.name): (r.key or None, r.reason, r.note)
            for r in frame.itertuples(index=False)}


@cache
def nonstate_codes() -> dict[str, tuple[str, str, str]]:
    """Code -> (name, reason, note) for aggregates and other non-states."""
    frame = table("identity_nonstate_codes")
    return {r.code.upper(): (r.name, r.reason, r.note) for r in frame.itertuples(index=False)}


@cache
def _converter() -> Any:  # country_converter ships no type hints
    import country_converter as coco

    return coco.CountryConverter()


@contextmanager
def _quiet_coco() -> Iterator[None]:
    """Silence coco's per-name warnings ("not found in regex") for the duration."""
    logger = logging.getLogger("country_converter")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


@cache
def coco_iso3_codes() -> frozenset[str]:
    """Every ISO 3166-1 alpha-3 code coco knows (current codes, plus XKX)."""
    return frozenset(str(c) for c in _converter().data["ISO3"].dropna())


_NAME_CACHE: dict[str, str | None] = {}


def coco_iso3(names: Iterable[str]) -> dict[str, str | None]:
    """ISO-3 code of each name by coco's regular expressions; None if coco finds none or
    several. Each distinct name is converted once per process (coco is slow)."""
    wanted = list(dict.fromkeys(str(n) for n in names))
    todo = [n for n in wanted if n not in _NAME_CACHE]
    if todo:
        known = coco_iso3_codes()
        with _quiet_coco():
            found = _converter().convert(todo, src="regex", to="ISO3", enforce_list=True,
                                         not_found="~")
        for name, hits in zip(todo, found, strict=True):
            hits = [h for h in hits if h in known]
            _NAME_CACHE[name] = hits[0] if len(hits) == 1 else None
    return {n: _NAME_CACHE[n] for n in wanted}


def name_keys(names: list[str]) -> dict[str, tuple[str | None, str, str]]:
    """Key of each name, or (None, reason, detail): the authored name exceptions first,
    then coco (once per distinct name). A key is an ISO-3 or input code, or ``cow:ABB``."""
    fixes = name_exceptions()
    out: dict[str, tuple[str | None, str, str]] = {}
    rest = []
    for name in names:
        hit = fixes.get(normalise_name(name))
        if hit is None:
            rest.append(name)
        else:
            out[name] = hit
    for name, iso3 in coco_iso3(rest).items():
        out[name] = (iso3, "", "") if iso3 else (
            None, "unknown name", "country_converter finds no single ISO-3 code for it")
    return out
