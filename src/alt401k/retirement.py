"""The retirement phase: withdrawals by rule, RMDs, tax, penalty, after-tax income.

From the retirement age to ``end_age`` the saver's account keeps earning the
portfolio's returns on the same market paths, and each year, at its start:

1. **Desired withdrawal** ``D`` by the chosen rule (:class:`Retirement`):
   ``"fixed_real"`` -- ``rate`` x the balance at retirement, adjusted by the
   simulated price level (the "4% rule"); ``"fixed_share"`` -- ``rate`` x the
   current balance; ``"rmd_only"`` -- nothing beyond the RMD;
   ``"target_income"`` -- the gross amount whose after-tax value (net of the
   income tax and penalty it causes) is ``target_income`` in start-year
   dollars, found by bisection per scenario.
2. **RMD** ``R``: the prior year-end *pre-tax* balance over the Uniform
   Lifetime divisor of the age attained, from age 73 (born 1951-1959) or 75
   (born 1960+); Roth 401(k) money is exempt (SECURE 2.0). It binds as a
   floor, ``W = max(D, R)``, not added to ``D``.
3. **Buckets**: ``R`` comes from pre-tax money; the rest of ``W`` from the
   buckets in ``order`` -- ``"pretax_first"`` (default: defers Roth's
   tax-free growth), ``"roth_first"`` or ``"pro_rata"`` -- never more than a
   bucket holds. What cannot be paid is a *shortfall*: the account has run
   out.
4. **Tax**: pre-tax withdrawals are ordinary income on top of
   ``other_income`` and the taxable part of ``social_security`` (both in
   start-year dollars, indexed with the simulated inflation), taxed by the
   federal schedule of ``filing_status`` whose dollar amounts are indexed
   with the same price path. The plan's tax is the tax with the withdrawal
   minus the tax without it. Qualified Roth withdrawals are tax-free.
5. **Penalty**: 10% of pre-tax withdrawals before 59 1/2, unless the saver
   separated in or after the year of turning 55 (rule of 55) or takes
   substantially equal periodic payments (``sepp``).

After-tax income from the plan is ``W - tax - penalty``. Sources: IRC 72(t),
401(a)(9), SECURE 2.0 Sec. 107 and 325, the 2025 law's senior deduction; see
:mod:`alt401k.tax` and ``../shared/CALIBRATION.md`` (Tax).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from pydantic import Field, model_validator

from ._spec import Spec
from .tax import (
    TaxSchedule,
    early_withdrawal_penalty,
    required_minimum_distribution,
    rmd_start_age,
)

__all__ = ["Retirement", "RetirementPaths", "WithdrawalPolicy"]

#: Iterations of the bisection for the target-income rule: 2**-64 of the balance.
_BISECTION_STEPS = 64
#: Shortfalls below this many dollars are rounding, not running out.
_SHORTFALL_TOL = 1e-6
#: Inflation assumed between 2026 and a later start year (J.P. Morgan 2026 LTCMA, 2.5%).
_INFLATION_BEFORE_START = 0.025


class Retirement(Spec):
    """How a saver draws the account down after retirement, and how it is taxed.

    Parameters
    ----------
    end_age : int
        Last age simulated (inclusive), default 95; must exceed the
        participant's retirement age.
    rule : {"fixed_real", "fixed_share", "rmd_only", "target_income"}
        Withdrawal rule (module docstring). Default ``"fixed_real"``.
    rate : float
        For ``"fixed_real"``: share of the balance at retirement withdrawn in
        the first year, then adjusted by inflation (default 0.04); for
        ``"fixed_share"``: share of the current balance each year. In [0, 1].
    target_income : float, optional
        For ``"target_income"``: after-tax income from the plan per year,
        start-year dollars, >= 0.
    order : {"pretax_first", "roth_first", "pro_rata"}
        Which bucket pays beyond the RMD.
    filing_status : {"single", "married_joint", "head_of_household"}
        Federal filing status in retirement.
    social_security : float
        Annual Social Security benefit from ``social_security_age``, start-year
        dollars (indexed by the simulated inflation), >= 0. Its taxable part
        follows the provisional-income rule.
    social_security_age : int
        Age benefits start, 62-70. Default 67.
    other_income : float
        Other ordinary taxable income each retirement year, start-year
        dollars, >= 0.
    sepp : bool
        Whether withdrawals before 59 1/2 are substantially equal periodic
        payments (no penalty).
    tax_schedule : TaxSchedule, optional
        Your own schedule (e.g. ``TaxSchedule.federal(2026, "single",
        state_rate=0.05)`` for a flat state tax on top, or changed brackets);
        its dollar amounts are in its own year's dollars. Default: the federal
        schedule of ``filing_status``.
    """

    end_age: int = Field(default=95, ge=18, le=120)
    rule: Literal["fixed_real", "fixed_share", "rmd_only", "target_income"] = "fixed_real"
    rate: float = Field(default=0.04, ge=0.0, le=1.0)
    target_income: float | None = Field(default=None, ge=0.0, le=1e9)
    order: Literal["pretax_first", "roth_first", "pro_rata"] = "pretax_first"
    filing_status: Literal["single", "married_joint", "head_of_household"] = "single"
    social_security: float = Field(default=0.0, ge=0.0, le=1e7)
    social_security_age: int = Field(default=67, ge=62, le=70)
    other_income: float = Field(default=0.0, ge=0.0, le=1e9)
    sepp: bool = False
    tax_schedule: TaxSchedule | None = None

    @model_validator(mode="after")
    def _target_given(self) -> Retirement:
        if self.rule == "target_income" and self.target_income is None:
            raise ValueError("rule='target_income' needs target_income (start-year dollars >= 0)")
        if self.tax_schedule is not None and self.tax_schedule.filing_status != self.filing_status:
            raise ValueError(
                f"tax_schedule is for {self.tax_schedule.filing_status!r} but filing_status is "
                f"{self.filing_status!r}; they must agree"
            )
        return self

    def schedule(self, start_year: int) -> tuple[TaxSchedule, float]:
        """The schedule used and the index that brings it to ``start_year`` dollars.

        The given ``tax_schedule``, or the federal one: 2025 and 2026 are
        published; a later start year uses 2026's. A schedule of an earlier
        year is indexed at 2.5% a year to the start year (J.P. Morgan 2026
        LTCMA inflation); the simulated inflation takes over from there.
        """
        if self.tax_schedule is not None:
            schedule = self.tax_schedule
        else:
            base_year = min(max(start_year, 2025), 2026)
            schedule = TaxSchedule.federal(year=base_year, filing_status=self.filing_status)
        factor = (1.0 + _INFLATION_BEFORE_START) ** max(start_year - schedule.year, 0)
        return schedule, factor


@dataclass(frozen=True, eq=False)
class RetirementPaths:
    """Per-year retirement outputs, nominal dollars, shape (S, Y) each.

    ``pretax`` and ``roth``: withdrawals by source; ``tax``: income tax the
    withdrawals add; ``penalty``: the 10% additional tax; ``total_tax``: all
    income tax of the year (withdrawals, Social Security, other income);
    ``social_security`` and ``other_income``: the year's amounts;
    ``shortfall``: desired withdrawal that the account could not pay.
    """

    pretax: np.ndarray
    roth: np.ndarray
    tax: np.ndarray
    penalty: np.ndarray
    total_tax: np.ndarray
    social_security: np.ndarray
    other_income: np.ndarray
    shortfall: np.ndarray

    @property
    def withdrawals(self) -> np.ndarray:
        """All withdrawals, (S, Y) dollars."""
        return self.pretax + self.roth

    @property
    def after_tax_income(self) -> np.ndarray:
        """Withdrawals net of the tax and penalty they cause, (S, Y) dollars."""
        return self.pretax + self.roth - self.tax - self.penalty


class WithdrawalPolicy:
    """The engine's ``withdraw`` hook for one saver over one chunk of scenarios.

    Parameters
    ----------
    retirement : Retirement
    ages : ndarray, shape (Y,)
        Age attained in each simulated year.
    retirement_age : int
        First year of the retirement phase is the one where ``ages`` reaches it.
    birth_year : int
        For the RMD start age (>= 1951).
    start_year : int
        First simulated calendar year.
    price_level : ndarray, shape (S, Y + 1)
        Price index at the start of each year (column 0 is 1), and at the end.

    Notes
    -----
    Called by :func:`alt401k.engine.simulate` with state (K, S, 1): all money,
    its Roth part and (K = 3) employer money, which pays its pro rata share
    of pre-tax withdrawals. Records what it paid and the taxes it computed, so
    :meth:`paths` returns them after the run.
    """

    def __init__(
        self,
        retirement: Retirement,
        ages: np.ndarray,
        retirement_age: int,
        birth_year: int,
        start_year: int,
        price_level: np.ndarray,
    ) -> None:
        self.r = retirement
        self.ages = np.asarray(ages, dtype=int)
        self.retirement_age = int(retirement_age)
        self.rmd_age = int(rmd_start_age(birth_year))
        self.birth_year = int(birth_year)
        self.start_year = int(start_year)
        self.price = price_level
        self.schedule, self.index0 = retirement.schedule(start_year)
        n_scenarios, n_years = price_level.shape[0], self.ages.size
        self.first = int(np.argmax(self.ages >= self.retirement_age))
        self.balance_at_retirement = np.zeros(n_scenarios)
        self._out = {
            name: np.zeros((n_scenarios, n_years))
            for name in (
                "pretax", "roth", "tax", "penalty", "total_tax",
                "social_security", "other_income", "shortfall",
            )
        }  # fmt: skip

    # ------------------------------------------------------------------ hook
    def __call__(self, year: int, rows: slice, state: np.ndarray) -> np.ndarray:
        taken = np.zeros_like(state)
        age = int(self.ages[year])
        if age < self.retirement_age:
            return taken
        total = state[0, :, 0]
        roth = np.minimum(state[1, :, 0], total)
        pretax = np.maximum(total - roth, 0.0)
        price = self.price[rows, year]
        if year == self.first:
            self.balance_at_retirement[rows] = total
        ss, other = self._side_income(age, price)
        rmd = (
            required_minimum_distribution(pretax, age, self.birth_year)
            if age >= self.rmd_age
            else np.zeros_like(pretax)
        )
        rule = self.r.rule
        unmet: np.ndarray | float = 0.0
        if rule == "fixed_real":
            desired = self.r.rate * self.balance_at_retirement[rows] * price
            desired = desired / self.price[rows, self.first]
        elif rule == "fixed_share":
            desired = self.r.rate * total
        elif rule == "target_income":
            desired, unmet = self._gross_for_target(year, age, price, pretax, roth, rmd, ss, other)
        else:  # rmd_only
            desired = np.zeros_like(total)
        w_pre, w_roth, short = self._split(desired, rmd, pretax, roth)
        short = short + unmet
        tax, penalty, total_tax = self._taxes(year, age, price, w_pre, ss, other)
        for name, value in (
            ("pretax", w_pre), ("roth", w_roth), ("tax", tax), ("penalty", penalty),
            ("total_tax", total_tax), ("social_security", ss), ("other_income", other),
            ("shortfall", short),
        ):  # fmt: skip
            self._out[name][rows, year] = value
        taken[0, :, 0] = w_pre + w_roth
        taken[1, :, 0] = w_roth
        if state.shape[0] > 2:  # employer money, tracked for vesting: pre-tax, pro rata
            employer = state[2, :, 0]
            taken[2, :, 0] = np.minimum(
                employer,
                w_pre * np.divide(employer, pretax, out=np.zeros_like(pretax), where=pretax > 0),
            )
        return taken

    def paths(self) -> RetirementPaths:
        """What the hook paid and taxed, per scenario and year."""
        return RetirementPaths(**self._out)

    # ------------------------------------------------------------- the rules
    def _side_income(self, age: int, price: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        ss = self.r.social_security * price if age >= self.r.social_security_age else 0.0 * price
        return ss, self.r.other_income * price

    def _split(
        self, desired: np.ndarray, rmd: np.ndarray, pretax: np.ndarray, roth: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Withdrawals by bucket: the RMD from pre-tax, the rest by ``order``."""
        want = np.maximum(desired, rmd)
        w_pre = np.minimum(rmd, pretax)
        rest = want - w_pre
        room_pre = pretax - w_pre
        order = self.r.order
        if order == "pretax_first":
            extra = np.minimum(rest, room_pre)
            w_pre = w_pre + extra
            w_roth = np.minimum(rest - extra, roth)
        elif order == "roth_first":
            w_roth = np.minimum(rest, roth)
            w_pre = w_pre + np.minimum(rest - w_roth, room_pre)
        else:
            room = room_pre + roth
            paid = np.minimum(rest, room)
            share = np.divide(room_pre, room, out=np.zeros_like(room), where=room > 0)
            w_pre = w_pre + paid * share
            w_roth = paid - paid * share
        short = want - w_pre - w_roth
        short = np.where(short > _SHORTFALL_TOL, short, 0.0)
        return w_pre, w_roth, short

    def _taxes(
        self,
        year: int,
        age: int,
        price: np.ndarray,
        w_pre: np.ndarray,
        ss: np.ndarray,
        other: np.ndarray,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(tax the withdrawal adds, penalty, all income tax of the year)."""
        schedule = self.schedule.indexed(1.0, year=self.start_year + year)
        index = self.index0 * price
        kwargs: dict[str, Any] = {"age": float(age), "social_security": ss, "index": index}
        total_tax = schedule.income_tax(w_pre + other, **kwargs)
        base_tax = schedule.income_tax(other, **kwargs)
        separation = float(self.retirement_age)
        penalty = early_withdrawal_penalty(
            w_pre, float(age), separation_age=separation, sepp=self.r.sepp
        )
        return total_tax - base_tax, penalty, total_tax

    def _gross_for_target(
        self,
        year: int,
        age: int,
        price: np.ndarray,
        pretax: np.ndarray,
        roth: np.ndarray,
        rmd: np.ndarray,
        ss: np.ndarray,
        other: np.ndarray,
    ) -> tuple[np.ndarray, np.ndarray]:
        """The gross withdrawal whose after-tax value is the target, by bisection.

        Returns the gross amount and the after-tax income still missing where
        even the whole balance is not enough (0 elsewhere).
        """
        assert self.r.target_income is not None
        target = self.r.target_income * price
        lo = np.zeros_like(target)
        hi = pretax + roth

        def net(gross: np.ndarray) -> np.ndarray:
            w_pre, w_roth, _ = self._split(gross, rmd, pretax, roth)
            tax, penalty, _ = self._taxes(year, age, price, w_pre, ss, other)
            return w_pre + w_roth - tax - penalty

        unmet = np.maximum(target - net(hi), 0.0)
        for _ in range(_BISECTION_STEPS):
            mid = 0.5 * (lo + hi)
            below = net(mid) < target
            lo = np.where(below, mid, lo)
            hi = np.where(below, hi, mid)
        return hi, np.where(unmet > _SHORTFALL_TOL, unmet, 0.0)
