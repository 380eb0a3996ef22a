"""The domain model of foedus: states, treaties, obligations, places, events (DESIGN §3).

The model is pure: it reads no file and no store (the data layer builds it:
:mod:`foedus.data.loaders`). Names are imported on first use (PEP 562), so that
``from foedus.model.vocab import View`` stays cheap for the command line.
"""

from __future__ import annotations

import importlib
from typing import Any

from foedus._deprecation import warn_moved

#: Names that moved out of the model (they read data); kept here for one release.
_MOVED = {"resolve_state": "foedus.data.identities", "load_crosswalk": "foedus.data.books",
          "load_history": "foedus.data.history"}

_EXPORTS = {
    "State": "foedus.model.states",
    "CommitmentSystem": "foedus.model.system", "Pledge": "foedus.model.system",
    "Snapshot": "foedus.model.system",
    "Event": "foedus.model.events", "NonState": "foedus.model.events",
    **{name: "foedus.model.commitments" for name in (
        "Basis", "Condition", "ConditionClause", "DomainCoverage", "Exclusion",
        "ForwardForce", "Membership", "NuclearGuarantee", "Obligation", "PartnerException",
        "Provisions", "ScopeRule", "SpendingTarget", "Suspension", "Treaty")},
    "Crosswalk": "foedus.model.crosswalk",
    "HistoryEntry": "foedus.model.history", "apply_history": "foedus.model.history",
    **{name: "foedus.model.vocab" for name in (
        "Decision", "Domain", "Hit", "ObligationKind", "Response", "TreatyKind", "View")},
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _MOVED:
        warn_moved(f"foedus.model.{name}", f"{_MOVED[name]}.{name}")
        return getattr(importlib.import_module(_MOVED[name]), name)
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'foedus.model' has no attribute {name!r}")
