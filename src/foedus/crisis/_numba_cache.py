"""A writable folder for Numba's cache of the compiled draws loop, whatever the install.

Numba looks for a place to keep a ``cache=True`` function in order: ``NUMBA_CACHE_DIR``,
the ``__pycache__`` folder beside the module, then a per-user folder
(``$XDG_CACHE_HOME/numba`` or ``~/.cache/numba``); when none can be written (a read-only
package folder and no writable home, as in a locked-down container) it raises at import
time, and nothing in ``foedus.crisis`` can run (Numba, "Notes on Caching",
https://numba.readthedocs.io/en/0.62.0/developer/caching.html). :func:`ensure_cache_dir`
runs before the loop is compiled: when none of the three is writable it points
``NUMBA_CACHE_DIR`` at a private folder under the system's temporary folder
(``foedus-numba-{uid}``, mode 0700), so the loop is compiled and cached there instead.
"""

from __future__ import annotations

import os
import stat
import sys
import tempfile
from pathlib import Path

__all__ = ["ensure_cache_dir", "writable"]


def writable(folder: str | Path) -> bool:
    """Can a file be created in ``folder`` (made, with its parents, if missing)?

    The test Numba applies itself: create the folder, then a temporary file in it.
    """
    try:
        os.makedirs(folder, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError:
        return False
    return True


def _user_cache() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "numba"


def _private_temp() -> Path | None:
    """``{tmp}/foedus-numba-{uid}``, created 0700 and owned by this user; None if it cannot
    be (another user's folder of that name is never used)."""
    folder = Path(tempfile.gettempdir()) / f"foedus-numba-{os.getuid()}"
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
        info = folder.lstat()
    except OSError:
        return None
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
        return None
    return folder if writable(folder) else None


def ensure_cache_dir(module_file: str | Path) -> str | None:
    """Make sure Numba has a writable cache folder for the functions of ``module_file``.

    Parameters
    ----------
    module_file
        The module whose ``cache=True`` functions are about to be compiled.

    Returns
    -------
    str or None
        The temporary folder now in ``NUMBA_CACHE_DIR`` when a fallback was needed, None
        when Numba's own places will do (or when no folder at all can be written: Numba
        then reports it).
    """
    chosen = os.environ.get("NUMBA_CACHE_DIR")
    if chosen and writable(chosen):
        return None
    if writable(Path(module_file).resolve().parent / "__pycache__"):
        return None
    if writable(_user_cache()):
        return None
    folder = _private_temp()
    if folder is None:
        return None
    os.environ["NUMBA_CACHE_DIR"] = str(folder)
    config = sys.modules.get("numba.core.config")
    if config is not None:  # numba already imported: its config read the variable already
        config.CACHE_DIR = str(folder)
    return str(folder)
