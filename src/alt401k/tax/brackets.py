"""Tax on taxable income from a table of marginal-rate brackets (IRC 1(j)).

Plain array arithmetic, used by :meth:`alt401k.tax.TaxSchedule.income_tax`,
and the check that a bracket table is well formed.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray


def bracket_tax(
    taxable: NDArray[np.float64], brackets: Sequence[tuple[float, float]]
) -> NDArray[np.float64]:
    r"""Tax on ``taxable`` income under marginal-rate ``brackets``.

    Parameters
    ----------
    taxable : ndarray of float64, any shape
        Taxable income, dollars, ``>= 0`` (not checked).
    brackets : sequence of (float, float)
        ``(upper bound, rate)`` pairs with strictly increasing bounds, the
        last ``inf`` (as validated by :class:`~alt401k.tax.TaxSchedule`).

    Returns
    -------
    ndarray of float64, same shape as ``taxable``
        Tax, dollars.

    Notes
    -----
    With bounds :math:`u_1 < \dots < u_n = \infty`, :math:`u_0 = 0`, and rates
    :math:`r_j`:

    .. math::

        \text{tax}(t) = \sum_{j=1}^{n} r_j \bigl(\min(t, u_j) - u_{j-1}\bigr)^+
                      = C_{k-1} + r_k (t - u_{k-1})

    where :math:`k` is the bracket holding :math:`t` (:math:`u_{k-1} < t \le u_k`)
    and :math:`C_{k-1}` the tax at the top of bracket :math:`k - 1`, found with
    one ``searchsorted`` instead of a loop over brackets. The cumulative sums
    are formed so that both formulas agree exactly at each bound, keeping the
    tax non-decreasing in floating point.
    """
    uppers = np.array([bound for bound, _ in brackets], dtype=np.float64)
    rates = np.array([rate for _, rate in brackets], dtype=np.float64)
    lowers = np.concatenate(([0.0], uppers[:-1]))
    below = np.concatenate(([0.0], np.cumsum(rates[:-1] * (uppers[:-1] - lowers[:-1]))))
    k = np.searchsorted(uppers, taxable, side="left")
    return np.asarray(below[k] + rates[k] * (taxable - lowers[k]), dtype=np.float64)


def check_brackets(
    brackets: Sequence[tuple[float, float]],
) -> Sequence[tuple[float, float]]:
    """Return ``brackets`` if well formed; else ValueError naming the bad entry.

    Well formed: at least one ``(upper bound, rate)`` pair; bounds positive
    and strictly increasing, the last ``inf``; rates in [0, 1) (they need not
    increase).
    """
    if not brackets:
        raise ValueError("brackets must hold at least one (upper bound, rate) pair; got ()")
    previous = 0.0
    for i, (bound, rate) in enumerate(brackets):
        if not bound > previous:  # also catches NaN
            raise ValueError(
                "brackets upper bounds must be positive and strictly increasing; "
                f"got {bound!r} after {previous!r} in bracket {i}"
            )
        if not 0.0 <= rate < 1.0:
            raise ValueError(f"brackets rates must be in [0, 1); got {rate!r} in bracket {i}")
        previous = bound
    if brackets[-1][0] != math.inf:
        raise ValueError(
            "brackets: the last upper bound must be inf (the top bracket is open); "
            f"got {brackets[-1][0]!r}"
        )
    return brackets
