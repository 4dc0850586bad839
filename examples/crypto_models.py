"""A 5% bitcoin sleeve under five return models for bitcoin, on the same seed.

For each model it prints the 5th-percentile balance at 65 of one saver with a
5% bitcoin sleeve (next to the same saver without one, on the same paths) and
the 10-year band of cumulative net inflows into bitcoin from a 401(k) pool
scenario. Only bitcoin's model changes: the lognormal, Student-t and jump rows
start from the exact lognormal (``default_markets("lognormal")``), the regime
row is the default (``default_markets()``, the realistic model) and the
uncertain row adds a drawn mean and a ruin hazard to the default.

Run:  python examples/crypto_models.py [--n-scenarios 2000] [--seed 1]
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd

import alt401k as ak
from alt401k.markets import MertonJump, StudentT

BILLION = 1e9
SLEEVE = 0.05


def market_models() -> dict[str, tuple[ak.MarketModel, str]]:
    """The five markets compared, with what each assumes about bitcoin (all *est.*)."""
    base = ak.default_markets("lognormal")
    return {
        "lognormal": (base, 'default_markets("lognormal"): exact lognormal, 15% mean, 55% vol'),
        "student_t": (
            base.replace_asset("bitcoin", model=StudentT(df=4.0)),
            "Student-t marginal, 4 degrees of freedom (Gaussian copula), same 15% / 55%",
        ),
        "jump": (
            base.replace_asset(
                "bitcoin", model=MertonJump(intensity=0.25, jump_mean=-0.7, jump_volatility=0.2)
            ),
            "Merton jumps: one a 4-year cycle on average, typical -50%; 15% / 55% in total",
        ),
        "regime": (
            ak.default_markets(),
            'default_markets(), the default ("crypto_realistic"): shared bull/bear/crash '
            "regimes, vol 55% -> 40% over 10 years",
        ),
        "uncertain": (
            ak.default_markets("crypto_uncertain"),
            'default_markets("crypto_uncertain"): the default with its mean drawn per '
            "scenario from Triangular(-5%, 12%, 30%), 1%/yr chance of a 90% permanent loss",
        ),
    }


def compare(n_scenarios: int, seed: int) -> pd.DataFrame:
    """One row per model: saver p5 at 65 with and without the sleeve, pool inflow band."""
    saver = ak.Participant(
        age=35, salary=80_000, balance=50_000, deferral_rate=0.08, retirement_age=65
    )
    plan = ak.PlanDesign()
    core = ak.Portfolio(weights={"us_equity": 0.6, "us_bonds": 0.4})
    sleeve = core.replace(alt_sleeve={"bitcoin": SLEEVE})
    rows = []
    for name, (markets, _) in market_models().items():
        # Same markets and seed: the two runs share their paths (common random numbers).
        without, with_sleeve = (
            ak.simulate_participant(
                saver, plan, portfolio, markets=markets, n_scenarios=n_scenarios, rng=seed
            ).terminal_balance
            for portfolio in (core, sleeve)
        )
        pool = ak.Scenario(
            allocation_share=SLEEVE, sponsor_adoption=0.1, opt_in_rate=0.1, markets=markets
        ).run(n_scenarios, rng=seed)
        p05, p50, p95 = np.quantile(pool.cumulative_flows[:, -1], (0.05, 0.5, 0.95))
        rows.append(
            {
                "model": name,
                "p5 at 65, no sleeve": float(np.quantile(without, 0.05)),
                "p5 at 65, 5% bitcoin": float(np.quantile(with_sleeve, 0.05)),
                "p5 change": float(np.quantile(with_sleeve, 0.05) - np.quantile(without, 0.05)),
                "pool 10y p5": p05 / BILLION,
                "pool 10y p50": p50 / BILLION,
                "pool 10y p95": p95 / BILLION,
            }
        )
    return pd.DataFrame(rows).set_index("model")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,  # shows each default
    )
    parser.add_argument(
        "--n-scenarios",
        type=int,
        default=2_000,
        help="market paths (Monte Carlo scenarios) per run",
    )
    parser.add_argument(
        "--seed", type=int, default=1, help="random seed: the same seed gives the same numbers"
    )
    args = parser.parse_args(argv)
    print("Bitcoin return models (everything else: J.P. Morgan 2026 LTCMA):")
    for name, (_, note) in market_models().items():
        print(f"  {name:<10} {note}")
    table = compare(args.n_scenarios, args.seed)
    print()
    print("Saver aged 35, $80k pay, $50k balance, 8% deferral, default plan, 60/40 US core,")
    print("5% bitcoin sleeve (default rebalancing); 5th-percentile balance at 65, nominal dollars.")
    print("Pool: default 401(k) pool, 10% of sponsors offer it, 10% of their participants put")
    print("5% in; cumulative net inflow into bitcoin over 10 years, $ billions, 90% band.")
    print(f"Same seed ({args.seed}) and {args.n_scenarios:,} scenarios for every model.")
    shown = table.copy()
    for col in ("p5 at 65, no sleeve", "p5 at 65, 5% bitcoin", "p5 change"):
        shown[col] = table[col].map(lambda v: f"${v:,.0f}")
    for col in ("pool 10y p5", "pool 10y p50", "pool 10y p95"):
        shown[col] = table[col].map(lambda v: f"${v:,.1f}B")
    print(shown.to_string())


if __name__ == "__main__":
    main()
