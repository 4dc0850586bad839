"""The pool scenario: headline arithmetic, published matrices, flows, sweeps, seeding."""

import numpy as np
import pandas as pd
import pytest

import alt401k as ak


def test_headline_125_billion_in_every_scenario():
    scn = ak.Scenario(
        pool_assets=12.5e12,
        sponsor_adoption=1.0,
        opt_in_rate=1.0,
        allocation_share=0.01,
        asset="bitcoin",
        horizon_years=10,
    )
    out = scn.run(n_scenarios=500, rng=42)
    first = out.component("reallocation")[:, 0]
    assert np.all(np.abs(first - 125e9) < 0.01)  # to the cent
    assert out.headline_reallocation == pytest.approx(125e9, abs=0.01)
    # v1 reaches adoption immediately: no reallocation after the first year.
    assert np.all(out.component("reallocation")[:, 1:] == 0.0)


@pytest.mark.parametrize(
    ("adoption", "share", "published"),
    [(0.10, 0.0010, 1.22e9), (0.25, 0.0025, 7.625e9), (0.50, 0.01, 61e9), (1.0, 0.01, 122e9)],
)
def test_published_adoption_by_sleeve_matrix_on_12_2_trillion(adoption, share, published):
    scn = ak.Scenario(
        pool_assets=12.2e12,
        sponsor_adoption=adoption,
        opt_in_rate=1.0,
        allocation_share=share,
        horizon_years=1,
    )
    out = scn.run(n_scenarios=20, rng=0)
    np.testing.assert_allclose(out.component("reallocation")[:, 0], published, rtol=1e-12)


def test_flows_frame_is_tidy_and_matches_arrays():
    out = ak.Scenario(horizon_years=3).run(n_scenarios=7, rng=1)
    frame = out.flows()
    assert list(frame.columns) == ["scenario", "year", "component", "dollars"]
    assert len(frame) == 7 * 3 * 4
    assert set(frame["year"]) == {2026, 2027, 2028}
    assert list(frame["component"].cat.categories) == list(out.COMPONENTS)
    pivot = frame.pivot_table(
        index=["scenario", "year"], columns="component", values="dollars", observed=True
    )
    np.testing.assert_allclose(
        pivot["rebalancing"].to_numpy().reshape(7, 3), out.component("rebalancing")
    )
    assert frame["dollars"].sum() == pytest.approx(out.net_flows.sum(), rel=1e-12)


def test_holdings_equal_flows_plus_returns():
    out = ak.Scenario(horizon_years=5).run(n_scenarios=200, rng=2)
    change = np.diff(np.concatenate([np.zeros((200, 1)), out.holdings], axis=1), axis=1)
    np.testing.assert_allclose(change, out.net_flows + out.asset_return, rtol=1e-10)


def test_summary_by_year():
    out = ak.Scenario(horizon_years=4, sponsor_adoption=0.3, opt_in_rate=0.2).run(
        n_scenarios=300, rng=3
    )
    s = out.summary()
    assert list(s.index) == [2026, 2027, 2028, 2029]
    for col in (
        "reallocation_mean",
        "contributions_mean",
        "distributions_mean",
        "rebalancing_mean",
        "net_flow_p05",
        "net_flow_p50",
        "net_flow_p95",
        "cumulative_flow_p50",
        "holdings_p50",
    ):
        assert col in s.columns
    assert (s["net_flow_p05"] <= s["net_flow_p50"]).all()
    assert (s["net_flow_p50"] <= s["net_flow_p95"]).all()
    # Contributions directed to the asset: share x participation x the year's gross inflow,
    # which comes from the participant rules applied to every cell.
    expected = 0.01 * 0.06 * s["pool_contributions"]
    np.testing.assert_allclose(s["contributions_mean"], expected, rtol=1e-12)
    # Calibrated to Form 5500 2023: (4.99% + 2.96%) of ~$12.9T average assets.
    assert 0.95e12 < s["pool_contributions"].iloc[0] < 1.1e12


def test_zero_allocation_moves_nothing():
    out = ak.Scenario(allocation_share=0.0).run(n_scenarios=50, rng=4)
    assert np.all(out.flow_paths == 0.0)
    assert np.all(out.holdings == 0.0)


def test_pool_run_is_chunk_invariant_and_prefix_stable():
    scn = ak.Scenario(horizon_years=3)
    full = scn.run(n_scenarios=2_500, rng=11)
    for chunk in (37, 333, 1_000, 5_000):
        other = scn.run(n_scenarios=2_500, rng=11, chunk_size=chunk)
        np.testing.assert_array_equal(other.flow_paths, full.flow_paths)
        np.testing.assert_array_equal(other.holdings, full.holdings)
    small = scn.run(n_scenarios=1_000, rng=11)
    np.testing.assert_array_equal(small.flow_paths, full.flow_paths[:1_000])


def test_sweep_rows_and_common_random_numbers():
    scn = ak.Scenario(pool_assets=12.2e12, horizon_years=3)
    grid = ak.sweep(
        scn,
        sponsor_adoption=[0.1, 0.25, 0.5, 1.0],
        allocation_share=[0.001, 0.0025, 0.005, 0.01],
        n_scenarios=200,
        rng=7,
    )
    assert isinstance(grid, pd.DataFrame)
    assert len(grid) == 16
    for col in (
        "sponsor_adoption",
        "allocation_share",
        "headline_reallocation",
        "cumulative_flow_mean",
        "cumulative_flow_p05",
        "cumulative_flow_p50",
        "cumulative_flow_p95",
        "final_holdings_p50",
    ):
        assert col in grid.columns
    row = grid[(grid.sponsor_adoption == 0.25) & (grid.allocation_share == 0.005)].iloc[0]
    assert row.headline_reallocation == pytest.approx(15.25e9, rel=1e-12)
    # Same paths at every point: with full opt-in and no drift between points, flows scale
    # linearly in the allocation share for a fixed adoption rate when nothing else changes.
    a = scn.replace(sponsor_adoption=0.5, allocation_share=0.001).run(200, rng=7)
    g = grid[(grid.sponsor_adoption == 0.5) & (grid.allocation_share == 0.001)].iloc[0]
    assert g.cumulative_flow_mean == pytest.approx(a.cumulative_flows[:, -1].mean(), rel=1e-12)


def test_sweep_errors():
    scn = ak.Scenario()
    with pytest.raises(ValueError, match="at least one grid"):
        ak.sweep(scn, n_scenarios=5, rng=1)
    with pytest.raises(ValueError, match="unknown Scenario field 'adoption'"):
        ak.sweep(scn, adoption=[0.1], n_scenarios=5, rng=1)
    with pytest.raises(ValueError, match="grid 'opt_in_rate' must hold at least one value"):
        ak.sweep(scn, opt_in_rate=[], n_scenarios=5, rng=1)
    with pytest.raises(ValueError, match="opt_in_rate"):
        ak.sweep(scn, opt_in_rate=[1.5], n_scenarios=5, rng=1)


def test_metadata_records_seed_and_round_trips():
    out = ak.Scenario(horizon_years=2).run(n_scenarios=5, rng=123)
    meta = out.metadata()
    assert meta["seed"]["entropy"] == 123
    again = ak.Scenario.model_validate(meta["scenario"])
    assert again == out.scenario
