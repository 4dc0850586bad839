"""The same saver under three plan designs, on the same market paths.

A 30-year-old earning $75,000, deferring 6%, 60/40 US equity/bonds: the modal
match, a safe-harbor plan and a "generous" plan with a 3-year cliff. Then the
match a front-loader loses when it is computed per pay period instead of with
an annual true-up.

Run:  python examples/plan_designs.py [--n-scenarios 5000] [--seed 3]
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd

import alt401k as ak
from alt401k.contributions import annual_contributions
from alt401k.population import cells_from_participants

DESIGNS = ("modal", "safe_harbor_basic", "generous")


def money(value: float) -> str:
    """$1,234,567 with the minus sign before the dollar sign."""
    return f"-${-value:,.0f}" if value < 0 else f"${value:,.0f}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,  # shows each default
    )
    parser.add_argument(
        "--n-scenarios",
        type=int,
        default=5_000,
        help="market paths (Monte Carlo scenarios) per run",
    )
    parser.add_argument(
        "--seed", type=int, default=3, help="random seed: the same seed gives the same numbers"
    )
    args = parser.parse_args(argv)

    saver = ak.Participant(age=30, salary=75_000, balance=10_000, deferral_rate=0.06,
                           service_years=0.0)  # fmt: skip
    portfolio = ak.Portfolio(weights={"us_equity": 0.6, "us_bonds": 0.4})
    print(f"Saver aged 30, $75,000 pay (+3.5%/yr), deferring 6%, 60/40, to 65; "
          f"{args.n_scenarios:,} paths, seed {args.seed}.")  # fmt: skip
    rows = {}
    for name in DESIGNS:
        plan = ak.PlanDesign.preset(name)
        res = ak.simulate_participant(
            saver, plan, portfolio, n_scenarios=args.n_scenarios, rng=args.seed
        )
        first = res.ledger().iloc[0]
        rows[name] = {
            "employer in year 1": money(first["employer"]),
            "vested after year 1": f"{first['vested_share']:.0%}",
            "balance at 65, p05": money(float(np.quantile(res.terminal_balance, 0.05))),
            "p50": money(float(np.median(res.terminal_balance))),
            "p95": money(float(np.quantile(res.terminal_balance, 0.95))),
        }
    print(pd.DataFrame(rows).T.to_string())

    print()
    print("A front-loader: $400,000 pay, 10% deferral, 26 pay periods, 2026.")
    front = ak.Participant(age=40, salary=400_000, deferral_rate=0.10)
    cells = cells_from_participants([front])
    for timing in ("true_up", "per_period"):
        plan = ak.PlanDesign(match_timing=timing)
        c = annual_contributions(cells, plan, start_year=2026, n_years=1)
        print(f"  {timing:<10}  deferrals {money(c.employee[0, 0])}, match "
              f"{money(c.match[0, 0])}")  # fmt: skip
    print("  Deferrals stop once 402(g) is reached in pay period 16: per-period matching pays")
    print("  nothing on periods 17-26, an annual true-up restores the full match.")


if __name__ == "__main__":
    main()
