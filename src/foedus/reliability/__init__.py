"""Alliance reliability: opportunities to honour pledges, outcomes and rates (DESIGN §4)."""

from foedus.reliability.opportunities import export_cases, opportunities
from foedus.reliability.rates import published_comparisons, reliability_rates

__all__ = ["export_cases", "opportunities", "published_comparisons", "reliability_rates"]
