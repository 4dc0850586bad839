"""How a :class:`~alt401k.scenario.pool.Scenario` runs: chunks of scenarios through the engine.

:func:`run_pool` is :meth:`Scenario.run <alt401k.Scenario.run>`: it lays the
pool out (:mod:`alt401k._pool`), cuts the scenarios into chunks
(:mod:`alt401k.execution`), runs each chunk (:func:`_run_chunk`: market
paths, channel inputs, the engine, and the price-impact feedback of
:func:`_feed_back` when the market context asks for it) and gathers the
chunks into a :class:`~alt401k.results.PoolResults` or, for statistics
only, a :class:`~alt401k.results.StreamedPoolResults`.
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from .._pool import build_channel, build_layout
from .._random import RngLike, as_seed_sequence, check_sampling
from .._warnings import Alt401kWarning
from ..engine import simulate
from ..execution import (
    ExecutorLike,
    check_n_scenarios,
    chunk_ranges,
    map_ordered,
    parallel,
)
from ..market_context import decayed_impact
from ..portfolio import Portfolio
from ..results import PoolResults, StreamedPoolResults
from ..results.streamed_pool import SKETCHED_SERIES, stream_series, stream_series_names
from ..results.streaming import DEFAULT_RELATIVE_ACCURACY, StreamedStats
from ._common import (
    AUTO_MAX_SCENARIOS,
    _check_periods,
    _check_run_options,
    run_until_precise,
)

if TYPE_CHECKING:
    from .pool import Scenario

__all__ = ["run_pool"]


def run_pool(
    scenario: Scenario,
    n_scenarios: int | Literal["auto"] = 1_000,
    *,
    rng: RngLike = None,
    chunk_size: int | None = None,
    periods_per_year: int = 12,
    executor: ExecutorLike = "serial",
    n_workers: int | None = None,
    keep_paths: bool | None = None,
    relative_accuracy: float = DEFAULT_RELATIVE_ACCURACY,
    backend: Literal["numpy", "numba"] = "numpy",
    sampling: Literal["mc", "antithetic", "qmc"] = "mc",
    precision: Mapping[str, float] | None = None,
    max_scenarios: int = AUTO_MAX_SCENARIOS,
) -> PoolResults | StreamedPoolResults:
    """Simulate ``scenario``'s pool; see :meth:`Scenario.run <alt401k.Scenario.run>`."""
    if isinstance(n_scenarios, str) and n_scenarios == "auto":
        cap = check_n_scenarios(max_scenarios)

        def run(n: int) -> PoolResults:
            return scenario.run(
                n, rng=rng, chunk_size=chunk_size, periods_per_year=periods_per_year,
                executor=executor, n_workers=n_workers, keep_paths=True,
                relative_accuracy=relative_accuracy, backend=backend, sampling=sampling,
            )  # fmt: skip

        return run_until_precise(run, precision, cap, lambda r: r.summary(se=True), _last_year)
    n_scenarios = check_n_scenarios(n_scenarios)
    _check_periods(periods_per_year)
    executor, n_workers, keep_paths = _check_run_options(
        n_scenarios, executor, n_workers, keep_paths, backend, relative_accuracy
    )
    root = as_seed_sequence(rng)
    sampling = check_sampling(sampling)
    population = scenario.resolved_population()
    names = scenario._universe(population)
    layout = build_layout(
        scenario, population, names, periods_per_year, scenario.calibration().parameters
    )
    y = scenario.horizon_years
    stats = None
    if not keep_paths:
        stats = StreamedStats.empty(
            stream_series_names(layout.outflow_names), SKETCHED_SERIES, y, relative_accuracy
        )
    plan = _RunPlan(
        scenario,
        layout,
        names,
        root,
        periods_per_year,
        None if stats is None else relative_accuracy,
        backend,
        sampling,
    )
    chunks = chunk_ranges(n_scenarios, chunk_size, n_workers=parallel(executor, n_workers))
    parts = map_ordered(_run_chunk, chunks, shared=(plan,), executor=executor, n_workers=n_workers)
    if stats is not None:
        for blocks, counts in parts:
            stats.add(blocks, counts)
        return StreamedPoolResults(
            scenario=scenario,
            years=scenario.start_year + np.arange(y),
            stats=stats,
            pool_contributions=layout.contributions_by_source,
            outflow_causes=layout.outflow_names,
            groups=layout.groups,
            seed=root,
            periods_per_year=periods_per_year,
        )
    arrays: dict[str, np.ndarray] = {}
    draws: dict[str, list[np.ndarray]] = {}
    for (start, stop), (chunk_arrays, chunk_draws) in zip(chunks, parts, strict=True):
        for key, values in chunk_arrays.items():
            if key not in arrays:
                arrays[key] = np.empty((n_scenarios, *values.shape[1:]))
            arrays[key][start:stop] = values
        for key, values in chunk_draws.items():
            draws.setdefault(key, []).append(values)
    return PoolResults(
        scenario=scenario,
        years=scenario.start_year + np.arange(y),
        flow_paths=arrays["flows"],
        asset_return=arrays["asset_return"],
        holdings=arrays["holdings"],
        holdings_by_channel=arrays["holdings_by_channel"],
        start_holdings_by_channel=arrays["start_holdings_by_channel"],
        window_flows=arrays["window_flows"],
        pool_assets=arrays["pool_assets"],
        pool_outflows=arrays["pool_outflows"],
        outflow_by_cause=arrays["outflow_by_part"],
        outflow_causes=layout.outflow_names,
        pool_contributions=layout.contributions_by_source,
        excess_return=arrays["excess_return"],
        asset_names=names,
        annual_returns=arrays["annual_returns"],
        price_level=arrays["price_level"],
        contribution_scale=arrays["contribution_scale"],
        groups=layout.groups,
        final_non_holder=arrays["final_non_holder"],
        final_holder=arrays["final_holder"],
        final_holder_asset=arrays["final_holder_asset"],
        final_counterfactual=arrays["final_counterfactual"],
        final_holder_share=arrays["final_holder_share"],
        blocked_sales=arrays["blocked_sales"],
        price_impact=arrays["price_impact"],
        draws={key: np.concatenate(parts) for key, parts in draws.items()},
        seed=root,
        periods_per_year=periods_per_year,
        sampling=sampling,
    )


def _last_year(frame: pd.DataFrame, name: str) -> tuple[float, float]:
    """``(figure, standard error)`` of column ``name`` of ``summary(se=True)`` at the horizon."""
    if name not in frame.columns or name + "_se" not in frame.columns:
        raise ValueError(
            f"precision names {name!r}, not a column of summary(); e.g. cumulative_flow_p50, "
            "cumulative_flow_mean, holdings_p50"
        )
    return float(frame[name].iloc[-1]), float(frame[name + "_se"].iloc[-1])


@dataclasses.dataclass(frozen=True)
class _RunPlan:
    """Everything a chunk of a pool run needs; sent to each worker once."""

    scenario: Scenario
    layout: Any  # PoolLayout
    names: tuple[str, ...]
    root: np.random.SeedSequence
    periods_per_year: int
    relative_accuracy: float | None  # None: keep paths; else stream at this accuracy
    backend: str = "numpy"
    sampling: str = "mc"


def _run_chunk(plan: _RunPlan, start: int, stop: int) -> Any:
    """Simulate scenarios ``start:stop`` of a pool run.

    Returns ``(arrays, draws)`` (name to (stop - start, ...) arrays) or, for a
    streamed run, ``(block moments, sketch counts)`` of the chunk's series.
    """
    scenario, layout, names, root = plan.scenario, plan.layout, plan.names, plan.root
    n, y = plan.periods_per_year, scenario.horizon_years
    paths = scenario.markets.sample(
        stop - start, y, n, rng=root, first_scenario=start, assets=names, sampling=plan.sampling
    )
    channel, window_channel, chunk_draws = build_channel(scenario, layout, root, start, stop, n)
    schedule = layout.schedule
    if scenario.redemption_gate is not None:
        schedule = dataclasses.replace(schedule, gate=scenario.redemption_gate)
    price = np.cumprod(1.0 + paths.annual_inflation(), axis=1)
    arrays: dict[str, np.ndarray] = {
        "contribution_scale": np.ones((stop - start, y)),
        "price_level": price,
    }
    if scenario.pay_follows_prices:
        at_start = np.concatenate([np.ones((stop - start, 1)), price[:, :-1]], axis=1)
        assumed = (1.0 + scenario.markets.inflation.mean) ** np.arange(y)
        scale = at_start / assumed
        arrays["contribution_scale"] = scale
        schedule = dataclasses.replace(schedule, contribution_scale=scale)
    main = dataclasses.replace(layout, schedule=schedule).schedule_of(layout.main_groups)
    window = (
        None
        if window_channel is None
        else dataclasses.replace(layout, schedule=schedule).schedule_of(layout.window_groups)
    )

    def run_all(returns: np.ndarray) -> dict[str, np.ndarray]:
        out = simulate(returns, main, channel, backend=plan.backend)
        window_out = (
            None
            if window is None
            else simulate(returns, window, window_channel, backend=plan.backend)
        )
        return _combined(out, window_out, layout, stop - start, y)

    combined = run_all(paths.returns)
    impact = np.zeros((stop - start, y))
    annual = paths.annual_returns()
    if scenario.impact_feedback:
        returns, impact, combined = _feed_back(
            scenario, names, paths.returns, combined, plan, start, stop, run_all
        )
        if np.any(impact):
            annual = np.prod(1.0 + returns.reshape(stop - start, y, n, -1), axis=2) - 1.0
    arrays.update(combined)
    arrays["price_impact"] = np.expm1(impact)
    core = Portfolio(weights=scenario.pool_portfolio).target_weights(names)
    arrays["annual_returns"] = annual
    arrays["excess_return"] = annual[:, :, names.index(scenario.asset)] - annual @ core
    draws = {
        **chunk_draws,
        **{f"markets/{k}": np.asarray(v) for k, v in paths.parameters.items()},
    }
    if plan.relative_accuracy is None:
        return arrays, draws
    series = stream_series(arrays, layout.contributions_by_source, layout.outflow_names)
    stats = StreamedStats.empty(
        stream_series_names(layout.outflow_names), SKETCHED_SERIES, y, plan.relative_accuracy
    )
    return stats.block_moments(series), stats.bucket_counts(series)


#: Rounds of the impact feedback's fixed point, and the tolerance on the log impact.
_FEEDBACK_ROUNDS = 80
_FEEDBACK_TOL = 1e-9


def _feed_back(
    scenario: Scenario,
    names: tuple[str, ...],
    base_returns: np.ndarray,
    combined: dict[str, np.ndarray],
    plan: _RunPlan,
    start: int,
    stop: int,
    run_all: Any,
) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """Solve flows and the asset's impacted prices together (see ``Scenario.impact_feedback``).

    Returns the impacted returns (S, T, A), the cumulative log impact (S, Y) and the
    engine's arrays on those returns. With a zero multiplier nothing changes.
    """
    from ..adoption import sample_parameter

    context = scenario.market_context
    assert context is not None  # validated
    n = plan.periods_per_year
    s, t, _ = base_returns.shape
    y = t // n
    a = names.index(scenario.asset)
    multiplier = sample_parameter(
        context.impact_multiplier,
        root=plan.root,
        key="market_context/impact_multiplier",
        start=start,
        stop=stop,
    )
    impact = np.zeros((s, y))
    if not np.any(multiplier):
        return base_returns, impact, combined
    base = 1.0 + base_returns[:, :, a].reshape(s, y, n)
    base_growth = np.prod(base, axis=2)  # (S, Y)
    units = context.issuance_units(scenario.start_year + np.arange(y, dtype=float))
    supply = (context.supply + np.cumsum(units)) / context.supply if context.supply else np.ones(y)
    supply_start = np.concatenate([[1.0], supply[:-1]])
    returns = base_returns
    residual = previous = np.inf
    for rounds in range(_FEEDBACK_ROUNDS):
        step = np.diff(impact, axis=1, prepend=0.0)
        with np.errstate(over="ignore", invalid="ignore"):
            price = np.cumprod(base_growth * np.exp(step), axis=1)
        price_start = np.concatenate([np.ones((s, 1)), price[:, :-1]], axis=1)
        value_mid = context.market_value * np.sqrt(price * supply * price_start * supply_start)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            share = combined["flows"].sum(axis=-1) / value_mid
        if rounds == 0:
            # The largest year of the median path, on the prices without the impact.
            first_share = float(np.max(np.nanmedian(np.abs(share), axis=0)))
        new = decayed_impact(multiplier[:, None] * share, context.impact_half_life)
        residual = float(np.max(np.abs(new - impact)))
        if rounds == 0:
            previous = residual
        if not np.isfinite(residual) or residual > 100.0 * previous:
            raise ValueError(
                "impact_feedback does not converge: the pool's flows reach "
                f"{first_share:.1%} of {scenario.asset}'s market value in a year (median path), "
                "where the linear "
                "impact model (multiplier x flow / value) is outside what it describes (flows "
                "well below 1% of the value); lower the flows or drop impact_feedback"
            )
        impact = new
        step = np.diff(impact, axis=1, prepend=0.0)
        returns = base_returns.copy()
        with np.errstate(over="ignore", invalid="ignore"):
            returns[:, :, a] = (base * np.exp(step / n)[:, :, None] - 1.0).reshape(s, t)
        if not np.all(np.isfinite(returns[:, :, a])):
            residual = np.inf  # the next round refuses
        combined = run_all(returns)
        if residual <= _FEEDBACK_TOL:
            break
    else:
        warnings.warn(
            f"impact_feedback: flows and prices did not agree within {_FEEDBACK_TOL:g} in log "
            f"price after {_FEEDBACK_ROUNDS} rounds (largest change {residual:.3g}); the flows "
            "are large against the asset's market value, where the linear impact model is "
            "outside what it describes",
            Alt401kWarning,
            stacklevel=4,
        )
    return returns, impact, combined


def _combined(
    out: Any, window: Any, layout: Any, n_rows: int, n_years: int
) -> dict[str, np.ndarray]:
    """The engine's outputs of the main and the window groups as one pool's arrays.

    Sums over groups add; per-group arrays are put back in the layout's group order;
    ``holdings_by_channel`` (S, Y, 3) and ``start_holdings_by_channel`` (S, 3) are by
    channel (active, default, window); ``window_flows`` (S, Y, C) are the window's own.
    """
    arrays: dict[str, np.ndarray] = {}
    per_group = {
        "final_non_holder",
        "final_holder",
        "final_holder_asset",
        "final_counterfactual",
        "final_holder_share",
    }
    n_groups = layout.main_groups.size + layout.window_groups.size
    for field in dataclasses.fields(out):
        name = field.name
        if name in ("ledger", "holdings_by_channel", "start_holdings"):
            continue
        value = getattr(out, name)
        if name in per_group:
            full = np.zeros((n_rows, n_groups))
            full[:, layout.main_groups] = value
            if window is not None:
                full[:, layout.window_groups] = getattr(window, name)
            value = full
        elif window is not None:
            value = value + getattr(window, name)
        arrays[name] = value
    zeros = np.zeros((n_rows, n_years))
    window_held = zeros if window is None else window.holdings
    arrays["holdings_by_channel"] = np.concatenate(
        [out.holdings_by_channel, window_held[..., None]], axis=-1
    )
    arrays["start_holdings_by_channel"] = np.stack(
        [
            out.start_holdings,
            np.zeros(n_rows),
            np.zeros(n_rows) if window is None else window.start_holdings,
        ],
        axis=-1,
    )
    arrays["window_flows"] = np.zeros_like(out.flows) if window is None else np.array(window.flows)
    return arrays
