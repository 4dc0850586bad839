"""Adoption from the world as it is: the start state, the brokerage window, product availability."""

import numpy as np
import pytest
from pydantic import ValidationError

import alt401k as ak

SHARE = 0.02


def realistic(**changes):
    """The evidence path: segments' curves, so the default start state, window and availability."""
    fields = dict(
        sponsor_adoption="segments",
        opt_in_rate=ak.crypto_opt_in_curve(),
        allocation_share=SHARE,
        horizon_years=3,
    )
    return ak.Scenario(**{**fields, **changes})


def expected_start(scenario: ak.Scenario) -> tuple[float, float]:
    """Holdings at the start by hand: active (core menu) and window, dollars."""
    population = scenario.resolved_population()
    state, window = scenario.start_state_in_force(), scenario.window_in_force()
    params = scenario.calibration().parameters
    balance = population.weight * params.apply(population).balance
    segment = population.segment.astype(str)
    in_window = np.array([window.people_share(s) for s in segment])
    in_window = np.where(population.default_investor, 0.0, in_window)
    h0 = np.array([state.sponsor_share_of(s) for s in segment]) * state.opt_in_share
    active = np.sum(balance * (1.0 - in_window) * h0 * SHARE)
    held = np.sum(balance * in_window * window.holders_start * window.allocation_share)
    return float(active), float(held)


def test_a_2026_scenario_starts_with_holdings_split_by_channel():
    scenario = realistic()
    result = scenario.run(20, rng=1)
    start = result.start_holdings()
    active, window = expected_start(scenario)
    assert start.loc["active", "mean"] == pytest.approx(active, rel=1e-12)
    assert start.loc["window", "mean"] == pytest.approx(window, rel=1e-12)
    assert start.loc["default", "mean"] == 0.0
    assert active > 0.0 and window > 0.0
    assert start.loc["total", "mean"] == pytest.approx(active + window, rel=1e-12)
    # A holding, not a flow: year 0's reallocation counts only the new holders.
    first = result.holdings[:, 0] - result.asset_return[:, 0] - result.net_flows[:, 0]
    np.testing.assert_allclose(first, active + window, rtol=1e-9)


def test_the_headline_arithmetic_starts_from_zero():
    headline = ak.Scenario(horizon_years=1)
    assert headline.start_state_in_force() is None
    assert headline.window_in_force() is None
    assert headline.availability_in_force() is None
    out = headline.run(3, rng=0)
    assert out.headline_reallocation == pytest.approx(125e9, rel=1e-14)
    assert out.start_holdings().loc["total", "mean"] == 0.0
    # "none" switches the evidence off on the realistic path too.
    bare = realistic(start_state="none", brokerage_window="none").run(5, rng=0)
    assert bare.start_holdings().loc["total", "mean"] == 0.0


def test_window_flows_are_reported_apart_and_add_up():
    result = realistic().run(40, rng=2)
    by_channel = result.flows(by_channel=True)
    total = result.flows()
    summed = by_channel.groupby(["scenario", "year", "component"], observed=True)["dollars"].sum()
    np.testing.assert_allclose(
        summed.to_numpy(), total["dollars"].to_numpy(), rtol=1e-12, atol=1e-3
    )
    window = by_channel[by_channel["channel"] == "window"]
    assert window["dollars"].abs().sum() > 0.0
    summary = result.summary()
    np.testing.assert_allclose(
        summary["window_net_flow_mean"], result.window_flows.sum(axis=-1).mean(axis=0), rtol=1e-12
    )
    np.testing.assert_allclose(
        summary["window_holdings_mean"], result.holdings_by_channel[..., 2].mean(axis=0)
    )
    np.testing.assert_allclose(result.holdings_by_channel.sum(axis=-1), result.holdings, rtol=1e-12)
    streamed = realistic().run(40, rng=2, keep_paths=False).summary()
    for column in ("window_net_flow_mean", "window_holdings_mean", "net_flow_mean"):
        np.testing.assert_allclose(streamed[column], summary[column], rtol=1e-9)


def test_the_window_is_not_capped_and_survives_a_reversal():
    window = ak.BrokerageWindow(allocation_share=0.5)  # far above every segment's cap
    kept = realistic(brokerage_window=window).run(10, rng=3)
    undone = realistic(
        brokerage_window=window, reversal=ak.Reversal(hazard=1.0, treatment="unwind")
    ).run(10, rng=3)
    np.testing.assert_array_equal(undone.window_flows, kept.window_flows)
    assert np.all(undone.holdings_by_channel[:, -1, 2] > 0.0)
    assert np.all(undone.holdings_by_channel[:, -1, 0] < kept.holdings_by_channel[:, -1, 0])


def test_availability_bounds_sponsor_adoption():
    everyone = tuple(seg.replace(adoption=ak.Fixed(1.0)) for seg in ak.segments.default_segments())
    reach = ak.ProductAvailability(
        launches=(ak.Launch(name="one platform", year=2026.0, reach=0.25),)
    )
    common = dict(
        sponsor_adoption="segments",
        segments=everyone,
        opt_in_rate=1.0,
        allocation_share=0.01,
        start_state="none",
        brokerage_window="none",
        horizon_years=1,
    )
    bounded = ak.Scenario(**common, availability=reach).run(2, rng=0)
    free = ak.Scenario(**common, availability="none").run(2, rng=0)
    assert free.headline_reallocation == pytest.approx(125e9, rel=1e-12)
    assert bounded.headline_reallocation == pytest.approx(0.25 * 125e9, rel=1e-12)


def test_default_availability_follows_the_announced_launches():
    access = ak.ProductAvailability()
    assert access.share("mega", 2026.0) == pytest.approx(0.25)  # Fidelity's reach (est.)
    assert access.share("micro", 2026.0) == pytest.approx(0.10)  # ForUsAll + Fidelity
    assert access.share("mega", 2029.5) == pytest.approx(0.95)
    assert np.all(np.diff(access.share("mid", np.arange(2020, 2035))) >= 0.0)


def test_the_start_state_is_below_what_products_allow():
    state = ak.StartState()
    access = ak.ProductAvailability()
    for segment, share in state.sponsor_share.items():
        assert share <= access.share(segment, 2026.0)


# --- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("build", "pattern"),
    [
        (lambda: ak.StartState(sponsor_share=1.5), r"sponsor_share must be between 0 and 1"),
        (
            lambda: ak.StartState(sponsor_share={"mega": -0.1}),
            r"sponsor_share\['mega'\] must be between 0 and 1",
        ),
        (lambda: ak.StartState(opt_in_share=2), r"opt_in_share must be between 0 and 1"),
        (lambda: ak.BrokerageWindow(users=1.2), r"users must be between 0 and 1"),
        (lambda: ak.BrokerageWindow(offered=True), r"offered must be a number .* not the boolean"),
        (
            lambda: ak.Launch(name="old", year=2023.0, reach=0.1),
            r"launch 'old' is dated 2023, before the order .* give its source",
        ),
    ],
)
def test_bad_start_inputs_name_the_field(build, pattern):
    with pytest.raises(ValidationError, match=pattern):
        build()


def test_a_start_share_above_what_products_allow_is_refused():
    with pytest.raises(
        ValidationError,
        match=r"start_state.sponsor_share\['mega'\] = 0.5 is above the share of plans with a "
        r"product at the start \(0.25, availability\)",
    ):
        realistic(start_state=ak.StartState(sponsor_share={"mega": 0.5}))


def test_start_holdings_respect_the_menu_cap():
    with pytest.raises(ValidationError, match=r"allocation_share can reach 0.3, above the cap"):
        realistic(allocation_share=0.3)


def test_a_new_default_option_takes_new_money_only_when_old_balances_stay():
    def run(existing: str) -> ak.PoolResults:
        fund = ak.DefaultChannel(sleeve_share=0.02, existing_balances=existing)
        return ak.Scenario(
            sponsor_adoption=1.0, active_channel=False, default_fund=fund, horizon_years=2
        ).run(5, rng=4)

    stay, move = run("stay"), run("move")
    assert np.all(stay.component("reallocation") == 0.0)
    assert np.all(stay.component("rebalancing") == 0.0)
    assert np.all(move.component("reallocation")[:, 0] > 0.0)
    # New money is the same either way: 2% of the default investors' contributions.
    np.testing.assert_allclose(
        stay.component("contributions"), move.component("contributions"), rtol=1e-12
    )
    with pytest.raises(ValidationError, match=r"existing_balances"):
        ak.DefaultChannel(existing_balances="keep")
