"""A state of the international system, as the model knows it (DESIGN §3).

The key is the Correlates of War code. Resolving an identifier (an ISO-3 code, a name,
``cow:ABB``) to a :class:`State` needs the COW and ISO tables: that is the data layer's job
(:func:`foedus.data.identities.resolve_state`, and :func:`foedus.resolve.resolve_actor` for
every kind of actor).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["State"]


@dataclass(frozen=True)
class State:
    """A COW state: its code (the key), abbreviation, name and current ISO-3 code.

    ``iso3`` is the current ISO 3166-1 alpha-3 code of the state COW treats as continuous
    with this one, or None where there is none (DESIGN §3).
    """

    cow: int
    abb: str
    name: str
    iso3: str | None

    @property
    def key(self) -> str:
        """Map key (DESIGN §7): ``iso3`` where it exists, else ``cow:`` + the abbreviation.

        Every key is also valid input to :func:`foedus.data.identities.resolve_state`
        (with a date where the ISO code has denoted several states, as DEU has).
        """
        return self.iso3 if self.iso3 else f"cow:{self.abb}"

    def to_json(self) -> dict[str, int | str | None]:
        """The state as JSON (DESIGN §7): ``{"cow", "iso3", "abb", "name"}``."""
        return {"cow": self.cow, "iso3": self.iso3, "abb": self.abb, "name": self.name}
