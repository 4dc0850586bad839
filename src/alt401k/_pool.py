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

Retirees' RMD-driven withdrawals apply to whole balances in the pool: the
pool carries all money as one source, so Roth 401(k) money (about 5% of the
synthetic population's assets) is not exempted there as it is for a saver.
A per-cell Roth share would break the exact sum over cells.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
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
from .outflows import outflow_parts, outflow_rate
from .portfolio import Portfolio, target_date_weights

if TYPE_CHECKING:
    from ._calibrate import FlowParameters
    from .population import ParticipantCells, Population
    from .scenario import Scenario

__all__ = ["PoolLayout", "build_channel", "build_layout"]

#: Channel codes of groups: the engine's holdings_by_channel counts 0 and 1; window groups
#: run in an engine call of their own.
ACTIVE, DEFAULT, NONE, WINDOW = 0, 1, 2, 3
CHANNEL_NAMES = ("active", "default", "none", "window")


@dataclass(frozen=True)
class PoolLayout:
    """Groups of cells and their deterministic schedule.

    Attributes
    ----------
    groups : DataFrame, one row per group
        ``segment, default_investor, cohort, working, retirement_age,
        age`` (central age at the start), ``people_start`` and ``people``
        (at the start and at the horizon, entrants included), ``balance``
        (opening, dollars, all people), ``pretax_share`` (opening pre-tax
        share of it), ``wages`` (pay per person in the last year, dollars under
        the assumed inflation; 0 for those not working), ``channel`` (active,
        default, none or window).
    cell_group : ndarray, shape (P,), int
        Group of each cell.
    schedule : GroupSchedule
    contributions_by_source : ndarray, shape (Y, 3)
        Pool contributions per year: employee pre-tax, employee Roth,
        employer, dollars.
    default_share : ndarray, shape (Y, G)
        Sleeve share of the default fund for default-channel groups.
    main_groups, window_groups : ndarray of int
        Groups outside and inside the brokerage window: they run in two
        engine calls on the same paths (the window has its own channel).
    outflow_names : tuple of str
        Causes of the outflows, in the order of ``schedule.outflow_parts``;
        the last, ``rollovers_in``, is a memo: job changers' plan-to-plan
        rollovers, which stay in the pool (not part of the outflow rate).
    """

    groups: pd.DataFrame
    cell_group: np.ndarray
    schedule: GroupSchedule
    contributions_by_source: np.ndarray
    default_share: np.ndarray
    outflow_names: tuple[str, ...] = ()
    main_groups: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    window_groups: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))

    def schedule_of(self, index: np.ndarray) -> GroupSchedule:
        """The schedule restricted to the groups ``index`` (all of them when it is every group)."""
        if index.size == self.schedule.n_groups:
            return self.schedule
        sc = self.schedule
        return replace(
            sc,
            portfolio=sc.portfolio[index],
            contributions=sc.contributions[..., index],
            balance0=sc.balance0[:, index],
            flat_fee=sc.flat_fee[:, index],
            outflow=sc.outflow[:, index],
            outflow_parts=None if sc.outflow_parts is None else sc.outflow_parts[..., index],
        )


@dataclass(frozen=True)
class _Cells:
    """Per-cell inputs of the pool, the population's cells followed by entrants."""

    segment: np.ndarray  # (P,) int code
    default_investor: np.ndarray  # (P,) bool
    cohort: np.ndarray  # (P,) int, birth year // 5
    working: np.ndarray  # (P,) bool
    retirement_age: np.ndarray  # (P,) int
    weight: np.ndarray  # (P,) people
    balance: np.ndarray  # (P,) dollars, all people of the cell
    roth_balance: np.ndarray  # (P,) its Roth part (reported, not used by the rules)
    contributions: np.ndarray  # (3, Y, P) dollars, all people, by source
    fee: np.ndarray  # (Y, P) flat fees, dollars, all people present
    entry: np.ndarray  # (P,) first year present (0 for the population's cells)
    wages: np.ndarray  # (P,) pay in the last year, dollars, all people of the cell


def _pool_cells(scenario: Scenario, population: Population, seg_names: list[str]) -> _Cells:
    """The population's cells and, if ``scenario.entrants``, the young workers who replace retirees.

    Entrants: in each year ``k >= 1`` as many people join as working cells
    reach their retirement age that year, so the number of working
    participants stays constant. They are copies of the population's working
    cells under 30 (same ages, segments, deferrals, default-fund use), with pay
    grown by their salary growth over ``k`` years, no balance, and weights in
    proportion to the template's.
    """
    n_years = scenario.horizon_years
    start_year = population.start_year
    segments = {seg.name: seg for seg in scenario.segments}
    parts: list[tuple[Population, int, np.ndarray]] = [(population, 0, population.weight)]
    if scenario.entrants and n_years > 1:
        young = np.flatnonzero(population.working & (population.age < 30))
        if young.size:
            template = population.subset(young)
            share = template.weight / template.weight.sum()
            age = population.age.astype(int)
            retiring = population.working & (age < population.retirement_age)
            for k in range(1, n_years):
                leaving = population.weight[retiring & (age + k == population.retirement_age)].sum()
                if leaving > 0:
                    parts.append((template, k, share * leaving))
    columns: dict[str, list[np.ndarray]] = {
        name: []
        for name in (
            "segment", "default_investor", "cohort", "working", "retirement_age", "weight",
            "balance", "roth_balance", "contributions", "fee", "entry", "wages",
        )
    }  # fmt: skip
    for cells, k, weight in parts:
        seg_code = np.array([seg_names.index(str(s)) for s in cells.segment])
        growth = (1.0 + cells.salary_growth) ** k
        columns["segment"].append(seg_code)
        columns["default_investor"].append(cells.default_investor.astype(bool))
        columns["cohort"].append((start_year + k - cells.age.astype(int)) // 5)
        columns["working"].append(cells.working.astype(bool))
        columns["retirement_age"].append(cells.retirement_age.astype(int))
        columns["weight"].append(weight)
        columns["balance"].append(weight * cells.balance if k == 0 else np.zeros(weight.size))
        columns["roth_balance"].append(
            weight * cells.roth_balance if k == 0 else np.zeros(weight.size)
        )
        contributions = np.zeros((3, n_years, weight.size))
        fee = np.zeros((n_years, weight.size))
        wages = np.zeros(weight.size)
        for code, name in enumerate(seg_names):
            rows = np.flatnonzero(seg_code == code)
            if rows.size == 0:
                continue
            plan = scenario.plan if scenario.plan is not None else segments[name].plan
            sub = cells.subset(rows).cells()
            if k:
                sub = replace(
                    sub,
                    salary=sub.salary * growth[rows],
                    prior_year_wages=sub.prior_year_wages * growth[rows],
                    balance=np.zeros(rows.size),
                    roth_balance=np.zeros(rows.size),
                )
            salary = None
            if scenario.pay is not None:
                salary = _profile_pay(scenario, sub, n_years - k)
            c = annual_contributions(
                sub,
                plan,
                start_year=start_year + k,
                n_years=n_years - k,
                indexing_rate=scenario.indexing_rate,
                salary=salary,
            )
            for i, part in enumerate((c.employee_pretax, c.employee_roth, c.employer)):
                contributions[i, k:, rows] = (part * weight[rows][None, :]).T
            fee[k:, rows] = plan.recordkeeping_fee * weight[rows]
            wages[rows] = np.where(c.active[-1], c.salary[-1], 0.0) * weight[rows]
        columns["contributions"].append(contributions)
        columns["fee"].append(fee)
        columns["wages"].append(wages)
        columns["entry"].append(np.full(weight.size, k))
    joined = {
        name: np.concatenate(values, axis=-1 if name in ("contributions", "fee") else 0)
        for name, values in columns.items()
    }
    return _Cells(**joined)


def _split_window(cells: _Cells, window: Any, seg_names: list[str]) -> tuple[_Cells, np.ndarray]:
    """Each cell that is not a default investor, split into its window users and the rest.

    The window users are a share ``window.people_share(segment)`` of the cell's people,
    with the same share of its balance, contributions and fees (linear, so exact).
    Returns the cells (originals first, then the window copies) and the copies' mask.
    """
    share = np.array([window.people_share(name) for name in seg_names])[cells.segment]
    share = np.where(cells.default_investor, 0.0, share)
    copy = np.flatnonzero(share > 0.0)
    if copy.size == 0:
        return cells, np.zeros(cells.weight.size, dtype=bool)
    keep = 1.0 - share
    w = share[copy]
    joined = _Cells(
        segment=np.concatenate([cells.segment, cells.segment[copy]]),
        default_investor=np.concatenate([cells.default_investor, cells.default_investor[copy]]),
        cohort=np.concatenate([cells.cohort, cells.cohort[copy]]),
        working=np.concatenate([cells.working, cells.working[copy]]),
        retirement_age=np.concatenate([cells.retirement_age, cells.retirement_age[copy]]),
        weight=np.concatenate([cells.weight * keep, cells.weight[copy] * w]),
        balance=np.concatenate([cells.balance * keep, cells.balance[copy] * w]),
        roth_balance=np.concatenate([cells.roth_balance * keep, cells.roth_balance[copy] * w]),
        contributions=np.concatenate(
            [cells.contributions * keep, cells.contributions[..., copy] * w], axis=-1
        ),
        fee=np.concatenate([cells.fee * keep, cells.fee[:, copy] * w], axis=-1),
        entry=np.concatenate([cells.entry, cells.entry[copy]]),
        wages=np.concatenate([cells.wages * keep, cells.wages[copy] * w]),
    )
    mask = np.zeros(joined.weight.size, dtype=bool)
    mask[cells.weight.size :] = True
    return joined, mask


def _profile_pay(scenario: Scenario, cells: ParticipantCells, n_years: int) -> np.ndarray:
    """Cells' pay on the scenario's pay path, (Y, P): the real age profile and breaks,
    under the market model's mean inflation (each scenario then scales it by its own
    price path). Idiosyncratic shocks average out over a cell's people and are not applied.
    """
    pay = scenario.pay
    assert pay is not None
    inflation = (1.0 + scenario.markets.inflation.mean) ** np.arange(n_years)
    profile = np.stack(
        [pay.real_profile(int(age), n_years) for age in cells.age.astype(int)], axis=1
    )
    ages = cells.age[None, :] + np.arange(n_years)[:, None]
    working = np.asarray(cells.working, dtype=bool)[None, :] & (
        ages < cells.retirement_age[None, :]
    )
    return np.where(working, cells.salary[None, :] * profile * inflation[:, None], 0.0)


#: A cell is exposed to the flat fee's floor when its money per person, projected at zero
#: return, falls below this many times the year's fee per person (see :func:`_fee_exposed`).
FEE_MARGIN = 20.0


def _cohort_rules(
    cohort: np.ndarray,
    working: np.ndarray,
    retirement_age: np.ndarray,
    start_year: int,
    n_years: int,
    leakage: Any,
    parameters: FlowParameters | None,
) -> dict[str, Any]:
    """Arguments of :func:`alt401k.outflows.outflow_rate` for birth cohorts, (5, Y, n) each.

    The cohort's rate is the mean over its five birth years (axis 0), so that the
    cohort retires and ages through the rate table gradually.
    """
    age0 = start_year - (5 * cohort + 2)  # central age at the start
    offsets = np.arange(-2, 3)[:, None, None]
    each = age0[None, None, :] + np.arange(n_years)[None, :, None] + offsets
    rules: dict[str, Any] = dict(
        age=each,
        working=working[None, None, :] & (each < retirement_age),
        birth_year=start_year - (age0[None, None, :] + offsets),
        leakage=leakage,
    )
    if parameters is not None:
        rules.update(
            retiree_scale=parameters.retiree_scale,
            mortality_scale=parameters.mortality_scale,
        )
    return rules


def _fee_exposed(
    cells: _Cells,
    scenario: Scenario,
    start_year: int,
    leakage: Any,
    parameters: FlowParameters | None,
) -> np.ndarray:
    r"""Cells whose flat fee could reach their money, (P,) bool.

    The engine charges a group ``min(fee, balance)``: exact for the sum of its
    cells only while no cell's own balance is below its own fee. A cell is
    exposed when its money per person, projected at zero return,

    .. math::

        B_y = \max(B_{y-1} (1 - d_y) + c_y - f_y, 0), \qquad B_{-1} = b,

    falls below ``FEE_MARGIN`` times the fee per person :math:`f_y` in a year
    that charges one (:math:`b` the opening balance, :math:`c_y` the year's
    contributions, :math:`d_y` the cohort's outflow rate, all per person).
    Other cells pay the fee in full unless markets take ``1 - 1/FEE_MARGIN``
    (95%) of their projected money.
    """
    n_years = scenario.horizon_years
    if scenario.distribution_rate is not None:
        outflow = np.full((n_years, cells.weight.size), scenario.distribution_rate)
    else:
        rules = _cohort_rules(
            cells.cohort, cells.working, cells.retirement_age, start_year, n_years, leakage,
            parameters,
        )  # fmt: skip
        outflow = outflow_rate(**rules).mean(axis=0)
    people = np.where(cells.weight > 0, cells.weight, 1.0)
    money = cells.balance / people
    exposed = np.zeros(cells.weight.size, dtype=bool)
    for y in range(n_years):
        fee = cells.fee[y] / people
        money = np.maximum(
            money * (1.0 - outflow[y]) + cells.contributions[:, y].sum(axis=0) / people - fee, 0.0
        )
        exposed |= (fee > 0) & (money < FEE_MARGIN * fee)
    return exposed


def build_layout(
    scenario: Scenario,
    population: Population,
    asset_names: tuple[str, ...],
    periods_per_year: int,
    parameters: FlowParameters | None = None,
) -> PoolLayout:
    """Group the pool's cells and build the engine's schedule.

    ``parameters`` (:class:`alt401k._calibrate.FlowParameters`), when given,
    replace the scenario's leakage and scale pay, employer money, retirees'
    withdrawals and mortality, as the flow calibration solved them.
    """
    n_years = scenario.horizon_years
    start_year = population.start_year
    seg_names = [seg.name for seg in scenario.segments]
    default_on = scenario.default_fund is not None
    leakage = scenario.leakage if parameters is None else parameters.leakage
    if parameters is not None:
        population = parameters.apply(population)
    cells = _pool_cells(scenario, population, seg_names)
    if parameters is not None and parameters.employer_scale != 1.0:
        cells.contributions[2] *= parameters.employer_scale
    window_rule = scenario.window_in_force()
    in_window = np.zeros(cells.weight.size, dtype=bool)
    if window_rule is not None:
        cells, in_window = _split_window(cells, window_rule, seg_names)
    key = np.stack(
        [
            cells.segment,
            cells.default_investor.astype(int),
            cells.cohort,
            cells.working.astype(int),
            cells.retirement_age,
            in_window.astype(int),
        ],
        axis=1,
    )
    # Cells whose flat fee could reach their money each form a group of their own, so the
    # fee's floor (no charge above the balance) binds as it would in a run of the cell alone.
    exposed = _fee_exposed(cells, scenario, start_year, leakage, parameters)
    key = np.column_stack([key, np.where(exposed, np.arange(exposed.size), -1)])
    unique, cell_group = np.unique(key, axis=0, return_inverse=True)
    cell_group = cell_group.reshape(-1)
    n_groups = unique.shape[0]
    present = cells.entry == 0
    people_start = np.bincount(cell_group[present], cells.weight[present], minlength=n_groups)
    people = np.bincount(cell_group, weights=cells.weight, minlength=n_groups)
    balance = np.bincount(cell_group, weights=cells.balance, minlength=n_groups)
    roth = np.bincount(cell_group, weights=cells.roth_balance, minlength=n_groups)
    pretax_share = np.divide(balance - roth, balance, out=np.ones(n_groups), where=balance > 0)

    g_segment = unique[:, 0]
    g_default = unique[:, 1].astype(bool)
    g_cohort = unique[:, 2]
    g_working = unique[:, 3].astype(bool)
    g_retire = unique[:, 4]
    g_window = unique[:, 5].astype(bool)
    age0 = start_year - (5 * g_cohort + 2)  # central age at the start
    ages = age0[None, :] + np.arange(n_years)[:, None]  # (Y, G)

    channel = np.full(n_groups, NONE)
    if scenario.active_channel:
        channel[:] = ACTIVE
    if default_on:
        channel[g_default] = DEFAULT
    channel[g_window] = WINDOW

    # Core portfolios: 0 is the pool portfolio; default investors hold their vintage's TDF.
    core = Portfolio(weights=scenario.pool_portfolio).target_weights(asset_names)
    tdf_cohorts = np.unique(g_cohort[g_default])
    core_weights = np.empty((n_years, len(asset_names), 1 + tdf_cohorts.size))
    core_weights[:, :, 0] = core
    if tdf_cohorts.size:
        tdf_ages = (start_year - (5 * tdf_cohorts + 2))[None, :] + np.arange(n_years)[:, None]
        core_weights[:, :, 1:] = target_date_weights(tdf_ages, asset_names).transpose(1, 0, 2)
    portfolio = np.zeros(n_groups, dtype=int)
    portfolio[g_default] = 1 + np.searchsorted(tdf_cohorts, g_cohort[g_default])

    # Contributions and fees summed into groups.
    contrib = np.zeros((n_years, n_groups))
    fee = np.zeros((n_years, n_groups))
    for y in range(n_years):
        contrib[y] = np.bincount(
            cell_group, weights=cells.contributions[:, y].sum(axis=0), minlength=n_groups
        )
        fee[y] = np.bincount(cell_group, weights=cells.fee[y], minlength=n_groups)
    by_source = cells.contributions.sum(axis=-1).T  # (Y, 3)
    if scenario.annual_contributions is not None:
        first = by_source[0].sum()
        scale = scenario.annual_contributions / first if first > 0 else 0.0
        contrib *= scale
        by_source = by_source * scale

    parts: np.ndarray | None = None
    causes: tuple[str, ...] = ()
    if scenario.distribution_rate is not None:
        outflow = np.full((n_years, n_groups), scenario.distribution_rate)
    else:
        rules = _cohort_rules(
            g_cohort, g_working, g_retire, start_year, n_years, leakage, parameters
        )
        each, working_now = rules["age"], rules["working"]
        outflow = outflow_rate(**rules).mean(axis=0)
        by_cause = outflow_parts(**rules)
        # Plan-to-plan rollovers of job changers: recorded (as a share of the outflow, like
        # the causes) but not paid out -- the money stays in the pool, in the same group.
        by_cause["rollovers_in"] = leakage.plan_to_plan(each, working_now)
        causes = tuple(by_cause)
        parts = np.stack([by_cause[name].mean(axis=0) for name in causes])

    default_share = np.zeros((n_years, n_groups))
    if scenario.default_fund is not None:
        share = scenario.default_fund.share_at_age(ages)
        default_share[:, g_default] = share[:, g_default]

    schedule = GroupSchedule(
        core_weights=core_weights,
        portfolio=portfolio,
        expense_ratio=scenario.markets.subset(asset_names).expense_ratios,
        contributions=contrib[None],
        balance0=balance[None],
        flat_fee=fee,
        outflow=outflow,
        periods_per_year=periods_per_year,
        asset=asset_names.index(scenario.asset),
        outflow_parts=parts,
    )
    groups = pd.DataFrame(
        {
            "segment": np.array(seg_names)[g_segment],
            "default_investor": g_default,
            "cohort": 5 * g_cohort,
            "working": g_working,
            "retirement_age": g_retire,
            "age": age0,
            "people_start": people_start,
            "people": people,
            "balance": balance,
            "pretax_share": pretax_share,
            "wages": np.divide(
                np.bincount(cell_group, weights=cells.wages, minlength=n_groups),
                people,
                out=np.zeros(n_groups),
                where=people > 0,
            ),
            "channel": pd.Categorical.from_codes(channel, categories=pd.Index(CHANNEL_NAMES)),
        }
    )
    return PoolLayout(
        groups,
        cell_group,
        schedule,
        by_source,
        default_share,
        causes,
        main_groups=np.flatnonzero(~g_window),
        window_groups=np.flatnonzero(g_window),
    )


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
