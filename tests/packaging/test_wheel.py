"""The wheel a user installs: built from a copy of the source, installed with ``--no-deps``
into a fresh virtual environment that sees the project's dependencies, and run.

It must carry its package data (the registry, BibTeX, authored tables, our book, the
shipped credibility fit, the vendored front-end libraries with their manifest), the licence
and the metadata that ``pyproject.toml`` declares.
"""

from __future__ import annotations

import json
import os
import shutil
import site
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from foedus import __version__
from foedus.web.vendor import manifest

from helpers import REPO

pytestmark = pytest.mark.slow


def _run(*args: str | Path, env: dict | None = None, cwd: Path | None = None
         ) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    proc = subprocess.run([str(a) for a in args], capture_output=True, text=True,
                          timeout=900, check=False, env={**environment, **(env or {})},
                          cwd=cwd)
    assert proc.returncode == 0, (args, proc.stdout[-2000:], proc.stderr[-2000:])
    return proc


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``pip wheel`` of a copy of the source tree (nothing is written into the repository)."""
    manifest()  # the vendored files must be there first (`make vendor`)
    source = tmp_path_factory.mktemp("source")
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copyfile(REPO / name, source / name)
    shutil.copytree(REPO / "src", source / "src", ignore=shutil.ignore_patterns(
        "__pycache__", "*.egg-info", "*.pyc"))
    dist = tmp_path_factory.mktemp("dist")
    _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "--quiet", "-w", dist, source)
    (built,) = dist.glob("foedus-*.whl")
    return built


def test_wheel_carries_package_data_licence_and_metadata(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for required in ("foedus/data/registry.toml", "foedus/data/references.bib",
                     "foedus/credibility/fitted.json", "foedus/web/static/vendor/manifest.json"):
        assert required in names, required
    assert any(n.startswith("foedus/books/") and n.endswith(".toml") for n in names)
    assert any(n.startswith("foedus/data/tables/") and n.endswith(".csv") for n in names)
    vendored = {f"foedus/web/static/vendor/{f['path']}" for p in manifest()["packages"]
                for f in p["files"]}
    assert vendored <= names
    dist_info = f"foedus-{__version__}.dist-info"
    assert any(n.startswith(dist_info) and n.endswith("/LICENSE") for n in names)
    metadata = zipfile.ZipFile(wheel).read(f"{dist_info}/METADATA").decode()
    assert "License-Expression: MIT" in metadata
    assert "Requires-Dist: altair" in metadata and "Requires-Dist: vl-convert-python" in metadata
    # no documentation build, tests or node_modules in the wheel
    assert not any(n.startswith(("tests/", "docs/", "node_modules/")) for n in names)


def test_installed_wheel_runs(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    _run(sys.executable, "-m", "venv", venv)
    python = venv / "bin" / "python"
    # the new environment sees the project's dependencies (a path, not the editable finder)
    purelib = _run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"
                   ).stdout.strip()
    Path(purelib, "project-deps.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    _run(python, "-m", "pip", "install", "--no-deps", "--no-index", "--quiet", wheel)
    out = tmp_path / "out"
    out.mkdir()
    env = {"FOEDUS_HOME": str(tmp_path / "home"), "FOEDUS_CACHE": str(tmp_path / "cache")}

    where = _run(python, "-c", "import foedus; print(foedus.__file__)", env=env, cwd=out)
    assert Path(where.stdout.strip()).is_relative_to(venv), where.stdout
    version = _run(venv / "bin" / "foedus", "--version", env=env, cwd=out)
    assert version.stdout.strip() == f"foedus {__version__}"
    listed = json.loads(_run(venv / "bin" / "foedus", "data", "list", "--json", env=env,
                             cwd=out).stdout)
    assert any(d["name"] == "cshapes_cow" for d in listed["datasets"])
    check = _run(python, "-c", "import json; from importlib import resources; "
                 "from foedus.web.vendor import verify, scripts; "
                 "fitted = resources.files('foedus.credibility').joinpath('fitted.json'); "
                 "print(json.dumps({'problems': verify(), 'scripts': len(scripts()), "
                 "'fitted': fitted.is_file()}))", env=env, cwd=out)
    assert json.loads(check.stdout) == {"problems": [], "scripts": len(manifest()["scripts"]),
                                        "fitted": True}
