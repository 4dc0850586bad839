"""Shared checks of the scenario API."""

from __future__ import annotations

from typing import Any

from ..engine import check_backend
from ..execution import ExecutorLike, check_executor

_PERIODS = (1, 2, 4, 12, 52)


def _check_periods(periods_per_year: Any) -> None:
    if (
        isinstance(periods_per_year, bool)
        or not isinstance(periods_per_year, int)
        or (periods_per_year not in _PERIODS)
    ):
        raise ValueError(f"periods_per_year must be one of {_PERIODS}; got {periods_per_year!r}")


def _check_run_options(
    executor: ExecutorLike, n_workers: Any, keep_paths: Any, backend: Any
) -> tuple[Any, int]:
    """Validate the options every run takes; return the normalized executor and worker count."""
    executor, workers = check_executor(executor, n_workers)
    if not isinstance(keep_paths, bool):
        raise TypeError(f"keep_paths must be True or False; got {keep_paths!r}")
    check_backend(backend)
    return executor, workers
