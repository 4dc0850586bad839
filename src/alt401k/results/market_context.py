"""The pool's flows against the asset's market: :func:`context_table` and :func:`patient_capital`.

Definitions are in :mod:`alt401k.market_context`.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..market_context import MarketContext, decayed_impact
from ..uncertain import sample_parameter
from ._stats import check_quantiles, quantile_label

if TYPE_CHECKING:
    from .pool import PoolResults

__all__ = ["context_table", "patient_capital"]


def _default_context(result: PoolResults) -> MarketContext:
    return MarketContext.default_for(result.scenario.asset)


def _paths(result: PoolResults, context: MarketContext) -> dict[str, np.ndarray]:
    """Per-path (S, Y) series: price relative, market value, issuance, ratios, impact."""
    if context.asset != result.scenario.asset:
        raise ValueError(
            f"context is for {context.asset!r} but the run's asset is {result.scenario.asset!r}"
        )
    years = result.years.astype(float)
    price = np.cumprod(1.0 + result.annual_return(result.scenario.asset), axis=1)  # (S, Y)
    before = np.concatenate([np.ones_like(price[:, :1]), price[:, :-1]], axis=1)
    units = context.issuance_units(years)  # (Y,)
    if context.supply is not None:
        supply = context.supply + np.cumsum(units)
        supply_ratio = supply / context.supply
        supply_before = np.concatenate([[1.0], supply_ratio[:-1]])
    else:
        supply_ratio = supply_before = np.ones(years.size)
    value_end = context.market_value * price * supply_ratio
    value_start = context.market_value * before * supply_before
    value_mid = np.sqrt(value_start * value_end)
    unit_price0 = context.market_value / context.supply if context.supply else 0.0
    issuance_dollars = units * unit_price0 * np.sqrt(before * price)
    flow = result.net_flows
    multiplier = sample_parameter(
        context.impact_multiplier,
        root=result.seed,
        key="market_context/impact_multiplier",
        start=0,
        stop=result.n_scenarios,
    )
    push = multiplier[:, None] * flow / value_mid  # log-price moves by year
    impact = decayed_impact(push, context.impact_half_life)
    others = context.other_flow(result.years)
    raised = context.fundraising_flow(result.years)
    # Gross sales: the components that sell in the year (distributions, selling rebalancing,
    # unwinding), each already netted across the pool's groups.
    redemptions = np.sum([np.maximum(-result.component(c), 0.0) for c in result.COMPONENTS], 0)
    quarterly = redemptions / 4.0
    # What the sales came out of: the holdings at the end of the year plus the year's sales.
    before_sales = result.holdings + redemptions
    gate = context.redemption_limit
    with np.errstate(divide="ignore", invalid="ignore"):
        to_issuance = np.where(issuance_dollars > 0, flow / issuance_dollars, np.nan)
        to_others = np.where(others != 0, flow / others, np.nan)
        to_fundraising = np.where(raised > 0, flow / raised, np.nan)
        no_gate = np.full(flow.shape, np.nan)
        to_own_gate = (
            no_gate
            if gate is None
            else np.where(before_sales > 0, quarterly / (gate * before_sales), np.nan)
        )
        if gate is None or context.semiliquid_value is None:
            to_market_gate = no_gate
        else:
            semiliquid = context.semiliquid_value * np.sqrt(before * price)
            to_market_gate = quarterly / (gate * semiliquid)
    return {
        "market_value": value_end,
        "net_flow_share_of_value": flow / value_mid,
        "holdings_share_of_value": result.holdings / value_end,
        "issuance_dollars": issuance_dollars,
        "net_flow_to_issuance": to_issuance,
        "net_flow_to_other_buyers": to_others,
        "price_impact": np.expm1(impact),
        "net_flow_to_fundraising": to_fundraising,
        "redemptions": redemptions,
        "redemptions_to_own_capacity": to_own_gate,
        "redemptions_to_market_capacity": to_market_gate,
        "multiplier": np.broadcast_to(multiplier[:, None], flow.shape),
    }


def _start_holdings(result: PoolResults) -> np.ndarray:
    """The pool's holdings at the start of each year, (S, Y) dollars."""
    first = (
        np.zeros((result.n_scenarios, 1))
        if result.start_holdings_by_channel is None
        else result.start_holdings_by_channel.sum(axis=1)[:, None]
    )
    return np.concatenate([first, result.holdings[:, :-1]], axis=1)


def context_table(
    result: PoolResults,
    context: MarketContext | None = None,
    quantiles: Sequence[float] = (0.05, 0.5, 0.95),
) -> pd.DataFrame:
    """The rows of :meth:`PoolResults.market_context`; see there."""
    context = _default_context(result) if context is None else context
    qs = check_quantiles(quantiles)
    paths = _paths(result, context)
    out: dict[str, np.ndarray] = {
        "issuance_units": context.issuance_units(result.years.astype(float)),
        "other_buyers_flow": context.other_flow(result.years).astype(float),
    }
    raised = context.fundraising_flow(result.years)
    if np.isfinite(raised).any():
        out["fundraising"] = raised
    for name in (
        "market_value",
        "net_flow_share_of_value",
        "holdings_share_of_value",
        "issuance_dollars",
        "net_flow_to_issuance",
        "net_flow_to_other_buyers",
        "price_impact",
        "net_flow_to_fundraising",
        "redemptions",
        "redemptions_to_own_capacity",
        "redemptions_to_market_capacity",
    ):
        values = paths[name]
        if not np.isfinite(values).any():  # e.g. no issuance: the ratio does not exist
            continue
        with warnings.catch_warnings():  # a year where the ratio exists on no path stays NaN
            warnings.simplefilter("ignore", RuntimeWarning)
            out[f"{name}_mean"] = np.nanmean(values, axis=0)
            rows = np.nanquantile(values, qs, axis=0)
        for q, row in zip(qs, rows, strict=True):
            out[f"{name}_{quantile_label(q)}"] = row
    frame = pd.DataFrame(out, index=pd.Index(result.years, name="year"))
    frame.attrs["context"] = context.model_dump(mode="json")
    frame.attrs["units"] = (
        "market_value, issuance_dollars, other_buyers_flow, fundraising, redemptions: USD "
        "nominal; issuance_units: units; *_share_of_value, net_flow_to_*, redemptions_to_*: "
        "ratios (redemptions_to_*: a quarter's redemptions over a quarter's capacity); "
        "price_impact: fraction of the price"
    )
    frame.attrs["feedback"] = "none: the impact is reported, not fed back into the returns"
    return frame


def patient_capital(result: PoolResults, context: MarketContext | None = None) -> pd.DataFrame:
    """The rows of :meth:`PoolResults.patient_capital`; see there."""
    context = _default_context(result) if context is None else context
    returns = result.annual_return(result.scenario.asset)
    worst = returns <= np.quantile(returns, 0.10)
    best = returns >= np.quantile(returns, 0.90)
    start_holdings = _start_holdings(result)
    net = result.net_flows
    rows = {}
    for label, mask in (("worst 10% of years", worst), ("best 10% of years", best), ("all", None)):
        pick = np.ones_like(net, dtype=bool) if mask is None else mask
        row = {
            "asset_return_mean": float(returns[pick].mean()),
            "net_flow_mean": float(net[pick].mean()),
            "selling_share": float((net[pick] < 0).mean()),
        }
        for name in result.COMPONENTS:
            row[f"{name}_mean"] = float(result.component(name)[pick].mean())
        rows[label] = row
    frame = pd.DataFrame.from_dict(rows, orient="index")
    frame.index.name = "years"
    held = start_holdings > 0
    intensity = np.divide(net, start_holdings, out=np.zeros_like(net), where=held)
    corr = float(np.corrcoef(intensity[held], returns[held])[0, 1]) if held.sum() > 2 else np.nan
    bench = context.other_flows_return_correlation
    worst_flow, best_flow = (
        rows["worst 10% of years"]["net_flow_mean"],
        rows["best 10% of years"]["net_flow_mean"],
    )
    patient = worst_flow >= 0.0 and (np.isnan(corr) or corr < bench)

    def money(dollars: float) -> str:
        return f"{'-' if dollars < 0 else ''}${abs(dollars) / 1e9:,.2f}B"

    frame.attrs["correlation"] = corr
    frame.attrs["benchmark_correlation"] = bench
    frame.attrs["conclusion"] = (
        f"In the worst 10% of years ({context.asset} "
        f"{rows['worst 10% of years']['asset_return_mean']:+.0%} on average) the pool's net "
        f"flow averages {money(worst_flow)} ({'buying' if worst_flow >= 0 else 'selling'}"
        f"), against {money(best_flow)} in the best 10% "
        f"({rows['best 10% of years']['asset_return_mean']:+.0%}); its flow as a share of "
        f"holdings correlates {corr:+.2f} with the year's return, against {bench:+.2f} "
        f"assumed for {context.other_flows_label}: "
        + (
            "patient capital on these numbers, it leans against the price."
            if patient
            else "not patient capital on these numbers, it moves with the price."
        )
    )
    frame.attrs["units"] = "USD nominal; asset_return_mean and selling_share: fractions"
    return frame
