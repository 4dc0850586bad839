"""Sensitivity of a run's outcome to its uncertain inputs."""

import numpy as np
import pytest

import alt401k as ak
from alt401k.sensitivity import UNEXPLAINED, sensitivity


@pytest.fixture(scope="module")
def share_driven() -> ak.PoolResults:
    """Only the allocation share moves the first year's flow; adoption barely varies."""
    scenario = ak.Scenario(
        allocation_share=ak.Uniform(0.0, 0.05),
        sponsor_adoption=ak.Fixed(ak.Uniform(0.999, 1.0)),
        horizon_years=3,
    )
    return scenario.run(400, rng=1)


def test_known_answer_sobol(share_driven: ak.PoolResults) -> None:
    frame = sensitivity(share_driven, target="cumulative_flow", year=1, method="sobol")
    assert list(frame.columns) == ["input", "effect", "total", "bins"]
    assert frame["input"].tolist() == [
        "allocation_share",
        "sponsor_adoption/rate",
        "market paths / unexplained",
    ]
    assert frame["effect"].iloc[0] > 0.9
    assert frame["effect"].iloc[1] < 0.05
    assert frame.attrs["method"] == "sobol"
    assert frame.attrs["n_scenarios"] == 400


def test_known_answer_rank(share_driven: ak.PoolResults) -> None:
    frame = sensitivity(share_driven, target="cumulative_flow", year=2026)
    assert list(frame.columns) == ["input", "effect", "share", "p_value"]
    assert frame["input"].iloc[0] == "allocation_share"
    assert frame["effect"].iloc[0] > 0.95
    assert frame["share"].iloc[0] > 0.95
    assert np.isclose(frame["share"].sum(), 1.0)
    assert (np.diff(frame["effect"].iloc[:-1].abs().to_numpy()) <= 0).all()
    assert "2026" in frame.attrs["target"]


def test_holdings_and_quantity(share_driven: ak.PoolResults) -> None:
    frame = sensitivity(share_driven, target="holdings", year=1)
    assert frame["input"].iloc[0] == "allocation_share"
    own = sensitivity(
        share_driven, target="my share", quantity=share_driven.draws["allocation_share"]
    )
    assert own["effect"].iloc[0] == pytest.approx(1.0)
    assert own.attrs["target"] == "my share"


def test_participant_market_draws() -> None:
    markets = ak.default_markets().replace_asset(
        "bitcoin", expected_return_uncertainty=ak.Uniform(-0.2, 0.4)
    )
    person = ak.Participant(age=60, salary=80_000, balance=100_000, deferral_rate=0.06)
    result = ak.simulate_participant(
        person,
        portfolio=ak.Portfolio(weights={"us_equity": 0.5, "bitcoin": 0.5}),
        markets=markets,
        n_scenarios=100,
        rng=1,
    )
    frame = sensitivity(result, target="terminal_balance")
    assert frame["input"].tolist() == ["bitcoin/expected_return", "market paths / unexplained"]
    assert frame["effect"].iloc[0] > 0
    with pytest.raises(ValueError, match="needs a retirement phase"):
        sensitivity(result, target="after_tax_income")
    with pytest.raises(ValueError, match="year is for pool targets"):
        sensitivity(result, target="terminal_balance", year=1)


def test_errors(share_driven: ak.PoolResults) -> None:
    with pytest.raises(ValueError, match="target must be one of cumulative_flow, holdings"):
        sensitivity(share_driven, target="terminal_balance")
    with pytest.raises(ValueError, match="method must be one of rank, sobol"):
        sensitivity(share_driven, method="sobel")
    with pytest.raises(ValueError, match="year must be a calendar year 2026-2028"):
        sensitivity(share_driven, year=2040)
    with pytest.raises(ValueError, match="n_bins must be 2 to 200"):
        sensitivity(share_driven, method="sobol", n_bins=1)
    with pytest.raises(ValueError, match=r"quantity must have shape \(400,\)"):
        sensitivity(share_driven, quantity=np.ones(3))
    with pytest.raises(ValueError, match="does not vary"):
        sensitivity(share_driven, quantity=np.ones(400))
    with pytest.raises(TypeError, match="result must be PoolResults or ParticipantResults"):
        sensitivity(object())  # type: ignore[arg-type]


def test_no_uncertain_inputs() -> None:
    result = ak.Scenario(horizon_years=2).run(20, rng=1)
    with pytest.raises(ValueError, match="result has no uncertain inputs"):
        sensitivity(result)


# -- the market counts (issue 18, item 8) -------------------------------------------------


def test_market_paths_get_their_own_row() -> None:
    """With real markets, the recorded inputs do not take the market's part of the spread."""
    result = ak.Scenario(
        horizon_years=6,
        allocation_share=ak.Uniform(0.01, 0.03),
        reversal=ak.Reversal(hazard=0.1, treatment="unwind", unwind_years=2),
    ).run(300, rng=3)
    rank = sensitivity(result, target="cumulative_flow")
    last = rank.iloc[-1]
    assert last["input"] == UNEXPLAINED
    assert np.isnan(last["effect"])
    assert rank["share"].sum() == pytest.approx(1.0)
    assert last["share"] == pytest.approx(1.0 - (rank["effect"].iloc[:-1] ** 2).sum())
    assert (rank["share"].iloc[:-1] == rank["effect"].iloc[:-1] ** 2).all()
    sobol = sensitivity(result, target="cumulative_flow", method="sobol")
    assert sobol["input"].iloc[-1] == UNEXPLAINED
    assert sobol["effect"].iloc[-1] == pytest.approx(max(0.0, 1 - sobol["effect"].iloc[:-1].sum()))
