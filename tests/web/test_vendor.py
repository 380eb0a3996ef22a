"""The vendored front-end libraries match the lockfile, the manifest and each other.

``make vendor`` runs ``npm ci --ignore-scripts`` and ``tools/vendor.py``; these tests read
what it left in ``src/foedus/web/static/vendor/`` (and ``docs/_vendor/``) and fail when a
file, a version, a licence or the lockfile has changed since.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
from pathlib import Path

import pytest

from foedus.web import vendor

from helpers import REPO

LOCKFILE = REPO / "package-lock.json"
DOCS_VENDOR = REPO / "docs" / "_vendor"


def _tool():
    spec = importlib.util.spec_from_file_location("vendor_tool", REPO / "tools" / "vendor.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _manifests() -> dict[str, tuple[dict, Path]]:
    docs = json.loads((DOCS_VENDOR / "manifest.json").read_text("utf-8"))
    return {"web": (vendor.manifest(), vendor.vendor_dir()), "docs": (docs, DOCS_VENDOR)}


@pytest.mark.parametrize("target", ["web", "docs"])
def test_manifest_matches_the_lockfile(target: str) -> None:
    manifest, _ = _manifests()[target]
    locked = _tool().locked(LOCKFILE)
    assert manifest["lockfile_sha256"] == _sha(LOCKFILE), "vendor is stale: run make vendor"
    for package in manifest["packages"]:
        entry = locked[package["name"]]
        assert package["version"] == entry["version"]
        assert package["license"] == entry["license"]
        assert package["integrity"] == entry["integrity"]


@pytest.mark.parametrize("target", ["web", "docs"])
def test_files_match_the_manifest_and_nothing_else_is_there(target: str) -> None:
    manifest, base = _manifests()[target]
    listed = {f["path"]: f for p in manifest["packages"] for f in p["files"]}
    present = {p.relative_to(base).as_posix() for p in base.rglob("*") if p.is_file()}
    assert present == set(listed) | {"manifest.json"}
    for path, entry in listed.items():
        assert _sha(base / path) == entry["sha256"], path
        assert (base / path).stat().st_size == entry["bytes"]
    # every package ships its licence beside its build
    for package in manifest["packages"]:
        assert any(Path(f["path"]).name.upper().startswith("LICEN") for f in package["files"])
    if target == "web":
        assert vendor.verify() == []


def test_every_dependency_is_pinned_and_vendored() -> None:
    declared = json.loads((REPO / "package.json").read_text("utf-8"))["dependencies"]
    root = json.loads(LOCKFILE.read_text("utf-8"))["packages"][""]["dependencies"]
    assert declared == root
    locked = _tool().locked(LOCKFILE)
    assert all(locked[name]["version"] == version for name, version in declared.items())
    vendored = {p["name"] for m, _ in _manifests().values() for p in m["packages"]}
    assert set(declared) <= vendored
    # what vendored builds need at load time is vendored too (UMD globals)
    assert {"layout-base", "cose-base"} <= vendored


def test_chart_libraries_match_altair_and_vl_convert() -> None:
    """Pages render Altair's specs with the vendored Vega-Lite of the same major version,
    and reports render them offline with vl-convert, which must know that version."""
    import altair as alt
    import vl_convert

    versions = {p["name"]: p["version"] for p in vendor.manifest()["packages"]}
    altair_major = alt.SCHEMA_VERSION.lstrip("v").split(".")[0]
    assert versions["vega-lite"].split(".")[0] == altair_major
    minor = ".".join(versions["vega-lite"].split(".")[:2])
    assert minor in vl_convert.get_vegalite_versions()
    assert versions["vega"] == vl_convert.get_vega_version()


def test_scripts_load_dependencies_first() -> None:
    order = [Path(s).parts[0] for s in vendor.scripts()]
    for before, after in (("d3-array", "d3-geo"), ("layout-base", "cose-base"),
                          ("cose-base", "cytoscape-fcose"), ("cytoscape", "cytoscape-fcose"),
                          ("vega", "vega-lite"), ("vega-lite", "vega-embed")):
        assert order.index(before) < order.index(after)


# --- the tool itself, on a node_modules made here ------------------------------------------

def _fake_modules(tmp_path: Path, version: str = "1.2.3") -> tuple[Path, Path]:
    modules = tmp_path / "node_modules"
    package = modules / "lib"
    (package / "dist").mkdir(parents=True)
    (package / "package.json").write_text(json.dumps({"name": "lib", "version": version}))
    (package / "dist" / "lib.min.js").write_text("window.lib = 1;\n")
    (package / "LICENSE").write_text("MIT licence text\n")
    lockfile = tmp_path / "package-lock.json"
    lockfile.write_text(json.dumps({"packages": {"": {}, "node_modules/lib": {
        "version": "1.2.3", "license": "MIT", "integrity": "sha512-x"}}}))
    return modules, lockfile


@pytest.fixture
def tool(monkeypatch: pytest.MonkeyPatch):
    module = _tool()
    monkeypatch.setitem(module.TARGETS, "web", ({"lib": ["dist/lib.min.js"]}, None))
    return module


def test_tool_copies_builds_and_licences_with_hashes(tool, tmp_path: Path) -> None:
    modules, lockfile = _fake_modules(tmp_path)
    out = tmp_path / "vendor"
    manifest = tool.vendor("web", modules=modules, lockfile=lockfile, out=out)
    assert manifest["scripts"] == ["lib/lib.min.js"]
    (package,) = manifest["packages"]
    assert (package["name"], package["version"], package["license"]) == ("lib", "1.2.3", "MIT")
    for entry in package["files"]:
        assert entry["sha256"] == _sha(out / entry["path"])
    assert json.loads((out / "manifest.json").read_text()) == manifest


def test_tool_refuses_a_node_modules_that_differs_from_the_lockfile(tool,
                                                                    tmp_path: Path) -> None:
    modules, lockfile = _fake_modules(tmp_path, version="1.2.4")
    with pytest.raises(tool.VendorError, match="npm ci"):
        tool.vendor("web", modules=modules, lockfile=lockfile, out=tmp_path / "vendor")


def test_tool_refuses_a_missing_build(tool, tmp_path: Path) -> None:
    modules, lockfile = _fake_modules(tmp_path)
    (modules / "lib" / "dist" / "lib.min.js").unlink()
    with pytest.raises(tool.VendorError, match="missing"):
        tool.vendor("web", modules=modules, lockfile=lockfile, out=tmp_path / "vendor")
