"""What the kernel takes and gives: schedules, channel inputs and recorded paths.

Plain frozen dataclasses of numpy arrays (no pydantic: the engine stays fast
and testable on its own), with the shapes and units of every field; the
equations that use them are in :mod:`alt401k.engine`'s docstring.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

__all__ = [
    "BACKENDS",
    "COMPONENTS",
    "ChannelInputs",
    "EnginePaths",
    "GroupSchedule",
    "Ledger",
    "period_rate",
]

#: Implementations of the period loop (see :func:`simulate`).
BACKENDS = ("numpy", "numba")

#: Causes of net purchases of the alternative asset, the last axis of ``EnginePaths.flows``.
COMPONENTS = ("reallocation", "contributions", "distributions", "rebalancing")


def period_rate(annual_rate: np.ndarray | float, periods_per_year: int) -> np.ndarray:
    """Per-period outflow rate equivalent to an annual rate: ``1 - (1 - d)^(1/n)``.

    An annual rate of 5.2% applied this way removes exactly 5.2% of a flat
    balance over a year (not 5.08%, as ``d / n`` would when compounded).
    """
    d = np.asarray(annual_rate, dtype=float)
    return -np.expm1(np.log1p(-d) / periods_per_year)


@dataclass(frozen=True)
class GroupSchedule:
    """Deterministic inputs of :func:`simulate` for G groups.

    Attributes
    ----------
    core_weights : ndarray, shape (Y, A, F)
        Weights of F distinct core portfolios in each year (columns sum to
        1; rebalanced every period, like a fund).
    portfolio : ndarray, shape (G,), int
        Index of each group's core portfolio in ``core_weights``.
    expense_ratio : ndarray, shape (A,)
        Annual expense ratio of each asset, fraction.
    contributions : ndarray, shape (K, Y, G) or (K, S, Y, G)
        Contributions per year, dollars (index 0: all money; 1: its Roth
        part; 2, when tracked: employer money); with a scenario axis when
        pay or limits differ by scenario.
    balance0 : ndarray, shape (K, G)
        Opening balances, dollars.
    flat_fee : ndarray, shape (Y, G)
        Flat fees per year (people x per-person fee), dollars.
    outflow : ndarray, shape (Y, G)
        Annual outflow rate, fraction of the balance paid out per year.
    outflow_parts : ndarray, shape (R, Y, G), optional
        The same rate split by cause (e.g. rollovers, cash-outs, hardship,
        retirees' withdrawals), summing to ``outflow``; each period's outflow
        is split in these proportions and recorded by cause.
    periods_per_year : int
        Periods per year n; returns have T = Y * n periods.
    asset : int or None
        Index of the alternative asset on the returns' asset axis, or None
        when no channel is simulated.
    contribution_scale : ndarray, shape (S, Y), optional
        A factor on every contribution by scenario and year (e.g. pay
        following each scenario's own price path); rows as in ``returns``.
    withdraw : callable, optional
        Withdrawals by rule (the retirement phase), for runs without a
        channel: ``withdraw(year, rows, state)`` is called at the start of
        every year with the balances ``state`` (K, S, G) of scenarios ``rows``
        (a slice of the run) and returns the amounts (K, S, G) to take out,
        each no larger than the balance it comes from (index 0 all money,
        1 its Roth part). The engine subtracts and records them.
    gate : float or None
        Redemption gate on the alternative asset (runs with a channel): the
        share, in (0, 1], of a group's holdings at the start of a calendar
        quarter that rebalancing and unwinding may sell within that quarter
        (0.05: semi-liquid funds capping redemptions at 5% of NAV a
        quarter). None (default): no gate.
    """

    core_weights: np.ndarray
    portfolio: np.ndarray
    expense_ratio: np.ndarray
    contributions: np.ndarray
    balance0: np.ndarray
    flat_fee: np.ndarray
    outflow: np.ndarray
    periods_per_year: int
    asset: int | None = None
    outflow_parts: np.ndarray | None = None
    contribution_scale: np.ndarray | None = None
    withdraw: Callable[[int, slice, np.ndarray], np.ndarray] | None = None
    gate: float | None = None

    def __post_init__(self) -> None:
        if self.gate is not None and not 0.0 < self.gate <= 1.0:
            raise ValueError(f"gate must be None or in (0, 1]; got {self.gate}")

    @property
    def n_groups(self) -> int:
        return int(self.portfolio.shape[0])

    @property
    def n_years(self) -> int:
        return int(self.contributions.shape[-2])


@dataclass(frozen=True)
class ChannelInputs:
    """Per-scenario inputs of the alternative-asset channel.

    Attributes
    ----------
    holder_share : ndarray, shape (S, Y, G)
        Cumulative share H of each group's people holding the asset during
        year y; non-decreasing in y, in [0, 1].
    target_share : ndarray, shape (S, Y, G)
        Holders' target share s of their balance in the asset.
    new_money_share : ndarray, shape (S, Y, G)
        Share m of holders' contributions directed to the asset.
    rebalance_fraction : ndarray, shape (T, G)
        Share of holders trading back to target at the end of period t
        (0 on other periods).
    rebalance_on : ndarray, shape (S, Y)
        1 while rebalancing is allowed, 0 after it stops (reversal).
    unwind : ndarray, shape (S, T)
        Share of ``X`` sold into the core at the end of period t.
    channel : ndarray, shape (G,), int
        Channel of each group (0 active election, 1 default fund), for
        ``holdings_by_channel``.
    initial_holder_share : ndarray, shape (S, G), optional
        Share of each group's people already holding the asset at the start
        (the state of the world before year 0), at most ``holder_share[:, 0]``.
        Their money starts split as the year-0 target says
        (``X = s h0 B0``, ``Y = (1 - s) h0 B0``, ``Z = h0 B0``,
        ``N = (1 - h0) B0``); it is a holding, not a flow. None: nobody.
    """

    holder_share: np.ndarray
    target_share: np.ndarray
    new_money_share: np.ndarray
    rebalance_fraction: np.ndarray
    rebalance_on: np.ndarray
    unwind: np.ndarray
    channel: np.ndarray
    initial_holder_share: np.ndarray | None = None


@dataclass(frozen=True)
class Ledger:
    """Per-group yearly ledger, recorded when asked for (small G only).

    ``balance`` (K, S, Y, G): year-end balance by money source (holders'
    and non-holders' money together); ``investment_return``,
    ``fees``, ``outflows`` (S, Y, G): market gain gross of expenses,
    expenses plus flat fees, and money paid out at the outflow rates,
    dollars per year; ``withdrawals`` (K, S, Y, G): money taken out by
    ``GroupSchedule.withdraw`` at the start of each year, by source;
    ``outflow_parts`` (R, S, Y, G): ``outflows`` split by cause.
    """

    balance: np.ndarray
    investment_return: np.ndarray
    fees: np.ndarray
    outflows: np.ndarray
    withdrawals: np.ndarray
    outflow_parts: np.ndarray


@dataclass(frozen=True)
class EnginePaths:
    """Outputs of :func:`simulate`.

    Attributes
    ----------
    flows : ndarray, shape (S, Y, 4)
        Net purchases of the asset per year by cause (:data:`COMPONENTS`), dollars.
    asset_return : ndarray, shape (S, Y)
        Gain on the asset holdings net of expenses and flat fees, dollars.
    holdings : ndarray, shape (S, Y)
        Asset held at each year end, dollars.
    start_holdings : ndarray, shape (S,)
        Asset held at the start, before year 0 (``ChannelInputs.initial_holder_share``),
        dollars.
    holdings_by_channel : ndarray, shape (S, Y, 2)
        ``holdings`` split by channel (active, default).
    pool_assets : ndarray, shape (S, Y)
        All balances at each year end, dollars.
    pool_outflows : ndarray, shape (S, Y)
        All money paid out of the plans each year, dollars.
    outflow_by_part : ndarray, shape (S, Y, R)
        The outflows at the schedule's rates split by cause
        (``GroupSchedule.outflow_parts``; R = 0 without it), dollars.
    final_non_holder, final_holder, final_holder_asset, final_counterfactual : ndarray, shape (S, G)
        Balances at the horizon (all money): ``N``, ``X + Y``, ``X`` and ``Z``.
    final_holder_share : ndarray, shape (S, G)
        Share of each group's people holding the asset in the last year
        (``ChannelInputs.holder_share[:, -1]``); zeros without a channel.
    blocked_sales : ndarray, shape (S, Y)
        Sales of the asset that the redemption gate blocked each year
        (desired minus executed, all groups), dollars; zeros without a gate.
    ledger : Ledger or None
    """

    flows: np.ndarray
    asset_return: np.ndarray
    holdings: np.ndarray
    start_holdings: np.ndarray
    holdings_by_channel: np.ndarray
    pool_assets: np.ndarray
    pool_outflows: np.ndarray
    outflow_by_part: np.ndarray
    final_non_holder: np.ndarray
    final_holder: np.ndarray
    final_holder_asset: np.ndarray
    final_counterfactual: np.ndarray
    final_holder_share: np.ndarray
    blocked_sales: np.ndarray
    ledger: Ledger | None = None
