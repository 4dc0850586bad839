"""Pay paths in runs: contributions by scenario, limits on each scenario's price path."""

import numpy as np

import alt401k as ak

SAVER = ak.Participant(age=35, salary=80_000, deferral_rate=0.10)


def test_a_deterministic_pay_path_reproduces_fixed_growth():
    flat = ak.PayPath(real_growth_by_age=((16, 0.035),), inflation=False)
    base = ak.simulate_participant(SAVER, n_scenarios=200, rng=4)
    paths = ak.simulate_participant(SAVER, n_scenarios=200, rng=4, pay=flat)
    # Far below every limit: the same contributions, so the same balances (to rounding).
    np.testing.assert_allclose(paths.balance_end, base.balance_end, rtol=1e-12)
    assert np.array_equal(paths.annual_returns, base.annual_returns)


def test_pay_differs_by_scenario_and_breaks_stop_contributions():
    pay = ak.PayPath(shock_volatility=0.08, breaks=((40, 42, 0.0),))
    res = ak.simulate_participant(SAVER, n_scenarios=300, rng=2, pay=pay)
    salary = res.contributions.salary  # (Y, S)
    assert salary.shape == (30, 300)
    assert np.all(salary[5:7] == 0.0) and np.all(res.contributions.employee[5:7] == 0.0)
    assert np.std(salary[10]) > 0  # shocks make pay differ across scenarios
    for scenario in (0, 123):
        led = res.ledger(scenario)
        np.testing.assert_allclose(led["salary"], salary[:, scenario])
        previous = np.concatenate([[SAVER.balance], led["balance_end"].to_numpy()[:-1]])
        change = (
            led["employee_pretax"] + led["employee_roth"] + led["employer"]
            + led["investment_return"] - led["fees"]
        )  # fmt: skip
        np.testing.assert_allclose(led["balance_end"] - previous, change, atol=1e-6)


def test_limits_follow_each_scenarios_prices():
    rich = ak.Participant(age=40, salary=400_000, deferral_rate=0.10)
    res = ak.simulate_participant(rich, n_scenarios=50, rng=5, pay=ak.PayPath())
    years = rich.start_year + np.arange(rich.n_years)
    limits = ak.limits_from_prices(years, res.price_level)
    # Before 50 (no catch-up), deferrals are capped at each scenario's own 402(g) limit.
    young = slice(0, 10)
    np.testing.assert_array_equal(
        res.contributions.employee[young], limits["elective_deferral"].T[young]
    )
    assert np.std(limits["elective_deferral"][:, -1]) > 0


def test_pool_pay_profile_equal_to_salary_growth_changes_nothing():
    # Real growth g with (1.025)(1 + g) = 1.035 reproduces the cells' 3.5% nominal growth.
    g = 1.035 / 1.025 - 1.0
    flat = ak.PayPath(real_growth_by_age=((16, g),))
    base = ak.Scenario(horizon_years=4).run(10, rng=1)
    same = ak.Scenario(horizon_years=4, pay=flat).run(10, rng=1)
    np.testing.assert_allclose(same.pool_contributions, base.pool_contributions, rtol=1e-9)
    profile = ak.Scenario(horizon_years=4, pay=ak.PayPath()).run(10, rng=1)
    assert not np.allclose(profile.pool_contributions[1:], base.pool_contributions[1:])
    np.testing.assert_allclose(profile.pool_contributions[0], base.pool_contributions[0])
