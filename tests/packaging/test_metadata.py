"""LICENSE, CITATION.cff and CHANGELOG.md agree with pyproject.toml and with each other.

CITATION.cff was also validated with cffconvert 2.0.0 (``cffconvert --validate``: "valid
according to schema version 1.2.0"); cffconvert pins jsonschema < 4, so it cannot share the
project's environment, and these checks repeat what its schema requires of this file.
"""

from __future__ import annotations

import re
import tomllib

import yaml

from foedus import __version__

from helpers import REPO

PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["project"]
#: The DOI pattern of the Citation File Format 1.2.0 schema.
DOI = re.compile(r"^10\.\d{4,9}(\.\d+)?/[A-Za-z0-9:/_;\-\.\(\)\[\]\\]+$")


def test_licence_file_matches_pyproject() -> None:
    text = (REPO / "LICENSE").read_text("utf-8")
    assert PYPROJECT["license"] == "MIT"
    assert text.startswith("MIT License\n")
    assert "Permission is hereby granted, free of charge" in text
    assert 'THE SOFTWARE IS PROVIDED "AS IS"' in text


def test_citation_file_is_valid_and_current() -> None:
    cff = yaml.safe_load((REPO / "CITATION.cff").read_text("utf-8"))
    assert cff["cff-version"] == "1.2.0"
    assert {"message", "title", "authors"} <= set(cff)
    assert cff["type"] == "software"
    assert str(cff["version"]) == __version__ == PYPROJECT["version"]
    assert cff["license"] == PYPROJECT["license"]
    for person in cff["authors"]:
        assert "name" in person or "family-names" in person
    for reference in cff.get("references", []):
        assert {"type", "title", "authors"} <= set(reference)
        assert DOI.match(reference["doi"]), reference["doi"]


def test_changelog_names_this_version() -> None:
    text = (REPO / "CHANGELOG.md").read_text("utf-8")
    assert text.startswith("# Changelog")
    assert re.search(rf"^## \[[^\]]+\].*{re.escape(__version__)}", text, re.MULTILINE)
