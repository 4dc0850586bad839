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

from . import display, io, plotting, validation
from ._calibrate import FlowCalibration, FlowParameters
from ._version import __version__
from ._warnings import Alt401kWarning
from .adoption import (
    ActiveChannel,
    Bass,
    Beta,
    BrokerageWindow,
    Choice,
    DefaultChannel,
    Fixed,
    Launch,
    Logistic,
    LogNormal,
    Normal,
    ProductAvailability,
    Rebalancing,
    Reversal,
    StartState,
    Triangular,
    Uniform,
    crypto_opt_in_curve,
    crypto_sponsor_curves,
    private_markets_sponsor_curves,
)
from .comparisons import (
    RothTraditionalComparison,
    TaxableAccountPaths,
    roth_vs_traditional,
    tax_deferred_vs_taxable,
    taxable_account,
)
from .contributions import AnnualContributions, annual_contributions
from .flow_targets import FlowTargets
from .io import (
    load,
    read_scenario,
    rerun,
    save,
    scenario_from_yaml,
    scenario_schema,
    scenario_to_yaml,
    write_scenario,
)
from .leakage import Leakage
from .limits import IRSLimits, catch_up_limit, irs_limits, limits_by_year, limits_from_prices
from .market_context import MarketContext
from .markets import (
    AssetClass,
    Bootstrap,
    Garch,
    InflationModel,
    MarketModel,
    MertonJump,
    RegimeSwitching,
    ReturnPaths,
    StudentT,
    default_markets,
)
from .outflows import mortality_rate, outflow_parts, outflow_rate
from .pay import PayPath, salary_paths
from .plan import PLAN_PRESETS, MatchFormula, PlanDesign, Vesting
from .population import Participant, Population
from .portfolio import Portfolio, target_date_weights
from .results import (
    ParticipantResults,
    PoolResults,
    StreamedParticipantResults,
    StreamedPoolResults,
)
from .retirement import Retirement, RetirementPaths
from .scenario import Scenario, simulate_participant, sweep
from .segments import PlanSegment, default_segments
from .sensitivity import sensitivity
from .tax import (
    TaxSchedule,
    early_withdrawal_penalty,
    required_minimum_distribution,
    rmd_start_age,
    share_before_59_half,
    taxable_social_security,
    uniform_lifetime_divisor,
)

__all__ = [
    "PLAN_PRESETS",
    "ActiveChannel",
    "Alt401kWarning",
    "AnnualContributions",
    "AssetClass",
    "Bass",
    "Beta",
    "Bootstrap",
    "BrokerageWindow",
    "Choice",
    "DefaultChannel",
    "Fixed",
    "FlowCalibration",
    "FlowParameters",
    "FlowTargets",
    "Garch",
    "IRSLimits",
    "InflationModel",
    "Launch",
    "Leakage",
    "LogNormal",
    "Logistic",
    "MarketContext",
    "MarketModel",
    "MatchFormula",
    "MertonJump",
    "Normal",
    "Participant",
    "ParticipantResults",
    "PayPath",
    "PlanDesign",
    "PlanSegment",
    "PoolResults",
    "Population",
    "Portfolio",
    "ProductAvailability",
    "Rebalancing",
    "RegimeSwitching",
    "Retirement",
    "RetirementPaths",
    "ReturnPaths",
    "Reversal",
    "RothTraditionalComparison",
    "Scenario",
    "StartState",
    "StreamedParticipantResults",
    "StreamedPoolResults",
    "StudentT",
    "TaxSchedule",
    "TaxableAccountPaths",
    "Triangular",
    "Uniform",
    "Vesting",
    "__version__",
    "annual_contributions",
    "catch_up_limit",
    "crypto_opt_in_curve",
    "crypto_sponsor_curves",
    "default_markets",
    "default_segments",
    "display",
    "early_withdrawal_penalty",
    "io",
    "irs_limits",
    "limits_by_year",
    "limits_from_prices",
    "load",
    "mortality_rate",
    "outflow_parts",
    "outflow_rate",
    "plotting",
    "private_markets_sponsor_curves",
    "read_scenario",
    "required_minimum_distribution",
    "rerun",
    "rmd_start_age",
    "roth_vs_traditional",
    "salary_paths",
    "save",
    "scenario_from_yaml",
    "scenario_schema",
    "scenario_to_yaml",
    "sensitivity",
    "share_before_59_half",
    "simulate_participant",
    "sweep",
    "target_date_weights",
    "tax_deferred_vs_taxable",
    "taxable_account",
    "taxable_social_security",
    "uniform_lifetime_divisor",
    "validation",
    "write_scenario",
]
