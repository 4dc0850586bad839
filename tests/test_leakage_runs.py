"""Leakage and vesting in runs: the saver's ledger and the pool's outflows by cause."""

import numpy as np
import pytest

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
    total = out.outflow_by_cause.sum(axis=-1)
    np.testing.assert_allclose(total, out.pool_outflows, rtol=1e-12)
    assert out.outflow_causes == ("rollover", "cash_out", "hardship", "loan_default", "retiree")
    summary = out.summary()
    assert (summary["pool_hardship_mean"] > 0).all()


def test_pool_leakage_is_a_knob():
    base = ak.Scenario(horizon_years=2).run(20, rng=3)
    none = ak.Scenario(
        horizon_years=2,
        leakage=ak.Leakage(hardship_rate=0.0, loan_default_rate=0.0),
    ).run(20, rng=3)
    hardship = base.outflow_causes.index("hardship")
    assert np.all(none.outflow_by_cause[:, :, hardship] == 0.0)
    assert np.all(none.pool_outflows < base.pool_outflows)
    assert none.pool_outflows.sum() == pytest.approx(
        base.pool_outflows.sum() - base.outflow_by_cause[:, :, 2:4].sum(), rel=0.05
    )
