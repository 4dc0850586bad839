# Why this file is above 500 lines: it is one specification, and its size is
# documentation. :class:`Scenario`'s docstring states every one of its ~40
# fields with units, defaults and sources (about 200 lines), and ``run`` keeps
# its three typed overloads and full parameter documentation (about 150
# lines): they are the public contract a user reads with ``help()``, and
# splitting the class would scatter one spec. What is not the spec itself
# lives beside it: its field types (``_fields.py``), its cross-field checks
# (``pool_checks.py``), its run (``pool_run.py``) and its assumptions in words
# (``pool_assumptions.py``).
"""The DC pool meets one alternative asset: :class:`Scenario` and its run."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Annotated, Any, Literal, overload

import numpy as np
import pandas as pd
from pydantic import (
    BeforeValidator,
    Field,
    field_validator,
    model_validator,
)

from .._calibrate import FlowCalibration, solve_flows
from .._random import RngLike
from .._spec import ReadOnlyWeights, Spec
from ..adoption import (
    BrokerageWindow,
    CurveField,
    DefaultChannel,
    ProductAvailability,
    Rebalancing,
    Reversal,
    StartState,
    Uncertain,
    check_uncertain_range,
)
from ..execution import (
    ExecutorLike,
)
from ..flow_targets import FlowTargets
from ..leakage import Leakage
from ..market_context import MarketContext
from ..markets import MarketModel, default_markets
from ..pay import PayPath
from ..plan import PlanDesign
from ..population import Population
from ..results import PoolResults, StreamedPoolResults
from ..results.streaming import DEFAULT_RELATIVE_ACCURACY
from ..segments import PlanSegment, default_segments
from . import pool_assumptions as _pool_assumptions
from ._common import (
    AUTO_MAX_SCENARIOS,
    DEFAULT_CELLS,
    POPULATION_SEED,
)
from ._fields import PopulationField, _default_population, _rebalancing_rule
from .pool_checks import check_consistent
from .pool_run import run_pool

__all__ = ["DEFAULT_CELLS", "POPULATION_SEED", "Scenario"]


#: The headline pool: $12.5T (coverage of EO 14330) and 90 million people (EO text).
_HEADLINE_ASSETS = 12.5e12
_HEADLINE_PEOPLE = 90e6


@functools.lru_cache(maxsize=16)
def _calibration(scenario: Scenario) -> FlowCalibration:
    population = scenario.resolved_population()
    names = scenario._universe(population)
    return solve_flows(scenario, population, names, scenario.flow_targets_in_force())


class Scenario(Spec):
    """The DC pool meets one alternative asset.

    The pool is a population of weighted participant cells (default: a
    synthetic US population of :data:`DEFAULT_CELLS` cells scaled to
    ``pool_assets``) in plans grouped by size (``segments``). Each year a
    share of plans offers the asset (``sponsor_adoption``); participants in
    those plans hold it through two channels:

    * the **active channel** (``active_channel=True``): a share
      ``opt_in_rate`` elect it and put ``allocation_share`` of their
      balance and new contributions in it (capped by the segment's
      ``alt_cap``), then rebalance as ``rebalancing`` says -- by default
      never: most self-directed holdings drift with prices;
    * the **default channel** (``default_fund``): every default investor
      (wholly in the target-date fund) of an adopting plan holds the fund's
      sleeve, rebalanced by the fund.

    Money moves when a plan adopts (*reallocation*), with each contribution
    (*contributions*), with outflows (*distributions*) and on rebalancing
    dates (*rebalancing*). A ``reversal`` can rescind the rules.

    Parameters
    ----------
    pool_assets : float, optional
        DC assets at the start, dollars; the population's balances are scaled
        to it. Default $12.5T (coverage of EO 14330; ICI: $12.2T Q1 2025,
        $13.9T Q3 2025) for the synthetic population, or a given
        population's own total.
    n_participants : float, optional
        People in DC plans, for the synthetic population; default 90 million
        ("over 90 million Americans", EO text; 72.2M active participants in
        401(k) plans, 2019 Form 5500) for $12.5T, and in proportion for
        another ``pool_assets`` (so a smaller pool is fewer people with the
        same balances, pay and flows per person, not the same people poorer).
    population : Population, optional
        Your own cells (e.g. ``Population.from_frame`` of a recordkeeper
        extract, or one ``Participant``: a one-cell population); default the
        synthetic population.
    segments : tuple of PlanSegment
        Plan-size segments with plan design, adoption curve and cap;
        default :func:`alt401k.segments.default_segments`. Every segment
        named by the population must be here.
    plan : PlanDesign, optional
        One plan design for every segment (overrides the segments' designs).
    sponsor_adoption : float, curve or "segments"
        Cumulative share of plans offering the asset: a number (reached in
        the first year), a curve (``ak.Fixed``, ``ak.Logistic``,
        ``ak.Bass``, whose parameters may be distributions drawn per
        scenario), or ``"segments"`` for each segment's own curve (the
        crypto defaults: slow, low ceilings, larger plans first). Default 1.
    opt_in_rate : float or curve
        Share of participants in adopting plans who elect the asset
        (active channel). Default 1.
    allocation_share : float or distribution
        Share of an electing participant's balance and contributions in the
        asset, [0, 1]; a distribution is drawn once per scenario. Must not
        exceed any segment's ``alt_cap``. Default 0.01.
    rebalancing : str or Rebalancing
        Active channel's rebalancing: ``"never"`` (default: holdings drift),
        ``"monthly"``, ``"quarterly"``, ``"annual"``, or
        ``Rebalancing(frequency=, fraction=)`` for partial rebalancing. The
        choice can flip the sign of expected net flows over ten years.
    active_channel : bool
        Whether participants can elect the asset. Default True.
    leakage : Leakage
        Working participants' leakage as expected shares: separations with
        rollovers or cash-outs, hardship withdrawals, loan defaults
        (:class:`alt401k.leakage.Leakage`; ignored with ``distribution_rate``).
        Retired and separated cells withdraw by the retirement rules
        (:mod:`alt401k.outflows`).
    pay_follows_prices : bool
        Whether pay, hence contributions, follow each scenario's simulated
        price path: the cells' pay grows with ``salary_growth`` under the
        market model's mean inflation, and each scenario scales it by its own
        price level over that assumed path (limits scale too, exact up to
        their rounding steps). Default True; False keeps contributions the
        same in every scenario.
    pay : PayPath, optional
        Cells' pay follows this real age profile and its breaks (under the
        mean inflation, then each scenario's price path when
        ``pay_follows_prices``); idiosyncratic shocks average out over a
        cell's people and are not applied. Default: each cell's
        ``salary_growth``.
    entrants : bool
        Whether young workers join each year, as many as reach retirement
        age, so the number of working participants stays constant (copies
        of the population's working cells under 30, no balance, pay grown
        with time). Default True; with False the population is closed and
        ages through the horizon.
    default_fund : DefaultChannel, optional
        The default channel (off by default).
    reversal : Reversal, optional
        Yearly hazard that the rules are rescinded, and what then happens
        to holdings (kept, frozen, unwound).
    asset : str
        Alternative asset, a name in ``markets``; default "bitcoin".
    horizon_years : int
        Years simulated, 1-100.
    start_year : int
        First calendar year (a given population's own start year must match).
    pool_portfolio : dict
        Core weights of participants who are not default investors; default
        60/40 US equity/bonds (*est.*). Default investors hold target-date
        funds (:func:`alt401k.portfolio.target_date_weights`).
    annual_contributions : float, optional
        If given, the rules' contributions are scaled so the first year's
        total equals it (dollars); default: from the participant rules.
    distribution_rate : float, optional
        If given, one annual outflow rate for every cell; default: the
        age-based rates of :func:`alt401k.outflows.outflow_rate`.
    flow_targets : FlowTargets, "default" or "none"
        Measured DC flows the pool's first year is calibrated to
        (:meth:`calibration`): participants' pay, employer money, separation
        shares, hardship and loan sizes, mortality and retirees' withdrawals
        are solved so that contributions by source, rollovers in and outflows
        by cause, as shares of average assets, equal the targets. ``"default"``
        (the default): :meth:`FlowTargets.default` (Form 5500, 2023) for the
        synthetic population, and the rules as given for a population of your
        own; ``"none"``: the rules as given; a :class:`FlowTargets`: those
        targets for any population. ``annual_contributions`` or
        ``distribution_rate``, when set, take precedence over the
        contribution or outflow targets.
    start_state : StartState, "default" or "none"
        Who already offers and holds the asset on the core menu at the start
        (:class:`alt401k.StartState`). ``"default"``: the evidence-based
        :class:`StartState` when ``sponsor_adoption="segments"`` (the
        realistic path starts from the world as it is), nothing otherwise
        (numbers and curves state the core-menu path from zero, e.g. the
        headline arithmetic); ``"none"``: nothing.
    brokerage_window : BrokerageWindow, "default" or "none"
        The self-directed brokerage window, a third channel that needs no
        sponsor decision and no core-menu cap (:class:`alt401k.BrokerageWindow`);
        ``"default"`` as for ``start_state``. Its flows and holdings are
        reported apart (``PoolResults.window_flows``, ``summary()``'s
        ``window_*`` columns, ``flows(by_channel=True)``).
    availability : ProductAvailability, "default" or "none"
        Products must exist before sponsors adopt them: the share of a
        segment's plans offering the asset is at most the share whose
        recordkeeper or provider offers a product (:class:`alt401k.ProductAvailability`:
        announced launches); ``"default"`` as for ``start_state``.
    indexing_rate : float
        Annual indexing of IRS limits after the last published year.
    markets : MarketModel
        Return model; default :func:`alt401k.default_markets`.
    market_context : MarketContext, optional
        The asset's market (value, supply, other buyers, price impact),
        dated and sourced (:class:`alt401k.MarketContext`); the default of
        ``PoolResults.market_context()`` when given.
    impact_feedback : bool
        Feed the price impact of the pool's own flows back into the asset's
        returns (the inelastic-markets view of :mod:`alt401k.market_context`,
        its multiplier drawn per scenario): each year's net flow moves the
        log price by ``multiplier x flow / market value``, decaying with the
        context's half-life, spread evenly over the year's periods, so that
        holdings, rebalancing and distributions see the impacted prices;
        solved as a fixed point per chunk (flows and prices agree to 1e-9
        in log price). Needs ``market_context``; not for appraisal-smoothed
        assets. Default False. The draws of the markets are unchanged, so
        common random numbers hold, and a zero multiplier is bit-identical.
    redemption_gate : float, optional
        Share, in (0, 1], of each group's holdings of the asset at the start
        of a calendar quarter that rebalancing and unwinding may sell within
        the quarter. It models semi-liquid funds (interval funds, BDCs,
        non-traded REITs) that cap redemptions at about 5% of NAV a quarter
        (CALIBRATION.md; Blue Owl halted redemptions in Feb 2026): in stress,
        sales that rebalancing wants are blocked, and the blocked dollars are
        reported (``PoolResults.blocked_sales``). Purchases are never gated;
        outflows (distributions) are not gated. None (default): no gate.
    """

    pool_assets: float | None = Field(default=None, gt=0.0, le=1e15)
    n_participants: float | None = Field(default=None, gt=0.0, le=1e9)
    population: PopulationField = None
    segments: tuple[PlanSegment, ...] = Field(default_factory=default_segments, min_length=1)
    plan: PlanDesign | None = None
    sponsor_adoption: float | CurveField | Literal["segments"] = 1.0
    opt_in_rate: float | CurveField = 1.0
    allocation_share: Uncertain = 0.01
    rebalancing: Annotated[Rebalancing, BeforeValidator(_rebalancing_rule)] = Rebalancing(
        frequency="never"
    )
    active_channel: bool = True
    entrants: bool = True
    pay_follows_prices: bool = True
    pay: PayPath | None = None
    leakage: Leakage = Field(default_factory=Leakage)
    default_fund: DefaultChannel | None = None
    reversal: Reversal | None = None
    asset: str = "bitcoin"
    horizon_years: int = Field(default=10, ge=1, le=100)
    start_year: int = Field(default=2026, ge=2024, le=2150)
    pool_portfolio: ReadOnlyWeights = Field(
        default_factory=lambda: {"us_equity": 0.6, "us_bonds": 0.4}, validate_default=True
    )
    annual_contributions: float | None = Field(default=None, ge=0.0, le=1e14)
    distribution_rate: float | None = Field(default=None, ge=0.0, lt=1.0)
    flow_targets: FlowTargets | Literal["default", "none"] = "default"
    start_state: StartState | Literal["default", "none"] = "default"
    brokerage_window: BrokerageWindow | Literal["default", "none"] = "default"
    availability: ProductAvailability | Literal["default", "none"] = "default"
    indexing_rate: float = Field(default=0.025, ge=-0.05, le=0.2)
    markets: MarketModel = Field(default_factory=default_markets)
    redemption_gate: float | None = None
    market_context: MarketContext | None = None
    impact_feedback: bool = False

    @field_validator("redemption_gate")
    @classmethod
    def _gate_range(cls, value: float | None) -> float | None:
        if value is not None and not 0.0 < value <= 1.0:
            raise ValueError(
                f"redemption_gate must be None or in (0, 1] (a share of holdings sold per "
                f"quarter, e.g. 0.05); got {value}"
            )
        return value

    @field_validator("sponsor_adoption", "opt_in_rate", mode="before")
    @classmethod
    def _rate_in_unit_interval(cls, value: Any, info: Any) -> Any:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if not 0.0 <= float(value) <= 1.0:
                raise ValueError(f"{info.field_name} must be between 0 and 1; got {value!r}")
        if isinstance(value, str) and value != "segments":
            raise ValueError(
                f"{info.field_name} must be a number in [0, 1], a curve (ak.Fixed, "
                f"ak.Logistic, ak.Bass) or 'segments'; got {value!r}"
            )
        return value

    @field_validator("allocation_share")
    @classmethod
    def _share_range(cls, value: Uncertain) -> Uncertain:
        check_uncertain_range("allocation_share", value, 0.0, 1.0)
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Scenario:
        check_consistent(self)  # scenario/pool_checks.py
        return self

    def resolved_population(self) -> Population:
        """The population the run uses, balances scaled to ``pool_assets``."""
        if self.population is None:
            assets = _HEADLINE_ASSETS if self.pool_assets is None else self.pool_assets
            if self.n_participants is not None:
                base = _default_population(DEFAULT_CELLS, self.n_participants, self.start_year)
                return base.scaled(assets)
            # Weights are linear in the people targeted (raking scales), so a pool of another
            # size is the default population reweighted: the same people per dollar.
            base = _default_population(DEFAULT_CELLS, _HEADLINE_PEOPLE, self.start_year)
            return base.reweighted(_HEADLINE_PEOPLE * assets / _HEADLINE_ASSETS).scaled(assets)
        if self.pool_assets is None:
            return self.population
        return self.population.scaled(self.pool_assets)

    @property
    def total_assets(self) -> float:
        """Pool assets at the start, dollars."""
        return float(self.resolved_population().total_assets)

    def _evidence_default(self) -> bool:
        return self.sponsor_adoption == "segments"

    def start_state_in_force(self) -> StartState | None:
        """The start state a run uses, or None (every curve from zero)."""
        if isinstance(self.start_state, StartState):
            return self.start_state
        return StartState() if self.start_state == "default" and self._evidence_default() else None

    def window_in_force(self) -> BrokerageWindow | None:
        """The brokerage window a run uses, or None."""
        if isinstance(self.brokerage_window, BrokerageWindow):
            return self.brokerage_window
        if self.brokerage_window == "default" and self._evidence_default():
            return BrokerageWindow()
        return None

    def availability_in_force(self) -> ProductAvailability | None:
        """The product availability a run uses, or None (no bound on adoption)."""
        if isinstance(self.availability, ProductAvailability):
            return self.availability
        if self.availability == "default" and self._evidence_default():
            return ProductAvailability()
        return None

    def flow_targets_in_force(self) -> FlowTargets | None:
        """The targets :meth:`calibration` solves for, or None (the rules as given)."""
        if isinstance(self.flow_targets, FlowTargets):
            return self.flow_targets
        if self.flow_targets == "default" and self.population is None:
            return FlowTargets.default()
        return None

    def calibration(self) -> FlowCalibration:
        """The pool's first year, solved to the flow targets: parameters and flows.

        Returns
        -------
        FlowCalibration
            ``parameters`` (the solved factors and leakage the run uses),
            ``rates`` and ``dollars`` of every first-year flow on the expected
            path (contributions by source, rollovers in, outflows by cause,
            net new money), the opening and closing assets, and which targets
            were solved. Cached per scenario.

        Notes
        -----
        The procedure (expected-return path, one parameter per target, fixed
        point to the targets' tolerance) is documented in
        :mod:`alt401k._calibrate`; the targets and their sources in
        :mod:`alt401k.flow_targets`. The first year is evaluated with monthly
        periods whatever a run's ``periods_per_year``.

        Raises
        ------
        ValueError
            A target the rules cannot meet, naming it, its value and why.
        """
        return _calibration(self)

    def calibration_report(self) -> pd.DataFrame:
        """Every flow target against the calibrated pool's first year, and the checks.

        Returns
        -------
        DataFrame
            One row per quantity: ``quantity``, ``band``, ``model``,
            ``target``, ``error`` (``model - target``), ``rel_error``,
            ``unit``, ``dollars`` and ``target_dollars`` (first-year dollars
            of a flow row: its rate times the year's average assets),
            ``kind`` and ``source``. ``kind`` says how a row holds:
            ``"fit"`` (solved to the target), ``"sum"`` (a sum of fits),
            ``"identity"`` (true by construction of the population),
            ``"check"`` (reported, not solved: an independent test of the
            calibration) or ``"rules"`` (no targets: the rules as given).
            Rows: contributions by source and outflows by cause as shares of
            average assets; net new money;
            participants' median pay against Vanguard HAS; balances by age
            band in dollars against HAS YE 2022 brought to the start year;
            participants and assets.
        """
        from ..results.calibration_report import flow_report

        return flow_report(self, self.calibration())

    def _universe(self, population: Population) -> tuple[str, ...]:
        names = [self.asset, *self.pool_portfolio]
        if np.any(population.default_investor):  # default investors hold target-date funds
            names += ["us_equity", "intl_equity", "us_bonds"]
        # A fund's liquidity sleeve needs its liquid asset among the returned columns.
        names += [
            self.markets[name].liquidity_asset
            for name in names
            if self.markets[name].liquidity_share > 0.0
        ]
        return tuple(dict.fromkeys(names))

    def assumptions(self) -> dict[str, str]:
        """Every number in force, defaults included, in words: for summaries and printouts.

        Returns
        -------
        dict of str to str
            ``population``, ``asset``, ``return_model`` (the asset's return
            model with all its parameters), ``sponsor_adoption`` (with each
            segment's curve, cap, match and fee when ``"segments"``),
            ``active_channel`` (opt-in, share and rebalancing rule),
            ``default_channel``, ``reversal`` (hazard, treatment, unwinding
            years), ``distributions``, ``pay``, ``flow_calibration`` (the
            targets and every solved parameter) and ``pool_year_1`` (the
            pool's first-year contributions by source and outflows by cause,
            dollars and shares of average assets, and net new money).
        """
        return _pool_assumptions.assumptions(self)

    @overload
    def run(
        self,
        n_scenarios: int | Literal["auto"] = ...,
        *,
        rng: RngLike = ...,
        chunk_size: int | None = ...,
        periods_per_year: int = ...,
        executor: ExecutorLike = ...,
        n_workers: int | None = ...,
        keep_paths: None = ...,
        relative_accuracy: float = ...,
        backend: Literal["numpy", "numba"] = ...,
        sampling: Literal["mc", "antithetic", "qmc"] = ...,
        precision: Mapping[str, float] | None = ...,
        max_scenarios: int = ...,
    ) -> PoolResults | StreamedPoolResults: ...

    @overload
    def run(
        self,
        n_scenarios: int | Literal["auto"] = ...,
        *,
        rng: RngLike = ...,
        chunk_size: int | None = ...,
        periods_per_year: int = ...,
        executor: ExecutorLike = ...,
        n_workers: int | None = ...,
        keep_paths: Literal[True],
        relative_accuracy: float = ...,
        backend: Literal["numpy", "numba"] = ...,
        sampling: Literal["mc", "antithetic", "qmc"] = ...,
        precision: Mapping[str, float] | None = ...,
        max_scenarios: int = ...,
    ) -> PoolResults: ...

    @overload
    def run(
        self,
        n_scenarios: int | Literal["auto"] = ...,
        *,
        rng: RngLike = ...,
        chunk_size: int | None = ...,
        periods_per_year: int = ...,
        executor: ExecutorLike = ...,
        n_workers: int | None = ...,
        keep_paths: Literal[False],
        relative_accuracy: float = ...,
        backend: Literal["numpy", "numba"] = ...,
        sampling: Literal["mc", "antithetic", "qmc"] = ...,
        precision: Mapping[str, float] | None = ...,
        max_scenarios: int = ...,
    ) -> StreamedPoolResults: ...

    def run(
        self,
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
        """Simulate the pool period by period over ``horizon_years``.

        Parameters
        ----------
        n_scenarios : int or "auto"
            Market paths, 1 to 10,000,000. ``"auto"``: whole blocks of 1,000
            until every ``precision`` target is met or ``max_scenarios`` is
            reached; paths are kept and ``result.precision`` reports each
            target reached.
        rng : None, int, SeedSequence or Generator
            Seed (keyword-only). Scenarios that differ in any knob but the
            market model see the same market paths for the same seed.
        chunk_size : int, optional
            Scenarios in memory at once (per worker); results do not depend on it.
        periods_per_year : int
            1, 2, 4, 12 (default) or 52.
        executor : str, concurrent.futures.Executor or distributed.Client
            Where chunks run: ``"serial"`` (default), ``"threads"``,
            ``"processes"``, ``"dask"`` (a local Dask cluster for the call;
            the ``dask`` extra) or an executor or Dask client of yours (see
            :func:`alt401k.execution.check_executor`). Results are
            bit-identical whatever the executor, worker count and chunk size.
        n_workers : int, optional
            Workers of ``"threads"``, ``"processes"`` and ``"dask"``; default
            the cores available.
        keep_paths : bool or None
            True: a :class:`PoolResults` with every scenario's paths, (S, Y)
            arrays and more. False: a
            :class:`~alt401k.results.StreamedPoolResults` of per-year moments
            (exact) and quantiles (to ``relative_accuracy``) reduced chunk by
            chunk, whose memory does not grow with ``n_scenarios``. None
            (default): paths up to :data:`alt401k.execution.PATHS_LIMIT`
            (100,000) scenarios, statistics above, so a large run never holds
            every path unless asked to.
        relative_accuracy : float
            Relative accuracy of streamed quantiles, 0.0001 to 0.5 (default
            0.005); used when statistics are kept.
        backend : {"numpy", "numba"}
            ``"numba"`` (the ``fast`` extra) runs the period loop compiled,
            about 1.8x faster on the engine: every balance, holding and
            final state is bit-identical to ``"numpy"``, per-period sums over
            groups (the asset's market gain, rebalancing and unwinding
            flows, blocked sales) differ by rounding only (see
            :func:`alt401k.engine.simulate`).
        sampling : {"mc", "antithetic", "qmc"}
            How the market's Gaussian shocks are drawn
            (:meth:`alt401k.MarketModel.sample`): ``"mc"`` (default) as in
            earlier releases, bit for bit; ``"antithetic"`` pairs of negated
            shocks; ``"qmc"`` scrambled Sobol' points through a Brownian
            bridge, randomised per block of 1,000 scenarios. Results stay
            independent of chunk size and executor under every method.
        precision : mapping of str to float, optional
            With ``n_scenarios="auto"``: a column of :meth:`PoolResults.summary`
            (``"cumulative_flow_p50"``, ``"holdings_mean"``), read at the
            horizon's last year, to the relative half-width of its 95%
            interval wanted (0.01: +-1%).
        max_scenarios : int
            With ``n_scenarios="auto"``: the most scenarios run (default 100,000).

        Returns
        -------
        PoolResults or StreamedPoolResults
            As ``keep_paths`` says.
        """
        return run_pool(
            self, n_scenarios, rng=rng, chunk_size=chunk_size,
            periods_per_year=periods_per_year, executor=executor, n_workers=n_workers,
            keep_paths=keep_paths, relative_accuracy=relative_accuracy, backend=backend,
            sampling=sampling, precision=precision, max_scenarios=max_scenarios,
        )  # fmt: skip
