"""The ``provenance`` object every JSON answer carries (DESIGN §7)."""

from __future__ import annotations

from foedus import __version__
from foedus.data.registry import dataset

__all__ = ["provenance"]


def provenance(names: list[str], *, view: str | None = None, **extra: object) -> dict:
    """``{"datasets": [{"name", "version", "sha256"}], "view", "foedus_version", ...}``.

    ``extra`` adds keys such as ``as_of`` or ``carried_forward``.
    """
    entries = [dataset(n) for n in dict.fromkeys(names)]
    return {
        "datasets": [{"name": e.name, "version": e.version, "sha256": e.sha256}
                     for e in entries],
        "view": view,
        "foedus_version": __version__,
        **extra,
    }
