"""Time simulate_participant against the cost of drawing its random numbers.

Run:  python benchmarks/bench_engine.py [--n-scenarios 10000] [--repeat 3]

Workload: one saver aged 25 to 65 (40 years, monthly: 480 periods), a portfolio
over 8 assets, 10,000 scenarios. The floor is drawing the same count of
standard normals (S x T x A) with numpy's default generator, in the same run.
"""

from __future__ import annotations

import argparse
import platform
import time

import numpy as np

import alt401k as ak
from alt401k._random import Stream, as_seed_sequence, standard_normals
from alt401k.engine import AccountSchedule, simulate_accounts

ASSETS = [
    "us_equity",
    "us_bonds",
    "intl_equity",
    "em_equity",
    "real_estate",
    "private_equity",
    "private_credit",
    "bitcoin",
]


def best_of(repeat: int, fn) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-scenarios", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    s, years, n = args.n_scenarios, 40, 12

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
    portfolio = ak.Portfolio(
        weights={
            "us_equity": 0.35,
            "us_bonds": 0.25,
            "intl_equity": 0.15,
            "em_equity": 0.05,
            "real_estate": 0.05,
            "private_equity": 0.08,
            "private_credit": 0.07,
        },
        alt_sleeve={"bitcoin": 0.02},
    )
    count = s * years * n * len(ASSETS)

    def floor() -> None:
        np.random.default_rng(1).standard_normal(count)

    def engine() -> None:
        ak.simulate_participant(saver, plan, portfolio, markets=markets, n_scenarios=s, rng=1)

    def sample_only() -> None:
        markets.sample(s, years, n, rng=1)

    def block_normals_only() -> None:
        standard_normals(as_seed_sequence(1), Stream.ASSETS, 0, s, (years * n, len(ASSETS)))
        standard_normals(as_seed_sequence(1), Stream.INFLATION, 0, s, (years * n,))

    paths = markets.sample(s, years, n, rng=1)
    res = ak.simulate_participant(saver, plan, portfolio, markets=markets, n_scenarios=2, rng=1)
    c = res.contributions
    schedule = AccountSchedule(
        weights=portfolio.target_weights(markets.names)[None, :],
        expense_ratio=markets.expense_ratios,
        contributions=np.stack([c.employee_pretax, c.employee_roth, c.employer], axis=-1),
        flat_fee=np.array([plan.recordkeeping_fee]),
        balance0=np.array([[saver.balance, 0.0]]),
        periods_per_year=n,
    )

    def kernel_only() -> None:
        simulate_accounts(paths.returns, schedule)

    t_floor = best_of(args.repeat, floor)
    t_engine = best_of(args.repeat, engine)
    t_normals = best_of(args.repeat, block_normals_only)
    t_sample = best_of(args.repeat, sample_only)
    t_kernel = best_of(args.repeat, kernel_only)
    print(
        f"machine: {platform.processor() or platform.machine()}, numpy {np.__version__}, "
        f"python {platform.python_version()}"
    )
    print(
        f"workload: {s:,} scenarios x {years * n} periods x {len(ASSETS)} assets "
        f"= {count:,} normals (best of {args.repeat})"
    )
    print(f"  floor: draw {count:,} standard normals      {t_floor:7.3f} s")
    print(f"  simulate_participant (end to end)           {t_engine:7.3f} s")
    print(f"    of which block-seeded normals (+ inflation) {t_normals:6.3f} s")
    print(f"    of which MarketModel.sample (all of it)     {t_sample:6.3f} s")
    print(f"    of which engine kernel (simulate_accounts)  {t_kernel:6.3f} s")
    print(f"ratio engine / floor: {t_engine / t_floor:.2f}x (target <= 3x)")


if __name__ == "__main__":
    main()
