"""A saver's ledger: one row per year of contributions, returns, fees, outflows and balances.

:meth:`ParticipantResults.ledger <alt401k.results.ParticipantResults.ledger>`,
for one scenario or a statistic over scenarios.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ._stats import (
    _check_scenario_index,
    check_stat,
    real_deflators,
    stat_label,
    units,
)

if TYPE_CHECKING:
    from .participant import ParticipantResults

__all__ = ["ledger"]


def ledger(
    result: ParticipantResults,
    scenario: int | None = None,
    *,
    stat: str | float = "mean",
    real: bool = False,
) -> pd.DataFrame:
    """Year-by-year account ledger.

    Parameters
    ----------
    scenario : int, optional
        One scenario's ledger; by default a statistic across scenarios.
    stat : {"mean", "median"} or float in [0, 1]
        Without ``scenario``: the statistic taken across scenarios, year by
        year and column by column, of every column that varies by scenario
        (``"mean"``, the default; ``"median"``; or a quantile such as 0.05).
        Columns derived from others (``employee_pretax_end``,
        ``employer_vested_end``, ``employer_unvested_end``, ``leakage``) are
        then the statistic of the per-scenario figure. The balance identity
        below holds for the mean and for one scenario, not for a quantile
        (a quantile of a sum is not the sum of the quantiles). Ignored
        (but still checked) when ``scenario`` is given.
    real : bool
        Start-year dollars: every dollar column of each scenario divided
        by that scenario's price level at the time of the money
        (:func:`alt401k.results._stats.real_deflators`): balances
        (``*_end``) at the year end; money spread over the year (pay,
        contributions, investment return, fees, leakage and its tax,
        forfeitures, Social Security) at mid-year; withdrawals, paid at
        the start of each year, with their tax, penalty and after-tax
        income, at the start of the year. Shares and ages are not
        deflated; ``frame.attrs["units"]`` says which.

    Returns
    -------
    DataFrame
        One row per year: ``year, age, salary, employee_pretax,
        employee_roth, employer, investment_return, fees, balance_end``
        (dollars). ``balance_end[t] = balance_end[t-1] + employee_pretax +
        employee_roth + employer + investment_return - fees - leakage -
        forfeitures`` (- withdrawals in retirement); then the
        employer money by kind (``employer_match``, ``employer_nonelective``,
        ``employer_profit_sharing``, summing to ``employer``), its Roth part
        ``employer_roth`` and the ``vested_share`` of employer money at the
        year end; the year-end balance by source, ``employee_pretax_end``,
        ``roth_end`` (employee and employer Roth), ``employer_vested_end``
        and ``employer_unvested_end`` (employer Roth money, vested only,
        counts in ``roth_end`` and in ``employer_vested_end``, so
        ``employee_pretax_end`` is then understated by it);
        with ``leakage``: ``leakage_rollover``, ``leakage_cash_out``,
        ``leakage_hardship``, ``leakage_loan_default``, their sum
        ``leakage``, ``forfeitures``, and the federal income tax and 10%
        additional tax the taxable leakage costs: ``cash_out_tax``,
        ``cash_out_penalty``, ``hardship_tax``, ``hardship_penalty``,
        ``loan_default_tax``, ``loan_default_penalty`` and their sums
        ``leakage_tax`` and ``leakage_penalty`` (the pre-tax part of the
        three taxed together on top of the year's wages, pay less pre-tax
        deferrals, at the rates they reach; penalised before 59½, with the
        rule of 55 for cash-outs and loan offsets at separation, not for
        hardship withdrawals: :meth:`alt401k.Leakage.leakage_tax`; single
        filer, 2026 schedule indexed at 2.5% a year); with the
        retirement phase also ``withdrawals_pretax, withdrawals_roth``
        (subtracted in that identity), ``income_tax`` (the tax the
        withdrawals add), ``penalty``, ``social_security`` and
        ``after_tax_income`` (withdrawals - income_tax - penalty), then
        ``roth_taxable`` (the earnings part of non-qualified Roth
        withdrawals, taxed and, before 59½, penalised; included in
        ``income_tax`` and ``penalty``) and ``roth_basis_end`` (Roth
        contributions not yet withdrawn, at the year end).
        Dollars, nominal (``frame.attrs["units"] == "USD nominal"``);
        ``frame.attrs["stat"]`` says which row statistic was taken
        (``"mean"``, ``"p50"``, ``"scenario 3"`` ...).
    """
    q = check_stat(stat)
    index = None if scenario is None else _check_scenario_index(scenario, result.n_scenarios)
    by_quantile = index is None and q is not None

    deflators = (
        dict(zip(("start", "mid", "end"), real_deflators(result.price_level), strict=True))
        if real
        else None
    )

    def pick(a: np.ndarray, *, dollars: bool = True, when: str = "mid") -> np.ndarray:
        if deflators is not None and dollars:
            a = a / deflators[when]
        if index is not None:
            return a[index]
        return a.mean(axis=0) if q is None else np.quantile(a, q, axis=0)

    c = result.contributions

    def col(a: np.ndarray, *, dollars: bool = True) -> np.ndarray:
        """A contribution array (Y, 1), or (Y, S) with pay paths, for the ledger's scenario."""
        if a.shape[1] == 1 and (deflators is None or not dollars):
            return a[:, 0]
        per_scenario = np.broadcast_to(a.T, (result.n_scenarios, a.shape[0]))
        return pick(per_scenario, dollars=dollars)

    frame = pd.DataFrame(
        {
            "year": c.years,
            "age": c.age[:, 0].astype(int),
            "salary": col(c.salary),
            "employee_pretax": col(c.employee_pretax),
            "employee_roth": col(c.employee_roth),
            "employer": col(c.employer),
            "investment_return": pick(result.investment_return),
            "fees": pick(result.fees),
            "balance_end": pick(result.balance_end, when="end"),
        }
    )
    frame["employer_match"] = col(c.match)
    frame["employer_nonelective"] = col(c.nonelective)
    frame["employer_profit_sharing"] = col(c.profit_sharing)
    frame["employer_roth"] = col(c.employer_roth)
    frame["vested_share"] = col(c.vested_share, dollars=False)
    if result.employer_balance_end is not None and by_quantile:
        employer_paths = result.employer_balance_end
        vested_paths = employer_paths * np.broadcast_to(c.vested_share.T, employer_paths.shape)
        # (pick deflates each path when real)
        frame["employee_pretax_end"] = pick(
            result.balance_end - result.roth_balance_end - employer_paths, when="end"
        )
        frame["roth_end"] = pick(result.roth_balance_end, when="end")
        frame["employer_vested_end"] = pick(vested_paths, when="end")
        frame["employer_unvested_end"] = pick(employer_paths - vested_paths, when="end")
    elif result.employer_balance_end is not None:
        employer = pick(result.employer_balance_end, when="end")
        roth = pick(result.roth_balance_end, when="end")
        frame["employee_pretax_end"] = frame["balance_end"] - roth - employer
        frame["roth_end"] = roth
        frame["employer_vested_end"] = employer * col(c.vested_share, dollars=False)
        frame["employer_unvested_end"] = employer - frame["employer_vested_end"]
    if result.forfeitures is not None:
        frame["forfeitures"] = pick(result.forfeitures)
    if result.leakage_paths is not None:
        from ..leakage import LEAKAGE_PARTS

        for part, name in enumerate(LEAKAGE_PARTS):
            frame[f"leakage_{name}"] = pick(result.leakage_paths[:, :, part])
        frame["leakage"] = pick(result.leakage_paths.sum(axis=-1))
        taxes = result._leakage_tax()
        for name, (tax, penalty) in taxes.items():
            frame[f"{name}_tax"] = pick(tax)
            frame[f"{name}_penalty"] = pick(penalty)
        frame["leakage_tax"] = pick(np.sum([tax for tax, _ in taxes.values()], axis=0))
        frame["leakage_penalty"] = pick(np.sum([pen for _, pen in taxes.values()], axis=0))
    r = result.retirement_paths
    if r is not None:
        frame["withdrawals_pretax"] = pick(r.pretax, when="start")
        frame["withdrawals_roth"] = pick(r.roth, when="start")
        frame["income_tax"] = pick(r.tax, when="start")
        frame["penalty"] = pick(r.penalty, when="start")
        frame["social_security"] = pick(r.social_security)
        frame["after_tax_income"] = pick(r.after_tax_income, when="start")
        assert r.roth_taxable is not None and r.roth_basis is not None  # filled in
        frame["roth_taxable"] = pick(r.roth_taxable, when="start")
        frame["roth_basis_end"] = pick(r.roth_basis, when="end")
    frame.attrs["units"] = units(real)
    frame.attrs["stat"] = f"scenario {index}" if index is not None else stat_label(q)
    return frame
