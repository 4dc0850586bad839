"""A Scenario over a grid of knobs, or a list of points: :func:`sweep`."""

from __future__ import annotations

import itertools
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, TypeVar

import numpy as np
import pandas as pd
from pydantic import BaseModel, ValidationError

from .._random import RngLike, as_seed_sequence, check_sampling, seed_record
from ..engine import check_backend
from ..execution import ExecutorLike, check_executor, check_n_scenarios, map_ordered
from ..results import PoolResults, check_quantiles, quantile_label
from .pool import Scenario

__all__ = ["sweep"]

_T = TypeVar("_T")


def sweep(
    base: Scenario,
    *,
    points: Sequence[Mapping[str, Any]] | None = None,
    n_scenarios: int = 1_000,
    rng: RngLike = None,
    quantiles: Sequence[float] = (0.05, 0.5, 0.95),
    chunk_size: int | None = None,
    by_year: bool = False,
    progress: bool | None = None,
    executor: ExecutorLike = "serial",
    n_workers: int | None = None,
    backend: str = "numpy",
    sampling: str = "mc",
    **grids: Iterable[Any],
) -> pd.DataFrame:
    """Run ``base`` over the Cartesian product of knob values, or over listed points.

    Every point is built (and so validated) before any is run: a bad value
    fails at once, naming the point's index and its knobs, not after the
    points before it have run.

    Parameters
    ----------
    base : Scenario
        Values for every knob a point does not set.
    points : list of dict, optional
        Points to run, each a mapping of knob to value, e.g.
        ``[{"sponsor_adoption": 0.1}, {"sponsor_adoption": 0.5, "opt_in_rate": 0.3}]``.
        Give either ``points`` or ``grids``, not both.
    n_scenarios : int
        Paths per point.
    rng : None, int, SeedSequence or Generator
        One seed for the whole sweep: every point sees the same market
        paths (common random numbers), so differences between rows are due
        to the knobs alone. The root seed is recorded in
        ``frame.attrs["seed"]`` (``{"entropy": ..., "spawn_key": [...]}``),
        also when ``rng`` is None; ``rng=np.random.SeedSequence(**seed)``
        reruns the sweep.
    quantiles : sequence of float
        Quantiles of cumulative flows to report.
    chunk_size : int, optional
        Passed to :meth:`Scenario.run`. Points of more than 100,000 scenarios
        keep statistics rather than paths (:data:`alt401k.execution.PATHS_LIMIT`),
        so their quantiles come from a sketch, within 0.5%.
    by_year : bool
        False (default): one row per point, as below. True: one row per point
        and calendar year, with the knob values, ``point`` (the point's
        index), ``year``, ``net_flow_mean`` (mean net flow in that year),
        ``cumulative_flow_mean`` and ``cumulative_flow_p05`` etc.
        (cumulative net flow from the start to the end of that year) and
        ``holdings_p50`` (median holdings at the end of that year), all in
        dollars.
    progress : bool or None
        Show a tqdm bar over points on stderr: None (default) when stderr is
        a terminal, True always, False never.
    executor : str, concurrent.futures.Executor or distributed.Client
        Where points run (each point runs serially on one worker):
        ``"serial"`` (default), ``"threads"``, ``"processes"``, ``"dask"`` or
        an executor or Dask client of yours
        (:func:`alt401k.execution.check_executor`). The frame is identical
        whatever the executor and worker count.
    n_workers : int, optional
        Workers of a parallel executor; default the cores available.
    backend : {"numpy", "numba"}
        Passed to :meth:`Scenario.run`.
    sampling : {"mc", "antithetic", "qmc"}
        Passed to :meth:`Scenario.run`: how the market's Gaussian shocks are
        drawn (default ``"mc"``, as in earlier releases). Every point shares
        the same numbers under every method.
    **grids
        Knob to a list of values, e.g. ``sponsor_adoption=[0.1, 0.5]``. A
        knob is a Scenario field or a nested path as in
        :meth:`Scenario.replace`, e.g. ``markets__bitcoin__volatility=[0.5, 0.8]``.

    Returns
    -------
    DataFrame
        One row per point (in grid order: the last knob varies fastest): the
        knob values, ``headline_reallocation`` (first-year reallocation of
        existing balances, dollars), mean and quantiles of cumulative net
        flows over the horizon (``cumulative_flow_*``), and median final
        holdings (``final_holdings_p50``). ``attrs["seed"]`` holds the seed.

    Raises
    ------
    ValueError
        No grid or points, both, an empty grid, an unknown knob, or a point
        that fails validation (a ``pydantic.ValidationError``, a subclass,
        whose title names the point).
    TypeError
        A grid given a single value instead of a list, or a point that is
        not a mapping.
    """
    knob_sets = _points(points, grids)
    check_backend(backend)
    sampling = check_sampling(sampling)
    n_scenarios = check_n_scenarios(n_scenarios)
    quantiles = check_quantiles(quantiles)
    root = as_seed_sequence(rng)
    scenarios = [_build(base, i, knobs) for i, knobs in enumerate(knob_sets)]
    executor, n_workers = check_executor(executor, n_workers)
    rows: list[dict[str, Any]] = []
    points_rows = map_ordered(
        _point_rows,
        [
            (i, knobs, scenario)
            for i, (knobs, scenario) in enumerate(zip(knob_sets, scenarios, strict=True))
        ],
        shared=(n_scenarios, root, chunk_size, quantiles, by_year, backend, sampling),
        executor=executor,
        n_workers=n_workers,
    )
    for point in _progress(points_rows, progress, len(scenarios)):
        rows.extend(point)
    knob_names = list(dict.fromkeys(name for knobs in knob_sets for name in knobs))
    frame = pd.DataFrame(rows)
    frame = frame[knob_names + [c for c in frame.columns if c not in knob_names]]
    frame.attrs["seed"] = seed_record(root)
    return frame


def _point_rows(
    n_scenarios: int,
    root: np.random.SeedSequence,
    chunk_size: int | None,
    quantiles: tuple[float, ...],
    by_year: bool,
    backend: Any,
    sampling: Any,
    i: int,
    knobs: dict[str, Any],
    scenario: Scenario,
) -> list[dict[str, Any]]:
    """The rows of one sweep point (run serially, wherever it runs).

    A point of more than :data:`~alt401k.execution.PATHS_LIMIT` scenarios keeps
    statistics, not paths; its quantiles then come from the sketch (to 0.5%).
    """
    result = scenario.run(
        n_scenarios, rng=root, chunk_size=chunk_size, backend=backend, sampling=sampling
    )
    # Per year: mean net flow, mean and quantiles of the cumulative flow, median holdings.
    if isinstance(result, PoolResults):
        cumulative = result.cumulative_flows
        net_mean = result.net_flows.mean(axis=0)
        cum_mean = np.array([cumulative[:, y].mean() for y in range(cumulative.shape[1])])
        cum_q = np.quantile(cumulative, quantiles, axis=0)
        holdings_p50 = np.median(result.holdings, axis=0)
    else:
        st = result.stats
        net_mean, cum_mean = st.mean("net_flow"), st.mean("cumulative_flow")
        cum_q = np.stack([st.quantile("cumulative_flow", q) for q in quantiles])
        holdings_p50 = st.quantile("holdings", 0.5)
    rows: list[dict[str, Any]] = []
    if by_year:
        for y, year in enumerate(result.years):
            row: dict[str, Any] = {**knobs, "point": i, "year": int(year)}
            row["net_flow_mean"] = float(net_mean[y])
            row["cumulative_flow_mean"] = float(cum_mean[y])
            for k, q in enumerate(quantiles):
                row[f"cumulative_flow_{quantile_label(q)}"] = float(cum_q[k, y])
            row["holdings_p50"] = float(holdings_p50[y])
            rows.append(row)
        return rows
    row = {**knobs, "headline_reallocation": result.headline_reallocation}
    row["cumulative_flow_mean"] = float(cum_mean[-1])
    for k, q in enumerate(quantiles):
        row[f"cumulative_flow_{quantile_label(q)}"] = float(cum_q[k, -1])
    row["final_holdings_p50"] = float(holdings_p50[-1])
    return [row]


def _check_knob(name: str, where: str) -> None:
    head = name.split("__", 1)[0]
    if head not in Scenario.model_fields:
        raise ValueError(
            f"unknown Scenario field {head!r} in {where}; "
            f"fields: {', '.join(Scenario.model_fields)}"
        )


def _points(
    points: Sequence[Mapping[str, Any]] | None, grids: Mapping[str, Iterable[Any]]
) -> list[dict[str, Any]]:
    """The knob values of every point, from ``points`` or the product of ``grids``."""
    if points is not None and grids:
        raise ValueError(
            "sweep takes either points=[...] or grids (knob=[values]), not both; "
            f"got points and {', '.join(grids)}"
        )
    if points is not None:
        if isinstance(points, (str, bytes, Mapping, BaseModel)) or not isinstance(points, Iterable):
            raise TypeError(f"points must be a list of dicts; got {points!r}")
        out = []
        for i, point in enumerate(points):
            if not isinstance(point, Mapping):
                raise TypeError(f"sweep point {i} must be a dict of knob values; got {point!r}")
            for name in point:
                _check_knob(name, f"sweep point {i}")
            out.append(dict(point))
        if not out:
            raise ValueError("sweep needs at least one point; got points=[]")
        return out
    if not grids:
        raise ValueError("sweep needs at least one grid, e.g. sponsor_adoption=[0.1, 0.5]")
    for name in grids:
        _check_knob(name, "sweep")
    axes = {}
    for name, values in grids.items():
        if isinstance(values, (str, bytes, Mapping, BaseModel)) or not isinstance(values, Iterable):
            raise TypeError(f"grid {name!r} must be a list of values; got {values!r}")
        axes[name] = list(values)
        if not axes[name]:
            raise ValueError(f"grid {name!r} must hold at least one value; got none")
    return [dict(zip(axes, point, strict=True)) for point in itertools.product(*axes.values())]


def _build(base: Scenario, index: int, knobs: dict[str, Any]) -> Scenario:
    """``base`` with one point's knobs; errors name the point."""
    where = f"sweep point {index} ({', '.join(f'{k}={v!r}' for k, v in knobs.items())})"
    try:
        return base.replace(**knobs)
    except ValidationError as exc:
        try:
            details: Any = exc.errors()
            renamed = ValidationError.from_exception_data(f"Scenario at {where}", details)
        except Exception:  # an error type pydantic cannot rebuild: keep it, add a note
            exc.add_note(f"at {where}")
            raise exc from None
        raise renamed from None
    except ValueError as exc:
        raise ValueError(f"{where}: {exc}") from exc
    except TypeError as exc:
        raise TypeError(f"{where}: {exc}") from exc


def _progress(items: Iterable[_T], show: bool | None, total: int) -> Iterator[_T]:
    """``items``, with a tqdm bar on stderr when asked (None: when stderr is a terminal)."""
    if show is None:
        show = total > 1 and _stderr_is_a_terminal()
    if not show:
        yield from items
        return
    try:
        from tqdm.auto import tqdm  # type: ignore[import-untyped, unused-ignore]  # no stubs
    except ImportError:  # pragma: no cover - tqdm is a dependency; the bar is cosmetic
        yield from items
        return
    yield from tqdm(items, total=total, desc="sweep", unit="point", file=sys.stderr, leave=False)


def _stderr_is_a_terminal() -> bool:
    try:
        return bool(sys.stderr.isatty())
    except (AttributeError, ValueError):
        return False
