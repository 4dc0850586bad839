"""What the asset did to the pool's people: balances per person with and without it, after tax.

``outcomes`` of :class:`~alt401k.results.PoolResults` (bound as its method).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..tax import TaxSchedule, early_withdrawal_penalty
from ._stats import (
    DEFAULT_QUANTILES,
    SE_METHOD,
    _weighted_quantiles,
    batch_slices,
    batch_standard_error,
    check_quantiles,
    quantile_label,
    units,
)

if TYPE_CHECKING:
    from .pool import PoolResults

__all__ = ["outcomes"]


def outcomes(
    result: PoolResults,
    quantiles: Sequence[float] = DEFAULT_QUANTILES,
    *,
    after_tax: bool = False,
    real: bool = False,
    se: bool = False,
) -> pd.DataFrame:
    """Balances per person at the horizon: holders of the asset vs the rest, same paths.

    Parameters
    ----------
    quantiles : sequence of float
    after_tax : bool
        Value each balance after tax: its pre-tax part (the group's
        opening pre-tax share) taxed as ordinary income in the horizon
        year, on top of that year's wages (the group's pay per person,
        on the scenario's price path; none for those not working), as one
        withdrawal by a single filer of the group's central age, with the
        10% penalty below 59 1/2 -- what a cash-out would leave (federal
        2026 schedule indexed by the scenario's price path; see
        :mod:`alt401k.tax`).
    real : bool
        Start-year dollars (deflated by the scenario's price level).
    se : bool
        Add ``mean_se`` and ``<quantile>_se``, the Monte Carlo standard
        errors of the mean and of each quantile, by batch means over
        independent batches of scenarios (``attrs["se_method"]``; NaN
        with fewer than two batches or where a batch holds nobody).

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
        nominal unless ``real``; ``attrs`` says which.
    """
    qs = check_quantiles(quantiles)
    people = result.groups["people"].to_numpy()[None, :]
    holders = result.final_holder_share * people
    others = (1.0 - result.final_holder_share) * people

    def per_person(total: np.ndarray, count: np.ndarray) -> np.ndarray:
        return np.divide(total, count, out=np.zeros_like(total), where=count > 0)

    value = result._after_tax_value if after_tax else (lambda x: x)
    holder = value(per_person(result.final_holder, holders))
    without = value(per_person(result.final_counterfactual, holders))
    series = {
        "holders": (holder, holders),
        "holders_without_asset": (without, holders),
        "non_holders": (value(per_person(result.final_non_holder, others)), others),
        "holder_gain": (holder - without, holders),
    }
    if real:
        deflator = result.price_level[:, -1:]
        series = {k: (v / deflator, w) for k, (v, w) in series.items()}
    labels = ["mean", *(quantile_label(q) for q in qs)]

    def statistics(stacked: np.ndarray) -> np.ndarray:
        """``[mean, quantiles...]`` of values ``stacked[..., 0]`` weighted by ``[..., 1]``."""
        values, weights = stacked[..., 0], stacked[..., 1]
        total = float(weights.sum())
        if total <= 0:
            return np.full(len(labels), np.nan)
        mean = float((values * weights).sum() / total)
        return np.array([mean, *_weighted_quantiles(values, weights, qs)])

    batches = batch_slices(result.n_scenarios, result.sampling) if se else []
    rows = {}
    for name, (values, weights) in series.items():
        total = float(weights.sum())
        row: dict[str, float] = {"people_mean": total / result.n_scenarios}
        stacked = np.stack([values, weights], axis=-1)
        figures = statistics(stacked) if total > 0 else np.zeros(len(labels))
        row.update(zip(labels, map(float, figures), strict=True))
        if se:
            errors = batch_standard_error(stacked, statistics, batches)
            row.update({f"{k}_se": float(e) for k, e in zip(labels, errors, strict=True)})
        rows[name] = row
    frame = pd.DataFrame.from_dict(rows, orient="index")
    frame.index.name = "group"
    if se:
        frame.attrs["se_method"] = SE_METHOD
    frame.attrs["dollars"] = ("after-tax " if after_tax else "") + (
        "start-year (real)" if real else "nominal"
    )
    frame.attrs["units"] = units(real)
    return frame


def _after_tax_value(result: PoolResults, per_person: np.ndarray) -> np.ndarray:
    """Per-person balances (S, G) net of the tax and penalty of cashing them out."""
    year = int(result.years[-1])
    base = TaxSchedule.federal(year=2026, filing_status="single")
    schedule = base.indexed(1.0, year=year)
    # The price path starts in the first simulated year; 2.5% a year before it.
    index0 = 1.025 ** max(int(result.years[0]) - 2026, 0)
    index = index0 * result.price_level[:, -1:]
    age = (result.groups["age"].to_numpy() + len(result.years) - 1)[None, :].astype(float)
    pretax = per_person * result.groups["pretax_share"].to_numpy()[None, :]
    # On top of the year's wages (each scenario's pay level), at the rates the total reaches.
    wages = np.zeros((1, len(result.groups)))
    if "wages" in result.groups:
        wages = result.groups["wages"].to_numpy()[None, :] * result.contribution_scale[:, -1:]
    tax = schedule.income_tax(wages + pretax, age=age, index=index) - schedule.income_tax(
        wages, age=age, index=index
    )
    penalty = early_withdrawal_penalty(pretax, age)
    return per_person - tax - penalty
