"""The app driven as a person would, through Streamlit's AppTest: every widget of both pages.

Small runs (100-300 scenarios, short horizons) keep it to seconds. The
scenario the pool page offers for download is run through
``python -m alt401k run`` and must print the page's numbers at the same seed.
"""

from __future__ import annotations

import io
import re
from contextlib import redirect_stdout
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("streamlit", reason="the app extra (streamlit) is not installed")

from streamlit.testing.v1 import AppTest

import alt401k as ak
from alt401k import cli
from alt401k.app import SCRIPT, streamlit_command, streamlit_flags
from alt401k.app._common import SCENARIO_FILES, dollars_b, scenario_path
from alt401k.io import read_scenario, scenario_from_yaml

TIMEOUT = 120


def start(page: str = "pool", *, n: int = 100, seed: int = 1, scenario: str = "base") -> AppTest:
    at = AppTest.from_file(str(SCRIPT), default_timeout=TIMEOUT)
    at.query_params.update({"page": page, "n": str(n), "seed": str(seed), "scenario": scenario})
    return run(at)


def run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def text_of(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [f"{m.label}: {m.value}" for m in at.metric]
    return "\n".join(parts)


def headline(at: AppTest) -> str:
    return at.metric[0].value


def shorten(at: AppTest) -> AppTest:
    """Three years: knob tests need the page to answer, not a long horizon."""
    at.slider(key="pool.k.horizon").set_value(3)
    return run(at)


# ------------------------------------------------------------------------------ pool page


def test_pool_page_shows_the_headline_with_units_sample_size_and_error():
    at = start(n=200, seed=5)
    assert not at.error
    labels = [m.label for m in at.metric]
    assert labels[0] == "Mean cumulative net flow into bitcoin by 2035, $ nominal"
    assert labels[1] == "Monte Carlo standard error of that mean, $"
    assert at.metric[2].value == "$125.0B"  # the naive line: 1% of $12.5T
    text = text_of(at)
    assert "200 scenarios, seed 5" in text
    # The figure is the library's own: the same scenario run here, same seed.
    result = read_scenario(scenario_path("base")).run(200, rng=5)
    last = result.cumulative_flows[:, -1]
    assert headline(at) == dollars_b(last.mean())
    assert at.metric[1].value == dollars_b(last.std(ddof=1) / np.sqrt(200))
    titles = [c.proto.spec for c in at.get("vega_lite_chart")]
    assert len(titles) == 3  # the band, the flows by cause, the holdings share
    for spec in titles:
        assert "200 scenarios, seed 5" in spec
        assert "$B nominal" in spec or "% of the pool" in spec
    assumptions = at.table[0].value
    assert "sponsor_adoption" in assumptions.index


def test_seed_is_settable_and_the_cache_answers_a_repeat():
    at = start(n=100, seed=1)
    first = headline(at)
    at.number_input(key="pool.seed").set_value(2)
    run(at)
    assert "100 scenarios, seed 2" in text_of(at)
    assert headline(at) != first
    at.number_input(key="pool.seed").set_value(1)
    run(at)
    assert headline(at) == first
    assert "100 scenarios, seed 1" in text_of(at)


def test_every_pool_knob(tmp_path):
    at = shorten(start(n=100, scenario="base"))
    # Sponsor adoption: a number, a logistic curve, a Bass curve, the segments again.
    at.selectbox(key="pool.k.sponsor.mode").select("number")
    run(at)
    at.number_input(key="pool.k.sponsor.number").set_value(0.3)
    run(at)
    at.selectbox(key="pool.k.sponsor.mode").select("logistic curve")
    run(at)
    for name, value in (("ceiling", 0.4), ("midpoint", 2.0), ("steepness", 1.5)):
        at.number_input(key=f"pool.k.sponsor.logistic.{name}").set_value(value)
    run(at)
    assert read(at).sponsor_adoption == ak.Logistic(ceiling=0.4, midpoint=2.0, steepness=1.5)
    at.selectbox(key="pool.k.sponsor.mode").select("Bass curve")
    run(at)
    for name, value in (("p", 0.02), ("q", 0.4), ("ceiling", 0.5)):
        at.number_input(key=f"pool.k.sponsor.bass.{name}").set_value(value)
    run(at)
    assert read(at).sponsor_adoption == ak.Bass(p=0.02, q=0.4, ceiling=0.5)
    # Opt-in: a number, then the logistic curve's parameters.
    at.selectbox(key="pool.k.opt_in.mode").select("number")
    run(at)
    at.number_input(key="pool.k.opt_in.number").set_value(0.2)
    run(at)
    assert read(at).opt_in_rate == 0.2
    at.selectbox(key="pool.k.opt_in.mode").select("logistic curve")
    run(at)
    at.number_input(key="pool.k.opt_in.logistic.ceiling").set_value(0.1)
    run(at)
    assert read(at).opt_in_rate.ceiling == 0.1
    # Allocation share: a number, a uniform range, a triangular range.
    at.selectbox(key="pool.k.allocation.mode").select("number")
    run(at)
    at.number_input(key="pool.k.allocation.number").set_value(0.03)
    run(at)
    assert read(at).allocation_share == 0.03
    at.selectbox(key="pool.k.allocation.mode").select("range (uniform)")
    run(at)
    at.number_input(key="pool.k.allocation.low").set_value(0.01)
    at.number_input(key="pool.k.allocation.high").set_value(0.04)
    run(at)
    assert read(at).allocation_share == ak.Uniform(0.01, 0.04)
    at.selectbox(key="pool.k.allocation.mode").select("range (triangular)")
    run(at)
    at.number_input(key="pool.k.allocation.peak").set_value(0.02)
    run(at)
    assert read(at).allocation_share == ak.Triangular(0.01, 0.02, 0.04)
    # Channels: the default fund on with a flat sleeve, the window off, the active channel off.
    at.selectbox(key="pool.k.fund.mode").select("flat sleeve share")
    run(at)
    at.number_input(key="pool.k.fund.share").set_value(0.02)
    at.checkbox(key="pool.k.window").uncheck()
    run(at)
    scenario = read(at)
    assert scenario.default_fund.sleeve_share == 0.02 and scenario.window_in_force() is None
    at.checkbox(key="pool.k.active").uncheck()
    run(at)
    assert read(at).active_channel is False
    at.checkbox(key="pool.k.active").check()
    # Rebalancing, reversal, asset, return model.
    at.selectbox(key="pool.k.rebalancing").select("annual")
    at.number_input(key="pool.k.reversal.hazard").set_value(0.2)
    at.selectbox(key="pool.k.reversal.treatment").select("unwind")
    run(at)
    scenario = read(at)
    assert scenario.rebalancing.frequency == "annual"
    assert (scenario.reversal.hazard, scenario.reversal.treatment) == (0.2, "unwind")
    at.checkbox(key="pool.k.reversal").uncheck()
    at.selectbox(key="pool.k.asset").select("ether")
    at.selectbox(key="pool.k.markets").select("crypto_bear")
    run(at)
    scenario = read(at)
    assert scenario.reversal is None and scenario.asset == "ether"
    assert scenario.markets == ak.default_markets("crypto_bear")
    assert "into ether" in at.metric[0].label
    at.number_input(key="pool.n").set_value(300)
    at.checkbox(key="pool.naive_line").uncheck()
    run(at)
    assert "300 scenarios, seed 1" in text_of(at)
    assert not at.error
    # Every widget on the page has been driven (those the modes show, each at least once).
    driven = {
        "pool.file", "pool.n", "pool.seed", "pool.naive_line", "pool.k.horizon",
        "pool.k.sponsor.mode", "pool.k.opt_in.mode", "pool.k.allocation.mode",
        "pool.k.fund.mode", "pool.k.rebalancing", "pool.k.reversal", "pool.k.asset",
        "pool.k.markets", "pool.k.active", "pool.k.window",
    }
    shown = {w.key for kind in ("selectbox", "number_input", "checkbox", "slider", "radio")
             for w in at.get(kind)}
    assert shown - driven - {"page"} <= {
        "pool.k.opt_in.logistic.ceiling", "pool.k.opt_in.logistic.midpoint",
        "pool.k.opt_in.logistic.steepness", "pool.k.sponsor.bass.p", "pool.k.sponsor.bass.q",
        "pool.k.sponsor.bass.ceiling", "pool.k.allocation.low", "pool.k.allocation.peak",
        "pool.k.allocation.high", "pool.k.fund.share",
    }


def read(at: AppTest) -> ak.Scenario:
    """The scenario the page offers for download (what it ran)."""
    return scenario_from_yaml(at.session_state["pool.yaml"])


def test_a_file_change_resets_the_knobs_to_the_file():
    at = start(n=100, scenario="base")
    at.selectbox(key="pool.k.rebalancing").select("monthly")
    run(at)
    assert read(at).rebalancing.frequency == "monthly"
    at.selectbox(key="pool.file").select("headline")
    run(at)
    assert at.selectbox(key="pool.k.rebalancing").value == "never"
    assert at.selectbox(key="pool.k.sponsor.mode").value == "number"
    assert at.number_input(key="pool.k.sponsor.number").value == 1.0
    # Untouched, the page runs the file itself.
    assert read(at) == read_scenario(scenario_path("headline"))
    for name in SCENARIO_FILES:
        at.selectbox(key="pool.file").select(name)
        run(at)
        assert not at.error
        assert read(at) == read_scenario(scenario_path(name)), name


def test_a_bad_combination_shows_the_library_message_not_a_traceback():
    at = start(n=100, scenario="headline")
    at.number_input(key="pool.k.allocation.number").set_value(0.5)
    run(at)
    assert len(at.error) == 1
    with pytest.raises(ValueError) as caught:
        read_scenario(scenario_path("headline")).replace(allocation_share=0.5)
    message = at.error[0].value
    assert cli._describe(caught.value) in message
    assert "alt_cap" in message or "cap" in message
    assert "Traceback" not in message and not at.metric
    # A good value again: the page answers again.
    at.number_input(key="pool.k.allocation.number").set_value(0.01)
    run(at)
    assert not at.error and at.metric


def test_downloads_and_the_yaml_runs_through_the_cli_to_the_same_numbers(tmp_path):
    n, seed = 150, 11
    at = start(n=n, seed=seed, scenario="aggressive")  # flows of $B: digits to compare
    at.selectbox(key="pool.k.rebalancing").select("quarterly")
    at.slider(key="pool.k.horizon").set_value(4)
    run(at)
    buttons = {b.key: b for b in at.get("download_button")}
    assert set(buttons) == {"pool.download.yaml", "pool.download.csv"}
    assert buttons["pool.download.yaml"].proto.label.startswith("Download the scenario")
    at.get("download_button")[0].click()  # a click reruns the page, nothing breaks
    run(at)
    yaml_text = at.session_state["pool.yaml"]
    assert f"--scenarios {n} --seed {seed}" in yaml_text
    path = tmp_path / "scenario.yaml"
    path.write_text(yaml_text, encoding="utf-8")
    out = io.StringIO()
    with redirect_stdout(out):
        code = cli.main(["run", str(path), "--scenarios", str(n), "--seed", str(seed), "--quiet"])
    assert code == 0
    printed = out.getvalue()
    assert f"{n:,} scenarios, seed {seed}" in printed
    cli_rows, per_billion, decimals = parse_cli_table(printed)
    csv = pd.read_csv(io.StringIO(at.session_state["pool.csv"]), comment="#", index_col="year")
    assert list(cli_rows.index) == list(csv.index) == [2026, 2027, 2028, 2029]
    assert len(cli_rows.columns) >= 8
    for column in cli_rows.columns:  # every printed figure is the page's, to its last digit
        page = csv[f"{column} $B"] * per_billion
        np.testing.assert_allclose(
            cli_rows[column], page, rtol=0, atol=0.5 * 10.0**-decimals + 1e-9, err_msg=column
        )
    # Beyond the printed digits: the file run by the library gives the page's numbers.
    again = cli.flow_table(read_scenario(path).run(n, rng=seed))
    np.testing.assert_allclose(csv[again.columns], again, rtol=1e-9, atol=1.0 / 1e9)
    # The CSV states its units and sample, and carries the band and the holdings share.
    assert at.session_state["pool.csv"].startswith(
        f"# alt401k pool run: bitcoin, {n} scenarios, seed {seed}; $B"
    )
    assert {"cumulative p95 $B", "holdings share of pool mean"} <= set(csv.columns)


def parse_cli_table(printed: str) -> tuple[pd.DataFrame, float, int]:
    """The per-year table ``python -m alt401k run`` prints: figures, units per $B, decimals."""
    lines = printed.splitlines()
    header_at = next(i for i, line in enumerate(lines) if "net mean $" in line)
    found = re.findall(r"\s*([^$]+?) \$([TBMK])", lines[header_at])
    columns = [name.strip() for name, _ in found]
    per_billion = {"T": 1e-3, "B": 1.0, "M": 1e3, "K": 1e6}[found[0][1]]
    rows, decimals = {}, 0
    for line in lines[header_at + 2:]:
        if not line.strip():
            break
        year, *values = line.split()
        decimals = len(values[0].partition(".")[2])
        rows[int(year)] = [float(v.replace(",", "")) for v in values]
    return pd.DataFrame.from_dict(rows, orient="index", columns=columns), per_billion, decimals


# ------------------------------------------------------------------------------ saver page


def test_saver_page_every_widget_and_the_paired_effect():
    at = start("saver", n=100, seed=4)
    assert not at.error
    assert [m.label for m in at.metric][:2] == [
        "Mean after-tax income from the plan, start-year $ a year",
        "Chance of running out before 95, %",
    ]
    assert "100 scenarios, seed 4" in text_of(at)
    charts = [c.proto.spec for c in at.get("vega_lite_chart")]
    assert len(charts) == 2 and all("100 scenarios, seed 4" in c for c in charts)
    for key, value in (
        ("saver.age", 45), ("saver.retirement_age", 62), ("saver.salary", 120_000.0),
        ("saver.balance", 150_000.0), ("saver.deferral", 0.1), ("saver.roth", 0.5),
        ("saver.sleeve", 0.05), ("saver.rate", 0.05), ("saver.end_age", 90),
        ("saver.social_security", 30_000.0), ("saver.n", 150), ("saver.seed", 9),
    ):
        at.number_input(key=key).set_value(value)
    at.selectbox(key="saver.plan").select("generous")
    at.slider(key="saver.equity").set_value(0.8)
    at.selectbox(key="saver.sleeve_asset").select("ether")
    at.selectbox(key="saver.markets").select("lognormal")
    at.selectbox(key="saver.filing").select("married_joint")
    run(at)
    assert not at.error
    assert "150 scenarios, seed 9" in text_of(at)
    assert "5.0% ether sleeve" in text_of(at)
    assert at.metric[1].label == "Chance of running out before 90, %"
    # The paired effect is the library's: the same saver with and without, same paths.
    saver = ak.Participant(age=45, salary=120_000, balance=150_000, deferral_rate=0.1,
                           roth_fraction=0.5, retirement_age=62)
    portfolio = ak.Portfolio(weights={"us_equity": 0.8, "us_bonds": 0.2},
                             alt_sleeve={"ether": 0.05})
    later = ak.Retirement(end_age=90, rate=0.05, filing_status="married_joint",
                          social_security=30_000)
    markets = ak.default_markets("lognormal")
    plan = ak.PlanDesign.preset("generous")
    kw = dict(markets=markets, n_scenarios=150, rng=9, retirement=later)
    res = ak.simulate_participant(saver, plan, portfolio, **kw)
    base = ak.simulate_participant(saver, plan, portfolio.without_sleeve(), **kw)
    expected = res.retirement_summary(baseline=base)
    assert at.metric[0].value == f"${expected.loc['mean_income', 'mean']:,.0f}"
    csv = pd.read_csv(io.StringIO(at.session_state["saver.csv"]), comment="#", index_col=0)
    np.testing.assert_allclose(csv["mean"], expected["mean"], rtol=1e-12)
    # The other rules; target_income shows its own input.
    for rule in ("fixed_share", "rmd_only", "target_income"):
        at.selectbox(key="saver.rule").select(rule)
        run(at)
        assert not at.error, rule
    at.number_input(key="saver.target").set_value(50_000.0)
    run(at)
    assert not at.error
    assert [b.key for b in at.get("download_button")] == ["saver.download.csv"]


def test_saver_bad_input_shows_the_library_message():
    at = start("pool", n=100, scenario="headline")
    at.radio(key="page").set_value("Saver")  # the page picker
    run(at)
    assert at.header[0].value.startswith("The saver")
    at.number_input(key="saver.age").set_value(70)  # retiring at 65, before today
    run(at)
    assert len(at.error) == 1
    with pytest.raises(ValueError) as caught:
        ak.Participant(age=70, salary=80_000, deferral_rate=0.06, retirement_age=65)
    assert cli._describe(caught.value) in at.error[0].value
    assert not at.metric


# ------------------------------------------------------------------------------ launching


def test_the_app_sends_nothing_and_listens_on_localhost_only():
    flags = streamlit_flags()
    assert "--browser.gatherUsageStats=false" in flags
    assert "--server.address=localhost" in flags
    command = streamlit_command(8765)
    assert command[1:4] == ["-m", "streamlit", "run"]
    assert Path(command[4]) == SCRIPT
    assert "--server.port=8765" in command


def test_cli_app_names_the_extra_when_streamlit_is_missing(monkeypatch, capsys):
    import alt401k.app

    def missing(port=None):
        raise ImportError("the app needs streamlit: pip install 'alt401k[app]'")

    monkeypatch.setattr(alt401k.app, "launch", missing)
    assert cli.main(["app", "--port", "8765"]) == 2
    assert "pip install 'alt401k[app]'" in capsys.readouterr().err
    assert cli.main(["app", "--port", "0"]) == 2
    assert "must be a TCP port" in capsys.readouterr().err


def test_require_streamlit_names_the_extra(monkeypatch):
    import builtins

    from alt401k.app import require_streamlit

    real = builtins.__import__

    def no_streamlit(name, *args, **kwargs):
        if name == "streamlit":
            raise ImportError("No module named 'streamlit'")
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_streamlit)
    with pytest.raises(ImportError, match=r"pip install 'alt401k\[app\]'"):
        require_streamlit()


def test_the_library_never_imports_the_app():
    import subprocess
    import sys

    code = (
        "import sys, alt401k, alt401k.cli, alt401k.app; "
        "assert 'streamlit' not in sys.modules, 'streamlit imported'; "
        "assert 'alt401k.app.pool_page' not in sys.modules, 'a page imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
