"""Money leaving the plans: yearly outflow rates by age and work status.

The pool's ``distributions`` come from these rates, each an *annual* share
of the balance paid out: a rate of 5% removes exactly 5% of a flat balance
over a year (the engine's per-period rate is ``1 - (1 - d)^(1/n)``).
:func:`outflow_parts` splits the rate into its sources; :func:`outflow_rate`
is their sum.

Working participants: leakage by the rules of :class:`alt401k.leakage.Leakage`
(separation hazard x share of assets leaving at separation, plus hardship
withdrawals and loan defaults). With the defaults:

=====  ============  ===========  ========  ============  =======
age    separations   rollover +   hardship  loan          outflow
       a year        cash-out     withdr.   defaults      rate
=====  ============  ===========  ========  ============  =======
< 25   40% (*est.*)  7.60%        0.48%     0.195%        8.28%
25-34  25.7%         4.88%        0.48%     0.195%        5.55%
35-44  16% (*est.*)  3.04%        0.48%     0.195%        3.72%
45-54  10% (*est.*)  1.90%        0.48%     0.195%        2.58%
55+    7.2%          1.37%        0.48%     0.195%        2.05%
=====  ============  ===========  ========  ============  =======

(rollover + cash-out = separations x (16% + 3%); hardship = 4.8% x 10%;
loan defaults = 13% x 15% x 10%.)

Separation hazards ``ln 2 / median tenure``: 2.7 years at 25-34 gives 25.7%,
9.6 years at 55-64 gives 7.2% (BLS 2024); the other ages are interpolated
(*est.*). At separation 81% of assets stay in the plan, 16% roll over and
1-3% are cashed out (Vanguard 2012-21), so 19% leave. Hardship (4.8% of
participants a year) and loans (13% outstanding) from Vanguard HAS 2025;
sizes and the default rate are estimates (:mod:`alt401k.leakage`).
``Leakage(hardship_rate=0, loan_default_rate=0)`` gives exactly the rates
used before hardship and loans were modelled, separations only (``h x
0.19``: 7.6%, 4.9%, 3.0%, 1.9%, 1.4%).

Participants no longer working (the ``retiree`` part): separated before 60,
money left in the plan, 10% a year (*est.*: gradual consolidation and
rollovers); retirees aged 60-69, 24.2% a year: about a quarter of assets is
still in the plan five years after retirement (Vanguard 2019, 2025),
``1 - 0.25^(1/5)`` (mostly rollovers out of the plan at retirement); from
70 those who stayed withdraw what the law requires, as most retirees do (52%
of those subject to RMDs would take less if allowed): the required minimum
distribution of :mod:`alt401k.tax` -- the pre-tax share of the balance over
the Uniform Lifetime divisor of the age, from 73 (born 1951-1959) or 75
(born 1960+). Between 70 and that age the rate of the first RMD is used
(*est.*: retirees drawing about what the rule will soon require); cohorts
born before 1951, already past their RMD start, use the table at their age.
Roth 401(k) money has no RMD.

Deaths (every cell, working or not): the beneficiaries of those who die in
the year take the balance out of the plan, at the mortality rate
:func:`mortality_rate` (a Gompertz-Makeham curve close to the unisex SSA 2019
period life table, *est.*: 0.2% at 40, 1.3% at 65, 4.7% at 80).

Calibration (:class:`alt401k.FlowTargets`) scales these rules to measured
totals: ``retiree_scale`` multiplies the rates of cells not working (at 70
and over the RMD stays the floor), ``mortality_scale`` the mortality rate.

``../shared/CALIBRATION.md``, "Participant behaviour" and "The population"
(separation and leakage).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from .leakage import LEAKAGE_PARTS, Leakage, _as_leakage
from .tax import rmd_start_age, uniform_lifetime_divisor

__all__ = ["OUTFLOW_PARTS", "mortality_rate", "outflow_parts", "outflow_rate"]

#: Keys of :func:`outflow_parts`: the leakage of working cells, then the rest.
OUTFLOW_PARTS: tuple[str, ...] = (*LEAKAGE_PARTS, "retiree", "death")

#: Not working: separated before this age, retired from it.
_RETIREE_AGE = 60
_SEPARATED_RATE = 0.10
_RETIREE_RATE = 1.0 - 0.25 ** (1 / 5)
_RMD_FROM_AGE = 70
_DEFAULT_LEAKAGE = Leakage()
#: Gompertz-Makeham mortality, *est.* to the unisex SSA 2019 period life table:
#: ``q(x) = a + b exp(c (x - 65))``.
_MORTALITY = (0.0005, 0.0125, 0.085)


def mortality_rate(age: ArrayLike) -> np.ndarray:
    """Yearly probability of death at ``age``, ``a + b exp(c (age - 65))`` capped at 1.

    A Gompertz-Makeham curve (``a = 0.0005``, ``b = 0.0125``, ``c = 0.085``)
    close to the unisex SSA 2019 period life table (*est.*: 0.2% at 40, 1.3% at
    65, 4.7% at 80, 10% at 90); DC participants, who earn more than average,
    likely die a little less.

    Parameters
    ----------
    age : array_like
        Age in the year, years.

    Returns
    -------
    ndarray
        Annual rate in (0, 1], the shape of ``age``.
    """
    a, b, c = _MORTALITY
    return np.minimum(a + b * np.exp(c * (np.asarray(age, dtype=float) - 65.0)), 1.0)


def _retiree_rate(
    age: np.ndarray, birth_year: ArrayLike | None, pretax_share: ArrayLike, scale: float = 1.0
) -> np.ndarray:
    """Annual outflow rate of cells not working (separated, retired, RMDs), by age."""
    born = 2026 - age if birth_year is None else np.asarray(birth_year, dtype=float)
    start = rmd_start_age(np.maximum(np.round(born), 1951).astype(np.int64))
    rmd_rate = np.asarray(pretax_share, dtype=float) / uniform_lifetime_divisor(
        np.maximum(age, start)
    )
    if scale != 1.0:
        rmd_rate = rmd_rate * max(scale, 1.0)  # the law's minimum stays the floor
    return np.where(
        age >= _RMD_FROM_AGE,
        rmd_rate,
        np.where(age >= _RETIREE_AGE, _RETIREE_RATE, _SEPARATED_RATE) * scale,
    )


def _check_scale(name: str, value: float) -> float:
    value = float(value)
    if not 0.0 <= value < 1e3:  # also rejects NaN
        raise ValueError(f"{name} must be a finite number between 0 and 1000; got {value!r}")
    return value


def outflow_rate(
    age: ArrayLike,
    working: ArrayLike,
    *,
    birth_year: ArrayLike | None = None,
    pretax_share: ArrayLike = 1.0,
    leakage: Leakage | None = None,
    retiree_scale: float = 1.0,
    mortality_scale: float = 1.0,
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
    leakage : Leakage, optional
        Rules of working cells' outflows; default ``Leakage()``.
        ``Leakage(hardship_rate=0, loan_default_rate=0)`` reproduces exactly
        the separation-only rates used before hardship withdrawals and loan
        defaults were modelled.
    retiree_scale : float
        Factor on the rates of cells not working, in [0, 1000); from 70 the
        RMD is the floor (default 1: the rules as documented above).
    mortality_scale : float
        Factor on :func:`mortality_rate`, in [0, 1000) (default 1).

    Returns
    -------
    ndarray
        Annual outflow rate, broadcast shape of the inputs:
        ``leakage.total(age, working)`` for working cells, the retiree rate
        otherwise, plus deaths, at most 1; the sum of :func:`outflow_parts`
        to rounding.
    """
    rules = _DEFAULT_LEAKAGE if leakage is None else _as_leakage(leakage)
    retiree_scale = _check_scale("retiree_scale", retiree_scale)
    mortality_scale = _check_scale("mortality_scale", mortality_scale)
    age = np.asarray(age, dtype=float)
    working = np.asarray(working, dtype=bool)
    idle_rate = _retiree_rate(age, birth_year, pretax_share, retiree_scale)
    living = np.where(working, rules.total(age, working), idle_rate)
    return np.minimum(living + np.minimum(mortality_scale * mortality_rate(age), 1.0), 1.0)


def outflow_parts(
    age: ArrayLike,
    working: ArrayLike,
    *,
    birth_year: ArrayLike | None = None,
    pretax_share: ArrayLike = 1.0,
    leakage: Leakage | None = None,
    retiree_scale: float = 1.0,
    mortality_scale: float = 1.0,
) -> dict[str, np.ndarray]:
    """The annual outflow rate of :func:`outflow_rate`, split by source.

    Parameters
    ----------
    age, working, birth_year, pretax_share, leakage, retiree_scale, mortality_scale
        As in :func:`outflow_rate`.

    Returns
    -------
    dict of str to ndarray, broadcast shape of the inputs
        Annual rates as fractions of the balance, keys :data:`OUTFLOW_PARTS`:
        ``rollover``, ``cash_out``, ``hardship``, ``loan_default``
        (:meth:`Leakage.rates`, zero for cells not working) and ``retiree``
        (separated before 60, retired at 60-69, RMDs from 70; zero for
        working cells) and ``death`` (every cell). They sum to
        :func:`outflow_rate`, which is capped at 1.
    """
    rules = _DEFAULT_LEAKAGE if leakage is None else _as_leakage(leakage)
    retiree_scale = _check_scale("retiree_scale", retiree_scale)
    mortality_scale = _check_scale("mortality_scale", mortality_scale)
    age = np.asarray(age, dtype=float)
    working = np.asarray(working, dtype=bool)
    parts = rules.rates(age, working)
    idle_rate = _retiree_rate(age, birth_year, pretax_share, retiree_scale)
    shape = np.broadcast_shapes(idle_rate.shape, working.shape)
    parts = {name: np.broadcast_to(rate, shape).copy() for name, rate in parts.items()}
    parts["retiree"] = np.where(working, 0.0, idle_rate) * np.ones(shape)
    parts["death"] = np.minimum(mortality_scale * mortality_rate(age), 1.0) * np.ones(shape)
    return parts
