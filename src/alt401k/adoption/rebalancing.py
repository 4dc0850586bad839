"""Rebalancing rules: how holders trade back to their target share."""

from __future__ import annotations

import math
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BeforeValidator, field_validator

from .._validation import check_int
from ..uncertain import check_uncertain_range
from ._base import _one_of, _Positional

_DATES_PER_YEAR = {"monthly": 12, "quarterly": 4, "annual": 1, "never": 0}


class Rebalancing(_Positional):
    """How holders trade back to their target share.

    Parameters
    ----------
    frequency : {"monthly", "quarterly", "annual", "never"}
        Rebalancing dates.
    fraction : float
        Share of holders who trade back to target on each date, in [0, 1]
        (in expectation; < 1 is partial rebalancing). Source: about 6% of
        participants change their mix per quarter (Fidelity Q1 2025,
        CALIBRATION "Participant behaviour"), so ``Rebalancing("quarterly",
        0.06)`` describes self-directed savers.
    """

    _positional: ClassVar[tuple[str, ...]] = ("frequency", "fraction")
    frequency: Literal["monthly", "quarterly", "annual", "never"] = "never"
    fraction: float = 1.0

    @field_validator("frequency", mode="before")
    @classmethod
    def _frequency_known(cls, value: Any) -> Any:
        return _one_of("frequency", tuple(_DATES_PER_YEAR), value)

    @field_validator("fraction")
    @classmethod
    def _fraction_range(cls, value: float) -> float:
        check_uncertain_range("fraction", value, 0.0, 1.0)
        return value

    def every(self, periods_per_year: int) -> int:
        """Periods between rebalancing dates (0 for "never").

        For 12 periods a year: monthly 1, quarterly 3, annual 12. Otherwise the
        nearest integer (halves round up) to ``periods_per_year`` / dates per
        year, at least 1: with 4 periods a year monthly and quarterly are both 1.
        """
        periods_per_year = check_int("periods_per_year", periods_per_year, low=1)
        dates = _DATES_PER_YEAR[self.frequency]
        return 0 if dates == 0 else max(1, math.floor(periods_per_year / dates + 0.5))


def as_rebalancing(value: str | Rebalancing) -> Rebalancing:
    """A :class:`Rebalancing` as is, or a frequency string as ``Rebalancing(frequency=...)``."""
    if isinstance(value, Rebalancing):
        return value
    if isinstance(value, str):
        return Rebalancing(frequency=value)
    raise TypeError(f"rebalancing must be a frequency string or a Rebalancing; got {value!r}")


#: Field type accepting a Rebalancing or a frequency string.
_RebalancingField = Annotated[
    Rebalancing, BeforeValidator(lambda v: Rebalancing(frequency=v) if isinstance(v, str) else v)
]
