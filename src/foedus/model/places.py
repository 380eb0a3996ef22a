"""A gazetteer with dated sovereignty and administration (DESIGN §3, "Place").

Treaty scopes turn on where an attack happens and whose that place is: NATO Art. 6 covers
"the territory of any of the Parties in Europe or North America" and islands "in the North
Atlantic area north of the Tropic of Cancer"; US-Japan Art. V "territories under the
administration of Japan". A :class:`Place` says, for any date, who is sovereign, who
administers it and who claims it, and which regions and seas it lies in.

This module is the pure model: it reads no file. The places book, the homelands generated
from COW and :meth:`Gazetteer.default` are built by the data layer
(:mod:`foedus.data.places`).

Places come from two sources. Every COW state (states2016) has a generated *homeland*: its
sovereignty follows the state's COW membership spells (spells ending 2016-12-31, the last
COW day, continue; gaps such as France 1942-1944 or Japan 1945-1952 read as no sovereign),
its point is its latest capital and its regions come from ``data/tables/homeland_regions.csv``.
The authored book ``books/places.toml`` adds dependent territories, disputed places and sea
areas, each fact with the act or date it rests on; an authored ``homeland:<abb>`` replaces
the generated one (Taiwan, whose sovereignty is disputed).

Region tags are geographic facts, not legal conclusions; the treaty book applies the law.

- Continents: land carries its continent; a transcontinental state carries both (Turkey,
  Russia, Kazakhstan, Egypt; Georgia and Azerbaijan on the Greater Caucasus watershed
  convention, Armenia Asia only; Cyprus Asia). Oceanic islands far from a continental shelf
  carry none (Bermuda), or ``oceania`` for the Pacific islands (Hawaii, Guam).
- The West Indies carry no continent: Puerto Rico, and the Caribbean island states, are
  tagged ``caribbean`` and ``north_atlantic``. If the Antilles were "territory in North
  America", NATO Art. 6 would cover Puerto Rico, which its islands clause excludes by the
  Tropic; Central America is ``north_america``.
- Seas: land carries a sea only when it is an island (or island group) lying in it; coasts
  and peninsulas do not (Crimea is ``europe``). A sea that opens onto an ocean carries the
  ocean too (``south_china_sea``, ``east_china_sea``, ``taiwan_strait`` with ``pacific``;
  ``caribbean`` with ``north_atlantic``; the North Sea is ``north_atlantic``).
- The Baltic and the Black Sea are semi-enclosed seas behind straits whose place in NATO's
  "North Atlantic area" and "Mediterranean Sea" is contested: they carry only their own tag
  (``baltic``, ``black_sea``), as the Mediterranean, named apart in Art. 6, carries only
  ``mediterranean``. A clause that takes the inclusive reading names them.

Sovereignty is not moved by force or unilateral annexation (UN Charter Art. 2(4)): Crimea
stays Ukrainian, northern Cyprus Cypriot, the Northern Territories Japanese. It is None
where no state's title is generally held (Taiwan since 1952; a low-tide elevation).
"""

from __future__ import annotations

import datetime as dt
import difflib
import importlib
import itertools
import re
import unicodedata
from collections.abc import Iterable, Iterator
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from foedus._deprecation import moved, warn_moved
from foedus.errors import PlaceBookError, UnknownPlaceError
from foedus.units import as_day

__all__ = ["CONTINENTS", "KINDS", "REGIONS", "SEAS", "TROPIC_OF_CANCER", "Gazetteer", "Place",
           "Spell"]

#: Latitude of the Tropic of Cancer in degrees: the mean obliquity of the ecliptic at the
#: epoch J2000.0, 23°26′21.406″ (IAU 2006 precession; Capitaine, Wallace & Chapront 2003,
#: A&A 412, 567, doi:10.1051/0004-6361:20031539). It was 23.4459° in 1949; the ~700 m of drift
#: since decides no place in the book.
TROPIC_OF_CANCER = 23.4393
CONTINENTS = frozenset({"europe", "asia", "africa", "north_america", "south_america",
                        "oceania", "antarctica"})
SEAS = frozenset({"north_atlantic", "south_atlantic", "pacific", "indian_ocean", "arctic_ocean",
                  "mediterranean", "baltic", "black_sea", "south_china_sea", "east_china_sea",
                  "taiwan_strait", "caribbean"})
REGIONS = CONTINENTS | SEAS
#: A sea that is part of an ocean must carry the ocean's tag too.
PART_OF = {"south_china_sea": "pacific", "east_china_sea": "pacific",
           "taiwan_strait": "pacific", "caribbean": "north_atlantic"}
KINDS = ("homeland", "territory", "island", "sea_area", "feature")


def _as_day(on: dt.date | int) -> dt.date:
    """A date; an int is a year, read as July 1 (:func:`foedus.units.as_day`)."""
    return as_day(on, name="on")  # type: ignore[return-value]


class Spell(BaseModel):
    """Who holds a title from ``start`` to ``end`` (both inclusive; None is open).

    ``state`` is a COW code, or None for no state (terra nullius, a polity COW does not
    list, an undetermined title); the book writes None as ``"none"``.

    Examples
    --------
    >>> us = Spell(state=2, start=dt.date(1945, 6, 22), end=dt.date(1972, 5, 14),
    ...            source="US administration of Okinawa")
    >>> us.covers(dt.date(1972, 5, 14)), us.covers(dt.date(1972, 5, 15))
    (True, False)
    """

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    state: int | None
    start: dt.date | None = None
    end: dt.date | None = None
    source: str = Field(min_length=1)

    @field_validator("state", mode="before")
    @classmethod
    def _state(cls, value: Any) -> Any:
        if value == "none" or value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f'a COW code (int) or "none" is needed, not {value!r}')
        return value

    @model_validator(mode="after")
    def _ordered(self) -> Spell:
        if self.start and self.end and self.start > self.end:
            raise ValueError(f"start {self.start} is after end {self.end}")
        return self

    def covers(self, day: dt.date) -> bool:
        """Whether ``day`` falls inside the spell."""
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


def _span(spell: Spell) -> str:
    return f"{spell.start or '(open)'}..{spell.end or '(open)'}"


def _overlap(spells: Iterable[Spell]) -> str | None:
    ordered = sorted(spells, key=lambda s: s.start or dt.date.min)
    for a, b in itertools.pairwise(ordered):
        if a.end is None or b.start is None or a.end >= b.start:
            return f"the spells {_span(a)} and {_span(b)} overlap"
    return None


class Place(BaseModel):
    """A gazetteer entry: where it is, which regions it lies in, and whose it is when.

    ``claims`` are states asserting a sovereignty that the gazetteer does not record,
    whether or not they hold the place (Russia over Crimea, China over the Senkakus).
    ``homeland_of`` is the COW code of a homeland's state (None for other kinds).
    """

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    id: str = Field(pattern=r"^([a-z][a-z0-9_]*|homeland:[A-Z]{3})$")
    name: str = Field(min_length=1)
    aliases: tuple[str, ...] = ()
    kind: Literal["homeland", "territory", "island", "sea_area", "feature"]
    homeland_of: int | None = Field(default=None, validate_default=True)
    regions: frozenset[str]
    is_island: bool
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    sovereignty: tuple[Spell, ...] = ()
    administration: tuple[Spell, ...] = ()
    claims: tuple[Spell, ...] = ()
    sources: tuple[str, ...] = Field(min_length=1)
    note: str = ""

    @field_validator("homeland_of")
    @classmethod
    def _homeland_of(cls, value: int | None, info: ValidationInfo) -> int | None:
        if (value is not None) != (info.data.get("kind") == "homeland"):
            raise ValueError("is required for kind 'homeland' and only for it")
        return value

    @field_validator("regions", mode="before")
    @classmethod
    def _regions(cls, value: Any) -> Any:
        if not isinstance(value, str | list | tuple | set | frozenset):
            raise ValueError(f"must be a list of region tags, not {type(value).__name__}")
        tags = [value] if isinstance(value, str) else list(value)
        if not all(isinstance(t, str) for t in tags):
            raise ValueError("every region tag must be a string")
        unknown = sorted(str(t) for t in tags if t not in REGIONS)
        if unknown:
            raise ValueError(f"unknown region tag {', '.join(map(repr, unknown))}; "
                             f"known: {', '.join(sorted(REGIONS))}")
        missing = sorted(f"'{t}' needs '{PART_OF[t]}'" for t in tags
                         if t in PART_OF and PART_OF[t] not in tags)
        if missing:
            raise ValueError(f"{'; '.join(missing)} (a sea carries the ocean it is part of)")
        return frozenset(tags)

    @field_validator("is_island")
    @classmethod
    def _island(cls, value: bool, info: ValidationInfo) -> bool:
        kind = info.data.get("kind")
        if (kind == "island" and not value) or (kind == "sea_area" and value):
            raise ValueError(f"kind '{kind}' needs is_island = {str(kind == 'island').lower()}")
        return value

    @field_validator("sovereignty", "administration")
    @classmethod
    def _titles(cls, value: tuple[Spell, ...], info: ValidationInfo) -> tuple[Spell, ...]:
        if info.data.get("kind") == "sea_area" and any(s.state is not None for s in value):
            raise ValueError("a sea area has no sovereign and no administrator")
        problem = _overlap(value)
        if problem:
            raise ValueError(problem)
        return value

    @field_validator("claims")
    @classmethod
    def _claims(cls, value: tuple[Spell, ...]) -> tuple[Spell, ...]:
        for state in {s.state for s in value}:
            problem = _overlap(s for s in value if s.state == state)
            if problem:
                raise ValueError(f"claims of {state}: {problem}")
        return value

    def sovereign_on(self, on: dt.date | int) -> int | None:
        """COW code of the sovereign at ``on`` (a date, or a year read as July 1); None if none."""
        day = _as_day(on)
        return next((s.state for s in self.sovereignty if s.covers(day)), None)

    def administrator_on(self, on: dt.date | int) -> int | None:
        """COW code of the administering state at ``on``; the sovereign where no
        administration spell covers the date; None where no state governs it."""
        day = _as_day(on)
        for spell in self.administration:
            if spell.covers(day):
                return spell.state
        return self.sovereign_on(day)

    def claimants_on(self, on: dt.date | int) -> tuple[int, ...]:
        """COW codes of the states claiming the place at ``on``, in code order."""
        day = _as_day(on)
        return tuple(sorted({s.state for s in self.claims
                             if s.state is not None and s.covers(day)}))

    @property
    def north_of_tropic_of_cancer(self) -> bool:
        """Whether the representative point lies north of :data:`TROPIC_OF_CANCER`.

        A place that straddles the Tropic (Penghu; most sea areas) is judged by its point.
        """
        return self.lat > TROPIC_OF_CANCER


# --- the gazetteer --------------------------------------------------------------------------

def _normalise(text: str) -> str:
    """Lookup key: accents dropped, case folded, '_', '-' and spaces alike, no leading 'the'."""
    plain = "".join(ch for ch in unicodedata.normalize("NFKD", text)
                    if not unicodedata.combining(ch))
    plain = re.sub(r"[\s_\-]+", " ", plain.casefold().replace("’", "'").replace(".", ""))
    return re.sub(r"^the ", "", plain.strip())


def _distinct(name: str, aliases: Iterable[str]) -> tuple[str, ...]:
    """Aliases without repeats and without the name itself (as normalised)."""
    seen, out = {_normalise(name)}, []
    for alias in aliases:
        if _normalise(alias) not in seen:
            seen.add(_normalise(alias))
            out.append(alias)
    return tuple(out)


class Gazetteer:
    """A set of places, found by id, name or alias, and by the state that holds them.

    Parameters
    ----------
    places
        The places; ids, names and aliases must not collide once normalised.

    Raises
    ------
    PlaceBookError
        If two places share an id, a name or an alias.
    """

    def __init__(self, places: Iterable[Place]) -> None:
        self._places = {p.id: p for p in sorted(places, key=lambda p: p.id)}
        self._keys: dict[str, tuple[str, str]] = {}  # key -> (place id, text as written)
        self._homelands = {p.homeland_of: p for p in self._places.values()
                           if p.homeland_of is not None}
        for place in self._places.values():
            for text in (place.id, place.name, *place.aliases):
                key = _normalise(text)
                held = self._keys.setdefault(key, (place.id, text))
                if held[0] != place.id:
                    raise PlaceBookError(f"places '{held[0]}' and '{place.id}' both answer to "
                                         f"'{text}'; give one of them another alias")

    @classmethod
    def default(cls) -> Gazetteer:
        """The shipped gazetteer (deprecated here: :func:`foedus.data.places.default_gazetteer`,
        which builds it from the places book and COW; kept for one release)."""
        warn_moved("foedus.model.places.Gazetteer.default",
                   "foedus.data.places.default_gazetteer")
        return importlib.import_module("foedus.data.places").default_gazetteer()

    def __len__(self) -> int:
        return len(self._places)

    def __iter__(self) -> Iterator[Place]:
        return iter(self._places.values())

    def places(self, kind: str | None = None) -> tuple[Place, ...]:
        """Every place (of one ``kind`` if given), in id order."""
        return tuple(p for p in self._places.values() if kind is None or p.kind == kind)

    def find(self, name: str) -> Place:
        """The place whose id, name or alias is ``name``.

        Case, accents and a leading "the" are ignored; underscores, hyphens and spaces are
        alike: ``find("the Senkakus")`` and ``find("senkaku_islands")`` are one place.

        Raises
        ------
        UnknownPlaceError
            If nothing matches; the message suggests close names.
        """
        if not isinstance(name, str):
            raise TypeError(f"a place name is a str, not {type(name).__name__}")
        hit = self._keys.get(_normalise(name))
        if hit is not None:
            return self._places[hit[0]]
        close = difflib.get_close_matches(_normalise(name), list(self._keys), n=9, cutoff=0.6)
        named = list(dict.fromkeys(self._places[self._keys[k][0]].name for k in close))[:3]
        hint = ("; did you mean " + " or ".join(f"'{n}'" for n in named) + "?") if named else \
            f"; {len(self)} places are known (Gazetteer.places() lists them)."
        raise UnknownPlaceError(f"no place called '{name}' in the gazetteer{hint}")

    def homeland(self, ccode: int) -> Place:
        """The homeland of a COW state; raises :class:`UnknownPlaceError` if it has none."""
        try:
            return self._homelands[int(ccode)]
        except (KeyError, TypeError, ValueError):
            raise UnknownPlaceError(f"no homeland for COW code {ccode!r}; use a code of "
                                    "states2016, such as 2 (United States)") from None

    def territory_of(self, ccode: int, on: dt.date | int) -> list[Place]:
        """The places a state is sovereign over or administers at ``on``, homeland first.

        Its homeland is listed when the state is in COW membership (or administers it) at
        that date. ``on`` is a date, or a year read as July 1.

        Raises
        ------
        UnknownPlaceError
            If ``ccode`` is not a COW state of states2016.
        """
        home, day = self.homeland(ccode), _as_day(on)
        held = [p for p in self._places.values() if p.kind != "sea_area"
                and ccode in (p.sovereign_on(day), p.administrator_on(day))]
        return sorted(held, key=lambda p: (p.id != home.id, p.id))


__getattr__ = moved(__name__, {"load_places": "foedus.data.places",
                               "LAST_COW_DAY": "foedus.data.places", "BOOK": "foedus.data.places",
                               "REGIONS_TABLE": "foedus.data.places", "_cow": "foedus.data.places"})
