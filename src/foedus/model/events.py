"""Events: an attack (by a state or a non-state actor) on a target, somewhere, in a domain.

An event is what triggers obligations (DESIGN §3). The attacker is a COW code or a
non-state actor (``nonstate:al-Qaeda``); the place is a gazetteer id.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from foedus.errors import UnknownStateError
from foedus.model.commitments import Basis
from foedus.model.vocab import Domain, Hit

__all__ = ["Event", "Invocation", "NonState"]


class NonState(BaseModel):
    """A non-state actor (a terrorist group, a militia)."""

    model_config = ConfigDict(frozen=True)

    name: str

    def __str__(self) -> str:
        return f"nonstate:{self.name}"

    @staticmethod
    def is_written(text: object) -> bool:
        """Whether ``text`` is written as a non-state actor (``nonstate:…``, any case)."""
        return isinstance(text, str) and text.strip().lower().startswith("nonstate:")

    @classmethod
    def parse(cls, text: str) -> NonState:
        """The actor written ``nonstate:NAME`` (the prefix in any case; the name stripped).

        Raises
        ------
        UnknownStateError
            If the name is empty.

        Examples
        --------
        >>> NonState.parse("NonState: al-Qaeda ")
        NonState(name='al-Qaeda')
        """
        name = text.strip().split(":", 1)[1].strip()
        if not name:
            raise UnknownStateError("nonstate: needs a name, e.g. nonstate:al-Qaeda.")
        return cls(name=name)


class Invocation(BaseModel):
    """A treaty article invoked in response to an event."""

    model_config = ConfigDict(frozen=True)

    treaty: str
    article: str
    basis: Basis


class Event(BaseModel):
    """An attack: attackers, target, what was hit, where, in which domain, and when.

    ``attribution`` is the confidence (0-1) that the attackers are who they seem to be (cyber
    and hybrid attacks); ``provoked`` says whether the target provoked the attack.
    """

    model_config = ConfigDict(frozen=True)

    date: dt.date
    attackers: tuple[int | NonState, ...] = Field(min_length=1)
    target: int
    hit: Hit = Hit.TERRITORY
    place: str | None = None
    domain: Domain = Domain.LAND
    attribution: float = Field(default=1.0, ge=0.0, le=1.0)
    provoked: bool = False
    name: str = ""
    invocations: tuple[Invocation, ...] = ()

    @property
    def state_attackers(self) -> tuple[int, ...]:
        """The attackers that are states (COW codes)."""
        return tuple(a for a in self.attackers if isinstance(a, int))
