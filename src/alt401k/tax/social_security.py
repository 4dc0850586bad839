"""The taxable part of Social Security benefits (IRC 86).

A share of Social Security benefits, between 0 and 85%, enters gross income
once the recipient's *provisional income* exceeds two fixed thresholds. The
thresholds are written into the statute and are **not** indexed for
inflation (IRC 86(c)), so they bite more every year.

==================  ====================  =====================
filing status       base amount           adjusted base amount
==================  ====================  =====================
single              $25,000               $34,000
head_of_household   $25,000               $34,000
married_joint       $32,000               $44,000
==================  ====================  =====================

Sources: IRC 86(c)(1) (base amounts, 1983), IRC 86(c)(2) (adjusted base
amounts, 1993); IRS Publication 915.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._checks import FilingStatus, as_float_array, check_filing_status

#: IRC 86(c)(1) base amount and 86(c)(2) adjusted base amount, dollars of
#: provisional income per year, by filing status. Not indexed.
SOCIAL_SECURITY_THRESHOLDS: dict[str, tuple[float, float]] = {
    "single": (25_000.0, 34_000.0),
    "head_of_household": (25_000.0, 34_000.0),
    "married_joint": (32_000.0, 44_000.0),
}


def taxable_social_security(
    benefits: ArrayLike, other_income: ArrayLike, filing_status: FilingStatus
) -> NDArray[np.float64]:
    r"""Part of Social Security benefits included in gross income (IRC 86).

    Parameters
    ----------
    benefits : array_like of float
        Social Security benefits received in the year, dollars per year,
        ``>= 0`` (both spouses' together for ``married_joint``).
    other_income : array_like of float
        Income other than the benefits that enters provisional income,
        dollars per year, ``>= 0``: taxable ordinary income such as pre-tax
        401(k) withdrawals, wages and interest.
    filing_status : {"single", "married_joint", "head_of_household"}
        Selects the thresholds.

    Returns
    -------
    ndarray of float64, shape ``broadcast(benefits, other_income)``
        Taxable benefits, dollars per year, between 0 and ``0.85 * benefits``.

    Raises
    ------
    ValueError
        Unknown filing status, or a negative or non-finite input (the message
        names the argument and the first bad value).

    Notes
    -----
    With benefits :math:`B`, other income :math:`I`, base amount :math:`b`
    and adjusted base amount :math:`a` (table in the module docstring), the
    provisional income is :math:`P = I + B/2` and the taxable amount is

    .. math::

        T = \begin{cases}
        0 & P \le b \\
        \min(B/2,\ (P - b)/2) & b < P \le a \\
        \min\bigl(0.85 B,\ 0.85 (P - a) + \min(B/2,\ (a - b)/2)\bigr) & P > a
        \end{cases}

    :math:`T` is continuous and non-decreasing in :math:`I`, with slope 0.5
    between the thresholds and 0.85 above them until a cap (``B/2`` or
    ``0.85 B``) binds, where the slope is 0.

    Simplifications: provisional income under IRC 86(b)(2) also adds
    tax-exempt interest and some excluded foreign income and subtracts
    above-the-line deductions; here it is ``other_income`` plus half the
    benefits. Married filing separately (base amount 0 when living together)
    is not modelled.
    """
    status = check_filing_status(filing_status)
    b = as_float_array("benefits", benefits)
    income = as_float_array("other_income", other_income)
    base, adjusted = SOCIAL_SECURITY_THRESHOLDS[status]
    b, income = np.broadcast_arrays(b, income)
    provisional = income + 0.5 * b
    first_tier = np.minimum(0.5 * b, 0.5 * np.maximum(provisional - base, 0.0))
    second_tier = np.minimum(
        0.85 * b,
        0.85 * np.maximum(provisional - adjusted, 0.0)
        + np.minimum(0.5 * b, 0.5 * (adjusted - base)),
    )
    return np.where(provisional > adjusted, second_tier, first_tier).astype(np.float64)
