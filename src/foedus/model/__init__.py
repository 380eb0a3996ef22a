"""The domain model of foedus: states, treaties, obligations, places, events (DESIGN §3)."""

from foedus.data.identities import State, resolve_state
from foedus.model.commitments import (
    Basis,
    Condition,
    DomainCoverage,
    ForwardForce,
    Membership,
    NuclearGuarantee,
    Obligation,
    PartnerException,
    Provisions,
    ScopeRule,
    SpendingTarget,
    Suspension,
    Treaty,
)
from foedus.model.events import Event, NonState
from foedus.model.system import CommitmentSystem, Pledge, Snapshot
from foedus.model.vocab import Decision, Domain, Hit, ObligationKind, Response, TreatyKind, View

__all__ = [
    "Basis", "CommitmentSystem", "Condition", "Decision", "Domain", "DomainCoverage", "Event",
    "ForwardForce", "Hit", "Membership", "NonState", "NuclearGuarantee", "Obligation",
    "ObligationKind", "PartnerException", "Pledge", "Provisions", "Response", "ScopeRule",
    "Snapshot", "SpendingTarget", "State", "Suspension", "Treaty", "TreatyKind", "View",
    "resolve_state",
]
