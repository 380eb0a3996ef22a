"""Stretches of days in which the atlas cannot change, so that the map and the network of a
date are computed once per stretch (issue 18, "Performance": the atlas for a date in under
300 ms on a warm server).

The commitment system answers for a day only through comparisons of that day with dates
it holds (treaty, membership, obligation, exception, suspension and crosswalk spans, the
view's first and last days); the states and capitals of a day likewise with their spells,
and the CShapes map with its polygons' spans. Between two consecutive such dates nothing
that these read can differ, so two days in the same stretch have the same network and the
same borders. Each date ``d`` found splits the calendar both before ``d`` and before the
next day, which covers spans read as ``[start, end)`` and as ``[start, end]`` alike.
``tests/web/test_epochs.py`` checks the claim against direct computation on days on both
sides of the boundaries.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from pydantic import BaseModel

from foedus.data import queries
from foedus.data.loaders import load_system
from foedus.model.system import ATOP_END, EARLIEST
from foedus.model.vocab import View
from foedus.registry import dataset

__all__ = ["Epochs", "border_epochs", "dates_in", "network_epochs"]

_DAY = dt.timedelta(days=1)


def dates_in(node: Any, found: set[dt.date] | None = None) -> set[dt.date]:
    """Every date held anywhere in ``node`` (pydantic models, dataclasses, containers)."""
    found = set() if found is None else found
    stack = [node]
    seen: set[int] = set()
    while stack:
        item = stack.pop()
        if isinstance(item, dt.datetime):
            found.add(item.date())
        elif isinstance(item, dt.date):
            found.add(item)
        elif isinstance(item, str | int | float | bool | type(None)) or id(item) in seen:
            continue
        elif isinstance(item, BaseModel):
            seen.add(id(item))
            stack.extend(getattr(item, name) for name in type(item).model_fields)
        elif dataclasses.is_dataclass(item) and not isinstance(item, type):
            seen.add(id(item))
            stack.extend(getattr(item, f.name) for f in dataclasses.fields(item))
        elif isinstance(item, dict):
            seen.add(id(item))
            stack.extend(item.values())
        elif isinstance(item, list | tuple | set | frozenset):
            seen.add(id(item))
            stack.extend(item)
    return found


class Epochs:
    """The calendar cut at a set of dates: :meth:`index` numbers the stretch a day is in.

    Parameters
    ----------
    dates : iterable of datetime.date
        The dates at which what is computed may change; each cuts the calendar before
        itself and before the next day.
    """

    def __init__(self, dates: Iterable[dt.date]) -> None:
        self.cuts = sorted({c for d in dates for c in (d, d + _DAY)})

    def index(self, day: dt.date) -> int:
        """The stretch ``day`` lies in: equal for two days only when no cut lies between
        them."""
        return bisect.bisect_right(self.cuts, day)

    def __len__(self) -> int:
        return len(self.cuts) + 1


@lru_cache(maxsize=2)
def network_epochs(stamp: tuple) -> Epochs:
    """The stretches of the network of both views (treaties, crosswalk, states, capitals)
    for the store built at ``stamp``."""
    system = load_system()
    found: set[dt.date] = set()
    for view in View:
        dates_in(system.treaties(view), found)
    dates_in(tuple(system.crosswalk or ()), found)
    found |= queries.state_dates()
    found |= {EARLIEST, ATOP_END, dataset("cow_system").last_day}  # type: ignore[arg-type]
    return Epochs(found)


@lru_cache(maxsize=2)
def border_epochs(stamp: tuple) -> Epochs:
    """The stretches of the CShapes map for the store built at ``stamp``."""
    return Epochs(queries.border_dates())
