"""The units of analysis: state-years and dyad-years over COW system membership.

COW system membership (v2016) ends in 2016 (the registry's ``cow_system``). Later years
carry the last membership forward, as peacesciencer does, and the panel says so in its
notes (:func:`foedus.data.queries.system_years`).
"""

from __future__ import annotations

from numbers import Integral

import numpy as np
import pandas as pd

from foedus._deprecation import moved
from foedus._validation import Interval, validate_params
from foedus.data import queries
from foedus.errors import PanelError
from foedus.panels.panel import ColumnInfo, Panel, states_data

__all__ = ["create_dyad_years", "create_state_years"]

FIRST_YEAR = queries.FIRST_YEAR

#: ``system_years`` and the COW constants moved to the data layer (the store's accessors).
__getattr__ = moved(__name__, {"system_years": "foedus.data.queries"})


_YEAR = [Interval(Integral, None, None)]


@states_data("cow_system")
@validate_params({"start": _YEAR, "end": _YEAR}, error=PanelError)
def create_state_years(start: int = FIRST_YEAR, end: int = queries.ATOP_LAST_YEAR) -> Panel:
    """One row per state in the COW system per year (``ccode``, ``year``).

    Parameters
    ----------
    start, end
        The years, inclusive (from 1816); years after COW's last carry its last membership
        forward, and the panel's notes say so.

    Returns
    -------
    Panel
        A state-year panel; ``add_*`` steps chain on it.

    Raises
    ------
    PanelError
        For a start before 1816 or an end before the start.

    Notes
    -----
    Data:

    {data}

    References
    ----------
    .. [1] Correlates of War Project. 2017. "State System Membership List, v2016."
       https://correlatesofwar.org

    Examples
    --------
    >>> p = create_state_years(1816, 1816)
    >>> len(p), p.unit
    (23, 'state_year')
    """
    frame, notes = queries.system_years(start, end)
    columns = {"ccode": ColumnInfo("COW state code", ("cow_system",)),
               "year": ColumnInfo("year", ("cow_system",))}
    return Panel(frame, "state_year", True, start, end, columns, notes)


@states_data("cow_system")
@validate_params({"start": _YEAR, "end": _YEAR, "directed": [bool]}, error=PanelError)
def create_dyad_years(start: int = FIRST_YEAR, end: int = queries.ATOP_LAST_YEAR, *,
                      directed: bool = True) -> Panel:
    """Every pair of system members per year.

    Ordered pairs (directed, the default, as in peacesciencer) or ``ccode1 < ccode2``
    (non-directed).

    Parameters
    ----------
    start, end
        The years, inclusive (from 1816; see :func:`create_state_years`).
    directed
        Ordered pairs (both directions) or one row a pair.

    Returns
    -------
    Panel
        A dyad-year panel (``ccode1``, ``ccode2``, ``year``); ``add_*`` steps chain on it.

    Raises
    ------
    PanelError
        For a start before 1816 or an end before the start.

    Notes
    -----
    Data:

    {data}

    References
    ----------
    .. [1] Miller, Steven V. 2022. "peacesciencer: An R Package for Quantitative Peace
       Science Research." Conflict Management and Peace Science 39(6): 755-779.
       doi:10.1177/07388942221077926

    Examples
    --------
    >>> p = create_dyad_years(1816, 1816)
    >>> len(p) == 23 * 22
    True
    """
    states, notes = queries.system_years(start, end)
    first, second, years = [], [], []
    all_codes = states["ccode"].to_numpy()
    for year, rows in states.groupby("year", sort=True).indices.items():
        codes = all_codes[rows]
        a, b = np.meshgrid(codes, codes, indexing="ij")
        keep = a < b if not directed else a != b
        first.append(a[keep])
        second.append(b[keep])
        years.append(np.full(len(first[-1]), year, dtype=np.int32))
    frame = pd.DataFrame({"ccode1": _stack(first), "ccode2": _stack(second),
                          "year": _stack(years)}, copy=False)
    columns = {"ccode1": ColumnInfo("COW code of the first state", ("cow_system",)),
               "ccode2": ColumnInfo("COW code of the second state", ("cow_system",)),
               "year": ColumnInfo("year", ("cow_system",))}
    return Panel(frame, "dyad_year", directed, start, end, columns, notes)


def _stack(parts: list[np.ndarray]) -> np.ndarray:
    """The years' arrays end to end, as int32 (an empty int32 array for no year)."""
    return np.concatenate(parts).astype(np.int32) if parts else np.array([], np.int32)
