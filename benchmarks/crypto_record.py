"""Bitcoin's character in each market preset, next to the 2016-2025 record.

Run:  python benchmarks/crypto_record.py [--n-scenarios 10000] [--seed 2024]

Workload: every preset of ``alt401k.markets.PRESETS``, bitcoin and us_equity,
8 years monthly (as the record's two-crash window 2018-2022 fits in 8 years),
``--n-scenarios`` scenarios. Prints the Markdown table of the return-models guide
(docs/guides/return-models.md): presets with the same printed figures share a row
(their bitcoin is the same), the default preset is marked, and another name
of a preset (``PRESET_ALIASES``) is in brackets. Columns:

* vol: standard deviation of annual simple returns (all scenario-years);
* kurt: excess kurtosis of monthly log returns (pooled: ratio of the
  scenario means of the 4th and squared 2nd central moments, as
  ``tests/markets/test_crypto_character.py``);
* DD>=75%: share of scenarios with a drawdown of 75% or more within 8 years;
* 2x DD>=75%: share with two separate ones (a new high between them, as
  2018's -84% and 2022's -77%);
* corr m / corr a: correlation with us_equity of monthly log returns and of
  annual simple returns, pooled;
* decoupled: share of months in a decoupled regime (``coupling`` below 0.5,
  crypto_history only) and the monthly correlation in those months and in
  the others.

The record (CALIBRATION.md, daily prices 2016-2025): volatility 68% (2016-25)
and 61% (2020-25), yearly 94% (2017) to 42% (2025); daily excess kurtosis 11;
drawdowns -84% (2018) and -77% (2022); monthly correlation with the S&P 500
0.00 (2016-19) and 0.56 (2020-25).
"""

from __future__ import annotations

import argparse

import numpy as np

import alt401k as ak
from alt401k.markets import PRESETS
from alt401k.markets.presets import DEFAULT_PRESET, PRESET_ALIASES

N_YEARS = 8
PPY = 12


def drawdown_episodes(returns: np.ndarray, depth: float = 0.75) -> np.ndarray:
    """Number of separate drawdowns of at least ``depth`` in each path, shape (S,).

    ``returns`` (S, T) are simple returns; the starting value 1 is a peak. An
    episode runs from a peak to the next new high; it counts once if its
    deepest fall from that peak reaches ``depth``.
    """
    n_scenarios = returns.shape[0]
    price = np.ones(n_scenarios)
    peak = np.ones(n_scenarios)
    counted = np.zeros(n_scenarios, dtype=bool)  # the current episode already counted
    count = np.zeros(n_scenarios, dtype=np.int64)
    for t in range(returns.shape[1]):
        price *= 1.0 + returns[:, t]
        new_high = price >= peak
        peak = np.where(new_high, price, peak)
        counted &= ~new_high
        deep = (~counted) & (price <= (1.0 - depth) * peak)
        count += deep
        counted |= deep
    return count


def character(preset: str, n_scenarios: int, seed: int) -> dict[str, float]:
    """Bitcoin's statistics under one preset (see the module docstring)."""
    market = ak.default_markets(preset)
    paths = market.sample(n_scenarios, N_YEARS, PPY, rng=seed, assets=["bitcoin", "us_equity"])
    r = np.asarray(paths.returns)
    annual = paths.annual_returns()
    x = np.log1p(r[:, :, 0])
    centred = x - x.mean()
    m2, m4 = (centred**2).mean(axis=1).mean(), (centred**4).mean(axis=1).mean()
    episodes = drawdown_episodes(r[:, :, 0])
    logs = np.log1p(r)
    monthly = np.corrcoef(logs[:, :, 0].ravel(), logs[:, :, 1].ravel())[0, 1]
    yearly = np.corrcoef(annual[:, :, 0].ravel(), annual[:, :, 1].ravel())[0, 1]
    low, corr_low, corr_high = 0.0, float("nan"), float("nan")
    model = market["bitcoin"].model
    if model is not None and getattr(model, "coupling", None) is not None:
        from alt401k._random import as_seed_sequence
        from alt401k.markets.base import Draws

        draws = Draws(as_seed_sequence(seed), 0, n_scenarios, N_YEARS, PPY, "bitcoin")
        weak = np.array([w < 0.5 for w in model.coupling])[model.regime_paths(draws)]
        low = float(weak.mean())
        corr_low = float(np.corrcoef(logs[:, :, 0][weak], logs[:, :, 1][weak])[0, 1])
        corr_high = float(np.corrcoef(logs[:, :, 0][~weak], logs[:, :, 1][~weak])[0, 1])
    return {
        "vol": float(annual[:, :, 0].std()),
        "kurt": float(m4 / m2**2 - 3.0),
        "dd": float(np.mean(episodes >= 1)),
        "dd2": float(np.mean(episodes >= 2)),
        "corr_m": float(monthly),
        "corr_a": float(yearly),
        "low": low,
        "corr_low": corr_low,
        "corr_high": corr_high,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-scenarios", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=2024)
    args = parser.parse_args()
    print(f"{args.n_scenarios:,} scenarios x {N_YEARS} years monthly, seed {args.seed}\n")
    print(
        "| preset | vol | kurt | DD>=75% | 2x DD>=75% | corr m | corr a | decoupled |\n"
        "| --- | --- | --- | --- | --- | --- | --- | --- |"
    )
    print(
        "| record 2016-25 | 68% (61% 2020-25) | daily 11 | yes (-84%, -77%) | yes "
        "(2018, 2022) | 0.00 (2016-19), 0.56 (2020-25) | - | 2016-19: 0.00 vs 0.56 |"
    )
    rows: dict[str, list[str]] = {}  # printed figures -> presets
    for preset in PRESETS:
        if preset in PRESET_ALIASES:
            continue
        label = preset + (" (default)" if preset == DEFAULT_PRESET else "")
        other_names = [name for name, target in PRESET_ALIASES.items() if target == preset]
        if other_names:
            label += f" (= {', '.join(other_names)})"
        s = character(preset, args.n_scenarios, args.seed)
        decoupled = (
            f"{s['low']:.0%} of months: {s['corr_low']:.2f} vs {s['corr_high']:.2f}"
            if s["low"] > 0
            else "none"
        )
        figures = (
            f"{s['vol']:.0%} | {s['kurt']:.1f} | {s['dd']:.0%} | "
            f"{s['dd2']:.1%} | {s['corr_m']:.2f} | {s['corr_a']:.2f} | {decoupled}"
        )
        rows.setdefault(figures, []).append(label)
    for figures, labels in rows.items():
        print(f"| {', '.join(labels)} | {figures} |")


if __name__ == "__main__":
    main()
