"""Checks, default rates and helpers shared by the comparisons."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..markets import MarketModel
from ..results import ParticipantResults
from ..results._stats import _distribution_row, check_quantiles
from ..retirement import Retirement

#: Default taxable-account rates (module docstring: sources, *est.* where estimated).
TAXABLE_DEFAULTS: dict[str, float] = {
    "dividend_yield": 0.02,
    "dividend_tax_rate": 0.15,
    "turnover": 0.10,
    "capital_gains_rate": 0.15,
}
#: Shortfalls below this many dollars are rounding, not running out.
_SHORTFALL_TOL = 1e-6
#: Scenarios drawn at once when the comparisons redraw a run's market paths.
_SAMPLE_BLOCK = 4_096


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


def _period_returns(results: ParticipantResults, markets: MarketModel) -> np.ndarray:
    """The plan's own portfolio return each period, net of fund expenses, (S, Y * n).

    The market paths of the run drawn again from its seed (the sampler's
    contract: the same seed, model, assets and periods give the same draws
    whatever the chunking), weighted as the engine weights them: rebalanced
    to the target every period, expenses ``weights @ expense_ratio / n`` a
    period. A side account grown with these returns earns exactly what the
    plan's money earns, period by period.
    """
    names = results.asset_names
    n_years, n = results.balance_end.shape[1], results.periods_per_year
    weights = results.portfolio.target_weights(names)
    expense = float(weights @ markets.subset(names).expense_ratios) / n
    out = np.empty((results.n_scenarios, n_years * n))
    # In blocks of scenarios, so the (S, T, A) draws never exceed one block in memory.
    for start in range(0, results.n_scenarios, _SAMPLE_BLOCK):
        stop = min(start + _SAMPLE_BLOCK, results.n_scenarios)
        paths = markets.sample(
            stop - start, n_years, n, rng=results.seed, first_scenario=start, assets=names
        )
        out[start:stop] = paths.returns @ weights - expense
    return out


def _annual_growth(period_returns: np.ndarray, periods_per_year: int) -> np.ndarray:
    r"""Growth factor of each calendar year, :math:`\prod_k (1 + \rho_k)`, (S, Y)."""
    n_scenarios, n_periods = period_returns.shape
    by_year = (1.0 + period_returns).reshape(n_scenarios, n_periods // periods_per_year, -1)
    return np.asarray(by_year.prod(axis=2))


def _deferral_tax_savings(
    results: ParticipantResults, retirement: Retirement, rate: float | None
) -> np.ndarray:
    r"""Income tax a pre-tax deferral saves each year, (S, Y) nominal dollars.

    With ``rate`` given: ``rate`` x the pre-tax deferral. Otherwise the exact
    difference :math:`T_y(w_y) - T_y(w_y - E_y)` of the year's tax on its pay
    :math:`w_y` with and without the pre-tax deferral :math:`E_y` (wages
    are taxed after pre-tax deferrals, IRC 402(e)(3)), under the year's
    schedule: ``retirement``'s (:meth:`Retirement.schedule`) indexed with
    the scenario's price level at the start of the year, at the age attained.
    """
    c = results.contributions
    shape = (results.n_scenarios, c.years.size)
    pretax = np.broadcast_to(c.employee_pretax.T, shape)
    if rate is not None:
        return np.asarray(rate * pretax)
    pay = np.broadcast_to(c.salary.T, shape)
    schedule, index0 = retirement.schedule(int(c.years[0]))
    prices = results.price_at_start
    savings = np.zeros(shape)
    for y, year in enumerate(c.years):
        if not np.any(pretax[:, y] > 0.0):
            continue
        year_schedule = schedule.indexed(1.0, year=int(year))
        kwargs: dict[str, Any] = {"age": float(c.age[y, 0]), "index": index0 * prices[:, y]}
        with_pay = year_schedule.income_tax(pay[:, y], **kwargs)
        deferred = year_schedule.income_tax(np.maximum(pay[:, y] - pretax[:, y], 0.0), **kwargs)
        savings[:, y] = with_pay - deferred
    return savings


def _saving_rate(savings: np.ndarray, results: ParticipantResults) -> np.ndarray:
    """Tax saved over pre-tax deferrals, all working years, (S,) fraction (0 if none)."""
    pretax = np.broadcast_to(results.contributions.employee_pretax.T, savings.shape).sum(axis=1)
    return np.divide(savings.sum(axis=1), pretax, out=np.zeros(savings.shape[0]), where=pretax > 0)


def _savings_source(rate: float | None, retirement: Retirement, start_year: int) -> str:
    """How the tax saving of a pre-tax deferral was found, in words."""
    if rate is not None:
        return f"given marginal rate {rate:g} x the pre-tax deferral"
    schedule, _ = retirement.schedule(start_year)
    return (
        f"exact each year: tax(pay) - tax(pay - pre-tax deferral), {schedule.year} "
        f"{schedule.filing_status} schedule indexed with the simulated prices, that year's pay"
    )


def _distribution(
    series: Mapping[tuple[str, str], np.ndarray], quantiles: Sequence[float]
) -> pd.DataFrame:
    """Rows ``(metric, account)``, columns ``mean`` and the quantiles."""
    qs = check_quantiles(quantiles)
    rows = {key: _distribution_row(values, qs) for key, values in series.items()}
    frame = pd.DataFrame.from_dict(rows, orient="index")
    frame.index = pd.MultiIndex.from_tuples(list(rows), names=["metric", "account"])
    return frame
