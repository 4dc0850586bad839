"""Federal (plus a flat state) income tax on ordinary income: :class:`TaxSchedule`.

A schedule holds one year's brackets and deductions for one filing status;
:meth:`TaxSchedule.income_tax` applies them to arrays of income. Published
federal parameters for 2025 and 2026 come from :meth:`TaxSchedule.federal`
(sources in :mod:`alt401k.tax._federal`); later years are projected with
:meth:`TaxSchedule.indexed` or the ``index`` argument of the tax methods.

The computation, in the order the law applies it:

1. taxable Social Security benefits (IRC 86, fixed thresholds;
   :func:`~alt401k.tax.taxable_social_security`);
2. adjusted gross income = ordinary income + taxable benefits;
3. deductions: standard (IRC 63(c)), additional per person 65+ (IRC 63(f)),
   senior deduction per person 65+ in 2025-2028 with its phase-out
   (IRC 151(f));
4. taxable income = AGI - deductions, not below 0;
5. tax = brackets on taxable income (IRC 1(j)) + ``state_rate`` x taxable income.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from pydantic import ConfigDict, ValidationInfo, field_validator, model_validator

from .._spec import Spec
from .._validation import check_int
from . import _federal
from ._checks import FilingStatus, as_float_array, as_positive_array, check_filing_status
from .brackets import bracket_tax, check_brackets
from .deductions import count_65_plus, total_deduction
from .social_security import taxable_social_security

#: First year accepted: the first year of the modern income tax (1913).
_FIRST_YEAR = 1913

#: Fields in dollars, scaled by :meth:`TaxSchedule.indexed` (with the bracket bounds).
_DOLLAR_FIELDS = ("standard_deduction", "additional_deduction_65")
#: Dollar fields fixed by statute, never indexed: IRC 151(f) states the senior deduction
#: ($6,000) and its phase-out thresholds ($75,000 / $150,000) for 2025-2028 without an
#: inflation adjustment.
_FIXED_DOLLAR_FIELDS = ("senior_deduction", "senior_phaseout_threshold")


class TaxSchedule(Spec):
    """One year's ordinary income-tax rules for one filing status.

    Parameters
    ----------
    year : int
        Tax year (>= 1913). Decides whether the senior deduction applies.
    filing_status : {"single", "married_joint", "head_of_household"}
        Filing status.
    brackets : tuple of (float, float)
        ``(upper bound, marginal rate)`` pairs in order: the upper bound of
        taxable income of each bracket, dollars, strictly increasing and
        positive, the last ``inf``; the rate as a fraction in [0, 1) (rates
        need not increase).
    standard_deduction : float
        Basic standard deduction, dollars (IRC 63(c)), ``>= 0``.
    additional_deduction_65 : float
        Additional standard deduction per qualifying person aged 65+, dollars
        (IRC 63(f)), ``>= 0``. Blindness, which also qualifies, is not modelled.
    senior_deduction : float
        Temporary deduction per person aged 65+, nominal dollars of any year
        (IRC 151(f), $6,000 for 2025-2028, fixed in the law: not indexed by
        :meth:`indexed` nor by the ``index`` argument), ``>= 0``.
    senior_phaseout_threshold : float
        Modified AGI above which each senior deduction is reduced, nominal
        dollars, not indexed ($75,000 single and head of household, $150,000
        joint), ``>= 0``.
    senior_phaseout_rate : float
        Reduction per dollar of modified AGI above the threshold (0.06), in
        [0, 1].
    senior_years : (int, int), default (2025, 2028)
        First and last tax years of the senior deduction, inclusive.
    state_rate : float, default 0.0
        Flat state income tax on federal taxable income, a fraction in [0, 1),
        added to the federal tax. ``state_rate`` plus the top bracket rate
        must stay below 1 so that tax never exceeds income.

    Notes
    -----
    JSON serialization writes the open top bound as the string
    ``"Infinity"``, which validates back to ``inf``.
    """

    model_config = ConfigDict(ser_json_inf_nan="strings")

    year: int
    filing_status: FilingStatus
    brackets: tuple[tuple[float, float], ...]
    standard_deduction: float
    additional_deduction_65: float
    senior_deduction: float
    senior_phaseout_threshold: float
    senior_phaseout_rate: float
    senior_years: tuple[int, int] = (2025, 2028)
    state_rate: float = 0.0

    # --- validation ---------------------------------------------------------

    @field_validator("filing_status", mode="before")
    @classmethod
    def _known_status(cls, value: Any) -> Any:
        return check_filing_status(value)

    @field_validator("year")
    @classmethod
    def _year_range(cls, value: int) -> int:
        return check_int("year", value, low=_FIRST_YEAR)

    @field_validator("brackets")
    @classmethod
    def _valid_brackets(cls, value: tuple[tuple[float, float], ...]) -> Any:
        return check_brackets(value)

    @field_validator(*_DOLLAR_FIELDS, *_FIXED_DOLLAR_FIELDS)
    @classmethod
    def _nonnegative_dollars(cls, value: float, info: ValidationInfo) -> float:
        if not (math.isfinite(value) and value >= 0.0):
            raise ValueError(f"{info.field_name} must be a finite number >= 0; got {value!r}")
        return value

    @field_validator("senior_phaseout_rate")
    @classmethod
    def _phaseout_rate(cls, value: float) -> float:
        if not 0.0 <= value <= 1.0:
            raise ValueError(f"senior_phaseout_rate must be between 0 and 1; got {value!r}")
        return value

    @field_validator("state_rate")
    @classmethod
    def _state_rate(cls, value: float) -> float:
        if not 0.0 <= value < 1.0:
            raise ValueError(f"state_rate must be in [0, 1); got {value!r}")
        return value

    @field_validator("senior_years")
    @classmethod
    def _senior_years(cls, value: tuple[int, int]) -> tuple[int, int]:
        if value[0] > value[1]:
            raise ValueError(f"senior_years must be (first, last) with first <= last; got {value}")
        return value

    @model_validator(mode="after")
    def _tax_below_income(self) -> Any:
        top = max(rate for _, rate in self.brackets)
        if top + self.state_rate >= 1.0:
            raise ValueError(
                "state_rate plus the highest bracket rate must be below 1 (else tax could "
                f"exceed income); got {self.state_rate!r} + {top!r}"
            )
        return self

    # --- construction -------------------------------------------------------

    @classmethod
    def federal(
        cls, year: int = 2025, filing_status: FilingStatus = "single", *, state_rate: float = 0.0
    ) -> TaxSchedule:
        """The published federal schedule of ``year`` and ``filing_status``.

        Parameters
        ----------
        year : {2025, 2026}
            Tax year. Later years: project with :meth:`indexed`, e.g.
            ``TaxSchedule.federal(2026).indexed(1.025, 2027)``.
        filing_status : {"single", "married_joint", "head_of_household"}
            Filing status.
        state_rate : float, default 0.0
            Flat state income tax on federal taxable income, in [0, 1).

        Returns
        -------
        TaxSchedule
            Brackets, standard and additional 65+ deductions of the year
            (Rev. Proc. 2024-40 for 2025 as amended by the One Big Beautiful
            Bill Act, Rev. Proc. 2025-32 for 2026) and the $6,000 senior
            deduction of 2025-2028 (IRC 151(f)); sources in
            :mod:`alt401k.tax._federal` and the package docstring.

        Raises
        ------
        ValueError
            A year without published parameters, or an unknown filing status.
        """
        if year not in _federal.PUBLISHED_YEARS:
            allowed = ", ".join(map(str, _federal.PUBLISHED_YEARS))
            raise ValueError(
                f"year must be one of the published years {allowed}; got {year!r}. "
                "Project a later year with TaxSchedule.federal(...).indexed(factor, year)"
            )
        status = check_filing_status(filing_status)
        return cls(**_federal.federal_fields(year, status), state_rate=state_rate)

    def indexed(self, factor: float, year: int) -> TaxSchedule:
        """This schedule with every dollar amount scaled by ``factor``, for ``year``.

        Parameters
        ----------
        factor : float
            Inflation index from this schedule's year to ``year`` (e.g.
            ``1.025 ** 3``), finite and ``> 0``.
        year : int
            Tax year of the projected schedule; the senior deduction applies
            only if it lies in ``senior_years``.

        Returns
        -------
        TaxSchedule
            Bracket bounds and the standard and additional 65+ deductions
            multiplied by ``factor``; rates, ``senior_years``, ``state_rate``
            and the senior deduction and its phase-out threshold unchanged
            (fixed dollars in IRC 151(f), not indexed).

        Notes
        -----
        The IRS indexes by the chained CPI-U and rounds each amount down to
        a multiple of $25 or $50 (IRC 1(f)(7), 63(c)(4)); no rounding is done
        here, so that tax is exactly homogeneous of degree one in the index
        outside the senior deduction's years (or below 65).
        """
        factor = float(factor)
        if not (math.isfinite(factor) and factor > 0.0):
            raise ValueError(f"factor must be a finite number > 0; got {factor!r}")
        return self.replace(
            year=year,
            brackets=tuple((bound * factor, rate) for bound, rate in self.brackets),
            **{name: getattr(self, name) * factor for name in _DOLLAR_FIELDS},
        )

    @property
    def senior_deduction_applies(self) -> bool:
        """Whether :attr:`year` lies in :attr:`senior_years`."""
        first, last = self.senior_years
        return first <= self.year <= last

    # --- computation --------------------------------------------------------

    def _taxable_and_index(
        self,
        ordinary_income: ArrayLike,
        age: ArrayLike | None,
        spouse_age: ArrayLike | None,
        social_security: ArrayLike | None,
        index: ArrayLike,
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Taxable income in index-1 dollars, and the index, broadcast together."""
        income = as_float_array("ordinary_income", ordinary_income)
        scale = as_positive_array("index", index)
        n_65 = count_65_plus(self.filing_status, age, spouse_age)
        gross = income
        if social_security is not None:
            benefits = as_float_array("social_security", social_security)
            # IRC 86 thresholds are fixed dollars: apply them before deflating.
            gross = income + taxable_social_security(benefits, income, self.filing_status)
        agi = gross / scale
        # The senior deduction and its threshold are fixed nominal dollars (IRC 151(f)): in
        # the index-1 dollars used here they shrink as the index grows.
        deduction = total_deduction(
            agi,
            n_65,
            standard=self.standard_deduction,
            additional_65=self.additional_deduction_65,
            senior=self.senior_deduction / scale,
            phaseout_threshold=self.senior_phaseout_threshold / scale,
            phaseout_rate=self.senior_phaseout_rate,
            senior_applies=self.senior_deduction_applies,
        )
        taxable = np.maximum(agi - deduction, 0.0)
        taxable, scale = np.broadcast_arrays(taxable, scale)
        return taxable.astype(np.float64), scale

    def taxable_income(
        self,
        ordinary_income: ArrayLike,
        *,
        age: ArrayLike | None = None,
        spouse_age: ArrayLike | None = None,
        social_security: ArrayLike | None = None,
        index: ArrayLike = 1.0,
    ) -> NDArray[np.float64]:
        """Taxable income after deductions, dollars per year (see :meth:`income_tax`)."""
        taxable, scale = self._taxable_and_index(
            ordinary_income, age, spouse_age, social_security, index
        )
        return np.asarray(taxable * scale, dtype=np.float64)

    def income_tax(
        self,
        ordinary_income: ArrayLike,
        *,
        age: ArrayLike | None = None,
        spouse_age: ArrayLike | None = None,
        social_security: ArrayLike | None = None,
        index: ArrayLike = 1.0,
    ) -> NDArray[np.float64]:
        r"""Federal plus flat state income tax on ordinary income, dollars per year.

        All array arguments broadcast together.

        Parameters
        ----------
        ordinary_income : array_like of float
            Gross ordinary income before deductions, dollars per year,
            ``>= 0``: pre-tax 401(k) withdrawals plus other taxable income
            (excluding Social Security, passed separately).
        age : array_like of float, optional
            Filer's age attained by the end of the tax year, years. ``None``
            means under 65.
        spouse_age : array_like of float, optional
            Spouse's age, ``married_joint`` only; defaults to ``age``.
        social_security : array_like of float, optional
            Social Security benefits, dollars per year, ``>= 0``; their
            taxable part (IRC 86) is added to income.
        index : array_like of float, default 1.0
            Price index scaling the schedule's indexed dollar amounts (bracket
            bounds, standard and additional 65+ deductions), ``> 0``:
            per-scenario inflation indexing. The senior deduction and its
            phase-out threshold are fixed by law and not scaled.

        Returns
        -------
        ndarray of float64, broadcast shape of the arguments
            Tax, dollars per year, in ``[0, ordinary_income + social_security)``
            (below ``ordinary_income`` when there are no benefits).

        Raises
        ------
        ValueError
            Negative or non-finite income, benefits or ages, a non-positive
            index, or ``spouse_age`` for a filing status other than
            ``married_joint``; the message names the argument and the first
            bad value.

        Notes
        -----
        With income :math:`x`, benefits :math:`B`, index :math:`k`, taxable
        benefits :math:`S(B, x)` (fixed IRC 86 thresholds), AGI
        :math:`g = x + S`, and :math:`n` persons aged 65+:

        .. math::

            D(g) &= d_0 + n\,d_{65} + n \max\bigl(0,\ d_s/k - \rho\,(g - m/k)^+\bigr)
                   \ \text{(the last term only in senior years)} \\
            t &= \bigl(g/k - D(g/k)\bigr)^+ \\
            \text{tax} &= k\,\Bigl(\sum_j r_j \bigl(\min(t, u_j) - u_{j-1}\bigr)^+
                         + \tau\, t\Bigr)

        with brackets :math:`(u_j, r_j)`, :math:`u_0 = 0`, standard
        deduction :math:`d_0`, additional deduction :math:`d_{65}`, senior
        deduction :math:`d_s`, phase-out rate :math:`\rho` above threshold
        :math:`m`, and state rate :math:`\tau`; :math:`d_s` and :math:`m` are
        fixed nominal dollars (IRC 151(f)), so they are divided by the index.
        Hence without benefits and without the senior deduction
        ``tax(k x; index=k) == k tax(x)``; the identity fails with benefits
        (the IRC 86 thresholds are not indexed by law) and for a filer aged
        65+ in 2025-2028 (nor is the senior deduction).

        Simplifications: modified AGI for the senior phase-out is taken as
        AGI (ordinary income plus taxable benefits; foreign-income exclusions
        are not added back); the standard deduction is always taken (no
        itemizing); no credits, no alternative minimum tax, no net investment
        income tax, no capital-gain rates; the state tax is a flat rate on
        federal taxable income.
        """
        taxable, scale = self._taxable_and_index(
            ordinary_income, age, spouse_age, social_security, index
        )
        tax = scale * (bracket_tax(taxable, self.brackets) + self.state_rate * taxable)
        return np.asarray(tax, dtype=np.float64)

    def marginal_rate(
        self,
        ordinary_income: ArrayLike,
        *,
        age: ArrayLike | None = None,
        spouse_age: ArrayLike | None = None,
        social_security: ArrayLike | None = None,
        index: ArrayLike = 1.0,
        step: float = 1.0,
    ) -> NDArray[np.float64]:
        """Tax on the next ``step`` dollars of ordinary income, per dollar.

        Arguments as in :meth:`income_tax`; ``step`` is in dollars (> 0).
        The forward difference ``(tax(x + step) - tax(x)) / step`` includes
        the effects of benefit taxation (1.5 or 1.85 times the bracket rate) and of
        the senior-deduction phase-out, which a bracket lookup would miss.

        Returns
        -------
        ndarray of float64, broadcast shape of the arguments
            Effective marginal rate, a fraction.
        """
        step = float(step)
        if not (math.isfinite(step) and step > 0.0):
            raise ValueError(f"step must be a finite number > 0; got {step!r}")
        income = as_float_array("ordinary_income", ordinary_income)
        kwargs: dict[str, Any] = dict(
            age=age, spouse_age=spouse_age, social_security=social_security, index=index
        )
        ahead = self.income_tax(income + step, **kwargs)
        return np.asarray((ahead - self.income_tax(income, **kwargs)) / step, dtype=np.float64)

    def after_tax(
        self,
        ordinary_income: ArrayLike,
        *,
        age: ArrayLike | None = None,
        spouse_age: ArrayLike | None = None,
        social_security: ArrayLike | None = None,
        index: ArrayLike = 1.0,
    ) -> NDArray[np.float64]:
        """Income left after tax, dollars per year.

        ``ordinary_income + social_security - income_tax(...)``, arguments as
        in :meth:`income_tax`; never negative.
        """
        tax = self.income_tax(
            ordinary_income,
            age=age,
            spouse_age=spouse_age,
            social_security=social_security,
            index=index,
        )
        income = np.asarray(ordinary_income, dtype=np.float64)
        if social_security is not None:
            income = income + np.asarray(social_security, dtype=np.float64)
        return np.asarray(income - tax, dtype=np.float64)
