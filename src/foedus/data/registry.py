"""The dataset registry under the data layer's name: the same module as
:mod:`foedus.registry`, which holds it in the bottom layer (every layer reads a dataset's
version and coverage from it)."""

from foedus.registry import Dataset, OfficialSource, bibtex, dataset, datasets

__all__ = ["Dataset", "OfficialSource", "bibtex", "dataset", "datasets"]
