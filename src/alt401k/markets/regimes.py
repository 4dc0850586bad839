"""Markov regime switching: bull, bear and crash regimes, optionally shared across assets.

Importing this module registers :class:`RegimeSwitching` (kind
``"regime_switching"``), so a :class:`~alt401k.markets.model.MarketModel`
that uses it round-trips through JSON.
"""

from __future__ import annotations

import functools
import hashlib
import json

import numpy as np
from pydantic import field_validator, model_validator
from scipy import linalg  # type: ignore[import-untyped]  # scipy ships no stubs

from alt401k.markets.base import Draws, ReturnModel, register

__all__ = ["RegimeSwitching", "simulate_chain"]

#: Tolerance on row sums and on negative entries of a per-period root.
_PROB_TOL = 1e-9
#: Bisection steps for the volatility scale (halves the bracket each time).
_BISECTIONS = 100


@functools.lru_cache(maxsize=64)
def _period_transition(
    transition: tuple[tuple[float, ...], ...], periods_per_year: int
) -> np.ndarray:
    annual = np.array(transition, dtype=np.float64)
    if periods_per_year == 1:
        root = annual
    else:
        root = np.asarray(linalg.fractional_matrix_power(annual, 1.0 / periods_per_year))
        if np.iscomplexobj(root):
            if np.max(np.abs(root.imag)) > _PROB_TOL:
                raise ValueError(
                    f"transition (annual) has no real per-period root at periods_per_year="
                    f"{periods_per_year}; make the regimes more persistent (larger diagonal)"
                )
            root = root.real
    if np.min(root) < -_PROB_TOL or np.max(np.abs(root.sum(axis=1) - 1.0)) > 1e-8:
        raise ValueError(
            f"transition (annual) has no per-period root that is a stochastic matrix at "
            f"periods_per_year={periods_per_year} (smallest entry {float(np.min(root)):.3g}); "
            "make the regimes more persistent (larger diagonal) or use fewer periods a year"
        )
    root = np.clip(root, 0.0, 1.0)
    # The root comes from LAPACK, whose last bits can depend on the process (scipy 1.11's
    # OpenBLAS on AVX-512 gave a Dask worker other bits than its parent). Rounded to 1e-13,
    # far below any probability that matters, every process gets the same matrix.
    root = np.round(root, 13)
    root /= root.sum(axis=1, keepdims=True)
    root.flags.writeable = False
    return root


def _stationary(transition: np.ndarray) -> np.ndarray:
    k = transition.shape[0]
    system = np.vstack([transition.T - np.eye(k), np.ones((1, k))])
    rhs = np.zeros(k + 1)
    rhs[-1] = 1.0
    pi = np.linalg.lstsq(system, rhs, rcond=None)[0]
    pi = np.clip(pi, 0.0, None)
    return pi / pi.sum()


def simulate_chain(
    uniforms: np.ndarray, transition: np.ndarray, first: int | np.ndarray
) -> np.ndarray:
    """Simulate a Markov chain by inverse-CDF steps, vectorized over scenarios.

    Parameters
    ----------
    uniforms : ndarray (S, T)
        Uniforms on [0, 1); column ``t > 0`` picks the step into period ``t``,
        column 0 picks the first regime when ``first`` is a distribution.
    transition : ndarray (K, K)
        Per-period transition matrix, rows summing to 1.
    first : int or ndarray (K,)
        Regime index of period 0, or a distribution to draw it from.

    Returns
    -------
    ndarray (S, T) of int64
        Regime index of every period.
    """
    n_scenarios, n_periods = uniforms.shape
    k = transition.shape[0]
    cum = np.cumsum(transition, axis=1)[:, : k - 1]
    out = np.empty((n_scenarios, n_periods), dtype=np.int64)
    if np.ndim(first) == 0:
        out[:, 0] = int(first)
    else:
        start = np.cumsum(np.asarray(first, dtype=np.float64))[: k - 1]
        out[:, 0] = (uniforms[:, 0, None] >= start).sum(axis=1)
    for t in range(1, n_periods):
        out[:, t] = (uniforms[:, t, None] >= cum[out[:, t - 1]]).sum(axis=1)
    return out


def _annual_moment(pi: np.ndarray, q: np.ndarray, h: np.ndarray, n: int) -> np.ndarray:
    """``pi D (Q D)^(n-1) 1`` for ``D = diag(h)``, h (U, K): E[prod of n period factors]."""
    x = pi * h
    for _ in range(n - 1):
        x = (x @ q) * h
    return x.sum(axis=-1)


@register
class RegimeSwitching(ReturnModel):
    """Lognormal returns whose drift and volatility follow a Markov chain of regimes.

    Parameters
    ----------
    regimes : tuple of (name, mean, volatility)
        Each regime's name, arithmetic annual mean of simple returns and
        annual volatility, fractions: the returns a whole year spent in that
        regime would have (lognormal within the regime), e.g.
        ``(("bull", 0.45, 0.5), ("bear", -0.3, 0.6), ("crash", -0.75, 0.8))``.
        Names unique, means > -1, volatilities >= 0; at least two regimes.
    transition : tuple of rows
        ANNUAL transition matrix: ``transition[i][j]`` is the probability of
        being in regime ``j`` a year after being in regime ``i``. Entries in
        [0, 1], each row summing to 1. The per-period matrix is its
        ``n``-th root (``scipy.linalg.fractional_matrix_power``), which must
        itself be a stochastic matrix (true for persistent regimes, i.e. a
        large diagonal; sampling raises otherwise). So the same spec means
        the same thing monthly or daily.
    initial : str, optional
        Regime of the first period of every scenario. ``None`` (default):
        each scenario draws it from the stationary distribution.
    shared : bool
        True (default): the chain is drawn from a scope named by a hash of
        the regime names, ``transition`` and ``initial`` (not the regime
        means and volatilities), so every asset with the same names, matrix
        and start sees the same regime path: crashes are joint (bitcoin and
        ether can crash together with different crash sizes). False: each
        asset draws its own chain.
    scale_to_stated : bool
        True (default): rescale the regimes so the asset's stated annual
        mean and volatility are matched exactly (see Notes); the regime
        figures then give the shape (how bad a crash is relative to a bull
        market). False: the regime figures are used as given and the asset's
        stated expected return and volatility (and any volatility schedule
        or drawn mean) are ignored.
    coupling : tuple of float, optional
        Per regime, in [0, 1], how much of the asset's correlated market
        shock drives it: the normal innovation in regime ``k`` is
        ``w_k eps_t + sqrt(1 - w_k^2) eta_t``, with ``eps_t`` the market
        shock and ``eta_t`` the asset's own normal. ``w_k = 1``: correlated
        with the market as stated; ``w_k = 0``: a decoupled regime, in which
        the asset moves on its own news (bitcoin with US equity in 2016-19,
        monthly correlation 0.00, against 0.56 in 2020-25). The innovation
        stays standard normal and independent of the regime path, so the
        stated annual mean and volatility still hold exactly. ``None``
        (default): 1 in every regime, and no extra draws.
    decoupled_correlation : float
        Correlation, in [0, 1], of the own normals ``eta`` of the assets on
        one shared chain (crypto-specific news moves bitcoin and ether
        together); used with ``coupling`` only. Default 0.8 (*est.*; BTC-ETH
        daily correlation 0.83 in 2020-25).

    Notes
    -----
    With ``n`` periods a year, regime ``k`` with annual mean ``mu_k`` and
    volatility ``sigma_k`` has per-period log volatility and drift

    .. math::

        s_k^2 = \\ln(1 + \\sigma_k^2 / (1 + \\mu_k)^2) / n, \\qquad
        m_k = \\ln(1 + \\mu_k) / n - s_k^2 / 2,

    and the log return of period ``t`` in regime ``R_t`` is
    ``m_{R_t} + s_{R_t} eps_t`` with ``eps_t`` the asset's correlated
    standard normal shock. ``R_t`` follows the per-period chain ``Q``
    (``Q^n`` = ``transition``), simulated period by period from
    ``draws.uniforms("regime")`` (:func:`simulate_chain`).

    Scaling rule (``scale_to_stated``): every regime's log volatility is
    multiplied by one common factor ``c >= 0`` and every regime's gross
    arithmetic mean by one common factor ``e^{n d}``:

    .. math::

        s_k' = c\\, s_k, \\qquad m_k' = \\ln(1 + \\mu_k) / n + d - s_k'^2 / 2,

    i.e. regime ``k``'s annual mean becomes ``(1 + mu_k) e^{n d} - 1``.
    For a year that starts in the stationary distribution ``pi`` the gross
    annual return ``G`` has ``E[G^p] = pi D_p (Q D_p)^{n-1} 1`` with
    ``D_p = diag(E[g^p | k])``; ``E[G^2] / E[G]^2`` does not depend on
    ``d`` and increases strictly with ``c``, so ``c`` is the unique root of
    ``E[G^2] / E[G]^2 = 1 + sigma^2 / (1 + mu)^2`` (bisection), then ``d``
    sets ``E[G] = 1 + mu``. The match is exact for the stationary chain;
    with ``initial`` set, the first years differ until the chain forgets
    its start. It is solved per year (volatility schedule) and per scenario
    (drawn mean); sampling raises if the spread of the regime means alone
    exceeds the stated volatility.
    """

    kind = "regime_switching"

    regimes: tuple[tuple[str, float, float], ...]
    transition: tuple[tuple[float, ...], ...]
    initial: str | None = None
    shared: bool = True
    scale_to_stated: bool = True
    coupling: tuple[float, ...] | None = None
    decoupled_correlation: float = 0.8

    @field_validator("regimes")
    @classmethod
    def _regimes_valid(
        cls, value: tuple[tuple[str, float, float], ...]
    ) -> tuple[tuple[str, float, float], ...]:
        if len(value) < 2:
            raise ValueError(f"regimes must list at least two regimes; got {len(value)}")
        names = [regime[0] for regime in value]
        if len(set(names)) != len(names):
            raise ValueError(f"regimes names must be unique; got {names}")
        for name, mean, vol in value:
            if not mean > -1.0:
                raise ValueError(f"regimes mean must be > -1; got {mean} for regime {name!r}")
            if not vol >= 0.0:
                raise ValueError(f"regimes volatility must be >= 0; got {vol} for regime {name!r}")
        return value

    @model_validator(mode="after")
    def _transition_valid(self) -> RegimeSwitching:
        k = len(self.regimes)
        if len(self.transition) != k or any(len(row) != k for row in self.transition):
            raise ValueError(
                f"transition must be a {k} x {k} matrix (one row and column per regime); got "
                f"rows of lengths {[len(row) for row in self.transition]}"
            )
        for i, row in enumerate(self.transition):
            name = self.regimes[i][0]
            for p in row:
                if not 0.0 <= p <= 1.0:
                    raise ValueError(
                        f"transition probabilities must be in [0, 1]; got {p} in row {i} ({name!r})"
                    )
            if abs(sum(row) - 1.0) > _PROB_TOL:
                raise ValueError(
                    f"transition rows must sum to 1; row {i} ({name!r}) sums to {sum(row)}"
                )
        names = self.names
        if self.coupling is not None:
            if len(self.coupling) != k:
                raise ValueError(
                    f"coupling must give one weight per regime ({k}); got {len(self.coupling)}"
                )
            for name, w in zip(names, self.coupling, strict=True):
                if not 0.0 <= w <= 1.0:
                    raise ValueError(f"coupling must be in [0, 1]; got {w} for regime {name!r}")
        if not 0.0 <= self.decoupled_correlation <= 1.0:
            raise ValueError(
                f"decoupled_correlation must be in [0, 1]; got {self.decoupled_correlation}"
            )
        if self.initial is not None and self.initial not in names:
            raise ValueError(f"initial must be one of the regimes {names}; got {self.initial!r}")
        return self

    @property
    def names(self) -> tuple[str, ...]:
        """Regime names, in order (the index used by :meth:`regime_paths`)."""
        return tuple(regime[0] for regime in self.regimes)

    @property
    def scope(self) -> str:
        """Shared-draw scope: a stable hash of the names, transition and initial regime."""
        spec = {"names": self.names, "transition": self.transition, "initial": self.initial}
        digest = hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()
        return "regimes:" + digest[:16]

    def period_transition(self, periods_per_year: int) -> np.ndarray:
        """Per-period transition matrix (K, K), the ``n``-th root of ``transition``."""
        return _period_transition(self.transition, int(periods_per_year))

    def stationary(self) -> np.ndarray:
        """Stationary distribution (K,) of the chain (the same annually and per period)."""
        return _stationary(np.array(self.transition, dtype=np.float64))

    def regime_paths(self, draws: Draws) -> np.ndarray:
        """Regime index of every period, (S, T) int64, as :meth:`log_returns` uses it."""
        source = draws.shared(self.scope) if self.shared else draws
        u = source.uniforms("regime")[:, :, 0]
        q = self.period_transition(draws.periods_per_year)
        first = self.stationary() if self.initial is None else self.names.index(self.initial)
        return simulate_chain(u, q, first)

    def period_parameters(
        self, mean: float | np.ndarray, volatility: np.ndarray, periods_per_year: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """Per-period log drift and volatility of each regime, after any scaling.

        Parameters
        ----------
        mean : float or ndarray (S, 1)
            The asset's stated arithmetic annual mean.
        volatility : ndarray (Y,)
            The asset's stated annual volatility in each year.
        periods_per_year : int
            Periods a year ``n``.

        Returns
        -------
        (m, s) : ndarrays, shape (Y, K) or (S, Y, K)
            Log drift and log volatility per period of every regime (the
            same every year when ``scale_to_stated`` is False).
        """
        n = int(periods_per_year)
        mus = np.array([regime[1] for regime in self.regimes], dtype=np.float64)
        vols = np.array([regime[2] for regime in self.regimes], dtype=np.float64)
        log_gross = np.log1p(mus) / n
        s0 = np.sqrt(np.log1p((vols / (1.0 + mus)) ** 2) / n)
        volatility = np.asarray(volatility, dtype=np.float64)
        if not self.scale_to_stated:
            shape = (*volatility.shape, len(mus))
            return (
                np.broadcast_to(log_gross - s0**2 / 2, shape).copy(),
                np.broadcast_to(s0, shape).copy(),
            )
        mean_arr = np.asarray(mean, dtype=np.float64)
        target = np.log1p((volatility / (1.0 + mean_arr)) ** 2)  # ln(1 + v^2): (Y,) or (S, Y)
        q = self.period_transition(n)
        pi = self.stationary()
        h1 = np.exp(log_gross)
        log_e1 = float(np.log(_annual_moment(pi, q, h1[None, :], n)[0]))

        def log_ratio(x: np.ndarray) -> np.ndarray:
            # ln(E[G^2] / E[G]^2) at d = 0 with c^2 = x (U,).
            h2 = np.exp(2 * log_gross[None, :] + x[:, None] * s0[None, :] ** 2)
            with np.errstate(over="ignore", invalid="ignore"):
                e2 = _annual_moment(pi, q, h2, n)
                return np.where(np.isfinite(e2), np.log(e2), np.inf) - 2 * log_e1

        values, inverse = np.unique(target, return_inverse=True)
        floor = log_ratio(np.zeros(1))[0]
        if np.any(values < floor - 1e-12):
            raise ValueError(
                f"RegimeSwitching regimes {self.regimes}: the spread of the regime means alone "
                f"gives an annual volatility above the stated {float(np.min(volatility))} "
                f"(mean {float(np.min(mean_arr))}); narrow the regime means or set "
                "scale_to_stated=False"
            )
        if not np.any(s0 > 0):
            raise ValueError(
                "RegimeSwitching with scale_to_stated needs a regime with volatility > 0 "
                f"to scale; got regimes {self.regimes}"
            )
        lo = np.zeros_like(values)
        hi = np.ones_like(values)
        for _ in range(200):
            short = log_ratio(hi) < values
            if not short.any():
                break
            hi[short] *= 2.0
        for _ in range(_BISECTIONS):
            mid = (lo + hi) / 2
            below = log_ratio(mid) < values
            lo = np.where(below, mid, lo)
            hi = np.where(below, hi, mid)
        c2 = ((lo + hi) / 2)[inverse].reshape(target.shape)
        d = (np.log1p(mean_arr) - log_e1) / n  # float or (S, 1)
        s = np.sqrt(c2[..., None]) * s0  # (..., Y, K)
        m = log_gross + np.asarray(d)[..., None] - s**2 / 2
        return m, s

    def _coupled(self, shocks: np.ndarray, regimes: np.ndarray, draws: Draws) -> np.ndarray:
        """``w_k eps + sqrt(1 - w_k^2) eta`` with each period's regime weight ``w_k`` (S, T)."""
        weight = np.asarray(self.coupling, dtype=np.float64)[regimes]
        own = draws.normals("decoupled")[:, :, 0]
        if self.shared:
            c = self.decoupled_correlation
            common = draws.shared(self.scope).normals("decoupled")[:, :, 0]
            own = np.sqrt(c) * common + np.sqrt(1.0 - c) * own
        return weight * shocks + np.sqrt(1.0 - weight * weight) * own

    def log_returns(
        self,
        shocks: np.ndarray,
        *,
        mean: float | np.ndarray,
        volatility: np.ndarray,
        periods_per_year: int,
        draws: Draws,
    ) -> np.ndarray:
        """Per-period log returns (S, T); see the class Notes for the equations."""
        n = int(periods_per_year)
        m, s = self.period_parameters(mean, volatility, n)
        regimes = self.regime_paths(draws)
        n_periods = shocks.shape[1]
        if self.coupling is not None:
            shocks = self._coupled(shocks, regimes, draws)
        # Per year -> per period: (T, K) or (S, T, K), then pick each period's regime.
        m_t = np.repeat(m, n, axis=-2)
        s_t = np.repeat(s, n, axis=-2)
        if m_t.ndim == 2:
            t_index = np.arange(n_periods)[None, :]
            return m_t[t_index, regimes] + s_t[t_index, regimes] * shocks
        picked_m = np.take_along_axis(m_t, regimes[:, :, None], axis=-1)[:, :, 0]
        picked_s = np.take_along_axis(s_t, regimes[:, :, None], axis=-1)[:, :, 0]
        return picked_m + picked_s * shocks
