"""The scenario API: specify, run, sweep.

* :func:`simulate_participant` — one saver, thousands of market paths.
* :class:`Scenario` — the DC pool and one alternative asset: how much money
  flows in, and when, for given sponsor adoption, opt-in and allocation share.
* :func:`sweep` — a Scenario over a grid of knobs, one tidy row per point.

Every entry point takes a keyword-only ``rng`` (None, int, SeedSequence or
Generator). Runs with the same seed and the same market model see the same
market paths, so comparisons between variants (with vs without a sleeve,
different adoption rates) are paired.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import Field, ValidationError, model_validator

from ._random import RngLike, as_seed_sequence
from ._spec import ReadOnlyWeights, Spec
from .contributions import annual_contributions
from .engine import (
    AccountSchedule,
    PoolSchedule,
    simulate_accounts,
    simulate_pool,
)
from .execution import check_n_scenarios, chunk_ranges
from .markets import MarketModel, default_markets
from .plan import PlanDesign
from .population import Participant, cells_from_participants
from .portfolio import Portfolio
from .results import ParticipantResults, PoolResults, check_quantiles, quantile_label

__all__ = ["Scenario", "simulate_participant", "sweep"]

_PERIODS = (1, 2, 4, 12, 52)


def simulate_participant(
    participant: Participant,
    plan: PlanDesign | None = None,
    portfolio: Portfolio | None = None,
    *,
    markets: MarketModel | None = None,
    n_scenarios: int = 1_000,
    rng: RngLike = None,
    periods_per_year: int = 12,
    indexing_rate: float = 0.025,
    chunk_size: int | None = None,
) -> ParticipantResults:
    """Simulate one saver's account from today to retirement.

    Parameters
    ----------
    participant : Participant
        Age, pay, balance, deferral election.
    plan : PlanDesign, optional
        Match and fees; default ``PlanDesign()`` (modal 50% of the first 6%).
    portfolio : Portfolio, optional
        Target weights, rebalanced every period; default 60/40 US equity/bonds.
    markets : MarketModel, optional
        Return model; default :func:`alt401k.default_markets`. Paths are
        drawn for *all* its assets, so portfolios that differ only in weights
        see identical paths for the same ``rng`` (common random numbers).
    n_scenarios : int
        Market paths S, >= 1.
    rng : None, int, SeedSequence or Generator
        Seed (keyword-only).
    periods_per_year : int
        1, 2, 4, 12 (default) or 52.
    indexing_rate : float
        Annual indexing of IRS limits after 2026.
    chunk_size : int, optional
        Scenarios held in memory at once; results do not depend on it.

    Returns
    -------
    ParticipantResults
        ``terminal_balance`` (S,), ``ledger()``, ``summary()`` and the raw
        (S, Y) arrays.
    """
    n_scenarios = check_n_scenarios(n_scenarios)
    plan = PlanDesign() if plan is None else plan
    portfolio = (
        Portfolio(weights={"us_equity": 0.6, "us_bonds": 0.4}) if portfolio is None else portfolio
    )
    markets = default_markets() if markets is None else markets
    if (
        isinstance(periods_per_year, bool)
        or not isinstance(periods_per_year, int)
        or (periods_per_year not in _PERIODS)
    ):
        raise ValueError(f"periods_per_year must be one of {_PERIODS}; got {periods_per_year!r}")
    weights = portfolio.target_weights(markets.names)
    root = as_seed_sequence(rng)

    cells = cells_from_participants([participant])
    n_years = participant.n_years
    contributions = annual_contributions(
        cells, plan, start_year=participant.start_year, n_years=n_years, indexing_rate=indexing_rate
    )
    schedule = AccountSchedule(
        weights=weights[None, :],
        expense_ratio=markets.expense_ratios,
        contributions=np.stack(
            [contributions.employee_pretax, contributions.employee_roth, contributions.employer],
            axis=-1,
        ),
        flat_fee=np.array([plan.recordkeeping_fee]),
        balance0=np.array(
            [[participant.balance - participant.roth_balance, participant.roth_balance]]
        ),
        periods_per_year=periods_per_year,
    )

    balance = np.empty((n_scenarios, n_years))
    roth = np.empty((n_scenarios, n_years))
    invest = np.empty((n_scenarios, n_years))
    fees = np.empty((n_scenarios, n_years))
    prices = np.empty((n_scenarios, n_years))
    for start, stop in chunk_ranges(n_scenarios, chunk_size):
        paths = markets.sample(
            stop - start, n_years, periods_per_year, rng=root, first_scenario=start
        )
        out = simulate_accounts(paths.returns, schedule)
        balance[start:stop] = out.balance_end[..., 0]
        roth[start:stop] = out.roth_balance_end[..., 0]
        invest[start:stop] = out.investment_return[..., 0]
        fees[start:stop] = out.fees[..., 0]
        prices[start:stop] = np.cumprod(paths.annual_inflation() + 1.0, axis=1)
    return ParticipantResults(
        participant=participant,
        plan=plan,
        portfolio=portfolio,
        contributions=contributions,
        balance_end=balance,
        roth_balance_end=roth,
        investment_return=invest,
        fees=fees,
        price_level=prices,
        seed=root,
        periods_per_year=periods_per_year,
    )


#: Months between rebalancing trades in the pool.
_REBALANCE_MONTHS = {"monthly": 1, "quarterly": 3, "annual": 12, "never": 0}


class Scenario(Spec):
    """The DC pool meets one alternative asset.

    A share ``sponsor_adoption`` of the pool sits in plans that offer the
    asset (from the first month in v1); a share ``opt_in_rate`` of those
    participants opt in (balances assumed average, so these are also shares
    of assets); they direct ``allocation_share`` of their balance and of new
    contributions to ``asset``.

    Parameters
    ----------
    pool_assets : float
        DC assets at the start, dollars; default $12.5T (the figure in coverage
        of EO 14330; ICI: $12.2T Q1 2025, $13.9T Q3 2025).
    sponsor_adoption, opt_in_rate, allocation_share : float
        Fractions in [0, 1]. Defaults 1, 1 and 0.01: the "1% of $12.5T =
        $125B" ceiling.
    asset : str
        Alternative asset, a name in ``markets``; default "bitcoin".
    horizon_years : int
        Years simulated, 1-100.
    start_year : int
        First calendar year.
    annual_contributions : float
        Gross contributions into the whole pool in the first year, dollars;
        default $650B (*est.*: 72M active participants x ~$75k pay x 12%).
    contribution_growth : float
        Annual growth of contributions; default 3.5% (*est.*, pay growth).
    distribution_rate : float
        Share of assets paid out per year (distributions and rollovers);
        default 5.2% (*est.*: of similar size to contributions, $650B / $12.5T).
    pool_portfolio : dict
        Weights of the rest of the pool; default 60/40 US equity/bonds (*est.*).
    rebalancing : {"monthly", "quarterly", "annual", "never"}
        How often participating balances are traded back to
        ``allocation_share``; default quarterly (*est.*, typical of target-date
        and managed options).
    markets : MarketModel
        Return model; default :func:`alt401k.default_markets`.
    """

    pool_assets: float = Field(default=12.5e12, gt=0.0, le=1e15)
    sponsor_adoption: float = Field(default=1.0, ge=0.0, le=1.0)
    opt_in_rate: float = Field(default=1.0, ge=0.0, le=1.0)
    allocation_share: float = Field(default=0.01, ge=0.0, le=1.0)
    asset: str = "bitcoin"
    horizon_years: int = Field(default=10, ge=1, le=100)
    start_year: int = Field(default=2026, ge=1900, le=2200)
    annual_contributions: float = Field(default=650e9, ge=0.0, le=1e14)
    contribution_growth: float = Field(default=0.035, ge=-0.5, le=0.5)
    distribution_rate: float = Field(default=0.052, ge=0.0, le=1.0)
    pool_portfolio: ReadOnlyWeights = Field(
        default_factory=lambda: {"us_equity": 0.6, "us_bonds": 0.4}, validate_default=True
    )
    rebalancing: Literal["monthly", "quarterly", "annual", "never"] = "quarterly"
    markets: MarketModel = Field(default_factory=default_markets)

    @model_validator(mode="after")
    def _assets_exist(self) -> Scenario:
        names = self.markets.names
        if self.asset not in names:
            raise ValueError(
                f"asset {self.asset!r} is not in markets; available: {', '.join(names)}"
            )
        # Validates weights (range, sum to 1) and names against the market model.
        try:
            Portfolio(weights=self.pool_portfolio).target_weights(names)
        except (ValueError, ValidationError) as err:
            detail = err.errors()[0]["msg"] if isinstance(err, ValidationError) else str(err)
            detail = detail.removeprefix("Value error, ")
            raise ValueError(f"pool_portfolio is invalid: {detail}") from None
        return self

    @property
    def participation(self) -> float:
        """Share of pool assets that hold the asset: adoption x opt-in."""
        return self.sponsor_adoption * self.opt_in_rate

    def _market_universe(self) -> MarketModel:
        names = tuple(dict.fromkeys((self.asset, *self.pool_portfolio)))
        return self.markets.subset(names)

    def run(
        self, n_scenarios: int = 1_000, *, rng: RngLike = None, chunk_size: int | None = None
    ) -> PoolResults:
        """Simulate the pool month by month over ``horizon_years``.

        Parameters
        ----------
        n_scenarios : int
            Market paths, >= 1.
        rng : None, int, SeedSequence or Generator
            Seed (keyword-only). Scenarios that differ only in adoption,
            opt-in or allocation share see the same paths for the same seed.
        chunk_size : int, optional
            Scenarios in memory at once; results do not depend on it.

        Returns
        -------
        PoolResults
        """
        n_scenarios = check_n_scenarios(n_scenarios)
        root = as_seed_sequence(rng)
        universe = self._market_universe()
        periods = 12
        n_periods = self.horizon_years * periods
        core_weights = Portfolio(weights=self.pool_portfolio).target_weights(universe.names)
        asset_index = universe.names.index(self.asset)
        year_of_period = np.arange(n_periods) // periods
        schedule = PoolSchedule(
            pool_assets=self.pool_assets,
            participation=np.full(n_periods, self.participation),
            allocation_share=self.allocation_share,
            contributions=self.annual_contributions
            * (1.0 + self.contribution_growth) ** year_of_period
            / periods,
            distribution_rate=self.distribution_rate / periods,
            rebalance_every=_REBALANCE_MONTHS[self.rebalancing],
            asset_expense=float(universe.expense_ratios[asset_index]) / periods,
            core_expense=float(core_weights @ universe.expense_ratios) / periods,
            periods_per_year=periods,
        )
        y = self.horizon_years
        flows = np.empty((n_scenarios, y, 4))
        asset_return = np.empty((n_scenarios, y))
        holdings = np.empty((n_scenarios, y))
        pool = np.empty((n_scenarios, y))
        for start, stop in chunk_ranges(n_scenarios, chunk_size):
            paths = universe.sample(stop - start, y, periods, rng=root, first_scenario=start)
            out = simulate_pool(
                paths.returns[..., asset_index], np.matmul(paths.returns, core_weights), schedule
            )
            flows[start:stop] = out.flows
            asset_return[start:stop] = out.asset_return
            holdings[start:stop] = out.holdings
            pool[start:stop] = out.pool_assets
        return PoolResults(
            scenario=self,
            years=self.start_year + np.arange(y),
            flow_paths=flows,
            asset_return=asset_return,
            holdings=holdings,
            pool_assets=pool,
            seed=root,
        )


def sweep(
    base: Scenario,
    *,
    n_scenarios: int = 1_000,
    rng: RngLike = None,
    quantiles: Sequence[float] = (0.05, 0.5, 0.95),
    chunk_size: int | None = None,
    **grids: Iterable[Any],
) -> pd.DataFrame:
    """Run ``base`` over the Cartesian product of knob values.

    Parameters
    ----------
    base : Scenario
        Values for every knob not in ``grids``.
    n_scenarios : int
        Paths per grid point.
    rng : None, int, SeedSequence or Generator
        One seed for the whole sweep: every grid point sees the same market
        paths, so differences between rows are due to the knobs alone.
    quantiles : sequence of float
        Quantiles of cumulative flows to report.
    **grids
        Field name to a sequence of values, e.g. ``sponsor_adoption=[0.1, 0.5]``.

    Returns
    -------
    DataFrame
        One row per grid point: the knob values, ``headline_reallocation``
        (first-year reallocation of existing balances, dollars), mean and
        quantiles of cumulative net flows over the horizon
        (``cumulative_flow_*``), and median final holdings.
    """
    if not grids:
        raise ValueError("sweep needs at least one grid, e.g. sponsor_adoption=[0.1, 0.5]")
    unknown = sorted(set(grids) - set(Scenario.model_fields))
    if unknown:
        raise ValueError(
            f"unknown Scenario field {unknown[0]!r} in sweep; "
            f"fields: {', '.join(Scenario.model_fields)}"
        )
    axes = {name: list(values) for name, values in grids.items()}
    for name, values in axes.items():
        if not values:
            raise ValueError(f"grid {name!r} must hold at least one value; got none")
    n_scenarios = check_n_scenarios(n_scenarios)
    quantiles = check_quantiles(quantiles)
    root = as_seed_sequence(rng)
    rows = []
    for point in itertools.product(*axes.values()):
        knobs = dict(zip(axes, point, strict=True))
        result = base.replace(**knobs).run(n_scenarios, rng=root, chunk_size=chunk_size)
        total = result.cumulative_flows[:, -1]
        row: dict[str, Any] = {**knobs, "headline_reallocation": result.headline_reallocation}
        row["cumulative_flow_mean"] = float(total.mean())
        for q, v in zip(quantiles, np.quantile(total, quantiles), strict=True):
            row[f"cumulative_flow_{quantile_label(q)}"] = float(v)
        row["final_holdings_p50"] = float(np.median(result.holdings[:, -1]))
        rows.append(row)
    return pd.DataFrame(rows)
