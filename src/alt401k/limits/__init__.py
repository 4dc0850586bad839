"""IRS dollar limits for 401(k) plans by calendar year, published and projected.

The contribution engine works on arrays, so the limits come as float64 arrays
aligned with an array of calendar years (:func:`limits_by_year`) as well as a
small frozen record for a single year (:func:`irs_limits`).

Published table (US dollars)
----------------------------

======================================  =======  =======  =======  ======
limit (name in this module)             2024     2025     2026     step
======================================  =======  =======  =======  ======
402(g) elective deferral                23,000   23,500   24,500   500
  (``elective_deferral``)
414(v) catch-up, age 50+                7,500    7,500    8,000    500
  (``catch_up``)
catch-up, ages 60-63, SECURE 2.0 §109   7,500*   11,250   11,250   500
  (``catch_up_60_63``)
415(c) annual additions                 69,000   70,000   72,000   1,000
  (``annual_additions``)
401(a)(17) compensation cap             345,000  350,000  360,000  5,000
  (``compensation``)
414(q) HCE threshold (``hce``)          155,000  160,000  160,000  5,000
Roth catch-up prior-year FICA wage      inf**    inf**    150,000  5,000
  threshold, SECURE 2.0 §603                                       (est.)
  (``roth_catch_up_wage_threshold``)
======================================  =======  =======  =======  ======

\\* No separate age 60-63 catch-up before 2025; the regular catch-up applies.

\\** The §603 rule (catch-ups of people whose prior-year FICA wages exceed the
threshold must be Roth) is in force from 2026 (good-faith compliance; final
regulations apply formally from 2027). Before 2026 it is represented as
``math.inf``: no wage level triggers it. The statutory starting amount was
$145,000, raised to $150,000 for 2026 (tested against 2025 wages).

Rounding steps: $500 for 402(g) and both catch-ups, $1,000 for 415(c) and
$5,000 for 401(a)(17) and 414(q) (IRC 402(g)(4), 414(v)(2)(C), 415(d)(4),
401(a)(17)(B), 414(q)(1)). The $5,000 step of the §603 threshold is an
estimate (*est.*) consistent with its only published move, $145,000 to
$150,000.

Sources: IRS cost-of-living adjustments for retirement plan limits --
IRS Notice 2023-75 (2024), IRS Notice 2024-80 (2025), IRS Notice 2025-67
(2026); summarised in the project's ``CALIBRATION.md`` ("IRS limits"). See
:data:`SOURCES`.

Earlier years (2020-2023) are kept for 402(g) and 415(c) only
(:data:`HISTORICAL_LIMITS`); the full set of limits starts in 2024, so
:func:`irs_limits` and friends reject years before 2024.

Projection
----------
After :data:`LAST_PUBLISHED_YEAR` each limit is indexed from its last
published value ``L`` at an assumed annual rate ``r`` (default 0.025, the
J.P. Morgan 2026 LTCMA long-run US inflation assumption) and rounded down to
its step ``s`` once, from the base (not compounded year-on-year roundings)::

    L_y = floor(L * (1 + r) ** (y - 2026) / s) * s

With ``r >= 0`` a projected limit is never below ``L``. With ``r < 0``
limits fall (real IRS limits do not).

The age 60-63 catch-up follows its own statute, IRC 414(v)(2)(E): the
greater of $10,000 indexed for years after 2025 (rounded down to $500) and
150% of the 2024 regular catch-up, a fixed $11,250 (IRS Notice 2025-67 keeps
$11,250 for 2026 although the regular catch-up rose to $8,000)::

    L_y = max(floor(10000 * (1 + r) ** (y - 2025) / 500) * 500, 11250)

so it stays at $11,250 until the indexed $10,000 passes it ($11,500 in 2031
at 2.5%), rather than growing from $11,250.

Projection from a price path
----------------------------
:func:`limits_from_prices` indexes the same limits by a simulated price path
instead of a fixed rate, one path per scenario. ``P_t`` is the price level at
the END of calendar year ``t``, relative to the START of the first simulated
year ``y0`` (``P_{y0-1} = 1``). The IRS sets year ``y``'s limits from the
prior year's CPI, so year ``y`` uses the price level at its start,
``P_{y-1}``, and the 2026 table was set at the start of 2026, ``P_2025``::

    L_y = floor(L * P_{y-1} / P_2025 / s) * s                   (y > 2026)
    L_y(60-63) = max(floor(10000 * P_{y-1} / P_2024 / 500) * 500, 11250)

(``P_2024`` is the price level at the start of 2025, the statute's "after
2025" base). Price levels before the start of ``y0`` that the path does not
cover (``P_2025`` when ``y0 > 2026``, ``P_2024`` when ``y0 > 2025``) are filled
at the assumed rate ``r``: ``P_{y0-1-k} = (1 + r) ** -k``. With the path
``P_{y0-1+k} = (1 + r) ** k`` this is the fixed-rate rule exactly.

Actual IRS indexing differs: each limit is its statutory base amount scaled by
the ratio of CPI-U for a recent quarter to a statutory base-period quarter,
then rounded down to the step. The projection here is a smooth stand-in for
that rule under an assumed inflation rate.
"""

from __future__ import annotations

from .projection import (
    IRSLimits,
    catch_up_limit,
    irs_limits,
    limits_by_year,
    limits_from_prices,
)
from .projection import powers_from as powers_from  # importable from here, as before
from .tables import (
    FIRST_FULL_YEAR,
    HISTORICAL_LIMITS,
    LAST_PUBLISHED_YEAR,
    LIMIT_NAMES,
    MAX_YEAR,
    PUBLISHED_LIMITS,
    PUBLISHED_YEARS,
    ROUNDING_STEPS,
    SOURCES,
)

__all__ = [
    "FIRST_FULL_YEAR",
    "HISTORICAL_LIMITS",
    "LAST_PUBLISHED_YEAR",
    "LIMIT_NAMES",
    "MAX_YEAR",
    "PUBLISHED_LIMITS",
    "PUBLISHED_YEARS",
    "ROUNDING_STEPS",
    "SOURCES",
    "IRSLimits",
    "catch_up_limit",
    "irs_limits",
    "limits_by_year",
    "limits_from_prices",
]
