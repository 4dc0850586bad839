"""What the retirement phase is asked to do and what it records.

:class:`Retirement` (the rule, end age, tax schedule, Social Security and
other income) and :class:`RetirementPaths` (per-year withdrawals, taxes and
income, (S, Y) each); the rules themselves are in :mod:`alt401k.retirement`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from pydantic import Field, model_validator

from .._spec import Spec
from ..tax import (
    TaxSchedule,
)

#: Roth detail of :class:`RetirementPaths`, zeros when absent.
_ROTH_DETAIL = (
    "roth_taxable",
    "roth_tax",
    "roth_penalty",
    "roth_basis",
    "roth_nonqualified_share",
)

__all__ = ["ROTH_FIVE_YEARS", "Retirement", "RetirementPaths"]

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
