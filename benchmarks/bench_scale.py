"""Performance and scale in one run: W1 to W5 of issue 10.

Run (on demand, never in CI):

    python benchmarks/bench_scale.py [--n-scenarios 10000] [--w3-scenarios 1000000]
                                     [--workers N] [--repeat 3] [--quick] [--skip w3,w5]

W5 needs monteplan in the same environment: ``pip install monteplan`` (a
benchmark-only install; alt401k never depends on it).

Workloads (seed 1, monthly periods):

* **W1**, one saver aged 30 to 94 (65 years, 780 periods), 8 assets (the
  market model is ``default_markets().subset`` of them, 2% bitcoin sleeve),
  the full rules: the default plan's match and IRS limits, pay on each
  scenario's price path (``PayPath``), leakage while working, the 4% rule in
  retirement with Social Security, federal tax, RMDs and the penalty.
  *floor*: drawing the same standard normals the run draws (asset shocks
  S x T x 8, inflation S x T, pay shocks S x Y) with
  ``alt401k._random.period_normals``, in the run's chunks, on one core.
* **W2**, the pool of ``bench_pool.py``: 2,000 cells, 10,000 scenarios x 20
  years, paths kept; floor: the normals of the 13-asset model and inflation.
* W1 and W2 run with ``backend="numpy"`` and, when numba is installed,
  ``backend="numba"`` (the ``fast`` extra).
* **W3**, the W2 scenario over ``--w3-scenarios`` scenarios, streamed
  (``keep_paths=False``) on the process executor with every core, with
  ``--w3-backend`` (numba when installed), in a
  fresh process: wall time and the peak of the summed resident memory of
  the process and all its descendants (workers included), sampled every
  0.2 s from ``/proc``.
* **W4**, the speed-up of ``executor="threads"`` and ``"processes"`` with
  ``--workers`` workers over serial, on W1 and W2. *cold* includes starting
  the process pool's server (the first parallel run of a session); *warm* is
  a later run.
* **W5**, monteplan 0.6's default plan (age 30 to 95, 6 assets, monthly) at
  10,000 paths against W1, best of ``--repeat``.

Timings are wall clock, best of ``--repeat``; the machine may be shared.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _common import ASSETS, SEED, best_of, machine_info, saver_portfolio
from bench_pool import make_scenario

import alt401k as ak
from alt401k._random import Stream, as_seed_sequence, period_normals
from alt401k.execution import chunk_ranges, default_workers

# -- W1: one saver ------------------------------------------------------------


def w1_inputs() -> dict[str, object]:
    markets = ak.default_markets().subset(ASSETS)
    saver = ak.Participant(
        age=30,
        salary=70_000,
        balance=50_000,
        deferral_rate=0.08,
        roth_fraction=0.25,
        retirement_age=65,
        service_years=3,
    )
    portfolio = saver_portfolio()
    return dict(
        participant=saver,
        plan=ak.PlanDesign(),
        portfolio=portfolio,
        markets=markets,
        retirement=ak.Retirement(end_age=94, social_security=24_000),
        leakage=ak.Leakage(),
        pay=ak.PayPath(),
    )


def w1(n: int, **kw: object) -> ak.ParticipantResults:
    inputs = w1_inputs()
    saver = inputs.pop("participant")
    return ak.simulate_participant(saver, n_scenarios=n, rng=SEED, **inputs, **kw)  # type: ignore[arg-type]


def w1_floor(n: int, years: int) -> Callable[[], None]:
    root = as_seed_sequence(SEED)

    def floor() -> None:
        for start, stop in chunk_ranges(n):
            period_normals(root, Stream.ASSETS, start, stop, years, 12, len(ASSETS))
            period_normals(root, Stream.INFLATION, start, stop, years, 12, 1)
            period_normals(root, Stream.BEHAVIOUR, start, stop, years, 1, 1)

    return floor


# -- W2 / W3: the pool --------------------------------------------------------


def w2_floor(scn: ak.Scenario, n: int) -> Callable[[], None]:
    root = as_seed_sequence(SEED)
    years, width = scn.horizon_years, scn.markets.n_assets

    def floor() -> None:
        for start, stop in chunk_ranges(n):
            period_normals(root, Stream.ASSETS, start, stop, years, 12, width)
            period_normals(root, Stream.INFLATION, start, stop, years, 12, 1)

    return floor


def _tree_rss_kib(root_pid: int) -> int:
    """Summed VmRSS of ``root_pid`` and all its descendants, KiB (Linux ``/proc``)."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    fields = stat.read().rsplit(")", 1)[1].split()
                parents[int(entry)] = int(fields[1])
            except (OSError, IndexError, ValueError):
                continue
    tree, frontier = {root_pid}, [root_pid]
    while frontier:
        pid = frontier.pop()
        children = [c for c, p in parents.items() if p == pid and c not in tree]
        tree.update(children)
        frontier.extend(children)
    total = 0
    for pid in tree:
        try:
            with open(f"/proc/{pid}/status") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
        except OSError:
            continue
    return total


def has_numba() -> bool:
    try:
        import numba  # noqa: F401
    except ImportError:
        return False
    return True


def probe_w3(n: int, workers: int, years: int, backend: str) -> dict[str, float]:
    """Run W3 in this process; return wall time and peak summed RSS (call in a fresh process)."""
    scn = make_scenario(2_000, years)
    scn.run(100, rng=SEED, backend=backend)  # imports and caches, as any session would have
    peak = [_tree_rss_kib(os.getpid())]
    before = peak[0]
    done = threading.Event()

    def watch() -> None:
        while not done.wait(0.2):
            peak[0] = max(peak[0], _tree_rss_kib(os.getpid()))

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    start = time.perf_counter()
    out = scn.run(
        n, rng=SEED, executor="processes", n_workers=workers, keep_paths=False, backend=backend
    )
    wall = time.perf_counter() - start
    done.set()
    watcher.join()
    return {
        "wall_s": wall,
        "peak_tree_rss_mib": peak[0] / 1024,
        "rss_before_mib": before / 1024,
        "stats_mib": out.stats.nbytes() / 2**20,
        "n_scenarios": out.n_scenarios,
        "p50_cumulative_flow_last_year": float(out.stats.quantile("cumulative_flow", 0.5)[-1]),
    }


# -- W5: monteplan ------------------------------------------------------------


def time_monteplan(paths: int, repeat: int) -> float | None:
    try:
        import monteplan  # type: ignore[import-not-found]
    except ImportError:
        return None
    config = monteplan.default_sim_config().model_copy(update={"n_paths": paths})
    plan, market = monteplan.default_plan(), monteplan.default_market()
    policies = monteplan.default_policies()
    return best_of(repeat, lambda: monteplan.simulate(plan, market, policies, config))


def line(label: str, seconds: float, note: str = "") -> None:
    print(f"  {label:<42} {seconds:7.3f} s  {note}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-scenarios", type=int, default=10_000)
    parser.add_argument("--w3-scenarios", type=int, default=1_000_000)
    parser.add_argument("--years", type=int, default=20, help="pool horizon of W2 and W3")
    parser.add_argument("--workers", type=int, default=default_workers())
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip", default="", help="comma-separated: w1,w2,w3,w4,w5")
    parser.add_argument("--quick", action="store_true", help="tiny sizes, a smoke test")
    parser.add_argument("--probe-w3", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument(
        "--w3-backend", choices=("numpy", "numba"), default="numba" if has_numba() else "numpy"
    )
    args = parser.parse_args(argv)
    if args.probe_w3:
        print(json.dumps(probe_w3(args.probe_w3, args.workers, args.years, args.w3_backend)))
        return
    if args.quick:
        args.n_scenarios, args.w3_scenarios, args.repeat, args.years = 1_000, 4_000, 1, 2
    skip = set(filter(None, args.skip.split(",")))
    n, w, rep = args.n_scenarios, args.workers, args.repeat
    print(f"machine: {machine_info()}")
    print(f"workers for parallel runs: {w}; best of {rep}; seed {SEED}\n")
    rows: list[tuple[str, float, str]] = []
    w1_parallel: dict[str, float] = {}

    backends = ("numpy", "numba") if has_numba() else ("numpy",)
    t_w1: dict[str, float] = {}
    if "w1" not in skip or "w4" not in skip or "w5" not in skip:
        years = w1_inputs()["retirement"].end_age - 30 + 1  # type: ignore[attr-defined]
        t_floor1 = best_of(rep, w1_floor(n, years))
        count = n * years * (12 * (len(ASSETS) + 1) + 1)
        print(f"W1 one saver: {n:,} scenarios x {years * 12} periods x {len(ASSETS)} assets")
        line(f"floor ({count:,} normals, one core)", t_floor1)
        for backend in backends:
            w1(100, backend=backend)  # warm-up (and numba's cache)
            t_w1[backend] = best_of(rep, lambda b=backend: w1(n, backend=b))
            ratio = t_w1[backend] / t_floor1
            line(f"simulate_participant, serial, {backend}", t_w1[backend], f"{ratio:5.2f}x floor")
            rows.append((f"W1 {backend} serial / floor", ratio, "target <= 2"))

    scn = make_scenario(2_000, args.years)
    t_w2: dict[str, float] = {}
    if "w2" not in skip or "w4" not in skip:
        t_floor2 = best_of(rep, w2_floor(scn, n))
        print(f"\nW2 pool: 2,000 cells, {n:,} scenarios x {args.years} years, paths kept")
        line("floor (13 assets + inflation, one core)", t_floor2)
        for backend in backends:
            scn.run(100, rng=SEED, backend=backend)
            t_w2[backend] = best_of(rep, lambda b=backend: scn.run(n, rng=SEED, backend=b))
            ratio = t_w2[backend] / t_floor2
            line(f"Scenario.run, serial, {backend}", t_w2[backend], f"{ratio:5.2f}x floor")
            rows.append((f"W2 {backend} serial / floor", ratio, ""))

    if "w4" not in skip:
        print(f"\nW4 parallel speed-up, {w} workers, vs serial with the same backend")
        for backend in backends:
            for label, serial, run in (
                ("W1", t_w1[backend], lambda ex, b: w1(n, executor=ex, n_workers=w, backend=b)),
                (
                    "W2",
                    t_w2[backend],
                    lambda ex, b: scn.run(n, rng=SEED, executor=ex, n_workers=w, backend=b),
                ),
            ):
                for ex in ("threads", "processes"):
                    start = time.perf_counter()
                    run(ex, backend)
                    cold = time.perf_counter() - start
                    warm = best_of(rep, lambda ex=ex, run=run, b=backend: run(ex, b))
                    print(
                        f"  {label} {backend:<5} {ex:<9} cold {cold:6.3f} s ({serial / cold:4.2f}x)"
                        f"   warm {warm:6.3f} s ({serial / warm:4.2f}x)"
                    )
                    rows.append(
                        (f"W4 {label} {backend} {ex} speed-up", serial / warm, "target >= 1.7")
                    )
                    if label == "W1":
                        w1_parallel[f"{backend} {ex}"] = warm

    if "w3" not in skip:
        print(
            f"\nW3 {args.w3_scenarios:,} pool scenarios, streamed, processes x {w}, "
            f"backend {args.w3_backend!r}, fresh process"
        )
        probe = subprocess.run(
            [sys.executable, __file__, "--probe-w3", str(args.w3_scenarios), "--workers", str(w),
             "--years", str(args.years), "--w3-backend", args.w3_backend],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        result = json.loads(probe.stdout.strip().splitlines()[-1])
        print(
            f"  wall {result['wall_s']:.1f} s, peak RSS of process + workers "
            f"{result['peak_tree_rss_mib']:.0f} MiB (before the run {result['rss_before_mib']:.0f} "
            f"MiB), statistics kept {result['stats_mib']:.1f} MiB"
        )
        median = result["p50_cumulative_flow_last_year"] / 1e9
        print(f"  median cumulative net flow, last year: ${median:,.2f}B")
        rows.append(("W3 peak RSS, GiB", result["peak_tree_rss_mib"] / 1024, "target < 2"))

    if "w5" not in skip:
        t_mp = time_monteplan(10_000, rep)
        print("\nW5 monteplan default plan, 10,000 paths")
        if t_mp is None:
            print("  skipped: monteplan is not installed (pip install monteplan)")
        else:
            best_serial = min(t_w1.values())
            best_parallel = min(w1_parallel.items(), key=lambda item: item[1], default=("", 0.0))
            line("monteplan.simulate", t_mp)
            line("W1 best serial", best_serial, f"{t_mp / best_serial:5.2f}x faster")
            if best_parallel[0]:
                label = f"W1 best parallel ({best_parallel[0]}, {w} workers)"
                line(label, best_parallel[1], f"{t_mp / best_parallel[1]:5.2f}x faster")
                rows.append(("W5 monteplan / W1 best parallel", t_mp / best_parallel[1], ">= 10"))

    print("\nsummary")
    for label, value, target in rows:
        print(f"  {label:<40} {value:7.2f}   {target}")


if __name__ == "__main__":
    main()
