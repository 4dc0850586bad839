"""The $125B headline, then the same knobs at realistic adoption, year by year.

Run:  python examples/quickstart.py [--n-scenarios 10000] [--horizon 10] [--seed 42]
"""

from __future__ import annotations

import argparse

import pandas as pd

import alt401k as ak

BILLION = 1e9


def flows_table(out: ak.PoolResults) -> pd.DataFrame:
    """Year-by-year flows in $ billions: mean by cause, quantiles of the net flow."""
    s = out.summary(quantiles=(0.05, 0.5, 0.95))
    table = pd.DataFrame(
        {
            "realloc": s["reallocation_mean"],
            "contrib": s["contributions_mean"],
            "distrib": s["distributions_mean"],
            "rebal": s["rebalancing_mean"],
            "net p5": s["net_flow_p05"],
            "net p50": s["net_flow_p50"],
            "net p95": s["net_flow_p95"],
            "cum p50": s["cumulative_flow_p50"],
            "held p50": s["holdings_p50"],
        }
    )
    return table / BILLION


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
    parser.add_argument("--horizon", type=int, default=10, help="years simulated")
    parser.add_argument(
        "--seed", type=int, default=42, help="random seed: the same seed gives the same numbers"
    )
    args = parser.parse_args(argv)
    pd.set_option("display.width", 120)
    pd.set_option("display.float_format", lambda v: f"{v:8.2f}")

    ceiling = ak.Scenario(
        pool_assets=12.5e12,
        sponsor_adoption=1.0,
        opt_in_rate=1.0,
        allocation_share=0.01,
        asset="bitcoin",
        horizon_years=args.horizon,
    )
    out = ceiling.run(n_scenarios=args.n_scenarios, rng=args.seed)
    print("The headline: every sponsor offers bitcoin, every participant puts 1% in.")
    print(
        "  Year-one reallocation of existing balances: "
        f"${out.headline_reallocation / BILLION:,.1f}B (1% of ${ceiling.pool_assets / 1e12:.1f}T)"
    )
    print(f"  Then, per year ($B, {args.n_scenarios:,} market paths):")
    print(flows_table(out).to_string())

    # Realistic knobs (est.): 10% of sponsors add the option within the period (3.9% offered
    # any alternative in 2024); 9% of their participants opt in (Roth uptake one year after
    # introduction, Vanguard HAS 2025). Same 1% allocation share, same market paths.
    realistic = ceiling.replace(sponsor_adoption=0.10, opt_in_rate=0.09)
    real = realistic.run(n_scenarios=args.n_scenarios, rng=args.seed)
    print()
    print("Realistic adoption: 10% of sponsors offer it, 9% of their participants opt in, 1% each.")
    print(f"  Year-one reallocation: ${real.headline_reallocation / BILLION:,.2f}B")
    print(flows_table(real).to_string())
    total = real.cumulative_flows[:, -1] / BILLION
    print(
        f"  Net inflow over {args.horizon} years: median ${pd.Series(total).median():,.2f}B, "
        f"90% interval ${pd.Series(total).quantile(0.05):,.2f}B to "
        f"${pd.Series(total).quantile(0.95):,.2f}B"
    )

    print()
    print("Headline reallocation ($B) by sponsor adoption (rows) and allocation share (columns),")
    print("full opt-in, on a $12.2T pool (ICI Q1 2025), not the $12.5T above: the 100% / 1.00%")
    print("cell is 1% of $12.2T = $122B, where the headline is 1% of $12.5T = $125B.")
    grid = ak.sweep(
        ceiling.replace(pool_assets=12.2e12, horizon_years=1),
        sponsor_adoption=[0.10, 0.25, 0.50, 1.0],
        allocation_share=[0.001, 0.0025, 0.005, 0.01],
        n_scenarios=min(args.n_scenarios, 200),
        rng=args.seed,
    )
    matrix = (
        grid.pivot(
            index="sponsor_adoption", columns="allocation_share", values="headline_reallocation"
        )
        / BILLION
    )
    matrix.index = [f"{a:.0%} of sponsors" for a in matrix.index]
    matrix.columns = [f"{s:.2%}" for s in matrix.columns]
    print(matrix.to_string())


if __name__ == "__main__":
    main()
