"""Reading the registered files: row counts, line endings, sentinels, damaged files."""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path

import pandas as pd
import pytest

from foedus.data import dataset, datasets
from foedus.data.readers import dates_from_parts, null_sentinels, read_csv_checked, read_raw
from foedus.errors import DataFormatError


@pytest.mark.parametrize("entry", datasets(), ids=lambda d: d.name)
def test_every_file_reads_with_its_registered_row_count(entry) -> None:
    assert len(read_raw(entry.name)) == entry.rows


def test_cr_only_line_endings_are_read(mirror: Path) -> None:
    raw = (mirror / dataset("cow_wars").file).read_bytes()
    assert b"\n" not in raw and raw.count(b"\r") == 337  # CR only, no final newline
    wars = read_raw("cow_wars")
    assert len(wars) == 337 and wars["WarNum"].nunique() == 95
    assert wars.columns[-1] == "Version"  # the header was split on CR, not read as one row


@pytest.mark.parametrize("name", ["nmc_6", "cow_majors", "cow_system", "cow_wars"])
def test_files_without_final_newline_keep_their_last_row(name: str, mirror: Path) -> None:
    entry = dataset(name)
    raw = (mirror / entry.file).read_bytes()
    assert not raw.endswith((b"\n", b"\r"))
    last_line = raw.replace(b"\r\n", b"\n").replace(b"\r", b"\n").split(b"\n")[-1].decode()
    frame = read_raw(name)
    assert frame.iloc[-1].astype(str).str.replace(r"\.0$", "", regex=True).tolist()[:2] == \
        last_line.split(",")[:2]


def test_truncated_file_with_matching_hash_fails_on_rows(tmp_path: Path, mirror: Path) -> None:
    entry = dataset("capitals")
    lines = (mirror / entry.file).read_text().splitlines(keepends=True)
    short = tmp_path / "capitals.csv"
    short.write_text("".join(lines[:100]))
    forged = dataclasses.replace(entry, sha256=hashlib.sha256(short.read_bytes()).hexdigest())
    with pytest.raises(DataFormatError, match=r"has 99 data rows, the registry expects 242"):
        read_csv_checked(forged, short)


def test_unparseable_file_is_a_format_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b'a,b\n1,"2\n')
    with pytest.raises(DataFormatError, match="cannot parse"):
        read_csv_checked(dataset("capitals"), bad)


def test_null_sentinels_only_touches_sentinels() -> None:
    frame = pd.DataFrame({"a": [1, -9, 3], "b": [-8, 5, -9], "c": ["-9", "x", "y"]})
    out = null_sentinels(frame, None, (-8, -9))
    assert out["a"].tolist()[0] == 1 and pd.isna(out["a"].iloc[1])
    assert out["b"].isna().tolist() == [True, False, True]
    assert out["c"].tolist() == ["-9", "x", "y"]  # text columns are not numbers


def test_dates_from_parts_handles_unknown_parts() -> None:
    out = dates_from_parts(pd.Series([1990, 0, 2001, 1823]), pd.Series([10, 0, 2, 13]),
                           pd.Series([3, 0, None, 1]))
    assert str(out.iloc[0]) == "1990-10-03"
    assert out.iloc[1] is None and out.iloc[3] is None
    assert str(out.iloc[2]) == "2001-02-01"
