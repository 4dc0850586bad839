"""Leakage and vesting in runs: the saver's ledger and the pool's outflows by cause."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import alt401k as ak

SAVER = ak.Participant(age=25, salary=50_000, deferral_rate=0.06, service_years=0.0)


def test_saver_ledger_conserves_money_with_leakage_and_forfeitures():
    plan = ak.PlanDesign.preset("generous")  # 3-year cliff
    res = ak.simulate_participant(SAVER, plan, n_scenarios=100, rng=1, leakage=ak.Leakage())
    for scenario in (None, 0, 57):
        led = res.ledger(scenario)
        previous = np.concatenate([[SAVER.balance], led["balance_end"].to_numpy()[:-1]])
        change = (
            led["employee_pretax"] + led["employee_roth"] + led["employer"]
            + led["investment_return"] - led["fees"] - led["leakage"] - led["forfeitures"]
        )  # fmt: skip
        np.testing.assert_allclose(led["balance_end"] - previous, change, atol=1e-6)
    led = res.ledger()
    # Cliff vesting at 3 years: forfeitures only while unvested (service 1 and 2 at the start).
    assert led["forfeitures"].iloc[0] == 0.0  # no employer money yet at the start
    assert (led["forfeitures"].iloc[1:3] > 0).all()
    assert (led["forfeitures"].iloc[3:] == 0).all()
    # Forfeited share: the separation hazard at 26 (40% under 25, 25.7% from 25) x unvested.
    hazard = ak.Leakage().hazard(26)
    expected = hazard * res.employer_balance_end[:, 0]
    np.testing.assert_allclose(res.forfeitures[:, 1], expected, rtol=1e-12)
    # Cash-outs at separation before 55 pay the 10% penalty; from 55 the rule of 55 applies.
    young = led["age"] < 55
    np.testing.assert_allclose(
        led.loc[young, "cash_out_penalty"], 0.10 * led.loc[young, "leakage_cash_out"], rtol=1e-12
    )
    assert (led.loc[~young, "cash_out_penalty"] == 0.0).all()


def test_no_leakage_is_a_stayer_and_immediate_vesting_forfeits_nothing():
    stay = ak.simulate_participant(SAVER, n_scenarios=50, rng=2)
    assert "leakage" not in stay.ledger().columns
    leak = ak.simulate_participant(SAVER, n_scenarios=50, rng=2, leakage=ak.Leakage())
    assert np.all(leak.forfeitures == 0.0)  # the default plan vests at once
    assert np.all(leak.terminal_balance < stay.terminal_balance)


def test_pool_outflows_by_cause_add_up():
    out = ak.Scenario(horizon_years=3).run(30, rng=1)
    # The last cause is a memo: plan-to-plan rollovers stay in the pool (rollovers in).
    assert out.outflow_causes == (
        "rollover",
        "cash_out",
        "hardship",
        "loan_default",
        "retiree",
        "death",
        "rollovers_in",
    )
    total = out.outflow_by_cause[:, :, :-1].sum(axis=-1)
    np.testing.assert_allclose(total, out.pool_outflows, rtol=1e-12)
    summary = out.summary()
    assert (summary["pool_hardship_mean"] > 0).all()


def test_pool_leakage_is_a_knob():
    # The rules as given (flow_targets="none"); calibrated, the leakage sizes are solved.
    base = ak.Scenario(horizon_years=2, flow_targets="none").run(20, rng=3)
    none = ak.Scenario(
        horizon_years=2,
        leakage=ak.Leakage(hardship_rate=0.0, loan_default_rate=0.0),
        flow_targets="none",
    ).run(20, rng=3)
    hardship = base.outflow_causes.index("hardship")
    assert np.all(none.outflow_by_cause[:, :, hardship] == 0.0)
    assert np.all(none.pool_outflows < base.pool_outflows)
    assert none.pool_outflows.sum() == pytest.approx(
        base.pool_outflows.sum() - base.outflow_by_cause[:, :, 2:4].sum(), rel=0.05
    )


def test_roth_catch_up_for_a_200k_earner_aged_55_in_2026():
    # 2026: pay $200,000, deferral 20% = $40,000 elected; 402(g) $24,500, catch-up room at 55
    # $8,000, so $32,500 deferred with $8,000 of catch-up. 2025 wages (200,000 / 1.035 =
    # 193,237) exceed the SECURE 2.0 sec. 603 threshold of $150,000: the catch-up must be
    # Roth, although the saver elects pre-tax (roth_fraction 0).
    p = ak.Participant(age=55, salary=200_000, deferral_rate=0.20)
    c = ak.annual_contributions(
        ak.population.cells_from_participants([p]), ak.PlanDesign(), start_year=2026, n_years=1
    )
    assert c.employee[0, 0] == 32_500
    assert c.catch_up[0, 0] == 8_000
    assert c.employee_roth[0, 0] == 8_000
    assert c.employee_pretax[0, 0] == 24_500


@settings(max_examples=15, deadline=None)
@given(
    service=st.floats(0.0, 5.0),
    kind=st.sampled_from(["cliff", "graded"]),
    seed=st.integers(0, 2**16),
)
def test_immediate_vesting_never_lowers_the_balance(service, kind, seed):
    p = ak.Participant(age=30, salary=60_000, deferral_rate=0.08, service_years=service,
                       retirement_age=40)  # fmt: skip
    slow = ak.PlanDesign(vesting=ak.Vesting(kind=kind))
    fast = ak.PlanDesign(vesting=ak.Vesting(kind="immediate"))
    kwargs = dict(n_scenarios=20, rng=seed, leakage=ak.Leakage())
    a = ak.simulate_participant(p, fast, **kwargs)
    b = ak.simulate_participant(p, slow, **kwargs)
    assert np.all(a.balance_end >= b.balance_end - 1e-9 * np.abs(b.balance_end).max())


def test_leakage_is_taxed_on_top_of_the_years_wages():
    # A $150k earner deferring 10%: wages of $135,000 less the 2026 standard deduction
    # ($16,100) sit in the 24% bracket ($105,700 to $201,775), and so does every dollar
    # of leakage. The $1,630 cash-out used to be taxed as the year's only income: $0.
    saver = ak.Participant(age=40, salary=150_000, balance=319_000, deferral_rate=0.10)
    res = ak.simulate_participant(
        saver, ak.PlanDesign(), n_scenarios=200, rng=1, leakage=ak.Leakage()
    )
    first = res.ledger().iloc[0]
    assert first["leakage_cash_out"] == pytest.approx(1_630, abs=10)
    assert first["cash_out_tax"] == pytest.approx(391, abs=3)
    for part in ("cash_out", "hardship", "loan_default"):
        amount = first[f"leakage_{part}"]
        assert amount > 0
        assert first[f"{part}_tax"] == pytest.approx(0.24 * amount, rel=1e-9)
        assert first[f"{part}_penalty"] == pytest.approx(0.10 * amount, rel=1e-12)
    parts = ("cash_out", "hardship", "loan_default")
    assert first["leakage_tax"] == pytest.approx(sum(first[f"{p}_tax"] for p in parts), rel=1e-12)
    assert first["leakage_penalty"] == pytest.approx(
        sum(first[f"{p}_penalty"] for p in parts), rel=1e-12
    )
