"""Volatility schedules, uncertain expected returns, ruin and AR(1) inflation.

Statistical checks use 4 Monte Carlo standard errors estimated from the
sample itself; every run is seeded, so the outcomes are deterministic.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from alt401k._random import Stream, as_seed_sequence, period_normals
from alt401k._warnings import Alt401kWarning
from alt401k.adoption import Uniform
from alt401k.markets import AssetClass, InflationModel, MarketModel
from alt401k.markets.lognormal import _shocks_to_returns
from alt401k.markets.model import NO_RUIN

N = 20_000
PPY = 12


def _market(inflation: InflationModel | None = None, **bitcoin: object) -> MarketModel:
    assets = [
        AssetClass(name="equity", expected_return=0.07, volatility=0.16, source="test"),
        AssetClass(name="bitcoin", expected_return=0.15, volatility=0.55, source="test", **bitcoin),
    ]
    return MarketModel.from_assets(
        assets, {("equity", "bitcoin"): 0.4}, inflation=inflation or InflationModel()
    )


def _mean_close(values: np.ndarray, target: float) -> None:
    se = values.std(ddof=1) / np.sqrt(values.size)
    assert abs(values.mean() - target) < 4 * se, (values.mean(), target, se)


def _std_close(values: np.ndarray, target: float) -> None:
    centred = values - values.mean()
    var = centred.var(ddof=1)
    se_var = np.sqrt((np.mean(centred**4) - var**2) / values.size)
    se_std = se_var / (2 * np.sqrt(var))
    assert abs(np.sqrt(var) - target) < 4 * se_std, (np.sqrt(var), target, se_std)


def _corr_close(x: np.ndarray, y: np.ndarray, target: float) -> None:
    r = float(np.corrcoef(x, y)[0, 1])
    se = (1 - r * r) / np.sqrt(x.size - 3)
    assert abs(r - target) < 4 * se, (r, target, se)


# ------------------------------------------------------------------ defaults


def test_defaults_reproduce_the_plain_lognormal_construction() -> None:
    markets = _market(
        inflation=InflationModel(persistence=0.0, asset_correlation=()),
        volatility_schedule=None,
        expected_return_uncertainty=None,
        ruin_hazard=0.0,
    )
    paths = markets.sample(1500, 3, rng=11)
    root = as_seed_sequence(11)
    shocks = period_normals(root, Stream.ASSETS, 0, 1500, 3, PPY, 2)
    mean, factor = markets.log_params(PPY)
    _shocks_to_returns(shocks, mean, factor)
    np.testing.assert_array_equal(paths.returns, shocks)
    infl_mean, infl_sd = markets.inflation.log_params(PPY)
    z = period_normals(root, Stream.INFLATION, 0, 1500, 3, PPY, 1).reshape(1500, 3 * PPY)
    np.testing.assert_array_equal(paths.inflation, np.expm1(z * infl_sd + infl_mean))
    assert paths.parameters == {}
    plain = _market().sample(1500, 3, rng=11)
    np.testing.assert_array_equal(plain.returns, paths.returns)
    np.testing.assert_array_equal(plain.inflation, paths.inflation)


# ------------------------------------------------------------------ schedule


def test_volatility_schedule_moments() -> None:
    markets = _market(volatility_schedule=((0, 0.55), (10, 0.40)))
    paths = markets.sample(N, 16, rng=1, assets=["bitcoin"])
    annual = paths.annual_returns()[:, :, 0]
    _std_close(annual[:, 0], 0.55)
    _std_close(annual[:, 5], 0.475)
    _std_close(annual[:, 15], 0.40)
    for year in (0, 5, 15):
        _mean_close(annual[:, year], 0.15)


def test_volatility_schedule_prefix_and_chunks() -> None:
    markets = _market(volatility_schedule=((0, 0.55), (10, 0.40)))
    long = markets.sample(1200, 12, rng=3)
    short = markets.sample(1200, 5, rng=3)
    np.testing.assert_array_equal(long.returns[:, : 5 * PPY], short.returns)
    part = markets.sample(500, 12, rng=3, first_scenario=700)
    np.testing.assert_array_equal(long.returns[700:], part.returns)


# --------------------------------------------------------------- uncertainty


def test_expected_return_uncertainty_draws_and_conditional_mean() -> None:
    distribution = Uniform(low=0.0, high=0.3)
    markets = _market(expected_return_uncertainty=distribution)
    paths = markets.sample(N, 10, rng=5, assets=["bitcoin"])
    draws = paths.parameters["bitcoin/expected_return"]
    assert draws.shape == (N,)
    assert not draws.flags.writeable
    _mean_close(draws, distribution.mean)
    residual = paths.annual_returns()[:, :, 0].mean(axis=1) - draws
    edges = np.quantile(draws, [0.0, 0.25, 0.5, 0.75, 1.0])
    for lo, hi in itertools.pairwise(edges):
        _mean_close(residual[(draws >= lo) & (draws <= hi)], 0.0)
    # Slope of the residual on the draw is zero (OLS, 4 standard errors).
    x = draws - draws.mean()
    slope = float(x @ residual / (x @ x))
    fitted = residual - residual.mean() - slope * x
    se = np.sqrt(fitted.var(ddof=2) / (x @ x))
    assert abs(slope) < 4 * se


def test_expected_return_uncertainty_chunks_and_prefix() -> None:
    markets = _market(expected_return_uncertainty=Uniform(low=0.0, high=0.3))
    whole = markets.sample(2500, 10, rng=9)
    first = markets.sample(1300, 10, rng=9)
    second = markets.sample(1200, 10, rng=9, first_scenario=1300)
    np.testing.assert_array_equal(whole.returns, np.concatenate([first.returns, second.returns]))
    key = "bitcoin/expected_return"
    np.testing.assert_array_equal(
        whole.parameters[key], np.concatenate([first.parameters[key], second.parameters[key]])
    )
    short = markets.sample(2500, 5, rng=9)
    np.testing.assert_array_equal(whole.returns[:, : 5 * PPY], short.returns)
    np.testing.assert_array_equal(whole.parameters[key], short.parameters[key])
    only_equity = markets.sample(100, 2, rng=9, assets=["equity"])
    assert only_equity.parameters == {}


def test_expected_return_uncertainty_round_trips() -> None:
    asset = AssetClass(
        name="bitcoin",
        expected_return=0.15,
        volatility=0.55,
        source="test",
        expected_return_uncertainty=Uniform(low=0.0, high=0.3),
    )
    again = AssetClass.model_validate(asset.model_dump())
    assert again.expected_return_uncertainty == asset.expected_return_uncertainty
    again = AssetClass.model_validate_json(asset.model_dump_json())
    assert again.expected_return_uncertainty == asset.expected_return_uncertainty


# ---------------------------------------------------------------------- ruin


def test_ruin_frequency_and_paths() -> None:
    hazard, loss = 0.1, 0.9
    markets = _market(ruin_hazard=hazard, ruin_loss=loss)
    paths = markets.sample(N, 10, rng=7)
    ruin_year = paths.parameters["bitcoin/ruin_year"]
    for k in (1, 5, 10):
        ruined = (ruin_year < k).astype(float)
        p = 1 - (1 - hazard) ** k
        assert abs(ruined.mean() - p) < 4 * np.sqrt(p * (1 - p) / N)
    bitcoin = paths.asset("bitcoin")
    rows = np.flatnonzero(ruin_year < 10)
    first = ruin_year[rows].astype(int) * PPY
    np.testing.assert_array_equal(bitcoin[rows, first], -loss)
    after = np.arange(10 * PPY)[None, :] > first[:, None]
    assert np.all(bitcoin[rows][after] == 0.0)
    before = np.arange(10 * PPY)[None, :] < first[:, None]
    assert np.all(bitcoin[rows][before] != 0.0)
    plain = _market().sample(N, 10, rng=7)
    np.testing.assert_array_equal(paths.asset("equity"), plain.asset("equity"))
    never = np.flatnonzero(ruin_year >= 10)
    np.testing.assert_array_equal(bitcoin[never], plain.asset("bitcoin")[never])
    assert np.all((ruin_year == np.floor(ruin_year)) & (ruin_year <= NO_RUIN))


def test_ruin_zero_hazard_never_ruins_and_prefix() -> None:
    plain = _market().sample(800, 4, rng=2)
    zero = _market(ruin_hazard=0.0, ruin_loss=1.0).sample(800, 4, rng=2)
    np.testing.assert_array_equal(plain.returns, zero.returns)
    assert zero.parameters == {}
    markets = _market(ruin_hazard=0.2, ruin_loss=1.0)
    long = markets.sample(1200, 10, rng=2)
    short = markets.sample(1200, 5, rng=2)
    np.testing.assert_array_equal(long.returns[:, : 5 * PPY], short.returns)
    key = "bitcoin/ruin_year"
    np.testing.assert_array_equal(long.parameters[key], short.parameters[key])
    part = markets.sample(300, 10, rng=2, first_scenario=900)
    np.testing.assert_array_equal(long.returns[900:], part.returns)
    certain = _market(ruin_hazard=1.0).sample(50, 2, rng=2)
    np.testing.assert_array_equal(certain.parameters[key], 0.0)


# ------------------------------------------------------------ AR(1) inflation


def test_ar1_inflation_moments() -> None:
    phi, rho = 0.6, -0.3
    inflation = InflationModel(persistence=phi, asset_correlation=(("equity", rho),))
    markets = _market(inflation=inflation)
    paths = markets.sample(N, 10, rng=4)
    x = np.log1p(paths.inflation)
    _corr_close(x[:, 60], x[:, 61], phi)
    m_phi, s = inflation.ar1_log_params(PPY)
    e = x - m_phi
    innovation = (e[:, 1:] - phi * e[:, :-1]) / (np.sqrt(1 - phi * phi) * s)
    mean, factor = markets.log_params(PPY)
    sd = np.sqrt(np.sum(factor * factor, axis=1))
    shock = (np.log1p(paths.asset("equity")) - mean[0]) / sd[0]
    _corr_close(innovation.ravel(), shock[:, 1:].ravel(), rho)
    _corr_close(e[:, 0], shock[:, 0], rho)
    annual = paths.annual_inflation()
    _mean_close(annual.mean(axis=1), 0.025)
    _std_close(x[:, 30], s)


def test_ar1_inflation_prefix_and_chunks() -> None:
    inflation = InflationModel(persistence=0.8, asset_correlation=(("bitcoin", 0.2),))
    markets = _market(inflation=inflation)
    long = markets.sample(1200, 10, rng=6)
    short = markets.sample(1200, 5, rng=6)
    np.testing.assert_array_equal(long.inflation[:, : 5 * PPY], short.inflation)
    part = markets.sample(300, 10, rng=6, first_scenario=900)
    np.testing.assert_array_equal(long.inflation[900:], part.inflation)
    np.testing.assert_array_equal(long.returns, _market().sample(1200, 10, rng=6).returns)


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("fields", "match"),
    [
        ({"ruin_hazard": 1.5}, r"ruin_hazard must be in \[0, 1\].*got 1.5"),
        ({"ruin_hazard": -0.1}, r"ruin_hazard must be in \[0, 1\].*got -0.1"),
        ({"ruin_loss": 0.0}, r"ruin_loss must be in \(0, 1\].*got 0.0"),
        ({"ruin_loss": 1.2}, r"ruin_loss must be in \(0, 1\].*got 1.2"),
        ({"volatility_schedule": ((0, 0.5), (0, 0.4))}, "strictly increasing"),
        ({"volatility_schedule": ((3, 0.5), (1, 0.4))}, "strictly increasing"),
        ({"volatility_schedule": ((-1, 0.5),)}, "strictly increasing"),
        ({"volatility_schedule": ((0, -0.5),)}, r"must be >= 0; got -0.5"),
        ({"volatility_schedule": ()}, "at least one"),
        ({"expected_return_uncertainty": 0.1}, "must be None or a distribution"),
        (
            {"expected_return_uncertainty": Uniform(low=-1.5, high=0.3)},
            "support above -1",
        ),
    ],
)
def test_asset_errors(fields: dict[str, object], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        AssetClass(name="x", expected_return=0.1, volatility=0.5, source="test", **fields)


def test_schedule_warns_above_150_percent() -> None:
    with pytest.warns(Alt401kWarning, match="volatility_schedule volatility 1.6"):
        AssetClass(
            name="x",
            expected_return=0.1,
            volatility=0.5,
            source="test",
            volatility_schedule=((0, 1.6),),
        )


@pytest.mark.parametrize(
    ("fields", "match"),
    [
        ({"persistence": 1.0}, r"persistence must be in \[0, 1\).*got 1.0"),
        ({"persistence": -0.2}, r"persistence must be in \[0, 1\).*got -0.2"),
        ({"asset_correlation": (("equity", 1.5),)}, r"must be in \[-1, 1\]; got 1.5"),
        ({"asset_correlation": (("a", 0.8), ("b", 0.8))}, "sum to at most 1"),
        ({"asset_correlation": (("a", 0.1), ("a", 0.2))}, "duplicated: 'a'"),
    ],
)
def test_inflation_errors(fields: dict[str, object], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        InflationModel(**fields)


def test_inflation_correlation_needs_known_assets() -> None:
    with pytest.raises(ValueError, match="unknown asset 'gold'"):
        _market(inflation=InflationModel(asset_correlation=(("gold", 0.2),)))
    with pytest.raises(ValueError, match="cannot hold together"):
        # Equity and bitcoin are positively correlated; opposite extreme loadings clash.
        _market(inflation=InflationModel(asset_correlation=(("equity", 0.7), ("bitcoin", -0.7))))


def test_market_draws_reach_the_results():
    import alt401k as ak

    markets = ak.default_markets().replace_asset(
        "bitcoin", expected_return_uncertainty=ak.Uniform(0.0, 0.3), ruin_hazard=0.05
    )
    saver = ak.Participant(age=60, salary=50_000, deferral_rate=0.05)
    portfolio = ak.Portfolio(weights={"us_equity": 1.0}, alt_sleeve={"bitcoin": 0.05})
    res = ak.simulate_participant(
        saver, portfolio=portfolio, markets=markets, n_scenarios=30, rng=1
    )
    assert res.market_draws["bitcoin/expected_return"].shape == (30,)
    out = ak.Scenario(markets=markets, horizon_years=2).run(30, rng=1)
    np.testing.assert_array_equal(
        out.draws["markets/bitcoin/expected_return"], res.market_draws["bitcoin/expected_return"]
    )
    assert "markets/bitcoin/ruin_year" in out.draws


def test_volatility_uncertainty_drawn_per_scenario():
    import alt401k as ak

    markets = ak.default_markets("lognormal").replace_asset(
        "bitcoin", volatility_uncertainty=ak.Uniform(0.30, 0.80)
    )
    n = 20_000
    paths = markets.sample(n, 3, rng=11, assets=["bitcoin", "us_equity"])
    vols = paths.parameters["bitcoin/volatility"]
    assert vols.shape == (n,)
    # Draws follow the distribution: mean 0.55, sd 0.5 / sqrt(12); 4 SE.
    assert abs(vols.mean() - 0.55) < 4 * (0.5 / np.sqrt(12)) / np.sqrt(n)
    # Scenarios that drew a high volatility have more dispersed annual returns.
    annual = paths.annual_returns()[:, :, 0]
    high = vols > 0.7
    low = vols < 0.4
    assert annual[high].std() > annual[low].std() * 1.5
    # Other assets are untouched, and the draw is chunk-invariant.
    base = ak.default_markets().sample(n, 3, rng=11, assets=["us_equity"])
    np.testing.assert_array_equal(paths.returns[:, :, 1], base.returns[:, :, 0])
    part = markets.sample(500, 3, rng=11, first_scenario=1_700, assets=["bitcoin", "us_equity"])
    np.testing.assert_array_equal(part.returns, paths.returns[1_700:2_200])
    with pytest.raises(ValueError, match="volatility_uncertainty must have support >= 0"):
        markets.replace_asset("bitcoin", volatility_uncertainty=ak.Uniform(-0.1, 0.5))
