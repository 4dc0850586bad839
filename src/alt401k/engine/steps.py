"""One period's operations of the kernel on a row block's state, and the compiled year.

Each function is one step of the per-period equations in
:mod:`alt401k.engine`'s docstring -- adoption moves money into the asset,
rebalancing (within a redemption gate), fees charged pro rata -- applied in
place to the holders' state :class:`_Holders`; :func:`_fused_year` runs a
year through the compiled loops of :mod:`alt401k._kernel_numba` instead.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .inputs import ChannelInputs, EnginePaths


@dataclass
class _Holders:
    """Holders' state in a row block: asset X, core Y, counterfactual Z, (K, S, G) each."""

    X: np.ndarray
    Y: np.ndarray
    Z: np.ndarray


@dataclass(frozen=True)
class _CompiledInputs:
    """A row block's inputs to the compiled loops that are the same every year."""

    returns: np.ndarray  # (S, T, A) C-contiguous
    portfolio: np.ndarray  # (G,) int64
    rebalance_fraction: np.ndarray  # (T, G)
    rebalances: np.ndarray  # (T,) bool
    unwind: np.ndarray  # (S, T)
    unwinds: np.ndarray  # (T,) bool
    gate_factor: float  # share of the quarter's opening holdings that may be sold; < 0: no gate
    window: int  # periods in a gate window
    room: np.ndarray  # (S, G) the gate's allowance (a dummy without a gate)

    @classmethod
    def of(
        cls,
        returns: np.ndarray,
        portfolio: np.ndarray,
        ch: ChannelInputs | None,
        rebalances: np.ndarray,
        unwinds: np.ndarray,
        gate: float | None,
        n: int,
        room: np.ndarray | None,
    ) -> _CompiledInputs:
        n_rows, n_periods = returns.shape[:2]
        return cls(
            returns=np.ascontiguousarray(returns),
            portfolio=np.ascontiguousarray(portfolio, dtype=np.int64),
            rebalance_fraction=np.ascontiguousarray(
                np.zeros((n_periods, portfolio.size)) if ch is None else ch.rebalance_fraction,
                dtype=float,
            ),
            rebalances=np.ascontiguousarray(rebalances, dtype=np.bool_),
            unwind=np.ascontiguousarray(np.zeros((n_rows, 0)) if ch is None else ch.unwind, float),
            unwinds=np.ascontiguousarray(unwinds, dtype=np.bool_),
            gate_factor=-1.0 if gate is None else gate * max(4 // n, 1),
            window=max(n // 4, 1),
            room=room if room is not None else np.zeros((n_rows, portfolio.size)),
        )


def _fused_year(
    fused: Callable[..., None],
    static: _CompiledInputs,
    N: np.ndarray,
    hold: _Holders,
    by_portfolio: np.ndarray,
    net_of_expense: np.ndarray,
    asset_growth: np.ndarray,
    keep: np.ndarray,
    contributions: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    share: np.ndarray,
    rebalance_on: np.ndarray,
    t0: int,
    n: int,
    kept: np.ndarray,
    kept_asset: np.ndarray,
    out: EnginePaths,
    rows: slice,
    year: int,
) -> None:
    """One year's periods of the channel path through the compiled loop.

    ``by_portfolio`` (S, n, F) is each core portfolio's return per period;
    ``net_of_expense`` (G,) is ``1 - core expense`` of each group;
    ``contributions`` are the non-holders', holders' to the asset, to the core,
    and all holders' per-period contributions.

    Per-period sums come back as (S, n) arrays and are added in period order,
    as the numpy loop adds them.
    """
    per_period = np.zeros((4, N.shape[1], n))  # gain, rebalanced, unwound, blocked
    fused(
        N, hold.X, hold.Y, hold.Z, by_portfolio, static.portfolio, net_of_expense,
        asset_growth, keep,
        *(np.ascontiguousarray(np.broadcast_to(c, N.shape)) for c in contributions),
        np.ascontiguousarray(share), static.rebalance_fraction,
        np.ascontiguousarray(rebalance_on, dtype=float), static.rebalances, static.unwind,
        static.unwinds, t0, static.gate_factor, static.window, static.room,
        kept, kept_asset, *per_period,
    )  # fmt: skip
    gain, rebalanced, unwound, blocked = per_period
    gated = static.gate_factor >= 0.0
    for k in range(n):
        t = t0 + k
        out.asset_return[rows, year] += gain[:, k]
        if static.rebalances[t]:
            out.flows[rows, year, 3] += rebalanced[:, k]
        if static.unwinds[t]:
            out.flows[rows, year, 0] -= unwound[:, k]
        if gated and (static.rebalances[t] or static.unwinds[t]):
            out.blocked_sales[rows, year] += blocked[:, k]


def _adopt(
    N: np.ndarray, hold: _Holders, h: np.ndarray, h_prev: np.ndarray, share: np.ndarray
) -> np.ndarray:
    """Step 1: move the joining share of non-holders' money; return the purchases (S,)."""
    joining = np.divide(h - h_prev, 1.0 - h_prev, out=np.zeros_like(h), where=h_prev < 1.0)
    moved = np.multiply(joining, N, order="C")
    N -= moved
    bought = np.multiply(share, moved, order="C")
    hold.X += bought
    hold.Y += moved
    hold.Y -= bought
    hold.Z += moved
    return bought[0].sum(axis=-1)


def _rebalance(
    hold: _Holders,
    share: np.ndarray,
    fraction: np.ndarray,
    room: np.ndarray | None = None,
    blocked: np.ndarray | None = None,
) -> np.ndarray:
    """Step 5: trade a share ``fraction`` of holders back to ``share``; return purchases (S,).

    With a gate, ``room`` (S, G) is what the quarter's sales may still take;
    sales are capped by it and the blocked dollars added to ``blocked`` (S,).
    """
    trade = hold.X + hold.Y
    trade *= share
    trade -= hold.X
    trade *= fraction
    if room is not None and blocked is not None:
        blocked += _gate_sales(trade, room)
    hold.X += trade
    hold.Y -= trade
    return trade[0].sum(axis=-1)


def _gate_sales(trade: np.ndarray, room: np.ndarray) -> np.ndarray:
    """Cap the sales in ``trade`` (K, S, G; negative = sale) by ``room`` (S, G), in place.

    Each group's desired sale ``max(-trade[0], 0)`` is executed up to
    ``room``, which shrinks by what is sold; every money source's trade is
    scaled by the same ratio. Purchases pass unchanged. Returns the blocked
    dollars (desired minus executed) summed over groups, (S,).
    """
    desired = np.maximum(-trade[0], 0.0)
    executed = np.minimum(desired, room)
    ratio = np.divide(executed, desired, out=np.ones_like(desired), where=desired > 0)
    trade *= ratio
    room -= executed
    blocked = np.subtract(desired, executed, order="C")
    return blocked.sum(axis=-1)


def _charge_fees(
    N: np.ndarray,
    hold: _Holders | None,
    fee: np.ndarray,
    h: np.ndarray,
    new_money: np.ndarray | None,
) -> tuple[np.ndarray, np.ndarray]:
    """Step 7: the year's flat fee; return (paid per group (S, G), paid from the asset (S,))."""
    if hold is None or new_money is None:
        return _charge(N, fee), np.zeros(N.shape[1])
    fee_holders = h * fee
    paid = _charge(N, fee - fee_holders)
    # Holders pay from the asset and the core in the proportion their new money goes
    # (linear in balances, so groups of cells add up exactly).
    from_asset = _charge(hold.X, fee_holders * new_money)
    paid = paid + from_asset + _charge(hold.Y, fee_holders * (1.0 - new_money))
    _charge(hold.Z, fee_holders)
    return paid, from_asset.sum(axis=-1)


def _charge(state: np.ndarray, fee: np.ndarray | float) -> np.ndarray:
    """Take ``min(fee, balance)`` pro rata from each money source; return what was paid.

    Arrays that are summed over groups are made C-contiguous (``order="C"``):
    numpy sums a contiguous row pairwise, the same way whatever the number of
    rows, which keeps results independent of the chunk size.
    """
    paid = np.minimum(fee, state[0], order="C")
    ratio = np.divide(paid, state[0], out=np.zeros_like(paid), where=state[0] > 0)
    state -= state * ratio
    return paid
