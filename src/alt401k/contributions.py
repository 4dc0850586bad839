"""Vectorized annual contributions: deferrals, catch-ups, employer money, IRS limits, Roth.

All functions work on arrays of shape (Y, P): years by participant cells; the
per-period match adds a trailing axis of pay periods, (Y, P, n).

Rules applied each calendar year, per cell, in the order the law applies them
(``L`` = that year's IRS limits, :func:`alt401k.limits.limits_by_year` or the
``limits`` argument):

1. Plan compensation ``W = min(salary, L.compensation)`` (401(a)(17)). Every
   rate of the plan (deferral, match tiers, non-elective, profit sharing)
   applies to ``W``, pay capped at 401(a)(17); the 100%-of-pay part of 415(c)
   uses uncapped pay.
2. Deferral rate of a participant: the cell's election ``e``; in an
   auto-enrolling plan ``r_y = max(e, d_y)`` with the default ``d_y =
   min(default_rate + escalation_step * y, escalation_cap)`` when it
   auto-escalates (``y`` counted from ``start_year``), so those who elected
   more keep their election (:meth:`PlanDesign.participant_rate_by_year`).
   Participation as expected shares: with a participating share ``p < 1``
   (auto-enrolling plans; voluntary plans with ``apply_participation``),
   every amount of rules 3-5 is ``p * f(r_y) + (1 - p) * f(0)``, the
   participants' and the opt-outs' (deferral 0: no match, but non-elective
   and profit-sharing money) contributions ``f`` mixed; limits stay exact.
3. Elected deferral ``E = r * W``; the regular part is capped by 402(g):
   ``R = min(E, L.elective_deferral)``; the excess is catch-up up to the
   age-based limit (50+; higher at ages 60-63, SECURE 2.0 §109):
   ``C = min(E - R, catch_up_limit(age, year))``.
4. Employer money, computed on the elected deferrals:
   match on ``R + C`` (or ``R`` if the plan does not match catch-ups), then
   limited to the formula's dollar ``cap``; non-elective
   ``nonelective_rate * W``; profit sharing ``profit_sharing_rate * W`` (not
   matched). Match timing: ``"true_up"`` applies the formula to the year's
   deferral and ``W``. ``"per_period"`` pays ``salary / n`` in each of ``n =
   pay_periods`` periods; year-to-date plan compensation is ``W_k = min(k *
   salary / n, W)`` (401(a)(17) applied cumulatively, as payroll does) and
   year-to-date deferral ``D_k = min(r * W_k, L.elective_deferral +
   catch-up room)``; the formula is applied to each period's deferral ``D_k
   - D_{k-1}`` and pay ``W_k - W_{k-1}``, summed, then capped. Both timings
   defer the same ``R + C``; a front-loader (``r * W`` above the year's room,
   e.g. $400k at 10%) stops deferring in period ``k < n`` and gets no match
   for the rest of the year under ``"per_period"``.
5. 415(c): ``R + employer <= min(L.annual_additions, salary)``; catch-ups do
   not count toward it. Dollars are cut in this order: (a) for a participant
   eligible for catch-ups (50+), deferrals above the limit are catch-ups:
   ``min(excess, R, catch-up room left)`` moves from ``R`` to ``C`` (Treas.
   Reg. 1.414(v)-1(b)(1)(i), IRC 414(v)(3)(A)); (b) what remains cuts
   employer money, profit sharing first, then non-elective, then the match
   (the plan limits its own contribution rather than refund deferrals; the
   discretionary allocation goes first, the match tied to deferrals last).
6. Vesting: employer money is ``vesting.vested_share(s)`` vested, ``s`` the
   completed years of service at the end of the year (service at the start
   plus the years worked); fully vested when service is not given.
   Deferrals are always fully vested.
7. Roth. Employee: ``roth_fraction`` of ``R`` and of ``C``; from 2026 all of
   ``C`` is Roth when the prior year's wages exceed the SECURE 2.0 §603
   threshold. Employer: ``employer_roth_fraction`` of employer money, in
   years it is fully vested (SECURE 2.0 §604 allows the designation only for
   nonforfeitable contributions). Employer Roth money is taxable income to
   the employee in the year it is contributed (for the tax work; no tax is
   computed here).

Amounts are annual; the engine spreads them evenly over the year's periods.

Pay and limits per scenario: ``salary`` and ``limits`` override the cells'
``salary * (1 + salary_growth) ** y`` path and :func:`limits_by_year`, e.g.
with :func:`alt401k.pay.salary_paths` and :func:`alt401k.limits.limits_from_prices`.
For S scenarios of one saver, pass cells that repeat the saver S times (P =
S), ``salary`` of shape (Y, S) (the transposed (S, Y) pay paths) and limits of
shape (Y, S) each; the rules above are unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import cast

import numpy as np
from numpy.typing import ArrayLike

from .limits import LIMIT_NAMES, catch_up_limit, limits_by_year
from .plan import PlanDesign
from .population import ParticipantCells

__all__ = ["AnnualContributions", "annual_contributions"]

#: Default of the fields added after the first release; ``__post_init__`` fills them.
_FILLED_LATER = cast(np.ndarray, None)


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
        Contributions by source, dollars per year. ``employer`` is all
        employer money, pre-tax and Roth.
    catch_up : ndarray, shape (Y, P)
        The part of employee deferrals that is catch-up, dollars per year.
    employer_roth : ndarray, shape (Y, P)
        The part of ``employer`` designated Roth (SECURE 2.0 §604), dollars
        per year; taxable to the employee in the year. Default zeros.
    match, nonelective, profit_sharing : ndarray, shape (Y, P)
        ``employer`` by kind after 415(c), dollars per year; they sum to
        ``employer`` up to float rounding. Default: all of ``employer`` is match.
    vested_share : ndarray, shape (Y, P)
        Vested share of employer money at the end of each year, [0, 1].
        Default ones.
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
    employer_roth: np.ndarray = field(default=_FILLED_LATER)
    match: np.ndarray = field(default=_FILLED_LATER)
    nonelective: np.ndarray = field(default=_FILLED_LATER)
    profit_sharing: np.ndarray = field(default=_FILLED_LATER)
    vested_share: np.ndarray = field(default=_FILLED_LATER)

    def __post_init__(self) -> None:
        zeros = np.zeros_like(self.employer)
        defaults = {
            "employer_roth": zeros,
            "nonelective": zeros,
            "profit_sharing": zeros,
            "vested_share": np.ones_like(self.employer),
        }
        for name, value in defaults.items():
            if getattr(self, name) is None:
                object.__setattr__(self, name, value)
        if self.match is None:
            object.__setattr__(
                self, "match", self.employer - self.nonelective - self.profit_sharing
            )

    @property
    def employee(self) -> np.ndarray:
        """Employee deferrals, pre-tax plus Roth, (Y, P) dollars."""
        return self.employee_pretax + self.employee_roth

    @property
    def employer_pretax(self) -> np.ndarray:
        """Employer money not designated Roth, (Y, P) dollars."""
        return self.employer - self.employer_roth

    @property
    def roth_total(self) -> np.ndarray:
        """All Roth contributions, employee plus employer, (Y, P) dollars."""
        return self.employee_roth + self.employer_roth

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
    service_years: ArrayLike | None = None,
    salary: ArrayLike | None = None,
    limits: Mapping[str, ArrayLike] | None = None,
) -> AnnualContributions:
    """Compute each cell's contributions for ``n_years`` calendar years.

    Parameters
    ----------
    cells : ParticipantCells
        P participant cells (ages, pay, deferral elections in ``start_year``).
        The election is each cell's ``deferral_rate``; a front-loader is a
        cell whose rate times plan compensation exceeds the year's 402(g)
        (+ catch-up) room, e.g. $400k of pay at 10% in 2026.
    plan : PlanDesign
        Match formula and timing, non-elective and profit-sharing rates,
        employer Roth share, auto-features, vesting.
    start_year : int
        First calendar year.
    n_years : int
        Number of years Y.
    indexing_rate : float
        Annual rate used to project IRS limits after the last published year.
    service_years : array_like, shape (P,), optional
        Completed years of service of each cell at the start of
        ``start_year``, for vesting. Default ``cells.service_years`` if the
        cells have it, else fully vested.
    salary : array_like, shape (Y, P), optional
        Nominal pay by year and cell, dollars per year, finite and >= 0,
        replacing ``cells.salary * (1 + cells.salary_growth) ** y``. Set to 0
        where the cell does not work (retired, or ``cells.working`` False),
        whatever is passed there. The prior-year wages of the §603 test
        (rule 7) are ``cells.prior_year_wages`` in the first year and this
        ``salary`` of the year before afterwards, as for the default path.
    limits : mapping of str to array_like, optional
        IRS limits, dollars, overriding :func:`limits_by_year`: names from
        :data:`alt401k.limits.LIMIT_NAMES` (e.g. ``limits_from_prices`` output
        transposed), each of shape (Y, P), (Y, 1) or (Y,) (the same for every
        cell), >= 0 (``roth_catch_up_wage_threshold`` may be ``inf``). Names
        left out come from ``limits_by_year(years, indexing_rate)``; when all
        are given, ``start_year`` may precede 2024. The catch-up room of rule
        3 is then ``catch_up_60_63`` at ages 60-63, ``catch_up`` at 50-59 and
        64+, 0 below 50.

    Returns
    -------
    AnnualContributions
        Arrays of shape (Y, P), dollars per year (expected values over
        participants and opt-outs when participation applies).
    """
    years = start_year + np.arange(n_years)
    offset = np.arange(n_years, dtype=float)[:, None]
    age = cells.age[None, :] + offset
    working = getattr(cells, "working", None)
    active = age < cells.retirement_age[None, :]
    if working is not None:
        active &= np.asarray(working, dtype=bool)[None, :]
    if salary is None:
        pay = cells.salary[None, :] * (1.0 + cells.salary_growth[None, :]) ** offset
    else:
        pay = _checked_salary(salary, (n_years, cells.n_cells))
    salary = np.where(active, pay, 0.0)
    prior_wages = np.concatenate([cells.prior_year_wages[None, :], salary[:-1]], axis=0)
    if limits is None:
        lim = {k: v[:, None] for k, v in limits_by_year(years, indexing_rate=indexing_rate).items()}
        catch_up_room = catch_up_limit(age, years[:, None], indexing_rate=indexing_rate)
    else:
        lim = _checked_limits(limits, years, cells.n_cells, indexing_rate)
        catch_up_room = np.where(
            age < 50,
            0.0,
            np.where((age >= 60) & (age <= 63), lim["catch_up_60_63"], lim["catch_up"]),
        )

    # Rule 1.
    compensation = np.minimum(salary, lim["compensation"])
    # Rule 2, then rules 3-5 for a participant (and an opt-out).
    rate = plan.participant_rate_by_year(cells.deferral_rate, n_years)
    amounts = _deferrals_and_employer(rate, salary, compensation, lim, catch_up_room, plan)
    share = plan.participation
    if share < 1.0:
        opted_out = _deferrals_and_employer(
            np.zeros_like(rate), salary, compensation, lim, catch_up_room, plan
        )
        amounts = {k: share * v + (1.0 - share) * opted_out[k] for k, v in amounts.items()}
    regular, catch_up, employer = amounts["regular"], amounts["catch_up"], amounts["employer"]

    # Rule 6.
    if service_years is None:
        service_years = getattr(cells, "service_years", None)
    if service_years is None:
        vested = np.ones_like(employer)
    else:
        start = np.asarray(service_years, dtype=float)[None, :]
        vested = plan.vesting.vested_share(start + np.cumsum(active, axis=0))

    # Rule 7.
    roth_fraction = cells.roth_fraction[None, :]
    catch_up_must_be_roth = prior_wages > lim["roth_catch_up_wage_threshold"]
    employee_roth = roth_fraction * regular + np.where(
        catch_up_must_be_roth, catch_up, roth_fraction * catch_up
    )
    employee_pretax = regular + catch_up - employee_roth
    employer_roth = np.where(vested >= 1.0, plan.employer_roth_fraction * employer, 0.0)
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
        employer_roth=employer_roth,
        match=amounts["match"],
        nonelective=amounts["nonelective"],
        profit_sharing=amounts["profit_sharing"],
        vested_share=vested,
    )


def _checked_salary(salary: ArrayLike, shape: tuple[int, int]) -> np.ndarray:
    """The ``salary`` override as float64 (Y, P), or a ValueError naming the problem."""
    pay = np.asarray(salary, dtype=np.float64)
    if pay.shape != shape:
        raise ValueError(f"salary must have shape (n_years, n_cells) = {shape}; got {pay.shape}")
    bad = ~(np.isfinite(pay) & (pay >= 0.0))
    if np.any(bad):
        raise ValueError(f"salary must be finite and >= 0 dollars; got {pay[bad].flat[0]}")
    return pay


def _checked_limits(
    limits: Mapping[str, ArrayLike], years: np.ndarray, n_cells: int, indexing_rate: float
) -> dict[str, np.ndarray]:
    """The ``limits`` override, completed from :func:`limits_by_year`, as (Y, 1) or (Y, P)."""
    unknown = sorted(set(limits) - set(LIMIT_NAMES))
    if unknown:
        raise ValueError(
            f"limits has unknown name(s) {unknown}; allowed names: {', '.join(LIMIT_NAMES)}"
        )
    missing = [name for name in LIMIT_NAMES if name not in limits]
    lim: dict[str, np.ndarray] = {}
    if missing:
        lim = {k: v[:, None] for k, v in limits_by_year(years, indexing_rate=indexing_rate).items()}
    n_years = years.shape[0]
    for name, value in limits.items():
        arr = np.asarray(value, dtype=np.float64)
        if arr.shape == (n_years,):
            arr = arr[:, None]
        if arr.shape not in {(n_years, 1), (n_years, n_cells)}:
            raise ValueError(
                f"limits[{name!r}] must have shape (n_years,), (n_years, 1) or (n_years, "
                f"n_cells) = ({n_years}, {n_cells}); got {arr.shape}"
            )
        may_be_inf = name == "roth_catch_up_wage_threshold"
        bad = np.isnan(arr) | (arr < 0.0) | (~np.isfinite(arr) & (not may_be_inf))
        if np.any(bad):
            allowed = ">= 0 (inf allowed)" if may_be_inf else "finite and >= 0"
            raise ValueError(f"limits[{name!r}] must be {allowed} dollars; got {arr[bad].flat[0]}")
        lim[name] = arr
    return lim


def _deferrals_and_employer(
    rate: np.ndarray,
    salary: np.ndarray,
    compensation: np.ndarray,
    lim: dict[str, np.ndarray],
    catch_up_room: np.ndarray,
    plan: PlanDesign,
) -> dict[str, np.ndarray]:
    """Rules 3-5 for participants deferring ``rate`` (Y, P): dollars per year by kind."""
    # Rule 3.
    elected = rate * compensation
    regular = np.minimum(elected, lim["elective_deferral"])
    catch_up = np.minimum(elected - regular, catch_up_room)

    # Rule 4.
    if plan.match_timing == "per_period":
        match = _per_period_match(rate, salary, compensation, lim, catch_up_room, plan)
    else:
        matched = regular + catch_up if plan.match_catch_up else regular
        match = plan.match.match(matched, compensation)
    nonelective = plan.nonelective_rate * compensation
    profit_sharing = plan.profit_sharing_rate * compensation
    employer = match + nonelective + profit_sharing

    # Rule 5: (a) excess deferrals become catch-ups, (b) employer money is cut.
    additions_limit = np.minimum(lim["annual_additions"], salary)
    excess = np.maximum(regular + employer - additions_limit, 0.0)
    reclassified = np.minimum(np.minimum(excess, regular), catch_up_room - catch_up)
    regular = regular - reclassified
    catch_up = catch_up + reclassified
    allowed = np.minimum(employer, np.maximum(additions_limit - regular, 0.0))
    cut = employer - allowed
    profit_sharing_cut = np.minimum(profit_sharing, cut)
    nonelective_cut = np.minimum(nonelective, cut - profit_sharing_cut)
    match_cut = np.minimum(match, cut - profit_sharing_cut - nonelective_cut)
    return {
        "regular": regular,
        "catch_up": catch_up,
        "employer": allowed,
        "match": match - match_cut,
        "nonelective": nonelective - nonelective_cut,
        "profit_sharing": profit_sharing - profit_sharing_cut,
    }


def _per_period_match(
    rate: np.ndarray,
    salary: np.ndarray,
    compensation: np.ndarray,
    lim: dict[str, np.ndarray],
    catch_up_room: np.ndarray,
    plan: PlanDesign,
) -> np.ndarray:
    """Rule 4, ``"per_period"`` timing: the year's match (Y, P) from (Y, P, n) paychecks."""
    n = plan.pay_periods
    year_share = np.arange(1, n + 1) / n  # ends at exactly 1.0
    regular_room = np.broadcast_to(lim["elective_deferral"], catch_up_room.shape)[..., None]
    room = regular_room + (catch_up_room[..., None] if plan.match_catch_up else 0.0)
    to_date_pay = np.minimum(salary[..., None] * year_share, compensation[..., None])
    to_date_deferral = np.minimum(rate[..., None] * to_date_pay, room)
    return plan.match.match_per_period(
        np.diff(to_date_deferral, axis=-1, prepend=0.0),
        np.diff(to_date_pay, axis=-1, prepend=0.0),
    )
