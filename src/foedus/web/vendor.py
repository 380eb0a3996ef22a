"""The vendored front-end libraries: where they are, what they are, and a check.

``make vendor`` (``tools/vendor.py``) copies each library's browser build from npm into
``foedus/web/static/vendor/`` with a ``manifest.json`` (package, version, licence, the
lockfile's integrity hash, sha256 of each file). Pages and reports load the scripts listed
in :func:`scripts`, in that order, from this folder: nothing comes from a CDN.
"""

from __future__ import annotations

import hashlib
import json
from importlib import resources
from pathlib import Path

from foedus.errors import VendorMissingError

__all__ = ["VendorMissingError", "manifest", "scripts", "vendor_dir", "verify"]


def vendor_dir() -> Path:
    """The folder of the vendored libraries inside the installed package."""
    return Path(str(resources.files("foedus.web").joinpath("static", "vendor")))


def manifest() -> dict:
    """The manifest written by ``tools/vendor.py``.

    Raises
    ------
    VendorMissingError
        If the libraries were never vendored (run ``make vendor``).
    """
    path = vendor_dir() / "manifest.json"
    if not path.is_file():
        raise VendorMissingError(f"No vendored front-end libraries at {path.parent}; run "
                                 "`make vendor` (npm ci --ignore-scripts, then "
                                 "tools/vendor.py).")
    return json.loads(path.read_text("utf-8"))


def scripts() -> list[str]:
    """The scripts a page loads, in order, as paths relative to :func:`vendor_dir`."""
    return list(manifest()["scripts"])


def verify() -> list[str]:
    """Problems with the vendored files: each one missing or differing from its sha256.

    Returns
    -------
    list of str
        One sentence per problem; empty when every file matches the manifest.
    """
    base = vendor_dir()
    problems = []
    for package in manifest()["packages"]:
        for entry in package["files"]:
            path = base / entry["path"]
            if not path.is_file():
                problems.append(f"{entry['path']} ({package['name']}) is missing")
            elif hashlib.sha256(path.read_bytes()).hexdigest() != entry["sha256"]:
                problems.append(f"{entry['path']} ({package['name']}) differs from its "
                                "sha256 in the manifest")
    return problems
