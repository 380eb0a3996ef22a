"""National capability: the Composite Index of National Capability (CINC)."""

from __future__ import annotations

import pandas as pd

__all__ = ["NMC_COMPONENTS", "cinc"]

#: The six NMC components: military expenditure and personnel, iron and steel production,
#: primary energy consumption, total and urban population.
NMC_COMPONENTS: tuple[str, ...] = ("milex", "milper", "irst", "pec", "tpop", "upop")


def cinc(frame: pd.DataFrame, *, year: str = "year",
         components: tuple[str, ...] = NMC_COMPONENTS) -> pd.Series:
    r"""CINC of each state-year: the mean of its shares of the system's components.

    .. math::

        \mathrm{CINC}_{it} = \frac{1}{|A_{it}|} \sum_{c \in A_{it}}
            \frac{x_{cit}}{\sum_j x_{cjt}}

    where :math:`A_{it}` is the set of components observed for state *i* in year *t* and the
    denominator sums the component over every state observed that year. Missing components
    (nulls; sentinels must already be nulls) are left out of both the share and the mean,
    which is how the published NMC ``cinc`` column is computed.

    Parameters
    ----------
    frame
        One row per state-year with a ``year`` column and the component columns.
    year
        Name of the year column.
    components
        Component columns to use.

    Returns
    -------
    pandas.Series
        CINC in [0, 1], aligned with ``frame``; each year's values sum to 1 when every
        state reports every component. Null where a state-year has no component at all.

    References
    ----------
    .. [1] Singer, J. David, Stuart Bremer, and John Stuckey. 1972. "Capability Distribution,
       Uncertainty, and Major Power War, 1820-1965." In B. Russett (ed.), *Peace, War, and
       Numbers*, 19-48. Beverly Hills: Sage.

    Examples
    --------
    >>> df = pd.DataFrame({"year": [1900, 1900], "milex": [3.0, 1.0], "tpop": [1.0, 1.0]})
    >>> cinc(df, components=("milex", "tpop")).round(3).tolist()
    [0.625, 0.375]
    """
    values = frame[list(components)].astype(float)
    totals = values.groupby(frame[year]).transform("sum")
    shares = values / totals.where(totals > 0)
    return shares.mean(axis=1, skipna=True)
