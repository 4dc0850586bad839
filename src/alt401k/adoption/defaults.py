"""Documented default curves: crypto and private-market sponsors by plan size, crypto opt-in.

All figures are *est.*; sources are in ``../shared/CALIBRATION.md``.
"""

from __future__ import annotations

import math
from types import MappingProxyType

from .curves import Bass, Logistic

#: Plan-size segments by plan assets, dollars: ``name -> (low, high)``.
PLAN_SIZE_SEGMENTS = MappingProxyType(
    {
        "micro": (0.0, 10e6),
        "small": (10e6, 50e6),
        "mid": (50e6, 200e6),
        "large": (200e6, 1e9),
        "mega": (1e9, math.inf),
    }
)


def crypto_sponsor_curves() -> dict[str, Bass]:
    """Default share of plans offering crypto, by plan-size segment (all *est.*).

    ================  =======  =====  =====  =======  ========================
    segment (assets)  ceiling  p      q      t_1/2    reasoning
    ================  =======  =====  =====  =======  ========================
    micro  (<$10M)    0.06     0.004  0.25   16 yr    least fiduciary staff
    small  ($10-50M)  0.08     0.005  0.25   15 yr
    mid    ($50-200M) 0.10     0.006  0.25   14 yr    ~ PSCA's 11%
    large  ($0.2-1B)  0.12     0.008  0.25   13 yr
    mega   (>$1B)     0.15     0.010  0.25   13 yr    AE-like p
    ================  =======  =====  =====  =======  ========================

    Notes
    -----
    Bass fits to past features (CALIBRATION, "Adoption by plan sponsors"):
    auto-enrollment p 0.010-0.012, q 0.19-0.32, m 0.64-0.68 (11-16 years to
    half the ceiling); target-date funds after the QDIA safe harbor p 0.16,
    q 0.27, m 0.92. "Features with fiduciary burden diffuse slowly and plateau
    low": crypto has no safe harbor (the 2026 proposed rule covers default
    funds, not brokerage windows; litigation risk, Anderson v. Intel), so
    ``p`` is at or below auto-enrollment's and the ceilings sit near the
    alternatives uptake seen so far -- 3.9% of sponsors offered any
    alternative in 2024 (2.2% in 2023) and 11% of (mostly larger) 401(k) plans
    had an alternative asset class (PSCA) -- with larger plans, which have
    staff and advisers to vet a product, moving first and going further.
    ``q`` = 0.25 is mid-range of the auto-enrollment fits. ``t_1/2`` =
    ln(2 + q/p) / (p + q). The curves count only adoption after the start
    (pre-order: no recordkeeper offered crypto on a core menu, GAO-25-106161).
    """
    rows = {
        "micro": (0.06, 0.004),
        "small": (0.08, 0.005),
        "mid": (0.10, 0.006),
        "large": (0.12, 0.008),
        "mega": (0.15, 0.010),
    }
    return {seg: Bass(p=p, q=0.25, ceiling=m) for seg, (m, p) in rows.items()}


def private_markets_sponsor_curves() -> dict[str, Bass]:
    """Default share of plans adding private equity/credit via target-date funds (*est.*).

    ================  =======  =====  =====  =======
    segment (assets)  ceiling  p      q      t_1/2
    ================  =======  =====  =====  =======
    micro  (<$10M)    0.25     0.015  0.30   9.8 yr
    small  ($10-50M)  0.30     0.020  0.30   8.6 yr
    mid    ($50-200M) 0.35     0.030  0.30   7.2 yr
    large  ($0.2-1B)  0.40     0.040  0.30   6.4 yr
    mega   (>$1B)     0.45     0.050  0.30   5.9 yr
    ================  =======  =====  =====  =======

    Notes
    -----
    A private sleeve inside a target-date fund rides the default channel,
    which diffused fast once it had a safe harbor (TDFs after the QDIA rule:
    p 0.16, q 0.27, m 0.92, half the ceiling in 4 years). The sleeve is sold
    as a product by recordkeepers and asset managers (Empower with Blackstone,
    Great Gray "Panorix", BlackRock's 5-20% private-sleeve TDF for 2026), so
    it should move faster and go further than crypto; but the safe-harbor
    rule for alternatives in QDIAs is only proposed (Mar 2026), litigation
    is pending and private-credit stress (2026 redemption halts) weighs on
    fiduciaries. So: ``p`` between auto-enrollment (0.01) and TDFs (0.16),
    ``q`` slightly above both fits' mid-range, ceilings well under the TDF
    0.92 and rising with plan size from about twice PSCA's 11% of plans
    with an alternative asset class (2024). Half the ceiling in 6-10 years.
    """
    rows = {
        "micro": (0.25, 0.015),
        "small": (0.30, 0.020),
        "mid": (0.35, 0.030),
        "large": (0.40, 0.040),
        "mega": (0.45, 0.050),
    }
    return {seg: Bass(p=p, q=0.30, ceiling=m) for seg, (m, p) in rows.items()}


def crypto_opt_in_curve() -> Logistic:
    """Share of participants in adopting plans who elect crypto (*est.*).

    ``Logistic(ceiling=0.08, midpoint=2.0, steepness=1.0)``: 1.4% after one
    year, 3.9% after two, 7.1% after five, 8% in the long run. Sources
    (CALIBRATION, "Adoption by plan sponsors"): brokerage windows are used by
    about 1% of those offered one; Roth usage reached 9% one year after
    introduction, a ceiling for an option with no tax advantage and a
    fiduciary warning attached; 45% of participants say they would invest in
    private markets (Schroders 2025), an upper bound on appetite.
    """
    return Logistic(ceiling=0.08, midpoint=2.0, steepness=1.0)
