"""The data layer: the dataset registry, fetching and verifying files, reading them, state
identities and the DuckDB store. Lenses read the store or the model built from it; nothing
above this package opens a raw source file.
"""

from foedus.data.fetch import locate, pull, sha256_file
from foedus.data.registry import Dataset, dataset, datasets

__all__ = ["Dataset", "dataset", "datasets", "locate", "pull", "sha256_file"]
