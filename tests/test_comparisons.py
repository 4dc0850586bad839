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
    # 2026 single: $90,000 - $16,100 deduction = $73,900 of taxable pay, in the 22% bracket.
    assert cmp.marginal_tax_rate == pytest.approx(0.22, abs=1e-9)
    np.testing.assert_allclose(
        cmp.tax_savings, 0.22 * cmp.traditional.contributions.employee_pretax[:, 0], rtol=1e-8
    )
    attrs = cmp.summary().attrs
    assert attrs["invest_tax_savings"] is True
    assert attrs["marginal_tax_rate"] == cmp.marginal_tax_rate
    assert "2026 single" in attrs["marginal_rate_source"]
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
    assert table.attrs["marginal_tax_rate"] == pytest.approx(0.22, abs=1e-9)


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
    with pytest.raises(ValueError, match=r"returns must have shape \(n_scenarios, n_years\)"):
        taxable_account([1.0], [0.05])
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
    with pytest.raises(ValueError, match="unknown taxable-account rate 'yield'"):
        tax_deferred_vs_taxable(LOW_EARNER, retirement=NO_RMD, n_scenarios=2, **{"yield": 0.1})
    with pytest.raises(ValueError, match=r"marginal_tax_rate must be in \[0, 1\); got -0.1"):
        tax_deferred_vs_taxable(
            LOW_EARNER, retirement=NO_RMD, n_scenarios=2, marginal_tax_rate=-0.1
        )
