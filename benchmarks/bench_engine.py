"""Time simulate_participant against the cost of drawing its random numbers.

Run:  python benchmarks/bench_engine.py [--n-scenarios 10000] [--repeat 3]

Workload: one saver aged 25 to 65 (40 years, monthly: 480 periods), a portfolio
over 8 assets (the market model is ``default_markets().subset`` of those 8),
10,000 scenarios, seed 1.

Lines:

* *floor*: drawing the standard normals the run draws for asset shocks,
  S x T x A (A = the market model's asset count: the sampler draws every asset
  of the model), with ``alt401k._random.period_normals`` in chunks of
  ``DEFAULT_CHUNK_SIZE`` scenarios, as the run does;
* *simulate_participant*: end to end;
* *MarketModel.sample*: the return paths alone (shocks, inflation, transforms);
* *engine.simulate*: the kernel alone, on the same inputs ``simulate_participant``
  builds (a ``GroupSchedule`` of one group, ``record_ledger=True``), per chunk.

Timings are wall clock, best of ``--repeat`` (the machine may be shared).
"""

from __future__ import annotations

import argparse

import numpy as np
from _common import ASSETS, PERIODS_PER_YEAR, SEED, best_of, machine_info, saver_portfolio

import alt401k as ak
from alt401k._random import Stream, as_seed_sequence, period_normals
from alt401k.contributions import annual_contributions
from alt401k.engine import GroupSchedule, simulate
from alt401k.execution import DEFAULT_CHUNK_SIZE, chunk_ranges
from alt401k.population import cells_from_participants


def participant_schedule(
    saver: ak.Participant, plan: ak.PlanDesign, portfolio: ak.Portfolio, markets: ak.MarketModel
) -> GroupSchedule:
    """The kernel's schedule, built as ``simulate_participant`` builds it."""
    names = portfolio.asset_names
    weights = portfolio.target_weights(names)
    n_years = saver.n_years
    c = annual_contributions(
        cells_from_participants([saver]), plan, start_year=saver.start_year, n_years=n_years
    )
    return GroupSchedule(
        core_weights=np.broadcast_to(weights[None, :, None], (n_years, len(names), 1)),
        portfolio=np.zeros(1, dtype=int),
        expense_ratio=markets.subset(names).expense_ratios,
        contributions=np.stack([c.total[:, 0], c.employee_roth[:, 0]])[:, :, None],
        balance0=np.array([[saver.balance], [saver.roth_balance]]),
        flat_fee=np.full((n_years, 1), plan.recordkeeping_fee),
        outflow=np.zeros((n_years, 1)),
        periods_per_year=PERIODS_PER_YEAR,
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-scenarios", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    s, n = args.n_scenarios, PERIODS_PER_YEAR

    markets = ak.default_markets().subset(ASSETS)
    saver = ak.Participant(
        age=25,
        salary=60_000,
        balance=5_000,
        deferral_rate=0.08,
        roth_fraction=0.2,
        retirement_age=65,
    )
    plan = ak.PlanDesign()
    portfolio = saver_portfolio()
    years = saver.n_years
    a_model = markets.n_assets
    count = s * years * n * a_model
    root = as_seed_sequence(SEED)
    chunks = chunk_ranges(s, DEFAULT_CHUNK_SIZE)
    names = portfolio.asset_names

    def floor() -> None:
        for start, stop in chunks:
            period_normals(root, Stream.ASSETS, start, stop, years, n, a_model)

    def end_to_end() -> None:
        ak.simulate_participant(saver, plan, portfolio, markets=markets, n_scenarios=s, rng=SEED)

    def sample_only() -> None:
        for start, stop in chunks:
            markets.sample(stop - start, years, n, rng=root, first_scenario=start, assets=names)

    schedule = participant_schedule(saver, plan, portfolio, markets)
    returns = [
        markets.sample(stop - start, years, n, rng=root, first_scenario=start, assets=names).returns
        for start, stop in chunks
    ]

    def kernel_only() -> None:
        for r in returns:
            simulate(r, schedule, record_ledger=True)

    end_to_end()  # warm-up
    t_floor = best_of(args.repeat, floor)
    t_run = best_of(args.repeat, end_to_end)
    t_sample = best_of(args.repeat, sample_only)
    t_kernel = best_of(args.repeat, kernel_only)
    print(f"machine: {machine_info()}")
    print(
        f"workload: {s:,} scenarios x {years * n} periods x {a_model} assets "
        f"= {count:,} normals, chunk {DEFAULT_CHUNK_SIZE:,} (best of {args.repeat}, wall clock)"
    )
    rows = [
        (f"floor: period_normals, {count:,} normals", t_floor),
        ("simulate_participant (end to end)", t_run),
        ("  MarketModel.sample alone", t_sample),
        ("  engine.simulate alone (kernel)", t_kernel),
    ]
    for label, t in rows:
        print(f"  {label:<46} {t:7.3f} s  {t / t_floor:5.2f}x floor")
    print(f"ratio end to end / floor: {t_run / t_floor:.2f}x (target <= 3x)")


if __name__ == "__main__":
    main()
