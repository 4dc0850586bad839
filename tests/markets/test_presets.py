"""Tests of the default market presets against CALIBRATION.md."""

from __future__ import annotations

import numpy as np
import pytest

import alt401k.markets as markets
from alt401k.adoption import Triangular
from alt401k.markets import PRESETS, InflationModel, MarketModel, RegimeSwitching, default_markets
from alt401k.markets.presets import (
    BITCOIN_VOLATILITY_SCHEDULE,
    CRYPTO_HISTORY_REGIMES,
    CRYPTO_REGIMES,
    DEFAULT_PRESET,
    ETHER_VOLATILITY_SCHEDULE,
    PRIVATE_SMOOTHING,
    PRIVATE_SMOOTHING_PERIODS_PER_YEAR,
    realistic_crypto_correlations,
)

NAMES = (
    "cash", "us_bonds", "us_equity", "intl_equity", "em_equity", "real_estate",
    "infrastructure", "commodities", "gold", "private_equity", "private_credit",
    "bitcoin", "ether",
)  # fmt: skip

#: J.P. Morgan 2026 LTCMA (arithmetic, volatility), CALIBRATION.md.
LTCMA = {
    "cash": (0.031, 0.007),
    "us_bonds": (0.049, 0.048),
    "us_equity": (0.079, 0.165),
    "intl_equity": (0.089, 0.176),
    "em_equity": (0.097, 0.209),
    "real_estate": (0.088, 0.114),
    "infrastructure": (0.070, 0.103),
    "commodities": (0.062, 0.183),
    "gold": (0.068, 0.167),
    "private_equity": (0.119, 0.198),
    "private_credit": (0.086, 0.140),
}

#: Published LTCMA correlations plus the brief's crypto judgement values.
PUBLISHED = {
    ("us_equity", "us_bonds"): 0.30,
    ("us_equity", "intl_equity"): 0.87,
    ("us_equity", "em_equity"): 0.73,
    ("us_equity", "real_estate"): 0.35,
    ("us_equity", "infrastructure"): 0.47,
    ("us_equity", "commodities"): 0.42,
    ("us_equity", "private_equity"): 0.75,
    ("us_equity", "private_credit"): 0.55,
    ("us_bonds", "real_estate"): -0.15,
    ("private_equity", "private_credit"): 0.66,
    ("real_estate", "private_equity"): 0.32,
    ("bitcoin", "us_equity"): 0.45,
    ("ether", "us_equity"): 0.50,
    ("bitcoin", "ether"): 0.80,
}

CRYPTO = {
    "lognormal": {"bitcoin": (0.15, 0.55), "ether": (0.18, 0.75)},
    "base": {"bitcoin": (0.15, 0.55), "ether": (0.18, 0.75)},
    "crypto_realistic": {"bitcoin": (0.15, 0.55), "ether": (0.18, 0.75)},
    "crypto_bull": {"bitcoin": (0.20, 0.55), "ether": (0.25, 0.75)},
    "crypto_bear": {"bitcoin": (0.05, 0.55), "ether": (0.03, 0.75)},
    "low_equity_returns": {"bitcoin": (0.15, 0.55), "ether": (0.18, 0.75)},
    "crypto_uncertain": {"bitcoin": (0.15, 0.55), "ether": (0.18, 0.75)},
    "crypto_history": {"bitcoin": (0.15, 0.70), "ether": (0.18, 0.95)},
}
#: The exact lognormal and its old name (the default until issue 16).
LOGNORMAL = ("lognormal", "base")
#: Presets on the realistic crypto model: the default and what changes one judgement of it.
REALISTIC = ("crypto_realistic", "crypto_bull", "crypto_bear", "low_equity_returns",
             "crypto_uncertain")  # fmt: skip
#: Presets on a regime chain: their crypto shock correlations are raised (presets.py).
REGIME_PRESETS = (*REALISTIC, "crypto_history")
#: Private assets whose reported NAV is appraisal-smoothed in every preset but the lognormal.
SMOOTHED = ("private_equity", "private_credit")
#: Shock correlations of the regime presets: base x 1.36 (bitcoin), x 1.22 (ether).
REALISTIC_SHOCKS = {
    ("bitcoin", "us_equity"): 0.612,
    ("ether", "us_equity"): 0.61,
    ("bitcoin", "ether"): 0.735,
    ("bitcoin", "intl_equity"): 0.476,
    ("ether", "private_equity"): 0.488,
}
LOW_EQUITY = {"us_equity": 0.059, "intl_equity": 0.069, "em_equity": 0.077}

FEES = {
    "cash": 0.0010, "us_bonds": 0.0022, "us_equity": 0.0031, "intl_equity": 0.0031,
    "em_equity": 0.0031, "private_equity": 0.0100, "private_credit": 0.0100,
    "bitcoin": 0.0025, "ether": 0.0025,
}  # fmt: skip


def test_public_names() -> None:
    assert set(markets.__all__) >= {
        "AssetClass", "InflationModel", "MarketModel", "ReturnPaths", "default_markets", "PRESETS"
    }  # fmt: skip
    assert PRESETS == (
        "crypto_realistic", "lognormal", "base", "crypto_bull", "crypto_bear",
        "low_equity_returns", "crypto_uncertain", "crypto_history",
    )  # fmt: skip
    assert set(REGIME_PRESETS) | set(LOGNORMAL) == set(PRESETS)


@pytest.mark.parametrize("preset", PRESETS)
def test_preset_builds_with_all_assets_and_sources(preset: str) -> None:
    model = default_markets(preset)
    assert isinstance(model, MarketModel)
    assert model.names == NAMES
    for asset in model.assets:
        assert asset.source.strip() and asset.label.strip()
    for name in ("bitcoin", "ether"):
        assert model[name].source.startswith("est.:")
        assert (model[name].expected_return, model[name].volatility) == CRYPTO[preset][name]
    assert model.inflation == InflationModel()


@pytest.mark.parametrize("preset", PRESETS)
def test_published_numbers_are_exact(preset: str) -> None:
    model = default_markets(preset)
    for name, (mean, vol) in LTCMA.items():
        if preset == "low_equity_returns" and name in LOW_EQUITY:
            assert model[name].source.startswith("est.: low_equity_returns")
            assert f"now {LOW_EQUITY[name] * 100:.1f}%" in model[name].source
            mean = LOW_EQUITY[name]
        assert (model[name].expected_return, model[name].volatility) == (mean, vol), name
        assert "J.P. Morgan 2026 LTCMA" in model[name].source
        assert f"arithmetic {LTCMA[name][0] * 100:.1f}%" in model[name].source
        assert f"vol {vol * 100:.1f}%" in model[name].source
    for name, fee in FEES.items():
        assert model[name].expense_ratio == fee, name
    assert "ICI" in model["us_equity"].source and "0.31%" in model["us_equity"].source
    assert "IBIT" in model["bitcoin"].source
    for name in (
        "real_estate",
        "infrastructure",
        "commodities",
        "gold",
        "private_equity",
        "private_credit",
        "cash",
    ):
        assert "expense est." in model[name].source, name
    assert (model.inflation.mean, model.inflation.volatility) == (0.025, 0.018)


@pytest.mark.parametrize("preset", PRESETS)
def test_correlations(preset: str) -> None:
    model = default_markets(preset)
    corr = model.correlation_matrix
    index = {name: i for i, name in enumerate(model.names)}
    expected = {**PUBLISHED, **(REALISTIC_SHOCKS if preset in REGIME_PRESETS else {})}
    for (a, b), rho in expected.items():
        assert corr[index[a], index[b]] == corr[index[b], index[a]] == rho, (a, b)
    assert np.array_equal(corr, corr.T) and np.all(np.diag(corr) == 1.0)
    assert np.all(corr[index["cash"], :] == np.eye(len(NAMES))[index["cash"]])
    # Positive definite with a margin, before and after the lognormal transform.
    assert np.linalg.eigvalsh(corr)[0] > 0.05
    v = model.volatilities / (1 + model.expected_returns)
    log_var = np.log1p(v**2)
    log_corr = np.log1p(corr * np.outer(v, v)) / np.sqrt(np.outer(log_var, log_var))
    # Base ~0.097; the regime presets' raised crypto shock correlations ~0.085.
    assert np.linalg.eigvalsh(log_corr)[0] > 0.08
    m, factor = model.log_params(12)
    assert np.all(np.isfinite(m)) and np.allclose(np.triu(factor, 1), 0.0)


def test_presets_differ_only_where_documented() -> None:
    lognormal = default_markets("lognormal")
    default = default_markets()
    shocks = realistic_crypto_correlations()
    assert len(shocks) == 21  # every pair of bitcoin or ether with another asset but cash
    # The default differs from the exact lognormal in crypto (model and shock
    # correlations) and in the private assets' appraisal smoothing, nothing else.
    undone = default
    for (a, b), rho in shocks.items():
        assert default.correlation_matrix[NAMES.index(a), NAMES.index(b)] == rho
        undone = undone.with_correlation(a, b, lognormal.correlation_matrix[
            NAMES.index(a), NAMES.index(b)])  # fmt: skip
    assert undone.correlation == lognormal.correlation
    plain = [name for name in NAMES[:-2] if name not in SMOOTHED]
    assert default.subset(plain) == lognormal.subset(plain)
    for name in SMOOTHED:
        unsmoothed = default[name].model_copy(
            update={"smoothing": 0.0, "smoothing_periods_per_year": None,
                    "source": lognormal[name].source}
        )  # fmt: skip
        assert unsmoothed == lognormal[name]
    # Every other preset changes one judgement of the default.
    for preset in ("crypto_bull", "crypto_bear", "crypto_uncertain", "crypto_history"):
        other = default_markets(preset)
        assert other.subset(NAMES[:-2]) == default.subset(NAMES[:-2])
        assert other.correlation == default.correlation
        if preset == "crypto_uncertain":
            assert other["ether"] == default["ether"]
        if preset == "crypto_history":
            assert other["bitcoin"].model == other["ether"].model == CRYPTO_HISTORY_REGIMES
    low = default_markets("low_equity_returns")
    assert low.correlation == default.correlation
    others = [name for name in NAMES if name not in LOW_EQUITY]
    assert low.subset(others) == default.subset(others)


@pytest.mark.parametrize("preset", REALISTIC)
def test_realistic_crypto_model(preset: str) -> None:
    model = default_markets(preset)
    assert (
        model["bitcoin"].volatility_schedule
        == BITCOIN_VOLATILITY_SCHEDULE
        == ((0, 0.55), (10, 0.40))
    )
    assert (
        model["ether"].volatility_schedule == ETHER_VOLATILITY_SCHEDULE == ((0, 0.75), (10, 0.55))
    )
    for name in ("bitcoin", "ether"):
        regimes = model[name].model
        assert isinstance(regimes, RegimeSwitching) and regimes == CRYPTO_REGIMES
        assert regimes.shared and regimes.scale_to_stated
        assert "shared bull/bear/crash regimes" in model[name].source
    assert regimes.names == ("bull", "bear", "crash")
    assert np.allclose(regimes.stationary(), [0.6867, 0.2403, 0.0730], atol=1e-3)
    np.testing.assert_allclose(
        model["bitcoin"].volatility_by_year(12)[[0, 5, 10, 11]], [0.55, 0.475, 0.40, 0.40]
    )


@pytest.mark.parametrize("preset", LOGNORMAL)
def test_lognormal_preset_is_the_exact_lognormal(preset: str) -> None:
    model = default_markets(preset)
    for asset in model.assets:
        assert asset.model is None and asset.volatility_schedule is None, asset.name
        assert asset.expected_return_uncertainty is None and asset.ruin_hazard == 0.0
        assert not asset.is_private, asset.name


def test_uncertain_is_the_default_with_a_drawn_mean_and_a_ruin_hazard() -> None:
    btc = default_markets("crypto_uncertain")["bitcoin"]
    assert btc.expected_return_uncertainty == Triangular(low=-0.05, mode=0.12, high=0.30)
    assert (btc.ruin_hazard, btc.ruin_loss) == (0.01, 0.9) and btc.model == CRYPTO_REGIMES
    assert "Triangular(-5%, 12%, 30%)" in btc.source and "1%/yr" in btc.source
    undone = btc.model_copy(update={
        "expected_return_uncertainty": None, "ruin_hazard": 0.0,
        "source": default_markets()["bitcoin"].source,
    })  # fmt: skip
    assert undone == default_markets()["bitcoin"]


@pytest.mark.parametrize("preset", PRESETS)
def test_private_assets_report_smoothed_values_except_in_the_lognormal(preset: str) -> None:
    model = default_markets(preset)
    for asset in model.assets:
        if asset.name in SMOOTHED and preset not in LOGNORMAL:
            assert (asset.smoothing, asset.smoothing_periods_per_year) == (0.5, 4)
            assert (PRIVATE_SMOOTHING, PRIVATE_SMOOTHING_PERIODS_PER_YEAR) == (0.5, 4)
            assert asset.smoothing_per_period(12) == pytest.approx(0.7937005259840998)
            assert "appraisal-smoothed" in asset.source and "est." in asset.source
            # Fees are the sleeve's (CALIBRATION: about 1% or more all-in, est.).
            assert asset.expense_ratio == 0.01
        else:
            assert asset.smoothing == 0.0, (preset, asset.name)
        assert asset.default_rate == 0.0 and asset.liquidity_share == 0.0


def test_default_is_crypto_realistic_base_is_the_lognormal_and_immutable() -> None:
    assert DEFAULT_PRESET == "crypto_realistic"
    assert default_markets() is default_markets("crypto_realistic")
    assert default_markets("base") is default_markets("lognormal")
    assert default_markets() != default_markets("lognormal")
    model = default_markets()
    model.correlation_matrix[0, 1] = 0.5  # a fresh array: the model is untouched
    assert model.correlation[0][1] == 0.0


def test_unknown_preset() -> None:
    with pytest.raises(
        ValueError,
        match=r"unknown preset 'moon'; available: crypto_realistic, lognormal, base, "
        r"crypto_bull, crypto_bear, low_equity_returns, crypto_uncertain, crypto_history$",
    ):
        default_markets("moon")


@pytest.mark.parametrize("preset", PRESETS)
def test_default_sample_smoke(preset: str) -> None:
    paths = default_markets(preset).sample(3, 2, rng=0)
    assert paths.returns.shape == (3, 24, 13) and paths.asset_names == NAMES
    assert np.all(np.isfinite(paths.returns)) and np.all(paths.returns >= -1)


def test_base_paths_unchanged_by_other_presets() -> None:
    # Building the opt-in presets must not change the default's draws.
    before = default_markets().sample(4, 2, rng=5).returns.copy()
    for preset in PRESETS:
        default_markets(preset)
    np.testing.assert_array_equal(default_markets().sample(4, 2, rng=5).returns, before)
