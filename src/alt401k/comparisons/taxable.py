"""The same saving in a taxable brokerage account: :func:`taxable_account`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from .._validation import check_int
from ._common import (
    _SHORTFALL_TOL,
    _as_paths,
    _check_taxable_rates,
)

__all__ = ["TaxableAccountPaths", "taxable_account"]


@dataclass(frozen=True, eq=False)
class TaxableAccountPaths:
    """A taxable brokerage account year by year, nominal dollars, (S, Y) arrays.

    Attributes
    ----------
    balance, basis : ndarray, shape (S, Y)
        Market value and cost basis at each year end.
    dividend_tax : ndarray, shape (S, Y)
        Tax on the year's dividends.
    gains_tax : ndarray, shape (S, Y)
        Tax on gains realised by turnover and by withdrawals.
    withdrawn : ndarray, shape (S, Y)
        After-tax cash paid out at the start of the year.
    shortfall : ndarray, shape (S, Y)
        Requested after-tax cash that the account could not pay.
    capital_gains_rate : float
        Rate used to value the account after tax (:attr:`liquidation_value`).
    """

    balance: np.ndarray
    basis: np.ndarray
    dividend_tax: np.ndarray
    gains_tax: np.ndarray
    withdrawn: np.ndarray
    shortfall: np.ndarray
    capital_gains_rate: float

    @property
    def taxes(self) -> np.ndarray:
        """All tax paid each year (dividends and realised gains), (S, Y) dollars."""
        return self.dividend_tax + self.gains_tax

    @property
    def liquidation_value(self) -> np.ndarray:
        """After-tax value if sold at each year end, (S, Y) dollars.

        ``balance - capital_gains_rate * max(balance - basis, 0)``.
        """
        return self.balance - self.capital_gains_rate * np.maximum(self.balance - self.basis, 0.0)

    @property
    def after_tax_value(self) -> np.ndarray:
        """After-tax liquidation value at the last year end, (S,) dollars."""
        return self.liquidation_value[:, -1]

    @property
    def ran_out(self) -> np.ndarray:
        """1.0 where a requested withdrawal went unpaid, else 0.0, (S,)."""
        return (self.shortfall > 0).any(axis=1).astype(float)


def taxable_account(
    contributions: Any,
    returns: Any,
    *,
    periods_per_year: int = 1,
    contribution_timing: Literal["start", "period_ends"] = "start",
    withdrawals: Any = None,
    dividend_yield: float = 0.02,
    dividend_tax_rate: float = 0.15,
    turnover: float = 0.10,
    capital_gains_rate: float = 0.15,
) -> TaxableAccountPaths:
    r"""The same saving in a taxable brokerage account, vectorized over scenarios.

    Parameters
    ----------
    contributions : array_like, shape (Y,) or (S, Y)
        Dollars added in each year, >= 0 (a (Y,) schedule is the same in
        every scenario), when ``contribution_timing`` says.
    returns : array_like, shape (S, Y * n)
        Total return of the portfolio held in each of the ``n`` periods of
        each year (price change plus distributions, net of fund expenses),
        fraction, > -1; with ``n = 1`` annual returns (S, Y).
    periods_per_year : int
        Periods ``n`` per year in ``returns``, >= 1 (default 1).
    contribution_timing : {"start", "period_ends"}
        ``"start"`` (default): the year's contribution is added at its start.
        ``"period_ends"``: in ``n`` equal parts at the end of each period,
        after its return -- the timing of the plan's own contributions
        (:mod:`alt401k.engine`), so that money saved with each paycheck is
        compared like for like (with ``n = 1``: at the year end).
    withdrawals : array_like, shape (Y,) or (S, Y), optional
        After-tax cash wanted at the start of each year, dollars, >= 0. The
        account sells pro rata (average-cost basis) and pays the gains tax out
        of the sale; what it cannot pay is recorded as ``shortfall``.
    dividend_yield : float
        Distributions as a share of the dollars invested over the year (the
        start-of-year balance plus the year's contributions weighted by the
        time they are invested), [0, 1); default 0.02 (*est.*, a 60/40
        blend). Part of ``returns``, not added.
    dividend_tax_rate : float
        Tax rate on distributions, [0, 1); default 0.15 (qualified
        dividends, IRC 1(h)(11)).
    turnover : float
        Share of unrealised gains realised each year, [0, 1]; default 0.10
        (*est.*).
    capital_gains_rate : float
        Tax rate on realised gains, [0, 1); default 0.15 (long-term, IRC
        1(h)(1)(C)).

    Returns
    -------
    TaxableAccountPaths
        ``balance``, ``basis``, ``dividend_tax``, ``gains_tax``,
        ``withdrawn``, ``shortfall`` (S, Y) dollars, and
        ``after_tax_value`` (S,) dollars.

    Raises
    ------
    ValueError
        A rate outside its range, ``returns`` not 2-D or not above -1,
        ``periods_per_year`` not a positive integer dividing the periods of
        ``returns``, an unknown ``contribution_timing``, negative or
        non-finite dollars, or shapes that do not match.

    Notes
    -----
    Balance :math:`B`, basis :math:`K`, contribution :math:`c_t`, after-tax
    withdrawal :math:`x_t`, period returns :math:`r_{t,k}` (:math:`k = 1
    \ldots n`), yield :math:`y`, turnover :math:`\phi`, rates
    :math:`\tau_d, \tau_g`. Each year, at its start (with ``"start"``
    timing the contribution first: :math:`B \leftarrow B + c_t`,
    :math:`K \leftarrow K + c_t`)

    .. math::

        g &= (B - K)^+ / B, \quad
            W = \min\bigl(x_t / (1 - \tau_g g),\ B\bigr) \\
        K &\leftarrow K (1 - W/B), \quad B \leftarrow B - W,
            \quad \text{tax } \tau_g g W, \ \text{paid } W (1 - \tau_g g)

    then over the year, with ``"period_ends"`` timing
    :math:`G = B \to G (1 + r_{t,k}) + c_t / n` period by period (the
    engine's recursion), else :math:`G = B \prod_k (1 + r_{t,k})`, and the
    time-weighted dollars invested :math:`I = B + c_t (n - 1) / (2n)`
    (``"period_ends"``) or :math:`I = B`,

    .. math::

        D &= y I, \quad T_d = \tau_d D \\
        V &= G - T_d, \quad K \leftarrow K + c_t^{\text{(period ends)}} + D - T_d \\
        R &= \phi\,(V - K)^+, \quad T_g = \tau_g R \\
        B &\leftarrow V - T_g, \quad K \leftarrow K + R - T_g

    (dividends are reinvested net of tax; realised gains are sold and
    rebought, the tax paid from the proceeds). At the end,
    :math:`L = B - \tau_g (B - K)^+`. With all rates zero and ``"start"``
    timing, :math:`B_t = (B_{t-1} + c_t)(1 + r_t)`; with ``"period_ends"``
    the balance is the plan's own recursion on the same returns, so with
    no tax it equals a plan account fed the same contributions.

    Simplifications: one flat rate each for distributions and gains (no 0% /
    20% brackets, no 3.8% NIIT, no state tax, bond interest taxed as
    qualified dividends); losses are never realised or deducted; the basis is
    the average cost.
    """
    rates = _check_taxable_rates(
        {
            "dividend_yield": dividend_yield,
            "dividend_tax_rate": dividend_tax_rate,
            "turnover": turnover,
            "capital_gains_rate": capital_gains_rate,
        }
    )
    r = np.asarray(returns, dtype=np.float64)
    if r.ndim != 2:
        raise ValueError(
            f"returns must have shape (n_scenarios, n_years * periods_per_year); got {r.shape}"
        )
    n = check_int("periods_per_year", periods_per_year, low=1)
    if r.shape[1] % n:
        raise ValueError(
            f"periods_per_year must divide the {r.shape[1]} periods of returns; got {n}"
        )
    if contribution_timing not in ("start", "period_ends"):
        raise ValueError(
            f"contribution_timing must be 'start' or 'period_ends'; got {contribution_timing!r}"
        )
    at_period_ends = contribution_timing == "period_ends"
    if not np.all(np.isfinite(r)) or np.any(r <= -1.0):
        bad = float(r[~(np.isfinite(r) & (r > -1.0))].flat[0])
        raise ValueError(f"returns must be finite fractions > -1; got {bad!r}")
    shape = (r.shape[0], r.shape[1] // n)
    c = _as_paths("contributions", contributions, shape)
    want = None if withdrawals is None else _as_paths("withdrawals", withdrawals, shape)
    y, t_div = rates["dividend_yield"], rates["dividend_tax_rate"]
    phi, t_cg = rates["turnover"], rates["capital_gains_rate"]

    out = {
        name: np.zeros(shape)
        for name in ("balance", "basis", "dividend_tax", "gains_tax", "withdrawn", "shortfall")
    }
    bal = np.zeros(shape[0])
    basis = np.zeros(shape[0])
    for t in range(shape[1]):
        if not at_period_ends:
            bal = bal + c[:, t]
            basis = basis + c[:, t]
        sale_tax = np.zeros_like(bal)
        if want is not None:
            held = bal > 0.0
            gain_share = np.divide(
                np.maximum(bal - basis, 0.0), bal, out=np.zeros_like(bal), where=held
            )
            gross = np.minimum(want[:, t] / (1.0 - t_cg * gain_share), bal)
            sale_tax = t_cg * gain_share * gross
            kept = np.divide(bal - gross, bal, out=np.zeros_like(bal), where=held)
            basis = basis * kept
            bal = bal - gross
            paid = gross - sale_tax
            short = want[:, t] - paid
            out["withdrawn"][:, t] = paid
            out["shortfall"][:, t] = np.where(short > _SHORTFALL_TOL, short, 0.0)
        grown = bal
        added = c[:, t] / n if at_period_ends else 0.0
        for k in range(t * n, (t + 1) * n):
            grown = grown * (1.0 + r[:, k]) + added
        invested = bal + c[:, t] * (n - 1) / (2 * n) if at_period_ends else bal
        dividend = y * invested
        div_tax = t_div * dividend
        value = grown - div_tax
        basis = basis + (c[:, t] if at_period_ends else 0.0) + dividend - div_tax
        realised = phi * np.maximum(value - basis, 0.0)
        gain_tax = t_cg * realised
        bal = value - gain_tax
        basis = basis + realised - gain_tax
        out["balance"][:, t] = bal
        out["basis"][:, t] = basis
        out["dividend_tax"][:, t] = div_tax
        out["gains_tax"][:, t] = gain_tax + sale_tax
    return TaxableAccountPaths(**out, capital_gains_rate=t_cg)
