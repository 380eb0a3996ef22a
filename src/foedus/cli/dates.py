"""Dates on the command line: parsed strictly, and "today" resolved once and said aloud.

The "as of today" note is said once the command has succeeded (on stderr, after the
answer): an answer that fails is one line on stderr and nothing else (DESIGN §7).
"""

from __future__ import annotations

import datetime as dt

from foedus.cli.output import err
from foedus.units import as_day

__all__ = ["as_of_date", "drop_notes", "say_notes"]

_NOTES: list[str] = []


def as_of_date(text: str | None) -> tuple[dt.date, bool]:
    """The date asked for, or today (said on stderr when the command succeeds); True when
    it defaulted to today."""
    _NOTES.clear()
    if text is None:
        today = dt.date.today()
        _NOTES.append(f"as of {today} (today; pass --as-of to fix the date)")
        return today, True
    return as_day(text, name="--as-of"), False  # type: ignore[return-value]


def say_notes() -> None:
    """Print the notes of a command that succeeded (the date it defaulted to)."""
    for note in _NOTES:
        err.print(note, highlight=False)
    _NOTES.clear()


def drop_notes() -> None:
    """Forget the notes of a command that failed (its error is its one line)."""
    _NOTES.clear()
