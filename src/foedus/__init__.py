"""foedus: military alliances and security commitments as data.

The package is organised by layer (DESIGN §2): ``data`` (registry, fetching, readers, the
DuckDB store and state identities) feeds the model; the faces (``cli``) call the library and
never compute on their own.
"""

from foedus._version import __version__
from foedus.errors import FoedusError

__all__ = ["FoedusError", "__version__", "replicate"]


def __getattr__(name: str):  # lazy verbs: `import foedus` stays cheap for the CLI
    if name == "replicate":
        from foedus.replications import replicate

        return replicate
    raise AttributeError(f"module 'foedus' has no attribute {name!r}")
