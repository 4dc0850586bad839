"""The kernel: one time loop that rolls every account in alt401k forward.

Nothing here knows about pydantic or random numbers. A single saver and the
whole DC pool go through the same function, :func:`simulate`: a saver is one
group of one cell; the pool is the sum of its groups.

**Groups.** A group is the set of participant cells that share every rule
that *multiplies* a balance: the core portfolio (a fund rebalanced every
period), the yearly outflow rate, the flat fee schedule, and, when an
alternative asset is offered, the adoption path, allocation share and
rebalancing rule. Balances are linear in opening balances and contributions
given the returns, so the sum of a group's cells follows the same recursion
as one cell with the summed inputs: aggregating cells into groups is exact
(to rounding), not an approximation. Per-person results are group totals
divided by the people they represent.

**State.** Per scenario and group, with the leading axis ``K`` over money
sources (``K = 1``: all money; ``K = 2``: all money and its Roth part, which
follows the same rules):

* ``N`` -- balances of people who do not hold the alternative asset, all in
  the core portfolio;
* ``X``, ``Y`` -- balances of holders: in the asset, and in the core;
* ``Z`` -- the holders' counterfactual: what ``X + Y`` would be had they
  never held the asset (same people, same contributions, core only).

**One period** ``t`` of year ``y`` (``n`` periods a year):

1. *Adoption* (first period of the year): a share
   :math:`q = (H_y - H_{y-1}) / (1 - H_{y-1})` of ``N`` joins the holders,
   where :math:`H_y` is the cumulative share of people holding; a share
   :math:`s_y` of what moves buys the asset (*reallocation*):
   ``X += s q N``, ``Y += (1 - s) q N``, ``Z += q N``, ``N -= q N``.
2. *Market*: core money grows by :math:`1 + \\rho_t - \\phi` (portfolio
   return, expense ratio per period on the start-of-period value); the
   asset by :math:`1 + r_t - e / n`.
3. *Outflows*: a share :math:`o = 1 - (1 - d_y)^{1/n}` of every balance is
   paid out (withdrawals, separations, rollovers), so an annual rate
   :math:`d_y` removes exactly :math:`d_y` of a flat balance over a year.
4. *Contributions* :math:`c_y / n`: non-holders' part to ``N``; holders
   direct a share :math:`m_y` (the new-money share) to ``X``.
5. *Rebalancing* (on the group's dates): a share ``f`` of holders trades
   back to the target, ``trade = f (s (X + Y) - X)``, each money source
   separately.
6. *Unwinding* (after a policy reversal): a share ``u_t`` of ``X`` is sold
   into ``Y`` (recorded as negative *reallocation*).
7. *Flat fee* (last period of the year): the group's yearly dollar fee,
   split between non-holders and holders by their share of people; holders
   pay the share :math:`m_y` of theirs from ``X`` and the rest from ``Y``
   (as their new money goes, which keeps the rule linear in balances); no
   charge exceeds the balance it is taken from, and each money source pays
   pro rata.

Money is conserved: for the asset, ``holdings[y] = holdings[y-1] +
flows[y].sum() + asset_return[y]`` where ``asset_return`` is the market
gain net of expenses and flat fees; for a group's ledger, ``balance[y] =
balance[y-1] + contributions + investment_return - fees - outflows``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = [
    "COMPONENTS",
    "ChannelInputs",
    "EnginePaths",
    "GroupSchedule",
    "Ledger",
    "period_rate",
    "simulate",
]

#: Causes of net purchases of the alternative asset, the last axis of ``EnginePaths.flows``.
COMPONENTS = ("reallocation", "contributions", "distributions", "rebalancing")

#: Target bytes of one state array per row block: small enough to stay in cache.
_BLOCK_BYTES = 1 << 19


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
    contributions : ndarray, shape (K, Y, G)
        Contributions per year, dollars (index 0: all money; 1: Roth part).
    balance0 : ndarray, shape (K, G)
        Opening balances, dollars.
    flat_fee : ndarray, shape (Y, G)
        Flat fees per year (people x per-person fee), dollars.
    outflow : ndarray, shape (Y, G)
        Annual outflow rate, fraction of the balance paid out per year.
    periods_per_year : int
        Periods per year n; returns have T = Y * n periods.
    asset : int or None
        Index of the alternative asset on the returns' asset axis, or None
        when no channel is simulated.
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

    @property
    def n_groups(self) -> int:
        return int(self.portfolio.shape[0])

    @property
    def n_years(self) -> int:
        return int(self.contributions.shape[1])


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
    """

    holder_share: np.ndarray
    target_share: np.ndarray
    new_money_share: np.ndarray
    rebalance_fraction: np.ndarray
    rebalance_on: np.ndarray
    unwind: np.ndarray
    channel: np.ndarray


@dataclass(frozen=True)
class Ledger:
    """Per-group yearly ledger, recorded when asked for (small G only).

    ``balance`` (K, S, Y, G): year-end balance by money source (holders'
    and non-holders' money together); ``investment_return``,
    ``fees``, ``outflows`` (S, Y, G): market gain gross of expenses,
    expenses plus flat fees, and money paid out, dollars per year.
    """

    balance: np.ndarray
    investment_return: np.ndarray
    fees: np.ndarray
    outflows: np.ndarray


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
    holdings_by_channel : ndarray, shape (S, Y, 2)
        ``holdings`` split by channel (active, default).
    pool_assets : ndarray, shape (S, Y)
        All balances at each year end, dollars.
    pool_outflows : ndarray, shape (S, Y)
        All money paid out of the plans each year, dollars.
    final_non_holder, final_holder, final_holder_asset, final_counterfactual : ndarray, shape (S, G)
        Balances at the horizon (all money): ``N``, ``X + Y``, ``X`` and ``Z``.
    ledger : Ledger or None
    """

    flows: np.ndarray
    asset_return: np.ndarray
    holdings: np.ndarray
    holdings_by_channel: np.ndarray
    pool_assets: np.ndarray
    pool_outflows: np.ndarray
    final_non_holder: np.ndarray
    final_holder: np.ndarray
    final_holder_asset: np.ndarray
    final_counterfactual: np.ndarray
    ledger: Ledger | None = None


def simulate(
    returns: np.ndarray,
    schedule: GroupSchedule,
    channel: ChannelInputs | None = None,
    *,
    record_ledger: bool = False,
) -> EnginePaths:
    """Roll G groups of accounts forward over return paths.

    Parameters
    ----------
    returns : ndarray, shape (S, T, A)
        Per-period simple returns of every asset the schedule uses.
    schedule : GroupSchedule
        Portfolios, contributions, opening balances, fees and outflows.
    channel : ChannelInputs, optional
        Adoption, allocation and rebalancing of the alternative asset
        ``schedule.asset``; without it nobody holds the asset separately
        (a sleeve may still sit inside a core portfolio's weights).
    record_ledger : bool
        Also return per-group yearly ledgers (memory S x Y x G per item).

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
    out = _allocate(n_scenarios, n_years, n_groups, k_sources, record_ledger)
    rows = max(8, _BLOCK_BYTES // (8 * k_sources * n_groups))
    for lo in range(0, n_scenarios, rows):
        hi = min(lo + rows, n_scenarios)
        block = None if channel is None else _slice_channel(channel, lo, hi)
        _simulate_rows(returns[lo:hi], schedule, block, out, lo, hi, record_ledger)
    return out


def _allocate(s: int, y: int, g: int, k: int, ledger: bool) -> EnginePaths:
    return EnginePaths(
        flows=np.zeros((s, y, len(COMPONENTS))),
        asset_return=np.zeros((s, y)),
        holdings=np.zeros((s, y)),
        holdings_by_channel=np.zeros((s, y, 2)),
        pool_assets=np.zeros((s, y)),
        pool_outflows=np.zeros((s, y)),
        final_non_holder=np.zeros((s, g)),
        final_holder=np.zeros((s, g)),
        final_holder_asset=np.zeros((s, g)),
        final_counterfactual=np.zeros((s, g)),
        ledger=(
            Ledger(
                balance=np.zeros((k, s, y, g)),
                investment_return=np.zeros((s, y, g)),
                fees=np.zeros((s, y, g)),
                outflows=np.zeros((s, y, g)),
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
    )


def _simulate_rows(
    returns: np.ndarray,
    sc: GroupSchedule,
    ch: ChannelInputs | None,
    out: EnginePaths,
    lo: int,
    hi: int,
    record_ledger: bool,
) -> None:
    n = sc.periods_per_year
    n_rows = hi - lo
    n_groups = sc.n_groups
    k_sources = sc.contributions.shape[0]
    shape = (k_sources, n_rows, n_groups)
    portfolio = np.asarray(sc.portfolio)
    expense = np.asarray(sc.expense_ratio, dtype=float) / n
    core_expense = np.einsum("yaf,a->yf", sc.core_weights, expense)[:, portfolio]  # (Y, G)
    keep = 1.0 - period_rate(sc.outflow, n)  # (Y, G)
    # Outflow per period as a share of what stays (no group pays out everything).
    drain = (1.0 - keep) / keep

    N = np.empty(shape)
    N[:] = np.asarray(sc.balance0, dtype=float)[:, None, :]
    held = ch is not None
    if held:
        X, Y, Z = np.zeros(shape), np.zeros(shape), np.zeros(shape)
        asset_growth = 1.0 + returns[:, :, sc.asset] - expense[sc.asset]  # (S, T)
        channel_masks = [(np.asarray(ch.channel) == c).astype(float) for c in (0, 1)]
    tmp = np.empty((n_rows, n_groups))
    kept = np.empty((n_rows, n_groups))
    h_prev = np.zeros((n_rows, n_groups))
    led = out.ledger

    for year in range(sc.n_years):
        lo_t, hi_t = year * n, (year + 1) * n
        # Core return of every group for the year's periods, period-major (n, S, G).
        rho = np.matmul(returns[:, lo_t:hi_t, :], sc.core_weights[year])[:, :, portfolio]
        rho = np.ascontiguousarray(rho.transpose(1, 0, 2))
        # Growth net of expenses and of the outflow that follows it.
        growth = rho + (1.0 - core_expense[year])
        growth *= keep[year]
        contrib = np.asarray(sc.contributions, dtype=float)[:, year, None, :] / n  # (K, 1, G)
        kept.fill(0.0)

        if held:
            h = ch.holder_share[:, year]
            share = ch.target_share[:, year]
            joining = np.divide(h - h_prev, 1.0 - h_prev, out=np.zeros_like(h), where=h_prev < 1.0)
            moved = np.multiply(joining, N, order="C")
            N -= moved
            bought = np.multiply(share, moved, order="C")
            X += bought
            Y += moved
            Y -= bought
            Z += moved
            out.flows[lo:hi, year, 0] += bought[0].sum(axis=-1)
            c_holder = np.multiply(h, contrib, order="C")
            c_non = contrib - c_holder
            new_money = ch.new_money_share[:, year]
            c_asset = np.multiply(new_money, c_holder, order="C")
            c_core = c_holder - c_asset
            out.flows[lo:hi, year, 1] = c_asset[0].sum(axis=-1) * n
            outflow_rate = 1.0 - keep[year]
            rebalance_on = ch.rebalance_on[:, year, None]
        else:
            c_non = contrib

        for k in range(n):
            t = lo_t + k
            if record_ledger:
                core = N[0] + Y[0] if held else N[0]
                led.investment_return[lo:hi, year] += core * rho[k]
                led.fees[lo:hi, year] += core * core_expense[year]
                if held:
                    led.investment_return[lo:hi, year] += X[0] * returns[:, t, sc.asset, None]
                    led.fees[lo:hi, year] += X[0] * expense[sc.asset]
            N *= growth[k]
            if held:
                Y *= growth[k]
                Z *= growth[k]
                g = asset_growth[:, t, None]
                out.asset_return[lo:hi, year] += (g[:, 0] - 1.0) * X[0].sum(axis=-1)
                X *= g
                np.multiply(X[0], outflow_rate, out=tmp)
                out.flows[lo:hi, year, 2] -= tmp.sum(axis=-1)
                if record_ledger:
                    led.outflows[lo:hi, year] += tmp
                X *= keep[year]
                np.add(N[0], Y[0], out=tmp)
                kept += tmp
                N += c_non
                X += c_asset
                Y += c_core
                Z += c_holder
                fraction = ch.rebalance_fraction[t]
                if fraction.any():
                    trade = X + Y
                    trade *= share
                    trade -= X
                    trade *= fraction
                    trade *= rebalance_on
                    X += trade
                    Y -= trade
                    out.flows[lo:hi, year, 3] += trade[0].sum(axis=-1)
                u = ch.unwind[:, t, None]
                if u.any():
                    sold = np.multiply(X, u, order="C")
                    X -= sold
                    Y += sold
                    out.flows[lo:hi, year, 0] -= sold[0].sum(axis=-1)
            else:
                kept += N[0]
                N += c_non

        # Outflows from the core: what stayed each period times o / (1 - o).
        kept *= drain[year]
        out.pool_outflows[lo:hi, year] = kept.sum(axis=-1) - out.flows[lo:hi, year, 2]
        if record_ledger:
            led.outflows[lo:hi, year] += kept

        # Flat fee at year end, split by people between non-holders and holders.
        fee = np.asarray(sc.flat_fee[year], dtype=float)
        if fee.any():
            fee_holders = h * fee if held else np.zeros_like(fee)
            paid = _charge(N, fee - fee_holders)
            if held:
                # Holders pay from the asset and the core in the proportion their new money
                # goes (linear in balances, so groups of cells add up exactly).
                from_asset = _charge(X, fee_holders * new_money)
                out.asset_return[lo:hi, year] -= from_asset.sum(axis=-1)
                paid = paid + from_asset + _charge(Y, fee_holders * (1.0 - new_money))
                _charge(Z, fee_holders)
            if record_ledger:
                led.fees[lo:hi, year] += paid

        if held:
            out.holdings[lo:hi, year] = X[0].sum(axis=-1)
            for c, mask in enumerate(channel_masks):
                out.holdings_by_channel[lo:hi, year, c] = (X[0] * mask).sum(axis=-1)
            out.pool_assets[lo:hi, year] = (N[0] + X[0] + Y[0]).sum(axis=-1)
            h_prev = h
        else:
            out.pool_assets[lo:hi, year] = N[0].sum(axis=-1)
        if record_ledger:
            led.balance[:, lo:hi, year] = N + X + Y if held else N

    out.final_non_holder[lo:hi] = N[0]
    if held:
        out.final_holder[lo:hi] = X[0] + Y[0]
        out.final_holder_asset[lo:hi] = X[0]
        out.final_counterfactual[lo:hi] = Z[0]


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
