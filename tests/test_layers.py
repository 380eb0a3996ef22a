"""The README's layer table and the import-linter contract say the same, and cover every
package and top-level module of foedus; the contract holds (import-linter itself)."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SRC = REPO / "src" / "foedus"
ORDER = ("faces", "lenses", "data", "model", "base")


def _readme_table() -> dict[str, tuple[str, set[str]]]:
    """package -> (layer, the layers it may import) from README's "Layers" table."""
    text = (REPO / "README.md").read_text("utf-8")
    section = text.split("## Layers", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 4 and cells[1].startswith("`"):
            layer, package, _, may = cells
            rows[package.strip("`")] = (layer, {m.strip() for m in may.split(",")})
    return rows


def _contract() -> tuple[list[list[str]], list[str]]:
    config = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["tool"]
    contract = config["importlinter"]["contracts"][0]
    assert contract["type"] == "layers"
    layers = [[m.strip().removeprefix("foedus.") for m in re.split(r"[:|]", line)]
              for line in contract["layers"]]
    return layers, contract.get("ignore_imports", [])


def _packages() -> set[str]:
    names = {p.name for p in SRC.iterdir() if p.is_dir() and (p / "__init__.py").is_file()}
    names |= {p.stem for p in SRC.glob("*.py") if p.stem != "__init__"}
    return names


def test_readme_table_matches_the_contract() -> None:
    table, (layers, _) = _readme_table(), _contract()
    assert len(layers) == len(ORDER)
    for rank, (name, members) in enumerate(zip(ORDER, layers, strict=True)):
        in_readme = {p for p, (layer, _) in table.items() if layer == name}
        assert in_readme == set(members), (name, in_readme ^ set(members))
        below = set(ORDER[rank + 1:]) | ({"base"} if name == "base" else set())
        for package in members:
            assert table[package][1] == below, (package, table[package][1], below)


def test_every_package_has_a_layer() -> None:
    layers, _ = _contract()
    placed = {m for line in layers for m in line}
    assert _packages() == placed, _packages() ^ placed


def test_exceptions_are_visible_and_explained() -> None:
    _, ignored = _contract()
    text = (REPO / "pyproject.toml").read_text("utf-8")
    for rule in ignored:
        before = text.split(f'"{rule}"', 1)[0].rsplit("\n", 3)
        assert "until the second pass" in "\n".join(before), rule


def test_the_contract_holds() -> None:
    lint = Path(sys.executable).with_name("lint-imports")
    proc = subprocess.run([str(lint)], capture_output=True, text=True, cwd=REPO, check=False)
    assert proc.returncode == 0, proc.stdout[-3000:]
    assert "1 kept, 0 broken" in proc.stdout
