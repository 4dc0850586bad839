"""Saving, loading and rerunning results; scenario files (alt401k.io)."""

from __future__ import annotations

import dataclasses
import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import alt401k as ak
from alt401k._warnings import Alt401kWarning
from alt401k.io import (
    load,
    read_scenario,
    rerun,
    save,
    scenario_from_yaml,
    scenario_schema,
    scenario_to_yaml,
    write_scenario,
)

SCENARIO_DIR = Path(__file__).resolve().parents[1] / "examples" / "scenarios"


def _scenario() -> ak.Scenario:
    return ak.Scenario(
        pool_assets=12.5e12,
        horizon_years=3,
        sponsor_adoption="segments",
        opt_in_rate=ak.crypto_opt_in_curve(),
        allocation_share=ak.Triangular(low=0.01, mode=0.02, high=0.05),
        reversal=ak.Reversal(hazard=0.05, treatment="keep"),
    )


@pytest.fixture(scope="module")
def pool() -> ak.PoolResults:
    return _scenario().run(40, rng=np.random.SeedSequence(11, spawn_key=(2,)), periods_per_year=4)


@pytest.fixture(scope="module")
def saver() -> ak.ParticipantResults:
    participant = ak.Participant(
        age=60,
        salary=80_000,
        balance=200_000,
        deferral_rate=0.08,
        retirement_age=63,
        service_years=5,
    )
    return ak.simulate_participant(
        participant,
        n_scenarios=30,
        rng=5,
        periods_per_year=4,
        retirement=ak.Retirement(end_age=66),
        leakage=ak.Leakage(),
    )


def assert_same_values(a: object, b: object, where: str = "") -> None:
    """Arrays bit-identical, frames equal, specs equal, recursively through dataclasses."""
    if isinstance(a, np.ndarray):
        assert isinstance(b, np.ndarray), where
        assert a.dtype == b.dtype and a.shape == b.shape, where
        np.testing.assert_array_equal(a, b, err_msg=where, strict=True)
    elif isinstance(a, pd.DataFrame):
        pd.testing.assert_frame_equal(a, b, check_exact=True)  # type: ignore[arg-type]
    elif isinstance(a, dict):
        assert isinstance(b, dict) and list(a) == list(b), where
        for key in a:
            assert_same_values(a[key], b[key], f"{where}/{key}")
    elif isinstance(a, np.random.SeedSequence):
        assert isinstance(b, np.random.SeedSequence), where
        assert (a.entropy, tuple(a.spawn_key)) == (b.entropy, tuple(b.spawn_key)), where
    elif dataclasses.is_dataclass(a) and not isinstance(a, type):
        assert type(a) is type(b), where
        for field in dataclasses.fields(a):
            assert_same_values(getattr(a, field.name), getattr(b, field.name), field.name)
    else:
        assert a == b, where


def test_pool_save_load_equal(pool: ak.PoolResults, tmp_path: Path) -> None:
    out = save(pool, tmp_path / "run")
    assert {"spec.json", "arrays.npz"} <= {p.name for p in out.iterdir()}
    spec = json.loads((out / "spec.json").read_text())
    assert spec["result_type"] == "PoolResults"
    assert spec["n_scenarios"] == 40 and spec["periods_per_year"] == 4
    assert spec["seed"] == {"entropy": 11, "spawn_key": [2]}
    assert spec["scenario"]["markets"]["assets"]  # the market model is in the spec
    assert spec["format_version"] == 1 and spec["library_version"] == ak.__version__
    loaded = load(out)
    assert isinstance(loaded, ak.PoolResults)
    assert_same_values(pool, loaded)
    with np.load(out / "arrays.npz", allow_pickle=False) as npz:
        assert "flow_paths" in npz.files


def test_participant_save_load_equal(saver: ak.ParticipantResults, tmp_path: Path) -> None:
    assert saver.retirement_paths is not None and saver.leakage_paths is not None
    loaded = load(save(saver, tmp_path / "saver"))
    assert isinstance(loaded, ak.ParticipantResults)
    assert_same_values(saver, loaded)
    pd.testing.assert_frame_equal(saver.ledger(), loaded.ledger())


def test_pool_rerun_bit_identical(pool: ak.PoolResults, tmp_path: Path) -> None:
    again = rerun(save(pool, tmp_path / "run"))
    assert_same_values(pool, again)
    assert_same_values(pool, rerun(pool, chunk_size=1000))


def test_participant_rerun_bit_identical(saver: ak.ParticipantResults, tmp_path: Path) -> None:
    path = save(saver, tmp_path / "saver")
    with warnings.catch_warnings():
        # Until ParticipantResults records its markets, pay and indexing rate,
        # a rerun assumes the defaults (those this run used) and says so.
        warnings.simplefilter("ignore", Alt401kWarning)
        again = rerun(path)
    assert_same_values(saver, again)


@pytest.mark.parametrize("sampling", ["antithetic", "qmc"])
def test_rerun_keeps_the_sampling_method(sampling: str, tmp_path: Path) -> None:
    result = _scenario().run(40, rng=3, periods_per_year=4, keep_paths=True, sampling=sampling)
    assert result.sampling == sampling
    again = rerun(save(result, tmp_path / "run"))
    assert again.sampling == sampling
    assert_same_values(result, again)
    plain = _scenario().run(40, rng=3, periods_per_year=4, keep_paths=True)
    assert not np.array_equal(plain.flow_paths, result.flow_paths)  # the method mattered
    participant = ak.Participant(
        age=60, salary=80_000, balance=200_000, deferral_rate=0.08, retirement_age=63
    )
    saver = ak.simulate_participant(
        participant, n_scenarios=30, rng=5, periods_per_year=4, sampling=sampling
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Alt401kWarning)
        again_saver = rerun(save(saver, tmp_path / "saver"))
    assert again_saver.sampling == sampling
    assert_same_values(saver, again_saver)


def test_load_refuses_other_directories(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"no spec\.json"):
        load(tmp_path)
    (tmp_path / "spec.json").write_text('{"format": "alt401k-result", "format_version": 99}')
    with pytest.raises(ValueError, match="format_version 99"):
        load(tmp_path)


def test_scenario_yaml_round_trip_runs_identically() -> None:
    scenario = _scenario()
    text = scenario_to_yaml(scenario)
    assert "markets" not in text and "segments:" not in text  # defaults left out
    back = scenario_from_yaml(text)
    assert back == scenario
    a = scenario.run(20, rng=3, periods_per_year=4)
    b = back.run(20, rng=3, periods_per_year=4)
    assert_same_values(a, b)
    full = scenario_from_yaml(scenario_to_yaml(scenario, exclude_defaults=False))
    assert full == scenario


def test_scenario_with_markets_and_population_round_trips_json(tmp_path: Path) -> None:
    markets = ak.default_markets().replace_asset("bitcoin", volatility=0.6)
    participant = ak.Participant(age=40, salary=90_000, balance=100_000, deferral_rate=0.06)
    scenario = ak.Scenario(horizon_years=2, markets=markets, population=participant)
    for name in ("s.json", "s.yaml"):
        path = write_scenario(scenario, tmp_path / name)
        back = read_scenario(path)
        assert back == scenario
        assert_same_values(scenario.run(10, rng=1), back.run(10, rng=1))


@pytest.mark.parametrize("name", ["headline", "cautious", "base", "aggressive"])
def test_example_scenarios_load_and_run(name: str) -> None:
    path = SCENARIO_DIR / f"{name}.yaml"
    text = path.read_text()
    assert text.startswith("#") and "Source" in text  # commented with assumptions and sources
    scenario = read_scenario(path)
    assert scenario.pool_assets == 12.5e12 and scenario.asset == "bitcoin"
    out = scenario.replace(horizon_years=2).run(10, rng=0, periods_per_year=1)
    assert np.isfinite(out.flow_paths).all()


def test_headline_file_is_the_headline() -> None:
    scenario = read_scenario(SCENARIO_DIR / "headline.yaml")
    assert (scenario.sponsor_adoption, scenario.opt_in_rate) == (1.0, 1.0)
    assert scenario.allocation_share == 0.01


def test_bad_yaml_names_field_and_line(tmp_path: Path) -> None:
    text = "asset: bitcoin\nhorizon_years: 3\nopt_in_rate: 1.5\n"
    with pytest.raises(ValueError, match=r"opt_in_rate \(line 3\): opt_in_rate must be between 0"):
        scenario_from_yaml(text)
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(ValueError, match=r"bad\.yaml: invalid scenario: opt_in_rate \(line 3\)"):
        read_scenario(path)


def test_bad_nested_field_and_unknown_field(tmp_path: Path) -> None:
    text = "reversal:\n  hazard: 0.05\n  treatment: melt\n"
    with pytest.raises(ValueError, match=r"reversal\.treatment \(line 3\)"):
        scenario_from_yaml(text)
    with pytest.raises(ValueError, match=r"opt_in_rat \(line 2\): Extra inputs"):
        scenario_from_yaml("asset: bitcoin\nopt_in_rat: 0.5\n")
    with pytest.raises(ValueError, match="line 2: not valid YAML"):
        scenario_from_yaml("asset: bitcoin\n  - oops: [\n")
    with pytest.raises(ValueError, match="must hold a mapping"):
        scenario_from_yaml("- 1\n- 2\n")


def test_bad_json_names_field_and_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{\n  "asset": "bitcoin",\n  "opt_in_rate": 1.5\n}\n')
    with pytest.raises(ValueError, match=r"opt_in_rate \(line 3\)"):
        read_scenario(path)
    path.write_text('{\n  "asset": "bitcoin",\n}\n')
    with pytest.raises(ValueError, match="line 3: not valid JSON"):
        read_scenario(path)
    with pytest.raises(ValueError, match=r"\.yaml, \.yml or \.json"):
        read_scenario(tmp_path / "scenario.txt")


def test_exponent_numbers_read_as_numbers() -> None:
    assert scenario_from_yaml("pool_assets: 12.5e12\n").pool_assets == 12.5e12
    assert scenario_from_yaml("annual_contributions: 6.5e+11\n").annual_contributions == 6.5e11


def test_scenario_schema() -> None:
    schema = scenario_schema()
    assert schema == ak.Scenario.model_json_schema()
    assert "opt_in_rate" in schema["properties"]


# -- what a file must say (issue 18, item 3) --------------------------------------------


def test_written_scenario_states_the_knobs_and_reads_back(tmp_path: Path) -> None:
    scenario = ak.Scenario(horizon_years=4)  # the knobs at their (headline) defaults
    path = ak.write_scenario(scenario, tmp_path / "s.yaml")
    text = path.read_text()
    for knob in ("sponsor_adoption", "opt_in_rate", "allocation_share"):
        assert f"{knob}:" in text
    assert ak.read_scenario(path) == scenario


def test_duplicate_keys_are_errors(tmp_path: Path) -> None:
    yaml_file = tmp_path / "twice.yaml"
    yaml_file.write_text("opt_in_rate: 0.1\nsponsor_adoption: 1.0\nopt_in_rate: 0.2\n")
    with pytest.raises(ValueError, match=r"line 3.*duplicate key 'opt_in_rate' \(first on line 1"):
        ak.read_scenario(yaml_file)
    json_file = tmp_path / "twice.json"
    json_file.write_text('{"opt_in_rate": 0.1, "opt_in_rate": 0.2}')
    with pytest.raises(ValueError, match="duplicate key 'opt_in_rate'"):
        ak.read_scenario(json_file)


def test_empty_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "empty.yaml"
    path.write_text("# nothing yet\n")
    with pytest.raises(ValueError, match=r"empty.*preset: headline"):
        ak.read_scenario(path)


@pytest.mark.parametrize("field", ["sponsor_adoption", "opt_in_rate", "allocation_share"])
def test_booleans_are_not_rates(field: str) -> None:
    with pytest.raises(ValueError, match=f"{field} must be a number.*not the boolean True"):
        ak.Scenario(**{field: True})
    with pytest.raises(ValueError, match="pool_assets must be a number"):
        ak.Scenario(pool_assets=False)


# -- the real reason for nested errors (issue 18, item 4) ----------------------------------


@pytest.mark.parametrize(
    ("nested", "expect"),
    [
        (
            "allocation_share: 0.01\n"
            "opt_in_rate: {kind: logistic, ceiling: 2.0, midpoint: 2, steepness: 1}",
            r"opt_in_rate \(line 3\): ceiling must be between 0 and 1",
        ),
        (
            "allocation_share: 0.01\nopt_in_rate:\n  kind: logistic\n  ceiling: 0.5",
            r"opt_in_rate.midpoint \(line 3\): Field required",
        ),
        (
            "allocation_share: 0.01\nopt_in_rate: {kind: gompertz}",
            r"opt_in_rate \(line 3\): Input tag 'gompertz'",
        ),
        (
            "opt_in_rate: 0.1\n"
            "allocation_share: {kind: triangular, low: 0.05, mode: 0.01, high: 0.02}",
            r"allocation_share \(line 3\): Triangular needs low <= mode <= high",
        ),
    ],
)
def test_nested_errors_name_the_branch_meant(tmp_path: Path, nested: str, expect: str) -> None:
    """The mapping's `kind` says which branch was meant; "a valid number" is not the reason."""
    path = tmp_path / "nested.yaml"
    path.write_text(f"sponsor_adoption: 0.5\n{nested}\n")
    with pytest.raises(ValueError, match=expect) as info:
        ak.read_scenario(path)
    assert "valid number" not in str(info.value)


def test_cli_names_the_nested_field(capsys: pytest.CaptureFixture[str]) -> None:
    from pydantic import ValidationError

    from alt401k import cli

    with pytest.raises(ValidationError) as info:
        ak.Scenario(opt_in_rate={"kind": "logistic", "ceiling": 0.5})
    message = cli._describe(info.value)
    assert message.startswith("opt_in_rate.logistic.midpoint: Field required")
    assert "valid number" not in message
    assert "tagged-union" not in message


# -- files a person can read (issue 18, item 9) ---------------------------------------------


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_population_goes_to_a_sidecar_file(tmp_path: Path, suffix: str) -> None:
    population = ak.Population.synthetic(n_cells=300, rng=1)
    scenario = ak.Scenario(
        population=population,
        sponsor_adoption="segments",
        opt_in_rate=ak.crypto_opt_in_curve(),
        allocation_share=ak.Triangular(0.01, 0.02, 0.05),
    )
    path = ak.write_scenario(scenario, tmp_path / f"realistic{suffix}")
    sidecar = tmp_path / "realistic.population.csv"
    assert sidecar.is_file()
    assert len(pd.read_csv(sidecar)) == population.n_cells
    text = path.read_text()
    assert len(text.splitlines()) < 40  # not a line per cell
    assert "realistic.population.csv" in text
    if suffix == ".yaml":
        assert text.startswith("# An alt401k scenario")
    assert ak.read_scenario(path) == scenario


def test_missing_sidecar_is_named(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(
        "population: {file: gone.csv, start_year: 2026}\n"
        "sponsor_adoption: 1.0\nopt_in_rate: 1.0\nallocation_share: 0.01\n"
    )
    with pytest.raises(ValueError, match=r"population: file not found: .*gone\.csv"):
        ak.read_scenario(path)
