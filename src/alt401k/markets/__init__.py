"""Market models: asset classes, correlated returns, inflation, presets.

``MarketModel`` (a frozen pydantic specification) samples ``ReturnPaths``
(per-period simple returns, shape (S, T, A), and inflation, (S, T)) from a
correlated lognormal model matched exactly to annual arithmetic means,
volatilities and correlations. ``default_markets(preset)`` gives a 13-asset
market with cited sources (J.P. Morgan 2026 LTCMA, ICI fees, crypto
judgement); see :mod:`alt401k.markets.presets` for the table. By default
bitcoin and ether follow the realistic regime model and private equity and
private credit report appraisal-smoothed values; ``preset="lognormal"`` is
every asset the exact lognormal.

An asset may use another return model (``AssetClass(model=...)``, see
:mod:`alt401k.markets.base`): :class:`StudentT` marginals with a Gaussian or t
copula, :class:`MertonJump` jumps, :class:`RegimeSwitching` (regimes shared
across assets for joint crashes), :class:`Garch` volatility clustering, or a
:class:`Bootstrap` of a user's history; and opt-in asset fields give a
volatility schedule, an expected return drawn per scenario and a ruin
hazard; inflation may be AR(1) and correlated with asset shocks.

This package imports nothing from alt401k except ``_random``, ``_spec``-free
helpers and ``_warnings`` (an uncertain expected return given as a dict is
rebuilt with :mod:`alt401k.adoption` only when it is validated).
"""

from alt401k.markets.base import ReturnModel
from alt401k.markets.bootstrap import Bootstrap
from alt401k.markets.fitting import FitResult, fit_garch, fit_merton_jump, fit_student_t
from alt401k.markets.garch import Garch
from alt401k.markets.jumps import MertonJump
from alt401k.markets.model import AssetClass, InflationModel, MarketModel, lognormal_params
from alt401k.markets.paths import ReturnPaths
from alt401k.markets.presets import PRESETS, default_markets
from alt401k.markets.regimes import RegimeSwitching
from alt401k.markets.student_t import StudentT

__all__ = [
    "PRESETS",
    "AssetClass",
    "Bootstrap",
    "FitResult",
    "Garch",
    "InflationModel",
    "MarketModel",
    "MertonJump",
    "RegimeSwitching",
    "ReturnModel",
    "ReturnPaths",
    "StudentT",
    "default_markets",
    "fit_garch",
    "fit_merton_jump",
    "fit_student_t",
    "lognormal_params",
]
