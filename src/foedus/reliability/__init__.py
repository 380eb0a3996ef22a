"""Alliance reliability: who was attacked, opportunities to honour pledges, outcomes and
rates on two units (DESIGN §4); :func:`reliability_answer` and :func:`reliability_cases`
are the typed answers of ``foedus reliability --json`` and ``--cases --json`` (imported on
first use: issue 17's crisis compile reads :mod:`foedus.reliability.performance` only)."""

from foedus._lazy import lazy_attributes
from foedus.reliability.alliance_war import alliance_wars, allied_fights
from foedus.reliability.opportunities import export_cases, opportunities
from foedus.reliability.published import published_comparisons
from foedus.reliability.rates import (
    alliance_rates,
    excluded,
    reliability_rates,
    window_sensitivity,
)
from foedus.reliability.targets import war_roles

__all__ = ["CasesAnswer", "ReliabilityAnswer", "alliance_rates", "alliance_wars",
           "allied_fights", "excluded", "export_cases", "opportunities",
           "published_comparisons", "reliability_answer", "reliability_cases",
           "reliability_rates", "war_roles", "window_sensitivity"]

_LAZY = {"CasesAnswer": "answer", "ReliabilityAnswer": "answer",
         "reliability_answer": "answer", "reliability_cases": "answer"}


__getattr__, __dir__ = lazy_attributes(__name__, _LAZY, __all__)
