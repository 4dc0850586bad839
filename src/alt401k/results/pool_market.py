"""A pool run's flows against the asset's market: its size, issuance and other buyers.

``market_context``, ``patient_capital`` and ``countercyclicality``.

Methods of :class:`~alt401k.results.PoolResults` (bound as its methods); the
tables are built by :mod:`alt401k.results.market_context`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ._stats import (
    _columnwise_corr,
    units,
)

if TYPE_CHECKING:
    from .pool import PoolResults

__all__ = ["countercyclicality", "market_context", "patient_capital"]


def market_context(
    result: PoolResults, context: Any = None, quantiles: Sequence[float] = (0.05, 0.5, 0.95)
) -> pd.DataFrame:
    """Each year's flows and holdings against the asset's market, path by path.

    Parameters
    ----------
    context : MarketContext, optional
        The starting figures, dated and sourced; default the scenario's
        ``market_context``, else the asset's preset
        (:meth:`alt401k.MarketContext.default_for`: bitcoin, private
        equity, private credit; other assets need one).
    quantiles : sequence of float
        Quantiles across scenarios.

    Returns
    -------
    DataFrame indexed by ``year``
        ``issuance_units``, ``other_buyers_flow`` and, where the context
        has it, ``fundraising`` (the context's figures), then
        ``<series>_mean`` and quantiles across scenarios
        of: ``market_value`` (the asset's value on the path, dollars),
        ``net_flow_share_of_value`` (the pool's net flow over the year's
        average market value), ``holdings_share_of_value``,
        ``issuance_dollars`` (new supply at the path's price),
        ``net_flow_to_issuance``, ``net_flow_to_other_buyers`` (e.g. US
        spot ETFs' flows) and ``price_impact`` (the price change the
        pool's flows would cause in the inelastic-markets view, with the
        multiplier drawn per scenario; reported, not fed back); for
        private assets ``net_flow_to_fundraising``, ``redemptions`` (the
        pool's gross sales, dollars), ``redemptions_to_own_capacity`` (a
        quarter's redemptions over a semiliquid fund's quarterly gate on
        what they came out of: above 1 the gate binds) and
        ``redemptions_to_market_capacity`` (over the whole semiliquid
        market's gate). Series that do not exist for the context (no
        issuance, no fund-raising) are left out.
        Definitions in :mod:`alt401k.market_context`; ``attrs`` carry the
        context and units.
    """
    from .market_context import context_table

    if context is None:
        context = result.scenario.market_context
    return context_table(result, context, quantiles)


def patient_capital(result: PoolResults, context: Any = None) -> pd.DataFrame:
    """Is it patient capital? The pool's flows in the asset's worst and best years.

    Parameters
    ----------
    context : MarketContext, optional
        For the benchmark (other buyers' correlation with returns);
        default as in :func:`market_context`.

    Returns
    -------
    DataFrame indexed by ``years``
        Rows: the worst 10% and best 10% of scenario-years by the asset's
        return, and all. Columns: ``asset_return_mean``,
        ``net_flow_mean``, ``selling_share`` (share of those years with a
        net sale) and ``<component>_mean`` (who buys and who sells:
        reallocation -- negative when unwinding -- contributions,
        distributions, rebalancing), dollars. ``attrs["correlation"]``:
        the correlation of the net flow as a share of the holdings at the
        start of the year with the year's return; ``attrs["conclusion"]``:
        one sentence drawn from these numbers against the benchmark.
    """
    from .market_context import patient_capital

    if context is None:
        context = result.scenario.market_context
    return patient_capital(result, context)


def countercyclicality(result: PoolResults) -> pd.DataFrame:
    """How counter-cyclical rebalancing is: its correlation with the asset's excess return.

    The claim that retirement money is stabilising "patient capital" is
    testable: if rebalancing sells the asset after it beats the core
    portfolio and buys after it lags, the correlation across scenarios
    between a year's rebalancing flow and that year's excess return
    (asset minus ``pool_portfolio``) is negative.

    Returns
    -------
    DataFrame indexed by ``year``
        ``corr_rebalancing`` (rebalancing flow vs excess return) and
        ``corr_net_flow`` (all net purchases vs excess return), Pearson
        correlations across scenarios; ``rebalancing_mean`` (dollars).
        A correlation is NaN where the flow does not vary (no
        rebalancing, or a single scenario); ``frame.attrs["mean"]``
        holds the average over years of each column.
    """
    excess = result.excess_return
    out = {
        "corr_rebalancing": _columnwise_corr(result.component("rebalancing"), excess),
        "corr_net_flow": _columnwise_corr(result.net_flows, excess),
        "rebalancing_mean": result.component("rebalancing").mean(axis=0),
    }
    frame = pd.DataFrame(out, index=pd.Index(result.years, name="year"))
    frame.attrs["mean"] = {
        k: float(np.nanmean(v)) if np.any(np.isfinite(v)) else float("nan") for k, v in out.items()
    }
    frame.attrs["units"] = units(False)
    return frame
