"""Measures computed from the store or the model (capability, distance, similarity…).

The capability and similarity measures (pandas) are imported on first use (issue 17: the
crisis compile reads distance and the loss of strength only, and never imports pandas).
"""

import importlib

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


def __getattr__(name: str):
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
