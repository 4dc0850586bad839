"""The 10% additional tax on early distributions (IRC 72(t)).

A distribution from a qualified plan received before age 59½ owes an
additional income tax of 10% of the amount included in gross income, on top
of ordinary income tax, unless an exception of IRC 72(t)(2) applies. Two
exceptions are modelled:

1. **Rule of 55** (IRC 72(t)(2)(A)(v)): the distribution is made after the
   participant separated from service with the plan's employer in or after
   the calendar year in which they reached age 55.
2. **Substantially equal periodic payments** (SEPP, IRC 72(t)(2)(A)(iv)):
   payments made at least annually over the participant's life expectancy
   (which, for a plan, also requires separation from service).

Not modelled: death, disability, the age-50 rule for public-safety
employees, QDROs, medical expenses, the 2022+ emergency and
domestic-abuse exceptions, and the 25% rate on SIMPLE IRAs in their first two
years. The same function serves cash-outs when the leakage work lands: a
cash-out at separation is a distribution like any other.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._checks import as_float_array

#: IRC 72(t)(1): additional tax as a fraction of the taxable distribution.
EARLY_WITHDRAWAL_RATE = 0.10
#: IRC 72(t)(2)(A)(i): no additional tax on distributions at or after age 59½.
PENALTY_FREE_AGE = 59.5
#: IRC 72(t)(2)(A)(v): separation in or after the year of reaching this age.
RULE_OF_55_AGE = 55.0


def early_withdrawal_penalty(
    amount: ArrayLike,
    age: ArrayLike,
    *,
    separation_age: ArrayLike | None = None,
    sepp: bool | ArrayLike = False,
) -> NDArray[np.float64]:
    r"""The 10% additional tax of IRC 72(t) on pre-tax plan distributions.

    Parameters
    ----------
    amount : array_like of float
        Taxable (pre-tax) amount distributed, dollars, ``>= 0``. Roth
        contributions come back tax- and penalty-free; pass only the part
        included in gross income.
    age : array_like of float
        Participant's age attained in the year of the distribution, years,
        ``>= 0``. With whole-year ages, 59 owes the penalty and 60 does not:
        a participant turning 59 in the year reaches 59½ at the earliest
        half-way through it, so treating the whole year as before 59½ is the
        conservative reading. Fractional ages are compared with 59.5 as
        given.
    separation_age : array_like of float, optional
        Age attained in the calendar year the participant separated from the
        service of the plan's employer, years. ``None`` (the default) or
        ``np.inf`` means not separated. NaN is rejected: use ``np.inf`` as
        the "not separated" sentinel in arrays.
    sepp : bool or array_like of bool, default False
        Whether the distribution is part of substantially equal periodic
        payments (IRC 72(t)(2)(A)(iv)).

    Returns
    -------
    ndarray of float64, shape ``broadcast(amount, age, separation_age, sepp)``
        Additional tax, dollars: ``0.10 * amount`` or 0.

    Raises
    ------
    ValueError
        A negative or non-finite ``amount`` or ``age``, a negative or NaN
        ``separation_age``, or a ``sepp`` that is not boolean (the message
        names the argument and the first bad value).

    Notes
    -----
    .. math::

        \text{penalty} = 0.10\, A \cdot \mathbb{1}[\text{age} < 59.5]
        \cdot \bigl(1 - \mathbb{1}[s \ge 55 \wedge \text{age} \ge s]\bigr)
        \cdot (1 - \mathbb{1}[\text{SEPP}])

    where :math:`s` is ``separation_age``: the rule of 55 needs separation in
    or after the year of turning 55 and a distribution in or after the year
    of separation (a distribution while still employed is not covered).
    """
    amount_ = as_float_array("amount", amount)
    age_ = as_float_array("age", age)
    if separation_age is None:
        separated_at = np.asarray(np.inf)
    else:
        separated_at = as_float_array("separation_age", separation_age, allow_inf=True)
    sepp_ = np.asarray(sepp)
    if sepp_.dtype != np.bool_:
        raise ValueError(f"sepp must be a bool or an array of bools; got {sepp!r}")
    rule_of_55 = (separated_at >= RULE_OF_55_AGE) & (age_ >= separated_at)
    owes = (age_ < PENALTY_FREE_AGE) & ~rule_of_55 & ~sepp_
    amount_, owes = np.broadcast_arrays(amount_, owes)
    return np.where(owes, EARLY_WITHDRAWAL_RATE * amount_, 0.0).astype(np.float64)
