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

   *Redemption gate* (``GroupSchedule.gate = g``, optional): sales in steps
   5 and 6 are capped so that a group's cumulative sales within a calendar
   quarter never exceed ``g`` times its holdings ``X`` at the start of the
   quarter (the top of the quarter's first period, after the year's
   adoption in the first quarter); a trade that would sell more is scaled
   down, every money source in proportion. Purchases are never gated.
   The blocked amount (desired minus executed sale) is recorded in
   ``blocked_sales``; it is not queued (the next rebalancing recomputes its
   trade from the balances, and an unwinding's blocked part stays held).
   With fewer than four periods a year the window is one period and the
   cap ``g x 4 / n`` of its starting holdings.
7. *Flat fee* (last period of the year): the group's yearly dollar fee,
   split between non-holders and holders by their share of people; holders
   pay the share :math:`m_y` of theirs from ``X`` and the rest from ``Y``
   (as their new money goes, which keeps the rule linear in balances); no
   charge exceeds the balance it is taken from, and each money source pays
   pro rata.

Runs without a channel may also take **withdrawals by rule** at the start of
each year (``GroupSchedule.withdraw``: the retirement phase), recorded by
money source.

Money is conserved (with or without a gate): for the asset, ``holdings[y] = holdings[y-1] +
flows[y].sum() + asset_return[y]`` where ``asset_return`` is the market
gain net of expenses and flat fees; for a group's ledger, ``balance[y] =
balance[y-1] + contributions + investment_return - fees - outflows``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module

import numpy as np

__all__ = [
    "BACKENDS",
    "COMPONENTS",
    "ChannelInputs",
    "EnginePaths",
    "GroupSchedule",
    "Ledger",
    "check_backend",
    "period_rate",
    "simulate",
]

#: Implementations of the period loop (see :func:`simulate`).
BACKENDS = ("numpy", "numba")

#: Causes of net purchases of the alternative asset, the last axis of ``EnginePaths.flows``.
COMPONENTS = ("reallocation", "contributions", "distributions", "rebalancing")

#: Target bytes of one state array per row block: the dozen arrays a period touches stay in
#: the core's cache (measured: 2**16 is 16% faster than 2**19 for 246 groups).
_BLOCK_BYTES = 1 << 16


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
        from ._kernel_numba import saver_periods, year_periods

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


@dataclass
class _Holders:
    """Holders' state in a row block: asset X, core Y, counterfactual Z, (K, S, G) each."""

    X: np.ndarray
    Y: np.ndarray
    Z: np.ndarray


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
