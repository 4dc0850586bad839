"""Property tests: limits never exceeded, money conserved, zero allocation equals baseline,
batch independence and round-trip serialization.

Tolerances
----------
Checks that hold exactly in floating point (a ``np.minimum`` against a limit,
non-negativity of a difference whose operands are ordered, a product with 0)
are asserted exactly. Checks that recombine amounts computed along another
route (``pretax + roth - catch_up`` for the regular deferral, a year's
balance change against the sum of its recorded parts) carry float64 rounding:
a handful of operations per period, each off by at most half an ulp
(eps = 2.2e-16) of the amounts involved. Each test states the scale of the
money involved; :data:`RTOL` = 1e-10 relative to it is two orders of
magnitude above the worst-case rounding worked out in
:func:`test_engine_conserves_money` (~1.5e-12) and far below anything a
wrong formula would produce (a cent on a dollar is 1e-2). ``TINY`` = 1e-300
absorbs products that land near the float64 underflow threshold (a tiny
deferral rate times a tiny Roth fraction), where rounding is absolute
rather than relative.
"""

from __future__ import annotations

import dataclasses
from functools import cache

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from pydantic import ValidationError

import alt401k as ak
from alt401k.contributions import annual_contributions
from alt401k.engine import ChannelInputs, EnginePaths, GroupSchedule, period_rate, simulate
from alt401k.population import cells_from_participants

RTOL = 1e-10
TINY = 1e-300
#: Two float64 products of the same three factors, rounded in different orders.
PRODUCT_RTOL = 4.5e-16

MARKETS = ak.default_markets()
#: The smallest ``alt_cap`` of the default segments: the most a Scenario's allocation may be.
ALT_CAP = min(seg.alt_cap for seg in ak.default_segments())
CORE_ASSETS = ("us_equity", "us_bonds", "intl_equity", "cash", "private_equity")


def at_most(a: np.ndarray, b: np.ndarray, scale: np.ndarray | None = None) -> None:
    """``a <= b`` up to float rounding relative to ``scale`` (default ``|a| + |b|``)."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    scale = np.abs(a) + np.abs(b) if scale is None else np.abs(scale)
    excess = a - b - (RTOL * scale + TINY)
    assert np.all(excess <= 0.0), f"exceeds the rounding allowance by {np.max(excess)}"


def close(a: np.ndarray, b: np.ndarray, scale: np.ndarray | None = None) -> None:
    """``a == b`` up to float rounding relative to ``scale`` (default ``|a| + |b|``)."""
    at_most(a, b, scale)
    at_most(b, a, scale)


# Finite, normal floats: subnormals would make every relative tolerance meaningless.
def floats(lo: float, hi: float) -> st.SearchStrategy[float]:
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False, allow_subnormal=False)


def fraction() -> st.SearchStrategy[float]:
    return st.one_of(st.sampled_from([0.0, 1.0]), floats(0.0, 1.0))


def pool_fraction() -> st.SearchStrategy[float]:
    """0, 1 or at least 1e-6: products of three such factors and a pool stay normal floats."""
    return st.one_of(st.sampled_from([0.0, 1.0]), floats(1e-6, 1.0))


# --------------------------------------------------------------------------- strategies


@st.composite
def participant_st(draw, start_year: int | None = None) -> ak.Participant:
    age = draw(st.integers(18, 70))
    balance = draw(st.one_of(st.just(0.0), floats(0.0, 5e6)))
    prior = draw(st.one_of(st.none(), floats(0.0, 3e6)))
    return ak.Participant(
        age=age,
        retirement_age=draw(st.integers(age + 1, min(age + 35, 100))),
        salary=draw(st.one_of(st.sampled_from([0.0, 400_000.0]), floats(0.0, 2e6))),
        balance=balance,
        roth_balance=draw(fraction()) * balance,
        deferral_rate=draw(fraction()),
        roth_fraction=draw(fraction()),
        salary_growth=draw(floats(-0.05, 0.1)),
        start_year=draw(st.integers(2024, 2030)) if start_year is None else start_year,
        prior_year_wages=prior,
    )


@st.composite
def plan_st(draw, nonelective: bool = True) -> ak.PlanDesign:
    n_tiers = draw(st.integers(0, 3))
    tiers = [(draw(floats(0.0, 2.0)), draw(floats(0.001, 0.33))) for _ in range(n_tiers)]
    rate = draw(st.one_of(st.just(0.0), floats(0.0, 0.25))) if nonelective else 0.0
    try:
        return ak.PlanDesign(
            match=ak.MatchFormula(tiers=tiers),
            nonelective_rate=rate,
            match_catch_up=draw(st.booleans()),
            recordkeeping_fee=draw(floats(0.0, 200.0)),
        )
    except ValidationError:
        assume(False)  # match + non-elective above 100% of pay: not a legal plan
        raise


@st.composite
def weights_st(draw, names=CORE_ASSETS) -> dict[str, float]:
    chosen = draw(st.lists(st.sampled_from(names), min_size=1, max_size=len(names), unique=True))
    raw = [draw(floats(0.01, 1.0)) for _ in chosen]
    total = sum(raw)
    return {name: w / total for name, w in zip(chosen, raw, strict=True)}


@st.composite
def portfolio_st(draw) -> ak.Portfolio:
    sleeve_assets = draw(
        st.lists(st.sampled_from(["bitcoin", "ether", "private_credit"]), max_size=3, unique=True)
    )
    sleeve = {name: draw(floats(0.0, 0.3)) for name in sleeve_assets}
    return ak.Portfolio(weights=draw(weights_st()), alt_sleeve=sleeve)


@st.composite
def scenario_st(draw) -> ak.Scenario:
    return ak.Scenario(
        pool_assets=draw(floats(1e6, 1e14)),
        sponsor_adoption=draw(fraction()),
        opt_in_rate=draw(fraction()),
        allocation_share=ALT_CAP * draw(fraction()),
        asset=draw(st.sampled_from(["bitcoin", "ether", "private_equity"])),
        horizon_years=draw(st.integers(1, 40)),
        start_year=draw(st.integers(2024, 2060)),
        annual_contributions=draw(floats(0.0, 1e12)),
        distribution_rate=draw(
            st.floats(0.0, 1.0, exclude_max=True, allow_nan=False, allow_subnormal=False)
        ),
        pool_portfolio=draw(weights_st()),
        rebalancing=draw(st.sampled_from(["monthly", "quarterly", "annual", "never"])),
        markets=ak.default_markets(draw(st.sampled_from(["base", "crypto_bull", "crypto_bear"]))),
    )


# --------------------------------------------------------------------------- contributions


@st.composite
def contribution_case(draw, nonelective: bool = True):
    start_year = draw(st.integers(2024, 2030))
    people = draw(st.lists(participant_st(start_year=start_year), min_size=1, max_size=4))
    plan = draw(plan_st(nonelective=nonelective))
    n_years = draw(st.integers(1, max(p.n_years for p in people) + 2))
    return people, plan, start_year, n_years


@settings(max_examples=150, deadline=None)
@given(contribution_case())
def test_contributions_respect_every_limit(case):
    people, plan, start_year, n_years = case
    cells = cells_from_participants(people)
    c = annual_contributions(cells, plan, start_year=start_year, n_years=n_years)
    lim = {k: v[:, None] for k, v in ak.limits_by_year(c.years).items()}

    employee, employer, catch_up = c.employee, c.employer, c.catch_up
    # Every amount is non-negative, exactly (minima of non-negative terms,
    # differences of ordered terms).
    for amount in (c.employee_pretax, c.employee_roth, employer, catch_up):
        assert np.all(amount >= 0.0)

    # Catch-up within that age's limit, exactly (it is a np.minimum against it).
    assert np.all(catch_up <= ak.catch_up_limit(c.age.astype(int), c.years[:, None]))

    # Each check below compares amounts within a few roundings of each other;
    # the allowance is RTOL relative to the two sides compared.
    regular = employee - catch_up  # recombined from the pre-tax/Roth split
    at_most(regular, lim["elective_deferral"])  # 402(g)
    at_most(regular + employer, lim["annual_additions"])  # 415(c) dollar limit
    at_most(regular + employer, c.salary)  # 415(c): 100% of pay

    # Deferrals never exceed the election on capped pay (401(a)(17)), and equal
    # it unless a limit binds: min(d W, 402(g) + catch-up room).
    compensation = np.minimum(c.salary, lim["compensation"])
    np.testing.assert_array_equal(c.compensation, compensation)
    elected = cells.deferral_rate[None, :] * compensation
    at_most(employee, elected)
    room = lim["elective_deferral"] + ak.catch_up_limit(c.age.astype(int), c.years[:, None])
    close(employee, np.minimum(elected, room))

    # The employer never pays more than the formula's ceiling on capped pay.
    ceiling = (plan.match.max_match_fraction + plan.nonelective_rate) * compensation
    at_most(employer, ceiling)

    # Nothing is paid once retired.
    retired = ~c.active
    for amount in (c.employee_pretax, c.employee_roth, employer, catch_up, c.salary):
        assert np.all(amount[retired] == 0.0)

    # SECURE 2.0 section 603: above the wage threshold, all catch-up is Roth.
    prior = np.concatenate([cells.prior_year_wages[None, :], c.salary[:-1]], axis=0)
    forced = prior > lim["roth_catch_up_wage_threshold"]
    assert np.all(c.employee_roth[forced] >= catch_up[forced])


@settings(max_examples=60, deadline=None)
@given(contribution_case(nonelective=False))
def test_no_deferral_and_no_nonelective_means_no_employer_money(case):
    people, plan, start_year, n_years = case
    people = [p.replace(deferral_rate=0.0) for p in people]
    c = annual_contributions(
        cells_from_participants(people), plan, start_year=start_year, n_years=n_years
    )
    assert plan.nonelective_rate == 0.0
    assert np.all(c.employer == 0.0)
    assert np.all(c.employee == 0.0)


# --------------------------------------------------------------------------- engine


@st.composite
def engine_case(
    draw,
    *,
    with_channel: bool = True,
    zero_allocation: bool = False,
    constant_holders: bool = False,
    unwind: bool = True,
):
    """Returns, a schedule and (optionally) channel inputs for :func:`simulate`.

    Returns are at least -95% a period and expenses at most 2% a year, so
    every growth factor is positive; holder shares are non-decreasing.
    """
    n_scenarios = draw(st.integers(1, 3))
    n_years = draw(st.integers(1, 3))
    n = draw(st.sampled_from([1, 2, 4, 12, 52]))
    n_assets = draw(st.integers(1, 4))
    n_portfolios = draw(st.integers(1, 2))
    n_groups = draw(st.integers(1, 3))
    n_sources = draw(st.integers(1, 2))
    n_periods = n_years * n
    returns = draw(
        hnp.arrays(float, (n_scenarios, n_periods, n_assets), elements=floats(-0.95, 2.0))
    )
    raw = draw(hnp.arrays(float, (n_years, n_assets, n_portfolios), elements=floats(0.01, 1.0)))
    money = st.just(0.0) | floats(0.0, 1e5)
    total = draw(hnp.arrays(float, (n_years, n_groups), elements=money))
    opening = draw(hnp.arrays(float, n_groups, elements=st.just(0.0) | floats(0.0, 1e6)))
    if n_sources == 2:
        roth = draw(hnp.arrays(float, n_groups, elements=fraction()))
        contributions = np.stack([total, total * roth])
        balance0 = np.stack([opening, opening * roth])
    else:
        contributions, balance0 = total[None], opening[None]
    schedule = GroupSchedule(
        core_weights=raw / raw.sum(axis=1, keepdims=True),
        portfolio=draw(hnp.arrays(int, n_groups, elements=st.integers(0, n_portfolios - 1))),
        expense_ratio=draw(hnp.arrays(float, n_assets, elements=floats(0.0, 0.02))),
        contributions=contributions,
        balance0=balance0,
        flat_fee=draw(hnp.arrays(float, (n_years, n_groups), elements=floats(0.0, 5_000.0))),
        outflow=draw(
            hnp.arrays(float, (n_years, n_groups), elements=st.just(0.0) | floats(0.0, 0.5))
        ),
        periods_per_year=n,
        asset=draw(st.integers(0, n_assets - 1)),
    )
    if not with_channel:
        return returns, schedule, None
    per_year = (n_scenarios, n_years, n_groups)
    if constant_holders:
        holders = np.repeat(
            draw(hnp.arrays(float, (n_scenarios, 1, n_groups), elements=pool_fraction())),
            n_years,
            axis=1,
        )
    else:
        steps = draw(hnp.arrays(float, per_year, elements=pool_fraction()))
        holders = np.maximum.accumulate(steps, axis=1)
    shares = st.just(0.0) if zero_allocation else fraction()
    rebalance = np.zeros((n_periods, n_groups))
    for g in range(n_groups):
        every = draw(st.integers(0, n))
        if every:
            rebalance[every - 1 :: every, g] = draw(fraction())
    sold = st.just(0.0) | fraction() if unwind else st.just(0.0)
    channel = ChannelInputs(
        holder_share=holders,
        target_share=draw(hnp.arrays(float, per_year, elements=shares)),
        new_money_share=draw(hnp.arrays(float, per_year, elements=shares)),
        rebalance_fraction=rebalance,
        rebalance_on=draw(
            hnp.arrays(float, (n_scenarios, n_years), elements=st.sampled_from([0.0, 1.0]))
        ),
        unwind=draw(hnp.arrays(float, (n_scenarios, n_periods), elements=sold)),
        channel=draw(hnp.arrays(int, n_groups, elements=st.integers(0, 1))),
    )
    return returns, schedule, channel


def _per_period(schedule: GroupSchedule, channel: ChannelInputs | None):
    """The same accounts with every period a "year", so its year ends are the period ends.

    Expenses and contributions are divided by n and outflow rates converted to
    their per-period equivalents; the flat fee falls on the last period of each
    year, the adoption and allocation inputs repeat within the year (so nobody
    joins after its first period).
    """
    n = schedule.periods_per_year
    fee = np.zeros((schedule.n_years * n, schedule.n_groups))
    fee[n - 1 :: n] = schedule.flat_fee
    by_period = GroupSchedule(
        core_weights=np.repeat(schedule.core_weights, n, axis=0),
        portfolio=schedule.portfolio,
        expense_ratio=schedule.expense_ratio / n,
        contributions=np.repeat(schedule.contributions / n, n, axis=1),
        balance0=schedule.balance0,
        flat_fee=fee,
        outflow=np.repeat(period_rate(schedule.outflow, n), n, axis=0),
        periods_per_year=1,
        asset=schedule.asset,
    )
    if channel is None:
        return by_period, None
    return by_period, dataclasses.replace(
        channel,
        holder_share=np.repeat(channel.holder_share, n, axis=1),
        target_share=np.repeat(channel.target_share, n, axis=1),
        new_money_share=np.repeat(channel.new_money_share, n, axis=1),
        rebalance_on=np.repeat(channel.rebalance_on, n, axis=1),
    )


def _group_scale(schedule: GroupSchedule, by_period: EnginePaths) -> np.ndarray:
    """(S, Y, G): 3 x the largest balance of each group's year (a period return is at
    most +200%) plus its contributions and fees: every amount the year's
    identity adds is at most this large."""
    n = schedule.periods_per_year
    n_scenarios = by_period.pool_assets.shape[0]
    balance = by_period.ledger.balance[0]  # (S, T, G)
    start = np.broadcast_to(schedule.balance0[0], (n_scenarios, 1, schedule.n_groups))
    ends = np.concatenate([start, balance], axis=1)  # period starts and ends
    peak = np.stack(
        [ends[:, y * n : (y + 1) * n + 1].max(axis=1) for y in range(schedule.n_years)], axis=1
    )
    fees = by_period.ledger.fees.reshape(n_scenarios, schedule.n_years, n, -1).sum(axis=2)
    return 3.0 * peak + schedule.contributions[0][None] + fees


@settings(max_examples=100, deadline=None)
@given(engine_case(with_channel=False) | engine_case())
def test_engine_conserves_money(case):
    """Per group and year: balance = previous + contributions + investment_return -
    fees - outflows; for the asset, holdings = previous + flows + asset_return.

    Rounding: each of the n periods makes ~20 float operations on amounts no
    larger than 3x the largest period-end balance of the year (read from the
    same accounts run period by period), and the yearly accumulators add n
    terms of that size, so the identity is off by at most ~(2 n**2 + 20 n) eps
    x scale, about 1.5e-12 x scale for n = 52, with scale = 3 x that balance +
    contributions + fees. RTOL = 1e-10.
    """
    returns, schedule, channel = case
    out = simulate(returns, schedule, channel, record_ledger=True)
    by_period = simulate(returns, *_per_period(schedule, channel), record_ledger=True)
    led = out.ledger
    n_scenarios, n_years = out.pool_assets.shape
    scale = _group_scale(schedule, by_period)  # (S, Y, G)
    pool_scale = scale.sum(axis=-1)

    previous = np.broadcast_to(schedule.balance0[0], (n_scenarios, schedule.n_groups))
    holdings = np.zeros(n_scenarios)
    for year in range(n_years):
        balance = led.balance[0, :, year]
        change = (
            schedule.contributions[0, year]
            + led.investment_return[:, year]
            - led.fees[:, year]
            - led.outflows[:, year]
        )
        close(balance, previous + change, scale[:, year])
        flows = out.flows[:, year]
        s = pool_scale[:, year] + np.abs(flows).sum(axis=-1) + np.abs(out.asset_return[:, year])
        close(out.holdings[:, year], holdings + flows.sum(axis=-1) + out.asset_return[:, year], s)
        previous, holdings = balance, out.holdings[:, year]
    close(out.pool_outflows, led.outflows.sum(axis=-1), pool_scale)
    close(out.pool_assets, led.balance[0].sum(axis=-1), pool_scale)
    close(out.holdings, out.holdings_by_channel.sum(axis=-1), pool_scale)
    # The Roth part follows the same rules: never above the total.
    at_most(led.balance[-1], led.balance[0], scale)
    # Exact: every factor applied to N, X and Z is in [0, 1] or positive, fees are capped.
    for name in ("final_non_holder", "final_holder_asset", "final_counterfactual", "holdings"):
        assert np.all(getattr(out, name) >= 0.0), name
    assert np.all(out.flows[..., 1] >= 0.0)  # new money buys
    assert np.all(out.flows[..., 2] <= 0.0)  # outflows sell
    # A rebalancing trade rounds near the target: Y and the core are >= 0 to rounding.
    for amount in (led.balance[0], led.fees, led.outflows):
        at_most(0.0, amount, scale)
    if channel is None:
        for name in ("flows", "holdings", "asset_return", "final_holder"):
            assert np.all(getattr(out, name) == 0.0), name


@settings(max_examples=60, deadline=None)
@given(engine_case(with_channel=False) | engine_case())
def test_engine_periods_per_year_consistency(case):
    """n periods a year equal n one-period "years" with per-period expenses,
    contributions and outflow rates and the flat fee on the year's last period.

    Both runs make the same operations except the outflow rate (converted
    twice) and the new-money flow (n x one period vs a sum of n): a few
    roundings per period, compounded over at most 156 periods, ~1e-13 x scale.
    """
    returns, schedule, channel = case
    out = simulate(returns, schedule, channel, record_ledger=True)
    by_period = simulate(returns, *_per_period(schedule, channel), record_ledger=True)
    n = schedule.periods_per_year
    n_scenarios, n_years = out.pool_assets.shape
    scale = _group_scale(schedule, by_period)
    pool_scale = scale.sum(axis=-1)
    ends = np.arange(n_years) * n + n - 1

    def yearly(a):  # (S, T, ...) -> (S, Y, ...): sums over each year's periods
        return a.reshape(n_scenarios, n_years, n, *a.shape[2:]).sum(axis=2)

    flows = yearly(np.abs(by_period.flows)).sum(axis=-1)
    for name in ("pool_assets", "holdings"):
        close(getattr(out, name), getattr(by_period, name)[:, ends], pool_scale)
    close(out.holdings_by_channel, by_period.holdings_by_channel[:, ends], pool_scale[..., None])
    close(out.flows, yearly(by_period.flows), (pool_scale + flows)[..., None])
    close(out.asset_return, yearly(by_period.asset_return), pool_scale + flows)
    close(out.pool_outflows, yearly(by_period.pool_outflows), pool_scale)
    close(out.ledger.balance, by_period.ledger.balance[:, :, ends], scale[None])
    for name in ("investment_return", "fees", "outflows"):
        close(getattr(out.ledger, name), yearly(getattr(by_period.ledger, name)), scale)
    final = scale[:, -1]
    for name in ("final_non_holder", "final_holder", "final_holder_asset", "final_counterfactual"):
        close(getattr(out, name), getattr(by_period, name), final)


@settings(max_examples=50, deadline=None)
@given(engine_case(zero_allocation=True))
def test_engine_zero_allocation_moves_nothing(case):
    returns, schedule, channel = case
    out = simulate(returns, schedule, channel, record_ledger=True)
    assert np.all(out.flows == 0.0)
    assert np.all(out.asset_return == 0.0)
    assert np.all(out.holdings == 0.0)
    assert np.all(out.final_holder_asset == 0.0)
    # Holders keep everything in the core: exactly their counterfactual.
    assert np.array_equal(out.final_holder, out.final_counterfactual)
    # Without flat fees (whose caps apply to holders and non-holders apart), the
    # pool is the pool without a channel, to rounding.
    no_fee = dataclasses.replace(schedule, flat_fee=np.zeros_like(schedule.flat_fee))
    base = simulate(returns, no_fee, record_ledger=True)
    with_channel = simulate(returns, no_fee, channel, record_ledger=True)
    scale = _group_scale(no_fee, simulate(returns, *_per_period(no_fee, None), record_ledger=True))
    for name in ("balance", "investment_return", "fees", "outflows"):
        close(getattr(with_channel.ledger, name), getattr(base.ledger, name), scale)
    close(
        with_channel.final_non_holder + with_channel.final_holder,
        base.final_non_holder,
        scale[:, -1],
    )


@settings(max_examples=60, deadline=None)
@given(engine_case(constant_holders=True, unwind=False))
def test_engine_year_one_reallocation(case):
    returns, schedule, channel = case
    out = simulate(returns, schedule, channel)
    h = channel.holder_share[:, 0]
    share = channel.target_share[:, 0]
    # Joining = (H - 0) / (1 - 0) = H exactly in year one: share x (H x balance), summed
    # over groups the same way.
    assert np.array_equal(out.flows[:, 0, 0], (share * (h * schedule.balance0[0])).sum(axis=-1))
    if schedule.n_groups == 1:
        # The same three factors rounded in the other order: within PRODUCT_RTOL.
        expected = share[:, 0] * h[:, 0] * schedule.balance0[0, 0]
        np.testing.assert_allclose(out.flows[:, 0, 0], expected, rtol=PRODUCT_RTOL, atol=0.0)
    # H is reached in the first period and nothing unwinds: no reallocation afterwards.
    assert np.all(out.flows[:, 1:, 0] == 0.0)
    assert np.all(out.flows[..., 0] >= 0.0)


@settings(max_examples=15, deadline=None)
@given(
    adoption=pool_fraction(),
    opt_in=pool_fraction(),
    share=pool_fraction().map(lambda s: ALT_CAP * s),
    pool=floats(1e6, 1e14),
    seed=st.integers(0, 2**32),
)
def test_scenario_year_one_reallocation(adoption, opt_in, share, pool, seed):
    scn = ak.Scenario(
        pool_assets=pool,
        sponsor_adoption=adoption,
        opt_in_rate=opt_in,
        allocation_share=share,
        horizon_years=1,
    )
    out = scn.run(2, rng=seed)
    expected = share * (adoption * opt_in) * pool
    np.testing.assert_allclose(out.component("reallocation")[:, 0], expected, rtol=PRODUCT_RTOL)
    # headline_reallocation is rounded to 16 significant digits: at most 5e-16 more.
    assert out.headline_reallocation == pytest.approx(expected, rel=PRODUCT_RTOL + 5e-16, abs=0.0)


# --------------------------------------------------------------------------- zero allocation

PARTICIPANT_ARRAYS = (
    "balance_end",
    "roth_balance_end",
    "investment_return",
    "fees",
    "price_level",
)
POOL_ARRAYS = ("flow_paths", "asset_return", "holdings", "pool_assets")


def _same(a, b, fields) -> None:
    for field in fields:
        x, y = getattr(a, field), getattr(b, field)
        assert x.shape == y.shape, field
        assert np.array_equal(x, y), field  # bit-for-bit, not approximately


@st.composite
def short_career(draw) -> ak.Participant:
    age = draw(st.integers(18, 70))
    return ak.Participant(
        age=age,
        retirement_age=draw(st.integers(age + 1, min(age + 5, 100))),
        salary=draw(floats(0.0, 500_000.0)),
        balance=draw(floats(0.0, 1e6)),
        deferral_rate=draw(fraction()),
        roth_fraction=draw(fraction()),
        start_year=draw(st.integers(2024, 2030)),
    )


@settings(max_examples=15, deadline=None)
@given(
    saver=short_career(),
    plan=plan_st(),
    weights=weights_st(),
    seed=st.integers(0, 2**32),
    sleeve_asset=st.sampled_from(["bitcoin", "ether"]),
)
def test_zero_sleeve_equals_no_sleeve(saver, plan, weights, seed, sleeve_asset):
    core = ak.Portfolio(weights=weights)
    zero = ak.Portfolio(weights=weights, alt_sleeve={sleeve_asset: 0.0})
    base = ak.simulate_participant(saver, plan, core, markets=MARKETS, n_scenarios=3, rng=seed)
    same = ak.simulate_participant(saver, plan, zero, markets=MARKETS, n_scenarios=3, rng=seed)
    _same(base, same, PARTICIPANT_ARRAYS)
    np.testing.assert_array_equal(
        core.target_weights(MARKETS.names), zero.target_weights(MARKETS.names)
    )


def test_zero_sleeve_equals_no_sleeve_with_a_one_asset_core():
    saver = ak.Participant(age=18, retirement_age=19, salary=0.0, balance=1.0, deferral_rate=0.0)
    plan = ak.PlanDesign(recordkeeping_fee=0.0)
    core = ak.Portfolio(weights={"us_equity": 1.0})
    zero = ak.Portfolio(weights={"us_equity": 1.0}, alt_sleeve={"bitcoin": 0.0})
    base = ak.simulate_participant(saver, plan, core, markets=MARKETS, n_scenarios=3, rng=0)
    same = ak.simulate_participant(saver, plan, zero, markets=MARKETS, n_scenarios=3, rng=0)
    _same(base, same, PARTICIPANT_ARRAYS)


def test_a_real_sleeve_changes_the_outcome():
    # Guards the test above: the comparison is sensitive to a sleeve.
    saver = ak.Participant(age=55, retirement_age=60, salary=90_000, deferral_rate=0.08)
    weights = {"us_equity": 0.6, "us_bonds": 0.4}
    base = ak.simulate_participant(
        saver, portfolio=ak.Portfolio(weights=weights), n_scenarios=3, rng=5
    )
    with_sleeve = ak.simulate_participant(
        saver,
        portfolio=ak.Portfolio(weights=weights, alt_sleeve={"bitcoin": 0.05}),
        n_scenarios=3,
        rng=5,
    )
    assert not np.array_equal(base.terminal_balance, with_sleeve.terminal_balance)
    # Same market paths: the inflation draws (price level) are shared.
    np.testing.assert_array_equal(base.price_level, with_sleeve.price_level)


# --------------------------------------------------------------------------- batch independence

SEED = 20250807
# Crosses the 1,000-scenario block boundary, so prefixes and chunks straddle blocks.
BIG = 1005
POOL_SCENARIO = ak.Scenario(horizon_years=2, allocation_share=0.05, rebalancing="monthly")
SAVER = ak.Participant(age=60, retirement_age=62, salary=150_000, deferral_rate=0.15, balance=2e5)
SLEEVE = ak.Portfolio(weights={"us_equity": 0.6, "us_bonds": 0.4}, alt_sleeve={"bitcoin": 0.03})


@cache
def big_pool_run() -> ak.PoolResults:
    return POOL_SCENARIO.run(BIG, rng=SEED)


@cache
def big_participant_run() -> ak.ParticipantResults:
    return ak.simulate_participant(SAVER, portfolio=SLEEVE, n_scenarios=BIG, rng=SEED)


def _prefix(result, n, fields):
    return {field: getattr(result, field)[:n] for field in fields}


def _check_prefix(small, big, fields) -> None:
    n = small.n_scenarios
    for field, rows in _prefix(big, n, fields).items():
        assert np.array_equal(getattr(small, field), rows), field


@pytest.mark.parametrize(
    ("n", "chunk_size"),
    [
        (1, None),
        (999, None),
        (1000, None),
        (1001, None),
        (1001, 1000),
        (40, 1),
        (BIG, 7),
        (BIG, 333),
        (BIG, 1000),
    ],
)
def test_pool_run_is_a_prefix_of_a_bigger_run(n, chunk_size):
    small = POOL_SCENARIO.run(n, rng=SEED, chunk_size=chunk_size)
    _check_prefix(small, big_pool_run(), POOL_ARRAYS)


@pytest.mark.parametrize(
    ("n", "chunk_size"),
    [(2, None), (1000, None), (1001, None), (40, 2), (40, 7), (BIG, 333), (BIG, 1000)],
)
def test_participant_run_is_a_prefix_of_a_bigger_run(n, chunk_size):
    small = ak.simulate_participant(
        SAVER, portfolio=SLEEVE, n_scenarios=n, rng=SEED, chunk_size=chunk_size
    )
    _check_prefix(small, big_participant_run(), PARTICIPANT_ARRAYS)


@pytest.mark.parametrize(("n", "chunk_size"), [(1, None), (1001, 1000), (40, 1)])
def test_participant_run_with_one_scenario_chunks_is_a_prefix(n, chunk_size):
    small = ak.simulate_participant(
        SAVER, portfolio=SLEEVE, n_scenarios=n, rng=SEED, chunk_size=chunk_size
    )
    _check_prefix(small, big_participant_run(), PARTICIPANT_ARRAYS)


@settings(max_examples=40, deadline=None)
@given(
    case=engine_case(with_channel=False) | engine_case(),
    data=st.data(),
    column_major=st.booleans(),
)
def test_engine_rows_do_not_depend_on_the_batch(case, data, column_major):
    returns, schedule, channel = case
    if column_major:  # the inputs' memory layout does not matter either
        returns = np.asfortranarray(returns)
        if channel is not None:
            channel = ChannelInputs(
                **{k: None if v is None else np.asfortranarray(v) for k, v in vars(channel).items()}
            )
    n_scenarios = returns.shape[0]
    lo = data.draw(st.integers(0, n_scenarios - 1))
    hi = data.draw(st.integers(lo + 1, n_scenarios))
    whole = simulate(returns, schedule, channel, record_ledger=True)
    rows = None
    if channel is not None:
        rows = dataclasses.replace(
            channel,
            holder_share=channel.holder_share[lo:hi],
            target_share=channel.target_share[lo:hi],
            new_money_share=channel.new_money_share[lo:hi],
            rebalance_on=channel.rebalance_on[lo:hi],
            unwind=channel.unwind[lo:hi],
        )
    part = simulate(returns[lo:hi], schedule, rows, record_ledger=True)
    for field in dataclasses.fields(EnginePaths):
        if field.name != "ledger":
            assert np.array_equal(getattr(part, field.name), getattr(whole, field.name)[lo:hi])
    for name in ("investment_return", "fees", "outflows"):
        assert np.array_equal(getattr(part.ledger, name), getattr(whole.ledger, name)[lo:hi])
    assert np.array_equal(part.ledger.balance, whole.ledger.balance[:, lo:hi])


@settings(max_examples=20, deadline=None)
@given(n=st.integers(1, 60), chunk_size=st.none() | st.integers(1, 60))
def test_any_chunking_of_any_prefix_is_bit_identical(n, chunk_size):
    small = POOL_SCENARIO.run(n, rng=SEED, chunk_size=chunk_size)
    _check_prefix(small, big_pool_run(), POOL_ARRAYS)


def test_batch_check_detects_a_different_seed():
    # Guards the tests above: another seed does not pass as a prefix.
    other = POOL_SCENARIO.run(5, rng=SEED + 1)
    assert not np.array_equal(other.holdings, big_pool_run().holdings[:5])


# --------------------------------------------------------------------------- round trips


def _round_trips(spec) -> None:
    cls = type(spec)
    assert cls.model_validate(spec.model_dump()) == spec
    assert cls.model_validate(spec.model_dump(mode="json")) == spec
    again = cls.model_validate_json(spec.model_dump_json())
    assert again == spec
    assert again.model_dump() == spec.model_dump()


@settings(max_examples=50, deadline=None)
@given(participant_st())
def test_participant_round_trip(spec):
    _round_trips(spec)


@settings(max_examples=50, deadline=None)
@given(plan_st())
def test_plan_round_trip(spec):
    _round_trips(spec)


@settings(max_examples=50, deadline=None)
@given(portfolio_st())
def test_portfolio_round_trip(spec):
    _round_trips(spec)


@settings(max_examples=15, deadline=None)
@given(scenario_st())
def test_scenario_round_trip(spec):
    _round_trips(spec)


def test_round_trip_check_detects_a_change():
    # Guards the round-trip tests: equality does look at field values.
    spec = ak.Scenario()
    data = spec.model_dump()
    data["allocation_share"] = 0.02
    assert ak.Scenario.model_validate(data) != spec
