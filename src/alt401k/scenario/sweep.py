"""A Scenario over a grid of knobs: :func:`sweep`."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from .._random import RngLike, as_seed_sequence
from ..execution import check_n_scenarios
from ..results import check_quantiles, quantile_label
from .pool import Scenario

__all__ = ["sweep"]


def sweep(
    base: Scenario,
    *,
    n_scenarios: int = 1_000,
    rng: RngLike = None,
    quantiles: Sequence[float] = (0.05, 0.5, 0.95),
    chunk_size: int | None = None,
    **grids: Iterable[Any],
) -> pd.DataFrame:
    """Run ``base`` over the Cartesian product of knob values.

    Parameters
    ----------
    base : Scenario
        Values for every knob not in ``grids``.
    n_scenarios : int
        Paths per grid point.
    rng : None, int, SeedSequence or Generator
        One seed for the whole sweep: every grid point sees the same market
        paths, so differences between rows are due to the knobs alone.
    quantiles : sequence of float
        Quantiles of cumulative flows to report.
    **grids
        Field name to a sequence of values, e.g. ``sponsor_adoption=[0.1, 0.5]``.

    Returns
    -------
    DataFrame
        One row per grid point: the knob values, ``headline_reallocation``
        (first-year reallocation of existing balances, dollars), mean and
        quantiles of cumulative net flows over the horizon
        (``cumulative_flow_*``), and median final holdings.
    """
    if not grids:
        raise ValueError("sweep needs at least one grid, e.g. sponsor_adoption=[0.1, 0.5]")
    unknown = sorted(set(grids) - set(Scenario.model_fields))
    if unknown:
        raise ValueError(
            f"unknown Scenario field {unknown[0]!r} in sweep; "
            f"fields: {', '.join(Scenario.model_fields)}"
        )
    axes = {name: list(values) for name, values in grids.items()}
    for name, values in axes.items():
        if not values:
            raise ValueError(f"grid {name!r} must hold at least one value; got none")
    n_scenarios = check_n_scenarios(n_scenarios)
    quantiles = check_quantiles(quantiles)
    root = as_seed_sequence(rng)
    rows = []
    for point in itertools.product(*axes.values()):
        knobs = dict(zip(axes, point, strict=True))
        result = base.replace(**knobs).run(n_scenarios, rng=root, chunk_size=chunk_size)
        total = result.cumulative_flows[:, -1]
        row: dict[str, Any] = {**knobs, "headline_reallocation": result.headline_reallocation}
        row["cumulative_flow_mean"] = float(total.mean())
        for q, v in zip(quantiles, np.quantile(total, quantiles), strict=True):
            row[f"cumulative_flow_{quantile_label(q)}"] = float(v)
        row["final_holdings_p50"] = float(np.median(result.holdings[:, -1]))
        rows.append(row)
    return pd.DataFrame(rows)
