"""Market models: asset classes, correlated returns, inflation, presets.

``MarketModel`` (a frozen pydantic specification) samples ``ReturnPaths``
(per-period simple returns, shape (S, T, A), and inflation, (S, T)) from a
correlated lognormal model matched exactly to annual arithmetic means,
volatilities and correlations. ``default_markets(preset)`` gives a 13-asset
market with cited sources (J.P. Morgan 2026 LTCMA, ICI fees, crypto
judgement); see :mod:`alt401k.markets.presets` for the table.

This package imports nothing from alt401k except ``_random`` and ``_warnings``.
"""

from alt401k.markets.model import AssetClass, InflationModel, MarketModel, lognormal_params
from alt401k.markets.paths import ReturnPaths
from alt401k.markets.presets import PRESETS, default_markets

__all__ = [
    "PRESETS",
    "AssetClass",
    "InflationModel",
    "MarketModel",
    "ReturnPaths",
    "default_markets",
    "lognormal_params",
]
