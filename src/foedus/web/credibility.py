"""The credibility answer as ``foedus credibility --json`` prints it.

The web face renders the library's typed answer
(:func:`foedus.credibility.answer.credibility_answer`); it shapes nothing itself (a test
compares the two objects).
"""

from __future__ import annotations

import datetime as dt

from foedus.credibility.answer import credibility_answer

__all__ = ["credibility_json"]


def credibility_json(ally: str, partner: str, day: dt.date, against: list[str]) -> dict:
    """The probability that each pledge ``ally`` owes ``partner`` on ``day`` is honoured,
    with its 90 % interval, the covariates that move it and the record behind it."""
    return credibility_answer(ally, partner, as_of=day, against=against).to_json()
