"""Required minimum distributions from pre-tax plan balances (IRC 401(a)(9)).

From the year a participant reaches the *applicable age* they must withdraw
at least the prior year-end pre-tax balance divided by a life-expectancy
divisor from the Uniform Lifetime Table.

Applicable age (SECURE 2.0 Act §107, amending IRC 401(a)(9)(C)(v)):

===========================  ================
birth year                   RMD start age
===========================  ================
1951-1959                    73
1960 and later               75
===========================  ================

The statute's text places 1959 in both groups; the IRS proposed regulations
published in July 2024 read it as 73, as here. Birth years before 1951 (start ages 70½ and 72 under
earlier law) are not modelled.

Roth 401(k) balances have no lifetime RMD from 2024 (SECURE 2.0 §325); the
caller passes the pre-tax balance only.

Not modelled: the option to delay the first RMD to April 1 of the next year
(two RMDs in that year), the "still working" deferral for non-5% owners
(IRC 401(a)(9)(C)(i)(II)), the Joint and Last Survivor Table for a spouse
more than 10 years younger, and beneficiaries' rules.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._checks import as_float_array, as_int_array

#: Uniform Lifetime Table, Treas. Reg. §1.401(a)(9)-9(c) as amended for
#: distribution calendar years from 2022 (T.D. 9930, Nov 2020): age attained
#: in the distribution year -> distribution period (years). The table ends at
#: "120 and over".
UNIFORM_LIFETIME_TABLE: Final = MappingProxyType(
    {
        72: 27.4, 73: 26.5, 74: 25.5, 75: 24.6, 76: 23.7, 77: 22.9, 78: 22.0,
        79: 21.1, 80: 20.2, 81: 19.4, 82: 18.5, 83: 17.7, 84: 16.8, 85: 16.0,
        86: 15.2, 87: 14.4, 88: 13.7, 89: 12.9, 90: 12.2, 91: 11.5, 92: 10.8,
        93: 10.1, 94: 9.5, 95: 8.9, 96: 8.4, 97: 7.8, 98: 7.3, 99: 6.8,
        100: 6.4, 101: 6.0, 102: 5.6, 103: 5.2, 104: 4.9, 105: 4.6, 106: 4.3,
        107: 4.1, 108: 3.9, 109: 3.7, 110: 3.5, 111: 3.4, 112: 3.3, 113: 3.1,
        114: 3.0, 115: 2.9, 116: 2.8, 117: 2.7, 118: 2.5, 119: 2.3, 120: 2.0,
    }
)  # fmt: skip

_FIRST_AGE: Final = min(UNIFORM_LIFETIME_TABLE)
_LAST_AGE: Final = max(UNIFORM_LIFETIME_TABLE)
_DIVISORS: Final = np.array(
    [UNIFORM_LIFETIME_TABLE[a] for a in range(_FIRST_AGE, _LAST_AGE + 1)], dtype=np.float64
)

#: SECURE 2.0 §107: first birth year modelled, and the first with start age 75.
FIRST_BIRTH_YEAR: Final = 1951
FIRST_BIRTH_YEAR_AT_75: Final = 1960


def uniform_lifetime_divisor(age: ArrayLike) -> NDArray[np.float64]:
    """Distribution period of the Uniform Lifetime Table at ``age``.

    Parameters
    ----------
    age : array_like of float
        Age attained in the distribution calendar year, years, ``>= 0``.
        Fractional ages are floored to the whole age attained.

    Returns
    -------
    ndarray of float64, same shape as ``age``
        Divisor in years: the table value for ages 72-119, 2.0 for 120 and
        over, and ``inf`` below 72 (the table starts at 72), so that
        ``balance / divisor`` is an RMD of 0 there.

    Raises
    ------
    ValueError
        A negative or non-finite age (the message names the first bad value).
    """
    whole = np.floor(as_float_array("age", age))
    index = np.clip(whole, _FIRST_AGE, _LAST_AGE).astype(np.int64) - _FIRST_AGE
    return np.where(whole < _FIRST_AGE, np.inf, _DIVISORS[index])


def rmd_start_age(birth_year: ArrayLike) -> NDArray[np.int64]:
    """Age at which RMDs start, by birth year (SECURE 2.0 §107).

    Parameters
    ----------
    birth_year : array_like of int
        Calendar year of birth, ``>= 1951``.

    Returns
    -------
    ndarray of int64, same shape as ``birth_year``
        73 for birth years 1951-1959, 75 for 1960 and later.

    Raises
    ------
    ValueError
        A birth year before 1951 or not a whole number.
    """
    years = as_int_array(
        "birth_year",
        birth_year,
        low=FIRST_BIRTH_YEAR,
        rule=f">= {FIRST_BIRTH_YEAR}: RMD start ages before SECURE 2.0 are not modelled",
    )
    return np.where(years >= FIRST_BIRTH_YEAR_AT_75, 75, 73).astype(np.int64)


def required_minimum_distribution(
    prior_year_end_balance: ArrayLike, age: ArrayLike, birth_year: ArrayLike
) -> NDArray[np.float64]:
    """Required minimum distribution from a pre-tax balance for one year.

    Parameters
    ----------
    prior_year_end_balance : array_like of float
        Pre-tax (traditional) account balance on December 31 of the year
        before the distribution year, dollars, ``>= 0``. Exclude Roth 401(k)
        balances: they have no lifetime RMD (SECURE 2.0 §325).
    age : array_like of float
        Age attained in the distribution calendar year, years, ``>= 0``.
    birth_year : array_like of int
        Calendar year of birth, ``>= 1951``.

    Returns
    -------
    ndarray of float64, shape ``broadcast(prior_year_end_balance, age, birth_year)``
        Minimum distribution for the year, dollars, between 0 and half the
        balance (the smallest divisor is 2.0).

    Raises
    ------
    ValueError
        A negative balance, a negative age, or a birth year before 1951.

    Notes
    -----
    .. math::

        \\text{RMD} = \\begin{cases}
        W_{t-1} / D(\\text{age}) & \\text{age} \\ge a^*(\\text{birth year}) \\\\
        0 & \\text{otherwise}
        \\end{cases}

    with :math:`W_{t-1}` the prior year-end balance, :math:`D` the Uniform
    Lifetime Table divisor (:func:`uniform_lifetime_divisor`) and
    :math:`a^*` the start age (:func:`rmd_start_age`). The first RMD is
    taken in the year it is due (no April 1 deferral).
    """
    balance = as_float_array("prior_year_end_balance", prior_year_end_balance)
    age_ = as_float_array("age", age)
    start = rmd_start_age(birth_year)
    due = np.floor(age_) >= start
    rmd = balance / uniform_lifetime_divisor(age_)
    rmd, due = np.broadcast_arrays(rmd, due)
    return np.where(due, rmd, 0.0).astype(np.float64)
