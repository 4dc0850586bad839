"""The kernel :func:`alt401k.engine.simulate` against a slow per-path reference and closed forms.

The reference below is written from the equations in the engine's module
docstring, one scenario, group, money source and period at a time, in plain
Python floats; it shares no code with the kernel. Both sides round the same
amounts in different orders, a few dozen operations per period on amounts no
larger than the pool, so they agree to ~1e-14 relative; :data:`RTOL` = 1e-12
leaves room for that and nothing else. Amounts that are differences of large
numbers (a rebalancing trade near the target, a year's reallocation net of
unwinding) get an absolute allowance of ``RTOL`` x the largest balance of the
run instead.
"""

import math

import numpy as np
import pytest

from alt401k.engine import (
    _BLOCK_BYTES,
    COMPONENTS,
    ChannelInputs,
    EnginePaths,
    GroupSchedule,
    period_rate,
    simulate,
)

RTOL = 1e-12
#: Conservation identities recombine yearly accumulators: ~n x 10 roundings per year.
IDENTITY_RTOL = 1e-10

PATH_FIELDS = (
    "flows",
    "asset_return",
    "holdings",
    "holdings_by_channel",
    "pool_assets",
    "pool_outflows",
    "final_non_holder",
    "final_holder",
    "final_holder_asset",
    "final_counterfactual",
)
LEDGER_FIELDS = ("balance", "investment_return", "fees", "outflows")


# --------------------------------------------------------------------------- reference


def reference(returns, sc: GroupSchedule, ch: ChannelInputs | None, record_ledger: bool):
    """The module docstring's per-period equations, one path at a time."""
    n_s = returns.shape[0]
    n = sc.periods_per_year
    n_y, n_g = sc.n_years, sc.n_groups
    n_k = sc.contributions.shape[0]
    n_f = sc.core_weights.shape[1]
    out = {
        "flows": np.zeros((n_s, n_y, len(COMPONENTS))),
        "asset_return": np.zeros((n_s, n_y)),
        "holdings": np.zeros((n_s, n_y)),
        "holdings_by_channel": np.zeros((n_s, n_y, 2)),
        "pool_assets": np.zeros((n_s, n_y)),
        "pool_outflows": np.zeros((n_s, n_y)),
        "final_non_holder": np.zeros((n_s, n_g)),
        "final_holder": np.zeros((n_s, n_g)),
        "final_holder_asset": np.zeros((n_s, n_g)),
        "final_counterfactual": np.zeros((n_s, n_g)),
        "balance": np.zeros((n_k, n_s, n_y, n_g)),
        "investment_return": np.zeros((n_s, n_y, n_g)),
        "fees": np.zeros((n_s, n_y, n_g)),
        "outflows": np.zeros((n_s, n_y, n_g)),
    }
    flows = out["flows"]
    for i in range(n_s):
        for g in range(n_g):
            p = int(sc.portfolio[g])
            N = [float(sc.balance0[k, g]) for k in range(n_k)]
            X = [0.0] * n_k
            Y = [0.0] * n_k
            Z = [0.0] * n_k
            h_prev = 0.0
            for y in range(n_y):
                if ch is None:
                    h = s = m = 0.0
                else:
                    h = float(ch.holder_share[i, y, g])
                    s = float(ch.target_share[i, y, g])
                    m = float(ch.new_money_share[i, y, g])
                # 1. Adoption: a share q of non-holders joins; s of what moves buys the asset.
                q = (h - h_prev) / (1.0 - h_prev) if h_prev < 1.0 else 0.0
                for k in range(n_k):
                    moved = q * N[k]
                    N[k] -= moved
                    X[k] += s * moved
                    Y[k] += (1.0 - s) * moved
                    Z[k] += moved
                    if k == 0:
                        flows[i, y, 0] += s * moved
                # 1 - (1 - d)^(1/n), written without cancellation for small d.
                o = -math.expm1(math.log1p(-float(sc.outflow[y, g])) / n)
                for j in range(n):
                    t = y * n + j
                    rho = sum(
                        float(sc.core_weights[y, a, p]) * float(returns[i, t, a])
                        for a in range(n_f)
                    )
                    phi = sum(
                        float(sc.core_weights[y, a, p]) * float(sc.expense_ratio[a]) / n
                        for a in range(n_f)
                    )
                    if ch is None:
                        r = e = 0.0
                    else:
                        r = float(returns[i, t, sc.asset])
                        e = float(sc.expense_ratio[sc.asset]) / n
                    # 2. Market: expenses on the start-of-period value.
                    out["investment_return"][i, y, g] += (N[0] + Y[0]) * rho + X[0] * r
                    out["fees"][i, y, g] += (N[0] + Y[0]) * phi + X[0] * e
                    out["asset_return"][i, y] += X[0] * (r - e)
                    for k in range(n_k):
                        N[k] *= 1.0 + rho - phi
                        Y[k] *= 1.0 + rho - phi
                        Z[k] *= 1.0 + rho - phi
                        X[k] *= 1.0 + r - e
                    # 3. Outflows: a share o of every balance.
                    paid_out = o * (N[0] + X[0] + Y[0])
                    out["pool_outflows"][i, y] += paid_out
                    out["outflows"][i, y, g] += paid_out
                    flows[i, y, 2] -= o * X[0]
                    for k in range(n_k):
                        N[k] -= o * N[k]
                        X[k] -= o * X[k]
                        Y[k] -= o * Y[k]
                        Z[k] -= o * Z[k]
                    # 4. Contributions: holders' part h; of it, m to the asset.
                    for k in range(n_k):
                        c = float(sc.contributions[k, y, g]) / n
                        N[k] += (1.0 - h) * c
                        X[k] += m * h * c
                        Y[k] += (1.0 - m) * h * c
                        Z[k] += h * c
                        if k == 0:
                            flows[i, y, 1] += m * h * c
                    if ch is None:
                        continue
                    # 5. Rebalancing: a share f of holders trades back to s.
                    f = float(ch.rebalance_fraction[t, g]) * float(ch.rebalance_on[i, y])
                    for k in range(n_k):
                        trade = f * (s * (X[k] + Y[k]) - X[k])
                        X[k] += trade
                        Y[k] -= trade
                        if k == 0:
                            flows[i, y, 3] += trade
                    # 6. Unwinding: a share u of X sold into the core.
                    u = float(ch.unwind[i, t])
                    for k in range(n_k):
                        sold = u * X[k]
                        X[k] -= sold
                        Y[k] += sold
                        if k == 0:
                            flows[i, y, 0] -= sold
                # 7. Flat fee at year end, split by people; holders pay m of theirs from X
                # and 1 - m from Y; each charge capped at its balance, pro rata over sources.
                fee = float(sc.flat_fee[y, g])
                fee_holders = h * fee
                paid_n = min(fee - fee_holders, N[0])
                paid_x = min(m * fee_holders, X[0])
                paid_y = min((1.0 - m) * fee_holders, Y[0])
                paid_z = min(fee_holders, Z[0])
                out["asset_return"][i, y] -= paid_x
                out["fees"][i, y, g] += paid_n + paid_x + paid_y
                for state, paid in ((N, paid_n), (X, paid_x), (Y, paid_y), (Z, paid_z)):
                    ratio = paid / state[0] if state[0] > 0 else 0.0
                    for k in range(n_k):
                        state[k] -= ratio * state[k]
                # Year end.
                out["holdings"][i, y] += X[0]
                if ch is not None and int(ch.channel[g]) in (0, 1):
                    out["holdings_by_channel"][i, y, int(ch.channel[g])] += X[0]
                out["pool_assets"][i, y] += N[0] + X[0] + Y[0]
                for k in range(n_k):
                    out["balance"][k, i, y, g] = N[k] + X[k] + Y[k]
                h_prev = h
            out["final_non_holder"][i, g] = N[0]
            out["final_holder"][i, g] = X[0] + Y[0]
            out["final_holder_asset"][i, g] = X[0]
            out["final_counterfactual"][i, g] = Z[0]
    if not record_ledger:
        for name in LEDGER_FIELDS:
            del out[name]
    return out


# --------------------------------------------------------------------------- inputs


def random_case(
    rng,
    *,
    n_scenarios=3,
    n_groups=3,
    n_years=3,
    n=12,
    n_sources=1,
    n_assets=4,
    n_portfolios=2,
    with_channel=True,
):
    """Random schedule and channel with every rule switched on somewhere.

    Group 0 is small (a $60 opening balance, no contributions) and pays a
    $500 fee every year, so that every fee cap (non-holders, holders, the
    counterfactual) binds; in scenario 0 the last group is fully adopted
    from year 0 (``H = 1``), in scenario 1 group 0 never adopts.
    """
    asset = n_assets - 1
    n_t = n_years * n
    returns = rng.normal(0.004, 0.04, (n_scenarios, n_t, n_assets))
    returns[:, :, asset] = np.maximum(rng.normal(0.01, 0.2, (n_scenarios, n_t)), -0.9)
    core_weights = rng.dirichlet(np.ones(n_assets), size=(n_years, n_portfolios))
    total = rng.uniform(1e3, 5e4, (n_years, n_groups))
    total[:, 0] = 0.0
    opening = rng.uniform(1e4, 1e6, n_groups)
    opening[0] = 60.0
    if n_sources == 2:
        contributions = np.stack([total, total * rng.uniform(0, 1, total.shape)])
        balance0 = np.stack([opening, opening * rng.uniform(0, 1, n_groups)])
    else:
        contributions, balance0 = total[None], opening[None]
    flat_fee = rng.uniform(0, 2_000, (n_years, n_groups))
    flat_fee[:, 0] = 500.0
    flat_fee[0, -1] = 0.0
    schedule = GroupSchedule(
        core_weights=core_weights.transpose(0, 2, 1),
        portfolio=rng.integers(0, n_portfolios, n_groups),
        expense_ratio=rng.uniform(0, 0.01, n_assets),
        contributions=contributions,
        balance0=balance0,
        flat_fee=flat_fee,
        outflow=rng.uniform(0.01, 0.3, (n_years, n_groups)),
        periods_per_year=n,
        asset=asset,
    )
    if not with_channel:
        return returns, schedule, None
    holder = np.maximum.accumulate(rng.uniform(0, 1, (n_scenarios, n_years, n_groups)), axis=1)
    holder[0, :, -1] = 1.0
    if n_scenarios > 1:
        holder[1, :, 0] = 0.0
    fraction = np.zeros((n_t, n_groups))
    for g in range(n_groups):
        every = (1, 3, n, 0)[g % 4]
        if every:
            fraction[every - 1 :: every, g] = rng.uniform(0.2, 1.0)
    unwind = np.zeros((n_scenarios, n_t))
    unwind[-1, n_t - n :] = rng.uniform(0, 0.5, n)
    channel = ChannelInputs(
        holder_share=holder,
        target_share=rng.uniform(0, 1, (n_scenarios, n_years, n_groups)),
        new_money_share=rng.uniform(0, 1, (n_scenarios, n_years, n_groups)),
        rebalance_fraction=fraction,
        rebalance_on=(rng.random((n_scenarios, n_years)) < 0.7).astype(float),
        unwind=unwind,
        channel=np.arange(n_groups) % 2,
    )
    return returns, schedule, channel


def as_dict(paths: EnginePaths) -> dict[str, np.ndarray]:
    got = {name: getattr(paths, name) for name in PATH_FIELDS}
    if paths.ledger is not None:
        got.update({name: getattr(paths.ledger, name) for name in LEDGER_FIELDS})
    return got


# --------------------------------------------------------------------------- 1. reference


CASES = [
    pytest.param(dict(n=12, n_sources=1, n_groups=2, n_years=2), id="monthly-K1-G2"),
    pytest.param(dict(n=12, n_sources=2, n_groups=4, n_years=3), id="monthly-K2-G4"),
    pytest.param(dict(n=4, n_sources=1, n_groups=3, n_years=3), id="quarterly-K1-G3"),
    pytest.param(dict(n=4, n_sources=2, n_groups=4, n_years=2), id="quarterly-K2-G4"),
]


@pytest.mark.parametrize("record_ledger", [True, False])
@pytest.mark.parametrize("with_channel", [True, False])
@pytest.mark.parametrize("kw", CASES)
def test_simulate_matches_reference_implementation(kw, with_channel, record_ledger):
    rng = np.random.default_rng(sorted(kw.values()))
    returns, schedule, channel = random_case(rng, with_channel=with_channel, **kw)
    got = as_dict(simulate(returns, schedule, channel, record_ledger=record_ledger))
    want = reference(returns, schedule, channel, record_ledger)
    assert got.keys() == want.keys()
    scale = max(want["pool_assets"].max(), schedule.balance0[0].sum())
    for name, value in want.items():
        assert got[name].shape == value.shape, name
        np.testing.assert_allclose(got[name], value, rtol=RTOL, atol=RTOL * scale, err_msg=name)
    if with_channel:
        # The inputs do exercise every rule.
        assert np.all(np.abs(want["flows"]).max(axis=(0, 1)) > 0)
        assert np.any(want["final_holder"] < want["final_counterfactual"])
        assert np.any(want["final_holder"] > want["final_counterfactual"])
    else:
        for name in ("flows", "holdings", "final_holder", "final_counterfactual"):
            assert np.all(got[name] == 0.0), name
    if record_ledger:
        # Group 0's $500 fee is capped at its balance (about $60): it pays less and
        # some of its balances are emptied.
        assert np.all(want["fees"][:, 0, 0] < 500.0)
        assert np.any(got["balance"][0, :, :, 0] == 0.0)


def test_reference_detects_a_wrong_rule():
    # Guards the comparison: a small change of one input rule is far outside RTOL.
    rng = np.random.default_rng(11)
    returns, schedule, channel = random_case(rng, n_years=2)
    got = simulate(returns, schedule, channel)
    other = ChannelInputs(**{**channel.__dict__, "rebalance_on": 1.0 - channel.rebalance_on})
    want = reference(returns, schedule, other, record_ledger=False)
    assert not np.allclose(got.flows[..., 3], want["flows"][..., 3], rtol=1e-6)


# --------------------------------------------------------------------------- 2. closed forms


def flat_schedule(n_groups=3, n_years=3, n=12, n_sources=2, *, outflow=0.0, contributions=None):
    """Two assets (core 0, alternative 1), no expenses, no fees, core = asset 0."""
    rng = np.random.default_rng(7)
    total = rng.uniform(0, 3e4, (n_years, n_groups)) if contributions is None else contributions
    opening = rng.uniform(1e4, 1e6, n_groups)
    contrib = np.stack([total, 0.4 * total])[:n_sources]
    balance0 = np.stack([opening, 0.25 * opening])[:n_sources]
    return GroupSchedule(
        core_weights=np.broadcast_to(np.array([1.0, 0.0])[None, :, None], (n_years, 2, 1)),
        portfolio=np.zeros(n_groups, dtype=int),
        expense_ratio=np.zeros(2),
        contributions=contrib,
        balance0=balance0,
        flat_fee=np.zeros((n_years, n_groups)),
        outflow=np.full((n_years, n_groups), outflow),
        periods_per_year=n,
        asset=1,
    )


def fixed_channel(n_scenarios, schedule, *, holder=1.0, share=0.3, new_money=0.3, every=0):
    """A Fixed adoption path: ``H`` from year 0, same share s every year."""
    n_y, n_g, n = schedule.n_years, schedule.n_groups, schedule.periods_per_year
    fraction = np.zeros((n_y * n, n_g))
    if every:
        fraction[every - 1 :: every] = 1.0
    full = (n_scenarios, n_y, n_g)
    return ChannelInputs(
        holder_share=np.broadcast_to(np.asarray(holder, dtype=float)[..., None, None], full),
        target_share=np.broadcast_to(np.asarray(share, dtype=float)[..., None, None], full),
        new_money_share=np.broadcast_to(np.asarray(new_money, dtype=float)[..., None, None], full),
        rebalance_fraction=fraction,
        rebalance_on=np.ones((n_scenarios, n_y)),
        unwind=np.zeros((n_scenarios, n_y * n)),
        channel=np.zeros(n_g, dtype=int),
    )


@pytest.mark.parametrize("n", [1, 4, 12])
@pytest.mark.parametrize("with_channel", [False, True])
def test_zero_returns_balances_are_opening_plus_contributions(n, with_channel):
    schedule = flat_schedule(n=n)
    returns = np.zeros((2, schedule.n_years * n, 2))
    channel = (
        fixed_channel(2, schedule, holder=[0.4, 1.0], share=0.3, new_money=0.6, every=1)
        if with_channel
        else None
    )
    out = simulate(returns, schedule, channel, record_ledger=True)
    expected = schedule.balance0[:, None, :] + np.cumsum(schedule.contributions, axis=1)
    for k in range(2):
        np.testing.assert_allclose(
            out.ledger.balance[k], np.broadcast_to(expected[k], (2, 3, 3)), rtol=RTOL
        )
    np.testing.assert_allclose(
        out.pool_assets, np.broadcast_to(expected[0].sum(axis=-1), (2, 3)), rtol=RTOL
    )
    for name in ("investment_return", "fees", "outflows"):
        assert np.all(getattr(out.ledger, name) == 0.0), name
    assert np.all(out.pool_outflows == 0.0)
    assert np.all(out.asset_return == 0.0)
    if with_channel:
        # The counterfactual holds the same money, all in the core.
        np.testing.assert_allclose(out.final_counterfactual, out.final_holder, rtol=RTOL)


@pytest.mark.parametrize("n", [1, 12])
def test_full_adoption_moves_exactly_the_share_in_the_first_period(n):
    rng = np.random.default_rng(3)
    schedule = flat_schedule(n=n)
    returns = rng.normal(0.005, 0.05, (3, schedule.n_years * n, 2))
    share = np.array([0.0, 0.3, 1.0])
    channel = fixed_channel(3, schedule, holder=1.0, share=share, new_money=share)
    out = simulate(returns, schedule, channel)
    # q = (1 - 0) / (1 - 0) = 1: the whole of N moves, s of it buys the asset, exactly.
    assert np.array_equal(out.flows[:, 0, 0], (share[:, None] * schedule.balance0[0]).sum(-1))
    assert np.all(out.flows[:, 1:, 0] == 0.0)
    assert np.all(out.final_non_holder == 0.0)
    assert np.all(out.holdings[0] == 0.0)
    assert np.all(out.holdings[2] > 0.0)


@pytest.mark.parametrize("outflow", [0.0, 0.052])
def test_zero_volatility_monthly_rebalancing_keeps_the_share(outflow):
    n, n_years, share = 12, 5, 0.2
    schedule = flat_schedule(n_groups=2, n_years=n_years, n=n, n_sources=1, outflow=outflow)
    schedule = GroupSchedule(**{**schedule.__dict__, "expense_ratio": np.array([0.003, 0.0075])})
    rates = np.array([0.004, 0.03])  # per month: core and asset, no volatility
    returns = np.broadcast_to(rates, (1, n_years * n, 2)).copy()
    channel = fixed_channel(1, schedule, share=share, new_money=0.0, every=1)
    out = simulate(returns, schedule, channel, record_ledger=True)
    wealth = out.ledger.balance[0].sum(axis=-1)
    np.testing.assert_allclose(out.holdings / wealth, share, rtol=RTOL)
    # Every month W -> g W + c: closed-form compounding of the mix.
    keep = 1.0 - period_rate(outflow, n)
    g = keep * (share * (1 + rates[1] - 0.0075 / n) + (1 - share) * (1 + rates[0] - 0.003 / n))
    c = schedule.contributions[0].sum(axis=-1) / n  # (Y,)
    w = schedule.balance0[0].sum()
    for y in range(n_years):
        w = w * g**n + c[y] * (g**n - 1) / (g - 1)
        assert wealth[0, y] == pytest.approx(w, rel=RTOL)


@pytest.mark.parametrize("n", [1, 4, 12, 52])
@pytest.mark.parametrize("d", [0.052, 0.3])
@pytest.mark.parametrize("with_channel", [False, True])
def test_annual_outflow_rate_removes_exactly_d_of_a_flat_balance(n, d, with_channel):
    schedule = flat_schedule(n=n, outflow=d, contributions=np.zeros((3, 3)))
    returns = np.zeros((1, 3 * n, 2))
    channel = fixed_channel(1, schedule, holder=0.5, share=0.4) if with_channel else None
    out = simulate(returns, schedule, channel, record_ledger=True)
    b = schedule.balance0[0].sum()
    np.testing.assert_allclose(out.pool_assets[0], b * (1 - d) ** np.arange(1, 4), rtol=RTOL)
    np.testing.assert_allclose(out.pool_outflows[0], d * out.pool_assets[0] / (1 - d), rtol=RTOL)
    assert out.pool_outflows[0, 0] == pytest.approx(d * b, rel=RTOL)
    np.testing.assert_allclose(out.ledger.outflows[0].sum(axis=-1), out.pool_outflows[0], rtol=RTOL)


# --------------------------------------------------------------------------- 3. conservation


@pytest.mark.parametrize("n_sources", [1, 2])
@pytest.mark.parametrize("n", [4, 12])
def test_money_is_conserved(n, n_sources):
    rng = np.random.default_rng(100 + n + n_sources)
    returns, schedule, channel = random_case(
        rng, n_scenarios=20, n_groups=4, n_years=4, n=n, n_sources=n_sources
    )
    out = simulate(returns, schedule, channel, record_ledger=True)
    led = out.ledger

    # The asset: holdings[y] - holdings[y-1] == flows[y].sum() + asset_return[y].
    previous = np.concatenate([np.zeros((20, 1)), out.holdings[:, :-1]], axis=1)
    scale = out.pool_assets.max()
    np.testing.assert_allclose(
        out.holdings - previous,
        out.flows.sum(axis=-1) + out.asset_return,
        rtol=0,
        atol=IDENTITY_RTOL * scale,
    )

    # Each group's ledger, relative to its balance.
    balance = led.balance[0]
    previous = np.concatenate(
        [np.broadcast_to(schedule.balance0[0], (20, 1, 4)), balance[:, :-1]], axis=1
    )
    change = schedule.contributions[0][None] + led.investment_return - led.fees - led.outflows
    scale = np.maximum(balance, previous) + schedule.contributions[0][None] + led.fees
    assert np.all(np.abs(balance - previous - change) <= IDENTITY_RTOL * scale)

    np.testing.assert_allclose(out.pool_outflows, led.outflows.sum(axis=-1), rtol=RTOL)
    np.testing.assert_allclose(out.pool_assets, balance.sum(axis=-1), rtol=RTOL)
    np.testing.assert_allclose(out.holdings, out.holdings_by_channel.sum(axis=-1), rtol=RTOL)
    # The identity test is sensitive: a year's flows are not negligible.
    assert np.all(np.abs(out.flows).sum(axis=-1) > 0)


# --------------------------------------------------------------------------- 4. row blocks


def assert_rows_equal(part: EnginePaths, whole: EnginePaths, lo: int, hi: int) -> None:
    for name in PATH_FIELDS:
        assert np.array_equal(getattr(part, name), getattr(whole, name)[lo:hi]), name
    if whole.ledger is not None:
        for name in LEDGER_FIELDS:
            rows = getattr(whole.ledger, name)
            rows = rows[:, lo:hi] if name == "balance" else rows[lo:hi]
            assert np.array_equal(getattr(part.ledger, name), rows), name


def slice_channel(ch: ChannelInputs, lo: int, hi: int) -> ChannelInputs:
    """Rows ``lo:hi`` of the per-scenario inputs, as views (as a caller's chunks are)."""
    return ChannelInputs(
        holder_share=ch.holder_share[lo:hi],
        target_share=ch.target_share[lo:hi],
        new_money_share=ch.new_money_share[lo:hi],
        rebalance_fraction=ch.rebalance_fraction,
        rebalance_on=ch.rebalance_on[lo:hi],
        unwind=ch.unwind[lo:hi],
        channel=ch.channel,
    )


def fortran_ordered(returns, schedule, channel):
    """The same inputs laid out column-major: results must not depend on the layout."""
    f = np.asfortranarray
    arrays = {k: f(v) if isinstance(v, np.ndarray) else v for k, v in schedule.__dict__.items()}
    per_row = {k: None if v is None else f(v) for k, v in channel.__dict__.items()}
    return f(returns), GroupSchedule(**arrays), ChannelInputs(**per_row)


@pytest.mark.parametrize("layout", ["C", "F"])
@pytest.mark.parametrize("n_sources", [1, 2])
def test_rows_do_not_depend_on_the_batch(n_sources, layout):
    rng = np.random.default_rng(21)
    case = random_case(rng, n_scenarios=6, n_groups=12, n_sources=n_sources)
    returns, schedule, channel = fortran_ordered(*case) if layout == "F" else case
    whole = simulate(returns, schedule, channel, record_ledger=True)
    for lo, hi in [(0, 1), (1, 4), (5, 6), (0, 6)]:
        part = simulate(
            returns[lo:hi], schedule, slice_channel(channel, lo, hi), record_ledger=True
        )
        assert_rows_equal(part, whole, lo, hi)


@pytest.mark.parametrize("layout", ["C", "F"])
@pytest.mark.parametrize("n_sources", [1, 2])
def test_rows_do_not_depend_on_the_kernel_row_blocks(n_sources, layout):
    # 3,000 groups: row blocks of 21 (K = 1) or 10 (K = 2) scenarios. Single rows
    # matter: numpy may sum a one-row array along another path than a block's rows.
    n_scenarios, n_groups = 45, 3_000
    rows = max(8, _BLOCK_BYTES // (8 * n_sources * n_groups))
    assert rows < n_scenarios // 2
    rng = np.random.default_rng(5)
    case = random_case(
        rng, n_scenarios=n_scenarios, n_groups=n_groups, n_years=1, n=4, n_sources=n_sources
    )
    returns, schedule, channel = fortran_ordered(*case) if layout == "F" else case
    whole = simulate(returns, schedule, channel, record_ledger=True)
    slices = [(0, 1), (rows - 3, rows + 4), (rows, 2 * rows), (n_scenarios - 1, n_scenarios)]
    for lo, hi in slices:
        part = simulate(
            returns[lo:hi], schedule, slice_channel(channel, lo, hi), record_ledger=True
        )
        assert_rows_equal(part, whole, lo, hi)


@pytest.mark.parametrize("with_channel", [False, True])
def test_an_asset_of_weight_zero_changes_nothing(with_channel):
    # A sleeve of 0 must equal no sleeve, bit for bit (tests/test_properties.py,
    # test_zero_sleeve_equals_no_sleeve): the extra asset adds exact zeros. One core
    # portfolio, as for a saver: numpy then takes a matrix-vector product.
    rng = np.random.default_rng(8)
    returns, schedule, channel = random_case(
        rng, n_scenarios=4, n_assets=3, n_groups=3, n_portfolios=1, with_channel=with_channel
    )
    extra = rng.normal(0.01, 0.2, (*returns.shape[:2], 1))
    wider = GroupSchedule(
        **{
            **schedule.__dict__,
            "core_weights": np.concatenate(
                [schedule.core_weights, np.zeros_like(schedule.core_weights[:, :1])], axis=1
            ),
            "expense_ratio": np.append(schedule.expense_ratio, 0.004),
        }
    )
    base = simulate(returns, schedule, channel, record_ledger=True)
    same = simulate(np.concatenate([returns, extra], axis=2), wider, channel, record_ledger=True)
    assert_rows_equal(same, base, 0, returns.shape[0])


# --------------------------------------------------------------------------- 5. errors, rates


def test_wrong_number_of_periods_is_an_error():
    schedule = flat_schedule(n=12)
    with pytest.raises(ValueError, match=r"returns have 35 periods; expected 3 years x 12 periods"):
        simulate(np.zeros((1, 35, 2)), schedule)


def test_channel_needs_the_asset_index():
    schedule = GroupSchedule(**{**flat_schedule(n=4).__dict__, "asset": None})
    channel = fixed_channel(1, schedule)
    with pytest.raises(ValueError, match=r"a channel needs schedule\.asset"):
        simulate(np.zeros((1, 12, 2)), schedule, channel)
    # Without a channel, no asset index is needed.
    simulate(np.zeros((1, 12, 2)), schedule)


def test_period_rate():
    assert period_rate(0.052, 12) == pytest.approx(1 - 0.948 ** (1 / 12), rel=1e-13)
    assert period_rate(0.052, 1) == pytest.approx(0.052, rel=1e-15)
    assert period_rate(0.0, 12) == 0.0
    rates = period_rate(np.array([0.01, 0.2, 0.5]), 4)
    np.testing.assert_allclose(1 - (1 - rates) ** 4, [0.01, 0.2, 0.5], rtol=1e-13)
    # Compounded, d / n would remove less than d.
    assert 1 - (1 - 0.052 / 12) ** 12 < 0.052
