"""The pool's own flows against the measured DC flows (FlowTargets, calibration, report)."""

import re

import numpy as np
import pytest
from pydantic import ValidationError

import alt401k as ak
from alt401k.flow_targets import FLOW_RATES, OUTFLOW_CAUSE_TARGETS

# A percentage point of assets, the unit of the tolerances.
PP = 0.01


def year_one_rates(result: ak.PoolResults, opening: float) -> dict[str, float]:
    """Year-1 flows of a run as shares of average assets (the targets' convention).

    Contributions and outflows are gross, as the Form 5500 counts them: both include the
    plan-to-plan rollovers (rollovers in).
    """
    s = result.summary()
    average = 0.5 * (opening + s["pool_assets_mean"].iloc[0])
    rollovers = s["pool_rollovers_in_mean"].iloc[0]
    contributions = s["pool_contributions"].iloc[0] + rollovers
    outflows = s["pool_outflows_mean"].iloc[0] + rollovers
    return {
        "contributions": contributions / average,
        "outflows": outflows / average,
        "net": (contributions - outflows) / average,
        "rollovers_in": rollovers / average,
    }


# --- the default knobs ------------------------------------------------------------------------


def test_default_pool_meets_the_form_5500_rates_in_year_one():
    scenario = ak.Scenario(horizon_years=2)
    targets = ak.FlowTargets.default()
    assert targets.label == "Form 5500 2023, private DC"
    rates = year_one_rates(scenario.run(300, rng=11), scenario.total_assets)
    # Done-when: within 0.5 pp of assets each, net new money within 0.5% of assets.
    assert rates["contributions"] == pytest.approx(targets.contributions, abs=0.5 * PP)
    assert rates["outflows"] == pytest.approx(targets.outflows, abs=0.5 * PP)
    assert rates["net"] == pytest.approx(targets.net_new_money, abs=0.5 * PP)
    # Before the calibration the pool took in 5.1% and paid out 6.7%: far outside.
    raw = ak.Scenario(horizon_years=2, flow_targets="none").calibration().rates
    assert raw["contributions"] < targets.contributions - 3 * PP


@pytest.mark.parametrize(
    "targets",
    [ak.FlowTargets.form_5500(2022), ak.FlowTargets.ici_401k(2023)],
    ids=["form5500-2022", "ici-2023"],
)
def test_a_users_own_targets_are_met(targets):
    scenario = ak.Scenario(horizon_years=1, flow_targets=targets)
    calibration = scenario.calibration()
    assert calibration.targets == targets
    for name in ("employee", "employer", "rollovers_in", "outflows", *OUTFLOW_CAUSE_TARGETS):
        assert calibration.rates[name] == pytest.approx(getattr(targets, name), rel=1e-5)
    rates = year_one_rates(scenario.run(200, rng=5), scenario.total_assets)
    assert rates["contributions"] == pytest.approx(targets.contributions, abs=0.5 * PP)
    assert rates["outflows"] == pytest.approx(targets.outflows, abs=0.5 * PP)
    assert rates["net"] == pytest.approx(targets.net_new_money, abs=0.5 * PP)


def test_the_solved_first_year_meets_every_target_to_tolerance():
    calibration = ak.Scenario().calibration()
    targets = calibration.targets
    assert calibration.iterations > 1
    for name in calibration.solved:
        assert calibration.rates[name] == pytest.approx(
            getattr(targets, name), rel=targets.tolerance
        )
    # The solved parameters are plausible: participants earn more than BLS all-worker pay
    # (median $89,000 against $42,000 for non-participants, HAS 2025) and employers give
    # more than the match formulas (non-elective and profit-sharing money).
    p = calibration.parameters
    assert 1.2 < p.pay_scale < 2.0
    assert 1.0 < p.employer_scale < 2.0
    assert 0.0 < p.leakage.to_new_plan < 1.0
    assert p.leakage.left_in_plan + p.leakage.rollover + p.leakage.cash_out == pytest.approx(1.0)


def test_pool_size_scales_people_and_flows_in_proportion():
    big = ak.Scenario().calibration()
    small = ak.Scenario(pool_assets=1e12).calibration()
    assert small.dollars["employee"] == pytest.approx(big.dollars["employee"] / 12.5, rel=1e-5)
    assert small.parameters.pay_scale == pytest.approx(big.parameters.pay_scale, rel=1e-6)
    people = ak.Scenario(pool_assets=1e12).resolved_population().n_participants
    assert people == pytest.approx(90e6 / 12.5, rel=1e-12)


def test_fixed_contributions_are_reported_not_solved():
    scenario = ak.Scenario(annual_contributions=700e9)
    calibration = scenario.calibration()
    assert "employee" not in calibration.solved and "retiree" in calibration.solved
    assert calibration.parameters.pay_scale == 1.0
    report = scenario.calibration_report()
    row = report[report["quantity"] == "contributions: employee"].iloc[0]
    assert row["kind"] == "check"


def test_the_rules_as_given_for_a_population_of_your_own():
    population = ak.Population.synthetic(n_cells=300, total_assets=1e12, rng=2)
    scenario = ak.Scenario(population=population)
    assert scenario.flow_targets_in_force() is None
    assert scenario.calibration().parameters.pay_scale == 1.0
    forced = ak.Scenario(population=population, flow_targets=ak.FlowTargets.default())
    assert forced.calibration().rates["employee"] == pytest.approx(
        ak.FlowTargets.default().employee, rel=1e-5
    )


# --- rollovers in -----------------------------------------------------------------------------

HAZARD, ROLLED, CASHED, TO_PLAN = 0.20, 0.5, 0.1, 0.6


def one_cell(to_new_plan: float) -> ak.PoolResults:
    """One working cell, no pay, no fees, zero returns: only leavers and deaths move money."""
    zero = {
        name: ak.AssetClass(name=name, expected_return=0.0, volatility=0.0, source="test")
        for name in ("bitcoin", "us_equity", "us_bonds")
    }
    markets = ak.MarketModel.from_assets(
        list(zero.values()), inflation=ak.InflationModel(mean=0.0, volatility=0.0, source="test")
    )
    saver = ak.Participant(
        age=40, salary=0.0, balance=100_000.0, deferral_rate=0.0, start_year=2026
    )
    leakage = ak.Leakage(
        separation_hazard=((0, HAZARD),),
        left_in_plan=1.0 - ROLLED - CASHED,
        rollover=ROLLED,
        cash_out=CASHED,
        to_new_plan=to_new_plan,
        hardship_rate=0.0,
        loan_default_rate=0.0,
    )
    return ak.Scenario(
        population=saver,
        plan=ak.PlanDesign(recordkeeping_fee=0.0),
        markets=markets,
        leakage=leakage,
        sponsor_adoption=0.0,
        horizon_years=1,
    ).run(2, rng=0)


def test_a_job_changer_keeps_the_rolled_over_part_in_the_pool():
    kept, lost = one_cell(TO_PLAN), one_cell(0.0)
    # Rules of age are the birth cohort's: born 1986, in the cohort of 1985-89 (central
    # 1987, aged 39), whose mortality is averaged over ages 37-41.
    death = ak.mortality_rate(np.arange(37, 42)).mean()
    leaving = HAZARD * (ROLLED * (1 - TO_PLAN) + CASHED) + death
    # Zero returns, no contributions: an annual rate d removes exactly d of the balance.
    np.testing.assert_allclose(kept.pool_outflows[:, 0], 100_000.0 * leaving, rtol=1e-12)
    np.testing.assert_allclose(kept.pool_assets[:, 0], 100_000.0 * (1 - leaving), rtol=1e-12)
    rollovers_in = kept.summary()["pool_rollovers_in_mean"].iloc[0]
    assert rollovers_in == pytest.approx(100_000.0 * HAZARD * ROLLED * TO_PLAN, rel=1e-12)
    # Without plan-to-plan rollovers the same money leaves the pool.
    gone = lost.pool_outflows[0, 0] - kept.pool_outflows[0, 0]
    assert gone == pytest.approx(rollovers_in, rel=1e-12)
    assert lost.summary()["pool_rollovers_in_mean"].iloc[0] == 0.0


def test_rollovers_in_are_a_contribution_source_of_pool_flows():
    result = ak.Scenario(horizon_years=2).run(20, rng=1)
    flows = result.pool_flows()
    assert list(flows.columns) == ["scenario", "year", "direction", "source", "dollars"]
    inflows = flows[flows["direction"] == "in"]
    assert set(inflows["source"]) == {
        "employee_pretax",
        "employee_roth",
        "employer",
        "rollovers_in",
    }
    by_source = inflows.groupby(["year", "source"], observed=True)["dollars"].mean().unstack()
    summary = result.summary()
    np.testing.assert_allclose(
        by_source["rollovers_in"].to_numpy(), summary["pool_rollovers_in_mean"], rtol=1e-12
    )
    paid_in = by_source[["employee_pretax", "employee_roth", "employer"]].sum(axis=1)
    np.testing.assert_allclose(paid_in.to_numpy(), summary["pool_contributions"], rtol=1e-12)
    out = flows[(flows["direction"] == "out") & (flows["source"] != "rollovers_to_plans")]
    paid_out = out.groupby(["scenario", "year"], observed=True)["dollars"].sum().unstack()
    np.testing.assert_allclose(paid_out.to_numpy(), result.pool_outflows, rtol=1e-12)


def test_plan_to_plan_rollovers_change_no_saver_by_default():
    assert ak.Leakage().to_new_plan == 0.0
    assert ak.Leakage().plan_to_plan(30.0, True) == 0.0
    leak = ak.Leakage(to_new_plan=0.25)
    rates = leak.rates(30.0, True)
    assert rates["rollover"] + leak.plan_to_plan(30.0, True) == pytest.approx(
        ak.Leakage().rates(30.0, True)["rollover"], rel=1e-15
    )
    with pytest.raises(ValidationError, match=r"to_new_plan must be between 0 and 1; got 1.5"):
        ak.Leakage(to_new_plan=1.5)


# --- the report -------------------------------------------------------------------------------


def test_calibration_report_lists_every_target_with_source_value_and_error():
    report = ak.Scenario().calibration_report()
    assert list(report.columns) == [
        "quantity", "band", "model", "target", "error", "rel_error", "unit", "dollars",
        "target_dollars", "kind", "source",
    ]  # fmt: skip
    flows = report[report["unit"] == "share of average assets"]
    quantities = set(flows["quantity"])
    for name in (
        "contributions: employee",
        "contributions: employee pre-tax",
        "contributions: employee Roth",
        "contributions: employer",
        "contributions: rollovers in",
        "outflows: separations rolled over to IRAs",
        "outflows: cash-outs",
        "outflows: hardship withdrawals",
        "outflows: loan defaults",
        "outflows: deaths",
        "outflows: retirees' withdrawals, RMDs, rollovers",
        "outflows: total (benefit payments)",
        "net new money",
    ):
        assert name in quantities
    fits = flows[flows["kind"] == "fit"]
    assert len(fits) >= 10
    assert (fits["rel_error"].abs() < 1e-5).all()
    assert (fits["source"].str.len() > 0).all()
    assert (flows["dollars"] > -1e11).all() and (flows["target_dollars"].notna()).all()
    # Checks that were not fitted: a reader can tell them from fits.
    checks = report[report["kind"] == "check"]
    assert {"participants' median pay", "mean balance by age"} <= set(checks["quantity"])
    assert set(checks[checks["quantity"] == "mean balance by age"]["band"]) == {
        "<25", "25-34", "35-44", "45-54", "55-64", "65+",
    }  # fmt: skip
    pay = checks[checks["quantity"] == "participants' median pay"].iloc[0]
    assert abs(pay["rel_error"]) < 0.15  # HAS: $89,000 in 2024; solved from contributions
    identities = report[report["kind"] == "identity"]
    assert set(identities["quantity"]) == {"participants", "assets at the start"}
    solved = ak.Scenario().calibration().parameters
    assert report.attrs["parameters"]["pay_scale"] == solved.pay_scale


# --- every assumption visible -----------------------------------------------------------------


def test_assumptions_state_every_number_in_force():
    scenario = ak.Scenario(sponsor_adoption="segments", reversal=ak.Reversal())
    text = scenario.assumptions()
    assert "hazard=0.05" in text["reversal"] and "treatment='keep'" in text["reversal"]
    assert "unwind_years=3" in text["reversal"]
    for seg in scenario.segments:
        assert f"p={seg.adoption.p:g}" in text["sponsor_adoption"]
        assert f"ceiling={seg.adoption.ceiling:g}" in text["sponsor_adoption"]
    assert "expected_return=0.15" in text["return_model"]
    assert "volatility=0.55" in text["return_model"]
    dollars = scenario.calibration().dollars
    year_one = text["pool_year_1"]
    for key in ("contributions", "outflows", "employer", "rollovers_in"):
        assert f"${dollars[key] / 1e9:,.0f}B" in year_one
    assert re.search(r"contributions \$[\d,]+B a year \(8\.80% of average assets\)", year_one)
    summary = scenario.run(5, rng=0).summary()
    assert summary.attrs["assumptions"] == text
    assert "pay x1.54" in text["flow_calibration"]


def test_cli_run_prints_the_assumptions(tmp_path, capsys):
    from alt401k import cli

    path = tmp_path / "s.yaml"
    path.write_text(
        "horizon_years: 2\nsponsor_adoption: segments\nopt_in_rate: 1.0\nallocation_share: 0.01\n"
        "reversal: {hazard: 0.07}\n"
    )
    assert cli.main(["run", str(path), "--scenarios", "20", "--seed", "1", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "hazard=0.07" in out
    assert "p=0.004" in out  # the micro segment's Bass curve
    assert re.search(r"pool_year_1: contributions \$[\d,]+B a year", out)


# --- the headline still holds -----------------------------------------------------------------


def test_headline_reallocation_is_exactly_125_billion():
    result = ak.Scenario(horizon_years=1).run(3, rng=0)
    assert result.headline_reallocation == pytest.approx(125e9, rel=1e-14)
    np.testing.assert_allclose(result.component("reallocation")[:, 0], 125e9, rtol=1e-14)


# --- bad input --------------------------------------------------------------------------------


def targets(**changes):
    return ak.FlowTargets.default().replace(**changes)


@pytest.mark.parametrize(
    ("changes", "pattern"),
    [
        ({"employee": -0.01}, r"employee = -0\.01 is negative"),
        ({"outflows": 1.2}, r"outflows = 1\.2 is 100% of assets or more"),
        ({"employer": 9.0}, r"employer = 9 is 100% of assets or more.*0\.09, not 9"),
        ({"death": float("nan")}, r"death must be a finite number"),
        ({"hardship": True}, r"hardship must be a number .*not the boolean True"),
        ({"roth_share": 1.5}, r"roth_share must be between 0 and 1"),
        ({"outflows": 0.02}, r"outflows by cause .* sum to 0\.04.*above the total outflows 0\.02"),
    ],
)
def test_impossible_targets_are_rejected(changes, pattern):
    with pytest.raises(ValidationError, match=pattern):
        targets(**changes)


def test_rates_are_documented_fields():
    assert set(FLOW_RATES) <= set(ak.FlowTargets.model_fields)


@pytest.mark.parametrize(
    ("scenario", "pattern"),
    [
        (
            dict(leakage=ak.Leakage(hardship_rate=0.0)),
            r"the hardship target \(0\.002 of assets\) cannot be met: the rules give no "
            r"hardship withdrawals",
        ),
        (
            dict(flow_targets=targets(employee=0.6, outflows=0.7)),
            r"employee contributions target \(0\.6 of assets\) cannot be met: it needs "
            r"participants' pay .* times the population's",
        ),
        (
            dict(flow_targets=targets(rollover=0.3, rollovers_in=0.3, outflows=0.7)),
            r"the separation targets cannot be met",
        ),
        (
            dict(flow_targets=targets(hardship=0.3, outflows=0.4)),
            r"the hardship target \(0\.3 of assets\) cannot be met: it needs .* above 1",
        ),
    ],
)
def test_unreachable_targets_name_the_target_and_why(scenario, pattern):
    with pytest.raises(ValueError, match=pattern):
        ak.Scenario(**scenario).calibration()


def test_form_5500_years_outside_the_data():
    with pytest.raises(ValueError, match=r"year must be 2022 or 2023 for form_5500; got 2019"):
        ak.FlowTargets.form_5500(2019)
    with pytest.raises(ValueError, match=r"year must be 2023 for ici_401k; got 2022"):
        ak.FlowTargets.ici_401k(2022)
