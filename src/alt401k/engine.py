"""The kernel: time loops over arrays. Nothing here knows about pydantic or RNGs.

Two kernels share the conventions (axis order (S, T, ...) for paths and
(S, P, ...) for state, money in nominal dollars, per-period rates):

* :func:`simulate_accounts` — participant cells whose holdings are rebalanced
  to target weights every period. Because the mix is restored each period, a
  cell's portfolio return is a weighted sum of asset returns, computed for
  every period by one stacked product before the loop; the loop carries only
  the balance and its Roth part, which earn the same return.
* :func:`simulate_pool` — the aggregate DC pool with one alternative asset,
  whose share drifts with relative performance between rebalancing dates, so
  the loop carries holdings and records the flows into the asset by cause.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = [
    "POOL_COMPONENTS",
    "AccountPaths",
    "AccountSchedule",
    "PoolPaths",
    "PoolSchedule",
    "simulate_accounts",
    "simulate_pool",
]


@dataclass(frozen=True)
class AccountSchedule:
    """Deterministic inputs of :func:`simulate_accounts`.

    Attributes
    ----------
    weights : ndarray, shape (P, A)
        Target weights of each cell, rows summing to 1.
    expense_ratio : ndarray, shape (A,)
        Annual expense ratio of each asset, fraction.
    contributions : ndarray, shape (Y, P, 3)
        Annual contributions by source (employee pre-tax, employee Roth,
        employer), dollars; spread evenly over the year's periods.
    flat_fee : ndarray, shape (P,)
        Annual per-participant fee, dollars, spread evenly; never more than
        the balance.
    balance0 : ndarray, shape (P, 2)
        Opening balance by tax source (pre-tax incl. employer, Roth), dollars.
    periods_per_year : int
        Periods per year n; the return paths have T = Y * n periods.
    """

    weights: np.ndarray
    expense_ratio: np.ndarray
    contributions: np.ndarray
    flat_fee: np.ndarray
    balance0: np.ndarray
    periods_per_year: int


@dataclass(frozen=True)
class AccountPaths:
    """Year-end outputs of :func:`simulate_accounts`, each of shape (S, Y, P), dollars.

    ``balance_end`` is the total; ``roth_balance_end`` its Roth part;
    ``investment_return`` is the market gain on the account, gross of
    expenses; ``fees`` are expense-ratio charges plus flat fees.
    """

    balance_end: np.ndarray
    roth_balance_end: np.ndarray
    investment_return: np.ndarray
    fees: np.ndarray


def simulate_accounts(returns: np.ndarray, schedule: AccountSchedule) -> AccountPaths:
    """Roll participant accounts forward over return paths.

    Parameters
    ----------
    returns : ndarray, shape (S, T, A)
        Per-period simple returns.
    schedule : AccountSchedule
        Weights, fees, contributions and opening balances for P cells.

    Returns
    -------
    AccountPaths
        Year-end balances and yearly sums of returns and fees, (S, Y, P).

    Notes
    -----
    With balance :math:`B_t` (by source) at the start of period t, portfolio
    return :math:`\\rho_t = \\sum_a w_a r_{t,a}` and expense rate
    :math:`\\phi_t = \\sum_a w_a (1 + r_{t,a}) e_a / n` (expenses accrue on the
    end-of-period value), flat fee :math:`k_t = \\min(k / n, B_t(1 + \\rho_t - \\phi_t))`
    taken pro rata from the sources, and contribution :math:`c_t`:

    .. math:: B_{t+1} = B_t (1 + \\rho_t - \\phi_t) - k_t + c_t

    Every term is recorded, so the year's balance change equals contributions
    + investment return - fees to rounding.
    """
    n_scenarios, n_periods, n_assets = returns.shape
    n = schedule.periods_per_year
    weights = np.asarray(schedule.weights, dtype=float)
    n_cells = weights.shape[0]
    n_years = schedule.contributions.shape[0]
    if n_periods != n_years * n:
        raise ValueError(
            f"returns have {n_periods} periods; expected {n_years} years x {n} periods per year"
        )
    if weights.shape != (n_cells, n_assets):
        raise ValueError(f"weights must have shape ({n_cells}, {n_assets}); got {weights.shape}")

    period_expense = np.asarray(schedule.expense_ratio, dtype=float) / n
    fee_weights = weights * period_expense[None, :]
    # One product gives each cell's portfolio return and expense rate.
    loadings = np.concatenate([weights.T, fee_weights.T], axis=1)
    base_expense = fee_weights.sum(axis=1)

    contrib = np.asarray(schedule.contributions, dtype=float) / n
    contrib_total = contrib.sum(axis=-1)
    contrib_roth = contrib[..., 1]
    flat_fee = np.asarray(schedule.flat_fee, dtype=float) / n
    charge_flat = bool(np.any(flat_fee > 0))

    shape = (n_scenarios, n_cells)
    balance = np.broadcast_to(schedule.balance0.sum(axis=-1), shape).astype(float, copy=True)
    roth = np.broadcast_to(schedule.balance0[:, 1], shape).astype(float, copy=True)
    # Year-major accumulators keep each year's slice contiguous.
    out_balance = np.empty((n_years, *shape))
    out_roth = np.empty((n_years, *shape))
    out_return = np.zeros((n_years, *shape))
    out_fees = np.zeros((n_years, *shape))
    # Every period's portfolio return and expense rate, period-major so that
    # each period's slice is contiguous in the loop. A stacked product runs one
    # (T, A) x (A, 2P) product per scenario: the same arithmetic whatever the
    # chunk size (one 2-D product over all rows would not be; BLAS picks
    # kernels by row count).
    rates = np.ascontiguousarray(np.matmul(returns, loadings).transpose(1, 0, 2))
    growth_all = rates[..., :n_cells]
    expense_all = rates[..., n_cells:]
    expense_all += base_expense
    # Both tax sources earn the same net return: the Roth part scales by this factor.
    factor_all = 1.0 + growth_all - expense_all
    gain = np.empty(shape)
    charge = np.empty(shape)
    flat = np.empty(shape)
    share = np.zeros(shape)

    for t in range(n_periods):
        year = t // n
        np.multiply(balance, growth_all[t], out=gain)
        np.multiply(balance, expense_all[t], out=charge)
        out_return[year] += gain
        out_fees[year] += charge
        roth *= factor_all[t]
        balance += gain
        balance -= charge
        if charge_flat:
            np.minimum(flat_fee, balance, out=flat)
            share.fill(0.0)
            np.divide(flat, balance, out=share, where=balance > 0)
            roth -= roth * share
            balance -= flat
            out_fees[year] += flat
        balance += contrib_total[year]
        roth += contrib_roth[year]
        if (t + 1) % n == 0:
            out_balance[year] = balance
            out_roth[year] = roth
    out_balance, out_roth, out_return, out_fees = (
        np.moveaxis(a, 0, 1) for a in (out_balance, out_roth, out_return, out_fees)
    )
    return AccountPaths(out_balance, out_roth, out_return, out_fees)


#: Causes of flows into the alternative asset, in the order of ``PoolPaths.flows``.
POOL_COMPONENTS = ("reallocation", "contributions", "distributions", "rebalancing")


@dataclass(frozen=True)
class PoolSchedule:
    """Inputs of :func:`simulate_pool` besides the return paths.

    Attributes
    ----------
    pool_assets : float
        Pool size at the start, dollars.
    participation : ndarray, shape (T,) or (S, T)
        Share of pool assets whose owners hold the asset (offered and opted
        in) during each period; non-decreasing in v1, in [0, 1].
    allocation_share : float or ndarray of shape (S,)
        Target share of a participating balance held in the asset.
    contributions : ndarray, shape (T,)
        Gross contributions into the whole pool per period, dollars.
    distribution_rate : float
        Share of every holding paid out per period (distributions, rollovers).
    rebalance_every : int
        Periods between rebalancing trades back to ``allocation_share``; 0 for never.
    asset_expense, core_expense : float
        Expense ratios per period of the asset and of the rest of the pool.
    periods_per_year : int
        Periods per year n.
    """

    pool_assets: float
    participation: np.ndarray
    allocation_share: float | np.ndarray
    contributions: np.ndarray
    distribution_rate: float
    rebalance_every: int
    asset_expense: float
    core_expense: float
    periods_per_year: int


@dataclass(frozen=True)
class PoolPaths:
    """Outputs of :func:`simulate_pool`.

    Attributes
    ----------
    flows : ndarray, shape (S, Y, 4)
        Net purchases of the asset per year by cause (:data:`POOL_COMPONENTS`), dollars.
    asset_return : ndarray, shape (S, Y)
        Market gain on the asset holdings net of expenses, dollars per year.
    holdings : ndarray, shape (S, Y)
        Asset held by the pool at each year end, dollars.
    pool_assets : ndarray, shape (S, Y)
        Whole pool at each year end, dollars.
    """

    flows: np.ndarray
    asset_return: np.ndarray
    holdings: np.ndarray
    pool_assets: np.ndarray


def simulate_pool(
    asset_returns: np.ndarray, core_returns: np.ndarray, schedule: PoolSchedule
) -> PoolPaths:
    """Roll the DC pool forward and record flows into one alternative asset.

    Parameters
    ----------
    asset_returns : ndarray, shape (S, T)
        Per-period simple returns of the alternative asset.
    core_returns : ndarray, shape (S, T)
        Per-period simple returns of the pool's default portfolio.
    schedule : PoolSchedule
        Pool size, participation path, contributions, distributions, rebalancing.

    Returns
    -------
    PoolPaths

    Notes
    -----
    State per scenario: ``X`` asset held by participants, ``Y`` their other
    holdings, ``Z`` non-participants' holdings. Each period t:

    1. adoption: a share :math:`q_t = (\\pi_t - \\pi_{t-1}) / (1 - \\pi_{t-1})`
       of ``Z`` starts participating; ``s`` of it buys the asset (*reallocation*);
    2. market returns net of expenses on X, Y and Z;
    3. contributions :math:`G_t`: participants direct :math:`s \\pi_t G_t` to
       the asset (*contributions*);
    4. distributions: the rate ``d`` of every holding is paid out
       (*distributions*, negative for the asset);
    5. on rebalancing dates, trade ``s (X + Y) - X`` (*rebalancing*).

    So ``holdings[y] = holdings[y-1] + flows[y].sum() + asset_return[y]``.
    """
    n_scenarios, n_periods = asset_returns.shape
    n = schedule.periods_per_year
    n_years = n_periods // n
    share = np.broadcast_to(np.asarray(schedule.allocation_share, dtype=float), (n_scenarios,))
    participation = np.broadcast_to(schedule.participation, (n_scenarios, n_periods))
    previous = np.concatenate([np.zeros((n_scenarios, 1)), participation[:, :-1]], axis=1)
    headroom = 1.0 - previous
    joining = np.divide(
        participation - previous, headroom, out=np.zeros_like(headroom), where=headroom > 0
    )
    asset_growth = (1.0 + asset_returns) * (1.0 - schedule.asset_expense)
    core_growth = (1.0 + core_returns) * (1.0 - schedule.core_expense)
    d = schedule.distribution_rate
    contributions = np.asarray(schedule.contributions, dtype=float)

    x = np.zeros(n_scenarios)
    y = np.zeros(n_scenarios)
    z = np.full(n_scenarios, float(schedule.pool_assets))
    flows = np.zeros((n_scenarios, n_years, len(POOL_COMPONENTS)))
    asset_return = np.zeros((n_scenarios, n_years))
    holdings = np.empty((n_scenarios, n_years))
    pool = np.empty((n_scenarios, n_years))

    for t in range(n_periods):
        year = t // n
        moved = joining[:, t] * z
        z -= moved
        bought = share * moved
        x += bought
        y += moved - bought
        flows[:, year, 0] += bought

        gain = x * (asset_growth[:, t] - 1.0)
        x += gain
        y *= core_growth[:, t]
        z *= core_growth[:, t]
        asset_return[:, year] += gain

        to_participants = participation[:, t] * contributions[t]
        directed = share * to_participants
        x += directed
        y += to_participants - directed
        z += contributions[t] - to_participants
        flows[:, year, 1] += directed

        paid = d * x
        x -= paid
        y -= d * y
        z -= d * z
        flows[:, year, 2] -= paid

        if schedule.rebalance_every and (t + 1) % schedule.rebalance_every == 0:
            trade = share * (x + y) - x
            x += trade
            y -= trade
            flows[:, year, 3] += trade

        if (t + 1) % n == 0:
            holdings[:, year] = x
            pool[:, year] = x + y + z
    return PoolPaths(flows, asset_return, holdings, pool)
