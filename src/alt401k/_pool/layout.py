"""Cells to groups: :func:`build_layout` sums cells sharing every rule into the engine's groups.

A group's rules of age are its cohort's (:func:`_cohort_rules`); cells
whose flat fee could exceed their money are kept apart (:func:`_fee_exposed`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..engine import GroupSchedule
from ..outflows import outflow_parts, outflow_rate
from ..portfolio import Portfolio, target_date_weights
from .cells import _Cells, _pool_cells, _split_window
from .groups import ACTIVE, CHANNEL_NAMES, DEFAULT, NONE, WINDOW, PoolLayout

if TYPE_CHECKING:
    from .._calibrate import FlowParameters
    from ..population import Population
    from ..scenario import Scenario


__all__ = ["FEE_MARGIN", "build_layout"]

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
