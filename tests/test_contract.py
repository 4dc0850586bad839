"""The public contract of issue #2, exactly as a user writes it (small sizes)."""

import numpy as np
import pandas as pd

import alt401k as ak


def test_issue_2_snippet_runs_as_written():
    markets = ak.default_markets()
    assert "bitcoin" in markets.names
    saver = ak.Participant(
        age=35,
        salary=80_000,
        balance=50_000,
        deferral_rate=0.06,
        roth_fraction=0.25,
        retirement_age=65,
    )
    plan = ak.PlanDesign(match=ak.MatchFormula(tiers=[(1.0, 0.03), (0.5, 0.02)]))
    portfolio = ak.Portfolio(
        weights={"us_equity": 0.6, "us_bonds": 0.4}, alt_sleeve={"bitcoin": 0.02}
    )
    res = ak.simulate_participant(saver, plan, portfolio, markets=markets, n_scenarios=300, rng=1)
    assert isinstance(res.terminal_balance, np.ndarray)
    assert res.terminal_balance.shape == (300,)
    assert isinstance(res.ledger(), pd.DataFrame) and len(res.ledger()) == 30
    assert isinstance(res.summary(), pd.DataFrame)

    scn = ak.Scenario(
        pool_assets=12.5e12,
        sponsor_adoption=1.0,
        opt_in_rate=1.0,
        allocation_share=0.01,
        asset="bitcoin",
        horizon_years=10,
    )
    out = scn.run(n_scenarios=300, rng=42)
    flows = out.flows()
    assert list(flows.columns) == ["scenario", "year", "component", "dollars"]
    first = flows[(flows.year == 2026) & (flows.component == "reallocation")]["dollars"]
    assert len(first) == 300 and np.all(np.abs(first - 125e9) < 0.01)
    summary = out.summary()
    assert len(summary) == 10
    grid = ak.sweep(
        scn,
        sponsor_adoption=[0.1, 0.25, 0.5, 1.0],
        allocation_share=[0.001, 0.0025, 0.005, 0.01],
        n_scenarios=50,
        rng=7,
    )
    assert len(grid) == 16


def test_public_namespace_is_flat_and_complete():
    for name in ak.__all__:
        assert hasattr(ak, name), name
    for name in (
        "default_markets",
        "Participant",
        "PlanDesign",
        "MatchFormula",
        "Portfolio",
        "simulate_participant",
        "Scenario",
        "sweep",
        "MarketModel",
        "AssetClass",
    ):
        assert name in ak.__all__
