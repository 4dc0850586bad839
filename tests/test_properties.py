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
:func:`test_accounts_conserve_money` (~1.3e-12) and far below anything a
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
from alt401k.engine import AccountSchedule, PoolSchedule, simulate_accounts, simulate_pool
from alt401k.population import cells_from_participants

RTOL = 1e-10
TINY = 1e-300
#: Two float64 products of the same three factors, rounded in different orders.
PRODUCT_RTOL = 4.5e-16

MARKETS = ak.default_markets()
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
        allocation_share=draw(fraction()),
        asset=draw(st.sampled_from(["bitcoin", "ether", "private_equity"])),
        horizon_years=draw(st.integers(1, 40)),
        start_year=draw(st.integers(2024, 2060)),
        annual_contributions=draw(floats(0.0, 1e12)),
        contribution_growth=draw(floats(-0.5, 0.5)),
        distribution_rate=draw(floats(0.0, 1.0)),
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


# --------------------------------------------------------------------------- engine: accounts


@st.composite
def account_case(draw):
    n_scenarios = draw(st.integers(1, 3))
    n_years = draw(st.integers(1, 4))
    n = draw(st.sampled_from([1, 2, 4, 12, 52]))
    n_assets = draw(st.integers(1, 4))
    n_cells = draw(st.integers(1, 3))
    returns = draw(
        hnp.arrays(float, (n_scenarios, n_years * n, n_assets), elements=floats(-0.95, 2.0))
    )
    raw = draw(hnp.arrays(float, (n_cells, n_assets), elements=floats(0.01, 1.0)))
    schedule = AccountSchedule(
        weights=raw / raw.sum(axis=1, keepdims=True),
        expense_ratio=draw(hnp.arrays(float, n_assets, elements=floats(0.0, 0.05))),
        contributions=draw(
            hnp.arrays(float, (n_years, n_cells, 3), elements=st.just(0.0) | floats(0.0, 1e5))
        ),
        flat_fee=draw(hnp.arrays(float, n_cells, elements=floats(0.0, 5_000.0))),
        balance0=draw(hnp.arrays(float, (n_cells, 2), elements=st.just(0.0) | floats(0.0, 1e6))),
        periods_per_year=n,
    )
    return returns, schedule


def _per_period(schedule: AccountSchedule) -> AccountSchedule:
    """The same accounts with every period a "year": its year ends are the period ends."""
    n = schedule.periods_per_year
    return AccountSchedule(
        weights=schedule.weights,
        expense_ratio=schedule.expense_ratio / n,
        contributions=np.repeat(schedule.contributions / n, n, axis=0),
        flat_fee=schedule.flat_fee / n,
        balance0=schedule.balance0,
        periods_per_year=1,
    )


@settings(max_examples=100, deadline=None)
@given(account_case())
def test_accounts_conserve_money(case):
    """Per year: balance_end = previous + contributions + investment_return - fees.

    Rounding: each of the n periods makes ~10 float operations on amounts no
    larger than 3x the largest period-end balance of the year (a period return
    is at most +200%), and the yearly accumulators add n terms of that size, so
    the identity is off by at most ~(2 n**2 + 10 n) eps x scale, about 1.3e-12
    x scale for n = 52, with scale = 3 x the largest balance (read from the same
    accounts run period by period) + contributions + fees. RTOL = 1e-10.
    """
    returns, schedule = case
    out = simulate_accounts(returns, schedule)
    n = schedule.periods_per_year
    by_period = simulate_accounts(returns, _per_period(schedule)).balance_end
    n_scenarios, n_years, n_cells = out.balance_end.shape
    assert (n_scenarios, n_cells) == (returns.shape[0], schedule.weights.shape[0])
    previous = np.broadcast_to(schedule.balance0.sum(axis=-1), (n_scenarios, n_cells))
    for year in range(n_years):
        paid_in = schedule.contributions[year].sum(axis=-1)
        peak = np.maximum(previous, by_period[:, year * n : (year + 1) * n].max(axis=1))
        scale = 3.0 * peak + paid_in + out.fees[:, year]
        expected = previous + paid_in + out.investment_return[:, year] - out.fees[:, year]
        close(out.balance_end[:, year], expected, scale)
        # Period by period, the year ends are the same balances.
        close(by_period[:, (year + 1) * n - 1], out.balance_end[:, year], scale)
        # The Roth part earns the same return: never above the total.
        at_most(out.roth_balance_end[:, year], out.balance_end[:, year], scale)
        previous = out.balance_end[:, year]
    # Exact: growth factors are >= 0.05 * 0.95 > 0 and the flat fee is capped at the balance.
    assert np.all(out.balance_end >= 0.0)
    assert np.all(out.roth_balance_end >= 0.0)
    assert np.all(out.fees >= 0.0)


# --------------------------------------------------------------------------- engine: pool


@st.composite
def pool_case(draw, share=None, constant_participation: bool = False):
    n_scenarios = draw(st.integers(1, 3))
    n_years = draw(st.integers(1, 3))
    n = draw(st.sampled_from([1, 4, 12]))
    n_periods = n_years * n
    asset = draw(hnp.arrays(float, (n_scenarios, n_periods), elements=floats(-0.9, 2.0)))
    core = draw(hnp.arrays(float, (n_scenarios, n_periods), elements=floats(-0.5, 0.5)))
    if constant_participation:
        participation = np.full(n_periods, draw(pool_fraction()))
    else:
        steps = draw(hnp.arrays(float, n_periods, elements=pool_fraction()))
        participation = np.maximum.accumulate(steps)  # non-decreasing, in [0, 1]
    schedule = PoolSchedule(
        pool_assets=draw(floats(1e6, 1e14)),
        participation=participation,
        allocation_share=draw(pool_fraction()) if share is None else share,
        contributions=draw(hnp.arrays(float, n_periods, elements=floats(0.0, 1e11))),
        distribution_rate=draw(floats(0.0, 0.05)),
        rebalance_every=draw(st.integers(0, n)),
        asset_expense=draw(floats(0.0, 0.01)),
        core_expense=draw(floats(0.0, 0.01)),
        periods_per_year=n,
    )
    return asset, core, schedule


@settings(max_examples=100, deadline=None)
@given(pool_case())
def test_pool_holdings_identity(case):
    """holdings[y] = holdings[y-1] + flows[y].sum() + asset_return[y].

    Same rounding argument as for the accounts: the terms are bounded by 3x the
    largest period-end holding of the year (read from the same pool run with
    one period a "year") plus the flows, and n <= 12.
    """
    asset, core, schedule = case
    out = simulate_pool(asset, core, schedule)
    n = schedule.periods_per_year
    by_period = simulate_pool(asset, core, dataclasses.replace(schedule, periods_per_year=1))
    n_scenarios, n_years = out.holdings.shape
    previous = np.zeros(n_scenarios)
    for year in range(n_years):
        flows = out.flows[:, year]
        peak = np.maximum(previous, by_period.holdings[:, year * n : (year + 1) * n].max(axis=1))
        scale = 3.0 * peak + np.abs(flows).sum(axis=-1) + np.abs(out.asset_return[:, year])
        expected = previous + flows.sum(axis=-1) + out.asset_return[:, year]
        close(out.holdings[:, year], expected, scale)
        previous = out.holdings[:, year]
    assert np.all(out.holdings >= 0.0)
    # Reallocation and contributions are purchases, distributions are sales: exact signs.
    assert np.all(out.flows[..., 0] >= 0.0)
    assert np.all(out.flows[..., 1] >= 0.0)
    assert np.all(out.flows[..., 2] <= 0.0)


@settings(max_examples=50, deadline=None)
@given(pool_case(share=0.0))
def test_pool_zero_allocation_moves_nothing(case):
    asset, core, schedule = case
    out = simulate_pool(asset, core, schedule)
    assert np.all(out.flows == 0.0)
    assert np.all(out.asset_return == 0.0)
    assert np.all(out.holdings == 0.0)


@settings(max_examples=60, deadline=None)
@given(pool_case(constant_participation=True))
def test_pool_year_one_reallocation(case):
    asset, core, schedule = case
    out = simulate_pool(asset, core, schedule)
    participation = schedule.participation[0]
    expected = schedule.allocation_share * participation * schedule.pool_assets
    # The kernel rounds share * (participation * pool) (joining = participation exactly in
    # period one); ``expected`` rounds the same two products in the other order. Each
    # side is within 2 half-ulps (2u, u = 2**-53) of the exact product, so they differ
    # by at most 4u (1 + u) < 4.5e-16 relative.
    np.testing.assert_allclose(out.flows[:, 0, 0], expected, rtol=PRODUCT_RTOL, atol=0.0)
    # Participation is reached in the first period: no reallocation afterwards.
    assert np.all(out.flows[:, 1:, 0] == 0.0)


@settings(max_examples=15, deadline=None)
@given(
    adoption=pool_fraction(),
    opt_in=pool_fraction(),
    share=pool_fraction(),
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
    assert out.headline_reallocation == pytest.approx(expected, rel=PRODUCT_RTOL, abs=0.0)


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


def test_account_kernel_rows_do_not_depend_on_the_batch():
    rng = np.random.default_rng(0)
    n_scenarios, n_assets = 5, 13
    returns = rng.normal(0.0, 0.05, (n_scenarios, 24, n_assets))
    weights = rng.random((1, n_assets))
    schedule = AccountSchedule(
        weights=weights / weights.sum(axis=1, keepdims=True),
        expense_ratio=np.full(n_assets, 0.003),
        contributions=np.full((2, 1, 3), 1_000.0),
        flat_fee=np.array([50.0]),
        balance0=np.array([[2e5, 0.0]]),
        periods_per_year=12,
    )
    batch = simulate_accounts(returns, schedule)
    for i in range(n_scenarios):
        alone = simulate_accounts(returns[i : i + 1], schedule)
        for field in ("balance_end", "roth_balance_end", "investment_return", "fees"):
            assert np.array_equal(getattr(alone, field)[0], getattr(batch, field)[i]), field


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
