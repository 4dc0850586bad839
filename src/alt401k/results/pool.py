"""What a pool run produced: :class:`PoolResults`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .. import _show
from .._random import seed_record
from ..engine import COMPONENTS as POOL_COMPONENTS
from . import _files
from . import pool_market as _pool_market
from . import pool_outcomes as _pool_outcomes
from . import pool_summary as _pool_summary
from . import pool_tables as _pool_tables
from ._stats import (
    _annual_return,
    real_deflators,
)
from .pool_series import QUANTILED_SERIES, summary_series
from .pool_series import deflate_flows as deflate_flows  # importable from here, as before

if TYPE_CHECKING:
    from ..scenario import Scenario

__all__ = ["QUANTILED_SERIES", "PoolResults", "real_deflators", "summary_series"]


@dataclass(frozen=True, eq=False, repr=False)
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
    holdings_by_channel : ndarray, shape (S, Y, 3)
        ``holdings`` held through the active election on the core menu, the
        default fund, and the brokerage window.
    pool_assets : ndarray, shape (S, Y)
        Total DC pool at each year end, dollars.
    pool_outflows : ndarray, shape (S, Y)
        All money paid out of the plans each year, dollars.
    outflow_by_cause : ndarray, shape (S, Y, R)
        The outflows at the age-based rates by cause (``outflow_causes``):
        leakage of working participants (rollovers to IRAs, cash-outs,
        hardship, loan defaults), retirees' withdrawals and deaths, dollars;
        the last, ``rollovers_in``, is a memo: job changers' plan-to-plan
        rollovers, which stay in the pool (a contribution source of the new
        plan as much as an outflow of the old), not part of ``pool_outflows``.
    outflow_causes : tuple of str, length R
    pool_contributions : ndarray, shape (Y, 3)
        Contributions into the whole pool per year (employee pre-tax,
        employee Roth, employer), dollars, under the assumed inflation; a
        scenario's are these times ``contribution_scale``.
    excess_return : ndarray, shape (S, Y)
        Annual return of the asset minus that of ``pool_portfolio``.
    asset_names : tuple of str, length A
        Assets of the run (the alternative asset and the core portfolios').
    annual_returns : ndarray, shape (S, Y, A)
        Each asset's return compounded over each calendar year, gross of
        expenses: the market paths of the run.
    price_level : ndarray, shape (S, Y)
        Consumer price index at each year end, 1 at the start.
    contribution_scale : ndarray, shape (S, Y)
        Factor on ``pool_contributions`` in each scenario (pay following the
        scenario's price path; 1 when it does not).
    groups : DataFrame
        One row per group of cells sharing rules (segment, default investor,
        birth cohort, working, retirement age, central age, people, opening
        balance, channel).
    final_non_holder, final_holder, final_holder_asset, final_counterfactual : ndarray, shape (S, G)
        Group balances at the horizon, dollars: non-holders; holders; the
        holders' asset; and what the holders would have had without it.
    final_holder_share : ndarray, shape (S, G)
        Share of each group's people holding the asset at the horizon.
    start_holdings_by_channel : ndarray, shape (S, 3), optional
        The asset held at the start, before year 0, through each channel
        (active, default, window): ``Scenario.start_state`` and the
        brokerage window's holders at the start, dollars. A holding, not a flow.
    window_flows : ndarray, shape (S, Y, C), optional
        The part of ``flow_paths`` that went through the brokerage window.
    price_impact : ndarray, shape (S, Y), optional
        With ``Scenario.impact_feedback``: the change of the asset's price at
        each year end caused by the pool's own flows, a fraction (already in
        ``annual_returns``, holdings and flows); zeros otherwise.
    blocked_sales : ndarray, shape (S, Y)
        Sales of the asset blocked by ``Scenario.redemption_gate`` each year
        (rebalancing or unwinding wanted them; the gate did not allow them),
        dollars; zeros without a gate.
    draws : dict of str to ndarray (S,)
        Per-scenario draws of uncertain inputs (curve parameters,
        allocation share, reversal year, and the market model's
        ``markets/<asset>/expected_return`` and ``markets/<asset>/ruin_year``).
    seed : numpy.random.SeedSequence
        Root seed.
    periods_per_year : int
    sampling : {"mc", "antithetic", "qmc"}
        How the market's normals were drawn; it sets the batches of
        ``summary(se=True)``.
    precision : dict or None
        With ``n_scenarios="auto"``: each target's ``target``, ``reached``
        (relative 95% half-width) and ``met``; None otherwise.
    """

    scenario: Scenario
    years: np.ndarray
    flow_paths: np.ndarray
    asset_return: np.ndarray
    holdings: np.ndarray
    holdings_by_channel: np.ndarray
    pool_assets: np.ndarray
    pool_outflows: np.ndarray
    outflow_by_cause: np.ndarray
    outflow_causes: tuple[str, ...]
    pool_contributions: np.ndarray
    excess_return: np.ndarray
    asset_names: tuple[str, ...]
    annual_returns: np.ndarray
    price_level: np.ndarray
    contribution_scale: np.ndarray
    groups: pd.DataFrame
    final_non_holder: np.ndarray
    final_holder: np.ndarray
    final_holder_asset: np.ndarray
    final_counterfactual: np.ndarray
    final_holder_share: np.ndarray
    draws: dict[str, np.ndarray]
    seed: np.random.SeedSequence
    periods_per_year: int = 12
    sampling: str = "mc"
    precision: dict[str, dict[str, Any]] | None = None
    blocked_sales: np.ndarray | None = None
    start_holdings_by_channel: np.ndarray | None = None
    window_flows: np.ndarray | None = None
    price_impact: np.ndarray | None = None

    COMPONENTS = POOL_COMPONENTS

    def save(self, path: str | Path) -> Path:
        """Write this result to a directory; see :func:`alt401k.io.save`."""
        return _files.save(self, path)

    def rerun(self) -> PoolResults:
        """Simulate again from the recorded specification and seed (bit-identical)."""
        return _files.rerun(self)

    def __repr__(self) -> str:
        shown = _show.text(self)  # alt401k.display.describe_pool, registered by the face
        return shown if shown is not None else f"<{type(self).__name__}>"

    def _repr_html_(self) -> str | None:
        return _show.html(self)

    def sensitivity(
        self,
        *,
        target: str = "cumulative_flow",
        year: int | None = None,
        method: str = "rank",
        **kwargs: Any,
    ) -> pd.DataFrame:
        """Rank the uncertain inputs by their effect on a target.

        See :func:`alt401k.sensitivity.sensitivity`.
        """
        from ..sensitivity import sensitivity

        return sensitivity(self, target=target, year=year, method=method, **kwargs)

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
        (e.g. 1% of $12.5T = $125B) in every scenario. Rounded to 16
        significant digits (a relative change of at most 5e-16): the sum over
        cells carries float error at the 17th (125e9 printed as
        124999999999.99997 otherwise).
        """
        return float(f"{float(self.flow_paths[:, 0, 0].mean()):.16g}")

    def annual_return(self, name: str) -> np.ndarray:
        """One asset's calendar-year returns, shape (S, Y), fraction (gross of expenses)."""
        return _annual_return(self.asset_names, self.annual_returns, name)

    def component(self, name: str) -> np.ndarray:
        """One flow component, shape (S, Y), dollars."""
        if name not in POOL_COMPONENTS:
            raise ValueError(f"component must be one of {', '.join(POOL_COMPONENTS)}; got {name!r}")
        return self.flow_paths[..., POOL_COMPONENTS.index(name)]

    # Tidy tables of flows and holdings (results/pool_tables.py).
    flows = _pool_tables.flows
    start_holdings = _pool_tables.start_holdings
    pool_flows = _pool_tables.pool_flows

    # Summaries with standard errors, holdings and risk (results/pool_summary.py).
    summary = _pool_summary.summary
    _add_standard_errors = _pool_summary._add_standard_errors
    holdings_table = _pool_summary.holdings_table
    risk = _pool_summary.risk

    # Balances per person, after tax (results/pool_outcomes.py).
    outcomes = _pool_outcomes.outcomes
    _after_tax_value = _pool_outcomes._after_tax_value

    # Flows in market context (results/pool_market.py).
    market_context = _pool_market.market_context
    patient_capital = _pool_market.patient_capital
    countercyclicality = _pool_market.countercyclicality

    def metadata(self) -> dict[str, Any]:
        """The specification and seed as JSON-friendly data.

        Complete: ``Scenario.model_validate(m["scenario"]).run(m["n_scenarios"],
        rng=SeedSequence(**seed), periods_per_year=...)`` gives bit-identical
        numbers; :func:`alt401k.io.rerun` does exactly that.
        """
        return {
            "scenario": self.scenario.model_dump(mode="json"),
            "n_scenarios": self.n_scenarios,
            "periods_per_year": self.periods_per_year,
            "seed": seed_record(self.seed),
        }
