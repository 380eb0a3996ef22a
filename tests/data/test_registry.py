"""The registry: every entry complete, every mirror file matching its declared facts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from foedus.data import dataset, datasets, sha256_file
from foedus.data.registry import bibtex
from foedus.errors import UnknownDatasetError

REQUIRED = {
    "atop_alliances", "atop_phases", "atop_members", "atop_institutions", "atop_directed",
    "cow_states", "cow_system", "cow_majors", "nmc_6", "nmc_7", "capitals", "capdist",
    "contiguity", "cow_wars", "dyadic_war", "midb", "gml_mid", "sipri_milex", "nato_milex",
    "wdi_gdp", "maddison", "unga_idealpoints",
}


def test_registry_declares_every_dataset_the_issue_names() -> None:
    assert {d.name for d in datasets()} >= REQUIRED


@pytest.mark.parametrize("entry", datasets(), ids=lambda d: d.name)
def test_entry_is_complete(entry) -> None:
    for field in ("title", "version", "coverage", "file", "url", "terms", "citation"):
        assert getattr(entry, field).strip(), field
    assert re.fullmatch(r"[0-9a-f]{64}", entry.sha256)
    assert entry.rows > 0 and entry.bytes > 0
    assert entry.bibtex.startswith("@") and entry.bibtex_key in entry.bibtex
    if entry.official is not None:
        assert entry.official.url.startswith(("http://", "https://"))


@pytest.mark.parametrize("entry", datasets(), ids=lambda d: d.name)
def test_mirror_file_matches_registry(entry, mirror: Path) -> None:
    path = mirror / entry.file
    assert path.stat().st_size == entry.bytes
    assert sha256_file(path) == entry.sha256


def test_registry_hashes_agree_with_provenance(mirror: Path) -> None:
    text = (mirror / "PROVENANCE.md").read_text("utf-8")
    for entry in datasets():
        if entry.name == "sr1999_table6":  # typed-in test vector, not listed with a hash
            continue
        assert entry.sha256 in text, entry.name


def test_unknown_name_suggests_close_ones() -> None:
    with pytest.raises(UnknownDatasetError, match=r"Did you mean: atop_members"):
        dataset("atop_member")
    with pytest.raises(UnknownDatasetError, match="Unknown dataset 'nope'"):
        dataset("nope")


def test_unknown_bibtex_key() -> None:
    with pytest.raises(UnknownDatasetError):
        bibtex("nobody1999")
