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

#: Largest solver iterations for the rescaling's scale (it needs about 10).
_MAX_ITERATIONS = 200
#: Relative change of the scale at which it is final.
_SCALE_TOL = 1e-13
#: Largest scale tried before an annual volatility is declared unreachable.
_LARGEST_B = 1e6
#: Spacing of the lattice of ln(target) the interpolation solves at (16 nodes per doubling).
_LATTICE_STEP = np.log(2.0) / 16


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


def _year_segments(block: int, periods_per_year: int, year: int) -> tuple[int, ...]:
    """Lengths of the pieces of fixed blocks (starting at 0, block, ...) inside one year."""
    owners = [t // block for t in range(year * periods_per_year, (year + 1) * periods_per_year)]
    return tuple(owners.count(k) for k in sorted(set(owners)))


def _stationary_log_mgf(z: np.ndarray, block: int, n: int, b: np.ndarray) -> np.ndarray:
    """``ln E[exp(b S)]`` (U,) for the sum ``S`` of ``n`` stationary-bootstrap draws of ``z``.

    The index chain starts uniform and moves to the next index (circularly)
    with probability ``1 - 1/block``, else to a uniform one: a forward
    recursion over its ``L`` states, rescaled every step so that large ``b``
    never overflows. ``b`` has shape (U,), each >= 0.
    """
    n_history = z.size
    p = 1.0 / block
    exponent = np.multiply.outer(b, z)  # (U, L)
    top = exponent.max(axis=1)
    weight = np.exp(exponent - top[:, None])
    alpha = weight / n_history
    log_scale = top.copy()
    for _ in range(n - 1):
        total = alpha.sum(axis=1, keepdims=True)
        alpha = ((1.0 - p) * np.roll(alpha, 1, axis=1) + (p / n_history) * total) * weight
        largest = alpha.max(axis=1)
        alpha /= largest[:, None]
        log_scale += top + np.log(largest)
    return log_scale + np.log(alpha.sum(axis=1))


def _fixed_log_mgf(z: np.ndarray, segments: tuple[int, ...], b: np.ndarray) -> np.ndarray:
    """``ln E[exp(b S)]`` (U,) for a year made of independent circular windows of ``z``.

    Each piece of length ``l`` is the sum of ``l`` consecutive values of the
    history from a uniform start, wrapping around its end.
    """
    out = np.zeros(b.shape)
    for length in segments:
        window = sum(np.roll(z, -k) for k in range(length))  # (L,), start at each index
        exponent = np.multiply.outer(b, window)
        top = exponent.max(axis=1)
        out += top + np.log(np.mean(np.exp(exponent - top[:, None]), axis=1))
    return out


def _sum_variance(z: np.ndarray, block: int, n: int, segments: tuple[int, ...] | None) -> float:
    """``Var(S)`` of a year's sum (``z`` has mean 0, variance 1): ``F(b) ~ b^2 Var(S)``."""
    lags = max(n, max(segments or (1,)))
    gamma = np.array([float(np.mean(z * np.roll(z, -k))) for k in range(lags)])
    if segments is None:
        k = np.arange(1, n)
        return float(n + 2.0 * np.sum((n - k) * (1.0 - 1.0 / block) ** k * gamma[1:n]))
    total = 0.0
    for length in segments:
        k = np.arange(1, length)
        total += length + 2.0 * float(np.sum((length - k) * gamma[1:length]))
    return total


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
        ``block`` periods, starting at periods 0, ``block``, ``2 block``,
        ... of the simulation, each from a uniform start in the history and
        wrapping around its end (the circular block bootstrap of Politis
        and Romano, 1992), so that every value of the history, the first
        and last ones included, is drawn equally often.
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
        sd x``, with ``a`` and ``b`` set, year by year, so that the
        compounded annual simple return has exactly the stated mean and
        volatility, the history's serial dependence within the year
        included (see Notes); the shape of the history (tails, skew,
        dependence) is kept.
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

    Rescaling. With ``z`` the standardized history and ``S_y`` the sum of
    the ``n`` values of ``z`` drawn in year ``y``, the year's gross return
    is ``G = exp(n a + b S_y)``, so with ``K(b) = ln E[exp(b S_y)]``

    .. math::

        K(2b) - 2 K(b) = \\ln(1 + v^2), \\qquad
        a = (\\ln(1 + \\mu) - K(b)) / n, \\qquad v = \\sigma / (1 + \\mu),

    give ``E[G] = 1 + mu`` and ``E[G^2] = (1 + mu)^2 + sigma^2`` exactly.
    ``K`` is computed exactly from the history, not from a sample: for the
    stationary bootstrap by a forward recursion over the index chain (every
    year has the same law, since the chain starts uniform); for fixed
    blocks from the circular sums of the pieces of blocks that fall in the
    year (pieces of different blocks are independent), which can differ
    from year to year when ``block`` does not divide ``n``. The left side
    increases with ``b`` (it is ``b^2 Var(S_y)`` for small ``b``) up to
    ``-ln P(S_y = max)``; a larger target raises a ``ValueError``. So a
    history with positive within-year autocorrelation gets a smaller ``b``
    than an iid one (its annual sums already vary more), and the annual
    figures hold for any ``block`` (per period they then differ from the
    lognormal construction's). ``block = 1`` gives the per-period match
    ``E[g] = (1 + mu)^(1/n)``, ``E[g^2] = ((1 + mu)^2 + sigma^2)^(1/n)``.
    Each distinct (year pattern, target) is solved once, by safeguarded
    secant steps on ``ln b``; with a mean drawn per scenario, ``ln b`` is
    interpolated (cubic, in ``ln`` of the target) between targets solved on
    a fixed lattice, with the mean still matched exactly and the variance
    to about 1e-8.
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
            starts = np.minimum((uniforms[:, :, 1] * n_history).astype(np.int64), n_history - 1)
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

    def _log_mgf(self, z: np.ndarray, n: int, pattern: tuple[int, ...] | None) -> Any:
        """``b -> ln E[exp(b S)]`` for a year's sum; ``pattern`` None is the stationary chain."""
        if pattern is None:
            return lambda b: _stationary_log_mgf(z, self.block, n, b)
        return lambda b: _fixed_log_mgf(z, pattern, b)

    def _solve_scale(
        self,
        z: np.ndarray,
        n: int,
        pattern: tuple[int, ...] | None,
        target: np.ndarray,
        per_scenario: bool = False,
    ) -> tuple[np.ndarray, np.ndarray]:
        """``b`` and ``K(b)`` (U,) with ``K(2b) - 2K(b) = target`` (U,), each target >= 0.

        Each element's result depends only on its own target (never on the
        others in the call), so chunking never changes a number; so does the
        method, which depends only on ``per_scenario`` (a mean per scenario).
        """
        log_mgf = self._log_mgf(z, n, pattern)
        b = np.zeros(target.shape)
        live = target > 0.0
        if not per_scenario:
            b[live] = self._solve_each(log_mgf, z, n, pattern, target[live])
        elif live.any():
            # A mean drawn per scenario, so as many targets: solve at the nodes of a fixed
            # lattice in ln(target) and interpolate ln b between the four nearest (a
            # cubic through smooth, monotone values); K(b) below is still exact, so the
            # mean is matched exactly and the variance to about 1e-8.
            position = np.log(target[live]) / _LATTICE_STEP
            first = np.floor(position).astype(np.int64) - 1
            nodes = np.unique(first[:, None] + np.arange(4))
            solved = self._solve_each(log_mgf, z, n, pattern, np.exp(nodes * _LATTICE_STEP))
            ln_b = np.log(solved)[np.searchsorted(nodes, first[:, None] + np.arange(4))]
            u = position - first  # in [1, 2): between the second and third node
            weights = np.stack(
                [
                    -(u - 1) * (u - 2) * (u - 3) / 6,
                    u * (u - 2) * (u - 3) / 2,
                    -u * (u - 1) * (u - 3) / 2,
                    u * (u - 1) * (u - 2) / 6,
                ],
                axis=1,
            )
            b[live] = np.exp(np.sum(weights * ln_b, axis=1))
        k = np.zeros(target.shape)
        k[live] = log_mgf(b[live])
        return b, k

    def _solve_each(
        self,
        log_mgf: Any,
        z: np.ndarray,
        n: int,
        pattern: tuple[int, ...] | None,
        target: np.ndarray,
    ) -> np.ndarray:
        """``b`` (U,) for positive targets (U,): bracket, then Illinois steps on ``ln b``."""

        def gap(ln_b: np.ndarray, goal: np.ndarray) -> np.ndarray:
            b = np.exp(ln_b)
            k = log_mgf(np.concatenate([b, 2.0 * b]))
            return np.log(k[b.size :] - 2.0 * k[: b.size]) - goal

        goal = np.log(target)
        variance = _sum_variance(z, self.block, n, pattern)
        # F(b) ~ b^2 Var(S) near 0 and grows more slowly further out.
        lo = 0.5 * (goal - np.log(variance)) - 1.0
        hi = lo + 2.0
        f_lo, f_hi = gap(lo, goal), gap(hi, goal)
        for _ in range(_MAX_ITERATIONS):
            low_bad, high_bad = f_lo > 0, f_hi < 0
            if not (low_bad.any() or high_bad.any()):
                break
            if np.any(high_bad & (hi > np.log(_LARGEST_B))):
                b_top = np.array([_LARGEST_B, 2 * _LARGEST_B])
                reachable = float(np.diff(log_mgf(b_top) * [2.0, 1.0])[0])
                raise ValueError(
                    "rescale cannot reach an annual volatility that large with this history "
                    f"and block={self.block} (largest ln(1 + v^2) is "
                    f"{float(np.max(target)):.4g}; at most about {reachable:.4g} is reachable)"
                )
            lo[low_bad] -= 2.0
            hi[high_bad] += 2.0
            if low_bad.any():
                f_lo[low_bad] = gap(lo[low_bad], goal[low_bad])
            if high_bad.any():
                f_hi[high_bad] = gap(hi[high_bad], goal[high_bad])
        # Illinois regula falsi on ln b (ln F is close to linear in ln b: a few steps).
        x = 0.5 * (lo + hi)
        side = np.zeros(goal.shape)
        active = np.ones(goal.shape, dtype=bool)
        for _ in range(_MAX_ITERATIONS):
            idx = np.flatnonzero(active)
            if idx.size == 0:
                break
            l_a, h_a, fl, fh = lo[idx], hi[idx], f_lo[idx], f_hi[idx]
            step = np.where(fh > fl, (l_a * fh - h_a * fl) / (fh - fl), 0.5 * (l_a + h_a))
            x[idx] = np.clip(step, l_a, h_a)
            f_x = gap(x[idx], goal[idx])
            below = f_x < 0
            f_hi[idx] = np.where(below & (side[idx] < 0), 0.5 * fh, fh)
            f_lo[idx] = np.where(~below & (side[idx] > 0), 0.5 * fl, fl)
            lo[idx] = np.where(below, x[idx], l_a)
            f_lo[idx] = np.where(below, f_x, f_lo[idx])
            hi[idx] = np.where(below, h_a, x[idx])
            f_hi[idx] = np.where(below, f_hi[idx], f_x)
            side[idx] = np.where(below, -1.0, 1.0)
            done = (hi[idx] - lo[idx] <= _SCALE_TOL) | (f_x == 0.0)
            active[idx[done]] = False
        return np.exp(x)

    def _rescaling(
        self, mean: float | np.ndarray, volatility: np.ndarray, periods_per_year: int
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Standardized history ``z`` (L,), and per-year ``a``, ``b`` ((Y,) or (S, Y))."""
        x = np.log1p(np.asarray(self.history))
        z = (x - x.mean()) / x.std()
        n = periods_per_year
        gross = 1.0 + np.asarray(mean, dtype=float)
        v = np.asarray(volatility, dtype=float) / gross
        target = np.log1p(v * v)  # ln(E[G^2] / E[G]^2), (Y,) or (S, Y)
        n_years = target.shape[-1]
        if self.method == "stationary":
            patterns: list[tuple[int, ...] | None] = [None] * n_years
        else:
            patterns = [_year_segments(self.block, n, year) for year in range(n_years)]
        b = np.zeros(target.shape)
        k = np.zeros(target.shape)
        for pattern in dict.fromkeys(patterns):
            years = [year for year in range(n_years) if patterns[year] == pattern]
            values, inverse = np.unique(target[..., years], return_inverse=True)
            b_u, k_u = self._solve_scale(z, n, pattern, values, per_scenario=target.ndim > 1)
            shape = target[..., years].shape
            b[..., years] = b_u[inverse].reshape(shape)
            k[..., years] = k_u[inverse].reshape(shape)
        a = (np.log(gross) - k) / n
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
