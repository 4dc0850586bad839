"""Merton jumps and regime switching as return models of one asset.

Statistical checks use 4 Monte Carlo standard errors estimated from the
sample itself; every run is seeded, so the outcomes are deterministic.
"""

from __future__ import annotations

import numpy as np
import pytest
from pydantic import ValidationError
from scipy import stats

import alt401k as ak
from alt401k._random import as_seed_sequence
from alt401k.adoption import Uniform
from alt401k.markets import AssetClass, MarketModel
from alt401k.markets.base import Draws
from alt401k.markets.jumps import MertonJump, poisson_counts
from alt401k.markets.regimes import RegimeSwitching, simulate_chain

N = 20_000
PPY = 12
SEED = 7

JUMP = MertonJump(intensity=0.5, jump_mean=-0.5, jump_volatility=0.2)
REGIMES = (("bull", 0.45, 0.5), ("bear", -0.25, 0.6), ("crash", -0.7, 0.8))
TRANSITION = ((0.8, 0.15, 0.05), (0.3, 0.6, 0.1), (0.3, 0.3, 0.4))
REGIME = RegimeSwitching(regimes=REGIMES, transition=TRANSITION)


def _market(bitcoin: object = None, ether: object = None, rho: float | None = None) -> MarketModel:
    markets = ak.default_markets("lognormal").subset(["us_equity", "bitcoin", "ether"])
    if rho is not None:
        markets = markets.with_correlation("bitcoin", "ether", rho)
    base = markets["bitcoin"].model_dump()
    assets = [
        markets["us_equity"],
        AssetClass(**{**base, "model": bitcoin}),
        AssetClass(**{**markets["ether"].model_dump(), "model": ether}),
    ]
    return MarketModel(assets=assets, correlation=markets.correlation, inflation=markets.inflation)


def _draws(n_years: int, name: str = "bitcoin", n: int = N) -> Draws:
    return Draws(as_seed_sequence(SEED), 0, n, n_years, PPY, name)


def _mean_close(values: np.ndarray, target: float) -> None:
    se = values.std(ddof=1) / np.sqrt(values.size)
    assert abs(values.mean() - target) < 4 * se, (values.mean(), target, se)


def _std_close(values: np.ndarray, target: float) -> None:
    centred = values - values.mean()
    var = centred.var(ddof=1)
    se_var = np.sqrt((np.mean(centred**4) - var**2) / values.size)
    se_std = se_var / (2 * np.sqrt(var))
    assert abs(np.sqrt(var) - target) < 4 * se_std, (np.sqrt(var), target, se_std)


def _annual(returns: np.ndarray, year: int = 0) -> np.ndarray:
    return np.prod(1.0 + returns[:, year * PPY : (year + 1) * PPY], axis=1) - 1.0


# ------------------------------------------------------------------ jumps


def test_jump_totals_match_the_stated_mean_and_volatility() -> None:
    markets = _market(bitcoin=JUMP)
    paths = markets.sample(N, 2, PPY, rng=SEED)
    annual = np.concatenate([_annual(paths.returns[:, :, 1], y) for y in range(2)])
    _mean_close(annual, markets["bitcoin"].expected_return)
    _std_close(annual, markets["bitcoin"].volatility)


def test_jump_frequency_and_size() -> None:
    n_years = 2
    paths = _market(bitcoin=JUMP).sample(N, n_years, PPY, rng=SEED)
    counts = JUMP.jump_counts(_draws(n_years))
    rate = JUMP.intensity / PPY
    se = np.sqrt(rate / counts.size)
    assert abs(counts.mean() - rate) < 4 * se, (counts.mean(), rate, se)
    u = _draws(n_years).uniforms("jump_count")[:, :, 0]
    np.testing.assert_array_equal(counts, np.maximum(stats.poisson.ppf(u, rate), 0))
    # Periods with one jump fall by jump_mean more (in logs) than periods without.
    logs = np.log1p(paths.returns[:, :, 1])
    with_one, without = logs[counts == 1], logs[counts == 0]
    diff = with_one.mean() - without.mean()
    se_diff = np.sqrt(with_one.var() / with_one.size + without.var() / without.size)
    assert abs(diff - JUMP.jump_mean) < 4 * se_diff, (diff, se_diff)


def test_poisson_counts_zero_rate_and_edges() -> None:
    assert poisson_counts(np.array([0.0, 0.5, 0.999]), 0.0).tolist() == [0, 0, 0]
    assert poisson_counts(np.array([0.0]), 0.1).tolist() == [0]


def test_jumps_larger_than_the_volatility_fail() -> None:
    big = MertonJump(intensity=2.0, jump_mean=-1.0, jump_volatility=0.5)
    with pytest.raises(ValueError, match=r"MertonJump jumps \(intensity=2.0, jump_mean=-1.0"):
        _market(bitcoin=big).sample(10, 1, rng=SEED)


def test_jump_validation() -> None:
    with pytest.raises(ValidationError, match="intensity"):
        MertonJump(intensity=-0.1, jump_mean=-0.5, jump_volatility=0.1)
    with pytest.raises(ValidationError, match="jump_volatility"):
        MertonJump(intensity=0.1, jump_mean=-0.5, jump_volatility=-0.1)


# ------------------------------------------------------------------ regimes


def test_regime_occupancy_is_stationary() -> None:
    pi = REGIME.stationary()
    q = REGIME.period_transition(PPY)
    np.testing.assert_allclose(pi @ q, pi, atol=1e-12)
    np.testing.assert_allclose(np.linalg.matrix_power(q, PPY), TRANSITION, atol=1e-10)
    regimes = REGIME.regime_paths(_draws(3))
    for t in (0, regimes.shape[1] - 1):  # independent across scenarios
        for k, p in enumerate(pi):
            share = np.mean(regimes[:, t] == k)
            assert abs(share - p) < 4 * np.sqrt(p * (1 - p) / N), (t, k, share, p)


def test_initial_regime_is_used() -> None:
    model = RegimeSwitching(regimes=REGIMES, transition=TRANSITION, initial="crash")
    regimes = model.regime_paths(_draws(1, n=100))
    assert (regimes[:, 0] == 2).all()
    u = np.array([[0.0, 0.99]])
    assert simulate_chain(u, np.array([[0.5, 0.5], [0.5, 0.5]]), 0).tolist() == [[0, 1]]


@pytest.mark.parametrize("scale", [True, False])
def test_regime_conditional_moments(scale: bool) -> None:
    model = RegimeSwitching(regimes=REGIMES, transition=TRANSITION, scale_to_stated=scale)
    markets = _market(bitcoin=model)
    n_years = 2
    logs = np.log1p(markets.sample(N, n_years, PPY, rng=SEED).returns[:, :, 1])
    asset = markets["bitcoin"]
    m, s = model.period_parameters(asset.expected_return, asset.volatility_by_year(n_years), PPY)
    regimes = model.regime_paths(_draws(n_years))
    for k in range(len(REGIMES)):
        z = (logs[regimes == k] - m[0, k]) / s[0, k]
        _mean_close(z, 0.0)
        _std_close(z, 1.0)
    if not scale:
        mu, vol = REGIMES[0][1], REGIMES[0][2]
        s0 = np.sqrt(np.log1p((vol / (1 + mu)) ** 2) / PPY)
        np.testing.assert_allclose(s[0, 0], s0)
        np.testing.assert_allclose(m[0, 0], np.log1p(mu) / PPY - s0**2 / 2)


def test_scaled_regimes_match_the_stated_mean_and_volatility() -> None:
    markets = _market(bitcoin=REGIME)
    annual = _annual(markets.sample(N, 1, PPY, rng=SEED).returns[:, :, 1])
    _mean_close(annual, markets["bitcoin"].expected_return)
    _std_close(annual, markets["bitcoin"].volatility)


def test_scaling_is_exact_analytically() -> None:
    means, vols = np.array([[0.15], [0.05]]), np.array([0.55, 0.4])
    m, s = REGIME.period_parameters(means, vols, PPY)  # (S, Y, K)
    q, pi = REGIME.period_transition(PPY), REGIME.stationary()

    def moment(p: int, row: int, year: int) -> float:
        h = np.exp(p * m[row, year] + p * p * s[row, year] ** 2 / 2)
        x = pi * h
        for _ in range(PPY - 1):
            x = (x @ q) * h
        return float(x.sum())

    for row in range(2):
        for year in range(2):
            first, second = moment(1, row, year), moment(2, row, year)
            np.testing.assert_allclose(first, 1 + means[row, 0], rtol=1e-10)
            np.testing.assert_allclose(second - first**2, vols[year] ** 2, rtol=1e-8)
    # Every regime's log volatility is scaled by one factor.
    ratio = s[0, 0] / REGIME.period_parameters(0.15, vols, PPY)[1][0]
    np.testing.assert_allclose(ratio, 1.0)
    scale = s[..., 0:1] / s
    np.testing.assert_allclose(scale, np.broadcast_to(scale[..., :1, :], scale.shape))


def test_unscaled_regimes_ignore_the_stated_figures() -> None:
    model = RegimeSwitching(regimes=REGIMES, transition=TRANSITION, scale_to_stated=False)
    a = model.period_parameters(0.15, np.array([0.55, 0.55]), PPY)
    b = model.period_parameters(np.array([[0.05], [0.3]]), np.array([0.2, 0.9]), PPY)
    for x, y in zip(a, b, strict=True):
        np.testing.assert_array_equal(x, y)


def test_shared_regimes_crash_together() -> None:
    ether_regimes = (("bull", 0.6, 0.6), ("bear", -0.3, 0.7), ("crash", -0.8, 0.9))
    ether = RegimeSwitching(regimes=ether_regimes, transition=TRANSITION)
    assert ether.scope == REGIME.scope
    a = REGIME.regime_paths(_draws(2, "bitcoin"))
    b = ether.regime_paths(_draws(2, "ether"))
    np.testing.assert_array_equal(a, b)  # indicator correlation 1
    crash_a, crash_b = (a == 2).ravel(), (b == 2).ravel()
    assert np.corrcoef(crash_a, crash_b)[0, 1] == pytest.approx(1.0)
    alone = RegimeSwitching(**{**ether.model_dump(), "shared": False})
    c = alone.regime_paths(_draws(2, "ether"))
    assert np.abs(np.corrcoef(crash_a, (c == 2).ravel())[0, 1]) < 0.05
    # With uncorrelated shocks, returns co-move only through the shared chain.
    unscaled = {"scale_to_stated": False}
    bitcoin_model = RegimeSwitching(regimes=REGIMES, transition=TRANSITION, **unscaled)
    ether_model = RegimeSwitching(regimes=ether_regimes, transition=TRANSITION, **unscaled)
    paths = _market(bitcoin_model, ether_model, rho=0.0).sample(N, 1, rng=SEED)
    x, y = _annual(paths.returns[:, :, 1]), _annual(paths.returns[:, :, 2])
    assert np.corrcoef(x, y)[0, 1] > 0.2
    apart = _market(
        bitcoin_model, RegimeSwitching(**{**ether_model.model_dump(), "shared": False}), rho=0.0
    )
    paths = apart.sample(N, 1, rng=SEED)
    x, y = _annual(paths.returns[:, :, 1]), _annual(paths.returns[:, :, 2])
    assert abs(np.corrcoef(x, y)[0, 1]) < 4 / np.sqrt(N)


# ------------------------------------------------------------------ both


COUPLED = RegimeSwitching(
    regimes=REGIMES, transition=TRANSITION, coupling=(1.0, 0.0, 0.5), decoupled_correlation=0.6
)


def test_coupling_keeps_the_stated_figures_and_decouples_its_regimes() -> None:
    markets = _market(bitcoin=COUPLED, ether=COUPLED)
    returns = markets.sample(N, 1, PPY, rng=SEED).returns
    annual = _annual(returns[:, :, 1])
    _mean_close(annual, markets["bitcoin"].expected_return)
    _std_close(annual, markets["bitcoin"].volatility)
    regimes = COUPLED.regime_paths(_draws(1))
    x = np.log1p(returns)
    factor = markets.log_params(PPY)[1]
    unit = factor / np.linalg.norm(factor, axis=1, keepdims=True)  # standardized shock rows
    for k, weight in enumerate(COUPLED.coupling):
        mask = regimes == k
        rho = np.corrcoef(x[:, :, 0][mask], x[:, :, 1][mask])[0, 1]
        # Within a regime the log returns are normal: shock correlation times the weight.
        expected = weight * float(unit[0] @ unit[1])
        se = (1 - expected**2) / np.sqrt(mask.sum())
        assert abs(rho - expected) < 4 * se, (k, rho, expected, se)
    # Bitcoin and ether both decoupled (regime 1): their own normals, correlated 0.6.
    mask = regimes == 1
    rho = np.corrcoef(x[:, :, 1][mask], x[:, :, 2][mask])[0, 1]
    assert abs(rho - 0.6) < 4 * (1 - 0.36) / np.sqrt(mask.sum()), rho


def test_no_coupling_is_bit_identical_to_full_coupling_weights_draws() -> None:
    plain = _market(bitcoin=REGIME).sample(50, 2, PPY, rng=SEED).returns
    explicit = RegimeSwitching(regimes=REGIMES, transition=TRANSITION, coupling=(1.0, 1.0, 1.0))
    ones = _market(bitcoin=explicit).sample(50, 2, PPY, rng=SEED).returns
    np.testing.assert_array_equal(plain, ones)
    assert explicit.scope == REGIME.scope  # the chain is the same


def test_coupling_validation() -> None:
    with pytest.raises(ValidationError, match=r"coupling must give one weight per regime \(3\)"):
        RegimeSwitching(regimes=REGIMES, transition=TRANSITION, coupling=(1.0, 0.0))
    with pytest.raises(ValidationError, match=r"coupling must be in \[0, 1\]; got 1.5"):
        RegimeSwitching(regimes=REGIMES, transition=TRANSITION, coupling=(1.0, 1.5, 0.0))
    with pytest.raises(ValidationError, match=r"decoupled_correlation must be in \[0, 1\]"):
        RegimeSwitching(regimes=REGIMES, transition=TRANSITION, decoupled_correlation=-0.1)


MODELS = [
    JUMP,
    REGIME,
    RegimeSwitching(regimes=REGIMES, transition=TRANSITION, shared=False, initial="bear"),
    COUPLED,
]


@pytest.mark.parametrize("model", MODELS, ids=["jump", "regime", "regime_own", "coupled"])
def test_chunking_and_prefix_are_bit_identical(model: object) -> None:
    markets = _market(bitcoin=model, ether=model)
    full = markets.sample(40, 10, PPY, rng=SEED).returns
    short = markets.sample(40, 5, PPY, rng=SEED).returns
    np.testing.assert_array_equal(full[:, : 5 * PPY], short)
    chunk = markets.sample(15, 10, PPY, rng=SEED, first_scenario=20).returns
    np.testing.assert_array_equal(full[20:35], chunk)


MILD = RegimeSwitching(
    regimes=(("bull", 0.25, 0.4), ("bear", 0.0, 0.5), ("crash", -0.3, 0.6)),
    transition=TRANSITION,
)


@pytest.mark.parametrize("model", [JUMP, MILD], ids=["jump", "regime"])
def test_schedule_and_drawn_mean(model: object) -> None:
    markets = _market(bitcoin=model).replace_asset(
        "bitcoin",
        volatility_schedule=((0, 0.55), (4, 0.40)),
        expected_return_uncertainty=Uniform(low=0.05, high=0.25),
    )
    full = markets.sample(30, 6, PPY, rng=SEED)
    chunk = markets.sample(10, 6, PPY, rng=SEED, first_scenario=10)
    np.testing.assert_array_equal(full.returns[10:20], chunk.returns)
    assert np.isfinite(full.returns).all()


@pytest.mark.parametrize("model", MODELS, ids=["jump", "regime", "regime_own", "coupled"])
def test_json_round_trip(model: object) -> None:
    markets = _market(bitcoin=model)
    again = MarketModel.model_validate_json(markets.model_dump_json())
    assert again == markets
    assert again["bitcoin"].model == model


def test_regime_validation() -> None:
    with pytest.raises(ValidationError, match=r"row 1 \('bear'\) sums to 0.9"):
        RegimeSwitching(regimes=REGIMES, transition=(TRANSITION[0], (0.3, 0.5, 0.1), TRANSITION[2]))
    with pytest.raises(ValidationError, match=r"in \[0, 1\]; got 1.2 in row 0"):
        RegimeSwitching(regimes=REGIMES, transition=((1.2, -0.2, 0.0), *TRANSITION[1:]))
    with pytest.raises(ValidationError, match="must be a 3 x 3 matrix"):
        RegimeSwitching(regimes=REGIMES, transition=TRANSITION[:2])
    with pytest.raises(ValidationError, match="initial must be one of"):
        RegimeSwitching(regimes=REGIMES, transition=TRANSITION, initial="boom")
    with pytest.raises(ValidationError, match="names must be unique"):
        RegimeSwitching(regimes=(REGIMES[0], REGIMES[0]), transition=((1.0, 0.0), (0.0, 1.0)))
    with pytest.raises(ValidationError, match="at least two regimes"):
        RegimeSwitching(regimes=REGIMES[:1], transition=((1.0,),))
    with pytest.raises(ValidationError, match="mean must be > -1"):
        RegimeSwitching(regimes=(("a", -1.0, 0.1), REGIMES[0]), transition=((0.5, 0.5), (0.5, 0.5)))


def test_regime_sampling_errors() -> None:
    flip = RegimeSwitching(regimes=REGIMES[:2], transition=((0.0, 1.0), (1.0, 0.0)))
    with pytest.raises(ValueError, match="per-period root"):
        flip.period_transition(PPY)
    wide = RegimeSwitching(
        regimes=(("up", 0.9, 0.1), ("down", -0.6, 0.1)), transition=((0.5, 0.5), (0.5, 0.5))
    )
    with pytest.raises(ValueError, match="spread of the regime means alone"):
        wide.period_parameters(0.1, np.array([0.2]), PPY)
