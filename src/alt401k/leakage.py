"""Leakage: money leaving a plan before retirement, as expected yearly shares of a balance.

A population cell stands for many participants, so leakage is applied as
*expected* shares over the people of the cell, each an annual fraction of
the balance (the engine converts annual rates per period, see
:mod:`alt401k.engine`). Three channels, for cells still working:

1. **Separation.** A share ``h(age)`` of participants leaves the employer
   each year (the separation hazard). Of the assets of those who leave, a
   share stays in the plan, a share is rolled over out of it and a share is
   cashed out (taxed on top of the year's wages, and penalised before 59½:
   :meth:`Leakage.leakage_tax`).
   The expected yearly outflows are ``h x rollover`` and ``h x cash_out``.
2. **Hardship withdrawals.** A share ``hardship_rate`` of participants takes
   one a year, withdrawing ``hardship_share`` of their balance (taxed, and
   penalised up to 59½: no rule of 55 while employed).
3. **Loan defaults.** A share ``loan_share`` of participants has a loan
   outstanding worth ``loan_balance_share`` of their balance; a share
   ``loan_default_rate`` of the outstanding loans defaults each year (mostly
   at separation, as a loan offset), which is a taxable distribution.

Cells not working get zero here: their outflows are the retirement rules of
:mod:`alt401k.outflows`.

Defaults and sources
--------------------

===========================  ==================================  ===============================
number                       value                               source
===========================  ==================================  ===============================
separation hazard < 25       40% a year                          *est.* (short tenure of the
                                                                 young, beyond the BLS range)
separation hazard 25-34      ln 2 / 2.7 = 25.7% a year           median tenure 2.7 years (BLS
                                                                 Employee Tenure, 2024)
separation hazard 35-44      16% a year                          *est.*, interpolated
separation hazard 45-54      10% a year                          *est.*, interpolated
separation hazard 55-64      ln 2 / 9.6 = 7.2% a year            median tenure 9.6 years (BLS
                                                                 2024)
separation hazard 65+        ln 2 / 9.6 = 7.2% a year            *est.*: as at 55-64
at separation, by assets     81% left in plan / 16% rolled       Vanguard, How America Saves
                             over / 3% cashed out                (plan leavers 2012-2021)
hardship withdrawals         4.8% of participants a year         Vanguard HAS 2025 (2024 data)
hardship amount              10% of the balance                  *est.*
loans outstanding            13% of participants                 Vanguard HAS 2025 (2024 data)
loan size                    15% of the balance                  *est.*
loan defaults                10% of outstanding loans a year     *est.*
===========================  ==================================  ===============================

The hazard of a band is ``ln 2 / median tenure``: with a constant hazard
:math:`h`, job spells are exponential with median :math:`\\ln 2 / h`. Cash-out
shares are by assets, not by people (14-19% of leavers cash out, but mostly
small balances: most under $1,000, 7% of those above $100,000), which is
what a cell of dollars needs. ``../shared/CALIBRATION.md``, "Participant
behaviour" and "The population" (separation and leakage).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from pydantic import ValidationInfo, field_validator, model_validator

from ._spec import Spec
from ._validation import check_int
from .tax import TaxSchedule, _federal, early_withdrawal_penalty
from .tax._checks import FilingStatus, as_float_array

__all__ = ["LEAKAGE_PARTS", "TAXABLE_PARTS", "Leakage"]

#: Keys of :meth:`Leakage.rates`, in the order they are summed.
LEAKAGE_PARTS: tuple[str, ...] = ("rollover", "cash_out", "hardship", "loan_default")

#: The leakage that is a taxable distribution (:meth:`Leakage.leakage_tax`); a rollover is not.
TAXABLE_PARTS: tuple[str, ...] = ("cash_out", "hardship", "loan_default")

#: Whether each taxable part is taken at separation from the employer (so the rule of 55
#: can apply): a cash-out is; a hardship withdrawal is taken while employed; a loan
#: default is mostly a loan offset at separation (see :class:`Leakage`).
_AT_SEPARATION = {"cash_out": True, "hardship": False, "loan_default": True}

#: Default separation hazards: (lower age bound, yearly probability of leaving the employer).
_DEFAULT_HAZARD: tuple[tuple[int, float], ...] = (
    (0, 0.40),
    (25, math.log(2) / 2.7),
    (35, 0.16),
    (45, 0.10),
    (55, math.log(2) / 9.6),
    (65, math.log(2) / 9.6),
)

_FRACTIONS = (
    "left_in_plan",
    "rollover",
    "to_new_plan",
    "cash_out",
    "hardship_rate",
    "hardship_share",
    "loan_share",
    "loan_balance_share",
    "loan_default_rate",
)
_SEPARATION_SHARES = ("left_in_plan", "rollover", "cash_out")
#: Tolerance on the separation shares summing to 1.
_SUM_TOL = 1e-9


class Leakage(Spec):
    r"""Separations, hardship withdrawals and loan defaults of working participants.

    Parameters
    ----------
    separation_hazard : sequence of (int, float)
        ``(lower age bound, yearly probability of leaving the employer)``
        pairs, ages whole numbers ``>= 0`` in strictly increasing order,
        probabilities in [0, 1]. A band runs from its bound to the next one;
        ages below the first bound use the first band. Default: ``ln 2 /
        median tenure`` (BLS 2024) and estimates, see the module docstring.
    left_in_plan, rollover, cash_out : float
        Shares of the assets of a separating participant that stay in the
        plan, are rolled over out of it, and are cashed out, in [0, 1],
        summing to 1 (default 0.81 / 0.16 / 0.03, Vanguard 2012-21, by assets).
    to_new_plan : float
        Share of the rolled-over assets that go into a new employer's plan
        rather than an IRA, in [0, 1] (default 0: all to IRAs). That money
        stays with the saver and in the DC pool: it is not an outflow
        (:meth:`rates` leaves it out) but a plan-to-plan rollover
        (:meth:`plan_to_plan`), which the pool reports as rollovers in.
    hardship_rate : float
        Share of participants taking a hardship withdrawal in a year, in
        [0, 1] (default 0.048, Vanguard HAS 2025).
    hardship_share : float
        Share of the balance withdrawn by those who do, in [0, 1]
        (default 0.10, *est.*).
    loan_share : float
        Share of participants with a loan outstanding, in [0, 1] (default
        0.13, Vanguard HAS 2025).
    loan_balance_share : float
        The loan as a share of the borrower's balance, in [0, 1] (default
        0.15, *est.*).
    loan_default_rate : float
        Share of outstanding loans defaulting a year, treated as a
        distribution, in [0, 1] (default 0.10, *est.*; mostly loan offsets at
        separation).

    Notes
    -----
    For a working cell aged :math:`a` with hazard :math:`h(a)`, the expected
    annual outflows as fractions of the balance are

    .. math::

        d_\text{rollover} = h(a)\,\rho\,(1 - \pi), \quad
        d_\text{cash out} = h(a)\,c, \quad
        d_\text{hardship} = p_h\,s_h, \quad
        d_\text{loan default} = p_\ell\,s_\ell\,\delta,

    and :math:`d = h(a)(\rho (1 - \pi) + c) + p_h s_h + p_\ell s_\ell \delta` in
    total (:meth:`total`), with :math:`\pi` ``to_new_plan``; all are zero for
    cells not working. The plan-to-plan rollovers :math:`h(a)\,\rho\,\pi`
    stay in the pool (:meth:`plan_to_plan`).
    ``Leakage(hardship_rate=0, loan_default_rate=0)`` keeps separations only:
    ``h(a) x 0.19``, the outflow rates of working cells before hardship and
    loans were modelled.
    """

    separation_hazard: tuple[tuple[int, float], ...] = _DEFAULT_HAZARD
    left_in_plan: float = 0.81
    rollover: float = 0.16
    cash_out: float = 0.03
    to_new_plan: float = 0.0
    hardship_rate: float = 0.048
    hardship_share: float = 0.10
    loan_share: float = 0.13
    loan_balance_share: float = 0.15
    loan_default_rate: float = 0.10

    # --- validation ---------------------------------------------------------

    @field_validator(*_FRACTIONS)
    @classmethod
    def _fraction(cls, value: float, info: ValidationInfo) -> float:
        if not 0.0 <= value <= 1.0:  # also rejects NaN
            raise ValueError(f"{info.field_name} must be between 0 and 1; got {value!r}")
        return value

    @field_validator("separation_hazard")
    @classmethod
    def _hazard_bands(cls, value: tuple[tuple[int, float], ...]) -> tuple[tuple[int, float], ...]:
        if not value:
            raise ValueError("separation_hazard needs at least one (age, rate) band; got ()")
        previous = -1
        for age, rate in value:
            check_int("separation_hazard age", age, low=0)
            if age <= previous:
                raise ValueError(
                    "separation_hazard ages must be strictly increasing; "
                    f"got {age} after {previous}"
                )
            if not 0.0 <= rate <= 1.0:
                raise ValueError(
                    f"separation_hazard rate must be between 0 and 1; got {rate!r} at age {age}"
                )
            previous = age
        return value

    @model_validator(mode="after")
    def _shares_sum_to_one(self) -> Leakage:
        total = self.left_in_plan + self.rollover + self.cash_out
        if abs(total - 1.0) > _SUM_TOL:
            raise ValueError(
                "left_in_plan + rollover + cash_out must sum to 1 (all the assets of a "
                f"separating participant); got {self.left_in_plan!r} + {self.rollover!r} + "
                f"{self.cash_out!r} = {total!r}"
            )
        return self

    # --- rates --------------------------------------------------------------

    def hazard(self, age: ArrayLike) -> NDArray[np.float64]:
        """Yearly probability of leaving the employer at ``age``.

        Parameters
        ----------
        age : array_like of float
            Age in the year, years.

        Returns
        -------
        ndarray of float64, shape of ``age``
            The hazard of the band holding ``age``, in [0, 1].
        """
        bounds = np.array([band[0] for band in self.separation_hazard], dtype=float)
        rates = np.array([band[1] for band in self.separation_hazard], dtype=float)
        band = np.searchsorted(bounds, np.asarray(age, dtype=float), side="right") - 1
        return rates[np.clip(band, 0, rates.size - 1)]

    def rates(self, age: ArrayLike, working: ArrayLike) -> dict[str, NDArray[np.float64]]:
        """Expected annual leakage by channel, as fractions of the balance.

        Parameters
        ----------
        age : array_like of float
            Age in the year, years.
        working : array_like of bool
            Whether the cell is employed (leakage applies) or not (zero);
            broadcast with ``age``.

        Returns
        -------
        dict of str to ndarray of float64, broadcast shape of the inputs
            ``rollover``, ``cash_out``, ``hardship``, ``loan_default``
            (:data:`LEAKAGE_PARTS`), each an annual rate in [0, 1].
        """
        hazard, working_ = self._broadcast(age, working)
        hardship = self.hardship_rate * self.hardship_share
        loan_default = self.loan_share * self.loan_balance_share * self.loan_default_rate
        return {
            "rollover": np.where(
                working_, hazard * (self.rollover * (1.0 - self.to_new_plan)), 0.0
            ),
            "cash_out": np.where(working_, hazard * self.cash_out, 0.0),
            "hardship": np.where(working_, hardship, 0.0),
            "loan_default": np.where(working_, loan_default, 0.0),
        }

    def total(self, age: ArrayLike, working: ArrayLike) -> NDArray[np.float64]:
        """Total expected annual leakage, a fraction of the balance.

        Parameters
        ----------
        age, working : array_like
            As in :meth:`rates`.

        Returns
        -------
        ndarray of float64, broadcast shape of the inputs
            ``h(age) (rollover (1 - to_new_plan) + cash_out) + hardship_rate hardship_share +
            loan_share loan_balance_share loan_default_rate`` for working
            cells, 0 otherwise. Equal to the sum of :meth:`rates` to rounding
            (the separation share is summed before multiplying by the hazard,
            so that the default gives exactly ``h(age) x 0.19``).
        """
        hazard, working_ = self._broadcast(age, working)
        separation = hazard * (self.rollover * (1.0 - self.to_new_plan) + self.cash_out)
        other = self.hardship_rate * self.hardship_share + (
            self.loan_share * self.loan_balance_share * self.loan_default_rate
        )
        return np.where(working_, separation + other, 0.0)

    def plan_to_plan(self, age: ArrayLike, working: ArrayLike) -> NDArray[np.float64]:
        """Expected annual plan-to-plan rollovers of job changers, a fraction of the balance.

        ``h(age) x rollover x to_new_plan`` for working cells, 0 otherwise: money
        that leaves one plan for a new employer's plan and so stays in the DC
        pool (not part of :meth:`total`).

        Parameters
        ----------
        age, working : array_like
            As in :meth:`rates`.
        """
        hazard, working_ = self._broadcast(age, working)
        return np.where(working_, hazard * (self.rollover * self.to_new_plan), 0.0)

    def _broadcast(
        self, age: ArrayLike, working: ArrayLike
    ) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
        hazard = self.hazard(age)
        working_ = np.asarray(working, dtype=bool)
        hazard, working_ = np.broadcast_arrays(hazard, working_)
        return hazard, working_

    # --- tax ----------------------------------------------------------------

    @staticmethod
    def cash_out_tax(
        amount: ArrayLike,
        age: ArrayLike,
        *,
        separation_age: ArrayLike | None = None,
        filing_status: FilingStatus = "single",
        other_income: ArrayLike = 0.0,
        year: int = 2026,
        index: ArrayLike = 1.0,
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        r"""Federal income tax and 10% additional tax a pre-tax cash-out costs.

        The same rules apply to a hardship withdrawal or a defaulted loan:
        each is a taxable distribution.

        Parameters
        ----------
        amount : array_like of float
            Pre-tax amount cashed out, dollars, ``>= 0`` (Roth contributions
            come back tax-free: pass only the taxable part).
        age : array_like of float
            Age attained in the year of the cash-out, years.
        separation_age : array_like of float, optional
            Age in the year of separation from the plan's employer; default
            ``age`` (a cash-out at separation). ``np.inf``: still employed.
        filing_status : {"single", "married_joint", "head_of_household"}
            Filing status.
        other_income : array_like of float
            Other ordinary income of the year, dollars, ``>= 0``: the
            cash-out is taxed on top of it.
        year : int
            Tax year, ``>= 2025``. Years after the last published schedule
            (2026) use it with ``index``.
        index : array_like of float
            Price index scaling the schedule's dollar amounts from the
            published year (1 for 2025 and 2026), ``> 0``.

        Returns
        -------
        income_tax, penalty : ndarray of float64, broadcast shape of the inputs
            Dollars: the extra income tax (:meth:`alt401k.TaxSchedule.income_tax`
            with and without the cash-out) and the 10% additional tax of IRC
            72(t) (:func:`alt401k.early_withdrawal_penalty`; none from 59½, or
            with the rule of 55 when separated in or after the year of turning
            55).

        Raises
        ------
        ValueError
            A year before 2025, an unknown filing status, or negative or
            non-finite dollars or ages (naming the argument and value).

        Notes
        -----
        .. math::

            \text{income tax} = T(y + A) - T(y), \qquad
            \text{penalty} = 0.10\,A\,\mathbb{1}[\text{age} < 59.5
            \wedge \neg(\text{sep. age} \ge 55)]

        with :math:`T` the year's schedule, :math:`y` ``other_income`` and
        :math:`A` ``amount``.
        """
        first, last = _federal.PUBLISHED_YEARS[0], _federal.PUBLISHED_YEARS[-1]
        year = check_int("year", year, low=first)
        if year <= last:
            schedule = TaxSchedule.federal(year, filing_status)
        else:
            schedule = TaxSchedule.federal(last, filing_status).indexed(1.0, year)
        amount_ = as_float_array("amount", amount)
        other = as_float_array("other_income", other_income)
        age_ = as_float_array("age", age)
        with_cash_out = schedule.income_tax(other + amount_, age=age_, index=index)
        without = schedule.income_tax(other, age=age_, index=index)
        penalty = early_withdrawal_penalty(
            amount_, age_, separation_age=age_ if separation_age is None else separation_age
        )
        income_tax = with_cash_out - without
        income_tax, penalty = np.broadcast_arrays(income_tax, penalty)
        return income_tax.astype(np.float64), penalty.astype(np.float64)

    @staticmethod
    def leakage_tax(
        amounts: Mapping[str, ArrayLike],
        age: ArrayLike,
        *,
        wages: ArrayLike = 0.0,
        filing_status: FilingStatus = "single",
        year: int = 2026,
        index: ArrayLike = 1.0,
    ) -> dict[str, tuple[NDArray[np.float64], NDArray[np.float64]]]:
        r"""Federal income tax and 10% additional tax of a year's taxable leakage, by part.

        Parameters
        ----------
        amounts : mapping of str to array_like of float
            Pre-tax dollars leaving the plan in the year by part, ``>= 0``:
            any of :data:`TAXABLE_PARTS` (``cash_out``, ``hardship``,
            ``loan_default``); missing parts are zero.
        age : array_like of float
            Age attained in the year, years.
        wages : array_like of float
            The year's taxable wages (pay less pre-tax deferrals), dollars,
            ``>= 0``: the leakage is taxed on top of them.
        filing_status, year, index
            As in :meth:`cash_out_tax`.

        Returns
        -------
        dict of str to (income_tax, penalty)
            For each part given, ndarrays of float64 of the broadcast shape,
            dollars. The income tax is the tax the parts add together on top of
            the wages, :math:`T(w + \sum_p A_p) - T(w)`, shared among the
            parts in proportion to their amounts (so each pays the marginal
            rates the sum reaches). The penalty is the 10% additional tax of IRC
            72(t) on each part (:func:`alt401k.early_withdrawal_penalty`, the
            half-year convention for 59½): a cash-out and a loan default
            (mostly a loan offset) are taken at separation, so the rule of 55
            applies from 55; a hardship withdrawal is taken while employed, so
            it is penalised up to 59½.

        Raises
        ------
        ValueError
            An unknown part, or bad input as in :meth:`cash_out_tax`.
        """
        unknown = sorted(set(amounts) - set(TAXABLE_PARTS))
        if unknown:
            raise ValueError(
                f"amounts must be keyed by {', '.join(TAXABLE_PARTS)}; got {unknown[0]!r}"
            )
        parts = {name: as_float_array(name, value) for name, value in amounts.items()}
        total = sum(parts.values(), np.zeros(()))
        income_tax, _ = Leakage.cash_out_tax(
            total, age, filing_status=filing_status, other_income=wages, year=year, index=index
        )
        age_ = as_float_array("age", age)
        out = {}
        for name, amount in parts.items():
            share = np.divide(
                amount, total, out=np.zeros(np.broadcast(amount, total).shape), where=total > 0
            )
            penalty = early_withdrawal_penalty(
                amount, age_, separation_age=age_ if _AT_SEPARATION[name] else np.inf
            )
            tax, penalty = np.broadcast_arrays(income_tax * share, penalty)
            out[name] = (tax.astype(np.float64), penalty.astype(np.float64))
        return out


def _as_leakage(value: Any) -> Leakage:
    """``value`` if it is a :class:`Leakage`, else an error naming it."""
    if not isinstance(value, Leakage):
        raise ValueError(f"leakage must be a Leakage or None; got {value!r}")
    return value
