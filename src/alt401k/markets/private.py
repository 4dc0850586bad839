"""Private assets: appraisal smoothing, default losses and liquidity sleeves.

Three array-level transforms that :meth:`alt401k.markets.MarketModel.sample`
applies, in this order, to the per-period simple returns of an asset whose
:class:`~alt401k.markets.model.AssetClass` asks for them, after the return
model and the ruin hazard:

1. **Default losses** (:func:`apply_default_losses`, ``default_rate > 0``):
   private credit loses part of its loans each period. The loss is a
   multiplicative factor ``1 - L_t``; the pre-default return is raised so
   that the stated ``expected_return`` stays the total, losses included,
   and drawn with a lower volatility (:func:`pre_default_volatility`) so
   that the stated ``volatility`` is the total too, as in every other
   return model. The losses are independent of the markets, so the
   correlation of the total with other assets is the stated one times
   ``sigma_pre / sigma`` (0.93 for direct lending at 14% with a 6% default
   rate, 60% loss given default and the default concentration 0.1).
2. **Appraisal smoothing** (:func:`smooth_returns`, ``smoothing > 0``): the
   fund reports a net asset value (NAV) from appraisals that lag the market
   (Geltner's AR(1), applied to the log value level, so the reported value
   tracks the economic one in the long run). The true series is kept as
   ``ReturnPaths.economic_returns``; balances use the reported one.
3. **Liquidity sleeve** (:func:`blend_liquidity`, ``liquidity_share > 0``):
   a semi-liquid fund holds a share ``c`` in a liquid asset (cash) to meet
   redemptions, rebalanced inside the fund every period, so the fund's
   return is ``(1 - c) r_asset + c r_cash``: for the reported series with
   the smoothed ``r_asset`` (cash is marked to market, not appraised), for
   the economic series with the true one.

Sources: CALIBRATION.md (Fitch private-credit default rate 6.0% in June
2026; redemption caps of 5% of NAV a quarter; the LTCMA's private-asset
volatilities are de-smoothed, i.e. economic, which is why smoothing is
applied on top of them rather than assumed in them).
"""

from __future__ import annotations

import numpy as np
from scipy import stats  # type: ignore[import-untyped]  # scipy ships no stubs

__all__ = [
    "apply_default_losses",
    "blend_liquidity",
    "default_loss_shares",
    "pre_default_volatility",
    "smooth_returns",
    "smoothed_volatility_factor",
]


def smooth_returns(
    returns: np.ndarray, smoothing: float, drift: float | np.ndarray = 0.0
) -> np.ndarray:
    """Geltner appraisal smoothing of an asset's value, from per-period simple returns.

    Parameters
    ----------
    returns : ndarray, shape (S, T)
        True (economic) per-period simple returns, fraction per period, > -1
        (-1, a total loss, is allowed: nothing is reported after it).
    smoothing : float
        The AR(1) coefficient ``phi`` in [0, 1): the weight of last period's
        appraisal (rolled forward) in this period's.
    drift : float or ndarray of shape (S,)
        Per-period log growth ``c`` at which the appraiser rolls the last
        appraisal forward, log-units per period: ``ln(1 + mu) / n`` for an
        asset with arithmetic annual mean ``mu`` and ``n`` periods a year
        (what :meth:`~alt401k.markets.MarketModel.sample` passes), per
        scenario when the mean is drawn. Default 0.

    Returns
    -------
    ndarray, shape (S, T), float64
        Reported (NAV) per-period simple returns, a new array.

    Notes
    -----
    The smoothing acts on the log value level, not on simple returns. With
    ``V_t`` the economic value after period ``t``, ``x_t = ln(1 + r_t)``,
    and ``V^_t`` the reported value, both starting at the same value:

    .. math::

        \\ln \\hat V_t = (1 - \\phi) \\ln V_t + \\phi\\,(\\ln \\hat V_{t-1} + c), \\qquad
        \\hat V_{-1} = V_{-1},

    i.e. the appraiser blends this period's market evidence with the last
    appraisal grown at the expected rate. Equivalently the reported log
    return is ``x~_t = (1 - phi)(x_t - g_{t-1}) + phi c``, where the gap
    ``g_t = ln V^_t - ln V_t`` follows ``g_t = phi (g_{t-1} + c - x_t)``:
    a stationary AR(1), so the reported value never drifts away from the
    economic one. For iid true log returns of mean ``m`` and variance
    ``s^2`` (the lognormal model: ``c - m = s^2 / 2``), far from the start:

    * reported log returns have the mean ``m``, standard deviation
      ``sqrt((1 - phi) / (1 + phi))`` times ``s``
      (:func:`smoothed_volatility_factor`) and lag-1 autocorrelation ``phi``;
    * after ``T`` periods the ratio of reported to economic value is
      lognormal with median ``exp(s^2 A / 2)`` and the expected reported
      value is ``E[V_T] exp(s^2 (B - A) / 2)``, where
      ``A = sum_{j=1..T} phi^j`` and ``B = sum_{j=1..T} phi^(2j)``
      (``A -> phi / (1 - phi)``, ``B - A -> -phi / (1 - phi^2)``): for
      private equity (11.9%, 19.8%) monthly at ``phi = 0.6``, a median
      ratio of 1.0019 and an expected value 0.12% below the economic one,
      at any horizon -- the stated mean is the reported value's growth rate;
    * the arithmetic mean of a year's reported return is
      ``(1 + mu) exp(-s^2 phi (1 - phi^n) / (1 - phi^2)) - 1``, below the
      stated ``mu`` (11.63% instead of 11.9% for private equity at
      ``phi = 0.6``, 11.81% at 0.3): smoothing hides part of a year's
      variance and carries it into later years, so reported years are
      positively autocorrelated and their arithmetic mean understates the
      compound growth they add up to.

    A total loss (``r_t = -1``) is reported in the same period; later
    reported returns are 0. The recursion loops over time only, row-wise,
    so chunking never changes the bits.
    """
    phi = float(smoothing)
    n_scenarios, n_periods = returns.shape
    out = np.empty((n_scenarios, n_periods), dtype=np.float64)
    if n_periods == 0:
        return out
    keep = 1.0 - phi
    rolled = phi * np.broadcast_to(np.asarray(drift, dtype=np.float64), (n_scenarios,))
    gap = np.zeros(n_scenarios)
    with np.errstate(divide="ignore", invalid="ignore"):
        x = np.log1p(np.ascontiguousarray(returns))
        for t in range(n_periods):
            step = out[:, t]
            np.subtract(x[:, t], gap, out=step)
            step *= keep
            step += rolled
            gap += step
            gap -= x[:, t]
        np.expm1(out, out=out)
    # After a total loss both values are 0: the gap is undefined (NaN) and nothing moves.
    out[np.isnan(out)] = 0.0
    return out


def smoothed_volatility_factor(smoothing: float) -> float:
    """Stationary per-period sd of reported over true log returns: ``sqrt((1 - phi) / (1 + phi))``.

    Stationary means far from the start of a path (``phi^(2t)`` negligible).
    """
    phi = float(smoothing)
    return float(np.sqrt((1.0 - phi) / (1.0 + phi)))


def default_loss_shares(
    uniforms: np.ndarray,
    default_rate: float,
    periods_per_year: int,
    default_correlation: float,
) -> np.ndarray:
    """Share of the loan book defaulting in each period, by the Beta inverse CDF.

    Parameters
    ----------
    uniforms : ndarray, any shape
        Uniforms on [0, 1), one per period.
    default_rate : float
        Yearly default rate, fraction of the book, in [0, 1].
    periods_per_year : int
        Periods per year ``n``.
    default_correlation : float
        Concentration ``rho`` in [0, 1): 0 gives the mean share every period
        (a perfectly granular book), larger values lumpier losses.

    Returns
    -------
    ndarray, same shape, in [0, 1]
        ``D_t ~ Beta(a, b)`` with mean ``p = default_rate / n`` and variance
        ``p (1 - p) rho``: ``a = p (1 - rho) / rho``, ``b = (1 - p) (1 - rho) / rho``
        (the Beta whose "intra-class correlation" is ``rho``, a Vasicek-like
        dependence between the loans' defaults).
    """
    p = min(default_rate / periods_per_year, 1.0)
    u = np.asarray(uniforms, dtype=np.float64)
    if p <= 0.0:
        return np.zeros(u.shape)
    if default_correlation <= 0.0 or p >= 1.0:
        return np.full(u.shape, p)
    scale = (1.0 - default_correlation) / default_correlation
    shares = stats.beta.ppf(u, p * scale, (1.0 - p) * scale)
    return np.asarray(shares, dtype=np.float64).reshape(u.shape)


def pre_default_volatility(
    volatility: float | np.ndarray,
    expected_return: float | np.ndarray,
    default_rate: float,
    loss_given_default: float,
    default_correlation: float,
    periods_per_year: int,
    *,
    name: str = "asset",
) -> np.ndarray:
    """Annual volatility of the return before default losses, so that the total has ``volatility``.

    Parameters
    ----------
    volatility : float or ndarray
        Stated annual volatility of the total simple return (losses
        included), fraction per year, >= 0.
    expected_return : float or ndarray, broadcastable with ``volatility``
        Stated arithmetic annual mean ``mu`` (losses included), fraction.
    default_rate, loss_given_default, default_correlation, periods_per_year
        As in :func:`default_loss_shares` and :func:`apply_default_losses`.
    name : str
        The asset's name, for the error message.

    Returns
    -------
    ndarray, the broadcast shape of the inputs
        ``sigma_pre``, fraction per year.

    Raises
    ------
    ValueError
        If the default losses alone have a larger annual volatility than the
        stated total.

    Notes
    -----
    The loss factors ``(1 - L_t) / (1 - ell)`` are iid with mean 1 and
    variance ``w = LGD^2 p (1 - p) rho / (1 - ell)^2`` (``p = default_rate /
    n``), independent of the pre-default annual gross return ``G``, so the
    total ``G_tot`` has ``E[G_tot] = E[G] = 1 + mu`` and
    ``E[G_tot^2] = E[G^2] kappa`` with ``kappa = (1 + w)^n``. With
    ``v = sigma / (1 + mu)`` the pre-default volatility is

    .. math::

        \\sigma_{\\text{pre}} = (1 + \\mu) \\sqrt{(1 + v^2) / \\kappa - 1} .

    Direct lending (8.6%, 14.0%) with a 6% default rate, 60% loss given
    default and ``rho = 0.1``, monthly: ``sigma_pre`` = 13.05%.
    """
    n = int(periods_per_year)
    p = min(default_rate / n, 1.0)
    expected_loss = loss_given_default * p
    if p <= 0.0 or default_correlation <= 0.0 or p >= 1.0 or expected_loss >= 1.0:
        variance = 0.0  # every period loses exactly the mean: no added variance
    else:
        variance = loss_given_default**2 * p * (1.0 - p) * default_correlation
        variance /= (1.0 - expected_loss) ** 2
    kappa = (1.0 + variance) ** n
    gross = 1.0 + np.asarray(expected_return, dtype=np.float64)
    v = np.asarray(volatility, dtype=np.float64) / gross
    pre_squared = (1.0 + v * v) / kappa - 1.0
    if np.any(pre_squared < 0.0):
        alone = float(np.max(gross * np.sqrt(kappa - 1.0)))
        raise ValueError(
            f"default losses of {name!r} (default_rate={default_rate}, loss_given_default="
            f"{loss_given_default}, default_correlation={default_correlation}) alone have an "
            f"annual volatility of {alone:.4g}, above its stated volatility "
            f"{float(np.min(volatility)):.4g}, which includes them: raise the volatility or "
            "lower default_correlation"
        )
    return np.asarray(gross * np.sqrt(pre_squared), dtype=np.float64)


def apply_default_losses(
    returns: np.ndarray,
    shares: np.ndarray,
    loss_given_default: float,
    default_rate: float,
    periods_per_year: int,
) -> None:
    """Apply default losses to per-period simple returns, in place.

    Parameters
    ----------
    returns : ndarray, shape (S, T)
        Returns before defaults (changed in place), fraction per period.
    shares : ndarray, shape (S, T)
        Share of the book defaulting each period (:func:`default_loss_shares`).
    loss_given_default : float
        Fraction of a defaulted loan lost, in (0, 1].
    default_rate, periods_per_year
        As in :func:`default_loss_shares`; set the expected loss.

    Notes
    -----
    With ``L_t = LGD D_t`` and expected loss ``ell = LGD p`` (``p =
    default_rate / n``):

    .. math::

        1 + r^{\\text{total}}_t = \\frac{1 + r_t}{1 - \\ell}\\,(1 - L_t),

    so ``E[1 + r^total_t] = E[1 + r_t]`` exactly (the losses are independent
    of the market draw): the stated expected return is the total, losses
    included, and the pre-default return is raised by the expected loss
    (a factor ``1 / (1 - ell)`` per period, about 0.3% a month for a 6%
    default rate and 60% loss given default). The losses add variance, so
    :meth:`~alt401k.markets.MarketModel.sample` draws ``r_t`` at the
    volatility :func:`pre_default_volatility`, which makes the stated
    volatility the total as well.
    """
    expected_loss = loss_given_default * min(default_rate / periods_per_year, 1.0)
    gross = returns + 1.0
    gross *= 1.0 - loss_given_default * shares
    if expected_loss < 1.0:
        gross /= 1.0 - expected_loss
    np.subtract(gross, 1.0, out=returns)


def blend_liquidity(
    returns: np.ndarray, liquid_returns: np.ndarray, liquidity_share: float
) -> np.ndarray:
    """A fund's return with a share held in a liquid asset: ``(1 - c) r + c r_cash``.

    Parameters
    ----------
    returns : ndarray, shape (S, T)
        The illiquid holdings' per-period simple returns.
    liquid_returns : ndarray, shape (S, T)
        The liquid asset's per-period simple returns (same draw).
    liquidity_share : float
        Share ``c`` in [0, 1) held liquid, rebalanced every period inside the fund.

    Returns
    -------
    ndarray, shape (S, T), a new array
    """
    c = float(liquidity_share)
    return (1.0 - c) * returns + c * liquid_returns
