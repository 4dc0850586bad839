"""Policy reversal: the yearly hazard that the rules are rescinded, and what then happens."""

from __future__ import annotations

from typing import Any, ClassVar, Literal

import numpy as np
from pydantic import field_validator

from .._random import Stream, by_blocks, keyed_uniforms
from .._validation import check_int
from ..uncertain import Uncertain, check_uncertain_range, sample_parameter
from ._base import _one_of, _Positional

#: Reversal year meaning "never rescinded" (hazard 0): the largest int32.
NO_REVERSAL = 2**31 - 1


class Reversal(_Positional):
    """Risk that the rules allowing the asset are rescinded.

    Parameters
    ----------
    hazard : float or distribution
        Yearly probability of a reversal, in [0, 1]; drawn once per scenario
        (key ``"reversal/hazard"``). Default 0.05 (*est.*: senators and state
        attorneys general ask for withdrawal and a later administration may
        reverse, CALIBRATION "After the order"; a mean wait of 20 years, five
        presidential terms, and a 19% chance within one term).
    treatment : {"keep", "freeze", "unwind"}
        What happens to existing holdings: kept and managed as before
        ("keep"), frozen to new money -- no new contributions or rebalancing
        purchases into the asset -- ("freeze"), or sold evenly over
        ``unwind_years`` years ("unwind").
    unwind_years : int
        Years over which holdings are sold under "unwind", >= 1.

    Notes
    -----
    The reversal year :math:`\\tau` (0-based) is geometric,
    :math:`P(\\tau = k) = (1 - h)^k h`, drawn from one uniform ``u`` per
    scenario by inverse CDF, :math:`\\tau = \\lfloor \\ln(1 - u) / \\ln(1 - h)
    \\rfloor`, so it does not depend on the horizon (:math:`h = 1` gives 0,
    :math:`h = 0` gives :data:`NO_REVERSAL`). A reversal in year
    :math:`\\tau` takes effect at the end of that year: no new adoption from
    year :math:`\\tau + 1` on, and holdings are then treated as
    ``treatment`` says. The engine applies this; this class only samples
    :math:`\\tau`.
    """

    _positional: ClassVar[tuple[str, ...]] = ("hazard", "treatment", "unwind_years")
    hazard: Uncertain = 0.05
    treatment: Literal["keep", "freeze", "unwind"] = "keep"
    unwind_years: int = 3

    @field_validator("hazard")
    @classmethod
    def _hazard_range(cls, value: Uncertain) -> Uncertain:
        return check_uncertain_range("hazard", value, 0.0, 1.0)

    @field_validator("treatment", mode="before")
    @classmethod
    def _treatment_known(cls, value: Any) -> Any:
        return _one_of("treatment", ("keep", "freeze", "unwind"), value)

    @field_validator("unwind_years", mode="before")
    @classmethod
    def _unwind_positive(cls, value: Any) -> int:
        return check_int("unwind_years", value, low=1)

    def reversal_years(self, root: np.random.SeedSequence, start: int, stop: int) -> np.ndarray:
        """Year of the reversal per scenario.

        Returns
        -------
        ndarray, shape (stop - start,), int64
            0-based year index :math:`\\tau_s`, or :data:`NO_REVERSAL`.
        """
        return by_blocks(lambda lo, hi: self._years(root, lo, hi), start, stop)

    def _years(self, root: np.random.SeedSequence, start: int, stop: int) -> np.ndarray:
        hazard = sample_parameter(
            self.hazard, root=root, key="reversal/hazard", start=start, stop=stop
        )
        u = keyed_uniforms(root, Stream.REVERSAL, "reversal", start, stop)[:, 0]
        years = np.full(stop - start, NO_REVERSAL, dtype=np.int64)
        years[hazard >= 1.0] = 0
        live = (hazard > 0.0) & (hazard < 1.0)
        with np.errstate(over="ignore"):  # tiny hazards overflow to inf: never
            ratio = np.log1p(-u[live]) / np.log1p(-hazard[live])
        years[live] = np.floor(np.minimum(ratio, NO_REVERSAL)).astype(np.int64)
        return years
