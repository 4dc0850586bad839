"""The retirement phase: withdrawals by rule, RMDs, tax, penalty, after-tax income.

From the retirement age to ``end_age`` the saver's account keeps earning the
portfolio's returns on the same market paths, and each year, at its start:

1. **Desired withdrawal** ``D`` by the chosen rule (:class:`Retirement`):
   ``"fixed_real"`` -- ``rate`` x the balance at retirement, adjusted by the
   simulated price level (the "4% rule"); ``"fixed_share"`` -- ``rate`` x the
   current balance; ``"rmd_only"`` -- nothing beyond the RMD;
   ``"target_income"`` -- the gross amount whose after-tax value (net of the
   income tax and penalty it causes) is ``target_income`` in start-year
   dollars, found by bisection per scenario.
2. **RMD** ``R``: the prior year-end *pre-tax* balance over the Uniform
   Lifetime divisor of the age attained, from age 73 (born 1951-1959) or 75
   (born 1960+); Roth 401(k) money is exempt (SECURE 2.0). It binds as a
   floor, ``W = max(D, R)``, not added to ``D``.
3. **Buckets**: ``R`` comes from pre-tax money; the rest of ``W`` from the
   buckets in ``order`` -- ``"pretax_first"`` (default: defers Roth's
   tax-free growth), ``"roth_first"`` or ``"pro_rata"`` -- never more than a
   bucket holds. What cannot be paid is a *shortfall*: the account has run
   out.
4. **Roth basis and earnings**: the Roth account's basis (the Roth
   contributions, employee and employer, and the opening Roth balance) is
   tracked apart from its earnings. A Roth withdrawal is *qualified* -- all
   tax-free -- when made after the five-taxable-year period that starts with
   the first year of Roth contributions to the plan (IRC 402A(d)(2)(B)) and
   at or after 59 1/2 (death and disability, the other triggers, are not
   modelled). A non-qualified withdrawal is split pro rata between basis and
   earnings, in the proportion of the account's basis to its balance
   (IRC 72(e)(8); the basis-first ordering of IRC 408A(d)(4) is for Roth
   IRAs, not designated Roth accounts); its earnings part is ordinary income
   and penalised like pre-tax money. The share of a year's Roth withdrawals
   that is non-qualified is 1 inside the five-year period, else the share
   made before 59 1/2 (:func:`alt401k.tax.share_before_59_half`).
5. **Tax**: pre-tax withdrawals and the taxable earnings of non-qualified
   Roth withdrawals are ordinary income on top of ``other_income`` and the
   taxable part of ``social_security`` (both in start-year dollars, indexed
   with the simulated inflation), taxed by the federal schedule of
   ``filing_status`` whose indexed dollar amounts follow the same price path
   (the senior deduction is fixed in dollars). The plan's tax is the tax
   with the withdrawals minus the tax without them.
6. **Penalty**: 10% of the taxable amount (pre-tax withdrawals and Roth
   earnings) made before 59 1/2, unless the saver separated in or after the
   year of turning 55 (rule of 55) or takes substantially equal periodic
   payments (``sepp``). Ages are attained in the calendar year; the share of
   a year's withdrawals made before 59 1/2 is 1 up to 58, 7/8 at 59, 1/8 at
   60 and 0 after (birthday and date spread evenly over the year; the
   convention favours neither side, :mod:`alt401k.tax.penalty`).

After-tax income from the plan is ``W - tax - penalty``. Sources: IRC 72(t),
72(e)(8), 402A(d), 401(a)(9), SECURE 2.0 Sec. 107 and 325, the 2025 law's
senior deduction; see :mod:`alt401k.tax` and ``../shared/CALIBRATION.md``
(Tax).
"""

from __future__ import annotations

from .spec import ROTH_FIVE_YEARS, Retirement, RetirementPaths
from .withdrawals import WithdrawalPolicy, roth_basis_step

__all__ = [
    "ROTH_FIVE_YEARS",
    "Retirement",
    "RetirementPaths",
    "WithdrawalPolicy",
    "roth_basis_step",
]
