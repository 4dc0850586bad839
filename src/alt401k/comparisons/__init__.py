"""Where to save: Roth vs traditional, and a 401(k) vs a taxable brokerage account.

Three comparisons of the *same* saver on the *same* market paths (common
random numbers: one root seed, one market model), so that every difference
comes from tax treatment or the employer match alone:

1. :func:`taxable_account` -- the computation: a taxable brokerage account
   on given contributions and return paths, with dividends and realised
   gains taxed each year and the cost basis tracked; optional withdrawals
   of a given after-tax amount. Plain numpy, vectorized over scenarios,
   one loop over years.
2. :func:`roth_vs_traditional` -- the saver deferring the same share of pay
   as traditional (pre-tax) or Roth (after-tax) deferrals, with equal
   take-home pay: the traditional saver's tax saving (deferral x marginal
   rate) is invested in a taxable account or spent.
3. :func:`tax_deferred_vs_taxable` -- the saver's own deferrals, after the
   tax a pre-tax deferral saves, invested in a taxable account instead of the
   plan (no match outside the plan), paying the same after-tax retirement
   income as the plan would.

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
marginal federal rate on pay    --     :meth:`alt401k.TaxSchedule.marginal_rate`
                                       of the start-year salary, federal schedule
                                       of 2025 or 2026 (``../shared/CALIBRATION.md``,
                                       Tax), unless given
==============================  =====  ==============================================

Simplifications shared by all three: no state income tax, no 0% or 20%
capital-gains brackets, no 3.8% net investment income tax (IRC 1411), bond
interest taxed like qualified dividends, no tax-loss harvesting (realised
losses are never taken), and one marginal rate on pay for every working year
(the start year's; pay growth above bracket indexing is ignored).
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
