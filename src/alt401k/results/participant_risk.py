"""A saver's outcome distribution: ``summary``, ``summary_metrics`` and ``risk``.

Quantiles and means of terminal balances (nominal or real) with their
batch-means standard errors, and the risk table (shortfall probabilities,
tail means, drawdowns, money lost to leakage and its tax).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .._validation import check_int
from ._stats import (
    DEFAULT_QUANTILES,
    SE_METHOD,
    _check_finite,
    _distribution_row,
    _lower_tail_mean,
    _max_drawdown,
    batch_slices,
    batch_standard_error,
    check_quantiles,
    quantile_label,
    units,
)

if TYPE_CHECKING:
    from .participant import ParticipantResults

__all__ = ["risk", "summary", "summary_metrics"]


def summary(
    result: ParticipantResults,
    quantiles: Sequence[float] = DEFAULT_QUANTILES,
    *,
    real: bool = False,
    se: bool = False,
) -> pd.DataFrame:
    """Distribution of outcomes at the end of the run.

    Parameters
    ----------
    quantiles : sequence of float
        Each in [0, 1], none repeated; labelled ``p05``, ``p50``, ``p99.9`` ...
    real : bool
        Start-year dollars: every dollar figure deflated by its own
        scenario's price path (:attr:`price_level`; balances by the price
        level at the end of the run, each year's investment return and fees
        by the price level at the end of that year). Default nominal.
    se : bool
        Add the Monte Carlo standard error of each mean, quantile, CVaR
        and probability as ``<column>_se`` (``mean_se``, ``p05_se``,
        ``cvar05_se``, ``prob_below_paid_in_se``), by batch means over
        independent batches of scenarios (:data:`alt401k.results._stats.SE_METHOD`,
        also in ``frame.attrs["se_method"]``); a 95% interval is the
        figure +- t(0.975, B - 1) standard errors for B batches (2.09 for
        the 20 batches of mc and antithetic runs). Default False.

    Returns
    -------
    DataFrame indexed by ``metric``
        Rows ``terminal_balance``, ``terminal_real_balance`` (start-year
        dollars whatever ``real``), ``terminal_roth_balance``,
        ``total_investment_return``, ``total_fees``; columns are the
        statistic across scenarios: ``mean``, ``std``, the quantiles
        (``p05`` ...), ``cvar05`` (mean of the worst 5% of scenarios) and
        ``prob_below_paid_in`` (share of scenarios ending below the opening
        balance plus all contributions, both nominal, so the same with
        ``real``; balance rows only, else NaN).

    Notes
    -----
    Column convention: a figure is named ``<quantity>_<stat>``, the stat
    being ``mean``, ``std`` or a quantile ``pNN`` (percentile, at least two
    digits: ``p05``, ``p07``, ``p50``, ``p99.9``); here the quantity is the
    row and the stat the column (``summary().loc["terminal_balance",
    "p50"]`` is ``terminal_balance_p50``). Dollars;
    ``frame.attrs["units"]`` is ``"USD nominal"`` or ``"USD real"``.
    """
    qs = check_quantiles(quantiles)
    rows = {}
    for name, values in result.summary_metrics(real=real).items():
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
    frame.loc["terminal_balance", "prob_below_paid_in"] = result.prob_below(result.paid_in)
    frame.index.name = "metric"
    frame.attrs["units"] = units(real)
    if se:
        batches = batch_slices(result.n_scenarios, result.sampling)
        labels = ["mean", *(quantile_label(q) for q in qs), "cvar05"]

        def stats(v: np.ndarray) -> np.ndarray:
            return np.array([v.mean(), *np.quantile(v, qs), _lower_tail_mean(v)])

        errors = {
            name: batch_standard_error(values, stats, batches)
            for name, values in result.summary_metrics(real=real).items()
        }
        for i, label in enumerate(labels):
            frame[f"{label}_se"] = [errors[name][i] for name in frame.index]
        below = (result.terminal_balance < result.paid_in).astype(float)
        frame["prob_below_paid_in_se"] = np.nan
        frame.loc["terminal_balance", "prob_below_paid_in_se"] = float(
            batch_standard_error(below, np.mean, batches)
        )
        frame.attrs["se_method"] = SE_METHOD
    return frame


def summary_metrics(result: ParticipantResults, *, real: bool = False) -> dict[str, np.ndarray]:
    """The per-scenario values behind :meth:`summary`'s rows, (S,) each, dollars.

    ``terminal_balance``, ``terminal_real_balance`` (start-year dollars
    whatever ``real``), ``terminal_roth_balance``, ``total_investment_return``
    and ``total_fees``, deflated as :meth:`summary` says when ``real``.
    """
    end = result.price_level[:, -1] if real else 1.0
    yearly = result.price_level if real else 1.0
    return {
        "terminal_balance": result.terminal_balance / end,
        "terminal_real_balance": result.terminal_real_balance,
        "terminal_roth_balance": result.terminal_roth_balance / end,
        "total_investment_return": (result.investment_return / yearly).sum(axis=1),
        "total_fees": (result.fees / yearly).sum(axis=1),
    }


def _money_out(result: ParticipantResults) -> np.ndarray:
    """Money leaving the account each year (leakage, forfeitures, withdrawals), (S, Y)."""
    out = np.zeros_like(result.balance_end)
    if result.leakage_paths is not None:
        out = out + result.leakage_paths.sum(axis=-1)
    if result.forfeitures is not None:
        out = out + result.forfeitures
    if result.retirement_paths is not None:
        out = out + result.retirement_paths.pretax + result.retirement_paths.roth
    return out


def risk(
    result: ParticipantResults,
    target: float | None = None,
    *,
    years: int | None = None,
    quantiles: Sequence[float] = (0.05, 0.5, 0.95),
) -> pd.DataFrame:
    """Risk figures of the saver's balance across scenarios.

    Parameters
    ----------
    target : float, optional
        Dollars (nominal, at the end of the run); by default
        :attr:`paid_in` (opening balance plus every contribution).
    years : int, optional
        Horizon N of the probability of loss, in years from the start
        (1 to the run's length); by default the whole run.
    quantiles : sequence of float
        Quantiles of the maximum drawdown.

    Returns
    -------
    DataFrame indexed by ``metric``
        Columns ``mean`` then the quantiles (``p05``, ``p50``, ``p95``) and
        ``unit``. Rows:

        - ``prob_below_target``: share of scenarios whose terminal balance
          is below ``target`` (``mean`` only; unit ``probability``).
        - ``cvar05_terminal_balance``: mean terminal balance of the worst
          5% of scenarios (``mean`` only; ``USD nominal``).
        - ``max_drawdown``: the distribution across scenarios of the
          largest fall of the year-end balance path (opening balance
          first) from its running peak, as a share of that peak
          (unit ``share of peak``; contributions soften falls).
        - ``prob_loss_<N>y``: share of scenarios whose balance after N
          years is below the opening balance plus the contributions of
          those N years, less any money taken out in them (leakage,
          forfeitures, retirement withdrawals) -- i.e. the investment
          return net of fees over those years is negative (``mean``
          only; ``probability``).

        ``frame.attrs``: ``units`` (``"USD nominal"``), ``target``
        (dollars) and ``years`` (N).
    """
    qs = check_quantiles(quantiles)
    n_years = int(result.balance_end.shape[1])
    horizon = n_years if years is None else check_int("years", years, low=1, high=n_years)
    goal = result.paid_in if target is None else _check_finite("target", target)
    terminal = result.terminal_balance
    opening = np.full((result.n_scenarios, 1), float(result.participant.balance))
    path = np.concatenate([opening, result.balance_end], axis=1)
    contributions = np.broadcast_to(
        result.contributions.total.T, result.balance_end.shape
    )  # (S, Y)
    money_in = (contributions - result._money_out())[:, :horizon].sum(axis=1)
    lost = result.balance_end[:, horizon - 1] < float(result.participant.balance) + money_in
    blank = {quantile_label(q): np.nan for q in qs}
    rows = {
        "prob_below_target": {
            "mean": float(np.mean(terminal < goal)),
            **blank,
            "unit": "probability",
        },
        "cvar05_terminal_balance": {
            "mean": _lower_tail_mean(terminal),
            **blank,
            "unit": units(False),
        },
        "max_drawdown": {**_distribution_row(_max_drawdown(path), qs), "unit": "share of peak"},
        f"prob_loss_{horizon}y": {"mean": float(lost.mean()), **blank, "unit": "probability"},
    }
    frame = pd.DataFrame.from_dict(rows, orient="index")
    frame.index.name = "metric"
    frame.attrs["units"] = units(False)
    frame.attrs["target"] = float(goal)
    frame.attrs["years"] = horizon
    return frame


def _leakage_tax(result: ParticipantResults) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Income tax and penalty of the taxable leakage by part, (S, Y) each, nominal dollars.

    Each year's cash-outs, hardship withdrawals and loan defaults, times the
    pre-tax share of the year-end balance (Roth money is left untaxed: the
    working years do not track Roth basis), taxed together on top of the
    year's wages (pay less pre-tax deferrals) at the rates they reach
    (:meth:`alt401k.Leakage.leakage_tax`).
    """
    from ..leakage import LEAKAGE_PARTS, TAXABLE_PARTS, Leakage

    assert result.leakage_paths is not None
    c = result.contributions
    shape = result.balance_end.shape
    wages = np.broadcast_to((c.salary - c.employee_pretax).T, shape)
    pretax = np.divide(
        result.balance_end - result.roth_balance_end,
        result.balance_end,
        out=np.ones(shape),
        where=result.balance_end > 0,
    )
    amounts = {
        name: result.leakage_paths[:, :, LEAKAGE_PARTS.index(name)] * np.clip(pretax, 0.0, 1.0)
        for name in TAXABLE_PARTS
    }
    out = {name: (np.zeros(shape), np.zeros(shape)) for name in TAXABLE_PARTS}
    for y, (year, age) in enumerate(zip(result.years, c.age[:, 0], strict=True)):
        index = 1.025 ** max(int(year) - 2026, 0)
        taxes = Leakage.leakage_tax(
            {name: a[:, y] for name, a in amounts.items()},
            float(age),
            wages=np.maximum(wages[:, y], 0.0),
            year=int(year),
            index=index,
        )
        for name, (tax, penalty) in taxes.items():
            out[name][0][:, y] = tax
            out[name][1][:, y] = penalty
    return out
