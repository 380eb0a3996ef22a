"""Measures computed from the store or the model (capability, similarity, burden…)."""

from foedus.measures.capability import NMC_COMPONENTS, cinc

__all__ = ["NMC_COMPONENTS", "cinc"]
