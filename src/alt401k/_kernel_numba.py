"""The pool's period loop compiled with numba (optional: the ``fast`` extra).

:func:`year_periods` runs one year's periods of the channel path of
:func:`alt401k.engine._simulate_rows` for every scenario and group of a row
block, cell by cell with the state in registers, instead of one numpy
operation over the block per step. Each balance goes through the same
floating-point operations in the same order as in the numpy loop (no
fast-math, so no fused multiply-adds), hence every balance, holding and
final state is bit-identical; only sums over groups reported per period
(market gain on the asset, rebalancing and unwinding trades, blocked sales)
are added in another order, which moves them by rounding (tested to 1e-12
of their scale).

Imported only when ``backend="numba"`` is asked for.
"""

from __future__ import annotations

import numpy as np

try:
    import numba
except ImportError as exc:  # pragma: no cover - exercised where numba is absent
    raise ImportError(
        "backend='numba' needs numba: pip install 'alt401k[fast]' (or pip install numba)"
    ) from exc

__all__ = ["year_periods"]


@numba.njit(cache=True, nogil=True)
def year_periods(
    N: np.ndarray,  # (1, S, G) non-holders, updated (one money source)
    X: np.ndarray,  # (1, S, G) holders' asset, updated
    Y: np.ndarray,  # (1, S, G) holders' core, updated
    Z: np.ndarray,  # (1, S, G) holders' counterfactual, updated
    by_portfolio: np.ndarray,  # (S, n, F) return of each core portfolio
    portfolio: np.ndarray,  # (G,) core portfolio of each group
    net_of_expense: np.ndarray,  # (G,) 1 - the group's core expense per period
    asset_growth: np.ndarray,  # (S, T) asset growth net of expenses
    keep: np.ndarray,  # (G,) share left after a period's outflow
    c_non: np.ndarray,  # (1, S, G) per-period contributions of non-holders
    c_asset: np.ndarray,  # (1, S, G) holders' contributions to the asset
    c_core: np.ndarray,  # (1, S, G) ... to the core
    c_holder: np.ndarray,  # (1, S, G) ... all of them (counterfactual)
    share: np.ndarray,  # (S, G) target share of the asset
    rebalance_fraction: np.ndarray,  # (T, G)
    rebalance_on: np.ndarray,  # (S,)
    rebalances: np.ndarray,  # (T,) bool
    unwind: np.ndarray,  # (S, T)
    unwinds: np.ndarray,  # (T,) bool
    t0: int,
    gate_factor: float,  # < 0: no gate
    window: int,
    room: np.ndarray,  # (S, G) sales allowance, updated (unused without a gate)
    kept: np.ndarray,  # (S, G) core money left after each period's outflow, accumulated
    kept_asset: np.ndarray,  # (S, G) the same for the asset
    gain: np.ndarray,  # (S, n) out: market gain on the asset per period
    rebalanced: np.ndarray,  # (S, n) out: rebalancing purchases per period
    unwound: np.ndarray,  # (S, n) out: unwinding sales per period
    blocked: np.ndarray,  # (S, n) out: sales blocked by the gate per period
) -> None:
    n_rows, n_groups = N.shape[1], N.shape[2]  # one money source: N[0]
    n = by_portfolio.shape[1]
    gated = gate_factor >= 0.0
    for s in range(n_rows):
        for k in range(n):
            t = t0 + k
            ag = asset_growth[s, t]
            refresh = gated and k % window == 0 and k < 4 * window
            rebalancing = rebalances[t]
            unwinding = unwinds[t]
            fraction_on = rebalance_on[s]
            rate = unwind[s, t]
            # Sums over groups in four interleaved lanes, so consecutive additions do not
            # wait on each other (the order is fixed, hence deterministic).
            h0 = h1 = h2 = h3 = 0.0
            r0 = r1 = r2 = r3 = 0.0
            u0 = u1 = u2 = u3 = 0.0
            b0 = b1 = b2 = b3 = 0.0
            for g in range(n_groups):
                x = X[0, s, g]
                y = Y[0, s, g]
                if refresh:
                    room[s, g] = x * gate_factor
                lane = g & 3
                if lane == 0:
                    h0 += x
                elif lane == 1:
                    h1 += x
                elif lane == 2:
                    h2 += x
                else:
                    h3 += x
                # As numpy forms it: (rho + (1 - expense)) * keep.
                gk = by_portfolio[s, k, portfolio[g]] + net_of_expense[g]
                gk *= keep[g]
                nn = N[0, s, g] * gk
                y *= gk
                z = Z[0, s, g] * gk
                x *= ag
                x *= keep[g]
                kept_asset[s, g] += x
                kept[s, g] += nn + y
                nn += c_non[0, s, g]
                x += c_asset[0, s, g]
                y += c_core[0, s, g]
                z += c_holder[0, s, g]
                blocked_here = 0.0
                traded = 0.0
                if rebalancing:
                    fraction = rebalance_fraction[t, g] * fraction_on
                    trade = x + y
                    trade *= share[s, g]
                    trade -= x
                    trade *= fraction
                    if gated:
                        desired = max(-trade, 0.0)
                        executed = min(desired, room[s, g])
                        ratio = executed / desired if desired > 0.0 else 1.0
                        room[s, g] -= executed
                        blocked_here += desired - executed
                        trade *= ratio
                    x += trade
                    y -= trade
                    traded = trade
                sold = 0.0
                if unwinding:
                    sold = x * rate
                    if gated:
                        desired = max(sold, 0.0)
                        executed = min(desired, room[s, g])
                        ratio = executed / desired if desired > 0.0 else 1.0
                        room[s, g] -= executed
                        blocked_here += desired - executed
                        sold = -((-sold) * ratio)
                    x -= sold
                    y += sold
                N[0, s, g] = nn
                X[0, s, g] = x
                Y[0, s, g] = y
                Z[0, s, g] = z
                if lane == 0:
                    r0 += traded
                    u0 += sold
                    b0 += blocked_here
                elif lane == 1:
                    r1 += traded
                    u1 += sold
                    b1 += blocked_here
                elif lane == 2:
                    r2 += traded
                    u2 += sold
                    b2 += blocked_here
                else:
                    r3 += traded
                    u3 += sold
                    b3 += blocked_here
            gain[s, k] = (ag - 1.0) * ((h0 + h1) + (h2 + h3))
            rebalanced[s, k] = (r0 + r1) + (r2 + r3)
            unwound[s, k] = (u0 + u1) + (u2 + u3)
            blocked[s, k] = (b0 + b1) + (b2 + b3)


@numba.njit(cache=True, nogil=True)
def saver_periods(
    N: np.ndarray,  # (K, S, G) balances by money source, updated
    returns: np.ndarray,  # (S, T, A) per-period asset returns
    t0: int,  # first period of the year
    n: int,  # periods in the year
    weights: np.ndarray,  # (A, F) the year's core portfolio weights
    portfolio: np.ndarray,  # (G,) core portfolio of each group
    net_of_expense: np.ndarray,  # (G,) 1 - core expense per period
    keep: np.ndarray,  # (G,) share left after a period's outflow
    core_expense: np.ndarray,  # (G,) expense per period
    contrib: np.ndarray,  # (K, S, G) per-period contributions
    kept: np.ndarray,  # (S, G) money left after each period's outflow, accumulated
    invested: np.ndarray,  # (S, G) market gain over the year, accumulated (with ``ledger``)
    fees: np.ndarray,  # (S, G) expenses over the year, accumulated (with ``ledger``)
    ledger: bool,
) -> None:
    """One year's periods of a run without a channel (a saver), cell by cell.

    The same operations in the same order as the numpy loop of
    :func:`alt401k.engine._simulate_rows` (the portfolio return summed asset
    by asset, then ``(rho + (1 - expense)) * keep``), so every output is
    bit-identical.
    """
    n_sources, n_rows, n_groups = N.shape
    n_assets = returns.shape[2]
    for s in range(n_rows):
        for g in range(n_groups):
            f = portfolio[g]
            for k in range(n):
                t = t0 + k
                rho = 0.0
                for a in range(n_assets):
                    rho += returns[s, t, a] * weights[a, f]
                if ledger:
                    invested[s, g] += N[0, s, g] * rho
                    fees[s, g] += N[0, s, g] * core_expense[g]
                gk = rho + net_of_expense[g]
                gk *= keep[g]
                for j in range(n_sources):
                    N[j, s, g] *= gk
                kept[s, g] += N[0, s, g]
                for j in range(n_sources):
                    N[j, s, g] += contrib[j, s, g]
