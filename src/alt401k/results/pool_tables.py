"""A pool run's tidy tables: flows by year and component, start holdings, the pool's flows.

``flows``, ``start_holdings`` and ``pool_flows`` of
:class:`~alt401k.results.PoolResults` (bound as its methods).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..engine import COMPONENTS as POOL_COMPONENTS
from .pool_series import _with_units

if TYPE_CHECKING:
    from .pool import PoolResults

__all__ = ["flows", "pool_flows", "start_holdings"]


def flows(result: PoolResults, *, by_channel: bool = False) -> pd.DataFrame:
    """Tidy flows: one row per scenario, year and component.

    Parameters
    ----------
    by_channel : bool
        Also split each row by channel: ``"plan"`` (the core menu's
        active election and the default fund) and ``"window"`` (the
        brokerage window), in a ``channel`` column; the two add up to the
        rows without it.

    Returns
    -------
    DataFrame
        Columns ``scenario`` (int), ``year`` (calendar year), ``component``
        (categorical: reallocation, contributions, distributions,
        rebalancing), ``channel`` when asked for, and ``dollars`` (net
        purchases of the asset).
    """
    s, y, c = result.flow_paths.shape
    if not by_channel:
        parts = [("", result.flow_paths)]
    else:
        window = result.window_flows if result.window_flows is not None else 0.0 * result.flow_paths
        parts = [("plan", result.flow_paths - window), ("window", window)]
    frames = []
    for label, values in parts:
        frame = pd.DataFrame(
            {
                "scenario": np.repeat(np.arange(s), y * c),
                "year": np.tile(np.repeat(result.years, c), s),
                "component": pd.Categorical.from_codes(
                    np.tile(np.arange(c), s * y), categories=pd.Index(POOL_COMPONENTS)
                ),
                "dollars": values.reshape(-1),
            }
        )
        if label:
            frame.insert(3, "channel", label)
        frames.append(frame)
    out = frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
    if by_channel:
        out["channel"] = pd.Categorical(out["channel"], categories=["plan", "window"])
    return out.pipe(_with_units, False)


def start_holdings(result: PoolResults) -> pd.DataFrame:
    """The asset held at the start, before year 0, by channel: a holding, not a flow.

    Returns
    -------
    DataFrame indexed by channel (active, default, window, total)
        ``mean``, ``p05``, ``p50``, ``p95`` over scenarios, dollars (the
        start state and the window's holders at the start; the same in
        every scenario unless an uncertain allocation share is drawn).
    """
    held = (
        np.zeros((result.n_scenarios, 3))
        if result.start_holdings_by_channel is None
        else result.start_holdings_by_channel
    )
    values = np.column_stack([held, held.sum(axis=1)])
    q05, q50, q95 = np.quantile(values, (0.05, 0.5, 0.95), axis=0)
    frame = pd.DataFrame(
        {"mean": values.mean(axis=0), "p05": q05, "p50": q50, "p95": q95},
        index=pd.Index(["active", "default", "window", "total"], name="channel"),
    )
    return frame.pipe(_with_units, False)


def pool_flows(result: PoolResults) -> pd.DataFrame:
    """Tidy money flows of the whole pool: one row per scenario, year and source.

    Returns
    -------
    DataFrame
        Columns ``scenario``, ``year``, ``direction`` (``"in"`` or
        ``"out"``), ``source`` and ``dollars`` (>= 0). In: ``employee_pretax``,
        ``employee_roth``, ``employer`` (scaled by the scenario's
        ``contribution_scale``) and ``rollovers_in`` (job changers'
        plan-to-plan rollovers). Out: every outflow cause of
        ``outflow_causes`` but the memo, plus ``rollovers_to_plans`` (the
        same plan-to-plan rollovers, leaving the old plan). Benefit payments
        as the Form 5500 counts them are the ``"out"`` rows; net new money
        is ``"in"`` minus ``"out"``, in which the plan-to-plan rollovers
        cancel.
    """
    s, y = result.pool_assets.shape
    series: dict[tuple[str, str], np.ndarray] = {}
    for i, name in enumerate(("employee_pretax", "employee_roth", "employer")):
        series["in", name] = result.pool_contributions[None, :, i] * result.contribution_scale
    causes = list(result.outflow_causes)
    memo = causes.index("rollovers_in") if "rollovers_in" in causes else None
    if memo is not None:
        series["in", "rollovers_in"] = result.outflow_by_cause[:, :, memo]
    for i, cause in enumerate(causes):
        if i != memo:
            series["out", cause] = result.outflow_by_cause[:, :, i]
    if memo is not None:
        series["out", "rollovers_to_plans"] = result.outflow_by_cause[:, :, memo]
    if not causes:
        series["out", "outflows"] = result.pool_outflows
    keys = list(series)
    values = np.stack([series[k] for k in keys], axis=-1)  # (S, Y, K)
    k = len(keys)
    return pd.DataFrame(
        {
            "scenario": np.repeat(np.arange(s), y * k),
            "year": np.tile(np.repeat(result.years, k), s),
            "direction": pd.Categorical(np.tile([d for d, _ in keys], s * y)),
            "source": pd.Categorical(np.tile([n for _, n in keys], s * y)),
            "dollars": values.reshape(-1),
        }
    ).pipe(_with_units, False)
