"""The pool's cells: the population's, the young entrants who replace retirees, and window holders.

One row per cell of everything that sets a rule (segment, default
investor, cohort, working, retirement age) and the money the rules multiply
(balances, contributions by source, flat fees), for
:func:`alt401k._pool.layout.build_layout` to group.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from ..contributions import annual_contributions

if TYPE_CHECKING:
    from ..population import ParticipantCells, Population
    from ..scenario import Scenario

__all__: list[str] = []


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
