"""One saver: the :class:`Participant` specification."""

from __future__ import annotations

import math
from numbers import Real
from typing import Any

from pydantic import Field, ValidationInfo, field_validator, model_validator

from .._spec import Spec
from ..limits import MAX_YEAR
from .targets import DEFAULT_SALARY_GROWTH

#: Float fields: NaN and infinities are refused with a message that says so.
_FLOAT_FIELDS = (
    "salary",
    "balance",
    "deferral_rate",
    "roth_fraction",
    "salary_growth",
    "roth_balance",
    "prior_year_wages",
    "service_years",
)
#: Fields that are fractions: 6 for 6% is refused with a message that says so.
_FRACTION_FIELDS = ("deferral_rate", "roth_fraction", "salary_growth")


class Participant(Spec):
    """One saver in a defined-contribution plan.

    Parameters
    ----------
    age : int
        Age attained in ``start_year`` (used for catch-up eligibility), 16-99.
    salary : float
        Annual pay in ``start_year``, nominal dollars, >= 0.
    balance : float
        Account balance at the start of ``start_year``, dollars, >= 0.
    deferral_rate : float
        Employee deferral as a fraction of plan compensation, [0, 1].
    roth_fraction : float
        Share of employee deferrals designated Roth, [0, 1].
    retirement_age : int
        Age at which contributions stop and the simulation ends; > ``age``, <= 100.
    salary_growth : float
        Nominal annual pay growth, [-0.2, 0.5]. Default 3.5% (*est.*).
    start_year : int
        First simulated calendar year, >= 2024 (first year with a full IRS table).
    roth_balance : float
        Part of ``balance`` that is Roth, dollars, in [0, balance].
    prior_year_wages : float or None
        FICA wages of the year before ``start_year`` (SECURE 2.0 §603 Roth
        catch-up test); default ``salary / (1 + salary_growth)``.
    service_years : float or None
        Years of service with the employer at the start of ``start_year``,
        for vesting of employer money; default None: fully vested.
    """

    age: int = Field(ge=16, le=99)
    salary: float = Field(ge=0.0, le=1e9)
    balance: float = Field(default=0.0, ge=0.0, le=1e11)
    deferral_rate: float = Field(ge=0.0, le=1.0)
    roth_fraction: float = Field(default=0.0, ge=0.0, le=1.0)
    retirement_age: int = Field(default=65, ge=17, le=100)
    salary_growth: float = Field(default=DEFAULT_SALARY_GROWTH, ge=-0.2, le=0.5)
    start_year: int = Field(default=2026, ge=2024, le=2150)
    roth_balance: float = Field(default=0.0, ge=0.0)
    prior_year_wages: float | None = Field(default=None, ge=0.0, le=1e9)
    service_years: float | None = Field(default=None, ge=0.0, le=80.0)

    @field_validator(*_FLOAT_FIELDS, mode="before")
    @classmethod
    def _finite(cls, value: Any, info: ValidationInfo) -> Any:
        name = info.field_name
        if isinstance(value, Real) and not isinstance(value, bool):
            number = float(value)
            if not math.isfinite(number):
                raise ValueError(f"{name} must be a finite number; got {number!r}")
            if name in _FRACTION_FIELDS and 1.0 < number <= 100.0:
                raise ValueError(
                    f"{name} is a fraction; got {number:g}, which looks like a percentage: "
                    f"use {number / 100:g} for {number:g}%"
                )
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Participant:
        if self.retirement_age <= self.age:
            raise ValueError(
                f"retirement_age must be greater than age ({self.age}); got {self.retirement_age}"
            )
        last_year = self.start_year + self.retirement_age - self.age - 1
        if last_year > MAX_YEAR:
            raise ValueError(
                f"start_year + (retirement_age - age) - 1 must be <= {MAX_YEAR} (last year with "
                f"IRS limits); got {last_year}"
            )
        if self.roth_balance > self.balance:
            raise ValueError(
                f"roth_balance must be between 0 and balance ({self.balance:g}); "
                f"got {self.roth_balance:g}"
            )
        return self

    @property
    def n_years(self) -> int:
        """Years simulated: from ``age`` up to (not including) ``retirement_age``."""
        return self.retirement_age - self.age
