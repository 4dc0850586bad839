"""Money leaving the plans: yearly outflow rates by age and work status.

Until the leakage and retirement-phase work replaces them with rules, the
pool's ``distributions`` (withdrawals, separations with rollovers or
cash-outs, retirees drawing down) come from age-based rates, each an
*annual* share of the balance paid out: a rate of 5% removes exactly 5% of
a flat balance over a year (the engine's per-period rate is
``1 - (1 - d)^(1/n)``).

Working participants (separation hazard x share of assets leaving at
separation):

=========  ==================  ======================  ===========
age        separations a year  assets leaving at sep.  outflow rate
=========  ==================  ======================  ===========
< 25       40% (*est.*)        19%                     7.6%
25-34      25.7%               19%                     4.9%
35-44      16% (*est.*)        19%                     3.0%
45-54      10% (*est.*)        19%                     1.9%
55+        7.2%                19%                     1.4%
=========  ==================  ======================  ===========

Separation hazards ``ln 2 / median tenure``: 2.7 years at 25-34 gives 25.7%,
9.6 years at 55-64 gives 7.2% (BLS 2024); the other ages are interpolated
(*est.*). At separation 81% of assets stay in the plan, 16% roll over and
1-3% are cashed out (Vanguard 2012-21), so 19% leave.

Participants no longer working: separated before 60, money left in the
plan, 10% a year (*est.*: gradual consolidation and rollovers); retirees
aged 60-69, 24.2% a year: about a quarter of assets is still in the plan
five years after retirement (Vanguard 2019, 2025), ``1 - 0.25^(1/5)``
(mostly rollovers out of the plan at retirement: the leakage work will
model them as rules); from 70 those who stayed withdraw what the law
requires, as most retirees do (52% of those subject to RMDs would take less
if allowed): the required minimum distribution of :mod:`alt401k.tax` --
the pre-tax share of the balance over the Uniform Lifetime divisor of the
age, from 73 (born 1951-1959) or 75 (born 1960+). Between 70 and that age
the rate of the first RMD is used (*est.*: retirees drawing about what the
rule will soon require); cohorts born before 1951, already past their RMD
start, use the table at their age. Roth 401(k) money has no RMD.

``../shared/CALIBRATION.md``, "The population" (separation and leakage).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from .tax import rmd_start_age, uniform_lifetime_divisor

__all__ = ["outflow_rate"]

#: Lower age bounds and annual outflow rates of working participants.
_WORKING_AGES = np.array([0, 25, 35, 45, 55])
_WORKING_RATES = 0.19 * np.array([0.40, np.log(2) / 2.7, 0.16, 0.10, np.log(2) / 9.6])
#: Not working: separated before this age, retired from it.
_RETIREE_AGE = 60
_SEPARATED_RATE = 0.10
_RETIREE_RATE = 1.0 - 0.25 ** (1 / 5)
_RMD_FROM_AGE = 70


def outflow_rate(
    age: ArrayLike,
    working: ArrayLike,
    *,
    birth_year: ArrayLike | None = None,
    pretax_share: ArrayLike = 1.0,
) -> np.ndarray:
    """Annual share of the balance paid out of the plan, by age and work status.

    Parameters
    ----------
    age : array_like
        Age in the year, years.
    working : array_like of bool
        Whether the participant is employed and contributing; broadcast with ``age``.
    birth_year : array_like of int, optional
        For the RMD start age of retirees 70 and over; default: born so as to
        be ``age`` in 2026.
    pretax_share : array_like
        Pre-tax share of the balance (RMDs apply to it only), in [0, 1].

    Returns
    -------
    ndarray
        Annual outflow rate in [0, 1), broadcast shape of the inputs.
    """
    age = np.asarray(age, dtype=float)
    working = np.asarray(working, dtype=bool)
    band = np.searchsorted(_WORKING_AGES, age, side="right") - 1
    active_rate = _WORKING_RATES[np.clip(band, 0, _WORKING_RATES.size - 1)]
    born = 2026 - age if birth_year is None else np.asarray(birth_year, dtype=float)
    start = rmd_start_age(np.maximum(np.round(born), 1951).astype(np.int64))
    rmd_rate = np.asarray(pretax_share, dtype=float) / uniform_lifetime_divisor(
        np.maximum(age, start)
    )
    idle_rate = np.where(
        age >= _RMD_FROM_AGE,
        rmd_rate,
        np.where(age >= _RETIREE_AGE, _RETIREE_RATE, _SEPARATED_RATE),
    )
    return np.where(working, active_rate, idle_rate)
