"""From a scenario and a population to the engine's arrays: groups and channel inputs.

Cells are grouped by every attribute that sets a rule multiplying a
balance (see :mod:`alt401k.engine`): plan segment (adoption path, cap, fee),
default-fund investor or not (channel, core portfolio), five-year birth
cohort (target-date vintage: glide path and age-based outflow rates),
working or not, and retirement age. Contributions, balances and people are
summed within a group, which is exact because balances are linear in them.

Rules that depend on age are rules of the cohort: the target-date glide
path of its vintage (central birth year ``5c + 2``) and the outflow rate
averaged over its five birth years; contributions use each cell's exact
age (catch-ups at 50 and 60-63) and retirement age.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .adoption import (
    Distribution,
    as_curve,
    as_rebalancing,
    sample_parameter,
)
from .contributions import annual_contributions
from .engine import ChannelInputs, GroupSchedule
from .outflows import outflow_rate
from .portfolio import Portfolio, target_date_weights

if TYPE_CHECKING:
    from .population import Population
    from .scenario import Scenario

__all__ = ["PoolLayout", "build_channel", "build_layout"]

#: Channel codes of groups.
ACTIVE, DEFAULT, NONE = 0, 1, 2
CHANNEL_NAMES = ("active", "default", "none")


@dataclass(frozen=True)
class PoolLayout:
    """Groups of cells and their deterministic schedule.

    Attributes
    ----------
    groups : DataFrame, one row per group
        ``segment, default_investor, cohort, working, retirement_age,
        age`` (central age at the start), ``people``, ``balance`` (dollars,
        all people), ``channel`` (active, default or none).
    cell_group : ndarray, shape (P,), int
        Group of each cell.
    schedule : GroupSchedule
    contributions_by_source : ndarray, shape (Y, 3)
        Pool contributions per year: employee pre-tax, employee Roth,
        employer, dollars.
    default_share : ndarray, shape (Y, G)
        Sleeve share of the default fund for default-channel groups.
    """

    groups: pd.DataFrame
    cell_group: np.ndarray
    schedule: GroupSchedule
    contributions_by_source: np.ndarray
    default_share: np.ndarray


def build_layout(
    scenario: Scenario, population: Population, names: tuple[str, ...], periods_per_year: int
) -> PoolLayout:
    """Group the population's cells and build the engine's schedule."""
    n_years = scenario.horizon_years
    start_year = population.start_year
    segments = {seg.name: seg for seg in scenario.segments}
    seg_names = list(segments)
    seg_code = np.array([seg_names.index(s) for s in population.segment])
    default_on = scenario.default_fund is not None
    cohort = (start_year - population.age.astype(int)) // 5
    key = np.stack(
        [
            seg_code,
            population.default_investor.astype(int),
            cohort,
            population.working.astype(int),
            population.retirement_age.astype(int),
        ],
        axis=1,
    )
    unique, cell_group = np.unique(key, axis=0, return_inverse=True)
    cell_group = cell_group.reshape(-1)
    n_groups = unique.shape[0]
    weight = population.weight
    people = np.bincount(cell_group, weights=weight, minlength=n_groups)
    balance = np.bincount(cell_group, weights=weight * population.balance, minlength=n_groups)

    g_segment = unique[:, 0]
    g_default = unique[:, 1].astype(bool)
    g_cohort = unique[:, 2]
    g_working = unique[:, 3].astype(bool)
    g_retire = unique[:, 4]
    age0 = start_year - (5 * g_cohort + 2)  # central age at the start
    ages = age0[None, :] + np.arange(n_years)[:, None]  # (Y, G)

    channel = np.full(n_groups, NONE)
    if scenario.active_channel:
        channel[:] = ACTIVE
    if default_on:
        channel[g_default] = DEFAULT

    # Core portfolios: 0 is the pool portfolio; default investors hold their vintage's TDF.
    core = Portfolio(weights=scenario.pool_portfolio).target_weights(names)
    tdf_cohorts = np.unique(g_cohort[g_default])
    core_weights = np.empty((n_years, len(names), 1 + tdf_cohorts.size))
    core_weights[:, :, 0] = core
    if tdf_cohorts.size:
        tdf_ages = (start_year - (5 * tdf_cohorts + 2))[None, :] + np.arange(n_years)[:, None]
        core_weights[:, :, 1:] = target_date_weights(tdf_ages, names).transpose(1, 0, 2)
    portfolio = np.zeros(n_groups, dtype=int)
    portfolio[g_default] = 1 + np.searchsorted(tdf_cohorts, g_cohort[g_default])

    # Contributions, by segment plan, summed into groups.
    by_source = np.zeros((n_years, 3))
    contrib = np.zeros((n_years, n_groups))
    fee = np.zeros(n_groups)
    cells = population.cells()
    for code, name in enumerate(seg_names):
        rows = np.flatnonzero(seg_code == code)
        if rows.size == 0:
            continue
        plan = scenario.plan if scenario.plan is not None else segments[name].plan
        sub = population.subset(rows).cells()
        c = annual_contributions(
            sub,
            plan,
            start_year=start_year,
            n_years=n_years,
            indexing_rate=scenario.indexing_rate,
        )
        w = cells.weight[rows]
        for i, part in enumerate((c.employee_pretax, c.employee_roth, c.employer)):
            weighted = part * w[None, :]
            by_source[:, i] += weighted.sum(axis=1)
            for y in range(n_years):
                contrib[y] += np.bincount(cell_group[rows], weights=weighted[y], minlength=n_groups)
        fee += np.bincount(
            cell_group[rows], weights=w * plan.recordkeeping_fee, minlength=n_groups
        )
    if scenario.annual_contributions is not None:
        first = by_source[0].sum()
        scale = scenario.annual_contributions / first if first > 0 else 0.0
        contrib *= scale
        by_source *= scale

    if scenario.distribution_rate is not None:
        outflow = np.full((n_years, n_groups), scenario.distribution_rate)
    else:
        # The cohort's rate: the mean over its five birth years, so that the
        # cohort retires and ages through the rate table gradually.
        offsets = np.arange(-2, 3)[:, None, None]
        each = ages[None] + offsets
        outflow = outflow_rate(each, g_working[None, None, :] & (each < g_retire)).mean(axis=0)

    default_share = np.zeros((n_years, n_groups))
    if default_on:
        share = scenario.default_fund.share_at_age(ages)
        default_share[:, g_default] = share[:, g_default]

    schedule = GroupSchedule(
        core_weights=core_weights,
        portfolio=portfolio,
        expense_ratio=scenario.markets.subset(names).expense_ratios,
        contributions=contrib[None],
        balance0=balance[None],
        flat_fee=np.broadcast_to(fee, (n_years, n_groups)),
        outflow=outflow,
        periods_per_year=periods_per_year,
        asset=names.index(scenario.asset),
    )
    groups = pd.DataFrame(
        {
            "segment": np.array(seg_names)[g_segment],
            "default_investor": g_default,
            "cohort": 5 * g_cohort,
            "working": g_working,
            "retirement_age": g_retire,
            "age": age0,
            "people": people,
            "balance": balance,
            "channel": pd.Categorical.from_codes(channel, categories=list(CHANNEL_NAMES)),
        }
    )
    return PoolLayout(groups, cell_group, schedule, by_source, default_share)


def build_channel(
    scenario: Scenario,
    layout: PoolLayout,
    root: np.random.SeedSequence,
    start: int,
    stop: int,
    periods_per_year: int,
) -> tuple[ChannelInputs, dict[str, np.ndarray]]:
    """Draw the per-scenario adoption, allocation and reversal inputs for ``start:stop``.

    Returns
    -------
    ChannelInputs
    draws : dict of str to ndarray (S,)
        Every per-scenario draw (uncertain curve parameters, allocation
        share, reversal year), kept in the results.
    """
    n = periods_per_year
    n_years = scenario.horizon_years
    n_rows = stop - start
    groups = layout.groups
    n_groups = len(groups)
    channel = groups["channel"].cat.codes.to_numpy()
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
    seg_of_group = np.array([seg_names.index(name) for name in groups["segment"]])
    holder = by_segment[:, :, seg_of_group]
    holder[:, :, channel == ACTIVE] *= opt_in[:, :, None]
    holder[:, :, channel == NONE] = 0.0
    if np.any(channel == DEFAULT):
        target = np.where(
            channel == DEFAULT, layout.default_share[None], allocation[:, None, None]
        )
    else:  # a broadcast view: every group holds the drawn allocation share
        target = np.broadcast_to(allocation[:, None, None], holder.shape)
    new_money = target
    rebalance_on = np.ones((n_rows, n_years))
    unwind = np.zeros((n_rows, n_years * n))

    active_rule = as_rebalancing(scenario.rebalancing)
    fraction = np.zeros((n_years * n, n_groups))
    rules = [(ACTIVE, active_rule)]
    if scenario.default_fund is not None:
        rules.append((DEFAULT, scenario.default_fund.rebalancing))
    for code, rule in rules:
        every = rule.every(n)
        if every:
            dates = (np.arange(n_years * n) + 1) % every == 0
            fraction[np.ix_(dates, channel == code)] = rule.fraction

    reversal = scenario.reversal
    if reversal is not None:
        tau = reversal.reversal_years(root, start, stop)
        draws["reversal_year"] = tau
        years = np.arange(n_years)
        after = years[None, :] > tau[:, None]  # (S, Y): rules rescinded
        frozen_at = np.minimum(tau, n_years - 1)
        last = np.take_along_axis(holder, frozen_at[:, None, None], axis=1)
        holder = np.where(after[:, :, None], last, holder)
        if reversal.treatment in ("freeze", "unwind"):
            new_money = np.where(after[:, :, None], 0.0, target)
            rebalance_on[after] = 0.0
        if reversal.treatment == "unwind":
            window = reversal.unwind_years * n
            period = np.arange(n_years * n)[None, :]
            j = period - (tau[:, None].astype(np.int64) + 1) * n
            inside = (j >= 0) & (j < window)
            unwind = np.where(inside, 1.0 / np.maximum(window - j, 1), 0.0)
    channel_inputs = ChannelInputs(
        holder_share=holder,
        target_share=target,
        new_money_share=new_money,
        rebalance_fraction=fraction,
        rebalance_on=rebalance_on,
        unwind=unwind,
        channel=channel,
    )
    return channel_inputs, draws


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

