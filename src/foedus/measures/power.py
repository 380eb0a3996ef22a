"""Power over distance: Bueno de Mesquita's loss-of-strength gradient.

Capability (a CINC share, :mod:`foedus.measures.capability`) projected over the distance
between capitals (:mod:`foedus.measures.distance`) weakens; the deterrence, threat and
credibility lenses discount capability with :func:`loss_of_strength`. Distances are in
miles (:data:`foedus.units.KM_PER_MILE` converts).
"""

from __future__ import annotations

import math
from numbers import Real

import numpy as np
from numpy.typing import ArrayLike

from foedus._validation import Interval, validate_params
from foedus.errors import BurdenError

__all__ = ["loss_of_strength"]


@validate_params({"miles_per_day": [Interval(Real, 0, None, closed="neither")]},
                 error=BurdenError)
def loss_of_strength(capability: ArrayLike, miles: ArrayLike, *,
                     miles_per_day: float = 500.0) -> np.ndarray | float:
    r"""Capability discounted over distance: Bueno de Mesquita's loss-of-strength gradient.

    .. math::

        C^{*} = C^{\log_{10}\left(d / v + (10 - e)\right)}

    with *C* the capability share, *d* the distance in miles (capital to target), *v* the
    miles that can be covered per day and *e* Euler's number [1]_, as used in EUGene [2]_.
    Boulding's gradient [3]_: power projected over distance weakens.

    Parameters
    ----------
    capability
        Capability shares (e.g. CINC) in [0, 1]; NaN passes through.
    miles
        Distances in miles, ≥ 0, broadcasting with ``capability``; NaN passes through.
    miles_per_day
        Miles covered per day, > 0. The default of 500 is foedus's assumption for the
        post-1945 era; EUGene's own setting has not been verified for this module, so set
        it explicitly when reproducing published values.

    Returns
    -------
    numpy.ndarray or float
        The adjusted capability, in [0, 1], of the broadcast shape (a float for scalar
        inputs). It is 1 for a capability of 1 and 0 for 0, and for a capability in (0, 1)
        it falls as the distance grows.

    Raises
    ------
    BurdenError
        If a capability is outside [0, 1], a distance is negative, or ``miles_per_day`` is
        not positive.

    Notes
    -----
    The exponent :math:`\log_{10}(d/v + 10 - e)` starts at :math:`\log_{10}(10 - e)
    \approx 0.862` at zero distance and reaches 1 at :math:`d = e\,v` (about 1,359 miles
    at 500 miles a day). Below that distance the "discounted" capability is therefore
    *larger* than the raw share (0.25 becomes about 0.303 next door); it is smaller only
    beyond it. This is the published form; it is not normalised to leave capability
    unchanged at zero distance.

    References
    ----------
    .. [1] Bueno de Mesquita, Bruce. 1981. *The War Trap*. New Haven: Yale University
       Press.
    .. [2] Bennett, D. Scott, and Allan C. Stam. 2000. "EUGene: A Conceptual Manual."
       *International Interactions* 26(2): 179-204. doi:10.1080/03050620008434965
    .. [3] Boulding, Kenneth E. 1962. *Conflict and Defense: A General Theory*. New York:
       Harper.

    Examples
    --------
    At *e* × 500 miles the exponent is log10(10) = 1 and capability is unchanged; at 100
    miles a day and (90 + e) × 100 miles it is log10(100) = 2, so 0.5 becomes 0.25:

    >>> round(loss_of_strength(0.25, math.e * 500), 12)
    0.25
    >>> round(loss_of_strength(0.5, (90 + math.e) * 100, miles_per_day=100), 12)
    0.25
    >>> loss_of_strength([1.0, 0.3, 0.3], [0.0, 1000.0, 5000.0]).round(4).tolist()
    [1.0, 0.3119, 0.2254]
    """
    func = "loss_of_strength"
    if not math.isfinite(float(miles_per_day)):
        raise BurdenError(f"The 'miles_per_day' parameter of {func} must be a float in the "
                          f"range (0, inf). Got {miles_per_day!r} instead.")
    try:
        cap = np.asarray(capability, dtype=float)
        dist = np.asarray(miles, dtype=float)
    except (TypeError, ValueError) as exc:
        raise BurdenError(f"{func} needs numeric capabilities and distances: {exc}.") from exc
    bad_cap = cap[~np.isnan(cap) & ~((cap >= 0) & (cap <= 1))]
    if bad_cap.size:
        raise BurdenError(f"The 'capability' parameter of {func} must hold shares in [0, 1]. "
                          f"Got {bad_cap.size} other values, such as "
                          f"{bad_cap[:3].tolist()}, instead.")
    bad_dist = dist[~np.isnan(dist) & ~((dist >= 0) & np.isfinite(dist))]
    if bad_dist.size:
        raise BurdenError(f"The 'miles' parameter of {func} must hold finite distances ≥ 0. "
                          f"Got {bad_dist.size} other values, such as "
                          f"{bad_dist[:3].tolist()}, instead.")
    out = cap ** np.log10(dist / float(miles_per_day) + (10.0 - math.e))
    return float(out) if out.ndim == 0 else out
