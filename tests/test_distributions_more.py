"""Tests of the LogNormal and Choice distributions and Beta's mean/concentration form."""

from __future__ import annotations

import math

import numpy as np
import pytest
from pydantic import TypeAdapter, ValidationError

import alt401k as ak
from alt401k.adoption import (
    Beta,
    Choice,
    Distribution,
    LogNormal,
    Uncertain,
    check_uncertain_range,
    sample_parameter,
)

ROOT = np.random.SeedSequence(20250808)
N = 20_000

DISTRIBUTIONS = [
    LogNormal(0.2, 0.3),
    LogNormal.from_mean(0.5, 0.2),
    Choice((0.01, 0.02, 0.05), (0.5, 0.3, 0.2)),
    Choice((3.0, -1.0, 7.5)),
    Beta.from_mean(0.3, 10.0),
    Beta.from_mean(0.1, 4.0, low=0.05, high=0.25),
]


@pytest.mark.parametrize("dist", DISTRIBUTIONS, ids=repr)
def test_draws_match_moments_and_support(dist) -> None:
    draws = sample_parameter(dist, root=ROOT, key="x", start=0, stop=N)
    assert draws.shape == (N,)
    lo, hi = dist.support
    assert np.all((draws >= lo) & (draws <= hi))
    se = math.sqrt(dist.variance / N)
    assert abs(draws.mean() - dist.mean) < 4 * se
    # variance of the sample variance: (mu4 - sigma^4) / N
    mu4 = float(np.mean((draws - dist.mean) ** 4))
    se_var = math.sqrt(max(mu4 - dist.variance**2, 0.0) / N)
    assert abs(draws.var() - dist.variance) < 4 * se_var + 1e-15


@pytest.mark.parametrize("dist", DISTRIBUTIONS, ids=repr)
def test_ppf_at_zero_and_one_gives_the_support(dist) -> None:
    ends = dist.ppf(np.array([0.0, 1.0]))
    np.testing.assert_allclose(ends, dist.support)
    u = np.linspace(0.0, 1.0, 101).reshape(1, 101)
    out = dist.ppf(u)
    assert out.shape == u.shape and np.all(np.diff(out) >= 0)


def test_lognormal_closed_forms() -> None:
    d = LogNormal(median=2.0, sigma=0.5)
    assert d.kind == "lognormal"
    assert d.support == (0.0, math.inf)
    assert d.mean == pytest.approx(2.0 * math.exp(0.125))
    assert d.variance == pytest.approx((math.exp(0.25) - 1.0) * 4.0 * math.exp(0.25))
    assert float(d.ppf(np.array([0.5]))[0]) == pytest.approx(2.0)
    m = LogNormal.from_mean(mean=0.08, sd=0.03)
    assert m.mean == pytest.approx(0.08) and math.sqrt(m.variance) == pytest.approx(0.03)


def test_beta_from_mean() -> None:
    b = Beta.from_mean(0.3, 10.0)
    assert (b.a, b.b, b.low, b.high) == pytest.approx((3.0, 7.0, 0.0, 1.0))
    assert b.mean == pytest.approx(0.3)
    assert b.variance == pytest.approx(0.3 * 0.7 / 11.0)
    scaled = Beta.from_mean(1.5, 5.0, low=1.0, high=3.0)
    assert (scaled.a, scaled.b) == pytest.approx((1.25, 3.75))
    assert scaled.mean == pytest.approx(1.5)
    assert scaled.variance == pytest.approx(4.0 * 0.25 * 0.75 / 6.0)
    assert isinstance(b, Beta) and b.kind == "beta"


def test_choice_sorts_normalises_and_defaults() -> None:
    c = Choice((0.05, 0.01, 0.02), (2.0, 5.0, 3.0))
    assert c.kind == "choice"
    assert c.values == (0.01, 0.02, 0.05)
    assert c.weights == pytest.approx((0.5, 0.3, 0.2))
    assert c.mean == pytest.approx(0.5 * 0.01 + 0.3 * 0.02 + 0.2 * 0.05)
    even = Choice([1, 2, 3, 4])
    assert even.weights == pytest.approx((0.25,) * 4)
    assert even.mean == pytest.approx(2.5) and even.variance == pytest.approx(1.25)
    # the cumulative weights decide: [0, .5) -> first, [.5, .8) -> second, [.8, 1] -> third
    u = np.array([0.0, 0.4999, 0.5, 0.7999, 0.8, 0.9999, 1.0])
    np.testing.assert_array_equal(c.ppf(u), [0.01, 0.01, 0.02, 0.02, 0.05, 0.05, 0.05])
    # normalised weights are kept exactly: validating again changes nothing
    assert Choice(c.values, c.weights) == c
    assert Choice((0.1, 0.2, 0.3), (1.0, 1.0, 1.0)) == Choice((0.3, 0.2, 0.1))


def test_choice_zero_weight_values_are_never_drawn() -> None:
    c = Choice((1.0, 2.0, 3.0, 4.0), (0.0, 0.6, 0.4, 0.0))
    assert c.support == (2.0, 3.0)
    np.testing.assert_array_equal(c.ppf(np.array([0.0, 1.0])), [2.0, 3.0])
    draws = sample_parameter(c, root=ROOT, key="zero", start=0, stop=5000)
    assert set(np.unique(draws)) == {2.0, 3.0}
    assert Choice((7.0,)).support == (7.0, 7.0)


def test_choice_returns_only_listed_values_at_their_frequencies() -> None:
    values, weights = (0.01, 0.02, 0.05), (0.5, 0.3, 0.2)
    draws = sample_parameter(Choice(values, weights), root=ROOT, key="c", start=0, stop=N)
    assert set(np.unique(draws)) == set(values)
    for v, w in zip(values, weights, strict=True):
        share = float(np.mean(draws == v))
        assert abs(share - w) < 4 * math.sqrt(w * (1 - w) / N)


def test_draws_keyed_and_chunk_independent() -> None:
    for dist in (LogNormal(1.0, 0.4), Choice((1.0, 2.0, 3.0), (0.2, 0.2, 0.6))):
        whole = sample_parameter(dist, root=ROOT, key="k", start=0, stop=3000)
        part = sample_parameter(dist, root=ROOT, key="k", start=1000, stop=2100)
        np.testing.assert_array_equal(part, whole[1000:2100])
        other = sample_parameter(dist, root=ROOT, key="other", start=0, stop=3000)
        assert not np.array_equal(other, whole)


@pytest.mark.parametrize("dist", DISTRIBUTIONS, ids=repr)
def test_json_round_trip_through_the_discriminator(dist) -> None:
    adapter: TypeAdapter[Uncertain] = TypeAdapter(Uncertain)
    data = adapter.dump_python(dist, mode="json")
    assert data["kind"] == dist.kind
    back = adapter.validate_json(adapter.dump_json(dist))
    assert type(back) is type(dist) and back == dist
    assert TypeAdapter(Distribution).validate_python(data) == dist
    assert isinstance(dist, Distribution)


def test_choice_in_a_scenario_round_trips() -> None:
    scenario = ak.Scenario(allocation_share=Choice((0.01, 0.02, 0.05), (0.5, 0.3, 0.2)))
    data = scenario.model_dump(mode="json")
    assert data["allocation_share"] == {
        "kind": "choice",
        "values": [0.01, 0.02, 0.05],
        "weights": [0.5, 0.3, 0.2],
    }
    back = ak.Scenario.model_validate(data)
    assert back == scenario
    assert isinstance(back.allocation_share, Choice)
    assert ak.Scenario.model_validate_json(scenario.model_dump_json()) == scenario


def test_beta_from_mean_in_a_scenario_round_trips() -> None:
    scenario = ak.Scenario(allocation_share=Beta.from_mean(0.02, 50.0, high=0.05))
    back = ak.Scenario.model_validate(scenario.model_dump(mode="json"))
    assert back == scenario and isinstance(back.allocation_share, Beta)


def test_range_checks_use_the_support() -> None:
    assert check_uncertain_range("x", Choice((0.1, 0.9)), 0.0, 1.0) == Choice((0.1, 0.9))
    with pytest.raises(ValueError, match=r"x must be between 0 and 1; got Choice.*\[0.1, 1.5\]"):
        check_uncertain_range("x", Choice((0.1, 1.5)), 0.0, 1.0)
    with pytest.raises(ValueError, match=r"x must be between 0 and 1; got LogNormal.*inf\]"):
        check_uncertain_range("x", LogNormal(0.1, 0.2), 0.0, 1.0)
    assert check_uncertain_range("x", LogNormal(0.1, 0.2), 0.0, math.inf, low_open=True)
    with pytest.raises(ValidationError, match="allocation_share must be between 0 and 1"):
        ak.Scenario(allocation_share=Choice((0.5, 2.0)))


@pytest.mark.parametrize(
    ("build", "error", "message"),
    [
        (lambda: LogNormal(0, 0.2), ValidationError, "median\n.*greater than 0"),
        (lambda: LogNormal(1, -0.2), ValidationError, "sigma\n.*greater than 0"),
        (lambda: LogNormal(math.inf, 0.2), ValidationError, "finite number"),
        (lambda: LogNormal(1, 1, 2), TypeError, "at most 2 positional arguments"),
        (
            lambda: LogNormal.from_mean(0, 1),
            ValueError,
            "LogNormal.from_mean mean must be > 0; got 0",
        ),
        (
            lambda: LogNormal.from_mean(1, 0),
            ValueError,
            "LogNormal.from_mean sd must be > 0; got 0",
        ),
        (lambda: LogNormal.from_mean(math.nan, 1), ValueError, "mean must be a finite number"),
        (lambda: Choice(()), ValidationError, "values\n.*at least 1 item"),
        (lambda: Choice((1.0, math.nan)), ValidationError, "finite number"),
        (lambda: Choice((1.0, 2.0), (1.0,)), ValidationError, r"one entry per value \(2\); got 1"),
        (
            lambda: Choice((1.0, 2.0), (1.0, -0.5)),
            ValidationError,
            r"weights must be finite numbers >= 0; got -0.5 in weights=\[1.0, -0.5\]",
        ),
        (lambda: Choice((1.0, 2.0), (0.0, 0.0)), ValidationError, "weights must have a sum > 0"),
        (lambda: Choice((1.0, 2.0), (1.0, math.inf)), ValidationError, "got inf"),
        (lambda: Choice((1.0, 1.0)), ValidationError, r"values must be distinct; got values=\[1"),
        (lambda: Choice((1.0,), bogus=1), ValidationError, "Extra inputs are not permitted"),
        (
            lambda: Beta.from_mean(1.2, 10),
            ValueError,
            "Beta.from_mean mean must be strictly between 0 and 1; got 1.2",
        ),
        (lambda: Beta.from_mean(0.0, 10), ValueError, "strictly between 0 and 1; got 0"),
        (
            lambda: Beta.from_mean(0.5, 10, low=1.0, high=2.0),
            ValueError,
            "strictly between 1 and 2; got 0.5",
        ),
        (lambda: Beta.from_mean(0.3, 0), ValueError, "concentration must be > 0; got 0"),
        (lambda: Beta.from_mean(0.3, math.inf), ValueError, "concentration must be a finite"),
        (lambda: Beta.from_mean(0.3, 5, low=1, high=0), ValueError, "needs low < high; got low=1"),
    ],
)
def test_validation_messages(build, error, message) -> None:
    with pytest.raises(error, match=message):
        build()


def test_exports_and_repr() -> None:
    import alt401k.adoption as adoption

    for name in ("LogNormal", "Choice"):
        assert name in adoption.__all__
    assert repr(LogNormal(0.2, 0.3)) == "LogNormal(median=0.2, sigma=0.3)"
    assert repr(Choice((0.1, 0.2))).startswith("Choice(values=(0.1, 0.2)")


def test_lognormal_for_a_positive_knob() -> None:
    from alt401k.adoption import Logistic

    curve = Logistic(ceiling=0.3, midpoint=4.0, steepness=LogNormal(0.8, 0.25))
    shares = curve.year_shares(ROOT, "c", 0, 500, 10)
    assert shares.shape == (500, 10) and np.all((shares >= 0) & (shares <= 0.3))
    assert Logistic.model_validate(curve.model_dump(mode="json")) == curve
