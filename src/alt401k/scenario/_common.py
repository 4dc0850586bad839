"""Shared checks of the scenario API."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd

from .._validation import check_fraction
from ..engine import check_backend
from ..execution import PATHS_LIMIT, ExecutorLike, check_executor

_PERIODS = (1, 2, 4, 12, 52)


#: Cells of the default synthetic population.
DEFAULT_CELLS = 2_000
#: Seed of the default synthetic population (the population is an input, not a random draw
#: of the run: every run of a scenario uses the same cells).
POPULATION_SEED = 0


def _check_periods(periods_per_year: Any) -> None:
    if (
        isinstance(periods_per_year, bool)
        or not isinstance(periods_per_year, int)
        or (periods_per_year not in _PERIODS)
    ):
        raise ValueError(f"periods_per_year must be one of {_PERIODS}; got {periods_per_year!r}")


def _check_run_options(
    n_scenarios: int,
    executor: ExecutorLike,
    n_workers: Any,
    keep_paths: Any,
    backend: Any,
    relative_accuracy: Any,
) -> tuple[Any, int, bool]:
    """Validate the options every run takes (``relative_accuracy`` even when paths are kept).

    Returns the executor and worker count, normalized, and whether to keep
    paths: ``keep_paths`` itself, or for None whether the run has at most
    :data:`~alt401k.execution.PATHS_LIMIT` scenarios.
    """
    executor, workers = check_executor(executor, n_workers)
    if keep_paths is not None and not isinstance(keep_paths, bool):
        raise TypeError(f"keep_paths must be True, False or None; got {keep_paths!r}")
    check_backend(backend)
    check_fraction("relative_accuracy", relative_accuracy, low=1e-4, high=0.5)
    keep = n_scenarios <= PATHS_LIMIT if keep_paths is None else keep_paths
    return executor, workers, keep


#: Largest run ``n_scenarios="auto"`` makes unless ``max_scenarios`` says otherwise.
AUTO_MAX_SCENARIOS = 100_000
#: The first run of ``n_scenarios="auto"``: seed blocks of 1,000.
AUTO_FIRST_BLOCKS = 4


def run_until_precise(
    run: Callable[[int], Any],
    precision: Mapping[str, float] | None,
    max_scenarios: int,
    frame_of: Callable[[Any], pd.DataFrame],
    value_of: Callable[[pd.DataFrame, str], tuple[float, float]],
) -> Any:
    """Run whole seed blocks until every relative 95% half-width meets its target.

    ``run(n)`` runs ``n`` scenarios (a longer run's first ``n`` scenarios are
    the shorter run's, by the seeding contract, so each step extends the last);
    ``frame_of(result)`` is its ``summary(se=True)``; ``value_of(frame, name)``
    reads a target's figure and standard error. The next size is the current
    one times ``(reached / target)**2`` (errors fall as ``1 / sqrt(n)``), 10%
    more, in whole blocks, at most ``max_scenarios``. Returns the last result
    with ``precision`` set: each target's ``target``, ``reached`` (half-width
    ``t(0.975, B - 1) x se / |figure|``, B the batches) and ``met``; warns
    (:class:`~alt401k._warnings.Alt401kWarning`) when the cap stops it first.
    """
    import math
    import warnings

    from scipy import stats  # type: ignore[import-untyped]  # scipy ships no stubs

    from .._random import BLOCK_SIZE
    from .._warnings import Alt401kWarning
    from ..results._stats import batch_slices

    if not precision:
        raise ValueError(
            "n_scenarios='auto' needs precision=, e.g. {'terminal_balance_p50': 0.01} "
            "(relative half-width of the 95% interval)"
        )
    targets = {str(k): float(v) for k, v in precision.items()}
    for name, target in targets.items():
        if not 0.0 < target < 1.0:
            raise ValueError(f"precision[{name!r}] must be between 0 and 1; got {target}")
    n = min(AUTO_FIRST_BLOCKS * BLOCK_SIZE, max_scenarios)
    while True:
        result = run(n)
        frame = frame_of(result)
        batches = len(batch_slices(n, getattr(result, "sampling", "mc")))
        t = float(stats.t.ppf(0.975, max(batches - 1, 1)))
        reached = {}
        for name in targets:
            value, se = value_of(frame, name)
            reached[name] = t * se / abs(value) if value != 0 else math.inf
        worst = max(reached[name] / targets[name] for name in targets)
        if worst <= 1.0 or n >= max_scenarios:
            break
        grow = max(worst**2 * 1.1, 1.25)
        n = min(max_scenarios, BLOCK_SIZE * math.ceil(n * grow / BLOCK_SIZE))
    report = {
        name: {
            "target": targets[name],
            "reached": reached[name],
            "met": reached[name] <= targets[name],
        }
        for name in targets
    }
    if worst > 1.0:
        warnings.warn(
            f"precision not reached at max_scenarios={max_scenarios}: "
            + ", ".join(
                f"{k} {v['reached']:.3g} (target {v['target']:g})" for k, v in report.items()
            ),
            Alt401kWarning,
            stacklevel=3,
        )
    return dataclasses.replace(result, precision=report)
