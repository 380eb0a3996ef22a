"""Former home of ``resolve_alliance``, now :mod:`foedus.data.resolve`.

That module is the one resolver of what a user names; the old names work for one release
and warn.
"""

from __future__ import annotations

from typing import Any

from foedus._deprecation import moved

__getattr__: Any = moved(__name__, {"resolve_alliance": "foedus.data.resolve",
                                    "ALIASES": "foedus.data.resolve"})
