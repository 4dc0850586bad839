"""Where to save: Roth vs traditional, and a 401(k) vs a taxable brokerage account.

Three comparisons of the *same* saver on the *same* market paths (common
random numbers: one root seed, one market model), so that every difference
comes from tax treatment or the employer match alone:

1. :func:`taxable_account` -- the computation: a taxable brokerage account
   on given contributions and return paths, with dividends and realised
   gains taxed each year and the cost basis tracked; optional withdrawals
   of a given after-tax amount. Plain numpy, vectorized over scenarios,
   one loop over periods. Contributions go in at the start of each year or,
   as the plan's own do, in equal parts at the end of every period.
2. :func:`roth_vs_traditional` -- the saver deferring the same share of pay
   as traditional (pre-tax) or Roth (after-tax) deferrals, with equal
   take-home pay: the traditional saver's tax saving is invested in a taxable
   account (with each paycheck, in the plan's own portfolio returns) or
   spent. Besides income and terminal wealth it reports one like-for-like
   figure, the present value at retirement of after-tax income plus
   after-tax terminal wealth (:meth:`RothTraditionalComparison.present_value`),
   so that the timing of withdrawals (RMDs) does not read as a gain or loss.
3. :func:`tax_deferred_vs_taxable` -- the saver's own deferrals, after the
   tax a pre-tax deferral saves, invested in a taxable account instead of the
   plan (no match outside the plan), paying the same after-tax retirement
   income as the plan would.

The tax a pre-tax deferral saves is exact each year: ``tax(pay) - tax(pay -
deferral)`` under that year's schedule (the retirement's filing status and
state rate, indexed with the simulated prices) and that year's pay, so a
deferral that crosses a bracket, or pay that outgrows indexed brackets, is
priced right; a flat ``marginal_tax_rate`` may be given instead.

Every number and its source (rates are fractions)
-------------------------------------------------

==============================  =====  ==============================================
number                          value  source
==============================  =====  ==============================================
dividend / interest yield       0.02   *est.*: a 60/40 blend of equities (~1.3%)
                                       and bonds (coupons ~4%) distributes ~2-2.5%
qualified dividend rate         0.15   IRC 1(h)(11), 1(h)(1)(C): the 15% rate that
                                       applies to most taxpayers
turnover (share of unrealised   0.10   *est.*: index-fund turnover plus the
gains realised each year)              saver's own rebalancing
long-term capital gains rate    0.15   IRC 1(h)(1)(C)
tax saving of a pre-tax         --     ``tax(pay) - tax(pay - deferral)`` each
deferral                               year, the federal schedule of 2025 or 2026
                                       (``../shared/CALIBRATION.md``, Tax) indexed
                                       with the simulated prices, unless a flat
                                       marginal rate is given
==============================  =====  ==============================================

Simplifications shared by all three: no state income tax, no 0% or 20%
capital-gains brackets, no 3.8% net investment income tax (IRC 1411), bond
interest taxed like qualified dividends, no tax-loss harvesting (realised
losses are never taken); pay is the only income of the working years (no
spouse's pay, other income or itemized deductions).
"""

from ._common import TAXABLE_DEFAULTS
from .deferral import tax_deferred_vs_taxable
from .roth import RothTraditionalComparison, roth_vs_traditional
from .taxable import TaxableAccountPaths, taxable_account

__all__ = [
    "TAXABLE_DEFAULTS",
    "RothTraditionalComparison",
    "TaxableAccountPaths",
    "roth_vs_traditional",
    "tax_deferred_vs_taxable",
    "taxable_account",
]
