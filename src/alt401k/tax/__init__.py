"""Tax rules for withdrawals: income tax, Social Security, early-withdrawal penalty, RMDs.

The rules layer between plan balances and spendable income. Everything here
is a frozen specification (:class:`TaxSchedule`) or a plain vectorized
function on numpy arrays; nothing draws random numbers.

- :class:`TaxSchedule` (:mod:`~alt401k.tax.schedule`): federal brackets and
  deductions plus a flat state tax; :meth:`TaxSchedule.income_tax`.
- :func:`taxable_social_security` (:mod:`~alt401k.tax.social_security`).
- :func:`early_withdrawal_penalty`, :func:`share_before_59_half`
  (:mod:`~alt401k.tax.penalty`).
- :data:`UNIFORM_LIFETIME_TABLE`, :func:`uniform_lifetime_divisor`,
  :func:`rmd_start_age`, :func:`required_minimum_distribution`
  (:mod:`~alt401k.tax.rmd`).

Every number and its source (dollars; rates as fractions)
---------------------------------------------------------

========================================  ===========================  ===========================
number                                    value                        source
========================================  ===========================  ===========================
brackets 2025, single (upper bounds of    11,925 / 48,475 / 103,350 /  Rev. Proc. 2024-40; rates
10/12/22/24/32/35%; 37% above)            197,300 / 250,525 / 626,350  IRC 1(j), made permanent by
                                                                       OBBBA (P.L. 119-21) §70101
brackets 2025, married_joint              23,850 / 96,950 / 206,700 /  Rev. Proc. 2024-40
                                          394,600 / 501,050 / 751,600
brackets 2025, head_of_household          17,000 / 64,850 / 103,350 /  Rev. Proc. 2024-40;
                                          197,300 / 250,500 / 626,350  Tax-Calculator 6.8
brackets 2026, single                     12,400 / 50,400 / 105,700 /  Rev. Proc. 2025-32
                                          201,775 / 256,225 / 640,600
brackets 2026, married_joint              24,800 / 100,800 / 211,400   Rev. Proc. 2025-32
                                          / 403,550 / 512,450 /
                                          768,700
brackets 2026, head_of_household          17,700 / 67,450 / 105,700 /  Rev. Proc. 2025-32;
                                          201,750 / 256,200 / 640,600  Tax-Calculator 6.8
standard deduction, single / joint /      2025: 15,750 / 31,500 /      IRC 63(c); 2025 as amended
head of household                         23,625; 2026: 16,100 /       by OBBBA §70102; 2026 Rev.
                                          32,200 / 24,150              Proc. 2025-32
additional deduction 65+, per person      2025: 2,000 (single, HoH) /  IRC 63(f); Rev. Proc.
                                          1,600 (joint, per spouse);   2024-40, 2025-32
                                          2026: 2,050 / 1,650
senior deduction, per person 65+          6,000, tax years 2025-2028,  IRC 151(f), OBBBA §70103
                                          fixed (not indexed)
senior phase-out                          6% of MAGI above 75,000      IRC 151(f)
                                          (single, HoH) / 150,000
                                          (joint), per person; fixed
Social Security base / adjusted base      25,000 / 34,000 (single,     IRC 86(c); not indexed
                                          HoH); 32,000 / 44,000
                                          (joint)
Social Security inclusion rates           50% / 85%                    IRC 86(a)
early-withdrawal additional tax           10% before age 59½ (by       IRC 72(t)(1), (2)(A)(i)
                                          date: 7/8 of distributions
                                          in the year of attaining 59,
                                          1/8 at 60; :func:`share_
                                          before_59_half`)
rule of 55                                separation in or after the   IRC 72(t)(2)(A)(v)
                                          year of turning 55
RMD start age                             73 (born 1951-1959), 75      SECURE 2.0 §107; IRC
                                          (born 1960+)                 401(a)(9)(C)(v)
Uniform Lifetime Table                    27.4 at 72 ... 2.0 at 120+   Treas. Reg.
                                          (:data:`UNIFORM_LIFETIME_    §1.401(a)(9)-9(c), 2022
                                          TABLE`)                      table (T.D. 9930)
Roth 401(k) lifetime RMD                  none                         SECURE 2.0 §325
========================================  ===========================  ===========================

The same figures are summarised in the project's ``CALIBRATION.md`` ("Tax").
"""

from ._checks import FILING_STATUSES
from .penalty import early_withdrawal_penalty, share_before_59_half
from .rmd import (
    UNIFORM_LIFETIME_TABLE,
    required_minimum_distribution,
    rmd_start_age,
    uniform_lifetime_divisor,
)
from .schedule import TaxSchedule
from .social_security import taxable_social_security

__all__ = [
    "FILING_STATUSES",
    "UNIFORM_LIFETIME_TABLE",
    "TaxSchedule",
    "early_withdrawal_penalty",
    "required_minimum_distribution",
    "rmd_start_age",
    "share_before_59_half",
    "taxable_social_security",
    "uniform_lifetime_divisor",
]
