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
4. **Roth basis and earnings**: the Roth account's basis (the Roth
   contributions, employee and employer, and the opening Roth balance) is
   tracked apart from its earnings. A Roth withdrawal is *qualified* -- all
   tax-free -- when made after the five-taxable-year period that starts with
   the first year of Roth contributions to the plan (IRC 402A(d)(2)(B)) and
   at or after 59 1/2 (death and disability, the other triggers, are not
   modelled). A non-qualified withdrawal is split pro rata between basis and
   earnings, in the proportion of the account's basis to its balance
   (IRC 72(e)(8); the basis-first ordering of IRC 408A(d)(4) is for Roth
   IRAs, not designated Roth accounts); its earnings part is ordinary income
   and penalised like pre-tax money. The share of a year's Roth withdrawals
   that is non-qualified is 1 inside the five-year period, else the share
   made before 59 1/2 (:func:`alt401k.tax.share_before_59_half`).
5. **Tax**: pre-tax withdrawals and the taxable earnings of non-qualified
   Roth withdrawals are ordinary income on top of ``other_income`` and the
   taxable part of ``social_security`` (both in start-year dollars, indexed
   with the simulated inflation), taxed by the federal schedule of
   ``filing_status`` whose indexed dollar amounts follow the same price path
   (the senior deduction is fixed in dollars). The plan's tax is the tax
   with the withdrawals minus the tax without them.
6. **Penalty**: 10% of the taxable amount (pre-tax withdrawals and Roth
   earnings) made before 59 1/2, unless the saver separated in or after the
   year of turning 55 (rule of 55) or takes substantially equal periodic
   payments (``sepp``). Ages are attained in the calendar year; the share of
   a year's withdrawals made before 59 1/2 is 1 up to 58, 7/8 at 59, 1/8 at
   60 and 0 after (birthday and date spread evenly over the year; the
   convention favours neither side, :mod:`alt401k.tax.penalty`).

After-tax income from the plan is ``W - tax - penalty``. Sources: IRC 72(t),
72(e)(8), 402A(d), 401(a)(9), SECURE 2.0 Sec. 107 and 325, the 2025 law's
senior deduction; see :mod:`alt401k.tax` and ``../shared/CALIBRATION.md``
(Tax).
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
    share_before_59_half,
)

__all__ = [
    "ROTH_FIVE_YEARS",
    "Retirement",
    "RetirementPaths",
    "WithdrawalPolicy",
    "roth_basis_step",
]

#: Roth detail of :class:`RetirementPaths`, zeros when absent.
_ROTH_DETAIL = (
    "roth_taxable",
    "roth_tax",
    "roth_penalty",
    "roth_basis",
    "roth_nonqualified_share",
)

#: Iterations of the bisection for the target-income rule: 2**-64 of the balance.
_BISECTION_STEPS = 64
#: Shortfalls below this many dollars are rounding, not running out.
_SHORTFALL_TOL = 1e-6
#: Inflation assumed between 2026 and a later start year (J.P. Morgan 2026 LTCMA, 2.5%).
_INFLATION_BEFORE_START = 0.025
#: IRC 402A(d)(2)(B): a qualified distribution comes after this many taxable years of Roth
#: contributions to the plan.
ROTH_FIVE_YEARS = 5


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
    Roth detail: ``roth_taxable``, the earnings part of non-qualified Roth
    withdrawals (ordinary income); ``roth_tax`` and ``roth_penalty``, the
    parts of ``tax`` and ``penalty`` it causes (its tax stacked on top of the
    pre-tax withdrawals); ``roth_basis``, the Roth basis at the year end;
    ``roth_nonqualified_share``, the share of the year's Roth withdrawals
    that is not qualified, in [0, 1]. (Defaults: zeros, for results saved
    before they existed.)
    """

    pretax: np.ndarray
    roth: np.ndarray
    tax: np.ndarray
    penalty: np.ndarray
    total_tax: np.ndarray
    social_security: np.ndarray
    other_income: np.ndarray
    shortfall: np.ndarray
    roth_taxable: np.ndarray | None = None
    roth_tax: np.ndarray | None = None
    roth_penalty: np.ndarray | None = None
    roth_basis: np.ndarray | None = None
    roth_nonqualified_share: np.ndarray | None = None

    def __post_init__(self) -> None:
        for name in _ROTH_DETAIL:
            if getattr(self, name) is None:
                object.__setattr__(self, name, np.zeros_like(self.pretax))

    @property
    def withdrawals(self) -> np.ndarray:
        """All withdrawals, (S, Y) dollars."""
        return self.pretax + self.roth

    @property
    def after_tax_income(self) -> np.ndarray:
        """Withdrawals net of the tax and penalty they cause, (S, Y) dollars."""
        return self.pretax + self.roth - self.tax - self.penalty


def roth_basis_step(
    basis: np.ndarray,
    contributions: np.ndarray | float,
    outflow_rate: float,
    periods_per_year: int,
) -> np.ndarray:
    r"""Roth basis at a year end from its value at the year's start, dollars.

    Parameters
    ----------
    basis : ndarray, shape (S,)
        Basis at the start of the year, after that date's withdrawals.
    contributions : ndarray (S,) or float
        Roth contributions of the year, dollars, paid in ``n`` equal parts at
        the end of each period (the engine's timing).
    outflow_rate : float
        The year's outflow rate :math:`d` (leakage), which takes the same
        share of every money source each period, so the basis pro rata too.
    periods_per_year : int
        Periods :math:`n` per year.

    Returns
    -------
    ndarray, shape (S,)

    Notes
    -----
    With :math:`k = (1 - d)^{1/n}` kept each period, before that period's
    contribution (:mod:`alt401k.engine`):

    .. math::

        K_{\text{end}} = K\,k^n + \frac{c}{n} \sum_{j=0}^{n-1} k^j

    Market returns and fees change the balance, not the basis.
    """
    n = int(periods_per_year)
    keep = (1.0 - float(outflow_rate)) ** (1.0 / n)
    carried = float(np.mean(keep ** np.arange(n)))
    return np.asarray(basis * keep**n + np.asarray(contributions) * carried, dtype=np.float64)


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
    roth_contributions : ndarray, shape (Y,) or (S, Y), optional
        Roth contributions each year (employee and employer), dollars: the
        Roth basis they add. Default none.
    roth_basis : float
        Roth basis in the opening Roth balance, dollars (default 0).
    roth_years_done : bool
        Whether the five-year period of the opening Roth money is already
        complete (default True); new Roth money starts its period in the
        first year with a Roth contribution.
    outflow : ndarray, shape (Y,), optional
        Annual leakage rate of each year (it takes the basis pro rata).
    periods_per_year : int
        Periods per year of the run (contribution timing for the basis).

    Notes
    -----
    Called by :func:`alt401k.engine.simulate` with state (K, S, 1): all money,
    its Roth part and (K = 3) employer money, which pays its pro rata share
    of pre-tax withdrawals. Records what it paid and the taxes it computed, so
    :meth:`paths` returns them after the run. It is called at the start of
    every year, working years too, and rolls the Roth basis forward
    (:func:`roth_basis_step`).
    """

    def __init__(
        self,
        retirement: Retirement,
        ages: np.ndarray,
        retirement_age: int,
        birth_year: int,
        start_year: int,
        price_level: np.ndarray,
        *,
        roth_contributions: np.ndarray | None = None,
        roth_basis: float = 0.0,
        roth_years_done: bool = True,
        outflow: np.ndarray | None = None,
        periods_per_year: int = 12,
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
        self.periods_per_year = int(periods_per_year)
        self.outflow = np.zeros(n_years) if outflow is None else np.asarray(outflow, dtype=float)
        contributions = (
            np.zeros(n_years) if roth_contributions is None else np.asarray(roth_contributions)
        )
        self.roth_in = np.broadcast_to(contributions, (n_scenarios, n_years))
        self.basis = np.full(n_scenarios, float(roth_basis))
        # First year index whose Roth withdrawals are past the five-year period, by scenario.
        paid = self.roth_in > 0.0
        first_paid = np.where(paid.any(axis=1), np.argmax(paid, axis=1), n_years)
        self.qualified_from = (
            np.zeros(n_scenarios, dtype=int) if roth_years_done else first_paid + ROTH_FIVE_YEARS
        )
        self._out = {
            name: np.zeros((n_scenarios, n_years))
            for name in (
                "pretax", "roth", "tax", "penalty", "total_tax",
                "social_security", "other_income", "shortfall", *_ROTH_DETAIL,
            )
        }  # fmt: skip

    # ------------------------------------------------------------------ hook
    def __call__(self, year: int, rows: slice, state: np.ndarray) -> np.ndarray:
        taken = np.zeros_like(state)
        age = int(self.ages[year])
        basis = self.basis[rows]
        if age < self.retirement_age:
            self._roll_basis(year, rows, basis)
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
        # Roth: share of a withdrawal that is earnings (pro rata, IRC 72(e)(8)), and the
        # share of the year's withdrawals that is not qualified.
        basis_share = np.minimum(
            np.divide(basis, roth, out=np.ones_like(roth), where=roth > 0.0), 1.0
        )
        nonqualified = np.where(
            year < self.qualified_from[rows], 1.0, float(share_before_59_half(float(age)))
        )
        roth_rule = _RothRule(1.0 - basis_share, nonqualified)
        rule = self.r.rule
        unmet: np.ndarray | float = 0.0
        if rule == "fixed_real":
            desired = self.r.rate * self.balance_at_retirement[rows] * price
            desired = desired / self.price[rows, self.first]
        elif rule == "fixed_share":
            desired = self.r.rate * total
        elif rule == "target_income":
            desired, unmet = self._gross_for_target(
                year, age, price, pretax, roth, rmd, ss, other, roth_rule
            )
        else:  # rmd_only
            desired = np.zeros_like(total)
        w_pre, w_roth, short = self._split(desired, rmd, pretax, roth)
        short = short + unmet
        taxes = self._taxes(year, age, price, w_pre, w_roth, ss, other, roth_rule)
        for name, value in (
            ("pretax", w_pre), ("roth", w_roth), ("tax", taxes.tax),
            ("penalty", taxes.penalty), ("total_tax", taxes.total_tax),
            ("social_security", ss), ("other_income", other), ("shortfall", short),
            ("roth_taxable", taxes.roth_taxable), ("roth_tax", taxes.roth_tax),
            ("roth_penalty", taxes.roth_penalty), ("roth_nonqualified_share", nonqualified),
        ):  # fmt: skip
            self._out[name][rows, year] = value
        self._roll_basis(year, rows, basis - w_roth * basis_share)
        taken[0, :, 0] = w_pre + w_roth
        taken[1, :, 0] = w_roth
        if state.shape[0] > 2:  # employer money, tracked for vesting: pre-tax, pro rata
            employer = state[2, :, 0]
            taken[2, :, 0] = np.minimum(
                employer,
                w_pre * np.divide(employer, pretax, out=np.zeros_like(pretax), where=pretax > 0),
            )
        return taken

    def _roll_basis(self, year: int, rows: slice, basis: np.ndarray) -> None:
        """Carry the basis left at the year's start to its end (contributions, leakage)."""
        end = roth_basis_step(
            basis, self.roth_in[rows, year], float(self.outflow[year]), self.periods_per_year
        )
        self.basis[rows] = end
        self._out["roth_basis"][rows, year] = end

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
        w_roth: np.ndarray,
        ss: np.ndarray,
        other: np.ndarray,
        roth_rule: _RothRule,
    ) -> _Taxes:
        """Tax and penalty the year's withdrawals cause, and the Roth parts of each."""
        schedule = self.schedule.indexed(1.0, year=self.start_year + year)
        index = self.index0 * price
        kwargs: dict[str, Any] = {"age": float(age), "social_security": ss, "index": index}
        earnings = w_roth * roth_rule.earnings_share
        roth_taxable = earnings * roth_rule.nonqualified
        total_tax = schedule.income_tax(w_pre + roth_taxable + other, **kwargs)
        base_tax = schedule.income_tax(other, **kwargs)
        separation = float(self.retirement_age)
        penalty_kwargs: dict[str, Any] = {"separation_age": separation, "sepp": self.r.sepp}
        penalty = early_withdrawal_penalty(w_pre, float(age), **penalty_kwargs)
        if np.any(roth_taxable > 0.0):
            roth_tax = total_tax - schedule.income_tax(w_pre + other, **kwargs)
            # The penalty falls on the part made before 59 1/2, which is never qualified.
            roth_penalty = early_withdrawal_penalty(earnings, float(age), **penalty_kwargs)
        else:
            roth_tax = np.zeros_like(total_tax)
            roth_penalty = np.zeros_like(penalty)
        return _Taxes(
            tax=total_tax - base_tax,
            penalty=penalty + roth_penalty,
            total_tax=total_tax,
            roth_taxable=roth_taxable,
            roth_tax=roth_tax,
            roth_penalty=roth_penalty,
        )

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
        roth_rule: _RothRule,
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
            taxes = self._taxes(year, age, price, w_pre, w_roth, ss, other, roth_rule)
            return w_pre + w_roth - taxes.tax - taxes.penalty

        unmet = np.maximum(target - net(hi), 0.0)
        for _ in range(_BISECTION_STEPS):
            mid = 0.5 * (lo + hi)
            below = net(mid) < target
            lo = np.where(below, mid, lo)
            hi = np.where(below, hi, mid)
        return hi, np.where(unmet > _SHORTFALL_TOL, unmet, 0.0)


@dataclass(frozen=True)
class _RothRule:
    """How a year's Roth withdrawals are taxed: (S,) shares in [0, 1]."""

    earnings_share: np.ndarray  # earnings / Roth balance (pro rata, IRC 72(e)(8))
    nonqualified: np.ndarray | float  # share of the year's withdrawals not qualified


@dataclass(frozen=True)
class _Taxes:
    """A year's tax and penalty on withdrawals, (S,) dollars each."""

    tax: np.ndarray
    penalty: np.ndarray
    total_tax: np.ndarray
    roth_taxable: np.ndarray
    roth_tax: np.ndarray
    roth_penalty: np.ndarray
