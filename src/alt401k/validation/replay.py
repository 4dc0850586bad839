"""A return model that replays one fixed history of annual returns, the same in every scenario.

A backcast must run the period's own returns, not draws around them:
:class:`Replay` turns year ``y`` of its history into ``periods_per_year``
equal per-period log returns, ``ln(1 + r_y) / n``, so each simulated year
compounds to exactly the recorded annual return, in every scenario. The
correlated normal shocks and the asset's stated mean and volatility are
ignored (they only inform the flow calibration's expected path, which uses
the asset's ``expected_return``).

Importing this module registers the model under the kind ``"replay"``.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from pydantic import field_validator

from alt401k.markets.base import Draws, ReturnModel, register

__all__ = ["Replay"]


@register
class Replay(ReturnModel):
    """Replay a recorded series of annual simple returns, year by year, in every scenario.

    Parameters
    ----------
    annual_returns : tuple of float
        Annual simple returns (fractions, each > -1), oldest first; year 0 of
        a simulation gets the first. A simulation may be shorter than the
        history (it replays the first years), never longer.

    Notes
    -----
    With ``n`` periods a year, period ``t`` of year ``y`` has log return
    ``ln(1 + r_y) / n``, so the compounded annual simple return is exactly
    ``r_y``. Within a year returns are spread evenly (annual data carry no
    within-year path), so a backcast's within-year timing of contributions
    and rebalancing sees a smooth year.
    """

    kind: ClassVar[str] = "replay"

    annual_returns: tuple[float, ...]

    @field_validator("annual_returns")
    @classmethod
    def _valid_returns(cls, value: tuple[float, ...]) -> tuple[float, ...]:
        if not value:
            raise ValueError("annual_returns must hold at least one year; got ()")
        for i, r in enumerate(value):
            if not r > -1.0:
                raise ValueError(
                    f"annual_returns must be simple returns > -1 (fractions); got {r} at year {i}"
                )
        return value

    def log_returns(
        self,
        shocks: np.ndarray,
        *,
        mean: float | np.ndarray,
        volatility: np.ndarray,
        periods_per_year: int,
        draws: Draws,
    ) -> np.ndarray:
        """Per-period log returns (S, T): each year's recorded return spread evenly."""
        n_scenarios, n_periods = shocks.shape
        n_years = n_periods // periods_per_year
        if n_years > len(self.annual_returns):
            raise ValueError(
                f"Replay holds {len(self.annual_returns)} years of returns; a run of "
                f"{n_years} years needs at most that many"
            )
        per_year = np.log1p(np.asarray(self.annual_returns[:n_years])) / periods_per_year
        row = np.repeat(per_year, periods_per_year)
        return np.broadcast_to(row, (n_scenarios, n_periods)).copy()
