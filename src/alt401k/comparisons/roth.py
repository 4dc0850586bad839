"""Roth vs traditional deferrals at the same take-home pay: :func:`roth_vs_traditional`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .._random import RngLike, as_seed_sequence
from ..markets import MarketModel, default_markets
from ..plan import PlanDesign
from ..population import Participant
from ..portfolio import Portfolio
from ..results import ParticipantResults
from ..results._stats import DEFAULT_QUANTILES
from ..retirement import Retirement
from ..scenario import simulate_participant
from ._common import (
    _check_rate,
    _check_taxable_rates,
    _distribution,
    _portfolio_returns,
    _working_marginal_rate,
)
from .taxable import TaxableAccountPaths, taxable_account

__all__ = ["RothTraditionalComparison", "roth_vs_traditional"]


@dataclass(frozen=True, eq=False)
class RothTraditionalComparison:
    """Outcome of :func:`roth_vs_traditional`.

    Attributes
    ----------
    traditional, roth : ParticipantResults
        The saver with ``roth_fraction`` 0 and 1, same paths and retirement.
    tax_savings : ndarray, shape (Y,)
        The traditional saver's tax saving each year, nominal dollars
        (pre-tax deferral x ``marginal_tax_rate``; 0 after retirement).
    side_account : TaxableAccountPaths or None
        Where the saving was invested (``invest_tax_savings``), else None.
    marginal_tax_rate : float
        Rate used for the saving, fraction.
    marginal_rate_source : str
        How the rate was found.
    invest_tax_savings : bool
        Whether the saving was invested (True) or spent (False).
    taxable_rates : dict of str to float
        The taxable account's rates (:func:`taxable_account`).
    """

    traditional: ParticipantResults
    roth: ParticipantResults
    tax_savings: np.ndarray
    side_account: TaxableAccountPaths | None
    marginal_tax_rate: float
    marginal_rate_source: str
    invest_tax_savings: bool
    taxable_rates: dict[str, float] = field(default_factory=dict)

    @property
    def n_scenarios(self) -> int:
        return self.traditional.n_scenarios

    def side_account_value(self, *, real: bool = True) -> np.ndarray:
        """After-tax value of the side account at the end age, (S,) dollars (0 if spent)."""
        if self.side_account is None:
            return np.zeros(self.n_scenarios)
        value = self.side_account.after_tax_value
        return value / self.traditional.price_level[:, -1] if real else value

    def _series(self, real: bool) -> dict[tuple[str, str], np.ndarray]:
        """``(metric, account) -> (S,)`` outcomes (see :meth:`outcomes`)."""
        trad = self.traditional.retirement_outcomes(real=real)
        roth = self.roth.retirement_outcomes(real=real)
        side = self.side_account_value(real=real)
        metrics = {
            "mean_income": (trad["mean_income"], roth["mean_income"]),
            "after_tax_terminal_wealth": (
                trad["after_tax_terminal_wealth"] + side,
                roth["after_tax_terminal_wealth"],
            ),
            "ran_out": (trad["ran_out"], roth["ran_out"]),
            "side_account": (side, np.zeros_like(side)),
        }
        columns: dict[tuple[str, str], np.ndarray] = {}
        for name, (t, r) in metrics.items():
            columns[(name, "traditional")] = t
            columns[(name, "roth")] = r
            columns[(name, "roth_minus_traditional")] = r - t
        return columns

    def outcomes(self, *, real: bool = True) -> pd.DataFrame:
        """Per-scenario outcomes, one row per scenario.

        Parameters
        ----------
        real : bool
            Start-year dollars (default) or nominal.

        Returns
        -------
        DataFrame, shape (S, 12)
            Columns ``(metric, account)``: metrics ``mean_income`` (after-tax
            income from the plan, averaged over the retirement years),
            ``after_tax_terminal_wealth`` (plan balance at the end age net of
            the tax on withdrawing its pre-tax part; for the traditional saver
            plus the side account's after-tax value), ``ran_out`` (1 if a
            withdrawal went unpaid) and ``side_account`` (after-tax value at
            the end age, traditional saver only); accounts ``traditional``,
            ``roth`` and ``roth_minus_traditional``.
        """
        columns = self._series(real)
        frame = pd.DataFrame(columns)
        frame.columns = pd.MultiIndex.from_tuples(list(columns), names=["metric", "account"])
        frame.index.name = "scenario"
        return frame

    def summary(
        self, quantiles: Sequence[float] = DEFAULT_QUANTILES, *, real: bool = True
    ) -> pd.DataFrame:
        """Distribution of :meth:`outcomes` across scenarios.

        Returns
        -------
        DataFrame
            Rows ``(metric, account)``, columns ``mean`` and the quantiles
            (``p05`` ...). For ``ran_out`` the mean is the probability of
            running out before the end age. ``attrs`` states the assumptions:
            dollars, marginal rate and its source, whether the saving was
            invested, the taxable-account rates, how the match is treated.
        """
        frame = _distribution(self._series(real), quantiles)
        frame.attrs.update(self.assumptions(real=real))
        return frame

    def assumptions(self, *, real: bool = True) -> dict[str, Any]:
        """The comparison's assumptions as plain data (also ``summary().attrs``)."""
        return {
            "dollars": "start-year (real)" if real else "nominal",
            "marginal_tax_rate": self.marginal_tax_rate,
            "marginal_rate_source": self.marginal_rate_source,
            "invest_tax_savings": self.invest_tax_savings,
            "tax_savings": (
                "invested in a taxable account on the same paths; its after-tax value at the "
                "end age is added to the traditional saver's terminal wealth, not to income"
                if self.invest_tax_savings
                else "spent (not saved)"
            ),
            "taxable_account": dict(self.taxable_rates),
            "deferral": "same deferral rate; a Roth deferral costs more take-home pay",
            "employer_match": "pre-tax in both runs",
            "paths": "common random numbers: same seed and market model for every run",
        }


def roth_vs_traditional(
    participant: Participant,
    plan: PlanDesign | None = None,
    portfolio: Portfolio | None = None,
    *,
    retirement: Retirement,
    markets: MarketModel | None = None,
    n_scenarios: int = 1_000,
    rng: RngLike = None,
    invest_tax_savings: bool = True,
    marginal_tax_rate: float | None = None,
    **taxable_rates: float,
) -> RothTraditionalComparison:
    r"""The same saver deferring as traditional (pre-tax) or Roth, with equal take-home pay.

    Parameters
    ----------
    participant : Participant
        The saver; ``roth_fraction`` is replaced by 0 (traditional) and 1
        (Roth), all else (deferral rate included) kept.
    plan, portfolio : optional
        As in :func:`alt401k.simulate_participant`.
    retirement : Retirement
        The same retirement phase for both (keyword-only, required).
    markets : MarketModel, optional
        Default :func:`alt401k.default_markets`.
    n_scenarios : int
        Market paths S.
    rng : None, int, SeedSequence or Generator
        Normalized once; both runs use the same root seed (common random
        numbers).
    invest_tax_savings : bool
        Invest the traditional saver's tax saving in a taxable account on the
        same paths (default) or spend it.
    marginal_tax_rate : float, optional
        The saver's marginal rate on pay, [0, 1). Default: the federal
        schedule of ``min(max(start_year, 2025), 2026)`` and
        ``retirement.filing_status``, :meth:`TaxSchedule.marginal_rate` at
        the start-year salary.
    **taxable_rates : float
        ``dividend_yield``, ``dividend_tax_rate``, ``turnover``,
        ``capital_gains_rate`` of the side account (:func:`taxable_account`).

    Returns
    -------
    RothTraditionalComparison
        Both results, the side account, ``summary()``.

    Raises
    ------
    ValueError
        A rate outside [0, 1), an unknown taxable-account rate.

    Notes
    -----
    With pre-tax deferral :math:`E_t` (the traditional run's
    ``employee_pretax``) and marginal rate :math:`m`, the Roth saver pays
    :math:`m E_t` more tax each working year; the traditional saver keeps it:
    :math:`s_t = m E_t`, contributed to :func:`taxable_account` at the start
    of year :math:`t` and grown with the portfolio's annual return net of fund
    expenses on the same paths, untouched until the end age. Take-home pay is
    then equal. At one rate :math:`m` now and later and an untaxed side
    account the two are worth the same after :math:`n` years of growth
    :math:`(1+r)^n`: Roth :math:`E(1+r)^n`; traditional
    :math:`E(1+r)^n(1-m)` plus the side account :math:`mE(1+r)^n`. The
    differences reported come from progressive tax in retirement, RMDs
    (pre-tax money only), and the side account's yearly tax.
    """
    if marginal_tax_rate is None:
        rate = _working_marginal_rate(participant, retirement.filing_status)
        source = (
            f"federal {min(max(participant.start_year, 2025), 2026)} "
            f"{retirement.filing_status} schedule, marginal rate at the start-year salary "
            f"${participant.salary:,.0f}"
        )
    else:
        rate = _check_rate("marginal_tax_rate", marginal_tax_rate)
        source = "given"
    rates = _check_taxable_rates(taxable_rates)
    markets = default_markets() if markets is None else markets
    root = as_seed_sequence(rng)
    common: dict[str, Any] = dict(
        markets=markets,
        n_scenarios=n_scenarios,
        rng=root,
        retirement=retirement,
        keep_paths=True,  # paired scenario by scenario
    )
    trad = simulate_participant(participant.replace(roth_fraction=0.0), plan, portfolio, **common)
    roth = simulate_participant(participant.replace(roth_fraction=1.0), plan, portfolio, **common)
    savings = rate * trad.contributions.employee_pretax[:, 0]
    side = (
        taxable_account(savings, _portfolio_returns(trad, markets), **rates)
        if invest_tax_savings
        else None
    )
    return RothTraditionalComparison(
        traditional=trad,
        roth=roth,
        tax_savings=savings,
        side_account=side,
        marginal_tax_rate=rate,
        marginal_rate_source=source,
        invest_tax_savings=bool(invest_tax_savings),
        taxable_rates=rates,
    )
