"""Measures computed from the store or the model (capability, distance, similarity…).

The capability and similarity measures (pandas) are imported on first use (issue 17: the
crisis compile reads distance and the loss of strength only, and never imports pandas).
"""

from foedus._lazy import lazy_attributes
from foedus.measures.distance import EARTH_MEAN_RADIUS_KM, haversine_km
from foedus.measures.power import loss_of_strength

__all__ = [
    "EARTH_MEAN_RADIUS_KM",
    "MEASURES",
    "NMC_COMPONENTS",
    "cinc",
    "haversine_km",
    "loss_of_strength",
    "pair_similarity",
    "similarity_matrices",
    "valued_ties",
]

_LAZY = {"NMC_COMPONENTS": "capability", "cinc": "capability", "MEASURES": "similarity",
         "pair_similarity": "similarity", "similarity_matrices": "similarity",
         "valued_ties": "similarity"}


__getattr__, __dir__ = lazy_attributes(__name__, _LAZY, __all__)
