"""A bitcoin sleeve of 0%, 1%, 2% or 5% vs none, for one saver, on the same market paths.

Run:  python examples/participant_sleeve.py [--n-scenarios 10000] [--seed 1]
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd

import alt401k as ak


def compare_sleeves(n_scenarios: int, seed: int, shares=(0.0, 0.01, 0.02, 0.05)) -> pd.DataFrame:
    """Terminal balance statistics for each sleeve share, paired with the no-sleeve run."""
    # Only the assets held: fewer draws, and every run below still shares the same paths.
    markets = ak.default_markets().subset(["us_equity", "us_bonds", "bitcoin"])
    saver = ak.Participant(
        age=35,
        salary=80_000,
        balance=50_000,
        deferral_rate=0.06,
        roth_fraction=0.25,
        retirement_age=65,
    )
    plan = ak.PlanDesign(match=ak.MatchFormula(tiers=[(1.0, 0.03), (0.5, 0.02)]))
    core = ak.Portfolio(weights={"us_equity": 0.6, "us_bonds": 0.4})
    # Same markets and seed: every run sees identical paths (common random numbers).
    base = ak.simulate_participant(
        saver, plan, core, markets=markets, n_scenarios=n_scenarios, rng=seed
    )
    base_median = float(np.median(base.terminal_balance))
    rows = [
        {
            "sleeve": "none",
            "median": base_median,
            "p05": float(np.quantile(base.terminal_balance, 0.05)),
            "p95": float(np.quantile(base.terminal_balance, 0.95)),
            "prob_below_no_sleeve_median": base.prob_below(base_median),
            "median_gain_vs_none": 0.0,
        }
    ]
    for share in shares:
        res = ak.simulate_participant(
            saver,
            plan,
            core.replace(alt_sleeve={"bitcoin": share}),
            markets=markets,
            n_scenarios=n_scenarios,
            rng=seed,
        )
        tb = res.terminal_balance
        rows.append(
            {
                "sleeve": f"{share:.0%} bitcoin",
                "median": float(np.median(tb)),
                "p05": float(np.quantile(tb, 0.05)),
                "p95": float(np.quantile(tb, 0.95)),
                "prob_below_no_sleeve_median": res.prob_below(base_median),
                "median_gain_vs_none": float(np.median(tb - base.terminal_balance)),
            }
        )
    return pd.DataFrame(rows).set_index("sleeve")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,  # shows each default
    )
    parser.add_argument(
        "--n-scenarios",
        type=int,
        default=10_000,
        help="market paths (Monte Carlo scenarios) per run",
    )
    parser.add_argument(
        "--seed", type=int, default=1, help="random seed: the same seed gives the same numbers"
    )
    args = parser.parse_args(argv)
    table = compare_sleeves(args.n_scenarios, args.seed)
    print("Saver aged 35, $80k pay, $50k balance, 6% deferral, match 100% of 3% + 50% of 2%,")
    print(f"60/40 core, balance at 65 in nominal dollars ({args.n_scenarios:,} paths):")
    money = ["median", "p05", "p95", "median_gain_vs_none"]
    shown = table.copy()
    shown[money] = shown[money].map(lambda v: f"${v:,.0f}")
    shown["prob_below_no_sleeve_median"] = table["prob_below_no_sleeve_median"].map("{:.1%}".format)
    print(shown.to_string())


if __name__ == "__main__":
    main()
