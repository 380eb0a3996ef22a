"""Where a war was fought, for the location conditions of alliance pledges.

A location condition ("an attack in Europe", "in defence of their interests in China and
Korea") is decided against the places where the casus foederis arose. ATOP codes such a
condition without its content; the historical book (:mod:`foedus.model.history`) gives the
content as scope rules of the treaty book, and this module gives the other half: the places
of the war, for one partner. The rule, in order:

1. **Table.** A row of ``war_theatres.csv`` (in this package: war, state or 0 for every
   participant, the places, the note and the source) wins; its places are gazetteer ids or
   the war-only places of ``books/history/theatres/places.toml`` (same format and checks as
   the gazetteer: Lombardy-Venetia, Manchuria). It holds the wars
   whose fighting lay outside the belligerents' homelands or only in part of them (the
   Falklands, 1982; the Russo-Japanese war in Korea and Manchuria, 1904-05; Kinmen and
   Matsu, 1954-55 and 1958; Lombardy, 1859).
2. **Attacked territory.** A partner that was attacked (``target``) was attacked on its
   homeland, the default of the obligations query, restricted to the regions where COW
   says its war was fought (``where_fought``, next paragraph): the USSR at Changkufeng
   (1938, COW region Asia) was attacked in its Asian part, not in Europe.
3. **The opponents' homelands.** A partner that attacked or joined a war (``initiator``,
   ``joiner``) fought on its opponents' homelands, each restricted the same way.
4. A homeland with a continent tag none of whose continents lies in the COW regions of the
   partner's war is dropped (the United Kingdom in 1982: COW region Western Hemisphere);
   if no place is left, the war's location is **not known** and a location condition stays
   undecidable (``None``), as it was without the content.

**COW regions.** ``WhereFought`` of the Inter-State War Data v4.0, per participant: 1 the
Western Hemisphere, 2 Europe, 4 Africa, 6 the Middle East, 7 Asia, 9 Oceania (the codebook
values, Sarkees and Wayman 2010 [1]_; quoted for the Extra-State data, codebook pp. 8-9, by
the Université de Lille data catalogue, https://cdc.univ-lille.fr/cow-extra-state-war-data-v-4-0);
codes 11-19 combine them (11 Europe and the Middle East, 12 Europe and Asia, 13 the Western
Hemisphere and Asia, 14 Europe, Africa and the Middle East, 15 Europe, Africa, the Middle
East and Asia, 16 Africa, the Middle East, Asia and Oceania, 17 Asia and Oceania, 18 Africa
and the Middle East, 19 all but the Western Hemisphere), as the Inter-State codebook labels
them (the combined labels could not be checked against the codebook here; every code in the
data is one of these). They map to the gazetteer's continent tags
(:data:`WHERE_FOUGHT`): the Middle East to ``asia`` and ``africa`` (Egypt and Libya are
African, the rest Asian). Militarised disputes (MIDB) carry no region: the homelands are
used unrestricted.

A scope rule covers a theatre place as the obligations query decides
(:func:`foedus.query.obligations.rule_covers`), with the hit ``territory`` where the partner
is sovereign or administers the place on the day and ``forces`` elsewhere; the location
condition holds when some rule covers some place of the theatre, and fails when the places
are known and none is covered.

References
----------
.. [1] Sarkees, Meredith Reid, and Frank Whelon Wayman. 2010. *Resort to War: A Data Guide
   to Inter-State, Extra-State, Intra-State, and Non-State Wars, 1816-2007*. CQ Press.
   doi:10.4135/9781608718276
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

from foedus._lazy import pandas as pd

__all__ = ["THEATRE_COLUMNS", "WHERE_FOUGHT", "Theatre", "scope_verdict", "theatre",
           "theatre_places", "theatre_table", "where_fought"]

_AMERICAS = frozenset({"north_america", "south_america"})
_MIDDLE_EAST = frozenset({"asia", "africa"})
#: COW ``WhereFought`` code → the gazetteer continent tags it covers.
WHERE_FOUGHT: dict[int, frozenset[str]] = {
    1: _AMERICAS, 2: frozenset({"europe"}), 4: frozenset({"africa"}), 6: _MIDDLE_EAST,
    7: frozenset({"asia"}), 9: frozenset({"oceania"}),
    11: frozenset({"europe"}) | _MIDDLE_EAST, 12: frozenset({"europe", "asia"}),
    13: _AMERICAS | {"asia"}, 14: frozenset({"europe", "africa"}) | _MIDDLE_EAST,
    15: frozenset({"europe", "africa", "asia"}), 16: frozenset({"africa", "asia", "oceania"}),
    17: frozenset({"asia", "oceania"}), 18: _MIDDLE_EAST,
    19: frozenset({"europe", "africa", "asia", "oceania"}),
}
THEATRE_COLUMNS = ["war", "ccode", "places", "note", "source"]


@dataclass(frozen=True)
class Theatre:
    """The places where a partner's war was fought (None: not known), and how they were
    found (``table``, ``attacked homeland``, ``opponents' homelands``, ``not known``)."""

    partner: int
    day: dt.date
    places: tuple | None
    how: str


@cache
def theatre_places() -> dict:
    """The places of ``books/history/theatres/places.toml`` (wars fought outside the
    gazetteer's places: Lombardy-Venetia, Manchuria), by id."""
    from pathlib import Path

    from foedus.data.places import load_places

    path = resources.files("foedus").joinpath("books", "history", "theatres", "places.toml")
    return {p.id: p for p in load_places(Path(str(path)))}


def _find(name: str, gazetteer):
    return theatre_places().get(name) or gazetteer.find(name)


@cache
def theatre_table() -> pd.DataFrame:
    """The sourced table of war theatres (``war_theatres.csv``); ``ccode`` 0 is every
    participant of the war."""
    with resources.files("foedus.reliability").joinpath("war_theatres.csv").open() as f:
        table = pd.read_csv(f, dtype={"war": str, "ccode": "Int64", "places": str,
                                      "note": str, "source": str})
    table["ccode"] = table["ccode"].fillna(0).astype(int)
    return table


def where_fought(con) -> dict[tuple[str, int, int], int]:
    """(war, state, side) → COW ``WhereFought`` of that participation (Inter-State v4.0)."""
    d = con.execute("select distinct 'cow:' || warnum as war, ccode, side, where_fought"
                    " from wars where where_fought is not null").df()
    return {(w, int(c), int(s)): int(f) for w, c, s, f in zip(
        d["war"], d["ccode"], d["side"], d["where_fought"], strict=True)}


def _continents(place) -> frozenset[str]:
    from foedus.model.places import CONTINENTS

    return frozenset(place.regions) & CONTINENTS


def _restricted(place, allowed: frozenset[str] | None):
    """The homeland with only its continents inside ``allowed`` (None: unrestricted);
    None when it has continents and none is allowed."""
    if allowed is None:
        return place
    own = _continents(place)
    if not own:
        return place
    keep = own & allowed
    if not keep:
        return None
    if keep == own:
        return place
    return place.model_copy(update={"regions": frozenset(place.regions) - (own - keep)})


def theatre(war: str, partner: int, role: str, day: dt.date, opponents: Iterable[int],
            region: int | None = None, *, gazetteer=None,
            table: pd.DataFrame | None = None) -> Theatre:
    """The places of ``partner``'s war, by the rule of the module docstring.

    Parameters
    ----------
    war
        ``cow:<warnum>`` (or ``mid:<dispnum>``).
    partner, role, day
        The partner (COW code), its role (``target``, ``initiator``, ``joiner``) and the
        casus foederis date.
    opponents
        Its attackers (a target) or opponents (an initiator or a joiner).
    region
        COW ``WhereFought`` of its participation (None: unrestricted).
    gazetteer, table
        Defaults: :func:`foedus.data.loaders.gazetteer`, :func:`theatre_table`.

    Returns
    -------
    Theatre
    """
    from foedus.data.loaders import gazetteer as shipped_gazetteer
    from foedus.errors import UnknownPlaceError

    gazetteer = gazetteer or shipped_gazetteer()
    table = theatre_table() if table is None else table
    rows = table[(table["war"] == war) & table["ccode"].isin([partner, 0])]
    if not rows.empty:
        row = rows.sort_values("ccode", ascending=False).iloc[0]
        names = [p.strip() for p in str(row["places"]).split(";") if p.strip()]
        return Theatre(partner, day, tuple(_find(n, gazetteer) for n in names), "table")
    allowed = None if region is None else WHERE_FOUGHT.get(int(region))
    states = (partner,) if role == "target" else tuple(opponents)
    places = []
    for s in states:
        try:
            home = _restricted(gazetteer.homeland(int(s)), allowed)
        except UnknownPlaceError:
            home = None
        if home is not None:
            places.append(home)
    if not places:
        return Theatre(partner, day, None, "not known")
    how = "attacked homeland" if role == "target" else "opponents' homelands"
    return Theatre(partner, day, tuple(places), how)


def scope_verdict(rules: Sequence, where: Theatre | None, parties: Iterable[int] = ()
                  ) -> bool | None:
    """Whether some scope rule covers some place of the theatre (None: places not known).

    >>> scope_verdict((), None) is None
    True
    """
    if where is None or where.places is None:
        return None
    from foedus.model.events import Event
    from foedus.model.vocab import Domain, Hit
    from foedus.query.obligations import rule_covers

    parties = list(parties)
    for place in where.places:
        own = where.partner in {place.sovereign_on(where.day),
                                place.administrator_on(where.day)}
        event = Event(date=where.day, attackers=(0,), target=where.partner,
                      hit=Hit.TERRITORY if own else Hit.FORCES, place=place.id,
                      domain=Domain.LAND)
        if any(rule_covers(rule, event, place, parties) for rule in rules):
            return True
    return False
