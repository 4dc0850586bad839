"""One saver, thousands of market paths: :func:`simulate_participant`.

The saver is a population of one cell run through the same engine as the pool
(:func:`alt401k.engine.simulate`), with the ledger recorded.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, overload

import numpy as np

from .._random import RngLike, as_seed_sequence, check_sampling
from ..contributions import annual_contributions
from ..engine import GroupSchedule
from ..execution import (
    ExecutorLike,
    check_n_scenarios,
    chunk_ranges,
    map_ordered,
    parallel,
)
from ..leakage import LEAKAGE_PARTS, Leakage
from ..markets import MarketModel, default_markets
from ..pay import PayPath
from ..plan import PlanDesign
from ..population import Participant, cells_from_participants
from ..portfolio import Portfolio
from ..results import ParticipantResults, StreamedParticipantResults
from ..results.streamed_participant import saver_stats
from ..results.streaming import DEFAULT_RELATIVE_ACCURACY
from ..retirement import Retirement
from ..tax import rmd_start_age
from ._common import (
    AUTO_MAX_SCENARIOS,
    _check_periods,
    _check_run_options,
    run_until_precise,
)
from .participant_run import _assemble, _saver_chunk, _SaverJob

__all__ = ["simulate_participant"]


@overload
def simulate_participant(
    participant: Participant,
    plan: PlanDesign | None = ...,
    portfolio: Portfolio | None = ...,
    *,
    markets: MarketModel | None = ...,
    n_scenarios: int | Literal["auto"] = ...,
    rng: RngLike = ...,
    periods_per_year: int = ...,
    indexing_rate: float = ...,
    chunk_size: int | None = ...,
    retirement: Retirement | None = ...,
    leakage: Leakage | None = ...,
    pay: PayPath | None = ...,
    executor: ExecutorLike = ...,
    n_workers: int | None = ...,
    keep_paths: None = ...,
    relative_accuracy: float = ...,
    backend: Literal["numpy", "numba"] = ...,
    sampling: Literal["mc", "antithetic", "qmc"] = ...,
    precision: Mapping[str, float] | None = ...,
    max_scenarios: int = ...,
) -> ParticipantResults | StreamedParticipantResults: ...


@overload
def simulate_participant(
    participant: Participant,
    plan: PlanDesign | None = ...,
    portfolio: Portfolio | None = ...,
    *,
    markets: MarketModel | None = ...,
    n_scenarios: int | Literal["auto"] = ...,
    rng: RngLike = ...,
    periods_per_year: int = ...,
    indexing_rate: float = ...,
    chunk_size: int | None = ...,
    retirement: Retirement | None = ...,
    leakage: Leakage | None = ...,
    pay: PayPath | None = ...,
    executor: ExecutorLike = ...,
    n_workers: int | None = ...,
    keep_paths: Literal[True],
    relative_accuracy: float = ...,
    backend: Literal["numpy", "numba"] = ...,
    sampling: Literal["mc", "antithetic", "qmc"] = ...,
    precision: Mapping[str, float] | None = ...,
    max_scenarios: int = ...,
) -> ParticipantResults: ...


@overload
def simulate_participant(
    participant: Participant,
    plan: PlanDesign | None = ...,
    portfolio: Portfolio | None = ...,
    *,
    markets: MarketModel | None = ...,
    n_scenarios: int | Literal["auto"] = ...,
    rng: RngLike = ...,
    periods_per_year: int = ...,
    indexing_rate: float = ...,
    chunk_size: int | None = ...,
    retirement: Retirement | None = ...,
    leakage: Leakage | None = ...,
    pay: PayPath | None = ...,
    executor: ExecutorLike = ...,
    n_workers: int | None = ...,
    keep_paths: Literal[False],
    relative_accuracy: float = ...,
    backend: Literal["numpy", "numba"] = ...,
    sampling: Literal["mc", "antithetic", "qmc"] = ...,
    precision: Mapping[str, float] | None = ...,
    max_scenarios: int = ...,
) -> StreamedParticipantResults: ...


def simulate_participant(
    participant: Participant,
    plan: PlanDesign | None = None,
    portfolio: Portfolio | None = None,
    *,
    markets: MarketModel | None = None,
    n_scenarios: int | Literal["auto"] = 1_000,
    rng: RngLike = None,
    periods_per_year: int = 12,
    indexing_rate: float = 0.025,
    chunk_size: int | None = None,
    retirement: Retirement | None = None,
    leakage: Leakage | None = None,
    pay: PayPath | None = None,
    executor: ExecutorLike = "serial",
    n_workers: int | None = None,
    keep_paths: bool | None = None,
    relative_accuracy: float = DEFAULT_RELATIVE_ACCURACY,
    backend: Literal["numpy", "numba"] = "numpy",
    sampling: Literal["mc", "antithetic", "qmc"] = "mc",
    precision: Mapping[str, float] | None = None,
    max_scenarios: int = AUTO_MAX_SCENARIOS,
) -> ParticipantResults | StreamedParticipantResults:
    """Simulate one saver's account from today to retirement, and through it.

    Parameters
    ----------
    participant : Participant
        Age, pay, balance, deferral election.
    plan : PlanDesign, optional
        Match and fees; default ``PlanDesign()`` (modal 50% of the first 6%).
    portfolio : Portfolio, optional
        Target weights, rebalanced every period; default 60/40 US equity/bonds.
    markets : MarketModel, optional
        Return model; default :func:`alt401k.default_markets`. Shocks are
        drawn for *all* its assets and keyed by year, so portfolios, assets
        and retirement ages that differ see identical paths for the same
        ``rng`` (common random numbers), and so does a pool run.
    n_scenarios : int or "auto"
        Market paths S, >= 1. ``"auto"``: whole blocks of 1,000 until every
        ``precision`` target is met or ``max_scenarios`` is reached
        (:func:`alt401k.scenario._common.run_until_precise`); paths are kept
        and ``result.precision`` reports each target reached.
    rng : None, int, SeedSequence or Generator
        Seed (keyword-only).
    periods_per_year : int
        1, 2, 4, 12 (default) or 52.
    indexing_rate : float
        Annual indexing of IRS limits after 2026.
    chunk_size : int, optional
        Scenarios held in memory at once; results do not depend on it.
    retirement : Retirement, optional
        The retirement phase: withdrawals by rule, RMDs, tax and penalty
        from the retirement age to ``retirement.end_age`` on the same paths
        (:mod:`alt401k.retirement`). Without it the run ends at retirement.
    leakage : Leakage, optional
        Leakage while working, as expected shares (:class:`alt401k.Leakage`):
        each year the separation hazard of the saver's age takes the rollover
        and cash-out shares of the balance out of the plan and forfeits the
        unvested part of employer money (``plan.vesting``,
        ``participant.service_years``); hardship withdrawals and loan defaults
        leave too. Default None: a saver who stays with the employer.
    pay : PayPath, optional
        Pay by scenario: the simulated inflation, an age profile of real pay,
        idiosyncratic shocks and career breaks (:class:`alt401k.PayPath`);
        the IRS limits then follow each scenario's price path too
        (:func:`alt401k.limits.limits_from_prices`), and contributions differ
        by scenario. Default None: pay grows at ``participant.salary_growth``
        and limits are indexed at ``indexing_rate``.
    executor : str, concurrent.futures.Executor or distributed.Client
        Where chunks of scenarios run: ``"serial"`` (default), ``"threads"``,
        ``"processes"``, ``"dask"`` or an executor or Dask client of yours
        (:func:`alt401k.execution.check_executor`). Results are bit-identical
        whatever the executor, worker count and chunk size.
    n_workers : int, optional
        Workers of a parallel executor; default the cores available.
    keep_paths : bool or None
        True: a :class:`ParticipantResults` with every scenario's paths.
        False: a :class:`~alt401k.results.StreamedParticipantResults` of
        per-year moments and quantiles and of the outcome metrics, reduced
        chunk by chunk in memory that does not grow with ``n_scenarios``.
        None (default): paths up to :data:`alt401k.execution.PATHS_LIMIT`
        (100,000) scenarios, statistics above.
    relative_accuracy : float
        Relative accuracy of streamed quantiles, 0.0001 to 0.5 (default 0.005).
    backend : {"numpy", "numba"}
        ``"numba"`` (the ``fast`` extra) runs the period loop compiled; every
        number is bit-identical to ``"numpy"``
        (:func:`alt401k.engine.simulate`).
    sampling : {"mc", "antithetic", "qmc"}
        How the market's Gaussian shocks are drawn
        (:meth:`alt401k.MarketModel.sample`): ``"mc"`` (default) as in
        earlier releases, bit for bit; ``"antithetic"`` pairs of negated
        shocks; ``"qmc"`` scrambled Sobol' points through a Brownian bridge,
        randomised per block of 1,000 scenarios (several blocks are needed
        for a standard error). Results stay independent of chunk size and
        executor under every method.
    precision : mapping of str to float, optional
        With ``n_scenarios="auto"``: a figure of :meth:`ParticipantResults.summary`
        named ``<metric>_<column>`` (``"terminal_balance_p50"``,
        ``"terminal_balance_mean"``, ``"terminal_real_balance_p05"``) to the
        relative half-width of its 95% interval wanted (0.01: +-1%).
    max_scenarios : int
        With ``n_scenarios="auto"``: the most scenarios run (default 100,000).

    Returns
    -------
    ParticipantResults or StreamedParticipantResults
        ``terminal_balance`` (S,), ``ledger()``, ``summary()`` and the raw
        (S, Y) arrays; with ``retirement``, ``retirement_paths`` and
        ``retirement_summary()`` (after-tax income, probability of running
        out, after-tax terminal wealth, replacement ratio).
    """
    # A wrong type (a Portfolio passed where the PlanDesign belongs) fails here, naming both.
    expected: dict[str, tuple[object, type]] = {
        "participant": (participant, Participant),
        "plan": (plan, PlanDesign),
        "portfolio": (portfolio, Portfolio),
        "markets": (markets, MarketModel),
        "retirement": (retirement, Retirement),
        "leakage": (leakage, Leakage),
        "pay": (pay, PayPath),
    }
    for name, (value, cls) in expected.items():
        if isinstance(value, cls) or (value is None and name != "participant"):
            continue
        hint = "".join(
            f" (a {other.__name__} goes in {where}=)"
            for where, (_, other) in expected.items()
            if other is not cls and isinstance(value, other)
        )
        got = type(value).__name__
        article = "an" if got[0].lower() in "aeiou" else "a"
        raise TypeError(f"{name} must be a {cls.__name__}; got {article} {got}{hint}")
    if isinstance(n_scenarios, str) and n_scenarios == "auto":
        cap = check_n_scenarios(max_scenarios)

        def run(n: int) -> ParticipantResults:
            return simulate_participant(
                participant, plan, portfolio, markets=markets, n_scenarios=n, rng=rng,
                periods_per_year=periods_per_year, indexing_rate=indexing_rate,
                chunk_size=chunk_size, retirement=retirement, leakage=leakage, pay=pay,
                executor=executor, n_workers=n_workers, keep_paths=True, backend=backend,
                sampling=sampling,
            )  # fmt: skip

        return run_until_precise(run, precision, cap, lambda r: r.summary(se=True), _summary_figure)
    n_scenarios = check_n_scenarios(n_scenarios)
    executor, n_workers, keep_paths = _check_run_options(
        n_scenarios, executor, n_workers, keep_paths, backend, relative_accuracy
    )
    plan = PlanDesign() if plan is None else plan
    portfolio = (
        Portfolio(weights={"us_equity": 0.6, "us_bonds": 0.4}) if portfolio is None else portfolio
    )
    markets = default_markets() if markets is None else markets
    _check_periods(periods_per_year)
    portfolio.target_weights(markets.names)  # every asset held must be in the market model
    names = portfolio.asset_names
    weights = portfolio.target_weights(names)
    root = as_seed_sequence(rng)
    sampling = check_sampling(sampling)

    cells = cells_from_participants([participant])
    n_years = participant.n_years
    birth_year = participant.start_year - participant.age
    if retirement is not None:
        if retirement.end_age <= participant.retirement_age:
            raise ValueError(
                f"retirement.end_age must be greater than the participant's retirement_age "
                f"({participant.retirement_age}); got {retirement.end_age}"
            )
        rmd_start_age(birth_year)  # a birth year with no defined RMD age fails here
        n_years = retirement.end_age - participant.age + 1
    contributions = annual_contributions(
        cells, plan, start_year=participant.start_year, n_years=n_years, indexing_rate=indexing_rate
    )
    total = contributions.total[:, 0]
    ages = participant.age + np.arange(n_years)
    working = ages < participant.retirement_age
    outflow = np.zeros((n_years, 1))
    outflow_parts = None
    forfeit = np.zeros(n_years)
    if leakage is not None:
        parts = leakage.rates(ages, working)
        outflow = leakage.total(ages, working)[:, None]
        outflow_parts = np.stack([parts[name] for name in LEAKAGE_PARTS])[:, :, None]
        # Separations forfeit the unvested part of employer money (start-of-year service).
        if participant.service_years is not None:  # None: fully vested, nothing to forfeit
            service = participant.service_years + np.arange(n_years, dtype=float)
            forfeit = np.where(working, leakage.hazard(ages), 0.0) * plan.vesting.forfeited_share(
                service
            )
    schedule = GroupSchedule(
        core_weights=np.broadcast_to(weights[None, :, None], (n_years, len(names), 1)),
        portfolio=np.zeros(1, dtype=int),
        expense_ratio=markets.subset(names).expense_ratios,
        # Sources: all money, its Roth part, employer money (for vesting).
        contributions=np.stack(
            [total, contributions.roth_total[:, 0], contributions.employer[:, 0]]
        )[:, :, None],
        balance0=np.array([[participant.balance], [participant.roth_balance], [0.0]]),
        flat_fee=np.full((n_years, 1), plan.recordkeeping_fee),
        outflow=outflow,
        outflow_parts=outflow_parts,
        periods_per_year=periods_per_year,
    )

    job = _SaverJob(
        participant=participant,
        plan=plan,
        markets=markets,
        names=names,
        root=root,
        n_years=n_years,
        periods_per_year=periods_per_year,
        ages=ages,
        birth_year=birth_year,
        retirement=retirement,
        pay=pay,
        indexing_rate=indexing_rate,
        schedule=schedule,
        forfeit=forfeit,
        portfolio=portfolio,
        leakage=leakage,
        contributions=contributions,
        relative_accuracy=None if keep_paths else relative_accuracy,
        backend=backend,
        sampling=sampling,
    )
    stats = None
    if not keep_paths:
        stats = saver_stats(retirement is not None, n_years, relative_accuracy)
    chunks = chunk_ranges(n_scenarios, chunk_size, n_workers=parallel(executor, n_workers))
    done = map_ordered(_saver_chunk, chunks, shared=(job,), executor=executor, n_workers=n_workers)
    if stats is not None:
        yearly, outcomes = stats
        for year_part, outcome_part in done:
            yearly.add(*year_part)
            outcomes.add(*outcome_part)
        return StreamedParticipantResults(
            participant=participant,
            plan=plan,
            portfolio=portfolio,
            retirement=retirement,
            years=participant.start_year + np.arange(n_years),
            yearly=yearly,
            outcomes=outcomes,
            seed=root,
            periods_per_year=periods_per_year,
        )
    return _assemble(job, list(zip(chunks, done, strict=True)), n_scenarios)


def _summary_figure(frame: Any, name: str) -> tuple[float, float]:
    """``(figure, standard error)`` of ``<metric>_<column>`` in a saver's ``summary(se=True)``."""
    for column in frame.columns:
        metric = name[: -len(column) - 1]
        if name.endswith("_" + column) and metric in frame.index:
            return float(frame.loc[metric, column]), float(frame.loc[metric, column + "_se"])
    raise ValueError(
        f"precision names {name!r}, not a figure of summary(): use <metric>_<column>, e.g. "
        f"terminal_balance_p50; metrics: {', '.join(frame.index)}"
    )
