"""``add_idealpoints``: UNGA ideal points (Bailey, Strezhnev & Voeten 2017) and their
distance, the absolute difference of the two states' points."""

from __future__ import annotations

from typing import Literal

import numpy as np

from foedus.data.store import connect
from foedus.panels._join import attach_state_values, suffixed
from foedus.panels.panel import ColumnInfo, Panel, PanelError

__all__ = ["MEASURES", "add_idealpoints"]

MEASURES = ("idealpointfp", "idealpointall", "idealpointlegacy")


def add_idealpoints(panel: Panel, *, measure: Literal["idealpointfp", "idealpointall",
                                                      "idealpointlegacy"] = "idealpointfp",
                    ) -> Panel:
    """The chosen ideal point per state and, on dyad-years, ``<measure>_dist`` = ``|1 - 2|``."""
    if measure not in MEASURES:
        raise PanelError(f"measure must be one of {', '.join(MEASURES)}; got {measure!r}.")
    with connect() as con:
        values = con.execute(f"SELECT ccode, year, avg({measure}) AS {measure} FROM ideal_points "
                             f"WHERE {measure} IS NOT NULL GROUP BY ccode, year").df()
    frame = attach_state_values(panel, values, [measure])
    info = {c: ColumnInfo(f"UNGA ideal point ({measure}), Bailey, Strezhnev & Voeten",
                          ("unga_idealpoints",)) for c in suffixed(panel, measure)}
    if panel.unit == "dyad_year":
        frame[f"{measure}_dist"] = np.abs(frame[f"{measure}1"].to_numpy()
                                          - frame[f"{measure}2"].to_numpy())
        info[f"{measure}_dist"] = ColumnInfo(f"absolute difference of the two {measure} "
                                             "ideal points", ("unga_idealpoints",))
    return panel.with_columns(frame, info)
