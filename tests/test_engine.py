"""The kernels against a slow per-path reference and closed forms."""

import numpy as np
import pytest

from alt401k.engine import (
    POOL_COMPONENTS,
    AccountSchedule,
    PoolSchedule,
    simulate_accounts,
    simulate_pool,
)


def reference_accounts(returns, s: AccountSchedule):
    """Obvious loops over scenarios, cells, periods and assets."""
    n_s, n_t, n_a = returns.shape
    n = s.periods_per_year
    n_p = s.weights.shape[0]
    n_y = n_t // n
    bal = np.zeros((n_s, n_y, n_p))
    roth = np.zeros((n_s, n_y, n_p))
    ret = np.zeros((n_s, n_y, n_p))
    fee = np.zeros((n_s, n_y, n_p))
    for i in range(n_s):
        for p in range(n_p):
            pre, ro = s.balance0[p]
            for t in range(n_t):
                y = t // n
                for src in (0, 1):
                    b = pre if src == 0 else ro
                    g = sum(b * s.weights[p, a] * returns[i, t, a] for a in range(n_a))
                    e = sum(
                        b * s.weights[p, a] * (1 + returns[i, t, a]) * s.expense_ratio[a] / n
                        for a in range(n_a)
                    )
                    ret[i, y, p] += g
                    fee[i, y, p] += e
                    if src == 0:
                        pre = b + g - e
                    else:
                        ro = b + g - e
                total = pre + ro
                flat = min(s.flat_fee[p] / n, total)
                if total > 0:
                    pre, ro = pre - flat * pre / total, ro - flat * ro / total
                fee[i, y, p] += flat
                c = s.contributions[y, p] / n
                pre += c[0] + c[2]
                ro += c[1]
                if (t + 1) % n == 0:
                    bal[i, y, p] = pre + ro
                    roth[i, y, p] = ro
    return bal, roth, ret, fee


def random_schedule(rng, n_cells=2, n_assets=3, n_years=3, n=12):
    w = rng.dirichlet(np.ones(n_assets), size=n_cells)
    return AccountSchedule(
        weights=w,
        expense_ratio=rng.uniform(0, 0.01, n_assets),
        contributions=rng.uniform(0, 20_000, (n_years, n_cells, 3)),
        flat_fee=np.array([60.0, 0.0])[:n_cells],
        balance0=rng.uniform(0, 100_000, (n_cells, 2)),
        periods_per_year=n,
    )


def test_accounts_match_reference_implementation():
    rng = np.random.default_rng(0)
    sched = random_schedule(rng)
    returns = rng.normal(0.005, 0.05, (4, 36, 3))
    got = simulate_accounts(returns, sched)
    want = reference_accounts(returns, sched)
    for g, w in zip(
        (got.balance_end, got.roth_balance_end, got.investment_return, got.fees), want, strict=True
    ):
        np.testing.assert_allclose(g, w, rtol=1e-12, atol=1e-9)


def test_flat_fee_never_exceeds_balance():
    sched = AccountSchedule(
        weights=np.array([[1.0]]),
        expense_ratio=np.zeros(1),
        contributions=np.zeros((1, 1, 3)),
        flat_fee=np.array([1_200.0]),
        balance0=np.array([[250.0, 0.0]]),
        periods_per_year=12,
    )
    out = simulate_accounts(np.zeros((1, 12, 1)), sched)
    # 100 a month for 2.5 months, then nothing is left to charge.
    assert out.fees[0, 0, 0] == pytest.approx(250.0)
    assert out.balance_end[0, 0, 0] == 0.0


def test_zero_volatility_closed_form_compounding():
    # Two assets at deterministic monthly growth; 50/50 rebalanced monthly; expenses.
    n, years = 12, 30
    mu = np.array([0.07, 0.03])
    er = np.array([0.003, 0.001])
    per_period = (1 + mu) ** (1 / n) - 1
    returns = np.broadcast_to(per_period, (2, n * years, 2)).copy()
    w = np.array([0.5, 0.5])
    annual = 12_000.0
    sched = AccountSchedule(
        weights=w[None, :],
        expense_ratio=er,
        contributions=np.tile([annual * 0.7, annual * 0.3, 0.0], (years, 1, 1)),
        flat_fee=np.zeros(1),
        balance0=np.array([[40_000.0, 10_000.0]]),
        periods_per_year=n,
    )
    out = simulate_accounts(returns, sched)
    g = float(np.sum(w * (1 + per_period) * (1 - er / n)))  # monthly growth factor
    c = annual / n
    months = n * np.arange(1, years + 1)
    closed = 50_000.0 * g**months + c * (g**months - 1) / (g - 1)
    np.testing.assert_allclose(out.balance_end[0, :, 0], closed, rtol=1e-12)
    np.testing.assert_array_equal(out.balance_end[0], out.balance_end[1])
    roth_closed = 10_000.0 * g**months + 0.3 * c * (g**months - 1) / (g - 1)
    np.testing.assert_allclose(out.roth_balance_end[0, :, 0], roth_closed, rtol=1e-12)


def test_accounts_conserve_money_every_year():
    rng = np.random.default_rng(3)
    sched = random_schedule(rng, n_years=5)
    returns = rng.normal(0.01, 0.15, (50, 60, 3))
    out = simulate_accounts(returns, sched)
    contrib = sched.contributions.sum(axis=-1)  # (Y, P)
    start = np.concatenate(
        [np.broadcast_to(sched.balance0.sum(-1), (50, 1, 2)), out.balance_end[:, :-1]], axis=1
    )
    expected = start + contrib[None] + out.investment_return - out.fees
    np.testing.assert_allclose(out.balance_end, expected, rtol=1e-12)


def pool_schedule(**kw):
    base = dict(
        pool_assets=12.5e12,
        participation=np.ones(24),
        allocation_share=0.01,
        contributions=np.full(24, 650e9 / 12),
        distribution_rate=0.052 / 12,
        rebalance_every=3,
        asset_expense=0.0025 / 12,
        core_expense=0.003 / 12,
        periods_per_year=12,
    )
    base.update(kw)
    return PoolSchedule(**base)


def test_pool_headline_and_holdings_identity():
    rng = np.random.default_rng(5)
    ra = rng.normal(0.01, 0.15, (100, 24))
    rc = rng.normal(0.005, 0.03, (100, 24))
    out = simulate_pool(ra, rc, pool_schedule())
    assert np.all(out.flows[:, 0, 0] == 125e9)
    assert np.all(out.flows[:, 1:, 0] == 0.0)
    change = np.diff(np.concatenate([np.zeros((100, 1)), out.holdings], axis=1), axis=1)
    np.testing.assert_allclose(change, out.flows.sum(-1) + out.asset_return, rtol=1e-11)
    assert POOL_COMPONENTS == ("reallocation", "contributions", "distributions", "rebalancing")


def test_pool_rebalancing_sells_winners_and_buys_losers():
    months = 24
    up = np.full((1, months), 0.03)
    flat = np.zeros((1, months))
    sched = pool_schedule(
        contributions=np.zeros(months), distribution_rate=0.0, asset_expense=0.0, core_expense=0.0
    )
    winner = simulate_pool(up, flat, sched)
    loser = simulate_pool(-up, flat, sched)
    assert np.all(winner.flows[0, :, 3] < 0)
    assert np.all(loser.flows[0, :, 3] > 0)
    same = simulate_pool(up, up, sched)
    np.testing.assert_allclose(same.flows[0, :, 3], 0.0, atol=1e-3)  # dollars on $125B


def test_pool_zero_participation_gives_zero_flows():
    rng = np.random.default_rng(1)
    out = simulate_pool(
        rng.normal(0, 0.1, (10, 24)),
        rng.normal(0, 0.02, (10, 24)),
        pool_schedule(participation=np.zeros(24)),
    )
    assert np.all(out.flows == 0.0)
    assert np.all(out.holdings == 0.0)


def test_pool_gradual_participation_reallocates_new_joiners_only():
    # 10% join in month 1, 10% more in month 13: reallocation in both years.
    part = np.where(np.arange(24) < 12, 0.1, 0.2)
    sched = pool_schedule(
        participation=part,
        contributions=np.zeros(24),
        distribution_rate=0.0,
        asset_expense=0.0,
        core_expense=0.0,
        rebalance_every=0,
    )
    zero = np.zeros((1, 24))
    out = simulate_pool(zero, zero, sched)
    assert out.flows[0, 0, 0] == pytest.approx(0.01 * 0.1 * 12.5e12, rel=1e-14)
    assert out.flows[0, 1, 0] == pytest.approx(0.01 * 0.1 * 12.5e12, rel=1e-14)
    assert out.holdings[0, -1] == pytest.approx(0.01 * 0.2 * 12.5e12, rel=1e-14)
