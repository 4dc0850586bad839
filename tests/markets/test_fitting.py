"""Fitting helpers: recovery of known parameters, exact round trips, likelihoods, bad input.

Recovery tolerances are about 5 standard deviations of each estimate, the
standard deviations measured over 25 seeds (12 for the jump model) of the
same simulation (t, df=4, 10,008 months: sd of df 0.19, of the implied mean
0.011 and volatility 0.010; GARCH, 20,400 months: alpha 0.007, beta 0.010,
df 0.19, mean 0.013, volatility 0.015; jumps, 24,000 months: intensity 0.008,
jump mean 0.007, jump volatility 0.006, mean 0.011, volatility 0.004). Every
run is seeded, so outcomes are deterministic.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from alt401k.markets import AssetClass, Garch, MarketModel, MertonJump, StudentT
from alt401k.markets.fitting import (
    MIN_OBSERVATIONS,
    FitResult,
    fit_garch,
    fit_merton_jump,
    fit_student_t,
)
from alt401k.markets.garch import _per_period_lognormal

PPY = 12
MU, SIGMA = 0.12, 0.5


def _simulate(model: object, n_years: int, seed: int) -> np.ndarray:
    """One long monthly path of simple returns (n_years * 12,) from a one-asset market."""
    asset = AssetClass(name="x", expected_return=MU, volatility=SIGMA, source="test", model=model)
    paths = MarketModel.from_assets([asset]).sample(1, n_years, PPY, rng=seed)
    return np.asarray(paths.returns[0, :, 0])


@pytest.fixture(scope="module")
def t_returns() -> np.ndarray:
    return _simulate(StudentT(df=4), 834, seed=11)


@pytest.fixture(scope="module")
def jump_returns() -> np.ndarray:
    return _simulate(MertonJump(intensity=0.25, jump_mean=-0.6, jump_volatility=0.1), 2000, 12)


@pytest.fixture(scope="module")
def jump_fit(jump_returns: np.ndarray) -> FitResult:
    return fit_merton_jump(jump_returns, periods_per_year=PPY)


@pytest.fixture(scope="module")
def garch_returns() -> np.ndarray:
    return _simulate(Garch(alpha=0.10, beta=0.85, df=6), 1700, seed=13)


# --- recovery -----------------------------------------------------------------------------


def test_student_t_recovers_df_mean_and_volatility(t_returns: np.ndarray) -> None:
    fit = fit_student_t(t_returns, periods_per_year=PPY)
    assert isinstance(fit.model, StudentT)
    assert fit.n_observations == 10_008
    assert abs(fit.model.df - 4.0) < 1.0
    assert abs(fit.expected_return - MU) < 0.05
    assert abs(fit.volatility - SIGMA) < 0.05


def test_student_t_on_normal_data_finds_thin_tails() -> None:
    x = np.random.default_rng(3).normal(0.005, 0.04, 5000)
    fit = fit_student_t(np.expm1(x))
    assert fit.model.df > 20


def test_merton_recovers_jumps_mean_and_volatility(jump_fit: FitResult) -> None:
    fit = jump_fit
    assert isinstance(fit.model, MertonJump)
    # Poisson standard error of the yearly rate over 2000 years.
    se_intensity = np.sqrt(0.25 * 2000) / 2000
    assert abs(fit.model.intensity - 0.25) < 4 * se_intensity
    assert abs(fit.model.jump_mean + 0.6) < 0.05
    assert abs(fit.model.jump_volatility - 0.1) < 0.04
    assert abs(fit.expected_return - MU) < 0.05
    assert abs(fit.volatility - SIGMA) < 0.025


def test_merton_threshold_separation_is_a_rough_estimate(
    jump_returns: np.ndarray, jump_fit: FitResult
) -> None:
    fit = fit_merton_jump(jump_returns, method="threshold")
    # Diffusion moves beyond 3 sd (0.27% of months) are counted as jumps: biased up a little.
    assert 0.2 < fit.model.intensity < 0.35
    assert -0.7 < fit.model.jump_mean < -0.45
    assert abs(fit.volatility - SIGMA) < 0.025
    assert fit.log_likelihood is not None
    assert jump_fit.log_likelihood is not None
    assert jump_fit.log_likelihood >= fit.log_likelihood


def test_garch_recovers_alpha_beta_df_mean_and_volatility(garch_returns: np.ndarray) -> None:
    fit = fit_garch(garch_returns, periods_per_year=PPY)
    assert isinstance(fit.model, Garch)
    assert abs(fit.model.alpha - 0.10) < 0.05
    assert abs(fit.model.beta - 0.85) < 0.05
    assert abs(fit.model.df - 6.0) < 1.5
    assert abs(fit.expected_return - MU) < 0.07
    assert abs(fit.volatility - SIGMA) < 0.075


def test_garch_on_iid_data_finds_little_clustering() -> None:
    x = np.random.default_rng(4).standard_t(8, 5000) * 0.04
    fit = fit_garch(np.expm1(x))
    assert fit.model.alpha < 0.05


# --- exact round trips: the implied figures invert each model's construction -------------


def test_student_t_implied_figures_give_back_the_fitted_distribution(
    t_returns: np.ndarray,
) -> None:
    fit = fit_student_t(t_returns)
    x = np.log1p(t_returns)
    df = fit.model.df
    m, s = fit.model.period_params(fit.expected_return, fit.volatility, PPY)
    scale = float(s) / np.sqrt(df / (df - 2))
    # The reported likelihood is the t likelihood at the (m, scale) the model will use.
    ll = np.sum(stats.t.logpdf(x, df, float(m), scale))
    assert fit.log_likelihood == pytest.approx(ll, rel=1e-9)
    # ... and those are the maximizers, by comparison with scipy's own fit.
    df_sp, loc_sp, scale_sp = stats.t.fit(x)
    assert fit.log_likelihood >= np.sum(stats.t.logpdf(x, df_sp, loc_sp, scale_sp)) - 1e-3


def test_merton_implied_figures_give_back_the_fitted_diffusion(
    jump_returns: np.ndarray, jump_fit: FitResult
) -> None:
    fit = jump_fit
    model = fit.model
    assert isinstance(model, MertonJump)
    m, s = model.period_parameters(fit.expected_return, np.array([fit.volatility]), PPY)
    lam = model.intensity / PPY
    x = np.log1p(jump_returns)
    k = np.arange(13)
    density = stats.poisson.pmf(k, lam) * stats.norm.pdf(
        x[:, None],
        m[0] + k * model.jump_mean,
        np.sqrt(s[0] ** 2 + k * model.jump_volatility**2),
    )
    assert fit.log_likelihood == pytest.approx(np.sum(np.log(density.sum(axis=1))), rel=1e-9)


def test_garch_implied_figures_give_back_sample_mean_and_variance(
    garch_returns: np.ndarray,
) -> None:
    fit = fit_garch(garch_returns)
    x = np.log1p(garch_returns)
    m, s = _per_period_lognormal(fit.expected_return, np.array([fit.volatility]), PPY)
    assert m[0] == pytest.approx(x.mean(), rel=1e-10)
    assert s[0] ** 2 == pytest.approx(x.var(), rel=1e-10)


def test_garch_log_likelihood_matches_a_per_period_loop(garch_returns: np.ndarray) -> None:
    returns = garch_returns[:600]
    fit = fit_garch(returns)
    model = fit.model
    assert isinstance(model, Garch)
    x = np.log1p(returns)
    r = x - x.mean()
    var = x.var()
    omega = var * (1 - model.alpha - model.beta)
    h, ll = var, 0.0
    for value in r:
        e_scale = np.sqrt(h * (model.df - 2) / model.df)
        ll += stats.t.logpdf(value / e_scale, model.df) - np.log(e_scale)
        h = omega + model.alpha * value**2 + model.beta * h
    assert fit.log_likelihood == pytest.approx(ll, rel=1e-10)


def test_fit_builds_an_asset_that_samples(t_returns: np.ndarray) -> None:
    fit = fit_student_t(t_returns)
    asset = fit.asset_class("my_coin", "fitted to test data", label="My coin")
    assert asset.model == fit.model
    assert asset.expected_return == fit.expected_return
    assert asset.volatility == fit.volatility
    assert asset.label == "My coin"
    paths = MarketModel.from_assets([asset]).sample(4, 2, PPY, rng=1)
    assert paths.returns.shape == (4, 24, 1)


def test_fit_result_is_frozen(t_returns: np.ndarray) -> None:
    fit = fit_student_t(t_returns[:240])
    assert isinstance(fit, FitResult)
    with pytest.raises(AttributeError):
        fit.volatility = 0.1  # type: ignore[misc]


# --- input handling -----------------------------------------------------------------------


@pytest.mark.parametrize("fit", [fit_student_t, fit_merton_jump, fit_garch])
def test_leading_nan_are_dropped_and_lists_accepted(fit, t_returns: np.ndarray) -> None:
    body = t_returns[:120]
    series = pd.Series(np.concatenate([[np.nan] * 5, body]))
    from_series = fit(series)
    from_list = fit(list(body))
    assert from_series.n_observations == from_list.n_observations == 120
    assert from_series.model == from_list.model


@pytest.mark.parametrize("fit", [fit_student_t, fit_merton_jump, fit_garch])
def test_inner_nan_is_an_error_naming_its_position(fit, t_returns: np.ndarray) -> None:
    values = np.concatenate([[np.nan, np.nan], t_returns[:60]])
    values[10] = np.nan
    with pytest.raises(ValueError, match="NaN at position 10 after its first value"):
        fit(values)
    # Month starts: a frequency alias that pandas 2.1 (the floor) and later both accept.
    series = pd.Series(values, index=pd.date_range("2015-01-01", periods=62, freq="MS"))
    with pytest.raises(ValueError, match=r"position 10 \(index label Timestamp\('2015-11-01"):
        fit(series)


@pytest.mark.parametrize("fit", [fit_student_t, fit_merton_jump, fit_garch])
def test_too_few_observations(fit, t_returns: np.ndarray) -> None:
    short = np.concatenate([[np.nan], t_returns[: MIN_OBSERVATIONS - 1]])
    with pytest.raises(ValueError, match=r"returns has 23 observations .* at least 24 are needed"):
        fit(short)


def test_other_bad_input(t_returns: np.ndarray) -> None:
    with pytest.raises(ValueError, match=r"returns must be 1-D .* shape \(30, 2\)"):
        fit_student_t(np.zeros((30, 2)))
    bad = t_returns[:40].copy()
    bad[7] = -1.0
    with pytest.raises(ValueError, match=r"finite simple returns > -1; got -1.0 at position 7"):
        fit_garch(bad)
    bad[7] = np.inf
    with pytest.raises(ValueError, match="got inf at position 7"):
        fit_student_t(bad)
    with pytest.raises(ValueError, match="returns are constant"):
        fit_garch(np.full(30, 0.01))
    with pytest.raises(ValueError, match="returns are constant"):
        fit_student_t(np.full(30, 0.01))
    with pytest.raises(ValueError, match=r"jump_threshold must be > 0 .* got 0"):
        fit_merton_jump(t_returns, jump_threshold=0)
    with pytest.raises(ValueError, match="method must be 'mle' or 'threshold'; got 'moments'"):
        fit_merton_jump(t_returns, method="moments")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="periods_per_year must be an integer >= 1; got 0"):
        fit_student_t(t_returns, periods_per_year=0)
    with pytest.raises(ValueError, match=r"periods_per_year must be an integer >= 1; got 1.5"):
        fit_garch(t_returns, periods_per_year=1.5)  # type: ignore[arg-type]
