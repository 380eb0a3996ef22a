"""Leeds & Anac (2005): alliance institutionalisation and alliance performance, 1816-1944.

Leeds, Brett Ashley, and Sezi Anac. 2005. "Alliance Institutionalization and Alliance
Performance." *International Interactions* 31(3): 183-202.
doi:10.1080/03050620500294135. Variables defined in Leeds, Brett Ashley. 2003. "Alliance
Reliability in Times of War: Explaining State Decisions to Violate Treaties."
*International Organization* 57(4): 801-827. doi:10.1017/S0020818303574057.

The authors' replication logit (``LeedsAnacIIrep.do``, Tables 4-5; the active-support
sample): 137 alliance–member–war cases, 1816-1944, 67.9% honoured, ``honor3`` on
``milinst`` (0-2), ``formal`` (0-2), ``chcap2d``, ``dinstch2`` and ``origtar1``:

========  ===========  ======
term      coefficient  s.e.
========  ===========  ======
const     3.691        0.64
milinst   -0.709       0.30
formal    -0.929       0.36
chcap2d   -1.547       0.52
dinstch2  -1.460       0.60
origtar1  -1.359       0.48
========  ===========  ======

foedus rebuilds the cases from its own opportunities (ATOP 5.1, COW v4.0, the dyadic war
file; :func:`foedus.reliability.performance.member_war_cases`), institutionalisation from
ATOP's phase file (checked against the registered ``atopinst5_1`` file), capability change
from NMC 7.0 and democratic change from Polity5 (COW codes), and fits the same logit
(statsmodels, maximum likelihood, the conventional standard errors the do-file's ``logit``
reports). The goal is each coefficient within one published standard error. The
published study used ATOP 3.0, COW v3 wars, NMC 3 and Polity III with its own coding of the
casus foederis and of honouring; our cases come from our automatic coding, so the case set
differs (listed in table ``cases``).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import statsmodels.api as sm
from statsmodels.tools.sm_exceptions import PerfectSeparationError

from foedus.data.loaders import load_system
from foedus.data.store import connect
from foedus.reliability import opportunities
from foedus.reliability.performance import institutionalisation, member_war_cases
from foedus.replications.base import Figure, Study

__all__ = ["PUBLISHED", "STUDY", "run"]

#: (term, coefficient, standard error) of the published logit.
PUBLISHED = (("const", 3.691, 0.64), ("milinst", -0.709, 0.30), ("formal", -0.929, 0.36),
             ("chcap2d", -1.547, 0.52), ("dinstch2", -1.460, 0.60),
             ("origtar1", -1.359, 0.48))
TERMS = ["milinst", "formal", "chcap2d", "dinstch2", "origtar1"]


def fit_logit(cases: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """The published specification on complete cases: coefficients and standard errors.

    Returns
    -------
    tuple
        (frame ``term, coef, se``; the number of cases used). An empty frame when the
        cases cannot identify the model (a constant column, perfect separation).
    """
    data = cases.dropna(subset=[*TERMS, "honoured"])
    x = sm.add_constant(data[TERMS].astype(float), has_constant="add")
    try:
        fit = sm.Logit(data["honoured"].astype(float), x).fit(disp=0, maxiter=200)
    except (PerfectSeparationError, np.linalg.LinAlgError):
        return pd.DataFrame(columns=["term", "coef", "se"]), len(data)
    return pd.DataFrame({"term": list(fit.params.index), "coef": fit.params.to_numpy(),
                         "se": fit.bse.to_numpy()}), len(data)


def run(**_: Any) -> tuple[list[Figure], dict[str, list[dict[str, Any]]], list[str]]:
    """The case list, institutionalisation against the registered file, and the logit.

    Returns
    -------
    tuple
        ``(figures, tables, notes)``; tables ``cases`` (every case with its variables) and
        ``coefficients`` (ours and the published, with standard errors).
    """
    system = load_system()
    opp = opportunities(system, end=1944)
    with connect() as con:
        cases = member_war_cases(opp, con)
        phases = con.execute("select * from atop_phases").df()
        registered = con.execute("select atopidphase, milinst, formal from atop_institutions"
                                 ).df()
    ours = institutionalisation(phases)
    both = ours.assign(k=ours["atopidphase"].round(2)).merge(
        registered.assign(k=registered["atopidphase"].round(2)), on="k", suffixes=("", "_r"))
    figures = []
    for col in ("milinst", "formal"):
        same = int((both[col].fillna(-1) == both[f"{col}_r"].fillna(-1)).sum())
        figures.append(Figure.compare(
            f"{col}: ATOP 5.1 phases coded as the registered atopinst5_1 file", len(registered),
            same, tolerance=0.0, unit="count", required=True, n=len(both),
            note=f"{same} of {len(registered)} phases equal"))
    complete = cases.dropna(subset=[*TERMS, "honoured"])
    figures.append(Figure.compare("cases (alliance-member-war, active obligations, "
                                  "1816-1944)", 137, len(complete), tolerance=0.0,
                                  unit="count", n=len(cases),
                                  note=f"{len(cases)} cases, {len(complete)} complete"))
    figures.append(Figure.compare("share honoured", 0.679, complete["honoured"].mean()
                                  if len(complete) else None, tolerance=0.05,
                                  n=len(complete)))
    coef, n = fit_logit(cases)
    got = coef.set_index("term") if len(coef) else pd.DataFrame(columns=["coef", "se"])
    table = []
    for term, value, se in PUBLISHED:
        mine = got["coef"].get(term)
        mine_se = got["se"].get(term)
        figures.append(Figure.compare(
            f"logit coefficient: {term} (within one published s.e.)", value, mine,
            tolerance=se, unit="coefficient", n=n,
            note="" if mine is not None else "the logit could not be fitted",
            low=None if mine is None else mine - 1.96 * mine_se,
            high=None if mine is None else mine + 1.96 * mine_se))
        table.append({"term": term, "published": value, "published_se": se,
                      "reproduced": None if mine is None else float(mine),
                      "reproduced_se": None if mine_se is None else float(mine_se)})
    rows = cases.assign(date=cases["date"].map(lambda d: d.isoformat()),
                        partners=cases["partners"].map(list))
    notes = [
        f"{len(cases)} cases from foedus's automatic coding ({len(complete)} with every "
        f"variable); the published 137 come from ATOP 3.0, COW v3 and the authors' hand "
        "coding of the casus foederis and of honouring.",
        "chcap2d and dinstch2 use thresholds read from the do-file (10% CINC change; a "
        "3-point Polity change), not published numbers; see foedus.reliability.performance.",
    ]
    return figures, {"cases": rows.to_dict("records"), "coefficients": table}, notes


STUDY = Study(
    name="leeds-anac-2005",
    title="Alliance Institutionalization and Alliance Performance",
    citation="Leeds, Brett Ashley, and Sezi Anac. 2005. International Interactions 31(3): "
             "183-202.",
    doi="10.1080/03050620500294135",
    data=("atop_alliances", "atop_phases", "atop_members", "atop_directed",
          "atop_institutions", "cow_wars", "dyadic_war", "nmc_7", "polity5"),
    run=run,
    description="Logit of honouring on institutionalisation, formality, capability and "
                "democratic change, and original target: alliance-member-war cases "
                "1816-1944.",
)
