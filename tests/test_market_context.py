"""Flows in market context: issuance, ratios on a constant price, impact, patient capital."""

import numpy as np
import pytest
from pydantic import ValidationError

import alt401k as ak

DAY_RATE = 3.125 * 144  # BTC a day after the April 2024 halving


def flat_run(**changes) -> ak.PoolResults:
    """A pool whose every asset returns exactly 0: bitcoin's price stays where it starts."""
    zero = [
        ak.AssetClass(name=n, expected_return=0.0, volatility=0.0, source="test")
        for n in ("bitcoin", "us_equity", "us_bonds", "intl_equity")
    ]
    markets = ak.MarketModel.from_assets(
        zero, inflation=ak.InflationModel(mean=0.0, volatility=0.0, source="test")
    )
    fields = dict(markets=markets, allocation_share=0.01, horizon_years=4)
    return ak.Scenario(**{**fields, **changes}).run(3, rng=0)


def test_issuance_follows_the_halving_schedule_exactly():
    context = ak.MarketContext.bitcoin()
    years = np.array([2026.0, 2027.0, 2028.0, 2029.0, 2032.0])
    units = context.issuance_units(years)
    full = DAY_RATE * 365.25
    np.testing.assert_allclose(units[:2], full, rtol=1e-15)
    np.testing.assert_allclose(units[2], full * (0.3 + 0.7 / 2), rtol=1e-12)  # halving at 2028.3
    np.testing.assert_allclose(units[3], full / 2, rtol=1e-15)
    np.testing.assert_allclose(units[4], full * (0.3 / 2 + 0.7 / 4), rtol=1e-12)  # 2032.3


def test_ratios_equal_hand_computations_on_a_constant_price():
    result = flat_run()
    context = ak.MarketContext.bitcoin().replace(impact_multiplier=0.0)
    table = result.market_context(context)
    years = result.years.astype(float)
    supply = context.supply + np.cumsum(context.issuance_units(years))
    value = context.market_value / context.supply * supply
    value_start = np.concatenate([[context.market_value], value[:-1]])
    flow = result.net_flows[0]
    np.testing.assert_allclose(table["market_value_p50"], value, rtol=1e-12)
    np.testing.assert_allclose(
        table["net_flow_share_of_value_p50"], flow / np.sqrt(value * value_start), rtol=1e-12
    )
    np.testing.assert_allclose(
        table["holdings_share_of_value_p50"], result.holdings[0] / value, rtol=1e-12
    )
    price = context.market_value / context.supply
    issued = context.issuance_units(years) * price
    np.testing.assert_allclose(table["issuance_dollars_p50"], issued, rtol=1e-12)
    np.testing.assert_allclose(table["net_flow_to_issuance_p50"], flow / issued, rtol=1e-12)
    np.testing.assert_allclose(table["net_flow_to_other_buyers_p50"], flow / 20e9, rtol=1e-12)
    assert np.all(table["price_impact_p95"] == 0.0)  # a zero multiplier moves nothing


def test_price_impact_is_the_decayed_sum_of_the_flows():
    result = flat_run()
    context = ak.MarketContext.bitcoin().replace(impact_multiplier=5.0, impact_half_life=1.0)
    table = result.market_context(context)
    years = result.years.astype(float)
    supply = context.supply + np.cumsum(context.issuance_units(years))
    value = context.market_value / context.supply * supply
    mid = np.sqrt(value * np.concatenate([[context.market_value], value[:-1]]))
    push = 5.0 * result.net_flows[0] / mid
    expected = [sum(push[k] * 0.5 ** (y - k) for k in range(y + 1)) for y in range(len(push))]
    np.testing.assert_allclose(table["price_impact_p50"], np.expm1(expected), rtol=1e-12)


def test_patient_capital_states_its_numbers_and_a_conclusion():
    result = ak.Scenario(allocation_share=0.01, rebalancing="annual", horizon_years=5).run(
        400, rng=3
    )
    table = result.patient_capital()
    assert list(table.index) == ["worst 10% of years", "best 10% of years", "all"]
    worst, best = table.loc["worst 10% of years"], table.loc["best 10% of years"]
    assert worst["asset_return_mean"] < 0.0 < best["asset_return_mean"]
    # Rebalanced holdings buy after a fall and sell after a rise.
    assert worst["rebalancing_mean"] > 0.0 > best["rebalancing_mean"]
    parts = sum(table.loc["all", f"{c}_mean"] for c in result.COMPONENTS)
    assert parts == pytest.approx(table.loc["all", "net_flow_mean"], rel=1e-9)
    assert -1.0 <= table.attrs["correlation"] <= 1.0
    assert "patient capital" in table.attrs["conclusion"]


@pytest.mark.parametrize(
    ("changes", "pattern"),
    [
        ({"market_value": -1.0}, r"market_value\n\s+Input should be greater than 0"),
        ({"as_of": "last year"}, r"as_of must be the date of the starting figures, YYYY-MM-DD"),
        ({"impact_multiplier": 500.0}, r"impact_multiplier"),
        ({"halvings": (2030.0, 2028.0)}, r"halvings must be increasing dates"),
        ({"supply": None}, r"issuance_per_day needs supply"),
        ({"fundraising": ((2024, -1e9),)}, r"fundraising must be dollars raised, >= 0"),
        ({"fundraising": ((2024, 1e9), (2023, 1e9))}, r"fundraising must list each calendar"),
        ({"other_flows": ((2024, 1e9), (2024, 2e9))}, r"other_flows must list each calendar"),
        ({"fundraising_forward": -1.0}, r"fundraising_forward"),
        ({"semiliquid_value": 0.0}, r"semiliquid_value"),
        ({"redemption_limit": 0.0}, r"redemption_limit"),
        ({"redemption_limit": 1.5}, r"redemption_limit"),
    ],
)
def test_bad_context_inputs_name_the_field(changes, pattern):
    fields = ak.MarketContext.bitcoin().model_dump()
    fields.update(changes)
    with pytest.raises(ValidationError, match=pattern):
        ak.MarketContext(**fields)


def test_a_context_must_match_the_asset():
    result = flat_run(asset="us_equity", pool_portfolio={"us_bonds": 1.0})
    with pytest.raises(ValueError, match=r"presets exist for bitcoin, private_equity"):
        result.market_context()
    with pytest.raises(ValueError, match=r"context is for 'bitcoin' but the run's asset"):
        result.market_context(ak.MarketContext.bitcoin())


# --- impact fed back into the returns ---------------------------------------------------------


def feedback_run(multiplier, feedback=True):
    context = ak.MarketContext.bitcoin().replace(impact_multiplier=multiplier)
    return ak.Scenario(
        sponsor_adoption=0.1,  # $1.25B in year one: 0.07% of bitcoin's value
        opt_in_rate=0.1,
        allocation_share=0.01,
        horizon_years=4,
        market_context=context,
        impact_feedback=feedback,
    ).run(60, rng=8)


def test_a_zero_multiplier_is_bit_identical_with_and_without_feedback():
    with_feedback, without = feedback_run(0.0), feedback_run(0.0, feedback=False)
    for name in ("flow_paths", "holdings", "pool_assets", "annual_returns", "asset_return"):
        np.testing.assert_array_equal(getattr(with_feedback, name), getattr(without, name))
    assert np.all(with_feedback.price_impact == 0.0)


def test_feedback_conserves_money_and_keeps_the_market_draws():
    fed, plain = feedback_run(ak.Uniform(2.0, 10.0)), feedback_run(0.0, feedback=False)
    # Common random numbers: every other asset's returns are the same draws.
    a = fed.asset_names.index("bitcoin")
    others = [i for i in range(len(fed.asset_names)) if i != a]
    np.testing.assert_array_equal(
        fed.annual_returns[..., others], plain.annual_returns[..., others]
    )
    assert not np.array_equal(fed.annual_returns[..., a], plain.annual_returns[..., a])
    # The pool's buying pushed the price up, path by path.
    assert np.all(fed.price_impact[:, 0] > 0.0)
    # Money is conserved on the impacted prices.
    start = fed.start_holdings_by_channel.sum(axis=1)
    before = np.concatenate([start[:, None], fed.holdings[:, :-1]], axis=1)
    np.testing.assert_allclose(
        fed.holdings, before + fed.net_flows + fed.asset_return, rtol=1e-9, atol=1e-3
    )
    # The fixed point: the report, recomputed from the final flows, is the impact applied.
    report = fed.market_context()
    np.testing.assert_allclose(
        report["price_impact_p50"], np.median(fed.price_impact, axis=0), rtol=1e-8, atol=1e-15
    )


def test_feedback_on_flows_too_large_for_the_model_is_refused():
    context = ak.MarketContext.bitcoin().replace(impact_multiplier=5.0)
    big = ak.Scenario(
        horizon_years=4, allocation_share=0.02, market_context=context, impact_feedback=True
    )
    with pytest.raises(
        ValueError,
        match=r"impact_feedback does not converge: the pool's flows reach 1\d\.\d% of bitcoin's",
    ):
        big.run(60, rng=8)  # $250B at once is 14% of bitcoin's market value


@pytest.mark.parametrize(
    ("changes", "pattern"),
    [
        ({"impact_feedback": True}, r"impact_feedback needs a market_context"),
        (
            {"market_context": ak.MarketContext.bitcoin(), "asset": "ether"},
            r"market_context is for 'bitcoin' but the asset is 'ether'",
        ),
        (
            {
                "asset": "private_equity",
                "market_context": ak.MarketContext.bitcoin().replace(asset="private_equity"),
                "impact_feedback": True,
            },
            r"impact_feedback cannot take 'private_equity': its returns are appraisal-smoothed",
        ),
    ],
)
def test_feedback_needs_a_context_it_can_take(changes, pattern):
    with pytest.raises(ValidationError, match=pattern):
        ak.Scenario(**changes)


# --- private assets: fund-raising and a semiliquid fund's redemption gate ----------------------


def flat_private_run(asset: str, **changes) -> ak.PoolResults:
    """A pool into a private asset whose every asset returns exactly 0 (no smoothing)."""
    zero = [
        ak.AssetClass(name=n, expected_return=0.0, volatility=0.0, source="test")
        for n in (asset, "us_equity", "us_bonds", "intl_equity")
    ]
    markets = ak.MarketModel.from_assets(
        zero, inflation=ak.InflationModel(mean=0.0, volatility=0.0, source="test")
    )
    fields = dict(markets=markets, asset=asset, allocation_share=0.01, horizon_years=4)
    return ak.Scenario(**{**fields, **changes}).run(3, rng=0)


@pytest.mark.parametrize("asset", ["private_equity", "private_credit"])
def test_private_ratios_equal_hand_computations_on_a_constant_price(asset):
    result = flat_private_run(
        asset, reversal=ak.Reversal(hazard=1.0, treatment="unwind", unwind_years=2)
    )
    context = ak.MarketContext.default_for(asset)
    assert context.asset == asset and context.impact_multiplier == 0.0
    table = result.market_context()
    years = result.years
    raised = np.array(
        [dict(context.fundraising).get(y, context.fundraising_forward) for y in years]
    )
    flow = result.net_flows[0]
    np.testing.assert_allclose(table["fundraising"], raised, rtol=0)
    np.testing.assert_allclose(table["net_flow_to_fundraising_p50"], flow / raised, rtol=1e-12)
    # Gross sales by hand: every component's selling part, a quarter of it against 5% of the
    # holdings before the sales (end of year plus sales) and of the semiliquid market's value.
    sales = sum(np.maximum(-result.component(c)[0], 0.0) for c in result.COMPONENTS)
    assert sales[1:].max() > 0  # the reversal unwinds: there is something to redeem
    before = result.holdings[0] + sales  # what the year's sales came out of
    np.testing.assert_allclose(table["redemptions_p50"], sales, rtol=1e-12)
    own = np.where(before > 0, sales / 4 / (0.05 * np.where(before > 0, before, 1)), np.nan)
    np.testing.assert_allclose(table["redemptions_to_own_capacity_p50"], own, rtol=1e-12)
    market = sales / 4 / (0.05 * context.semiliquid_value)
    np.testing.assert_allclose(table["redemptions_to_market_capacity_p50"], market, rtol=1e-12)
    np.testing.assert_allclose(table["market_value_p50"], context.market_value, rtol=1e-12)
    assert np.all(table["price_impact_p50"] == 0.0)
    assert "net_flow_to_issuance_p50" not in table  # no issuance for a private asset


def test_a_gate_binds_when_the_pool_redeems_more_than_five_percent_a_quarter():
    result = flat_private_run(
        "private_credit", reversal=ak.Reversal(hazard=1.0, treatment="unwind", unwind_years=1)
    )
    table = result.market_context(ak.MarketContext.private_credit())
    # Everything sold in one year: a quarter of the holdings a quarter, 5x a 5% gate.
    assert table["redemptions_to_own_capacity_p50"].max() == pytest.approx(5.0, rel=1e-12)
    lower = result.market_context(
        ak.MarketContext.private_credit().replace(redemption_limit=1.0)
    )  # a fund that pays out everything: capacity 20x as large
    np.testing.assert_allclose(
        lower["redemptions_to_own_capacity_p50"] * 20,
        table["redemptions_to_own_capacity_p50"],
        rtol=1e-12,
    )


def test_other_assets_have_no_preset_and_say_so():
    with pytest.raises(ValueError, match=r"needs a MarketContext for 'gold'"):
        ak.MarketContext.default_for("gold")


def test_fundraising_without_a_forward_assumption_is_not_compared():
    context = ak.MarketContext.private_equity().replace(fundraising_forward=None)
    raised = context.fundraising_flow(np.array([2023, 2024, 2030]))
    np.testing.assert_array_equal(raised[:2], [600.2e9, 492.3e9])
    assert np.isnan(raised[2])


def test_an_exchange_traded_asset_has_no_gate():
    table = flat_run().market_context(ak.MarketContext.bitcoin().replace(impact_multiplier=0.0))
    assert "redemptions_p50" in table  # gross sales are reported for any asset
    assert not any(c.startswith("redemptions_to_") for c in table.columns)
    fields = ak.MarketContext.bitcoin().model_dump()
    with pytest.raises(ValidationError, match=r"semiliquid_value needs redemption_limit"):
        ak.MarketContext(**{**fields, "semiliquid_value": 1e9})
