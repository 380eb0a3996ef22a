"""Johnson & Leeds (2011), "Defense Pacts: A Prescription for Peace?": directed dyad-years.

Johnson, Jesse C., and Brett Ashley Leeds. 2011. "Defense Pacts: A Prescription for Peace?"
*Foreign Policy Analysis* 7(1): 45-65. doi:10.1111/j.1743-8594.2010.00122.x

Directed dyad-years 1816-2000, probit, peace years with their square and cube (Carter &
Signorino 2010), standard errors clustered by dyad. The specification is the one Alley's
reanalysis re-estimates from the authors' replication file (github.com/joshuaalley/
alliances-conflict-dyads, ``Johnson and Leeds 2011/Johnson and Leeds reanalysis.R``):
``dispute ~ ptargdef + pchalally + pchaloff + pchalneu + ln_distance + capprop + jdem +
s_un_glo + peaceyrs + peaceyrs2 + peaceyrs3``.

What was published, and where:

- ``ptargdef`` negative and significant: the abstract (as printed at
  https://cupdf.com/document/defense-pacts.html) — "We find support for the hypothesis that
  defensive alliances deter the initiation of disputes";
- ``pchalally``: "no evidence in support of the claims that states with defensive allies are
  more likely to initiate disputes" (the abstract), yet significant in the published model by
  Alley's account (it "is no longer associated ... at conventional levels" once errors are
  dyadic-robust); the sign, not printed in what could be read, is taken as negative from the
  two together and marked as inferred;
- ``pchaloff``, ``pchalneu``: J&L carry Leeds (2003)'s terms, whose published signs are
  positive; their significance in J&L's table was not retrieved, so only the sign is judged;
- Alley: ``ptargdef`` and ``pchalally`` are not significant under dyadic-robust errors.

The coefficient table itself was not retrieved (the replication CSV in Alley's repository is
a Git LFS pointer), so no coefficient is compared numerically. The design is written out in
:mod:`foedus.replications._dyadic`; Run it: ``foedus replicate johnson-leeds-2011`` (about
1.3 million directed dyad-years).
"""

from __future__ import annotations

from typing import Any

from foedus.replications._dyadic_study import (
    ALLEY,
    DATASETS,
    DyadicSpec,
    Published,
    run_dyadic,
)
from foedus.replications.base import Study

__all__ = ["SPEC", "STUDY"]

_ABSTRACT = ("Johnson & Leeds 2011, abstract (FPA 7(1): 45; https://cupdf.com/document/"
             "defense-pacts.html)")

SPEC = DyadicSpec(
    start=1816, end=2000, link="probit", duration="cubic",
    alliance=("ptargdef", "pchalally", "pchaloff", "pchalneu"),
    published={
        "ptargdef": Published("target holds an applicable defence pledge", -1, True,
                              _ABSTRACT + ": defensive alliances deter initiation",
                              dyadic_significant=False),
        "pchalally": Published("challenger holds an applicable defence pledge", -1, True,
                               _ABSTRACT + " and " + ALLEY, dyadic_significant=False,
                               note="Sign inferred: the abstract finds no emboldening and "
                                    "Alley reports the term significant before his "
                                    "correction."),
        "pchaloff": Published("challenger holds an applicable offence pledge", 1, None,
                              "Leeds 2003's published sign (abstract); J&L's significance "
                              "not retrieved"),
        "pchalneu": Published("challenger holds a neutrality pledge", 1, None,
                              "Leeds 2003's published sign (abstract); J&L's significance "
                              "not retrieved"),
    },
    coefficients_note=("What differs from the article: the authors' relevance coding read "
                       "from the treaty texts (ours: ATOP 5.1's condition codes, locations "
                       "undecidable), earlier ATOP and MID releases, S from ATOP ties rather "
                       "than COW alliances, NMC 6.0 and Polity5."),
)


def run(**options: Any):
    """Build the directed dyad-years, fit the probit, compare signs and significance."""
    return run_dyadic(SPEC, **options)


STUDY = Study(
    name="johnson-leeds-2011",
    title="Defense Pacts: A Prescription for Peace? (directed dyad-years 1816-2000, probit)",
    citation=("Johnson, Jesse C., and Brett Ashley Leeds. 2011. \"Defense Pacts: A "
              "Prescription for Peace?\" Foreign Policy Analysis 7(1): 45-65."),
    doi="10.1111/j.1743-8594.2010.00122.x",
    data=DATASETS,
    run=run,
    description="Defence pacts deter; no emboldening; significance under dyadic-robust "
                "errors (Alley's reanalysis).",
)
