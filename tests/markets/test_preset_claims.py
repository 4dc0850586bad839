"""Every claim of the presets' documentation (alt401k.markets.presets), as a test.

Spell lengths are exact functions of the chain; sampled figures are checked
to 4 Monte Carlo standard errors computed from independent scenarios (years
within a scenario share a regime path, so they are not treated as
independent). Seeded, so deterministic.
"""

from __future__ import annotations

import numpy as np
import pytest

from alt401k._random import as_seed_sequence
from alt401k.markets import default_markets
from alt401k.markets.base import Draws
from alt401k.markets.presets import CRYPTO_HISTORY_REGIMES, CRYPTO_REGIMES

PPY = 12
N_YEARS = 8


def _drawdown_episodes(returns: np.ndarray, depth: float = 0.75) -> np.ndarray:
    """Separate drawdowns of at least ``depth`` per path (a new high between them)."""
    price = np.ones(returns.shape[0])
    peak = np.ones(returns.shape[0])
    counted = np.zeros(returns.shape[0], dtype=bool)
    count = np.zeros(returns.shape[0], dtype=np.int64)
    for t in range(returns.shape[1]):
        price *= 1.0 + returns[:, t]
        new_high = price >= peak
        peak = np.where(new_high, price, peak)
        counted &= ~new_high
        deep = ~counted & (price <= (1.0 - depth) * peak)
        count += deep
        counted |= deep
    return count


def test_drawdown_episodes_by_hand() -> None:
    # -80%, back to a new high, -76%: two; -80% then -90% with no new high: one.
    two = np.array([[-0.8, 4.5, -0.76, 0.0]])
    one = np.array([[-0.8, 1.0, -0.75, 0.1]])
    assert _drawdown_episodes(two)[0] == 2 and _drawdown_episodes(one)[0] == 1


# -------------------------------------------------------------- spell lengths


def test_realistic_spells_as_documented() -> None:
    # "bull spells last 3.3 years on average, bear spells 1.0 year and crashes 6.6 months"
    # (not the ~5 years an annual 0.80 would suggest: the monthly root can leave and
    # return within a year).
    q = CRYPTO_REGIMES.period_transition(PPY)
    months = 1.0 / (1.0 - np.diag(q))
    np.testing.assert_allclose(months / PPY, [3.3, 1.0, 6.6 / 12], atol=0.03)
    np.testing.assert_allclose(CRYPTO_REGIMES.stationary(), [0.69, 0.24, 0.07], atol=0.005)
    # The simulated chain: a regime is left with probability 1 - Q_kk each month.
    n_scenarios = 2_000
    draws = Draws(as_seed_sequence(3), 0, n_scenarios, 30, PPY, "bitcoin")
    regimes = CRYPTO_REGIMES.regime_paths(draws)
    stay = regimes[:, 1:] == regimes[:, :-1]
    for k, expected in enumerate(np.diag(q)):
        in_k = regimes[:, :-1] == k
        per_scenario_stays = (stay & in_k).sum(axis=1)
        per_scenario_months = in_k.sum(axis=1)
        ratio = per_scenario_stays.sum() / per_scenario_months.sum()
        # Ratio estimator: SE from the scenario-level residuals.
        residual = per_scenario_stays - ratio * per_scenario_months
        se = residual.std(ddof=1) * np.sqrt(n_scenarios) / per_scenario_months.sum()
        assert abs(ratio - expected) < 4 * se, (k, ratio, expected, se)


def test_history_chain_is_two_eras_of_the_realistic_cycle() -> None:
    chain = CRYPTO_HISTORY_REGIMES
    assert chain.names == (
        "bull", "bear", "crash", "bull_decoupled", "bear_decoupled", "crash_decoupled",
    )  # fmt: skip
    assert [r[1:] for r in chain.regimes[:3]] == [r[1:] for r in CRYPTO_REGIMES.regimes]
    assert chain.coupling == (1.0, 1.0, 1.0, 0.0, 0.0, 0.0)
    annual = np.array(chain.transition)
    era = annual.reshape(2, 3, 2, 3).sum(axis=3)[:, 0, :]  # rows of the era chain
    np.testing.assert_allclose(era, [[0.9, 0.1], [0.2, 0.8]], atol=1e-12)
    # "a third of the time decoupled"
    assert chain.stationary()[3:].sum() == pytest.approx(1 / 3, abs=1e-9)


# ---------------------------------------------------------- crypto_realistic


@pytest.fixture(scope="module")
def realistic_annual() -> tuple[np.ndarray, tuple[str, ...]]:
    market = default_markets("crypto_realistic")
    paths = market.sample(4_000, N_YEARS, PPY, rng=61)
    # Economic returns: the claim is about the model's correlations; the private assets'
    # reported (appraisal-smoothed, issue 16) values look less correlated, as appraisals do.
    return paths.annual_economic_returns(), market.names


def test_realistic_annual_correlations_are_the_base_ones(realistic_annual) -> None:
    # "the shock correlations are set so that the annual correlations come out as in
    # base": before issue 15, bitcoin's with intl/EM equity, PE and gold were diluted by
    # ~26% and bitcoin-ether rose to 0.83.
    annual, names = realistic_annual
    base = default_markets("lognormal").correlation_matrix
    z = (annual - annual.mean(axis=(0, 1))) / annual.std(axis=(0, 1))
    n_scenarios = annual.shape[0]
    for crypto in ("bitcoin", "ether"):
        i = names.index(crypto)
        for j, other in enumerate(names):
            if other in ("cash", crypto):
                continue
            per_scenario = (z[:, :, i] * z[:, :, j]).mean(axis=1)
            rho = per_scenario.mean()
            se = per_scenario.std(ddof=1) / np.sqrt(n_scenarios)
            assert abs(rho - base[i, j]) < 4 * se, (crypto, other, rho, base[i, j], se)


def test_realistic_meets_the_bounds_of_a_default_crypto_model() -> None:
    # What issue 16 asks of the default on 10,000 scenarios x 8 years monthly: bitcoin
    # annual volatility 35-85%, mean monthly excess kurtosis above 0.5, a 75% drawdown
    # within 8 years in 15-90% of scenarios, correlation with US equity 0.2-0.7.
    paths = default_markets("crypto_realistic").sample(
        10_000, N_YEARS, PPY, rng=16, assets=["bitcoin", "us_equity"]
    )
    annual = paths.annual_returns()
    assert 0.35 < annual[:, :, 0].std() < 0.85
    x = np.log1p(np.asarray(paths.returns[:, :, 0]))
    centred = x - x.mean(axis=1, keepdims=True)
    kurtosis = (centred**4).mean(axis=1) / (centred**2).mean(axis=1) ** 2 - 3.0
    assert kurtosis.mean() > 0.5  # per scenario, then averaged: ~2.8
    share = np.mean(_drawdown_episodes(np.asarray(paths.returns[:, :, 0])) >= 1)
    assert 0.15 < share < 0.90
    rho = np.corrcoef(annual[:, :, 0].ravel(), annual[:, :, 1].ravel())[0, 1]
    assert 0.2 < rho < 0.7


# ------------------------------------------------------------ crypto_history


@pytest.fixture(scope="module")
def history() -> tuple[np.ndarray, np.ndarray]:
    n_scenarios = 10_000
    paths = default_markets("crypto_history").sample(
        n_scenarios, N_YEARS, PPY, rng=2024, assets=["bitcoin", "us_equity"]
    )
    draws = Draws(as_seed_sequence(2024), 0, n_scenarios, N_YEARS, PPY, "bitcoin")
    decoupled = CRYPTO_HISTORY_REGIMES.regime_paths(draws) >= 3
    return np.asarray(paths.returns), decoupled


def test_history_volatility_is_the_records(history) -> None:
    # "bitcoin 15% / 70% ... flat (realised 68%)": every year's annual sd at 70%.
    returns, _ = history
    gross = (1 + returns[:, :, 0]).reshape(-1, N_YEARS, PPY).prod(axis=2)
    second = (gross**2).mean(axis=1)
    se = second.std(ddof=1) / np.sqrt(gross.shape[0])
    assert abs(second.mean() - (1.15**2 + 0.70**2)) < 4 * se
    assert 0.60 < gross.std() < 0.80


def test_history_drawdowns_as_documented(history) -> None:
    # "a 75% drawdown in 77% of paths and two separate ones in 3%" (realistic: 51%, 0.4%).
    returns, _ = history
    episodes = _drawdown_episodes(returns[:, :, 0])
    n = episodes.size
    for share, documented in ((np.mean(episodes >= 1), 0.77), (np.mean(episodes >= 2), 0.03)):
        se = np.sqrt(documented * (1 - documented) / n)
        assert abs(share - documented) < 4 * se, (share, documented)


def test_history_has_a_decoupled_regime(history) -> None:
    # "monthly equity correlation 0.52 in coupled months and 0.00 in decoupled ones (a
    # third of all months)"; monthly excess kurtosis ~4.5.
    returns, decoupled = history
    x = np.log1p(returns)
    se_share = decoupled.mean(axis=1).std(ddof=1) / np.sqrt(decoupled.shape[0])
    assert abs(decoupled.mean() - 1 / 3) < 4 * se_share
    for mask, documented in ((decoupled, 0.0), (~decoupled, 0.52)):
        a, b = x[:, :, 0], x[:, :, 1]
        za = np.where(mask, (a - a[mask].mean()) / a[mask].std(), 0.0)
        zb = np.where(mask, (b - b[mask].mean()) / b[mask].std(), 0.0)
        per_scenario = (za * zb).sum(axis=1)
        months = mask.sum(axis=1)
        rho = per_scenario.sum() / months.sum()
        se = (per_scenario - rho * months).std(ddof=1) * np.sqrt(months.size) / months.sum()
        assert abs(rho - documented) < 4 * se, (documented, rho, se)
    centred = x[:, :, 0] - x[:, :, 0].mean()
    kurtosis = (centred**4).mean() / (centred**2).mean() ** 2 - 3
    assert 3.5 < kurtosis < 5.5
