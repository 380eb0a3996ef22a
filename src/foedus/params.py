"""Declared parameters of the verbs that have a command, in one cheap module.

Each lens decorates its verb with these declarations (:func:`foedus._validation.validate_params`)
and the command line builds its options from the same ones
(:func:`foedus._validation.typer_option`), so a choice or a range is written once. The module
imports nothing heavy: the command line reads it at start-up.
"""

from __future__ import annotations

import datetime as dt
from numbers import Integral

from foedus._validation import Interval, Options, SubsetOf, TypeOf
from foedus.model.vocab import Domain, Hit, View
from foedus.registry import dataset

__all__ = [
           "BURDEN",
           "CREDIBILITY",
           "IDEALPOINT_MEASURES",
           "NMC_VERSIONS",
           "OBLIGATIONS",
           "PANEL",
           "PANEL_STEPS",
           "RELIABILITY",
           "RELIABILITY_GROUPS",
           "RELIABILITY_SOURCES",
           "SERIES",
           "SIMILARITY_CODINGS",
           "SIMILARITY_CONVENTIONS",
           "SIMILARITY_MEASURES",
           "SUMMARY",
]

#: The spending series of the burden lens (never mixed).
SERIES = ("sipri", "nato", "nmc")
#: NMC versions a panel's capabilities can come from.
NMC_VERSIONS = ("7.0", "6.0")
#: Alliance-portfolio similarity: measures, tie codings, portfolio conventions.
SIMILARITY_MEASURES = ("s_abs", "s_sq", "s_wabs", "kappa", "pi", "taub")
SIMILARITY_CODINGS = ("chiba", "sr")
SIMILARITY_CONVENTIONS = ("out", "in", "either")
#: UNGA ideal-point measures (Bailey, Strezhnev & Voeten).
IDEALPOINT_MEASURES = ("idealpointfp", "idealpointall", "idealpointlegacy")

_YEAR = Interval(Integral, 1816, 2100)

SUMMARY = {
    "year": [Interval(Integral, dataset("atop_directed").first_year,
                      dataset("atop_directed").last_year)],
    "top": [Interval(Integral, 1, None)],
}

OBLIGATIONS = {
    "attackers": [TypeOf((list, tuple), "a list of states or nonstate:NAME")],
    "target": [TypeOf((int, str), "a state (COW code, ISO-3, cow:ABB or name)")],
    "as_of": [TypeOf((dt.date, str, int), "a date, an ISO date string or a year")],
    "place": [str, None],
    "hit": [Options(str, tuple(Hit)), None],
    "domain": [Options(str, tuple(Domain)), None],
    "view": [Options(str, tuple(View))],
    "provoked": [bool],
    "credibility": [bool],
}

BURDEN = {
    "alliance": [TypeOf(str, "an alliance name, book:<id>, atop:<atopid> or an ATOP id")],
    "start": [_YEAR],
    "end": [_YEAR],
    "series": [Options(str, SERIES, "a spending series")],
    "view": [Options(str, tuple(View))],
    "seed": [Interval(Integral, 0, None)],
    "n_boot": [Interval(Integral, 1, None)],
}

#: The ``add_*`` steps of a panel, in the order the command lists them, with the unit each
#: needs (None: either).
PANEL_STEPS: dict[str, str | None] = {
    "alliances": "dyad_year", "cinc": None, "majors": None, "distance": "dyad_year",
    "contiguity": "dyad_year", "spending": None, "gdp": None, "idealpoints": None,
    "similarity": "dyad_year"}

PANEL = {
    "unit": [Options(str, ("state_year", "dyad_year"), "a unit of analysis")],
    "start": [Interval(Integral, None, None)],
    "end": [Interval(Integral, None, None)],
    "add": [SubsetOf(tuple(PANEL_STEPS), "a list of steps", allow_empty=True)],
    "directed": [bool],
    "collapse": [Options(str, ("either", "both"), "a collapse rule")],
    "nmc": [Options(str, NMC_VERSIONS, "an NMC version")],
    "coding": [SubsetOf(SIMILARITY_CODINGS, "a list of codings")],
    "convention": [SubsetOf(SIMILARITY_CONVENTIONS, "a list of conventions")],
    "idealpoint": [Options(str, IDEALPOINT_MEASURES, "an ideal-point measure")],
}

CREDIBILITY = {
    "ally": [TypeOf((int, str), "a state (COW code, ISO-3, cow:ABB or name)")],
    "partner": [TypeOf((int, str), "a state (COW code, ISO-3, cow:ABB or name)")],
    "as_of": [TypeOf((dt.date, str, int), "a date, an ISO date string or a year")],
    "against": [TypeOf((list, tuple), "a list of states")],
}

#: The war sources of the reliability lens: COW inter-state wars v4.0 (to 2003) and MIDB
#: 4.3 uses of force (to 2010).
RELIABILITY_SOURCES = ("cow", "mid")
#: The groups reliability rates can be cut by (``region`` and ``role``: ally–partner–war
#: unit only).
RELIABILITY_GROUPS = ("era", "llm_window", "kind", "region", "role")
#: The years of the record a casus foederis can fall in: the wars of MIDB 4.3 (the wider
#: source; COW's wars end in 2003).
_RECORD = Interval(Integral, dataset("midb").first_year, dataset("midb").last_year)

RELIABILITY = {
    "source": [Options(str, RELIABILITY_SOURCES, "a war source")],
    "start": [_RECORD],
    "end": [_RECORD],
    "by": [SubsetOf(RELIABILITY_GROUPS, "a list of groups", allow_empty=True)],
    "window": [Interval(Integral, 0, None)],
}
