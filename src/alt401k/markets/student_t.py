"""Student-t return marginals joined by a Gaussian or t copula.

:class:`StudentT` replaces an asset's normal per-period log return with a
fat-tailed one, scaled so that the compounded annual simple return keeps the
asset's stated arithmetic mean and volatility exactly (in distribution).
"""

from __future__ import annotations

import functools
import itertools
from typing import ClassVar, Literal

import numpy as np
from pydantic import field_validator, model_validator
from scipy import special, stats  # type: ignore[import-untyped]  # scipy ships no stubs

from alt401k.markets.base import Draws, ReturnModel, register

__all__ = ["StudentT"]

#: Gauss-Legendre nodes per panel of the quadrature rule of the truncated t density.
_NODES_PER_PANEL = 40
#: Newton steps allowed when solving for the per-period scale (it needs about 6).
_MAX_NEWTON = 60
#: Relative Newton step below which a scale is final (then at round-off: quadratic).
_NEWTON_TOL = 1e-14
#: Elements of the (pairs, nodes) work array per block of the solver (8 MiB of float64).
_BLOCK_ELEMENTS = 2**20


@register
class StudentT(ReturnModel):
    """Fat-tailed per-period log returns: a truncated, scaled Student-t.

    Each period's log return is ``x = m + s X``, with ``X`` a Student-t
    variable with ``df`` degrees of freedom, rescaled to unit variance and
    cut off at ``+-truncation``. The asset's correlated standard normal
    shock picks the quantile of ``X`` (a copula), so the asset keeps its
    place in the market's correlation structure. ``s`` and ``m`` are chosen
    each year so that the compounded annual simple return has exactly the
    asset's stated arithmetic mean and volatility.

    Parameters
    ----------
    df : float
        Degrees of freedom of the per-period t distribution, > 2 (so the
        variance is finite). Smaller is fatter-tailed: the excess kurtosis of
        an untruncated t is ``6 / (df - 4)`` for ``df > 4`` and infinite for
        ``df <= 4``. It shapes the tails of *per-period* returns: a year is
        the sum of ``periods_per_year`` independent periods, so its
        kurtosis is about ``1 / periods_per_year`` of a period's. Bitcoin's
        daily log returns show an excess kurtosis of about 11 (2016-25,
        ``../shared/CALIBRATION.md``); its monthly returns, sums of ~21
        trading days, are much closer to normal. So ``df`` must be chosen for
        the model's period: with monthly periods, ``df`` about 4-6 gives a
        monthly excess kurtosis of 6.5-2.6 (truncated at 12), i.e. a
        crash month far more often than the lognormal model allows.
    truncation : float
        Where the standardized t is cut off, in standard deviations, > 0;
        default 12. A t log return has no moment generating function:
        ``E[exp(x)]`` is infinite for every ``df``, so an untruncated model
        has an infinite expected simple return and cannot be matched to a
        stated mean. Cutting the tails at 12 standard deviations (a monthly
        log return of about -190% for bitcoin: below any observed month)
        makes every moment finite while leaving the body and the plausible
        tail unchanged.
    copula : {"gaussian", "t"}
        How the asset's shock is joined with the others'. ``"gaussian"``
        (default): the quantile of ``X`` is the normal quantile of the
        asset's correlated shock, so rank correlations are those of the
        normal model and joint extremes are rare. ``"t"``: the shocks of
        every asset using a t copula with the same ``copula_df`` are divided
        by one common ``sqrt(W / nu)``, ``W ~ chi2(nu)`` per scenario and
        period -- a market-wide stress factor, so crashes arrive together
        (tail dependence).
    copula_df : float, optional
        Degrees of freedom ``nu`` of the t copula, > 0; only with
        ``copula="t"``. ``None`` (default): ``df``.

    Notes
    -----
    With ``k = sqrt(df / (df - 2))`` and ``T_df`` the t distribution
    function, ``X`` has the density ``k t_df(k x) / (1 - 2 a)`` on
    ``[-c, c]``, ``a = T_df(-k c)``. From the standard normal shock ``z``:

    .. math::

        u = \\Phi(z) \\;\\text{(Gaussian copula)}, \\qquad
        u = T_\\nu\\bigl(z / \\sqrt{W/\\nu}\\bigr) \\;\\text{(t copula)},

        X = T_{df}^{-1}\\bigl(a + u (1 - 2a)\\bigr) / k .

    (computed from the lower tail, ``X = -sign(z) |X(min(u, 1-u))|``, so
    upper quantiles keep full precision). For ``n`` periods a year, the
    annual gross return is the product of ``n`` iid ``exp(x_t)``, so its
    mean ``1 + mu`` and variance ``sigma^2`` are matched exactly by

    .. math::

        E[e^{x}] = (1 + \\mu)^{1/n}, \\qquad
        E[e^{2x}] = \\bigl((1 + \\mu)^2 + \\sigma^2\\bigr)^{1/n} .

    With ``M(t) = E[exp(t X)]``, ``s`` solves
    ``ln M(2s) - 2 ln M(s) = ln(1 + v^2) / n`` with ``v = sigma / (1 + mu)``
    (increasing in ``s``: Newton's method), then
    ``m = ln(1 + mu) / n - ln M(s)``. ``M`` is integrated with a composite
    Gauss-Legendre rule, panels doubling in width from the origin so the
    density's complex poles at ``+-i sqrt(df - 2)`` never spoil it; it agrees
    with :func:`scipy.integrate.quad` to about 1e-13. Volatility 0 gives
    ``s = 0``: deterministic returns.

    Correlation: the stated matrix sets the correlation of the period
    shocks (for a lognormal partner, its log-return correlation), and the
    t marginal's fatter tails lower the correlation of *annual simple*
    returns below the stated one. Bitcoin (15%, 55%) with US equity (7.9%,
    16.5%) stated at 0.45, monthly, Gaussian copula: 0.407 at ``df`` 3,
    0.428 at 4, 0.442 at 6, 0.447 at 10 (by quadrature, tested in
    ``tests/markets/test_student_t.py``); the t copula (``nu = df = 4``)
    lowers it further, to about 0.39. To reach an annual 0.45 at ``df`` 4,
    state 0.473.

    Examples
    --------
    >>> from alt401k.markets import default_markets
    >>> market = default_markets("lognormal").replace_asset("bitcoin", model=StudentT(df=4))
    >>> market["bitcoin"].model.kind
    'student_t'
    """

    kind: ClassVar[str] = "student_t"

    df: float
    truncation: float = 12.0
    copula: Literal["gaussian", "t"] = "gaussian"
    copula_df: float | None = None

    @field_validator("df")
    @classmethod
    def _df_valid(cls, value: float) -> float:
        if not value > 2:
            raise ValueError(f"df must be > 2 (finite variance); got {value:g}")
        return value

    @field_validator("truncation")
    @classmethod
    def _truncation_valid(cls, value: float) -> float:
        if not value > 0:
            raise ValueError(f"truncation must be > 0 (standard deviations); got {value:g}")
        return value

    @field_validator("copula_df")
    @classmethod
    def _copula_df_valid(cls, value: float | None) -> float | None:
        if value is not None and not value > 0:
            raise ValueError(f"copula_df must be > 0; got {value:g}")
        return value

    @model_validator(mode="after")
    def _copula_df_needs_t(self) -> StudentT:
        if self.copula_df is not None and self.copula != "t":
            raise ValueError(
                f"copula_df applies only to copula='t'; got copula={self.copula!r} with "
                f"copula_df={self.copula_df:g}"
            )
        return self

    @property
    def nu(self) -> float:
        """Degrees of freedom of the t copula (``copula_df``, or ``df`` when unset)."""
        return self.df if self.copula_df is None else self.copula_df

    def standardized(self, shocks: np.ndarray, draws: Draws) -> np.ndarray:
        """The truncated unit-variance t scores ``X`` (S, T) of the normal ``shocks`` (S, T)."""
        z = np.asarray(shocks, dtype=float)
        if self.copula == "t":
            nu = self.nu
            u = draws.shared(f"t_copula_{nu:g}").uniforms("chi2")[:, :, 0]
            # chi2(nu) by inversion; u = 0 (probability 2**-53) would give W = 0.
            w = 2.0 * special.gammaincinv(0.5 * nu, np.maximum(u, np.finfo(float).tiny))
            z = z * np.sqrt(nu / w)
            lower = special.stdtr(nu, -np.abs(z))
        else:
            lower = special.ndtr(-np.abs(z))
        k = _standard_scale(self.df)
        a = special.stdtr(self.df, -k * self.truncation)
        y = special.stdtrit(self.df, a + lower * (1.0 - 2.0 * a))
        return np.copysign(np.abs(y) / k, z)

    def period_params(
        self, mean: float | np.ndarray, volatility: float | np.ndarray, periods_per_year: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """Per-period log location ``m`` and scale ``s`` (broadcast shape of the inputs).

        ``mean`` and ``volatility`` are the annual arithmetic mean and
        standard deviation of simple returns (fractions); see Notes of the
        class for the equations.
        """
        mu, vol = np.broadcast_arrays(np.asarray(mean, float), np.asarray(volatility, float))
        v = (vol / (1.0 + mu)).ravel()
        pairs, inverse = np.unique(v, return_inverse=True)
        scale, log_m = _solve_scale(pairs, periods_per_year, self.df, self.truncation)
        s = scale[inverse].reshape(mu.shape)
        m = np.log1p(mu) / periods_per_year - log_m[inverse].reshape(mu.shape)
        return m, s

    def log_returns(
        self,
        shocks: np.ndarray,
        *,
        mean: float | np.ndarray,
        volatility: np.ndarray,
        periods_per_year: int,
        draws: Draws,
    ) -> np.ndarray:
        """Per-period log returns (S, T).

        Parameters
        ----------
        shocks : ndarray, shape (S, T)
            The asset's standardized correlated normal shocks.
        mean : float or ndarray of shape (S, 1)
            Arithmetic annual mean of simple returns (fraction), per scenario
            when drawn.
        volatility : ndarray, shape (Y,)
            Annual standard deviation of simple returns in each year.
        periods_per_year : int
            ``n``; T = Y * n.
        draws : Draws
            The asset's extra random numbers (the t copula's chi-square).

        Returns
        -------
        ndarray, shape (S, T)
            Per-period log returns.
        """
        n_scenarios, n_periods = np.shape(shocks)
        vol = np.asarray(volatility, dtype=float).reshape(-1)
        if vol.size * periods_per_year != n_periods:
            raise ValueError(
                f"volatility has {vol.size} years but shocks have {n_periods} periods at "
                f"{periods_per_year} a year"
            )
        scores = self.standardized(shocks, draws)
        mu = np.asarray(mean, dtype=float)
        mu = mu.reshape(1, 1) if mu.ndim == 0 else mu.reshape(-1, 1)
        m, s = self.period_params(mu, vol[None, :], periods_per_year)
        out = scores.reshape(n_scenarios, vol.size, periods_per_year)
        out *= s[:, :, None]
        out += m[:, :, None]
        return out.reshape(n_scenarios, n_periods)


def _standard_scale(df: float) -> float:
    """``k`` such that ``t_df / k`` has unit variance."""
    return float(np.sqrt(df / (df - 2.0)))


@functools.lru_cache(maxsize=64)
def _rule(df: float, truncation: float) -> tuple[np.ndarray, np.ndarray]:
    """Nodes ``x`` (K,) in (0, c) and weights (K,) with ``E[h(X)] = sum(w h(x))`` for even ``h``.

    Panels double in width from ``sqrt(df - 2) / 2``, the half distance of the
    density's poles from the real axis, so each panel's Bernstein ellipse is
    wide and 40 nodes reach machine precision.
    """
    k = _standard_scale(df)
    first = 0.5 * np.sqrt(df - 2.0)
    edges = [0.0]
    edge = first
    while edge < truncation:
        edges.append(edge)
        edge *= 2.0
    edges.append(truncation)
    base, base_w = np.polynomial.legendre.leggauss(_NODES_PER_PANEL)
    nodes, weights = [], []
    for lo, hi in itertools.pairwise(edges):
        half = 0.5 * (hi - lo)
        nodes.append(lo + half * (base + 1.0))
        weights.append(half * base_w)
    x = np.concatenate(nodes)
    w = np.concatenate(weights) * k * stats.t.pdf(k * x, df)
    w /= w.sum()
    x.flags.writeable = False
    w.flags.writeable = False
    return x, w


def _log_mgf(t: np.ndarray, x: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``ln M(t)`` and ``M'(t) / M(t)`` for t (P,), from the rule (x, w).

    ``M - 1 = sum(w * 2 sinh^2(t x / 2))`` keeps full relative precision for
    the small scales of daily periods.
    """
    tx = t[:, None] * x[None, :]
    excess = (w * (2.0 * np.sinh(0.5 * tx) ** 2)).sum(axis=1)
    slope = (w * x * np.sinh(tx)).sum(axis=1)
    return np.log1p(excess), slope / (1.0 + excess)


def _solve_scale(
    v: np.ndarray, periods_per_year: int, df: float, truncation: float
) -> tuple[np.ndarray, np.ndarray]:
    """Scale ``s`` and ``ln M(s)`` for each ratio ``v = sigma / (1 + mu)`` (P,).

    Each element is solved on its own (its own stopping rule), so the result
    for a value never depends on the other values in the call.
    """
    x, w = _rule(df, truncation)
    v = np.asarray(v, dtype=float)
    scale = np.zeros_like(v)
    log_m = np.zeros_like(v)
    block = max(1, _BLOCK_ELEMENTS // x.size)
    for lo in range(0, v.size, block):
        target = np.log1p(v[lo : lo + block] ** 2) / periods_per_year
        s, lm = _newton(target, x, w)
        scale[lo : lo + block] = s
        log_m[lo : lo + block] = lm
    return scale, log_m


def _newton(target: np.ndarray, x: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Solve ``ln M(2s) - 2 ln M(s) = target`` elementwise; returns ``s`` and ``ln M(s)``."""
    variance = float((w * x * x).sum())
    s = np.sqrt(target / variance)
    active = target > 0
    for _ in range(_MAX_NEWTON):
        if not active.any():
            break
        sa = s[active]
        lm1, d1 = _log_mgf(sa, x, w)
        lm2, d2 = _log_mgf(2.0 * sa, x, w)
        step = (lm2 - 2.0 * lm1 - target[active]) / (2.0 * d2 - 2.0 * d1)
        new = np.maximum(sa - step, 0.5 * sa)
        done = np.abs(new - sa) <= _NEWTON_TOL * new
        s[active] = new
        idx = np.flatnonzero(active)
        active[idx[done]] = False
    else:
        if active.any():
            raise RuntimeError("StudentT scale did not converge; report this as a bug")
    log_m, _ = _log_mgf(s, x, w)
    return s, log_m
