"""The controlled vocabulary of the commitment model (DESIGN §3 and §7).

Every value is spelled as it appears in JSON output and on the command line.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["Decision", "Domain", "Hit", "ObligationKind", "Response", "TreatyKind", "View"]


class ObligationKind(StrEnum):
    """What a member owes (ATOP's five obligation types, ATOP's spelling)."""

    DEFENSE = "defense"
    OFFENSE = "offense"
    NEUTRALITY = "neutrality"
    NONAGGRESSION = "nonaggression"
    CONSULTATION = "consultation"


class Response(StrEnum):
    """The response promised when the casus foederis arises."""

    AUTOMATIC = "automatic"  # armed support is owed (e.g. "all means at its disposal")
    DISCRETIONARY = "discretionary"  # "such action as it deems necessary"
    CONSULT = "consult"  # consultation only


class Decision(StrEnum):
    """Who decides that the response is given."""

    INDIVIDUAL = "individual"  # each member for itself
    CONSENSUS = "consensus"  # every member must agree
    MAJORITY = "majority"  # a (qualified) majority binds


class Domain(StrEnum):
    """Domains in which an attack can occur."""

    LAND = "land"
    SEA = "sea"
    AIR = "air"
    CYBER = "cyber"
    SPACE = "space"
    HYBRID = "hybrid"


class Hit(StrEnum):
    """What an attack struck."""

    TERRITORY = "territory"
    FORCES = "forces"
    VESSELS = "vessels"
    AIRCRAFT = "aircraft"


class TreatyKind(StrEnum):
    """How binding a commitment is in law."""

    TREATY = "treaty"  # a formal treaty in force
    EXECUTIVE = "executive_agreement"  # binding between governments, not ratified
    INFORMAL = "informal"  # a policy commitment (Taiwan Relations Act, coalitions)
    ASSURANCE = "assurance"  # assurances that are not a guarantee (Budapest Memorandum)
    PARTNERSHIP = "partnership"  # cooperation without a defence obligation (AUKUS)


class View(StrEnum):
    """The two views of the same commitments (DESIGN §2)."""

    LEGAL = "legal"
    ATOP = "atop"
