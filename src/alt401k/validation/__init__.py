"""Checks of the library against history: backcasts of diffusions that really happened.

:func:`tdf_backcast` runs the pool's adoption machinery (population,
sponsor curve, default channel, entrants, contributions, the period's
recorded returns) through target-date funds after the Pension Protection
Act of 2006 and sets the model's participant- and asset-side series next
to the published ones (EBRI/ICI 401(k) database, Vanguard How America
Saves), with the error per year. The data it needs ship with the package
(``alt401k/validation/data``): annual index returns and CPI for 2006-2022
and the published TDF series, each figure with its source.
"""

from .backcast import (
    QDIA_BASS,
    SIMULATED_START_YEAR,
    TDF_MIX,
    backcast_markets,
    market_returns,
    published_tdf_series,
    tdf_backcast,
)
from .replay import Replay

__all__ = [
    "QDIA_BASS",
    "SIMULATED_START_YEAR",
    "TDF_MIX",
    "Replay",
    "backcast_markets",
    "market_returns",
    "published_tdf_series",
    "tdf_backcast",
]
