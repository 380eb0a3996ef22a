"""Alliance reliability: who was attacked, opportunities to honour pledges, outcomes and
rates on two units (DESIGN §4)."""

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

__all__ = ["alliance_rates", "alliance_wars", "allied_fights", "excluded", "export_cases",
           "opportunities", "published_comparisons", "reliability_rates", "war_roles",
           "window_sensitivity"]
