"""Similarity of alliance portfolios: S, chance-corrected κ and π, and τ_b (DESIGN §4).

A state's *portfolio* in a year is its row of valued ties (0 = none … Δ = the closest tie)
to every member of the system, its tie to itself set to Δ by the caller. :func:`valued_ties`
turns the five ATOP obligation flags into valued ties under either of the two codings in
use; :func:`similarity_matrices` compares every pair of portfolios of a year at once, in
matrix form; :func:`pair_similarity` compares two portfolios directly and is the reference
the matrix form is tested against.
"""

from __future__ import annotations

from collections.abc import Sequence
from numbers import Integral
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike

from foedus._validation import Interval, Options, SubsetOf, validate_params
from foedus.errors import SimilarityError

__all__ = [
    "MEASURES",
    "SimilarityError",
    "pair_similarity",
    "similarity_matrices",
    "valued_ties",
]

#: Names of the measures, in the order :func:`similarity_matrices` returns them.
MEASURES: tuple[str, ...] = ("s_abs", "s_sq", "s_wabs", "kappa", "pi", "taub")

Coding = Literal["chiba", "sr"]
_CODINGS: tuple[str, ...] = ("chiba", "sr")
_DELTA = Interval(Integral, 1, None)


@validate_params({"coding": [Options(str, _CODINGS)]}, error=SimilarityError)
def valued_ties(defense: ArrayLike, offense: ArrayLike,
                neutral: ArrayLike, nonagg: ArrayLike,
                consul: ArrayLike, *, coding: Coding) -> np.ndarray:
    r"""Valued alliance tie (0-3) from the five ATOP obligation flags, elementwise.

    The highest level any obligation reaches wins:

    =====  ==========================  ==========================================
    level  ``coding="chiba"``          ``coding="sr"``
    =====  ==========================  ==========================================
    3      defence or offence          defence (offence counted with it)
    2      neutrality or consultation  neutrality or non-aggression
    1      non-aggression              consultation (the COW entente)
    0      none of the five            none of the five
    =====  ==========================  ==========================================

    Parameters
    ----------
    defense, offense, neutral, nonagg, consul
        0/1 (or boolean) arrays of any shapes that broadcast together, such as the
        ``atop_defense`` … ``atop_consul`` columns of a dyad-year frame. Which direction of
        an asymmetric pledge they describe (i's to k, k's to i, or either) is the caller's
        choice and should be stated with the result.
    coding
        ``"chiba"``: the order of Chiba et al. (2022) as used with ATOP 5.1 [1]_;
        ``"sr"``: the older Signorino & Ritter (1999) / Correlates of War order [2]_, in
        which an offence pledge is counted with defence and ATOP's consultation pledge
        stands in for the COW entente.

    Returns
    -------
    numpy.ndarray
        int64 array of the broadcast shape with values in {0, 1, 2, 3}; higher is a closer
        tie.

    Raises
    ------
    SimilarityError
        If ``coding`` is unknown or a flag is not 0/1.

    Notes
    -----
    The two codings differ only in where consultation and non-aggression sit: Chiba et al.
    rank a consultation pledge above non-aggression, the COW order ranks non-aggression
    with neutrality and consultation (entente) lowest.

    References
    ----------
    .. [1] Chiba et al. (2022), as named in foedus DESIGN §4 for the ATOP 5.1 coding of
       valued alliance ties. The full reference and DOI have not been verified for this
       module and are deliberately not given here.
    .. [2] Signorino, Curtis S., and Jeffrey M. Ritter. 1999. "Tau-b or Not Tau-b:
       Measuring the Similarity of Foreign Policy Positions." *International Studies
       Quarterly* 43(1): 115-144. doi:10.1111/0020-8833.00113

    Examples
    --------
    A non-aggression pact only, and a consultation pact only:

    >>> valued_ties([0, 0], [0, 0], [0, 0], [1, 0], [0, 1], coding="chiba").tolist()
    [1, 2]
    >>> valued_ties([0, 0], [0, 0], [0, 0], [1, 0], [0, 1], coding="sr").tolist()
    [2, 1]
    """
    names = ("defense", "offense", "neutral", "nonagg", "consul")
    flags = []
    for name, value in zip(names, (defense, offense, neutral, nonagg, consul), strict=True):
        arr = np.asarray(value)
        if arr.dtype != bool:
            if arr.dtype.kind in "iu" and (not arr.size or (arr.min() >= 0 and arr.max() <= 1)):
                bad = []  # integers within 0..1: nothing else to look at
            elif arr.dtype.kind in "iuf":
                bad = arr[~np.isin(arr, (0, 1))].tolist()
            else:  # object arrays, e.g. nullable integers holding pd.NA
                bad = [v for v in arr.ravel().tolist() if not (v is not None and v in (0, 1))]
            if bad:
                raise SimilarityError(f"The {name!r} parameter of valued_ties must hold only "
                                      f"0 and 1 (missing flags must be filled first). Got "
                                      f"{len(bad)} other values, such as {bad[:3]}, instead.")
        flags.append(arr.astype(bool))
    defense_, offense_, neutral_, nonagg_, consul_ = np.broadcast_arrays(*flags)
    if coding == "chiba":
        two, one = neutral_ | consul_, nonagg_
    else:
        two, one = neutral_ | nonagg_, consul_
    out = np.zeros(defense_.shape, dtype=np.int64)
    out[one] = 1
    out[two] = 2
    out[defense_ | offense_] = 3
    return out


@validate_params({"measures": [SubsetOf(MEASURES, "a list of measures"), None],
                  "delta": [_DELTA]}, error=SimilarityError)
def similarity_matrices(ties: ArrayLike, weights: ArrayLike | None = None,
                        *, measures: Sequence[str] | None = None,
                        delta: int = 3) -> dict[str, np.ndarray]:
    r"""Similarity of every pair of alliance portfolios of one year, all at once.

    With :math:`x, y` two rows of ``ties`` (two states' ties to the same :math:`m` states),
    :math:`\Delta` = ``delta`` and :math:`w` the capability weights:

    .. math::

        S_{abs} &= 1 - \frac{2 \sum_k |x_k - y_k|}{m \Delta}, \qquad
        S_{sq} = 1 - \frac{2 \sum_k (x_k - y_k)^2}{m \Delta^2}, \qquad
        S_{w} = 1 - \frac{2 \sum_k w_k |x_k - y_k|}{\Delta \sum_k w_k} \\
        \kappa &= 1 - \frac{ssd}{ss_1 + ss_2 - \frac{2}{m} s_1 s_2}, \qquad
        \pi = 1 - \frac{ssd}{ss_1 + ss_2 - \frac{(s_1 + s_2)^2}{2m}} \\
        \tau_b &= \frac{C - D}{\sqrt{(n_0 - n_1)(n_0 - n_2)}}

    with :math:`ssd = \sum (x-y)^2`, :math:`s_1 = \sum x`, :math:`ss_1 = \sum x^2` (and
    :math:`s_2, ss_2` for :math:`y`); :math:`C, D` the concordant and discordant pairs of
    items, :math:`n_0 = \binom{m}{2}`, :math:`n_1 = \sum_a \binom{r_a}{2}` and
    :math:`n_2 = \sum_b \binom{c_b}{2}` the pairs tied in :math:`x` and in :math:`y`
    (:math:`r_a, c_b` the number of items at level :math:`a` in :math:`x`, :math:`b` in
    :math:`y`). :math:`S` is Signorino & Ritter's [1]_; :math:`\kappa` (Cohen's, equal to
    quadratic-weighted kappa over the levels 0…Δ) and :math:`\pi` (Scott's) are Häge's
    chance-corrected forms [2]_; :math:`\tau_b` is Kendall's tau-b [3]_ as first used for
    alliance portfolios by Bueno de Mesquita [4]_.

    Parameters
    ----------
    ties
        n × m matrix of integer ties in 0…``delta``: row *i* is state *i*'s portfolio over
        the *m* members of the system that year, its tie to itself already set to
        ``delta``.
    weights
        The *m* non-negative weights of the columns (capability shares, say) for
        ``"s_wabs"``; they need not sum to 1.
    measures
        Which of :data:`MEASURES` to compute. Default: all of them, leaving out ``"s_wabs"``
        when no ``weights`` are given.
    delta
        The highest tie level, Δ (3 for both alliance codings).

    Returns
    -------
    dict of str to numpy.ndarray
        For each measure asked, in the order of :data:`MEASURES`, an n × n float64
        symmetric matrix whose entry *(i, j)* compares rows *i* and *j*. Every measure lies
        in [-1, 1]; higher means more similar portfolios, 1 identical ones. :math:`S` is 1 on
        the diagonal, 0 where the two states' ties differ on average by half the scale and
        -1 where every tie is at opposite ends of it. :math:`\kappa` and :math:`\pi` are 0
        where the two agree as much as chance would make them (chance drawn from each state's
        own mix of ties for κ, from their pooled mix for π) and negative below that; κ equals
        Lin's concordance correlation of the two rows. :math:`\tau_b` is a rank correlation.

    Raises
    ------
    SimilarityError
        If ``ties`` is not a 2-D array of integers in 0…``delta``, ``weights`` is not *m*
        finite non-negative numbers, ``"s_wabs"`` is asked without ``weights``, or a
        measure name is unknown.

    Notes
    -----
    Undefined values are NaN: :math:`\tau_b` where either portfolio has no variation (or
    m < 2); :math:`\kappa` and :math:`\pi` where both portfolios are the same constant
    (zero expected disagreement; κ is 0, not NaN, for two different constants); weighted S
    where the weights sum to 0.

    With only Δ + 1 levels everything follows from the level indicators
    :math:`X_a[i, k] = [\mathrm{ties}_{ik} = a]` and the joint counts
    :math:`N_{ab} = X_a X_b^\top` (one matrix product for all :math:`a, b`),
    :math:`N_{ab}[i, j]` being the number of states that *i* ties at level *a* and *j* at
    level *b*: :math:`\sum |x - y| = \sum_{ab} |a - b| N_{ab}`,
    :math:`\sum (x - y)^2 = \sum_{ab} (a - b)^2 N_{ab}`, and
    :math:`C - D = \sum_{a<a'} \sum_{b,b'} \operatorname{sgn}(b' - b) N_{ab} N_{a'b'}
    = \sum_{ab} N_{ab} \odot P_{ab}` with
    :math:`P_{ab} = [T > a] \operatorname{sgn}(T - b)^\top` (a second product). The
    weighted sum :math:`\sum_{ab} |a - b| X_a \operatorname{diag}(w) X_b^\top` is taken as
    :math:`\sum_a X_a \operatorname{diag}(w) |T - a|^\top`, one product. Counts, C - D and
    the κ and π numerators and denominators (scaled by *m* and *2m*) are exact integers in
    float64, so "undefined" is an exact test and the matrices are exactly symmetric (up to
    rounding for weighted S). Cost: :math:`O((\Delta+1)^2 n^2 m)` time and
    :math:`O((\Delta+1)^2 n^2)` memory, a few milliseconds for a 200-state year.

    References
    ----------
    .. [1] Signorino, Curtis S., and Jeffrey M. Ritter. 1999. "Tau-b or Not Tau-b:
       Measuring the Similarity of Foreign Policy Positions." *International Studies
       Quarterly* 43(1): 115-144. doi:10.1111/0020-8833.00113
    .. [2] Häge, Frank M. 2011. "Choice or Circumstance? Adjusting Measures of Foreign
       Policy Similarity for Chance Agreement." *Political Analysis* 19(3): 287-305.
       doi:10.1093/pan/mpr023
    .. [3] Kendall, M. G. 1945. "The Treatment of Ties in Ranking Problems." *Biometrika*
       33(3): 239-251. doi:10.1093/biomet/33.3.239
    .. [4] Bueno de Mesquita, Bruce. 1975. "Measuring Systemic Polarity." *Journal of
       Conflict Resolution* 19(2): 187-216. doi:10.1177/002200277501900201

    Examples
    --------
    Two states over four: both tied at 3 to the first two, only the second to the third.
    One item differs by 3, so S = 1 - 2·3/(4·3) = 0.5; κ = 1 - 9/(18 + 27 - 2·6·9/4) = 0.5.

    >>> ties = [[3, 3, 0, 0], [3, 3, 3, 0]]
    >>> out = similarity_matrices(ties, weights=[0.4, 0.3, 0.2, 0.1])
    >>> float(out["s_abs"][0, 1]), float(out["kappa"][0, 1])
    (0.5, 0.5)

    With the weights, 1 - 2·(0.2·3)/(1·3) = 0.6:

    >>> round(float(out["s_wabs"][0, 1]), 12)
    0.6
    """
    t = _check_ties(ties, delta, "similarity_matrices")
    n, m = t.shape
    wanted = _check_measures(measures, weights is not None)
    w = None if weights is None else _check_weights(weights, m, "similarity_matrices")

    levels = delta + 1
    a = np.arange(levels, dtype=np.float64)
    x = (t[None, :, :] == a[:, None, None]).astype(np.float64)  # X[a, i, k]
    flat = x.reshape(levels * n, m)
    if wanted - {"s_wabs"}:
        joint = (flat @ flat.T).reshape(levels, n, levels, n)  # N[a, i, b, j] = N_ab[i, j]
    gap = a[:, None] - a[None, :]

    out: dict[str, np.ndarray] = {}
    if "s_abs" in wanted:
        sad = np.einsum("ab,aibj->ij", np.abs(gap), joint)
        out["s_abs"] = 1.0 - 2.0 * sad / (m * delta)
    if "s_sq" in wanted or "kappa" in wanted or "pi" in wanted:
        ssd = np.einsum("ab,aibj->ij", gap**2, joint)
        out["s_sq"] = 1.0 - 2.0 * ssd / (m * delta**2)
        counts = x.sum(axis=2)  # r_a(i)
        s = a @ counts
        ss = (a**2) @ counts
        ss_pair = ss[:, None] + ss[None, :]
        # κ and π with numerator and denominator multiplied by m (2m): exact integers
        out["kappa"] = _one_minus_ratio(m * ssd, m * ss_pair - 2.0 * np.outer(s, s))
        out["pi"] = _one_minus_ratio(2.0 * m * ssd,
                                     2.0 * m * ss_pair - (s[:, None] + s[None, :]) ** 2)
    if "s_wabs" in wanted:
        assert w is not None
        # Σ_ab |a-b| X_a diag(w) X_b^T = Σ_a (X_a diag(w)) |T - a|^T, as one product
        weighted = (x * w).transpose(1, 0, 2).reshape(n, levels * m)
        far = np.abs(t[None, :, :] - a[:, None, None]).transpose(1, 0, 2).reshape(n, levels * m)
        total = w.sum()
        out["s_wabs"] = (1.0 - 2.0 * (weighted @ far.T) / (total * delta) if total > 0
                         else np.full((n, n), np.nan))
    if "taub" in wanted:
        out["taub"] = _taub(t, joint, x.sum(axis=2))
    return {name: out[name] for name in MEASURES if name in wanted}


@validate_params({"delta": [_DELTA]}, error=SimilarityError)
def pair_similarity(x: ArrayLike, y: ArrayLike,
                    w: ArrayLike | None = None, *,
                    delta: int = 3) -> dict[str, float]:
    r"""The measures of :func:`similarity_matrices` for one pair of portfolios, directly.

    A plain, readable implementation on two vectors, used as the reference in tests and
    benchmarks: S from the differences, κ and π from Häge's closed forms, and τ_b from the
    signs of all :math:`\binom{m}{2}` pairs of items (:math:`O(m^2)`).

    Parameters
    ----------
    x, y
        Two portfolios: integer ties in 0…``delta`` to the same *m* states.
    w
        Optional non-negative weights of the *m* states (for ``"s_wabs"``).
    delta
        The highest tie level, Δ.

    Returns
    -------
    dict of str to float
        ``s_abs``, ``s_sq``, ``kappa``, ``pi``, ``taub`` and, when ``w`` is given,
        ``s_wabs``; NaN where a measure is undefined (see :func:`similarity_matrices`).

    Raises
    ------
    SimilarityError
        On the same bad arguments as :func:`similarity_matrices`, or if ``x`` and ``y``
        differ in length.

    References
    ----------
    .. [1] Signorino, Curtis S., and Jeffrey M. Ritter. 1999. *International Studies
       Quarterly* 43(1): 115-144. doi:10.1111/0020-8833.00113
    .. [2] Häge, Frank M. 2011. *Political Analysis* 19(3): 287-305. doi:10.1093/pan/mpr023
    .. [3] Kendall, M. G. 1945. *Biometrika* 33(3): 239-251. doi:10.1093/biomet/33.3.239

    Examples
    --------
    Two of the three pairs of items are concordant and none discordant, with one pair tied
    in ``x``: τ_b = 2/√(2·3).

    >>> out = pair_similarity([0, 1, 1], [0, 1, 2])
    >>> round(out["taub"], 6), round(out["s_abs"], 6)
    (0.816497, 0.777778)
    """
    xs = np.asarray(x)
    ys = np.asarray(y)
    if xs.ndim != 1 or xs.shape != ys.shape:
        raise SimilarityError(f"pair_similarity needs two portfolios of the same length. Got "
                              f"shapes {xs.shape} and {ys.shape} instead.")
    t = _check_ties(np.vstack([xs, ys]), delta, "pair_similarity").astype(np.float64)
    xv, yv = t
    m = xv.size
    diff = xv - yv
    out = {
        "s_abs": 1.0 - 2.0 * np.abs(diff).sum() / (m * delta),
        "s_sq": 1.0 - 2.0 * (diff**2).sum() / (m * delta**2),
    }
    if w is not None:
        wv = _check_weights(w, m, "pair_similarity")
        total = wv.sum()
        out["s_wabs"] = (1.0 - 2.0 * (wv * np.abs(diff)).sum() / (total * delta)
                         if total > 0 else np.nan)
    ssd = (diff**2).sum()
    s1, s2, ss1, ss2 = xv.sum(), yv.sum(), (xv**2).sum(), (yv**2).sum()
    # undefined exactly where the denominators, times m or 2m (integers), are 0
    defined_k = m * (ss1 + ss2) - 2.0 * s1 * s2 != 0
    defined_p = 2.0 * m * (ss1 + ss2) - (s1 + s2) ** 2 != 0
    out["kappa"] = 1.0 - ssd / (ss1 + ss2 - (2.0 / m) * s1 * s2) if defined_k else np.nan
    out["pi"] = 1.0 - ssd / (ss1 + ss2 - (s1 + s2) ** 2 / (2.0 * m)) if defined_p else np.nan
    upper = np.triu_indices(m, k=1)
    sx = np.sign(xv[:, None] - xv[None, :])[upper]
    sy = np.sign(yv[:, None] - yv[None, :])[upper]
    untied = np.abs(sx).sum() * np.abs(sy).sum()
    out["taub"] = (sx * sy).sum() / np.sqrt(untied) if untied > 0 else np.nan
    return {name: float(out[name]) for name in MEASURES if name in out}


def _taub(t: np.ndarray, joint: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """τ_b of every pair of rows of ``t`` from the joint counts N[a, i, b, j].

    C - D = Σ_{a<a'} Σ_{b, b'} sgn(b' - b) N_ab N_a'b' = Σ_ab N_ab ⊙ P_ab, where
    P_ab = Σ_{a'>a, b'} sgn(b' - b) N_a'b' = [T > a] sgn(T - b)^T is one more product.
    """
    levels, n, _, _ = joint.shape
    m = t.shape[1]
    a = np.arange(levels, dtype=np.float64)
    higher = (t[None, :, :] > a[:-1, None, None]).astype(np.float64).reshape(-1, m)
    sign = np.sign(t[None, :, :] - a[:, None, None]).reshape(-1, m)
    pull = (higher @ sign.T).reshape(levels - 1, n, levels, n)
    concordant_minus_discordant = np.einsum("aibj,aibj->ij", joint[:-1], pull)
    n0 = m * (m - 1) / 2.0
    untied = n0 - (counts * (counts - 1) / 2.0).sum(axis=0)  # n0 - n1 for each row
    den = np.outer(untied, untied)
    with np.errstate(divide="ignore", invalid="ignore"):
        tau = concordant_minus_discordant / np.sqrt(den)
    return np.where(den > 0, tau, np.nan)


def _one_minus_ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """1 - num/den, NaN where the (exact integer) denominator is 0."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den != 0, 1.0 - num / den, np.nan)


def _check_ties(ties: ArrayLike, delta: int, caller: str) -> np.ndarray:
    t = np.asarray(ties)
    if t.ndim != 2 or t.shape[1] == 0:
        raise SimilarityError(f"The 'ties' parameter of {caller} must be a 2-D array with at "
                              f"least one column (states × states). Got shape {t.shape} "
                              "instead.")
    integral = (np.issubdtype(t.dtype, np.integer) or np.issubdtype(t.dtype, np.bool_)
                or (np.issubdtype(t.dtype, np.floating) and bool(np.all(np.isfinite(t)))
                    and bool(np.all(t == np.round(t)))))
    if not integral:
        raise SimilarityError(f"The 'ties' parameter of {caller} must hold integers in "
                              f"[0, {delta}]. Got dtype {t.dtype} with non-integer values "
                              "instead.")
    if t.size and (t.min() < 0 or t.max() > delta):
        raise SimilarityError(f"The 'ties' parameter of {caller} must hold integers in "
                              f"[0, {delta}]. Got values from {t.min()} to {t.max()} "
                              "instead; pass delta= if the scale is longer.")
    return t.astype(np.float64)


def _check_weights(weights: ArrayLike, m: int, caller: str) -> np.ndarray:
    w = np.asarray(weights, dtype=np.float64)
    if w.shape != (m,) or not np.all(np.isfinite(w)) or np.any(w < 0):
        found = (f"shape {w.shape}" if w.shape != (m,) else
                 f"values from {np.nanmin(w)} to {np.nanmax(w)}, finite: "
                 f"{bool(np.all(np.isfinite(w)))}")
        raise SimilarityError(f"The 'weights' parameter of {caller} must be {m} finite "
                              f"non-negative numbers, one per column of ties. Got {found} "
                              "instead.")
    return w


def _check_measures(measures: Sequence[str] | None, weighted: bool) -> set[str]:
    if measures is None:
        return {name for name in MEASURES if weighted or name != "s_wabs"}
    if isinstance(measures, str):
        measures = (measures,)
    if "s_wabs" in measures and not weighted:
        raise SimilarityError("The 's_wabs' measure of similarity_matrices needs weights. "
                              "Pass weights= (one per column of ties) or leave 's_wabs' out "
                              "of measures.")
    return set(measures)
