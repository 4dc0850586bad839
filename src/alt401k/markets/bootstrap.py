"""Block bootstrap of a user-supplied return history.

A :class:`Bootstrap` model replays blocks of a real history of periodic
returns, so the simulated paths keep whatever the history had -- fat tails,
crashes, momentum, volatility clustering within a block -- without a
parametric model. Assets given the same ``scope`` replay the same blocks of
the same dates, which keeps their cross-correlation (a joint bootstrap).

Importing this module registers the model under the kind ``"bootstrap"``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Literal

import numpy as np
from pydantic import Field, field_validator, model_validator

from alt401k.markets.base import Draws, ReturnModel, register

__all__ = ["Bootstrap"]

#: Points of the table used to invert the rescaling's moment equation.
_GRID_POINTS = 4097
#: Largest per-period ln(E[g^2] / E[g]^2) the rescaling tabulates.
_MAX_LOG_RATIO = 50.0
#: Smallest tabulated scale; below it F(b) = b^2 and K(b) = b^2 / 2 to rounding.
_SMALLEST_B = 1e-6


def _as_float_array(series: Any) -> np.ndarray:
    """A 1-D float array from a pandas Series, a one-column DataFrame, or a sequence."""
    values = getattr(series, "to_numpy", None)
    array = np.asarray(values(dtype=float) if callable(values) else series, dtype=float)
    if array.ndim == 2 and array.shape[1] == 1:
        array = array[:, 0]
    if array.ndim != 1:
        raise ValueError(
            f"history must be one series of returns; got an array of shape {array.shape} "
            "(use Bootstrap.from_frame for several columns)"
        )
    return array


def _log_cgf(z: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``K(b) = ln mean(exp(b z))`` for each ``b`` >= 0, accurate for small and large ``b``."""
    bz = np.multiply.outer(b, z)
    # Shift by the largest exponent only where it could overflow; unshifted, the
    # expm1/log1p form keeps K ~ b^2 / 2 accurate for small b.
    largest = bz.max(axis=-1)
    top = np.where(largest > 1.0, largest, 0.0)
    return top + np.log1p(np.mean(np.expm1(bz - top[..., None]), axis=-1))


@register
class Bootstrap(ReturnModel):
    """Stationary or fixed-block bootstrap of a history of periodic simple returns.

    Parameters
    ----------
    history : tuple of float
        Periodic simple returns (fractions, each > -1) at the simulation's
        frequency (monthly returns for a monthly simulation), oldest first.
        Missing values (NaN) are allowed only at the start -- a young asset
        such as bitcoin has no early history -- and are dropped; a NaN after
        the first value is an error.
    block : int
        Block length, >= 1 and at most the history's length: the mean block
        length of the stationary bootstrap, the fixed length of the fixed
        one. Longer blocks keep more of the history's serial dependence
        (momentum, volatility clustering) but replay fewer distinct paths.
        Default 12.
    method : {"stationary", "fixed"}
        ``"stationary"`` (default): Politis and Romano's stationary bootstrap,
        random block lengths (geometric with mean ``block``), wrapping
        around the end of the history. ``"fixed"``: blocks of exactly
        ``block`` periods (the moving-block bootstrap, no wrap), starting
        at periods 0, ``block``, ``2 block``, ... of the simulation.
    scope : str
        Assets with the same non-empty scope replay the same blocks (the
        same index into their histories each period), preserving the
        cross-correlation of the histories. Their histories must then be
        aligned on the same dates and of the same length
        (:meth:`from_frame` does this). ``""`` (default): the asset's own
        draws.
    rescale : bool
        False (default): the history is used as it is and the asset's
        stated expected return and volatility are IGNORED. True: each
        log return ``x`` of the history is mapped to ``a + b (x - mean x) /
        sd x``, with ``a`` and ``b`` set, year by year, so that a period's
        gross return ``g`` drawn from the history has the lognormal
        construction's moments ``E[g] = (1 + mu)^(1/n)`` and
        ``E[g^2] = ((1 + mu)^2 + sigma^2)^(1/n)``; the shape of the history
        (tails, skew, dependence) is kept.
    periods_per_year : int, optional
        The history's frequency, if known: the simulation refuses to run at
        another frequency. None (default): not checked.

    Notes
    -----
    Stationary bootstrap, for each scenario: ``i_0 ~ U{0..L-1}``; then
    ``i_t = (i_{t-1} + 1) mod L`` with probability ``1 - 1/block``, else a
    fresh uniform start. Every period's value is then uniformly distributed
    over the history, whatever ``block``. The simulated log return is
    ``ln(1 + r_{i_t})``: the model never invents a value that is not in the
    history (with ``rescale``, an affine image of one). The correlated
    normal shocks are ignored -- the bootstrap brings its own dependence --
    so the asset is independent of assets outside its scope.

    With ``rescale`` and ``block = 1`` (iid resampling) the annual mean and
    volatility of simple returns equal the stated ones exactly in
    distribution; with longer blocks the history's serial correlation
    within a year moves them somewhat (approximately matched).
    """

    kind: ClassVar[str] = "bootstrap"

    history: tuple[float, ...]
    block: int = Field(default=12, ge=1)
    method: Literal["stationary", "fixed"] = "stationary"
    scope: str = ""
    rescale: bool = False
    periods_per_year: int | None = Field(default=None, ge=1)

    @field_validator("history", mode="before")
    @classmethod
    def _drop_leading_missing(cls, value: Any) -> Any:
        if isinstance(value, str | bytes | Mapping):
            return value  # let pydantic reject it with its own message
        array = _as_float_array(value)
        missing = np.isnan(array)
        first = int(np.argmin(missing)) if not missing.all() else array.size
        if missing[first:].any():
            where = first + int(np.argmax(missing[first:]))
            raise ValueError(
                f"history has a missing value (NaN) at position {where}, after its first "
                "value; missing values are allowed only at the start (a young asset)"
            )
        kept = array[first:]
        if kept.size and not np.all(kept > -1.0):
            where = int(np.argmax(~(kept > -1.0)))
            raise ValueError(
                f"history returns must be simple returns > -1 (fractions); got {kept[where]} "
                f"at position {first + where}"
            )
        return tuple(float(x) for x in kept)

    @model_validator(mode="after")
    def _long_enough(self) -> Bootstrap:
        if len(self.history) < self.block:
            raise ValueError(
                f"history has {len(self.history)} periods, fewer than block={self.block}"
            )
        if self.rescale and np.ptp(np.log1p(self.history)) == 0.0:
            raise ValueError(
                "rescale needs a history whose returns vary; every history value is "
                f"{self.history[0]}"
            )
        return self

    @classmethod
    def from_series(cls, series: Any, **fields: Any) -> Bootstrap:
        """A bootstrap of one return series (pandas Series, one-column DataFrame, sequence).

        Leading missing values are dropped; ``fields`` are the other fields
        (``block``, ``method``, ``scope``, ``rescale``, ``periods_per_year``).
        """
        return cls(history=tuple(_as_float_array(series)), **fields)

    @classmethod
    def from_frame(cls, frame: Any, *, scope: str, **fields: Any) -> dict[str, Bootstrap]:
        """Joint bootstrap models, one per column of a DataFrame of periodic returns.

        Rows before the first row where every column has a value are dropped
        (the common history of all columns), so the histories are aligned on
        the same dates and every model uses ``scope``: the assets replay the
        same blocks. Returns ``{column name: Bootstrap}``.
        """
        if not scope:
            raise ValueError("scope must be a non-empty name shared by the columns; got ''")
        values = np.asarray(frame.to_numpy(dtype=float), dtype=float)
        complete = ~np.isnan(values).any(axis=1)
        first = int(np.argmax(complete)) if complete.any() else values.shape[0]
        return {
            str(name): cls(history=tuple(values[first:, j]), scope=scope, **fields)
            for j, name in enumerate(frame.columns)
        }

    def indices(self, draws: Draws) -> np.ndarray:
        """Indices into ``history`` of each scenario and period, shape (S, T), int64.

        The same for every asset of the same ``scope`` (and history length).
        """
        source = draws.shared(self.scope) if self.scope else draws
        uniforms = source.uniforms("bootstrap", width=2)
        n_history = len(self.history)
        n_scenarios, n_periods = int(uniforms.shape[0]), int(uniforms.shape[1])
        if self.method == "stationary":
            starts = np.minimum((uniforms[:, :, 1] * n_history).astype(np.int64), n_history - 1)
            jump = uniforms[:, :, 0] < 1.0 / self.block
        else:
            n_starts = n_history - self.block + 1
            starts = np.minimum((uniforms[:, :, 1] * n_starts).astype(np.int64), n_starts - 1)
            jump = (np.arange(n_periods) % self.block == 0)[None, :]
            jump = np.broadcast_to(jump, starts.shape)
        out = np.empty((n_scenarios, n_periods), dtype=np.int64)
        if n_periods == 0:
            return out
        out[:, 0] = starts[:, 0]
        for t in range(1, n_periods):
            following = out[:, t - 1] + 1
            following[following == n_history] = 0
            out[:, t] = np.where(jump[:, t], starts[:, t], following)
        return out

    @staticmethod
    def _table(z: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``b``, ``K(b)`` and ``F(b) = K(2b) - 2K(b)`` on a geometric grid of ``b``.

        The grid depends only on the history, so every scenario (and any
        chunking) inverts the same table.
        """
        b_cap = 1.0
        while (_log_cgf(z, np.array([2 * b_cap])) - 2 * _log_cgf(z, np.array([b_cap])))[
            0
        ] < _MAX_LOG_RATIO and b_cap < 1e6:
            b_cap *= 2.0
        b_grid = np.geomspace(_SMALLEST_B, b_cap, _GRID_POINTS)
        k_grid = _log_cgf(z, b_grid)
        f_grid = _log_cgf(z, 2 * b_grid) - 2 * k_grid
        return b_grid, k_grid, f_grid

    def _rescaling(
        self, mean: float | np.ndarray, volatility: np.ndarray, periods_per_year: int
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Standardized history ``z`` (L,), and per-year ``a``, ``b`` ((Y,) or (S, Y))."""
        x = np.log1p(np.asarray(self.history))
        z = (x - x.mean()) / x.std()
        n = periods_per_year
        gross = 1.0 + np.asarray(mean, dtype=float)
        v = np.asarray(volatility, dtype=float) / gross
        target = np.log1p(v * v) / n  # ln(E[g^2] / E[g]^2)
        b_grid, k_grid, f_grid = self._table(z)
        if np.any(target > f_grid[-1]):
            raise ValueError(
                f"rescale cannot reach an annual volatility that large with this history "
                f"(largest ln(1 + v^2) / n is {float(np.max(target))}, at most "
                f"{float(f_grid[-1])} is reachable)"
            )
        # ln F and ln K are close to linear in ln b (F ~ b^2, K ~ b^2 / 2): interpolate
        # there, and extrapolate below the table with those slopes.
        tiny = target < f_grid[0]
        safe = np.where(tiny, f_grid[0], target)
        b = np.exp(np.interp(np.log(safe), np.log(f_grid), np.log(b_grid)))
        b = np.where(tiny, b_grid[0] * np.sqrt(target / f_grid[0]), b)
        k = np.exp(np.interp(np.log(np.maximum(b, b_grid[0])), np.log(b_grid), np.log(k_grid)))
        k = np.where(tiny, k_grid[0] * (b / b_grid[0]) ** 2, k)
        a = np.log(gross) / n - k
        return z, a, b

    def log_returns(
        self,
        shocks: np.ndarray,
        *,
        mean: float | np.ndarray,
        volatility: np.ndarray,
        periods_per_year: int,
        draws: Draws,
    ) -> np.ndarray:
        """Per-period log returns (S, T): ``ln(1 + r)`` of the resampled history.

        Parameters
        ----------
        shocks : ndarray, shape (S, T)
            Ignored (only its shape is checked against ``draws``).
        mean : float or ndarray of shape (S, 1)
            Stated arithmetic annual mean; used only with ``rescale``.
        volatility : ndarray, shape (Y,)
            Stated annual volatility per year; used only with ``rescale``.
        periods_per_year : int
            Periods per year ``n``; must equal the field of that name if set.
        draws : Draws
            Source of the uniforms (``draws.shared(scope)`` for a scope).

        Returns
        -------
        ndarray, shape (S, T)
        """
        if self.periods_per_year is not None and periods_per_year != self.periods_per_year:
            raise ValueError(
                f"the bootstrap history has {self.periods_per_year} periods per year but the "
                f"simulation uses periods_per_year={periods_per_year}"
            )
        index = self.indices(draws)
        if not self.rescale:
            return np.log1p(np.asarray(self.history))[index]
        z, a, b = self._rescaling(mean, volatility, periods_per_year)
        n_periods = index.shape[1]
        a_t = np.repeat(a, periods_per_year, axis=-1)[..., :n_periods]
        b_t = np.repeat(b, periods_per_year, axis=-1)[..., :n_periods]
        return a_t + b_t * z[index]
