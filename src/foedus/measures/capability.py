"""National capability: the Composite Index of National Capability (CINC).

:func:`cinc` is the one CINC of foedus, with an option to scale states' military
expenditure first (a counterfactual spending change moves every state's share). The crisis
compiler's own copy (``crisis/compile.py: _cinc_scaled``) moves to it in the second pass.
"""

from __future__ import annotations

from collections.abc import Mapping

from foedus._lazy import pandas as pd
from foedus._validation import TypeOf, validate_params

__all__ = ["NMC_COMPONENTS", "cinc"]

#: The six NMC components: military expenditure and personnel, iron and steel production,
#: primary energy consumption, total and urban population.
NMC_COMPONENTS: tuple[str, ...] = ("milex", "milper", "irst", "pec", "tpop", "upop")


@validate_params({"frame": [TypeOf(pd.DataFrame, "a state-year pandas DataFrame")],
                  "year": [str], "components": [TypeOf((tuple, list), "a list of columns")],
                  "milex_scale": [TypeOf(Mapping, "a mapping of COW code to factor"), None],
                  "state": [str]})
def cinc(frame: pd.DataFrame, *, year: str = "year",
         components: tuple[str, ...] = NMC_COMPONENTS,
         milex_scale: Mapping[int, float] | None = None, state: str = "ccode") -> pd.Series:
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
    milex_scale
        COW code → factor multiplying that state's military expenditure (``milex``) before
        the shares are taken (a counterfactual spending change); every state's share moves.
        None (the default) leaves the published components as they are.
    state
        Name of the state column (read only with ``milex_scale``).

    Returns
    -------
    pandas.Series
        CINC in [0, 1], aligned with ``frame``; each year's values sum to 1 when every
        state reports every component. Null where a state-year has no component at all.

    Raises
    ------
    ParameterError
        For a parameter of the wrong type.

    References
    ----------
    .. [1] Singer, J. David, Stuart Bremer, and John Stuckey. 1972. "Capability Distribution,
       Uncertainty, and Major Power War, 1820-1965." In B. Russett (ed.), *Peace, War, and
       Numbers*, 19-48. Beverly Hills: Sage.

    Examples
    --------
    >>> df = pd.DataFrame({"ccode": [2, 200], "year": [1900, 1900], "milex": [3.0, 1.0],
    ...                    "tpop": [1.0, 1.0]})
    >>> cinc(df, components=("milex", "tpop")).round(3).tolist()
    [0.625, 0.375]

    Tripling the second state's spending makes the two equal (shares 0.5 and 0.5):

    >>> cinc(df, components=("milex", "tpop"), milex_scale={200: 3.0}).tolist()
    [0.5, 0.5]
    """
    values = frame[list(components)].astype(float)
    if milex_scale and "milex" in values.columns:
        values["milex"] = values["milex"] * frame[state].map(milex_scale).fillna(1.0)
    totals = values.groupby(frame[year]).transform("sum")
    shares = values / totals.where(totals > 0)
    return shares.mean(axis=1, skipna=True)
