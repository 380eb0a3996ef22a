"""The shipped books: every file validates, the ATOP crosswalk is sound, and the books give
the answers their texts give (memberships, suspensions, scopes, informal commitments)."""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path

import pytest

from foedus.data.books import book_paths, check_book, load_books
from foedus.model.commitments import Treaty
from foedus.model.events import Event
from foedus.model.places import Place, Spell
from foedus.model.vocab import Hit, ObligationKind, Response, TreatyKind
from foedus.query.obligations import rule_covers

D = dt.date.fromisoformat
USA, GBR, RUS, UKR, MEX = 2, 200, 365, 369, 70
AUT, FIN, SWE, HRV = 305, 375, 380, 344
CHN, TAW, PRK, ROK, JPN, PHI, AUL, NZ = 710, 713, 731, 732, 740, 840, 900, 920

BOOKS = {"nato", "eu_teu_42_7", "us_japan", "us_rok", "us_philippines", "anzus", "aukus",
         "rio_treaty", "csto", "russia_belarus", "china_dprk", "russia_dprk",
         "budapest_memorandum", "taiwan_relations_act"}


@cache
def _treaties() -> dict[str, Treaty]:
    return {t.id.removeprefix("book:"): t for t in load_books()}


def _book(slug: str) -> Treaty:
    return _treaties()[slug]


def _binding(treaty: Treaty, holder: int, beneficiary: int, day: dt.date,
             kind: ObligationKind = ObligationKind.DEFENSE) -> list[str]:
    """Ids of the obligations of ``kind`` running holder -> beneficiary on ``day``."""
    if not (treaty.member_on(holder, day) and treaty.member_on(beneficiary, day)):
        return []
    if treaty.suspended(holder, beneficiary, day) is not None:
        return []
    return [o.id for o in treaty.obligations
            if o.kind is kind and o.binds(holder, beneficiary, day)]


# --- every book validates --------------------------------------------------------------------

@pytest.mark.parametrize("path", book_paths(), ids=lambda p: p.name)
def test_every_shipped_book_validates(path: Path) -> None:
    treaty, problems = check_book(path.read_text("utf-8"), str(path))
    assert problems == []
    assert treaty is not None and treaty.id == f"book:{path.stem}"


def test_the_books_of_the_brief_are_shipped() -> None:
    names = {p.stem for p in book_paths()}
    assert names >= BOOKS
    assert not {"places", "events"} & names


def test_ids_are_unique() -> None:
    treaties = load_books()
    ids = [t.id for t in treaties]
    assert len(ids) == len(set(ids))
    for t in treaties:
        obligation_ids = [o.id for o in t.obligations]
        assert len(obligation_ids) == len(set(obligation_ids)), t.id


def test_every_fact_has_a_basis() -> None:
    for t in load_books():
        assert t.sources, t.id
        for m in t.members:
            assert m.basis is not None and m.basis.article, (t.id, m.state)
        for o in t.obligations:
            assert o.article.article and o.article.date is not None, (t.id, o.id)
            for rule in o.condition.scope or ():
                assert rule.basis is not None, (t.id, o.id)


# --- the ATOP crosswalk ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def atop_members() -> dict[int, set[int]]:
    from foedus.data.readers import read_raw

    members = read_raw("atop_members")
    alliances = read_raw("atop_alliances")
    known = set(alliances["atopid"].astype(int))
    out = {int(a): set(g["member"].astype(int)) for a, g in members.groupby("atopid")}
    assert set(out) <= known
    return out


def test_every_crosswalked_atopid_exists_and_overlaps_the_book(atop_members) -> None:
    for t in load_books():
        book_states = {m.state for m in t.members}
        for atopid in t.atopids:
            assert atopid in atop_members, (t.id, atopid)
            common = book_states & atop_members[atopid]
            assert len(common) >= min(2, len(book_states)), (t.id, atopid, common)


def test_no_atopid_is_crosswalked_twice() -> None:
    seen: dict[int, str] = {}
    for t in load_books():
        for atopid in t.atopids:
            assert atopid not in seen, f"{atopid} in {seen.get(atopid)} and {t.id}"
            seen[atopid] = t.id


def test_the_crosswalk_is_the_one_documented() -> None:
    expected = {"nato": (3180,), "eu_teu_42_7": (4175,), "us_japan": (3375,),
                "us_rok": (3240,), "us_philippines": (3210,), "anzus": (3215,),
                "aukus": (), "rio_treaty": (3075,), "csto": (4220,),
                "russia_belarus": (4865,), "china_dprk": (3445,), "russia_dprk": (4940,),
                "budapest_memorandum": (), "taiwan_relations_act": ()}
    assert {k: _book(k).atopids for k in expected} == expected


# --- known answers from the texts ------------------------------------------------------------

def test_anzus_us_new_zealand_leg_suspended_both_ways_from_1986_08_11() -> None:
    # corrected (book review 2026-12, error 2): the San Francisco statement of 1986-08-11,
    # not ATOP's 1986-09-17 (The Press, 1986-08-13)
    anzus = _book("anzus")
    for a, b in ((USA, NZ), (NZ, USA)):
        assert anzus.suspended(a, b, D("1986-08-11")) is not None
        assert anzus.suspended(a, b, D("2024-01-01")) is not None
        assert anzus.suspended(a, b, D("1986-08-10")) is None
        assert _binding(anzus, a, b, D("1986-08-10")) == ["art4"]
        assert _binding(anzus, a, b, D("1986-08-11")) == []
    for a, b in ((AUL, NZ), (NZ, AUL), (AUL, USA), (USA, AUL)):
        assert anzus.suspended(a, b, D("2001-09-11")) is None
        assert _binding(anzus, a, b, D("2001-09-11")) == ["art4"]
    assert anzus.member_on(NZ, D("2024-01-01"))  # the legal view: New Zealand is still a Party


def test_rio_parties_and_withdrawals() -> None:
    rio = _book("rio_treaty")
    assert rio.member_on(MEX, D("2004-09-05")) and not rio.member_on(MEX, D("2005-01-01"))
    assert rio.member_on(USA, D("1948-12-03")) and not rio.member_on(USA, D("1948-12-02"))
    for cow, left in ((40, "1962-01-31"), (93, "2014-09-06"), (145, "2014-10-17"),
                      (101, "2015-05-14"), (130, "2016-02-19")):
        day = D(left)
        assert rio.member_on(cow, day - dt.timedelta(days=1)) and not rio.member_on(cow, day)
    assert not rio.member_on(101, D("2020-01-01"))  # the 2019 re-adherence is not counted
    art3 = next(o for o in rio.obligations if o.id == "art3")
    assert art3.response is Response.DISCRETIONARY and art3.decision.value == "individual"
    assert len(rio.members_on(D("2024-01-01"))) == 17


def test_uk_leaves_eu_42_7_on_2020_02_01() -> None:
    eu = _book("eu_teu_42_7")
    assert eu.member_on(GBR, D("2020-01-31")) and not eu.member_on(GBR, D("2020-02-01"))
    assert _binding(eu, GBR, 220, D("2020-01-31")) == ["art42_7"]
    assert _binding(eu, GBR, 220, D("2020-02-01")) == []
    assert _binding(eu, 220, GBR, D("2020-02-01")) == []


def test_eu_42_7_binds_from_lisbon_or_accession() -> None:
    eu = _book("eu_teu_42_7")
    assert _binding(eu, 220, 255, D("2009-11-30")) == []
    assert _binding(eu, 220, 255, D("2009-12-01")) == ["art42_7"]
    assert _binding(eu, HRV, 220, D("2013-06-30")) == []
    assert _binding(eu, HRV, 220, D("2013-07-01")) == ["art42_7"]
    assert _binding(eu, 220, HRV, D("2013-07-01")) == ["art42_7"]
    # before Lisbon the Union carried only the CFSP duty to consult
    assert _binding(eu, 220, 255, D("2000-01-01"), ObligationKind.CONSULTATION) == \
        ["cfsp_consult.art16"]


@pytest.mark.parametrize("day", ["2009-12-01", "2013-07-01", "2020-02-01", "2023-04-04",
                                 "2024-03-06", "2024-03-07", "2025-06-01"])
def test_eu_42_7_binds_every_member_exactly_once(day: str) -> None:
    eu, on = _book("eu_teu_42_7"), D(day)
    members = eu.members_on(on)
    for holder in members:
        for beneficiary in members:
            if holder != beneficiary:
                assert len(_binding(eu, holder, beneficiary, on)) == 1, (holder, beneficiary)


def test_eu_specific_character_is_a_flag_not_an_exemption() -> None:
    eu = _book("eu_teu_42_7")

    def flags(holder: int, day: str) -> tuple[str, ...]:
        (oid,) = _binding(eu, holder, 255 if holder == 220 else 220, D(day))
        return next(o for o in eu.obligations if o.id == oid).flags

    assert flags(AUT, "2024-01-01") == ("specific_character",)
    assert flags(FIN, "2023-04-03") == ("specific_character",)
    assert flags(FIN, "2023-04-04") == ()
    assert flags(SWE, "2024-03-06") == ("specific_character",)
    assert flags(SWE, "2024-03-07") == ()
    assert flags(220, "2024-01-01") == ()
    main = next(o for o in eu.obligations if o.id == "art42_7")
    assert main.response is Response.AUTOMATIC


def test_aukus_has_no_defence_obligation() -> None:
    aukus = _book("aukus")
    assert aukus.kind is TreatyKind.PARTNERSHIP
    assert {m.state for m in aukus.members} == {AUL, GBR, USA}
    assert not [o for o in aukus.obligations if o.kind is ObligationKind.DEFENSE]


def test_russia_dprk_defence_binds_from_2024_12_04() -> None:
    pact = _book("russia_dprk")
    for a, b in ((RUS, PRK), (PRK, RUS)):
        assert _binding(pact, a, b, D("2024-12-04")) == ["art4.assistance"]
        assert _binding(pact, a, b, D("2024-12-03")) == []
        assert _binding(pact, a, b, D("2024-12-03"), ObligationKind.CONSULTATION) == \
            ["treaty_2000.art2"]
        assert _binding(pact, a, b, D("2024-12-04"), ObligationKind.CONSULTATION) == \
            ["art3.consult"]
    art4 = next(o for o in pact.obligations if o.id == "art4.assistance")
    assert art4.response is Response.AUTOMATIC and not art4.condition.nonstate_adversaries


def test_china_dprk_is_automatic() -> None:
    pact = _book("china_dprk")
    (oid,) = _binding(pact, CHN, PRK, D("2020-01-01"))
    assert next(o for o in pact.obligations if o.id == oid).response is Response.AUTOMATIC


def test_csto_spells() -> None:
    csto = _book("csto")
    uzb, aze, geo, arm = 704, 373, 372, 371
    assert not csto.member_on(RUS, D("1994-04-19")) and csto.member_on(RUS, D("1994-04-20"))
    for cow in (uzb, aze, geo):
        assert csto.member_on(cow, D("1999-04-19")) and not csto.member_on(cow, D("1999-04-20"))
    assert csto.member_on(uzb, D("2010-01-01")) and not csto.member_on(uzb, D("2013-01-01"))
    assert csto.member_on(arm, D("2025-01-01"))  # the 2024 freeze is not a withdrawal


def test_russia_belarus_one_defence_obligation_at_a_time() -> None:
    union = _book("russia_belarus")
    assert _binding(union, RUS, 370, D("1998-01-01")) == ["union_1997.defense"]
    assert _binding(union, RUS, 370, D("2025-03-12")) == ["union_state.defense"]
    assert _binding(union, RUS, 370, D("2025-03-13")) == ["security_guarantees.art4"]


def test_budapest_memorandum_is_no_defence_guarantee() -> None:
    memo = _book("budapest_memorandum")
    assert memo.kind is TreatyKind.ASSURANCE
    assert not [o for o in memo.obligations if o.kind is ObligationKind.DEFENSE]
    for guarantor in (USA, GBR, RUS):
        assert _binding(memo, guarantor, UKR, D("2014-03-01"), ObligationKind.NONAGGRESSION)
        assert _binding(memo, guarantor, UKR, D("2014-03-01"), ObligationKind.CONSULTATION)
        assert not _binding(memo, UKR, guarantor, D("2014-03-01"),
                            ObligationKind.CONSULTATION)


def test_taiwan_relations_act_is_informal_and_no_defence_tie() -> None:
    tra = _book("taiwan_relations_act")
    assert tra.kind is TreatyKind.INFORMAL
    assert not [o for o in tra.obligations if o.kind is ObligationKind.DEFENSE]
    assert _binding(tra, USA, TAW, D("1990-01-01"), ObligationKind.CONSULTATION) == ["sec2b_3c"]
    assert not _binding(tra, TAW, USA, D("1990-01-01"), ObligationKind.CONSULTATION)


# --- scopes, through the query's own rule_covers, with stand-in gazetteer places ---------------

def _spells(spells: list[tuple[str, int]]) -> tuple[Spell, ...]:
    """Dated holders ``(from, state)`` in order → closed :class:`Spell` records."""
    out = []
    for i, (start, state) in enumerate(spells):
        end = D(spells[i + 1][0]) - dt.timedelta(days=1) if i + 1 < len(spells) else None
        out.append(Spell(state=state, start=D(start), end=end, source="test stand-in"))
    return tuple(out)


def _place(pid: str, regions: tuple[str, ...], sovereign: list[tuple[str, int]],
           administrator: list[tuple[str, int]] | None = None, *, is_island: bool = False,
           north_of_tropic_of_cancer: bool = True) -> Place:
    """A gazetteer :class:`Place` made for the test: dated sovereignty and administration,
    regions; its point north or south of the Tropic of Cancer as asked."""
    homeland = pid.startswith("homeland:")
    kind = ("homeland" if homeland else "sea_area" if not sovereign
            else "island" if is_island else "territory")
    return Place(id=pid, name=pid, kind=kind,
                 homeland_of=sovereign[0][1] if homeland else None,
                 regions=frozenset(regions), is_island=is_island,
                 lat=30.0 if north_of_tropic_of_cancer else 10.0, lon=130.0,
                 sovereignty=_spells(sovereign), administration=_spells(administrator or []),
                 sources=("test stand-in",))


OKINAWA = _place("okinawa", ("asia", "pacific"), [("1945-01-01", JPN)],
                 [("1945-06-21", USA), ("1972-05-15", JPN)], is_island=True)
TOKYO = _place("homeland:JPN", ("asia", "pacific"), [("1945-01-01", JPN)], is_island=True)
GUAM = _place("guam", ("oceania", "pacific"), [("1898-12-10", USA)], is_island=True,
              north_of_tropic_of_cancer=False)
SPRATLY_SEA = _place("south_china_sea", ("south_china_sea", "pacific"), [],
                     north_of_tropic_of_cancer=False)
NORTH_ATLANTIC = _place("north_atlantic", ("north_atlantic",), [])


def _covers(treaty: Treaty, oid: str, *, target: int, hit: Hit, place: Place,
            day: str) -> bool:
    obligation = next(o for o in treaty.obligations if o.id == oid)
    event = Event(date=D(day), attackers=(CHN,), target=target, hit=hit, place=place.id)
    parties = treaty.members_on(event.date)
    return any(rule_covers(r, event, place, parties) for r in obligation.condition.scope or ())


def test_us_japan_is_administration_based_and_asymmetric() -> None:
    pact = _book("us_japan")
    # the United States to Japan: Okinawa only after reversion
    assert not _covers(pact, "art5.us", target=JPN, hit=Hit.TERRITORY, place=OKINAWA,
                       day="1971-01-01")
    assert _covers(pact, "art5.us", target=JPN, hit=Hit.TERRITORY, place=OKINAWA,
                   day="1973-01-01")
    # Japan to the United States: US forces in Japan, not US territory (Guam)
    assert _covers(pact, "art5.japan", target=USA, hit=Hit.FORCES, place=TOKYO,
                   day="1990-01-01")
    assert not _covers(pact, "art5.japan", target=USA, hit=Hit.FORCES, place=OKINAWA,
                       day="1971-01-01")
    assert not _covers(pact, "art5.japan", target=USA, hit=Hit.TERRITORY, place=GUAM,
                       day="1990-01-01")
    assert not _covers(pact, "art5.japan", target=USA, hit=Hit.FORCES, place=GUAM,
                       day="1990-01-01")


def test_us_philippines_covers_public_vessels_in_the_south_china_sea() -> None:
    pact = _book("us_philippines")
    for target in (PHI, USA):
        assert _covers(pact, "art4", target=target, hit=Hit.VESSELS, place=SPRATLY_SEA,
                       day="2024-06-17")
        assert not _covers(pact, "art4", target=target, hit=Hit.VESSELS, place=NORTH_ATLANTIC,
                           day="2024-06-17")
    assert _covers(pact, "art4", target=USA, hit=Hit.TERRITORY, place=GUAM, day="2024-06-17")


def test_eu_42_7_covers_territory_only() -> None:
    eu = _book("eu_teu_42_7")
    paris = _place("homeland:FRN", ("europe",), [("1815-01-01", 220)])
    assert _covers(eu, "art42_7", target=220, hit=Hit.TERRITORY, place=paris, day="2015-11-13")
    assert not _covers(eu, "art42_7", target=220, hit=Hit.VESSELS, place=NORTH_ATLANTIC,
                       day="2015-11-13")


# --- through the obligations query ----------------------------------------------------------

def test_query_lists_the_taiwan_relations_act_as_informal_and_anzus_as_suspended() -> None:
    from foedus.data.loaders import commitment_system
    from foedus.query.obligations import obligations

    system = commitment_system([], load_books())
    answer = obligations(system, as_of=D("2024-06-01"), attackers=[CHN], target=TAW)
    assert [(i.state, i.treaty.id) for i in answer.informal] == \
        [(USA, "book:taiwan_relations_act")]
    assert not answer.obligations

    answer = obligations(system, as_of=D("2024-06-01"), attackers=[CHN], target=NZ)
    bound = {(b.state, b.treaty.id) for b in answer.obligations}
    assert (AUL, "book:anzus") in bound and (USA, "book:anzus") not in bound
    assert any(n.treaty.id == "book:anzus" and n.reason == "leg_suspended" and n.state == USA
               for n in answer.not_triggered)


# --- issue 14: the new book fields and the generated table of docs/books.md ---------------

def test_signed_status_needs_a_signature_and_no_entry_into_force() -> None:
    from importlib import resources

    png = resources.files("foedus").joinpath("books", "australia_png.toml").read_text("utf-8")
    treaty, problems = check_book(png, "png.toml")
    assert problems == [] and treaty.pending and not treaty.in_force_on(D("2030-01-01"))
    bad = png.replace("signed = 2025-10-06\n", "signed = 2025-10-06\nin_force = 2025-12-01\n")
    _, problems = check_book(bad, "png.toml")
    assert problems and "status 'signed'" in problems[0].message and problems[0].line


def test_participation_exclusion_is_checked_with_its_line() -> None:
    from importlib import resources

    rio = resources.files("foedus").joinpath("books", "rio_treaty.toml").read_text("utf-8")
    bad = rio.replace("{ start = 1962-01-31, basis", "{ start = 1940-01-31, basis")
    _, problems = check_book(bad, "rio.toml")
    (p,) = problems
    assert p.field == "members[14].participation_excluded[0].start"
    assert "outside the membership" in p.message
    assert p.line == next(i for i, line in enumerate(bad.splitlines(), 1)
                          if "participation_excluded = [" in line)


@pytest.mark.usefixtures("store_home")
def test_the_table_in_docs_books_md_is_current() -> None:
    from foedus.data.books import books_table
    from foedus.data.loaders import load_system
    from foedus.model.overlaps import TABLE_BEGIN, TABLE_END

    doc = (Path(__file__).resolve().parents[2] / "docs" / "books.md").read_text("utf-8")
    committed = doc.split(TABLE_BEGIN, 1)[1].split(TABLE_END, 1)[0].lstrip("\n")
    system = load_system()
    assert committed == books_table(system.book, system.atop, system.crosswalk), \
        "docs/books.md is stale: run `python -m foedus.model.overlaps`"


@pytest.mark.usefixtures("store_home")
def test_every_overlap_has_a_decision() -> None:
    from foedus.data.loaders import load_system
    from foedus.model.overlaps import overlaps, undecided

    system = load_system()
    found = overlaps(system.book, system.atop, system.crosswalk)
    assert len(found) >= 70 and undecided(found) == []
    # two hand-checked cases: the WEU beside NATO, SEATO beside ANZUS
    pairs = {(o.book.id, o.atop.id) for o in found}
    assert {("book:nato", "atop:3130"), ("book:anzus", "atop:3260")} <= pairs


def test_an_excluded_party_leaves_the_dyad_years_while_excluded() -> None:
    from foedus.model.dyads import directed_dyad_years

    rio = _book("rio_treaty")
    cuba = next(m for m in rio.members if m.state == 40)
    assert cuba.end is None   # still a party in law
    assert cuba.participation_spells() == [(D("1948-12-09"), D("1962-01-31"))]
    frame = directed_dyad_years([rio])
    assert frame.loc[frame["ccode1"] == 40, "year"].max() == 1962   # ATOP's year rule
    assert frame.loc[frame["ccode2"] == 40, "year"].max() == 1962
