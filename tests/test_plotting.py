"""Plots draw headless, write a PNG, honour ``ax=`` and say how to get matplotlib."""

from __future__ import annotations

import sys

import matplotlib
import pandas as pd
import pytest

matplotlib.use("Agg")

import matplotlib.pyplot as plt

import alt401k as ak
from alt401k import plotting


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def pool() -> ak.PoolResults:
    scenario = ak.Scenario(
        sponsor_adoption=0.5,
        opt_in_rate=0.2,
        allocation_share=ak.Uniform(0.01, 0.03),
        rebalancing="annual",
        horizon_years=3,
    )
    return scenario.run(40, rng=1)


@pytest.fixture(scope="module")
def savers() -> tuple[ak.ParticipantResults, ak.ParticipantResults]:
    markets = ak.default_markets().subset(["us_equity", "us_bonds", "bitcoin"])
    saver = ak.Participant(
        age=60, salary=80_000, balance=100_000, deferral_rate=0.06, retirement_age=65
    )
    core = ak.Portfolio(weights={"us_equity": 0.6, "us_bonds": 0.4})
    runs = [
        ak.simulate_participant(saver, None, p, markets=markets, n_scenarios=40, rng=3)
        for p in (core.replace(alt_sleeve={"bitcoin": 0.05}), core)
    ]
    return runs[0], runs[1]


def sweep_frame() -> pd.DataFrame:
    rows = [
        {"sponsor_adoption": a, "allocation_share": s, "headline_reallocation": a * s * 12.5e12}
        for a in (0.1, 0.5, 1.0)
        for s in (0.01, 0.02)
    ]
    return pd.DataFrame(rows)


def sensitivity_frame() -> pd.DataFrame:
    frame = pd.DataFrame(
        {"input": ["allocation_share", "sponsor_adoption", "reversal"], "effect": [0.4, 0.8, -0.2]}
    )
    frame.attrs["target"] = "cumulative flow, year 10"
    return frame


def drawings(pool, savers):
    with_sleeve, without = savers
    return {
        "fan_participant": lambda ax: plotting.fan_chart(with_sleeve, ax=ax),
        "fan_participant_real": lambda ax: plotting.fan_chart(
            with_sleeve, real=True, quantiles=(0.1, 0.5, 0.9), ax=ax
        ),
        "fan_pool": lambda ax: plotting.fan_chart(pool, real=True, ax=ax),
        "flow_bands": lambda ax: plotting.flow_bands(pool, ax=ax),
        "holdings_share": lambda ax: plotting.holdings_share(pool, ax=ax),
        "heatmap": lambda ax: plotting.sweep_heatmap(
            sweep_frame(), "sponsor_adoption", "allocation_share", "headline_reallocation", ax=ax
        ),
        "tornado": lambda ax: plotting.tornado(sensitivity_frame(), ax=ax),
        "histogram": lambda ax: plotting.terminal_histogram(with_sleeve, without, ax=ax),
        "histogram_alone": lambda ax: plotting.terminal_histogram(
            with_sleeve, real=True, bins=10, ax=ax
        ),
    }


NAMES = [
    "fan_participant",
    "fan_participant_real",
    "fan_pool",
    "flow_bands",
    "holdings_share",
    "heatmap",
    "tornado",
    "histogram",
    "histogram_alone",
]


@pytest.mark.parametrize("name", NAMES)
def test_draws_a_png(name, pool, savers, tmp_path):
    ax = drawings(pool, savers)[name](None)
    assert isinstance(ax, matplotlib.axes.Axes)
    assert ax.get_xlabel() and ax.get_ylabel()
    path = tmp_path / f"{name}.png"
    ax.figure.savefig(path, dpi=40)
    assert path.exists() and path.stat().st_size > 0


@pytest.mark.parametrize("name", NAMES)
def test_honours_ax(name, pool, savers):
    _, given = plt.subplots()
    assert drawings(pool, savers)[name](given) is given


def test_units_in_labels(pool, savers):
    assert "nominal $" in plotting.fan_chart(savers[0]).get_ylabel()
    assert "start-year $" in plotting.fan_chart(savers[0], real=True).get_ylabel()
    assert "%" in plotting.holdings_share(pool).get_ylabel()
    assert plotting.tornado(sensitivity_frame()).get_yticklabels()[-1].get_text() == (
        "sponsor_adoption"
    )


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1.2e6, "$1.2M"),
        (125e9, "$125B"),
        (-3.5e3, "-$3.5K"),
        (850.0, "$850"),
        (0.0, "$0"),
        (999_960.0, "$1M"),
        (1.25e13, "$12.5T"),
        (-2e15, "-$2,000T"),
    ],
)
def test_format_dollars(value, text):
    assert plotting.format_dollars(value) == text


def test_dollar_formatter_ticks():
    assert plotting.dollar_formatter()(-1.2e6, 0) == "-$1.2M"


def test_missing_matplotlib(monkeypatch, pool):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(
        ImportError, match=r"plotting needs matplotlib: pip install 'alt401k\[plot\]'"
    ):
        plotting.flow_bands(pool)


def test_bad_inputs(pool, savers):
    with pytest.raises(ValueError, match="tornado needs columns 'input' and 'effect'; 'effect'"):
        plotting.tornado(pd.DataFrame({"input": ["a"]}))
    with pytest.raises(ValueError, match="frame is empty"):
        plotting.tornado(pd.DataFrame({"input": [], "effect": []}))
    with pytest.raises(ValueError, match="column 'nope' is not in the frame"):
        plotting.sweep_heatmap(sweep_frame(), "sponsor_adoption", "nope", "headline_reallocation")
    repeated = pd.concat([sweep_frame(), sweep_frame()])
    with pytest.raises(ValueError, match="pair must appear once"):
        plotting.sweep_heatmap(
            repeated, "sponsor_adoption", "allocation_share", "headline_reallocation"
        )
    with pytest.raises(TypeError, match="pool_result must be a PoolResults"):
        plotting.flow_bands(savers[0])
    with pytest.raises(TypeError, match="baseline must be a ParticipantResults"):
        plotting.terminal_histogram(savers[0], pool)
    with pytest.raises(ValueError, match="bins must be a positive integer; got 0"):
        plotting.terminal_histogram(savers[0], bins=0)
    with pytest.raises(ValueError, match="quantiles must not repeat"):
        plotting.fan_chart(pool, quantiles=(0.5, 0.5))


def test_readme_figure_example(tmp_path, monkeypatch, capsys):
    """examples/make_readme_figure.py, small, writing to tmp_path (not over docs/flows.png)."""
    import runpy
    from pathlib import Path

    script = Path(__file__).resolve().parents[1] / "examples" / "make_readme_figure.py"
    out = tmp_path / "flows.png"
    argv = [script.name, "--n-scenarios", "50", "--horizon", "3", "--out", str(out)]
    monkeypatch.setattr(sys, "argv", argv)
    runpy.run_path(str(script), run_name="__main__")
    assert out.stat().st_size > 0
    assert f"wrote {out}" in capsys.readouterr().out


# -- plots that say what they show (issue 18, item 7) ----------------------------------------


def test_tornado_names_method_and_unit(pool: ak.PoolResults) -> None:
    rank = plotting.tornado(pool.sensitivity(target="cumulative_flow"))
    assert rank.get_xlabel().startswith("Spearman rank correlation with cumulative_flow")
    assert "-1 to 1" in rank.get_xlabel()
    assert rank.get_title().startswith("What drives the spread of cumulative_flow")
    # The market row of a rank table has no correlation and is not drawn.
    assert "market paths / unexplained" not in [t.get_text() for t in rank.get_yticklabels()]
    sobol = plotting.tornado(pool.sensitivity(target="cumulative_flow", method="sobol"))
    assert sobol.get_xlabel().startswith("first-order Sobol index of cumulative_flow")
    assert "market paths / unexplained" in [t.get_text() for t in sobol.get_yticklabels()]


def test_flow_bands_legend_below_the_bars(pool: ak.PoolResults) -> None:
    ax = plotting.flow_bands(pool)
    figure = ax.figure
    figure.canvas.draw()
    legend = ax.get_legend().get_window_extent()
    assert legend.y1 < ax.get_window_extent().y0  # below the axes: covers no bar


def test_heatmap_labels_in_words() -> None:
    ax = plotting.sweep_heatmap(
        sweep_frame(), "sponsor_adoption", "allocation_share", "headline_reallocation"
    )
    assert ax.get_xlabel() == "sponsor adoption"
    assert ax.get_ylabel() == "allocation share"
    assert ax.get_title() == "headline reallocation, nominal dollars"
    assert plotting.column_label("cumulative_flow_p50") == "cumulative net flow, median"


def test_histogram_says_it_cuts_the_tails(savers) -> None:
    ax = plotting.terminal_histogram(savers[0])
    notes = [t.get_text() for t in ax.texts]
    assert any("outer 1% are not drawn" in note for note in notes)
