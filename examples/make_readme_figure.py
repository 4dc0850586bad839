"""Draw the README's picture: flows into bitcoin by year, and the pool's holdings.

The base scenario of ``examples/pool_inflows.py`` (crypto adoption curves by
plan size, opt-in rising to 8%, 1-5% allocations, a 5%/yr reversal hazard)
on a $12.5T pool. Writes ``docs/flows.png``: mean flows by component with the
net-flow band (left) and bitcoin's share of the pool (right).

Run:  python examples/make_readme_figure.py [--n-scenarios 2000] [--horizon 10] [--seed 7]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt

import alt401k as ak
from alt401k import plotting

OUT = Path(__file__).resolve().parent.parent / "docs" / "flows.png"


def base_scenario(horizon: int) -> ak.Scenario:
    """The base scenario of ``examples/pool_inflows.py``."""
    return ak.Scenario(
        asset="bitcoin",
        horizon_years=horizon,
        pool_assets=12.5e12,
        sponsor_adoption="segments",
        opt_in_rate=ak.crypto_opt_in_curve(),
        allocation_share=ak.Triangular(0.01, 0.02, 0.05),
        reversal=ak.Reversal(hazard=0.05, treatment="keep"),
    )


def main(argv: list[str] | None = None) -> Path:
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
    parser.add_argument("--horizon", type=int, default=10, help="years simulated")
    parser.add_argument(
        "--seed", type=int, default=7, help="random seed: the same seed gives the same numbers"
    )
    parser.add_argument("--out", type=Path, default=OUT, help="where to write the figure")
    args = parser.parse_args(argv)

    out = base_scenario(args.horizon).run(args.n_scenarios, rng=args.seed)
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.5), layout="constrained")
    plotting.flow_bands(out, ax=left)
    plotting.holdings_share(out, ax=right)
    fig.suptitle(
        f"401(k) money into bitcoin, base scenario ({args.n_scenarios:,} market paths, "
        f"seed {args.seed})"
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(args.out, dpi=100)
    plt.close(fig)
    print(f"wrote {args.out}")
    return args.out


if __name__ == "__main__":
    main()
