"""The default markets' crypto (the realistic preset) has the character of the record.

10,000 scenarios, 8 years monthly, bitcoin and us_equity only (CALIBRATION.md,
Crypto), one sample of ``default_markets()`` shared by every test. Each check
allows 4 Monte Carlo standard errors, computed from the scenarios (which are
independent; periods within a scenario need not be).
"""

from __future__ import annotations

import numpy as np
import pytest

from alt401k.markets import default_markets

N_SCENARIOS = 10_000
N_YEARS = 8
PPY = 12
#: Share of scenarios with a bitcoin drawdown of at least 75% within 8 years,
#: as documented in alt401k.markets.presets (51.3% on 100,000 scenarios).
DOCUMENTED_DRAWDOWN_SHARE = 0.513


@pytest.fixture(scope="module")
def returns() -> np.ndarray:
    # Issue 16: the default is the realistic model, not the lognormal.
    assert default_markets() is default_markets("crypto_realistic")
    paths = default_markets().sample(
        N_SCENARIOS, N_YEARS, PPY, rng=2024, assets=["bitcoin", "us_equity"]
    )
    return np.asarray(paths.returns)


def annual(returns: np.ndarray) -> np.ndarray:
    """Annual simple returns (S, Y, 2)."""
    return (1.0 + returns).reshape(N_SCENARIOS, N_YEARS, PPY, 2).prod(axis=2) - 1.0


def test_annual_volatility_in_stated_range_and_on_schedule(returns: np.ndarray) -> None:
    btc = annual(returns)[:, :, 0]
    schedule = default_markets("crypto_realistic")["bitcoin"].volatility_by_year(N_YEARS)
    centred = btc - btc.mean(axis=0)
    sd = np.sqrt((centred**2).mean(axis=0))
    se = np.std(centred**2, axis=0, ddof=1) / np.sqrt(N_SCENARIOS) / (2 * sd)
    assert np.all(sd > 0.40 - 4 * se) and np.all(sd < 0.60 + 4 * se), sd
    # Exact match is for the stationary chain; each year starts stationary.
    assert np.all(np.abs(sd - schedule) < 4 * se), (sd, schedule, se)


def test_monthly_log_returns_have_fat_tails(returns: np.ndarray) -> None:
    x = np.log1p(returns[:, :, 0])
    x = x - x.mean()
    m2 = (x**2).mean(axis=1)  # per scenario
    m4 = (x**4).mean(axis=1)
    big_m2, big_m4 = m2.mean(), m4.mean()
    kurtosis = big_m4 / big_m2**2 - 3.0
    # Delta method for the ratio of scenario means.
    linear = (m4 - big_m4) / big_m2**2 - 2.0 * big_m4 * (m2 - big_m2) / big_m2**3
    se = linear.std(ddof=1) / np.sqrt(N_SCENARIOS)
    assert kurtosis - 4 * se > 0.0, (kurtosis, se)
    # The lognormal base has none (CALIBRATION daily excess kurtosis is 11).
    assert kurtosis > 2.0


def test_deep_drawdown_share_as_documented(returns: np.ndarray) -> None:
    price = np.cumprod(1.0 + returns[:, :, 0], axis=1)
    peak = np.maximum.accumulate(np.maximum(price, 1.0), axis=1)
    worst = (1.0 - price / peak).max(axis=1)
    share = float(np.mean(worst >= 0.75))
    p = DOCUMENTED_DRAWDOWN_SHARE
    se = np.sqrt(p * (1 - p) / N_SCENARIOS)
    assert abs(share - p) < 4 * se, share


def test_annual_equity_correlation_in_2020_25_range(returns: np.ndarray) -> None:
    g = annual(returns)
    z = (g - g.mean(axis=0)) / g.std(axis=0)
    per_scenario = (z[:, :, 0] * z[:, :, 1]).mean(axis=1)
    rho = per_scenario.mean()
    se = per_scenario.std(ddof=1) / np.sqrt(N_SCENARIOS)  # conservative
    assert 0.40 - 4 * se < rho < 0.60 + 4 * se, (rho, se)


def test_default_markets_bitcoin_meets_the_issue_16_bounds(returns: np.ndarray) -> None:
    """Issue 16, done when: ``default_markets()`` bitcoin, 10,000 x 8 years monthly.

    Annual volatility 35-85%, mean monthly excess kurtosis above 0.5, a drawdown of
    at least 75% within 8 years in 15-90% of scenarios, correlation with US equity
    0.2-0.7. Measured (seed 2024): 49.9%, 2.8, 51.6%, 0.52 monthly / 0.46 annual;
    the exact lognormal (``preset="lognormal"``) gives 55.1%, -0.06, 38.9%, 0.47.
    """
    btc = returns[:, :, 0]
    g = annual(returns)
    vol = g[:, :, 0].std(axis=0)  # per year of the path, across scenarios
    assert np.all((vol > 0.35) & (vol < 0.85)), vol
    # Excess kurtosis of each scenario's 96 monthly log returns, averaged over
    # scenarios (a normal sample of 96 gives -6 / 97 = -0.06 on average).
    x = np.log1p(btc)
    x = x - x.mean(axis=1, keepdims=True)
    kurtosis = (x**4).mean(axis=1) / (x**2).mean(axis=1) ** 2 - 3.0
    se = kurtosis.std(ddof=1) / np.sqrt(N_SCENARIOS)
    assert kurtosis.mean() - 4 * se > 0.5, (kurtosis.mean(), se)
    price = np.cumprod(1.0 + btc, axis=1)
    peak = np.maximum.accumulate(np.maximum(price, 1.0), axis=1)
    share = float(np.mean((1.0 - price / peak).max(axis=1) >= 0.75))
    assert 0.15 < share < 0.90, share
    for rho in (
        np.corrcoef(np.log1p(returns[:, :, 0]).ravel(), np.log1p(returns[:, :, 1]).ravel())[0, 1],
        np.corrcoef(g[:, :, 0].ravel(), g[:, :, 1].ravel())[0, 1],
    ):
        assert 0.2 < rho < 0.7, rho
