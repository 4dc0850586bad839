"""The yearly series of a pool run, nominal or real: what ``summary`` reports.

For full and streamed results alike.

:func:`summary_series` computes each series of :data:`QUANTILED_SERIES` and
the flow components from paths; :func:`deflate_flows` turns flows into
start-year dollars. Shared by :class:`~alt401k.results.PoolResults` and
:class:`~alt401k.results.StreamedPoolResults`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..engine import COMPONENTS as POOL_COMPONENTS
from ._stats import (
    real_deflators,
    units,
)

__all__ = ["QUANTILED_SERIES", "deflate_flows", "real_deflators", "summary_series"]


def _with_units(frame: pd.DataFrame, real: bool) -> pd.DataFrame:
    frame.attrs["units"] = units(real)
    return frame


#: The series of :meth:`PoolResults.summary` with quantiles as well as means.
QUANTILED_SERIES = ("net_flow", "cumulative_flow", "holdings", "pool_assets")


def summary_series(
    flow_paths: np.ndarray,
    *,
    holdings: np.ndarray,
    pool_assets: np.ndarray,
    pool_contributions: np.ndarray,
    contribution_scale: np.ndarray,
    pool_outflows: np.ndarray,
    blocked_sales: np.ndarray | None,
    outflow_by_cause: np.ndarray,
    outflow_causes: Sequence[str],
    price_level: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """The (S, Y) series that :meth:`PoolResults.summary` describes, in dollars.

    Each flow component by name, ``net_flow``, ``cumulative_flow``,
    ``holdings``, ``pool_assets``, ``pool_contributions`` (the pool's
    contributions, (Y, 3), scaled by each scenario's ``contribution_scale``),
    ``pool_outflows``, ``blocked_sales`` (when given) and ``pool_<cause>``.
    With ``price_level`` (S, Y), every figure is deflated by its own
    scenario's price level at the time of the money (:func:`real_deflators`):
    ``reallocation`` (adoption in the first period of the year) at the start
    of the year, the other flows (spread over the year) at mid-year, stocks
    (``holdings``, ``pool_assets``) at the year end; ``cumulative_flow`` is the
    running sum of the deflated flows. Shared by the paths' summary and the
    streamed one, so both describe the same quantities.
    """
    if price_level is None:
        mid = end = None
    else:
        _, mid, end = real_deflators(price_level)

    def deflate(values: np.ndarray, at: np.ndarray | None) -> np.ndarray:
        return values if at is None else values / at

    flows = flow_paths if price_level is None else deflate_flows(flow_paths, price_level)
    net = flows.sum(axis=-1)
    out = {name: flows[..., i] for i, name in enumerate(POOL_COMPONENTS)}
    out.update(
        net_flow=net,
        cumulative_flow=np.cumsum(net, axis=1),
        holdings=deflate(holdings, end),
        pool_assets=deflate(pool_assets, end),
        pool_contributions=deflate(
            pool_contributions.sum(axis=1)[None, :] * contribution_scale, mid
        ),
        pool_outflows=deflate(pool_outflows, mid),
    )
    if blocked_sales is not None:
        out["blocked_sales"] = deflate(blocked_sales, mid)
    for i, cause in enumerate(outflow_causes):
        out[f"pool_{cause}"] = deflate(outflow_by_cause[:, :, i], mid)
    return out


def deflate_flows(flow_paths: np.ndarray, price_level: np.ndarray) -> np.ndarray:
    """Flows by component (S, Y, C) in start-year dollars: reallocation at the start of
    the year, the other components at mid-year (:func:`real_deflators`)."""
    start, mid, _ = real_deflators(price_level)
    at = np.repeat(mid[..., None], len(POOL_COMPONENTS), axis=-1)
    at[..., POOL_COMPONENTS.index("reallocation")] = start
    return flow_paths / at
