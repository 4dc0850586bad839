"""Shared checks of the scenario API."""

from __future__ import annotations

from typing import Any

from .._validation import check_fraction
from ..engine import check_backend
from ..execution import PATHS_LIMIT, ExecutorLike, check_executor

_PERIODS = (1, 2, 4, 12, 52)


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
