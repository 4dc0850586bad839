"""Tests for alt401k.limits: published IRS limits, catch-ups and projections."""

from __future__ import annotations

import dataclasses
import math
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alt401k.limits import (
    HISTORICAL_LIMITS,
    LAST_PUBLISHED_YEAR,
    LIMIT_NAMES,
    PUBLISHED_LIMITS,
    PUBLISHED_YEARS,
    ROUNDING_STEPS,
    SOURCES,
    IRSLimits,
    catch_up_limit,
    irs_limits,
    limits_by_year,
)

# Every published number, dollars (CALIBRATION.md, "IRS limits").
EXPECTED_PUBLISHED = {
    2024: dict(
        elective_deferral=23_000,
        catch_up=7_500,
        catch_up_60_63=7_500,
        annual_additions=69_000,
        compensation=345_000,
        hce=155_000,
        roth_catch_up_wage_threshold=math.inf,
    ),
    2025: dict(
        elective_deferral=23_500,
        catch_up=7_500,
        catch_up_60_63=11_250,
        annual_additions=70_000,
        compensation=350_000,
        hce=160_000,
        roth_catch_up_wage_threshold=math.inf,
    ),
    2026: dict(
        elective_deferral=24_500,
        catch_up=8_000,
        catch_up_60_63=11_250,
        annual_additions=72_000,
        compensation=360_000,
        hce=160_000,
        roth_catch_up_wage_threshold=150_000,
    ),
}


# --- published table --------------------------------------------------------


@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_published_limits_exact(year: int) -> None:
    limits = irs_limits(year)
    assert limits.year == year
    assert limits.projected is False
    for name, value in EXPECTED_PUBLISHED[year].items():
        assert getattr(limits, name) == value, name


def test_constants() -> None:
    assert PUBLISHED_YEARS == (2024, 2025, 2026)
    assert LAST_PUBLISHED_YEAR == 2026
    assert set(LIMIT_NAMES) == set(SOURCES) - {"indexing_rate"}
    assert set(LIMIT_NAMES) == set(ROUNDING_STEPS)
    assert {f.name for f in dataclasses.fields(IRSLimits)} == {"year", "projected", *LIMIT_NAMES}
    assert ROUNDING_STEPS["elective_deferral"] == 500
    assert ROUNDING_STEPS["catch_up"] == ROUNDING_STEPS["catch_up_60_63"] == 500
    assert ROUNDING_STEPS["annual_additions"] == 1_000
    assert ROUNDING_STEPS["compensation"] == ROUNDING_STEPS["hce"] == 5_000
    assert "2025-67" in SOURCES["elective_deferral"]
    for year, values in EXPECTED_PUBLISHED.items():
        assert PUBLISHED_LIMITS[year] == values


def test_history_kept_as_data() -> None:
    assert HISTORICAL_LIMITS[2020] == {"elective_deferral": 19_500, "annual_additions": 57_000}
    assert HISTORICAL_LIMITS[2021] == {"elective_deferral": 19_500, "annual_additions": 58_000}
    assert HISTORICAL_LIMITS[2022] == {"elective_deferral": 20_500, "annual_additions": 61_000}
    assert HISTORICAL_LIMITS[2023] == {"elective_deferral": 22_500, "annual_additions": 66_000}


def test_irs_limits_is_frozen() -> None:
    limits = irs_limits(2025)
    with pytest.raises(dataclasses.FrozenInstanceError):
        limits.year = 2030  # type: ignore[misc]
    assert limits.as_dict()["elective_deferral"] == 23_500


def test_roth_catch_up_threshold_in_force_from_2026() -> None:
    assert irs_limits(2024).roth_catch_up_wage_threshold == math.inf
    assert irs_limits(2025).roth_catch_up_wage_threshold == math.inf
    assert irs_limits(2026).roth_catch_up_wage_threshold == 150_000
    arr = limits_by_year([2024, 2025, 2026])["roth_catch_up_wage_threshold"]
    np.testing.assert_array_equal(arr, [np.inf, np.inf, 150_000.0])


# --- catch-ups ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "age", "expected"),
    [
        (2024, 49, 0),
        (2024, 50, 7_500),
        (2024, 59, 7_500),
        (2024, 60, 7_500),  # no 60-63 catch-up before 2025
        (2024, 61, 7_500),
        (2024, 63, 7_500),
        (2024, 64, 7_500),
        (2025, 49, 0),
        (2025, 50, 7_500),
        (2025, 59, 7_500),
        (2025, 60, 11_250),
        (2025, 63, 11_250),
        (2025, 64, 7_500),
        (2026, 49, 0),
        (2026, 50, 8_000),
        (2026, 55, 8_000),
        (2026, 59, 8_000),
        (2026, 60, 11_250),
        (2026, 61, 11_250),
        (2026, 63, 11_250),
        (2026, 64, 8_000),
    ],
)
def test_catch_up_limit_exact(year: int, age: int, expected: float) -> None:
    result = catch_up_limit(age, year)
    assert result.shape == ()
    assert result.dtype == np.float64
    assert result == expected


def test_catch_up_limit_broadcasts() -> None:
    ages = np.array([[0], [49], [50], [60], [63], [64], [130]])
    years = np.array([2024, 2025, 2026])
    result = catch_up_limit(ages, years)
    assert result.shape == (7, 3)
    expected = np.array(
        [
            [0, 0, 0],
            [0, 0, 0],
            [7_500, 7_500, 8_000],
            [7_500, 11_250, 11_250],
            [7_500, 11_250, 11_250],
            [7_500, 7_500, 8_000],
            [7_500, 7_500, 8_000],
        ],
        dtype=float,
    )
    np.testing.assert_array_equal(result, expected)


def test_catch_up_limit_projected() -> None:
    # 2027 at 2.5%: regular floor(8,000 * 1.025 / 500) * 500 = floor(16.4) * 500 = 8,000;
    # 60-63 (IRC 414(v)(2)(E)): max(10,000 * 1.025**2 = 10,506.25 -> 10,500; 11,250) = 11,250.
    np.testing.assert_array_equal(
        catch_up_limit([45, 55, 59, 60, 63, 64, 70], 2027),
        [0, 8_000, 8_000, 11_250, 11_250, 8_000, 8_000],
    )


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        # 10,000 * 1.025**2 = 10,506.25 -> 10,500 < 11,250: the 150% floor holds ($250 less
        # than growing 11,250 by 2.5%, which gives 11,531.25 -> 11,500).
        (2027, 11_250),
        # 10,000 * 1.025**6 = 11,596.93 -> 11,500 > 11,250 (11,250 grown: 12,728 -> 12,500).
        (2031, 11_500),
        # 10,000 * 1.025**10 = 12,800.85 -> 12,500 (11,250 grown: 14,049 -> 14,000).
        (2035, 12_500),
    ],
)
def test_catch_up_60_63_follows_the_statute(year: int, expected: float) -> None:
    assert irs_limits(year).catch_up_60_63 == expected
    ages = np.array([59, 60, 63, 64])
    regular = irs_limits(year).catch_up
    np.testing.assert_array_equal(
        catch_up_limit(ages, year), [regular, expected, expected, regular]
    )


# --- projection --------------------------------------------------------------


def test_projection_hand_computed() -> None:
    # 24,500 * 1.025 = 25,112.5; / 500 = 50.225 -> 50 -> 25,000.
    assert irs_limits(2027, indexing_rate=0.025).elective_deferral == 25_000
    # 1.025**2 = 1.050625; 1.025**4 = 1.050625**2 = 1.103812890625;
    # 72,000 * 1.103812890625 = 79,474.53; / 1,000 -> 79 -> 79,000.
    assert irs_limits(2030, indexing_rate=0.025).annual_additions == 79_000
    # 150,000 * 1.025 = 153,750 -> floor(30.75) * 5,000 = 150,000.
    assert irs_limits(2027).roth_catch_up_wage_threshold == 150_000
    # 360,000 * 1.025 = 369,000 -> floor(73.8) * 5,000 = 365,000.
    assert irs_limits(2027).compensation == 365_000
    assert irs_limits(2027).projected is True
    assert irs_limits(2026).projected is False


def test_projection_rounds_once_from_base() -> None:
    # Year-on-year rounding of 402(g) at 2.5% would stick at 24,500 -> 25,000 -> 25,500 ...;
    # one rounding from the base: 24,500 * 1.025**3 = 26,383.6... -> 26,000.
    assert irs_limits(2029).elective_deferral == 26_000


def test_zero_and_negative_rates() -> None:
    for name in LIMIT_NAMES:
        assert getattr(irs_limits(2050, indexing_rate=0.0), name) == EXPECTED_PUBLISHED[2026][name]
    # 24,500 * 0.95 = 23,275 -> 23,000; limits may fall under deflation.
    assert irs_limits(2027, indexing_rate=-0.05).elective_deferral == 23_000
    # The 60-63 catch-up never falls below 150% of the 2024 catch-up, $11,250.
    assert irs_limits(2027, indexing_rate=-0.05).catch_up_60_63 == 11_250


def test_catch_up_60_63_held_at_published_value() -> None:
    # At 1%: 10,000 * 1.01**4 = 10,406 -> 10,000 < 11,250 in 2029; 10,000 * 1.01**13 =
    # 11,381 -> 11,000 still below in 2038; 10,000 * 1.01**16 = 11,726 -> 11,500 in 2041.
    assert irs_limits(2029, indexing_rate=0.01).catch_up_60_63 == 11_250
    assert irs_limits(2038, indexing_rate=0.01).catch_up_60_63 == 11_250
    assert irs_limits(2041, indexing_rate=0.01).catch_up_60_63 == 11_500


@settings(max_examples=50, deadline=None)
@given(rate=st.floats(min_value=0.0, max_value=0.2, allow_nan=False))
def test_projection_monotone_and_on_step(rate: float) -> None:
    years = np.arange(2024, 2101)
    limits = limits_by_year(years, indexing_rate=rate)
    projected = years > LAST_PUBLISHED_YEAR
    for name in LIMIT_NAMES:
        values = limits[name]
        finite = values[years >= 2026]
        assert np.all(np.diff(finite) >= 0), name
        step = ROUNDING_STEPS[name]
        on_step = np.mod(values[projected], step) == 0
        held = values[projected] == PUBLISHED_LIMITS[LAST_PUBLISHED_YEAR][name]
        assert np.all(on_step | held), name
    # Catch-up 60-63 is the only limit whose published base is off its step.
    assert np.all(np.mod(limits["elective_deferral"][projected], 500) == 0)


@settings(max_examples=30, deadline=None)
@given(
    years=st.lists(st.integers(min_value=2024, max_value=2200), min_size=1, max_size=12),
    rate=st.floats(min_value=-0.05, max_value=0.2, allow_nan=False),
)
def test_vectorized_matches_scalar(years: list[int], rate: float) -> None:
    arr = np.array(years).reshape(-1, 1)
    limits = limits_by_year(arr, indexing_rate=rate)
    for name in LIMIT_NAMES:
        assert limits[name].shape == arr.shape
        assert limits[name].dtype == np.float64
    for i, year in enumerate(years):
        scalar = irs_limits(year, indexing_rate=rate)
        for name in LIMIT_NAMES:
            assert limits[name][i, 0] == getattr(scalar, name), (year, name)


def test_limits_by_year_shapes() -> None:
    out = limits_by_year(2025)
    assert out["elective_deferral"].shape == ()
    assert out["elective_deferral"] == 23_500
    out = limits_by_year(np.empty((0, 3), dtype=np.int64))
    assert out["hce"].shape == (0, 3)
    # Integral floats are accepted as years.
    assert limits_by_year([2026.0])["catch_up"][0] == 8_000
    assert irs_limits(np.int64(2025)).year == 2025


# --- validation --------------------------------------------------------------


def _match(msg: str) -> str:
    return re.escape(msg)


def test_year_before_2024_raises() -> None:
    msg = "year must be >= 2024 (first year with a full published table); got 2019"
    with pytest.raises(ValueError, match=_match(msg)):
        irs_limits(2019)
    with pytest.raises(ValueError, match=_match("years must be >= 2024")):
        limits_by_year([2025, 2019])
    with pytest.raises(ValueError, match=_match(msg)):
        catch_up_limit(55, [2019, 2025])


def test_year_after_2200_raises() -> None:
    with pytest.raises(ValueError, match=_match("year must be <= 2200; got 2201")):
        irs_limits(2201)
    with pytest.raises(ValueError, match=_match("years must be <= 2200; got 2500")):
        limits_by_year(np.array([2030, 2500]))


def test_non_integer_year_raises() -> None:
    with pytest.raises(ValueError, match=_match("year must be integer calendar years; got 2024.5")):
        irs_limits(2024.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="years must be integer calendar years; got nan"):
        limits_by_year([2025.0, float("nan")])
    with pytest.raises(ValueError, match="year must be integer calendar years"):
        irs_limits(True)
    with pytest.raises(ValueError, match="year must be integer calendar years"):
        irs_limits("2025")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="year must be a single integer calendar year"):
        irs_limits([2025, 2026])  # type: ignore[arg-type]


@pytest.mark.parametrize("rate", [0.5, -0.06, float("nan")])
def test_indexing_rate_out_of_range_raises(rate: float) -> None:
    msg = f"indexing_rate must be between -0.05 and 0.2; got {rate!r}"
    with pytest.raises(ValueError, match=_match(msg)):
        irs_limits(2030, indexing_rate=rate)
    with pytest.raises(ValueError, match=_match(msg)):
        limits_by_year([2030], indexing_rate=rate)
    with pytest.raises(ValueError, match=_match(msg)):
        catch_up_limit(60, 2030, indexing_rate=rate)


def test_indexing_rate_message_example() -> None:
    with pytest.raises(
        ValueError, match=_match("indexing_rate must be between -0.05 and 0.2; got 0.5")
    ):
        irs_limits(2027, indexing_rate=0.5)
    with pytest.raises(ValueError, match="indexing_rate must be a number"):
        irs_limits(2027, indexing_rate="fast")  # type: ignore[arg-type]


def test_age_validation() -> None:
    with pytest.raises(ValueError, match=_match("age must be >= 0; got -1")):
        catch_up_limit(-1, 2025)
    with pytest.raises(ValueError, match=_match("age must be <= 130; got 131")):
        catch_up_limit([50, 131], 2025)
    with pytest.raises(ValueError, match=_match("age must be integer ages; got 50.5")):
        catch_up_limit(50.5, 2025)


def test_broadcast_mismatch_raises() -> None:
    with pytest.raises(ValueError, match=_match("age and year must broadcast together")):
        catch_up_limit([50, 60, 70], [2025, 2026])
