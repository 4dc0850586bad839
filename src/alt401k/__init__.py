"""alt401k: alternative assets in US 401(k) and other defined-contribution plans.

Monte Carlo simulation of (1) what an allocation to crypto or private assets
does to a saver's retirement and (2) how much money flows from the ~$12.5T
DC pool into the asset, and how fast.

>>> import alt401k as ak
>>> out = ak.Scenario(sponsor_adoption=1.0, opt_in_rate=1.0, allocation_share=0.01).run(
...     n_scenarios=10, rng=1)
>>> round(out.headline_reallocation / 1e9)
125
"""

from ._warnings import Alt401kWarning
from .contributions import AnnualContributions, annual_contributions
from .limits import IRSLimits, catch_up_limit, irs_limits, limits_by_year
from .markets import AssetClass, InflationModel, MarketModel, ReturnPaths, default_markets
from .plan import MatchFormula, PlanDesign
from .population import Participant
from .portfolio import Portfolio
from .results import ParticipantResults, PoolResults
from .scenario import Scenario, simulate_participant, sweep

__version__ = "0.1.0"

__all__ = [
    "Alt401kWarning",
    "AnnualContributions",
    "AssetClass",
    "IRSLimits",
    "InflationModel",
    "MarketModel",
    "MatchFormula",
    "Participant",
    "ParticipantResults",
    "PlanDesign",
    "PoolResults",
    "Portfolio",
    "ReturnPaths",
    "Scenario",
    "__version__",
    "annual_contributions",
    "catch_up_limit",
    "default_markets",
    "irs_limits",
    "limits_by_year",
    "simulate_participant",
    "sweep",
]
