"""Distances on the Earth's surface."""

from __future__ import annotations

from numbers import Real

import numpy as np

from foedus._validation import Interval, validate_params
from foedus.units import EARTH_MEAN_RADIUS_KM

__all__ = ["EARTH_MEAN_RADIUS_KM", "haversine_km"]


@validate_params({"radius_km": [Interval(Real, 0, None, closed="neither")]})
def haversine_km(lat1: np.typing.ArrayLike, lon1: np.typing.ArrayLike,
                 lat2: np.typing.ArrayLike, lon2: np.typing.ArrayLike,
                 radius_km: float = EARTH_MEAN_RADIUS_KM) -> np.ndarray:
    r"""Great-circle distance in km between points given in decimal degrees (vectorised).

    The haversine formula on a sphere of radius :math:`R`, with latitudes :math:`\varphi`
    and longitudes :math:`\lambda` in radians:

    .. math::

        h = \sin^2\frac{\varphi_2-\varphi_1}{2}
            + \cos\varphi_1\cos\varphi_2\sin^2\frac{\lambda_2-\lambda_1}{2},\qquad
        d = 2R\,\operatorname{atan2}\bigl(\sqrt{h}, \sqrt{1-h}\bigr)
          = 2R\arcsin\sqrt{h}.

    ``h`` is clipped to [0, 1] so that rounding cannot push it out of the domain. The
    spherical model differs from ellipsoidal (Vincenty) distances by up to about 0.5 %.

    Parameters
    ----------
    lat1, lon1, lat2, lon2
        Latitudes and longitudes in decimal degrees; they broadcast against each other
        (numpy rules).
    radius_km
        The sphere's radius, > 0: by default the IUGG mean Earth radius,
        :data:`foedus.units.EARTH_MEAN_RADIUS_KM` (Moritz 2000); capdist's 6367 km
        reproduces Gleditsch & Ward's distances (``tests/capitals_check.py``).

    Returns
    -------
    numpy.ndarray
        Distances in km, in [0, π R], of the broadcast shape.

    Raises
    ------
    ParameterError
        For a radius that is not a positive number.

    References
    ----------
    .. [1] Sinnott, R. W. 1984. "Virtues of the Haversine." Sky and Telescope 68(2): 159.
    .. [2] Moritz, H. 2000. "Geodetic Reference System 1980." Journal of Geodesy 74(1):
       128-133. doi:10.1007/s001900050278

    Examples
    --------
    A quarter meridian is π R / 2:

    >>> round(float(haversine_km(0.0, 0.0, 90.0, 0.0)), 3)
    10007.557
    """
    phi1, lam1, phi2, lam2 = (np.radians(np.asarray(v, dtype=float))
                              for v in (lat1, lon1, lat2, lon2))
    h = (np.sin((phi2 - phi1) / 2.0) ** 2
         + np.cos(phi1) * np.cos(phi2) * np.sin((lam2 - lam1) / 2.0) ** 2)
    h = np.clip(h, 0.0, 1.0)
    return 2.0 * radius_km * np.arctan2(np.sqrt(h), np.sqrt(1.0 - h))
