"""foedus: military alliances and security commitments as data.

The verbs a researcher calls, each returning a typed answer (``.to_json()`` is the
command's ``--json``) or a panel:

>>> import foedus
>>> answer = foedus.obligations(["RUS"], "EST", as_of="2024-06-01")   # doctest: +SKIP
>>> panel = foedus.create_dyad_years(1816, 2018).add_alliances()       # doctest: +SKIP

==========================  =====================================================
verb                        what it answers
==========================  =====================================================
``obligations``             who is bound to act if an attacker strikes a target
``burden_sharing``          who pays for an alliance, who free-rides
``create_state_years``      a state-year panel (``add_*`` steps chain on it)
``create_dyad_years``       a dyad-year panel
``make_panel``              a panel built from named steps and written to a file
``describe_panel``          what a panel is and where each column comes from
``replicate``               a published study reproduced (``study_list``, ``replication_suite``)
``summary``                 the store: datasets, alliances by era, top pledgers
``list_datasets``, ``cite`` the registered datasets, a dataset's citation
``pull_datasets``           files obtained into the cache
``build_store``             the DuckDB store built from the files
``store_status``            what is present, verified and built
``check_books``             book files validated, every problem with file and line
``load_system``             the commitment system (ATOP 5.1 and our book)
``resolve_actor``           a state or ``nonstate:NAME`` (also ``resolve_state``,
                            ``resolve_alliance``, ``resolve_place``)
``simulate``, ``sweep``     the crisis engine: one scenario, a grid of its variants
``compare``                 two scenarios side by side (counterfactuals)
``case_library``            every scenario of a folder, one row per case
``pledge_credibility``      P(a pledge is honoured), the credibility model
``credibility_fit``         the credibility model refitted and cross-validated
``alliance_reliability``    alliance reliability on two units, beside the published
                            figures (``reliability_cases``; the tables:
                            ``reliability_opportunities``, ``reliability_rates``)
==========================  =====================================================

Names are imported on first use (PEP 562), so ``import foedus`` and ``foedus --help`` stay
fast. No verb shares its name with a subpackage (``foedus.burden`` is the package,
``foedus.burden_sharing`` the verb; likewise ``credibility`` and ``reliability``).
The packages, by layer (each imports only those below it; README, "Layers"): the faces
``cli``, ``report``, ``web``; the lenses ``query``, ``panels``, ``measures``, ``burden``,
``reliability``, ``credibility``, ``crisis``, ``counterfactual``, ``replications``;
``data``; ``model``; and ``errors``, ``units``, ``config``, ``registry``.
"""

from __future__ import annotations

import importlib
from typing import Any

from foedus.errors import FoedusError

#: verb → (module, name): the public API, imported on first use.
_VERBS: dict[str, tuple[str, str]] = {
    "obligations": ("foedus.query.answer", "obligations_answer"),
    "burden_sharing": ("foedus.burden.answer", "burden_answer"),
    "create_state_years": ("foedus.panels.create", "create_state_years"),
    "create_dyad_years": ("foedus.panels.create", "create_dyad_years"),
    "make_panel": ("foedus.panels.answer", "make_panel"),
    "describe_panel": ("foedus.panels.answer", "describe_panel"),
    "replicate": ("foedus.replications.base", "replicate"),
    "study_list": ("foedus.replications.base", "study_list"),
    "replication_suite": ("foedus.replications.base", "suite"),
    "summary": ("foedus.data.answers", "summarize"),
    "list_datasets": ("foedus.data.answers", "list_datasets"),
    "cite": ("foedus.data.answers", "cite"),
    "pull_datasets": ("foedus.data.answers", "pull_datasets"),
    "build_store": ("foedus.data.answers", "build_store"),
    "store_status": ("foedus.data.answers", "store_status"),
    "check_books": ("foedus.data.book_check", "check_files"),
    "load_system": ("foedus.data.loaders", "load_system"),
    "resolve_actor": ("foedus.data.resolve", "resolve_actor"),
    "resolve_state": ("foedus.data.resolve", "resolve_state"),
    "resolve_alliance": ("foedus.data.resolve", "resolve_alliance"),
    "resolve_place": ("foedus.data.resolve", "resolve_place"),
    "pledge_credibility": ("foedus.credibility.answer", "credibility_answer"),
    "credibility_fit": ("foedus.credibility.refit", "credibility_fit"),
    "alliance_reliability": ("foedus.reliability.answer", "reliability_answer"),
    "reliability_cases": ("foedus.reliability.answer", "reliability_cases"),
    # the crisis engine and counterfactuals
    "simulate": ("foedus.crisis.answer", "simulate_answer"),
    "sweep": ("foedus.crisis.answer", "sweep_answer"),
    "compare": ("foedus.counterfactual.answer", "compare_answer"),
    "case_library": ("foedus.crisis.answer", "library_answer"),
    # the reliability lens's tables
    "reliability_opportunities": ("foedus.reliability", "opportunities"),
    "reliability_rates": ("foedus.reliability", "reliability_rates"),
    "alliance_rates": ("foedus.reliability", "alliance_rates"),
}

__all__ = ["FoedusError", "__version__", *sorted(_VERBS)]


def __getattr__(name: str) -> Any:
    if name == "__version__":
        from foedus._version import __version__

        return __version__
    if name in _VERBS:
        module, attr = _VERBS[name]
        value = getattr(importlib.import_module(module), attr)
        globals()[name] = value  # later look-ups skip this function
        return value
    raise AttributeError(f"module 'foedus' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
