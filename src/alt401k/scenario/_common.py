"""Shared checks of the scenario API."""

from __future__ import annotations

from typing import Any

_PERIODS = (1, 2, 4, 12, 52)


def _check_periods(periods_per_year: Any) -> None:
    if (
        isinstance(periods_per_year, bool)
        or not isinstance(periods_per_year, int)
        or (periods_per_year not in _PERIODS)
    ):
        raise ValueError(f"periods_per_year must be one of {_PERIODS}; got {periods_per_year!r}")
