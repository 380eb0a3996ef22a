"""Units of measure and of time, declared once.

- Lengths: :data:`KM_PER_MILE` (the international mile, exactly 1.609344 km) and
  :data:`EARTH_MEAN_RADIUS_KM`.
- Dates: :func:`as_day` turns what a user may pass for a date (a ``datetime.date``, a
  ``datetime``, an ISO string ``YYYY-MM-DD`` or a year) into a ``datetime.date``. A year is
  read as its mid-year day, 1 July (:data:`MID_YEAR`), the rule foedus uses everywhere a
  yearly source meets a dated question (identities, places, capitals in force).
"""

from __future__ import annotations

import datetime as dt
from numbers import Integral

from foedus.errors import DateOutOfRangeError

__all__ = ["EARTH_MEAN_RADIUS_KM", "KM_PER_MILE", "MID_YEAR", "as_day", "mid_year"]

#: Kilometres in an international mile (International Yard and Pound Agreement, 1959: the
#: yard is exactly 0.9144 m, so a mile of 1,760 yards is 1.609344 km).
KM_PER_MILE = 1.609344

#: IUGG mean Earth radius R1 = (2a + b)/3 of the GRS80 ellipsoid, in km (Moritz, H. 2000.
#: "Geodetic Reference System 1980." Journal of Geodesy 74(1): 128-133,
#: doi:10.1007/s001900050278).
EARTH_MEAN_RADIUS_KM = 6371.0088

#: (month, day) a year stands for when a date is needed: 1 July.
MID_YEAR = (7, 1)


def mid_year(year: int) -> dt.date:
    """The day a year stands for: 1 July of it.

    >>> mid_year(1990)
    datetime.date(1990, 7, 1)
    """
    return dt.date(int(year), *MID_YEAR)


def as_day(value: dt.date | int | str | None, *, name: str = "date",
           allow_none: bool = False) -> dt.date | None:
    """A date from a date, a datetime, an ISO string or a year (read as 1 July).

    Parameters
    ----------
    value
        A ``datetime.date`` (a ``datetime`` gives its date), a year (an int: 1 July of it),
        a string ``YYYY-MM-DD``, or None when ``allow_none``.
    name
        What the value is, for the error message (``"as_of"``, ``"--as-of"``...).
    allow_none
        Return None for None instead of refusing it.

    Returns
    -------
    datetime.date or None

    Raises
    ------
    TypeError
        For a value of another type (a bool, a float...).
    DateOutOfRangeError
        For a string that is not a date.

    Examples
    --------
    >>> as_day(1914), as_day("1914-06-28"), as_day(dt.datetime(1914, 6, 28, 10, 50))
    (datetime.date(1914, 7, 1), datetime.date(1914, 6, 28), datetime.date(1914, 6, 28))
    """
    if value is None and allow_none:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, Integral) and not isinstance(value, bool):
        return mid_year(int(value))
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            raise DateOutOfRangeError(f"{name} {value!r} is not a date (use YYYY-MM-DD)."
                                      ) from None
    allowed = "a date, a year or None" if allow_none else "a date or a year"
    raise TypeError(f"{name} must be {allowed}, not {type(value).__name__}")
