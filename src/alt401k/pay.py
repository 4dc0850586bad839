"""Pay paths: inflation, a real age profile, idiosyncratic shocks and career breaks.

A :class:`PayPath` specifies how one saver's nominal pay moves from year to
year; :func:`salary_paths` turns it into an array of pay by scenario and year
on the simulated price paths, ready for
``annual_contributions(..., salary=...)`` (transposed to (Y, S)).

Model
-----
For scenario ``s`` and year ``t = 0, 1, ...`` of the simulation, with ``a_t =
age + t`` the age attained in year ``t``::

    pay[s, t] = salary * I[s, t] * R_t * exp(sigma * (z[s, 1] + ... + z[s, t])) * b(a_t)

- ``I[s, t]`` -- cumulative simulated inflation: the price level at the START
  of year ``t`` (1 in year 0), i.e. the level at the end of year ``t - 1``;
  pay is set at the start of the year and stays level through it.
- ``R_t = prod_{u < t} (1 + g(a_u))`` -- the real age profile; ``g(a)`` is the
  real growth from age ``a`` to ``a + 1``, piecewise constant from each age
  listed in ``real_growth_by_age`` (0 below the first listed age).
- ``z[s, t]`` -- independent standard normals, one per scenario and year
  (none in year 0): a random walk in log pay, permanent shocks of standard
  deviation ``sigma`` a year. The log shocks have mean 0, so the MEDIAN pay
  follows the profile (which is calibrated to medians) and the mean exceeds
  it by ``exp(sigma**2 * t / 2)``.
- ``b(a)`` -- the pay factor of a career break (0) or part-time spell (e.g.
  0.5) covering age ``a``, else 1. Pay returns to the profile afterwards (no
  scarring).
- ``pay[s, t] = 0`` from the retirement age on (``a_t >= retirement_age``).

``salary`` is the saver's full pay rate in year 0, so ``pay[s, 0] = salary``
unless a break covers the starting age.

Default real age profile (*est.*)
---------------------------------
From BLS median usual weekly earnings of full-time workers by age, Q2 2025
(CALIBRATION.md, "The population"; 16-24 from Q4 2024): 16-24 $760, 25-34
$1,139, 35-44 $1,351, 45-54 $1,362, 55-64 $1,296, 65+ $1,198. The growth
between the band midpoints 20, 30, 40, 50, 60 and 70 annualised,
``(w_hi / w_lo) ** (1 / 10) - 1``:

=========  ===============================  ===========
ages       weekly pay                       real growth
=========  ===============================  ===========
16-29      $760 -> $1,139                   +4.13%/yr
30-39      $1,139 -> $1,351                 +1.72%/yr
40-49      $1,351 -> $1,362                 +0.08%/yr
50-59      $1,362 -> $1,296                 -0.50%/yr
60+        $1,296 -> $1,198                 -0.78%/yr
=========  ===============================  ===========

These are CROSS-SECTIONAL differences between age groups in one year, not
the pay growth of a cohort: they mix cohort effects and selection (who works
full time at each age) with experience; BLS medians are nominal but the
bands are observed at the same date, so their ratios are real. Individual
pay usually grows faster early in a career than the cross-section shows.
"""

from __future__ import annotations

from itertools import pairwise
from typing import Annotated

import numpy as np
from numpy.typing import ArrayLike
from pydantic import Field, field_validator

from ._random import RngLike, Stream, as_seed_sequence, by_blocks, period_normals
from ._spec import Spec
from ._validation import check_int
from .population import Participant

__all__ = ["BLS_WEEKLY_PAY_BY_AGE", "DEFAULT_REAL_GROWTH_BY_AGE", "PayPath", "salary_paths"]

#: BLS median usual weekly earnings, full-time workers, dollars, by age band
#: midpoint: 16-24, 25-34, 35-44, 45-54, 55-64 (Q2 2025) and 65+; 16-24 from
#: Q4 2024 (men $796, women $721). CALIBRATION.md, "The population" (S).
BLS_WEEKLY_PAY_BY_AGE: tuple[tuple[int, float], ...] = (
    (20, 760.0),
    (30, 1_139.0),
    (40, 1_351.0),
    (50, 1_362.0),
    (60, 1_296.0),
    (70, 1_198.0),
)


def _annualised_growth(lo: tuple[int, float], hi: tuple[int, float]) -> float:
    return round((hi[1] / lo[1]) ** (1.0 / (hi[0] - lo[0])) - 1.0, 4)


#: Real pay growth by age, *est.* from :data:`BLS_WEEKLY_PAY_BY_AGE`: the
#: annualised growth between band midpoints, rounded to 0.01 point, applying
#: from age 16 (the first band), 30, 40, 50 and 60.
DEFAULT_REAL_GROWTH_BY_AGE: tuple[tuple[int, float], ...] = tuple(
    (16 if i == 0 else lo[0], _annualised_growth(lo, hi))
    for i, (lo, hi) in enumerate(pairwise(BLS_WEEKLY_PAY_BY_AGE))
)

_MIN_AGE = 16
_MAX_AGE = 130
Age = Annotated[int, Field(ge=_MIN_AGE, le=_MAX_AGE)]
RealGrowth = Annotated[float, Field(ge=-0.2, le=0.2)]
PayFactor = Annotated[float, Field(ge=0.0, le=1.0)]


class PayPath(Spec):
    """How one saver's nominal pay evolves: inflation x age profile x shocks x breaks.

    Parameters
    ----------
    real_growth_by_age : tuple of (int, float)
        ``(from_age, growth)`` pairs, ages strictly increasing in ``[16,
        130]``, growth a fraction per year in ``[-0.2, 0.2]``: real pay grows
        by ``growth`` from each age to the next, from ``from_age`` until the
        next listed age; 0 below the first listed age. Default
        :data:`DEFAULT_REAL_GROWTH_BY_AGE` (*est.*, cross-sectional BLS
        medians; see the module docstring). ``()`` for no real growth.
    shock_volatility : float
        Annual standard deviation of the permanent log-pay shock, ``sigma``,
        in ``[0, 0.5]`` (*est.* typically 0.05-0.10). Default 0: pay is
        deterministic given inflation.
    breaks : tuple of (int, int, float)
        ``(from_age, to_age, factor)``: pay is multiplied by ``factor`` in
        ``[0, 1]`` at ages ``from_age <= a < to_age`` (0 a career break, 0.5
        part time); ages in ``[16, 130]``, ``from_age < to_age``, spells not
        overlapping. Default none.
    inflation : bool
        Whether pay follows the simulated price level (default True). False
        leaves only the real profile, shocks and breaks, e.g. for
        deterministic tests.

    Notes
    -----
    ``pay[s, t] = salary * I[s, t] * R_t * exp(sigma * sum_{1 <= u <= t}
    z[s, u]) * b(age + t)``, 0 from the retirement age on; see
    :mod:`alt401k.pay` and :func:`salary_paths`.
    """

    real_growth_by_age: tuple[tuple[Age, RealGrowth], ...] = DEFAULT_REAL_GROWTH_BY_AGE
    shock_volatility: float = Field(default=0.0, ge=0.0, le=0.5)
    breaks: tuple[tuple[Age, Age, PayFactor], ...] = ()
    inflation: bool = True

    @field_validator("real_growth_by_age")
    @classmethod
    def _ages_increase(cls, value: tuple[tuple[int, float], ...]) -> tuple[tuple[int, float], ...]:
        ages = [age for age, _ in value]
        for lo, hi in pairwise(ages):
            if hi <= lo:
                raise ValueError(
                    f"real_growth_by_age ages must be strictly increasing; got {hi} after {lo}"
                )
        return value

    @field_validator("breaks")
    @classmethod
    def _spells_in_order(
        cls, value: tuple[tuple[int, int, float], ...]
    ) -> tuple[tuple[int, int, float], ...]:
        for start, stop, _ in value:
            if stop <= start:
                raise ValueError(
                    f"breaks: to_age must be greater than from_age ({start}); got {stop}"
                )
        spells = sorted(value)
        for (_, stop, _), (start, _, _) in pairwise(spells):
            if start < stop:
                raise ValueError(
                    f"breaks must not overlap: a spell starting at age {start} begins before "
                    f"the previous one ends at age {stop}"
                )
        return value

    def real_growth(self, ages: ArrayLike) -> np.ndarray:
        """Real pay growth ``g(a)`` from age ``a`` to ``a + 1``, fractions shaped like ``ages``."""
        a = np.asarray(ages, dtype=np.float64)
        if not self.real_growth_by_age:
            return np.zeros_like(a)
        starts = np.array([age for age, _ in self.real_growth_by_age], dtype=np.float64)
        rates = np.array([0.0] + [g for _, g in self.real_growth_by_age])
        return rates[np.searchsorted(starts, a, side="right")]

    def pay_factor(self, ages: ArrayLike) -> np.ndarray:
        """Break factor ``b(a)`` at each age: the spell's factor, 1 outside spells."""
        a = np.asarray(ages, dtype=np.float64)
        factor = np.ones_like(a)
        for start, stop, value in self.breaks:
            factor = np.where((a >= start) & (a < stop), value, factor)
        return factor

    def real_profile(self, age: int, n_years: int) -> np.ndarray:
        """Real pay relative to year 0, ``R_t * b(age + t)``, shape (n_years,).

        ``R_0 = 1`` and ``R_t = R_{t-1} * (1 + g(age + t - 1))``, accumulated
        in order, so a shorter horizon is a prefix of a longer one.
        """
        ages = age + np.arange(n_years, dtype=np.float64)
        growth = np.concatenate([[1.0], 1.0 + self.real_growth(ages[:-1])])[:n_years]
        return np.cumprod(growth) * self.pay_factor(ages)


def salary_paths(
    participant: Participant,
    pay_path: PayPath,
    price_level: ArrayLike,
    *,
    root: RngLike = None,
    first_scenario: int = 0,
) -> np.ndarray:
    """Nominal pay of one saver by scenario and year.

    Parameters
    ----------
    participant : Participant
        The saver: ``age`` and ``salary`` in year 0 (the first simulated
        year) and ``retirement_age``. ``salary_growth`` is not used: the pay
        path replaces it.
    pay_path : PayPath
        Real age profile, shock volatility, breaks, and whether pay follows
        inflation.
    price_level : array_like, shape (S, Y)
        Price level at the END of each simulated year, relative to the start
        of year 0 (e.g. ``np.cumprod(1 + annual_inflation, axis=1)``); finite
        and > 0. Only its shape is used when ``pay_path.inflation`` is False.
    root : None, int, SeedSequence or Generator
        Root seed of the run (SPEC 7); the shocks use its
        ``Stream.BEHAVIOUR`` stream, one generator per seed block and year
        (:func:`alt401k._random.period_normals`). Unused when
        ``shock_volatility`` is 0.
    first_scenario : int
        Index of the first row of ``price_level`` among all the run's
        scenarios, >= 0, so that a chunk of scenarios draws the same shocks as
        those rows of one big run.

    Returns
    -------
    ndarray, shape (S, Y), float64
        Nominal pay, dollars per year; 0 from ``retirement_age`` on.

    Raises
    ------
    ValueError
        If ``price_level`` is not 2-D with finite values > 0, or
        ``first_scenario`` is not an integer >= 0.

    Notes
    -----
    .. math::

        \\mathrm{pay}_{s,t} = W \\, I_{s,t} \\, R_t \\,
        e^{\\sigma \\sum_{u=1}^{t} z_{s,u}} \\, b(a_0 + t)
        \\, \\mathbf{1}[a_0 + t < a_R]

    with ``W = participant.salary``, ``a_0 = participant.age``, ``a_R`` the
    retirement age, ``I_{s,0} = 1`` and ``I_{s,t} = price_level[s, t - 1]``
    (pay set at the start of the year, on the price level then), ``R_t =
    prod_{u<t} (1 + g(a_0 + u))``, ``z`` standard normal draws (year ``t``
    from the generator keyed by year ``t``, so a 5-year horizon is a prefix
    of a 10-year one), ``b`` the break factor. The year-0 draw is unused.
    """
    levels = np.asarray(price_level, dtype=np.float64)
    if levels.ndim != 2:
        raise ValueError(
            f"price_level must have shape (n_scenarios, n_years); got shape {levels.shape}"
        )
    if pay_path.inflation:
        bad = ~(np.isfinite(levels) & (levels > 0.0))
        if np.any(bad):
            raise ValueError(f"price_level must be finite and > 0; got {levels[bad].flat[0]}")
    start = check_int("first_scenario", first_scenario, low=0)
    n_scenarios, n_years = levels.shape
    working = participant.age + np.arange(n_years) < participant.retirement_age
    real = participant.salary * pay_path.real_profile(participant.age, n_years) * working
    if pay_path.inflation:
        index = np.concatenate([np.ones((n_scenarios, 1)), levels[:, :-1]], axis=1)
    else:
        index = np.ones((n_scenarios, n_years))
    pay = real[None, :] * index
    sigma = pay_path.shock_volatility
    if sigma > 0.0 and n_scenarios > 0 and n_years > 1:
        seed = as_seed_sequence(root, name="root")

        def shocks(lo: int, hi: int) -> np.ndarray:
            z = period_normals(seed, Stream.BEHAVIOUR, lo, hi, n_years, 1, 1)[:, :, 0]
            z[:, 0] = 0.0  # year 0 pays the saver's salary
            log_shock = sigma * np.cumsum(z, axis=1)  # sequential: prefixes are exact
            out = np.empty_like(log_shock)
            for t in range(n_years):
                # One contiguous column at a time: exp's SIMD rounding then does not
                # depend on the horizon (nor, inside by_blocks, on the chunk).
                out[:, t] = np.exp(np.ascontiguousarray(log_shock[:, t]))
            return out

        pay = pay * by_blocks(shocks, start, start + n_scenarios)
    return pay
