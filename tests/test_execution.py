"""Executors and streamed results: the same numbers however and wherever a run is computed."""

from __future__ import annotations

import dataclasses
import itertools
import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import pytest

import alt401k as ak
from alt401k._random import BLOCK_SIZE
from alt401k.execution import check_executor, chunk_ranges, map_ordered
from alt401k.results import quantile_label
from alt401k.results.streaming import MAX_MAGNITUDE, MIN_MAGNITUDE, StreamedStats


def _triple(a: int, b: int, c: int) -> tuple[int, int, int]:
    return (a, b, a * b + c)


def _assert_same_arrays(a: object, b: object) -> None:
    """Every array field (and dict of arrays) of two results is bit-identical."""
    checked = 0
    for field in dataclasses.fields(a):  # type: ignore[arg-type]
        x, y = getattr(a, field.name), getattr(b, field.name)
        if isinstance(x, np.ndarray):
            assert np.array_equal(x, y), field.name
            checked += 1
        elif isinstance(x, dict) and x and isinstance(next(iter(x.values())), np.ndarray):
            assert x.keys() == y.keys(), field.name
            for key in x:
                assert np.array_equal(x[key], y[key]), f"{field.name}[{key}]"
            checked += 1
    assert checked >= 5


# Uncertain adoption and a reversal: the per-scenario draws travel with the chunks too.
POOL = ak.Scenario(
    horizon_years=3,
    sponsor_adoption=ak.Logistic(midpoint=1, steepness=1.5, ceiling=ak.Uniform(0.2, 0.8)),
    opt_in_rate=0.5,
    reversal=ak.Reversal(hazard=0.2, treatment="unwind"),
)
SAVER = ak.Participant(
    age=60, salary=80_000, balance=300_000, deferral_rate=0.1, retirement_age=65, service_years=2
)
SAVER_KW = dict(retirement=ak.Retirement(end_age=75), leakage=ak.Leakage(), pay=ak.PayPath())


@pytest.fixture(scope="module")
def pool_serial() -> ak.PoolResults:
    return POOL.run(2_500, rng=11)


# -- the chunk planner and the executor checks --------------------------------


@pytest.mark.parametrize("n, size", [(1, None), (2_500, 1), (10_001, 2_500), (7_000, 7_000)])
def test_chunks_cover_the_run_on_block_boundaries(n: int, size: int | None) -> None:
    chunks = chunk_ranges(n, size)
    assert chunks[0][0] == 0 and chunks[-1][1] == n
    assert all(stop == start for (_, stop), (start, _) in itertools.pairwise(chunks))
    assert all(start % BLOCK_SIZE == 0 for start, _ in chunks)
    limit = -(-(size or 2 * BLOCK_SIZE) // BLOCK_SIZE) * BLOCK_SIZE
    assert max(stop - start for start, stop in chunks) <= limit


@pytest.mark.parametrize(
    "executor, n_workers, error, match",
    [
        ("gpu", None, ValueError, "executor must be one of 'serial'"),
        (3, None, TypeError, "executor must be one of .*got int"),
        ("threads", 0, ValueError, "n_workers must be an integer between 1 and 1024; got 0"),
        ("processes", 2.5, ValueError, "n_workers must be an integer"),
    ],
)
def test_bad_executor_names_the_field(
    executor: object, n_workers: object, error: type, match: str
) -> None:
    with pytest.raises(error, match=match):
        check_executor(executor, n_workers)  # type: ignore[arg-type]
    with pytest.raises(error, match=match):
        POOL.run(10, rng=1, executor=executor, n_workers=n_workers)  # type: ignore[arg-type, call-overload]


@pytest.mark.parametrize("executor", ["serial", "threads", "processes"])
def test_map_ordered_keeps_order_and_shared_arguments(executor: str) -> None:
    items = [(i, 2) for i in range(7)]
    out = list(map_ordered(_triple, items, shared=(10,), executor=executor, n_workers=2))
    assert out == [(10, i, 10 * i + 2) for i in range(7)]


def test_map_ordered_bounds_the_chunks_in_flight() -> None:
    """A caller's executor sees at most 2 x n_workers chunks submitted and not yet consumed."""
    lock = threading.Lock()
    state = {"submitted": 0, "consumed": 0, "most": 0}

    class Counting(ThreadPoolExecutor):
        def submit(self, fn, /, *args, **kwargs):  # type: ignore[no-untyped-def, override]
            with lock:
                state["submitted"] += 1
                state["most"] = max(state["most"], state["submitted"] - state["consumed"])
            return super().submit(fn, *args, **kwargs)

    with Counting(max_workers=3) as pool:
        for _ in map_ordered(
            _triple, [(i, 1) for i in range(40)], shared=(0,), executor=pool, n_workers=3
        ):
            state["consumed"] += 1
    assert state["consumed"] == 40
    assert state["most"] == 6


# -- bit-identical results across executors, workers and chunk sizes ----------


@pytest.mark.parametrize(
    "executor, n_workers, chunk_size",
    [("serial", None, 1_000), ("threads", 2, None), ("threads", 3, 1_000), ("processes", 2, 1_000)],
)
def test_pool_run_is_identical_across_executors(
    pool_serial: ak.PoolResults, executor: str, n_workers: int | None, chunk_size: int | None
) -> None:
    out = POOL.run(2_500, rng=11, executor=executor, n_workers=n_workers, chunk_size=chunk_size)
    _assert_same_arrays(pool_serial, out)
    assert out.draws.keys() == pool_serial.draws.keys() and out.draws


@pytest.mark.parametrize("executor, n_workers", [("threads", 2), ("processes", 2)])
def test_saver_run_is_identical_across_executors(executor: str, n_workers: int) -> None:
    base = ak.simulate_participant(SAVER, n_scenarios=2_100, rng=5, **SAVER_KW)
    out = ak.simulate_participant(
        SAVER, n_scenarios=2_100, rng=5, executor=executor, n_workers=n_workers, chunk_size=1_000,
        **SAVER_KW,
    )  # fmt: skip
    _assert_same_arrays(base, out)
    assert base.retirement_paths is not None and out.retirement_paths is not None
    _assert_same_arrays(base.retirement_paths, out.retirement_paths)
    assert np.array_equal(base.contributions.total, out.contributions.total)


def test_sweep_is_identical_across_executors() -> None:
    grids = dict(sponsor_adoption=[0.2, 0.6], opt_in_rate=[0.1, 0.3])
    base = ak.sweep(POOL, n_scenarios=300, rng=2, by_year=True, **grids)
    out = ak.sweep(
        POOL, n_scenarios=300, rng=2, by_year=True, executor="threads", n_workers=2, **grids
    )
    pd.testing.assert_frame_equal(base, out, check_exact=True)
    assert len(base) == 4 * POOL.horizon_years


def test_dask_local_cluster_matches_serial(pool_serial: ak.PoolResults) -> None:
    """A two-worker Dask LocalCluster, started by the run and by the caller, gives the same bits."""
    distributed = pytest.importorskip("distributed")
    out = POOL.run(2_500, rng=11, executor="dask", n_workers=2, chunk_size=1_000)
    _assert_same_arrays(pool_serial, out)
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        streamed = POOL.run(2_500, rng=11, executor=client, keep_paths=False)
        mine = POOL.run(2_500, rng=11, keep_paths=False)
        swept = ak.sweep(POOL, n_scenarios=200, rng=3, executor=client, opt_in_rate=[0.2, 0.4])
        saver = ak.simulate_participant(
            SAVER, n_scenarios=2_100, rng=5, executor=client, chunk_size=1_000, **SAVER_KW
        )
    _assert_same_stats(streamed.stats, mine.stats)
    _assert_same_arrays(ak.simulate_participant(SAVER, n_scenarios=2_100, rng=5, **SAVER_KW), saver)
    pd.testing.assert_frame_equal(
        swept, ak.sweep(POOL, n_scenarios=200, rng=3, opt_in_rate=[0.2, 0.4]), check_exact=True
    )


# -- streamed results ----------------------------------------------------------


def _assert_same_stats(a: StreamedStats, b: StreamedStats) -> None:
    assert a.names == b.names and a.count == b.count
    for name in ("_mean", "_m2", "_min", "_max", "_counts"):
        assert np.array_equal(getattr(a, name), getattr(b, name)), name


def test_streamed_statistics_match_the_paths(pool_serial: ak.PoolResults) -> None:
    """Moments exact to rounding; quantiles within the sketch's stated bound of numpy's."""
    streamed = POOL.run(2_500, rng=11, keep_paths=False)
    assert isinstance(streamed, ak.StreamedPoolResults)
    st, alpha = streamed.stats, streamed.stats.relative_accuracy
    assert streamed.n_scenarios == 2_500
    series = {
        "net_flow": pool_serial.net_flows,
        "cumulative_flow": pool_serial.cumulative_flows,
        "holdings": pool_serial.holdings,
        "pool_assets": pool_serial.pool_assets,
        "real/holdings": pool_serial.holdings / pool_serial.price_level,
        "pool_outflows": pool_serial.pool_outflows,
        "reallocation": pool_serial.component("reallocation"),
    }
    for name, values in series.items():
        scale = np.abs(values).max(axis=0) + 1.0
        assert np.all(np.abs(st.mean(name) - values.mean(axis=0)) <= 1e-12 * scale), name
        assert np.allclose(st.std(name), values.std(axis=0, ddof=1), rtol=1e-10, atol=1e-6), name
        assert np.array_equal(st.min(name), values.min(axis=0)), name
        assert np.array_equal(st.max(name), values.max(axis=0)), name
        if name not in st.sketched:
            continue
        ordered = np.sort(values, axis=0)
        for q in (0.0, 0.05, 0.5, 0.95, 1.0):
            j = int(np.floor(q * (len(values) - 1)))
            around = np.maximum(np.abs(ordered[j]), np.abs(ordered[min(j + 1, len(values) - 1)]))
            error = np.abs(st.quantile(name, q) - np.quantile(values, q, axis=0))
            assert np.all(error <= alpha * around * (1 + 1e-9) + MIN_MAGNITUDE), (name, q)
    # The summary has the paths' columns: means to rounding, quantiles within the bound.
    for real in (False, True):
        mine, theirs = streamed.summary(real=real), pool_serial.summary(real=real)
        assert list(mine.columns) == list(theirs.columns)
        means = [c for c in theirs.columns if c.endswith("_mean") or c == "pool_contributions"]
        np.testing.assert_allclose(mine[means], theirs[means], rtol=1e-11, atol=1e-3)
        for column in theirs.columns.difference(means):
            name, _, label = column.rpartition("_")
            q = float(label[1:]) / 100
            values = {
                "net_flow": pool_serial.net_flows,
                "cumulative_flow": pool_serial.cumulative_flows,
                "holdings": pool_serial.holdings,
                "pool_assets": pool_serial.pool_assets,
            }[name]
            if real:
                values = values / pool_serial.price_level
                if name == "cumulative_flow":
                    values = np.cumsum(pool_serial.net_flows / pool_serial.price_level, axis=1)
            ordered = np.sort(values, axis=0)
            j = int(np.floor(q * (len(values) - 1)))
            around = np.maximum(np.abs(ordered[j]), np.abs(ordered[j + 1]))
            error = np.abs(mine[column].to_numpy() - theirs[column].to_numpy())
            assert np.all(error <= alpha * around * (1 + 1e-9) + MIN_MAGNITUDE), (real, column)
    assert streamed.headline_reallocation == pytest.approx(
        pool_serial.headline_reallocation, rel=1e-12
    )
    assert set(streamed.by_year("holdings").columns) == {
        "mean",
        "std",
        "min",
        "max",
        "p05",
        "p50",
        "p95",
    }


@pytest.mark.parametrize(
    "executor, chunk_size", [("serial", 1_000), ("threads", 3_000), ("processes", 1_000)]
)
def test_streamed_statistics_are_identical_across_executors_and_chunks(
    executor: str, chunk_size: int
) -> None:
    base = POOL.run(2_500, rng=11, keep_paths=False)
    out = POOL.run(
        2_500, rng=11, keep_paths=False, executor=executor, n_workers=2, chunk_size=chunk_size
    )
    _assert_same_stats(base.stats, out.stats)


def test_streamed_memory_does_not_grow_with_scenarios() -> None:
    """No array of a streamed result, nor of a chunk, scales with the run's scenarios."""
    small = POOL.run(1_000, rng=1, keep_paths=False)
    large = POOL.run(6_000, rng=1, keep_paths=False, chunk_size=2_000)
    assert small.stats.nbytes() == large.stats.nbytes()
    for result in (small, large):
        for name in ("_mean", "_m2", "_min", "_max", "_counts"):
            shape = getattr(result.stats, name).shape
            assert shape[-2 if name == "_counts" else -1] == POOL.horizon_years
            assert 6_000 not in shape and 1_000 not in shape
    assert large.n_scenarios == 6_000
    # What a worker sends back for a chunk is statistics, not rows.
    from alt401k.scenario.pool_run import _run_chunk, _RunPlan

    population = POOL.resolved_population()
    names = POOL._universe(population)
    from alt401k._pool import build_layout

    layout = build_layout(POOL, population, names, 12)
    plan = _RunPlan(POOL, layout, names, np.random.SeedSequence(1), 12, 0.005)
    blocks, counts = _run_chunk(plan, 0, 2_000)
    assert len(blocks) == 2 and all(b.count == BLOCK_SIZE for b in blocks)
    assert blocks[0].mean.shape == (len(large.stats.names), POOL.horizon_years)
    assert counts.shape[:2] == (len(large.stats.sketched), POOL.horizon_years)


def test_streamed_inputs_are_checked() -> None:
    with pytest.raises(
        ValueError, match=r"relative_accuracy must be between 0\.0001 and 0\.5; got 0\.9"
    ):
        POOL.run(10, rng=1, keep_paths=False, relative_accuracy=0.9)
    with pytest.raises(TypeError, match="keep_paths must be True, False or None; got 'no'"):
        POOL.run(10, rng=1, keep_paths="no")  # type: ignore[call-overload]
    stats = StreamedStats.empty(["x"], ["x"], 2)
    with pytest.raises(ValueError, match="'x' holds 2e\\+16; the quantile sketch covers"):
        stats.bucket_counts({"x": np.array([[1.0, 2 * MAX_MAGNITUDE]])})
    with pytest.raises(ValueError, match="'x' holds a non-finite value"):
        stats.block_moments({"x": np.array([[1.0, np.nan]])})
    with pytest.raises(KeyError, match="no streamed series 'y'"):
        stats.mean("y")


def test_sketch_bound_on_heavy_tailed_signed_values() -> None:
    """Signed, heavy-tailed values spanning 12 orders of magnitude, and exact zeros."""
    rng = np.random.default_rng(4)
    values = rng.standard_t(1.5, size=(3_001, 3)) * 10.0 ** rng.uniform(-1, 9, size=(3_001, 3))
    values[::50] = 0.0
    stats = StreamedStats.empty(["v"], ["v"], 3, relative_accuracy=0.01)
    stats.add(
        stats.block_moments({"v": values[:3_000]}), stats.bucket_counts({"v": values[:3_000]})
    )
    stats.add(
        stats.block_moments({"v": values[3_000:]}), stats.bucket_counts({"v": values[3_000:]})
    )
    ordered = np.sort(values, axis=0)
    for q in np.linspace(0, 1, 41):
        j = int(np.floor(q * (len(values) - 1)))
        around = np.maximum(np.abs(ordered[j]), np.abs(ordered[min(j + 1, len(values) - 1)]))
        error = np.abs(stats.quantile("v", q) - np.quantile(values, q, axis=0))
        assert np.all(error <= 0.01 * around * (1 + 1e-9) + MIN_MAGNITUDE), q
    assert stats.quantile("v", 0.5).shape == (3,)


# -- a saver, streamed -------------------------------------------------------


def _within_sketch(estimate: np.ndarray, values: np.ndarray, q: float, alpha: float) -> bool:
    """``estimate`` (Y,) is within the sketch's bound of ``numpy.quantile(values, q, axis=0)``."""
    ordered = np.sort(values, axis=0)
    j = int(np.floor(q * (len(values) - 1)))
    around = np.maximum(np.abs(ordered[j]), np.abs(ordered[min(j + 1, len(values) - 1)]))
    error = np.abs(estimate - np.quantile(values, q, axis=0))
    return bool(np.all(error <= alpha * around * (1 + 1e-9) + MIN_MAGNITUDE))


@pytest.mark.parametrize("with_pay", [False, True])
def test_streamed_saver_matches_its_paths(with_pay: bool) -> None:
    kw = dict(SAVER_KW) if with_pay else {k: v for k, v in SAVER_KW.items() if k != "pay"}
    full = ak.simulate_participant(SAVER, n_scenarios=2_100, rng=5, **kw)
    streamed = ak.simulate_participant(SAVER, n_scenarios=2_100, rng=5, keep_paths=False, **kw)
    assert isinstance(streamed, ak.StreamedParticipantResults)
    alpha = streamed.yearly.relative_accuracy
    assert streamed.n_scenarios == 2_100
    # Yearly series.
    for name, values in {
        "balance": full.balance_end,
        "real/balance": full.balance_end / full.price_level,
        "after_tax_income": full.retirement_paths.after_tax_income,  # type: ignore[union-attr]
    }.items():
        st = streamed.yearly
        np.testing.assert_allclose(st.mean(name), values.mean(axis=0), rtol=1e-12, atol=1e-6)
        np.testing.assert_allclose(st.std(name), values.std(axis=0, ddof=1), rtol=1e-9, atol=1e-6)
        assert np.array_equal(st.max(name), values.max(axis=0))
        for q in (0.05, 0.5, 0.95):
            assert _within_sketch(st.quantile(name, q), values, q, alpha), (name, q)
    # The summary tables, row by row.
    for real in (False, True):
        mine, theirs = streamed.summary(real=real), full.summary(real=real)
        assert list(mine.columns) == list(theirs.columns)
        assert list(mine.index) == list(theirs.index)
        np.testing.assert_allclose(mine["mean"], theirs["mean"], rtol=1e-12)
        np.testing.assert_allclose(mine["std"], theirs["std"], rtol=1e-9)
        tail = np.abs(theirs["cvar05"]) * alpha * (1 + 1e-9) + MIN_MAGNITUDE
        assert np.all(np.abs(mine["cvar05"] - theirs["cvar05"]) <= tail)
    exact = full.prob_below(full.paid_in)
    approx = streamed.summary().loc["terminal_balance", "prob_below_paid_in"]
    if not with_pay:
        assert approx == exact
    else:  # read from the sketch: off by at most half the values near "paid in"
        near = np.mean(np.abs(full.terminal_balance / full.paid_in - 1) <= 2.5 * alpha)
        assert abs(approx - exact) <= 0.5 * near + 1e-12
    outcomes = full.retirement_outcomes(real=True)
    table = streamed.retirement_summary()
    for metric, values in outcomes.items():
        assert table.loc[metric, "mean"] == pytest.approx(values.mean(), rel=1e-12, abs=1e-9)
        for q in (0.05, 0.5, 0.95):
            estimate = np.array([table.loc[metric, quantile_label(q)]])
            assert _within_sketch(estimate, values[:, None], q, alpha), (metric, q)


def test_streamed_saver_is_identical_across_executors_and_chunks() -> None:
    base = ak.simulate_participant(SAVER, n_scenarios=2_100, rng=5, keep_paths=False, **SAVER_KW)
    out = ak.simulate_participant(
        SAVER, n_scenarios=2_100, rng=5, keep_paths=False, executor="processes", n_workers=2,
        chunk_size=1_000, **SAVER_KW,
    )  # fmt: skip
    _assert_same_stats(base.yearly, out.yearly)
    _assert_same_stats(base.outcomes, out.outcomes)
    assert (
        base.yearly.nbytes()
        == ak.simulate_participant(
            SAVER, n_scenarios=1_000, rng=5, keep_paths=False, **SAVER_KW
        ).yearly.nbytes()
    )


def _die(code: int) -> None:
    import os

    os._exit(code)


def test_a_dead_worker_gets_a_clear_error() -> None:
    with pytest.raises(RuntimeError, match="a worker process of executor='processes' died"):
        list(map_ordered(_die, [(3,), (3,)], executor="processes", n_workers=2))


def _pid(_: int) -> int:
    import os

    return os.getpid()


def test_process_workers_are_kept_between_runs_until_shut_down() -> None:
    from alt401k.execution import shutdown_workers

    first = set(map_ordered(_pid, [(i,) for i in range(8)], executor="processes", n_workers=2))
    again = set(map_ordered(_pid, [(i,) for i in range(8)], executor="processes", n_workers=2))
    assert again <= first and len(first) <= 2
    shutdown_workers()
    fresh = set(map_ordered(_pid, [(i,) for i in range(8)], executor="processes", n_workers=2))
    assert not fresh & first
    # A pool broken by a dead worker is replaced by the next run.
    with pytest.raises(RuntimeError, match="died"):
        list(map_ordered(_die, [(3,)], executor="processes", n_workers=2))
    assert len(list(map_ordered(_pid, [(0,)], executor="processes", n_workers=2))) == 1


def test_saver_run_options_are_checked() -> None:
    with pytest.raises(TypeError, match="keep_paths must be True, False or None; got 1"):
        ak.simulate_participant(SAVER, n_scenarios=10, rng=1, keep_paths=1)  # type: ignore[call-overload]
    with pytest.raises(ValueError, match="backend must be one of 'numpy', 'numba'; got 'jax'"):
        ak.simulate_participant(SAVER, n_scenarios=10, rng=1, backend="jax")  # type: ignore[call-overload]
    with pytest.raises(ValueError, match=r"relative_accuracy must be between 0\.0001 and 0\.5"):
        ak.simulate_participant(SAVER, n_scenarios=10, rng=1, keep_paths=False, relative_accuracy=0)
    with pytest.raises(ValueError, match=r"relative_accuracy must be between 0\.0001 and 0\.5"):
        POOL.run(10, rng=1, keep_paths=True, relative_accuracy=2.0)  # checked though unused
    with pytest.raises(ValueError, match="n_workers must be an integer between 1 and 1024; got -1"):
        ak.simulate_participant(SAVER, n_scenarios=10, rng=1, executor="threads", n_workers=-1)


def test_streamed_readers_name_what_is_wrong() -> None:
    streamed = POOL.run(1_000, rng=1, keep_paths=False)
    with pytest.raises(ValueError, match=r"q must be between 0\.0 and 1\.0; got 1\.5"):
        streamed.stats.quantile("holdings", 1.5)
    with pytest.raises(KeyError, match="series 'pool_outflows' has no quantile sketch"):
        streamed.stats.quantile("pool_outflows", 0.5)
    with pytest.raises(KeyError, match="no streamed series 'flows'"):
        streamed.by_year("flows")
    with pytest.raises(ValueError, match=r"level must be between 0\.0 and 1\.0; got -0\.1"):
        streamed.stats.lower_tail_mean("holdings", -0.1)
    assert list(streamed.by_year("pool_outflows").columns) == ["mean", "std", "min", "max"]


def test_large_runs_keep_statistics_unless_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    """keep_paths=None keeps paths up to PATHS_LIMIT scenarios and statistics above it."""
    import alt401k.scenario._common as common

    monkeypatch.setattr(common, "PATHS_LIMIT", 1_000)
    assert isinstance(POOL.run(1_000, rng=1), ak.PoolResults)
    large = POOL.run(1_001, rng=1)
    assert isinstance(large, ak.StreamedPoolResults) and large.n_scenarios == 1_001
    assert isinstance(POOL.run(1_001, rng=1, keep_paths=True), ak.PoolResults)
    saver = ak.simulate_participant(SAVER, n_scenarios=1_001, rng=1)
    assert isinstance(saver, ak.StreamedParticipantResults)
    # A sweep point above the limit reads its row from the statistics, within the sketch's bound.
    point = POOL.replace(opt_in_rate=0.3)
    streamed = ak.sweep(POOL, n_scenarios=1_001, rng=2, opt_in_rate=[0.3]).iloc[0]
    paths = point.run(1_001, rng=2, keep_paths=True)
    total = paths.cumulative_flows[:, -1:]
    assert streamed["cumulative_flow_mean"] == pytest.approx(total.mean(), rel=1e-12)
    alpha = large.stats.relative_accuracy
    for q in (0.05, 0.5, 0.95):
        estimate = np.array([streamed[f"cumulative_flow_{quantile_label(q)}"]])
        assert _within_sketch(estimate, total, q, alpha), q
    holdings = np.array([streamed["final_holdings_p50"]])
    assert _within_sketch(holdings, paths.holdings[:, -1:], 0.5, alpha)
    with pytest.raises(TypeError, match="keep_paths must be True, False or None; got 'yes'"):
        POOL.run(10, rng=1, keep_paths="yes")  # type: ignore[call-overload]


def test_path_readers_say_how_to_get_paths(tmp_path: object) -> None:
    from pathlib import Path

    from alt401k import plotting

    streamed = POOL.run(1_000, rng=1, keep_paths=False)
    hint = r"got StreamedPoolResults \(a streamed result keeps no paths: run with keep_paths=True\)"
    with pytest.raises(TypeError, match=hint):
        ak.save(streamed, Path(str(tmp_path)) / "out")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=hint):
        plotting.flow_bands(streamed)  # type: ignore[arg-type]


def test_dask_clusters_open_no_dashboard_port(monkeypatch: pytest.MonkeyPatch) -> None:
    """The run's own LocalCluster asks for no dashboard, so a taken port 8787 cannot fail it."""
    distributed = pytest.importorskip("distributed")
    seen: dict[str, object] = {}

    class Refused(Exception):
        pass

    def cluster(**kwargs: object) -> None:
        seen.update(kwargs)
        raise Refused  # stop before starting processes: only the arguments matter

    monkeypatch.setattr(distributed, "LocalCluster", cluster)
    with pytest.raises(Refused):
        POOL.run(20, rng=1, executor="dask", n_workers=1)
    assert seen["dashboard_address"] is None
