"""Vectorized annual contributions: deferrals, catch-ups, match, IRS limits, Roth split.

All functions work on arrays of shape (Y, P): years by participant cells.

Rules applied each calendar year, per cell (``L`` = that year's IRS limits):

1. Plan compensation ``W = min(salary, L.compensation)`` (401(a)(17)).
2. Elected deferral ``E = deferral_rate * W``; the regular part is capped by
   402(g): ``R = min(E, L.elective_deferral)``; the excess is catch-up up to the
   age-based limit (50+; higher at ages 60-63, SECURE 2.0 §109):
   ``C = min(E - R, catch_up_limit(age, year))``.
3. Employer: match formula on ``R + C`` (or ``R`` if the plan does not match
   catch-ups) plus ``nonelective_rate * W``, computed on the elected
   deferrals. Then 415(c), ``R + employer <= min(L.annual_additions,
   salary)``; catch-ups do not count toward it. For a participant eligible
   for catch-ups (50+), deferrals above the limit are catch-ups first:
   ``min(excess, R, catch-up room left)`` moves from ``R`` to ``C`` (Treas.
   Reg. 1.414(v)-1(b)(1)(i), IRC 414(v)(3)(A)); only what remains cuts the
   employer amount (the plan is assumed to limit its own contribution rather
   than refund deferrals).

The deferral rate applies to plan compensation, pay capped at 401(a)(17);
the 100%-of-pay part of 415(c) uses uncapped pay.
4. Roth: ``roth_fraction`` of ``R`` and of ``C``; from 2026 all of ``C`` is Roth
   when the prior year's wages exceed the SECURE 2.0 §603 threshold.

Amounts are annual; the engine spreads them evenly over the year's periods,
which is the same as assuming the plan trues up the match at year end.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .limits import catch_up_limit, limits_by_year
from .plan import PlanDesign
from .population import ParticipantCells

__all__ = ["AnnualContributions", "annual_contributions"]


@dataclass(frozen=True)
class AnnualContributions:
    """Contribution schedule by calendar year and cell.

    Attributes
    ----------
    years : ndarray, shape (Y,), int
        Calendar years.
    age : ndarray, shape (Y, P)
        Age attained in each year.
    active : ndarray, shape (Y, P), bool
        Whether the cell is still working: employed at the start
        (``cells.working``) and younger than its retirement age.
    salary, compensation : ndarray, shape (Y, P)
        Pay and plan compensation capped at 401(a)(17), dollars per year (0 once retired).
    employee_pretax, employee_roth, employer : ndarray, shape (Y, P)
        Contributions by source, dollars per year.
    catch_up : ndarray, shape (Y, P)
        The part of employee deferrals that is catch-up, dollars per year.
    """

    years: np.ndarray
    age: np.ndarray
    active: np.ndarray
    salary: np.ndarray
    compensation: np.ndarray
    employee_pretax: np.ndarray
    employee_roth: np.ndarray
    employer: np.ndarray
    catch_up: np.ndarray

    @property
    def employee(self) -> np.ndarray:
        """Employee deferrals, pre-tax plus Roth, (Y, P) dollars."""
        return self.employee_pretax + self.employee_roth

    @property
    def total(self) -> np.ndarray:
        """All contributions, (Y, P) dollars."""
        return self.employee_pretax + self.employee_roth + self.employer


def annual_contributions(
    cells: ParticipantCells,
    plan: PlanDesign,
    *,
    start_year: int,
    n_years: int,
    indexing_rate: float = 0.025,
) -> AnnualContributions:
    """Compute each cell's contributions for ``n_years`` calendar years.

    Parameters
    ----------
    cells : ParticipantCells
        P participant cells (ages, pay, deferral elections in ``start_year``).
    plan : PlanDesign
        Match formula, non-elective rate.
    start_year : int
        First calendar year.
    n_years : int
        Number of years Y.
    indexing_rate : float
        Annual rate used to project IRS limits after the last published year.

    Returns
    -------
    AnnualContributions
        Arrays of shape (Y, P), dollars per year.
    """
    years = start_year + np.arange(n_years)
    offset = np.arange(n_years, dtype=float)[:, None]
    age = cells.age[None, :] + offset
    working = getattr(cells, "working", None)
    active = age < cells.retirement_age[None, :]
    if working is not None:
        active &= np.asarray(working, dtype=bool)[None, :]
    salary = np.where(
        active, cells.salary[None, :] * (1.0 + cells.salary_growth[None, :]) ** offset, 0.0
    )
    prior_wages = np.concatenate([cells.prior_year_wages[None, :], salary[:-1]], axis=0)

    lim = {k: v[:, None] for k, v in limits_by_year(years, indexing_rate=indexing_rate).items()}
    compensation = np.minimum(salary, lim["compensation"])
    elected = cells.deferral_rate[None, :] * compensation
    regular = np.minimum(elected, lim["elective_deferral"])
    catch_up_room = catch_up_limit(age, years[:, None], indexing_rate=indexing_rate)
    catch_up = np.minimum(elected - regular, catch_up_room)

    matched = regular + catch_up if plan.match_catch_up else regular
    employer = plan.match.match(matched, compensation) + plan.nonelective_rate * compensation
    additions_limit = np.minimum(lim["annual_additions"], salary)
    excess = np.maximum(regular + employer - additions_limit, 0.0)
    reclassified = np.minimum(np.minimum(excess, regular), catch_up_room - catch_up)
    regular = regular - reclassified
    catch_up = catch_up + reclassified
    employer = np.minimum(employer, np.maximum(additions_limit - regular, 0.0))

    roth_fraction = cells.roth_fraction[None, :]
    catch_up_must_be_roth = prior_wages > lim["roth_catch_up_wage_threshold"]
    employee_roth = roth_fraction * regular + np.where(
        catch_up_must_be_roth, catch_up, roth_fraction * catch_up
    )
    employee_pretax = regular + catch_up - employee_roth
    return AnnualContributions(
        years=years,
        age=age,
        active=active,
        salary=salary,
        compensation=compensation,
        employee_pretax=employee_pretax,
        employee_roth=employee_roth,
        employer=employer,
        catch_up=catch_up,
    )
