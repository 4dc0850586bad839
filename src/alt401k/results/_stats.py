"""Statistics shared by the results objects: quantile labels, weighted quantiles, correlations."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence

import numpy as np

from .._random import BLOCK_SIZE
from .._validation import check_int

__all__ = [
    "DEFAULT_QUANTILES",
    "SE_METHOD",
    "UNITS_NOMINAL",
    "UNITS_REAL",
    "batch_slices",
    "batch_standard_error",
    "check_quantiles",
    "check_stat",
    "quantile_label",
    "real_deflators",
    "stat_label",
    "units",
]


DEFAULT_QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)


UNITS_NOMINAL = "USD nominal"
"""``frame.attrs["units"]`` of a table in dollars of the year each figure belongs to."""
UNITS_REAL = "USD real"
"""``frame.attrs["units"]`` of a table in start-year dollars (deflated by each scenario's
own price path)."""


def units(real: bool) -> str:
    """``frame.attrs["units"]`` for nominal or real dollars."""
    return UNITS_REAL if real else UNITS_NOMINAL


def quantile_label(q: float) -> str:
    """Column label of a quantile: the percentile, whole part at least two digits.

    0.05 -> 'p05', 0.07 -> 'p07', 0.5 -> 'p50', 0.999 -> 'p99.9', 0.055 -> 'p05.5',
    1 -> 'p100'. Floating-point noise (``100 * 0.07 = 7.000000000000001``) is
    rounded away, so the same percentile always gets the same label.
    """
    pct = round(100.0 * float(q), 9)
    if pct.is_integer():
        return f"p{int(pct):02d}"
    whole, _, frac = f"{pct:.9f}".rstrip("0").partition(".")
    return f"p{int(whole):02d}.{frac}"


def check_quantiles(quantiles: Sequence[float]) -> tuple[float, ...]:
    """Validated quantiles as floats: non-empty, each in [0, 1], none repeated.

    Two quantiles repeat when they get the same column label (see
    :func:`quantile_label`), e.g. ``[0.5, 0.5]``.
    """
    qs = tuple(float(q) for q in quantiles)
    if not qs or any(not 0.0 <= q <= 1.0 for q in qs):
        raise ValueError(f"quantiles must be non-empty and each between 0 and 1; got {quantiles}")
    labels = [quantile_label(q) for q in qs]
    if len(set(labels)) != len(labels):
        raise ValueError(f"quantiles must not repeat; got {list(quantiles)}")
    return qs


def check_stat(stat: object) -> float | None:
    """The quantile a ``stat=`` argument names: None for "mean", 0.5 for "median", else q."""
    if isinstance(stat, str):
        if stat == "mean":
            return None
        if stat == "median":
            return 0.5
    elif (
        isinstance(stat, (int, float, np.integer, np.floating))
        and not isinstance(stat, (bool, np.bool_))
        and 0.0 <= float(stat) <= 1.0
    ):
        return float(stat)
    raise ValueError(f"stat must be 'mean', 'median' or a quantile between 0 and 1; got {stat!r}")


def stat_label(q: float | None) -> str:
    """Label of a statistic across scenarios: 'mean' or a quantile label ('p50')."""
    return "mean" if q is None else quantile_label(q)


def _max_drawdown(paths: np.ndarray) -> np.ndarray:
    """Largest fall from a running peak of each path (S, T), as a share of that peak, (S,).

    0 for a path that never falls (or whose peak is not positive).
    """
    paths = np.asarray(paths, dtype=float)
    peak = np.maximum.accumulate(paths, axis=1)
    fall = np.divide(peak - paths, peak, out=np.zeros_like(paths), where=peak > 0)
    return fall.max(axis=1)


def _distribution_row(values: np.ndarray, quantiles: Sequence[float]) -> dict[str, float]:
    row = {"mean": float(np.mean(values))}
    for q, v in zip(quantiles, np.quantile(values, quantiles), strict=True):
        row[quantile_label(q)] = float(v)
    return row


def _lower_tail_mean(values: np.ndarray, level: float = 0.05) -> float:
    """Mean of the worst ``level`` share of outcomes (expected shortfall, CVaR)."""
    k = max(1, int(np.floor(level * values.size)))
    return float(np.partition(values, k - 1)[:k].mean())


def _weighted_quantiles(
    values: np.ndarray, weights: np.ndarray, quantiles: Sequence[float]
) -> list[float]:
    """Quantiles of ``values`` weighted by ``weights`` (inverse of the weighted CDF)."""
    v = values.reshape(-1)
    w = weights.reshape(-1)
    keep = w > 0
    v, w = v[keep], w[keep]
    order = np.argsort(v, kind="stable")
    v, w = v[order], w[order]
    cdf = np.cumsum(w) / w.sum()
    index = np.searchsorted(cdf, np.asarray(quantiles) - 1e-12, side="left")
    return [float(v[min(i, v.size - 1)]) for i in index]


def _columnwise_corr(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Pearson correlation of each column of ``a`` with the same column of ``b``, (Y,)."""
    da = a - a.mean(axis=0)
    db = b - b.mean(axis=0)
    num = (da * db).sum(axis=0)
    den = np.sqrt((da * da).sum(axis=0) * (db * db).sum(axis=0))
    scale = np.abs(a).max(axis=0) * np.abs(b).max(axis=0) * a.shape[0]
    defined = den > 1e-12 * np.maximum(scale, 1e-300)
    return np.where(defined, num / np.where(defined, den, 1.0), np.nan)


def _check_finite(name: str, value: object) -> float:
    """``value`` as a finite float; else ValueError naming ``name``."""
    try:
        if isinstance(value, (bool, np.bool_)):
            raise TypeError
        fvalue = float(value)  # type: ignore[arg-type]  # TypeError handled below
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a finite number; got {value!r}") from None
    if not np.isfinite(fvalue):
        raise ValueError(f"{name} must be a finite number; got {value!r}")
    return fvalue


def _check_scenario_index(scenario: int, n_scenarios: int) -> int:
    return check_int("scenario", scenario, low=0, high=n_scenarios - 1)


def _annual_return(names: tuple[str, ...], annual: np.ndarray, name: str) -> np.ndarray:
    if name not in names:
        raise ValueError(f"unknown asset {name!r}; this run has: {', '.join(names)}")
    return annual[:, :, names.index(name)]


def real_deflators(price_level: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r"""Price levels at the start, the middle and the end of each year, (S, Y) each.

    Parameters
    ----------
    price_level : ndarray, shape (S, Y)
        Consumer price index at each year end, 1 at the start of the run.

    Returns
    -------
    start, mid, end : ndarray, shape (S, Y)
        :math:`P_{y-1}` (1 in the first year), :math:`\sqrt{P_{y-1} P_y}` and
        :math:`P_y`. Money paid at the start of a year is deflated by the
        first, money spread over the year by the second (the price level at
        mid-year under a constant inflation rate within the year, so a flow
        paid evenly is valued at its average price), balances at the year end
        by the third.
    """
    end = np.asarray(price_level, dtype=float)
    start = np.concatenate([np.ones_like(end[:, :1]), end[:, :-1]], axis=1)
    return start, np.sqrt(start * end), end


#: Batches of a run's standard errors under ``sampling="mc"`` and ``"antithetic"``.
N_SE_BATCHES = 20

SE_METHOD = (
    "batch means: the statistic is recomputed on independent batches of scenarios "
    "(20 contiguous batches of an even size under mc and antithetic sampling, "
    "antithetic pairs kept whole; the seed blocks of 1,000 under qmc) and its "
    "standard error is the batches' standard deviation over sqrt(number of batches); "
    "NaN with fewer than 2 batches"
)
"""How ``summary(se=True)`` computes a ``<column>_se`` (``frame.attrs["se_method"]``)."""


def batch_slices(n_scenarios: int, sampling: str = "mc") -> list[slice]:
    """Independent batches of scenarios ``0:n_scenarios`` for batch-means standard errors.

    Under ``"qmc"`` the scenarios of a seed block (1,000) are one randomised
    point set, so a batch is a whole block (the last may be partial).
    Under ``"mc"`` and ``"antithetic"`` every pair of scenarios ``(2i, 2i + 1)``
    is independent of the others, so there are :data:`N_SE_BATCHES`
    contiguous batches of an even size (the last takes the remainder).
    Fewer than two scenarios per pair-batch: as many batches as pairs.
    """
    if sampling == "qmc":
        return [
            slice(lo, min(lo + BLOCK_SIZE, n_scenarios)) for lo in range(0, n_scenarios, BLOCK_SIZE)
        ]
    n_batches = min(N_SE_BATCHES, n_scenarios // 2)
    if n_batches < 2:
        return [slice(0, n_scenarios)]
    size = 2 * (n_scenarios // (2 * n_batches))
    edges = [i * size for i in range(n_batches)] + [n_scenarios]
    return [slice(lo, hi) for lo, hi in itertools.pairwise(edges)]


def batch_standard_error(
    values: np.ndarray,
    statistic: Callable[[np.ndarray], np.ndarray | float],
    batches: Sequence[slice],
) -> np.ndarray:
    """Batch-means standard error of ``statistic(values)``.

    Parameters
    ----------
    values : ndarray, shape (S, ...)
        Per-scenario values, scenarios on the first axis.
    statistic : callable
        Maps values of a batch, (m, ...), to the statistic, a float or an array.
    batches : sequence of slice
        Independent batches (:func:`batch_slices`).

    Returns
    -------
    ndarray
        ``std(statistic of each batch, ddof=1) / sqrt(number of batches)``,
        of the statistic's shape; NaN with fewer than two batches.
    """
    parts = np.array([np.asarray(statistic(values[b]), dtype=float) for b in batches])
    if len(batches) < 2:
        return np.full(parts.shape[1:], np.nan)
    return parts.std(axis=0, ddof=1) / np.sqrt(len(batches))
