"""The IRS limits as published: one table per calendar year, with rounding steps and sources.

Data only (IRS notices, CALIBRATION.md); :mod:`alt401k.limits.projection`
turns it into limits for any year, published or projected.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

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
]

#: Names of the limits, in the order of the fields of :class:`IRSLimits`.
LIMIT_NAMES: tuple[str, ...] = (
    "elective_deferral",
    "catch_up",
    "catch_up_60_63",
    "annual_additions",
    "compensation",
    "hce",
    "roth_catch_up_wage_threshold",
)

#: Published limits, dollars, by calendar year (IRS notices; CALIBRATION.md).
PUBLISHED_LIMITS: dict[int, dict[str, float]] = {
    2024: {
        "elective_deferral": 23_000.0,
        "catch_up": 7_500.0,
        "catch_up_60_63": 7_500.0,  # no §109 catch-up yet: equals the regular one
        "annual_additions": 69_000.0,
        "compensation": 345_000.0,
        "hce": 155_000.0,
        "roth_catch_up_wage_threshold": math.inf,  # §603 not in force
    },
    2025: {
        "elective_deferral": 23_500.0,
        "catch_up": 7_500.0,
        "catch_up_60_63": 11_250.0,
        "annual_additions": 70_000.0,
        "compensation": 350_000.0,
        "hce": 160_000.0,
        "roth_catch_up_wage_threshold": math.inf,  # §603 administrative transition
    },
    2026: {
        "elective_deferral": 24_500.0,
        "catch_up": 8_000.0,
        "catch_up_60_63": 11_250.0,
        "annual_additions": 72_000.0,
        "compensation": 360_000.0,
        "hce": 160_000.0,
        "roth_catch_up_wage_threshold": 150_000.0,
    },
}

#: Calendar years with a full published table.
PUBLISHED_YEARS: tuple[int, ...] = tuple(sorted(PUBLISHED_LIMITS))
#: First year with a full published table; earlier years are rejected.
FIRST_FULL_YEAR: int = PUBLISHED_YEARS[0]
#: Last published year; later years are projected.
LAST_PUBLISHED_YEAR: int = PUBLISHED_YEARS[-1]
#: Latest year accepted (projections that far out are arithmetic, not forecasts).
MAX_YEAR: int = 2200

#: 402(g) and 415(c) limits before 2024, dollars (CALIBRATION.md). Data only:
#: the other limits are not tabulated for these years, so the functions of this
#: module do not accept them. Growth was about 3.4-3.9% a year.
HISTORICAL_LIMITS: dict[int, dict[str, float]] = {
    2020: {"elective_deferral": 19_500.0, "annual_additions": 57_000.0},
    2021: {"elective_deferral": 19_500.0, "annual_additions": 58_000.0},
    2022: {"elective_deferral": 20_500.0, "annual_additions": 61_000.0},
    2023: {"elective_deferral": 22_500.0, "annual_additions": 66_000.0},
}

#: Rounding step of each limit, dollars; projections are rounded down to it.
ROUNDING_STEPS: dict[str, float] = {
    "elective_deferral": 500.0,
    "catch_up": 500.0,
    "catch_up_60_63": 500.0,
    "annual_additions": 1_000.0,
    "compensation": 5_000.0,
    "hce": 5_000.0,
    "roth_catch_up_wage_threshold": 5_000.0,  # est.: $145,000 -> $150,000 in 2026
}

_NOTICES = "IRS Notice 2023-75 (2024), IRS Notice 2024-80 (2025), IRS Notice 2025-67 (2026)"

#: Citation for each limit.
SOURCES: dict[str, str] = {
    "elective_deferral": f"IRC 402(g)(1); {_NOTICES}",
    "catch_up": f"IRC 414(v)(2)(B)(i); {_NOTICES}",
    "catch_up_60_63": (
        "IRC 414(v)(2)(E) as added by SECURE 2.0 Act sec. 109 (from 2025); "
        "IRS Notice 2024-80 (2025), IRS Notice 2025-67 (2026)"
    ),
    "annual_additions": f"IRC 415(c)(1)(A); {_NOTICES}",
    "compensation": f"IRC 401(a)(17); {_NOTICES}",
    "hce": f"IRC 414(q)(1)(B); {_NOTICES}",
    "roth_catch_up_wage_threshold": (
        "IRC 414(v)(7) as added by SECURE 2.0 Act sec. 603 (in force from 2026); "
        "IRS Notice 2025-67 (2026); rounding step est."
    ),
    "indexing_rate": "J.P. Morgan 2026 Long-Term Capital Market Assumptions, US inflation 2.5%",
}

_DEFAULT_INDEXING_RATE = 0.025
_MIN_INDEXING_RATE = -0.05
_MAX_INDEXING_RATE = 0.2
_MIN_AGE = 0
_MAX_AGE = 130
# Guards floor() against a product that should be an exact multiple of the
# step landing a few ulps below it; in units of steps, so far below any real
# fraction of a step.
_FLOOR_TOLERANCE = 1e-9
#: IRC 414(v)(2)(E): $10,000 indexed for years after 2025, and 150% of the 2024 catch-up.
_CATCH_UP_60_63_BASE = 10_000.0
_CATCH_UP_60_63_INDEX_YEAR = 2025
_CATCH_UP_60_63_FLOOR = 11_250.0

_PUBLISHED_ARRAYS: dict[str, NDArray[np.float64]] = {
    name: np.array([PUBLISHED_LIMITS[y][name] for y in PUBLISHED_YEARS], dtype=np.float64)
    for name in LIMIT_NAMES
}
