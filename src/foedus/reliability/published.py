"""Published reliability figures, each beside ours on the same definition.

Every figure names its unit, rule, obligations and years; ours is computed on the same:

- Leeds, Long & Mitchell (2000) [1]_, "about 75 percent" (Leeds 2003 [3]_; 74.5% in the
  replication data): alliances invoked in wars 1816-1944, judged by LLM's all-members rule
  on their defence, offence and neutrality obligations. Ours: the alliance–war rows of
  1816-1944 under the same rule (neutrality legs count as LLM count them, on the alliance,
  not one row per neutral member).
- Berkemeier & Fuhrmann (2018) [2]_, their do-file's tabulations of ``honorLLM`` over the
  rows with ``dnaLLM`` missing: all obligations 73/146 (0.500), before 1945 61/92 (0.663),
  after 12/54 (0.222); alliances carrying a defence obligation 42/102 (0.412), before 1945
  36/59 (0.610), after 6/43 (0.140); offence 31/42 (0.738); neutrality 35/45 (0.778);
  non-aggression 18/49 (0.367). A row counts under every obligation its alliance carries.
  Ours: the alliance–war rows of 1816-2003 under LLM's rule.

The numbers differ in what they rest on, and each comparison says so: LLM and B&F decide
the casus foederis by hand from the treaty texts; we decide it from ATOP's coded conditions
and drop the undecidable rows; B&F's "before 1945" is their ``sample`` (war and alliance
before 1945), ours the year of the casus foederis; their war list is the Interstate War
Data (IWD 1.1), ours COW v4.0 (the ``berkemeier-fuhrmann-2018`` replication lists every
row that differs).

References
----------
.. [1] Leeds, Brett Ashley, Andrew G. Long, and Sara McLaughlin Mitchell. 2000.
   "Reevaluating Alliance Reliability: Specific Threats, Specific Promises." *Journal of
   Conflict Resolution* 44(5): 686-699. doi:10.1177/0022002700044005006
.. [2] Berkemeier, Molly, and Matthew Fuhrmann. 2018. "Reassessing the Fulfillment of
   Alliance Commitments in War." *Research & Politics* 5(2). doi:10.1177/2053168018776125
.. [3] Leeds, Brett Ashley. 2003. "Alliance Reliability in Times of War: Explaining State
   Decisions to Violate Treaties." *International Organization* 57(4): 801-827.
   doi:10.1017/S0020818303574057
"""

from __future__ import annotations

import math

from foedus._lazy import pandas as pd
from foedus.reliability.rates import N_BOOT, alliance_rates

__all__ = ["BF_FIGURES", "LLM_FIGURE", "published_comparisons"]

_LLM = ("Leeds, Long & Mitchell 2000", "10.1177/0022002700044005006")
_BF = ("Berkemeier & Fuhrmann 2018", "10.1177/2053168018776125")

#: (label, era or None, kind or None, honoured, n) of B&F's do-file tabulations.
BF_FIGURES = (
    ("all obligations, 1816-2003", None, None, 73, 146),
    ("all obligations, before 1945", "pre-1945", None, 61, 92),
    ("all obligations, 1945-2003", "post-1945", None, 12, 54),
    ("alliances with a defence obligation, 1816-2003", None, "defense", 42, 102),
    ("alliances with a defence obligation, before 1945", "pre-1945", "defense", 36, 59),
    ("alliances with a defence obligation, 1945-2003", "post-1945", "defense", 6, 43),
    ("alliances with an offence obligation, 1816-2003", None, "offense", 31, 42),
    ("alliances with a neutrality obligation, 1816-2003", None, "neutrality", 35, 45),
    ("alliances with a non-aggression obligation, 1816-2003", None, "nonaggression", 18, 49),
)
#: LLM's published share of alliances honoured, 1816-1944.
LLM_FIGURE = 0.745

_DIFF = ("Casus foederis by hand from the treaty texts (published) vs from ATOP 5.1's coded "
         "conditions with undecidable rows dropped (ours); IWD 1.1 wars and ATOP 3.0 "
         "(published) vs COW v4.0 and ATOP 5.1 (ours).")


def _ours(alliances: pd.DataFrame, era: str | None, kind: str | None, level: float,
          n_boot: int, seed: int) -> dict:
    data = alliances
    if kind is not None:
        data = data[data[kind]]
    by = ("era",) if era else ()
    rates = alliance_rates(data, by=by, level=level, n_boot=n_boot, seed=seed)
    if era:
        rates = rates[rates["era"] == era]
    if rates.empty or rates["n"].iloc[0] == 0:
        return {"n": 0, "honoured": 0, "rate": None, "low": None, "high": None, "wars": 0}
    r = rates.iloc[0]

    def num(v):
        return None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v)

    return {"n": int(r["n"]), "honoured": int(r["honoured"]), "rate": num(r["rate"]),
            "low": num(r["low"]), "high": num(r["high"]), "wars": int(r["wars"])}


def published_comparisons(alliances: pd.DataFrame, *, level: float = 0.95,
                          n_boot: int = N_BOOT, seed: int = 0) -> list[dict]:
    """Each published figure beside ours on the same definition.

    Parameters
    ----------
    alliances
        :func:`foedus.reliability.alliance_war.alliance_wars` rows (COW wars to 2003).
    level, n_boot, seed
        The war-clustered bootstrap of our rates.

    Returns
    -------
    list of dict
        ``source``, ``doi``, ``unit`` (``alliance_war``), ``rule`` (``llm``),
        ``definition``, ``published``, ``published_n``, our ``n``, ``honoured``, ``rate``,
        ``low``, ``high``, ``wars``, and ``differences``.
    """
    pre = alliances[alliances["year"].between(1816, 1944)]
    out = [{"source": _LLM[0], "doi": _LLM[1], "unit": "alliance_war", "rule": "llm",
            "definition": "alliances invoked in wars 1816-1944, all-members rule, defence, "
                          "offence and neutrality obligations",
            "published": LLM_FIGURE, "published_n": None,
            **_ours(pre, None, None, level, n_boot, seed),
            "differences": _DIFF + " LLM's period ends in 1944; ours is the casus foederis "
                                   "year."}]
    for label, era, kind, honoured, n in BF_FIGURES:
        out.append({"source": _BF[0], "doi": _BF[1], "unit": "alliance_war", "rule": "llm",
                    "definition": f"{label}, all-members rule (honorLLM)",
                    "published": round(honoured / n, 3), "published_n": n,
                    **_ours(alliances, era, kind, level, n_boot, seed),
                    "differences": _DIFF + (" Their era is the sample variable (alliance "
                                            "and war before 1945); ours the casus foederis "
                                            "year." if era else "")})
    return out
