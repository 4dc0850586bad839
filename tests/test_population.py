"""Population: calibration of the synthetic cells, construction, validation, identity."""

import copy
import math
import pickle

import numpy as np
import pandas as pd
import pytest

import alt401k as ak
from alt401k.population import (
    SEGMENT_SHARES,
    SEGMENTS,
    ParticipantCells,
    Population,
    cells_from_participants,
)

BANDS = ["<25", "25-34", "35-44", "45-54", "55-64", "65+"]


@pytest.fixture(scope="module")
def pop() -> Population:
    return Population.synthetic(rng=0)


@pytest.fixture(scope="module")
def report(pop: Population) -> pd.DataFrame:
    return pop.calibration_report()


def rows(report: pd.DataFrame, target: str) -> pd.DataFrame:
    out = report[report["target"] == target]
    assert len(out) > 0, target
    return out


def weighted_median(values: np.ndarray, weights: np.ndarray) -> float:
    order = np.argsort(values, kind="stable")
    cumulative = np.cumsum(weights[order])
    return float(values[order][np.searchsorted(cumulative, 0.5 * cumulative[-1])])


def band_of(age: np.ndarray) -> np.ndarray:
    return np.searchsorted([25, 35, 45, 55, 65], age, side="right")


# --------------------------------------------------------------------------- calibration


def test_totals_are_exact(pop):
    assert pop.n_cells == 2_000
    assert pop.n_participants == pytest.approx(90e6, rel=1e-12)
    assert abs(math.fsum(pop.weight * pop.balance) - 12.5e12) < 1.0
    assert abs(pop.total_assets - 12.5e12) < 1.0


@pytest.mark.parametrize(("n_cells", "assets", "people"), [(300, 1e9, 1e4), (5_000, 9e12, 70e6)])
def test_totals_are_exact_for_other_sizes(n_cells, assets, people):
    pop = Population.synthetic(n_cells, assets, people, rng=3)
    assert pop.n_cells == n_cells
    assert pop.n_participants == pytest.approx(people, rel=1e-12)
    assert abs(pop.total_assets - assets) < 1.0


def test_segment_shares_are_exact(pop):
    assert SEGMENTS == ("micro", "small", "mid", "large", "mega")
    assert set(SEGMENT_SHARES) == set(SEGMENTS)
    assert sum(v[0] for v in SEGMENT_SHARES.values()) == pytest.approx(1.0, abs=1e-12)
    assert sum(v[1] for v in SEGMENT_SHARES.values()) == pytest.approx(1.0, abs=1e-12)
    for s in SEGMENTS:
        cell = pop.segment == s
        people_share, asset_share, _ = SEGMENT_SHARES[s]
        assert pop.weight[cell].sum() / pop.n_participants == pytest.approx(people_share, abs=1e-9)
        assets = np.dot(pop.weight[cell], pop.balance[cell]) / pop.total_assets
        assert assets == pytest.approx(asset_share, abs=1e-9)


def test_people_by_age_within_10_percent(pop, report):
    # Published EBRI/ICI bands, computed here independently of the report.
    def share(low: int, high: int) -> float:
        return pop.weight[(pop.age >= low) & (pop.age < high)].sum() / 90e6

    for (low, high), target in {
        (0, 40): 0.40,
        (40, 50): 0.23,
        (50, 60): 0.23,
        (60, 200): 0.14,
    }.items():
        assert share(low, high) == pytest.approx(target, rel=0.10)
    for target in ("people by age", "people by decade (est.)"):
        assert (rows(report, target)["rel_error"].abs() < 0.10).all()
    assert len(rows(report, "people by decade (est.)")) == 6


def test_balance_profile_within_10_percent(pop, report):
    has_mean = np.array([5_236, 30_017, 76_354, 142_069, 207_874, 232_710], dtype=float)
    band = band_of(pop.age)
    people = np.bincount(band, weights=pop.weight, minlength=6)
    target = has_mean / (np.dot(people, has_mean) / people.sum())
    overall = pop.total_assets / pop.n_participants
    for b in range(6):
        cell = band == b
        model = np.average(pop.balance[cell], weights=pop.weight[cell]) / overall
        assert model == pytest.approx(target[b], rel=0.10), BANDS[b]
    profile = rows(report, "balance profile")
    assert list(profile["band"]) == BANDS
    assert (profile["rel_error"].abs() < 0.10).all()


def test_balances_are_roughly_lognormal_within_band(report):
    # Median / mean ratio of HAS bands, within 20%: a check of shape, not a target.
    assert (rows(report, "balance median / mean")["rel_error"].abs() < 0.20).all()


def test_pay_by_age_within_10_percent(pop, report):
    bls = 52 * np.array([760, 1_139, 1_351, 1_362, 1_296, 1_198], dtype=float)
    band = band_of(pop.age)
    for b in range(6):
        cell = (band == b) & pop.working
        assert weighted_median(pop.salary[cell], pop.weight[cell]) == pytest.approx(
            bls[b], rel=0.10
        )
    assert (rows(report, "pay by age")["rel_error"].abs() < 0.10).all()


def test_deferral_by_age_within_10_percent(pop, report):
    has = np.array([0.055, 0.068, 0.073, 0.079, 0.093, 0.101])
    band = band_of(pop.age)
    for b in range(6):
        cell = (band == b) & pop.working
        model = np.average(pop.deferral_rate[cell], weights=pop.weight[cell])
        assert model == pytest.approx(has[b], rel=0.10)
    assert (rows(report, "deferral by age")["rel_error"].abs() < 0.10).all()


def test_behaviour_shares(pop):
    people = pop.n_participants
    assert pop.weight[pop.working].sum() / people == pytest.approx(0.80, abs=0.02)
    assert pop.weight[pop.default_investor].sum() / people == pytest.approx(0.58, abs=0.02)
    roth = pop.roth_fraction > 0
    assert pop.weight[roth].sum() / people == pytest.approx(0.18, abs=0.02)
    # Working falls with age; nobody 70 or over works; the young default more.
    band = band_of(pop.age)
    working_by_band = [
        np.average(pop.working[band == b], weights=pop.weight[band == b]) for b in range(6)
    ]
    assert working_by_band[5] < working_by_band[4] < working_by_band[2]
    assert not pop.working[pop.age >= 70].any()
    default_young = np.average(pop.default_investor[band == 0], weights=pop.weight[band == 0])
    default_old = np.average(pop.default_investor[band == 5], weights=pop.weight[band == 5])
    assert default_young > default_old


def test_cell_columns_follow_the_rules(pop):
    assert pop.age.dtype.kind == "i"
    assert (pop.age >= 18).all() and (pop.age <= 84).all()
    assert len(np.unique(pop.age)) == 60
    roth = pop.roth_fraction > 0
    np.testing.assert_array_equal(pop.roth_fraction[roth], 1.0)
    np.testing.assert_allclose(pop.roth_balance[roth], 0.3 * pop.balance[roth], rtol=1e-15)
    np.testing.assert_array_equal(pop.roth_balance[~roth], 0.0)
    assert (pop.retirement_age == 65).all()
    assert (pop.salary_growth == 0.035).all()
    np.testing.assert_allclose(pop.prior_year_wages, pop.salary / 1.035, rtol=1e-15)
    # Cells not working have no pay and no deferral; working cells have both.
    assert (pop.salary[~pop.working] == 0).all() and (pop.deferral_rate[~pop.working] == 0).all()
    assert (pop.salary[pop.working] > 0).all() and (pop.deferral_rate[pop.working] > 0).all()
    assert (pop.weight > 0).all() and (pop.balance > 0).all()


def test_few_engine_groups(pop):
    cohort = (pop.start_year - pop.age) // 5
    groups = set(zip(pop.segment, pop.default_investor, cohort, pop.working, strict=True))
    assert len(groups) <= 220
    assert len(set(cohort)) == 12


def test_report_columns(report):
    assert list(report.columns) == ["target", "band", "model", "calibration", "rel_error", "source"]
    assert report["source"].str.len().min() > 0
    for target in ("participants", "assets", "segment participant share", "segment asset share"):
        assert (rows(report, target)["rel_error"].abs() < 1e-9).all()


def test_report_of_a_single_saver_has_empty_bands():
    p = ak.Participant(age=40, salary=80_000, balance=50_000, deferral_rate=0.06)
    report = Population.from_participant(p).calibration_report()
    pay = rows(report, "pay by age").set_index("band")
    assert pay.loc["35-44", "model"] == 80_000
    assert np.isnan(pay.loc["<25", "model"]) and np.isnan(pay.loc["<25", "rel_error"])


# --------------------------------------------------------------------------- seeding


def test_same_seed_same_population():
    a = Population.synthetic(500, rng=7)
    assert a == Population.synthetic(500, rng=7)
    assert a == Population.synthetic(500, rng=np.random.SeedSequence(7))
    assert hash(a) == hash(Population.synthetic(500, rng=7))


def test_different_seeds_differ():
    a, b = Population.synthetic(500, rng=1), Population.synthetic(500, rng=2)
    assert a != b
    assert not np.array_equal(a.balance, b.balance)
    # Both still calibrated.
    assert a.total_assets == pytest.approx(b.total_assets, abs=1.0)


def test_start_year_aligns_ages_with_birth_cohorts():
    for year in (2024, 2026, 2028):
        pop = Population.synthetic(400, start_year=year, rng=0)
        youngest_birth_year = year - pop.age.min()
        assert youngest_birth_year % 5 == 4
        assert pop.start_year == year


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"n_cells": 299}, r"n_cells must be an integer between 300 and 1000000; got 299"),
        ({"n_cells": 2_000_000}, r"n_cells must be an integer between 300"),
        ({"n_cells": 500.5}, r"n_cells must be an integer"),
        ({"total_assets": 0.0}, r"total_assets must be a finite number > 0; got 0.0"),
        ({"total_assets": math.inf}, r"total_assets must be a finite number > 0"),
        ({"n_participants": -1.0}, r"n_participants must be a finite number > 0; got -1.0"),
        ({"start_year": 2000}, r"start_year must be an integer between 2024 and 2150"),
    ],
)
def test_synthetic_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        Population.synthetic(**kwargs)


def test_synthetic_rejects_bad_rng():
    with pytest.raises(TypeError, match="rng must be None"):
        Population.synthetic(rng="seed")


# --------------------------------------------------------------------------- frames


def small_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "age": [30, 45, 70],
            "salary": [50_000.0, 90_000.0, 0.0],
            "balance": [10_000.0, 200_000.0, 300_000.0],
            "weight": [1.5, 2.0, 1.0],
        },
        index=[10, 11, 12],
    )


def test_frame_round_trip(pop):
    frame = pop.to_frame()
    assert list(frame.columns[:4]) == ["age", "salary", "balance", "weight"]
    assert len(frame) == pop.n_cells
    assert frame.attrs["start_year"] == 2026
    back = Population.from_frame(frame)
    assert back == pop and hash(back) == hash(pop)
    other_year = Population.synthetic(400, start_year=2030, rng=1)
    assert Population.from_frame(other_year.to_frame()) == other_year


def test_from_frame_defaults():
    frame = small_frame()
    before = frame.copy()
    pop = Population.from_frame(frame)
    pd.testing.assert_frame_equal(frame, before)  # the input is not modified
    np.testing.assert_array_equal(pop.deferral_rate, [0.068, 0.079, 0.101])
    np.testing.assert_array_equal(pop.working, [True, True, False])
    np.testing.assert_array_equal(pop.segment, ["large"] * 3)
    np.testing.assert_array_equal(pop.retirement_age, [65] * 3)
    np.testing.assert_array_equal(pop.roth_balance, 0.0)
    np.testing.assert_array_equal(pop.roth_fraction, 0.0)
    assert not pop.default_investor.any()
    np.testing.assert_array_equal(pop.salary_growth, 0.035)
    np.testing.assert_allclose(pop.prior_year_wages, frame["salary"] / 1.035, rtol=1e-15)
    assert pop.start_year == 2026
    assert pop.n_participants == 4.5
    assert pop.total_assets == 1.5 * 10_000 + 2 * 200_000 + 300_000


def test_from_frame_optional_columns():
    frame = small_frame().assign(
        retirement_age=[67, 67, 75],
        segment=["micro", "mega", "mid"],
        working=[1, 0, 1],
        salary_growth=0.02,
        roth_balance=[1_000.0, 0.0, 300_000.0],
    )
    pop = Population.from_frame(frame, start_year=2030)
    np.testing.assert_array_equal(pop.working, [True, False, True])
    np.testing.assert_array_equal(pop.segment, ["micro", "mega", "mid"])
    np.testing.assert_allclose(pop.prior_year_wages, frame["salary"] / 1.02, rtol=1e-15)
    assert pop.start_year == 2030


@pytest.mark.parametrize(
    ("change", "match"),
    [
        (
            lambda f: f.drop(columns="salary"),
            r"missing required column 'salary'; required columns are age, salary, balance, weight",
        ),
        (lambda f: f.assign(pay=1.0), r"unknown column 'pay'; allowed columns are age, salary"),
        (
            lambda f: f.assign(salary=["1", "x", "3"]),
            r"column 'salary' must be numeric, a finite number >= 0; got 'x' at row 11",
        ),
        (
            lambda f: f.assign(balance=[1.0, 2.0, np.nan]),
            r"column 'balance' must be a finite number >= 0; got nan at row 12",
        ),
        (
            lambda f: f.assign(salary=[1.0, np.inf, 2.0]),
            r"column 'salary' must be a finite number >= 0; got inf at row 11",
        ),
        (
            lambda f: f.assign(balance=[1.0, -5.0, 2.0]),
            r"column 'balance' must be a finite number >= 0; got -5.0 at row 11",
        ),
        (
            lambda f: f.assign(weight=[1.0, -1.0, 1.0]),
            r"column 'weight' must be a finite number > 0; got -1.0 at row 11",
        ),
        (
            lambda f: f.assign(weight=[0.0, 1.0, 1.0]),
            r"column 'weight' must be a finite number > 0; got 0.0 at row 10",
        ),
        (
            lambda f: f.assign(roth_balance=[0.0, 300_000.0, 0.0]),
            r"column 'roth_balance' must be between 0 and balance \(200000\); got 300000 at row 11",
        ),
        (
            lambda f: f.assign(segment=["mega", "mega", "huge"]),
            r"column 'segment' must be one of micro, small, mid, large, mega; got 'huge' at row 12",
        ),
        (
            lambda f: f.assign(age=[30, 120, 40]),
            r"column 'age' must be an integer between 16 and 110; got 120 at row 11",
        ),
        (
            lambda f: f.assign(age=[15, 30, 40]),
            r"column 'age' must be an integer between 16 and 110; got 15 at row 10",
        ),
        (
            lambda f: f.assign(age=[30.5, 30, 40]),
            r"column 'age' must be an integer between 16 and 110; got 30.5 at row 10",
        ),
        (
            lambda f: f.assign(deferral_rate=[0.1, 1.5, 0.1]),
            r"column 'deferral_rate' must be a number between 0 and 1; got 1.5 at row 11",
        ),
        (
            lambda f: f.assign(retirement_age=[65, 65, 101]),
            r"column 'retirement_age' must be an integer between 17 and 100; got 101 at row 12",
        ),
        (
            lambda f: f.assign(working=[1, 2, 0]),
            r"column 'working' must be a boolean \(True/False or 1/0\); got 2 at row 11",
        ),
        (
            lambda f: f.assign(salary=[True, False, True]),
            r"column 'salary' must be numeric, a finite number >= 0; got True at row 10",
        ),
        (lambda f: f.iloc[:0], r"frame must have at least one row; got 0"),
    ],
)
def test_from_frame_errors(change, match):
    frame = change(small_frame())
    with pytest.raises(ValueError, match=match):
        Population.from_frame(frame)


def test_from_frame_needs_a_frame():
    with pytest.raises(TypeError, match="frame must be a pandas DataFrame; got dict"):
        Population.from_frame({"age": [30]})


# --------------------------------------------------------------------------- participants


def test_from_participant_fields():
    p = ak.Participant(
        age=52,
        salary=120_000,
        balance=300_000,
        roth_balance=50_000,
        deferral_rate=0.1,
        roth_fraction=0.25,
        retirement_age=67,
        start_year=2027,
    )
    pop = Population.from_participant(p)
    assert pop.n_cells == 1 and pop.n_participants == 1.0 and pop.start_year == 2027
    assert pop.age[0] == 52 and pop.salary[0] == 120_000 and pop.balance[0] == 300_000
    assert pop.roth_balance[0] == 50_000 and pop.deferral_rate[0] == 0.1
    assert pop.roth_fraction[0] == 0.25 and pop.retirement_age[0] == 67
    assert pop.working[0] and not pop.default_investor[0] and pop.segment[0] == "large"
    assert pop.prior_year_wages[0] == pytest.approx(120_000 / 1.035, rel=1e-15)


def test_from_participants_weights():
    people = [
        ak.Participant(age=30, salary=50_000, deferral_rate=0.05),
        ak.Participant(age=60, salary=90_000, balance=10_000, deferral_rate=0.1),
    ]
    pop = Population.from_participants(people, weights=[3.0, 2.0])
    assert pop.n_participants == 5.0 and pop.total_assets == 20_000
    with pytest.raises(ValueError, match=r"weights must have shape \(2,\)"):
        Population.from_participants(people, weights=[1.0])
    with pytest.raises(ValueError, match=r"column 'weight' must be a finite number > 0"):
        Population.from_participants(people, weights=[1.0, 0.0])
    with pytest.raises(ValueError, match="participants must share one start_year"):
        Population.from_participants([people[0], people[1].replace(start_year=2030)])


def test_cells_view(pop):
    cells = pop.cells()
    assert isinstance(cells, ParticipantCells)
    assert cells.n_cells == pop.n_cells
    np.testing.assert_array_equal(cells.age, pop.age)
    np.testing.assert_array_equal(cells.weight, pop.weight)
    np.testing.assert_array_equal(cells.working, pop.working)
    assert cells.working.dtype == bool and cells.age.dtype == float
    cells.balance[0] = -1.0  # the view is a copy
    assert pop.balance[0] > 0


def test_cells_from_participants_are_working():
    p = ak.Participant(age=40, salary=1.0, deferral_rate=0.0)
    cells = cells_from_participants([p, p])
    np.testing.assert_array_equal(cells.working, [True, True])
    np.testing.assert_array_equal(cells.weight, [1.0, 1.0])


# --------------------------------------------------------------------------- variants


def test_scaled_is_exact(pop):
    half = pop.scaled(6.25e12)
    assert abs(half.total_assets - 6.25e12) < 1.0
    np.testing.assert_allclose(half.balance, pop.balance / 2, rtol=1e-14)
    np.testing.assert_allclose(half.roth_balance, pop.roth_balance / 2, rtol=1e-14)
    np.testing.assert_array_equal(half.weight, pop.weight)
    assert abs(pop.scaled(13.9e12).total_assets - 13.9e12) < 1.0
    assert pop.scaled(0.0).total_assets == 0.0
    with pytest.raises(ValueError, match="total_assets must be a finite number >= 0; got -1"):
        pop.scaled(-1.0)
    with pytest.raises(ValueError, match="cannot scale a population whose total_assets is 0"):
        pop.scaled(0.0).scaled(1.0)


def test_subset(pop):
    part = pop.subset(np.array([5, 0, 5]))
    assert part.n_cells == 3 and part.start_year == pop.start_year
    assert part.age[0] == pop.age[5] and part.balance[1] == pop.balance[0]
    assert pop.subset(np.arange(pop.n_cells)) == pop
    with pytest.raises(ValueError, match="index must be between -2000 and 1999; got 2000"):
        pop.subset(np.array([2000]))
    with pytest.raises(ValueError, match="index must be a non-empty one-dimensional array"):
        pop.subset(np.array([], dtype=int))
    with pytest.raises(ValueError, match="index must be a non-empty one-dimensional array"):
        pop.subset(np.array([0.5]))


# --------------------------------------------------------------------------- identity


def test_pickle_and_deepcopy(pop):
    for copied in (pickle.loads(pickle.dumps(pop)), copy.deepcopy(pop)):
        assert copied == pop and copied is not pop
        assert hash(copied) == hash(pop)
        assert not copied.balance.flags.writeable


def test_frozen_and_read_only(pop):
    with pytest.raises(AttributeError):
        pop.balance = pop.balance  # type: ignore[misc]
    with pytest.raises(ValueError, match="read-only"):
        pop.balance[0] = 1.0


def test_constructor_copies_its_input():
    frame = small_frame()
    columns = {c: frame[c].to_numpy().copy() for c in frame.columns}
    pop = Population.from_frame(frame)
    args = {c: getattr(pop, c) for c in pop.to_frame().columns} | {"balance": columns["balance"]}
    made = Population(**args)
    columns["balance"][0] = 99.0
    assert made.balance[0] == 10_000.0


def test_eq_and_hash(pop):
    other = pop.scaled(pop.total_assets * 1.01)
    assert pop != other and hash(pop) != hash(other)
    assert pop == pop.subset(np.arange(pop.n_cells))
    assert pop != "population"
    assert len({pop, copy.deepcopy(pop)}) == 1
    # Equal columns built from -0.0 and 0.0 hash equal.
    a = Population.from_frame(small_frame().assign(salary=[0.0, 1.0, 2.0]))
    b = Population.from_frame(small_frame().assign(salary=[-0.0, 1.0, 2.0]))
    assert a == b and hash(a) == hash(b)


def test_repr(pop):
    text = repr(pop)
    assert (
        text == "Population(n_cells=2,000, people=90,000,000, total_assets=$12.5T, start_year=2026)"
    )


def test_segment_column_is_str(pop):
    assert pop.segment.dtype.kind == "U"
    assert set(pop.segment) == set(SEGMENTS)
