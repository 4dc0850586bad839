"""Tests of alt401k.adoption: uncertain parameters, adoption curves, reversal, channels."""

from __future__ import annotations

import copy
import inspect
import itertools
import math
import pickle

import numpy as np
import pytest
from pydantic import BaseModel, ValidationError

from alt401k.adoption import (
    NO_REVERSAL,
    PLAN_SIZE_SEGMENTS,
    ActiveChannel,
    Bass,
    Beta,
    Curve,
    CurveField,
    DefaultChannel,
    Fixed,
    Logistic,
    Normal,
    Rebalancing,
    Reversal,
    Triangular,
    Uniform,
    as_curve,
    as_rebalancing,
    check_uncertain_range,
    crypto_opt_in_curve,
    crypto_sponsor_curves,
    private_markets_sponsor_curves,
    sample_parameter,
)

ROOT = np.random.SeedSequence(20250807)
N = 20_000

DISTRIBUTIONS = [
    Uniform(0.02, 0.10),
    Triangular(0.0, 0.02, 0.10),
    Normal(0.05, 0.03, low=0.0, high=0.2),
    Normal(0.5, 0.1),
    Beta(2.0, 5.0),
    Beta(2.0, 2.0, low=0.05, high=0.25),
]


def bass_textbook(t: float, p: float, q: float, m: float) -> float:
    """F(t) in the (q/p) form of Bass (1969), by hand."""
    e = math.exp(-(p + q) * t)
    return m * (1.0 - e) / (1.0 + (q / p) * e)


# --------------------------------------------------------------------------- closed forms
@pytest.mark.parametrize("t", [0.0, 1.0, 2.5, 10.0, 40.0])
def test_bass_matches_textbook_form(t: float) -> None:
    curve = Bass(p=0.01, q=0.25, ceiling=0.1)
    assert curve.cumulative(t) == pytest.approx(bass_textbook(t, 0.01, 0.25, 0.1), rel=1e-12)


def test_bass_hand_values_and_limits() -> None:
    curve = Bass(0.01, 0.25, 0.1)
    # e^-0.26 = 0.7710515858; 0.1 * 0.2289484142 / (1 + 25 * 0.7710515858)
    assert curve.cumulative(1.0) == pytest.approx(0.00112914, abs=1e-8)
    # e^-2.6 = 0.0742735782; 0.1 * 0.9257264218 / (1 + 25 * 0.0742735782)
    assert curve.cumulative(10.0) == pytest.approx(0.03240387, abs=1e-8)
    assert curve.cumulative(np.inf) == pytest.approx(0.1, rel=1e-15)
    assert curve.cumulative(500.0) == pytest.approx(0.1, rel=1e-12)
    half = math.log(2 + 0.25 / 0.01) / 0.26
    assert curve.cumulative(half) == pytest.approx(0.05, rel=1e-12)


def test_bass_edge_parameters() -> None:
    t = np.array([0.0, 1.0, 10.0, np.inf])
    np.testing.assert_array_equal(Bass(p=0.0, q=0.3, ceiling=0.5).cumulative(t), 0.0)
    np.testing.assert_array_equal(Bass(p=0.0, q=0.0, ceiling=0.5).cumulative(t), 0.0)
    pure_innovation = Bass(p=0.2, q=0.0, ceiling=0.5).cumulative(t)
    np.testing.assert_allclose(pure_innovation, 0.5 * (1 - np.exp(-0.2 * t)), rtol=1e-14)


def test_logistic_starts_at_zero_and_reaches_ceiling() -> None:
    curve = Logistic(ceiling=0.08, midpoint=2.0, steepness=1.0)
    assert curve.cumulative(0.0) == 0.0
    assert curve.cumulative(np.inf) == pytest.approx(0.08, rel=1e-15)
    l0, l1 = 1 / (1 + math.e**2), 1 / (1 + math.e)
    assert curve.cumulative(1.0) == pytest.approx(0.08 * (l1 - l0) / (1 - l0), rel=1e-12)
    assert curve.cumulative(1.0) == pytest.approx(0.0136003, abs=1e-7)
    assert Logistic(0.5, 0.0, 2.0).cumulative(1.0) == pytest.approx(
        0.5 * (2 / (1 + math.exp(-2.0)) - 1), rel=1e-12
    )


def test_fixed_is_flat_from_year_zero() -> None:
    curve = Fixed(0.3)
    np.testing.assert_array_equal(curve.cumulative([0.0, 0.5, 7.0, np.inf]), 0.3)
    np.testing.assert_array_equal(curve.year_shares(ROOT, "a", 0, 4, 5), np.full((4, 5), 0.3))


@pytest.mark.parametrize(
    "curve", [Fixed(0.2), Logistic(0.3, 4.0, 0.7), Bass(0.02, 0.3, 0.6), Bass(0.0, 0.3, 0.6)]
)
def test_year_shares_is_cumulative_at_year_end(curve: Curve) -> None:
    shares = curve.year_shares(ROOT, "sponsor", 3, 10, 12)
    expected = curve.cumulative(np.arange(1, 13))
    assert shares.shape == (7, 12)
    np.testing.assert_array_equal(shares, np.broadcast_to(expected, (7, 12)))
    np.testing.assert_array_equal(curve.mean_path(12), expected)
    grid = curve.cumulative(np.linspace(0, 60, 601))
    assert np.all(np.diff(grid) >= 0)
    assert np.all((grid >= 0) & (grid <= 1))


def test_uncertain_curve_paths_use_each_scenarios_draws() -> None:
    curve = Bass(p=Uniform(0.005, 0.015), q=0.25, ceiling=Beta(2, 8, high=0.3))
    draws = curve.parameter_draws(ROOT, "crypto", 0, 50)
    assert set(draws) == {"p", "q", "ceiling"}
    np.testing.assert_array_equal(draws["q"], 0.25)
    shares = curve.year_shares(ROOT, "crypto", 0, 50, 8)
    for s in (0, 17, 49):
        fixed = Bass(p=draws["p"][s], q=0.25, ceiling=draws["ceiling"][s])
        np.testing.assert_allclose(shares[s], fixed.cumulative(np.arange(1, 9)), rtol=1e-14)
    at_means = Bass(p=0.01, q=0.25, ceiling=0.3 * 2 / 10)
    np.testing.assert_allclose(curve.mean_path(8), at_means.cumulative(np.arange(1, 9)))


def test_cumulative_refuses_uncertain_parameters_and_negative_time() -> None:
    with pytest.raises(ValueError, match=r"ceiling is Uniform.*year_shares"):
        Logistic(ceiling=Uniform(0.1, 0.2), midpoint=1.0, steepness=1.0).cumulative(1.0)
    with pytest.raises(ValueError, match="t must be >= 0 years; got -1"):
        Fixed(0.1).cumulative([1.0, -1.0])


# --------------------------------------------------------------------------- uncertain parameters
@pytest.mark.parametrize("dist", DISTRIBUTIONS, ids=repr)
def test_distribution_draws_match_moments_and_support(dist) -> None:
    draws = sample_parameter(dist, root=ROOT, key="x", start=0, stop=N)
    assert draws.shape == (N,)
    lo, hi = dist.support
    assert np.all((draws >= lo) & (draws <= hi))
    se = math.sqrt(dist.variance / N)
    assert abs(draws.mean() - dist.mean) < 4 * se
    assert draws.var() == pytest.approx(dist.variance, rel=0.05)


def test_closed_form_moments() -> None:
    assert Uniform(1, 3).mean == pytest.approx(2) and Uniform(1, 3).variance == pytest.approx(1 / 3)
    assert Triangular(0, 1, 5).mean == pytest.approx(2)
    assert Triangular(0, 1, 5).variance == pytest.approx((25 + 1 - 5) / 18)
    assert Beta(2, 3, low=1, high=3).mean == pytest.approx(1 + 2 * 0.4)
    assert Beta(2, 3).variance == pytest.approx(6 / (25 * 6))
    assert Normal(0.1, 0.02).mean == pytest.approx(0.1)
    # half-normal: mean sd * sqrt(2/pi)
    assert Normal(0.0, 1.0, low=0.0).mean == pytest.approx(math.sqrt(2 / math.pi))
    assert Normal(0.0, 1.0, low=0.0).support == (0.0, math.inf)


def test_float_parameter_is_constant() -> None:
    out = sample_parameter(0.25, root=ROOT, key="x", start=5, stop=9)
    np.testing.assert_array_equal(out, np.full(4, 0.25))
    assert sample_parameter(Uniform(0, 1), root=ROOT, key="x", start=3, stop=3).shape == (0,)


@pytest.mark.parametrize("dist", DISTRIBUTIONS[:3], ids=repr)
def test_draws_identical_across_chunkings(dist) -> None:
    whole = sample_parameter(dist, root=ROOT, key="k", start=0, stop=2500)
    cuts = [0, 1, 700, 1000, 1001, 2300, 2500]
    parts = [
        sample_parameter(dist, root=ROOT, key="k", start=a, stop=b)
        for a, b in itertools.pairwise(cuts)
    ]
    np.testing.assert_array_equal(np.concatenate(parts), whole)
    curve = Bass(p=dist, q=0.3, ceiling=0.5)
    shares = curve.year_shares(ROOT, "c", 0, 2500, 6)
    np.testing.assert_array_equal(curve.year_shares(ROOT, "c", 900, 1200, 6), shares[900:1200])


def test_draws_are_keyed_by_name_not_by_neighbours() -> None:
    one = Bass(p=Uniform(0.0, 0.02), q=0.3, ceiling=Uniform(0.1, 0.2))
    two = Bass(p=Uniform(0.0, 0.02), q=Triangular(0.2, 0.3, 0.4), ceiling=Uniform(0.1, 0.2))
    a, b = one.parameter_draws(ROOT, "s", 0, 3000), two.parameter_draws(ROOT, "s", 0, 3000)
    np.testing.assert_array_equal(a["p"], b["p"])
    np.testing.assert_array_equal(a["ceiling"], b["ceiling"])
    # p and ceiling come from different streams: uncorrelated (|r| < 4 / sqrt(n))
    assert abs(np.corrcoef(a["p"], a["ceiling"])[0, 1]) < 4 / math.sqrt(3000)
    other_key = one.parameter_draws(ROOT, "t", 0, 3000)
    assert not np.array_equal(other_key["p"], a["p"])
    assert abs(np.corrcoef(other_key["p"], a["p"])[0, 1]) < 4 / math.sqrt(3000)


# --------------------------------------------------------------------------- reversal
def test_reversal_certain_and_never() -> None:
    np.testing.assert_array_equal(Reversal(hazard=1.0).reversal_years(ROOT, 0, 100), 0)
    never = Reversal(hazard=0.0).reversal_years(ROOT, 0, 100)
    assert never.dtype == np.int64
    np.testing.assert_array_equal(never, NO_REVERSAL)
    np.testing.assert_array_equal(Reversal(hazard=1e-300).reversal_years(ROOT, 0, 100), NO_REVERSAL)


def test_reversal_years_are_geometric() -> None:
    h = 0.2
    tau = Reversal(hazard=h).reversal_years(ROOT, 0, N)
    assert tau.min() == 0
    se = math.sqrt((1 - h) / h**2 / N)
    assert abs(tau.mean() - (1 - h) / h) < 4 * se
    for k in range(4):
        p = (1 - h) ** k * h
        assert abs(np.mean(tau == k) - p) < 4 * math.sqrt(p * (1 - p) / N)


def test_reversal_years_independent_of_horizon_and_chunking() -> None:
    assert "n_years" not in inspect.signature(Reversal.reversal_years).parameters
    rev = Reversal(hazard=0.1)
    whole = rev.reversal_years(ROOT, 0, 2000)
    assert whole.max() > 50  # beyond any horizon: the draw is not truncated
    parts = [rev.reversal_years(ROOT, a, b) for a, b in [(0, 999), (999, 1500), (1500, 2000)]]
    np.testing.assert_array_equal(np.concatenate(parts), whole)


def test_reversal_with_uncertain_hazard() -> None:
    rev = Reversal(hazard=Uniform(0.0, 0.5), treatment="unwind", unwind_years=2)
    tau = rev.reversal_years(ROOT, 0, N)
    hazard = sample_parameter(rev.hazard, root=ROOT, key="reversal/hazard", start=0, stop=N)
    # P(tau = 0 | h) = h, so P(tau = 0) = E[h] = 0.25
    assert abs(np.mean(tau == 0) - 0.25) < 4 * math.sqrt(0.25 * 0.75 / N)
    assert np.all(tau[hazard == 0.0] == NO_REVERSAL)
    fixed_u = Reversal(hazard=0.25).reversal_years(ROOT, 0, N)
    assert np.all((tau <= fixed_u)[hazard >= 0.25])  # larger hazard, same u: no later


# --------------------------------------------------------------------------- behaviour and channels
@pytest.mark.parametrize(
    ("periods", "expected"),
    [
        (12, {"monthly": 1, "quarterly": 3, "annual": 12, "never": 0}),
        (4, {"monthly": 1, "quarterly": 1, "annual": 4, "never": 0}),
        (52, {"monthly": 4, "quarterly": 13, "annual": 52, "never": 0}),
        (6, {"monthly": 1, "quarterly": 2, "annual": 6, "never": 0}),
        (1, {"monthly": 1, "quarterly": 1, "annual": 1, "never": 0}),
    ],
)
def test_rebalancing_every(periods: int, expected: dict[str, int]) -> None:
    for frequency, every in expected.items():
        assert Rebalancing(frequency=frequency).every(periods) == every


def test_as_rebalancing_and_string_fields() -> None:
    assert as_rebalancing("quarterly") == Rebalancing(frequency="quarterly", fraction=1.0)
    partial = Rebalancing("quarterly", 0.06)
    assert as_rebalancing(partial) is partial
    assert ActiveChannel(rebalancing="annual").rebalancing == Rebalancing("annual")
    assert DefaultChannel().rebalancing.frequency == "monthly"
    assert ActiveChannel().rebalancing.frequency == "never"


def test_default_channel_glide() -> None:
    glide = DefaultChannel(sleeve_share=((30, 0.02), (60, 0.005)))
    np.testing.assert_allclose(
        glide.share_at_age([20, 30, 45, 60, 80]), [0.02, 0.02, 0.0125, 0.005, 0.005]
    )
    flat = DefaultChannel(sleeve_share=0.03).share_at_age(np.zeros((2, 3)))
    np.testing.assert_array_equal(flat, np.full((2, 3), 0.03))


def test_active_channel_opt_in_curve() -> None:
    assert ActiveChannel(opt_in_rate=0.05).opt_in_curve == Fixed(0.05)
    curve = crypto_opt_in_curve()
    assert ActiveChannel(opt_in_rate=curve).opt_in_curve is curve
    assert as_curve(0.4) == Fixed(rate=0.4)
    assert as_curve(curve) is curve


# --------------------------------------------------------------------------- defaults
def test_crypto_sponsor_curves_slow_low_and_larger_plans_first() -> None:
    curves = crypto_sponsor_curves()
    assert list(curves) == list(PLAN_SIZE_SEGMENTS) == ["micro", "small", "mid", "large", "mega"]
    paths = np.array([c.mean_path(30) for c in curves.values()])
    assert np.all(np.diff(paths, axis=0) > 0)  # each year, larger segments ahead
    for curve in curves.values():
        assert curve.ceiling <= 0.15
        half = math.log(2 + curve.q / curve.p) / (curve.p + curve.q)
        assert half > 11.0  # no faster than auto-enrollment (11-16 years)
    pm = private_markets_sponsor_curves()
    for segment, curve in curves.items():
        assert np.all(pm[segment].mean_path(20) > curve.mean_path(20))


def test_crypto_opt_in_curve_values() -> None:
    curve = crypto_opt_in_curve()
    assert curve == Logistic(ceiling=0.08, midpoint=2.0, steepness=1.0)
    assert 0.01 < curve.cumulative(1.0) < 0.09  # between brokerage windows and Roth year-1
    assert curve.cumulative(np.inf) == pytest.approx(0.08)


# --------------------------------------------------------------------------- validation
@pytest.mark.parametrize(
    ("build", "error", "message"),
    [
        (
            lambda: Bass(0.01, 0.25, 1.5),
            ValidationError,
            "ceiling must be between 0 and 1; got 1.5",
        ),
        (lambda: Bass(-0.1, 0.25, 0.1), ValidationError, "p must be >= 0; got -0.1"),
        (lambda: Bass(0.1, -1, 0.1), ValidationError, "q must be >= 0; got -1"),
        (lambda: Bass(0.1, 0.2, math.nan), ValidationError, "ceiling must be a finite number"),
        (lambda: Logistic(0.1, -1, 1), ValidationError, "midpoint must be >= 0; got -1"),
        (lambda: Logistic(0.1, 1, 0), ValidationError, "steepness must be > 0; got 0"),
        (
            lambda: Logistic(0.1, 1, Uniform(0, 1)),
            ValidationError,
            r"steepness must be > 0; got Unif",
        ),
        (
            lambda: Fixed(Uniform(0.5, 1.5)),
            ValidationError,
            r"rate must be between 0 and 1; got Un",
        ),
        (lambda: Fixed(Normal(0.5, 0.1)), ValidationError, r"support \[-inf, inf\]"),
        (lambda: Reversal(2), ValidationError, "hazard must be between 0 and 1; got 2"),
        (lambda: Reversal(treatment="x"), ValidationError, "treatment must be one of 'keep', 'fre"),
        (lambda: Reversal(unwind_years=0), ValidationError, "unwind_years must be an integer >= 1"),
        (lambda: Rebalancing("weekly"), ValidationError, "frequency must be one of 'monthly', 'q"),
        (lambda: Rebalancing(fraction=1.2), ValidationError, "fraction must be between 0 and 1"),
        (lambda: Uniform(0.2, 0.1), ValidationError, "Uniform needs low < high; got low=0.2"),
        (lambda: Uniform(0.0, math.inf), ValidationError, "finite number"),
        (lambda: Triangular(0, 2, 1), ValidationError, "Triangular needs low <= mode <= high"),
        (lambda: Normal(0, 1, low=1, high=0), ValidationError, "Normal needs low < high"),
        (lambda: Normal(0, 0), ValidationError, "greater than 0"),
        (lambda: Beta(0, 1), ValidationError, "greater than 0"),
        (lambda: Beta(1, 1, low=1, high=1), ValidationError, "Beta needs low < high"),
        (lambda: Uniform(0, 1, 2), TypeError, "at most 2 positional arguments"),
        (lambda: Uniform(0, low=1, high=2), TypeError, "got low twice"),
        (lambda: as_curve(1.5), ValueError, "rate must be between 0 and 1; got 1.5"),
        (lambda: as_curve("x"), TypeError, "rate must be a float in"),
        (lambda: as_rebalancing(3), TypeError, "rebalancing must be a frequency string"),
        (lambda: DefaultChannel(sleeve_share=1.5), ValidationError, "sleeve_share must be betwe"),
        (lambda: DefaultChannel(sleeve_share=()), ValidationError, "at least one"),
        (
            lambda: DefaultChannel(sleeve_share=((40, 0.01), (30, 0.02))),
            ValidationError,
            r"ages must be strictly increasing; got \[40, 30\]",
        ),
        (
            lambda: DefaultChannel(sleeve_share=((40, 0.01), (50, 2.0))),
            ValidationError,
            "sleeve_share at age 50 must be between 0 and 1; got 2",
        ),
        (lambda: ActiveChannel(opt_in_rate=1.1), ValidationError, "opt_in_rate must be between 0"),
        (
            lambda: ActiveChannel(allocation_share=Uniform(-0.1, 0.1)),
            ValidationError,
            "allocation_share must be between 0 and 1",
        ),
        (lambda: ActiveChannel(bogus=1), ValidationError, "Extra inputs are not permitted"),
        (lambda: Rebalancing().every(0), ValueError, "periods_per_year must be an integer >= 1"),
        (lambda: Fixed(0.1).year_shares(ROOT, "a", 0, 3, 0), ValueError, "n_years must be an int"),
        (
            lambda: sample_parameter(Uniform(0, 1), root=ROOT, key="a", start=5, stop=2),
            ValueError,
            "stop must be an integer >= 5; got 2",
        ),
        (lambda: check_uncertain_range("p", -0.1, 0, math.inf), ValueError, "p must be >= 0; got"),
    ],
)
def test_validation_messages(build, error, message) -> None:
    with pytest.raises(error, match=message):
        build()


def test_replace_revalidates() -> None:
    normal = Normal(0.05, 0.03, low=0.0, high=0.2)
    assert normal.replace(sd=0.01) == Normal(0.05, 0.01, low=0.0, high=0.2)
    with pytest.raises(ValidationError, match="ceiling must be between 0 and 1; got 2"):
        Bass(0.01, 0.2, 0.1).replace(ceiling=2)


def test_specs_are_frozen() -> None:
    with pytest.raises(ValidationError, match="frozen"):
        Bass(0.01, 0.2, 0.1).p = 0.02  # type: ignore[misc]


# --------------------------------------------------------------------------- serialization
SPECS = [
    *DISTRIBUTIONS,
    Fixed(0.1),
    Fixed(Beta(2, 8)),
    Logistic(0.08, 2.0, 1.0),
    Logistic(Uniform(0.05, 0.1), Triangular(1, 2, 4), Normal(1.0, 0.3, low=0.1)),
    Bass(0.01, 0.25, 0.1),
    Bass(Uniform(0.005, 0.015), 0.25, Beta(2, 8, high=0.3)),
    Reversal(),
    Reversal(Beta(1, 9), "unwind", 5),
    Rebalancing("quarterly", 0.06),
    DefaultChannel(),
    DefaultChannel(sleeve_share=((25, 0.02), (65, 0.0)), rebalancing="quarterly"),
    ActiveChannel(),
    ActiveChannel(opt_in_rate=crypto_opt_in_curve(), allocation_share=Uniform(0.01, 0.05)),
    ActiveChannel(
        opt_in_rate=Bass(0.01, 0.2, 0.05), allocation_share=Normal(0.02, 0.01, low=0, high=0.1)
    ),
]


@pytest.mark.parametrize("spec", SPECS, ids=repr)
def test_json_round_trip(spec) -> None:
    kind = type(spec)
    assert kind.model_validate(spec.model_dump(mode="json")) == spec
    assert kind.model_validate_json(spec.model_dump_json()) == spec


@pytest.mark.parametrize("spec", SPECS, ids=repr)
def test_pickle_and_deepcopy(spec) -> None:
    assert pickle.loads(pickle.dumps(spec)) == spec
    assert copy.deepcopy(spec) == spec
    assert hash(copy.deepcopy(spec)) == hash(spec)


class _Holder(BaseModel):
    tagged: float | CurveField = 1.0
    plain: float | Curve = 1.0


@pytest.mark.parametrize("value", [0.4, Fixed(0.2), crypto_opt_in_curve(), Bass(0.01, 0.2, 0.1)])
def test_curve_fields_round_trip(value) -> None:
    holder = _Holder(tagged=value, plain=value)
    again = _Holder.model_validate(holder.model_dump(mode="json"))
    assert again == holder
    assert type(again.tagged) is type(value) and type(again.plain) is type(value)
