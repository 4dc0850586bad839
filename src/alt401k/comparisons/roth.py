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
    _annual_growth,
    _check_rate,
    _check_taxable_rates,
    _deferral_tax_savings,
    _distribution,
    _period_returns,
    _saving_rate,
    _savings_source,
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
    tax_savings : ndarray, shape (S, Y)
        The traditional saver's tax saving each year, nominal dollars: the
        exact ``tax(pay) - tax(pay - pre-tax deferral)`` of the year's
        indexed schedule, or the pre-tax deferral x ``marginal_tax_rate``
        when one was given; 0 after retirement.
    side_account : TaxableAccountPaths or None
        Where the saving was invested (``invest_tax_savings``), else None.
    marginal_tax_rate : float or None
        The flat rate given for the saving, fraction; None when it was
        computed exactly each year.
    marginal_rate_source : str
        How the saving was found.
    invest_tax_savings : bool
        Whether the saving was invested (True) or spent (False).
    taxable_rates : dict of str to float
        The taxable account's rates (:func:`taxable_account`).
    growth : ndarray, shape (S, Y)
        The plan portfolio's growth factor over each year, net of fund
        expenses (what discounts :meth:`present_value` by default).
    discount_rate : float or None
        Real annual rate of :meth:`present_value`; None: each scenario's
        realised real return of the saver's portfolio.
    """

    traditional: ParticipantResults
    roth: ParticipantResults
    tax_savings: np.ndarray
    side_account: TaxableAccountPaths | None
    marginal_tax_rate: float | None
    marginal_rate_source: str
    invest_tax_savings: bool
    taxable_rates: dict[str, float] = field(default_factory=dict)
    growth: np.ndarray | None = None
    discount_rate: float | None = None

    @property
    def n_scenarios(self) -> int:
        return self.traditional.n_scenarios

    @property
    def deferral_tax_rate(self) -> np.ndarray:
        """Tax saved per dollar of pre-tax deferral over the working years, (S,) fraction."""
        return _saving_rate(self.tax_savings, self.traditional)

    def side_account_value(self, *, real: bool = True) -> np.ndarray:
        """After-tax value of the side account at the end age, (S,) dollars (0 if spent)."""
        if self.side_account is None:
            return np.zeros(self.n_scenarios)
        value = self.side_account.after_tax_value
        return value / self.traditional.price_level[:, -1] if real else value

    def present_value(self, *, real: bool = True) -> dict[str, np.ndarray]:
        r"""Like-for-like value of each saver's retirement, (S,) dollars at retirement.

        The present value at retirement of the after-tax income from the
        plan in every retirement year plus the after-tax wealth left at the
        end age (for the traditional saver, the side account's after-tax
        value included). It adds income and wealth on one footing, so a
        withdrawal made early (an RMD of pre-tax money) and the same money
        left to grow (in the Roth account) count the same.

        Parameters
        ----------
        real : bool
            Start-year dollars (default) or nominal dollars of the retirement
            date (the start of the first retirement year).

        Returns
        -------
        dict with keys ``"traditional"``, ``"roth"``: ndarray (S,)

        Notes
        -----
        Income :math:`I_t` is paid at the start of year :math:`t` (the
        engine's withdrawal date), terminal wealth :math:`W` at the end of
        the last year :math:`T`; retirement starts at year :math:`f`:

        .. math::

            PV = \sum_{t=f}^{T} \frac{I_t}{D_{f,t}} + \frac{W}{D_{f,T+1}}

        With ``discount_rate`` None (default), :math:`D_{f,t} =
        \prod_{u=f}^{t-1} g_u`, the growth of the saver's own portfolio net
        of fund expenses in that scenario: PV is then the sum at retirement
        that, invested in the same portfolio, pays the same income and leaves
        the same wealth, so the timing of withdrawals alone changes nothing
        (with a flat tax, no fees and an untaxed side account the two savers'
        PVs are equal in every scenario). With a real rate :math:`d`, real
        flows are discounted at :math:`(1 + d)^{t - f}`. Nominal PV is the
        real PV times the price level at retirement.
        """
        out = {}
        first = self.traditional.retirement_year_index
        side = self.side_account_value(real=False)
        for name, results, extra in (
            ("traditional", self.traditional, side),
            ("roth", self.roth, np.zeros_like(side)),
        ):
            paths = results.retirement_paths
            assert paths is not None  # simulated with a retirement phase
            income = paths.after_tax_income[:, first:]
            wealth = results.retirement_outcomes(real=False)["after_tax_terminal_wealth"] + extra
            price_ret = results.price_at_start[:, first]
            if self.discount_rate is None:
                assert self.growth is not None
                factor = np.cumprod(self.growth[:, first:], axis=1)  # D_{f, t+1}
                at_start = np.concatenate([np.ones((factor.shape[0], 1)), factor[:, :-1]], axis=1)
                nominal = (income / at_start).sum(axis=1) + wealth / factor[:, -1]
                value = nominal / price_ret
            else:
                n_left = income.shape[1]
                years = np.arange(n_left)
                discount = (1.0 + self.discount_rate) ** years
                prices = results.price_at_start[:, first:]
                value = (income / prices / discount).sum(axis=1) + wealth / results.price_level[
                    :, -1
                ] / (1.0 + self.discount_rate) ** n_left
            out[name] = value if real else value * price_ret
        return out

    def _series(self, real: bool) -> dict[tuple[str, str], np.ndarray]:
        """``(metric, account) -> (S,)`` outcomes (see :meth:`outcomes`)."""
        trad = self.traditional.retirement_outcomes(real=real)
        roth = self.roth.retirement_outcomes(real=real)
        side = self.side_account_value(real=real)
        pv = self.present_value(real=real)
        metrics = {
            "present_value": (pv["traditional"], pv["roth"]),
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
        DataFrame, shape (S, 15)
            Columns ``(metric, account)``: metrics ``present_value`` (the
            like-for-like figure: present value at retirement of after-tax
            income and after-tax terminal wealth, :meth:`present_value`),
            ``mean_income`` (after-tax income from the plan, averaged over the
            retirement years), ``after_tax_terminal_wealth`` (plan balance at
            the end age net of the tax on withdrawing its pre-tax part; for
            the traditional saver plus the side account's after-tax value),
            ``ran_out`` (1 if a withdrawal went unpaid) and ``side_account``
            (after-tax value at the end age, traditional saver only); accounts
            ``traditional``, ``roth`` and ``roth_minus_traditional``.
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
            dollars, how the tax saving was found, whether it was invested,
            the taxable-account rates, the discount of ``present_value``, how
            the match is treated.
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
            "deferral_tax_rate": float(self.deferral_tax_rate.mean()),
            "invest_tax_savings": self.invest_tax_savings,
            "tax_savings": (
                "invested in a taxable account on the same paths, with each paycheck (the plan's "
                "own timing); its after-tax value at the end age is added to the traditional "
                "saver's terminal wealth, not to income"
                if self.invest_tax_savings
                else "spent (not saved)"
            ),
            "taxable_account": dict(self.taxable_rates),
            "present_value": (
                "after-tax income plus after-tax terminal wealth, discounted to retirement at "
                + (
                    "each scenario's realised return of the saver's portfolio"
                    if self.discount_rate is None
                    else f"a real rate of {self.discount_rate:g} a year"
                )
            ),
            "discount_rate": self.discount_rate,
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
    periods_per_year: int = 12,
    invest_tax_savings: bool = True,
    marginal_tax_rate: float | None = None,
    discount_rate: float | None = None,
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
        The same retirement phase for both (keyword-only, required); its
        schedule (filing status, state rate) also taxes the working years'
        pay.
    markets : MarketModel, optional
        Default :func:`alt401k.default_markets`.
    n_scenarios : int
        Market paths S.
    rng : None, int, SeedSequence or Generator
        Normalized once; both runs use the same root seed (common random
        numbers).
    periods_per_year : int
        Simulation periods per year (1, 2, 4, 12 or 52), as in
        :func:`alt401k.simulate_participant`; the side account follows the
        same periods.
    invest_tax_savings : bool
        Invest the traditional saver's tax saving in a taxable account on the
        same paths (default) or spend it.
    marginal_tax_rate : float, optional
        A flat marginal rate on pay, [0, 1): the saving is this rate x the
        pre-tax deferral. Default: the exact saving each year (Notes).
    discount_rate : float, optional
        Real annual rate, [0, 1), for the like-for-like
        :meth:`~RothTraditionalComparison.present_value`. Default None: each
        scenario's realised real return of the saver's portfolio.
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
        A rate outside [0, 1), an unknown taxable-account rate, an unknown
        number of periods per year.

    Notes
    -----
    With pre-tax deferral :math:`E_t` (the traditional run's
    ``employee_pretax``) and pay :math:`w_t`, the Roth saver pays
    :math:`s_t = T_t(w_t) - T_t(w_t - E_t)` more tax in working year
    :math:`t`, where :math:`T_t` is the year's schedule (that of
    ``retirement``, indexed with the scenario's price level at the start of
    the year) at the age attained: the exact difference, which a single
    marginal rate misses when the deferral crosses a bracket or pay outgrows
    the brackets. The traditional saver keeps :math:`s_t`, so take-home pay
    is equal; invested, it goes into :func:`taxable_account` as the plan's
    deferrals go into the plan -- in equal parts at the end of every period
    -- and grows with the plan's own portfolio return net of fund expenses,
    period by period, untouched until the end age. At one flat rate
    :math:`m` now and later, no fees and an untaxed side account the two are
    worth the same: Roth :math:`B`; traditional :math:`(1-m)B` plus the side
    account :math:`mB`, where :math:`B` is the plan balance both build. The
    differences reported come from progressive tax, RMDs (pre-tax money
    only), the side account's yearly tax, and the plan's flat fee.
    """
    if marginal_tax_rate is not None:
        marginal_tax_rate = _check_rate("marginal_tax_rate", marginal_tax_rate)
    if discount_rate is not None:
        discount_rate = _check_rate("discount_rate", discount_rate)
    rates = _check_taxable_rates(taxable_rates)
    markets = default_markets() if markets is None else markets
    root = as_seed_sequence(rng)
    common: dict[str, Any] = dict(
        markets=markets,
        n_scenarios=n_scenarios,
        rng=root,
        retirement=retirement,
        periods_per_year=periods_per_year,
        keep_paths=True,  # paired scenario by scenario
    )
    trad = simulate_participant(participant.replace(roth_fraction=0.0), plan, portfolio, **common)
    roth = simulate_participant(participant.replace(roth_fraction=1.0), plan, portfolio, **common)
    savings = _deferral_tax_savings(trad, retirement, marginal_tax_rate)
    period_returns = _period_returns(trad, markets)
    side = (
        taxable_account(
            savings,
            period_returns,
            periods_per_year=periods_per_year,
            contribution_timing="period_ends",
            **rates,
        )
        if invest_tax_savings
        else None
    )
    return RothTraditionalComparison(
        traditional=trad,
        roth=roth,
        tax_savings=savings,
        side_account=side,
        marginal_tax_rate=marginal_tax_rate,
        marginal_rate_source=_savings_source(marginal_tax_rate, retirement, participant.start_year),
        invest_tax_savings=bool(invest_tax_savings),
        taxable_rates=rates,
        growth=_annual_growth(period_returns, periods_per_year),
        discount_rate=discount_rate,
    )
