# Why this file is above 500 lines: it is one Streamlit page, in the order the
# user sees it: the run behind it (:func:`run_pool`, no Streamlit, tested on
# its own against the command line), the knob widgets, and the charts. The
# widgets share the page's key prefix and the scenario they start from;
# splitting them from the page would spread one screen over several files.
"""The pool page: a scenario file's knobs, and how much flows into the asset.

The page starts from a named scenario file (:data:`SCENARIO_FILES`); every
knob's widget starts at the file's value, so an untouched page runs the file
as the command line would. A knob whose value the simple widgets cannot
state (a curve whose ceiling is drawn per scenario, a sleeve gliding with
age) offers "as in the file" first. What the page shows comes from
:func:`run_pool`, which needs no Streamlit and is what the tests compare
with ``python -m alt401k run``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from .. import io as ak_io
from ..adoption import (
    Bass,
    BrokerageWindow,
    DefaultChannel,
    Fixed,
    Logistic,
    Reversal,
    Triangular,
    Uniform,
)
from ..cli import flow_table
from ..execution import default_workers
from ..markets import PRESETS, default_markets
from ..scenario import Scenario
from ._common import (
    BILLION,
    CHUNK,
    SCENARIO_FILES,
    ChunkProgress,
    ResultCache,
    backend,
    describe_error,
    dollars_b,
    n_chunks,
    scenario_path,
)

__all__ = ["NAIVE_SHARE", "PoolRun", "render", "run_pool", "scenario_yaml"]

#: The naive headline: 1% of the pool, moved at once ("1% of $12.5T is $125B").
NAIVE_SHARE = 0.01
#: Alternative assets the page offers (the core assets are the pool's own portfolio).
ALTERNATIVES = (
    "bitcoin",
    "ether",
    "private_equity",
    "private_credit",
    "real_estate",
    "infrastructure",
    "commodities",
    "gold",
)
AS_IN_FILE = "as in the file"
_PREFIX = "pool.k."
_CACHE = ResultCache()


@dataclass(frozen=True)
class PoolRun:
    """What the pool page shows of one run (small: frames by year, a few numbers).

    Attributes
    ----------
    table : DataFrame
        The command line's table (:func:`alt401k.cli.flow_table`): mean flows
        by component, net flow mean and quantiles, by year, $B nominal.
    cumulative : DataFrame
        Cumulative net flow by year end: ``mean``, ``p05``, ``p50``, ``p95``,
        $B nominal.
    holdings_share : DataFrame
        The pool's holdings of the asset as a share of the pool at each year
        end: ``mean``, ``p05``, ``p50``, ``p95``, fractions.
    start_holdings : DataFrame
        Held at the start by channel (``mean``, dollars).
    headline_mean, headline_se : float
        Mean cumulative net flow at the horizon and its Monte Carlo standard
        error (sample standard deviation / sqrt(n)), dollars.
    naive : float
        1% of the pool's assets at the start, dollars.
    """

    scenario_yaml: str
    n_scenarios: int
    seed: int
    backend: Literal["numpy", "numba"]
    seconds: float
    table: pd.DataFrame
    cumulative: pd.DataFrame
    holdings_share: pd.DataFrame
    start_holdings: pd.DataFrame
    headline_mean: float
    headline_se: float
    headline_quantiles: tuple[float, float, float]
    naive: float
    assumptions: dict[str, str]
    asset: str

    @property
    def last_year(self) -> int:
        return int(self.table.index[-1])

    def to_csv(self) -> str:
        """The results by year as CSV: the command line's table, the cumulative band, holdings."""
        frame = self.table.copy()
        for column in ("mean", "p05", "p50", "p95"):
            frame[f"cumulative {column} $B"] = self.cumulative[column]
        for column in ("mean", "p05", "p50", "p95"):
            frame[f"holdings share of pool {column}"] = self.holdings_share[column]
        header = (
            f"# alt401k pool run: {self.asset}, {self.n_scenarios} scenarios, seed {self.seed}; "
            "$B = billions of nominal dollars; shares are fractions of the pool\n"
        )
        return header + frame.to_csv()


def scenario_yaml(scenario: Scenario, n_scenarios: int, seed: int) -> str:
    """The scenario as a YAML file for ``python -m alt401k run``, with how to rerun it."""
    header = (
        "# Saved by the alt401k app. Rerun with:\n"
        f"#   python -m alt401k run scenario.yaml --scenarios {n_scenarios} --seed {seed}\n"
    )
    return header + ak_io.scenario_to_yaml(scenario)


def run_pool(
    scenario: Scenario,
    n_scenarios: int,
    seed: int,
    *,
    on_progress: Callable[[int, int], None] | None = None,
    n_workers: int | None = None,
) -> PoolRun:
    """Run the scenario (or take it from the cache) and reduce it to what the page shows.

    Parameters
    ----------
    scenario : Scenario
    n_scenarios, seed : int
    on_progress : callable(done, total), optional
        Told the blocks of 1,000 scenarios done, as they finish.
    n_workers : int, optional
        Threads the blocks run on; default the cores this process may use.
    """
    text = scenario_yaml(scenario, n_scenarios, seed)
    key = (text, n_scenarios, seed)
    cached = _CACHE.get(key)
    if cached is not None:
        return cached
    total = n_chunks(n_scenarios)
    report = (lambda done: on_progress(done, total)) if on_progress else (lambda done: None)
    workers = default_workers() if n_workers is None else n_workers
    executor = ChunkProgress(min(workers, total), report)
    engine = backend()
    started = time.perf_counter()
    try:
        result = scenario.run(
            n_scenarios,
            rng=seed,
            chunk_size=CHUNK,
            executor=executor,
            n_workers=workers,
            keep_paths=True,
            backend=engine,
        )
    finally:
        executor.shutdown()
    seconds = time.perf_counter() - started
    report(total)
    cumulative = result.cumulative_flows  # (S, Y), dollars
    years = pd.Index(result.years, name="year")

    def band(values: np.ndarray, scale: float) -> pd.DataFrame:
        q05, q50, q95 = np.quantile(values, (0.05, 0.5, 0.95), axis=0)
        return pd.DataFrame(
            {"mean": values.mean(axis=0), "p05": q05, "p50": q50, "p95": q95}, index=years
        ) / scale

    share = np.divide(
        result.holdings,
        result.pool_assets,
        out=np.zeros_like(result.holdings, dtype=float),
        where=result.pool_assets > 0,
    )
    last = cumulative[:, -1]
    se = float(last.std(ddof=1) / np.sqrt(last.size)) if last.size > 1 else float("nan")
    q05, q50, q95 = (float(v) for v in np.quantile(last, (0.05, 0.5, 0.95)))
    run = PoolRun(
        scenario_yaml=text,
        n_scenarios=result.n_scenarios,
        seed=seed,
        backend=engine,
        seconds=seconds,
        table=flow_table(result),
        cumulative=band(cumulative, BILLION),
        holdings_share=band(share, 1.0),
        start_holdings=result.start_holdings(),
        headline_mean=float(last.mean()),
        headline_se=se,
        headline_quantiles=(q05, q50, q95),
        naive=NAIVE_SHARE * scenario.total_assets,
        assumptions=scenario.assumptions(),
        asset=scenario.asset,
    )
    _CACHE.put(key, run)
    return run


# --------------------------------------------------------------------------- widgets


def _number(value: Any) -> float | None:
    """A plain number, or None for a distribution (which the simple widgets cannot state)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    return None


def _curve_mode(value: Any) -> str:
    if isinstance(value, str):
        return "segments (each plan size's own curve)"
    if _number(value) is not None:
        return "number"
    if isinstance(value, Fixed) and _number(value.rate) is not None:
        return "number"
    if isinstance(value, Logistic) and all(
        _number(v) is not None for v in (value.ceiling, value.midpoint, value.steepness)
    ):
        return "logistic curve"
    if isinstance(value, Bass) and all(
        _number(v) is not None for v in (value.p, value.q, value.ceiling)
    ):
        return "Bass curve"
    return AS_IN_FILE


def _curve_widget(st: Any, label: str, name: str, value: Any, *, segments: bool) -> Any:
    """A number or a curve for ``sponsor_adoption`` / ``opt_in_rate``."""
    modes = ["number", "logistic curve", "Bass curve"]
    if segments:
        modes.append("segments (each plan size's own curve)")
    start = _curve_mode(value)
    if start == AS_IN_FILE:
        modes.insert(0, AS_IN_FILE)
    mode = st.selectbox(
        label, modes, index=modes.index(start), key=f"{_PREFIX}{name}.mode",
        help=f"In the file: {value!r}" if not isinstance(value, float | int) else None,
    )
    if mode == AS_IN_FILE:
        st.caption(f"{value!r}")
        return value
    if mode.startswith("segments"):
        return "segments"
    if mode == "number":
        default = _number(value)
        if default is None and isinstance(value, Fixed):
            default = _number(value.rate)
        return st.number_input(
            "share (0 to 1)", min_value=0.0, max_value=1.0,
            value=default if default is not None else 0.1, step=0.01, format="%.4f",
            key=f"{_PREFIX}{name}.number",
        )
    if mode == "logistic curve":
        seed = value if isinstance(value, Logistic) else None
        c1, c2, c3 = st.columns(3)
        ceiling = c1.number_input(
            "ceiling", 0.0, 1.0, _number(seed.ceiling) if seed else 0.1, 0.01,
            format="%.4f", key=f"{_PREFIX}{name}.logistic.ceiling",
        )
        midpoint = c2.number_input(
            "midpoint, years", 0.0, 100.0, _number(seed.midpoint) if seed else 3.0, 0.5,
            key=f"{_PREFIX}{name}.logistic.midpoint",
        )
        steepness = c3.number_input(
            "steepness", 0.01, 20.0, _number(seed.steepness) if seed else 1.0, 0.1,
            key=f"{_PREFIX}{name}.logistic.steepness",
        )
        return Logistic(ceiling=ceiling, midpoint=midpoint, steepness=steepness)
    bass = value if isinstance(value, Bass) else None
    c1, c2, c3 = st.columns(3)
    p = c1.number_input(
        "p (innovation)", 0.0, 1.0, _number(bass.p) if bass else 0.01, 0.001,
        format="%.4f", key=f"{_PREFIX}{name}.bass.p",
    )
    q = c2.number_input(
        "q (imitation)", 0.0, 5.0, _number(bass.q) if bass else 0.3, 0.05,
        key=f"{_PREFIX}{name}.bass.q",
    )
    ceiling = c3.number_input(
        "ceiling", 0.0, 1.0, _number(bass.ceiling) if bass else 0.5, 0.01,
        format="%.4f", key=f"{_PREFIX}{name}.bass.ceiling",
    )
    return Bass(p=p, q=q, ceiling=ceiling)


def _share_widget(st: Any, value: Any) -> Any:
    """``allocation_share``: a number, a uniform range or a triangular range."""
    if _number(value) is not None:
        start = "number"
    elif isinstance(value, Uniform) and None not in (_number(value.low), _number(value.high)):
        start = "range (uniform)"
    elif isinstance(value, Triangular):
        start = "range (triangular)"
    else:
        start = AS_IN_FILE
    modes = ["number", "range (uniform)", "range (triangular)"]
    if start == AS_IN_FILE:
        modes.insert(0, AS_IN_FILE)
    mode = st.selectbox(
        "Allocation share of an electing saver's balance and pay",
        modes, index=modes.index(start), key=f"{_PREFIX}allocation.mode",
        help="Drawn once per scenario when a range. Must not exceed any plan segment's cap "
        "(5% for micro and small plans).",
    )
    if mode == AS_IN_FILE:
        st.caption(f"{value!r}")
        return value
    if mode == "number":
        default = _number(value)
        return st.number_input(
            "share (0 to 1)", 0.0, 1.0, default if default is not None else 0.01, 0.005,
            format="%.4f", key=f"{_PREFIX}allocation.number",
        )
    low0 = float(getattr(value, "low", 0.01)) if not _number(value) else 0.01
    high0 = float(getattr(value, "high", 0.03)) if not _number(value) else 0.03
    c1, c2, c3 = st.columns(3)
    low = c1.number_input(
        "low", 0.0, 1.0, low0, 0.005, format="%.4f", key=f"{_PREFIX}allocation.low"
    )
    if mode == "range (uniform)":
        high = c3.number_input(
            "high", 0.0, 1.0, high0, 0.005, format="%.4f", key=f"{_PREFIX}allocation.high"
        )
        return Uniform(low=low, high=high)
    mode0 = float(getattr(value, "mode", (low0 + high0) / 2))
    peak = c2.number_input(
        "mode", 0.0, 1.0, mode0, 0.005, format="%.4f", key=f"{_PREFIX}allocation.peak"
    )
    high = c3.number_input(
        "high", 0.0, 1.0, high0, 0.005, format="%.4f", key=f"{_PREFIX}allocation.high"
    )
    return Triangular(low=low, mode=peak, high=high)


def _channel_widgets(st: Any, base: Scenario) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    changes["active_channel"] = st.checkbox(
        "Active channel: savers elect the asset", value=base.active_channel,
        key=f"{_PREFIX}active",
    )
    fund_modes = ["off", "flat sleeve share"]
    current = base.default_fund
    if current is not None and _number(current.sleeve_share) is None:
        fund_modes.insert(1, AS_IN_FILE)
        start = AS_IN_FILE
    else:
        start = "off" if current is None else "flat sleeve share"
    fund = st.selectbox(
        "Default channel: a sleeve in the target-date fund", fund_modes,
        index=fund_modes.index(start), key=f"{_PREFIX}fund.mode",
    )
    if fund == "off":
        changes["default_fund"] = None
    elif fund == AS_IN_FILE:
        st.caption(f"{current!r}")
        changes["default_fund"] = current
    else:
        default = _number(current.sleeve_share) if current is not None else None
        share = st.number_input(
            "sleeve share of the fund", 0.0, 1.0, default if default is not None else 0.01,
            0.005, format="%.4f", key=f"{_PREFIX}fund.share",
        )
        keep = current if current is not None else DefaultChannel()
        changes["default_fund"] = keep.replace(sleeve_share=share)
    window = base.window_in_force()
    window_on = st.checkbox(
        "Brokerage window: self-directed ETFs, no sponsor decision, no menu cap",
        value=window is not None, key=f"{_PREFIX}window",
        help="On: the file's window, or the library's default window (alt401k.BrokerageWindow()).",
    )
    if window_on != (window is not None):  # as the file says unless the box is changed
        changes["brokerage_window"] = (window or BrokerageWindow()) if window_on else "none"
    return changes


def knobs(st: Any, base: Scenario) -> dict[str, Any]:
    """Draw the knobs, starting at ``base``'s values; return the changes for ``base.replace``."""
    changes: dict[str, Any] = {}
    st.markdown("**Who offers it, who elects it, how much**")
    changes["sponsor_adoption"] = _curve_widget(
        st, "Sponsor adoption: share of plans offering it", "sponsor", base.sponsor_adoption,
        segments=True,
    )
    changes["opt_in_rate"] = _curve_widget(
        st, "Opt-in: share of savers in those plans electing it", "opt_in", base.opt_in_rate,
        segments=False,
    )
    changes["allocation_share"] = _share_widget(st, base.allocation_share)
    st.markdown("**Channels**")
    changes.update(_channel_widgets(st, base))
    st.markdown("**Behaviour and policy**")
    frequencies = ["never", "monthly", "quarterly", "annual"]
    frequency = st.selectbox(
        "Rebalancing of elected holdings", frequencies,
        index=frequencies.index(base.rebalancing.frequency), key=f"{_PREFIX}rebalancing",
    )
    if frequency != base.rebalancing.frequency:
        changes["rebalancing"] = base.rebalancing.replace(frequency=frequency)
    reversal_on = st.checkbox(
        "Policy reversal risk", value=base.reversal is not None, key=f"{_PREFIX}reversal"
    )
    if reversal_on:
        current = base.reversal or Reversal(hazard=0.05)
        hazard0 = _number(current.hazard)
        c1, c2 = st.columns(2)
        hazard = c1.number_input(
            "yearly hazard", 0.0, 1.0, hazard0 if hazard0 is not None else 0.05, 0.01,
            format="%.3f",
            key=f"{_PREFIX}reversal.hazard",
        )
        treatments = ["keep", "freeze", "unwind"]
        treatment = c2.selectbox(
            "then holdings are", treatments, index=treatments.index(current.treatment),
            key=f"{_PREFIX}reversal.treatment",
        )
        changes["reversal"] = current.replace(hazard=hazard, treatment=treatment)
    else:
        changes["reversal"] = None
    st.markdown("**Asset and market**")
    assets = list(ALTERNATIVES)
    if base.asset not in assets:
        assets.insert(0, base.asset)
    changes["asset"] = st.selectbox(
        "Asset", assets, index=assets.index(base.asset), key=f"{_PREFIX}asset"
    )
    presets = [p for p in PRESETS if p != "base"]  # "base" is an alias of "lognormal"
    preset = st.selectbox(
        "Return model (preset of alt401k.default_markets)", presets,
        index=presets.index(_preset_of(base)), key=f"{_PREFIX}markets",
    )
    changes["markets"] = default_markets(preset)
    changes["horizon_years"] = st.slider(
        "Horizon, years", 1, 30, base.horizon_years, key=f"{_PREFIX}horizon"
    )
    # Only what differs from the file: an untouched page runs the file itself.
    return {name: value for name, value in changes.items() if value != getattr(base, name)}


def _preset_of(scenario: Scenario) -> str:
    for name in PRESETS:
        if name != "base" and default_markets(name) == scenario.markets:
            return name
    return "crypto_realistic"


def _reset_knobs(st: Any) -> None:
    """A new scenario file: every knob starts again at the file's value."""
    for key in list(st.session_state):
        if str(key).startswith(_PREFIX):
            del st.session_state[key]


# --------------------------------------------------------------------------- page


def _band_chart(alt: Any, frame: pd.DataFrame, *, title: str, y_title: str, rule: float | None,
                rule_label: str = "") -> Any:
    data = frame.reset_index()
    base = alt.Chart(data).encode(x=alt.X("year:O", title="year"))
    area = base.mark_area(opacity=0.25).encode(
        y=alt.Y("p05:Q", title=y_title), y2="p95:Q", tooltip=list(data.columns)
    )
    median = base.mark_line(point=True).encode(y="p50:Q")
    mean = base.mark_line(strokeDash=[4, 3], color="black").encode(y="mean:Q")
    layers = [area, median, mean]
    if rule is not None:
        rules = pd.DataFrame({"y": [rule], "label": [rule_label]})
        layers.append(alt.Chart(rules).mark_rule(color="firebrick").encode(y="y:Q"))
        layers.append(
            alt.Chart(rules)
            .mark_text(align="left", dx=4, dy=-6, color="firebrick")
            .encode(y="y:Q", text="label:N", x=alt.value(0))
        )
    return alt.layer(*layers).properties(title=title, height=320)


def _show_results(st: Any, run: PoolRun) -> None:
    import altair as alt

    n, seed, asset, year = run.n_scenarios, run.seed, run.asset, run.last_year
    sample = f"{n:,} scenarios, seed {seed}"
    q05, q50, q95 = run.headline_quantiles
    c1, c2, c3 = st.columns(3)
    c1.metric(
        f"Mean cumulative net flow into {asset} by {year}, $ nominal",
        dollars_b(run.headline_mean),
        help=f"Mean over {sample} of net purchases since the start (not counting what "
        "was held at the start).",
    )
    c2.metric(
        "Monte Carlo standard error of that mean, $",
        dollars_b(run.headline_se),
        help="Sample standard deviation over scenarios / sqrt(n): the error of the "
        "mean from simulating a finite number of paths, not the spread of outcomes.",
    )
    c3.metric(f"Naive headline: 1% of the ${run.naive / NAIVE_SHARE / 1e12:,.1f}T pool, $",
              dollars_b(run.naive))
    st.markdown(
        f"**{dollars_b(run.headline_mean)} ± {dollars_b(run.headline_se)}** (mean ± standard "
        f"error) by {year}; median {dollars_b(q50)}, 90% band {dollars_b(q05)} to "
        f"{dollars_b(q95)}; {run.headline_mean / run.naive:.2%} of the naive "
        f"{dollars_b(run.naive)}. {sample}; {run.seconds:.1f} s ({run.backend})."
    )
    naive_line = st.checkbox(
        f"Draw the naive {dollars_b(run.naive)} line (off: zoom to the band)", value=True,
        key="pool.naive_line",
    )
    chart = _band_chart(
        alt, run.cumulative,
        title=f"Cumulative net flow into {asset}, $B nominal: 90% band, median (line), "
        f"mean (dashed); {sample}",
        y_title="$B nominal", rule=run.naive / BILLION if naive_line else None,
        rule_label=f"naive {dollars_b(run.naive)}",
    )
    st.altair_chart(chart, width="stretch")

    causes = run.table[[c for c in run.table.columns if c.endswith(" mean $B")
                        and not c.startswith("net")]]
    long = causes.rename(columns=lambda c: c.removesuffix(" mean $B")).reset_index().melt(
        "year", var_name="cause", value_name="$B"
    )
    bars = (
        alt.Chart(long)
        .mark_bar()
        .encode(
            x=alt.X("year:O"), y=alt.Y("$B:Q", title="$B nominal, mean"),
            color=alt.Color("cause:N"), tooltip=["year", "cause", "$B"],
        )
        .properties(title=f"Flows into {asset} by cause, mean by year, $B nominal; {sample}",
                    height=300)
    )
    st.altair_chart(bars, width="stretch")
    share = run.holdings_share * 100
    st.altair_chart(
        _band_chart(
            alt, share,
            title=f"Holdings of {asset} as a share of the pool at each year end, %: 90% band, "
            f"median, mean (dashed); {sample}",
            y_title="% of the pool", rule=None,
        ),
        width="stretch",
    )
    with st.expander(f"Flows by year, $B nominal ({sample})"):
        st.dataframe(run.table.style.format("{:,.2f}"))
    with st.expander("Held at the start by channel, $ nominal (a holding, not a flow)"):
        st.dataframe(run.start_holdings.style.format("{:,.0f}"))
    with st.expander("Assumptions in force (every number, defaults included)", expanded=False):
        st.table(pd.DataFrame(
            {"assumption": list(run.assumptions), "value": list(run.assumptions.values())}
        ).set_index("assumption"))
    c1, c2 = st.columns(2)
    c1.download_button(
        "Download the scenario (YAML for python -m alt401k run)", run.scenario_yaml,
        file_name="scenario.yaml", mime="application/x-yaml", key="pool.download.yaml",
    )
    c2.download_button(
        "Download the results by year (CSV)", run.to_csv(), file_name="pool_results.csv",
        mime="text/csv", key="pool.download.csv",
    )
    # The exact bytes the buttons serve, for whoever drives the page (tests included).
    st.session_state["pool.yaml"] = run.scenario_yaml
    st.session_state["pool.csv"] = run.to_csv()


def render(st: Any, *, n_default: int = 2_000, seed_default: int = 1,
           file_default: str = "base") -> None:
    """Draw the pool page."""
    st.header("The pool: how much flows into the asset, and how fast")
    with st.sidebar:
        name = st.selectbox(
            "Start from scenario file", SCENARIO_FILES, index=SCENARIO_FILES.index(file_default),
            key="pool.file", on_change=_reset_knobs, args=(st,),
            help="examples/scenarios/<name>.yaml; changing it resets every knob to the file.",
        )
        c1, c2 = st.columns(2)
        n = int(c1.number_input(
            "Scenarios", min_value=100, max_value=20_000, value=n_default, step=500,
            key="pool.n",
        ))
        seed = int(c2.number_input(
            "Seed", min_value=0, max_value=2**32 - 1, value=seed_default, step=1, key="pool.seed"
        ))
    try:
        base = ak_io.read_scenario(scenario_path(name))
    except (OSError, ValueError) as err:
        st.error(describe_error(err))
        return
    with st.sidebar:
        changes = knobs(st, base)
    try:
        scenario = base.replace(**changes)
    except ValueError as err:  # pydantic's ValidationError included
        st.error(f"This combination is not valid: {describe_error(err)}")
        return
    bar = st.progress(0.0, text=f"Simulating {n:,} scenarios, seed {seed}...")

    def progress(done: int, total: int) -> None:
        bar.progress(done / total, text=f"Simulating {n:,} scenarios, seed {seed}: "
                     f"{min(done * CHUNK, n):,} of {n:,} done")

    try:
        run = run_pool(scenario, n, seed, on_progress=progress)
    except (ValueError, ImportError) as err:
        bar.empty()
        st.error(f"This combination cannot run: {describe_error(err)}")
        return
    bar.empty()
    _show_results(st, run)
