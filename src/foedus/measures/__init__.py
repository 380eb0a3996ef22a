"""Measures computed from the store or the model (capability, distance, similarity…)."""

from foedus.measures.capability import NMC_COMPONENTS, cinc
from foedus.measures.distance import EARTH_MEAN_RADIUS_KM, haversine_km
from foedus.measures.power import loss_of_strength
from foedus.measures.similarity import (
    MEASURES,
    pair_similarity,
    similarity_matrices,
    valued_ties,
)

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
