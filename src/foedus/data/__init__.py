"""The data layer: the dataset registry, fetching and verifying files, reading them, state
identities and the DuckDB store. Lenses read the store or the model built from it; nothing
above this package opens a raw source file.

Names are imported on first use (PEP 562), keeping the command line's start-up cheap.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {"locate": "foedus.data.fetch", "pull": "foedus.data.fetch",
            "sha256_file": "foedus.data.fetch", "Dataset": "foedus.data.registry",
            "dataset": "foedus.data.registry", "datasets": "foedus.data.registry"}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'foedus.data' has no attribute {name!r}")
