"""``add_spending`` and ``add_gdp``: SIPRI military expenditure and WDI GDP by state-year.

Values outside a source's coverage (SIPRI 1949-2024, WDI 1960-2023) are null, never zero.
"""

from __future__ import annotations

from foedus.data.store import connect
from foedus.panels._join import attach_state_values, suffixed
from foedus.panels.panel import ColumnInfo, Panel

__all__ = ["add_gdp", "add_spending"]


def add_spending(panel: Panel) -> Panel:
    """SIPRI military expenditure: current US$ m (``milex_sipri``) and % of GDP
    (``milex_gdp_sipri``)."""
    with connect() as con:
        values = con.execute(
            "SELECT ccode, year, milex_current_usd_m AS milex_sipri, "
            "milex_share_gdp_pct AS milex_gdp_sipri FROM spending_sipri").df()
    frame = attach_state_values(panel, values, ["milex_sipri", "milex_gdp_sipri"])
    info = {c: ColumnInfo("military expenditure, current US$ million (SIPRI 2025)",
                          ("sipri_milex",)) for c in suffixed(panel, "milex_sipri")}
    info |= {c: ColumnInfo("military expenditure, % of GDP (SIPRI 2025)", ("sipri_milex",))
             for c in suffixed(panel, "milex_gdp_sipri")}
    return panel.with_columns(frame, info)


def add_gdp(panel: Panel) -> Panel:
    """WDI GDP in current US$ (``gdp_wdi``), 1960-2023."""
    with connect() as con:
        values = con.execute("SELECT ccode, year, gdp_current_usd AS gdp_wdi FROM gdp_wdi").df()
    frame = attach_state_values(panel, values, ["gdp_wdi"])
    info = {c: ColumnInfo("GDP, current US$ (World Bank WDI, NY.GDP.MKTP.CD)", ("wdi_gdp",))
            for c in suffixed(panel, "gdp_wdi")}
    return panel.with_columns(frame, info)
