"""Private assets: appraisal smoothing, default losses, liquidity sleeves."""

from __future__ import annotations

import numpy as np
import pytest
from pydantic import ValidationError

from alt401k.markets import AssetClass, MarketModel
from alt401k.markets.private import pre_default_volatility, smoothed_volatility_factor

N_SCENARIOS = 20_000
PPY = 12
YEARS = 8
CASH = dict(name="cash", expected_return=0.031, volatility=0.007, source="test")
CREDIT = dict(name="private_credit", expected_return=0.086, volatility=0.14, source="test")


def market(**credit: float | str) -> MarketModel:
    return MarketModel(
        assets=(AssetClass(**CASH), AssetClass(**{**CREDIT, **credit})),
        correlation=[[1.0, 0.2], [0.2, 1.0]],
    )


@pytest.fixture(scope="module")
def smoothed():
    phi = 0.6
    paths = market(smoothing=phi).sample(N_SCENARIOS, YEARS, PPY, rng=11)
    return phi, paths


def test_smoothing_keeps_both_series_and_the_economic_one_is_unsmoothed(smoothed):
    phi, paths = smoothed
    plain = market().sample(N_SCENARIOS, YEARS, PPY, rng=11)
    assert paths.economic_returns is not None
    assert not paths.economic_returns.flags.writeable
    np.testing.assert_array_equal(paths.economic_returns, plain.returns)
    np.testing.assert_array_equal(paths.returns[:, :, 0], plain.returns[:, :, 0])  # cash
    # The log value level follows ln V^_t = (1 - phi) ln V_t + phi (ln V^_{t-1} + c),
    # both values starting at 1 (ln V_{-1} = ln V^_{-1} = 0).
    c = np.log1p(CREDIT["expected_return"]) / PPY
    reported = np.cumsum(np.log1p(paths.returns[:, :, 1]), axis=1)
    true = np.cumsum(np.log1p(paths.economic_returns[:, :, 1]), axis=1)
    np.testing.assert_allclose(reported[:, 0], (1 - phi) * true[:, 0] + phi * c, atol=1e-13)
    np.testing.assert_allclose(
        reported[:, 5], (1 - phi) * true[:, 5] + phi * (reported[:, 4] + c), atol=1e-13
    )


def test_smoothing_lowers_measured_volatility_by_the_analytic_factor(smoothed):
    phi, paths = smoothed
    t = paths.n_periods - 1  # far from the start: stationary (phi^(2t) ~ 1e-50)
    rep = np.log1p(paths.returns[:, t, 1])
    true = np.log1p(paths.economic_returns[:, t, 1])
    ratio = rep.std() / true.std()
    factor = smoothed_volatility_factor(phi)
    assert factor == pytest.approx(np.sqrt(0.4 / 1.6))
    # Conservative SE of a ratio of two sample sds (each sd/sqrt(2S)).
    se = factor * np.sqrt(1.0 / N_SCENARIOS)
    assert abs(ratio - factor) < 4 * se


def test_smoothing_lag1_autocorrelation_is_phi(smoothed):
    phi, paths = smoothed
    t = paths.n_periods - 1
    rep = np.log1p(paths.returns[:, :, 1])
    corr = np.corrcoef(rep[:, t], rep[:, t - 1])[0, 1]
    se = (1.0 - phi**2) / np.sqrt(N_SCENARIOS)
    assert abs(corr - phi) < 4 * se


def test_smoothing_keeps_the_mean_log_return(smoothed):
    # Reported log returns have the economic mean m in every period, so the
    # reported value compounds at the economic (stated) rate.
    _, paths = smoothed
    v = CREDIT["volatility"] / (1.0 + CREDIT["expected_return"])
    m = np.log1p(CREDIT["expected_return"]) / PPY - np.log1p(v * v) / PPY / 2
    rep = np.log1p(paths.returns[:, :, 1])
    for t in (30, paths.n_periods - 1):
        se = rep[:, t].std() / np.sqrt(N_SCENARIOS)
        assert abs(rep[:, t].mean() - m) < 4 * se


# Private equity (J.P. Morgan 2026 LTCMA), alone, 30 years monthly.
PE = dict(name="private_equity", expected_return=0.119, volatility=0.198, source="test")
PE_SCENARIOS = 10_000


def _geometric(phi: float, periods: int, power: int = 1) -> float:
    """``sum_{j=1..periods} phi^(power j)``."""
    j = np.arange(1, periods + 1)
    return float(np.sum(phi ** (power * j)))


@pytest.fixture(scope="module", params=[0.3, 0.6])
def private_equity(request):
    phi = request.param
    model = MarketModel(assets=(AssetClass(**PE, smoothing=phi),), correlation=[[1.0]])
    paths = model.sample(PE_SCENARIOS, 30, PPY, rng=15)
    reported = np.log1p(paths.returns[:, :, 0])
    true = np.log1p(paths.economic_returns[:, :, 0])
    s2 = np.log1p((PE["volatility"] / (1 + PE["expected_return"])) ** 2) / PPY
    return phi, s2, reported, true


def test_reported_value_tracks_the_economic_value(private_equity):
    # Issue 15: smoothing simple returns left private equity's reported value 1.41x the
    # economic one after 30 years at phi 0.6 (1.24x at 0.3). The log gap is now a
    # stationary AR(1) with median exp(s^2 A / 2): 1.0019 at 0.6, 1.0005 at 0.3.
    phi, s2, reported, true = private_equity
    for years in (10, 30):
        gap = reported[:, : years * PPY].sum(axis=1) - true[:, : years * PPY].sum(axis=1)
        median = float(np.median(np.exp(gap)))
        assert abs(median - 1.0) < 0.01, (years, median)
        expected = np.exp(s2 * _geometric(phi, years * PPY) / 2)
        # SE of a sample median of a (log)normal: sqrt(pi / 2) sd / sqrt(S), times the median.
        se = np.sqrt(np.pi / 2) * gap.std() / np.sqrt(PE_SCENARIOS) * expected
        assert abs(median - expected) < 4 * se, (years, median, expected, se)


def test_smoothed_asset_keeps_the_stated_mean(private_equity):
    # The expected reported value grows at the stated mean: E[V^_T] = (1 + mu)^Y up to
    # the analytic factor exp(s^2 (B - A) / 2) (0.9988 at phi 0.6), tested paired.
    phi, s2, reported, true = private_equity
    years = 10
    value = np.exp(reported[:, : years * PPY].sum(axis=1))
    economic = np.exp(true[:, : years * PPY].sum(axis=1))
    stated = (1 + PE["expected_return"]) ** years
    se = value.std() / np.sqrt(PE_SCENARIOS)
    assert abs(value.mean() - stated) < 4 * se, (value.mean(), stated, se)
    periods = years * PPY
    factor = np.exp(s2 * (_geometric(phi, periods, 2) - _geometric(phi, periods)) / 2)
    # Paired: mean(V^ - factor V) is 0 in expectation, with a small SE.
    diff = value - factor * economic
    assert abs(diff.mean()) < 4 * diff.std() / np.sqrt(PE_SCENARIOS), (diff.mean(), factor)


def test_reported_annual_arithmetic_mean_as_documented(private_equity):
    # A stationary year's reported arithmetic mean: (1 + mu) exp(-s^2 phi (1 - phi^n) /
    # (1 - phi^2)) - 1 (11.63% at 0.6, 11.81% at 0.3), below the stated 11.9%; the
    # simple-return filter gave 12.6-12.9%. Paired with the economic year, whose mean is mu.
    phi, s2, reported, true = private_equity
    year = slice(20 * PPY, 21 * PPY)
    rep = np.expm1(reported[:, year].sum(axis=1))
    eco = np.expm1(true[:, year].sum(axis=1))
    mu = PE["expected_return"]
    expected = (1 + mu) * np.exp(-s2 * phi * (1 - phi**PPY) / (1 - phi**2)) - 1
    diff = rep - eco
    se = diff.std() / np.sqrt(PE_SCENARIOS)
    assert abs(diff.mean() - (expected - mu)) < 4 * se, (diff.mean(), expected - mu, se)
    assert abs(eco.mean() - mu) < 4 * eco.std() / np.sqrt(PE_SCENARIOS)


def test_smoothing_after_a_total_loss_reports_nothing_more():
    from alt401k.markets.private import smooth_returns

    r = np.array([[0.01, -1.0, 0.0, 0.0], [0.01, 0.02, -0.5, 0.03]])
    out = smooth_returns(r, 0.5, 0.005)
    assert out[0, 1] == -1.0 and np.all(out[0, 2:] == 0.0)
    assert np.all(np.isfinite(out)) and np.all(out[1] > -1.0)


def test_no_smoothing_is_bit_identical_and_has_no_economic_series():
    base = market().sample(50, 3, PPY, rng=3)
    zero = market(smoothing=0.0, default_rate=0.0, liquidity_share=0.0).sample(50, 3, PPY, rng=3)
    assert base.economic_returns is None and zero.economic_returns is None
    np.testing.assert_array_equal(base.returns, zero.returns)
    # Asking only for an asset that does not smooth: no economic series.
    only_cash = market(smoothing=0.5).sample(50, 3, PPY, rng=3, assets=["cash"])
    assert only_cash.economic_returns is None
    np.testing.assert_array_equal(only_cash.returns[:, :, 0], base.returns[:, :, 0])


def test_smoothing_is_chunk_invariant():
    model = market(smoothing=0.5, default_rate=0.06)
    whole = model.sample(30, 2, PPY, rng=5)
    part = model.sample(10, 2, PPY, rng=5, first_scenario=10)
    np.testing.assert_array_equal(part.returns, whole.returns[10:20])
    np.testing.assert_array_equal(part.economic_returns, whole.economic_returns[10:20])


@pytest.mark.parametrize("ppy", [12, 4, 1])
def test_smoothing_stated_quarterly_keeps_its_decay_per_unit_of_time(ppy):
    # Quarterly 0.5 is 0.5 ** (4 / n) per period: 0.794 monthly, 0.5 quarterly, 0.0625
    # yearly; the weight of appraisals older than t years is 0.5 ** (4 t) at any n.
    stated = market(smoothing=0.5, smoothing_periods_per_year=4)
    per_period = market(smoothing=0.5 ** (4 / ppy))
    assert stated["private_credit"].smoothing_per_period(ppy) == 0.5 ** (4 / ppy)
    a, b = stated.sample(40, 3, ppy, rng=9), per_period.sample(40, 3, ppy, rng=9)
    np.testing.assert_array_equal(a.returns, b.returns)
    np.testing.assert_array_equal(a.economic_returns, b.economic_returns)
    # Without a stated frequency, smoothing is per period (as before issue 16).
    assert market(smoothing=0.5)["private_credit"].smoothing_per_period(ppy) == 0.5


@pytest.mark.parametrize("value", [0, -4, 366])
def test_smoothing_frequency_validation(value):
    with pytest.raises(ValidationError, match="smoothing_periods_per_year"):
        AssetClass(**CREDIT, smoothing=0.5, smoothing_periods_per_year=value)


@pytest.mark.parametrize("value", [1.0, -0.1, 1.5])
def test_smoothing_validation(value):
    with pytest.raises(ValidationError, match=rf"smoothing must be in \[0, 1\); got {value}"):
        AssetClass(**CREDIT, smoothing=value)


# ---------------------------------------------------------------- defaults

RATE, LGD, RHO = 0.06, 0.6, 0.1


@pytest.fixture(scope="module")
def defaults():
    model = market(default_rate=RATE, loss_given_default=LGD, default_correlation=RHO)
    with_losses = model.sample(N_SCENARIOS, 2, PPY, rng=21)
    # The same market draw before losses: the pre-default volatility, no defaults.
    pre = float(pre_default_volatility(CREDIT["volatility"], CREDIT["expected_return"], RATE,
                                       LGD, RHO, PPY))  # fmt: skip
    plain = market(volatility=pre).sample(N_SCENARIOS, 2, PPY, rng=21)
    return with_losses, plain


def test_defaults_keep_the_stated_mean_annual_return(defaults):
    paths, _ = defaults
    annual = paths.annual_returns()[:, :, 1]
    for y in range(annual.shape[1]):
        se = annual[:, y].std() / np.sqrt(N_SCENARIOS)
        assert abs(annual[:, y].mean() - CREDIT["expected_return"]) < 4 * se
    # Defaults do not touch other assets.
    np.testing.assert_array_equal(paths.returns[:, :, 0], defaults[1].returns[:, :, 0])


@pytest.mark.parametrize("variant", ["lognormal", "schedule", "student_t"])
def test_defaults_keep_the_stated_volatility(variant):
    # Issue 15: losses on top of a 14.0% pre-default volatility gave 14.9%; the stated
    # volatility is now the total, losses included, as in every other return model.
    extra: dict[str, object] = {}
    if variant == "schedule":
        extra["volatility_schedule"] = ((0, 0.14), (5, 0.14))
    if variant == "student_t":
        from alt401k.markets import StudentT

        extra["model"] = StudentT(df=5)
    model = market(default_rate=RATE, loss_given_default=LGD, default_correlation=RHO, **extra)
    n, years = 20_000, 2
    gross = 1.0 + model.sample(n, years, PPY, rng=23, assets=["private_credit"]).annual_returns()
    gross = gross[:, :, 0]
    mu, sigma = CREDIT["expected_return"], CREDIT["volatility"]
    first, second = gross.mean(axis=1), (gross**2).mean(axis=1)  # per scenario: independent
    assert abs(first.mean() - 1 - mu) < 4 * first.std(ddof=1) / np.sqrt(n)
    target = (1 + mu) ** 2 + sigma**2
    assert abs(second.mean() - target) < 4 * second.std(ddof=1) / np.sqrt(n), second.mean()


def test_pre_default_volatility_and_its_limit():
    pre = pre_default_volatility(0.14, 0.086, RATE, LGD, RHO, PPY)
    assert float(pre) == pytest.approx(0.13045, abs=5e-5)
    # No concentration: every period loses the mean, nothing is added to the variance.
    assert float(pre_default_volatility(0.14, 0.086, RATE, LGD, 0.0, PPY)) == pytest.approx(0.14)
    with pytest.raises(ValueError, match=r"default losses of 'private_credit' .* alone have an"):
        market(volatility=0.02, default_rate=0.2, loss_given_default=1.0, default_correlation=0.5)


def test_defaults_dilute_the_correlation_as_documented(defaults):
    # The losses are independent of the markets: corr = stated x sigma_pre / sigma.
    paths, _ = defaults
    gross = paths.annual_returns()
    credit, cash = gross[:, :, 1].ravel(), gross[:, :, 0].ravel()
    rho = np.corrcoef(credit, cash)[0, 1]
    factor = float(pre_default_volatility(0.14, 0.086, RATE, LGD, RHO, PPY)) / 0.14
    assert factor == pytest.approx(0.932, abs=1e-3)
    expected = 0.2 * factor  # 0.2: the stated correlation of the test market
    se = (1 - expected**2) / np.sqrt(credit.size)
    assert abs(rho - expected) < 4 * se, (rho, expected)


def test_default_loss_frequency_and_size(defaults):
    paths, plain = defaults
    p = RATE / PPY
    expected_loss = LGD * p
    # 1 + r_total = (1 + r) / (1 - ell) * (1 - L): recover L from the same market draw.
    loss = 1.0 - (1.0 + paths.returns[:, :, 1]) * (1.0 - expected_loss) / (
        1.0 + plain.returns[:, :, 1]
    )
    loss = loss.ravel()
    assert np.all(loss >= -1e-12) and np.all(loss <= LGD + 1e-12)
    n = loss.size
    assert abs(loss.mean() - expected_loss) < 4 * loss.std() / np.sqrt(n)
    variance = LGD**2 * p * (1.0 - p) * RHO
    centred = (loss - loss.mean()) ** 2
    assert abs(centred.mean() - variance) < 4 * centred.std() / np.sqrt(n)
    # Lumpy: most periods lose far less than the mean, a few much more.
    assert np.median(loss) < expected_loss
    assert np.quantile(loss, 0.999) > 5 * expected_loss


def test_defaults_use_their_own_stream():
    # Defaults draw from the return-model stream: other assets and inflation are unchanged.
    a = market(default_rate=0.05).sample(40, 2, PPY, rng=8)
    b = market().sample(40, 2, PPY, rng=8)
    np.testing.assert_array_equal(a.inflation, b.inflation)
    assert not np.array_equal(a.returns[:, :, 1], b.returns[:, :, 1])


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("default_rate", 1.5, r"default_rate must be in \[0, 1\]"),
        ("default_rate", -0.01, r"default_rate must be in \[0, 1\]"),
        ("loss_given_default", 0.0, r"loss_given_default must be in \(0, 1\]"),
        ("loss_given_default", 1.2, r"loss_given_default must be in \(0, 1\]"),
        ("default_correlation", 1.0, r"default_correlation must be in \[0, 1\)"),
        ("default_correlation", -0.1, r"default_correlation must be in \[0, 1\)"),
    ],
)
def test_default_validation(field, value, message):
    with pytest.raises(ValidationError, match=rf"{message}.*got {value}"):
        AssetClass(**CREDIT, **{field: value})


# --------------------------------------------------------------- liquidity


def test_liquidity_sleeve_blends_exactly():
    c = 0.15
    sleeve = market(liquidity_share=c).sample(200, 3, PPY, rng=4)
    plain = market().sample(200, 3, PPY, rng=4)
    r, r_cash = plain.returns[:, :, 1], plain.returns[:, :, 0]
    np.testing.assert_array_equal(sleeve.returns[:, :, 1], (1.0 - c) * r + c * r_cash)
    np.testing.assert_array_equal(sleeve.returns[:, :, 0], r_cash)


def test_liquidity_with_smoothing_blends_both_series():
    c = 0.1
    both = market(liquidity_share=c, smoothing=0.5).sample(100, 2, PPY, rng=4)
    smooth = market(smoothing=0.5).sample(100, 2, PPY, rng=4)
    r_cash = smooth.returns[:, :, 0]
    np.testing.assert_array_equal(
        both.returns[:, :, 1], (1.0 - c) * smooth.returns[:, :, 1] + c * r_cash
    )
    np.testing.assert_array_equal(
        both.economic_returns[:, :, 1], (1.0 - c) * smooth.economic_returns[:, :, 1] + c * r_cash
    )


def test_liquidity_validation():
    with pytest.raises(ValidationError, match=r"liquidity_share must be in \[0, 1\); got 1.0"):
        AssetClass(**CREDIT, liquidity_share=1.0)
    with pytest.raises(ValidationError, match=r"liquidity_asset 'money_market' of"):
        market(liquidity_share=0.1, liquidity_asset="money_market")
    with pytest.raises(ValidationError, match=r"must be another asset without a liquidity"):
        market(liquidity_share=0.1, liquidity_asset="private_credit")
