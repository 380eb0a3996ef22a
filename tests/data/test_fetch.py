"""Obtaining files: cache, mirror, HTTP base (real loopback server), official archive."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import os
import zipfile
from pathlib import Path

import pytest

from foedus.data import dataset, locate, pull
from foedus.data.registry import OfficialSource
from foedus.errors import DatasetNotFoundError, HashMismatchError

from helpers import serve


def _cache() -> Path:
    return Path(os.environ["FOEDUS_CACHE"])


def _leftovers(root: Path) -> list[Path]:
    """Files in the cache that are not registered files (temporary downloads, archives)."""
    from foedus.data import datasets

    names = {Path(d.file).name for d in datasets()}
    return [p for p in root.rglob("*") if p.is_file() and p.name not in names]


def test_mirror_is_used_in_place_and_verified(mirror: Path) -> None:
    found = locate("cow_majors")
    assert found.origin == "mirror"
    assert found.path == mirror / "cow_states" / "majors2016.csv"
    assert not (_cache() / "cow_states").exists()


def test_pull_copies_into_cache_then_cache_comes_first(mirror: Path) -> None:
    got = pull(["cow_majors", "atop_institutions"])
    assert [g.origin for g in got] == ["mirror", "mirror"]
    cached = _cache() / "cow_states" / "majors2016.csv"
    assert cached.read_bytes() == (mirror / "cow_states" / "majors2016.csv").read_bytes()
    assert locate("cow_majors").origin == "cache"
    assert _leftovers(_cache()) == []


def test_corrupt_mirror_file_is_refused_and_nothing_copied(small_mirror: Path,
                                                           monkeypatch) -> None:
    monkeypatch.setenv("FOEDUS_DATA_MIRROR", str(small_mirror))
    target = small_mirror / "cow_states" / "majors2016.csv"
    target.write_bytes(target.read_bytes()[:-40])  # a truncated CSV
    with pytest.raises(HashMismatchError) as info:
        pull(["cow_majors"])
    message = str(info.value)
    entry = dataset("cow_majors")
    assert "cow_majors" in message and entry.sha256 in message
    assert hashlib.sha256(target.read_bytes()).hexdigest() in message
    assert "left untouched" in message and "\n" not in message
    assert not (_cache() / entry.file).exists()


def test_corrupt_cache_file_is_refused_and_left_in_place(monkeypatch) -> None:
    pull(["cow_majors"])
    cached = _cache() / "cow_states" / "majors2016.csv"
    cached.write_bytes(b"stateabb,ccode\nUSA,2\n")
    with pytest.raises(HashMismatchError, match="cached copy was left in place"):
        locate("cow_majors")
    assert cached.read_bytes() == b"stateabb,ccode\nUSA,2\n"


def test_nothing_anywhere_names_dataset_address_and_place(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("FOEDUS_DATA_MIRROR", str(tmp_path / "empty"))
    with pytest.raises(DatasetNotFoundError) as info:
        locate("atop_members")
    message = str(info.value)
    assert "'atop_members'" in message and "http://www.atopdata.org" in message
    assert str(tmp_path / "empty" / "atop" / "atop5_1m.csv") in message
    monkeypatch.delenv("FOEDUS_DATA_MIRROR")
    with pytest.raises(DatasetNotFoundError, match="FOEDUS_DATA_MIRROR"):
        locate("atop_members")


class TestHttp:
    """FOEDUS_DATA_URL against a real server on 127.0.0.1."""

    def test_download_verifies_and_lands_in_cache(self, mirror, monkeypatch) -> None:
        monkeypatch.delenv("FOEDUS_DATA_MIRROR")
        with serve(mirror) as (base, hits):
            monkeypatch.setenv("FOEDUS_DATA_URL", base)
            found = locate("capitals")
        assert found.origin == "url"
        assert found.path == _cache() / "capitals" / "cow_capitals_peacesciencer.csv"
        assert hits == ["/capitals/cow_capitals_peacesciencer.csv"]
        assert locate("capitals").origin == "cache"

    def test_retries_after_server_errors(self, mirror, monkeypatch) -> None:
        monkeypatch.delenv("FOEDUS_DATA_MIRROR")
        path = "/cow_states/majors2016.csv"
        with serve(mirror, fail_first={path: 2}) as (base, hits):
            monkeypatch.setenv("FOEDUS_DATA_URL", base)
            assert locate("cow_majors").origin == "url"
        assert hits == [path, path, path]

    def test_gives_up_with_a_clear_error(self, mirror, monkeypatch) -> None:
        monkeypatch.delenv("FOEDUS_DATA_MIRROR")
        path = "/cow_states/majors2016.csv"
        with serve(mirror, fail_first={path: 10}) as (base, _):
            monkeypatch.setenv("FOEDUS_DATA_URL", base)
            with pytest.raises(DatasetNotFoundError, match="failed after 3 tries"):
                locate("cow_majors")
        assert not (_cache() / "cow_states" / "majors2016.csv").exists()

    def test_truncated_download_is_deleted(self, small_mirror, monkeypatch) -> None:
        monkeypatch.delenv("FOEDUS_DATA_MIRROR")
        served = small_mirror / "capitals" / "cow_capitals_peacesciencer.csv"
        served.write_bytes(served.read_bytes()[:5000])
        with serve(small_mirror) as (base, _):
            monkeypatch.setenv("FOEDUS_DATA_URL", base)
            with pytest.raises(HashMismatchError, match="download was deleted"):
                locate("capitals")
        assert list((_cache()).rglob("*.csv")) == []
        assert _leftovers(_cache()) == []


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, payload in members.items():
            archive.writestr(name, payload)
    return buffer.getvalue()


class TestOfficialArchive:
    """The official distribution, emulated byte for byte on 127.0.0.1."""

    def test_nested_archive_member_is_extracted_and_verified(self, mirror, monkeypatch,
                                                             tmp_path) -> None:
        monkeypatch.delenv("FOEDUS_DATA_MIRROR")
        monkeypatch.delenv("FOEDUS_OFFLINE")
        csv = (mirror / "cow_nmc" / "NMC-60-abridged.csv").read_bytes()
        inner = _zip({"NMC-60-abridged.csv": csv})
        site = tmp_path / "site"
        site.mkdir()
        (site / "NMC_Documentation-6.0.zip").write_bytes(
            _zip({"NMC_Documentation-6.0/NMC-60-abridged.zip": inner, "readme.txt": b"x"}))
        entry = dataset("nmc_6")
        with serve(site) as (base, _):
            local = dataclasses.replace(entry, official=OfficialSource(
                base + "NMC_Documentation-6.0.zip", entry.official.members))
            found = locate(local)
        assert found.origin == "official"
        assert found.path.read_bytes() == csv
        assert _leftovers(_cache()) == []

    def test_wrong_member_bytes_are_refused(self, mirror, monkeypatch, tmp_path) -> None:
        monkeypatch.delenv("FOEDUS_DATA_MIRROR")
        monkeypatch.delenv("FOEDUS_OFFLINE")
        site = tmp_path / "site"
        site.mkdir()
        (site / "atop.zip").write_bytes(_zip({"ATOP 5.1 (.csv)/atop5_1m.csv": b"atopid\n1\n"}))
        entry = dataset("atop_members")
        with serve(site) as (base, _):
            local = dataclasses.replace(entry, official=OfficialSource(
                base + "atop.zip", entry.official.members))
            with pytest.raises(HashMismatchError, match="cache left as it was"):
                locate(local)
        assert not (_cache() / entry.file).exists()
        assert _leftovers(_cache()) == []

    def test_offline_skips_the_official_address(self, monkeypatch, tmp_path) -> None:
        monkeypatch.setenv("FOEDUS_DATA_MIRROR", str(tmp_path))
        with pytest.raises(DatasetNotFoundError) as info:
            locate("cow_wars")
        assert "Tried" not in str(info.value)
