"""The retirement phase on arrays: each year's withdrawal, RMD floor, tax, penalty and Roth basis.

:class:`WithdrawalPolicy` is the engine's ``withdraw`` hook for one saver
over a chunk of scenarios, applying the steps numbered in
:mod:`alt401k.retirement`'s docstring; :func:`roth_basis_step` carries the
Roth basis through a year.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..tax import (
    early_withdrawal_penalty,
    required_minimum_distribution,
    rmd_start_age,
    share_before_59_half,
)
from .spec import (
    _BISECTION_STEPS,
    _ROTH_DETAIL,
    _SHORTFALL_TOL,
    ROTH_FIVE_YEARS,
    Retirement,
    RetirementPaths,
)

__all__ = ["WithdrawalPolicy", "roth_basis_step"]


def roth_basis_step(
    basis: np.ndarray,
    contributions: np.ndarray | float,
    outflow_rate: float,
    periods_per_year: int,
) -> np.ndarray:
    r"""Roth basis at a year end from its value at the year's start, dollars.

    Parameters
    ----------
    basis : ndarray, shape (S,)
        Basis at the start of the year, after that date's withdrawals.
    contributions : ndarray (S,) or float
        Roth contributions of the year, dollars, paid in ``n`` equal parts at
        the end of each period (the engine's timing).
    outflow_rate : float
        The year's outflow rate :math:`d` (leakage), which takes the same
        share of every money source each period, so the basis pro rata too.
    periods_per_year : int
        Periods :math:`n` per year.

    Returns
    -------
    ndarray, shape (S,)

    Notes
    -----
    With :math:`k = (1 - d)^{1/n}` kept each period, before that period's
    contribution (:mod:`alt401k.engine`):

    .. math::

        K_{\text{end}} = K\,k^n + \frac{c}{n} \sum_{j=0}^{n-1} k^j

    Market returns and fees change the balance, not the basis.
    """
    n = int(periods_per_year)
    keep = (1.0 - float(outflow_rate)) ** (1.0 / n)
    carried = float(np.mean(keep ** np.arange(n)))
    return np.asarray(basis * keep**n + np.asarray(contributions) * carried, dtype=np.float64)


class WithdrawalPolicy:
    """The engine's ``withdraw`` hook for one saver over one chunk of scenarios.

    Parameters
    ----------
    retirement : Retirement
    ages : ndarray, shape (Y,)
        Age attained in each simulated year.
    retirement_age : int
        First year of the retirement phase is the one where ``ages`` reaches it.
    birth_year : int
        For the RMD start age (>= 1951).
    start_year : int
        First simulated calendar year.
    price_level : ndarray, shape (S, Y + 1)
        Price index at the start of each year (column 0 is 1), and at the end.
    roth_contributions : ndarray, shape (Y,) or (S, Y), optional
        Roth contributions each year (employee and employer), dollars: the
        Roth basis they add. Default none.
    roth_basis : float
        Roth basis in the opening Roth balance, dollars (default 0).
    roth_years_done : bool
        Whether the five-year period of the opening Roth money is already
        complete (default True); new Roth money starts its period in the
        first year with a Roth contribution.
    outflow : ndarray, shape (Y,), optional
        Annual leakage rate of each year (it takes the basis pro rata).
    periods_per_year : int
        Periods per year of the run (contribution timing for the basis).

    Notes
    -----
    Called by :func:`alt401k.engine.simulate` with state (K, S, 1): all money,
    its Roth part and (K = 3) employer money, which pays its pro rata share
    of pre-tax withdrawals. Records what it paid and the taxes it computed, so
    :meth:`paths` returns them after the run. It is called at the start of
    every year, working years too, and rolls the Roth basis forward
    (:func:`roth_basis_step`).
    """

    def __init__(
        self,
        retirement: Retirement,
        ages: np.ndarray,
        retirement_age: int,
        birth_year: int,
        start_year: int,
        price_level: np.ndarray,
        *,
        roth_contributions: np.ndarray | None = None,
        roth_basis: float = 0.0,
        roth_years_done: bool = True,
        outflow: np.ndarray | None = None,
        periods_per_year: int = 12,
    ) -> None:
        self.r = retirement
        self.ages = np.asarray(ages, dtype=int)
        self.retirement_age = int(retirement_age)
        self.rmd_age = int(rmd_start_age(birth_year))
        self.birth_year = int(birth_year)
        self.start_year = int(start_year)
        self.price = price_level
        self.schedule, self.index0 = retirement.schedule(start_year)
        n_scenarios, n_years = price_level.shape[0], self.ages.size
        self.first = int(np.argmax(self.ages >= self.retirement_age))
        self.balance_at_retirement = np.zeros(n_scenarios)
        self.periods_per_year = int(periods_per_year)
        self.outflow = np.zeros(n_years) if outflow is None else np.asarray(outflow, dtype=float)
        contributions = (
            np.zeros(n_years) if roth_contributions is None else np.asarray(roth_contributions)
        )
        self.roth_in = np.broadcast_to(contributions, (n_scenarios, n_years))
        self.basis = np.full(n_scenarios, float(roth_basis))
        # First year index whose Roth withdrawals are past the five-year period, by scenario.
        paid = self.roth_in > 0.0
        first_paid = np.where(paid.any(axis=1), np.argmax(paid, axis=1), n_years)
        self.qualified_from = (
            np.zeros(n_scenarios, dtype=int) if roth_years_done else first_paid + ROTH_FIVE_YEARS
        )
        self._out = {
            name: np.zeros((n_scenarios, n_years))
            for name in (
                "pretax", "roth", "tax", "penalty", "total_tax",
                "social_security", "other_income", "shortfall", *_ROTH_DETAIL,
            )
        }  # fmt: skip

    # ------------------------------------------------------------------ hook
    def __call__(self, year: int, rows: slice, state: np.ndarray) -> np.ndarray:
        taken = np.zeros_like(state)
        age = int(self.ages[year])
        basis = self.basis[rows]
        if age < self.retirement_age:
            self._roll_basis(year, rows, basis)
            return taken
        total = state[0, :, 0]
        roth = np.minimum(state[1, :, 0], total)
        pretax = np.maximum(total - roth, 0.0)
        price = self.price[rows, year]
        if year == self.first:
            self.balance_at_retirement[rows] = total
        ss, other = self._side_income(age, price)
        rmd = (
            required_minimum_distribution(pretax, age, self.birth_year)
            if age >= self.rmd_age
            else np.zeros_like(pretax)
        )
        # Roth: share of a withdrawal that is earnings (pro rata, IRC 72(e)(8)), and the
        # share of the year's withdrawals that is not qualified.
        basis_share = np.minimum(
            np.divide(basis, roth, out=np.ones_like(roth), where=roth > 0.0), 1.0
        )
        nonqualified = np.where(
            year < self.qualified_from[rows], 1.0, float(share_before_59_half(float(age)))
        )
        roth_rule = _RothRule(1.0 - basis_share, nonqualified)
        rule = self.r.rule
        unmet: np.ndarray | float = 0.0
        if rule == "fixed_real":
            desired = self.r.rate * self.balance_at_retirement[rows] * price
            desired = desired / self.price[rows, self.first]
        elif rule == "fixed_share":
            desired = self.r.rate * total
        elif rule == "target_income":
            desired, unmet = self._gross_for_target(
                year, age, price, pretax, roth, rmd, ss, other, roth_rule
            )
        else:  # rmd_only
            desired = np.zeros_like(total)
        w_pre, w_roth, short = self._split(desired, rmd, pretax, roth)
        short = short + unmet
        taxes = self._taxes(year, age, price, w_pre, w_roth, ss, other, roth_rule)
        for name, value in (
            ("pretax", w_pre), ("roth", w_roth), ("tax", taxes.tax),
            ("penalty", taxes.penalty), ("total_tax", taxes.total_tax),
            ("social_security", ss), ("other_income", other), ("shortfall", short),
            ("roth_taxable", taxes.roth_taxable), ("roth_tax", taxes.roth_tax),
            ("roth_penalty", taxes.roth_penalty), ("roth_nonqualified_share", nonqualified),
        ):  # fmt: skip
            self._out[name][rows, year] = value
        self._roll_basis(year, rows, basis - w_roth * basis_share)
        taken[0, :, 0] = w_pre + w_roth
        taken[1, :, 0] = w_roth
        if state.shape[0] > 2:  # employer money, tracked for vesting: pre-tax, pro rata
            employer = state[2, :, 0]
            taken[2, :, 0] = np.minimum(
                employer,
                w_pre * np.divide(employer, pretax, out=np.zeros_like(pretax), where=pretax > 0),
            )
        return taken

    def _roll_basis(self, year: int, rows: slice, basis: np.ndarray) -> None:
        """Carry the basis left at the year's start to its end (contributions, leakage)."""
        end = roth_basis_step(
            basis, self.roth_in[rows, year], float(self.outflow[year]), self.periods_per_year
        )
        self.basis[rows] = end
        self._out["roth_basis"][rows, year] = end

    def paths(self) -> RetirementPaths:
        """What the hook paid and taxed, per scenario and year."""
        return RetirementPaths(**self._out)

    # ------------------------------------------------------------- the rules
    def _side_income(self, age: int, price: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        ss = self.r.social_security * price if age >= self.r.social_security_age else 0.0 * price
        return ss, self.r.other_income * price

    def _split(
        self, desired: np.ndarray, rmd: np.ndarray, pretax: np.ndarray, roth: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Withdrawals by bucket: the RMD from pre-tax, the rest by ``order``."""
        want = np.maximum(desired, rmd)
        w_pre = np.minimum(rmd, pretax)
        rest = want - w_pre
        room_pre = pretax - w_pre
        order = self.r.order
        if order == "pretax_first":
            extra = np.minimum(rest, room_pre)
            w_pre = w_pre + extra
            w_roth = np.minimum(rest - extra, roth)
        elif order == "roth_first":
            w_roth = np.minimum(rest, roth)
            w_pre = w_pre + np.minimum(rest - w_roth, room_pre)
        else:
            room = room_pre + roth
            paid = np.minimum(rest, room)
            share = np.divide(room_pre, room, out=np.zeros_like(room), where=room > 0)
            w_pre = w_pre + paid * share
            w_roth = paid - paid * share
        short = want - w_pre - w_roth
        short = np.where(short > _SHORTFALL_TOL, short, 0.0)
        return w_pre, w_roth, short

    def _taxes(
        self,
        year: int,
        age: int,
        price: np.ndarray,
        w_pre: np.ndarray,
        w_roth: np.ndarray,
        ss: np.ndarray,
        other: np.ndarray,
        roth_rule: _RothRule,
    ) -> _Taxes:
        """Tax and penalty the year's withdrawals cause, and the Roth parts of each."""
        schedule = self.schedule.indexed(1.0, year=self.start_year + year)
        index = self.index0 * price
        kwargs: dict[str, Any] = {"age": float(age), "social_security": ss, "index": index}
        earnings = w_roth * roth_rule.earnings_share
        roth_taxable = earnings * roth_rule.nonqualified
        total_tax = schedule.income_tax(w_pre + roth_taxable + other, **kwargs)
        base_tax = schedule.income_tax(other, **kwargs)
        separation = float(self.retirement_age)
        penalty_kwargs: dict[str, Any] = {"separation_age": separation, "sepp": self.r.sepp}
        penalty = early_withdrawal_penalty(w_pre, float(age), **penalty_kwargs)
        if np.any(roth_taxable > 0.0):
            roth_tax = total_tax - schedule.income_tax(w_pre + other, **kwargs)
            # The penalty falls on the part made before 59 1/2, which is never qualified.
            roth_penalty = early_withdrawal_penalty(earnings, float(age), **penalty_kwargs)
        else:
            roth_tax = np.zeros_like(total_tax)
            roth_penalty = np.zeros_like(penalty)
        return _Taxes(
            tax=total_tax - base_tax,
            penalty=penalty + roth_penalty,
            total_tax=total_tax,
            roth_taxable=roth_taxable,
            roth_tax=roth_tax,
            roth_penalty=roth_penalty,
        )

    def _gross_for_target(
        self,
        year: int,
        age: int,
        price: np.ndarray,
        pretax: np.ndarray,
        roth: np.ndarray,
        rmd: np.ndarray,
        ss: np.ndarray,
        other: np.ndarray,
        roth_rule: _RothRule,
    ) -> tuple[np.ndarray, np.ndarray]:
        """The gross withdrawal whose after-tax value is the target, by bisection.

        Returns the gross amount and the after-tax income still missing where
        even the whole balance is not enough (0 elsewhere).
        """
        assert self.r.target_income is not None
        target = self.r.target_income * price
        lo = np.zeros_like(target)
        hi = pretax + roth

        def net(gross: np.ndarray) -> np.ndarray:
            w_pre, w_roth, _ = self._split(gross, rmd, pretax, roth)
            taxes = self._taxes(year, age, price, w_pre, w_roth, ss, other, roth_rule)
            return w_pre + w_roth - taxes.tax - taxes.penalty

        unmet = np.maximum(target - net(hi), 0.0)
        for _ in range(_BISECTION_STEPS):
            mid = 0.5 * (lo + hi)
            below = net(mid) < target
            lo = np.where(below, mid, lo)
            hi = np.where(below, hi, mid)
        return hi, np.where(unmet > _SHORTFALL_TOL, unmet, 0.0)


@dataclass(frozen=True)
class _RothRule:
    """How a year's Roth withdrawals are taxed: (S,) shares in [0, 1]."""

    earnings_share: np.ndarray  # earnings / Roth balance (pro rata, IRC 72(e)(8))
    nonqualified: np.ndarray | float  # share of the year's withdrawals not qualified


@dataclass(frozen=True)
class _Taxes:
    """A year's tax and penalty on withdrawals, (S,) dollars each."""

    tax: np.ndarray
    penalty: np.ndarray
    total_tax: np.ndarray
    roth_taxable: np.ndarray
    roth_tax: np.ndarray
    roth_penalty: np.ndarray
