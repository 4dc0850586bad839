"""Calibration targets of the synthetic population, and the age bands they use.

Plan-size segment shares (PLANSPONSOR), HAS balance, deferral and band tables,
BLS pay, EBRI/ICI people by age and the headline totals; the full table with
sources is in the :mod:`alt401k.population` docstring. *est.* marks our own
judgement, an adjustable assumption.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

import numpy as np

#: Nominal pay growth, *est.*: 2.5% inflation (J.P. Morgan 2026 LTCMA) + 1% real.
DEFAULT_SALARY_GROWTH = 0.035

#: Plan-size segments, smallest plans first.
SEGMENTS: tuple[str, ...] = ("micro", "small", "mid", "large", "mega")

#: Segment -> (participant share, asset share, description).
#:
#: ======= ============= ======= ====== ============================================
#: segment plan assets   people  assets source
#: ======= ============= ======= ====== ============================================
#: micro   < $10M        21.3%   12.2%  PLANSPONSOR 2020
#: small   $10M-$50M     13.6%    9.9%  PLANSPONSOR 2020
#: mid     $50M-$200M    12.5%   10.1%  PLANSPONSOR 2020
#: large   $200M-$1B     13.0%   16.8%  PLANSPONSOR 2020 (>$200M: 52.6% / 67.8%,
#:                                      >$1B: 51% of assets); people *est.*
#: mega    > $1B         39.6%   51.0%  people split in proportion to assets
#: ======= ============= ======= ====== ============================================
SEGMENT_SHARES: Mapping[str, tuple[float, float, str]] = MappingProxyType(
    {
        "micro": (0.213, 0.122, "plans under $10M of assets"),
        "small": (0.136, 0.099, "plans with $10M-$50M"),
        "mid": (0.125, 0.101, "plans with $50M-$200M"),
        "large": (0.130, 0.168, "plans with $200M-$1B (participant share est.)"),
        "mega": (0.396, 0.510, "plans over $1B (participant share est.)"),
    }
)

_PLANSPONSOR = "PLANSPONSOR 2020 recordkeeping survey"
_HAS_BALANCES = "Vanguard How America Saves, balances at YE 2022"
_HAS_2025 = "Vanguard How America Saves 2025"
_BLS = "BLS median usual weekly earnings x 52, Q2 2025"
_EBRI = "EBRI/ICI 401(k) database, YE 2022"

# --- age bands (Vanguard HAS) --------------------------------------------------------------
_BAND_LABELS = ("<25", "25-34", "35-44", "45-54", "55-64", "65+")
_BAND_EDGES = np.array([25, 35, 45, 55, 65])
_BAND_MID_AGES = np.array([22.0, 29.5, 39.5, 49.5, 59.5, 70.0])
_HAS_MEAN_BALANCE = np.array([5_236.0, 30_017.0, 76_354.0, 142_069.0, 207_874.0, 232_710.0])
_HAS_MEDIAN_BALANCE = np.array([1_948.0, 11_357.0, 28_318.0, 48_301.0, 71_168.0, 70_620.0])
_BALANCE_SIGMA = np.sqrt(2.0 * np.log(_HAS_MEAN_BALANCE / _HAS_MEDIAN_BALANCE))
_BLS_WEEKLY_PAY = np.array([760.0, 1_139.0, 1_351.0, 1_362.0, 1_296.0, 1_198.0])
_HAS_DEFERRAL = np.array([0.055, 0.068, 0.073, 0.079, 0.093, 0.101])
_DEFAULT_INVESTOR_SHARE = np.array([0.75, 0.68, 0.60, 0.55, 0.50, 0.42])  # est.
_ROTH_USER_SHARE = np.array([0.26, 0.24, 0.20, 0.16, 0.12, 0.08])  # est.
_ROTH_BALANCE_SHARE = 0.30  # est.
_PAY_SIGMA = 0.6  # est.
_PAY_BALANCE_RANK_CORRELATION = 0.5  # est.
_DEFERRAL_SIGMA = 0.45  # est.: spread of deferral rates within a band
_DEFERRAL_PAY_CORRELATION = 0.3  # est.: higher earners defer more
_RETIREMENT_AGE = 65  # est.

# --- people by age (EBRI/ICI, split by decade *est.*) ----------------------------------------
# (label, lowest age, highest age + 1, share of participants)
_PEOPLE_BY_DECADE = (
    ("20s", 0, 30, 0.17),
    ("30s", 30, 40, 0.23),
    ("40s", 40, 50, 0.23),
    ("50s", 50, 60, 0.23),
    ("60s", 60, 70, 0.11),
    ("70 and over", 70, 200, 0.03),
)
_PEOPLE_BY_DECADE_EBRI = (
    ("20s and 30s", 0, 40, 0.40),
    ("40s", 40, 50, 0.23),
    ("50s", 50, 60, 0.23),
    ("60s and over", 60, 200, 0.14),
)
_OVER_70_DECLINE = 0.85  # est.: people per year of age fall 15% a year from 70

# Headline totals the calibration report compares with.
_HEADLINE_ASSETS = 12.5e12
_HEADLINE_PARTICIPANTS = 90e6
_ACTIVE_PARTICIPANTS = 72.2e6


def _working_share(age: np.ndarray) -> np.ndarray:
    """Share of participants of each age still employed and contributing (*est.*)."""
    age = np.asarray(age, dtype=float)
    return np.select(
        [age < 25, age < 55, age < 60, age < 65, age < 70],
        [0.84, 0.88, 0.84, 0.70, 0.45 - 0.07 * (age - 65)],
        0.0,
    )


def _band(age: np.ndarray) -> np.ndarray:
    """Index of the HAS age band (0 = <25 ... 5 = 65+) of each age."""
    return np.searchsorted(_BAND_EDGES, np.asarray(age), side="right")
