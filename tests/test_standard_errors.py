"""Monte Carlo standard errors: summary(se=True) and its coverage (issue 20)."""

import numpy as np
import pytest
from scipy import stats

import alt401k as ak
from alt401k.results._stats import (
    _lower_tail_mean,
    batch_slices,
    batch_standard_error,
)

SAVER = ak.Participant(age=60, salary=80_000, balance=50_000, deferral_rate=0.06, retirement_age=65)
MARKETS = ak.default_markets(preset="lognormal").subset(["us_equity", "us_bonds", "bitcoin"])
PORTFOLIO = ak.Portfolio(weights={"us_equity": 0.6, "us_bonds": 0.4}, alt_sleeve={"bitcoin": 0.05})
QS = (0.05, 0.5, 0.95)


def _statistics(values: np.ndarray) -> np.ndarray:
    return np.array([values.mean(), *np.quantile(values, QS), _lower_tail_mean(values)])


def _terminal(n: int, rng: int, sampling: str) -> np.ndarray:
    return ak.simulate_participant(
        SAVER, portfolio=PORTFOLIO, markets=MARKETS, n_scenarios=n, rng=rng,
        periods_per_year=1, keep_paths=True, sampling=sampling,
    ).terminal_balance  # fmt: skip


def test_batches():
    assert batch_slices(2_000, "mc") == [slice(i * 100, (i + 1) * 100) for i in range(20)]
    assert batch_slices(2_001, "antithetic")[-1] == slice(1_900, 2_001)
    assert all((b.stop - b.start) % 2 == 0 for b in batch_slices(999, "antithetic")[:-1])
    assert batch_slices(2_500, "qmc") == [slice(0, 1000), slice(1000, 2000), slice(2000, 2500)]
    assert batch_slices(3, "mc") == [slice(0, 3)]
    assert np.isnan(batch_standard_error(np.ones(3), np.mean, [slice(0, 3)]))
    # The mean's batch-means error over equal batches is the batches' spread / sqrt(B).
    x = np.arange(40.0)
    b = batch_slices(40, "mc")
    means = [x[s].mean() for s in b]
    assert batch_standard_error(x, np.mean, b) == pytest.approx(np.std(means, ddof=1) / np.sqrt(20))


@pytest.mark.parametrize("sampling", ["mc", "antithetic", "qmc"])
def test_summary_se_columns(sampling):
    result = ak.simulate_participant(
        SAVER, portfolio=PORTFOLIO, markets=MARKETS, n_scenarios=3_000, rng=3,
        periods_per_year=1, sampling=sampling,
    )  # fmt: skip
    plain = result.summary()
    frame = result.summary(se=True)
    assert frame[plain.columns].equals(plain)
    extra = [c for c in frame.columns if c not in plain.columns]
    assert extra == [
        "mean_se", "p05_se", "p25_se", "p50_se", "p75_se", "p95_se", "cvar05_se",
        "prob_below_paid_in_se",
    ]  # fmt: skip
    assert "batch means" in frame.attrs["se_method"]
    values = result.terminal_balance
    batches = batch_slices(3_000, sampling)
    expected = batch_standard_error(values, np.mean, batches)
    assert frame.loc["terminal_balance", "mean_se"] == pytest.approx(expected, rel=1e-12)
    assert (frame.loc["terminal_balance", extra] > 0).all()
    if sampling == "mc":  # close to the textbook std / sqrt(n) for the mean
        naive = values.std(ddof=1) / np.sqrt(values.size)
        assert frame.loc["terminal_balance", "mean_se"] == pytest.approx(naive, rel=0.5)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("sampling", "n", "k"),
    [("mc", 2_000, 100), ("antithetic", 2_000, 100), ("qmc", 5_000, 40)],
)
def test_coverage_of_95_percent_intervals(sampling, n, k):
    """About 95% of intervals (estimate +- t(0.975, B - 1) SE) contain a 100,000-scenario value.

    ``k`` replicates of ``n`` scenarios are consecutive slices of one run (disjoint blocks:
    the same law as ``k`` seeds); the truth is a run of another seed with the same method
    (an mc truth's own error would exceed a qmc replicate's). Coverage of the
    mean, p05, p50, p95 and CVaR 5%, and of the probability of ending below the median of
    the truth, pooled, must lie within 4 standard errors of 95% (k intervals a statistic).
    """
    truth_values = _terminal(100_000, 1, sampling)
    truth = _statistics(truth_values)
    threshold = float(np.median(truth_values))
    values = _terminal(n * k, 2, sampling)
    hits = []
    for r in range(k):
        x = values[r * n : (r + 1) * n]
        batches = batch_slices(n, sampling)
        t = stats.t.ppf(0.975, len(batches) - 1)
        est = np.append(_statistics(x), np.mean(x < threshold))
        se = np.append(
            batch_standard_error(x, _statistics, batches),
            batch_standard_error((x < threshold).astype(float), np.mean, batches),
        )
        hits.append(np.abs(est - np.append(truth, 0.5)) <= t * se)
    coverage = np.mean(hits, axis=0)
    pooled = coverage.mean()
    tolerance = 4 * np.sqrt(0.95 * 0.05 / k)
    assert abs(pooled - 0.95) <= tolerance, coverage
    assert (np.abs(coverage - 0.95) <= tolerance + 0.05).all(), coverage


def test_pool_summary_se_for_every_column():
    scn = ak.Scenario(sponsor_adoption=0.4, opt_in_rate=0.3, horizon_years=3)
    runs = {m: scn.run(3_000, rng=2, sampling=m) for m in ("mc", "qmc")}
    plain = runs["mc"].summary()
    frame = runs["mc"].summary(se=True)
    assert frame[plain.columns].equals(plain)
    assert [c for c in frame.columns if c not in plain.columns] == [
        f"{c}_se" for c in plain.columns
    ]
    cumulative = runs["mc"].cumulative_flows
    naive = cumulative.std(axis=0, ddof=1) / np.sqrt(3_000)
    np.testing.assert_allclose(frame["cumulative_flow_mean_se"], naive, rtol=0.5)
    assert "batch means" in frame.attrs["se_method"]
    # qmc: three blocks, and a smaller error on the pool's mean flows.
    qmc = runs["qmc"].summary(se=True)
    assert (qmc["cumulative_flow_mean_se"] < frame["cumulative_flow_mean_se"]).all()


def test_pool_outcomes_se():
    result = ak.Scenario(sponsor_adoption=0.4, opt_in_rate=0.3, horizon_years=3).run(3_000, rng=4)
    plain = result.outcomes()
    frame = result.outcomes(se=True)
    assert frame[plain.columns].equals(plain)
    stats_ = [c for c in plain.columns if c != "people_mean"]
    assert [c for c in frame.columns if c not in plain.columns] == [f"{c}_se" for c in stats_]
    assert "batch means" in frame.attrs["se_method"]
    # The holders' mean balance per person against the naive error of per-scenario means:
    # a 20-batch estimate of a standard error is within 50% (about 3 of its own errors).
    people = result.final_holder_share * result.groups["people"].to_numpy()[None, :]
    per_scenario = result.final_holder.sum(axis=1) / people.sum(axis=1)
    naive = per_scenario.std(ddof=1) / np.sqrt(result.n_scenarios)
    assert frame.loc["holders", "mean_se"] == pytest.approx(naive, rel=0.5)
    assert (frame[[f"{c}_se" for c in stats_]] > 0).all().all()


def test_retirement_summary_se():
    result = ak.simulate_participant(
        SAVER, portfolio=PORTFOLIO, markets=MARKETS, n_scenarios=2_000, rng=3,
        periods_per_year=1, retirement=ak.Retirement(end_age=75),
    )  # fmt: skip
    plain = result.retirement_summary()
    frame = result.retirement_summary(se=True)
    assert frame[plain.columns].equals(plain)
    assert [c for c in frame.columns if c not in plain.columns] == [
        f"{c}_se" for c in plain.columns
    ]
    ran_out = result.retirement_outcomes()["ran_out"].astype(float)
    expected = batch_standard_error(ran_out, np.mean, batch_slices(2_000, "mc"))
    assert frame.loc["ran_out", "mean_se"] == pytest.approx(float(expected))


@pytest.mark.slow
def test_streamed_summaries_se_agree_with_paths():
    kw = dict(portfolio=PORTFOLIO, markets=MARKETS, n_scenarios=20_000, rng=5, periods_per_year=1)
    paths = ak.simulate_participant(SAVER, keep_paths=True, **kw)
    streamed = ak.simulate_participant(SAVER, keep_paths=False, **kw)
    a, b = paths.summary(se=True), streamed.summary(se=True)
    assert list(b.columns) == list(a.columns)
    # Means: batch means over 20 blocks vs 20 batches: the same batches here.
    np.testing.assert_allclose(b["mean_se"], a["mean_se"], rtol=1e-6)
    # Quantiles: order-statistic intervals vs batch means, both estimate the same error.
    np.testing.assert_allclose(b["p50_se"], a["p50_se"], rtol=0.5)
    assert np.isnan(b["cvar05_se"]).all()
    assert "order-statistic" in b.attrs["se_method"]
    scn = ak.Scenario(sponsor_adoption=0.4, opt_in_rate=0.3, horizon_years=2)
    pool = scn.run(4_000, rng=2, keep_paths=False).summary(se=True)
    full = scn.run(4_000, rng=2, keep_paths=True).summary(se=True)
    se_columns = [c for c in full.columns if c.endswith("_se")]
    assert [c for c in pool.columns if c.endswith("_se")] == se_columns
    assert np.isfinite(pool["cumulative_flow_mean_se"]).all()
    np.testing.assert_allclose(
        pool["cumulative_flow_p50_se"], full["cumulative_flow_p50_se"], rtol=0.6
    )


@pytest.mark.parametrize("sampling", ["mc", "qmc"])
def test_auto_runs_blocks_until_precise(sampling):
    target = {"terminal_balance_p05": 0.01, "terminal_balance_mean": 0.005}
    result = ak.simulate_participant(
        SAVER, portfolio=PORTFOLIO, markets=MARKETS, n_scenarios="auto", precision=target,
        rng=3, periods_per_year=1, sampling=sampling,
    )  # fmt: skip
    assert result.n_scenarios % 1_000 == 0
    assert all(v["met"] and v["reached"] <= v["target"] for v in result.precision.values())
    # The same numbers as a fixed run of that size.
    fixed = ak.simulate_participant(
        SAVER, portfolio=PORTFOLIO, markets=MARKETS, n_scenarios=result.n_scenarios, rng=3,
        periods_per_year=1, sampling=sampling,
    )  # fmt: skip
    assert np.array_equal(fixed.terminal_balance, result.terminal_balance)


def test_auto_pool_and_the_cap():
    scn = ak.Scenario(sponsor_adoption=0.4, opt_in_rate=0.3, horizon_years=2)
    result = scn.run("auto", rng=2, precision={"cumulative_flow_mean": 0.02}, sampling="qmc")
    assert result.precision["cumulative_flow_mean"]["met"]
    with pytest.warns(ak.Alt401kWarning, match="precision not reached at max_scenarios=2000"):
        capped = scn.run("auto", rng=2, precision={"holdings_p05": 1e-6}, max_scenarios=2_000)
    assert capped.n_scenarios == 2_000 and not capped.precision["holdings_p05"]["met"]
    with pytest.raises(ValueError, match="not a column of summary"):
        scn.run("auto", rng=2, precision={"flows_p50": 0.01})
    with pytest.raises(ValueError, match="n_scenarios='auto' needs precision="):
        scn.run("auto", rng=2)
    with pytest.raises(ValueError, match="not a figure of summary"):
        ak.simulate_participant(SAVER, n_scenarios="auto", precision={"wealth_p50": 0.01})
