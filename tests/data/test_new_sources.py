"""The sources registered in wave 2: Polity5, Berkemeier & Fuhrmann 2018, ICB v15, CShapes 2.0.

Each is read through the registry (hash verified), with its traps handled: the byte-order
marks of Polity and ICB, and CShapes being an xz-compressed TopoJSON topology whose "rows"
are geometries.
"""

from __future__ import annotations

import lzma
from pathlib import Path

import duckdb
import pytest

from foedus.config import store_path
from foedus.data.readers import read_raw, read_topology
from foedus.errors import DataFormatError

NEW = {"polity5": 17574, "bf2018": 576, "icb_crises": 496, "icb_actors": 1100,
       "icb_dyads": 1363, "cshapes_cow": 805}


@pytest.mark.parametrize(("name", "rows"), sorted(NEW.items()))
def test_read_raw_has_registered_rows_and_clean_headers(name: str, rows: int) -> None:
    frame = read_raw(name)
    assert len(frame) == rows
    assert not any(str(c).startswith("\ufeff") for c in frame.columns)


def test_polity_and_icb_first_columns_survive_the_bom() -> None:
    assert read_raw("polity5").columns[0] == "p5"
    assert read_raw("icb_actors").columns[0] == "icb2"
    assert read_raw("icb_crises").columns[0] == "icb1"


def test_topology_decodes_and_knows_its_states() -> None:
    topology = read_topology("cshapes_cow")
    assert topology["type"] == "Topology" and "transform" not in topology
    geometries = next(iter(topology["objects"].values()))["geometries"]
    assert len(geometries) == 805
    usa = [g for g in geometries if g["properties"]["cowcode"] == 2]
    assert usa and all(g["type"] in ("Polygon", "MultiPolygon") for g in usa)
    lon, lat = topology["arcs"][0][0]
    assert -180 <= lon <= 180 and -90 <= lat <= 90


def test_quantised_topology_is_decoded(tmp_path: Path, monkeypatch) -> None:
    """A topology with a transform gets absolute positions (delta decoding by hand)."""
    import json

    from foedus.data.fetch import Located
    from foedus.data.registry import dataset

    topo = {"type": "Topology", "transform": {"scale": [0.5, 0.25], "translate": [10, 20]},
            "arcs": [[[2, 4], [1, -2], [3, 0]]],
            "objects": {"x": {"type": "GeometryCollection", "geometries": [
                {"type": "LineString", "arcs": [0], "properties": {"cowcode": 1}}]}}}
    path = tmp_path / "t.topojson.xz"
    with lzma.open(path, "wt") as handle:
        json.dump(topo, handle)
    entry = dataset("cshapes_cow")
    from dataclasses import replace

    located = Located(replace(entry, rows=1), path, "mirror")
    decoded = read_topology("cshapes_cow", located)
    assert decoded["arcs"][0] == [[11.0, 21.0], [11.5, 20.5], [13.0, 20.5]]


def test_truncated_topology_is_a_clear_error(tmp_path: Path) -> None:
    from foedus.data.fetch import Located
    from foedus.data.registry import dataset

    path = tmp_path / "broken.xz"
    path.write_bytes(b"\xfd7zXZ\x00garbage")
    with pytest.raises(DataFormatError, match=r"cannot read .* as xz-compressed TopoJSON"):
        read_topology("cshapes_cow", Located(dataset("cshapes_cow"), path, "mirror"))


@pytest.mark.usefixtures("store_home")
def test_store_tables() -> None:
    con = duckdb.connect(str(store_path()), read_only=True)
    try:
        counts = {t: con.execute(f"select count(*) from {t}").fetchone()[0]
                  for t in ("polity", "bf2018", "icb_crises", "icb_actors", "icb_dyads",
                            "cshapes")}
        assert counts.pop("polity") < 17574  # rows that cannot map are dropped, reported
        assert counts == {"bf2018": 576, "icb_crises": 496,
                          "icb_actors": 1100, "icb_dyads": 1363, "cshapes": 805}
        # Polity keeps its own codes, named so that nobody mistakes them for COW's
        assert "polity_ccode" in {r[0] for r in con.execute("describe polity").fetchall()}
        # ICB trigger dates: a known crisis (Cuban Missile Crisis, crisis 196, USA trigger
        # 1962-10-16)
        day = con.execute("select trigger_date from icb_actors where crisno = 196 "
                          "and cracid = 2").fetchone()[0]
        assert str(day) == "1962-10-16"
        usa = con.execute("select min(start_date), max(end_date) from cshapes "
                          "where ccode = 2").fetchone()
        assert str(usa[0]) == "1886-01-01" and str(usa[1]) >= "2019-01-01"
    finally:
        con.close()


def test_registry_hashes_match_provenance_for_new_files(mirror: Path) -> None:
    from foedus.data.registry import dataset

    text = (mirror / "PROVENANCE.md").read_text("utf-8")
    for name in NEW:
        assert dataset(name).sha256 in text


class TestPolityCrosswalk:
    """Polity codes → COW codes (PROVENANCE's traps), checked on the store's table."""

    @pytest.fixture(autouse=True)
    def _con(self, store_home):
        self.con = duckdb.connect(str(store_path()), read_only=True)
        yield
        self.con.close()

    def _cow(self, polity_ccode: int, year: int) -> int | None:
        row = self.con.execute("select ccode from polity where polity_ccode = ? and year = ?",
                               [polity_ccode, year]).fetchone()
        return None if row is None else row[0]

    def test_known_recodes(self) -> None:
        assert self._cow(364, 1950) == 365      # USSR
        assert self._cow(341, 2010) == 347      # Kosovo (COW 341 is Montenegro)
        assert self._cow(348, 2010) == 341      # Montenegro
        assert self._cow(347, 1995) == 345      # Yugoslavia (COW 347 is Kosovo)
        assert self._cow(626, 2015) == 625      # Sudan-North (COW 626 is South Sudan)
        assert self._cow(525, 2015) == 626      # South Sudan
        assert self._cow(769, 1960) == 770      # Pakistan
        assert self._cow(818, 1990) == 816      # Vietnam
        assert self._cow(2, 1950) == 2          # identity where COW has the code

    def test_one_polity_row_per_cow_state_year(self) -> None:
        assert self.con.execute("select count(*) from (select ccode, year from polity "
                                "group by all having count(*) > 1)").fetchone()[0] == 0

    def test_no_polity_code_maps_to_two_cow_states_in_a_year(self) -> None:
        assert self.con.execute("select count(*) from (select polity_ccode, year from polity "
                                "group by all having count(distinct ccode) > 1)"
                                ).fetchone()[0] == 0

    def test_sudan_2011_kept_once_from_the_series_of_1_january(self) -> None:
        rows = self.con.execute("select polity_ccode from polity where ccode = 625 "
                                "and year = 2011").fetchall()
        assert rows == [(625,)]

    def test_unmatched_are_reported(self) -> None:
        names = {r[0].split()[0] for r in self.con.execute(
            "select source_name from unmatched_names where dataset = 'polity5'").fetchall()}
        assert {"89", "99", "564"} <= names
        total = self.con.execute("select count(*) from polity").fetchone()[0]
        dropped = self.con.execute("select sum(rows) from unmatched_names "
                                   "where dataset = 'polity5'").fetchone()[0]
        assert total + dropped == 17574
