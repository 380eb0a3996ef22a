"""State identities: COW codes as the key, ISO-3 codes and names resolved by date.

A state's key is its Correlates of War code (DESIGN §3). Each COW state carries its COW
abbreviation, its name and ``iso3``: the current ISO 3166-1 alpha-3 code of the state COW
treats as continuous with it (365 -> RUS, 255 and 260 -> DEU, 345 -> SRB), or None where
there is none (Austria-Hungary, Czechoslovakia, the GDR, Kosovo...). The table is built with
country_converter (coco) from the COW names of states2016, corrected by authored tables
(:mod:`foedus.data.identities_tables`) that say why for every exception.

Inputs resolve in order: an int or a string of digits is a COW code; ``cow:`` + a COW
abbreviation is a COW state (COW abbreviations collide with ISO codes: AUS is Austria in
COW, Australia in ISO); a three-letter code that foedus knows is an ISO-3 (or historical
input) code; anything else is a name, resolved through the authored name exceptions and
coco. Codes and names resolve *by date* against COW system membership spells (spells
ending 2016-12-31, the last COW day, are taken to continue): DEU is 255 before 1945 and
from 1990-10-03, 260 in between; YEM is 678 before 1990-05-22 and 679 from then.

Two rules, one strict and one lenient, and both documented here:

- :func:`resolve_state` (a question about one state) demands exactly one candidate *in the
  system* at the date; otherwise it raises :class:`~foedus.errors.UnknownStateError`.
- :func:`match_names` and :func:`match_iso3` (joining a source's rows to COW codes) also
  accept a row outside system membership when its identifier can denote only one COW state
  at that date: Ukraine 1990 -> 369, South Sudan 2008 -> 626, Estonia 1970 -> 366. A
  source year is read as its mid-year day, July 1 (Yemen 1990 is 679, Germany 1990 is 260).
  Authored series rules then drop a code where another series stands for the same state
  (RUS before 1992 is the Russian SFSR, SUN is the USSR), and a guard refuses two source
  identifiers for one COW state-year ("conflict") instead of choosing silently.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from numbers import Integral

import pandas as pd

from foedus.data import identities_tables as tables
from foedus.data.readers import read_raw
from foedus.errors import UnknownStateError
from foedus.model.states import State
from foedus.registry import dataset
from foedus.units import as_day

__all__ = ["State", "cow_iso3_table", "match_iso3", "match_names", "resolve_state"]

#: The last day of COW system membership (states2016); spells ending then continue.
LAST_COW_DAY: dt.date = dataset("cow_states").last_day  # type: ignore[assignment]
REPORT_COLUMNS = ["dataset", "source_name", "label", "first_year", "last_year", "rows",
                  "reason", "detail"]


@dataclass(frozen=True)
class _Outcome:
    ccode: int | None
    reason: str = ""
    detail: str = ""


class _Index:
    """Lookups built once from states2016 and the authored tables."""

    def __init__(self) -> None:
        raw = read_raw("cow_states")
        self.table = _build_table(raw)
        self.states = {int(r.ccode): State(int(r.ccode), r.abb, r.name,
                                           None if pd.isna(r.iso3) else str(r.iso3))
                       for r in self.table.itertuples(index=False)}
        self.abb = {s.abb.upper(): c for c, s in self.states.items()}
        self.spells: dict[int, list[tuple[dt.date, dt.date]]] = {}
        for r in raw.itertuples(index=False):
            end = dt.date(r.endyear, r.endmonth, r.endday)
            self.spells.setdefault(int(r.ccode), []).append(
                (dt.date(r.styear, r.stmonth, r.stday), dt.date.max if end == LAST_COW_DAY
                 else end))
        self.codes = dict(tables.window_spells())
        for c, s in self.states.items():
            if s.iso3 and s.iso3 not in tables.window_spells():
                self.codes.setdefault(s.iso3, []).append(
                    tables.Window(c, dt.date.min, dt.date.max, "", ""))

    def member(self, ccode: int, day: dt.date) -> bool:
        return any(a <= day <= b for a, b in self.spells[ccode])

    def describe(self, ccode: int) -> str:
        s = self.states[ccode]
        spans = ", ".join(f"{a}..{'' if b == dt.date.max else b}" for a, b in self.spells[ccode])
        return f"{ccode} {s.abb} {s.name} ({spans})"

    def is_code(self, code: str) -> bool:
        return (code in self.codes or code in tables.nonstate_codes()
                or code in tables.coco_iso3_codes())

    def candidates(self, key: str, day: dt.date | None) -> tuple[list[int], str, str]:
        """COW codes ``key`` can denote at ``day`` (any date if None), or why none."""
        if key.startswith("cow:"):
            ccode = self.abb.get(key[4:].upper())
            if ccode is None:
                return [], "unknown code", f"{key[4:]} is not a COW abbreviation"
            return [ccode], "", ""
        wins = self.codes.get(key)
        if wins is None:
            if key in tables.nonstate_codes():
                name, reason, note = tables.nonstate_codes()[key]
                return [], reason, f"{name}: {note}"
            if key in tables.coco_iso3_codes():
                return [], "not a COW state", f"ISO code {key} belongs to no COW state"
            return [], "unknown code", f"{key} is not an ISO-3 code known to foedus"
        live = [w for w in wins if day is None or w.covers(day)]
        ccodes = list(dict.fromkeys(w.ccode for w in live if w.ccode is not None))
        if not ccodes and live:
            return [], live[0].reason, live[0].note
        return ccodes, "", ""

    def key_of(self, text: str) -> tuple[str | None, str, str]:
        """The key an identifier stands for: ``cow:ABB``, a code, or a name's code."""
        if text.lower().startswith("cow:"):
            return "cow:" + text[4:].strip().upper(), "", ""
        if len(text) == 3 and text.isalpha() and self.is_code(text.upper()):
            return text.upper(), "", ""
        return tables.name_keys([text])[text]


@cache
def _index() -> _Index:
    return _Index()


def _build_table(raw: pd.DataFrame) -> pd.DataFrame:
    first = raw.drop_duplicates("ccode").sort_values("ccode")
    found = tables.coco_iso3(first["statenme"])
    fixes = tables.cow_iso3_exceptions()
    iso3 = [fixes[c][0] if c in fixes else found[n]
            for c, n in zip(first["ccode"].astype(int), first["statenme"], strict=True)]
    return pd.DataFrame({
        "ccode": first["ccode"].astype("int64").to_numpy(),
        "abb": first["stateabb"].astype(str).to_numpy(),
        "name": first["statenme"].astype(str).to_numpy(),
        "iso3": pd.array(iso3, dtype="string"),
    })


def _as_day(on: dt.date | int | None) -> dt.date | None:
    return as_day(on, name="on", allow_none=True)


def cow_iso3_table() -> pd.DataFrame:
    """One row per COW state of states2016: ccode, abb, name and iso3 (nullable).

    ``iso3`` is coco's answer for the COW name, overridden by
    ``identity_cow_iso3_exceptions.csv`` wherever coco is wrong or finds nothing (the table
    says why). No state is dropped: a state without an ISO code keeps its row with a null.

    Returns
    -------
    pandas.DataFrame
        Columns ``ccode`` (int64), ``abb``, ``name``, ``iso3`` (pandas ``string``), sorted
        by ccode.
    """
    return _index().table.copy()


def resolve_state(identifier: int | str, on: dt.date | int | None = None) -> State:
    """The COW state an identifier denotes at a date.

    Parameters
    ----------
    identifier
        A COW code (int, or a string of digits); ``cow:`` + a COW abbreviation
        (``cow:AUS`` is Austria); an ISO-3 code or historical input code (``AUS`` is
        Australia, ``SUN`` the USSR, ``XKX`` Kosovo); or a country name.
    on
        The date; an int is a year, read as July 1. None means the candidate whose latest
        membership spell is the latest (DEU -> 255, YEM -> 679).

    Returns
    -------
    State

    Raises
    ------
    UnknownStateError
        If the identifier is unknown, or if none or several of the states it can denote
        are in COW system membership at ``on``. COW codes and ``cow:`` keys name a state
        outright and are returned whatever the date.
    """
    idx = _index()
    day = _as_day(on)
    if isinstance(identifier, bool) or not isinstance(identifier, Integral | str):
        raise TypeError(f"identifier must be an int or a str, not {type(identifier).__name__}")
    text = str(identifier).strip()
    asked = repr(identifier)
    if text.isdigit():
        if int(text) in idx.states:
            return idx.states[int(text)]
        raise UnknownStateError(f"{asked} is not a COW state code in states2016; "
                                "use a code such as 365 (Russia) or an ISO-3 code.")
    key, reason, detail = idx.key_of(text)
    if key is None and reason != "unknown name":
        raise UnknownStateError(f"{asked} denotes no state: {reason} ({detail.rstrip('.')}).")
    if key is None:
        raise UnknownStateError(
            f"{asked} is neither a COW code, an ISO-3 code nor a country name foedus knows "
            "(country_converter finds no single match); use a COW code (365), an ISO-3 code "
            "(RUS) or cow: + a COW abbreviation (cow:RUS).")
    ccodes, reason, detail = idx.candidates(key, day)
    when = "at any date" if day is None else f"on {day}"
    if not ccodes:
        raise UnknownStateError(f"{asked} ({key}) denotes no COW state {when}: {reason}"
                                f"{': ' + detail.rstrip('.') if detail else ''}.")
    if key.startswith("cow:"):
        return idx.states[ccodes[0]]
    if day is None:
        last = {c: max(b for _, b in idx.spells[c]) for c in ccodes}
        best = max(last.values())
        live = [c for c in ccodes if last[c] == best]
    else:
        live = [c for c in ccodes if idx.member(c, day)]
    if len(live) == 1:
        return idx.states[live[0]]
    what = "no state" if not live else "several states"
    raise UnknownStateError(
        f"{asked} ({key}) matches {what} in COW system membership {when}; candidates: "
        + "; ".join(idx.describe(c) for c in (live or ccodes))
        + ". Give a date inside one spell, or a COW code.")


def _outcome(dataset: str, key: str | None, year: int | None, why: tuple[str, str]
             ) -> _Outcome:
    """Lenient resolution of one (key, year) for source matching (see module notes)."""
    if key is None:
        return _Outcome(None, *why)
    if year is None:
        return _Outcome(None, "missing year", "the row has no year")
    idx = _index()
    day = dt.date(year, 7, 1)
    rules = tables.series_rules()
    for scope in (dataset, ""):
        for w in rules.get((scope, key), []):
            if w.covers(day):
                return _Outcome(None, w.reason, w.note)
    ccodes, reason, detail = idx.candidates(key, day)
    if not ccodes:
        return _Outcome(None, reason, detail)
    live = [c for c in ccodes if idx.member(c, day)]
    if len(live) == 1 or (not live and len(ccodes) == 1):
        return _Outcome((live or ccodes)[0])
    return _Outcome(None, "ambiguous", "candidates " + ", ".join(map(str, live or ccodes)))


def _match(dataset: str, ids: pd.Series, years: pd.Series,
           keys: list[tuple[str | None, str, str]], labels: pd.Series | None
           ) -> tuple[pd.Series, pd.DataFrame]:
    """Resolve rows given each row's source identifier and key; map distinct pairs only."""
    frame = pd.DataFrame({"id": ids.to_numpy(), "year": pd.array(
        pd.to_numeric(pd.Series(years.to_numpy()), errors="coerce").round(), dtype="Int64")})
    frame["label"] = None if labels is None else labels.to_numpy()
    frame["key"] = [k[0] or "" for k in keys]
    whys = dict(zip(frame["key"] + "|" + frame["id"], keys, strict=True))
    done: dict[tuple[str, str, int | None], _Outcome] = {}
    out = []
    for ident, key, year in zip(frame["id"], frame["key"], frame["year"], strict=True):
        y = None if pd.isna(year) else int(year)
        hit = done.get((ident, key, y))
        if hit is None:
            _, reason, detail = whys[key + "|" + ident]
            hit = done[(ident, key, y)] = _outcome(dataset, key or None, y, (reason, detail))
        out.append(hit)
    frame["ccode"] = pd.array([o.ccode for o in out], dtype="Int64")
    frame["reason"] = [o.reason for o in out]
    frame["detail"] = [o.detail.rstrip(".") for o in out]
    # Guard: two source identifiers for one COW state-year is a missing authored rule.
    frame["who"] = frame["id"].where(frame["id"] == frame["key"],
                                     frame["id"] + " (" + frame["key"] + ")")
    hit = frame[frame["ccode"].notna()]
    many = hit.groupby(["ccode", "year"])["who"].transform("nunique") > 1
    if many.any():
        clash = hit.loc[many].groupby(["ccode", "year"])["who"].agg(
            lambda s: " and ".join(sorted(set(s))))
        for (ccode, year), who in clash.items():
            rows = frame["ccode"].eq(ccode) & frame["year"].eq(year)
            frame.loc[rows, "reason"] = "conflict"
            frame.loc[rows, "detail"] = f"{who} both map to COW {ccode} in {year}"
            frame.loc[rows, "ccode"] = pd.NA
    miss = frame[frame["ccode"].isna()]
    report = (miss.groupby(["id", "reason"], sort=True, dropna=False)
              .agg(label=("label", "first"), first_year=("year", "min"),
                   last_year=("year", "max"), rows=("year", "size"), detail=("detail", "first"))
              .reset_index().rename(columns={"id": "source_name"}).assign(dataset=dataset))
    report["rows"] = report["rows"].astype("int64")
    ccode = pd.Series(frame["ccode"].to_numpy(), index=ids.index, name="ccode", dtype="Int64")
    return ccode, report[REPORT_COLUMNS]


def _clean(values: pd.Series) -> pd.Series:
    return values.astype("string").str.strip().fillna("")


def match_names(dataset: str, names: pd.Series, years: pd.Series
                ) -> tuple[pd.Series, pd.DataFrame]:
    """COW codes for a source that identifies countries by name (SIPRI), year by year.

    Each distinct name is resolved once (authored exceptions, then coco) to a key, and each
    distinct (key, year) once, with the lenient rule of the module notes: "USSR" 1985 ->
    365, "Russia" 2000 -> 365, "Germany" 1980 -> 260, "Serbia" 2010 -> 345.

    Parameters
    ----------
    dataset
        The registry name of the source (``sipri_milex``); it selects the series rules.
    names, years
        One entry per row; years are ints (read as July 1).

    Returns
    -------
    ccode : pandas.Series
        Int64 on the index of ``names``; null where unmatched.
    report : pandas.DataFrame
        One row per distinct unmatched name and reason: dataset, source_name, label (None),
        first_year, last_year, rows, reason ("aggregate", "not a COW state", "unknown
        name", "no state at date", "state dissolved", an authored series-rule reason,
        "ambiguous", "conflict", "missing year"), detail.
    """
    ids = _clean(names)
    keys = tables.name_keys([n for n in ids.unique() if n])
    keys[""] = (None, "missing identifier", "the row has no name")
    return _match(dataset, ids, years, [keys[n] for n in ids], None)


def match_iso3(dataset: str, codes: pd.Series, years: pd.Series,
               names: pd.Series | None = None) -> tuple[pd.Series, pd.DataFrame]:
    """COW codes for a source keyed by ISO-3 style codes (WDI, Maddison, NATO), by year.

    Codes resolve by date (DEU 1985 -> 260; SUN -> 365 to 1991; CSK -> 315 to 1992;
    XKX -> 347). Aggregates (World Bank WLD, EUU, HIC...: ``identity_nonstate_codes.csv``)
    are never matched and are reported as "aggregate"; ISO codes of territories that are
    no COW state (ABW, HKG, PRI...) as "not a COW state". Where a source has a historical
    and a successor series for one COW state-year (Maddison's SUN and RUS), the authored
    ``identity_series_rules.csv`` says which one is not used.

    Parameters
    ----------
    dataset
        The registry name of the source; it selects the series rules.
    codes, years
        One entry per row; years are ints (read as July 1).
    names
        Optional country names, aligned with ``codes`` by position: a row whose code
        foedus does not know is resolved by its name (UNGA codes both Yemens "YAR"); the
        names are shown as ``label`` in the report.

    Returns
    -------
    ccode : pandas.Series
        Int64 on the index of ``codes``; null where unmatched.
    report : pandas.DataFrame
        As for :func:`match_names`, one row per distinct unmatched code and reason, with
        the source's name in ``label``.
    """
    idx = _index()
    ids = _clean(codes).str.upper()
    labels = None if names is None else _clean(names)
    known = {c: idx.is_code(c) for c in ids.unique()}
    fallback = [] if labels is None else sorted(
        {n for c, n in zip(ids, labels, strict=True) if c and not known[c] and n})
    by_name = tables.name_keys(fallback)
    keys: list[tuple[str | None, str, str]] = []
    for i, code in enumerate(ids):
        name = "" if labels is None else labels.iat[i]
        if not code:
            keys.append((None, "missing identifier", "the row has no code"))
        elif known[code]:
            keys.append((code, "", ""))
        elif name and by_name[name][0] is not None:
            keys.append(by_name[name])  # a code foedus does not know: its row's name
        else:
            keys.append((None, "unknown code", f"{code} is not a code foedus knows"))
    return _match(dataset, ids, years, keys, labels)
