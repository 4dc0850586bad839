"""Pay paths, limits indexed by a price path, and contributions with per-scenario pay."""

import math

import numpy as np
import pytest
from pydantic import ValidationError

import alt401k as ak
from alt401k.contributions import annual_contributions
from alt401k.limits import LIMIT_NAMES, limits_by_year, limits_from_prices
from alt401k.pay import DEFAULT_REAL_GROWTH_BY_AGE, PayPath, salary_paths
from alt401k.population import ParticipantCells, cells_from_participants

# ---------------------------------------------------------------- limits_from_prices


@pytest.mark.parametrize("rate", [0.0, 0.025, 0.05, 0.1, -0.02])
@pytest.mark.parametrize("first_year", [2024, 2025, 2026, 2030])
def test_limits_from_prices_equal_fixed_rate_projection(rate, first_year):
    years = np.arange(first_year, 2201)
    # Price level at the end of year k of the run: (1 + r) ** (k + 1), by scalar and array power.
    by_scalar = np.array([math.pow(1.0 + rate, k + 1) for k in range(years.size)])
    by_array = (1.0 + rate) ** np.arange(1.0, years.size + 1)
    got = limits_from_prices(years, np.stack([by_scalar, by_array]), indexing_rate=rate)
    want = limits_by_year(years, indexing_rate=rate)
    for name in LIMIT_NAMES:
        assert got[name].shape == (2, years.size)
        np.testing.assert_array_equal(got[name][0], want[name], err_msg=name)
        np.testing.assert_array_equal(got[name][1], want[name], err_msg=name)


def test_limits_from_prices_zero_then_ten_percent_inflation():
    # Years 2025-2028; inflation 0% in 2025 and 2026, then 10% in 2027 and 2028
    # (scenario 0) or 20% (scenario 1). Price level at each year end:
    prices = np.array([[1.0, 1.0, 1.1, 1.21], [1.0, 1.0, 1.2, 1.44]])
    lim = limits_from_prices([2025, 2026, 2027, 2028], prices)
    # 2027 is indexed by the level at its start (end of 2026) over that at the start of 2026
    # (end of 2025): 1 / 1, so the 2026 values. 2028: 1.1 (scenario 0) or 1.2 (scenario 1).
    #   402(g):      24,500 * 1.1 = 26,950 -> 26,500;   24,500 * 1.2 = 29,400 -> 29,000
    #   catch-up:     8,000 * 1.1 =  8,800 ->  8,500;    8,000 * 1.2 =  9,600 ->  9,500
    #   415(c):      72,000 * 1.1 = 79,200 -> 79,000;   72,000 * 1.2 = 86,400 -> 86,000
    #   401(a)(17): 360,000 * 1.1 = 396,000 -> 395,000; 360,000 * 1.2 = 432,000 -> 430,000
    #   HCE:        160,000 * 1.1 = 176,000 -> 175,000; 160,000 * 1.2 = 192,000 -> 190,000
    #   §603:       150,000 * 1.1 = 165,000;            150,000 * 1.2 = 180,000
    # 60-63: $10,000 times the level at the start of y over the start of 2025:
    #   2027: 10,000 * 1.0 -> max(10,000, 11,250) = 11,250 (both)
    #   2028: 10,000 * 1.1 = 11,000 -> 11,250;  10,000 * 1.2 = 12,000 -> 12,000
    expected = {
        "elective_deferral": ([23_500, 24_500, 24_500, 26_500], [29_000]),
        "catch_up": ([7_500, 8_000, 8_000, 8_500], [9_500]),
        "catch_up_60_63": ([11_250, 11_250, 11_250, 11_250], [12_000]),
        "annual_additions": ([70_000, 72_000, 72_000, 79_000], [86_000]),
        "compensation": ([350_000, 360_000, 360_000, 395_000], [430_000]),
        "hce": ([160_000, 160_000, 160_000, 175_000], [190_000]),
        "roth_catch_up_wage_threshold": ([math.inf, 150_000, 150_000, 165_000], [180_000]),
    }
    for name, (row0, last1) in expected.items():
        np.testing.assert_array_equal(lim[name][0], row0, err_msg=name)
        np.testing.assert_array_equal(lim[name][1], row0[:3] + last1, err_msg=name)


def test_limits_from_prices_fills_years_before_the_path_at_the_assumed_rate():
    # Run starts in 2027 with no inflation simulated; 10% a year assumed for 2025 and 2026.
    # 2027 and 2028: index since 2026 = 1.1 -> 402(g) 26,500;
    # 60-63: 10,000 * 1.1 ** 2 = 12,100 -> 12,000.
    lim = limits_from_prices([2027, 2028], [[1.0, 1.0]], indexing_rate=0.1)
    np.testing.assert_array_equal(lim["elective_deferral"], [[26_500, 26_500]])
    np.testing.assert_array_equal(lim["catch_up_60_63"], [[12_000, 12_000]])


def test_limits_from_prices_fall_with_the_price_level_like_a_negative_rate():
    # 10% deflation in 2026: 2027 402(g) = floor(24,500 * 0.9 / 500) * 500 = 22,000;
    # the 60-63 catch-up keeps its $11,250 floor.
    lim = limits_from_prices([2026, 2027], [0.9, 0.9])
    np.testing.assert_array_equal(lim["elective_deferral"], [24_500, 22_000])
    np.testing.assert_array_equal(lim["catch_up_60_63"], [11_250, 11_250])


@pytest.mark.parametrize(
    ("years", "prices", "match"),
    [
        ([2026, 2028], [1.0, 1.0], r"years must be consecutive calendar years starting at 2026"),
        ([2023, 2024], [1.0, 1.0], r"years must be >= 2024"),
        ([2026, 2027], [1.0, 1.0, 1.0], r"price_index must have shape \(\.\.\., 2\)"),
        ([2026, 2027], [1.0, 0.0], r"price_index must be finite and > 0; got 0.0"),
        ([2026, 2027], [1.0, np.nan], r"price_index must be finite and > 0; got nan"),
    ],
)
def test_limits_from_prices_bad_input(years, prices, match):
    with pytest.raises(ValueError, match=match):
        limits_from_prices(years, prices)


def test_limits_from_prices_bad_rate():
    with pytest.raises(ValueError, match=r"indexing_rate must be between -0.05 and 0.2; got 0.3"):
        limits_from_prices([2027], [1.0], indexing_rate=0.3)


# ---------------------------------------------------------------- contributions overrides


def random_cells(seed: int, n: int = 60) -> ParticipantCells:
    gen = np.random.default_rng(seed)
    salary = gen.lognormal(11.3, 0.8, n)
    return ParticipantCells(
        age=gen.integers(22, 68, n).astype(float),
        salary=salary,
        balance=np.zeros(n),
        roth_balance=np.zeros(n),
        deferral_rate=gen.uniform(0.0, 0.3, n),
        roth_fraction=gen.uniform(0.0, 1.0, n),
        retirement_age=np.full(n, 67.0),
        salary_growth=gen.uniform(-0.02, 0.06, n),
        prior_year_wages=salary / 1.03,
        weight=np.ones(n),
        working=gen.random(n) < 0.9,
        service_years=gen.uniform(0.0, 5.0, n),
    )


def assert_same_contributions(a, b):
    for name, value in vars(a).items():
        np.testing.assert_array_equal(value, getattr(b, name), err_msg=name)


@pytest.mark.parametrize("preset", ["modal", "safe_harbor_nonelective", "qaca"])
def test_overrides_with_the_default_arrays_are_bit_identical(preset):
    plan = ak.PlanDesign.preset(preset)
    cells = random_cells(7)
    kwargs = {"start_year": 2026, "n_years": 30, "indexing_rate": 0.03}
    default = annual_contributions(cells, plan, **kwargs)
    years = default.years
    by_year = limits_by_year(years, indexing_rate=0.03)
    per_cell = {k: np.repeat(v[:, None], cells.n_cells, axis=1) for k, v in by_year.items()}
    # Price path (1.03) ** (k + 1), one identical row per cell, transposed to (Y, P).
    prices = np.tile(1.03 ** np.arange(1.0, 31.0), (cells.n_cells, 1))
    from_prices = {k: v.T for k, v in limits_from_prices(years, prices, indexing_rate=0.03).items()}
    for limits in (
        by_year,
        per_cell,
        from_prices,
        {"elective_deferral": by_year["elective_deferral"]},
    ):
        got = annual_contributions(cells, plan, **kwargs, salary=default.salary, limits=limits)
        assert_same_contributions(got, default)


def test_elective_deferral_limit_binds_per_scenario():
    # One saver aged 40 deferring 20%, three scenarios (P = S = 3), 2026-2027.
    saver = ak.Participant(age=40, salary=100_000, deferral_rate=0.20, retirement_age=65)
    cells = cells_from_participants([saver] * 3)
    # Pay: $100k, $150k, $200k in both years -> elected 20,000 / 30,000 / 40,000.
    salary = np.array([[100_000.0, 150_000.0, 200_000.0]] * 2)
    # Inflation in 2026 of 0%, 10%, 20%: 2027 402(g) 24,500 / 26,500 / 29,000 (see above).
    prices = np.array([[1.0, 1.0], [1.1, 1.1], [1.2, 1.2]])
    limits = {k: v.T for k, v in limits_from_prices([2026, 2027], prices).items()}
    c = annual_contributions(
        cells, ak.PlanDesign(), start_year=2026, n_years=2, salary=salary, limits=limits
    )
    # 2026: min(elected, 24,500) for all; 2027: min(elected, that scenario's 402(g)).
    np.testing.assert_array_equal(c.employee, [[20_000, 24_500, 24_500], [20_000, 26_500, 29_000]])
    np.testing.assert_array_equal(c.catch_up, np.zeros((2, 3)))
    # Modal match, 50% of the first 6% of pay: 3,000 / 4,500 / 6,000 each year.
    np.testing.assert_array_equal(c.employer, [[3_000, 4_500, 6_000]] * 2)


def test_prior_year_wages_follow_the_salary_override():
    # Aged 55, deferring 25%, prior-year (2025) wages $100k: no §603 Roth catch-up in 2026.
    # 2026 pay $140k or $200k -> in 2027 the catch-up (8,000) must be Roth only for the
    # second (2027 threshold: floor(150,000 * 1.025 / 5,000) * 5,000 = 150,000).
    saver = ak.Participant(
        age=55, salary=140_000, deferral_rate=0.25, prior_year_wages=100_000, retirement_age=65
    )
    cells = cells_from_participants([saver] * 2)
    salary = np.array([[140_000.0, 200_000.0]] * 2)
    c = annual_contributions(cells, ak.PlanDesign(), start_year=2026, n_years=2, salary=salary)
    np.testing.assert_array_equal(c.catch_up, [[8_000, 8_000], [8_000, 8_000]])
    np.testing.assert_array_equal(c.employee_roth, [[0, 0], [0, 8_000]])


def test_salary_override_is_zero_where_the_cell_does_not_work():
    saver = ak.Participant(age=63, salary=50_000, deferral_rate=0.1, retirement_age=65)
    cells = cells_from_participants([saver])
    c = annual_contributions(
        cells, ak.PlanDesign(), start_year=2026, n_years=3, salary=np.full((3, 1), 60_000.0)
    )
    np.testing.assert_array_equal(c.salary[:, 0], [60_000, 60_000, 0])


def test_complete_limits_allow_years_before_2024():
    saver = ak.Participant(age=40, salary=100_000, deferral_rate=0.3)
    cells = cells_from_participants([saver])
    with pytest.raises(ValueError, match=r"years must be >= 2024"):
        annual_contributions(cells, ak.PlanDesign(), start_year=2023, n_years=1)
    limits = {k: [v] for k, v in ak.irs_limits(2024).as_dict().items() if k in LIMIT_NAMES}
    limits["elective_deferral"] = [22_500.0]  # the 2023 402(g)
    c = annual_contributions(cells, ak.PlanDesign(), start_year=2023, n_years=1, limits=limits)
    assert c.employee[0, 0] == 22_500.0


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"salary": np.ones((2, 2))}, r"salary must have shape \(n_years, n_cells\) = \(2, 1\)"),
        ({"salary": -np.ones((2, 1))}, r"salary must be finite and >= 0 dollars; got -1.0"),
        ({"limits": {"deferral": [1.0, 1.0]}}, r"unknown name\(s\) \['deferral'\]"),
        ({"limits": {"catch_up": np.ones((3, 1))}}, r"limits\['catch_up'\] must have shape"),
        ({"limits": {"hce": [1.0, -1.0]}}, r"limits\['hce'\] must be finite and >= 0"),
        ({"limits": {"hce": [1.0, math.inf]}}, r"limits\['hce'\] must be finite and >= 0"),
    ],
)
def test_override_bad_input(kwargs, match):
    cells = cells_from_participants([ak.Participant(age=40, salary=1e5, deferral_rate=0.1)])
    with pytest.raises(ValueError, match=match):
        annual_contributions(cells, ak.PlanDesign(), start_year=2026, n_years=2, **kwargs)


# ---------------------------------------------------------------- pay paths


def test_default_profile_is_the_bls_growth():
    # (1139 / 760) ** 0.1 - 1 = 4.13%; (1351 / 1139) ** 0.1 - 1 = 1.72%; ...
    assert DEFAULT_REAL_GROWTH_BY_AGE == (
        (16, 0.0413),
        (30, 0.0172),
        (40, 0.0008),
        (50, -0.005),
        (60, -0.0078),
    )
    np.testing.assert_array_equal(
        PayPath().real_growth([16, 29, 30, 59, 64]), [0.0413, 0.0413, 0.0172, -0.005, -0.0078]
    )


def test_deterministic_pay_by_hand():
    saver = ak.Participant(age=28, salary=50_000, deferral_rate=0.05, retirement_age=33)
    path = PayPath(real_growth_by_age=((16, 0.04), (30, 0.01)))
    prices = 1.02 ** np.arange(1.0, 7.0)[None, :]  # 2% inflation; level at each year end
    pay = salary_paths(saver, path, prices)
    # t=0 (age 28): 50,000
    # t=1 (29): 50,000 * 1.02 * 1.04                 = 53,040
    # t=2 (30): 53,040 * 1.02 * 1.04 = 56,264.832 (growth from 29 to 30 is still 4%)
    # t=3 (31): 56,264.832 * 1.02 * 1.01 = 57,964.0299264
    # t=4 (32): 57,964.0299264 * 1.0302 = 59,714.54363017728
    # t=5 (33): retired -> 0
    want = [50_000.0, 53_040.0, 56_264.832, 57_964.0299264, 59_714.54363017728, 0.0]
    np.testing.assert_allclose(pay[0], want, rtol=1e-10)
    # Without inflation only the real profile remains.
    real = salary_paths(saver, path.replace(inflation=False), prices)
    np.testing.assert_allclose(real[0], [50_000, 52_000, 54_080, 54_620.8, 55_167.008, 0.0])


def test_breaks_zero_or_reduce_pay_then_pay_returns_to_the_profile():
    saver = ak.Participant(age=28, salary=50_000, deferral_rate=0.05, retirement_age=40)
    flat = PayPath(real_growth_by_age=((16, 0.04),), inflation=False)
    prices = np.ones((1, 8))
    base = salary_paths(saver, flat, prices)[0]
    broken = salary_paths(saver, flat.replace(breaks=((30, 32, 0.0), (33, 34, 0.5))), prices)[0]
    # Ages 28..35: zero at 30 and 31, half at 33, the profile elsewhere (50,000 * 1.04 ** t).
    np.testing.assert_array_equal(broken, base * [1, 1, 0, 0, 1, 0.5, 1, 1])
    np.testing.assert_allclose(base[4], 50_000 * 1.04**4, rtol=1e-14)


def test_shocks_have_the_stated_log_volatility():
    saver = ak.Participant(age=30, salary=60_000, deferral_rate=0.05)
    sigma, n = 0.08, 20_000
    path = PayPath(real_growth_by_age=(), shock_volatility=sigma, inflation=False)
    pay = salary_paths(saver, path, np.ones((n, 4)), root=123)
    assert np.all(pay[:, 0] == 60_000.0)  # no shock in year 0
    steps = np.diff(np.log(pay), axis=1)  # sigma * z, (n, 3)
    se_std = sigma / math.sqrt(2 * (n - 1))
    for t in range(3):
        assert abs(steps[:, t].std(ddof=1) - sigma) < 4 * se_std
        assert abs(steps[:, t].mean()) < 4 * sigma / math.sqrt(n)
    # Permanent: the log pay's variance grows like sigma**2 * t.
    var3 = np.log(pay[:, 3] / 60_000).var(ddof=1)
    assert abs(var3 - 3 * sigma**2) < 4 * 3 * sigma**2 * math.sqrt(2 / (n - 1))


def test_shorter_horizon_is_a_prefix_bit_for_bit():
    saver = ak.Participant(age=30, salary=60_000, deferral_rate=0.05)
    path = PayPath(shock_volatility=0.1)
    prices = np.cumprod(1.0 + np.random.default_rng(1).uniform(0, 0.05, (50, 10)), axis=1)
    long = salary_paths(saver, path, prices, root=5)
    short = salary_paths(saver, path, prices[:, :5], root=5)
    np.testing.assert_array_equal(short, long[:, :5])


def test_chunks_equal_one_big_run_bit_for_bit():
    saver = ak.Participant(age=30, salary=60_000, deferral_rate=0.05)
    path = PayPath(shock_volatility=0.07, breaks=((35, 36, 0.5),))
    prices = np.cumprod(1.0 + np.random.default_rng(2).uniform(0, 0.05, (2_500, 8)), axis=1)
    root = np.random.SeedSequence(9)
    whole = salary_paths(saver, path, prices, root=root)
    parts = [
        salary_paths(saver, path, prices[lo:hi], root=root, first_scenario=lo)
        for lo, hi in [(0, 700), (700, 1_500), (1_500, 2_500)]
    ]
    np.testing.assert_array_equal(np.concatenate(parts), whole)


def test_pay_path_round_trips_through_json():
    path = PayPath(shock_volatility=0.05, breaks=((30, 32, 0.0),))
    assert PayPath.model_validate_json(path.model_dump_json()) == path


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"real_growth_by_age": ((30, 0.1), (20, 0.1))}, r"strictly increasing; got 20 after 30"),
        (
            {"real_growth_by_age": ((30, 0.5),)},
            r"real_growth_by_age\.0\.1\n.*less than or equal to 0.2",
        ),
        (
            {"real_growth_by_age": ((10, 0.01),)},
            r"real_growth_by_age\.0\.0\n.*greater than or equal to 16",
        ),
        ({"breaks": ((30, 30, 0.0),)}, r"to_age must be greater than from_age \(30\); got 30"),
        ({"breaks": ((30, 40, 0.0), (35, 45, 0.5))}, r"must not overlap: .* age 35 .* age 40"),
        ({"breaks": ((30, 40, 1.5),)}, r"breaks\.0\.2\n.*less than or equal to 1"),
        ({"shock_volatility": -0.1}, r"shock_volatility\n.*greater than or equal to 0"),
    ],
)
def test_pay_path_bad_input(kwargs, match):
    with pytest.raises(ValidationError, match=match):
        PayPath(**kwargs)


@pytest.mark.parametrize(
    ("prices", "kwargs", "match"),
    [
        (np.ones(3), {}, r"price_level must have shape \(n_scenarios, n_years\); got shape \(3,\)"),
        (np.array([[1.0, -1.0]]), {}, r"price_level must be finite and > 0; got -1.0"),
        (
            np.ones((1, 2)),
            {"first_scenario": -1},
            r"first_scenario must be an integer >= 0; got -1",
        ),
    ],
)
def test_salary_paths_bad_input(prices, kwargs, match):
    saver = ak.Participant(age=30, salary=60_000, deferral_rate=0.05)
    with pytest.raises(ValueError, match=match):
        salary_paths(saver, PayPath(), prices, **kwargs)
