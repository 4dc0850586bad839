"""GARCH(1,1) volatility clustering with Student-t innovations.

A :class:`Garch` model lets an asset's volatility cluster: a large move this
period raises the variance of the next ones, so calm stretches alternate with
turbulent ones (as in the crypto record, ``../shared/CALIBRATION.md``). The
asset keeps its place in the market's correlation structure: its correlated
standard normal shock is turned into a fat-tailed innovation by the Gaussian
copula.

Importing this module registers the model under the kind ``"garch"``.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from pydantic import Field, model_validator
from scipy import special  # type: ignore[import-untyped]  # scipy ships no stubs

from alt401k.markets.base import Draws, ReturnModel, register
from alt401k.markets.student_t import _rule, _standard_scale

__all__ = ["Garch"]


def _per_period_lognormal(
    mean: float | np.ndarray, volatility: np.ndarray, periods_per_year: int
) -> tuple[np.ndarray, np.ndarray]:
    """Per-period log mean ``m`` and log sd ``s`` of the lognormal construction.

    Returns arrays of shape (Y,) for a float ``mean``, (S, Y) for an (S, 1) one.
    """
    n = periods_per_year
    gross = 1.0 + np.asarray(mean, dtype=float)
    v = np.asarray(volatility, dtype=float) / gross
    s2 = np.log1p(v * v) / n
    m = np.log(gross) / n - s2 / 2.0
    return m, np.sqrt(s2)


def _by_period(values: np.ndarray, periods_per_year: int, n_periods: int) -> np.ndarray:
    """Repeat a per-year array (..., Y) along its last axis to (..., T)."""
    return np.repeat(values, periods_per_year, axis=-1)[..., :n_periods]


@register
class Garch(ReturnModel):
    """GARCH(1,1) per-period log returns with standardized Student-t innovations.

    Parameters
    ----------
    alpha : float
        Reaction of the variance to the last period's surprise, >= 0: the
        share of a squared surprise that carries into next period's
        variance. Default 0.10 (est.: a typical monthly fit).
    beta : float
        Persistence of the variance, >= 0: the share of this period's
        variance that carries into the next. ``alpha + beta`` must be < 1
        (a finite long-run variance); the closer to 1, the longer calm and
        turbulent spells last (half-life ``ln 0.5 / ln(alpha + beta)``
        periods). Default 0.85 (est.).
    df : float
        Degrees of freedom of the Student-t innovations, > 2; smaller means
        fatter tails, a large value (e.g. 1000) is close to normal.
        Default 6 (est.).
    truncation : float
        Where the standardized t innovation is cut off, in standard
        deviations, > 0; default 12, as :class:`~alt401k.markets.StudentT`.
        A t variable has no moment generating function, so with untruncated
        innovations ``E[exp(x_t)]`` -- the expected price relative of a
        period -- is infinite in theory for every ``df``, and so is the
        annual mean of simple returns. Cut at 12 standard deviations (far
        beyond any observed month) every moment is finite, and the body and
        the plausible tail are unchanged.

    Notes
    -----
    With ``n`` periods a year, stated annual mean ``mu`` and, in year ``y``,
    stated annual volatility ``sigma_y``, ``v_y = sigma_y / (1 + mu)``, the
    lognormal construction's per-period log moments are
    ``s_y^2 = ln(1 + v_y^2) / n`` and ``m_y = ln(1 + mu) / n - s_y^2 / 2``.
    The model is

    .. math::

        x_t = m_y + s_y \\sqrt{q_t}\\, e_t, \\qquad
        q_{t+1} = (1 - \\alpha - \\beta) + \\alpha q_t e_t^2 + \\beta q_t,
        \\qquad q_0 = 1,

    i.e. the standard GARCH(1,1) ``h_t = omega + alpha (x_{t-1} - m)^2 +
    beta h_{t-1}`` with ``h_t = s_y^2 q_t``, unconditional variance
    ``h-bar = omega / (1 - alpha - beta) = s_y^2`` and each scenario started
    at ``h_0 = h-bar``. Writing ``h`` relative to ``s_y^2`` lets a
    volatility schedule move the long-run level at once. The innovation is
    the asset's correlated normal shock ``z`` through the Gaussian copula and
    the truncated t of :class:`~alt401k.markets.StudentT`: with
    ``k = sqrt(df / (df - 2))``, ``a = T_df(-k c)`` and ``c`` the
    truncation, ``X = T_df^{-1}(a + Phi(z) (1 - 2a)) / k`` lies in
    ``[-c, c]``, and ``e = X / sd(X)`` (mean 0, variance 1 exactly;
    ``sd(X)`` by the same quadrature as StudentT: 0.9993 at ``df`` 6, 0.990 at 4).

    Since ``E[q_t] = 1`` for every ``t``, each period's log return has
    exactly mean ``m_y`` and variance ``s_y^2``, and returns are serially
    uncorrelated, so the annual log return has exactly the lognormal
    construction's mean and variance. Its distribution is not normal:
    volatility clusters and GARCH variances have power-law tails, so the
    annual *simple* return's mean and volatility match the stated ones
    only approximately. Measured in ``tests/markets/test_garch_bootstrap.py``
    for bitcoin (15%, 55%), monthly, with the defaults: the mean is about
    0.5-1.5 percentage points high, and the sample volatility of annual
    simple returns is well above 55% and unstable from seed to seed
    (0.6-1.5 on 200,000 scenario-years: a few extreme years dominate it),
    while the annual log return's volatility is 45.4% as constructed.
    Read ``volatility`` as the scale of the typical year, not as a sample
    standard deviation of simple returns.
    The shock-to-innovation map keeps the copula's rank correlation with the
    other assets, not their linear correlation exactly.
    """

    kind: ClassVar[str] = "garch"

    alpha: float = Field(default=0.10, ge=0.0)
    beta: float = Field(default=0.85, ge=0.0)
    df: float = Field(default=6.0, gt=2.0)
    truncation: float = Field(default=12.0, gt=0.0)

    @model_validator(mode="after")
    def _stationary(self) -> Garch:
        if not self.alpha + self.beta < 1.0:
            raise ValueError(
                f"alpha + beta must be < 1 for a finite long-run variance; got "
                f"alpha={self.alpha}, beta={self.beta} (sum {self.alpha + self.beta})"
            )
        return self

    def innovations(self, shocks: np.ndarray) -> np.ndarray:
        """Truncated standardized t innovations (mean 0, variance 1) from normal shocks.

        Computed from the smaller tail probability, ``Phi(-|z|)``, so shocks far
        in the tails stay finite; ``|e| <= truncation / sd(X)``.
        """
        z = np.asarray(shocks, dtype=float)
        k = _standard_scale(self.df)
        a = special.stdtr(self.df, -k * self.truncation)
        # Clipped above zero: Phi(-z) underflows for z > ~38.
        tail = np.maximum(special.ndtr(-np.abs(z)), np.finfo(float).tiny)
        quantile = -special.stdtrit(self.df, a + tail * (1.0 - 2.0 * a)) / k  # in [0, c]
        return np.sign(z) * quantile / self.innovation_scale()

    def innovation_scale(self) -> float:
        """Standard deviation ``sd(X)`` of the truncated unit-variance t (just below 1)."""
        x, w = _rule(float(self.df), float(self.truncation))
        return float(np.sqrt(np.sum(w * x * x)))

    def log_returns(
        self,
        shocks: np.ndarray,
        *,
        mean: float | np.ndarray,
        volatility: np.ndarray,
        periods_per_year: int,
        draws: Draws,
    ) -> np.ndarray:
        """Per-period log returns (S, T) of the GARCH(1,1) model.

        Parameters
        ----------
        shocks : ndarray, shape (S, T)
            The asset's standardized correlated normal shocks.
        mean : float or ndarray of shape (S, 1)
            Stated arithmetic annual mean of simple returns.
        volatility : ndarray, shape (Y,)
            Stated annual volatility of simple returns in each year.
        periods_per_year : int
            Periods per year ``n``.
        draws : Draws
            Unused: every random number comes from ``shocks``.

        Returns
        -------
        ndarray, shape (S, T)
            Per-period log returns. A loop over periods, vectorized over
            scenarios: a row depends only on its own shocks.
        """
        shocks = np.asarray(shocks, dtype=float)
        n_scenarios, n_periods = shocks.shape
        m, s = _per_period_lognormal(mean, volatility, periods_per_year)
        m = np.broadcast_to(_by_period(m, periods_per_year, n_periods), shocks.shape)
        s = np.broadcast_to(_by_period(s, periods_per_year, n_periods), shocks.shape)
        e = self.innovations(shocks)
        out = np.empty_like(shocks)
        omega = 1.0 - self.alpha - self.beta
        q = np.ones(n_scenarios)
        for t in range(n_periods):
            out[:, t] = m[:, t] + s[:, t] * np.sqrt(q) * e[:, t]
            q = omega + (self.alpha * e[:, t] ** 2 + self.beta) * q
        return out
