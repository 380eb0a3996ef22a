"""The gazetteer: dated sovereignty and administration, regions, lookup and the book loader.

Known answers from DESIGN §3 (Place) and the treaties the places book cites: the Okinawa
Reversion Agreement (in force 1972-05-15), UN GA Res. 68/262 (Crimea), the 1962 Évian
settlement (the Algerian departments), the 2016 South China Sea award.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from foedus.data.places import default_gazetteer, load_places
from foedus.data.readers import read_raw
from foedus.errors import FoedusError, PlaceBookError, UnknownPlaceError
from foedus.model.places import (
    TROPIC_OF_CANCER,
    Gazetteer,
    Place,
)

USA, UKG, FRN, SPN, CYP, RUS, UKR, ALG, TUR, CHN, TAW, JPN, PHI = (
    2, 200, 220, 230, 352, 365, 369, 615, 640, 710, 713, 740, 840)


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return default_gazetteer()


def _cow_codes() -> set[int]:
    return set(read_raw("cow_states")["ccode"].astype(int))


class TestFind:
    def test_names_aliases_and_ids_find_one_place(self, gaz: Gazetteer) -> None:
        senkakus = gaz.find("the Senkakus")
        assert senkakus is gaz.find("senkaku islands") is gaz.find("Senkaku-Islands")
        assert senkakus is gaz.find("SENKAKU_ISLANDS") is gaz.find("Diaoyu Islands")
        assert senkakus.id == "senkaku_islands"

    def test_aliases(self, gaz: Gazetteer) -> None:
        assert gaz.find("Malvinas") is gaz.find("the Falklands")
        assert gaz.find("Ayungin Shoal").id == "second_thomas_shoal"
        assert gaz.find("Reunion") is gaz.find("La Réunion")
        assert gaz.find("homeland:USA") is gaz.find("United States of America")
        assert gaz.find("USSR") is gaz.homeland(RUS)

    def test_unknown_place_suggests_close_names(self, gaz: Gazetteer) -> None:
        with pytest.raises(UnknownPlaceError, match="did you mean 'Senkaku Islands'") as info:
            gaz.find("Senkaku Island")
        assert isinstance(info.value, FoedusError) and isinstance(info.value, LookupError)
        assert "\n" not in str(info.value)

    def test_unknown_homeland(self, gaz: Gazetteer) -> None:
        with pytest.raises(UnknownPlaceError, match="no homeland for COW code 3"):
            gaz.homeland(3)


class TestSovereigntyAndAdministration:
    def test_okinawa_reverts_to_japanese_administration_in_1972(self, gaz: Gazetteer) -> None:
        okinawa = gaz.find("Okinawa")
        assert okinawa.administrator_on(1970) == USA
        assert okinawa.administrator_on(1980) == JPN
        assert okinawa.administrator_on(dt.date(1972, 5, 14)) == USA
        assert okinawa.administrator_on(dt.date(1972, 5, 15)) == JPN
        assert okinawa.sovereign_on(1970) == JPN  # residual sovereignty

    def test_senkakus(self, gaz: Gazetteer) -> None:
        senkakus = gaz.find("Senkakus")
        assert senkakus.administrator_on(1970) == USA
        assert senkakus.administrator_on(2014) == JPN
        assert CHN in senkakus.claimants_on(2014) and TAW in senkakus.claimants_on(2014)
        assert senkakus.claimants_on(1960) == ()

    def test_crimea(self, gaz: Gazetteer) -> None:
        crimea = gaz.find("Crimea")
        assert crimea.administrator_on(2013) == UKR
        assert crimea.administrator_on(2015) == RUS
        assert crimea.sovereign_on(2013) == crimea.sovereign_on(2015) == UKR
        assert crimea.claimants_on(2015) == (RUS,)
        assert crimea.sovereign_on(1980) == RUS  # the USSR

    def test_northern_cyprus_is_cypriot_but_not_governed_by_cyprus(self, gaz: Gazetteer) -> None:
        north = gaz.find("Northern Cyprus")
        assert north.sovereign_on(2000) == CYP
        assert north.administrator_on(2000) is None
        assert north.administrator_on(1970) == CYP
        assert gaz.find("Cyprus (south)").administrator_on(2000) == CYP

    def test_taiwan_has_no_recorded_sovereign(self, gaz: Gazetteer) -> None:
        taiwan = gaz.find("Taiwan")
        assert taiwan is gaz.homeland(TAW) and taiwan.kind == "homeland"
        assert taiwan.sovereign_on(2000) is None
        assert taiwan.administrator_on(2000) == TAW
        assert taiwan.claimants_on(2000) == (CHN, TAW)
        assert taiwan.sovereign_on(1930) == JPN

    def test_second_thomas_shoal(self, gaz: Gazetteer) -> None:
        shoal = gaz.find("Second Thomas Shoal")
        assert shoal.sovereign_on(2020) is None
        assert shoal.administrator_on(2020) == PHI
        assert shoal.administrator_on(1990) is None
        assert CHN in shoal.claimants_on(2020)
        assert not shoal.is_island and shoal.kind == "feature"

    def test_algeria(self, gaz: Gazetteer) -> None:
        algeria = gaz.find("Algerian departments of France")
        assert algeria.sovereign_on(dt.date(1962, 7, 2)) == FRN
        assert algeria.sovereign_on(dt.date(1962, 7, 3)) == ALG

    def test_falklands_war(self, gaz: Gazetteer) -> None:
        falklands = gaz.find("Falklands")
        assert falklands.administrator_on(dt.date(1982, 5, 1)) == 160
        assert falklands.sovereign_on(dt.date(1982, 5, 1)) == UKG
        assert falklands.administrator_on(1990) == UKG

    def test_sea_areas_have_no_sovereign(self, gaz: Gazetteer) -> None:
        for sea in gaz.places("sea_area"):
            assert sea.sovereign_on(2000) is None and sea.administrator_on(2000) is None


class TestRegions:
    def test_islands_and_the_tropic(self, gaz: Gazetteer) -> None:
        canaries = gaz.find("Canary Islands")
        assert canaries.is_island and canaries.north_of_tropic_of_cancer
        assert "north_atlantic" in canaries.regions
        assert not gaz.find("Puerto Rico").north_of_tropic_of_cancer
        assert gaz.find("Azores").north_of_tropic_of_cancer
        assert TROPIC_OF_CANCER == 23.4393  # J2000.0 obliquity

    def test_nato_article_6_tags(self, gaz: Gazetteer) -> None:
        nato_land = {"europe", "north_america"}
        for outside in ("Hawaii", "Guam", "Puerto Rico", "Falklands", "French Guiana", "Réunion",
                        "New Caledonia", "Ceuta", "Melilla"):
            assert not gaz.find(outside).regions & nato_land, outside
        for inside in ("Alaska", "Greenland", "Svalbard", "Gibraltar"):
            assert gaz.find(inside).regions & nato_land, inside
        assert "north_america" not in gaz.find("Hawaii").regions
        assert not gaz.find("Ceuta").is_island and "africa" in gaz.find("Melilla").regions

    def test_seas_carry_their_ocean(self, gaz: Gazetteer) -> None:
        assert {"south_china_sea", "pacific"} <= gaz.find("South China Sea").regions
        assert "pacific" in gaz.find("the East China Sea").regions
        assert gaz.find("Baltic Sea").regions == {"baltic"}
        assert gaz.find("Black Sea").regions == {"black_sea"}

    def test_homelands(self, gaz: Gazetteer) -> None:
        assert {"asia", "europe"} <= gaz.homeland(TUR).regions
        assert {"asia", "europe"} <= gaz.homeland(RUS).regions
        assert gaz.homeland(USA).regions == {"north_america"}
        assert gaz.homeland(JPN).is_island and not gaz.homeland(FRN).is_island
        assert gaz.homeland(140).lat == pytest.approx(-15.7939)  # Brasília, corrected

    def test_every_cow_state_has_a_homeland(self, gaz: Gazetteer) -> None:
        abb = dict(zip(read_raw("cow_states")["ccode"], read_raw("cow_states")["stateabb"],
                       strict=True))
        for ccode, code in abb.items():
            home = gaz.homeland(int(ccode))
            assert home.id == f"homeland:{code}" and home.homeland_of == ccode
        assert len(gaz.places("homeland")) == len(abb)

    def test_homeland_sovereignty_follows_cow_spells(self, gaz: Gazetteer) -> None:
        france = gaz.homeland(FRN)
        assert france.sovereign_on(1900) == FRN
        assert france.sovereign_on(1943) is None  # outside COW membership 1942-11-12..1944-08-24
        assert france.sovereign_on(2030) == FRN  # 2016-12-31 continues


class TestTerritoryOf:
    def test_france_and_algeria(self, gaz: Gazetteer) -> None:
        ids_1955 = [p.id for p in gaz.territory_of(FRN, 1955)]
        assert ids_1955[0] == "homeland:FRN" and "algerian_departments" in ids_1955
        assert "algerian_departments" not in [p.id for p in gaz.territory_of(FRN, 1965)]
        assert "algerian_departments" in [p.id for p in gaz.territory_of(ALG, 1965)]

    def test_administration_counts(self, gaz: Gazetteer) -> None:
        assert "okinawa" in [p.id for p in gaz.territory_of(USA, 1970)]
        assert "okinawa" not in [p.id for p in gaz.territory_of(USA, 1980)]
        assert "crimea" in [p.id for p in gaz.territory_of(RUS, dt.date(2020, 1, 1))]
        assert "crimea" in [p.id for p in gaz.territory_of(UKR, dt.date(2020, 1, 1))]


@pytest.fixture(scope="module")
def every_place() -> list[Place]:
    return list(default_gazetteer())


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), day=st.dates(min_value=dt.date(1816, 1, 1),
                                    max_value=dt.date(2030, 12, 31)))
def test_titles_are_cow_codes_or_none(every_place: list[Place], data: st.DataObject,
                                      day: dt.date) -> None:
    place = data.draw(st.sampled_from(every_place))
    codes = _cow_codes()
    for answer in (place.sovereign_on(day), place.administrator_on(day)):
        assert answer is None or answer in codes
    assert set(place.claimants_on(day)) <= codes


GOOD = """
[[place]]
id = "atlantis"
name = "Atlantis"
aliases = ["Lost City"]
kind = "island"
regions = ["north_atlantic"]
is_island = true
lat = 36.0
lon = -25.0
sources = ["Plato, Timaeus"]
sovereignty = [
  { state = 230, end = 1900-12-31, source = "a" },
  { state = "none", start = 1901-01-01, source = "b" },
]
"""


class TestLoader:
    def _write(self, tmp_path: Path, text: str) -> Path:
        path = tmp_path / "places.toml"
        path.write_text(text, encoding="utf-8")
        return path

    def test_a_good_book_loads(self, tmp_path: Path) -> None:
        (place,) = load_places(self._write(tmp_path, GOOD))
        assert place.sovereign_on(1850) == SPN and place.sovereign_on(1950) is None
        assert Gazetteer([place]).find("the lost city") is place

    @pytest.mark.parametrize(("old", "new", "field", "why"), [
        ('regions = ["north_atlantic"]', 'regions = ["atlantic"]', "regions",
         "unknown region tag 'atlantic'"),
        ('regions = ["north_atlantic"]', 'regions = ["caribbean"]', "regions",
         "'caribbean' needs 'north_atlantic'"),
        ("end = 1900-12-31", "start = 1950-01-01, end = 1900-12-31", "sovereignty[0]",
         "start 1950-01-01 is after end 1900-12-31"),
        ("start = 1901-01-01", "start = 1900-06-01", "sovereignty",
         "overlap"),
        ("state = 230", "state = 999", "sovereignty[0].state", "999 is not a COW code"),
        ('kind = "island"', 'kind = "continent"', "kind", "Input should be"),
        ("is_island = true", "is_island = false", "is_island", "kind 'island' needs"),
    ])
    def test_a_bad_entry_is_named(self, tmp_path: Path, old: str, new: str, field: str,
                                  why: str) -> None:
        path = self._write(tmp_path, GOOD.replace(old, new))
        with pytest.raises(PlaceBookError) as info:
            load_places(path)
        message = str(info.value)
        assert f"place 'atlantis', field '{field}'" in message and why in message
        assert str(path) in message and ", line " in message
        assert isinstance(info.value, FoedusError)

    def test_the_line_is_the_field_line(self, tmp_path: Path) -> None:
        path = self._write(tmp_path, GOOD.replace("lat = 36.0", "lat = 136.0"))
        with pytest.raises(PlaceBookError, match=r", line 9: place 'atlantis', field 'lat'"):
            load_places(path)

    def test_syntax_errors_and_duplicates(self, tmp_path: Path) -> None:
        with pytest.raises(PlaceBookError, match="not valid TOML"):
            load_places(self._write(tmp_path, GOOD + "\n[[place]\n"))
        with pytest.raises(PlaceBookError, match="duplicate id 'atlantis'"):
            load_places(self._write(tmp_path, GOOD + GOOD))

    def test_name_collisions_are_refused(self, tmp_path: Path) -> None:
        twin = GOOD.replace('id = "atlantis"', 'id = "atlantis_2"').replace(
            'name = "Atlantis"', 'name = "Atlantis II"')
        places = load_places(self._write(tmp_path, GOOD + twin))
        with pytest.raises(PlaceBookError, match="both answer to 'Lost City'"):
            Gazetteer(places)
