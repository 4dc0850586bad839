"""How :func:`~alt401k.scenario.participant.simulate_participant` runs a chunk of scenarios.

:func:`_saver_chunk` draws a chunk's market paths and pay, runs the saver's
cell through the engine with its start-of-year removals (:class:`_Hooks`:
forfeitures, then retirement withdrawals), and :func:`_assemble` gathers the
chunks into a :class:`~alt401k.results.ParticipantResults`.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from ..contributions import AnnualContributions, annual_contributions
from ..engine import GroupSchedule, simulate
from ..leakage import LEAKAGE_PARTS, Leakage
from ..limits import limits_from_prices
from ..markets import MarketModel
from ..pay import PayPath, salary_paths
from ..plan import PlanDesign
from ..population import Participant, cells_from_participants
from ..portfolio import Portfolio
from ..results import ParticipantResults
from ..results.streamed_participant import saver_series, saver_stats
from ..retirement import Retirement, RetirementPaths, WithdrawalPolicy


@dataclasses.dataclass(frozen=True)
class _SaverJob:
    """What every chunk of a saver's run needs; sent to each worker once."""

    participant: Participant
    plan: PlanDesign
    markets: MarketModel
    names: tuple[str, ...]
    root: np.random.SeedSequence
    n_years: int
    periods_per_year: int
    ages: np.ndarray
    birth_year: int
    retirement: Retirement | None
    pay: PayPath | None
    indexing_rate: float
    schedule: GroupSchedule
    forfeit: np.ndarray
    portfolio: Portfolio
    leakage: Leakage | None
    contributions: AnnualContributions  # the deterministic schedule (without pay paths)
    relative_accuracy: float | None = None  # None: keep paths; else stream
    backend: str = "numpy"
    sampling: str = "mc"


@dataclasses.dataclass(frozen=True)
class _SaverChunk:
    arrays: dict[str, np.ndarray]
    market_draws: dict[str, np.ndarray]
    phase: RetirementPaths | None
    contributions: AnnualContributions | None


def _saver_chunk(job: _SaverJob, start: int, stop: int) -> Any:
    """Simulate scenarios ``start:stop`` of a saver's run."""
    n_rows, n_years = stop - start, job.n_years
    paths = job.markets.sample(
        n_rows,
        n_years,
        job.periods_per_year,
        rng=job.root,
        first_scenario=start,
        assets=job.names,
        sampling=job.sampling,
    )
    price = np.cumprod(paths.annual_inflation() + 1.0, axis=1)
    contributions = None
    if job.pay is not None:
        contributions = _contributions_on_paths(
            job.participant,
            job.plan,
            job.pay,
            price,
            job.root,
            start,
            n_years,
            job.indexing_rate,
        )
    policy = None
    if job.retirement is not None:
        starts = np.concatenate([np.ones((n_rows, 1)), price], axis=1)
        roth_in = (job.contributions if contributions is None else contributions).roth_total
        policy = WithdrawalPolicy(
            job.retirement,
            ages=job.ages,
            retirement_age=job.participant.retirement_age,
            birth_year=job.birth_year,
            start_year=job.participant.start_year,
            price_level=starts,
            roth_contributions=roth_in.T,  # (1, Y) or, with pay paths, (S, Y)
            # The opening Roth balance is taken as all basis, its five years as done: the
            # Participant does not record either (a stated simplification).
            roth_basis=job.participant.roth_balance,
            roth_years_done=job.participant.roth_balance > 0.0,
            outflow=job.schedule.outflow[:, 0],
            periods_per_year=job.periods_per_year,
        )
    hooks = _Hooks(job.forfeit, policy, n_rows)
    schedule = dataclasses.replace(job.schedule, withdraw=hooks)
    if contributions is not None:
        schedule = dataclasses.replace(
            schedule,
            contributions=np.stack(
                [contributions.total, contributions.roth_total, contributions.employer]
            ).transpose(0, 2, 1)[..., None],
        )
    ledger = simulate(paths.returns, schedule, record_ledger=True, backend=job.backend).ledger
    assert ledger is not None
    arrays = {
        "balance": ledger.balance[0, :, :, 0],
        "roth": ledger.balance[1, :, :, 0],
        "employer": ledger.balance[2, :, :, 0],
        "invest": ledger.investment_return[..., 0],
        "fees": ledger.fees[..., 0],
        "prices": price,
        "annual": paths.annual_returns(),
        "forfeited": hooks.forfeited,
        "leaked": (
            np.moveaxis(ledger.outflow_parts[:, :, :, 0], 0, -1)
            if job.schedule.outflow_parts is not None
            else np.zeros((n_rows, n_years, len(LEAKAGE_PARTS)))
        ),
    }
    piece = _SaverChunk(
        arrays=arrays,
        market_draws={key: np.asarray(v) for key, v in paths.parameters.items()},
        phase=None if policy is None else policy.paths(),
        contributions=contributions,
    )
    if job.relative_accuracy is None:
        return piece
    # Streamed: this chunk's results, reduced to statistics before they leave the worker.
    result = _assemble(job, [((0, n_rows), piece)], n_rows)
    yearly, outcomes = saver_stats(job.retirement is not None, n_years, job.relative_accuracy)
    series, metrics = saver_series(result)
    return (
        (yearly.block_moments(series), yearly.bucket_counts(series)),
        (outcomes.block_moments(metrics), outcomes.bucket_counts(metrics)),
    )


def _assemble(
    job: _SaverJob, pieces: list[tuple[tuple[int, int], _SaverChunk]], n_scenarios: int
) -> ParticipantResults:
    """A saver's results from the chunks of scenarios ``(start, stop)`` that cover them."""
    arrays: dict[str, np.ndarray] = {}
    phases: list[RetirementPaths] = []
    per_scenario: list[AnnualContributions] = []
    market_draws: dict[str, list[np.ndarray]] = {}
    for (start, stop), piece in pieces:
        for key, values in piece.arrays.items():
            if key not in arrays:
                arrays[key] = np.empty((n_scenarios, *values.shape[1:]))
            arrays[key][start:stop] = values
        for key, values in piece.market_draws.items():
            market_draws.setdefault(key, []).append(values)
        if piece.phase is not None:
            phases.append(piece.phase)
        if piece.contributions is not None:
            per_scenario.append(piece.contributions)
    retirement_paths = (
        RetirementPaths(
            **{
                field.name: np.concatenate([getattr(p, field.name) for p in phases])
                for field in dataclasses.fields(RetirementPaths)
            }
        )
        if phases
        else None
    )
    contributions = job.contributions
    if per_scenario:
        contributions = AnnualContributions(
            **{
                field.name: (
                    getattr(per_scenario[0], field.name)
                    if field.name == "years"
                    else np.concatenate([getattr(c, field.name) for c in per_scenario], axis=1)
                )
                for field in dataclasses.fields(AnnualContributions)
            }
        )
    with_leakage = job.leakage is not None
    return ParticipantResults(
        participant=job.participant,
        plan=job.plan,
        portfolio=job.portfolio,
        contributions=contributions,
        balance_end=arrays["balance"],
        roth_balance_end=arrays["roth"],
        investment_return=arrays["invest"],
        fees=arrays["fees"],
        price_level=arrays["prices"],
        asset_names=job.names,
        annual_returns=arrays["annual"],
        seed=job.root,
        periods_per_year=job.periods_per_year,
        retirement=job.retirement,
        retirement_paths=retirement_paths,
        employer_balance_end=arrays["employer"],
        leakage=job.leakage,
        leakage_paths=arrays["leaked"] if with_leakage else None,
        forfeitures=arrays["forfeited"] if with_leakage else None,
        market_draws={key: np.concatenate(parts) for key, parts in market_draws.items()},
        markets=job.markets,
        indexing_rate=job.indexing_rate,
        pay=job.pay,
        sampling=job.sampling,
    )


def _contributions_on_paths(
    participant: Participant,
    plan: PlanDesign,
    pay: PayPath,
    price: np.ndarray,
    root: np.random.SeedSequence,
    start: int,
    n_years: int,
    indexing_rate: float,
) -> AnnualContributions:
    """Contributions of one saver in each scenario of a chunk: (Y, S) arrays.

    The scenarios are the cells: pay from :func:`alt401k.pay.salary_paths`,
    limits from the chunk's price paths (``price``, (S, Y) price level at each
    year end).
    """
    n_rows = price.shape[0]
    cells = cells_from_participants([participant] * n_rows)
    salary = salary_paths(participant, pay, price, root=root, first_scenario=start)
    years = participant.start_year + np.arange(n_years)
    limits = limits_from_prices(years, price, indexing_rate=indexing_rate)
    return annual_contributions(
        cells,
        plan,
        start_year=participant.start_year,
        n_years=n_years,
        indexing_rate=indexing_rate,
        salary=salary.T,
        limits={name: value.T for name, value in limits.items()},
    )


class _Hooks:
    """The saver's start-of-year removals: forfeitures at separation, then retirement withdrawals.

    ``forfeit`` (Y,) is the expected share of employer money forfeited in each
    year (separation hazard x unvested share); the state is (3, S, 1): all
    money, its Roth part, employer money (unvested employer money is pre-tax).
    """

    def __init__(
        self, forfeit: np.ndarray, policy: WithdrawalPolicy | None, n_scenarios: int
    ) -> None:
        self.forfeit = forfeit
        self.policy = policy
        self.forfeited = np.zeros((n_scenarios, forfeit.size))

    def __call__(self, year: int, rows: slice, state: np.ndarray) -> np.ndarray:
        taken = np.zeros_like(state)
        rate = float(self.forfeit[year])
        if rate > 0.0:
            lost = rate * state[2]
            taken[0] += lost
            taken[2] += lost
            self.forfeited[rows, year] = lost[:, 0]
        if self.policy is not None:
            taken += self.policy(year, rows, state - taken)
        return taken
