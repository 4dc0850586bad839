"""Time Scenario.run on the DC pool against the cost of drawing its random numbers.

Run (on demand, never in CI):

    python benchmarks/bench_pool.py [--n-scenarios 10000] [--years 20] [--cells 2000]
                                    [--repeat 3] [--chunk-size 2000] [--quick]

Workload: ``ak.Scenario(horizon_years=20, sponsor_adoption="segments",
opt_in_rate=ak.crypto_opt_in_curve(), rebalancing="quarterly",
default_fund=ak.DefaultChannel(sleeve_share=0.01))`` over a synthetic
population of ``--cells`` cells (``ak.Population.synthetic(n_cells=..., rng=0)``
scaled to ``pool_assets=12.5e12``), 10,000 scenarios, monthly periods, seed 1.
``--quick`` shrinks it (500 scenarios, 2 years, 300 cells, repeat 1) to finish
in seconds, for a smoke test.

How to read the output:

* *groups*: cells collapse exactly into groups that share every rule that
  multiplies a balance; the kernel's work scales with groups, not cells.
* *end to end*: ``scn.run(n, rng=1)``, best of ``--repeat`` after a warm-up
  run on 100 scenarios. *kernel*: ``alt401k.engine.simulate`` alone on the
  same inputs, built per chunk as ``Scenario.run`` builds them (drawing the
  per-scenario inputs not timed; expanding them into each row block's
  (rows, Y, G) arrays is part of the kernel call, as in a run). *floor*:
  drawing the same count of standard normals the run draws for asset shocks,
  S x T x A_model (the sampler draws every asset of the market model, not only
  those the pool holds), with
  ``alt401k._random.period_normals`` in chunks of ``--chunk-size``. The ratios
  to the floor say how far a run is from the cost of its random numbers alone.
* *per cell-scenario-period*: end-to-end time / (cells x scenarios x periods);
  the same per group. In the *linearity* table, a constant time per
  cell-scenario-period down the scenario rows means cost is linear in
  scenarios; down the cell rows, the kernel's cost follows groups (constant
  time per group-scenario-period), and groups grow far more slowly than cells.
* *memory*: each configuration runs in a fresh subprocess. *peak RSS* is the
  process's peak resident set during one run (``VmHWM``, reset once imports
  are done and the scenario is built; *before* is the RSS at that point);
  ``ru_maxrss`` is shown too but a child inherits its parent's peak in it.
  *traced peak* is the ``tracemalloc`` peak of a second run, numpy buffers
  included; *results* is what the returned ``PoolResults`` keeps,
  (S, Y) and (S, G) arrays that grow with S by design; *working* = traced peak
  - results, the per-chunk memory, which should not grow with S.

Timings are wall clock on a shared machine: take the best of several repeats.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import resource
import subprocess
import sys
import tracemalloc

import numpy as np
from _common import PERIODS_PER_YEAR, SEED, best_of, machine_info

import alt401k as ak
from alt401k._pool import build_channel, build_layout
from alt401k._random import Stream, as_seed_sequence, period_normals
from alt401k.engine import simulate
from alt401k.execution import DEFAULT_CHUNK_SIZE, chunk_ranges

POOL_ASSETS = 12.5e12
#: Linearity grids, as multiples of --cells and --n-scenarios.
FACTORS = (0.25, 0.5, 1.0, 2.0)
#: Smallest population Population.synthetic accepts.
MIN_CELLS = 300


def make_scenario(n_cells: int, years: int) -> ak.Scenario:
    """The benchmark's scenario over a synthetic population of ``n_cells`` cells."""
    return ak.Scenario(
        horizon_years=years,
        sponsor_adoption="segments",
        opt_in_rate=ak.crypto_opt_in_curve(),
        rebalancing="quarterly",
        default_fund=ak.DefaultChannel(sleeve_share=0.01),
        population=ak.Population.synthetic(n_cells=n_cells, rng=0),
        pool_assets=POOL_ASSETS,
    )


def time_run(scn: ak.Scenario, n_scenarios: int, repeat: int, chunk: int) -> float:
    """Best end-to-end time of ``scn.run``, after a warm-up on 100 scenarios."""
    scn.run(min(100, n_scenarios), rng=SEED, chunk_size=chunk)
    return best_of(repeat, lambda: scn.run(n_scenarios, rng=SEED, chunk_size=chunk))


def time_kernel(scn: ak.Scenario, n_scenarios: int, repeat: int, chunk: int) -> float:
    """Best time of the ``simulate`` calls alone, on inputs built as ``Scenario.run`` does."""
    root = as_seed_sequence(SEED)
    population = scn.resolved_population()
    names = scn._universe(population)
    layout = build_layout(scn, population, names, PERIODS_PER_YEAR)
    inputs = []
    for start, stop in chunk_ranges(n_scenarios, chunk):
        paths = scn.markets.sample(
            stop - start,
            scn.horizon_years,
            PERIODS_PER_YEAR,
            rng=root,
            first_scenario=start,
            assets=names,
        )
        channel, _ = build_channel(scn, layout, root, start, stop, PERIODS_PER_YEAR)
        inputs.append((paths.returns, channel))
    # Warm-up; the channel builds the inputs of each row block (timed with the kernel).
    simulate(inputs[0][0][:100], layout.schedule, inputs[0][1])

    def kernel() -> None:
        for returns, channel in inputs:
            simulate(returns, layout.schedule, channel)

    return best_of(repeat, kernel)


def time_floor(
    n_scenarios: int, years: int, n_assets: int, repeat: int, chunk: int
) -> tuple[float, int]:
    """Best time to draw S x T x A standard normals with ``period_normals``, by chunk."""
    root = as_seed_sequence(SEED)

    def floor() -> None:
        for start, stop in chunk_ranges(n_scenarios, chunk):
            period_normals(root, Stream.ASSETS, start, stop, years, PERIODS_PER_YEAR, n_assets)

    return best_of(repeat, floor), n_scenarios * years * PERIODS_PER_YEAR * n_assets


def _status_kib(field: str) -> int | None:
    """A ``VmRSS``/``VmHWM`` line of ``/proc/self/status``, KiB (None off Linux)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def _reset_peak_rss() -> bool:
    """Reset the kernel's peak-RSS mark of this process (Linux >= 4.0)."""
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")
    except OSError:
        return False
    return True


def probe_memory(n_cells: int, n_scenarios: int, years: int, chunk: int) -> dict[str, float]:
    """Peak RSS and tracemalloc peak of one run, in this process (call it in a fresh one).

    ``ru_maxrss`` of a child process starts at its parent's peak on Linux (the
    mark survives fork and exec), so the run's own peak is read from ``VmHWM``
    after resetting it once the scenario is built; ``ru_maxrss`` is reported
    too, and used where ``/proc`` is missing.
    """
    scn = make_scenario(n_cells, years)
    scn.resolved_population()
    reset = _reset_peak_rss()
    before = _status_kib("VmRSS")
    out = scn.run(n_scenarios, rng=SEED, chunk_size=chunk)
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    peak = _status_kib("VmHWM") if reset else None
    kept = sum(
        getattr(out, f.name).nbytes
        for f in dataclasses.fields(out)
        if isinstance(getattr(out, f.name), np.ndarray)
    )
    kept += sum(v.nbytes for v in out.draws.values())
    del out
    tracemalloc.start()
    scn.run(n_scenarios, rng=SEED, chunk_size=chunk)
    _, traced = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "rss_before_kib": before if before is not None else float("nan"),
        "rss_peak_kib": peak if peak is not None else maxrss,
        "ru_maxrss_kib": maxrss,
        "traced_peak_bytes": traced,
        "result_bytes": kept,
    }


def measure_memory(n_cells: int, n_scenarios: int, years: int, chunk: int) -> dict[str, float]:
    """:func:`probe_memory` in a fresh interpreter, so earlier runs don't inflate its RSS."""
    args = [sys.executable, os.path.abspath(__file__), "--probe-memory"]
    args += [f"--cells={n_cells}", f"--n-scenarios={n_scenarios}", f"--years={years}"]
    args += [f"--chunk-size={chunk}"]
    done = subprocess.run(args, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def per_unit_ns(seconds: float, *counts: int) -> float:
    return seconds / float(np.prod(counts, dtype=float)) * 1e9


def mib(n_bytes: float) -> str:
    return f"{n_bytes / 2**20:7.1f} MiB"


def print_memory(label: str, m: dict[str, float]) -> None:
    print(
        f"  {label:<24} peak RSS {mib(m['rss_peak_kib'] * 1024)} "
        f"(RSS before run {mib(m['rss_before_kib'] * 1024)}, ru_maxrss "
        f"{mib(m['ru_maxrss_kib'] * 1024)})"
    )
    print(
        f"  {'':<24} traced peak {mib(m['traced_peak_bytes'])} = results "
        f"{mib(m['result_bytes'])} + working {mib(m['traced_peak_bytes'] - m['result_bytes'])}"
    )


def count_groups(scn: ak.Scenario) -> int:
    """Groups the scenario's cells collapse into (as ``Scenario.run`` builds them)."""
    population = scn.resolved_population()
    names = scn._universe(population)
    return len(build_layout(scn, population, names, PERIODS_PER_YEAR).groups)


def linearity_grid(base: int, low: int) -> list[int]:
    return sorted({max(low, round(base * f)) for f in FACTORS})


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-scenarios", type=int, default=10_000)
    parser.add_argument("--years", type=int, default=20)
    parser.add_argument("--cells", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--chunk-size", type=int, default=DEFAULT_CHUNK_SIZE)
    parser.add_argument(
        "--quick", action="store_true", help="500 scenarios, 2 years, 300 cells, repeat 1"
    )
    parser.add_argument("--probe-memory", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.quick:
        args.n_scenarios, args.years, args.cells, args.repeat = 500, 2, 300, 1
    s, years, cells, repeat, chunk = (
        args.n_scenarios,
        args.years,
        args.cells,
        args.repeat,
        args.chunk_size,
    )
    if args.probe_memory:
        print(json.dumps(probe_memory(cells, s, years, chunk)))
        return

    periods = years * PERIODS_PER_YEAR
    scn = make_scenario(cells, years)
    n_groups = count_groups(scn)
    a_model = scn.markets.n_assets
    a_run = len(scn._universe(scn.resolved_population()))

    print(f"machine: {machine_info()}")
    print(
        f"workload: {cells:,} cells -> {n_groups} groups, {s:,} scenarios x {years} years "
        f"x {PERIODS_PER_YEAR} periods = {periods} periods, chunk {chunk:,} scenarios, "
        f"assets {a_run} used / {a_model} drawn (best of {repeat}; machine shared, "
        "wall clock)"
    )
    t_run = time_run(scn, s, repeat, chunk)
    t_kernel = time_kernel(scn, s, repeat, chunk)
    t_floor, count = time_floor(s, years, a_model, repeat, chunk)
    print(f"  floor: period_normals, {count:,} normals (S x T x {a_model}) {t_floor:8.3f} s")
    print(
        f"  Scenario.run (end to end)                  {t_run:8.3f} s   "
        f"{t_run / t_floor:5.2f}x floor"
    )
    print(
        f"  engine.simulate (kernel alone)             {t_kernel:8.3f} s   "
        f"{t_kernel / t_floor:5.2f}x floor"
    )
    print(
        f"  end to end per cell-scenario-period  {per_unit_ns(t_run, cells, s, periods):8.3f} ns"
        f";  per group-scenario-period {per_unit_ns(t_run, n_groups, s, periods):8.3f} ns"
    )

    print("memory (fresh subprocess per configuration):")
    print_memory(f"{cells:,} cells x {s:,} scen.", measure_memory(cells, s, years, chunk))

    times = {(cells, s): t_run}
    print(f"linearity: end to end, best of {repeat}")
    print(
        f"  {'cells':>6} {'groups':>6} {'scenarios':>9} {'time s':>8} "
        f"{'ns/cell-scen-period':>20} {'ns/group-scen-period':>21}"
    )
    grid = [(c, s) for c in linearity_grid(cells, MIN_CELLS)]
    grid += [(cells, n) for n in linearity_grid(s, 1) if n != s]
    for c, n in grid:
        scn_c = scn if c == cells else make_scenario(c, years)
        if (c, n) not in times:
            times[c, n] = time_run(scn_c, n, repeat, chunk)
        g = count_groups(scn_c)
        print(
            f"  {c:>6,} {g:>6} {n:>9,} {times[c, n]:8.3f} "
            f"{per_unit_ns(times[c, n], c, n, periods):20.3f} "
            f"{per_unit_ns(times[c, n], g, n, periods):21.3f}"
        )

    small, large = max(1, s // 2), 2 * s
    print(f"memory vs scenarios ({cells:,} cells, chunk {chunk:,}):")
    mem = {n: measure_memory(cells, n, years, chunk) for n in (small, large)}
    for n, m in mem.items():
        print_memory(f"{n:,} scenarios", m)
    grown = (mem[large]["result_bytes"] - mem[small]["result_bytes"]) / (large - small)
    print(
        f"  results grow by {grown:,.0f} bytes a scenario: (S, Y) yearly paths "
        f"({years} years x {11 + a_run} series) and five (S, G) arrays of final "
        f"balances and holder shares over {n_groups} groups; working memory is per chunk"
    )


if __name__ == "__main__":
    main()
