"""A pool run's statistics by year: ``summary``, ``holdings_table`` and ``risk``.

``summary(se=True)`` adds batch-means standard errors.

Methods of :class:`~alt401k.results.PoolResults` (bound as its methods).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..engine import COMPONENTS as POOL_COMPONENTS
from ._stats import (
    SE_METHOD,
    _distribution_row,
    _max_drawdown,
    batch_slices,
    batch_standard_error,
    check_quantiles,
    quantile_label,
    units,
)
from .pool_series import QUANTILED_SERIES, deflate_flows, summary_series

if TYPE_CHECKING:
    from .pool import PoolResults

__all__ = ["holdings_table", "risk", "summary"]


def summary(
    result: PoolResults,
    quantiles: Sequence[float] = (0.05, 0.5, 0.95),
    *,
    real: bool = False,
    se: bool = False,
) -> pd.DataFrame:
    """Year-by-year distribution of flows and holdings.

    Parameters
    ----------
    quantiles : sequence of float
        Each in [0, 1], none repeated; labelled ``p05``, ``p50``, ``p99.9`` ...
    real : bool
        Start-year dollars: every dollar figure deflated by its own
        scenario's price level (:attr:`price_level`) at the time of the
        money: ``reallocation_mean`` at the start of the year (adoption
        moves balances in the year's first period, so $125B paid in January
        of the first year is $125B), the other flows (contributions,
        distributions, rebalancing, ``pool_contributions``, outflows and
        their causes, blocked sales) at mid-year (:func:`real_deflators`),
        ``holdings`` and ``pool_assets`` at the year end;
        ``cumulative_flow`` is then the running sum of the deflated flows.
        Default nominal.
    se : bool
        Add ``<column>_se``, the Monte Carlo standard error of every
        column (a mean or a quantile across scenarios), by batch means
        over independent batches of scenarios
        (:data:`alt401k.results._stats.SE_METHOD`, also in
        ``frame.attrs["se_method"]``): 20 batches under ``"mc"`` and
        ``"antithetic"`` (a 95% interval is +- 2.09 standard errors), the
        seed blocks of 1,000 under ``"qmc"``. Default False.

    Returns
    -------
    DataFrame indexed by ``year``
        ``<component>_mean`` for each component; ``net_flow_mean`` and its
        quantiles ``net_flow_p05`` ...; quantiles of ``cumulative_flow``,
        ``holdings`` and ``pool_assets``; ``pool_contributions`` (all
        contributions by employees and employers, mean),
        ``pool_rollovers_in_mean`` (job changers' plan-to-plan rollovers, a
        contribution source of their new plans; they stay in the pool),
        ``pool_outflows_mean`` (all money paid out of the pool) and its
        causes ``pool_<cause>_mean`` (rollover to IRAs, cash_out,
        hardship, loan_default: leakage; retiree: withdrawals by the
        retirement rules; death); ``blocked_sales_mean`` (sales blocked by the
        redemption gate). ``frame.attrs["assumptions"]`` states the
        channels, rebalancing behaviour, adoption and reversal used.

    Notes
    -----
    Column convention: ``<quantity>_<stat>``, the stat across scenarios
    being ``mean`` or a quantile ``pNN`` (percentile, at least two digits:
    ``p05``, ``p07``, ``p50``, ``p99.9``); ``pool_contributions`` (no
    suffix) is a mean. Every column is dollars; ``frame.attrs["units"]``
    is ``"USD nominal"`` or ``"USD real"``.
    """
    qs = check_quantiles(quantiles)
    series = summary_series(
        result.flow_paths,
        holdings=result.holdings,
        pool_assets=result.pool_assets,
        pool_contributions=result.pool_contributions,
        contribution_scale=result.contribution_scale,
        pool_outflows=result.pool_outflows,
        blocked_sales=result.blocked_sales,
        outflow_by_cause=result.outflow_by_cause,
        outflow_causes=result.outflow_causes,
        price_level=result.price_level if real else None,
    )
    out: dict[str, np.ndarray] = {}
    for name in POOL_COMPONENTS:
        out[f"{name}_mean"] = series[name].mean(axis=0)
    for name in QUANTILED_SERIES:
        out[f"{name}_mean"] = series[name].mean(axis=0)
        for q, row in zip(qs, np.quantile(series[name], qs, axis=0), strict=True):
            out[f"{name}_{quantile_label(q)}"] = row
    out["pool_contributions"] = series["pool_contributions"].mean(axis=0)
    out["pool_outflows_mean"] = series["pool_outflows"].mean(axis=0)
    if "blocked_sales" in series:
        out["blocked_sales_mean"] = series["blocked_sales"].mean(axis=0)
    for cause in result.outflow_causes:
        out[f"pool_{cause}_mean"] = series[f"pool_{cause}"].mean(axis=0)
    deflator = result.price_level if real else 1.0
    if result.window_flows is not None:
        window = result.window_flows
        if real:
            window = deflate_flows(window, result.price_level)
        out["window_net_flow_mean"] = window.sum(axis=-1).mean(axis=0)
    if result.holdings_by_channel.shape[-1] > 2:
        out["window_holdings_mean"] = (result.holdings_by_channel[..., 2] / deflator).mean(axis=0)
    frame = pd.DataFrame(out, index=pd.Index(result.years, name="year"))
    frame.attrs["assumptions"] = result.scenario.assumptions()
    frame.attrs["units"] = units(real)
    if se:
        result._add_standard_errors(frame, series, qs, real)
    return frame


def _add_standard_errors(
    result: PoolResults,
    frame: pd.DataFrame,
    series: dict[str, np.ndarray],
    qs: Sequence[float],
    real: bool,
) -> None:
    """``<column>_se`` for every column of :meth:`summary`, by batch means, in place."""
    batches = batch_slices(result.flow_paths.shape[0], result.sampling)
    per_scenario = dict(series)
    if result.window_flows is not None:
        window = result.window_flows
        if real:
            window = deflate_flows(window, result.price_level)
        per_scenario["window_net_flow"] = window.sum(axis=-1)
    if result.holdings_by_channel.shape[-1] > 2:
        deflator = result.price_level if real else 1.0
        per_scenario["window_holdings"] = result.holdings_by_channel[..., 2] / deflator
    labels = {quantile_label(q): q for q in qs}
    for column in list(frame.columns):
        name, _, stat = column.rpartition("_")
        if column == "pool_contributions":
            name, stat = column, "mean"
        values = per_scenario.get(name)
        if values is None or (stat != "mean" and stat not in labels):
            continue
        q = labels.get(stat)

        def statistic(v: np.ndarray, q: float | None = q) -> np.ndarray:
            return v.mean(axis=0) if q is None else np.quantile(v, q, axis=0)

        frame[f"{column}_se"] = batch_standard_error(values, statistic, batches)
    frame.attrs["se_method"] = SE_METHOD


def holdings_table(
    result: PoolResults, quantiles: Sequence[float] = (0.05, 0.5, 0.95), *, real: bool = False
) -> pd.DataFrame:
    """Year-by-year distribution of the asset held in the pool and its share of the pool.

    (:attr:`holdings` is the raw (S, Y) array; this is its table.)

    Parameters
    ----------
    quantiles : sequence of float
        Each in [0, 1], none repeated.
    real : bool
        Deflate holdings by each scenario's price level at each year end.

    Returns
    -------
    DataFrame indexed by ``year``
        ``holdings_mean`` and ``holdings_<pNN>`` (dollars), then
        ``holdings_share_mean`` and ``holdings_share_<pNN>``: holdings as a
        fraction of the pool's assets (0 where the pool is empty), the
        quantiles taken of each scenario's share.
        ``frame.attrs["units"]`` gives the dollars of the holdings
        columns; the share columns are fractions.
    """
    qs = check_quantiles(quantiles)
    deflator = result.price_level if real else 1.0
    share = np.divide(
        result.holdings,
        result.pool_assets,
        out=np.zeros_like(result.holdings, dtype=float),
        where=result.pool_assets > 0,
    )
    out: dict[str, np.ndarray] = {}
    for name, values in {"holdings": result.holdings / deflator, "holdings_share": share}.items():
        out[f"{name}_mean"] = values.mean(axis=0)
        for q, row in zip(qs, np.quantile(values, qs, axis=0), strict=True):
            out[f"{name}_{quantile_label(q)}"] = row
    frame = pd.DataFrame(out, index=pd.Index(result.years, name="year"))
    frame.attrs["units"] = units(real)
    return frame


def risk(result: PoolResults, quantiles: Sequence[float] = (0.05, 0.5, 0.95)) -> pd.DataFrame:
    """Risk figures of the pool's position in the asset, across scenarios.

    Returns
    -------
    DataFrame indexed by ``metric``
        Columns ``mean`` then the quantiles and ``unit``. Rows:

        - ``max_drawdown_holdings``: the distribution of the largest fall of
          the year-end holdings from their running peak, as a share of that
          peak (unit ``share of peak``; purchases soften falls).
        - ``prob_negative_cumulative_flow``: share of scenarios whose
          cumulative net purchases at the horizon are below zero (net
          sellers over the run; ``mean`` only, unit ``probability``).

        ``frame.attrs["units"]`` is ``"USD nominal"``.
    """
    qs = check_quantiles(quantiles)
    blank = {quantile_label(q): np.nan for q in qs}
    rows = {
        "max_drawdown_holdings": {
            **_distribution_row(_max_drawdown(result.holdings), qs),
            "unit": "share of peak",
        },
        "prob_negative_cumulative_flow": {
            "mean": float(np.mean(result.cumulative_flows[:, -1] < 0.0)),
            **blank,
            "unit": "probability",
        },
    }
    frame = pd.DataFrame.from_dict(rows, orient="index")
    frame.index.name = "metric"
    frame.attrs["units"] = units(False)
    return frame
