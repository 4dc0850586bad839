"""Fit the Student-t, jump and GARCH return models to a user's own return series.

Each ``fit_*`` function takes a history of per-period SIMPLE returns (a 1-D
array, list or pandas Series, e.g. monthly returns of a fund or a coin),
works on the per-period LOG returns ``x_t = ln(1 + r_t)`` -- the quantity
every model of :mod:`alt401k.markets` draws -- and returns a
:class:`FitResult`: the fitted model spec plus the asset's implied annual
arithmetic mean and volatility of simple returns, the two numbers an
:class:`~alt401k.markets.model.AssetClass` states. ``result.asset_class(
name, source)`` builds the asset directly.

The implied annual figures are the exact inverse of each model's own
construction (see each model's Notes): an asset built from a fit reproduces
the fitted per-period distribution (location, scale, tails, jumps,
GARCH dynamics), so sampling it gives back the history's character.

Input rules, shared by every function:

1. ``NaN`` values at the start are dropped (a young asset, such as a coin
   listed later than the other columns of a table); a ``NaN`` after the
   first value is an error naming its position.
2. Every return must be finite and > -1 (a log return must exist).
3. At least :data:`MIN_OBSERVATIONS` (24) returns must remain.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from scipy import optimize, signal, special, stats  # type: ignore[import-untyped]  # no stubs

from alt401k.markets.base import ReturnModel
from alt401k.markets.garch import Garch
from alt401k.markets.jumps import MertonJump
from alt401k.markets.model import AssetClass
from alt401k.markets.student_t import StudentT, _log_mgf, _rule, _standard_scale

__all__ = ["MIN_OBSERVATIONS", "FitResult", "fit_garch", "fit_merton_jump", "fit_student_t"]

#: Fewest returns a fit accepts (two years of monthly data).
MIN_OBSERVATIONS = 24
#: Scale of the median absolute deviation that estimates a normal standard deviation.
_MAD_TO_SD = 1.482602218505602
#: Bounds of fitted degrees of freedom: above 2 (finite variance), up to "practically normal".
_DF_BOUNDS = (2.05, 1000.0)
#: Most jumps in one period the Merton likelihood sums over.
_MAX_JUMPS = 12
#: Largest persistence alpha + beta a GARCH fit may reach (the spec needs < 1).
_MAX_PERSISTENCE = 0.999


@dataclass(frozen=True)
class FitResult:
    """A fitted return model and the asset figures it implies.

    Parameters
    ----------
    model : ReturnModel
        The fitted spec (:class:`StudentT`, :class:`MertonJump` or :class:`Garch`).
    expected_return : float
        Implied arithmetic annual mean of simple returns (fraction), the
        ``AssetClass.expected_return`` that, with ``model``, reproduces the
        fitted per-period distribution.
    volatility : float
        Implied annual volatility of simple returns (fraction), the
        ``AssetClass.volatility`` to state with ``model``.
    log_likelihood : float or None
        Maximized log-likelihood of the per-period log returns (natural
        log, in the units of the log returns); ``None`` where not applicable.
    n_observations : int
        Returns used (after dropping leading ``NaN``).
    periods_per_year : int
        Periods a year of the series (12: monthly).
    """

    model: ReturnModel
    expected_return: float
    volatility: float
    log_likelihood: float | None
    n_observations: int
    periods_per_year: int

    def asset_class(self, name: str, source: str, **fields: Any) -> AssetClass:
        """An :class:`AssetClass` with the fitted model and implied mean and volatility.

        ``fields`` are any other ``AssetClass`` fields (``label``,
        ``expense_ratio``, ...). Sample it with the same ``periods_per_year``
        as the series that was fitted.
        """
        return AssetClass(
            name=name,
            source=source,
            expected_return=self.expected_return,
            volatility=self.volatility,
            model=self.model,
            **fields,
        )


def fit_student_t(returns: Any, *, periods_per_year: int = 12) -> FitResult:
    """Maximum-likelihood Student-t fit of per-period log returns.

    Parameters
    ----------
    returns : array_like or pandas Series, shape (N,)
        Per-period SIMPLE returns (fractions, 0.01 = +1% in the period);
        leading ``NaN`` are dropped.
    periods_per_year : int
        Periods a year of the series (12: monthly, 52: weekly, 252: daily).

    Returns
    -------
    FitResult
        ``model = StudentT(df=...)`` and the implied annual arithmetic mean and
        volatility of simple returns.

    Notes
    -----
    The log returns ``x_t = ln(1 + r_t)`` are taken as iid
    ``x = loc + scale T``, ``T ~ t_df``; ``(df, loc, scale)`` maximize

    .. math::

        \\ell = \\sum_t \\ln t_{df}\\bigl((x_t - loc)/scale\\bigr) - N \\ln scale

    (L-BFGS-B, ``df`` in [2.05, 1000]). In the model's terms
    (:class:`StudentT`) ``x = m + s X`` with unit-variance ``X``, so
    ``m = loc`` and ``s = scale sqrt(df / (df - 2))``. With ``M`` the moment
    generating function of ``X`` truncated at the model's 12 standard
    deviations, the implied annual figures are those the model matches:

    .. math::

        1 + \\mu = \\bigl(e^{m} M(s)\\bigr)^{n}, \\qquad
        \\sigma^2 = \\bigl(e^{2m} M(2s)\\bigr)^{n} - (1 + \\mu)^2 .

    The likelihood ignores the truncation (it removes a probability below
    1e-8 for ``df >= 3``).
    """
    x = _log_returns(returns)
    n = _periods(periods_per_year)
    center, spread = _robust_center_scale(x)
    z = (x - center) / spread

    def negative_ll(theta: np.ndarray) -> float:
        df, loc, log_scale = theta
        return -float(np.sum(stats.t.logpdf(z, df, loc, np.exp(log_scale))))

    # Two starts (fat and thin tails): the df likelihood can be flat, so keep the better.
    best = min(
        (
            optimize.minimize(
                negative_ll,
                np.array([df0, 0.0, 0.0]),
                method="L-BFGS-B",
                bounds=[_DF_BOUNDS, (None, None), (-10.0, 10.0)],
            )
            for df0 in (4.0, 10.0)
        ),
        key=lambda res: float(res.fun),
    )
    df, loc_z, log_scale_z = (float(v) for v in best.x)
    loc = center + spread * loc_z
    scale = spread * float(np.exp(log_scale_z))
    log_likelihood = -float(best.fun) - x.size * float(np.log(spread))
    model = StudentT(df=df)
    s = scale * _standard_scale(df)
    nodes, weights = _rule(df, model.truncation)
    log_m, _ = _log_mgf(np.array([s, 2.0 * s]), nodes, weights)
    log_gross = n * (loc + log_m[0])
    log_second = n * (2.0 * loc + log_m[1])
    mean, vol = _annual(log_gross, log_second)
    return FitResult(model, mean, vol, log_likelihood, x.size, n)


def fit_merton_jump(
    returns: Any,
    *,
    periods_per_year: int = 12,
    jump_threshold: float = 3.0,
    method: Literal["mle", "threshold"] = "mle",
) -> FitResult:
    """Fit a Merton jump diffusion to per-period log returns.

    Parameters
    ----------
    returns : array_like or pandas Series, shape (N,)
        Per-period SIMPLE returns (fractions); leading ``NaN`` are dropped.
    periods_per_year : int
        Periods a year of the series (12: monthly).
    jump_threshold : float
        > 0. A period whose log return lies more than this many (robust)
        diffusion standard deviations from the diffusion drift counts as a
        jump in the threshold separation. Default 3.
    method : {"mle", "threshold"}
        ``"threshold"``: the threshold separation below. ``"mle"`` (default):
        maximum likelihood started from it (less biased: it needs no rule
        for which periods jumped, so small jumps and large diffusion moves
        are not misclassified).

    Returns
    -------
    FitResult
        ``model = MertonJump(intensity, jump_mean, jump_volatility)`` (a year's
        expected jump count; mean and sd of a log jump), the implied annual
        arithmetic mean and volatility of simple returns (jumps included, as
        :class:`MertonJump` states them) and the log-likelihood of the fitted
        parameters.

    Notes
    -----
    Per-period log return (:class:`MertonJump`), ``lam = intensity / n``:
    ``x = m + s eps + sum_{k <= N} J_k``, ``N ~ Poisson(lam)``,
    ``J ~ N(j_m, j_v^2)``, so

    .. math::

        f(x) = \\sum_{k \\ge 0} \\frac{e^{-\\lambda}\\lambda^k}{k!}\\,
               \\phi\\bigl(x;\\, m + k j_m,\\, s^2 + k j_v^2\\bigr)

    (summed to 12 jumps a period). Threshold separation: start from the
    median and ``1.4826 MAD`` as drift and diffusion sd; periods with
    ``|x - m| > c s`` are jumps; ``m`` is the mean and ``s`` the sd of the
    others, divided by ``sqrt(1 - 2 c phi(c) / (2 Phi(c) - 1))`` (the sd of a
    normal cut at ``+-c``); repeat until the set of jumps is stable.
    Then ``intensity = n (jumps / N)``, ``j_m`` is the mean of ``x - m``
    over the jumps and ``j_v^2`` their variance less ``s^2`` (a jump period
    also carries a diffusion move), floored at 0. ``"mle"`` maximizes
    ``sum ln f(x_t)`` from there (L-BFGS-B, ``lam`` in [1e-10, 1]). The implied
    annual figures, with ``A = exp(j_m + j_v^2/2)``, ``B = exp(2 j_m + 2 j_v^2)``:

    .. math::

        \\ln(1 + \\mu) = n\\,(m + s^2/2 + \\lambda (A - 1)), \\qquad
        \\sigma^2 = e^{n (2m + 2s^2 + \\lambda (B - 1))} - (1 + \\mu)^2 .
    """
    if not jump_threshold > 0:
        raise ValueError(f"jump_threshold must be > 0 (standard deviations); got {jump_threshold}")
    if method not in ("mle", "threshold"):
        raise ValueError(f"method must be 'mle' or 'threshold'; got {method!r}")
    x = _log_returns(returns)
    n = _periods(periods_per_year)
    center, spread = _robust_center_scale(x)
    z = (x - center) / spread
    m, s, lam, jm, jv = _threshold_jumps(z, jump_threshold)
    if method == "mle":
        theta0 = np.array([m, np.log(s), lam, jm, jv])
        res = optimize.minimize(
            lambda theta: tuple(-v for v in _merton_objective(theta, z)),
            theta0,
            jac=True,
            method="L-BFGS-B",
            bounds=[(None, None), (-10.0, 5.0), (1e-10, 1.0), (-50.0, 50.0), (0.0, 50.0)],
        )
        m, log_s, lam, jm, jv = (float(v) for v in res.x)
        s = float(np.exp(log_s))
    else:
        log_s = float(np.log(s))
    log_likelihood = _merton_log_likelihood(z, m, log_s, lam, jm, jv) - x.size * np.log(spread)
    m, s, jm, jv = center + spread * m, spread * s, spread * jm, spread * jv
    model = MertonJump(intensity=lam * n, jump_mean=jm, jump_volatility=jv)
    log_gross = n * (m + s * s / 2 + lam * np.expm1(jm + jv * jv / 2))
    log_second = n * (2 * m + 2 * s * s + lam * np.expm1(2 * jm + 2 * jv * jv))
    mean, vol = _annual(log_gross, log_second)
    return FitResult(model, mean, vol, float(log_likelihood), x.size, n)


def fit_garch(returns: Any, *, periods_per_year: int = 12) -> FitResult:
    """Maximum-likelihood GARCH(1,1) fit with Student-t innovations.

    Parameters
    ----------
    returns : array_like or pandas Series, shape (N,)
        Per-period SIMPLE returns (fractions); leading ``NaN`` are dropped.
    periods_per_year : int
        Periods a year of the series (12: monthly).

    Returns
    -------
    FitResult
        ``model = Garch(alpha, beta, df)``, the implied annual arithmetic mean
        and volatility (the figures :class:`Garch` takes as stated, see Notes)
        and the maximized log-likelihood.

    Notes
    -----
    With ``x_t`` the log returns, ``m`` their sample mean and ``s^2`` their
    sample variance (variance targeting: the long-run variance is ``s^2``,
    so ``omega = s^2 (1 - alpha - beta)``), the residuals
    ``r_t = x_t - m`` follow

    .. math::

        h_t = \\omega + \\alpha r_{t-1}^2 + \\beta h_{t-1}, \\quad h_0 = s^2, \\qquad
        r_t = \\sqrt{h_t}\\, e_t, \\quad e_t \\sim t_{df}\\sqrt{(df - 2)/df},

    and ``(alpha, beta, df)`` maximize the standardized-t log-likelihood
    (L-BFGS-B over ``p = alpha + beta`` in [0, 0.999], ``alpha / p`` in
    [0, 1] and ``df`` in [2.05, 1000]). :class:`Garch` builds per-period log
    returns with mean ``m`` and long-run variance ``s^2`` from the stated
    figures by ``s^2 = ln(1 + v^2) / n``, ``m = ln(1 + mu) / n - s^2 / 2``,
    ``v = sigma / (1 + mu)``; the implied figures invert that:

    .. math::

        1 + \\mu = e^{n (m + s^2/2)}, \\qquad
        \\sigma = (1 + \\mu) \\sqrt{e^{n s^2} - 1} .

    They are the lognormal-equivalent figures the model takes, not sample
    moments of annual simple returns (see :class:`Garch`). The likelihood
    ignores the truncation of :class:`Garch`'s innovations at 12 standard
    deviations (it removes a probability below 1e-8 for ``df >= 3``).
    """
    x = _log_returns(returns)
    n = _periods(periods_per_year)
    m = float(np.mean(x))
    variance = float(np.var(x))
    if not variance > 0:
        raise ValueError("returns are constant: a GARCH variance cannot be fitted")
    r = (x - m) / np.sqrt(variance)  # unit long-run variance: h_0 = 1, omega = 1 - alpha - beta

    def negative_ll(theta: np.ndarray) -> float:
        p, share, df = theta
        return -_garch_log_likelihood(r, p * share, p * (1.0 - share), df)

    # Two starts (persistent and not): keep the better optimum.
    best = min(
        (
            optimize.minimize(
                negative_ll,
                np.array(start),
                method="L-BFGS-B",
                bounds=[(0.0, _MAX_PERSISTENCE), (0.0, 1.0), _DF_BOUNDS],
            )
            for start in ([0.9, 0.1, 6.0], [0.5, 0.3, 10.0])
        ),
        key=lambda res: float(res.fun),
    )
    p, share, df = (float(v) for v in best.x)
    model = Garch(alpha=p * share, beta=p * (1.0 - share), df=df)
    log_likelihood = -float(best.fun) - 0.5 * x.size * np.log(variance)
    log_gross = n * (m + variance / 2)
    mean = float(np.expm1(log_gross))
    vol = float(np.exp(log_gross) * np.sqrt(np.expm1(n * variance)))
    return FitResult(model, mean, vol, float(log_likelihood), x.size, n)


def _log_returns(returns: Any) -> np.ndarray:
    """Per-period log returns (N,) of simple returns, after the shared input rules."""
    labels = getattr(returns, "index", None)
    values = np.asarray(returns, dtype=float)
    if values.ndim != 1:
        raise ValueError(f"returns must be 1-D (one asset's series); got shape {values.shape}")
    missing = np.isnan(values)
    first = int(np.argmin(missing)) if not missing.all() else values.size
    inner = np.flatnonzero(missing[first:])
    if inner.size:
        position = first + int(inner[0])
        label = f" (index label {labels[position]!r})" if labels is not None else ""
        raise ValueError(
            f"returns has a NaN at position {position}{label} after its first value; only "
            "leading NaN (before an asset existed) are allowed"
        )
    values = values[first:]
    if values.size < MIN_OBSERVATIONS:
        raise ValueError(
            f"returns has {values.size} observations (after dropping leading NaN); at least "
            f"{MIN_OBSERVATIONS} are needed"
        )
    bad = np.flatnonzero(~np.isfinite(values) | (values <= -1.0))
    if bad.size:
        position = first + int(bad[0])
        raise ValueError(
            f"returns must be finite simple returns > -1; got {values[bad[0]]} at position "
            f"{position}"
        )
    return np.log1p(values)


def _periods(periods_per_year: int) -> int:
    if isinstance(periods_per_year, bool) or int(periods_per_year) != periods_per_year:
        raise ValueError(f"periods_per_year must be an integer >= 1; got {periods_per_year!r}")
    if periods_per_year < 1:
        raise ValueError(f"periods_per_year must be an integer >= 1; got {periods_per_year}")
    return int(periods_per_year)


def _robust_center_scale(x: np.ndarray) -> tuple[float, float]:
    """Median and a positive spread (1.4826 MAD, else the sd) to standardize ``x``."""
    center = float(np.median(x))
    spread = _MAD_TO_SD * float(np.median(np.abs(x - center)))
    if not spread > 0:
        spread = float(np.std(x))
    if not spread > 0:
        raise ValueError("returns are constant: a distribution cannot be fitted")
    return center, spread


def _annual(log_gross: float, log_second: float) -> tuple[float, float]:
    """Annual mean and sd of simple returns from ``ln E[G]`` and ``ln E[G^2]``."""
    mean = float(np.expm1(log_gross))
    # Var = E[G^2] - E[G]^2 = E[G]^2 (exp(ln E[G^2] - 2 ln E[G]) - 1), without cancellation.
    vol = float(np.exp(log_gross) * np.sqrt(max(np.expm1(log_second - 2 * log_gross), 0.0)))
    return mean, vol


def _threshold_jumps(z: np.ndarray, threshold: float) -> tuple[float, float, float, float, float]:
    """Threshold separation (see :func:`fit_merton_jump`): ``m, s, lam, j_m, j_v``."""
    c = threshold
    cut_sd = np.sqrt(1.0 - 2.0 * c * stats.norm.pdf(c) / (2.0 * stats.norm.cdf(c) - 1.0))
    m, s = float(np.median(z)), _MAD_TO_SD * float(np.median(np.abs(z - np.median(z))))
    jumps = np.zeros(z.size, dtype=bool)
    for _ in range(50):
        new = np.abs(z - m) > c * s
        if new.all() or (~new).sum() < 2:
            break
        m = float(np.mean(z[~new]))
        s = float(np.std(z[~new], ddof=1)) / cut_sd
        if np.array_equal(new, jumps):
            break
        jumps = new
    lam = float(jumps.mean())
    if jumps.sum() >= 2:
        jm = float(np.mean(z[jumps] - m))
        jv = float(np.sqrt(max(float(np.var(z[jumps], ddof=1)) - s * s, 0.0)))
    elif jumps.sum() == 1:
        jm, jv = float(z[jumps][0] - m), 0.0
    else:
        lam, jm, jv = 1.0 / z.size, -c * s, s  # no jump seen: a rare, moderate start
    return m, max(s, 1e-6), lam, jm, jv


def _merton_log_likelihood(
    z: np.ndarray, m: float, log_s: float, lam: float, jm: float, jv: float
) -> float:
    """``sum_t ln f(z_t)`` of the Merton mixture density (see :func:`fit_merton_jump`)."""
    return _merton_objective(np.array([m, log_s, lam, jm, jv]), z)[0]


def _merton_objective(theta: np.ndarray, z: np.ndarray) -> tuple[float, np.ndarray]:
    """Log-likelihood and its gradient in ``(m, ln s, lam, j_m, j_v)``."""
    m, log_s, lam, jm, jv = (float(v) for v in theta)
    k = np.arange(_MAX_JUMPS + 1, dtype=float)
    if lam > 0:
        log_weights = stats.poisson.logpmf(k, lam)
        dweights = k / lam - 1.0
    else:
        log_weights = np.where(k == 0, 0.0, -np.inf)
        dweights = k - 1.0  # the one-sided derivative at 0 is finite only for k <= 1
        dweights[2:] = 0.0
    s2 = np.exp(2.0 * log_s)
    variance = s2 + k * jv * jv
    dev = z[:, None] - (m + k * jm)[None, :]
    scaled = dev / variance
    log_terms = log_weights - 0.5 * (np.log(2.0 * np.pi * variance) + dev * scaled)
    log_f = special.logsumexp(log_terms, axis=1)
    weights = np.exp(log_terms - log_f[:, None])  # P(k jumps | z_t)
    dvar = 0.5 * (scaled * scaled - 1.0 / variance)  # d term / d variance
    gradient = np.array(
        [
            np.sum(weights * scaled),
            np.sum(weights * dvar) * 2.0 * s2,
            np.sum(weights * dweights),
            np.sum(weights * scaled * k),
            np.sum(weights * dvar * k) * 2.0 * jv,
        ]
    )
    return float(np.sum(log_f)), gradient


def _garch_log_likelihood(r: np.ndarray, alpha: float, beta: float, df: float) -> float:
    """Standardized-t GARCH(1,1) log-likelihood of unit-variance residuals ``r`` (N,)."""
    r2 = r * r
    h = np.empty_like(r)
    h[0] = 1.0
    # h_t - beta h_{t-1} = omega + alpha r_{t-1}^2: a first-order recursive filter.
    drive = (1.0 - alpha - beta) + alpha * r2[:-1]
    h[1:] = signal.lfilter([1.0], [1.0, -beta], drive, zi=[beta * h[0]])[0]
    const = (
        special.gammaln((df + 1.0) / 2.0)
        - special.gammaln(df / 2.0)
        - 0.5 * np.log(np.pi * (df - 2.0))
    )
    terms = -0.5 * np.log(h) - 0.5 * (df + 1.0) * np.log1p(r2 / (h * (df - 2.0)))
    return float(r.size * const + np.sum(terms))
