"""Sweeps over points, nested knobs, seeds, years and progress; nested ``replace``."""

from __future__ import annotations

import importlib

import numpy as np
import pytest
from pydantic import ValidationError

import alt401k as ak

sweep_module = importlib.import_module("alt401k.scenario.sweep")

SMALL = ak.Scenario(horizon_years=2)


# --------------------------------------------------------------------------- replace


def test_nested_replace_of_a_market_asset_changes_the_run():
    changed = SMALL.replace(markets__bitcoin__volatility=0.7)
    assert changed.markets["bitcoin"].volatility == 0.7
    assert SMALL.markets["bitcoin"].volatility != 0.7
    assert changed.markets["us_equity"] == SMALL.markets["us_equity"]
    a = SMALL.run(20, rng=3)
    b = changed.run(20, rng=3)
    assert not np.array_equal(a.holdings, b.holdings)


def test_nested_replace_combines_with_plain_changes_and_inflation():
    out = SMALL.replace(
        allocation_share=0.02,
        markets__bitcoin__volatility=0.6,
        markets__bitcoin__expected_return=0.05,
        markets__inflation__mean=0.03,
    )
    assert out.allocation_share == 0.02
    assert out.markets["bitcoin"].volatility == 0.6
    assert out.markets["bitcoin"].expected_return == 0.05
    assert out.markets.inflation.mean == 0.03


def test_nested_replace_into_a_nested_spec():
    field = next(iter(type(SMALL.leakage).model_fields))
    value = getattr(SMALL.leakage, field)
    out = SMALL.replace(**{f"leakage__{field}": value})
    assert out == SMALL


@pytest.mark.parametrize(
    ("changes", "pattern"),
    [
        ({"markets__doge__volatility": 0.5}, r"'markets__doge__volatility'.*no asset 'doge'"),
        ({"markets__bitcoin__vol": 0.5}, r"'markets__bitcoin__vol'.*AssetClass has no field"),
        ({"foo__bar": 1}, r"'foo__bar'.*Scenario has no field 'foo'"),
        ({"leakage__foo": 1}, r"'leakage__foo'.*Leakage has no field 'foo'"),
        ({"asset__x": 1}, r"'asset__x'.*holds a str"),
        ({"markets__bitcoin": 1}, r"'markets__bitcoin'.*asset name or 'inflation'"),
        ({"markets____x": 1}, r"malformed field path 'markets____x'"),
    ],
)
def test_nested_replace_names_the_unknown_path(changes, pattern):
    with pytest.raises(ValueError, match=pattern):
        SMALL.replace(**changes)


def test_nested_replace_validates_the_value():
    with pytest.raises(ValidationError, match="volatility"):
        SMALL.replace(markets__bitcoin__volatility=-1.0)


def test_model_copy_update_is_validated():
    with pytest.raises(ValidationError, match=r"allocation_share must be between 0 and 1"):
        SMALL.model_copy(update={"allocation_share": 2.0})
    copy = SMALL.model_copy(update={"allocation_share": 0.02})
    assert copy.allocation_share == 0.02
    assert SMALL.model_copy(update={"markets__bitcoin__volatility": 0.7}).markets[
        "bitcoin"
    ].volatility == pytest.approx(0.7)
    assert SMALL.model_copy() == SMALL
    assert SMALL.model_copy(deep=True) == SMALL


# --------------------------------------------------------------------------- sweep


def test_sweep_points_match_the_grid_and_keep_common_random_numbers():
    grid = ak.sweep(SMALL, allocation_share=[0.005, 0.01], n_scenarios=20, rng=5)
    listed = ak.sweep(
        SMALL,
        points=[{"allocation_share": 0.005}, {"allocation_share": 0.01}],
        n_scenarios=20,
        rng=5,
    )
    assert list(listed.columns) == list(grid.columns)
    np.testing.assert_array_equal(listed.to_numpy(), grid.to_numpy())
    single = SMALL.replace(allocation_share=0.01).run(20, rng=5)
    assert listed.cumulative_flow_mean.iloc[1] == pytest.approx(
        single.cumulative_flows[:, -1].mean(), rel=1e-12
    )


def test_sweep_points_with_different_knobs_and_nested_paths():
    frame = ak.sweep(
        SMALL,
        points=[{"allocation_share": 0.02}, {"markets__bitcoin__volatility": 0.9}],
        n_scenarios=20,
        rng=1,
    )
    assert list(frame.columns[:2]) == ["allocation_share", "markets__bitcoin__volatility"]
    assert len(frame) == 2
    assert np.isnan(frame.markets__bitcoin__volatility.iloc[0])


def test_sweep_grid_over_a_nested_knob_changes_results():
    frame = ak.sweep(SMALL, markets__bitcoin__volatility=[0.3, 0.9], n_scenarios=50, rng=2)
    assert frame.final_holdings_p50.iloc[0] != frame.final_holdings_p50.iloc[1]


def test_invalid_point_fails_before_any_run(monkeypatch):
    calls = []
    original = ak.Scenario.run

    def counting(self, *args, **kwargs):
        calls.append(1)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(ak.Scenario, "run", counting)
    with pytest.raises(ValidationError, match=r"sweep point 2 \(allocation_share=2\.0\)") as info:
        ak.sweep(SMALL, allocation_share=[0.01, 0.02, 2.0], n_scenarios=5, rng=0)
    assert "allocation_share must be between 0 and 1" in str(info.value)
    assert calls == []
    with pytest.raises(ValueError, match=r"sweep point 1 .*'markets__doge__volatility'"):
        ak.sweep(
            SMALL,
            points=[{"allocation_share": 0.01}, {"markets__doge__volatility": 0.5}],
            n_scenarios=5,
            rng=0,
        )
    assert calls == []


def test_sweep_rejects_a_scalar_where_a_list_is_expected():
    with pytest.raises(
        TypeError, match=r"^grid 'sponsor_adoption' must be a list of values; got 0\.5$"
    ):
        ak.sweep(SMALL, sponsor_adoption=0.5, n_scenarios=5, rng=0)
    with pytest.raises(TypeError, match=r"grid 'asset' must be a list of values; got 'bitcoin'"):
        ak.sweep(SMALL, asset="bitcoin", n_scenarios=5, rng=0)
    with pytest.raises(TypeError, match=r"points must be a list of dicts"):
        ak.sweep(SMALL, points={"allocation_share": 0.01}, n_scenarios=5, rng=0)
    with pytest.raises(TypeError, match=r"sweep point 0 must be a dict"):
        ak.sweep(SMALL, points=[0.01], n_scenarios=5, rng=0)


def test_sweep_point_errors():
    with pytest.raises(ValueError, match=r"either points=\[\.\.\.\] or grids"):
        ak.sweep(SMALL, points=[{}], allocation_share=[0.01], n_scenarios=5, rng=0)
    with pytest.raises(ValueError, match=r"at least one point"):
        ak.sweep(SMALL, points=[], n_scenarios=5, rng=0)
    with pytest.raises(ValueError, match=r"unknown Scenario field 'foo' in sweep point 0"):
        ak.sweep(SMALL, points=[{"foo": 1}], n_scenarios=5, rng=0)


@pytest.mark.parametrize("rng", [None, 42, np.random.SeedSequence(9, spawn_key=(1,))])
def test_sweep_records_the_seed_and_it_reruns(rng):
    frame = ak.sweep(SMALL, allocation_share=[0.01, 0.02], n_scenarios=10, rng=rng)
    seed = frame.attrs["seed"]
    assert set(seed) == {"entropy", "spawn_key"}
    if rng == 42:
        assert seed == {"entropy": 42, "spawn_key": []}
    again = ak.sweep(
        SMALL,
        allocation_share=[0.01, 0.02],
        n_scenarios=10,
        rng=np.random.SeedSequence(seed["entropy"], spawn_key=tuple(seed["spawn_key"])),
    )
    np.testing.assert_array_equal(again.to_numpy(), frame.to_numpy())


def test_sweep_by_year():
    frame = ak.sweep(
        SMALL, allocation_share=[0.01, 0.02], n_scenarios=20, rng=4, by_year=True, quantiles=[0.5]
    )
    assert len(frame) == 2 * 2
    assert list(frame.columns) == [
        "allocation_share",
        "point",
        "year",
        "net_flow_mean",
        "cumulative_flow_mean",
        "cumulative_flow_p50",
        "holdings_p50",
    ]
    assert list(frame.year) == [2026, 2027, 2026, 2027]
    assert list(frame.point) == [0, 0, 1, 1]
    run = SMALL.replace(allocation_share=0.02).run(20, rng=4)
    rows = frame[frame.point == 1]
    np.testing.assert_allclose(rows.net_flow_mean, run.net_flows.mean(axis=0), rtol=1e-12)
    np.testing.assert_allclose(
        rows.cumulative_flow_p50, np.median(run.cumulative_flows, axis=0), rtol=1e-12
    )
    totals = ak.sweep(SMALL, allocation_share=[0.01, 0.02], n_scenarios=20, rng=4)
    last = frame[frame.year == 2027]
    np.testing.assert_allclose(last.cumulative_flow_mean, totals.cumulative_flow_mean, rtol=1e-12)


def test_sweep_progress_bar(capsys, monkeypatch):
    ak.sweep(SMALL, allocation_share=[0.01, 0.02], n_scenarios=5, rng=0, progress=True)
    assert "sweep" in capsys.readouterr().err
    ak.sweep(SMALL, allocation_share=[0.01, 0.02], n_scenarios=5, rng=0, progress=False)
    assert capsys.readouterr().err == ""
    # None: quiet when stderr is not a terminal, a bar when it is.
    monkeypatch.setattr(sweep_module, "_stderr_is_a_terminal", lambda: False)
    ak.sweep(SMALL, allocation_share=[0.01, 0.02], n_scenarios=5, rng=0)
    assert capsys.readouterr().err == ""
    monkeypatch.setattr(sweep_module, "_stderr_is_a_terminal", lambda: True)
    ak.sweep(SMALL, allocation_share=[0.01, 0.02], n_scenarios=5, rng=0)
    assert "sweep" in capsys.readouterr().err
