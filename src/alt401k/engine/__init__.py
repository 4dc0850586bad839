"""The kernel: one time loop that rolls every account in alt401k forward.

Nothing here knows about pydantic or random numbers. A single saver and the
whole DC pool go through the same function, :func:`simulate`: a saver is one
group of one cell; the pool is the sum of its groups.

**Groups.** A group is the set of participant cells that share every rule
that *multiplies* a balance: the core portfolio (a fund rebalanced every
period), the yearly outflow rate, the flat fee schedule, and, when an
alternative asset is offered, the adoption path, allocation share and
rebalancing rule. Balances are linear in opening balances and contributions
given the returns, so the sum of a group's cells follows the same recursion
as one cell with the summed inputs: aggregating cells into groups is exact
(to rounding), not an approximation. Per-person results are group totals
divided by the people they represent.

**State.** Per scenario and group, with the leading axis ``K`` over money
sources (``K = 1``: all money; ``K = 2``: all money and its Roth part, which
follows the same rules):

* ``N`` -- balances of people who do not hold the alternative asset, all in
  the core portfolio;
* ``X``, ``Y`` -- balances of holders: in the asset, and in the core;
* ``Z`` -- the holders' counterfactual: what ``X + Y`` would be had they
  never held the asset (same people, same contributions, core only).

**One period** ``t`` of year ``y`` (``n`` periods a year):

1. *Adoption* (first period of the year): a share
   :math:`q = (H_y - H_{y-1}) / (1 - H_{y-1})` of ``N`` joins the holders,
   where :math:`H_y` is the cumulative share of people holding; a share
   :math:`s_y` of what moves buys the asset (*reallocation*):
   ``X += s q N``, ``Y += (1 - s) q N``, ``Z += q N``, ``N -= q N``.
2. *Market*: core money grows by :math:`1 + \\rho_t - \\phi` (portfolio
   return, expense ratio per period on the start-of-period value); the
   asset by :math:`1 + r_t - e / n`.
3. *Outflows*: a share :math:`o = 1 - (1 - d_y)^{1/n}` of every balance is
   paid out (withdrawals, separations, rollovers), so an annual rate
   :math:`d_y` removes exactly :math:`d_y` of a flat balance over a year.
4. *Contributions* :math:`c_y / n`: non-holders' part to ``N``; holders
   direct a share :math:`m_y` (the new-money share) to ``X``.
5. *Rebalancing* (on the group's dates): a share ``f`` of holders trades
   back to the target, ``trade = f (s (X + Y) - X)``, each money source
   separately.
6. *Unwinding* (after a policy reversal): a share ``u_t`` of ``X`` is sold
   into ``Y`` (recorded as negative *reallocation*).

   *Redemption gate* (``GroupSchedule.gate = g``, optional): sales in steps
   5 and 6 are capped so that a group's cumulative sales within a calendar
   quarter never exceed ``g`` times its holdings ``X`` at the start of the
   quarter (the top of the quarter's first period, after the year's
   adoption in the first quarter); a trade that would sell more is scaled
   down, every money source in proportion. Purchases are never gated.
   The blocked amount (desired minus executed sale) is recorded in
   ``blocked_sales``; it is not queued (the next rebalancing recomputes its
   trade from the balances, and an unwinding's blocked part stays held).
   With fewer than four periods a year the window is one period and the
   cap ``g x 4 / n`` of its starting holdings.
7. *Flat fee* (last period of the year): the group's yearly dollar fee,
   split between non-holders and holders by their share of people; holders
   pay the share :math:`m_y` of theirs from ``X`` and the rest from ``Y``
   (as their new money goes, which keeps the rule linear in balances); no
   charge exceeds the balance it is taken from, and each money source pays
   pro rata.

Runs without a channel may also take **withdrawals by rule** at the start of
each year (``GroupSchedule.withdraw``: the retirement phase), recorded by
money source.

Money is conserved (with or without a gate): for the asset, ``holdings[y] = holdings[y-1] +
flows[y].sum() + asset_return[y]`` where ``asset_return`` is the market
gain net of expenses and flat fees; for a group's ledger, ``balance[y] =
balance[y-1] + contributions + investment_return - fees - outflows``.
"""

from __future__ import annotations

from .inputs import (
    BACKENDS,
    COMPONENTS,
    ChannelInputs,
    EnginePaths,
    GroupSchedule,
    Ledger,
    period_rate,
)
from .loop import _BLOCK_BYTES as _BLOCK_BYTES  # the row-block size, read by the tests
from .loop import check_backend, simulate

__all__ = [
    "BACKENDS",
    "COMPONENTS",
    "ChannelInputs",
    "EnginePaths",
    "GroupSchedule",
    "Ledger",
    "check_backend",
    "period_rate",
    "simulate",
]
