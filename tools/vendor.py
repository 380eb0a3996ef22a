"""Copy the front-end libraries from node_modules into the package, with a manifest.

Run after ``npm ci --ignore-scripts`` (``make vendor`` does both). Each package's own
self-contained browser build (UMD, no ``import`` of other files, nothing fetched at load
time) is copied with its licence into ``src/foedus/web/static/vendor/<package>/``, and
MathJax (for the documentation site only, not the wheel) into ``docs/_vendor/mathjax/``.
Each folder gets a ``manifest.json``: for every package its version and licence as the
lockfile records them, the lockfile's integrity hash, and the sha256 and size of every copied
file; ``scripts`` lists the web scripts in the order a page loads them.

Only the standard library is used, so the step runs before any virtual environment exists.
Nothing is downloaded here: npm fetched the packages from the registry, pinned by
``package-lock.json``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

#: Package -> its browser build(s) inside the package, in load order. The UMD builds attach
#: globals: d3-geo extends ``d3`` (needs d3-array), cytoscape-fcose needs ``coseBase``,
#: which needs ``layoutBase``; vega-lite needs ``vega``; vega-embed needs both.
WEB: dict[str, list[str]] = {
    "htmx.org": ["dist/htmx.min.js"],
    "d3-array": ["dist/d3-array.min.js"],
    "d3-geo": ["dist/d3-geo.min.js"],
    "topojson-client": ["dist/topojson-client.min.js"],
    "cytoscape": ["dist/cytoscape.min.js"],
    "layout-base": ["layout-base.js"],
    "cose-base": ["cose-base.js"],
    "cytoscape-fcose": ["cytoscape-fcose.js"],
    "vega": ["build/vega.min.js"],
    "vega-lite": ["build/vega-lite.min.js"],
    "vega-embed": ["build/vega-embed.min.js"],
}
#: MathJax 3's combined TeX-to-SVG component: every TeX extension and the SVG output in one
#: file, so it loads no fonts and no further components.
DOCS: dict[str, list[str]] = {"mathjax": ["es5/tex-svg-full.js"]}

TARGETS = {
    "web": (WEB, REPO / "src" / "foedus" / "web" / "static" / "vendor"),
    "docs": (DOCS, REPO / "docs" / "_vendor"),
}
LICENCE_NAMES = ("LICENSE", "LICENSE.md", "LICENSE.txt", "LICENCE", "license")


class VendorError(Exception):
    """node_modules does not match the lockfile, or a declared file is missing."""


def sha256(path: Path) -> str:
    """The sha256 of a file, hex."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def locked(lockfile: Path) -> dict[str, dict]:
    """The lockfile's entry for each installed package (``node_modules/<name>``)."""
    packages = json.loads(lockfile.read_text("utf-8"))["packages"]
    return {key.removeprefix("node_modules/"): value for key, value in packages.items()
            if key.startswith("node_modules/") and "/node_modules/" not in key}


def _licence_file(package_dir: Path) -> Path:
    for name in LICENCE_NAMES:
        if (package_dir / name).is_file():
            return package_dir / name
    raise VendorError(f"{package_dir.name}: no licence file in {package_dir}.")


def vendor(target: str, *, modules: Path, lockfile: Path, out: Path | None = None) -> dict:
    """Copy one target's files and write its manifest; returns the manifest."""
    spec, default_out = TARGETS[target]
    out = out or default_out
    lock = locked(lockfile)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    packages, scripts = [], []
    for name, files in spec.items():
        entry = lock.get(name)
        if entry is None:
            raise VendorError(f"{name} is not in {lockfile.name}; add it to package.json and "
                              "run `npm install`.")
        package_dir = modules / name
        installed = json.loads((package_dir / "package.json").read_text("utf-8"))["version"]
        if installed != entry["version"]:
            raise VendorError(f"{name}: node_modules has {installed}, the lockfile "
                              f"{entry['version']}; run `npm ci --ignore-scripts`.")
        copied = []
        for relative in [*files, _licence_file(package_dir).name]:
            source = package_dir / relative
            if not source.is_file():
                raise VendorError(f"{name}: {relative} is missing from {package_dir}.")
            dest = out / name / Path(relative).name
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, dest)
            path = dest.relative_to(out).as_posix()
            copied.append({"path": path, "source": relative, "sha256": sha256(dest),
                           "bytes": dest.stat().st_size})
            if relative in files:
                scripts.append(path)
        packages.append({"name": name, "version": entry["version"],
                         "license": entry.get("license"), "integrity": entry.get("integrity"),
                         "files": copied})
    manifest = {"generated_by": "tools/vendor.py", "lockfile_sha256": sha256(lockfile),
                "packages": packages, "scripts": scripts}
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", "utf-8")
    return manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--modules", type=Path, default=REPO / "node_modules")
    parser.add_argument("--lockfile", type=Path, default=REPO / "package-lock.json")
    parser.add_argument("targets", nargs="*", metavar="TARGET",
                        help=f"what to vendor: {', '.join(sorted(TARGETS))} (default: all)")
    args = parser.parse_args(argv)
    unknown = set(args.targets) - set(TARGETS)
    if unknown:
        parser.error(f"unknown target(s): {', '.join(sorted(unknown))}")
    if not args.modules.is_dir():
        print(f"vendor: {args.modules} is missing; run `npm ci --ignore-scripts` first.",
              file=sys.stderr)
        return 1
    for target in args.targets or sorted(TARGETS):
        try:
            manifest = vendor(target, modules=args.modules, lockfile=args.lockfile)
        except VendorError as exc:
            print(f"vendor: {exc}", file=sys.stderr)
            return 1
        size = sum(f["bytes"] for p in manifest["packages"] for f in p["files"])
        print(f"vendor: {target}: {len(manifest['packages'])} packages, {size:,} bytes -> "
              f"{TARGETS[target][1].relative_to(REPO)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
