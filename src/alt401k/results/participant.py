"""What a saver's run produced: :class:`ParticipantResults`."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .. import _show
from .._random import seed_record
from ..contributions import AnnualContributions
from . import _files
from . import participant_ledger as _participant_ledger
from . import participant_retirement as _participant_retirement
from . import participant_risk as _participant_risk
from ._stats import (
    _annual_return,
)

if TYPE_CHECKING:
    from ..leakage import Leakage
    from ..markets import MarketModel
    from ..pay import PayPath
    from ..plan import PlanDesign
    from ..population import Participant
    from ..portfolio import Portfolio
    from ..retirement import Retirement, RetirementPaths

__all__ = ["ParticipantResults"]


@dataclass(frozen=True, eq=False, repr=False)
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
    retirement : Retirement or None
        The retirement phase simulated, if any (the run then ends at
        ``retirement.end_age``).
    retirement_paths : RetirementPaths or None
        Withdrawals by source, tax, penalty, Social Security, other income
        and shortfalls per scenario and year, nominal dollars, (S, Y) each.
    employer_balance_end : ndarray, shape (S, Y) or None
        Employer money in the balance at each year end (vested and not).
    leakage : Leakage or None
        The leakage simulated, if any.
    leakage_paths : ndarray, shape (S, Y, 4) or None
        Money leaving while working, by cause (:data:`alt401k.leakage.LEAKAGE_PARTS`:
        rollover, cash_out, hardship, loan_default), expected dollars per year.
    forfeitures : ndarray, shape (S, Y) or None
        Unvested employer money forfeited at separation, expected dollars per year.
    market_draws : dict of str to ndarray (S,)
        Per-scenario draws of the market model (an uncertain expected
        return, a ruin year), keyed ``"<asset>/expected_return"`` etc.
    markets, indexing_rate, pay
        The market model, limit indexing rate and pay path of the run (so
        :meth:`rerun` reproduces it).
    sampling : {"mc", "antithetic", "qmc"}
        How the market's normals were drawn; it sets the batches of
        ``summary(se=True)``.
    precision : dict or None
        With ``n_scenarios="auto"``: each target's ``target``, ``reached``
        (relative 95% half-width) and ``met``; None otherwise.
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
    retirement: Retirement | None = None
    retirement_paths: RetirementPaths | None = None
    employer_balance_end: np.ndarray | None = None
    leakage: Leakage | None = None
    leakage_paths: np.ndarray | None = None
    forfeitures: np.ndarray | None = None
    market_draws: dict[str, np.ndarray] = field(default_factory=dict)
    markets: MarketModel | None = None
    indexing_rate: float = 0.025
    pay: PayPath | None = None
    sampling: str = "mc"
    precision: dict[str, dict[str, Any]] | None = None

    def save(self, path: str | Path) -> Path:
        """Write this result to a directory; see :func:`alt401k.io.save`."""
        return _files.save(self, path)

    def rerun(self) -> ParticipantResults:
        """Simulate again from the recorded specification and seed (bit-identical)."""
        return _files.rerun(self)

    def __repr__(self) -> str:
        shown = _show.text(self)  # alt401k.display.describe_participant, registered by the face
        return shown if shown is not None else f"<{type(self).__name__}>"

    def _repr_html_(self) -> str | None:
        return _show.html(self)

    def sensitivity(
        self, *, target: str = "terminal_balance", method: str = "rank", **kwargs: Any
    ) -> pd.DataFrame:
        """Rank the uncertain market inputs by their effect on a target; see
        :func:`alt401k.sensitivity`."""
        from ..sensitivity import sensitivity

        return sensitivity(self, target=target, method=method, **kwargs)

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
        """Balance at the end of the run, shape (S,), nominal dollars.

        At retirement, or at ``retirement.end_age`` when the retirement phase
        was simulated (then see :attr:`balance_at_retirement`).
        """
        return self.balance_end[:, -1]

    @property
    def terminal_roth_balance(self) -> np.ndarray:
        """Roth part of :attr:`terminal_balance`, shape (S,), nominal dollars."""
        return self.roth_balance_end[:, -1]

    @property
    def terminal_real_balance(self) -> np.ndarray:
        """:attr:`terminal_balance` in start-year dollars, shape (S,)."""
        return self.balance_end[:, -1] / self.price_level[:, -1]

    @property
    def retirement_year_index(self) -> int:
        """Index of the first retirement year in :attr:`years` (Y if not simulated)."""
        return int(self.participant.retirement_age - self.participant.age)

    @property
    def balance_at_retirement(self) -> np.ndarray:
        """Balance when the saver retires (end of the last working year), (S,), nominal dollars."""
        return self.balance_end[:, min(self.retirement_year_index, self.balance_end.shape[1]) - 1]

    @property
    def price_at_start(self) -> np.ndarray:
        """Price level at the start of each year, (S, Y), 1 in the first year."""
        return np.concatenate([np.ones((self.n_scenarios, 1)), self.price_level[:, :-1]], axis=1)

    @property
    def paid_in(self) -> float:
        """Opening balance plus every contribution, nominal dollars (the mean over scenarios)."""
        total = self.contributions.total.sum(axis=0)  # (1,) or, with pay paths, (S,)
        return float(self.participant.balance + total.mean())

    @property
    def paid_in_by_scenario(self) -> np.ndarray:
        """Opening balance plus every contribution in each scenario, (S,), nominal dollars.

        The same in every scenario unless contributions follow pay paths.
        """
        total = self.contributions.total.sum(axis=0)  # (1,) or, with pay paths, (S,)
        return np.broadcast_to(self.participant.balance + total, (self.n_scenarios,))

    def prob_below(self, amount: float) -> float:
        """Share of scenarios whose terminal balance is below ``amount`` dollars."""
        return float(np.mean(self.terminal_balance < amount))

    # The ledger (results/participant_ledger.py).
    ledger = _participant_ledger.ledger

    # Summaries and risk (results/participant_risk.py).
    summary = _participant_risk.summary
    summary_metrics = _participant_risk.summary_metrics
    _money_out = _participant_risk._money_out
    risk = _participant_risk.risk
    _leakage_tax = _participant_risk._leakage_tax

    # The retirement phase (results/participant_retirement.py).
    retirement_outcomes = _participant_retirement.retirement_outcomes
    retirement_summary = _participant_retirement.retirement_summary

    def metadata(self) -> dict[str, Any]:
        """Every input of the run and its seed, as JSON-friendly data.

        Complete: ``simulate_participant`` called with these (the specs
        validated again, ``rng=SeedSequence(entropy, spawn_key=...)``) gives
        bit-identical numbers; :func:`alt401k.io.rerun` does exactly that.
        """

        def dump(spec: Any) -> Any:
            return None if spec is None else spec.model_dump(mode="json")

        return {
            "participant": dump(self.participant),
            "plan": dump(self.plan),
            "portfolio": dump(self.portfolio),
            "markets": dump(self.markets),
            "retirement": dump(self.retirement),
            "leakage": dump(self.leakage),
            "pay": dump(self.pay),
            "indexing_rate": self.indexing_rate,
            "n_scenarios": self.n_scenarios,
            "periods_per_year": self.periods_per_year,
            "seed": seed_record(self.seed),
        }
