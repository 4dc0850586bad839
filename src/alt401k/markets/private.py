"""Private assets: appraisal smoothing, default losses and liquidity sleeves.

Three array-level transforms that :meth:`alt401k.markets.MarketModel.sample`
applies, in this order, to the per-period simple returns of an asset whose
:class:`~alt401k.markets.model.AssetClass` asks for them, after the return
model and the ruin hazard:

1. **Default losses** (:func:`apply_default_losses`, ``default_rate > 0``):
   private credit loses part of its loans each period. The loss is a
   multiplicative factor ``1 - L_t``; the pre-default return is raised so
   that the stated ``expected_return`` stays the total, losses included.
2. **Appraisal smoothing** (:func:`smooth_returns`, ``smoothing > 0``): the
   fund reports a net asset value (NAV) from appraisals that lag the market
   (Geltner's AR(1)). The true series is kept as
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
    "smooth_returns",
    "smoothed_volatility_factor",
]


def smooth_returns(returns: np.ndarray, smoothing: float) -> np.ndarray:
    """Geltner appraisal smoothing of per-period simple returns.

    Parameters
    ----------
    returns : ndarray, shape (S, T)
        True (economic) per-period simple returns, fraction per period.
    smoothing : float
        The AR(1) coefficient ``phi`` in [0, 1): the weight of last period's
        reported return in this period's.

    Returns
    -------
    ndarray, shape (S, T), float64
        Reported (NAV) returns, a new array.

    Notes
    -----
    .. math::

        \\tilde r_t = (1 - \\phi)\\, r_t + \\phi\\, \\tilde r_{t-1}, \\qquad
        \\tilde r_{-1} = r_0 ,

    so ``reported_0 = true_0``: the first period is reported at its true
    value (no appraisal history before the path starts). The mean is
    unchanged, ``E[r~_t] = E[r_t]``; for iid true returns the stationary
    per-period standard deviation is ``sqrt((1 - phi) / (1 + phi))`` times
    the true one (:func:`smoothed_volatility_factor`) and the lag-1
    autocorrelation is ``phi``: measured volatility understates risk, and
    correlations with public assets look lower than they are. Over a year
    the understatement is smaller (the lagged moves land in later periods).
    The recursion loops over time only, row-wise, so chunking never changes
    the bits.
    """
    phi = float(smoothing)
    out = np.empty_like(returns, dtype=np.float64)
    if returns.shape[1] == 0:
        return out
    keep = 1.0 - phi
    out[:, 0] = returns[:, 0]
    for t in range(1, returns.shape[1]):
        np.multiply(returns[:, t], keep, out=out[:, t])
        out[:, t] += phi * out[:, t - 1]
    return out


def smoothed_volatility_factor(smoothing: float) -> float:
    """Stationary per-period sd of reported over true returns, ``sqrt((1 - phi) / (1 + phi))``."""
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
    default rate and 60% loss given default).
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
