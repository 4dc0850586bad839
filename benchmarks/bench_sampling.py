"""Sampling at the floor (issue 20): the saver W1 against the time of its own draws.

W1 here is issue 20's: one saver aged 30 to 65 (35 years, monthly), the full
13-asset ``default_markets()`` (bitcoin and ether on their realistic regime
models, private equity and credit appraisal-smoothed), the diversified core of
:func:`_common.saver_portfolio` (seven assets and a 2% bitcoin sleeve),
10,000 scenarios, serial, ``backend="numpy"``.

Its *draws* are the random numbers the run cannot do without, drawn the way
the run draws them (:mod:`alt401k._random`, keyed by block and year, in the
run's chunks): the Gaussian shocks of all 13 assets (S x T x 13: common random
numbers across asset choices need every column) and of inflation (S x T),
plus the regime model's own draws for bitcoin (a uniform and a normal per
period, S x T each). The ratio W1 / draws is
the figure issue 20 targets (at most 1.5x). The run is also split into market
sampling (``MarketModel.sample`` for the assets the saver holds) and the rest
(the account engine, compounding, summaries).

Run: ``python benchmarks/bench_sampling.py [--n 10000] [--repeat 3]``. Timings are
wall clock, best of ``--repeat``, on a possibly shared machine.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _common import SEED, best_of, machine_info, saver_portfolio

import alt401k as ak
from alt401k._random import Stream, as_seed_sequence, keyed_period_draws, period_normals
from alt401k.execution import chunk_ranges

YEARS = 35


def saver() -> ak.Participant:
    return ak.Participant(
        age=30, salary=70_000, balance=50_000, deferral_rate=0.08, retirement_age=65
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000, help="scenarios (10,000)")
    parser.add_argument("--repeat", type=int, default=3, help="best of this many (3)")
    args = parser.parse_args(argv)
    markets = ak.default_markets()
    portfolio = saver_portfolio()
    held = [name for name in markets.names if name in {*portfolio.weights, *portfolio.alt_sleeve}]
    root = as_seed_sequence(SEED)
    n = args.n

    def run() -> object:
        return ak.simulate_participant(
            saver(), portfolio=portfolio, markets=markets, n_scenarios=n, rng=SEED
        )

    def draws() -> None:
        for start, stop in chunk_ranges(n):
            period_normals(root, Stream.ASSETS, start, stop, YEARS, 12, markets.n_assets)
            period_normals(root, Stream.INFLATION, start, stop, YEARS, 12, 1)
            keyed_period_draws(
                root, Stream.RETURN_MODELS, "bitcoin/regime", start, stop, YEARS, 12,
                uniform=True,
            )  # fmt: skip
            keyed_period_draws(
                root, Stream.RETURN_MODELS, "bitcoin/decoupled", start, stop, YEARS, 12
            )

    def sampling() -> None:
        for start, stop in chunk_ranges(n):
            markets.sample(stop - start, YEARS, rng=SEED, first_scenario=start, assets=held)

    run()  # warm caches and imports
    t_run = best_of(args.repeat, run)
    t_draws = best_of(args.repeat, draws)
    t_sampling = best_of(args.repeat, sampling)
    print(machine_info())
    print(f"W1: saver 30 to 65, 13 assets (holds {len(held)}), {n:,} scenarios, serial, numpy")
    print(f"  draws (the floor)          {t_draws:6.2f} s")
    print(f"  market sampling            {t_sampling:6.2f} s  ({t_sampling / t_draws:.2f}x draws)")
    print(f"  whole run                  {t_run:6.2f} s  ({t_run / t_draws:.2f}x draws)")
    print(f"  rest (engine, compounding) {t_run - t_sampling:6.2f} s")


if __name__ == "__main__":
    main()
