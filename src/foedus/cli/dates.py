"""Dates on the command line: parsed strictly, and "today" resolved once and said aloud."""

from __future__ import annotations

import datetime as dt

from foedus.cli.output import err
from foedus.units import as_day

__all__ = ["as_of_date"]


def as_of_date(text: str | None) -> tuple[dt.date, bool]:
    """The date asked for, or today (printed on stderr); True when it defaulted to today."""
    if text is None:
        today = dt.date.today()
        err.print(f"as of {today} (today; pass --as-of to fix the date)", highlight=False)
        return today, True
    return as_day(text, name="--as-of"), False  # type: ignore[return-value]
