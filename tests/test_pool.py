"""The pool on the participant engine: populations, adoption over time, channels, reversal.

These are the checks the population issue names as "done when": exact
headline arithmetic through the population model, one cell = one saver,
the pool = the sum of its cells, zero knobs give zero flows, reversal and
Bass timing, common random numbers, plain-data specs.
"""

import copy
import pickle
import warnings

import numpy as np
import pandas as pd
import pytest
from pydantic import ValidationError

import alt401k as ak

SAVER = ak.Participant(
    age=40, salary=90_000, balance=60_000, deferral_rate=0.08, roth_fraction=0.3, roth_balance=5_000
)


def flat_markets() -> ak.MarketModel:
    """Deterministic markets: zero returns, zero volatility, zero fees."""
    assets = [
        ak.AssetClass(name=name, expected_return=0.0, volatility=0.0, source="test")
        for name in ("us_equity", "us_bonds", "intl_equity", "bitcoin")
    ]
    return ak.MarketModel.from_assets(assets)


# ------------------------------------------------------------------ exact arithmetic


def test_headline_through_the_population_model():
    out = ak.Scenario(sponsor_adoption=1.0, opt_in_rate=1.0, allocation_share=0.01).run(200, rng=5)
    assert out.scenario.total_assets == pytest.approx(12.5e12, abs=1.0)
    np.testing.assert_allclose(out.component("reallocation")[:, 0], 125e9, rtol=0, atol=0.01)


def test_one_cell_population_reproduces_simulate_participant():
    plan = ak.PlanDesign(recordkeeping_fee=40.0)
    n_years = SAVER.n_years
    scn = ak.Scenario(
        population=SAVER,
        plan=plan,
        sponsor_adoption=0.0,
        distribution_rate=0.0,
        horizon_years=n_years,
        pool_portfolio={"us_equity": 0.6, "us_bonds": 0.4},
        pay_follows_prices=False,  # the saver's pay grows at its fixed rate
    )
    pool = scn.run(300, rng=11)
    saver = ak.simulate_participant(
        SAVER,
        plan,
        ak.Portfolio(weights={"us_equity": 0.6, "us_bonds": 0.4}),
        n_scenarios=300,
        rng=11,
    )
    np.testing.assert_allclose(pool.final_non_holder[:, 0], saver.terminal_balance, rtol=1e-12)
    np.testing.assert_allclose(pool.pool_assets, saver.balance_end, rtol=1e-12)


def test_sleeve_in_the_pool_equals_the_sleeve_of_a_saver():
    # Full adoption, monthly rebalancing to 2% bitcoin: the saver's sleeve portfolio.
    scn = ak.Scenario(
        population=SAVER,
        plan=ak.PlanDesign(),
        allocation_share=0.02,
        rebalancing="monthly",
        distribution_rate=0.0,
        horizon_years=SAVER.n_years,
        pay_follows_prices=False,
    )
    pool = scn.run(200, rng=3)
    portfolio = ak.Portfolio(
        weights={"us_equity": 0.6, "us_bonds": 0.4}, alt_sleeve={"bitcoin": 0.02}
    )
    saver = ak.simulate_participant(SAVER, ak.PlanDesign(), portfolio, n_scenarios=200, rng=3)
    # The pool pays the flat fee pro rata from the sleeve and the core, the saver's fund
    # rebalances it away within the month: the two differ by rounding only.
    np.testing.assert_allclose(pool.final_holder[:, 0], saver.terminal_balance, rtol=1e-9)


def test_pool_is_the_weighted_sum_of_its_cells():
    population = ak.Population.synthetic(n_cells=300, rng=2)
    rng = np.random.default_rng(0)
    pick = np.sort(rng.choice(population.n_cells, size=20, replace=False))
    cells = population.subset(pick)
    knobs = dict(
        sponsor_adoption="segments",
        opt_in_rate=ak.Logistic(ceiling=ak.Uniform(0.05, 0.3), midpoint=2.0, steepness=1.0),
        allocation_share=ak.Uniform(0.01, 0.05),
        rebalancing=ak.Rebalancing(frequency="quarterly", fraction=0.5),
        default_fund=ak.DefaultChannel(sleeve_share=((25, 0.03), (65, 0.01))),
        reversal=ak.Reversal(hazard=0.1, treatment="unwind", unwind_years=2),
        horizon_years=6,
        entrants=False,  # entrants copy the population's young cells: not additive over cells
    )
    whole = ak.Scenario(population=cells, **knobs).run(50, rng=9)
    parts = [ak.Scenario(population=cells.subset([i]), **knobs).run(50, rng=9) for i in range(20)]
    scale = np.abs(whole.holdings).max()
    for name in ("flow_paths", "holdings", "asset_return", "holdings_by_channel"):
        total = sum(getattr(p, name) for p in parts)
        np.testing.assert_allclose(getattr(whole, name), total, rtol=1e-9, atol=1e-9 * scale)
    total_pool = sum(p.pool_assets for p in parts)
    np.testing.assert_allclose(whole.pool_assets, total_pool, rtol=1e-9)
    assert np.abs(whole.flow_paths).sum() > 0  # the knobs really move money


def test_pool_is_the_sum_of_its_cells_when_the_fee_floor_binds():
    # 300 cells with the default $50 flat fee, some of them with less than $50 a person and
    # nothing coming in: their fee is capped at their balance. Such cells get a group of
    # their own, so the pool still equals its cells run one by one (it was off by 1.3e-6
    # when the floor was applied to the group's sum).
    population = ak.Population.synthetic(n_cells=300, rng=2)
    frame = population.to_frame()
    assert ((frame["balance"] < 50.0) & ~frame["working"]).any()  # the floor binds
    knobs = dict(
        opt_in_rate=0.2,
        allocation_share=0.03,
        rebalancing="quarterly",
        horizon_years=10,
        entrants=False,  # entrants copy the population's young cells: not additive over cells
    )
    whole = ak.Scenario(population=population, **knobs).run(10, rng=9)
    parts = [
        ak.Scenario(population=population.subset([i]), **knobs).run(10, rng=9)
        for i in range(population.n_cells)
    ]
    for name in ("holdings", "pool_assets", "pool_outflows", "asset_return", "flow_paths"):
        total = sum(getattr(p, name) for p in parts)
        scale = np.abs(getattr(whole, name)).max()
        np.testing.assert_allclose(getattr(whole, name), total, rtol=0, atol=1e-9 * scale)


@pytest.mark.parametrize(
    "knobs",
    [
        {"sponsor_adoption": 0.0},
        {"opt_in_rate": 0.0},
        {"allocation_share": 0.0},
        {"sponsor_adoption": ak.Bass(p=0.0, q=0.3, ceiling=0.5)},
    ],
)
def test_zero_knob_moves_nothing(knobs):
    out = ak.Scenario(horizon_years=5, rebalancing="quarterly", **knobs).run(50, rng=1)
    assert np.all(out.flow_paths == 0.0)
    assert np.all(out.holdings == 0.0)


def test_reversal_with_hazard_one_stops_adoption_after_the_first_year():
    scn = ak.Scenario(
        sponsor_adoption=ak.Bass(p=0.05, q=0.4, ceiling=0.8),
        opt_in_rate=0.5,
        reversal=ak.Reversal(hazard=1.0),
        horizon_years=6,
    )
    out = scn.run(40, rng=4)
    realloc = out.component("reallocation")
    assert np.all(realloc[:, 0] > 0)
    assert np.all(realloc[:, 1:] == 0.0)
    assert np.all(out.draws["reversal_year"] == 0)


def test_reversal_unwind_sells_everything_over_the_window():
    scn = ak.Scenario(
        reversal=ak.Reversal(hazard=1.0, treatment="unwind", unwind_years=2),
        horizon_years=5,
        rebalancing="quarterly",
    )
    out = scn.run(30, rng=2)
    assert np.all(out.holdings[:, 2:] == 0.0)  # sold during years 1 and 2
    assert np.all(out.component("reallocation")[:, 1:3] < 0)
    assert np.all(out.component("contributions")[:, 1:] == 0.0)
    assert np.all(out.component("rebalancing")[:, 1:] == 0.0)


def test_reversal_freeze_stops_new_money_but_keeps_holdings():
    scn = ak.Scenario(
        reversal=ak.Reversal(hazard=1.0, treatment="freeze"),
        horizon_years=4,
        rebalancing="monthly",
    )
    out = scn.run(30, rng=2)
    assert np.all(out.component("contributions")[:, 1:] == 0.0)
    assert np.all(out.component("rebalancing")[:, 1:] == 0.0)
    assert np.all(out.holdings[:, -1] > 0)


def test_bass_reallocation_follows_the_closed_form():
    curve = ak.Bass(p=0.03, q=0.38, ceiling=0.6)
    scn = ak.Scenario(
        markets=flat_markets(),
        plan=ak.PlanDesign(recordkeeping_fee=0.0),
        sponsor_adoption=curve,
        opt_in_rate=1.0,
        allocation_share=0.02,
        annual_contributions=0.0,
        distribution_rate=0.0,
        horizon_years=12,
    )
    out = scn.run(3, rng=0)
    years = np.arange(13)
    expected = 0.02 * 12.5e12 * np.diff(curve.cumulative(years))
    np.testing.assert_allclose(
        out.component("reallocation"), expected[None, :].repeat(3, 0), rtol=1e-12
    )


def test_default_channel_reaches_default_investors_only():
    scn = ak.Scenario(
        active_channel=False,
        default_fund=ak.DefaultChannel(sleeve_share=0.02),
        horizon_years=2,
    )
    out = scn.run(20, rng=1)
    held = out.holdings_by_channel[:, 0]
    assert np.all(held[:, 0] == 0.0)  # nobody elects actively
    population = scn.resolved_population()
    default_assets = (population.weight * population.balance)[population.default_investor].sum()
    np.testing.assert_allclose(
        out.component("reallocation")[:, 0], 0.02 * default_assets, rtol=1e-12
    )


def test_rebalancing_is_counter_cyclical():
    out = ak.Scenario(horizon_years=3, rebalancing="monthly").run(2_000, rng=8)
    corr = out.countercyclicality()["corr_rebalancing"]
    # A correlation's standard error is at most 1 / sqrt(S): well below zero, not noise.
    assert (corr < -4 / np.sqrt(2_000)).all()
    drift = ak.Scenario(horizon_years=3).run(50, rng=8).countercyclicality()
    assert drift["corr_rebalancing"].isna().all()  # holdings never rebalanced: undefined


def test_outcomes_holders_vs_non_holders():
    out = ak.Scenario(opt_in_rate=0.3, allocation_share=0.03, horizon_years=5).run(400, rng=6)
    table = out.outcomes()
    assert list(table.index) == ["holders", "holders_without_asset", "non_holders", "holder_gain"]
    people = out.groups["people"].sum()
    np.testing.assert_allclose(table.loc["holders", "people_mean"], 0.3 * people, rtol=1e-12)
    np.testing.assert_allclose(table.loc["non_holders", "people_mean"], 0.7 * people, rtol=1e-12)
    gain = table.loc["holders", "mean"] - table.loc["holders_without_asset", "mean"]
    np.testing.assert_allclose(table.loc["holder_gain", "mean"], gain, rtol=1e-9)
    assert table.loc["holders", "p05"] <= table.loc["holders", "p50"] <= table.loc["holders", "p95"]


def test_summary_states_assumptions_and_pool_flows():
    out = ak.Scenario(horizon_years=3, rebalancing="quarterly").run(20, rng=0)
    summary = out.summary()
    assert "quarterly" in summary.attrs["assumptions"]["active_channel"]
    assert (summary["pool_outflows_mean"] > 0).all()
    # Contributions by source (rollovers in apart) are the calibrated employee + employer
    # rates of the Form 5500 2023 targets times the year's average assets: ~$1.0T.
    assert 0.95e12 < summary["pool_contributions"].iloc[0] < 1.1e12


def test_uncertain_draws_are_kept_and_used():
    scn = ak.Scenario(
        allocation_share=ak.Uniform(0.0, 0.04),
        sponsor_adoption=ak.Fixed(ak.Beta(2.0, 5.0)),
        horizon_years=1,
    )
    out = scn.run(500, rng=3)
    share = out.draws["allocation_share"]
    adopt = out.draws["sponsor_adoption/rate"]
    assert share.shape == adopt.shape == (500,)
    np.testing.assert_allclose(
        out.component("reallocation")[:, 0], share * adopt * 12.5e12, rtol=1e-12
    )


# ------------------------------------------------------------- common random numbers


def test_horizon_prefix_gives_the_same_paths_and_flows():
    knobs = dict(opt_in_rate=0.2, rebalancing="quarterly", entrants=False)
    short = ak.Scenario(horizon_years=4, **knobs).run(1500, rng=7)
    long = ak.Scenario(horizon_years=9, **knobs).run(1500, rng=7)
    assert np.array_equal(short.annual_returns, long.annual_returns[:, :4])
    # A longer run gives a group of their own to more cells whose flat fee could reach
    # their money (exact pooling under fees), which reorders sums: the same flows to rounding.
    scale = np.abs(long.holdings).max()
    for name in ("flow_paths", "holdings"):
        np.testing.assert_allclose(
            getattr(short, name), getattr(long, name)[:, :4], rtol=1e-12, atol=1e-12 * scale
        )


def test_horizon_prefix_with_entrants():
    # Entrants of later years add groups, which reorders sums: the same paths, and the
    # same flows to rounding.
    short = ak.Scenario(horizon_years=3, opt_in_rate=0.2).run(300, rng=7)
    long = ak.Scenario(horizon_years=6, opt_in_rate=0.2).run(300, rng=7)
    assert np.array_equal(short.annual_returns, long.annual_returns[:, :3])
    # A longer run gives more cells whose money could reach the flat fee groups of their
    # own, so where a crash leaves a group's holders less in the asset than their share of
    # the fee, the floor binds on other sums. The difference is at most the holders' fees
    # charged to the asset in a year: the largest segment fee x people x opt-in x share.
    fee = max(seg.plan.recordkeeping_fee for seg in long.scenario.segments)
    bound = fee * long.groups["people"].sum() * 0.2 * 0.01
    np.testing.assert_allclose(short.flow_paths, long.flow_paths[:, :3], rtol=1e-12, atol=bound)
    assert bound < 1e-3 * np.abs(long.flow_paths).max()  # a bound on fees, not on flows


def test_same_paths_whatever_the_asset_and_portfolio():
    a = ak.Scenario(asset="bitcoin", horizon_years=3).run(1200, rng=7)
    b = ak.Scenario(
        asset="ether", horizon_years=3, pool_portfolio={"us_equity": 0.3, "intl_equity": 0.7}
    ).run(1200, rng=7)
    for name in ("us_equity", "intl_equity", "us_bonds"):
        assert np.array_equal(a.annual_return(name), b.annual_return(name))


def test_saver_and_pool_see_the_same_paths():
    pool = ak.Scenario(horizon_years=5).run(1100, rng=21)
    early = SAVER.replace(retirement_age=43)
    late = SAVER.replace(retirement_age=60)
    p1 = ak.simulate_participant(early, n_scenarios=1100, rng=21)
    p2 = ak.simulate_participant(late, n_scenarios=1100, rng=21)
    for name in ("us_equity", "us_bonds"):
        assert np.array_equal(p1.annual_return(name), p2.annual_return(name)[:, :3])
        assert np.array_equal(p1.annual_return(name), pool.annual_return(name)[:, :3])


@pytest.mark.parametrize("chunk_size", [1, 999, 2_500])
def test_chunk_size_does_not_change_numbers(chunk_size):
    scn = ak.Scenario(
        sponsor_adoption="segments", opt_in_rate=0.3, rebalancing="quarterly", horizon_years=3
    )
    base = scn.run(2_600, rng=4)
    other = scn.run(2_600, rng=4, chunk_size=chunk_size) if chunk_size > 1 else None
    if other is None:
        other = scn.run(40, rng=4, chunk_size=1)
        assert np.array_equal(base.flow_paths[:40], other.flow_paths)
        return
    assert np.array_equal(base.flow_paths, other.flow_paths)
    assert np.array_equal(base.final_holder, other.final_holder)


# ------------------------------------------------------------------- plain data


def test_specs_and_results_pickle_and_deepcopy():
    scn = ak.Scenario(
        population=ak.Population.synthetic(n_cells=300, rng=1),
        sponsor_adoption=ak.Bass(p=ak.Uniform(0.01, 0.03), q=0.3, ceiling=0.2),
        opt_in_rate=ak.Logistic(ceiling=0.1, midpoint=2.0, steepness=1.0),
        default_fund=ak.DefaultChannel(sleeve_share=0.01),
        reversal=ak.Reversal(hazard=0.05, treatment="freeze"),
        horizon_years=2,
    )
    for obj in (scn, scn.markets, ak.Portfolio(weights={"us_equity": 1.0}), SAVER):
        assert pickle.loads(pickle.dumps(obj)) == obj
        assert copy.deepcopy(obj) == obj
    out = scn.run(10, rng=1)
    again = pickle.loads(pickle.dumps(out))
    assert np.array_equal(again.flow_paths, out.flow_paths)
    assert again.scenario == scn
    saver = ak.simulate_participant(SAVER, n_scenarios=5, rng=1)
    assert np.array_equal(copy.deepcopy(saver).balance_end, saver.balance_end)


def test_scenario_json_round_trip_with_population():
    population = ak.Population.synthetic(n_cells=300, start_year=2027, rng=1)
    scn = ak.Scenario(population=population, start_year=2027, reversal=ak.Reversal(hazard=0.1))
    again = ak.Scenario.model_validate(scn.model_dump(mode="json"))
    assert again == scn


# -------------------------------------------------------------------- bad input


def test_share_above_a_segment_cap():
    with pytest.raises(ValidationError, match=r"allocation_share can reach 0\.06, above the cap"):
        ak.Scenario(allocation_share=0.06)
    with pytest.raises(ValidationError, match=r"allocation_share can reach 0\.2, above the cap"):
        ak.Scenario(allocation_share=ak.Uniform(0.0, 0.2))


def test_unknown_population_segment():
    frame = pd.DataFrame(
        {"age": [40], "salary": [5e4], "balance": [1e4], "weight": [1.0], "segment": ["large"]}
    )
    segments = tuple(s for s in ak.default_segments() if s.name != "large")
    with pytest.raises(ValidationError, match=r"population segment 'large' is not among segments"):
        ak.Scenario(population=frame, segments=segments)


def test_bad_sponsor_adoption_string_and_population_type():
    with pytest.raises(ValidationError, match=r"sponsor_adoption must be a number in \[0, 1\]"):
        ak.Scenario(sponsor_adoption="fast")
    with pytest.raises(ValidationError, match=r"population must be a Population"):
        ak.Scenario(population=[1, 2])


def test_population_start_year_must_match():
    population = ak.Population.synthetic(n_cells=300, start_year=2028, rng=1)
    with pytest.raises(ValidationError, match=r"start_year \(2026\) must equal"):
        ak.Scenario(population=population)


def test_entrants_replace_retirees():
    scn = ak.Scenario(horizon_years=8)
    out = scn.run(5, rng=0)
    closed = scn.replace(entrants=False).run(5, rng=0)
    population = scn.resolved_population()
    age = population.age.astype(int)
    working = population.working
    retiring = sum(
        population.weight[working & (age + k == population.retirement_age)].sum()
        for k in range(1, 8)
    )
    joined = out.groups["people"].sum() - out.groups["people_start"].sum()
    np.testing.assert_allclose(joined, retiring, rtol=1e-12)
    assert out.pool_contributions[0].sum() == pytest.approx(closed.pool_contributions[0].sum())
    assert np.all(
        out.pool_contributions[1:].sum(axis=1) > closed.pool_contributions[1:].sum(axis=1)
    )


def test_pool_assets_that_cannot_be_matched():
    frame = pd.DataFrame({"age": [40], "salary": [5e4], "balance": [0.0], "weight": [10.0]})
    with pytest.raises(ValidationError, match=r"pool_assets=1e\+09 cannot be matched"):
        ak.Scenario(population=frame, pool_assets=1e9)


def test_segments_must_cover_the_synthetic_population():
    segments = tuple(s for s in ak.default_segments() if s.name != "micro")
    with pytest.raises(ValidationError, match=r"segments must include 'micro'"):
        ak.Scenario(segments=segments)


def test_after_tax_outcomes():
    out = ak.Scenario(opt_in_rate=0.3, allocation_share=0.03, horizon_years=3).run(100, rng=1)
    nominal = out.outcomes()
    taxed = out.outcomes(after_tax=True)
    real = out.outcomes(real=True)
    assert taxed.attrs["dollars"] == "after-tax nominal"
    assert (
        taxed.loc[["holders", "non_holders"], "mean"]
        < nominal.loc[["holders", "non_holders"], "mean"]
    ).all()
    assert (real["mean"].abs() <= nominal["mean"].abs()).all()
    # All-Roth money is not taxed when cashed out.
    roth = SAVER.replace(balance=100_000, roth_balance=100_000, roth_fraction=1.0)
    one = ak.Scenario(population=roth, horizon_years=2, sponsor_adoption=0.0).run(20, rng=1)
    np.testing.assert_allclose(
        one.outcomes(after_tax=True)["mean"], one.outcomes()["mean"], rtol=1e-12
    )


def test_pool_pay_follows_each_scenarios_prices():
    scn = ak.Scenario(horizon_years=4, rebalancing="quarterly")
    out = scn.run(200, rng=6)
    fixed = scn.replace(pay_follows_prices=False).run(200, rng=6)
    # Scale = price level at the year's start over the assumed 2.5% path.
    price = np.concatenate([np.ones((200, 1)), out.price_level[:, :-1]], axis=1)
    np.testing.assert_allclose(out.contribution_scale, price / 1.025 ** np.arange(4), rtol=1e-12)
    np.testing.assert_allclose(
        out.component("contributions"),
        fixed.component("contributions") * out.contribution_scale,
        rtol=1e-9,
    )
    assert np.all(fixed.contribution_scale == 1.0)


def test_real_dollars_by_the_time_of_the_flow():
    # $125B moves in January of the first year: $125B in start-year dollars (it was
    # deflated by the year-end price level: $122.0B).
    full = dict(sponsor_adoption=1.0, opt_in_rate=1.0, allocation_share=0.01, horizon_years=3)
    out = ak.Scenario(**full).run(200, rng=5)
    real = out.summary(real=True)
    assert real["reallocation_mean"].iloc[0] == pytest.approx(125e9, rel=1e-12)
    price = out.price_level
    start = np.concatenate([np.ones((200, 1)), price[:, :-1]], axis=1)
    mid = np.sqrt(start * price)
    flows = out.flow_paths
    np.testing.assert_allclose(
        real["reallocation_mean"], (flows[..., 0] / start).mean(axis=0), rtol=1e-12
    )
    for i, name in enumerate(out.COMPONENTS[1:], start=1):
        np.testing.assert_allclose(
            real[f"{name}_mean"], (flows[..., i] / mid).mean(axis=0), rtol=1e-12
        )
    cumulative = np.cumsum(flows[..., 0] / start + (flows[..., 1:].sum(axis=-1) / mid), axis=1)
    np.testing.assert_allclose(real["cumulative_flow_mean"], cumulative.mean(axis=0), rtol=1e-12)
    np.testing.assert_allclose(real["holdings_mean"], (out.holdings / price).mean(axis=0))
    np.testing.assert_allclose(
        real["pool_outflows_mean"], (out.pool_outflows / mid).mean(axis=0), rtol=1e-12
    )
    # The streamed summary states the same figures.
    streamed = ak.Scenario(**full).run(200, rng=5, keep_paths=False).summary(real=True)
    assert streamed["reallocation_mean"].iloc[0] == pytest.approx(125e9, rel=1e-12)
    np.testing.assert_allclose(
        streamed["contributions_mean"], real["contributions_mean"], rtol=1e-9
    )


def test_after_tax_outcomes_tax_a_cash_out_on_top_of_the_years_wages():
    # One working cell earning $150k: its horizon balance is valued as a cash-out taxed on
    # top of that year's pay, as Leakage.cash_out_tax does (issue 17: a $150k earner's
    # cash-out is not taxed as if it were the year's only income).
    zero = [
        ak.AssetClass(name=n, expected_return=0.0, volatility=0.0, source="test")
        for n in ("bitcoin", "us_equity", "us_bonds")
    ]
    markets = ak.MarketModel.from_assets(
        zero, inflation=ak.InflationModel(mean=0.0, volatility=0.0, source="test")
    )
    saver = ak.Participant(
        age=40, salary=150_000.0, balance=20_000.0, deferral_rate=0.0, start_year=2026
    )
    result = ak.Scenario(
        population=saver,
        plan=ak.PlanDesign(recordkeeping_fee=0.0, match=ak.MatchFormula(tiers=())),
        markets=markets,
        sponsor_adoption=1.0,
        opt_in_rate=1.0,
        allocation_share=0.01,
        horizon_years=1,
    ).run(2, rng=0)
    assert result.groups["wages"].iloc[0] == pytest.approx(150_000.0)
    before = result.outcomes().loc["holders", "mean"]
    after = result.outcomes(after_tax=True).loc["holders", "mean"]
    age = float(result.groups["age"].iloc[0])
    tax, penalty = ak.Leakage.cash_out_tax(before, age, other_income=150_000.0, year=2026)
    assert before - after == pytest.approx(float(tax + penalty), rel=1e-12)
    alone, _ = ak.Leakage.cash_out_tax(before, age, year=2026)
    assert tax > alone  # the 24% bracket on top of $150k, not the 10-12% of a lone cash-out


# -- small things (issue 18, item 10) ---------------------------------------------------------


def test_headline_reallocation_is_125e9_exactly():
    assert ak.Scenario(horizon_years=1).run(5, rng=1).headline_reallocation == 125e9


def test_pool_assets_with_a_population_says_it_rescales():
    population = ak.Population.synthetic(n_cells=300, rng=1)
    with pytest.warns(ak.Alt401kWarning, match=r"pool_assets=1e\+12 rescales the population"):
        ak.Scenario(population=population, pool_assets=1e12)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ak.Scenario(population=population, pool_assets=population.total_assets)
        ak.Scenario(population=population)
