"""Opportunities to honour alliance pledges, and what the allies did (DESIGN §4).

An *opportunity* is an ally–partner–war: a state (the *partner*) attacked in a war, or
starting one, while another state (the *ally*) owed it an ATOP obligation; the *outcome* is
what the ally did. The design follows Leeds, Long & Mitchell (2000) [1]_, who judge each
obligation against the conflict that invoked it, and Berkemeier & Fuhrmann (2018) [2]_.
Every rule is written here; the figures they give are in ``foedus reliability``.

Definitions
-----------
**Partners.** A partner is a participation (a state on one side of one war) with its role
— ``target`` (attacked), ``initiator`` or ``joiner`` — decided by the precedence rule of
:mod:`foedus.reliability.targets` (COW war file, the directed dyadic war file and a sourced
override table): the United States is no target in Korea (1950) or Laos (1968), the United
Kingdom and France join Poland in 1939, Poland and Serbia (1914) are targets. Which pledges
a war invokes follows ATOP's definitions of the obligations (codebook v5.1, §2.3): a
*defence* pledge promises support "in the event of attack on the sovereignty or territorial
integrity" of the partner, so only targets invoke it; an *offence* pledge promises support
"under any conditions not precipitated by attack" on the partner, so initiators and joiners
invoke it; a *neutrality* pledge promises not to join "a conflict between" the partner and a
third party on the adversary's side, so every participation invokes it (with ATOP's
``neucoatt``, only an attack does). Consultation and non-aggression pledges toward targets
are listed, never scored. The *casus foederis date* ``date`` is the day the partner was
attacked (targets) or entered the war (initiators, joiners).

**Pledges made during a war.** A pledge that comes into force while the partner is at war
(ATOP's wartime alliances: the Anglo-French-Ottoman treaty of 1854, the Pact of London of
1914, the Anglo-Soviet treaty of 1942) is invoked by that war on the day it begins
(``wartime`` True, ``date`` that day), its conditions judged against the states at war
with the partner that day (``attackers``; rule L2 below); an ally already fighting beside
the partner then is ``already_at_war``.

**Casus foederis** (``True``/``False``/``None``, with ``cf_reason``), from the obligation's
ATOP conditions (:func:`casus_foederis`) with the historical book's content: by default the
ATOP view *with history* (``history=True``: :meth:`CommitmentSystem.as_of` with
``history=True``; :mod:`foedus.model.history`), whose members, dates and obligations are
ATOP's, and whose conditions carry the content ATOP codes without recording it, from the
treaty texts (``books/history/*.toml``); ``history=False`` gives the pure ATOP view. A
named adversary holds iff one of the partner's attackers is named (the Franco-Russian
convention names Germany: France is bound to Russia in 1914, not in the Russo-Japanese
war); a number of attackers holds iff enough of them are named; a location holds iff one of
the scope rules covers a place where the partner's war was fought
(:mod:`foedus.reliability.theatres`: a sourced table of theatres, else the attacked
partner's homeland, else an initiator's or joiner's opponents' homelands, each limited to
the continents of COW's ``WhereFought``; the Falklands lie outside NATO's area, Lombardy
outside the German Confederation); alternatives of the casus foederis (the Triple
Alliance's Arts. II and III, by partner) hold when one that runs to the partner holds.
Without content — an adversary condition ATOP records without naming it, a location
condition with no scope, a number of attackers or a demand — the verdict is ``None``, and a
location is ``None`` also where the war's places are not known. A specific-conflict
condition ("a particular ongoing conflict") holds iff the war is the one the treaty names
(historical book) or one the alliance's members were fighting when they joined it (ATOP
``cowwar``: the Pact of London of 1914, the Declaration by United Nations of 1942, in their
world wars); a non-provocation condition is met by a target and undecidable otherwise;
ATOP's ``neucoatt`` (neutrality only if the partner is attacked) is met by a target and
fails for an initiator or a joiner. Any False → False, else any None → None, else True.
**Rows whose casus foederis is None are never evidence**: the rates and the credibility
model drop them, and say how many.

**Invocation rules** (``invocation``). ``"atop"`` (the default) is the rule above: ATOP's
definitions, a pledge invoked once per participation. ``"llm"`` writes out the procedure of
the alliance–war studies, Leeds, Long & Mitchell (2000) [1]_ as Berkemeier & Fuhrmann
(2018) [2]_ apply it, from the texts available here (their codebook; the ATOP codebook;
LLM's article itself could not be read here, only its abstract):

- **L1, attacked in the war.** B&F's universe is every alliance–war "in which a member
  fought", and the commitment is judged in the war, not at one date; ATOP defines a defence
  pledge as support "in the event of attack on the sovereignty or territorial integrity" of
  the partner (codebook v5.1, DEFENSE). So a participant that entered the war in support of
  the attacked side (a joiner on a side with no COW initiator: the United Kingdom in 1939)
  and was then attacked by the enemy on its own ground invokes its defence, consultation
  and non-aggression pledges (and neutrality pledges limited to attacks) on the day of that
  first attack, its attackers being the states that opened dyads against it
  (:func:`attacks_in_war`): an enemy opened a dyad against it in the directed dyadic war
  file (``wardyadrole`` 1 against 3: Germany against the United Kingdom, 9 April 1940) and
  the war reached its home continent (COW ``WhereFought``: the United Kingdom in Korea,
  1950, was attacked in Asia, not on its territory). An initiator's, or a state's that
  joined the attacking side, is not attacked in the treaty's sense when its enemy strikes
  back. (An earlier reading, any dyad against any participant, is reported beside the
  figures it gives in the Berkemeier & Fuhrmann study.)
- **L2, pledges made for a war.** A pledge that comes into force while the partner is at
  war (ATOP ``wartime``/``cowwar``) was made for that war: it is invoked on its first day
  whatever its kind and the partner's role (ATOP codes as offence the Allied pledges of 1944
  and 1945 to partners that had been attacked years before). Its conditions are judged
  against the states at war with the partner on that day (the other side's participations
  whose COW spell holds it), not against the partner's opponents when it entered the war:
  the Anglo-Portuguese agreement of 28 November 1944 (ATOP 2570) names Japan, at war with
  the United Kingdom since 7 December 1941, two years after the United Kingdom entered the
  war against Germany alone.
- **L3, fighting together.** B&F's codebook honours a commitment "when allies fight together
  in a war as promised in an offense or defense pact" and violates it when they "do not come
  to the assistance of their allies as promised". "As promised" is judged when the casus
  foederis arises, as Leeds, Long & Mitchell judge each pledge against the conflict that
  invoked it: entry within :data:`WINDOW_DAYS` (the window of the ally–partner rows), not
  at any time of the partner's war. Berkemeier & Fuhrmann code the Greek–Serbian alliance
  of 1913 violated in the First World War (ATOP 1490, ``violateLLM``), though Greece joined
  Serbia's side in June 1917, inside COW's Serbian war: entry over the whole war
  (``window=float("inf")``) would call it honoured. The study reports the whole-war coding
  beside.
- The all-members rule and the fights between members are those of
  :mod:`foedus.reliability.alliance_war` (B&F's "violate": any obligated member failing, or
  members fighting each other).

The ``llm`` rows are for the alliance–war unit; the ally–partner–war rates keep the default.

**Outcome** (``outcome``), judged while the partner is at war (its COW spell from
``date``), in this order:

- ``joined_against``: the ally fought the partner — on the other side of the war (COW), or
  in a dyad of the directed dyadic war file (the USSR's invasion of Poland on 17 September
  1939 is only there; COW puts the USSR on Poland's side from 22 June 1941, after Poland
  had left the war) — while the treaty bound it: a member on the day before the fighting
  began, the rule of the alliance–war unit's fights (:func:`foedus.reliability.alliance_war.
  allied_fights`). Italy, which left the Pact of Steel and the German-Italian-Japanese
  alliance with its armistice (ATOP 2445 and 2540 end on 2 and 3 September 1943), did not
  breach them by fighting Germany from September 1943;
- ``already_at_war``: the ally was at war on the partner's side before the partner was
  attacked (France when Norway was attacked in 1940): no test of the pledge;
- ``joined_partner``: the ally entered on the partner's side within ``window`` days of the
  casus foederis date (for whatever reason: Germany declared war on France two days after
  it declared war on France's ally Russia, 1914);
- ``joined_after_attacked``: the ally joined the partner's side after the window, and only
  when it was itself attacked (the USSR on 22 June 1941, for a partner attacked earlier);
- ``late_entry``: it entered on the partner's side after the window, not attacked itself
  (Greece, 29 June 1917, for Serbia attacked on 29 July 1914);
- ``stayed_out``.

Two rules keep COW's participant file from calling a state that could not appear in it a
state that stayed out (they replace ``stayed_out``, ``late_entry`` and
``joined_after_attacked``; the joining and fighting the file does record win over them):

- ``not_in_system``: the ally was not a member of the COW state system on the casus
  foederis date (``state_spells``: Poland, Norway, the Netherlands, Belgium, Luxembourg,
  Greece, Yugoslavia and Czechoslovakia under German occupation; Montenegro, which COW
  never admits before 2006; Uruguay before 1882). The war data list as participants only
  members of the interstate system [3]_, so the file cannot say what such an ally did: the
  Polish and Norwegian forces that fought under their governments in exile are not in it.
- ``declared_belligerent``: the ally had entered a state of war on the partner's side
  before the casus foederis without ever meeting COW's participation threshold — at least
  1,000 troops engaged in combat or 100 battle deaths [3]_. The one source of such
  belligerencies here is the Declaration by United Nations (ATOP 2550, 1942): its text
  binds each government's resources "against those members of the Tripartite Pact and its
  adherents with which such government is at war", and the depositary accepted an
  adherence only from a state that had already entered a state of war (US Department of
  State, *FRUS* 1945 vol. I doc. 22 — invitations to San Francisco for the signatories and
  the nations "which will have declared war by March 1, 1945" —, doc. 35 (Turkey, Egypt,
  Saudi Arabia), vol. IX doc. 1075 (Peru) and doc. 1127 (Uruguay: "after the declaration of
  war and before a representative of Uruguay signs")). So every member was at war on the
  Allied side from its adherence at the latest (:data:`DECLARED_BELLIGERENCE`); Cuba,
  Costa Rica or Iraq, at war without forces in the field, did not stay out of the war, and
  whether such an ally kept a pledge of support cannot be read from participation. A state
  that declared war itself is listed with its declaration (:data:`DECLARATIONS`): China,
  at war with Germany and Austria-Hungary from 14 August 1917 (its note of that day, FRUS
  1917 Supplement 1 vol. I doc. 653), which COW does not list in the First World War, is
  no test of the Sino-Japanese military agreements of May 1918 (ATOP 2045).

Both are ``honoured`` None for every kind: no test of the pledge, like ``already_at_war``.

**Window.** :data:`WINDOW_DAYS` = 90 days, the window the methods review proposed
(December 2026, §3.1) for a rule that Leeds, Long & Mitchell apply by hand ("did the ally
act as promised when the casus foederis arose"); no published dataset states a number of
days. "Before the partner's defeat" will not do: COW keeps Serbia at war until 1918, so
Greece's 1917 entry would honour its 1913 pledge. ``foedus reliability`` reports the rates
for 7, 30, 90, 180 and 365 days and for the whole war.

**Honoured** (``honoured``): defence and offence → ``joined_partner``; neutrality → not
``joined_against``; consultation and non-aggression → None (not observable in war
participation; an ally fighting its partner still violates them in the alliance–war unit,
:mod:`foedus.reliability.alliance_war`); ``already_at_war`` → None for every kind.

**Nested treaties.** One opportunity per (war, partner, ally, obligation kind). The
crosswalk file (``books/crosswalk.toml``, :func:`foedus.data.books.load_crosswalk`)
says which treaties restate others: a leg of a ``nested_in`` (or ``superseded_by``) treaty
is carried by the other treaty (``nested_in`` names it) and not counted; a state outside
the container keeps no such leg (``outside_container``). Among the remaining legs of the
same (war, partner, ally, kind) — two bilateral treaties, NATO beside the Brussels Treaty —
the strongest pledge stands in (``counted``): the one whose casus foederis holds (True,
then None, then False), then the one with fewer coded conditions, then the older treaty.
The alliance–war unit keeps every row, as the published alliance–war data do.

**Intra-alliance conflicts.** ``intra_alliance`` is true when one of the partner's
attackers is itself a member of the treaty on the day (the Football War, 1969; Iraq's
invasion of Kuwait, 1990): the credibility model leaves them out.

References
----------
.. [1] Leeds, Brett Ashley, Andrew G. Long, and Sara McLaughlin Mitchell. 2000.
   "Reevaluating Alliance Reliability: Specific Threats, Specific Promises." *Journal of
   Conflict Resolution* 44(5): 686-699. doi:10.1177/0022002700044005006
.. [2] Berkemeier, Molly, and Matthew Fuhrmann. 2018. "Reassessing the Fulfillment of
   Alliance Commitments in War." *Research & Politics* 5(2). doi:10.1177/2053168018776125
.. [3] Sarkees, Meredith Reid. 2000. "The Correlates of War Data on War: An Update to
   1997." *Conflict Management and Peace Science* 18(1): 123-144 ("A state involved is
   regarded as a participant if it incurs a minimum of 100 fatalities or has 1000 armed
   personnel engaged in fighting"; the participants in sustained combat "should qualify as
   members of the interstate system"). doi:10.1177/073889420001800105
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from foedus._lazy import pandas as pd
from foedus.data.loaders import load_system
from foedus.model.system import ATOP_END, EARLIEST, CommitmentSystem, Snapshot
from foedus.model.vocab import ObligationKind
from foedus.reliability.targets import MID_HOSTLEV, tuples_by, war_roles
from foedus.reliability.theatres import Theatre, scope_verdict, theatre, where_fought

__all__ = [
    "COLUMNS",
    "DECLARATIONS",
    "DECLARED_BELLIGERENCE",
    "INVOCATIONS",
    "MID_HOSTLEV",
    "OUTCOMES",
    "WINDOW_DAYS",
    "alliance_conflicts",
    "attacks_in_war",
    "casus_foederis",
    "casus_foederis_reasons",
    "dyad_hostility",
    "export_cases",
    "opportunities",
    "outcome_of",
    "system_spells",
]

#: Days from the casus foederis within which joining the partner honours the pledge.
WINDOW_DAYS = 90

TARGET_KINDS = (ObligationKind.DEFENSE, ObligationKind.NEUTRALITY,
                ObligationKind.CONSULTATION, ObligationKind.NONAGGRESSION)
#: Pledges invoked by a partner that attacked or joined a war (not attacked itself).
ACTING_KINDS = (ObligationKind.OFFENSE, ObligationKind.NEUTRALITY)
ALL_KINDS = tuple(ObligationKind)
OUTCOMES = ("joined_partner", "late_entry", "joined_after_attacked", "joined_against",
            "already_at_war", "stayed_out", "not_in_system", "declared_belligerent")
#: Outcomes that are no test of a pledge (``honoured`` None for every kind).
NO_TEST = ("already_at_war", "not_in_system", "declared_belligerent")
#: Treaties whose members were at war on the treaty's side of a war from their accession
#: at the latest (ATOP alliance → the COW war); see the module docstring.
DECLARED_BELLIGERENCE = {2550: "cow:139"}
#: States at war by their own declaration without meeting COW's participation threshold:
#: (COW war, state) → (the day the state of war began, the COW side it joined, source).
DECLARATIONS: dict[tuple[str, int], tuple[dt.date, int, str]] = {
    ("cow:106", 710): (dt.date(1917, 8, 14), 1,
                       "China's note of 14 August 1917: 'a state of war exists "
                       "simultaneously between China and Germany as well as Austria-Hungary' "
                       "from 10 a.m. that day (US Department of State, FRUS 1917 Supplement "
                       "1, vol. I, doc. 653)"),
}
#: Invocation rules: ATOP's definitions (the default) or Leeds, Long & Mitchell's
#: alliance–war procedure as Berkemeier & Fuhrmann describe it (module docstring).
INVOCATIONS = ("atop", "llm")

COLUMNS = ["war", "war_name", "year", "date", "role", "target", "target_side", "ally",
           "attackers", "atopid", "treaty", "obligation", "kind", "casus_foederis",
           "cf_reason", "outcome", "honoured", "ally_joined_date", "lag_days",
           "ally_already_at_war", "ally_attacked", "intra_alliance", "nested_in",
           "outside_container", "wartime", "counted"]


def opportunities(system: CommitmentSystem | None = None, *, source: str = "cow",
                  start: int = 1816, end: int = 2010, window: float = WINDOW_DAYS,
                  initiators: bool = True, crosswalk=None, history: bool = True,
                  invocation: str = "atop") -> pd.DataFrame:
    """Every (war, partner, ally, treaty, obligation) opportunity, with the ally's outcome.

    Parameters
    ----------
    system
        The commitment system (default :func:`foedus.data.loaders.load_system`); the ATOP
        view is used.
    source
        ``"cow"`` (COW inter-state wars v4.0, to 2003) or ``"mid"`` (MIDB 4.3, hostlev ≥ 4).
    start, end
        Years of the casus foederis date, inclusive.
    window
        Days from the casus foederis date within which joining honours a defence or
        offence pledge (``float("inf")``: any time while the partner is at war).
    initiators
        Also list the offence and neutrality pledges owed to initiators and joiners
        (``role`` ``"initiator"`` or ``"joiner"``); False: attacked partners only.
    crosswalk
        The treaty crosswalk (default :func:`foedus.data.books.load_crosswalk`).
    history
        Decide the casus foederis with the historical book's condition content (the ATOP
        view with history, :meth:`CommitmentSystem.as_of` ``history=True``); False: the
        pure ATOP view. Members, dates and obligations are ATOP's either way.
    invocation
        ``"atop"`` (ATOP's definitions, the module docstring) or ``"llm"`` (the invocation
        rules of Leeds, Long & Mitchell's alliance–war procedure as Berkemeier & Fuhrmann
        describe it: :data:`INVOCATIONS`, the module docstring).

    Returns
    -------
    pandas.DataFrame
        :data:`COLUMNS`, one row per pledge; see the module docstring.

    Raises
    ------
    ValueError
        For a source other than ``cow`` or ``mid``, or an unknown ``invocation``.
    """
    from foedus.data.books import load_crosswalk
    from foedus.data.store import connect

    if source not in ("cow", "mid"):
        raise ValueError(f"source must be 'cow' or 'mid', not {source!r}")
    if invocation not in INVOCATIONS:
        raise ValueError(f"invocation must be one of {', '.join(INVOCATIONS)}, "
                         f"not {invocation!r}")
    system = system or load_system()
    crosswalk = crosswalk if crosswalk is not None else load_crosswalk()
    with connect() as con:
        roles = war_roles(con, source)
        hostile = dyad_hostility(con) if source == "cow" else {}
        conflicts = alliance_conflicts(con) if source == "cow" else {}
        regions = where_fought(con) if source == "cow" else {}
        attacks = attacks_in_war(con) if source == "cow" and invocation == "llm" else {}
        in_system = system_spells(con)
    unrecorded = _Unrecorded(in_system, {war: system.treaty(f"atop:{a}") for a, war in
                                         DECLARED_BELLIGERENCE.items()})
    ctx = _Context(system, crosswalk, hostile, conflicts, regions, window, unrecorded)
    rows: list[dict] = []
    snapshots: dict[dt.date, Snapshot] = {}
    starts = _membership_starts(system)
    rows_of = tuples_by(roles, "war")
    for war, g in roles.groupby("war", sort=False):
        by_state: dict = {}
        for p in rows_of[war]:
            by_state.setdefault(p.ccode, []).append(p)
        by_state = dict(sorted(by_state.items()))  # as g.groupby("ccode") orders them
        for p in rows_of[war]:
            seen: set[tuple[str, int, str]] = set()
            for day, kinds, attackers, cf_role in _invocations(p, war, initiators,
                                                               attacks):
                if not start <= day.year <= end or day < EARLIEST or day > ATOP_END:
                    continue
                present: set[tuple[str, int, str]] = set()
                for when in (day, *_pledge_days(starts, day, _partner_until(p, day))):
                    snap = snapshots.get(when)
                    if snap is None:
                        snap = snapshots[when] = system.as_of(when, view="atop",
                                                              history=history)
                    allowed = ALL_KINDS if (when > day and invocation == "llm") else kinds
                    for pledge in snap.pledges(beneficiary=int(p.ccode)):
                        key = (pledge.treaty.id, int(pledge.holder),
                               str(pledge.obligation.kind))
                        if when == day:
                            present.add(key)
                        elif key in present:
                            continue  # in force before the war: not a pledge made during it
                        if pledge.obligation.kind not in allowed or key in seen:
                            continue
                        seen.add(key)
                        rows.append(_row(war, p, when, pledge, by_state, ctx,
                                         attackers=attackers if when == day else
                                         _enemies_on(g, p, when, attackers),
                                         cf_role=cf_role, wartime=when > day))
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame = frame.astype({"casus_foederis": object, "honoured": object})
    return _mark_counted(frame)


def alliance_conflicts(con) -> dict[int, frozenset[str]]:
    """ATOP alliance → the COW wars (``cow:<warnum>``) its members fought when they joined
    it (ATOP 5.1 member-level ``cowwar``)."""
    d = con.execute("select distinct atopid, cowwar from atop_members where cowwar > 0").df()
    out: dict[int, set[str]] = {}
    for a, w in zip(d["atopid"], d["cowwar"], strict=True):
        out.setdefault(int(a), set()).add(f"cow:{int(w)}")
    return {a: frozenset(w) for a, w in out.items()}


def system_spells(con) -> dict[int, list[tuple[dt.date, dt.date]]]:
    """COW state → its spells of membership in the state system (``state_spells``)."""
    d = con.execute("select ccode, start_date, end_date from state_spells").df()
    out: dict[int, list[tuple[dt.date, dt.date]]] = {}
    for c, s, e in zip(d["ccode"], d["start_date"], d["end_date"], strict=True):
        out.setdefault(int(c), []).append((pd.Timestamp(s).date(), pd.Timestamp(e).date()))
    return out


class _Unrecorded:
    """The two rules for allies the war file cannot record (module docstring)."""

    REPLACES = ("stayed_out", "late_entry", "joined_after_attacked")

    def __init__(self, spells: dict, belligerence: dict):
        self.spells, self.belligerence = spells, belligerence

    def __call__(self, outcome: str, war: str, ally: int, partner: int, day: dt.date,
                 side: int | None = None) -> str:
        if outcome not in self.REPLACES:
            return outcome
        if not any(s <= day <= e for s, e in self.spells.get(ally, ())):
            return "not_in_system"
        declared = DECLARATIONS.get((war, ally))
        if declared is not None and declared[0] <= day and declared[1] == side:
            return "declared_belligerent"
        declaration = self.belligerence.get(war)
        if declaration is not None and declaration.member_on(ally, day) and \
                declaration.member_on(partner, day):
            return "declared_belligerent"
        return outcome


def attacks_in_war(con) -> dict[tuple[str, int, int], tuple[dt.date, tuple[int, ...]]]:
    """(war, state, side) → the first day an enemy attacked a state that had joined the
    defending side, and the states that attacked it (the ``llm`` invocation rule L1).

    A participation qualifies when it is on a side with no COW initiator (it entered in
    support of the attacked), an enemy state opened a dyad against it (directed dyadic war
    file: the opener ``wardyadrole`` 1, the state 3), and the war reached its home continent
    (its homeland cut to the COW ``WhereFought`` regions of its participation is not empty,
    :func:`foedus.reliability.theatres.theatre`): the attack could fall on its territory.
    """
    from foedus.data.loaders import gazetteer as shipped_gazetteer
    from foedus.errors import UnknownPlaceError
    from foedus.reliability.targets import participations
    from foedus.reliability.theatres import WHERE_FOUGHT, _restricted

    d = con.execute(
        "select distinct 'cow:' || warnum as war, statea, stateb, wardyadrolea,"
        " wardyadroleb, start_date from dyadic_wars where start_date is not null").df()
    opened: dict[tuple[str, int], list[tuple[dt.date, int]]] = {}
    for r in d.itertuples(index=False):
        day = pd.Timestamp(r.start_date).date()
        if r.wardyadrolea == 1 and r.wardyadroleb == 3:
            opened.setdefault((r.war, int(r.stateb)), []).append((day, int(r.statea)))
        if r.wardyadroleb == 1 and r.wardyadrolea == 3:
            opened.setdefault((r.war, int(r.statea)), []).append((day, int(r.stateb)))
    part = participations(con, "cow")
    regions = where_fought(con)
    gazetteer = shipped_gazetteer()
    members: dict[tuple[str, int], set[int]] = {}
    attacking: dict[str, set[int]] = {}
    for r in part.itertuples(index=False):
        members.setdefault((r.war, int(r.side)), set()).add(int(r.ccode))
        if r.initiator:
            attacking.setdefault(r.war, set()).add(int(r.side))
    out: dict[tuple[str, int, int], tuple[dt.date, tuple[int, ...]]] = {}
    for me in part.itertuples(index=False):
        key = (me.war, int(me.ccode), int(me.side))
        if key[2] in attacking.get(me.war, ()) or key not in regions:
            continue
        try:
            home = _restricted(gazetteer.homeland(key[1]), WHERE_FOUGHT.get(regions[key]))
        except UnknownPlaceError:
            home = None
        if home is None:
            continue
        enemy = set().union(*(v for (w, s), v in members.items()
                              if w == me.war and s != me.side))
        mine = [(max(day, me.start), o) for day, o in opened.get(key[:2], ())
                if o in enemy and day <= me.end]
        if mine:
            out[key] = (min(day for day, _ in mine), tuple(sorted({o for _, o in mine})))
    return out


def _invocations(p, war: str, initiators: bool, attacks: dict
                 ) -> list[tuple[dt.date, tuple, tuple[int, ...], str]]:
    """The days the participation ``p`` invokes pledges: ``(day, kinds, attackers,
    role for the casus foederis)``; the ``llm`` rule L1 adds the first attack on a
    participant that was not the original target."""
    out = []
    if p.role == "target":
        out.append((p.attacked_on, TARGET_KINDS, tuple(p.attackers), "target"))
    elif initiators:
        out.append((p.start, ACTING_KINDS, tuple(p.attackers), p.role))
    hit = attacks.get((war, int(p.ccode), int(p.side))) if p.role != "target" else None
    if hit is not None:
        out.append((hit[0], TARGET_KINDS, hit[1], "attacked"))
    return out


class _Context:
    """What every row of one call shares."""

    def __init__(self, system, crosswalk, hostile, conflicts, regions, window,
                 unrecorded) -> None:
        self.system, self.crosswalk, self.hostile = system, crosswalk, hostile
        self.conflicts, self.regions, self.window = conflicts, regions, window
        self.unrecorded = unrecorded


def _membership_starts(system: CommitmentSystem) -> list[dt.date]:
    """Every day an ATOP membership (or phase) begins, sorted."""
    return sorted({m.start for t in system.treaties("atop") for m in t.members
                   if m.start is not None})


def _pledge_days(starts: list[dt.date], day: dt.date, until: dt.date) -> list[dt.date]:
    """Membership start days after ``day`` up to ``until`` (pledges made during a war)."""
    import bisect

    return starts[bisect.bisect_right(starts, day):bisect.bisect_right(starts, until)]


def dyad_hostility(con) -> dict[tuple[str, int, int], list[dt.date]]:
    """(war, a, b) → the start days of the dyads in which a and b fought each other."""
    d = con.execute("select distinct 'cow:' || warnum as war, statea, stateb, start_date"
                    " from dyadic_wars where start_date is not null").df()
    out: dict[tuple[str, int, int], list[dt.date]] = {}
    for r in d.itertuples(index=False):
        day = pd.Timestamp(r.start_date).date()
        for a, b in ((r.statea, r.stateb), (r.stateb, r.statea)):
            out.setdefault((r.war, int(a), int(b)), []).append(day)
    return out


def _enemies_on(war_roles: pd.DataFrame, p, day: dt.date,
               default: tuple[int, ...]) -> tuple[int, ...]:
    """The states at war with the participation ``p`` on ``day`` (the other side's
    participations whose COW spell holds the day), else ``default``: the adversaries a
    pledge made during the war is judged against."""
    found = {int(q.ccode) for q in war_roles.itertuples(index=False)
             if q.side != p.side and any(s <= day <= e for s, e in q.spells)}
    return tuple(sorted(found)) if found else default


def _partner_until(p, day: dt.date) -> dt.date:
    """The end of the partner's spell that holds ``day`` (else of its last spell)."""
    for s, e in p.spells:
        if s <= day <= e:
            return e
    return p.end


def outcome_of(ally_parts: Iterable, partner, day: dt.date, window: float,
               hostile_days: Iterable[dt.date] = (),
               bound=None) -> tuple[str, dt.date | None]:
    """The ally's outcome toward ``partner`` (a participation) from ``day``, and the day
    of the ally's decisive entry (None when it stayed out); see the module docstring.

    ``bound`` (a predicate on a day, default always true) says whether the pledge still
    bound the ally: fighting the partner counts as ``joined_against`` only when the ally was
    bound on the day before it began."""
    until = _partner_until(partner, day)
    against: list[dt.date] = [h for h in hostile_days if day <= h <= until]
    support: list[tuple[dt.date, object]] = []
    for q in ally_parts:
        for s, e in q.spells:
            if s <= until and e >= day:
                if q.side == partner.side:
                    support.append((s, q))
                else:
                    against.append(max(s, day))
    if bound is not None:
        against = [h for h in against if bound(h - dt.timedelta(days=1))]
    if against:
        return "joined_against", min(against)
    if not support:
        return "stayed_out", None
    joined, q = min(support, key=lambda t: t[0])
    if joined < day:
        return "already_at_war", joined
    if (joined - day).days <= window:
        return "joined_partner", joined
    if q.role == "target" and q.attacked_on == joined:
        return "joined_after_attacked", joined
    return "late_entry", joined


def _honoured(kind: ObligationKind, outcome: str) -> bool | None:
    if outcome in NO_TEST:
        return None
    if kind in (ObligationKind.DEFENSE, ObligationKind.OFFENSE):
        return outcome == "joined_partner"
    if kind is ObligationKind.NEUTRALITY:
        return outcome != "joined_against"
    return None


def _needs_place(obligation) -> bool:
    c = obligation.condition
    return c.scope is not None or any(cl.scope is not None for cl in c.clauses or ())


def _row(war: str, p, day: dt.date, pledge, by_state: dict, ctx: _Context, *,
         attackers: tuple[int, ...], cf_role: str, wartime: bool = False) -> dict:
    system, crosswalk, hostile = ctx.system, ctx.crosswalk, ctx.hostile
    ally, partner = int(pledge.holder), int(p.ccode)
    kind = ObligationKind(pledge.obligation.kind)
    treaty = pledge.treaty
    outcome, joined = outcome_of(by_state.get(ally, []), p, day, ctx.window,
                                 hostile.get((war, ally, partner), ()),
                                 bound=lambda d: d < day or treaty.member_on(ally, d))
    outcome = ctx.unrecorded(outcome, war, ally, partner, day, int(p.side))
    atopid = treaty.atopids[0] if treaty.atopids else int(treaty.id.split(":")[1])
    where = None
    if _needs_place(pledge.obligation):
        where = theatre(war, partner, "target" if cf_role in ("target", "attacked")
                        else p.role, day, attackers,
                        ctx.regions.get((war, partner, int(p.side))))
    cf, reason = casus_foederis_reasons(
        pledge.obligation, attackers, cf_role, war=war,
        conflicts=ctx.conflicts.get(int(atopid), ()), partner=partner, where=where,
        parties=treaty.members_on(day))
    nested, outside = None, False
    decision = crosswalk.relation(treaty.id, kind, day, aliases=tuple(
        f"atop:{a}" for a in treaty.atopids))
    if decision is not None:
        nested = decision.other
        container = _treaty_or_none(system, decision.other)
        outside = container is None or not (container.member_on(ally, day)
                                             and container.member_on(partner, day))
    attacked = joined is not None and any(
        q.role == "target" and q.attacked_on == joined and q.side == p.side
        for q in by_state.get(ally, []))
    return {
        "war": war, "war_name": p.war_name, "year": day.year, "date": day, "role": p.role,
        "target": partner, "target_side": int(p.side), "ally": ally,
        "attackers": tuple(attackers), "atopid": int(atopid), "treaty": treaty.id,
        "obligation": pledge.obligation.id, "kind": kind.value, "casus_foederis": cf,
        "cf_reason": reason, "outcome": outcome, "honoured": _honoured(kind, outcome),
        "ally_joined_date": joined, "lag_days": None if joined is None else (joined - day).days,
        "ally_already_at_war": outcome == "already_at_war", "ally_attacked": attacked,
        "intra_alliance": any(treaty.member_on(a, day) for a in attackers),
        "nested_in": nested, "outside_container": outside, "wartime": wartime,
        "counted": False,
    }


def _treaty_or_none(system: CommitmentSystem, treaty_id: str):
    from foedus.errors import FoedusError

    try:
        return system.treaty(treaty_id)
    except FoedusError:
        return None


def _conditions(obligation) -> int:
    c = obligation.condition
    return sum((c.adversary_coded, c.location_coded, c.non_provocation, c.attackers_coded,
                c.conflict_coded, c.demand_coded, "atop:neucoatt" in obligation.flags))


def _mark_counted(frame: pd.DataFrame) -> pd.DataFrame:
    """Set ``counted``: one row per (war, partner, ally, kind), the strongest pledge."""
    if frame.empty:
        return frame
    rank = frame["casus_foederis"].map(lambda v: 0 if v is True else (1 if v is None else 2))
    order = frame.assign(_rank=rank, _id=frame["atopid"]).sort_values(["_rank", "_id"])
    eligible = order[order["nested_in"].isna()]
    keys = ["war", "target", "target_side", "ally", "kind"]
    best = eligible.drop_duplicates(keys).index
    frame["counted"] = frame.index.isin(best)
    return frame


def casus_foederis(obligation, attackers: Iterable[int], role: str = "target", *,
                   war: str | None = None, conflicts: Iterable[str] = (),
                   partner: int | None = None, where: Theatre | None = None,
                   parties: Iterable[int] = ()) -> bool | None:
    """Whether the obligation's conditions hold against ``attackers`` (None: undecidable).

    See :func:`casus_foederis_reasons` (the same verdict, with its reason).

    >>> from foedus.model.commitments import Basis, Condition, Obligation
    >>> named = Obligation(id="x", kind="defense", article=Basis(article="1"),
    ...                    condition=Condition(adversary_coded=True, adversaries=(220,)))
    >>> casus_foederis(named, (220, 365)), casus_foederis(named, (345,))
    (True, False)
    """
    return casus_foederis_reasons(obligation, attackers, role, war=war, conflicts=conflicts,
                                  partner=partner, where=where, parties=parties)[0]


def _location(rules, where: Theatre | None, parties) -> tuple[bool | None, str]:
    hit = scope_verdict(rules, where, parties)
    if hit is None:
        return None, "war location not known"
    return hit, "location " + ("inside" if hit else "outside") + " the treaty area"


def _number(c, attackers: tuple[int, ...]) -> tuple[bool | None, str]:
    if c.min_attackers is None:
        return None, "number of attackers"
    named = [a for a in attackers if not (c.adversary_coded and c.adversaries)
             or a in c.adversaries]
    hit = len(named) >= c.min_attackers
    return hit, "number of attackers " + ("met" if hit else "not met")


def _clauses(clauses, partner: int | None, attackers: tuple[int, ...],
             where: Theatre | None, parties) -> tuple[bool | None, str]:
    """Alternatives of the casus foederis (historical book): any one that runs to the
    partner and holds suffices."""
    running = [cl for cl in clauses if partner is None or cl.runs_to(partner)]
    if not running:
        return False, "no alternative runs to the partner"
    undecided = False
    for clause in running:
        if not clause.attackers_hold(attackers):
            continue
        if clause.scope is None:
            return True, "an alternative of the casus foederis holds"
        hit = scope_verdict(clause.scope, where, parties)
        if hit:
            return True, "an alternative of the casus foederis holds"
        undecided = undecided or hit is None
    if undecided:
        return None, "war location not known"
    return False, "no alternative of the casus foederis holds"


def casus_foederis_reasons(obligation, attackers: Iterable[int], role: str = "target", *,
                           war: str | None = None, conflicts: Iterable[str] = (),
                           partner: int | None = None, where: Theatre | None = None,
                           parties: Iterable[int] = ()) -> tuple[bool | None, str]:
    """The casus foederis verdict and why (the conditions that decided it, ``;``-joined).

    Parameters
    ----------
    obligation
        A :class:`foedus.model.commitments.Obligation` (ATOP's, or with the historical
        book's content: named adversaries, numbers, locations, alternatives, the war).
    attackers
        The partner's attackers (targets) or its opponents (initiators, joiners).
    role
        ``"target"``, ``"initiator"``, ``"joiner"``, or ``"attacked"`` (a participant
        attacked after it entered the war: the ``llm`` invocation rule L1).
    war, conflicts
        The war (``cow:<warnum>``) and the wars the alliance's members were fighting when
        they joined it (ATOP ``cowwar``): a specific-conflict condition ("conditional upon
        a particular ongoing conflict", ATOP codebook v5.1 DEFCOCON) holds iff the war is
        one of them, or the war the treaty names (historical book); without either it is
        undecidable.
    partner
        The partner (COW code): alternatives limited to some partners run only to them.
    where, parties
        The places of the war (:func:`foedus.reliability.theatres.theatre`) and the
        treaty's members on the day, for a location condition with content.

    Returns
    -------
    tuple
        ``(verdict, reason)``: ``reason`` is ``"no conditions"`` for an unconditional
        pledge, else the conditions that gave the verdict (for None, the undecidable ones:
        ``location not recorded``, ``war location not known``, ``adversary type not
        recorded``, ``non-provocation (not attacked)``, ``number of attackers``,
        ``specific conflict`` (no war to compare), ``demand``).
    """
    c = obligation.condition
    attackers = tuple(attackers)
    verdicts: list[tuple[bool | None, str]] = []
    if c.clauses is not None:
        verdicts.append(_clauses(c.clauses, partner, attackers, where, parties))
    else:
        if c.adversary_coded:
            if c.adversary_recorded and c.adversaries:
                hit = bool(set(attackers) & set(c.adversaries))
                verdicts.append((hit, "named adversary " + ("among" if hit else "not among")
                                 + " the attackers"))
            else:
                verdicts.append((None, "adversary type not recorded"))
        if c.location_coded:
            verdicts.append((None, "location not recorded") if c.scope is None
                            else _location(c.scope, where, parties))
    if c.non_provocation:
        verdicts.append((True, "non-provocation (target)") if role == "target"
                        else (None, "non-provocation (not attacked)"))
    if c.conflict_coded:
        named = {c.specific_conflict} if c.specific_conflict else set(conflicts)
        if war is None or not named:
            verdicts.append((None, "specific conflict"))
        else:
            hit = war in named
            verdicts.append((hit, "specific conflict " + ("is" if hit else "is not")
                             + " this war"))
    if c.clauses is None and (c.attackers_coded or c.min_attackers is not None):
        verdicts.append(_number(c, attackers))
    if c.demand_coded:
        verdicts.append((None, "demand"))
    if "atop:neucoatt" in obligation.flags:
        verdicts.append((role in ("target", "attacked"), "neutrality only if attacked"))
    if not verdicts:
        return True, "no conditions"
    for want in (False, None, True):
        chosen = [r for v, r in verdicts if v is want]
        if chosen:
            return want, "; ".join(chosen)
    raise AssertionError("unreachable")


def export_cases(frame: pd.DataFrame) -> list[dict]:
    """The opportunity rows as JSON-ready dicts (states as ``{"cow", "iso3", "abb", "name"}``)."""
    from foedus.data.identities import resolve_state
    from foedus.errors import FoedusError

    cache: dict[tuple[int, int], dict] = {}

    def state(cow: int, year: int) -> dict:
        key = (int(cow), int(year))
        if key not in cache:
            try:
                cache[key] = resolve_state(key[0], on=key[1]).to_json()
            except FoedusError:  # a code outside the state list: keep the number
                cache[key] = {"cow": key[0], "iso3": None, "abb": None, "name": None}
        return cache[key]

    def opt(v):
        return None if v is None or (isinstance(v, float) and pd.isna(v)) else bool(v)

    return [{
        "war": r.war, "year": int(r.year), "date": r.date.isoformat(), "role": r.role,
        "target": state(r.target, r.year), "ally": state(r.ally, r.year),
        "atopid": int(r.atopid), "kind": r.kind, "casus_foederis": opt(r.casus_foederis),
        "cf_reason": r.cf_reason, "honoured": opt(r.honoured), "outcome": r.outcome,
        "lag_days": None if r.lag_days is None or pd.isna(r.lag_days) else int(r.lag_days),
        "intra_alliance": bool(r.intra_alliance), "nested_in": r.nested_in,
        "counted": bool(r.counted),
    } for r in frame.itertuples(index=False)]
