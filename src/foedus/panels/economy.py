"""``add_spending`` and ``add_gdp``: SIPRI military expenditure and WDI GDP by state-year.

Values outside a source's coverage (SIPRI 1949-2024, WDI 1960-2023) are null, never zero.
"""

from __future__ import annotations

from foedus._validation import TypeOf, validate_params
from foedus.data import queries
from foedus.errors import PanelError
from foedus.panels._join import attach_state_values, suffixed
from foedus.panels.panel import ColumnInfo, Panel, states_data
from foedus.registry import dataset

_PANEL = TypeOf(Panel, "a Panel (create_state_years or create_dyad_years)")

__all__ = ["add_gdp", "add_spending"]


@states_data("sipri_milex")
@validate_params({"panel": [_PANEL]}, error=PanelError)
def add_spending(panel: Panel) -> Panel:
    """SIPRI military expenditure: current US$ million and percent of GDP.

    Parameters
    ----------
    panel
        A state-year or dyad-year panel.

    Returns
    -------
    Panel
        With ``milex_sipri`` (current US$ million, ≥ 0) and ``milex_gdp_sipri`` (percent of
        GDP, ≥ 0), suffixed ``1``/``2`` on dyad-years; null outside SIPRI's coverage and
        where SIPRI has no value (never zero).

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
    .. [1] SIPRI. 2025. SIPRI Military Expenditure Database. Stockholm International
       Peace Research Institute. https://doi.org/10.55163/CQGC9685

    Examples
    --------
    >>> from foedus.panels import create_state_years
    >>> p = create_state_years(2020, 2020).add_spending()
    >>> bool((p.frame["milex_gdp_sipri"].dropna() > 0).all())
    True
    """
    values = queries.spending_sipri().rename(columns={
        "milex_current_usd_m": "milex_sipri", "milex_share_gdp_pct": "milex_gdp_sipri"})
    frame = attach_state_values(panel, values, ["milex_sipri", "milex_gdp_sipri"])
    sipri = f"SIPRI {dataset('sipri_milex').version}"
    info = {c: ColumnInfo(f"military expenditure, current US$ million ({sipri})",
                          ("sipri_milex",)) for c in suffixed(panel, "milex_sipri")}
    info |= {c: ColumnInfo(f"military expenditure, % of GDP ({sipri})", ("sipri_milex",))
             for c in suffixed(panel, "milex_gdp_sipri")}
    return panel.with_columns(frame, info)


@states_data("wdi_gdp")
@validate_params({"panel": [_PANEL]}, error=PanelError)
def add_gdp(panel: Panel) -> Panel:
    """World Bank WDI GDP in current US$ (``gdp_wdi``).

    Parameters
    ----------
    panel
        A state-year or dyad-year panel.

    Returns
    -------
    Panel
        With ``gdp_wdi`` (current US$, > 0; ``gdp_wdi1``, ``gdp_wdi2`` on dyad-years), null
        outside WDI's coverage.

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
    .. [1] World Bank. World Development Indicators, NY.GDP.MKTP.CD.
       https://data.worldbank.org/indicator/NY.GDP.MKTP.CD

    Examples
    --------
    >>> from foedus.panels import create_state_years
    >>> p = create_state_years(2020, 2020).add_gdp()
    >>> bool(p.frame.loc[p.frame["ccode"] == 2, "gdp_wdi"].item() > 1e13)
    True
    """
    values = queries.gdp_wdi().rename(columns={"gdp_current_usd": "gdp_wdi"})
    frame = attach_state_values(panel, values, ["gdp_wdi"])
    info = {c: ColumnInfo("GDP, current US$ (World Bank WDI, NY.GDP.MKTP.CD)", ("wdi_gdp",))
            for c in suffixed(panel, "gdp_wdi")}
    return panel.with_columns(frame, info)
