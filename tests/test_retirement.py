"""The retirement phase: withdrawal rules, RMDs, tax, penalty, conservation, outcomes."""

import functools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

import alt401k as ak

START = 2026


def deterministic_markets(mu: float = 0.05, inflation: float = 0.02) -> ak.MarketModel:
    """One asset with a certain return, no fees, certain inflation."""
    asset = ak.AssetClass(name="us_equity", expected_return=mu, volatility=0.0, source="test")
    bonds = ak.AssetClass(name="us_bonds", expected_return=mu, volatility=0.0, source="test")
    return ak.MarketModel.from_assets(
        [asset, bonds], inflation=ak.InflationModel(mean=inflation, volatility=0.0, source="test")
    )


NO_FEES = ak.PlanDesign(recordkeeping_fee=0.0)
EQUITY = ak.Portfolio(weights={"us_equity": 1.0})


def saver(**changes):
    fields = dict(
        age=64, salary=0.0, balance=1_000_000.0, deferral_rate=0.0, retirement_age=65,
        start_year=START,
    )  # fmt: skip
    return ak.Participant(**{**fields, **changes})


def run(participant, retirement, *, markets=None, portfolio=EQUITY, plan=NO_FEES, n=3, rng=0):
    return ak.simulate_participant(
        participant,
        plan,
        portfolio,
        markets=markets or deterministic_markets(),
        n_scenarios=n,
        rng=rng,
        retirement=retirement,
    )


# ---------------------------------------------------------------- zero volatility


def test_fixed_real_rule_is_the_hand_computed_annuity():
    mu, infl, rate = 0.05, 0.02, 0.04
    retirement = ak.Retirement(end_age=70, rule="fixed_real", rate=rate)
    res = run(saver(), retirement, markets=deterministic_markets(mu, infl))
    # Age 64 works (no contributions): B_ret = 1e6 * 1.05. From 65 (year 1) on, at each year's
    # start W_y = 4% * B_ret * 1.02^(y-1), then the rest grows by 1.05 over the year.
    b_ret = 1e6 * (1 + mu)
    withdrawals, balance = [], b_ret
    for y in range(1, 7):
        w = rate * b_ret * (1 + infl) ** (y - 1)
        withdrawals.append(w)
        balance = (balance - w) * (1 + mu)
    paths = res.retirement_paths
    np.testing.assert_allclose(paths.pretax[:, 1:], np.tile(withdrawals, (3, 1)), rtol=1e-9)
    np.testing.assert_allclose(res.terminal_balance, balance, rtol=1e-9)
    # After-tax income: the withdrawal less the federal tax on it (single, 2026 schedule with
    # every dollar amount indexed by the price level at the year's start, 1.02^y).
    schedule = ak.TaxSchedule.federal(year=2026, filing_status="single")
    for y, w in enumerate(withdrawals, start=1):
        tax = schedule.indexed(1.0, year=START + y).income_tax(w, age=64 + y, index=(1 + infl) ** y)
        np.testing.assert_allclose(paths.after_tax_income[:, y], w - tax, rtol=1e-9)
    np.testing.assert_allclose(res.balance_at_retirement, b_ret, rtol=1e-12)


def test_first_withdrawal_of_4pct_rule_in_real_dollars():
    res = run(saver(), ak.Retirement(end_age=68), markets=deterministic_markets(0.05, 0.03))
    outcomes = res.retirement_outcomes(real=False)
    np.testing.assert_allclose(outcomes["balance_at_retirement"], 1.05e6, rtol=1e-12)
    replacement = res.retirement_outcomes()["replacement_ratio"]
    assert np.all(replacement == 0.0)  # no pay in the last working year: ratio defined as 0


# ------------------------------------------------------------------------- RMDs


def test_rmd_binds_as_a_floor_not_added():
    # Born 1946 would have no defined start age; born 1960 (age 66 in 2026): RMDs from 75.
    p = saver(age=66, retirement_age=67, balance=500_000.0)
    small = run(p, ak.Retirement(end_age=85, rule="fixed_share", rate=0.01))
    large = run(p, ak.Retirement(end_age=85, rule="fixed_share", rate=0.10))
    for res, rate in ((small, 0.01), (large, 0.10)):
        prior = np.concatenate([np.full((3, 1), 500_000.0), res.balance_end[:, :-1]], axis=1)
        ages = 66 + np.arange(res.balance_end.shape[1])
        rmd = ak.required_minimum_distribution(prior, ages, 1960)
        wanted = np.where(ages >= 67, rate * prior, 0.0)
        np.testing.assert_allclose(
            res.retirement_paths.pretax, np.maximum(wanted, rmd), rtol=1e-12, atol=1e-9
        )
    at_80 = 80 - 66
    assert small.retirement_paths.pretax[0, at_80] == pytest.approx(
        small.balance_end[0, at_80 - 1] / 20.2, rel=1e-12
    )


def test_rmd_only_takes_nothing_before_the_start_age():
    p = saver(age=66, retirement_age=67)  # born 1960: RMDs from 75
    res = run(p, ak.Retirement(end_age=80, rule="rmd_only"))
    ages = 66 + np.arange(res.balance_end.shape[1])
    assert np.all(res.retirement_paths.pretax[:, ages < 75] == 0.0)
    assert np.all(res.retirement_paths.pretax[:, ages >= 75] > 0.0)


def test_roth_money_is_never_taxed_and_has_no_rmd():
    p = saver(age=66, retirement_age=67, balance=800_000.0, roth_balance=800_000.0)
    res = run(p, ak.Retirement(end_age=85, rule="fixed_share", rate=0.05))
    paths = res.retirement_paths
    assert np.all(paths.pretax == 0.0)
    assert np.all(paths.tax == 0.0) and np.all(paths.penalty == 0.0)
    assert np.all(paths.roth[:, 1:] > 0.0)


# ------------------------------------------------------ Roth basis, non-qualified money

ROTH_ONLY = ak.PlanDesign(recordkeeping_fee=0.0, match=ak.MatchFormula(tiers=()))  # no match
ROTH_SAVER = dict(
    age=40, salary=100_000.0, deferral_rate=0.2, roth_fraction=1.0, salary_growth=0.0,
    retirement_age=50, start_year=START,
)  # fmt: skip


def test_all_roth_early_retiree_pays_tax_and_penalty_on_the_earnings_share():
    # An all-Roth saver (10 x $20,000 of Roth deferrals, 2026-2035) retires at 50 and takes
    # $21,000 a year (no inflation: fixed_real pays the same dollars), with $30,000 of other
    # income. Before 59 1/2 a Roth withdrawal is not qualified: its earnings part, pro rata to
    # the account's earnings (IRC 72(e)(8)), is ordinary income and owes the 10% penalty.
    markets = deterministic_markets(0.05, 0.0)
    p = ak.Participant(**ROTH_SAVER)
    probe = run(p, ak.Retirement(end_age=62), markets=markets, plan=ROTH_ONLY, n=2)
    rate = 21_000.0 / probe.balance_at_retirement[0]
    retirement = ak.Retirement(end_age=62, rule="fixed_real", rate=rate, other_income=30_000.0)
    res = run(p, retirement, markets=markets, plan=ROTH_ONLY, n=2)
    paths = res.retirement_paths
    ages = 40 + np.arange(23)
    np.testing.assert_allclose(paths.roth[:, ages >= 50], 21_000.0, rtol=1e-12)
    assert np.all(paths.pretax == 0.0)
    contributions = res.contributions.roth_total[:, 0]
    np.testing.assert_allclose(contributions[:10], 20_000.0, rtol=1e-12)

    # The same by hand: basis = contributions less the basis share of each withdrawal.
    schedule = ak.TaxSchedule.federal(2026, "single")
    basis, rows = 0.0, []
    for y, age in enumerate(ages):
        taxable = tax = penalty = 0.0
        if age >= 50:
            balance = res.roth_balance_end[0, y - 1]  # start of the year, before the withdrawal
            basis_part = 21_000.0 * basis / balance
            earnings = 21_000.0 - basis_part
            before = {59: 0.875, 60: 0.125}.get(int(age), 1.0 if age < 59 else 0.0)
            taxable = earnings * before  # five years done (Roth since 2026): only 59 1/2 binds
            year = schedule.indexed(1.0, START + y)
            tax = year.income_tax(30_000.0 + taxable, age=age) - year.income_tax(30_000.0, age=age)
            penalty = 0.10 * earnings * before
            basis -= basis_part
        basis += contributions[y]
        rows.append((taxable, tax, penalty, basis))
    taxable, tax, penalty, basis_end = (np.array(col) for col in zip(*rows, strict=True))
    np.testing.assert_allclose(paths.roth_taxable[0], taxable, rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(paths.tax[0], tax, rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(paths.penalty[0], penalty, rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(paths.roth_basis[0], basis_end, rtol=1e-12)
    np.testing.assert_array_equal(paths.roth_tax, paths.tax)  # all tax is on Roth earnings
    np.testing.assert_array_equal(paths.roth_penalty, paths.penalty)
    early = (ages >= 50) & (ages <= 58)
    assert np.all(paths.tax[:, early] > 0.0) and np.all(paths.penalty[:, early] > 0.0)
    assert np.all(paths.tax[:, ages >= 61] == 0.0) and np.all(paths.penalty[:, ages >= 61] == 0.0)
    # At 50: basis $200,000 of a balance of about $259,000; 22.8% of $21,000 is earnings.
    assert taxable[10] == pytest.approx(21_000.0 * (1 - 200_000.0 / res.balance_end[0, 9]))
    np.testing.assert_allclose(
        paths.after_tax_income[0, early], 21_000.0 - tax[early] - penalty[early], rtol=1e-12
    )
    ledger = res.ledger(scenario=0)
    np.testing.assert_allclose(ledger["roth_taxable"], taxable, rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(ledger["roth_basis_end"], basis_end, rtol=1e-12)


def test_roth_within_five_years_is_taxed_but_not_penalised_after_separation_at_55_plus():
    # Roth deferrals from 2026 (age 57): the five-year period ends with 2030, so withdrawals
    # at 60 and 61 (2029, 2030) are not qualified; from 62 they are. Separated at 60, the rule
    # of 55 waives the penalty; the earnings are still income.
    markets = deterministic_markets(0.05, 0.0)
    p = ak.Participant(**{**ROTH_SAVER, "age": 57, "retirement_age": 60})
    res = run(p, ak.Retirement(end_age=63, rule="fixed_share", rate=0.2, other_income=40_000.0),
              markets=markets, plan=ROTH_ONLY, n=2)  # fmt: skip
    paths = res.retirement_paths
    np.testing.assert_array_equal(paths.roth_nonqualified_share[0, 3:], [1.0, 1.0, 0.0, 0.0])
    assert np.all(paths.roth_taxable[:, 3:5] > 0.0) and np.all(paths.tax[:, 3:5] > 0.0)
    assert np.all(paths.roth_taxable[:, 5:] == 0.0) and np.all(paths.tax[:, 5:] == 0.0)
    assert np.all(paths.penalty == 0.0)


def test_roth_basis_step_is_the_engine_recursion():
    # Period by period: the outflow takes k = (1 - d)^(1/n) of the basis, then c/n arrives.
    basis, c, d, n = np.array([50_000.0, 0.0]), 12_000.0, 0.08, 12
    keep = (1 - d) ** (1 / n)
    expected = basis.copy()
    for _ in range(n):
        expected = expected * keep + c / n
    np.testing.assert_allclose(ak.retirement.roth_basis_step(basis, c, d, n), expected, rtol=1e-13)


def test_roth_basis_equals_the_balance_when_nothing_is_earned():
    # Zero returns and no fees: a Roth account holds only its contributions, through leakage
    # (which takes basis and balance pro rata) and withdrawals: nothing is ever taxable.
    markets = deterministic_markets(0.0, 0.0)
    p = ak.Participant(**{**ROTH_SAVER, "balance": 10_000.0, "roth_balance": 10_000.0})
    res = ak.simulate_participant(
        p, ROTH_ONLY, EQUITY, markets=markets, n_scenarios=2, rng=0, leakage=ak.Leakage(),
        retirement=ak.Retirement(end_age=62, rule="fixed_share", rate=0.1),
    )  # fmt: skip
    paths = res.retirement_paths
    np.testing.assert_allclose(paths.roth_basis, res.roth_balance_end, rtol=1e-12)
    assert np.all(paths.roth_taxable <= 1e-9 * res.roth_balance_end.max())


# ----------------------------------------------------------------------- penalty


@pytest.mark.parametrize(
    ("retire_at", "sepp", "penalised"),
    [(50, False, True), (55, False, False), (50, True, False)],
)
def test_penalty_before_59_and_a_half(retire_at, sepp, penalised):
    p = saver(age=retire_at - 1, retirement_age=retire_at)
    res = run(p, ak.Retirement(end_age=62, rule="fixed_share", rate=0.05, sepp=sepp))
    ages = p.age + np.arange(res.balance_end.shape[1])
    early = (ages >= retire_at) & (ages < 61)
    paths = res.retirement_paths
    # 59 1/2 by date: 7/8 of the year of attaining 59 and 1/8 of the year of attaining 60
    # are before it (ak.tax.share_before_59_half); all of every earlier year.
    share = np.where(ages[early] < 59, 1.0, np.where(ages[early] == 59, 0.875, 0.125))
    expected = 0.10 * share * paths.pretax[:, early] if penalised else 0.0
    np.testing.assert_allclose(paths.penalty[:, early], expected, rtol=1e-12)
    assert np.all(paths.penalty[:, ages >= 61] == 0.0)


# ------------------------------------------------------------- conservation, rules


@pytest.mark.parametrize("rule", ["fixed_real", "fixed_share", "rmd_only", "target_income"])
def test_money_is_conserved_through_retirement(rule):
    p = ak.Participant(
        age=55, salary=120_000, balance=400_000, deferral_rate=0.1, roth_fraction=0.4,
        roth_balance=50_000, retirement_age=62,
    )  # fmt: skip
    retirement = ak.Retirement(end_age=90, rule=rule, target_income=40_000, social_security=20_000)
    res = ak.simulate_participant(p, n_scenarios=200, rng=3, retirement=retirement)
    paths = res.retirement_paths
    contributions = res.contributions.total[:, 0]
    previous = np.concatenate([np.full((200, 1), p.balance), res.balance_end[:, :-1]], axis=1)
    change = contributions + res.investment_return - res.fees - paths.pretax - paths.roth
    scale = np.abs(res.balance_end).max()
    np.testing.assert_allclose(res.balance_end - previous, change, rtol=0, atol=1e-9 * scale)
    assert np.all(res.balance_end >= -1e-9 * scale)
    roth_prev = np.concatenate(
        [np.full((200, 1), p.roth_balance), res.roth_balance_end[:, :-1]], axis=1
    )
    assert np.all(paths.roth <= roth_prev * (1 + 1e-9) + 1e-6 + 1e6 * (roth_prev == 0))


def test_target_income_is_met_after_tax_until_money_runs_out():
    p = saver(age=64, balance=2_000_000.0)
    target = 60_000.0
    markets = deterministic_markets(0.04, 0.02)
    res = run(p, ak.Retirement(end_age=72, rule="target_income", target_income=target),
              markets=markets)  # fmt: skip
    real = res.retirement_paths.after_tax_income / res.price_at_start
    np.testing.assert_allclose(real[:, 1:], target, rtol=1e-9)
    assert np.all(res.retirement_paths.tax[:, 1:] > 0)  # the gross-up paid tax


def test_running_out_is_reported():
    p = saver(balance=100_000.0)
    res = run(p, ak.Retirement(end_age=95, rule="fixed_real", rate=0.2))
    outcomes = res.retirement_outcomes()
    assert np.all(outcomes["ran_out"] == 1.0)
    assert res.retirement_summary().loc["ran_out", "mean"] == 1.0


def test_retirement_prefix_is_the_working_run():
    p = ak.Participant(age=40, salary=80_000, balance=30_000, deferral_rate=0.08)
    working = ak.simulate_participant(p, n_scenarios=300, rng=5)
    full = ak.simulate_participant(p, n_scenarios=300, rng=5, retirement=ak.Retirement())
    n = working.balance_end.shape[1]
    assert np.array_equal(working.balance_end, full.balance_end[:, :n])
    assert np.array_equal(working.annual_returns, full.annual_returns[:, :n])


def test_paired_summary_against_a_baseline():
    p = ak.Participant(age=45, salary=90_000, balance=100_000, deferral_rate=0.1)
    sleeve = ak.Portfolio(weights={"us_equity": 0.6, "us_bonds": 0.4}, alt_sleeve={"bitcoin": 0.02})
    retirement = ak.Retirement(social_security=25_000)
    a = ak.simulate_participant(p, portfolio=sleeve, n_scenarios=400, rng=2, retirement=retirement)
    b = ak.simulate_participant(
        p, portfolio=sleeve.without_sleeve(), n_scenarios=400, rng=2, retirement=retirement
    )
    table = a.retirement_summary(baseline=b)
    diff = table.loc["mean_income_vs_baseline", "mean"]
    expected = table.loc["mean_income", "mean"] - b.retirement_summary().loc["mean_income", "mean"]
    assert diff == pytest.approx(expected, rel=1e-9, abs=1e-6)
    assert table.attrs["dollars"] == "start-year (real)"
    ledger = a.ledger()
    for column in ("withdrawals_pretax", "income_tax", "after_tax_income", "social_security"):
        assert column in ledger.columns


def test_pool_retirees_take_rmds_from_the_table():
    # Not working at 80, born 1946 (already past the start age): 1 / 20.2 of the balance.
    # (Deaths aside: mortality_scale=0.)
    rate = functools.partial(ak.outflow_rate, mortality_scale=0.0)
    assert rate(80, False, birth_year=1946) == pytest.approx(1 / 20.2)
    assert rate(76, False, birth_year=1950) == pytest.approx(1 / 23.7)
    # Born 1960, aged 72: before the start age of 75, the first RMD's rate (1 / 24.6).
    assert rate(72, False, birth_year=1954 + 6) == pytest.approx(1 / 24.6)


# ------------------------------------------------------------------ bad input


def test_end_age_must_exceed_retirement_age():
    with pytest.raises(
        ValueError, match=r"retirement.end_age must be greater than .* \(65\); got 65"
    ):
        run(saver(), ak.Retirement(end_age=65))


def test_birth_year_without_an_rmd_age():
    p = saver(age=76, retirement_age=77)  # born 1950
    with pytest.raises(ValueError, match=r"birth_year must be >= 1951"):
        run(p, ak.Retirement(end_age=90))


@pytest.mark.parametrize(
    ("changes", "pattern"),
    [
        ({"rate": 1.5}, r"rate\n\s+Input should be less than or equal to 1"),
        ({"rule": "target_income"}, r"needs target_income"),
        ({"filing_status": "married_separately"}, r"filing_status\n\s+Input should be"),
        ({"order": "random"}, r"order\n\s+Input should be"),
        ({"social_security": -1.0}, r"social_security\n\s+Input should be greater than"),
    ],
)
def test_retirement_validation(changes, pattern):
    with pytest.raises(ValidationError, match=pattern):
        ak.Retirement(**changes)


def test_a_state_tax_on_top_raises_the_tax():
    state = ak.TaxSchedule.federal(year=2026, filing_status="single", state_rate=0.05)
    plain = run(saver(), ak.Retirement(end_age=70))
    taxed = run(saver(), ak.Retirement(end_age=70, tax_schedule=state))
    assert np.all(taxed.retirement_paths.tax[:, 1:] > plain.retirement_paths.tax[:, 1:])
    with pytest.raises(ValidationError, match=r"tax_schedule is for 'single' but filing_status"):
        ak.Retirement(filing_status="married_joint", tax_schedule=state)


@settings(max_examples=12, deadline=None)
@given(
    age=st.integers(50, 72),
    work=st.integers(1, 8),
    span=st.integers(2, 20),
    rule=st.sampled_from(["fixed_real", "fixed_share", "rmd_only", "target_income"]),
    order=st.sampled_from(["pretax_first", "roth_first", "pro_rata"]),
    roth_share=st.floats(0.0, 1.0),
    seed=st.integers(0, 2**16),
)
def test_retirement_properties(age, work, span, rule, order, roth_share, seed):
    p = ak.Participant(
        age=age, salary=70_000, balance=300_000, roth_balance=300_000 * roth_share,
        deferral_rate=0.08, roth_fraction=roth_share, retirement_age=age + work,
    )  # fmt: skip
    retirement = ak.Retirement(
        end_age=age + work + span, rule=rule, order=order, rate=0.05, target_income=20_000
    )
    res = ak.simulate_participant(p, n_scenarios=20, rng=seed, retirement=retirement)
    paths = res.retirement_paths
    # Money is conserved.
    previous = np.concatenate([np.full((20, 1), p.balance), res.balance_end[:, :-1]], axis=1)
    change = res.contributions.total[:, 0] + res.investment_return - res.fees - paths.withdrawals
    scale = max(np.abs(res.balance_end).max(), 1.0)
    np.testing.assert_allclose(res.balance_end - previous, change, atol=1e-9 * scale)
    # Roth withdrawals are never taxed: with no pre-tax withdrawal there is no tax.
    assert np.all(paths.tax[paths.pretax == 0] == 0.0)
    assert np.all(paths.penalty[paths.pretax == 0] == 0.0)
    # The RMD is taken whenever the pre-tax balance allows.
    pretax_prev = previous - np.concatenate(
        [np.full((20, 1), p.roth_balance), res.roth_balance_end[:, :-1]], axis=1
    )
    ages = age + np.arange(res.balance_end.shape[1])
    rmd = ak.required_minimum_distribution(
        np.maximum(pretax_prev, 0.0), ages, p.start_year - p.age
    ) * (ages >= p.retirement_age)
    assert np.all(paths.pretax >= rmd * (1 - 1e-9) - 1e-6)


def test_service_years_reach_the_ledger_and_employer_roth_reaches_the_roth_balance():
    plan = ak.PlanDesign(vesting=ak.Vesting(kind="cliff", years=3), employer_roth_fraction=1.0)
    p = ak.Participant(age=30, salary=60_000, deferral_rate=0.06, service_years=1.0)
    res = ak.simulate_participant(p, plan, n_scenarios=5, rng=0)
    ledger = res.ledger()
    # Cliff at 3 years: 1 year of service at the start, 2 at the first year end, 3 after two.
    assert ledger["vested_share"].iloc[0] == 0.0
    assert ledger["vested_share"].iloc[-1] == 1.0
    # Employer Roth only once vested (SECURE 2.0 sec. 604): Roth grows by those dollars too.
    vested_years = ledger["vested_share"] == 1.0
    np.testing.assert_allclose(
        ledger.loc[vested_years, "employer_roth"], ledger.loc[vested_years, "employer"]
    )
    assert res.roth_balance_end[0, -1] > 0.0
