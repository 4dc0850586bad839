"""Per-scenario channel inputs of a pool run: adoption, opt-in, allocation, rebalancing, unwinding.

:func:`build_channel` draws a block of scenarios' uncertain knobs (kept in
the results) and turns them into the engine's
:class:`~alt401k.engine.ChannelInputs`, row block by row block.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from ..adoption import (
    Distribution,
    as_curve,
    as_rebalancing,
    sample_parameter,
)
from ..engine import ChannelInputs
from .groups import ACTIVE, DEFAULT, NONE, PoolLayout

if TYPE_CHECKING:
    from ..scenario import Scenario


__all__ = ["build_channel"]


def build_channel(
    scenario: Scenario,
    layout: PoolLayout,
    root: np.random.SeedSequence,
    start: int,
    stop: int,
    periods_per_year: int,
) -> tuple[
    Callable[[int, int], ChannelInputs],
    Callable[[int, int], ChannelInputs] | None,
    dict[str, np.ndarray],
]:
    """Draw the per-scenario adoption, allocation and reversal inputs for ``start:stop``.

    Returns
    -------
    rows : callable
        ``rows(lo, hi)`` expands the draws into the :class:`ChannelInputs` of
        rows ``lo:hi`` of the chunk for the groups outside the brokerage
        window (``layout.main_groups``), in their order (the engine asks block
        by block, so the (S, Y, G) arrays never exist for a whole chunk).
    window_rows : callable or None
        The same for the window groups (``layout.window_groups``); None
        without a window.
    draws : dict of str to ndarray (S,)
        Every per-scenario draw (uncertain curve parameters, allocation
        share, reversal year), kept in the results.

    Notes
    -----
    With a start state (``Scenario.start_state_in_force()``) the share of a
    segment's plans offering the asset is ``H0 + (1 - H0) C(y)`` and the
    opt-in ``o0 + (1 - o0) O(y)``; the people already holding, ``H0 o0``,
    start with their allocation in the asset. With product availability, the
    share offering is at most the share of plans with access at the end of
    the year (and never below the start). The brokerage window's holders
    follow its own curve from its start share; a reversal of the rules does
    not touch the window, which predates them.
    """
    n = periods_per_year
    n_years = scenario.horizon_years
    n_rows = stop - start
    groups = layout.groups
    channel_all = groups["channel"].cat.codes.to_numpy()
    main = layout.main_groups
    channel = channel_all[main]
    n_groups = main.size
    draws: dict[str, np.ndarray] = {}

    # Sponsor adoption by segment, (S, Y) each.
    adoption: dict[str, np.ndarray] = {}
    if isinstance(scenario.sponsor_adoption, str):
        for seg in scenario.segments:
            curve = seg.adoption
            key = f"sponsor_adoption/{seg.name}"
            adoption[seg.name] = curve.year_shares(root, key, start, stop, n_years)
            _keep_draws(draws, curve, root, key, start, stop)
    else:
        curve = as_curve(scenario.sponsor_adoption, name="sponsor_adoption")
        shared = curve.year_shares(root, "sponsor_adoption", start, stop, n_years)
        _keep_draws(draws, curve, root, "sponsor_adoption", start, stop)
        adoption = {seg.name: shared for seg in scenario.segments}
    opt_curve = as_curve(scenario.opt_in_rate, name="opt_in_rate")
    opt_in = opt_curve.year_shares(root, "opt_in_rate", start, stop, n_years)
    _keep_draws(draws, opt_curve, root, "opt_in_rate", start, stop)
    allocation = sample_parameter(
        scenario.allocation_share, root=root, key="allocation_share", start=start, stop=stop
    )
    if isinstance(scenario.allocation_share, Distribution):
        draws["allocation_share"] = allocation

    seg_names = [seg.name for seg in scenario.segments]
    by_segment = np.stack([adoption[name] for name in seg_names], axis=-1)  # (S, Y, segments)
    seg_of_group = np.array([seg_names.index(name) for name in groups["segment"]])[main]

    state = scenario.start_state_in_force()
    h0 = np.zeros(len(seg_names))
    o0 = 0.0
    if state is not None:
        h0 = np.array([state.sponsor_share_of(name) for name in seg_names])
        o0 = state.opt_in_share
        by_segment = h0 + (1.0 - h0) * by_segment
        opt_in = o0 + (1.0 - o0) * opt_in
    availability = scenario.availability_in_force()
    if availability is not None:
        year_end = scenario.start_year + np.arange(1, n_years + 1, dtype=float)
        access = np.stack([availability.share(name, year_end) for name in seg_names], axis=-1)
        by_segment = np.minimum(by_segment, np.maximum(access, h0))

    active_rule = as_rebalancing(scenario.rebalancing)
    rules = [(ACTIVE, active_rule)]
    stay = scenario.default_fund is not None and scenario.default_fund.existing_balances == "stay"
    if scenario.default_fund is not None and not stay:
        rules.append((DEFAULT, scenario.default_fund.rebalancing))
    fraction = _rebalance_fractions(rules, channel, n_years, n)

    rebalance_on = np.ones((n_rows, n_years))
    unwind = np.zeros((n_rows, n_years * n))
    after = np.zeros((n_rows, n_years), dtype=bool)
    reversal = scenario.reversal
    if reversal is not None:
        tau = reversal.reversal_years(root, start, stop)
        draws["reversal_year"] = tau
        after = np.arange(n_years)[None, :] > tau[:, None]  # (S, Y): rules rescinded
        # No new adoption after the reversal: shares stay at their level in year tau.
        frozen = np.minimum(np.arange(n_years)[None, :], tau[:, None])
        by_segment = np.take_along_axis(by_segment, frozen[:, :, None], axis=1)
        opt_in = np.take_along_axis(opt_in, frozen, axis=1)
        if reversal.treatment in ("freeze", "unwind"):
            rebalance_on[after] = 0.0
        else:
            after[:] = False  # "keep": new money goes on as before
        if reversal.treatment == "unwind":
            window = reversal.unwind_years * n
            period = np.arange(n_years * n)[None, :]
            j = period - (tau[:, None].astype(np.int64) + 1) * n
            inside = (j >= 0) & (j < window)
            unwind = np.where(inside, 1.0 / np.maximum(window - j, 1), 0.0)

    default_groups = channel == DEFAULT
    default_share = layout.default_share[:, main]
    initial = np.where(channel == ACTIVE, h0[seg_of_group] * o0, 0.0)  # (G,)

    def rows(lo: int, hi: int) -> ChannelInputs:
        """The channel inputs of rows ``lo:hi`` of the chunk, (hi - lo, Y, G) each."""
        holder = np.take(by_segment[lo:hi], seg_of_group, axis=2)
        np.multiply(holder, opt_in[lo:hi, :, None], out=holder, where=channel == ACTIVE)
        if np.any(channel == NONE):
            holder[:, :, channel == NONE] = 0.0
        target = np.where(default_groups, default_share[None], allocation[lo:hi, None, None])
        new_money = np.where(after[lo:hi, :, None], 0.0, target) if after.any() else target
        if stay:  # old money stays where it was: nothing bought at adoption, none rebalanced
            target = np.where(default_groups, 0.0, target)
        return ChannelInputs(
            holder_share=holder,
            target_share=target,
            new_money_share=new_money,
            rebalance_fraction=fraction,
            rebalance_on=rebalance_on[lo:hi],
            unwind=unwind[lo:hi],
            channel=channel,
            initial_holder_share=(
                np.broadcast_to(initial, (hi - lo, n_groups)) if initial.any() else None
            ),
        )

    window_rule = scenario.window_in_force()
    window_groups = layout.window_groups
    if window_rule is None or window_groups.size == 0:
        return rows, None, draws
    holders_curve = as_curve(window_rule.holders, name="brokerage_window.holders")
    taken_up = holders_curve.year_shares(root, "brokerage_window/holders", start, stop, n_years)
    _keep_draws(draws, holders_curve, root, "brokerage_window/holders", start, stop)
    first = window_rule.holders_start
    window_holders = first + (1.0 - first) * taken_up  # (S, Y)
    n_window = window_groups.size
    window_channel = np.zeros(n_window, dtype=channel.dtype)  # counted as held actively
    window_fraction = _rebalance_fractions(
        [(0, window_rule.rebalancing)], window_channel, n_years, n
    )
    share = window_rule.allocation_share

    def window_rows(lo: int, hi: int) -> ChannelInputs:
        """The window groups' channel inputs for rows ``lo:hi``, (hi - lo, Y, G_w) each."""
        holder = np.ascontiguousarray(
            np.broadcast_to(window_holders[lo:hi, :, None], (hi - lo, n_years, n_window))
        )
        target = np.full((hi - lo, n_years, n_window), share)
        return ChannelInputs(
            holder_share=holder,
            target_share=target,
            new_money_share=target,
            rebalance_fraction=window_fraction,
            rebalance_on=np.ones((hi - lo, n_years)),
            unwind=np.zeros((hi - lo, n_years * n)),
            channel=window_channel,
            initial_holder_share=np.full((hi - lo, n_window), first) if first > 0 else None,
        )

    return rows, window_rows, draws


def _rebalance_fractions(
    rules: list[tuple[int, Any]], channel: np.ndarray, n_years: int, n: int
) -> np.ndarray:
    """(T, G): the share of each group's holders trading back to target at each period end."""
    fraction = np.zeros((n_years * n, channel.size))
    for code, rule in rules:
        every = rule.every(n)
        if every:
            dates = (np.arange(n_years * n) + 1) % every == 0
            fraction[np.ix_(dates, channel == code)] = rule.fraction
    return fraction


def _keep_draws(
    draws: dict[str, np.ndarray],
    curve: Any,
    root: np.random.SeedSequence,
    key: str,
    start: int,
    stop: int,
) -> None:
    for name, values in curve.parameter_draws(root, key, start, stop).items():
        if isinstance(getattr(curve, name), Distribution):
            draws[f"{key}/{name}"] = values
