"""One resolver for everything a user names: states, non-state actors, alliances, places.

- :func:`resolve_actor`: a state (a COW code, ``cow:ABB``, an ISO-3 code, a name; resolved by
  date, :func:`foedus.data.identities.resolve_state`) or a non-state actor written
  ``nonstate:NAME`` (:meth:`foedus.model.events.NonState.parse`, the one parser of that
  prefix);
- :func:`resolve_alliance`: a treaty of the commitment system by a common name (``NATO``),
  ``book:<id>``, ``atop:<atopid>`` or a bare ATOP id, in either view;
- :func:`resolve_place`: a gazetteer place by id, name or alias.
"""

from __future__ import annotations

import datetime as dt

from foedus.data.identities import resolve_state
from foedus.data.places import default_gazetteer
from foedus.errors import UnknownTreatyError
from foedus.model.commitments import Treaty
from foedus.model.events import NonState
from foedus.model.places import Place
from foedus.model.states import State
from foedus.model.system import CommitmentSystem
from foedus.model.vocab import View

__all__ = ["ALLIANCE_ALIASES", "resolve_actor", "resolve_alliance", "resolve_place",
           "resolve_state"]

#: Common names of alliances and the treaty they mean.
ALLIANCE_ALIASES: dict[str, str] = {
    "nato": "book:nato",
    "north atlantic treaty": "book:nato",
    "warsaw pact": "atop:3285",
    "warsaw treaty": "atop:3285",
    "eu": "book:eu_teu_42_7",
    "csto": "book:csto",
    "rio": "book:rio_treaty",
    "rio treaty": "book:rio_treaty",
    "anzus": "book:anzus",
}


def resolve_actor(identifier: int | str, on: dt.date | int | None = None) -> State | NonState:
    """The state or non-state actor an identifier denotes at a date.

    Parameters
    ----------
    identifier
        ``nonstate:NAME`` (any case) for a non-state actor; otherwise anything
        :func:`foedus.data.identities.resolve_state` takes (a COW code, ``cow:ABB``, an
        ISO-3 code, a name).
    on
        The date (a year reads as 1 July).

    Returns
    -------
    State or NonState

    Raises
    ------
    UnknownStateError
        For an identifier that denotes no state at the date, or ``nonstate:`` without a name.
    """
    if NonState.is_written(identifier):
        return NonState.parse(str(identifier))
    return resolve_state(identifier, on=on)


def resolve_alliance(text: str, system: CommitmentSystem,
                     view: View | str = View.LEGAL) -> Treaty:
    """The treaty named by ``text`` in ``view``.

    In the ATOP view a book treaty is replaced by the ATOP alliance it crosswalks; an ATOP
    alliance that our book supersedes is still available by its ``atop:`` id in either view.

    Raises
    ------
    UnknownTreatyError
        For a name that is no alias, ``book:`` or ``atop:`` id, or a bare ATOP id of the
        system; or a book treaty without an ATOP counterpart in the ATOP view.
    """
    view = View(view)
    key = text.strip().lower()
    treaty_id = ALLIANCE_ALIASES.get(key, key)
    if treaty_id.isdigit():
        treaty_id = f"atop:{treaty_id}"
    if not treaty_id.startswith(("book:", "atop:")):
        raise UnknownTreatyError(f"Unknown alliance {text!r}: use a name "
                                 f"({', '.join(sorted(ALLIANCE_ALIASES))}), book:<id>, "
                                 "atop:<atopid> or a bare ATOP id.")
    try:
        treaty = system.treaty(treaty_id)
    except UnknownTreatyError:
        raise UnknownTreatyError(f"Unknown alliance {text!r}: no treaty {treaty_id} in ATOP "
                                 "5.1 or our book.") from None
    if view is View.ATOP and treaty.id.startswith("book:"):
        if not treaty.atopids:
            raise UnknownTreatyError(f"{treaty.name} has no ATOP counterpart; use --view "
                                     "legal.")
        treaty = system.treaty(f"atop:{treaty.atopids[0]}")
    return treaty


def resolve_place(name: str) -> Place:
    """The gazetteer place whose id, name or alias is ``name`` (see
    :meth:`foedus.model.places.Gazetteer.find`).

    Raises
    ------
    UnknownPlaceError
        If nothing matches; the message suggests close names.
    """
    return default_gazetteer().find(name)


#: ``foedus.burden.alliance.ALIASES``, its earlier name.
ALIASES = ALLIANCE_ALIASES
