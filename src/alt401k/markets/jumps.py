"""Merton jump diffusion: a lognormal diffusion plus Poisson crash or boom jumps.

Importing this module registers :class:`MertonJump` (kind ``"merton_jump"``),
so a :class:`~alt401k.markets.model.MarketModel` that uses it round-trips
through JSON.
"""

from __future__ import annotations

import numpy as np
from pydantic import Field
from scipy import stats  # type: ignore[import-untyped]  # scipy ships no stubs

from alt401k.markets.base import Draws, ReturnModel, register

__all__ = ["MertonJump", "poisson_counts"]


def poisson_counts(uniforms: np.ndarray, rate: float) -> np.ndarray:
    """Poisson counts by the inverse CDF of uniforms.

    Parameters
    ----------
    uniforms : ndarray
        Uniforms on [0, 1), any shape.
    rate : float
        Poisson mean per draw (>= 0), e.g. jumps per period.

    Returns
    -------
    ndarray of int64, same shape
        ``N = min{k >= 0 : F(k) >= u}``, the same numbers as
        ``scipy.stats.poisson.ppf(u, rate)`` (clipped at 0 where ``u == 0``),
        found by a search in a tabulated CDF, which is much faster.
    """
    u = np.asarray(uniforms, dtype=np.float64)
    if rate <= 0.0:
        return np.zeros(u.shape, dtype=np.int64)
    # Beyond rate + 20 sd + 30 the Poisson tail is far below a float's resolution of u.
    top = int(rate + 20.0 * np.sqrt(rate)) + 30
    cdf = stats.poisson.cdf(np.arange(top + 1), rate)
    cdf[-1] = 1.0  # u < 1 always finds a count
    return np.searchsorted(cdf, u, side="left").astype(np.int64)


@register
class MertonJump(ReturnModel):
    """Lognormal diffusion plus compound-Poisson lognormal jumps (Merton, 1976).

    Parameters
    ----------
    intensity : float
        Expected number of jumps a year, >= 0 (0.25: one jump every four
        years on average, about one crash a crypto cycle).
    jump_mean : float
        Mean of the log jump size ``J`` (-0.5: a typical jump takes the price
        to ``exp(-0.5) = 61%``, a 39% fall; positive values are booms).
    jump_volatility : float
        Standard deviation of the log jump size, >= 0 (how much jumps differ
        from one another).

    Notes
    -----
    With ``n`` periods a year and ``lam = intensity / n``, the log return of a
    period is

    .. math::

        X_t = m + s\\,\\varepsilon_t + \\sum_{k=1}^{N_t} J_k, \\qquad
        N_t \\sim \\mathrm{Poisson}(\\lambda), \\quad
        J_k \\sim N(j_m, j_v^2),

    where ``eps_t`` is the asset's correlated standard normal shock (so the
    diffusion keeps the market's correlation structure), ``N_t`` comes from
    the uniforms ``draws.uniforms("jump_count")`` through the Poisson
    inverse CDF (:func:`poisson_counts`) and the jump total is
    ``N_t j_m + sqrt(N_t) j_v z_t`` with ``z_t`` from
    ``draws.normals("jump_size")`` (the exact law of a sum of ``N_t``
    normal jumps).

    The stated expected return ``mu`` and volatility ``sigma`` are the
    totals, jumps included. With ``A = E[e^J] = exp(j_m + j_v^2/2)`` and
    ``B = E[e^{2J}] = exp(2 j_m + 2 j_v^2)`` the period gross return
    ``g = e^X`` has

    .. math::

        \\ln E[g] = m + s^2/2 + \\lambda (A - 1) = \\ln(1 + \\mu) / n,

        \\ln E[g^2] = 2m + 2 s^2 + \\lambda (B - 1)
                    = \\ln((1 + \\mu)^2 + \\sigma^2) / n,

    so ``s^2 = ln(1 + v^2)/n - lam (B - 1) + 2 lam (A - 1)`` with
    ``v = sigma / (1 + mu)``, and ``m = ln(1 + mu)/n - lam (A - 1) - s^2/2``.
    Periods are iid within a year, so the annual gross return has exactly the
    stated mean and variance. ``s`` and ``m`` are solved per year (a
    volatility schedule) and per scenario (a mean drawn per scenario). If
    the jumps alone carry more variance than the stated volatility allows
    (``s^2 < 0``), sampling raises a ``ValueError`` naming the fields.
    """

    kind = "merton_jump"

    intensity: float = Field(ge=0.0)
    jump_mean: float
    jump_volatility: float = Field(ge=0.0)

    def period_parameters(
        self, mean: float | np.ndarray, volatility: np.ndarray, periods_per_year: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """Diffusion drift ``m`` and volatility ``s`` per period.

        Parameters
        ----------
        mean : float or ndarray (S, 1)
            Stated arithmetic annual mean of simple returns (jumps included).
        volatility : ndarray (Y,)
            Stated annual volatility of simple returns in each year.
        periods_per_year : int
            Periods a year ``n``.

        Returns
        -------
        (m, s) : ndarrays, shape (Y,) or (S, Y)
            Log drift and log volatility of the diffusion per period.
        """
        n = periods_per_year
        lam = self.intensity / n
        jm, jv = self.jump_mean, self.jump_volatility
        first = lam * np.expm1(jm + jv**2 / 2)  # lam (A - 1)
        second = lam * np.expm1(2 * jm + 2 * jv**2)  # lam (B - 1)
        log_gross = np.log1p(np.asarray(mean, dtype=np.float64))
        v = np.asarray(volatility, dtype=np.float64) / np.exp(log_gross)
        s2 = np.log1p(v**2) / n - second + 2 * first
        if np.any(s2 < 0):
            worst = float(np.min(s2))
            raise ValueError(
                f"MertonJump jumps (intensity={self.intensity}, jump_mean={self.jump_mean}, "
                f"jump_volatility={self.jump_volatility}) carry more variance than the stated "
                f"volatility (up to {float(np.min(volatility))}) allows: the diffusion variance "
                f"per period would be {worst:.3g} < 0; lower intensity, |jump_mean| or "
                "jump_volatility, or raise the asset's volatility"
            )
        m = log_gross / n - first - s2 / 2
        return np.broadcast_to(m, s2.shape).copy(), np.sqrt(s2)

    def jump_counts(self, draws: Draws) -> np.ndarray:
        """Number of jumps in each period, (S, T) int64, as :meth:`log_returns` uses them."""
        u = draws.uniforms("jump_count")[:, :, 0]
        return poisson_counts(u, self.intensity / draws.periods_per_year)

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
        n = periods_per_year
        m, s = self.period_parameters(mean, volatility, n)
        # (Y,) or (S, Y) per year -> per period, broadcastable against (S, T).
        m_t = np.repeat(m, n, axis=-1)
        s_t = np.repeat(s, n, axis=-1)
        out = m_t + s_t * shocks
        if self.intensity > 0.0:
            counts = poisson_counts(draws.uniforms("jump_count")[:, :, 0], self.intensity / n)
            z = draws.normals("jump_size")[:, :, 0]
            out += counts * self.jump_mean + np.sqrt(counts) * self.jump_volatility * z
        return out
