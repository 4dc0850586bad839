"""Leakage rules (separations, hardship withdrawals, loan defaults) and the outflow split."""

import json
import math
import pickle

import numpy as np
import pytest
from pydantic import ValidationError

from alt401k import TaxSchedule
from alt401k.leakage import LEAKAGE_PARTS, Leakage
from alt401k.outflows import OUTFLOW_PARTS, mortality_rate, outflow_parts, outflow_rate

LN2 = math.log(2)
#: Today's (pre-leakage) working rates: separation hazard x 19% leaving at separation.
OLD_WORKING_AGES = np.array([0, 25, 35, 45, 55])
OLD_WORKING_RATES = 0.19 * np.array([0.40, LN2 / 2.7, 0.16, 0.10, LN2 / 9.6])


def old_working_rate(age):
    band = np.searchsorted(OLD_WORKING_AGES, np.asarray(age, dtype=float), side="right") - 1
    return OLD_WORKING_RATES[np.clip(band, 0, OLD_WORKING_RATES.size - 1)]


# --- rates, by hand ----------------------------------------------------------


def test_rates_at_30_working_by_hand():
    rates = Leakage().rates(30, True)
    hazard = LN2 / 2.7  # 0.693147 / 2.7 = 0.256721: median tenure 2.7 years at 25-34
    assert rates["rollover"] == pytest.approx(hazard * 0.16)  # 0.041075
    assert rates["cash_out"] == pytest.approx(hazard * 0.03)  # 0.007702
    assert rates["hardship"] == pytest.approx(0.0048)  # 4.8% of people x 10% of balance
    assert rates["loan_default"] == pytest.approx(0.00195)  # 13% x 15% x 10%
    # 0.256721 x 0.19 + 0.0048 + 0.00195 = 0.048777 + 0.00675 = 0.055527
    assert Leakage().total(30, True) == pytest.approx(0.055527024, rel=1e-8)


def test_rates_at_60_working_by_hand():
    rates = Leakage().rates(60, True)
    hazard = LN2 / 9.6  # 0.072203: median tenure 9.6 years at 55-64
    assert rates["rollover"] == pytest.approx(0.16 * hazard)  # 0.011552
    assert rates["cash_out"] == pytest.approx(0.03 * hazard)  # 0.002166
    assert rates["hardship"] == pytest.approx(0.0048)
    assert rates["loan_default"] == pytest.approx(0.00195)
    # 0.072203 x 0.19 + 0.00675 = 0.013719 + 0.00675 = 0.020469
    assert Leakage().total(60, True) == pytest.approx(0.020468538, rel=1e-8)


def test_hazard_bands_and_ages_below_the_first_bound():
    leak = Leakage()
    ages = [0, 18, 24, 25, 34, 35, 45, 55, 64, 65, 90]
    expected = [0.4, 0.4, 0.4, LN2 / 2.7, LN2 / 2.7, 0.16, 0.10, LN2 / 9.6, LN2 / 9.6]
    expected += [LN2 / 9.6, LN2 / 9.6]
    np.testing.assert_allclose(leak.hazard(ages), expected, rtol=1e-15)
    custom = Leakage(separation_hazard=((20, 0.3), (40, 0.1)))
    np.testing.assert_allclose(custom.hazard([15, 20, 39, 40, 80]), [0.3, 0.3, 0.3, 0.1, 0.1])


def test_not_working_cells_have_no_leakage():
    leak = Leakage()
    ages = np.array([22.0, 30.0, 60.0, 80.0])
    for name, rate in leak.rates(ages, False).items():
        assert rate.shape == (4,), name
        assert np.all(rate == 0.0), name
    assert np.all(leak.total(ages, False) == 0.0)


def test_rates_broadcast_and_vectorize():
    leak = Leakage()
    ages = np.arange(20, 70).reshape(5, 10)
    working = np.array([True, False] * 5)
    rates = leak.rates(ages, working)
    assert set(rates) == set(LEAKAGE_PARTS)
    for rate in rates.values():
        assert rate.shape == (5, 10)
        assert np.all(rate[:, 1::2] == 0.0)
    np.testing.assert_allclose(sum(rates.values()), leak.total(ages, working), rtol=1e-15)


# --- outflow_rate and its parts ---------------------------------------------


def test_separation_only_leakage_reproduces_the_old_working_rates_exactly():
    ages = np.arange(15, 100)
    old = old_working_rate(ages)
    separation_only = Leakage(hardship_rate=0, loan_default_rate=0)
    assert np.array_equal(separation_only.total(ages, True), old)
    assert np.array_equal(
        outflow_rate(ages, True, leakage=separation_only, mortality_scale=0.0), old
    )
    # The default adds hardship (0.48%) and loan defaults (0.195%) on top, and deaths.
    np.testing.assert_allclose(
        outflow_rate(ages, True),
        old + 0.0048 + 0.00195 + mortality_rate(ages),
        rtol=1e-15,
    )


def test_retiree_rates_are_unchanged_by_leakage():
    ages = np.array([40.0, 59.0, 60.0, 69.0, 70.0, 80.0])
    rates = outflow_rate(ages, False, birth_year=1946, mortality_scale=0.0)
    assert rates[0] == rates[1] == 0.10
    assert rates[2] == rates[3] == pytest.approx(1 - 0.25 ** (1 / 5))  # 24.2%
    assert rates[5] == pytest.approx(1 / 20.2)  # RMD at 80
    other = Leakage(hardship_rate=0.5, rollover=0.5, left_in_plan=0.47)
    assert np.array_equal(
        outflow_rate(ages, False, birth_year=1946, leakage=other, mortality_scale=0.0), rates
    )


@pytest.mark.parametrize("leakage", [None, Leakage(hardship_rate=0, loan_default_rate=0)])
def test_outflow_parts_sum_to_the_outflow_rate(leakage):
    ages = np.arange(18, 100, dtype=float)[:, None] + np.arange(-2, 3)[None, :]
    working = ages < 65
    born = 2026 - ages
    parts = outflow_parts(ages, working, birth_year=born, leakage=leakage)
    assert tuple(parts) == OUTFLOW_PARTS
    for rate in parts.values():
        assert rate.shape == ages.shape
        assert np.all(rate >= 0.0)
    assert np.all(parts["retiree"][working] == 0.0)
    for name in LEAKAGE_PARTS:
        assert np.all(parts[name][~working] == 0.0)
    total = outflow_rate(ages, working, birth_year=born, leakage=leakage)
    np.testing.assert_allclose(sum(parts.values()), total, rtol=1e-15, atol=0)


def test_outflow_rate_rejects_a_non_leakage():
    with pytest.raises(ValueError, match=r"leakage must be a Leakage or None; got 0\.1"):
        outflow_rate(30, True, leakage=0.1)


# --- cash-out tax ------------------------------------------------------------


def test_cash_out_at_45_pays_income_tax_and_the_penalty():
    income_tax, penalty = Leakage.cash_out_tax(10_000, 45, other_income=60_000, year=2026)
    # 2026 single: standard deduction 16,100; 10% to 12,400, 12% to 50,400, 22% to 105,700.
    # Without: taxable 43,900 -> 1,240 + 31,500 x 12% = 5,020.
    # With: taxable 53,900 -> 1,240 + 38,000 x 12% + 3,500 x 22% = 1,240 + 4,560 + 770 = 6,570.
    assert income_tax == pytest.approx(6_570 - 5_020)  # 1,550
    assert penalty == pytest.approx(1_000)  # 10% before 59 1/2, separated at 45


def test_cash_out_at_56_after_separating_at_55_has_no_penalty():
    income_tax, penalty = Leakage().cash_out_tax(
        10_000, 56, separation_age=55, other_income=60_000, year=2026
    )
    assert income_tax == pytest.approx(1_550)  # as at 45: no 65+ deductions at 56
    assert penalty == 0.0  # rule of 55
    # Cashed out at separation (the default) at 56: the rule of 55 applies too.
    assert Leakage.cash_out_tax(10_000, 56, other_income=60_000)[1] == 0.0
    # Still employed at 56 (a hardship withdrawal, say): penalised.
    assert Leakage.cash_out_tax(10_000, 56, separation_age=np.inf)[1] == pytest.approx(1_000)


def test_cash_out_tax_vectorizes_and_projects_later_years():
    amounts = np.array([0.0, 5_000.0, 20_000.0])
    income_tax, penalty = Leakage.cash_out_tax(amounts, np.array([30, 50, 62]))
    assert income_tax.shape == penalty.shape == (3,)
    np.testing.assert_allclose(penalty, [0.0, 500.0, 0.0])
    # No other income: 20,000 - 16,100 = 3,900 taxable at 10% = 390.
    assert income_tax[2] == pytest.approx(390)
    # A later year with index 1: the 2026 schedule; index 2 doubles every dollar amount.
    later = Leakage.cash_out_tax(20_000, 62, year=2030)[0]
    assert later == pytest.approx(390)
    doubled = Leakage.cash_out_tax(40_000, 62, year=2030, index=2.0)[0]
    assert doubled == pytest.approx(780)


def test_cash_out_tax_bad_input():
    with pytest.raises(ValueError, match=r"year must be an integer >= 2025; got 2020"):
        Leakage.cash_out_tax(1_000, 40, year=2020)
    with pytest.raises(ValueError, match=r"amount must be a finite number >= 0; got -1"):
        Leakage.cash_out_tax(-1.0, 40)


# --- validation and serialization -------------------------------------------


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"hardship_rate": 1.5}, r"hardship_rate must be between 0 and 1; got 1\.5"),
        ({"loan_share": -0.1}, r"loan_share must be between 0 and 1; got -0\.1"),
        ({"loan_default_rate": float("nan")}, r"loan_default_rate must be between 0 and 1"),
        (
            {"cash_out": 0.10},
            r"left_in_plan \+ rollover \+ cash_out must sum to 1 .* = 1\.07",
        ),
        (
            {"separation_hazard": ((0, 0.4), (25, 1.2))},
            r"separation_hazard rate must be between 0 and 1; got 1\.2 at age 25",
        ),
        (
            {"separation_hazard": ((0, 0.4), (35, 0.2), (25, 0.3))},
            r"separation_hazard ages must be strictly increasing; got 25 after 35",
        ),
        (
            {"separation_hazard": ((-5, 0.4),)},
            r"separation_hazard age must be an integer >= 0; got -5",
        ),
        ({"separation_hazard": ()}, r"separation_hazard needs at least one \(age, rate\) band"),
    ],
)
def test_bad_input_names_field_value_and_range(changes, message):
    with pytest.raises(ValidationError, match=message):
        Leakage(**changes)
    with pytest.raises(ValidationError, match=message):
        Leakage().replace(**changes)


def test_unknown_field_is_rejected():
    with pytest.raises(ValidationError, match="hardship"):
        Leakage(hardship=0.1)


def test_pickle_and_json_round_trip():
    leak = Leakage(separation_hazard=((0, 0.3), (30, LN2 / 5)), hardship_rate=0.02)
    assert pickle.loads(pickle.dumps(leak)) == leak
    text = leak.model_dump_json()
    back = Leakage.model_validate_json(text)
    assert back == leak
    assert hash(back) == hash(leak)
    assert json.loads(text)["separation_hazard"] == [[0, 0.3], [30, LN2 / 5]]
    assert Leakage.model_validate_json(Leakage().model_dump_json()) == Leakage()


def test_leakage_tax_by_part_on_top_of_wages():
    amounts = {"cash_out": 1_000.0, "hardship": 2_000.0, "loan_default": 500.0}
    schedule = TaxSchedule.federal(2026, "single")
    # Wages of $119,800 and $3,500 of leakage cross from 22% into 24% at $121,800 of
    # income (the bracket's $105,700 plus the $16,100 standard deduction): the three
    # pay the tax they add together, shared by amount.
    wages = 121_800.0 - 2_000.0
    added = schedule.income_tax(wages + 3_500.0) - schedule.income_tax(wages)
    assert added == pytest.approx(0.22 * 2_000 + 0.24 * 1_500)
    for age, penalised in ((40, {"cash_out", "hardship", "loan_default"}), (56, {"hardship"})):
        out = Leakage.leakage_tax(amounts, age, wages=wages, year=2026)
        for name, amount in amounts.items():
            tax, penalty = out[name]
            assert tax == pytest.approx(added * amount / 3_500.0, rel=1e-12)
            # Cash-outs and loan offsets are at separation (rule of 55); a hardship
            # withdrawal is taken while employed.
            assert penalty == pytest.approx(0.10 * amount if name in penalised else 0.0)
    # The year of 59 1/2: half-year convention, 7/8 of the amount taken before it.
    assert Leakage.leakage_tax(amounts, 59)["hardship"][1] == pytest.approx(0.10 * 2_000 * 7 / 8)
    # Vectorized over scenarios; nothing leaking owes nothing; $50,000 of wages: 12%.
    out = Leakage.leakage_tax({"cash_out": np.array([0.0, 1_000.0])}, 30, wages=50_000)
    np.testing.assert_allclose(out["cash_out"][0], [0.0, 120.0], rtol=1e-12)
    with pytest.raises(ValueError, match=r"amounts must be keyed by cash_out.*'rollover'"):
        Leakage.leakage_tax({"rollover": 1.0}, 40)
    with pytest.raises(ValueError, match=r"other_income"):
        Leakage.leakage_tax({"cash_out": 1.0}, 40, wages=-1.0)
