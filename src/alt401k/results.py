"""Results objects: what came out of a run, as arrays and tidy DataFrames.

Results hold the validated specification, the raw arrays and the seed used.
Statistics are computed on demand; nothing here draws random numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ._random import seed_record
from ._validation import check_int
from .contributions import AnnualContributions
from .engine import COMPONENTS as POOL_COMPONENTS

if TYPE_CHECKING:
    from .plan import PlanDesign
    from .population import Participant
    from .portfolio import Portfolio
    from .scenario import Scenario

__all__ = ["DEFAULT_QUANTILES", "ParticipantResults", "PoolResults", "quantile_label"]

DEFAULT_QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)


def quantile_label(q: float) -> str:
    """Column label of a quantile: 0.05 -> 'p05', 0.5 -> 'p50', 0.999 -> 'p99.9'."""
    pct = 100.0 * q
    return f"p{pct:02.0f}" if float(pct).is_integer() else f"p{pct:g}"


def check_quantiles(quantiles: Sequence[float]) -> tuple[float, ...]:
    qs = tuple(float(q) for q in quantiles)
    if not qs or any(not 0.0 <= q <= 1.0 for q in qs):
        raise ValueError(f"quantiles must be non-empty and each between 0 and 1; got {quantiles}")
    return qs


def _lower_tail_mean(values: np.ndarray, level: float = 0.05) -> float:
    """Mean of the worst ``level`` share of outcomes (expected shortfall, CVaR)."""
    k = max(1, int(np.floor(level * values.size)))
    return float(np.partition(values, k - 1)[:k].mean())


def _weighted_quantiles(
    values: np.ndarray, weights: np.ndarray, quantiles: Sequence[float]
) -> list[float]:
    """Quantiles of ``values`` weighted by ``weights`` (inverse of the weighted CDF)."""
    v = values.reshape(-1)
    w = weights.reshape(-1)
    keep = w > 0
    v, w = v[keep], w[keep]
    order = np.argsort(v, kind="stable")
    v, w = v[order], w[order]
    cdf = np.cumsum(w) / w.sum()
    index = np.searchsorted(cdf, np.asarray(quantiles) - 1e-12, side="left")
    return [float(v[min(i, v.size - 1)]) for i in index]


def _columnwise_corr(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Pearson correlation of each column of ``a`` with the same column of ``b``, (Y,)."""
    da = a - a.mean(axis=0)
    db = b - b.mean(axis=0)
    num = (da * db).sum(axis=0)
    den = np.sqrt((da * da).sum(axis=0) * (db * db).sum(axis=0))
    scale = np.abs(a).max(axis=0) * np.abs(b).max(axis=0) * a.shape[0]
    defined = den > 1e-12 * np.maximum(scale, 1e-300)
    return np.where(defined, num / np.where(defined, den, 1.0), np.nan)


def _check_scenario_index(scenario: int, n_scenarios: int) -> int:
    return check_int("scenario", scenario, low=0, high=n_scenarios - 1)


def _annual_return(names: tuple[str, ...], annual: np.ndarray, name: str) -> np.ndarray:
    if name not in names:
        raise ValueError(f"unknown asset {name!r}; this run has: {', '.join(names)}")
    return annual[:, :, names.index(name)]


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


@dataclass(frozen=True, eq=False)
class PoolResults:
    """Outcome of :meth:`alt401k.Scenario.run`: money flowing into one asset.

    Attributes
    ----------
    scenario : Scenario
        The validated specification.
    years : ndarray, shape (Y,)
        Calendar years.
    flow_paths : ndarray, shape (S, Y, C)
        Net purchases of the asset per year, by component
        (:data:`COMPONENTS`), dollars.
    asset_return : ndarray, shape (S, Y)
        Market gain on the pool's holdings of the asset, net of expenses and
        flat fees, dollars.
    holdings : ndarray, shape (S, Y)
        The pool's holdings of the asset at each year end, dollars.
    holdings_by_channel : ndarray, shape (S, Y, 2)
        ``holdings`` held through the active and the default channel.
    pool_assets : ndarray, shape (S, Y)
        Total DC pool at each year end, dollars.
    pool_outflows : ndarray, shape (S, Y)
        All money paid out of the plans each year, dollars.
    pool_contributions : ndarray, shape (Y, 3)
        Contributions into the whole pool per year (employee pre-tax,
        employee Roth, employer), dollars.
    excess_return : ndarray, shape (S, Y)
        Annual return of the asset minus that of ``pool_portfolio``.
    asset_names : tuple of str, length A
        Assets of the run (the alternative asset and the core portfolios').
    annual_returns : ndarray, shape (S, Y, A)
        Each asset's return compounded over each calendar year, gross of
        expenses: the market paths of the run.
    groups : DataFrame
        One row per group of cells sharing rules (segment, default investor,
        birth cohort, working, retirement age, central age, people, opening
        balance, channel).
    final_non_holder, final_holder, final_holder_asset, final_counterfactual : ndarray, shape (S, G)
        Group balances at the horizon, dollars: non-holders; holders; the
        holders' asset; and what the holders would have had without it.
    final_holder_share : ndarray, shape (S, G)
        Share of each group's people holding the asset at the horizon.
    draws : dict of str to ndarray (S,)
        Per-scenario draws of uncertain inputs (curve parameters,
        allocation share, reversal year).
    seed : numpy.random.SeedSequence
        Root seed.
    periods_per_year : int
    """

    scenario: Scenario
    years: np.ndarray
    flow_paths: np.ndarray
    asset_return: np.ndarray
    holdings: np.ndarray
    holdings_by_channel: np.ndarray
    pool_assets: np.ndarray
    pool_outflows: np.ndarray
    pool_contributions: np.ndarray
    excess_return: np.ndarray
    asset_names: tuple[str, ...]
    annual_returns: np.ndarray
    groups: pd.DataFrame
    final_non_holder: np.ndarray
    final_holder: np.ndarray
    final_holder_asset: np.ndarray
    final_counterfactual: np.ndarray
    final_holder_share: np.ndarray
    draws: dict[str, np.ndarray]
    seed: np.random.SeedSequence
    periods_per_year: int = 12

    COMPONENTS = POOL_COMPONENTS

    @property
    def n_scenarios(self) -> int:
        return int(self.flow_paths.shape[0])

    @property
    def net_flows(self) -> np.ndarray:
        """Net purchases of the asset per year, all components, shape (S, Y), dollars."""
        return self.flow_paths.sum(axis=-1)

    @property
    def cumulative_flows(self) -> np.ndarray:
        """Net purchases since the start, by year end, shape (S, Y), dollars."""
        return np.cumsum(self.net_flows, axis=1)

    @property
    def headline_reallocation(self) -> float:
        """Mean first-year reallocation of existing balances, dollars.

        With full adoption and opt-in this is ``allocation_share * pool_assets``
        (e.g. 1% of $12.5T = $125B) in every scenario.
        """
        return float(self.flow_paths[:, 0, 0].mean())

    def annual_return(self, name: str) -> np.ndarray:
        """One asset's calendar-year returns, shape (S, Y), fraction (gross of expenses)."""
        return _annual_return(self.asset_names, self.annual_returns, name)

    def component(self, name: str) -> np.ndarray:
        """One flow component, shape (S, Y), dollars."""
        if name not in POOL_COMPONENTS:
            raise ValueError(f"component must be one of {', '.join(POOL_COMPONENTS)}; got {name!r}")
        return self.flow_paths[..., POOL_COMPONENTS.index(name)]

    def flows(self) -> pd.DataFrame:
        """Tidy flows: one row per scenario, year and component.

        Returns
        -------
        DataFrame
            Columns ``scenario`` (int), ``year`` (calendar year), ``component``
            (categorical: reallocation, contributions, distributions,
            rebalancing) and ``dollars`` (net purchases of the asset).
        """
        s, y, c = self.flow_paths.shape
        return pd.DataFrame(
            {
                "scenario": np.repeat(np.arange(s), y * c),
                "year": np.tile(np.repeat(self.years, c), s),
                "component": pd.Categorical.from_codes(
                    np.tile(np.arange(c), s * y), categories=pd.Index(POOL_COMPONENTS)
                ),
                "dollars": self.flow_paths.reshape(-1),
            }
        )

    def summary(self, quantiles: Sequence[float] = (0.05, 0.5, 0.95)) -> pd.DataFrame:
        """Year-by-year distribution of flows and holdings.

        Returns
        -------
        DataFrame indexed by ``year``
            ``<component>_mean`` for each component; ``net_flow_mean`` and its
            quantiles ``net_flow_p05`` ...; quantiles of ``cumulative_flow``,
            ``holdings`` and ``pool_assets``; ``pool_contributions`` (all
            money paid into the pool) and ``pool_outflows_mean`` (all money
            paid out). Dollars. ``frame.attrs["assumptions"]`` states the
            channels, rebalancing behaviour, adoption and reversal used.
        """
        qs = check_quantiles(quantiles)
        out: dict[str, np.ndarray] = {}
        for i, name in enumerate(POOL_COMPONENTS):
            out[f"{name}_mean"] = self.flow_paths[..., i].mean(axis=0)
        series = {
            "net_flow": self.net_flows,
            "cumulative_flow": self.cumulative_flows,
            "holdings": self.holdings,
            "pool_assets": self.pool_assets,
        }
        for name, values in series.items():
            out[f"{name}_mean"] = values.mean(axis=0)
            for q, row in zip(qs, np.quantile(values, qs, axis=0), strict=True):
                out[f"{name}_{quantile_label(q)}"] = row
        out["pool_contributions"] = self.pool_contributions.sum(axis=1)
        out["pool_outflows_mean"] = self.pool_outflows.mean(axis=0)
        frame = pd.DataFrame(out, index=pd.Index(self.years, name="year"))
        frame.attrs["assumptions"] = self.scenario.assumptions()
        return frame

    def outcomes(self, quantiles: Sequence[float] = DEFAULT_QUANTILES) -> pd.DataFrame:
        """Balances per person at the horizon: holders of the asset vs the rest, same paths.

        Returns
        -------
        DataFrame indexed by ``group``
            Rows ``holders`` (balance per person of those holding the asset),
            ``holders_without_asset`` (the same people had they never held
            it: same contributions, core portfolio only), ``non_holders`` and
            ``holder_gain`` (holders minus holders_without_asset, per person).
            Columns ``people_mean`` (people in the row, mean over scenarios),
            ``mean`` and the quantiles (``p05`` ...) of the balance per person
            over scenarios and groups of cells, weighted by people. Dollars,
            nominal.
        """
        qs = check_quantiles(quantiles)
        people = self.groups["people"].to_numpy()[None, :]
        holders = self.final_holder_share * people
        others = (1.0 - self.final_holder_share) * people

        def per_person(total: np.ndarray, count: np.ndarray) -> np.ndarray:
            return np.divide(total, count, out=np.zeros_like(total), where=count > 0)

        series = {
            "holders": (per_person(self.final_holder, holders), holders),
            "holders_without_asset": (per_person(self.final_counterfactual, holders), holders),
            "non_holders": (per_person(self.final_non_holder, others), others),
            "holder_gain": (
                per_person(self.final_holder - self.final_counterfactual, holders),
                holders,
            ),
        }
        rows = {}
        for name, (values, weights) in series.items():
            total = float(weights.sum())
            row: dict[str, float] = {"people_mean": total / self.n_scenarios}
            if total > 0:
                row["mean"] = float((values * weights).sum() / total)
                for q, v in zip(qs, _weighted_quantiles(values, weights, qs), strict=True):
                    row[quantile_label(q)] = v
            else:
                row["mean"] = 0.0
                row.update({quantile_label(q): 0.0 for q in qs})
            rows[name] = row
        frame = pd.DataFrame.from_dict(rows, orient="index")
        frame.index.name = "group"
        return frame

    def countercyclicality(self) -> pd.DataFrame:
        """How counter-cyclical rebalancing is: its correlation with the asset's excess return.

        The claim that retirement money is stabilising "patient capital" is
        testable: if rebalancing sells the asset after it beats the core
        portfolio and buys after it lags, the correlation across scenarios
        between a year's rebalancing flow and that year's excess return
        (asset minus ``pool_portfolio``) is negative.

        Returns
        -------
        DataFrame indexed by ``year``
            ``corr_rebalancing`` (rebalancing flow vs excess return) and
            ``corr_net_flow`` (all net purchases vs excess return), Pearson
            correlations across scenarios; ``rebalancing_mean`` (dollars).
            A correlation is NaN where the flow does not vary (no
            rebalancing, or a single scenario); ``frame.attrs["mean"]``
            holds the average over years of each column.
        """
        excess = self.excess_return
        out = {
            "corr_rebalancing": _columnwise_corr(self.component("rebalancing"), excess),
            "corr_net_flow": _columnwise_corr(self.net_flows, excess),
            "rebalancing_mean": self.component("rebalancing").mean(axis=0),
        }
        frame = pd.DataFrame(out, index=pd.Index(self.years, name="year"))
        frame.attrs["mean"] = {
            k: float(np.nanmean(v)) if np.any(np.isfinite(v)) else float("nan")
            for k, v in out.items()
        }
        return frame

    def metadata(self) -> dict[str, Any]:
        """Specification and seed as JSON-friendly data."""
        return {
            "scenario": self.scenario.model_dump(mode="json"),
            "n_scenarios": self.n_scenarios,
            "seed": seed_record(self.seed),
        }
