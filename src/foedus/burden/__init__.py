"""Burden sharing: who pays for an alliance, who free-rides, who meets which target.

:func:`spending_panel` builds the member-year panel for any alliance of the commitment
model; the measures (:mod:`foedus.measures.burden`) read it; :func:`burden_report`
assembles the whole answer that ``foedus burden`` prints.
"""

from typing import Any

from foedus._deprecation import moved
from foedus.burden.report import BurdenReport, burden_report
from foedus.burden.spending import SERIES, spending_panel

__all__ = ["SERIES", "BurdenReport", "burden_report", "spending_panel"]

__getattr__: Any = moved(__name__, {"resolve_alliance": "foedus.data.resolve"})
