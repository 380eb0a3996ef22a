"""``add_cinc`` and ``add_majors``: NMC capabilities and COW major-power status."""

from __future__ import annotations

import numpy as np
import pandas as pd

from foedus._validation import Options, TypeOf, validate_params
from foedus.data import queries
from foedus.errors import PanelError
from foedus.measures.capability import NMC_COMPONENTS
from foedus.panels._join import attach_state_values, suffixed
from foedus.panels.panel import ColumnInfo, Panel, states_data
from foedus.params import NMC_VERSIONS
from foedus.registry import dataset

__all__ = ["add_cinc", "add_majors"]

_DESCRIPTIONS = {
    "milex": "military expenditure (NMC; thousands of current US$, pounds before 1914)",
    "milper": "military personnel (NMC; thousands)",
    "irst": "iron and steel production (NMC; thousands of tons)",
    "pec": "primary energy consumption (NMC; thousands of coal-ton equivalents)",
    "tpop": "total population (NMC; thousands)",
    "upop": "urban population (NMC; thousands)",
    "cinc": "Composite Index of National Capability (NMC published column)",
}


_PANEL = TypeOf(Panel, "a Panel (create_state_years or create_dyad_years)")
_VERSIONS = {"7.0": "nmc_7", "6.0": "nmc_6"}


@states_data("nmc_7", "nmc_6")
@validate_params({"panel": [_PANEL],
                  "version": [Options(str, NMC_VERSIONS, "an NMC version")]},
                 error=PanelError)
def add_cinc(panel: Panel, *, version: str = "7.0") -> Panel:
    """NMC components and CINC for each state (``cinc1``, ``cinc2``… on dyad-years).

    Parameters
    ----------
    panel
        A state-year or dyad-year panel.
    version
        ``7.0`` (the default) or ``6.0``; years outside the version's coverage are null.

    Returns
    -------
    Panel
        With ``milex``, ``milper``, ``irst``, ``pec``, ``tpop``, ``upop`` and ``cinc`` (in
        [0, 1]; the published column), suffixed ``1``/``2`` on dyad-years.

    Raises
    ------
    PanelError
        For another version.

    Notes
    -----
    Data:

    {data}

    References
    ----------
    .. [1] Singer, J. David, Stuart Bremer, and John Stuckey. 1972. "Capability
       Distribution, Uncertainty, and Major Power War, 1820-1965." In B. Russett (ed.),
       Peace, War, and Numbers, 19-48. Beverly Hills: Sage.

    Examples
    --------
    >>> from foedus.panels import create_state_years
    >>> p = create_state_years(2000, 2000).add_cinc()
    >>> round(float(p.frame["cinc"].sum()), 2)  # the published scores, rounded
    1.0
    """
    columns = [*NMC_COMPONENTS, "cinc"]
    values = queries.capabilities(version, columns)
    frame = attach_state_values(panel, values, columns)
    name = _VERSIONS[version]
    info = {out: ColumnInfo(f"{_DESCRIPTIONS[c]}, NMC {version}", (name,))
            for c in columns for out in suffixed(panel, c)}
    return panel.with_columns(frame, info)


@states_data("cow_majors")
@validate_params({"panel": [_PANEL]}, error=PanelError)
def add_majors(panel: Panel) -> Panel:
    """``majpow`` (1/0): a COW major power at any time in the year (null after COW's last).

    Parameters
    ----------
    panel
        A state-year or dyad-year panel.

    Returns
    -------
    Panel
        With ``majpow`` (``majpow1``, ``majpow2`` on dyad-years): 1 if a major power at any
        time in the year, else 0; null after the data end.

    Raises
    ------
    PanelError
        For an object that is not a panel.

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
    >>> from foedus.panels import create_state_years
    >>> p = create_state_years(1914, 1914).add_majors()
    >>> sorted(p.frame.loc[p.frame["majpow"] == 1, "ccode"].tolist())
    [2, 200, 220, 255, 300, 325, 365, 740]
    """
    spells = queries.major_power_spells()
    last: int = dataset("cow_majors").last_year  # type: ignore[assignment]
    keys = panel.frame[["year"]].drop_duplicates()
    rows = []
    for spell in spells.itertuples(index=False):
        years = keys["year"][(keys["year"] >= spell.first) & (keys["year"] <= spell.last)]
        rows.append(pd.DataFrame({"ccode": spell.ccode, "year": years, "majpow": 1}))
    majors = pd.concat(rows, ignore_index=True).drop_duplicates(["ccode", "year"])
    frame = attach_state_values(panel, majors, ["majpow"])
    beyond = frame["year"].to_numpy() > last
    for col in suffixed(panel, "majpow"):
        values = frame[col].to_numpy(dtype=np.int8, na_value=0)
        frame[col] = pd.arrays.IntegerArray(values, beyond)
    info = {c: ColumnInfo(f"COW major power in the year (1/0; null after {last})",
                          ("cow_majors",)) for c in suffixed(panel, "majpow")}
    return panel.with_columns(frame, info)
