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

**The 59½ test by date.** The law asks whether the distribution is made
before the day the participant reaches 59½. The library counts ages as the
age attained in the calendar year (by December 31), and knows neither the
birthday nor the date of the distribution within the year. It takes both as
spread evenly over the year, independently, and charges the expected share
made before 59½ (:func:`share_before_59_half`): all of it up to the year of
attaining 58, 7/8 in the year of attaining 59, 1/8 in the year of attaining
60, none after. Over the two years that is exactly one year's distributions,
as with exact dates, so the convention favours neither the saver nor the tax
collector. (Treating all of the year of attaining 59 as before 59½ and all of
the year of attaining 60 as after, the earlier rule, overcharged a saver who
draws only at 59 by 1/8 and undercharged one who starts at 60 by 1/8.) Pass
``exact_age=True`` to compare an exact age on the distribution date with 59.5
instead.
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


def share_before_59_half(age: ArrayLike, *, exact_age: bool = False) -> NDArray[np.float64]:
    r"""Expected share of a year's distributions made before age 59½.

    Parameters
    ----------
    age : array_like of float
        Age attained in the calendar year of the distribution (by December
        31), years, ``>= 0``; with ``exact_age`` the exact age on the date of
        the distribution.
    exact_age : bool, default False
        Compare ``age`` with 59.5 as given (1 below, 0 at or above).

    Returns
    -------
    ndarray of float64, shape of ``age``
        Fraction in [0, 1]: 1 up to age 58, 7/8 at 59, 1/8 at 60, 0 from 61
        (whole ages attained in the year).

    Raises
    ------
    ValueError
        A negative or non-finite ``age``.

    Notes
    -----
    With the birthday at fraction :math:`b` of the year and the distribution
    at fraction :math:`f`, both uniform on [0, 1) and independent, the exact
    age at the distribution is :math:`a + f - b` for age attained :math:`a`.
    :math:`D = f - b` is triangular on (-1, 1), so the share before 59½ is

    .. math::

        P(a + D < 59.5) = F_D(59.5 - a), \qquad
        F_D(x) = \begin{cases}
            0 & x \le -1 \\
            (1 + x)^2 / 2 & -1 < x \le 0 \\
            1 - (1 - x)^2 / 2 & 0 < x < 1 \\
            1 & x \ge 1
        \end{cases}

    and :math:`\sum_a F_D(59.5 - a) - \sum_a \mathbb{1}[a < 59.5] = 0`
    over whole ages: the convention neither adds nor removes penalised
    years. Non-whole ``age`` values follow the same formula.
    """
    age_ = as_float_array("age", age)
    if exact_age:
        return (age_ < PENALTY_FREE_AGE).astype(np.float64)
    x = np.clip(PENALTY_FREE_AGE - age_, -1.0, 1.0)
    share = np.where(x <= 0.0, 0.5 * (1.0 + x) ** 2, 1.0 - 0.5 * (1.0 - x) ** 2)
    return np.asarray(share, dtype=np.float64)


def early_withdrawal_penalty(
    amount: ArrayLike,
    age: ArrayLike,
    *,
    separation_age: ArrayLike | None = None,
    sepp: bool | ArrayLike = False,
    exact_age: bool = False,
) -> NDArray[np.float64]:
    r"""The 10% additional tax of IRC 72(t) on pre-tax plan distributions.

    Parameters
    ----------
    amount : array_like of float
        Taxable (pre-tax) amount distributed, dollars, ``>= 0``. Roth
        contributions come back tax- and penalty-free; pass only the part
        included in gross income.
    age : array_like of float
        Participant's age attained in the calendar year of the distribution
        (by December 31), years, ``>= 0``. The share of the amount taken as
        made before 59½ is :func:`share_before_59_half`: 1 up to 58, 7/8 at
        59, 1/8 at 60, 0 from 61 (birthday and distribution date spread
        evenly over the year; module docstring).
    separation_age : array_like of float, optional
        Age attained in the calendar year the participant separated from the
        service of the plan's employer, years. ``None`` (the default) or
        ``np.inf`` means not separated. NaN is rejected: use ``np.inf`` as
        the "not separated" sentinel in arrays.
    sepp : bool or array_like of bool, default False
        Whether the distribution is part of substantially equal periodic
        payments (IRC 72(t)(2)(A)(iv)).
    exact_age : bool, default False
        ``age`` is the exact age on the date of the distribution, compared
        with 59.5 as given.

    Returns
    -------
    ndarray of float64, shape ``broadcast(amount, age, separation_age, sepp)``
        Additional tax, dollars: ``0.10 * amount * share_before_59_half(age)``
        where no exception applies, else 0.

    Raises
    ------
    ValueError
        A negative or non-finite ``amount`` or ``age``, a negative or NaN
        ``separation_age``, or a ``sepp`` that is not boolean (the message
        names the argument and the first bad value).

    Notes
    -----
    .. math::

        \text{penalty} = 0.10\, A \cdot \pi(\text{age})
        \cdot \bigl(1 - \mathbb{1}[s \ge 55 \wedge \text{age} \ge s]\bigr)
        \cdot (1 - \mathbb{1}[\text{SEPP}])

    where :math:`\pi` is :func:`share_before_59_half` and :math:`s` is
    ``separation_age``: the rule of 55 needs separation in
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
    exempt = rule_of_55 | sepp_
    early = share_before_59_half(age_, exact_age=exact_age)
    amount_, exempt, early = np.broadcast_arrays(amount_, exempt, early)
    return np.where(exempt, 0.0, EARLY_WITHDRAWAL_RATE * early * amount_).astype(np.float64)
