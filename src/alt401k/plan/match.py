"""Employer match formulas: tiers, a dollar cap, per-period or annual true-up."""

from __future__ import annotations

import math
from typing import Annotated

import numpy as np
from numpy.typing import ArrayLike
from pydantic import Field, field_validator

from .._spec import Spec

__all__ = ["MatchFormula"]

Rate = Annotated[float, Field(ge=0.0, le=2.0)]
Width = Annotated[float, Field(gt=0.0, le=1.0)]


class MatchFormula(Spec):
    """A tiered employer match on employee deferrals, optionally capped in dollars.

    Parameters
    ----------
    tiers : sequence of (rate, width_of_pay)
        Applied in order to successive slices of pay. ``[(1.0, 0.03), (0.5, 0.02)]``
        is "100% of the first 3% of pay, then 50% of the next 2%": a saver
        deferring 6% receives 3% + 1% = 4% of pay. Rates in [0, 2], widths in
        (0, 1], widths summing to at most 1. Successive slices cannot overlap
        and need no sorting: each tier starts where the previous one ends.
    cap : float or None
        Most the match may be in a calendar year, dollars, >= 0 (e.g. "50% of
        the first 6%, at most $3,000"). ``None`` (default): no dollar cap.

    Notes
    -----
    With cumulative tier starts :math:`c_k = \\sum_{j<k} w_j`, deferral
    :math:`D` in dollars on plan compensation :math:`W` and dollar cap
    :math:`K` (infinite when ``cap`` is None),

    .. math:: \\text{match} = \\min\\Big(\\sum_k r_k \\min(\\max(D - c_k W, 0), w_k W),\\; K\\Big).

    Computed per pay period (:meth:`match_per_period`), the sum runs over
    each period's deferral and pay and the cap applies to the year's total.
    """

    tiers: tuple[tuple[Rate, Width], ...] = ()
    cap: float | None = None

    @field_validator("tiers")
    @classmethod
    def _widths_fit_in_pay(
        cls, tiers: tuple[tuple[float, float], ...]
    ) -> tuple[tuple[float, float], ...]:
        total = sum(width for _, width in tiers)
        if total > 1.0 + 1e-12:
            raise ValueError(f"tier widths must sum to at most 1 (100% of pay); got {total:g}")
        return tiers

    @field_validator("cap")
    @classmethod
    def _cap_is_dollars(cls, cap: float | None) -> float | None:
        if cap is not None and not (math.isfinite(cap) and cap >= 0.0):
            raise ValueError(
                f"cap must be None or a finite dollar amount per year >= 0; got {cap!r}"
            )
        return cap

    @classmethod
    def modal(cls) -> MatchFormula:
        """50% of the first 6% of pay, the most common formula (Vanguard HAS 2025)."""
        return cls(tiers=((0.5, 0.06),))

    @property
    def max_match_fraction(self) -> float:
        """Largest match as a fraction of pay (reached by deferring the sum of widths).

        The dollar ``cap``, if any, is not reflected here.
        """
        return float(sum(rate * width for rate, width in self.tiers))

    def _tiered(self, deferral: np.ndarray, compensation: np.ndarray) -> np.ndarray:
        """The tier sum before the dollar cap, broadcast shape of the inputs."""
        out = np.zeros(np.broadcast_shapes(deferral.shape, compensation.shape))
        start = 0.0
        for rate, width in self.tiers:
            slice_ = np.clip(deferral - start * compensation, 0.0, width * compensation)
            out += rate * slice_
            start += width
        return out

    def _capped(self, match: np.ndarray) -> np.ndarray:
        return match if self.cap is None else np.minimum(match, self.cap)

    def match(self, deferral: ArrayLike, compensation: ArrayLike) -> np.ndarray:
        """Employer match in dollars for a year's deferrals (annual true-up).

        Parameters
        ----------
        deferral : array_like
            Employee deferrals that the plan matches, dollars per year.
        compensation : array_like
            Plan compensation (already capped at 401(a)(17)), dollars per year;
            broadcast against ``deferral``.

        Returns
        -------
        ndarray
            Match in dollars per year, at most ``cap``; broadcast shape of the inputs.
        """
        deferral = np.asarray(deferral, dtype=float)
        compensation = np.asarray(compensation, dtype=float)
        return self._capped(self._tiered(deferral, compensation))

    def match_per_period(self, deferral: ArrayLike, compensation: ArrayLike) -> np.ndarray:
        """Employer match in dollars per year, computed pay period by pay period.

        Parameters
        ----------
        deferral : array_like, shape (..., n_periods)
            Matched deferrals of each pay period, dollars.
        compensation : array_like, shape (..., n_periods)
            Plan compensation of each pay period, dollars; broadcast against
            ``deferral``.

        Returns
        -------
        ndarray, shape (...)
            The tier formula applied to each period's deferral and pay, summed
            over the last axis, then limited to ``cap``: dollars per year.
        """
        deferral = np.asarray(deferral, dtype=float)
        compensation = np.asarray(compensation, dtype=float)
        return self._capped(self._tiered(deferral, compensation).sum(axis=-1))
