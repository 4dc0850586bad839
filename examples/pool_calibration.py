"""The pool's own money flows against the measured DC flows, and what they do to the asset.

Prints the calibration report of the default pool (each year-1 flow as a share of
average assets and in dollars, against the Form 5500 2023 targets, with the checks
that were not fitted), then the 10-year cumulative flow into bitcoin of the three
scenario files in examples/scenarios (cautious, base, aggressive) with its 90% band,
calibrated and with the rules as given (``flow_targets="none"``).

Run:  python examples/pool_calibration.py [--n-scenarios 5000] [--seed 1]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

import alt401k as ak

SCENARIOS = Path(__file__).resolve().parent / "scenarios"
BILLION = 1e9


def report_table(scenario: ak.Scenario) -> pd.DataFrame:
    """The report's rows for people: rates in %, dollars in $B, the error in points."""
    report = scenario.calibration_report()
    flows = report[report["unit"] == "share of average assets"]
    table = pd.DataFrame(
        {
            "model %": 100 * flows["model"].to_numpy(),
            "target %": 100 * flows["target"].to_numpy(),
            "error pp": 100 * flows["error"].to_numpy(),
            "model $B": flows["dollars"].to_numpy() / BILLION,
            "kind": flows["kind"].to_numpy(),
        },
        index=pd.Index(flows["quantity"].to_numpy(), name="year 1"),
    )
    return table


def checks_table(scenario: ak.Scenario) -> pd.DataFrame:
    """The rows that were not fitted: pay and balances against their sources, in dollars."""
    report = scenario.calibration_report()
    rows = report[report["kind"].isin(["check", "identity"]) & (report["unit"] != "people")]
    rows = rows[rows["unit"] == "USD nominal"]
    return pd.DataFrame(
        {
            "model $": rows["model"].to_numpy(),
            "source $": rows["target"].to_numpy(),
            "error %": 100 * rows["rel_error"].to_numpy(),
        },
        index=pd.Index([f"{q} {b}" for q, b in zip(rows["quantity"], rows["band"], strict=True)]),
    )


def flow_bands(n_scenarios: int, seed: int, horizon: int) -> pd.DataFrame:
    """10-year cumulative flow into the asset, $B: mean and 90% band, by scenario file."""
    rows = {}
    for name in ("cautious", "base", "aggressive"):
        scenario = ak.read_scenario(SCENARIOS / f"{name}.yaml").replace(horizon_years=horizon)
        for label, targets in (("calibrated", "default"), ("rules as given", "none")):
            out = scenario.replace(flow_targets=targets).run(n_scenarios, rng=seed)
            total = out.cumulative_flows[:, -1] / BILLION
            p05, p50, p95 = np.quantile(total, (0.05, 0.5, 0.95))
            rows[name, label] = {
                "mean": total.mean(),
                "p05": p05,
                "p50": p50,
                "p95": p95,
                "pool net new money y1": (
                    out.summary()["pool_contributions"].iloc[0]
                    - out.summary()["pool_outflows_mean"].iloc[0]
                )
                / BILLION,
            }
    return pd.DataFrame(rows).T


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,  # shows each default
    )
    parser.add_argument("--n-scenarios", type=int, default=5_000, help="market paths (5,000)")
    parser.add_argument("--horizon", type=int, default=10, help="years (10)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (1)")
    args = parser.parse_args(argv)
    pd.set_option("display.width", 140)
    pd.set_option("display.float_format", lambda v: f"{v:10.3f}")

    scenario = ak.Scenario()
    calibration = scenario.calibration()
    print(
        f"The default pool (${scenario.total_assets / 1e12:.1f}T) in its first year, "
        f"solved to {calibration.targets.label} ({calibration.iterations} rounds):"
    )
    print(report_table(scenario).to_string())
    print()
    print("Not fitted (a test of the calibration): pay and balances against their sources")
    print(checks_table(scenario).to_string(float_format=lambda v: f"{v:12,.0f}"))
    print()
    print("Solved parameters:", scenario.assumptions()["flow_calibration"])
    print()
    print(
        f"Cumulative flow into bitcoin over {args.horizon} years, $B "
        f"({args.n_scenarios:,} market paths, seed {args.seed}):"
    )
    print(flow_bands(args.n_scenarios, args.seed, args.horizon).to_string())


if __name__ == "__main__":
    main()
