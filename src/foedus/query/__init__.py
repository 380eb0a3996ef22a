"""Questions asked of the commitment model ("who is bound to defend whom")."""

from foedus.query.obligations import Answer, obligations

__all__ = ["Answer", "obligations"]
