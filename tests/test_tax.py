"""Tests for alt401k.tax: brackets and deductions, Social Security, penalty, RMDs.

Hand-computed cases write their arithmetic in comments. "top of k%" is the
tax on taxable income up to the upper bound of the k% bracket, from
CALIBRATION.md ("Tax"):

2025 single   (11,925 / 48,475 / 103,350 / 197,300 / 250,525 / 626,350):
  10%: 0.10 x 11,925 = 1,192.50
  12%: 1,192.50 + 0.12 x 36,550 = 5,578.50
  22%: 5,578.50 + 0.22 x 54,875 = 17,651.00
  24%: 17,651 + 0.24 x 93,950 = 40,199.00
  32%: 40,199 + 0.32 x 53,225 = 57,231.00
  35%: 57,231 + 0.35 x 375,825 = 188,769.75
2025 joint    (23,850 / 96,950 / 206,700 / 394,600 / 501,050 / 751,600):
  2,385.00; + 0.12 x 73,100 = 11,157.00; + 0.22 x 109,750 = 35,302.00;
  + 0.24 x 187,900 = 80,398.00; + 0.32 x 106,450 = 114,462.00;
  + 0.35 x 250,550 = 202,154.50
2025 HoH      (17,000 / 64,850 / 103,350 / 197,300 / 250,500 / 626,350):
  1,700.00; + 0.12 x 47,850 = 7,442.00; + 0.22 x 38,500 = 15,912.00;
  + 0.24 x 93,950 = 38,460.00; + 0.32 x 53,200 = 55,484.00;
  + 0.35 x 375,850 = 187,031.50
2026 single   (12,400 / 50,400 / 105,700 / 201,775 / 256,225 / 640,600):
  1,240.00; + 0.12 x 38,000 = 5,800.00; + 0.22 x 55,300 = 17,966.00;
  + 0.24 x 96,075 = 41,024.00; + 0.32 x 54,450 = 58,448.00;
  + 0.35 x 384,375 = 192,979.25
2026 joint    (24,800 / 100,800 / 211,400 / 403,550 / 512,450 / 768,700):
  2,480.00; + 0.12 x 76,000 = 11,600.00; + 0.22 x 110,600 = 35,932.00;
  + 0.24 x 192,150 = 82,048.00; + 0.32 x 108,900 = 116,896.00;
  + 0.35 x 256,250 = 206,583.50
2026 HoH      (17,700 / 67,450 / 105,700 / 201,750 / 256,200 / 640,600):
  1,770.00; + 0.12 x 49,750 = 7,740.00; + 0.22 x 38,250 = 16,155.00;
  + 0.24 x 96,050 = 39,207.00; + 0.32 x 54,450 = 56,631.00;
  + 0.35 x 384,400 = 191,171.00
"""

from __future__ import annotations

import itertools
import json
import math
import pickle

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from alt401k.tax import (
    FILING_STATUSES,
    UNIFORM_LIFETIME_TABLE,
    TaxSchedule,
    early_withdrawal_penalty,
    required_minimum_distribution,
    rmd_start_age,
    share_before_59_half,
    taxable_social_security,
    uniform_lifetime_divisor,
)

# --- published parameters ----------------------------------------------------

TOPS = {  # tax at the top of the 10/12/22/24/32/35% brackets (module docstring)
    (2025, "single"): (1_192.50, 5_578.50, 17_651.00, 40_199.00, 57_231.00, 188_769.75),
    (2025, "married_joint"): (2_385.0, 11_157.0, 35_302.0, 80_398.0, 114_462.0, 202_154.50),
    (2025, "head_of_household"): (1_700.0, 7_442.0, 15_912.0, 38_460.0, 55_484.0, 187_031.50),
    (2026, "single"): (1_240.0, 5_800.0, 17_966.0, 41_024.0, 58_448.0, 192_979.25),
    (2026, "married_joint"): (2_480.0, 11_600.0, 35_932.0, 82_048.0, 116_896.0, 206_583.50),
    (2026, "head_of_household"): (1_770.0, 7_740.0, 16_155.0, 39_207.0, 56_631.0, 191_171.0),
}


def test_published_brackets_and_deductions():
    s25 = TaxSchedule.federal(2025, "single")
    assert [b for b, _ in s25.brackets] == [
        11_925, 48_475, 103_350, 197_300, 250_525, 626_350, math.inf
    ]  # fmt: skip
    assert [r for _, r in s25.brackets] == [0.10, 0.12, 0.22, 0.24, 0.32, 0.35, 0.37]
    expected = {  # (standard, additional 65+, senior threshold)
        (2025, "single"): (15_750, 2_000, 75_000),
        (2025, "married_joint"): (31_500, 1_600, 150_000),
        (2025, "head_of_household"): (23_625, 2_000, 75_000),
        (2026, "single"): (16_100, 2_050, 75_000),
        (2026, "married_joint"): (32_200, 1_650, 150_000),
        (2026, "head_of_household"): (24_150, 2_050, 75_000),
    }
    for (year, status), (standard, extra, threshold) in expected.items():
        s = TaxSchedule.federal(year, status)
        assert (s.standard_deduction, s.additional_deduction_65) == (standard, extra)
        assert (s.senior_deduction, s.senior_phaseout_rate) == (6_000, 0.06)
        assert s.senior_phaseout_threshold == threshold
        assert s.senior_years == (2025, 2028) and s.senior_deduction_applies
        assert s.state_rate == 0.0


@pytest.mark.parametrize(("year", "status"), list(TOPS))
def test_tax_at_the_top_of_each_bracket(year, status):
    s = TaxSchedule.federal(year, status)
    bounds = np.array([b for b, _ in s.brackets[:-1]])
    tax = s.income_tax(bounds + s.standard_deduction)  # taxable income = bound
    np.testing.assert_allclose(tax, TOPS[year, status], rtol=0, atol=1e-6)


# (income, tax) per schedule: one income below the standard deduction, then one
# taxable income in each of the seven brackets. Arithmetic: t = income - standard.
BRACKET_CASES = {
    (2025, "single"): [  # standard 15,750
        (10_000, 0.0),  # below the standard deduction
        (25_000, 925.00),  # t 9,250 x 0.10
        (50_000, 3_871.50),  # t 34,250: 1,192.50 + 0.12 x 22,325 (2,679)
        (100_000, 13_449.00),  # t 84,250: 5,578.50 + 0.22 x 35,775 (7,870.50)
        (150_000, 25_067.00),  # t 134,250: 17,651 + 0.24 x 30,900 (7,416)
        (250_000, 52_023.00),  # t 234,250: 40,199 + 0.32 x 36,950 (11,824)
        (500_000, 139_034.75),  # t 484,250: 57,231 + 0.35 x 233,725 (81,803.75)
        (1_000_000, 321_192.75),  # t 984,250: 188,769.75 + 0.37 x 357,900 (132,423)
    ],
    (2025, "head_of_household"): [  # standard 23,625
        (10_000, 0.0),
        (25_000, 137.50),  # t 1,375 x 0.10
        (50_000, 2_825.00),  # t 26,375: 1,700 + 0.12 x 9,375 (1,125)
        (100_000, 9_977.50),  # t 76,375: 7,442 + 0.22 x 11,525 (2,535.50)
        (150_000, 21_438.00),  # t 126,375: 15,912 + 0.24 x 23,025 (5,526)
        (250_000, 47_764.00),  # t 226,375: 38,460 + 0.32 x 29,075 (9,304)
        (500_000, 134_540.25),  # t 476,375: 55,484 + 0.35 x 225,875 (79,056.25)
        (1_000_000, 316_540.75),  # t 976,375: 187,031.50 + 0.37 x 350,025 (129,509.25)
    ],
    (2025, "married_joint"): [  # standard 31,500
        (20_000, 0.0),
        (50_000, 1_850.00),  # t 18,500 x 0.10
        (100_000, 7_743.00),  # t 68,500: 2,385 + 0.12 x 44,650 (5,358)
        (200_000, 26_898.00),  # t 168,500: 11,157 + 0.22 x 71,550 (15,741)
        (300_000, 50_134.00),  # t 268,500: 35,302 + 0.24 x 61,800 (14,832)
        (500_000, 104_046.00),  # t 468,500: 80,398 + 0.32 x 73,900 (23,648)
        (700_000, 173_069.50),  # t 668,500: 114,462 + 0.35 x 167,450 (58,607.50)
        (1_500_000, 467_407.50),  # t 1,468,500: 202,154.50 + 0.37 x 716,900 (265,253)
    ],
    (2026, "single"): [  # standard 16,100
        (10_000, 0.0),
        (25_000, 890.00),  # t 8,900 x 0.10
        (50_000, 3_820.00),  # t 33,900: 1,240 + 0.12 x 21,500 (2,580)
        (100_000, 13_170.00),  # t 83,900: 5,800 + 0.22 x 33,500 (7,370)
        (150_000, 24_734.00),  # t 133,900: 17,966 + 0.24 x 28,200 (6,768)
        (250_000, 51_304.00),  # t 233,900: 41,024 + 0.32 x 32,125 (10,280)
        (500_000, 138_134.25),  # t 483,900: 58,448 + 0.35 x 227,675 (79,686.25)
        (1_000_000, 320_000.25),  # t 983,900: 192,979.25 + 0.37 x 343,300 (127,021)
    ],
    (2026, "head_of_household"): [  # standard 24,150
        (10_000, 0.0),
        (25_000, 85.00),  # t 850 x 0.10
        (50_000, 2_748.00),  # t 25,850: 1,770 + 0.12 x 8,150 (978)
        (100_000, 9_588.00),  # t 75,850: 7,740 + 0.22 x 8,400 (1,848)
        (150_000, 20_991.00),  # t 125,850: 16,155 + 0.24 x 20,150 (4,836)
        (250_000, 46_919.00),  # t 225,850: 39,207 + 0.32 x 24,100 (7,712)
        (500_000, 133_508.50),  # t 475,850: 56,631 + 0.35 x 219,650 (76,877.50)
        (1_000_000, 315_213.50),  # t 975,850: 191,171 + 0.37 x 335,250 (124,042.50)
    ],
    (2026, "married_joint"): [  # standard 32,200
        (20_000, 0.0),
        (50_000, 1_780.00),  # t 17,800 x 0.10
        (100_000, 7_640.00),  # t 67,800: 2,480 + 0.12 x 43,000 (5,160)
        (200_000, 26_340.00),  # t 167,800: 11,600 + 0.22 x 67,000 (14,740)
        (300_000, 49_468.00),  # t 267,800: 35,932 + 0.24 x 56,400 (13,536)
        (500_000, 102_608.00),  # t 467,800: 82,048 + 0.32 x 64,250 (20,560)
        (700_000, 171_268.50),  # t 667,800: 116,896 + 0.35 x 155,350 (54,372.50)
        (1_500_000, 465_250.50),  # t 1,467,800: 206,583.50 + 0.37 x 699,100 (258,667)
    ],
}


@pytest.mark.parametrize(("year", "status"), list(BRACKET_CASES))
def test_hand_computed_tax_in_every_bracket(year, status):
    s = TaxSchedule.federal(year, status)
    incomes, expected = zip(*BRACKET_CASES[year, status], strict=True)
    np.testing.assert_allclose(s.income_tax(incomes), expected, rtol=0, atol=1e-6)
    # under 65 (or age unknown) nothing changes
    np.testing.assert_allclose(s.income_tax(incomes, age=64), expected, rtol=0, atol=1e-6)
    for income, tax in zip(incomes, expected, strict=True):  # scalar calls agree
        assert s.income_tax(income) == pytest.approx(tax, abs=1e-6)


# (year, status, income, age, spouse_age, tax): the 65+ deductions.
SENIOR_CASES = [
    # 2025 single 67, MAGI 60,000 <= 75,000: full senior deduction.
    # deductions 15,750 + 2,000 + 6,000 = 23,750; t 36,250:
    # 1,192.50 + 0.12 x 24,325 (2,919) = 4,111.50
    (2025, "single", 60_000, 67, None, 4_111.50),
    # inside the phase-out: MAGI 100,000, 6,000 - 0.06 x 25,000 = 4,500;
    # deductions 15,750 + 2,000 + 4,500 = 22,250; t 77,750:
    # 5,578.50 + 0.22 x 29,275 (6,440.50) = 12,019.00
    (2025, "single", 100_000, 67, None, 12_019.00),
    # fully phased out: 0.06 x 125,000 = 7,500 > 6,000; deductions 17,750;
    # t 182,250: 17,651 + 0.24 x 78,900 (18,936) = 36,587.00
    (2025, "single", 200_000, 67, None, 36_587.00),
    # joint, both 70, MAGI 120,000 <= 150,000: 31,500 + 2 x 1,600 + 2 x 6,000 = 46,700;
    # t 73,300: 2,385 + 0.12 x 49,450 (5,934) = 8,319.00
    (2025, "married_joint", 120_000, 70, 70, 8_319.00),
    # joint, one spouse 65+, MAGI 200,000: 6,000 - 0.06 x 50,000 = 3,000;
    # 31,500 + 1,600 + 3,000 = 36,100; t 163,900: 11,157 + 0.22 x 66,950 (14,729) = 25,886
    (2025, "married_joint", 200_000, 70, 60, 25_886.00),
    # joint, both 66 (phase-out per person): 31,500 + 3,200 + 2 x 3,000 = 40,700;
    # t 159,300: 11,157 + 0.22 x 62,350 (13,717) = 24,874
    (2025, "married_joint", 200_000, 66, None, 24_874.00),
    # joint at 250,000 both 66: fully phased out (0.06 x 100,000 = 6,000 each);
    # 31,500 + 3,200 = 34,700; t 215,300: 35,302 + 0.24 x 8,600 (2,064) = 37,366
    (2025, "married_joint", 250_000, 66, 66, 37_366.00),
    # 2025 HoH 65, MAGI 100,000: senior 4,500; 23,625 + 2,000 + 4,500 = 30,125;
    # t 69,875: 7,442 + 0.22 x 5,025 (1,105.50) = 8,547.50
    (2025, "head_of_household", 100_000, 65, None, 8_547.50),
    # 2026 single 65: 16,100 + 2,050 + 6,000 = 24,150; t 35,850:
    # 1,240 + 0.12 x 23,450 (2,814) = 4,054
    (2026, "single", 60_000, 65, None, 4_054.00),
    # 2026 joint both 68: 32,200 + 2 x 1,650 + 2 x 6,000 = 47,500; t 42,500:
    # 2,480 + 0.12 x 17,700 (2,124) = 4,604
    (2026, "married_joint", 90_000, 68, None, 4_604.00),
    # 2026 HoH 70: 24,150 + 2,050 + 6,000 = 32,200; t 27,800:
    # 1,770 + 0.12 x 10,100 (1,212) = 2,982
    (2026, "head_of_household", 60_000, 70, None, 2_982.00),
    # spouse 65+ only, filer age unknown: 32,200 + 1,650 + 6,000 = 39,850; t 50,150:
    # 2,480 + 0.12 x 25,350 (3,042) = 5,522
    (2026, "married_joint", 90_000, None, 65, 5_522.00),
]


@pytest.mark.parametrize(("year", "status", "income", "age", "spouse_age", "tax"), SENIOR_CASES)
def test_hand_computed_tax_at_65_and_over(year, status, income, age, spouse_age, tax):
    s = TaxSchedule.federal(year, status)
    assert s.income_tax(income, age=age, spouse_age=spouse_age) == pytest.approx(tax, abs=1e-6)


def test_senior_deduction_ends_after_2028():
    s = TaxSchedule.federal(2025, "single").indexed(1.0, 2029)
    assert not s.senior_deduction_applies
    # 15,750 + 2,000 = 17,750; t 42,250: 1,192.50 + 0.12 x 30,325 (3,639) = 4,831.50
    assert s.income_tax(60_000, age=67) == pytest.approx(4_831.50)
    assert TaxSchedule.federal(2025).indexed(1.0, 2028).senior_deduction_applies


def test_senior_deduction_is_not_indexed_in_2027_and_2028():
    # IRC 151(f): $6,000 per person 65+ and thresholds of $75,000 / $150,000, fixed for
    # 2025-2028. Brackets and the other deductions are indexed (here at 2.5% a year).
    k27 = 1.025
    s27 = TaxSchedule.federal(2026, "single").indexed(k27, 2027)
    assert s27.senior_deduction == 6_000.0 and s27.senior_phaseout_threshold == 75_000.0
    # 2027 single 67, MAGI 60,000: 16,502.50 + 2,101.25 + 6,000 = 24,603.75;
    # t 35,396.25: 0.10 x 12,710 (1,271) + 0.12 x 22,686.25 (2,722.35) = 3,993.35
    # (indexing the senior deduction to 6,150 gave 3,975.35).
    assert s27.income_tax(60_000, age=67) == pytest.approx(3_993.35, abs=1e-6)
    k28 = 1.025**2
    s28 = TaxSchedule.federal(2026, "single").indexed(k28, 2028)
    # 2028 single 67, MAGI 100,000: senior 6,000 - 0.06 x (100,000 - 75,000) = 4,500;
    # deductions 16,915.0625 + 2,153.78125 + 4,500 = 23,568.84375; t 76,431.15625:
    # 0.10 x 13,027.75 + 0.12 x 39,923.75 + 0.22 x 23,479.65625 = 11,259.149375
    assert s28.income_tax(100_000, age=67) == pytest.approx(11_259.149375, abs=1e-6)
    # The same through the index argument (how the retirement phase projects years).
    base = TaxSchedule.federal(2026, "single")
    assert base.indexed(1.0, 2028).income_tax(100_000, age=67, index=k28) == pytest.approx(
        11_259.149375, abs=1e-6
    )
    # Joint, both 70, 2027, MAGI 180,000: each 6,000 - 0.06 x 30,000 = 4,200;
    # 33,005 + 2 x 1,691.25 + 2 x 4,200 = 44,787.50; t 135,212.50:
    # 0.10 x 25,420 + 0.12 x 77,900 + 0.22 x 31,892.50 = 2,542 + 9,348 + 7,016.35
    joint = TaxSchedule.federal(2026, "married_joint").indexed(k27, 2027)
    assert joint.income_tax(180_000, age=70) == pytest.approx(18_906.35, abs=1e-6)
    # 2029: no senior deduction at all.
    assert not TaxSchedule.federal(2026).indexed(k28 * 1.025, 2029).senior_deduction_applies


def test_tax_with_social_security_and_state_tax():
    s = TaxSchedule.federal(2025, "single")
    # P = 30,000 + 12,000 = 42,000 > 34,000: taxable SS = min(20,400, 0.85 x 8,000
    # (6,800) + min(12,000, 4,500)) = 11,300; AGI 41,300; deductions 23,750;
    # t 17,550: 1,192.50 + 0.12 x 5,625 (675) = 1,867.50
    assert s.income_tax(30_000, age=67, social_security=24_000) == pytest.approx(1_867.50)
    assert s.taxable_income(30_000, age=67, social_security=24_000) == pytest.approx(17_550)
    assert s.after_tax(30_000, age=67, social_security=24_000) == pytest.approx(54_000 - 1_867.50)
    # 5% state tax on federal taxable income 34,250 (income 50,000): 1,712.50 on top
    with_state = TaxSchedule.federal(2025, "single", state_rate=0.05)
    assert with_state.income_tax(50_000) == pytest.approx(3_871.50 + 1_712.50)
    assert s.replace(state_rate=0.05) == with_state


def test_marginal_rate_sees_benefit_taxation_and_phase_out():
    s = TaxSchedule.federal(2025, "single")
    np.testing.assert_allclose(s.marginal_rate([50_000, 300_000, 700_000]), [0.12, 0.35, 0.37])
    # taxable SS grows 0.85 per dollar: 0.12 x 1.85 = 0.222
    assert s.marginal_rate(30_000, age=67, social_security=24_000) == pytest.approx(0.222)
    # phase-out: each dollar also removes 0.06 of deduction: 0.22 x 1.06 = 0.2332
    assert s.marginal_rate(100_000, age=67) == pytest.approx(0.2332)


def test_indexed_scales_every_dollar_amount():
    s = TaxSchedule.federal(2026, "married_joint")
    p = s.indexed(1.5, 2030)
    assert p.year == 2030 and not p.senior_deduction_applies
    assert [b for b, _ in p.brackets] == [1.5 * b for b, _ in s.brackets]
    assert [r for _, r in p.brackets] == [r for _, r in s.brackets]
    assert p.standard_deduction == 1.5 * 32_200
    assert p.additional_deduction_65 == 1.5 * 1_650
    # IRC 151(f) fixes the senior deduction and its threshold in dollars: not indexed.
    assert p.senior_deduction == 6_000 and p.senior_phaseout_threshold == 150_000
    # index argument == indexed schedule, elementwise
    q = s.indexed(1.5, 2026)
    x = np.array([40_000.0, 180_000.0, 900_000.0])
    ages = np.array([[60.0], [70.0]])  # broadcasts to (2, 3)
    got = s.income_tax(x, age=ages, index=1.5)
    assert got.shape == (2, 3)
    np.testing.assert_allclose(got, q.income_tax(x, age=ages), rtol=1e-12)


def test_social_security_thresholds_are_not_indexed():
    s = TaxSchedule.federal(2025, "single")
    # taxable SS uses fixed dollars: with index 2 the deflated income still pays on
    # 11,300 of benefits -> AGI 41,300 / 2 = 20,650 at index 1, under the 23,750 of
    # deductions: no tax; a naively homogeneous rule would give 2 x 1,867.50.
    assert s.income_tax(30_000, age=67, social_security=24_000, index=2.0) == 0.0
    assert s.income_tax(60_000, age=67, social_security=48_000, index=2.0) > 2 * 1_867.50


# --- Social Security ---------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "benefits", "other", "taxable"),
    [
        ("single", 20_000, 10_000, 0.0),  # P 20,000 < 25,000
        ("single", 20_000, 20_000, 2_500.0),  # P 30,000: min(10,000, 0.5 x 5,000)
        # P 50,000: min(17,000, 0.85 x 16,000 (13,600) + min(10,000, 4,500)) = 17,000 (cap)
        ("single", 20_000, 40_000, 17_000.0),
        # P 40,000: min(25,500, 0.85 x 6,000 (5,100) + 4,500) = 9,600
        ("single", 30_000, 25_000, 9_600.0),
        # P 35,000: min(3,400, 0.85 x 1,000 + min(2,000, 4,500)) = 2,850
        ("single", 4_000, 33_000, 2_850.0),
        ("head_of_household", 20_000, 20_000, 2_500.0),  # same thresholds as single
        ("married_joint", 30_000, 10_000, 0.0),  # P 25,000 < 32,000
        ("married_joint", 30_000, 25_000, 4_000.0),  # P 40,000: min(15,000, 0.5 x 8,000)
        # P 70,000: min(34,000, 0.85 x 26,000 (22,100) + min(20,000, 6,000)) = 28,100
        ("married_joint", 40_000, 50_000, 28_100.0),
        ("married_joint", 40_000, 200_000, 34_000.0),  # 85% cap
        ("single", 0, 1_000_000, 0.0),  # no benefits
    ],
)
def test_taxable_social_security(status, benefits, other, taxable):
    assert taxable_social_security(benefits, other, status) == pytest.approx(taxable)


def test_taxable_social_security_is_vectorized():
    got = taxable_social_security([[20_000], [30_000]], [10_000, 20_000, 40_000], "single")
    assert got.shape == (2, 3) and got.dtype == np.float64
    assert got[0].tolist() == [0.0, 2_500.0, 17_000.0]


# --- early-withdrawal penalty -----------------------------------------------


@pytest.mark.parametrize(
    ("age", "separation_age", "sepp", "penalty"),
    [
        (54, None, False, 1_000.0),  # before 59 1/2, no exception
        (55, 55, False, 0.0),  # rule of 55: separated in the year of turning 55
        (55, 50, False, 1_000.0),  # separated before the year of turning 55
        (56, 57, False, 1_000.0),  # still employed: distribution before separation
        (54, np.inf, False, 1_000.0),  # inf = not separated
        # 59 1/2 by date, birthday and distribution date spread over the year: 7/8 of the
        # year of attaining 59 and 1/8 of the year of attaining 60 fall before 59 1/2.
        (58, None, False, 1_000.0),
        (59, None, False, 875.0),
        (59.5, None, False, 500.0),  # the formula between whole ages: F(0) = 1/2
        (60, None, False, 125.0),
        (61, None, False, 0.0),
        (60, 60, False, 0.0),  # rule of 55 covers the 1/8 too
        (50, None, True, 0.0),  # substantially equal periodic payments
    ],
)
def test_early_withdrawal_penalty(age, separation_age, sepp, penalty):
    got = early_withdrawal_penalty(10_000, age, separation_age=separation_age, sepp=sepp)
    assert got == pytest.approx(penalty)


def test_early_withdrawal_penalty_is_vectorized():
    got = early_withdrawal_penalty(
        [10_000, 10_000, 10_000, 20_000],
        [54, 55, 55, 60],
        separation_age=[np.inf, 55, 50, np.inf],
        sepp=[False, False, False, False],
    )
    assert got.tolist() == [1_000.0, 0.0, 1_000.0, 250.0]  # 20,000 x 1/8 x 10% at 60


def test_share_before_59_half_counts_one_year_in_all():
    # The convention moves 1/8 of a year from 59 to 60 and adds or removes nothing:
    # summed over whole ages it equals the count of years before 59 1/2 (ages 0-59).
    ages = np.arange(0, 100)
    shares = share_before_59_half(ages)
    assert shares.sum() == pytest.approx(60.0, abs=1e-12)
    np.testing.assert_array_equal(shares[57:62], [1.0, 1.0, 0.875, 0.125, 0.0])
    # exact ages on the distribution date: compared with 59.5 as given
    np.testing.assert_array_equal(
        share_before_59_half([59.49, 59.5, 60.0], exact_age=True), [1.0, 0.0, 0.0]
    )
    assert early_withdrawal_penalty(10_000, 59.4, exact_age=True) == 1_000.0
    assert early_withdrawal_penalty(10_000, 59.5, exact_age=True) == 0.0
    # A Monte Carlo check of the closed form: birthday and date uniform, independent.
    rng = np.random.default_rng(5)
    b, f = rng.random(400_000), rng.random(400_000)
    for age, share in ((59, 0.875), (60, 0.125)):
        empirical = np.mean(age + f - b < 59.5)
        assert abs(empirical - share) < 5 * np.sqrt(share * (1 - share) / b.size)
    with pytest.raises(ValueError, match="age"):
        share_before_59_half(-1.0)


# --- required minimum distributions -----------------------------------------


def test_uniform_lifetime_table_matches_calibration():
    calibration = {72: 27.4, 73: 26.5, 75: 24.6, 80: 20.2, 85: 16.0, 90: 12.2, 95: 8.9}
    for age, divisor in calibration.items():
        assert UNIFORM_LIFETIME_TABLE[age] == divisor
    assert list(UNIFORM_LIFETIME_TABLE) == list(range(72, 121))
    values = list(UNIFORM_LIFETIME_TABLE.values())
    assert all(a > b for a, b in itertools.pairwise(values))
    np.testing.assert_array_equal(
        uniform_lifetime_divisor([50, 71, 72, 73.9, 120, 130]), [np.inf, np.inf, 27.4, 26.5, 2, 2]
    )


def test_rmd_start_age():
    assert rmd_start_age([1951, 1959, 1960, 1990]).tolist() == [73, 73, 75, 75]
    assert int(rmd_start_age(1951)) == 73
    with pytest.raises(
        ValueError,
        match=r"birth_year must be >= 1951: RMD start ages before SECURE 2\.0 are not "
        r"modelled; got 1950",
    ):
        rmd_start_age(1950)
    with pytest.raises(ValueError, match=r"birth_year must be >= 1951.*got 1949 at index \(1,\)"):
        rmd_start_age([1955, 1949])
    with pytest.raises(ValueError, match=r"birth_year must be a whole number; got 1955\.5"):
        rmd_start_age(1955.5)


def test_required_minimum_distribution():
    balance = 500_000.0
    got = required_minimum_distribution(balance, [72, 73, 80, 90], 1952)
    # 72 < 73 -> 0; 500,000 / 26.5; / 20.2; / 12.2
    np.testing.assert_allclose(got, [0.0, balance / 26.5, balance / 20.2, balance / 12.2])
    assert got[1] == pytest.approx(18_867.924528, rel=1e-9)
    # born 1960: nothing until 75, then 500,000 / 24.6
    got = required_minimum_distribution(balance, [73, 74, 75], 1960)
    np.testing.assert_allclose(got, [0.0, 0.0, balance / 24.6])
    assert required_minimum_distribution(0.0, 80, 1951) == 0.0


# --- properties --------------------------------------------------------------

incomes = st.floats(min_value=0, max_value=3e6, allow_nan=False)
schedules = st.builds(
    TaxSchedule.federal, st.sampled_from([2025, 2026]), st.sampled_from(FILING_STATUSES)
)
ages = st.one_of(st.none(), st.integers(min_value=20, max_value=100))


@settings(max_examples=60, deadline=None)
@given(schedules, incomes, incomes, ages, st.floats(min_value=0, max_value=80_000))
def test_tax_is_monotone_and_bounded(schedule, x, y, age, benefits):
    low, high = sorted((x, y))
    kwargs = dict(age=age, social_security=benefits)
    t_low, t_high = schedule.income_tax(low, **kwargs), schedule.income_tax(high, **kwargs)
    assert t_low <= t_high
    assert 0.0 <= t_low <= low + benefits
    assert 0.0 <= schedule.income_tax(low, age=age) <= low


@settings(max_examples=60, deadline=None)
@given(schedules, incomes, ages, st.floats(min_value=0.2, max_value=20))
def test_tax_is_homogeneous_in_the_index(schedule, x, age, k):
    # Outside the senior deduction's years: its fixed dollars are not indexed.
    schedule = schedule.indexed(1.0, 2029)
    expected = k * schedule.income_tax(x, age=age)
    got = schedule.income_tax(k * x, age=age, index=k)
    assert got == pytest.approx(expected, rel=1e-9, abs=1e-6)


@settings(max_examples=30, deadline=None)
@given(schedules, st.lists(incomes, min_size=1, max_size=6), ages, st.data())
def test_vectorized_equals_scalar(schedule, xs, age, data):
    benefits = data.draw(st.lists(st.floats(0, 60_000), min_size=len(xs), max_size=len(xs)))
    index = data.draw(st.lists(st.floats(0.5, 3), min_size=len(xs), max_size=len(xs)))
    vector = schedule.income_tax(xs, age=age, social_security=benefits, index=index)
    scalar = [
        schedule.income_tax(x, age=age, social_security=b, index=i)
        for x, b, i in zip(xs, benefits, index, strict=True)
    ]
    np.testing.assert_array_equal(vector, scalar)


# --- serialization -----------------------------------------------------------


@pytest.mark.parametrize("status", FILING_STATUSES)
def test_pickle_and_json_round_trip(status):
    s = TaxSchedule.federal(2026, status, state_rate=0.04)
    assert pickle.loads(pickle.dumps(s)) == s
    text = s.model_dump_json()
    assert json.loads(text)["brackets"][-1][0] == "Infinity"
    back = TaxSchedule.model_validate_json(text)
    assert back == s and back.brackets[-1][0] == math.inf
    assert hash(back) == hash(s)


# --- validation messages -----------------------------------------------------


def _fields(**changes):
    return {**TaxSchedule.federal(2025).model_dump(), **changes}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            dict(filing_status="joint"),
            r"filing_status must be one of 'single', 'married_joint', "
            r"'head_of_household'; got 'joint'",
        ),
        (dict(year=1900), r"year must be an integer >= 1913; got 1900"),
        (dict(brackets=()), r"brackets must hold at least one \(upper bound, rate\) pair"),
        (
            dict(brackets=((-5.0, 0.1), (math.inf, 0.2))),
            r"brackets upper bounds must be positive and strictly increasing; "
            r"got -5\.0 after 0\.0 in bracket 0",
        ),
        (
            dict(brackets=((10.0, 0.1), (10.0, 0.2), (math.inf, 0.3))),
            r"strictly increasing; got 10\.0 after 10\.0 in bracket 1",
        ),
        (
            dict(brackets=((10.0, 0.1), (20.0, 0.2))),
            r"brackets: the last upper bound must be inf \(the top bracket is open\); got 20\.0",
        ),
        (
            dict(brackets=((10.0, 0.1), (math.inf, 1.0))),
            r"brackets rates must be in \[0, 1\); got 1\.0 in bracket 1",
        ),
        (
            dict(brackets=((10.0, -0.1), (math.inf, 0.2))),
            r"brackets rates must be in \[0, 1\); got -0\.1 in bracket 0",
        ),
        (
            dict(standard_deduction=-1.0),
            r"standard_deduction must be a finite number >= 0; got -1\.0",
        ),
        (
            dict(additional_deduction_65=math.inf),
            r"additional_deduction_65 must be a finite number >= 0; got inf",
        ),
        (dict(senior_deduction=-6.0), r"senior_deduction must be a finite number >= 0; got -6"),
        (
            dict(senior_phaseout_threshold=-1),
            r"senior_phaseout_threshold must be a finite number >= 0; got -1\.0",
        ),
        (
            dict(senior_phaseout_rate=1.5),
            r"senior_phaseout_rate must be between 0 and 1; got 1\.5",
        ),
        (dict(state_rate=1.0), r"state_rate must be in \[0, 1\); got 1\.0"),
        (dict(state_rate=-0.01), r"state_rate must be in \[0, 1\); got -0\.01"),
        (
            dict(senior_years=(2028, 2025)),
            r"senior_years must be \(first, last\) with first <= last; got \(2028, 2025\)",
        ),
        (
            dict(state_rate=0.7),
            r"state_rate plus the highest bracket rate must be below 1 .*got 0\.7 \+ 0\.37",
        ),
    ],
)
def test_schedule_validation_messages(changes, message):
    with pytest.raises(ValidationError, match=message):
        TaxSchedule(**_fields(**changes))


def test_replace_revalidates():
    with pytest.raises(ValidationError, match=r"state_rate must be in \[0, 1\); got 2\.0"):
        TaxSchedule.federal(2025).replace(state_rate=2.0)


def test_federal_and_indexed_messages():
    with pytest.raises(
        ValueError,
        match=r"year must be one of the published years 2025, 2026; got 2027\. "
        r"Project a later year with TaxSchedule\.federal\(\.\.\.\)\.indexed\(factor, year\)",
    ):
        TaxSchedule.federal(2027)
    with pytest.raises(ValueError, match=r"filing_status must be one of .*; got 'separate'"):
        TaxSchedule.federal(2025, "separate")
    with pytest.raises(ValueError, match=r"factor must be a finite number > 0; got 0\.0"):
        TaxSchedule.federal(2025).indexed(0.0, 2030)
    with pytest.raises(ValidationError, match=r"year must be an integer >= 1913; got 1800"):
        TaxSchedule.federal(2025).indexed(1.0, 1800)


def test_income_tax_argument_messages():
    s = TaxSchedule.federal(2025)
    with pytest.raises(
        ValueError, match=r"ordinary_income must be a finite number >= 0; got -5\.0 at index \(1,\)"
    ):
        s.income_tax([10.0, -5.0, -7.0])
    with pytest.raises(ValueError, match=r"ordinary_income must be a finite number >= 0; got nan"):
        s.income_tax(np.nan)
    with pytest.raises(
        ValueError, match=r"social_security must be a finite number >= 0; got -1\.0$"
    ):
        s.income_tax(10.0, social_security=-1.0)
    with pytest.raises(ValueError, match=r"index must be a finite number > 0; got 0\.0"):
        s.income_tax(10.0, index=[1.0, 0.0])
    with pytest.raises(ValueError, match=r"age must be a finite number >= 0; got nan"):
        s.income_tax(10.0, age=np.nan)
    with pytest.raises(
        ValueError,
        match=r"spouse_age applies only to filing_status 'married_joint'; "
        r"got filing_status 'single'",
    ):
        s.income_tax(10.0, age=70, spouse_age=70)
    with pytest.raises(ValueError, match=r"step must be a finite number > 0; got 0\.0"):
        s.marginal_rate(10.0, step=0)
    with pytest.raises(ValueError, match=r"ordinary_income must be a number or an array"):
        s.income_tax("lots")


def test_function_argument_messages():
    with pytest.raises(ValueError, match=r"benefits must be a finite number >= 0; got -1\.0"):
        taxable_social_security(-1.0, 0.0, "single")
    with pytest.raises(
        ValueError, match=r"other_income must be a finite number >= 0; got -2\.0 at index \(0,\)"
    ):
        taxable_social_security(1.0, [-2.0], "single")
    with pytest.raises(ValueError, match=r"filing_status must be one of .*; got 'joint'"):
        taxable_social_security(1.0, 1.0, "joint")
    with pytest.raises(ValueError, match=r"amount must be a finite number >= 0; got -1\.0"):
        early_withdrawal_penalty(-1.0, 50)
    with pytest.raises(ValueError, match=r"age must be a finite number >= 0; got -3\.0"):
        early_withdrawal_penalty(1.0, -3)
    with pytest.raises(
        ValueError, match=r"separation_age must be a number >= 0 \(not NaN\); got nan at index"
    ):
        early_withdrawal_penalty([1.0, 1.0], 50, separation_age=[55, np.nan])
    with pytest.raises(ValueError, match=r"sepp must be a bool or an array of bools; got 1"):
        early_withdrawal_penalty(1.0, 50, sepp=1)
    with pytest.raises(
        ValueError, match=r"prior_year_end_balance must be a finite number >= 0; got -1\.0"
    ):
        required_minimum_distribution(-1.0, 80, 1950 + 5)
    with pytest.raises(ValueError, match=r"age must be a finite number >= 0; got -1\.0"):
        uniform_lifetime_divisor(-1)
