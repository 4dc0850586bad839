r"""Bad input fails at construction with a message naming the field, the value and the range.

Pydantic errors print as::

    1 validation error for Participant
    deferral_rate
      Input should be less than or equal to 1 [type=less_than_equal, input_value=1.5, ...]

so :func:`bound` builds a pattern that requires the field (the error's location
line), the bound text and the offending value, in that order. Cross-field
checks raised from validators print as ``Value error, <message>``; their
patterns are written out in full. A pydantic error also echoes the whole input
after ``[type=..., input_value=``; patterns that look for a field name use
``[^\[]*`` between their parts so that the echo cannot satisfy them.
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
import re

import numpy as np
import pytest
from pydantic import ValidationError

import alt401k as ak
from alt401k.markets import AssetClass, InflationModel, MarketModel

MARKETS = ak.default_markets()
AVAILABLE = re.escape(", ".join(MARKETS.names))


def bound(field: str, text: str, value: object) -> str:
    """Pattern for a pydantic field error: location, bound text, then the input value."""
    return (
        rf"(?m)^{re.escape(field)}\n\s+{re.escape(text)} "
        rf"\[type=\w+, input_value={re.escape(repr(value))}(?=[,\]])"
    )


def participant(**changes: object) -> ak.Participant:
    fields: dict[str, object] = {"age": 35, "salary": 80_000.0, "deferral_rate": 0.06}
    return ak.Participant(**{**fields, **changes})


def asset(name: str, **changes: object) -> AssetClass:
    fields: dict[str, object] = {
        "name": name,
        "expected_return": 0.05,
        "volatility": 0.1,
        "source": "test",
    }
    return AssetClass(**{**fields, **changes})


SMALL_SCENARIO = ak.Scenario(horizon_years=1)


@pytest.fixture(scope="module")
def pool_result() -> ak.PoolResults:
    return SMALL_SCENARIO.run(3, rng=0)


@pytest.fixture(scope="module")
def participant_result() -> ak.ParticipantResults:
    saver = participant(age=60, retirement_age=62)
    return ak.simulate_participant(saver, n_scenarios=3, rng=0)


# --------------------------------------------------------------------------- Participant


@pytest.mark.parametrize(
    ("field", "value", "text"),
    [
        ("salary", -1.0, "Input should be greater than or equal to 0"),
        ("salary", 2e9, "Input should be less than or equal to 1000000000"),
        ("balance", -0.01, "Input should be greater than or equal to 0"),
        ("deferral_rate", 150.0, "Input should be less than or equal to 1"),
        ("deferral_rate", -0.1, "Input should be greater than or equal to 0"),
        ("roth_fraction", 101.0, "Input should be less than or equal to 1"),
        ("roth_fraction", -0.5, "Input should be greater than or equal to 0"),
        ("age", 15, "Input should be greater than or equal to 16"),
        ("age", 100, "Input should be less than or equal to 99"),
        ("retirement_age", 101, "Input should be less than or equal to 100"),
        ("salary_growth", 0.6, "Input should be less than or equal to 0.5"),
        ("start_year", 2023, "Input should be greater than or equal to 2024"),
        ("roth_balance", -1.0, "Input should be greater than or equal to 0"),
        ("prior_year_wages", -1.0, "Input should be greater than or equal to 0"),
    ],
)
def test_participant_field_bounds(field, value, text):
    changes = {field: value}
    if field == "age" and value == 100:
        changes["retirement_age"] = 100  # only the age bound is broken
    with pytest.raises(ValidationError, match=bound(field, text, value)):
        participant(**changes)


def test_participant_age_must_be_an_integer():
    with pytest.raises(ValidationError, match=r"(?m)^age\n\s+Input should be a valid integer"):
        participant(age=35.5)


@pytest.mark.parametrize(("age", "retirement_age"), [(40, 40), (50, 45)])
def test_participant_ages_in_order(age, retirement_age):
    pattern = (
        rf"Value error, retirement_age must be greater than age \({age}\); got {retirement_age}"
    )
    with pytest.raises(ValidationError, match=pattern):
        participant(age=age, retirement_age=retirement_age)


def test_participant_roth_balance_within_balance():
    pattern = r"Value error, roth_balance must be between 0 and balance \(1000\); got 2000"
    with pytest.raises(ValidationError, match=pattern):
        participant(balance=1_000.0, roth_balance=2_000.0)


def test_participant_roth_balance_equal_to_balance_is_allowed():
    assert participant(balance=1_000.0, roth_balance=1_000.0).roth_balance == 1_000.0


def test_participant_rejects_unknown_field():
    pattern = bound("deferal_rate", "Extra inputs are not permitted", 0.06)
    with pytest.raises(ValidationError, match=pattern):
        participant(deferal_rate=0.06)


@pytest.mark.parametrize(
    ("field", "value"),
    [("salary", math.nan), ("salary", math.inf), ("prior_year_wages", math.inf)],
)
def test_participant_numbers_must_be_finite(field, value):
    with pytest.raises(ValidationError, match=rf"{field} must be a finite number; got {value}"):
        participant(**{field: value})


@pytest.mark.parametrize(
    ("field", "value", "hint"),
    [("deferral_rate", 1.5, "0.015 for 1.5%"), ("roth_fraction", 1.01, "0.0101 for 1.01%")],
)
def test_participant_percent_for_a_fraction(field, value, hint):
    with pytest.raises(ValidationError, match=rf"{field} is a fraction; .*use {re.escape(hint)}"):
        participant(**{field: value})


def test_participant_horizon_fits_the_limits_table():
    # The field, the last simulated year (2150 + 84 - 1) and the table's end, in any order.
    pattern = r"(?=[^\[]*\b(start_year|retirement_age)\b)(?=[^\[]*\b2200\b)[^\[]*\b2233\b"
    with pytest.raises(ValidationError, match=pattern):
        participant(age=16, retirement_age=100, start_year=2150)


def test_participant_replace_revalidates():
    saver = participant(age=40, retirement_age=65)
    with pytest.raises(ValidationError, match=r"retirement_age must be greater than age \(40\)"):
        saver.replace(retirement_age=30)
    with pytest.raises(ValidationError, match=r"deferral_rate is a fraction; got 2, which looks"):
        saver.replace(deferral_rate=2.0)


# --------------------------------------------------------------------------- MatchFormula


def test_match_rate_negative():
    pattern = bound("tiers.0.0", "Input should be greater than or equal to 0", -0.5)
    with pytest.raises(ValidationError, match=pattern):
        ak.MatchFormula(tiers=[(-0.5, 0.03)])


def test_match_rate_above_two():
    pattern = bound("tiers.1.0", "Input should be less than or equal to 2", 2.5)
    with pytest.raises(ValidationError, match=pattern):
        ak.MatchFormula(tiers=[(1.0, 0.03), (2.5, 0.02)])


def test_match_width_zero():
    pattern = bound("tiers.0.1", "Input should be greater than 0", 0.0)
    with pytest.raises(ValidationError, match=pattern):
        ak.MatchFormula(tiers=[(0.5, 0.0)])


def test_match_widths_sum_above_one():
    pattern = (
        r"(?m)^tiers\n\s+Value error, tier widths must sum to at most 1 \(100% of pay\); got 1\.1"
    )
    with pytest.raises(ValidationError, match=pattern):
        ak.MatchFormula(tiers=[(0.5, 0.6), (0.5, 0.5)])


def test_match_widths_summing_to_one_are_allowed():
    assert ak.MatchFormula(tiers=[(0.5, 0.6), (0.25, 0.4)]).max_match_fraction == 0.4


# --------------------------------------------------------------------------- PlanDesign


def test_plan_nonelective_above_a_quarter():
    pattern = bound("nonelective_rate", "Input should be less than or equal to 0.25", 0.3)
    with pytest.raises(ValidationError, match=pattern):
        ak.PlanDesign(nonelective_rate=0.3)


def test_plan_negative_recordkeeping_fee():
    pattern = bound("recordkeeping_fee", "Input should be greater than or equal to 0", -1.0)
    with pytest.raises(ValidationError, match=pattern):
        ak.PlanDesign(recordkeeping_fee=-1.0)


def test_plan_employer_total_above_pay():
    # 200% of the first 50% of pay = 100% of pay, plus 10% non-elective.
    pattern = r"Value error, match plus nonelective_rate can reach 1\.1 of pay; allowed at most 1"
    with pytest.raises(ValidationError, match=pattern):
        ak.PlanDesign(match=ak.MatchFormula(tiers=[(2.0, 0.5)]), nonelective_rate=0.1)


def test_plan_employer_total_of_exactly_pay_is_allowed():
    plan = ak.PlanDesign(match=ak.MatchFormula(tiers=[(2.0, 0.375)]), nonelective_rate=0.25)
    assert plan.match.max_match_fraction + plan.nonelective_rate == 1.0


# --------------------------------------------------------------------------- Portfolio


def test_portfolio_weights_must_sum_to_one():
    pattern = r"(?m)^weights\n\s+Value error, weights must sum to 1; got 0\.9\b"
    with pytest.raises(ValidationError, match=pattern):
        ak.Portfolio(weights={"us_equity": 0.5, "us_bonds": 0.4})


@pytest.mark.parametrize(
    ("weights", "bad"),
    [({"us_equity": 1.5, "us_bonds": -0.5}, 1.5), ({"us_equity": -0.5, "us_bonds": 1.5}, -0.5)],
)
def test_portfolio_weight_out_of_range(weights, bad):
    pattern = rf"Value error, weights\['us_equity'\] must be between 0 and 1; got {bad}"
    with pytest.raises(ValidationError, match=pattern):
        ak.Portfolio(weights=weights)


def test_portfolio_weight_nan():
    pattern = r"Value error, weights\['us_bonds'\] must be between 0 and 1; got nan"
    with pytest.raises(ValidationError, match=pattern):
        ak.Portfolio(weights={"us_equity": 1.0, "us_bonds": math.nan})


def test_portfolio_weights_empty():
    pattern = r"(?m)^weights\n\s+Dictionary should have at least 1 item after validation, not 0"
    with pytest.raises(ValidationError, match=pattern):
        ak.Portfolio(weights={})


def test_portfolio_sleeve_shares_sum_above_one():
    pattern = r"(?m)^alt_sleeve\n\s+Value error, alt_sleeve shares must sum to at most 1; got 1\.1"
    with pytest.raises(ValidationError, match=pattern):
        ak.Portfolio(weights={"us_equity": 1.0}, alt_sleeve={"bitcoin": 0.6, "ether": 0.5})


def test_portfolio_sleeve_share_negative():
    pattern = r"Value error, alt_sleeve\['bitcoin'\] must be between 0 and 1; got -0\.1"
    with pytest.raises(ValidationError, match=pattern):
        ak.Portfolio(weights={"us_equity": 1.0}, alt_sleeve={"bitcoin": -0.1})


def test_portfolio_empty_asset_name():
    with pytest.raises(ValidationError, match=r"asset names must be non-empty strings; got ''"):
        ak.Portfolio(weights={"": 1.0})


def test_portfolio_unknown_asset_in_target_weights():
    pattern = rf"portfolio asset 'doge' is not in the market model; available: {AVAILABLE}$"
    with pytest.raises(ValueError, match=pattern):
        ak.Portfolio(weights={"doge": 1.0}).target_weights(MARKETS.names)


def test_portfolio_unknown_sleeve_asset_in_simulate_participant():
    portfolio = ak.Portfolio(weights={"us_equity": 1.0}, alt_sleeve={"doge": 0.1})
    pattern = rf"portfolio asset 'doge' is not in the market model; available: {AVAILABLE}$"
    with pytest.raises(ValueError, match=pattern):
        ak.simulate_participant(participant(), portfolio=portfolio, n_scenarios=1, rng=0)


# --------------------------------------------------------------------------- Scenario


@pytest.mark.parametrize("field", ["sponsor_adoption", "opt_in_rate", "allocation_share"])
@pytest.mark.parametrize("value", [1.5, -0.1, math.nan])
def test_scenario_fractions(field, value):
    text = rf"{field} must be (a finite number )?between 0 and 1; got {value!r}"
    with pytest.raises(ValidationError, match=rf"(?m)^{field}\n\s+Value error, {text} "):
        ak.Scenario(**{field: value})


@pytest.mark.parametrize("value", [0.0, -1e12])
def test_scenario_pool_assets_positive(value):
    pattern = bound("pool_assets", "Input should be greater than 0", value)
    with pytest.raises(ValidationError, match=pattern):
        ak.Scenario(pool_assets=value)


@pytest.mark.parametrize("value", [0, -3])
def test_scenario_horizon_at_least_one_year(value):
    pattern = bound("horizon_years", "Input should be greater than or equal to 1", value)
    with pytest.raises(ValidationError, match=pattern):
        ak.Scenario(horizon_years=value)


def test_scenario_unknown_asset():
    pattern = rf"Value error, asset 'doge' is not in markets; available: {AVAILABLE} \["
    with pytest.raises(ValidationError, match=pattern):
        ak.Scenario(asset="doge")


def test_scenario_unknown_pool_portfolio_asset_names_value_and_choices():
    pattern = rf"'doge' is not in the market model; available: {AVAILABLE} \["
    with pytest.raises(ValidationError, match=pattern):
        ak.Scenario(pool_portfolio={"doge": 1.0})


def test_scenario_unknown_pool_portfolio_asset_names_the_field():
    # [^\[] keeps the pattern out of the echoed input_value={'pool_portfolio': ...}.
    pattern = r"pool_portfolio[^\[]*'doge'[^\[]*not in"
    with pytest.raises(ValidationError, match=pattern):
        ak.Scenario(pool_portfolio={"doge": 1.0})


def test_scenario_pool_portfolio_sum_is_rejected():
    with pytest.raises(ValidationError, match=r"must sum to 1; got 0\.9\b"):
        ak.Scenario(pool_portfolio={"us_equity": 0.5, "us_bonds": 0.4})


def test_scenario_pool_portfolio_sum_names_the_field():
    pattern = r"pool_portfolio[^\[]*sum to 1[^\[]*0\.9"
    with pytest.raises(ValidationError, match=pattern):
        ak.Scenario(pool_portfolio={"us_equity": 0.5, "us_bonds": 0.4})


def test_scenario_bad_rebalancing_literal():
    pattern = (
        r"rebalancing must be 'monthly', 'quarterly', 'annual', 'never' or a Rebalancing; "
        r"got 'weekly'"
    )
    with pytest.raises(ValidationError, match=pattern):
        ak.Scenario(rebalancing="weekly")


def test_scenario_replace_revalidates():
    base = ak.Scenario()
    with pytest.raises(ValidationError, match=r"allocation_share must be between 0 and 1; got 2"):
        base.replace(allocation_share=2.0)
    with pytest.raises(ValidationError, match=r"asset 'doge' is not in markets"):
        base.replace(asset="doge")
    with pytest.raises(ValidationError, match=bound("foo", "Extra inputs are not permitted", 1)):
        base.replace(foo=1)
    # The original is untouched and a legal change goes through.
    assert base.allocation_share == 0.01
    assert base.replace(allocation_share=0.04).allocation_share == 0.04


# --------------------------------------------------------------------------- run / sweep


def _run(n_scenarios=2, **kwargs):
    return SMALL_SCENARIO.run(n_scenarios, **{"rng": 0, **kwargs})


def _simulate(n_scenarios=2, **kwargs):
    saver = participant(age=60, retirement_age=61)
    return ak.simulate_participant(saver, n_scenarios=n_scenarios, **{"rng": 0, **kwargs})


def _sweep(n_scenarios=2, **kwargs):
    kwargs = {"rng": 0, **kwargs}
    return ak.sweep(SMALL_SCENARIO, n_scenarios=n_scenarios, allocation_share=[0.05], **kwargs)


ENTRY_POINTS = [_run, _simulate, _sweep]


@pytest.mark.parametrize("entry", ENTRY_POINTS)
@pytest.mark.parametrize("n", [0, -5])
def test_n_scenarios_at_least_one(entry, n):
    pattern = rf"n_scenarios must be an integer (between 1 and 10000000|>= 1); got {n}$"
    with pytest.raises(ValueError, match=pattern):
        entry(n)


@pytest.mark.parametrize("entry", ENTRY_POINTS)
@pytest.mark.parametrize("n", [2.5, True, "3"])
def test_n_scenarios_must_be_an_integer(entry, n):
    with pytest.raises(
        ValueError, match=rf"n_scenarios must be an integer\b.*got {re.escape(repr(n))}$"
    ):
        entry(n)


@pytest.mark.parametrize("entry", [_run, _simulate])
def test_non_integer_n_scenarios_message_gives_the_range(entry):
    with pytest.raises(ValueError, match=r"n_scenarios\b.*between 1 and 10000000.*got 2\.5"):
        entry(2.5)


def test_n_scenarios_above_the_maximum():
    pattern = r"n_scenarios must be an integer between 1 and 10000000; got 10000001$"
    with pytest.raises(ValueError, match=pattern):
        _run(10_000_001)


@pytest.mark.parametrize("entry", ENTRY_POINTS)
@pytest.mark.parametrize("size", [0, -2])
def test_chunk_size_at_least_one(entry, size):
    with pytest.raises(ValueError, match=rf"chunk_size must be an integer >= 1; got {size}$"):
        entry(chunk_size=size)


@pytest.mark.parametrize("entry", ENTRY_POINTS)
@pytest.mark.parametrize(
    "rng", ["seed", 1.5, True, np.random.RandomState(0)], ids=["str", "float", "bool", "legacy"]
)
def test_rng_of_a_bad_type(entry, rng):
    # TypeError, as numpy raises for SeedSequence("seed"): the value's type is what is wrong.
    pattern = (
        r"rng must be None, a non-negative int, a numpy SeedSequence or a numpy Generator; "
        rf"got {type(rng).__name__}$"
    )
    with pytest.raises(TypeError, match=pattern):
        entry(rng=rng)


@pytest.mark.parametrize("entry", ENTRY_POINTS)
def test_rng_negative_seed(entry):
    with pytest.raises(ValueError, match=r"rng must be a non-negative integer seed; got -1$"):
        entry(rng=-1)


def test_periods_per_year_must_be_supported():
    with pytest.raises(
        ValueError, match=r"periods_per_year must be one of \(1, 2, 4, 12, 52\); got 5$"
    ):
        _simulate(periods_per_year=5)


def test_periods_per_year_float_is_rejected_with_this_entry_points_range():
    with pytest.raises(
        ValueError, match=r"periods_per_year must be one of \(1, 2, 4, 12, 52\); got 12\.0$"
    ):
        _simulate(periods_per_year=12.0)


def test_sweep_unknown_field():
    with pytest.raises(
        ValueError, match=r"unknown Scenario field 'foo' in sweep; fields: pool_assets, "
    ):
        ak.sweep(SMALL_SCENARIO, n_scenarios=2, rng=0, foo=[1])


def test_sweep_empty_grid():
    with pytest.raises(
        ValueError, match=r"grid 'allocation_share' must hold at least one value; got none"
    ):
        ak.sweep(SMALL_SCENARIO, n_scenarios=2, rng=0, allocation_share=[])


def test_sweep_needs_a_grid():
    with pytest.raises(ValueError, match=r"sweep needs at least one grid"):
        ak.sweep(SMALL_SCENARIO, n_scenarios=2, rng=0)


def test_sweep_bad_grid_value_is_validated():
    with pytest.raises(ValidationError, match=r"allocation_share must be between 0 and 1; got 2"):
        ak.sweep(SMALL_SCENARIO, n_scenarios=2, rng=0, allocation_share=[2.0])


def test_sweep_quantiles_out_of_range():
    pattern = r"quantiles must be [^\n]*between 0 and 1; got \[1\.5\]"
    with pytest.raises(ValueError, match=pattern):
        _sweep(quantiles=[1.5])


# --------------------------------------------------------------------------- MarketModel

TWO = (asset("a"), asset("b"))


@pytest.mark.parametrize(
    ("correlation", "got"),
    [([[1.0]], "1x1"), (np.eye(3), "3x3"), ([[1.0, 0.2], [0.2]], "ragged")],
)
def test_market_correlation_wrong_size(correlation, got):
    pattern = rf"Value error, correlation must be 2x2 to match 2 assets \(a, b\); got {got}"
    with pytest.raises(ValidationError, match=pattern):
        MarketModel(assets=TWO, correlation=correlation)


def test_market_correlation_not_symmetric():
    pattern = (
        r"Value error, correlation must be symmetric: correlation\[0\]\[1\]=0\.2 "
        r"but correlation\[1\]\[0\]=0\.3 \(a, b\)"
    )
    with pytest.raises(ValidationError, match=pattern):
        MarketModel(assets=TWO, correlation=[[1.0, 0.2], [0.3, 1.0]])


def test_market_correlation_not_psd():
    # Eigenvalues of this matrix: -0.8, 1.9, 1.9.
    corr = [[1.0, 0.9, -0.9], [0.9, 1.0, 0.9], [-0.9, 0.9, 1.0]]
    assert np.linalg.eigvalsh(corr)[0] == pytest.approx(-0.8)
    pattern = (
        r"Value error, correlation must be positive semi-definite; "
        r"its smallest eigenvalue is -0\.8 < -1e-10"
    )
    with pytest.raises(ValidationError, match=pattern):
        MarketModel(assets=(asset("a"), asset("b"), asset("c")), correlation=corr)


def test_market_correlation_entry_outside_unit_interval():
    pattern = r"Value error, correlation\[0\]\[1\]=1\.2 \(a, b\) is outside \[-1, 1\]"
    with pytest.raises(ValidationError, match=pattern):
        MarketModel(assets=TWO, correlation=[[1.0, 1.2], [1.2, 1.0]])


def test_market_correlation_diagonal_must_be_one():
    pattern = r"Value error, correlation\[0\]\[0\] \(a\) must be 1 on the diagonal; got 0\.9"
    with pytest.raises(ValidationError, match=pattern):
        MarketModel(assets=TWO, correlation=[[0.9, 0.2], [0.2, 1.0]])


def test_market_correlation_nan():
    pattern = bound("correlation.0.1", "Input should be a finite number", math.nan)
    with pytest.raises(ValidationError, match=pattern):
        MarketModel(assets=TWO, correlation=[[1.0, math.nan], [math.nan, 1.0]])


def test_asset_volatility_negative():
    pattern = bound("volatility", "Input should be greater than or equal to 0", -0.1)
    with pytest.raises(ValidationError, match=pattern):
        asset("a", volatility=-0.1)
    nested = bound("assets.0.volatility", "Input should be greater than or equal to 0", -0.1)
    with pytest.raises(ValidationError, match=nested):
        MarketModel(assets=({**TWO[0].model_dump(), "volatility": -0.1},), correlation=[[1.0]])


def test_asset_expected_return_total_loss():
    pattern = (
        r"(?m)^expected_return\n\s+"
        r"Value error, expected_return must be > -1 \(a total loss\); got -1\.0"
    )
    with pytest.raises(ValidationError, match=pattern):
        asset("a", expected_return=-1.0)


def test_market_duplicate_names():
    with pytest.raises(ValidationError, match=r"asset names must be unique; duplicated: 'a'"):
        MarketModel(assets=(asset("a"), asset("a")), correlation=np.eye(2))


def test_market_subset_unknown_asset():
    with pytest.raises(ValueError, match=rf"unknown asset 'doge'; available: {AVAILABLE}$"):
        MARKETS.subset(["us_equity", "doge"])


def test_default_markets_unknown_preset():
    pattern = (
        r"unknown preset 'moon'; available: crypto_realistic, lognormal, base, crypto_bull, "
        r"crypto_bear, low_equity_returns, crypto_uncertain, crypto_history$"
    )
    with pytest.raises(ValueError, match=pattern):
        ak.default_markets("moon")


def test_market_variant_revalidates():
    pattern = r"correlation\[11\]\[12\]=1\.5 \(bitcoin, ether\) is outside \[-1, 1\]"
    with pytest.raises(ValidationError, match=pattern):
        MARKETS.with_correlation("bitcoin", "ether", 1.5)


# --------------------------------------------------------------------------- results


def test_pool_component_unknown(pool_result):
    pattern = (
        r"component must be one of reallocation, contributions, distributions, rebalancing; "
        r"got 'bogus'$"
    )
    with pytest.raises(ValueError, match=pattern):
        pool_result.component("bogus")


@pytest.mark.parametrize("quantiles", [[1.5], [-0.1, 0.5], [math.nan], []])
def test_pool_summary_quantiles(pool_result, quantiles):
    pattern = (
        r"quantiles must be non-empty and each between 0 and 1; "
        rf"got {re.escape(repr(quantiles))}$"
    )
    with pytest.raises(ValueError, match=pattern):
        pool_result.summary(quantiles=quantiles)


def test_participant_summary_quantiles(participant_result):
    pattern = r"quantiles must be non-empty and each between 0 and 1; got \[1\.5\]$"
    with pytest.raises(ValueError, match=pattern):
        participant_result.summary(quantiles=[1.5])


@pytest.mark.parametrize("index", [-1, 3])
def test_ledger_scenario_out_of_range(participant_result, index):
    pattern = rf"scenario must be an integer between 0 and 2; got {index}$"
    with pytest.raises(ValueError, match=pattern):
        participant_result.ledger(scenario=index)


# --------------------------------------------------------------------------- frozen specs

SPECS = {
    "Participant": (participant(), "salary", 1.0),
    "MatchFormula": (ak.MatchFormula.modal(), "tiers", ()),
    "PlanDesign": (ak.PlanDesign(), "nonelective_rate", 0.1),
    "Portfolio": (ak.Portfolio(weights={"us_equity": 1.0}), "weights", {"us_bonds": 1.0}),
    "Scenario": (SMALL_SCENARIO, "allocation_share", 0.5),
    "MarketModel": (MARKETS, "inflation", InflationModel()),
    "AssetClass": (MARKETS["bitcoin"], "volatility", 0.1),
    "InflationModel": (InflationModel(), "mean", 0.03),
}


@pytest.mark.parametrize("name", SPECS)
def test_specs_are_frozen(name):
    spec, field, value = SPECS[name]
    before = getattr(spec, field)
    with pytest.raises(ValidationError, match=rf"(?m)^{field}\n\s+Instance is frozen"):
        setattr(spec, field, value)
    assert getattr(spec, field) == before


@pytest.mark.parametrize("name", SPECS)
def test_specs_forbid_unknown_fields(name):
    spec, _, _ = SPECS[name]
    data = spec.model_dump()
    with pytest.raises(ValidationError, match=bound("bogus", "Extra inputs are not permitted", 1)):
        type(spec).model_validate({**data, "bogus": 1})


def test_results_are_frozen(pool_result, participant_result):
    for result in (pool_result, participant_result):
        with pytest.raises(dataclasses.FrozenInstanceError, match=r"cannot assign to field 'seed'"):
            result.seed = np.random.SeedSequence(1)


def _mutate_portfolio_weights():
    portfolio = ak.Portfolio(weights={"us_equity": 0.6, "us_bonds": 0.4})
    return portfolio, portfolio.weights


def _mutate_sleeve():
    portfolio = ak.Portfolio(weights={"us_equity": 1.0}, alt_sleeve={"us_bonds": 0.4})
    return portfolio, portfolio.alt_sleeve


def _mutate_pool_portfolio():
    scenario = ak.Scenario()
    return scenario, scenario.pool_portfolio


@pytest.mark.parametrize(
    "make", [_mutate_portfolio_weights, _mutate_sleeve, _mutate_pool_portfolio]
)
def test_dict_fields_of_frozen_specs_cannot_be_mutated(make):
    spec, mapping = make()
    before = spec.model_dump()
    with contextlib.suppress(TypeError):
        mapping["us_bonds"] = 5.0
    assert spec.model_dump() == before


def test_frozen_specs_with_dict_fields_are_hashable():
    a = ak.Portfolio(weights={"us_equity": 0.6, "us_bonds": 0.4})
    b = ak.Portfolio(weights={"us_equity": 0.6, "us_bonds": 0.4})
    assert hash(a) == hash(b)
    assert hash(ak.Scenario()) == hash(ak.Scenario())
