"""The cross-field checks of a :class:`~alt401k.scenario.pool.Scenario`, run at construction.

The asset and the pool portfolio must be assets of the market model, the
channels and knobs must fit together, and a segment's cap must admit the
allocation: :func:`check_consistent` raises ``ValueError`` naming the
fields and values that do not.
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING

from pydantic import (
    ValidationError,
)

from .._warnings import Alt401kWarning
from ..adoption import (
    Distribution,
)
from ..population import SEGMENTS
from ..portfolio import Portfolio

if TYPE_CHECKING:
    from .pool import Scenario

__all__ = ["check_consistent"]


def check_consistent(scenario: Scenario) -> None:
    """Raise ``ValueError`` when ``scenario``'s fields do not fit together."""
    names = scenario.markets.names
    if scenario.asset not in names:
        raise ValueError(
            f"asset {scenario.asset!r} is not in markets; available: {', '.join(names)}"
        )
    # Validates weights (range, sum to 1) and names against the market model.
    try:
        Portfolio(weights=scenario.pool_portfolio).target_weights(names)
    except (ValueError, ValidationError) as err:
        detail = err.errors()[0]["msg"] if isinstance(err, ValidationError) else str(err)
        detail = detail.removeprefix("Value error, ")
        raise ValueError(f"pool_portfolio is invalid: {detail}") from None
    seg_names = [seg.name for seg in scenario.segments]
    if len(set(seg_names)) != len(seg_names):
        raise ValueError(f"segments must have unique names; got {seg_names}")
    if scenario.population is None:
        missing = [name for name in SEGMENTS if name not in seg_names]
        if missing:
            raise ValueError(
                f"segments must include {missing[0]!r}: the synthetic population has cells "
                f"in every segment ({', '.join(SEGMENTS)}); pass population= to use others"
            )
    else:
        unknown = sorted({str(v) for v in scenario.population.segment} - set(seg_names))
        if unknown:
            raise ValueError(
                f"population segment {unknown[0]!r} is not among segments ({', '.join(seg_names)})"
            )
        if scenario.pool_assets is not None and not scenario.population.total_assets > 0:
            raise ValueError(
                f"pool_assets={scenario.pool_assets:g} cannot be matched: the population's "
                "balances total 0 (give some cell a balance > 0, or leave pool_assets unset)"
            )
        if scenario.pool_assets is not None:
            factor = scenario.pool_assets / scenario.population.total_assets
            if abs(factor - 1.0) > 1e-9:  # said, not done silently
                warnings.warn(
                    f"pool_assets={scenario.pool_assets:g} rescales the population's balances "
                    f"(total {scenario.population.total_assets:.4g}) by {factor:.4g}: every "
                    "cell's balance changes, its pay and people do not; leave pool_assets "
                    "unset to run the population as given",
                    Alt401kWarning,
                    stacklevel=2,
                )
        if scenario.population.start_year != scenario.start_year:
            raise ValueError(
                f"start_year ({scenario.start_year}) must equal the population's start_year "
                f"({scenario.population.start_year})"
            )
    if scenario.market_context is not None and scenario.market_context.asset != scenario.asset:
        raise ValueError(
            f"market_context is for {scenario.market_context.asset!r} but the asset is "
            f"{scenario.asset!r}"
        )
    if scenario.impact_feedback:
        if scenario.market_context is None:
            raise ValueError(
                "impact_feedback needs a market_context (e.g. ak.MarketContext.bitcoin()): "
                "the impact is the flow over the asset's market value"
            )
        if scenario.markets[scenario.asset].smoothing > 0.0:
            raise ValueError(
                f"impact_feedback cannot take {scenario.asset!r}: its returns are appraisal-"
                "smoothed (reported, not traded, prices); set smoothing=0 or drop the feedback"
            )
    state, access = scenario.start_state_in_force(), scenario.availability_in_force()
    if state is not None and access is not None:
        for seg in scenario.segments:
            have = float(access.share(seg.name, float(scenario.start_year)))
            if state.sponsor_share_of(seg.name) > have + 1e-12:
                raise ValueError(
                    f"start_state.sponsor_share[{seg.name!r}] = "
                    f"{state.sponsor_share_of(seg.name):g} is above the share of plans with "
                    f"a product at the start ({have:g}, availability): a plan cannot "
                    "offer what no provider sells"
                )
    if scenario.active_channel:
        high = (
            scenario.allocation_share.support[1]
            if isinstance(scenario.allocation_share, Distribution)
            else float(scenario.allocation_share)
        )
        for seg in scenario.segments:
            if high > seg.alt_cap + 1e-12:
                raise ValueError(
                    f"allocation_share can reach {high:g}, above the cap of segment "
                    f"{seg.name!r} (alt_cap={seg.alt_cap:g}); allowed at most the "
                    "smallest segment cap"
                )
