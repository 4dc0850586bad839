"""Results tables: quantile labels, real dollars, ledger statistics, holdings table, risk."""

import numpy as np
import pandas as pd
import pytest

import alt401k as ak
from alt401k.results._stats import _max_drawdown, check_quantiles, check_stat, quantile_label

N = 400


def deterministic_markets(mu: float = 0.05, inflation: float = 0.02) -> ak.MarketModel:
    """Assets with a certain return and certain inflation, so every scenario is the same."""
    assets = [
        ak.AssetClass(name=name, expected_return=mu, volatility=0.0, source="test")
        for name in ("us_equity", "us_bonds", "intl_equity", "bitcoin")
    ]
    return ak.MarketModel.from_assets(
        assets, inflation=ak.InflationModel(mean=inflation, volatility=0.0, source="test")
    )


def saver_run(markets, *, n=3, **changes):
    fields = dict(
        age=40, salary=60_000, balance=10_000, deferral_rate=0.05, salary_growth=0.0,
        retirement_age=50, start_year=2026,
    )  # fmt: skip
    return ak.simulate_participant(
        ak.Participant(**{**fields, **changes}),
        ak.PlanDesign(recordkeeping_fee=0.0),
        ak.Portfolio(weights={"us_equity": 1.0}),
        markets=markets,
        n_scenarios=n,
        rng=0,
    )


@pytest.fixture(scope="module")
def random_saver():
    saver = ak.Participant(
        age=35, salary=80_000, balance=50_000, deferral_rate=0.06, retirement_age=65
    )
    portfolio = ak.Portfolio(
        weights={"us_equity": 0.6, "us_bonds": 0.4}, alt_sleeve={"bitcoin": 0.05}
    )
    return ak.simulate_participant(saver, ak.PlanDesign(), portfolio, n_scenarios=N, rng=7)


@pytest.fixture(scope="module")
def random_pool():
    return ak.Scenario(horizon_years=10).run(200, rng=5)


def flat_pool(inflation: float = 0.0):
    return ak.Scenario(
        markets=deterministic_markets(mu=0.0, inflation=inflation),
        plan=ak.PlanDesign(recordkeeping_fee=0.0),
        sponsor_adoption=1.0,
        opt_in_rate=1.0,
        allocation_share=0.01,
        annual_contributions=0.0,
        distribution_rate=0.0,
        horizon_years=5,
    ).run(3, rng=0)


# ------------------------------------------------------------------ labels and checks


@pytest.mark.parametrize(
    ("q", "label"),
    [(0.05, "p05"), (0.07, "p07"), (0.5, "p50"), (0.999, "p99.9"), (0.0, "p00"), (1.0, "p100"),
     (0.055, "p05.5"), (0.29, "p29"), (0.57, "p57")],
)  # fmt: skip
def test_quantile_labels(q, label):
    assert quantile_label(q) == label


def test_repeated_quantiles_are_rejected(random_saver, random_pool):
    with pytest.raises(ValueError, match=r"^quantiles must not repeat; got \[0\.5, 0\.5\]$"):
        check_quantiles([0.5, 0.5])
    with pytest.raises(ValueError, match="quantiles must not repeat"):
        random_saver.summary(quantiles=(0.05, 0.5, 0.5))
    with pytest.raises(ValueError, match="quantiles must not repeat"):
        random_pool.summary(quantiles=[0.07, 0.07000000000000001])
    assert check_quantiles([0.05, 0.95]) == (0.05, 0.95)


@pytest.mark.parametrize("stat", ["average", "p50", True, 1.5, -0.1, None])
def test_bad_stat_names_it(random_saver, stat):
    pattern = rf"^stat must be 'mean', 'median' or a quantile between 0 and 1; got {stat!r}$"
    with pytest.raises(ValueError, match=pattern.replace("(", r"\(").replace(")", r"\)")):
        random_saver.ledger(stat=stat)


def test_check_stat():
    assert check_stat("mean") is None
    assert check_stat("median") == 0.5
    assert check_stat(0.05) == 0.05
    assert check_stat(1) == 1.0


def test_max_drawdown_by_hand():
    paths = np.array(
        [[100.0, 120.0, 90.0, 130.0, 65.0], [0.0, 0.0, 0.0, 0.0, 0.0], [1.0, 2.0, 3.0, 4.0, 5.0]]
    )
    np.testing.assert_allclose(_max_drawdown(paths), [0.5, 0.0, 0.0])


# ------------------------------------------------------------------ participant


def test_summary_default_is_nominal_and_unchanged(random_saver):
    default = random_saver.summary()
    pd.testing.assert_frame_equal(default, random_saver.summary(real=False))
    assert default.attrs["units"] == "USD nominal"
    assert default.loc["terminal_balance", "mean"] == pytest.approx(
        random_saver.terminal_balance.mean(), rel=1e-12
    )
    assert list(default.columns) == [
        "mean", "std", "p05", "p25", "p50", "p75", "p95", "cvar05", "prob_below_paid_in"
    ]  # fmt: skip


def test_summary_real_deflates_by_each_scenario_price_path(random_saver):
    r = random_saver
    real = r.summary(quantiles=(0.07, 0.5), real=True)
    assert real.attrs["units"] == "USD real"
    assert "p07" in real.columns
    # The real terminal balance is the existing terminal_real_balance row.
    pd.testing.assert_series_equal(
        real.loc["terminal_balance"].drop("prob_below_paid_in"),
        real.loc["terminal_real_balance"].drop("prob_below_paid_in"),
        check_names=False,
    )
    fees = (r.fees / r.price_level).sum(axis=1)
    assert real.loc["total_fees", "mean"] == pytest.approx(fees.mean(), rel=1e-12)
    assert real.loc["total_fees", "p50"] == pytest.approx(np.median(fees), rel=1e-12)
    nominal = r.summary()
    assert real.loc["terminal_balance", "prob_below_paid_in"] == pytest.approx(
        nominal.loc["terminal_balance", "prob_below_paid_in"]
    )


def test_summary_real_deterministic_closed_form():
    r = saver_run(deterministic_markets(inflation=0.02))
    price = r.price_level[0]
    np.testing.assert_allclose(r.price_level, np.broadcast_to(price, r.price_level.shape))
    np.testing.assert_allclose(price[-1], 1.02**10, rtol=1e-6)
    nominal, real = r.summary(), r.summary(real=True)
    assert real.loc["terminal_balance", "p50"] == pytest.approx(
        nominal.loc["terminal_balance", "p50"] / price[-1], rel=1e-12
    )
    expected = (r.investment_return[0] / price).sum()
    assert real.loc["total_investment_return", "mean"] == pytest.approx(expected, rel=1e-12)
    assert (
        real.loc["total_investment_return", "mean"] < nominal.loc["total_investment_return", "mean"]
    )


def test_ledger_stat(random_saver):
    r = random_saver
    mean = r.ledger()
    pd.testing.assert_frame_equal(mean, r.ledger(stat="mean"))
    assert mean.attrs == {"units": "USD nominal", "stat": "mean"}
    median = r.ledger(stat="median")
    assert median.attrs["stat"] == "p50"
    np.testing.assert_allclose(median["balance_end"], np.median(r.balance_end, axis=0))
    np.testing.assert_allclose(median["fees"], np.median(r.fees, axis=0))
    low = r.ledger(stat=0.05)
    np.testing.assert_allclose(low["balance_end"], np.quantile(r.balance_end, 0.05, axis=0))
    # Derived columns are the quantile of the per-scenario figure.
    pretax = r.balance_end - r.roth_balance_end - r.employer_balance_end
    np.testing.assert_allclose(low["employee_pretax_end"], np.quantile(pretax, 0.05, axis=0))
    assert list(low.columns) == list(mean.columns)
    assert np.all(low["balance_end"] <= median["balance_end"])
    # 4 standard errors: about 5% of scenarios end below the 5% ledger balance.
    share = np.mean(r.terminal_balance < low["balance_end"].iloc[-1])
    assert abs(share - 0.05) < 4 * np.sqrt(0.05 * 0.95 / N)
    # stat is checked but ignored for one scenario.
    one = r.ledger(3, stat=0.9)
    pd.testing.assert_frame_equal(one, r.ledger(3))
    assert one.attrs["stat"] == "scenario 3"


def test_ledger_stat_deterministic_all_equal():
    r = saver_run(deterministic_markets())
    mean = r.ledger()
    for stat in ("median", 0.0, 0.3, 1.0):
        pd.testing.assert_frame_equal(r.ledger(stat=stat), mean, check_exact=False, rtol=1e-12)


def test_risk_growing_deterministic_account_has_no_risk():
    r = saver_run(deterministic_markets(mu=0.05))
    risk = r.risk()
    assert risk.attrs["units"] == "USD nominal"
    assert risk.attrs["target"] == pytest.approx(r.paid_in)
    assert risk.attrs["years"] == 10
    assert list(risk.index) == [
        "prob_below_target", "cvar05_terminal_balance", "max_drawdown", "prob_loss_10y"
    ]  # fmt: skip
    assert list(risk.columns) == ["mean", "p05", "p50", "p95", "unit"]
    assert risk.loc["prob_below_target", "mean"] == 0.0
    assert risk.loc["cvar05_terminal_balance", "mean"] == pytest.approx(r.terminal_balance[0])
    assert risk.loc["max_drawdown", ["mean", "p05", "p50", "p95"]].tolist() == [0.0] * 4
    assert risk.loc["prob_loss_10y", "mean"] == 0.0
    assert risk.loc["prob_below_target", "unit"] == "probability"
    assert np.isnan(risk.loc["prob_below_target", "p50"])
    # A target above every outcome: certain shortfall.
    assert r.risk(target=1e9).loc["prob_below_target", "mean"] == 1.0


def test_risk_shrinking_deterministic_account_by_hand():
    # No contributions, -5% a year: the balance falls by 5% every year.
    r = saver_run(deterministic_markets(mu=-0.05), salary=0.0, deferral_rate=0.0)
    np.testing.assert_allclose(r.balance_end[:, -1], 10_000 * 0.95**10, rtol=1e-9)
    risk = r.risk(years=3)
    assert risk.attrs["years"] == 3
    np.testing.assert_allclose(
        risk.loc["max_drawdown", ["mean", "p05", "p50", "p95"]].astype(float),
        1 - 0.95**10,
        rtol=1e-9,
    )
    assert risk.loc["prob_loss_3y", "mean"] == 1.0
    assert risk.loc["prob_below_target", "mean"] == 1.0  # below the 10,000 paid in
    assert r.risk(target=1_000).loc["prob_below_target", "mean"] == 0.0
    assert risk.loc["cvar05_terminal_balance", "mean"] == pytest.approx(10_000 * 0.95**10)


def test_risk_bad_arguments(random_saver):
    with pytest.raises(ValueError, match=r"years must be an integer between 1 and 30; got 0"):
        random_saver.risk(years=0)
    with pytest.raises(ValueError, match=r"target must be a finite number; got nan"):
        random_saver.risk(target=float("nan"))


def test_risk_random(random_saver):
    r = random_saver
    risk = r.risk(years=1)
    # Loss over one year: the first year's net investment result is negative.
    first = r.investment_return[:, 0] - r.fees[:, 0]
    assert risk.loc["prob_loss_1y", "mean"] == pytest.approx(np.mean(first < 0))
    # Whole run: the same as ending below paid-in (no money leaves this account).
    full = r.risk()
    assert full.loc["prob_loss_30y", "mean"] == pytest.approx(
        r.summary().loc["terminal_balance", "prob_below_paid_in"]
    )
    assert full.loc["prob_below_target", "mean"] == pytest.approx(r.prob_below(r.paid_in))
    dd = full.loc["max_drawdown", ["p05", "p50", "p95"]].astype(float).to_numpy()
    assert 0.0 <= dd[0] <= dd[1] <= dd[2] <= 1.0
    assert dd[2] > 0.0  # a 5% bitcoin sleeve and equities do fall
    assert full.loc["cvar05_terminal_balance", "mean"] <= np.quantile(r.terminal_balance, 0.05)
    # 4 standard errors: half the scenarios end below the median.
    median = float(np.median(r.terminal_balance))
    p = r.risk(target=median).loc["prob_below_target", "mean"]
    assert abs(p - 0.5) < 4 * np.sqrt(0.25 / N)


# ------------------------------------------------------------------ pool


def test_pool_summary_default_unchanged_and_units(random_pool):
    out = random_pool
    s = out.summary()
    pd.testing.assert_frame_equal(s, out.summary(real=False))
    assert s.attrs["units"] == "USD nominal"
    np.testing.assert_array_equal(s["net_flow_mean"], out.net_flows.mean(axis=0))
    np.testing.assert_array_equal(s["holdings_p50"], np.quantile(out.holdings, 0.5, axis=0))
    for table in (out.flows(), out.outcomes(), out.countercyclicality(), out.holdings_table()):
        assert table.attrs["units"] == "USD nominal"
    assert out.outcomes(real=True).attrs["units"] == "USD real"


def test_pool_summary_real(random_pool):
    out = random_pool
    real = out.summary(quantiles=(0.07, 0.5), real=True)
    assert real.attrs["units"] == "USD real"
    deflated = out.holdings / out.price_level
    np.testing.assert_allclose(real["holdings_mean"], deflated.mean(axis=0), rtol=1e-12)
    np.testing.assert_allclose(real["holdings_p07"], np.quantile(deflated, 0.07, axis=0))
    # Reallocation at the start of the year, flows spread over it at mid-year.
    start = np.concatenate([np.ones_like(out.price_level[:, :1]), out.price_level[:, :-1]], 1)
    mid = np.sqrt(start * out.price_level)
    flows = (
        out.component("reallocation") / start
        + (out.net_flows - out.component("reallocation")) / mid
    )
    np.testing.assert_allclose(real["net_flow_p50"], np.median(flows, axis=0), rtol=1e-12)
    np.testing.assert_allclose(
        real["cumulative_flow_mean"], np.cumsum(flows, axis=1).mean(axis=0), rtol=1e-12
    )
    np.testing.assert_allclose(real["pool_outflows_mean"], (out.pool_outflows / mid).mean(axis=0))
    assert list(real.columns) == list(out.summary(quantiles=(0.07, 0.5)).columns)


def test_pool_real_equals_nominal_without_inflation():
    out = flat_pool(inflation=0.0)
    np.testing.assert_array_equal(out.price_level, 1.0)
    pd.testing.assert_frame_equal(
        out.summary(real=True), out.summary(), check_exact=False, rtol=1e-12
    )


def test_pool_real_deterministic_inflation():
    out = flat_pool(inflation=0.02)
    price = out.price_level[0]
    np.testing.assert_allclose(price[-1], 1.02**5, rtol=1e-6)
    real, nominal = out.summary(real=True), out.summary()
    np.testing.assert_allclose(real["holdings_p50"], nominal["holdings_p50"] / price, rtol=1e-12)
    start = np.concatenate([[1.0], price[:-1]])  # reallocation: start-of-year prices
    np.testing.assert_allclose(real["reallocation_mean"], nominal["reallocation_mean"] / start)
    np.testing.assert_allclose(
        real["contributions_mean"], nominal["contributions_mean"] / np.sqrt(start * price)
    )


def test_holdings_table_by_hand():
    # 1% of a $12.5T pool moved into a zero-return asset in year one, nothing after.
    out = flat_pool()
    table = out.holdings_table(quantiles=(0.05, 0.5))
    assert list(table.columns) == [
        "holdings_mean", "holdings_p05", "holdings_p50",
        "holdings_share_mean", "holdings_share_p05", "holdings_share_p50",
    ]  # fmt: skip
    assert table.index.name == "year" and len(table) == 5
    np.testing.assert_allclose(table["holdings_p50"], 125e9, rtol=1e-9)
    np.testing.assert_allclose(table["holdings_share_mean"], 0.01, rtol=1e-9)
    risk = out.risk()
    assert risk.loc["max_drawdown_holdings", "p95"] == pytest.approx(0.0, abs=1e-12)
    assert risk.loc["prob_negative_cumulative_flow", "mean"] == 0.0


def test_holdings_table_random(random_pool):
    out = random_pool
    table = out.holdings_table()
    share = out.holdings / out.pool_assets
    np.testing.assert_allclose(table["holdings_share_p95"], np.quantile(share, 0.95, axis=0))
    assert np.all((table["holdings_share_p05"] >= 0) & (table["holdings_share_p95"] <= 1))
    real = out.holdings_table(real=True)
    assert real.attrs["units"] == "USD real"
    np.testing.assert_allclose(real["holdings_share_p50"], table["holdings_share_p50"])


def test_pool_risk_random(random_pool):
    out = random_pool
    risk = out.risk()
    assert list(risk.index) == ["max_drawdown_holdings", "prob_negative_cumulative_flow"]
    assert risk.attrs["units"] == "USD nominal"
    assert risk.loc["prob_negative_cumulative_flow", "mean"] == pytest.approx(
        np.mean(out.cumulative_flows[:, -1] < 0)
    )
    dd = risk.loc["max_drawdown_holdings", ["p05", "p50", "p95"]].astype(float).to_numpy()
    assert 0.0 <= dd[0] <= dd[1] <= dd[2] <= 1.0
    assert risk.loc["max_drawdown_holdings", "mean"] == pytest.approx(
        _max_drawdown(out.holdings).mean()
    )


def test_real_ledger_deflates_every_dollar_column_by_its_own_path():
    import alt401k as ak

    p = ak.Participant(age=50, salary=90_000, deferral_rate=0.1, service_years=1.0)
    plan = ak.PlanDesign.preset("generous")
    res = ak.simulate_participant(p, plan, n_scenarios=40, rng=3, leakage=ak.Leakage())
    nominal = res.ledger(7)
    real = res.ledger(7, real=True)
    price = res.price_level[7]
    mid = np.sqrt(np.concatenate([[1.0], price[:-1]]) * price)  # money spread over the year
    np.testing.assert_allclose(real["balance_end"], nominal["balance_end"] / price, rtol=1e-12)
    for column in ("salary", "employer", "investment_return", "leakage"):
        np.testing.assert_allclose(real[column], nominal[column] / mid, rtol=1e-12)
    np.testing.assert_array_equal(real["vested_share"], nominal["vested_share"])
    assert real.attrs["units"] == "USD real" and nominal.attrs["units"] == "USD nominal"
    mean_real = res.ledger(real=True)
    np.testing.assert_allclose(
        mean_real["balance_end"], (res.balance_end / res.price_level).mean(axis=0), rtol=1e-12
    )


def test_saver_ledger_real_dollars_by_the_time_of_the_money():
    # 2% certain inflation: the price level is 1.02^(y+1) at the end of year y. Withdrawals
    # are paid at the start of a year, contributions over it, balances at its end.
    asset = ak.AssetClass(name="us_equity", expected_return=0.05, volatility=0.0, source="t")
    bonds = ak.AssetClass(name="us_bonds", expected_return=0.05, volatility=0.0, source="t")
    markets = ak.MarketModel.from_assets(
        [asset, bonds], inflation=ak.InflationModel(mean=0.02, volatility=0.0, source="t")
    )
    saver = ak.Participant(
        age=63, salary=80_000.0, balance=500_000.0, deferral_rate=0.1, retirement_age=65,
        start_year=2026,
    )  # fmt: skip
    res = ak.simulate_participant(
        saver,
        ak.PlanDesign(recordkeeping_fee=0.0),
        ak.Portfolio(weights={"us_equity": 1.0}),
        markets=markets,
        n_scenarios=2,
        rng=0,
        retirement=ak.Retirement(end_age=70),
    )
    nominal, real = res.ledger(), res.ledger(real=True)
    y = np.arange(len(nominal))
    price_end = res.price_level[0]
    np.testing.assert_allclose(price_end, 1.02 ** (y + 1), rtol=1e-12)
    start, end = price_end / 1.02, price_end
    np.testing.assert_allclose(real["balance_end"], nominal["balance_end"] / end, rtol=1e-12)
    np.testing.assert_allclose(
        real["employee_pretax"], nominal["employee_pretax"] / np.sqrt(start * end), rtol=1e-12
    )
    np.testing.assert_allclose(
        real["withdrawals_pretax"], nominal["withdrawals_pretax"] / start, rtol=1e-12
    )
    np.testing.assert_allclose(
        real["after_tax_income"], nominal["after_tax_income"] / start, rtol=1e-12
    )
