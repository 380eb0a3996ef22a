"""Leeds (2003), "Do Alliances Deter Aggression?": MID initiation in directed dyad-years.

Leeds, Brett Ashley. 2003. "Do Alliances Deter Aggression? The Influence of Military
Alliances on the Initiation of Militarized Interstate Disputes." *American Journal of
Political Science* 47(3): 427-439. doi:10.1111/1540-5907.00031

Directed dyad-years 1816-1944, logit, peace years with cubic splines (Beck, Katz & Tucker
1998), robust standard errors clustered by dyad. The finding (the abstract, as printed at
https://www.readkong.com/page/do-alliances-deter-aggression-the-in-uence-of-military-9579333):
"Alliance commitments that would require allies to intervene on behalf of potential target
states reduce the probability that a militarized dispute will emerge, but alliance
commitments promising offensive support to a potential challenger and alliances that promise
nonintervention by outside powers increase the likelihood that a challenger will initiate a
crisis." The coefficient table itself could not be retrieved (the methods review of December
2026 says the same), so each term is judged on sign and significance (``unit="sign"``).

The design (who is challenger and target, which MIDs count, which pledges apply, the
controls) is written out in :mod:`foedus.replications._dyadic`; the variances in
:mod:`foedus.replications._dyadic_fit`. Leeds's own control set is not recoverable here: the
controls are those Johnson & Leeds (2011) list for the same design (log distance,
capability proportion, joint democracy, S), without Johnson & Leeds's challenger defence
term. BKT's spline basis is not recoverable either: a natural cubic spline with knots at 1,
4 and 7 years stands in, and the sensitivity table gives the cubic polynomial instead.

Run it: ``foedus replicate leeds-2003`` (about 236,000 directed dyad-years; options
``start``, ``end``, ``undecidable``, ``intra_alliance`` through
``foedus.replicate("leeds-2003", ...)``).
"""

from __future__ import annotations

from typing import Any

from foedus.replications._dyadic_study import DATASETS, DyadicSpec, Published, run_dyadic
from foedus.replications.base import Study

__all__ = ["SPEC", "STUDY"]

_ABSTRACT = ("Leeds 2003, abstract (AJPS 47(3): 427; https://www.readkong.com/page/"
             "do-alliances-deter-aggression-the-in-uence-of-military-9579333)")

SPEC = DyadicSpec(
    start=1816, end=1944, link="logit", duration="splines",
    alliance=("ptargdef", "pchaloff", "pchalneu"),
    published={
        "ptargdef": Published("target holds an applicable defence pledge", -1, True,
                              _ABSTRACT + ": target's defensive allies reduce initiation"),
        "pchaloff": Published("challenger holds an applicable offence pledge", 1, True,
                              _ABSTRACT + ": offensive support to the challenger increases "
                              "initiation"),
        "pchalneu": Published("challenger holds a neutrality pledge", 1, True,
                              _ABSTRACT + ": promises of nonintervention increase initiation"),
    },
    coefficients_note=("What differs from the article: Leeds's own control set (the controls "
                       "here are Johnson & Leeds's), her relevance coding read from the treaty "
                       "texts (ours: ATOP 5.1's condition codes, locations undecidable), "
                       "earlier ATOP and MID releases, and the BKT spline basis (ours: a "
                       "natural spline with knots at 1, 4, 7)."),
)


def run(**options: Any):
    """Build the directed dyad-years, fit the logit, compare signs and significance."""
    return run_dyadic(SPEC, **options)


STUDY = Study(
    name="leeds-2003",
    title="Do Alliances Deter Aggression? (directed dyad-years 1816-1944, logit)",
    citation=("Leeds, Brett Ashley. 2003. \"Do Alliances Deter Aggression? The Influence of "
              "Military Alliances on the Initiation of Militarized Interstate Disputes.\" "
              "American Journal of Political Science 47(3): 427-439."),
    doi="10.1111/1540-5907.00031",
    data=DATASETS,
    run=run,
    description="Target's defence pledges deter; challenger's offence and neutrality "
                "pledges embolden (signs and significance; dyadic-robust errors beside).",
)
