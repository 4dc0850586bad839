"""The DC pool meets one alternative asset: :class:`Scenario` and its run."""

from __future__ import annotations

import dataclasses
import functools
import warnings
from collections.abc import Mapping
from typing import Annotated, Any, Literal, overload

import numpy as np
import pandas as pd
from pydantic import (
    BeforeValidator,
    Field,
    PlainSerializer,
    PlainValidator,
    ValidationError,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from .._calibrate import FlowCalibration, solve_flows
from .._pool import build_channel, build_layout
from .._random import RngLike, as_seed_sequence, check_sampling
from .._spec import ReadOnlyWeights, Spec
from .._warnings import Alt401kWarning
from ..adoption import (
    BrokerageWindow,
    CurveField,
    DefaultChannel,
    Distribution,
    ProductAvailability,
    Rebalancing,
    Reversal,
    StartState,
    Uncertain,
    check_uncertain_range,
)
from ..engine import simulate
from ..execution import (
    ExecutorLike,
    check_n_scenarios,
    chunk_ranges,
    map_ordered,
    parallel,
)
from ..flow_targets import FlowTargets
from ..leakage import Leakage
from ..market_context import MarketContext, decayed_impact
from ..markets import MarketModel, default_markets
from ..pay import PayPath
from ..plan import PlanDesign
from ..population import SEGMENTS, Participant, Population
from ..portfolio import Portfolio
from ..results import PoolResults, StreamedPoolResults
from ..results.streamed_pool import SKETCHED_SERIES, stream_series, stream_series_names
from ..results.streaming import DEFAULT_RELATIVE_ACCURACY, StreamedStats
from ..segments import PlanSegment, default_segments
from ._common import (
    AUTO_MAX_SCENARIOS,
    _check_periods,
    _check_run_options,
    run_until_precise,
)

__all__ = ["DEFAULT_CELLS", "POPULATION_SEED", "Scenario"]


#: The headline pool: $12.5T (coverage of EO 14330) and 90 million people (EO text).
_HEADLINE_ASSETS = 12.5e12
_HEADLINE_PEOPLE = 90e6

#: Cells of the default synthetic population.
DEFAULT_CELLS = 2_000
#: Seed of the default synthetic population (the population is an input, not a random draw
#: of the run: every run of a scenario uses the same cells).
POPULATION_SEED = 0


@functools.lru_cache(maxsize=16)
def _calibration(scenario: Scenario) -> FlowCalibration:
    population = scenario.resolved_population()
    names = scenario._universe(population)
    return solve_flows(scenario, population, names, scenario.flow_targets_in_force())


@functools.lru_cache(maxsize=8)
def _default_population(n_cells: int, n_participants: float, start_year: int) -> Population:
    return Population.synthetic(
        n_cells=n_cells,
        total_assets=1e12,
        n_participants=n_participants,
        start_year=start_year,
        rng=POPULATION_SEED,
    )


def _validate_population(value: Any) -> Population | None:
    if value is None or isinstance(value, Population):
        return value
    if isinstance(value, Participant):
        return Population.from_participant(value)
    if isinstance(value, pd.DataFrame):
        return Population.from_frame(value)
    if isinstance(value, dict) and set(value) == {"start_year", "cells"}:
        return Population.from_frame(pd.DataFrame(value["cells"]), start_year=value["start_year"])
    raise ValueError(
        "population must be a Population, a Participant, a DataFrame of cells or "
        f"{{'start_year': ..., 'cells': {{column: values}}}}; got {type(value).__name__}"
    )


def _serialize_population(population: Population | None) -> Any:
    if population is None:
        return None
    return {
        "start_year": population.start_year,
        "cells": population.to_frame().to_dict(orient="list"),
    }


PopulationField = Annotated[
    Population | None,
    PlainValidator(_validate_population),
    PlainSerializer(_serialize_population, return_type=Any),
    # Written out: older pydantic cannot derive a schema from a plain validator.
    WithJsonSchema(
        {
            "anyOf": [
                {
                    "type": "object",
                    "properties": {
                        "start_year": {"type": "integer"},
                        "cells": {"type": "object", "additionalProperties": {"type": "array"}},
                    },
                    "required": ["start_year", "cells"],
                },
                {"type": "null"},
            ],
            "description": "Weighted participant cells: the start year and one list per column.",
        }
    ),
]


_FREQUENCIES = ("monthly", "quarterly", "annual", "never")


def _rebalancing_rule(value: Any) -> Any:
    if isinstance(value, str):
        if value not in _FREQUENCIES:
            raise ValueError(
                "rebalancing must be 'monthly', 'quarterly', 'annual', 'never' or a "
                f"Rebalancing; got {value!r}"
            )
        return Rebalancing(frequency=value)
    return value


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
        seg_names = [seg.name for seg in self.segments]
        if len(set(seg_names)) != len(seg_names):
            raise ValueError(f"segments must have unique names; got {seg_names}")
        if self.population is None:
            missing = [name for name in SEGMENTS if name not in seg_names]
            if missing:
                raise ValueError(
                    f"segments must include {missing[0]!r}: the synthetic population has cells "
                    f"in every segment ({', '.join(SEGMENTS)}); pass population= to use others"
                )
        else:
            unknown = sorted({str(v) for v in self.population.segment} - set(seg_names))
            if unknown:
                raise ValueError(
                    f"population segment {unknown[0]!r} is not among segments "
                    f"({', '.join(seg_names)})"
                )
            if self.pool_assets is not None and not self.population.total_assets > 0:
                raise ValueError(
                    f"pool_assets={self.pool_assets:g} cannot be matched: the population's "
                    "balances total 0 (give some cell a balance > 0, or leave pool_assets unset)"
                )
            if self.pool_assets is not None:
                factor = self.pool_assets / self.population.total_assets
                if abs(factor - 1.0) > 1e-9:  # said, not done silently
                    warnings.warn(
                        f"pool_assets={self.pool_assets:g} rescales the population's balances "
                        f"(total {self.population.total_assets:.4g}) by {factor:.4g}: every "
                        "cell's balance changes, its pay and people do not; leave pool_assets "
                        "unset to run the population as given",
                        Alt401kWarning,
                        stacklevel=2,
                    )
            if self.population.start_year != self.start_year:
                raise ValueError(
                    f"start_year ({self.start_year}) must equal the population's start_year "
                    f"({self.population.start_year})"
                )
        if self.market_context is not None and self.market_context.asset != self.asset:
            raise ValueError(
                f"market_context is for {self.market_context.asset!r} but the asset is "
                f"{self.asset!r}"
            )
        if self.impact_feedback:
            if self.market_context is None:
                raise ValueError(
                    "impact_feedback needs a market_context (e.g. ak.MarketContext.bitcoin()): "
                    "the impact is the flow over the asset's market value"
                )
            if self.markets[self.asset].smoothing > 0.0:
                raise ValueError(
                    f"impact_feedback cannot take {self.asset!r}: its returns are appraisal-"
                    "smoothed (reported, not traded, prices); set smoothing=0 or drop the feedback"
                )
        state, access = self.start_state_in_force(), self.availability_in_force()
        if state is not None and access is not None:
            for seg in self.segments:
                have = float(access.share(seg.name, float(self.start_year)))
                if state.sponsor_share_of(seg.name) > have + 1e-12:
                    raise ValueError(
                        f"start_state.sponsor_share[{seg.name!r}] = "
                        f"{state.sponsor_share_of(seg.name):g} is above the share of plans with "
                        f"a product at the start ({have:g}, availability): a plan cannot "
                        "offer what no provider sells"
                    )
        if self.active_channel:
            high = (
                self.allocation_share.support[1]
                if isinstance(self.allocation_share, Distribution)
                else float(self.allocation_share)
            )
            for seg in self.segments:
                if high > seg.alt_cap + 1e-12:
                    raise ValueError(
                        f"allocation_share can reach {high:g}, above the cap of segment "
                        f"{seg.name!r} (alt_cap={seg.alt_cap:g}); allowed at most the "
                        "smallest segment cap"
                    )
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
        rule: str = self.rebalancing.frequency
        if self.rebalancing.fraction < 1.0:
            rule += f" (a share {self.rebalancing.fraction:g} of holders each time)"
        population = (
            f"synthetic, {DEFAULT_CELLS:,} cells, "
            f"{self.resolved_population().n_participants / 1e6:.4g}M participants"
            if self.population is None
            else f"{self.population.n_cells:,} cells, {self.population.n_participants:,.0f} people"
        )
        if self.entrants:
            population += "; entrants replace retirees"
        adoption = _describe(self.sponsor_adoption)
        if self.sponsor_adoption == "segments":
            adoption += ": " + "; ".join(
                f"{seg.name} {_spelled(seg.adoption)}, cap {seg.alt_cap:g}, "
                f"match {_spelled(seg.plan.match)}, fee ${seg.plan.recordkeeping_fee:g}"
                for seg in self.segments
            )
        calibration = self.calibration()
        out = {
            "population": population,
            "asset": self.asset,
            "return_model": _spelled(self.markets[self.asset]),
            "sponsor_adoption": adoption,
            "active_channel": (
                f"opt-in {_describe(self.opt_in_rate)}, share {_describe(self.allocation_share)}, "
                f"rebalancing {rule}"
                if self.active_channel
                else "off"
            ),
            "default_channel": "off" if self.default_fund is None else _spelled(self.default_fund),
            "reversal": "none" if self.reversal is None else _spelled(self.reversal),
            "distributions": (
                "leakage of working cells (separations, hardship, loan defaults), retirees' "
                "withdrawals with RMDs, and deaths"
                if self.distribution_rate is None
                else f"{self.distribution_rate:.2%} a year"
            ),
            "pay": (
                ("age profile" if self.pay is not None else "each cell's salary growth")
                + (", on each scenario's price path" if self.pay_follows_prices else "")
            ),
            "flow_calibration": _describe_calibration(calibration),
            "pool_year_1": _describe_year_one(calibration),
        }
        return out

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
        if isinstance(n_scenarios, str) and n_scenarios == "auto":
            cap = check_n_scenarios(max_scenarios)

            def run(n: int) -> PoolResults:
                return self.run(
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
        population = self.resolved_population()
        names = self._universe(population)
        layout = build_layout(
            self, population, names, periods_per_year, self.calibration().parameters
        )
        y = self.horizon_years
        stats = None
        if not keep_paths:
            stats = StreamedStats.empty(
                stream_series_names(layout.outflow_names), SKETCHED_SERIES, y, relative_accuracy
            )
        plan = _RunPlan(
            self,
            layout,
            names,
            root,
            periods_per_year,
            None if stats is None else relative_accuracy,
            backend,
            sampling,
        )
        chunks = chunk_ranges(n_scenarios, chunk_size, n_workers=parallel(executor, n_workers))
        parts = map_ordered(
            _run_chunk, chunks, shared=(plan,), executor=executor, n_workers=n_workers
        )
        if stats is not None:
            for blocks, counts in parts:
                stats.add(blocks, counts)
            return StreamedPoolResults(
                scenario=self,
                years=self.start_year + np.arange(y),
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
            scenario=self,
            years=self.start_year + np.arange(y),
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


def _describe(value: Any) -> str:
    if isinstance(value, (int, float)):
        return f"{float(value):g}"
    if isinstance(value, str):
        return value
    return _spelled(value)


_UNSPELLED = frozenset({"kind", "source", "label", "name"})


def _spelled(value: Any) -> str:
    """A spec with every field written out, defaults included (``Reversal(hazard=0.05, ...)``)."""
    from pydantic import BaseModel

    if isinstance(value, BaseModel):
        fields = [name for name in type(value).model_fields if name not in _UNSPELLED]
        inner = ", ".join(f"{name}={_spelled(getattr(value, name))}" for name in fields)
        name = getattr(value, "name", None)
        prefix = f"{name}: " if isinstance(name, str) and name else ""
        return f"{prefix}{type(value).__name__}({inner})"
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, (tuple, list)):
        return "(" + ", ".join(_spelled(v) for v in value) + ")"
    return repr(value)


def _money(dollars: float) -> str:
    sign = "-" if dollars < 0 else ""
    return f"{sign}${abs(dollars) / 1e9:,.0f}B"


def _describe_calibration(calibration: FlowCalibration) -> str:
    p = calibration.parameters.as_dict()
    solved = (
        f"solved to {calibration.targets.label} ({', '.join(calibration.solved)})"
        if calibration.targets is not None and calibration.solved
        else "none: the rules as given"
    )
    return (
        f"{solved}; pay x{p['pay_scale']:.4g}, employer money x{p['employer_scale']:.4g}, "
        f"leavers roll over {p['rollover']:.4g} of their assets ({p['to_new_plan']:.4g} of "
        f"that to a new plan), cash out {p['cash_out']:.4g}, leave {p['left_in_plan']:.4g}; "
        f"hardship withdrawals {p['hardship_share']:.4g} of the balance; loan defaults "
        f"{p['loan_default_rate']:.4g} of loans a year; retirees' rates x{p['retiree_scale']:.4g}; "
        f"mortality x{p['mortality_scale']:.4g}"
    )


def _describe_year_one(calibration: FlowCalibration) -> str:
    d, r = calibration.dollars, calibration.rates
    causes = ", ".join(
        f"{label} {_money(d.get(key, 0.0))}"
        for key, label in (
            ("rollover", "separations to IRAs"),
            ("rollovers_in", "to other plans"),
            ("cash_out", "cash-outs"),
            ("hardship", "hardship"),
            ("loan_default", "loan defaults"),
            ("death", "deaths"),
            ("retiree", "retirees"),
        )
    )
    return (
        f"contributions {_money(d['contributions'])} a year ({r['contributions']:.2%} of "
        f"average assets): employee pre-tax {_money(d['employee_pretax'])}, Roth "
        f"{_money(d['employee_roth'])}, employer {_money(d['employer'])}, rollovers in "
        f"{_money(d['rollovers_in'])}; outflows {_money(d['outflows'])} ({r['outflows']:.2%}): "
        f"{causes}; net new money {_money(d['net_new_money'])} ({r['net_new_money']:.2%}); "
        f"average assets {_money(calibration.average_assets)} (expected path)"
    )
