"""What every chart of the package shares: the Vega-Lite version, the look, intervals.

Every builder returns a plain Vega-Lite specification (a JSON-ready ``dict``), built from
plain Python values: the web app serves it to vega-embed as it is, the reports draw it to
SVG with :func:`foedus.charts.render.to_svg`. Nothing in a spec depends on the wall clock or
a counter, so the same answer gives the same spec.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

__all__ = ["COLORS", "KIND_COLORS", "ROLE_COLORS", "SCHEMA", "Z", "interval", "stack",
           "top_level"]

#: The Vega-Lite schema the specs declare (Altair 6 writes the same).
SCHEMA = "https://vega.github.io/schema/vega-lite/v6.4.1.json"
#: A 95 % normal interval is the estimate ± Z standard errors.
Z = 1.959963984540054
#: Series colours (colour-blind safe: Okabe & Ito 2008).
COLORS = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442",
          "#000000")
#: The roles a state plays in a crisis, and their colours on maps and networks.
ROLE_COLORS = {"attacker": "#D55E00", "target": "#0072B2", "defender": "#56B4E9",
               "attacker's ally": "#E69F00", "pledge holder": "#c9dff0",
               "other": "#e5e5e5"}
#: Obligation kinds (ATOP's spelling) and the other links of a cascade, by colour.
KIND_COLORS = {"defense": "#0072B2", "informal": "#56B4E9", "offense": "#E69F00",
               "neutrality": "#009E73", "attack": "#D55E00"}

_CONFIG: dict[str, Any] = {
    "font": "DejaVu Sans, Verdana, sans-serif",
    "view": {"stroke": None},
    "axis": {"labelFontSize": 11, "titleFontSize": 12, "gridColor": "#eeeeee"},
    "legend": {"labelFontSize": 11, "titleFontSize": 12, "orient": "bottom"},
    "title": {"fontSize": 14, "anchor": "start", "subtitleFontSize": 11,
              "subtitleColor": "#555555"},
}


def top_level(spec: dict[str, Any], *, title: str | None = None,
              subtitle: str | Iterable[str] | None = None,
              description: str | None = None) -> dict[str, Any]:
    """The spec with ``$schema``, the shared look, a title and a description.

    ``description`` is what a screen reader says (and the SVG's ``aria-label``).
    """
    out: dict[str, Any] = {"$schema": SCHEMA}
    if title is not None:
        head: dict[str, Any] = {"text": title}
        if subtitle:
            head["subtitle"] = [subtitle] if isinstance(subtitle, str) else list(subtitle)
        out["title"] = head
    if description is not None:
        out["description"] = description
    out.update(spec)
    out["config"] = _CONFIG
    return out


def stack(specs: list[dict[str, Any]], *, title: str | None = None) -> dict[str, Any]:
    """Several builders' specs one above the other in one spec (each keeps its own title
    and scales; the shared look is set once)."""
    parts = [{k: v for k, v in spec.items() if k not in ("$schema", "config")}
             for spec in specs]
    return top_level({"vconcat": parts, "resolve": {"scale": {"color": "independent"}}},
                     title=title)


def interval(p: float | None, se: float | None, *, lo: float | None = 0.0,
             hi: float | None = 1.0) -> tuple[float | None, float | None]:
    """The 95 % normal interval ``p ± Z·se``, clipped to ``[lo, hi]`` (None bounds: no
    clipping). ``(None, None)`` when either value is missing or not finite."""
    if p is None or se is None or not (math.isfinite(p) and math.isfinite(se)):
        return None, None
    low, high = p - Z * se, p + Z * se
    if lo is not None:
        low = max(lo, low)
    if hi is not None:
        high = min(hi, high)
    return low, high


def finite(value: Any) -> float | None:
    """A finite float, or None (JSON has no NaN)."""
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None
