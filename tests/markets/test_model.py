"""Tests of the market specification, the lognormal sampler and ReturnPaths."""

from __future__ import annotations

import itertools
import math
import re
from decimal import Decimal, localcontext

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from alt401k._warnings import Alt401kWarning
from alt401k.markets import (
    AssetClass,
    InflationModel,
    MarketModel,
    ReturnPaths,
    lognormal_params,
)

# --------------------------------------------------------------------- fixtures


def _asset(name: str, mu: float, sigma: float, **kw: object) -> AssetClass:
    return AssetClass(name=name, expected_return=mu, volatility=sigma, source="test", **kw)


#: (name, mean, vol): an equity, a bond and a bitcoin-like high-volatility asset.
THREE = (("equity", 0.079, 0.165), ("bonds", 0.049, 0.048), ("coin", 0.15, 0.55))
RHO = np.array([[1.0, 0.30, 0.45], [0.30, 1.0, 0.10], [0.45, 0.10, 1.0]])


@pytest.fixture(scope="module")
def three() -> MarketModel:
    return MarketModel(assets=[_asset(*a) for a in THREE], correlation=RHO)


def _two_assets(**corr_kw: object) -> dict[str, object]:
    return {"assets": [_asset("a", 0.05, 0.1), _asset("b", 0.07, 0.2)], **corr_kw}


# ------------------------------------------------------ analytic lognormal moments


def _standardized_moment(v: np.ndarray, c: np.ndarray, i: int, j: int, a: int, b: int) -> float:
    """E[x^a y^b] for x, y the standardized annual gross returns of assets i, j.

    With W = G / E[G] (mean 1, std v), log W ~ N(-C_ii/2, C_ii) and
    E[W_i^p W_j^q] = exp(p(p-1) C_ii/2 + q(q-1) C_jj/2 + p q C_ij), where
    C = annual log covariance; central moments follow binomially.
    """

    def raw(p: int, q: int) -> float:
        return math.exp(p * (p - 1) * c[i, i] / 2 + q * (q - 1) * c[j, j] / 2 + p * q * c[i, j])

    central = sum(
        math.comb(a, k) * math.comb(b, m) * raw(k, m) * (-1.0) ** (a - k + b - m)
        for k in range(a + 1)
        for m in range(b + 1)
    )
    return central / (v[i] ** a * v[j] ** b)


def _annual_log_cov(mu: np.ndarray, sigma: np.ndarray, rho: np.ndarray) -> np.ndarray:
    v = sigma / (1 + mu)
    return np.log1p(rho * np.outer(v, v))


# ------------------------------------------------------------------ the moments


def test_annual_moments_match_within_standard_errors(three: MarketModel) -> None:
    n_scenarios, n_years = 20_000, 2
    paths = three.sample(n_scenarios, n_years, rng=20260101)
    # Periods are iid, so the S x Y annual returns are N independent draws.
    annual = paths.annual_returns().reshape(-1, 3)
    n = annual.shape[0]
    mu, sigma, rho = three.expected_returns, three.volatilities, three.correlation_matrix
    v = sigma / (1 + mu)
    c = _annual_log_cov(mu, sigma, rho)

    for i in range(3):
        # Mean: SE = sigma / sqrt(N).
        se_mean = sigma[i] / math.sqrt(n)
        assert abs(annual[:, i].mean() - mu[i]) < 4 * se_mean
        # Std: Var(s^2) ~ (mu4 - sigma^4)/N, so by the delta method
        # SE(s) = sigma sqrt(kappa - 1) / (2 sqrt(N)), kappa the lognormal's
        # exact (non-excess) kurtosis -- about 7.5 for the coin, 3.0 for bonds.
        kappa = _standardized_moment(v, c, i, i, 4, 0)
        se_std = sigma[i] * math.sqrt(kappa - 1) / (2 * math.sqrt(n))
        assert abs(annual[:, i].std(ddof=1) - sigma[i]) < 4 * se_std

    for i, j in ((0, 1), (0, 2), (1, 2)):
        r = rho[i, j]
        # Asymptotic variance of Pearson's r for non-normal data, from the
        # exact standardized moments mu_ab of the bivariate lognormal:
        # N Var(r) = r^2/4 (mu40 + 2 mu22 + mu04) - r (mu31 + mu13) + mu22,
        # which is (1 - r^2)^2 for normal data.
        mom = {
            (a, b): _standardized_moment(v, c, i, j, a, b)
            for a, b in ((4, 0), (0, 4), (2, 2), (3, 1), (1, 3))
        }
        n_var = (
            r**2 / 4 * (mom[4, 0] + 2 * mom[2, 2] + mom[0, 4])
            - r * (mom[3, 1] + mom[1, 3])
            + mom[2, 2]
        )
        assert n_var >= (1 - r**2) ** 2 * 0.5  # sanity: same order as the normal SE
        se_corr = math.sqrt(n_var / n)
        sample_r = np.corrcoef(annual[:, i], annual[:, j])[0, 1]
        assert abs(sample_r - r) < 4 * se_corr


def test_inflation_moments_match_within_standard_errors(three: MarketModel) -> None:
    paths = three.sample(20_000, 2, rng=7)
    annual = paths.annual_inflation().ravel()
    n = annual.size
    mean, sigma = three.inflation.mean, three.inflation.volatility
    v = np.array([sigma / (1 + mean)])
    c = np.log1p(v * v)[:, None]
    kappa = _standardized_moment(v, c, 0, 0, 4, 0)
    assert abs(annual.mean() - mean) < 4 * sigma / math.sqrt(n)
    assert abs(annual.std(ddof=1) - sigma) < 4 * sigma * math.sqrt(kappa - 1) / (2 * math.sqrt(n))


def test_inflation_is_independent_of_assets(three: MarketModel) -> None:
    paths = three.sample(20_000, 1, rng=11)
    n = paths.n_scenarios
    r = np.corrcoef(paths.annual_inflation()[:, 0], paths.annual_returns()[:, 0, 2])[0, 1]
    assert abs(r) < 4 / math.sqrt(n)  # SE of r at rho = 0 is 1/sqrt(N) (for any shape)


@pytest.mark.parametrize("periods_per_year", [1, 4, 12, 26, 52])
def test_log_params_reproduce_annual_moments_exactly(
    three: MarketModel, periods_per_year: int
) -> None:
    mu, sigma, rho = three.expected_returns, three.volatilities, three.correlation_matrix
    m, factor = three.log_params(periods_per_year)
    cov = factor @ factor.T
    n = periods_per_year
    # Annual log return ~ N(n m, n cov): lognormal mean, std and correlation.
    annual_cov = n * cov
    mean_g = np.exp(n * m + np.diag(annual_cov) / 2)
    np.testing.assert_allclose(mean_g, 1 + mu, rtol=1e-13)
    cov_g = np.outer(mean_g, mean_g) * np.expm1(annual_cov)
    sd_g = np.sqrt(np.diag(cov_g))
    np.testing.assert_allclose(sd_g, sigma, rtol=1e-12)
    np.testing.assert_allclose(cov_g / np.outer(sd_g, sd_g), rho, rtol=1e-12, atol=1e-14)
    assert np.allclose(np.triu(factor, 1), 0.0)  # Cholesky factor when PD


def test_sample_is_expm1_of_log_params_applied_to_asset_stream(three: MarketModel) -> None:
    from alt401k._random import Stream, as_seed_sequence, period_normals

    paths = three.sample(5, 2, 12, rng=3)
    z = period_normals(as_seed_sequence(3), Stream.ASSETS, 0, 5, 2, 12, 3)
    m, factor = three.log_params(12)
    np.testing.assert_allclose(paths.returns, np.expm1(m + z @ factor.T), rtol=1e-13)


# -------------------------------------------------------------- zero volatility


def _monthly_rate(annual: str) -> float:
    """(1 + annual)^(1/12) - 1 to 50 digits, rounded once to float."""
    with localcontext() as ctx:
        ctx.prec = 50
        return float((1 + Decimal(annual)) ** (Decimal(1) / 12) - 1)


def test_zero_volatility_is_deterministic_closed_form() -> None:
    mu = 0.03
    model = MarketModel(
        assets=[_asset("safe", mu, 0.0), _asset("risky", 0.07, 0.15), _asset("flat", -0.02, 0.0)],
        # Correlations with a zero-vol asset are legal and simply have no effect.
        correlation=[[1.0, 0.5, 0.2], [0.5, 1.0, -0.3], [0.2, -0.3, 1.0]],
        inflation=InflationModel(mean=0.02, volatility=0.0, source="test"),
    )
    paths = model.sample(50, 3, rng=1)
    safe = paths.asset("safe")
    assert np.all(safe == safe[0, 0])  # bit-for-bit identical every period
    np.testing.assert_allclose(safe, _monthly_rate("0.03"), rtol=1e-14)
    np.testing.assert_allclose(paths.asset("flat"), _monthly_rate("-0.02"), rtol=1e-14)
    np.testing.assert_allclose(paths.inflation, _monthly_rate("0.02"), rtol=1e-14)
    # The float formula (1 + mu)**(1/12) - 1 loses ~5e-14 relative to cancellation.
    np.testing.assert_allclose(safe, (1 + mu) ** (1 / 12) - 1, rtol=1e-12)
    np.testing.assert_allclose(paths.annual_returns()[:, :, 0], mu, rtol=1e-13)
    assert np.std(paths.asset("risky")) > 0.01
    _, factor = model.log_params()
    assert np.all(factor[[0, 2]] == 0.0) and np.all(factor[:, [0, 2]] == 0.0)


def test_mixed_zero_volatility_keeps_risky_assets_distribution() -> None:
    risky = _asset("risky", 0.07, 0.15)
    alone = MarketModel(assets=[risky], correlation=[[1.0]])
    mixed = MarketModel(
        assets=[_asset("safe", 0.03, 0.0), risky], correlation=[[1.0, 0.4], [0.4, 1.0]]
    )
    np.testing.assert_array_equal(alone.log_params()[0], mixed.log_params()[0][1:])
    np.testing.assert_array_equal(alone.log_params()[1], mixed.log_params()[1][1:, 1:])


def test_all_zero_volatility_model() -> None:
    model = MarketModel(
        assets=[_asset("a", 0.0, 0.0), _asset("b", 0.1, 0.0)], correlation=[[1.0, 1.0], [1.0, 1.0]]
    )
    paths = model.sample(3, 1, 4, rng=0)
    np.testing.assert_array_equal(paths.asset("a"), 0.0)
    np.testing.assert_allclose(paths.annual_returns()[:, :, 1], 0.1, rtol=1e-14)


def test_singular_correlation_uses_eigen_factor() -> None:
    # Identical assets with correlation 1: the log covariance is singular.
    model = MarketModel(
        assets=[_asset("a", 0.06, 0.2), _asset("b", 0.06, 0.2)],
        correlation=[[1.0, 1.0], [1.0, 1.0]],
    )
    _, factor = model.log_params()
    v = 0.2 / 1.06
    np.testing.assert_allclose(factor @ factor.T, np.full((2, 2), np.log1p(v * v) / 12), rtol=1e-12)
    paths = model.sample(20, 1, rng=2)
    np.testing.assert_allclose(paths.asset("a"), paths.asset("b"), rtol=1e-12, atol=1e-15)


# -------------------------------------------------------------- chunk invariance


def test_chunks_are_bit_identical(three: MarketModel) -> None:
    whole = three.sample(2500, 2, rng=3)
    bounds = [0, 1000, 1700, 2003, 2500]  # straddles the 1000-scenario seed blocks
    parts = [
        three.sample(hi - lo, 2, rng=3, first_scenario=lo) for lo, hi in itertools.pairwise(bounds)
    ]
    assert np.array_equal(whole.returns, np.concatenate([p.returns for p in parts]))
    assert np.array_equal(whole.inflation, np.concatenate([p.inflation for p in parts]))
    assert [p.first_scenario for p in parts] == bounds[:-1]


def test_prefix_of_larger_run_is_identical(three: MarketModel) -> None:
    big = three.sample(3000, 1, rng=np.random.SeedSequence(99))
    small = three.sample(1000, 1, rng=np.random.SeedSequence(99))
    assert np.array_equal(big.returns[:1000], small.returns)
    assert np.array_equal(big.inflation[:1000], small.inflation)


@settings(max_examples=15, deadline=None, derandomize=True)
@given(cuts=st.lists(st.integers(1, 1499), max_size=4, unique=True))
def test_any_partition_is_bit_identical(cuts: list[int]) -> None:
    model = MarketModel(assets=[_asset(*a) for a in THREE], correlation=RHO)
    whole = model.sample(1500, 1, 4, rng=5)
    bounds = [0, *sorted(cuts), 1500]
    parts = [
        model.sample(hi - lo, 1, 4, rng=5, first_scenario=lo)
        for lo, hi in itertools.pairwise(bounds)
    ]
    assert np.array_equal(whole.returns, np.concatenate([p.returns for p in parts]))
    assert np.array_equal(whole.inflation, np.concatenate([p.inflation for p in parts]))


def test_inflation_draws_do_not_depend_on_assets(three: MarketModel) -> None:
    one = three.subset(["coin"]).sample(10, 1, rng=4)
    assert np.array_equal(one.inflation, three.sample(10, 1, rng=4).inflation)


# ---------------------------------------------------------------------- rng forms


def test_rng_forms(three: MarketModel) -> None:
    by_int = three.sample(4, 1, rng=123)
    assert np.array_equal(by_int.returns, three.sample(4, 1, rng=123).returns)
    assert np.array_equal(
        by_int.returns, three.sample(4, 1, rng=np.random.SeedSequence(123)).returns
    )
    assert not np.array_equal(by_int.returns, three.sample(4, 1, rng=124).returns)
    gen_a = three.sample(4, 1, rng=np.random.default_rng(8))
    gen_b = three.sample(4, 1, rng=np.random.default_rng(8))
    assert np.array_equal(gen_a.returns, gen_b.returns)
    generator = np.random.default_rng(8)
    first = three.sample(4, 1, rng=generator)
    assert not np.array_equal(first.returns, three.sample(4, 1, rng=generator).returns)
    fresh = three.sample(4, 1)  # rng=None: OS entropy, recorded
    assert fresh.seed is not None and fresh.returns.shape == (4, 12, 3)
    replay = np.random.SeedSequence(fresh.seed["entropy"])  # type: ignore[arg-type]
    assert np.array_equal(fresh.returns, three.sample(4, 1, rng=replay).returns)


@pytest.mark.parametrize("bad", ["seed", 1.5, np.random.RandomState(0), True])
def test_bad_rng_type(three: MarketModel, bad: object) -> None:
    with pytest.raises(TypeError, match="rng must be None, a non-negative int"):
        three.sample(2, 1, rng=bad)  # type: ignore[arg-type]


def test_negative_seed(three: MarketModel) -> None:
    with pytest.raises(ValueError, match="rng must be a non-negative integer seed; got -1"):
        three.sample(2, 1, rng=-1)


# ------------------------------------------------------------ sample arguments


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"n_scenarios": 0}, ValueError, "n_scenarios must be an integer >= 1; got 0"),
        ({"n_scenarios": 2.0}, TypeError, "n_scenarios must be an integer >= 1; got 2.0"),
        ({"n_years": 0}, ValueError, "n_years must be an integer >= 1; got 0"),
        ({"first_scenario": -1}, ValueError, "first_scenario must be an integer >= 0; got -1"),
        ({"periods_per_year": 0}, ValueError, r"periods_per_year must be an integer in \[1, 366\]"),
        ({"periods_per_year": 400}, ValueError, r"periods_per_year .*; got 400"),
        ({"periods_per_year": 12.0}, ValueError, r"periods_per_year .*; got 12.0"),
    ],
)
def test_sample_argument_errors(
    three: MarketModel, kwargs: dict[str, object], error: type[Exception], message: str
) -> None:
    args: dict[str, object] = {"n_scenarios": 2, "n_years": 1, **kwargs}
    with pytest.raises(error, match=message):
        three.sample(**args, rng=0)  # type: ignore[arg-type]


def test_log_params_rejects_bad_periods(three: MarketModel) -> None:
    with pytest.raises(ValueError, match=r"periods_per_year must be an integer in \[1, 366\]"):
        three.log_params(-3)


# ------------------------------------------------------------------- ReturnPaths


def test_return_paths_shapes_and_helpers(three: MarketModel) -> None:
    paths = three.sample(6, 3, 4, rng=1, first_scenario=17)
    assert (paths.n_scenarios, paths.n_periods, paths.n_assets, paths.n_years) == (6, 12, 3, 3)
    assert paths.asset_names == ("equity", "bonds", "coin") and paths.first_scenario == 17
    assert paths.returns.dtype == np.float64 and paths.inflation.shape == (6, 12)
    manual = np.prod(1 + paths.returns.reshape(6, 3, 4, 3), axis=2) - 1
    np.testing.assert_allclose(paths.annual_returns(), manual, rtol=1e-14, atol=1e-16)
    manual_infl = np.prod(1 + paths.inflation.reshape(6, 3, 4), axis=2) - 1
    np.testing.assert_allclose(paths.annual_inflation(), manual_infl, rtol=1e-14, atol=1e-16)
    assert np.shares_memory(paths.asset("coin"), paths.returns)
    np.testing.assert_array_equal(paths.asset("coin"), paths.returns[:, :, 2])
    assert np.all(paths.returns > -1)
    with pytest.raises(ValueError, match="unknown asset 'doge'; available: equity, bonds, coin"):
        paths.asset("doge")
    with pytest.raises(ValueError, match="read-only"):
        paths.returns[0, 0, 0] = 0.0
    with pytest.raises(AttributeError):
        paths.periods_per_year = 1  # type: ignore[misc]
    assert "n_scenarios=6" in repr(paths)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"returns": np.zeros((2, 12))}, r"returns must be a 3-d array"),
        (
            {"inflation": np.zeros((2, 11))},
            r"inflation must have shape .* \(2, 12\); got \(2, 11\)",
        ),
        ({"asset_names": ("a",)}, r"asset_names must have one name per asset \(2\); got 1"),
        ({"periods_per_year": 5}, r"n_periods \(12\) must be a whole number of years"),
        ({"periods_per_year": 0}, r"periods_per_year must be an integer >= 1; got 0"),
        ({"first_scenario": -2}, r"first_scenario must be >= 0; got -2"),
    ],
)
def test_return_paths_validation(kwargs: dict[str, object], message: str) -> None:
    fields: dict[str, object] = {
        "returns": np.zeros((2, 12, 2)),
        "inflation": np.zeros((2, 12)),
        "asset_names": ("a", "b"),
        "periods_per_year": 12,
        **kwargs,
    }
    with pytest.raises(ValueError, match=message):
        ReturnPaths(**fields)  # type: ignore[arg-type]


# ------------------------------------------------------------ AssetClass errors


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"expected_return": -1.5}, r"expected_return must be > -1 \(a total loss\); got -1.5"),
        ({"expected_return": -1.0}, r"expected_return must be > -1 \(a total loss\); got -1.0"),
        ({"volatility": -0.1}, r"(?s)volatility\n.*greater than or equal to 0.*-0\.1"),
        ({"expense_ratio": 0.1}, r"(?s)expense_ratio\n.*less than 0\.1.*input_value=0\.1"),
        ({"expense_ratio": -0.01}, r"(?s)expense_ratio\n.*greater than or equal to 0"),
        ({"name": "US Equity"}, r"(?s)name\n.*should match pattern"),
        ({"source": "  "}, r"source must name where the numbers come from"),
        ({"expected_return": float("nan")}, r"(?s)expected_return\n.*finite number"),
        ({"colour": "red"}, r"(?s)colour\n.*Extra inputs are not permitted"),
    ],
)
def test_asset_class_errors(changes: dict[str, object], message: str) -> None:
    fields: dict[str, object] = {
        "name": "x",
        "expected_return": 0.05,
        "volatility": 0.1,
        "source": "s",
        **changes,
    }
    with pytest.raises(ValidationError, match=message):
        AssetClass(**fields)  # type: ignore[arg-type]


def test_asset_class_warnings() -> None:
    # Implausible but legal (issue 7): expected return above 30%, volatility above 150%.
    with pytest.warns(Alt401kWarning, match=r"expected_return=0.35 is above 30% a year"):
        AssetClass(name="x", expected_return=0.35, volatility=0.1, source="s")
    with pytest.warns(Alt401kWarning, match=r"volatility=1.6 is above 150% a year"):
        AssetClass(name="x", expected_return=0.1, volatility=1.6, source="s")
    AssetClass(name="x", expected_return=0.3, volatility=1.5, source="s")  # no warning


def test_asset_class_is_frozen() -> None:
    asset = _asset("x", 0.05, 0.1)
    with pytest.raises(ValidationError, match="frozen"):
        asset.volatility = 0.2  # type: ignore[misc]


def test_inflation_model_errors_and_defaults() -> None:
    default = InflationModel()
    assert (default.mean, default.volatility) == (0.025, 0.018)
    assert "LTCMA" in default.source
    with pytest.raises(ValidationError, match=r"(?s)mean\n.*greater than -0\.5"):
        InflationModel(mean=-0.5)
    with pytest.raises(ValidationError, match=r"(?s)volatility\n.*greater than or equal to 0"):
        InflationModel(volatility=-0.01)


# ------------------------------------------------------------ MarketModel errors


@pytest.mark.parametrize(
    ("correlation", "message"),
    [
        (
            [[1.0, 0.2, 0.3], [0.2, 1.0, 0.1]],
            r"correlation must be 3x3 to match 3 assets \(a, b, c\); got 2x3",
        ),
        (
            [[1.0, 0.2], [0.2, 1.0, 0.1], [0.3, 0.1, 1.0]],
            r"correlation must be 3x3 to match 3 assets .*; got ragged",
        ),
        (
            [[1.0, 0.2, 0.3], [0.2, 1.0, 0.1], [0.2, 0.1, 1.0]],
            r"correlation must be symmetric: "
            r"correlation\[0\]\[2\]=0.3 but correlation\[2\]\[0\]=0.2",
        ),
        (
            [[1.0, 0.2, 0.3], [0.2, 0.9, 0.1], [0.3, 0.1, 1.0]],
            r"correlation\[1\]\[1\] \(b\) must be 1 on the diagonal; got 0.9",
        ),
        (
            [[1.0, 1.2, 0.3], [1.2, 1.0, 0.1], [0.3, 0.1, 1.0]],
            r"correlation\[0\]\[1\]=1.2 \(a, b\) is outside \[-1, 1\]",
        ),
        (
            [[1.0, 0.9, 0.9], [0.9, 1.0, -0.9], [0.9, -0.9, 1.0]],
            r"correlation must be positive semi-definite; its smallest eigenvalue is -0.8 < -1e-10",
        ),
    ],
)
def test_correlation_errors(correlation: list[list[float]], message: str) -> None:
    assets = [_asset("a", 0.05, 0.1), _asset("b", 0.06, 0.15), _asset("c", 0.07, 0.2)]
    with pytest.raises(ValueError, match=message):
        MarketModel(assets=assets, correlation=correlation)


def test_lognormal_transform_not_psd_is_rejected() -> None:
    # PSD (smallest eigenvalue 0.29) but with v = 1 the log correlations of the
    # -0.5 pairs are ln(0.5)/ln(2) = -1, which is not PSD.
    assets = [_asset(n, 0.0, 1.0) for n in "abc"]
    corr = [[1.0, -0.5, -0.5], [-0.5, 1.0, 0.0], [-0.5, 0.0, 1.0]]
    with pytest.raises(
        ValueError,
        match=r"log-return correlation .* not positive semi-definite "
        r"\(smallest eigenvalue -0.414214",
    ):
        MarketModel(assets=assets, correlation=corr)


def test_unattainable_lognormal_correlation_is_rejected() -> None:
    with pytest.raises(
        ValueError,
        match=r"correlation\[0\]\[1\]=-0.5 between 'a' and 'b' cannot "
        r"be reached .*must be > -0.25",
    ):
        lognormal_params([0.0, 0.0], [2.0, 2.0], [[1, -0.5], [-0.5, 1]], 12, names=["a", "b"])


def test_duplicate_and_empty_assets() -> None:
    with pytest.raises(ValueError, match=r"asset names must be unique; duplicated: 'a'"):
        MarketModel(
            assets=[_asset("a", 0.05, 0.1), _asset("a", 0.06, 0.1)], correlation=[[1, 0], [0, 1]]
        )
    with pytest.raises(ValidationError, match=r"(?s)assets\n.*at least 1 item"):
        MarketModel(assets=[], correlation=[])


def test_correlation_accepts_numpy_and_round_trips_json(three: MarketModel) -> None:
    assert three.correlation == tuple(tuple(row) for row in RHO.tolist())
    again = MarketModel.model_validate_json(three.model_dump_json())
    assert again == three
    with pytest.raises(ValidationError, match=r"(?s)correlation.*finite number"):
        MarketModel(**_two_assets(correlation=[[1.0, float("nan")], [float("nan"), 1.0]]))


# --------------------------------------------------------- MarketModel helpers


def test_views(three: MarketModel) -> None:
    assert three.names == ("equity", "bonds", "coin") and three.n_assets == 3
    np.testing.assert_array_equal(three.expected_returns, [0.079, 0.049, 0.15])
    np.testing.assert_array_equal(three.volatilities, [0.165, 0.048, 0.55])
    np.testing.assert_array_equal(three.expense_ratios, [0.0, 0.0, 0.0])
    np.testing.assert_array_equal(three.correlation_matrix, RHO)
    assert three["coin"].volatility == 0.55
    with pytest.raises(KeyError, match="unknown asset 'doge'; available: equity, bonds, coin"):
        three["doge"]


def test_subset_keeps_order(three: MarketModel) -> None:
    sub = three.subset(["coin", "equity"])
    assert sub.names == ("coin", "equity")
    np.testing.assert_array_equal(sub.correlation_matrix, [[1.0, 0.45], [0.45, 1.0]])
    assert sub.inflation == three.inflation
    with pytest.raises(ValueError, match=r"unknown asset 'doge'; available: equity, bonds, coin"):
        three.subset(["equity", "doge"])
    with pytest.raises(ValueError, match=r"asset names must be unique; duplicated: 'coin'"):
        three.subset(["coin", "coin"])


def test_replace_asset_revalidates(three: MarketModel) -> None:
    cheaper = three.replace_asset("coin", expected_return=0.08, expense_ratio=0.0025)
    assert cheaper["coin"].expected_return == 0.08 and cheaper["coin"].volatility == 0.55
    assert three["coin"].expected_return == 0.15  # original untouched
    with pytest.raises(ValidationError, match=r"(?s)volatility\n.*greater than or equal to 0"):
        three.replace_asset("coin", volatility=-0.2)
    with pytest.raises(ValidationError, match=r"(?s)colour\n.*Extra inputs"):
        three.replace_asset("coin", colour="orange")
    with pytest.raises(ValueError, match=r"unknown asset 'doge'"):
        three.replace_asset("doge", volatility=0.2)
    with pytest.warns(Alt401kWarning, match="expected_return=0.6"):
        three.replace_asset("coin", expected_return=0.6)
    # Raising a volatility can make the lognormal transform infeasible: rejected.
    with pytest.raises(ValueError, match="correlation"):
        MarketModel(**_two_assets(correlation=[[1, -0.9], [-0.9, 1]])).replace_asset(
            "a", volatility=1.5
        ).replace_asset("b", volatility=1.5)


def test_replace_inflation(three: MarketModel) -> None:
    hot = three.replace_inflation(mean=0.04, source="test")
    assert hot.inflation.mean == 0.04 and hot.inflation.volatility == 0.018
    with pytest.raises(ValidationError, match=r"mean\n.*greater than -0.5"):
        three.replace_inflation(mean=-0.7)


def test_with_correlation(three: MarketModel) -> None:
    changed = three.with_correlation("coin", "bonds", -0.2)
    assert changed.correlation[1][2] == changed.correlation[2][1] == -0.2
    assert three.correlation[1][2] == 0.10
    with pytest.raises(ValueError, match=r"correlation\[0\]\[2\]=1.5 \(equity, coin\) is outside"):
        three.with_correlation("equity", "coin", 1.5)
    with pytest.raises(ValueError, match="positive semi-definite"):
        three.with_correlation("equity", "bonds", -0.95).with_correlation("bonds", "coin", 0.95)
    with pytest.raises(ValueError, match="needs two different assets; got 'coin' twice"):
        three.with_correlation("coin", "coin", 1.0)
    with pytest.raises(ValueError, match="unknown asset 'doge'"):
        three.with_correlation("coin", "doge", 0.1)


def test_from_assets() -> None:
    assets = [_asset(*a) for a in THREE]
    model = MarketModel.from_assets(
        assets, {("equity", "bonds"): 0.3, ("coin", "equity"): 0.45}, default_correlation=0.1
    )
    np.testing.assert_array_equal(model.correlation_matrix, RHO)
    as_dicts = MarketModel.from_assets([a.model_dump() for a in assets])
    np.testing.assert_array_equal(as_dicts.correlation_matrix, np.eye(3))
    custom = InflationModel(mean=0.03, source="test")
    assert MarketModel.from_assets(assets, inflation=custom).inflation == custom
    both_orders = {("equity", "bonds"): 0.3, ("bonds", "equity"): 0.3}
    assert MarketModel.from_assets(assets, both_orders).correlation[0][1] == 0.3


@pytest.mark.parametrize(
    ("correlations", "message"),
    [
        (
            {("equity", "doge"): 0.1},
            re.escape("unknown asset 'doge' in correlations key ('equity', 'doge'); available: "),
        ),
        (
            {("equity", "bonds"): 0.3, ("bonds", "equity"): 0.2},
            r"correlations gives \('bonds', 'equity'\) twice with different values: 0.3 and 0.2",
        ),
        ({("coin", "coin"): 1.0}, r"pairs an asset with itself"),
        ({("coin",): 1.0}, r"correlations keys must be \(name, name\) pairs"),
        ({("equity", "bonds"): 1.3}, r"correlation\[0\]\[1\]=1.3 \(equity, bonds\) is outside"),
    ],
)
def test_from_assets_errors(correlations: dict[tuple[str, ...], float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        MarketModel.from_assets([_asset(*a) for a in THREE], correlations)  # type: ignore[arg-type]
