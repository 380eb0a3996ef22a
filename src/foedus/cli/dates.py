"""Dates on the command line: parsed strictly, and "today" resolved once and said aloud."""

from __future__ import annotations

import datetime as dt

from foedus.cli.output import err
from foedus.errors import DateOutOfRangeError

__all__ = ["as_of_date"]


def as_of_date(text: str | None) -> tuple[dt.date, bool]:
    """The date asked for, or today (printed on stderr); True when it defaulted to today."""
    if text is None:
        today = dt.date.today()
        err.print(f"as of {today} (today; pass --as-of to fix the date)", highlight=False)
        return today, True
    try:
        return dt.date.fromisoformat(text), False
    except ValueError:
        raise DateOutOfRangeError(f"--as-of {text!r} is not a date (use YYYY-MM-DD).") from None
