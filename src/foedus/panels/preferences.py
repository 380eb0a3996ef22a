"""``add_idealpoints``: UNGA ideal points (Bailey, Strezhnev & Voeten 2017).

On dyad-years, their distance too: the absolute difference of the two states' points.
"""

from __future__ import annotations

import numpy as np

from foedus._validation import Options, TypeOf, validate_params
from foedus.data import queries
from foedus.errors import PanelError
from foedus.panels._join import attach_state_values, suffixed
from foedus.panels.panel import ColumnInfo, Panel, states_data
from foedus.params import IDEALPOINT_MEASURES

__all__ = ["MEASURES", "add_idealpoints"]

MEASURES = IDEALPOINT_MEASURES


@states_data("unga_idealpoints")
@validate_params({"panel": [TypeOf(Panel, "a Panel")],
                  "measure": [Options(str, MEASURES, "an ideal-point measure")]},
                 error=PanelError)
def add_idealpoints(panel: Panel, *, measure: str = "idealpointfp") -> Panel:
    """The chosen UNGA ideal point per state and, on dyad-years, their distance.

    Parameters
    ----------
    panel
        A state-year or dyad-year panel.
    measure
        ``idealpointfp`` (the default), ``idealpointall`` or ``idealpointlegacy``.

    Returns
    -------
    Panel
        With ``<measure>`` (``<measure>1``, ``<measure>2`` on dyad-years; about -3 to 3,
        higher is closer to the United States' position) and, on dyad-years,
        ``<measure>_dist`` = ``|1 - 2|`` (≥ 0); null where a state has no point that year.

    Raises
    ------
    PanelError
        For another measure.

    Notes
    -----
    Data:

    {data}

    References
    ----------
    .. [1] Bailey, Michael A., Anton Strezhnev, and Erik Voeten. 2017. "Estimating Dynamic
       State Preferences from United Nations Voting Data." Journal of Conflict Resolution
       61(2): 430-456. doi:10.1177/0022002715595700

    Examples
    --------
    >>> from foedus.panels import create_dyad_years
    >>> p = create_dyad_years(2000, 2000).add_idealpoints()
    >>> bool((p.frame["idealpointfp_dist"].dropna() >= 0).all())
    True
    """
    values = queries.ideal_points(measure)
    frame = attach_state_values(panel, values, [measure])
    info = {c: ColumnInfo(f"UNGA ideal point ({measure}), Bailey, Strezhnev & Voeten",
                          ("unga_idealpoints",)) for c in suffixed(panel, measure)}
    if panel.unit == "dyad_year":
        frame[f"{measure}_dist"] = np.abs(frame[f"{measure}1"].to_numpy()
                                          - frame[f"{measure}2"].to_numpy())
        info[f"{measure}_dist"] = ColumnInfo(f"absolute difference of the two {measure} "
                                             "ideal points", ("unga_idealpoints",))
    return panel.with_columns(frame, info)
