"""IRS limits for any year: published years from the tables, later years indexed and rounded down.

:func:`limits_by_year` (arrays aligned with calendar years), :func:`irs_limits`
(one year's :class:`IRSLimits`), :func:`limits_from_prices` (indexed on each
scenario's price path) and :func:`catch_up_limit` (by age, including 60-63).
The rules of the projection are in :mod:`alt401k.limits`' docstring.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .tables import (
    _CATCH_UP_60_63_BASE,
    _CATCH_UP_60_63_FLOOR,
    _CATCH_UP_60_63_INDEX_YEAR,
    _DEFAULT_INDEXING_RATE,
    _FLOOR_TOLERANCE,
    _MAX_AGE,
    _MAX_INDEXING_RATE,
    _MIN_AGE,
    _MIN_INDEXING_RATE,
    _PUBLISHED_ARRAYS,
    FIRST_FULL_YEAR,
    LAST_PUBLISHED_YEAR,
    LIMIT_NAMES,
    MAX_YEAR,
    PUBLISHED_YEARS,
    ROUNDING_STEPS,
)

__all__ = ["IRSLimits", "catch_up_limit", "irs_limits", "limits_by_year", "limits_from_prices"]


@dataclass(frozen=True)
class IRSLimits:
    """IRS dollar limits for one calendar year.

    Attributes
    ----------
    year : int
        Calendar year.
    elective_deferral : float
        402(g) limit on elective deferrals, dollars.
    catch_up : float
        414(v) catch-up for participants aged 50 or more at year end, dollars.
    catch_up_60_63 : float
        SECURE 2.0 §109 catch-up for ages 60-63 at year end, dollars (equal to
        ``catch_up`` before 2025).
    annual_additions : float
        415(c) limit on all additions to a participant's account, dollars.
    compensation : float
        401(a)(17) cap on compensation a plan may take into account, dollars.
    hce : float
        414(q) highly-compensated-employee pay threshold, dollars.
    roth_catch_up_wage_threshold : float
        SECURE 2.0 §603 prior-year FICA wage above which catch-ups must be
        Roth, dollars; ``math.inf`` while the rule is not in force (before 2026).
    projected : bool
        True when the values are projected rather than published.
    """

    year: int
    elective_deferral: float
    catch_up: float
    catch_up_60_63: float
    annual_additions: float
    compensation: float
    hce: float
    roth_catch_up_wage_threshold: float
    projected: bool

    def as_dict(self) -> dict[str, Any]:
        """Return the fields as a plain dict."""
        return asdict(self)


def _check_indexing_rate(indexing_rate: float) -> float:
    try:
        rate = float(indexing_rate)
    except (TypeError, ValueError):
        raise ValueError(
            f"indexing_rate must be a number between {_MIN_INDEXING_RATE} and "
            f"{_MAX_INDEXING_RATE}; got {indexing_rate!r}"
        ) from None
    if isinstance(indexing_rate, bool) or not _MIN_INDEXING_RATE <= rate <= _MAX_INDEXING_RATE:
        raise ValueError(
            f"indexing_rate must be between {_MIN_INDEXING_RATE} and "
            f"{_MAX_INDEXING_RATE}; got {indexing_rate!r}"
        )
    return rate


def _as_integer_array(
    values: ArrayLike, *, name: str, what: str, low: int, high: int, low_note: str = ""
) -> NDArray[np.int64]:
    """Validate integer values in ``[low, high]`` and return them as int64."""
    arr = np.asarray(values)
    if arr.dtype == np.bool_ or not (
        np.issubdtype(arr.dtype, np.integer) or np.issubdtype(arr.dtype, np.floating)
    ):
        raise ValueError(f"{name} must be integer {what}; got {values!r}")
    if np.issubdtype(arr.dtype, np.floating):
        bad = ~np.isfinite(arr) | (arr != np.round(arr))
        if np.any(bad):
            raise ValueError(f"{name} must be integer {what}; got {arr[bad].flat[0].item()}")
    if arr.size:
        lowest, highest = arr.min(), arr.max()
        if lowest < low:
            raise ValueError(f"{name} must be >= {low}{low_note}; got {int(lowest)}")
        if highest > high:
            raise ValueError(f"{name} must be <= {high}; got {int(highest)}")
    return arr.astype(np.int64)


def _check_years(years: ArrayLike, name: str) -> NDArray[np.int64]:
    return _as_integer_array(
        years,
        name=name,
        what="calendar years",
        low=FIRST_FULL_YEAR,
        high=MAX_YEAR,
        low_note=" (first year with a full published table)",
    )


def _limits(years: NDArray[np.int64], rate: float) -> dict[str, NDArray[np.float64]]:
    """Limits for validated years; see the module docstring for the projection."""
    published = years <= LAST_PUBLISHED_YEAR
    table_index = np.clip(years - FIRST_FULL_YEAR, 0, len(PUBLISHED_YEARS) - 1)
    n_years_out = np.maximum(years - LAST_PUBLISHED_YEAR, 0)
    # One scalar power per horizon, looked up: numpy's vectorized power may round the last
    # bit differently from the scalar one, and the floor to the step can amplify that.
    growth = powers_from(rate, n_years_out)
    out: dict[str, NDArray[np.float64]] = {}
    for name in LIMIT_NAMES:
        table = _PUBLISHED_ARRAYS[name]
        base = table[-1]
        step = ROUNDING_STEPS[name]
        if name == "catch_up_60_63":
            # IRC 414(v)(2)(E): max($10,000 indexed after 2025, 150% of the 2024 catch-up).
            since_2025 = powers_from(rate, years - _CATCH_UP_60_63_INDEX_YEAR)
            indexed = np.floor(_CATCH_UP_60_63_BASE / step * since_2025 + _FLOOR_TOLERANCE) * step
            projected = np.maximum(indexed, _CATCH_UP_60_63_FLOOR)
        else:
            projected = np.floor(base / step * growth + _FLOOR_TOLERANCE) * step
            if rate >= 0.0:
                projected = np.maximum(projected, base)
        out[name] = np.where(published, table[table_index], projected).astype(np.float64)
    return out


def powers_from(rate: float, exponents: NDArray[np.int64]) -> NDArray[np.float64]:
    """``(1 + rate) ** k`` for integer ``k >= 0`` elementwise, from scalar powers (exact bits)."""
    k = np.maximum(exponents, 0)
    table = np.array([math.pow(1.0 + rate, i) for i in range(int(k.max(initial=0)) + 1)])
    return table[k]


def limits_by_year(
    years: ArrayLike, *, indexing_rate: float = _DEFAULT_INDEXING_RATE
) -> dict[str, NDArray[np.float64]]:
    """IRS limits for an array of calendar years (vectorized).

    Parameters
    ----------
    years : array_like of int
        Calendar years, any shape; each in ``[2024, 2200]``.
    indexing_rate : float, default 0.025
        Assumed annual growth of the limits after 2026, a fraction per year in
        ``[-0.05, 0.2]``.

    Returns
    -------
    dict of str to ndarray
        One float64 array per name in :data:`LIMIT_NAMES`, same shape as
        ``years``, in dollars. ``roth_catch_up_wage_threshold`` is ``inf``
        before 2026.

    Raises
    ------
    ValueError
        If a year is not an integer or lies outside ``[2024, 2200]``, or the
        indexing rate lies outside ``[-0.05, 0.2]``.

    Notes
    -----
    For a year ``y > 2026`` with last published value ``L`` and step ``s``,
    ``L_y = floor(L * (1 + r) ** (y - 2026) / s) * s``, and not below ``L``
    when ``r >= 0``.
    """
    rate = _check_indexing_rate(indexing_rate)
    return _limits(_check_years(years, "years"), rate)


def limits_from_prices(
    years: ArrayLike,
    price_index: ArrayLike,
    *,
    indexing_rate: float = _DEFAULT_INDEXING_RATE,
) -> dict[str, NDArray[np.float64]]:
    """IRS limits indexed by a price path, per scenario (vectorized).

    Parameters
    ----------
    years : array_like of int, shape (Y,)
        Consecutive calendar years ``y0, y0 + 1, ...``, each in ``[2024, 2200]``.
    price_index : array_like of float, shape (..., Y)
        Price level at the END of each year of ``years``, relative to the
        START of ``years[0]`` (so 1.0 at the start of the first year; e.g.
        the cumulative product of one plus each year's inflation). Leading
        axes are anything, e.g. (S, Y) for S scenarios. Finite and > 0.
    indexing_rate : float, default 0.025
        Assumed annual inflation, in ``[-0.05, 0.2]``, for the years between
        the published table and ``years[0]`` that ``price_index`` does not
        cover: 2025 (the 60-63 catch-up's base year) when ``years[0] > 2025``
        and 2026 onwards when ``years[0] > 2026``. Unused when ``years[0]
        <= 2025``.

    Returns
    -------
    dict of str to ndarray
        One float64 array per name in :data:`LIMIT_NAMES`, shape
        ``price_index.shape``, dollars. Published years (2024-2026) keep their
        published values.

    Raises
    ------
    ValueError
        If ``years`` is not a 1-D run of consecutive integer years in
        ``[2024, 2200]``, ``price_index`` does not end in an axis of length Y
        or has a value that is not finite and > 0, or the indexing rate lies
        outside ``[-0.05, 0.2]``.

    Notes
    -----
    With ``P_t`` the price level at the end of year ``t`` (``P_{y0-1} =
    1``), a limit with 2026 value ``L`` and step ``s`` is, for ``y > 2026``,

    .. math:: L_y = \\lfloor L \\, P_{y-1} / P_{2025} / s \\rfloor \\, s,

    and not below ``L`` where ``P_{y-1} >= P_{2025}`` (limits fall only with
    the price level, as :func:`limits_by_year` does with a negative rate; the
    IRS in practice holds them, as in 2010). The age 60-63 catch-up is
    ``max(floor(10000 * P_{y-1} / P_{2024} / 500) * 500, 11250)`` (IRC
    414(v)(2)(E)). Missing levels before ``y0``: ``P_{y0-1-k} = (1 + r) **
    -k``. Hence ``price_index[..., k] = (1 + r) ** (k + 1)`` reproduces
    ``limits_by_year(years, indexing_rate=r)`` exactly.

    Examples
    --------
    No inflation in 2026, then 10% in 2027:

    >>> lim = limits_from_prices([2026, 2027, 2028], [1.0, 1.1, 1.21])
    >>> lim["elective_deferral"].tolist()  # 2028: floor(24,500 * 1.1 / 500) * 500
    [24500.0, 24500.0, 26500.0]
    """
    rate = _check_indexing_rate(indexing_rate)
    year_arr = _check_years(years, "years")
    if year_arr.ndim != 1 or year_arr.size == 0:
        raise ValueError(f"years must be a non-empty 1-D array; got shape {year_arr.shape}")
    first = int(year_arr[0])
    if not np.array_equal(year_arr, first + np.arange(year_arr.size)):
        raise ValueError(
            f"years must be consecutive calendar years starting at {first}; got {year_arr.tolist()}"
        )
    prices = np.asarray(price_index, dtype=np.float64)
    if prices.ndim == 0 or prices.shape[-1] != year_arr.size:
        raise ValueError(
            f"price_index must have shape (..., {year_arr.size}), one level per year; "
            f"got {prices.shape}"
        )
    bad = ~(np.isfinite(prices) & (prices > 0.0))
    if np.any(bad):
        raise ValueError(f"price_index must be finite and > 0; got {prices[bad].flat[0]}")

    # Price level at the start of each year (end of the year before), 1 at the start of y0.
    start_level = np.concatenate([np.ones_like(prices[..., :1]), prices[..., :-1]], axis=-1)
    since_2026 = _index_since(start_level, first, LAST_PUBLISHED_YEAR, rate)
    since_2025 = _index_since(start_level, first, _CATCH_UP_60_63_INDEX_YEAR, rate)
    published = year_arr <= LAST_PUBLISHED_YEAR
    table_index = np.clip(year_arr - FIRST_FULL_YEAR, 0, len(PUBLISHED_YEARS) - 1)
    out: dict[str, NDArray[np.float64]] = {}
    for name in LIMIT_NAMES:
        table = _PUBLISHED_ARRAYS[name]
        base = table[-1]
        step = ROUNDING_STEPS[name]
        if name == "catch_up_60_63":
            indexed = np.floor(_CATCH_UP_60_63_BASE / step * since_2025 + _FLOOR_TOLERANCE) * step
            projected = np.maximum(indexed, _CATCH_UP_60_63_FLOOR)
        else:
            projected = np.floor(base / step * since_2026 + _FLOOR_TOLERANCE) * step
            projected = np.where(since_2026 >= 1.0, np.maximum(projected, base), projected)
        out[name] = np.where(published, table[table_index], projected).astype(np.float64)
    return out


def _index_since(
    start_level: NDArray[np.float64], first: int, base_year: int, rate: float
) -> NDArray[np.float64]:
    """Price level at the start of each year over that at the start of ``base_year``."""
    if base_year - first >= start_level.shape[-1]:
        return np.ones_like(start_level)  # every year is published: the index is unused
    if first <= base_year:
        base_level = start_level[..., base_year - first : base_year - first + 1]
        if first == base_year:
            return start_level  # the base level is exactly 1: no division, no rounding
        return start_level / base_level
    # The path starts after base_year: the years in between grow at the assumed rate.
    return start_level * math.pow(1.0 + rate, first - base_year)


def irs_limits(year: int, *, indexing_rate: float = _DEFAULT_INDEXING_RATE) -> IRSLimits:
    """IRS limits for one calendar year.

    Parameters
    ----------
    year : int
        Calendar year in ``[2024, 2200]``. Years after 2026 are projected.
    indexing_rate : float, default 0.025
        Assumed annual growth of the limits after 2026, a fraction per year in
        ``[-0.05, 0.2]``.

    Returns
    -------
    IRSLimits
        The limits in dollars, with ``projected`` set for years after 2026.

    Raises
    ------
    ValueError
        If ``year`` is not an integer or lies outside ``[2024, 2200]``, or the
        indexing rate lies outside ``[-0.05, 0.2]``.

    Examples
    --------
    >>> irs_limits(2026).elective_deferral
    24500.0
    >>> irs_limits(2027).elective_deferral  # floor(24,500 * 1.025 / 500) * 500
    25000.0
    """
    rate = _check_indexing_rate(indexing_rate)
    if np.ndim(year) != 0:
        raise ValueError(f"year must be a single integer calendar year; got {year!r}")
    y = int(_check_years(year, "year"))
    values = _limits(np.asarray(y, dtype=np.int64), rate)
    return IRSLimits(
        year=y,
        **{name: float(values[name]) for name in LIMIT_NAMES},
        projected=y > LAST_PUBLISHED_YEAR,
    )


def catch_up_limit(
    age: ArrayLike, year: ArrayLike, *, indexing_rate: float = _DEFAULT_INDEXING_RATE
) -> NDArray[np.float64]:
    """Catch-up contribution available by age at year end and calendar year.

    Parameters
    ----------
    age : array_like of int
        Age attained by the end of the calendar year ``year`` (the IRS test),
        in ``[0, 130]``.
    year : array_like of int
        Calendar year in ``[2024, 2200]``; broadcast against ``age``.
    indexing_rate : float, default 0.025
        Assumed annual growth of the limits after 2026, a fraction per year.

    Returns
    -------
    ndarray of float64
        Catch-up limit in dollars, shape ``np.broadcast(age, year).shape``:
        0 below 50; ``catch_up_60_63`` at ages 60-63; ``catch_up`` at 50-59
        and 64 or more. Before 2025 the 60-63 amount equals the regular one.

    Raises
    ------
    ValueError
        If an age or year is not an integer or out of range, or the indexing
        rate lies outside ``[-0.05, 0.2]``.
    """
    rate = _check_indexing_rate(indexing_rate)
    ages = _as_integer_array(age, name="age", what="ages", low=_MIN_AGE, high=_MAX_AGE)
    years = _check_years(year, "year")
    try:
        ages, years = np.broadcast_arrays(ages, years)
    except ValueError:
        raise ValueError(
            f"age and year must broadcast together; got shapes {np.shape(ages)} "
            f"and {np.shape(years)}"
        ) from None
    lim = _limits(years, rate)
    return np.where(
        ages < 50,
        0.0,
        np.where((ages >= 60) & (ages <= 63), lim["catch_up_60_63"], lim["catch_up"]),
    ).astype(np.float64)
