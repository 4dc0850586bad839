"""Checks, default rates and helpers shared by the comparisons."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..markets import MarketModel
from ..population import Participant
from ..results import ParticipantResults
from ..results._stats import _distribution_row, check_quantiles
from ..tax import TaxSchedule

#: Default taxable-account rates (module docstring: sources, *est.* where estimated).
TAXABLE_DEFAULTS: dict[str, float] = {
    "dividend_yield": 0.02,
    "dividend_tax_rate": 0.15,
    "turnover": 0.10,
    "capital_gains_rate": 0.15,
}
#: Shortfalls below this many dollars are rounding, not running out.
_SHORTFALL_TOL = 1e-6


def _check_rate(name: str, value: float, *, closed: bool = False) -> float:
    """``value`` as a float in [0, 1) (or [0, 1] if ``closed``), else ValueError."""
    fvalue = float(value)
    upper_ok = fvalue <= 1.0 if closed else fvalue < 1.0
    if not (np.isfinite(fvalue) and fvalue >= 0.0 and upper_ok):
        bound = "[0, 1]" if closed else "[0, 1)"
        raise ValueError(f"{name} must be in {bound}; got {value!r}")
    return fvalue


def _as_paths(name: str, values: Any, shape: tuple[int, int]) -> np.ndarray:
    """Dollars per year as (S, Y): accepts (Y,) (same every scenario) or (S, Y); >= 0."""
    array = np.asarray(values, dtype=np.float64)
    n_scenarios, n_years = shape
    if array.shape not in ((n_years,), shape):
        raise ValueError(
            f"{name} must have shape ({n_years},) or ({n_scenarios}, {n_years}) to match "
            f"returns; got {array.shape}"
        )
    if not np.all(np.isfinite(array)) or np.any(array < 0.0):
        bad = float(array[~(np.isfinite(array) & (array >= 0.0))].flat[0])
        raise ValueError(f"{name} must be finite dollars >= 0; got {bad!r}")
    return np.broadcast_to(array, shape)


def _check_taxable_rates(rates: Mapping[str, float]) -> dict[str, float]:
    unknown = sorted(set(rates) - set(TAXABLE_DEFAULTS))
    if unknown:
        raise ValueError(
            f"unknown taxable-account rate {unknown[0]!r}; allowed: {', '.join(TAXABLE_DEFAULTS)}"
        )
    out = {**TAXABLE_DEFAULTS, **rates}
    return {
        name: _check_rate(name, value, closed=name == "turnover") for name, value in out.items()
    }


def _portfolio_returns(results: ParticipantResults, markets: MarketModel) -> np.ndarray:
    """The saver's portfolio return per calendar year, net of fund expenses, (S, Y).

    Weights held at their targets each year (annual rebalancing; the plan
    rebalances every period, so the two differ slightly on the same path).
    """
    weights = results.portfolio.target_weights(results.asset_names)
    expense = markets.subset(results.asset_names).expense_ratios
    return np.asarray(results.annual_returns @ weights - float(weights @ expense))


def _working_marginal_rate(participant: Participant, filing_status: str) -> float:
    """Marginal federal rate on the start-year salary (2025 or 2026 schedule)."""
    year = min(max(participant.start_year, 2025), 2026)
    schedule = TaxSchedule.federal(year=year, filing_status=filing_status)  # type: ignore[arg-type]  # Retirement validates the status
    # Rounded: the forward difference of marginal_rate carries ~1e-12 of float noise.
    return round(float(schedule.marginal_rate(participant.salary)), 9)


def _distribution(
    series: Mapping[tuple[str, str], np.ndarray], quantiles: Sequence[float]
) -> pd.DataFrame:
    """Rows ``(metric, account)``, columns ``mean`` and the quantiles."""
    qs = check_quantiles(quantiles)
    rows = {key: _distribution_row(values, qs) for key, values in series.items()}
    frame = pd.DataFrame.from_dict(rows, orient="index")
    frame.index = pd.MultiIndex.from_tuples(list(rows), names=["metric", "account"])
    return frame
