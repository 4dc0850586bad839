"""Redemption gates: sales of the alternative asset capped per calendar quarter."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from pydantic import ValidationError

import alt401k as ak
from alt401k.engine import ChannelInputs, GroupSchedule, simulate
from alt401k.markets import default_markets

GATE = 0.05
N = 12


def setup(monthly_return: float, rebalance_at, n_scenarios: int = 3, n_years: int = 1):
    """One group, 1000 dollars, 10% in an asset growing ``monthly_return`` a month."""
    t = n_years * N
    returns = np.zeros((n_scenarios, t, 2))
    returns[:, :, 1] = monthly_return
    schedule = GroupSchedule(
        core_weights=np.tile(np.array([[1.0], [0.0]]), (n_years, 1, 1)),
        portfolio=np.array([0]),
        expense_ratio=np.zeros(2),
        contributions=np.zeros((1, n_years, 1)),
        balance0=np.array([[1000.0]]),
        flat_fee=np.zeros((n_years, 1)),
        outflow=np.zeros((n_years, 1)),
        periods_per_year=N,
        asset=1,
    )
    fraction = np.zeros((t, 1))
    fraction[list(rebalance_at)] = 1.0
    channel = ChannelInputs(
        holder_share=np.ones((n_scenarios, n_years, 1)),
        target_share=np.full((n_scenarios, n_years, 1), 0.1),
        new_money_share=np.full((n_scenarios, n_years, 1), 0.1),
        rebalance_fraction=fraction,
        rebalance_on=np.ones((n_scenarios, n_years)),
        unwind=np.zeros((n_scenarios, t)),
        channel=np.array([0]),
    )
    return returns, schedule, channel


def gated(schedule: GroupSchedule, gate: float | None = GATE) -> GroupSchedule:
    return dataclasses.replace(schedule, gate=gate)


def test_first_quarter_sale_is_capped_and_the_blocked_amount_reported():
    returns, schedule, channel = setup(0.10, rebalance_at=[2])  # one sale, end of Q1
    free = simulate(returns, schedule, channel)
    capped = simulate(returns, gated(schedule), channel)
    desired = -free.flows[:, 0, 3]
    executed = -capped.flows[:, 0, 3]
    start_holdings = 100.0  # 10% of 1000 bought at adoption, the start of Q1
    assert np.all(desired > GATE * start_holdings)
    np.testing.assert_allclose(executed, GATE * start_holdings, rtol=1e-14)
    np.testing.assert_allclose(capped.blocked_sales[:, 0], desired - executed, rtol=1e-13)
    assert np.all(free.blocked_sales == 0.0)


def reference(monthly_return: float, n_years: int, gate: float):
    """Per-period reference of the gated one-group case (monthly rebalancing)."""
    x, y = 100.0, 900.0
    sales, starts, blocked, holdings = [], [], 0.0, []
    for _year in range(n_years):
        for k in range(N):
            if k % 3 == 0:
                room = gate * x
                starts.append(x)
                sales.append(0.0)
            x *= 1.0 + monthly_return
            trade = 0.1 * (x + y) - x
            if trade < 0:
                sale = min(-trade, room)
                blocked += -trade - sale
                room -= sale
                sales[-1] += sale
                trade = -sale
            x += trade
            y -= trade
        holdings.append(x)
    return np.array(sales), np.array(starts), blocked, np.array(holdings)


def test_every_quarter_respects_the_gate_against_a_reference():
    returns, schedule, channel = setup(0.04, rebalance_at=range(2 * N), n_years=2)
    out = simulate(returns, gated(schedule), channel)
    sales, starts, blocked, holdings = reference(0.04, 2, GATE)
    np.testing.assert_allclose(out.holdings[0], holdings, rtol=1e-12)
    np.testing.assert_allclose(out.blocked_sales[0].sum(), blocked, rtol=1e-12)
    np.testing.assert_allclose(-out.flows[0, :, 3], sales.reshape(2, 4).sum(axis=1), rtol=1e-12)
    assert blocked > 0
    # Executed sales per quarter never exceed the gate times the quarter-start holdings.
    assert np.all(sales <= GATE * starts * (1 + 1e-12))
    assert np.any(sales == pytest.approx(GATE * starts))


def test_purchases_are_never_gated():
    returns, schedule, channel = setup(-0.08, rebalance_at=range(N))  # asset falls: buys
    free = simulate(returns, schedule, channel)
    capped = simulate(returns, gated(schedule), channel)
    for field in dataclasses.fields(free):
        if field.name != "ledger":
            np.testing.assert_array_equal(getattr(capped, field.name), getattr(free, field.name))
    assert np.all(free.flows[:, :, 3] > 0)


def test_a_gate_that_never_binds_is_bit_identical_to_none():
    returns, schedule, channel = setup(0.01, rebalance_at=range(N))
    free = simulate(returns, schedule, channel)
    loose = simulate(returns, gated(schedule, 1.0), channel)
    for field in dataclasses.fields(free):
        if field.name != "ledger":
            np.testing.assert_array_equal(getattr(loose, field.name), getattr(free, field.name))


def test_unwinding_is_gated():
    returns, schedule, channel = setup(0.0, rebalance_at=[])
    unwind = np.zeros_like(channel.unwind)
    unwind[:, 5] = 1.0  # sell everything in Q2
    channel = dataclasses.replace(channel, unwind=unwind)
    out = simulate(returns, gated(schedule), channel)
    np.testing.assert_allclose(out.holdings[:, 0], 95.0, rtol=1e-14)
    np.testing.assert_allclose(out.blocked_sales[:, 0], 95.0, rtol=1e-14)


def test_engine_gate_validation():
    _, schedule, _ = setup(0.0, rebalance_at=[])
    with pytest.raises(ValueError, match=r"gate must be None or in \(0, 1\]; got 0.0"):
        gated(schedule, 0.0)


# ------------------------------------------------------------------ scenario


def rally_scenario(**changes) -> ak.Scenario:
    markets = default_markets().replace_asset("bitcoin", expected_return=0.30)
    return ak.Scenario(markets=markets, rebalancing="monthly", horizon_years=3, **changes)


def test_scenario_gate_blocks_sales_and_conserves_money():
    free = rally_scenario().run(16, rng=3)
    capped = rally_scenario(redemption_gate=GATE).run(16, rng=3)
    assert np.all(free.blocked_sales == 0.0)
    assert capped.blocked_sales.sum() > 0.0
    assert "blocked_sales_mean" in capped.summary().columns
    assert np.all(capped.summary()["blocked_sales_mean"] >= 0.0)
    # Fewer sales in the gated run: rebalancing flows are larger (less negative).
    assert capped.component("rebalancing").sum() > free.component("rebalancing").sum()
    # holdings[y] = holdings[y-1] + flows + asset_return, still exact.
    previous = np.concatenate([np.zeros((16, 1)), capped.holdings[:, :-1]], axis=1)
    np.testing.assert_allclose(
        capped.holdings - previous,
        capped.net_flows + capped.asset_return,
        rtol=0,
        atol=1e-12 * capped.pool_assets.max(),
    )


def test_scenario_without_gate_is_unchanged():
    a = ak.Scenario(horizon_years=2).run(8, rng=1)
    b = ak.Scenario(horizon_years=2, redemption_gate=None).run(8, rng=1)
    np.testing.assert_array_equal(a.flow_paths, b.flow_paths)
    np.testing.assert_array_equal(a.holdings, b.holdings)


@pytest.mark.parametrize("value", [0.0, -0.05, 1.5])
def test_scenario_gate_validation(value):
    with pytest.raises(ValidationError, match=r"redemption_gate must be None or in \(0, 1\]"):
        ak.Scenario(redemption_gate=value)
