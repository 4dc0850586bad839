"""A saver's run reduced as it went: :class:`StreamedParticipantResults`.

``simulate_participant(..., keep_paths=False)`` turns each chunk of scenarios
into a :class:`~alt401k.results.ParticipantResults` inside the worker, takes
from it the yearly series and the per-scenario outcomes that its
``summary()`` and ``retirement_summary()`` describe, and keeps only their
statistics (:class:`~alt401k.results.streaming.StreamedStats`): memory does
not grow with the number of scenarios.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .._random import seed_record
from ._stats import DEFAULT_QUANTILES, check_quantiles, quantile_label, units
from .streaming import STREAMED_SE_METHOD, StreamedStats

if TYPE_CHECKING:
    from ..plan import PlanDesign
    from ..population import Participant
    from ..portfolio import Portfolio
    from ..retirement import Retirement
    from .participant import ParticipantResults

__all__ = ["StreamedParticipantResults", "saver_series", "saver_stats"]

_TERMINAL = (
    "terminal_balance",
    "terminal_real_balance",
    "terminal_roth_balance",
    "total_investment_return",
    "total_fees",
)
_RETIREMENT = (
    "balance_at_retirement",
    "first_year_income",
    "mean_income",
    "after_tax_terminal_wealth",
    "total_tax",
    "replacement_ratio",
    "ran_out",
)
_YEARLY = ("balance", "roth_balance", "investment_return", "fees")
_YEARLY_RETIRED = ("after_tax_income", "withdrawals", "total_tax", "shortfall")


def _names(
    retired: bool,
) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """(yearly names, yearly sketched, outcome names, outcome sketched)."""
    dollars = (*_YEARLY, *(_YEARLY_RETIRED if retired else ()))
    yearly = (*dollars, *(f"real/{name}" for name in dollars), "price_level")
    yearly_sketched = ("balance", "real/balance") + (
        ("after_tax_income", "real/after_tax_income") if retired else ()
    )
    terminal = (*_TERMINAL, *(f"real/{name}" for name in _TERMINAL))
    retirement = (
        tuple(
            f"{kind}/{name}" for kind in ("retirement", "real/retirement") for name in _RETIREMENT
        )
        if retired
        else ()
    )
    outcomes = (*terminal, *retirement, "paid_in", "below_paid_in")
    return yearly, yearly_sketched, outcomes, (*terminal, *retirement)


def saver_stats(
    retired: bool, n_years: int, relative_accuracy: float
) -> tuple[StreamedStats, StreamedStats]:
    """Empty statistics of a saver's run: yearly series (Y) and outcomes (one value each)."""
    yearly, yearly_sketched, outcomes, outcomes_sketched = _names(retired)
    return (
        StreamedStats.empty(yearly, yearly_sketched, n_years, relative_accuracy),
        StreamedStats.empty(outcomes, outcomes_sketched, 1, relative_accuracy),
    )


def saver_series(result: ParticipantResults) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """The yearly series, (s, Y), and outcomes, (s, 1), of a chunk's results."""
    price = result.price_level
    yearly: dict[str, np.ndarray] = {
        "balance": result.balance_end,
        "roth_balance": result.roth_balance_end,
        "investment_return": result.investment_return,
        "fees": result.fees,
    }
    r = result.retirement_paths
    if r is not None:
        yearly.update(
            after_tax_income=r.after_tax_income,
            withdrawals=r.withdrawals,
            total_tax=r.total_tax,
            shortfall=r.shortfall,
        )
    series = dict(yearly)
    for name, values in yearly.items():
        # Balances at a year end and the year's return and fees: deflated by that year
        # end's price level, as ParticipantResults.summary(real=True) does; the
        # retirement phase's flows by the price level at the start of the year, as
        # retirement_outcomes does.
        deflator = result.price_at_start if name in _YEARLY_RETIRED else price
        series[f"real/{name}"] = values / deflator
    series["price_level"] = price
    metrics: dict[str, np.ndarray] = {}
    for real in (False, True):
        prefix = "real/" if real else ""
        for name, values in result.summary_metrics(real=real).items():
            metrics[prefix + name] = values
        if r is not None:
            for name, values in result.retirement_outcomes(real=real).items():
                metrics[f"{prefix}retirement/{name}"] = values
    paid_in = result.paid_in_by_scenario
    metrics["paid_in"] = paid_in
    metrics["below_paid_in"] = (result.terminal_balance < paid_in).astype(float)
    return series, {name: np.asarray(v, dtype=float).reshape(-1, 1) for name, v in metrics.items()}


@dataclass(frozen=True, eq=False, repr=False)
class StreamedParticipantResults:
    """Outcome of ``simulate_participant(..., keep_paths=False)``: statistics, no paths.

    Means, standard deviations, minima and maxima are exact to rounding;
    quantiles and ``cvar05`` are within ``relative_accuracy`` (relative,
    plus a cent) of what a run with paths reports (see
    :mod:`alt401k.results.streaming`). Paths, ledgers, risk measures of whole
    paths and paired comparisons with a baseline need ``keep_paths=True``.

    Attributes
    ----------
    participant, plan, portfolio, retirement
        The validated specifications.
    years : ndarray, shape (Y,)
    yearly : StreamedStats
        Per-year series: ``balance``, ``roth_balance``,
        ``investment_return``, ``fees`` and, with a retirement phase,
        ``after_tax_income``, ``withdrawals``, ``total_tax``, ``shortfall``;
        each also ``real/<name>``; ``price_level``. Quantiles of
        ``balance`` and ``after_tax_income``, nominal and real.
    outcomes : StreamedStats
        One value per scenario: the rows of ``summary()`` (``real/`` for
        start-year dollars), ``retirement/<metric>`` and
        ``real/retirement/<metric>``, ``paid_in`` and ``below_paid_in``.
    seed : numpy.random.SeedSequence
    periods_per_year : int
    """

    participant: Participant
    plan: PlanDesign
    portfolio: Portfolio
    retirement: Retirement | None
    years: np.ndarray
    yearly: StreamedStats
    outcomes: StreamedStats
    seed: np.random.SeedSequence
    periods_per_year: int = 12

    @property
    def n_scenarios(self) -> int:
        return self.outcomes.count

    def __repr__(self) -> str:
        median = float(self.outcomes.quantile("terminal_balance", 0.5)[0])
        return (
            f"StreamedParticipantResults({self.n_scenarios:,} scenarios, age "
            f"{self.participant.age} from {int(self.years[0])} to {int(self.years[-1])}: median "
            f"terminal balance ${median:,.0f}; quantiles to {self.yearly.relative_accuracy:.2%})"
        )

    def by_year(self, name: str, quantiles: Sequence[float] = (0.05, 0.5, 0.95)) -> pd.DataFrame:
        """One yearly series' statistics (``yearly.names``), indexed by ``year``."""
        columns = self.yearly.by_year(name, check_quantiles(quantiles))
        return pd.DataFrame(columns, index=pd.Index(self.years, name="year"))

    def summary(
        self,
        quantiles: Sequence[float] = DEFAULT_QUANTILES,
        *,
        real: bool = False,
        se: bool = False,
    ) -> pd.DataFrame:
        """The table of :meth:`ParticipantResults.summary`, from the statistics.

        ``se=True`` adds ``<column>_se`` (:data:`STREAMED_SE_METHOD`): means
        and ``prob_below_paid_in`` by batch means over the seed blocks,
        quantiles by order statistics; ``cvar05_se`` is NaN (the sketch keeps
        no per-block tails).

        ``prob_below_paid_in`` is exact when contributions are the same in
        every scenario (no pay path); with a pay path, "paid in" is the mean
        over scenarios, known only at the end, and the share below it is read
        from the sketch of ``terminal_balance``
        (:meth:`StreamedStats.fraction_below`).
        """
        qs = check_quantiles(quantiles)
        st = self.outcomes
        prefix = "real/" if real else ""
        rows = {}
        for name in _TERMINAL:
            key = prefix + name
            row = {"mean": float(st.mean(key)[0]), "std": float(st.std(key)[0])}
            for q in qs:
                row[quantile_label(q)] = float(st.quantile(key, q)[0])
            row["cvar05"] = float(st.lower_tail_mean(key, 0.05)[0])
            rows[name] = row
        frame = pd.DataFrame.from_dict(rows, orient="index")
        frame["prob_below_paid_in"] = np.nan
        varies = float(st.max("paid_in")[0]) != float(st.min("paid_in")[0])
        prob = (
            float(st.fraction_below("terminal_balance", float(st.mean("paid_in")[0]))[0])
            if varies
            else float(st.mean("below_paid_in")[0])
        )
        frame.loc["terminal_balance", "prob_below_paid_in"] = prob
        frame.index.name = "metric"
        frame.attrs["units"] = units(real)
        if se:
            frame["mean_se"] = [float(st.mean_se(prefix + n)[0]) for n in frame.index]
            for level in qs:
                frame[f"{quantile_label(level)}_se"] = [
                    float(st.quantile_se(prefix + n, level)[0]) for n in frame.index
                ]
            frame["cvar05_se"] = np.nan
            frame["prob_below_paid_in_se"] = np.nan
            prob_se = (
                np.sqrt(prob * (1.0 - prob) / st.count)
                if varies
                else float(st.mean_se("below_paid_in")[0])
            )
            frame.loc["terminal_balance", "prob_below_paid_in_se"] = prob_se
            frame.attrs["se_method"] = STREAMED_SE_METHOD
        return frame

    def retirement_summary(
        self, quantiles: Sequence[float] = DEFAULT_QUANTILES, *, real: bool = True, se: bool = False
    ) -> pd.DataFrame:
        """The table of :meth:`ParticipantResults.retirement_summary` (no baseline).

        ``se=True`` adds ``<column>_se`` as :meth:`summary` does.
        """
        if self.retirement is None:
            raise ValueError(
                "this run has no retirement phase: pass retirement=ak.Retirement(...) to "
                "simulate_participant"
            )
        qs = check_quantiles(quantiles)
        prefix = "real/retirement/" if real else "retirement/"
        rows = {}
        for name in _RETIREMENT:
            row = {"mean": float(self.outcomes.mean(prefix + name)[0])}
            for q in qs:
                row[quantile_label(q)] = float(self.outcomes.quantile(prefix + name, q)[0])
            if se:
                row["mean_se"] = float(self.outcomes.mean_se(prefix + name)[0])
                for q in qs:
                    error = self.outcomes.quantile_se(prefix + name, q)
                    row[f"{quantile_label(q)}_se"] = float(error[0])
            rows[name] = row
        frame = pd.DataFrame.from_dict(rows, orient="index")
        frame.index.name = "metric"
        frame.attrs["dollars"] = "start-year (real)" if real else "nominal"
        frame.attrs["units"] = units(real)
        if se:
            frame.attrs["se_method"] = STREAMED_SE_METHOD
        return frame

    def metadata(self) -> dict[str, Any]:
        """The specifications and seed as JSON-friendly data (``keep_paths`` False)."""
        return {
            "participant": self.participant.model_dump(mode="json"),
            "n_scenarios": self.n_scenarios,
            "periods_per_year": self.periods_per_year,
            "seed": seed_record(self.seed),
            "keep_paths": False,
            "relative_accuracy": self.yearly.relative_accuracy,
        }
