"""What a pool run produced: :class:`PoolResults`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .. import _show
from .._random import seed_record
from ..engine import COMPONENTS as POOL_COMPONENTS
from ..tax import TaxSchedule, early_withdrawal_penalty
from . import _files
from ._stats import (
    DEFAULT_QUANTILES,
    SE_METHOD,
    _annual_return,
    _columnwise_corr,
    _distribution_row,
    _max_drawdown,
    _weighted_quantiles,
    batch_slices,
    batch_standard_error,
    check_quantiles,
    quantile_label,
    real_deflators,
    units,
)

if TYPE_CHECKING:
    from ..scenario import Scenario

__all__ = ["QUANTILED_SERIES", "PoolResults", "real_deflators", "summary_series"]


def _with_units(frame: pd.DataFrame, real: bool) -> pd.DataFrame:
    frame.attrs["units"] = units(real)
    return frame


#: The series of :meth:`PoolResults.summary` with quantiles as well as means.
QUANTILED_SERIES = ("net_flow", "cumulative_flow", "holdings", "pool_assets")


def summary_series(
    flow_paths: np.ndarray,
    *,
    holdings: np.ndarray,
    pool_assets: np.ndarray,
    pool_contributions: np.ndarray,
    contribution_scale: np.ndarray,
    pool_outflows: np.ndarray,
    blocked_sales: np.ndarray | None,
    outflow_by_cause: np.ndarray,
    outflow_causes: Sequence[str],
    price_level: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """The (S, Y) series that :meth:`PoolResults.summary` describes, in dollars.

    Each flow component by name, ``net_flow``, ``cumulative_flow``,
    ``holdings``, ``pool_assets``, ``pool_contributions`` (the pool's
    contributions, (Y, 3), scaled by each scenario's ``contribution_scale``),
    ``pool_outflows``, ``blocked_sales`` (when given) and ``pool_<cause>``.
    With ``price_level`` (S, Y), every figure is deflated by its own
    scenario's price level at the time of the money (:func:`real_deflators`):
    ``reallocation`` (adoption in the first period of the year) at the start
    of the year, the other flows (spread over the year) at mid-year, stocks
    (``holdings``, ``pool_assets``) at the year end; ``cumulative_flow`` is the
    running sum of the deflated flows. Shared by the paths' summary and the
    streamed one, so both describe the same quantities.
    """
    if price_level is None:
        mid = end = None
    else:
        _, mid, end = real_deflators(price_level)

    def deflate(values: np.ndarray, at: np.ndarray | None) -> np.ndarray:
        return values if at is None else values / at

    flows = flow_paths if price_level is None else deflate_flows(flow_paths, price_level)
    net = flows.sum(axis=-1)
    out = {name: flows[..., i] for i, name in enumerate(POOL_COMPONENTS)}
    out.update(
        net_flow=net,
        cumulative_flow=np.cumsum(net, axis=1),
        holdings=deflate(holdings, end),
        pool_assets=deflate(pool_assets, end),
        pool_contributions=deflate(
            pool_contributions.sum(axis=1)[None, :] * contribution_scale, mid
        ),
        pool_outflows=deflate(pool_outflows, mid),
    )
    if blocked_sales is not None:
        out["blocked_sales"] = deflate(blocked_sales, mid)
    for i, cause in enumerate(outflow_causes):
        out[f"pool_{cause}"] = deflate(outflow_by_cause[:, :, i], mid)
    return out


def deflate_flows(flow_paths: np.ndarray, price_level: np.ndarray) -> np.ndarray:
    """Flows by component (S, Y, C) in start-year dollars: reallocation at the start of
    the year, the other components at mid-year (:func:`real_deflators`)."""
    start, mid, _ = real_deflators(price_level)
    at = np.repeat(mid[..., None], len(POOL_COMPONENTS), axis=-1)
    at[..., POOL_COMPONENTS.index("reallocation")] = start
    return flow_paths / at


@dataclass(frozen=True, eq=False, repr=False)
class PoolResults:
    """Outcome of :meth:`alt401k.Scenario.run`: money flowing into one asset.

    Attributes
    ----------
    scenario : Scenario
        The validated specification.
    years : ndarray, shape (Y,)
        Calendar years.
    flow_paths : ndarray, shape (S, Y, C)
        Net purchases of the asset per year, by component
        (:data:`COMPONENTS`), dollars.
    asset_return : ndarray, shape (S, Y)
        Market gain on the pool's holdings of the asset, net of expenses and
        flat fees, dollars.
    holdings : ndarray, shape (S, Y)
        The pool's holdings of the asset at each year end, dollars.
    holdings_by_channel : ndarray, shape (S, Y, 3)
        ``holdings`` held through the active election on the core menu, the
        default fund, and the brokerage window.
    pool_assets : ndarray, shape (S, Y)
        Total DC pool at each year end, dollars.
    pool_outflows : ndarray, shape (S, Y)
        All money paid out of the plans each year, dollars.
    outflow_by_cause : ndarray, shape (S, Y, R)
        The outflows at the age-based rates by cause (``outflow_causes``):
        leakage of working participants (rollovers to IRAs, cash-outs,
        hardship, loan defaults), retirees' withdrawals and deaths, dollars;
        the last, ``rollovers_in``, is a memo: job changers' plan-to-plan
        rollovers, which stay in the pool (a contribution source of the new
        plan as much as an outflow of the old), not part of ``pool_outflows``.
    outflow_causes : tuple of str, length R
    pool_contributions : ndarray, shape (Y, 3)
        Contributions into the whole pool per year (employee pre-tax,
        employee Roth, employer), dollars, under the assumed inflation; a
        scenario's are these times ``contribution_scale``.
    excess_return : ndarray, shape (S, Y)
        Annual return of the asset minus that of ``pool_portfolio``.
    asset_names : tuple of str, length A
        Assets of the run (the alternative asset and the core portfolios').
    annual_returns : ndarray, shape (S, Y, A)
        Each asset's return compounded over each calendar year, gross of
        expenses: the market paths of the run.
    price_level : ndarray, shape (S, Y)
        Consumer price index at each year end, 1 at the start.
    contribution_scale : ndarray, shape (S, Y)
        Factor on ``pool_contributions`` in each scenario (pay following the
        scenario's price path; 1 when it does not).
    groups : DataFrame
        One row per group of cells sharing rules (segment, default investor,
        birth cohort, working, retirement age, central age, people, opening
        balance, channel).
    final_non_holder, final_holder, final_holder_asset, final_counterfactual : ndarray, shape (S, G)
        Group balances at the horizon, dollars: non-holders; holders; the
        holders' asset; and what the holders would have had without it.
    final_holder_share : ndarray, shape (S, G)
        Share of each group's people holding the asset at the horizon.
    start_holdings_by_channel : ndarray, shape (S, 3), optional
        The asset held at the start, before year 0, through each channel
        (active, default, window): ``Scenario.start_state`` and the
        brokerage window's holders at the start, dollars. A holding, not a flow.
    window_flows : ndarray, shape (S, Y, C), optional
        The part of ``flow_paths`` that went through the brokerage window.
    price_impact : ndarray, shape (S, Y), optional
        With ``Scenario.impact_feedback``: the change of the asset's price at
        each year end caused by the pool's own flows, a fraction (already in
        ``annual_returns``, holdings and flows); zeros otherwise.
    blocked_sales : ndarray, shape (S, Y)
        Sales of the asset blocked by ``Scenario.redemption_gate`` each year
        (rebalancing or unwinding wanted them; the gate did not allow them),
        dollars; zeros without a gate.
    draws : dict of str to ndarray (S,)
        Per-scenario draws of uncertain inputs (curve parameters,
        allocation share, reversal year, and the market model's
        ``markets/<asset>/expected_return`` and ``markets/<asset>/ruin_year``).
    seed : numpy.random.SeedSequence
        Root seed.
    periods_per_year : int
    sampling : {"mc", "antithetic", "qmc"}
        How the market's normals were drawn; it sets the batches of
        ``summary(se=True)``.
    precision : dict or None
        With ``n_scenarios="auto"``: each target's ``target``, ``reached``
        (relative 95% half-width) and ``met``; None otherwise.
    """

    scenario: Scenario
    years: np.ndarray
    flow_paths: np.ndarray
    asset_return: np.ndarray
    holdings: np.ndarray
    holdings_by_channel: np.ndarray
    pool_assets: np.ndarray
    pool_outflows: np.ndarray
    outflow_by_cause: np.ndarray
    outflow_causes: tuple[str, ...]
    pool_contributions: np.ndarray
    excess_return: np.ndarray
    asset_names: tuple[str, ...]
    annual_returns: np.ndarray
    price_level: np.ndarray
    contribution_scale: np.ndarray
    groups: pd.DataFrame
    final_non_holder: np.ndarray
    final_holder: np.ndarray
    final_holder_asset: np.ndarray
    final_counterfactual: np.ndarray
    final_holder_share: np.ndarray
    draws: dict[str, np.ndarray]
    seed: np.random.SeedSequence
    periods_per_year: int = 12
    sampling: str = "mc"
    precision: dict[str, dict[str, Any]] | None = None
    blocked_sales: np.ndarray | None = None
    start_holdings_by_channel: np.ndarray | None = None
    window_flows: np.ndarray | None = None
    price_impact: np.ndarray | None = None

    COMPONENTS = POOL_COMPONENTS

    def save(self, path: str | Path) -> Path:
        """Write this result to a directory; see :func:`alt401k.io.save`."""
        return _files.save(self, path)

    def rerun(self) -> PoolResults:
        """Simulate again from the recorded specification and seed (bit-identical)."""
        return _files.rerun(self)

    def __repr__(self) -> str:
        shown = _show.text(self)  # alt401k.display.describe_pool, registered by the face
        return shown if shown is not None else f"<{type(self).__name__}>"

    def _repr_html_(self) -> str | None:
        return _show.html(self)

    def sensitivity(
        self,
        *,
        target: str = "cumulative_flow",
        year: int | None = None,
        method: str = "rank",
        **kwargs: Any,
    ) -> pd.DataFrame:
        """Rank the uncertain inputs by their effect on a target.

        See :func:`alt401k.sensitivity.sensitivity`.
        """
        from ..sensitivity import sensitivity

        return sensitivity(self, target=target, year=year, method=method, **kwargs)

    @property
    def n_scenarios(self) -> int:
        return int(self.flow_paths.shape[0])

    @property
    def net_flows(self) -> np.ndarray:
        """Net purchases of the asset per year, all components, shape (S, Y), dollars."""
        return self.flow_paths.sum(axis=-1)

    @property
    def cumulative_flows(self) -> np.ndarray:
        """Net purchases since the start, by year end, shape (S, Y), dollars."""
        return np.cumsum(self.net_flows, axis=1)

    @property
    def headline_reallocation(self) -> float:
        """Mean first-year reallocation of existing balances, dollars.

        With full adoption and opt-in this is ``allocation_share * pool_assets``
        (e.g. 1% of $12.5T = $125B) in every scenario. Rounded to 16
        significant digits (a relative change of at most 5e-16): the sum over
        cells carries float error at the 17th (125e9 printed as
        124999999999.99997 otherwise).
        """
        return float(f"{float(self.flow_paths[:, 0, 0].mean()):.16g}")

    def annual_return(self, name: str) -> np.ndarray:
        """One asset's calendar-year returns, shape (S, Y), fraction (gross of expenses)."""
        return _annual_return(self.asset_names, self.annual_returns, name)

    def component(self, name: str) -> np.ndarray:
        """One flow component, shape (S, Y), dollars."""
        if name not in POOL_COMPONENTS:
            raise ValueError(f"component must be one of {', '.join(POOL_COMPONENTS)}; got {name!r}")
        return self.flow_paths[..., POOL_COMPONENTS.index(name)]

    def flows(self, *, by_channel: bool = False) -> pd.DataFrame:
        """Tidy flows: one row per scenario, year and component.

        Parameters
        ----------
        by_channel : bool
            Also split each row by channel: ``"plan"`` (the core menu's
            active election and the default fund) and ``"window"`` (the
            brokerage window), in a ``channel`` column; the two add up to the
            rows without it.

        Returns
        -------
        DataFrame
            Columns ``scenario`` (int), ``year`` (calendar year), ``component``
            (categorical: reallocation, contributions, distributions,
            rebalancing), ``channel`` when asked for, and ``dollars`` (net
            purchases of the asset).
        """
        s, y, c = self.flow_paths.shape
        if not by_channel:
            parts = [("", self.flow_paths)]
        else:
            window = self.window_flows if self.window_flows is not None else 0.0 * self.flow_paths
            parts = [("plan", self.flow_paths - window), ("window", window)]
        frames = []
        for label, values in parts:
            frame = pd.DataFrame(
                {
                    "scenario": np.repeat(np.arange(s), y * c),
                    "year": np.tile(np.repeat(self.years, c), s),
                    "component": pd.Categorical.from_codes(
                        np.tile(np.arange(c), s * y), categories=pd.Index(POOL_COMPONENTS)
                    ),
                    "dollars": values.reshape(-1),
                }
            )
            if label:
                frame.insert(3, "channel", label)
            frames.append(frame)
        out = frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
        if by_channel:
            out["channel"] = pd.Categorical(out["channel"], categories=["plan", "window"])
        return out.pipe(_with_units, False)

    def start_holdings(self) -> pd.DataFrame:
        """The asset held at the start, before year 0, by channel: a holding, not a flow.

        Returns
        -------
        DataFrame indexed by channel (active, default, window, total)
            ``mean``, ``p05``, ``p50``, ``p95`` over scenarios, dollars (the
            start state and the window's holders at the start; the same in
            every scenario unless an uncertain allocation share is drawn).
        """
        held = (
            np.zeros((self.n_scenarios, 3))
            if self.start_holdings_by_channel is None
            else self.start_holdings_by_channel
        )
        values = np.column_stack([held, held.sum(axis=1)])
        q05, q50, q95 = np.quantile(values, (0.05, 0.5, 0.95), axis=0)
        frame = pd.DataFrame(
            {"mean": values.mean(axis=0), "p05": q05, "p50": q50, "p95": q95},
            index=pd.Index(["active", "default", "window", "total"], name="channel"),
        )
        return frame.pipe(_with_units, False)

    def pool_flows(self) -> pd.DataFrame:
        """Tidy money flows of the whole pool: one row per scenario, year and source.

        Returns
        -------
        DataFrame
            Columns ``scenario``, ``year``, ``direction`` (``"in"`` or
            ``"out"``), ``source`` and ``dollars`` (>= 0). In: ``employee_pretax``,
            ``employee_roth``, ``employer`` (scaled by the scenario's
            ``contribution_scale``) and ``rollovers_in`` (job changers'
            plan-to-plan rollovers). Out: every outflow cause of
            ``outflow_causes`` but the memo, plus ``rollovers_to_plans`` (the
            same plan-to-plan rollovers, leaving the old plan). Benefit payments
            as the Form 5500 counts them are the ``"out"`` rows; net new money
            is ``"in"`` minus ``"out"``, in which the plan-to-plan rollovers
            cancel.
        """
        s, y = self.pool_assets.shape
        series: dict[tuple[str, str], np.ndarray] = {}
        for i, name in enumerate(("employee_pretax", "employee_roth", "employer")):
            series["in", name] = self.pool_contributions[None, :, i] * self.contribution_scale
        causes = list(self.outflow_causes)
        memo = causes.index("rollovers_in") if "rollovers_in" in causes else None
        if memo is not None:
            series["in", "rollovers_in"] = self.outflow_by_cause[:, :, memo]
        for i, cause in enumerate(causes):
            if i != memo:
                series["out", cause] = self.outflow_by_cause[:, :, i]
        if memo is not None:
            series["out", "rollovers_to_plans"] = self.outflow_by_cause[:, :, memo]
        if not causes:
            series["out", "outflows"] = self.pool_outflows
        keys = list(series)
        values = np.stack([series[k] for k in keys], axis=-1)  # (S, Y, K)
        k = len(keys)
        return pd.DataFrame(
            {
                "scenario": np.repeat(np.arange(s), y * k),
                "year": np.tile(np.repeat(self.years, k), s),
                "direction": pd.Categorical(np.tile([d for d, _ in keys], s * y)),
                "source": pd.Categorical(np.tile([n for _, n in keys], s * y)),
                "dollars": values.reshape(-1),
            }
        ).pipe(_with_units, False)

    def summary(
        self,
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
            self.flow_paths,
            holdings=self.holdings,
            pool_assets=self.pool_assets,
            pool_contributions=self.pool_contributions,
            contribution_scale=self.contribution_scale,
            pool_outflows=self.pool_outflows,
            blocked_sales=self.blocked_sales,
            outflow_by_cause=self.outflow_by_cause,
            outflow_causes=self.outflow_causes,
            price_level=self.price_level if real else None,
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
        for cause in self.outflow_causes:
            out[f"pool_{cause}_mean"] = series[f"pool_{cause}"].mean(axis=0)
        deflator = self.price_level if real else 1.0
        if self.window_flows is not None:
            window = self.window_flows
            if real:
                window = deflate_flows(window, self.price_level)
            out["window_net_flow_mean"] = window.sum(axis=-1).mean(axis=0)
        if self.holdings_by_channel.shape[-1] > 2:
            out["window_holdings_mean"] = (self.holdings_by_channel[..., 2] / deflator).mean(axis=0)
        frame = pd.DataFrame(out, index=pd.Index(self.years, name="year"))
        frame.attrs["assumptions"] = self.scenario.assumptions()
        frame.attrs["units"] = units(real)
        if se:
            self._add_standard_errors(frame, series, qs, real)
        return frame

    def _add_standard_errors(
        self, frame: pd.DataFrame, series: dict[str, np.ndarray], qs: Sequence[float], real: bool
    ) -> None:
        """``<column>_se`` for every column of :meth:`summary`, by batch means, in place."""
        batches = batch_slices(self.flow_paths.shape[0], self.sampling)
        per_scenario = dict(series)
        if self.window_flows is not None:
            window = self.window_flows
            if real:
                window = deflate_flows(window, self.price_level)
            per_scenario["window_net_flow"] = window.sum(axis=-1)
        if self.holdings_by_channel.shape[-1] > 2:
            deflator = self.price_level if real else 1.0
            per_scenario["window_holdings"] = self.holdings_by_channel[..., 2] / deflator
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
        self, quantiles: Sequence[float] = (0.05, 0.5, 0.95), *, real: bool = False
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
        deflator = self.price_level if real else 1.0
        share = np.divide(
            self.holdings,
            self.pool_assets,
            out=np.zeros_like(self.holdings, dtype=float),
            where=self.pool_assets > 0,
        )
        out: dict[str, np.ndarray] = {}
        for name, values in {"holdings": self.holdings / deflator, "holdings_share": share}.items():
            out[f"{name}_mean"] = values.mean(axis=0)
            for q, row in zip(qs, np.quantile(values, qs, axis=0), strict=True):
                out[f"{name}_{quantile_label(q)}"] = row
        frame = pd.DataFrame(out, index=pd.Index(self.years, name="year"))
        frame.attrs["units"] = units(real)
        return frame

    def risk(self, quantiles: Sequence[float] = (0.05, 0.5, 0.95)) -> pd.DataFrame:
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
                **_distribution_row(_max_drawdown(self.holdings), qs),
                "unit": "share of peak",
            },
            "prob_negative_cumulative_flow": {
                "mean": float(np.mean(self.cumulative_flows[:, -1] < 0.0)),
                **blank,
                "unit": "probability",
            },
        }
        frame = pd.DataFrame.from_dict(rows, orient="index")
        frame.index.name = "metric"
        frame.attrs["units"] = units(False)
        return frame

    def outcomes(
        self,
        quantiles: Sequence[float] = DEFAULT_QUANTILES,
        *,
        after_tax: bool = False,
        real: bool = False,
        se: bool = False,
    ) -> pd.DataFrame:
        """Balances per person at the horizon: holders of the asset vs the rest, same paths.

        Parameters
        ----------
        quantiles : sequence of float
        after_tax : bool
            Value each balance after tax: its pre-tax part (the group's
            opening pre-tax share) taxed as ordinary income in the horizon
            year, on top of that year's wages (the group's pay per person,
            on the scenario's price path; none for those not working), as one
            withdrawal by a single filer of the group's central age, with the
            10% penalty below 59 1/2 -- what a cash-out would leave (federal
            2026 schedule indexed by the scenario's price path; see
            :mod:`alt401k.tax`).
        real : bool
            Start-year dollars (deflated by the scenario's price level).
        se : bool
            Add ``mean_se`` and ``<quantile>_se``, the Monte Carlo standard
            errors of the mean and of each quantile, by batch means over
            independent batches of scenarios (``attrs["se_method"]``; NaN
            with fewer than two batches or where a batch holds nobody).

        Returns
        -------
        DataFrame indexed by ``group``
            Rows ``holders`` (balance per person of those holding the asset),
            ``holders_without_asset`` (the same people had they never held
            it: same contributions, core portfolio only), ``non_holders`` and
            ``holder_gain`` (holders minus holders_without_asset, per person).
            Columns ``people_mean`` (people in the row, mean over scenarios),
            ``mean`` and the quantiles (``p05`` ...) of the balance per person
            over scenarios and groups of cells, weighted by people. Dollars,
            nominal unless ``real``; ``attrs`` says which.
        """
        qs = check_quantiles(quantiles)
        people = self.groups["people"].to_numpy()[None, :]
        holders = self.final_holder_share * people
        others = (1.0 - self.final_holder_share) * people

        def per_person(total: np.ndarray, count: np.ndarray) -> np.ndarray:
            return np.divide(total, count, out=np.zeros_like(total), where=count > 0)

        value = self._after_tax_value if after_tax else (lambda x: x)
        holder = value(per_person(self.final_holder, holders))
        without = value(per_person(self.final_counterfactual, holders))
        series = {
            "holders": (holder, holders),
            "holders_without_asset": (without, holders),
            "non_holders": (value(per_person(self.final_non_holder, others)), others),
            "holder_gain": (holder - without, holders),
        }
        if real:
            deflator = self.price_level[:, -1:]
            series = {k: (v / deflator, w) for k, (v, w) in series.items()}
        labels = ["mean", *(quantile_label(q) for q in qs)]

        def statistics(stacked: np.ndarray) -> np.ndarray:
            """``[mean, quantiles...]`` of values ``stacked[..., 0]`` weighted by ``[..., 1]``."""
            values, weights = stacked[..., 0], stacked[..., 1]
            total = float(weights.sum())
            if total <= 0:
                return np.full(len(labels), np.nan)
            mean = float((values * weights).sum() / total)
            return np.array([mean, *_weighted_quantiles(values, weights, qs)])

        batches = batch_slices(self.n_scenarios, self.sampling) if se else []
        rows = {}
        for name, (values, weights) in series.items():
            total = float(weights.sum())
            row: dict[str, float] = {"people_mean": total / self.n_scenarios}
            stacked = np.stack([values, weights], axis=-1)
            figures = statistics(stacked) if total > 0 else np.zeros(len(labels))
            row.update(zip(labels, map(float, figures), strict=True))
            if se:
                errors = batch_standard_error(stacked, statistics, batches)
                row.update({f"{k}_se": float(e) for k, e in zip(labels, errors, strict=True)})
            rows[name] = row
        frame = pd.DataFrame.from_dict(rows, orient="index")
        frame.index.name = "group"
        if se:
            frame.attrs["se_method"] = SE_METHOD
        frame.attrs["dollars"] = ("after-tax " if after_tax else "") + (
            "start-year (real)" if real else "nominal"
        )
        frame.attrs["units"] = units(real)
        return frame

    def _after_tax_value(self, per_person: np.ndarray) -> np.ndarray:
        """Per-person balances (S, G) net of the tax and penalty of cashing them out."""
        year = int(self.years[-1])
        base = TaxSchedule.federal(year=2026, filing_status="single")
        schedule = base.indexed(1.0, year=year)
        # The price path starts in the first simulated year; 2.5% a year before it.
        index0 = 1.025 ** max(int(self.years[0]) - 2026, 0)
        index = index0 * self.price_level[:, -1:]
        age = (self.groups["age"].to_numpy() + len(self.years) - 1)[None, :].astype(float)
        pretax = per_person * self.groups["pretax_share"].to_numpy()[None, :]
        # On top of the year's wages (each scenario's pay level), at the rates the total reaches.
        wages = np.zeros((1, len(self.groups)))
        if "wages" in self.groups:
            wages = self.groups["wages"].to_numpy()[None, :] * self.contribution_scale[:, -1:]
        tax = schedule.income_tax(wages + pretax, age=age, index=index) - schedule.income_tax(
            wages, age=age, index=index
        )
        penalty = early_withdrawal_penalty(pretax, age)
        return per_person - tax - penalty

    def market_context(
        self, context: Any = None, quantiles: Sequence[float] = (0.05, 0.5, 0.95)
    ) -> pd.DataFrame:
        """Each year's flows and holdings against the asset's market, path by path.

        Parameters
        ----------
        context : MarketContext, optional
            The starting figures, dated and sourced; default
            :meth:`alt401k.MarketContext.bitcoin` for a bitcoin run (other
            assets need one).
        quantiles : sequence of float
            Quantiles across scenarios.

        Returns
        -------
        DataFrame indexed by ``year``
            ``issuance_units`` and ``other_buyers_flow`` (the context's
            figures), then ``<series>_mean`` and quantiles across scenarios
            of: ``market_value`` (the asset's value on the path, dollars),
            ``net_flow_share_of_value`` (the pool's net flow over the year's
            average market value), ``holdings_share_of_value``,
            ``issuance_dollars`` (new supply at the path's price),
            ``net_flow_to_issuance``, ``net_flow_to_other_buyers`` (e.g. US
            spot ETFs' flows) and ``price_impact`` (the price change the
            pool's flows would cause in the inelastic-markets view, with the
            multiplier drawn per scenario; reported, not fed back). Series
            that do not exist for the context (no issuance) are left out.
            Definitions in :mod:`alt401k.market_context`; ``attrs`` carry the
            context and units.
        """
        from .market_context import context_table

        if context is None:
            context = self.scenario.market_context
        return context_table(self, context, quantiles)

    def patient_capital(self, context: Any = None) -> pd.DataFrame:
        """Is it patient capital? The pool's flows in the asset's worst and best years.

        Parameters
        ----------
        context : MarketContext, optional
            For the benchmark (other buyers' correlation with returns);
            default :meth:`alt401k.MarketContext.bitcoin` for bitcoin.

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
            context = self.scenario.market_context
        return patient_capital(self, context)

    def countercyclicality(self) -> pd.DataFrame:
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
        excess = self.excess_return
        out = {
            "corr_rebalancing": _columnwise_corr(self.component("rebalancing"), excess),
            "corr_net_flow": _columnwise_corr(self.net_flows, excess),
            "rebalancing_mean": self.component("rebalancing").mean(axis=0),
        }
        frame = pd.DataFrame(out, index=pd.Index(self.years, name="year"))
        frame.attrs["mean"] = {
            k: float(np.nanmean(v)) if np.any(np.isfinite(v)) else float("nan")
            for k, v in out.items()
        }
        frame.attrs["units"] = units(False)
        return frame

    def metadata(self) -> dict[str, Any]:
        """The specification and seed as JSON-friendly data.

        Complete: ``Scenario.model_validate(m["scenario"]).run(m["n_scenarios"],
        rng=SeedSequence(**seed), periods_per_year=...)`` gives bit-identical
        numbers; :func:`alt401k.io.rerun` does exactly that.
        """
        return {
            "scenario": self.scenario.model_dump(mode="json"),
            "n_scenarios": self.n_scenarios,
            "periods_per_year": self.periods_per_year,
            "seed": seed_record(self.seed),
        }
