"""Checked against history: the adoption machinery run through target-date funds, 2006-2022.

Runs :func:`alt401k.validation.tdf_backcast` -- the synthetic population, the
QDIA Bass curve (p 0.16, q 0.27, m 0.92), the default channel holding the
fund, entrants, calibrated contributions and outflows, and the recorded index
returns of 2006-2022 -- three times: new money only (the default: old balances
stay where they were, as a new QDIA default reached plans), old balances moved
into the fund when the plan adopts (right for a sleeve added to a fund default
investors already hold, wrong here), and only post-2006 hires as default
investors (a diagnostic bound). It prints the model next to the published
series (EBRI/ICI 401(k) database, Vanguard How America Saves) with the error
per year, and draws them into a PNG.

Run:  python examples/tdf_backcast.py [--png docs/tdf_backcast.png] [--no-plot]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from alt401k.validation import tdf_backcast

DEFAULT_PNG = Path(__file__).resolve().parents[1] / "docs" / "tdf_backcast.png"


def points(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Shares as percentage points, one decimal; NaN (no published figure) as blank."""
    shown = frame[["year", *columns]].copy()
    shown[columns] = (100 * shown[columns]).round(1)
    return shown


def draw(shipped: pd.DataFrame, moved: pd.DataFrame, new_hires: pd.DataFrame, path: Path) -> None:
    """Two panels: participants (single TDF, holding any) and the TDF share of assets."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2), sharex=True)
    year = shipped["year"]
    left.plot(
        year,
        100 * shipped["model_single_tdf_share"],
        color="C0",
        label="model: participants in a TDF default",
    )
    left.plot(
        year,
        100 * new_hires["model_single_tdf_share"],
        color="C0",
        ls=":",
        label="model, new hires only (diagnostic)",
    )
    left.plot(
        year,
        100 * shipped["published_holding_tdf_share"],
        "o",
        color="C3",
        label="EBRI/ICI: holding any TDF",
    )
    left.plot(
        year,
        100 * shipped["published_single_tdf_share"],
        "s",
        color="C2",
        label="Vanguard HAS: wholly in one TDF",
    )
    left.plot(
        year,
        100 * shipped["plans_adopting"],
        color="grey",
        lw=0.8,
        label="input: plans with a TDF default (Bass)",
    )
    left.set_title("Participants in target-date funds")
    left.set_ylabel("% of participants")
    right.plot(year, 100 * shipped["model_asset_share"], color="C0", label="model: new money only")
    right.plot(
        year,
        100 * moved["model_asset_share"],
        color="C1",
        ls="--",
        label="model: old balances moved at adoption",
    )
    right.plot(
        year,
        100 * new_hires["model_asset_share"],
        color="C0",
        ls=":",
        label="model, new hires only (diagnostic)",
    )
    right.plot(
        year,
        100 * shipped["published_asset_share"],
        "o",
        color="C3",
        label="EBRI/ICI 401(k) database",
    )
    right.set_title("Target-date funds' share of 401(k) assets")
    right.set_ylabel("% of assets")
    for ax in (left, right):
        ax.set_ylim(0, 100)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8, loc="upper left")
        ax.set_xlabel("year-end")
    fig.suptitle(
        "Backcast 2006-2022: alt401k's adoption machinery vs the published record", fontsize=11
    )
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,  # shows each default
    )
    parser.add_argument(
        "--png", type=Path, default=DEFAULT_PNG, help="also draw the figure to this PNG file"
    )
    parser.add_argument("--no-plot", action="store_true", help="print only")
    parser.add_argument(
        "--seed", type=int, default=0, help="random seed: the same seed gives the same numbers"
    )
    args = parser.parse_args()

    shipped = tdf_backcast(rng=args.seed)
    moved = tdf_backcast(existing_balances="move", rng=args.seed)
    new_hires = tdf_backcast(default_investors="new_hires", rng=args.seed)
    pd.set_option("display.width", 200)
    print("== TDF backcast 2006-2022, new money only (percent; error = model - published, points)")
    print(points(shipped, [
        "plans_adopting", "model_single_tdf_share", "published_single_tdf_share",
        "published_holding_tdf_share", "holding_tdf_error",
        "model_asset_share", "published_asset_share", "asset_share_error",
    ]).to_string(index=False, na_rep=""))  # fmt: skip
    print("\n== Old balances moved into the fund when the plan adopts")
    print(points(moved, [
        "model_asset_share", "published_asset_share", "asset_share_error",
    ]).to_string(index=False, na_rep=""))  # fmt: skip
    print("\n== Diagnostic: only post-2006 hires are default investors")
    print(points(new_hires, [
        "model_single_tdf_share", "holding_tdf_error", "model_asset_share", "asset_share_error",
    ]).to_string(index=False, na_rep=""))  # fmt: skip
    for label, frame in (("new money only", shipped), ("old balances moved", moved)):
        errors = frame["asset_share_error"].dropna()
        print(
            f"\nAsset share, {label}: mean absolute error {100 * errors.abs().mean():.1f} "
            f"points over {errors.size} sourced years, largest {100 * errors.abs().max():.1f}."
        )
    print(
        "Estimated published figures (worded in the source):", ", ".join(shipped.attrs["estimated"])
    )
    if not args.no_plot:
        draw(shipped, moved, new_hires, args.png)
        print(f"figure: {args.png}")


if __name__ == "__main__":
    main()
