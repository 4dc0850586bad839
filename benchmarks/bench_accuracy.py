"""Time to accuracy (issue 20): seconds each sampling method needs for a 1% figure.

For the saver W1 (aged 30 to 65, all 13 assets of ``default_markets()``, the
diversified core with a 2% bitcoin sleeve of :func:`_common.saver_portfolio`, monthly)
and the pool's 10-year cumulative net flow (``bench_pool.make_scenario(300, 10)``: 300 cells), each
sampling method runs ``--n`` scenarios once, timed serially; ``summary(se=True)`` gives
each figure's standard error (batch means, issue 20), so the 95% half-width ``h`` of a
figure is ``t x se``, and the scenarios a 1% relative half-width needs are
``n (h / 1%)^2`` rounded up to whole blocks of 1,000 (errors fall as ``1 / sqrt(n)``);
the time is the measured seconds per scenario times that count. monteplan's default
run (its own 5,000 paths, timed in the same process when it is installed) is measured
the same way on its terminal wealth, with 20 batches of its paths.

Run: ``python benchmarks/bench_accuracy.py [--n 10000]`` (about 2 minutes). Timings on
a shared machine are noisy; the counts are not.
"""

from __future__ import annotations

import argparse
import math
import time

import numpy as np
from _common import SEED, saver_portfolio
from bench_pool import make_scenario
from scipy import stats

import alt401k as ak
from alt401k.results._stats import batch_slices, batch_standard_error

TARGET = 0.01
METHODS = ("mc", "antithetic", "qmc")


def _needed(n: int, value: float, se: float, batches: int) -> int:
    half = float(stats.t.ppf(0.975, batches - 1)) * se / abs(value)
    return 1000 * max(2, math.ceil(n * (half / TARGET) ** 2 / 1000))


def saver(n: int) -> list[tuple[str, str, float, int, float]]:
    participant = ak.Participant(
        age=30, salary=70_000, balance=50_000, deferral_rate=0.08, retirement_age=65
    )
    rows = []
    for method in METHODS:
        start = time.perf_counter()
        result = ak.simulate_participant(
            participant, portfolio=saver_portfolio(), markets=ak.default_markets(),
            n_scenarios=n, rng=SEED, sampling=method, keep_paths=True,
        )  # fmt: skip
        seconds = time.perf_counter() - start
        frame = result.summary(se=True)
        b = len(batch_slices(n, method))
        for stat in ("mean", "p05", "p50"):
            value = frame.loc["terminal_balance", stat]
            se = frame.loc["terminal_balance", f"{stat}_se"]
            need = _needed(n, value, se, b)
            rows.append(("saver terminal balance", f"{stat} {method}", seconds, need, se / value))
    return rows


def pool(n: int) -> list[tuple[str, str, float, int, float]]:
    scenario = make_scenario(300, 10)
    rows = []
    for method in METHODS:
        start = time.perf_counter()
        result = scenario.run(n, rng=SEED, sampling=method, keep_paths=True)
        seconds = time.perf_counter() - start
        frame = result.summary(se=True)
        b = len(batch_slices(n, method))
        for stat in ("p05", "p50", "p95"):
            value = frame[f"cumulative_flow_{stat}"].iloc[-1]
            se = frame[f"cumulative_flow_{stat}_se"].iloc[-1]
            need = _needed(n, value, se, b)
            rows.append(("pool 10-year flow", f"{stat} {method}", seconds, need, se / value))
    return rows


def monteplan_rows() -> list[tuple[str, str, float, int, float]]:
    try:
        import monteplan  # type: ignore[import-not-found]
    except ImportError:
        print("monteplan is not installed (pip install monteplan): skipped")
        return []
    config = monteplan.default_sim_config()
    plan, market = monteplan.default_plan(), monteplan.default_market()
    policies = monteplan.default_policies()
    start = time.perf_counter()
    monteplan.simulate(plan, market, policies, config)
    seconds = time.perf_counter() - start
    stored = monteplan.simulate(
        plan, market, policies, config.model_copy(update={"store_paths": True})
    )
    terminal = np.asarray(stored.all_paths)[:, -1]
    n = terminal.size
    batches = batch_slices(n, "mc")
    rows = []
    for stat, q in (("p05", 0.05), ("p50", 0.5)):
        value = float(np.quantile(terminal, q))
        se = float(batch_standard_error(terminal, lambda v, q=q: np.quantile(v, q), batches))
        if value == 0.0:
            print(f"monteplan terminal wealth {stat} is 0 (ruined paths): no relative error")
            continue
        need = _needed(n, value, se, len(batches))
        rows.append(("monteplan terminal wealth", f"{stat} default ({n:,} paths)", seconds, need,
                     se / value))  # fmt: skip
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000, help="scenarios per measured run")
    args = parser.parse_args()
    rows = saver(args.n) + pool(args.n) + monteplan_rows()
    print(f"\nTime to a 1% relative half-width at 95% (measured runs of {args.n:,}; serial)")
    print(f"{'figure':28} {'stat / method':28} {'run s':>7} {'rel. se':>8} "
          f"{'n for 1%':>10} {'s for 1%':>9}")  # fmt: skip
    for figure, label, seconds, need, rel in rows:
        n_run = (
            args.n
            if "monteplan" not in figure
            else int(label.split("(")[1].split()[0].replace(",", ""))
        )
        print(f"{figure:28} {label:28} {seconds:7.2f} {rel:8.2%} {need:10,} "
              f"{seconds * need / n_run:9.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
