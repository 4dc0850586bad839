"""Vesting schedules for employer money (IRC 411(a)(2)(B))."""

from __future__ import annotations

import math
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike
from pydantic import model_validator

from .._spec import Spec

__all__ = ["Vesting"]


#: The slowest graded schedule IRC 411(a)(2)(B)(iii) allows: 20% a year from 2 to 6 years.
_STATUTORY_GRADED: tuple[tuple[int, float], ...] = (
    (2, 0.2),
    (3, 0.4),
    (4, 0.6),
    (5, 0.8),
    (6, 1.0),
)
_MAX_CLIFF_YEARS = 3
_GRADED_YEARS = (2, 6)


class Vesting(Spec):
    """Vesting schedule of employer money by completed years of service.

    Employee deferrals are always fully vested; a schedule applies to employer
    contributions (match, non-elective, profit sharing). Unvested employer
    money is forfeited on separation.

    Parameters
    ----------
    kind : {"immediate", "cliff", "graded"}
        ``"immediate"`` (default): 100% vested at once. ``"cliff"``: 0% before
        ``years`` of service, 100% from then. ``"graded"``: linear by whole
        years of service, ``floor(s) / years``, reaching 100% at ``years``;
        or the explicit ``schedule``.
    years : int or None
        Years of service to full vesting: 1-3 for a cliff (default 3), 2-6 for
        a graded schedule (default 6). Must be None for ``"immediate"`` and
        when ``schedule`` is given.
    schedule : sequence of (years, share) or None
        Only with ``kind="graded"``: the vested share from each number of
        completed years of service on (0 before the first entry). Years are
        whole numbers >= 1 in increasing order; shares in [0, 1],
        non-decreasing, ending at 1. :meth:`statutory_graded` gives the IRC
        411(a)(2)(B) 2-to-6 schedule, 20% a year from 2 years.

    Notes
    -----
    IRC 411(a)(2)(B) sets the slowest schedules allowed for employer
    contributions to a defined-contribution plan: 100% after 3 years of
    service (cliff), or 20% after 2 years, 40% after 3, 60% after 4, 80%
    after 5 and 100% after 6 (graded). Every schedule accepted here vests at
    least as fast as one of the two; an explicit ``schedule`` that does not
    is rejected.
    """

    kind: Literal["immediate", "cliff", "graded"] = "immediate"
    years: int | None = None
    schedule: tuple[tuple[int, float], ...] | None = None

    @model_validator(mode="after")
    def _within_statute(self) -> Vesting:
        if self.kind == "immediate":
            if self.years is not None or self.schedule is not None:
                raise ValueError(
                    f"immediate vesting takes no years or schedule; got years={self.years!r}, "
                    f"schedule={self.schedule!r}"
                )
        elif self.kind == "cliff":
            if self.schedule is not None:
                raise ValueError("schedule is only for kind='graded'; got kind='cliff'")
            if self.years is not None and not 1 <= self.years <= _MAX_CLIFF_YEARS:
                raise ValueError(
                    f"cliff vesting years must be between 1 and {_MAX_CLIFF_YEARS} "
                    f"(IRC 411(a)(2)(B)(ii)); got {self.years}"
                )
        elif self.schedule is None:
            low, high = _GRADED_YEARS
            if self.years is not None and not low <= self.years <= high:
                raise ValueError(
                    f"graded vesting years must be between {low} and {high} "
                    f"(IRC 411(a)(2)(B)(iii)); got {self.years}"
                )
        else:
            if self.years is not None:
                raise ValueError(
                    f"give years or schedule for graded vesting, not both; got years={self.years}"
                )
            _check_schedule(self.schedule)
        return self

    @classmethod
    def statutory_graded(cls) -> Vesting:
        """The IRC 411(a)(2)(B)(iii) schedule: 20% after 2 years, +20% a year to 100% at 6."""
        return cls(kind="graded", schedule=_STATUTORY_GRADED)

    @property
    def points(self) -> tuple[tuple[int, float], ...]:
        """The schedule as (completed years, vested share) steps; ``((0, 1.0),)`` if immediate."""
        if self.kind == "immediate":
            return ((0, 1.0),)
        if self.kind == "cliff":
            return ((_MAX_CLIFF_YEARS if self.years is None else self.years, 1.0),)
        if self.schedule is not None:
            return self.schedule
        n = _GRADED_YEARS[1] if self.years is None else self.years
        return tuple((k, k / n) for k in range(1, n + 1))

    @property
    def full_vesting_years(self) -> int:
        """Completed years of service at which employer money is 100% vested."""
        return next(years for years, share in self.points if share >= 1.0)

    def vested_share(self, service_years: ArrayLike) -> np.ndarray:
        """Vested share of employer money after ``service_years`` of service.

        Parameters
        ----------
        service_years : array_like
            Years of service, >= 0; only completed (whole) years count.

        Returns
        -------
        ndarray of float64
            Vested share in [0, 1], same shape as ``service_years``.
        """
        service = np.asarray(service_years, dtype=float)
        if np.any(~(service >= 0.0)) or np.any(~np.isfinite(service)):
            raise ValueError(
                f"service_years must be finite and >= 0; got {np.ravel(service)[:5]!r}"
            )
        completed = np.floor(service)
        steps = np.array([years for years, _ in self.points], dtype=float)
        shares = np.array([share for _, share in self.points], dtype=float)
        idx = np.searchsorted(steps, completed, side="right") - 1
        return np.where(idx >= 0, shares[np.maximum(idx, 0)], 0.0)

    def forfeited_share(self, service_years: ArrayLike) -> np.ndarray:
        """Share of employer money forfeited on separation: ``1 - vested_share``."""
        return 1.0 - self.vested_share(service_years)


def _check_schedule(schedule: tuple[tuple[int, float], ...]) -> None:
    if not schedule:
        raise ValueError("schedule must have at least one (years, share) entry; got none")
    previous_years, previous_share = 0, 0.0
    for i, (years, share) in enumerate(schedule):
        if years < 1:
            raise ValueError(
                f"schedule[{i}] years must be whole years of service >= 1; got {years}"
            )
        if i and years <= previous_years:
            raise ValueError(
                f"schedule years must increase; schedule[{i}] is {years} after {previous_years}"
            )
        if not (math.isfinite(share) and 0.0 <= share <= 1.0):
            raise ValueError(f"schedule[{i}] share must be between 0 and 1 (100%); got {share!r}")
        if share < previous_share:
            raise ValueError(
                f"schedule shares must not decrease; schedule[{i}] is {share:g} "
                f"after {previous_share:g}"
            )
        previous_years, previous_share = years, share
    if previous_share != 1.0:
        raise ValueError(
            f"schedule must reach a share of 1 (100% vested); its last share is {previous_share:g}"
        )
    # IRC 411(a)(2)(B): at least as fast as the 3-year cliff or the 2-to-6 graded schedule.
    full_at = next(years for years, share in schedule if share >= 1.0)
    if full_at > _MAX_CLIFF_YEARS:
        own = dict(schedule)
        for years, minimum in _STATUTORY_GRADED:
            share = max((s for y, s in own.items() if y <= years), default=0.0)
            if share < minimum - 1e-12:
                raise ValueError(
                    f"schedule vests {share:.0%} after {years} years, slower than IRC "
                    f"411(a)(2)(B) allows (100% after 3 years, or at least {minimum:.0%} "
                    f"after {years} on the 2-to-6 graded schedule)"
                )
