"""ATOP 5.1 converted into the commitment model: the *ATOP view* (DESIGN §2-3).

:func:`atop_treaties` turns every ATOP alliance (789 in version 5.1) into one
:class:`~foedus.model.commitments.Treaty`, faithfully to ATOP's coding, so that
:func:`foedus.model.dyads.directed_dyad_years` rebuilt from the model equals ATOP's published
directed dyad-year extract on every dyad-year. Nothing here corrects ATOP: the legal view
(our book) does that.

Mapping (codebook section numbers in brackets):

- **Treaty**: id ``atop:<atopid>``, kind ``treaty``, ``signed`` / ``ended`` from the alliance
  record's BEGYR/BEGMO/BEGDAY and ENDYR/ENDMO/ENDDAY (2.42; ``ended`` is None while in
  effect at 31 December 2018). ATOP records signature, not entry into force (2.32), so
  ``in_force`` is left None. ATOP has no treaty names: the name lists the COW abbreviations
  of the members in order of entry.
- **Membership**: one per member-phase row of the member file (2.3), ``[entry, exit)`` with
  ``phase``. ATOP's entry date is the state's *signature* (2.32: "always recorded as the
  signature rather than the ratification date"). A missing day is taken as the 1st of the
  month, as in the store, and ``day_known`` is then False (the note says whether the entry
  or the exit day is missing). Member-level codes with no field in the model (COWSYS,
  COWWAR, TERMMODE, TERMCAUS and the auxiliary promises NOTAIDEN, DIPAID, TERRRES,
  SEPPEACE, THIRDCOM, NOOTHALL) are listed in the membership's ``note``. A state may have
  two records in one phase (Egypt leaving and rejoining the Arab League, 3015 and 3205).
- **Obligation**: one per member-phase row and obligation dummy set to 1 (DEFENSE, OFFENSE,
  NEUTRAL, NONAGG, CONSUL, 2.33), held by that member (``holders=(member,)``) toward every
  co-member (``beneficiaries=None``), over the member-phase span, with ``phase``; id
  ``atop:<atopid>:p<phase>:<member>:<entry date>:<kind>``.
- **Condition** (2.33): the adversary dummy (DEFCOADV, OFFCOADV, NEUCOADV, CONCOADV) gives
  ``adversary_coded``; its adversaries are STATTHR1/STATTHR2 when the alliance names a
  threatening state, otherwise ``adversary_recorded=False`` (the condition may be a *type* of
  adversary, "a European power", which ATOP does not record). STATTHR1/2 are taken as coded,
  even where the named state is itself a member (Locarno, 2130, names Germany and France).
  The location dummy (…COLOC)
  gives ``location_coded=True, location_recorded=False``: ATOP codes that a location
  condition exists but not which location, so no scope is invented. …CONPR gives
  ``non_provocation``; …CONUM ``attackers_coded`` (``min_attackers`` unknown); …COCON
  ``conflict_coded`` (the conflict unnamed); …CODEM ``demand_coded``. Codes with no field in
  :class:`Condition` are kept as obligation flags: ``atop:neucoatt`` (neutrality only if the
  ally is attacked), ``atop:concoreq`` (consultation on an ally's request), ``atop:olimob``
  (some obligation of this member has a condition not covered by the codes above; ATOP does
  not say which, so every obligation of the member carries it) and ``atop:obvary``.
  Non-aggression has no condition codes in ATOP.
- **Response**: consultation → ``consult``. Defence and offence → ``discretionary``. ATOP's
  DEFENSE/OFFENSE dummies are "a promise to provide active military support" (2.33, 1.51)
  and are coded 1 both for automatic pledges ("all the military and other aid and assistance
  in their power", Brussels Treaty of 1948, Art. IV, ATOPID 3130) and for NATO Art. 5's
  "such action as it deems necessary, including the use of armed force" (ATOPID 3180). The
  code does not separate them, so the ATOP view gives every such pledge the weaker reading,
  the one true of all of them; the book upgrades a treaty to ``automatic`` where its text
  says so (the legal view). Neutrality and
  non-aggression are promises to abstain; the vocabulary has no "abstain" response, so they
  keep the model's default (``discretionary``), which carries no meaning for them.
  ``decision`` is ``individual`` throughout (ATOP codes no collective decision rule).
- **Provisions** (2.34-2.35, alliance level): ``integrated_command`` from INTCOM (= 1),
  ``bases`` from BASE (> 0: joint placements, reciprocal or one-way stationing),
  ``duration_years`` from LENGTH (months) where SPECLGTH = 1, ``renunciation`` from RENOUNCE;
  None where ATOP has the code missing. ``atop`` keeps every alliance-level code of the
  alliance file as published (for multi-phase alliances ATOP gives there the maximum over
  phases) and, where a phase differs, ``"phase<n>.<code>"`` with that phase's value.
- **Partner exceptions** for ``obvary`` members (2.33 OBVARY: "different obligations to
  different members of the alliance"): the member record codes the union over partners and
  ATOP corrects the directed dyad-years partner by partner from its codesheets (2.7). Where
  the member record gives an obligation toward a partner in a year (by the published rule of
  :func:`foedus.data.atop_dyads.derive_directed_obligations`) but the published extract has 0
  for that directed dyad-year and obligation, the obligation does not hold toward that
  partner in that year: a :class:`PartnerException` from 1 January of the first year to 1
  January after the last year of each run of years. Where the extract has 1 the exclusion
  cannot be seen (the 1 may come from another alliance of the pair), so none is added.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from foedus.data.atop_dyads import OBLIGATIONS, PUBLISHED_NAMES, derive_directed_obligations
from foedus.model.commitments import (
    Basis,
    Condition,
    Membership,
    Obligation,
    PartnerException,
    Provisions,
    Treaty,
)
from foedus.model.vocab import Decision, ObligationKind, Response, TreatyKind

__all__ = ["ATOP_SOURCE", "EXTRACT_BASIS", "KIND_OF", "atop_treaties", "partner_exceptions"]

ATOP_SOURCE = "ATOP 5.1"
#: The article of every partner exception's basis.
EXTRACT_BASIS = "ATOP 5.1 directed dyad-year extract"

#: Member-file obligation dummy → obligation kind (ATOP's spelling).
KIND_OF: dict[str, ObligationKind] = {
    "defense": ObligationKind.DEFENSE,
    "offense": ObligationKind.OFFENSE,
    "neutral": ObligationKind.NEUTRALITY,
    "nonagg": ObligationKind.NONAGGRESSION,
    "consul": ObligationKind.CONSULTATION,
}
#: Prefix of each obligation's condition dummies (none for non-aggression).
_COND_PREFIX = {"defense": "def", "offense": "off", "neutral": "neu", "consul": "con"}
#: Condition dummy suffix → Condition field it sets (besides adversary and location).
_COND_FLAGS = {"cocon": "conflict_coded", "conum": "attackers_coded", "codem": "demand_coded",
               "conpr": "non_provocation"}
#: Condition dummies without a Condition field, kept as obligation flags.
_EXTRA_FLAGS = {"neutral": ("neucoatt",), "consul": ("concoreq",)}
_RESPONSE = {"defense": Response.DISCRETIONARY, "offense": Response.DISCRETIONARY,
             "neutral": Response.DISCRETIONARY, "nonagg": Response.DISCRETIONARY,
             "consul": Response.CONSULT}
#: RENOUNCE codes (2.32).
_RENOUNCE = {0: "no provision for renunciation",
             1: "any party may renounce at any time with advance notice",
             2: "a party may renounce if another member takes aggressive action",
             3: "a party may renounce after a specified period, before the term ends",
             4: "renunciation prohibited"}
#: Alliance-level columns that are identifiers, dates or member lists, not codes.
_NOT_CODES = {"atopid", "atopidphase", "phase", "begyr", "begmo", "begday", "endyr", "endmo",
              "endday", "start_date", "end_date", "start_day_known", "end_day_known", "version"}
#: Member-level codes with no field in the model, summarised in the membership note.
_MEMBER_CODES = ("cowsys", "cowwar", "termmode", "termcaus", "notaiden", "dipaid", "terrres",
                 "seppeace", "thirdcom", "noothall")


# ---------------------------------------------------------------- small converters


def _code(value: Any) -> int | None:
    """An ATOP code as an int, None where missing."""
    if value is None or pd.isna(value):
        return None
    return int(value)


def _flag(value: Any) -> bool:
    return (_code(value) or 0) > 0


def _date(value: Any) -> dt.date | None:
    if value is None or pd.isna(value):
        return None
    if isinstance(value, pd.Timestamp | np.datetime64):
        return pd.Timestamp(value).date()
    return value


def _codes(row: dict, columns: list[str]) -> dict[str, int | None]:
    return {c: _code(row[c]) for c in columns}


# ---------------------------------------------------------------- partner exceptions


def partner_exceptions(members: pd.DataFrame, published: pd.DataFrame) -> pd.DataFrame:
    """Years in which an ``obvary`` member's obligation does not hold toward a partner.

    Parameters
    ----------
    members
        The member-level file as in the store (``atop_members``).
    published
        The published directed dyad-year extract (``atop_directed_dyad_years``).

    Returns
    -------
    pandas.DataFrame
        ``atopid, phase, member, partner, obligation`` (member-file name: defense, offense,
        neutral, nonagg, consul), ``year_from, year_to``: one row per run of consecutive
        years in which the member record gives ``member`` that obligation toward ``partner``
        (published year rule, phase-change years taking the later phase) but the extract has
        0 for ``(member, partner, year)``.
    """
    cols = ["atopid", "phase", "member", "partner", "obligation", "year_from", "year_to"]
    obvary = members.loc[members["obvary"].fillna(0) > 0,
                         ["atopid", "phase", "member"]].drop_duplicates()
    if obvary.empty:
        return pd.DataFrame({c: pd.Series(dtype=np.int64) for c in cols})
    subset = members[members["atopid"].isin(obvary["atopid"])]
    derived = derive_directed_obligations(subset, keep_alliance=True)
    derived = derived.merge(obvary.rename(columns={"member": "ccode1"}),
                            on=["atopid", "phase", "ccode1"])
    names = list(PUBLISHED_NAMES.values())
    long = derived.melt(id_vars=["atopid", "phase", "ccode1", "ccode2", "year"],
                        value_vars=names, var_name="obligation", value_name="held")
    long = long[long["held"] == 1]
    published = published[published["ccode1"].isin(obvary["member"])]
    pub = published.melt(id_vars=["ccode1", "ccode2", "year"], value_vars=names,
                         var_name="obligation", value_name="published")
    long = long.merge(pub, on=["ccode1", "ccode2", "year", "obligation"], how="left")
    gaps = long[long["published"].fillna(0) == 0].copy()
    gaps["obligation"] = gaps["obligation"].str.removeprefix("atop_")
    group = ["atopid", "phase", "ccode1", "ccode2", "obligation"]
    gaps = gaps.sort_values([*group, "year"]).reset_index(drop=True)
    same = gaps[group].eq(gaps[group].shift()).all(axis=1) & (gaps["year"].diff() == 1)
    gaps["run"] = (~same).cumsum()
    out = (gaps.groupby([*group, "run"], sort=False)["year"].agg(["min", "max"]).reset_index()
           .rename(columns={"ccode1": "member", "ccode2": "partner", "min": "year_from",
                            "max": "year_to"}))
    return out[cols].sort_values(cols).reset_index(drop=True)


# ---------------------------------------------------------------- pieces of a treaty


def _condition(row: dict, name: str, cache: dict) -> Condition:
    prefix = _COND_PREFIX.get(name)
    if prefix is None:
        return Condition()
    adv = _flag(row.get(f"{prefix}coadv"))
    threats = tuple(c for c in (_code(row["statthr1"]), _code(row["statthr2"])) if c)
    fields = {f: _flag(row.get(f"{prefix}{suffix}")) for suffix, f in _COND_FLAGS.items()}
    key = (adv, threats if adv else (), _flag(row.get(f"{prefix}coloc")),
           tuple(sorted(fields.items())))
    if key not in cache:
        kwargs: dict[str, Any] = {k: v for k, v in fields.items() if v}
        if adv:
            kwargs["adversary_coded"] = True
            if threats:
                kwargs["adversaries"] = threats
            else:
                kwargs["adversary_recorded"] = False
        if key[2]:
            kwargs.update(location_coded=True, location_recorded=False)
        cache[key] = Condition(**kwargs)
    return cache[key]


def _membership(row: dict) -> Membership:
    entry_known, exit_known = bool(row["entry_day_known"]), bool(row["exit_day_known"])
    exit_date = _date(row["exit_date"])
    notes = []
    if not entry_known:
        notes.append("entry day unknown in ATOP (1st of the month used)")
    if exit_date is not None and not exit_known:
        notes.append("exit day unknown in ATOP (1st of the month used)")
    codes = " ".join(f"{c}={_code(row[c])}" for c in _MEMBER_CODES)
    notes.append(f"ATOP member codes: {codes}")
    entry = _date(row["entry_date"])
    return Membership(
        state=int(row["member"]), start=entry, end=exit_date, phase=int(row["phase"]),
        day_known=entry_known and (exit_date is None or exit_known),
        basis=Basis(article="ATOP 5.1 member record: signature date (YRENT/MOENT/DAYENT)",
                    date=entry, source=ATOP_SOURCE),
        note="; ".join(notes),
    )


def _obligations(row: dict, exceptions: dict, cache: dict) -> list[Obligation]:
    atopid, member, phase = int(row["atopid"]), int(row["member"]), int(row["phase"])
    entry, exit_date = _date(row["entry_date"]), _date(row["exit_date"])
    obvary = _flag(row["obvary"])
    common = ["atop:olimob"] if _flag(row["olimob"]) else []
    if obvary:
        common.append("atop:obvary")
    article = Basis(article=f"ATOP {atopid}, phase {phase}", date=entry,
                    source=f"{ATOP_SOURCE}; member record of COW {member}")
    out = []
    for name in OBLIGATIONS:
        if not _flag(row[name]):
            continue
        flags = [f"atop:{f}" for f in _EXTRA_FLAGS.get(name, ()) if _flag(row[f])] + common
        out.append(Obligation(
            id=f"atop:{atopid}:p{phase}:{member}:{entry.isoformat()}:{KIND_OF[name].value}",
            kind=KIND_OF[name], holders=(member,), beneficiaries=None,
            start=entry, end=exit_date, phase=phase, article=article,
            condition=_condition(row, name, cache), response=_RESPONSE[name],
            decision=Decision.INDIVIDUAL,
            exceptions=exceptions.get((atopid, phase, member, name), ()),
            flags=tuple(flags),
            note=("obvary: ATOP codes different obligations toward different partners; the "
                  "partners excluded come from the directed dyad-year extract") if obvary else "",
        ))
    return out


def _provisions(alliance: dict, phases: list[dict], codes: list[str],
                phase_codes: list[str]) -> Provisions:
    atop = _codes(alliance, codes)
    if len(phases) > 1:
        for ph in phases:
            for c in phase_codes:
                value = _code(ph[c])
                if value != atop[c]:
                    atop[f"phase{int(ph['phase'])}.{c}"] = value
    intcom, base = atop.get("intcom"), atop.get("base")
    speclgth, length, renounce = atop.get("speclgth"), atop.get("length"), atop.get("renounce")
    return Provisions(
        integrated_command=None if intcom is None else intcom == 1,
        bases=None if base is None else base > 0,
        duration_years=length / 12 if speclgth == 1 and length else None,
        renunciation=None if renounce is None else _RENOUNCE.get(renounce, f"code {renounce}"),
        basis=(Basis(article=f"ATOP 5.1 alliance record (ATOPID {int(alliance['atopid'])})",
                     date=_date(alliance["start_date"]), source=ATOP_SOURCE),),
        atop=atop,
    )


def _name(atopid: int, abbs: list[str], year: int) -> str:
    shown = ", ".join(abbs) if len(abbs) <= 4 else ", ".join(abbs[:3]) + ", …"
    return f"ATOP {atopid}: {shown} ({year})"


# ---------------------------------------------------------------- the conversion


def atop_treaties(con: duckdb.DuckDBPyConnection) -> list[Treaty]:
    """Every ATOP 5.1 alliance as a :class:`Treaty` (the ATOP view), in ATOPID order.

    Parameters
    ----------
    con
        A connection to the store (:func:`foedus.data.store.connect`); reads
        ``atop_alliances``, ``atop_phases``, ``atop_members``, ``atop_directed_dyad_years``
        and ``states``.

    Returns
    -------
    list[Treaty]
        One treaty per alliance, id ``atop:<atopid>``, one membership per member-phase row
        and one obligation per member-phase row and obligation dummy; see the module
        docstring for the mapping of conditions, responses, provisions and the partner
        exceptions of ``obvary`` members.
    """
    alliances = con.execute("SELECT * FROM atop_alliances ORDER BY atopid").df()
    phases = con.execute("SELECT * FROM atop_phases ORDER BY atopid, phase").df()
    members = con.execute("SELECT * FROM atop_members").df()
    published = con.execute("SELECT * FROM atop_directed_dyad_years").df()
    abb = dict(con.execute("SELECT ccode, abb FROM states").fetchall())

    members = members.sort_values(["atopid", "phase", "entry_date", "member"], kind="stable")
    exc = partner_exceptions(members, published)
    excepted: dict[tuple, list[PartnerException]] = {}
    basis = Basis(article=EXTRACT_BASIS, source="ATOP 5.1 atop5_1ddyr (peacesciencer extract)")
    for r in exc.itertuples(index=False):
        excepted.setdefault((r.atopid, r.phase, r.member, r.obligation), []).append(
            PartnerException(partner=int(r.partner), start=dt.date(int(r.year_from), 1, 1),
                             end=dt.date(int(r.year_to) + 1, 1, 1), basis=basis))
    exceptions = {k: tuple(v) for k, v in excepted.items()}

    codes = [c for c in alliances.columns if c not in _NOT_CODES and not c.startswith("mem")]
    phase_codes = [c for c in codes if c in phases.columns]
    phases_of: dict[int, list[dict]] = {}
    for ph in phases.to_dict("records"):
        phases_of.setdefault(int(ph["atopid"]), []).append(ph)
    rows_of: dict[int, list[dict]] = {}
    for row in members.to_dict("records"):
        rows_of.setdefault(int(row["atopid"]), []).append(row)

    cache: dict = {}
    out = []
    for alliance in alliances.to_dict("records"):
        atopid = int(alliance["atopid"])
        rows = rows_of.get(atopid, [])
        first = sorted(rows, key=lambda r: (r["entry_date"], r["phase"], r["member"]))
        states = list(dict.fromkeys(int(r["member"]) for r in first))
        signed = _date(alliance["start_date"])
        obligations = [o for r in rows for o in _obligations(r, exceptions, cache)]
        out.append(Treaty(
            id=f"atop:{atopid}",
            name=_name(atopid, [abb.get(s, str(s)) for s in states], int(alliance["begyr"])),
            kind=TreatyKind.TREATY,
            signed=signed,
            ended=_date(alliance["end_date"]),
            atopids=(atopid,),
            members=tuple(_membership(r) for r in rows),
            obligations=tuple(obligations),
            provisions=_provisions(alliance, phases_of.get(atopid, []), codes, phase_codes),
            sources=(ATOP_SOURCE,) + ((EXTRACT_BASIS,) if any(o.exceptions for o in
                                                             obligations) else ()),
            note=("ATOP codes signature dates, not entry into force; the ATOP view keeps them "
                  "(codebook 2.32)"),
        ))
    return out
