"""Opportunities and outcomes against cases whose history is certain (1914, 1939), and the
rules of timing, casus foederis and nesting worked by hand."""

from __future__ import annotations

import datetime as dt
from collections import namedtuple

import pytest

from foedus.model.commitments import Basis, Condition, Obligation
from foedus.reliability.opportunities import (
    OUTCOMES,
    casus_foederis,
    casus_foederis_reasons,
    export_cases,
    opportunities,
    outcome_of,
)

Part = namedtuple("Part", "ccode side spells role attacked_on start end")


@pytest.fixture(scope="module")
def cow(built_home):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("FOEDUS_HOME", str(built_home))
        from foedus.data.loaders import load_system

        system = load_system()
        yield system, opportunities(system, source="cow")


def _rows(frame, war, target, ally, **eq):
    sel = frame[(frame["war"] == war) & (frame["target"] == target) & (frame["ally"] == ally)]
    for col, val in eq.items():
        sel = sel[sel[col] == val]
    return sel


def _ob(**condition) -> Obligation:
    flags = condition.pop("flags", ())
    return Obligation(id="x", kind="defense", article=Basis(article="1"),
                      condition=Condition(**condition), flags=flags)


class TestOutcome:
    """``outcome_of`` on toy participations (days from 1 January 2000)."""

    day = dt.date(2000, 1, 1)
    partner = Part(1, 1, ((dt.date(2000, 1, 1), dt.date(2000, 12, 31)),), "target",
                   dt.date(2000, 1, 1), dt.date(2000, 1, 1), dt.date(2000, 12, 31))

    def ally(self, days: int, side: int = 1, role: str = "joiner") -> Part:
        s = self.day + dt.timedelta(days=days)
        return Part(2, side, ((s, dt.date(2000, 12, 31)),), role,
                    s if role == "target" else None, s, dt.date(2000, 12, 31))

    def test_joined_within_the_window(self):
        assert outcome_of([self.ally(10)], self.partner, self.day, 90)[0] == "joined_partner"

    def test_joined_after_the_window(self):
        got = outcome_of([self.ally(100)], self.partner, self.day, 90)
        assert got == ("late_entry", dt.date(2000, 4, 10))
        assert outcome_of([self.ally(100)], self.partner, self.day, float("inf"))[0] == \
            "joined_partner"

    def test_joined_late_only_when_attacked_itself(self):
        got = outcome_of([self.ally(100, role="target")], self.partner, self.day, 90)
        assert got[0] == "joined_after_attacked"
        assert outcome_of([self.ally(10, role="target")], self.partner, self.day, 90)[0] == \
            "joined_partner"

    def test_fought_the_partner(self):
        assert outcome_of([self.ally(5, side=2)], self.partner, self.day, 90)[0] == \
            "joined_against"
        # a dyad only (no side in the war file): the USSR against Poland, 1939
        assert outcome_of([], self.partner, self.day, 90, [dt.date(2000, 1, 17)]) == \
            ("joined_against", dt.date(2000, 1, 17))
        # a dyad after the partner left the war does not count
        assert outcome_of([], self.partner, self.day, 90, [dt.date(2001, 6, 1)])[0] == \
            "stayed_out"

    def test_already_at_war_and_stayed_out(self):
        assert outcome_of([self.ally(-3)], self.partner, self.day, 90)[0] == "already_at_war"
        assert outcome_of([], self.partner, self.day, 90) == ("stayed_out", None)


class TestCasusFoederis:
    def test_named_adversary(self):
        named = _ob(adversary_coded=True, adversaries=(220,))
        assert casus_foederis_reasons(named, (220, 365)) == (
            True, "named adversary among the attackers")
        assert casus_foederis(named, (345,)) is False

    def test_undecidable_conditions_give_none(self):
        assert casus_foederis_reasons(_ob(location_coded=True, location_recorded=False),
                                      (1,)) == (None, "location not recorded")
        assert casus_foederis(_ob(adversary_coded=True, adversary_recorded=False), (1,)) is None
        assert casus_foederis_reasons(_ob(non_provocation=True), (1,), "joiner") == (
            None, "non-provocation (not attacked)")

    def test_specific_conflict_is_decided_by_the_war(self):
        ob = _ob(conflict_coded=True)
        assert casus_foederis(ob, (1,), war="cow:106", conflicts={"cow:106"}) is True
        assert casus_foederis(ob, (1,), war="cow:139", conflicts={"cow:106"}) is False
        assert casus_foederis(ob, (1,)) is None

    def test_false_beats_none_and_no_conditions_hold(self):
        ob = _ob(adversary_coded=True, adversaries=(220,), location_coded=True,
                 location_recorded=False)
        assert casus_foederis(ob, (345,)) is False
        assert casus_foederis_reasons(_ob(), ()) == (True, "no conditions")
        neutral = _ob(flags=("atop:neucoatt",))
        assert casus_foederis(neutral, (1,), "target") is True
        assert casus_foederis(neutral, (1,), "joiner") is False


def test_columns_and_codes(cow):
    _, frame = cow
    assert set(frame["outcome"]) <= set(OUTCOMES)
    assert set(frame["role"]) <= {"target", "initiator", "joiner"}
    assert set(frame["casus_foederis"].map(repr)) <= {"True", "False", "None"}
    assert frame.loc[frame["casus_foederis"].isna(), "cf_reason"].str.len().gt(0).all()
    assert frame.loc[frame["kind"].isin(["consultation", "nonaggression"]),
                     "honoured"].isna().all()
    assert frame.loc[frame["outcome"] == "already_at_war", "honoured"].isna().all()
    # defence only toward the attacked, offence only toward those who were not
    assert (frame.loc[frame["kind"] == "defense", "role"] == "target").all()
    assert (frame.loc[frame["kind"] == "offense", "role"] != "target").all()
    assert not (frame["target"] == frame["ally"]).any()
    counted = frame[frame["counted"]]
    assert not counted.duplicated(["war", "target", "target_side", "ally", "kind"]).any()
    assert counted["nested_in"].isna().all()


def test_no_united_states_partner_in_korea_or_laos(cow):
    _, frame = cow
    for war in ("cow:151", "cow:170"):
        assert frame[(frame["war"] == war) & (frame["target"] == 2)
                     & frame["kind"].isin(["defense"])].empty


def test_greece_serbia_1914_violated(cow):
    _, frame = cow
    greece = _rows(frame, "cow:106", 345, 350, atopid=1490, kind="defense").iloc[0]
    assert greece["date"] == dt.date(1914, 7, 29) and greece["casus_foederis"] is True
    assert greece["outcome"] == "late_entry" and greece["honoured"] is False
    assert greece["lag_days"] > 1000


def test_ussr_poland_1939_violated(cow):
    _, frame = cow
    ussr = _rows(frame, "cow:139", 290, 365, atopid=2295, kind="neutrality").iloc[0]
    assert ussr["outcome"] == "joined_against" and ussr["honoured"] is False
    assert ussr["ally_joined_date"] == dt.date(1939, 9, 17)


def test_italy_triple_alliance_not_honoured(cow):
    _, frame = cow
    italy = _rows(frame, "cow:106", 300, 325, atopid=1350)
    assert len(italy) >= 1
    assert (italy["outcome"] == "joined_against").all()
    assert not italy["honoured"].map(lambda v: v is True).any()


def test_1939_britain_and_france_honour_poland(cow):
    _, frame = cow
    poland = frame[(frame["war"] == "cow:139") & (frame["target"] == 290)
                   & (frame["kind"] == "defense")]
    uk = poland[(poland["ally"] == 200) & (poland["atopid"] == 2440)]
    fr = poland[(poland["ally"] == 220) & poland["atopid"].isin([2060, 2135])]
    assert len(uk) == 1 and len(fr) == 2
    for rows in (uk, fr):
        assert (rows["outcome"] == "joined_partner").all()
        assert (rows["lag_days"] == 2).all()
        assert rows["casus_foederis"].map(lambda v: v is True).all()
    assert fr["counted"].sum() == 1  # two French pledges, one opportunity


def test_1914_france_honours_russia(cow):
    _, frame = cow
    france = _rows(frame, "cow:106", 365, 220, atopid=1385, kind="defense").iloc[0]
    assert france["date"] == dt.date(1914, 8, 1)
    assert france["outcome"] == "joined_partner" and france["lag_days"] == 2


def test_rio_and_oas_counted_once(cow):
    system, frame = cow
    football = frame[(frame["war_name"] == "Football War") & (frame["kind"] == "defense")]
    oas, rio = football[football["atopid"] == 3150], football[football["atopid"] == 3075]
    assert len(oas) > 10 and len(rio) > 10
    assert (oas["nested_in"] == "atop:3075").all() and not oas["counted"].any()
    assert rio["counted"].any()
    rio_treaty = system.treaty("atop:3075")
    for r in oas.itertuples():
        inside = rio_treaty.member_on(r.ally, r.date) and rio_treaty.member_on(r.target,
                                                                                r.date)
        assert r.outside_container == (not inside)
    assert football["intra_alliance"].all()


def test_wartime_pledges(cow):
    _, frame = cow
    london = frame[(frame["war"] == "cow:106") & (frame["atopid"] == 2025)]
    made = london[london["wartime"]]
    assert len(made) > 10 and (made["date"] >= dt.date(1914, 9, 5)).all()
    # Italy joined the pact (April 1915) before entering the war: an ordinary opportunity
    assert set(london.loc[~london["wartime"], "target"]) == {325}
    assert (london["casus_foederis"].map(lambda v: v is True)
            | london["kind"].isin(["consultation", "nonaggression"])).all()


def test_export_cases(cow, store_home):
    _, frame = cow
    cases = export_cases(frame[(frame["war"] == "cow:139") & (frame["target"] == 290)])
    case = next(c for c in cases if c["ally"]["cow"] == 200 and c["kind"] == "defense")
    assert case["target"]["abb"] == "POL" and case["ally"]["abb"] == "UKG"
    assert case["honoured"] is True and case["outcome"] == "joined_partner"
    assert case["casus_foederis"] is True
    assert case["cf_reason"] == "named adversary among the attackers"  # Germany
    assert case["date"] == "1939-09-01" and case["counted"] is True


def test_bad_source(store_home):
    with pytest.raises(ValueError, match="source must be"):
        opportunities(source="acled")


def test_allies_the_war_file_cannot_record(cow):
    """COW lists only system members, and only those above its participation threshold: an
    occupied Poland, a Montenegro COW never admits before 2006, and the Latin American
    signatories of the Declaration by United Nations (at war from their adherence, FRUS
    1945) are not "stayed out" — no test of the pledge, never evidence."""
    _, frame = cow
    decl = frame[(frame["war"] == "cow:139") & (frame["atopid"] == 2550)]
    assert len(decl) > 300
    assert decl["outcome"].isin(["already_at_war", "not_in_system",
                                 "declared_belligerent"]).all()
    assert decl["honoured"].isna().all()
    # Poland's government in exile (COW system membership lapsed 1939-09-27)
    assert set(decl.loc[decl["ally"] == 290, "outcome"]) == {"not_in_system"}
    # Costa Rica declared war in December 1941 and never met COW's threshold
    assert set(decl.loc[decl["ally"] == 94, "outcome"]) == {"declared_belligerent"}
    # Brazil declared war in August 1942, adhered in February 1943, fought from July 1944
    assert set(decl.loc[decl["ally"] == 140, "outcome"]) == {"declared_belligerent"}
    # Montenegro, 1914: COW admits it only in 2006
    mne = _rows(frame, "cow:106", 345, 341, atopid=1480, kind="defense").iloc[0]
    assert mne["outcome"] == "not_in_system" and mne["honoured"] is None
    # the rules never hide a fight against the partner
    assert not frame.loc[frame["outcome"] == "joined_against", "honoured"].map(
        lambda v: v is True).any()


def test_a_state_at_war_by_its_own_declaration_is_no_test(cow):
    # Sino-Japanese military agreements of May 1918 (ATOP 2045): China had declared war on
    # Germany and Austria-Hungary on 14 August 1917 (FRUS 1917 Supp. 1 vol. I doc. 653) but
    # is not in COW's First World War: not "stayed out"
    _, frame = cow
    leg = _rows(frame, "cow:106", 740, 710, atopid=2045, kind="offense").iloc[0]
    assert leg["outcome"] == "declared_belligerent" and leg["honoured"] is None
