"""Plan design: employer match formulas, non-elective contributions, plan fees.

Defaults follow Vanguard *How America Saves 2025* (2024 data): the modal match
formula is 50% of the first 6% of pay. Recordkeeping costs about $40-60 per
participant per year (*est.*, ``../shared/CALIBRATION.md``, Fees).
"""

from __future__ import annotations

from typing import Annotated

import numpy as np
from numpy.typing import ArrayLike
from pydantic import Field, field_validator, model_validator

from ._spec import Spec

__all__ = ["MatchFormula", "PlanDesign"]

Rate = Annotated[float, Field(ge=0.0, le=2.0)]
Width = Annotated[float, Field(gt=0.0, le=1.0)]


class MatchFormula(Spec):
    """A tiered employer match on employee deferrals.

    Parameters
    ----------
    tiers : sequence of (rate, width_of_pay)
        Applied in order to successive slices of pay. ``[(1.0, 0.03), (0.5, 0.02)]``
        is "100% of the first 3% of pay, then 50% of the next 2%": a saver
        deferring 6% receives 3% + 1% = 4% of pay. Rates in [0, 2], widths in
        (0, 1], widths summing to at most 1.

    Notes
    -----
    With cumulative tier starts :math:`c_k = \\sum_{j<k} w_j` and deferral
    :math:`D` in dollars on plan compensation :math:`W`,
    :math:`\\text{match} = \\sum_k r_k \\min(\\max(D - c_k W, 0), w_k W)`.
    """

    tiers: tuple[tuple[Rate, Width], ...] = ()

    @field_validator("tiers")
    @classmethod
    def _widths_fit_in_pay(
        cls, tiers: tuple[tuple[float, float], ...]
    ) -> tuple[tuple[float, float], ...]:
        total = sum(width for _, width in tiers)
        if total > 1.0 + 1e-12:
            raise ValueError(f"tier widths must sum to at most 1 (100% of pay); got {total:g}")
        return tiers

    @classmethod
    def modal(cls) -> MatchFormula:
        """50% of the first 6% of pay, the most common formula (Vanguard HAS 2025)."""
        return cls(tiers=((0.5, 0.06),))

    @property
    def max_match_fraction(self) -> float:
        """Largest match as a fraction of pay (reached by deferring the sum of widths)."""
        return float(sum(rate * width for rate, width in self.tiers))

    def match(self, deferral: ArrayLike, compensation: ArrayLike) -> np.ndarray:
        """Employer match in dollars.

        Parameters
        ----------
        deferral : array_like
            Employee deferrals that the plan matches, dollars.
        compensation : array_like
            Plan compensation (already capped at 401(a)(17)), dollars; broadcast
            against ``deferral``.

        Returns
        -------
        ndarray
            Match in dollars, broadcast shape of the inputs.
        """
        deferral = np.asarray(deferral, dtype=float)
        compensation = np.asarray(compensation, dtype=float)
        out = np.zeros(np.broadcast_shapes(deferral.shape, compensation.shape))
        start = 0.0
        for rate, width in self.tiers:
            slice_ = np.clip(deferral - start * compensation, 0.0, width * compensation)
            out += rate * slice_
            start += width
        return out


class PlanDesign(Spec):
    """What the employer's plan does with a participant's pay.

    Parameters
    ----------
    match : MatchFormula
        Employer match on deferrals; default the modal 50% of the first 6%.
    nonelective_rate : float
        Employer contribution for every eligible employee regardless of
        deferral (e.g. 0.03 safe harbor), fraction of plan compensation, [0, 0.25].
    match_catch_up : bool
        Whether age-50+ catch-up deferrals are matched (plan-specific).
    recordkeeping_fee : float
        Flat participant fee, dollars per year, deducted evenly each period
        (never more than the balance). Default $50 (*est.*, $40-60 range).
    """

    match: MatchFormula = Field(default_factory=MatchFormula.modal)
    nonelective_rate: float = Field(default=0.0, ge=0.0, le=0.25)
    match_catch_up: bool = True
    recordkeeping_fee: float = Field(default=50.0, ge=0.0, le=10_000.0)

    @model_validator(mode="after")
    def _total_employer_is_plausible(self) -> PlanDesign:
        total = self.match.max_match_fraction + self.nonelective_rate
        if total > 1.0:
            raise ValueError(
                f"match plus nonelective_rate can reach {total:g} of pay; allowed at most 1"
            )
        return self
