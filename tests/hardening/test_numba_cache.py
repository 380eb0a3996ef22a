"""Numba's cache of the draws loop falls back to a private temporary folder when neither
``NUMBA_CACHE_DIR``, the package folder nor the user's cache folder can be written (before:
``RuntimeError: cannot cache function`` at import, so ``foedus simulate`` could not start).

Real read-only folders: a copy of the package with its ``crisis`` folder made read-only,
and, run as root, the capabilities that let root write anywhere dropped (``setpriv``)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import foedus
from foedus.crisis._numba_cache import ensure_cache_dir, writable

PACKAGE = Path(foedus.__file__).resolve().parent
UNPRIVILEGED = ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--"]

# Import the draws loop, compile and run one cached function, say where the cache went.
PROBE = """
import os
import numpy as np
from foedus.crisis.draws import _uniform
u, _ = _uniform(tuple(np.uint64(k) for k in (1, 2, 3, 4)))
assert 0.0 <= u < 1.0
print(os.environ.get("NUMBA_CACHE_DIR", ""))
"""


def _read_only(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o555)
    return folder


def test_the_loop_compiles_when_nothing_else_is_writable(tmp_path: Path) -> None:
    copy = tmp_path / "site"
    shutil.copytree(PACKAGE, copy / "foedus", ignore=shutil.ignore_patterns("__pycache__"))
    _read_only(copy / "foedus" / "crisis")
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = {**os.environ, "PYTHONPATH": str(copy), "PYTHONDONTWRITEBYTECODE": "1",
           "HOME": str(_read_only(tmp_path / "home")), "TMPDIR": str(temp),
           "NUMBA_CACHE_DIR": str(_read_only(tmp_path / "numba"))}
    env.pop("XDG_CACHE_HOME", None)
    prefix = UNPRIVILEGED if os.geteuid() == 0 else []
    assert not prefix or shutil.which("setpriv"), "setpriv (util-linux) is needed as root"
    try:
        proc = subprocess.run([*prefix, sys.executable, "-c", PROBE], capture_output=True,
                              text=True, env=env, timeout=600, check=False)
    finally:
        (copy / "foedus" / "crisis").chmod(0o755)
    assert proc.returncode == 0, proc.stderr
    folder = Path(proc.stdout.strip())
    assert folder == temp / f"foedus-numba-{os.getuid()}"
    assert (folder.stat().st_mode & 0o777) == 0o700
    assert list(folder.rglob("*.nbi")), "the compiled function was not cached there"
    assert not list((copy / "foedus" / "crisis").glob("__pycache__"))


def test_nothing_changes_when_the_package_folder_is_writable(tmp_path: Path,
                                                             monkeypatch) -> None:
    module = tmp_path / "pkg" / "draws.py"
    module.parent.mkdir()
    monkeypatch.delenv("NUMBA_CACHE_DIR", raising=False)
    assert ensure_cache_dir(module) is None
    assert "NUMBA_CACHE_DIR" not in os.environ
    assert writable(module.parent / "__pycache__")
