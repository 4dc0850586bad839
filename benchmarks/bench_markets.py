"""Time MarketModel.sample with bitcoin on each return model, next to the lognormal.

Run:  python benchmarks/bench_markets.py [--n-scenarios 10000] [--repeat 3]

Workload: the 8 assets of ``bench_engine.py`` (``default_markets().subset``),
40 years monthly (480 periods), 10,000 scenarios, seed 1, sampled in chunks of
``DEFAULT_CHUNK_SIZE`` scenarios as the engine does. One line per bitcoin
model; the other 7 assets stay lognormal. The floor is drawing the
S x T x A standard normals alone (``alt401k._random.period_normals``).
Timings are wall clock, best of ``--repeat``.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

from _common import ASSETS, PERIODS_PER_YEAR, SEED, best_of, machine_info

import alt401k as ak
from alt401k._random import Stream, as_seed_sequence, period_normals
from alt401k.execution import DEFAULT_CHUNK_SIZE, chunk_ranges
from alt401k.markets import Garch, MertonJump, StudentT
from alt401k.markets.presets import BITCOIN_VOLATILITY_SCHEDULE, CRYPTO_REGIMES

N_YEARS = 40


def models() -> dict[str, ak.MarketModel]:
    """The 8-asset market with bitcoin on each model."""
    from alt401k.adoption import Triangular

    base = ak.default_markets().subset(ASSETS)
    return {
        "lognormal": base,
        "student_t (df 4, gaussian copula)": base.replace_asset("bitcoin", model=StudentT(df=4.0)),
        "student_t (df 4, t copula df 5)": base.replace_asset(
            "bitcoin", model=StudentT(df=4.0, copula="t", copula_df=5.0)
        ),
        "merton_jump": base.replace_asset(
            "bitcoin", model=MertonJump(intensity=0.25, jump_mean=-0.7, jump_volatility=0.2)
        ),
        "regime_switching (3 regimes)": base.replace_asset("bitcoin", model=CRYPTO_REGIMES),
        "garch (t innovations)": base.replace_asset("bitcoin", model=Garch()),
        "volatility schedule": base.replace_asset(
            "bitcoin", volatility_schedule=BITCOIN_VOLATILITY_SCHEDULE
        ),
        "uncertain mean + ruin": base.replace_asset(
            "bitcoin",
            expected_return_uncertainty=Triangular(low=-0.05, mode=0.12, high=0.30),
            ruin_hazard=0.01,
        ),
        "regime + schedule (crypto_realistic)": base.replace_asset(
            "bitcoin", model=CRYPTO_REGIMES, volatility_schedule=BITCOIN_VOLATILITY_SCHEDULE
        ),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-scenarios", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    s, n = args.n_scenarios, PERIODS_PER_YEAR
    root = as_seed_sequence(SEED)
    chunks = chunk_ranges(s, DEFAULT_CHUNK_SIZE)
    a = len(ASSETS)
    count = s * N_YEARS * n * a

    def floor() -> None:
        for start, stop in chunks:
            period_normals(root, Stream.ASSETS, start, stop, N_YEARS, n, a)

    def sampler(market: ak.MarketModel) -> Callable[[], None]:
        def run() -> None:
            for start, stop in chunks:
                market.sample(stop - start, N_YEARS, n, rng=root, first_scenario=start)

        return run

    print(f"machine: {machine_info()}")
    print(
        f"workload: {s:,} scenarios x {N_YEARS * n} periods x {a} assets = {count:,} draws, "
        f"chunk {DEFAULT_CHUNK_SIZE:,} (best of {args.repeat}, wall clock)"
    )
    t_floor = best_of(args.repeat, floor)
    built = models()
    sampler(built["lognormal"])()  # warm-up
    t_log = best_of(args.repeat, sampler(built["lognormal"]))
    print(f"  {'floor: period_normals':<46} {t_floor:7.3f} s  {1.0:5.2f}x floor")
    for label, market in built.items():
        t = t_log if label == "lognormal" else best_of(args.repeat, sampler(market))
        print(
            f"  {'bitcoin ' + label:<46} {t:7.3f} s  {t / t_floor:5.2f}x floor  "
            f"{t / t_log:5.2f}x lognormal"
        )


if __name__ == "__main__":
    main()
