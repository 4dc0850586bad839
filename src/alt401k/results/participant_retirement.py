"""A saver's retirement phase: income, taxes and depletion after the last working year.

``retirement_outcomes`` (per scenario) and ``retirement_summary`` (a table),
from the withdrawal paths a run with ``retirement=`` records.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..tax import early_withdrawal_penalty
from ._stats import (
    DEFAULT_QUANTILES,
    SE_METHOD,
    _distribution_row,
    batch_slices,
    batch_standard_error,
    check_quantiles,
    quantile_label,
    units,
)

if TYPE_CHECKING:
    from .participant import ParticipantResults

__all__ = ["retirement_outcomes", "retirement_summary"]


def retirement_outcomes(result: ParticipantResults, *, real: bool = True) -> dict[str, np.ndarray]:
    """Per-scenario retirement outcomes, (S,) each.

    Parameters
    ----------
    real : bool
        Start-year dollars (deflated by the simulated price level) if
        True, nominal dollars if False.

    Returns
    -------
    dict of str to ndarray (S,)
        ``balance_at_retirement``; ``first_year_income`` (after-tax income
        from the plan in the first retirement year); ``mean_income``
        (after-tax income from the plan, averaged over the retirement
        years); ``after_tax_terminal_wealth`` (the balance at the end age
        net of the income tax and 10% penalty it would owe if withdrawn in
        that year: on its pre-tax part and on the earnings of its Roth part
        where that would not be a qualified distribution, pro rata,
        :mod:`alt401k.retirement`); ``total_tax`` (income tax and penalty the
        withdrawals caused, summed); ``replacement_ratio`` (first-year
        withdrawals plus Social Security, before tax, over the last
        year's pay); ``ran_out`` (1 if a desired withdrawal went unpaid
        before the end age, else 0).

    Raises
    ------
    ValueError
        If the run had no retirement phase.
    """
    r, spec = result.retirement_paths, result.retirement
    if r is None or spec is None:
        raise ValueError(
            "this run has no retirement phase: pass retirement=ak.Retirement(...) to "
            "simulate_participant"
        )
    first = result.retirement_year_index
    deflate = result.price_at_start if real else np.ones_like(result.price_at_start)
    income = r.after_tax_income / deflate
    at_retirement = result.balance_at_retirement / (
        result.price_level[:, first - 1] if real and first > 0 else 1.0
    )
    pretax_end = np.maximum(result.terminal_balance - result.terminal_roth_balance, 0.0)
    last = result.balance_end.shape[1] - 1
    schedule, index0 = spec.schedule(int(result.years[0]))
    schedule = schedule.indexed(1.0, year=int(result.years[last]))
    age = float(result.participant.age + last)
    price = result.price_at_start[:, last]
    other = spec.other_income * price
    ss = spec.social_security * price if age >= spec.social_security_age else 0.0 * price
    kwargs: dict[str, Any] = {"age": age, "social_security": ss, "index": index0 * price}
    # Roth earnings are taxed only where a withdrawal that year would not be qualified.
    assert r.roth_basis is not None and r.roth_nonqualified_share is not None  # filled in
    roth_earnings = np.maximum(result.terminal_roth_balance - r.roth_basis[:, last], 0.0)
    roth_taxable = roth_earnings * r.roth_nonqualified_share[:, last]
    lump_tax = schedule.income_tax(
        pretax_end + roth_taxable + other, **kwargs
    ) - schedule.income_tax(other, **kwargs)
    lump_tax = lump_tax + early_withdrawal_penalty(
        pretax_end + roth_earnings,
        age,
        separation_age=float(result.participant.retirement_age),
        sepp=spec.sepp,
    )
    end_deflator = result.price_level[:, -1] if real else 1.0
    final_pay = (
        result.contributions.salary[first - 1] if first > 0 else np.zeros(result.n_scenarios)
    )
    gross_first = r.withdrawals[:, first] + r.social_security[:, first]
    return {
        "balance_at_retirement": at_retirement,
        "first_year_income": income[:, first],
        "mean_income": income[:, first:].mean(axis=1),
        "after_tax_terminal_wealth": (result.terminal_balance - lump_tax) / end_deflator,
        "total_tax": ((r.tax + r.penalty) / deflate).sum(axis=1),
        "replacement_ratio": np.divide(
            gross_first,
            final_pay,
            out=np.zeros(result.n_scenarios),
            where=np.broadcast_to(final_pay, gross_first.shape) > 0,
        ),
        "ran_out": (r.shortfall[:, first:] > 0).any(axis=1).astype(float),
    }


def retirement_summary(
    result: ParticipantResults,
    quantiles: Sequence[float] = DEFAULT_QUANTILES,
    *,
    real: bool = True,
    baseline: ParticipantResults | None = None,
    se: bool = False,
) -> pd.DataFrame:
    """Distribution of retirement outcomes across scenarios, optionally paired.

    Parameters
    ----------
    quantiles : sequence of float
    real : bool
        Start-year dollars (default) or nominal.
    baseline : ParticipantResults, optional
        The same saver on the same paths with another portfolio (e.g.
        ``portfolio.without_sleeve()``, same ``rng`` and markets); adds
        rows ``<metric>_vs_baseline`` with the distribution of the
        scenario-by-scenario difference.
    se : bool
        Add ``<column>_se``, each figure's Monte Carlo standard error, by
        batch means as in :meth:`summary`. Default False.

    Returns
    -------
    DataFrame indexed by ``metric``
        Rows from :meth:`retirement_outcomes`; columns ``mean`` and the
        quantiles. For ``ran_out`` the mean is the probability of running
        out before the end age.
    """
    qs = check_quantiles(quantiles)
    outcomes = result.retirement_outcomes(real=real)
    series = dict(outcomes)
    if baseline is not None:
        if baseline.n_scenarios != result.n_scenarios or not np.array_equal(
            baseline.years, result.years
        ):
            raise ValueError(
                "baseline must be the same saver over the same years and scenarios "
                f"({result.n_scenarios} scenarios, {result.years[0]}-{result.years[-1]})"
            )
        base = baseline.retirement_outcomes(real=real)
        series.update({f"{k}_vs_baseline": v - base[k] for k, v in outcomes.items()})
    rows = {name: _distribution_row(values, qs) for name, values in series.items()}
    frame = pd.DataFrame.from_dict(rows, orient="index")
    frame.index.name = "metric"
    frame.attrs["dollars"] = "start-year (real)" if real else "nominal"
    frame.attrs["units"] = units(real)
    if se:
        batches = batch_slices(result.n_scenarios, result.sampling)

        def stats(v: np.ndarray) -> np.ndarray:
            return np.array([np.mean(v), *np.quantile(v, qs)])

        errors = {
            name: batch_standard_error(np.asarray(v, dtype=float), stats, batches)
            for name, v in series.items()
        }
        for i, column in enumerate(["mean", *(quantile_label(q) for q in qs)]):
            frame[f"{column}_se"] = [errors[name][i] for name in frame.index]
        frame.attrs["se_method"] = SE_METHOD
    return frame
