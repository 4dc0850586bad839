"""Tax deferral vs a taxable account: :func:`tax_deferred_vs_taxable`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from .._random import RngLike, as_seed_sequence
from ..markets import MarketModel, default_markets
from ..plan import MatchFormula, PlanDesign
from ..population import Participant
from ..portfolio import Portfolio
from ..results import ParticipantResults
from ..results._stats import DEFAULT_QUANTILES
from ..retirement import Retirement
from ..scenario import simulate_participant
from ._common import (
    _check_rate,
    _check_taxable_rates,
    _deferral_tax_savings,
    _distribution,
    _period_returns,
    _saving_rate,
    _savings_source,
)
from .taxable import taxable_account

__all__ = ["tax_deferred_vs_taxable"]


def _after_tax_at_retirement(results: ParticipantResults, fallback_rate: np.ndarray) -> np.ndarray:
    """Plan balance at retirement net of the tax its withdrawals pay, (S,) nominal dollars.

    Each part net of the average rate of tax and penalty its own simulated
    withdrawals paid: pre-tax money :func:`_withdrawal_tax_rate`; Roth money
    the tax and penalty on the earnings of non-qualified withdrawals (0 when
    every Roth withdrawal was qualified).
    """
    first = results.retirement_year_index
    paths = results.retirement_paths
    assert paths is not None  # simulated with a retirement phase
    roth = results.roth_balance_end[:, first - 1]
    pretax = results.balance_end[:, first - 1] - roth
    rate = _withdrawal_tax_rate(results, fallback_rate)
    # Roth money owes tax and penalty only on the earnings of non-qualified withdrawals.
    assert paths.roth_tax is not None and paths.roth_penalty is not None  # filled in
    roth_paid = (paths.roth_tax + paths.roth_penalty).sum(axis=1)
    roth_drawn = paths.roth.sum(axis=1)
    roth_rate = np.divide(roth_paid, roth_drawn, out=np.zeros_like(roth_paid), where=roth_drawn > 0)
    return pretax * (1.0 - rate) + roth * (1.0 - roth_rate)


def _withdrawal_tax_rate(results: ParticipantResults, fallback_rate: np.ndarray) -> np.ndarray:
    """Income tax and penalty over pre-tax withdrawals, whole retirement, (S,) fraction.

    ``fallback_rate`` (S,) where nothing pre-tax was withdrawn. Tax and
    penalty on the earnings of non-qualified Roth withdrawals are left out:
    they are not a tax on the pre-tax money.
    """
    paths = results.retirement_paths
    assert paths is not None  # simulated with a retirement phase
    assert paths.roth_tax is not None and paths.roth_penalty is not None  # filled in
    paid = (paths.tax + paths.penalty - paths.roth_tax - paths.roth_penalty).sum(axis=1)
    drawn = paths.pretax.sum(axis=1)
    return np.divide(paid, drawn, out=np.array(fallback_rate, dtype=float), where=drawn > 0)


def tax_deferred_vs_taxable(
    participant: Participant,
    plan: PlanDesign | None = None,
    portfolio: Portfolio | None = None,
    *,
    retirement: Retirement,
    markets: MarketModel | None = None,
    n_scenarios: int = 1_000,
    rng: RngLike = None,
    periods_per_year: int = 12,
    marginal_tax_rate: float | None = None,
    quantiles: Sequence[float] = DEFAULT_QUANTILES,
    **taxable_rates: float,
) -> pd.DataFrame:
    r"""The value of tax deferral and of the match: the plan vs a taxable account.

    Three savers on the same paths (same seed and markets), compared at
    retirement (the end of the last working year):

    - ``401k``: the participant in ``plan`` (employee deferrals and match);
    - ``401k_own``: the same plan with no match and no nonelective
      contribution -- the saver's own money only;
    - ``taxable``: the saver's own deferrals in a taxable account instead,
      after tax: a pre-tax deferral :math:`E` becomes :math:`E - s` where
      :math:`s` is the tax it would have saved (exactly, Notes), a Roth
      deferral goes in whole. No match: an employer does not match saving
      outside the plan. Paid in as the plan's deferrals are (equal parts at
      the end of every period), grown with the plan's own portfolio return
      net of fund expenses period by period on the same paths, dividends and
      realised gains taxed yearly (:func:`taxable_account`).

    Parameters
    ----------
    participant, plan, portfolio, retirement, markets, n_scenarios, rng, periods_per_year
        As in :func:`roth_vs_traditional` (the participant's ``roth_fraction``
        is kept). ``retirement`` sets the tax the plan's withdrawals pay and
        the schedule that taxes pay.
    marginal_tax_rate : float, optional
        A flat marginal rate on pay, [0, 1); default: the exact saving each
        year, as in :func:`roth_vs_traditional`.
    quantiles : sequence of float
        Quantile columns.
    **taxable_rates : float
        The taxable account's rates (:func:`taxable_account`).

    Returns
    -------
    DataFrame
        Rows ``(metric, account)``, start-year dollars: ``balance_at_retirement``
        (the plan's balance, pre-tax money included, or the taxable account's
        market value); ``after_tax_at_retirement`` (the plan's pre-tax part net
        of :math:`\bar\tau`, plus its Roth part net of the average tax and
        penalty its withdrawals paid on non-qualified earnings; the taxable
        account net of the tax on its unrealised gains); ``withdrawal_tax_rate``
        (:math:`\bar\tau`, plans only). Accounts ``401k``, ``401k_own``,
        ``taxable``, ``401k_own_minus_taxable`` (the value of tax deferral)
        and ``401k_minus_401k_own`` (the value of the match). Columns ``mean``
        and the quantiles. ``attrs`` states the assumptions.

    Raises
    ------
    ValueError
        A rate outside [0, 1), an unknown taxable-account rate.

    Notes
    -----
    The tax a pre-tax deferral saves is :math:`s_t = T_t(w_t) - T_t(w_t -
    E_t)`, the year's tax on pay :math:`w_t` with and without the deferral
    under the year's schedule (``retirement``'s, indexed with the scenario's
    prices), or :math:`m E_t` with ``marginal_tax_rate`` :math:`m`. The
    plan's pre-tax money is worth what is left after the tax its withdrawals
    pay: :math:`\bar\tau = \sum_t (\text{tax}_t + \text{penalty}_t) /
    \sum_t W^{pre}_t`, the average rate of income tax and penalty over the
    pre-tax withdrawals of the simulated retirement phase (``retirement``,
    same scenario; where nothing pre-tax was withdrawn, the rate the
    deferrals saved, :math:`\sum s_t / \sum E_t`). Using one average rate
    for the balance at retirement is an approximation: later withdrawals
    include growth taxed at the same rate. At one flat rate now and later,
    no fees and an untaxed account, ``401k_own_minus_taxable`` is 0.
    """
    plan = PlanDesign() if plan is None else plan
    if marginal_tax_rate is not None:
        marginal_tax_rate = _check_rate("marginal_tax_rate", marginal_tax_rate)
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
    with_match = simulate_participant(participant, plan, portfolio, **common)
    own_plan = plan.replace(
        match=MatchFormula(tiers=()), nonelective_rate=0.0, profit_sharing_rate=0.0
    )
    own = simulate_participant(participant, own_plan, portfolio, **common)
    c = own.contributions
    savings = _deferral_tax_savings(own, retirement, marginal_tax_rate)
    fallback = _saving_rate(savings, own)
    deposits = np.broadcast_to((c.employee_pretax + c.employee_roth).T, savings.shape) - savings
    first = own.retirement_year_index
    side = taxable_account(
        deposits[:, :first],
        _period_returns(own, markets)[:, : first * periods_per_year],
        periods_per_year=periods_per_year,
        contribution_timing="period_ends",
        **rates,
    )

    deflate = own.price_level[:, first - 1]
    values = {
        "balance_at_retirement": {
            "401k": with_match.balance_at_retirement / deflate,
            "401k_own": own.balance_at_retirement / deflate,
            "taxable": side.balance[:, -1] / deflate,
        },
        "after_tax_at_retirement": {
            "401k": _after_tax_at_retirement(with_match, fallback) / deflate,
            "401k_own": _after_tax_at_retirement(own, fallback) / deflate,
            "taxable": side.after_tax_value / deflate,
        },
    }
    series: dict[tuple[str, str], np.ndarray] = {}
    for metric, by in values.items():
        series.update({(metric, name): v for name, v in by.items()})
        series[(metric, "401k_own_minus_taxable")] = by["401k_own"] - by["taxable"]
        series[(metric, "401k_minus_401k_own")] = by["401k"] - by["401k_own"]
    series[("withdrawal_tax_rate", "401k")] = _withdrawal_tax_rate(with_match, fallback)
    series[("withdrawal_tax_rate", "401k_own")] = _withdrawal_tax_rate(own, fallback)
    frame = _distribution(series, quantiles)
    frame.attrs.update(
        {
            "dollars": "start-year (real), at the end of the last working year",
            "marginal_tax_rate": marginal_tax_rate,
            "marginal_rate_source": _savings_source(
                marginal_tax_rate, retirement, participant.start_year
            ),
            "deferral_tax_rate": float(fallback.mean()),
            "taxable_account": rates,
            "taxable_deposits": "employee pre-tax deferrals less the tax they save, plus Roth "
            "deferrals, paid in with each paycheck (the plan's own timing)",
            "employer_match": "none outside the plan; '401k_own' is the plan without match",
            "plan_after_tax": "pre-tax balance x (1 - average tax rate of its simulated "
            "withdrawals) + Roth balance x (1 - average tax and penalty rate its withdrawals "
            "paid on non-qualified earnings)",
            "paths": "common random numbers: same seed and market model for every run",
        }
    )
    return frame
