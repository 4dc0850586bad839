"""Published federal income-tax parameters, 2025 and 2026 (dollars, rates as fractions).

Sources
-------
- Brackets: Rev. Proc. 2024-40 (2025) and Rev. Proc. 2025-32 (2026), with the
  rates made permanent by the One Big Beautiful Bill Act (P.L. 119-21, 2025,
  §70101); head-of-household bounds as in Tax-Calculator 6.8 policy
  parameters. Summarised in the project's ``CALIBRATION.md`` ("Tax").
- Standard deduction (IRC 63(c)): 2025 amounts as raised by OBBBA §70102
  (15,750 / 31,500 / 23,625); 2026 from Rev. Proc. 2025-32.
- Additional standard deduction at 65+ (IRC 63(f)): per qualifying person,
  the unmarried amount for single and head of household, the married amount
  per spouse on a joint return; Rev. Proc. 2024-40 and 2025-32.
- Senior deduction (IRC 151(f), OBBBA §70103): $6,000 per person 65+, 2025-2028,
  reduced by 6% of modified AGI above $75,000 ($150,000 joint); not indexed.
"""

from __future__ import annotations

import math
from typing import Any, Final

_RATES: Final = (0.10, 0.12, 0.22, 0.24, 0.32, 0.35, 0.37)


def _brackets(*bounds: float) -> tuple[tuple[float, float], ...]:
    return tuple(zip((*map(float, bounds), math.inf), _RATES, strict=True))


#: Upper bounds of the 10/12/22/24/32/35% brackets of taxable income; 37% above.
BRACKETS: Final[dict[int, dict[str, tuple[tuple[float, float], ...]]]] = {
    2025: {
        "single": _brackets(11_925, 48_475, 103_350, 197_300, 250_525, 626_350),
        "married_joint": _brackets(23_850, 96_950, 206_700, 394_600, 501_050, 751_600),
        "head_of_household": _brackets(17_000, 64_850, 103_350, 197_300, 250_500, 626_350),
    },
    2026: {
        "single": _brackets(12_400, 50_400, 105_700, 201_775, 256_225, 640_600),
        "married_joint": _brackets(24_800, 100_800, 211_400, 403_550, 512_450, 768_700),
        "head_of_household": _brackets(17_700, 67_450, 105_700, 201_750, 256_200, 640_600),
    },
}

STANDARD_DEDUCTION: Final = {
    2025: {"single": 15_750.0, "married_joint": 31_500.0, "head_of_household": 23_625.0},
    2026: {"single": 16_100.0, "married_joint": 32_200.0, "head_of_household": 24_150.0},
}

ADDITIONAL_DEDUCTION_65: Final = {
    2025: {"single": 2_000.0, "married_joint": 1_600.0, "head_of_household": 2_000.0},
    2026: {"single": 2_050.0, "married_joint": 1_650.0, "head_of_household": 2_050.0},
}

SENIOR_DEDUCTION: Final = 6_000.0
SENIOR_PHASEOUT_RATE: Final = 0.06
SENIOR_PHASEOUT_THRESHOLD: Final = {
    "single": 75_000.0,
    "married_joint": 150_000.0,
    "head_of_household": 75_000.0,
}
SENIOR_YEARS: Final = (2025, 2028)

PUBLISHED_YEARS: Final = tuple(sorted(BRACKETS))


def federal_fields(year: int, filing_status: str) -> dict[str, Any]:
    """The :class:`~alt401k.tax.TaxSchedule` fields of a published year and status."""
    return {
        "year": year,
        "filing_status": filing_status,
        "brackets": BRACKETS[year][filing_status],
        "standard_deduction": STANDARD_DEDUCTION[year][filing_status],
        "additional_deduction_65": ADDITIONAL_DEDUCTION_65[year][filing_status],
        "senior_deduction": SENIOR_DEDUCTION,
        "senior_phaseout_threshold": SENIOR_PHASEOUT_THRESHOLD[filing_status],
        "senior_phaseout_rate": SENIOR_PHASEOUT_RATE,
        "senior_years": SENIOR_YEARS,
    }
