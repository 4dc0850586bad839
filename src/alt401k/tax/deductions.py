"""Deductions from adjusted gross income: standard, 65+, and the senior deduction.

Plain array arithmetic, used by :meth:`alt401k.tax.TaxSchedule.income_tax`;
the dollar amounts come from the schedule (sources in :mod:`alt401k.tax`).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._checks import as_float_array

#: IRC 63(f)(1) and 151(f): age attained by the end of the tax year.
SENIOR_AGE = 65.0


def count_65_plus(
    filing_status: str, age: ArrayLike | None, spouse_age: ArrayLike | None
) -> NDArray[np.float64]:
    """Number of persons on the return aged 65+ (0, 1 or 2), as float64.

    Parameters
    ----------
    filing_status : str
        ``"married_joint"`` counts filer and spouse; other statuses the filer.
    age : array_like of float or None
        Filer's age attained by the end of the year, years; ``None`` means
        under 65.
    spouse_age : array_like of float or None
        Spouse's age (``married_joint`` only); ``None`` means the same as
        ``age``.

    Raises
    ------
    ValueError
        A negative or non-finite age, or ``spouse_age`` with a filing status
        other than ``married_joint``.
    """
    filer = np.asarray(
        0.0 if age is None else (as_float_array("age", age) >= SENIOR_AGE), dtype=np.float64
    )
    if filing_status != "married_joint":
        if spouse_age is not None:
            raise ValueError(
                "spouse_age applies only to filing_status 'married_joint'; "
                f"got filing_status {filing_status!r}"
            )
        return filer
    if spouse_age is None:
        return 2.0 * filer
    return filer + (as_float_array("spouse_age", spouse_age) >= SENIOR_AGE)


def total_deduction(
    agi: NDArray[np.float64],
    n_65: NDArray[np.float64],
    *,
    standard: float,
    additional_65: float,
    senior: float | NDArray[np.float64],
    phaseout_threshold: float | NDArray[np.float64],
    phaseout_rate: float,
    senior_applies: bool,
) -> NDArray[np.float64]:
    r"""Standard deduction plus the 65+ deductions, dollars.

    Parameters
    ----------
    agi : ndarray of float64
        Adjusted gross income, dollars, also used as modified AGI.
    n_65 : ndarray of float64
        Persons aged 65+ on the return (:func:`count_65_plus`); broadcasts
        with ``agi``.
    standard, additional_65 : float
        Dollar amounts of the schedule.
    senior, phaseout_threshold : float or ndarray of float64
        Senior deduction and its phase-out threshold in the same dollars as
        ``agi`` (an array when fixed nominal amounts are deflated by a
        per-scenario index); broadcast with ``agi``.
    phaseout_rate : float
        Reduction of each senior deduction per dollar of MAGI above the
        threshold.
    senior_applies : bool
        Whether the tax year is one of the senior deduction's years.

    Returns
    -------
    ndarray of float64, broadcast shape of ``agi`` and ``n_65``
        Total deduction, dollars.

    Notes
    -----
    .. math::

        D = d_0 + n\,d_{65} + \mathbb{1}[\text{senior year}]\;
            n \max\bigl(0,\ d_s - \rho\,(\text{MAGI} - m)^+\bigr)

    Each person's senior deduction phases out separately against the same
    MAGI, so a joint return loses both at :math:`m + d_s/\rho` ($250,000 with
    the 2025 figures), not at twice that distance (IRC 151(f)(3)). MAGI is
    taken as AGI: the foreign-income exclusions IRC 151(f) adds back are not
    modelled.
    """
    deduction = standard + additional_65 * n_65
    if senior_applies:
        excess = np.maximum(agi - phaseout_threshold, 0.0)
        deduction = deduction + n_65 * np.maximum(senior - phaseout_rate * excess, 0.0)
    return np.asarray(deduction, dtype=np.float64)
