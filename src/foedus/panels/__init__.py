"""Research panels: state-years and dyad-years with columns added step by step.

Alliance, capability, distance, contiguity, economic, preference and similarity columns
(issue 4; STYLE: the verb is the API).

>>> from foedus.panels import create_dyad_years          # doctest: +SKIP
>>> panel = create_dyad_years(1816, 2018).add_alliances().add_cinc().add_similarity()  # +SKIP
"""

from foedus.panels.create import create_dyad_years, create_state_years
from foedus.panels.panel import ColumnInfo, Panel

__all__ = ["ColumnInfo", "Panel", "create_dyad_years", "create_state_years"]
