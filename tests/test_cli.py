"""The command line: ``alt401k.cli.main`` called directly, and ``python -m alt401k``."""

from __future__ import annotations

import importlib
import json
import re
import subprocess
import sys
import types
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import alt401k as ak
from alt401k import cli

SMALL = "horizon_years: 3\nallocation_share: 0.02\nsponsor_adoption: 0.5\nopt_in_rate: 1.0\n"
SMALL_ARGS = ["--scenarios", "50", "--seed", "1", "--quiet"]


def _fallback_io() -> types.ModuleType:
    """Stand-in for ``alt401k.io`` while that module is being written elsewhere."""
    import yaml

    module = types.ModuleType("alt401k.io")

    def read_scenario(path: Any) -> ak.Scenario:
        path = Path(path)
        data = (
            json.loads(path.read_text())
            if path.suffix == ".json"
            else yaml.safe_load(path.read_text())
        )
        return ak.Scenario.model_validate(data)

    def save(result: Any, path: Any) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        (path / "scenario.json").write_text(result.scenario.model_dump_json())

    module.read_scenario = read_scenario  # type: ignore[attr-defined]
    module.save = save  # type: ignore[attr-defined]
    module.scenario_schema = ak.Scenario.model_json_schema  # type: ignore[attr-defined]
    return module


@pytest.fixture(autouse=True)
def scenario_io(monkeypatch: pytest.MonkeyPatch) -> None:
    try:
        importlib.import_module("alt401k.io")
    except ModuleNotFoundError:
        monkeypatch.setitem(sys.modules, "alt401k.io", _fallback_io())


@pytest.fixture
def small_file(tmp_path: Path) -> Path:
    path = tmp_path / "small.yaml"
    path.write_text(SMALL)
    return path


def test_run_prints_labelled_table(small_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["run", str(small_file), *SMALL_ARGS]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert "billions of nominal dollars" in out
    assert "50 scenarios, seed 1" in out
    header = out.splitlines()[1]
    for label in ("reallocation mean $B", "net p05 $B", "net p50 $B", "net p95 $B"):
        assert label in header
    assert [line.split()[0] for line in out.splitlines()[3:6]] == ["2026", "2027", "2028"]
    # Every number in force follows the table: the reversal, the calibration, year 1's totals.
    rest = out.splitlines()[6:]
    assert rest[1].startswith("assumptions in force")
    keys = [line.split(":")[0].strip() for line in rest[2:]]
    assert keys[:3] == ["population", "asset", "return_model"]
    assert {"reversal", "flow_calibration", "pool_year_1"} <= set(keys)


def test_run_table_matches_results(small_file: Path) -> None:
    scenario = ak.Scenario(horizon_years=3, allocation_share=0.02, sponsor_adoption=0.5)
    result = scenario.run(50, rng=1)
    table = cli.flow_table(result)
    assert table["reallocation mean $B"].iloc[0] == pytest.approx(
        result.headline_reallocation / 1e9
    )
    summary = result.summary()
    assert table["net p50 $B"].to_numpy() * 1e9 == pytest.approx(summary["net_flow_p50"])


def test_run_out_writes_directory(small_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "results"
    assert cli.main(["run", str(small_file), *SMALL_ARGS, "--out", str(out)]) == 0
    assert out.is_dir()
    assert any(out.iterdir())


def test_sweep_prints_one_row_per_point(
    small_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csv = tmp_path / "sweep.csv"
    argv = ["sweep", str(small_file), *SMALL_ARGS, "--out", str(csv)]
    argv += ["--grid", "sponsor_adoption=0.1,0.5,1", "--grid", "allocation_share=0.01,0.05"]
    assert cli.main(argv) == 0
    out = capsys.readouterr().out
    rows = out.splitlines()[2:]
    assert len(rows) == 6
    assert "cumulative_flow_mean $B" in out.splitlines()[1]
    import pandas as pd

    frame = pd.read_csv(csv)
    assert len(frame) == 6
    assert sorted(set(frame["sponsor_adoption"])) == [0.1, 0.5, 1.0]


def test_sweep_bad_grid_exits_2(small_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["sweep", str(small_file), *SMALL_ARGS, "--grid", "sponsor_adoption"]) == 2
    assert "NAME=V1,V2" in capsys.readouterr().err


def test_schema_prints_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert "opt_in_rate" in schema["properties"]


def test_bad_file_exits_2_naming_field(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("horizon_years: 3\nopt_in_rate: 1.5\n")
    assert cli.main(["run", str(path), *SMALL_ARGS]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith("alt401k: error: ")
    assert "opt_in_rate" in err
    assert "Traceback" not in err


def test_missing_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "nope.yaml"
    assert cli.main(["run", str(path), "--quiet"]) == 2
    assert capsys.readouterr().err == f"alt401k: error: file not found: {path}\n"


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["run"]) == 2
    assert cli.main(["run", "x.yaml", "--scenarios", "0"]) == 2
    assert "must be at least 1" in capsys.readouterr().err


@pytest.mark.parametrize("command", [[], ["run"], ["sweep"], ["schema"]])
def test_help(command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main([*command, "--help"]) == 0
    assert "usage: alt401k" in capsys.readouterr().out


def test_python_m_help() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "alt401k", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    for command in ("run", "sweep", "schema"):
        assert command in done.stdout


def test_run_stream_and_executor_print_the_same_table(
    small_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--stream reads the table from statistics; --executor changes nothing but where."""
    assert cli.main(["run", str(small_file), *SMALL_ARGS]) == 0
    paths = capsys.readouterr().out.splitlines()
    argv = ["run", str(small_file), *SMALL_ARGS, "--stream", "--executor", "threads"]
    assert cli.main([*argv, "--workers", "2"]) == 0
    streamed = capsys.readouterr().out.splitlines()
    assert streamed[:2] == paths[:2]
    assert streamed[6:] == paths[6:]  # the assumptions
    for mine, theirs in zip(streamed[3:6], paths[3:6], strict=True):
        # Means agree to the printed 0.1 $B; quantiles to the sketch's 0.5%.
        a, b = np.array(mine.split()[1:], dtype=float), np.array(theirs.split()[1:], dtype=float)
        assert np.all(np.abs(a - b) <= 0.005 * np.abs(b) + 0.1)


def test_stream_with_out_exits_2(
    small_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["run", str(small_file), *SMALL_ARGS, "--stream", "--out", str(tmp_path / "x")]
    assert cli.main(argv) == 2
    assert "--stream run does not keep" in capsys.readouterr().err


def test_bad_executor_exits_2(small_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["run", str(small_file), *SMALL_ARGS, "--executor", "gpu"]) == 2
    assert "--executor: invalid choice: 'gpu'" in capsys.readouterr().err
    assert cli.main(["sweep", str(small_file), *SMALL_ARGS, "--workers", "0", "--grid", "x=1"]) == 2
    assert "--workers: must be at least 1; got 0" in capsys.readouterr().err


# -- the answer on screen (issue 18, item 2) -----------------------------------------

SCENARIOS = Path(__file__).resolve().parents[1] / "examples" / "scenarios"


def _printed_rows(out: str) -> np.ndarray:
    """The numbers of the printed flows table, one row a year (the year dropped)."""
    lines = out.splitlines()
    end = lines.index("")
    return np.array([line.split()[1:] for line in lines[3:end]], dtype=float)


@pytest.mark.parametrize(("name", "words"), [("base", "billions"), ("cautious", "millions")])
def test_run_scales_to_the_answer(
    name: str, words: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """The cumulative net inflow and its 90% band show nonzero digits in the unit picked."""
    path = SCENARIOS / f"{name}.yaml"
    assert cli.main(["run", str(path), "--scenarios", "60", "--seed", "1", "--quiet"]) == 0
    out = capsys.readouterr().out
    rows = _printed_rows(out)
    assert f"{words} of nominal dollars" in out.splitlines()[0]
    header = out.splitlines()[1]
    for label in ("cumulative mean", "cumulative p05", "cumulative p95"):
        assert label in header
    cumulative_mean, low, high = rows[-1, -3], rows[-1, -2], rows[-1, -1]
    assert cumulative_mean != 0.0
    assert low < cumulative_mean < high


def test_scaled_flow_table_keeps_the_numbers() -> None:
    result = ak.Scenario(horizon_years=3, sponsor_adoption=0.01, allocation_share=0.001).run(
        30, rng=2
    )
    table = cli.flow_table(result)
    shown, words, decimals = cli.scaled_flow_table(table)
    assert words == "millions"
    assert decimals in (1, 2)
    assert shown["cumulative mean $M"].to_numpy() == pytest.approx(
        result.cumulative_flows.mean(axis=0) / 1e6
    )


# -- empty is not the headline (issue 18, item 3) -----------------------------------


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        ("", "empty"),
        ("# only a comment\n", "empty"),
        ("asset: bitcoin\n", "missing: sponsor_adoption, opt_in_rate, allocation_share"),
        ("sponsor_adoption: yes\nopt_in_rate: 0.1\nallocation_share: 0.01\n", "not the boolean"),
        ("sponsor_adoption: 0.5\nopt_in_rate: 0.1\nopt_in_rate: 0.2\n", "duplicate key"),
        ("preset: ceiling\n", "preset must be one of"),
    ],
)
def test_run_refuses_files_that_do_not_say_what_they_mean(
    tmp_path: Path, text: str, expect: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "scenario.yaml"
    path.write_text(text)
    assert cli.main(["run", str(path), *SMALL_ARGS]) == 2
    err = capsys.readouterr().err
    assert expect in err
    assert len(err.strip().splitlines()) == 1


def test_preset_headline_runs_the_ceiling(tmp_path: Path) -> None:
    path = tmp_path / "headline.yaml"
    path.write_text("preset: headline\nhorizon_years: 2\n")
    scenario = ak.read_scenario(path)
    assert scenario == ak.Scenario(horizon_years=2)


def test_run_out_says_the_size(
    small_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "results"
    argv = ["run", str(small_file), "--scenarios", "20", "--seed", "1", "--out", str(out)]
    assert cli.main(argv) == 0
    err = capsys.readouterr().err
    assert re.search(r"saved result to .* \(\d+\.\d MiB, arrays compressed\)", err)


def test_run_on_a_non_terminal_says_it_is_working(
    small_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Under pytest stdout is not a terminal: no bar, but a line when work starts and ends."""
    assert cli.main(["run", str(small_file), "--scenarios", "20", "--seed", "1"]) == 0
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith("simulating 20 scenarios (output is not a terminal")
    assert err[1].startswith("done in ")
