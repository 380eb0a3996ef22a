"""ATOP into the model (the ATOP view), and directed dyad-years computed from the model.

The key test rebuilds ATOP 5.1's published directed dyad-year extract from the converted
treaties (:func:`foedus.model.dyads.directed_dyad_years` on
:func:`foedus.data.atop_model.atop_treaties`) and compares every dyad-year. Any residual must
be listed, with its reason, in ``tests/fixtures/atop_model_residuals.csv`` (no such file: none
is expected); the test fails on an unlisted residual and on a stale fixture row.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from foedus.data import store
from foedus.data.atop_dyads import OBLIGATIONS
from foedus.data.atop_model import EXTRACT_BASIS, KIND_OF, atop_treaties
from foedus.model.commitments import (
    Basis,
    Condition,
    Membership,
    Obligation,
    PartnerException,
    Suspension,
    Treaty,
)
from foedus.model.dyads import COLUMNS, directed_dyad_years
from foedus.model.vocab import Decision, ObligationKind, Response, TreatyKind

REPO = Path(__file__).resolve().parents[2]
FIXTURE = REPO / "tests" / "fixtures" / "atop_model_residuals.csv"
DIRECTED_RESIDUALS = REPO / "tests" / "fixtures" / "atop_directed_residuals.csv"
DYAD = ["ccode1", "ccode2", "year"]
KEY = ["ccode1", "ccode2", "variable", "year_from", "year_to", "model", "published"]
NAMES = ["defense", "offense", "neutral", "nonagg", "consul"]
D = dt.date

_CACHE: dict[str, dict] = {}


@pytest.fixture
def atop(store_home: Path) -> dict:
    """The store's ATOP tables, the converted treaties and the model's dyad-years (once)."""
    key = str(store_home)
    if key not in _CACHE:
        with store.connect() as con:
            started = time.perf_counter()
            treaties = atop_treaties(con)
            seconds = time.perf_counter() - started
            tables = {name: con.execute(f"SELECT * FROM {name}").df() for name in (
                "atop_alliances", "atop_members", "atop_directed_dyad_years")}
        _CACHE[key] = {"treaties": treaties, "by_id": {t.id: t for t in treaties},
                       "seconds": seconds, "dyads": directed_dyad_years(treaties), **tables}
    return _CACHE[key]


# ---------------------------------------------------------------- conversion


def test_every_alliance_converts(atop):
    treaties, alliances, members = atop["treaties"], atop["atop_alliances"], atop["atop_members"]
    assert len(treaties) == len(alliances) == 789
    assert [t.id for t in treaties] == [f"atop:{a}" for a in sorted(alliances["atopid"])]
    assert all(t.kind is TreatyKind.TREATY and t.atopids == (int(t.id[5:]),) for t in treaties)
    assert sum(len(t.members) for t in treaties) == len(members) == 2510
    per = members.groupby("atopid").size()
    assert all(len(t.members) == per[t.atopids[0]] for t in treaties)
    start = dict(zip(alliances["atopid"], alliances["start_date"].dt.date, strict=True))
    assert all(t.signed == start[t.atopids[0]] for t in treaties)
    in_effect = set(alliances.loc[alliances["end_date"].isna(), "atopid"])
    assert {t.atopids[0] for t in treaties if t.ended is None} == in_effect
    assert atop["seconds"] < 10, f"conversion took {atop['seconds']:.1f} s"


def test_memberships_follow_the_member_file(atop):
    members = atop["atop_members"]
    # A state may have two records in one phase (Egypt in the Arab League, 3015 and 3205).
    got = {(t.atopids[0], m.state, m.phase, m.start): m for t in atop["treaties"]
           for m in t.members}
    assert len(got) == len(members)
    for row in members.itertuples():
        m = got[(row.atopid, row.member, row.phase, row.entry_date.date())]
        assert m.start == row.entry_date.date()
        assert m.end == (None if pd.isna(row.exit_date) else row.exit_date.date())
        assert m.day_known == (row.entry_day_known and (pd.isna(row.exit_date)
                                                        or row.exit_day_known))


def test_one_obligation_per_member_phase_dummy(atop):
    members = atop["atop_members"]
    expected = {(int(r.atopid), int(r.member), int(r.phase), r.entry_date.date(),
                 r.exit_date.date() if not pd.isna(r.exit_date) else None, KIND_OF[name])
                for r in members.itertuples() for name in OBLIGATIONS if getattr(r, name) > 0}
    got = [(t.atopids[0], *o.holders, o.phase, o.start, o.end, o.kind)
           for t in atop["treaties"] for o in t.obligations]
    assert len(got) == len(set(got)) and set(got) == expected
    ids = [o.id for t in atop["treaties"] for o in t.obligations]
    assert len(ids) == len(set(ids))
    assert all(o.beneficiaries is None and o.decision is Decision.INDIVIDUAL
               for t in atop["treaties"] for o in t.obligations)


def test_responses_are_mapped_consistently(atop):
    expected = {ObligationKind.CONSULTATION: Response.CONSULT}
    for t in atop["treaties"]:
        for o in t.obligations:
            assert o.response is expected.get(o.kind, Response.DISCRETIONARY)


def test_conditions_follow_the_codebook(atop):
    rows = {(int(r["atopid"]), int(r["member"]), int(r["phase"]), r["entry_date"].date()): r
            for r in atop["atop_members"].to_dict("records")}
    prefix = {"defense": "def", "offense": "off", "neutrality": "neu", "consultation": "con"}
    seen = {"adv_named": 0, "adv_unrecorded": 0, "loc": 0}
    for t in atop["treaties"]:
        for o in t.obligations:
            row, c = rows[(t.atopids[0], *o.holders, o.phase, o.start)], o.condition
            p = prefix.get(o.kind.value)
            if p is None:  # non-aggression: ATOP codes no condition
                assert c == Condition()
                continue

            def code(name: str, r: dict = row, p: str = p) -> bool:
                return (r.get(f"{p}{name}") or 0) > 0

            assert c.location_coded == code("coloc")
            assert c.location_recorded == (not code("coloc")) and c.scope is None
            assert c.adversary_coded == code("coadv")
            assert c.conflict_coded == code("cocon")
            assert c.attackers_coded == code("conum") and c.min_attackers is None
            assert c.demand_coded == code("codem")
            assert c.non_provocation == code("conpr")
            threats = tuple(int(v) for v in (row["statthr1"], row["statthr2"])
                            if not pd.isna(v) and v > 0)
            if code("coadv") and threats:
                assert c.adversaries == threats and c.adversary_recorded
                seen["adv_named"] += 1
            elif code("coadv"):
                assert c.adversaries is None and not c.adversary_recorded
                seen["adv_unrecorded"] += 1
            else:
                assert c.adversaries is None and c.adversary_recorded
            seen["loc"] += code("coloc")
    assert all(seen.values()), seen


def test_a_location_coded_obligation_says_location_not_recorded(atop):
    nato = atop["by_id"]["atop:3180"]
    us = [o for o in nato.obligations if o.holders == (2,) and o.kind is ObligationKind.DEFENSE]
    assert [o.phase for o in us] == [1, 2]
    for o in us:
        assert o.condition.location_coded and not o.condition.location_recorded
        assert o.condition.scope is None


def test_asymmetric_obligations_stay_asymmetric(atop):
    # US-Japan Treaty of Mutual Cooperation and Security, 1960 (ATOPID 3375): in ATOP's
    # coding the US promises defence; Japan promises no defence toward the US.
    m = atop["atop_members"]
    coded = dict(zip(m.loc[m["atopid"] == 3375, "member"], m.loc[m["atopid"] == 3375, "defense"],
                     strict=True))
    assert coded == {2: 1, 740: 0}
    treaty = atop["by_id"]["atop:3375"]
    kinds = {s: {o.kind for o in treaty.obligations if o.holders == (s,)} for s in (2, 740)}
    assert ObligationKind.DEFENSE in kinds[2] and ObligationKind.DEFENSE not in kinds[740]
    defense = next(o for o in treaty.obligations if o.kind is ObligationKind.DEFENSE)
    day = D(1965, 6, 1)
    assert defense.binds(2, 740, day) and not defense.binds(740, 2, day)
    dyads = atop["dyads"].set_index(DYAD)
    assert dyads.loc[(2, 740, 1965), "atop_defense"] == 1
    assert dyads.loc[(740, 2, 1965), "atop_defense"] == 0


def test_nato_us_membership_starts_at_signature_in_atop(atop):
    # ATOP codes signature (4 April 1949), not the US deposit of ratification (24 August
    # 1949): the legal view (book) corrects this, the ATOP view keeps it.
    nato = atop["by_id"]["atop:3180"]
    us = [m for m in nato.members if m.state == 2]
    assert us[0].start == D(1949, 4, 4) and us[0].day_known and us[0].phase == 1
    assert nato.signed == D(1949, 4, 4) and nato.in_force is None and nato.ended is None
    assert nato.member_on(2, D(1949, 4, 4)) and not nato.member_on(2, D(1949, 4, 3))
    assert nato.name.startswith("ATOP 3180: USA, CAN, UKG") and nato.name.endswith("(1949)")


def test_provisions_keep_atop_codes(atop):
    alliances = atop["atop_alliances"].set_index("atopid")
    for t in atop["treaties"]:
        row, p = alliances.loc[t.atopids[0]], t.provisions
        for code in ("intcom", "base", "milaid", "milcon", "contrib", "organ1", "subord",
                     "renounce", "proren", "length", "speclgth", "specthrt", "statthr1"):
            value = row[code]
            assert p.atop[code] == (None if pd.isna(value) else int(value))
        assert p.integrated_command == (None if pd.isna(row["intcom"]) else row["intcom"] == 1)
        assert p.bases == (None if pd.isna(row["base"]) else row["base"] > 0)
    # Phase-specific codes that differ from the alliance level are kept too.
    assert any(k.startswith("phase") for t in atop["treaties"] for k in t.provisions.atop)


def test_partner_exceptions_are_the_published_obvary_corrections(atop):
    obvary = {(int(r.atopid), int(r.member), int(r.phase))
              for r in atop["atop_members"].itertuples() if r.obvary == 1}
    found = set()
    for t in atop["treaties"]:
        for o in t.obligations:
            for e in o.exceptions:
                assert (t.atopids[0], *o.holders, o.phase) in obvary
                assert "atop:obvary" in o.flags and e.basis.article == EXTRACT_BASIS
                assert (e.start.month, e.start.day, e.end.month, e.end.day) == (1, 1, 1, 1)
                found |= {(str(t.atopids[0]), *o.holders, e.partner, o.kind, y)
                          for y in range(e.start.year, e.end.year)}
    # They are exactly the 421 dummies that the member file cannot reproduce (test (a)).
    listed = pd.read_csv(DIRECTED_RESIDUALS, dtype={"atopid": str}, keep_default_na=False)
    expected = {(r.atopid, r.ccode1, r.ccode2, KIND_OF[r.variable], y)
                for r in listed.itertuples() for y in range(r.year_from, r.year_to + 1)}
    assert found == expected and len(found) == 421


# ---------------------------------------------------------------- the key test


def _residuals(model: pd.DataFrame, published: pd.DataFrame) -> pd.DataFrame:
    """Every difference, one row per directed dyad, variable and run of consecutive years
    (``variable = "dyad_year"`` for a dyad-year in one file only)."""
    merged = model.merge(published, on=DYAD, how="outer", suffixes=("_m", "_p"),
                         indicator=True)
    parts = []
    both = merged[merged["_merge"] == "both"]
    for name in NAMES:
        m, p = both[f"atop_{name}_m"].astype(int), both[f"atop_{name}_p"].astype(int)
        parts.append(both.loc[m != p, DYAD].assign(variable=name, model=m[m != p],
                                                   published=p[m != p]))
    for side, (m, p) in (("left_only", (1, 0)), ("right_only", (0, 1))):
        parts.append(merged.loc[merged["_merge"] == side, DYAD]
                     .assign(variable="dyad_year", model=m, published=p))
    res = pd.concat(parts, ignore_index=True)
    if res.empty:
        return pd.DataFrame(columns=KEY)
    group = ["ccode1", "ccode2", "variable", "model", "published"]
    res = res.sort_values([*group, "year"]).reset_index(drop=True)
    same = res[group].eq(res[group].shift()).all(axis=1) & (res["year"].diff() == 1)
    res["run"] = (~same).cumsum()
    out = (res.groupby([*group, "run"])["year"].agg(["min", "max"]).reset_index()
           .rename(columns={"min": "year_from", "max": "year_to"}))
    return out[KEY]


def _listed() -> pd.DataFrame:
    if not FIXTURE.is_file():
        return pd.DataFrame(columns=[*KEY, "reason"])
    return pd.read_csv(FIXTURE, keep_default_na=False)


def _keys(frame: pd.DataFrame) -> set[tuple]:
    return {tuple(str(v) for v in row) for row in frame[KEY].itertuples(index=False)}


def test_model_reproduces_the_published_directed_dyad_years(atop):
    model, published = atop["dyads"], atop["atop_directed_dyad_years"]
    assert list(model.columns) == list(COLUMNS)
    res, listed = _residuals(model, published), _listed()
    assert listed["reason"].astype(str).str.len().gt(40).all()
    unlisted = sorted(_keys(res) - _keys(listed))
    assert not unlisted, f"{len(unlisted)} residual(s) not in {FIXTURE.name}: {unlisted[:20]}"
    stale = sorted(_keys(listed) - _keys(res))
    assert not stale, f"{len(stale)} row(s) of {FIXTURE.name} match no residual: {stale[:20]}"
    if listed.empty:  # none expected: the frames are identical, row for row
        expected = published.sort_values(DYAD).reset_index(drop=True)
        pd.testing.assert_frame_equal(model, expected[list(COLUMNS)])
        assert len(model) == 273_296


def test_without_exceptions_only_the_obvary_dummies_differ(atop):
    # The exceptions do the work: dropping them brings back exactly the 421 residual dummies.
    bare = [t.model_copy(update={"obligations": tuple(
        o.model_copy(update={"exceptions": ()}) for o in t.obligations)})
        if any(o.exceptions for o in t.obligations) else t for t in atop["treaties"]]
    res = _residuals(directed_dyad_years(bare), atop["atop_directed_dyad_years"])
    years = (res["year_to"] - res["year_from"] + 1).sum()
    assert years == 421 and set(res["variable"]) <= set(NAMES)
    assert (res["model"] == 1).all() and (res["published"] == 0).all()


# ---------------------------------------------------------------- the year rule, by hand

_BASIS = Basis(article="test")


def _treaty(members: list[tuple], obligations: list[Obligation] = (),
            suspensions: tuple = ()) -> Treaty:
    return Treaty(id="book:test", name="test", members=tuple(
        Membership(state=s, start=a, end=b, phase=ph) for s, a, b, ph in members),
        obligations=tuple(obligations), suspensions=suspensions)


def _ob(kind: ObligationKind, holders: tuple | None, start=None, end=None, phase=None,
        **kw) -> Obligation:
    return Obligation(id=f"o{kind}{holders}{phase}", kind=kind, holders=holders, start=start,
                      end=end, phase=phase, article=_BASIS, **kw)


def test_year_rule_entry_and_exit_years_inclusive_and_phase_change():
    t = _treaty([(2, D(1951, 9, 8), D(1960, 1, 1), 1), (740, D(1951, 9, 8), D(1960, 1, 1), 1),
                 (2, D(1958, 6, 1), None, 2), (740, D(1958, 6, 1), None, 2)],
                [_ob(ObligationKind.DEFENSE, (2,), D(1951, 9, 8), D(1960, 1, 1), 1),
                 _ob(ObligationKind.CONSULTATION, (2,), D(1958, 6, 1), None, 2)])
    got = directed_dyad_years([t], years=range(1950, 1963)).set_index(DYAD)
    assert sorted({y for _, _, y in got.index}) == list(range(1951, 1963))
    # 1951-1957 phase 1 only; from 1958 (the phase-change year) the later phase alone counts,
    # although the phase-1 membership (ending 1 January 1960) still counts in 1958-1960.
    assert got.loc[(2, 740, 1957), "atop_defense"] == 1
    assert got.loc[(2, 740, 1958), "atop_defense"] == 0
    assert got.loc[(2, 740, 1958), "atop_consul"] == 1
    assert got.xs(740, level="ccode1")[["atop_defense", "atop_consul"]].eq(0).all().all()


def test_pairs_must_overlap_in_time_and_states_without_cow_code_are_left_out():
    t = _treaty([(678, D(1970, 1, 1), D(1990, 5, 22), None),
                 (679, D(1990, 5, 22), None, None), (2, D(1985, 1, 1), None, None),
                 (8152, D(1985, 1, 1), None, None)],
                [_ob(ObligationKind.NONAGGRESSION, None)])
    got = directed_dyad_years([t], years=range(1980, 1992))
    pairs = set(zip(got["ccode1"], got["ccode2"], strict=True))
    assert pairs == {(2, 678), (678, 2), (2, 679), (679, 2)}
    assert (got["atop_nonagg"] == 1).all()
    assert got.loc[got["ccode1"] == 679, "year"].tolist() == [1990, 1991]


def test_exceptions_beneficiaries_and_suspensions():
    obs = [_ob(ObligationKind.DEFENSE, (2,), exceptions=(
               PartnerException(partner=20, start=D(2001, 1, 1), end=D(2003, 1, 1)),
               PartnerException(partner=20, start=D(2005, 7, 1), end=D(2006, 7, 1)))),
           _ob(ObligationKind.OFFENSE, (20,), beneficiaries=(200,)),
           _ob(ObligationKind.CONSULTATION, None)]
    t = _treaty([(2, D(2000, 1, 1), None, None), (20, D(2000, 1, 1), None, None),
                 (200, D(2000, 1, 1), None, None)], obs,
                (Suspension(holder=200, beneficiary=2, start=D(2004, 1, 1), end=None,
                            basis=_BASIS),))
    got = directed_dyad_years([t], years=range(2000, 2008)).set_index(DYAD)
    defense = got.loc[(2, 20), "atop_defense"]
    # Whole years covered are removed; partial years keep the obligation (2005, 2006).
    assert defense.to_dict() == {2000: 1, 2001: 0, 2002: 0, 2003: 1, 2004: 1, 2005: 1,
                                 2006: 1, 2007: 1}
    assert got.loc[(2, 200), "atop_defense"].eq(1).all()
    assert got.loc[(20, 200), "atop_offense"].eq(1).all()
    assert got.loc[(20, 2), "atop_offense"].eq(0).all()
    assert got.loc[(200, 2), "atop_consul"].tolist() == [1, 1, 1, 1, 0, 0, 0, 0]
    assert got.loc[(2, 200), "atop_consul"].eq(1).all()


def test_empty_model_gives_empty_frame():
    got = directed_dyad_years([])
    assert list(got.columns) == list(COLUMNS) and got.empty
    assert all(got[c].dtype == np.int64 for c in COLUMNS)
