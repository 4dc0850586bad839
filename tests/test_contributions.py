"""Hand-computed contributions, match and IRS limits (2025 and 2026)."""

import numpy as np
import pytest

import alt401k as ak
from alt401k.contributions import annual_contributions
from alt401k.population import cells_from_participants

# 100% of the first 3% of pay, then 50% of the next 2%: 4% of pay at a 5%+ deferral.
PLAN = ak.PlanDesign(match=ak.MatchFormula(tiers=[(1.0, 0.03), (0.5, 0.02)]))


def first_year(participant: ak.Participant, plan: ak.PlanDesign = PLAN):
    cells = cells_from_participants([participant])
    c = annual_contributions(cells, plan, start_year=participant.start_year, n_years=1)
    return {
        "pretax": c.employee_pretax[0, 0],
        "roth": c.employee_roth[0, 0],
        "employer": c.employer[0, 0],
        "catch_up": c.catch_up[0, 0],
        "compensation": c.compensation[0, 0],
    }


def high_earner(age: int, year: int) -> ak.Participant:
    # $400k pay, 10% deferral, a quarter Roth; pay is above the 401(a)(17) cap.
    return ak.Participant(
        age=age,
        salary=400_000,
        deferral_rate=0.10,
        roth_fraction=0.25,
        retirement_age=70,
        start_year=year,
    )


# Each row: age, year, compensation, catch-up, employee pre-tax, employee Roth, employer.
# 2025: compensation capped at 350,000 -> elected 35,000; 402(g) 23,500.
#   45: no catch-up. Match on 23,500: 10,500 + 0.5 * 7,000 = 14,000. Roth 0.25 * 23,500.
#   55: catch-up min(11,500, 7,500) = 7,500; Roth 0.25 * 31,000 = 7,750 (no §603 in 2025).
#   61: catch-up min(11,500, 11,250) = 11,250; Roth 0.25 * 34,750 = 8,687.5.
# 2026: compensation capped at 360,000 -> elected 36,000; 402(g) 24,500.
#   Match on >= 18,000 of deferral: 10,800 + 0.5 * 7,200 = 14,400.
#   Prior-year wages 400,000 / 1.035 > 150,000, so every catch-up dollar is Roth (§603).
#   45: Roth 0.25 * 24,500 = 6,125.  55: catch-up 8,000, Roth 6,125 + 8,000.
#   61: catch-up 11,250, Roth 6,125 + 11,250.
HIGH_EARNER_CASES = [
    (45, 2025, 350_000, 0.0, 17_625.0, 5_875.0, 14_000.0),
    (55, 2025, 350_000, 7_500.0, 23_250.0, 7_750.0, 14_000.0),
    (61, 2025, 350_000, 11_250.0, 26_062.5, 8_687.5, 14_000.0),
    (45, 2026, 360_000, 0.0, 18_375.0, 6_125.0, 14_400.0),
    (55, 2026, 360_000, 8_000.0, 18_375.0, 14_125.0, 14_400.0),
    (61, 2026, 360_000, 11_250.0, 18_375.0, 17_375.0, 14_400.0),
]


@pytest.mark.parametrize(
    ("age", "year", "comp", "catch_up", "pretax", "roth", "employer"), HIGH_EARNER_CASES
)
def test_high_earner_limits_and_match(age, year, comp, catch_up, pretax, roth, employer):
    got = first_year(high_earner(age, year))
    assert got["compensation"] == comp
    assert got["catch_up"] == catch_up
    assert got["pretax"] == pytest.approx(pretax, abs=1e-9)
    assert got["roth"] == pytest.approx(roth, abs=1e-9)
    assert got["employer"] == pytest.approx(employer, abs=1e-9)


def test_roth_catch_up_rule_only_above_wage_threshold():
    # 2026, age 55, prior-year wages 120,000 <= 150,000: catch-up follows roth_fraction.
    saver = ak.Participant(
        age=55,
        salary=125_000,
        deferral_rate=0.30,
        roth_fraction=0.0,
        start_year=2026,
        prior_year_wages=120_000,
    )
    got = first_year(saver)
    # elected 37,500: 24,500 regular + 8,000 catch-up, all pre-tax.
    assert (got["pretax"], got["roth"], got["catch_up"]) == (32_500.0, 0.0, 8_000.0)
    got = first_year(saver.replace(prior_year_wages=150_001))
    assert (got["pretax"], got["roth"]) == (24_500.0, 8_000.0)


def test_415c_caps_employer_contributions():
    # 2026: rich formula 200% of the first 25% + 10% non-elective on 300,000 of pay.
    plan = ak.PlanDesign(match=ak.MatchFormula(tiers=[(2.0, 0.25)]), nonelective_rate=0.10)
    saver = ak.Participant(age=40, salary=300_000, deferral_rate=0.5, start_year=2026)
    got = first_year(saver, plan)
    # match 2 * 24,500 + 30,000 = 79,000 > 72,000 - 24,500 = 47,500 of 415(c) room.
    assert got["pretax"] == 24_500.0
    assert got["employer"] == 47_500.0


def test_415c_hundred_percent_of_pay_for_low_earner():
    saver = ak.Participant(age=30, salary=20_000, deferral_rate=1.0, start_year=2026)
    got = first_year(saver, ak.PlanDesign())
    # Deferring all pay leaves no 415(c) room (100% of compensation) for the match.
    assert got["pretax"] == 20_000.0
    assert got["employer"] == 0.0


def test_match_catch_up_switch():
    saver = ak.Participant(age=55, salary=100_000, deferral_rate=0.30, start_year=2025)
    plan = ak.PlanDesign(match=ak.MatchFormula(tiers=[(1.0, 0.30)]))
    # 30,000 elected = 23,500 + 6,500 catch-up; matched dollar for dollar or without catch-up.
    assert first_year(saver, plan)["employer"] == 30_000.0
    no_cu = plan.replace(match_catch_up=False)
    assert first_year(saver, no_cu)["employer"] == 23_500.0


def test_salary_growth_and_retirement_stop():
    saver = ak.Participant(
        age=62,
        salary=100_000,
        deferral_rate=0.05,
        salary_growth=0.10,
        retirement_age=65,
        start_year=2026,
    )
    cells = cells_from_participants([saver])
    c = annual_contributions(cells, ak.PlanDesign(), start_year=2026, n_years=4)
    np.testing.assert_allclose(c.salary[:, 0], [100_000, 110_000, 121_000, 0.0])
    assert c.active[:, 0].tolist() == [True, True, True, False]
    assert c.total[3, 0] == 0.0
    np.testing.assert_array_equal(c.years, [2026, 2027, 2028, 2029])


def test_modal_match_formula():
    m = ak.MatchFormula.modal()
    assert m.max_match_fraction == pytest.approx(0.03)
    np.testing.assert_allclose(
        m.match([0.0, 3_000.0, 6_000.0, 9_000.0], 100_000.0), [0.0, 1_500.0, 3_000.0, 3_000.0]
    )


@pytest.mark.parametrize(
    ("age", "employer", "catch_up", "regular"),
    [
        # 2026: pay $300k (under the $360k cap), deferral 8% = $24,000 (under 402(g) $24,500),
        # non-elective 17% = $51,000, no match. 24,000 + 51,000 = 75,000 > 415(c) $72,000.
        # At 55 the $3,000 above the limit are catch-ups (Treas. Reg. 1.414(v)-1(b)(1)(i)):
        # regular 21,000 + employer 51,000 = 72,000, catch-up 3,000 (room $8,000).
        (55, 51_000.0, 3_000.0, 21_000.0),
        # At 45 there is no catch-up: the employer amount is cut to 72,000 - 24,000 = 48,000.
        (45, 48_000.0, 0.0, 24_000.0),
    ],
)
def test_415c_excess_deferrals_are_catch_ups(age, employer, catch_up, regular):
    p = ak.Participant(age=age, salary=300_000, deferral_rate=0.08, start_year=2026)
    plan = ak.PlanDesign(match=ak.MatchFormula(tiers=()), nonelective_rate=0.17)
    c = annual_contributions(cells_from_participants([p]), plan, start_year=2026, n_years=1)
    assert c.employer[0, 0] == employer
    assert c.catch_up[0, 0] == catch_up
    assert c.employee[0, 0] - c.catch_up[0, 0] == regular
    # What counts toward 415(c) never exceeds it.
    assert c.employee[0, 0] - c.catch_up[0, 0] + c.employer[0, 0] <= 72_000
