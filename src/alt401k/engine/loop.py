"""The time loop: :func:`simulate` rolls groups of accounts forward, period by period.

The state, the per-period equations and what is recorded are written out in
:mod:`alt401k.engine`'s docstring; this module is the loop over periods (in
row blocks of scenarios sized to stay in cache), the one-step operations
being in :mod:`alt401k.engine.steps`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module

import numpy as np

from .inputs import (
    BACKENDS,
    COMPONENTS,
    ChannelInputs,
    EnginePaths,
    GroupSchedule,
    Ledger,
    period_rate,
)
from .steps import (
    _adopt,
    _charge_fees,
    _CompiledInputs,
    _fused_year,
    _gate_sales,
    _Holders,
    _rebalance,
)

__all__ = ["check_backend", "simulate"]

#: Target bytes of one state array per row block: the dozen arrays a period touches stay in
#: the core's cache (measured: 2**16 is 16% faster than 2**19 for 246 groups).
_BLOCK_BYTES = 1 << 16


def simulate(
    returns: np.ndarray,
    schedule: GroupSchedule,
    channel: ChannelInputs | Callable[[int, int], ChannelInputs] | None = None,
    *,
    record_ledger: bool = False,
    backend: str = "numpy",
) -> EnginePaths:
    """Roll G groups of accounts forward over return paths.

    Parameters
    ----------
    returns : ndarray, shape (S, T, A)
        Per-period simple returns of every asset the schedule uses.
    schedule : GroupSchedule
        Portfolios, contributions, opening balances, fees and outflows.
    channel : ChannelInputs or callable, optional
        Adoption, allocation and rebalancing of the alternative asset
        ``schedule.asset``, or a function ``channel(lo, hi)`` returning them
        for rows ``lo:hi`` (so per-scenario inputs are built one row block at
        a time); without it nobody holds the asset separately (a sleeve may
        still sit inside a core portfolio's weights).
    record_ledger : bool
        Also return per-group yearly ledgers (memory S x Y x G per item).
    backend : {"numpy", "numba"}
        ``"numba"`` runs the periods through compiled loops
        (:mod:`alt401k._kernel_numba`, the ``fast`` extra). Without a
        channel (a saver) every output is bit-identical to ``"numpy"``. With
        a channel, one money source and no ledger (a pool run) every
        balance, holding and final state is bit-identical; per-period sums
        over groups (the asset's market gain, rebalancing and unwinding
        trades, blocked sales) are added in another order and may differ by
        rounding. Other runs use numpy either way.

    Returns
    -------
    EnginePaths

    Notes
    -----
    See the module docstring for the per-period equations. Scenarios are
    processed in row blocks sized to keep the state in cache; every
    operation is row-wise, so results do not depend on the block or chunk
    size.
    """
    n_scenarios, n_periods, _ = returns.shape
    n = schedule.periods_per_year
    n_years = schedule.n_years
    n_groups = schedule.n_groups
    k_sources = schedule.contributions.shape[0]
    if n_periods != n_years * n:
        raise ValueError(
            f"returns have {n_periods} periods; expected {n_years} years x {n} periods per year"
        )
    if channel is not None and schedule.asset is None:
        raise ValueError("a channel needs schedule.asset, the index of the alternative asset")
    if channel is not None and schedule.withdraw is not None:
        raise ValueError("withdrawals by rule (schedule.withdraw) are for runs without a channel")
    fused: Callable[..., None] | None = None
    fused_saver: Callable[..., None] | None = None
    if check_backend(backend) == "numba":
        from .._kernel_numba import saver_periods, year_periods

        if channel is None:
            fused_saver = saver_periods
        elif not record_ledger and k_sources == 1:
            fused = year_periods
    n_parts = 0 if schedule.outflow_parts is None else schedule.outflow_parts.shape[0]
    out = _allocate(n_scenarios, n_years, n_groups, k_sources, n_parts, record_ledger)
    prep = _prepare(schedule)
    # The compiled loop keeps a cell's state in registers: larger blocks only cut overhead.
    block_bytes = _BLOCK_BYTES if fused is None else 2 * _BLOCK_BYTES
    rows = max(8, block_bytes // (8 * k_sources * n_groups))
    for lo in range(0, n_scenarios, rows):
        hi = min(lo + rows, n_scenarios)
        if channel is None:
            block = None
        elif isinstance(channel, ChannelInputs):
            block = _slice_channel(channel, lo, hi)
        else:
            block = channel(lo, hi)
        _simulate_rows(
            returns[lo:hi], schedule, prep, block, out, lo, hi, record_ledger, fused, fused_saver
        )
    return out


def check_backend(backend: object) -> str:
    """Validate ``backend`` (one of :data:`BACKENDS`); for ``"numba"``, check numba imports.

    Raises
    ------
    ValueError
        An unknown backend, naming the allowed ones.
    ImportError
        ``"numba"`` without numba installed, saying how to install it.
    """
    if backend not in BACKENDS:
        raise ValueError(
            f"backend must be one of {', '.join(map(repr, BACKENDS))}; got {backend!r}"
        )
    if backend == "numba":
        import_module("alt401k._kernel_numba")  # raises with the install hint
    return str(backend)


def _allocate(s: int, y: int, g: int, k: int, r: int, ledger: bool) -> EnginePaths:
    return EnginePaths(
        flows=np.zeros((s, y, len(COMPONENTS))),
        asset_return=np.zeros((s, y)),
        holdings=np.zeros((s, y)),
        start_holdings=np.zeros(s),
        holdings_by_channel=np.zeros((s, y, 2)),
        pool_assets=np.zeros((s, y)),
        pool_outflows=np.zeros((s, y)),
        outflow_by_part=np.zeros((s, y, r)),
        final_non_holder=np.zeros((s, g)),
        final_holder=np.zeros((s, g)),
        final_holder_asset=np.zeros((s, g)),
        final_counterfactual=np.zeros((s, g)),
        final_holder_share=np.zeros((s, g)),
        blocked_sales=np.zeros((s, y)),
        ledger=(
            Ledger(
                balance=np.zeros((k, s, y, g)),
                investment_return=np.zeros((s, y, g)),
                fees=np.zeros((s, y, g)),
                outflows=np.zeros((s, y, g)),
                withdrawals=np.zeros((k, s, y, g)),
                outflow_parts=np.zeros((r, s, y, g)),
            )
            if ledger
            else None
        ),
    )


def _slice_channel(c: ChannelInputs, lo: int, hi: int) -> ChannelInputs:
    return ChannelInputs(
        holder_share=c.holder_share[lo:hi],
        target_share=c.target_share[lo:hi],
        new_money_share=c.new_money_share[lo:hi],
        rebalance_fraction=c.rebalance_fraction,
        rebalance_on=c.rebalance_on[lo:hi],
        unwind=c.unwind[lo:hi],
        channel=c.channel,
        initial_holder_share=(
            None if c.initial_holder_share is None else c.initial_holder_share[lo:hi]
        ),
    )


@dataclass(frozen=True)
class _Prepared:
    """Per-schedule constants, computed once per run rather than once per row block."""

    expense: np.ndarray  # (A,) per period
    weights: np.ndarray  # (Y, A, F)
    core_expense: np.ndarray  # (Y, G) per period
    keep: np.ndarray  # (Y, G) share left after a period's outflow
    drain: np.ndarray  # (Y, G) outflow as a share of what stays
    contributions: np.ndarray  # (K, Y, G) or (K, S, Y, G), yearly
    part_shares: np.ndarray | None  # (R, Y, G) share of the outflow in each part
    flat_fee: np.ndarray  # (Y, ...) yearly flat fees


def _prepare(sc: GroupSchedule) -> _Prepared:
    n = sc.periods_per_year
    portfolio = np.asarray(sc.portfolio)
    expense = np.asarray(sc.expense_ratio, dtype=float) / n
    weights = np.asarray(sc.core_weights, dtype=float)
    # Sums over assets run in asset order, one asset at a time: an asset of weight 0 adds
    # exact zeros, so holding it or not gives the same bits (a BLAS dot product would
    # choose its summation order by the number of assets).
    core_expense = np.zeros((weights.shape[0], weights.shape[2]))
    for a in range(weights.shape[1]):
        core_expense += weights[:, a] * expense[a]
    keep = 1.0 - period_rate(sc.outflow, n)
    part_shares = None
    if sc.outflow_parts is not None:
        rate = np.asarray(sc.outflow, dtype=float)
        part_shares = np.divide(
            sc.outflow_parts, rate, out=np.zeros_like(sc.outflow_parts), where=rate > 0
        )
    return _Prepared(
        expense=expense,
        weights=weights,
        core_expense=core_expense[:, portfolio],
        keep=keep,
        drain=(1.0 - keep) / keep,
        contributions=np.asarray(sc.contributions, dtype=float),
        part_shares=part_shares,
        flat_fee=np.asarray(sc.flat_fee, dtype=float),
    )


def _simulate_rows(
    returns: np.ndarray,
    sc: GroupSchedule,
    prep: _Prepared,
    ch: ChannelInputs | None,
    out: EnginePaths,
    lo: int,
    hi: int,
    record_ledger: bool,
    fused: Callable[..., None] | None = None,
    fused_saver: Callable[..., None] | None = None,
) -> None:
    """Run the time loop for scenarios ``lo:hi`` and write their outputs into ``out``.

    ``fused``, ``fused_saver``: the compiled period loops of the channel path and of
    runs without a channel (:mod:`alt401k._kernel_numba`), or None for numpy.
    """
    n = sc.periods_per_year
    n_rows = hi - lo
    n_groups = sc.n_groups
    shape = (sc.contributions.shape[0], n_rows, n_groups)
    portfolio = np.asarray(sc.portfolio)
    expense, weights, core_expense = prep.expense, prep.weights, prep.core_expense
    keep, drain, contributions = prep.keep, prep.drain, prep.contributions
    part_shares = prep.part_shares
    led = out.ledger if record_ledger else None
    # Per-block flags and masks the period loop would otherwise rebuild: which periods
    # rebalance or unwind anyone, and which groups sit in each channel.
    rebalances: np.ndarray = np.zeros(0, dtype=bool)  # (T,)
    unwinds: np.ndarray = np.zeros(0, dtype=bool)  # (T,)
    in_channel: list[np.ndarray] = []  # (G,) each
    if ch is not None:
        rebalances = np.asarray(np.any(ch.rebalance_fraction, axis=-1))
        unwinds = np.asarray(np.any(ch.unwind, axis=0))
        in_channel = [np.asarray(ch.channel) == c for c in (0, 1)]
    rows = slice(lo, hi)

    N = np.empty(shape)
    N[:] = np.asarray(sc.balance0, dtype=float)[:, None, :]
    hold = None if ch is None else _Holders(np.zeros(shape), np.zeros(shape), np.zeros(shape))
    asset = -1 if sc.asset is None else sc.asset
    asset_growth = 1.0 + returns[:, :, asset] - expense[asset] if hold is not None else None
    h_prev = np.zeros((n_rows, n_groups))
    if hold is not None and ch is not None and ch.initial_holder_share is not None:
        # The state before year 0: the holders' money already split as the year-0 target.
        h_prev = np.ascontiguousarray(ch.initial_holder_share, dtype=float)
        held = N * h_prev
        N -= held
        hold.X += held * ch.target_share[:, 0]
        hold.Y += held
        hold.Y -= held * ch.target_share[:, 0]
        hold.Z += held
        out.start_holdings[rows] = hold.X[0].sum(axis=-1)
    tmp = np.empty((n_rows, n_groups))
    kept = np.empty((n_rows, n_groups))  # core money left after each period's outflow
    kept_asset = np.empty((n_rows, n_groups))  # the same for the asset
    h = h_prev
    gate = None if ch is None else sc.gate
    # Gate window: a calendar quarter of periods (one period when n < 4), and what its
    # sales may still take, (S, G).
    window = max(n // 4, 1)
    room = np.zeros((n_rows, n_groups)) if gate is not None else None
    # What the compiled loops take that does not change from year to year.
    compiled = None
    if fused is not None or fused_saver is not None:
        compiled = _CompiledInputs.of(returns, portfolio, ch, rebalances, unwinds, gate, n, room)

    for year in range(sc.n_years):
        periods = range(year * n, (year + 1) * n)
        # Core return of every group over the year's periods, period-major (n, S, G), and
        # growth net of expenses and of the outflow that follows.
        # (The compiled saver loop forms them itself; the compiled pool loop takes the
        # portfolios' returns and forms each group's growth.)
        if fused_saver is None:
            r = returns[:, periods.start : periods.stop, :]
            by_portfolio = np.zeros((*r.shape[:2], weights.shape[2]))  # (S, n, F)
            for a in range(weights.shape[1]):
                by_portfolio += r[:, :, a, None] * weights[year, a]
            if fused is None or ch is None:
                rho = np.ascontiguousarray(by_portfolio[:, :, portfolio].transpose(1, 0, 2))
                growth = rho + (1.0 - core_expense[year])
                growth *= keep[year]
        if contributions.ndim == 4:  # per scenario: (K, S, Y, G)
            contrib = contributions[:, rows, year, :] / n
        else:
            contrib = contributions[:, year, None, :] / n  # (K, 1, G)
        if sc.contribution_scale is not None:
            contrib = contrib * sc.contribution_scale[rows, year, None]
        kept.fill(0.0)
        kept_asset.fill(0.0)

        if hold is None or ch is None or asset_growth is None:
            if sc.withdraw is not None:
                taken = sc.withdraw(year, rows, N)
                N -= taken
                out.pool_outflows[rows, year] += taken[0].sum(axis=-1)
                if led is not None:
                    led.withdrawals[:, rows, year] = taken
            if fused_saver is not None and compiled is not None:
                # The year's sums start from zero in the ledger too, so the bits are the same.
                invested = np.zeros((n_rows, n_groups))
                charged = np.zeros((n_rows, n_groups))
                fused_saver(
                    N, compiled.returns, periods.start, n, np.ascontiguousarray(weights[year]),
                    compiled.portfolio, 1.0 - core_expense[year], keep[year], core_expense[year],
                    np.ascontiguousarray(np.broadcast_to(contrib, N.shape)),
                    kept, invested, charged, led is not None,
                )  # fmt: skip
                if led is not None:
                    led.investment_return[rows, year] += invested
                    led.fees[rows, year] += charged
            else:
                for k in range(n):
                    if led is not None:
                        led.investment_return[rows, year] += N[0] * rho[k]
                        led.fees[rows, year] += N[0] * core_expense[year]
                    N *= growth[k]
                    kept += N[0]
                    N += contrib
        else:
            h = ch.holder_share[:, year]
            share = ch.target_share[:, year]
            new_money = ch.new_money_share[:, year]
            out.flows[rows, year, 0] += _adopt(N, hold, h, h_prev, share)
            c_holder = np.multiply(h, contrib, order="C")
            c_non = contrib - c_holder
            c_asset = np.multiply(new_money, c_holder, order="C")
            c_core = c_holder - c_asset
            out.flows[rows, year, 1] = c_asset[0].sum(axis=-1) * n
            rebalance_on = ch.rebalance_on[:, year, None]
            X, Y, Z = hold.X, hold.Y, hold.Z
            if fused is not None and compiled is not None:
                _fused_year(
                    fused, compiled, N, hold, by_portfolio, 1.0 - core_expense[year],
                    asset_growth, keep[year], (c_non, c_asset, c_core, c_holder), share,
                    ch.rebalance_on[:, year], periods.start, n, kept, kept_asset, out, rows, year,
                )  # fmt: skip
            else:
                for k, t in enumerate(periods):
                    if room is not None and gate is not None and k % window == 0 and k < 4 * window:
                        # A new quarter: its allowance. With n not a multiple of 4 the last
                        # quarter runs to the year end.
                        np.multiply(X[0], gate * max(4 // n, 1), out=room)
                    if led is not None:
                        core = N[0] + Y[0]
                        led.investment_return[rows, year] += (
                            core * rho[k] + X[0] * returns[:, t, asset, None]
                        )
                        led.fees[rows, year] += core * core_expense[year] + X[0] * expense[asset]
                    # Market, then outflows: core growth already nets the outflow.
                    N *= growth[k]
                    Y *= growth[k]
                    Z *= growth[k]
                    g = asset_growth[:, t, None]
                    out.asset_return[rows, year] += (g[:, 0] - 1.0) * X[0].sum(axis=-1)
                    X *= g
                    X *= keep[year]
                    kept_asset += X[0]
                    np.add(N[0], Y[0], out=tmp)
                    kept += tmp
                    # Contributions.
                    N += c_non
                    X += c_asset
                    Y += c_core
                    Z += c_holder
                    # Rebalancing and unwinding.
                    if rebalances[t]:
                        out.flows[rows, year, 3] += _rebalance(
                            hold,
                            share,
                            ch.rebalance_fraction[t] * rebalance_on,
                            room,
                            out.blocked_sales[rows, year],
                        )
                    if unwinds[t]:
                        sold = np.multiply(X, ch.unwind[:, t, None], order="C")
                        if room is not None:
                            np.negative(sold, out=sold)
                            out.blocked_sales[rows, year] += _gate_sales(sold, room)
                            np.negative(sold, out=sold)
                        X -= sold
                        Y += sold
                        out.flows[rows, year, 0] -= sold[0].sum(axis=-1)

        # Outflows: what stayed after each period's payout times o / (1 - o).
        kept *= drain[year]
        kept_asset *= drain[year]
        out.flows[rows, year, 2] = -kept_asset.sum(axis=-1)
        out.pool_outflows[rows, year] += kept.sum(axis=-1) + kept_asset.sum(axis=-1)
        outflow = kept + kept_asset
        if led is not None:
            led.outflows[rows, year] += outflow
        if part_shares is not None:
            for part, share in enumerate(part_shares[:, year]):
                by_part = outflow * share
                out.outflow_by_part[rows, year, part] = by_part.sum(axis=-1)
                if led is not None:
                    led.outflow_parts[part, rows, year] = by_part

        fee = prep.flat_fee[year]
        if fee.any():
            paid = _charge_fees(N, hold, fee, h, ch.new_money_share[:, year] if ch else None)
            out.asset_return[rows, year] -= paid[1]
            if led is not None:
                led.fees[rows, year] += paid[0]

        if hold is not None:
            X, Y = hold.X, hold.Y
            out.holdings[rows, year] = X[0].sum(axis=-1)
            for c, mask in enumerate(in_channel):
                out.holdings_by_channel[rows, year, c] = (X[0] * mask).sum(axis=-1)
            out.pool_assets[rows, year] = (N[0] + X[0] + Y[0]).sum(axis=-1)
            h_prev = h
        else:
            out.pool_assets[rows, year] = N[0].sum(axis=-1)
        if led is not None:
            led.balance[:, rows, year] = N if hold is None else N + hold.X + hold.Y

    out.final_non_holder[rows] = N[0]
    if hold is not None:
        out.final_holder[rows] = hold.X[0] + hold.Y[0]
        out.final_holder_asset[rows] = hold.X[0]
        out.final_counterfactual[rows] = hold.Z[0]
        out.final_holder_share[rows] = h
