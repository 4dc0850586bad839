"""Every example runs, with small sizes, so none can rot."""

import runpy
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@pytest.mark.parametrize(
    ("script", "argv", "expect"),
    [
        ("quickstart.py", ["--n-scenarios", "200", "--horizon", "3"], "$125.0B"),
        ("participant_sleeve.py", ["--n-scenarios", "200"], "5% bitcoin"),
        ("pool_inflows.py", ["--n-scenarios", "100", "--horizon", "3"], "== aggressive"),
        ("published_estimates.py", ["--n-scenarios", "40"], "| adoption x sleeve matrix |"),
        ("market_context.py", ["--n-scenarios", "40", "--no-plot"], "== aggressive"),
        (
            "pool_calibration.py",
            ["--n-scenarios", "50", "--horizon", "2"],
            "outflows: total (benefit payments)",
        ),
        ("roth_vs_traditional.py", ["--n-scenarios", "100"], "Like for like (present value"),
        ("retirement_income.py", ["--n-scenarios", "100"], "RMD only"),
        (
            "large_runs.py",
            ["--n-scenarios", "3000", "--horizon", "3", "--executor", "threads", "--workers", "2"],
            "statistics kept",
        ),
        (
            "plan_designs.py",
            ["--n-scenarios", "100"],
            "per_period  deferrals $24,500, match $7,385",
        ),
        ("tdf_backcast.py", ["--no-plot"], "Asset share, new money only: mean absolute error"),
    ],
)
def test_example_runs(script, argv, expect, monkeypatch, capsys):
    monkeypatch.setattr(sys, "argv", [script, *argv])
    runpy.run_path(str(EXAMPLES / script), run_name="__main__")
    assert expect in capsys.readouterr().out


def test_every_example_is_tested():
    tested = {
        "quickstart.py",
        "participant_sleeve.py",
        "pool_inflows.py",
        "pool_calibration.py",
        "published_estimates.py",
        "market_context.py",
        "roth_vs_traditional.py",
        "retirement_income.py",
        "plan_designs.py",
        "crypto_models.py",
        "make_readme_figure.py",
        "large_runs.py",
        "tdf_backcast.py",
    }
    assert {p.name for p in EXAMPLES.glob("*.py")} == tested


# -- small things (issue 18, item 10) ---------------------------------------------------------


def _options(script: str, monkeypatch, capsys) -> list[str]:
    monkeypatch.setattr(sys, "argv", [script, "--help"])
    with pytest.raises(SystemExit) as exit_:
        runpy.run_path(str(EXAMPLES / script), run_name="__main__")
    assert exit_.value.code == 0
    return capsys.readouterr().out.split("options:")[1].split("\n  -")[2:]  # after -h


@pytest.mark.parametrize(
    "script", sorted(p.name for p in EXAMPLES.glob("*.py") if p.name != "market_context.py")
)
def test_example_help_describes_every_option(script, monkeypatch, capsys):
    for option in _options(script, monkeypatch, capsys):
        words = " ".join(option.split())
        assert len(words.split()) > 2, f"{script}: option without a description: {words!r}"
        if "store_true" not in words and not words.split()[0].startswith("-no"):
            assert "(default:" in words or "--no-" in words, f"{script}: {words!r} has no default"


def test_quickstart_labels_its_grid_pool(monkeypatch, capsys):
    monkeypatch.setattr(sys, "argv", ["quickstart.py", "--n-scenarios", "20", "--horizon", "1"])
    runpy.run_path(str(EXAMPLES / "quickstart.py"), run_name="__main__")
    out = capsys.readouterr().out
    assert "1% of $12.2T = $122B" in out
