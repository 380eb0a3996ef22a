"""The gazetteer's sources: the places book (``books/places.toml``) and a homeland per COW
state generated from states2016, the capitals file and ``data/tables/homeland_regions.csv``.

This is the loader half of :mod:`foedus.model.places` (the pure model: :class:`Place`,
:class:`Spell`, :class:`Gazetteer`); see that module for the rules a place follows.
:func:`default_gazetteer` is the shipped gazetteer, built once.
"""

from __future__ import annotations

import csv
import datetime as dt
import tomllib
from collections.abc import Collection, Iterable
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import country_converter as coco
from pydantic import ValidationError

from foedus.data import identities_tables as tables
from foedus.data.identities import cow_iso3_table
from foedus.data.readers import read_raw
from foedus.data.tidy import TABLES
from foedus.errors import PlaceBookError, Problem
from foedus.model.places import Gazetteer, Place, _distinct
from foedus.model.toml_positions import field_path, key_lines, line_of
from foedus.registry import dataset

__all__ = ["BOOK", "REGIONS_TABLE", "cow_abbreviations", "default_gazetteer", "load_places"]

BOOK = "places.toml"
REGIONS_TABLE = "homeland_regions.csv"


def _last_cow_day() -> dt.date:
    """The last day of COW system membership (states2016): spells ending then continue."""
    day = dataset("cow_states").last_day
    assert day is not None
    return day


# --- loading --------------------------------------------------------------------------------

def _field(loc: Iterable[str | int]) -> str:
    return field_path(tuple(loc))


def _message(error: Any) -> str:
    return str(error["msg"]).removeprefix("Value error, ")


@cache
def cow_abbreviations() -> dict[int, str]:
    """COW code -> abbreviation, from states2016."""
    raw = read_raw("cow_states")
    return dict(zip(raw["ccode"].astype(int), raw["stateabb"].astype(str), strict=True))


_cow = cow_abbreviations


def _check_codes(place: Place, ccodes: Collection[int]
                 ) -> tuple[tuple[str | int, ...], str] | None:
    for name in ("sovereignty", "administration", "claims"):
        for i, spell in enumerate(getattr(place, name)):
            if spell.state is not None and spell.state not in ccodes:
                return (name, i, "state"), f"{spell.state} is not a COW code in states2016"
    if place.homeland_of is not None and place.homeland_of not in ccodes:
        return ("homeland_of",), f"{place.homeland_of} is not a COW code in states2016"
    return None


def _bad_entry(file: str, line: int | None, pid: str, loc: tuple[str | int, ...], why: str,
               more: int = 0) -> PlaceBookError:
    extra = f" (and {more} more)" if more else ""
    field = _field(loc) or "id"
    return PlaceBookError([Problem(file, line, f"place[{pid}].{field}", why)],
                          message=f"{file}, line {line}: place '{pid}', field '{field}': "
                                  f"{why}{extra}")


def _parse_book(text: str, file: str, ccodes: Collection[int]) -> tuple[Place, ...]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PlaceBookError(f"{file}: not valid TOML: {exc}") from None
    extra = sorted(set(data) - {"place"})
    if extra or not isinstance(data.get("place", []), list):
        raise PlaceBookError(f"{file}: expected only [[place]] tables, found {extra or 'place'}")
    lines = key_lines(text)
    places: list[Place] = []
    seen: set[str] = set()
    for i, entry in enumerate(data.get("place", [])):
        if not isinstance(entry, dict):
            raise PlaceBookError(f"{file}, line {line_of(lines, ('place',))}: place[{i}] must "
                                 f"be a [[place]] table, not {type(entry).__name__}")
        pid = str(entry.get("id", f"#{i + 1}"))
        try:
            place = Place.model_validate(entry)
        except ValidationError as exc:
            errors = exc.errors()
            loc = tuple(errors[0]["loc"])
            raise _bad_entry(file, line_of(lines, ("place", i, *loc)), pid, loc,
                             _message(errors[0]), len(errors) - 1) from None
        bad = _check_codes(place, ccodes)
        if bad or place.id in seen:
            loc, why = bad or (("id",), f"duplicate id '{place.id}'")
            raise _bad_entry(file, line_of(lines, ("place", i, *loc)), pid, loc, why)
        seen.add(place.id)
        places.append(place)
    return tuple(places)


def load_places(path: str | Path, *, ccodes: Collection[int] | None = None) -> tuple[Place, ...]:
    """Read and validate a places book (TOML, ``[[place]]`` tables; see ``places.toml``).

    Parameters
    ----------
    path
        The TOML file.
    ccodes
        The COW codes a spell may name; default every state of states2016.

    Returns
    -------
    tuple of Place
        In book order.

    Raises
    ------
    PlaceBookError
        On the first bad entry, naming the file, line, place id and field (an unknown region
        tag, a start after its end, overlapping sovereignty spells, an unknown COW code...).
    """
    try:
        text = Path(path).read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PlaceBookError(f"cannot read the places book {path}: {exc}") from None
    return _parse_book(text, str(path), set(_cow()) if ccodes is None else ccodes)


def _regions_table() -> dict[int, dict[str, str]]:
    path = resources.files("foedus.data").joinpath("tables", REGIONS_TABLE)
    with path.open("r", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    out: dict[int, dict[str, str]] = {}
    for number, row in enumerate(rows, start=2):
        if row.get("is_island") not in {"true", "false"} or not (row.get("ccode") or "").isdigit():
            raise PlaceBookError(f"{REGIONS_TABLE}, line {number}: needs a numeric ccode and "
                                 f"is_island true or false, got {row}")
        if int(row["ccode"]) in out:
            raise PlaceBookError(f"{REGIONS_TABLE}, line {number}: ccode {row['ccode']} twice")
        out[int(row["ccode"])] = row
    missing = sorted(set(_cow()) - set(out))
    if missing or set(out) - set(_cow()):
        raise PlaceBookError(f"{REGIONS_TABLE}: no row for the COW states {missing}, or rows for "
                             f"codes not in states2016 {sorted(set(out) - set(_cow()))}")
    return out


def _state_aliases() -> dict[int, list[str]]:
    """Other names of each COW state: the capitals file's, foedus's authored name
    exceptions, and country_converter's short and official names where the state's ISO-3
    code belongs to it alone (DEU is shared by 255 and 260, so neither gets 'Germany')."""
    names: dict[int, list[str]] = {}
    capitals = read_raw("capitals")
    for c, name in zip(capitals["ccode"], capitals["statenme"], strict=True):
        names.setdefault(int(c), []).append(str(name))
    by_abb = {abb: c for c, abb in _cow().items()}
    windows = tables.window_spells()
    for row in tables.table("identity_name_exceptions").itertuples(index=False):
        key = row.key
        owners = ({by_abb.get(key[4:])} if key.startswith("cow:") else
                  {w.ccode for w in windows.get(key, []) if w.ccode is not None})
        if len(owners) == 1 and None not in owners:
            names.setdefault(owners.pop(), []).append(row.name)
    iso = cow_iso3_table().dropna(subset=["iso3"])
    single = iso.drop_duplicates("iso3", keep=False)
    data = coco.CountryConverter().data.set_index("ISO3")
    for c, code in zip(single["ccode"], single["iso3"], strict=True):
        if code in data.index:
            names.setdefault(int(c), []).extend(data.loc[code, ["name_short", "name_official"]])
    return names


def _homelands() -> list[Place]:
    """One generated homeland per COW state (see the module notes)."""
    raw = read_raw("cow_states")
    capitals = next(t for t in TABLES if t.name == "capitals").build(
        {"capitals": read_raw("capitals")})
    latest = capitals.sort_values("start_date").groupby("ccode").last()
    table, aliases = _regions_table(), _state_aliases()
    out = []
    for ccode, rows in raw.groupby("ccode", sort=True):
        c, first = int(ccode), rows.iloc[0]
        spells = []
        for r in rows.itertuples(index=False):
            start, end = dt.date(r.styear, r.stmonth, r.stday), dt.date(r.endyear, r.endmonth,
                                                                          r.endday)
            spells.append({"state": c, "start": None if start == dt.date(1816, 1, 1) else start,
                           "end": None if end == _last_cow_day() else end,
                           "source": f"COW states2016 system membership {start}..{end}"})
        cap, row = latest.loc[c], table[c]
        try:
            out.append(Place.model_validate({
                "id": f"homeland:{first.stateabb}", "name": str(first.statenme),
                "aliases": _distinct(str(first.statenme), aliases.get(c, ())),
                "kind": "homeland", "homeland_of": c,
                "regions": [t.strip() for t in row["regions"].split(";") if t.strip()],
                "is_island": row["is_island"] == "true",
                "lat": float(cap["lat"]), "lon": float(cap["lon"]), "sovereignty": spells,
                "sources": ("COW State System Membership (states2016)",
                            f"capitals: {cap['capital']} (latest capital)",
                            f"{REGIONS_TABLE}: {row['source']}"),
                "note": row["note"]}))
        except ValidationError as exc:
            error = exc.errors()[0]
            raise PlaceBookError(f"{REGIONS_TABLE}: ccode {c}, field '{_field(error['loc'])}': "
                                 f"{_message(error)}") from None
    return out


@cache
def default_gazetteer() -> Gazetteer:
    """The shipped gazetteer: ``books/places.toml`` plus a homeland per COW state (cached).

    An authored ``homeland:<abb>`` replaces the generated one and adds its aliases.
    """
    path = resources.files("foedus").joinpath("books", BOOK)
    authored = load_places(Path(str(path)))
    generated = {p.id: p for p in _homelands()}
    cow = _cow()
    for place in authored:
        if place.kind != "homeland":
            continue
        if place.id not in generated or cow.get(place.homeland_of or 0) != place.id[9:]:
            raise PlaceBookError(f"{BOOK}: place '{place.id}', field 'homeland_of': "
                                 f"{place.homeland_of} is not the COW state {place.id[9:]}")
        generated[place.id] = place.model_copy(update={"aliases": _distinct(
            place.name, [*place.aliases, *generated[place.id].aliases])})
    return Gazetteer([*(p for p in authored if p.kind != "homeland"), *generated.values()])
