"""Is it a lot? The pool's flows into bitcoin against its market, new supply and ETF flows.

For the three scenario files (cautious, base, aggressive) it prints, year by year,
the pool's net flow as a share of bitcoin's market value, as a multiple of new
supply (issuance at the path's price) and of US spot ETF flows, with 90% bands;
the price impact the flows would have in the inelastic-markets view (a
multiplier drawn per scenario, reported, not fed back); and whether the pool
behaves as patient capital (its flows in the worst and best years). It draws the
base scenario's flows against issuance and ETF flows. Then, for private credit (an
illustration with stated knobs), the pool's net flow as a share of the class's
fund-raising, and its redemptions against a semiliquid fund's quarterly gate (5% of
net asset value), with and without a reversal that unwinds the holdings.

Run:  python examples/market_context.py [--n-scenarios 2000] [--seed 1] [--png PATH]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

import alt401k as ak

FOLDER = Path(__file__).resolve().parent / "scenarios"
DEFAULT_PNG = Path(__file__).resolve().parents[1] / "docs" / "market_context.png"


def table(context: pd.DataFrame) -> pd.DataFrame:
    """Ratios in percent (median and 90% band), for people."""

    def band(name: str) -> pd.Series:
        lo, mid, hi = (100 * context[f"{name}_{q}"] for q in ("p05", "p50", "p95"))
        return pd.Series(
            [f"{m:.4f} ({a:.4f} to {b:.4f})" for a, m, b in zip(lo, mid, hi, strict=True)],
            index=context.index,
        )

    return pd.DataFrame(
        {
            "% of market value": band("net_flow_share_of_value"),
            "% of issuance": band("net_flow_to_issuance"),
            "% of ETF flows": band("net_flow_to_other_buyers"),
            "price impact %": band("price_impact"),
        }
    )


def private_table(context: pd.DataFrame) -> pd.DataFrame:
    """Fund-raising share and gate pressure (median and 90% band), for people."""

    def band(name: str, scale: float = 100.0, digits: int = 2) -> pd.Series:
        lo, mid, hi = (scale * context[f"{name}_{q}"] for q in ("p05", "p50", "p95"))
        return pd.Series(
            [
                f"{m:.{digits}f} ({a:.{digits}f} to {b:.{digits}f})"
                for a, m, b in zip(lo, mid, hi, strict=True)
            ],
            index=context.index,
        )

    return pd.DataFrame(
        {
            "% of fund-raising": band("net_flow_to_fundraising"),
            "redemptions, $B": band("redemptions", 1e-9),
            "x own fund's gate": band("redemptions_to_own_capacity", 1.0),
            "% of all semiliquid gates": band("redemptions_to_market_capacity"),
        }
    )


def private_credit(n_scenarios: int, seed: int) -> None:
    """Private credit in a sleeve: fund-raising share and a semiliquid fund's gate."""
    spec = ak.MarketContext.private_credit()
    print(
        f"\nPrivate credit at {spec.as_of}: ${spec.market_value / 1e12:.1f}T (*est.*), "
        f"fund-raising ${spec.fundraising_forward / 1e9:.0f}B a year assumed; a semiliquid "
        f"fund redeems at most {spec.redemption_limit:.0%} of its net asset value a quarter."
    )
    knobs = dict(
        asset="private_credit", sponsor_adoption=0.10, opt_in_rate=0.30, allocation_share=0.05
    )
    for label, reversal in (
        ("kept", None),
        ("reversed with certainty in year one, unwound over 2 years", ak.Reversal(
            hazard=1.0, treatment="unwind", unwind_years=2
        )),
    ):  # fmt: skip
        result = ak.Scenario(**knobs, reversal=reversal).run(n_scenarios, rng=seed)
        context = result.market_context()
        print(
            f"\n== private credit, 10% of plans x 30% opt in x 5% of balance, {label}: "
            f"median (90% band), {n_scenarios:,} paths"
        )
        print(private_table(context).to_string())
        worst = context["redemptions_to_own_capacity_p50"].max()
        print(
            f"In the median path the pool's redemptions reach {worst:.2f}x the quarterly gate "
            "of a fund holding its money: "
            + (
                "the gate would bind and redemptions queue."
                if worst > 1.0
                else "within the gate, on these numbers."
            )
        )


def draw(result: ak.PoolResults, context: pd.DataFrame, path: Path) -> None:
    """The base scenario's net flow band against issuance and ETF flows, $B, log scale."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    years = result.years
    flow = result.net_flows / 1e9
    fig, ax = plt.subplots(figsize=(8, 5.0))
    ax.fill_between(
        years,
        np.maximum(np.quantile(flow, 0.05, axis=0), 1e-3),
        np.quantile(flow, 0.95, axis=0),
        color="C0",
        alpha=0.25,
        label="pool's net flow, p05-p95 (floored at $1M)",
    )
    ax.plot(years, np.median(flow, axis=0), color="C0", marker="o", label="pool's net flow, p50")
    ax.plot(
        years,
        context["issuance_dollars_p50"] / 1e9,
        color="C1",
        marker="s",
        label="new bitcoin issued, at the path's price (p50)",
    )
    ax.plot(
        years,
        context["other_buyers_flow"] / 1e9,
        color="C2",
        ls="--",
        label="US spot ETF net flows (2024-25 record; $20B a year assumed)",
    )
    ax.set_yscale("log")
    ax.set_ylabel("$B a year (nominal, log scale)")
    ax.set_xlabel("year")
    ax.set_title(
        f"Base scenario: 401(k) flows into bitcoin in market context ({result.n_scenarios:,} paths)"
    )
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-scenarios", type=int, default=2_000, help="market paths (2,000)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (1)")
    parser.add_argument("--png", type=Path, default=DEFAULT_PNG, help="where to draw the figure")
    parser.add_argument("--no-plot", action="store_true", help="print only")
    args = parser.parse_args(argv)
    pd.set_option("display.width", 160)
    context_spec = ak.MarketContext.bitcoin()
    print(
        f"Bitcoin at {context_spec.as_of}: market value ${context_spec.market_value / 1e12:.2f}T, "
        f"{context_spec.issuance_per_day:.0f} BTC a day, halving about every four years; "
        f"{context_spec.other_flows_label}: "
        + ", ".join(f"{y} ${v / 1e9:.1f}B" for y, v in context_spec.other_flows)
        + f", then ${context_spec.other_flows_forward / 1e9:.0f}B a year assumed."
    )
    for name in ("cautious", "base", "aggressive"):
        scenario = ak.read_scenario(FOLDER / f"{name}.yaml")
        result = scenario.run(args.n_scenarios, rng=args.seed)
        context = result.market_context()
        patient = result.patient_capital()
        print(f"\n== {name}: the pool's net flow, median (90% band), {args.n_scenarios:,} paths")
        print(table(context).to_string())
        print(patient.to_string(float_format=lambda v: f"{v:,.3g}"))
        print(patient.attrs["conclusion"])
        if name == "base":
            # The fixed point runs the engine a few dozen times: a smaller run suffices.
            n_fed = min(args.n_scenarios, 500)
            fed = scenario.replace(market_context=context_spec, impact_feedback=True).run(
                n_fed, rng=args.seed
            )
            plain = result.holdings[:n_fed]
            impact = 100 * np.quantile(fed.price_impact, (0.05, 0.5, 0.95), axis=0)
            held = np.median(fed.holdings, axis=0) / np.median(plain, axis=0) - 1
            print(
                f"With the impact fed back into bitcoin's returns (same draws, {n_fed:,} paths): "
                "price change from the pool's own flows, % (p05 / p50 / p95), and the change "
                "in the pool's median holdings:"
            )
            for year, (lo, mid, hi), change in zip(result.years, impact.T, held, strict=True):
                print(f"  {year}: {lo:.4f} / {mid:.4f} / {hi:.4f}; holdings {change:+.4%}")
            if not args.no_plot:
                draw(result, context, args.png)
                print(f"figure: {args.png}")
    private_credit(args.n_scenarios, args.seed)


if __name__ == "__main__":
    main()
