"""A pool run reduced as it went: :class:`StreamedPoolResults`.

``Scenario.run(n, keep_paths=False)`` keeps, instead of every scenario's
paths, per-year moments and quantile sketches of the series below
(:class:`~alt401k.results.streaming.StreamedStats`), so memory stays flat
from thousands to millions of scenarios.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .._random import seed_record
from ..engine import COMPONENTS as POOL_COMPONENTS
from ._stats import check_quantiles, quantile_label, real_deflators, units
from .pool_series import QUANTILED_SERIES, deflate_flows, summary_series
from .streaming import MIN_MAGNITUDE, STREAMED_SE_METHOD, StreamedStats

if TYPE_CHECKING:
    from ..scenario import Scenario

__all__ = ["SKETCHED_SERIES", "StreamedPoolResults", "stream_series", "stream_series_names"]

#: Dollar series kept in both nominal and real (``real/<name>``) terms.
_DOLLARS = (
    *POOL_COMPONENTS,
    "net_flow",
    "cumulative_flow",
    "holdings",
    "pool_assets",
    "pool_contributions",
    "pool_outflows",
    "blocked_sales",
    "asset_return",
)
#: The brokerage window's own series (zeros without a window).
_WINDOW = ("window_net_flow", "window_holdings")
#: Other series, nominal or without units.
_OTHER = ("holdings_active", "holdings_default", "excess_return", "price_level")
#: Series with quantiles, nominal and real.
SKETCHED_SERIES = (*QUANTILED_SERIES, *(f"real/{name}" for name in QUANTILED_SERIES))


def stream_series_names(outflow_causes: Sequence[str]) -> tuple[str, ...]:
    """Names of every streamed series of a pool run with these outflow causes."""
    dollars = (*_DOLLARS, *(f"pool_{cause}" for cause in outflow_causes), *_WINDOW)
    return (*dollars, *(f"real/{name}" for name in dollars), *_OTHER)


def stream_series(
    arrays: Mapping[str, np.ndarray],
    pool_contributions: np.ndarray,
    outflow_causes: Sequence[str],
) -> dict[str, np.ndarray]:
    """The (s, Y) series of a chunk of a pool run, from its engine arrays.

    The series of :func:`~alt401k.results.pool.summary_series`, nominal and
    ``real/``, and the asset's market gain, its holdings by channel, its
    excess return and the price level.
    """
    price = arrays["price_level"]
    out: dict[str, np.ndarray] = {}
    for prefix, deflator in (("", None), ("real/", price)):
        for name, values in summary_series(
            arrays["flows"],
            holdings=arrays["holdings"],
            pool_assets=arrays["pool_assets"],
            pool_contributions=pool_contributions,
            contribution_scale=arrays["contribution_scale"],
            pool_outflows=arrays["pool_outflows"],
            blocked_sales=arrays["blocked_sales"],
            outflow_by_cause=arrays["outflow_by_part"],
            outflow_causes=outflow_causes,
            price_level=deflator,
        ).items():
            out[prefix + name] = values
    out["asset_return"] = arrays["asset_return"]
    out["real/asset_return"] = arrays["asset_return"] / real_deflators(price)[1]  # mid-year
    window = {
        "window_net_flow": arrays["window_flows"].sum(axis=-1),
        "window_holdings": arrays["holdings_by_channel"][..., 2],
    }
    real_window = {
        "window_net_flow": deflate_flows(arrays["window_flows"], price).sum(axis=-1),
        "window_holdings": window["window_holdings"] / price,
    }
    for name, values in window.items():
        out[name] = values
        out[f"real/{name}"] = real_window[name]
    out["holdings_active"] = arrays["holdings_by_channel"][..., 0]
    out["holdings_default"] = arrays["holdings_by_channel"][..., 1]
    out["excess_return"] = arrays["excess_return"]
    out["price_level"] = price
    return out


@dataclass(frozen=True, eq=False, repr=False)
class StreamedPoolResults:
    """Outcome of ``Scenario.run(n, keep_paths=False)``: per-year statistics, no paths.

    Memory does not grow with the number of scenarios. Means, standard
    deviations, minima and maxima are exact to rounding; quantiles are
    within ``stats.relative_accuracy`` (relative, plus a cent) of
    ``numpy.quantile`` of the paths a ``keep_paths=True`` run would hold
    (see :mod:`alt401k.results.streaming`). Per-scenario outputs (paths,
    draws, outcomes by group, sensitivity) need ``keep_paths=True``.

    Attributes
    ----------
    scenario : Scenario
    years : ndarray, shape (Y,)
    stats : StreamedStats
        The statistics; series names in ``stats.names``: the flow
        components, ``net_flow``, ``cumulative_flow``, ``holdings``,
        ``pool_assets``, ``pool_contributions``, ``pool_outflows``,
        ``blocked_sales``, ``asset_return``, ``pool_<cause>``, each also as
        ``real/<name>`` (start-year dollars, deflated by each scenario's own
        price level at the time of the money as :meth:`PoolResults.summary`
        says: reallocation at the start of the year, other flows and
        ``asset_return`` at mid-year, stocks at the year end), and
        ``holdings_active``, ``holdings_default``, ``excess_return`` and
        ``price_level``. Quantiles for
        ``stats.sketched``.
    pool_contributions : ndarray, shape (Y, 3)
        As :attr:`PoolResults.pool_contributions`.
    outflow_causes : tuple of str
    groups : DataFrame
        As :attr:`PoolResults.groups`.
    seed : numpy.random.SeedSequence
    periods_per_year : int
    """

    scenario: Scenario
    years: np.ndarray
    stats: StreamedStats
    pool_contributions: np.ndarray
    outflow_causes: tuple[str, ...]
    groups: pd.DataFrame
    seed: np.random.SeedSequence
    periods_per_year: int = 12

    COMPONENTS = POOL_COMPONENTS

    @property
    def n_scenarios(self) -> int:
        return self.stats.count

    @property
    def headline_reallocation(self) -> float:
        """Mean first-year reallocation of existing balances, dollars."""
        return float(self.stats.mean("reallocation")[0])

    def __repr__(self) -> str:
        cumulative = self.stats.mean("cumulative_flow")[-1]
        return (
            f"StreamedPoolResults({self.n_scenarios:,} scenarios, "
            f"{int(self.years[0])}-{int(self.years[-1])}, asset {self.scenario.asset!r}: "
            f"mean cumulative net flow ${cumulative / 1e9:,.1f}B; "
            f"quantiles to {self.stats.relative_accuracy:.2%}, "
            f"{self.stats.nbytes() / 2**20:.1f} MiB of statistics)"
        )

    def by_year(self, name: str, quantiles: Sequence[float] = (0.05, 0.5, 0.95)) -> pd.DataFrame:
        """One series' statistics per year.

        Parameters
        ----------
        name : str
            A series of ``stats.names``, e.g. ``"holdings"`` or ``"real/net_flow"``.
        quantiles : sequence of float
            Reported when the series has a sketch (``stats.sketched``).

        Returns
        -------
        DataFrame indexed by ``year``
            ``mean``, ``std``, ``min``, ``max`` and ``p05`` ... .
        """
        columns = self.stats.by_year(name, check_quantiles(quantiles))
        return pd.DataFrame(columns, index=pd.Index(self.years, name="year"))

    def summary(
        self,
        quantiles: Sequence[float] = (0.05, 0.5, 0.95),
        *,
        real: bool = False,
        se: bool = False,
    ) -> pd.DataFrame:
        """Year-by-year distribution of flows and holdings.

        The columns of :meth:`PoolResults.summary`, from the streamed
        statistics: means exact to rounding, quantiles to the sketch's
        accuracy (``frame.attrs["quantile_accuracy"]``). ``se=True`` adds
        ``<column>_se`` for every column
        (:data:`~alt401k.results.streaming.STREAMED_SE_METHOD`).
        """
        qs = check_quantiles(quantiles)
        prefix = "real/" if real else ""
        st = self.stats
        out: dict[str, np.ndarray] = {}
        for name in POOL_COMPONENTS:
            out[f"{name}_mean"] = st.mean(prefix + name)
        for name in QUANTILED_SERIES:
            out[f"{name}_mean"] = st.mean(prefix + name)
            for q in qs:
                out[f"{name}_{quantile_label(q)}"] = st.quantile(prefix + name, q)
        out["pool_contributions"] = st.mean(prefix + "pool_contributions")
        out["pool_outflows_mean"] = st.mean(prefix + "pool_outflows")
        out["blocked_sales_mean"] = st.mean(prefix + "blocked_sales")
        for cause in self.outflow_causes:
            out[f"pool_{cause}_mean"] = st.mean(f"{prefix}pool_{cause}")
        for name in _WINDOW:
            out[f"{name}_mean"] = st.mean(prefix + name)
        frame = pd.DataFrame(out, index=pd.Index(self.years, name="year"))
        frame.attrs["assumptions"] = self.scenario.assumptions()
        frame.attrs["units"] = units(real)
        frame.attrs["quantile_accuracy"] = (
            f"within {st.relative_accuracy:g} relative (+ ${MIN_MAGNITUDE:g}) of the "
            "interpolated order statistics"
        )
        if se:
            labels = {quantile_label(q): q for q in qs}
            for column in list(frame.columns):
                name, _, stat = column.rpartition("_")
                if column == "pool_contributions":
                    name, stat = column, "mean"
                key = prefix + name
                if stat == "mean":
                    frame[f"{column}_se"] = st.mean_se(key)
                elif stat in labels:
                    frame[f"{column}_se"] = st.quantile_se(key, labels[stat])
            frame.attrs["se_method"] = STREAMED_SE_METHOD
        return frame

    def metadata(self) -> dict[str, Any]:
        """The specification and seed as JSON-friendly data (``keep_paths`` False)."""
        return {
            "scenario": self.scenario.model_dump(mode="json"),
            "n_scenarios": self.n_scenarios,
            "periods_per_year": self.periods_per_year,
            "seed": seed_record(self.seed),
            "keep_paths": False,
            "relative_accuracy": self.stats.relative_accuracy,
        }
