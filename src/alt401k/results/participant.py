"""What a saver's run produced: :class:`ParticipantResults`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .._random import seed_record
from ..contributions import AnnualContributions
from ._stats import (
    DEFAULT_QUANTILES,
    _annual_return,
    _check_scenario_index,
    _lower_tail_mean,
    check_quantiles,
    quantile_label,
)

if TYPE_CHECKING:
    from ..plan import PlanDesign
    from ..population import Participant
    from ..portfolio import Portfolio

__all__ = ["ParticipantResults"]


@dataclass(frozen=True, eq=False)
class ParticipantResults:
    """Outcome of :func:`alt401k.simulate_participant` for one saver.

    Attributes
    ----------
    participant, plan, portfolio
        The validated specifications.
    contributions : AnnualContributions
        Deterministic contribution schedule, arrays (Y, 1), dollars per year.
    balance_end, roth_balance_end : ndarray, shape (S, Y)
        Year-end balance and its Roth part, nominal dollars.
    investment_return, fees : ndarray, shape (S, Y)
        Market gain (gross of expenses) and fees charged each year, dollars.
    price_level : ndarray, shape (S, Y)
        Consumer price index at each year end, 1 at the start.
    asset_names : tuple of str, length A
        Assets the portfolio holds.
    annual_returns : ndarray, shape (S, Y, A)
        Each asset's return compounded over each calendar year, gross of
        expenses (the market path the saver saw).
    seed : numpy.random.SeedSequence
        Root seed; rerunning with it reproduces every number.
    periods_per_year : int
        Simulation periods per year.
    """

    participant: Participant
    plan: PlanDesign
    portfolio: Portfolio
    contributions: AnnualContributions
    balance_end: np.ndarray
    roth_balance_end: np.ndarray
    investment_return: np.ndarray
    fees: np.ndarray
    price_level: np.ndarray
    asset_names: tuple[str, ...]
    annual_returns: np.ndarray
    seed: np.random.SeedSequence
    periods_per_year: int

    @property
    def n_scenarios(self) -> int:
        return int(self.balance_end.shape[0])

    @property
    def years(self) -> np.ndarray:
        """Calendar years, shape (Y,)."""
        return self.contributions.years

    def annual_return(self, name: str) -> np.ndarray:
        """One asset's calendar-year returns, shape (S, Y), fraction (gross of expenses)."""
        return _annual_return(self.asset_names, self.annual_returns, name)

    @property
    def terminal_balance(self) -> np.ndarray:
        """Balance at retirement, shape (S,), nominal dollars."""
        return self.balance_end[:, -1]

    @property
    def terminal_roth_balance(self) -> np.ndarray:
        """Roth part of the balance at retirement, shape (S,), nominal dollars."""
        return self.roth_balance_end[:, -1]

    @property
    def terminal_real_balance(self) -> np.ndarray:
        """Balance at retirement in start-year dollars, shape (S,)."""
        return self.balance_end[:, -1] / self.price_level[:, -1]

    @property
    def paid_in(self) -> float:
        """Opening balance plus every contribution, nominal dollars."""
        return float(self.participant.balance + self.contributions.total.sum())

    def prob_below(self, amount: float) -> float:
        """Share of scenarios whose terminal balance is below ``amount`` dollars."""
        return float(np.mean(self.terminal_balance < amount))

    def ledger(self, scenario: int | None = None) -> pd.DataFrame:
        """Year-by-year account ledger.

        Parameters
        ----------
        scenario : int, optional
            One scenario's ledger; by default the mean across scenarios.

        Returns
        -------
        DataFrame
            One row per year: ``year, age, salary, employee_pretax,
            employee_roth, employer, investment_return, fees, balance_end``
            (dollars). ``balance_end[t] = balance_end[t-1] + employee_pretax +
            employee_roth + employer + investment_return - fees``.
        """
        if scenario is None:
            pick = lambda a: a.mean(axis=0)  # noqa: E731
        else:
            i = _check_scenario_index(scenario, self.n_scenarios)
            pick = lambda a: a[i]  # noqa: E731
        c = self.contributions
        return pd.DataFrame(
            {
                "year": c.years,
                "age": c.age[:, 0].astype(int),
                "salary": c.salary[:, 0],
                "employee_pretax": c.employee_pretax[:, 0],
                "employee_roth": c.employee_roth[:, 0],
                "employer": c.employer[:, 0],
                "investment_return": pick(self.investment_return),
                "fees": pick(self.fees),
                "balance_end": pick(self.balance_end),
            }
        )

    def summary(self, quantiles: Sequence[float] = DEFAULT_QUANTILES) -> pd.DataFrame:
        """Distribution of outcomes at retirement.

        Returns
        -------
        DataFrame
            Rows ``terminal_balance``, ``terminal_real_balance`` (start-year
            dollars), ``terminal_roth_balance``, ``total_investment_return``,
            ``total_fees``; columns ``mean``, ``std``, the quantiles
            (``p05`` ...), ``cvar05`` (mean of the worst 5% of scenarios) and
            ``prob_below_paid_in`` (share of scenarios ending below the opening
            balance plus all contributions; balance rows only, else NaN).
        """
        qs = check_quantiles(quantiles)
        metrics = {
            "terminal_balance": self.terminal_balance,
            "terminal_real_balance": self.terminal_real_balance,
            "terminal_roth_balance": self.terminal_roth_balance,
            "total_investment_return": self.investment_return.sum(axis=1),
            "total_fees": self.fees.sum(axis=1),
        }
        rows = {}
        for name, values in metrics.items():
            row: dict[str, float] = {
                "mean": float(values.mean()),
                "std": float(values.std(ddof=1)) if values.size > 1 else 0.0,
            }
            for q, v in zip(qs, np.quantile(values, qs), strict=True):
                row[quantile_label(q)] = float(v)
            row["cvar05"] = _lower_tail_mean(values)
            rows[name] = row
        frame = pd.DataFrame.from_dict(rows, orient="index")
        frame["prob_below_paid_in"] = np.nan
        frame.loc["terminal_balance", "prob_below_paid_in"] = self.prob_below(self.paid_in)
        frame.index.name = "metric"
        return frame

    def metadata(self) -> dict[str, Any]:
        """Specifications and seed as JSON-friendly data."""
        return {
            "participant": self.participant.model_dump(),
            "plan": self.plan.model_dump(),
            "portfolio": self.portfolio.model_dump(),
            "n_scenarios": self.n_scenarios,
            "periods_per_year": self.periods_per_year,
            "seed": seed_record(self.seed),
        }
