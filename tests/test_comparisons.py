"""Roth vs traditional, tax-deferred vs taxable, and the taxable-account kernel."""

import numpy as np
import pytest

import alt401k as ak
from alt401k.comparisons import (
    RothTraditionalComparison,
    roth_vs_traditional,
    tax_deferred_vs_taxable,
    taxable_account,
)

RATES = dict(dividend_yield=0.02, dividend_tax_rate=0.15, turnover=0.10, capital_gains_rate=0.15)


# --------------------------------------------------------------------------- taxable_account
def test_taxable_account_hand_computed_three_years():
    # $1,000 at the start of each year; returns 10%, 5%, 20%; y 2%, tau_d 15%, phi 10%, tau_g 15%.
    # Year 1: B = K = 1000. D = 20, T_d = 3. V = 1000 x 1.10 - 3 = 1097; K = 1000 + 20 - 3 = 1017.
    #   Unrealised 80, realise 8, T_g = 1.2. B = 1095.8, K = 1017 + 8 - 1.2 = 1023.8.
    # Year 2: B = 2095.8, K = 2023.8. D = 41.916, T_d = 6.2874.
    #   V = 2095.8 x 1.05 - 6.2874 = 2194.3026; K = 2023.8 + 41.916 - 6.2874 = 2059.4286.
    #   Unrealised 134.874, realise 13.4874, T_g = 2.02311.
    #   B = 2192.27949, K = 2059.4286 + 13.4874 - 2.02311 = 2070.89289.
    # Year 3: B = 3192.27949, K = 3070.89289. D = 63.8455898, T_d = 9.57683847.
    #   V = 3192.27949 x 1.2 - 9.57683847 = 3821.15854953; K = 3125.16164133.
    #   Unrealised 695.9969082, realise 69.59969082, T_g = 10.439953623.
    #   B = 3810.718595907, K = 3184.321378527.
    # Liquidation: 3810.718595907 - 0.15 x 626.39721738 = 3716.7590133.
    paths = taxable_account([1000.0] * 3, [[0.10, 0.05, 0.20]], **RATES)
    np.testing.assert_allclose(paths.balance[0], [1095.8, 2192.27949, 3810.718595907], rtol=1e-12)
    np.testing.assert_allclose(paths.basis[0], [1023.8, 2070.89289, 3184.321378527], rtol=1e-12)
    np.testing.assert_allclose(paths.dividend_tax[0], [3.0, 6.2874, 9.57683847], rtol=1e-12)
    np.testing.assert_allclose(paths.gains_tax[0], [1.2, 2.02311, 10.439953623], rtol=1e-12)
    np.testing.assert_allclose(paths.after_tax_value, [3716.7590133], rtol=1e-12)


def test_taxable_account_zero_tax_is_plain_compounding():
    rng = np.random.default_rng(3)
    returns = rng.normal(0.06, 0.15, size=(50, 20))
    contributions = rng.uniform(0.0, 5_000.0, size=(50, 20))
    paths = taxable_account(
        contributions,
        returns,
        dividend_yield=0.03,
        dividend_tax_rate=0.0,
        turnover=0.5,
        capital_gains_rate=0.0,
    )
    expected = np.zeros(50)
    for t in range(20):
        expected = (expected + contributions[:, t]) * (1.0 + returns[:, t])
    np.testing.assert_allclose(paths.balance[:, -1], expected, rtol=1e-12)
    np.testing.assert_allclose(paths.after_tax_value, expected, rtol=1e-12)
    assert np.all(paths.taxes == 0.0)


def test_taxable_account_taxes_nonnegative_and_basis_below_balance():
    rng = np.random.default_rng(4)
    # Total returns at or above the dividend yield: price returns are never negative.
    returns = rng.uniform(0.02, 0.40, size=(200, 30))
    paths = taxable_account(rng.uniform(0.0, 1e4, size=30), returns, **RATES)
    assert np.all(paths.dividend_tax >= 0.0)
    assert np.all(paths.gains_tax >= 0.0)
    assert np.all(paths.basis <= paths.balance * (1 + 1e-12))
    # With losses allowed, taxes are still never negative (losses are not deducted).
    falling = taxable_account(np.ones(30), rng.uniform(-0.5, 0.5, size=(200, 30)), **RATES)
    assert np.all(falling.taxes >= 0.0)


def test_taxable_account_withdrawals():
    # No gain (zero return, no dividends): a withdrawal is paid in full with no tax.
    flat = taxable_account([100.0, 0.0], [[0.0, 0.0]], withdrawals=[0.0, 40.0], dividend_yield=0.0)
    np.testing.assert_allclose(flat.withdrawn[0], [0.0, 40.0])
    np.testing.assert_allclose(flat.balance[0], [100.0, 60.0])
    # Balance 200 with basis 100 (gain share 1/2, no turnover): netting 100 after a 15% tax
    # on half the sale needs 100 / (1 - 0.075) = 108.108...; asking 1,000 empties it.
    grown = taxable_account(
        [100.0, 0.0, 0.0],
        [[1.0, 0.0, 0.0]],
        withdrawals=[0.0, 100.0, 1_000.0],
        dividend_yield=0.0,
        turnover=0.0,
    )
    gross = 100.0 / 0.925
    np.testing.assert_allclose(grown.balance[0, 1], 200.0 - gross, rtol=1e-12)
    np.testing.assert_allclose(grown.gains_tax[0, 1], 0.075 * gross, rtol=1e-12)
    np.testing.assert_allclose(grown.withdrawn[0, 2], (200.0 - gross) * 0.925, rtol=1e-12)
    assert grown.balance[0, 2] == 0.0
    assert grown.shortfall[0, 2] > 0.0 and grown.ran_out[0] == 1.0


# --------------------------------------------------------------------------- roth_vs_traditional
LOW_EARNER = ak.Participant(age=60, salary=20_000, deferral_rate=0.05, retirement_age=65)
NO_RMD = ak.Retirement(end_age=72)  # born 1966: RMDs from 75, never reached


def test_zero_tax_roth_and_traditional_give_same_income():
    # 0% marginal rate now, income below the standard deduction later: tax treatment is moot.
    cmp = roth_vs_traditional(
        LOW_EARNER, retirement=NO_RMD, n_scenarios=50, rng=7, marginal_tax_rate=0.0
    )
    assert isinstance(cmp, RothTraditionalComparison)
    trad = cmp.traditional.retirement_outcomes()
    roth = cmp.roth.retirement_outcomes()
    assert np.all(cmp.traditional.retirement_paths.tax == 0.0)
    np.testing.assert_allclose(roth["mean_income"], trad["mean_income"], rtol=1e-9)
    np.testing.assert_allclose(
        roth["after_tax_terminal_wealth"], trad["after_tax_terminal_wealth"], rtol=1e-9
    )
    summary = cmp.summary()
    assert abs(summary.loc[("mean_income", "roth_minus_traditional"), "mean"]) < 1e-6
    assert np.all(cmp.tax_savings == 0.0)


def test_common_random_numbers_and_assumptions():
    saver = ak.Participant(age=45, salary=90_000, deferral_rate=0.10)
    cmp = roth_vs_traditional(saver, retirement=ak.Retirement(end_age=80), n_scenarios=40, rng=2)
    np.testing.assert_array_equal(cmp.traditional.annual_returns, cmp.roth.annual_returns)
    np.testing.assert_array_equal(cmp.traditional.price_level, cmp.roth.price_level)
    assert cmp.traditional.participant.roth_fraction == 0.0
    assert cmp.roth.participant.roth_fraction == 1.0
    # 2026 single: taxable pay $73,900 with the deferral's $9,000 and $64,900 without, both
    # in the 22% bracket: the exact saving is 0.22 x 9,000 = 1,980 in the first year.
    assert cmp.marginal_tax_rate is None
    np.testing.assert_allclose(cmp.tax_savings[:, 0], 1_980.0, rtol=1e-12)
    # Later years: tax(pay) - tax(pay - deferral) under the year's schedule, indexed with the
    # scenario's price level at the start of the year (the retirement phase's indexing).
    c = cmp.traditional.contributions
    schedule = ak.TaxSchedule.federal(2026, "single")
    for y in (5, 19):
        index = cmp.traditional.price_at_start[:, y]
        year = schedule.indexed(1.0, int(c.years[y]))
        pay, deferral = c.salary[y, 0], c.employee_pretax[y, 0]
        expected = year.income_tax(pay, age=45 + y, index=index) - year.income_tax(
            pay - deferral, age=45 + y, index=index
        )
        np.testing.assert_allclose(cmp.tax_savings[:, y], expected, rtol=1e-12)
    assert np.all(cmp.tax_savings[:, c.years >= 2026 + 20] == 0.0)  # retired
    attrs = cmp.summary().attrs
    assert attrs["invest_tax_savings"] is True
    assert attrs["marginal_tax_rate"] is None
    assert "exact each year" in attrs["marginal_rate_source"]
    assert "2026 single" in attrs["marginal_rate_source"]
    assert 0.22 <= attrs["deferral_tax_rate"] <= 0.24
    assert attrs["taxable_account"] == RATES
    assert attrs["dollars"] == "start-year (real)"
    # The invested saving adds its after-tax value to the traditional saver's wealth.
    per = cmp.outcomes()
    np.testing.assert_allclose(
        per[("after_tax_terminal_wealth", "traditional")],
        cmp.traditional.retirement_outcomes()["after_tax_terminal_wealth"]
        + cmp.side_account_value(),
        rtol=1e-12,
    )
    assert np.all(cmp.side_account_value() > 0.0)


def test_spent_tax_savings():
    saver = ak.Participant(age=55, salary=90_000, deferral_rate=0.10)
    cmp = roth_vs_traditional(
        saver, retirement=ak.Retirement(end_age=70), n_scenarios=20, rng=1, invest_tax_savings=False
    )
    assert cmp.side_account is None
    assert cmp.summary().attrs["tax_savings"] == "spent (not saved)"
    assert np.all(cmp.outcomes()[("side_account", "traditional")] == 0.0)


# --------------------------------------------------------------------------- tax deferral
def test_tax_deferred_vs_taxable_structure():
    saver = ak.Participant(age=45, salary=90_000, deferral_rate=0.10)
    table = tax_deferred_vs_taxable(
        saver, retirement=ak.Retirement(end_age=80), n_scenarios=40, rng=3
    )
    # The match only adds money, path by path.
    assert table.loc[("balance_at_retirement", "401k_minus_401k_own"), "p05"] > 0.0
    # Taxed yearly and funded with after-tax money, the taxable account holds less.
    assert table.loc[("balance_at_retirement", "401k_own_minus_taxable"), "p05"] > 0.0
    rate = table.loc[("withdrawal_tax_rate", "401k"), "mean"]
    assert 0.0 <= rate < 0.37
    assert "none outside the plan" in table.attrs["employer_match"]
    assert table.attrs["marginal_tax_rate"] is None
    assert "exact each year" in table.attrs["marginal_rate_source"]
    assert 0.22 <= table.attrs["deferral_tax_rate"] <= 0.24


# --------------------------------------------------------------------------- validation
@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"dividend_yield": 1.0}, r"dividend_yield must be in \[0, 1\); got 1.0"),
        ({"dividend_tax_rate": -0.1}, r"dividend_tax_rate must be in \[0, 1\); got -0.1"),
        ({"capital_gains_rate": float("nan")}, r"capital_gains_rate must be in \[0, 1\)"),
        ({"turnover": 1.5}, r"turnover must be in \[0, 1\]; got 1.5"),
    ],
)
def test_taxable_account_rejects_bad_rates(kwargs, match):
    with pytest.raises(ValueError, match=match):
        taxable_account([1.0], [[0.05]], **kwargs)


def test_taxable_account_rejects_bad_shapes_and_values():
    with pytest.raises(
        ValueError, match=r"returns must have shape \(n_scenarios, n_years \* periods_per_year\)"
    ):
        taxable_account([1.0], [0.05])
    with pytest.raises(ValueError, match=r"periods_per_year must divide the 3 periods"):
        taxable_account([1.0], [[0.0, 0.0, 0.0]], periods_per_year=2)
    with pytest.raises(ValueError, match=r"periods_per_year must be an integer >= 1; got 0"):
        taxable_account([1.0], [[0.05]], periods_per_year=0)
    with pytest.raises(ValueError, match=r"contribution_timing must be 'start' or 'period_ends'"):
        taxable_account([1.0], [[0.05]], contribution_timing="end")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"contributions must have shape \(2,\) or \(3, 2\)"):
        taxable_account([1.0, 2.0, 3.0], np.zeros((3, 2)))
    with pytest.raises(ValueError, match=r"returns must be finite fractions > -1; got -1\.5"):
        taxable_account([1.0], [[-1.5]])
    with pytest.raises(ValueError, match=r"contributions must be finite dollars >= 0; got -5\.0"):
        taxable_account([-5.0], [[0.05]])
    with pytest.raises(ValueError, match=r"withdrawals must have shape \(1,\) or \(1, 1\)"):
        taxable_account([1.0], [[0.05]], withdrawals=[1.0, 2.0])


def test_comparisons_reject_bad_rates():
    with pytest.raises(ValueError, match=r"marginal_tax_rate must be in \[0, 1\); got 1.2"):
        roth_vs_traditional(LOW_EARNER, retirement=NO_RMD, n_scenarios=2, marginal_tax_rate=1.2)
    with pytest.raises(ValueError, match=r"turnover must be in \[0, 1\]; got -1"):
        roth_vs_traditional(LOW_EARNER, retirement=NO_RMD, n_scenarios=2, turnover=-1)
    with pytest.raises(ValueError, match=r"discount_rate must be in \[0, 1\); got 1.5"):
        roth_vs_traditional(LOW_EARNER, retirement=NO_RMD, n_scenarios=2, discount_rate=1.5)
    with pytest.raises(ValueError, match="unknown taxable-account rate 'yield'"):
        tax_deferred_vs_taxable(LOW_EARNER, retirement=NO_RMD, n_scenarios=2, **{"yield": 0.1})
    with pytest.raises(ValueError, match=r"marginal_tax_rate must be in \[0, 1\); got -0.1"):
        tax_deferred_vs_taxable(
            LOW_EARNER, retirement=NO_RMD, n_scenarios=2, marginal_tax_rate=-0.1
        )


# --------------------------------------------------------------------------- fair comparisons
def _certain_markets(mu: float = 0.05, inflation: float = 0.02) -> ak.MarketModel:
    """Two assets with the same certain return, no fund expenses, certain inflation."""
    assets = [
        ak.AssetClass(name=name, expected_return=mu, volatility=0.0, source="test")
        for name in ("us_equity", "us_bonds")
    ]
    return ak.MarketModel.from_assets(
        assets, inflation=ak.InflationModel(mean=inflation, volatility=0.0, source="test")
    )


#: A flat 25% income tax, no deductions: the same rate now and later.
FLAT_25 = ak.TaxSchedule(
    year=2026, filing_status="single", brackets=((float("inf"), 0.25),),
    standard_deduction=0.0, additional_deduction_65=0.0, senior_deduction=0.0,
    senior_phaseout_threshold=0.0, senior_phaseout_rate=0.0,
)  # fmt: skip
NO_MATCH = ak.PlanDesign(recordkeeping_fee=0.0, match=ak.MatchFormula(tiers=()))
UNTAXED = dict(dividend_yield=0.0, dividend_tax_rate=0.0, turnover=0.0, capital_gains_rate=0.0)
FLAT_SAVER = ak.Participant(age=35, salary=90_000, deferral_rate=0.10, retirement_age=65)


@pytest.mark.parametrize("periods_per_year", [12, 1])
@pytest.mark.parametrize("given_rate", [0.25, None])
def test_flat_tax_roth_equals_traditional_plus_invested_saving(periods_per_year, given_rate):
    # One rate now and later, no match, no fees, certain returns, an untaxed side account:
    # Roth B = traditional (1 - m) B + side account m B, exactly, when the side account is
    # fed with each paycheck like the plan. (Funded at the start of each year it earned ~6.5
    # months more: traditional "won" by 0.67% monthly.) With given_rate None the saving is
    # found from the flat schedule: tax(pay) - tax(pay - E) = 0.25 E.
    retirement = ak.Retirement(end_age=66, rule="rmd_only", tax_schedule=FLAT_25)
    cmp = roth_vs_traditional(
        FLAT_SAVER, NO_MATCH, retirement=retirement, markets=_certain_markets(),
        n_scenarios=2, rng=0, periods_per_year=periods_per_year,
        marginal_tax_rate=given_rate, **UNTAXED,
    )  # fmt: skip
    deferrals = cmp.traditional.contributions.employee_pretax[:, 0]
    np.testing.assert_allclose(cmp.tax_savings, np.tile(0.25 * deferrals, (2, 1)), rtol=1e-12)
    out = cmp.outcomes()
    roth = out[("after_tax_terminal_wealth", "roth")]
    trad = out[("after_tax_terminal_wealth", "traditional")]
    np.testing.assert_allclose(trad, roth, rtol=1e-9)
    # Year by year, the side account is a quarter of the plan balance both savers build.
    side = cmp.side_account
    assert side is not None
    np.testing.assert_allclose(side.balance, 0.25 * cmp.traditional.balance_end, rtol=1e-9)
    np.testing.assert_allclose(cmp.traditional.balance_end, cmp.roth.balance_end, rtol=1e-15)
    pv = out[("present_value", "roth")]
    np.testing.assert_allclose(out[("present_value", "traditional")], pv, rtol=1e-9)


@pytest.mark.parametrize("periods_per_year", [12, 1])
def test_flat_tax_value_of_tax_deferral_is_zero(periods_per_year):
    # The plan's own money after a flat 25% at withdrawal vs 75% of it saved in an untaxed
    # account with the same timing and returns: equal. (It read -$10,270, -2.7%, monthly.)
    retirement = ak.Retirement(end_age=66, rule="rmd_only", tax_schedule=FLAT_25)
    table = tax_deferred_vs_taxable(
        FLAT_SAVER, NO_MATCH, retirement=retirement, markets=_certain_markets(),
        n_scenarios=2, rng=0, periods_per_year=periods_per_year, **UNTAXED,
    )  # fmt: skip
    own = table.loc[("after_tax_at_retirement", "401k_own"), "mean"]
    gap = table.loc[("after_tax_at_retirement", "401k_own_minus_taxable"), "mean"]
    assert abs(gap) <= 1e-9 * own
    assert table.loc[("withdrawal_tax_rate", "401k_own"), "mean"] == pytest.approx(0.25)


def test_present_value_does_not_count_rmd_timing_as_a_roth_loss():
    # The same flat setting drawn down to 95 with the 4% rule: from 75 RMDs make the
    # traditional saver take more than the Roth saver (more income, less wealth), but at one
    # flat rate neither is better off. The present value at retirement, discounted at the
    # portfolio's own return, shows it: equal, scenario by scenario. At a stated real rate
    # equal to that return (5% nominal, 2% inflation) it is the same number.
    retirement = ak.Retirement(end_age=95, tax_schedule=FLAT_25)
    cmp = roth_vs_traditional(
        FLAT_SAVER, NO_MATCH, retirement=retirement, markets=_certain_markets(),
        n_scenarios=2, rng=0, marginal_tax_rate=0.25, **UNTAXED,
    )  # fmt: skip
    trad, roth = cmp.traditional.retirement_paths, cmp.roth.retirement_paths
    assert np.any(trad.pretax > roth.roth * (1 + 1e-6))  # RMDs bind
    pv = cmp.present_value()
    np.testing.assert_allclose(pv["traditional"], pv["roth"], rtol=1e-9)
    # The Roth PV is the balance at retirement in start-year dollars (no tax, no fees).
    first = cmp.roth.retirement_year_index
    at_retirement = cmp.roth.balance_at_retirement / cmp.roth.price_level[:, first - 1]
    np.testing.assert_allclose(pv["roth"], at_retirement, rtol=1e-9)
    stated = roth_vs_traditional(
        FLAT_SAVER, NO_MATCH, retirement=retirement, markets=_certain_markets(),
        n_scenarios=2, rng=0, marginal_tax_rate=0.25, discount_rate=1.05 / 1.02 - 1, **UNTAXED,
    )  # fmt: skip
    for name in ("traditional", "roth"):
        np.testing.assert_allclose(stated.present_value()[name], pv[name], rtol=1e-9)
    nominal = cmp.present_value(real=False)["roth"]
    np.testing.assert_allclose(nominal, cmp.roth.balance_at_retirement, rtol=1e-9)
    summary = cmp.summary()
    assert (
        abs(summary.loc[("present_value", "roth_minus_traditional"), "mean"])
        < 1e-9 * pv["roth"].mean()
    )
    assert "realised return" in summary.attrs["present_value"]
    assert "real rate of 0.0294118" in stated.summary().attrs["present_value"]
    assert stated.summary().attrs["discount_rate"] == pytest.approx(1.05 / 1.02 - 1)


def test_deferral_saving_is_exact_when_it_crosses_a_bracket():
    # $70,000 of pay, 10% deferred, 2026 single: taxable pay 53,900 with the deferral's
    # $7,000, 46,900 without; 50,400 is the top of the 12% bracket. Saving:
    # 0.22 x 3,500 + 0.12 x 3,500 = 1,190. One marginal rate (22%) said 1,540: 29% too much.
    saver = ak.Participant(age=40, salary=70_000, deferral_rate=0.10, start_year=2026)
    cmp = roth_vs_traditional(saver, retirement=ak.Retirement(end_age=70), n_scenarios=3, rng=0)
    np.testing.assert_allclose(cmp.tax_savings[:, 0], 1_190.0, rtol=1e-12)
    assert 0.22 * 7_000 / 1_190.0 - 1 == pytest.approx(0.294, abs=5e-4)
    deferral = tax_deferred_vs_taxable(
        saver, retirement=ak.Retirement(end_age=70), n_scenarios=3, rng=0
    )
    assert deferral.attrs["marginal_tax_rate"] is None


def test_taxable_account_paid_in_at_period_ends():
    # Two periods a year, returns 10% then -5%, $1,000 a year in two halves at the period
    # ends; y 2% of the time-weighted dollars invested, tau_d 15%, no turnover, tau_g 15%.
    # Year 1: G = (0 x 1.1 + 500) x 0.95 + 500 = 975; invested 0 + 1000 x 1/4 = 250,
    #   D = 5, T_d = 0.75; B = 974.25, K = 1000 + 5 - 0.75 = 1004.25.
    # Year 2: G = (974.25 x 1.1 + 500) x 0.95 + 500 = 1993.09125; invested 974.25 + 250 =
    #   1224.25, D = 24.485, T_d = 3.67275; B = 1989.4185, K = 1004.25 + 1000 + 20.81225.
    rates = dict(dividend_yield=0.02, dividend_tax_rate=0.15, turnover=0.0, capital_gains_rate=0.15)
    paths = taxable_account(
        [1_000.0, 1_000.0], [[0.10, -0.05, 0.10, -0.05]], periods_per_year=2,
        contribution_timing="period_ends", **rates,
    )  # fmt: skip
    np.testing.assert_allclose(paths.balance[0], [974.25, 1989.4185], rtol=1e-12)
    np.testing.assert_allclose(paths.basis[0], [1004.25, 2025.06225], rtol=1e-12)
    np.testing.assert_allclose(paths.dividend_tax[0], [0.75, 3.67275], rtol=1e-12)
    # Untaxed, it is the plan's recursion: B <- B (1 + r) + c / n each period.
    rng = np.random.default_rng(8)
    returns = rng.normal(0.005, 0.04, size=(20, 36))
    contributions = rng.uniform(0.0, 6_000.0, size=(20, 3))
    untaxed = taxable_account(
        contributions, returns, periods_per_year=12, contribution_timing="period_ends", **UNTAXED
    )
    expected = np.zeros(20)
    for t in range(36):
        expected = expected * (1.0 + returns[:, t]) + contributions[:, t // 12] / 12
    np.testing.assert_allclose(untaxed.balance[:, -1], expected, rtol=1e-12)
    # "start" timing on period returns: the year's money in at its start.
    start = taxable_account(contributions, returns, periods_per_year=12, **UNTAXED)
    expected = np.zeros(20)
    for t in range(36):
        if t % 12 == 0:
            expected = expected + contributions[:, t // 12]
        expected = expected * (1.0 + returns[:, t])
    np.testing.assert_allclose(start.balance[:, -1], expected, rtol=1e-12)


def test_side_account_earns_the_plans_own_returns_under_volatility():
    # Random markets: an untaxed side account fed m x the deferral with each paycheck is
    # m x the plan balance (no match, no fees, no withdrawals before the end), path by path.
    markets = ak.default_markets().subset(["us_equity", "us_bonds"])
    retirement = ak.Retirement(end_age=66, rule="rmd_only", tax_schedule=FLAT_25)
    cmp = roth_vs_traditional(
        FLAT_SAVER.replace(age=55), NO_MATCH, retirement=retirement, markets=markets,
        n_scenarios=30, rng=4, marginal_tax_rate=0.25, **UNTAXED,
    )  # fmt: skip
    side = cmp.side_account
    assert side is not None
    np.testing.assert_allclose(side.balance, 0.25 * cmp.traditional.balance_end, rtol=1e-9)
    pv = cmp.present_value()
    np.testing.assert_allclose(pv["traditional"], pv["roth"], rtol=1e-9)


def test_plan_after_tax_counts_tax_on_non_qualified_roth_earnings():
    # An all-Roth saver retiring at 50 draws non-qualified money until 59 1/2: the plan's
    # after-tax value at retirement is below its (all-Roth) balance by the average tax and
    # penalty its Roth withdrawals paid.
    saver = ak.Participant(
        age=40, salary=100_000, deferral_rate=0.2, roth_fraction=1.0, retirement_age=50
    )
    retirement = ak.Retirement(end_age=70, other_income=30_000.0)
    table = tax_deferred_vs_taxable(
        saver, NO_MATCH, retirement=retirement, markets=_certain_markets(), n_scenarios=2, rng=0
    )
    balance = table.loc[("balance_at_retirement", "401k_own"), "mean"]
    after_tax = table.loc[("after_tax_at_retirement", "401k_own"), "mean"]
    assert 0.95 * balance < after_tax < balance
