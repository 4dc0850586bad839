"""Statistics shared by the results objects: quantile labels, weighted quantiles, correlations."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from .._validation import check_int

if TYPE_CHECKING:
    pass

__all__ = ["DEFAULT_QUANTILES", "check_quantiles", "quantile_label"]


DEFAULT_QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)


def quantile_label(q: float) -> str:
    """Column label of a quantile: 0.05 -> 'p05', 0.5 -> 'p50', 0.999 -> 'p99.9'."""
    pct = 100.0 * q
    return f"p{pct:02.0f}" if float(pct).is_integer() else f"p{pct:g}"


def check_quantiles(quantiles: Sequence[float]) -> tuple[float, ...]:
    qs = tuple(float(q) for q in quantiles)
    if not qs or any(not 0.0 <= q <= 1.0 for q in qs):
        raise ValueError(f"quantiles must be non-empty and each between 0 and 1; got {quantiles}")
    return qs


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


def _check_scenario_index(scenario: int, n_scenarios: int) -> int:
    return check_int("scenario", scenario, low=0, high=n_scenarios - 1)


def _annual_return(names: tuple[str, ...], annual: np.ndarray, name: str) -> np.ndarray:
    if name not in names:
        raise ValueError(f"unknown asset {name!r}; this run has: {', '.join(names)}")
    return annual[:, :, names.index(name)]
