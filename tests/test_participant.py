"""simulate_participant end to end: ledger, conservation, seeding, paired runs."""

import numpy as np
import pytest

import alt401k as ak

SAVER = ak.Participant(
    age=35, salary=80_000, balance=50_000, deferral_rate=0.06, roth_fraction=0.25, retirement_age=65
)
PLAN = ak.PlanDesign(match=ak.MatchFormula(tiers=[(1.0, 0.03), (0.5, 0.02)]))
PORTFOLIO = ak.Portfolio(weights={"us_equity": 0.6, "us_bonds": 0.4}, alt_sleeve={"bitcoin": 0.02})


@pytest.fixture(scope="module")
def result():
    return ak.simulate_participant(
        SAVER, PLAN, PORTFOLIO, markets=ak.default_markets(), n_scenarios=400, rng=1
    )


def test_shapes_and_columns(result):
    assert result.terminal_balance.shape == (400,)
    ledger = result.ledger()
    assert list(ledger.columns) == [
        "year",
        "age",
        "salary",
        "employee_pretax",
        "employee_roth",
        "employer",
        "investment_return",
        "fees",
        "balance_end",
        "employer_match",
        "employer_nonelective",
        "employer_profit_sharing",
        "employer_roth",
        "vested_share",
        "employee_pretax_end",
        "roth_end",
        "employer_vested_end",
        "employer_unvested_end",
    ]
    by_source = ledger[
        ["employee_pretax_end", "roth_end", "employer_vested_end", "employer_unvested_end"]
    ]
    np.testing.assert_allclose(by_source.sum(axis=1), ledger["balance_end"], rtol=1e-12)
    kinds = ledger[["employer_match", "employer_nonelective", "employer_profit_sharing"]]
    np.testing.assert_allclose(kinds.sum(axis=1), ledger["employer"], rtol=1e-12)
    assert len(ledger) == 30
    assert ledger["year"].iloc[0] == 2026 and ledger["age"].iloc[-1] == 64
    np.testing.assert_allclose(ledger["balance_end"].iloc[-1], result.terminal_balance.mean())


def test_ledger_conserves_money_every_year_every_scenario(result):
    for scenario in (None, 0, 17, 399):
        led = result.ledger(scenario=scenario)
        start = np.concatenate([[SAVER.balance], led["balance_end"].to_numpy()[:-1]])
        expected = (
            start
            + led["employee_pretax"]
            + led["employee_roth"]
            + led["employer"]
            + led["investment_return"]
            - led["fees"]
        )
        np.testing.assert_allclose(led["balance_end"], expected, rtol=1e-9)
    # All scenarios at once, on the raw arrays.
    c = result.contributions.total[:, 0]
    start = np.concatenate([np.full((400, 1), SAVER.balance), result.balance_end[:, :-1]], axis=1)
    np.testing.assert_allclose(
        result.balance_end, start + c + result.investment_return - result.fees, rtol=1e-9
    )


def test_ledger_scenario_index_is_validated(result):
    with pytest.raises(ValueError, match="scenario must be an integer between 0 and 399; got 400"):
        result.ledger(scenario=400)


def test_first_year_contributions_by_hand(result):
    row = result.ledger().iloc[0]
    # 6% of 80,000 = 4,800: 25% Roth; match 100% of 3% + 50% of the next 2% = 3,200.
    assert row.employee_pretax == pytest.approx(3_600.0)
    assert row.employee_roth == pytest.approx(1_200.0)
    assert row.employer == pytest.approx(3_200.0)


def test_summary_has_quantiles_and_risk(result):
    s = result.summary()
    assert {
        "terminal_balance",
        "terminal_real_balance",
        "terminal_roth_balance",
        "total_investment_return",
        "total_fees",
    } <= set(s.index)
    assert {
        "mean",
        "std",
        "p05",
        "p25",
        "p50",
        "p75",
        "p95",
        "cvar05",
        "prob_below_paid_in",
    } <= set(s.columns)
    tb = s.loc["terminal_balance"]
    assert tb.cvar05 <= tb.p05 <= tb.p50 <= tb.p95
    assert tb.p50 == pytest.approx(np.median(result.terminal_balance))
    assert 0.0 <= tb.prob_below_paid_in <= 1.0


def test_chunk_size_does_not_change_numbers():
    kw = dict(markets=ak.default_markets(), n_scenarios=1_300, rng=9)
    ref = ak.simulate_participant(SAVER.replace(age=55), PLAN, PORTFOLIO, **kw)
    # Chunks that cut blocks of 1,000 redraw block prefixes; 37 keeps that cheap.
    for chunk in (37, 700, 1_000, 10_000):
        other = ak.simulate_participant(
            SAVER.replace(age=55), PLAN, PORTFOLIO, chunk_size=chunk, **kw
        )
        np.testing.assert_array_equal(other.balance_end, ref.balance_end)
        np.testing.assert_array_equal(other.fees, ref.fees)
    first = ak.simulate_participant(
        SAVER.replace(age=55),
        PLAN,
        PORTFOLIO,
        markets=ak.default_markets(),
        n_scenarios=1_000,
        rng=9,
    )
    np.testing.assert_array_equal(first.balance_end, ref.balance_end[:1_000])


def test_sleeve_and_baseline_share_market_paths():
    markets = ak.default_markets()
    zero = ak.simulate_participant(
        SAVER,
        PLAN,
        PORTFOLIO.replace(alt_sleeve={"bitcoin": 0.0}),
        markets=markets,
        n_scenarios=300,
        rng=5,
    )
    base = ak.simulate_participant(
        SAVER, PLAN, PORTFOLIO.without_sleeve(), markets=markets, n_scenarios=300, rng=5
    )
    np.testing.assert_array_equal(zero.balance_end, base.balance_end)


def test_rng_forms_reproduce():
    kw = dict(n_scenarios=50, markets=ak.default_markets())
    a = ak.simulate_participant(SAVER, PLAN, PORTFOLIO, rng=3, **kw)
    b = ak.simulate_participant(SAVER, PLAN, PORTFOLIO, rng=np.random.SeedSequence(3), **kw)
    np.testing.assert_array_equal(a.terminal_balance, b.terminal_balance)
    g1 = ak.simulate_participant(SAVER, PLAN, PORTFOLIO, rng=np.random.default_rng(8), **kw)
    g2 = ak.simulate_participant(SAVER, PLAN, PORTFOLIO, rng=np.random.default_rng(8), **kw)
    np.testing.assert_array_equal(g1.terminal_balance, g2.terminal_balance)
    assert a.metadata()["seed"]["entropy"] == 3


def test_zero_volatility_market_gives_closed_form():
    # One deterministic asset, no fees, flat pay: closed-form compounding of contributions.
    asset = ak.AssetClass(name="safe", expected_return=0.05, volatility=0.0, source="test")
    markets = ak.MarketModel(assets=(asset,), correlation=((1.0,),))
    saver = ak.Participant(
        age=40,
        salary=60_000,
        balance=10_000,
        deferral_rate=0.05,
        salary_growth=0.0,
        retirement_age=50,
        start_year=2026,
    )
    plan = ak.PlanDesign(match=ak.MatchFormula(tiers=[(1.0, 0.04)]), recordkeeping_fee=0.0)
    res = ak.simulate_participant(
        saver, plan, ak.Portfolio(weights={"safe": 1.0}), markets=markets, n_scenarios=3, rng=0
    )
    g = 1.05 ** (1 / 12)
    c = (3_000 + 2_400) / 12
    months = 12 * np.arange(1, 11)
    closed = 10_000 * g**months + c * (g**months - 1) / (g - 1)
    np.testing.assert_allclose(res.balance_end, np.broadcast_to(closed, (3, 10)), rtol=1e-12)


def test_portfolio_asset_missing_from_markets():
    markets = ak.default_markets().subset(["us_equity", "us_bonds"])
    with pytest.raises(ValueError, match="portfolio asset 'bitcoin' is not in the market model"):
        ak.simulate_participant(SAVER, PLAN, PORTFOLIO, markets=markets, n_scenarios=5, rng=1)


def test_bad_run_arguments():
    with pytest.raises(ValueError, match="n_scenarios must be an integer between 1 and"):
        ak.simulate_participant(SAVER, PLAN, PORTFOLIO, n_scenarios=0, rng=1)
    with pytest.raises(ValueError, match="periods_per_year must be one of"):
        ak.simulate_participant(SAVER, PLAN, PORTFOLIO, n_scenarios=5, periods_per_year=7, rng=1)
    with pytest.raises(ValueError, match="chunk_size must be an integer >= 1; got 0"):
        ak.simulate_participant(SAVER, PLAN, PORTFOLIO, n_scenarios=5, chunk_size=0, rng=1)
    with pytest.raises(TypeError, match="rng must be None"):
        ak.simulate_participant(SAVER, PLAN, PORTFOLIO, n_scenarios=5, rng="seed")
