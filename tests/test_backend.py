"""The compiled pool loop (backend="numba") against numpy: same balances, sums to rounding."""

from __future__ import annotations

import sys

import numpy as np
import pytest

import alt401k as ak

pytest.importorskip("numba")

#: Every feature of the period loop: both channels, quarterly partial rebalancing, a
#: redemption gate, and a reversal that unwinds holdings.
SCENARIO = ak.Scenario(
    horizon_years=6,
    sponsor_adoption=ak.Logistic(midpoint=1, steepness=1.2, ceiling=ak.Uniform(0.3, 0.9)),
    opt_in_rate=0.4,
    rebalancing=ak.Rebalancing(frequency="quarterly", fraction=0.5),
    default_fund=ak.DefaultChannel(sleeve_share=0.01),
    redemption_gate=0.02,
    reversal=ak.Reversal(hazard=0.3, treatment="unwind", unwind_years=2),
)
#: Balances and states: the same floating-point operations in the same order.
IDENTICAL = (
    "holdings", "holdings_by_channel", "pool_assets", "pool_outflows", "outflow_by_cause",
    "final_non_holder", "final_holder", "final_holder_asset", "final_counterfactual",
)  # fmt: skip
#: Per-period sums over groups, added in another order.
ROUNDING = ("flow_paths", "asset_return", "blocked_sales")


def test_numba_matches_numpy(monkeypatch: pytest.MonkeyPatch) -> None:
    import alt401k._kernel_numba as kernel

    calls = []
    compiled = kernel.year_periods

    def counting(*args: object) -> None:
        calls.append(1)
        compiled(*args)

    monkeypatch.setattr(kernel, "year_periods", counting)
    ref = SCENARIO.run(1_200, rng=7)
    assert not calls
    fast = SCENARIO.run(1_200, rng=7, backend="numba")
    assert len(calls) >= SCENARIO.horizon_years  # the compiled loop ran every year
    for name in IDENTICAL:
        assert np.array_equal(getattr(ref, name), getattr(fast, name)), name
    for name in ROUNDING:
        a, b = getattr(ref, name), getattr(fast, name)
        scale = np.abs(a).max()
        assert scale > 0, name  # the feature was exercised
        assert np.abs(a - b).max() <= 1e-12 * scale, name
    assert ref.blocked_sales is not None and (ref.blocked_sales > 0).any()
    assert (ref.component("rebalancing") != 0).any() and (ref.component("reallocation") < 0).any()


def test_numba_streamed_and_parallel_runs_agree() -> None:
    base = SCENARIO.run(2_000, rng=3, keep_paths=False, backend="numba")
    threads = SCENARIO.run(
        2_000, rng=3, keep_paths=False, backend="numba", executor="threads", n_workers=2
    )
    for name in ("_mean", "_m2", "_min", "_max", "_counts"):
        assert np.array_equal(getattr(base.stats, name), getattr(threads.stats, name)), name


def test_backend_is_checked() -> None:
    with pytest.raises(ValueError, match="backend must be one of 'numpy', 'numba'; got 'cuda'"):
        SCENARIO.run(10, rng=1, backend="cuda")  # type: ignore[call-overload]
    with pytest.raises(ValueError, match="backend must be one of 'numpy', 'numba'; got 'gpu'"):
        ak.sweep(SCENARIO, n_scenarios=10, rng=1, backend="gpu", opt_in_rate=[0.1])


def test_missing_numba_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "numba", None)
    monkeypatch.delitem(sys.modules, "alt401k._kernel_numba", raising=False)
    with pytest.raises(ImportError, match=r"pip install 'alt401k\[fast\]'"):
        SCENARIO.run(10, rng=1, backend="numba")


def test_numba_saver_is_bit_identical(monkeypatch: pytest.MonkeyPatch) -> None:
    """A saver through the compiled loop: match, pay paths, leakage, retirement, tax."""
    import alt401k._kernel_numba as kernel

    calls = []
    compiled = kernel.saver_periods

    def counting(*args: object) -> None:
        calls.append(1)
        compiled(*args)

    monkeypatch.setattr(kernel, "saver_periods", counting)
    saver = ak.Participant(
        age=55, salary=90_000, balance=250_000, deferral_rate=0.12, roth_fraction=0.3,
        retirement_age=63, service_years=1,
    )  # fmt: skip
    kw = dict(
        n_scenarios=1_500, rng=9, retirement=ak.Retirement(end_age=80, social_security=20_000),
        leakage=ak.Leakage(), pay=ak.PayPath(),
    )  # fmt: skip
    ref = ak.simulate_participant(saver, **kw)  # type: ignore[arg-type]
    assert not calls
    fast = ak.simulate_participant(saver, backend="numba", **kw)  # type: ignore[arg-type]
    assert len(calls) >= 25  # every year of every chunk
    checked = 0
    for name in ("balance_end", "roth_balance_end", "investment_return", "fees", "leakage_paths"):
        assert np.array_equal(getattr(ref, name), getattr(fast, name)), name
        checked += 1
    assert ref.retirement_paths is not None and fast.retirement_paths is not None
    assert np.array_equal(
        ref.retirement_paths.after_tax_income, fast.retirement_paths.after_tax_income
    )
    assert checked == 5
